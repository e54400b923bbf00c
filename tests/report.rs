//! The review pack (`jixiao report`, SPEC §4) on the bundled examples: the
//! figures the experts check (Chengde 2022: ten projects, 34.7 %, 1.97 of 10
//! for 居家养老, JX503 with 260.15 against 260.162333), the target-declaration
//! layout, escaping of user strings, and Markdown snapshots.

use jixiao::cli;

/// Run `jixiao report PATH --format FORMAT -o FILE` and return the file.
fn report(path: &str, format: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("pack");
    let status = cli::main_with([
        "jixiao",
        "report",
        path,
        "--no-config",
        "--format",
        format,
        "-o",
        out.to_str().expect("utf-8 temp path"),
    ]);
    assert_eq!(status, 0, "jixiao report {path} failed");
    undated(std::fs::read_to_string(&out).expect("the report was written"))
}

/// The pack with its cover's date (today, unless `SOURCE_DATE_EPOCH`) as
/// `DATE`, so snapshots hold on any day; the date must be there.
fn undated(pack: String) -> String {
    let re =
        regex::Regex::new(r"(生成日期|made on)(</th><td>|：|: )\d{4}-\d{2}-\d{2}").expect("regex");
    assert!(re.is_match(&pack), "no date on the cover");
    re.replace(&pack, "${1}${2}DATE").into_owned()
}

/// The text of the first element `<tag ...>…</tag>` from `from` on.
fn element<'a>(html: &'a str, tag: &str, from: usize) -> Option<&'a str> {
    let start = from + html[from..].find(&format!("<{tag}"))?;
    let end = start + html[start..].find(&format!("</{tag}>"))? + tag.len() + 3;
    Some(&html[start..end])
}

/// The project names of a department's project table, in order.
fn table_projects(md: &str) -> Vec<String> {
    let start = md.find("### 项目").expect("project table");
    md[start..]
        .lines()
        .skip(4)
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (!cells[1].is_empty()).then(|| cells[2].to_owned())
        })
        .collect()
}

#[test]
fn chengde_md_has_the_figures_the_experts_check() {
    let md = report("examples/chengde-2022", "md");
    // Ten projects, lowest execution rate first.
    let names = table_projects(&md);
    assert_eq!(names.len(), 10, "{names:?}");
    assert_eq!(names[0], "创建文明城市项目");
    assert_eq!(names[1], "居家养老项目");
    assert_eq!(names[5], "社区网格化建设项目");
    // Department rate from the summary, with its light in words.
    assert!(md.contains("| 10 | 749.78 | 260.15（按各项目计算 260.162333） | 34.7% 🔴 红灯 |"));
    assert!(md.contains("| 执行数（万元） | 260.15 | 260.162333 | **✗ 不一致** |"));
    assert!(md.contains("| 执行率 | 34.7% | 34.70% | ✓ 一致 |"));
    // The JX503 finding with both figures, at its place in the summary.
    assert!(md.contains(
        "| 错误 | **JX503** 汇总执行数与各项目合计一致 | 汇总执行数 260.15 万元，各项目合计 260.162333 万元 | `examples/chengde-2022/summary.yaml:17` |"
    ));
    // 居家养老: 29.5896 of 150 → 1.97 of 10; total 79.50 (中), by formula.
    assert!(md.contains(
        "| 2 | 居家养老项目 | 150 | 29.5896 | 19.73% | 🔴 红灯 | 1.97 | 79.50 | 中 | 0 | 1 | 0 |"
    ));
    assert!(md.contains("- 预算执行率得分：**1.97** / 10"));
    assert!(md.contains("| 预算执行率 |  |  | 预算 150 | 执行 29.5896（19.73%） | 10 | 1.97 |"));
    // 62% of a ≥ 80% target with weight 15 is 11.625, shown half-up.
    assert!(md.contains("| 社区老人居家养老需求满足率 | ≥ 80% | 62% | 15 | 11.63 |"));
    // Five low-execution warnings, each with file:line.
    assert_eq!(md.matches("**JX304** 预算执行率偏低").count(), 5);
    assert!(md.contains("`examples/chengde-2022/01-jujia-yanglao.yaml:19`"));
    assert!(md.contains("|  | **各项目合计** | 749.78 | 260.162333 | 34.70% |"));
}

