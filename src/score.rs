//! Self-evaluation scoring (财预〔2020〕10号, DOMAIN.md): indicator scores,
//! the budget-execution score, grades. Shared by the rule language
//! (`score`, `grade`, `met`) and the review pack.
//!
//! Everything is exact decimal arithmetic with no rounding inside (callers
//! round half-up to two decimals at the end); overflow or an undefined case
//! yields `None`, never a panic. Computed results are normalised (no trailing
//! zeros); a reported score that is kept is returned as written.
//!
//! A = target, B = actual, w = weight:
//! - ≥ / >: w if B ≥ A, else w × B / A (negative B counts as 0);
//! - =: as ≥ when A > 0; when A = 0, w if B ≤ 0, else 0;
//! - ≤ / <: w if B ≤ A; w × (1 − (B − A)/A) if A < B < 2A; 0 beyond;
//! - dates: w when met, else 0; ranges: w inside, w × B / low below, the ≤
//!   formula against high above;
//! - no comparator: ≥, but ≤ for cost indicators (成本) and dates (deadlines);
//! - qualitative actuals: a band of the weight chosen by the wording.

use crate::value::{Cmp, Date, IndValue, Quantity, to_wan};
use rust_decimal::Decimal;

/// 优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grade {
    You,
    Liang,
    Zhong,
    Cha,
}

impl Grade {
    /// The grade as written in the forms: 优 良 中 差.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::You => "优",
            Grade::Liang => "良",
            Grade::Zhong => "中",
            Grade::Cha => "差",
        }
    }
}

/// The grade of a total score: 优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60.
pub fn grade(total: Decimal) -> Grade {
    if total >= Decimal::from(90) {
        Grade::You
    } else if total >= Decimal::from(80) {
        Grade::Liang
    } else if total >= Decimal::from(60) {
        Grade::Zhong
    } else {
        Grade::Cha
    }
}

/// 预算执行率得分: 10 × min(executed / total, 1), exact; `None` when total ≤ 0.
/// A negative `executed` scores 0. 29.5896 of 150 → 1.97264.
pub fn execution_score(executed: Decimal, total: Decimal) -> Option<Decimal> {
    if total <= Decimal::ZERO {
        return None;
    }
    let ten = Decimal::TEN;
    if executed >= total {
        return Some(ten);
    }
    if executed <= Decimal::ZERO {
        return Some(Decimal::ZERO);
    }
    // (10 × executed) / total: one division, so at most one inexact step.
    Some(ten.checked_mul(executed)?.checked_div(total)?.normalize())
}

/// The score band a qualitative actual falls in, as fractions of the weight:
/// `lo ≤ score/w < hi`, or `≤ hi` when `hi_inclusive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    pub lo: Decimal,
    pub hi: Decimal,
    pub hi_inclusive: bool,
}

impl Band {
    /// 达成: [0.8w, w].
    pub const ACHIEVED: Band = Band {
        lo: Decimal::from_parts(8, 0, 0, false, 1),
        hi: Decimal::ONE,
        hi_inclusive: true,
    };
    /// 部分达成: [0.6w, 0.8w).
    pub const PARTIAL: Band = Band {
        lo: Decimal::from_parts(6, 0, 0, false, 1),
        hi: Decimal::from_parts(8, 0, 0, false, 1),
        hi_inclusive: false,
    };
    /// 未达成: [0, 0.6w).
    pub const MISSED: Band = Band {
        lo: Decimal::ZERO,
        hi: Decimal::from_parts(6, 0, 0, false, 1),
        hi_inclusive: false,
    };

    /// Whether this is the top band (the target counts as met).
    pub fn is_top(self) -> bool {
        self == Band::ACHIEVED
    }

    /// Whether `score` lies in this band for weight `w`.
    pub fn contains(self, score: Decimal, weight: Decimal) -> Option<bool> {
        let lo = self.lo.checked_mul(weight)?;
        let hi = self.hi.checked_mul(weight)?;
        let below_hi = if self.hi_inclusive {
            score <= hi
        } else {
            score < hi
        };
        Some(score >= lo && below_hi)
    }

