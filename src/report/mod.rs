//! The review pack for the expert meeting (专家评审会): per department a table
//! of projects, an execution-rate chart and the findings; per project its
//! indicator table with computed scores. HTML (self-contained, printable) or
//! Markdown.
//!
//! STUB: being written.

use crate::check::Outcome;
use crate::diag::Lang;
use crate::rules::RuleSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Md,
}

pub fn render(outcome: &Outcome, rules: &RuleSet, format: ReportFormat, lang: Lang) -> String {
    let _ = (outcome, rules, format, lang);
    String::new()
}
