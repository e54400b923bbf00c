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

/// No case may take longer than this: a hang guard. The heaviest case needs
/// about 5 s of CPU in a debug build; the margin is for a machine shared with
/// other builds, where wall time is several times the CPU time.
const DEADLINE: Duration = Duration::from_secs(60);

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
fn d5_a_hundred_thousand_indicators_are_listed_up_to_the_cap_and_counted() {
    let mut text = String::from(
        "kind: target\nyear: 2023\nproject:\n  name: 大项目\n  department: 某部门\nbudget:\n  total: 120\nindicators:\n  产出指标:\n    数量指标:\n",
    );
    for i in 0..100_000 {
        text.push_str(&format!("      - {{ name: 指标{i}, weight: 1 }}\n"));
    }
    let (_d, out, items) = case("many.yaml", text.as_bytes());
    // 100,000 JX201 and a few findings about the whole table: the first
    // 10,000 in the file's order are listed, the rest counted in one JX010
    // (hostile round 2, D5: memory grew with every finding of every file).
    let listed = items
        .iter()
        .filter(|i| i["file"].as_str().is_some_and(|f| f.ends_with("many.yaml")))
        .count();
    assert_eq!(listed, 10_001);
    let missing = find(&items, "JX201", "many.yaml");
    assert!(missing.len() > 9_990, "{}", missing.len());
    assert_eq!(missing[0]["line"].as_u64(), Some(11));
    let more = expect(&items, "JX010", "many.yaml", "more findings in this file");
    let dropped: usize = more["message"]
        .as_str()
        .and_then(|m| m.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(
        dropped + missing.len() >= 100_000,
        "{dropped} dropped + {} listed",
        missing.len()
    );
    assert_eq!(more["severity"], "error");
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
    expect(&items, "JX001", "tab.yaml", "is indented with a tab");
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
    // Below the per-file cap of 10,000 listed findings (one more is JX106's
    // neighbour, in its own file).
    let n = 9_000;
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

// ---------------------------------------------------------------------------
// Round two (`shared/findings/hostile-round2.md`, issue 16): one test per
// reproduction, named after its defect.

/// The good file with `total: 130`: one JX301 error besides the JX106 warning.
fn err_decl() -> String {
    good().replace("\n  total: 120\n", "\n  total: 130\n")
}

/// A folder with `good.yaml` and `err.yaml`.
fn pair() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("good.yaml"), good()).expect("write");
    std::fs::write(dir.path().join("err.yaml"), err_decl()).expect("write");
    dir
}

