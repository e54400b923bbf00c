//! `jixiao import` and `jixiao export` from the command line: files written
//! atomically, several tables to a folder, the input workbook never touched,
//! and bad workbooks reported with exit status 1, never a crash.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn jixiao(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn example(name: &str) -> String {
    format!(
        "{}/examples/chengde-2022/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn export_then_import_gives_the_declaration_back() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let o = jixiao(
        &["export", &example("01-jujia-yanglao.yaml"), "-o", "01.xlsx"],
        d,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let book = std::fs::read(d.join("01.xlsx")).unwrap();
    assert!(book.starts_with(b"PK"));
    let o = jixiao(&["import", "01.xlsx", "-o", "01.yaml"], d);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let yaml = std::fs::read_to_string(d.join("01.yaml")).unwrap();
    assert!(yaml.contains("executed: 29.5896  # 自评表!E9\n"), "{yaml}");
    // the workbook is untouched and no temporary file is left behind
    assert_eq!(std::fs::read(d.join("01.xlsx")).unwrap(), book);
    let names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // the imported YAML checks like the original: the same findings
    let a = jixiao(&["check", "--no-config", "--format", "json", "01.yaml"], d);
    let b = jixiao(
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            &example("01-jujia-yanglao.yaml"),
        ],
        d,
    );
    let codes = |o: &Output| {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut c: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        c.sort();
        c
    };
    assert_eq!(codes(&a), codes(&b));
    assert_eq!(a.status.code(), b.status.code());
    // standard output when -o is not given
    let o = jixiao(&["import", "01.xlsx"], d);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), yaml);
}

#[test]
fn several_tables_go_to_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // a workbook with two table sheets
    let tables: Vec<(&str, String)> = [
        ("居家养老", "01-jujia-yanglao.yaml"),
        ("汇总", "summary.yaml"),
    ]
    .into_iter()
    .map(|(sheet, file)| (sheet, std::fs::read_to_string(example(file)).unwrap()))
    .collect();
    let sheets: Vec<(&str, &str)> = tables.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let mut wb = common::book_of(&sheets, &|t| t.to_string());
    wb.save(d.join("两表.xlsx")).unwrap();
    let o = jixiao(&["import", "两表.xlsx"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("-o"));
    let o = jixiao(&["import", "两表.xlsx", "-o", "decl.yaml"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(!d.join("decl.yaml").exists());
    let o = jixiao(&["import", "两表.xlsx", "-o", "decl/"], d);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let a = std::fs::read_to_string(d.join("decl/两表-居家养老.yaml")).unwrap();
    let b = std::fs::read_to_string(d.join("decl/两表-汇总.yaml")).unwrap();
    assert!(
        a.contains("kind: self-evaluation\n") && a.contains("# 居家养老!"),
        "{a}"
    );
    assert!(
        b.contains("kind: summary\n") && b.contains("executed: 260.15  # 汇总!E3"),
        "{b}"
    );
}

#[test]
fn bad_workbooks_exit_1_with_one_message() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("empty.xlsx"), b"").unwrap();
    std::fs::write(
        d.join("page.xls"),
        b"<html><body><table><tr><td>x</td></tr></table></body></html>",
    )
    .unwrap();
    std::fs::write(d.join("broken.xlsx"), b"PK\x03\x04 not really a zip").unwrap();
    for (f, want) in [
        ("empty.xlsx", "文件为空"),
        ("page.xls", "网页（HTML）"),
        ("broken.xlsx", "工作簿已损坏"),
    ] {
        let o = jixiao(&["import", f, "-o", "out.yaml"], d);
        assert_eq!(o.status.code(), Some(1), "{f}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want) && err.contains("JX008"), "{f}: {err}");
        assert!(!d.join("out.yaml").exists());
    }
    let o = jixiao(&["import", "page.xls", "--lang", "en"], d);
    assert!(String::from_utf8_lossy(&o.stderr).contains("web page (HTML)"));
}

#[test]
fn export_refuses_a_file_that_is_not_a_declaration() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("ci.yaml"), "on: push\n").unwrap();
    let o = jixiao(&["export", "ci.yaml", "-o", "ci.xlsx"], d);
    assert_eq!(o.status.code(), Some(1));
    assert!(!d.join("ci.xlsx").exists());
    let o = jixiao(&["export", "ci.yaml", "-o", "ci.yaml"], d);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(d.join("ci.yaml")).unwrap(),
        "on: push\n"
    );
}

