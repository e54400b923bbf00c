//! The command line: `jixiao check | rules | explain | report | import |
//! export | lsp | test | completions`. Parses arguments (clap, help and
//! usage errors in the run's language: `help`), reads the config and rule
//! files, runs the library, applies fixes (`--fix`, `--diff`) and chooses
//! the exit status: 0 clean, 1 errors (or warnings with `--deny-warnings`),
//! 2 bad usage, config or rule file.

use crate::baseline::Baseline;
use crate::check::{self, ConfigWaiver, Options, Outcome};
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
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod help;

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
    /// Run rule test cases (for rule authors).
    Test(TestArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Case files or folders (default: tests/cases).
    pub paths: Vec<PathBuf>,
    /// A line for every case (the default; kept for scripts that pass it).
    #[arg(short, long)]
    pub verbose: bool,
    /// Only the failing cases and the closing count.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Language of messages.
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<String>,
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
    /// Language of built-in messages (zh, en; also cn, zh-CN, en-US).
    #[arg(long, value_parser = parse_lang)]
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
    /// The name of the declaration read from standard input (`-`): used in
    /// messages, to find the config and to relate it to other files.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Only these rules: codes or prefixes, comma-separated (JX3 = JX300–JX399).
    #[arg(long, value_name = "CODE,...", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// All rules but these: codes or prefixes, comma-separated.
    #[arg(long, value_name = "CODE,...", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Print a count per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Print the findings only: no summary line, no notes.
    #[arg(short, long)]
    pub quiet: bool,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Colour: auto (a terminal, unless NO_COLOR is set or FORCE_COLOR is), always, never.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorWhen,
    /// Exit 0 even when there are errors (for reporting jobs).
    #[arg(long)]
    pub exit_zero: bool,
    /// Apply the safe fixes of the findings to the files, in place.
    #[arg(long)]
    pub fix: bool,
    /// Also apply the unsafe fixes (those that change a judgement).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing.
    #[arg(long)]
    pub diff: bool,
    /// Fail (exit 2) when no declaration was found.
    #[arg(long)]
    pub strict: bool,
    /// List the files that would be checked, and stop.
    #[arg(long)]
    pub show_files: bool,
    /// Print the settings that apply (config, rules, selection), and stop.
    #[arg(long)]
    pub show_settings: bool,
    /// With --format junit: warnings and infos as failures (default) or skipped.
    #[arg(long, value_name = "AS", value_parser = ["failure", "skipped"], default_value = "failure")]
    pub junit_warnings: String,
}

/// `--color`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

/// `--lang`: the values the config's `lang:` accepts.
fn parse_lang(s: &str) -> Result<String, String> {
    Lang::parse(s)
        .map(|l| l.pick("zh", "en").to_owned())
        .ok_or_else(|| "zh, en (cn, zh-CN, en-US)".to_owned())
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
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let lang = help::lang_of(args.get(1..).unwrap_or_default());
    // Localizing the command tree costs more than a one-file check's loading:
    // it is done only when clap has something to say (help, version, a usage
    // error). The two trees accept the same arguments.
    let parsed = Cli::try_parse_from(&args).or_else(|e| match lang {
        Lang::En => Err(e),
        Lang::Zh => help::localize(Cli::command(), lang)
            .try_get_matches_from(&args)
            .and_then(|m| Cli::from_arg_matches(&m)),
    });
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            if lang == Lang::Zh
                && let Some(m) = help::usage_error_zh(&e, &help::command_path(&args))
            {
                eprint!("{m}");
                return 2;
            }
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
        // `lang` is --lang, else the config's `lang:`, as for usage errors.
        Cmd::Import(a) => cmd_import(&a, lang, &mut out),
        Cmd::Export(a) => cmd_export(&a, lang),
        Cmd::Lsp => crate::lsp::run(),
        Cmd::Test(a) => cmd_test(&a, lang, &mut out),
        Cmd::Completions { shell } => {
            let mut cmd = help::localize(Cli::command(), lang);
            clap_complete::generate(shell, &mut cmd, "jixiao", &mut out);
            0
        }
    };
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("{}{e}", err(lang));
            2
        }
        _ => status,
    }
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
    setup_in(a, Path::new("."))
}

/// [`setup`] with the config searched from `start` upwards.
pub fn setup_in(a: &RuleArgs, start: &Path) -> Result<Setup, i32> {
    let s = setup_or_errors(a, start).map_err(|(errs, lang)| {
        print_errors(&errs, lang);
        2
    })?;
    for n in &s.notes {
        eprintln!("{}", output::visible(n));
    }
    Ok(s)
}