    /// The score for weight `w`: `reported` when it lies in the band, else the
    /// band's lower bound.
    pub fn score(self, weight: Decimal, reported: Option<Decimal>) -> Option<Decimal> {
        if let Some(r) = reported
            && self.contains(r, weight)?
        {
            return Some(r);
        }
        Some(self.lo.checked_mul(weight)?.normalize())
    }
}

/// Wording of the three bands (10号 and the forms' usual variants).
const ACHIEVED_WORDS: &[&str] = &[
    "达成年度指标",
    "已达成年度指标",
    "达成预期指标",
    "已达成",
    "达成",
    "已达到",
    "达到",
    "全部完成",
    "按时完成",
    "已完成",
    "完成",
    "显著提升",
    "明显提升",
    "明显改善",
    "显著",
    "明显",
    "有效",
    "良好",
    "满意",
    "合格",
    "达标",
    "是",
];
const PARTIAL_WORDS: &[&str] = &[
    "部分达成年度指标并具有一定效果",
    "基本达成",
    "部分达成",
    "基本达到",
    "部分达到",
    "基本完成",
    "部分完成",
    "较好",
    "一般",
];
const MISSED_WORDS: &[&str] = &[
    "未达成年度指标且效果较差",
    "未达成",
    "未达到",
    "未完成",
    "否",
    "差",
];

/// The band of a qualitative actual (`达到` → [0.8, 1], `基本达到` → [0.6, 0.8),
/// `未达到` → [0, 0.6)); `None` for other wording. The wording may be followed
/// by a note after punctuation or a space: `基本达到（资金未到位）`.
pub fn qualitative_band(actual_text: &str) -> Option<Band> {
    let text = actual_text.trim();
    let is = |word: &&str| match text.strip_prefix(*word) {
        Some(rest) => rest.chars().next().is_none_or(is_note_start),
        None => false,
    };
    // Missed first: 未达到 must not be read as 达到 (it is not a prefix, but
    // keep the strictest reading first anyway).
    if MISSED_WORDS.iter().any(is) {
        Some(Band::MISSED)
    } else if PARTIAL_WORDS.iter().any(is) {
        Some(Band::PARTIAL)
    } else if ACHIEVED_WORDS.iter().any(is) {
        Some(Band::ACHIEVED)
    } else {
        None
    }
}

/// A char that ends the band wording and starts a note.
fn is_note_start(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation() || "，。；：、（【“‘！".contains(c)
}

/// What a target and an actual compare as, after unit normalisation.
enum Shape {
    /// A number or percentage target with its (possibly defaulted) comparator.
    Point { cmp: Cmp, a: Decimal, b: Decimal },
    /// A range target.
    Range {
        low: Decimal,
        high: Decimal,
        b: Decimal,
    },
    /// A date target.
    Date { cmp: Cmp, a: Date, b: Date },
}

/// Numbers of a target and an actual in a common unit: the same unit (a
/// missing unit takes the other's), or money units converted to 万元.
fn common_units(
    a: Decimal,
    ua: Option<&str>,
    b: Decimal,
    ub: Option<&str>,
) -> Option<(Decimal, Decimal)> {
    match (ua, ub) {
        (Some(x), Some(y)) if x.trim() != y.trim() => Some((to_wan(a, x)?, to_wan(b, y)?)),
        _ => Some((a, b)),
    }
}

