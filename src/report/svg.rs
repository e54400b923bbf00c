//! The execution-rate chart: one horizontal bar per project (names are long
//! Chinese phrases, so they go on the left), coloured by the traffic light,
//! with its rate written at the end of the bar and dashed reference lines at
//! 60 % and 80 %. Inline SVG with a `viewBox`, so it scales to the page and
//! prints sharply; geometry is computed in exact decimals, so the markup is
//! the same on every machine.

use super::Light;
use crate::diag::Lang;
use crate::escape::html as escape;
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::Write as _;

/// One bar.
pub struct Bar<'a> {
    pub label: &'a str,
    /// Executed / total as a fraction (may exceed 1: the bar stops at 100 %).
    pub rate: Decimal,
}

const WIDTH: i64 = 680;
/// Left edge of the bars; names are right-aligned before it.
const X0: i64 = 214;
/// Width of 100 %.
const SPAN: i64 = 400;
const TOP: i64 = 30;
const ROW: i64 = 24;
const BAR: i64 = 14;
const FONT: i64 = 12;

/// x of a rate (clamped to 0–100 %, so the arithmetic stays within a few
/// hundred and cannot overflow), to one decimal of a pixel.
fn x_of(rate: Decimal) -> Decimal {
    let r = rate.clamp(Decimal::ZERO, Decimal::ONE);
    (Decimal::from(X0) + r * Decimal::from(SPAN))
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// A name cut to fit `max` pixels at the chart's font size (CJK characters
/// are about one em wide, ASCII about half), with `…` when cut.
fn fit(label: &str, max: i64) -> String {
    let width = |c: char| if c.is_ascii() { FONT * 6 / 10 } else { FONT };
    let total: i64 = label.chars().map(width).sum();
    if total <= max {
        return label.to_owned();
    }
    let mut out = String::new();
    let mut used = FONT; // room for the ellipsis
    for c in label.chars() {
        used += width(c);
        if used > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The chart as an `<svg>` element; `title` is its accessible name.
pub fn bar_chart(bars: &[Bar<'_>], title: &str, lang: Lang) -> String {
    let n = bars.len() as i64;
    let height = TOP + n * ROW + 26;
    let bottom = TOP + n * ROW;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\" font-size=\"{FONT}\">",
        escape(title)
    );
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    // Grid and axis: every 20 %.
    for step in 0..=5 {
        let rate = Decimal::new(step * 2, 1);
        let x = x_of(rate);
        let _ = writeln!(
            s,
            "<line x1=\"{x}\" y1=\"{TOP}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"#ddd\" stroke-width=\"1\"/>\
             <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\" font-size=\"10\">{}%</text>",
            bottom + 14,
            step * 20
        );
    }
    let _ = writeln!(
        s,
        "<line x1=\"{X0}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"#555\" stroke-width=\"1\"/>",
        X0 + SPAN
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + i as i64 * ROW + (ROW - BAR) / 2;
        let light = Light::of(bar.rate);
        let end = x_of(bar.rate);
        let width = end - Decimal::from(X0);
        let rate = super::percent(bar.rate);
        let _ = writeln!(
            s,
            "<g class=\"bar {cls}\"><title>{name}: {rate} ({word})</title>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{short}</text>\
             <rect x=\"{X0}\" y=\"{y}\" width=\"{width}\" height=\"{BAR}\" fill=\"{fill}\"/>\
             <text x=\"{vx}\" y=\"{ty}\" fill=\"#222\">{rate}</text></g>",
            cls = light.class(),
            name = escape(bar.label),
            word = light.label(lang),
            lx = X0 - 6,
            ty = y + BAR - 3,
            short = escape(&fit(bar.label, X0 - 12)),
            fill = light.colour(),
            vx = end + Decimal::from(4),
        );
    }
    // Reference lines on top of the bars.
    for (rate, text) in [(Decimal::new(6, 1), "60%"), (Decimal::new(8, 1), "80%")] {
        let x = x_of(rate);
        let _ = writeln!(
            s,
            "<line class=\"ref\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"#333\" \
             stroke-width=\"1.2\" stroke-dasharray=\"4 3\"/>\
             <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333\">{text}</text>",
            TOP - 12,
            TOP - 16
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn bars_scale_to_rates_and_reference_lines_are_drawn() {
        let bars = [
            Bar {
                label: "居家养老项目",
                rate: Decimal::from_str("0.197264").unwrap(),
            },
            Bar {
                label: "<script>x</script>",
                rate: Decimal::from_str("1.2").unwrap(),
            },
            Bar {
                label: "溢出",
                rate: Decimal::MAX,
            },
        ];
        let svg = bar_chart(&bars, "执行率", Lang::Zh);
        // 19.7264 % of 400 px is 78.9 px; above 100 % stops at 400.
        assert!(svg.contains("width=\"78.9\""), "{svg}");
        assert!(svg.contains("width=\"400\""), "{svg}");
        assert!(svg.contains("19.73%") && svg.contains("120.00%"));
        assert!(svg.contains(">60%</text>") && svg.contains(">80%</text>"));
        assert!(svg.contains("x1=\"454\"") && svg.contains("x1=\"534\""));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
    }

    #[test]
    fn long_names_are_cut_to_fit() {
        assert_eq!(fit("居家养老项目", 200), "居家养老项目");
        let cut = fit("落实习总书记视察滨河改造提升项目再加一些字", 200);
        assert!(cut.ends_with('…') && cut.chars().count() <= 16, "{cut}");
    }
}
