//! Workbooks in and out (SPEC §5). `read` turns the bytes of an .xlsx, .xls,
//! .et or .ods workbook into the canonical YAML text `jixiao check` reads, one
//! text per sheet holding a table, with a map from byte ranges of that text to
//! the cells they came from and a grid of every sheet for snippets; `export`
//! writes a declaration as the official table (.xlsx). Layouts are data
//! (`layouts/*.yaml`, see [`layout`]). No file I/O and no printing here.
//!
//! Bounds (see [`grid`]): workbooks above 50 MiB, or whose zip parts declare
//! more than 512 MiB unpacked, are refused; at most 64
//! sheets, 5,000 rows and 256 columns per sheet and 200,000 non-empty
//! cells in all are read; a dense xls/ods sheet above 4,000,000 cells is
//! refused. Percent formats are known for .xlsx only: in .xls/.ods an
//! execution rate typed as a fraction (0.197) is recognised when it agrees
//! with 执行数/预算数, else read in percent points as the form's 执行率(%);
//! an indicator value typed as a fraction (0.93) beside a percentage is one.

pub mod biff;
pub mod emit;
pub mod export;
pub mod extract;
pub mod grid;
pub mod layout;
pub mod snippet;

use crate::diag::Lang;

pub use export::export;

/// One table found in a workbook: one declaration.
#[derive(Clone, Debug)]
pub struct Table {
    /// The sheet's name.
    pub sheet: String,
    /// Index of the sheet in [`Book::sheets`].
    pub sheet_index: u32,
    /// Canonical YAML, each value followed by `  # 自评表!F6` naming its cell
    /// (shared with the workspace file the table is checked as).
    pub yaml: std::sync::Arc<str>,
    /// Sorted by `start`: byte range in `yaml` → cell.
    pub cells: Vec<CellSpan>,
    /// The layout that matched (its id, the file name in `layouts/` without `.yaml`).
    pub layout: &'static str,
    /// The parts of the sheets its cells come from (its own sheet first,
    /// then the 豁免 sheet when its waivers come from one), for snippets
    /// and the page's grid.
    pub excerpts: Vec<snippet::Excerpt>,
}

impl Table {
    /// The table as locating findings needs it: its cells and sheet names,
    /// without the excerpts' rows (snippets, the page's grid).
    pub fn without_excerpts(mut self) -> Table {
        for x in &mut self.excerpts {
            x.rows = Vec::new();
            x.merges = Vec::new();
        }
        self
    }

    /// The excerpt of sheet number `sheet`, when the table's cells use it.
    pub fn excerpt(&self, sheet: u32) -> Option<&snippet::Excerpt> {
        self.excerpts.iter().find(|x| x.sheet == sheet)
    }

    /// The cell a finding at a byte range of `yaml` points at: the one
    /// [`Table::cell_at`] finds, else, for a structural line (`indicators:`,
    /// `产出指标:`), the first cell written after it — where that part of
    /// the table begins. `None` only past the last cell.
    pub fn anchor(&self, start: usize, end: usize) -> Option<CellRef> {
        self.cell_at(start, end).or_else(|| {
            let s = u32::try_from(start).ok()?;
            let i = self.cells.partition_point(|c| c.start < s);
            self.cells.get(i).map(|c| c.cell)
        })
    }

    /// The name of sheet number `sheet` (the table's own when unknown).
    pub fn sheet_name(&self, sheet: u32) -> &str {
        self.excerpt(sheet).map_or(&self.sheet, |x| &x.name)
    }

    /// The cell of the value at or around a byte range of `yaml`: the value
    /// overlapping it, else the value on the same line (a key's span finds
    /// its value), else `None` (structural lines such as `indicators:`).
    pub fn cell_at(&self, start: usize, end: usize) -> Option<CellRef> {
        let clamp = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        let (s, e) = (clamp(start), clamp(end.max(start.saturating_add(1))));
        if let Some(c) = self.cells.iter().find(|c| c.start < e && s < c.end) {
            return Some(c.cell);
        }
        let bytes = self.yaml.as_bytes();
        let at = start.min(bytes.len());
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1) as u32;
        let line_end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| i + at) as u32;
        self.cells
            .iter()
            .find(|c| c.start >= line_start && c.start < line_end)
            .map(|c| c.cell)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellSpan {
    pub start: u32,
    pub end: u32,
    pub cell: CellRef,
}

/// A cell (0-based), with the end of its merged range (inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CellRef {
    /// Index into [`Book::sheets`].
    pub sheet: u32,
    pub row: u32,
    pub col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// A sheet's shown text (top-left cell of a merge holds its text, the rest
/// are empty) and its merged ranges `(first_row, first_col, last_row, last_col)`.
#[derive(Clone, Debug, Default)]
pub struct Grid {
    pub name: String,
    pub rows: Vec<Vec<String>>,
    pub merges: Vec<(u32, u32, u32, u32)>,
}

