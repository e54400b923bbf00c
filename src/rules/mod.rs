//! The rule language: rule files (`*.rules`, grammar in `grammar/rules.pest`)
//! are parsed ([`parse`]), checked and compiled once ([`compile`]) into a
//! [`RuleSet`], then evaluated over each document ([`eval`]). The default
//! ruleset under `rules/` is compiled into the binary, parsed at build time
//! (`build.rs`, in the form of [`blob`]) so a run does not parse it again.

pub mod ast;
pub mod blob;
pub mod compile;
pub mod eval;
pub mod functions;
pub mod parse;
pub mod patterns;
#[cfg(test)]
mod tests;

pub use compile::{Compiled, Lit, RuleSet};
pub use eval::Context;

use crate::source::Span;

/// A problem in a rule file: syntax, an unknown name or function, a bad
/// severity… Reported into the rule file; a run with one exits 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// `rule-syntax`, `rule-name`, `rule-function`, `rule-path`, …
    pub code: &'static str,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl RuleError {
    pub fn new(code: &'static str, span: Span, message: String) -> RuleError {
        RuleError {
            code,
            span,
            message,
            help: None,
        }
    }
    pub fn help(mut self, help: impl Into<String>) -> RuleError {
        self.help = Some(help.into());
        self
    }
}

/// The default rule files, compiled into the binary: (file name, text).
pub const DEFAULT_RULES: &[(&str, &str)] = &[
    (
        "rules/structure.rules",
        include_str!("../../rules/structure.rules"),
    ),
    (
        "rules/values.rules",
        include_str!("../../rules/values.rules"),
    ),
    (
        "rules/budget.rules",
        include_str!("../../rules/budget.rules"),
    ),
    (
        "rules/self-evaluation.rules",
        include_str!("../../rules/self-evaluation.rules"),
    ),
    (
        "rules/summary.rules",
        include_str!("../../rules/summary.rules"),
    ),
];

/// The default rule files as `build.rs` parsed them ([`blob`]), in the order
/// of [`DEFAULT_RULES`].
static DEFAULT_AST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/default_rules.bin"));

/// The default rules' constant patterns as DFAs, made by `build.rs` ([`patterns`]).
static DEFAULT_PATTERNS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/default_patterns.bin"));

/// The DFA `build.rs` made for `pattern`, if it is one of the default rules'.
pub fn default_pattern(pattern: &str) -> Option<regex_automata::dfa::sparse::DFA<&'static [u8]>> {
    patterns::find(DEFAULT_PATTERNS, pattern)
}

/// The parsed default rule files, by index into [`DEFAULT_RULES`]; `None` if
/// the build's blob cannot be read (then they are parsed as any rule file).
pub fn default_files() -> Option<Vec<ast::File>> {
    blob::decode(DEFAULT_AST).filter(|f| f.len() == DEFAULT_RULES.len())
}

/// Which default rule file `text` is, if it is one unchanged.
pub fn default_index(text: &str) -> Option<usize> {
    DEFAULT_RULES.iter().position(|(_, t)| *t == text)
}