/// Compare two quantitative values; `None` when they cannot be compared
/// (wording, a percentage against a plain number, units that do not convert,
/// a date against a number, a range as the actual).
fn shape(target: &IndValue, actual: &IndValue, is_cost: bool) -> Option<Shape> {
    let (ut, ua) = (target.unit.as_deref(), actual.unit.as_deref());
    let default = if is_cost { Cmp::Le } else { Cmp::Ge };
    match (&target.quantity, &actual.quantity) {
        (Quantity::Date(a), Quantity::Date(b)) => Some(Shape::Date {
            cmp: target.cmp.unwrap_or(Cmp::Le),
            a: *a,
            b: *b,
        }),
        (Quantity::Percent(a), Quantity::Percent(b)) => Some(Shape::Point {
            cmp: target.cmp.unwrap_or(default),
            a: *a,
            b: *b,
        }),
        (Quantity::Number(a), Quantity::Number(b)) => {
            let (a, b) = common_units(*a, ut, *b, ua)?;
            Some(Shape::Point {
                cmp: target.cmp.unwrap_or(default),
                a,
                b,
            })
        }
        (Quantity::Range { low, high }, Quantity::Percent(b)) if target.is_percent() => {
            Some(Shape::Range {
                low: *low,
                high: *high,
                b: *b,
            })
        }
        (Quantity::Range { low, high }, Quantity::Number(b)) if !target.is_percent() => {
            let (low, b) = common_units(*low, ut, *b, ua)?;
            let (high, _) = common_units(*high, ut, Decimal::ZERO, ua)?;
            Some(Shape::Range { low, high, b })
        }
        _ => None,
    }
}

/// w if B ≥ A, else w × max(B, 0) / A (0 when A ≤ 0 and B < A).
fn at_least(w: Decimal, a: Decimal, b: Decimal) -> Option<Decimal> {
    if b >= a {
        Some(w)
    } else if a <= Decimal::ZERO {
        Some(Decimal::ZERO)
    } else {
        w.checked_mul(b.max(Decimal::ZERO))?.checked_div(a)
    }
}

/// w if B ≤ A; w × (1 − (B − A)/A) = w × (2A − B)/A if A < B < 2A; 0 beyond
/// (and 0 for any B > A when A ≤ 0).
fn at_most(w: Decimal, a: Decimal, b: Decimal) -> Option<Decimal> {
    if b <= a {
        return Some(w);
    }
    let twice = a.checked_mul(Decimal::TWO)?;
    if a <= Decimal::ZERO || b >= twice {
        return Some(Decimal::ZERO);
    }
    w.checked_mul(twice.checked_sub(b)?)?.checked_div(a)
}

/// The score of one indicator by the formula, exact (no rounding); `None` when undefined.
///
/// `is_cost` marks an indicator under 成本 (a number with no comparator is then
/// a ceiling). `reported` is the score the form reports; it matters only for
/// qualitative actuals, where it is kept when it lies in the wording's band.
/// A qualitative target with a quantitative actual, an `=` target below 0, and
/// units that cannot be compared are undefined.
pub fn indicator_score(
    target: &IndValue,
    actual: &IndValue,
    weight: Decimal,
    is_cost: bool,
    reported: Option<Decimal>,
) -> Option<Decimal> {
    if actual.quantity == Quantity::Qualitative {
        return qualitative_band(&actual.text)?.score(weight, reported);
    }
    let w = weight;
    let score = match shape(target, actual, is_cost)? {
        Shape::Date { cmp, a, b } => {
            if cmp.holds(&b, &a) {
                w
            } else {
                Decimal::ZERO
            }
        }
        Shape::Point { cmp, a, b } => match cmp {
            Cmp::Ge | Cmp::Gt => at_least(w, a, b)?,
            Cmp::Le | Cmp::Lt => at_most(w, a, b)?,
            Cmp::Eq if a > Decimal::ZERO => at_least(w, a, b)?,
            Cmp::Eq if a.is_zero() => {
                if b <= Decimal::ZERO {
                    w
                } else {
                    Decimal::ZERO
                }
            }
            Cmp::Eq => return None,
        },
        Shape::Range { low, high, b } => {
            if b < low {
                at_least(w, low, b)?
            } else if b > high {
                at_most(w, high, b)?
            } else {
                w
            }
        }
    };
    Some(score.normalize())
}

