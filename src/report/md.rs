//! The review pack as GitHub-flavoured Markdown: the same sections as the
//! HTML, with tables in place of the chart. User strings go through [`text`]
//! (Markdown and HTML specials escaped, line breaks flattened) or [`code`].

use super::model::{Department, Figure, FindingRow, Pack, Project, WaiverRow};
use super::{
    Light, amount, department_sub, indicator_counts, kind_label, opt, percent, scoring_note,
    short_dim, two_dp, unchecked_note,
};
use crate::diag::{Lang, Severity};
use crate::model::{Key, Kind};

/// Escape text for a Markdown paragraph or table cell: characters with a
/// meaning in Markdown or HTML are escaped, line breaks become spaces.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span (file names): long enough a fence, `|` escaped for tables.
pub fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let body = s.replace('|', "\\|").replace(['\r', '\n'], " ");
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// The light with a coloured mark and its name.
fn light(l: Light, lang: Lang) -> String {
    let mark = match l {
        Light::Red => "🔴",
        Light::Yellow => "🟡",
        Light::Green => "🟢",
    };
    format!("{mark} {}", l.label(lang))
}

fn severity(s: Severity, lang: Lang) -> &'static str {
    match s {
        Severity::Error => lang.pick("错误", "error"),
        Severity::Warning => lang.pick("警告", "warning"),
        Severity::Info => lang.pick("提示", "info"),
    }
}

/// A table row from cells already escaped.
fn row(o: &mut String, cells: &[String]) {
    o.push('|');
    for c in cells {
        w!(o, " {c} |");
    }
    o.push('\n');
}

/// A table head: (label, right-aligned).
fn head(o: &mut String, cols: &[(&str, bool)]) {
    row(
        o,
        &cols
            .iter()
            .map(|(c, _)| (*c).to_owned())
            .collect::<Vec<_>>(),
    );
    o.push('|');
    for (_, right) in cols {
        o.push_str(if *right { "---:|" } else { "---|" });
    }
    o.push('\n');
}

/// Render the pack.
pub fn render(pack: &Pack, lang: Lang) -> String {
    let mut o = String::with_capacity(32 * 1024);
    w!(
        o,
        "# {}\n\n{}：{}\n\n{}\n",
        lang.pick("预算绩效评审材料", "Budget performance review pack"),
        lang.pick("检查结果", "Check"),
        text(&pack.tally.line(lang)),
        text(scoring_note(pack, lang)),
    );
    for d in &pack.departments {
        department(&mut o, d, lang);
    }
    if !pack.other_findings.is_empty() || !pack.problems.is_empty() {
        w!(
            o,
            "\n## {}\n\n",
            lang.pick(
                "其他文件的问题",
                "Findings in files outside the departments"
            )
        );
        for p in &pack.problems {
            w!(o, "- {}\n", text(p));
        }
        if !pack.other_findings.is_empty() {
            findings(&mut o, &pack.other_findings, lang);
        }
    }
    o
}

