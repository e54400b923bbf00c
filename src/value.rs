//! Indicator values (`target`, `actual`): an optional comparator, a number,
//! percentage, date or range, and an optional unit; anything else is
//! qualitative wording. The grammar is `grammar/value.pest`.
//!
//! STUB: the parser is being written; this file fixes the public API only.

use rust_decimal::Decimal;

/// A comparator, written as a symbol (`≥`) or a Chinese phrase (`不低于`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

impl Cmp {
    /// The canonical symbol: `≥ > ≤ < =`.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Ge => "≥",
            Cmp::Gt => ">",
            Cmp::Le => "≤",
            Cmp::Lt => "<",
            Cmp::Eq => "=",
        }
    }
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// What a value measures.
#[derive(Clone, Debug, PartialEq)]
pub enum Quantity {
    /// A plain number (`5000`, `29.5896`), scale as written.
    Number(Decimal),
    /// A percentage as a fraction: `95%` is 0.95, `34.7%` is 0.347 (scale kept).
    Percent(Decimal),
    Date(Date),
    /// `5000-6000`, `5000~6000`, `90%-95%` (percent bounds as fractions, unit `%`).
    Range { low: Decimal, high: Decimal },
    /// Graded or descriptive wording: `明显提升`, `达到`, `基本达到`.
    Qualitative,
}

/// A parsed `target` or `actual`.
#[derive(Clone, Debug, PartialEq)]
pub struct IndValue {
    /// The text as written, trimmed.
    pub text: Box<str>,
    /// The comparator written, if any.
    pub cmp: Option<Cmp>,
    pub quantity: Quantity,
    /// `%` for percentages; otherwise the rest of the text (`人次`, `万元`); `None` if absent.
    pub unit: Option<Box<str>>,
}

/// A value that looks quantitative but does not parse (JX007).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    /// Byte range of the fault within the text given to [`parse`].
    pub offset: usize,
    pub len: usize,
    /// What was expected there, in Chinese and English.
    pub expected_zh: String,
    pub expected_en: String,
}

/// Parse a value; qualitative wording is `Ok` with [`Quantity::Qualitative`].
pub fn parse(text: &str) -> Result<IndValue, ValueError> {
    Ok(IndValue {
        text: text.trim().into(),
        cmp: None,
        quantity: Quantity::Qualitative,
        unit: None,
    })
}

impl IndValue {
    pub fn is_quantitative(&self) -> bool {
        !matches!(self.quantity, Quantity::Qualitative)
    }
}
