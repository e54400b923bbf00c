//! What Chinese typing does to YAML (SPEC §3.1, first contact #1–#3): a
//! full-width colon `：` or comma `，` where a key ends, `key:value` without
//! the space, a tab in the indentation, and full-width punctuation where YAML
//! wants its own: `，` between the entries of `{ … }`, `【…】`, `（…）` or
//! `｛…｝` for a flow mapping or list, a `{` closed by `）`, `“…”` around text
//! holding a colon. The YAML parser reports these on the line after and in
//! its own English; here the offending character is found and named in the
//! run's language, for the loader's JX001. Only when the parse failed and the
//! character explains it: full-width punctuation in ordinary Chinese text is
//! never a finding.

use crate::diag::Lang;
use crate::source::Span;

/// A syntax error said where it is made: the span of the offending
/// character, the message and the help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub span: Span,
    pub message: String,
    pub help: String,
}

/// A line's key part, before a colon, looks like a mapping key: no quotes,
/// brackets, `#` or `- ` inside (a list item's own key is allowed).
fn key_like(k: &str) -> bool {
    let k = k.trim_start();
    let k = k.strip_prefix("- ").unwrap_or(k).trim();
    !k.is_empty()
        && k.chars().count() <= 40
        && !k.contains([
            '"', '\'', '{', '}', '[', ']', '#', ',', ' ', '\t', '：', ':',
        ])
}

/// The hint for a YAML syntax error at `at` in `text`: the first of the
/// error's line, the line before (the parser reports a bad key on the line
/// after it) and the line after (it stops short of a tab) that shows one of
/// the faults above. `None` when none does.
pub fn hint(text: &str, at: Span, lang: Lang) -> Option<Hint> {
    let err = text[..(at.start as usize).min(text.len())]
        .matches('\n')
        .count();
    let mut offset = 0usize;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        if n + 1 < err || n > err + 1 {
            if n > err + 1 {
                break;
            }
            continue;
        }
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start_matches(' ');
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let no = text[..start].matches('\n').count() + 1;
        // A tab in the indentation.
        let indent = &body[..body.len() - body.trim_start_matches([' ', '\t']).len()];
        if let Some(i) = indent.find('\t') {
            let s = start + i;
            return Some(Hint {
                span: Span::new(s, s + 1),
                message: match lang {
                    Lang::Zh => format!("第 {no} 行用了制表符（Tab）缩进，YAML 只能用空格缩进"),
                    Lang::En => {
                        format!("line {no} is indented with a tab; YAML indents with spaces only")
                    }
                },
                help: lang
                    .pick(
                        "把制表符换成空格（与上下行对齐）",
                        "replace the tab by spaces (aligned with the lines around it)",
                    )
                    .to_owned(),
            });
        }
        // A full-width colon (or comma) ending a key.
        if let Some(i) = body.find('：')
            && key_like(&body[..i])
            && !body[..i].contains(':')
        {
            let s = start + i;
            return Some(Hint {
                span: Span::new(s, s + '：'.len_utf8()),
                message: lang
                    .pick(
                        "这里用了全角冒号“：”，请改成半角冒号加空格“: ”",
                        "a full-width colon `：` here: write an ASCII colon and a space `: `",
                    )
                    .to_owned(),
                help: lang
                    .pick("中文输入法下输入的冒号是全角的：切换到英文标点再输入", "a Chinese input method types full-width punctuation: switch to ASCII punctuation")
                    .to_owned(),
            });
        }
        // `key:value` with no space after the colon.
        if let Some(i) = body.find(':')
            && key_like(&body[..i])
            && body[i + 1..]
                .chars()
                .next()
                .is_some_and(|c| !c.is_whitespace())
            && !body.contains(": ")
            && !body[i + 1..].starts_with("//")
        {
            let s = start + i;
            return Some(Hint {
                span: Span::new(s, s + 1),
                message: lang
                    .pick(
                        "冒号后须有空格（写成“键: 值”）",
                        "a colon is followed by a space (`key: value`)",
                    )
                    .to_owned(),
                help: lang
                    .pick("在冒号后加一个空格", "add a space after the colon")
                    .to_owned(),
            });
        }
    }
    full_width(text, err, lang)
}

/// A line's text without its line break and trailing comment (a `#` after a
/// space, outside ASCII quotes).
fn code_part(line: &str) -> &str {
    let body = line.trim_end_matches(['\n', '\r']);
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev == ' ' || prev == '\t' => return body[..i].trim_end(),
            _ => {}
        }
        prev = c;
    }
    body.trim_end()
}

/// Full-width brackets and quotes a value may wrongly start with.
const OPENERS: [char; 9] = ['“', '‘', '【', '［', '｛', '（', '〔', '「', '『'];

/// Where a value starts on a line of code: after `- ` and after `key: `.
fn value_start(code: &str) -> usize {
    let mut i = code.len() - code.trim_start().len();
    loop {
        let rest = &code[i..];
        if let Some(r) = rest.strip_prefix("- ") {
            i = code.len() - r.trim_start().len();
        } else if let Some(k) = rest.find(": ")
            && key_like(&rest[..k])
            && !rest.starts_with(OPENERS)
        {
            i += k + 2;
            i = code.len() - code[i..].trim_start().len();
        } else {
            return i;
        }
    }
}

