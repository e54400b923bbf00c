//! A YAML declaration written as the official table (.xlsx, rust_xlsxwriter):
//! the 财预〔2020〕10号 项目支出绩效自评表 for self-evaluations, the 项目支出
//! 绩效目标表 for targets, their 部门整体支出 forms for `scope: department`
//! (部门（单位）名称 in place of 项目名称 and 主管部门), a 汇总 table for summaries; merges, borders, number
//! formats (amounts, `0.0%` rates at the decimals written) included, laid out
//! so that `read` gives back the same declaration on every field it holds.

use crate::load;
use crate::model::{Doc, Key, Kind, Node, Value};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

const COLS: u16 = 9; // A..I

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    cell: Format,
    label: Format,
    title: Format,
}

fn err(e: XlsxError) -> String {
    e.to_string()
}

impl Sheet<'_> {
    fn text(&mut self, r: u32, c: u16, s: &str, label: bool) -> Result<(), String> {
        let f = if label { &self.label } else { &self.cell };
        self.ws.write_string_with_format(r, c, s, f).map_err(err)?;
        Ok(())
    }
    /// A merged range holding `s` (a single cell when the range is one cell).
    fn merged(
        &mut self,
        r0: u32,
        c0: u16,
        r1: u32,
        c1: u16,
        s: &str,
        label: bool,
    ) -> Result<(), String> {
        let f = if label {
            self.label.clone()
        } else {
            self.cell.clone()
        };
        if r0 == r1 && c0 == c1 {
            self.ws
                .write_string_with_format(r0, c0, s, &f)
                .map_err(err)?;
        } else {
            self.ws.merge_range(r0, c0, r1, c1, s, &f).map_err(err)?;
        }
        Ok(())
    }
    /// An amount in the budget's unit: the model holds 万元, a 元 table shows 元.
    fn amount(&mut self, r: u32, c: u16, n: Option<&Node>, yuan: bool) -> Result<(), String> {
        match n.map(|n| &n.value) {
            Some(Value::Num(num)) if yuan && !num.percent => {
                let v = num
                    .value
                    .checked_mul(rust_decimal::Decimal::from(10_000))
                    .ok_or_else(|| format!("amount {} 万元 too large in 元", num.value))?
                    .normalize();
                let fmt = if v.scale() == 0 {
                    "0".to_string()
                } else {
                    format!("0.{}", "0".repeat(v.scale() as usize))
                };
                let f: f64 = v.to_string().parse().map_err(|e| format!("{e}"))?;
                let fmt = self.cell.clone().set_num_format(&fmt);
                self.ws
                    .write_number_with_format(r, c, f, &fmt)
                    .map_err(err)?;
                Ok(())
            }
            _ => self.value(r, c, n),
        }
    }
    /// A number as written (`1200.50` keeps its two decimals via the format),
    /// a percentage as a fraction with a `0.0%` format; text otherwise.
    fn value(&mut self, r: u32, c: u16, n: Option<&Node>) -> Result<(), String> {
        let Some(n) = n else {
            return self.text(r, c, "", false);
        };
        match &n.value {
            Value::Num(num) => {
                let scale = num.value.scale();
                let (v, fmt) = if num.percent {
                    let d = scale.saturating_sub(2);
                    let code = if d == 0 {
                        "0%".to_string()
                    } else {
                        format!("0.{}%", "0".repeat(d as usize))
                    };
                    (num.value, code)
                } else if scale == 0 {
                    (num.value, "0".to_string())
                } else {
                    (num.value, format!("0.{}", "0".repeat(scale as usize)))
                };
                let f: f64 = v.to_string().parse().map_err(|e| format!("{e}"))?;
                let fmt = self.cell.clone().set_num_format(&fmt);
                self.ws
                    .write_number_with_format(r, c, f, &fmt)
                    .map_err(err)?;
                Ok(())
            }
            _ => {
                let t = node_text(n);
                self.text(r, c, &t, false)
            }
        }
    }
}

