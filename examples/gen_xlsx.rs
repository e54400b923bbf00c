//! Writes `examples/chengde-2022-xlsx/`: the Chengde example (ten projects and
//! the summary) as workbooks in the official layouts, through `jixiao export`'s
//! library call. The files are deterministic (fixed document dates), so a
//! rerun leaves the committed ones unchanged.
//!
//! ```sh
//! cargo run --example gen_xlsx            # or: -- IN_DIR OUT_DIR
//! ```

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args_os().skip(1);
    let input = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("examples/chengde-2022"));
    let output = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("examples/chengde-2022-xlsx"));
    std::fs::create_dir_all(&output).expect("create the output folder");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&input)
        .expect("read the input folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    names.sort();
    for p in names {
        let text = std::fs::read_to_string(&p).expect("read a declaration");
        let bytes = match jixiao::workbook::export(&text) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}: {e}", p.display());
                std::process::exit(1);
            }
        };
        let out = output.join(p.with_extension("xlsx").file_name().expect("a file name"));
        std::fs::write(&out, bytes).expect("write a workbook");
        println!("{}", out.display());
    }
}
