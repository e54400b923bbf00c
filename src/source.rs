//! Source text: bytes → UTF-8 text (BOM, UTF-16, encoding hints), byte spans,
//! and the line/character-column index every output format needs.
//!
//! Everything downstream addresses text by byte offset into the decoded text of
//! the file, as it was on disk for UTF-8 (a UTF-8 BOM is kept, so offsets are the
//! file's own). Columns shown to people are counted in characters, not bytes.

use std::sync::Arc;

/// A byte range `start..end` in one source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The first byte.
    pub start: u32,
    /// Just after the last byte.
    pub end: u32,
}

impl Span {
    /// The bytes `start..end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    /// An empty span at `pos`.
    pub const fn at(pos: usize) -> Span {
        Span::new(pos, pos)
    }
    /// Its length in bytes.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    /// Whether it covers no byte.
    pub fn is_empty(self) -> bool {
        self.end == self.start
    }
    /// As a range, to index the text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start as usize, s.len()).into()
    }
}

/// 1-based line and character column of a byte offset, for people and tools.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column in characters.
    pub column: u32,
}

/// Byte offsets of line starts, for offset → (line, column) lookups.
///
/// Lookups cost O(log lines) plus at most one block of bytes, however long
/// the line: a one-line file of 2 MB with 100,000 findings is not quadratic.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// Characters before each block of [`BLOCK`] bytes (a character is a byte
    /// that is not a UTF-8 continuation byte, so any byte offset will do).
    block_chars: Vec<u32>,
}

const BLOCK_BITS: u32 = 8;
const BLOCK: usize = 1 << BLOCK_BITS;

/// Bytes that start a character (not UTF-8 continuation bytes) in `bytes`.
fn count_chars(bytes: &[u8]) -> usize {
    let mut n = 0;
    for &b in bytes {
        n += usize::from((b as i8) >= -0x40);
    }
    n
}

impl LineIndex {
    /// The index of `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u32];
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(off) = memchr_newline(&bytes[i..]) {
            let at = i + off;
            // `\r\n` is one break; a lone `\r` is a break too (YAML 1.2).
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(next as u32);
            i = next;
        }
        let mut block_chars = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut chars = 0u32;
        for block in bytes.chunks(BLOCK) {
            block_chars.push(chars);
            chars += count_chars(block) as u32;
        }
        block_chars.push(chars);
        LineIndex {
            starts,
            block_chars,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset >> BLOCK_BITS;
        let from = block << BLOCK_BITS;
        let base = self.block_chars.get(block).copied().unwrap_or(0) as usize;
        let tail = text.as_bytes().get(from..offset).unwrap_or(&[]);
        base + count_chars(tail)
    }

    /// The 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        match self
            .starts
            .binary_search(&(offset.min(u32::MAX as usize) as u32))
        {
            Ok(l) => l + 1,
            Err(l) => l,
        }
    }

    /// Line and character column (both 1-based) of byte `offset` in `text`.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        // `starts[0]` is 0, so every offset has a line: `line(offset) >= 1`.
        let line = self.line(offset).max(1);
        let start = self.starts.get(line - 1).map_or(0, |&s| s as usize);
        let mut off = offset;
        while !text.is_char_boundary(off) {
            off -= 1;
        }
        let mut column = self
            .chars_before(text, off)
            .saturating_sub(self.chars_before(text, start.min(off)))
            + 1;
        // A UTF-8 byte order mark is no character anyone sees (a UTF-16 file's
        // is dropped when it is decoded): line 1's columns start after it, as
        // an editor and GitHub count them.
        if line == 1 && off >= 3 && text.starts_with('\u{feff}') {
            column -= 1;
        }
        Position {
            line: line as u32,
            column: column as u32,
        }
    }

    /// Byte offset of the start of 1-based `line`.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).map(|&s| s as usize)
    }

    /// How many lines the text has.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

fn memchr_newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n' || c == b'\r')
}

/// The lines and columns of the byte offsets a file's findings and labels
/// point at, worked out while its text was in memory: all that the machine
/// formats need of a file, in 12 bytes an offset instead of the whole text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks(Box<[(u32, Position)]>);

impl Marks {
    /// The positions of `offsets` in `text`.
    pub fn new(text: &str, mut offsets: Vec<u32>) -> Marks {
        offsets.sort_unstable();
        offsets.dedup();
        let idx = LineIndex::new(text);
        Marks(
            offsets
                .into_iter()
                .map(|o| (o, idx.position(text, o as usize)))
                .collect(),
        )
    }

