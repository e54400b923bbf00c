//! Rule-semantics cases (regorus style): every `tests/cases/**/*.yaml` is one
//! test. A case gives a `note`, the `files` of a run (name → YAML text),
//! optionally extra `rules`, a `config` (.jixiao.yaml text), `lang`, and either
//! the `want`ed findings or the wanted rule-file `error`.
//!
//! ```yaml
//! note: JX101 fires with five indicators
//! files:
//!   decl.yaml: |
//!     kind: target
//!     ...
//! only: [JX101]            # compare only these codes (default: every finding)
//! want:
//!   - { code: JX101, file: decl.yaml, line: 12, message: "只有 5 个" }
//! ```
//! `want` entries may also give `severity`, `column` and `suppressed: true`.
//! `error: "substring"` expects the rule files to be rejected with that text.

use jixiao::check::{self, Options};
use jixiao::cli;
use jixiao::config;
use jixiao::diag::Lang;
use jixiao::load::LoadOptions;
use jixiao::rules::RuleSet;
use jixiao::rules::compile::{RuleSource, Settings};
use jixiao::yaml::{self, Node, Yaml};
use std::path::Path;

fn get<'a, 'b>(n: &'b Node<'a>, key: &str) -> Option<&'b Node<'a>> {
    match &n.yaml {
        Yaml::Map(es) => es
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn text(n: Option<&Node<'_>>) -> Option<String> {
    n.and_then(|n| n.as_str()).map(str::to_owned)
}

#[derive(Debug, Default)]
struct Want {
    code: String,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    message: Option<String>,
    severity: Option<String>,
    suppressed: Option<bool>,
}

fn run_case(path: &Path, src: String) -> datatest_stable::Result<()> {
    let parsed = yaml::parse(&src, yaml::Limits::default());
    let root = parsed.root.ok_or("empty case file")?;
    let note = text(get(&root, "note")).ok_or("a case needs a `note`")?;
    let lang = match text(get(&root, "lang")).as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    };
    let dir = tempfile::tempdir()?;
    let Some(Node {
        yaml: Yaml::Map(files),
        ..
    }) = get(&root, "files")
    else {
        return Err("a case needs `files`".into());
    };
    for (k, v) in files {
        let name = k.as_str().ok_or("file name")?;
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&p, v.as_str().ok_or("file text")?)?;
    }
    let cfg = match text(get(&root, "config")) {
        Some(t) => {
            config::parse(&t, None, lang).map_err(|e| format!("bad config in case: {e:?}"))?
        }
        None => config::Config::default(),
    };
    let mut sources = Vec::new();
    if text(get(&root, "no_default_rules")).as_deref() != Some("true") {
        sources.extend(cli::default_sources());
    }
    if let Some(r) = text(get(&root, "rules")) {
        sources.push(RuleSource {
            name: "case.rules".into(),
            text: r.into(),
        });
    }
    let settings = Settings {
        profile: cfg.profile.unwrap_or_default(),
        lang,
        params: cfg
            .params
            .iter()
            .map(|(n, v, _)| (n.clone(), v.clone()))
            .collect(),
        severity: cfg
            .severity
            .iter()
            .map(|(k, (s, _))| (k.clone(), *s))
            .collect(),
    };
    let built = RuleSet::build(sources, &settings);
    if let Some(want_err) = text(get(&root, "error")) {
        return match built {
            Ok(_) => Err(format!(
                "{note}: expected a rule error containing {want_err:?}, the rules compiled"
            )
            .into()),
            Err((_, errs)) => {
                let all: Vec<String> = errs
                    .iter()
                    .map(|(_, e)| format!("{} {} {:?}", e.code, e.message, e.help))
                    .collect();
                if all.iter().any(|e| e.contains(&want_err)) {
                    Ok(())
                } else {
                    Err(format!("{note}: no rule error contains {want_err:?}: {all:#?}").into())
                }
            }
        };
    }
    let rules = built.map_err(|(_, e)| format!("{note}: rules do not compile: {e:#?}"))?;
    let opts = Options::new(LoadOptions {
        profile: rules.profile,
        lang,
        ..LoadOptions::default()
    });
    let outcome = check::run(&[dir.path().to_path_buf()], &rules, &opts);
    let only: Option<Vec<String>> = match get(&root, "only") {
        Some(Node {
            yaml: Yaml::Seq(items),
            ..
        }) => Some(
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
        ),
        _ => None,
    };
    let mut wants = Vec::new();
    if let Some(Node {
        yaml: Yaml::Seq(items),
        ..
    }) = get(&root, "want")
    {
        for it in items {
            let num = |k: &str| text(get(it, k)).and_then(|t| t.parse::<u32>().ok());
            wants.push(Want {
                code: text(get(it, "code")).ok_or("want needs a code")?,
                file: text(get(it, "file")),
                line: num("line"),
                column: num("column"),
                message: text(get(it, "message")),
                severity: text(get(it, "severity")),
                suppressed: text(get(it, "suppressed")).map(|s| s == "true"),
            });
        }
    }
    let mut pos = jixiao::output::Positions::new(&outcome);
    let mut got: Vec<(String, String, u32, u32, String, String, bool)> = Vec::new();
    for f in &outcome.findings {
        if only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|c| **c == *f.code))
        {
            continue;
        }
        let r = pos.of(f);
        let name = outcome
            .file(f.file)
            .map(|e| {
                e.path
                    .strip_prefix(dir.path())
                    .unwrap_or(&e.path)
                    .to_string_lossy()
                    .into_owned()
            })
            .unwrap_or_default();
        got.push((
            f.code.to_string(),
            name,
            r.start.line,
            r.start.column,
            f.message.clone(),
            f.severity.name().to_owned(),
            f.is_suppressed(),
        ));
    }
    let mut unmatched: Vec<&Want> = Vec::new();
    let mut left = got.clone();
    for w in &wants {
        let hit = left.iter().position(|g| {
            g.0 == w.code
                && w.file.as_ref().is_none_or(|f| *f == g.1)
                && w.line.is_none_or(|l| l == g.2)
                && w.column.is_none_or(|c| c == g.3)
                && w.message.as_ref().is_none_or(|m| g.4.contains(m.as_str()))
                && w.severity.as_ref().is_none_or(|s| *s == g.5)
                && w.suppressed.is_none_or(|s| s == g.6)
        });
        match hit {
            Some(i) => {
                left.remove(i);
            }
            None => unmatched.push(w),
        }
    }
    if unmatched.is_empty() && left.is_empty() {
        return Ok(());
    }
    let msg = format!(
        "{}: {note}\n  wanted but not found: {unmatched:#?}\n  found but not wanted: {left:#?}\n  all findings: {got:#?}",
        path.display()
    );
    eprintln!("{msg}");
    Err(msg.into())
}

datatest_stable::harness! {
    { test = run_case, root = "tests/cases", pattern = r".*\.yaml$" },
}
