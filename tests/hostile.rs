//! Hostile input, end to end: each case writes a bad file next to a good one
//! in a fresh folder (large fixtures are generated here, never committed),
//! runs the real binary with a deadline, and checks the diagnostic, the exit
//! status, and that the good file's own finding (a JX106 warning) is still
//! reported in the same run. Nothing may panic, hang or be skipped silently.

use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CLEAN: &str = include_str!("../examples/target-clean.yaml");

/// No case may take longer than this (the suite as a whole stays well under 30 s).
const DEADLINE: Duration = Duration::from_secs(20);

/// The clean example with one deliberate finding: JX106, a warning.
fn good() -> String {
    let g = CLEAN.replace(
        "  declarant: 承德高新区社区管理办公室",
        "  declarant: 承德高新区民政局",
    );
    assert_ne!(g, CLEAN);
    g
}

struct Out {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Run the binary in `dir` with a deadline: a hang is killed and fails the test.
fn run(dir: &Path, args: &[&str]) -> Out {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn jixiao");
    // Drain both pipes on their own threads so a full pipe cannot stall the child.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("jixiao {args:?} did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = String::from_utf8_lossy(&out.join().expect("stdout thread")).into_owned();
    let stderr = String::from_utf8_lossy(&err.join().expect("stderr thread")).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "jixiao {args:?} panicked:\n{stderr}"
    );
    Out {
        status: status.code().expect("exit code, not a signal"),
        stdout,
        stderr,
    }
}

/// `check ARGS --format json --lang en --no-config`: the status and the findings.
fn check(dir: &Path, args: &[&str]) -> (Out, Vec<Value>) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "--lang", "en"]);
    if !args.contains(&"--config") {
        all.push("--no-config");
    }
    let out = run(dir, &all);
    let items: Vec<Value> = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\nstderr:\n{}",
            out.stdout.chars().take(2000).collect::<String>(),
            out.stderr
        )
    });
    (out, items)
}

fn find<'a>(items: &'a [Value], code: &str, file: &str) -> Vec<&'a Value> {
    items
        .iter()
        .filter(|i| i["code"] == code && i["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .collect()
}

/// Exactly one finding `code` in `file` whose message holds `fragment`.
fn expect<'a>(items: &'a [Value], code: &str, file: &str, fragment: &str) -> &'a Value {
    let hits = find(items, code, file);
    let hit = hits
        .iter()
        .find(|i| i["message"].as_str().is_some_and(|m| m.contains(fragment)));
    hit.copied().unwrap_or_else(|| {
        panic!(
            "no {code} in {file} with “{fragment}”; findings:\n{}",
            serde_json::to_string_pretty(items).unwrap_or_default()
        )
    })
}

/// The good neighbour's finding is reported, at its line.
fn neighbour_intact(items: &[Value]) {
    let f = expect(items, "JX106", "good.yaml", "承德高新区民政局");
    assert_eq!(f["line"], 12, "{f}");
}

/// A folder with `name` holding `bytes` and the good neighbour; check both.
fn case(name: &str, bytes: &[u8]) -> (tempfile::TempDir, Out, Vec<Value>) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(name), bytes).expect("write case");
    std::fs::write(dir.path().join("good.yaml"), good()).expect("write good");
    let (out, items) = check(dir.path(), &[name, "good.yaml"]);
    neighbour_intact(&items);
    (dir, out, items)
}

fn with_field(field: &str, value: &str) -> String {
    let line = CLEAN
        .lines()
        .find(|l| l.trim_start().starts_with(field))
        .unwrap_or_else(|| panic!("no {field} in the example"));
    let indent = &line[..line.len() - line.trim_start().len()];
    CLEAN.replacen(line, &format!("{indent}{field} {value}"), 1)
}