#[test]
fn chengde_html_has_every_project_the_chart_and_the_findings() {
    let html = report("examples/chengde-2022", "html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Self-contained: no scripts, no external assets.
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    assert!(!html.contains("<link"));
    assert!(html.contains("@media print") && html.contains("size: A4"));
    assert!(html.contains("\"Noto Sans CJK SC\""));
    // One project section per project.
    assert_eq!(html.matches("<section class=\"project\"").count(), 10);
    assert!(html.contains("<span class=\"v\">34.7%</span> <span class=\"badge red\">红灯</span>"));
    assert!(html.contains("260.162333") && html.contains("260.15"));
    assert!(html.contains("汇总执行数 260.15 万元，各项目合计 260.162333 万元"));
    assert!(html.contains("<b>1.97</b> / 10"));
    // The chart: a bar of positive width per project, and both reference lines.
    let svg = element(&html, "svg", 0).expect("an inline svg chart");
    let widths: Vec<f64> = svg
        .split("<rect ")
        .skip(1)
        .filter_map(|r| {
            let w = r.split("width=\"").nth(1)?.split('"').next()?;
            w.parse().ok()
        })
        .collect();
    assert_eq!(widths.len(), 10, "{svg}");
    assert!(widths.iter().all(|&w| w > 0.0), "{widths:?}");
    // 居家养老 at 19.7264 % of 400 px.
    assert!(widths.contains(&78.9), "{widths:?}");
    assert!(svg.contains(">60%</text>") && svg.contains(">80%</text>"));
    assert_eq!(svg.matches("class=\"ref\"").count(), 2);
}

#[test]
fn target_declarations_show_counts_and_no_scores() {
    let md = report("examples/target-clean.yaml", "md");
    assert!(md.contains("## 承德高新区社区管理办公室 · 2023 年度 · 绩效目标申报"));
    assert!(md.contains(
        "| 1 | 滨河社区居家养老服务提升项目 | 120 | 12 | 9 | 2 | 1 | 100.00% | 0 | 0 | 0 |"
    ));
    assert!(md.contains("三级指标 12 个：产出 9、效益 2、满意度 1；定量指标 12 个，占 100.00%"));
    assert!(
        !md.contains("| 得分 |") && !md.contains("自评总分"),
        "a target declaration has no scores"
    );
    let html = report("examples/target-clean.yaml", "html");
    assert!(!html.contains("<svg"), "no execution, no chart");
    assert_eq!(html.matches("<section class=\"project\"").count(), 1);
}

const HOSTILE: &str = r#"kind: self-evaluation
year: 2022
project:
  name: <script>alert("项目")</script>养老
  department: 社区办 & <b>街道</b>
  applicant: 社区办
  declarant: 社区办
budget: { total: 100, executed: 70, underspend_reason: "a | b <i>" }
goals: { annual: 年度目标 }
indicators:
  产出指标:
    数量指标:
      - { name: "<script>x</script>服务人次", target: ≥ 100 人次, actual: 90 人次, weight: 50, score: 40 }
  效益指标:
    社会效益指标:
      - { name: 覆盖率, target: ≥ 80%, actual: 达到, weight: 30, score: 30 }
  满意度指标:
    服务对象满意度指标:
      - { name: 满意度, target: ≥ 90%, actual: 95%, weight: 10, score: 10 }
waivers:
  - { rule: JX101, reason: "<script>理由</script>" }
"#;

#[test]
fn every_user_string_is_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.yaml"), HOSTILE).expect("write");
    let path = dir.path().to_str().expect("utf-8 temp path");
    let html = report(path, "html");
    assert!(!html.contains("<script"), "unescaped <script> in the HTML");
    assert!(!html.contains("<b>街道"));
    // Project name in the table, its heading and the chart; indicator name in
    // its table and in the messages that quote it; the waiver's reason.
    assert!(html.contains("&lt;script&gt;alert(&quot;项目&quot;)&lt;/script&gt;养老"));
    assert!(
        html.matches("&lt;script&gt;x&lt;/script&gt;服务人次")
            .count()
            >= 2
    );
    assert!(html.contains("&lt;script&gt;理由&lt;/script&gt;"));
    assert!(html.contains("社区办 &amp; &lt;b&gt;街道&lt;/b&gt;"));
    let svg = element(&html, "svg", 0).expect("chart");
    assert!(svg.contains("&lt;script&gt;alert(&quot;项目&quot;)"));
    // Reported 40 against 45 by formula (90 of ≥ 100, weight 50) is shown
    // beside it, the cell marked with the finding (escaped too).
    assert!(html.contains(
        "<td class=\"num flag-error\" title=\"JX403 得分与计分公式一致：三级指标“&lt;script&gt;x&lt;/script&gt;服务人次”报告得分 40"
    ), "{html}");
    assert!(html.contains("45.00<span class=\"diff\">报告 40</span>"));

    let md = report(path, "md");
    assert!(
        !md.replace("\\<script", "").contains("<script"),
        "unescaped <script> in the Markdown"
    );
    // Markdown's own escapes, not HTML entities (first contact #34).
    assert!(md.contains("\\<script>x\\</script>服务人次"), "{md}");
    assert!(md.contains("未支出原因：a \\| b \\<i>"));
    assert!(!md.contains("&lt;") && !md.contains("&gt;") && !md.contains("&amp;"));
    assert!(md.contains("| 45.00（报告 40） |"));
}

