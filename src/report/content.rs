//! The review pack as content: what the pack says, once, in the run's
//! language — sections of headings, figure cards, key–value lists, tables of
//! cells and the chart — built from [`model::Pack`]. The serializers
//! ([`super::html`], [`super::md`], [`super::xlsx`]) only lay it out; every
//! label of the pack lives here.
//!
//! Cells carry what a spreadsheet needs beside their text: the number they
//! show, a traffic light, and the findings that point at them.

use super::model::{self, Department, FindingRow, Pack, Place, Project, Sum};
use super::{Light, kind_label, opt, percent, short_dim, sum, two_dp};
use crate::diag::{Lang, Severity};
use crate::model::{Key, Kind, Profile};
use crate::rules::eval::agrees;
use rust_decimal::Decimal;

/// The whole pack, laid out in blocks.
#[derive(Debug)]
pub struct Content {
    pub lang: Lang,
    pub title: &'static str,
    pub cover: Vec<Block>,
    pub sections: Vec<Section>,
}

/// A department's part, a project's part, or the findings outside both; in
/// print each starts on a new page.
#[derive(Debug)]
pub struct Section {
    pub kind: SectionKind,
    /// Anchor (`d1`, `p1-2`).
    pub id: Option<String>,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    Department,
    Project,
    Other,
}

#[derive(Debug)]
pub enum Block {
    /// Level 2 (department), 3 (project) or 4 (a part of either).
    Heading {
        level: u8,
        text: Vec<Inline>,
        /// Said after the heading in smaller type (department and year).
        sub: Option<String>,
    },
    Para(Vec<Inline>),
    /// A paragraph in smaller type: method notes, explanations.
    Note(Vec<Inline>),
    /// Key figures of a department.
    Cards(Vec<Card>),
    /// Label–value pairs (a project's facts, the cover's provenance).
    Meta(Vec<(String, Vec<Inline>)>),
    Table(Table),
    Chart(Chart),
    List(Vec<Vec<Inline>>),
}

/// A run of text with one role; serializers choose how each role looks.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text(String),
    Strong(String),
    /// A file name or `file:line`.
    Code(String),
    Light(Light),
    Severity(Severity),
    /// The kind of document, as a tag after a name.
    Kind(Kind),
    /// A cross-check result: agrees or not.
    Verdict(bool),
    /// A reported figure that differs from the computed one beside it
    /// (`报告 40`).
    Diff(String),
    /// A parenthetical remark (why a finding is not counted).
    Aside(String),
    /// A link to the section with this anchor.
    Link(String, String),
    Break,
}

/// A key figure.
#[derive(Debug)]
pub struct Card {
    pub label: String,
    pub value: Vec<Inline>,
    pub align: Align,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// Which table this is: serializers size its columns by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    Checks,
    Projects,
    /// A project's indicators; `scored` for a self-evaluation.
    Indicators {
        scored: bool,
    },
    Findings,
    Waivers,
    /// The workbook's overview of every project.
    Overview,
}

#[derive(Debug)]
pub struct Table {
    pub kind: TableKind,
    pub cols: Vec<Col>,
    pub rows: Vec<Row>,
    /// A totals row, repeated at the foot of each printed page.
    pub foot: Option<Row>,
}

#[derive(Debug)]
pub struct Col {
    pub label: String,
    pub align: Align,
    /// Width in characters, for a spreadsheet.
    pub width: f64,
}

#[derive(Debug, Default)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// A totals row.
    pub sum: bool,
}

#[derive(Debug, Default)]
pub struct Cell {
    pub content: Vec<Inline>,
    /// Columns it spans (at least 1).
    pub colspan: usize,
    /// A row header.
    pub header: bool,
    /// The same 一级/二级 label as the row above: forms write it once, a
    /// printed page repeats it faintly so a page break does not lose it.
    pub repeated: bool,
    /// The number shown, exact, for a spreadsheet; `percent` shows it as one.
    pub number: Option<Decimal>,
    pub percent: bool,
    /// A traffic light the cell is filled with.
    pub light: Option<Light>,
    /// Findings that point at this cell, worst first; the first one's
    /// severity marks the cell.
    pub notes: Vec<(Severity, String)>,
}

impl Cell {
    pub fn new(content: Vec<Inline>) -> Cell {
        Cell {
            content,
            colspan: 1,
            ..Cell::default()
        }
    }
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::new(vec![Inline::Text(s.into())])
    }
    pub fn empty() -> Cell {
        Cell::new(Vec::new())
    }
    /// A number shown as `shown` (two decimals, as written, …).
    pub fn num(value: Option<Decimal>, shown: String) -> Cell {
        Cell {
            number: value,
            ..Cell::text(shown)
        }
    }
    fn span(mut self, n: usize) -> Cell {
        self.colspan = n;
        self
    }
    fn with(mut self, more: impl IntoIterator<Item = Inline>) -> Cell {
        self.content.extend(more);
        self
    }
    /// The severity that marks the cell, if any finding points at it.
    pub fn flag(&self) -> Option<Severity> {
        self.notes.first().map(|(s, _)| *s)
    }
}

/// The execution-rate chart of a department.
#[derive(Debug)]
pub struct Chart {
    pub title: String,
    pub caption: &'static str,
    pub bars: Vec<(String, Decimal)>,
}

/// Chinese or English punctuation.
pub struct Punct {
    pub colon: &'static str,
    pub comma: &'static str,
    pub open: &'static str,
    pub close: &'static str,
    pub list: &'static str,
}

pub fn punct(lang: Lang) -> Punct {
    match lang {
        Lang::Zh => Punct {
            colon: "：",
            comma: "，",
            open: "（",
            close: "）",
            list: "、",
        },
        Lang::En => Punct {
            colon: ": ",
            comma: ", ",
            open: " (",
            close: ")",
            list: ", ",
        },
    }
}

