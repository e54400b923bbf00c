//! The review pack as a workbook (`jixiao report --format xlsx`): the same
//! content as the HTML and Markdown, laid out for a spreadsheet. Sheets:
//! 汇总 (every project per department with its money, a rate filled with its
//! traffic light, scores and grades), 问题清单 (every finding with file, line,
//! code, severity, message and help) and one sheet per project (its facts,
//! its indicator table with the computed score beside the reported one, and
//! its findings). A cell a finding points at is filled and carries the
//! finding as a note. Numbers are written as numbers.

use super::content::{self, Align, Block, Cell, Content, Inline, Row, Table, plain};
use super::model::Pack;
use crate::diag::{Lang, Severity};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError,
};
use std::collections::HashSet;

/// Fill of a cell that a finding points at.
const ERROR_FILL: u32 = 0xFFC7CE;
const WARNING_FILL: u32 = 0xFFEB9C;
const INFO_FILL: u32 = 0xDDEBF7;
const HEAD_FILL: u32 = 0xECECEC;

/// Write the workbook; an error says what the writer could not do.
pub fn render(pack: &Pack, content: &Content) -> Result<Vec<u8>, String> {
    write(pack, content).map_err(|e| match content.lang {
        Lang::Zh => format!("无法生成工作簿：{e}"),
        Lang::En => format!("cannot write the workbook: {e}"),
    })
}

