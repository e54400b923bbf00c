//! Escaping user text for markup, shared by the review pack (HTML, SVG) and
//! the JUnit output (XML): one place that knows which characters are special.

use std::borrow::Cow;

/// Escape text for HTML or XML element content and attribute values
/// (`&`, `<`, `>`, `"` and `'`); borrows when there is nothing to escape.
pub fn html(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            html("<script>alert(\"x&y's\")</script>"),
            "&lt;script&gt;alert(&quot;x&amp;y&#39;s&quot;)&lt;/script&gt;"
        );
        assert!(matches!(html("居家养老项目"), Cow::Borrowed(_)));
    }
}
