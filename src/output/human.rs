//! Human output: miette's graphical renderer, labels under the exact span, a
//! summary line at the end. No colour and a fixed width when the output is not
//! a terminal, so CI logs and snapshots are stable. A finding in a table read
//! from a workbook is drawn on its sheet instead (`book.xlsx:自评表!E9`, the
//! grid of `workbook::snippet` between miette's message and help).
//!
//! Nothing from a declaration reaches the terminal raw: in messages, labels,
//! help and file names control and bidi characters are written `\u{1b}`; in
//! snippets each becomes one visible character (␛ and the other control
//! pictures, or �) and a lone CR a line break, so columns stay right and no
//! escape sequence, hidden text or forged `::error` line can be printed.

use crate::check::Outcome;
use crate::diag::{Finding, Lang, Severity};
use crate::error::{Error, ErrorKind};
use crate::source::Span;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

/// A named source whose header column counts characters, not bytes.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name shown in the header (`01-jujia-yanglao.yaml`).
    pub name: Arc<str>,
    /// The whole text.
    pub text: Arc<str>,
}

impl SourceCode for Source {
    /// miette's own `read_span` on a `str` scans from the start of the text on
    /// every call, which is quadratic over many findings in a large file. Here
    /// the line index finds the lines around the span, and miette reads only them.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &str = &self.text;
        let idx = line_index(&self.text);
        let start = span.offset().min(text.len());
        let end = start.saturating_add(span.len()).min(text.len());
        let first = idx.line(start).max(1);
        let last = idx.line(end).max(first);
        let from = first.saturating_sub(before).max(1);
        let to = last.saturating_add(after).min(idx.line_count());
        let mut ws = idx.line_start(from).unwrap_or(0).min(start);
        let mut we = idx
            .line_start(to.saturating_add(1))
            .unwrap_or(text.len())
            .max(end);
        while !text.is_char_boundary(ws) {
            ws -= 1;
        }
        while !text.is_char_boundary(we) {
            we += 1;
        }
        let column = idx.position(text, start).column.saturating_sub(1) as usize;
        if we - ws > MAX_SNIPPET {
            // Long lines (a 2 MB scalar, a whole table on one line): show the
            // part of the span's line around it, not megabytes per finding.
            let line_end = idx.line_start(last + 1).unwrap_or(text.len());
            let mut a = start
                .saturating_sub(SNIPPET_SIDE)
                .max(idx.line_start(first).unwrap_or(0));
            while !text.is_char_boundary(a) {
                a -= 1;
            }
            let mut b = (end.min(start + MAX_LABEL) + SNIPPET_SIDE)
                .min(line_end)
                .max(start);
            while !text.is_char_boundary(b) {
                b += 1;
            }
            let data = &text[a..b];
            let lines = data.bytes().filter(|&c| c == b'\n').count() + 1;
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.to_string(),
                data.as_bytes(),
                SourceSpan::from((a, b - a)),
                idx.line(a).max(1) - 1,
                column,
                lines,
            )));
        }
        let window = text.get(ws..we).ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::from((start - ws, end - start));
        let inner = window.read_span(&local, before, after)?;
        let offset = ws + inner.span().offset();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            SourceSpan::from((offset, inner.span().len())),
            inner.line() + (from - 1),
            column,
            inner.line_count(),
        )))
    }
}

/// Most bytes of source shown for one diagnostic before long lines are cut.
const MAX_SNIPPET: usize = 4096;
/// Bytes shown on either side of a span on a long line.
const SNIPPET_SIDE: usize = 200;
/// Longest label underline, in bytes; longer spans are underlined on their
/// first line only (a mapping of 100,000 lines is not printed whole).
const MAX_LABEL: usize = 1024;

/// A finding's span as a label: cut to its first line and [`MAX_LABEL`] bytes when longer.
fn label_span(text: Option<&str>, s: Span) -> SourceSpan {
    let Some(text) = text.filter(|_| s.len() > MAX_LABEL) else {
        return span(s);
    };
    let start = (s.start as usize).min(text.len());
    let mut end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i)
        .min(start + MAX_LABEL)
        .min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    SourceSpan::from((start, end - start))
}

