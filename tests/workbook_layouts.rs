//! Each layout of SPEC §5 built cell by cell with rust_xlsxwriter, as the
//! forms are printed (分散对齐 labels, merged 一级/二级, codes glued to names,
//! split value columns, percent formats, formula results, dates), then read:
//! the generated YAML says what the table says, loads, and names its cells.

use jixiao::load::load_str;
use jixiao::model::Key;
use jixiao::workbook::{self, BookError};
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet};

fn m(ws: &mut Worksheet, r0: u32, c0: u16, r1: u32, c1: u16, s: &str) {
    ws.merge_range(r0, c0, r1, c1, s, &Format::new()).unwrap();
}
fn t(ws: &mut Worksheet, r: u32, c: u16, s: &str) {
    ws.write_string(r, c, s).unwrap();
}
fn n(ws: &mut Worksheet, r: u32, c: u16, v: f64) {
    ws.write_number(r, c, v).unwrap();
}
fn pct(ws: &mut Worksheet, r: u32, c: u16, v: f64, fmt: &str) {
    ws.write_number_with_format(r, c, v, &Format::new().set_num_format(fmt))
        .unwrap();
}

fn one(wb: &mut Workbook) -> (String, workbook::Table) {
    let bytes = wb.save_to_buffer().unwrap();
    let book = workbook::read(&bytes, "t.xlsx").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(book.tables.len(), 1);
    let t = book.tables[0].clone();
    // the loader knows every key the import writes (SPEC §1.1 included)
    let l = load_str(&t.yaml);
    let structural: Vec<_> = l
        .findings
        .iter()
        .filter(|f| matches!(&*f.code, "JX001" | "JX002" | "JX003" | "JX004" | "JX008"))
        .map(|f| format!("{} {}", f.code, f.message))
        .collect();
    assert!(structural.is_empty(), "{structural:?}\n{}", t.yaml);
    (t.yaml.to_string(), t)
}

/// The loader reads the YAML without structural errors (JX00x other than
/// keys §1.1 adds and the loader may not know yet).
fn loads(yaml: &str) -> jixiao::model::Doc {
    let l = load_str(yaml);
    l.doc.unwrap_or_else(|| panic!("{:?}\n{yaml}", l.findings))
}

