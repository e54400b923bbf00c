//! A sheet's declaration (`Decl`) written as the canonical YAML `check`
//! reads: block style, canonical keys in the order of SPEC §1, every value
//! followed by a comment naming its cell (`executed: 29.5896  # 自评表!F6`),
//! strings quoted when plain YAML could misread them; and the byte range of
//! every value mapped to its cell.

use super::extract::{Decl, Val};
use super::{CellRef, CellSpan, Grid, Waiver, cell_name};
use rust_decimal::Decimal;

struct Out<'a> {
    text: String,
    cells: Vec<CellSpan>,
    sheets: &'a [Grid],
}

impl Out<'_> {
    fn key(&mut self, indent: usize, key: &str) {
        self.pad(indent);
        self.text.push_str(&yaml_key(key));
        self.text.push_str(":\n");
    }
    fn pad(&mut self, indent: usize) {
        for _ in 0..indent {
            self.text.push(' ');
        }
    }
    /// `key: value  # sheet!cell`; `number` values are written plain when
    /// they read as a number, text is quoted when it could be misread.
    fn kv(&mut self, indent: usize, key: &str, v: &Val, number: bool) {
        self.pad(indent);
        self.text.push_str(&yaml_key(key));
        self.text.push_str(": ");
        self.value(v, number);
    }
    fn value(&mut self, v: &Val, number: bool) {
        let start = self.text.len();
        self.text.push_str(&scalar(&v.text, number));
        let end = self.text.len();
        self.cells.push(CellSpan {
            start: start as u32,
            end: end as u32,
            cell: v.cell,
        });
        self.comment(&v.cell);
    }
    fn comment(&mut self, c: &CellRef) {
        let sheet = self
            .sheets
            .get(c.sheet as usize)
            .map_or("", |g| g.name.as_str());
        let sheet: String = sheet.chars().filter(|c| *c != '\n' && *c != '\r').collect();
        self.text.push_str("  # ");
        self.text.push_str(&sheet);
        self.text.push('!');
        self.text.push_str(&cell_name(c));
        self.text.push('\n');
    }
}

/// Amount-like text as a number: `1,234.5` → `1234.5`; `None` if it is not one.
fn plain_number(s: &str) -> Option<String> {
    let t: String = s.trim().chars().filter(|c| *c != ',').collect();
    let body = t.strip_suffix('%').unwrap_or(&t);
    body.parse::<Decimal>().ok()?;
    if body.starts_with('+') || body.starts_with('.') || body.ends_with('.') {
        return None;
    }
    Some(t)
}

fn scalar(s: &str, number: bool) -> String {
    if number && let Some(n) = plain_number(s) {
        return n;
    }
    if plain_ok(s) && (number || plain_number(s).is_none()) {
        return s.to_string();
    }
    quote(s)
}

fn yaml_key(k: &str) -> String {
    if plain_ok(k) && plain_number(k).is_none() {
        k.to_string()
    } else {
        quote(k)
    }
}

/// Text that plain YAML reads back unchanged as a string.
pub fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || s.chars().any(|c| c.is_control() || not_printable(c)) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    // flow indicators and full-width look-alikes the loader may flag
    if s.contains(['{', '}', '[', ']', ',']) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    )
}

/// Characters YAML does not allow as they are in a scalar (a byte order mark
/// inside the text, the noncharacters U+FFFE and U+FFFF): a cell holding one
/// is written quoted, the character escaped.
fn not_printable(c: char) -> bool {
    matches!(c, '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}')
}

/// A double-quoted YAML string.
pub fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => q.push_str("\\r"),
            '\t' => q.push_str("\\t"),
            c if c.is_control() => q.push_str(&format!("\\x{:02X}", c as u32 & 0xFF)),
            c if not_printable(c) => q.push_str(&format!("\\u{:04X}", c as u32)),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

const PROJECT: &[&str] = &[
    "name",
    "code",
    "department",
    "applicant",
    "declarant",
    "implementer",
    "leader",
    "attribute",
    "period",
    "basis",
];
const BUDGET_NUM: &[&str] = &[
    "initial",
    "total",
    "available",
    "executed",
    "execution_rate",
    "weight",
    "score",
];
const GOALS: &[&str] = &["annual", "long_term", "achieved"];
const TOP: &[&str] = &["measures", "conclusion", "problems", "notes"];
const IND_NUM: &[&str] = &["weight", "score", "target", "actual", "history"];

