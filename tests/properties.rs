//! Properties over generated inputs (proptest): `agrees` rounds half-up at the
//! written scale like a reference implementation; amounts survive a round trip
//! through every way of writing them; the value parser recovers comparator,
//! number and unit from generated text; and indicator scores stay within
//! [0, weight].

use jixiao::amount::{self, MoneyUnit};
use jixiao::rules::eval::agrees;
use jixiao::score;
use jixiao::value::{self, Cmp, Quantity};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Half-up (away from zero) rounding of `m × 10^-c` to scale `s`, compared with
/// the reported `r × 10^-s`, in plain integers.
fn agrees_reference(r: i64, s: u32, m: i64, c: u32) -> bool {
    let (r, m) = (i128::from(r), i128::from(m));
    if c <= s {
        return m * 10i128.pow(s - c) == r;
    }
    let unit = 10i128.pow(c - s);
    let (mut q, rem) = (m / unit, m % unit);
    if rem.abs() * 2 >= unit {
        q += m.signum();
    }
    q == r
}

proptest! {
    #[test]
    fn agrees_is_half_up_at_the_reported_scale(
        m in -10_000_000_000i64..10_000_000_000,
        c in 0u32..10,
        s in 0u32..8,
        nudge in -3i64..=3,
    ) {
        let computed = Decimal::new(m, c);
        // Mostly near the right answer, so both outcomes are exercised.
        let mut near = computed.round_dp_with_strategy(
            s,
            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        );
        near.rescale(s);
        let r = i64::try_from(near.mantissa()).unwrap_or(0) + nudge;
        let reported = Decimal::new(r, s);
        prop_assert_eq!(agrees(reported, computed), agrees_reference(r, s, m, c),
            "reported {} computed {}", reported, computed);
    }
}

