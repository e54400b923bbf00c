//! The indicator-value parser (`value::parse`, SPEC §1) per value: with its
//! fast path (what the loader uses) and through the pest grammar alone (the
//! definition, and the baseline the fast path is measured against), on a
//! hand-picked list of real-world values and on every `target`/`actual` of
//! the bench corpus (the realistic mix).
//!
//! `cargo bench --bench value`

mod common;

use common::{corpus, load_all};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao::model::{Key, Value};
use jixiao::value;
use std::hint::black_box;

/// Values as departments write them, common shapes first, then rarer ones.
const REAL_WORLD: &[&str] = &[
    "≥ 5000 人次",
    "不低于95%",
    "≤ 2022-06-30",
    "97%",
    "29.5896 万元",
    "5230 人次",
    "达到",
    "基本达到",
    "≤ 150 万元",
    "不超过120.4万元",
    "= 100%",
    "0 起",
    "明显提升",
    "≥ 90%",
    "2022-06-20",
    "不少于12次",
    "≥4个",
    "不超过208元/人次",
    "常态化运行",
    "95%以上",
    "5000-6000 人次",
    "2022年6月30日前",
    "１，５００ 元",
    "30个工作日内完成",
];

/// Every target and actual written in the first 200 corpus files.
fn corpus_values() -> Vec<String> {
    let docs = load_all(&corpus(200));
    let mut out = Vec::new();
    for d in &docs {
        for (_, _, ind) in d.root.indicators() {
            for key in [Key::Target, Key::Actual] {
                if let Some(Value::Ind(v)) = ind.get(key).map(|n| &n.value) {
                    out.push(v.text.to_string());
                }
            }
        }
    }
    out
}

fn bench_list<S: AsRef<str>>(c: &mut Criterion, group: &str, values: &[S]) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(values.len() as u64));
    g.bench_function("parse (fast path)", |b| {
        b.iter(|| {
            for v in values {
                let _ = black_box(value::parse(black_box(v.as_ref())));
            }
        })
    });
    g.bench_function("grammar only", |b| {
        b.iter(|| {
            for v in values {
                let _ = black_box(value::parse_by_grammar(black_box(v.as_ref())));
            }
        })
    });
    g.finish();
}

fn values(c: &mut Criterion) {
    bench_list(c, "value/real-world", REAL_WORLD);
    let mixed = corpus_values();
    let fast = mixed.iter().filter(|v| value::fast_path_answers(v)).count();
    eprintln!(
        "value/corpus: {} values, {fast} ({:.1} %) answered by the fast path",
        mixed.len(),
        100.0 * fast as f64 / mixed.len().max(1) as f64
    );
    bench_list(c, "value/corpus", &mixed);
}

criterion_group! { name = benches; config = common::config(30, 3); targets = values }
criterion_main!(benches);
