//! Workbooks in and out (SPEC §5): tables built with rust_xlsxwriter in each
//! layout and read back; export → import round trips on the Chengde example;
//! bad workbooks are errors, never panics.

use jixiao::load::load_str;
use jixiao::model::{Node, Value};
use jixiao::workbook::{self, BookError, cell_name};

/// A model without spans, maps sorted by key: what two loads must agree on.
fn shape(n: &Node) -> String {
    match &n.value {
        Value::Map(es) => {
            // `/`, `—`, `*` in a cell mean "nothing here" (SPEC §5): a YAML
            // value written so is compared as absent
            let mut parts: Vec<String> = es
                .iter()
                .filter(|e| !matches!(e.node.text(), Some("/" | "—" | "*")))
                .map(|e| format!("{}={}", e.key.name(), shape(&e.node)))
                .collect();
            parts.sort();
            format!("{{{}}}", parts.join(","))
        }
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(shape).collect::<Vec<_>>().join(",")
        ),
        Value::Num(n) => format!(
            "{}{}",
            n.value.normalize(),
            if n.percent { "%" } else { "" }
        ),
        Value::Text(t) => format!("{t:?}"),
        Value::Ind(v) => format!("ind{:?}", v.text),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
    }
}

fn model(text: &str) -> String {
    let l = load_str(text);
    let doc = l
        .doc
        .unwrap_or_else(|| panic!("does not load: {:?}\n{text}", l.findings));
    format!("{:?} {:?} {}", doc.kind, doc.year, shape(&doc.root))
}

#[test]
fn chengde_round_trips_through_the_official_table() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/chengde-2022");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let bytes = workbook::export(&text).unwrap();
        let book = workbook::read(&bytes, "x.xlsx").unwrap_or_else(|e| panic!("{p:?}: {e:?}"));
        assert_eq!(book.tables.len(), 1, "{p:?}");
        let yaml = &book.tables[0].yaml;
        let mut want = model(&text);
        // the table always says its money unit
        if !text.contains("unit:") {
            want = model(&text.replace("budget:\n", "budget:\n  unit: 万元\n"));
        }
        assert_eq!(model(yaml), want, "{p:?}\n{yaml}");
        n += 1;
    }
    assert_eq!(n, 11);
}

#[test]
fn imported_yaml_names_each_value_cell() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/chengde-2022/01-jujia-yanglao.yaml"
    ))
    .unwrap();
    let book = workbook::read(&workbook::export(&text).unwrap(), "01.xlsx").unwrap();
    let t = &book.tables[0];
    assert_eq!(t.layout, "mof2020-10-self-evaluation");
    assert!(
        t.yaml.contains("executed: 29.5896  # 自评表!E"),
        "{}",
        t.yaml
    );
    assert!(
        t.yaml.contains("execution_rate: 19.7%  # 自评表!G"),
        "{}",
        t.yaml
    );
    // every span's text is the value written there
    for c in &t.cells {
        let s = &t.yaml[c.start as usize..c.end as usize];
        let line_end = t.yaml[c.end as usize..].find('\n').unwrap() + c.end as usize;
        let comment = &t.yaml[c.end as usize..line_end];
        assert_eq!(comment, format!("  # 自评表!{}", cell_name(&c.cell)), "{s}");
    }
    // a key's span finds the value on its line; any offset is safe
    let key = t.yaml.find("  executed:").unwrap() + 2;
    assert_eq!(
        t.cell_at(key, key + 8).map(|c| cell_name(&c)),
        Some("E9".into())
    );
    let mid = t.yaml.find("居家养老项目").unwrap() + 1;
    assert_eq!(
        t.cell_at(mid, mid + 1).map(|c| cell_name(&c)),
        Some("C3".into())
    );
    assert_eq!(t.cell_at(usize::MAX / 2, usize::MAX / 2), None);
    let off = t.yaml.find("29.5896").unwrap();
    let cell = t.cell_at(off, off + 7).unwrap();
    let g = &book.sheets[cell.sheet as usize];
    assert_eq!(g.rows[cell.row as usize][cell.col as usize], "29.5896");
}

