//! Build script: parses the default rule files (`rules/*.rules`) with the
//! crate's own rule parser (included below by path) and writes them in the
//! compact form of `src/rules/blob.rs` to `$OUT_DIR/default_rules.bin`, so the
//! binary starts without running pest on them. A syntax error in a default
//! rule file fails the build.

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
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("default_rules.bin"), rules::blob::encode(&files))
        .expect("write default_rules.bin");
}
