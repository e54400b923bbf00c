//! Build script: parses the default rule files (`rules/*.rules`) with the
//! crate's own rule parser (included below by path) and writes them in the
//! compact form of `src/rules/blob.rs` to `$OUT_DIR/default_rules.bin`, so the
//! binary starts without running pest on them, and compiles the constant
//! patterns of their `matches` calls to sparse DFAs (`src/rules/patterns.rs`)
//! in `$OUT_DIR/default_patterns.bin`, so a run does not build those regexes.
//! A syntax error in a default rule file fails the build.

use std::path::PathBuf;

/// The parts of the crate the parser needs, in miniature.
mod diag {
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    #[allow(dead_code)]
    pub enum Lang {
        #[default]
        Zh,
        En,
    }
    impl Lang {
        pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
            match self {
                Lang::Zh => zh,
                Lang::En => en,
            }
        }
    }
}

mod source {
    /// A byte range, as `src/source.rs` defines it.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Span {
        pub start: u32,
        pub end: u32,
    }
    impl Span {
        pub const fn new(start: usize, end: usize) -> Span {
            Span {
                start: start as u32,
                end: end as u32,
            }
        }
        pub const fn at(pos: usize) -> Span {
            Span::new(pos, pos)
        }
        pub fn join(self, other: Span) -> Span {
            Span {
                start: self.start.min(other.start),
                end: self.end.max(other.end),
            }
        }
    }
}

#[allow(dead_code)]
mod rules {
    use crate::source::Span;

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct RuleError {
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

    #[path = "../src/rules/ast.rs"]
    pub mod ast;
    #[path = "../src/rules/blob.rs"]
    pub mod blob;
    #[path = "../src/rules/parse.rs"]
    pub mod parse;
    #[path = "../src/rules/patterns.rs"]
    pub mod patterns;
}

/// The default rule files, in the order `src/rules/mod.rs` lists them.
const FILES: &[&str] = &[
    "rules/structure.rules",
    "rules/values.rules",
    "rules/budget.rules",
    "rules/self-evaluation.rules",
    "rules/summary.rules",
];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    for dep in [
        "grammar/rules.pest",
        "src/rules/ast.rs",
        "src/rules/blob.rs",
        "src/rules/parse.rs",
        "src/rules/patterns.rs",
    ]
    .iter()
    .chain(FILES)
    {
        println!("cargo:rerun-if-changed={dep}");
    }
    let mut files = Vec::new();
    for name in FILES {
        let text = std::fs::read_to_string(root.join(name))
            .unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
        let (file, errors) = rules::parse::parse_file(&text, diag::Lang::En);
        if let Some(e) = errors.first() {
            let line = text[..(e.span.start as usize).min(text.len())]
                .matches('\n')
                .count()
                + 1;
            panic!("{name}:{line}: {} {}", e.code, e.message);
        }
        files.push(file);
    }
    // The jixiao binary is linked at a fixed address on Linux: a
    // position-independent one spends a one-file check's start relocating
    // 18,000 pointers (400 KB of tables, a hundred pages touched) before main.
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("default_rules.bin"), rules::blob::encode(&files))
        .expect("write default_rules.bin");
    let patterns: Vec<(String, Vec<u8>)> = patterns(&files)
        .into_iter()
        .filter_map(|p| dfa(&p).map(|d| (p, d)))
        .collect();
    std::fs::write(
        out.join("default_patterns.bin"),
        rules::patterns::encode(&patterns),
    )
    .expect("write default_patterns.bin");
}

/// The constant patterns of `matches(text, PATTERN)` in the files: a string
/// literal or a param whose value is one.
fn patterns(files: &[rules::ast::File]) -> Vec<String> {
    use rules::ast::{Clause, Expr, ExprKind};
    fn expr(e: &Expr, params: &[(&str, &str)], out: &mut Vec<String>) {
        match &e.kind {
            ExprKind::Call(name, _, args) => {
                if let (true, Some(p)) = (name == "matches", args.get(1)) {
                    let text = match &p.kind {
                        ExprKind::Str(s) => Some(s.as_str()),
                        ExprKind::Name(n) => params.iter().find(|(k, _)| k == n).map(|(_, v)| *v),
                        _ => None,
                    };
                    out.extend(text.map(str::to_owned));
                }
                args.iter().for_each(|a| expr(a, params, out));
            }
            ExprKind::List(items) => items.iter().for_each(|a| expr(a, params, out)),
            ExprKind::Comp {
                expr: x,
                iter,
                cond,
                ..
            } => {
                expr(x, params, out);
                expr(iter, params, out);
                if let Some(c) = cond {
                    expr(c, params, out);
                }
            }
            ExprKind::Field(x, ..) | ExprKind::Star(x) | ExprKind::Unary(_, x) => {
                expr(x, params, out)
            }
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
                expr(a, params, out);
                expr(b, params, out);
            }
            ExprKind::Num { .. } | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Name(_) => {}
        }
    }
    fn clauses(cs: &[Clause], params: &[(&str, &str)], out: &mut Vec<String>) {
        for c in cs {
            match c {
                Clause::Let(_, _, e) | Clause::When(e) | Clause::Assert(e) => expr(e, params, out),
                Clause::For { iter, body, .. } => {
                    expr(iter, params, out);
                    clauses(body, params, out);
                }
                _ => {}
            }
        }
    }
    let params: Vec<(&str, &str)> = files
        .iter()
        .flat_map(|f| &f.params)
        .filter_map(|p| match &p.value.kind {
            rules::ast::ExprKind::Str(s) => Some((p.name.as_str(), s.as_str())),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for rule in files.iter().flat_map(|f| &f.rules) {
        clauses(&rule.body, &params, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// `pattern` as a sparse DFA that answers `is_match` as `regex::Regex` does
/// (the same syntax defaults and nesting limit as the crate's `build_regex`),
/// or `None` when a DFA cannot say it (e.g. a Unicode word boundary) or grows
/// too large: that pattern is then compiled at run time.
fn dfa(pattern: &str) -> Option<Vec<u8>> {
    use regex_automata::{dfa::dense, nfa::thompson, util::syntax};
    let dense = dense::Builder::new()
        .syntax(syntax::Config::new().nest_limit(64))
        .thompson(thompson::Config::new().which_captures(thompson::WhichCaptures::None))
        .configure(
            dense::Config::new()
                .minimize(true)
                .start_kind(regex_automata::dfa::StartKind::Unanchored)
                .dfa_size_limit(Some(4 << 20))
                .determinize_size_limit(Some(4 << 20)),
        )
        .build(pattern)
        .ok()?;
    Some(dense.to_sparse().ok()?.to_bytes_little_endian())
}
