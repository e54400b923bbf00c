//! Indicator values (`target`, `actual`): an optional comparator, a number,
//! percentage, date or range, and an optional unit; anything else is
//! qualitative wording. The grammar is `grammar/value.pest` and is the
//! definition; this module trims and normalises the text, walks the parse tree
//! into an [`IndValue`], builds exact decimals from the digits written (never
//! through `f64`), validates dates, and reports malformed values (JX007) with a
//! byte span into the text it was given.

use std::borrow::Cow;
use std::fmt;

use pest::Parser;
use pest::iterators::Pair;
use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

mod grammar {
    //! The pest parser, kept private so its `Rule` enum is not public API.
    #[derive(pest_derive::Parser)]
    #[grammar = "grammar/value.pest"]
    pub struct ValueGrammar;
}
use grammar::{Rule, ValueGrammar};

/// A comparator, written as a symbol (`≥`) or a Chinese phrase (`不低于`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    /// `≥ >= ≧`, 不低于 不少于 不小于 至少 大于等于 达到, suffix 以上.
    Ge,
    /// `>`, 大于 高于 超过.
    Gt,
    /// `≤ <= ≦`, 不高于 不超过 不大于 最多 小于等于, suffixes 以下 以内 内 前.
    Le,
    /// `<`, 小于 低于.
    Lt,
    /// `= ＝`, 等于.
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

    /// Whether `actual` satisfies `actual <cmp> target`.
    pub fn holds<T: PartialOrd>(self, actual: &T, target: &T) -> bool {
        match self {
            Cmp::Ge => actual >= target,
            Cmp::Gt => actual > target,
            Cmp::Le => actual <= target,
            Cmp::Lt => actual < target,
            Cmp::Eq => actual == target,
        }
    }
}

impl fmt::Display for Cmp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A valid Gregorian date, or `None` (`2022-02-30`, month 13, year 0).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let last = Date::days_in_month(year, month)?;
        (1..=last)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The number of days in a month of a year (1–9999), `None` for a bad month or year.
    pub fn days_in_month(year: i32, month: u8) -> Option<u8> {
        if !(1..=9999).contains(&year) {
            return None;
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
            4 | 6 | 9 | 11 => Some(30),
            2 if leap => Some(29),
            2 => Some(28),
            _ => None,
        }
    }
}

impl fmt::Display for Date {
    /// ISO form: `2022-06-30`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// What a value measures.
#[derive(Clone, Debug, PartialEq)]
pub enum Quantity {
    /// A plain number (`5000`, `29.5896`), scale as written.
    Number(Decimal),
    /// A percentage as a fraction: `95%` is 0.95, `34.7%` is 0.347 (scale kept).
    Percent(Decimal),
    /// A date; `2022年6月` and `2022年6月底` are the last day of the month,
    /// `2022年底` is 31 December.
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
    /// The comparator written, if any (prefix `≥`/`不低于` or suffix `以上`/`以内`/`前`).
    pub cmp: Option<Cmp>,
    pub quantity: Quantity,
    /// `%` for percentages; otherwise the rest of the text (`人次`, `万元`),
    /// full-width forms normalised; `None` if absent. Dates have no unit.
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

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed indicator value at byte {}: expected {}",
            self.offset, self.expected_en
        )
    }
}

impl std::error::Error for ValueError {}

/// Parse a value; qualitative wording is `Ok` with [`Quantity::Qualitative`].
///
/// Leading and trailing whitespace is ignored; error offsets are still bytes
/// into `text` as given. The common shapes (`≥ 5000 人次`, `不低于95%`,
/// `≤ 2022-06-30`, wording without digits) are recognised by a hand-written
/// fast path ([`fast`]) that answers exactly as the grammar would; everything
/// else, including every malformed value, goes through the grammar.
pub fn parse(text: &str) -> Result<IndValue, ValueError> {
    parse_with(text, true)
}

/// [`parse`] through the grammar alone, without the fast path: the reference
/// the fast path is tested against, and the baseline of the value benchmark.
#[doc(hidden)]
pub fn parse_by_grammar(text: &str) -> Result<IndValue, ValueError> {
    parse_with(text, false)
}

/// Whether the fast path answers for `text` (for coverage tests and benches).
#[doc(hidden)]
pub fn fast_path_answers(text: &str) -> bool {
    fast::recognise(&Prepared::new(text.trim()).text).is_some()
}

fn parse_with(text: &str, use_fast: bool) -> Result<IndValue, ValueError> {
    let trimmed = text.trim();
    let base = text.len() - text.trim_start().len();
    let prep = Prepared::new(trimmed);
    let src: &str = &prep.text;
    if let Some(date) = published::period(src) {
        return Ok(IndValue {
            text: trimmed.into(),
            cmp: None,
            quantity: Quantity::Date(date),
            unit: None,
        });
    }
    // A proportion `1:1`, `3:7` (配套比例) has no unit and no comparator of its
    // own: it is a standard to meet, read as wording rather than a bad number.
    if is_ratio(src) {
        return Ok(IndValue {
            text: trimmed.into(),
            cmp: None,
            quantity: Quantity::Qualitative,
            unit: None,
        });
    }
    if let Some(v) = per_unit_lead(trimmed, use_fast) {
        return Ok(v);
    }
    let quick = if use_fast { fast::recognise(src) } else { None };
    let built = match quick {
        Some(b) => Ok(b),
        None => by_grammar(src),
    };
    match built {
        Ok(b) => Ok(percent_word(IndValue {
            text: trimmed.into(),
            cmp: b.cmp,
            quantity: b.quantity,
            unit: b.unit.map(Into::into),
        })),
        Err(f) => {
            let (start, end) = prep.to_original(f.start, f.end);
            let (zh, en) = f.kind.expected();
            Err(ValueError {
                offset: base + start,
                len: end - start,
                expected_zh: zh,
                expected_en: en,
            })
        }
    }
}

/// Parse prepared text with the pest grammar and walk the tree.
fn by_grammar(src: &str) -> Result<Built<'_>, Fault> {
    ValueGrammar::parse(Rule::value, src)
        .map_err(|e| {
            let at = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            Fault::new(FaultKind::Syntax, at, at)
        })
        .and_then(|mut pairs| match pairs.next() {
            Some(value) => interpret(value),
            None => Err(Fault::new(FaultKind::Syntax, 0, 0)),
        })
}

impl IndValue {
    /// Whether the value is a number, percentage, date or range (not wording).
    pub fn is_quantitative(&self) -> bool {
        !matches!(self.quantity, Quantity::Qualitative)
    }

    /// The number of a [`Quantity::Number`] or [`Quantity::Percent`] (as a
    /// fraction); `None` for ranges, dates and wording.
    pub fn number(&self) -> Option<Decimal> {
        match self.quantity {
            Quantity::Number(d) | Quantity::Percent(d) => Some(d),
            _ => None,
        }
    }

    /// The date of a [`Quantity::Date`].
    pub fn date(&self) -> Option<Date> {
        match self.quantity {
            Quantity::Date(d) => Some(d),
            _ => None,
        }
    }

    /// Whether the value is a percentage or a range of percentages.
    pub fn is_percent(&self) -> bool {
        match self.quantity {
            Quantity::Percent(_) => true,
            Quantity::Range { .. } => self.unit.as_deref() == Some("%"),
            _ => false,
        }
    }

    /// A money amount in 万元: unit 万元 as is, 元 ÷ 10000 (also 千元, 百万元,
    /// 亿元); `None` for other units, no unit, or anything but a plain number.
    pub fn in_wan(&self) -> Option<Decimal> {
        match self.quantity {
            Quantity::Number(d) => to_wan(d, self.unit.as_deref()?),
            _ => None,
        }
    }

    /// Whether two values say the same: same comparator (`≥`, `>=` and `不低于`
    /// are one), same quantity by value (`5000` and `5000.0` are equal) and the
    /// same unit after normalising money units (`150 万元` = `1500000 元`).
    /// Qualitative values are the same when their wording is.
    pub fn same_as(&self, other: &IndValue) -> bool {
        if self.cmp != other.cmp {
            return false;
        }
        let (ua, ub) = (self.unit.as_deref(), other.unit.as_deref());
        match (&self.quantity, &other.quantity) {
            (Quantity::Qualitative, Quantity::Qualitative) => self.text == other.text,
            (Quantity::Date(a), Quantity::Date(b)) => a == b,
            (Quantity::Percent(a), Quantity::Percent(b)) => a == b,
            (Quantity::Number(a), Quantity::Number(b)) => same_amount(*a, ua, *b, ub),
            (Quantity::Range { low: al, high: ah }, Quantity::Range { low: bl, high: bh }) => {
                same_amount(*al, ua, *bl, ub) && same_amount(*ah, ua, *bh, ub)
            }
            _ => false,
        }
    }
}

