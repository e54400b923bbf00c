//! Tests across the rule language's parts: fixes (the edits the default
//! rules and small rules propose, with their exact spans and text), the
//! build-time form of the default rules, and the function registry as the
//! compiler sees it.

use super::ast::{Clause, ExprKind};
use super::compile::{RuleSource, Settings};
use super::eval::{Context, run_split};
use super::{DEFAULT_RULES, RuleSet, blob, parse};
use crate::diag::{Finding, Fix, Lang};
use crate::load::load_str;
use crate::model::Doc;
use crate::source::Span;
use std::sync::Arc;

fn sources(extra: Option<&str>, defaults: bool) -> Vec<RuleSource> {
    let mut out: Vec<RuleSource> = Vec::new();
    if defaults {
        out.extend(DEFAULT_RULES.iter().map(|(n, t)| RuleSource {
            name: Arc::from(*n),
            text: Arc::from(*t),
        }));
    }
    if let Some(t) = extra {
        out.push(RuleSource {
            name: Arc::from("case.rules"),
            text: Arc::from(t),
        });
    }
    out
}

fn set(extra: Option<&str>, defaults: bool) -> RuleSet {
    match RuleSet::build(sources(extra, defaults), &Settings::default()) {
        Ok(s) => s,
        Err((_, errors)) => panic!("{errors:?}"),
    }
}

fn errors(rules: &str) -> Vec<super::RuleError> {
    match RuleSet::build(sources(Some(rules), false), &Settings::default()) {
        Ok(_) => panic!("compiled: {rules}"),
        Err((_, errors)) => errors.into_iter().map(|(_, e)| e).collect(),
    }
}

fn doc(text: &str) -> Doc {
    let loaded = load_str(text);
    loaded
        .doc
        .unwrap_or_else(|| panic!("{:?}", loaded.findings))
}

/// Every finding of `set` on `text` (with `projects` for a summary).
fn check(set: &RuleSet, text: &str, projects: &[Doc]) -> Vec<Finding> {
    let d = doc(text);
    let related: Vec<(&Doc, u32)> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p, i as u32 + 1))
        .collect();
    let cx = Context {
        doc: &d,
        file: 0,
        projects: &related,
        declared: None,
        lang: Lang::Zh,
    };
    let (mut local, cross, _) = run_split(set, &cx);
    local.extend(cross);
    local
}

fn fix_of<'f>(findings: &'f [Finding], code: &str) -> Option<&'f Fix> {
    findings
        .iter()
        .find(|f| &*f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {findings:?}"))
        .fix
        .as_ref()
}

/// The span of the `n`th occurrence (from 0) of `needle` in `text`.
fn span_of(text: &str, needle: &str, n: usize) -> Span {
    let at = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle} not in text"))
        .0;
    Span::new(at, at + needle.len())
}

fn apply(text: &str, fix: &Fix) -> String {
    let mut out = text.to_owned();
    out.replace_range(fix.span.range(), &fix.replacement);
    out
}

const CHENGDE: &[&str] = &[
    include_str!("../../examples/chengde-2022/01-jujia-yanglao.yaml"),
    include_str!("../../examples/chengde-2022/02-wenming-chengshi.yaml"),
    include_str!("../../examples/chengde-2022/03-binhe-gaizao.yaml"),
    include_str!("../../examples/chengde-2022/04-dangzuzhi-jingfei.yaml"),
    include_str!("../../examples/chengde-2022/05-fuwu-qunzhong.yaml"),
    include_str!("../../examples/chengde-2022/06-wanggehua.yaml"),
    include_str!("../../examples/chengde-2022/07-minbing-butie.yaml"),
    include_str!("../../examples/chengde-2022/08-aixiao-jiangli.yaml"),
    include_str!("../../examples/chengde-2022/09-binhe-jiagu.yaml"),
    include_str!("../../examples/chengde-2022/10-laowu-paiqian.yaml"),
];
const SUMMARY: &str = include_str!("../../examples/chengde-2022/summary.yaml");

