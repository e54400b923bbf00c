//! The "add a waiver" edit: where in a declaration a `waivers` entry for a
//! rule goes (after the last entry of a block `waivers` list, into a flow
//! list, under an empty `waivers:`, or a new `waivers:` at the end) and its
//! text, with `reason` left to fill in; for a finding on one indicator, the
//! entry may carry the indicator's `path` so it silences that one only.

use crate::yaml::{self, Yaml};

/// An insertion or replacement: the bytes `start..end` become `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The edit that adds `- rule: CODE` / `reason: ` to `text`'s `waivers`.
pub fn add(text: &str, code: &str) -> Edit {
    add_entry(text, code, None)
}

/// The edit that adds a `waivers` entry for `code`, limited to `path` when
/// given (`- rule: CODE` / `path: "P"` / `reason: `).
pub fn add_entry(text: &str, code: &str, path: Option<&str>) -> Edit {
    // Quoted as JSON, which YAML reads as a double-quoted scalar: `[`, `:`
    // and `#` in an indicator's name stay text.
    let quoted = path.map(|p| serde_json::to_string(p).unwrap_or_default());
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let parsed = yaml::parse(text, yaml::Limits::default());
    let waivers = parsed.root.as_ref().and_then(|root| match &root.yaml {
        Yaml::Map(es) => es
            .iter()
            // `豁免:` is `waivers:` too: a second key would be a JX004.
            .find(|(k, _)| {
                k.as_str().and_then(crate::model::Key::lookup) == Some(crate::model::Key::Waivers)
            })
            .map(|(k, v)| (k.span, v)),
        _ => None,
    });
    if let Some((key, v)) = waivers {
        let at = v.span.start as usize;
        let flow = text[at.min(text.len())..].starts_with('[');
        match &v.yaml {
            Yaml::Seq(items) if flow => {
                let close = v.span.end as usize;
                // The span ends after `]`: insert before it.
                let before = text[..close].rfind(']').unwrap_or(close);
                let sep = if items.is_empty() { "" } else { ", " };
                return Edit {
                    start: before,
                    end: before,
                    text: match &quoted {
                        Some(q) => format!("{sep}{{ rule: {code}, path: {q}, reason: \"\" }}"),
                        None => format!("{sep}{{ rule: {code}, reason: \"\" }}"),
                    },
                };
            }
            Yaml::Seq(items) if !items.is_empty() => {
                let first = items[0].span.start as usize;
                let line_start = text[..first].rfind(['\n', '\r']).map_or(0, |i| i + 1);
                let indent: String = text[line_start..]
                    .chars()
                    .take_while(|c| *c == ' ')
                    .collect();
                let end = v.span.end as usize;
                let eol = text[end..]
                    .find(['\n', '\r'])
                    .map_or(text.len(), |i| end + i);
                let (lead, at) = if eol == text.len() {
                    (nl, text.len())
                } else {
                    let brk = if text[eol..].starts_with("\r\n") {
                        2
                    } else {
                        1
                    };
                    ("", eol + brk)
                };
                return Edit {
                    start: at,
                    end: at,
                    text: format!(
                        "{lead}{indent}- rule: {code}{nl}{}{indent}  reason: {nl}",
                        quoted
                            .as_ref()
                            .map_or(String::new(), |q| format!("{indent}  path: {q}{nl}"))
                    ),
                };
            }
            _ if v.is_null() => {
                // `waivers:` with nothing after it: the entry goes below the key.
                let end = key.end as usize;
                let eol = text[end..]
                    .find(['\n', '\r'])
                    .map_or(text.len(), |i| end + i);
                return Edit {
                    start: eol,
                    end: eol,
                    text: format!(
                        "{nl}  - rule: {code}{nl}{}    reason: ",
                        quoted
                            .as_ref()
                            .map_or(String::new(), |q| format!("    path: {q}{nl}"))
                    ),
                };
            }
            _ => {}
        }
    }
    // No `waivers` (or one that is not a list): a new list at the end.
    let lead = if text.is_empty() || text.ends_with(['\n', '\r']) {
        ""
    } else {
        nl
    };
    Edit {
        start: text.len(),
        end: text.len(),
        text: format!(
            "{lead}waivers:{nl}  - rule: {code}{nl}{}    reason: {nl}",
            quoted
                .as_ref()
                .map_or(String::new(), |q| format!("    path: {q}{nl}"))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, code: &str) -> String {
        let e = add(text, code);
        let mut t = text.to_owned();
        t.replace_range(e.start..e.end, &e.text);
        t
    }

    #[test]
    fn a_new_list_at_the_end() {
        assert_eq!(
            apply("kind: target\nyear: 2023", "JX304"),
            "kind: target\nyear: 2023\nwaivers:\n  - rule: JX304\n    reason: \n"
        );
        assert_eq!(
            apply("kind: target\r\n", "JX304"),
            "kind: target\r\nwaivers:\r\n  - rule: JX304\r\n    reason: \r\n"
        );
    }

    #[test]
    fn after_the_last_entry_of_a_block_list() {
        let t = "kind: target\nwaivers:\n- rule: JX101\n  reason: 已批准\nyear: 2023\n";
        assert_eq!(
            apply(t, "JX304"),
            "kind: target\nwaivers:\n- rule: JX101\n  reason: 已批准\n- rule: JX304\n  reason: \nyear: 2023\n"
        );
        let t = "waivers:\n    - rule: JX101\n      reason: 已批准";
        assert_eq!(
            apply(t, "JX304"),
            "waivers:\n    - rule: JX101\n      reason: 已批准\n    - rule: JX304\n      reason: \n"
        );
    }

    #[test]
    fn into_a_flow_list_or_under_an_empty_key() {
        assert_eq!(
            apply("waivers: []\nyear: 2023\n", "JX304"),
            "waivers: [{ rule: JX304, reason: \"\" }]\nyear: 2023\n"
        );
        assert_eq!(
            apply("waivers: [{rule: JX1, reason: x}]\n", "JX304"),
            "waivers: [{rule: JX1, reason: x}, { rule: JX304, reason: \"\" }]\n"
        );
        assert_eq!(
            apply("waivers:\nyear: 2023\n", "JX304"),
            "waivers:\n  - rule: JX304\n    reason: \nyear: 2023\n"
        );
    }

    #[test]
    fn an_entry_limited_to_one_indicator_carries_its_path_quoted() {
        let e = add_entry(
            "kind: target\n",
            "JX403",
            Some("indicators.产出指标.数量指标[a: b]"),
        );
        assert_eq!(
            e.text,
            "waivers:\n  - rule: JX403\n    path: \"indicators.产出指标.数量指标[a: b]\"\n    reason: \n"
        );
        let t = "waivers:\n- rule: JX101\n  reason: 已批准\n";
        let mut s = t.to_owned();
        let e = add_entry(t, "JX403", Some("x[\"y\"]"));
        s.replace_range(e.start..e.end, &e.text);
        assert_eq!(
            s,
            "waivers:\n- rule: JX101\n  reason: 已批准\n- rule: JX403\n  path: \"x[\\\"y\\\"]\"\n  reason: \n"
        );
        let e = add_entry("waivers: []\n", "JX403", Some("a[b]"));
        assert_eq!(e.text, "{ rule: JX403, path: \"a[b]\", reason: \"\" }");
        // What the edit writes reads back as the path.
        let y = "waivers:\n  - rule: JX403\n    path: \"x[\\\"y\\\"]: #z\"\n";
        let parsed = crate::yaml::parse(y, crate::yaml::Limits::default());
        assert!(parsed.error.is_none());
    }

    #[test]
    fn the_chinese_key_is_the_list_too() {
        let text = "kind: target\n豁免:\n  - 规则: JX106\n    理由: 经批准\nyear: 2022\n";
        assert_eq!(
            apply(text, "JX304"),
            "kind: target\n豁免:\n  - 规则: JX106\n    理由: 经批准\n  - rule: JX304\n    reason: \nyear: 2022\n"
        );
        let text = "kind: target\n豁免: []\n";
        assert_eq!(
            apply(text, "JX304"),
            "kind: target\n豁免: [{ rule: JX304, reason: \"\" }]\n"
        );
    }

    #[test]
    fn broken_yaml_gets_a_list_at_the_end() {
        assert_eq!(
            apply("kind: [\n", "JX304"),
            "kind: [\nwaivers:\n  - rule: JX304\n    reason: \n"
        );
    }
}
