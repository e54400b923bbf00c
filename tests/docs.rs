//! `docs/rules.md` is generated from the default rule set; this test fails when
//! it is stale. Regenerate with `JIXIAO_UPDATE_DOCS=1 cargo test --test docs`.

use jixiao::rules::RuleSet;
use jixiao::rules::compile::Settings;

#[test]
fn rules_md_is_up_to_date() {
    let set = RuleSet::build(jixiao::cli::default_sources(), &Settings::default())
        .expect("default rules compile");
    let want = jixiao::docs::rules_markdown(&set);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    let have = std::fs::read_to_string(path).unwrap_or_default();
    if have != want {
        if std::env::var_os("JIXIAO_UPDATE_DOCS").is_some() {
            std::fs::write(path, &want).unwrap();
        } else {
            panic!("docs/rules.md is stale: run `JIXIAO_UPDATE_DOCS=1 cargo test --test docs`");
        }
    }
    // every default rule is documented with its help and basis
    for r in &set.rules {
        assert!(want.contains(&format!("### {}", r.code)), "{}", r.code);
        assert!(r.help_text.is_some(), "{} has no help", r.code);
        assert!(!r.basis.is_empty(), "{} has no basis", r.code);
    }
}
