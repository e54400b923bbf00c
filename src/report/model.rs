//! The review pack as data: departments (grouped by department and year), their
//! projects with every score computed by [`crate::score`], the totals a summary
//! reports beside the ones its projects add up to, and the findings of the run
//! placed where the experts will look for them. Renderers only lay this out.
//!
//! Nothing here rounds money: amounts stay exact decimals; scores are exact
//! too and rounded half-up to two decimals only when shown (the total is the
//! exact sum, rounded once, as JX406 checks it).

use super::Light;
use crate::check::Outcome;
use crate::diag::{FileId, Finding, Lang, Severity, Suppression, Tally};
use crate::model::{Doc, Key, Kind, Node, Num, Profile, Value};
use crate::output::Positions;
use crate::rules::RuleSet;
use crate::rules::eval::agrees;
use crate::score::{self, Grade};
use crate::source::Span;
use crate::value::IndValue;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The whole pack.
#[derive(Debug)]
pub struct Pack {
    /// Where the pack comes from, for its cover.
    pub provenance: Provenance,
    pub departments: Vec<Department>,
    /// Findings no department shows: files that could not be loaded.
    pub other_findings: Vec<FindingRow>,
    /// Paths that could not be used at all.
    pub problems: Vec<String>,
    pub tally: Tally,
}

/// What made the pack: shown on its cover so a printed copy can be traced.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// `YYYY-MM-DD` (UTC), from `SOURCE_DATE_EPOCH` when set, else today.
    pub date: String,
    pub version: &'static str,
    pub profile: Profile,
    /// The rule files in force, by name.
    pub rule_files: Vec<String>,
}

/// A sum that may not fit the decimal type: an overflow is shown, not a panic.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Sum {
    /// Nothing to add up.
    #[default]
    Empty,
    Of(Decimal),
    /// The exact sum is beyond the decimal type (about 7.9 × 10²⁸).
    Overflow,
}

impl Sum {
    /// Add up `values`, checked; `Empty` when there are none.
    pub fn of(values: impl IntoIterator<Item = Decimal>) -> Sum {
        values.into_iter().fold(Sum::Empty, |acc, v| match acc {
            Sum::Empty => Sum::Of(v),
            Sum::Of(a) => a.checked_add(v).map_or(Sum::Overflow, Sum::Of),
            Sum::Overflow => Sum::Overflow,
        })
    }
    pub fn value(self) -> Option<Decimal> {
        match self {
            Sum::Of(d) => Some(d),
            _ => None,
        }
    }
}

/// One department in one year.
#[derive(Debug)]
pub struct Department {
    /// As written; empty for declarations that name none.
    pub name: String,
    pub year: Option<i32>,
    /// Sorted by execution rate (lowest first), then name; target declarations
    /// (no rate) after, in file order.
    pub projects: Vec<Project>,
    /// The department's summary (汇总), if one is in the run.
    pub summary: Option<Summary>,
    /// Sums over the projects, exact.
    pub computed: Totals,
    /// The rate shown in the header: the summary's, else its totals', else the projects'.
    pub rate: Option<Shown>,
    /// Findings in the summary file (totals that do not agree, …).
    pub findings: Vec<FindingRow>,
    /// Whether any project is a self-evaluation (else: target declarations only).
    pub evaluated: bool,
}

/// A rate with how it is shown: as reported (`34.7%`) or computed (`34.70%`).
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub value: Decimal,
    pub text: String,
    /// Reported in a summary (else computed).
    pub reported: bool,
}

impl Shown {
    pub fn light(&self) -> Light {
        Light::of(self.value)
    }
}

/// What the projects of a department add up to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    pub count: usize,
    /// Sum of `total` over the projects (zero when none reports it).
    pub total: Sum,
    /// Sum of `executed` over the projects that report it; `Empty` if none does.
    pub executed: Sum,
}

impl Totals {
    /// Executed / total, exact; `None` without both, with a zero total or
    /// when either sum overflowed.
    pub fn rate(&self) -> Option<Decimal> {
        rate(self.executed.value()?, self.total.value()?)
    }
}