#[test]
fn markdown_snapshot_chengde_2022() {
    let md = report("examples/chengde-2022", "md");
    // The method note's signs as written, no entity (first contact #34).
    assert!(
        md.contains("差 < 60。") && md.contains("红灯 < 60%"),
        "{md}"
    );
    assert!(!md.contains("&lt;") && !md.contains("&gt;") && !md.contains("&amp;"));
    insta::assert_snapshot!("chengde_2022_md", md);
}

#[test]
fn markdown_snapshot_target_declaration() {
    insta::assert_snapshot!(
        "target_clean_md",
        report("examples/target-clean.yaml", "md")
    );
}

#[test]
fn english_labels_with_lang_en() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("pack.md");
    let status = cli::main_with([
        "jixiao",
        "report",
        "examples/chengde-2022",
        "--no-config",
        "--lang",
        "en",
        "--format",
        "md",
        "-o",
        out.to_str().expect("utf-8 temp path"),
    ]);
    assert_eq!(status, 0);
    let md = std::fs::read_to_string(&out).expect("written");
    assert!(md.starts_with("# Budget performance review pack"));
    // English punctuation throughout, Chinese only in the declarations' own text.
    assert!(
        md.contains("Check: 1 error, 5 warnings in 11 files"),
        "{md}"
    );
    assert!(md.contains("- file: `examples/chengde-2022/02-wenming-chengshi.yaml`"));
    assert!(md.contains("rate 16.10% (reported 16.1%) 🔴 red"), "{md}");
    assert!(md.contains("| executed (万元) | 260.15 | 260.162333 | **✗ differs** |"));
    assert!(md.contains("34.7% 🔴 red"));
}

#[test]
fn projects_read_only_for_a_summary_are_marked_unchecked() {
    let md = report("examples/chengde-2022/summary.yaml", "md");
    assert_eq!(table_projects(&md).len(), 10);
    assert!(md.contains("汇总执行数 260.15 万元，各项目合计 260.162333 万元"));
    assert!(md.contains("| 1.97 | 79.50 | 中 | — | — | 0 |"));
    assert!(md.contains("只为核对汇总数而读入，本次未单独检查"));
}