/// The line index of a text, built once however many findings it has.
/// Findings are rendered file by file (with labels in a few other files), so
/// a small per-thread cache of the latest texts suffices.
fn line_index(text: &Arc<str>) -> Arc<crate::source::LineIndex> {
    use crate::source::LineIndex;
    use std::cell::RefCell;
    const KEEP: usize = 8;
    thread_local! {
        // Each text is kept alive with its index, so its address cannot be reused.
        static CACHE: RefCell<Vec<(Arc<str>, Arc<LineIndex>)>> = const { RefCell::new(Vec::new()) };
    }
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(i) = cache.iter().position(|(t, _)| Arc::ptr_eq(t, text)) {
            let hit = cache.remove(i);
            let idx = hit.1.clone();
            cache.push(hit);
            return idx;
        }
        let idx = Arc::new(LineIndex::new(text));
        if cache.len() >= KEEP {
            cache.remove(0);
        }
        cache.push((text.clone(), idx.clone()));
        idx
    })
}

/// A text as snippets show it: each unsafe character replaced by one visible
/// character, and where byte offsets moved, the shifts to map spans with.
struct Shown {
    text: Arc<str>,
    /// (byte offset in the original just after a replaced character, total
    /// shift from there on), ascending.
    shifts: Vec<(u32, i64)>,
}

impl Shown {
    fn map(&self, off: usize) -> usize {
        let i = self.shifts.partition_point(|&(at, _)| at as usize <= off);
        match i.checked_sub(1).and_then(|i| self.shifts.get(i)) {
            Some(&(_, d)) => (off as i64 + d).max(0) as usize,
            None => off,
        }
    }
    fn span(&self, s: Span) -> Span {
        Span::new(self.map(s.start as usize), self.map(s.end as usize))
    }
}

/// The snippet stand-in for an unsafe character.
fn picture(c: char, next: Option<char>) -> Option<char> {
    match c {
        '\r' if next == Some('\n') => None,
        '\r' => Some('\n'),
        c if (c as u32) < 0x20 && c != '\t' && c != '\n' => char::from_u32(0x2400 + c as u32),
        '\u{7F}' => Some('\u{2421}'),
        c if super::is_unsafe(c) => Some('\u{FFFD}'),
        _ => None,
    }
}

fn make_shown(text: &str) -> Option<Shown> {
    if !text.chars().any(super::is_unsafe) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut shifts = Vec::new();
    let mut delta: i64 = 0;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match picture(c, it.peek().map(|p| p.1)) {
            Some(r) => {
                out.push(r);
                let d = r.len_utf8() as i64 - c.len_utf8() as i64;
                if d != 0 {
                    delta += d;
                    shifts.push(((i + c.len_utf8()) as u32, delta));
                }
            }
            None => out.push(c),
        }
    }
    Some(Shown {
        text: out.into(),
        shifts,
    })
}

/// The shown form of a text, computed once per text (per thread), as the
/// line index is: a file with 100,000 findings is scanned once, not per finding.
fn shown(text: &Arc<str>) -> Option<Arc<Shown>> {
    use std::cell::RefCell;
    const KEEP: usize = 8;
    type Entry = (Arc<str>, Option<Arc<Shown>>);
    thread_local! {
        static CACHE: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
    }
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(i) = cache.iter().position(|(t, _)| Arc::ptr_eq(t, text)) {
            let hit = cache.remove(i);
            let s = hit.1.clone();
            cache.push(hit);
            return s;
        }
        let s = make_shown(text).map(Arc::new);
        if cache.len() >= KEEP {
            cache.remove(0);
        }
        cache.push((text.clone(), s.clone()));
        s
    })
}