fn department(o: &mut String, d: &Department, lang: Lang) {
    let name = if d.name.is_empty() {
        lang.pick("（未写明主管部门）", "(no department)")
            .to_owned()
    } else {
        text(&d.name)
    };
    w!(o, "\n## {name} · {}\n\n", text(&department_sub(d, lang)));

    // Key figures: the summary's where it reports them, else the projects' sums.
    let figure = |f: Figure, computed: String| -> String {
        match d
            .summary
            .as_ref()
            .and_then(|s| s.checks.iter().find(|c| c.figure == f))
        {
            Some(c) if c.agrees => text(&c.reported),
            Some(c) => format!(
                "{}（{} {}）",
                text(&c.reported),
                lang.pick("按各项目计算", "projects' sum"),
                text(&c.computed)
            ),
            None => computed,
        }
    };
    if d.evaluated {
        head(
            o,
            &[
                (lang.pick("项目个数", "projects"), true),
                (lang.pick("预算数（万元）", "budget (万元)"), true),
                (lang.pick("执行数（万元）", "executed (万元)"), true),
                (lang.pick("预算执行率", "execution rate"), false),
            ],
        );
        row(
            o,
            &[
                figure(Figure::ProjectCount, d.computed.count.to_string()),
                figure(Figure::Total, amount(d.computed.total)),
                figure(Figure::Executed, opt(d.computed.executed.map(amount))),
                d.rate.as_ref().map_or_else(
                    || "—".to_owned(),
                    |r| format!("{} {}", text(&r.text), light(r.light(), lang)),
                ),
            ],
        );
    } else {
        let n: usize = d.projects.iter().map(|p| p.indicators.len()).sum();
        let q: usize = d.projects.iter().map(|p| p.quantitative).sum();
        head(
            o,
            &[
                (lang.pick("项目个数", "projects"), true),
                (lang.pick("预算数（万元）", "budget (万元)"), true),
                (lang.pick("三级指标", "indicators"), true),
                (lang.pick("定量指标占比", "quantitative"), true),
            ],
        );
        let share = (n > 0)
            .then(|| percent(rust_decimal::Decimal::from(q) / rust_decimal::Decimal::from(n)));
        row(
            o,
            &[
                figure(Figure::ProjectCount, d.computed.count.to_string()),
                figure(Figure::Total, amount(d.computed.total)),
                n.to_string(),
                opt(share),
            ],
        );
    }

    if let Some(s) = &d.summary
        && !s.checks.is_empty()
    {
        w!(
            o,
            "\n### {} {}\n\n",
            lang.pick("汇总数与各项目合计核对", "Summary against the projects"),
            code(&s.file)
        );
        head(
            o,
            &[
                ("", false),
                (lang.pick("汇总报告", "reported"), true),
                (lang.pick("按各项目计算", "from the projects"), true),
                (lang.pick("核对", "check"), false),
            ],
        );
        for c in &s.checks {
            row(
                o,
                &[
                    c.figure.label(lang).to_owned(),
                    text(&c.reported),
                    text(&c.computed),
                    if c.agrees {
                        format!("✓ {}", lang.pick("一致", "agrees"))
                    } else {
                        format!("**✗ {}**", lang.pick("不一致", "differs"))
                    },
                ],
            );
        }
    }

    if !d.findings.is_empty() {
        w!(
            o,
            "\n### {}\n\n",
            lang.pick("汇总层面的问题", "Summary-level findings")
        );
        findings(o, &d.findings, lang);
    }
    projects_table(o, d, lang);
    for (i, p) in d.projects.iter().enumerate() {
        project(o, p, i, lang);
    }
}

fn reported_result(p: &Project, lang: Lang) -> String {
    if p.result_differs() {
        format!(
            "（{} {} {}）",
            lang.pick("报告", "reported"),
            opt(p.reported_score),
            text(p.reported_grade.as_deref().unwrap_or(""))
        )
    } else {
        String::new()
    }
}

fn projects_table(o: &mut String, d: &Department, lang: Lang) {
    w!(
        o,
        "\n### {}\n\n",
        if d.evaluated {
            lang.pick(
                "项目（按执行率由低到高）",
                "Projects (lowest execution rate first)",
            )
        } else {
            lang.pick("项目", "Projects")
        }
    );
    let mut cols: Vec<(&str, bool)> = vec![
        ("#", true),
        (lang.pick("项目", "project"), false),
        (lang.pick("预算数", "budget"), true),
    ];
    let mut dims: Vec<Key> = Vec::new();
    if d.evaluated {
        cols.extend([
            (lang.pick("执行数", "executed"), true),
            (lang.pick("执行率", "rate"), true),
            (lang.pick("灯号", "light"), false),
            (lang.pick("执行率得分", "exec. score"), true),
            (lang.pick("自评得分", "score"), true),
            (lang.pick("等级", "grade"), false),
        ]);
    } else {
        for p in &d.projects {
            for (k, _) in &p.dimensions {
                if !dims.contains(k) {
                    dims.push(*k);
                }
            }
        }
        cols.push((lang.pick("三级指标", "indicators"), true));
        cols.extend(dims.iter().map(|k| (short_dim(*k), true)));
        cols.push((lang.pick("定量占比", "quantitative"), true));
    }
    cols.extend([
        (lang.pick("错误", "errors"), true),
        (lang.pick("警告", "warnings"), true),
        (lang.pick("豁免", "waivers"), true),
    ]);
    head(o, &cols);
    for (i, p) in d.projects.iter().enumerate() {
        let mut name = text(&p.name);
        if d.evaluated && p.kind == Kind::Target {
            w!(name, "（{}）", kind_label(p.kind, lang));
        }
        let mut cells = vec![(i + 1).to_string(), name, opt(p.total)];
        if d.evaluated {
            cells.extend([
                opt(p.executed),
                opt(p.rate.map(percent)),
                p.light().map_or_else(String::new, |l| light(l, lang)),
                opt(p.execution_score.map(two_dp)),
                format!(
                    "{}{}",
                    opt(p.total_score.map(two_dp)),
                    reported_result(p, lang)
                ),
                opt(p.grade().map(|g| g.as_str())),
            ]);
        } else {
            cells.push(p.indicators.len().to_string());
            for k in &dims {
                let n = p
                    .dimensions
                    .iter()
                    .find(|(x, _)| x == k)
                    .map_or(0, |(_, n)| *n);
                cells.push(n.to_string());
            }
            cells.push(opt(p.quantitative_share().map(percent)));
        }
        let [errors, warnings] = p.counts();
        cells.extend([errors, warnings, p.waivers.len().to_string()]);
        row(o, &cells);
    }
    if d.evaluated {
        let sum = |f: fn(&Project) -> usize| d.projects.iter().map(f).sum::<usize>().to_string();
        row(
            o,
            &[
                String::new(),
                format!("**{}**", lang.pick("各项目合计", "sum of projects")),
                amount(d.computed.total),
                opt(d.computed.executed.map(amount)),
                opt(d.computed.rate().map(percent)),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                sum(|p| p.errors),
                sum(|p| p.warnings),
                sum(|p| p.waivers.len()),
            ],
        );
    }
    if d.projects.iter().any(|p| !p.checked) {
        w!(o, "\n{}\n", text(unchecked_note(lang)));
    }
}