#[test]
fn alias_bomb_stops_at_the_alias_limit() {
    let mut bomb = String::from("kind: target\nyear: 2023\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 10].join(", ");
        bomb.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    let (_d, out, items) = case("bomb.yaml", bomb.as_bytes());
    expect(
        &items,
        "JX001",
        "bomb.yaml",
        "aliases expand to more than 100000 nodes",
    );
    assert_eq!(out.status, 1);
}

#[test]
fn nesting_200000_deep_in_flow_and_block_style() {
    let n = 200_000;
    let flow = format!(
        "kind: target\nyear: 2023\nx: {}{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let (_d, out, items) = case("flow.yaml", flow.as_bytes());
    let f = find(&items, "JX001", "flow.yaml");
    assert_eq!(f.len(), 1, "{items:?}");
    let m = f[0]["message"].as_str().unwrap_or("");
    assert!(
        m.contains("nested deeper than 64") || m.contains("recursion limit"),
        "{m}"
    );
    assert_eq!(out.status, 1);

    let block = format!("kind: target\nyear: 2023\nx:\n  {}1\n", "- ".repeat(n));
    let (_d, out, items) = case("block.yaml", block.as_bytes());
    expect(
        &items,
        "JX001",
        "block.yaml",
        "nested deeper than 64 levels",
    );
    assert_eq!(out.status, 1);

    let maps: String = (0..100)
        .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
        .collect();
    let text = format!("kind: target\nyear: 2023\n{maps}");
    let (_d, _out, items) = case("maps.yaml", text.as_bytes());
    expect(&items, "JX001", "maps.yaml", "nested deeper than 64 levels");
}

#[test]
fn invalid_utf8_reports_the_offset() {
    let bytes = b"kind: target\nyear: 2023\nproject:\n  name: \xff\xfe bad\n";
    let (_d, out, items) = case("bad.yaml", bytes);
    let f = expect(&items, "JX008", "bad.yaml", "invalid from byte 41");
    assert!(f["help"].is_null() || !f["help"].as_str().unwrap_or("").contains("GBK"));
    assert_eq!(out.status, 1);
}

#[test]
fn gbk_is_named_with_a_fix() {
    let text = with_field("name:", "居家养老项目");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let (_d, out, items) = case("gbk.yaml", &gbk);
    let f = expect(&items, "JX008", "gbk.yaml", "it looks like GBK");
    assert!(
        f["help"]
            .as_str()
            .is_some_and(|h| h.contains("iconv -f GBK -t UTF-8")),
        "{f}"
    );
    assert_eq!(out.status, 1);
}

#[test]
fn utf16_with_bom_is_transcoded_and_utf8_bom_kept() {
    let text = with_field("declarant:", "某单位");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut utf16be = vec![0xFE, 0xFF];
    utf16be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    for (name, bytes) in [("le.yaml", utf16), ("be.yaml", utf16be)] {
        let (_d, out, items) = case(name, &bytes);
        let f = expect(&items, "JX106", name, "某单位");
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(12), Some(14))
        );
        assert_eq!(out.status, 0, "warnings only");
    }
    let mut bom = "\u{FEFF}".as_bytes().to_vec();
    bom.extend(text.as_bytes());
    let (_d, _out, items) = case("bom.yaml", &bom);
    let f = expect(&items, "JX106", "bom.yaml", "某单位");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(12), Some(14))
    );
}

#[test]
fn empty_list_scalar_and_several_documents() {
    let (_d, out, items) = case("empty.yaml", b"");
    expect(&items, "JX008", "empty.yaml", "the file is empty");
    assert_eq!(out.status, 1);
    let (_d, _o, items) = case("list.yaml", b"- kind: target\n- year: 2023\n");
    expect(&items, "JX003", "list.yaml", "this is a sequence");
    let (_d, _o, items) = case("scalar.yaml", b"just some text\n");
    expect(&items, "JX003", "scalar.yaml", "this is a scalar");
    let two = format!("{}---\nkind: target\nyear: 2024\n", good());
    let (_d, out, items) = case("two.yaml", two.as_bytes());
    let f = expect(&items, "JX001", "two.yaml", "one YAML document per file");
    assert_eq!(f["line"].as_u64(), Some(CLEAN.lines().count() as u64 + 1));
    // The first document is still checked.
    expect(&items, "JX106", "two.yaml", "承德高新区民政局");
    assert_eq!(out.status, 1);
}