#[test]
fn bad_workbooks_are_one_error_each() {
    assert_eq!(
        workbook::read(b"", "a.xlsx").unwrap_err(),
        BookError::NotAWorkbook("empty".into())
    );
    assert!(matches!(
        workbook::read(b"PK\x03\x04\x14\x00", "a.xlsx"),
        Err(BookError::Corrupt(_))
    ));
}

#[test]
fn fixtures_saved_by_libreoffice() {
    let root = env!("CARGO_MANIFEST_DIR");
    for (fixture, source) in [
        (
            "01-jujia-yanglao.xls",
            "examples/chengde-2022/01-jujia-yanglao.yaml",
        ),
        (
            "01-jujia-yanglao.ods",
            "examples/chengde-2022/01-jujia-yanglao.yaml",
        ),
        (
            "01-jujia-yanglao.libreoffice.xlsx",
            "examples/chengde-2022/01-jujia-yanglao.yaml",
        ),
        ("target-clean.xls", "examples/target-clean.yaml"),
        ("summary.ods", "examples/chengde-2022/summary.yaml"),
    ] {
        let bytes = std::fs::read(format!("{root}/tests/fixtures/workbooks/{fixture}")).unwrap();
        let book = workbook::read(&bytes, fixture).unwrap_or_else(|e| panic!("{fixture}: {e:?}"));
        assert_eq!(book.tables.len(), 1, "{fixture}");
        let text = std::fs::read_to_string(format!("{root}/{source}")).unwrap();
        let want = if text.contains("unit:") || text.contains("kind: summary") {
            model(&text)
        } else {
            model(&text.replace("budget:\n", "budget:\n  unit: 万元\n"))
        };
        assert_eq!(
            model(&book.tables[0].yaml),
            want,
            "{fixture}\n{}",
            book.tables[0].yaml
        );
    }
}

#[test]
fn export_is_deterministic() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/chengde-2022/01-jujia-yanglao.yaml"
    ))
    .unwrap();
    assert_eq!(
        workbook::export(&text).unwrap(),
        workbook::export(&text).unwrap()
    );
    let committed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/chengde-2022-xlsx/01-jujia-yanglao.xlsx"
    ))
    .unwrap();
    assert_eq!(
        workbook::export(&text).unwrap(),
        committed,
        "rerun `cargo run --example gen_xlsx`"
    );
}

#[test]
fn export_refuses_what_is_not_a_declaration() {
    assert!(workbook::export("just: text\n").is_err());
    assert!(workbook::export("").is_err());
}

/// The published tables of `../shared/real` (outside the repository: the test
/// says so and passes when the folder is absent).
#[test]
fn real_tables_round_trip_through_the_official_table() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/real");
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("skipped: {dir} not found");
        return;
    };
    let mut n = 0;
    for e in entries {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let bytes = workbook::export(&text).unwrap_or_else(|e| panic!("{p:?}: {e}"));
        let book = workbook::read(&bytes, "x.xlsx").unwrap_or_else(|e| panic!("{p:?}: {e:?}"));
        let yaml = &book.tables[0].yaml;
        // a unit code glued to 主管部门 (`314002-成安县…`) is kept out of the name
        let text: String = text
            .lines()
            .map(|l| match l.split_once("department: ") {
                Some((k, v))
                    if v.split_once('-')
                        .is_some_and(|(c, _)| c.bytes().all(|b| b.is_ascii_digit())) =>
                {
                    format!("{k}department: {}\n", v.split_once('-').unwrap().1)
                }
                _ => format!("{l}\n"),
            })
            .collect();
        // The 部门整体 table says what a transcription before SPEC §1.1 could
        // not: the import marks it `scope: department`.
        let text = if yaml.contains("\nscope: department") && !text.contains("\nscope:") {
            text.replacen("\nyear:", "\nscope: department\nyear:", 1)
        } else {
            text
        };
        let want = if text.contains("unit:") {
            model(&text)
        } else {
            model(&text.replace("budget:\n", "budget:\n  unit: 万元\n"))
        };
        assert_eq!(model(yaml), want, "{p:?}\n{yaml}");
        n += 1;
    }
    assert!(n >= 8, "{n}");
}