fn fw(span: Span, zh: String, en: String, lang: Lang, help: (&str, &str)) -> Hint {
    Hint {
        span,
        message: match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        help: lang.pick(help.0, help.1).to_owned(),
    }
}

const SWITCH: (&str, &str) = (
    "中文输入法下输入的标点是全角的：切换到英文标点再输入",
    "a Chinese input method types full-width punctuation: switch to ASCII punctuation",
);

/// Full-width punctuation that broke the parse of the line at index `err`
/// (0-based) or the one before or after; a `{` or `[` left open by a
/// full-width closer up to 30 lines before.
fn full_width(text: &str, err: usize, lang: Lang) -> Option<Hint> {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0usize, |off, l| {
            let s = *off;
            *off += l.len();
            Some((s, l))
        })
        .collect();
    let near = [Some(err), err.checked_sub(1), Some(err + 1)];
    for &(start, line) in near.iter().flatten().filter_map(|&n| lines.get(n)) {
        if let Some(h) = on_line(start, code_part(line), lang) {
            return Some(h);
        }
    }
    // `{ name: a, weight: 10 ）`: the flow stays open and the parser fails
    // lines later.
    let first = err.saturating_sub(30);
    for &(start, line) in lines
        .get(first..=err.min(lines.len().saturating_sub(1)))?
        .iter()
        .rev()
    {
        let code = code_part(line);
        let v = value_start(code);
        let (open, close) = match code[v..].chars().next() {
            Some('{') => ('{', '}'),
            Some('[') => ('[', ']'),
            _ => continue,
        };
        let Some(last) = code.chars().next_back() else {
            continue;
        };
        if code[v..].contains(close) || !"）】｝］〕」』".contains(last) {
            continue;
        }
        let s = start + code.len() - last.len_utf8();
        return Some(fw(
            Span::new(s, s + last.len_utf8()),
            format!("“{open}”后面用全角括号“{last}”收尾，“{open}”没有闭合：请改成半角“{close}”"),
            format!(
                "the `{open}` is closed by a full-width `{last}`, so it stays open: write an ASCII `{close}`"
            ),
            lang,
            SWITCH,
        ));
    }
    None
}