#[test]
fn exponents_nan_inf_and_40_digit_amounts() {
    let text = with_field("total:", "1e400")
        .replacen("general_public: 100", "general_public: .nan", 1)
        .replacen("other: 20", "other: .inf", 1);
    let (_d, out, items) = case("numbers.yaml", text.as_bytes());
    for v in ["1e400", ".nan", ".inf"] {
        expect(
            &items,
            "JX005",
            "numbers.yaml",
            &format!("`{v}`: write a plain decimal"),
        );
    }
    assert_eq!(out.status, 1);
    let forty = "1234567890123456789012345678901234567890";
    let text = with_field("total:", forty).replacen(
        "target: ≥ 6000 人次",
        &format!("target: ≥ {forty} 人次"),
        1,
    );
    let (_d, _o, items) = case("forty.yaml", text.as_bytes());
    expect(
        &items,
        "JX005",
        "forty.yaml",
        "too large for an exact decimal",
    );
    expect(&items, "JX007", "forty.yaml", forty);
}

#[test]
fn a_2mb_scalar_is_read_and_quoted_briefly() {
    let big = "很".repeat(700_000);
    let text = with_field("declarant:", &big);
    let (_d, out, items) = case("big.yaml", text.as_bytes());
    let f = expect(&items, "JX106", "big.yaml", "很很很");
    let m = f["message"].as_str().unwrap_or("");
    assert!(m.len() <= 4096 + 3 && m.ends_with('…'), "{}", m.len());
    assert_eq!(out.status, 0);

    // A 2 MB key: unknown, and compared with no field name (edit distance
    // costs the product of the lengths).
    let key = "x".repeat(2_000_000);
    let text = CLEAN.replacen("project:\n", &format!("project:\n  ? {key}\n  : 1\n"), 1);
    let (_d, out, items) = case("key.yaml", text.as_bytes());
    let f = expect(&items, "JX002", "key.yaml", "unknown key `xxx");
    assert!(f["message"].as_str().is_some_and(|m| m.len() < 4200));
    assert_eq!(out.status, 1);
}

#[test]
fn a_hundred_thousand_indicators_each_reported() {
    let mut text = String::from(
        "kind: target\nyear: 2023\nproject:\n  name: 大项目\n  department: 某部门\nbudget:\n  total: 120\nindicators:\n  产出指标:\n    数量指标:\n",
    );
    for i in 0..100_000 {
        text.push_str(&format!("      - {{ name: 指标{i}, weight: 1 }}\n"));
    }
    let (_d, out, items) = case("many.yaml", text.as_bytes());
    let missing = find(&items, "JX201", "many.yaml");
    assert_eq!(missing.len(), 100_000);
    assert_eq!(missing[99_999]["line"].as_u64(), Some(100_010));
    assert_eq!(out.status, 1);
}

#[test]
fn tabs_crlf_and_control_characters() {
    let crlf = good()
        .replace('\n', "\r\n")
        .replacen("name: 滨河", "name: \t滨河", 1);
    let (_d, out, items) = case("crlf.yaml", crlf.as_bytes());
    expect(&items, "JX106", "crlf.yaml", "承德高新区民政局");
    assert_eq!(items.len(), 2, "only the two JX106: {items:?}");
    assert_eq!(out.status, 0);

    let ctrl = with_field("name:", "滨河\u{7}社区");
    let (_d, out, items) = case("ctrl.yaml", ctrl.as_bytes());
    let f = expect(&items, "JX001", "ctrl.yaml", "control character U+0007");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(9), Some(11))
    );
    assert_eq!(out.status, 1);

    let tab = CLEAN.replacen("  name: 滨河", "\tname: 滨河", 1);
    let (_d, _o, items) = case("tab.yaml", tab.as_bytes());
    expect(&items, "JX001", "tab.yaml", "tabs disallowed");
}

