//! Every workbook finding at its cell (SPEC §5): the human output's grid
//! snippet (`book.xlsx:自评表!E9`, column letters, row numbers, the cells'
//! text aligned by display width, the cell underlined with its label, other
//! labelled cells underlined too), in Chinese and English, on the Chengde
//! workbooks and on a table built with rust_xlsxwriter whose labels are
//! merged cells; SARIF's logical location and the github annotation of a
//! cell; and YAML findings rendered as before.

use rust_xlsxwriter::{Format, Workbook, Worksheet};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn jixiao(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("JIXIAO_LANG")
        .output()
        .unwrap()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The block of the output that starts with `first` (up to the blank line).
fn block<'a>(out: &'a str, first: &str) -> &'a str {
    let start = out
        .find(first)
        .unwrap_or_else(|| panic!("no {first:?} in\n{out}"));
    let line_start = out[..start].rfind('\n').map_or(0, |i| i + 1);
    let rest = &out[line_start..];
    rest.find("\n\n").map_or(rest, |e| &rest[..e + 1])
}

fn m(ws: &mut Worksheet, r0: u32, c0: u16, r1: u32, c1: u16, s: &str) {
    ws.merge_range(r0, c0, r1, c1, s, &Format::new()).unwrap();
}
fn t(ws: &mut Worksheet, r: u32, c: u16, s: &str) {
    ws.write_string(r, c, s).unwrap();
}
fn n(ws: &mut Worksheet, r: u32, c: u16, v: f64) {
    ws.write_number(r, c, v).unwrap();
}

/// A 10号 self-evaluation whose labels are merged cells (分散对齐 项 目 名 称
/// over A:B, 年度资金总额 over B:C) and whose funds are barely spent.
fn merged_labels_book() -> Vec<u8> {
    let mut wb = merged_labels_workbook();
    wb.save_to_buffer().unwrap()
}

fn merged_labels_book_with_waivers() -> Vec<u8> {
    let mut wb = merged_labels_workbook();
    let ws = wb.add_worksheet().set_name("豁免").unwrap();
    t(ws, 0, 0, "规则");
    t(ws, 0, 1, "理由");
    t(ws, 0, 2, "批准");
    t(ws, 1, 0, "JX304");
    t(ws, 2, 0, "JX999");
    t(ws, 2, 1, "试试");
    wb.save_to_buffer().unwrap()
}

