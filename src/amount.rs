//! Amounts of money and plain numbers, read from their source text as exact
//! decimals (never through f64): thousands separators in groups of three,
//! full-width digits, an optional `万元`/`元` suffix, the scale kept as written.

use rust_decimal::Decimal;
use std::borrow::Cow;

/// The most decimals an amount may carry (0.000001 万元 = 0.01 元).
pub const MAX_DECIMALS: u32 = 6;

/// Why a text is not an amount (JX005) or not a number (JX003).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumError {
    NotANumber,
    /// `12,3.4`: separators must split the integer part in groups of three.
    BadGrouping,
    /// More digits than an exact decimal holds (28 significant digits).
    TooLarge,
    Negative,
    TooManyDecimals(u32),
    /// `1e400`, `.inf`, `.nan`: not written as a plain decimal.
    NotDecimal,
}

impl NumError {
    pub fn zh(&self) -> String {
        match self {
            NumError::NotANumber => "不是数字".into(),
            NumError::BadGrouping => "千位分隔符位置不对（每组须为三位数字）".into(),
            NumError::TooLarge => "数字过大，超出精确小数的范围".into(),
            NumError::Negative => "金额不能为负数".into(),
            NumError::TooManyDecimals(n) => {
                format!("有 {n} 位小数，金额最多 {MAX_DECIMALS} 位小数")
            }
            NumError::NotDecimal => "须写成普通小数，不能用科学计数法、.inf 或 .nan".into(),
        }
    }
    pub fn en(&self) -> String {
        match self {
            NumError::NotANumber => "not a number".into(),
            NumError::BadGrouping => {
                "thousands separators must split the integer part into groups of three".into()
            }
            NumError::TooLarge => "too large for an exact decimal".into(),
            NumError::Negative => "an amount cannot be negative".into(),
            NumError::TooManyDecimals(n) => {
                format!("{n} decimals; an amount has at most {MAX_DECIMALS}")
            }
            NumError::NotDecimal => "write a plain decimal, not an exponent, .inf or .nan".into(),
        }
    }
}

/// A money unit, normalised to 万元 for every computation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyUnit {
    Wan,
    Yuan,
}

impl MoneyUnit {
    pub fn parse(s: &str) -> Option<MoneyUnit> {
        match s.trim() {
            "万元" | "万" => Some(MoneyUnit::Wan),
            "元" => Some(MoneyUnit::Yuan),
            _ => None,
        }
    }
    /// The amount in 万元.
    pub fn to_wan(self, v: Decimal) -> Decimal {
        match self {
            MoneyUnit::Wan => v,
            MoneyUnit::Yuan => v / Decimal::from(10_000),
        }
    }
}

/// Map full-width digits and punctuation to ASCII, borrowing when there are none.
pub fn halfwidth(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(is_fullwidth) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if is_fullwidth(c) {
                    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                } else if c == '\u{3000}' {
                    ' '
                } else {
                    c
                }
            })
            .collect(),
    )
}

fn is_fullwidth(c: char) -> bool {
    ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}'
}

/// A decimal number as written: optional sign, digits with optional groups of
/// three, optional fraction. Scale is kept. Full-width digits are accepted.
pub fn parse_decimal(text: &str) -> Result<Decimal, NumError> {
    let t = halfwidth(text.trim());
    let t = t.trim();
    let unsigned = t.trim_start_matches(['+', '-']);
    if [".inf", "inf", ".nan", "nan", "infinity"]
        .iter()
        .any(|w| unsigned.eq_ignore_ascii_case(w))
    {
        return Err(NumError::NotDecimal);
    }
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if body.is_empty() {
        return Err(NumError::NotANumber);
    }
    if body.bytes().any(|b| b == b'e' || b == b'E')
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'e' | b'E' | b'.' | b'+' | b'-'))
    {
        return Err(NumError::NotDecimal);
    }
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int.is_empty() && frac.is_none_or(str::is_empty) {
        return Err(NumError::NotANumber);
    }
    let int_digits: Cow<'_, str> = if int.contains(',') {
        let groups: Vec<&str> = int.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(if int.bytes().all(|b| b.is_ascii_digit() || b == b',') {
                NumError::BadGrouping
            } else {
                NumError::NotANumber
            });
        }
        Cow::Owned(groups.concat())
    } else {
        Cow::Borrowed(int)
    };
    if !int_digits.bytes().all(|b| b.is_ascii_digit())
        || !frac.unwrap_or("").bytes().all(|b| b.is_ascii_digit())
    {
        return Err(NumError::NotANumber);
    }
    let digits = int_digits.trim_start_matches('0').len() + frac.map_or(0, str::len);
    if digits > 28 {
        return Err(NumError::TooLarge);
    }
    // At most 28 significant digits: the mantissa fits in 96 bits and the
    // scale is at most 28, as `Decimal` needs.
    let frac = frac.unwrap_or("");
    let mantissa = int_digits
        .bytes()
        .chain(frac.bytes())
        .fold(0i128, |m, b| m * 10 + i128::from(b - b'0'));
    let mut d = Decimal::try_from_i128_with_scale(mantissa, frac.len() as u32)
        .map_err(|_| NumError::TooLarge)?;
    d.set_sign_negative(neg && mantissa != 0);
    Ok(d)
}