#[test]
fn a_binary_file_named_yaml() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    let (_d, out, items) = case("image.yaml", &bytes);
    expect(&items, "JX008", "image.yaml", "binary file");
    assert_eq!(out.status, 1);
}

/// Unreadable entries in a scanned folder: a FIFO (must not block), a
/// dangling symlink, a file without read permission (when not root), and
/// symlink loops. Each is reported or skipped on purpose; the good file is found once.
#[test]
fn unreadable_entries_and_symlink_loops_in_a_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().join("decl");
    std::fs::create_dir_all(d.join("sub")).expect("mkdir");
    std::fs::write(d.join("good.yaml"), good()).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::{PermissionsExt, symlink};
        symlink(".", d.join("loop")).expect("symlink");
        symlink("..", d.join("sub").join("up")).expect("symlink");
        symlink("nowhere.yaml", d.join("dangling.yaml")).expect("symlink");
        symlink("self.yaml", d.join("self.yaml")).expect("symlink");
        let fifo = d.join("pipe.yaml");
        let made = Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let locked = d.join("locked.yaml");
        std::fs::write(&locked, good()).expect("write");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    }
    let (out, items) = check(dir.path(), &["decl"]);
    neighbour_intact(&items);
    assert_eq!(find(&items, "JX106", "good.yaml").len(), 1, "found once");
    #[cfg(unix)]
    {
        expect(&items, "JX008", "pipe.yaml", "not a regular file");
        expect(&items, "JX008", "dangling.yaml", "cannot read the file");
        expect(&items, "JX008", "self.yaml", "cannot read the file");
        // Root reads anything: then the locked file is simply checked.
        let locked = find(&items, "JX008", "locked.yaml");
        let read = find(&items, "JX106", "locked.yaml");
        assert!(locked.len() + read.len() == 1, "{items:?}");
    }
    assert_eq!(out.status, 1);
}

#[test]
fn a_missing_path_exits_2_and_the_rest_is_still_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("good.yaml"), good()).expect("write");
    let (out, items) = check(dir.path(), &["missing.yaml", "good.yaml"]);
    neighbour_intact(&items);
    assert!(
        out.stderr.contains("cannot access missing.yaml"),
        "{}",
        out.stderr
    );
    assert_eq!(out.status, 2);
}

#[test]
fn file_size_limit_and_configured_limits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    // One byte over the default 10 MB, with `kind` at the top: reported even in a folder.
    let mut big = String::from("kind: target\nyear: 2023\n");
    let line = "# 注释注释注释注释注释注释注释注释注释注释注释注释注释注释注释注释注释注释\n";
    while big.len() + line.len() <= 10 * 1024 * 1024 {
        big.push_str(line);
    }
    big.push_str(&"#".repeat(10 * 1024 * 1024 + 1 - big.len()));
    std::fs::create_dir(p.join("d")).expect("mkdir");
    std::fs::write(p.join("d/huge.yaml"), &big).expect("write");
    std::fs::write(p.join("d/good.yaml"), good()).expect("write");
    let (out, items) = check(p, &["d"]);
    neighbour_intact(&items);
    expect(
        &items,
        "JX008",
        "huge.yaml",
        "10485761 bytes, over the limit of 10485760",
    );
    assert_eq!(out.status, 1);

    // Raised in the config, the same file is read (a comment: no findings).
    std::fs::write(
        p.join("big.jixiao.yaml"),
        "limits: { max_file_size: 20MB }\n",
    )
    .expect("w");
    let (_out, items) = check(p, &["d", "--config", "big.jixiao.yaml"]);
    neighbour_intact(&items);
    assert!(find(&items, "JX008", "huge.yaml").is_empty(), "{items:?}");
    assert!(!find(&items, "JX101", "huge.yaml").is_empty(), "{items:?}");

    // Lowered, the good file itself is too deep.
    std::fs::write(p.join("deep.jixiao.yaml"), "limits:\n  max_depth: 3\n").expect("w");
    let (_out, items) = check(p, &["d/good.yaml", "--config", "deep.jixiao.yaml"]);
    expect(&items, "JX001", "good.yaml", "nested deeper than 3 levels");

    // A bad limit is a config error: exit 2.
    std::fs::write(
        p.join("bad.jixiao.yaml"),
        "limits: { max_depth: 0, max_size: 1 }\n",
    )
    .expect("w");
    let out = run(
        p,
        &[
            "check",
            "d/good.yaml",
            "--config",
            "bad.jixiao.yaml",
            "--lang",
            "en",
        ],
    );
    assert!(
        out.stderr.contains("bad value `0` for max_depth"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("unknown limit `max_size`"),
        "{}",
        out.stderr
    );
    assert_eq!(out.status, 2);
}

