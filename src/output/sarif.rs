//! `--format sarif`: SARIF 2.1.0 for code scanning, built from typed serde
//! structs (the subset of the schema jixiao fills; `tests/sarif-schema-2.1.0.json`
//! validates the result in the tests).
//!
//! - `tool.driver.rules`: the loader's codes, then the rule set's, each with
//!   id, name, short and full description (both languages under `zh`),
//!   help, default level and the rule's `basis` citations as a property;
//! - results with `ruleId` and the matching `ruleIndex`, level, message and a
//!   region in *characters* (`run.columnKind` is `unicodeCodePoints`) plus
//!   byte offset and length; for a finding in a workbook, the region is the
//!   cell's row and column and the cell a logical location
//!   (`{"name": "F6", "fullyQualifiedName": "自评表!F6", "kind": "cell"}`);
//! - a finding silenced by a waiver carries `suppressions` (`inSource`, with
//!   the waiver's reason); one silenced by a baseline, `external`;
//! - `artifactLocation.uri` is the path percent-encoded byte by byte (spaces,
//!   `#`, `%`, Chinese and undecodable bytes alike), `/` kept;
//! - `invocations[0]`: `executionSuccessful` false when a path could not be
//!   used, each such path a `toolExecutionNotifications` entry.

use super::{Positions, Region};
use crate::check::Outcome;
use crate::diag::{Lang, Severity, Suppression};
use crate::load::LOADER_CODES;
use crate::rules::RuleSet;
use serde::Serialize;
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

