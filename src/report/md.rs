//! The review pack as GitHub-flavoured Markdown: the same [`Content`] as the
//! HTML, with tables in place of the chart. User strings go through [`text`]
//! (Markdown specials and would-be HTML tags escaped, line breaks flattened)
//! or [`code`].

use super::content::{
    Align, Block, Cell, Content, Inline, Row, Section, SectionKind, Table, paren, punct,
    severity_word, verdict_word,
};
use super::{Light, kind_label};
use crate::diag::Lang;

/// Escape text for a Markdown paragraph or table cell with Markdown's own
/// backslash escapes, never HTML entities (the raw text stays readable):
/// characters with a meaning in Markdown are escaped, `<` only where it could
/// open an HTML tag (`差 < 60` stays as written, `<script>` becomes
/// `\<script>`), `&` only where it could start an entity (`\&amp;`), `>` only
/// where it would start a quote, and line breaks become spaces.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' if next.is_some_and(|n| n.is_ascii_alphabetic() || "/!?".contains(n)) => {
                out.push_str("\\<");
            }
            '>' if out.trim().is_empty() => out.push_str("\\>"),
            '&' if next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#') => {
                out.push_str("\\&");
            }
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span (file names): long enough a fence, `|` escaped for tables.
pub fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let body = s.replace('|', "\\|").replace(['\r', '\n'], " ");
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// The light with a coloured mark and its name.
fn light(l: Light, lang: Lang) -> String {
    let mark = match l {
        Light::Red => "🔴",
        Light::Yellow => "🟡",
        Light::Green => "🟢",
    };
    format!("{mark} {}", l.label(lang))
}

fn inlines(items: &[Inline], lang: Lang) -> String {
    let mut o = String::new();
    for i in items {
        match i {
            Inline::Text(t) => o.push_str(&text(t)),
            Inline::Strong(t) => w!(o, "**{}**", text(t)),
            Inline::Code(t) => o.push_str(&code(t)),
            Inline::Light(l) => o.push_str(&light(*l, lang)),
            Inline::Severity(s) => o.push_str(severity_word(*s, lang)),
            Inline::Kind(k) => o.push_str(&paren(lang, kind_label(*k, lang))),
            Inline::Verdict(true) => o.push_str(&verdict_word(true, lang)),
            Inline::Verdict(false) => w!(o, "**{}**", verdict_word(false, lang)),
            Inline::Diff(t) | Inline::Aside(t) => o.push_str(&paren(lang, &text(t))),
            Inline::Link(_, t) => o.push_str(&text(t)),
            Inline::Break => o.push_str(punct(lang).list),
        }
    }
    o
}

/// A table row from cells already escaped.
fn cells_row(o: &mut String, cells: &[String]) {
    o.push('|');
    for c in cells {
        w!(o, " {c} |");
    }
    o.push('\n');
}

fn row(o: &mut String, r: &Row, lang: Lang) {
    let mut cells = Vec::new();
    for c in &r.cells {
        cells.push(cell(c, lang));
        cells.extend((1..c.colspan).map(|_| String::new()));
    }
    cells_row(o, &cells);
}

/// A cell's text; a repeated 一级/二级 label is written once, as the forms do.
fn cell(c: &Cell, lang: Lang) -> String {
    if c.repeated {
        String::new()
    } else {
        inlines(&c.content, lang)
    }
}

/// A table head: (label, right-aligned).
fn head(o: &mut String, cols: &[(String, Align)]) {
    cells_row(o, &cols.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>());
    o.push('|');
    for (_, a) in cols {
        o.push_str(if *a == Align::Right { "---:|" } else { "---|" });
    }
    o.push('\n');
}

fn table(o: &mut String, t: &Table, lang: Lang) {
    head(
        o,
        &t.cols
            .iter()
            .map(|c| (c.label.clone(), c.align))
            .collect::<Vec<_>>(),
    );
    for r in t.rows.iter().chain(&t.foot) {
        row(o, r, lang);
    }
}

/// Start a block: one blank line after what came before.
fn gap(o: &mut String) {
    if !o.is_empty() && !o.ends_with("\n\n") {
        o.push('\n');
    }
}

fn block(o: &mut String, b: &Block, in_department: bool, lang: Lang) {
    gap(o);
    match b {
        Block::Heading {
            level,
            text: t,
            sub,
        } => {
            // A department's parts sit one level under its heading.
            let level = if in_department && *level == 4 {
                3
            } else {
                *level
            };
            w!(o, "{} {}", "#".repeat(level.into()), inlines(t, lang));
            if let (2, Some(s)) = (level, sub) {
                w!(o, " · {}", text(s));
            }
            o.push('\n');
        }
        Block::Para(t) | Block::Note(t) => w!(o, "{}\n", inlines(t, lang)),
        Block::Cards(cards) => {
            head(
                o,
                &cards
                    .iter()
                    .map(|c| (c.label.clone(), c.align))
                    .collect::<Vec<_>>(),
            );
            cells_row(
                o,
                &cards
                    .iter()
                    .map(|c| inlines(&c.value, lang))
                    .collect::<Vec<_>>(),
            );
        }
        Block::Meta(rows) => {
            for (k, v) in rows {
                w!(
                    o,
                    "- {}{}{}\n",
                    text(k),
                    punct(lang).colon,
                    inlines(v, lang)
                );
            }
        }
        Block::Table(t) => table(o, t, lang),
        // The chart's figures are the project table's rates.
        Block::Chart(_) => {}
        Block::List(items) => {
            for i in items {
                w!(o, "- {}\n", inlines(i, lang));
            }
        }
    }
}

fn section(o: &mut String, s: &Section, lang: Lang) {
    for b in &s.blocks {
        block(o, b, s.kind == SectionKind::Department, lang);
    }
}

/// Render the pack.
pub fn render(c: &Content) -> String {
    let mut o = String::with_capacity(32 * 1024);
    w!(o, "# {}\n", c.title);
    for b in &c.cover {
        block(&mut o, b, false, c.lang);
    }
    for s in &c.sections {
        section(&mut o, s, c.lang);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markdown_and_tags() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(text("<script>"), "\\<script>");
        assert_eq!(text("a </b> <!-- c"), "a \\</b> \\<!-- c");
        assert_eq!(text("差 < 60，红灯 < 60%，> 5"), "差 < 60，红灯 < 60%，> 5");
        assert_eq!(text("> 5 人"), "\\> 5 人");
        assert_eq!(text("A & B &amp; &#60;"), "A & B \\&amp; \\&\\#60;");
        assert_eq!(text("**待定**"), "\\*\\*待定\\*\\*");
        assert_eq!(text("一\n二"), "一 二");
        assert_eq!(code("a.yaml"), "`a.yaml`");
        assert_eq!(code("a`b|c"), "``a`b\\|c``");
    }
}