fn project(o: &mut String, p: &Project, i: usize, lang: Lang) {
    w!(
        o,
        "\n### {}. {}（{}）\n\n",
        i + 1,
        text(&p.name),
        kind_label(p.kind, lang)
    );
    if !p.checked {
        w!(
            o,
            "{}\n\n",
            lang.pick(
                "本文件只为核对汇总数而读入，本次未单独检查。",
                "Loaded only for its summary's totals; not checked in this run."
            )
        );
    }
    let item = |o: &mut String, k: &str, v: String| w!(o, "- {k}：{v}\n");
    if let Some(c) = &p.code {
        item(o, lang.pick("项目编码", "code"), text(c));
    }
    item(
        o,
        lang.pick("文件", "file"),
        p.files
            .iter()
            .map(|f| code(f))
            .collect::<Vec<_>>()
            .join(", "),
    );
    if let Some(g) = &p.goal {
        item(o, lang.pick("年度目标", "annual goal"), text(g));
    }
    let money = super::money_line(p, lang, |l| light(l, lang));
    item(o, lang.pick("资金（万元）", "money (万元)"), money);
    if let Some(r) = &p.underspend_reason {
        item(o, lang.pick("未支出原因", "underspend reason"), text(r));
    }
    if let Some(m) = &p.measures {
        item(o, lang.pick("整改措施", "measures"), text(m));
    }
    if p.kind == Kind::SelfEvaluation {
        let mut s = format!("**{}** / 10", opt(p.execution_score.map(two_dp)));
        if let (Some(r), Some(c)) = (p.reported_execution_score, p.execution_score)
            && !crate::rules::eval::agrees(r, c)
        {
            w!(s, "（{} {r}）", lang.pick("报告", "reported"));
        }
        item(o, lang.pick("预算执行率得分", "execution score"), s);
        item(
            o,
            lang.pick("自评总分 · 等级", "total score · grade"),
            format!(
                "**{}** {}{}",
                opt(p.total_score.map(two_dp)),
                opt(p.grade().map(|g| g.as_str())),
                reported_result(p, lang)
            ),
        );
    }
    o.push('\n');
    indicator_table(o, p, lang);

    let deviations: Vec<_> = p
        .indicators
        .iter()
        .filter_map(|i| Some((&i.name, i.deviation.as_ref()?)))
        .collect();
    if !deviations.is_empty() {
        w!(
            o,
            "\n#### {}\n\n",
            lang.pick("偏差原因", "Deviation reasons")
        );
        for (name, why) in deviations {
            w!(o, "- **{}**：{}\n", text(name), text(why));
        }
    }
    w!(
        o,
        "\n#### {}（{}）\n\n",
        lang.pick("发现的问题", "Findings"),
        p.findings.len()
    );
    if p.findings.is_empty() {
        w!(o, "{}\n", lang.pick("无。", "None."));
    } else {
        findings(o, &p.findings, lang);
    }
    if !p.waivers.is_empty() {
        w!(o, "\n#### {}\n\n", lang.pick("豁免", "Waivers"));
        waivers(o, &p.waivers, lang);
    }
}