/// Run a bash snippet in `dir` with `$J` the binary (for `ulimit` and traps).
fn sh(dir: &Path, script: &str) -> (i32, String) {
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("J", env!("CARGO_BIN_EXE_jixiao"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("sh");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    (out.status.code().unwrap_or(-1), err)
}

fn baseline_entries(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("read baseline");
    let v: Value = serde_json::from_str(&text).expect("the baseline is valid JSON");
    v["findings"].as_array().expect("findings").clone()
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read_dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

/// D2: a write that fails after it began (here the file-size limit, as a
/// full disk would) leaves the previous baseline and pack byte for byte, no
/// temporary file, exit 2 and a message naming the file.
#[cfg(unix)]
#[test]
fn d2_a_failed_write_keeps_the_previous_baseline_and_pack() {
    let dir = pair();
    let p = dir.path();
    let (code, _) = sh(
        p,
        "$J check --no-config good.yaml err.yaml --write-baseline b.json > /dev/null",
    );
    assert_eq!(code, 0, "--write-baseline exits 0");
    let before = std::fs::read(p.join("b.json")).expect("baseline");
    assert_eq!(baseline_entries(&p.join("b.json")).len(), 3);
    let (code, err) = sh(
        p,
        "trap '' XFSZ; ulimit -f 0; exec $J check --no-config --lang en good.yaml err.yaml --baseline b.json --write-baseline b.json > /dev/null",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cannot write b.json") && err.contains("unchanged"),
        "{err}"
    );
    assert_eq!(std::fs::read(p.join("b.json")).expect("baseline"), before);
    // … so the next run still reads it.
    let (out, _) = check(p, &["good.yaml", "err.yaml", "--baseline", "b.json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);

    let (code, _) = sh(
        p,
        "$J report --no-config good.yaml err.yaml -o pack.html > /dev/null",
    );
    assert_eq!(code, 0);
    let pack = std::fs::read(p.join("pack.html")).expect("pack");
    assert!(pack.len() > 4096);
    let (code, err) = sh(
        p,
        "trap '' XFSZ; ulimit -f 4; exec $J report --no-config --lang en good.yaml err.yaml -o pack.html",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("pack.html"), "{err}");
    assert_eq!(std::fs::read(p.join("pack.html")).expect("pack"), pack);
    assert!(temporaries(p).is_empty(), "{:?}", temporaries(p));
}

/// D2: a run killed while it writes never leaves a cut-off file: the pack is
/// the old one or a complete new one, whenever the signal lands.
#[cfg(unix)]
#[test]
fn d2_an_interrupted_report_leaves_the_old_or_the_new_pack() {
    let dir = pair();
    let p = dir.path();
    for i in 0..40 {
        std::fs::write(p.join(format!("p{i}.yaml")), err_decl()).expect("write");
    }
    let (code, _) = sh(p, "$J report --no-config . -o pack.html");
    assert_eq!(code, 0);
    let full = std::fs::read_to_string(p.join("pack.html")).expect("pack");
    assert!(full.trim_end().ends_with("</html>"));
    for delay_ms in [1, 5, 10, 20, 40, 80] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["report", "--no-config", ".", "-o", "pack.html"])
            .current_dir(p)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let _ = child.wait();
        let now = std::fs::read_to_string(p.join("pack.html")).expect("pack");
        assert_eq!(now, full, "after a kill at {delay_ms} ms");
    }
}

/// D3 case 1: a run with a path problem does not rewrite the baseline.
#[test]
fn d3_a_failed_run_does_not_rewrite_the_baseline() {
    let dir = pair();
    let p = dir.path();
    let (out, _) = check(p, &[".", "--write-baseline", "b.json"]);
    assert_eq!(out.status, 0, "--write-baseline exits 0");
    let before = std::fs::read(p.join("b.json")).expect("baseline");
    let (out, _) = check(
        p,
        &[
            ".",
            "missing",
            "--baseline",
            "b.json",
            "--write-baseline",
            "b.json",
        ],
    );
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("b.json: not written"), "{}", out.stderr);
    assert_eq!(std::fs::read(p.join("b.json")).expect("baseline"), before);
}

/// D3 case 2: rewriting the baseline over fewer paths keeps the entries of
/// the files it did not check; the next full run has nothing new.
#[test]
fn d3_a_partial_run_keeps_the_other_files_entries() {
    let dir = pair();
    let p = dir.path();
    std::fs::create_dir(p.join("sub")).expect("mkdir");
    std::fs::write(p.join("sub/c.yaml"), err_decl()).expect("write");
    let (out, _) = check(p, &[".", "--write-baseline", "b.json"]);
    assert_eq!(out.status, 0, "--write-baseline exits 0");
    assert_eq!(baseline_entries(&p.join("b.json")).len(), 5);
    let (out, _) = check(
        p,
        &[
            "good.yaml",
            "--baseline",
            "b.json",
            "--write-baseline",
            "b.json",
        ],
    );
    assert_eq!(out.status, 0);
    assert_eq!(baseline_entries(&p.join("b.json")).len(), 5);
    let (out, items) = check(p, &[".", "--baseline", "b.json"]);
    assert_eq!(out.status, 0, "{items:?}");
    assert!(items.iter().all(|i| i["suppressed"] == true), "{items:?}");
    // A fixed file's entries go when its folder is checked again.
    std::fs::write(p.join("sub/c.yaml"), CLEAN).expect("write");
    let (_, _) = check(
        p,
        &["sub", "--baseline", "b.json", "--write-baseline", "b.json"],
    );
    let left = baseline_entries(&p.join("b.json"));
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(left.iter().all(|e| e["file"] != "sub/c.yaml"), "{left:?}");
}

/// D3 case 3: a file that cannot be read is never recorded as accepted, and
/// an old baseline holding its JX008 does not hide it.
#[cfg(unix)]
#[test]
fn d3_an_unreadable_file_is_never_baselined() {
    let dir = pair();
    let p = dir.path();
    let (out, _) = check(p, &[".", "--write-baseline", "b.json"]);
    assert_eq!(out.status, 0, "--write-baseline exits 0");
    // err.yaml becomes unreadable (a dangling link reads as root too).
    std::fs::rename(p.join("err.yaml"), p.join("err.keep")).expect("mv");
    std::os::unix::fs::symlink("gone.yaml", p.join("err.yaml")).expect("symlink");
    let (out, items) = check(
        p,
        &[".", "--baseline", "b.json", "--write-baseline", "b.json"],
    );
    assert_eq!(out.status, 0, "--write-baseline exits 0");
    let jx008 = expect(&items, "JX008", "err.yaml", "cannot read the file");
    assert_eq!(jx008["suppressed"], false);
    let entries = baseline_entries(&p.join("b.json"));
    assert!(entries.iter().all(|e| e["code"] != "JX008"), "{entries:?}");
    // err.yaml's real entries are kept for when it can be read again.
    assert_eq!(entries.len(), 3, "{entries:?}");
    // A baseline written by an older jixiao with the JX008 in it hides nothing.
    let old = r#"{"version":1,"findings":[{"code":"JX008","file":"err.yaml","path":"","fingerprint":"af63bd4c8601b7be"}]}"#;
    std::fs::write(p.join("old.json"), old).expect("write");
    let (out, items) = check(p, &[".", "--baseline", "old.json"]);
    assert_eq!(out.status, 1);
    assert_eq!(find(&items, "JX008", "err.yaml")[0]["suppressed"], false);
    // Readable again: every finding is known.
    std::fs::remove_file(p.join("err.yaml")).expect("rm");
    std::fs::rename(p.join("err.keep"), p.join("err.yaml")).expect("mv");
    let (out, _) = check(p, &[".", "--baseline", "b.json"]);
    assert_eq!(out.status, 0);
}

/// D4: an output that is one of the inputs is refused; so is a symlink.
#[test]
fn d4_outputs_never_overwrite_inputs_or_follow_links() {
    let dir = pair();
    let p = dir.path();
    let out = run(
        p,
        &[
            "report",
            "--no-config",
            "--lang",
            "en",
            "good.yaml",
            "-o",
            "good.yaml",
        ],
    );
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("is a file this run reads"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(p.join("good.yaml")).expect("r"),
        good()
    );
    let out = run(
        p,
        &[
            "report",
            "--no-config",
            "--lang",
            "en",
            ".",
            "-o",
            "./err.yaml",
        ],
    );
    assert_eq!(out.status, 2, "{}", out.stderr);
    let (out, _) = check(
        p,
        &["err.yaml", "good.yaml", "--write-baseline", "err.yaml"],
    );
    assert_eq!(out.status, 2);
    assert_eq!(
        std::fs::read_to_string(p.join("err.yaml")).expect("r"),
        err_decl()
    );
    // A config or rule file is an input too.
    std::fs::write(p.join("x.rules"), "").expect("w");
    let (out, _) = check(
        p,
        &[
            "good.yaml",
            "--rules",
            "x.rules",
            "--write-baseline",
            "x.rules",
        ],
    );
    assert_eq!(out.status, 2);
    assert_eq!(std::fs::read_to_string(p.join("x.rules")).expect("r"), "");
    #[cfg(unix)]
    {
        std::fs::write(p.join("precious.txt"), "precious\n").expect("w");
        std::os::unix::fs::symlink("precious.txt", p.join("pack.html")).expect("ln");
        let out = run(
            p,
            &[
                "report",
                "--no-config",
                "--lang",
                "en",
                "good.yaml",
                "-o",
                "pack.html",
            ],
        );
        assert_eq!(out.status, 2);
        assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
        assert_eq!(
            std::fs::read_to_string(p.join("precious.txt")).expect("r"),
            "precious\n"
        );
        // A link to a device is written through (`-o /dev/stdout` style).
        std::os::unix::fs::symlink("/dev/null", p.join("null.html")).expect("ln");
        let out = run(
            p,
            &["report", "--no-config", "good.yaml", "-o", "null.html"],
        );
        assert_eq!(out.status, 0, "{}", out.stderr);
    }
}

/// D6: `limits:` cannot be raised past what a machine can hold.
#[test]
fn d6_limits_are_capped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    for (cfg, key, cap) in [
        (
            "limits:\n  max_nodes: 4294967295\n",
            "max_nodes",
            "20000000",
        ),
        (
            "limits:\n  max_alias_nodes: 4294967295\n",
            "max_alias_nodes",
            "10000000",
        ),
        (
            "limits:\n  max_file_size: 1GB\n",
            "max_file_size",
            "104857600",
        ),
    ] {
        std::fs::write(p.join("c.yaml.cfg"), cfg).expect("w");
        let out = run(
            p,
            &[
                "check",
                "good.yaml",
                "--config",
                "c.yaml.cfg",
                "--lang",
                "en",
            ],
        );
        assert_eq!(out.status, 2, "{cfg}");
        assert!(
            out.stderr
                .contains(&format!("for {key}: a whole number from 1 to {cap}")),
            "{}",
            out.stderr
        );
    }
    std::fs::write(
        p.join("ok.cfg"),
        "limits:\n  max_nodes: 20000000\n  max_file_size: 100MB\n",
    )
    .expect("w");
    let (out, items) = check(p, &["good.yaml", "--config", "ok.cfg"]);
    neighbour_intact(&items);
    assert_eq!(out.status, 0);
}

/// D8: folders named `target` or `node_modules`, upper-case extensions, UTF-16
/// without BOM and UTF-32 are all checked.
#[test]
fn d8_nothing_is_skipped_silently_in_a_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let e = err_decl();
    for f in [
        "2023/target/a.yaml",
        "n/node_modules/a.yaml",
        "up/X.YAML",
        "up/y.Yml",
    ] {
        std::fs::create_dir_all(p.join(f).parent().expect("parent")).expect("mkdir");
        std::fs::write(p.join(f), &e).expect("w");
    }
    let le16: Vec<u8> = e.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be32: Vec<u8> = e.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
    std::fs::create_dir(p.join("wide")).expect("mkdir");
    std::fs::write(p.join("wide/u16.yaml"), le16).expect("w");
    std::fs::write(p.join("wide/u32.yaml"), be32).expect("w");
    for (d, files) in [("2023", 1), ("n", 1), ("up", 2), ("wide", 2)] {
        let (out, items) = check(p, &[d]);
        assert_eq!(out.status, 1, "{d}: {items:?}");
        assert_eq!(
            items.iter().filter(|i| i["code"] == "JX301").count(),
            files,
            "{d}: {items:?}"
        );
    }
    // cargo's build folder (beside Cargo.toml) is still skipped.
    std::fs::write(p.join("2023/Cargo.toml"), "[package]\n").expect("w");
    let (out, items) = check(p, &["2023"]);
    assert_eq!(out.status, 0, "{items:?}");
}