/// The full-width punctuation of one line of code (at byte `start`) that
/// explains a parse failure there.
fn on_line(start: usize, code: &str, lang: Lang) -> Option<Hint> {
    // `，` between the entries of a flow mapping or list: `{ name: a， weight: 10 }`.
    if let Some(open) = code.find(['{', '[']) {
        for (i, _) in code[open..].match_indices('，') {
            let i = open + i;
            let after = code[i + '，'.len_utf8()..].trim_start();
            // Before the next entry: `key:`, or a `{ … }` / `[ … ]` item.
            let entry = after.starts_with(['{', '['])
                || after.find([':', '：']).is_some_and(|k| {
                    key_like(&after[..k]) && !after[..k].contains(['（', '）', '“', '”'])
                });
            if entry {
                let s = start + i;
                return Some(fw(
                    Span::new(s, s + '，'.len_utf8()),
                    "花括号或方括号里的各项之间用了全角逗号“，”，请改成半角逗号加空格“, ”".into(),
                    "a full-width comma `，` between the entries of `{ … }` or `[ … ]`: write an ASCII comma and a space `, `".into(),
                    lang,
                    SWITCH,
                ));
            }
        }
    }
    let v = value_start(code);
    let value = &code[v..];
    let first = value.chars().next()?;
    // `【name: a, weight: 10】`, `（…）`, `｛…｝` for YAML's `{ … }` or `[ … ]`.
    if "【［｛（〔「『".contains(first) {
        let inner = &value[first.len_utf8()..];
        let keyed = inner.find([':', '：']).is_some_and(|k| {
            key_like(&inner[..k]) && !inner[..k].contains(['）', '】', '｝', '］', '“', '”'])
        });
        let ends = value
            .chars()
            .next_back()
            .is_some_and(|c| "）】｝］〕」』}]".contains(c));
        if keyed && ends {
            let s = start + v;
            let (zh, en) = if "【［".contains(first) {
                ("方括号", "bracket")
            } else {
                ("括号", "bracket")
            };
            return Some(fw(
                Span::new(s, s + first.len_utf8()),
                format!(
                    "这里用了全角{zh}“{first}”：YAML 的映射写成半角 {{ 键: 值, … }}，列表写成半角 [ 值, … ]"
                ),
                format!(
                    "a full-width {en} `{first}` here: a YAML mapping is written with ASCII `{{ key: value, … }}`, a list with `[ value, … ]`"
                ),
                lang,
                SWITCH,
            ));
        }
    }
    // `“原因: 资金未到位”`: full-width quotes do not quote, the colon inside
    // is read as a key's.
    if let Some(close) = match first {
        '“' => Some('”'),
        '‘' => Some('’'),
        _ => None,
    } {
        let inner = &value[first.len_utf8()..];
        let inner = &inner[..inner.find(close).unwrap_or(inner.len())];
        if inner.contains(": ") || inner.ends_with(':') {
            let s = start + v;
            return Some(fw(
                Span::new(s, s + first.len_utf8()),
                format!(
                    "这里用了全角引号 {first}{close}，它不是 YAML 的引号，其中的冒号被当成了键的冒号：请改成半角双引号 \"…\""
                ),
                format!(
                    "full-width quotes `{first}{close}` do not quote in YAML, so the colon inside reads as a key's: use ASCII double quotes \"…\""
                ),
                lang,
                SWITCH,
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "kind: target\nyear: 2022\nbudget:\n  unit: 万元\n  total: 150\n  sources:\n    general_public: 150\n";

    fn at_line(text: &str, n: usize) -> Span {
        let s: usize = text.split_inclusive('\n').take(n - 1).map(str::len).sum();
        Span::new(s + 2, s + 3)
    }

    #[test]
    fn a_full_width_colon_is_found_on_its_line() {
        let t = DOC.replace("  total: 150", "  total：150");
        let h = hint(&t, at_line(&t, 6), Lang::Zh).unwrap();
        assert_eq!(&t[h.span.start as usize..h.span.end as usize], "：");
        assert_eq!(t[..h.span.start as usize].matches('\n').count() + 1, 5);
        assert!(h.message.contains("全角冒号"));
    }

    #[test]
    fn a_missing_space_and_a_tab_are_found() {
        let t = DOC.replace("  total: 150", "  total:150");
        let h = hint(&t, at_line(&t, 6), Lang::En).unwrap();
        assert_eq!(
            h.span,
            Span::new(t.find("total:").unwrap() + 5, t.find("total:").unwrap() + 6)
        );
        assert!(h.message.contains("followed by a space"));
        let t = DOC.replace("  total: 150", "\ttotal: 150");
        let h = hint(&t, at_line(&t, 4), Lang::Zh).unwrap();
        assert_eq!(&t[h.span.start as usize..h.span.end as usize], "\t");
        assert!(h.message.starts_with("第 5 行用了制表符"), "{}", h.message);
    }

    /// The hint for `line` (replacing `total: 150`) where the parser failed.
    fn fw_hint(line: &str) -> Option<(String, String)> {
        let t = DOC.replace("  total: 150", line);
        let err = crate::yaml::parse(&t, crate::yaml::Limits::default())
            .error
            .expect("a syntax error");
        hint(&t, err.span, Lang::Zh).map(|h| {
            (
                t[h.span.start as usize..h.span.end as usize].to_owned(),
                h.message,
            )
        })
    }

    #[test]
    fn full_width_punctuation_that_breaks_the_parse_is_named() {
        let (at, m) = fw_hint("  total: { a: 1， b: 2 }").unwrap();
        assert_eq!(at, "，");
        assert!(m.contains("全角逗号"), "{m}");
        let (at, _) = fw_hint("  total: [{ a: 1 }， { a: 2 }]").unwrap();
        assert_eq!(at, "，");
        for line in [
            "  total: 【a: 1, b: 2】",
            "  total: （a: 1, b: 2）",
            "  total: ｛a: 1, b: 2}",
        ] {
            let (at, m) = fw_hint(line).unwrap();
            assert_eq!(at, line[9..].chars().next().unwrap().to_string(), "{line}");
            assert!(m.starts_with("这里用了全角"), "{m}");
        }
        let (at, m) = fw_hint("  total: “备注: 见附件”").unwrap();
        assert_eq!(at, "“");
        assert!(m.contains("全角引号 “”"), "{m}");
        let (at, m) = fw_hint("  total: { a: 1, b: 2 ）").unwrap();
        assert_eq!(at, "）");
        assert!(m.contains("请改成半角“}”"), "{m}");
    }

    #[test]
    fn full_width_punctuation_in_ordinary_text_is_not_blamed() {
        // The parse fails on the colon in the text, not on the brackets or quotes.
        assert_eq!(fw_hint("  total: （见附件）原因: 资金"), None);
        assert_eq!(fw_hint("  total: “由于”资金紧张: 见附件"), None);
        assert_eq!(
            fw_hint("  total: 依据【2018】59号，“十四五”规划: 见附件"),
            None
        );
        // A list of Chinese text with full-width commas parses: no error at all.
        let t = DOC.replace("  total: 150", "  total: [完成率，满意度（90%）, “十四五”]");
        assert!(
            crate::yaml::parse(&t, crate::yaml::Limits::default())
                .error
                .is_none()
        );
    }

    #[test]
    fn urls_times_and_quoted_text_are_not_mistaken() {
        let t = "a: \"x：y\"\nb: http://x\nc: 12:30\n";
        assert_eq!(hint(t, Span::new(t.len() - 1, t.len()), Lang::Zh), None);
    }
}