impl fmt::Display for IndValue {
    /// The text as written (trimmed).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A money amount in 万元, given its unit: 元 ÷ 10000, 千元 ÷ 10, 万元 as is,
/// 百万元 × 100, 亿元 × 10000. Exact; `None` for a non-money unit or overflow.
pub fn to_wan(amount: Decimal, unit: &str) -> Option<Decimal> {
    // Dividing by a power of ten is exact: shift the scale, keep the digits.
    fn shift(d: Decimal, places: u32) -> Option<Decimal> {
        let mut out = d;
        match out.set_scale(d.scale() + places) {
            Ok(()) => Some(out),
            Err(_) => d.checked_div(Decimal::from(10i64.pow(places))),
        }
    }
    match unit.trim() {
        "万元" => Some(amount),
        "元" => shift(amount, 4),
        "千元" => shift(amount, 1),
        "百万元" => amount.checked_mul(Decimal::from(100)),
        "亿元" => amount.checked_mul(Decimal::from(10_000)),
        _ => None,
    }
}

/// Equal amounts, units equal or both money units (compared in 万元).
fn same_amount(a: Decimal, ua: Option<&str>, b: Decimal, ub: Option<&str>) -> bool {
    if ua == ub {
        return a == b;
    }
    match (ua.and_then(|u| to_wan(a, u)), ub.and_then(|u| to_wan(b, u))) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

// ---- forms as published (SPEC §1.1) ------------------------------------------

/// Parse a value of a declaration whose year is `year`: as [`parse`], and
/// dates without a year (`6月30日前`, `9月前`, `年底`, `上半年`, `第三季度`)
/// are in that year.
pub fn parse_in(text: &str, year: Option<i32>) -> Result<IndValue, ValueError> {
    let trimmed = text.trim();
    let prep = Prepared::new(trimmed);
    match year.and_then(|y| published::yearless(&prep.text, y)) {
        Some((cmp, date)) => Ok(IndValue {
            text: trimmed.into(),
            cmp,
            quantity: Quantity::Date(date),
            unit: None,
        }),
        None => parse(text),
    }
}

/// Complete a value from the form's other cells: a comparator where none is
/// written, a unit where none is written (`%` makes a bare number a
/// percentage: `95` is 95 %). Dates and wording are left alone. Whether
/// anything changed.
pub fn complete(v: &mut IndValue, cmp: Option<Cmp>, unit: Option<&str>) -> bool {
    let mut changed = false;
    let is_range = matches!(v.quantity, Quantity::Range { .. });
    if !v.is_quantitative() || matches!(v.quantity, Quantity::Date(_)) {
        return false;
    }
    if v.cmp.is_none()
        && !is_range
        && let Some(c) = cmp
    {
        v.cmp = Some(c);
        changed = true;
    }
    let Some(unit) = unit.map(str::trim).filter(|u| !u.is_empty()) else {
        return changed;
    };
    if v.unit.is_some() {
        return changed;
    }
    let pct = |d: Decimal| {
        let mut p = d;
        p.set_scale(d.scale() + 2).ok().map(|()| p)
    };
    if unit == "%" {
        match v.quantity {
            Quantity::Number(d) => {
                if let Some(p) = pct(d) {
                    v.quantity = Quantity::Percent(p);
                } else {
                    return changed;
                }
            }
            Quantity::Range { low, high } => match (pct(low), pct(high)) {
                (Some(low), Some(high)) => v.quantity = Quantity::Range { low, high },
                _ => return changed,
            },
            _ => return changed,
        }
    }
    v.unit = Some(unit.into());
    true
}

/// `每亩300`, `每人500元`: a number per something, written before it. The
/// number keeps its own unit with `/亩` added (`元/亩`); with none it has none
/// (the money unit is missing: JX202).
/// `1:1`, `3:7`, `1:1:2` (the text is NFKC-normalised, so `１：１` too).
fn is_ratio(src: &str) -> bool {
    let mut parts = 0;
    for p in src.split(':') {
        let p = p.trim();
        let digits = p.bytes().filter(u8::is_ascii_digit).count();
        if digits == 0
            || !p.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            || p.starts_with('.')
            || p.ends_with('.')
        {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

fn per_unit_lead(trimmed: &str, use_fast: bool) -> Option<IndValue> {
    let rest = trimmed.strip_prefix('每')?;
    let n = rest
        .chars()
        .take_while(|c| matches!(c, '\u{4E00}'..='\u{9FFF}'))
        .count();
    if n == 0 || n > 3 {
        return None;
    }
    let (per, tail) = rest.split_at(rest.char_indices().nth(n)?.0);
    if !tail.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let v = parse_with(tail, use_fast).ok()?;
    let Quantity::Number(_) = v.quantity else {
        return None;
    };
    Some(IndValue {
        text: trimmed.into(),
        cmp: v.cmp,
        quantity: v.quantity,
        unit: v.unit.map(|u| format!("{u}/{per}").into()),
    })
}

/// A number written with the unit `百分比` is a percentage (`98 百分比`).
fn percent_word(mut v: IndValue) -> IndValue {
    if v.unit.as_deref().map(str::trim) == Some("百分比") {
        v.unit = None;
        complete(&mut v, None, Some("%"));
    }
    v
}

mod published {
    //! Dates as the published forms write them: without a year (`6月30日前`,
    //! `9月前`, `10月底`, `年底`, `年内`, `上半年`, `第三季度`), and periods
    //! (`2023.07-2024.01`, `2022年3月-2023年11月`, `2023.07`), read as their
    //! last day.

    use super::{Cmp, Date};
    use regex::Regex;
    use std::sync::OnceLock;

    // The text here is already NFKC-normalised (full-width digits are ASCII),
    // so digits are `[0-9]`: Unicode's `\d` made these two patterns cost a
    // third of a one-file run to compile.

    const CMP: &str = r"(?P<cmp>≥|>=|≤|<=|不晚于|不迟于|不早于|于|在)?\s*";
    // `12月底前100%到位`, `6月30日前全部拨付到位`: the share done by the
    // deadline (all of it) and up to two completion verbs.
    const TAIL: &str = r"\s*(?P<suf>之前|以前|前|以内|之内|内)?\s*(?:100\s*%|全部|全额)?\s*(?:完成|办结|到位|建成|完工|实现|交付|投入使用|投用|发放|拨付){0,2}$";

    fn yearless_re() -> &'static Regex {
        static RE: OnceLock<Regex> = OnceLock::new();
        RE.get_or_init(|| {
            let body = r"(?:(?P<m>[0-9]{1,2})月(?:(?P<d>[0-9]{1,2})[日号]|(?P<end>底|末|份))?|(?P<ye>年底|年末|年内|年度内|当年)|(?P<half>上半年|下半年)|第?(?P<q>[一二三四1-4])季度(?:末|底)?)";
            Regex::new(&format!("^{CMP}{body}{TAIL}")).unwrap_or_else(|_| unreachable!())
        })
    }

    fn period_re() -> &'static Regex {
        static RE: OnceLock<Regex> = OnceLock::new();
        RE.get_or_init(|| {
            // `2022-12` (a year and a month, as a form's date column prints it)
            // too: the month after `-` may have one digit, as no number range
            // runs down from a year to a month.
            let ym = |n: &str| format!(r"(?P<y{n}>(?:19|20)[0-9][0-9])(?:\.(?P<m{n}>0[1-9]|1[0-2])|-(?P<d{n}>0?[1-9]|1[0-2])|年(?P<n{n}>[0-9]{{1,2}})月(?:份)?)");
            // The end may leave out the year of the start: `2021年1月-12月`;
            // the dash may be doubled (`2020年1月--2020年11月`).
            Regex::new(&format!(
                r"^{}(?:\s*(?:-{{1,2}}|~|〜|—+|–|至|到)\s*(?:{}|(?P<mc>[0-9]{{1,2}})月(?:份)?))?$",
                ym("a"),
                ym("b")
            ))
            .unwrap_or_else(|_| unreachable!())
        })
    }

    fn last_day(year: i32, month: u8) -> Option<Date> {
        Date::new(year, month, Date::days_in_month(year, month)?)
    }

    /// A yearless date in `year`, with its comparator.
    pub(super) fn yearless(src: &str, year: i32) -> Option<(Option<Cmp>, Date)> {
        // Each alternative of the pattern's body holds one of these: most
        // texts with a 年 (`达成年度指标`) never build the regex.
        const BODY_WORDS: [&str; 8] = [
            "月",
            "季度",
            "年底",
            "年末",
            "年内",
            "年度内",
            "当年",
            "半年",
        ];
        if !src.contains(['月', '年', '季']) || !BODY_WORDS.iter().any(|w| src.contains(w)) {
            return None;
        }
        let c = yearless_re().captures(src)?;
        let mut cmp = match c.name("cmp").map(|m| m.as_str()) {
            Some("≥" | ">=" | "不早于") => Some(Cmp::Ge),
            Some("≤" | "<=" | "不晚于" | "不迟于") => Some(Cmp::Le),
            _ => None,
        };
        if c.name("suf").is_some() {
            cmp = cmp.or(Some(Cmp::Le));
        }
        let num = |n: &str| c.name(n).and_then(|m| m.as_str().parse::<u8>().ok());
        // `≤ 3月` may be a duration (3 months) as well as March: a bare month
        // after a comparator is left to the grammar (a number with unit 月).
        if num("m").is_some()
            && c.name("d").is_none()
            && c.name("end").is_none()
            && c.name("suf").is_none()
            && c.name("cmp").is_some()
        {
            return None;
        }
        let date = if let Some(m) = num("m") {
            match num("d") {
                Some(d) => Date::new(year, m, d)?,
                None => last_day(year, m)?,
            }
        } else if let Some(ye) = c.name("ye") {
            if matches!(ye.as_str(), "年内" | "年度内") {
                cmp = cmp.or(Some(Cmp::Le));
            }
            Date::new(year, 12, 31)?
        } else if let Some(h) = c.name("half") {
            cmp = cmp.or(Some(Cmp::Le));
            if h.as_str() == "上半年" {
                Date::new(year, 6, 30)?
            } else {
                Date::new(year, 12, 31)?
            }
        } else {
            let q = match c.name("q")?.as_str() {
                "一" | "1" => 1,
                "二" | "2" => 2,
                "三" | "3" => 3,
                _ => 4,
            };
            cmp = cmp.or(Some(Cmp::Le));
            last_day(year, q * 3)?
        };
        Some((cmp, date))
    }

    /// A period `2023.07-2024.01` (or one month `2023.07`): its last day.
    pub(super) fn period(src: &str) -> Option<Date> {
        let b = src.as_bytes();
        // After the year comes `.`, `年`, or `-` and a month that ends the text
        // or the period's start (an ISO date `2022-06-30` is not a period, and
        // is common: the pattern is not even built for it).
        let dash_month = b.get(4) == Some(&b'-')
            && b.get(5).is_some_and(u8::is_ascii_digit)
            && b.get(7).is_none_or(|c| !matches!(c, b'-' | b'/' | b'.'));
        if b.len() < 6
            || !(b.starts_with(b"19") || b.starts_with(b"20"))
            || !(b[4] == b'.' || dash_month || src.get(4..).is_some_and(|r| r.starts_with('年')))
        {
            return None;
        }
        let c = period_re().captures(src)?;
        let (y, m) = if c.name("yb").is_some() {
            ("yb", ["mb", "db", "nb"])
        } else if c.name("mc").is_some() {
            ("ya", ["mc", "mc", "mc"])
        } else {
            ("ya", ["ma", "da", "na"])
        };
        let year = c.name(y)?.as_str().parse::<i32>().ok()?;
        let month = m
            .iter()
            .find_map(|n| c.name(n))
            .and_then(|m| m.as_str().parse::<u8>().ok())?;
        last_day(year, month)
    }
}

// ---- text preparation -------------------------------------------------------

/// The text the grammar sees, and how to map its byte offsets back.
struct Prepared<'a> {
    text: Cow<'a, str>,
    /// Empty when `text` is the original. Otherwise, for each original char:
    /// (byte offset in `text`, byte offset in the original), then both lengths.
    map: Vec<(usize, usize)>,
}

impl<'a> Prepared<'a> {
    /// NFKC-normalise the width forms (full-width digits and punctuation
    /// `５０００ ９５％ ＝ ～ ，`, the ideographic space, half-width and small
    /// forms), only when the text holds any. Other compatibility characters are
    /// kept as written: `①` must not become a number, nor `㎡` turn into `m2`.
    /// Each char is normalised on its own so every output byte maps back to the
    /// char it came from.
    fn new(text: &'a str) -> Prepared<'a> {
        if text.is_ascii() || !text.chars().any(is_width_form) {
            return Prepared {
                text: Cow::Borrowed(text),
                map: Vec::new(),
            };
        }
        let mut out = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len() + 1);
        for (at, c) in text.char_indices() {
            map.push((out.len(), at));
            if is_width_form(c) {
                out.extend(std::iter::once(c).nfkc());
            } else {
                out.push(c);
            }
        }
        map.push((out.len(), text.len()));
        Prepared {
            text: Cow::Owned(out),
            map,
        }
    }

    /// Map a byte range of the prepared text to the original, widened to whole
    /// original chars.
    fn to_original(&self, start: usize, end: usize) -> (usize, usize) {
        if self.map.is_empty() {
            return (start, end);
        }
        // Last char starting at or before `start`; first char boundary at or after `end`.
        let last = self.map.last().map_or(0, |&(_, o)| o);
        let i = self.map.partition_point(|&(n, _)| n <= start);
        let s = self.map.get(i.wrapping_sub(1)).map_or(0, |&(_, o)| o);
        let j = self.map.partition_point(|&(n, _)| n < end);
        let e = self.map.get(j).map_or(last, |&(_, o)| o).max(s);
        (s, e)
    }
}

/// Ideographic space, small form variants (﹪), halfwidth and fullwidth forms.
fn is_width_form(c: char) -> bool {
    matches!(c, '\u{3000}' | '\u{FE50}'..='\u{FE6F}' | '\u{FF00}'..='\u{FFEF}')
}

// ---- faults -----------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum FaultKind {
    MissingNumber,
    Grouping,
    ExtraPoint,
    Exponent,
    LeadingDot,
    TooLarge,
    Trailing,
    Year,
    Month,
    Day { year: i32, month: u8, last: u8 },
    YearlessDate,
    OpenRange,
    RangeOrder,
    RangePercent,
    RangeCmp,
    SuffixConflict,
    Syntax,
}

impl FaultKind {
    /// What was expected, in Chinese and English.
    fn expected(self) -> (String, String) {
        let (zh, en): (&str, &str) = match self {
            FaultKind::MissingNumber => (
                "比较符后的数字（如 ≥ 5000 人次、≥ 95%、≤ 2022-06-30）",
                "a number after the comparator (e.g. ≥ 5000 人次, ≥ 95%, ≤ 2022-06-30)",
            ),
            FaultKind::Grouping => (
                "每组恰好三位数字的千分位（如 1,234.5）",
                "thousands groups of exactly three digits (e.g. 1,234.5)",
            ),
            FaultKind::ExtraPoint => (
                "只有一个小数点的数字（如 29.5896）",
                "a number with a single decimal point (e.g. 29.5896)",
            ),
            FaultKind::Exponent => (
                "普通小数（不支持科学计数法）",
                "a plain decimal (no exponent)",
            ),
            FaultKind::LeadingDot => (
                "小数点前的数字（如 0.5）",
                "a digit before the decimal point (e.g. 0.5)",
            ),
            FaultKind::TooLarge => (
                "不超过 28 位有效数字、28 位小数的数",
                "a number of at most 28 significant digits and 28 decimals",
            ),
            FaultKind::Trailing => ("单位或值的结尾", "a unit or the end of the value"),
            FaultKind::Year => ("1–9999 的年份", "a year from 1 to 9999"),
            FaultKind::Month => ("1–12 的月份", "a month from 1 to 12"),
            FaultKind::Day { year, month, last } => {
                return (
                    format!("{year}年{month}月中存在的日期（1–{last} 日）"),
                    format!("a day that exists in {year:04}-{month:02} (1–{last})"),
                );
            }
            FaultKind::YearlessDate => (
                "带年份的日期（如 2022年6月30日）",
                "a date with its year (e.g. 2022年6月30日)",
            ),
            FaultKind::OpenRange => (
                "区间的上限（如 5000-6000 人次）",
                "the upper bound of the range (e.g. 5000-6000 人次)",
            ),
            FaultKind::RangeOrder => (
                "不小于下限的区间上限",
                "an upper bound not below the lower bound",
            ),
            FaultKind::RangePercent => (
                "与下限一样带 % 的上限（如 90%-95%）",
                "an upper bound with % like the lower one (e.g. 90%-95%)",
            ),
            FaultKind::RangeCmp => (
                "不带比较符的区间（区间本身就是上下限）",
                "a range without a comparator (the range is its own bounds)",
            ),
            FaultKind::SuffixConflict => (
                "与前面比较符方向一致的后缀（或去掉其一）",
                "a suffix agreeing with the comparator before it (or only one of them)",
            ),
            FaultKind::Syntax => ("合法的指标值", "a well-formed indicator value"),
        };
        (zh.to_owned(), en.to_owned())
    }
}

/// A fault at a byte range of the prepared text.
#[derive(Debug)]
struct Fault {
    kind: FaultKind,
    start: usize,
    end: usize,
}

impl Fault {
    fn new(kind: FaultKind, start: usize, end: usize) -> Fault {
        Fault { kind, start, end }
    }
    fn at(kind: FaultKind, pair: &Pair<'_, Rule>) -> Fault {
        let span = pair.as_span();
        Fault::new(kind, span.start(), span.end())
    }
}

// ---- tree walking -------------------------------------------------------------

/// The parts of an [`IndValue`] taken from the prepared text.
struct Built<'t> {
    cmp: Option<Cmp>,
    quantity: Quantity,
    unit: Option<&'t str>,
}