fn indicator_table(o: &mut String, p: &Project, lang: Lang) {
    let scored = p.kind == Kind::SelfEvaluation;
    let mut cols = vec![
        (lang.pick("一级指标", "level 1"), false),
        (lang.pick("二级指标", "level 2"), false),
        (lang.pick("三级指标", "indicator"), false),
        (lang.pick("指标值", "target"), false),
    ];
    if scored {
        cols.push((lang.pick("实际完成值", "actual"), false));
    } else {
        cols.push((lang.pick("类型", "type"), false));
    }
    cols.push((lang.pick("分值", "weight"), true));
    if scored {
        cols.push((lang.pick("得分", "score"), true));
    }
    head(o, &cols);
    let rows = &p.indicators;
    for (i, r) in rows.iter().enumerate() {
        // Like the forms: a 一级/二级 is written once, on its first row.
        let new1 = i == 0 || rows[i - 1].level1 != r.level1;
        let new2 = new1 || rows[i - 1].level2 != r.level2;
        let mut cells = vec![
            if new1 {
                r.level1.name().to_owned()
            } else {
                String::new()
            },
            if new2 {
                r.level2.name().to_owned()
            } else {
                String::new()
            },
            text(&r.name),
            r.target.as_deref().map_or_else(|| "—".to_owned(), text),
        ];
        if scored {
            cells.push(r.actual.as_deref().map_or_else(|| "—".to_owned(), text));
        } else {
            cells.push(
                if r.quantitative {
                    lang.pick("定量", "quantitative")
                } else {
                    lang.pick("定性", "qualitative")
                }
                .to_owned(),
            );
        }
        cells.push(opt(r.weight));
        if scored {
            let mut s = opt(r.score.map(two_dp));
            if let Some(rep) = r.differing_report() {
                w!(s, "（{} {rep}）", lang.pick("报告", "reported"));
            }
            cells.push(s);
        }
        row(o, &cells);
    }
    if scored {
        row(
            o,
            &[
                lang.pick("预算执行率", "budget execution").to_owned(),
                String::new(),
                String::new(),
                format!("{} {}", lang.pick("预算", "budget"), opt(p.total)),
                format!(
                    "{} {}（{}）",
                    lang.pick("执行", "executed"),
                    opt(p.executed),
                    opt(p.rate.map(percent))
                ),
                "10".to_owned(),
                opt(p.execution_score.map(two_dp)),
            ],
        );
        let weights: Option<rust_decimal::Decimal> = rows
            .iter()
            .map(|r| r.weight)
            .try_fold(rust_decimal::Decimal::TEN, |a, w| Some(a + w?));
        row(
            o,
            &[
                format!("**{}**", lang.pick("总分 · 等级", "total · grade")),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                opt(weights.map(amount)),
                format!(
                    "**{}** {}{}",
                    opt(p.total_score.map(two_dp)),
                    opt(p.grade().map(|g| g.as_str())),
                    reported_result(p, lang)
                ),
            ],
        );
    } else {
        w!(o, "\n{}\n", text(&indicator_counts(p, lang)));
    }
}

fn findings(o: &mut String, rows: &[FindingRow], lang: Lang) {
    head(
        o,
        &[
            (lang.pick("级别", "severity"), false),
            (lang.pick("规则", "rule"), false),
            (lang.pick("说明", "message"), false),
            (lang.pick("位置", "location"), false),
        ],
    );
    for f in rows {
        let mut message = text(&f.message);
        if let Some(s) = &f.suppressed {
            w!(message, "（{}）", text(s));
        }
        row(
            o,
            &[
                severity(f.severity, lang).to_owned(),
                format!("**{}** {}", text(&f.code), text(&f.title)),
                message,
                code(&f.location),
            ],
        );
    }
}

fn waivers(o: &mut String, rows: &[WaiverRow], lang: Lang) {
    head(
        o,
        &[
            (lang.pick("规则", "rule"), false),
            (lang.pick("理由", "reason"), false),
            (lang.pick("批准", "approved by"), false),
            (lang.pick("豁免的发现", "silenced"), true),
        ],
    );
    for w in rows {
        row(
            o,
            &[
                format!(
                    "**{}** {}",
                    text(&w.rule),
                    text(w.title.as_deref().unwrap_or(""))
                ),
                w.reason.as_deref().map_or_else(|| "—".to_owned(), text),
                w.approved_by
                    .as_deref()
                    .map_or_else(|| "—".to_owned(), text),
                w.silenced.to_string(),
            ],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markdown_and_html() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(text("<script>"), "&lt;script&gt;");
        assert_eq!(text("**待定**"), "\\*\\*待定\\*\\*");
        assert_eq!(text("一\n二"), "一 二");
        assert_eq!(code("a.yaml"), "`a.yaml`");
        assert_eq!(code("a`b|c"), "``a`b\\|c``");
    }
}
