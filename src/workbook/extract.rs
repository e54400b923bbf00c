//! One sheet's grid + a layout → the declaration it holds (`Decl`): labelled
//! fields, the funds block, the indicator table (merged 一级/二级 carried
//! down), the closing rows. Positions come from the labels, never fixed.

use super::CellRef;
use super::layout::{Layout, norm};
use std::collections::HashMap;

/// A value and the cell it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Val {
    pub text: String,
    pub cell: CellRef,
}

#[derive(Clone, Debug, Default)]
pub struct Indicator {
    pub l1: Option<Val>,
    pub l2: Option<Val>,
    /// Canonical field name (`name`, `target`, …) → value, in column order.
    pub fields: Vec<(String, Val)>,
}

/// What one sheet declares, before it is written as YAML.
#[derive(Clone, Debug, Default)]
pub struct Decl {
    pub kind: String,
    pub scope: Option<String>,
    pub year: Option<Val>,
    pub unit: Option<Val>,
    /// Dotted path (`project.name`, `budget.total`, `measures`) → value.
    pub fields: Vec<(String, Val)>,
    /// Source key → its columns (`initial`, `total`, `executed`).
    pub sources: Vec<(String, Vec<(String, Val)>)>,
    pub indicators: Vec<Indicator>,
}

impl Decl {
    pub fn get(&self, path: &str) -> Option<&Val> {
        self.fields.iter().find(|(p, _)| p == path).map(|(_, v)| v)
    }
    fn set(&mut self, path: &str, v: Val) {
        if self.get(path).is_none() {
            self.fields.push((path.to_string(), v));
        }
    }
}

/// Cell texts that mean "nothing here".
pub fn is_missing(s: &str) -> bool {
    let t = s.trim();
    t.is_empty()
        || matches!(
            t,
            "—" | "——" | "-" | "--" | "－" | "/" | "／" | "*" | "＊" | "…" | "……" | "..." | "/ "
        )
}

/// Cells of merged ranges expanded per sheet, in all.
pub const MAX_MERGED: u64 = 1_000_000;

/// The sheet as the extractor sees it: merged cells expanded.
pub struct View<'a> {
    pub sheet: u32,
    pub rows: &'a [Vec<String>],
    /// For every cell inside a merge: the merge (r0, c0, r1, c1).
    merge_of: HashMap<(u32, u32), (u32, u32, u32, u32)>,
    norms: Vec<Vec<String>>,
    pub height: u32,
    pub width: u32,
}