/// `s` in parentheses, in the language's punctuation.
pub fn paren(lang: Lang, s: &str) -> String {
    let p = punct(lang);
    format!("{}{s}{}", p.open, p.close)
}

/// Words of the roles that carry fixed text, for serializers.
pub fn severity_word(s: Severity, lang: Lang) -> &'static str {
    match s {
        Severity::Error => lang.pick("错误", "error"),
        Severity::Warning => lang.pick("警告", "warning"),
        Severity::Info => lang.pick("提示", "info"),
    }
}

pub fn verdict_word(ok: bool, lang: Lang) -> String {
    if ok {
        format!("✓ {}", lang.pick("一致", "agrees"))
    } else {
        format!("✗ {}", lang.pick("不一致", "differs"))
    }
}

/// Inlines as plain text (a spreadsheet cell, a chart label).
pub fn plain(inlines: &[Inline], lang: Lang) -> String {
    let mut s = String::new();
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Strong(t) | Inline::Code(t) => s.push_str(t),
            Inline::Link(_, t) => s.push_str(t),
            Inline::Light(l) => s.push_str(l.label(lang)),
            Inline::Severity(v) => s.push_str(severity_word(*v, lang)),
            Inline::Kind(k) => s.push_str(&paren(lang, kind_label(*k, lang))),
            Inline::Verdict(ok) => s.push_str(&verdict_word(*ok, lang)),
            Inline::Diff(t) | Inline::Aside(t) => s.push_str(&paren(lang, t)),
            Inline::Break => s.push('\n'),
        }
    }
    s
}

/// A score as shown: half-up to two decimals.
fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

fn t(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

fn col(label: &str, align: Align, width: f64) -> Col {
    Col {
        label: label.to_owned(),
        align,
        width,
    }
}

/// The check result in the run's language only.
fn tally_line(tally: &crate::diag::Tally, lang: Lang) -> String {
    match lang {
        Lang::En => tally.line(lang),
        Lang::Zh => {
            let mut s = format!("{} 个错误，{} 个警告", tally.errors, tally.warnings);
            if tally.infos > 0 {
                s += &format!("，{} 条提示", tally.infos);
            }
            if tally.suppressed > 0 {
                s += &format!("，{} 条已豁免或记入基线", tally.suppressed);
            }
            s + &format!("，共 {} 个文件", tally.files)
        }
    }
}

/// How scores, amounts and the light are computed, for the cover; a pack of
/// target declarations only has no scores to explain.
fn scoring_note(pack: &Pack, lang: Lang) -> &'static str {
    if !pack.departments.iter().any(|d| d.evaluated) {
        return lang.pick(
            "金额单位为万元，按原文列示。定量指标：指标值为数值、百分比、日期或区间；其余为定性指标。",
            "Amounts in 万元, as written. Quantitative: a target that is a number, percentage, \
             date or range; the others are qualitative.",
        );
    }
    lang.pick(
        "得分按财预〔2020〕10号的公式以精确小数计算，只在最后四舍五入到两位小数；\
         总分为各三级指标得分与预算执行率得分（10 分）之和；等级：优 ≥ 90，良 80–90，中 60–80，差 < 60。\
         金额单位为万元，按原文列示。执行率灯号：红灯 < 60%，黄灯 60%–80%，绿灯 ≥ 80%。",
        "Scores follow the formulas of 财预〔2020〕10号 in exact decimals, rounded half-up to two \
         decimals only at the end; the total is the indicator scores plus the execution score \
         (10 points); grades: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60. Amounts in 万元, as written. \
         Execution light: red < 60%, yellow 60%–80%, green ≥ 80%.",
    )
}

fn profile_label(p: Profile, lang: Lang) -> String {
    let dims: Vec<&str> = p.level1().iter().map(|k| short_dim(*k)).collect();
    match lang {
        Lang::Zh => format!("{}（一级指标：{}）", p.name(), dims.join("、")),
        Lang::En => format!("{} (level 1: {})", p.name(), dims.join(", ")),
    }
}

/// Lay out the pack.
pub fn build(pack: &Pack, lang: Lang) -> Content {
    let p = punct(lang);
    let prov = &pack.provenance;
    let cover = vec![
        Block::Para(vec![t(format!(
            "{}{}{}",
            lang.pick("检查结果", "Check"),
            p.colon,
            tally_line(&pack.tally, lang)
        ))]),
        Block::Note(vec![t(scoring_note(pack, lang))]),
        Block::Meta(vec![
            (
                lang.pick("生成日期", "made on").to_owned(),
                vec![t(&prov.date)],
            ),
            (
                lang.pick("生成工具", "made by").to_owned(),
                vec![t(format!("jixiao {}", prov.version))],
            ),
            (
                lang.pick("指标体系", "indicator profile").to_owned(),
                vec![t(profile_label(prov.profile, lang))],
            ),
            (
                lang.pick("规则文件", "rule files").to_owned(),
                if prov.rule_files.is_empty() {
                    vec![t("—")]
                } else {
                    let mut v = Vec::new();
                    for (i, f) in prov.rule_files.iter().enumerate() {
                        if i > 0 {
                            v.push(Inline::Break);
                        }
                        v.push(Inline::Code(f.clone()));
                    }
                    v
                },
            ),
        ]),
    ];
    let mut sections = Vec::new();
    for (di, d) in pack.departments.iter().enumerate() {
        sections.push(department(d, di, lang));
        for (pi, pr) in d.projects.iter().enumerate() {
            sections.push(project(d, pr, di, pi, lang));
        }
    }
    if !pack.other_findings.is_empty() || !pack.problems.is_empty() {
        let mut blocks = vec![Block::Heading {
            level: 2,
            text: vec![t(lang.pick(
                "其他文件的问题",
                "Findings in files outside the departments",
            ))],
            sub: None,
        }];
        if !pack.problems.is_empty() {
            blocks.push(Block::List(
                pack.problems.iter().map(|x| vec![t(x)]).collect(),
            ));
        }
        if !pack.other_findings.is_empty() {
            blocks.push(Block::Table(findings(&pack.other_findings, lang)));
        }
        sections.push(Section {
            kind: SectionKind::Other,
            id: None,
            blocks,
        });
    }
    Content {
        lang,
        title: lang.pick("预算绩效评审材料", "Budget performance review pack"),
        cover,
        sections,
    }
}