#[test]
fn ten_hao_self_evaluation_with_spaced_labels_codes_formulas_and_dates() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("自评表").unwrap();
    m(ws, 0, 0, 0, 8, "2022年度项目支出绩效自评表");
    m(ws, 1, 0, 1, 1, "项 目 名 称");
    m(ws, 1, 2, 1, 8, "居家养老项目");
    m(ws, 2, 0, 2, 1, "主 管 部 门");
    m(ws, 2, 2, 2, 4, "219-承德高新区社区管理办公室");
    t(ws, 2, 5, "实施单位");
    m(ws, 2, 6, 2, 8, "");
    m(ws, 3, 0, 5, 0, "项目资金（万元）");
    for (c, h) in [
        "年初预算数",
        "全年预算数（A）",
        "全年执行数（B）",
        "分值",
        "执行率（B/A）",
        "得分",
    ]
    .iter()
    .enumerate()
    {
        t(ws, 3, 2 + c as u16, h);
    }
    t(ws, 4, 1, "年度资金总额");
    n(ws, 4, 3, 150.0);
    n(ws, 4, 4, 29.5896);
    n(ws, 4, 5, 10.0);
    ws.write_formula_with_format(
        4,
        6,
        Formula::new("=E5/D5").set_result("0.197264"),
        &Format::new().set_num_format("0.0%"),
    )
    .unwrap();
    ws.write_formula(4, 7, Formula::new("=G5*10").set_result("1.97264"))
        .unwrap();
    t(ws, 5, 1, "其中：当年财政拨款");
    n(ws, 5, 3, 150.0);
    n(ws, 5, 4, 29.5896);
    t(ws, 5, 5, "—");
    m(ws, 6, 0, 7, 0, "年度总体目标");
    m(ws, 6, 1, 6, 4, "预期目标");
    m(ws, 6, 5, 6, 8, "实际完成情况");
    m(ws, 7, 1, 7, 4, "为社区老人提供居家养老服务");
    m(ws, 7, 5, 7, 8, "服务中心运营，服务人次未达目标");
    m(ws, 8, 0, 12, 0, "绩效指标");
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
    m(ws, 9, 1, 11, 1, "产出指标");
    m(ws, 9, 2, 10, 2, "数量指标");
    t(ws, 9, 3, "服务人次");
    t(ws, 9, 4, "≥ 5000 人次");
    t(ws, 9, 5, "3600 人次");
    n(ws, 9, 6, 10.0);
    n(ws, 9, 7, 7.2);
    t(ws, 9, 8, "资金未到位");
    t(ws, 10, 3, "签约老人数");
    t(ws, 10, 4, "≥ 300 人");
    t(ws, 10, 5, "246 人");
    n(ws, 10, 6, 10.0);
    n(ws, 10, 7, 8.2);
    t(ws, 11, 2, "时效指标");
    t(ws, 11, 3, "运营考核完成时间");
    t(ws, 11, 4, "≤ 2022-12-31");
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 12, 26).unwrap();
    ws.write_datetime_with_format(11, 5, &date, &Format::new().set_num_format("yyyy/m/d"))
        .unwrap();
    n(ws, 11, 6, 10.0);
    n(ws, 11, 7, 10.0);
    t(ws, 12, 1, "满意度指标");
    t(ws, 12, 2, "服务对象满意度指标");
    t(ws, 12, 3, "老人满意度");
    t(ws, 12, 4, "≥ 90%");
    pct(ws, 12, 5, 0.93, "0%");
    n(ws, 12, 6, 10.0);
    n(ws, 12, 7, 10.0);
    m(ws, 13, 0, 13, 5, "总分");
    n(ws, 13, 6, 100.0);
    n(ws, 13, 7, 79.5);
    t(ws, 14, 0, "注：本表由项目单位填报。");
    t(ws, 15, 0, "填报人：张三");
    let ws = wb.add_worksheet().set_name("豁免").unwrap();
    t(ws, 0, 0, "规 则");
    t(ws, 0, 1, "理由");
    t(ws, 0, 2, "批准");
    t(ws, 1, 0, "JX304");
    t(ws, 1, 1, "财政资金未拨付到位，经专家评审会同意");
    t(ws, 1, 2, "2023-03-15 专家评审会");
    let (yaml, table) = one(&mut wb);
    assert!(
        yaml.ends_with("waivers:\n  - rule: JX304  # 豁免!A2\n    reason: 财政资金未拨付到位，经专家评审会同意  # 豁免!B2\n    approved_by: 2023-03-15 专家评审会  # 豁免!C2\n"),
        "{yaml}"
    );
    assert_eq!(table.layout, "mof2020-10-self-evaluation");
    for want in [
        "kind: self-evaluation\n",
        "year: 2022  # 自评表!A1\n",
        "  name: 居家养老项目  # 自评表!C2\n",
        "  department: 承德高新区社区管理办公室  # 自评表!C3\n",
        "  unit: 万元  # 自评表!A4\n",
        "  total: 150  # 自评表!D5\n",
        "    fiscal:\n      total: 150  # 自评表!D6\n      executed: 29.5896  # 自评表!E6\n",
        "  executed: 29.5896  # 自评表!E5\n",
        "  execution_rate: 19.7%  # 自评表!G5\n",
        "  score: 1.97264  # 自评表!H5\n",
        "  annual: 为社区老人提供居家养老服务  # 自评表!B8\n",
        "  achieved: 服务中心运营，服务人次未达目标  # 自评表!F8\n",
        "  产出指标:\n    数量指标:\n      - name: 服务人次  # 自评表!D10\n",
        "        target: ≥ 5000 人次  # 自评表!E10\n",
        "      - name: 签约老人数  # 自评表!D11\n",
        "    时效指标:\n      - name: 运营考核完成时间  # 自评表!D12\n",
        "        actual: 2022-12-26  # 自评表!F12\n",
        "        actual: 93%  # 自评表!F13\n",
        "result:\n  score: 79.5  # 自评表!H14\n",
    ] {
        assert!(yaml.contains(want), "missing {want:?} in\n{yaml}");
    }
    // 注 and signature rows are not data; the unit code is kept out
    assert!(!yaml.contains("张三") && !yaml.contains("219"), "{yaml}");
    // weight 10 of the execution row is the default: not written
    assert!(!yaml.contains("  weight: 10  # 自评表!F5"), "{yaml}");
}

