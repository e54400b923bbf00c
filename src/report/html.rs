//! The review pack as one self-contained HTML file: inline CSS (with a print
//! stylesheet for A4: a page per department and per project, table headers
//! repeated across pages), an inline SVG chart, system Chinese fonts, no
//! scripts and no external assets. It lays out [`Content`] and nothing
//! else; every user string goes through [`escape`].

use super::content::{
    Align, Block, Card, Cell, Chart, Content, Inline, Row, Section, SectionKind, Table, TableKind,
    paren, severity_word, verdict_word,
};
use super::svg::{self, Bar};
use super::{Light, kind_label};
use crate::diag::{Lang, Severity};
use crate::escape::html as escape;

const CSS: &str = r#"
:root { --red: #c62828; --yellow: #e0a100; --green: #2e7d32; --line: #9a9a9a; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "SimHei", sans-serif;
  font-size: 10pt; line-height: 1.5; color: #111; background: #fff;
  max-width: 200mm; margin: 0 auto; padding: 10mm 8mm;
}
h1 { font-size: 20pt; margin: 0 0 4pt; }
h2 { font-size: 15pt; margin: 0 0 6pt; padding-bottom: 3pt; border-bottom: 1.5pt solid #333; }
h3 { font-size: 13pt; margin: 0 0 6pt; padding-bottom: 2pt; border-bottom: 1pt solid #666; }
h4 { font-size: 10.5pt; margin: 10pt 0 3pt; }
h2 .sub, h3 .sub { font-size: 10pt; font-weight: normal; color: #444; margin-left: 6pt; }
p { margin: 3pt 0; }
.note { color: #444; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; }
table.provenance { width: auto; font-size: 8.5pt; margin: 2pt 0 6pt; }
table.provenance th, table.provenance td { padding: 1pt 6pt; }
table.provenance th { width: auto; }
th { white-space: nowrap; }
table.indicators col.l1 { width: 6.2em; }
table.indicators col.l2 { width: 8em; }
table.indicators col.t { width: 4em; }
table.indicators col.w { width: 3.6em; }
table.indicators col.s { width: 5.6em; }
table.findings col.sev { width: 3.8em; }
table.findings col.rule { width: 27%; }
table.findings col.loc { width: 24%; }
th, td { border: 0.6pt solid var(--line); padding: 2.5pt 4pt; vertical-align: top; text-align: left; }
thead th { background: #ececec; font-weight: bold; vertical-align: bottom; }
tfoot td, tr.sum td { font-weight: bold; background: #f6f6f6; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.c, th.c { text-align: center; }
td.rep { color: #8a8a8a; border-top-style: hidden; }
td.flag-error { background: #fdecea; }
td.flag-warning { background: #fff6d6; }
td.flag-info { background: #eef3f6; }
td.loc, span.loc { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 8pt; overflow-wrap: anywhere; }
table.meta th { width: 20%; background: #f3f3f3; font-weight: normal; }
.badge { display: inline-block; padding: 0 4pt; border-radius: 3pt; font-size: 8.5pt; line-height: 1.45;
  color: #fff; white-space: nowrap; vertical-align: 1pt; }
.badge.red { background: var(--red); }
.badge.yellow { background: var(--yellow); color: #111; }
.badge.green { background: var(--green); }
.badge.error { background: var(--red); }
.badge.warning { background: var(--yellow); color: #111; }
.badge.info { background: #607d8b; }
.badge.kind { background: #fff; color: #333; border: 0.6pt solid #666; }
.ok { color: var(--green); font-weight: bold; }
.bad { color: var(--red); font-weight: bold; }
.diff { display: block; color: var(--red); font-size: 8pt; white-space: nowrap; }
.figures { display: flex; flex-wrap: wrap; gap: 6pt; margin: 6pt 0 8pt; }
.figures div { flex: 1 1 0; min-width: 28mm; border: 0.6pt solid var(--line); border-radius: 3pt; padding: 3pt 6pt; }
.figures .k { display: block; color: #555; font-size: 8.5pt; }
.figures .v { font-size: 13pt; font-weight: bold; }
figure { margin: 6pt 0 10pt; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 8.5pt; color: #444; text-align: center; }
ul.reasons { margin: 2pt 0 6pt; padding-left: 14pt; }
a { color: inherit; text-decoration: none; }
section.dept, section.project { margin-top: 16pt; }
@page {
  size: A4; margin: 14mm 12mm 15mm 12mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  section.dept, section.project { break-before: page; margin-top: 0; }
  section.dept.first { break-before: auto; margin-top: 12pt; }
  /* The printed edge: a collapsed border is half outside the box. */
  table { width: calc(100% - 1pt); }
  thead { display: table-header-group; }
  /* A totals row once, at the end, not at the foot of every page. */
  tfoot { display: table-row-group; }
  tr, .figures, figure { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
}
"#;

/// Render the pack.
pub fn render(c: &Content) -> String {
    let lang = c.lang;
    let mut o = String::with_capacity(64 * 1024);
    w!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"jixiao {}\">\n<title>{}</title>\n<style>{CSS}</style>\n\
         </head>\n<body>\n",
        lang.pick("zh-CN", "en"),
        env!("CARGO_PKG_VERSION"),
        c.title,
    );
    w!(o, "<header class=\"cover\">\n<h1>{}</h1>\n", c.title);
    for b in &c.cover {
        block(&mut o, b, true, lang);
    }
    o.push_str("</header>\n");
    let mut first = true;
    for s in &c.sections {
        section(&mut o, s, std::mem::take(&mut first), lang);
    }
    o.push_str("</body>\n</html>\n");
    o
}

fn section(o: &mut String, s: &Section, first: bool, lang: Lang) {
    let class = match s.kind {
        SectionKind::Department | SectionKind::Other => "dept",
        SectionKind::Project => "project",
    };
    w!(o, "<section class=\"{class}");
    if first && s.kind == SectionKind::Department {
        o.push_str(" first");
    }
    o.push('"');
    if let Some(id) = &s.id {
        w!(o, " id=\"{}\"", escape(id));
    }
    o.push_str(">\n");
    for b in &s.blocks {
        block(o, b, false, lang);
    }
    o.push_str("</section>\n");
}

fn inlines(o: &mut String, items: &[Inline], lang: Lang) {
    for i in items {
        inline(o, i, lang);
    }
}

fn inline(o: &mut String, i: &Inline, lang: Lang) {
    match i {
        Inline::Text(t) => o.push_str(&escape(t)),
        Inline::Strong(t) => w!(o, "<b>{}</b>", escape(t)),
        Inline::Code(t) => w!(o, "<span class=\"loc\">{}</span>", escape(t)),
        Inline::Light(l) => o.push_str(&badge(*l, lang)),
        Inline::Severity(s) => o.push_str(&severity(*s, lang)),
        Inline::Kind(k) => w!(
            o,
            " <span class=\"badge kind\">{}</span>",
            kind_label(*k, lang)
        ),
        Inline::Verdict(ok) => w!(
            o,
            "<span class=\"{}\">{}</span>",
            if *ok { "ok" } else { "bad" },
            verdict_word(*ok, lang)
        ),
        Inline::Diff(t) => w!(o, "<span class=\"diff\">{}</span>", escape(t)),
        Inline::Aside(t) => w!(o, "<span class=\"note\">{}</span>", escape(&paren(lang, t))),
        Inline::Link(id, t) => w!(o, "<a href=\"#{}\">{}</a>", escape(id), escape(t)),
        Inline::Break => o.push_str("<br>"),
    }
}

fn badge(light: Light, lang: Lang) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        light.class(),
        light.label(lang)
    )
}

fn severity(s: Severity, lang: Lang) -> String {
    let class = match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    format!(
        "<span class=\"badge {class}\">{}</span>",
        severity_word(s, lang)
    )
}

fn block(o: &mut String, b: &Block, cover: bool, lang: Lang) {
    match b {
        Block::Heading { level, text, sub } => {
            w!(o, "<h{level}>");
            inlines(o, text, lang);
            if let Some(s) = sub {
                w!(o, "<span class=\"sub\">{}</span>", escape(s));
            }
            w!(o, "</h{level}>\n");
        }
        Block::Para(t) => {
            o.push_str(if cover { "<p class=\"note\">" } else { "<p>" });
            inlines(o, t, lang);
            o.push_str("</p>\n");
        }
        Block::Note(t) => {
            o.push_str("<p class=\"note\">");
            inlines(o, t, lang);
            o.push_str("</p>\n");
        }
        Block::Cards(cards) => {
            o.push_str("<div class=\"figures\">\n");
            for c in cards {
                card(o, c, lang);
            }
            o.push_str("</div>\n");
        }
        Block::Meta(rows) => {
            w!(
                o,
                "<table class=\"meta{}\"><tbody>\n",
                if cover { " provenance" } else { "" }
            );
            for (k, v) in rows {
                w!(o, "<tr><th>{}</th><td>", escape(k));
                inlines(o, v, lang);
                o.push_str("</td></tr>\n");
            }
            o.push_str("</tbody></table>\n");
        }
        Block::Table(t) => table(o, t, lang),
        Block::Chart(c) => chart(o, c, lang),
        Block::List(items) => {
            o.push_str("<ul class=\"reasons\">\n");
            for i in items {
                o.push_str("<li>");
                inlines(o, i, lang);
                o.push_str("</li>\n");
            }
            o.push_str("</ul>\n");
        }
    }
}

/// A key figure: its value large, then what qualifies it.
fn card(o: &mut String, c: &Card, lang: Lang) {
    w!(
        o,
        "<div><span class=\"k\">{}</span><span class=\"v\">",
        escape(&c.label)
    );
    if let Some((first, rest)) = c.value.split_first() {
        inline(o, first, lang);
        o.push_str("</span>");
        inlines(o, rest, lang);
    } else {
        o.push_str("</span>");
    }
    o.push_str("</div>\n");
}

fn chart(o: &mut String, c: &Chart, lang: Lang) {
    let bars: Vec<Bar<'_>> = c
        .bars
        .iter()
        .map(|(label, rate)| Bar { label, rate: *rate })
        .collect();
    w!(
        o,
        "<figure class=\"chart\">\n<h4 class=\"chart-title\">{}</h4>\n{}<figcaption>{}</figcaption>\n</figure>\n",
        escape(&c.title),
        svg::bar_chart(&bars, c.caption, lang),
        c.caption
    );
}

fn align_class(a: Align) -> &'static str {
    match a {
        Align::Left => "",
        Align::Right => "num",
        Align::Center => "c",
    }
}

/// Column widths of the tables whose text columns share what is left.
fn colgroup(o: &mut String, t: &Table) {
    let classes: Vec<&str> = match t.kind {
        TableKind::Indicators { scored } => t
            .cols
            .iter()
            .enumerate()
            .map(|(i, c)| match (i, c.align) {
                (0, _) => "l1",
                (1, _) => "l2",
                (_, Align::Center) => "t",
                (i, Align::Right) if scored && i + 1 == t.cols.len() => "s",
                (_, Align::Right) => "w",
                _ => "",
            })
            .collect(),
        TableKind::Findings => vec!["sev", "rule", "", "loc"],
        _ => return,
    };
    o.push_str("<colgroup>");
    for c in classes {
        if c.is_empty() {
            o.push_str("<col>");
        } else {
            w!(o, "<col class=\"{c}\">");
        }
    }
    o.push_str("</colgroup>");
}

fn table(o: &mut String, t: &Table, lang: Lang) {
    let class = match t.kind {
        TableKind::Checks => "checks",
        TableKind::Projects => "projects",
        TableKind::Indicators { .. } => "indicators",
        TableKind::Findings => "findings",
        TableKind::Waivers => "waivers",
        TableKind::Overview => "overview",
    };
    w!(o, "<table class=\"{class}\">");
    colgroup(o, t);
    o.push_str("<thead><tr>");
    for c in &t.cols {
        match align_class(c.align) {
            "" => w!(o, "<th>{}</th>", escape(&c.label)),
            a => w!(o, "<th class=\"{a}\">{}</th>", escape(&c.label)),
        }
    }
    o.push_str("</tr></thead><tbody>\n");
    for r in &t.rows {
        row(o, t, r, lang);
    }
    o.push_str("</tbody>");
    if let Some(f) = &t.foot {
        o.push_str("<tfoot>");
        row(o, t, f, lang);
        o.push_str("</tfoot>");
    }
    o.push_str("</table>\n");
}

fn row(o: &mut String, t: &Table, r: &Row, lang: Lang) {
    o.push_str(if r.sum { "<tr class=\"sum\">" } else { "<tr>" });
    let mut i = 0;
    for c in &r.cells {
        let align = t.cols.get(i).map_or(Align::Left, |c| c.align);
        cell(o, c, align, lang);
        i += c.colspan.max(1);
    }
    o.push_str("</tr>\n");
}

fn cell(o: &mut String, c: &Cell, align: Align, lang: Lang) {
    let tag = if c.header { "th" } else { "td" };
    let mut classes: Vec<&str> = Vec::new();
    // A cell spanning columns holds a label, not a figure.
    if c.colspan <= 1 && !c.header {
        classes.push(align_class(align));
    }
    if c.repeated {
        classes.push("rep");
    }
    match c.flag() {
        Some(Severity::Error) => classes.push("flag-error"),
        Some(Severity::Warning) => classes.push("flag-warning"),
        Some(Severity::Info) => classes.push("flag-info"),
        None => {}
    }
    classes.retain(|c| !c.is_empty());
    w!(o, "<{tag}");
    if c.colspan > 1 {
        w!(o, " colspan=\"{}\"", c.colspan);
    }
    if !classes.is_empty() {
        w!(o, " class=\"{}\"", classes.join(" "));
    }
    // On screen, the findings at a marked cell show on hover.
    if !c.notes.is_empty() {
        let notes: Vec<&str> = c.notes.iter().map(|(_, n)| n.as_str()).collect();
        w!(o, " title=\"{}\"", escape(&notes.join("\n")));
    }
    o.push('>');
    inlines(o, &c.content, lang);
    w!(o, "</{tag}>");
}
