//! What a finding says at its span (first-contact rows 8 and 10): labels state
//! the problem there with the computed figures, titles quote the run's param
//! values, and a mistyped `goals` is read as written or reported on `goals`
//! with help for that key.

use jixiao::rules::RuleSet;
use jixiao::rules::compile::{Seg, Settings, Step, Template};
use snapbox::cmd::Command;
use std::path::Path;

fn jixiao() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap(),
    )
}

fn stdout(args: &[&str]) -> String {
    let out = jixiao().args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

const EXAMPLE_01: &str = include_str!("../examples/chengde-2022/01-jujia-yanglao.yaml");
const CLEAN: &str = include_str!("../examples/target-clean.yaml");

#[test]
fn the_jx503_label_states_the_computed_sum() {
    let zh = stdout(&["check", "examples/chengde-2022"]);
    assert!(zh.contains("╰── 与各项目合计 260.162333 不一致"), "{zh}");
    // not the title, which states the requirement
    assert!(!zh.contains("╰── 汇总执行数与各项目合计一致"), "{zh}");
    assert!(zh.contains("╰── 执行率 19.73%，低于 60%"), "{zh}");
    let en = stdout(&["check", "examples/chengde-2022", "--lang", "en"]);
    assert!(en.contains("╰── the projects add up to 260.162333"), "{en}");
    assert!(en.contains("╰── execution 19.73%, below 60%"), "{en}");
}

#[test]
fn jx101_title_message_and_label_follow_min_level3() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("01.yaml"), EXAMPLE_01).unwrap();
    std::fs::write(
        dir.path().join(".jixiao.yaml"),
        "params:\n  min_level3: 9\n",
    )
    .unwrap();
    let (code, out) = run_in(dir.path(), &["check", "01.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("JX101 只有 8 个三级指标，至少需要 9 个"),
        "{out}"
    );
    assert!(out.contains("╰── 只有 8 个，至少 9 个"), "{out}");
    assert!(!out.contains("六"), "{out}");
    let (_, gh) = run_in(dir.path(), &["check", "01.yaml", "--format", "github"]);
    assert!(gh.contains("title=JX101 三级指标不少于 9 个::"), "{gh}");
    let (_, rules) = run_in(dir.path(), &["rules"]);
    let line = rules.lines().find(|l| l.starts_with("JX101")).unwrap();
    assert!(line.contains("三级指标不少于 9 个"), "{line}");
    let (_, explain) = run_in(dir.path(), &["explain", "JX101", "--lang", "en"]);
    assert!(
        explain.starts_with("JX101 at least 9 third-level indicators (error)"),
        "{explain}"
    );
    let (_, sarif) = run_in(dir.path(), &["check", "01.yaml", "--format", "sarif"]);
    assert!(
        sarif.contains("\"text\": \"三级指标不少于 9 个\""),
        "{sarif}"
    );
    // without the config, the default
    let (_, rules) = run_in(dir.path(), &["rules", "--no-config"]);
    assert!(rules.contains("三级指标不少于 6 个"), "{rules}");
}

#[test]
fn a_title_param_and_an_at_label_in_a_user_rule_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("01.yaml"), EXAMPLE_01).unwrap();
    std::fs::write(
        dir.path().join("cd.rules"),
        "param cd_min = 10\n\
         rule CD101 \"指标不少于 {cd_min} 个\" en \"at least {cd_min} indicators\" {\n\
           assert count(indicators.*.*.*) >= cd_min\n\
           message \"只有 {count(indicators.*.*.*)} 个指标\"\n\
           at indicators \"少了 {cd_min - count(indicators.*.*.*)} 个\" en \"{cd_min - count(indicators.*.*.*)} short\"\n\
           assert count(indicators.*.*.*) < 100\n\
           message \"指标太多\"\n\
         }\n",
    )
    .unwrap();
    let (_, out) = run_in(dir.path(), &["check", "01.yaml", "--rules", "cd.rules"]);
    assert!(out.contains("CD101 只有 8 个指标"), "{out}");
    assert!(out.contains("╰── 少了 2 个"), "{out}");
    let (_, out) = run_in(
        dir.path(),
        &["check", "01.yaml", "--rules", "cd.rules", "--lang", "en"],
    );
    assert!(out.contains("╰── 2 short"), "{out}");
    let (_, rules) = run_in(dir.path(), &["rules", "--rules", "cd.rules"]);
    assert!(rules.contains("指标不少于 10 个"), "{rules}");

    // a title may quote params only
    std::fs::write(
        dir.path().join("bad.rules"),
        "rule CD102 \"共 {count(indicators.*.*.*)} 个\" {\n  assert true\n}\n",
    )
    .unwrap();
    let (code, out) = run_in(dir.path(), &["check", "01.yaml", "--rules", "bad.rules"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("规则标题中的 {…} 只能是参数名"), "{out}");
}

