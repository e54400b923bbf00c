//! `--format sarif`: SARIF 2.1.0 for code scanning. Rules in
//! `tool.driver.rules` (id, name, descriptions, help, default level);
//! results with ruleId, level, message and a region in *characters*
//! (`columnKind: unicodeCodePoints`) plus byte offsets; waived findings carry
//! `suppressions` with their reason.

use super::{Positions, file_name};
use crate::check::Outcome;
use crate::diag::{Lang, Severity, Suppression};
use crate::load::LOADER_CODES;
use crate::rules::RuleSet;
use serde_json::{Value, json};
use std::io::{self, Write};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The rule descriptors: the loader's codes, then the rule set's.
fn descriptors(rules: &RuleSet, lang: Lang) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = LOADER_CODES
        .iter()
        .map(|c| {
            (
                c.code.to_owned(),
                json!({
                    "id": c.code,
                    "name": c.title_en.replace(' ', "-"),
                    "shortDescription": { "text": lang.pick(c.title_zh, c.title_en) },
                    "fullDescription": { "text": format!("{} / {}", c.title_zh, c.title_en) },
                    "help": { "text": lang.pick(c.help_zh, c.help_en) },
                    "defaultConfiguration": { "level": level(c.severity) },
                }),
            )
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
        let mut d = json!({
            "id": &*r.code,
            "name": r.title_en.as_deref().unwrap_or(&r.title_zh).replace(' ', "-"),
            "shortDescription": { "text": r.title(lang) },
            "fullDescription": { "text": match &r.title_en { Some(en) => format!("{} / {en}", r.title_zh), None => r.title_zh.to_string() } },
            "help": { "text": help },
            "defaultConfiguration": { "level": level(r.severity) },
        });
        if !r.basis.is_empty() {
            d["properties"] = json!({ "basis": r.basis });
        }
        out.push((r.code.to_string(), d));
    }
    out
}

pub fn document(o: &Outcome, rules: &RuleSet, lang: Lang) -> Value {
    let descs = descriptors(rules, lang);
    let mut pos = Positions::new(o);
    let results: Vec<Value> = o
        .findings
        .iter()
        .map(|f| {
            let r = pos.of(f);
            let mut res = json!({
                "ruleId": &*f.code,
                "level": level(f.severity),
                "message": { "text": &f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": file_name(o, f).replace('\\', "/") },
                        "region": {
                            "startLine": r.start.line,
                            "startColumn": r.start.column,
                            "endLine": r.end.line,
                            "endColumn": r.end.column,
                            "byteOffset": f.span.start,
                            "byteLength": f.span.end - f.span.start,
                        }
                    }
                }],
            });
            if let Some(i) = descs.iter().position(|(id, _)| **id == *f.code) {
                res["ruleIndex"] = json!(i);
            }
            if !f.path.is_empty() {
                res["partialFingerprints"] = json!({ "nodePath/v1": &f.path });
            }
            match &f.suppressed {
                Some(Suppression::Waiver(reason)) => {
                    res["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
                }
                Some(Suppression::Baseline) => {
                    res["suppressions"] = json!([{ "kind": "external", "justification": "baseline" }]);
                }
                None => {}
            }
            if !f.labels.is_empty() {
                let related: Vec<Value> = f
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let lr = pos.region(l.file, l.span);
                        json!({
                            "id": i,
                            "message": { "text": &l.text },
                            "physicalLocation": {
                                "artifactLocation": { "uri": o.file(l.file).map_or("", |e| &e.name).replace('\\', "/") },
                                "region": {
                                    "startLine": lr.start.line,
                                    "startColumn": lr.start.column,
                                    "endLine": lr.end.line,
                                    "endColumn": lr.end.column,
                                }
                            }
                        })
                    })
                    .collect();
                res["relatedLocations"] = json!(related);
            }
            res
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "jixiao",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/jixiao-lint/jixiao",
                    "rules": descs.into_iter().map(|(_, d)| d).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

pub fn write(o: &Outcome, rules: &RuleSet, out: &mut dyn Write, lang: Lang) -> io::Result<()> {
    let doc = document(o, rules, lang);
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