fn merged_labels_workbook() -> Workbook {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("自评表").unwrap();
    m(ws, 0, 0, 0, 8, "2022年度项目支出绩效自评表");
    m(ws, 1, 0, 1, 1, "项 目 名 称");
    m(ws, 1, 2, 1, 8, "社区养老服务中心运营");
    m(ws, 2, 0, 2, 1, "主 管 部 门");
    m(ws, 2, 2, 2, 4, "承德高新区社区管理办公室");
    t(ws, 2, 5, "实施单位");
    m(ws, 2, 6, 2, 8, "社区服务中心");
    m(ws, 3, 0, 5, 0, "项目资金（万元）");
    m(ws, 3, 1, 3, 2, "");
    for (c, h) in [
        "全年预算数（A）",
        "全年执行数（B）",
        "分值",
        "执行率（B/A）",
        "得分",
    ]
    .iter()
    .enumerate()
    {
        t(ws, 3, 3 + c as u16, h);
    }
    m(ws, 4, 1, 4, 2, "年度资金总额");
    n(ws, 4, 3, 80.0);
    n(ws, 4, 4, 12.0);
    n(ws, 4, 5, 10.0);
    m(ws, 5, 1, 5, 2, "其中：当年财政拨款");
    n(ws, 5, 3, 80.0);
    n(ws, 5, 4, 12.0);
    m(ws, 6, 0, 7, 0, "年度总体目标");
    m(ws, 6, 1, 6, 4, "预期目标");
    m(ws, 6, 5, 6, 8, "实际完成情况");
    m(ws, 7, 1, 7, 4, "为社区老人提供助餐和日间照料服务");
    m(ws, 7, 5, 7, 8, "中心运营，服务人次未达目标");
    m(ws, 8, 0, 10, 0, "绩效指标");
    for (c, h) in [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    .iter()
    .enumerate()
    {
        t(ws, 8, 1 + c as u16, h);
    }
    m(ws, 9, 1, 10, 1, "产出指标");
    m(ws, 9, 2, 10, 2, "数量指标");
    t(ws, 9, 3, "助餐人次");
    t(ws, 9, 4, "≥ 5000 人次");
    t(ws, 9, 5, "3600 人次");
    n(ws, 9, 6, 50.0);
    n(ws, 9, 7, 36.0);
    t(ws, 9, 8, "资金未到位");
    t(ws, 10, 3, "日间照料人数");
    t(ws, 10, 4, "≥ 300 人");
    t(ws, 10, 5, "280 人");
    n(ws, 10, 6, 40.0);
    n(ws, 10, 7, 37.3);
    m(ws, 11, 0, 11, 5, "总分");
    n(ws, 11, 6, 100.0);
    n(ws, 11, 7, 80.0);
    wb
}

fn chengde_xlsx() -> std::path::PathBuf {
    root().join("examples/chengde-2022-xlsx")
}

#[test]
fn jx304_is_drawn_at_its_cell_in_chinese_and_english() {
    let dir = chengde_xlsx();
    let o = jixiao(&["check", "--no-config", "01-jujia-yanglao.xlsx"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    let want = "  ⚠ JX304 预算执行率 19.73% 低于 60%（执行 29.5896 万元 / 预算 150 万元）
    ╭─[01-jujia-yanglao.xlsx:自评表!E9]
    │ B             C           D           E           F     G       H
  8 │               年初预算数  全年预算数  全年执行数  分值  执行率  得分
  9 │ 年度资金总额              150         29.5896     10    19.7%   1.97
    ·                                       ^^^^^^^ 执行率 19.73%，低于 60%
 10 │ 一般公共预算              150                     —     —       —
    ╰────
  help: 说明资金未支出的原因和整改措施；确有正当理由的，可在 waivers 中写明并经批准。
";
    assert_eq!(block(&out, "JX304"), want, "\n{out}");
    // no line of the generated YAML reaches the user
    assert!(
        !out.contains("# 自评表!") && !out.contains("executed:"),
        "{out}"
    );

    let o = jixiao(
        &[
            "check",
            "--no-config",
            "--lang",
            "en",
            "01-jujia-yanglao.xlsx",
        ],
        &dir,
    );
    let out = stdout(&o);
    let want = "  ⚠ JX304 budget execution 19.73% is below 60% (29.5896 of 150, in 10,000 yuan)
    ╭─[01-jujia-yanglao.xlsx:自评表!E9]
    │ B             C           D           E           F     G       H
  8 │               年初预算数  全年预算数  全年执行数  分值  执行率  得分
  9 │ 年度资金总额              150         29.5896     10    19.7%   1.97
    ·                                       ^^^^^^^ execution 19.73%, below 60%
 10 │ 一般公共预算              150                     —     —       —
    ╰────
  help: Explain why the money was not spent and what will be done; a justified exception goes in
        waivers, with approval.
";
    assert_eq!(block(&out, "JX304"), want, "\n{out}");
}

#[test]
fn jx503_is_drawn_at_the_summary_cell_and_lists_the_projects_cells() {
    let o = jixiao(&["check", "--no-config", "."], &chengde_xlsx());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let want = "  × JX503 汇总执行数 260.15 万元，各项目合计 260.162333 万元
   ╭─[summary.xlsx:汇总!E3]
   │ B     C         D           E           F       G
 2 │ 年度  项目个数  全年预算数  全年执行数  执行率  全额执行项目
 3 │ 2022  10        749.78      260.15      34.7%   “三线”民兵补…
   ·                             ^^^^^^ 与各项目合计 260.162333 不一致
   ╰────
  help: 汇总的全年执行数应等于各项目执行数之和：核对各项目的执行数和汇总数。
  ╰─▶   ☞ 相关位置：
";
    let jx503 = block(&out, "JX503");
    assert!(jx503.starts_with(want), "\n{out}");
    // the projects' executed amounts, each at its cell, nested under the finding
    for at in [
        "        │ 01-jujia-yanglao.xlsx:自评表!E9  29.5896\n",
        "        │ 02-wenming-chengshi.xlsx:自评表!E8  4.8307\n",
        "        │ 10-laowu-paiqian.xlsx:自评表!E8  13\n",
    ] {
        assert!(jx503.contains(at), "no {at:?} in\n{out}");
    }
    // five JX304, each headed by its workbook and cell
    let heads: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("╭─[") && l.contains("自评表!"))
        .collect();
    assert_eq!(heads.len(), 5, "{out}");
    assert!(
        heads[1].ends_with("╭─[02-wenming-chengshi.xlsx:自评表!E8]"),
        "{heads:?}"
    );
}

#[test]
fn merged_label_cells_span_their_columns() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("养老.xlsx"), merged_labels_book()).unwrap();
    let o = jixiao(&["check", "--no-config", "养老.xlsx"], tmp.path());
    let out = stdout(&o);
    // 年度资金总额 and 其中：当年财政拨款 are merged over B:C
    let want = "  ⚠ JX304 预算执行率 15.00% 低于 60%（执行 12 万元 / 预算 80 万元）
   ╭─[养老.xlsx:自评表!E5]
   │ B  C                D               E               F     G              H
 4 │                     全年预算数（A…  全年执行数（B…  分值  执行率（B/A）  得分
 5 │ 年度资金总额        80              12              10
   ·                                     ^^ 执行率 15.00%，低于 60%
 6 │ 其中：当年财政拨款  80              12
   ╰────
";
    assert!(block(&out, "JX304").starts_with(want), "\n{out}");
    // 总分 is merged over A:F; seen from column E it still reads 总分
    let o = jixiao(
        &["check", "--no-config", "--lang", "en", "养老.xlsx"],
        tmp.path(),
    );
    let out = stdout(&o);
    let want = "  × JX406 the total score is reported as 80; the formula gives 74.83
    ╭─[养老.xlsx:自评表!H12]
    │ E         F       G    H     I
 11 │ ≥ 300 人  280 人  40   37.3
 12 │ 总分              100  80
    ·                        ^^ the formula gives 74.83
    ╰────
";
    assert!(block(&out, "JX406").starts_with(want), "\n{out}");
    // a finding on a structural line (too few indicators) points at the
    // first cell of that part of the table, in every format
    let want = "  × JX101 only 2 third-level indicators; at least 6 are required
    ╭─[养老.xlsx:自评表!D10]
    │ A         B         C         D             E            F           G
  9 │ 绩效指标  一级指标  二级指标  三级指标      年度指标值   实际完成值  分值
 10 │           产出指标  数量指标  助餐人次      ≥ 5000 人次  3600 人次   50
    ·                               ^^^^^^^^ only 2, at least 6 needed
 11 │                               日间照料人数  ≥ 300 人     280 人      40
    ╰────
";
    assert!(block(&out, "JX101").starts_with(want), "\n{out}");
    let o = jixiao(
        &["check", "--no-config", "--format", "json", "养老.xlsx"],
        tmp.path(),
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let jx101 = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "JX101")
        .unwrap();
    assert_eq!(
        (
            &jx101["sheet"],
            &jx101["cell"],
            &jx101["line"],
            &jx101["column"]
        ),
        (
            &Value::from("自评表"),
            &Value::from("D10"),
            &Value::from(10),
            &Value::from(4)
        ),
        "{jx101}"
    );
}