/// The setup, or the errors that stop the run and the language to say them in.
fn setup_or_errors(a: &RuleArgs, start: &Path) -> Result<Setup, (Vec<Error>, Lang)> {
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
            None => config::find(start),
        }
    };
    let (config, config_file) = match &config_path {
        None => (Config::default(), None),
        Some(p) => {
            let text: Arc<str> =
                match fsio::read_capped(p, config::MAX_CONFIG_SIZE, "配置文件", "config") {
                    Ok(t) => t.into(),
                    Err(e) => {
                        return Err((
                            vec![Error::new(ErrorKind::Config, "config", e.pick(lang0))],
                            lang0,
                        ));
                    }
                };
            let name: Arc<str> = p.to_string_lossy().into();
            match crate::setup::parse_config(name.clone(), text.clone(), Some(p), lang0) {
                Ok(c) => (c, Some((name, text))),
                Err(errs) => return Err((errs, lang0)),
            }
        }
    };
    let lang = crate::setup::lang(&flags, &config);
    let mut sources = Vec::new();
    let mut rule_files = Vec::new();
    let mut paths: Vec<PathBuf> = config.rules.clone();
    paths.extend(a.rules.iter().cloned());
    for p in &paths {
        match read_rule_sources_in(p, lang) {
            Ok(s) => {
                rule_files.extend(s.iter().map(|r| PathBuf::from(&*r.name)));
                sources.extend(s);
            }
            Err(msg) => {
                return Err((vec![Error::new(ErrorKind::Read, "rule-file", msg)], lang));
            }
        }
    }
    let mut s =
        crate::setup::build(config, config_file, sources, &flags).map_err(|errs| (errs, lang))?;
    s.rule_files = rule_files;
    Ok(s)
}

/// Largest rule file read (rule files are small; a larger one is not a rule file).
pub const MAX_RULE_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// A rule file, or every `*.rules` file under a folder (sorted).
pub fn read_rule_sources(p: &Path) -> Result<Vec<RuleSource>, String> {
    read_rule_sources_in(p, Lang::En)
}

/// [`read_rule_sources`] with the reason a file cannot be had in `lang`.
pub fn read_rule_sources_in(p: &Path, lang: Lang) -> Result<Vec<RuleSource>, String> {
    let io = |f: &Path, e: std::io::Error| match lang {
        Lang::Zh => format!("无法读取规则文件 {}：{}", f.display(), discover::io_zh(&e)),
        Lang::En => format!("cannot read the rule file {}: {e}", f.display()),
    };
    let meta = std::fs::metadata(p).map_err(|e| io(p, e))?;
    let files: Vec<PathBuf> = if meta.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|e| io(p, e))?
            .flatten()
            .filter(|e| !e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            // `.RULES` too, as folders of declarations match `.YAML`; a
            // folder named `old.rules` is a folder, not a rule file.
            .filter(|f| {
                f.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("rules"))
            })
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
            let meta = std::fs::metadata(&f).map_err(|e| io(&f, e))?;
            if !meta.is_file() {
                return Err(match lang {
                    Lang::Zh => format!("规则文件 {} 不是普通文件，未读取", f.display()),
                    Lang::En => format!("{}: not a regular file", f.display()),
                });
            }
            if meta.len() > MAX_RULE_FILE_SIZE {
                return Err(match lang {
                    Lang::Zh => format!(
                        "规则文件 {} 有 {} 字节，超过上限 {MAX_RULE_FILE_SIZE} 字节",
                        f.display(),
                        meta.len()
                    ),
                    Lang::En => format!(
                        "{}: {} bytes, over the limit of {MAX_RULE_FILE_SIZE} for a rule file",
                        f.display(),
                        meta.len()
                    ),
                });
            }
            // Opened without blocking and checked on the descriptor: a file
            // that blocks on read (`/proc/kmsg`) is refused, not waited for.
            let text = fsio::read_capped(&f, MAX_RULE_FILE_SIZE, "规则文件", "rule file")
                .map_err(|e| e.pick(lang).to_owned())?;
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
    let mut opts = Options::new(s.config.limits.apply(LoadOptions {
        profile: s.rules.profile,
        lang: s.lang,
        ..LoadOptions::default()
    }));
    opts.waivers = ConfigWaiver::of(&s.config).map_err(|e| e.to_string())?;
    let mut exclude = None;
    if !s.config.exclude.is_empty() {
        let base = s.config.path.as_deref().and_then(Path::parent);
        exclude = Some(Exclude::new(&s.config.exclude, base).map_err(|e| e.to_string())?);
    }
    Ok((opts, exclude))
}

/// Config, rules, check options and `exclude`, or the exit status when they are bad.
fn prepare(rules: &RuleArgs) -> Result<(Setup, Options, Option<Exclude>), i32> {
    prepare_in(rules, Path::new("."))
}

/// [`prepare`] with the config searched from `start` upwards.
fn prepare_in(rules: &RuleArgs, start: &Path) -> Result<(Setup, Options, Option<Exclude>), i32> {
    let s = setup_in(rules, start)?;
    match check_options(&s) {
        Ok((o, ex)) => Ok((s, o, ex)),
        Err(e) => {
            eprintln!("{}{e}", err(s.lang));
            Err(2)
        }
    }
}

/// Whether to colour: `--color always|never`, else not with `NO_COLOR`
/// set (and not empty), else with `FORCE_COLOR` set (not empty, not `0`),
/// else when writing to a terminal.
pub fn use_color(when: ColorWhen, terminal: bool) -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto if set("NO_COLOR") => false,
        ColorWhen::Auto if set("FORCE_COLOR") => {
            std::env::var_os("FORCE_COLOR").is_none_or(|v| v != "0" && v != "false")
        }
        ColorWhen::Auto => terminal,
    }
}

/// Print a usage-like error of a run (a bad `--select`, an unreadable
/// stdin) and give exit status 2.
fn fail2(lang: Lang, zh: &str, en: &str) -> i32 {
    eprintln!("{}{}", err(lang), lang.pick(zh, en));
    2
}

/// How a line on stderr that stops the run begins: `错误：` or `error: `.
fn err(lang: Lang) -> &'static str {
    lang.pick("错误：", "error: ")
}

