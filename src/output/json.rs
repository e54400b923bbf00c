//! `--format json`: a top-level array, one object per finding (SPEC §3), in
//! the order of the human output. Suppressed findings stay, marked. A path
//! that could not be used at all (a folder that cannot be read) follows as a
//! JX008 error at 1:1 of that path, so a script never sees `[]` for a failed run.

use super::{Positions, name_of, problem_path};
use crate::check::Outcome;
use crate::diag::{Finding, Lang, Suppression};
use crate::discover::PathProblem;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

#[derive(Serialize)]
struct Label<'a> {
    /// The workbook itself for a cell of one of its tables (as SARIF's and
    /// GitHub's), with `sheet` and `cell` beside it.
    file: Cow<'a, str>,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    offset: u32,
    length: u32,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<String>,
}

/// The name `file` gives for a span of file `id`, and its sheet and cell when
/// the file is a table read from a workbook: the workbook's own name then
/// (`汇总.xlsx`, not `汇总.xlsx:汇总` as a book of several tables is shown
/// in the terminal), so `file` is always a path a script can open.
fn place<'a>(
    o: &'a Outcome,
    id: crate::diag::FileId,
    span: crate::source::Span,
) -> (Cow<'a, str>, Option<(&'a str, String)>) {
    let Some(e) = o.file(id) else {
        return (name_of(o, id), None);
    };
    match (e.table.as_deref(), e.cell(span)) {
        (Some(t), Some(cell)) => (super::book_name(e, t), Some(cell)),
        _ => (name_of(o, id), None),
    }
}

#[derive(Serialize)]
struct Item<'a> {
    code: &'a str,
    severity: &'a str,
    title: &'a str,
    message: &'a str,
    file: Cow<'a, str>,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    offset: u32,
    length: u32,
    help: Option<&'a str>,
    /// What is wrong at the primary span (the text under it in the human
    /// output), when the rule states it; else the message says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    /// The offending node's place in the document.
    path: &'a str,
    suppressed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<Label<'a>>,
    /// For a finding in a workbook: the sheet and the cell (`F6`).
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<String>,
    /// The rule's fix, when it has one: the bytes to replace and the new
    /// text; `safe: false` is applied only with `--unsafe-fixes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixItem<'a>>,
}

#[derive(Serialize)]
struct FixItem<'a> {
    offset: u32,
    length: u32,
    replacement: &'a str,
    safe: bool,
}

fn item<'a>(o: &'a Outcome, pos: &Positions<'_>, f: &'a Finding) -> Item<'a> {
    let r = pos.of(f);
    let (file, cell) = place(o, f.file, f.span);
    let labels = f
        .labels
        .iter()
        .map(|l| {
            let lr = pos.region(l.file, l.span);
            let (file, cell) = place(o, l.file, l.span);
            let (sheet, cell) = cell.unzip();
            Label {
                file,
                sheet,
                cell,
                line: lr.start.line,
                column: lr.start.column,
                end_line: lr.end.line,
                end_column: lr.end.column,
                offset: l.span.start,
                length: l.span.end - l.span.start,
                text: &l.text,
            }
        })
        .collect();
    Item {
        code: &f.code,
        severity: f.severity.name(),
        title: &f.title,
        message: &f.message,
        file,
        line: r.start.line,
        column: r.start.column,
        end_line: r.end.line,
        end_column: r.end.column,
        offset: f.span.start,
        length: f.span.end - f.span.start,
        help: f.help.as_deref(),
        label: f.label.as_deref(),
        path: &f.path,
        suppressed: f.is_suppressed(),
        reason: match &f.suppressed {
            Some(Suppression::Waiver(r)) => Some(r),
            Some(Suppression::Baseline) => Some("baseline"),
            None => None,
        },
        labels,
        sheet: cell.as_ref().map(|c| c.0),
        cell: cell.map(|c| c.1),
        fix: f.fix.as_ref().map(|x| FixItem {
            offset: x.span.start,
            length: x.span.end - x.span.start,
            replacement: &x.replacement,
            safe: x.safe,
        }),
    }
}

fn problem_item<'a>(p: &'a PathProblem, lang: Lang) -> Item<'a> {
    let code = crate::load::loader_code("JX008");
    Item {
        code: "JX008",
        severity: "error",
        title: code.map_or("", |c| lang.pick(c.title_zh, c.title_en)),
        message: lang.pick(&p.zh, &p.en),
        file: Cow::Owned(problem_path(p)),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        offset: 0,
        length: 0,
        help: None,
        label: None,
        path: "",
        suppressed: false,
        reason: None,
        labels: Vec::new(),
        sheet: None,
        cell: None,
        fix: None,
    }
}

/// Write the array, one finding per line, streaming: findings are rendered in
/// parallel a block at a time and written in order (no whole-document buffer).
pub fn write(o: &Outcome, out: &mut dyn Write, lang: Lang) -> io::Result<()> {
    const BLOCK: usize = 1024;
    let pos = Positions::new(o);
    if o.findings.is_empty() && o.problems.is_empty() {
        return writeln!(out, "[]");
    }
    writeln!(out, "[")?;
    let last = (o.findings.len() + o.problems.len()).saturating_sub(1);
    for (b, block) in o.findings.chunks(BLOCK).enumerate() {
        let lines = crate::par::map(block, |_, f| {
            serde_json::to_string(&item(o, &pos, f)).map_err(io::Error::other)
        })
        .into_iter()
        .collect::<io::Result<Vec<String>>>()?;
        for (i, s) in lines.iter().enumerate() {
            let sep = if b * BLOCK + i < last { "," } else { "" };
            writeln!(out, "  {s}{sep}")?;
        }
    }
    for (i, p) in o.problems.iter().enumerate() {
        let s = serde_json::to_string(&problem_item(p, lang)).map_err(io::Error::other)?;
        let sep = if o.findings.len() + i < last { "," } else { "" };
        writeln!(out, "  {s}{sep}")?;
    }
    writeln!(out, "]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::FileEntry;
    use crate::diag::Severity;
    use crate::source::Span;
    use std::sync::Arc;

    /// More findings than one rendering block: the array stays one valid
    /// document, in order, with a comma between every two items.
    #[test]
    fn blocks_join_into_one_array() {
        let text = "a: 1\nb: 2\n";
        let n = 2 * 1024 + 3;
        let o = Outcome {
            files: vec![FileEntry {
                path: "f.yaml".into(),
                place: "f.yaml".into(),
                name: "f.yaml".into(),
                text: Some(Arc::from(text)),
                reported: true,
                declaration: true,
                table: None,
                marks: None,
            }],
            findings: (0..n)
                .map(|i| {
                    Finding::new(
                        "JX101",
                        Severity::Error,
                        "t",
                        format!("m{i}"),
                        0,
                        Span::new(5, 9),
                    )
                })
                .collect(),
            ..Outcome::default()
        };
        let mut out = Vec::new();
        write(&o, &mut out, Lang::Zh).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let items = v.as_array().unwrap();
        assert_eq!(items.len(), n);
        for (i, it) in items.iter().enumerate() {
            assert_eq!(it["message"], format!("m{i}"));
            assert_eq!(it["line"], 2);
        }
    }
}
