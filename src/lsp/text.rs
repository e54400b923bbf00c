//! Positions for the editor server: byte offsets into a buffer to LSP
//! positions (0-based line, column in UTF-16 code units or UTF-8 bytes, as
//! negotiated) and back, and edits of a buffer by LSP ranges. Lines break at
//! `\n`, `\r\n` and a lone `\r`, as the protocol and [`crate::source::LineIndex`] say.

use lsp_types::{Position, Range};

/// How the client counts columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-16 code units: the protocol's default.
    #[default]
    Utf16,
    /// UTF-8 bytes, when the client offers it.
    Utf8,
}

impl Encoding {
    /// The protocol's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf16 => "utf-16",
            Encoding::Utf8 => "utf-8",
        }
    }
}

/// Byte offsets of line starts in a text.
#[derive(Clone, Debug)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\r' if b.get(i + 1) == Some(&b'\n') => {
                    i += 2;
                    starts.push(i);
                }
                b'\r' | b'\n' => {
                    i += 1;
                    starts.push(i);
                }
                _ => i += 1,
            }
        }
        Lines { starts }
    }

    /// The 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l.saturating_sub(1),
        }
    }

    /// The LSP position of byte `offset` in `text` (clamped to the text and
    /// moved back to a character boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let mut off = offset.min(text.len());
        while !text.is_char_boundary(off) {
            off -= 1;
        }
        let line = self.line_of(off);
        let start = self.starts[line].min(off);
        let before = &text[start..off];
        let character = match enc {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    /// The LSP range of the byte range `start..end`.
    pub fn range(&self, text: &str, start: usize, end: usize, enc: Encoding) -> Range {
        Range {
            start: self.position(text, start, enc),
            end: self.position(text, end.max(start), enc),
        }
    }

    /// The byte offset of an LSP position: a line past the end is the end of
    /// the text, a column past the end of its line is the line's end (the
    /// protocol's rule), and a column inside a character is its start.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .copied()
            .unwrap_or(text.len());
        let line = &text[start..end];
        let content = line.trim_end_matches(['\r', '\n']);
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in content.char_indices() {
            if units >= want {
                return start + i;
            }
            units += match enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units > want {
                return start + i;
            }
        }
        start + content.len()
    }
}

/// Replace the LSP `range` of `text` with `new` (an incremental change).
pub fn apply_change(text: &mut String, range: Range, new: &str, enc: Encoding) {
    let lines = Lines::new(text);
    let a = lines.offset(text, range.start, enc);
    let b = lines.offset(text, range.end, enc);
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    text.replace_range(a..b, new);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn columns_after_chinese_text_count_utf16_units_or_bytes() {
        let text = "name: 居家养老\n  target: 𝄞≥ 5000\r\nend";
        let l = Lines::new(text);
        let at = text.find("居").unwrap();
        assert_eq!(l.position(text, at, Encoding::Utf16), pos(0, 6));
        let after = text.find('\n').unwrap();
        assert_eq!(l.position(text, after, Encoding::Utf16), pos(0, 10));
        assert_eq!(l.position(text, after, Encoding::Utf8), pos(0, 18));
        // A character outside the BMP is two UTF-16 units.
        let ge = text.find('≥').unwrap();
        assert_eq!(l.position(text, ge, Encoding::Utf16), pos(1, 12));
        assert_eq!(l.position(text, ge, Encoding::Utf8), pos(1, 14));
        assert_eq!(l.position(text, text.len(), Encoding::Utf16), pos(2, 3));
        // And back.
        assert_eq!(l.offset(text, pos(1, 12), Encoding::Utf16), ge);
        assert_eq!(l.offset(text, pos(0, 6), Encoding::Utf16), at);
        // Inside the surrogate pair: the character's start.
        assert_eq!(l.offset(text, pos(1, 11), Encoding::Utf16), ge - 4);
        // Past the line's end: the line's end, before its break.
        assert_eq!(
            l.offset(text, pos(1, 99), Encoding::Utf16),
            text.find('\r').unwrap()
        );
        assert_eq!(l.offset(text, pos(9, 0), Encoding::Utf16), text.len());
        // Inside a multi-byte character (bytes): never a split character.
        assert_eq!(l.position(text, at + 1, Encoding::Utf8), pos(0, 6));
    }

    #[test]
    fn incremental_changes_edit_by_range() {
        let mut t = "年度：2023\n金额：150\n".to_owned();
        apply_change(
            &mut t,
            Range {
                start: pos(1, 3),
                end: pos(1, 6),
            },
            "120",
            Encoding::Utf16,
        );
        assert_eq!(t, "年度：2023\n金额：120\n");
        // A reversed range is the same range.
        apply_change(
            &mut t,
            Range {
                start: pos(0, 3),
                end: pos(0, 0),
            },
            "",
            Encoding::Utf16,
        );
        assert_eq!(t, "2023\n金额：120\n");
        // A lone \r breaks a line.
        let mut t = "a\rb".to_owned();
        apply_change(
            &mut t,
            Range {
                start: pos(1, 0),
                end: pos(1, 1),
            },
            "c",
            Encoding::Utf16,
        );
        assert_eq!(t, "a\rc");
    }
}