/// A comparator and the pair it was written as (for error spans).
type Written<'t> = Option<(Cmp, Pair<'t, Rule>)>;

fn interpret(value: Pair<'_, Rule>) -> Result<Built<'_>, Fault> {
    let Some(body) = value.into_inner().next() else {
        return Err(Fault::new(FaultKind::Syntax, 0, 0));
    };
    if body.as_rule() != Rule::quantitative {
        return Ok(Built {
            cmp: None,
            quantity: Quantity::Qualitative,
            unit: None,
        });
    }
    let mut prefix: Written<'_> = None;
    for part in body.into_inner() {
        match part.as_rule() {
            Rule::cmp_sym | Rule::cmp_word => {
                prefix = part
                    .clone()
                    .into_inner()
                    .next()
                    .and_then(|p| cmp_of(p.as_rule()))
                    .map(|c| (c, part));
            }
            Rule::date_value => return date_value(part, prefix),
            Rule::numeric => return numeric(part, prefix),
            Rule::yearless_date => return Err(Fault::at(FaultKind::YearlessDate, &part)),
            Rule::leading_dot => return Err(Fault::at(FaultKind::LeadingDot, &part)),
            Rule::missing => return Err(Fault::at(FaultKind::MissingNumber, &part)),
            _ => {}
        }
    }
    // Unreachable with the grammar as written: every committed branch has an operand.
    let end = prefix.map_or(0, |(_, p)| p.as_span().end());
    Err(Fault::new(FaultKind::Syntax, end, end))
}

/// The comparator a grammar rule stands for (`None` for lead-ins and 左右).
fn cmp_of(rule: Rule) -> Option<Cmp> {
    match rule {
        Rule::ge_sym | Rule::ge_word | Rule::ge_suffix => Some(Cmp::Ge),
        Rule::le_sym | Rule::le_word | Rule::le_suffix | Rule::le_suffix_pre => Some(Cmp::Le),
        Rule::date_suffix => Some(Cmp::Le),
        Rule::gt_sym | Rule::gt_word => Some(Cmp::Gt),
        Rule::lt_sym | Rule::lt_word => Some(Cmp::Lt),
        Rule::eq_sym | Rule::eq_word => Some(Cmp::Eq),
        _ => None,
    }
}

/// Combine a written comparator with a suffix one (`≥ 95%以上`): they must point
/// the same way; the prefix, being more precise (`>` vs 以上), wins.
fn with_suffix<'t>(current: Written<'t>, suffix: Pair<'t, Rule>) -> Result<Written<'t>, Fault> {
    let Some(s) = cmp_of(suffix.as_rule()) else {
        return Ok(current); // 左右: approximate, no comparator
    };
    match current {
        None => Ok(Some((s, suffix))),
        Some((c, p)) => {
            let agree = matches!(
                (c, s),
                (Cmp::Ge | Cmp::Gt, Cmp::Ge) | (Cmp::Le | Cmp::Lt, Cmp::Le)
            );
            if agree {
                Ok(Some((c, p)))
            } else {
                Err(Fault::at(FaultKind::SuffixConflict, &suffix))
            }
        }
    }
}

fn date_value<'t>(pair: Pair<'t, Rule>, prefix: Written<'t>) -> Result<Built<'t>, Fault> {
    let mut cmp = prefix;
    let mut date = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::date => date = Some(calendar_date(part)?),
            Rule::date_suffix => cmp = with_suffix(cmp, part)?,
            Rule::junk => return Err(Fault::at(FaultKind::Trailing, &part)),
            _ => {} // trailing wording (完成) is allowed and ignored
        }
    }
    let date = date.ok_or(Fault::new(FaultKind::Syntax, 0, 0))?;
    Ok(Built {
        cmp: cmp.map(|(c, _)| c),
        quantity: Quantity::Date(date),
        unit: None,
    })
}

