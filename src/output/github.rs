//! `--format github`: GitHub Actions workflow commands, one per unsuppressed
//! finding: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`
//! (`::warning` for warnings, `::notice` for infos). Lines and columns are
//! 1-based and columns count characters, so an annotation lands on the right
//! Chinese character; `endColumn` is the column just after the span, as in
//! SARIF and the JSON output. A finding in a workbook is annotated on the
//! workbook at the cell's row and column, the cell in the title
//! (`title=JX304 自评表!E9`).

use super::{Positions, file_name, problem_path, visible};
use crate::check::Outcome;
use crate::diag::{Lang, Severity};
use std::io::{self, Write};

/// Escape a property value (`%`, CR, LF, `:` and `,`).
fn prop(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// Escape a message (`%`, CR, LF).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Findings, then one `::error` per path that could not be used (a folder
/// that cannot be read), so the log's annotations show the failed run. Text
/// from declarations has its control and bidi characters made visible, and
/// CR/LF escaped, so it cannot start a workflow command of its own.
pub fn write(o: &Outcome, out: &mut dyn Write, lang: Lang) -> io::Result<()> {
    let pos = Positions::new(o);
    for f in o.findings.iter().filter(|f| !f.is_suppressed()) {
        let r = pos.of(f);
        // In a workbook: the workbook's name, the cell in the title.
        let entry = o.file(f.file);
        let cell = entry.and_then(|e| Some((e.table.as_deref()?, e.cell(f.span)?)));
        let (file, title) = match (entry, cell) {
            (Some(e), Some((t, (sheet, cell)))) => {
                (super::book_name(e, t), format!("{} {sheet}!{cell}", f.code))
            }
            _ => (file_name(o, f), f.code.to_string()),
        };
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            prop(&visible(&file)),
            r.start.line,
            r.start.column,
            r.end.line,
            r.end.column,
            prop(&visible(&title)),
            data(&visible(&f.message)),
        )?;
    }
    for p in &o.problems {
        writeln!(
            out,
            "::error file={},title=JX008::{}",
            prop(&visible(&problem_path(p))),
            data(&visible(lang.pick(&p.zh, &p.en))),
        )?;
    }
    Ok(())
}