/// An amount: a non-negative decimal with at most [`MAX_DECIMALS`] decimals and an
/// optional unit suffix (`150 万元`, `250万`, `1,500,000 元`), returned in 万元 when a unit
/// is written, else in the caller's unit.
pub fn parse_amount(text: &str) -> Result<(Decimal, Option<MoneyUnit>), NumError> {
    let t = text.trim();
    let (num, unit) = if let Some(n) = t.strip_suffix("万元") {
        (n, Some(MoneyUnit::Wan))
    } else if let Some(n) = t.strip_suffix('万') {
        (n, Some(MoneyUnit::Wan))
    } else if let Some(n) = t.strip_suffix('元') {
        (n, Some(MoneyUnit::Yuan))
    } else {
        (t, None)
    };
    let v = parse_decimal(num)?;
    if v.is_sign_negative() && !v.is_zero() {
        return Err(NumError::Negative);
    }
    if v.scale() > MAX_DECIMALS {
        return Err(NumError::TooManyDecimals(v.scale()));
    }
    Ok((unit.map_or(v, |u| u.to_wan(v)), unit))
}

/// A percentage written with `%` (or `％`): the fraction, scale = written scale + 2
/// (`34.7%` → 0.347).
pub fn parse_percent(text: &str) -> Result<Decimal, NumError> {
    let t = halfwidth(text.trim());
    let Some(num) = t.trim().strip_suffix('%') else {
        return Err(NumError::NotANumber);
    };
    let v = parse_decimal(num)?;
    let scale = v.scale() + 2;
    let mut f = v / Decimal::ONE_HUNDRED;
    if scale <= 28 {
        f.rescale(scale);
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    /// The mantissa built from the digits is the decimal the text names,
    /// scale, sign and leading zeros included.
    #[test]
    fn decimals_are_what_their_text_says() {
        for t in [
            "0",
            "-0",
            "+0",
            "0.000",
            "-0.000",
            "-0.50",
            "007.250",
            "1200.50",
            ".5",
            "5.",
            "-12.0001",
            "9999999999999999999999999999",
            "0.0000000000000000000000000001",
            "1,234,567.891",
        ] {
            // What the text was read as before: digits handed to `from_str_exact`.
            let want = rust_decimal::Decimal::from_str_exact(&t.replace([',', '+'], "")).unwrap();
            let got = super::parse_decimal(t).unwrap();
            assert_eq!(
                (got, got.scale(), got.to_string()),
                (want, want.scale(), want.to_string()),
                "{t}"
            );
        }
    }

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn decimals_are_exact_and_keep_scale() {
        assert_eq!(parse_decimal("1200.50").unwrap().to_string(), "1200.50");
        assert_eq!(parse_decimal("1,234.5").unwrap(), d("1234.5"));
        assert_eq!(parse_decimal("１２３４.５").unwrap(), d("1234.5"));
        assert_eq!(
            parse_decimal("12345678901234567.89").unwrap().to_string(),
            "12345678901234567.89"
        );
        assert_eq!(
            parse_decimal("0.1").unwrap() + parse_decimal("0.2").unwrap(),
            d("0.3")
        );
        assert_eq!(parse_decimal("12,3.4"), Err(NumError::BadGrouping));
        assert_eq!(parse_decimal("1e400"), Err(NumError::NotDecimal));
        assert_eq!(parse_decimal(".nan"), Err(NumError::NotDecimal));
        assert_eq!(parse_decimal("-.inf"), Err(NumError::NotDecimal));
        assert_eq!(
            parse_decimal("1234567890123456789012345678901234567890"),
            Err(NumError::TooLarge)
        );
        assert_eq!(parse_decimal("abc"), Err(NumError::NotANumber));
        assert_eq!(parse_decimal("."), Err(NumError::NotANumber));
    }

    #[test]
    fn amounts_check_sign_decimals_and_units() {
        assert_eq!(
            parse_amount("1,500,000 元").unwrap(),
            (d("150"), Some(MoneyUnit::Yuan))
        );
        assert_eq!(parse_amount("29.5896").unwrap(), (d("29.5896"), None));
        assert_eq!(parse_amount("-1"), Err(NumError::Negative));
        assert_eq!(parse_amount("1.1234567"), Err(NumError::TooManyDecimals(7)));
    }

    #[test]
    fn percents_are_fractions_with_written_scale() {
        assert_eq!(parse_percent("34.7%").unwrap().to_string(), "0.347");
        assert_eq!(parse_percent("95 %").unwrap().to_string(), "0.95");
        assert_eq!(parse_percent("１９.７％").unwrap().to_string(), "0.197");
        assert_eq!(parse_percent("100%").unwrap().to_string(), "1.00");
        assert!(parse_percent("19.7").is_err());
    }
}
