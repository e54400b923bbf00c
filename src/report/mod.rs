//! The review pack for the expert meeting (专家评审会, SPEC §4): per department
//! a header with totals and the execution traffic light, a table of projects,
//! an execution-rate chart and the summary-level findings; per project its
//! indicator table with computed scores, its findings and its waivers.
//!
//! [`model`] turns a run ([`Outcome`] with its documents) into a format-neutral
//! [`model::Pack`]; [`content`] lays it out once as sections, tables of cells
//! and a chart; [`html`] (one self-contained, printable file with an inline
//! [`svg`] chart), [`md`] (GitHub-flavoured Markdown) and [`xlsx`] (a
//! workbook) only serialize that content. Every
//! score comes from [`crate::score`]; money is exact decimal throughout, and
//! this module holds the few shared ways numbers are shown.

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($o:expr, $($t:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($o, $($t)*);
    }};
}

pub mod content;
pub mod html;
pub mod md;
pub mod model;
pub mod svg;
pub mod xlsx;

use crate::check::Outcome;
use crate::diag::Lang;
use crate::model::{Key, Kind};
use crate::rules::RuleSet;
use rust_decimal::{Decimal, RoundingStrategy};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Md,
    /// A workbook: 汇总, 问题清单 and a sheet per project.
    Xlsx,
}

/// Render the review pack of a run made with `keep_docs`: the model is
/// built once, laid out once as [`content::Content`], then serialized.
/// Only writing a workbook can fail (its message says why).
pub fn render(
    outcome: &Outcome,
    rules: &RuleSet,
    format: ReportFormat,
    lang: Lang,
) -> Result<Vec<u8>, String> {
    let pack = model::build(outcome, rules, lang);
    let content = content::build(&pack, lang);
    match format {
        ReportFormat::Html => Ok(html::render(&content).into_bytes()),
        ReportFormat::Md => Ok(md::render(&content).into_bytes()),
        ReportFormat::Xlsx => xlsx::render(&pack, &content),
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

    /// Its colour, as `#rrggbb` (bars, badges and workbook fills).
    pub fn colour(self) -> &'static str {
        match self {
            Light::Red => "#c62828",
            Light::Yellow => "#e0a100",
            Light::Green => "#2e7d32",
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

/// A computed amount, exact and without trailing zeros (`260.162333`).
pub fn amount(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A sum as shown: exact, `—` when there was nothing to add, `溢出` when it
/// is beyond the decimal type.
pub fn sum(s: model::Sum, lang: Lang) -> String {
    match s {
        model::Sum::Of(d) => amount(d),
        model::Sum::Empty => "—".to_owned(),
        model::Sum::Overflow => lang.pick("溢出", "overflow").to_owned(),
    }
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
        // At the ends of the decimal type: shown, never a panic.
        assert_eq!(two_dp(Decimal::MAX), "79228162514264337593543950335");
        assert_eq!(percent(Decimal::MAX), "—");
        assert_eq!(sum(model::Sum::Overflow, Lang::Zh), "溢出");
        assert_eq!(sum(model::Sum::Overflow, Lang::En), "overflow");
        assert_eq!(sum(model::Sum::Empty, Lang::Zh), "—");
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