    /// The position of byte `offset`, when it is one of those kept.
    pub fn get(&self, offset: u32) -> Option<Position> {
        let i = self.0.binary_search_by_key(&offset, |m| m.0).ok()?;
        Some(self.0[i].1)
    }
}

/// A file of a run as the outputs see it: its name, its text (kept only where
/// a finding, a label or the review pack needs it) and what became of it.
#[derive(Clone, Debug)]
pub struct FileEntry {
    /// The path as given.
    pub path: std::path::PathBuf,
    /// Where the file sits, for relations (absolute on disk).
    pub place: std::path::PathBuf,
    /// The name shown in diagnostics.
    pub name: Arc<str>,
    /// The decoded text, when it could be read and is needed.
    pub text: Option<Arc<str>>,
    /// Without the text (a run for machine formats, see
    /// [`crate::check::Options::keep_texts`]): the lines and columns of the
    /// offsets the findings point at.
    pub marks: Option<Marks>,
    /// Checked and reported (false: loaded only for a summary's totals).
    pub reported: bool,
    /// A declaration was found in it (else it was skipped as other YAML).
    pub declaration: bool,
    /// For a table read from a workbook: its sheet and the map from spans of
    /// the YAML it was turned into (`text`) to cells.
    pub table: Option<Arc<crate::workbook::Table>>,
}

impl FileEntry {
    /// The sheet and cell (`F6`) a span of this file comes from (or, for a
    /// structural line, where that part of the table begins), for a table
    /// read from a workbook.
    pub fn cell(&self, span: Span) -> Option<(&str, String)> {
        let t = self.table.as_deref()?;
        let c = t.anchor(span.start as usize, span.end as usize)?;
        Some((t.sheet_name(c.sheet), crate::workbook::cell_name(&c)))
    }
}

/// A path that could not be used at all (missing, an unreadable folder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathProblem {
    /// The path as given.
    pub path: std::path::PathBuf,
    /// What is wrong, in Chinese.
    pub zh: String,
    /// What is wrong, in English.
    pub en: String,
}

/// Start and end positions of a span (end exclusive, as a column after the last character).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Region {
    /// The first character.
    pub start: Position,
    /// Just after the last character.
    pub end: Position,
}

/// Turns a finding's file and span into what the outputs show: line and
/// column regions, built from one line index per file on demand.
pub struct Locator<'a> {
    files: &'a [FileEntry],
    cache: std::collections::HashMap<u32, LineIndex>,
}

impl<'a> Locator<'a> {
    /// The line indexes of `ids` (the files findings and labels point into),
    /// built in parallel: a CI run may report into thousands of files.
    pub fn new(files: &'a [FileEntry], mut ids: Vec<u32>) -> Self {
        ids.sort_unstable();
        ids.dedup();
        let cache = crate::par::filter_map(&ids, |_, &id| {
            let text = files.get(id as usize)?.text.as_deref()?;
            Some((id, LineIndex::new(text)))
        })
        .into_iter()
        .collect();
        Locator { files, cache }
    }

    /// The lines and columns of `span` in `file` (1:1 for a file without text).
    pub fn region(&self, file: u32, span: Span) -> Region {
        // A table read from a workbook: the cell's row and column.
        if let Some(c) = self
            .files
            .get(file as usize)
            .and_then(|f| f.table.as_deref())
            .and_then(|t| t.anchor(span.start as usize, span.end as usize))
        {
            return Region {
                start: Position {
                    line: c.row + 1,
                    column: c.col + 1,
                },
                end: Position {
                    line: c.last_row + 1,
                    column: c.last_col + 2,
                },
            };
        }
        let entry = self.files.get(file as usize);
        let text = entry.and_then(|f| f.text.as_deref());
        let (Some(text), Some(idx)) = (text, self.cache.get(&file)) else {
            let marks = entry.and_then(|f| f.marks.as_ref());
            let p = Position { line: 1, column: 1 };
            let at = |o: u32| marks.and_then(|m| m.get(o)).unwrap_or(p);
            return Region {
                start: at(span.start),
                end: at(span.end),
            };
        };
        Region {
            start: idx.position(text, span.start as usize),
            end: idx.position(text, span.end as usize),
        }
    }

    /// The file's name as shown.
    pub fn name(&self, file: u32) -> &'a str {
        self.files.get(file as usize).map_or("", |e| &e.name)
    }
}

