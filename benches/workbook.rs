//! Checking workbooks beside YAML (issue 13): the first 1,000 files of the
//! generated corpus, each exported as its official table (outside the
//! timing), then checked as `jixiao check` checks them, in memory: the whole
//! pipeline (`check::check` over a workspace, parallel, default rules,
//! waivers, cross-document relations) on the 1,000 YAML texts and on the
//! same 1,000 as .xlsx bytes (calamine, the layouts, the YAML written, then
//! the same pipeline). Their difference is the cost of reading workbooks.
//! The export itself is timed over the first 100.
//!
//! `cargo bench --bench workbook` (about a minute once built); the
//! whole-binary timings of the same comparison on disk are in
//! `benches/corpus.sh` (`xlsx-1000` beside `default-1000`).

mod common;

use common::{corpus, default_rules};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao::check::{self, Options};
use jixiao::load::LoadOptions;
use jixiao::workbook;
use jixiao::workspace::Workspace;
use std::hint::black_box;

/// Files per iteration of the check benches.
const FILES: u64 = 1000;

fn workbooks(c: &mut Criterion) {
    let files = corpus(FILES);
    let books: Vec<Vec<u8>> = files
        .iter()
        .filter_map(|f| workbook::export(&f.text).ok())
        .collect();
    assert_eq!(
        books.len(),
        files.len(),
        "every generated declaration exports"
    );
    let rules = default_rules();
    let opts = Options::new(LoadOptions::default());
    let mut yaml = Workspace::new();
    for f in &files {
        yaml.add_text(f.name.as_str(), f.text.as_str());
    }
    let mut xlsx = Workspace::new();
    for (f, b) in files.iter().zip(&books) {
        xlsx.add_bytes(f.name.replace(".yaml", ".xlsx"), b.as_slice());
    }
    // Both give findings for every file (the corpus injects defects), and the
    // workbooks are read as declarations, not JX008.
    let a = check::check(&yaml, &rules, &opts);
    let b = check::check(&xlsx, &rules, &opts);
    assert!(a.tally().files == files.len() && b.tally().files == files.len());
    assert!(!b.findings.iter().any(|f| &*f.code == "JX008"));

    let mut g = c.benchmark_group("workbook");
    g.throughput(Throughput::Elements(FILES));
    g.bench_function("check 1000 as YAML", |bch| {
        bch.iter(|| black_box(check::check(&yaml, &rules, &opts)))
    });
    g.bench_function("check 1000 as xlsx", |bch| {
        bch.iter(|| black_box(check::check(&xlsx, &rules, &opts)))
    });
    g.throughput(Throughput::Elements(100));
    g.bench_function("export 100", |bch| {
        bch.iter(|| {
            for f in &files[..100] {
                black_box(workbook::export(&f.text).ok());
            }
        })
    });
    g.finish();
}

criterion_group! { name = benches; config = common::config(10, 8); targets = workbooks }
criterion_main!(benches);
