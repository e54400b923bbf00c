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
use crate::source::{LineIndex, Position, Span};
use std::collections::HashMap;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

/// Start and end positions of a span (end exclusive, as a column after the last character).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Region {
    pub start: Position,
    pub end: Position,
}

/// Line indexes of the run's files, built once per file on demand.
pub struct Positions<'a> {
    outcome: &'a Outcome,
    cache: HashMap<FileId, LineIndex>,
}

impl<'a> Positions<'a> {
    pub fn new(outcome: &'a Outcome) -> Self {
        Positions {
            outcome,
            cache: HashMap::new(),
        }
    }

    pub fn region(&mut self, file: FileId, span: Span) -> Region {
        let Some(text) = self.outcome.file(file).and_then(|f| f.text.as_deref()) else {
            let p = Position { line: 1, column: 1 };
            return Region { start: p, end: p };
        };
        let idx = self
            .cache
            .entry(file)
            .or_insert_with(|| LineIndex::new(text));
        Region {
            start: idx.position(text, span.start as usize),
            end: idx.position(text, span.end as usize),
        }
    }

    pub fn of(&mut self, f: &Finding) -> Region {
        self.region(f.file, f.span)
    }
}

/// The file name of a finding, as shown.
pub fn file_name<'o>(outcome: &'o Outcome, f: &Finding) -> &'o str {
    outcome.file(f.file).map_or("", |e| &e.name)
}