#[test]
fn target_pack_shows_basis_sources_indicator_notes_and_provenance() {
    let md = report("examples/target-clean.yaml", "md");
    // The cover says when, by what and under which rules the pack was made.
    assert!(md.contains("- 生成日期：DATE"), "{md}");
    assert!(md.contains(&format!("- 生成工具：jixiao {}", env!("CARGO_PKG_VERSION"))));
    assert!(md.contains("- 指标体系：legacy（一级指标：产出、效益、满意度）"));
    assert!(md.contains("- 规则文件：`"));
    // Only Chinese in a Chinese pack.
    assert!(
        md.contains("检查结果：0 个错误，0 个警告，共 1 个文件\n"),
        "{md}"
    );
    assert!(!md.contains("errors"));
    // What the experts weigh a target against.
    assert!(md.contains(
        "- 立项依据：关于印发〈滨河社区居家养老服务中心项目实施方案〉的通知（承高党政办字【2018】59 号）"
    ));
    assert!(md.contains("- 资金来源（万元）：一般公共预算 100，其他资金 20"));
    assert!(md.contains(
        "- **居家养老上门服务人次**：指标解释：全年为签约老人提供生活照料、家政、陪护等上门服务的人次合计；\
         评分标准：达到目标得满分，未达到按完成比例计分；历史值：3600 人次"
    ));
    assert!(md.contains("- **辖区失能半失能老人服务覆盖率**：取值依据：社区老年人口台账"));
    // The history column beside the target.
    assert!(md.contains("| 一级指标 | 二级指标 | 三级指标 | 指标值 | 历史值 | 类型 | 分值 |"));
    assert!(md.contains(
        "| 产出指标 | 数量指标 | 居家养老上门服务人次 | ≥ 6000 人次 | 3600 人次 | 定量 | 8 |"
    ));
    // Method notes keep their signs as written, not as entities.
    assert!(!md.contains("&lt;") && !md.contains("&gt;") && !md.contains("&amp;"));

    let html = report("examples/target-clean.yaml", "html");
    assert!(html.contains("<tr><th>生成日期</th><td>DATE</td></tr>"));
    assert!(
        html.contains("<tr><th>资金来源（万元）</th><td>一般公共预算 100，其他资金 20</td></tr>")
    );
    assert!(html.contains("历史值：3600 人次"));
}

#[test]
fn printed_indicator_rows_keep_their_dimension_labels() {
    let html = report("examples/chengde-2022", "html");
    // No row spans a page can cut: every row names its 一级 and 二级, the
    // repeated ones faintly.
    assert!(!html.contains("rowspan"));
    assert!(html.contains("<td class=\"rep\">产出指标</td><td class=\"rep\">数量指标</td>"));
    assert!(html.contains("td.rep {"));
}

/// Declarations whose sums and products do not fit the decimal type
/// (about 7.9 × 10²⁸): eight budgets of 28 nines, and one project whose
/// weights are all 28 nines.
fn overflowing(dir: &std::path::Path) {
    let target = std::fs::read_to_string("examples/target-clean.yaml").expect("example");
    for i in 1..=8 {
        let text = target
            .replace("滨河社区居家养老服务提升项目", &format!("项目{i}"))
            .replace("  total: 120", "  total: 9999999999999999999999999999");
        std::fs::write(dir.join(format!("p{i}.yaml")), text).expect("write");
    }
    let eval =
        std::fs::read_to_string("examples/chengde-2022/01-jujia-yanglao.yaml").expect("example");
    let weights = regex::Regex::new(r"weight: [0-9]+").expect("regex");
    let text = weights.replace_all(&eval, "weight: 9999999999999999999999999999");
    let sub = dir.join("w");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::write(sub.join("w.yaml"), text.as_ref()).expect("write");
}

#[test]
fn overflowing_totals_and_weights_show_as_overflow_not_a_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    overflowing(dir.path());
    let path = dir.path().to_str().expect("utf-8 temp path");
    let md = report(path, "md");
    // Eight budgets of 7.9 × 10²⁸ add up to more than the decimal type holds.
    assert!(md.contains("| 8 | 溢出 | 96 | 100.00% |"), "{md}");
    // Weights of 28 nines: their sum overflows, no score can be computed.
    assert!(
        md.contains("| **总分 · 等级** |  |  |  |  | 溢出 | **—** — |"),
        "{md}"
    );
    let html = report(path, "html");
    assert!(html.contains("<span class=\"v\">溢出</span>"), "{html}");
    assert!(html.contains("<td class=\"num\">溢出</td>"));
    let en = dir.path().join("pack.md");
    let status = cli::main_with([
        "jixiao",
        "report",
        path,
        "--no-config",
        "--lang",
        "en",
        "--format",
        "md",
        "-o",
        en.to_str().expect("utf-8"),
    ]);
    assert_eq!(status, 0);
    assert!(
        std::fs::read_to_string(&en)
            .expect("written")
            .contains("| 8 | overflow |")
    );
    let book = workbook(path);
    let overview = book.sheet("汇总");
    assert!(
        overview.cells.values().any(|v| v == "溢出"),
        "{:?}",
        overview.cells
    );
}

/// A workbook read back: its sheets in order.
struct Book {
    sheets: Vec<Sheet>,
}

struct Sheet {
    name: String,
    /// `A1` → text (shared strings resolved) or number as written.
    cells: std::collections::BTreeMap<String, String>,
    /// `A1` → fill colour (`FFC7CE`), for filled cells.
    fills: std::collections::BTreeMap<String, String>,
    /// `A1` → the note's text.
    notes: std::collections::BTreeMap<String, String>,
}

