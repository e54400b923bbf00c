//! Rule evaluation on documents loaded beforehand, per default rule family
//! (`rules/structure.rules`, `values`, `budget`, `self-evaluation`) and for
//! the whole default ruleset; plus compiling the default ruleset, which every
//! run pays once (it matters for the one-file pre-commit case).
//!
//! `cargo bench --bench rules`

mod common;

use common::{check_doc, corpus, default_rules, load_all, rule_family};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao::diag::FileId;
use std::hint::black_box;

const FAMILIES: &[&str] = &["structure", "values", "budget", "self-evaluation"];

fn rules(c: &mut Criterion) {
    let docs = load_all(&corpus(200));
    let mut g = c.benchmark_group("rules");
    g.throughput(Throughput::Elements(docs.len() as u64));
    let all = default_rules();
    let sets = FAMILIES
        .iter()
        .map(|f| (*f, rule_family(f)))
        .chain([("all defaults", all)]);
    for (name, set) in sets {
        g.bench_function(name, |b| {
            b.iter(|| {
                for (i, d) in docs.iter().enumerate() {
                    black_box(check_doc(&set, d, i as FileId));
                }
            })
        });
    }
    g.finish();
    c.bench_function("rules/compile defaults", |b| b.iter(default_rules));
}

criterion_group! { name = benches; config = common::config(20, 3); targets = rules }
criterion_main!(benches);
