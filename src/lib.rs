//! jixiao (绩效): a rule engine and linter for budget performance targets.
//!
//! Data flows one way: read (`source`) → spanned YAML (`yaml`) → normalised
//! model (`load`, `model`) → rule evaluation (`rules`) → findings (`diag`) →
//! output formats (`output`) and the review pack (`report`).

pub mod amount;
pub mod diag;
pub mod load;
pub mod model;
pub mod score;
pub mod source;
pub mod value;
pub mod yaml;