impl Book {
    fn sheet(&self, name: &str) -> &Sheet {
        self.sheets
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no sheet {name}"))
    }
}

impl Sheet {
    /// The cell right of the first cell holding `text`, `n` columns on.
    fn beside(&self, text: &str, n: u32) -> Option<&str> {
        let (at, _) = self.cells.iter().find(|(_, v)| v.as_str() == text)?;
        let (col, row) = split(at);
        self.cells
            .get(&format!("{}{row}", letters(col + n)))
            .map(String::as_str)
    }
}

fn split(at: &str) -> (u32, String) {
    let letters_end = at.find(|c: char| c.is_ascii_digit()).expect("a row");
    let col = at[..letters_end]
        .bytes()
        .fold(0, |n, b| n * 26 + u32::from(b - b'A' + 1))
        - 1;
    (col, at[letters_end..].to_owned())
}

fn letters(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + u8::try_from(col % 26).expect("letter"));
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

/// Run `report --format xlsx` and read the workbook back with a zip reader
/// and an XML parser: sheet names, cells, fills and notes.
fn workbook(path: &str) -> Book {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("pack.xlsx");
    let status = cli::main_with([
        "jixiao",
        "report",
        path,
        "--no-config",
        "--format",
        "xlsx",
        "-o",
        out.to_str().expect("utf-8 temp path"),
    ]);
    assert_eq!(status, 0, "jixiao report {path} --format xlsx failed");
    let bytes = std::fs::read(&out).expect("the workbook was written");
    read_book(&bytes)
}

fn read_book(bytes: &[u8]) -> Book {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut part = |name: &str| -> Option<String> {
        let mut f = zip.by_name(name).ok()?;
        let mut s = String::new();
        f.read_to_string(&mut s).expect("utf-8 part");
        Some(s)
    };
    let text = |n: roxmltree::Node<'_, '_>| -> String {
        n.descendants()
            .filter(|d| d.has_tag_name("t"))
            .filter_map(|d| d.text())
            .collect()
    };
    let strings: Vec<String> = part("xl/sharedStrings.xml").map_or_else(Vec::new, |x| {
        let doc = roxmltree::Document::parse(&x).expect("shared strings");
        doc.root_element()
            .children()
            .filter(|n| n.has_tag_name("si"))
            .map(text)
            .collect()
    });
    let styles = part("xl/styles.xml").expect("styles");
    let styles = roxmltree::Document::parse(&styles).expect("styles xml");
    let fills: Vec<Option<String>> = styles
        .descendants()
        .filter(|n| n.has_tag_name("fill"))
        .map(|f| {
            f.descendants()
                .find(|n| n.has_tag_name("fgColor"))
                .and_then(|c| c.attribute("rgb"))
                .map(|rgb| rgb.strip_prefix("FF").unwrap_or(rgb).to_owned())
        })
        .collect();
    let xfs: Vec<Option<String>> = styles
        .descendants()
        .find(|n| n.has_tag_name("cellXfs"))
        .expect("cellXfs")
        .children()
        .filter(|n| n.has_tag_name("xf"))
        .map(|x| {
            let id: usize = x
                .attribute("fillId")
                .unwrap_or("0")
                .parse()
                .expect("fill id");
            fills.get(id).cloned().flatten()
        })
        .collect();
    let wb = part("xl/workbook.xml").expect("workbook part");
    let wb = roxmltree::Document::parse(&wb).expect("workbook xml");
    let names: Vec<String> = wb
        .descendants()
        .filter(|n| n.has_tag_name("sheet"))
        .map(|n| n.attribute("name").expect("sheet name").to_owned())
        .collect();
    let mut sheets = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        let xml = part(&format!("xl/worksheets/sheet{}.xml", i + 1)).expect("sheet part");
        let doc = roxmltree::Document::parse(&xml).expect("sheet xml");
        let mut cells = std::collections::BTreeMap::new();
        let mut filled = std::collections::BTreeMap::new();
        for c in doc.descendants().filter(|n| n.has_tag_name("c")) {
            let at = c.attribute("r").expect("cell ref").to_owned();
            if let Some(Some(fill)) = c
                .attribute("s")
                .and_then(|s| s.parse::<usize>().ok())
                .and_then(|s| xfs.get(s))
            {
                filled.insert(at.clone(), fill.clone());
            }
            let v = c
                .children()
                .find(|n| n.has_tag_name("v"))
                .and_then(|v| v.text());
            let value = match (c.attribute("t"), v) {
                (Some("s"), Some(v)) => strings[v.parse::<usize>().expect("index")].clone(),
                (_, Some(v)) => v.to_owned(),
                (_, None) => continue,
            };
            cells.insert(at, value);
        }
        let mut notes = std::collections::BTreeMap::new();
        let rels = part(&format!("xl/worksheets/_rels/sheet{}.xml.rels", i + 1));
        if let Some(rels) = rels {
            let rels = roxmltree::Document::parse(&rels).expect("rels xml");
            for r in rels
                .descendants()
                .filter(|n| n.has_tag_name("Relationship"))
            {
                let target = r.attribute("Target").unwrap_or("");
                if let Some(file) = target.strip_prefix("../")
                    && file.starts_with("comments")
                {
                    let xml = part(&format!("xl/{file}")).expect("comments part");
                    let doc = roxmltree::Document::parse(&xml).expect("comments xml");
                    for c in doc.descendants().filter(|n| n.has_tag_name("comment")) {
                        notes.insert(c.attribute("ref").expect("ref").to_owned(), text(c));
                    }
                }
            }
        }
        sheets.push(Sheet {
            name,
            cells,
            fills: filled,
            notes,
        });
    }
    Book { sheets }
}