/// D8: a file below a path over PATH_MAX is a path problem, not "0 files".
#[cfg(target_os = "linux")]
#[test]
fn d8_a_path_too_long_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("err.yaml"), err_decl()).expect("w");
    let (code, err) = sh(
        dir.path(),
        "top=$PWD; mkdir t && cd t && for i in $(seq 10 55); do n=\"${i}$(printf 'd%.0s' $(seq 98))\"; mkdir \"$n\" && cd \"$n\" || exit 1; done; cp \"$top/err.yaml\" .",
    );
    assert_eq!(code, 0, "{err}");
    let (out, items) = check(dir.path(), &["t"]);
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(
        items.iter().any(|i| i["code"] == "JX008"
            && i["message"]
                .as_str()
                .is_some_and(|m| m.contains("too long") || m.contains("cannot read folder"))),
        "{items:?}"
    );
}

/// D8: `kind` in a JSON-style or flow mapping marks a broken file as a
/// declaration, so `--skip-non-declarations` (the pre-commit hook) reports it.
#[test]
fn d8_a_broken_json_style_declaration_is_not_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(
        p.join("j.yaml"),
        "{\"kind\": \"target\", \"year\": 2023, \"project\": [broken\n",
    )
    .expect("w");
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    let (out, items) = check(p, &["--skip-non-declarations", "j.yaml", "good.yaml"]);
    neighbour_intact(&items);
    assert!(!find(&items, "JX001", "j.yaml").is_empty(), "{items:?}");
    assert_eq!(out.status, 1);
}

/// D10: a param override of the wrong type is a config error, not a rule
/// silently switched off or always on.
#[test]
fn d10_params_of_the_wrong_type_are_config_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    for (params, fragment) in [
        (
            "low_execution: \"70%\"",
            "param `low_execution` is a percentage",
        ),
        (
            "low_execution: abc",
            "param `low_execution` is a percentage",
        ),
        ("low_execution: ~", "param `low_execution` is a percentage"),
        (
            "low_execution: [1]",
            "param `low_execution` is a percentage",
        ),
        ("min_level3: \"100\"", "param `min_level3` is a number"),
        ("min_level3: 70%", "param `min_level3` is a number"),
        ("min_level3: -5", "cannot be negative"),
        ("min_level3: 1e400", "param `min_level3` is a number"),
        ("total_weight: abc", "param `total_weight` is a number"),
        (
            "cost_dims: [1, 2]",
            "each item of param `cost_dims` is text",
        ),
        ("vague_words: \"\"", "param `vague_words` cannot be empty"),
    ] {
        std::fs::write(p.join("p.cfg"), format!("params:\n  {params}\n")).expect("w");
        let out = run(
            p,
            &["check", "good.yaml", "--config", "p.cfg", "--lang", "en"],
        );
        assert_eq!(out.status, 2, "{params}: {}", out.stderr);
        assert!(out.stderr.contains(fragment), "{params}: {}", out.stderr);
    }
    std::fs::write(
        p.join("p.cfg"),
        "params:\n  low_execution: 70%\n  min_level3: 3\n",
    )
    .expect("w");
    let (out, items) = check(p, &["good.yaml", "--config", "p.cfg"]);
    neighbour_intact(&items);
    assert_eq!(out.status, 0);
}

/// The D11 payload: CR + a forged workflow command, an OSC title, BEL,
/// conceal, U+FFFE and a bidi override, in the declarant (JX106's message).
fn injected() -> String {
    good().replace(
        "  declarant: 承德高新区民政局",
        "  declarant: \"X\\r::error file=budget.yaml,line=1::forged\\r\\e]0;pwned\\a\\e[8m hidden \\uFFFE \\u202E反\"",
    )
}

