//! Helpers shared by the workbook tests: official tables written as another
//! program (rust_xlsxwriter) would write them.

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