#[test]
fn chengde_workbook_has_overview_findings_and_a_sheet_per_project() {
    let book = workbook("examples/chengde-2022");
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), 12, "{names:?}");
    assert_eq!(&names[..3], ["汇总", "问题清单", "1 创建文明城市项目"]);
    assert_eq!(names[3], "2 居家养老项目");

    // 汇总: what made it, then per project budget, executed, the rate as a
    // number filled red, scores, grade.
    let o = book.sheet("汇总");
    assert_eq!(o.cells["A1"], "预算绩效评审材料");
    assert_eq!(
        o.beside("生成工具", 2),
        Some(format!("jixiao {}", env!("CARGO_PKG_VERSION")).as_str())
    );
    assert!(
        o.beside("规则文件", 2)
            .is_some_and(|v| v.contains("rules/budget.rules"))
    );
    assert_eq!(o.beside("居家养老项目", 2), Some("150"));
    assert_eq!(o.beside("居家养老项目", 3), Some("29.5896"));
    let (at, _) = o
        .cells
        .iter()
        .find(|(_, v)| v.as_str() == "居家养老项目")
        .expect("the project's row");
    let (col, row) = split(at);
    let rate = format!("{}{row}", letters(col + 4));
    assert!(o.cells[&rate].starts_with("0.19726"), "{}", o.cells[&rate]);
    assert_eq!(o.fills.get(&rate).map(String::as_str), Some("C62828"));
    // JX304 as a note on the executed amount it points at, the cell filled.
    let executed = format!("{}{row}", letters(col + 3));
    assert!(
        o.notes[&executed].contains("JX304 预算执行率偏低"),
        "{:?}",
        o.notes
    );
    assert_eq!(o.fills.get(&executed).map(String::as_str), Some("FFEB9C"));
    assert_eq!(o.beside("居家养老项目", 5), Some("红灯"));
    assert_eq!(o.beside("居家养老项目", 6), Some("1.97"));
    assert_eq!(o.beside("居家养老项目", 7), Some("79.5"));
    assert_eq!(o.beside("居家养老项目", 9), Some("中"));
    // The department's row: the projects' sums, JX503 on the executed total.
    let (at, _) = o
        .cells
        .iter()
        .find(|(_, v)| v.as_str() == "各项目合计 10")
        .expect("the department's row");
    let (col, row) = split(at);
    let executed = format!("{}{row}", letters(col + 3));
    assert_eq!(o.cells[&executed], "260.162333");
    assert!(o.notes[&executed].contains("JX503"), "{:?}", o.notes);

    // 问题清单: every finding with file, line, code, severity, message, help.
    let f = book.sheet("问题清单");
    assert_eq!(f.cells["A1"], "文件");
    assert_eq!(f.cells["G1"], "修改建议");
    let jx503 = f
        .cells
        .iter()
        .find(|(_, v)| v.as_str() == "JX503")
        .map(|(at, _)| split(at).1)
        .expect("JX503 listed");
    assert_eq!(
        f.cells[&format!("A{jx503}")],
        "examples/chengde-2022/summary.yaml"
    );
    assert_eq!(f.cells[&format!("B{jx503}")], "17");
    assert_eq!(f.cells[&format!("D{jx503}")], "错误");
    assert!(f.cells[&format!("G{jx503}")].contains("各项目执行数之和"));
    assert_eq!(
        f.cells.values().filter(|v| v.as_str() == "JX304").count(),
        5
    );

    // A project: its facts, its indicators with computed and reported scores.
    let p = book.sheet("2 居家养老项目");
    assert!(p.cells["A1"].starts_with("2. 居家养老项目"));
    assert_eq!(p.beside("社区老人居家养老需求满足率", 3), Some("15"));
    assert_eq!(p.beside("社区老人居家养老需求满足率", 4), Some("11.63"));
    let exec = p
        .cells
        .iter()
        .find(|(_, v)| v.starts_with("执行 29.5896"))
        .map(|(at, _)| at.clone())
        .expect("the execution row");
    assert!(p.notes[&exec].contains("JX304"), "{:?}", p.notes);
}

