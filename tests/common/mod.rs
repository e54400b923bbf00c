//! Helpers shared by the workbook tests: official tables written as another
//! program (rust_xlsxwriter) would write them, and books edited part by part.
#![allow(dead_code)] // each test binary uses some of them

/// A workbook with one sheet per `(name, declaration YAML)`, each holding the
/// official table `jixiao::workbook::export` makes of it, merged ranges
/// included, every text passed through `edit` (to spoil a cell on purpose).
pub fn book_of(
    sheets: &[(&str, &str)],
    edit: &dyn Fn(&str) -> String,
) -> rust_xlsxwriter::Workbook {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, yaml) in sheets {
        let exported = jixiao::workbook::export(yaml).unwrap();
        let read = jixiao::workbook::read(&exported, "x.xlsx").unwrap();
        let g = &read.sheets[0];
        let ws = wb.add_worksheet().set_name(*name).unwrap();
        for &(r0, c0, r1, c1) in &g.merges {
            let t = edit(&g.rows[r0 as usize][c0 as usize]);
            ws.merge_range(
                r0,
                c0 as u16,
                r1,
                c1 as u16,
                &t,
                &rust_xlsxwriter::Format::new(),
            )
            .unwrap();
        }
        for (r, row) in g.rows.iter().enumerate() {
            for (c, t) in row.iter().enumerate() {
                let merged = g.merges.iter().any(|&(r0, c0, r1, c1)| {
                    (r0..=r1).contains(&(r as u32)) && (c0..=c1).contains(&(c as u32))
                });
                if !t.is_empty() && !merged {
                    ws.write_string(r as u32, c as u16, edit(t)).unwrap();
                }
            }
        }
    }
    wb
}

/// `book` with each part passed through `f` (name, bytes), which gives the
/// parts written in its place (none, itself, or more).
pub fn rezip(book: &[u8], f: impl Fn(&str, Vec<u8>) -> Vec<(String, Vec<u8>)>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        for (name, data) in f(&name, data) {
            out.start_file(name, opts).unwrap();
            out.write_all(&data).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

/// `book` with its first sheet twice, the second named 第二表: a workbook of
/// two tables.
pub fn two_tables(book: &[u8]) -> Vec<u8> {
    rezip(book, |name, data| {
        let text = String::from_utf8_lossy(&data);
        let edited = match name {
            "xl/workbook.xml" => text.replace(
                "</sheets>",
                "<sheet name=\"第二表\" sheetId=\"99\" r:id=\"rId99\"/></sheets>",
            ),
            "xl/_rels/workbook.xml.rels" => text.replace(
                "</Relationships>",
                "<Relationship Id=\"rId99\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet99.xml\"/></Relationships>",
            ),
            "[Content_Types].xml" => text.replace(
                "</Types>",
                "<Override PartName=\"/xl/worksheets/sheet99.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>",
            ),
            "xl/worksheets/sheet1.xml" => {
                return vec![
                    (name.to_owned(), data.clone()),
                    ("xl/worksheets/sheet99.xml".to_owned(), data),
                ];
            }
            _ => return vec![(name.to_owned(), data)],
        };
        vec![(name.to_owned(), edited.into_bytes())]
    })
}
