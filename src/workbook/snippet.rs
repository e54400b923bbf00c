//! The cells around a finding, as the terminal and the page show them (SPEC
//! §5, "every finding points at a cell"). Each table keeps an [`Excerpt`] of
//! its sheet — the shown text of the part of the sheet it was read from, plus
//! a margin, trailing empty cells trimmed — and [`draw`] renders a small grid
//! from it: column letters across the top, row numbers down the side, each
//! cell's text cut to a display width (CJK characters count two columns), the
//! finding's cell underlined `^^^` with its label and other labelled cells
//! `---`, in the frame miette draws around a YAML snippet.

use super::{CellRef, Grid, col_name};
use unicode_width::UnicodeWidthStr;

/// Rows and columns kept around a table's cells (its labels sit to the left
/// and its title above the values).
const MARGIN_ABOVE: u32 = 4;
const MARGIN_LEFT: u32 = 4;
const MARGIN_BELOW: u32 = 2;
const MARGIN_RIGHT: u32 = 2;
/// The widest a cell's text is shown, in display columns (a merged cell may
/// use this much per column it spans).
pub const CELL_WIDTH: usize = 14;
/// Rows shown on either side of the finding's cell.
const CONTEXT_ROWS: u32 = 1;
/// Columns shown on either side of the labelled cells, room permitting.
const CONTEXT_COLS: u32 = 3;
/// How far (in rows) a secondary label may be from the finding's cell and
/// still be drawn in the same grid; farther ones are listed instead.
const NEAR_ROWS: u32 = 6;
/// Separator between two columns.
const GAP: usize = 2;

/// A part of a sheet: the shown text of rows `row0..` and columns `col0..`
/// (0-based; each row trimmed of its trailing empty cells) and the sheet's
/// merged ranges that overlap it, in sheet coordinates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Excerpt {
    /// Index of the sheet in the workbook.
    pub sheet: u32,
    /// The sheet's name.
    pub name: String,
    pub row0: u32,
    pub col0: u32,
    pub rows: Vec<Vec<String>>,
    /// The merged ranges overlapping the excerpt.
    pub merges: Vec<Merge>,
}

/// A merged range of a sheet and the text it shows (held even when its
/// top-left cell is outside the excerpt).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merge {
    /// `(first_row, first_col, last_row, last_col)`, inclusive, 0-based.
    pub range: (u32, u32, u32, u32),
    pub text: String,
}

