//! Output formats. Every format renders the same findings; only `human`
//! knows about miette's renderer. Positions shown to tools are 1-based lines
//! and *character* columns; offsets and lengths are bytes.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::check::{FileEntry, Outcome};
use crate::diag::{FileId, Finding};
use crate::discover::PathProblem;
use crate::source::{Locator, Span};
use std::borrow::Cow;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with snippets (or the grid around a cell).
    Human,
    /// One JSON array of findings.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
    /// JUnit XML, a test case per file.
    Junit,
}

pub use crate::source::Region;

/// Line indexes of the run's files, built once per file on demand.
pub struct Positions<'a> {
    loc: Locator<'a>,
}

impl<'a> Positions<'a> {
    /// The line indexes of every file a finding or label points into.
    pub fn new(outcome: &'a Outcome) -> Self {
        let files: Vec<FileId> = outcome
            .findings
            .iter()
            .flat_map(|f| std::iter::once(f.file).chain(f.labels.iter().map(|l| l.file)))
            .collect();
        Positions {
            loc: Locator::new(&outcome.files, files),
        }
    }

    /// The lines and columns of `span` in `file`.
    pub fn region(&self, file: FileId, span: Span) -> Region {
        self.loc.region(file, span)
    }

    /// The region of a finding's primary span.
    pub fn of(&self, f: &Finding) -> Region {
        self.region(f.file, f.span)
    }
}

/// The file name of a finding, as shown.
pub fn file_name<'o>(outcome: &'o Outcome, f: &Finding) -> Cow<'o, str> {
    outcome.file(f.file).map_or(Cow::Borrowed(""), entry_name)
}

/// A file's name as every format shows it: its display name, or, when the
/// path is not UTF-8, the path with each undecodable byte written `\xFF`
/// (so two such files never share a name).
pub fn entry_name(e: &FileEntry) -> Cow<'_, str> {
    if e.name.contains('\u{FFFD}') {
        Cow::Owned(crate::baseline::name_of(&e.path))
    } else {
        Cow::Borrowed(&e.name)
    }
}

/// The name of file `id` as shown ("" for none).
pub fn name_of(o: &Outcome, id: FileId) -> Cow<'_, str> {
    o.file(id).map_or(Cow::Borrowed(""), entry_name)
}

/// Characters that must not reach a terminal or a CI log raw: control
/// characters but tab and line feed (ESC starts terminal sequences, a lone CR
/// starts a GitHub workflow command), and the bidirectional controls that
/// make text display in another order than it reads (Trojan Source).
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text with every [`is_unsafe`] character written as `\u{1b}`, as rustc does.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path problem's location, as shown (undecodable bytes escaped).
pub fn problem_path(p: &PathProblem) -> String {
    crate::baseline::name_of(&p.path)
}

/// The workbook a table was read from, as named in a run: the file's name
/// without the `:Sheet` a workbook of several tables adds.
pub fn book_name<'e>(e: &'e FileEntry, t: &crate::workbook::Table) -> Cow<'e, str> {
    let name = entry_name(e);
    let suffix = format!(":{}", t.sheet);
    match name.strip_suffix(suffix.as_str()) {
        Some(book) if !book.is_empty() => Cow::Owned(book.to_owned()),
        _ => name,
    }
}
