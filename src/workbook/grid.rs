//! Workbook bytes → grids of shown cell text (calamine), bounded. Owns the
//! format sniffing (xlsx, xls/et, ods; encrypted, HTML, empty), the caps on
//! sheets, rows, columns and cells, and how a cell's value becomes text:
//! numbers as the shortest round-trip decimal (at most 15 significant digits,
//! so a formula's cached result loses its binary noise), percent formats as a
//! percentage at their shown decimals, dates as `YYYY-MM-DD`.

use super::{BookError, Grid};
use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsx};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::Cursor;

/// Workbooks larger than this many bytes are not read.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
/// At most this many sheets are read; further sheets are ignored.
pub const MAX_SHEETS: usize = 64;
/// Rows and columns kept per sheet; cells beyond them are ignored (a sheet's
/// reading stops at the first row past `MAX_ROWS`).
pub const MAX_ROWS: u32 = 5_000;
pub const MAX_COLS: u32 = 256;
/// Non-empty cells read in a whole workbook before giving up (TooLarge).
pub const MAX_CELLS: usize = 200_000;
/// Characters kept of one cell's text.
pub const MAX_CELL_CHARS: usize = 4_000;
/// The parts of an .xlsx/.ods together may not unpack to more than this
/// (by the sizes the zip declares): a zip bomb is refused before reading.
pub const MAX_UNPACKED: u64 = 512 * 1024 * 1024;
/// No one part (the shared strings, a sheet, an .ods `content.xml`) may
/// unpack to more than this: the reader holds a part's text several times
/// over while it parses it (a 500 KB .xlsx whose one shared string unpacks
/// to 500 MB took 1.5 GB), and a performance table's parts are a few MB.
pub const MAX_PART: u64 = 64 * 1024 * 1024;
/// A dense xls/ods sheet (calamine materialises its bounding box) larger
/// than this many cells is refused.
pub const MAX_DENSE: usize = 4_000_000;

/// What the bytes look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniff {
    Zip,
    Cfb,
    Html,
    Empty,
    Other,
}

pub fn sniff(bytes: &[u8]) -> Sniff {
    if bytes.is_empty() {
        return Sniff::Empty;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Sniff::Zip;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Sniff::Cfb;
    }
    let head = &bytes[..bytes.len().min(512)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let trimmed: Vec<u8> = head
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(64)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if trimmed.starts_with(b"<") {
        return Sniff::Html;
    }
    Sniff::Other
}

/// One sheet as read: a sparse map of shown text plus merges.
pub struct RawSheet {
    pub name: String,
    pub cells: HashMap<(u32, u32), String>,
    pub merges: Vec<(u32, u32, u32, u32)>,
    /// The reader did not know number formats (xls, ods): a bare fraction
    /// may have been shown as a percentage.
    pub formats_known: bool,
}

/// Read every sheet (up to the caps) of a workbook. calamine can panic on
/// malformed input (an assertion in its CFB reader fires on a truncated
/// .xls, a slice index in `Sectors::get` on a sector past the data): such a
/// panic is caught and the workbook reported as corrupt, and it prints
/// nothing (see [`quiet_reader_panics`]).
pub fn read_sheets(bytes: &[u8]) -> Result<Vec<RawSheet>, BookError> {
    quiet_reader_panics();
    let was = IN_READER.with(|q| q.replace(true));
    let r = std::panic::catch_unwind(|| read_sheets_inner(bytes));
    IN_READER.with(|q| q.set(was));
    match r {
        Ok(r) => r,
        Err(_) => Err(BookError::Corrupt("malformed structure".into())),
    }
}

thread_local! {
    /// This thread is inside [`read_sheets`], whose panics are caught.
    static IN_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Install (once) a panic hook that is silent for a panic on a thread inside
/// [`read_sheets`] (caught there and reported as a corrupt workbook, so the
/// default "thread … panicked at calamine…" line on stderr would be noise)
/// and hands every other panic to the hook that was there before.
fn quiet_reader_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_READER.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

fn read_sheets_inner(bytes: &[u8]) -> Result<Vec<RawSheet>, BookError> {
    if bytes.len() > MAX_BYTES {
        return Err(BookError::TooLarge(format!(
            "{} bytes > {MAX_BYTES}",
            bytes.len()
        )));
    }
    match sniff(bytes) {
        Sniff::Empty => Err(BookError::NotAWorkbook("empty".into())),
        Sniff::Html => Err(BookError::NotAWorkbook("html".into())),
        Sniff::Other => Err(BookError::NotAWorkbook("unknown".into())),
        Sniff::Zip => {
            unpacked_size(bytes)?;
            if is_ods(bytes) {
                read_ods(bytes)
            } else {
                read_xlsx(bytes)
            }
        }
        Sniff::Cfb => {
            // An encrypted OOXML workbook is a CFB file holding EncryptedPackage.
            if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo")
            {
                return Err(BookError::Encrypted);
            }
            read_xls(bytes)
        }
    }
}

/// Refuse a zip whose parts declare more than [`MAX_UNPACKED`] bytes, or
/// one part more than [`MAX_PART`].
fn unpacked_size(bytes: &[u8]) -> Result<u64, BookError> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut total: u64 = 0;
    for i in 0..z.len() {
        let f = z.by_index_raw(i).map_err(corrupt)?;
        if f.size() > MAX_PART {
            let name: String = f
                .name()
                .map(|n| n.chars().take(100).collect())
                .unwrap_or_default();
            return Err(BookError::TooLarge(format!(
                "{name} unpacks to more than {MAX_PART} bytes"
            )));
        }
        total = total.saturating_add(f.size());
        if total > MAX_UNPACKED {
            return Err(BookError::TooLarge(format!(
                "unpacks to more than {MAX_UNPACKED} bytes"
            )));
        }
    }
    Ok(total)
}

fn is_ods(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(200)];
    head.windows(46)
        .any(|w| w == b"application/vnd.oasis.opendocument.spreadsheet")
}

