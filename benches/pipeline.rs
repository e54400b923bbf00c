//! The per-file pipeline on a fixed in-memory corpus (no disk, one thread):
//! `load` is YAML parse + normalisation into the model (values parsed), and
//! `load+rules` adds every single-document default rule, as `jixiao check`
//! does for each file. Their difference is the cost of rule evaluation.
//!
//! `cargo bench --bench pipeline`; the whole-binary timings over 1,000 and
//! 10,000 files are `benches/corpus.sh`.

mod common;

use common::{bytes, check_doc, corpus, default_rules, load};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao::diag::FileId;
use jixiao::load::LoadOptions;
use std::hint::black_box;

/// Files per iteration: enough to mix targets, self-evaluations and defects.
const FILES: u64 = 200;

fn pipeline(c: &mut Criterion) {
    let files = corpus(FILES);
    let rules = default_rules();
    let opts = LoadOptions::default();
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes(&files)));
    g.bench_function("load", |b| {
        b.iter(|| {
            for (i, f) in files.iter().enumerate() {
                black_box(load(black_box(&f.text), i as FileId, &opts));
            }
        })
    });
    g.bench_function("load+rules", |b| {
        b.iter(|| {
            for (i, f) in files.iter().enumerate() {
                if let Some(doc) = load(black_box(&f.text), i as FileId, &opts) {
                    black_box(check_doc(&rules, &doc, i as FileId));
                }
            }
        })
    });
    g.finish();

    // One file, as a pre-commit hook sees it: the rules are compiled per run.
    let one = &files[0].text;
    c.bench_function("pipeline/one file with rule compilation", |b| {
        b.iter(|| {
            let rules = default_rules();
            let doc = load(black_box(one), 0, &opts);
            black_box(doc.map(|d| check_doc(&rules, &d, 0)))
        })
    });
}

criterion_group! { name = benches; config = common::config(20, 4); targets = pipeline }
criterion_main!(benches);
