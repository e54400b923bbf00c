//! `--format github`: GitHub Actions workflow commands, one per unsuppressed
//! finding: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE title::message` (the help on a second line)
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
pub(crate) fn prop(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// Escape a message (`%`, CR, LF).
pub(crate) fn data(s: &str) -> String {
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
            (Some(e), Some((table, (sheet, cell)))) => (
                super::book_name(e, table),
                format!("{} {} {sheet}!{cell}", f.code, f.title),
            ),
            // `JX304 预算执行率偏低`, as ruff writes `ruff (F401)` with a name.
            _ => (file_name(o, f), format!("{} {}", f.code, f.title)),
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
            // the help follows the message.
            prop(&visible(&title)),
            data(&visible(&match &f.help {
                Some(h) => format!("{}\n{h}", f.message),
                None => f.message.clone(),
            })),
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
