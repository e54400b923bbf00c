//! Self-evaluation scoring (财预〔2020〕10号, DOMAIN.md): indicator scores,
//! the budget-execution score, grades. Shared by the rule language
//! (`score`, `grade`, `met`) and the review pack.
//!
//! STUB: the formulas are being written; this file fixes the public API only.

use crate::value::IndValue;
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
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::You => "优",
            Grade::Liang => "良",
            Grade::Zhong => "中",
            Grade::Cha => "差",
        }
    }
}

pub fn grade(total: Decimal) -> Grade {
    let _ = total;
    Grade::Cha
}

/// 预算执行率得分: 10 × min(executed / total, 1), exact; `None` when total is 0.
pub fn execution_score(executed: Decimal, total: Decimal) -> Option<Decimal> {
    let _ = (executed, total);
    None
}

/// The score of one indicator by the formula, exact (no rounding); `None` when undefined.
pub fn indicator_score(
    target: &IndValue,
    actual: &IndValue,
    weight: Decimal,
    is_cost: bool,
    reported: Option<Decimal>,
) -> Option<Decimal> {
    let _ = (target, actual, weight, is_cost, reported);
    None
}

/// Whether `actual` satisfies `target`; `None` when they cannot be compared.
pub fn met(target: &IndValue, actual: &IndValue, is_cost: bool) -> Option<bool> {
    let _ = (target, actual, is_cost);
    None
}
