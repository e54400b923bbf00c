//! Rendering the review pack (`jixiao report`): the bundled Chengde 2022
//! example (a summary and its ten projects) and 200 generated declarations,
//! as HTML (inline SVG chart) and Markdown. The check run that feeds it is
//! done once, outside the timing.
//!
//! `cargo bench --bench report`

mod common;

use common::{corpus, default_rules};
use criterion::{Criterion, criterion_group, criterion_main};
use jixiao::check::{Options, Outcome};
use jixiao::diag::Lang;
use jixiao::load::LoadOptions;
use jixiao::report::{ReportFormat, render};
use jixiao::rules::RuleSet;
use std::hint::black_box;
use std::path::PathBuf;

/// A run over `path` that keeps its documents, as `jixiao report` makes it.
fn outcome(path: PathBuf, rules: &RuleSet) -> Outcome {
    let mut opts = Options::new(LoadOptions::default());
    opts.keep_docs = true;
    jixiao::disk::run(&[path], None, rules, &opts)
}

/// The generated corpus written to a scratch folder (the report reads files).
fn generated(n: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-bench-report-{n}"));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("{}: {e}", dir.display());
    }
    for f in corpus(n) {
        if let Err(e) = std::fs::write(dir.join(&f.name), &f.text) {
            panic!("{}: {e}", f.name);
        }
    }
    dir
}

fn report(c: &mut Criterion) {
    let rules = default_rules();
    let runs = [
        (
            "chengde-2022",
            outcome(PathBuf::from("examples/chengde-2022"), &rules),
        ),
        ("200 generated", outcome(generated(200), &rules)),
    ];
    let mut g = c.benchmark_group("report");
    for (name, o) in &runs {
        assert!(!o.docs.is_empty(), "{name}: no documents to report on");
        for (fmt, label) in [(ReportFormat::Html, "html"), (ReportFormat::Md, "markdown")] {
            g.bench_function(format!("{name}/{label}"), |b| {
                b.iter(|| black_box(render(o, &rules, fmt, Lang::Zh)))
            });
        }
    }
    g.finish();
}

criterion_group! { name = benches; config = common::config(20, 3); targets = report }
criterion_main!(benches);