#[test]
fn workbook_marks_the_faulty_indicator_cell_with_its_finding() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.yaml"), HOSTILE).expect("write");
    let book = workbook(dir.path().to_str().expect("utf-8 temp path"));
    assert_eq!(book.sheets.len(), 3);
    let p = &book.sheets[2];
    // Reported 40 against 45 by formula: both in their own columns, the
    // reported one filled and carrying the finding.
    let name = "<script>x</script>服务人次";
    assert_eq!(p.beside(name, 4), Some("45"));
    assert_eq!(p.beside(name, 5), Some("40"));
    let (at, _) = p
        .cells
        .iter()
        .find(|(_, v)| v.as_str() == name)
        .expect("row");
    let (col, row) = split(at);
    let reported = format!("{}{row}", letters(col + 5));
    let note = p
        .notes
        .get(&reported)
        .expect("a note on the reported score");
    assert!(note.contains("JX403 得分与计分公式一致"), "{note}");
    assert!(p.fills.contains_key(&reported), "{:?}", p.fills);
}

/// Every table the pack lays out is a grid: each row spans exactly its
/// columns, in both languages, so no serializer can shift a cell.
#[test]
fn every_laid_out_table_is_a_full_grid() {
    use jixiao::report::content::{self, Block, Table};
    use jixiao::rules::RuleSet;
    use jixiao::rules::compile::Settings;
    let rules = RuleSet::build(cli::default_sources(), &Settings::default()).expect("rules");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.yaml"), HOSTILE).expect("write");
    overflowing(dir.path());
    let paths = [
        std::path::PathBuf::from("examples/chengde-2022"),
        std::path::PathBuf::from("examples/target-clean.yaml"),
        dir.path().to_path_buf(),
    ];
    let check = |t: &Table, what: &str| {
        for r in t.rows.iter().chain(&t.foot) {
            let span: usize = r.cells.iter().map(|c| c.colspan).sum();
            assert_eq!(span, t.cols.len(), "{what}: {:?} row {r:?}", t.kind);
            assert!(r.cells.iter().all(|c| c.colspan >= 1));
        }
    };
    for path in paths {
        let mut opts = jixiao::check::Options::new(jixiao::load::LoadOptions::default());
        opts.keep_docs = true;
        let outcome = jixiao::disk::run(std::slice::from_ref(&path), None, &rules, &opts);
        for lang in [jixiao::diag::Lang::Zh, jixiao::diag::Lang::En] {
            let pack = jixiao::report::model::build(&outcome, &rules, lang);
            let c = content::build(&pack, lang);
            let mut tables = 0;
            for b in c.sections.iter().flat_map(|s| &s.blocks) {
                if let Block::Table(t) = b {
                    check(t, &path.display().to_string());
                    tables += 1;
                }
            }
            assert!(tables > 0);
            check(&content::overview(&pack, lang), "overview");
            check(&content::finding_list(&pack, lang), "finding list");
            for p in pack.departments.iter().flat_map(|d| &d.projects) {
                check(&content::indicator_table(p, lang, true), "sheet");
            }
        }
    }
}