const BAD_NEIGHBOUR_RULES: &str = "rule JX950 \"neighbour\" {\n  assert nosuchfn(1)\n}\n";

#[test]
fn a_rule_file_with_100000_nested_parentheses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let n = 100_000;
    let deep = format!(
        "rule JX900 \"deep\" {{\n  assert {}1{} == 1\n}}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    std::fs::write(p.join("deep.rules"), deep).expect("write");
    std::fs::write(p.join("other.rules"), BAD_NEIGHBOUR_RULES).expect("write");
    std::fs::write(p.join("good.yaml"), good()).expect("write");
    let out = run(
        p,
        &[
            "check",
            "good.yaml",
            "--rules",
            "deep.rules",
            "--rules",
            "other.rules",
            "--lang",
            "en",
            "--no-config",
        ],
    );
    assert!(
        out.stderr.contains("brackets nested deeper than 64 levels"),
        "{}",
        &out.stderr[..out.stderr.len().min(3000)]
    );
    // The other rule file's error is reported in the same run.
    assert!(
        out.stderr.contains("nosuchfn"),
        "{}",
        &out.stderr[out.stderr.len().saturating_sub(3000)..]
    );
    assert!(out.stderr.contains("2 errors in rule files"));
    assert_eq!(out.status, 2);
}

#[test]
fn catastrophic_regex_and_division_by_zero_in_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let rules = r#"
rule JX901 "name is not all a's" {
  severity warning
  assert not matches(project.name, "^(a|a)+$")
  message "all a's"
}
rule JX902 "pattern from the data" {
  severity warning
  assert not matches(project.name + "!", "^(a+)+$" + project.name)
  message "never"
}
rule JX903 "division by zero is undefined" {
  severity warning
  let r = budget.total / 0
  assert r > 1
  assert budget.total < 0
  message "rate {budget.total / (budget.total - budget.total)}"
}
"#;
    std::fs::write(p.join("hostile.rules"), rules).expect("write");
    std::fs::write(p.join("good.yaml"), good()).expect("write");
    let a = with_field("name:", &"a".repeat(50_000));
    std::fs::write(p.join("aaa.yaml"), a).expect("write");
    let (out, items) = check(p, &["aaa.yaml", "good.yaml", "--rules", "hostile.rules"]);
    neighbour_intact(&items);
    expect(&items, "JX901", "aaa.yaml", "all a's");
    assert!(find(&items, "JX901", "good.yaml").is_empty());
    assert!(find(&items, "JX902", "aaa.yaml").is_empty());
    // The undefined assert does not fire; the message shows the undefined value.
    let f = find(&items, "JX903", "good.yaml");
    assert_eq!(f.len(), 1, "{items:?}");
    assert_eq!(f[0]["message"], "rate (none)");
    assert_eq!(out.status, 0);
}