/// The run's selection: `--select` over the config's `select`, and the
/// config's `ignore` with `--ignore`; an unknown code or prefix is an error.
fn selection(a: &CheckArgs, s: &Setup) -> Result<config::Selection, String> {
    // A blank entry (`--select JX50,`, `--ignore ,`) names nothing: as a
    // prefix it matched every code, so a stray comma selected, or silenced,
    // every rule.
    let named = |v: &[String]| -> Vec<String> {
        v.iter()
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect()
    };
    let select = match &a.select {
        Some(v) => Some(named(v)).filter(|v| !v.is_empty()),
        None => s
            .config
            .select
            .as_ref()
            .map(|v| v.iter().map(|(c, _)| c.clone()).collect()),
    };
    let mut ignore: Vec<String> = s.config.ignore.iter().map(|(c, _)| c.clone()).collect();
    ignore.extend(named(&a.ignore));
    let sel = config::Selection { select, ignore };
    if let Some(bad) = sel.unknown(&s.rules).into_iter().next() {
        let guess = s
            .rules
            .guess_code(&bad)
            .map(|g| {
                s.lang.pick("（是不是 ", " (did you mean ").to_owned()
                    + g
                    + s.lang.pick("？）", "?)")
            })
            .unwrap_or_default();
        return Err(match s.lang {
            Lang::Zh => format!("没有编号为 {bad} 或以它开头的规则{guess}"),
            Lang::En => format!("no rule code is or starts with {bad}{guess}"),
        });
    }
    Ok(sel)
}

/// The declaration read from standard input (`-`), as an in-memory file
/// named `--stdin-filename` (or `-`), placed there for relations.
fn stdin_file(a: &CheckArgs, limit: u64, lang: Lang) -> Result<crate::workspace::File, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| {
            format!(
                "{}{e}",
                lang.pick("无法读取标准输入：", "cannot read standard input: ")
            )
        })?;
    if bytes.len() as u64 > limit {
        return Err(match lang {
            Lang::Zh => format!("标准输入超过上限 {limit} 字节，未检查"),
            Lang::En => format!("standard input is over the limit of {limit} bytes; not checked"),
        });
    }
    let path = a
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("-"));
    let place = std::env::current_dir()
        .map(|d| d.join(&path))
        .unwrap_or_else(|_| path.clone());
    let shown = path.to_string_lossy();
    Ok(crate::workspace::File {
        name: shown.strip_prefix("./").unwrap_or(&shown).into(),
        path,
        place,
        content: crate::workspace::Content::Bytes(bytes.into()),
        explicit: true,
    })
}

/// A file changed by fixes: its index in the run, its text before and after.
type Edit = (usize, Arc<str>, String);

/// The files of a run and how to check them again (after fixes in memory).
struct Run<'a> {
    ws: crate::workspace::Workspace,
    setup: &'a Setup,
    opts: &'a Options,
    sel: &'a config::Selection,
}

impl Run<'_> {
    /// Check the files, the texts in `over` (by index) in place of theirs.
    fn check(&self, over: &std::collections::HashMap<usize, String>) -> Outcome {
        let mut ws = std::borrow::Cow::Borrowed(&self.ws);
        for (&i, t) in over {
            ws.to_mut()
                .set_content(i, crate::workspace::Content::Text(t.as_str().into()));
        }
        let mut o = check::check(&ws, &self.setup.rules, self.opts);
        o.findings.retain(|f| self.sel.keeps(&f.code));
        // A table read from a workbook is never rewritten: its findings
        // offer no fix (no `[*]`, no `fix` in JSON).
        let tables: Vec<bool> = o.files.iter().map(|e| e.table.is_some()).collect();
        for f in &mut o.findings {
            if tables.get(f.file as usize).copied().unwrap_or(false) {
                f.fix = None;
            }
        }
        o
    }

    /// The index of the file a finding of `o` is in, when its text is the
    /// file's own (not a table read from a workbook).
    fn index_of(&self, o: &Outcome, f: &crate::diag::Finding) -> Option<usize> {
        let e = o.file(f.file)?;
        if e.table.is_some() || e.text.is_none() {
            return None;
        }
        self.ws.files().iter().position(|x| x.place == e.place)
    }

    /// Apply the fixes, check again and repeat until nothing changes (a fix
    /// of a total can make a rate fixable). Returns the last outcome, the
    /// original and fixed text of each changed file, and how many findings
    /// were fixed.
    fn fix(&self, mut o: Outcome, unsafe_ok: bool) -> (Outcome, Vec<Edit>, usize) {
        const PASSES: usize = 10;
        let mut over: std::collections::HashMap<usize, String> = Default::default();
        let mut orig: std::collections::HashMap<usize, Arc<str>> = Default::default();
        let mut fixed: std::collections::HashSet<(usize, Arc<str>, String)> = Default::default();
        for _ in 0..PASSES {
            let mut by_file: std::collections::BTreeMap<usize, Vec<&crate::diag::Finding>> =
                Default::default();
            for f in o
                .findings
                .iter()
                .filter(|f| crate::fix::applies(f, unsafe_ok))
            {
                if let Some(i) = self.index_of(&o, f) {
                    by_file.entry(i).or_default().push(f);
                }
            }
            let mut changed = false;
            for (i, fs) in by_file {
                let Some(text) = fs
                    .first()
                    .and_then(|f| o.file(f.file))
                    .and_then(|e| e.text.clone())
                else {
                    continue;
                };
                let (new, n) = crate::fix::apply(&text, fs.iter().filter_map(|f| f.fix.as_ref()));
                if n == 0 {
                    continue;
                }
                changed = true;
                for f in &fs {
                    fixed.insert((i, f.code.clone(), f.path.clone()));
                }
                orig.entry(i).or_insert(text);
                over.insert(i, new);
            }
            if !changed {
                break;
            }
            o = self.check(&over);
        }
        let mut edits: Vec<Edit> = over
            .into_iter()
            .filter_map(|(i, new)| {
                let old = orig.remove(&i)?;
                (*old != *new).then_some((i, old, new))
            })
            .collect();
        edits.sort_by_key(|e| e.0);
        (o, edits, fixed.len())
    }
}

