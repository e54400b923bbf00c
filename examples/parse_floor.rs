//! The parse floor of `benches/corpus.sh`: the same YAML files read and only
//! scanned by saphyr-parser (its event stream, no tree, no model, no rules),
//! in parallel as `jixiao check` reads them. jixiao's wall time over this one
//! is how close the whole pipeline runs to the parser's own speed.
//!
//! `cargo run --release --example parse_floor -- DIR...` prints the files and
//! events seen.

use rayon::prelude::*;
use saphyr_parser::Parser;
use std::path::{Path, PathBuf};

fn collect(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let Ok(rd) = std::fs::read_dir(p) else { return };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for e in entries {
            collect(&e, out);
        }
    } else if p
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
    {
        out.push(p.to_path_buf());
    }
}

/// Events of the first document's stream, up to its end or first error.
fn scan(text: &str) -> usize {
    let mut parser = Parser::new_from_str(text);
    let mut n = 0;
    while let Some(Ok(_)) = parser.next_event() {
        n += 1;
    }
    n
}

fn main() {
    let mut files = Vec::new();
    for a in std::env::args_os().skip(1) {
        collect(Path::new(&a), &mut files);
    }
    let events: usize = files
        .par_iter()
        .map(|f| std::fs::read(f).map_or(0, |b| scan(&String::from_utf8_lossy(&b))))
        .sum();
    println!("{} files, {events} events", files.len());
}
