//! Output formats. Every format renders the same findings; only `human`
//! knows about miette's renderer. Positions shown to tools are 1-based lines
//! and *character* columns; offsets and lengths are bytes.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::check::{FileEntry, Outcome};
use crate::diag::{FileId, Finding, Lang};
use crate::discover::PathProblem;
use crate::source::{Locator, Span};
use std::borrow::Cow;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with snippets (or the grid around a cell).
    Human,
    /// One JSON array of findings.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
    /// JUnit XML, a test case per file.
    Junit,
}

pub use crate::source::Region;

/// Line indexes of the run's files, built once per file on demand.
pub struct Positions<'a> {
    loc: Locator<'a>,
}

impl<'a> Positions<'a> {
    /// The line indexes of every file a finding or label points into.
    pub fn new(outcome: &'a Outcome) -> Self {
        let files: Vec<FileId> = outcome
            .findings
            .iter()
            .flat_map(|f| std::iter::once(f.file).chain(f.labels.iter().map(|l| l.file)))
            .collect();
        Positions {
            loc: Locator::new(&outcome.files, files),
        }
    }

    /// The lines and columns of `span` in `file`.
    pub fn region(&self, file: FileId, span: Span) -> Region {
        self.loc.region(file, span)
    }

    /// The region of a finding's primary span.
    pub fn of(&self, f: &Finding) -> Region {
        self.region(f.file, f.span)
    }
}

/// The file name of a finding, as shown.
pub fn file_name<'o>(outcome: &'o Outcome, f: &Finding) -> Cow<'o, str> {
    outcome.file(f.file).map_or(Cow::Borrowed(""), entry_name)
}

/// A file's name as every format shows it: its display name, or, when the
/// path is not UTF-8, the path with each undecodable byte written `\xFF`
/// (so two such files never share a name).
pub fn entry_name(e: &FileEntry) -> Cow<'_, str> {
    if e.name.contains('\u{FFFD}') {
        Cow::Owned(crate::baseline::name_of(&e.path))
    } else {
        Cow::Borrowed(&e.name)
    }
}

/// The name of file `id` as shown ("" for none).
pub fn name_of(o: &Outcome, id: FileId) -> Cow<'_, str> {
    o.file(id).map_or(Cow::Borrowed(""), entry_name)
}

/// Characters that must not reach a terminal or a CI log raw: control
/// characters but tab and line feed (ESC starts terminal sequences, a lone CR
/// starts a GitHub workflow command), and the bidirectional controls that
/// make text display in another order than it reads (Trojan Source).
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text with every [`is_unsafe`] character written as `\u{1b}`, as rustc does.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path problem's location, as shown (undecodable bytes escaped).
pub fn problem_path(p: &PathProblem) -> String {
    crate::baseline::name_of(&p.path)
}

/// The workbook a table was read from, as named in a run: the file's name
/// without the `:Sheet` a workbook of several tables adds.
pub fn book_name<'e>(e: &'e FileEntry, t: &crate::workbook::Table) -> Cow<'e, str> {
    let name = entry_name(e);
    let suffix = format!(":{}", t.sheet);
    match name.strip_suffix(suffix.as_str()) {
        Some(book) if !book.is_empty() => Cow::Owned(book.to_owned()),
        _ => name,
    }
}

/// `[*] ` before the message of a finding `--fix` would fix (a safe fix),
/// as ruff marks them; empty otherwise.
pub fn fix_mark(f: &Finding) -> &'static str {
    if crate::fix::applies(f, false) {
        "[*] "
    } else {
        ""
    }
}

/// How many unsuppressed findings have a safe fix, and how many only an
/// unsafe one.
pub fn fixable(o: &Outcome) -> (usize, usize) {
    let safe = o
        .findings
        .iter()
        .filter(|f| crate::fix::applies(f, false))
        .count();
    let all = o
        .findings
        .iter()
        .filter(|f| crate::fix::applies(f, true))
        .count();
    (safe, all - safe)
}

