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

/// First contact, row 34: the examples' comments point at files that exist
/// (`（见README）` is the README.md of their folder; there is no `seed/`).
#[test]
fn example_comments_point_at_files_that_exist() {
    let dir = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/chengde-2022"
    ));
    let mut seen = 0;
    for e in std::fs::read_dir(dir).expect("examples/chengde-2022") {
        let p = e.expect("entry").path();
        if p.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("read");
        for line in text.lines().filter(|l| l.trim_start().starts_with('#')) {
            assert!(!line.contains("seed/"), "{}: {line}", p.display());
            for (i, _) in line.match_indices("（见") {
                let what = &line[i + "（见".len()..];
                let what = &what[..what.find('）').expect("closed")];
                let target = if what == "README" { "README.md" } else { what };
                assert!(dir.join(target).exists(), "{}: {what}", p.display());
                seen += 1;
            }
        }
    }
    assert_eq!(seen, 11, "one reference per example file");
}