#[test]
fn chengde_summary_executed_is_fixed_to_the_projects_sum() {
    let set = set(None, true);
    let projects: Vec<Doc> = CHENGDE.iter().map(|t| doc(t)).collect();
    let found = check(&set, SUMMARY, &projects);
    let codes: Vec<&str> = found.iter().map(|f| &*f.code).collect();
    assert_eq!(codes, ["JX503"], "{found:?}");
    let fix = fix_of(&found, "JX503").expect("JX503 is fixable");
    // 260.162333 at the two decimals written: 260.16, replacing only "260.15".
    let line = span_of(SUMMARY, "executed: 260.15", 0);
    assert_eq!(
        fix,
        &Fix {
            span: Span::new(line.end as usize - 6, line.end as usize),
            replacement: "260.16".into(),
            safe: true,
        }
    );
    // Fixed, the summary is clean, and every other byte is as it was.
    let fixed = apply(SUMMARY, fix);
    assert_eq!(
        fixed,
        SUMMARY.replacen("executed: 260.15", "executed: 260.16", 1)
    );
    assert!(check(&set, &fixed, &projects).is_empty());
}

#[test]
fn chengde_projects_have_nothing_to_fix() {
    let set = set(None, true);
    for text in CHENGDE {
        let found = check(&set, text, &[]);
        assert!(found.iter().all(|f| f.fix.is_none()), "{found:?}");
    }
}

/// The first Chengde project with its budget block changed.
fn jujia(from: &str, to: &str) -> String {
    assert!(CHENGDE[0].contains(from), "{from}");
    CHENGDE[0].replacen(from, to, 1)
}

#[test]
fn execution_rate_is_fixed_at_the_decimals_written() {
    let set = set(None, true);
    // 29.5896 / 150 = 19.7264 %: two decimals written, 19.73 % (half-up).
    let text = jujia("execution_rate: 19.7%", "execution_rate: 34.69%");
    let found = check(&set, &text, &[]);
    let fix = fix_of(&found, "JX305").expect("fixable");
    assert_eq!(fix.span, span_of(&text, "34.69%", 0));
    assert_eq!(fix.replacement, "19.73%");
    assert!(fix.safe);
    // One decimal: 19.7 %; no decimals: 20 %.
    let text = jujia("execution_rate: 19.7%", "execution_rate: 18.2%");
    let fix = fix_of(&check(&set, &text, &[]), "JX305").cloned().unwrap();
    assert_eq!(fix.replacement, "19.7%");
    let text = jujia("execution_rate: 19.7%", "execution_rate: 25%");
    let fix = fix_of(&check(&set, &text, &[]), "JX305").cloned().unwrap();
    assert_eq!(
        (fix.span, fix.replacement.as_str()),
        (span_of(&text, "25%", 0), "20%")
    );
    let fixed = apply(&text, &fix);
    assert!(!check(&set, &fixed, &[]).iter().any(|f| &*f.code == "JX305"));
}

#[test]
fn a_quoted_or_unit_bearing_scalar_is_not_rewritten() {
    let set = set(None, true);
    let text = jujia("execution_rate: 19.7%", "execution_rate: \"34.69%\"");
    let found = check(&set, &text, &[]);
    assert_eq!(fix_of(&found, "JX305"), None);
}

#[test]
fn execution_score_fix_is_safe_and_indicator_score_fix_unsafe() {
    let set = set(None, true);
    // 10 × 29.5896 / 150 = 1.97264: written with two decimals, 1.97.
    let text = jujia("  score: 1.97\n", "  score: 2.50\n");
    let found = check(&set, &text, &[]);
    let fix = fix_of(&found, "JX403").expect("fixable");
    assert_eq!(
        fix,
        &Fix {
            span: span_of(&text, "2.50", 0),
            replacement: "1.97".into(),
            safe: true,
        }
    );
    // Out of range (JX402) too: the same edit.
    let text = jujia("  score: 1.97\n", "  score: 12.00\n");
    let found = check(&set, &text, &[]);
    let f402 = fix_of(&found, "JX402").expect("fixable");
    assert_eq!(f402.replacement, "1.97");
    assert_eq!(f402.span, span_of(&text, "12.00", 0));
    // An indicator's score: 3600 / 5000 × 10 = 7.2, reported 9.
    let text = jujia("        score: 7.2\n", "        score: 9.0\n");
    let found = check(&set, &text, &[]);
    let fix = fix_of(&found, "JX403").expect("fixable");
    assert_eq!(
        fix,
        &Fix {
            span: span_of(&text, "9.0", 0),
            replacement: "7.2".into(),
            safe: false,
        }
    );
}