pub(crate) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
pub(crate) struct Log<'a> {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Run<'a> {
    pub tool: Tool,
    pub invocations: Vec<Invocation>,
    pub column_kind: &'static str,
    pub results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Invocation {
    pub execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
pub(crate) struct Notification {
    pub level: &'static str,
    pub message: Text<String>,
    pub locations: Vec<NotificationLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NotificationLocation {
    pub physical_location: ArtifactOnly,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ArtifactOnly {
    pub artifact_location: ArtifactLocation,
}

/// A path as a URI reference: `./` dropped, `\` as `/`, and every byte but
/// unreserved ASCII and `/` percent-encoded (SARIF §3.10 wants a valid URI;
/// `a b#1%41?.yaml` must not read as a fragment or decode to `A`).
pub(crate) fn uri(path: &Path) -> String {
    #[cfg(unix)]
    let bytes: Vec<u8> = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes: Vec<u8> = path.to_string_lossy().replace('\\', "/").into_bytes();
    let bytes = bytes.strip_prefix(b"./").unwrap_or(&bytes);
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Serialize)]
pub(crate) struct Tool {
    pub driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Driver {
    pub name: &'static str,
    pub version: &'static str,
    pub information_uri: &'static str,
    pub rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Descriptor {
    pub id: String,
    pub name: String,
    pub short_description: Text<String>,
    pub full_description: Text<String>,
    pub help: Text<String>,
    pub default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<RuleProperties>,
}

#[derive(Serialize)]
pub(crate) struct Text<T> {
    pub text: T,
}

#[derive(Serialize)]
pub(crate) struct Configuration {
    pub level: &'static str,
}

#[derive(Serialize)]
pub(crate) struct RuleProperties {
    pub basis: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SarifResult<'a> {
    pub rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    pub level: &'static str,
    pub message: Text<&'a str>,
    pub locations: Vec<Location>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<SarifSuppression<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<RelatedLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Location {
    pub physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logical_locations: Vec<LogicalLocation>,
}

/// A cell of a workbook: `{"name": "F6", "fullyQualifiedName": "自评表!F6",
/// "kind": "cell"}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogicalLocation {
    pub name: String,
    pub fully_qualified_name: String,
    pub kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RelatedLocation<'a> {
    pub id: usize,
    pub message: Text<&'a str>,
    pub physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: SarifRegion,
}

#[derive(Serialize)]
pub(crate) struct ArtifactLocation {
    pub uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SarifRegion {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// Offsets into the file's text; none for a cell of a workbook (the
    /// region is the cell's row and column).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_offset: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_length: Option<u32>,
}

#[derive(Serialize)]
pub(crate) struct SarifSuppression<'a> {
    pub kind: &'static str,
    pub justification: &'a str,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A rule's `name`: its English title in PascalCase, ASCII only
/// (`low budget execution` → `LowBudgetExecution`), else the code.
pub(crate) fn rule_name(title_en: Option<&str>, code: &str) -> String {
    let name: String = title_en
        .unwrap_or("")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect();
    if name.is_empty() {
        code.to_owned()
    } else {
        name
    }
}

/// Each rule's English title as written in its file, `{param}`s and all:
/// the `name` is built from it, so it stays the same whatever value a
/// config gives the param (`AtLeastMinLevel3ThirdLevelIndicators`, not
/// `AtLeast6…` today and `AtLeast8…` under `min_level3: 8`).
fn title_templates(rules: &RuleSet) -> HashMap<String, String> {
    let mut defaults = None;
    let mut out = HashMap::new();
    for s in &rules.sources {
        let file = match crate::rules::default_index(&s.text) {
            Some(d) => defaults
                .get_or_insert_with(|| crate::rules::default_files().unwrap_or_default())
                .get(d)
                .cloned(),
            None => None,
        }
        .unwrap_or_else(|| crate::rules::parse::parse_file(&s.text, Lang::En).0);
        for r in file.rules {
            if let Some((en, _)) = r.title.en {
                out.entry(r.code).or_insert(en);
            }
        }
    }
    out
}

/// The rule descriptors: the loader's codes, then the rule set's.
pub(crate) fn descriptors(rules: &RuleSet, lang: Lang) -> Vec<Descriptor> {
    let templates = title_templates(rules);
    let mut out: Vec<Descriptor> = LOADER_CODES
        .iter()
        .map(|c| Descriptor {
            id: c.code.to_owned(),
            name: rule_name(Some(c.title_en), c.code),
            short_description: Text {
                text: lang.pick(c.title_zh, c.title_en).to_owned(),
            },
            full_description: Text {
                text: match lang {
                    Lang::Zh => format!("{} / {}", c.title_zh, c.title_en),
                    Lang::En => c.title_en.to_owned(),
                },
            },
            help: Text {
                text: lang.pick(c.help_zh, c.help_en).to_owned(),
            },
            default_configuration: Configuration {
                level: level(c.severity),
            },
            properties: None,
        })
        .collect();
    for r in &rules.rules {
        let help = r
            .help_text
            .as_ref()
            .map(|t| match (lang, &t.en) {
                (Lang::En, Some((en, _))) => en.clone(),
                _ => t.zh.clone(),
            })
            .unwrap_or_default();
        out.push(Descriptor {
            id: r.code.to_string(),
            name: rule_name(
                templates
                    .get(&*r.code)
                    .map(String::as_str)
                    .or(r.title_en.as_deref()),
                &r.code,
            ),
            short_description: Text {
                text: r.title(lang).to_owned(),
            },
            full_description: Text {
                text: match (lang, &r.title_en) {
                    (Lang::Zh, Some(en)) => format!("{} / {en}", r.title_zh),
                    (Lang::En, Some(en)) => en.to_string(),
                    (_, None) => r.title_zh.to_string(),
                },
            },
            help: Text { text: help },
            default_configuration: Configuration {
                level: level(r.severity),
            },
            properties: (!r.basis.is_empty()).then(|| RuleProperties {
                basis: r.basis.clone(),
            }),
        });
    }
    out
}

/// The cell of a span in a workbook's table, as a logical location.
fn cell_location(
    o: &Outcome,
    file: crate::diag::FileId,
    at: crate::source::Span,
) -> Vec<LogicalLocation> {
    o.file(file)
        .and_then(|e| e.cell(at))
        .map(|(sheet, cell)| LogicalLocation {
            fully_qualified_name: format!("{sheet}!{cell}"),
            name: cell,
            kind: "cell",
        })
        .into_iter()
        .collect()
}

fn physical(uri: &str, r: Region, offset: Option<u32>, length: Option<u32>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri.to_owned(),
        },
        region: SarifRegion {
            start_line: r.start.line,
            start_column: r.start.column,
            end_line: r.end.line,
            end_column: r.end.column,
            byte_offset: offset,
            byte_length: length,
        },
    }
}

/// The whole SARIF log of a run.
pub(crate) fn document<'a>(o: &'a Outcome, rules: &RuleSet, lang: Lang) -> Log<'a> {
    let descs = descriptors(rules, lang);
    let index: HashMap<&str, usize> = descs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let pos = Positions::new(o);
    let results: Vec<SarifResult<'a>> = o
        .findings
        .iter()
        .map(|f| {
            let r = pos.of(f);
            let related_locations = f
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let logical_locations = cell_location(o, l.file, l.span);
                    let bytes = logical_locations.is_empty();
                    RelatedLocation {
                        id: i,
                        message: Text { text: &l.text },
                        physical_location: physical(
                            &o.file(l.file).map_or_else(String::new, |e| uri(&e.path)),
                            pos.region(l.file, l.span),
                            bytes.then_some(l.span.start),
                            bytes.then_some(l.span.end - l.span.start),
                        ),
                        logical_locations,
                    }
                })
                .collect();
            let mut partial_fingerprints = BTreeMap::new();
            if !f.path.is_empty() {
                partial_fingerprints.insert("nodePath/v1", f.path.as_str());
            }
            let logical_locations = cell_location(o, f.file, f.span);
            let bytes = logical_locations.is_empty();
            SarifResult {
                rule_id: &f.code,
                rule_index: index.get(&*f.code).copied(),
                level: level(f.severity),
                message: Text { text: &f.message },
                locations: vec![Location {
                    physical_location: physical(
                        &o.file(f.file).map_or_else(String::new, |e| uri(&e.path)),
                        r,
                        bytes.then_some(f.span.start),
                        bytes.then_some(f.span.end - f.span.start),
                    ),
                    logical_locations,
                }],
                partial_fingerprints,
                suppressions: match &f.suppressed {
                    Some(Suppression::Waiver(reason)) => vec![SarifSuppression {
                        kind: "inSource",
                        justification: reason,
                    }],
                    Some(Suppression::Baseline) => vec![SarifSuppression {
                        kind: "external",
                        justification: "baseline",
                    }],
                    None => Vec::new(),
                },
                related_locations,
            }
        })
        .collect();
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "jixiao",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/jixiao-lint/jixiao",
                    rules: descs,
                },
            },
            invocations: vec![Invocation {
                execution_successful: o.problems.is_empty(),
                tool_execution_notifications: o
                    .problems
                    .iter()
                    .map(|p| Notification {
                        level: "error",
                        message: Text {
                            text: lang.pick(&p.zh, &p.en).to_owned(),
                        },
                        locations: vec![NotificationLocation {
                            physical_location: ArtifactOnly {
                                artifact_location: ArtifactLocation { uri: uri(&p.path) },
                            },
                        }],
                    })
                    .collect(),
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

/// The run as one SARIF 2.1.0 log, the rules of `rules` as its rule descriptors.
pub fn write(o: &Outcome, rules: &RuleSet, out: &mut dyn Write, lang: Lang) -> io::Result<()> {
    let doc = document(o, rules, lang);
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::{rule_name, uri};

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            uri(std::path::Path::new("./a b#1%41?x.yaml")),
            "a%20b%231%2541%3Fx.yaml"
        );
        assert_eq!(
            uri(std::path::Path::new("项目/a.yaml")),
            "%E9%A1%B9%E7%9B%AE/a.yaml"
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let p = std::path::Path::new(std::ffi::OsStr::from_bytes(b"a\xff.yaml"));
            assert_eq!(uri(p), "a%FF.yaml");
        }
    }

    #[test]
    fn rule_names_are_ascii_pascal_case() {
        assert_eq!(
            rule_name(Some("low budget execution"), "JX304"),
            "LowBudgetExecution"
        );
        assert_eq!(
            rule_name(Some("amount looks like 元 written as 万元"), "JX303"),
            "AmountLooksLikeWrittenAs"
        );
        assert_eq!(
            rule_name(
                Some("at least {min_level3} third-level indicators"),
                "JX101"
            ),
            "AtLeastMinLevel3ThirdLevelIndicators"
        );
        assert_eq!(rule_name(None, "JX999"), "JX999");
        assert_eq!(rule_name(Some("万元"), "JX999"), "JX999");
    }
}