#[test]
fn sichuan_split_columns_two_row_header() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("510000_0013zp").unwrap();
    m(ws, 0, 0, 0, 10, "项目支出绩效自评表");
    m(ws, 1, 0, 1, 10, "（2023年度）");
    m(ws, 2, 0, 2, 1, "项目名称");
    m(ws, 2, 2, 2, 10, "51000023R000001-乡村道路养护");
    m(ws, 3, 0, 3, 1, "主管部门");
    m(ws, 3, 2, 3, 5, "123001-某县交通运输局");
    t(ws, 3, 6, "实施单位");
    m(ws, 3, 7, 3, 10, "某县公路事务中心");
    m(ws, 4, 0, 4, 1, "预算执行情况(10分)");
    for (c, h) in ["年初预算数", "全年预算数", "全年执行数", "执行率", "得分"]
        .iter()
        .enumerate()
    {
        t(ws, 4, 2 + c as u16, h);
    }
    m(ws, 5, 0, 5, 1, "年度资金总额");
    n(ws, 5, 2, 100.0);
    n(ws, 5, 3, 120.0);
    n(ws, 5, 4, 96.0);
    pct(ws, 5, 5, 0.8, "0.00%");
    n(ws, 5, 6, 8.0);
    m(ws, 6, 0, 8, 0, "绩效指标(90分)");
    for (c, h) in [(1u16, "一级指标"), (2, "二级指标"), (3, "三级指标")] {
        m(ws, 6, c, 7, c, h);
    }
    m(ws, 6, 4, 6, 6, "指标值");
    for (c, h) in [
        (7u16, "实际完成值"),
        (8, "权重"),
        (9, "得分"),
        (10, "未完成原因分析"),
    ] {
        m(ws, 6, c, 7, c, h);
    }
    t(ws, 7, 4, "指标性质");
    t(ws, 7, 5, "指标值");
    t(ws, 7, 6, "度量单位");
    t(ws, 8, 1, "产出指标");
    t(ws, 8, 2, "数量指标");
    t(ws, 8, 3, "养护里程");
    t(ws, 8, 4, "≥");
    n(ws, 8, 5, 120.0);
    t(ws, 8, 6, "公里");
    n(ws, 8, 7, 118.0);
    n(ws, 8, 8, 20.0);
    n(ws, 8, 9, 19.0);
    t(ws, 8, 10, "部分路段因汛期延后");
    let (yaml, table) = one(&mut wb);
    assert_eq!(table.layout, "sichuan-510000-0013zp");
    for want in [
        "  name: 乡村道路养护  # 510000_0013zp!C3\n",
        "  code: 51000023R000001  # 510000_0013zp!C3\n",
        "  department: 某县交通运输局  # 510000_0013zp!C4\n",
        "  implementer: 某县公路事务中心  # 510000_0013zp!H4\n",
        "  initial: 100  # 510000_0013zp!C6\n",
        "  execution_rate: 80.00%  # 510000_0013zp!F6\n",
        "      - name: 养护里程  # 510000_0013zp!D9\n        nature: ≥  # 510000_0013zp!E9\n        target: 120  # 510000_0013zp!F9\n        unit: 公里  # 510000_0013zp!G9\n        actual: 118  # 510000_0013zp!H9\n        weight: 20  # 510000_0013zp!I9\n        score: 19  # 510000_0013zp!J9\n        deviation: 部分路段因汛期延后  # 510000_0013zp!K9\n",
    ] {
        assert!(yaml.contains(want), "missing {want:?} in\n{yaml}");
    }
    assert!(yaml.contains("year: 2023  # 510000_0013zp!A2"), "{yaml}");
}