/// D11a, d: human output shows control and bidi characters escaped, in the
/// message and in the snippet, and in a file name.
#[test]
fn d11_human_output_prints_no_control_or_bidi_characters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("a.yaml"), injected()).expect("w");
    std::fs::write(p.join("a\u{1b}[8m.yaml"), good()).expect("w");
    let out = run(p, &["check", "--no-config", "."]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    for bad in ['\r', '\u{1b}', '\u{7}', '\u{202E}'] {
        assert!(
            !out.stdout.contains(bad),
            "{bad:?} printed raw:\n{}",
            out.stdout
        );
    }
    assert!(
        !out.stdout.lines().any(|l| l.starts_with("::")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(r"X\u{d}::error"), "{}", out.stdout);
    assert!(
        out.stdout.contains(r"\u{1b}]0;pwned\u{7}"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(r"\u{202e}反"), "{}", out.stdout);
    assert!(out.stdout.contains(r"a\u{1b}[8m.yaml"), "{}", out.stdout);
    // A raw control character in the file shows as its control picture.
    std::fs::write(
        p.join("c.yaml"),
        "kind: target\nyear: 2023\nx: \"a\u{1b}[8mb\"\n",
    )
    .expect("w");
    let out = run(p, &["check", "--no-config", "c.yaml"]);
    assert!(!out.stdout.contains('\u{1b}'), "{}", out.stdout);
    assert!(out.stdout.contains("a\u{241B}[8mb"), "{}", out.stdout);
}

/// D11a: `--format github` cannot be made to start a command of its own.
#[test]
fn d11_github_output_cannot_be_forged() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.yaml"), injected()).expect("w");
    let out = run(
        dir.path(),
        &["check", "--no-config", "--format", "github", "a.yaml"],
    );
    let lines: Vec<&str> = out
        .stdout
        .split(['\n', '\r'])
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("::warning file=a.yaml,"),
        "{}",
        lines[0]
    );
    assert!(!out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{202E}'));
}

/// D11b: JUnit stays well-formed XML with U+FFFE/U+FFFF in a value or a name.
#[test]
fn d11_junit_is_valid_xml_with_noncharacters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("a.yaml"), injected()).expect("w");
    std::fs::write(p.join("b\u{FFFF}.yaml"), err_decl()).expect("w");
    let out = run(p, &["check", "--no-config", "--format", "junit", "."]);
    assert_eq!(out.status, 1);
    let doc =
        roxmltree::Document::parse(&out.stdout).unwrap_or_else(|e| panic!("{e}:\n{}", out.stdout));
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, 3);
    assert!(!out.stdout.contains('\u{FFFE}') && !out.stdout.contains('\u{FFFF}'));
}

/// D11c: SARIF URIs are percent-encoded, Chinese names included.
#[test]
fn d11_sarif_uris_are_percent_encoded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("a b#1%41?x.yaml"), err_decl()).expect("w");
    std::fs::write(p.join("项目.yaml"), err_decl()).expect("w");
    let out = run(p, &["check", "--no-config", "--format", "sarif", "."]);
    let v: Value = serde_json::from_str(&out.stdout).expect("sarif");
    let mut uris: Vec<String> = v["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri")
                .to_owned()
        })
        .collect();
    uris.sort();
    uris.dedup();
    assert_eq!(uris, ["%E9%A1%B9%E7%9B%AE.yaml", "a%20b%231%2541%3Fx.yaml"]);
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

/// D12: a config cannot make jixiao read (and print) files outside its folder.
#[cfg(unix)]
#[test]
fn d12_config_rule_paths_stay_inside_the_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    std::fs::write(p.join("secret.txt"), "SECRET_TOKEN=ghp_SuperSecret123\n").expect("w");
    std::fs::create_dir(p.join("repo")).expect("mkdir");
    std::fs::write(p.join("repo/good.yaml"), good()).expect("w");
    std::os::unix::fs::symlink("../secret.txt", p.join("repo/link.rules")).expect("ln");
    for rules in [
        "[/proc/self/environ]",
        "[/etc/passwd]",
        "[../secret.txt]",
        "[sub/../../secret.txt]",
        "[link.rules]",
    ] {
        std::fs::write(
            p.join("repo/.jixiao.yaml"),
            format!("lang: en\nrules: {rules}\n"),
        )
        .expect("w");
        let out = run(&p.join("repo"), &["check", ".", "--lang", "en"]);
        assert_eq!(out.status, 2, "{rules}");
        assert!(
            out.stderr.contains("config rule path"),
            "{rules}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("SuperSecret"), "{}", out.stderr);
        assert!(!out.stderr.contains("root:"), "{}", out.stderr);
    }
    // Named on the command line, a file that is no rule file is refused
    // without showing a line of it.
    let out = run(
        p,
        &["check", "--no-config", "good.yaml", "--rules", "secret.txt"],
    );
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("not a rule file"), "{}", out.stderr);
    assert!(!out.stderr.contains("SuperSecret"), "{}", out.stderr);
}

/// D13: a file that blocks on read (`/proc/kmsg` as root) is refused, not
/// waited for, as a rule file and when a folder links to it.
#[cfg(target_os = "linux")]
#[test]
fn d13_files_that_block_are_not_waited_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    std::os::unix::fs::symlink("/proc/kmsg", p.join("log.yaml")).expect("ln");
    let (out, items) = check(p, &["."]);
    neighbour_intact(&items);
    assert_eq!(out.status, 2);
    expect(&items, "JX008", "log.yaml", "/proc or /sys");
    // `--rules` opens without blocking (EAGAIN or permission, never a hang).
    let out = run(
        p,
        &["check", "--no-config", "good.yaml", "--rules", "/proc/kmsg"],
    );
    assert_eq!(out.status, 2, "{}", out.stderr);
}

