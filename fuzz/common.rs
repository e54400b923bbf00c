//! Shared by the fuzz targets: check the invariants every finding must keep
//! (spans inside its file's text, on character boundaries), then render the
//! findings through the JSON and human outputs, so a bad span is a crash here
//! rather than a garbled report.

use jixiao::check::{FileEntry, Outcome};
use jixiao::diag::{Finding, Lang};
use jixiao::output::{human, json};
use std::path::PathBuf;
use std::sync::Arc;

/// `texts[i]` is the text of file id `i`.
pub fn check_and_render(texts: &[&str], findings: Vec<Finding>) {
    let ok = |file: u32, s: usize, e: usize| {
        let text = texts[file as usize];
        assert!(
            s <= e && e <= text.len(),
            "span {s}..{e} outside {}",
            text.len()
        );
        assert!(
            text.is_char_boundary(s) && text.is_char_boundary(e),
            "span {s}..{e} splits a character"
        );
    };
    for f in &findings {
        ok(f.file, f.span.start as usize, f.span.end as usize);
        for l in &f.labels {
            ok(l.file, l.span.start as usize, l.span.end as usize);
        }
    }
    let outcome = Outcome {
        files: texts
            .iter()
            .enumerate()
            .map(|(i, t)| FileEntry {
                path: PathBuf::from(format!("fuzz{i}.yaml")),
                name: Arc::from(format!("fuzz{i}.yaml")),
                text: Some(Arc::from(*t)),
                reported: true,
                declaration: true,
            })
            .collect(),
        findings,
        ..Outcome::default()
    };
    let mut sink = Vec::new();
    let _ = json::write(&outcome, &mut sink, jixiao::diag::Lang::Zh);
    sink.clear();
    let _ = human::write(
        &outcome,
        &mut sink,
        Lang::Zh,
        &human::handler(false, Some(80)),
    );
}