#[test]
fn older_target_form_reads_the_annual_table() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("申报表").unwrap();
    m(ws, 0, 0, 0, 4, "项目支出绩效目标申报表");
    m(ws, 1, 0, 1, 4, "（2021年度）");
    t(ws, 2, 0, "项目名称");
    m(ws, 2, 1, 2, 4, "农村公路建设");
    t(ws, 3, 0, "主管部门");
    t(ws, 3, 1, "某县交通运输局");
    t(ws, 3, 2, "实施单位");
    m(ws, 3, 3, 3, 4, "某县公路事务中心");
    m(ws, 4, 0, 5, 0, "项目资金（万元）");
    t(ws, 4, 1, "年度资金总额：");
    n(ws, 4, 2, 200.0);
    t(ws, 5, 1, "其中：财政拨款");
    n(ws, 5, 2, 180.0);
    t(ws, 6, 0, "长期目标");
    m(ws, 6, 1, 6, 4, "五年内建成农村公路网");
    t(ws, 7, 0, "年度目标");
    m(ws, 7, 1, 7, 4, "本年度新建农村公路 30 公里");
    m(ws, 8, 0, 8, 4, "长期绩效指标");
    for (c, h) in ["一级指标", "二级指标", "三级指标", "指标值"]
        .iter()
        .enumerate()
    {
        t(ws, 9, c as u16, h);
    }
    t(ws, 10, 0, "产出指标");
    t(ws, 10, 1, "数量指标");
    t(ws, 10, 2, "建成公路里程");
    t(ws, 10, 3, "≥ 150 公里");
    m(ws, 11, 0, 11, 4, "年度绩效指标");
    for (c, h) in ["一级指标", "二级指标", "三级指标", "指标值"]
        .iter()
        .enumerate()
    {
        t(ws, 12, c as u16, h);
    }
    m(ws, 13, 0, 14, 0, "产出指标");
    t(ws, 13, 1, "数量指标");
    t(ws, 13, 2, "新建公路里程");
    t(ws, 13, 3, "≥ 30 公里");
    t(ws, 14, 1, "质量指标");
    t(ws, 14, 2, "验收合格率");
    t(ws, 14, 3, "100%");
    let (yaml, table) = one(&mut wb);
    assert_eq!(table.layout, "target");
    assert!(
        yaml.starts_with("# jixiao import: 申报表\nkind: target\nyear: 2021"),
        "{yaml}"
    );
    for want in [
        "  total: 200  # 申报表!C5\n",
        "    fiscal: 180  # 申报表!C6\n",
        "  annual: 本年度新建农村公路 30 公里  # 申报表!B8\n",
        "  long_term: 五年内建成农村公路网  # 申报表!B7\n",
        "      - name: 新建公路里程  # 申报表!C14\n",
        "    质量指标:\n      - name: 验收合格率  # 申报表!C15\n        target: 100%  # 申报表!D15\n",
    ] {
        assert!(yaml.contains(want), "missing {want:?} in\n{yaml}");
    }
    assert!(
        !yaml.contains("建成公路里程  #"),
        "the long-term table is not read:\n{yaml}"
    );
}

#[test]
fn department_tables_have_department_scope() {
    for (selfev, title) in [
        (true, "部门整体支出绩效自评表"),
        (false, "部门整体支出绩效目标表"),
    ] {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("部门整体").unwrap();
        m(ws, 0, 0, 0, 8, title);
        m(ws, 1, 0, 1, 8, "（2021年度）");
        m(ws, 2, 0, 2, 1, "部门（单位）名称");
        m(ws, 2, 2, 2, 8, "零陵区林业局");
        m(ws, 3, 0, 4, 1, "年度预算（万元）");
        for (c, h) in [
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ]
        .iter()
        .enumerate()
        {
            t(ws, 3, 2 + c as u16, h);
        }
        n(ws, 4, 2, 4753.66);
        n(ws, 4, 3, 4753.66);
        n(ws, 4, 4, 3824.26);
        n(ws, 4, 5, 10.0);
        t(ws, 4, 6, "80.45");
        n(ws, 4, 7, 8.05);
        t(ws, 5, 0, "年度总体目标");
        m(ws, 5, 1, 5, 8, "造林1.2万亩");
        let heads: &[&str] = if selfev {
            &[
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
            ]
        } else {
            &["一级指标", "二级指标", "三级指标", "指标值"]
        };
        for (c, h) in heads.iter().enumerate() {
            t(ws, 6, 1 + c as u16, h);
        }
        t(ws, 6, 0, "绩效指标");
        t(ws, 7, 1, "产出指标(50分)");
        t(ws, 7, 2, "数量指标");
        t(ws, 7, 3, "造林面积");
        t(ws, 7, 4, "1.2万亩");
        if selfev {
            t(ws, 7, 5, "1.2万亩");
            n(ws, 7, 6, 10.0);
            n(ws, 7, 7, 10.0);
        }
        let (yaml, table) = one(&mut wb);
        let (layout, kind) = if selfev {
            ("department-self-evaluation", "self-evaluation")
        } else {
            ("department-target", "target")
        };
        assert_eq!(table.layout, layout);
        assert!(
            yaml.contains(&format!("kind: {kind}\nyear: 2021")),
            "{yaml}"
        );
        assert!(
            yaml.contains(
                "scope: department\nproject:\n  department: 零陵区林业局  # 部门整体!C3\n"
            ),
            "{yaml}"
        );
        assert!(yaml.contains("  total: 4753.66  # 部门整体!D5\n"), "{yaml}");
        assert!(
            yaml.contains("  execution_rate: 80.45%  # 部门整体!G5\n"),
            "{yaml}"
        );
        assert!(
            yaml.contains("  产出指标(50分):\n    数量指标:\n      - name: 造林面积"),
            "{yaml}"
        );
    }
}