/// Build and validate a `date` pair (`date_iso` or `date_cn`).
fn calendar_date(pair: Pair<'_, Rule>) -> Result<Date, Fault> {
    let span_end = pair.as_span().end();
    let form = pair.into_inner().next();
    let mut year: Option<(i32, Pair<'_, Rule>)> = None;
    let mut month: Option<(u8, Pair<'_, Rule>)> = None;
    let mut day: Option<(u8, Pair<'_, Rule>)> = None;
    for part in form.into_iter().flat_map(|f| f.into_inner()) {
        // The grammar bounds these at 4 and 2 ASCII digits, so they always fit.
        let digits = part.as_str().parse::<i32>().unwrap_or(0);
        match part.as_rule() {
            Rule::year => year = Some((digits, part)),
            Rule::month => month = Some((u8::try_from(digits).unwrap_or(0), part)),
            Rule::day => day = Some((u8::try_from(digits).unwrap_or(0), part)),
            _ => {} // period_end: 底/末, same as no day
        }
    }
    let Some((y, ypair)) = year else {
        return Err(Fault::new(FaultKind::Syntax, span_end, span_end));
    };
    if !(1..=9999).contains(&y) {
        return Err(Fault::at(FaultKind::Year, &ypair));
    }
    // 2022年底: 31 December.
    let Some((m, mpair)) = month else {
        return Ok(Date {
            year: y,
            month: 12,
            day: 31,
        });
    };
    let Some(last) = Date::days_in_month(y, m) else {
        return Err(Fault::at(FaultKind::Month, &mpair));
    };
    let d = match day {
        None => last, // 2022年6月, 2022年6月底: the month's last day
        Some((d, dpair)) => {
            if !(1..=last).contains(&d) {
                let kind = FaultKind::Day {
                    year: y,
                    month: m,
                    last,
                };
                return Err(Fault::at(kind, &dpair));
            }
            d
        }
    };
    Ok(Date {
        year: y,
        month: m,
        day: d,
    })
}

/// One bound of a number, percentage or range: value (a fraction for %),
/// whether it had `%`, and its pair.
struct Bound<'t> {
    value: Decimal,
    percent: bool,
    pair: Pair<'t, Rule>,
}

fn bound(pair: Pair<'_, Rule>) -> Result<Bound<'_>, Fault> {
    let mut value = None;
    let mut percent = false;
    for part in pair.clone().into_inner() {
        match part.as_rule() {
            Rule::number => value = Some((decimal(part.as_str()), part)),
            Rule::bad_number => {
                let kind = match part.as_str().as_bytes().first() {
                    Some(b',') => FaultKind::Grouping,
                    Some(b'.') => FaultKind::ExtraPoint,
                    _ => FaultKind::Exponent,
                };
                // Point at the part that does not continue the number: `,00` in `5,00`.
                return Err(Fault::at(kind, &part));
            }
            Rule::pct => percent = true,
            _ => {}
        }
    }
    let Some((parsed, npair)) = value else {
        let end = pair.as_span().end();
        return Err(Fault::new(FaultKind::Syntax, end, end));
    };
    let mut value = parsed.ok_or_else(|| Fault::at(FaultKind::TooLarge, &npair))?;
    if percent {
        // 34.7% is 0.347: the same digits, two more decimals.
        let scale = value.scale() + 2;
        value
            .set_scale(scale)
            .map_err(|_| Fault::at(FaultKind::TooLarge, &npair))?;
    }
    Ok(Bound {
        value,
        percent,
        pair,
    })
}

/// An exact decimal from the digits of a `number` token (sign, digits, commas,
/// point), without allocating; `None` when it does not fit a `Decimal`.
fn decimal(token: &str) -> Option<Decimal> {
    let token = token.strip_prefix('+').unwrap_or(token);
    if !token.contains(',') {
        return Decimal::from_str_exact(token).ok();
    }
    // Anything longer than this has far more digits than a Decimal holds.
    let mut buf = [0u8; 64];
    let mut n = 0;
    for b in token.bytes().filter(|&b| b != b',') {
        *buf.get_mut(n)? = b;
        n += 1;
    }
    let digits = std::str::from_utf8(buf.get(..n)?).ok()?;
    Decimal::from_str_exact(digits).ok()
}

fn numeric<'t>(pair: Pair<'t, Rule>, prefix: Written<'t>) -> Result<Built<'t>, Fault> {
    let mut cmp = prefix;
    let mut low: Option<Bound<'t>> = None;
    let mut high: Option<Bound<'t>> = None;
    let mut unit: Option<&'t str> = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::bound if low.is_none() => low = Some(bound(part)?),
            Rule::bound => high = Some(bound(part)?),
            Rule::open_range => return Err(Fault::at(FaultKind::OpenRange, &part)),
            Rule::pre_suffix | Rule::suffix => {
                if let Some(inner) = part.into_inner().next() {
                    cmp = with_suffix(cmp, inner)?;
                }
            }
            Rule::unit => unit = Some(part.as_str()),
            Rule::junk => return Err(Fault::at(FaultKind::Trailing, &part)),
            _ => {} // range_sep, done_word
        }
    }
    let Some(low) = low else {
        return Err(Fault::new(FaultKind::Syntax, 0, 0));
    };
    let Some(high) = high else {
        let built = if low.percent {
            // Wording after a percentage (`100%完成`) is not a unit.
            Built {
                cmp: cmp.map(|(c, _)| c),
                quantity: Quantity::Percent(low.value),
                unit: Some("%"),
            }
        } else {
            Built {
                cmp: cmp.map(|(c, _)| c),
                quantity: Quantity::Number(low.value),
                unit,
            }
        };
        return Ok(built);
    };
    if let Some((_, p)) = cmp {
        return Err(Fault::at(FaultKind::RangeCmp, &p));
    }
    if low.percent && !high.percent {
        return Err(Fault::at(FaultKind::RangePercent, &high.pair));
    }
    let percent = high.percent;
    let low_value = if percent && !low.percent {
        // `90-95%`: the % on the high bound covers both.
        let mut v = low.value;
        v.set_scale(v.scale() + 2)
            .map_err(|_| Fault::at(FaultKind::TooLarge, &low.pair))?;
        v
    } else {
        low.value
    };
    if low_value > high.value {
        let (s, e) = (low.pair.as_span().start(), high.pair.as_span().end());
        return Err(Fault::new(FaultKind::RangeOrder, s, e));
    }
    Ok(Built {
        cmp: None,
        quantity: Quantity::Range {
            low: low_value,
            high: high.value,
        },
        unit: if percent { Some("%") } else { unit },
    })
}

// ---- fast path ------------------------------------------------------------------

mod fast {
    //! A hand-written recogniser for the shapes most values take, answering
    //! exactly as `grammar/value.pest` would, or not at all (`None`: the caller
    //! falls back to the grammar, which stays the definition). It never reports
    //! an error: anything malformed or unusual goes to the grammar.
    //!
    //! Recognised (on the prepared text, width forms already normalised):
    //! - wording with no ASCII digit that does not start with a comparator
    //!   symbol (the grammar can only commit to a quantity on a symbol or a
    //!   digit): `明显提升`, `达到`, `基本达到`, empty text;
    //! - an optional comparator (symbol, or phrase followed by a digit), then
    //!   - an ISO date `2022-06-30` (also `/` or `.`) ending the text;
    //!   - a plain number `5000`, `29.5896` (no sign, no thousands separator)
    //!     followed by nothing, `%` (ending the text), or a unit starting with a
    //!     CJK ideograph and holding none of the characters the grammar's
    //!     suffixes, range separators and dates are made of.
    //!
    //! Why each refusal keeps the answer equal to the grammar's is noted where
    //! it is made; `tests::fast_path_equals_grammar` checks it by proptest.

    use super::{Built, Cmp, Date, Quantity, decimal};

    /// `cmp_sym` in grammar order (`>=` before `>`, as PEG choice tries them).
    const SYMBOLS: &[(&str, Cmp)] = &[
        (">=", Cmp::Ge),
        ("≥=", Cmp::Ge),
        ("≥", Cmp::Ge),
        ("≧", Cmp::Ge),
        ("⩾", Cmp::Ge),
        ("<=", Cmp::Le),
        ("≤", Cmp::Le),
        ("≦", Cmp::Le),
        ("⩽", Cmp::Le),
        (">", Cmp::Gt),
        ("<", Cmp::Lt),
        ("=", Cmp::Eq),
        ("═", Cmp::Eq),
    ];

    /// `cmp_word` in grammar order; the first that matches is the one the
    /// grammar commits to (`None`: the lead-in 于, left to the grammar).
    const WORDS: &[(&str, Option<Cmp>)] = &[
        ("大于等于", Some(Cmp::Ge)),
        ("大于或等于", Some(Cmp::Ge)),
        ("高于或等于", Some(Cmp::Ge)),
        ("不低于", Some(Cmp::Ge)),
        ("不少于", Some(Cmp::Ge)),
        ("不小于", Some(Cmp::Ge)),
        ("不早于", Some(Cmp::Ge)),
        ("至少", Some(Cmp::Ge)),
        ("达到或超过", Some(Cmp::Ge)),
        ("达到", Some(Cmp::Ge)),
        ("小于等于", Some(Cmp::Le)),
        ("小于或等于", Some(Cmp::Le)),
        ("低于或等于", Some(Cmp::Le)),
        ("不高于", Some(Cmp::Le)),
        ("不超过", Some(Cmp::Le)),
        ("不大于", Some(Cmp::Le)),
        ("不多于", Some(Cmp::Le)),
        ("不晚于", Some(Cmp::Le)),
        ("不迟于", Some(Cmp::Le)),
        ("最多", Some(Cmp::Le)),
        ("控制在", Some(Cmp::Le)),
        ("大于", Some(Cmp::Gt)),
        ("高于", Some(Cmp::Gt)),
        ("超过", Some(Cmp::Gt)),
        ("多于", Some(Cmp::Gt)),
        ("小于", Some(Cmp::Lt)),
        ("低于", Some(Cmp::Lt)),
        ("少于", Some(Cmp::Lt)),
        ("等于", Some(Cmp::Eq)),
        ("于", None),
    ];

    /// Characters a unit may not hold here: every suffix (以上 以下 以内 之内 内
    /// 左右 and their 及/或 forms) and the range separators 至 到 contain one,
    /// so a unit without them is, as in the grammar, simply the rest of the text.
    const UNIT_STOP: &[char] = &['以', '之', '内', '左', '右', '及', '或', '至', '到'];

    /// The grammar's `sp`.
    fn is_sp(c: char) -> bool {
        matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{3000}' | '\u{A0}')
    }

    fn skip_sp(s: &str) -> &str {
        s.trim_start_matches(is_sp)
    }

    fn qualitative<'t>() -> Built<'t> {
        Built {
            cmp: None,
            quantity: Quantity::Qualitative,
            unit: None,
        }
    }

    /// The fast answer for prepared (trimmed, width-normalised) text, if any.
    pub(super) fn recognise(src: &str) -> Option<Built<'_>> {
        let symbol = SYMBOLS
            .iter()
            .find_map(|&(s, c)| src.strip_prefix(s).map(|rest| (c, rest)));
        if !src.bytes().any(|b| b.is_ascii_digit()) {
            // Without a digit only a leading symbol commits to a quantity
            // (and then it is an error: leave it to the grammar).
            return match symbol {
                None => Some(qualitative()),
                Some(_) => None,
            };
        }
        let (cmp, rest) = match symbol {
            Some((c, rest)) => (Some(c), skip_sp(rest)),
            None => match WORDS.iter().find(|(w, _)| src.starts_with(w)) {
                // A phrase is a comparator only before a digit; otherwise the
                // grammar reads wording (or a signed number): not ours.
                Some(&(w, c)) => (Some(c?), skip_sp(&src[w.len()..])),
                None => (None, src),
            },
        };
        if !rest.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        // The grammar tries a date before a number.
        if let Some(date) = iso_date(rest) {
            return Some(Built {
                cmp,
                quantity: Quantity::Date(date?),
                unit: None,
            });
        }
        number(rest, cmp)
    }

    /// `Some(Some(date))` for a valid `YYYY-M-D` (`-`, `/` or `.`) that is the
    /// whole of `s`; `Some(None)` for that shape with an invalid date (an
    /// error: the grammar reports it); `None` for any other shape.
    fn iso_date(s: &str) -> Option<Option<Date>> {
        let b = s.as_bytes();
        let sep = *b.get(4)?;
        if !b.get(..4)?.iter().all(u8::is_ascii_digit) || !matches!(sep, b'-' | b'/' | b'.') {
            return None;
        }
        let digits = |from: usize| {
            let n = b
                .get(from..)
                .unwrap_or_default()
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count();
            (1..=2).contains(&n).then_some(n)
        };
        let m = digits(5)?;
        if b.get(5 + m) != Some(&sep) {
            return None;
        }
        let d = digits(6 + m)?;
        if 6 + m + d != b.len() {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
        let (year, month, day) = (num(0..4)?, num(5..5 + m)?, num(6 + m..6 + m + d)?);
        Some(Date::new(
            i32::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        ))
    }

    /// A plain number, then nothing, `%`, or a unit.
    fn number(s: &str, cmp: Option<Cmp>) -> Option<Built<'_>> {
        let b = s.as_bytes();
        let int = b.iter().take_while(|d| d.is_ascii_digit()).count();
        let mut end = int;
        if b.get(end) == Some(&b'.') {
            let frac = b
                .get(end + 1..)
                .unwrap_or_default()
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count();
            if frac > 0 {
                end += 1 + frac;
            }
        }
        let (token, after) = s.split_at_checked(end)?;
        if end == int {
            // `2022年…` may be a date, `6月…` a yearless date (an error).
            if (int == 4 && after.starts_with('年')) || (int <= 2 && after.starts_with('月')) {
                return None;
            }
        }
        // What may follow a number here: the end, a space, `%` or a CJK
        // ideograph. Anything else (`,` `.` `e` `-` `~` `/`…) continues it into
        // a grouping, an error, a range or a date: the grammar's business.
        match after.chars().next() {
            None => {}
            Some(c) if is_sp(c) || c == '%' || is_ideograph(c) => {}
            Some(_) => return None,
        }
        let value = decimal(token)?;
        let rest = skip_sp(after);
        if let Some(tail) = rest.strip_prefix('%') {
            if !tail.is_empty() {
                return None; // `95%以上`, `100%完成`, `95%%`
            }
            let mut value = value;
            value.set_scale(value.scale() + 2).ok()?;
            return Some(Built {
                cmp,
                quantity: Quantity::Percent(value),
                unit: Some("%"),
            });
        }
        let unit = if rest.is_empty() {
            None
        } else {
            if !rest.starts_with(is_ideograph) || rest.contains(UNIT_STOP) {
                return None;
            }
            Some(rest)
        };
        Some(Built {
            cmp,
            quantity: Quantity::Number(value),
            unit,
        })
    }

    /// CJK Unified Ideographs (never a `unit_bad_start`).
    fn is_ideograph(c: char) -> bool {
        matches!(c, '\u{4E00}'..='\u{9FFF}')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_forms_values() {
        let q = |t: &str, y: Option<i32>| {
            let v = parse_in(t, y).unwrap_or_else(|e| panic!("{t}: {e}"));
            (v.cmp, v.quantity, v.unit.map(String::from))
        };
        let date = |y, m, d| Quantity::Date(Date::new(y, m, d).unwrap());
        let dec = |s: &str| Decimal::from_str_exact(s).unwrap();
        // yearless dates in the declaration's year
        assert_eq!(
            q("6月30日前", Some(2023)),
            (Some(Cmp::Le), date(2023, 6, 30), None)
        );
        assert_eq!(
            q("9月前", Some(2023)),
            (Some(Cmp::Le), date(2023, 9, 30), None)
        );
        assert_eq!(q("10月底", Some(2023)), (None, date(2023, 10, 31), None));
        assert_eq!(q("年底", Some(2023)), (None, date(2023, 12, 31), None));
        assert_eq!(
            q("年内", Some(2023)),
            (Some(Cmp::Le), date(2023, 12, 31), None)
        );
        assert_eq!(
            q("12月31日之前", Some(2024)),
            (Some(Cmp::Le), date(2024, 12, 31), None)
        );
        assert_eq!(
            q("上半年", Some(2023)),
            (Some(Cmp::Le), date(2023, 6, 30), None)
        );
        assert_eq!(
            q("第三季度", Some(2023)),
            (Some(Cmp::Le), date(2023, 9, 30), None)
        );
        assert_eq!(q("2月", Some(2024)), (None, date(2024, 2, 29), None));
        assert_eq!(q("≤ 3月", Some(2024)).1, Quantity::Number(dec("3")));
        assert_eq!(
            q("≤ 3月底", Some(2024)),
            (Some(Cmp::Le), date(2024, 3, 31), None)
        );
        // without the year they stay what they were: an error, or a number
        assert!(parse_in("6月30日前", None).is_err());
        assert!(parse_in("2月30日", Some(2023)).is_err());
        // periods are dates (their last day), never numbers
        assert_eq!(q("2023.07-2024.01", None), (None, date(2024, 1, 31), None));
        assert_eq!(
            q("2022年3月-2023年11月", None),
            (None, date(2023, 11, 30), None)
        );
        assert_eq!(q("2023.07", None), (None, date(2023, 7, 31), None));
        // a year and a month with a dash (a form's date column), alone or as a
        // period; an ISO date and a range of years stay what they were
        assert_eq!(q("2022-12", None), (None, date(2022, 12, 31), None));
        assert_eq!(q("2022-6", None), (None, date(2022, 6, 30), None));
        assert_eq!(
            q("2022-03至2022-11", None),
            (None, date(2022, 11, 30), None)
        );
        assert_eq!(q("2022-06-30", None), (None, date(2022, 6, 30), None));
        assert!(!matches!(q("2022-2023", None).1, Quantity::Date(_)));
        assert!(parse_in("2022-13", None).is_err());
        // a proportion is a standard, not a malformed number
        assert_eq!(q("1:1", None), (None, Quantity::Qualitative, None));
        assert_eq!(q("１：１", None), (None, Quantity::Qualitative, None));
        assert_eq!(q("3 : 7", None), (None, Quantity::Qualitative, None));
        assert!(parse_in("1:", None).is_err());
        assert!(parse_in("1:1人", None).is_err());
        // a remark after a percentage or a bare number and a comma is wording (after
        // a unit it stays part of the unit, as before); a second figure is not
        assert_eq!(
            q("95%，达标", None),
            (None, Quantity::Percent(dec("0.95")), Some("%".to_owned()))
        );
        assert_eq!(
            q("≥ 266；已完成", None),
            (Some(Cmp::Ge), Quantity::Number(dec("266")), None)
        );
        assert!(parse_in("95%,98%", None).is_err());
        assert!(parse_in("5,00", None).is_err());
        // the end of a period may leave out the start's year (a Sichuan form)
        assert_eq!(q("2021年1月-12月", None), (None, date(2021, 12, 31), None));
        // a doubled dash between the ends (a 2020 抗疫特别国债 table)
        assert_eq!(
            q("2020年1月--2020年11月", None),
            (None, date(2020, 11, 30), None)
        );
        assert!(parse_in("2020年1月---2020年11月", None).is_err());
        assert!(parse_in("2021年1月-13月", None).is_err());
        // a deadline with its share: all of it done by then
        assert_eq!(
            q("12月底前100%到位", Some(2021)),
            (Some(Cmp::Le), date(2021, 12, 31), None)
        );
        assert_eq!(
            q("6月30日前全部拨付到位", Some(2021)),
            (Some(Cmp::Le), date(2021, 6, 30), None)
        );
        assert!(parse_in("12月底前90%到位", Some(2021)).is_err());
        assert_eq!(q("2023.7", None).1, Quantity::Number(dec("2023.7")));
        // comparators and units of the forms
        assert_eq!(
            q("═ 100 %", None),
            (
                Some(Cmp::Eq),
                Quantity::Percent(dec("1.00")),
                Some("%".into())
            )
        );
        assert_eq!(q("≥=95%", None).0, Some(Cmp::Ge));
        assert_eq!(
            q("98 百分比", None),
            (None, Quantity::Percent(dec("0.98")), Some("%".into()))
        );
        assert_eq!(
            q("≤28.40/株", None),
            (
                Some(Cmp::Le),
                Quantity::Number(dec("28.40")),
                Some("/株".into())
            )
        );
        assert_eq!(q("≤ 50万元/公里", None).2, Some("万元/公里".into()));
        assert_eq!(
            q("每亩300", None),
            (None, Quantity::Number(dec("300")), None)
        );
        assert_eq!(q("每人500元", None).2, Some("元/人".into()));
        assert!(parse("1/2").is_err());
    }

    #[test]
    fn complete_takes_the_other_cells() {
        let mut v = parse("95").unwrap();
        assert!(complete(&mut v, Some(Cmp::Ge), Some("%")));
        assert_eq!(
            (v.cmp, v.quantity.clone()),
            (
                Some(Cmp::Ge),
                Quantity::Percent(Decimal::from_str_exact("0.95").unwrap())
            )
        );
        // what is written wins; dates and wording are left alone
        let mut v = parse("≤ 5 个").unwrap();
        assert!(!complete(&mut v, Some(Cmp::Ge), Some("人")));
        assert_eq!((v.cmp, v.unit.as_deref()), (Some(Cmp::Le), Some("个")));
        let mut v = parse("明显提升").unwrap();
        assert!(!complete(&mut v, Some(Cmp::Ge), Some("%")));
        let mut v = parse("90-95").unwrap();
        assert!(complete(&mut v, Some(Cmp::Ge), Some("%")));
        assert_eq!(v.cmp, None);
        assert!(v.is_percent());
    }

    /// Expected quantity; decimals as strings so their scale is checked too.
    enum Q {
        N(&'static str),
        P(&'static str),
        D(i32, u8, u8),
        R(&'static str, &'static str),
        W,
    }

    /// Both paths: the grammar alone, and the fast path where it answers.
    fn check(text: &str, cmp: Option<Cmp>, q: Q, unit: Option<&str>) {
        let v = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        assert_eq!(
            Ok(&v),
            parse_by_grammar(text).as_ref(),
            "{text:?}: paths differ"
        );
        assert_eq!(v.cmp, cmp, "{text:?}: comparator");
        assert_eq!(v.unit.as_deref(), unit, "{text:?}: unit");
        assert_eq!(&*v.text, text.trim(), "{text:?}: text");
        let ok = match (&v.quantity, &q) {
            (Quantity::Number(d), Q::N(s)) | (Quantity::Percent(d), Q::P(s)) => d.to_string() == *s,
            (Quantity::Date(d), Q::D(y, m, dd)) => {
                *d == Date {
                    year: *y,
                    month: *m,
                    day: *dd,
                }
            }
            (Quantity::Range { low, high }, Q::R(l, h)) => {
                low.to_string() == *l && high.to_string() == *h
            }
            (Quantity::Qualitative, Q::W) => true,
            _ => false,
        };
        assert!(ok, "{text:?}: quantity {:?}", v.quantity);
    }

    use Cmp::{Eq as EQ, Ge, Gt, Le, Lt};
    use Q::{D, N, P, R, W};

    #[test]
    fn real_world_forms() {
        let pct = Some("%");
        #[rustfmt::skip]
        let table: Vec<(&str, Option<Cmp>, Q, Option<&str>)> = vec![
            // SPEC §1 examples
            ("≥ 5000 人次", Some(Ge), N("5000"), Some("人次")),
            ("不低于95%", Some(Ge), P("0.95"), pct),
            ("≤ 2022-06-30", Some(Le), D(2022, 6, 30), None),
            ("明显提升", None, W, None),
            ("5230 人次", None, N("5230"), Some("人次")),
            ("97%", None, P("0.97"), pct),
            ("2022-06-20", None, D(2022, 6, 20), None),
            ("≤ 150 万元", Some(Le), N("150"), Some("万元")),
            ("29.5896 万元", None, N("29.5896"), Some("万元")),
            ("基本达到", None, W, None),
            ("≥ 90%", Some(Ge), P("0.90"), pct),
            ("93%", None, P("0.93"), pct),
            // comparators, symbols and phrases
            (">=5000人次", Some(Ge), N("5000"), Some("人次")),
            ("≧98%", Some(Ge), P("0.98"), pct),
            ("≦ 30 天", Some(Le), N("30"), Some("天")),
            ("<= 15 个工作日", Some(Le), N("15"), Some("个工作日")),
            ("> 0 户", Some(Gt), N("0"), Some("户")),
            ("< 5%", Some(Lt), P("0.05"), pct),
            ("= 100%", Some(EQ), P("1.00"), pct),
            ("＝100%", Some(EQ), P("1.00"), pct),
            ("不少于 12 次", Some(Ge), N("12"), Some("次")),
            ("不小于3个", Some(Ge), N("3"), Some("个")),
            ("至少2场", Some(Ge), N("2"), Some("场")),
            ("大于等于85%", Some(Ge), P("0.85"), pct),
            ("不高于 60 万元", Some(Le), N("60"), Some("万元")),
            ("不超过270万元", Some(Le), N("270"), Some("万元")),
            ("不大于 5 %", Some(Le), P("0.05"), pct),
            ("最多3次", Some(Le), N("3"), Some("次")),
            ("小于等于 43.2 万元", Some(Le), N("43.2"), Some("万元")),
            ("大于 0", Some(Gt), N("0"), None),
            ("高于80%", Some(Gt), P("0.80"), pct),
            ("超过1000人", Some(Gt), N("1000"), Some("人")),
            ("小于 1 %", Some(Lt), P("0.01"), pct),
            ("低于3起", Some(Lt), N("3"), Some("起")),
            ("达到95%", Some(Ge), P("0.95"), pct),
            ("等于 10 个", Some(EQ), N("10"), Some("个")),
            ("控制在150万元以内", Some(Le), N("150"), Some("万元")),
            // suffix comparators
            ("95%以上", Some(Ge), P("0.95"), pct),
            ("90%及以上", Some(Ge), P("0.90"), pct),
            ("5000人次以上", Some(Ge), N("5000"), Some("人次")),
            ("5%以下", Some(Le), P("0.05"), pct),
            ("30天以内", Some(Le), N("30"), Some("天")),
            ("30天内", Some(Le), N("30"), Some("天")),
            ("30个工作日内完成", Some(Le), N("30"), Some("个工作日")),
            ("达到95%以上", Some(Ge), P("0.95"), pct),
            ("≥ 95% 以上", Some(Ge), P("0.95"), pct),
            ("500人左右", None, N("500"), Some("人")),
            // numbers: scale, separators, full width, signs
            ("1200.50 元", None, N("1200.50"), Some("元")),
            ("1,234.5", None, N("1234.5"), None),
            ("1,500,000 元", None, N("1500000"), Some("元")),
            ("５０００人次", None, N("5000"), Some("人次")),
            ("≥ ５，０００ 人次", Some(Ge), N("5000"), Some("人次")),
            ("９５％", None, P("0.95"), pct),
            ("≤ 0.5 元/人次", Some(Le), N("0.5"), Some("元/人次")),
            ("12 元／人次", None, N("12"), Some("元/人次")),
            ("-5%", None, P("-0.05"), pct),
            ("+3.5%", None, P("0.035"), pct),
            ("34.7%", None, P("0.347"), pct),
            ("95 %", None, P("0.95"), pct),
            ("100%完成", None, P("1.00"), pct),
            ("6 个", None, N("6"), Some("个")),
            ("2022年", None, N("2022"), Some("年")),
            ("  ≥ 5 ", Some(Ge), N("5"), None),
            ("95﹪", None, P("0.95"), pct),
            ("10000㎡", None, N("10000"), Some("㎡")),
            ("≥ ５ ㎡", Some(Ge), N("5"), Some("㎡")),
            ("①提升服务质量", None, W, None),
            // dates
            ("2022/6/30", None, D(2022, 6, 30), None),
            ("2022.6.30", None, D(2022, 6, 30), None),
            ("2022年6月30日", None, D(2022, 6, 30), None),
            ("2022年6月30号", None, D(2022, 6, 30), None),
            ("2022年6月", None, D(2022, 6, 30), None),
            ("2022年6月底", None, D(2022, 6, 30), None),
            ("2022年2月底", None, D(2022, 2, 28), None),
            ("2024年2月底", None, D(2024, 2, 29), None),
            ("2000-02-29", None, D(2000, 2, 29), None),
            ("2022年底", None, D(2022, 12, 31), None),
            ("2022年末", None, D(2022, 12, 31), None),
            ("2022年6月30日前", Some(Le), D(2022, 6, 30), None),
            ("2022年12月31日之前", Some(Le), D(2022, 12, 31), None),
            ("2022-06-30以前", Some(Le), D(2022, 6, 30), None),
            ("2022年6月底前完成", Some(Le), D(2022, 6, 30), None),
            ("于2022年10月31日前完成", Some(Le), D(2022, 10, 31), None),
            ("不晚于2022年9月30日", Some(Le), D(2022, 9, 30), None),
            ("≤2022年底", Some(Le), D(2022, 12, 31), None),
            ("２０２２－０６－３０", None, D(2022, 6, 30), None),
            // ranges
            ("5000-6000 人次", None, R("5000", "6000"), Some("人次")),
            ("5000~6000", None, R("5000", "6000"), None),
            ("5000～6000", None, R("5000", "6000"), None),
            ("5000—6000", None, R("5000", "6000"), None),
            ("5000至6000人", None, R("5000", "6000"), Some("人")),
            ("90%-95%", None, R("0.90", "0.95"), pct),
            ("90-95%", None, R("0.90", "0.95"), pct),
            ("1.5 - 2.25 万元", None, R("1.5", "2.25"), Some("万元")),
            // qualitative
            ("达到", None, W, None),
            ("好", None, W, None),
            ("较好", None, W, None),
            ("有效提升", None, W, None),
            ("不低于去年水平", None, W, None),
            ("达到预期", None, W, None),
            ("逐步改善", None, W, None),
            ("—", None, W, None),
            ("-", None, W, None),
            ("XX人次", None, W, None),
            ("", None, W, None),
        ];
        for (text, cmp, q, unit) in table {
            check(text, cmp, q, unit);
        }
    }

    #[test]
    fn malformed_values_point_at_the_fault() {
        #[rustfmt::skip]
        let table: &[(&str, usize, usize, &str)] = &[
            ("≥", 3, 0, "a number after the comparator"),
            ("≥ abc", 4, 3, "a number after the comparator"),
            ("≥≥", 3, 3, "a number after the comparator"),
            ("<= 人次", 3, 6, "a number after the comparator"),
            ("5,00 人次", 1, 3, "thousands groups"),
            ("12,3.4", 2, 4, "thousands groups"),
            ("1,2345", 1, 5, "thousands groups"),
            ("1,234,56 元", 5, 3, "thousands groups"),
            ("1.2.3", 3, 2, "single decimal point"),
            ("1e400", 1, 4, "no exponent"),
            (".5", 0, 2, "a digit before the decimal point"),
            ("95%%", 3, 1, "a unit or the end"),
            ("2022-13-45", 5, 2, "a month from 1 to 12"),
            ("2022-02-30", 8, 2, "a day that exists in 2022-02 (1–28)"),
            ("2023-02-29", 8, 2, "a day that exists in 2023-02 (1–28)"),
            ("1900-02-29", 8, 2, "(1–28)"),
            ("2022-04-31", 8, 2, "(1–30)"),
            ("0000-01-01", 0, 4, "a year from 1 to 9999"),
            ("2022年13月", 7, 2, "a month from 1 to 12"),
            ("5000-", 5, 0, "the upper bound of the range"),
            ("5000 ~ 人次", 7, 6, "the upper bound of the range"),
            ("6000-5000", 0, 9, "an upper bound not below"),
            ("90%-95", 4, 2, "an upper bound with %"),
            ("≥ 5000-6000", 0, 3, "a range without a comparator"),
            ("≥ 5 以下", 6, 6, "a suffix agreeing"),
            ("1234567890123456789012345678901234567890", 0, 40, "at most 28 significant digits"),
            ("99999999999999999999999999999%", 0, 29, "at most 28 significant digits"),
            ("0.0000000000000000000000000001%", 0, 30, "at most 28 significant digits"),
            // Faults after Chinese text: byte offsets, not char offsets.
            ("不低于95.5.5%", 13, 2, "single decimal point"),
            ("达到 5,00 人次", 8, 3, "thousands groups"),
            ("６月３０日前", 0, 15, "a date with its year"),
            ("　５，００人次", 6, 9, "thousands groups"),
            ("≥ ２０２２－０２－３０", 28, 6, "a day that exists"),
        ];
        for &(text, offset, len, en) in table {
            let e = parse(text).expect_err(text);
            assert_eq!(
                Err(&e),
                parse_by_grammar(text).as_ref(),
                "{text:?}: paths differ"
            );
            assert_eq!((e.offset, e.len), (offset, len), "{text:?}: {e:?}");
            assert!(e.expected_en.contains(en), "{text:?}: {}", e.expected_en);
            assert!(!e.expected_zh.is_empty());
            assert!(text.is_char_boundary(offset) && text.is_char_boundary(offset + len));
        }
    }

    #[test]
    fn helpers() {
        let v = |s: &str| parse(s).unwrap();
        assert!(v("≥ 5000 人次").is_quantitative());
        assert!(!v("明显提升").is_quantitative());
        assert_eq!(v("≥ 5000 人次").number(), Some(Decimal::from(5000)));
        assert_eq!(
            v("34.7%").number().map(|d| d.to_string()),
            Some("0.347".into())
        );
        assert_eq!(v("5000-6000").number(), None);
        assert_eq!(v("2022-06-30").number(), None);
        assert!(v("95%").is_percent() && v("90%-95%").is_percent());
        assert!(!v("95 人").is_percent() && !v("5000-6000").is_percent());
        assert_eq!(v("≤ 150 万元").in_wan(), Some(Decimal::from(150)));
        let yuan = v("1,500,000 元").in_wan().unwrap();
        assert_eq!((yuan, yuan.scale()), (Decimal::from(150), 4));
        assert_eq!(
            v("29.5896 万元").in_wan().map(|d| d.to_string()),
            Some("29.5896".into())
        );
        assert_eq!(v("150 人次").in_wan(), None);
        assert_eq!(v("150").in_wan(), None);
        assert_eq!(v("2022年6月30日").date(), Date::new(2022, 6, 30));
        assert_eq!(v("  ≥ 5000 人次 ").to_string(), "≥ 5000 人次");
        assert_eq!(v("５０００人次").to_string(), "５０００人次");
        assert_eq!(Date::new(2022, 6, 30).unwrap().to_string(), "2022-06-30");
        assert_eq!(Date::new(2022, 2, 29), None);
    }

    #[test]
    fn same_as_normalises_comparators_numbers_and_units() {
        let same = |a: &str, b: &str| parse(a).unwrap().same_as(&parse(b).unwrap());
        assert!(same("≥ 5000 人次", ">=5000人次"));
        assert!(same("≥ 5000 人次", "不低于5000人次"));
        assert!(same("≥ 5000 人次", "5000人次以上"));
        assert!(same("5000", "5000.0"));
        assert!(same("≤ 150 万元", "≤ 1,500,000 元"));
        assert!(same("≤ 150 万元", "不超过1500000.00元"));
        assert!(same("95%", "９５％"));
        assert!(same("95%", "95.0%"));
        assert!(same("≤ 2022-06-30", "2022年6月30日前"));
        assert!(same("100-200 万元", "1000000-2000000 元"));
        assert!(same("明显提升", " 明显提升 "));
        assert!(!same("≥ 5000 人次", "5000 人次"));
        assert!(!same("≥ 5000 人次", "≥ 5000 人"));
        assert!(!same("≥ 5000 人次", "> 5000 人次"));
        assert!(!same("≥ 5000", "≥ 5000 人次"));
        assert!(!same("95%", "0.95"));
        assert!(!same("150 万元", "150 元"));
        assert!(!same("明显提升", "有效提升"));
        assert!(!same("5000-6000", "5000"));
    }

    /// Odd input of every kind must come back as Ok or a ValueError whose span
    /// lies on char boundaries of the input: never a panic.
    #[test]
    fn odd_input_never_panics() {
        let fixed = [
            String::new(),
            "   ".into(),
            "\u{3000}\u{3000}".into(),
            "≥≥".into(),
            "≥ ≥ ≥".into(),
            "9".repeat(40),
            "9".repeat(5000),
            "1e400".into(),
            "-1E-400".into(),
            "\u{0}\u{1}5\u{7f}人次".into(),
            "5\u{0}".into(),
            "\u{200b}5".into(),
            "\u{301}\u{301}".into(),
            "５\u{301}".into(),
            "㎡５".into(),
            "%%%".into(),
            "1,".repeat(200),
            ".".repeat(100),
            "≥".repeat(1000),
            "９".repeat(60),
            "2022年".repeat(50),
            "\u{FFFD}".into(),
            "5000-6000-7000".into(),
            "90%-95%-99%".into(),
            "2022-06-30-01".into(),
            "9999-12-31".into(),
            "79228162514264337593543950335".into(),
            "79228162514264337593543950336".into(),
            "-79228162514264337593543950335 元".into(),
        ];
        for text in &fixed {
            survive(text);
        }
        // Deterministic combinations of the grammar's own pieces.
        let pieces = [
            "≥",
            "不低于",
            "达到",
            "5",
            "0",
            ",",
            ".",
            "%",
            "-",
            "~",
            "—",
            "年",
            "月",
            "日",
            "底",
            "人次",
            " ",
            "\u{3000}",
            "５",
            "％",
            "，",
            "e",
            "\u{0}",
            "前",
            "以上",
            "内",
            "完成",
            "9999",
            "2022",
            "02",
            "29",
            "至",
            "(",
            "元",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut text = String::new();
        for _ in 0..20_000 {
            text.clear();
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            for k in 0..1 + (seed >> 60) as usize % 8 {
                let i = (seed >> (k * 5 % 40)) as usize % pieces.len();
                text.push_str(pieces[i]);
            }
            survive(&text);
        }
    }

    fn survive(text: &str) {
        assert_eq!(
            parse(text),
            parse_by_grammar(text),
            "{text:?}: paths differ"
        );
        match parse(text) {
            Ok(v) => {
                if let Some(u) = v.unit.as_deref() {
                    assert!(!u.is_empty() && u.trim() == u, "{text:?}: unit {u:?}");
                }
                assert_eq!(&*v.text, text.trim());
            }
            Err(e) => {
                let end = e.offset + e.len;
                assert!(end <= text.len(), "{text:?}: {e:?}");
                assert!(text.is_char_boundary(e.offset) && text.is_char_boundary(end));
            }
        }
    }

    /// The shapes most declarations use are answered by the fast path (so a
    /// change that quietly sends them back to the grammar fails here), and the
    /// shapes it must leave alone are not.
    #[test]
    fn fast_path_covers_the_common_shapes() {
        let answered = [
            "≥ 5000 人次",
            "不低于95%",
            "≤ 2022-06-30",
            "97%",
            "29.5896 万元",
            "5230 人次",
            "达到",
            "基本达到",
            "明显提升",
            "≤ 150 万元",
            "不超过120.4万元",
            "= 100%",
            "0 起",
            "≥4个",
            "不少于15931平方米",
            "不超过208元/人次",
            "≤ 2020 元/人",
            "不低于108 万元",
            "≥ 10 年",
            "2023-10-20",
            "97.5%",
            "５０００人次",
            "＝100%",
            "2022/6/30",
            "",
        ];
        for text in answered {
            assert!(
                fast_path_answers(text),
                "{text:?} should take the fast path"
            );
        }
        let declined = [
            "95%以上",
            "30天内",
            "5000-6000 人次",
            "1,234.5",
            "-5%",
            "2022年6月30日",
            "2022-02-30",
            "≥",
            "≥ abc",
            "1.2.3",
            "于2022年10月31日前完成",
            "5000人次以上",
            "500人左右",
            "6月30日前",
            "10000㎡",
            "9".repeat(40).leak(),
        ];
        for text in declined {
            assert!(
                !fast_path_answers(text),
                "{text:?} should go to the grammar"
            );
        }
    }

    mod equivalence {
        //! Property: `parse` (fast path first) and `parse_by_grammar` agree on
        //! every input: the same value, or the same error at the same span.
        use super::super::{fast_path_answers, parse, parse_by_grammar};
        use proptest::prelude::*;

        const LEAD: &[&str] = &["", "", " ", "\u{3000}", "\t", "\u{A0}"];
        const CMP: &[&str] = &[
            "",
            "",
            "",
            "≥",
            ">=",
            "≤",
            "<=",
            ">",
            "<",
            "=",
            "＝",
            "≧",
            "⩽",
            "＞＝",
            "不低于",
            "不少于",
            "不小于",
            "至少",
            "达到",
            "达到或超过",
            "大于等于",
            "大于",
            "高于或等于",
            "不超过",
            "不高于",
            "不大于",
            "最多",
            "控制在",
            "小于等于",
            "小于",
            "低于",
            "等于",
            "于",
            "超过",
            "不晚于",
            "基本",
            "≥≥",
            "≥ 不低于",
        ];
        const SP: &[&str] = &["", "", " ", "  ", "\u{3000}", "\u{A0}", "\t"];
        const DIGITS: &[&str] = &[
            "0",
            "5",
            "95",
            "100",
            "2022",
            "5000",
            "15931",
            "00",
            "06",
            "1",
            "12",
            "13",
            "31",
            "30",
            "29",
            "9999",
            "0000",
            "５",
            "９５",
            "２０２２",
            "79228162514264337593543950335",
            "99999999999999999999999999999",
        ];
        const FRAC: &[&str] = &["", "", "", ".5", ".5896", ".0", ".", ".00", "．５", ".5.5"];
        const AFTER: &[&str] = &[
            "",
            "",
            "",
            "%",
            " %",
            "％",
            "﹪",
            "%%",
            "人次",
            " 人次",
            "万元",
            " 万元",
            "元/人次",
            "个",
            "起",
            " 起",
            "年",
            "月",
            "日",
            "天",
            "个工作日",
            "平方米",
            "以上",
            "及以上",
            "以下",
            "以内",
            "内",
            "之内",
            "左右",
            "前",
            "完成",
            "%以上",
            "人以上",
            "天内完成",
            "-6000",
            "~6000",
            "～6000",
            "—6000",
            "至6000",
            "到6000",
            "-",
            "/",
            ",000",
            ",00",
            "e5",
            "E+5",
            "abc",
            "㎡",
            "①",
            "人 次",
            "人次以上完成",
            "(万元)",
            "[个]",
            "≥5",
            "-06-30",
            "/6/30",
            ".6.30",
            "年6月30日",
            "年6月",
            "年底",
            "年末",
            "月30日",
            "月底",
            "-02-29",
            "-13-01",
            "-6-31",
            "-06-30前",
            "-06-30 完成",
            "-06-301",
            "年6月30日前",
        ];

        fn pick(list: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
            prop::sample::select(list)
        }

        /// Values built like real ones: lead, comparator, space, number, space,
        /// then what may follow a number (units, %, suffixes, ranges, dates).
        fn shaped() -> impl Strategy<Value = String> {
            (
                pick(LEAD),
                pick(CMP),
                pick(SP),
                prop::option::weighted(0.1, pick(&["+", "-", "."])),
                pick(DIGITS),
                pick(FRAC),
                pick(SP),
                pick(AFTER),
                pick(LEAD),
            )
                .prop_map(|(l, c, s1, sign, d, f, s2, a, t)| {
                    format!("{l}{c}{s1}{}{d}{f}{s2}{a}{t}", sign.unwrap_or(""))
                })
        }

        /// Free combinations of the same pieces and odd characters.
        fn pieces() -> impl Strategy<Value = String> {
            let all: Vec<&'static str> = [LEAD, CMP, SP, DIGITS, FRAC, AFTER]
                .concat()
                .into_iter()
                .chain(["\u{0}", "\u{200b}", "\u{301}", "\u{FFFD}", "\n", "—", "底"])
                .collect();
            prop::collection::vec(prop::sample::select(all), 0..7).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4000))]

            #[test]
            fn fast_path_equals_grammar(text in prop_oneof![3 => shaped(), 1 => pieces(), 1 => ".{0,12}"]) {
                let fast = parse(&text);
                prop_assert_eq!(&fast, &parse_by_grammar(&text), "{:?}", text);
                if fast_path_answers(&text) {
                    prop_assert!(fast.is_ok(), "the fast path answered an error: {:?}", text);
                }
            }
        }
    }
}