/// A summary's reported figures, with the agreement of each with the projects.
#[derive(Debug)]
pub struct Summary {
    pub file: String,
    pub checks: Vec<TotalCheck>,
}

/// One figure of a summary against its projects' sum.
#[derive(Clone, Debug, PartialEq)]
pub struct TotalCheck {
    pub figure: Figure,
    /// As written in the summary.
    pub reported: String,
    /// From the projects, exact (rates to two decimals of a percent).
    pub computed: String,
    /// The computed value, rounded half-up to the decimals reported, equals it.
    pub agrees: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    ProjectCount,
    Total,
    Executed,
    Rate,
}

impl Figure {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Figure::ProjectCount => lang.pick("项目个数", "projects"),
            Figure::Total => lang.pick("预算数（万元）", "budget (万元)"),
            Figure::Executed => lang.pick("执行数（万元）", "executed (万元)"),
            Figure::Rate => lang.pick("执行率", "execution rate"),
        }
    }
}

/// One project: a self-evaluation, or a target declaration with no
/// self-evaluation in the run.
#[derive(Debug)]
pub struct Project {
    pub name: String,
    pub code: Option<String>,
    pub kind: Kind,
    /// The file shown (and the target declaration answered, when both are in the run).
    pub files: Vec<String>,
    /// Checked in this run (false: loaded only for its summary's totals).
    pub checked: bool,
    pub goal: Option<String>,
    /// 立项依据 (`project.basis`).
    pub basis: Option<String>,
    /// 资金来源 (`budget.sources`), in the order written: (source, amount as written).
    pub sources: Vec<(Key, String)>,
    pub total: Option<Decimal>,
    pub executed: Option<Decimal>,
    /// `execution_rate` as written.
    pub reported_rate: Option<Num>,
    /// Executed / total, exact.
    pub rate: Option<Decimal>,
    pub underspend_reason: Option<String>,
    pub measures: Option<String>,
    /// 预算执行率得分 (of 10), exact; self-evaluations only.
    pub execution_score: Option<Decimal>,
    /// `budget.score` as written.
    pub reported_execution_score: Option<Decimal>,
    pub indicators: Vec<IndicatorRow>,
    /// Indicator scores plus the execution score, exact; `None` when any part
    /// cannot be scored (or for a target declaration).
    pub total_score: Option<Decimal>,
    /// `result.score` and `result.grade` as written.
    pub reported_score: Option<Decimal>,
    pub reported_grade: Option<String>,
    /// 三级 indicators per 一级, in the profile's order.
    pub dimensions: Vec<(Key, usize)>,
    /// Indicators whose target is a number, percentage, date or range.
    pub quantitative: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings not silenced by a waiver (a baseline's are kept, marked).
    pub findings: Vec<FindingRow>,
    pub waivers: Vec<WaiverRow>,
}

impl Project {
    /// The total shown: half-up to two decimals.
    pub fn rounded_score(&self) -> Option<Decimal> {
        self.total_score
            .map(|t| t.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }
    pub fn grade(&self) -> Option<Grade> {
        self.rounded_score().map(score::grade)
    }
    pub fn light(&self) -> Option<Light> {
        self.rate.map(Light::of)
    }
    /// Errors and warnings as shown: `—` for a file that was not checked.
    pub fn counts(&self) -> [String; 2] {
        if self.checked {
            [self.errors.to_string(), self.warnings.to_string()]
        } else {
            ["—".to_owned(), "—".to_owned()]
        }
    }
    /// Share of quantitative indicators, as a fraction.
    pub fn quantitative_share(&self) -> Option<Decimal> {
        Decimal::from(self.quantitative).checked_div(Decimal::from(self.indicators.len()))
    }
    /// The weights plus the 10 points of the execution score, checked;
    /// `None` when an indicator has no weight.
    pub fn weight_sum(&self) -> Option<Sum> {
        let weights: Option<Vec<Decimal>> = self.indicators.iter().map(|r| r.weight).collect();
        Some(Sum::of(std::iter::once(Decimal::TEN).chain(weights?)))
    }
    /// Whether the reported total or grade differ from the computed ones.
    pub fn result_differs(&self) -> bool {
        let Some(total) = self.total_score else {
            return false;
        };
        let score_differs = self.reported_score.is_some_and(|r| !agrees(r, total));
        let grade_differs = match (&self.reported_grade, self.grade()) {
            (Some(r), Some(g)) => r.trim() != g.as_str(),
            _ => false,
        };
        score_differs || grade_differs
    }
}

/// One 三级 indicator.
#[derive(Debug)]
pub struct IndicatorRow {
    pub level1: Key,
    pub level2: Key,
    pub name: String,
    pub target: Option<String>,
    pub actual: Option<String>,
    pub weight: Option<Decimal>,
    /// By the formula, exact; `None` when undefined or not a self-evaluation.
    pub score: Option<Decimal>,
    /// `score` as written.
    pub reported: Option<Decimal>,
    pub deviation: Option<String>,
    /// 指标解释, 评分标准, 历史值 and 取值依据, as written.
    pub explanation: Option<String>,
    pub standard: Option<String>,
    pub history: Option<String>,
    pub basis: Option<String>,
    pub quantitative: bool,
}

impl IndicatorRow {
    /// The reported score, when it does not agree with the computed one.
    pub fn differing_report(&self) -> Option<Decimal> {
        match (self.reported, self.score) {
            (Some(r), Some(s)) if !agrees(r, s) => Some(r),
            _ => None,
        }
    }
}

/// A finding as the pack shows it.
#[derive(Clone, Debug)]
pub struct FindingRow {
    pub code: String,
    pub severity: Severity,
    pub title: String,
    pub message: String,
    /// `file:line`.
    pub location: String,
    pub file: String,
    pub line: usize,
    pub help: Option<String>,
    /// Why it is not counted (baseline), when it is not.
    pub suppressed: Option<String>,
    /// Where in its project the finding points, for tables that mark cells.
    pub place: Place,
}

/// The part of a project a finding points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Indicator `index` of the project, at one of its fields (`None`: the
    /// indicator as a whole).
    Indicator(usize, Option<Key>),
    /// A field of `budget` (`total`, `executed`, …).
    Budget(Key),
    Elsewhere,
}

/// A `waivers` entry and what it silenced.
#[derive(Clone, Debug)]
pub struct WaiverRow {
    pub rule: String,
    /// The rule's title, when the rule is known.
    pub title: Option<String>,
    pub reason: Option<String>,
    pub approved_by: Option<String>,
    /// Findings it silenced.
    pub silenced: usize,
}

/// Build the pack of a run (made with `keep_docs`; without documents it holds
/// only the findings).
pub fn build(outcome: &Outcome, rules: &RuleSet, lang: Lang) -> Pack {
    let provenance = Provenance {
        date: today(),
        version: env!("CARGO_PKG_VERSION"),
        profile: rules.profile,
        rule_files: rules.sources.iter().map(|s| s.name.to_string()).collect(),
    };
    let pos = Positions::new(outcome);
    let mut rows: Rows<'_> = BTreeMap::new();
    for f in &outcome.findings {
        let r = pos.of(f);
        let name = outcome.file(f.file).map_or("", |e| &e.name);
        rows.entry(f.file).or_default().push((
            f,
            FindingRow {
                code: f.code.to_string(),
                severity: f.severity,
                title: f.title.to_string(),
                message: f.message.clone(),
                location: format!("{name}:{}", r.start.line),
                file: name.to_owned(),
                line: r.start.line as usize,
                help: f.help.as_deref().map(str::to_owned),
                place: place_of(doc(outcome, f.file), f.span),
                suppressed: match &f.suppressed {
                    Some(Suppression::Baseline) => {
                        Some(lang.pick("已记入基线", "in the baseline").to_owned())
                    }
                    Some(Suppression::Waiver(reason)) => Some(reason.clone()),
                    None => None,
                },
            },
        ));
    }

    // Group the documents by department and year.
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<(String, Option<i32>), usize> = HashMap::new();
    for (i, doc) in outcome.docs.iter().enumerate() {
        let Some(doc) = doc else { continue };
        // A declaration that names no department still shows, under no name.
        let key = (doc.department().unwrap_or("").trim().to_owned(), doc.year);
        let g = *index.entry(key.clone()).or_insert_with(|| {
            groups.push(Group {
                name: key.0.clone(),
                year: key.1,
                summaries: Vec::new(),
                projects: Vec::new(),
            });
            groups.len() - 1
        });
        let id = i as FileId;
        match doc.kind {
            Kind::Summary => groups[g].summaries.push(id),
            _ => groups[g].projects.push(id),
        }
    }
    let reported = |id: FileId| outcome.file(id).is_some_and(|f| f.reported);
    // Files loaded only for a summary belong to the pack only where the run
    // named something of the same department and year.
    groups.retain(|g| {
        g.summaries
            .iter()
            .chain(&g.projects)
            .any(|&id| reported(id))
    });

    let shown: HashSet<FileId> = groups
        .iter()
        .flat_map(|g| g.summaries.iter().chain(&g.projects))
        .copied()
        .collect();
    let mut departments: Vec<Department> = groups
        .iter()
        .map(|g| department(outcome, rules, lang, g, &rows))
        .collect();
    // By year, then name; declarations with no department last in their year.
    departments.sort_by(|a, b| {
        (a.year, a.name.is_empty(), &a.name).cmp(&(b.year, b.name.is_empty(), &b.name))
    });

    let other_findings = rows
        .iter()
        .filter(|(id, _)| !shown.contains(id))
        .flat_map(|(_, fs)| fs)
        .filter(|(f, _)| !f.is_suppressed())
        .map(|(_, r)| r.clone())
        .collect();
    Pack {
        provenance,
        departments,
        other_findings,
        problems: outcome
            .problems
            .iter()
            .map(|p| lang.pick(&p.zh, &p.en).to_owned())
            .collect(),
        tally: outcome.tally(),
    }
}

struct Group {
    name: String,
    year: Option<i32>,
    summaries: Vec<FileId>,
    projects: Vec<FileId>,
}

/// The findings of each file, with their rows, in file order.
type Rows<'a> = BTreeMap<FileId, Vec<(&'a Finding, FindingRow)>>;