/// What follows a department's name in its heading: year and what it holds.
fn department_sub(d: &Department, lang: Lang) -> String {
    let what = if d.evaluated {
        lang.pick("绩效自评", "self-evaluations")
    } else {
        lang.pick("绩效目标申报", "target declarations")
    };
    match (d.year, lang) {
        (Some(y), Lang::Zh) => format!("{y} 年度 · {what}"),
        (Some(y), Lang::En) => format!("{y} · {what}"),
        (None, _) => what.to_owned(),
    }
}

fn department_name(d: &Department, lang: Lang) -> String {
    if d.name.is_empty() {
        lang.pick("（未写明主管部门）", "(no department)")
            .to_owned()
    } else {
        d.name.clone()
    }
}

fn department(d: &Department, di: usize, lang: Lang) -> Section {
    let mut blocks = vec![Block::Heading {
        level: 2,
        text: vec![t(department_name(d, lang))],
        sub: Some(department_sub(d, lang)),
    }];

    // Key figures: the summary's where it reports them, else the projects' sums.
    let figure = |label: &str, f: model::Figure, computed: String| {
        let value = match d
            .summary
            .as_ref()
            .and_then(|s| s.checks.iter().find(|c| c.figure == f))
        {
            Some(c) if c.agrees => vec![t(&c.reported)],
            Some(c) => vec![
                t(&c.reported),
                Inline::Diff(format!(
                    "{} {}",
                    lang.pick("按各项目计算", "projects' sum"),
                    c.computed
                )),
            ],
            None => vec![t(computed)],
        };
        Card {
            label: label.to_owned(),
            value,
            align: Align::Right,
        }
    };
    let mut cards = vec![
        figure(
            lang.pick("项目个数", "projects"),
            model::Figure::ProjectCount,
            d.computed.count.to_string(),
        ),
        figure(
            lang.pick("预算数（万元）", "budget (万元)"),
            model::Figure::Total,
            sum(d.computed.total, lang),
        ),
    ];
    if d.evaluated {
        cards.push(figure(
            lang.pick("执行数（万元）", "executed (万元)"),
            model::Figure::Executed,
            sum(d.computed.executed, lang),
        ));
        cards.push(Card {
            label: lang.pick("预算执行率", "execution rate").to_owned(),
            value: match &d.rate {
                Some(r) => vec![t(&r.text), t(" "), Inline::Light(r.light())],
                None => vec![t("—")],
            },
            align: Align::Left,
        });
    } else {
        let n: usize = d.projects.iter().map(|p| p.indicators.len()).sum();
        let q: usize = d.projects.iter().map(|p| p.quantitative).sum();
        let share = Decimal::from(q).checked_div(Decimal::from(n));
        cards.push(Card {
            label: lang.pick("三级指标", "indicators").to_owned(),
            value: vec![t(n.to_string())],
            align: Align::Right,
        });
        cards.push(Card {
            label: lang.pick("定量指标占比", "quantitative").to_owned(),
            value: vec![t(opt(share.map(percent)))],
            align: Align::Right,
        });
    }
    blocks.push(Block::Cards(cards));

    if let Some(s) = &d.summary
        && !s.checks.is_empty()
    {
        blocks.push(Block::Heading {
            level: 4,
            text: vec![
                t(format!(
                    "{} ",
                    lang.pick("汇总数与各项目合计核对", "Summary against the projects")
                )),
                Inline::Code(s.file.clone()),
            ],
            sub: None,
        });
        blocks.push(Block::Table(Table {
            kind: TableKind::Checks,
            cols: vec![
                col("", Align::Left, 16.0),
                col(lang.pick("汇总报告", "reported"), Align::Right, 14.0),
                col(
                    lang.pick("按各项目计算", "from the projects"),
                    Align::Right,
                    16.0,
                ),
                col(lang.pick("核对", "check"), Align::Center, 10.0),
            ],
            rows: s
                .checks
                .iter()
                .map(|c| Row {
                    cells: vec![
                        Cell {
                            header: true,
                            ..Cell::text(c.figure.label(lang))
                        },
                        Cell::text(&c.reported),
                        Cell::text(&c.computed),
                        Cell::new(vec![Inline::Verdict(c.agrees)]),
                    ],
                    sum: false,
                })
                .collect(),
            foot: None,
        }));
    }

    if !d.findings.is_empty() {
        blocks.push(heading4(
            lang.pick("汇总层面的问题", "Summary-level findings"),
        ));
        blocks.push(Block::Table(findings(&d.findings, lang)));
    }

    blocks.push(heading4(if d.evaluated {
        lang.pick(
            "项目（按执行率由低到高）",
            "Projects (lowest execution rate first)",
        )
    } else {
        lang.pick("项目", "Projects")
    }));
    blocks.push(Block::Table(projects_table(d, di, lang)));
    if d.projects.iter().any(|p| !p.checked) {
        blocks.push(Block::Note(vec![t(lang.pick(
            "错误、警告为“—”的项目只为核对汇总数而读入，本次未单独检查；要检查它们，请把它们所在的文件夹交给 jixiao report。",
            "Projects with “—” errors and warnings were read only for their summary's totals and not \
             checked; name their folder to check them.",
        ))]));
    }

    let bars: Vec<(String, Decimal)> = d
        .projects
        .iter()
        .filter_map(|p| Some((p.name.clone(), p.rate?)))
        .collect();
    if !bars.is_empty() {
        blocks.push(Block::Chart(Chart {
            title: format!(
                "{}{}{}",
                d.name,
                punct(lang).colon,
                lang.pick("预算执行率", "execution rate")
            ),
            caption: lang.pick(
                "各项目预算执行率（虚线为 60% 和 80%）",
                "Execution rate per project (dashed: 60% and 80%)",
            ),
            bars,
        }));
    }
    Section {
        kind: SectionKind::Department,
        id: Some(format!("d{}", di + 1)),
        blocks,
    }
}