/// The text of a node as written (numbers as written, percentages with `%`).
fn node_text(n: &Node) -> String {
    match &n.value {
        Value::Num(num) => num.to_string(),
        Value::Text(t) => t.to_string(),
        Value::Ind(v) => v.text.to_string(),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Value::List(items) => items.iter().map(node_text).collect::<Vec<_>>().join("、"),
        _ => String::new(),
    }
}

fn formats() -> (Format, Format, Format) {
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let label = cell.clone().set_align(FormatAlign::Center).set_bold();
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    (cell, label, title)
}

/// Write the declaration in `doc_yaml` as its official table. Fails (with the
/// reason) when the YAML does not load as a declaration.
pub fn export(doc_yaml: &str) -> Result<Vec<u8>, String> {
    let loaded = load::load_str(doc_yaml);
    let Some(doc) = loaded.doc else {
        let msgs: Vec<String> = loaded
            .findings
            .iter()
            .map(|f| format!("{} {}", f.code, f.message))
            .collect();
        return Err(if msgs.is_empty() {
            "not a declaration".to_string()
        } else {
            msgs.join("; ")
        });
    };
    let mut wb = Workbook::new();
    // a fixed date: the same declaration gives the same bytes
    let date = ExcelDateTime::from_ymd(2024, 1, 1).map_err(err)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let (cell, label, title) = formats();
    let ws = wb.add_worksheet();
    let name = match doc.kind {
        Kind::SelfEvaluation => "自评表",
        Kind::Target => "目标表",
        Kind::Summary => "汇总",
    };
    ws.set_name(name).map_err(err)?;
    let mut s = Sheet {
        ws,
        row: 0,
        cell,
        label,
        title,
    };
    match doc.kind {
        Kind::Summary => summary(&mut s, &doc)?,
        _ => project(&mut s, &doc)?,
    }
    wb.save_to_buffer().map_err(err)
}

fn get<'a>(doc: &'a Doc, path: &[Key]) -> Option<&'a Node> {
    doc.root.path(path)
}

/// Whether the declaration is of a department's whole spending (`scope:
/// department`), written as the 部门整体 table.
fn department(doc: &Doc) -> bool {
    get(doc, &[Key::Scope]).is_some_and(
        |n| matches!(&n.value, Value::Text(t) if matches!(t.trim(), "department" | "部门" | "部门整体")),
    )
}