impl Grid {
    /// The cells around `c` for a snippet: `rows` rows and `cols` columns on
    /// each side of its (merged) range, clipped to the sheet. Returns the
    /// first row and column shown (0-based) and the shown text, row by row.
    pub fn window(&self, c: &CellRef, rows: u32, cols: u32) -> (u32, u32, Vec<Vec<&str>>) {
        let r0 = c.row.saturating_sub(rows);
        let c0 = c.col.saturating_sub(cols);
        let r1 = c.last_row.saturating_add(rows);
        let c1 = c.last_col.saturating_add(cols);
        let out = self
            .rows
            .iter()
            .enumerate()
            .skip(r0 as usize)
            .take_while(|(r, _)| *r as u64 <= r1 as u64)
            .map(|(_, row)| {
                row.iter()
                    .skip(c0 as usize)
                    .take((c1 - c0) as usize + 1)
                    .map(String::as_str)
                    .collect()
            })
            .collect();
        (r0, c0, out)
    }
}

/// A row of the 豁免 sheet (规则 / 理由 / 批准, and optionally 路径 or 指标:
/// the waiver's `path`).
#[derive(Clone, Debug, PartialEq)]
pub struct Waiver {
    pub rule: String,
    /// The rule's cell.
    pub cell: CellRef,
    pub reason: Option<(String, CellRef)>,
    pub approved_by: Option<(String, CellRef)>,
    pub path: Option<(String, CellRef)>,
}

#[derive(Clone, Debug, Default)]
pub struct Book {
    pub sheets: Vec<Grid>,
    pub tables: Vec<Table>,
    /// From a sheet named 豁免; also written into every table's YAML.
    pub waivers: Vec<Waiver>,
}

/// Why a workbook could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BookError {
    Encrypted,
    Corrupt(String),
    /// `empty`, `html`, `unknown`: what the bytes are instead.
    NotAWorkbook(String),
    TooLarge(String),
    /// No sheet holds a known table; the text names the sheets.
    NoTable(String),
}

impl BookError {
    /// The message, Chinese or English.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            BookError::Encrypted => lang
                .pick(
                    "工作簿已加密（设置了打开密码）：请取消密码后另存再检查",
                    "the workbook is encrypted (password to open): remove the password, save and check again",
                )
                .into(),
            BookError::Corrupt(d) => match lang {
                Lang::Zh => format!("工作簿已损坏，无法读取（{d}）"),
                Lang::En => format!("the workbook is corrupt and cannot be read ({d})"),
            },
            BookError::NotAWorkbook(what) => match (what.as_str(), lang) {
                ("empty", Lang::Zh) => "文件为空（0 字节），不是工作簿".into(),
                ("empty", Lang::En) => "the file is empty (0 bytes), not a workbook".into(),
                ("html", Lang::Zh) => {
                    "文件是网页（HTML），只是以 .xls 命名：请在 WPS 或 Excel 中打开后另存为 .xlsx".into()
                }
                ("html", Lang::En) => {
                    "the file is a web page (HTML) named .xls: open it in WPS or Excel and save it as .xlsx".into()
                }
                (_, Lang::Zh) => "不是 .xlsx、.xls、.et 或 .ods 工作簿".into(),
                (_, Lang::En) => "not an .xlsx, .xls, .et or .ods workbook".into(),
            },
            BookError::TooLarge(d) => match lang {
                Lang::Zh => format!("工作簿过大，超出读取上限（{d}）"),
                Lang::En => format!("the workbook is too large to read ({d})"),
            },
            BookError::NoTable(sheets) => match lang {
                Lang::Zh => format!(
                    "工作簿中没有可识别的绩效表（查找了含“项目名称/一级指标/三级指标/指标值/实际完成值”或“项目个数”等标签的表）；工作表：{sheets}"
                ),
                Lang::En => format!(
                    "no known performance table in the workbook (looked for the labels 项目名称/一级指标/三级指标/指标值/实际完成值 or 项目个数); sheets: {sheets}"
                ),
            },
        }
    }
}