#[test]
fn sarif_gives_the_cell_as_a_logical_location_and_github_the_cell_in_the_title() {
    let dir = chengde_xlsx();
    let o = jixiao(&["check", "--no-config", "--format", "sarif", "."], &dir);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    // valid against the 2.1.0 schema (the same escape of its `run.language`
    // pattern as tests/formats.rs)
    let schema = std::fs::read_to_string(root().join("tests/sarif-schema-2.1.0.json"))
        .unwrap()
        .replace("[a-zA-Z]{2}]?$", "[a-zA-Z]{2}\\\\]?$");
    let schema: Value = serde_json::from_str(&schema).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = v["runs"][0]["results"].as_array().unwrap();
    let jx503 = results.iter().find(|r| r["ruleId"] == "JX503").unwrap();
    let loc = &jx503["locations"][0];
    assert_eq!(
        loc["logicalLocations"],
        serde_json::json!([{"name": "E3", "fullyQualifiedName": "汇总!E3", "kind": "cell"}]),
        "{loc}"
    );
    let region = &loc["physicalLocation"]["region"];
    assert_eq!(
        region,
        &serde_json::json!({"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 6}),
        "{loc}"
    );
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "summary.xlsx"
    );
    let rel = &jx503["relatedLocations"][0];
    assert_eq!(
        rel["logicalLocations"][0]["fullyQualifiedName"], "自评表!E9",
        "{rel}"
    );

    let o = jixiao(&["check", "--no-config", "--format", "github", "."], &dir);
    let out = stdout(&o);
    assert!(
        out.contains("::error file=summary.xlsx,line=3,col=5,endLine=3,endColumn=6,title=JX503 汇总执行数与各项目合计一致 汇总!E3::汇总执行数"),
        "{out}"
    );
    assert!(
        out.contains("::warning file=01-jujia-yanglao.xlsx,line=9,col=5,endLine=9,endColumn=6,title=JX304 预算执行率偏低 自评表!E9::"),
        "{out}"
    );
}

#[test]
fn yaml_findings_keep_their_byte_offsets_and_yaml_snippet() {
    let dir = root().join("examples/chengde-2022");
    let o = jixiao(&["check", "--no-config", "--format", "sarif", "."], &dir);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    for r in v["runs"][0]["results"].as_array().unwrap() {
        let loc = &r["locations"][0];
        assert!(loc.get("logicalLocations").is_none(), "{loc}");
        assert!(
            loc["physicalLocation"]["region"]["byteOffset"].is_u64(),
            "{loc}"
        );
    }
    let o = jixiao(&["check", "--no-config", "01-jujia-yanglao.yaml"], &dir);
    let out = stdout(&o);
    assert!(out.contains("╭─[01-jujia-yanglao.yaml:"), "{out}");
    assert!(!out.contains("自评表!"), "{out}");
}

/// A finding on a row of the 豁免 sheet is drawn on that sheet and named
/// by it (not by the table's sheet), in the human output and in JSON.
#[test]
fn waiver_rows_are_drawn_on_the_waivers_sheet() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("w.xlsx"), merged_labels_book_with_waivers()).unwrap();
    let o = jixiao(&["check", "--no-config", "w.xlsx"], tmp.path());
    let out = stdout(&o);
    let want = "  × JX009 豁免的规则“JX999”不存在
   ╭─[w.xlsx:豁免!A3]
   │ A      B     C
 2 │ JX304
 3 │ JX999  试试
   · ^^^^^ 豁免无效
   ╰────
";
    assert!(block(&out, "“JX999”不存在").starts_with(want), "\n{out}");
    let o = jixiao(
        &["check", "--no-config", "--format", "json", "w.xlsx"],
        tmp.path(),
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let at: Vec<(String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "JX009")
        .map(|f| {
            (
                f["sheet"].as_str().unwrap().to_owned(),
                f["cell"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            ("豁免".to_owned(), "A2".to_owned()),
            ("豁免".to_owned(), "A3".to_owned())
        ],
        "{v}"
    );
}
