//! jixiao in the tools people already use, through the real binary: the
//! `.jixiao.yaml` config (found upwards or named, profile, params, severity,
//! exclude, lang, and its diagnostics), waivers in a declaration, baselines
//! for gradual adoption, exit statuses and `--deny-warnings`, and the
//! pre-commit hook definition.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the jixiao binary runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// The findings of a `--format json` run.
fn findings(o: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_str(&out(o))
        .unwrap_or_else(|e| panic!("JSON output ({e}): {}\n{}", out(o), err(o)));
    v.as_array().cloned().unwrap_or_default()
}

/// (code, file, line) of the unsuppressed findings, sorted.
fn shown(fs: &[Value]) -> Vec<(String, String, u64)> {
    let mut v: Vec<_> = fs
        .iter()
        .filter(|f| f["suppressed"] == false)
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["file"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

fn codes(fs: &[Value]) -> Vec<String> {
    shown(fs).into_iter().map(|(c, _, _)| c).collect()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(p, text).expect("write");
}

/// A copy of the seed example as `DIR/chengde-2022`.
fn copy_seed(dir: &Path) -> PathBuf {
    let to = dir.join("chengde-2022");
    std::fs::create_dir_all(&to).expect("mkdir");
    for e in std::fs::read_dir(root().join("examples/chengde-2022")).expect("seed") {
        let p = e.expect("entry").path();
        if let Some(name) = p.file_name() {
            std::fs::copy(&p, to.join(name)).expect("copy");
        }
    }
    to
}

fn seed_file(name: &str) -> String {
    std::fs::read_to_string(root().join("examples/chengde-2022").join(name)).expect("seed file")
}

fn clean_target() -> String {
    std::fs::read_to_string(root().join("examples/target-clean.yaml")).expect("clean target")
}

/// A target with seven third-level indicators (the default minimum is six).
const SEVEN: &str = "\
kind: target
year: 2023
project: { name: 社区助餐项目, department: 社区办, applicant: 社区办, declarant: 社区办 }
budget: { total: 100 }
goals: { annual: 为辖区 60 周岁以上老人提供助餐服务，全年 12000 人次以上 }
indicators:
  产出指标:
    数量指标:
      - { name: 助餐服务人次, target: ≥ 12000 人次, weight: 20 }
    质量指标:
      - { name: 食品安全抽检合格率, target: = 100%, weight: 10 }
    时效指标:
      - { name: 助餐点开放时间, target: ≤ 2023-03-31, weight: 10 }
    成本指标:
      - { name: 助餐补贴, target: ≤ 100 万元, weight: 10 }
  效益指标:
    社会效益指标:
      - { name: 独居老人助餐覆盖率, target: ≥ 60%, weight: 15 }
    可持续影响指标:
      - { name: 助餐点全年开放天数, target: ≥ 300 天, weight: 15 }
  满意度指标:
    服务对象满意度指标:
      - { name: 老人满意度, target: ≥ 90%, weight: 10 }
";

// ----------------------------------------------------------------------- config

#[test]
fn config_turns_jx304_off() {
    let d = tmp();
    copy_seed(d.path());
    let before = findings(&run_in(
        d.path(),
        &["check", "chengde-2022", "--format", "json"],
    ));
    assert_eq!(codes(&before).iter().filter(|c| *c == "JX304").count(), 5);
    write(d.path(), ".jixiao.yaml", "severity:\n  JX304: off\n");
    let o = run_in(d.path(), &["check", "chengde-2022", "--format", "json"]);
    assert_eq!(codes(&findings(&o)), vec!["JX503"]);
    assert_eq!(code(&o), 1);
    // A rule turned off is still known: naming it in a waiver is no JX009 error.
    // `rules` lists it with severity `off` (first-contact #30).
    let o = run_in(d.path(), &["rules"]);
    assert!(out(&o).contains("\nJX304  off "), "{}", out(&o));
}

#[test]
fn config_changes_a_severity() {
    let d = tmp();
    copy_seed(d.path());
    write(
        d.path(),
        ".jixiao.yaml",
        "severity:\n  JX304: error\n  JX503: warning\n",
    );
    let fs = findings(&run_in(
        d.path(),
        &["check", "chengde-2022", "--format", "json"],
    ));
    for f in &fs {
        let want = if f["code"] == "JX304" {
            "error"
        } else {
            "warning"
        };
        assert_eq!(f["severity"], want, "{f}");
    }
    assert_eq!(fs.len(), 6);
}

#[test]
fn config_raises_min_level3() {
    let d = tmp();
    write(d.path(), "decl.yaml", SEVEN);
    let base = findings(&run_in(
        d.path(),
        &["check", "decl.yaml", "--format", "json"],
    ));
    assert!(!codes(&base).contains(&"JX101".to_owned()), "{base:?}");
    write(d.path(), ".jixiao.yaml", "params:\n  min_level3: 8\n");
    let raised = findings(&run_in(
        d.path(),
        &["check", "decl.yaml", "--format", "json"],
    ));
    let mut want = codes(&base);
    want.push("JX101".into());
    want.sort();
    assert_eq!(codes(&raised), want);
    let jx101 = raised.iter().find(|f| f["code"] == "JX101").expect("JX101");
    assert_eq!(jx101["message"], "只有 7 个三级指标，至少需要 8 个");
    assert_eq!(jx101["line"], 6);
}

#[test]
fn config_switches_to_mof2021() {
    let d = tmp();
    write(d.path(), "target.yaml", &clean_target());
    let legacy = findings(&run_in(
        d.path(),
        &["check", "target.yaml", "--format", "json"],
    ));
    assert!(
        codes(&legacy).is_empty(),
        "the clean target is clean: {legacy:?}"
    );
    write(d.path(), ".jixiao.yaml", "profile: mof2021\n");
    let o = run_in(d.path(), &["check", "target.yaml", "--format", "json"]);
    let fs = findings(&o);
    // In mof2021, cost is a 一级 of its own: 成本指标 under 产出指标 is JX006,
    // said once (the 成本指标 一级 it should have been is not reported as
    // missing too: first contact #8).
    let cs = codes(&fs);
    assert_eq!(cs, ["JX006"], "{cs:?}");
    let jx006 = fs.iter().find(|f| f["code"] == "JX006").expect("JX006");
    assert_eq!(jx006["line"], 39, "at the 成本指标 key: {jx006}");
    assert_eq!(jx006["column"], 5);
    assert_eq!(code(&o), 1);
    // The flag overrides the config.
    let o = run_in(
        d.path(),
        &[
            "check",
            "target.yaml",
            "--profile",
            "legacy",
            "--format",
            "json",
        ],
    );
    assert!(codes(&findings(&o)).is_empty());
}

#[test]
fn config_is_found_upwards_and_by_flag() {
    let d = tmp();
    copy_seed(d.path());
    write(d.path(), "conf/strict.yaml", "severity: { JX304: off }\n");
    // --config PATH.
    let o = run_in(
        d.path(),
        &[
            "check",
            "chengde-2022",
            "--config",
            "conf/strict.yaml",
            "--format",
            "json",
        ],
    );
    assert_eq!(codes(&findings(&o)), vec!["JX503"]);
    // From a sub-folder, the config of a folder above applies.
    write(d.path(), ".jixiao.yaml", "severity: { JX503: off }\n");
    let o = run_in(
        &d.path().join("chengde-2022"),
        &["check", "--format", "json"],
    );
    let fs = findings(&o);
    assert_eq!(codes(&fs), vec!["JX304"; 5]);
    assert_eq!(code(&o), 0, "warnings only");
    // --no-config ignores it.
    let o = run_in(
        &d.path().join("chengde-2022"),
        &["check", "--no-config", "--format", "json"],
    );
    assert_eq!(findings(&o).len(), 6);
}

#[test]
fn config_adds_rule_files_relative_to_itself() {
    let d = tmp();
    write(d.path(), "decls/decl.yaml", SEVEN);
    write(
        d.path(),
        "policy/local.rules",
        "rule XJ001 \"年度不早于 2024\" en \"year 2024 or later\" {\n  severity warning\n  assert year >= 2024\n  message \"年度 {year} 早于 2024\" en \"the year {year} is before 2024\"\n  at year\n}\n",
    );
    write(d.path(), ".jixiao.yaml", "rules: [policy/local.rules]\n");
    // Run from a sub-folder: the path is relative to the config, not the cwd.
    let o = run_in(
        &d.path().join("decls"),
        &["check", "--format", "json", "--lang", "en"],
    );
    let fs = findings(&o);
    let x = fs.iter().find(|f| f["code"] == "XJ001").expect("XJ001");
    assert_eq!(x["message"], "the year 2023 is before 2024");
    assert_eq!(x["line"], 2);
    assert_eq!(x["severity"], "warning");
    // A broken rule file named by the config stops the run.
    write(
        d.path(),
        "policy/local.rules",
        "rule XJ001 \"x\" { assert \n}\n",
    );
    let o = run_in(&d.path().join("decls"), &["check", "--lang", "en"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("local.rules"), "{}", err(&o));
    assert!(err(&o).contains("in rule files"), "{}", err(&o));
}

#[test]
fn config_sets_the_language() {
    let d = tmp();
    copy_seed(d.path());
    write(d.path(), ".jixiao.yaml", "lang: en\n");
    let fs = findings(&run_in(
        d.path(),
        &["check", "chengde-2022", "--format", "json"],
    ));
    let jx503 = fs.iter().find(|f| f["code"] == "JX503").expect("JX503");
    assert_eq!(
        jx503["message"],
        "the summary executed total is 260.15, but the projects add up to 260.162333 (in 10,000 yuan)"
    );
    // The flag wins over the config.
    let fs = findings(&run_in(
        d.path(),
        &["check", "chengde-2022", "--format", "json", "--lang", "zh"],
    ));
    let jx503 = fs.iter().find(|f| f["code"] == "JX503").expect("JX503");
    assert_eq!(
        jx503["message"],
        "汇总执行数 260.15 万元，各项目合计 260.162333 万元"
    );
}

#[test]
fn exclude_globs_are_relative_to_the_scanned_folder() {
    let d = tmp();
    write(d.path(), "decls/a.yaml", SEVEN);
    write(d.path(), "decls/drafts/b.yaml", SEVEN);
    write(d.path(), "decls/c.draft.yaml", SEVEN);
    let files = |o: &Output| -> Vec<String> {
        let doc = out(o);
        let mut v: Vec<String> = doc
            .lines()
            .filter_map(|l| l.split(r#"testcase name=""#).nth(1))
            .filter_map(|l| l.split('"').next())
            .map(str::to_owned)
            .collect();
        v.sort();
        v
    };
    let o = run_in(d.path(), &["check", "decls", "--format", "junit"]);
    assert_eq!(
        files(&o),
        vec!["decls/a.yaml", "decls/c.draft.yaml", "decls/drafts/b.yaml"]
    );
    write(
        d.path(),
        ".jixiao.yaml",
        "exclude:\n  - drafts/\n  - \"*.draft.yaml\"\n",
    );
    let o = run_in(d.path(), &["check", "decls", "--format", "junit"]);
    assert_eq!(files(&o), vec!["decls/a.yaml"], "{}", err(&o));
    // The same from inside the folder, and relative to the config's folder.
    let o = run_in(&d.path().join("decls"), &["check", "--format", "junit"]);
    assert_eq!(files(&o), vec!["a.yaml"]);
    write(d.path(), ".jixiao.yaml", "exclude: [decls/drafts]\n");
    let o = run_in(d.path(), &["check", "decls", "--format", "junit"]);
    assert_eq!(
        files(&o),
        vec!["decls/a.yaml", "decls/c.draft.yaml"],
        "{}",
        err(&o)
    );
    // A file named on the command line is checked anyway, unless --force-exclude.
    let o = run_in(
        d.path(),
        &["check", "decls/drafts/b.yaml", "--format", "junit"],
    );
    assert_eq!(files(&o), vec!["decls/drafts/b.yaml"]);
    let o = run_in(
        d.path(),
        &[
            "check",
            "decls/drafts/b.yaml",
            "--force-exclude",
            "--format",
            "junit",
        ],
    );
    assert!(files(&o).is_empty());
}

/// A bad config stops the run with exit 2 and a diagnostic into the config.
fn bad_config(text: &str, want: &[&str]) {
    let d = tmp();
    copy_seed(d.path());
    write(d.path(), ".jixiao.yaml", text);
    let o = run_in(d.path(), &["check", "chengde-2022", "--lang", "en"]);
    assert_eq!(code(&o), 2, "exit 2 for {text:?}: {}", err(&o));
    assert!(err(&o).contains("in the config"), "{}", err(&o));
    assert!(out(&o).is_empty(), "nothing checked: {}", out(&o));
    let e = err(&o);
    for w in want {
        assert!(e.contains(w), "`{w}` in:\n{e}");
    }
}

#[test]
fn unknown_config_key_is_a_diagnostic() {
    bad_config(
        "profile: legacy\nseverty:\n  JX304: off\n",
        &[
            ".jixiao.yaml:2:1",
            "unknown config key `severty`",
            "did you mean `severity`?",
        ],
    );
}

#[test]
fn bad_config_values_are_diagnostics() {
    bad_config(
        "severity:\n  JX304: loud\n",
        &[
            ".jixiao.yaml:2:10",
            "bad severity `loud` for JX304",
            "error | warning | info | off",
        ],
    );
    bad_config(
        "profile: mof2020\n",
        &[
            ".jixiao.yaml:1:10",
            "unknown profile `mof2020`",
            "legacy | mof2021",
        ],
    );
    bad_config(
        "lang: fr\n",
        &[".jixiao.yaml:1:7", "unknown language", "zh | en"],
    );
    bad_config(
        "severity:\n  JX340: off\n",
        &[
            ".jixiao.yaml:2:3",
            "no rule has the code JX340",
            "did you mean `JX304`?",
        ],
    );
    bad_config(
        "params:\n  min_level: 8\n",
        &[
            ".jixiao.yaml:2:3",
            "no param is named `min_level`",
            "did you mean `min_level3`?",
        ],
    );
    bad_config(
        "exclude: [\"drafts/[\"]\n",
        &[".jixiao.yaml:1:", "bad exclude pattern"],
    );
    bad_config(
        "severity: [JX304]\n",
        &[".jixiao.yaml:1:11", "severity must map"],
    );
    bad_config("profile: [\n", &[".jixiao.yaml", "YAML syntax error"]);
}

#[test]
fn config_diagnostics_speak_chinese_by_default() {
    let d = tmp();
    write(
        d.path(),
        ".jixiao.yaml",
        "severty: {}\nparams: { min_level: 8 }\n",
    );
    let o = run_in(d.path(), &["check"]);
    assert_eq!(code(&o), 2);
    let e = err(&o);
    for w in [
        ".jixiao.yaml:1:1",
        "未知的配置项“severty”",
        "是不是 `severity`？",
        "配置文件有 1 个错误（1 error in the config）",
    ] {
        assert!(e.contains(w), "`{w}` in:\n{e}");
    }
    // Once the keys are right, names are checked against the rules.
    write(d.path(), ".jixiao.yaml", "params: { min_level: 8 }\n");
    let e = err(&run_in(d.path(), &["check"]));
    assert!(e.contains("没有名为“min_level”的参数"), "{e}");
    assert!(e.contains("是不是 `min_level3`？"), "{e}");
}

#[test]
fn a_missing_config_file_is_exit_2() {
    let d = tmp();
    let o = run_in(d.path(), &["check", "--config", "nowhere.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("nowhere.yaml"), "{}", err(&o));
}

// ---------------------------------------------------------------------- waivers

fn with_waivers(waivers: &str) -> String {
    format!("{}waivers:\n{waivers}", seed_file("01-jujia-yanglao.yaml"))
}

#[test]
fn a_waiver_with_a_reason_suppresses_its_rule_in_its_file() {
    let d = tmp();
    write(
        d.path(),
        "a.yaml",
        &with_waivers(
            "  - rule: JX304\n    reason: 财政资金未拨付到位，经专家评审会同意\n    approved_by: 2023-03-15 专家评审会\n",
        ),
    );
    write(d.path(), "b.yaml", &seed_file("02-wenming-chengshi.yaml"));
    let o = run_in(d.path(), &["check", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let fs = findings(&o);
    // b.yaml has no waiver: its JX304 is reported.
    assert_eq!(shown(&fs), vec![("JX304".into(), "b.yaml".into(), 20)]);
    let waived: Vec<&Value> = fs.iter().filter(|f| f["suppressed"] == true).collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["code"], "JX304");
    assert_eq!(waived[0]["file"], "a.yaml");
    assert_eq!(waived[0]["reason"], "财政资金未拨付到位，经专家评审会同意");

    // Human output only counts it.
    let o = run_in(d.path(), &["check", "--lang", "en"]);
    let h = out(&o);
    assert_eq!(h.matches("JX304").count(), 1, "{h}");
    assert!(h.contains("b.yaml"));
    assert!(
        h.trim_end()
            .ends_with("0 errors, 1 warning, 1 suppressed in 2 files"),
        "{h}"
    );
    let o = run_in(d.path(), &["check"]);
    assert!(
        out(&o).trim_end().ends_with(
            "0 个错误，1 个警告，1 条已豁免，共 2 个文件（0 errors, 1 warning, 1 suppressed in 2 files）"
        ),
        "{}",
        out(&o)
    );

    // SARIF: a suppression with the reason, and still schema-valid.
    let o = run_in(d.path(), &["check", "--format", "sarif"]);
    let doc: Value = serde_json::from_str(&out(&o)).expect("SARIF");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let r = results
        .iter()
        .find(|r| r.get("suppressions").is_some())
        .expect("a suppressed result");
    assert_eq!(r["ruleId"], "JX304");
    assert_eq!(r["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        r["suppressions"][0]["justification"],
        "财政资金未拨付到位，经专家评审会同意"
    );
    // The schema's stray `]` escaped as in tests/formats.rs.
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/sarif-schema-2.1.0.json"))
            .expect("schema")
            .replace("[a-zA-Z]{2}]?$", "[a-zA-Z]{2}\\\\]?$"),
    )
    .expect("schema JSON");
    let v = jsonschema::validator_for(&schema).expect("schema compiles");
    assert!(v.is_valid(&doc));

    // GitHub and JUnit leave it out.
    let o = run_in(d.path(), &["check", "--format", "github"]);
    assert_eq!(out(&o).lines().count(), 1);
    assert!(out(&o).contains("file=b.yaml"));
}

#[test]
fn a_waiver_without_a_reason_is_jx009_and_has_no_effect() {
    let d = tmp();
    write(d.path(), "a.yaml", &with_waivers("  - rule: JX304\n"));
    let o = run_in(d.path(), &["check", "--format", "json"]);
    assert_eq!(code(&o), 1);
    let fs = findings(&o);
    let line = seed_file("01-jujia-yanglao.yaml").lines().count() as u64 + 2;
    assert_eq!(
        shown(&fs),
        vec![
            ("JX009".into(), "a.yaml".into(), line),
            ("JX304".into(), "a.yaml".into(), 19),
        ]
    );
    let jx009 = fs.iter().find(|f| f["code"] == "JX009").expect("JX009");
    assert_eq!(jx009["severity"], "error");
    assert_eq!(jx009["message"], "豁免 JX304 没有写明理由，未生效");
    // A blank reason is no reason either.
    write(
        d.path(),
        "a.yaml",
        &with_waivers("  - { rule: JX304, reason: \"  \" }\n"),
    );
    let fs = findings(&run_in(d.path(), &["check", "--format", "json"]));
    assert_eq!(codes(&fs), vec!["JX009", "JX304"]);
}

#[test]
fn a_waiver_naming_no_rule_is_jx009_with_a_guess() {
    let d = tmp();
    write(
        d.path(),
        "a.yaml",
        &with_waivers("  - { rule: JX3O4, reason: 资金未到位 }\n"),
    );
    let o = run_in(d.path(), &["check", "--format", "json", "--lang", "en"]);
    assert_eq!(code(&o), 1);
    let fs = findings(&o);
    assert_eq!(codes(&fs), vec!["JX009", "JX304"]);
    let jx009 = fs.iter().find(|f| f["code"] == "JX009").expect("JX009");
    assert_eq!(jx009["severity"], "error");
    assert_eq!(
        jx009["message"],
        "the waiver names `JX3O4`, which is not a rule"
    );
    assert_eq!(jx009["help"], "did you mean JX304?");
    // It points at the rule's value.
    let line = seed_file("01-jujia-yanglao.yaml").lines().count() as u64 + 2;
    assert_eq!(jx009["line"], line);
    assert_eq!(jx009["column"], 13);
    assert_eq!(jx009["length"], 5);
}

#[test]
fn a_waiver_that_silences_nothing_is_a_jx009_warning() {
    let d = tmp();
    write(
        d.path(),
        "a.yaml",
        &with_waivers(
            "  - { rule: JX304, reason: 资金未到位 }\n  - { rule: JX101, reason: 指标已够 }\n",
        ),
    );
    let o = run_in(d.path(), &["check", "--format", "json"]);
    let fs = findings(&o);
    assert_eq!(codes(&fs), vec!["JX009"]);
    let jx009 = fs.iter().find(|f| f["code"] == "JX009").expect("JX009");
    assert_eq!(jx009["severity"], "warning");
    assert_eq!(jx009["message"], "豁免 JX101 没有豁免任何发现，可以删除");
    // A warning: exit 0, unless warnings are denied.
    assert_eq!(code(&o), 0);
    let o = run_in(d.path(), &["check", "--deny-warnings"]);
    assert_eq!(code(&o), 1);
}

// --------------------------------------------------------------------- baseline

#[test]
fn a_baseline_reports_only_new_findings() {
    let d = tmp();
    let seed = copy_seed(d.path());
    // Today's findings: five JX304 and the JX503 gap.
    let o = run_in(
        d.path(),
        &[
            "check",
            "chengde-2022",
            "--write-baseline",
            "jixiao-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 0, "--write-baseline exits 0");
    assert_eq!(findings(&o).len(), 6);
    let b: Value = serde_json::from_str(
        &std::fs::read_to_string(d.path().join("jixiao-baseline.json")).expect("written"),
    )
    .expect("baseline JSON");
    assert_eq!(b["version"], 2);
    assert_eq!(b["findings"].as_array().map(Vec::len), Some(6));
    // With the baseline, nothing is new.
    let o = run_in(
        d.path(),
        &[
            "check",
            "chengde-2022",
            "--baseline",
            "jixiao-baseline.json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(
        out(&o).contains("0 errors, 0 warnings, 6 baselined in 11 files"),
        "{}",
        out(&o)
    );

    // Edit unrelated lines: a comment on top moves every line of the file, and
    // the annual goal is reworded. Then add one new defect: a reported
    // execution rate that does not agree (JX305).
    let p = seed.join("01-jujia-yanglao.yaml");
    let text = std::fs::read_to_string(&p).expect("read");
    let edited = format!("# 2023-03 修订：补充年度目标表述\n{text}")
        .replace("以滨河社区为试点，", "以滨河社区为试点，分两期")
        .replace("execution_rate: 19.7%", "execution_rate: 19.8%");
    std::fs::write(&p, edited).expect("write");

    let o = run_in(
        d.path(),
        &[
            "check",
            "chengde-2022",
            "--baseline",
            "jixiao-baseline.json",
            "--format",
            "json",
        ],
    );
    let fs = findings(&o);
    assert_eq!(
        shown(&fs),
        vec![(
            "JX305".into(),
            "chengde-2022/01-jujia-yanglao.yaml".into(),
            21
        )]
    );
    assert_eq!(code(&o), 1);
    let old: Vec<&Value> = fs.iter().filter(|f| f["suppressed"] == true).collect();
    assert_eq!(old.len(), 6);
    assert!(old.iter().all(|f| f["reason"] == "baseline"));
    // The moved JX304 (line 19 → 20) is still the baselined one.
    assert!(old.iter().any(|f| f["code"] == "JX304"
        && f["file"] == "chengde-2022/01-jujia-yanglao.yaml"
        && f["line"] == 20));

    // Human output shows the new one only.
    let o = run_in(
        d.path(),
        &[
            "check",
            "chengde-2022",
            "--baseline",
            "jixiao-baseline.json",
            "--lang",
            "en",
        ],
    );
    let h = out(&o);
    assert!(h.contains("JX305"), "{h}");
    assert!(!h.contains("JX304") && !h.contains("JX503"), "{h}");
    assert!(
        h.trim_end()
            .ends_with("1 error, 0 warnings, 6 baselined in 11 files\n[*] 1 fixable with --fix")
    );

    // Rewriting the baseline while using it keeps what it knew.
    let o = run_in(
        d.path(),
        &[
            "check",
            "chengde-2022",
            "--baseline",
            "jixiao-baseline.json",
            "--write-baseline",
            "jixiao-baseline.json",
        ],
    );
    assert_eq!(code(&o), 0, "--write-baseline exits 0");
    let o = run_in(
        d.path(),
        &[
            "check",
            "chengde-2022",
            "--baseline",
            "jixiao-baseline.json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("7 baselined"), "{}", out(&o));
}

#[test]
fn changing_the_offending_value_makes_a_finding_new() {
    let d = tmp();
    let seed = copy_seed(d.path());
    let o = run_in(
        d.path(),
        &["check", "chengde-2022", "--write-baseline", "b.json"],
    );
    assert_eq!(code(&o), 0, "--write-baseline exits 0");
    // The summary's executed total changes: still wrong, but a different value.
    let p = seed.join("summary.yaml");
    let text = std::fs::read_to_string(&p).expect("read");
    std::fs::write(&p, text.replace("executed: 260.15", "executed: 260.14")).expect("write");
    let o = run_in(
        d.path(),
        &[
            "check",
            "chengde-2022",
            "--baseline",
            "b.json",
            "--format",
            "json",
        ],
    );
    let cs = codes(&findings(&o));
    assert!(cs.contains(&"JX503".to_owned()), "{cs:?}");
    assert!(!cs.contains(&"JX304".to_owned()), "{cs:?}");
}

#[test]
fn a_bad_baseline_file_is_exit_2() {
    let d = tmp();
    copy_seed(d.path());
    write(d.path(), "b.json", "{ not json");
    let o = run_in(d.path(), &["check", "chengde-2022", "--baseline", "b.json"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("b.json"), "{}", err(&o));
}

// ------------------------------------------------------------------ exit status

#[test]
fn exit_status_tells_warnings_from_errors() {
    let d = tmp();
    write(d.path(), "a.yaml", &seed_file("01-jujia-yanglao.yaml"));
    // A warning only (JX304): 0, and 1 with --deny-warnings.
    assert_eq!(code(&run_in(d.path(), &["check"])), 0);
    assert_eq!(code(&run_in(d.path(), &["check", "--deny-warnings"])), 1);
    // A clean file: 0 either way.
    let c = tmp();
    write(c.path(), "t.yaml", &clean_target());
    assert_eq!(code(&run_in(c.path(), &["check", "--deny-warnings"])), 0);
    // The seed has an error: 1.
    assert_eq!(
        code(&run_in(
            &root(),
            &["check", "examples/chengde-2022", "--no-config"]
        )),
        1
    );
    // Bad usage: 2.
    assert_eq!(code(&run_in(d.path(), &["check", "--format", "xml"])), 2);
    assert_eq!(code(&run_in(d.path(), &["check", "missing.yaml"])), 2);
}

// ------------------------------------------------------------------- pre-commit

#[test]
fn pre_commit_hook_definition() {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml"))
        .expect(".pre-commit-hooks.yaml at the repository root");
    let parsed = jixiao::yaml::parse(&text, jixiao::yaml::Limits::default());
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    let root_node = parsed.root.expect("a document");
    let jixiao::yaml::Yaml::Seq(hooks) = &root_node.yaml else {
        panic!("a list of hooks");
    };
    assert_eq!(hooks.len(), 1);
    let get = |k: &str| -> String {
        match &hooks[0].yaml {
            jixiao::yaml::Yaml::Map(es) => es
                .iter()
                .find(|(key, _)| key.as_str() == Some(k))
                .and_then(|(_, v)| v.as_str())
                .unwrap_or_default()
                .to_owned(),
            _ => String::new(),
        }
    };
    assert_eq!(get("id"), "jixiao");
    assert!(!get("name").is_empty());
    assert_eq!(get("language"), "rust");
    assert_eq!(get("pass_filenames"), "true");
    let entry = get("entry");
    assert!(entry.starts_with("jixiao check"), "{entry}");
    let files = regex::Regex::new(&get("files")).expect("files is a regex");
    // Extensions in any case, as a folder search takes them (SPEC §3.1).
    for yes in [
        "a.yaml",
        "decl/b.yml",
        ".jixiao.yaml",
        "A.YAML",
        "b.Yml",
        "ours.RULES",
    ] {
        assert!(files.is_match(yes), "{yes}");
    }
    for no in ["a.json", "README.md", "yaml.txt"] {
        assert!(!files.is_match(no), "{no}");
    }

    // The entry, as pre-commit runs it on changed files: a declaration with a
    // defect, a clean one, and YAML that is no declaration (skipped, not JX008).
    let d = tmp();
    write(d.path(), "decl.yaml", &seed_file("01-jujia-yanglao.yaml"));
    write(d.path(), "clean.yaml", &clean_target());
    write(
        d.path(),
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks: []\n",
    );
    write(d.path(), ".jixiao.yaml", "exclude: [\"drafts/**\"]\n");
    write(d.path(), "drafts/x.yaml", "kind: target\n");
    let mut args: Vec<&str> = entry.split_whitespace().skip(1).collect();
    args.extend([
        "--format",
        "json",
        "decl.yaml",
        "clean.yaml",
        ".pre-commit-config.yaml",
        ".jixiao.yaml",
        "drafts/x.yaml",
    ]);
    let o = run_in(d.path(), &args);
    assert_eq!(
        shown(&findings(&o)),
        vec![("JX304".into(), "decl.yaml".into(), 19)]
    );
    assert_eq!(code(&o), 0);
    // Named without the flags, the other YAML is an error (SPEC §3).
    let o = run_in(
        d.path(),
        &["check", "--format", "json", ".pre-commit-config.yaml"],
    );
    let cs = codes(&findings(&o));
    assert!(cs.contains(&"JX008".to_owned()), "{cs:?}");
    assert_eq!(code(&o), 1);
}

/// First contact, row 9: a summary's discrepancy that grows after the
/// baseline was written is new (its fingerprint covers the projects'
/// figures it was computed from), and the entries no finding matches any more
/// are counted.
#[test]
fn a_growing_summary_discrepancy_is_not_hidden_by_the_baseline() {
    let dir = tmp();
    copy_seed(dir.path());
    let w = run_in(
        dir.path(),
        &[
            "check",
            "chengde-2022",
            "--write-baseline",
            "b.json",
            "--lang",
            "en",
        ],
    );
    assert_eq!(code(&w), 0, "{}", err(&w));
    // Unchanged: everything is baselined, nothing stale.
    let same = run_in(
        dir.path(),
        &[
            "check",
            "chengde-2022",
            "--baseline",
            "b.json",
            "--format",
            "json",
            "--lang",
            "en",
        ],
    );
    assert_eq!(code(&same), 0, "{}", err(&same));
    assert!(!err(&same).contains("no longer match"), "{}", err(&same));
    // Project 01 now reports 100 万元 spent: the summary is 70 万元 off, and
    // 01's low execution rate is gone.
    let p = dir.path().join("chengde-2022/01-jujia-yanglao.yaml");
    let text = std::fs::read_to_string(&p).expect("read");
    assert!(text.contains("  executed: 29.5896"));
    std::fs::write(&p, text.replace("  executed: 29.5896", "  executed: 100")).expect("write");
    let o = run_in(
        dir.path(),
        &[
            "check",
            "chengde-2022",
            "--baseline",
            "b.json",
            "--format",
            "json",
            "--lang",
            "en",
        ],
    );
    let fs = findings(&o);
    let jx503: Vec<&Value> = fs.iter().filter(|f| f["code"] == "JX503").collect();
    assert_eq!(jx503.len(), 1, "{fs:?}");
    assert_eq!(jx503[0]["suppressed"], false, "{:?}", jx503[0]);
    assert!(
        jx503[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("330.572733")
    );
    // The other projects' JX304 stay baselined.
    assert!(
        fs.iter()
            .filter(|f| f["code"] == "JX304")
            .all(|f| f["suppressed"] == true),
        "{fs:?}"
    );
    assert!(
        err(&o).contains("2 baseline entries no longer match a finding"),
        "{}",
        err(&o)
    );
    assert_eq!(code(&o), 1);
    // The human summary line counts them too (SPEC §3.1), in both languages.
    for (lang, want) in [
        ("en", ", 2 stale baseline entries in "),
        ("zh", "，基线中 2 条已失效，"),
    ] {
        let o = run_in(
            dir.path(),
            &[
                "check",
                "chengde-2022",
                "--baseline",
                "b.json",
                "--lang",
                lang,
            ],
        );
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(out.lines().any(|l| l.contains(want)), "{lang}: {out}");
    }
}

/// First contact, row 9: a baseline names files relative to its own folder,
/// so a run with an absolute path, from a subfolder or from elsewhere matches
/// the same entries; a version 1 baseline (names relative to the current
/// folder) is still read.
#[test]
fn a_baseline_matches_however_the_files_are_named() {
    let d = tmp();
    let seed = copy_seed(d.path());
    let o = run_in(
        d.path(),
        &["check", "chengde-2022", "--write-baseline", "b.json"],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let text = std::fs::read_to_string(d.path().join("b.json")).expect("written");
    let b: Value = serde_json::from_str(&text).expect("baseline JSON");
    assert_eq!(b["version"], 2);
    let files: Vec<&str> = b["findings"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["file"].as_str())
        .collect();
    assert!(files.contains(&"chengde-2022/summary.yaml"), "{files:?}");
    let abs = seed.to_string_lossy().into_owned();
    let bl = d.path().join("b.json").to_string_lossy().into_owned();
    let elsewhere = tmp();
    let runs: [(&Path, Vec<&str>); 4] = [
        (
            d.path(),
            vec!["check", "chengde-2022", "--baseline", "b.json"],
        ),
        (d.path(), vec!["check", &abs, "--baseline", "b.json"]),
        (&seed, vec!["check", ".", "--baseline", "../b.json"]),
        (elsewhere.path(), vec!["check", &abs, "--baseline", &bl]),
    ];
    for (cwd, args) in &runs {
        let mut args = args.clone();
        args.extend(["--format", "json"]);
        let o = run_in(cwd, &args);
        let fs = findings(&o);
        assert_eq!(fs.len(), 6, "{args:?}: {fs:?}");
        assert!(
            fs.iter().all(|f| f["reason"] == "baseline"),
            "{args:?} in {cwd:?}: {fs:?}"
        );
        assert_eq!(code(&o), 0, "{args:?}");
        assert!(!err(&o).contains("no longer"), "{}", err(&o));
    }
    // A baseline rewritten from the subfolder keeps the same names.
    let o = run_in(
        &seed,
        &[
            "check",
            ".",
            "--baseline",
            "../b.json",
            "--write-baseline",
            "../b.json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(out(&o), "已记录 6 条到基线 ../b.json\n");
    let again = std::fs::read_to_string(d.path().join("b.json")).expect("written");
    assert_eq!(again, text);
    // A stale entry is still counted from another folder: 01 spends it all.
    let p = seed.join("01-jujia-yanglao.yaml");
    let y = std::fs::read_to_string(&p).expect("read");
    std::fs::write(&p, y.replace("  executed: 29.5896", "  executed: 150")).expect("write");
    let o = run_in(
        elsewhere.path(),
        &["check", &abs, "--baseline", &bl, "--lang", "en"],
    );
    // 01's JX304 is gone, and the summary's JX503 (its figures changed) is new.
    assert!(
        err(&o).contains("note: 2 baseline entries no longer match a finding"),
        "{}",
        err(&o)
    );
    assert!(out(&o).contains("JX503"), "{}", out(&o));
    std::fs::write(&p, &y).expect("write");
    // A version 1 baseline names files from the folder jixiao ran in.
    let v1 = text.replace("\"version\": 2", "\"version\": 1");
    assert_ne!(v1, text);
    write(d.path(), "v1.json", &v1.replace("chengde-2022/", ""));
    let o = run_in(&seed, &["check", ".", "--baseline", "../v1.json"]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("6 条在基线中"), "{}", out(&o));
}

/// First contact, row 35: the README's `language: system` hook (for a jixiao
/// already on PATH) runs what the shipped hook runs, on the same files.
#[test]
fn the_readmes_system_hook_matches_the_shipped_hook() {
    fn hook(text: &str) -> Vec<(String, String)> {
        let parsed = jixiao::yaml::parse(text, jixiao::yaml::Limits::default());
        assert!(parsed.error.is_none(), "{:?}\n{text}", parsed.error);
        fn find<'a, 'b>(y: &'a jixiao::yaml::Node<'b>) -> Option<&'a jixiao::yaml::Node<'b>> {
            match &y.yaml {
                jixiao::yaml::Yaml::Map(es)
                    if es.iter().any(|(k, _)| k.as_str() == Some("entry")) =>
                {
                    Some(y)
                }
                jixiao::yaml::Yaml::Map(es) => es.iter().find_map(|(_, v)| find(v)),
                jixiao::yaml::Yaml::Seq(items) => items.iter().find_map(find),
                _ => None,
            }
        }
        let h = find(parsed.root.as_ref().expect("a document")).expect("a hook");
        let jixiao::yaml::Yaml::Map(es) = &h.yaml else {
            unreachable!()
        };
        ["id", "entry", "files", "require_serial", "language"]
            .iter()
            .map(|k| {
                let v = es
                    .iter()
                    .find(|(key, _)| key.as_str() == Some(k))
                    .and_then(|(_, v)| v.as_str())
                    .unwrap_or_default();
                ((*k).to_owned(), v.to_owned())
            })
            .collect()
    }
    let shipped = hook(&std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap());
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let block = readme
        .split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .find(|b| b.contains("language: system"))
        .expect("the README offers a `language: system` hook");
    let local = hook(block);
    for (s, l) in shipped.iter().zip(&local) {
        if s.0 == "language" {
            assert_eq!((s.1.as_str(), l.1.as_str()), ("rust", "system"));
        } else {
            assert_eq!(s, l);
        }
    }
}
