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

// ---- SPEC §3.1: fixes, selection, output conventions ----

/// A copy of the Chengde example in a fresh folder (the summary's JX503 has a
/// safe fix: 260.15 → 260.16).
fn chengde() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022");
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn fixable_findings_are_marked_and_counted() {
    let d = chengde();
    let (code, out, _) = run_in(d.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(out.contains("JX503 [*] 汇总执行数 260.15"), "{out}");
    assert!(!out.contains("JX304 [*]"), "JX304 has no fix: {out}");
    assert!(out.ends_with("[*] 1 处可用 --fix 自动修复\n"), "{out}");
    let (_, out, _) = run_in(d.path(), &["check", "--lang", "en"]);
    assert!(out.ends_with("[*] 1 fixable with --fix\n"), "{out}");
}

#[test]
fn fix_rewrites_only_the_fixed_scalar_and_the_finding_is_gone() {
    let d = chengde();
    let before = std::fs::read_to_string(d.path().join("summary.yaml")).unwrap();
    let (code, out, err) = run_in(d.path(), &["check", "--fix"]);
    // the JX503 error is fixed; the five JX304 warnings remain
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("已修复 1 处"), "{out}");
    assert!(!out.contains("JX503"), "{out}");
    let after = std::fs::read_to_string(d.path().join("summary.yaml")).unwrap();
    assert_eq!(
        after,
        before.replace("  executed: 260.15\n", "  executed: 260.16\n")
    );
    let (code, out, _) = run_in(d.path(), &["check", "--format", "json"]);
    assert_eq!(code, 0);
    let items = json(out.as_bytes());
    assert!(items.iter().all(|i| i["code"] != "JX503"), "{items:?}");
    assert_eq!(items.len(), 5);
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let d = chengde();
    let before = std::fs::read(d.path().join("summary.yaml")).unwrap();
    let (code, out, err) = run_in(d.path(), &["check", "--diff"]);
    assert_eq!(code, 1, "changes pending: {err}");
    assert!(
        out.starts_with("--- a/summary.yaml\n+++ b/summary.yaml\n@@ "),
        "{out}"
    );
    assert!(
        out.contains("\n-  executed: 260.15\n+  executed: 260.16\n"),
        "{out}"
    );
    assert!(
        err.contains("将修复 1 处，涉及 1 个文件（未写入）"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(d.path().join("summary.yaml")).unwrap(),
        before
    );
    // nothing to fix: an empty diff and exit 0
    let (code, out, _) = run_in(d.path(), &["check", "--diff", "--ignore", "JX503"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn unsafe_fixes_need_their_flag() {
    let d = tempfile::tempdir().unwrap();
    let text = include_str!("../examples/chengde-2022/01-jujia-yanglao.yaml")
        .replace("        score: 7.2\n", "        score: 9.0\n");
    write(d.path(), "a.yaml", &text);
    let (_, out, _) = run_in(d.path(), &["check", "--select", "JX403"]);
    assert!(
        out.contains("JX403 报告得分") || out.contains("JX403 三级指标"),
        "{out}"
    );
    assert!(
        !out.contains("[*] JX403") && !out.contains("JX403 [*]"),
        "{out}"
    );
    assert!(
        out.contains("0 处可用 --fix 自动修复（另有 1 处须加 --unsafe-fixes）"),
        "{out}"
    );
    let (_, _, _) = run_in(d.path(), &["check", "--fix", "--select", "JX403"]);
    assert_eq!(
        std::fs::read_to_string(d.path().join("a.yaml")).unwrap(),
        text
    );
    let (code, out, _) = run_in(
        d.path(),
        &["check", "--fix", "--unsafe-fixes", "--select", "JX403"],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        std::fs::read_to_string(d.path().join("a.yaml")).unwrap(),
        text.replace("        score: 9.0\n", "        score: 7.2\n")
    );
}

/// A tiny deterministic generator (no dependency): xorshift.
struct Gen(u64);
impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Replace the value of the `nth` line that starts with `key` (after
/// `indent`), or of an inline `key: v` in a flow mapping.
fn set_value(text: &str, key: &str, nth: usize, value: &str) -> String {
    let mut seen = 0;
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(i) = line.find(&format!("{key}: "))
            && (i == 0 || matches!(line.as_bytes()[i - 1], b' ' | b'{'))
        {
            if seen == nth {
                let start = i + key.len() + 2;
                let end = line[start..]
                    .find([',', '}', '\n', ' '])
                    .map_or(line.len(), |e| start + e);
                out.push_str(&line[..start]);
                out.push_str(value);
                out.push_str(&line[end..]);
                seen += 1;
                continue;
            }
            seen += 1;
        }
        out.push_str(line);
    }
    out
}

/// The keys a default rule's fix may rewrite (SPEC §3.1).
const FIXED_KEYS: [&str; 6] = [
    "execution_rate",
    "total",
    "executed",
    "project_count",
    "score",
    "grade",
];

/// Every changed line differs from the original only in one scalar value
/// after one of [`FIXED_KEYS`], and no line is added or removed.
fn only_scalars_changed(old: &str, new: &str) {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.split('\n').collect(), new.split('\n').collect());
    assert_eq!(
        a.len(),
        b.len(),
        "lines added or removed:\n{old}\n---\n{new}"
    );
    for (x, y) in a.iter().zip(&b) {
        if x == y {
            continue;
        }
        let p = x.bytes().zip(y.bytes()).take_while(|(c, d)| c == d).count();
        let s = x
            .bytes()
            .rev()
            .zip(y.bytes().rev())
            .take_while(|(c, d)| c == d)
            .count()
            .min(x.len() - p)
            .min(y.len() - p);
        // back to the start of the scalar
        let mut start = p;
        while start > 0 && !matches!(x.as_bytes()[start - 1], b' ' | b'{' | b',') {
            start -= 1;
        }
        let head = &x[..start];
        assert!(
            FIXED_KEYS.iter().any(|k| head.ends_with(&format!("{k}: "))),
            "a change outside a fixed scalar:\n  {x}\n  {y}"
        );
        for v in [&x[start..x.len() - s], &y[start..y.len() - s]] {
            assert!(
                !v.is_empty() && !v.contains([' ', ',', '}', ':', '#']),
                "not one scalar: {v:?} in\n  {x}\n  {y}"
            );
        }
    }
}

/// Property (SPEC §3.1): on generated declarations, after `--fix
/// --unsafe-fixes` a new check reports none of the findings that had a fix,
/// and every byte but the fixed scalars is unchanged.
#[test]
fn after_fix_no_fixed_finding_remains_and_other_bytes_are_kept() {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    let (mut tried, mut changed) = (0, 0);
    for round in 0..12 {
        let d = chengde();
        let names: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        for n in &names {
            let p = d.path().join(n);
            let mut t = std::fs::read_to_string(&p).unwrap();
            if n == "summary.yaml" {
                if g.below(2) == 0 {
                    t = set_value(
                        &t,
                        "total",
                        0,
                        &format!("{}.{:02}", 700 + g.below(90), g.below(100)),
                    );
                }
                if g.below(2) == 0 {
                    t = set_value(
                        &t,
                        "executed",
                        0,
                        &format!("{}.{:02}", 200 + g.below(90), g.below(100)),
                    );
                }
                if g.below(2) == 0 {
                    t = set_value(
                        &t,
                        "execution_rate",
                        0,
                        &format!("{}.{}%", 20 + g.below(50), g.below(10)),
                    );
                }
                if g.below(3) == 0 {
                    t = set_value(&t, "project_count", 0, &(8 + g.below(5)).to_string());
                }
            } else {
                if g.below(2) == 0 {
                    t = set_value(
                        &t,
                        "execution_rate",
                        0,
                        &format!("{}.{}%", g.below(100), g.below(10)),
                    );
                }
                if g.below(3) == 0 {
                    // the budget's score: the first `score:` of the file
                    t = set_value(
                        &t,
                        "score",
                        0,
                        &format!("{}.{:02}", g.below(10), g.below(100)),
                    );
                }
                if g.below(3) == 0 {
                    let nth = 1 + g.below(4) as usize;
                    t = set_value(&t, "score", nth, &format!("{}", 1 + g.below(9)));
                }
                if g.below(3) == 0 {
                    t = set_value(
                        &t,
                        "grade",
                        0,
                        ["优", "良", "中", "差"][g.below(4) as usize],
                    );
                }
            }
            std::fs::write(&p, t).unwrap();
        }
        let before: Vec<(String, String)> = names
            .iter()
            .map(|n| {
                (
                    n.clone(),
                    std::fs::read_to_string(d.path().join(n)).unwrap(),
                )
            })
            .collect();
        let (_, out, _) = run_in(d.path(), &["check", "--format", "json"]);
        let fixable: Vec<(String, String, String)> = json(out.as_bytes())
            .iter()
            .filter(|i| !i["fix"].is_null())
            .map(|i| {
                (
                    i["code"].as_str().unwrap().to_owned(),
                    i["file"].as_str().unwrap().to_owned(),
                    i["path"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let (code, out, err) = run_in(d.path(), &["check", "--fix", "--unsafe-fixes", "-q"]);
        assert!(code < 2, "round {round}: {out}{err}");
        let (_, out, _) = run_in(d.path(), &["check", "--format", "json"]);
        let after = json(out.as_bytes());
        for (c, f, p) in &fixable {
            assert!(
                !after
                    .iter()
                    .any(|i| i["code"] == **c && i["file"] == **f && i["path"] == **p),
                "round {round}: {c} {f} {p} still reported after --fix: {after:#?}"
            );
        }
        assert!(
            after.iter().all(|i| i["fix"].is_null()),
            "round {round}: a fixable finding is left: {after:#?}"
        );
        tried += fixable.len();
        for (n, old) in &before {
            let new = std::fs::read_to_string(d.path().join(n)).unwrap();
            only_scalars_changed(old, &new);
            changed += usize::from(*old != new);
        }
    }
    // the generator does produce fixable findings, and --fix changes files
    assert!(
        tried > 20 && changed > 10,
        "{tried} fixable, {changed} files changed"
    );
}

#[test]
fn stdin_is_checked_under_its_stdin_filename() {
    let d = chengde();
    let summary = std::fs::read(d.path().join("summary.yaml")).unwrap();
    // named as the summary in its folder: it sees the projects on disk
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .args([
            "check",
            "-",
            "--stdin-filename",
            "summary.yaml",
            "--format",
            "json",
        ])
        .stdin(summary.clone())
        .assert()
        .code(1)
        .get_output()
        .clone();
    let items = json(&out.stdout);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["code"], "JX503");
    assert_eq!(items[0]["file"], "summary.yaml");
    assert_eq!(items[0]["line"], 17);
    // without a name: `-`, and no folder to relate to
    let out = jixiao()
        .args(["check", "-", "--format", "json"])
        .stdin(std::fs::read("examples/target-clean.yaml").unwrap())
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_eq!(json(&out.stdout).len(), 0);
    // --fix on stdin writes the fixed text to stdout, the report to stderr
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .args(["check", "-", "--stdin-filename", "summary.yaml", "--fix"])
        .stdin(summary.clone())
        .output()
        .unwrap();
    let fixed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        fixed,
        String::from_utf8(summary)
            .unwrap()
            .replace("executed: 260.15", "executed: 260.16")
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("已修复 1 处"));
    // nothing to fix: the text comes back unchanged
    let clean = std::fs::read("examples/target-clean.yaml").unwrap();
    let out = jixiao()
        .args(["check", "-", "--fix"])
        .stdin(clean.clone())
        .output()
        .unwrap();
    assert_eq!(out.stdout, clean);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn select_and_ignore_take_codes_and_prefixes() {
    let codes = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["check", "examples/chengde-2022", "--format", "json"];
        a.extend(args);
        let out = jixiao().args(&a).output().unwrap();
        json(&out.stdout)
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(&["--select", "JX5"]), ["JX503"]);
    assert_eq!(codes(&["--select", "jx503,JX304"]).len(), 6);
    assert_eq!(codes(&["--ignore", "JX304"]), ["JX503"]);
    assert!(codes(&["--select", "JX3", "--ignore", "JX304"]).is_empty());
    // the more specific entry wins
    assert_eq!(codes(&["--select", "JX304", "--ignore", "JX3"]).len(), 5);
    jixiao()
        .args(["check", "examples/chengde-2022", "--select", "XY"])
        .assert()
        .code(2)
        .stderr_eq("错误：没有编号为 XY 或以它开头的规则\n");
    jixiao()
        .args(["check", "examples/chengde-2022", "--ignore", "JX3O4"])
        .assert()
        .code(2)
        .stderr_eq("错误：没有编号为 JX3O4 或以它开头的规则（是不是 JX304？）\n");
}

#[test]
fn select_and_ignore_in_the_config_and_syntax_errors_always_show() {
    let d = chengde();
    write(d.path(), ".jixiao.yaml", "select: [JX3]\nignore: JX304\n");
    let (code, out, err) = run_in(d.path(), &["check", "--format", "json"]);
    assert_eq!((code, out.as_str()), (0, "[]\n"), "{err}");
    // the command line's --select replaces the config's, its --ignore adds
    let (code, out, _) = run_in(d.path(), &["check", "--format", "json", "--select", "JX5"]);
    assert_eq!(code, 1);
    assert_eq!(json(out.as_bytes()).len(), 1);
    write(d.path(), "broken.yaml", "kind: target\nyear: [2022\n");
    let (code, out, _) = run_in(d.path(), &["check", "--format", "json"]);
    assert_eq!(
        code, 1,
        "a file that is not YAML is reported whatever is selected"
    );
    assert_eq!(json(out.as_bytes())[0]["code"], "JX001");
    write(d.path(), ".jixiao.yaml", "select: [JX9]\n");
    let (code, _, err) = run_in(d.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("JX9"), "{err}");
}

#[test]
fn statistics_count_per_rule() {
    let (code, out, _) = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "examples/chengde-2022", "--statistics"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "5  JX304  [ ] 预算执行率偏低\n1  JX503  [*] 汇总执行数与各项目合计一致\n\
         1 个错误，5 个警告，共 11 个文件（1 error, 5 warnings in 11 files）\n"
    );
    let (_, out, _) = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "check",
            "examples/chengde-2022",
            "--statistics",
            "--format",
            "json",
            "-q",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["code"], "JX304");
    assert_eq!(v[0]["count"], 5);
    assert_eq!(v[1]["fixable"], 1);
}

#[test]
fn quiet_prints_findings_only() {
    let (code, out, _) = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "examples/chengde-2022", "-q"],
    );
    assert_eq!(code, 1);
    assert!(out.contains("JX503"));
    assert!(!out.contains("个错误") && !out.contains("[*] 1"), "{out}");
    let (code, out, err) = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "examples/target-clean.yaml", "--quiet"],
    );
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn output_file_is_written_unless_the_run_fails() {
    let d = chengde();
    let (code, out, _) = run_in(
        d.path(),
        &["check", "-o", "report.json", "--format", "json"],
    );
    assert_eq!((code, out.as_str()), (1, ""));
    let items = json(&std::fs::read(d.path().join("report.json")).unwrap());
    assert_eq!(items.len(), 6);
    // a missing path: exit 2 and no report written
    let (code, _, err) = run_in(
        d.path(),
        &["check", ".", "nope.yaml", "--output-file", "r2.json"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(!d.path().join("r2.json").exists());
    // never over an input
    let (code, _, err) = run_in(d.path(), &["check", "-o", "summary.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("summary.yaml"), "{err}");
}

#[test]
fn color_follows_the_flag_then_no_color_then_force_color() {
    let run = |args: &[&str], env: &[(&str, &str)]| -> String {
        let mut c = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .args(["check", "examples/chengde-2022/summary.yaml"])
            .args(args);
        for (k, v) in env {
            c = c.env(k, v);
        }
        String::from_utf8(c.output().unwrap().stdout).unwrap()
    };
    let esc = |s: &str| s.contains('\u{1b}');
    assert!(!esc(&run(&[], &[])), "not a terminal: no colour");
    assert!(esc(&run(&["--color", "always"], &[])));
    assert!(esc(&run(&["--color", "always"], &[("NO_COLOR", "1")])));
    assert!(esc(&run(&[], &[("FORCE_COLOR", "1")])));
    assert!(!esc(&run(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")])));
    assert!(!esc(&run(&["--color", "never"], &[("FORCE_COLOR", "1")])));
}

#[test]
fn exit_zero_keeps_usage_errors() {
    jixiao()
        .args(["check", "examples/chengde-2022", "--exit-zero", "-q"])
        .assert()
        .code(0);
    jixiao()
        .args(["check", "missing-folder", "--exit-zero"])
        .assert()
        .code(2);
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = jixiao()
            .args(["completions", shell])
            .assert()
            .code(0)
            .get_output()
            .clone();
        let s = String::from_utf8(out.stdout).unwrap();
        assert!(
            s.contains("select")
                && s.contains("stdin-filename")
                && (shell == "bash" || s.contains("只用这些规则")),
            "{shell}: {s}"
        );
    }
    jixiao()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr_eq(
            "错误：参数 <SHELL> 的值“tcsh”无效，可选：bash、elvish、fish、powershell、zsh\n\n\
             更多信息请运行“jixiao completions --help”。\n",
        );
}

#[test]
fn help_and_usage_errors_follow_the_language() {
    let out = jixiao().arg("--help").assert().code(0).get_output().clone();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.starts_with("绩效目标与绩效自评的规则引擎和检查工具\n\n用法：jixiao <COMMAND>"),
        "{s}"
    );
    assert!(s.contains("显示帮助") && !s.contains("Print help"), "{s}");
    let out = jixiao()
        .args(["check", "-h"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("--select <CODE,...>") && s.contains("只用这些规则"),
        "{s}"
    );
    assert!(
        !s.contains("[possible values") && s.contains("可选：auto、always、never"),
        "{s}"
    );
    let out = jixiao()
        .args(["check", "--help", "--lang", "en"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("Only these rules") && s.contains("Usage: jixiao check"),
        "{s}"
    );
    let out = jixiao()
        .args(["check", "--colr"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("错误：未知的参数“--colr”（是不是 --color？）\n\n用法：jixiao check "),
        "{err}"
    );
    assert!(
        err.ends_with("\n\n更多信息请运行“jixiao check --help”。\n"),
        "{err}"
    );
    jixiao()
        .args(["chek"])
        .assert()
        .code(2)
        .stderr_eq("错误：未知的子命令“chek”（是不是 check？）\n\n用法：jixiao <COMMAND>\n\n更多信息请运行“jixiao --help”。\n");
    let out = jixiao()
        .args(["check", "--colr", "--lang", "en"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: unexpected argument '--colr'"));
    // the config's `lang: en` too; `cn` is accepted in both places
    let d = tempfile::tempdir().unwrap();
    write(d.path(), ".jixiao.yaml", "lang: en\n");
    let (code, _, err) = run_in(d.path(), &["check", "--colr"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: unexpected argument"), "{err}");
    let (code, out, _) = run_in(d.path(), &["check", "--lang", "cn", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("用法："), "{out}");
}

#[test]
fn jixiao_test_runs_the_projects_cases_and_reports_failures() {
    let out = jixiao()
        .args(["test", "tests/cases"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.ends_with("个通过，0 个失败\n"), "{s}");
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "ok.yaml",
        &("note: the clean target is silent\ndocument: |\n".to_owned()
            + &CLEAN
                .lines()
                .map(|l| format!("  {l}\n"))
                .collect::<String>()
            + "want: []\n"),
    );
    write(
        d.path(),
        "bad.yaml",
        &("note: wants a finding that is not there\nfiles:\n  t.yaml: |\n".to_owned()
            + &CLEAN
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
            + "expect: [JX101@3]\n"),
    );
    // One line per case by default, ✓ or ✗ (SPEC §3.1).
    let (code, out, _) = run_in(d.path(), &["test", "."]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "✗ ./bad.yaml: wants a finding that is not there\n  想要而没有：\n    JX101@3\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("✓ ./ok.yaml: the clean target is silent\n"),
        "{out}"
    );
    assert!(out.ends_with("2 个用例：1 个通过，1 个失败\n"), "{out}");
    let (code, out, _) = run_in(d.path(), &["test", "ok.yaml"]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "✓ ok.yaml: the clean target is silent\n1 个用例：1 个通过，0 个失败\n"
        )
    );
    // -q: the failures only; -v is still accepted.
    let (code, out, _) = run_in(d.path(), &["test", ".", "-q"]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("✓"), "{out}");
    assert!(out.starts_with("✗ ./bad.yaml"), "{out}");
    let (code, out, _) = run_in(d.path(), &["test", "ok.yaml", "-q"]);
    assert_eq!((code, out.as_str()), (0, "1 个用例：1 个通过，0 个失败\n"));
    let (code, out, _) = run_in(d.path(), &["test", "ok.yaml", "-v"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("✓ ok.yaml"), "{out}");
    std::fs::create_dir(d.path().join("empty")).unwrap();
    let (code, out, err) = run_in(d.path(), &["test", "empty", "--lang", "en"]);
    assert_eq!((code, out.as_str()), (0, "0 cases: 0 passed, 0 failed\n"));
    assert!(err.contains("no case files"), "{err}");
    let (code, _, err) = run_in(d.path(), &["test", "nope"]);
    assert_eq!(
        (code, err.as_str()),
        (2, "错误：无法读取用例 nope：不存在\n")
    );
}

#[test]
fn jixiao_test_refuses_a_case_that_could_not_fail() {
    // Each of these passed before, whatever the rules did: a misspelt key was
    // ignored (so the case wanted silence, or matched any message or line), and
    // an `only` code no rule has compared nothing. Now each is an unusable case
    // (exit 2) saying what is wrong, in the run's language.
    let d = tempfile::tempdir().unwrap();
    let clean_files = "files:\n  t.yaml: |\n".to_owned()
        + &CLEAN
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>();
    let cases = [
        (
            "typo-want.yaml",
            "wants: [JX101]\n",
            "用例文件中没有“wants”这一项（是不是“want”？",
            "unknown key `wants` in a case file; did you mean `want`?",
        ),
        (
            "typo-message.yaml",
            "want: [{code: JX101, mesage: 只有}]\n",
            "`want` 项中没有“mesage”这一项（是不是“message”？",
            "unknown key `mesage` in a `want` entry; did you mean `message`?",
        ),
        (
            "bad-line.yaml",
            "want: [{code: JX101, line: abc}]\n",
            "`line` 须为从 1 起的整数，而不是“abc”",
            "`line` must be a whole number from 1, not \"abc\"",
        ),
        (
            "bad-severity.yaml",
            "want: [{code: JX101, severity: fatal}]\n",
            "`severity` 是 error、warning 或 info，而不是“fatal”",
            "`severity` is error, warning or info, not \"fatal\"",
        ),
        (
            "bad-only.yaml",
            "only: [JX1O1]\nwant: []\n",
            "`only` 中的 JX1O1 不是本用例任何规则的编号",
            "`only` names JX1O1, which is the code of no rule of this case",
        ),
    ];
    for (name, tail, _, _) in &cases {
        write(
            d.path(),
            name,
            &format!("note: {name}\n{clean_files}{tail}"),
        );
    }
    for (lang, pick) in [("zh", 0), ("en", 1)] {
        let (code, out, _) = run_in(d.path(), &["test", ".", "--lang", lang]);
        assert_eq!(code, 2, "{out}");
        for c in &cases {
            let want = if pick == 0 { c.2 } else { c.3 };
            assert!(
                out.contains(&format!("✗ ./{}: {want}", c.0)),
                "{}: {want}\n{out}",
                c.0
            );
        }
    }
    // The same case with the keys spelt right runs, and fails on its merits.
    write(
        d.path(),
        "typo-want.yaml",
        &format!("note: n\n{clean_files}want: [{{code: JX101, line: 3, severity: error}}]\n"),
    );
    let (code, out, _) = run_in(d.path(), &["test", "typo-want.yaml", "--lang", "en"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("wanted, not found:\n    JX101@3"), "{out}");
}

#[test]
fn the_configs_selection_holds_in_the_pack_and_in_test_cases() {
    // `ignore:` in .jixiao.yaml silenced JX304 in `check` but not in the
    // review pack, nor in a rule test case's `config:`.
    let d = tempfile::tempdir().unwrap();
    let seed = include_str!("../examples/chengde-2022/01-jujia-yanglao.yaml");
    write(d.path(), "01.yaml", seed);
    let (code, _, err) = run_in(
        d.path(),
        &["report", "01.yaml", "--format", "md", "-o", "a.md"],
    );
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read_to_string(d.path().join("a.md")).unwrap();
    assert!(before.contains("JX304"), "{before}");
    write(d.path(), ".jixiao.yaml", "ignore: [JX304]\n");
    let (code, out, _) = run_in(d.path(), &["check", "01.yaml"]);
    assert_eq!(code, 0);
    assert!(!out.contains("JX304"), "{out}");
    let (code, _, err) = run_in(
        d.path(),
        &["report", "01.yaml", "--format", "md", "-o", "b.md"],
    );
    assert_eq!(code, 0, "{err}");
    let after = std::fs::read_to_string(d.path().join("b.md")).unwrap();
    assert!(!after.contains("JX304"), "{after}");
    std::fs::remove_file(d.path().join(".jixiao.yaml")).unwrap();

    let doc: String = seed.lines().map(|l| format!("  {l}\n")).collect();
    write(
        d.path(),
        "case.yaml",
        &format!(
            "note: ignored in the config\nconfig: {{ ignore: [JX304] }}\ndocument: |\n{doc}want: []\n"
        ),
    );
    let (code, out, _) = run_in(d.path(), &["test", "case.yaml", "--lang", "en", "-q"]);
    assert_eq!((code, out.as_str()), (0, "1 cases: 1 passed, 0 failed\n"));
}

#[test]
fn a_file_reached_twice_is_checked_once() {
    // `a.yaml ./a.yaml`, `. a.yaml` and `. sub` named the same file twice:
    // its findings were reported twice and the file counted twice.
    let d = chengde();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::fs::rename(
        d.path().join("02-wenming-chengshi.yaml"),
        d.path().join("sub/02-wenming-chengshi.yaml"),
    )
    .unwrap();
    let json = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--no-config", "--format", "json"];
        all.extend_from_slice(args);
        let (_, out, _) = run_in(d.path(), &all);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let mut keys: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["code"], f["line"]))
            .collect();
        keys.sort();
        keys
    };
    let once = json(&["."]);
    assert_eq!(once.len(), 6, "{once:?}");
    for args in [
        &[".", "."][..],
        &[".", "01-jujia-yanglao.yaml"],
        &[".", "sub"],
        &["sub", "."],
        &[".", "./sub/02-wenming-chengshi.yaml", "summary.yaml"],
    ] {
        assert_eq!(json(args), once, "{args:?}");
        let mut all = vec!["check", "--no-config", "--lang", "en"];
        all.extend_from_slice(args);
        let (_, out, _) = run_in(d.path(), &all);
        assert!(out.contains(" in 11 files"), "{args:?}: {out}");
    }
    let (_, out, _) = run_in(
        d.path(),
        &[
            "check",
            "--no-config",
            "--lang",
            "en",
            "summary.yaml",
            "./summary.yaml",
            "--fix",
        ],
    );
    assert!(out.contains("0 errors, 0 warnings in 1 file"), "{out}");
    // Named explicitly anywhere, a file that is not a declaration is an error,
    // whichever comes first.
    write(d.path(), "ci.yaml", "on: push\n");
    for args in [&[".", "ci.yaml"][..], &["ci.yaml", "."]] {
        let mut all = vec!["check", "--no-config", "--lang", "en"];
        all.extend_from_slice(args);
        let (code, out, _) = run_in(d.path(), &all);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(out.matches("JX008").count(), 1, "{args:?}: {out}");
    }
}

#[test]
fn a_stray_comma_in_select_or_ignore_names_no_rule() {
    // `--ignore ,` silenced every finding (exit 0) and `--select JX50,`
    // selected every rule: the blank entry matched every code as a prefix.
    let d = chengde();
    let tail = |args: &[&str]| -> (i32, String) {
        let mut all = vec!["check", "--no-config", "--lang", "en"];
        all.extend_from_slice(args);
        let (code, out, _) = run_in(d.path(), &all);
        let line = out
            .lines()
            .find(|l| l.contains(" in 11 files"))
            .unwrap_or_default()
            .to_owned();
        (code, line)
    };
    let all = (1, "1 error, 5 warnings in 11 files".to_owned());
    assert_eq!(tail(&[]), all);
    assert_eq!(tail(&["--ignore", ","]), all);
    assert_eq!(
        tail(&["--ignore=JX304,"]),
        (1, "1 error, 0 warnings in 11 files".into())
    );
    assert_eq!(
        tail(&["--select=JX50,"]),
        (1, "1 error, 0 warnings in 11 files".into())
    );
    assert_eq!(
        tail(&["--select=,JX3"]),
        (0, "0 errors, 5 warnings in 11 files".into())
    );
    assert_eq!(tail(&["--select="]), all);
}

#[test]
fn report_on_a_folder_without_declarations_warns() {
    // `check` warned on an empty or wrong folder; `report` wrote an empty
    // pack without a word.
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "ci.yaml", "on: push\n");
    let (code, _, err) = run_in(d.path(), &["report", ".", "--format", "md", "-o", "r.md"]);
    assert_eq!(code, 0);
    assert!(err.contains("没有找到申报文件"), "{err}");
    assert!(d.path().join("r.md").exists());
    write(d.path(), "t.yaml", CLEAN);
    let (code, _, err) = run_in(d.path(), &["report", ".", "--format", "md", "-o", "r.md"]);
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn import_export_and_test_speak_the_configs_language() {
    // `lang: en` in .jixiao.yaml held for check, report and usage errors,
    // but import, export and test spoke Chinese.
    let d = tempfile::tempdir().unwrap();
    write(d.path(), ".jixiao.yaml", "lang: en\n");
    write(d.path(), "t.yaml", CLEAN);
    let cases = [
        (
            &["test", "nope"][..],
            "error: cannot read the cases at nope",
        ),
        (
            &["import", "nope.xlsx"],
            "error: nope.xlsx: cannot read the file",
        ),
        (
            &["export", "nope.yaml", "-o", "x.xlsx"],
            "error: nope.yaml: cannot read the file",
        ),
        (&["import", "t.yaml"], "not an .xlsx"),
    ];
    for (args, want) in cases {
        let (code, _, err) = run_in(d.path(), args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.contains(want), "{args:?}: {err}");
        // --lang still wins.
        let mut zh = args.to_vec();
        zh.extend(["--lang", "zh"]);
        let (_, _, err) = run_in(d.path(), &zh);
        assert!(
            err.starts_with("错误") || err.contains("不是"),
            "{zh:?}: {err}"
        );
    }
}

#[test]
fn a_rules_folder_takes_rules_in_any_case_and_skips_folders() {
    // `--rules r/` read `a.rules` but not `B.RULES` (folders of declarations
    // match `.YAML`), and a folder `old.rules` inside it stopped the run.
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "t.yaml", CLEAN);
    write(
        d.path(),
        "r/a.rules",
        "rule C1 \"t\" { assert year > 3000\n message \"one\" }\n",
    );
    write(
        d.path(),
        "r/B.RULES",
        "rule C2 \"t\" { assert year > 3000\n message \"two\" }\n",
    );
    std::fs::create_dir_all(d.path().join("r/old.rules")).unwrap();
    let (code, out, err) = run_in(
        d.path(),
        &[
            "check",
            "--no-config",
            "--lang",
            "en",
            "t.yaml",
            "--rules",
            "r",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("C1 one") && out.contains("C2 two"), "{out}");
    assert!(out.contains("2 errors, 0 warnings in 1 file"), "{out}");
}

#[test]
fn the_review_pack_workbook_is_not_written_to_a_terminal() {
    // `report --format xlsx` without -o poured a zip into the terminal.
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "t.yaml", CLEAN);
    // Piped, the bytes go out as asked.
    let o = jixiao()
        .current_dir(d.path())
        .args(["report", "t.yaml", "--format", "xlsx"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.starts_with(b"PK"), "a workbook");
    // On a terminal (util-linux `script` gives one), they do not.
    let has_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("skipped the terminal half: no `script`");
        return;
    }
    let cmd = format!(
        "{} report t.yaml --format xlsx --lang en",
        env!("CARGO_BIN_EXE_jixiao")
    );
    let o = std::process::Command::new("script")
        .current_dir(d.path())
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{shown}");
    assert!(shown.contains("give -o FILE.xlsx"), "{shown}");
    assert!(!shown.contains("PK\u{3}\u{4}"), "{shown}");
}

#[test]
fn an_empty_folder_warns_and_fails_under_strict() {
    let d = tempfile::tempdir().unwrap();
    let (code, _, err) = run_in(d.path(), &["check"]);
    assert_eq!(code, 0);
    assert!(err.contains("没有找到申报文件"), "{err}");
    let (code, _, _) = run_in(d.path(), &["check", "--strict"]);
    assert_eq!(code, 2);
}

#[test]
fn write_baseline_exits_0_and_says_how_many() {
    let d = chengde();
    let (code, out, _) = run_in(d.path(), &["check", "--write-baseline", "b.json"]);
    assert_eq!((code, out.as_str()), (0, "已记录 6 条到基线 b.json\n"));
    let (code, out, _) = run_in(d.path(), &["check", "--baseline", "b.json"]);
    assert_eq!(code, 0);
    // worded apart from waivers (豁免)
    assert!(
        out.contains("0 个错误，0 个警告，6 条在基线中，共 11 个文件"),
        "{out}"
    );
}

#[test]
fn show_files_and_show_settings() {
    let d = chengde();
    write(
        d.path(),
        ".jixiao.yaml",
        "exclude: [\"0*.yaml\"]\nignore: [JX304]\n",
    );
    let (code, out, _) = run_in(d.path(), &["check", "--show-files"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "10-laowu-paiqian.yaml\nsummary.yaml\n")
    );
    let (code, out, _) = run_in(d.path(), &["check", "--show-settings", "--select", "JX5"]);
    assert_eq!(code, 0);
    assert!(out.contains(".jixiao.yaml"), "{out}");
    assert!(out.contains("选用规则     JX5\n"), "{out}");
    assert!(out.contains("忽略规则     JX304\n"), "{out}");
    assert!(out.contains("排除         0*.yaml\n"), "{out}");
}

#[test]
fn near_miss_declarations_are_reported_in_folders() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "a.yaml",
        &CLEAN.replace("\nkind: target\n", "\nKind: target\n"),
    );
    write(
        d.path(),
        "b.yaml",
        &CLEAN.replace("\nkind: target\n", "\n类型: 目标\n"),
    );
    write(
        d.path(),
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
    );
    for args in [
        vec!["check", "--format", "json", "--select", "JX008"],
        vec![
            "check",
            "--format",
            "json",
            "--select",
            "JX008",
            "--skip-non-declarations",
            "a.yaml",
            "b.yaml",
            "deploy.yaml",
        ],
    ] {
        let (code, out, _) = run_in(d.path(), &args);
        assert_eq!(code, 1, "{out}");
        let items = json(out.as_bytes());
        let got: Vec<(&str, &str)> = items
            .iter()
            .map(|i| {
                (
                    i["file"].as_str().unwrap(),
                    i["help"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "a.yaml",
                    "是不是 kind？（“Kind”不是 kind：键名须为小写的 kind）"
                ),
                ("b.yaml", "是不是“target”？"),
            ],
            "{args:?}"
        );
    }
}

#[test]
fn explain_takes_lower_case_codes_and_rules_lists_those_turned_off() {
    let out = jixiao()
        .args(["explain", "jx304"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("JX304 预算执行率偏低"));
    jixiao().args(["explain", "jx3o4"]).assert().code(2);
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        ".jixiao.yaml",
        "severity:\n  JX212: off\n  JX304: error\n",
    );
    let (code, out, _) = run_in(d.path(), &["rules"]);
    assert_eq!(code, 0);
    assert!(out.contains("\nJX212  off "), "{out}");
    assert!(out.contains("\nJX304  error "), "{out}");
}

#[test]
fn github_titles_carry_the_rule_title_and_the_message_the_help() {
    let out = jixiao()
        .args(["check", "examples/chengde-2022", "--format", "github"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    let first = s.lines().next().unwrap();
    assert!(
        first.contains(",title=JX304 预算执行率偏低::预算执行率 19.73%25"),
        "{first}"
    );
    assert!(
        first.ends_with(
            "%0A说明资金未支出的原因和整改措施；确有正当理由的，可在 waivers 中写明并经批准。"
        ),
        "{first}"
    );
}

#[test]
fn missing_input_files_are_named_in_chinese_and_no_output_is_written() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "t.yaml", CLEAN);
    let cases: [(&[&str], &str); 3] = [
        (
            &["--rules", "nope.rules"],
            "错误：无法读取规则文件 nope.rules：不存在\n规则文件有 1 个错误",
        ),
        (
            &["--config", "nope.yaml"],
            "错误：无法读取配置文件 nope.yaml：不存在\n配置文件有 1 个错误",
        ),
        (
            &["--baseline", "nope.json"],
            "错误：无法读取基线文件 nope.json：不存在",
        ),
    ];
    for (flags, want) in cases {
        let mut args = vec!["check", "t.yaml", "-o", "out.txt"];
        args.extend(flags);
        let (code, _, err) = run_in(d.path(), &args);
        assert_eq!(code, 2, "{flags:?}");
        assert!(err.starts_with(want), "{flags:?}: {err}");
        assert!(!d.path().join("out.txt").exists(), "{flags:?}");
    }
    let (_, _, err) = run_in(
        d.path(),
        &["check", "t.yaml", "--rules", "nope.rules", "--lang", "en"],
    );
    assert!(
        err.starts_with("error: cannot read the rule file nope.rules: "),
        "{err}"
    );
    // a report of a run with a missing path is not written
    let (code, _, _) = run_in(d.path(), &["report", "t.yaml", "nope", "-o", "pack.html"]);
    assert_eq!(code, 2);
    assert!(!d.path().join("pack.html").exists());
    let (code, _, err) = run_in(d.path(), &["report", "t.yaml", "-o", "no/dir/pack.html"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/dir/pack.html"), "{err}");
}

#[test]
fn a_changed_project_brings_in_its_folders_summary_in_pre_commit_runs() {
    let d = chengde();
    let p = d.path().join("08-aixiao-jiangli.yaml");
    let t = std::fs::read_to_string(&p).unwrap();
    let t = t
        .replace("\n  total: 10\n", "\n  total: 12\n")
        .replace("\n    general_public: 10\n", "\n    general_public: 12\n")
        .replace("\n  executed: 10\n", "\n  executed: 12\n");
    std::fs::write(&p, t).unwrap();
    // what the hook runs (from a folder above) when only that file is committed
    let top = d.path().parent().unwrap();
    let name = d.path().file_name().unwrap().to_string_lossy().into_owned();
    let rel = format!("{name}/08-aixiao-jiangli.yaml");
    let (code, out, _) = run_in(
        top,
        &[
            "check",
            "--force-exclude",
            "--skip-non-declarations",
            "--no-config",
            "--format",
            "json",
            &rel,
        ],
    );
    assert_eq!(code, 1, "{out}");
    let items = json(out.as_bytes());
    let got: Vec<(&str, &str)> = items
        .iter()
        .map(|i| (i["code"].as_str().unwrap(), i["file"].as_str().unwrap()))
        .collect();
    let summary = format!("{name}/summary.yaml");
    assert_eq!(
        got,
        [("JX502", summary.as_str()), ("JX503", summary.as_str())]
    );
    // a plain run of the file checks that file only
    let (code, _, _) = run_in(d.path(), &["check", "08-aixiao-jiangli.yaml"]);
    assert_eq!(code, 0);
}

#[test]
fn rule_files_named_on_the_command_line_are_compiled() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "bad.rules",
        "rule X1 \"t\" {\n  assert count(indicators.*.*.*) > 0 &&\n}\n",
    );
    write(
        d.path(),
        "good.rules",
        "rule XY1 \"t\" {\n  assert count(indicators.*.*.*) > 0\n}\n",
    );
    write(d.path(), "t.yaml", CLEAN);
    let (code, _, err) = run_in(d.path(), &["check", "--skip-non-declarations", "bad.rules"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("bad.rules:2:38") && err.contains("逻辑与请用 and"),
        "{err}"
    );
    // only rule files named: nothing else is checked, no "no declarations" warning
    let (code, out, err) = run_in(
        d.path(),
        &["check", "--skip-non-declarations", "good.rules"],
    );
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(out.contains("共 0 个文件"), "{out}");
    // beside declarations, the rule applies to them
    let (code, _, _) = run_in(
        d.path(),
        &["check", "good.rules", "t.yaml", "--select", "XY1"],
    );
    assert_eq!(code, 0);
}

/// The official SARIF 2.1.0 schema, as tests/formats.rs reads it.
fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    let text = text.replace("[a-zA-Z]{2}]?$", "[a-zA-Z]{2}\\\\]?$");
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

#[test]
fn a_bad_config_still_gives_a_sarif_log_and_a_github_annotation() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "t.yaml", CLEAN);
    write(d.path(), ".jixiao.yaml", "profile: legacy\nseverty: x\n");
    let (code, out, err) = run_in(d.path(), &["check", "--format", "sarif"]);
    assert_eq!(code, 2);
    assert!(err.contains("未知的配置项“severty”"), "{err}");
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&log)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let n = &inv["toolConfigurationNotifications"][0];
    assert_eq!(n["message"]["text"], "未知的配置项“severty”");
    let loc = &n["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], ".jixiao.yaml");
    assert_eq!(loc["region"]["startLine"], 2);
    let (code, out, _) = run_in(d.path(), &["check", "--format", "github"]);
    assert_eq!(code, 2);
    assert_eq!(
        out,
        "::error file=.jixiao.yaml,line=2,col=1,title=config::未知的配置项“severty”\n"
    );
    // a broken rule file too
    std::fs::remove_file(d.path().join(".jixiao.yaml")).unwrap();
    write(d.path(), "x.rules", "rule X1 \"t\" {\n  assert 1 = 1\n}\n");
    let (code, out, _) = run_in(
        d.path(),
        &["check", "--rules", "x.rules", "--format", "github"],
    );
    assert_eq!(code, 2);
    assert!(out.starts_with("::error file=x.rules,line=2,"), "{out}");
}

#[test]
fn exclude_matches_a_folder_at_any_depth_however_jixiao_is_run() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "declarations/a.yaml", CLEAN);
    write(d.path(), "declarations/sub/drafts/x.yaml", CLEAN);
    write(d.path(), "drafts/y.yaml", CLEAN);
    write(d.path(), "target/T.YAML", CLEAN);
    write(d.path(), ".jixiao.yaml", "exclude: [drafts/]\n");
    let (code, out, _) = run_in(d.path(), &["check", "--show-files"]);
    assert_eq!(code, 0);
    // folders named `target` are searched, extensions in any case
    assert_eq!(out, "declarations/a.yaml\ntarget/T.YAML\n");
    let (_, out, _) = run_in(&d.path().join("declarations"), &["check", "--show-files"]);
    assert_eq!(out, "a.yaml\n");
    let (_, out, _) = run_in(d.path(), &["check", "--show-files", "declarations"]);
    assert_eq!(out, "declarations/a.yaml\n");
}

#[test]
fn junit_can_give_warnings_as_skipped_testcases() {
    let run = |extra: &[&str]| -> String {
        let mut a = vec!["check", "examples/chengde-2022", "--format", "junit"];
        a.extend(extra);
        String::from_utf8(jixiao().args(&a).output().unwrap().stdout).unwrap()
    };
    let default = run(&[]);
    assert!(default.contains(r#"<testsuite name="jixiao" tests="11" failures="6" errors="0">"#));
    let xml = run(&["--junit-warnings", "skipped"]);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("failures"), Some("1"));
    assert_eq!(suite.attribute("skipped"), Some("5"));
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 11);
    let with = |tag: &str| {
        cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
            .count()
    };
    assert_eq!(
        (with("failure"), with("skipped"), with("system-out")),
        (1, 5, 5)
    );
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("JX503"));
}

#[test]
fn chinese_typing_in_yaml_is_reported_on_the_character() {
    let src = include_str!("../examples/chengde-2022/01-jujia-yanglao.yaml");
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "fw.yaml",
        &src.replace("\n  total: 150\n", "\n  total：150\n"),
    );
    write(
        d.path(),
        "sp.yaml",
        &src.replace("\n  total: 150\n", "\n  total:150\n"),
    );
    write(
        d.path(),
        "tab.yaml",
        &src.replace("\n  total: 150\n", "\n\ttotal: 150\n"),
    );
    let (_, out, _) = run_in(d.path(), &["check", "--format", "json", "."]);
    let got: Vec<(String, u64, u64, String)> = json(out.as_bytes())
        .iter()
        .filter(|i| i["code"] == "JX001")
        .map(|i| {
            (
                i["file"].as_str().unwrap().to_owned(),
                i["line"].as_u64().unwrap(),
                i["column"].as_u64().unwrap(),
                i["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "fw.yaml".to_owned(),
                16,
                8,
                "这里用了全角冒号“：”，请改成半角冒号加空格“: ”".to_owned()
            ),
            (
                "sp.yaml".to_owned(),
                16,
                8,
                "冒号后须有空格（写成“键: 值”）".to_owned()
            ),
            (
                "tab.yaml".to_owned(),
                16,
                1,
                "第 16 行用了制表符（Tab）缩进，YAML 只能用空格缩进".to_owned()
            ),
        ]
    );
}

#[test]
fn a_bare_number_for_a_percentage_param_is_read_as_percent_points_with_a_note() {
    let d = chengde();
    write(d.path(), ".jixiao.yaml", "params:\n  low_execution: 20\n");
    let (code, out, err) = run_in(d.path(), &["check", "--statistics"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "注意：参数 low_execution 写成 20，按 20% 读取（百分比请写 20%）\n"
    );
    // below 20 %: 01 (19.73 %), 02 (16.10 %), 03 (19.98 %)
    assert!(out.starts_with("3  JX304"), "{out}");
    let (_, _, err) = run_in(d.path(), &["check", "-q"]);
    assert_eq!(err, "", "--quiet has no notes");
    write(d.path(), ".jixiao.yaml", "params:\n  low_execution: 0.2\n");
    let (_, out, err) = run_in(d.path(), &["check", "--statistics"]);
    assert_eq!(err, "");
    assert!(out.starts_with("3  JX304"), "{out}");
    write(
        d.path(),
        ".jixiao.yaml",
        "params:\n  low_execution: \"20\"\n",
    );
    let (code, _, err) = run_in(d.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("应为百分比（默认 60%），这里是文字"), "{err}");
}

#[test]
fn workbook_findings_offer_no_fix() {
    let (_, out, _) = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "examples/chengde-2022-xlsx", "--format", "json"],
    );
    let items = json(out.as_bytes());
    assert!(items.iter().any(|i| i["code"] == "JX503"));
    assert!(items.iter().all(|i| i["fix"].is_null()), "{items:?}");
}

/// First contact, row 5: a `params` value of the wrong type is underlined
/// itself (the value), a param that does not exist its name.
#[test]
fn a_params_type_error_is_on_the_value_and_an_unknown_name_on_the_key() {
    let d = chengde();
    write(
        d.path(),
        ".jixiao.yaml",
        "params:\n  low_execution: \"70\"\n  min_levl3: 3\n  min_level3: 八\n",
    );
    let (code, out, _) = run_in(d.path(), &["check", "--format", "github"]);
    assert_eq!(code, 2);
    let places: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("::error file=.jixiao.yaml,"))
        .filter_map(|l| l.split(",title").next())
        .collect();
    assert_eq!(
        places,
        ["line=2,col=18", "line=3,col=3", "line=4,col=15"],
        "{out}"
    );
    let (_, _, err) = run_in(d.path(), &["check"]);
    assert!(
        err.contains(" 2 │   low_execution: \"70\"\n   ·                  ────\n"),
        "{err}"
    );
}

/// First contact, rows 1–3 and SPEC §3.1: full-width brackets, quotes and
/// commas where YAML wants its own are said in Chinese on the character;
/// the same punctuation in ordinary text is not blamed.
#[test]
fn full_width_brackets_quotes_and_commas_are_reported_on_the_character() {
    let src = include_str!("../examples/chengde-2022/01-jujia-yanglao.yaml");
    let flow = "- { name: 服务投诉办结率, target: ≥ 95%, actual: 100%, weight: 10, score: 10 }";
    let reason = "  underspend_reason: 由于财政资金紧张，资金未拨付到位";
    assert!(src.contains(flow) && src.contains(reason));
    let d = tempfile::tempdir().unwrap();
    let cases = [
        (
            "comma.yaml",
            src.replace(flow, &flow.replace("办结率, target", "办结率， target")),
        ),
        (
            "bracket.yaml",
            src.replace(flow, &flow.replace("{ ", "【").replace(" }", "】")),
        ),
        ("paren.yaml", src.replace(flow, &flow.replace(" }", " ）"))),
        (
            "quote.yaml",
            src.replace(reason, "  underspend_reason: “原因: 财政资金紧张”"),
        ),
        (
            "text.yaml",
            src.replace(reason, "  underspend_reason: （见附件）原因: 财政资金紧张"),
        ),
    ];
    for (name, text) in &cases {
        write(d.path(), name, text);
    }
    let (_, out, _) = run_in(d.path(), &["check", "--format", "json", "."]);
    let mut got: Vec<(String, u64, u64, String)> = json(out.as_bytes())
        .iter()
        .filter(|i| i["code"] == "JX001")
        .map(|i| {
            (
                i["file"].as_str().unwrap().to_owned(),
                i["line"].as_u64().unwrap(),
                i["column"].as_u64().unwrap(),
                i["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    let want = |f: &str, l, c, m: &str| (f.to_owned(), l, c, m.to_owned());
    assert_eq!(
        got,
        [
            want(
                "bracket.yaml",
                41,
                9,
                "这里用了全角方括号“【”：YAML 的映射写成半角 { 键: 值, … }，列表写成半角 [ 值, … ]"
            ),
            want(
                "comma.yaml",
                41,
                24,
                "花括号或方括号里的各项之间用了全角逗号“，”，请改成半角逗号加空格“, ”"
            ),
            want(
                "paren.yaml",
                41,
                77,
                "“{”后面用全角括号“）”收尾，“{”没有闭合：请改成半角“}”"
            ),
            want(
                "quote.yaml",
                21,
                22,
                "这里用了全角引号 “”，它不是 YAML 的引号，其中的冒号被当成了键的冒号：请改成半角双引号 \"…\""
            ),
            // The colon in the text broke it, not the brackets: the parser's own message.
            want(
                "text.yaml",
                21,
                29,
                "YAML 语法错误：此处不能出现映射（冒号）（mapping values are not allowed in this context）"
            ),
        ]
    );
    // The character is underlined in the human output, with the fix as help.
    let (_, out, _) = run_in(d.path(), &["check", "paren.yaml"]);
    assert!(
        out.contains("help: 中文输入法下输入的标点是全角的：切换到英文标点再输入"),
        "{out}"
    );
    let (_, out, _) = run_in(d.path(), &["check", "--lang", "en", "comma.yaml"]);
    assert!(
        out.contains("a full-width comma `，` between the entries of `{ … }` or `[ … ]`"),
        "{out}"
    );
}

/// A line that stops the run is headed in the run's language: an output that
/// cannot be written, a report that cannot be written, a rule code that does
/// not exist: `错误：` in Chinese, `error: ` with `--lang en`, never both.
#[test]
fn failure_lines_are_headed_in_the_runs_language() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "t.yaml", CLEAN);
    let runs: [&[&str]; 3] = [
        &[
            "check",
            "t.yaml",
            "-o",
            "no/such/folder/out.json",
            "--format",
            "json",
        ],
        &["report", "t.yaml", "-o", "no/such/folder/pack.html"],
        &["explain", "JX999"],
    ];
    for args in runs {
        let (code, _, err) = run_in(d.path(), args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.starts_with("错误："), "{args:?}: {err}");
        assert!(!err.contains("error:"), "{args:?}: {err}");
        let mut en = args.to_vec();
        en.extend(["--lang", "en"]);
        let (code, _, err) = run_in(d.path(), &en);
        assert_eq!(code, 2, "{en:?}: {err}");
        assert!(err.starts_with("error: "), "{en:?}: {err}");
        assert!(!err.contains("错误"), "{en:?}: {err}");
    }
}
