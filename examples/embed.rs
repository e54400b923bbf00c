//! Embedding jixiao: check files held in memory, as an editor, a web page or a
//! provincial platform would, and print the findings as JSON.
//!
//! The workspace holds the Chengde example (ten projects and their summary)
//! and, in a folder of its own, a copy of the first project that waives JX304
//! with a reason. The output has the summary's JX503 and the copy's JX304
//! with `"suppressed": true` and the waiver's reason.
//!
//! ```sh
//! cargo run --example embed
//! ```

use jixiao::check::{self, Options};
use jixiao::config::Config;
use jixiao::load::LoadOptions;
use jixiao::setup::{self, Flags};
use jixiao::workspace::Workspace;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022");
    let mut ws = Workspace::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    for name in &names {
        let text = std::fs::read_to_string(dir.join(name))?;
        ws.add_text(format!("chengde-2022/{name}"), text);
    }
    // The copy lives in another folder, so the summary does not count it.
    let first = std::fs::read_to_string(dir.join("01-jujia-yanglao.yaml"))?;
    let waived = format!(
        "{first}waivers:\n  - rule: JX304\n    reason: 财政资金未拨付到位，经专家评审会同意\n    approved_by: 2023-03-15 专家评审会\n"
    );
    ws.add_text("waived/01-jujia-yanglao.yaml", waived);

    // The built-in rules with the default config; errors come back as data.
    let flags = Flags::default();
    let set = setup::build(Config::default(), None, Vec::new(), &flags).map_err(|errs| {
        errs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let opts = Options::new(LoadOptions {
        profile: set.rules.profile,
        lang: set.lang,
        ..LoadOptions::default()
    });
    let outcome = check::check(&ws, &set.rules, &opts);
    let mut out = std::io::stdout().lock();
    jixiao::output::json::write(&outcome, &mut out, set.lang)?;
    Ok(())
}
