//! The review room page's check (SPEC §6): the files dropped on
//! `web/jixiao.html`, given as names and bytes, checked exactly as the command
//! line checks them, answered as one JSON document the page lays out — the
//! findings as `--format json`, each file's terminal snippets, the summary
//! line and the review pack as `report --format html`; for a table read from
//! a workbook, the part of its sheet around its cells with the findings'
//! cells marked (the page draws it as the sheet instead of the YAML). A dropped
//! `.jixiao.yaml` is the config and dropped `.rules` files add rules, as with
//! `--config` and `--rules`. Platform independent (tested natively); the
//! WebAssembly entry points are in `wasm`.

use crate::check::{self, Options, Outcome};
use crate::config::Config;
use crate::diag::{Lang, Severity};
use crate::load::LoadOptions;
use crate::output::{self, human};
use crate::report::{self, ReportFormat};
use crate::rules::compile::RuleSource;
use crate::setup::{self, Flags};
use crate::workspace::Workspace;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// One dropped file: its name (a relative path when a folder was dropped)
/// and its bytes.
#[derive(Clone, Debug)]
pub struct PageFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Serialize)]
struct FileOut<'a> {
    name: &'a str,
    /// The decoded text, when a finding points into it (not for a table
    /// read from a workbook: its grid is shown instead).
    text: Option<&'a str>,
    /// For a table read from a workbook: the parts of its sheets around its
    /// cells, with the findings' cells marked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    grid: Vec<SheetOut<'a>>,
    /// A declaration was found in it.
    declaration: bool,
    /// Its unsuppressed findings as the terminal shows them (no colour).
    human: String,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
}

/// A part of a sheet as the page draws it: rows of cell texts from
/// (`row0`, `col0`) (0-based; rows may be shorter than others), the merged
/// ranges `[first_row, first_col, last_row, last_col]` and the marked cells.
#[derive(Serialize)]
struct SheetOut<'a> {
    name: &'a str,
    row0: u32,
    col0: u32,
    rows: &'a [Vec<String>],
    merges: Vec<[u32; 4]>,
    marks: Vec<MarkOut<'a>>,
}

/// A cell with a finding (`primary`) or one of its labels: `finding` is
/// the finding's index in the answer's `findings`; rows and columns are
/// 0-based, the last ones those of a merged range.
#[derive(Serialize)]
struct MarkOut<'a> {
    finding: usize,
    primary: bool,
    row: u32,
    col: u32,
    last_row: u32,
    last_col: u32,
    cell: String,
    text: &'a str,
}

#[derive(Serialize)]
struct Answer<'a> {
    lang: &'a str,
    /// The terminal's last line (`3 个文件：1 个错误…`).
    summary: String,
    files: Vec<FileOut<'a>>,
    /// Errors that stop the run (a broken config or rule file), as the
    /// terminal shows them; empty when the run went ahead.
    setup_errors: String,
    /// The review pack, a whole HTML document.
    pack: String,
}

/// A file the page treats as the config rather than a declaration.
fn is_config(name: &str) -> bool {
    matches!(
        Path::new(name).file_name().and_then(|n| n.to_str()),
        Some(".jixiao.yaml" | "jixiao.yaml" | ".jixiao.yml")
    )
}

fn is_rules(name: &str) -> bool {
    name.ends_with(".rules")
}

fn text_of(bytes: &[u8]) -> Arc<str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    Arc::from(String::from_utf8_lossy(bytes).as_ref())
}

/// The rule set of the files: the config and rule files among them (at most
/// one config: the first), or the errors that stop the run.
fn setup_of(files: &[PageFile], lang: Lang) -> Result<setup::Setup, Vec<crate::error::Error>> {
    let flags = Flags {
        lang: Some(lang),
        ..Flags::default()
    };
    let mut config = Config::default();
    let mut config_file = None;
    if let Some(f) = files.iter().find(|f| is_config(&f.name)) {
        let name: Arc<str> = Arc::from(f.name.as_str());
        let text = text_of(&f.bytes);
        config = setup::parse_config(name.clone(), text.clone(), None, lang)?;
        config_file = Some((name, text));
    }
    let extra = files
        .iter()
        .filter(|f| is_rules(&f.name))
        .map(|f| RuleSource {
            name: Arc::from(f.name.as_str()),
            text: text_of(&f.bytes),
        })
        .collect();
    setup::build(config, config_file, extra, &flags)
}

