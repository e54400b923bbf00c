//! Baselines, for adopting jixiao on existing declarations: `--write-baseline`
//! records today's findings; `--baseline` then reports only new ones. Findings
//! are matched by code, file, the offending node's path and its text, never by
//! line, so edits elsewhere in a file keep the baseline valid.

use crate::check::FileEntry;
use crate::diag::{Finding, Suppression};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub code: String,
    pub file: String,
    pub path: String,
    /// The text under the finding's span.
    pub content: String,
    /// How many findings share these four (duplicates are counted, not merged).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: usize,
}

fn one() -> usize {
    1
}
fn is_one(n: &usize) -> bool {
    *n == 1
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

fn key(f: &Finding, files: &[FileEntry]) -> (String, String, String, String) {
    let file = files.get(f.file as usize);
    let name = file.map_or_else(String::new, |e| e.name.to_string());
    let content = file
        .and_then(|e| e.text.as_deref())
        .and_then(|t| t.get(f.span.range()))
        .unwrap_or("")
        .to_owned();
    (f.code.to_string(), name, f.path.clone(), content)
}

impl Baseline {
    /// Record the unsuppressed findings of a run.
    pub fn record(findings: &[Finding], files: &[FileEntry]) -> Baseline {
        let mut counts: HashMap<(String, String, String, String), usize> = HashMap::new();
        let mut order = Vec::new();
        for f in findings.iter().filter(|f| !f.is_suppressed()) {
            let k = key(f, files);
            let c = counts.entry(k.clone()).or_insert(0);
            if *c == 0 {
                order.push(k);
            }
            *c += 1;
        }
        Baseline {
            version: 1,
            findings: order
                .into_iter()
                .map(|k| {
                    let count = counts[&k];
                    Entry {
                        code: k.0,
                        file: k.1,
                        path: k.2,
                        content: k.3,
                        count,
                    }
                })
                .collect(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// Mark the findings the baseline already knows as suppressed.
    pub fn apply(&self, findings: &mut [Finding], files: &[FileEntry]) {
        let mut left: HashMap<(String, String, String, String), usize> = HashMap::new();
        for e in &self.findings {
            *left
                .entry((
                    e.code.clone(),
                    e.file.clone(),
                    e.path.clone(),
                    e.content.clone(),
                ))
                .or_insert(0) += e.count;
        }
        for f in findings.iter_mut().filter(|f| !f.is_suppressed()) {
            if let Some(n) = left.get_mut(&key(f, files))
                && *n > 0
            {
                *n -= 1;
                f.suppressed = Some(Suppression::Baseline);
            }
        }
    }
}
