//! `--format junit`: one testsuite, one testcase per checked file (named by
//! its path, with a `file` attribute), and a `<failure>` per unsuppressed
//! finding of any severity, its `type` the code. `failures` counts the
//! testcases that failed, as the JUnit schema says.

use super::{Positions, file_name, problem_path, visible};
use crate::check::Outcome;
use crate::diag::Lang;
use std::io::{self, Write};

/// Escape for XML: the HTML escaping of the review pack; characters XML 1.0
/// cannot hold (C0 controls but tab and line breaks, U+FFFE, U+FFFF) become
/// U+FFFD, and other control and bidi characters are made visible as `\u{…}`,
/// so one odd value cannot make the whole report unreadable or misleading.
pub fn xml_escape(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            let allowed = matches!(c, '\t' | '\n' | '\r')
                || ((c as u32) >= 0x20 && !matches!(c, '\u{FFFE}' | '\u{FFFF}'));
            if allowed { c } else { '\u{FFFD}' }
        })
        .collect();
    let shown = visible(&clean);
    crate::escape::html(&shown).into_owned()
}

/// Path problems (a folder that cannot be read) are testcases with an
/// `<error>`, counted in `errors`, so a test view does not show a clean run.
pub fn write(o: &Outcome, out: &mut dyn Write, lang: Lang) -> io::Result<()> {
    write_with(o, out, lang, false)
}

/// [`write`]; with `warnings_skipped` (`--junit-warnings skipped`) only
/// errors are `<failure>`s: a file with warnings or infos alone is a
/// `<skipped>` testcase (counted in the suite's `skipped`), and the
/// warnings of a failed file go to its `<system-out>`, so a test view shows
/// as failed only what fails the run.
pub fn write_with(
    o: &Outcome,
    out: &mut dyn Write,
    lang: Lang,
    warnings_skipped: bool,
) -> io::Result<()> {
    use crate::diag::Severity;
    let pos = Positions::new(o);
    let files: Vec<usize> = (0..o.files.len())
        .filter(|&i| o.files[i].reported && o.files[i].declaration)
        .collect();
    let fails = |f: &crate::diag::Finding| !warnings_skipped || f.severity == Severity::Error;
    let failures = files
        .iter()
        .filter(|&&i| {
            o.findings
                .iter()
                .any(|f| f.file as usize == i && !f.is_suppressed() && fails(f))
        })
        .count();
    let skipped = files
        .iter()
        .filter(|&&i| {
            let mut mine = o
                .findings
                .iter()
                .filter(|f| f.file as usize == i && !f.is_suppressed());
            let first = mine.next();
            first.is_some_and(|f| !fails(f)) && mine.all(|f| !fails(f))
        })
        .count();
    let skipped_attr = if warnings_skipped {
        format!(r#" skipped="{skipped}""#)
    } else {
        String::new()
    };
    let errors = o.problems.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="jixiao" tests="{}" failures="{failures}" errors="{errors}">"#,
        files.len() + errors
    )?;
    writeln!(
        out,
        r#"  <testsuite name="jixiao" tests="{}" failures="{failures}" errors="{errors}"{skipped_attr}>"#,
        files.len() + errors
    )?;
    for p in &o.problems {
        let name = xml_escape(&problem_path(p));
        let msg = xml_escape(lang.pick(&p.zh, &p.en));
        writeln!(
            out,
            r#"    <testcase name="{name}" classname="{name}" file="{name}">"#
        )?;
        writeln!(
            out,
            r#"      <error message="{msg}" type="JX008">{name}: {msg}</error>"#
        )?;
        writeln!(out, "    </testcase>")?;
    }
    for i in files {
        let name = xml_escape(&super::entry_name(&o.files[i]));
        let mine: Vec<_> = o
            .findings
            .iter()
            .filter(|f| f.file as usize == i && !f.is_suppressed())
            .collect();
        if mine.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="{name}" classname="{name}" file="{name}"/>"#
            )?;
            continue;
        }
        writeln!(
            out,
            r#"    <testcase name="{name}" classname="{name}" file="{name}">"#
        )?;
        let line = |f: &crate::diag::Finding| {
            let r = pos.of(f);
            format!(
                "{}:{}:{}: {} [{}] {}",
                xml_escape(&file_name(o, f)),
                r.start.line,
                r.start.column,
                f.severity,
                xml_escape(&f.code),
                xml_escape(&f.message),
            )
        };
        let (failing, other): (Vec<&crate::diag::Finding>, Vec<&crate::diag::Finding>) =
            mine.iter().partition(|f| fails(f));
        if failing.is_empty() {
            let codes: Vec<&str> = other.iter().map(|f| &*f.code).collect();
            writeln!(
                out,
                r#"      <skipped message="{}"/>"#,
                xml_escape(&codes.join(" "))
            )?;
        }
        for f in failing {
            writeln!(
                out,
                r#"      <failure message="{} {}" type="{}">{}</failure>"#,
                xml_escape(&f.code),
                xml_escape(&f.message),
                xml_escape(&f.code),
                line(f),
            )?;
        }
        if !other.is_empty() {
            let text: Vec<String> = other.iter().map(|f| line(f)).collect();
            writeln!(out, "      <system-out>{}</system-out>", text.join("\n"))?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