fn cmd_check(a: &CheckArgs, out: &mut dyn Write) -> i32 {
    let stdin = a.paths.iter().any(|p| p.as_os_str() == "-")
        || (a.paths.is_empty() && a.stdin_filename.is_some());
    // The config is found from where the stdin file says it is.
    let start = a
        .stdin_filename
        .as_deref()
        .filter(|_| stdin)
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Rule files named among the paths (pre-commit passes a changed
    // `.rules` file) are compiled with the rules: a broken one fails the run.
    let is_rules = |p: &PathBuf| {
        p.extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("rules"))
    };
    let mut rule_args = a.rules.clone();
    rule_args
        .rules
        .extend(a.paths.iter().filter(|p| is_rules(p)).cloned());
    let only_rules = !a.paths.is_empty() && a.paths.iter().all(is_rules);
    // A bad config or rule file still gives a machine format something to
    // read: a SARIF log with `executionSuccessful: false`, `::error` lines.
    let s = match setup_or_errors(&rule_args, start) {
        Ok(s) if a.quiet => s,
        Ok(s) => {
            for n in &s.notes {
                eprintln!("{}", output::visible(n));
            }
            s
        }
        Err((errs, lang)) => {
            print_errors(&errs, lang);
            let _ = output::setup_failure(&errs, a.format, out, lang);
            return 2;
        }
    };
    let (mut opts, exclude) = match check_options(&s) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{}{e}", err(s.lang));
            return 2;
        }
    };
    let lang = s.lang;
    // Snippets (human output), fixes and a baseline to write read the texts;
    // the machine formats need only the lines and columns findings point at.
    opts.keep_texts = (a.format == Format::Human && !a.statistics)
        || a.fix
        || a.diff
        || a.write_baseline.is_some();
    let sel = match selection(a, &s) {
        Ok(x) => x,
        Err(e) => return fail2(lang, &e, &e),
    };
    if a.show_settings {
        let _ = write!(out, "{}", show_settings(&s, &sel, a));
        return 0;
    }
    if let Some(b) = &a.baseline {
        match fsio::read_capped(b, crate::baseline::MAX_SIZE, "基线文件", "baseline")
            .map_err(|e| e.pick(s.lang).to_owned())
            .and_then(|t| Baseline::load(&t, b).map_err(|e| format!("{}: {e}", b.display())))
        {
            Ok(bl) => opts.baseline = Some(bl),
            Err(e) => return fail2(lang, &e, &e),
        }
    }
    let mut paths: Vec<PathBuf> = a
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-" && !is_rules(p))
        .cloned()
        .collect();
    if paths.is_empty() && !stdin && !only_rules {
        paths.push(PathBuf::from("."));
    }
    let (mut candidates, problems) = if paths.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        discover::discover(&paths, exclude.as_ref())
    };
    if a.force_exclude
        && let Some(ex) = &exclude
    {
        candidates.retain(|c| !(c.explicit && ex.matches(&c.path, Path::new("."), None)));
    }
    if a.skip_non_declarations {
        for c in &mut candidates {
            c.explicit = false;
        }
        // pre-commit names the changed files: a changed project brings in
        // the summaries of its folder and the folders above (SPEC §3.1), so a
        // change that breaks the 汇总 totals is caught in its own commit.
        let more = summaries_above(&candidates, exclude.as_ref());
        candidates.extend(more);
    }
    let mut ws = disk::workspace_of(candidates, problems, exclude.as_ref());
    if stdin {
        match stdin_file(a, opts.load.max_file_size, lang) {
            Ok(f) => {
                ws.push(f);
            }
            Err(e) => return fail2(lang, &e, &e),
        }
    }
    if a.show_files {
        for f in ws.files() {
            let _ = writeln!(out, "{}", output::visible(&f.name));
        }
        let problems = ws.problems();
        for p in problems {
            eprintln!(
                "{}{}: {}",
                err(lang),
                output::problem_path(p),
                lang.pick(&p.zh, &p.en)
            );
        }
        return if problems.is_empty() { 0 } else { 2 };
    }
    let run = Run {
        ws,
        setup: &s,
        opts: &opts,
        sel: &sel,
    };
    let mut outcome = run.check(&Default::default());
    for p in &outcome.problems {
        eprintln!("{}{}", err(lang), s.lang.pick(&p.zh, &p.en));
    }
    let mut fixed = 0;
    if a.fix || a.diff {
        let (o, edits, n) = run.fix(outcome, a.unsafe_fixes);
        outcome = o;
        fixed = n;
        if a.diff {
            for (i, old, new) in &edits {
                let name = &run.ws.files()[*i].name;
                let _ = write!(out, "{}", crate::fix::unified_diff(name, old, new));
            }
            if !a.quiet {
                eprintln!(
                    "{}",
                    match lang {
                        Lang::Zh => format!("将修复 {n} 处，涉及 {} 个文件（未写入）", edits.len()),
                        Lang::En => format!(
                            "would fix {n} finding{}, in {} file{} (nothing written)",
                            if n == 1 { "" } else { "s" },
                            edits.len(),
                            if edits.len() == 1 { "" } else { "s" }
                        ),
                    }
                );
            }
            return if !outcome.problems.is_empty() {
                2
            } else if edits.is_empty() {
                0
            } else {
                1
            };
        }
        let mut failed = false;
        // Standard input: its text goes to standard output, fixed or not
        // (as ruff does), and the report to stderr.
        if stdin
            && a.fix
            && let Some((i, f)) = run
                .ws
                .files()
                .iter()
                .enumerate()
                .find(|(_, f)| !matches!(f.content, crate::workspace::Content::Unread))
        {
            let _ = match (edits.iter().find(|e| e.0 == i), &f.content) {
                (Some((_, _, new)), _) => out.write_all(new.as_bytes()),
                (None, crate::workspace::Content::Bytes(b)) => out.write_all(b),
                (None, crate::workspace::Content::Text(t)) => out.write_all(t.as_bytes()),
                (None, crate::workspace::Content::Unread) => Ok(()),
            };
        }
        for (i, old, new) in &edits {
            let f = &run.ws.files()[*i];
            if !matches!(f.content, crate::workspace::Content::Unread) {
                continue;
            }
            if let Err(e) = write_fixed(&f.path, old, new, lang) {
                eprintln!("{}{e}", err(lang));
                failed = true;
            }
        }
        if failed {
            return 2;
        }
    }
    let stdin_fixed = stdin && a.fix;
    let mut buf: Vec<u8> = Vec::new();
    let to_file = a.output_file.is_some();
    let color = use_color(a.color, !to_file && std::io::stdout().is_terminal());
    // `--write-baseline` in human output says only how many it recorded;
    // the machine formats still carry the findings.
    let written = if a.write_baseline.is_some() && a.format == Format::Human {
        Ok(())
    } else if a.statistics {
        output::statistics(&outcome, &mut buf, lang, a.format, !a.quiet)
    } else {
        match a.format {
            Format::Human => {
                human::write_findings(&outcome, &mut buf, lang, &human::handler(color, None))
                    .and_then(|()| {
                        if a.quiet {
                            return Ok(());
                        }
                        output::summary(&outcome, &mut buf, lang, fixed, a.fix)
                    })
            }
            Format::Json => output::json::write(&outcome, &mut buf, lang),
            Format::Sarif => output::sarif::write(&outcome, &s.rules, &mut buf, lang),
            Format::Github => output::github::write(&outcome, &mut buf, lang),
            Format::Junit => {
                output::junit::write_with(&outcome, &mut buf, lang, a.junit_warnings == "skipped")
            }
        }
    };
    if let Err(e) = written {
        eprintln!("{}{e}", err(lang));
        return 2;
    }
    let mut status = exit_status(&outcome, a.deny_warnings);
    let found = outcome.files.iter().any(|f| f.reported && f.declaration);
    if !found && outcome.problems.is_empty() && !only_rules {
        if !a.quiet || a.strict {
            eprintln!(
                "{}",
                lang.pick(
                    "警告：没有找到申报文件（请检查路径，或文件的 kind 字段）",
                    "warning: no declarations found (check the paths, or the files' `kind`)"
                )
            );
        }
        if a.strict {
            status = 2;
        }
    }
    if outcome.stale_baseline > 0 && !a.quiet && a.write_baseline.is_none() {
        let n = outcome.stale_baseline;
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "注意：基线中有 {n} 条记录已不再出现（问题已修正），可用 --write-baseline 更新基线"
                ),
                Lang::En => format!(
                    "note: {n} baseline entr{} no longer match a finding (fixed since); rewrite the baseline with --write-baseline",
                    if n == 1 { "y" } else { "ies" }
                ),
            }
        );
    }
    let sink: &mut dyn Write = if stdin_fixed {
        // The fixed text went to standard output: the report goes to stderr.
        &mut std::io::stderr()
    } else {
        out
    };
    let result = match &a.output_file {
        // A run that failed (exit 2) leaves no report behind.
        Some(_) if status == 2 => Ok(()),
        Some(p) => fsio::refuse_inputs(
            p,
            inputs_of(&s, a.baseline.as_deref(), &outcome)
                .iter()
                .map(PathBuf::as_path),
        )
        .and_then(|()| fsio::write_atomic(p, &buf))
        .map_err(|e| e.pick(lang).to_owned()),
        None => match sink.write_all(&buf) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
            _ => Ok(()),
        },
    };
    if let Err(e) = result {
        eprintln!("{}{e}", err(lang));
        return 2;
    }
    if let Some(p) = &a.write_baseline {
        // How many findings the written baseline holds (kept ones included).
        let n = match write_baseline(p, a, &s, &opts, &outcome) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("{}{e}", err(lang));
                return 2;
            }
        };
        let line = match lang {
            Lang::Zh => format!("已记录 {n} 条到基线 {}", p.display()),
            Lang::En => format!(
                "recorded {n} finding{} in the baseline {}",
                if n == 1 { "" } else { "s" },
                p.display()
            ),
        };
        if a.format == Format::Human && a.output_file.is_none() {
            let _ = writeln!(sink, "{}", output::visible(&line));
        } else if !a.quiet {
            eprintln!("{}", output::visible(&line));
        }
        return if outcome.problems.is_empty() { 0 } else { 2 };
    }
    if a.exit_zero && status == 1 {
        0
    } else {
        status
    }
}