fn contains_utf16(bytes: &[u8], s: &str) -> bool {
    let pat: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    bytes.windows(pat.len()).any(|w| w == pat.as_slice())
}

fn corrupt(e: impl std::fmt::Display) -> BookError {
    let mut s = e.to_string();
    s.truncate(200);
    BookError::Corrupt(s)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<RawSheet>, BookError> {
    let mut wb: Xlsx<_> = match Xlsx::new(Cursor::new(bytes)) {
        Ok(w) => w,
        Err(calamine::XlsxError::Password) => return Err(BookError::Encrypted),
        Err(e) => return Err(corrupt(e)),
    };
    let names: Vec<String> = wb.sheet_names().into_iter().take(MAX_SHEETS).collect();
    let mut out = Vec::new();
    let mut total = 0usize;
    for name in names {
        let merges: Vec<(u32, u32, u32, u32)> = wb
            .merge_cells_by_sheet_name(&name)
            .map_err(corrupt)?
            .iter()
            .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
            .filter(|m| m.0 < MAX_ROWS && m.1 < MAX_COLS)
            .take(10_000)
            .collect();
        let mut cells = HashMap::new();
        let mut rdr = match wb.worksheet_cells_reader(&name) {
            Ok(r) => r,
            Err(e) => return Err(corrupt(e)),
        };
        let mut fmt_cache: HashMap<usize, Option<String>> = HashMap::new();
        loop {
            let (cell, sid) = match rdr.next_cell_with_style_id() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => return Err(corrupt(e)),
            };
            let (r, c) = cell.get_position();
            if r >= MAX_ROWS {
                break;
            }
            if c >= MAX_COLS {
                continue;
            }
            let fmt = fmt_cache
                .entry(sid)
                .or_insert_with(|| {
                    rdr.styles()
                        .get(sid)
                        .and_then(|s| s.number_format.as_ref())
                        .map(|n| n.format_code.clone())
                })
                .clone();
            let text = shown_ref(cell.get_value(), fmt.as_deref());
            if text.is_empty() {
                continue;
            }
            total += 1;
            if total > MAX_CELLS {
                return Err(BookError::TooLarge(format!("> {MAX_CELLS} cells")));
            }
            cells.insert((r, c), text);
        }
        out.push(RawSheet {
            name,
            cells,
            merges,
            formats_known: true,
        });
    }
    Ok(out)
}