fn write(pack: &Pack, content: &Content) -> Result<Vec<u8>, XlsxError> {
    let lang = content.lang;
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(content.title)
            .set_author(format!("jixiao {}", pack.provenance.version)),
    );
    let mut names: HashSet<String> = HashSet::new();

    let ws = wb.add_worksheet();
    let name = sheet_name(lang.pick("汇总", "Overview"), &mut names);
    ws.set_name(name)?;
    let overview = content::overview(pack, lang);
    // The cover: the check result, the method, and what made the workbook.
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, content.title, &bold.clone().set_font_size(14))?;
    let mut r = 1;
    for b in &content.cover {
        match b {
            Block::Para(t) | Block::Note(t) => {
                ws.write_string(r, 0, fit(&plain(t, lang)))?;
                r += 1;
            }
            Block::Meta(rows) => {
                for (k, v) in rows {
                    ws.write_string_with_format(r, 0, k, &bold)?;
                    ws.write_string(r, 2, fit(&plain(v, lang).replace('\n', "; ")))?;
                    r += 1;
                }
            }
            _ => {}
        }
    }
    r += 1;
    let head = r;
    let end = table(ws, r, &overview, lang)?;
    if end > head + 1 {
        ws.autofilter(head, 0, end - 1, last_col(&overview))?;
    }
    widths(ws, &overview)?;

    let ws = wb.add_worksheet();
    let name = sheet_name(lang.pick("问题清单", "Findings"), &mut names);
    ws.set_name(name)?;
    let list = content::finding_list(pack, lang);
    let end = table(ws, 0, &list, lang)?;
    ws.set_freeze_panes(1, 0)?;
    if end > 1 {
        ws.autofilter(0, 0, end - 1, last_col(&list))?;
    }
    widths(ws, &list)?;

    for (di, d) in pack.departments.iter().enumerate() {
        for (pi, p) in d.projects.iter().enumerate() {
            let ws = wb.add_worksheet();
            let name = sheet_name(&format!("{} {}", pi + 1, p.name), &mut names);
            ws.set_name(name)?;
            let id = format!("p{}-{}", di + 1, pi + 1);
            let section = content
                .sections
                .iter()
                .find(|s| s.id.as_deref() == Some(&id));
            let bold = Format::new().set_bold();
            let mut r = 0;
            // The heading and the facts of the project's page.
            for b in section.map_or(&[][..], |s| &s.blocks) {
                match b {
                    Block::Heading {
                        level: 3,
                        text,
                        sub,
                    } => {
                        let mut title = plain(text, lang);
                        if let Some(s) = sub {
                            title = format!("{title} · {s}");
                        }
                        ws.write_string_with_format(
                            r,
                            0,
                            fit(&title),
                            &bold.clone().set_font_size(13),
                        )?;
                        r += 2;
                    }
                    Block::Note(t) => {
                        ws.write_string(r, 0, fit(&plain(t, lang)))?;
                        r += 1;
                    }
                    Block::Meta(rows) => {
                        for (k, v) in rows {
                            ws.write_string_with_format(r, 0, k, &bold)?;
                            ws.write_string(r, 1, fit(&plain(v, lang)))?;
                            r += 1;
                        }
                        r += 1;
                    }
                    _ => {}
                }
            }
            let indicators = content::indicator_table(p, lang, true);
            r = table(ws, r, &indicators, lang)? + 1;
            if !p.findings.is_empty() {
                ws.write_string_with_format(r, 0, lang.pick("发现的问题", "Findings"), &bold)?;
                r += 1;
                table(ws, r, &content::findings(&p.findings, lang), lang)?;
            }
            widths(ws, &indicators)?;
        }
    }
    wb.save_to_buffer()
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`,
/// not quoted, and unique in the workbook (case-insensitively).
fn sheet_name(want: &str, taken: &mut HashSet<String>) -> String {
    let clean: String = want
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim().trim_matches('\'').to_owned();
    let base = if clean.is_empty() {
        "Sheet".to_owned()
    } else {
        clean
    };
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut name = cut(&base, 31);
    let mut k = 2;
    while taken.contains(&name.to_lowercase()) || name.eq_ignore_ascii_case("history") {
        let suffix = format!(" ({k})");
        name = format!("{}{suffix}", cut(&base, 31 - suffix.chars().count()));
        k += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

fn last_col(t: &Table) -> u16 {
    u16::try_from(t.cols.len().saturating_sub(1)).unwrap_or(0)
}

fn widths(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    for (i, c) in t.cols.iter().enumerate() {
        if let Ok(i) = u16::try_from(i) {
            ws.set_column_width(i, c.width)?;
        }
    }
    Ok(())
}

fn base(align: Align) -> Format {
    Format::new()
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0x9A9A9A))
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_align(match align {
            Align::Left => FormatAlign::Left,
            Align::Right => FormatAlign::Right,
            Align::Center => FormatAlign::Center,
        })
}

/// Write `t` from row `r`: its head, rows and foot; returns the next free row.
fn table(ws: &mut Worksheet, r: u32, t: &Table, lang: Lang) -> Result<u32, XlsxError> {
    let mut r = r;
    for (i, c) in t.cols.iter().enumerate() {
        let f = base(c.align)
            .set_bold()
            .set_background_color(Color::RGB(HEAD_FILL));
        ws.write_string_with_format(r, col(i), &c.label, &f)?;
    }
    r += 1;
    for row in t.rows.iter().chain(&t.foot) {
        // A sheet ends at row 1,048,576: say where the rest went.
        if r + 1 >= ROW_LIMIT {
            let more = lang.pick(
                "……其余各行超出工作表的行数上限，未写入；完整内容见 HTML 或 Markdown 评审材料。",
                "… the remaining rows exceed a sheet's row limit and are left out; the HTML or \
                 Markdown pack has them all.",
            );
            ws.write_string(r, 0, more)?;
            return Ok(r + 1);
        }
        write_row(ws, r, t, row, lang)?;
        r += 1;
    }
    Ok(r)
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn write_row(
    ws: &mut Worksheet,
    r: u32,
    t: &Table,
    row: &Row,
    lang: Lang,
) -> Result<(), XlsxError> {
    let mut i = 0;
    for c in &row.cells {
        let align = t.cols.get(i).map_or(Align::Left, |c| c.align);
        let span = c.colspan.max(1);
        let mut f = base(if span > 1 { Align::Left } else { align });
        if row.sum
            || c.header
            || c.content.iter().all(|x| matches!(x, Inline::Strong(_))) && !c.content.is_empty()
        {
            f = f.set_bold();
        }
        if let Some(l) = c.light {
            f = f.set_background_color(Color::from(l.colour()));
            if l != super::Light::Yellow {
                f = f.set_font_color(Color::White);
            }
        }
        match c.flag() {
            Some(Severity::Error) => f = f.set_background_color(Color::RGB(ERROR_FILL)),
            Some(Severity::Warning) => f = f.set_background_color(Color::RGB(WARNING_FILL)),
            Some(Severity::Info) => f = f.set_background_color(Color::RGB(INFO_FILL)),
            None => {}
        }
        if c.percent {
            f = f.set_num_format("0.00%");
        }
        let text = fit(&cell_text(c, lang));
        if span > 1 {
            ws.merge_range(r, col(i), r, col(i + span - 1), &text, &f)?;
        } else {
            match c.number.and_then(number) {
                Some(n) => ws.write_number_with_format(r, col(i), n, &f)?,
                None => ws.write_string_with_format(r, col(i), text, &f)?,
            };
        }
        if !c.notes.is_empty() {
            let body: Vec<&str> = c.notes.iter().map(|(_, n)| n.as_str()).collect();
            let note = Note::new(fit_to(&body.join("\n"), NOTE_MAX))
                .set_author("jixiao")
                .set_width(320)
                .set_height(120);
            ws.insert_note(r, col(i), &note)?;
        }
        i += span;
    }
    Ok(())
}

/// Rows a sheet holds.
const ROW_LIMIT: u32 = 1_048_576;
/// Characters (UTF-16 units) a cell holds.
const CELL_MAX: usize = 32_767;
/// What a note holds beside its author.
const NOTE_MAX: usize = 32_000;

/// Text cut to what a cell holds, with `…` when cut.
fn fit(s: &str) -> String {
    fit_to(s, CELL_MAX)
}

fn fit_to(s: &str, max: usize) -> String {
    if s.encode_utf16().count() <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 1; // the ellipsis
    for c in s.chars() {
        used += c.len_utf16();
        if used > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A cell's text.
fn cell_text(c: &Cell, lang: Lang) -> String {
    plain(&c.content, lang)
}

/// A decimal as a spreadsheet number, when it is one a spreadsheet can hold.
fn number(d: Decimal) -> Option<f64> {
    d.to_f64().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_what_a_cell_holds() {
        let long = "指".repeat(40_000);
        let cut = fit(&long);
        assert_eq!(cut.encode_utf16().count(), CELL_MAX);
        assert!(cut.ends_with('…'));
        assert_eq!(fit("居家养老"), "居家养老");
        // Astral characters count twice in UTF-16.
        assert_eq!(fit_to("😀😀😀", 5), "😀😀…");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, fit(&long))
            .expect("a cut string fits");
        ws.insert_note(0, 0, &Note::new(fit_to(&long, NOTE_MAX)))
            .expect("a cut note fits");
        assert!(wb.save_to_buffer().is_ok());
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(sheet_name("汇总", &mut taken), "汇总");
        assert_eq!(sheet_name("汇总", &mut taken), "汇总 (2)");
        assert_eq!(sheet_name("a/b:c*d?[e]", &mut taken), "a_b_c_d__e_");
        let long = "落实习总书记视察滨河改造提升项目再加一些字再加一些字再加一些字再加一些字";
        let a = sheet_name(long, &mut taken);
        let b = sheet_name(long, &mut taken);
        assert!(
            a.chars().count() <= 31 && b.chars().count() <= 31,
            "{a} {b}"
        );
        assert_ne!(a, b);
        assert_eq!(sheet_name("''", &mut taken), "Sheet");
        assert_eq!(sheet_name("History", &mut taken), "History (2)");
    }
}