impl Excerpt {
    /// The part of `grid` (sheet number `sheet`) around `cells` (those of
    /// other sheets are ignored); `None` when no cell is on this sheet.
    pub fn of<'a>(
        grid: &Grid,
        sheet: u32,
        cells: impl IntoIterator<Item = &'a CellRef>,
    ) -> Option<Excerpt> {
        let mut bounds: Option<(u32, u32, u32, u32)> = None;
        for c in cells.into_iter().filter(|c| c.sheet == sheet) {
            let b = bounds.get_or_insert((c.row, c.col, c.last_row, c.last_col));
            b.0 = b.0.min(c.row);
            b.1 = b.1.min(c.col);
            b.2 = b.2.max(c.last_row);
            b.3 = b.3.max(c.last_col);
        }
        let (r0, c0, r1, c1) = bounds?;
        let row0 = r0.saturating_sub(MARGIN_ABOVE);
        let col0 = c0.saturating_sub(MARGIN_LEFT);
        let r1 = r1.saturating_add(MARGIN_BELOW);
        let c1 = c1.saturating_add(MARGIN_RIGHT);
        let rows: Vec<Vec<String>> = grid
            .rows
            .iter()
            .skip(row0 as usize)
            .take((r1 - row0) as usize + 1)
            .map(|row| {
                let mut cells: Vec<String> = row
                    .iter()
                    .skip(col0 as usize)
                    .take((c1 - col0) as usize + 1)
                    .cloned()
                    .collect();
                while cells.last().is_some_and(String::is_empty) {
                    cells.pop();
                }
                cells
            })
            .collect();
        let last_row = row0 + rows.len().saturating_sub(1) as u32;
        let merges = grid
            .merges
            .iter()
            .copied()
            .filter(|m| m.0 <= last_row && m.2 >= row0 && m.1 <= c1 && m.3 >= col0)
            .filter(|m| m.2 > m.0 || m.3 > m.1)
            .map(|m| Merge {
                range: m,
                text: grid
                    .rows
                    .get(m.0 as usize)
                    .and_then(|r| r.get(m.1 as usize))
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect();
        Some(Excerpt {
            sheet,
            name: grid.name.clone(),
            row0,
            col0,
            rows,
            merges,
        })
    }

    /// The text of a cell (sheet coordinates; "" outside the excerpt).
    pub fn text(&self, row: u32, col: u32) -> &str {
        let (Some(r), Some(c)) = (row.checked_sub(self.row0), col.checked_sub(self.col0)) else {
            return "";
        };
        self.rows
            .get(r as usize)
            .and_then(|row| row.get(c as usize))
            .map_or("", String::as_str)
    }

    /// One past the last row held (sheet coordinates).
    pub fn end_row(&self) -> u32 {
        self.row0 + self.rows.len() as u32
    }

    /// One past the last column holding text (sheet coordinates).
    pub fn end_col(&self) -> u32 {
        self.col0 + self.rows.iter().map(Vec::len).max().unwrap_or(0) as u32
    }

    /// The merged range whose top-left cell is `(row, col)`.
    fn merge_at(&self, row: u32, col: u32) -> Option<&Merge> {
        self.merges
            .iter()
            .find(|m| m.range.0 == row && m.range.1 == col)
    }
}

/// A labelled cell: the finding's own (`primary`) or a secondary label's.
#[derive(Clone, Debug)]
pub struct Mark {
    pub cell: CellRef,
    /// Shown after the underline (already made safe to print).
    pub text: String,
    pub primary: bool,
}

/// A cell's text on one line of a terminal: line breaks and tabs as spaces,
/// runs of spaces as one, control and bidi characters as one visible
/// stand-in each, cut to `max` display columns with `…`.
pub fn shown(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut width = 0;
    let mut space = false;
    for c in text.trim().chars() {
        let c = match c {
            '\n' | '\r' | '\t' | ' ' | '\u{3000}' => {
                if space {
                    continue;
                }
                ' '
            }
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
            '\u{7F}' => '\u{2421}',
            c if crate::output::is_unsafe(c) || c.is_control() => '\u{FFFD}',
            c => c,
        };
        space = c == ' ';
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if width + w > max {
            // Room for the ellipsis: drop characters until it fits.
            while width + 1 > max {
                let Some(last) = out.pop() else { break };
                width -= unicode_width::UnicodeWidthChar::width(last).unwrap_or(0);
            }
            out.push('…');
            return out;
        }
        width += w;
        out.push(c);
    }
    out
}

/// Display width of a shown text.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Pad `s` with spaces to `w` display columns.
fn pad(out: &mut String, s: &str, w: usize) {
    out.push_str(s);
    for _ in width(s)..w {
        out.push(' ');
    }
}

/// The grid around the primary mark, framed as miette frames a snippet:
///
/// ```text
///    ╭─[book.xlsx:自评表!E9]
///    │ C          D          E
///  9 │ 150        150        29.5896
///    ·                       ^^^^^^^ 预算执行率偏低
///    ╰────
/// ```
///
/// `header` is what goes in the brackets; `budget` the widest a line of the
/// grid should be (columns far from the marks are left out to fit). Returns
/// the text (each line ending in `\n`) and the indexes of the marks that
/// were not drawn (another sheet, too far away), for the caller to list.
pub fn draw(header: &str, x: &Excerpt, marks: &[Mark], budget: usize) -> (String, Vec<usize>) {
    let Some(p) = marks.iter().find(|m| m.primary) else {
        return (String::new(), (0..marks.len()).collect());
    };
    let p = p.cell;
    // Which marks fit: on this sheet, near the primary cell.
    let mut drawn = Vec::new();
    let mut left_out = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        let near = m.cell.sheet == x.sheet
            && m.cell.row.abs_diff(p.row) <= NEAR_ROWS
            && (m.primary || m.cell.col.abs_diff(p.col) <= 2 * CONTEXT_COLS);
        if near {
            drawn.push(i);
        } else {
            left_out.push(i);
        }
    }
    // Rows: the marks' rows and one on either side, within the sheet.
    let top = drawn
        .iter()
        .map(|&i| marks[i].cell.row)
        .min()
        .unwrap_or(p.row);
    let bottom = drawn
        .iter()
        .map(|&i| marks[i].cell.row)
        .max()
        .unwrap_or(p.row);
    let first_row = top.saturating_sub(CONTEXT_ROWS).max(x.row0);
    let last_row = bottom
        .saturating_add(CONTEXT_ROWS)
        .min(x.end_row().saturating_sub(1))
        .max(bottom);
    // Columns: the marks' columns and some on either side.
    let lo = drawn
        .iter()
        .map(|&i| marks[i].cell.col)
        .min()
        .unwrap_or(p.col);
    let hi = drawn
        .iter()
        .map(|&i| marks[i].cell.last_col)
        .max()
        .unwrap_or(p.last_col);
    let mut cols: Vec<u32> = (lo.saturating_sub(CONTEXT_COLS).max(x.col0)
        ..=hi
            .saturating_add(CONTEXT_COLS)
            .min(x.end_col().saturating_sub(1))
            .max(hi))
        .collect();
    let needed = |c: u32| {
        drawn
            .iter()
            .any(|&i| (marks[i].cell.col..=marks[i].cell.last_col).contains(&c))
    };
    let gutter = (last_row + 1).to_string().len();
    let widths = loop {
        let widths = widths(x, first_row, last_row, &cols);
        let total: usize = widths.iter().sum::<usize>() + GAP * cols.len().saturating_sub(1);
        if total + gutter + 3 <= budget || cols.len() <= 1 {
            break widths;
        }
        // Leave out the column farthest from the finding's cell, unless it
        // is labelled.
        let far = cols
            .iter()
            .enumerate()
            .filter(|(_, c)| !needed(**c))
            .max_by_key(|(_, c)| (c.abs_diff(p.col), **c))
            .map(|(i, _)| i);
        match far {
            Some(i) => {
                cols.remove(i);
            }
            None => break widths,
        }
    };
    (
        lines(
            header,
            x,
            marks,
            &drawn,
            first_row..=last_row,
            &cols,
            &widths,
            gutter,
        ),
        left_out,
    )
}