/// Whether `text` is a summary: a top-level `kind: summary` (or `汇总`,
/// also under the key `类型`).
fn is_summary_text(text: &str) -> bool {
    text.lines().any(|l| {
        let Some((k, v)) = l.trim_start_matches('\u{FEFF}').split_once(':') else {
            return false;
        };
        let v = v
            .split(" #")
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']);
        matches!(k, "kind" | "类型") && matches!(v, "summary" | "汇总")
    })
}

/// The summaries in the folders of `named` files and the folders above
/// them, up to the current folder (only the named file's own folder when it
/// lies outside), that are not among the candidates already and not
/// excluded: found, not named, so they are checked as a folder scan would.
fn summaries_above(
    named: &[discover::Candidate],
    exclude: Option<&Exclude>,
) -> Vec<discover::Candidate> {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| std::fs::canonicalize(d).ok());
    let mut seen: std::collections::HashSet<PathBuf> = named
        .iter()
        .filter_map(|c| std::fs::canonicalize(&c.path).ok())
        .collect();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for c in named {
        let Some(parent) = c.path.parent() else {
            continue;
        };
        let mut dir = parent.to_path_buf();
        loop {
            if !dirs.contains(&dir) {
                dirs.push(dir.clone());
            }
            let abs = std::fs::canonicalize(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                &dir
            });
            let inside = matches!((&abs, &cwd), (Ok(a), Some(c)) if a != c && a.starts_with(c));
            if !inside {
                break;
            }
            dir = match dir.parent() {
                Some(p) => p.to_path_buf(),
                None => break,
            };
        }
    }
    let mut out = Vec::new();
    for dir in dirs {
        let read = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &dir
        };
        let Ok(rd) = std::fs::read_dir(read) else {
            continue;
        };
        let mut found: Vec<PathBuf> = rd
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| dir.join(e.file_name()))
            .filter(|p| discover::is_yaml(p))
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .filter(|p| !exclude.is_some_and(|ex| ex.matches(p, Path::new("."), None)))
            .collect();
        found.sort();
        for p in found {
            let small = std::fs::metadata(&p).is_ok_and(|m| m.len() <= 1 << 20);
            let summary = small && std::fs::read_to_string(&p).is_ok_and(|t| is_summary_text(&t));
            if summary && std::fs::canonicalize(&p).is_ok_and(|c| seen.insert(c)) {
                out.push(discover::Candidate {
                    path: p,
                    explicit: false,
                    place: None,
                });
            }
        }
    }
    out
}