/// D14: a path problem shows in every machine format; `--config` and
/// `--baseline` are read with a cap and only as regular files.
#[test]
fn d14_path_problems_in_every_format_and_capped_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    let (out, items) = check(p, &["good.yaml", "missing"]);
    assert_eq!(out.status, 2);
    neighbour_intact(&items);
    expect(&items, "JX008", "missing", "cannot access missing");
    let out = run(
        p,
        &[
            "check",
            "--no-config",
            "--format",
            "sarif",
            "good.yaml",
            "missing",
        ],
    );
    assert_eq!(out.status, 2);
    let v: Value = serde_json::from_str(&out.stdout).expect("sarif");
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(
        inv["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "missing"
    );
    let out = run(
        p,
        &[
            "check",
            "--no-config",
            "--format",
            "github",
            "--lang",
            "en",
            "good.yaml",
            "missing",
        ],
    );
    assert!(
        out.stdout
            .contains("::error file=missing,title=JX008::cannot access missing"),
        "{}",
        out.stdout
    );
    let out = run(
        p,
        &[
            "check",
            "--no-config",
            "--format",
            "junit",
            "good.yaml",
            "missing",
        ],
    );
    let doc = roxmltree::Document::parse(&out.stdout).expect("xml");
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("error"))
            .count(),
        1
    );
    #[cfg(unix)]
    for flag in ["--config", "--baseline"] {
        let mut args = vec!["check", "good.yaml", flag, "/dev/zero", "--lang", "en"];
        if flag == "--baseline" {
            args.push("--no-config");
        }
        let out = run(p, &args);
        assert_eq!(out.status, 2);
        assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    }
    // Over the cap (a config is a few lines): refused before reading.
    let f = std::fs::File::create(p.join("huge.cfg")).expect("create");
    f.set_len(2 << 20).expect("set_len");
    let out = run(
        p,
        &["check", "good.yaml", "--config", "huge.cfg", "--lang", "en"],
    );
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("over the limit"), "{}", out.stderr);
}

/// D14: JX008 cannot be switched off (unreadable files would pass silently).
#[test]
fn d14_jx008_cannot_be_turned_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    std::fs::write(p.join("c.cfg"), "severity:\n  JX008: off\n").expect("w");
    let out = run(
        p,
        &["check", "good.yaml", "--config", "c.cfg", "--lang", "en"],
    );
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("cannot be turned off"),
        "{}",
        out.stderr
    );
}

/// D15: two file names that differ only in undecodable bytes stay two names,
/// in the outputs and in the baseline.
#[cfg(target_os = "linux")]
#[test]
fn d15_non_utf8_file_names_stay_distinct() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let a = std::ffi::OsStr::from_bytes(b"a\xff.yaml");
    let b = std::ffi::OsStr::from_bytes(b"a\xfe.yaml");
    std::fs::write(p.join(a), err_decl()).expect("w");
    std::fs::write(p.join(b), err_decl().replace("total: 130", "total: 140")).expect("w");
    let (out, items) = check(p, &[".", "--write-baseline", "b.json"]);
    assert_eq!(out.status, 0, "--write-baseline exits 0");
    let mut names: Vec<&str> = items.iter().filter_map(|i| i["file"].as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names, [r"a\xFE.yaml", r"a\xFF.yaml"]);
    let entries = baseline_entries(&p.join("b.json"));
    let mut files: Vec<&str> = entries.iter().filter_map(|e| e["file"].as_str()).collect();
    files.sort();
    files.dedup();
    assert_eq!(files, [r"a\xFE.yaml", r"a\xFF.yaml"]);
    assert!(
        entries.iter().all(|e| e.get("count").is_none()),
        "{entries:?}"
    );
    let out = run(p, &["check", "--no-config", "."]);
    assert!(out.stdout.contains(r"a\xFF.yaml:17:3"), "{}", out.stdout);
}

/// The clean example with `n` extra indicators (each with a target and a
/// weight) and, when given, a long annual goal.
fn wide_decl(n: usize, goal: &str) -> String {
    let (head, tail) = CLEAN.split_once("    质量指标:").expect("质量指标");
    let mut s = head.replacen("  annual: ", &format!("  annual: {goal} "), 1);
    for i in 0..n {
        s.push_str(&format!(
            "      - {{ name: 指标{i}, target: ≥ {i} 人次, weight: 1 }}\n"
        ));
    }
    s.push_str("    质量指标:");
    s.push_str(tail);
    s
}

/// D7: text scans (`len`, `matches`) count by the text's length and a
/// constant-list lookup by the list's: both stop at the work limit.
#[test]
fn d7_text_scans_and_list_lookups_count_as_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    std::fs::write(
        p.join("lg.yaml"),
        wide_decl(60, &"绩效目标".repeat(300_000)),
    )
    .expect("w");
    std::fs::write(
        p.join("nestlen.rules"),
        "rule JX991 \"nested len\" {\n  severity warning\n  for a in indicators.*.*.* {\n    for b in indicators.*.*.* {\n      assert len(goals.annual) < 0 and not matches(goals.annual, \"Q$\")\n      message \"m\"\n    }\n  }\n}\n",
    )
    .expect("w");
    let started = Instant::now();
    let (_out, items) = check(p, &["lg.yaml", "good.yaml", "--rules", "nestlen.rules"]);
    neighbour_intact(&items);
    let f = find(&items, "JX991", "lg.yaml");
    assert_eq!(f.len(), 1, "{}", f.len());
    assert!(
        f[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("evaluation limit"))
    );
    assert!(started.elapsed() < Duration::from_secs(40));

    let names: Vec<String> = (0..20_000).map(|i| format!("\"名称{i}\"")).collect();
    std::fs::write(
        p.join("inlist.rules"),
        format!(
            "rule JX992 \"constant list\" {{\n  severity warning\n  for ind in indicators.*.*.* {{\n    assert ind.name in [{}]\n    message \"m\"\n  }}\n}}\n",
            names.join(", ")
        ),
    )
    .expect("w");
    std::fs::write(p.join("many.yaml"), wide_decl(20_000, "")).expect("w");
    let (_out, items) = check(p, &["many.yaml", "good.yaml", "--rules", "inlist.rules"]);
    neighbour_intact(&items);
    let f = find(&items, "JX992", "many.yaml");
    assert_eq!(f.len(), 1, "{}", f.len());
    assert!(
        f[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("evaluation limit"))
    );
    // Twelve indicators of the small file, each looked up in full.
    assert_eq!(find(&items, "JX992", "good.yaml").len(), 12);
}