/// The text shown at `cols[at]` on `row` and the last shown column it
/// spans (an index into `cols`): the cell's own text, or a merged cell's
/// across the shown columns of its range — also when its first column is
/// left out (`总分` over A:F seen from column E).
fn cell<'x>(x: &'x Excerpt, row: u32, cols: &[u32], at: usize) -> (&'x str, usize) {
    let col = cols[at];
    let own = x.text(row, col);
    let merge = x.merge_at(row, col).or_else(|| {
        let first_shown = at == 0 || cols[at - 1] + 1 != col;
        (own.is_empty() && first_shown)
            .then(|| {
                x.merges
                    .iter()
                    .find(|m| m.range.0 == row && m.range.1 < col && col <= m.range.3)
            })
            .flatten()
    });
    let Some(m) = merge else {
        return (own, at);
    };
    let mut end = at;
    while end + 1 < cols.len() && cols[end + 1] <= m.range.3 && cols[end + 1] == cols[end] + 1 {
        end += 1;
    }
    (&m.text, end)
}

/// Each shown column's width: its letter, the single cells' texts, then
/// merged cells' texts spread over the columns they span.
fn widths(x: &Excerpt, first: u32, last: u32, cols: &[u32]) -> Vec<usize> {
    let mut w: Vec<usize> = cols.iter().map(|&c| col_name(c).len()).collect();
    let mut spans = Vec::new();
    for r in first..=last {
        for (i, wi) in w.iter_mut().enumerate() {
            let (text, end) = cell(x, r, cols, i);
            if text.is_empty() {
                continue;
            }
            let n = end - i + 1;
            let tw = width(&shown(text, CELL_WIDTH * n));
            if n == 1 {
                *wi = (*wi).max(tw);
            } else {
                spans.push((i, end, tw));
            }
        }
    }
    for (i, end, tw) in spans {
        let have: usize = w[i..=end].iter().sum::<usize>() + GAP * (end - i);
        if tw > have {
            w[end] += tw - have;
        }
    }
    w
}

