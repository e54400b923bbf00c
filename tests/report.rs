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
    std::fs::read_to_string(&out).expect("the report was written")
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
    // Reported 40 against 45 by formula (90 of ≥ 100, weight 50) is shown beside it.
    assert!(html.contains("45.00<span class=\"diff\">报告 40</span>"));

    let md = report(path, "md");
    assert!(
        !md.contains("<script"),
        "unescaped <script> in the Markdown"
    );
    assert!(md.contains("&lt;script&gt;x&lt;/script&gt;服务人次"));
    assert!(md.contains("未支出原因：a \\| b &lt;i&gt;"));
    assert!(md.contains("| 45.00（报告 40） |"));
}

#[test]
fn markdown_snapshot_chengde_2022() {
    insta::assert_snapshot!("chengde_2022_md", report("examples/chengde-2022", "md"));
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