/// Check the dropped `files` with messages in `lang` and answer the JSON
/// document the page shows.
pub fn check_json(files: &[PageFile], lang: Lang) -> String {
    let code = match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    };
    let set = match setup_of(files, lang) {
        Ok(s) => s,
        Err(errors) => {
            let mut text = Vec::new();
            let _ = human::setup_errors(&errors, &mut text, lang, &human::handler(false, None));
            let answer = Answer {
                lang: code,
                summary: String::new(),
                files: Vec::new(),
                setup_errors: String::from_utf8_lossy(&text).into_owned(),
                pack: String::new(),
            };
            return format!(
                "{{\"findings\":[],{}",
                &serde_json::to_string(&answer).unwrap_or_default()[1..]
            );
        }
    };
    let mut ws = Workspace::new();
    for f in files
        .iter()
        .filter(|f| !is_config(&f.name) && !is_rules(&f.name))
    {
        ws.add_bytes(f.name.as_str(), f.bytes.as_slice());
    }
    // The config's `limits` too, as `check` and the editor apply them.
    let mut opts = Options::new(set.config.limits.apply(LoadOptions {
        profile: set.rules.profile,
        lang,
        ..LoadOptions::default()
    }));
    opts.keep_docs = true;
    let mut outcome = check::check(&ws, &set.rules, &opts);
    let sel = crate::config::Selection::of(&set.config);
    outcome.findings.retain(|f| sel.keeps(&f.code));
    let mut findings = Vec::new();
    let _ = output::json::write(&outcome, &mut findings, lang);
    let answer = Answer {
        lang: code,
        summary: outcome.tally().line(lang),
        files: files_out(&outcome, lang),
        setup_errors: String::new(),
        pack: report::render(&outcome, &set.rules, ReportFormat::Html, lang)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default(),
    };
    let rest = serde_json::to_string(&answer).unwrap_or_else(|_| "{}".into());
    // `{"findings":[...],` then the answer's fields.
    let findings = String::from_utf8_lossy(&findings);
    format!("{{\"findings\":{},{}", findings.trim_end(), &rest[1..])
}

/// Each reported file with its snippets as the terminal renders them.
fn files_out(o: &Outcome, lang: Lang) -> Vec<FileOut<'_>> {
    let h = human::handler(false, None);
    o.files
        .iter()
        .enumerate()
        .filter(|(_, e)| e.reported)
        .map(|(id, e)| {
            let mut out = FileOut {
                name: &e.name,
                text: e.text.as_deref().filter(|_| e.table.is_none()),
                grid: grid_of(o, id),
                declaration: e.declaration,
                human: String::new(),
                errors: 0,
                warnings: 0,
                infos: 0,
                suppressed: 0,
            };
            for f in o.findings.iter().filter(|f| f.file as usize == id) {
                if f.is_suppressed() {
                    out.suppressed += 1;
                    continue;
                }
                match f.severity {
                    Severity::Error => out.errors += 1,
                    Severity::Warning => out.warnings += 1,
                    Severity::Info => out.infos += 1,
                }
                if let Ok(s) = human::render(o, f, lang, &h) {
                    out.human.push_str(s.trim_end());
                    out.human.push_str("\n\n");
                }
            }
            out
        })
        .collect()
}

