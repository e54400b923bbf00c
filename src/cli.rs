//! The command line: `jixiao check | rules | explain | report`. Parses
//! arguments (clap), reads the config and rule files, runs the library and
//! chooses the exit status: 0 clean, 1 errors (or warnings with
//! `--deny-warnings`), 2 bad usage, config or rule file.

use crate::baseline::Baseline;
use crate::check::{self, Options, Outcome};
use crate::config::{self, Config, ConfigError};
use crate::diag::Lang;
use crate::discover::{self, Exclude};
use crate::load::{LOADER_CODES, LoadOptions};
use crate::output::{self, Format, human};
use crate::rules::compile::{RuleSource, Settings};
use crate::rules::{DEFAULT_RULES, RuleError, RuleSet};
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
    /// Read a workbook's tables as the YAML that `check` reads.
    Import(ImportArgs),
    /// Write a YAML declaration as the official table (.xlsx).
    Export(ExportArgs),
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
        Cmd::Import(a) => cmd_import(&a, &mut out),
        Cmd::Export(a) => cmd_export(&a),
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

/// Everything shared by the subcommands: config, language, compiled rules.
pub struct Setup {
    pub lang: Lang,
    pub config: Config,
    pub rules: RuleSet,
}

/// Read the config and the rule files and compile; on failure the
/// diagnostics are printed to stderr and `Err(2)` returned.
pub fn setup(a: &RuleArgs) -> Result<Setup, i32> {
    let flag_lang = a.lang.as_deref().and_then(Lang::parse);
    let lang0 = flag_lang.unwrap_or_default();
    let mut stderr = std::io::stderr();
    let config_path = if a.no_config {
        None
    } else {
        match &a.config {
            Some(p) => Some(p.clone()),
            None => config::find(Path::new(".")),
        }
    };
    let config = match &config_path {
        None => Config::default(),
        Some(p) => {
            let text = match std::fs::read_to_string(p) {
                Ok(t) => t,
                Err(e) => {
                    let _ = writeln!(stderr, "error: {}: {e}", p.display());
                    return Err(2);
                }
            };
            match config::parse(&text, Some(p), lang0) {
                Ok(c) => c,
                Err(errs) => {
                    print_config_errors(p, &text, &errs, lang0);
                    return Err(2);
                }
            }
        }
    };
    let lang = flag_lang.or(config.lang).unwrap_or_default();
    let profile = match a.profile.as_deref() {
        Some(p) => crate::model::Profile::parse(p).unwrap_or_default(),
        None => config.profile.unwrap_or_default(),
    };
    let mut sources = Vec::new();
    if !a.no_default_rules {
        sources.extend(default_sources());
    }
    let mut paths: Vec<PathBuf> = config.rules.clone();
    paths.extend(a.rules.iter().cloned());
    for p in &paths {
        match read_rule_sources(p) {
            Ok(s) => sources.extend(s),
            Err(msg) => {
                let _ = writeln!(stderr, "error: {msg}");
                return Err(2);
            }
        }
    }
    let settings = Settings {
        profile,
        lang,
        params: config
            .params
            .iter()
            .map(|(n, v, _)| (n.clone(), v.clone()))
            .collect(),
        severity: config
            .severity
            .iter()
            .map(|(k, (s, _))| (k.clone(), *s))
            .collect(),
    };
    let rules = match RuleSet::build(sources, &settings) {
        Ok(r) => r,
        Err((sources, errors)) => {
            let errs: Vec<(human::Source, RuleError)> = errors
                .into_iter()
                .map(|(i, e)| {
                    let s = &sources[i];
                    (
                        human::Source {
                            name: s.name.clone(),
                            text: s.text.clone(),
                        },
                        e,
                    )
                })
                .collect();
            let _ = human::rule_errors(&errs, &mut stderr, lang, &err_handler());
            return Err(2);
        }
    };
    // Config names must name real params and rules.
    if let Some(p) = &config_path {
        let mut errs = Vec::new();
        for (name, _, span) in &config.params {
            if rules.param(name).is_none() {
                let guess =
                    crate::load::did_you_mean(name, rules.params.iter().map(|p| p.name.as_str()));
                errs.push(ConfigError {
                    span: *span,
                    message: match lang {
                        Lang::Zh => format!("没有名为“{name}”的参数"),
                        Lang::En => format!("no param is named `{name}`"),
                    },
                    help: guess.map(|g| config::guess_help(g, lang)),
                });
            }
        }
        for (code, (_, span)) in &config.severity {
            let known = rules.rule(code).is_some()
                || rules.off.iter().any(|c| &**c == code)
                || crate::load::loader_code(code).is_some();
            if !known {
                let guess = crate::load::did_you_mean(code, rules.rules.iter().map(|r| &*r.code));
                errs.push(ConfigError {
                    span: *span,
                    message: match lang {
                        Lang::Zh => format!("没有编号为 {code} 的规则"),
                        Lang::En => format!("no rule has the code {code}"),
                    },
                    help: guess.map(|g| config::guess_help(g, lang)),
                });
            }
        }
        if !errs.is_empty() {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            print_config_errors(p, &text, &errs, lang);
            return Err(2);
        }
    }
    Ok(Setup {
        lang,
        config,
        rules,
    })
}

