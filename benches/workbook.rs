//! Workbooks beside YAML: 100 generated declarations exported as official
//! tables (outside the timing), then read back (`workbook::read`: calamine,
//! layouts, YAML written) and loaded, against loading the same declarations
//! as YAML; and the export itself.
//!
//! `cargo bench --bench workbook`

mod common;

use common::corpus;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao::load::load_str;
use jixiao::workbook;
use std::hint::black_box;

fn workbooks(c: &mut Criterion) {
    let files = corpus(100);
    let books: Vec<Vec<u8>> = files
        .iter()
        .filter_map(|f| workbook::export(&f.text).ok())
        .collect();
    assert_eq!(
        books.len(),
        files.len(),
        "every generated declaration exports"
    );
    let mut g = c.benchmark_group("workbook");
    g.throughput(Throughput::Elements(files.len() as u64));
    g.bench_function("100 as YAML/load", |b| {
        b.iter(|| {
            for f in &files {
                black_box(load_str(&f.text));
            }
        })
    });
    g.bench_function("100 as xlsx/read+load", |b| {
        b.iter(|| {
            for bytes in &books {
                if let Ok(book) = workbook::read(bytes, "b.xlsx") {
                    for t in &book.tables {
                        black_box(load_str(&t.yaml));
                    }
                }
            }
        })
    });
    g.bench_function("100 export", |b| {
        b.iter(|| {
            for f in &files {
                black_box(workbook::export(&f.text).ok());
            }
        })
    });
    g.finish();
}

criterion_group! { name = benches; config = common::config(10, 3); targets = workbooks }
criterion_main!(benches);