fn project(s: &mut Sheet<'_>, doc: &Doc) -> Result<(), String> {
    let selfev = doc.kind == Kind::SelfEvaluation;
    let dept = department(doc);
    // every 三级 with its 一级 and 二级; an empty 二级 is one row without a 三级
    // (an empty 一级 is one row with neither)
    let inds: Vec<(Key, Option<Key>, Option<&Node>)> = doc
        .root
        .get(Key::Indicators)
        .into_iter()
        .flat_map(|t| t.entries())
        .flat_map(|l1| {
            if l1.node.entries().is_empty() {
                return vec![(l1.key, None, None)];
            }
            l1.node
                .entries()
                .iter()
                .flat_map(move |l2| {
                    let items = l2.node.items();
                    if items.is_empty() {
                        vec![(l1.key, Some(l2.key), None)]
                    } else {
                        items
                            .iter()
                            .map(|n| (l1.key, Some(l2.key), Some(n)))
                            .collect()
                    }
                })
                .collect()
        })
        .collect();
    // optional indicator columns, after the form's own, when any row has one
    let extras: Vec<(Key, &str)> = [
        (Key::History, "历史值"),
        (Key::Explanation, "指标解释"),
        (Key::Standard, "评分标准"),
        (Key::Basis, "取值依据"),
    ]
    .into_iter()
    .filter(|(k, _)| {
        inds.iter()
            .any(|(_, _, n)| n.is_some_and(|n| n.get(*k).is_some()))
    })
    .collect();
    let base_end: u16 = if selfev { 8 } else { 5 };
    let last = (COLS - 1).max(base_end + extras.len() as u16);
    for (c, w) in [
        (0u16, 12.0),
        (1, 16.0),
        (2, 14.0),
        (3, 22.0),
        (4, 14.0),
        (5, 14.0),
        (6, 10.0),
        (7, 10.0),
        (8, 28.0),
    ] {
        s.ws.set_column_width(c, w).map_err(err)?;
    }
    let title = match (dept, selfev) {
        (false, true) => "项目支出绩效自评表",
        (false, false) => "项目支出绩效目标表",
        (true, true) => "部门整体支出绩效自评表",
        (true, false) => "部门整体支出绩效目标表",
    };
    let tf = s.title.clone();
    s.ws.merge_range(0, 0, 0, last, title, &tf).map_err(err)?;
    s.row = 1;
    if let Some(y) = doc.year {
        let plain = s.title.clone().set_font_size(11).set_bold();
        s.ws.merge_range(1, 0, 1, last, &format!("（{y}年度）"), &plain)
            .map_err(err)?;
        s.row = 2;
    }
    // header: one label + value row per field held
    let p = |k: Key| get(doc, &[Key::Project, k]);
    let dept_rows: &[(Key, &str)] = if dept {
        // 部门整体: the department's name, then a project name only if given
        let r = s.row;
        s.merged(r, 0, r, 1, "部门（单位）名称", true)?;
        s.merged(
            r,
            2,
            r,
            last,
            &p(Key::Department).map(node_text).unwrap_or_default(),
            false,
        )?;
        s.row += 1;
        &[(Key::Name, "项目名称"), (Key::Code, "部门预算编码")]
    } else {
        let r = s.row;
        s.merged(r, 0, r, 1, "项目名称", true)?;
        s.merged(
            r,
            2,
            r,
            last,
            &p(Key::Name).map(node_text).unwrap_or_default(),
            false,
        )?;
        s.row += 1;
        let r = s.row;
        s.merged(r, 0, r, 1, "主管部门", true)?;
        s.merged(
            r,
            2,
            r,
            4,
            &p(Key::Department).map(node_text).unwrap_or_default(),
            false,
        )?;
        s.text(r, 5, "实施单位", true)?;
        s.merged(r, 6, r, last, "", false)?;
        s.row += 1;
        &[(Key::Code, "项目编码")]
    };
    for &(k, l) in dept_rows.iter().chain(&[
        (Key::Applicant, "资金申请单位"),
        (Key::Declarant, "目标申报单位"),
        (Key::Basis, "立项依据"),
    ]) {
        if let Some(n) = p(k) {
            let r = s.row;
            s.merged(r, 0, r, 1, l, true)?;
            s.merged(r, 2, r, last, &node_text(n), false)?;
            s.row += 1;
        }
    }
    // funds block
    let b = |k: Key| get(doc, &[Key::Budget, k]);
    let sources: Vec<(&'static str, &Node)> = get(doc, &[Key::Budget, Key::Sources])
        .map(|n| {
            n.entries()
                .iter()
                .map(|e| (source_label(e.key), &e.node))
                .collect()
        })
        .unwrap_or_default();
    let unit = b(Key::Unit).map(node_text).unwrap_or_else(|| "万元".into());
    let yuan = unit == "元";
    let top = s.row;
    let rows = 1 + sources.len().max(if selfev { 3 } else { 0 }) as u32;
    let heads: &[&str] = if selfev {
        &[
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ]
    } else {
        &["年初预算数", "全年预算数", "全年执行数"]
    };
    let block = if dept { "年度预算" } else { "项目资金" };
    s.merged(top, 0, top + rows, 0, &format!("{block}（{unit}）"), true)?;
    s.text(top, 1, "", true)?;
    for (i, h) in heads.iter().enumerate() {
        s.text(top, 2 + i as u16, h, true)?;
    }
    let r = top + 1;
    s.text(r, 1, "年度资金总额", true)?;
    s.amount(r, 3, b(Key::Total), yuan)?;
    s.amount(r, 2, Key::lookup("initial").and_then(b), yuan)?;
    if selfev {
        s.amount(r, 4, b(Key::Executed), yuan)?;
        let w = b(Key::Weight);
        match w {
            Some(_) => s.value(r, 5, w)?,
            None => {
                let f = s.cell.clone();
                s.ws.write_number_with_format(r, 5, 10.0, &f).map_err(err)?;
            }
        }
        s.value(r, 6, b(Key::ExecutionRate))?;
        s.value(r, 7, b(Key::Score))?;
    } else {
        s.amount(r, 4, b(Key::Executed), yuan)?;
    }
    let template = ["其中：当年财政拨款", "上年结转资金", "其他资金"];
    for i in 0..rows - 1 {
        let r = top + 2 + i;
        match sources.get(i as usize) {
            Some((l, n)) => {
                s.text(r, 1, l, true)?;
                if matches!(n.value, Value::Map(_)) {
                    let initial = Key::lookup("initial").and_then(|k| n.get(k));
                    s.amount(r, 2, initial, yuan)?;
                    s.amount(r, 3, n.get(Key::Total), yuan)?;
                    s.amount(r, 4, n.get(Key::Executed), yuan)?;
                } else {
                    s.text(r, 2, "", false)?;
                    s.amount(r, 3, Some(n), yuan)?;
                    s.text(r, 4, "", false)?;
                }
            }
            None => {
                s.text(r, 1, template.get(i as usize).copied().unwrap_or(""), true)?;
                for c in 2..5 {
                    s.text(r, c, "", false)?;
                }
            }
        }
        if selfev {
            for c in 5..8 {
                s.text(r, c, "—", false)?;
            }
        }
    }
    s.row = top + rows + 1;
    // goals
    let g = |k: Key| {
        get(doc, &[Key::Goals, k])
            .map(node_text)
            .unwrap_or_default()
    };
    let r = s.row;
    if selfev {
        s.merged(r, 0, r + 1, 0, "年度总体目标", true)?;
        s.merged(r, 1, r, 4, "预期目标", true)?;
        s.merged(r, 5, r, last, "实际完成情况", true)?;
        s.merged(r + 1, 1, r + 1, 4, &g(Key::Annual), false)?;
        s.merged(r + 1, 5, r + 1, last, &g(Key::Achieved), false)?;
        s.ws.set_row_height(r + 1, 60).map_err(err)?;
        s.row += 2;
    } else {
        s.merged(r, 0, r, 1, "年度绩效目标", true)?;
        s.merged(r, 2, r, last, &g(Key::Annual), false)?;
        s.ws.set_row_height(r, 60).map_err(err)?;
        s.row += 1;
    }
    // indicators
    let hr = s.row;
    let heads: &[&str] = if selfev {
        &[
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ]
    } else {
        &["一级指标", "二级指标", "三级指标", "指标值", "分值"]
    };
    s.merged(hr, 0, hr + inds.len().max(1) as u32, 0, "绩效指标", true)?;
    for (i, h) in heads.iter().enumerate() {
        s.text(hr, 1 + i as u16, h, true)?;
    }
    for (i, (_, h)) in extras.iter().enumerate() {
        s.text(hr, base_end + 1 + i as u16, h, true)?;
    }
    let mut r = hr + 1;
    let mut i = 0;
    while i < inds.len() {
        // merge the runs of one 一级 and of one 二级
        let (l1, _, _) = inds[i];
        let run1 = inds[i..].iter().take_while(|x| x.0 == l1).count();
        s.merged(r, 1, r + run1 as u32 - 1, 1, l1.name(), false)?;
        let mut j = 0;
        while j < run1 {
            let l2 = inds[i + j].1;
            let run2 = inds[i + j..i + run1]
                .iter()
                .take_while(|x| x.1 == l2)
                .count();
            s.merged(
                r + j as u32,
                2,
                r + (j + run2) as u32 - 1,
                2,
                l2.map_or("", Key::name),
                false,
            )?;
            for k in 0..run2 {
                let rr = r + (j + k) as u32;
                let Some(n) = inds[i + j + k].2 else {
                    for c in 3..=last {
                        s.text(rr, c, "", false)?;
                    }
                    continue;
                };
                s.value(rr, 3, n.get(Key::Name))?;
                s.value(rr, 4, n.get(Key::Target))?;
                if selfev {
                    s.value(rr, 5, n.get(Key::Actual))?;
                    s.value(rr, 6, n.get(Key::Weight))?;
                    s.value(rr, 7, n.get(Key::Score))?;
                    s.value(rr, 8, n.get(Key::Deviation))?;
                } else {
                    s.value(rr, 5, n.get(Key::Weight))?;
                }
                for (x, (k, _)) in extras.iter().enumerate() {
                    s.value(rr, base_end + 1 + x as u16, n.get(*k))?;
                }
            }
            j += run2;
        }
        r += run1 as u32;
        i += run1;
    }
    if inds.is_empty() {
        r += 1;
    }
    s.row = r;
    // closing rows
    let result = |k: Key| get(doc, &[Key::Result, k]);
    if selfev {
        let r = s.row;
        s.merged(r, 0, r, 5, "总分", true)?;
        let f = s.cell.clone();
        s.ws.write_number_with_format(r, 6, 100.0, &f)
            .map_err(err)?;
        s.value(r, 7, result(Key::Score))?;
        s.text(r, 8, "", false)?;
        s.row += 1;
    }
    let closing: [(&str, Option<&Node>); 4] = [
        ("自评等级", result(Key::Grade)),
        ("未支出原因", b(Key::UnderspendReason)),
        ("整改措施", get(doc, &[Key::Measures])),
        ("", None),
    ];
    for (l, n) in closing {
        if let Some(n) = n {
            let r = s.row;
            s.merged(r, 0, r, 1, l, true)?;
            s.merged(r, 2, r, last, &node_text(n), false)?;
            s.row += 1;
        }
    }
    Ok(())
}

fn source_label(k: Key) -> &'static str {
    match k.name() {
        "general_public" => "一般公共预算",
        "government_fund" => "政府性基金",
        "other" => "其他资金",
        "fiscal" => "其中：当年财政拨款",
        "carryover" => "上年结转资金",
        "higher_level" => "上级资金",
        "own" => "单位资金",
        "special_account" => "财政专户管理资金",
        "central" => "中央资金",
        "provincial" => "省级资金",
        "municipal" => "市级资金",
        "county" => "县级资金",
        "district" => "区级资金",
        "same_level" => "本级资金",
        "local" => "地方资金",
        _ => "其他资金",
    }
}