fn heading4(s: &str) -> Block {
    Block::Heading {
        level: 4,
        text: vec![t(s)],
        sub: None,
    }
}

/// The 一级 dimensions any project of `d` uses, in the profile's order.
fn dimensions(d: &Department) -> Vec<Key> {
    let mut dims: Vec<Key> = Vec::new();
    for p in &d.projects {
        for (k, _) in &p.dimensions {
            if !dims.contains(k) {
                dims.push(*k);
            }
        }
    }
    dims
}

/// A reported total and grade that differ from the computed ones.
fn reported_result(p: &Project, lang: Lang) -> Option<Inline> {
    p.result_differs().then(|| {
        let mut s = format!(
            "{} {}",
            lang.pick("报告", "reported"),
            opt(p.reported_score)
        );
        if let Some(g) = &p.reported_grade {
            s.push(' ');
            s.push_str(g);
        }
        Inline::Diff(s)
    })
}

fn projects_table(d: &Department, di: usize, lang: Lang) -> Table {
    let mut cols = vec![
        col("#", Align::Right, 4.0),
        col(lang.pick("项目", "project"), Align::Left, 30.0),
        col(lang.pick("预算数", "budget"), Align::Right, 12.0),
    ];
    let dims = if d.evaluated {
        Vec::new()
    } else {
        dimensions(d)
    };
    if d.evaluated {
        cols.extend([
            col(lang.pick("执行数", "executed"), Align::Right, 12.0),
            col(lang.pick("执行率", "rate"), Align::Right, 9.0),
            col(lang.pick("灯号", "light"), Align::Center, 7.0),
            col(lang.pick("执行率得分", "exec. score"), Align::Right, 9.0),
            col(lang.pick("自评得分", "score"), Align::Right, 9.0),
            col(lang.pick("等级", "grade"), Align::Center, 6.0),
        ]);
    } else {
        cols.push(col(lang.pick("三级指标", "indicators"), Align::Right, 8.0));
        cols.extend(dims.iter().map(|k| col(short_dim(*k), Align::Right, 6.0)));
        cols.push(col(
            lang.pick("定量占比", "quantitative"),
            Align::Right,
            9.0,
        ));
    }
    cols.extend([
        col(lang.pick("错误", "errors"), Align::Right, 6.0),
        col(lang.pick("警告", "warnings"), Align::Right, 6.0),
        col(lang.pick("豁免", "waivers"), Align::Right, 6.0),
    ]);
    let mut rows = Vec::new();
    for (pi, p) in d.projects.iter().enumerate() {
        let mut name = vec![Inline::Link(
            format!("p{}-{}", di + 1, pi + 1),
            p.name.clone(),
        )];
        if d.evaluated && p.kind == Kind::Target {
            name.push(Inline::Kind(p.kind));
        }
        let mut cells = vec![
            Cell::text((pi + 1).to_string()),
            Cell::new(name),
            Cell::num(p.total, opt(p.total)),
        ];
        if d.evaluated {
            cells.extend([
                Cell::num(p.executed, opt(p.executed)),
                Cell {
                    percent: true,
                    light: p.light(),
                    ..Cell::num(p.rate, opt(p.rate.map(percent)))
                },
                Cell::new(p.light().map(Inline::Light).into_iter().collect()),
                Cell::num(
                    p.execution_score.map(round2),
                    opt(p.execution_score.map(two_dp)),
                ),
                Cell::num(p.rounded_score(), opt(p.total_score.map(two_dp)))
                    .with(reported_result(p, lang)),
                Cell::text(opt(p.grade().map(|g| g.as_str()))),
            ]);
        } else {
            cells.push(Cell::text(p.indicators.len().to_string()));
            for k in &dims {
                let n = p
                    .dimensions
                    .iter()
                    .find(|(x, _)| x == k)
                    .map_or(0, |(_, n)| *n);
                cells.push(Cell::text(n.to_string()));
            }
            cells.push(Cell::text(opt(p.quantitative_share().map(percent))));
        }
        let [errors, warnings] = p.counts();
        cells.extend([
            Cell::text(errors),
            Cell::text(warnings),
            Cell::text(p.waivers.len().to_string()),
        ]);
        rows.push(Row { cells, sum: false });
    }
    let foot = d.evaluated.then(|| {
        let total = |f: fn(&Project) -> usize| {
            Cell::text(d.projects.iter().map(f).sum::<usize>().to_string())
        };
        Row {
            cells: vec![
                Cell::empty(),
                Cell::new(vec![Inline::Strong(
                    lang.pick("各项目合计", "sum of projects").to_owned(),
                )]),
                Cell::num(d.computed.total.value(), sum(d.computed.total, lang)),
                Cell::num(d.computed.executed.value(), sum(d.computed.executed, lang)),
                Cell::text(opt(d.computed.rate().map(percent))),
                Cell::empty().span(4),
                total(|p| p.errors),
                total(|p| p.warnings),
                total(|p| p.waivers.len()),
            ],
            sum: true,
        }
    });
    Table {
        kind: TableKind::Projects,
        cols,
        rows,
        foot,
    }
}