/// Write `d` as YAML; returns the text and the value spans (sorted).
pub fn emit(d: &Decl, sheet: &str, sheets: &[Grid], waivers: &[Waiver]) -> (String, Vec<CellSpan>) {
    let mut o = Out {
        text: String::new(),
        cells: Vec::new(),
        sheets,
    };
    o.text.push_str(&format!(
        "# jixiao import: {}\n",
        sheet.replace(['\n', '\r'], " ")
    ));
    o.text.push_str(&format!("kind: {}\n", d.kind));
    if let Some(y) = &d.year {
        o.kv(0, "year", y, true);
    }
    if d.kind == "summary" {
        summary(&mut o, d);
    } else {
        project(&mut o, d);
    }
    if !waivers.is_empty() {
        o.key(0, "waivers");
        for w in waivers {
            o.pad(2);
            o.text.push_str("- ");
            o.kv(
                0,
                "rule",
                &Val {
                    text: w.rule.clone(),
                    cell: w.cell,
                },
                false,
            );
            for (k, v) in [
                ("reason", &w.reason),
                ("approved_by", &w.approved_by),
                ("path", &w.path),
            ] {
                if let Some((t, cell)) = v {
                    o.kv(
                        4,
                        k,
                        &Val {
                            text: t.clone(),
                            cell: *cell,
                        },
                        false,
                    );
                }
            }
        }
    }
    o.cells.sort_by_key(|c| c.start);
    (o.text, o.cells)
}