fn doc(outcome: &Outcome, id: FileId) -> Option<&Doc> {
    outcome.docs.get(id as usize)?.as_ref()
}

fn file_name(outcome: &Outcome, id: FileId) -> String {
    outcome
        .file(id)
        .map_or_else(String::new, |f| f.name.to_string())
}

fn department(
    outcome: &Outcome,
    rules: &RuleSet,
    lang: Lang,
    g: &Group,
    rows: &Rows<'_>,
) -> Department {
    // A project with a target and a self-evaluation counts once, by the
    // latter (as a summary counts it); the target's findings come along.
    let mut chosen: Vec<Vec<FileId>> = Vec::new();
    let mut keys: HashMap<String, usize> = HashMap::new();
    for &id in &g.projects {
        let Some(d) = doc(outcome, id) else { continue };
        let key = d
            .project_code()
            .map(|c| format!("code:{}", c.trim()))
            .or_else(|| d.project_name().map(|n| format!("name:{}", n.trim())))
            .unwrap_or_else(|| format!("file:{id}"));
        match keys.get(&key) {
            Some(&k) => {
                let first = chosen[k][0];
                if doc(outcome, first).is_some_and(|x| x.kind == Kind::Target)
                    && d.kind == Kind::SelfEvaluation
                {
                    chosen[k].insert(0, id);
                } else {
                    chosen[k].push(id);
                }
            }
            None => {
                keys.insert(key, chosen.len());
                chosen.push(vec![id]);
            }
        }
    }
    let mut projects: Vec<Project> = chosen
        .iter()
        .filter_map(|ids| project(outcome, rules, lang, ids, rows))
        .collect();
    projects.sort_by(|a, b| match (a.rate, b.rate) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.name.cmp(&b.name)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });

    let computed = Totals {
        count: projects.len(),
        total: match Sum::of(projects.iter().filter_map(|p| p.total)) {
            Sum::Empty => Sum::Of(Decimal::ZERO),
            s => s,
        },
        executed: Sum::of(projects.iter().filter_map(|p| p.executed)),
    };
    let summary_doc = g
        .summaries
        .first()
        .and_then(|&id| doc(outcome, id).map(|d| (id, d)));
    let summary = summary_doc.map(|(id, d)| Summary {
        file: file_name(outcome, id),
        checks: total_checks(d, &computed, lang),
    });
    let rate = summary_doc.and_then(|(_, d)| summary_rate(d)).or_else(|| {
        computed.rate().map(|r| Shown {
            value: r,
            text: super::percent(r),
            reported: false,
        })
    });
    let findings = g
        .summaries
        .iter()
        .flat_map(|id| rows.get(id).into_iter().flatten())
        .filter(|(f, _)| !matches!(f.suppressed, Some(Suppression::Waiver(_))))
        .map(|(_, r)| r.clone())
        .collect();
    Department {
        name: g.name.clone(),
        year: g.year,
        evaluated: projects.iter().any(|p| p.kind == Kind::SelfEvaluation),
        projects,
        summary,
        computed,
        rate,
        findings,
    }
}

