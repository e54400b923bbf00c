//! The review pack as one self-contained HTML file: inline CSS (with a print
//! stylesheet for A4: a page per department and per project, table headers
//! repeated across pages), an inline SVG chart, system Chinese fonts, no
//! scripts and no external assets. Every user string goes through [`escape`].

use super::model::{Department, FindingRow, IndicatorRow, Pack, Project, WaiverRow};
use super::model::{Figure, TotalCheck};
use super::svg::{self, Bar};
use super::{
    Light, amount, department_sub, indicator_counts, kind_label, opt, percent, scoring_note,
    short_dim, two_dp, unchecked_note,
};
use crate::diag::{Lang, Severity};
use crate::model::{Key, Kind};
use std::borrow::Cow;

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

const CSS: &str = r#"
:root { --red: #c62828; --yellow: #e0a100; --green: #2e7d32; --line: #9a9a9a; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "SimHei", sans-serif;
  font-size: 10pt; line-height: 1.5; color: #111; background: #fff;
  max-width: 200mm; margin: 0 auto; padding: 10mm 8mm;
}
h1 { font-size: 20pt; margin: 0 0 4pt; }
h2 { font-size: 15pt; margin: 0 0 6pt; padding-bottom: 3pt; border-bottom: 1.5pt solid #333; }
h3 { font-size: 13pt; margin: 0 0 6pt; padding-bottom: 2pt; border-bottom: 1pt solid #666; }
h4 { font-size: 10.5pt; margin: 10pt 0 3pt; }
h2 .sub, h3 .sub { font-size: 10pt; font-weight: normal; color: #444; margin-left: 6pt; }
p { margin: 3pt 0; }
.note { color: #444; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; }
th { white-space: nowrap; }
table.indicators col.l1 { width: 6.2em; }
table.indicators col.l2 { width: 8em; }
table.indicators col.t { width: 4em; }
table.indicators col.w { width: 3.6em; }
table.indicators col.s { width: 5.6em; }
table.findings col.sev { width: 3.8em; }
table.findings col.rule { width: 27%; }
table.findings col.loc { width: 24%; }
th, td { border: 0.6pt solid var(--line); padding: 2.5pt 4pt; vertical-align: top; text-align: left; }
thead th { background: #ececec; font-weight: bold; vertical-align: bottom; }
tfoot td, tr.sum td { font-weight: bold; background: #f6f6f6; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.c, th.c { text-align: center; }
td.loc, span.loc { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 8pt; overflow-wrap: anywhere; }
table.meta th { width: 20%; background: #f3f3f3; font-weight: normal; }
.badge { display: inline-block; padding: 0 4pt; border-radius: 3pt; font-size: 8.5pt; line-height: 1.45;
  color: #fff; white-space: nowrap; vertical-align: 1pt; }
.badge.red { background: var(--red); }
.badge.yellow { background: var(--yellow); color: #111; }
.badge.green { background: var(--green); }
.badge.error { background: var(--red); }
.badge.warning { background: var(--yellow); color: #111; }
.badge.info { background: #607d8b; }
.badge.kind { background: #fff; color: #333; border: 0.6pt solid #666; }
.ok { color: var(--green); font-weight: bold; }
.bad { color: var(--red); font-weight: bold; }
.diff { display: block; color: var(--red); font-size: 8pt; white-space: nowrap; }
.figures { display: flex; flex-wrap: wrap; gap: 6pt; margin: 6pt 0 8pt; }
.figures div { flex: 1 1 0; min-width: 28mm; border: 0.6pt solid var(--line); border-radius: 3pt; padding: 3pt 6pt; }
.figures .k { display: block; color: #555; font-size: 8.5pt; }
.figures .v { font-size: 13pt; font-weight: bold; }
figure { margin: 6pt 0 10pt; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 8.5pt; color: #444; text-align: center; }
ul.reasons { margin: 2pt 0 6pt; padding-left: 14pt; }
a { color: inherit; text-decoration: none; }
section.dept, section.project { margin-top: 16pt; }
@page {
  size: A4; margin: 14mm 12mm 15mm 12mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  section.dept, section.project { break-before: page; margin-top: 0; }
  section.dept.first { break-before: auto; margin-top: 12pt; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  tr, .figures, figure { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
}
"#;

/// Render the pack.
pub fn render(pack: &Pack, lang: Lang) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let title = lang.pick("预算绩效评审材料", "Budget performance review pack");
    w!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"jixiao {}\">\n<title>{title}</title>\n<style>{CSS}</style>\n\
         </head>\n<body>\n",
        lang.pick("zh-CN", "en"),
        env!("CARGO_PKG_VERSION"),
    );
    cover(&mut o, pack, title, lang);
    for (i, d) in pack.departments.iter().enumerate() {
        department(&mut o, d, i, lang);
    }
    if !pack.other_findings.is_empty() || !pack.problems.is_empty() {
        o.push_str("<section class=\"dept\">\n");
        w!(
            o,
            "<h2>{}</h2>\n",
            lang.pick(
                "其他文件的问题",
                "Findings in files outside the departments"
            )
        );
        if !pack.problems.is_empty() {
            o.push_str("<ul>\n");
            for p in &pack.problems {
                w!(o, "<li>{}</li>\n", escape(p));
            }
            o.push_str("</ul>\n");
        }
        findings(&mut o, &pack.other_findings, lang);
        o.push_str("</section>\n");
    }
    o.push_str("</body>\n</html>\n");
    o
}

fn cover(o: &mut String, pack: &Pack, title: &str, lang: Lang) {
    w!(o, "<header class=\"cover\">\n<h1>{title}</h1>\n");
    w!(
        o,
        "<p class=\"note\">{}：{}</p>\n",
        lang.pick("检查结果", "Check"),
        escape(&pack.tally.line(lang))
    );
    w!(
        o,
        "<p class=\"note\">{}</p>\n",
        escape(scoring_note(pack, lang))
    );
    o.push_str("</header>\n");
}

fn badge(light: Light, lang: Lang) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        light.class(),
        light.label(lang)
    )
}

fn department(o: &mut String, d: &Department, di: usize, lang: Lang) {
    w!(
        o,
        "<section class=\"dept{}\" id=\"d{}\">\n<h2>{}<span class=\"sub\">{}</span></h2>\n",
        if di == 0 { " first" } else { "" },
        di + 1,
        if d.name.is_empty() {
            Cow::Borrowed(lang.pick("（未写明主管部门）", "(no department)"))
        } else {
            escape(&d.name)
        },
        escape(&department_sub(d, lang)),
    );

    // Key figures: the summary's where it reports them, else the projects' sums.
    let check = |f| {
        d.summary
            .as_ref()
            .and_then(|s| s.checks.iter().find(|c| c.figure == f))
    };
    let figure = |o: &mut String, label: &str, reported: Option<&TotalCheck>, computed: String| {
        w!(o, "<div><span class=\"k\">{label}</span><span class=\"v\">");
        match reported {
            Some(c) => {
                w!(o, "{}</span>", escape(&c.reported));
                if !c.agrees {
                    w!(
                        o,
                        "<span class=\"diff\">{} {}</span>",
                        lang.pick("按各项目计算", "projects' sum"),
                        escape(&c.computed)
                    );
                }
            }
            None => w!(o, "{computed}</span>"),
        }
        o.push_str("</div>\n");
    };
    o.push_str("<div class=\"figures\">\n");
    figure(
        o,
        lang.pick("项目个数", "projects"),
        check(Figure::ProjectCount),
        d.computed.count.to_string(),
    );
    figure(
        o,
        lang.pick("预算数（万元）", "budget (万元)"),
        check(Figure::Total),
        amount(d.computed.total),
    );
    if d.evaluated {
        figure(
            o,
            lang.pick("执行数（万元）", "executed (万元)"),
            check(Figure::Executed),
            opt(d.computed.executed.map(amount)),
        );
        w!(
            o,
            "<div><span class=\"k\">{}</span><span class=\"v\">",
            lang.pick("预算执行率", "execution rate")
        );
        match &d.rate {
            Some(r) => w!(o, "{}</span> {}", escape(&r.text), badge(r.light(), lang)),
            None => o.push_str("—</span>"),
        }
        o.push_str("</div>\n");
    } else {
        let n: usize = d.projects.iter().map(|p| p.indicators.len()).sum();
        let q: usize = d.projects.iter().map(|p| p.quantitative).sum();
        figure(o, lang.pick("三级指标", "indicators"), None, n.to_string());
        let share = (n > 0)
            .then(|| percent(rust_decimal::Decimal::from(q) / rust_decimal::Decimal::from(n)));
        figure(
            o,
            lang.pick("定量指标占比", "quantitative"),
            None,
            opt(share),
        );
    }
    o.push_str("</div>\n");

    if let Some(s) = &d.summary
        && !s.checks.is_empty()
    {
        w!(
            o,
            "<h4>{} <span class=\"loc\">{}</span></h4>\n",
            lang.pick("汇总数与各项目合计核对", "Summary against the projects"),
            escape(&s.file)
        );
        w!(
            o,
            "<table class=\"checks\"><thead><tr><th></th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"c\">{}</th></tr></thead><tbody>\n",
            lang.pick("汇总报告", "reported"),
            lang.pick("按各项目计算", "from the projects"),
            lang.pick("核对", "check")
        );
        for c in &s.checks {
            w!(
                o,
                "<tr><th>{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"c\">{}</td></tr>\n",
                c.figure.label(lang),
                escape(&c.reported),
                escape(&c.computed),
                if c.agrees {
                    format!(
                        "<span class=\"ok\">✓ {}</span>",
                        lang.pick("一致", "agrees")
                    )
                } else {
                    format!(
                        "<span class=\"bad\">✗ {}</span>",
                        lang.pick("不一致", "differs")
                    )
                }
            );
        }
        o.push_str("</tbody></table>\n");
    }

    if !d.findings.is_empty() {
        w!(
            o,
            "<h4>{}</h4>\n",
            lang.pick("汇总层面的问题", "Summary-level findings")
        );
        findings(o, &d.findings, lang);
    }

    projects_table(o, d, di, lang);

    let bars: Vec<Bar<'_>> = d
        .projects
        .iter()
        .filter_map(|p| {
            Some(Bar {
                label: &p.name,
                rate: p.rate?,
            })
        })
        .collect();
    if !bars.is_empty() {
        let caption = lang.pick(
            "各项目预算执行率（虚线为 60% 和 80%）",
            "Execution rate per project (dashed: 60% and 80%)",
        );
        w!(
            o,
            "<h4 class=\"chart-title\">{}：{}</h4>\n<figure>\n{}<figcaption>{caption}</figcaption>\n</figure>\n",
            escape(&d.name),
            lang.pick("预算执行率", "execution rate"),
            svg::bar_chart(&bars, caption, lang)
        );
    }
    o.push_str("</section>\n");

    for (pi, p) in d.projects.iter().enumerate() {
        project(o, d, p, di, pi, lang);
    }
}

fn projects_table(o: &mut String, d: &Department, di: usize, lang: Lang) {
    w!(
        o,
        "<h4>{}</h4>\n<table class=\"projects\"><thead><tr><th class=\"num\">#</th><th>{}</th><th class=\"num\">{}</th>",
        if d.evaluated {
            lang.pick(
                "项目（按执行率由低到高）",
                "Projects (lowest execution rate first)",
            )
        } else {
            lang.pick("项目", "Projects")
        },
        lang.pick("项目", "project"),
        lang.pick("预算数", "budget"),
    );
    // The 一级 dimensions any project uses, in the profile's order.
    let mut dims: Vec<Key> = Vec::new();
    if d.evaluated {
        w!(
            o,
            "<th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"c\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"c\">{}</th>",
            lang.pick("执行数", "executed"),
            lang.pick("执行率", "rate"),
            lang.pick("灯号", "light"),
            lang.pick("执行率得分", "exec. score"),
            lang.pick("自评得分", "score"),
            lang.pick("等级", "grade"),
        );
    } else {
        for p in &d.projects {
            for (k, _) in &p.dimensions {
                if !dims.contains(k) {
                    dims.push(*k);
                }
            }
        }
        w!(
            o,
            "<th class=\"num\">{}</th>",
            lang.pick("三级指标", "indicators")
        );
        for k in &dims {
            w!(o, "<th class=\"num\">{}</th>", short_dim(*k));
        }
        w!(
            o,
            "<th class=\"num\">{}</th>",
            lang.pick("定量占比", "quantitative")
        );
    }
    w!(
        o,
        "<th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>\n",
        lang.pick("错误", "errors"),
        lang.pick("警告", "warnings"),
        lang.pick("豁免", "waivers"),
    );
    for (pi, p) in d.projects.iter().enumerate() {
        w!(
            o,
            "<tr><td class=\"num\">{}</td><td><a href=\"#p{}-{}\">{}</a>",
            pi + 1,
            di + 1,
            pi + 1,
            escape(&p.name)
        );
        if d.evaluated && p.kind == Kind::Target {
            w!(
                o,
                " <span class=\"badge kind\">{}</span>",
                kind_label(p.kind, lang)
            );
        }
        w!(o, "</td><td class=\"num\">{}</td>", opt(p.total));
        if d.evaluated {
            w!(
                o,
                "<td class=\"num\">{}</td><td class=\"num\">{}",
                opt(p.executed),
                opt(p.rate.map(percent))
            );
            w!(
                o,
                "</td><td class=\"c\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}",
                p.light().map_or_else(String::new, |l| badge(l, lang)),
                opt(p.execution_score.map(two_dp)),
                opt(p.total_score.map(two_dp)),
            );
            if p.result_differs() {
                w!(
                    o,
                    "<span class=\"diff\">{} {} {}</span>",
                    lang.pick("报告", "reported"),
                    opt(p.reported_score),
                    escape(p.reported_grade.as_deref().unwrap_or(""))
                );
            }
            w!(
                o,
                "</td><td class=\"c\">{}</td>",
                opt(p.grade().map(|g| g.as_str()))
            );
        } else {
            w!(o, "<td class=\"num\">{}</td>", p.indicators.len());
            for k in &dims {
                let n = p
                    .dimensions
                    .iter()
                    .find(|(x, _)| x == k)
                    .map_or(0, |(_, n)| *n);
                w!(o, "<td class=\"num\">{n}</td>");
            }
            w!(
                o,
                "<td class=\"num\">{}</td>",
                opt(p.quantitative_share().map(percent))
            );
        }
        w!(
            o,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            p.counts()[0],
            p.counts()[1],
            p.waivers.len()
        );
    }
    o.push_str("</tbody>");
    if d.evaluated {
        w!(
            o,
            "<tfoot><tr><td></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td colspan=\"4\"></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr></tfoot>",
            lang.pick("各项目合计", "sum of projects"),
            amount(d.computed.total),
            opt(d.computed.executed.map(amount)),
            opt(d.computed.rate().map(percent)),
            d.projects.iter().map(|p| p.errors).sum::<usize>(),
            d.projects.iter().map(|p| p.warnings).sum::<usize>(),
            d.projects.iter().map(|p| p.waivers.len()).sum::<usize>(),
        );
    }
    o.push_str("</table>\n");
    if d.projects.iter().any(|p| !p.checked) {
        w!(
            o,
            "<p class=\"note\">{}</p>\n",
            escape(unchecked_note(lang))
        );
    }
}

fn project(o: &mut String, d: &Department, p: &Project, di: usize, pi: usize, lang: Lang) {
    w!(
        o,
        "<section class=\"project\" id=\"p{}-{}\">\n<h3>{}. {} <span class=\"badge kind\">{}</span><span class=\"sub\">{}</span></h3>\n",
        di + 1,
        pi + 1,
        pi + 1,
        escape(&p.name),
        kind_label(p.kind, lang),
        escape(&d.name),
    );
    if !p.checked {
        w!(
            o,
            "<p class=\"note\">{}</p>\n",
            lang.pick(
                "本文件只为核对汇总数而读入，本次未单独检查。",
                "Loaded only for its summary's totals; not checked in this run."
            )
        );
    }
    o.push_str("<table class=\"meta\"><tbody>\n");
    let row = |o: &mut String, k: &str, v: &str| {
        w!(o, "<tr><th>{k}</th><td>{v}</td></tr>\n");
    };
    if let Some(c) = &p.code {
        row(o, lang.pick("项目编码", "code"), &escape(c));
    }
    let files: Vec<String> = p
        .files
        .iter()
        .map(|f| format!("<span class=\"loc\">{}</span>", escape(f)))
        .collect();
    row(o, lang.pick("文件", "file"), &files.join("<br>"));
    if let Some(g) = &p.goal {
        row(o, lang.pick("年度目标", "annual goal"), &escape(g));
    }
    let money = super::money_line(p, lang, |l| badge(l, lang));
    row(o, lang.pick("资金（万元）", "money (万元)"), &money);
    if let Some(r) = &p.underspend_reason {
        row(o, lang.pick("未支出原因", "underspend reason"), &escape(r));
    }
    if let Some(m) = &p.measures {
        row(o, lang.pick("整改措施", "measures"), &escape(m));
    }
    if p.kind == Kind::SelfEvaluation {
        let mut s = format!("<b>{}</b> / 10", opt(p.execution_score.map(two_dp)));
        if let (Some(r), Some(c)) = (p.reported_execution_score, p.execution_score)
            && !crate::rules::eval::agrees(r, c)
        {
            w!(
                s,
                "<span class=\"diff\">{} {r}</span>",
                lang.pick("报告", "reported")
            );
        }
        row(o, lang.pick("预算执行率得分", "execution score"), &s);
        let mut t = format!(
            "<b>{}</b> {}",
            opt(p.total_score.map(two_dp)),
            opt(p.grade().map(|g| g.as_str()))
        );
        if p.result_differs() {
            w!(
                t,
                "<span class=\"diff\">{} {} {}</span>",
                lang.pick("报告", "reported"),
                opt(p.reported_score),
                escape(p.reported_grade.as_deref().unwrap_or(""))
            );
        }
        row(o, lang.pick("自评总分 · 等级", "total score · grade"), &t);
    }
    o.push_str("</tbody></table>\n");

    indicator_table(o, p, lang);

    let deviations: Vec<&IndicatorRow> = p
        .indicators
        .iter()
        .filter(|i| i.deviation.is_some())
        .collect();
    if !deviations.is_empty() {
        w!(
            o,
            "<h4>{}</h4>\n<ul class=\"reasons\">\n",
            lang.pick("偏差原因", "Deviation reasons")
        );
        for i in deviations {
            w!(
                o,
                "<li><b>{}</b>：{}</li>\n",
                escape(&i.name),
                escape(i.deviation.as_deref().unwrap_or(""))
            );
        }
        o.push_str("</ul>\n");
    }

    w!(
        o,
        "<h4>{}（{}）</h4>\n",
        lang.pick("发现的问题", "Findings"),
        p.findings.len()
    );
    if p.findings.is_empty() {
        w!(o, "<p>{}</p>\n", lang.pick("无。", "None."));
    } else {
        findings(o, &p.findings, lang);
    }
    if !p.waivers.is_empty() {
        w!(o, "<h4>{}</h4>\n", lang.pick("豁免", "Waivers"));
        waivers(o, &p.waivers, lang);
    }
    o.push_str("</section>\n");
}

fn indicator_table(o: &mut String, p: &Project, lang: Lang) {
    let scored = p.kind == Kind::SelfEvaluation;
    o.push_str(if scored {
        "<table class=\"indicators\"><colgroup><col class=\"l1\"><col class=\"l2\"><col><col><col><col class=\"w\"><col class=\"s\"></colgroup>"
    } else {
        "<table class=\"indicators\"><colgroup><col class=\"l1\"><col class=\"l2\"><col><col><col class=\"t\"><col class=\"w\"></colgroup>"
    });
    w!(
        o,
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>",
        lang.pick("一级指标", "level 1"),
        lang.pick("二级指标", "level 2"),
        lang.pick("三级指标", "indicator"),
        lang.pick("指标值", "target"),
    );
    if scored {
        w!(o, "<th>{}</th>", lang.pick("实际完成值", "actual"));
    } else {
        w!(o, "<th class=\"c\">{}</th>", lang.pick("类型", "type"));
    }
    w!(o, "<th class=\"num\">{}</th>", lang.pick("分值", "weight"));
    if scored {
        w!(o, "<th class=\"num\">{}</th>", lang.pick("得分", "score"));
    }
    o.push_str("</tr></thead><tbody>\n");
    let rows = &p.indicators;
    for (i, r) in rows.iter().enumerate() {
        o.push_str("<tr>");
        if i == 0 || rows[i - 1].level1 != r.level1 {
            let n = rows[i..]
                .iter()
                .take_while(|x| x.level1 == r.level1)
                .count();
            w!(o, "<td rowspan=\"{n}\">{}</td>", r.level1);
        }
        if i == 0 || rows[i - 1].level1 != r.level1 || rows[i - 1].level2 != r.level2 {
            let n = rows[i..]
                .iter()
                .take_while(|x| x.level1 == r.level1 && x.level2 == r.level2)
                .count();
            w!(o, "<td rowspan=\"{n}\">{}</td>", r.level2);
        }
        w!(
            o,
            "<td>{}</td><td>{}</td>",
            escape(&r.name),
            escape(r.target.as_deref().unwrap_or("—"))
        );
        if scored {
            w!(o, "<td>{}</td>", escape(r.actual.as_deref().unwrap_or("—")));
        } else {
            w!(
                o,
                "<td class=\"c\">{}</td>",
                if r.quantitative {
                    lang.pick("定量", "quantitative")
                } else {
                    lang.pick("定性", "qualitative")
                }
            );
        }
        w!(o, "<td class=\"num\">{}</td>", opt(r.weight));
        if scored {
            w!(o, "<td class=\"num\">{}", opt(r.score.map(two_dp)));
            if let Some(rep) = r.differing_report() {
                w!(
                    o,
                    "<span class=\"diff\">{} {rep}</span>",
                    lang.pick("报告", "reported")
                );
            }
            o.push_str("</td>");
        }
        o.push_str("</tr>\n");
    }
    if scored {
        w!(
            o,
            "<tr><td colspan=\"3\">{}</td><td>{} {}</td><td>{} {}（{}）</td><td class=\"num\">10</td><td class=\"num\">{}</td></tr>\n",
            lang.pick("预算执行率", "budget execution"),
            lang.pick("预算", "budget"),
            opt(p.total),
            lang.pick("执行", "executed"),
            opt(p.executed),
            opt(p.rate.map(percent)),
            opt(p.execution_score.map(two_dp)),
        );
        let weights: Option<rust_decimal::Decimal> = rows
            .iter()
            .map(|r| r.weight)
            .try_fold(rust_decimal::Decimal::TEN, |a, w| Some(a + w?));
        w!(
            o,
            "<tr class=\"sum\"><td colspan=\"5\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} {}",
            lang.pick("总分 · 等级", "total · grade"),
            opt(weights.map(amount)),
            opt(p.total_score.map(two_dp)),
            opt(p.grade().map(|g| g.as_str())),
        );
        if p.result_differs() {
            w!(
                o,
                "<span class=\"diff\">{} {} {}</span>",
                lang.pick("报告", "reported"),
                opt(p.reported_score),
                escape(p.reported_grade.as_deref().unwrap_or(""))
            );
        }
        o.push_str("</td></tr>\n");
    }
    o.push_str("</tbody></table>\n");
    if !scored {
        w!(
            o,
            "<p class=\"note\">{}</p>\n",
            escape(&indicator_counts(p, lang))
        );
    }
}

fn severity(s: Severity, lang: Lang) -> String {
    let (class, text) = match s {
        Severity::Error => ("error", lang.pick("错误", "error")),
        Severity::Warning => ("warning", lang.pick("警告", "warning")),
        Severity::Info => ("info", lang.pick("提示", "info")),
    };
    format!("<span class=\"badge {class}\">{text}</span>")
}

fn findings(o: &mut String, rows: &[FindingRow], lang: Lang) {
    w!(
        o,
        "<table class=\"findings\"><colgroup><col class=\"sev\"><col class=\"rule\"><col><col class=\"loc\"></colgroup><thead><tr><th class=\"c\">{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        lang.pick("级别", "severity"),
        lang.pick("规则", "rule"),
        lang.pick("说明", "message"),
        lang.pick("位置", "location"),
    );
    for f in rows {
        w!(
            o,
            "<tr><td class=\"c\">{}</td><td><b>{}</b> {}</td><td>{}",
            severity(f.severity, lang),
            escape(&f.code),
            escape(&f.title),
            escape(&f.message),
        );
        if let Some(s) = &f.suppressed {
            w!(o, "<span class=\"note\">（{}）</span>", escape(s));
        }
        w!(
            o,
            "</td><td class=\"loc\">{}</td></tr>\n",
            escape(&f.location)
        );
    }
    o.push_str("</tbody></table>\n");
}

fn waivers(o: &mut String, rows: &[WaiverRow], lang: Lang) {
    w!(
        o,
        "<table class=\"waivers\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>\n",
        lang.pick("规则", "rule"),
        lang.pick("理由", "reason"),
        lang.pick("批准", "approved by"),
        lang.pick("豁免的发现", "silenced"),
    );
    for wv in rows {
        w!(
            o,
            "<tr><td><b>{}</b> {}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
            escape(&wv.rule),
            escape(wv.title.as_deref().unwrap_or("")),
            escape(wv.reason.as_deref().unwrap_or("—")),
            escape(wv.approved_by.as_deref().unwrap_or("—")),
            wv.silenced
        );
    }
    o.push_str("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert(\"x&y's\")</script>"),
            "&lt;script&gt;alert(&quot;x&amp;y&#39;s&quot;)&lt;/script&gt;"
        );
        assert!(matches!(escape("居家养老项目"), Cow::Borrowed(_)));
    }
}
