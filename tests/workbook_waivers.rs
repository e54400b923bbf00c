//! Waivers and baselines on workbooks, end to end through `jixiao check`
//! (SPEC §5: "a waiver is a row in a sheet named 豁免 with 规则 / 理由 / 批准
//! columns"): a 豁免 row silences its rule like a YAML waiver, a row without
//! 理由 is the same JX009 a YAML waiver without reason gives and points at the
//! row in the 豁免 sheet, and a baseline written from a workbook suppresses
//! its findings until a cell changes. Fixtures are built with rust_xlsxwriter.

mod common;

use serde_json::Value;
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
    std::fs::read_to_string(format!(
        "{}/examples/chengde-2022/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn json(o: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    v.as_array().unwrap().clone()
}

/// `(code, sheet, cell, suppressed)` of every finding, sorted.
fn cells(fs: &[Value]) -> Vec<(String, String, String, bool)> {
    let mut v: Vec<_> = fs
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["sheet"].as_str().unwrap_or("").to_string(),
                f["cell"].as_str().unwrap_or("").to_string(),
                f["suppressed"] == true,
            )
        })
        .collect();
    v.sort();
    v
}

/// The 10号 自评表 of `examples/chengde-2022/01-jujia-yanglao.yaml` (its
/// execution rate of 19.7 % gives JX304) as an officer's workbook: the
/// exported table copied cell by cell (with `edit` applied to each cell's
/// text), and, when `waivers` is given, a 豁免 sheet with a header row and
/// one row per `(规则, 理由, 批准)`.
fn book(waivers: Option<&[(&str, &str, &str)]>, edit: &dyn Fn(&str) -> String) -> Vec<u8> {
    let rows: Option<Vec<Vec<&str>>> =
        waivers.map(|ws| ws.iter().map(|(a, b, c)| vec![*a, *b, *c]).collect());
    book_with(
        rows.as_deref()
            .map(|rows| (&["规则", "理由", "批准"][..], rows)),
        edit,
    )
}

/// [`book`] with a 豁免 sheet of any columns: its header and rows.
fn book_with(waivers: Option<(&[&str], &[Vec<&str>])>, edit: &dyn Fn(&str) -> String) -> Vec<u8> {
    let yaml = example("01-jujia-yanglao.yaml");
    book_of(&[("自评表", &yaml)], waivers, edit)
}

