//! Loading: exact byte spans (Chinese text, CRLF, BOM), exact decimals, the
//! SPEC §1 examples, alias equivalence, and the structural diagnostics.

use jixiao::diag::Finding;
use jixiao::load::{self, LoadOptions, Loaded};
use jixiao::model::{Key, Node, Profile, Value};
use jixiao::source::Span;
use rust_decimal::Decimal;
use std::str::FromStr;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn load(text: &str) -> Loaded {
    load::load_text(text, 0, &LoadOptions::default(), true)
}

fn codes(fs: &[Finding]) -> Vec<&str> {
    fs.iter().map(|f| &*f.code).collect()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn at<'a>(root: &'a Node, keys: &[Key]) -> &'a Node {
    root.path(keys).unwrap_or_else(|| panic!("no {keys:?}"))
}

#[test]
fn spans_are_exact_bytes_with_bom_crlf_and_chinese() {
    let text = "\u{FEFF}kind: self-evaluation\r\nyear: 2022\r\nproject:\r\n  name: 居家养老项目\r\n  department: 承德高新区社区管理办公室\r\nbudget:\r\n  total: 150\r\n  executed: 29.5896\r\nindicators:\r\n  产出指标:\r\n    数量指标:\r\n      - { name: 服务人次, target: ≥ 5000 人次 }\r\n";
    let l = load(text);
    assert!(l.findings.is_empty(), "{:?}", l.findings);
    let doc = l.doc.unwrap();
    let root = &doc.root;
    let slice = |s: Span| &text[s.range()];

    // a scalar after Chinese text: bytes, not characters
    let name = at(root, &[Key::Project, Key::Name]);
    assert_eq!(slice(name.span), "居家养老项目");
    assert_eq!(name.span.start as usize, text.find("居家").unwrap());
    // keys
    let project = root.entry(Key::Project).unwrap();
    assert_eq!(slice(project.key_span), "project");
    let dept = project.node.entry(Key::Department).unwrap();
    assert_eq!(slice(dept.key_span), "department");
    assert_eq!(slice(dept.node.span), "承德高新区社区管理办公室");
    // a mapping reaches its last child; CRLF is not part of it
    assert_eq!(
        slice(project.node.span),
        "name: 居家养老项目\r\n  department: 承德高新区社区管理办公室"
    );
    let budget = at(root, &[Key::Budget]);
    assert_eq!(slice(budget.span), "total: 150\r\n  executed: 29.5896");
    // a sequence and a flow mapping inside it
    let list = at(root, &[Key::Indicators, Key::Output, Key::Quantity]);
    assert_eq!(
        slice(list.span),
        "- { name: 服务人次, target: ≥ 5000 人次 }"
    );
    let item = &list.items()[0];
    assert_eq!(slice(item.span), "{ name: 服务人次, target: ≥ 5000 人次 }");
    assert_eq!(slice(item.get(Key::Target).unwrap().span), "≥ 5000 人次");
    // the dimension keys keep their spans too
    let l1 = root
        .get(Key::Indicators)
        .unwrap()
        .entry(Key::Output)
        .unwrap();
    assert_eq!(slice(l1.key_span), "产出指标");
}

#[test]
fn amounts_are_exact_decimals_from_the_source_text() {
    let text = "kind: target\nyear: 2023\nbudget:\n  total: 0.3\n  sources: { general_public: 0.1, other: 0.2 }\n  executed: 12345678901234567.89\n";
    let l = load(text);
    let doc = l.doc.unwrap();
    let b = at(&doc.root, &[Key::Budget]);
    let sum = b
        .get(Key::Sources)
        .unwrap()
        .entries()
        .iter()
        .map(|e| e.node.get(Key::Total).and_then(Node::num).unwrap())
        .sum::<Decimal>();
    assert_eq!(sum, b.get(Key::Total).unwrap().num().unwrap());
    assert_eq!(sum, d("0.3"));
    assert_eq!(
        b.get(Key::Executed).unwrap().num().unwrap().to_string(),
        "12345678901234567.89"
    );
    // the written scale is kept
    let l = load("kind: target\nyear: 2023\nbudget: { total: 1200.50 }\n");
    let n = at(&l.doc.unwrap().root, &[Key::Budget, Key::Total])
        .num()
        .unwrap();
    assert_eq!(n.to_string(), "1200.50");
}

#[test]
fn yuan_amounts_are_normalised_to_wan() {
    let l = load(
        "kind: target\nyear: 2023\nbudget: { unit: 元, total: \"1,500,000\", executed: 29589.6 }\n",
    );
    assert!(l.findings.is_empty(), "{:?}", l.findings);
    let doc = l.doc.unwrap();
    assert_eq!(
        at(&doc.root, &[Key::Budget, Key::Total]).num(),
        Some(d("150"))
    );
    assert_eq!(
        at(&doc.root, &[Key::Budget, Key::Executed]).num(),
        Some(d("2.95896"))
    );
}

#[test]
fn the_spec_examples_load_without_diagnostics() {
    for f in [
        "spec/self-evaluation.yaml",
        "spec/summary.yaml",
        "spec/chinese-keys.yaml",
        "spec/english-dimensions.yaml",
    ] {
        let l = load(&fixture(f));
        assert!(l.findings.is_empty(), "{f}: {:#?}", l.findings);
        assert!(l.doc.is_some(), "{f}");
    }
    for f in std::fs::read_dir(format!(
        "{}/examples/chengde-2022",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "yaml") {
            let l = load(&std::fs::read_to_string(&p).unwrap());
            assert!(l.findings.is_empty(), "{}: {:#?}", p.display(), l.findings);
        }
    }
}

