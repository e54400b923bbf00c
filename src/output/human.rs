//! Human output: miette's graphical renderer, labels under the exact span, a
//! summary line at the end. No colour and a fixed width when the output is not
//! a terminal, so CI logs and snapshots are stable.

use crate::check::Outcome;
use crate::diag::{Finding, Lang, Severity};
use crate::rules::RuleError;
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
    pub name: Arc<str>,
    pub text: Arc<str>,
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_ref().read_span(span, before, after)?;
        let start = inner.span().offset();
        let text: &str = &self.text;
        let line_start = text[..start.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let column = text
            .get(line_start..start)
            .map_or(inner.column(), |s| s.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// One rendered diagnostic.
#[derive(Debug)]
pub struct Diag {
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

pub fn miette_severity(s: Severity) -> miette::Severity {
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
}

fn span(s: Span) -> SourceSpan {
    s.into()
}

/// Build the miette diagnostic of a finding.
pub fn diag(o: &Outcome, f: &Finding, lang: Lang) -> Diag {
    let file = o.file(f.file);
    let source = file.and_then(|e| {
        e.text.as_ref().map(|t| Source {
            name: e.name.clone(),
            text: t.clone(),
        })
    });
    let name = file.map_or("", |e| &e.name);
    let message = if source.is_none() {
        format!("{} {name}: {}", f.code, f.message)
    } else {
        format!("{} {}", f.code, f.message)
    };
    let mut labels = Vec::new();
    let mut related = Vec::new();
    if source.is_some() {
        let text = f.label.clone().unwrap_or_else(|| f.title.to_string());
        labels.push(LabeledSpan::new_primary_with_span(Some(text), span(f.span)));
    }
    // Labels in other files (a summary's projects): one compact note listing
    // them as `file:line:column  text`, rather than a snippet per file.
    let mut elsewhere = Vec::new();
    for l in &f.labels {
        if l.file == f.file {
            labels.push(LabeledSpan::new_with_span(
                Some(l.text.clone()),
                span(l.span),
            ));
        } else if let Some(e) = o.file(l.file) {
            let at = e
                .text
                .as_deref()
                .map(|t| crate::source::LineIndex::new(t).position(t, l.span.start as usize));
            let loc = at.map_or_else(
                || e.name.to_string(),
                |p| format!("{}:{}:{}", e.name, p.line, p.column),
            );
            elsewhere.push(format!("{loc}  {}", l.text));
        }
    }
    if !elsewhere.is_empty() {
        related.push(Diag {
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
        });
    }
    Diag {
        // The code leads the message (`JX503 汇总执行数…`), as in ruff and rustc.
        code: String::new(),
        severity: miette_severity(f.severity),
        message,
        help: f.help.as_deref().map(str::to_owned),
        source,
        labels,
        related,
    }
}

/// Render every unsuppressed finding, then the summary line.
pub fn write(
    o: &Outcome,
    out: &mut dyn Write,
    lang: Lang,
    h: &GraphicalReportHandler,
) -> io::Result<()> {
    for f in o.findings.iter().filter(|f| !f.is_suppressed()) {
        let d = diag(o, f, lang);
        let mut s = String::new();
        h.render_report(&mut s, &d).map_err(io::Error::other)?;
        out.write_all(s.trim_end().as_bytes())?;
        writeln!(out, "\n")?;
    }
    writeln!(out, "{}", o.tally().line(lang))
}

/// Render rule-file errors (they point into the rule file).
pub fn rule_errors(
    errors: &[(Source, RuleError)],
    out: &mut dyn Write,
    lang: Lang,
    h: &GraphicalReportHandler,
) -> io::Result<()> {
    file_errors(errors, out, lang, h, ("规则文件", "rule files"))
}

/// Render config errors (they point into `.jixiao.yaml`).
pub fn config_errors(
    errors: &[(Source, RuleError)],
    out: &mut dyn Write,
    lang: Lang,
    h: &GraphicalReportHandler,
) -> io::Result<()> {
    file_errors(errors, out, lang, h, ("配置文件", "the config"))
}

/// Errors pointing into a file that stops the run, then a count naming `what`.
fn file_errors(
    errors: &[(Source, RuleError)],
    out: &mut dyn Write,
    lang: Lang,
    h: &GraphicalReportHandler,
    (what_zh, what_en): (&str, &str),
) -> io::Result<()> {
    for (src, e) in errors {
        let d = Diag {
            code: String::new(),
            severity: miette::Severity::Error,
            message: format!("{} {}", e.code, e.message),
            help: e.help.clone(),
            source: Some(src.clone()),
            labels: vec![LabeledSpan::new_primary_with_span(None, span(e.span))],
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