/// The probe's smaller observations: duplicate keys inside `params`,
/// `severity` and `limits` are errors, a baseline with a BOM is read, a
/// `.jixiao.yaml` that is a FIFO is refused rather than skipped for a
/// parent's config, and `-o` errors name the file.
#[test]
fn smaller_observations_of_round_two() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    for (cfg, fragment) in [
        (
            "severity: {JX304: off, JX304: error}\n",
            "duplicate severity for JX304",
        ),
        (
            "params:\n  min_level3: 3\n  min_level3: 4\n",
            "duplicate param `min_level3`",
        ),
        (
            "limits: {max_depth: 10, max_depth: 20}\n",
            "duplicate limit `max_depth`",
        ),
    ] {
        std::fs::write(p.join("d.cfg"), cfg).expect("w");
        let out = run(
            p,
            &["check", "good.yaml", "--config", "d.cfg", "--lang", "en"],
        );
        assert_eq!(out.status, 2, "{cfg}");
        assert!(out.stderr.contains(fragment), "{cfg}: {}", out.stderr);
    }
    let (out, _) = check(p, &["good.yaml", "--write-baseline", "b.json"]);
    assert_eq!(out.status, 0);
    let text = std::fs::read_to_string(p.join("b.json")).expect("r");
    std::fs::write(p.join("bom.json"), format!("\u{FEFF}{text}")).expect("w");
    let (out, items) = check(p, &["good.yaml", "--baseline", "bom.json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(items[0]["suppressed"], true);
    let out = run(
        p,
        &[
            "report",
            "--no-config",
            "--lang",
            "en",
            "good.yaml",
            "-o",
            "no/such/dir/pack.html",
        ],
    );
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("no/such/dir/pack.html"),
        "{}",
        out.stderr
    );
    #[cfg(unix)]
    {
        std::fs::create_dir(p.join("sub")).expect("mkdir");
        std::fs::write(p.join(".jixiao.yaml"), "severity: {JX106: off}\n").expect("w");
        let made = Command::new("mkfifo")
            .arg(p.join("sub/.jixiao.yaml"))
            .status();
        assert!(made.is_ok_and(|s| s.success()));
        std::fs::copy(p.join("good.yaml"), p.join("sub/good.yaml")).expect("cp");
        let out = run(&p.join("sub"), &["check", "good.yaml", "--lang", "en"]);
        assert_eq!(out.status, 2, "{}", out.stdout);
        assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    }
}

/// Whether this runs as root with `setpriv` to drop to `nobody` (the probe's
/// way to make `chmod 000` bite); the unreadable-path cases need it.
#[cfg(target_os = "linux")]
fn can_drop_to_nobody() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    root && Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// D3 and D14 exactly as probed: as `nobody`, an unreadable file is a JX008
/// that no baseline hides and that is never written into one, and an
/// unreadable folder stops the baseline from being rewritten and shows in
/// JSON and SARIF.
#[cfg(target_os = "linux")]
#[test]
fn d3_d14_unreadable_file_and_folder_as_another_user() {
    use std::os::unix::fs::PermissionsExt;
    if !can_drop_to_nobody() {
        eprintln!("skipped: needs root and setpriv");
        return;
    }
    let dir = pair();
    let p = dir.path();
    let mode = |f: &str, m: u32| {
        std::fs::set_permissions(p.join(f), std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    mode(".", 0o777);
    let nobody = |args: &str| {
        sh(
            p,
            &format!(
                "setpriv --reuid=65534 --regid=65534 --clear-groups $J check --no-config --lang en {args}"
            ),
        )
    };
    let (out, _) = check(p, &[".", "--write-baseline", "bl.json"]);
    assert_eq!(out.status, 0, "--write-baseline exits 0");
    mode("bl.json", 0o666);
    mode("err.yaml", 0o000);
    let (code, err) = nobody(". --baseline bl.json --write-baseline bl.json > /dev/null");
    assert_eq!(code, 0, "--write-baseline exits 0: {err}");
    let entries = baseline_entries(&p.join("bl.json"));
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert!(entries.iter().all(|e| e["code"] != "JX008"), "{entries:?}");
    let (code, _) = nobody(". --baseline bl.json > /dev/null");
    assert_eq!(code, 1, "the unreadable file is not hidden");
    mode("err.yaml", 0o644);

    std::fs::create_dir(p.join("sub")).expect("mkdir");
    std::fs::write(p.join("sub/c.yaml"), err_decl()).expect("w");
    let (out, _) = check(p, &[".", "--write-baseline", "bl.json"]);
    assert_eq!(out.status, 0, "--write-baseline exits 0");
    assert_eq!(baseline_entries(&p.join("bl.json")).len(), 5);
    mode("sub", 0o000);
    let (code, err) = nobody(". --baseline bl.json --write-baseline bl.json > /dev/null");
    assert_eq!(code, 2, "{err}");
    assert_eq!(baseline_entries(&p.join("bl.json")).len(), 5);
    let (code, _) = nobody("--format json sub > out.json");
    assert_eq!(code, 2);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(p.join("out.json")).expect("r"))
        .expect("json");
    assert!(
        v[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("cannot read folder")),
        "{v}"
    );
    let (code, _) = nobody("--format sarif sub > out.sarif");
    assert_eq!(code, 2);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(p.join("out.sarif")).expect("r"))
        .expect("sarif");
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], false);
    mode("sub", 0o755);
}

/// D16: weights of 28 digits made a sum overflow, and the undefined assert
/// passed: JX211 was silent. Now the overflow is the rule's own finding.
#[test]
fn d16_an_overflowing_sum_is_reported_not_passed() {
    let src = include_str!("../examples/chengde-2022/01-jujia-yanglao.yaml");
    let mut text = String::new();
    for line in src.split_inclusive('\n') {
        match line.find("weight: ") {
            Some(at) => {
                let digits = line[at + 8..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .count();
                text.push_str(&line[..at + 8]);
                text.push_str("9999999999999999999999999999");
                text.push_str(&line[at + 8 + digits..]);
            }
            None => text.push_str(line),
        }
    }
    assert!(text.matches("9999999999999999999999999999").count() >= 8);
    let (_d, out, items) = case("w.yaml", text.as_bytes());
    expect(&items, "JX211", "w.yaml", "a computation overflowed");
    assert_eq!(out.status, 1);
}

/// D8: a declaration over the size limit whose `kind:` comes after 64 KB of
/// comments is still reported (JX008, over the limit), while a large YAML
/// file that never mentions `kind` stays out of a folder scan.
#[test]
fn d8_kind_after_64_kb_in_a_file_over_the_limit_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir(p.join("big")).expect("mkdir");
    let mut text = format!("# {}\n", "x".repeat(98)).repeat(700);
    text.push_str(&err_decl());
    text.push_str(&format!("# {}\n", "y".repeat(98)).repeat(110_000));
    assert!(text.len() > 10 * 1024 * 1024);
    std::fs::write(p.join("big/a.yaml"), &text).expect("w");
    std::fs::write(p.join("big/data.yaml"), "x: 1\n".repeat(2_200_000)).expect("w");
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    let (out, items) = check(p, &["big", "good.yaml"]);
    neighbour_intact(&items);
    expect(&items, "JX008", "a.yaml", "over the limit");
    assert!(find(&items, "JX008", "data.yaml").is_empty(), "{items:?}");
    assert_eq!(out.status, 1);
}

