//! `--format junit`: one testsuite, one testcase per checked file (named by
//! its path, with a `file` attribute), and a `<failure>` per unsuppressed
//! finding of any severity, its `type` the code. `failures` counts the
//! testcases that failed, as the JUnit schema says.

use super::{Positions, file_name};
use crate::check::Outcome;
use std::io::{self, Write};

/// Escape for XML: the markup escaping of [`crate::escape`], without the
/// control characters XML 1.0 cannot hold.
pub fn xml_escape(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| (*c as u32) >= 0x20 || matches!(c, '\n' | '\r' | '\t'))
        .collect();
    crate::escape::html(&clean).into_owned()
}

pub fn write(o: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let pos = Positions::new(o);
    let files: Vec<usize> = (0..o.files.len())
        .filter(|&i| o.files[i].reported && o.files[i].declaration)
        .collect();
    let failures = files
        .iter()
        .filter(|&&i| {
            o.findings
                .iter()
                .any(|f| f.file as usize == i && !f.is_suppressed())
        })
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="jixiao" tests="{}" failures="{failures}">"#,
        files.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="jixiao" tests="{}" failures="{failures}" errors="0">"#,
        files.len()
    )?;
    for i in files {
        let name = xml_escape(&o.files[i].name);
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
        for f in mine {
            let r = pos.of(f);
            writeln!(
                out,
                r#"      <failure message="{} {}" type="{}">{}:{}:{}: {} [{}] {}</failure>"#,
                xml_escape(&f.code),
                xml_escape(&f.message),
                xml_escape(&f.code),
                xml_escape(file_name(o, f)),
                r.start.line,
                r.start.column,
                f.severity,
                xml_escape(&f.code),
                xml_escape(&f.message),
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
