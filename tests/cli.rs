//! The command line as a user runs it: exit codes, folder discovery, JSON
//! output, and bad files next to good ones.

use snapbox::cmd::Command;
use std::path::Path;

fn jixiao() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
}

fn json(out: &[u8]) -> Vec<serde_json::Value> {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const CLEAN: &str = include_str!("../examples/target-clean.yaml");

#[test]
fn a_clean_declaration_exits_0() {
    let out = jixiao()
        .args(["check", "examples/target-clean.yaml"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.ends_with("0 个错误，0 个警告，共 1 个文件（0 errors, 0 warnings in 1 file）\n"),
        "{stdout}"
    );
}

#[test]
fn the_seed_example_finds_its_real_inconsistencies() {
    let out = jixiao()
        .args(["check", "examples/chengde-2022", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let items = json(&out.stdout);
    let codes: Vec<(&str, &str)> = items
        .iter()
        .map(|i| (i["code"].as_str().unwrap(), i["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes.iter().filter(|(c, _)| *c == "JX304").count(),
        5,
        "{codes:?}"
    );
    assert_eq!(codes.iter().filter(|(c, _)| *c == "JX305").count(), 0);
    let jx503: Vec<_> = items.iter().filter(|i| i["code"] == "JX503").collect();
    assert_eq!(jx503.len(), 1);
    let m = jx503[0]["message"].as_str().unwrap();
    assert!(m.contains("260.15") && m.contains("260.162333"), "{m}");
    assert_eq!(jx503[0]["file"], "examples/chengde-2022/summary.yaml");
    assert_eq!(jx503[0]["line"], 17);
    assert_eq!(codes.len(), 6, "only the real findings: {codes:?}");
}

#[test]
fn json_has_the_spec_fields_with_character_columns() {
    let dir = tempfile::tempdir().unwrap();
    // the unknown key follows Chinese text on its line: column counts characters
    write(
        dir.path(),
        "a.yaml",
        "kind: target\nyear: 2023\nproject: {名称: 居家养老, nmae: x}\n",
    );
    let out = jixiao()
        .args(["check", "--format", "json", "--no-default-rules"])
        .arg(dir.path().join("a.yaml"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let items = json(&out.stdout);
    assert_eq!(items.len(), 1);
    let i = &items[0];
    for field in [
        "code",
        "severity",
        "title",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "offset",
        "length",
        "help",
    ] {
        assert!(i.get(field).is_some(), "missing {field}: {i}");
    }
    assert_eq!(i["code"], "JX002");
    assert_eq!(i["severity"], "error");
    assert_eq!(i["line"], 3);
    // `project: {名称: 居家养老, ` is 20 characters (but 30 bytes)
    assert_eq!(i["column"], 21);
    assert_eq!(i["end_column"], 25);
    let text = "kind: target\nyear: 2023\nproject: {名称: 居家养老, nmae: x}\n";
    assert_eq!(i["offset"], text.find("nmae").unwrap());
    assert_eq!(i["length"], 4);
    assert!(i["help"].as_str().unwrap().contains("name"));
}

#[test]
fn folders_hold_declarations_and_other_yaml_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/clean.yaml", CLEAN);
    write(
        dir.path(),
        "a/b/deep.yml",
        &CLEAN.replace("year: 2023", "year: 2023\nextra: 1"),
    );
    write(dir.path(), "ci.yaml", "on: push\njobs: {}\n");
    write(dir.path(), "notes.txt", "kind: target\n");
    write(dir.path(), ".hidden/x.yaml", "kind: target\n");
    let out = jixiao()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1)
        .get_output()
        .clone();
    let items = json(&out.stdout);
    let found: Vec<(String, String)> = items
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_owned(),
                i["file"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "JX002");
    assert!(found[0].1.ends_with("a/b/deep.yml"), "{found:?}");
    // the summary line counts the two declarations only
    let human = jixiao()
        .args(["check", "--lang", "en"])
        .arg(dir.path())
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        String::from_utf8(human.stdout)
            .unwrap()
            .ends_with("1 error, 0 warnings in 2 files\n")
    );
    // named explicitly, other YAML is an error
    let out = jixiao()
        .args(["check", "--format", "json"])
        .arg(dir.path().join("ci.yaml"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let items = json(&out.stdout);
    assert_eq!(items[0]["code"], "JX008");
}

#[test]
fn a_bad_file_never_hides_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, _) =
        encoding_rs::GBK.encode("kind: target\nyear: 2023\nproject: { name: 居家养老 }\n");
    std::fs::write(dir.path().join("gbk.yaml"), &gbk).unwrap();
    write(
        dir.path(),
        "broken.yaml",
        "kind: target\nyear: 2023\nproject: { name: 居家养老\n",
    );
    // a good file with one real finding of its own
    write(
        dir.path(),
        "good.yaml",
        &CLEAN.replace(
            "declarant: 承德高新区社区管理办公室",
            "declarant: 承德市民政局",
        ),
    );
    let out = jixiao()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1)
        .get_output()
        .clone();
    let items = json(&out.stdout);
    let by_file = |name: &str| -> Vec<String> {
        items
            .iter()
            .filter(|i| i["file"].as_str().unwrap().ends_with(name))
            .map(|i| i["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(by_file("gbk.yaml"), vec!["JX008"]);
    assert!(
        items
            .iter()
            .any(|i| i["message"].as_str().unwrap().contains("GBK"))
    );
    assert_eq!(by_file("broken.yaml"), vec!["JX001"]);
    assert_eq!(
        by_file("good.yaml"),
        vec!["JX106"],
        "the good file's own findings are intact"
    );
}

#[test]
fn exit_codes_tell_errors_warnings_and_bad_usage_apart() {
    // warnings only: 0, or 1 with --deny-warnings
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "w.yaml",
        &CLEAN.replace(
            "declarant: 承德高新区社区管理办公室",
            "declarant: 承德市民政局",
        ),
    );
    jixiao().args(["check"]).arg(dir.path()).assert().code(0);
    jixiao()
        .args(["check", "--deny-warnings"])
        .arg(dir.path())
        .assert()
        .code(1);
    // bad usage
    jixiao()
        .args(["check", "--format", "xml", "examples"])
        .assert()
        .code(2);
    jixiao().args(["frobnicate"]).assert().code(2);
    jixiao()
        .args(["check", "no/such/path.yaml"])
        .assert()
        .code(2);
    // a bad rule file
    write(
        dir.path(),
        "bad.rules",
        "rule JX900 \"标题\" {\n  assert count(（indicators) >= 1\n}\n",
    );
    let out = jixiao()
        .args(["check", "--rules"])
        .arg(dir.path().join("bad.rules"))
        .arg("examples/target-clean.yaml")
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("rule-syntax"), "{err}");
    assert!(err.contains("（ → ("), "{err}");
}

#[test]
fn rules_and_explain_list_the_catalogue() {
    let out = jixiao()
        .args(["rules", "--lang", "en"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let s = String::from_utf8(out.stdout).unwrap();
    for code in [
        "JX001", "JX101", "JX211", "JX304", "JX409", "JX503", "JX505",
    ] {
        assert!(s.contains(code), "{code} missing from\n{s}");
    }
    assert!(s.contains("rules/budget.rules"));
    let out = jixiao()
        .args(["explain", "JX304"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("预算执行率偏低") && s.contains("help") || s.contains("帮助"),
        "{s}"
    );
    assert!(
        s.contains("rule JX304 \"预算执行率偏低\""),
        "the source text: {s}"
    );
    jixiao().args(["explain", "JX999"]).assert().code(2);
}
