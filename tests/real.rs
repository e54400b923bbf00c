//! The real-world corpus (`tests/real/*.yaml`): published tables typed in as
//! printed. Each file's header lists, under `# 发现 / findings (jixiao):`, every
//! finding jixiao must give on it with the default rules and no config, one a
//! line as `#   CODE node.path — verdict: message` (or `#   CODE @LINE — …`
//! for a finding with no node path), each judged against the published table. The test fails when a
//! finding appears, disappears or moves.

use jixiao::check::Options;
use jixiao::cli;
use jixiao::diag::Lang;
use jixiao::load::LoadOptions;
use jixiao::rules::RuleSet;
use jixiao::rules::compile::Settings;
use std::path::{Path, PathBuf};

/// The findings a file's header wants, sorted.
fn wanted(text: &str) -> Option<Vec<String>> {
    let mut lines = text.lines();
    lines.find(|l| l.starts_with("# 发现 / findings (jixiao):"))?;
    let mut out: Vec<String> = lines
        .take_while(|l| l.starts_with("#   ") || l.trim() == "#")
        .filter_map(|l| {
            let l = l.trim_start_matches('#').trim();
            // `#   JX212 indicators.产出指标 — why` : code and place, then a note.
            // (a path may hold spaces: `数量( ≥**个 )`; the note follows ` — `)
            let (code, rest) = l.split_once(' ').unwrap_or((l, ""));
            let at = rest.split(" — ").next().unwrap_or("").trim();
            (code.starts_with("JX") || code == "(none)")
                .then(|| format!("{code} {at}"))
                .filter(|s| !s.starts_with("(none)"))
        })
        .collect();
    out.sort();
    Some(out)
}

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/real exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_real_table_gives_exactly_its_judged_findings() {
    let rules = RuleSet::build(
        cli::default_sources(),
        &Settings {
            profile: Default::default(),
            lang: Lang::Zh,
            params: Vec::new(),
            severity: Default::default(),
        },
    )
    .map_err(|(_, e)| format!("{e:?}"))
    .expect("default rules compile");
    let opts = Options::new(LoadOptions::default());
    let files = corpus();
    assert!(files.len() >= 8, "the corpus has {} tables", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let Some(want) = wanted(&text) else {
            failures.push(format!("{name}: no `# 发现 / findings (jixiao):` block"));
            continue;
        };
        let outcome = jixiao::disk::run(std::slice::from_ref(path), None, &rules, &opts);
        let pos = jixiao::output::Positions::new(&outcome);
        let mut got: Vec<String> = outcome
            .findings
            .iter()
            .map(|f| {
                let at = if f.path.is_empty() {
                    format!("@{}", pos.of(f).start.line)
                } else {
                    f.path.clone()
                };
                format!("{} {at}", f.code)
            })
            .collect();
        got.sort();
        if got != want {
            let extra: Vec<&String> = got.iter().filter(|g| !want.contains(g)).collect();
            let missing: Vec<&String> = want.iter().filter(|w| !got.contains(w)).collect();
            failures.push(format!(
                "{name}:\n  new findings: {extra:#?}\n  findings gone: {missing:#?}\n  all now:\n#   {}",
                got.join("\n#   ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_header_block_is_read_as_code_and_place() {
    let text = "# a\n# 发现 / findings (jixiao):\n#   JX212 indicators.产出指标 — 40\n#   JX408 @17\n# other\n#   JX999 x\n";
    assert_eq!(
        wanted(text),
        Some(vec![
            "JX212 indicators.产出指标".to_owned(),
            "JX408 @17".to_owned()
        ])
    );
    assert_eq!(
        wanted("# 发现 / findings (jixiao):\n#   (none)\n"),
        Some(vec![])
    );
    assert_eq!(wanted("# nothing\n"), None);
}

/// The verdict of each header finding line, by code: (findings, TP, debatable, n/a).
fn verdicts(text: &str) -> Vec<(String, usize)> {
    let mut lines = text.lines();
    if lines
        .find(|l| l.starts_with("# 发现 / findings (jixiao):"))
        .is_none()
    {
        return Vec::new();
    }
    lines
        .take_while(|l| l.starts_with("#   ") || l.trim() == "#")
        .filter_map(|l| {
            let l = l.trim_start_matches('#').trim();
            let code = l.split(' ').next()?;
            let verdict = l.split_once(" — ")?.1;
            let kind = if verdict.starts_with("TP") {
                1
            } else if verdict.starts_with("debatable") {
                2
            } else if verdict.starts_with("n/a") {
                3
            } else {
                0
            };
            code.starts_with("JX").then(|| (code.to_owned(), kind))
        })
        .collect()
}

#[test]
fn every_finding_is_judged_and_the_readme_gives_the_corpus_figures() {
    use std::collections::BTreeMap;
    let mut by_rule: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let mut total = [0usize; 4];
    for path in corpus() {
        let text = std::fs::read_to_string(&path).expect("readable");
        for (code, kind) in verdicts(&text) {
            assert!(
                kind != 0,
                "{}: a finding of {code} is judged neither TP, debatable nor n/a",
                path.display()
            );
            let row = by_rule.entry(code).or_default();
            row[0] += 1;
            row[kind] += 1;
            total[0] += 1;
            total[kind] += 1;
        }
    }
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let said = format!(
        "On these tables jixiao gives {} findings: **{} real defects**, {} debatable",
        total[0], total[1], total[2]
    );
    assert!(flat.contains(&said), "README.md should say: {said}");
    assert!(
        flat.contains(&format!("and {} caused by the saved copy", total[3])),
        "README.md should give {} findings caused by cut copies",
        total[3]
    );
    for (code, [n, tp, deb, na]) in &by_rule {
        let row = format!("| {code} | {n} | {tp} | {deb} | {na} |");
        assert!(readme.contains(&row), "README.md should hold the row {row}");
    }
}
