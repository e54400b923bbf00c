//! The command line: `jixiao check | rules | explain | report`. Parses
//! arguments (clap), reads the config and rule files, runs the library and
//! chooses the exit status: 0 clean, 1 errors (or warnings with
//! `--deny-warnings`), 2 bad usage, config or rule file.

use crate::baseline::Baseline;
use crate::check::{self, Options, Outcome};
use crate::config::{self, Config};
use crate::diag::Lang;
use crate::discover::{self, Exclude};
use crate::disk;
use crate::error::{Error, ErrorKind};
use crate::load::LoadOptions;
use crate::output::{self, Format, human};
use crate::rules::compile::RuleSource;
use crate::setup::Flags;
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "jixiao",
    version,
    about = "绩效目标与绩效自评的规则引擎和检查工具 — a linter for budget performance targets"
)]
pub struct Cli {
    #[command(subcommand)]
    pub cmd: Cmd,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Check declarations (files or folders; default: the current folder).
    Check(CheckArgs),
    /// List the rules: code, severity, title, source file.
    Rules(RuleArgs),
    /// Show a rule's title, severity, help, basis and source text.
    Explain {
        /// A rule code, e.g. JX101.
        code: String,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Write the review pack for the expert meeting.
    Report(ReportArgs),
}

#[derive(Args, Debug, Clone, Default)]
pub struct RuleArgs {
    /// Extra rule files or folders (added to the defaults).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in rules.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Use this config instead of the nearest .jixiao.yaml.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Ignore any .jixiao.yaml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Language of built-in messages.
    #[arg(long, value_parser = ["zh", "en"])]
    pub lang: Option<String>,
    /// Indicator system: legacy or mof2021 (overrides the config).
    #[arg(long, value_parser = ["legacy", "mof2021"])]
    pub profile: Option<String>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to check.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Warnings make the exit status 1.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Report only findings that are not in this baseline.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings as the baseline.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Apply the config's `exclude` to files named on the command line too
    /// (as ruff's --force-exclude; pre-commit names every changed file).
    #[arg(long)]
    pub force_exclude: bool,
    /// Skip named YAML files that are not declarations (no known `kind`), as
    /// folder discovery does, instead of reporting them (for pre-commit).
    #[arg(long)]
    pub skip_non_declarations: bool,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Files or folders.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[arg(long, value_enum, default_value = "html")]
    pub format: crate::report::ReportFormat,
    /// Output file (default: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Run the CLI on `args`; returns the exit status.
pub fn main_with<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    // Block-buffered: the standard output flushes at every line otherwise,
    // one system call per finding.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let status = match cli.cmd {
        Cmd::Check(a) => cmd_check(&a, &mut out),
        Cmd::Rules(r) => cmd_rules(&r, &mut out),
        Cmd::Explain { code, rules } => cmd_explain(&code, &rules, &mut out),
        Cmd::Report(a) => cmd_report(&a, &mut out),
    };
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: {e}");
            2
        }
        _ => status,
    }
}

fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn err_handler() -> miette::GraphicalReportHandler {
    human::handler(
        std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        None,
    )
}

pub use crate::setup::{Setup, default_sources};

/// Print errors that stop the run, grouped as the files they point into.
fn print_errors(errors: &[Error], lang: Lang) {
    let _ = human::setup_errors(errors, &mut std::io::stderr(), lang, &err_handler());
}