/// A project's 三级 indicators per 一级 and its quantitative share, in words
/// (`三级指标 12 个：产出 9、效益 2、满意度 1；定量指标 12 个，占 100.00%`).
fn indicator_counts(p: &Project, lang: Lang) -> String {
    let dims: Vec<String> = p
        .dimensions
        .iter()
        .map(|(k, n)| format!("{} {n}", short_dim(*k)))
        .collect();
    let share = p
        .quantitative_share()
        .map_or_else(|| "—".to_owned(), percent);
    match lang {
        Lang::Zh => format!(
            "三级指标 {} 个：{}；定量指标 {} 个，占 {share}",
            p.indicators.len(),
            dims.join("、"),
            p.quantitative
        ),
        Lang::En => format!(
            "{} indicators ({}); {} quantitative, {share}",
            p.indicators.len(),
            dims.join(", "),
            p.quantitative
        ),
    }
}

/// A source of funds by name.
fn source_label(k: Key, lang: Lang) -> &'static str {
    match k {
        Key::GeneralPublic => lang.pick("一般公共预算", "general public budget"),
        Key::GovernmentFund => lang.pick("政府性基金预算", "government funds"),
        Key::Other => lang.pick("其他资金", "other funds"),
        k => k.name(),
    }
}

/// A project's money in one line: budget, and for a self-evaluation the
/// executed amount, rate (reported one beside it) and traffic light.
fn money(p: &Project, lang: Lang) -> Vec<Inline> {
    let pu = punct(lang);
    let mut s = format!("{} {}", lang.pick("预算数", "budget"), opt(p.total));
    let mut out = Vec::new();
    if p.kind == Kind::SelfEvaluation {
        s += &format!(
            "{}{} {}{}{} {}",
            pu.comma,
            lang.pick("执行数", "executed"),
            opt(p.executed),
            pu.comma,
            lang.pick("执行率", "rate"),
            opt(p.rate.map(percent))
        );
        if let Some(r) = &p.reported_rate {
            s += &paren(lang, &format!("{} {r}", lang.pick("报告", "reported")));
        }
        out.push(t(s));
        if let Some(l) = p.light() {
            out.push(t(" "));
            out.push(Inline::Light(l));
        }
    } else {
        out.push(t(s));
    }
    out
}

fn project(d: &Department, p: &Project, di: usize, pi: usize, lang: Lang) -> Section {
    let pu = punct(lang);
    let mut blocks = vec![Block::Heading {
        level: 3,
        text: vec![t(format!("{}. {}", pi + 1, p.name)), Inline::Kind(p.kind)],
        sub: Some(department_name(d, lang)),
    }];
    if !p.checked {
        blocks.push(Block::Note(vec![t(lang.pick(
            "本文件只为核对汇总数而读入，本次未单独检查。",
            "Loaded only for its summary's totals; not checked in this run.",
        ))]));
    }
    let mut meta: Vec<(String, Vec<Inline>)> = Vec::new();
    let mut item = |k: &str, v: Vec<Inline>| meta.push((k.to_owned(), v));
    if let Some(c) = &p.code {
        item(lang.pick("项目编码", "code"), vec![t(c)]);
    }
    let mut files = Vec::new();
    for (i, f) in p.files.iter().enumerate() {
        if i > 0 {
            files.push(Inline::Break);
        }
        files.push(Inline::Code(f.clone()));
    }
    item(lang.pick("文件", "file"), files);
    if let Some(b) = &p.basis {
        item(lang.pick("立项依据", "basis"), vec![t(b)]);
    }
    if let Some(g) = &p.goal {
        item(lang.pick("年度目标", "annual goal"), vec![t(g)]);
    }
    item(lang.pick("资金（万元）", "money (万元)"), money(p, lang));
    if !p.sources.is_empty() {
        let parts: Vec<String> = p
            .sources
            .iter()
            .map(|(k, v)| format!("{} {v}", source_label(*k, lang)))
            .collect();
        item(
            lang.pick("资金来源（万元）", "sources (万元)"),
            vec![t(parts.join(pu.comma))],
        );
    }
    if let Some(r) = &p.underspend_reason {
        item(lang.pick("未支出原因", "underspend reason"), vec![t(r)]);
    }
    if let Some(m) = &p.measures {
        item(lang.pick("整改措施", "measures"), vec![t(m)]);
    }
    if p.kind == Kind::SelfEvaluation {
        let mut s = vec![
            Inline::Strong(opt(p.execution_score.map(two_dp))),
            t(" / 10"),
        ];
        if let (Some(r), Some(c)) = (p.reported_execution_score, p.execution_score)
            && !agrees(r, c)
        {
            s.push(Inline::Diff(format!(
                "{} {r}",
                lang.pick("报告", "reported")
            )));
        }
        item(lang.pick("预算执行率得分", "execution score"), s);
        let mut v = vec![
            Inline::Strong(opt(p.total_score.map(two_dp))),
            t(format!(" {}", opt(p.grade().map(|g| g.as_str())))),
        ];
        v.extend(reported_result(p, lang));
        item(lang.pick("自评总分 · 等级", "total score · grade"), v);
    }
    blocks.push(Block::Meta(meta));
    blocks.push(Block::Table(indicator_table(p, lang, false)));
    if p.kind != Kind::SelfEvaluation {
        blocks.push(Block::Note(vec![t(indicator_counts(p, lang))]));
    }

    // What the experts weigh a target against: its explanation, scoring
    // standard, history and basis.
    let explained: Vec<Vec<Inline>> = p
        .indicators
        .iter()
        .filter_map(|i| {
            let parts: Vec<String> = [
                (lang.pick("指标解释", "explanation"), &i.explanation),
                (lang.pick("评分标准", "scoring standard"), &i.standard),
                (lang.pick("历史值", "history"), &i.history),
                (lang.pick("取值依据", "basis"), &i.basis),
            ]
            .into_iter()
            .filter_map(|(k, v)| Some(format!("{k}{}{}", pu.colon, v.as_ref()?)))
            .collect();
            (!parts.is_empty()).then(|| {
                vec![
                    Inline::Strong(i.name.clone()),
                    t(format!("{}{}", pu.colon, parts.join(lang.pick("；", "; ")))),
                ]
            })
        })
        .collect();
    if !explained.is_empty() {
        blocks.push(heading4(lang.pick("指标说明", "Indicator notes")));
        blocks.push(Block::List(explained));
    }

    let deviations: Vec<Vec<Inline>> = p
        .indicators
        .iter()
        .filter_map(|i| {
            Some(vec![
                Inline::Strong(i.name.clone()),
                t(format!("{}{}", pu.colon, i.deviation.as_ref()?)),
            ])
        })
        .collect();
    if !deviations.is_empty() {
        blocks.push(heading4(lang.pick("偏差原因", "Deviation reasons")));
        blocks.push(Block::List(deviations));
    }

    blocks.push(Block::Heading {
        level: 4,
        text: vec![t(format!(
            "{}{}",
            lang.pick("发现的问题", "Findings"),
            paren(lang, &p.findings.len().to_string())
        ))],
        sub: None,
    });
    if p.findings.is_empty() {
        blocks.push(Block::Para(vec![t(lang.pick("无。", "None."))]));
    } else {
        blocks.push(Block::Table(findings(&p.findings, lang)));
    }
    if !p.waivers.is_empty() {
        blocks.push(heading4(lang.pick("豁免", "Waivers")));
        blocks.push(Block::Table(waivers(p, lang)));
    }
    Section {
        kind: SectionKind::Project,
        id: Some(format!("p{}-{}", di + 1, pi + 1)),
        blocks,
    }
}