/// Whether `actual` satisfies `target`; `None` when they cannot be compared.
///
/// Comparators are read strictly (`> 5` is not met by 5, though the 10号
/// formula gives it full marks); `=` with A > 0 is met from A up, as scored.
/// A qualitative actual meets its target when its wording is in the top band
/// (达到, 已完成 …); unknown wording is `None`.
pub fn met(target: &IndValue, actual: &IndValue, is_cost: bool) -> Option<bool> {
    if actual.quantity == Quantity::Qualitative {
        return qualitative_band(&actual.text).map(Band::is_top);
    }
    Some(match shape(target, actual, is_cost)? {
        Shape::Date { cmp, a, b } => cmp.holds(&b, &a),
        Shape::Point { cmp: Cmp::Eq, a, b } if a > Decimal::ZERO => b >= a,
        Shape::Point { cmp: Cmp::Eq, a, b } if a.is_zero() => b <= Decimal::ZERO,
        Shape::Point { cmp, a, b } => cmp.holds(&b, &a),
        Shape::Range { low, high, b } => low <= b && b <= high,
    })
}

/// Over-achievement B / A of a ≥, > or = numeric or percentage target (or one
/// with no comparator outside 成本), units normalised; JX405 compares it with
/// 1.2. `None` for ≤ and < targets, cost targets with no comparator, dates,
/// ranges, wording, A ≤ 0, or values that cannot be compared.
pub fn overshoot_ratio(target: &IndValue, actual: &IndValue, is_cost: bool) -> Option<Decimal> {
    match shape(target, actual, is_cost)? {
        Shape::Point {
            cmp: Cmp::Ge | Cmp::Gt | Cmp::Eq,
            a,
            b,
        } if a > Decimal::ZERO => Some(b.checked_div(a)?.normalize()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// Score of `actual` against `target` with the given weight, not cost, nothing reported.
    fn s(target: &str, actual: &str, w: &str) -> Option<Decimal> {
        score(target, actual, w, false)
    }

    fn score(target: &str, actual: &str, w: &str, is_cost: bool) -> Option<Decimal> {
        let (t, a) = (parse(target).unwrap(), parse(actual).unwrap());
        indicator_score(&t, &a, d(w), is_cost, None)
    }

    #[test]
    fn execution_score_is_exact() {
        assert_eq!(execution_score(d("29.5896"), d("150")), Some(d("1.97264")));
        assert_eq!(execution_score(d("150"), d("150")), Some(d("10")));
        assert_eq!(execution_score(d("160"), d("150")), Some(d("10")));
        assert_eq!(execution_score(d("0"), d("150")), Some(d("0")));
        assert_eq!(execution_score(d("-1"), d("150")), Some(d("0")));
        assert_eq!(execution_score(d("1"), d("0")), None);
        assert_eq!(execution_score(d("1"), d("-5")), None);
        assert_eq!(
            execution_score(d("260.15"), d("749.78")).map(|x| x.round_dp(2)),
            Some(d("3.47"))
        );
        assert_eq!(execution_score(Decimal::MAX, Decimal::MAX), Some(d("10")));
        assert!(execution_score(d("1"), Decimal::MAX).is_some());
    }

    #[test]
    fn at_least_targets() {
        assert_eq!(s("≥ 5000 人次", "5230 人次", "15"), Some(d("15")));
        assert_eq!(s("≥ 5000 人次", "5000 人次", "15"), Some(d("15"))); // B = A
        assert_eq!(s("≥ 5000 人次", "4000 人次", "15"), Some(d("12")));
        assert_eq!(s("> 5000 人次", "4000 人次", "15"), Some(d("12")));
        assert_eq!(s("> 5000", "5000", "15"), Some(d("15")));
        assert_eq!(s("不低于95%", "97%", "10"), Some(d("10")));
        assert_eq!(s("≥ 90%", "72%", "10"), Some(d("8")));
        assert_eq!(s("≥ 90%", "-5%", "10"), Some(d("0"))); // negative B counts as 0
        assert_eq!(s("≥ 10", "-3", "10"), Some(d("0")));
        assert_eq!(s("≥ 3", "1", "10").map(|x| x.round_dp(2)), Some(d("3.33")));
        // no comparator means ≥ (outside 成本)
        assert_eq!(s("5000 人次", "2500 人次", "10"), Some(d("5")));
        assert_eq!(s("5000 人次", "2500", "10"), Some(d("5"))); // missing unit takes the other's
        assert_eq!(s("≥ 0", "-1", "10"), Some(d("0")));
        assert_eq!(s("≥ 0", "0", "10"), Some(d("10")));
    }

    #[test]
    fn equal_targets() {
        assert_eq!(s("= 100%", "100%", "10"), Some(d("10")));
        assert_eq!(s("= 100%", "105%", "10"), Some(d("10"))); // as ≥ when A > 0
        assert_eq!(s("= 100%", "80%", "10"), Some(d("8")));
        assert_eq!(s("等于 0 起", "0 起", "10"), Some(d("10"))); // A = 0, B ≤ 0
        assert_eq!(s("= 0", "-1", "10"), Some(d("10")));
        assert_eq!(s("= 0 起", "1 起", "10"), Some(d("0"))); // A = 0, B > 0
        assert_eq!(s("= -5", "-5", "10"), None);
    }

    #[test]
    fn at_most_targets() {
        assert_eq!(s("≤ 150 万元", "29.5896 万元", "15"), Some(d("15")));
        assert_eq!(s("≤ 100", "100", "10"), Some(d("10"))); // B = A
        assert_eq!(s("≤ 100", "120", "10"), Some(d("8"))); // 10 × (1 − 20/100)
        assert_eq!(s("< 100", "150", "10"), Some(d("5")));
        assert_eq!(s("≤ 100", "199.99", "10"), Some(d("0.001")));
        assert_eq!(s("≤ 100", "200", "10"), Some(d("0"))); // B = 2A
        assert_eq!(s("≤ 100", "300", "10"), Some(d("0")));
        assert_eq!(s("≤ 0 起", "0 起", "10"), Some(d("10")));
        assert_eq!(s("≤ 0 起", "1 起", "10"), Some(d("0")));
        assert_eq!(s("30天以内", "45 天", "10"), Some(d("5")));
        // no comparator under 成本 means ≤
        assert_eq!(score("100 万元", "120 万元", "10", true), Some(d("8")));
        assert_eq!(score("100 万元", "120 万元", "10", false), Some(d("10")));
    }

    #[test]
    fn units_are_normalised_or_incomparable() {
        assert_eq!(s("≤ 150 万元", "1,200,000 元", "10"), Some(d("10")));
        assert_eq!(s("≤ 100 万元", "1,200,000 元", "10"), Some(d("8")));
        assert_eq!(s("≥ 1000000 元", "50 万元", "10"), Some(d("5")));
        assert_eq!(s("≤ 150 万元", "100", "10"), Some(d("10")));
        assert_eq!(s("≥ 5000 人次", "5230 人", "10"), None);
        assert_eq!(s("≥ 90%", "93", "10"), None); // percent vs plain number
        assert_eq!(s("≥ 90", "93%", "10"), None);
        assert_eq!(s("≤ 2022-06-30", "30 天", "10"), None);
        assert_eq!(s("明显提升", "20%", "10"), None); // qualitative target, number actual
        assert_eq!(s("≥ 5000", "5000-6000", "10"), None); // a range as the actual
    }

    #[test]
    fn dates() {
        assert_eq!(s("≤ 2022-06-30", "2022-06-20", "10"), Some(d("10")));
        assert_eq!(s("≤ 2022-06-30", "2022-06-30", "10"), Some(d("10")));
        assert_eq!(s("≤ 2022-06-30", "2022-07-01", "10"), Some(d("0")));
        assert_eq!(s("2022年6月30日", "2022年7月1日", "10"), Some(d("0"))); // a deadline
        assert_eq!(
            score("2022年6月30日", "2022-06-01", "10", true),
            Some(d("10"))
        );
        assert_eq!(s("< 2022-06-30", "2022-06-30", "10"), Some(d("0")));
        assert_eq!(s("≥ 2022-06-30", "2022-07-01", "10"), Some(d("10")));
    }

    #[test]
    fn ranges() {
        assert_eq!(s("5000-6000 人次", "5500 人次", "10"), Some(d("10")));
        assert_eq!(s("5000-6000 人次", "5000", "10"), Some(d("10")));
        assert_eq!(s("5000-6000 人次", "6000", "10"), Some(d("10")));
        assert_eq!(s("5000-6000 人次", "4000 人次", "10"), Some(d("8"))); // below: w × B / low
        assert_eq!(s("5000-6000 人次", "-1", "10"), Some(d("0")));
        assert_eq!(s("5000-6000 人次", "9000 人次", "10"), Some(d("5"))); // above: ≤ vs high
        assert_eq!(s("5000-6000 人次", "12000", "10"), Some(d("0")));
        assert_eq!(s("90%-95%", "93%", "10"), Some(d("10")));
        assert_eq!(s("90%-95%", "72%", "10"), Some(d("8")));
        assert_eq!(s("90%-95%", "93", "10"), None);
        assert_eq!(s("100-200 万元", "1,500,000 元", "10"), Some(d("10")));
    }

    #[test]
    fn qualitative_bands() {
        let q = |actual: &str, w: &str, reported: Option<&str>| {
            let (t, a) = (parse("明显提升").unwrap(), parse(actual).unwrap());
            indicator_score(&t, &a, d(w), false, reported.map(d))
        };
        assert_eq!(q("达到", "30", None), Some(d("24")));
        assert_eq!(q("达成年度指标", "30", Some("30")), Some(d("30")));
        assert_eq!(q("已完成", "30", Some("25")), Some(d("25")));
        assert_eq!(q("已达成年度指标。", "30", None), Some(d("24")));
        assert_eq!(q("达到", "30", Some("20")), Some(d("24"))); // outside its band
        assert_eq!(q("基本达到", "30", None), Some(d("18")));
        assert_eq!(q("基本达到", "30", Some("20")), Some(d("20")));
        assert_eq!(q("基本达到", "30", Some("24")), Some(d("18"))); // 0.8w is not in [0.6w, 0.8w)
        assert_eq!(
            q("部分达成年度指标并具有一定效果", "30", Some("18")),
            Some(d("18"))
        );
        assert_eq!(q("基本达到（资金未到位）", "30", None), Some(d("18")));
        assert_eq!(q("未达到", "30", None), Some(d("0")));
        assert_eq!(
            q("未达成年度指标且效果较差", "30", Some("17.99")),
            Some(d("17.99"))
        );
        assert_eq!(q("未完成", "30", Some("18")), Some(d("0")));
        assert_eq!(q("明显提升", "30", None), Some(d("24"))); // full attainment (SPEC §1.1)
        assert_eq!(q("有所扩大", "30", None), None); // unknown wording
        assert_eq!(q("达到预期", "30", None), None);
        // a quantitative target with a qualitative actual uses the band too
        let (t, a) = (parse("≥ 95%").unwrap(), parse("基本完成").unwrap());
        assert_eq!(indicator_score(&t, &a, d("10"), false, None), Some(d("6")));

        assert_eq!(qualitative_band("达到"), Some(Band::ACHIEVED));
        assert_eq!(qualitative_band(" 部分达到 "), Some(Band::PARTIAL));
        assert_eq!(qualitative_band("未达到"), Some(Band::MISSED));
        assert_eq!(qualitative_band("较好"), Some(Band::PARTIAL));
        assert_eq!(qualitative_band("有效"), Some(Band::ACHIEVED));
        assert_eq!(qualitative_band("满意度"), None);
        assert_eq!(qualitative_band("否"), Some(Band::MISSED));
        assert!(Band::ACHIEVED.is_top() && !Band::PARTIAL.is_top());
        assert_eq!(Band::PARTIAL.contains(d("18"), d("30")), Some(true));
        assert_eq!(Band::PARTIAL.contains(d("24"), d("30")), Some(false));
        assert_eq!(Band::ACHIEVED.contains(d("30"), d("30")), Some(true));
    }

    #[test]
    fn met_and_overshoot() {
        let m = |t: &str, a: &str, cost: bool| met(&parse(t).unwrap(), &parse(a).unwrap(), cost);
        assert_eq!(m("≥ 5000 人次", "5230 人次", false), Some(true));
        assert_eq!(m("≥ 5000 人次", "4999 人次", false), Some(false));
        assert_eq!(m("> 5000", "5000", false), Some(false));
        assert_eq!(m("≤ 150 万元", "29.5896 万元", false), Some(true));
        assert_eq!(m("150 万元", "160 万元", true), Some(false));
        assert_eq!(m("150 万元", "160 万元", false), Some(true));
        assert_eq!(m("= 100%", "100%", false), Some(true));
        assert_eq!(m("= 0 起", "1 起", false), Some(false));
        assert_eq!(m("≤ 2022-06-30", "2022-06-20", false), Some(true));
        assert_eq!(m("2022-06-30", "2022-07-01", false), Some(false));
        assert_eq!(m("5000-6000", "6001", false), Some(false));
        assert_eq!(m("明显提升", "达到", false), Some(true));
        assert_eq!(m("明显提升", "基本达到", false), Some(false));
        assert_eq!(m("明显提升", "较好", false), Some(false));
        assert_eq!(m("明显提升", "有所扩大", false), None);
        assert_eq!(m("≥ 90%", "93", false), None);

        let o = |t: &str, a: &str, cost: bool| {
            overshoot_ratio(&parse(t).unwrap(), &parse(a).unwrap(), cost)
        };
        assert_eq!(o("≥ 5000 人次", "6000 人次", false), Some(d("1.2")));
        assert_eq!(o("> 50%", "65%", false), Some(d("1.3")));
        assert_eq!(o("= 100", "120", false), Some(d("1.2")));
        assert_eq!(o("100 万元", "1,300,000 元", false), Some(d("1.3")));
        assert_eq!(o("100 万元", "130 万元", true), None); // cost: no comparator means ≤
        assert_eq!(o("≤ 100", "50", false), None);
        assert_eq!(o("< 100", "50", false), None);
        assert_eq!(o("≤ 2022-06-30", "2022-06-20", false), None);
        assert_eq!(o("明显提升", "达到", false), None);
        assert_eq!(o("≥ 0", "5", false), None);
        assert_eq!(o("5000-6000", "7000", false), None);
        assert_eq!(o("≥ 90%", "93", false), None);
    }

    #[test]
    fn grades_at_their_boundaries() {
        assert_eq!(grade(d("100")), Grade::You);
        assert_eq!(grade(d("90")), Grade::You);
        assert_eq!(grade(d("89.99")), Grade::Liang);
        assert_eq!(grade(d("80")), Grade::Liang);
        assert_eq!(grade(d("79.999")), Grade::Zhong);
        assert_eq!(grade(d("60")), Grade::Zhong);
        assert_eq!(grade(d("59.99")), Grade::Cha);
        assert_eq!(grade(d("0")), Grade::Cha);
        assert_eq!(grade(d("90")).as_str(), "优");
    }

    #[test]
    fn extreme_numbers_do_not_panic() {
        let big = "79228162514264337593543950335";
        for (t, a) in [
            (
                format!("≥ {big}"),
                "0.0000000000000000000000000001".to_owned(),
            ),
            (
                "≥ 0.0000000000000000000000000001".to_owned(),
                big.to_owned(),
            ),
            (format!("≤ {big}"), format!("-{big}")),
            (
                "≤ 0.0000000000000000000000000001".to_owned(),
                big.to_owned(),
            ),
            (format!("≤ {big} 亿元"), "1 元".to_owned()),
            (format!("1-{big}"), "0.5".to_owned()),
        ] {
            let (t, a) = (parse(&t).unwrap(), parse(&a).unwrap());
            for w in [Decimal::MAX, Decimal::MIN, Decimal::ZERO, d("15")] {
                let _ = indicator_score(&t, &a, w, false, Some(Decimal::MAX));
                let _ = indicator_score(&t, &a, w, true, None);
            }
            let _ = met(&t, &a, false);
            let _ = overshoot_ratio(&t, &a, false);
        }
    }
}