#[test]
fn a_rule_without_label_text_underlines_without_repeating_the_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("01.yaml"), EXAMPLE_01).unwrap();
    std::fs::write(
        dir.path().join("cd.rules"),
        "rule CD103 \"执行数不超过 1 万元\" {\n  assert budget.executed <= 1\n  message \"执行数 {budget.executed} 万元\"\n  at budget.executed\n}\n",
    )
    .unwrap();
    let (_, out) = run_in(dir.path(), &["check", "01.yaml", "--rules", "cd.rules"]);
    let block = out
        .split("\n\n")
        .find(|b| b.contains("CD103"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(block.contains("CD103 执行数 29.5896 万元"), "{block}");
    // neither the title nor the message again under the span
    assert!(!block.contains("╰── "), "{block}");
    assert!(!block.contains("执行数不超过 1 万元"), "{block}");
    assert!(block.contains("───────"), "{block}");
}

fn templates<'a>(steps: &'a [Step], out: &mut Vec<(&'a Option<Template>, bool)>) {
    for s in steps {
        match s {
            Step::Assert(c) => out.push((&c.at_label, c.at.is_some())),
            Step::For(_, _, body) => templates(body, out),
            _ => {}
        }
    }
}

fn literal(segs: &[Seg]) -> String {
    segs.iter()
        .filter_map(|s| match s {
            Seg::Lit(l) => Some(l.as_str()),
            Seg::Expr(_) => None,
        })
        .collect()
}

#[test]
fn every_default_assert_has_a_label_chinese_without_english_english_in_ascii() {
    let set = RuleSet::build(jixiao::cli::default_sources(), &Settings::default())
        .expect("default rules compile");
    let mut n = 0;
    for r in &set.rules {
        let mut labels = Vec::new();
        templates(&r.steps, &mut labels);
        assert!(!labels.is_empty(), "{}", r.code);
        for (t, _) in labels {
            let t = t
                .as_ref()
                .unwrap_or_else(|| panic!("{}: an assert without a label", r.code));
            let zh = literal(&t.zh);
            assert!(!zh.is_empty(), "{}", r.code);
            assert!(
                !zh.chars().any(|c| c.is_ascii_alphabetic()),
                "{}: English in the Chinese label {zh:?}",
                r.code
            );
            let en = literal(
                t.en.as_ref()
                    .unwrap_or_else(|| panic!("{}: no English label", r.code)),
            );
            assert!(en.is_ascii(), "{}: English label not ASCII: {en:?}", r.code);
            n += 1;
        }
        // titles quote params, never a hard-coded default
        assert!(!r.title_zh.contains('{'), "{}", r.code);
    }
    assert!(n > 50, "{n}");
    let jx101 = set.rules.iter().find(|r| &*r.code == "JX101").unwrap();
    assert_eq!(&*jx101.title_zh, "三级指标不少于 6 个");
    assert_eq!(
        jx101.title_en.as_deref(),
        Some("at least 6 third-level indicators")
    );
}

#[test]
fn goals_written_as_a_list_are_the_annual_goals() {
    let dir = tempfile::tempdir().unwrap();
    let list = CLEAN.replace("\n  annual: ", "\n  - ");
    assert_ne!(list, CLEAN);
    std::fs::write(dir.path().join("gl.yaml"), &list).unwrap();
    let (code, out) = run_in(dir.path(), &["check", "gl.yaml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 个错误，0 个警告"), "{out}");

    // one text is the goal too; a bare number is JX105 on `goals`
    let line = list.lines().position(|l| l.starts_with("goals:")).unwrap() + 1;
    let num = list.replace("goals:\n", "goals: [150]\nx_goals:\n");
    let num: String = num
        .lines()
        .filter(|l| !l.starts_with("x_goals:") && !l.starts_with("  - "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("num.yaml"), &num).unwrap();
    let (code, out) = run_in(dir.path(), &["check", "num.yaml", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let items: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(items.len(), 1, "{out}");
    assert_eq!(items[0]["code"], "JX105");
    assert_eq!(items[0]["line"], line, "{out}");

    // an empty list: JX105 on `goals`, never on `kind:`
    let empty: String = list
        .replace("goals:\n", "goals: []\n")
        .lines()
        .filter(|l| !l.starts_with("  - "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("empty.yaml"), &empty).unwrap();
    let (_, out) = run_in(dir.path(), &["check", "empty.yaml", "--format", "json"]);
    let items: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(items.len(), 1, "{out}");
    assert_eq!(items[0]["code"], "JX105");
    assert_eq!(items[0]["line"], line, "{out}");
    assert_eq!(items[0]["message"], "没有填写年度绩效目标");
}

#[test]
fn a_mistyped_mapping_says_what_belongs_under_its_key() {
    let dir = tempfile::tempdir().unwrap();
    // goals as a list of mappings: the items are not goals
    let maps = CLEAN.replace("\n  annual: ", "\n  - 年度目标: ");
    std::fs::write(dir.path().join("m.yaml"), &maps).unwrap();
    let (_, out) = run_in(dir.path(), &["check", "m.yaml"]);
    assert!(
        out.contains("JX003 “goals”应为文字（一项年度目标），这里是映射"),
        "{out}"
    );
    assert!(
        out.contains("╰── 这里是映射，应为文字（一项年度目标）"),
        "{out}"
    );
    assert!(
        out.contains("help: “goals”下逐行写下一级字段，如 annual: 年度目标"),
        "{out}"
    );
    assert!(!out.contains("按申报表格式填写"), "{out}");

    // budget written as a list
    let bl = CLEAN.replacen("\nbudget:\n", "\nbudget: [120]\nx_budget:\n", 1);
    std::fs::write(dir.path().join("b.yaml"), &bl).unwrap();
    let (_, out) = run_in(dir.path(), &["check", "b.yaml"]);
    assert!(
        out.contains("JX003 “budget”应为映射（下一级字段），这里是列表"),
        "{out}"
    );
    assert!(
        out.contains("╰── 这里是列表，应为映射（下一级字段）"),
        "{out}"
    );
    assert!(
        out.contains("help: “budget”下逐行写下一级字段，如 unit: 单位"),
        "{out}"
    );
    let (_, out) = run_in(dir.path(), &["check", "b.yaml", "--lang", "en"]);
    assert!(
        out.contains(
            "help: give the fields of `budget` on their own lines under it, e.g. unit: ..."
        ),
        "{out}"
    );
    assert!(
        out.contains("╰── a sequence here; a mapping expected"),
        "{out}"
    );

    // a scalar of the wrong kind: the label and help name what belongs there
    let year = CLEAN.replacen("\nyear: 2023\n", "\nyear: 二〇二三\n", 1);
    assert_ne!(year, CLEAN);
    std::fs::write(dir.path().join("y.yaml"), &year).unwrap();
    let (_, out) = run_in(dir.path(), &["check", "y.yaml"]);
    assert!(out.contains("╰── 应为四位数的年份"), "{out}");
    assert!(out.contains("help: 用阿拉伯数字写，如 year: 2022"), "{out}");
    assert!(!out.contains("╰── 类型错误"), "{out}");
}
