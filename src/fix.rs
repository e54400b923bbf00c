//! Applying the fixes that rules propose (SPEC §3.1, `--fix`, `--unsafe-fixes`,
//! `--diff`): each fix replaces the bytes of one scalar, so applying them is
//! splicing non-overlapping spans into the file's text and leaving every other
//! byte alone. Also the unified diff `--diff` prints. No file system here: the
//! command line reads and writes the files.

use crate::diag::{Finding, Fix};

/// Whether `--fix` (with `unsafe_ok` for `--unsafe-fixes`) applies the fix
/// of `f`: an unsuppressed finding whose fix is safe, or any fix when unsafe
/// ones are allowed.
pub fn applies(f: &Finding, unsafe_ok: bool) -> bool {
    f.suppressed.is_none() && f.fix.as_ref().is_some_and(|x| x.safe || unsafe_ok)
}

/// `text` with `fixes` applied, and how many were applied. Fixes are taken
/// in order of position; one that overlaps an earlier one, or whose span is
/// not on character boundaries of `text`, is left out (the next pass, after
/// a new check, proposes it again if it is still wanted).
pub fn apply<'a>(text: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> (String, usize) {
    let mut fixes: Vec<&Fix> = fixes.into_iter().collect();
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0usize;
    let mut n = 0;
    for f in fixes {
        let (s, e) = (f.span.start as usize, f.span.end as usize);
        if s < at
            || e < s
            || e > text.len()
            || !text.is_char_boundary(s)
            || !text.is_char_boundary(e)
            || text[s..e] == *f.replacement
        {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(&f.replacement);
        at = e;
        n += 1;
    }
    out.push_str(&text[at..]);
    (out, n)
}

/// A unified diff of `old` → `new` for the file `name` (`--- a/name`,
/// `+++ b/name`, three lines of context), empty when they are equal.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn fix(s: usize, e: usize, r: &str) -> Fix {
        Fix {
            span: Span::new(s, e),
            replacement: r.into(),
            safe: true,
        }
    }

    #[test]
    fn only_the_spans_change() {
        let t = "a: 1.5\nb: 二十\nc: 3\n";
        let (out, n) = apply(t, &[fix(20, 21, "4"), fix(3, 6, "2.0")]);
        assert_eq!(out, "a: 2.0\nb: 二十\nc: 4\n");
        assert_eq!(n, 2);
    }

    #[test]
    fn overlapping_and_bad_spans_are_left_out() {
        let t = "x: 二十\n";
        // 4 is inside 二 (bytes 3..6): not a boundary
        let (out, n) = apply(t, &[fix(3, 9, "20"), fix(4, 6, "y"), fix(7, 99, "z")]);
        assert_eq!(out, "x: 20\n");
        assert_eq!(n, 1);
    }

    #[test]
    fn the_diff_names_the_file_and_shows_the_line() {
        let d = unified_diff("a.yaml", "a: 1\nb: 2\n", "a: 1\nb: 3\n");
        assert!(
            d.starts_with("--- a/a.yaml\n+++ b/a.yaml\n@@ -1,2 +1,2 @@\n"),
            "{d}"
        );
        assert!(d.contains("-b: 2\n+b: 3\n"), "{d}");
        assert_eq!(unified_diff("a", "x", "x"), "");
    }
}