/// A source for miette, safe to print, and the span mapping into it.
fn safe_source(name: &str, text: &Arc<str>) -> (Source, Option<Arc<Shown>>) {
    let sh = shown(text);
    let src = Source {
        name: super::visible(name).into(),
        text: sh.as_ref().map_or_else(|| text.clone(), |s| s.text.clone()),
    };
    (src, sh)
}

fn map_span(sh: Option<&Shown>, s: Span) -> Span {
    sh.map_or(s, |sh| sh.span(s))
}

/// One rendered diagnostic.
#[derive(Debug)]
pub(crate) struct Diag {
    pub code: String,
    pub severity: miette::Severity,
    pub message: String,
    pub help: Option<String>,
    pub source: Option<Source>,
    pub labels: Vec<LabeledSpan>,
    pub related: Vec<Diag>,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|d| d as &dyn Diagnostic))
                as Box<dyn Iterator<Item = &'a dyn Diagnostic>>
        })
    }
}

pub(crate) fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// The renderer: colour and terminal width only on a terminal.
pub fn handler(color: bool, width: Option<usize>) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(width.unwrap_or(100))
        .with_links(false)
        .with_context_lines(1)
        // Related notes nested under their finding: the flat form heads each
        // with an English "Advice:", in Chinese output too.
        .with_show_related_as_nested(true)
}

fn span(s: Span) -> SourceSpan {
    s.into()
}

/// Build the miette diagnostic of a finding.
pub(crate) fn diag(o: &Outcome, f: &Finding, lang: Lang) -> Diag {
    use super::visible;
    let file = o.file(f.file);
    let name = file.map(super::entry_name).unwrap_or_default();
    let safe = file.and_then(|e| e.text.as_ref().map(|t| safe_source(&name, t)));
    let (source, sh) = match safe {
        Some((src, sh)) => (Some(src), sh),
        None => (None, None),
    };
    let sh = sh.as_deref();
    let message = if source.is_none() {
        format!(
            "{} {}{}: {}",
            f.code,
            super::fix_mark(f),
            visible(&name),
            visible(&f.message)
        )
    } else {
        format!("{} {}{}", f.code, super::fix_mark(f), visible(&f.message))
    };
    let mut labels = Vec::new();
    let mut related = Vec::new();
    let own_text = source.as_ref().map(|s| &*s.text);
    if source.is_some() {
        // A label that only repeats the message above it (a rule whose `at`
        // gives no text) is drawn as a bare underline.
        let text = match &f.label {
            Some(l) if *l == f.message => None,
            Some(l) => Some(visible(l).into_owned()),
            None => Some(visible(&f.title).into_owned()),
        };
        labels.push(LabeledSpan::new_primary_with_span(
            text,
            label_span(own_text, map_span(sh, f.span)),
        ));
    }
    // Labels in other files (a summary's projects): one compact note listing
    // them as `file:line:column  text`, rather than a snippet per file.
    let mut elsewhere = Vec::new();
    for l in &f.labels {
        // A label far from the primary span (the first of 100,000 duplicate
        // keys) is listed as a location, not drawn in one huge snippet.
        let far = (l.span.start as usize).abs_diff(f.span.start as usize) > MAX_SNIPPET;
        if l.file == f.file && !far {
            labels.push(LabeledSpan::new_with_span(
                Some(visible(&l.text).into_owned()),
                label_span(own_text, map_span(sh, l.span)),
            ));
        } else if let Some(loc) = location(o, l.file, l.span) {
            elsewhere.push(format!("{loc}  {}", visible(&l.text)));
        }
    }
    related.extend(related_note(&elsewhere, lang));
    Diag {
        // The code leads the message (`JX503 汇总执行数…`), as in ruff and rustc.
        code: String::new(),
        severity: miette_severity(f.severity),
        message,
        help: f.help.as_deref().map(|h| visible(h).into_owned()),
        source,
        labels,
        related,
    }
}