#[test]
fn summary_table() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/chengde-2022/summary.yaml"
    ))
    .unwrap();
    let bytes = workbook::export(&text).unwrap();
    let book = workbook::read(&bytes, "汇总.xlsx").unwrap();
    let t = &book.tables[0];
    assert_eq!(t.layout, "summary");
    assert!(
        t.yaml.contains("  executed: 260.15  # 汇总!E3\n"),
        "{}",
        t.yaml
    );
    assert!(
        t.yaml
            .contains("fully_executed:\n  - “三线”民兵补贴  # 汇总!G3\n"),
        "{}",
        t.yaml
    );
    let doc = loads(&t.yaml);
    assert_eq!(
        doc.root.get(Key::ProjectCount).and_then(|n| n.num()),
        Some(10.into())
    );
}

#[test]
fn a_waivers_sheet_alone_is_no_table() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("豁免").unwrap();
    t(ws, 0, 0, "规则");
    t(ws, 1, 0, "JX304");
    let bytes = wb.save_to_buffer().unwrap();
    assert!(matches!(workbook::read(&bytes, "w.xlsx"), Err(BookError::NoTable(s)) if s == "豁免"));
}

#[test]
fn a_book_without_tables_names_its_sheets() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("说明").unwrap();
    t(ws, 0, 0, "这不是绩效表");
    let bytes = wb.save_to_buffer().unwrap();
    let e = workbook::read(&bytes, "x.xlsx").unwrap_err();
    assert_eq!(e, BookError::NoTable("说明".into()));
    assert!(e.message(jixiao::diag::Lang::Zh).contains("说明"));
    assert!(
        e.message(jixiao::diag::Lang::En)
            .contains("no known performance table")
    );
}

