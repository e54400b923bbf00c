//! Fuzz the indicator-value parser (`≥ 5000 人次`, `不低于95%`, dates, ranges)
//! and the amount parsers, then the scoring functions on what they accept.
#![no_main]

use jixiao::{amount, score, value};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    // The first line is the target, the rest the actual value.
    let (t, a) = s.split_once('\n').unwrap_or((s, s));
    for text in [t, a] {
        let _ = amount::parse_decimal(text);
        let _ = amount::parse_amount(text);
        let _ = amount::parse_percent(text);
        match value::parse(text) {
            Ok(v) => {
                let _ = v.in_wan();
                let _ = v.is_percent();
                let _ = v.same_as(&v);
                let _ = v.to_string();
            }
            Err(e) => {
                assert!(
                    e.offset <= text.len() && e.offset + e.len <= text.len(),
                    "{e:?} in {text:?}"
                );
                assert!(text.is_char_boundary(e.offset) && text.is_char_boundary(e.offset + e.len));
            }
        }
    }
    if let (Ok(tv), Ok(av)) = (value::parse(t), value::parse(a)) {
        for cost in [false, true] {
            let _ = score::met(&tv, &av, cost);
            let _ = score::overshoot_ratio(&tv, &av, cost);
            for w in [
                Decimal::ZERO,
                Decimal::ONE,
                Decimal::from(15),
                Decimal::new(1234, 2),
            ] {
                if let Some(s) = score::indicator_score(&tv, &av, w, cost, None) {
                    assert!(
                        s >= Decimal::ZERO && s <= w,
                        "score {s} outside [0, {w}] for {t:?} / {a:?}"
                    );
                }
                let _ = score::indicator_score(&tv, &av, w, cost, Some(Decimal::from(7)));
            }
        }
        if let (Some(x), Some(y)) = (tv.number(), av.number()) {
            let _ = score::execution_score(x, y);
            let _ = score::grade(x);
        }
    }
});