fn grouped(int: &str) -> String {
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | '.' | ',' | '%' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

proptest! {
    #[test]
    fn amounts_round_trip_with_their_scale(
        mantissa in 0u64..1_000_000_000_000_000,
        scale in 0u32..=6,
        group in any::<bool>(),
        wide in any::<bool>(),
        unit in 0usize..3,
        space in any::<bool>(),
    ) {
        let d = Decimal::new(mantissa as i64, scale);
        let plain = d.to_string();
        let (int, frac) = plain.split_once('.').map_or((plain.as_str(), None), |(i, f)| (i, Some(f)));
        let mut text = if group { grouped(int) } else { int.to_owned() };
        if let Some(f) = frac {
            text.push('.');
            text.push_str(f);
        }
        if wide {
            text = fullwidth(&text);
        }
        let sep = if space { " " } else { "" };
        let suffix = ["", "万元", "元"][unit];
        let written = format!("{text}{sep}{suffix}");

        let (v, u) = amount::parse_amount(&written)
            .map_err(|e| TestCaseError::fail(format!("{written:?}: {e:?}")))?;
        match unit {
            0 => {
                prop_assert_eq!(u, None);
                prop_assert_eq!(v, d);
                prop_assert_eq!(v.scale(), d.scale(), "scale kept: {}", written);
            }
            1 => {
                prop_assert_eq!(u, Some(MoneyUnit::Wan));
                prop_assert_eq!(v.scale(), d.scale());
                prop_assert_eq!(v, d);
            }
            _ => {
                prop_assert_eq!(u, Some(MoneyUnit::Yuan));
                prop_assert_eq!(v * Decimal::from(10_000), d, "{}", written);
            }
        }
        if unit == 0 {
            let n = amount::parse_decimal(&written)
                .map_err(|e| TestCaseError::fail(format!("{written:?}: {e:?}")))?;
            prop_assert_eq!(n.to_string(), plain);
        }
    }

    #[test]
    fn percentages_keep_the_written_scale(mantissa in 0u64..1_000_000, scale in 0u32..=4, wide in any::<bool>()) {
        let d = Decimal::new(mantissa as i64, scale);
        let mut text = format!("{d}%");
        if wide {
            text = fullwidth(&text);
        }
        let p = amount::parse_percent(&text)
            .map_err(|e| TestCaseError::fail(format!("{text:?}: {e:?}")))?;
        prop_assert_eq!(p * Decimal::ONE_HUNDRED, d);
        prop_assert_eq!(p.scale(), scale + 2);
    }
}

const COMPARATORS: &[(&str, Cmp)] = &[
    ("≥", Cmp::Ge),
    (">=", Cmp::Ge),
    ("不低于", Cmp::Ge),
    ("不少于", Cmp::Ge),
    ("不小于", Cmp::Ge),
    ("至少", Cmp::Ge),
    (">", Cmp::Gt),
    ("≤", Cmp::Le),
    ("<=", Cmp::Le),
    ("不高于", Cmp::Le),
    ("不超过", Cmp::Le),
    ("不大于", Cmp::Le),
    ("最多", Cmp::Le),
    ("<", Cmp::Lt),
    ("=", Cmp::Eq),
    ("＝", Cmp::Eq),
    ("等于", Cmp::Eq),
];

const UNITS: &[&str] = &["人次", "个", "天", "人", "万元", "场", "户", "公里", "元"];

fn comparator() -> impl Strategy<Value = Option<(&'static str, Cmp)>> {
    prop::option::of(prop::sample::select(COMPARATORS))
}

proptest! {
    #[test]
    fn values_recover_comparator_number_and_unit(
        cmp in comparator(),
        mantissa in 0u64..100_000_000_000,
        scale in 0u32..=4,
        unit in prop::option::of(prop::sample::select(UNITS)),
        percent in any::<bool>(),
        gap1 in prop::sample::select(&["", " ", "  "][..]),
        gap2 in prop::sample::select(&["", " "][..]),
    ) {
        let d = Decimal::new(mantissa as i64, scale);
        let tail = if percent {
            format!("{gap2}%")
        } else {
            unit.map_or(String::new(), |u| format!("{gap2}{u}"))
        };
        let text = format!("{}{gap1}{d}{tail}", cmp.map_or("", |c| c.0));
        let v = value::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e:?}")))?;
        prop_assert_eq!(v.cmp, cmp.map(|c| c.1), "{}", text);
        if percent {
            prop_assert_eq!(&v.quantity, &Quantity::Percent(d / Decimal::ONE_HUNDRED), "{}", text);
            prop_assert_eq!(v.unit.as_deref(), Some("%"));
        } else {
            prop_assert_eq!(&v.quantity, &Quantity::Number(d), "{}", text);
            if let Quantity::Number(n) = v.quantity {
                prop_assert_eq!(n.scale(), scale, "scale as written: {}", text);
            }
            prop_assert_eq!(v.unit.as_deref(), unit, "{}", text);
        }
    }

    #[test]
    fn scores_stay_within_zero_and_the_weight(
        cmp in comparator(),
        target in 0u64..1_000_000,
        tscale in 0u32..=2,
        actual in 0u64..2_000_000,
        ascale in 0u32..=2,
        unit in prop::sample::select(&["人次", "万元", "%", "天", ""][..]),
        weight in 0u64..=10_000,
        cost in any::<bool>(),
        qualitative in prop::option::of(prop::sample::select(
            &["达到", "基本达到", "部分达到", "未达到", "明显提升", "好", "较好", "一般", "差"][..])),
        reported in prop::option::of(0u64..=10_000),
    ) {
        let t = Decimal::new(target as i64, tscale);
        let a = Decimal::new(actual as i64, ascale);
        let w = Decimal::new(weight as i64, 2);
        let t_text = format!("{}{t}{unit}", cmp.map_or("", |c| c.0));
        let a_text = match qualitative {
            Some(q) => q.to_owned(),
            None => format!("{a}{unit}"),
        };
        let tv = value::parse(&t_text).map_err(|e| TestCaseError::fail(format!("{t_text:?}: {e:?}")))?;
        let av = value::parse(&a_text).map_err(|e| TestCaseError::fail(format!("{a_text:?}: {e:?}")))?;
        let rep = reported.map(|r| Decimal::new(r as i64, 2));
        if let Some(s) = score::indicator_score(&tv, &av, w, cost, rep) {
            prop_assert!(s >= Decimal::ZERO && s <= w,
                "score {} outside [0, {}] for {:?} / {:?} cost {}", s, w, t_text, a_text, cost);
        }
        if let Some(s) = score::execution_score(a, t) {
            prop_assert!(s >= Decimal::ZERO && s <= Decimal::TEN, "execution score {}", s);
        }
    }
}