fn summary(o: &mut Out<'_>, d: &Decl) {
    if let Some(v) = d.get("department") {
        o.kv(0, "department", v, false);
    }
    if let Some(v) = d.get("project_count") {
        o.kv(0, "project_count", v, true);
    }
    let budget: Vec<(&str, &Val)> = ["total", "executed", "execution_rate"]
        .iter()
        .filter_map(|k| d.get(&format!("budget.{k}")).map(|v| (*k, v)))
        .collect();
    if !budget.is_empty() {
        o.key(0, "budget");
        o.text.push_str("  unit: 万元\n");
        for (k, v) in budget {
            let v = if k == "execution_rate" {
                rate(v)
            } else {
                v.clone()
            };
            o.kv(2, k, &v, true);
        }
    }
    if let Some(v) = d.get("fully_executed") {
        let items: Vec<&str> = v
            .text
            .split(['、', '，', ',', '；', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if !items.is_empty() {
            o.key(0, "fully_executed");
            for it in items {
                o.pad(2);
                o.text.push_str("- ");
                o.value(
                    &Val {
                        text: it.to_string(),
                        cell: v.cell,
                    },
                    false,
                );
            }
        }
    }
}

/// A bare number under 执行率 is in percent points (the form's 执行率(%)):
/// written with `%` so that it reads the same everywhere.
fn rate(v: &Val) -> Val {
    let t = v.text.trim();
    if !t.ends_with('%') && plain_number(t).is_some() {
        Val {
            text: format!("{t}%"),
            cell: v.cell,
        }
    } else {
        v.clone()
    }
}

/// For readers that do not know number formats (xls, ods): an execution
/// rate typed as a fraction that agrees with executed / total (within half a
/// percent point) is that fraction as a percentage.
pub fn fraction_rates(d: &mut Decl) {
    let num = |p: &str| {
        d.get(p)
            .and_then(|v| plain_number(&v.text))
            .and_then(|t| t.parse::<Decimal>().ok())
    };
    let (Some(total), Some(exec)) = (num("budget.total"), num("budget.executed")) else {
        return;
    };
    let Some(i) = d
        .fields
        .iter()
        .position(|(p, _)| p == "budget.execution_rate")
    else {
        return;
    };
    let text = d.fields[i].1.text.trim().to_string();
    let Ok(v) = text.parse::<Decimal>() else {
        return;
    };
    if total.is_zero() || v > Decimal::ONE || v.is_sign_negative() {
        return;
    }
    let Some(ratio) = exec.checked_div(total) else {
        return;
    };
    if (ratio - v).abs() <= Decimal::new(5, 3) {
        d.fields[i].1.text = as_percent(v);
    }
}

fn as_percent(v: Decimal) -> String {
    let mut p = v * Decimal::ONE_HUNDRED;
    p.rescale(v.scale().saturating_sub(2));
    format!("{p}%")
}

/// For readers that do not know number formats (xls, ods): an indicator's
/// target or actual typed as a fraction in (0, 1] beside a percentage (the
/// other of the two ends in `%`) is that fraction as a percentage: a cell
/// shown as 93% holds 0.93.
pub fn fraction_indicators(d: &mut Decl) {
    for ind in &mut d.indicators {
        let pct = |k: &str, fs: &[(String, Val)]| {
            fs.iter()
                .any(|(kk, v)| kk == k && v.text.trim_end().ends_with('%'))
        };
        let (t_pct, a_pct) = (pct("target", &ind.fields), pct("actual", &ind.fields));
        for (k, v) in &mut ind.fields {
            let other = match k.as_str() {
                "target" => a_pct,
                "actual" => t_pct,
                _ => continue,
            };
            if !other {
                continue;
            }
            if let Ok(x) = v.text.trim().parse::<Decimal>()
                && x > Decimal::ZERO
                && x <= Decimal::ONE
                && v.text.contains('.')
            {
                v.text = as_percent(x);
            }
        }
    }
}

fn project(o: &mut Out<'_>, d: &Decl) {
    if let Some(s) = &d.scope
        && s == "department"
    {
        o.text.push_str("scope: department\n");
    }
    section(o, d, "project", PROJECT, &[]);
    // budget
    let has_budget = d.unit.is_some()
        || !d.sources.is_empty()
        || d.fields.iter().any(|(p, _)| p.starts_with("budget."));
    if has_budget {
        o.key(0, "budget");
        if let Some(u) = &d.unit {
            o.kv(2, "unit", u, false);
        }
        for k in ["initial", "total", "available"] {
            if let Some(v) = d.get(&format!("budget.{k}")) {
                o.kv(2, k, v, true);
            }
        }
        if !d.sources.is_empty() {
            o.key(2, "sources");
            for (s, cols) in &d.sources {
                match cols.as_slice() {
                    [(k, v)] if k == "total" => o.kv(4, s, v, true),
                    _ => {
                        o.key(4, s);
                        for (k, v) in cols {
                            o.kv(6, k, v, true);
                        }
                    }
                }
            }
        }
        for k in ["executed", "execution_rate", "weight", "score"] {
            if let Some(v) = d.get(&format!("budget.{k}")) {
                let v = if k == "execution_rate" {
                    rate(v)
                } else {
                    v.clone()
                };
                o.kv(2, k, &v, true);
            }
        }
        if let Some(v) = d.get("budget.underspend_reason") {
            o.kv(2, "underspend_reason", v, false);
        }
    }
    let _ = BUDGET_NUM;
    section(o, d, "goals", GOALS, &[]);
    // indicators: 一级 → 二级 → list, in table order, each group once
    if !d.indicators.is_empty() {
        o.key(0, "indicators");
        let mut l1s: Vec<String> = Vec::new();
        for i in &d.indicators {
            let k = label(&i.l1);
            if !l1s.contains(&k) {
                l1s.push(k);
            }
        }
        for l1 in &l1s {
            if d.indicators
                .iter()
                .filter(|i| label(&i.l1) == *l1)
                .all(|i| i.l2.is_none() && i.fields.is_empty())
            {
                // a 一级 printed with nothing under it
                o.pad(2);
                o.text.push_str(&yaml_key(l1));
                o.text.push_str(": {}\n");
                continue;
            }
            o.key(2, l1);
            let mut l2s: Vec<String> = Vec::new();
            for i in d
                .indicators
                .iter()
                .filter(|i| label(&i.l1) == *l1 && !(i.l2.is_none() && i.fields.is_empty()))
            {
                let k = label(&i.l2);
                if !l2s.contains(&k) {
                    l2s.push(k);
                }
            }
            for l2 in &l2s {
                o.key(4, l2);
                for i in d
                    .indicators
                    .iter()
                    .filter(|i| label(&i.l1) == *l1 && label(&i.l2) == *l2)
                {
                    // (an empty 二级 row has no fields: the key alone)
                    for (n, (k, v)) in i.fields.iter().enumerate() {
                        if n == 0 {
                            o.pad(6);
                            o.text.push_str("- ");
                            o.kv(0, k, v, IND_NUM.contains(&k.as_str()));
                        } else {
                            o.kv(8, k, v, IND_NUM.contains(&k.as_str()));
                        }
                    }
                }
            }
        }
    }
    for k in TOP {
        if let Some(v) = d.get(k) {
            o.kv(0, k, v, false);
        }
    }
    section(o, d, "result", &["score", "grade"], &["score"]);
}

/// A 一级/二级 label as written, whitespace (line breaks in a cell) removed.
fn label(v: &Option<Val>) -> String {
    v.as_ref()
        .map(|v| v.text.chars().filter(|c| !c.is_whitespace()).collect())
        .unwrap_or_default()
}

fn section(o: &mut Out<'_>, d: &Decl, name: &str, keys: &[&str], numbers: &[&str]) {
    let vals: Vec<(&str, &Val)> = keys
        .iter()
        .filter_map(|k| d.get(&format!("{name}.{k}")).map(|v| (*k, v)))
        .collect();
    if vals.is_empty() {
        return;
    }
    o.key(0, name);
    for (k, v) in vals {
        o.kv(2, k, v, numbers.contains(&k));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn val(t: &str) -> Val {
        let cell = crate::workbook::CellRef {
            sheet: 0,
            row: 0,
            col: 0,
            last_row: 0,
            last_col: 0,
        };
        Val {
            text: t.into(),
            cell,
        }
    }

    #[test]
    fn fractions_from_format_blind_readers_become_percentages() {
        let mut d = Decl::default();
        d.fields.push(("budget.total".into(), val("150")));
        d.fields.push(("budget.executed".into(), val("29.5896")));
        d.fields
            .push(("budget.execution_rate".into(), val("0.197")));
        d.indicators.push(crate::workbook::extract::Indicator {
            l1: None,
            l2: None,
            fields: vec![
                ("target".into(), val("≥ 90%")),
                ("actual".into(), val("0.93")),
            ],
        });
        d.indicators.push(crate::workbook::extract::Indicator {
            l1: None,
            l2: None,
            fields: vec![
                ("target".into(), val("≥ 5000 人次")),
                ("actual".into(), val("0.5")),
            ],
        });
        fraction_rates(&mut d);
        fraction_indicators(&mut d);
        assert_eq!(d.get("budget.execution_rate").unwrap().text, "19.7%");
        assert_eq!(d.indicators[0].fields[1].1.text, "93%");
        assert_eq!(d.indicators[1].fields[1].1.text, "0.5");
        // a rate that does not agree with executed / total stays percent points
        let mut d = Decl::default();
        d.fields.push(("budget.total".into(), val("150")));
        d.fields.push(("budget.executed".into(), val("150")));
        d.fields.push(("budget.execution_rate".into(), val("0.5")));
        fraction_rates(&mut d);
        assert_eq!(d.get("budget.execution_rate").unwrap().text, "0.5");
    }

    #[test]
    fn scalars_are_quoted_when_plain_yaml_would_misread_them() {
        assert_eq!(scalar("29.5896", true), "29.5896");
        assert_eq!(scalar("1,234.5", true), "1234.5");
        assert_eq!(scalar("19.7%", true), "19.7%");
        assert_eq!(scalar("≥ 5000 人次", false), "≥ 5000 人次");
        assert_eq!(scalar("2022", false), "\"2022\"");
        assert_eq!(scalar("a: b", false), "\"a: b\"");
        assert_eq!(scalar("- x", false), "\"- x\"");
        assert_eq!(scalar("yes", false), "\"yes\"");
        assert_eq!(scalar("多行\n文字", false), "\"多行\\n文字\"");
        assert_eq!(scalar("“三线”民兵补贴", false), "“三线”民兵补贴");
        assert_eq!(scalar("说 \"引号\"", false), "说 \"引号\"");
        assert_eq!(scalar("\"引号\" 开头", false), "\"\\\"引号\\\" 开头\"");
        assert_eq!(scalar("%", false), "\"%\"");
        // a byte order mark inside a cell (a fuzz input): quoted and escaped
        assert_eq!(scalar("时效\u{FEFF}标", false), "\"时效\\uFEFF标\"");
    }
}