/// Is this file name a workbook jixiao reads?
pub fn is_workbook_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".xlsx", ".xlsm", ".xls", ".et", ".ods"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Read a workbook. Never panics; bounded in time and memory (see the module
/// header). `file_name` is only used for messages.
pub fn read(bytes: &[u8], file_name: &str) -> Result<Book, BookError> {
    let _ = file_name;
    let raw = grid::read_sheets(bytes)?;
    let sheets: Vec<Grid> = raw.iter().map(grid::to_grid).collect();
    let mut book = Book {
        sheets,
        ..Book::default()
    };
    // the waivers sheet
    for (i, g) in book.sheets.iter().enumerate() {
        if layout::norm(&g.name) == "豁免" {
            book.waivers = read_waivers(i as u32, g);
        }
    }
    let layouts = layout::builtin();
    for (i, g) in book.sheets.iter().enumerate() {
        if layout::norm(&g.name) == "豁免" {
            continue;
        }
        let view = extract::View::new(i as u32, &g.rows, &g.merges);
        let Some(l) = layouts.iter().find(|l| extract::matches(&view, l)) else {
            continue;
        };
        let mut decl = extract::extract(&view, l);
        if !raw[i].formats_known {
            emit::fraction_rates(&mut decl);
            emit::fraction_indicators(&mut decl);
        }
        let (yaml, cells) = emit::emit(&decl, &g.name, &book.sheets, &book.waivers);
        let mut used: Vec<u32> = cells.iter().map(|c| c.cell.sheet).collect();
        used.sort_unstable();
        used.dedup();
        used.sort_by_key(|&s| s != i as u32);
        let excerpts = used
            .into_iter()
            .filter_map(|s| {
                let grid = book.sheets.get(s as usize)?;
                snippet::Excerpt::of(grid, s, cells.iter().map(|c| &c.cell))
            })
            .collect();
        book.tables.push(Table {
            sheet: g.name.clone(),
            sheet_index: i as u32,
            yaml: yaml.into(),
            cells,
            layout: leak_id(&l.id),
            excerpts,
        });
    }
    if book.tables.is_empty() {
        let names: Vec<&str> = book.sheets.iter().map(|g| g.name.as_str()).collect();
        return Err(BookError::NoTable(names.join("、")));
    }
    Ok(book)
}

/// Layout ids live as long as the built-in layouts (static).
fn leak_id(id: &str) -> &'static str {
    layout::builtin()
        .iter()
        .find(|l| l.id == id)
        .map_or("", |l| l.id.as_str())
}

fn read_waivers(sheet: u32, g: &Grid) -> Vec<Waiver> {
    let view = extract::View::new(sheet, &g.rows, &g.merges);
    let mut out = Vec::new();
    let Some(h) = (0..view.height).find(|&r| (0..view.width).any(|c| view.norm(r, c) == "规则"))
    else {
        return out;
    };
    let col = |label: &str| (0..view.width).find(|&c| view.norm(h, c) == label);
    let (Some(rc), rr, ra) = (col("规则"), col("理由"), col("批准")) else {
        return out;
    };
    let rp = col("路径").or_else(|| col("指标"));
    for r in h + 1..view.height {
        let rule = view.text(r, rc).trim();
        if rule.is_empty() {
            continue;
        }
        let get = |c: Option<u32>| {
            c.map(|c| (view.text(r, c).trim().to_string(), view.cell(r, c)))
                .filter(|(s, _)| !s.is_empty())
        };
        out.push(Waiver {
            rule: rule.to_string(),
            reason: get(rr),
            approved_by: get(ra),
            path: get(rp),
            cell: view.cell(r, rc),
        });
        if out.len() >= 1000 {
            break;
        }
    }
    out
}

/// `F6` (a merged range is named by its top-left cell).
pub fn cell_name(c: &CellRef) -> String {
    format!("{}{}", col_name(c.col), c.row + 1)
}

/// `A`, `Z`, `AA`, … for a 0-based column.
pub fn col_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        s.push(b'A' + r);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        let c = |row, col| CellRef {
            sheet: 0,
            row,
            col,
            last_row: row,
            last_col: col,
        };
        assert_eq!(cell_name(&c(5, 5)), "F6");
        assert_eq!(cell_name(&c(0, 25)), "Z1");
        assert_eq!(cell_name(&c(0, 26)), "AA1");
        assert_eq!(cell_name(&c(9, 701)), "ZZ10");
        assert_eq!(cell_name(&c(0, 702)), "AAA1");
    }

    #[test]
    fn windows_for_snippets() {
        let g = Grid {
            name: "s".into(),
            rows: (0..5)
                .map(|r| {
                    (0..4)
                        .map(|c| format!("{}{}", col_name(c), r + 1))
                        .collect()
                })
                .collect(),
            merges: vec![],
        };
        let c = CellRef {
            sheet: 0,
            row: 2,
            col: 1,
            last_row: 2,
            last_col: 1,
        };
        let (r0, c0, w) = g.window(&c, 1, 1);
        assert_eq!((r0, c0), (1, 0));
        assert_eq!(
            w,
            vec![
                vec!["A2", "B2", "C2"],
                vec!["A3", "B3", "C3"],
                vec!["A4", "B4", "C4"]
            ]
        );
        let far = CellRef {
            sheet: 0,
            row: 0,
            col: 3,
            last_row: u32::MAX,
            last_col: u32::MAX,
        };
        let (_, _, w) = g.window(&far, 2, 2);
        assert_eq!(w.len(), 5);
        assert_eq!(w[0], vec!["B1", "C1", "D1"]);
    }

    #[test]
    fn bad_bytes_are_errors_not_panics() {
        assert_eq!(
            read(b"", "x.xlsx").unwrap_err(),
            BookError::NotAWorkbook("empty".into())
        );
        assert_eq!(
            read(b"<html><table><tr><td>1</td></tr></table></html>", "x.xls").unwrap_err(),
            BookError::NotAWorkbook("html".into())
        );
        assert!(matches!(
            read(b"PK\x03\x04garbage", "x.xlsx").unwrap_err(),
            BookError::Corrupt(_)
        ));
        let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        cfb.extend_from_slice(&[0; 600]);
        assert!(matches!(
            read(&cfb, "x.xls").unwrap_err(),
            BookError::Corrupt(_)
        ));
    }
}