/// D8: a declaration in the second YAML document (the first empty) found in a
/// folder is reported as when it is named, not skipped as "0 files".
#[test]
fn d8_a_declaration_in_a_later_document_is_not_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir(p.join("two")).expect("mkdir");
    std::fs::write(p.join("two/t.yaml"), format!("---\n---\n{}", err_decl())).expect("w");
    std::fs::write(
        p.join("two/ci.yaml"),
        "on: push\n---\njobs: {}\n---\nkind: Deployment\n",
    )
    .expect("w");
    let codes = |items: &[Value]| {
        let mut c: Vec<String> = items
            .iter()
            .map(|i| format!("{} {}", i["code"], i["line"]))
            .collect();
        c.sort();
        c
    };
    let (named, by_name) = check(p, &["two/t.yaml"]);
    let (out, in_folder) = check(p, &["two"]);
    assert_eq!(out.status, 1);
    assert_eq!(out.status, named.status);
    assert_eq!(codes(&in_folder), codes(&by_name));
    expect(&in_folder, "JX001", "t.yaml", "one YAML document per file");
    assert!(
        in_folder
            .iter()
            .all(|i| i["file"].as_str().is_some_and(|f| f.ends_with("t.yaml"))),
        "other YAML with several documents stays out: {in_folder:?}"
    );
    assert!(out.stdout.contains("JX001"), "{}", out.stdout);
}

/// D9: a summary checked on its own reports a broken project file of its
/// folder (its syntax error), and is not summed without it (no false JX501–
/// JX503); with the file repaired the sums are back.
#[test]
fn d9_a_summary_alone_reports_a_broken_project_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022");
    std::fs::create_dir(p.join("c")).expect("mkdir");
    for e in std::fs::read_dir(&src).expect("examples") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), p.join("c").join(e.file_name())).expect("cp");
    }
    let (out, items) = check(p, &["c/summary.yaml"]);
    assert_eq!(out.status, 1);
    let before: Vec<&Value> = items.iter().filter(|i| i["code"] == "JX503").collect();
    assert_eq!(before.len(), 1, "{items:?}");
    let broken = p.join("c/01-jujia-yanglao.yaml");
    let mut text = std::fs::read_to_string(&broken).expect("r");
    text.push_str("kind: self-evaluation\nyear: 2022\nproject: [broken\n");
    std::fs::write(&broken, text).expect("w");
    let (out, items) = check(p, &["c/summary.yaml"]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    let jx001 = find(&items, "JX001", "01-jujia-yanglao.yaml");
    assert_eq!(jx001.len(), 1, "{items:?}");
    for code in ["JX501", "JX502", "JX503"] {
        assert!(
            find(&items, code, "summary.yaml").is_empty(),
            "{code} computed without the broken file: {items:?}"
        );
    }
    // Human output names the broken file and counts it.
    let out = run(
        p,
        &["check", "--no-config", "--lang", "en", "c/summary.yaml"],
    );
    assert!(
        out.stdout.contains("01-jujia-yanglao.yaml"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("in 2 files"), "{}", out.stdout);
}

/// D13: a FIFO named on the command line, as YAML or as a workbook, is a
/// JX008 at once (the reader opens without blocking), never a hang.
#[cfg(unix)]
#[test]
fn d13_a_fifo_named_on_the_command_line_does_not_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    for f in ["pipe.yaml", "pipe.xlsx"] {
        let made = Command::new("mkfifo").arg(p.join(f)).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    }
    let started = Instant::now();
    let (out, items) = check(p, &["pipe.yaml", "pipe.xlsx", "good.yaml"]);
    assert!(started.elapsed() < Duration::from_secs(30));
    neighbour_intact(&items);
    expect(&items, "JX008", "pipe.yaml", "not a regular file");
    expect(&items, "JX008", "pipe.xlsx", "not a regular file");
    assert_eq!(out.status, 1);
}