/// The sheets of the table behind file `id`, each with the cells its
/// findings (suppressed ones too) and their labels point at.
fn grid_of(o: &Outcome, id: usize) -> Vec<SheetOut<'_>> {
    let Some(t) = o.files.get(id).and_then(|e| e.table.as_deref()) else {
        return Vec::new();
    };
    fn mark<'o>(
        t: &crate::workbook::Table,
        finding: usize,
        primary: bool,
        at: crate::source::Span,
        text: &'o str,
    ) -> Option<(u32, MarkOut<'o>)> {
        let c = t.anchor(at.start as usize, at.end as usize)?;
        Some((
            c.sheet,
            MarkOut {
                finding,
                primary,
                row: c.row,
                col: c.col,
                last_row: c.last_row,
                last_col: c.last_col,
                cell: crate::workbook::cell_name(&c),
                text,
            },
        ))
    }
    let mut marks: Vec<(u32, MarkOut<'_>)> = Vec::new();
    for (i, f) in o.findings.iter().enumerate() {
        if f.file as usize == id {
            let text = f.label.as_deref().unwrap_or(&f.title);
            marks.extend(mark(t, i, true, f.span, text));
        }
        for l in f.labels.iter().filter(|l| l.file as usize == id) {
            marks.extend(mark(t, i, false, l.span, &l.text));
        }
    }
    t.excerpts
        .iter()
        .map(|x| SheetOut {
            name: &x.name,
            row0: x.row0,
            col0: x.col0,
            rows: &x.rows,
            merges: x
                .merges
                .iter()
                .map(|m| [m.range.0, m.range.1, m.range.2, m.range.3])
                .collect(),
            marks: marks
                .iter()
                .filter(|(s, _)| *s == x.sheet)
                .map(|(_, m)| MarkOut {
                    cell: m.cell.clone(),
                    ..*m
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn chengde() -> Vec<PageFile> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|n| PageFile {
                bytes: std::fs::read(dir.join(&n)).unwrap(),
                name: n,
            })
            .collect()
    }

    fn codes(v: &Value) -> Vec<(String, String)> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_owned(),
                    f["file"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    /// Bare file names (a flat drop): the summary sees its ten projects.
    #[test]
    fn chengde_as_dropped() {
        let v: Value = serde_json::from_str(&check_json(&chengde(), Lang::Zh)).unwrap();
        let c = codes(&v);
        assert_eq!(c.iter().filter(|(k, _)| k == "JX503").count(), 1, "{c:?}");
        assert_eq!(c.iter().filter(|(k, _)| k == "JX304").count(), 5, "{c:?}");
        assert!(c.iter().any(|(k, f)| k == "JX503" && f == "summary.yaml"));
        assert_eq!(v["lang"], "zh");
        assert_eq!(v["files"].as_array().unwrap().len(), 11);
        let summary = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "summary.yaml")
            .unwrap();
        assert_eq!(summary["errors"], 1);
        let human = summary["human"].as_str().unwrap();
        assert!(human.contains("JX503"), "{human}");
        assert!(human.contains("summary.yaml:"), "{human}");
        assert!(summary["text"].as_str().unwrap().contains("projects"));
        let pack = v["pack"].as_str().unwrap();
        assert!(pack.starts_with("<!DOCTYPE html>"));
        assert!(pack.contains("预算绩效评审材料"));
        assert!(v["summary"].as_str().unwrap().contains("11"));
    }

    /// English messages and pack; a broken file reports JX001 while the
    /// others keep their findings.
    #[test]
    fn broken_file_beside_the_others() {
        let mut files = chengde();
        files.push(PageFile {
            name: "broken.yaml".into(),
            bytes: b"kind: target\nyear: [2022\n".to_vec(),
        });
        let v: Value = serde_json::from_str(&check_json(&files, Lang::En)).unwrap();
        let c = codes(&v);
        assert!(
            c.iter().any(|(k, f)| k == "JX001" && f == "broken.yaml"),
            "{c:?}"
        );
        assert_eq!(c.iter().filter(|(k, _)| k == "JX304").count(), 5, "{c:?}");
        assert_eq!(c.iter().filter(|(k, _)| k == "JX503").count(), 1, "{c:?}");
        assert!(v["pack"].as_str().unwrap().contains("Budget performance"));
        let broken = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "broken.yaml")
            .unwrap();
        assert!(broken["human"].as_str().unwrap().contains("JX001"));
    }

    /// A dropped config changes the run; a broken one stops it with its error.
    #[test]
    fn config_and_rules_files() {
        let mut files = chengde();
        files.push(PageFile {
            name: ".jixiao.yaml".into(),
            bytes: b"severity:\n  JX304: off\n".to_vec(),
        });
        let v: Value = serde_json::from_str(&check_json(&files, Lang::Zh)).unwrap();
        let c = codes(&v);
        assert_eq!(c.iter().filter(|(k, _)| k == "JX304").count(), 0, "{c:?}");
        assert_eq!(v["files"].as_array().unwrap().len(), 11);

        let mut files = chengde();
        files.push(PageFile {
            name: ".jixiao.yaml".into(),
            bytes: b"severity:\n  JX999: off\n".to_vec(),
        });
        let v: Value = serde_json::from_str(&check_json(&files, Lang::Zh)).unwrap();
        assert!(v["findings"].as_array().unwrap().is_empty());
        let err = v["setup_errors"].as_str().unwrap();
        assert!(err.contains("JX999"), "{err}");
        assert!(err.contains(".jixiao.yaml"), "{err}");
    }

    /// The Chengde workbooks: the summary's table comes with its sheet, the
    /// JX503 cell marked at 汇总!E3, and no YAML text.
    #[test]
    fn workbooks_come_with_their_grids() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022-xlsx");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let files: Vec<PageFile> = names
            .into_iter()
            .map(|n| PageFile {
                bytes: std::fs::read(dir.join(&n)).unwrap(),
                name: n,
            })
            .collect();
        let v: Value = serde_json::from_str(&check_json(&files, Lang::Zh)).unwrap();
        let findings = v["findings"].as_array().unwrap();
        let summary = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "summary.xlsx")
            .unwrap();
        assert!(summary["text"].is_null(), "{summary}");
        let sheet = &summary["grid"][0];
        assert_eq!(sheet["name"], "汇总");
        let marks = sheet["marks"].as_array().unwrap();
        let m = marks.iter().find(|m| m["primary"] == true).unwrap();
        assert_eq!(
            findings[m["finding"].as_u64().unwrap() as usize]["code"],
            "JX503"
        );
        assert_eq!(
            (&m["row"], &m["col"], &m["cell"]),
            (&json(2), &json(4), &json("E3"))
        );
        let (r0, c0) = (
            sheet["row0"].as_u64().unwrap(),
            sheet["col0"].as_u64().unwrap(),
        );
        let row = &sheet["rows"][(2 - r0) as usize];
        assert_eq!(row[(4 - c0) as usize], "260.15", "{sheet}");
        assert!(
            summary["human"]
                .as_str()
                .unwrap()
                .contains("╭─[summary.xlsx:汇总!E3]")
        );
        // a project's JX304 and the JX503 label on its executed amount
        let p1 = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "01-jujia-yanglao.xlsx")
            .unwrap();
        let marks = p1["grid"][0]["marks"].as_array().unwrap();
        let at: Vec<(String, bool)> = marks
            .iter()
            .map(|m| (m["cell"].as_str().unwrap().to_owned(), m["primary"] == true))
            .collect();
        assert!(at.contains(&("E9".into(), true)), "{at:?}");
        assert!(at.contains(&("E9".into(), false)), "{at:?}");
        // YAML files keep their text and have no grid
        let v: Value = serde_json::from_str(&check_json(&chengde(), Lang::Zh)).unwrap();
        let f = &v["files"][0];
        assert!(f["text"].is_string() && f.get("grid").is_none(), "{f}");
    }

    fn json<T: Into<Value>>(v: T) -> Value {
        v.into()
    }

    #[test]
    fn nothing_dropped() {
        let v: Value = serde_json::from_str(&check_json(&[], Lang::En)).unwrap();
        assert_eq!(v["findings"], Value::Array(Vec::new()));
        assert!(v["files"].as_array().unwrap().is_empty());
    }
}