/// The model without spans, for comparing documents written differently.
fn shape(n: &Node) -> String {
    match &n.value {
        Value::Map(es) => {
            let inner: Vec<String> = es
                .iter()
                .map(|e| format!("{}: {}", e.key.name(), shape(&e.node)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(shape).collect::<Vec<_>>().join(", ")
        ),
        Value::Text(t) => format!("{t:?}"),
        Value::Num(x) => format!("{x}"),
        Value::Ind(v) => format!("<{:?} {:?} {:?}>", v.cmp, v.quantity, v.unit),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
    }
}

#[test]
fn chinese_keys_and_english_dimensions_load_to_the_same_model() {
    let canonical = load(&fixture("spec/self-evaluation.yaml")).doc.unwrap();
    let chinese = load(&fixture("spec/chinese-keys.yaml")).doc.unwrap();
    let english = load(&fixture("spec/english-dimensions.yaml")).doc.unwrap();
    assert_eq!(chinese.kind, canonical.kind);
    assert_eq!(shape(&chinese.root), shape(&canonical.root));
    assert_eq!(shape(&english.root), shape(&canonical.root));
    // and the indicators iterate the same way, with canonical dimension names
    let dims: Vec<(Key, Key)> = english.root.indicators().map(|(a, b, _)| (a, b)).collect();
    assert_eq!(dims[0], (Key::Output, Key::Quantity));
    assert_eq!(dims.len(), 6);
}

#[test]
fn structural_problems_are_all_reported_at_their_span() {
    let text = "kind: target\nyear: 2023\nproject:\n  name: 甲\n  nmae: 乙\n  名称: 丙\nbudget:\n  total: -5\n  executed: 1e400\nindicators:\n  产出指标:\n    数量指标: 5\n    质量指孛:\n      - { name: 合格率, target: ≥ abc }\n";
    let l = load(text);
    let got: Vec<(&str, &str)> = l
        .findings
        .iter()
        .map(|f| (&*f.code, &text[f.span.range()]))
        .collect();
    assert_eq!(
        got,
        vec![
            ("JX002", "nmae"),
            ("JX004", "名称"),
            ("JX005", "-5"),
            ("JX005", "1e400"),
            ("JX003", "5"),
            ("JX006", "质量指孛"),
            // 质量指孛 has one close suggestion: its indicator is kept and read
            ("JX007", "abc"),
        ]
    );
    assert!(
        l.findings[0].help.as_deref().unwrap().contains("name"),
        "{:?}",
        l.findings[0].help
    );
    assert!(l.findings[5].help.as_deref().unwrap().contains("质量指标"));
    // the document is still there for the rules
    assert!(l.doc.is_some());
}

#[test]
fn an_unparsable_value_points_inside_it() {
    let text = "kind: target\nyear: 2023\nindicators:\n  产出指标:\n    数量指标:\n      - { name: 服务人次, target: \"≥ 5,00 人次\" }\n";
    let l = load(text);
    assert_eq!(codes(&l.findings), vec!["JX007"]);
    let s = l.findings[0].span;
    // inside the quotes, at the bad thousands group
    assert_eq!(&text[s.range()], ",00");
    assert_eq!(s.start as usize, text.find(",00").unwrap());
}

#[test]
fn missing_kind_or_year_and_empty_files_are_jx008() {
    assert_eq!(codes(&load("year: 2022\n").findings), vec!["JX008"]);
    assert_eq!(codes(&load("kind: target\n").findings), vec!["JX008"]);
    assert_eq!(codes(&load("").findings), vec!["JX008"]);
    assert_eq!(codes(&load("# only a comment\n").findings), vec!["JX008"]);
    let l = load("kind: plan\nyear: 2022\n");
    assert_eq!(codes(&l.findings), vec!["JX008"]);
}

#[test]
fn the_profile_decides_the_dimensions() {
    let text = "kind: target\nyear: 2023\nindicators:\n  成本指标:\n    经济成本指标:\n      - { name: 单位成本, target: ≤ 20 元 }\n";
    assert_eq!(codes(&load(text).findings), vec!["JX006"]);
    let mof = LoadOptions {
        profile: Profile::Mof2021,
        ..LoadOptions::default()
    };
    assert!(load::load_text(text, 0, &mof, true).findings.is_empty());
    // in mof2021 cost is no longer under output
    let legacy = "kind: target\nyear: 2023\nindicators:\n  产出指标:\n    成本指标:\n      - { name: 单位成本, target: ≤ 20 元 }\n";
    let l = load::load_text(legacy, 0, &mof, true);
    assert_eq!(codes(&l.findings), vec!["JX006"]);
    assert!(
        l.findings[0].help.as_deref().unwrap().contains("一级"),
        "{:?}",
        l.findings[0].help
    );
}

#[test]
fn a_syntax_error_is_jx001_at_the_fault() {
    let text = "kind: target\nyear: 2023\nproject: { name: 居家养老, department: 社区办\n";
    let l = load(text);
    assert_eq!(codes(&l.findings), vec!["JX001"]);
    assert!(l.doc.is_none());
    assert!(text.is_char_boundary(l.findings[0].span.start as usize));
}