/// The summary's own rate: `execution_rate` as written, else executed / total.
fn summary_rate(d: &Doc) -> Option<Shown> {
    let b = d.root.get(Key::Budget)?;
    if let Some(n) = b.get(Key::ExecutionRate).and_then(as_num) {
        return Some(Shown {
            value: n.value,
            text: n.to_string(),
            reported: true,
        });
    }
    let r = rate(
        b.get(Key::Executed).and_then(Node::num)?,
        b.get(Key::Total).and_then(Node::num)?,
    )?;
    Some(Shown {
        value: r,
        text: super::percent(r),
        reported: false,
    })
}

/// Each figure the summary reports, against the projects' sum.
fn total_checks(d: &Doc, computed: &Totals, lang: Lang) -> Vec<TotalCheck> {
    let b = d.root.get(Key::Budget);
    let num = |k: Key| b.and_then(|b| b.get(k)).and_then(as_num);
    let mut out = Vec::new();
    if let Some(n) = d.root.get(Key::ProjectCount).and_then(as_num) {
        let c = Decimal::from(computed.count);
        out.push(TotalCheck {
            figure: Figure::ProjectCount,
            reported: n.to_string(),
            computed: computed.count.to_string(),
            agrees: n.value == c,
        });
    }
    let sum_check = |figure: Figure, n: Num, sum: Sum| TotalCheck {
        figure,
        reported: n.to_string(),
        computed: super::sum(sum, lang),
        agrees: sum.value().is_some_and(|s| agrees(n.value, s)),
    };
    if let Some(n) = num(Key::Total) {
        out.push(sum_check(Figure::Total, n, computed.total));
    }
    if let Some(n) = num(Key::Executed)
        && computed.executed != Sum::Empty
    {
        out.push(sum_check(Figure::Executed, n, computed.executed));
    }
    if let (Some(n), Some(r)) = (num(Key::ExecutionRate), computed.rate()) {
        out.push(TotalCheck {
            figure: Figure::Rate,
            reported: n.to_string(),
            computed: super::percent(r),
            agrees: agrees(n.value, r),
        });
    }
    out
}