/// `../shared/real/08-yongde-yingyang.yaml` in its published layout (Yunnan,
/// 2022, amounts in 元): split 指标性质 | 指标值 | 度量单位 columns with `≧` and
/// `═`, a line break inside 二级 labels, an empty 生态效益指标 row, the template
/// label 服务对象满意度指标等, 其他需要说明事项 无.
#[test]
fn a_published_yunnan_table_in_its_own_layout() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("公开14表").unwrap();
    m(ws, 0, 0, 0, 10, "2022年度项目支出绩效自评表");
    m(ws, 1, 0, 1, 1, "项目名称");
    m(ws, 1, 2, 1, 10, "义务教育营养改善计划专项资金");
    m(ws, 2, 0, 2, 1, "主管部门");
    m(ws, 2, 2, 2, 5, "永德县教育体育局");
    t(ws, 2, 6, "实施单位");
    m(ws, 2, 7, 2, 10, "永德县明朗中学");
    m(ws, 3, 0, 5, 0, "项目资金（元）");
    for (c, h) in [
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    .iter()
    .enumerate()
    {
        t(ws, 3, 2 + c as u16, h);
    }
    t(ws, 4, 1, "年度资金总额");
    n(ws, 4, 3, 387664.62);
    n(ws, 4, 4, 387664.62);
    n(ws, 4, 5, 10.0);
    pct(ws, 4, 6, 1.0, "0%");
    n(ws, 4, 7, 10.0);
    t(ws, 5, 1, "其中:当年财政拨款");
    n(ws, 5, 3, 387664.62);
    n(ws, 5, 4, 387664.62);
    m(ws, 6, 0, 7, 0, "年度总体目标");
    m(ws, 6, 1, 6, 5, "预期目标");
    m(ws, 6, 6, 6, 10, "实际完成情况");
    m(
        ws,
        7,
        1,
        7,
        5,
        "确保每一个学生都能享受到国家政策福利，改善学生体质",
    );
    m(
        ws,
        7,
        6,
        7,
        10,
        "确保每一个学生都能享受到国家政策福利，改善学生体质",
    );
    m(ws, 8, 0, 9, 0, "绩效指标");
    for (c, h) in [(1u16, "一级指标"), (2, "二级指标"), (3, "三级指标")] {
        m(ws, 8, c, 9, c, h);
    }
    m(ws, 8, 4, 8, 6, "年度指标值");
    for (c, h) in [
        (7u16, "实际完成值"),
        (8, "分值"),
        (9, "得分"),
        (10, "偏差原因分析及改进措施"),
    ] {
        m(ws, 8, c, 9, c, h);
    }
    t(ws, 9, 4, "指标性质");
    t(ws, 9, 5, "指标值");
    t(ws, 9, 6, "度量单位");
    // 一级, 二级, 三级, 指标性质, 指标值, 度量单位, 实际完成值, 得分 (-1: none)
    type Row<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        f64,
    );
    let rows: &[Row<'_>] = &[
        (
            "产出指标",
            "数量指标",
            "学生受资助人数",
            "≧",
            "735",
            "人次",
            "735",
            10.0,
        ),
        (
            "",
            "质量指标",
            "营养改善计划覆盖率",
            "≧",
            "100",
            "%",
            "100%",
            10.0,
        ),
        (
            "",
            "时效指标",
            "资金到位及时率",
            "≧",
            "100",
            "%",
            "100%",
            7.0,
        ),
        (
            "",
            "成本指标",
            "生均补助标准达标率",
            "═",
            "100",
            "%",
            "100%",
            10.0,
        ),
        (
            "效益指标",
            "经济效益\n指标",
            "减轻贫困学生家庭经济负担",
            "定性",
            "有效",
            "",
            "有效",
            10.0,
        ),
        (
            "",
            "社会效益\n指标",
            "政策知晓率",
            "═",
            "100",
            "%",
            "98%",
            9.0,
        ),
        ("", "生态效益\n指标", "", "", "", "", "", -1.0),
        (
            "",
            "可持续影响指标",
            "促进学校教育事业健康发展",
            "≧",
            "100",
            "%",
            "100%",
            10.0,
        ),
        (
            "满意度指标",
            "服务对象满意度指标等",
            "学生满意度",
            "≧",
            "95",
            "%",
            "100%",
            10.0,
        ),
        ("", "", "家长满意度", "≧", "95", "%", "100%", 10.0),
    ];
    for (i, (l1, l2, name, nat, val, unit, act, score)) in rows.iter().enumerate() {
        let r = 10 + i as u32;
        for (c, s) in [
            (1u16, l1),
            (2, l2),
            (3, name),
            (4, nat),
            (5, val),
            (6, unit),
            (7, act),
        ] {
            if !s.is_empty() {
                t(ws, r, c, s);
            }
        }
        if *score >= 0.0 {
            n(ws, r, 8, 10.0);
            n(ws, r, 9, *score);
        }
    }
    m(ws, 20, 0, 20, 7, "总分");
    n(ws, 20, 8, 100.0);
    n(ws, 20, 9, 96.0);
    t(ws, 20, 10, "优");
    m(ws, 21, 0, 21, 1, "其他需要说明事项");
    m(ws, 21, 2, 21, 10, "无");
    let (yaml, table) = one(&mut wb);
    assert_eq!(table.layout, "sichuan-510000-0013zp");
    for want in [
        "year: 2022  # 公开14表!A1\n",
        "  implementer: 永德县明朗中学  # 公开14表!H3\n",
        "  unit: 元  # 公开14表!A4\n",
        "  total: 387664.62  # 公开14表!D5\n",
        "    fiscal:\n      total: 387664.62  # 公开14表!D6\n",
        "  execution_rate: 100%  # 公开14表!G5\n",
        "      - name: 学生受资助人数  # 公开14表!D11\n        nature: ≧  # 公开14表!E11\n        target: 735  # 公开14表!F11\n        unit: 人次  # 公开14表!G11\n        actual: 735  # 公开14表!H11\n",
        "        nature: ═  # 公开14表!E14\n",
        "    经济效益指标:\n      - name: 减轻贫困学生家庭经济负担  # 公开14表!D15\n        nature: 定性  # 公开14表!E15\n        target: 有效  # 公开14表!F15\n",
        "    生态效益指标:\n    可持续影响指标:\n",
        "    服务对象满意度指标等:\n      - name: 学生满意度  # 公开14表!D19\n",
        "      - name: 家长满意度  # 公开14表!D20\n",
        "notes: 无  # 公开14表!C22\n",
        "result:\n  score: 96  # 公开14表!J21\n",
    ] {
        assert!(yaml.contains(want), "missing {want:?} in\n{yaml}");
    }
}