/// A path for display and for keys: as is when it is UTF-8, else each byte
/// that is not UTF-8 written `\xFF`, so `a\xFF.yaml` and `a\xFE.yaml` stay
/// two names (`to_string_lossy` makes both `a�.yaml`).
pub fn escape_path(p: &std::path::Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = p.as_os_str().as_bytes();
        let mut out = String::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        p.to_string_lossy().into_owned()
    }
}

/// Why bytes could not be read as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not UTF-8: the first invalid byte, and the legacy encoding it decodes as, if any.
    NotUtf8 {
        /// The first byte that is not UTF-8.
        offset: usize,
        /// `GBK`, `GB18030` or `Big5` when the bytes decode cleanly as that.
        looks_like: Option<&'static str>,
    },
    /// A UTF-16 BOM, but the rest is not valid UTF-16.
    BadUtf16 {
        /// The first byte that is not UTF-16.
        offset: usize,
    },
}

/// How the text was stored on disk (reported when it was not plain UTF-8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8.
    Utf8,
    /// UTF-8 with a byte order mark.
    Utf8Bom,
    /// UTF-16 little-endian with a byte order mark.
    Utf16Le,
    /// UTF-16 big-endian with a byte order mark.
    Utf16Be,
    /// UTF-16 little-endian without a byte order mark (told by where its NUL bytes fall).
    Utf16LeNoBom,
    /// UTF-16 big-endian without a byte order mark.
    Utf16BeNoBom,
    /// UTF-32 little-endian, with a byte order mark or without.
    Utf32Le,
    /// UTF-32 big-endian, with a byte order mark or without.
    Utf32Be,
}

/// Decode a file's bytes. UTF-8 (with or without BOM) is borrowed as is; UTF-16
/// with a BOM is transcoded; anything else is an error naming the first bad byte
/// and, when the bytes decode cleanly as GBK/GB18030 or Big5, that encoding.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    // UTF-32 first: its little-endian BOM starts with UTF-16's.
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE, 0, 0]) {
        return decode_utf32(rest, false, 4).map(|s| (s, Encoding::Utf32Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0, 0, 0xFE, 0xFF]) {
        return decode_utf32(rest, true, 4).map(|s| (s, Encoding::Utf32Be));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, encoding_rs::UTF_16LE).map(|s| (s, Encoding::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, encoding_rs::UTF_16BE).map(|s| (s, Encoding::Utf16Be));
    }
    if let Some(r) = guess_wide(bytes) {
        return Ok(r);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            let enc = if s.starts_with('\u{FEFF}') {
                Encoding::Utf8Bom
            } else {
                Encoding::Utf8
            };
            Ok((s.to_owned(), enc))
        }
        Err(e) => Err(DecodeError::NotUtf8 {
            offset: e.valid_up_to(),
            looks_like: legacy_encoding(bytes),
        }),
    }
}

fn decode_utf16(rest: &[u8], enc: &'static encoding_rs::Encoding) -> Result<String, DecodeError> {
    let (text, had_errors) = enc.decode_without_bom_handling(rest);
    if had_errors || rest.len() % 2 == 1 {
        // Find the first unit that fails, in bytes of the original file (BOM included).
        let mut offset = 2 + rest.len() - rest.len() % 2;
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if enc == encoding_rs::UTF_16LE {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        let mut i = 0;
        while i < units.len() {
            let u = units[i];
            if (0xD800..0xDC00).contains(&u) {
                if units
                    .get(i + 1)
                    .is_some_and(|n| (0xDC00..0xE000).contains(n))
                {
                    i += 2;
                    continue;
                }
                offset = 2 + i * 2;
                break;
            }
            if (0xDC00..0xE000).contains(&u) {
                offset = 2 + i * 2;
                break;
            }
            i += 1;
        }
        return Err(DecodeError::BadUtf16 { offset });
    }
    Ok(text.into_owned())
}

fn decode_utf32(rest: &[u8], big: bool, skip: usize) -> Result<String, DecodeError> {
    let mut out = String::with_capacity(rest.len() / 2);
    for (i, c) in rest.chunks(4).enumerate() {
        let unit = <[u8; 4]>::try_from(c).ok().and_then(|b| {
            char::from_u32(if big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            })
        });
        match unit {
            Some(ch) => out.push(ch),
            None => {
                return Err(DecodeError::NotUtf8 {
                    offset: skip + i * 4,
                    looks_like: Some("UTF-32"),
                });
            }
        }
    }
    Ok(out)
}