/// A workbook of one sheet per `(name, declaration)`, each the official
/// table `export` writes for it (texts through `edit`), and the 豁免 sheet.
fn book_of(
    sheets: &[(&str, &str)],
    waivers: Option<(&[&str], &[Vec<&str>])>,
    edit: &dyn Fn(&str) -> String,
) -> Vec<u8> {
    let mut wb = common::book_of(sheets, edit);
    if let Some((header, rows)) = waivers {
        let ws = wb.add_worksheet().set_name("豁免").unwrap();
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, t) in row.iter().enumerate() {
                if !t.is_empty() {
                    ws.write_string(1 + r as u32, c as u16, *t).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn same(t: &str) -> String {
    t.to_string()
}

const REASON: &str = "财政资金未拨付到位，经专家评审会同意";

#[test]
fn a_waiver_row_in_the_sheet_suppresses_its_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("plain.xlsx"), book(None, &same)).unwrap();
    std::fs::write(
        d.join("book.xlsx"),
        book(Some(&[("JX304", REASON, "2023-03-15 专家评审会")]), &same),
    )
    .unwrap();
    // Without the sheet: the JX304 warning at the 全年执行数 cell (exit 1
    // when warnings are denied).
    let o = jixiao(
        &[
            "check",
            "--no-config",
            "--deny-warnings",
            "--format",
            "json",
            "plain.xlsx",
        ],
        d,
    );
    assert_eq!(o.status.code(), Some(1));
    let plain = cells(&json(&o));
    assert_eq!(plain.len(), 1, "{plain:?}");
    let (code, sheet, cell, suppressed) = &plain[0];
    assert_eq!((code.as_str(), sheet.as_str()), ("JX304", "自评表"));
    assert!(cell.starts_with('E'), "{cell}");
    assert!(!suppressed);
    // With it: the same finding at the same cell, suppressed with the reason.
    let o = jixiao(
        &[
            "check",
            "--no-config",
            "--deny-warnings",
            "--format",
            "json",
            "book.xlsx",
        ],
        d,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let fs = json(&o);
    let got = cells(&fs);
    assert_eq!(
        got,
        vec![(code.clone(), sheet.clone(), cell.clone(), true)],
        "{fs:?}"
    );
    assert_eq!(fs[0]["reason"], REASON);
    // Human output counts it as waived and does not show it.
    let o = jixiao(&["check", "--no-config", "book.xlsx"], d);
    let h = String::from_utf8_lossy(&o.stdout);
    assert!(!h.contains("JX304"), "{h}");
    assert!(
        h.trim_end().ends_with(
            "0 个错误，0 个警告，1 条已豁免，共 1 个文件（0 errors, 0 warnings, 1 suppressed in 1 file）"
        ),
        "{h}"
    );
    let o = jixiao(&["check", "--no-config", "--lang", "en", "book.xlsx"], d);
    let h = String::from_utf8_lossy(&o.stdout);
    assert!(
        h.trim_end()
            .ends_with("0 errors, 0 warnings, 1 suppressed in 1 file"),
        "{h}"
    );
}

#[test]
fn a_waiver_row_without_a_reason_is_the_yaml_jx009_at_its_row() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Row 2 has no 理由; row 3 names no rule that exists; row 4 silences nothing.
    std::fs::write(
        d.join("book.xlsx"),
        book(
            Some(&[
                ("JX304", "", "专家评审会"),
                ("JX3O4", REASON, ""),
                ("JX101", "指标已够", ""),
            ]),
            &same,
        ),
    )
    .unwrap();
    let o = jixiao(
        &["check", "--no-config", "--format", "json", "book.xlsx"],
        d,
    );
    assert_eq!(o.status.code(), Some(1));
    let fs = json(&o);
    let got = cells(&fs);
    let jx304 = got.iter().find(|c| c.0 == "JX304").expect("JX304").clone();
    assert!(!jx304.3, "a waiver without reason has no effect: {got:?}");
    let at = |cell: &str| {
        fs.iter()
            .find(|f| f["code"] == "JX009" && f["sheet"] == "豁免" && f["cell"] == cell)
            .unwrap_or_else(|| panic!("no JX009 at 豁免!{cell}: {fs:?}"))
    };
    let no_reason = at("A2");
    assert_eq!(no_reason["severity"], "error");
    assert_eq!(no_reason["message"], "豁免 JX304 没有写明理由，未生效");
    assert_eq!(no_reason["line"], 2);
    assert_eq!(no_reason["column"], 1);
    let unknown = at("A3");
    assert_eq!(unknown["message"], "豁免的规则“JX3O4”不存在");
    assert_eq!(unknown["help"], "是不是 JX304？");
    let unused = at("A4");
    assert_eq!(unused["severity"], "warning");
    assert_eq!(unused["message"], "豁免 JX101 没有豁免任何发现，可以删除");
    assert_eq!(got.len(), 4, "{got:?}");

    // The same waiver in YAML gives the same finding (code, severity, message).
    let yaml = format!(
        "{}waivers:\n  - rule: JX304\n    approved_by: 专家评审会\n",
        example("01-jujia-yanglao.yaml")
    );
    std::fs::write(d.join("a.yaml"), yaml).unwrap();
    let o = jixiao(&["check", "--no-config", "--format", "json", "a.yaml"], d);
    let y = json(&o);
    let from_yaml = y.iter().find(|f| f["code"] == "JX009").expect("JX009");
    for k in ["code", "severity", "message"] {
        assert_eq!(from_yaml[k], no_reason[k], "{k}");
    }

    // Human output shows the finding and counts the file once.
    let o = jixiao(&["check", "--no-config", "--lang", "en", "book.xlsx"], d);
    let h = String::from_utf8_lossy(&o.stdout);
    assert_eq!(h.matches("JX009").count(), 3, "{h}");
    assert!(
        h.trim_end().ends_with("2 errors, 2 warnings in 1 file"),
        "{h}"
    );
}

#[test]
fn a_baseline_of_a_workbook_holds_until_a_cell_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("book.xlsx"), book(None, &same)).unwrap();
    let o = jixiao(
        &[
            "check",
            "--no-config",
            "--deny-warnings",
            "book.xlsx",
            "--write-baseline",
            "b.json",
        ],
        d,
    );
    // Writing a baseline succeeds (exit 0), whatever it recorded.
    assert_eq!(o.status.code(), Some(0));
    let b: Value = serde_json::from_slice(&std::fs::read(d.join("b.json")).unwrap()).unwrap();
    assert!(b.to_string().contains("JX304"), "{b}");
    let o = jixiao(
        &[
            "check",
            "--no-config",
            "--deny-warnings",
            "--format",
            "json",
            "book.xlsx",
            "--baseline",
            "b.json",
        ],
        d,
    );
    assert_eq!(o.status.code(), Some(0));
    let got = cells(&json(&o));
    assert_eq!(got.len(), 1);
    assert!(got[0].3, "{got:?}");
    // Another 全年执行数 (29.5896 → 31.2): the finding is new again.
    let edit = |t: &str| {
        if t == "29.5896" {
            "31.2".to_string()
        } else {
            t.to_string()
        }
    };
    std::fs::write(d.join("book.xlsx"), book(None, &edit)).unwrap();
    let o = jixiao(
        &[
            "check",
            "--no-config",
            "--deny-warnings",
            "--format",
            "json",
            "book.xlsx",
            "--baseline",
            "b.json",
        ],
        d,
    );
    assert_eq!(o.status.code(), Some(1));
    let got = cells(&json(&o));
    assert!(
        got.iter().any(|c| c.0 == "JX304" && !c.3),
        "the changed cell's finding is reported: {got:?}"
    );
}

