//! jixiao (绩效): a rule engine and linter for budget performance targets.
//!
//! The library is what the command line, the editor server, the review-room
//! page and a provincial platform embed. Its public surface:
//!
//! - [`workspace::Workspace`]: the files to check, in memory (YAML text or
//!   workbook bytes, each with a name), optionally with a
//!   [`workspace::Reader`] for files a summary or a self-evaluation refers to;
//! - [`setup`]: the configuration (`.jixiao.yaml`) and the rule set, with
//!   errors returned as [`error::Error`] data;
//! - [`check::check`]: the one call that checks a workspace and returns a
//!   [`check::Outcome`] — the files ([`source::FileEntry`]) and the findings
//!   ([`diag::Finding`]: code, severity, message, span or cell, labels, help,
//!   suppression, fix) — with waivers, baselines and the relations between
//!   documents applied, and no I/O;
//! - [`output`]: one `write` per format (human, JSON, SARIF, GitHub, JUnit),
//!   and [`source::Locator`] to turn spans into lines, columns or cells.
//!
//! Nothing here prints. Data flows one way: read (`source`) → spanned YAML
//! (`yaml`) → normalised model (`load`, `model`) → rule evaluation (`rules`) →
//! findings (`diag`) → output formats (`output`) and the review pack
//! (`report`). The modules marked `#[doc(hidden)]` are internals that the
//! binary, the tests, the benchmarks and the fuzz targets reach into; they are
//! not part of the supported interface. See `examples/embed.rs`.

#![warn(missing_docs)]

#[doc(hidden)]
pub mod amount;
mod baseline;
#[doc(hidden)]
pub mod cases;
mod catalogue;
pub mod check;
#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod config;
pub mod diag;
mod discover;
#[doc(hidden)]
pub mod disk;
#[doc(hidden)]
pub mod docs;
pub mod error;
mod escape;
mod fix;
mod fsio;
#[doc(hidden)]
pub mod load;
#[doc(hidden)]
pub mod lsp;
#[doc(hidden)]
pub mod model;
pub mod output;
#[doc(hidden)]
pub mod page;
mod par;
#[doc(hidden)]
pub mod report;
#[doc(hidden)]
pub mod rules;
#[doc(hidden)]
pub mod score;
pub mod setup;
pub mod source;
mod typing;
#[doc(hidden)]
pub mod value;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;
#[doc(hidden)]
pub mod workbook;
pub mod workspace;
#[doc(hidden)]
pub mod yaml;