fn summary(s: &mut Sheet<'_>, doc: &Doc) -> Result<(), String> {
    let tf = s.title.clone();
    s.ws.merge_range(0, 0, 0, 6, "项目支出绩效自评汇总表", &tf)
        .map_err(err)?;
    let heads = [
        "部门",
        "年度",
        "项目个数",
        "全年预算数",
        "全年执行数",
        "执行率",
        "全额执行项目",
    ];
    for (i, h) in heads.iter().enumerate() {
        s.text(1, i as u16, h, true)?;
        s.ws.set_column_width(i as u16, if i == 0 || i == 6 { 30.0 } else { 12.0 })
            .map_err(err)?;
    }
    s.value(2, 0, get(doc, &[Key::Department]))?;
    match doc.year {
        Some(y) => {
            let f = s.cell.clone();
            s.ws.write_number_with_format(2, 1, y as f64, &f)
                .map_err(err)?;
        }
        None => s.text(2, 1, "", false)?,
    }
    s.value(2, 2, get(doc, &[Key::ProjectCount]))?;
    s.value(2, 3, get(doc, &[Key::Budget, Key::Total]))?;
    s.value(2, 4, get(doc, &[Key::Budget, Key::Executed]))?;
    s.value(2, 5, get(doc, &[Key::Budget, Key::ExecutionRate]))?;
    s.value(2, 6, get(doc, &[Key::FullyExecuted]))?;
    Ok(())
}
