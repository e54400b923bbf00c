//! Shared by the fuzz targets: check the invariants every finding must keep
//! (spans inside its file's text, on character boundaries), then render the
//! findings through the JSON and human outputs, so a bad span is a crash here
//! rather than a garbled report. The human and GitHub outputs must hold no
//! raw control or bidi character, whatever the input.

use jixiao::check::{FileEntry, Outcome};
use jixiao::diag::{Finding, Lang};
use jixiao::output::{github, human, json, junit};
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
                place: PathBuf::from(format!("fuzz{i}.yaml")),
                name: Arc::from(format!("fuzz{i}.yaml")),
                text: Some(Arc::from(*t)),
                reported: true,
                declaration: true,
                table: None,
                marks: None,
            })
            .collect(),
        findings,
        ..Outcome::default()
    };
    let mut sink = Vec::new();
    let _ = json::write(&outcome, &mut sink, Lang::Zh);
    sink.clear();
    let _ = github::write(&outcome, &mut sink, Lang::En);
    let text = String::from_utf8(std::mem::take(&mut sink)).expect("github output is UTF-8");
    assert!(
        !text.chars().any(|c| c == '\r' || jixiao::output::is_unsafe(c)),
        "raw control or bidi character in github output"
    );
    let _ = junit::write(&outcome, &mut sink, Lang::Zh);
    sink.clear();
    let _ = human::write(
        &outcome,
        &mut sink,
        Lang::Zh,
        &human::handler(false, Some(80)),
    );
    // Nothing from the input reaches the terminal raw: no control or bidi
    // character (a CR only as part of CRLF).
    let text = String::from_utf8(sink).expect("human output is UTF-8");
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            assert_eq!(chars.peek(), Some(&'\n'), "lone CR in human output");
        } else {
            assert!(!jixiao::output::is_unsafe(c), "raw {c:?} in human output");
        }
    }
}