#[test]
fn summary_totals_and_count_are_fixed() {
    let set = set(None, true);
    let projects: Vec<Doc> = CHENGDE.iter().map(|t| doc(t)).collect();
    let text = SUMMARY
        .replacen("project_count: 10", "project_count: 9", 1)
        .replacen("total: 749.78", "total: 700.00", 1);
    let found = check(&set, &text, &projects);
    let count = fix_of(&found, "JX501").expect("fixable");
    let line = span_of(&text, "project_count: 9", 0);
    assert_eq!(
        (count.span, count.replacement.as_str()),
        (Span::new(line.end as usize - 1, line.end as usize), "10")
    );
    let total = fix_of(&found, "JX502").expect("fixable");
    assert_eq!(total.span, span_of(&text, "700.00", 0));
    assert_eq!(total.replacement, "749.78");
    // The rate, checked against the reported totals, is now wrong too.
    let rate = fix_of(&found, "JX504").expect("fixable");
    assert_eq!(rate.span, span_of(&text, "34.7%", 0));
    assert_eq!(rate.replacement, "37.2%");
}

const RESULT: &str = "kind: self-evaluation
year: 2022
project: { name: 项目, department: 单位, applicant: 单位, declarant: 单位 }
result:
  score: 85
  grade: 中
";

#[test]
fn a_text_fix_and_the_unsafe_flag() {
    let set = set(
        Some(
            r#"rule X001 "等级" {
  assert result.grade == grade(result.score)
  fix unsafe result.grade = grade(result.score)
}"#,
        ),
        false,
    );
    let found = check(&set, RESULT, &[]);
    assert_eq!(
        fix_of(&found, "X001"),
        Some(&Fix {
            span: span_of(RESULT, "中", 0),
            replacement: "良".into(),
            safe: false,
        })
    );
}

#[test]
fn a_fix_that_would_not_make_its_assert_pass_is_not_offered() {
    // 84.6 at the precision written (none) is 85: still not 84.6.
    let set = set(
        Some(
            r#"rule X001 "总分" {
  assert result.score == 84.6
  fix result.score = 84.6
}
rule X002 "总分" {
  assert result.score == 84
  fix result.score = 84.4
}
rule X003 "不变" {
  assert result.score < 80
  fix result.score = 85
}"#,
        ),
        false,
    );
    let found = check(&set, RESULT, &[]);
    assert_eq!(found.len(), 3);
    assert_eq!(fix_of(&found, "X001"), None);
    assert_eq!(
        fix_of(&found, "X002").map(|f| f.replacement.as_str()),
        Some("84")
    );
    assert_eq!(fix_of(&found, "X003"), None);
}

#[test]
fn fix_clauses_are_checked_when_compiling() {
    let e = errors("rule X001 \"t\" {\n  fix result.score = 1\n}\n");
    assert!(e[0].message.contains("assert"), "{e:?}");
    let src = "rule X001 \"t\" {\n  assert result.score == 1\n  fix result.grade = \"优\"\n}\n";
    let e = errors(src);
    assert_eq!(e[0].code, "rule-fix");
    assert_eq!(e[0].span, span_of(src, "result.grade", 0));
    let e = errors(
        "rule X001 \"t\" {\n  assert count(indicators) > 0\n  fix count(indicators) = 1\n}\n",
    );
    assert_eq!(e[0].code, "rule-path");
    assert!(e[0].message.contains("fix"), "{e:?}");
}

#[test]
fn fix_clauses_parse_safe_and_unsafe() {
    let (f, errs) = parse::parse_file(
        "rule X \"t\" {\n  assert a.b == 1\n  fix a.b = 1\n  fix unsafe a.b = c.d + 1\n}\n",
        Lang::En,
    );
    assert!(errs.is_empty(), "{errs:?}");
    let fixes: Vec<(bool, &ExprKind)> = f.rules[0]
        .body
        .iter()
        .filter_map(|c| match c {
            Clause::Fix { unsafe_, value, .. } => Some((*unsafe_, &value.kind)),
            _ => None,
        })
        .collect();
    assert_eq!(fixes.len(), 2);
    assert!(!fixes[0].0 && fixes[1].0);
    assert!(matches!(fixes[1].1, ExprKind::Binary(..)));
}