fn print_config_errors(path: &Path, text: &str, errs: &[ConfigError], lang: Lang) {
    let src = human::Source {
        name: path.to_string_lossy().into(),
        text: text.into(),
    };
    let list: Vec<(human::Source, RuleError)> = errs
        .iter()
        .map(|e| {
            let mut r = RuleError::new("config", e.span, e.message.clone());
            r.help = e.help.clone();
            (src.clone(), r)
        })
        .collect();
    let _ = human::config_errors(&list, &mut std::io::stderr(), lang, &err_handler());
}

/// The built-in rule files.
pub fn default_sources() -> Vec<RuleSource> {
    DEFAULT_RULES
        .iter()
        .map(|(name, text)| RuleSource {
            name: Arc::from(format!("<builtin>/{name}")),
            text: Arc::from(*text),
        })
        .collect()
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

fn check_options(s: &Setup) -> Result<Options, String> {
    let mut opts = Options::new(s.config.limits.apply(LoadOptions {
        profile: s.rules.profile,
        lang: s.lang,
        ..LoadOptions::default()
    }));
    if !s.config.exclude.is_empty() {
        let base = s.config.path.as_deref().and_then(Path::parent);
        let ex = Exclude::new(&s.config.exclude, base).map_err(|e| e.to_string())?;
        opts.exclude = Some(ex);
    }
    Ok(opts)
}

/// Config, rules and check options, or the exit status when they are bad.
fn prepare(rules: &RuleArgs) -> Result<(Setup, Options), i32> {
    let s = setup(rules)?;
    match check_options(&s) {
        Ok(o) => Ok((s, o)),
        Err(e) => {
            eprintln!("error: {e}");
            Err(2)
        }
    }
}

fn cmd_check(a: &CheckArgs, out: &mut dyn Write) -> i32 {
    let (s, mut opts) = match prepare(&a.rules) {
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
    let (mut candidates, problems) = discover::discover(&paths, opts.exclude.as_ref());
    if a.force_exclude
        && let Some(ex) = &opts.exclude
    {
        candidates.retain(|c| !(c.explicit && ex.matches(&c.path, Path::new("."))));
    }
    if a.skip_non_declarations {
        for c in &mut candidates {
            c.explicit = false;
        }
    }
    let outcome = check::run_candidates(candidates, problems, &s.rules, &opts);
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
            let all = s
                .rules
                .rules
                .iter()
                .map(|r| &*r.code)
                .chain(LOADER_CODES.iter().map(|c| c.code));
            let guess = crate::load::did_you_mean(code, all);
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
    let (s, mut opts) = match prepare(&a.rules) {
        Ok(x) => x,
        Err(code) => return code,
    };
    opts.keep_docs = true;
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    let outcome = check::run(&paths, &s.rules, &opts);
    for p in &outcome.problems {
        eprintln!("error: {}", s.lang.pick(&p.zh, &p.en));
    }
    let doc = crate::report::render(&outcome, &s.rules, a.format, s.lang);
    let written = match &a.output {
        Some(p) => std::fs::write(p, doc.as_bytes()),
        None => out.write_all(doc.as_bytes()),
    };
    if let Err(e) = written {
        eprintln!("error: {e}");
        return 2;
    }
    if outcome.problems.is_empty() { 0 } else { 2 }
}

// ---- workbooks: import and export (SPEC §5) ----

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The workbook (.xlsx, .xls, .et, .ods); it is only read.
    pub book: PathBuf,
    /// Output YAML file, or a folder (ending in `/` or existing) for one file
    /// per table; default: standard output (one table only).
    #[arg(short = 'o', long = "output", value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,
    /// Language of messages.
    #[arg(long, value_parser = ["zh", "en"])]
    pub lang: Option<String>,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The YAML declaration.
    pub decl: PathBuf,
    /// The workbook to write (.xlsx).
    #[arg(short = 'o', long = "output", value_name = "BOOK.xlsx")]
    pub output: PathBuf,
    /// Language of messages.
    #[arg(long, value_parser = ["zh", "en"])]
    pub lang: Option<String>,
}

/// Write `bytes` to `path` through a temporary file in the same folder and a
/// rename, so a reader never sees half a file and a failure leaves the old one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A file name for a table: the book's stem and the sheet, without characters
/// file systems refuse.
fn table_file_name(stem: &str, sheet: &str, several: bool) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
                    || c.is_control()
                {
                    '_'
                } else {
                    c
                }
            })
            .collect()
    };
    if several {
        format!("{}-{}.yaml", clean(stem), clean(sheet))
    } else {
        format!("{}.yaml", clean(stem))
    }
}