impl<'a> View<'a> {
    pub fn new(sheet: u32, rows: &'a [Vec<String>], merges: &[(u32, u32, u32, u32)]) -> View<'a> {
        let height = rows.len() as u32;
        let width = rows.iter().map(Vec::len).max().unwrap_or(0) as u32;
        let mut merge_of = HashMap::new();
        // at most MAX_MERGED cells expanded in all: overlapping or huge merges
        // beyond that are ignored
        let mut budget: u64 = MAX_MERGED;
        for &(r0, c0, r1, c1) in merges {
            let (r1, c1) = (
                r1.min(height.saturating_sub(1)),
                c1.min(width.saturating_sub(1)),
            );
            if r0 > r1 || c0 > c1 {
                continue;
            }
            let size = (r1 - r0 + 1) as u64 * (c1 - c0 + 1) as u64;
            if size > budget {
                continue;
            }
            budget -= size;
            for r in r0..=r1 {
                for c in c0..=c1 {
                    merge_of.insert((r, c), (r0, c0, r1, c1));
                }
            }
        }
        let mut v = View {
            sheet,
            rows,
            merge_of,
            norms: Vec::new(),
            height,
            width,
        };
        v.norms = (0..height)
            .map(|r| (0..width).map(|c| norm(v.text(r, c))).collect())
            .collect();
        v
    }

    /// The text shown at (r, c): a merged cell's text everywhere in its range.
    pub fn text(&self, r: u32, c: u32) -> &str {
        let (r, c) = match self.merge_of.get(&(r, c)) {
            Some(&(r0, c0, ..)) => (r0, c0),
            None => (r, c),
        };
        self.rows
            .get(r as usize)
            .and_then(|row| row.get(c as usize))
            .map_or("", String::as_str)
    }
    pub fn norm(&self, r: u32, c: u32) -> &str {
        self.norms
            .get(r as usize)
            .and_then(|row| row.get(c as usize))
            .map_or("", String::as_str)
    }
    pub fn merge(&self, r: u32, c: u32) -> (u32, u32, u32, u32) {
        self.merge_of.get(&(r, c)).copied().unwrap_or((r, c, r, c))
    }
    fn is_top_left(&self, r: u32, c: u32) -> bool {
        let m = self.merge(r, c);
        m.0 == r && m.1 == c
    }
    pub fn cell(&self, r: u32, c: u32) -> CellRef {
        let (r0, c0, r1, c1) = self.merge(r, c);
        CellRef {
            sheet: self.sheet,
            row: r0,
            col: c0,
            last_row: r1,
            last_col: c1,
        }
    }
    fn val(&self, r: u32, c: u32) -> Option<Val> {
        let t = self.text(r, c).trim();
        (!is_missing(t)).then(|| Val {
            text: t.to_string(),
            cell: self.cell(r, c),
        })
    }
    fn labels(&self) -> std::collections::HashSet<&str> {
        self.norms
            .iter()
            .flatten()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Does `layout` describe this sheet?
pub fn matches(view: &View<'_>, layout: &Layout) -> bool {
    let labels = view.labels();
    if !layout
        .detect
        .iter()
        .all(|g| g.iter().any(|l| labels.contains(l.as_str())))
    {
        return false;
    }
    if layout.reject.iter().any(|l| labels.contains(l.as_str())) {
        return false;
    }
    if !layout.title_contains.is_empty() {
        // a title: a cell of the first four rows naming a table (…表) that
        // holds every text (a project named 部门整体支出 is not a title)
        let titled = (0..view.height.min(4))
            .flat_map(|r| (0..view.width).map(move |c| (r, c)))
            .map(|(r, c)| view.norm(r, c))
            .any(|n| {
                n.contains('表') && layout.title_contains.iter().all(|t| n.contains(t.as_str()))
            });
        if !titled {
            return false;
        }
    }
    true
}

/// Read the declaration `layout` finds in `view`.
pub fn extract(view: &View<'_>, layout: &Layout) -> Decl {
    let mut d = Decl {
        kind: layout.kind.clone(),
        scope: layout.scope.clone(),
        ..Decl::default()
    };
    let mut consumed = vec![false; view.height as usize];
    let summary = layout.kind == "summary";

    // the indicator table
    let table = if summary {
        None
    } else {
        indicator_table(view, layout)
    };
    let mut score_col = None;
    let mut table_end = view.height;
    if let Some(t) = &table {
        for r in t.header..t.end {
            consumed[r as usize] = true;
        }
        score_col = t.cols.iter().find(|(_, p)| p == "score").map(|(c, _)| *c);
        table_end = t.end;
        d.indicators = indicators(view, layout, t);
    }

    // the funds block
    if !summary {
        funds(
            view,
            layout,
            &mut d,
            &mut consumed,
            table.as_ref().map(|t| t.header),
        );
    }

    // the closing score row, right after the table
    if let Some(t) = &table {
        closing_score(view, layout, &mut d, t, score_col, table_end);
    }

    // labelled fields anywhere else
    for r in 0..view.height {
        if consumed[r as usize] {
            continue;
        }
        for c in 0..view.width {
            if !view.is_top_left(r, c) {
                continue;
            }
            let label = view.norm(r, c);
            if label.is_empty() {
                continue;
            }
            if let Some(path) = layout.field(label) {
                if d.get(path).is_some() {
                    continue;
                }
                if let Some(v) = field_value(view, layout, r, c, &consumed) {
                    d.set(path, v);
                }
            } else if let Some(src) = layout.funds_row(label)
                && src != "budget"
            {
                // `其中：财政拨款 | 180` outside a funds block
                if !d.sources.iter().any(|(s, _)| s == src)
                    && let Some(v) = field_value(view, layout, r, c, &consumed)
                {
                    d.sources
                        .push((src.to_string(), vec![("total".to_string(), v)]));
                }
            } else if let Some((l, rest)) = split_label(view.text(r, c))
                && let Some(path) = layout.field(&norm(l))
                && d.get(path).is_none()
                && !is_missing(rest)
            {
                d.set(
                    path,
                    Val {
                        text: rest.trim().to_string(),
                        cell: view.cell(r, c),
                    },
                );
            }
        }
    }

    // year: a 年度 field, else the title
    if let Some(v) = d.get("year").cloned() {
        d.fields.retain(|(p, _)| p != "year");
        if let Some(y) = find_year(&v.text) {
            d.year = Some(Val { text: y, ..v });
        }
    }
    if d.year.is_none() {
        'rows: for r in 0..view.height.min(8) {
            for c in 0..view.width {
                if view.is_top_left(r, c)
                    && let Some(y) = find_year(view.text(r, c))
                {
                    d.year = Some(Val {
                        text: y,
                        cell: view.cell(r, c),
                    });
                    break 'rows;
                }
            }
        }
    }

    // codes glued to names: `219-池州市…`
    for path in ["project.department", "department"] {
        if let Some(i) = d.fields.iter().position(|(p, _)| p == path)
            && let Some((_, name)) = split_code(&d.fields[i].1.text)
        {
            d.fields[i].1.text = name;
        }
    }
    if let Some(i) = d.fields.iter().position(|(p, _)| p == "project.name")
        && let Some((code, name)) = split_code(&d.fields[i].1.text)
    {
        let cell = d.fields[i].1.cell;
        d.fields[i].1.text = name;
        d.set("project.code", Val { text: code, cell });
    }

    // the money unit printed in a label
    if !summary {
        'unit: for r in 0..view.height {
            for c in 0..view.width {
                if !view.is_top_left(r, c) {
                    continue;
                }
                let t = view.text(r, c);
                if t.chars().count() > 40 {
                    continue;
                }
                let unit = if t.contains("(万元)") || t.contains("（万元）") {
                    "万元"
                } else if t.contains("(元)") || t.contains("（元）") {
                    "元"
                } else {
                    continue;
                };
                d.unit = Some(Val {
                    text: unit.into(),
                    cell: view.cell(r, c),
                });
                break 'unit;
            }
        }
    }
    d
}

fn split_label(text: &str) -> Option<(&str, &str)> {
    let i = text.find(['：', ':'])?;
    let sep = text[i..].chars().next()?.len_utf8();
    let (l, rest) = (&text[..i], &text[i + sep..]);
    (!l.trim().is_empty() && !rest.trim().is_empty()).then_some((l, rest))
}

/// `219-池州市民政局` → (`219`, `池州市民政局`): a code is letters and digits
/// with at least one digit, then a dash, underscore or space.
pub fn split_code(s: &str) -> Option<(String, String)> {
    let end = s.find(|c: char| !c.is_ascii_alphanumeric())?;
    let code = &s[..end];
    if code.is_empty() || !code.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = &s[end..];
    let sep = rest.chars().next()?;
    if !matches!(sep, '-' | '－' | '—' | '_' | ' ' | '　' | ':' | '：') {
        return None;
    }
    let name = rest[sep.len_utf8()..]
        .trim_start_matches(['-', '—', ' ', '　'])
        .trim();
    (!name.is_empty()).then(|| (code.to_string(), name.to_string()))
}

fn find_year(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    for i in 0..chars.len() {
        if i + 4 <= chars.len()
            && chars[i..i + 4].iter().all(char::is_ascii_digit)
            && (i == 0 || !chars[i - 1].is_ascii_digit())
            && (i + 4 == chars.len() || !chars[i + 4].is_ascii_digit())
        {
            let y: String = chars[i..i + 4].iter().collect();
            let n: u32 = y.parse().ok()?;
            let after: String = chars[i + 4..].iter().take(3).collect();
            let after = after.trim_start();
            if (1990..=2100).contains(&n) && (after.starts_with('年') || chars.len() == 4) {
                return Some(y);
            }
        }
    }
    None
}

/// The value of a label at (r, c): the first non-empty cell to the right
/// (past the label's own merge) unless it is a label; else the cell below.
fn field_value(view: &View<'_>, layout: &Layout, r: u32, c: u32, consumed: &[bool]) -> Option<Val> {
    let (_, _, r1, c1) = view.merge(r, c);
    // below only when the label heads a column: a label to its right, or
    // nothing to its right at all (an empty value cell is an empty value)
    let mut below = c1 + 1 >= view.width;
    for cc in c1 + 1..view.width {
        let t = view.text(r, cc);
        if t.trim().is_empty() {
            continue;
        }
        let n = view.norm(r, cc);
        if layout.is_label(n) {
            below = true;
            break;
        }
        return view.val(r, cc);
    }
    if !below {
        return None;
    }
    let rb = r1 + 1;
    if rb < view.height && !consumed[rb as usize] {
        let n = view.norm(rb, c);
        if !n.is_empty() && !layout.is_label(n) {
            return view.val(rb, c);
        }
    }
    None
}

struct Table {
    header: u32,
    /// First data row.
    first: u32,
    /// One past the last data row.
    end: u32,
    /// Column → canonical field.
    cols: Vec<(u32, String)>,
}

fn is_header_row(view: &View<'_>, layout: &Layout, r: u32) -> bool {
    let mut has_l1 = false;
    let mut has_name = false;
    for c in 0..view.width {
        match layout.indicator_column(view.norm(r, c)) {
            Some("level1") => has_l1 = true,
            Some("name") => has_name = true,
            _ => {}
        }
    }
    has_l1 && has_name
}

fn indicator_table(view: &View<'_>, layout: &Layout) -> Option<Table> {
    let headers: Vec<u32> = (0..view.height)
        .filter(|&r| is_header_row(view, layout, r))
        .collect();
    let header = match (headers.as_slice(), &layout.annual_table) {
        ([], _) => return None,
        ([h], _) => *h,
        (hs, Some(mark)) => {
            // the table after the last cell naming the mark (年度), else the last
            let mut chosen = *hs.last()?;
            let mut from = 0;
            for &h in hs {
                let named = (from..h)
                    .any(|r| (0..view.width).any(|c| view.norm(r, c).contains(mark.as_str())));
                if named {
                    chosen = h;
                }
                from = h + 1;
            }
            chosen
        }
        (hs, None) => hs[0],
    };
    let mut cols: Vec<(u32, String)> = Vec::new();
    for c in 0..view.width {
        if let Some(p) = layout.indicator_column(view.norm(header, c)) {
            cols.push((c, p.to_string()));
        }
    }
    // a second header row under the first (split value columns)
    let mut first = header + 1;
    if first < view.height {
        let sub: Vec<(u32, String)> = (0..view.width)
            .filter(|&c| view.merge(first, c).0 == first)
            .filter_map(|c| {
                layout
                    .indicator_column(view.norm(first, c))
                    .map(|p| (c, p.to_string()))
            })
            .collect();
        if sub.len() >= 2 {
            for (c, p) in sub {
                match cols.iter_mut().find(|(cc, _)| *cc == c) {
                    Some(e) => e.1 = p,
                    None => cols.push((c, p)),
                }
            }
            cols.sort();
            first += 1;
        }
    }
    // one column per field: the first
    let mut seen = std::collections::HashSet::new();
    cols.retain(|(_, p)| seen.insert(p.clone()));
    let mut end = first;
    while end < view.height {
        if is_header_row(view, layout, end) || is_stop_row(view, layout, end, header) {
            break;
        }
        end += 1;
    }
    Some(Table {
        header,
        first,
        end,
        cols,
    })
}

/// The first cell of a row that is its own (not a merge from above `top`).
fn first_own(view: &View<'_>, r: u32, top: u32) -> Option<u32> {
    (0..view.width).find(|&c| {
        let m = view.merge(r, c);
        let from_above = m.0 <= top && m.2 >= r && m.0 < r;
        !view.text(r, c).trim().is_empty() && !from_above
    })
}

fn is_stop_row(view: &View<'_>, layout: &Layout, r: u32, top: u32) -> bool {
    let Some(c) = first_own(view, r, top) else {
        return false;
    };
    let n = view.norm(r, c);
    layout.closing_score.iter().any(|l| l == n)
        || layout.not_data.iter().any(|l| n.starts_with(l.as_str()))
        || (layout.field(n).is_some() && layout.indicator_column(n).is_none())
}

fn indicators(view: &View<'_>, layout: &Layout, t: &Table) -> Vec<Indicator> {
    let col = |p: &str| t.cols.iter().find(|(_, q)| q == p).map(|(c, _)| *c);
    let (c1, c2) = (col("level1"), col("level2"));
    let mut out: Vec<Indicator> = Vec::new();
    let (mut last1, mut last2): (Option<Val>, Option<Val>) = (None, None);
    for r in t.first..t.end {
        let l1 = c1.and_then(|c| view.val(r, c));
        let l2 = c2.and_then(|c| view.val(r, c));
        let fields: Vec<(String, Val)> = t
            .cols
            .iter()
            .filter(|(_, p)| p != "level1" && p != "level2")
            .filter_map(|(c, p)| view.val(r, *c).map(|v| (p.clone(), v)))
            .collect();
        // a 一级 / 二级 written only on its first row carries down
        if l1.is_some() {
            if l1.as_ref().map(|v| &v.text) != last1.as_ref().map(|v| &v.text) {
                last2 = None;
            }
            last1 = l1;
        }
        if l2.is_some() {
            last2 = l2;
        }
        if fields.is_empty() {
            // a 二级 printed with no 三级 under it: an empty 二级 (JX104);
            // a 一级 with neither: an empty 一级
            let own = |c: Option<u32>| {
                c.filter(|&c| view.merge(r, c).0 == r)
                    .and_then(|c| view.val(r, c))
            };
            if let Some(l2) = own(c2) {
                out.push(Indicator {
                    l1: last1.clone(),
                    l2: Some(l2),
                    fields: Vec::new(),
                });
            } else if own(c1).is_some() && c2.is_some_and(|c| view.val(r, c).is_none()) {
                out.push(Indicator {
                    l1: last1.clone(),
                    l2: None,
                    fields: Vec::new(),
                });
            }
            continue;
        }
        let _ = layout;
        out.push(Indicator {
            l1: last1.clone(),
            l2: last2.clone(),
            fields,
        });
    }
    out
}

fn funds(
    view: &View<'_>,
    layout: &Layout,
    d: &mut Decl,
    consumed: &mut [bool],
    table_header: Option<u32>,
) {
    let header = (0..view.height).find(|&r| {
        Some(r) != table_header
            && !consumed[r as usize]
            && (0..view.width)
                .filter(|&c| {
                    view.is_top_left(r, c) && layout.funds_column(view.norm(r, c)).is_some()
                })
                .count()
                >= 3
    });
    let Some(h) = header else { return };
    let mut cols: Vec<(u32, String)> = Vec::new();
    for c in 0..view.width {
        if view.is_top_left(h, c)
            && let Some(k) = layout.funds_column(view.norm(h, c))
            && !cols.iter().any(|(_, kk)| kk == k)
        {
            cols.push((c, k.to_string()));
        }
    }
    let Some(&(first_col, _)) = cols.first() else {
        return;
    };
    consumed[h as usize] = true;
    let mut r = h + 1;
    let mut first = true;
    while r < view.height && r < h + 16 && !consumed[r as usize] {
        // the row's label: the last own cell left of the first funds column
        let label = (0..first_col)
            .rev()
            .find(|&c| {
                let m = view.merge(r, c);
                let from_above = m.0 <= h && m.0 < r;
                !view.text(r, c).trim().is_empty() && !from_above
            })
            .map(|c| view.norm(r, c).to_string());
        let target = match &label {
            Some(l) => match layout.funds_row(l) {
                Some(t) => t.to_string(),
                None => break,
            },
            None if first => "budget".to_string(),
            None => break,
        };
        first = false;
        let mut vals = Vec::new();
        for (c, k) in &cols {
            if let Some(v) = view.val(r, *c) {
                vals.push((k.clone(), v));
            }
        }
        if target == "budget" {
            for (k, v) in vals {
                match k.as_str() {
                    "weight" if v.text == "10" => {}
                    _ => d.set(&format!("budget.{k}"), v),
                }
            }
        } else {
            let vals: Vec<(String, Val)> = vals
                .into_iter()
                .filter(|(k, _)| matches!(k.as_str(), "initial" | "total" | "executed"))
                .collect();
            if !vals.is_empty() && !d.sources.iter().any(|(s, _)| *s == target) {
                d.sources.push((target, vals));
            }
        }
        consumed[r as usize] = true;
        r += 1;
    }
}

fn closing_score(
    view: &View<'_>,
    layout: &Layout,
    d: &mut Decl,
    t: &Table,
    score_col: Option<u32>,
    end: u32,
) {
    for r in end..view.height.min(end + 3) {
        let Some(c) = first_own(view, r, t.header) else {
            continue;
        };
        if !layout.closing_score.iter().any(|l| l == view.norm(r, c)) {
            continue;
        }
        // the 得分 column's cell; without one, the last number in the row
        let v = match score_col {
            Some(sc) => view.val(r, sc),
            None => (c + 1..view.width)
                .rev()
                .find_map(|cc| view.val(r, cc).filter(|v| v.text.parse::<f64>().is_ok())),
        };
        if let Some(v) = v {
            d.set("result.score", v);
        }
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_split_from_names() {
        assert_eq!(
            split_code("219-池州市民政局"),
            Some(("219".into(), "池州市民政局".into()))
        );
        assert_eq!(split_code("池州市民政局"), None);
        assert_eq!(split_code("ABC-池州"), None);
        assert_eq!(
            split_code("51000022T000001 乡村振兴"),
            Some(("51000022T000001".into(), "乡村振兴".into()))
        );
    }

    #[test]
    fn years_from_titles() {
        assert_eq!(find_year("（2022年度）"), Some("2022".into()));
        assert_eq!(find_year("2022年度项目支出绩效自评表"), Some("2022".into()));
        assert_eq!(find_year("2022"), Some("2022".into()));
        assert_eq!(find_year("编号 12022"), None);
        assert_eq!(find_year("5000人次"), None);
    }

    #[test]
    fn missing_markers() {
        for s in ["", " ", "—", "/", "*", "——"] {
            assert!(is_missing(s), "{s:?}");
        }
        assert!(!is_missing("无"));
    }
}