fn as_num(n: &Node) -> Option<Num> {
    match &n.value {
        Value::Num(x) => Some(*x),
        _ => None,
    }
}

fn rate(executed: Decimal, total: Decimal) -> Option<Decimal> {
    if total <= Decimal::ZERO {
        return None;
    }
    executed.checked_div(total)
}

fn text(n: Option<&Node>) -> Option<String> {
    n.and_then(Node::text)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn ind(n: Option<&Node>) -> Option<&IndValue> {
    match &n?.value {
        Value::Ind(i) => Some(i),
        _ => None,
    }
}

fn is_cost(k: Key) -> bool {
    matches!(
        k,
        Key::Cost | Key::EconomicCost | Key::SocialCost | Key::EcologicalCost
    )
}

/// A project from its files (the shown document first).
fn project(
    outcome: &Outcome,
    rules: &RuleSet,
    lang: Lang,
    ids: &[FileId],
    rows: &Rows<'_>,
) -> Option<Project> {
    let &main = ids.first()?;
    let d = doc(outcome, main)?;
    let root = &d.root;
    let budget = root.get(Key::Budget);
    let bnum = |k: Key| budget.and_then(|b| b.get(k)).and_then(Node::num);
    let evaluated = d.kind == Kind::SelfEvaluation;
    let (total, executed) = (bnum(Key::Total), bnum(Key::Executed));

    let indicators: Vec<IndicatorRow> = root
        .indicators()
        .map(|(l1, l2, n)| {
            let weight = n.get(Key::Weight).and_then(Node::num);
            let reported = n.get(Key::Score).and_then(Node::num);
            let score = match (
                evaluated,
                ind(n.get(Key::Target)),
                ind(n.get(Key::Actual)),
                weight,
            ) {
                (true, Some(t), Some(a), Some(w)) => {
                    score::indicator_score(t, a, w, is_cost(l1) || is_cost(l2), reported)
                }
                _ => None,
            };
            IndicatorRow {
                level1: l1,
                level2: l2,
                name: text(n.get(Key::Name)).unwrap_or_default(),
                target: text(n.get(Key::Target)),
                actual: text(n.get(Key::Actual)),
                weight,
                score,
                reported,
                deviation: text(n.get(Key::Deviation)),
                explanation: text(n.get(Key::Explanation)),
                standard: text(n.get(Key::Standard)),
                history: text(n.get(Key::History)),
                basis: text(n.get(Key::Basis)),
                quantitative: ind(n.get(Key::Target)).is_some_and(IndValue::is_quantitative),
            }
        })
        .collect();

    let execution_score = match (evaluated, executed, total) {
        (true, Some(e), Some(t)) => score::execution_score(e, t),
        _ => None,
    };
    let total_score = if evaluated {
        indicators
            .iter()
            .map(|i| i.score)
            .chain([execution_score])
            .try_fold(Decimal::ZERO, |acc, s| acc.checked_add(s?))
            .map(|t| t.normalize())
    } else {
        None
    };

    let mut dimensions: Vec<(Key, usize)> =
        rules.profile.level1().iter().map(|&k| (k, 0)).collect();
    for i in &indicators {
        match dimensions.iter_mut().find(|(k, _)| *k == i.level1) {
            Some((_, n)) => *n += 1,
            None => dimensions.push((i.level1, 1)),
        }
    }

    let mut findings = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    let mut silenced: HashMap<&str, usize> = HashMap::new();
    for id in ids {
        for (f, r) in rows.get(id).into_iter().flatten() {
            match &f.suppressed {
                Some(Suppression::Waiver(_)) => {
                    if *id == main {
                        *silenced.entry(&f.code).or_default() += 1;
                    }
                    continue;
                }
                Some(Suppression::Baseline) => {}
                None => match f.severity {
                    Severity::Error => errors += 1,
                    Severity::Warning => warnings += 1,
                    Severity::Info => {}
                },
            }
            findings.push(r.clone());
        }
    }
    let waivers = root
        .get(Key::Waivers)
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .map(|w| {
            let rule = text(w.get(Key::Rule)).unwrap_or_default();
            WaiverRow {
                title: rules.rule(&rule).map(|r| match (lang, &r.title_en) {
                    (Lang::En, Some(t)) => t.to_string(),
                    _ => r.title_zh.to_string(),
                }),
                silenced: silenced.get(rule.as_str()).copied().unwrap_or(0),
                reason: text(w.get(Key::Reason)),
                approved_by: text(w.get(Key::ApprovedBy)),
                rule,
            }
        })
        .collect();

    Some(Project {
        name: d.project_name().unwrap_or_default().trim().to_owned(),
        code: d.project_code().map(|c| c.trim().to_owned()),
        kind: d.kind,
        files: ids.iter().map(|&id| file_name(outcome, id)).collect(),
        checked: outcome.file(main).is_some_and(|f| f.reported),
        goal: text(root.path(&[Key::Goals, Key::Annual])),
        basis: text(root.path(&[Key::Project, Key::Basis])),
        sources: budget
            .and_then(|b| b.get(Key::Sources))
            .map(Node::entries)
            .unwrap_or_default()
            .iter()
            // A source is a row of the 10号 form: its 全年预算数 is shown.
            .filter_map(|e| Some((e.key, node_text(e.node.get(Key::Total).unwrap_or(&e.node))?)))
            .collect(),
        total,
        executed,
        reported_rate: budget
            .and_then(|b| b.get(Key::ExecutionRate))
            .and_then(as_num),
        rate: executed.zip(total).and_then(|(e, t)| rate(e, t)),
        underspend_reason: text(budget.and_then(|b| b.get(Key::UnderspendReason))),
        measures: text(root.get(Key::Measures)),
        execution_score,
        reported_execution_score: bnum(Key::Score),
        quantitative: indicators.iter().filter(|i| i.quantitative).count(),
        indicators,
        total_score,
        reported_score: root.path(&[Key::Result, Key::Score]).and_then(Node::num),
        reported_grade: text(root.path(&[Key::Result, Key::Grade])),
        dimensions,
        errors,
        warnings,
        findings,
        waivers,
    })
}

/// A scalar as written (numbers in their written form).
fn node_text(n: &Node) -> Option<String> {
    match &n.value {
        Value::Num(x) => Some(x.to_string()),
        _ => text(Some(n)),
    }
}

/// Where in a document a finding at `span` points: the indicator (and its
/// field) or the budget field whose value holds the span's start.
fn place_of(doc: Option<&Doc>, span: Span) -> Place {
    let Some(doc) = doc else {
        return Place::Elsewhere;
    };
    let within = |n: &Span| n.start <= span.start && span.start <= n.end.max(n.start);
    for (i, (_, _, n)) in doc.root.indicators().enumerate() {
        if !within(&n.span) {
            continue;
        }
        let field = n
            .entries()
            .iter()
            .find(|e| within(&e.node.span) || within(&e.key_span))
            .map(|e| e.key);
        return Place::Indicator(i, field);
    }
    if let Some(b) = doc.root.get(Key::Budget) {
        for e in b.entries() {
            if within(&e.node.span) || within(&e.key_span) {
                return Place::Budget(e.key);
            }
        }
    }
    Place::Elsewhere
}

/// The date the pack is made, `YYYY-MM-DD` in UTC: `SOURCE_DATE_EPOCH` (the
/// reproducible-builds convention) when it is set, else the clock.
fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    let (y, m, d) = civil(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 as a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days.clamp(-1_000_000_000, 1_000_000_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_358), (2023, 1, 1));
        assert_eq!(civil(11_016), (2000, 2, 29));
        assert_eq!(civil(-1), (1969, 12, 31));
    }

    #[test]
    fn sums_overflow_without_panicking() {
        let max = Decimal::MAX;
        assert_eq!(Sum::of([]), Sum::Empty);
        assert_eq!(
            Sum::of([Decimal::ONE, Decimal::TWO]),
            Sum::Of(Decimal::from(3))
        );
        assert_eq!(Sum::of([max, Decimal::ONE]), Sum::Overflow);
        assert_eq!(Sum::of([max, Decimal::ONE, -max]), Sum::Overflow);
    }
}