/// The findings of `p`'s own file that point at `place`, worst first.
fn notes_at(p: &Project, place: Place, lang: Lang) -> Vec<(Severity, String)> {
    let Some(main) = p.files.first() else {
        return Vec::new();
    };
    let mut v: Vec<(Severity, String)> = p
        .findings
        .iter()
        .filter(|f| &f.file == main && f.place == place && f.suppressed.is_none())
        .map(|f| note(f, lang))
        .collect();
    v.sort_by_key(|(s, _)| *s);
    v
}

/// The findings of a department's summary at one of its budget figures.
fn summary_notes(d: &Department, key: Key, lang: Lang) -> Vec<(Severity, String)> {
    d.findings
        .iter()
        .filter(|f| f.place == Place::Budget(key) && f.suppressed.is_none())
        .map(|f| note(f, lang))
        .collect()
}

fn note(f: &FindingRow, lang: Lang) -> (Severity, String) {
    (
        f.severity,
        format!("{} {}{}{}", f.code, f.title, punct(lang).colon, f.message),
    )
}

/// A project's indicator table. For a page (`sheet` false) the reported score
/// shows beside a differing computed one; for a spreadsheet (`sheet`) both
/// have a column of their own, with the deviation reason, and each cell a
/// finding points at carries it.
pub fn indicator_table(p: &Project, lang: Lang, sheet: bool) -> Table {
    let scored = p.kind == Kind::SelfEvaluation;
    let history = !scored && p.indicators.iter().any(|i| i.history.is_some());
    let mut cols = vec![
        col(lang.pick("一级指标", "level 1"), Align::Left, 12.0),
        col(lang.pick("二级指标", "level 2"), Align::Left, 16.0),
        col(lang.pick("三级指标", "indicator"), Align::Left, 30.0),
        col(lang.pick("指标值", "target"), Align::Left, 16.0),
    ];
    if scored {
        cols.push(col(lang.pick("实际完成值", "actual"), Align::Left, 16.0));
    } else {
        if history {
            cols.push(col(lang.pick("历史值", "history"), Align::Left, 14.0));
        }
        cols.push(col(lang.pick("类型", "type"), Align::Center, 8.0));
    }
    cols.push(col(lang.pick("分值", "weight"), Align::Right, 8.0));
    if scored {
        if sheet {
            cols.push(col(
                lang.pick("得分（按公式）", "score (computed)"),
                Align::Right,
                12.0,
            ));
            cols.push(col(
                lang.pick("得分（报告）", "score (reported)"),
                Align::Right,
                12.0,
            ));
            cols.push(col(
                lang.pick("偏差原因", "deviation reason"),
                Align::Left,
                30.0,
            ));
        } else {
            cols.push(col(lang.pick("得分", "score"), Align::Right, 10.0));
        }
    }
    let mut rows = Vec::new();
    let list = &p.indicators;
    for (i, r) in list.iter().enumerate() {
        let at = |k: Option<Key>| notes_at(p, Place::Indicator(i, k), lang);
        let new1 = i == 0 || list[i - 1].level1 != r.level1;
        let new2 = new1 || list[i - 1].level2 != r.level2;
        let mut name = Cell::text(&r.name);
        name.notes = at(Some(Key::Name));
        name.notes.extend(at(None));
        let mut cells = vec![
            Cell {
                repeated: !new1,
                ..Cell::text(r.level1.name())
            },
            Cell {
                repeated: !new2,
                ..Cell::text(r.level2.name())
            },
            name,
            Cell {
                notes: at(Some(Key::Target)),
                ..Cell::text(r.target.as_deref().unwrap_or("—"))
            },
        ];
        if scored {
            cells.push(Cell {
                notes: at(Some(Key::Actual)),
                ..Cell::text(r.actual.as_deref().unwrap_or("—"))
            });
        } else {
            if history {
                cells.push(Cell::text(r.history.as_deref().unwrap_or("—")));
            }
            cells.push(Cell::text(if r.quantitative {
                lang.pick("定量", "quantitative")
            } else {
                lang.pick("定性", "qualitative")
            }));
        }
        cells.push(Cell {
            notes: at(Some(Key::Weight)),
            ..Cell::num(r.weight, opt(r.weight))
        });
        if scored {
            let computed = Cell::num(r.score.map(round2), opt(r.score.map(two_dp)));
            if sheet {
                cells.push(computed);
                cells.push(Cell {
                    notes: at(Some(Key::Score)),
                    ..Cell::num(r.reported, opt(r.reported))
                });
                cells.push(Cell {
                    notes: at(Some(Key::Deviation)),
                    ..Cell::text(r.deviation.as_deref().unwrap_or(""))
                });
            } else {
                let mut c =
                    computed.with(r.differing_report().map(|rep| {
                        Inline::Diff(format!("{} {rep}", lang.pick("报告", "reported")))
                    }));
                c.notes = at(Some(Key::Score));
                cells.push(c);
            }
        }
        rows.push(Row { cells, sum: false });
    }
    if scored {
        let execution = Cell::num(
            p.execution_score.map(round2),
            opt(p.execution_score.map(two_dp)),
        );
        let mut cells = vec![
            Cell::text(lang.pick("预算执行率", "budget execution")).span(3),
            Cell {
                notes: notes_at(p, Place::Budget(Key::Total), lang),
                ..Cell::text(format!("{} {}", lang.pick("预算", "budget"), opt(p.total)))
            },
            Cell {
                notes: [Key::Executed, Key::ExecutionRate]
                    .into_iter()
                    .flat_map(|k| notes_at(p, Place::Budget(k), lang))
                    .collect(),
                light: p.light(),
                ..Cell::text(format!(
                    "{} {}{}",
                    lang.pick("执行", "executed"),
                    opt(p.executed),
                    paren(lang, &opt(p.rate.map(percent)))
                ))
            },
            Cell::num(Some(Decimal::TEN), "10".to_owned()),
            execution,
        ];
        if sheet {
            cells.push(Cell {
                notes: notes_at(p, Place::Budget(Key::Score), lang),
                ..Cell::num(p.reported_execution_score, opt(p.reported_execution_score))
            });
            cells.push(Cell::empty());
        }
        rows.push(Row { cells, sum: false });
        let weights = p.weight_sum();
        let mut total = Cell::new(vec![
            Inline::Strong(opt(p.total_score.map(two_dp))),
            t(format!(" {}", opt(p.grade().map(|g| g.as_str())))),
        ]);
        total.number = p.rounded_score();
        let mut cells = vec![
            Cell::new(vec![Inline::Strong(
                lang.pick("总分 · 等级", "total · grade").to_owned(),
            )])
            .span(5),
            Cell::num(
                weights.and_then(Sum::value),
                weights.map_or_else(|| "—".to_owned(), |w| sum(w, lang)),
            ),
        ];
        if sheet {
            cells.push(total);
            cells.push(Cell::new(vec![t(format!(
                "{} {}",
                opt(p.reported_score),
                p.reported_grade.as_deref().unwrap_or("")
            ))]));
            cells.push(Cell::empty());
        } else {
            cells.push(total.with(reported_result(p, lang)));
        }
        rows.push(Row { cells, sum: true });
    }
    Table {
        kind: TableKind::Indicators { scored },
        cols,
        rows,
        foot: None,
    }
}

