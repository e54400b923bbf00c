//! jixiao (绩效): a rule engine and linter for budget performance targets.
//!
//! Data flows one way: read (`source`) → spanned YAML (`yaml`) → normalised
//! model (`load`, `model`) → rule evaluation (`rules`) → findings (`diag`) →
//! output formats (`output`) and the review pack (`report`). `check` runs the
//! pipeline over files; `cli` is the command line on top.

pub mod amount;
pub mod baseline;
pub mod cases;
pub mod catalogue;
pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod discover;
pub mod disk;
pub mod docs;
pub mod error;
pub mod escape;
pub mod fix;
pub mod fsio;
pub mod load;
pub mod lsp;
pub mod model;
pub mod output;
pub mod page;
pub mod report;
pub mod rules;
pub mod score;
pub mod setup;
pub mod source;
pub mod typing;
pub mod value;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
pub mod workbook;
pub mod workspace;
pub mod yaml;