/// The human summary: the tally line, then how many findings were fixed
/// (`--fix`) or how many `--fix` (and `--unsafe-fixes`) would fix.
pub fn summary(
    o: &Outcome,
    out: &mut dyn std::io::Write,
    lang: Lang,
    fixed: usize,
    fixing: bool,
) -> std::io::Result<()> {
    writeln!(out, "{}", o.tally().line(lang))?;
    if fixing {
        return writeln!(
            out,
            "{}",
            match lang {
                Lang::Zh => format!("已修复 {fixed} 处"),
                Lang::En => format!("fixed {fixed} finding{}", plural(fixed)),
            }
        );
    }
    let (safe, unsafe_only) = fixable(o);
    if safe + unsafe_only == 0 {
        return Ok(());
    }
    let line = match lang {
        Lang::Zh => {
            let mut s = format!("[*] {safe} 处可用 --fix 自动修复");
            if unsafe_only > 0 {
                s += &format!("（另有 {unsafe_only} 处须加 --unsafe-fixes）");
            }
            s
        }
        Lang::En => {
            let mut s = format!("[*] {safe} fixable with --fix");
            if unsafe_only > 0 {
                s += &format!(" ({unsafe_only} more with --unsafe-fixes)");
            }
            s
        }
    };
    writeln!(out, "{line}")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `--statistics`: a count per rule (unsuppressed findings), most frequent
/// first, `[*]` when some of them `--fix` can fix. JSON for `--format json`
/// (`[{code, title, count, fixable}]`), else a table, and the tally line
/// unless `tally` is false (`--quiet`).
pub fn statistics(
    o: &Outcome,
    out: &mut dyn std::io::Write,
    lang: Lang,
    format: Format,
    tally: bool,
) -> std::io::Result<()> {
    struct Row<'a> {
        code: &'a str,
        title: &'a str,
        count: usize,
        fixable: usize,
    }
    let mut rows: Vec<Row<'_>> = Vec::new();
    for f in o.findings.iter().filter(|f| !f.is_suppressed()) {
        let fix = usize::from(crate::fix::applies(f, false));
        match rows.iter_mut().find(|r| r.code == &*f.code) {
            Some(r) => {
                r.count += 1;
                r.fixable += fix;
            }
            None => rows.push(Row {
                code: &f.code,
                title: &f.title,
                count: 1,
                fixable: fix,
            }),
        }
    }
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    if format == Format::Json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code, "title": r.title, "count": r.count, "fixable": r.fixable,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &v)?;
        return writeln!(out);
    }
    let w = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let cw = rows
        .iter()
        .map(|r| r.code.chars().count())
        .max()
        .unwrap_or(5);
    for r in &rows {
        let mark = if r.fixable > 0 { "[*]" } else { "[ ]" };
        writeln!(
            out,
            "{:>w$}  {:<cw$}  {mark} {}",
            r.count,
            visible(r.code),
            visible(r.title)
        )?;
    }
    if tally {
        writeln!(out, "{}", o.tally().line(lang))?;
    }
    Ok(())
}

/// What a machine format says when the config or a rule file stops the run
/// (exit 2): SARIF, a log whose invocation failed (`executionSuccessful:
/// false`) with each error as a tool configuration notification at its
/// place; GitHub, an `::error` annotation per error. The other formats
/// have the errors on stderr only.
pub fn setup_failure(
    errors: &[crate::error::Error],
    format: Format,
    out: &mut dyn std::io::Write,
    _lang: Lang,
) -> std::io::Result<()> {
    // A found config has an absolute path: shown below the current folder.
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| std::fs::canonicalize(d).ok());
    let place = |e: &crate::error::Error| -> Option<(String, u32, u32)> {
        let (file, text) = (e.file.as_deref()?, e.text.as_deref()?);
        let p = crate::source::LineIndex::new(text).position(text, e.span.start as usize);
        let rel = cwd
            .as_deref()
            .and_then(|c| std::path::Path::new(file).strip_prefix(c).ok())
            .map_or_else(|| file.to_owned(), |r| r.to_string_lossy().into_owned());
        Some((rel, p.line, p.column))
    };
    match format {
        Format::Sarif => {
            let notes: Vec<serde_json::Value> = errors
                .iter()
                .map(|e| {
                    let mut n = serde_json::json!({
                        "level": "error",
                        "message": { "text": visible(&e.message) },
                        "descriptor": { "id": e.code },
                    });
                    if let Some((file, line, column)) = place(e) {
                        n["locations"] = serde_json::json!([{
                            "physicalLocation": {
                                "artifactLocation": { "uri": sarif::uri(std::path::Path::new(&file)) },
                                "region": { "startLine": line, "startColumn": column },
                            }
                        }]);
                    }
                    n
                })
                .collect();
            let log = serde_json::json!({
                "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                "version": "2.1.0",
                "runs": [{
                    "tool": { "driver": {
                        "name": "jixiao",
                        "version": env!("CARGO_PKG_VERSION"),
                        "informationUri": "https://github.com/jixiao-lint/jixiao",
                    }},
                    "invocations": [{
                        "executionSuccessful": false,
                        "toolConfigurationNotifications": notes,
                    }],
                    "results": [],
                }],
            });
            serde_json::to_writer_pretty(&mut *out, &log)?;
            writeln!(out)
        }
        Format::Github => {
            for e in errors {
                let msg = github::data(&visible(&e.message));
                match place(e) {
                    Some((file, line, col)) => writeln!(
                        out,
                        "::error file={},line={line},col={col},title={}::{msg}",
                        github::prop(&visible(&file)),
                        github::prop(e.code),
                    )?,
                    None => writeln!(out, "::error title={}::{msg}", github::prop(e.code))?,
                }
            }
            Ok(())
        }
        Format::Human | Format::Json | Format::Junit => Ok(()),
    }
}