/// Write the fixed text of `path` in place, if the file still holds the
/// text that was checked (a file in another encoding, or changed since, is
/// left alone).
fn write_fixed(path: &Path, old: &str, new: &str, lang: Lang) -> Result<(), String> {
    let now = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if now != old.as_bytes() {
        return Err(match lang {
            Lang::Zh => format!(
                "{}：文件不是 UTF-8 编码，或在检查后被改动，未写入修复",
                path.display()
            ),
            Lang::En => format!(
                "{}: not UTF-8, or changed since it was checked; the fixes were not written",
                path.display()
            ),
        });
    }
    fsio::write_atomic(path, new.as_bytes()).map_err(|e| e.pick(lang).to_owned())
}

/// `--show-settings`: what applies to this run.
fn show_settings(s: &Setup, sel: &config::Selection, a: &CheckArgs) -> String {
    let l = s.lang;
    let none = l.pick("（无）", "(none)");
    let list = |v: &[String]| {
        if v.is_empty() {
            none.to_owned()
        } else {
            v.join(", ")
        }
    };
    let mut o = String::new();
    let mut line = |k: (&str, &str), v: String| {
        // Padded to a display width of 12 (a Chinese character is two columns).
        let k = l.pick(k.0, k.1);
        let pad = 12usize.saturating_sub(unicode_width::UnicodeWidthStr::width(k));
        o.push_str(&format!("{k}{} {}\n", " ".repeat(pad), output::visible(&v)));
    };
    line(
        ("配置文件", "config"),
        s.config
            .path
            .as_ref()
            .map_or(none.to_owned(), |p| p.display().to_string()),
    );
    line(("语言", "lang"), l.pick("zh", "en").to_owned());
    line(("指标体系", "profile"), s.rules.profile.name().to_owned());
    let mut rule_files: Vec<String> = s.rules.sources.iter().map(|r| r.name.to_string()).collect();
    rule_files.dedup();
    line(("规则文件", "rule files"), list(&rule_files));
    line(
        ("选用规则", "select"),
        sel.select
            .as_ref()
            .map_or(l.pick("全部", "all").to_owned(), |v| list(v)),
    );
    line(("忽略规则", "ignore"), list(&sel.ignore));
    let off: Vec<String> = s.rules.off.iter().map(|c| c.to_string()).collect();
    line(("关闭的规则", "rules off"), list(&off));
    let params: Vec<String> = s
        .config
        .params
        .iter()
        .map(|(n, v, ..)| format!("{n}={v}"))
        .collect();
    line(("参数", "params"), list(&params));
    line(("排除", "exclude"), list(&s.config.exclude));
    let lim = s.config.limits.apply(LoadOptions::default());
    line(
        ("限制", "limits"),
        format!(
            "max_file_size={} max_depth={} max_nodes={} max_alias_nodes={}",
            lim.max_file_size, lim.yaml.max_depth, lim.yaml.max_nodes, lim.yaml.max_alias_nodes
        ),
    );
    let flags: Vec<&str> = [
        (a.deny_warnings, "--deny-warnings"),
        (a.exit_zero, "--exit-zero"),
        (a.strict, "--strict"),
        (a.force_exclude, "--force-exclude"),
        (a.skip_non_declarations, "--skip-non-declarations"),
    ]
    .iter()
    .filter(|x| x.0)
    .map(|x| x.1)
    .collect();
    line(
        ("选项", "flags"),
        list(&flags.iter().map(|f| f.to_string()).collect::<Vec<_>>()),
    );
    o
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
    // Rules turned off by the config are listed too, as `off`.
    let all = (!s.rules.off.is_empty())
        .then(|| {
            let settings = crate::rules::compile::Settings {
                profile: s.rules.profile,
                lang: s.lang,
                params: Vec::new(),
                severity: Default::default(),
            };
            crate::rules::RuleSet::build(s.rules.sources.clone(), &settings).ok()
        })
        .flatten();
    let _ = writeln!(
        out,
        "{}",
        crate::docs::rules_table_with_off(&s.rules, all.as_ref(), s.lang)
    );
    0
}