/// A table of findings.
pub fn findings(rows: &[FindingRow], lang: Lang) -> Table {
    Table {
        kind: TableKind::Findings,
        cols: vec![
            col(lang.pick("级别", "severity"), Align::Center, 8.0),
            col(lang.pick("规则", "rule"), Align::Left, 30.0),
            col(lang.pick("说明", "message"), Align::Left, 50.0),
            col(lang.pick("位置", "location"), Align::Left, 30.0),
        ],
        rows: rows
            .iter()
            .map(|f| {
                let mut message = vec![t(&f.message)];
                if let Some(s) = &f.suppressed {
                    message.push(Inline::Aside(s.clone()));
                }
                Row {
                    cells: vec![
                        Cell::new(vec![Inline::Severity(f.severity)]),
                        Cell::new(vec![
                            Inline::Strong(f.code.clone()),
                            t(format!(" {}", f.title)),
                        ]),
                        Cell::new(message),
                        Cell::new(vec![Inline::Code(f.location.clone())]),
                    ],
                    sum: false,
                }
            })
            .collect(),
        foot: None,
    }
}

fn waivers(p: &Project, lang: Lang) -> Table {
    Table {
        kind: TableKind::Waivers,
        cols: vec![
            col(lang.pick("规则", "rule"), Align::Left, 30.0),
            col(lang.pick("理由", "reason"), Align::Left, 40.0),
            col(lang.pick("批准", "approved by"), Align::Left, 16.0),
            col(lang.pick("豁免的发现", "silenced"), Align::Right, 10.0),
        ],
        rows: p
            .waivers
            .iter()
            .map(|w| Row {
                cells: vec![
                    Cell::new(vec![
                        Inline::Strong(w.rule.clone()),
                        t(format!(" {}", w.title.as_deref().unwrap_or(""))),
                    ]),
                    Cell::text(w.reason.as_deref().unwrap_or("—")),
                    Cell::text(w.approved_by.as_deref().unwrap_or("—")),
                    Cell::text(w.silenced.to_string()),
                ],
                sum: false,
            })
            .collect(),
        foot: None,
    }
}

