//! Fuzz the workbook reader: any bytes as an .xlsx/.xls/.ods (zip, CFB and
//! other sniffing, calamine, the layouts), then every generated YAML through
//! the loader; each value span must lie inside the YAML on character
//! boundaries and name a cell inside its sheet's grid.
#![no_main]

use jixiao::load;
use jixiao::workbook;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(book) = workbook::read(data, "fuzz.xlsx") else {
        return;
    };
    for t in &book.tables {
        for c in &t.cells {
            let (s, e) = (c.start as usize, c.end as usize);
            assert!(s <= e && e <= t.yaml.len());
            assert!(t.yaml.is_char_boundary(s) && t.yaml.is_char_boundary(e));
            assert!((c.cell.sheet as usize) < book.sheets.len());
            let _ = workbook::cell_name(&c.cell);
        }
        let loaded = load::load_str(&t.yaml);
        assert!(
            loaded.findings.iter().all(|f| &*f.code != "JX001"),
            "generated YAML does not parse: {}",
            t.yaml
        );
    }
});
