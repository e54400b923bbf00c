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
use rayon::prelude::*;
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
    /// The line indexes of every file a finding or label points into, built
    /// in parallel (a CI run may report into thousands of files).
    pub fn new(outcome: &'a Outcome) -> Self {
        let mut files: Vec<FileId> = outcome
            .findings
            .iter()
            .flat_map(|f| std::iter::once(f.file).chain(f.labels.iter().map(|l| l.file)))
            .collect();
        files.sort_unstable();
        files.dedup();
        let cache = files
            .into_par_iter()
            .filter_map(|id| {
                let text = outcome.file(id)?.text.as_deref()?;
                Some((id, LineIndex::new(text)))
            })
            .collect();
        Positions { outcome, cache }
    }

    /// The lines and columns of `span` in `file`, one of the files the
    /// outcome's findings or labels point into (1:1 for any other).
    pub fn region(&self, file: FileId, span: Span) -> Region {
        let text = self.outcome.file(file).and_then(|f| f.text.as_deref());
        let (Some(text), Some(idx)) = (text, self.cache.get(&file)) else {
            let p = Position { line: 1, column: 1 };
            return Region { start: p, end: p };
        };
        Region {
            start: idx.position(text, span.start as usize),
            end: idx.position(text, span.end as usize),
        }
    }

    pub fn of(&self, f: &Finding) -> Region {
        self.region(f.file, f.span)
    }
}

/// The file name of a finding, as shown.
pub fn file_name<'o>(outcome: &'o Outcome, f: &Finding) -> &'o str {
    outcome.file(f.file).map_or("", |e| &e.name)
}