/// The workbook's overview: every project of every department with its
/// money, rate (filled with its light), scores and grade, and a totals row
/// per department.
pub fn overview(pack: &Pack, lang: Lang) -> Table {
    let cols = vec![
        col(lang.pick("主管部门", "department"), Align::Left, 24.0),
        col(lang.pick("年度", "year"), Align::Right, 6.0),
        col(lang.pick("项目", "project"), Align::Left, 30.0),
        col(lang.pick("类型", "kind"), Align::Left, 10.0),
        col(
            lang.pick("预算数（万元）", "budget (万元)"),
            Align::Right,
            14.0,
        ),
        col(
            lang.pick("执行数（万元）", "executed (万元)"),
            Align::Right,
            14.0,
        ),
        col(lang.pick("执行率", "rate"), Align::Right, 10.0),
        col(lang.pick("灯号", "light"), Align::Center, 8.0),
        col(lang.pick("执行率得分", "exec. score"), Align::Right, 10.0),
        col(lang.pick("自评得分", "score"), Align::Right, 10.0),
        col(lang.pick("报告得分", "reported score"), Align::Right, 10.0),
        col(lang.pick("等级", "grade"), Align::Center, 6.0),
        col(lang.pick("报告等级", "reported grade"), Align::Center, 8.0),
        col(lang.pick("错误", "errors"), Align::Right, 6.0),
        col(lang.pick("警告", "warnings"), Align::Right, 6.0),
    ];
    let mut rows = Vec::new();
    for d in &pack.departments {
        let dept = department_name(d, lang);
        let year = || Cell::num(d.year.map(Decimal::from), opt(d.year));
        for p in &d.projects {
            let [errors, warnings] = p.counts();
            let mut total = Cell::num(p.total, opt(p.total));
            total.notes = notes_at(p, Place::Budget(Key::Total), lang);
            let mut executed = Cell::num(p.executed, opt(p.executed));
            executed.notes = notes_at(p, Place::Budget(Key::Executed), lang);
            let mut score = Cell::num(p.rounded_score(), opt(p.total_score.map(two_dp)));
            if p.result_differs() {
                score.notes = vec![(
                    Severity::Warning,
                    lang.pick(
                        "报告的总分或等级与按公式计算的不一致",
                        "the reported total or grade differs from the computed one",
                    )
                    .to_owned(),
                )];
            }
            rows.push(Row {
                cells: vec![
                    Cell::text(&dept),
                    year(),
                    Cell::text(&p.name),
                    Cell::text(kind_label(p.kind, lang)),
                    total,
                    executed,
                    Cell {
                        percent: true,
                        light: p.light(),
                        notes: notes_at(p, Place::Budget(Key::ExecutionRate), lang),
                        ..Cell::num(p.rate, opt(p.rate.map(percent)))
                    },
                    Cell::text(p.light().map_or("", |l| l.label(lang))),
                    Cell::num(
                        p.execution_score.map(round2),
                        opt(p.execution_score.map(two_dp)),
                    ),
                    score,
                    Cell::num(p.reported_score, opt(p.reported_score)),
                    Cell::text(opt(p.grade().map(|g| g.as_str()))),
                    Cell::text(p.reported_grade.as_deref().unwrap_or("—")),
                    Cell::num(p.checked.then(|| Decimal::from(p.errors)), errors),
                    Cell::num(p.checked.then(|| Decimal::from(p.warnings)), warnings),
                ],
                sum: false,
            });
        }
        let rate = d.rate.as_ref();
        rows.push(Row {
            cells: vec![
                Cell::new(vec![Inline::Strong(dept.clone())]),
                year(),
                Cell::new(vec![Inline::Strong(format!(
                    "{} {}",
                    lang.pick("各项目合计", "sum of projects"),
                    d.computed.count
                ))]),
                Cell::empty(),
                Cell {
                    notes: summary_notes(d, Key::Total, lang),
                    ..Cell::num(d.computed.total.value(), sum(d.computed.total, lang))
                },
                Cell {
                    notes: summary_notes(d, Key::Executed, lang),
                    ..Cell::num(d.computed.executed.value(), sum(d.computed.executed, lang))
                },
                Cell {
                    percent: true,
                    light: rate.map(|r| r.light()),
                    notes: summary_notes(d, Key::ExecutionRate, lang),
                    ..Cell::num(
                        rate.map(|r| r.value),
                        rate.map_or("—".to_owned(), |r| r.text.clone()),
                    )
                },
                Cell::text(rate.map_or("", |r| r.light().label(lang))),
                Cell::empty(),
                Cell::empty(),
                Cell::empty(),
                Cell::empty(),
                Cell::empty(),
                Cell::num(
                    Some(Decimal::from(
                        d.projects.iter().map(|p| p.errors).sum::<usize>(),
                    )),
                    d.projects
                        .iter()
                        .map(|p| p.errors)
                        .sum::<usize>()
                        .to_string(),
                ),
                Cell::num(
                    Some(Decimal::from(
                        d.projects.iter().map(|p| p.warnings).sum::<usize>(),
                    )),
                    d.projects
                        .iter()
                        .map(|p| p.warnings)
                        .sum::<usize>()
                        .to_string(),
                ),
            ],
            sum: true,
        });
    }
    Table {
        kind: TableKind::Overview,
        cols,
        rows,
        foot: None,
    }
}

/// Every finding of the run, for the workbook: file, line, code, severity,
/// message, help and whether it counts.
pub fn finding_list(pack: &Pack, lang: Lang) -> Table {
    let mut all: Vec<&FindingRow> = Vec::new();
    for d in &pack.departments {
        all.extend(&d.findings);
        for p in &d.projects {
            all.extend(&p.findings);
        }
    }
    all.extend(&pack.other_findings);
    let cols = vec![
        col(lang.pick("文件", "file"), Align::Left, 36.0),
        col(lang.pick("行", "line"), Align::Right, 6.0),
        col(lang.pick("规则", "code"), Align::Left, 8.0),
        col(lang.pick("级别", "severity"), Align::Center, 8.0),
        col(lang.pick("标题", "title"), Align::Left, 28.0),
        col(lang.pick("说明", "message"), Align::Left, 50.0),
        col(lang.pick("修改建议", "help"), Align::Left, 40.0),
        col(lang.pick("状态", "status"), Align::Left, 16.0),
    ];
    let rows = all
        .into_iter()
        .map(|f| Row {
            cells: vec![
                Cell::text(&f.file),
                Cell::num(Some(Decimal::from(f.line)), f.line.to_string()),
                Cell::text(&f.code),
                Cell::new(vec![Inline::Severity(f.severity)]),
                Cell::text(&f.title),
                Cell::text(&f.message),
                Cell::text(f.help.as_deref().unwrap_or("")),
                Cell::text(f.suppressed.as_deref().unwrap_or("")),
            ],
            sum: false,
        })
        .collect();
    Table {
        kind: TableKind::Findings,
        cols,
        rows,
        foot: None,
    }
}