#[test]
fn the_build_time_form_of_the_default_rules_is_what_the_parser_gives() {
    let built = super::default_files().expect("the build's blob decodes");
    assert_eq!(built.len(), DEFAULT_RULES.len());
    for ((name, text), pre) in DEFAULT_RULES.iter().zip(&built) {
        let (parsed, errs) = parse::parse_file(text, Lang::Zh);
        assert!(errs.is_empty(), "{name}: {errs:?}");
        assert_eq!(&parsed, pre, "{name}");
        // And the codec round-trips on its own.
        let again = blob::decode(&blob::encode(std::slice::from_ref(&parsed))).unwrap();
        assert_eq!(again, vec![parsed]);
    }
    // A changed default file is parsed as written, not taken from the blob.
    assert_eq!(super::default_index(DEFAULT_RULES[2].1), Some(2));
    assert_eq!(super::default_index("rule X \"t\" {}"), None);
}

#[test]
fn a_damaged_blob_is_refused_not_a_panic() {
    let (f, _) = parse::parse_file(DEFAULT_RULES[0].1, Lang::Zh);
    let bytes = blob::encode(&[f]);
    for cut in [0, 3, 4, 5, bytes.len() / 2, bytes.len() - 1] {
        assert!(blob::decode(&bytes[..cut]).is_none(), "{cut}");
    }
    let mut extra = bytes.clone();
    extra.push(0);
    assert!(blob::decode(&extra).is_none());
    // Flipped bytes: decoded or refused, never a panic.
    for i in (0..bytes.len()).step_by(7) {
        let mut b = bytes.clone();
        b[i] ^= 0xff;
        let _ = blob::decode(&b);
    }
}

#[test]
fn functions_come_from_the_registry() {
    let e = errors("rule X \"t\" {\n  assert cuont(indicators) > 1\n}\n");
    assert_eq!(e[0].help.as_deref(), Some("是不是“count”？"));
    let e = errors("rule X \"t\" {\n  assert round(1, 2, 3) > 1\n}\n");
    assert!(e[0].message.contains("1–2"), "{e:?}");
    let e = errors("rule X \"t\" {\n  assert zzzzzz(1) > 1\n}\n");
    assert!(e[0].help.as_deref().unwrap().contains("count, sum, min"));
}

#[test]
fn comparisons_that_can_hold_are_not_flagged() {
    set(
        Some(
            r#"param low = 60%
rule X001 "t" {
  let rate = budget.execution_rate
  assert low < rate or 0.5 < rate or rate >= 1 or rate == 100%
  assert kind == "self-evaluation" and kind in ["target", "summary"]
  assert budget.total > 100 and project.name == "100" and year == 2022
}"#,
        ),
        false,
    );
    let e =
        errors("rule X001 \"t\" {\n  let rate = budget.execution_rate\n  assert rate >= 60\n}\n");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].code, "rule-type");
}

