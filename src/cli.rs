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
use crate::fsio;
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
    /// Read a workbook's tables as the YAML that `check` reads.
    Import(ImportArgs),
    /// Write a YAML declaration as the official table (.xlsx).
    Export(ExportArgs),
    /// Serve editors over the Language Server Protocol on stdin/stdout.
    Lsp,
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
        Cmd::Lsp => crate::lsp::run(),
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
            let text: Arc<str> =
                match fsio::read_capped(p, config::MAX_CONFIG_SIZE, "配置文件", "config") {
                    Ok(t) => t.into(),
                    Err(e) => {
                        print_errors(
                            &[Error::new(ErrorKind::Read, "config", e.pick(lang0))],
                            lang0,
                        );
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
    let mut rule_files = Vec::new();
    let mut paths: Vec<PathBuf> = config.rules.clone();
    paths.extend(a.rules.iter().cloned());
    for p in &paths {
        match read_rule_sources(p) {
            Ok(s) => {
                rule_files.extend(s.iter().map(|r| PathBuf::from(&*r.name)));
                sources.extend(s);
            }
            Err(msg) => {
                print_errors(&[Error::new(ErrorKind::Read, "rule-file", msg)], lang);
                return Err(2);
            }
        }
    }
    let mut s = crate::setup::build(config, config_file, sources, &flags).map_err(|errs| {
        print_errors(&errs, lang);
        2
    })?;
    s.rule_files = rule_files;
    Ok(s)
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
            // Opened without blocking and checked on the descriptor: a file
            // that blocks on read (`/proc/kmsg`) is refused, not waited for.
            let text = fsio::read_capped(&f, MAX_RULE_FILE_SIZE, "规则文件", "rule file")
                .map_err(|e| e.en)?;
            config::not_rule_text(&text)
                .map_or(Ok(()), |why| Err(format!("{}: {why}", f.display())))?;
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
        match fsio::read_capped(b, crate::baseline::MAX_SIZE, "基线文件", "baseline")
            .map_err(|e| e.pick(s.lang).to_owned())
            .and_then(|t| Baseline::parse(&t).map_err(|e| format!("{}: {e}", b.display())))
        {
            Ok(bl) => opts.baseline = Some(bl),
            Err(e) => {
                eprintln!("error: {e}");
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
        Format::Json => output::json::write(&outcome, out, s.lang),
        Format::Sarif => output::sarif::write(&outcome, &s.rules, out, s.lang),
        Format::Github => output::github::write(&outcome, out, s.lang),
        Format::Junit => output::junit::write(&outcome, out, s.lang),
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: {e}");
        return 2;
    }
    if let Some(p) = &a.write_baseline
        && let Err(e) = write_baseline(p, a, &s, &opts, &outcome)
    {
        eprintln!("error: {e}");
        return 2;
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
        Some(p) => fsio::refuse_inputs(
            p,
            inputs_of(&s, None, &outcome).iter().map(PathBuf::as_path),
        )
        .and_then(|()| fsio::write_atomic(p, &doc))
        .map_err(|e| e.pick(s.lang).to_owned()),
        None => out.write_all(&doc).map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        eprintln!("error: {e}");
        return 2;
    }
    if outcome.problems.is_empty() { 0 } else { 2 }
}

/// Every file a run read: the checked files, the config, the rule files and
/// and `baseline` (the `--baseline`, unless it is the file being rewritten).
fn inputs_of(s: &Setup, baseline: Option<&Path>, outcome: &Outcome) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = outcome.files.iter().map(|f| f.path.clone()).collect();
    v.extend(s.config.path.clone());
    v.extend(s.rule_files.iter().cloned());
    v.extend(baseline.map(Path::to_path_buf));
    v
}

/// `--write-baseline`: only after a run without path problems; entries of
/// files this run did not check (outside its paths, or unreadable now) are
/// kept from `--baseline`; written atomically, never over an input.
fn write_baseline(
    p: &Path,
    a: &CheckArgs,
    s: &Setup,
    opts: &Options,
    outcome: &Outcome,
) -> Result<(), String> {
    if !outcome.problems.is_empty() {
        return Err(s
            .lang
            .pick(
                &format!(
                    "{}：本次运行有无法使用的路径，未写入基线（原有基线未改动）",
                    p.display()
                ),
                &format!(
                    "{}: not written, the run had paths it could not use (the previous baseline is unchanged)",
                    p.display()
                ),
            )
            .to_owned());
    }
    // `--write-baseline b --baseline b` rewrites its own input: allowed.
    let same_as_input = a
        .baseline
        .as_deref()
        .is_some_and(|b| fsio::file_id(b).is_some() && fsio::file_id(b) == fsio::file_id(p));
    let keep_input = if same_as_input {
        None
    } else {
        a.baseline.as_deref()
    };
    let ins = inputs_of(s, keep_input, outcome);
    fsio::refuse_inputs(p, ins.iter().map(PathBuf::as_path))
        .map_err(|e| e.pick(s.lang).to_owned())?;
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    let b = Baseline::record_run(
        &outcome.findings,
        &outcome.files,
        opts.baseline.as_ref(),
        &paths,
    );
    fsio::write_atomic(p, b.to_json().as_bytes()).map_err(|e| e.pick(s.lang).to_owned())
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
        if let Err(e) = fsio::write_atomic(&path, t.yaml.as_bytes()) {
            eprintln!("error: {}", e.pick(lang));
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
    match fsio::write_atomic(&a.output, &bytes) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {}", e.pick(lang));
            2
        }
    }
}