/// Where a label in another file is, as the note listing such labels shows
/// it: `file:line:column`, or `book.xlsx:自评表!F6` in a workbook.
fn location(o: &Outcome, file: crate::diag::FileId, at: Span) -> Option<String> {
    use super::visible;
    let e = o.file(file)?;
    if let (Some(t), Some((sheet, cell))) = (e.table.as_deref(), e.cell(at)) {
        return Some(visible(&format!("{}:{sheet}!{cell}", super::book_name(e, t))).into_owned());
    }
    let en = visible(&super::entry_name(e)).into_owned();
    let pos = e
        .text
        .as_ref()
        .map(|t| line_index(t).position(t, at.start as usize));
    Some(pos.map_or_else(|| en.clone(), |p| format!("{en}:{}:{}", p.line, p.column)))
}

/// The note listing labels that are not drawn in the snippet.
fn related_note(elsewhere: &[String], lang: Lang) -> Option<Diag> {
    (!elsewhere.is_empty()).then(|| Diag {
        code: String::new(),
        severity: miette::Severity::Advice,
        message: format!(
            "{}\n{}",
            lang.pick("相关位置：", "related:"),
            elsewhere.join("\n")
        ),
        help: None,
        source: None,
        labels: Vec::new(),
        related: Vec::new(),
    })
}

/// The widest line of a grid snippet (miette's default width).
const GRID_WIDTH: usize = 100;

/// A finding in a table read from a workbook, when its span is a cell: the
/// message, then the grid around the cell (`book.xlsx:自评表!F6`, column
/// letters, row numbers, the cell underlined with its label, labels on
/// nearby cells underlined too), then the help and the note listing the
/// labels drawn elsewhere — miette renders all but the grid.
fn grid_report(
    o: &Outcome,
    f: &Finding,
    lang: Lang,
    h: &GraphicalReportHandler,
) -> Option<Result<String, fmt::Error>> {
    use super::visible;
    use crate::workbook::{cell_name, snippet};
    let e = o.file(f.file)?;
    let t = e.table.as_deref()?;
    let cell = t.anchor(f.span.start as usize, f.span.end as usize)?;
    let x = t.excerpt(cell.sheet)?;
    let book = super::book_name(e, t);
    let at = |c: &crate::workbook::CellRef| {
        visible(&format!(
            "{book}:{}!{}",
            t.sheet_name(c.sheet),
            cell_name(c)
        ))
        .into_owned()
    };
    let text = f.label.clone().unwrap_or_else(|| f.title.to_string());
    let mut marks = vec![snippet::Mark {
        cell,
        text: visible(&text).into_owned(),
        primary: true,
    }];
    // Each label: drawn on its cell (the index of its mark) or listed.
    let mut places: Vec<Result<usize, String>> = Vec::new();
    for l in &f.labels {
        let own = (l.file == f.file)
            .then(|| t.anchor(l.span.start as usize, l.span.end as usize))
            .flatten();
        match own {
            Some(c) => {
                places.push(Ok(marks.len()));
                marks.push(snippet::Mark {
                    cell: c,
                    text: visible(&l.text).into_owned(),
                    primary: false,
                });
            }
            None => {
                if let Some(loc) = location(o, l.file, l.span) {
                    places.push(Err(format!("{loc}  {}", visible(&l.text))));
                }
            }
        }
    }
    let (grid, left_out) = snippet::draw(&at(&cell), x, &marks, GRID_WIDTH);
    let elsewhere: Vec<String> = places
        .into_iter()
        .filter_map(|p| match p {
            Ok(i) if left_out.contains(&i) => {
                Some(format!("{}  {}", at(&marks[i].cell), marks[i].text))
            }
            Ok(_) => None,
            Err(s) => Some(s),
        })
        .collect();
    let head = Diag {
        code: String::new(),
        severity: miette_severity(f.severity),
        message: format!("{} {}", f.code, visible(&f.message)),
        help: None,
        source: None,
        labels: Vec::new(),
        related: Vec::new(),
    };
    let mut first = String::new();
    if let Err(e) = h.render_report(&mut first, &head) {
        return Some(Err(e));
    }
    let full = Diag {
        help: f.help.as_deref().map(|h| visible(h).into_owned()),
        related: related_note(&elsewhere, lang).into_iter().collect(),
        ..head
    };
    let mut all = String::new();
    if let Err(e) = h.render_report(&mut all, &full) {
        return Some(Err(e));
    }
    // miette ends the message with a blank line; the grid goes there.
    let rest = all.strip_prefix(first.as_str()).unwrap_or("");
    let mut out = first.trim_end().to_owned();
    out.push('\n');
    out.push_str(&grid);
    out.push_str(rest);
    Some(Ok(out))
}