/// Text a person could have written: no control characters but white space.
fn plausible_text(s: &str) -> bool {
    !s.is_empty()
        && !s
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// UTF-32 or UTF-16 without a byte order mark. YAML keys are ASCII, so such
/// a file has NUL bytes in fixed places: three of every four (UTF-32), or
/// every other byte on one side only (UTF-16). It counts only when it then
/// decodes cleanly to text without control characters (a binary file does not).
fn guess_wide(bytes: &[u8]) -> Option<(String, Encoding)> {
    let head = &bytes[..bytes.len().min(8192)];
    if !head.contains(&0) {
        return None;
    }
    if bytes.len().is_multiple_of(4) {
        for (big, enc) in [(false, Encoding::Utf32Le), (true, Encoding::Utf32Be)] {
            if let Ok(s) = decode_utf32(bytes, big, 0)
                && plausible_text(&s)
            {
                return Some((s, enc));
            }
        }
    }
    if bytes.len() % 2 == 1 {
        return None;
    }
    let zeros_at = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|&(i, &b)| b == 0 && i % 2 == parity)
            .count()
    };
    // At least one unit in eight is ASCII (keys, indentation, numbers): a
    // stray NUL in UTF-8 text does not make it UTF-16.
    let enough = (head.len() / 2 / 8).max(1);
    // The other side has NULs only where a character's low byte is 0 (一 is
    // U+4E00): far fewer.
    let (enc, tag) = match (zeros_at(0), zeros_at(1)) {
        (e, o) if o >= enough && e * 4 < o => (encoding_rs::UTF_16LE, Encoding::Utf16LeNoBom),
        (e, o) if e >= enough && o * 4 < e => (encoding_rs::UTF_16BE, Encoding::Utf16BeNoBom),
        _ => return None,
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    (!had_errors && plausible_text(&text)).then(|| (text.into_owned(), tag))
}

/// The legacy Chinese encoding the bytes decode as without errors, if any.
fn legacy_encoding(bytes: &[u8]) -> Option<&'static str> {
    for (enc, name) in [
        (encoding_rs::GBK, "GBK"),
        (encoding_rs::GB18030, "GB18030"),
        (encoding_rs::BIG5, "Big5"),
    ] {
        let (_, had_errors) = enc.decode_without_bom_handling(bytes);
        if !had_errors {
            return Some(name);
        }
    }
    None
}

/// Whether the bytes look binary (NUL bytes in the first 8 KB), not text at all.
pub fn looks_binary(bytes: &[u8]) -> bool {
    // Text has no NUL at all: one word-at-a-time scan settles most files.
    if !bytes[..bytes.len().min(8192)].contains(&0) {
        return false;
    }
    if bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
        || bytes.starts_with(&[0, 0, 0xFE, 0xFF])
    {
        return false;
    }
    if guess_wide(bytes).is_some() {
        return false;
    }
    bytes.iter().take(8192).any(|&b| b == 0)
}

/// Converts the character indices the YAML scanner reports into byte offsets.
/// Queries arrive almost in order, so a cursor makes the whole pass linear.
pub struct CharToByte<'a> {
    text: &'a str,
    ascii: bool,
    char_pos: usize,
    byte_pos: usize,
}