/// Read a file the run needs (config, rule file) as UTF-8 text, bounded.
fn read_text(p: &Path, what: &'static str) -> Result<String, Error> {
    let fail = |m: String| Error::new(ErrorKind::Read, what, m);
    let meta = std::fs::metadata(p).map_err(|e| fail(format!("{}: {e}", p.display())))?;
    if !meta.is_file() {
        return Err(fail(format!("{}: not a regular file", p.display())));
    }
    if meta.len() > MAX_RULE_FILE_SIZE {
        return Err(fail(format!(
            "{}: {} bytes, over the limit of {MAX_RULE_FILE_SIZE}",
            p.display(),
            meta.len()
        )));
    }
    let bytes = std::fs::read(p).map_err(|e| fail(format!("{}: {e}", p.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "{}: not UTF-8 (byte {})",
            p.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Read the config and the rule files and compile; on failure the errors
/// are printed to stderr and `Err(2)` returned.
pub fn setup(a: &RuleArgs) -> Result<Setup, i32> {
    let flags = Flags {
        lang: a.lang.as_deref().and_then(Lang::parse),
        profile: a.profile.as_deref().and_then(crate::model::Profile::parse),
        no_default_rules: a.no_default_rules,
    };
    let lang0 = flags.lang.unwrap_or_default();
    let config_path = if a.no_config {
        None
    } else {
        match &a.config {
            Some(p) => Some(p.clone()),
            None => config::find(Path::new(".")),
        }
    };
    let (config, config_file) = match &config_path {
        None => (Config::default(), None),
        Some(p) => {
            let text: Arc<str> = match read_text(p, "config") {
                Ok(t) => t.into(),
                Err(e) => {
                    print_errors(&[e], lang0);
                    return Err(2);
                }
            };
            let name: Arc<str> = p.to_string_lossy().into();
            match crate::setup::parse_config(name.clone(), text.clone(), Some(p), lang0) {
                Ok(c) => (c, Some((name, text))),
                Err(errs) => {
                    print_errors(&errs, lang0);
                    return Err(2);
                }
            }
        }
    };
    let lang = crate::setup::lang(&flags, &config);
    let mut sources = Vec::new();
    let mut paths: Vec<PathBuf> = config.rules.clone();
    paths.extend(a.rules.iter().cloned());
    for p in &paths {
        match read_rule_sources(p) {
            Ok(s) => sources.extend(s),
            Err(msg) => {
                print_errors(&[Error::new(ErrorKind::Read, "rule-file", msg)], lang);
                return Err(2);
            }
        }
    }
    crate::setup::build(config, config_file, sources, &flags).map_err(|errs| {
        print_errors(&errs, lang);
        2
    })
}

/// Largest rule file read (rule files are small; a larger one is not a rule file).
pub const MAX_RULE_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// A rule file, or every `*.rules` file under a folder (sorted).
pub fn read_rule_sources(p: &Path) -> Result<Vec<RuleSource>, String> {
    let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
    let files: Vec<PathBuf> = if meta.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|e| format!("{}: {e}", p.display()))?
            .flatten()
            .map(|e| e.path())
            .filter(|f| f.extension().is_some_and(|x| x == "rules"))
            .collect();
        v.sort();
        v
    } else {
        vec![p.to_path_buf()]
    };
    files
        .into_iter()
        .map(|f| {
            // A FIFO or device would block or never end: only regular files,
            // and not beyond the size limit.
            let meta = std::fs::metadata(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            if !meta.is_file() {
                return Err(format!("{}: not a regular file", f.display()));
            }
            if meta.len() > MAX_RULE_FILE_SIZE {
                return Err(format!(
                    "{}: {} bytes, over the limit of {MAX_RULE_FILE_SIZE} for a rule file",
                    f.display(),
                    meta.len()
                ));
            }
            let bytes = std::fs::read(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                format!(
                    "{}: not UTF-8 (byte {})",
                    f.display(),
                    e.utf8_error().valid_up_to()
                )
            })?;
            Ok(RuleSource {
                name: f.to_string_lossy().into(),
                text: text.into(),
            })
        })
        .collect()
}

fn check_options(s: &Setup) -> Result<(Options, Option<Exclude>), String> {
    let opts = Options::new(s.config.limits.apply(LoadOptions {
        profile: s.rules.profile,
        lang: s.lang,
        ..LoadOptions::default()
    }));
    let mut exclude = None;
    if !s.config.exclude.is_empty() {
        let base = s.config.path.as_deref().and_then(Path::parent);
        exclude = Some(Exclude::new(&s.config.exclude, base).map_err(|e| e.to_string())?);
    }
    Ok((opts, exclude))
}

/// Config, rules, check options and `exclude`, or the exit status when they are bad.
fn prepare(rules: &RuleArgs) -> Result<(Setup, Options, Option<Exclude>), i32> {
    let s = setup(rules)?;
    match check_options(&s) {
        Ok((o, ex)) => Ok((s, o, ex)),
        Err(e) => {
            eprintln!("error: {e}");
            Err(2)
        }
    }
}

fn cmd_check(a: &CheckArgs, out: &mut dyn Write) -> i32 {
    let (s, mut opts, exclude) = match prepare(&a.rules) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if let Some(b) = &a.baseline {
        match std::fs::read_to_string(b)
            .map_err(|e| e.to_string())
            .and_then(|t| Baseline::parse(&t))
        {
            Ok(bl) => opts.baseline = Some(bl),
            Err(e) => {
                eprintln!("error: {}: {e}", b.display());
                return 2;
            }
        }
    }
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    let (mut candidates, problems) = discover::discover(&paths, exclude.as_ref());
    if a.force_exclude
        && let Some(ex) = &exclude
    {
        candidates.retain(|c| !(c.explicit && ex.matches(&c.path, Path::new("."))));
    }
    if a.skip_non_declarations {
        for c in &mut candidates {
            c.explicit = false;
        }
    }
    let ws = disk::workspace_of(candidates, problems, exclude.as_ref());
    let outcome = check::check(&ws, &s.rules, &opts);
    for p in &outcome.problems {
        eprintln!("error: {}", s.lang.pick(&p.zh, &p.en));
    }
    let written = match a.format {
        Format::Human => human::write(&outcome, out, s.lang, &human::handler(color(), None)),
        Format::Json => output::json::write(&outcome, out),
        Format::Sarif => output::sarif::write(&outcome, &s.rules, out, s.lang),
        Format::Github => output::github::write(&outcome, out),
        Format::Junit => output::junit::write(&outcome, out),
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: {e}");
        return 2;
    }
    if let Some(p) = &a.write_baseline {
        let b = Baseline::record(&outcome.findings, &outcome.files);
        if let Err(e) = std::fs::write(p, b.to_json()) {
            eprintln!("error: {}: {e}", p.display());
            return 2;
        }
    }
    exit_status(&outcome, a.deny_warnings)
}

/// 2 for unusable paths, 1 for errors (or warnings when denied), else 0.
pub fn exit_status(o: &Outcome, deny_warnings: bool) -> i32 {
    if !o.problems.is_empty() {
        return 2;
    }
    let t = o.tally();
    if t.errors > 0 || (deny_warnings && t.warnings > 0) {
        1
    } else {
        0
    }
}

fn cmd_rules(a: &RuleArgs, out: &mut dyn Write) -> i32 {
    let s = match setup(a) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let _ = writeln!(out, "{}", crate::docs::rules_table(&s.rules, s.lang));
    0
}

fn cmd_explain(code: &str, a: &RuleArgs, out: &mut dyn Write) -> i32 {
    let s = match setup(a) {
        Ok(s) => s,
        Err(c) => return c,
    };
    match crate::docs::explain(&s.rules, code, s.lang) {
        Some(text) => {
            let _ = write!(out, "{text}");
            0
        }
        None => {
            let guess = s.rules.guess_code(code);
            eprintln!(
                "error: {}{}",
                match s.lang {
                    Lang::Zh => format!("没有编号为 {code} 的规则"),
                    Lang::En => format!("no rule has the code {code}"),
                },
                guess
                    .map(|g| match s.lang {
                        Lang::Zh => format!("（是不是 {g}？）"),
                        Lang::En => format!(" (did you mean {g}?)"),
                    })
                    .unwrap_or_default()
            );
            2
        }
    }
}

fn cmd_report(a: &ReportArgs, out: &mut dyn Write) -> i32 {
    let (s, mut opts, exclude) = match prepare(&a.rules) {
        Ok(x) => x,
        Err(code) => return code,
    };
    opts.keep_docs = true;
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    let ws = disk::workspace(&paths, exclude.as_ref());
    let outcome = check::check(&ws, &s.rules, &opts);
    for p in &outcome.problems {
        eprintln!("error: {}", s.lang.pick(&p.zh, &p.en));
    }
    let doc = match crate::report::render(&outcome, &s.rules, a.format, s.lang) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let written = match &a.output {
        Some(p) => std::fs::write(p, &doc),
        None => out.write_all(&doc),
    };
    if let Err(e) = written {
        eprintln!("error: {e}");
        return 2;
    }
    if outcome.problems.is_empty() { 0 } else { 2 }
}