/// One finding as the terminal shows it: its snippet in the YAML, or the
/// grid around its cell for a finding in a workbook.
pub fn render(
    o: &Outcome,
    f: &Finding,
    lang: Lang,
    h: &GraphicalReportHandler,
) -> Result<String, fmt::Error> {
    if let Some(r) = grid_report(o, f, lang, h) {
        return r;
    }
    let mut s = String::new();
    h.render_report(&mut s, &diag(o, f, lang))?;
    Ok(s)
}

/// Render every unsuppressed finding, then the summary line.
pub fn write(
    o: &Outcome,
    out: &mut dyn Write,
    lang: Lang,
    h: &GraphicalReportHandler,
) -> io::Result<()> {
    write_findings(o, out, lang, h)?;
    writeln!(out, "{}", o.tally().line(lang))
}

/// Render every unsuppressed finding (`--quiet`: no summary line after).
pub fn write_findings(
    o: &Outcome,
    out: &mut dyn Write,
    lang: Lang,
    h: &GraphicalReportHandler,
) -> io::Result<()> {
    for f in o.findings.iter().filter(|f| !f.is_suppressed()) {
        let s = render(o, f, lang, h).map_err(io::Error::other)?;
        out.write_all(s.trim_end().as_bytes())?;
        writeln!(out, "\n")?;
    }
    Ok(())
}

/// Render the errors that stop a run (config, rule files, unreadable files),
/// each into its file at its span, then a count naming what was wrong.
pub fn setup_errors(
    errors: &[Error],
    out: &mut dyn Write,
    lang: Lang,
    h: &GraphicalReportHandler,
) -> io::Result<()> {
    let what = match errors.first().map(|e| e.kind) {
        Some(ErrorKind::Config) => ("配置文件", "the config"),
        Some(ErrorKind::Baseline) => ("基线文件", "the baseline"),
        _ => ("规则文件", "rule files"),
    };
    file_errors(errors, out, lang, h, what)
}

/// Errors pointing into a file that stops the run, then a count naming `what`.
fn file_errors(
    errors: &[Error],
    out: &mut dyn Write,
    lang: Lang,
    h: &GraphicalReportHandler,
    (what_zh, what_en): (&str, &str),
) -> io::Result<()> {
    for e in errors {
        let (Some(name), Some(text)) = (&e.file, &e.text) else {
            writeln!(
                out,
                "{}{}",
                lang.pick("错误：", "error: "),
                super::visible(&e.message)
            )?;
            continue;
        };
        let (safe, sh) = safe_source(name, text);
        let d = Diag {
            code: String::new(),
            severity: miette::Severity::Error,
            message: format!("{} {}", e.code, super::visible(&e.message)),
            help: e.help.as_deref().map(|h| super::visible(h).into_owned()),
            source: Some(safe),
            labels: vec![LabeledSpan::new_primary_with_span(
                None,
                span(map_span(sh.as_deref(), e.span)),
            )],
            related: Vec::new(),
        };
        let mut s = String::new();
        h.render_report(&mut s, &d).map_err(io::Error::other)?;
        out.write_all(s.trim_end().as_bytes())?;
        writeln!(out, "\n")?;
    }
    let n = errors.len();
    let s = if n == 1 { "" } else { "s" };
    match lang {
        Lang::Zh => writeln!(out, "{what_zh}有 {n} 个错误（{n} error{s} in {what_en}）"),
        Lang::En => writeln!(out, "{n} error{s} in {what_en}"),
    }
}
