//! The review room page's check (SPEC §6): the files dropped on
//! `web/jixiao.html`, given as names and bytes, checked exactly as the command
//! line checks them, answered as one JSON document the page lays out — the
//! findings as `--format json`, each file's terminal snippets, the summary
//! line and the review pack as `report --format html`. A dropped
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
    /// The decoded text, when a finding points into it.
    text: Option<&'a str>,
    /// A declaration was found in it.
    declaration: bool,
    /// Its unsuppressed findings as the terminal shows them (no colour).
    human: String,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
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
    let mut opts = Options::new(LoadOptions {
        profile: set.rules.profile,
        lang,
        ..LoadOptions::default()
    });
    opts.keep_docs = true;
    let outcome = check::check(&ws, &set.rules, &opts);
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
                text: e.text.as_deref(),
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

    #[test]
    fn nothing_dropped() {
        let v: Value = serde_json::from_str(&check_json(&[], Lang::En)).unwrap();
        assert_eq!(v["findings"], Value::Array(Vec::new()));
        assert!(v["files"].as_array().unwrap().is_empty());
    }
}