#[test]
fn the_chengde_workbooks_give_the_yaml_findings_at_their_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/chengde-2022-xlsx");
    let mut tables = std::collections::HashMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let book = jixiao::workbook::read(&std::fs::read(&p).unwrap(), "x.xlsx").unwrap();
        let name = format!("{}.yaml", p.file_stem().unwrap().to_string_lossy());
        std::fs::write(d.join(&name), book.tables[0].yaml.as_bytes()).unwrap();
        tables.insert(name, book);
    }
    assert_eq!(tables.len(), 11);
    let run = |path: &str| {
        let o = jixiao(&["check", "--no-config", "--format", "json", path], d);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_array().unwrap().clone()
    };
    let got = run(".");
    let want = run(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/chengde-2022"
    ));
    let key = |f: &serde_json::Value| {
        let file = f["file"].as_str().unwrap();
        let file = file.rsplit('/').next().unwrap().to_string();
        (f["code"].as_str().unwrap().to_string(), file)
    };
    let mut g: Vec<_> = got.iter().map(key).collect();
    let mut w: Vec<_> = want.iter().map(key).collect();
    g.sort();
    w.sort();
    assert_eq!(g, w);
    // each finding at its cell: JX503 at the summary's 全年执行数, JX304 at 执行率
    for f in &got {
        let (code, file) = key(f);
        let book = &tables[&file];
        let off = f["offset"].as_u64().unwrap() as usize;
        let len = f["length"].as_u64().unwrap() as usize;
        let cell = book.tables[0].cell_at(off, off + len).expect("a cell");
        let name = jixiao::workbook::cell_name(&cell);
        let shown = &book.sheets[0].rows[cell.row as usize][cell.col as usize];
        match code.as_str() {
            "JX503" => assert_eq!((name.as_str(), shown.as_str()), ("E3", "260.15")),
            // 全年执行数 is column E of the 10号 funds row
            "JX304" => assert!(
                name.starts_with('E') && shown.parse::<f64>().is_ok(),
                "{file}: {name} {shown}"
            ),
            _ => panic!("unexpected {code}"),
        }
    }
}

/// A finding of the cross-document phase whose label points into a workbook
/// table with no finding of its own (its table let go after phase 1) still
/// puts that label on the table's cell: the table is read again from its
/// book. Machine formats (JSON) and the human output alike.
#[test]
fn a_label_into_a_table_without_findings_points_at_its_cell() {
    let d = tempfile::tempdir().unwrap();
    let target = std::fs::read_to_string(format!(
        "{}/examples/target-clean.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let self_eval = target
        .replacen("kind: target", "kind: self-evaluation", 1)
        .replacen("target: ≥ 6000 人次", "target: ≥ 5000 人次", 1);
    assert_ne!(self_eval, target);
    let book = jixiao::workbook::export(&target).unwrap();
    std::fs::write(d.path().join("target.xlsx"), &book).unwrap();
    std::fs::write(
        d.path().join("self.xlsx"),
        jixiao::workbook::export(&self_eval).unwrap(),
    )
    .unwrap();
    let out = jixiao(&["check", "--no-config", "--format", "json", "."], d.path());
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !items.iter().any(|f| f["file"] == "target.xlsx"),
        "{items:?}"
    );
    let changed = items
        .iter()
        .find(|f| f["code"] == "JX409" && f["message"].as_str().unwrap().contains("5000"))
        .expect("JX409 on the changed target");
    let label = changed["labels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["file"] == "target.xlsx")
        .expect("a label into the target");
    let table = &jixiao::workbook::read(&book, "target.xlsx").unwrap().tables[0];
    let (off, len) = (
        label["offset"].as_u64().unwrap() as usize,
        label["length"].as_u64().unwrap() as usize,
    );
    assert_eq!(&table.yaml[off..off + len], "≥ 6000 人次");
    let cell = table.anchor(off, off + len).unwrap();
    assert_eq!(
        (label["line"].as_u64(), label["column"].as_u64()),
        (Some(u64::from(cell.row) + 1), Some(u64::from(cell.col) + 1))
    );
    let human = jixiao(&["check", "--no-config", "."], d.path());
    let human = String::from_utf8(human.stdout).unwrap();
    let name = jixiao::workbook::cell_name(&cell);
    assert!(
        human.contains("target.xlsx") && human.contains(&name),
        "{name}: {human}"
    );
}

/// `import` and `export` read as `check` does: a FIFO hung them and
/// `/dev/zero` was read until memory ran out; a UTF-16 declaration was
/// refused; `./x` and a hard link of the input were overwritten.
#[cfg(unix)]
#[test]
fn import_and_export_read_only_regular_files_and_never_overwrite_an_input() {
    use std::time::{Duration, Instant};
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for f in ["pipe.yaml", "pipe.xlsx"] {
        let made = Command::new("mkfifo").arg(d.join(f)).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    }
    let started = Instant::now();
    for args in [
        ["export", "pipe.yaml", "-o", "o.xlsx"],
        ["import", "pipe.xlsx", "-o", "o.yaml"],
        ["export", "/dev/zero", "-o", "o.xlsx"],
        ["import", "/dev/zero", "-o", "o.yaml"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--lang", "en"]);
        let o = jixiao(&all, d);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("not a regular file"), "{args:?}: {err}");
    }
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(!d.join("o.xlsx").exists() && !d.join("o.yaml").exists());

    // A declaration saved as UTF-16 (Windows Notepad's "Unicode") exports
    // as its UTF-8 twin does.
    let yaml = std::fs::read_to_string(example("01-jujia-yanglao.yaml")).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(yaml.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(d.join("u16.yaml"), &utf16).unwrap();
    std::fs::write(d.join("u8.yaml"), &yaml).unwrap();
    for f in ["u16", "u8"] {
        let o = jixiao(
            &["export", &format!("{f}.yaml"), "-o", &format!("{f}.xlsx")],
            d,
        );
        assert_eq!(o.status.code(), Some(0), "{f}: {o:?}");
    }
    let import = |f: &str| {
        let o = jixiao(&["import", f], d);
        assert_eq!(o.status.code(), Some(0));
        String::from_utf8(o.stdout).unwrap()
    };
    assert_eq!(import("u16.xlsx"), import("u8.xlsx"));

    // A workbook given to export says so.
    let o = jixiao(
        &["export", "u8.xlsx", "-o", "again.xlsx", "--lang", "en"],
        d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("use import"));

    // The input named another way is still the input.
    let o = jixiao(&["export", "./u8.yaml", "-o", "u8.yaml"], d);
    assert_eq!(o.status.code(), Some(2));
    std::fs::hard_link(d.join("u8.xlsx"), d.join("link.yaml")).unwrap();
    let before = std::fs::read(d.join("u8.xlsx")).unwrap();
    let o = jixiao(&["import", "u8.xlsx", "-o", "./link.yaml"], d);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(d.join("u8.xlsx")).unwrap(), before);
    assert_eq!(std::fs::read_to_string(d.join("u8.yaml")).unwrap(), yaml);
}

/// A workbook of several tables: JSON's `file` was `two.xlsx:自评表`, a
/// name no script can open (GitHub and SARIF gave `two.xlsx`); now it is the
/// workbook, with `sheet` and `cell` saying where.
#[test]
fn json_names_the_workbook_of_a_table_in_a_book_of_several() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let text = std::fs::read_to_string(example("01-jujia-yanglao.yaml")).unwrap();
    let one = jixiao::workbook::export(&text).unwrap();
    // The same sheet twice, the second named 第二表.
    std::fs::write(d.join("two.xlsx"), common::two_tables(&one)).unwrap();
    let o = jixiao(&["check", "--no-config", "--format", "json", "two.xlsx"], d);
    let items: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<(String, String, String)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (s("file"), s("sheet"), s("cell"))
        })
        .collect();
    assert_eq!(got.len(), 2, "{items}");
    assert!(got.iter().all(|g| g.0 == "two.xlsx"), "{got:?}");
    let mut sheets: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
    sheets.sort();
    assert_eq!(sheets.len(), 2);
    assert!(sheets.contains(&"第二表"), "{got:?}");
    assert!(got.iter().all(|g| g.2 == got[0].2), "{got:?}");
    // The terminal still tells the tables apart in its header.
    let o = jixiao(&["check", "--no-config", "two.xlsx"], d);
    let human = String::from_utf8_lossy(&o.stdout);
    assert!(human.contains("[two.xlsx:第二表!"), "{human}");
}

