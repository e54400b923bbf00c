//! Problems that stop a run before any declaration is checked: a bad config,
//! a bad rule file, a file that cannot be read. The library returns them as
//! data; the command line renders them (into the file, at the span) and exits 2.

use crate::source::Span;
use std::sync::Arc;

/// What an [`Error`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `.jixiao.yaml`: YAML syntax, an unknown key, a bad value, a param or
    /// rule code that does not exist.
    Config,
    /// A `*.rules` file: syntax, unknown names or functions, bad types,
    /// duplicate codes.
    RuleFile,
    /// A file the run needs (config, rule file, baseline) cannot be read.
    Read,
    /// A baseline file that is not a baseline.
    Baseline,
}

/// One problem that stops the run, pointing into the file it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What the problem is about.
    pub kind: ErrorKind,
    /// A finer code: `rule-syntax`, `rule-name`, `config`, …
    pub code: &'static str,
    /// The file's name as shown, when the problem is in a file.
    pub file: Option<Arc<str>>,
    /// The file's text, when the problem points into it.
    pub text: Option<Arc<str>>,
    /// Where in `text`.
    pub span: Span,
    /// What is wrong, in the run's language.
    pub message: String,
    /// What to do, including a "did you mean".
    pub help: Option<String>,
}

impl Error {
    /// A problem with no place in a file.
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Error {
        Error {
            kind,
            code,
            file: None,
            text: None,
            span: Span::default(),
            message: message.into(),
            help: None,
        }
    }

    /// The same problem, pointing at `span` in the file `name` holding `text`.
    pub fn at(mut self, name: Arc<str>, text: Arc<str>, span: Span) -> Error {
        self.file = Some(name);
        self.text = Some(text);
        self.span = span;
        self
    }

    /// With a help text.
    pub fn help(mut self, help: Option<String>) -> Error {
        self.help = help;
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(name) = &self.file {
            write!(f, "{name}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