fn cmd_explain(code: &str, a: &RuleArgs, out: &mut dyn Write) -> i32 {
    let s = match setup(a) {
        Ok(s) => s,
        Err(c) => return c,
    };
    // `jx304` is JX304 when that is a code: codes are matched case-insensitively.
    let upper = code.to_uppercase();
    let code = if crate::docs::explain(&s.rules, code, s.lang).is_none() && s.rules.knows(&upper) {
        upper.as_str()
    } else {
        code
    };
    match crate::docs::explain(&s.rules, code, s.lang) {
        Some(text) => {
            let _ = write!(out, "{text}");
            0
        }
        None => {
            let guess = s.rules.guess_code(code);
            eprintln!(
                "{}{}{}",
                err(s.lang),
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
    let mut outcome = check::check(&ws, &s.rules, &opts);
    let sel = config::Selection::of(&s.config);
    outcome.findings.retain(|f| sel.keeps(&f.code));
    for p in &outcome.problems {
        eprintln!("{}{}", err(s.lang), s.lang.pick(&p.zh, &p.en));
    }
    // As `check` says it: an empty or wrong folder gave an empty pack, silently.
    if outcome.problems.is_empty() && !outcome.files.iter().any(|f| f.reported && f.declaration) {
        eprintln!(
            "{}",
            s.lang.pick(
                "警告：没有找到申报文件（请检查路径，或文件的 kind 字段）",
                "warning: no declarations found (check the paths, or the files' `kind`)"
            )
        );
    }
    let doc = match crate::report::render(&outcome, &s.rules, a.format, s.lang) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}{e}", err(s.lang));
            return 2;
        }
    };
    let written = match &a.output {
        // A run with a path problem (exit 2) leaves no pack behind.
        Some(_) if !outcome.problems.is_empty() => Ok(()),
        Some(p) => fsio::refuse_inputs(
            p,
            inputs_of(&s, None, &outcome).iter().map(PathBuf::as_path),
        )
        .and_then(|()| fsio::write_atomic(p, &doc))
        .map_err(|e| e.pick(s.lang).to_owned()),
        // A workbook is bytes no terminal can show (ruff and git refuse
        // binary output to a terminal too): say to name a file.
        None if matches!(a.format, crate::report::ReportFormat::Xlsx)
            && std::io::stdout().is_terminal() =>
        {
            Err(s
                .lang
                .pick(
                    "评审材料工作簿（--format xlsx）是二进制文件，不输出到终端：请用 -o 文件.xlsx",
                    "the review pack as a workbook (--format xlsx) is binary and is not written to a terminal: give -o FILE.xlsx",
                )
                .to_owned())
        }
        None => out.write_all(&doc).map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        eprintln!("{}{e}", err(s.lang));
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
) -> Result<usize, String> {
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
        Some(&crate::baseline::folder_of(p)),
    );
    fsio::write_atomic(p, b.to_json().as_bytes()).map_err(|e| e.pick(s.lang).to_owned())?;
    Ok(b.findings.iter().map(|e| e.count).sum())
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
    #[arg(long, value_parser = parse_lang)]
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
    #[arg(long, value_parser = parse_lang)]
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

fn cmd_import(a: &ImportArgs, lang: Lang, out: &mut dyn Write) -> i32 {
    let shown = a.book.display();
    // As `check` reads: a regular file only, never blocking, capped (a FIFO
    // hung here, and /dev/zero was read until memory ran out).
    let bytes = match crate::disk::read_file(&a.book, crate::workbook::grid::MAX_BYTES as u64) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}{shown}: {}", err(lang), lang.pick(&e.zh, &e.en));
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
                "{}{}",
                err(lang),
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
            "{}{}",
            err(lang),
            lang.pick(
                "工作簿有多张表：-o 须是一个目录（以 / 结尾）",
                "the workbook holds several tables: -o must be a folder (ending in /)"
            )
        );
        return 2;
    }
    if is_dir && let Err(e) = std::fs::create_dir_all(o) {
        eprintln!("{}{}: {e}", err(lang), o.display());
        return 2;
    }
    // Two sheets whose names differ only in characters a file name cannot
    // hold (`a<b`, `a>b`) get `-2`, `-3`…: no table overwrites another.
    let mut used = std::collections::HashSet::new();
    for t in &book.tables {
        let path = if is_dir {
            let name = table_file_name(&stem, &t.sheet, several);
            let mut unique = name.clone();
            for n in 2.. {
                if used.insert(unique.to_lowercase()) {
                    break;
                }
                unique = format!("{}-{n}.yaml", name.trim_end_matches(".yaml"));
            }
            o.join(unique)
        } else {
            o.clone()
        };
        if path == a.book || fsio::refuse_inputs(&path, [a.book.as_path()]).is_err() {
            eprintln!(
                "{}{}: {}",
                err(lang),
                path.display(),
                lang.pick(
                    "不能覆盖输入的工作簿",
                    "will not overwrite the input workbook"
                )
            );
            return 2;
        }
        if let Err(e) = fsio::write_atomic(&path, t.yaml.as_bytes()) {
            eprintln!("{}{}", err(lang), e.pick(lang));
            return 2;
        }
    }
    0
}