#[allow(clippy::too_many_arguments)]
fn lines(
    header: &str,
    x: &Excerpt,
    marks: &[Mark],
    drawn: &[usize],
    rows: std::ops::RangeInclusive<u32>,
    cols: &[u32],
    widths: &[usize],
    gutter: usize,
) -> String {
    let mut out = String::new();
    let blank = " ".repeat(gutter);
    out.push_str(&format!("{blank}  ╭─[{header}]\n"));
    // Column letters.
    let mut line = format!(" {blank} │ ");
    for (i, &c) in cols.iter().enumerate() {
        if i > 0 {
            line.push_str(&" ".repeat(GAP));
        }
        pad(&mut line, &col_name(c), widths[i]);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    // Where each shown column starts on a line, after the gutter.
    let mut starts = Vec::with_capacity(cols.len());
    let mut at = 0;
    for w in widths {
        starts.push(at);
        at += w + GAP;
    }
    for r in rows {
        let mut line = format!(" {:>gutter$} │ ", r + 1);
        let mut i = 0;
        let mut texts = vec![String::new(); cols.len()];
        while i < cols.len() {
            let (text, end) = cell(x, r, cols, i);
            let room: usize = widths[i..=end].iter().sum::<usize>() + GAP * (end - i);
            let text = shown(text, CELL_WIDTH * (end - i + 1));
            texts[i] = text.clone();
            if i > 0 {
                line.push_str(&" ".repeat(GAP));
            }
            pad(&mut line, &text, room);
            i = end + 1;
        }
        out.push_str(line.trim_end());
        out.push('\n');
        // The marks whose cell starts on this row, left to right.
        let mut here: Vec<&Mark> = drawn
            .iter()
            .map(|&i| &marks[i])
            .filter(|m| m.cell.row == r)
            .collect();
        here.sort_by_key(|m| (m.cell.col, !m.primary));
        here.dedup_by_key(|m| m.cell.col);
        if here.is_empty() {
            continue;
        }
        let mut under = String::new();
        let mut places = Vec::new();
        for m in &here {
            let Some(i) = cols
                .iter()
                .position(|&c| c >= m.cell.col && c <= m.cell.last_col)
            else {
                continue;
            };
            let j = cols
                .iter()
                .rposition(|&c| c >= m.cell.col && c <= m.cell.last_col)
                .unwrap_or(i);
            let full = starts[j] + widths[j] - starts[i];
            let len = match width(&texts[i]) {
                0 => full,
                w => w.min(full),
            }
            .max(1);
            let col = starts[i];
            while width(&under) < col {
                under.push(' ');
            }
            let ch = if m.primary { '^' } else { '-' };
            under.extend(std::iter::repeat_n(ch, len));
            places.push((col, m.text.as_str()));
        }
        // The last label follows its underline; the others get a line each.
        let last = places.pop();
        if let Some((_, text)) = last
            && !text.is_empty()
        {
            under.push(' ');
            under.push_str(text);
        }
        out.push_str(&format!(" {blank} · {under}\n"));
        for (col, text) in places.into_iter().rev() {
            if !text.is_empty() {
                out.push_str(&format!(" {blank} · {}╰ {text}\n", " ".repeat(col)));
            }
        }
    }
    out.push_str(&format!("{blank}  ╰────\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(row: u32, col: u32) -> CellRef {
        CellRef {
            sheet: 0,
            row,
            col,
            last_row: row,
            last_col: col,
        }
    }

    fn grid(rows: &[&[&str]], merges: Vec<(u32, u32, u32, u32)>) -> Grid {
        Grid {
            name: "自评表".into(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
            merges,
        }
    }

    #[test]
    fn shown_text_is_one_safe_line_cut_to_its_width() {
        assert_eq!(shown(" 项目\n名称 ", 20), "项目 名称");
        assert_eq!(shown("a\u{1b}[31mb", 20), "a␛[31mb");
        assert_eq!(shown("a\u{202E}b", 20), "a\u{FFFD}b");
        assert_eq!(shown("居家养老服务补贴项目", 9), "居家养老…");
        assert_eq!(width(&shown("居家养老服务补贴项目", 9)), 9);
        assert_eq!(shown("abcdef", 4), "abc…");
        assert_eq!(shown("", 4), "");
    }

    #[test]
    fn excerpts_keep_the_cells_and_a_margin() {
        let rows: Vec<Vec<String>> = (0..20)
            .map(|r| {
                (0..12)
                    .map(|c| format!("{}{}", col_name(c), r + 1))
                    .collect()
            })
            .collect();
        let g = Grid {
            name: "s".into(),
            rows,
            merges: vec![(0, 0, 0, 11), (15, 0, 19, 0)],
        };
        let x = Excerpt::of(&g, 0, &[cell(9, 6), cell(10, 7)]).unwrap();
        assert_eq!((x.row0, x.col0), (5, 2));
        assert_eq!(x.end_row(), 13);
        assert_eq!(x.end_col(), 10);
        assert_eq!(x.text(9, 6), "G10");
        assert_eq!(x.text(0, 0), "");
        assert_eq!(x.text(9, 11), "");
        assert_eq!(x.merges, vec![]);
        let x = Excerpt::of(&g, 0, &[cell(14, 1)]).unwrap();
        assert_eq!(
            x.merges,
            vec![Merge {
                range: (15, 0, 19, 0),
                text: "A16".into()
            }]
        );
        assert!(Excerpt::of(&g, 1, &[cell(14, 1)]).is_none());
    }

    #[test]
    fn the_cell_is_underlined_with_its_label_and_columns_align_with_chinese() {
        let g = grid(
            &[
                &["项目名称", "居家养老", "", ""],
                &["年度资金", "年初预算数", "全年执行数", "执行率"],
                &["总额", "150", "29.5896", "19.7%"],
                &["", "", "", ""],
            ],
            vec![],
        );
        let x = Excerpt::of(&g, 0, &[cell(2, 2)]).unwrap();
        let marks = [Mark {
            cell: cell(2, 2),
            text: "预算执行率偏低".into(),
            primary: true,
        }];
        let (s, out) = draw("a.xlsx:自评表!C3", &x, &marks, 100);
        assert!(out.is_empty());
        let want = "   ╭─[a.xlsx:自评表!C3]
   │ A         B           C           D
 2 │ 年度资金  年初预算数  全年执行数  执行率
 3 │ 总额      150         29.5896     19.7%
   ·                       ^^^^^^^ 预算执行率偏低
 4 │
   ╰────
";
        assert_eq!(s, want, "\n{s}");
    }

    #[test]
    fn merged_labels_span_their_columns_and_secondary_labels_are_dashed() {
        let g = grid(
            &[
                &["项 目 名 称", "", "居家养老服务", "", ""],
                &["预算数", "", "150", "执行数", "29.5896"],
            ],
            vec![(0, 0, 0, 1), (1, 0, 1, 1)],
        );
        let x = Excerpt::of(&g, 0, &[cell(1, 4)]).unwrap();
        let marks = [
            Mark {
                cell: cell(1, 4),
                text: "执行数".into(),
                primary: true,
            },
            Mark {
                cell: cell(1, 2),
                text: "预算数".into(),
                primary: false,
            },
        ];
        let (s, _) = draw("b.xlsx:自评表!E2", &x, &marks, 100);
        let want = "   ╭─[b.xlsx:自评表!E2]
   │ A  B         C             D       E
 1 │ 项 目 名 称  居家养老服务
 2 │ 预算数       150           执行数  29.5896
   ·              ---                   ^^^^^^^ 执行数
   ·              ╰ 预算数
   ╰────
";
        assert_eq!(s, want, "\n{s}");
    }

    #[test]
    fn a_merge_whose_first_column_is_left_out_shows_its_text() {
        let mut rows: Vec<Vec<String>> = vec![vec![String::new(); 10]; 3];
        rows[2][0] = "总分".into();
        rows[2][8] = "100".into();
        rows[2][9] = "80".into();
        let g = Grid {
            name: "s".into(),
            rows,
            merges: vec![(2, 0, 2, 7)],
        };
        let x = Excerpt::of(&g, 0, &[cell(2, 9)]).unwrap();
        let marks = [Mark {
            cell: cell(2, 9),
            text: "总分".into(),
            primary: true,
        }];
        let (s, _) = draw("x", &x, &marks, 100);
        let want = "   ╭─[x]
   │ G  H  I    J
 2 │
 3 │ 总分  100  80
   ·            ^^ 总分
   ╰────
";
        assert_eq!(s, want, "\n{s}");
    }

    #[test]
    fn narrow_budgets_leave_out_far_columns_and_far_labels_are_listed() {
        let row: Vec<String> = (0..10).map(|c| format!("列{c}内容内容")).collect();
        let g = Grid {
            name: "s".into(),
            rows: vec![row.clone(), row.clone(), row],
            merges: vec![],
        };
        let x = Excerpt::of(&g, 0, &[cell(1, 5), cell(2, 9)]).unwrap();
        let marks = [
            Mark {
                cell: cell(1, 5),
                text: "这里".into(),
                primary: true,
            },
            Mark {
                cell: CellRef {
                    sheet: 3,
                    ..cell(0, 0)
                },
                text: "别处".into(),
                primary: false,
            },
        ];
        let (s, out) = draw("x", &x, &marks, 40);
        assert_eq!(out, vec![1]);
        assert!(s.lines().all(|l| width(l) <= 40), "{s}");
        assert!(s.contains("   │ E            F\n"), "{s}");
        assert!(s.contains("   ·              ^^^^^^^^^^^ 这里\n"), "{s}");
    }
}