/// First contact, row 28: a 豁免 sheet may have a 指标 (or 路径) column, the
/// waiver's `path`: the row then silences its rule there only, and a path
/// that names nothing is the YAML's JX009 at that cell.
#[test]
fn a_waiver_row_may_name_the_indicator_or_path() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let rows = vec![
        vec!["JX304", REASON, "", "budget.executed"],
        vec!["JX304", REASON, "", "居家养老服务人次"],
        vec!["JX304", REASON, "", "居家养老服务人数"],
    ];
    std::fs::write(
        d.join("book.xlsx"),
        book_with(Some((&["规则", "理由", "批准", "指标"], &rows)), &same),
    )
    .unwrap();
    let o = jixiao(
        &["check", "--no-config", "--format", "json", "book.xlsx"],
        d,
    );
    let fs = json(&o);
    let got: Vec<(String, String, String, bool)> = cells(&fs);
    assert_eq!(
        got.iter()
            .map(|(c, s, cell, sup)| (c.as_str(), s.as_str(), &cell[..1], *sup))
            .collect::<Vec<_>>(),
        [
            ("JX009", "豁免", "D", false),
            ("JX009", "豁免", "D", false),
            ("JX304", "自评表", "E", true),
        ],
        "{fs:?}"
    );
    let msgs: Vec<&str> = fs
        .iter()
        .filter(|f| f["code"] == "JX009")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        msgs.contains(&"豁免 JX304 在 居家养老服务人次 上没有豁免任何发现，可以删除"),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"豁免 JX304 的 path“居家养老服务人数”在本文件中找不到"),
        "{msgs:?}"
    );
    let cells_of: Vec<&str> = fs
        .iter()
        .filter(|f| f["code"] == "JX009")
        .map(|f| f["cell"].as_str().unwrap())
        .collect();
    assert!(
        cells_of.contains(&"D3") && cells_of.contains(&"D4"),
        "{cells_of:?}"
    );
}

