//! What Chinese typing does to YAML (SPEC §3.1, first contact #1–#3): a
//! full-width colon `：` or comma `，` where a key ends, `key:value` without
//! the space, a tab in the indentation. The YAML parser reports these on the
//! line after and in its own English; here the offending character is found
//! and named in the run's language, for the loader's JX001.

use crate::diag::Lang;
use crate::source::Span;

/// A syntax error said where it is made: the span of the offending
/// character, the message and the help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub span: Span,
    pub message: String,
    pub help: String,
}

/// A line's key part, before a colon, looks like a mapping key: no quotes,
/// brackets, `#` or `- ` inside (a list item's own key is allowed).
fn key_like(k: &str) -> bool {
    let k = k.trim_start();
    let k = k.strip_prefix("- ").unwrap_or(k).trim();
    !k.is_empty()
        && k.chars().count() <= 40
        && !k.contains([
            '"', '\'', '{', '}', '[', ']', '#', ',', ' ', '\t', '：', ':',
        ])
}

/// The hint for a YAML syntax error at `at` in `text`: the first of the
/// error's line, the line before (the parser reports a bad key on the line
/// after it) and the line after (it stops short of a tab) that shows one of
/// the faults above. `None` when none does.
pub fn hint(text: &str, at: Span, lang: Lang) -> Option<Hint> {
    let err = text[..(at.start as usize).min(text.len())]
        .matches('\n')
        .count();
    let mut offset = 0usize;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        if n + 1 < err || n > err + 1 {
            if n > err + 1 {
                break;
            }
            continue;
        }
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start_matches(' ');
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let no = text[..start].matches('\n').count() + 1;
        // A tab in the indentation.
        let indent = &body[..body.len() - body.trim_start_matches([' ', '\t']).len()];
        if let Some(i) = indent.find('\t') {
            let s = start + i;
            return Some(Hint {
                span: Span::new(s, s + 1),
                message: match lang {
                    Lang::Zh => format!("第 {no} 行用了制表符（Tab）缩进，YAML 只能用空格缩进"),
                    Lang::En => {
                        format!("line {no} is indented with a tab; YAML indents with spaces only")
                    }
                },
                help: lang
                    .pick(
                        "把制表符换成空格（与上下行对齐）",
                        "replace the tab by spaces (aligned with the lines around it)",
                    )
                    .to_owned(),
            });
        }
        // A full-width colon (or comma) ending a key.
        if let Some(i) = body.find('：')
            && key_like(&body[..i])
            && !body[..i].contains(':')
        {
            let s = start + i;
            return Some(Hint {
                span: Span::new(s, s + '：'.len_utf8()),
                message: lang
                    .pick(
                        "这里用了全角冒号“：”，请改成半角冒号加空格“: ”",
                        "a full-width colon `：` here: write an ASCII colon and a space `: `",
                    )
                    .to_owned(),
                help: lang
                    .pick("中文输入法下输入的冒号是全角的：切换到英文标点再输入", "a Chinese input method types full-width punctuation: switch to ASCII punctuation")
                    .to_owned(),
            });
        }
        // `key:value` with no space after the colon.
        if let Some(i) = body.find(':')
            && key_like(&body[..i])
            && body[i + 1..]
                .chars()
                .next()
                .is_some_and(|c| !c.is_whitespace())
            && !body.contains(": ")
            && !body[i + 1..].starts_with("//")
        {
            let s = start + i;
            return Some(Hint {
                span: Span::new(s, s + 1),
                message: lang
                    .pick(
                        "冒号后须有空格（写成“键: 值”）",
                        "a colon is followed by a space (`key: value`)",
                    )
                    .to_owned(),
                help: lang
                    .pick("在冒号后加一个空格", "add a space after the colon")
                    .to_owned(),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "kind: target\nyear: 2022\nbudget:\n  unit: 万元\n  total: 150\n  sources:\n    general_public: 150\n";

    fn at_line(text: &str, n: usize) -> Span {
        let s: usize = text.split_inclusive('\n').take(n - 1).map(str::len).sum();
        Span::new(s + 2, s + 3)
    }

    #[test]
    fn a_full_width_colon_is_found_on_its_line() {
        let t = DOC.replace("  total: 150", "  total：150");
        let h = hint(&t, at_line(&t, 6), Lang::Zh).unwrap();
        assert_eq!(&t[h.span.start as usize..h.span.end as usize], "：");
        assert_eq!(t[..h.span.start as usize].matches('\n').count() + 1, 5);
        assert!(h.message.contains("全角冒号"));
    }

    #[test]
    fn a_missing_space_and_a_tab_are_found() {
        let t = DOC.replace("  total: 150", "  total:150");
        let h = hint(&t, at_line(&t, 6), Lang::En).unwrap();
        assert_eq!(
            h.span,
            Span::new(t.find("total:").unwrap() + 5, t.find("total:").unwrap() + 6)
        );
        assert!(h.message.contains("followed by a space"));
        let t = DOC.replace("  total: 150", "\ttotal: 150");
        let h = hint(&t, at_line(&t, 4), Lang::Zh).unwrap();
        assert_eq!(&t[h.span.start as usize..h.span.end as usize], "\t");
        assert!(h.message.starts_with("第 5 行用了制表符"), "{}", h.message);
    }

    #[test]
    fn urls_times_and_quoted_text_are_not_mistaken() {
        let t = "a: \"x：y\"\nb: http://x\nc: 12:30\n";
        assert_eq!(hint(t, Span::new(t.len() - 1, t.len()), Lang::Zh), None);
    }
}
