//! The editor server's re-check after a change (SPEC §6: under 5 ms for a
//! 200-indicator document). `check` is what the server runs per change: one
//! in-memory declaration through `check::check` with the default rules (the
//! rules are compiled once and kept). `didChange` is the whole round trip
//! inside the server without the pipe: the change applied, the config looked
//! up, the check, and the publishDiagnostics message built.
//!
//! `cargo bench --bench lsp`

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao::check::{self, Options};
use jixiao::load::LoadOptions;
use jixiao::lsp::Server;
use jixiao::workspace::Workspace;
use lsp_server::{Message, Notification, Request};
use serde_json::json;
use std::hint::black_box;

/// The clean example target with 200 indicators (six categories), weights
/// adding up to 100; `n` varies the first target so each change differs.
fn declaration(n: u32) -> String {
    let clean = include_str!("../examples/target-clean.yaml");
    let head = &clean[..clean.find("indicators:").unwrap()];
    let mut s = format!("{head}indicators:\n  产出指标:\n");
    let mut i = 0;
    let mut group = |s: &mut String, title: &str, count: u32, target: &dyn Fn(u32) -> String| {
        s.push_str(&format!("    {title}:\n"));
        for _ in 0..count {
            i += 1;
            s.push_str(&format!(
                "      - {{ name: {title}第{i}项服务完成情况, target: {}, weight: 0.5 }}\n",
                target(i)
            ));
        }
    };
    group(&mut s, "数量指标", 60, &|i| {
        format!("≥ {} 人次", 1000 + i + n)
    });
    group(&mut s, "质量指标", 30, &|_| "≥ 95%".to_owned());
    group(&mut s, "时效指标", 10, &|_| "≤ 2023-12-20".to_owned());
    group(&mut s, "成本指标", 10, &|_| "≤ 1 万元".to_owned());
    s.push_str("  效益指标:\n");
    group(&mut s, "社会效益指标", 40, &|i| {
        format!("≥ {}%", 50 + i % 40)
    });
    group(&mut s, "可持续影响指标", 20, &|i| {
        format!("≥ {} 天", 200 + i % 100)
    });
    s.push_str("  满意度指标:\n");
    group(&mut s, "服务对象满意度指标", 30, &|_| {
        "≥ 90%".to_owned()
    });
    s
}

fn lsp(c: &mut Criterion) {
    let texts = [declaration(0), declaration(1)];
    let rules = common::default_rules();
    let opts = Options::new(LoadOptions::default());
    // The generated text is a declaration that the rules look at.
    let mut ws = Workspace::new();
    ws.add_text("/bench/target.yaml", texts[0].as_str());
    let once = check::check(&ws, &rules, &opts);
    assert_eq!(once.tally().files, 1, "{:?}", once.findings);
    eprintln!(
        "200-indicator declaration: {} bytes, {} findings",
        texts[0].len(),
        once.findings.len()
    );
    let mut k = 0;
    c.bench_function("lsp/check 200-indicator declaration", |b| {
        b.iter(|| {
            k ^= 1;
            let mut ws = Workspace::new();
            ws.add_text("/bench/target.yaml", texts[k].as_str());
            black_box(check::check(&ws, &rules, &opts))
        })
    });

    let mut server = Server::new();
    let mut out = Vec::new();
    let uri = "file:///nonexistent-jixiao-bench/target.yaml";
    server.handle(
        Message::Request(Request::new(
            1.into(),
            "initialize".into(),
            json!({"capabilities": {}}),
        )),
        &mut out,
    );
    let open =
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": texts[0]}});
    server.handle(
        Message::Notification(Notification::new("textDocument/didOpen".into(), open)),
        &mut out,
    );
    server.refresh(&mut out);
    let found = out.last().map(|m| format!("{m:?}")).unwrap_or_default();
    assert!(found.contains("publishDiagnostics"), "{found}");
    let mut version = 1;
    c.bench_function("lsp/didChange 200-indicator declaration", |b| {
        b.iter(|| {
            version += 1;
            let change = json!({"textDocument": {"uri": uri, "version": version},
                                "contentChanges": [{"text": texts[(version % 2) as usize]}]});
            out.clear();
            server.handle(
                Message::Notification(Notification::new("textDocument/didChange".into(), change)),
                &mut out,
            );
            server.refresh(&mut out);
            black_box(&out);
        })
    });
}

criterion_group! { name = benches; config = common::config(50, 3); targets = lsp }
criterion_main!(benches);