/// A workbook found in a folder that holds no known table (here jixiao's own
/// review pack) is not a declaration: the folder checks as without it. Named,
/// it is a JX008 whose help is about workbooks, not about YAML encodings.
#[test]
fn a_workbook_without_a_table_is_skipped_in_a_folder_and_reported_when_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::copy(example("01-jujia-yanglao.yaml"), d.join("01.yaml")).unwrap();
    let o = jixiao(
        &[
            "report",
            "--no-config",
            ".",
            "--format",
            "xlsx",
            "-o",
            "评审.xlsx",
        ],
        d,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let alone = jixiao(&["check", "--no-config", "--format", "json", "01.yaml"], d);
    let folder = jixiao(&["check", "--no-config", "--format", "json", "."], d);
    assert_eq!(folder.status.code(), alone.status.code());
    assert_eq!(
        String::from_utf8_lossy(&folder.stdout),
        String::from_utf8_lossy(&alone.stdout)
    );
    let named = jixiao(
        &["check", "--no-config", "--format", "json", "评审.xlsx"],
        d,
    );
    assert_eq!(named.status.code(), Some(1));
    let out = String::from_utf8_lossy(&named.stdout);
    assert!(out.contains("\"code\":\"JX008\""), "{out}");
    assert!(out.contains("jixiao import"), "{out}");
    assert!(!out.contains("UTF-8"), "{out}");
}

/// Two sheets whose names differ only in characters a file name cannot hold
/// (`a<b`, `a>b`) both become `…-a_b.yaml`: the second is written as
/// `…-a_b-2.yaml`, so no table is lost.
#[test]
fn import_keeps_two_tables_whose_file_names_would_collide() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let yaml = std::fs::read_to_string(example("01-jujia-yanglao.yaml")).unwrap();
    let mut wb = common::book_of(&[("a<b", &yaml), ("a>b", &yaml)], &|s| s.to_owned());
    wb.save(d.join("two.xlsx")).unwrap();
    let o = jixiao(&["import", "two.xlsx", "-o", "out/"], d);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(d.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["two-a_b-2.yaml", "two-a_b.yaml"]);
}
