//! Output formats. Every format renders the same findings; only `human`
//! knows about miette's renderer. Positions shown to tools are 1-based lines
//! and *character* columns; offsets and lengths are bytes.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::check::Outcome;
use crate::diag::{FileId, Finding};
use crate::source::{Locator, Span};

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
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
pub fn file_name<'o>(outcome: &'o Outcome, f: &Finding) -> &'o str {
    outcome.file(f.file).map_or("", |e| &e.name)
}