fn read_xls(bytes: &[u8]) -> Result<Vec<RawSheet>, BookError> {
    // calamine allocates each sheet's whole extent up front: refuse a sheet
    // over the cap before it is called (see `biff`).
    if super::biff::chain_loops(bytes) {
        return Err(BookError::Corrupt("a sector chain loops".into()));
    }
    if let Some(n) = super::biff::max_extent(bytes)
        && n > MAX_DENSE as u64
    {
        return Err(BookError::TooLarge(format!("a sheet of {n} cells")));
    }
    let mut wb: Xls<_> = match Xls::new(Cursor::new(bytes)) {
        Ok(w) => w,
        Err(calamine::XlsError::Password) => return Err(BookError::Encrypted),
        Err(e) => return Err(corrupt(e)),
    };
    let names: Vec<String> = wb.sheet_names().into_iter().take(MAX_SHEETS).collect();
    let mut out = Vec::new();
    let mut total = 0;
    for name in names {
        let merges = wb
            .merge_cells_by_sheet_name(&name)
            .map_err(corrupt)?
            .iter()
            .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
            .filter(|m| m.0 < MAX_ROWS && m.1 < MAX_COLS)
            .take(10_000)
            .collect();
        let range = wb.worksheet_range(&name).map_err(corrupt)?;
        let cells = dense_cells(&range, &mut total)?;
        out.push(RawSheet {
            name,
            cells,
            merges,
            formats_known: false,
        });
    }
    Ok(out)
}

fn read_ods(bytes: &[u8]) -> Result<Vec<RawSheet>, BookError> {
    let mut wb: Ods<_> = match Ods::new(Cursor::new(bytes)) {
        Ok(w) => w,
        Err(calamine::OdsError::Password) => return Err(BookError::Encrypted),
        Err(e) => return Err(corrupt(e)),
    };
    let names: Vec<String> = wb.sheet_names().into_iter().take(MAX_SHEETS).collect();
    let mut out = Vec::new();
    let mut total = 0;
    for name in names {
        let range = wb.worksheet_range(&name).map_err(corrupt)?;
        let cells = dense_cells(&range, &mut total)?;
        out.push(RawSheet {
            name,
            cells,
            merges: Vec::new(),
            formats_known: false,
        });
    }
    Ok(out)
}

fn dense_cells(
    range: &calamine::Range<Data>,
    total: &mut usize,
) -> Result<HashMap<(u32, u32), String>, BookError> {
    let (h, w) = range.get_size();
    if h.saturating_mul(w) > MAX_DENSE {
        return Err(BookError::TooLarge(format!("{h} × {w} cells")));
    }
    let mut cells = HashMap::new();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        let (r, c) = (r0 + r as u32, c0 + c as u32);
        if r >= MAX_ROWS || c >= MAX_COLS {
            continue;
        }
        let text = shown(v);
        if text.is_empty() {
            continue;
        }
        *total += 1;
        if *total > MAX_CELLS {
            return Err(BookError::TooLarge(format!("> {MAX_CELLS} cells")));
        }
        cells.insert((r, c), text);
    }
    Ok(cells)
}

fn shown(v: &Data) -> String {
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => num_text(*f),
        Data::String(s) => clip(s),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(d) => date_text(d),
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => clip(s),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn shown_ref(v: &DataRef<'_>, fmt: Option<&str>) -> String {
    match v {
        DataRef::Int(i) => match fmt.and_then(percent_decimals) {
            Some(d) => percent_text(*i as f64, d),
            None => i.to_string(),
        },
        DataRef::Float(f) => match fmt.and_then(percent_decimals) {
            Some(d) => percent_text(*f, d),
            None => pad_decimals(num_text(*f), fmt.and_then(fixed_decimals)),
        },
        DataRef::String(s) => clip(s),
        DataRef::SharedString(s) => clip(s),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        DataRef::DateTime(d) => date_text(d),
        DataRef::DateTimeIso(s) => iso_date(s),
        DataRef::DurationIso(s) => clip(s),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

fn clip(s: &str) -> String {
    let t = s.trim();
    match t.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => t[..i].to_string(),
        None => t.to_string(),
    }
}

fn date_text(d: &calamine::ExcelDateTime) -> String {
    if !d.is_datetime() {
        return num_text(d.as_f64());
    }
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    format!("{y:04}-{m:02}-{day:02}")
}

fn iso_date(s: &str) -> String {
    let b = s.as_bytes();
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        s[..10].to_string()
    } else {
        clip(s)
    }
}

/// The shortest decimal that round-trips `v`, rounded to 15 significant
/// digits when it has more (a typed number never has: Excel keeps 15).
pub fn num_text(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = format!("{v}");
    let digits = s
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|&b| b == b'0')
        .count();
    if digits <= 15 {
        return s;
    }
    let r: f64 = format!("{v:.14e}").parse().unwrap_or(v);
    format!("{r}")
}