fn cmd_import(a: &ImportArgs, out: &mut dyn Write) -> i32 {
    let lang = a.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    let shown = a.book.display();
    let bytes = match std::fs::read(&a.book) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {shown}: {e}");
            return 2;
        }
    };
    let book = match crate::workbook::read(&bytes, &a.book.to_string_lossy()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error[JX008]: {shown}: {}", e.message(lang));
            return 1;
        }
    };
    let several = book.tables.len() > 1;
    let stem = a
        .book
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into());
    let Some(o) = &a.output else {
        if several {
            eprintln!(
                "error: {}",
                match lang {
                    Lang::Zh => format!(
                        "{shown} 有 {} 张表：请用 -o 目录/ 每张表写一个文件",
                        book.tables.len()
                    ),
                    Lang::En => format!(
                        "{shown} holds {} tables: give -o DIR/ for one file each",
                        book.tables.len()
                    ),
                }
            );
            return 2;
        }
        return match out.write_all(book.tables[0].yaml.as_bytes()) {
            Ok(()) => 0,
            Err(_) => 2,
        };
    };
    let is_dir = o.is_dir() || o.to_string_lossy().ends_with(['/', '\\']);
    if several && !is_dir {
        eprintln!(
            "error: {}",
            lang.pick(
                "工作簿有多张表：-o 须是一个目录（以 / 结尾）",
                "the workbook holds several tables: -o must be a folder (ending in /)"
            )
        );
        return 2;
    }
    if is_dir && let Err(e) = std::fs::create_dir_all(o) {
        eprintln!("error: {}: {e}", o.display());
        return 2;
    }
    for t in &book.tables {
        let path = if is_dir {
            o.join(table_file_name(&stem, &t.sheet, several))
        } else {
            o.clone()
        };
        if path == a.book {
            eprintln!(
                "error: {}: {}",
                path.display(),
                lang.pick(
                    "不能覆盖输入的工作簿",
                    "will not overwrite the input workbook"
                )
            );
            return 2;
        }
        if let Err(e) = write_atomically(&path, t.yaml.as_bytes()) {
            eprintln!("error: {}: {e}", path.display());
            return 2;
        }
    }
    0
}

fn cmd_export(a: &ExportArgs) -> i32 {
    let lang = a.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    if a.output == a.decl {
        eprintln!(
            "error: {}: {}",
            a.output.display(),
            lang.pick("输出不能是输入文件", "the output cannot be the input file")
        );
        return 2;
    }
    let text = match std::fs::read_to_string(&a.decl) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", a.decl.display());
            return 2;
        }
    };
    let bytes = match crate::workbook::export(&text) {
        Ok(b) => b,
        Err(e) => {
            eprintln!(
                "error: {}: {} {e}",
                a.decl.display(),
                lang.pick(
                    "不是可导出的申报文件：",
                    "not a declaration that can be exported:"
                )
            );
            return 1;
        }
    };
    match write_atomically(&a.output, &bytes) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {}: {e}", a.output.display());
            2
        }
    }
}