fn cmd_export(a: &ExportArgs, lang: Lang) -> i32 {
    if a.output == a.decl || fsio::refuse_inputs(&a.output, [a.decl.as_path()]).is_err() {
        eprintln!(
            "{}{}: {}",
            err(lang),
            a.output.display(),
            lang.pick("输出不能是输入文件", "the output cannot be the input file")
        );
        return 2;
    }
    // As `check` reads a declaration: a regular file only, never blocking,
    // capped, and UTF-8 (BOM or not), UTF-16 or UTF-32.
    let text = crate::disk::read_file(&a.decl, LoadOptions::default().max_file_size)
        .map_err(|e| lang.pick(&e.zh, &e.en).to_owned())
        .and_then(|b| {
            crate::source::decode(&b)
                .map(|(t, _)| {
                    t.strip_prefix('\u{feff}')
                        .map_or_else(|| t.clone(), str::to_owned)
                })
                .map_err(|e| match e {
                    crate::source::DecodeError::NotUtf8 { offset, .. }
                    | crate::source::DecodeError::BadUtf16 { offset } => match lang {
                        Lang::Zh => format!("不是 UTF-8 文本（第 {offset} 字节起无效）"),
                        Lang::En => format!("not UTF-8 text (invalid from byte {offset})"),
                    },
                })
        });
    let text = match text {
        Ok(t) => t,
        Err(e) if crate::workbook::is_workbook_name(&a.decl.to_string_lossy()) => {
            let hint = lang.pick(
                "这是工作簿；export 把 YAML 申报文件写成工作簿，读工作簿请用 import",
                "this is a workbook; export writes a YAML declaration as a workbook (use import to read one)",
            );
            let (open, close) = (lang.pick("（", " ("), lang.pick("）", ")"));
            eprintln!("{}{}: {hint}{open}{e}{close}", err(lang), a.decl.display());
            return 2;
        }
        Err(e) => {
            eprintln!("{}{}: {e}", err(lang), a.decl.display());
            return 2;
        }
    };
    let bytes = match crate::workbook::export(&text) {
        Ok(b) => b,
        Err(e) => {
            eprintln!(
                "{}{}: {} {e}",
                err(lang),
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
            eprintln!("{}{}", err(lang), e.pick(lang));
            2
        }
    }
}

/// `jixiao test`: run the rule cases under the paths (default
/// `tests/cases`); one line per failing case (every case with
/// `--verbose`), exit 1 when one fails, 2 when a case file is unusable.
fn cmd_test(a: &TestArgs, lang: Lang, out: &mut dyn Write) -> i32 {
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from("tests/cases")]
    } else {
        a.paths.clone()
    };
    let mut files = Vec::new();
    for p in &paths {
        match crate::cases::collect_in(p, lang) {
            Ok(f) => files.extend(f),
            Err(e) => return fail2(lang, &e, &e),
        }
    }
    if files.is_empty() {
        // As `check` says when it finds no declaration: a wrong folder
        // passed as "0 cases: 0 passed".
        eprintln!(
            "{}",
            lang.pick(
                "警告：没有找到用例文件（*.yaml）；请检查路径",
                "warning: no case files (*.yaml) found; check the paths"
            )
        );
    }
    let (mut pass, mut fail, mut bad) = (0, 0, 0);
    for f in &files {
        let name = f.display().to_string();
        let r = crate::cases::run_file(f, lang);
        let line = match &r {
            Ok(r) if r.passed() => {
                pass += 1;
                // SPEC §3.1: one line per case, ✓ or ✗.
                if a.quiet {
                    continue;
                }
                format!("✓ {name}: {}", r.note)
            }
            Ok(r) => {
                fail += 1;
                format!("✗ {name}: {}\n{}", r.note, r.explain(lang))
            }
            Err(e) => {
                bad += 1;
                format!("✗ {name}: {e}")
            }
        };
        let _ = writeln!(out, "{}", output::visible(&line));
    }
    let _ = writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!(
                "{} 个用例：{pass} 个通过，{} 个失败",
                files.len(),
                fail + bad
            ),
            Lang::En => format!(
                "{} cases: {pass} passed, {} failed",
                files.len(),
                fail + bad
            ),
        }
    );
    if bad > 0 && fail == 0 {
        2
    } else if fail + bad > 0 {
        1
    } else {
        0
    }
}