/// Decimals shown by a percent format (`0.0%` → 1), `None` if not a percent format.
pub fn percent_decimals(fmt: &str) -> Option<u32> {
    let code = strip_quoted(fmt);
    let first = code.split(';').next().unwrap_or("");
    if !first.contains('%') {
        return None;
    }
    fixed_decimals(first).or(Some(0))
}

/// Decimals shown by a fixed format (`0.00` → 2).
fn fixed_decimals(fmt: &str) -> Option<u32> {
    let code = strip_quoted(fmt);
    let first = code.split(';').next().unwrap_or("");
    let after = first.split_once('.')?.1;
    let n = after
        .chars()
        .take_while(|c| *c == '0' || *c == '#')
        .filter(|c| *c == '0')
        .count();
    (n > 0).then_some(n as u32)
}

fn strip_quoted(fmt: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    let mut bracket = false;
    for c in fmt.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            _ if quoted || bracket => {}
            _ => out.push(c),
        }
    }
    out
}

fn percent_text(v: f64, decimals: u32) -> String {
    let Ok(d) = num_text(v).parse::<Decimal>() else {
        return num_text(v * 100.0) + "%";
    };
    let Some(p) = d.checked_mul(Decimal::ONE_HUNDRED) else {
        return String::new();
    };
    let mut p = p.round_dp_with_strategy(
        decimals,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    );
    p.rescale(decimals);
    format!("{p}%")
}

/// `150` shown with the format `0.00` is `150.00`: pad, never cut.
fn pad_decimals(s: String, decimals: Option<u32>) -> String {
    let Some(want) = decimals else { return s };
    if s.contains('e') || s.is_empty() {
        return s;
    }
    let have = s.split_once('.').map_or(0, |(_, f)| f.len() as u32);
    if have >= want {
        return s;
    }
    let mut s = s;
    if have == 0 {
        s.push('.');
    }
    for _ in have..want {
        s.push('0');
    }
    s
}

/// Turn raw sheets into grids: text per cell, top-left of merges only.
pub fn to_grid(raw: &RawSheet) -> Grid {
    let (mut h, mut w) = (0u32, 0u32);
    for &(r, c) in raw.cells.keys() {
        h = h.max(r + 1);
        w = w.max(c + 1);
    }
    for m in &raw.merges {
        h = h.max(m.2.min(MAX_ROWS - 1) + 1);
        w = w.max(m.3.min(MAX_COLS - 1) + 1);
    }
    let mut rows = vec![vec![String::new(); w as usize]; h as usize];
    for (&(r, c), t) in &raw.cells {
        rows[r as usize][c as usize] = t.clone();
    }
    Grid {
        name: raw.name.clone(),
        rows,
        merges: raw.merges.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_shortest_and_at_most_15_digits() {
        assert_eq!(num_text(29.5896), "29.5896");
        assert_eq!(num_text(150.0), "150");
        assert_eq!(num_text(0.1 + 0.2), "0.3");
        assert_eq!(num_text(29.5896 / 150.0 * 150.0), "29.5896");
        assert_eq!(num_text(f64::NAN), "");
    }

    #[test]
    fn percent_formats_show_their_decimals() {
        assert_eq!(percent_decimals("0.0%"), Some(1));
        assert_eq!(percent_decimals("0%"), Some(0));
        assert_eq!(percent_decimals("0.00"), None);
        assert_eq!(percent_decimals("\"%\"0"), None);
        assert_eq!(percent_text(0.197264, 1), "19.7%");
        assert_eq!(percent_text(1.0, 0), "100%");
        assert_eq!(percent_text(0.3465, 2), "34.65%");
        assert_eq!(pad_decimals("150".into(), Some(2)), "150.00");
        assert_eq!(pad_decimals("29.5896".into(), Some(2)), "29.5896");
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b""), Sniff::Empty);
        assert_eq!(sniff(b"  <html><table>"), Sniff::Html);
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniff::Zip);
        assert_eq!(sniff(b"hello"), Sniff::Other);
    }
}
