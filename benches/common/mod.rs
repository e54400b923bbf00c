//! Shared fixtures for the criterion benches: a fixed in-memory corpus made by
//! the example generator (`examples/gen.rs`, seed 1, so every bench and every
//! run sees the same files), the default ruleset, and documents loaded once.
//! A new bench (e.g. report rendering) declares `mod common;` and builds on
//! [`corpus`], [`default_rules`] and [`load_all`].

#![allow(dead_code)] // each bench uses a different part of this module

use jixiao::cli::default_sources;
use jixiao::diag::{FileId, Finding};
use jixiao::load::{LoadOptions, load_text};
use jixiao::model::Doc;
use jixiao::rules::compile::Settings;
use jixiao::rules::{Context, RuleSet, eval};

#[allow(dead_code)] // the example's command line is not used here
#[path = "../../examples/gen.rs"]
mod generator;

/// The seed of every bench corpus.
pub const SEED: u64 = 1;

/// A generated file held in memory.
pub struct File {
    pub name: String,
    pub text: String,
}

/// The first `n` files of the generated corpus.
pub fn corpus(n: u64) -> Vec<File> {
    (1..=n)
        .map(|i| match generator::render(i, SEED) {
            Ok((name, text, _)) => File { name, text },
            Err(e) => panic!("corpus generator: {e}"),
        })
        .collect()
}

/// Total size in bytes (for criterion's throughput).
pub fn bytes(files: &[File]) -> u64 {
    files.iter().map(|f| f.text.len() as u64).sum()
}

/// The built-in rules, compiled with default settings.
pub fn default_rules() -> RuleSet {
    match RuleSet::build(default_sources(), &Settings::default()) {
        Ok(set) => set,
        Err((_, errors)) => panic!("default rules do not compile: {errors:?}"),
    }
}

/// The default rules whose source file name contains `family`
/// (`structure`, `values`, `budget`, `self-evaluation`, `summary`).
pub fn rule_family(family: &str) -> RuleSet {
    let mut set = default_rules();
    let wanted: Vec<usize> = (0..set.sources.len())
        .filter(|&i| set.sources[i].name.contains(family))
        .collect();
    assert!(!wanted.is_empty(), "no default rule file named {family}");
    set.rules.retain(|r| wanted.contains(&r.source));
    set
}

/// Load one file as the check pipeline does (named on the command line).
pub fn load(text: &str, file: FileId, opts: &LoadOptions) -> Option<Doc> {
    load_text(text, file, opts, true).doc
}

/// Every file loaded once (documents that fail to load are left out).
pub fn load_all(files: &[File]) -> Vec<Doc> {
    let opts = LoadOptions::default();
    files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| load(&f.text, i as FileId, &opts))
        .collect()
}

/// The single-document rules of `rules` over one document.
pub fn check_doc(rules: &RuleSet, doc: &Doc, file: FileId) -> Vec<Finding> {
    let cx = Context {
        doc,
        file,
        projects: &[],
        declared: None,
        lang: LoadOptions::default().lang,
    };
    eval::run(rules, &cx, false)
}

/// The criterion settings of every bench: short warm-up, `samples` samples
/// over `secs` seconds (the whole suite stays within a few minutes).
pub fn config(samples: usize, secs: u64) -> criterion::Criterion {
    criterion::Criterion::default()
        .sample_size(samples)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(secs))
}
