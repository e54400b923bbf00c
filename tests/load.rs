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
    // a 101号 table read in legacy loads as printed (issue 12: published 2023+
    // tables): its cost 二级 count under 产出指标, where legacy has them
    let l = load(text);
    assert!(l.findings.is_empty(), "{:?}", codes(&l.findings));
    let doc = format!("{:?}", l.doc);
    assert!(
        doc.contains("产出指标") && doc.contains("经济成本指标"),
        "{doc}"
    );
    // …and a 二级 that is no cost dimension under it is still JX006
    let odd = text.replace("经济成本指标", "人员成本");
    assert_eq!(codes(&load(&odd).findings), vec!["JX006"]);
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

/// The levels and text of every indicator, as rules see them.
fn rows(root: &Node) -> Vec<(Key, Key, String, String, String)> {
    root.indicators()
        .map(|(l1, l2, n)| {
            let t = |k: Key| n.get(k).and_then(Node::text).unwrap_or("").to_owned();
            (l1, l2, t(Key::Name), t(Key::Level1), t(Key::Level2))
        })
        .collect()
}

#[test]
fn labels_as_printed_keep_points_and_move_satisfaction() {
    let text = "kind: target\nyear: 2023\nindicators:\n  产出指标（50分）:\n    数量指标(必填):\n      - { name: a, target: 1 个 }\n  \"效益\\n指标 30分)\":\n    社会公众或服务对象满意度指标:\n      - { name: b, target: ≥ 90% }\n    经济效益指标等：:\n      - { name: c, target: 2 个 }\n  满意度指标:\n    满意度指标:\n      - { name: d, target: ≥ 95% }\n";
    let l = load(text);
    assert!(l.findings.is_empty(), "{:?}", l.findings);
    let root = &l.doc.unwrap().root;
    let points = |k: Key| at(root, &[Key::Indicators, k, Key::Points]).num();
    assert_eq!(points(Key::Output), Some(d("50")));
    assert_eq!(points(Key::Benefit), Some(d("30")));
    let got = rows(root);
    let s = |x: &str| x.to_owned();
    assert_eq!(
        got,
        vec![
            (
                Key::Output,
                Key::Quantity,
                s("a"),
                s("产出指标"),
                s("数量指标")
            ),
            (
                Key::Benefit,
                Key::Economic,
                s("c"),
                s("效益指标"),
                s("经济效益指标")
            ),
            // 满意度 as a 二级, and satisfaction moved from under 效益 (merged)
            (
                Key::Satisfaction,
                Key::ServiceSatisfaction,
                s("d"),
                s("满意度指标"),
                s("服务对象满意度指标")
            ),
            (
                Key::Satisfaction,
                Key::ServiceSatisfaction,
                s("b"),
                s("满意度指标"),
                s("服务对象满意度指标")
            ),
        ]
    );
}

#[test]
fn unknown_labels_are_one_finding_and_keep_their_indicators() {
    let text = "kind: target\nyear: 2023\nindicators:\n  影响指标:\n    社会影响:\n      - { name: a, target: 1 个 }\n  产出指标:\n    服务指标:\n      - { name: b, target: 2 个 }\n    数量指票:\n      - { name: c, target: 3 个 }\n";
    let l = load(text);
    assert_eq!(codes(&l.findings), vec!["JX006", "JX006", "JX006"]);
    let got = rows(&l.doc.unwrap().root);
    let s = |x: &str| x.to_owned();
    assert_eq!(
        got,
        vec![
            (
                Key::OtherDimension,
                Key::OtherDimension,
                s("a"),
                s("影响指标"),
                s("社会影响")
            ),
            (
                Key::Output,
                Key::OtherDimension,
                s("b"),
                s("产出指标"),
                s("服务指标")
            ),
            (
                Key::Output,
                Key::Quantity,
                s("c"),
                s("产出指标"),
                s("数量指标")
            ),
        ]
    );
}

#[test]
fn split_columns_name_hints_and_bare_actuals_complete_the_values() {
    let text = "kind: self-evaluation\nyear: 2023\nindicators:\n  产出指标:\n    数量指标:\n      - { name: a, nature: ≧, target: \"735\", unit: 人次, actual: \"700\" }\n      - { name: b(≥**%), target: \"85\", actual: \"90\" }\n      - { name: c(亩), target: \"80000\" }\n      - { name: d, nature: 定性, target: 优良 }\n    时效指标:\n      - { name: e, target: 6月30日前, actual: 7月1日 }\n";
    let l = load(text);
    assert!(l.findings.is_empty(), "{:?}", l.findings);
    let root = l.doc.unwrap().root;
    let v = |i: usize, k: Key| {
        let (_, _, n) = root.indicators().nth(i).unwrap();
        match &n.get(k).unwrap().value {
            Value::Ind(v) => format!("{}|{:?}|{:?}|{:?}", v.text, v.cmp, v.quantity, v.unit),
            other => format!("{other:?}"),
        }
    };
    assert_eq!(
        v(0, Key::Target),
        "≧ 735 人次|Some(Ge)|Number(735)|Some(\"人次\")"
    );
    assert_eq!(v(0, Key::Actual), "700|None|Number(700)|Some(\"人次\")");
    assert_eq!(v(1, Key::Target), "85|Some(Ge)|Percent(0.85)|Some(\"%\")");
    assert_eq!(v(1, Key::Actual), "90|None|Percent(0.90)|Some(\"%\")");
    assert_eq!(v(2, Key::Target), "80000|None|Number(80000)|Some(\"亩\")");
    assert_eq!(v(3, Key::Target), "优良|None|Qualitative|None");
    assert!(
        v(4, Key::Target)
            .starts_with("6月30日前|Some(Le)|Date(Date { year: 2023, month: 6, day: 30 })")
    );
    assert!(
        v(4, Key::Actual).starts_with("7月1日|None|Date(Date { year: 2023, month: 7, day: 1 })")
    );
}

#[test]
fn sources_are_rows_and_amounts_carry_their_unit() {
    let text = "kind: self-evaluation\nyear: 2023\nbudget:\n  total: 250万\n  执行率: 80.45\n  sources:\n    fiscal: 2,000,000元\n    上级补助: { initial: 50, total: 50, executed: 40 }\n";
    let l = load(text);
    assert!(l.findings.is_empty(), "{:?}", l.findings);
    let root = l.doc.unwrap().root;
    let b = at(&root, &[Key::Budget]);
    assert_eq!(b.get(Key::Total).and_then(Node::num), Some(d("250")));
    let rate = b.get(Key::ExecutionRate).unwrap();
    assert_eq!(rate.num(), Some(d("0.8045")));
    let src = |k: Key, f: Key| at(b, &[Key::Sources, k, f]).num();
    assert_eq!(src(Key::Fiscal, Key::Total), Some(d("200")));
    assert_eq!(src(Key::HigherLevel, Key::Executed), Some(d("40")));
}