impl<'a> CharToByte<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        CharToByte {
            text,
            ascii: text.is_ascii(),
            char_pos: 0,
            byte_pos: 0,
        }
    }

    /// The byte offset of character `char_index`.
    pub fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        let bytes = self.text.as_bytes();
        while self.char_pos < char_index && self.byte_pos < bytes.len() {
            self.byte_pos += utf8_len(bytes[self.byte_pos]);
            self.char_pos += 1;
        }
        while self.char_pos > char_index && self.byte_pos > 0 {
            self.byte_pos -= 1;
            while self.byte_pos > 0 && !self.text.is_char_boundary(self.byte_pos) {
                self.byte_pos -= 1;
            }
            self.char_pos -= 1;
        }
        self.byte_pos.min(bytes.len())
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// A path with `.` components dropped and `..` folded lexically: the
/// workspace's paths are compared as given (the disk reader gives absolute
/// ones), never looked up here.
pub(crate) fn normal(p: &std::path::Path) -> std::path::PathBuf {
    use std::path::{Component, PathBuf};
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_crlf() {
        let text = "\u{FEFF}a: 绩效\r\nb: 自评\rc";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 3);
        let b = text.find('b').unwrap();
        assert_eq!(idx.position(text, b), Position { line: 2, column: 1 });
        let zi = text.find("自").unwrap();
        assert_eq!(idx.position(text, zi), Position { line: 2, column: 4 });
        let ji = text.find("绩").unwrap();
        // the BOM is no column: line 1 counts from after it, as an editor does
        assert_eq!(idx.position(text, ji), Position { line: 1, column: 4 });
        assert_eq!(idx.position(text, 3), Position { line: 1, column: 1 });
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
        let c = text.rfind('c').unwrap();
        assert_eq!(idx.position(text, c), Position { line: 3, column: 1 });
    }

    #[test]
    fn columns_on_long_lines_match_counting() {
        let text = "名称: ".to_owned() + &"绩效a".repeat(3000) + "\n第二行：" + &"x".repeat(2000);
        let idx = LineIndex::new(&text);
        for off in (0..text.len())
            .step_by(97)
            .filter(|&o| text.is_char_boundary(o))
        {
            let line_start = text[..off].rfind('\n').map_or(0, |i| i + 1);
            let want = text[line_start..off].chars().count() as u32 + 1;
            assert_eq!(idx.position(&text, off).column, want, "at {off}");
        }
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(text.len()), 2);
    }

    #[test]
    fn char_to_byte_agrees_with_char_indices_in_any_order() {
        let text = "kind: target\n名称: 绩效😀a\u{3000}b".repeat(40);
        let want: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        let mut m = CharToByte::new(&text);
        // forward by every step, then jumps both ways
        for (i, &b) in want.iter().enumerate() {
            assert_eq!(m.byte(i), b, "char {i}");
        }
        for i in (0..want.len())
            .rev()
            .step_by(7)
            .chain((0..want.len()).step_by(13))
        {
            assert_eq!(m.byte(i), want[i], "char {i}");
        }
        let mut m = CharToByte::new(&text);
        for i in (0..want.len()).step_by(37) {
            assert_eq!(m.byte(i), want[i], "char {i}");
        }
    }

    #[test]
    fn char_to_byte_moves_both_ways() {
        let text = "ab绩效c";
        let mut m = CharToByte::new(text);
        assert_eq!(m.byte(3), 5);
        assert_eq!(m.byte(4), 8);
        assert_eq!(m.byte(1), 1);
        assert_eq!(m.byte(5), 9);
        assert_eq!(m.byte(99), 9);
    }

    #[test]
    fn utf16_without_bom_and_utf32_are_decoded() {
        let text = "kind: target\nyear: 2023\n名称: 一绩效\n";
        let le16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let le32: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        let be32: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        assert!(!looks_binary(&le16) && !looks_binary(&be32));
        assert_eq!(
            decode(&le16).unwrap(),
            (text.into(), Encoding::Utf16LeNoBom)
        );
        assert_eq!(
            decode(&be16).unwrap(),
            (text.into(), Encoding::Utf16BeNoBom)
        );
        assert_eq!(decode(&le32).unwrap(), (text.into(), Encoding::Utf32Le));
        assert_eq!(decode(&be32).unwrap(), (text.into(), Encoding::Utf32Be));
        let bom32: Vec<u8> = [0xFF, 0xFE, 0, 0].into_iter().chain(le32.clone()).collect();
        assert_eq!(decode(&bom32).unwrap(), (text.into(), Encoding::Utf32Le));
        // Binary stays binary.
        let bin = [
            0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 3, 0, 0x3E, 0,
        ];
        assert!(looks_binary(&bin));
        // A UTF-32 BOM with an invalid unit names UTF-32.
        let bad = [0xFF, 0xFE, 0, 0, 0, 0, 0x11, 0];
        assert_eq!(
            decode(&bad).unwrap_err(),
            DecodeError::NotUtf8 {
                offset: 4,
                looks_like: Some("UTF-32")
            }
        );
    }

    #[test]
    fn decodes_boms_and_reports_gbk() {
        assert_eq!(decode(b"a: 1").unwrap().1, Encoding::Utf8);
        assert_eq!(decode(b"\xEF\xBB\xBFa").unwrap().1, Encoding::Utf8Bom);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("年度: 2022".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(
            decode(&utf16).unwrap(),
            ("年度: 2022".to_owned(), Encoding::Utf16Le)
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("kind: 绩效自评");
        assert_eq!(
            decode(&gbk).unwrap_err(),
            DecodeError::NotUtf8 {
                offset: 6,
                looks_like: Some("GBK")
            }
        );
    }
}