/// `scope: department` exports as the 部门整体 table (its title, 部门（单位）
/// 名称, 年度预算, 部门预算编码), which the department layouts read back:
/// `import(export(x)) == x`, scope included, for a target and a
/// self-evaluation.
#[test]
fn department_declarations_round_trip_through_the_department_table() {
    let target = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/real/46-ningde-dangshifangzhi-bumen.yaml"
    ))
    .unwrap();
    // A self-evaluation of the same department, with sources and a grade.
    let selfev = "kind: self-evaluation\nscope: department\nyear: 2022\nproject:\n  department: 零陵区林业局\n  code: \"901001\"\nbudget:\n  unit: 万元\n  initial: 4753.66\n  total: 4753.66\n  executed: 3824.26\n  execution_rate: 80.45%\n  score: 8.05\n  sources:\n    fiscal: { total: 4000, executed: 3500 }\ngoals:\n  annual: 造林1.2万亩\n  achieved: 完成造林1.1万亩\nindicators:\n  产出指标:\n    数量指标:\n      - { name: 造林面积, target: ≥1.2万亩, actual: 1.1万亩, weight: 20, score: 18 }\n  满意度指标:\n    服务对象满意度指标:\n      - { name: 林农满意度, target: ≥90%, actual: 92%, weight: 10, score: 10 }\nresult:\n  score: 36.05\n  grade: 差\n";
    for (text, layout, title) in [
        (
            target.as_str(),
            "department-target",
            "部门整体支出绩效目标表",
        ),
        (
            selfev,
            "department-self-evaluation",
            "部门整体支出绩效自评表",
        ),
    ] {
        let bytes = workbook::export(text).unwrap();
        let book = workbook::read(&bytes, "x.xlsx").unwrap();
        assert_eq!(book.tables.len(), 1);
        let t = &book.tables[0];
        assert_eq!(t.layout, layout, "{}", t.yaml);
        let g = &book.sheets[0];
        assert_eq!(g.rows[0][0], title);
        assert!(
            g.rows
                .iter()
                .any(|r| r.first().is_some_and(|c| c == "部门（单位）名称")),
            "{:?}",
            g.rows
        );
        assert!(
            !g.rows
                .iter()
                .flatten()
                .any(|c| c == "项目名称" || c == "主管部门"),
            "{:?}",
            g.rows
        );
        assert!(t.yaml.contains("\nscope: department\n"), "{}", t.yaml);
        assert!(t.yaml.contains("  code: "), "{}", t.yaml);
        assert_eq!(model(&t.yaml), model(text), "{}", t.yaml);
    }
    // A project declaration still exports as the project table.
    let project = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/chengde-2022/01-jujia-yanglao.yaml"
    ))
    .unwrap();
    let book = workbook::read(&workbook::export(&project).unwrap(), "x.xlsx").unwrap();
    assert_eq!(book.sheets[0].rows[0][0], "项目支出绩效自评表");
    assert!(!book.tables[0].yaml.contains("scope:"));
}

/// Sources named by the level of government (中央资金, 省级资金, 县级资金 …)
/// export as their own funds rows and read back as the same sources.
#[test]
fn sources_by_level_of_government_round_trip() {
    let text = "kind: self-evaluation\nyear: 2024\nproject:\n  name: 高标准农田建设\n  department: 某县农业农村局\nbudget:\n  unit: 万元\n  initial: 150\n  total: 160\n  executed: 150\n  sources:\n    central: { initial: 100, total: 100, executed: 95 }\n    provincial: { initial: 30, total: 30, executed: 30 }\n    municipal: { initial: 10, total: 10, executed: 10 }\n    county: { initial: 10, total: 20, executed: 15 }\ngoals:\n  annual: 建设高标准农田1万亩\nindicators:\n  产出指标:\n    数量指标:\n      - { name: 建设面积, target: ≥1万亩, actual: 1万亩, weight: 50, score: 50 }\n";
    let bytes = workbook::export(text).unwrap();
    let book = workbook::read(&bytes, "x.xlsx").unwrap();
    let g = &book.sheets[0];
    for label in ["中央资金", "省级资金", "市级资金", "县级资金"] {
        assert!(
            g.rows.iter().flatten().any(|c| c == label),
            "{label}: {:?}",
            g.rows
        );
    }
    let yaml = &book.tables[0].yaml;
    assert!(yaml.contains("central"), "{yaml}");
    assert_eq!(model(yaml), model(text), "{yaml}");
}