/// 20,000 duplicate keys on one 200 KB line, in human output: each finding
/// shows the part of the line around it, not the whole line (which made the
/// output grow with findings × line length), and its first occurrence as a location.
#[test]
fn many_findings_on_one_long_line_render_briefly() {
    let n = 20_000;
    let g = good();
    let goals_at = g.find("goals:\n").expect("goals");
    let annual_end = goals_at + g[goals_at..].find("\nindicators:").expect("indicators");
    let line = g[..goals_at].lines().count() + 1;
    let dups = vec!["annual: 很"; n].join(", ");
    let text = format!("{}goals: {{{dups}}}{}", &g[..goals_at], &g[annual_end..]);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("long.yaml"), text).expect("write");
    std::fs::write(dir.path().join("good.yaml"), good()).expect("write");
    let out = run(
        dir.path(),
        &[
            "check",
            "long.yaml",
            "good.yaml",
            "--lang",
            "en",
            "--no-config",
        ],
    );
    assert!(
        out.stdout.len() < n * 2_000,
        "{} bytes of output",
        out.stdout.len()
    );
    assert_eq!(
        out.stdout.matches("JX004 duplicate key `annual`").count(),
        n - 1
    );
    let last = format!("long.yaml:{line}:{}]", 9 + (n - 1) * 11);
    assert!(out.stdout.contains(&last), "no header {last}");
    assert!(
        out.stdout
            .contains(&format!("long.yaml:{line}:9  first defined here"))
    );
    assert!(
        out.stdout
            .contains("JX106 the targets are declared by 承德高新区民政局")
    );
    assert_eq!(out.status, 1);
}

/// A rule that walks the whole table inside a `for` over the same table is
/// quadratic: the walks count as work, so it stops at the limit with its own
/// finding instead of running for hours, and the other rules still report.
#[test]
fn a_quadratic_rule_stops_at_the_work_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let mut text = String::from(
        "kind: target\nyear: 2023\nproject:\n  name: 大项目\n  department: 某部门\nbudget:\n  total: 120\nindicators:\n  产出指标:\n    数量指标:\n",
    );
    for i in 0..20_000 {
        text.push_str(&format!(
            "      - {{ name: 指标{i}, target: ≥ {i} 人次, weight: 1 }}\n"
        ));
    }
    std::fs::write(p.join("wide.yaml"), text).expect("write");
    std::fs::write(p.join("good.yaml"), good()).expect("write");
    let rules = "rule JX990 \"quadratic\" {\n  severity warning\n  for ind in indicators.*.*.* {\n    assert count(indicators.*.*.*) < 0\n    message \"n\"\n  }\n}\n";
    std::fs::write(p.join("quad.rules"), rules).expect("write");
    let (out, items) = check(p, &["wide.yaml", "good.yaml", "--rules", "quad.rules"]);
    neighbour_intact(&items);
    let f = find(&items, "JX990", "wide.yaml");
    assert_eq!(f.len(), 1, "one limit finding, not 20,000: {}", f.len());
    assert!(
        f[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("exceeded its evaluation limit"))
    );
    // The small file is evaluated completely.
    assert_eq!(find(&items, "JX990", "good.yaml").len(), 12);
    assert_eq!(out.status, 1);
}

/// `[[[…1…]]]` 60 deep (under the nesting limit) in an assert and a message:
/// the grammar tried a comprehension, then a list, at every level, doubling
/// the work per bracket (30 levels took minutes). Now it is parsed once.
#[test]
fn nested_lists_in_a_rule_parse_in_linear_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let k = 60;
    let nested = format!("{}1{}", "[".repeat(k), "]".repeat(k));
    let rules = format!(
        "rule JX960 \"nested\" {{\n  severity warning\n  assert count({nested}) == 2\n  message \"{{count({nested})}}\"\n}}\n"
    );
    std::fs::write(p.join("nested.rules"), rules).expect("write");
    std::fs::write(p.join("good.yaml"), good()).expect("write");
    let (out, items) = check(p, &["good.yaml", "--rules", "nested.rules"]);
    neighbour_intact(&items);
    expect(&items, "JX960", "good.yaml", "1");
    assert_eq!(out.status, 0);
}
