//! The review pack for the expert meeting (专家评审会, SPEC §4): per department
//! a header with totals and the execution traffic light, a table of projects,
//! an execution-rate chart and the summary-level findings; per project its
//! indicator table with computed scores, its findings and its waivers.
//!
//! [`model`] turns a run ([`Outcome`] with its documents) into a format-neutral
//! [`model::Pack`]; [`html`] (one self-contained, printable file with an inline
//! [`svg`] chart) and [`md`] (GitHub-flavoured Markdown) only lay it out. Every
//! score comes from [`crate::score`]; money is exact decimal throughout, and
//! this module holds the few shared ways numbers are shown.

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($o:expr, $($t:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($o, $($t)*);
    }};
}

pub mod html;
pub mod md;
pub mod model;
pub mod svg;

use crate::check::Outcome;
use crate::diag::Lang;
use crate::model::{Key, Kind};
use crate::rules::RuleSet;
use rust_decimal::{Decimal, RoundingStrategy};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Md,
}

/// Render the review pack of a run made with `keep_docs`.
pub fn render(outcome: &Outcome, rules: &RuleSet, format: ReportFormat, lang: Lang) -> String {
    let pack = model::build(outcome, rules, lang);
    match format {
        ReportFormat::Html => html::render(&pack, lang),
        ReportFormat::Md => md::render(&pack, lang),
    }
}

/// In-year execution traffic light (DOMAIN.md): red below 60 %, yellow
/// 60–80 %, green from 80 %.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Light {
    Red,
    Yellow,
    Green,
}

impl Light {
    /// The light of an execution rate given as a fraction (0.347 for 34.7 %).
    pub fn of(rate: Decimal) -> Light {
        if rate < Decimal::new(6, 1) {
            Light::Red
        } else if rate < Decimal::new(8, 1) {
            Light::Yellow
        } else {
            Light::Green
        }
    }

    /// CSS class and bar colour name.
    pub fn class(self) -> &'static str {
        match self {
            Light::Red => "red",
            Light::Yellow => "yellow",
            Light::Green => "green",
        }
    }

    /// The light in words, so it never depends on colour alone.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Light::Red => lang.pick("红灯", "red"),
            Light::Yellow => lang.pick("黄灯", "yellow"),
            Light::Green => lang.pick("绿灯", "green"),
        }
    }
}

/// How a kind of document is called.
pub fn kind_label(k: Kind, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => k.zh(),
        Lang::En => k.name(),
    }
}

/// A 一级 name without the trailing 指标, for narrow columns.
pub fn short_dim(k: Key) -> &'static str {
    let n = k.name();
    n.strip_suffix("指标").unwrap_or(n)
}

/// What follows a department's name in its heading: year and what it holds.
pub fn department_sub(d: &model::Department, lang: Lang) -> String {
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

/// A project's 三级 indicators per 一级 and its quantitative share, in words
/// (`三级指标 12 个：产出 9、效益 2、满意度 1；定量指标 12 个，占 100.00%`).
pub fn indicator_counts(p: &model::Project, lang: Lang) -> String {
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

/// Said under a project table when some files were read only for a summary.
pub fn unchecked_note(lang: Lang) -> &'static str {
    lang.pick(
        "错误、警告为“—”的项目只为核对汇总数而读入，本次未单独检查；要检查它们，请把它们所在的文件夹交给 jixiao report。",
        "Projects with “—” errors and warnings were read only for their summary's totals and not \
         checked; name their folder to check them.",
    )
}

/// How scores, amounts and the light are computed, for the first page; a
/// pack of target declarations only has no scores to explain.
pub fn scoring_note(pack: &model::Pack, lang: Lang) -> &'static str {
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

/// Half-up to two decimals, always shown with two (`1.97`, `79.50`, `10.00`).
pub fn two_dp(d: Decimal) -> String {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r.to_string()
}

/// A fraction as a percentage to two decimals, half-up (0.197264 → `19.73%`).
pub fn percent(fraction: Decimal) -> String {
    match fraction.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", two_dp(p)),
        None => "—".to_owned(),
    }
}

/// A missing figure shows as a dash.
pub fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "—".to_owned(), |x| x.to_string())
}

/// A project's money in one line: budget, and for a self-evaluation the
/// executed amount, rate (reported one beside it) and traffic light, drawn by
/// `light` in the output's own way.
pub fn money_line(p: &model::Project, lang: Lang, light: impl Fn(Light) -> String) -> String {
    let mut money = format!("{} {}", lang.pick("预算数", "budget"), opt(p.total));
    if p.kind == Kind::SelfEvaluation {
        w!(
            money,
            "，{} {}，{} {}",
            lang.pick("执行数", "executed"),
            opt(p.executed),
            lang.pick("执行率", "rate"),
            opt(p.rate.map(percent))
        );
        if let Some(r) = &p.reported_rate {
            w!(money, "（{} {}）", lang.pick("报告", "reported"), r);
        }
        if let Some(l) = p.light() {
            w!(money, " {}", light(l));
        }
    }
    money
}

/// A computed amount, exact and without trailing zeros (`260.162333`).
pub fn amount(d: Decimal) -> String {
    d.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn numbers_are_shown_half_up() {
        assert_eq!(two_dp(d("1.97264")), "1.97");
        assert_eq!(two_dp(d("79.49764")), "79.50");
        assert_eq!(two_dp(d("0.125")), "0.13");
        assert_eq!(two_dp(d("10")), "10.00");
        assert_eq!(percent(d("0.197264")), "19.73%");
        assert_eq!(percent(d("1")), "100.00%");
        assert_eq!(amount(d("260.1623330")), "260.162333");
    }

    #[test]
    fn traffic_light_thresholds() {
        assert_eq!(Light::of(d("0.347")), Light::Red);
        assert_eq!(Light::of(d("0.5999")), Light::Red);
        assert_eq!(Light::of(d("0.6")), Light::Yellow);
        assert_eq!(Light::of(d("0.7999")), Light::Yellow);
        assert_eq!(Light::of(d("0.8")), Light::Green);
        assert_eq!(Light::of(d("1")), Light::Green);
    }
}