/// In a workbook of several tables the 豁免 sheet is the book's: a row that
/// silences a finding in one table is not a JX009 in the others, and a bad
/// row is one JX009, not one per table.
#[test]
fn a_waiver_row_of_a_book_of_several_tables_is_judged_on_the_book() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let root = env!("CARGO_MANIFEST_DIR");
    let evaluation = example("01-jujia-yanglao.yaml");
    let target = std::fs::read_to_string(format!("{root}/examples/target-clean.yaml")).unwrap();
    let rows = vec![
        // JX304 fires in the self-evaluation only: silenced there, fine.
        vec!["JX304", REASON, "", ""],
        // an indicator of neither table: silences nothing anywhere.
        vec!["JX304", REASON, "", "居家养老服务人次"],
        // no reason: bad in every table, said once.
        vec!["JX203", "", "", ""],
    ];
    std::fs::write(
        d.join("book.xlsx"),
        book_of(
            &[("自评表", &evaluation), ("申报表", &target)],
            Some((&["规则", "理由", "批准", "指标"], &rows)),
            &same,
        ),
    )
    .unwrap();
    let o = jixiao(
        &["check", "--no-config", "--format", "json", "book.xlsx"],
        d,
    );
    let fs = json(&o);
    let jx009: Vec<(&str, &str)> = fs
        .iter()
        .filter(|f| f["code"] == "JX009")
        .map(|f| (f["sheet"].as_str().unwrap(), f["cell"].as_str().unwrap()))
        .collect();
    assert_eq!(jx009, [("豁免", "D3"), ("豁免", "A4")], "{fs:?}");
    let jx304: Vec<bool> = fs
        .iter()
        .filter(|f| f["code"] == "JX304")
        .map(|f| f["suppressed"].as_bool().unwrap())
        .collect();
    assert_eq!(jx304, [true], "{fs:?}");
}

/// SPEC §5: a workbook's waiver "lives in the config" too. A `.jixiao.yaml`
/// waiver silences its rule in the files its `file` glob names (relative to
/// the config's folder, as `exclude`), in every file without one; a waiver
/// without a reason, or naming no rule, makes the config bad (exit 2).
#[test]
fn a_config_waiver_silences_its_rule_in_the_files_it_names() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let book = format!(
        "{}/examples/chengde-2022-xlsx/01-jujia-yanglao.xlsx",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::create_dir(d.join("2022")).unwrap();
    std::fs::copy(&book, d.join("2022/自评表.xlsx")).unwrap();
    std::fs::copy(&book, d.join("other.xlsx")).unwrap();
    let run = || json(&jixiao(&["check", "--format", "json", "."], d));
    let jx304 = |fs: &[Value]| -> Vec<(String, bool)> {
        let mut v: Vec<_> = fs
            .iter()
            .filter(|f| f["code"] == "JX304")
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_owned(),
                    f["suppressed"] == true,
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = jx304(&run());
    assert_eq!(before.len(), 2, "{before:?}");
    assert!(before.iter().all(|(_, s)| !s));
    std::fs::write(
        d.join(".jixiao.yaml"),
        "waivers:\n  - rule: jx304\n    reason: 财政资金未拨付到位，经专家评审会同意\n    file: 2022/*.xlsx\n    approved_by: 2023-03-15 专家评审会\n",
    )
    .unwrap();
    let fs = run();
    assert_eq!(
        jx304(&fs),
        vec![
            ("2022/自评表.xlsx".to_owned(), true),
            ("other.xlsx".to_owned(), false)
        ]
    );
    let waived = fs.iter().find(|f| f["suppressed"] == true).unwrap();
    assert_eq!(waived["reason"], "财政资金未拨付到位，经专家评审会同意");
    // Without `file`: every file.
    std::fs::write(
        d.join(".jixiao.yaml"),
        "豁免:\n  - 规则: JX304\n    理由: 经专家评审会同意\n",
    )
    .unwrap();
    assert!(jx304(&run()).iter().all(|(_, s)| *s));
    // No reason, an unknown rule: a bad config.
    for bad in [
        "waivers:\n  - rule: JX304\n",
        "waivers:\n  - rule: JX999\n    reason: x\n",
        "waivers:\n  - rule: JX304\n    reson: x\n",
    ] {
        std::fs::write(d.join(".jixiao.yaml"), bad).unwrap();
        let o = jixiao(&["check", "."], d);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{bad}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