#[test]
fn default_patterns_are_dfas_made_at_build_time_and_user_patterns_compile() {
    use super::compile::{Ex, Pattern, Step};
    fn ex<'s>(e: &'s Ex, out: &mut Vec<&'s Pattern>) {
        match e {
            Ex::Matches(t, p) => {
                out.push(p);
                ex(t, out);
            }
            Ex::List(items) | Ex::Call(_, items) => items.iter().for_each(|i| ex(i, out)),
            Ex::Comp {
                expr, iter, cond, ..
            } => {
                ex(expr, out);
                ex(iter, out);
                if let Some(c) = cond {
                    ex(c, out);
                }
            }
            Ex::Get(x, _) | Ex::Star(x) | Ex::Cached(_, x) | Ex::Not(x) | Ex::Neg(x) => ex(x, out),
            Ex::Index(a, b) | Ex::Bin(_, a, b) => {
                ex(a, out);
                ex(b, out);
            }
            Ex::InStrs { general, .. } => ex(general, out),
            _ => {}
        }
    }
    fn steps<'s>(ss: &'s [Step], out: &mut Vec<&'s Pattern>) {
        for s in ss {
            match s {
                Step::Let(_, e) | Step::When(e) => ex(e, out),
                Step::Assert(c) => ex(&c.expr, out),
                Step::For(_, e, body) => {
                    ex(e, out);
                    steps(body, out);
                }
            }
        }
    }
    let set = set(
        Some("rule X001 \"t\" {\n  assert not matches(project.name, \"^x+$\")\n}\n"),
        true,
    );
    let mut found = Vec::new();
    for r in &set.rules {
        steps(&r.steps, &mut found);
    }
    // Every pattern the default rules use (non_reason, placeholder, …) has a
    // DFA made at build time, and it answers as the regex does: on every
    // value and line of the real tables and a few edge cases.
    let mut texts: Vec<String> = [
        "",
        " ",
        "\u{3000}",
        "无",
        "≥ XX%",
        "/",
        "—",
        "指标1：x",
        "12万元",
    ]
    .map(String::from)
    .to_vec();
    for entry in std::fs::read_dir("tests/real").expect("tests/real") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).unwrap_or_default();
        for line in text.lines() {
            texts.push(line.to_owned());
            for part in line.split([':', ',', '{', '}']) {
                texts.push(part.trim().to_owned());
                texts.push(part.to_owned());
            }
        }
    }
    let user: Vec<&Pattern> = found
        .iter()
        .copied()
        .filter(|p| &*p.text == "^x+$")
        .collect();
    assert_eq!(user.len(), 1);
    assert!(
        user[0].prebuilt_is_match("x").is_none(),
        "a user's pattern is compiled at run time"
    );
    let defaults: Vec<&Pattern> = found
        .iter()
        .copied()
        .filter(|p| &*p.text != "^x+$")
        .collect();
    assert!(defaults.len() >= 10, "{}", defaults.len());
    for p in defaults {
        let re = super::compile::build_regex(&p.text).expect("a default pattern builds");
        for t in &texts {
            let want = Some(re.is_match(t));
            assert_eq!(p.prebuilt_is_match(t), want, "DFA of {} on {t:?}", p.text);
            // past Pattern::SWITCH searches the regex answers
            assert_eq!(p.is_match(t), want, "{} on {t:?}", p.text);
        }
    }
    // A param set by the config is checked when compiling, though a default rule uses it.
    let settings = Settings {
        params: vec![("placeholder".into(), super::Lit::Str("((".into()))],
        ..Settings::default()
    };
    let Err((_, errs)) = RuleSet::build(sources(None, true), &settings) else {
        panic!("an invalid pattern from the config compiled")
    };
    assert!(errs.iter().all(|(_, e)| e.code == "rule-regex"), "{errs:?}");
}

/// A source written as one amount, or as its row of the 10号 form, reads as
/// its 全年预算数 where a number is wanted: `sum(budget.sources.*)` (the
/// shared bench's B004) adds the sources up either way; a budget mapping is
/// never read as a number.
#[test]
fn a_source_reads_as_its_total_where_a_number_is_wanted() {
    let rules = r#"
rule X001 "来源合计" {
  severity error
  assert sum(budget.sources.*) == budget.total
  message "来源合计 {sum(budget.sources.*)}，预算 {budget.total}"
  at budget.sources
}
rule X002 "预算不是数" {
  severity error
  assert not exists(budget + 0)
  message "预算读成了数"
  at budget
}
"#;
    let set = set(Some(rules), false);
    let decl = |sources: &str| {
        format!(
            "kind: target\nyear: 2023\nproject: {{ name: 甲 }}\nbudget:\n  total: 100\n  executed: 60\n  sources:\n{sources}"
        )
    };
    let messages = |text: &str| -> Vec<String> {
        check(&set, text, &[])
            .into_iter()
            .map(|f| f.message)
            .collect()
    };
    assert_eq!(
        messages(&decl("    general_public: 60\n    other: 30\n")),
        ["来源合计 90，预算 100"]
    );
    assert!(messages(&decl("    general_public: 70\n    other: 30\n")).is_empty());
    assert_eq!(
        messages(&decl(
            "    general_public: { initial: 50, total: 60, executed: 40 }\n    other: { total: 30 }\n"
        )),
        ["来源合计 90，预算 100"]
    );
}