/// `--fix` and `-o` on a file this user may not write: the atomic rename
/// needs only the folder's permission, so it replaced a read-only file
/// (and, as another user, took it over: owner and mode changed). Now the
/// file is left as it was, byte for byte, and the run exits 2 saying why.
#[cfg(target_os = "linux")]
#[test]
fn fix_and_output_leave_a_read_only_file_alone() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let root_user = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if root_user && !can_drop_to_nobody() {
        eprintln!("skipped: root without setpriv cannot be refused a write");
        return;
    }
    let as_user = if root_user {
        "setpriv --reuid=65534 --regid=65534 --clear-groups $J"
    } else {
        "$J"
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022");
    for e in std::fs::read_dir(&seed).expect("seed").flatten() {
        std::fs::copy(e.path(), p.join(e.file_name())).expect("cp");
    }
    std::fs::write(p.join("out.json"), "[]\n").expect("w");
    let mode = |f: &str, m: u32| {
        std::fs::set_permissions(p.join(f), std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    // The folder is writable by all: only the file's own mode protects it.
    mode(".", 0o777);
    mode("summary.yaml", 0o444);
    mode("out.json", 0o444);
    let before = std::fs::read(p.join("summary.yaml")).expect("r");
    let meta = std::fs::metadata(p.join("summary.yaml")).expect("stat");

    let (code, err) = sh(
        p,
        &format!("{as_user} check --no-config --lang en --fix . > /dev/null"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("summary.yaml") && err.contains("read-only"),
        "{err}"
    );
    let after = std::fs::metadata(p.join("summary.yaml")).expect("stat");
    assert_eq!(std::fs::read(p.join("summary.yaml")).expect("r"), before);
    assert_eq!(after.mode() & 0o777, 0o444);
    assert_eq!((after.uid(), after.ino()), (meta.uid(), meta.ino()));
    assert!(temporaries(p).is_empty(), "{:?}", temporaries(p));

    let (code, err) = sh(
        p,
        &format!("{as_user} check --no-config --lang en --format json -o out.json ."),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("out.json") && err.contains("read-only"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(p.join("out.json")).expect("r"),
        "[]\n"
    );

    // A writable file in the same folder is still fixed.
    mode("summary.yaml", 0o666);
    let (code, err) = sh(
        p,
        &format!("{as_user} check --no-config --lang en --fix . > /dev/null"),
    );
    assert_eq!(code, 0, "{err}");
    assert_ne!(std::fs::read(p.join("summary.yaml")).expect("r"), before);
}

/// A year written but unusable (`-2022`, `0x7E6`, 32 digits, `!!binary`) is
/// one JX003 at the value; it was also a JX008 "`year` is missing" at line 1,
/// two errors for one mistake and the second one false. A year really absent
/// is still the JX008 alone.
#[test]
fn a_bad_year_is_one_wrong_type_not_also_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    let bad = [
        "-2022",
        "0x7E6",
        "99999999999999999999999999999999",
        "!!binary aGVsbG8=",
    ];
    for (i, y) in bad.iter().enumerate() {
        let text = good().replace("\nyear: 2023\n", &format!("\nyear: {y}\n"));
        assert_ne!(text, good());
        std::fs::write(p.join(format!("y{i}.yaml")), text).expect("w");
    }
    std::fs::write(p.join("none.yaml"), good().replace("\nyear: 2023\n", "\n")).expect("w");
    let (out, items) = check(p, &["."]);
    assert_eq!(out.status, 1);
    neighbour_intact(&items);
    for i in 0..bad.len() {
        let file = format!("y{i}.yaml");
        let codes: Vec<&str> = find(&items, "JX003", &file)
            .iter()
            .chain(find(&items, "JX008", &file).iter())
            .map(|v| v["code"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(codes, ["JX003"], "{file}: {items:?}");
        assert_eq!(expect(&items, "JX003", &file, "four-digit year")["line"], 7);
    }
    expect(&items, "JX008", "none.yaml", "`year` is missing");
    assert!(find(&items, "JX003", "none.yaml").is_empty());
}

/// stdout and stderr both failing (a full disk under a CI log: `/dev/full`)
/// made the error message itself panic, exit 101; it is a failed run, 2.
#[cfg(target_os = "linux")]
#[test]
fn output_and_error_streams_both_failing_is_exit_2_not_a_panic() {
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full");
        return;
    }
    let dir = pair();
    for args in [
        "check --no-config .",
        "check --no-config --format json .",
        "check --no-config --statistics .",
        "rules",
        "explain JX101",
    ] {
        let (code, err) = sh(dir.path(), &format!("$J {args} >/dev/full 2>/dev/full"));
        assert_eq!(code, 2, "{args}: {err}");
        // Only stdout failing: the run says so on stderr, exit 2.
        let (code, err) = sh(dir.path(), &format!("$J {args} >/dev/full"));
        assert_eq!(code, 2, "{args}");
        assert!(err.contains("No space left on device"), "{args}: {err}");
    }
}

/// A rule file or config saved as "Unicode" (UTF-16 with a BOM, Windows
/// Notepad's default for non-ASCII) was refused at byte 0 while a
/// declaration saved so is read; now all are read alike, and a GBK config
/// is named as GBK.
#[test]
fn rule_files_and_configs_in_utf16_are_read_and_gbk_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("good.yaml"), good()).expect("w");
    let utf16 = |s: &str| -> Vec<u8> {
        let mut b = vec![0xFF, 0xFE];
        b.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        b
    };
    std::fs::write(
        p.join("ours.rules"),
        utf16(
            "rule CD1 \"年度\" {\r\n  assert year > 3000\r\n  message \"年度不晚于 3000\"\r\n}\r\n",
        ),
    )
    .expect("w");
    std::fs::write(p.join("cfg.yaml"), utf16("params:\n  min_level3: 30\n")).expect("w");
    let (out, items) = check(
        p,
        &["good.yaml", "--rules", "ours.rules", "--config", "cfg.yaml"],
    );
    assert_eq!(out.status, 1, "{}", out.stderr);
    expect(&items, "CD1", "good.yaml", "年度不晚于 3000");
    expect(&items, "JX101", "good.yaml", "at least 30");
    neighbour_intact(&items);

    let gbk: Vec<u8> = encoding_rs::GBK
        .encode("params:\n  min_level3: 30 # 三十\n")
        .0
        .into_owned();
    std::fs::write(p.join("cfg.yaml"), gbk).expect("w");
    let out = run(
        p,
        &["check", "good.yaml", "--config", "cfg.yaml", "--lang", "en"],
    );
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("it looks like GBK"), "{}", out.stderr);
}

/// A finding on line 1 of a UTF-8 file with a BOM was a column to the right
/// (the BOM counted as a character) in every format, while the same file
/// saved as UTF-16 (whose BOM is dropped when decoded) was not.
#[test]
fn a_byte_order_mark_is_not_a_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let text = format!("kindx: 1\n{}", good());
    let mut utf8 = "\u{FEFF}".as_bytes().to_vec();
    utf8.extend(text.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(p.join("bom8.yaml"), utf8).expect("w");
    std::fs::write(p.join("bom16.yaml"), utf16).expect("w");
    let (_, items) = check(p, &["."]);
    for f in ["bom8.yaml", "bom16.yaml"] {
        let hit = expect(&items, "JX002", f, "kindx");
        assert_eq!(
            (&hit["line"], &hit["column"], &hit["end_column"]),
            (&Value::from(1), &Value::from(1), &Value::from(6)),
            "{f}"
        );
    }
    let out = run(
        p,
        &["check", "--no-config", "--format", "github", "bom8.yaml"],
    );
    assert!(
        out.stdout
            .contains("file=bom8.yaml,line=1,col=1,endLine=1,endColumn=6,"),
        "{}",
        out.stdout
    );
    let out = run(p, &["check", "--no-config", "bom8.yaml"]);
    assert!(out.stdout.contains("[bom8.yaml:1:1]"), "{}", out.stdout);
    // Line 2 and below are as they were.
    let out = run(
        p,
        &["check", "--no-config", "--format", "github", "bom8.yaml"],
    );
    assert!(!out.stdout.contains("line=1,col=2"), "{}", out.stdout);
}
