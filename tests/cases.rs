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
//! `want` entries may also give `severity`, `column`, `suppressed: true` and
//! `help` (a substring of the help text, e.g. a "did you mean").
//! `args: [a.yaml]` names files on the command line instead of checking the
//! whole folder (explicit files are checked more strictly, and a summary still
//! sees the projects in its folder). A file may be `{ encoding: gbk, text: … }`
//! to save it in another encoding, or `{ bytes: "ef bb bf …" }` in hex.
//! `error: "substring"` expects the rule files to be rejected with that text;
//! `error: { message, help, line, column }` (or a list of them) also checks the
//! help and where in the rule file (`case.rules`) the error points.

use jixiao::check::Options;
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
    help: Option<String>,
}

/// A file's bytes: its text, or `{ encoding: gbk, text: ... }` for a file saved
/// in another encoding (gbk, gb18030, big5, utf-16le, …), or `{ bytes: "hex" }`.
fn file_bytes(v: &Node<'_>) -> Result<Vec<u8>, String> {
    if let Some(t) = v.as_str() {
        return Ok(t.as_bytes().to_vec());
    }
    if let Some(hex) = text(get(v, "bytes")) {
        let hex: String = hex.split_whitespace().collect();
        return (0..hex.len())
            .step_by(2)
            .map(|i| {
                hex.get(i..i + 2)
                    .and_then(|b| u8::from_str_radix(b, 16).ok())
                    .ok_or_else(|| format!("bad hex {hex:?}"))
            })
            .collect();
    }
    let t = text(get(v, "text")).ok_or("a file is a text, or { encoding, text }, or { bytes }")?;
    let label = text(get(v, "encoding")).unwrap_or_else(|| "utf-8".into());
    if label.eq_ignore_ascii_case("utf-16le") {
        return Ok(t.encode_utf16().flat_map(u16::to_le_bytes).collect());
    }
    let enc = encoding_rs::Encoding::for_label(label.as_bytes())
        .ok_or(format!("unknown encoding {label}"))?;
    let (bytes, _, bad) = enc.encode(&t);
    if bad {
        return Err(format!("the text cannot be written in {label}"));
    }
    Ok(bytes.into_owned())
}

/// A finding as found: code, file, line, column, message, severity,
/// suppressed, help.
type Got = (String, String, u32, u32, String, String, bool, String);

/// A wanted rule-file error: a substring of `code message`, of the help, and
/// the line and column (1-based, in characters) in the rule file.
#[derive(Debug, Default)]
struct WantErr {
    message: Option<String>,
    help: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
}

/// `error: "text"`, `error: { message, help, line, column }`, or a list of them.
fn want_errors(n: &Node<'_>) -> Result<Vec<WantErr>, String> {
    match &n.yaml {
        Yaml::Seq(items) => items.iter().map(want_error).collect(),
        _ => Ok(vec![want_error(n)?]),
    }
}

fn want_error(n: &Node<'_>) -> Result<WantErr, String> {
    if let Some(t) = n.as_str() {
        return Ok(WantErr {
            message: Some(t.to_owned()),
            ..WantErr::default()
        });
    }
    let num = |k: &str| text(get(n, k)).and_then(|t| t.parse::<u32>().ok());
    Ok(WantErr {
        message: text(get(n, "message")),
        help: text(get(n, "help")),
        line: num("line"),
        column: num("column"),
    })
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
        std::fs::write(&p, file_bytes(v)?)?;
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
    if let Some(want_err) = get(&root, "error") {
        let wants = want_errors(want_err)?;
        return match built {
            Ok(_) => {
                Err(format!("{note}: expected rule errors {wants:?}, the rules compiled").into())
            }
            Err((sources, errs)) => {
                // (code + message, help, line, column) of every error, in its rule file.
                let all: Vec<(String, String, u32, u32)> = errs
                    .iter()
                    .map(|(i, e)| {
                        let text = &sources[*i].text;
                        let before = &text[..(e.span.start as usize).min(text.len())];
                        let line = before.matches('\n').count() as u32 + 1;
                        let column =
                            before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
                        (
                            format!("{} {}", e.code, e.message),
                            e.help.clone().unwrap_or_default(),
                            line,
                            column,
                        )
                    })
                    .collect();
                let missing: Vec<&WantErr> = wants
                    .iter()
                    .filter(|w| {
                        !all.iter().any(|(m, h, l, c)| {
                            w.message.as_ref().is_none_or(|x| m.contains(x.as_str()))
                                && w.help.as_ref().is_none_or(|x| h.contains(x.as_str()))
                                && w.line.is_none_or(|x| x == *l)
                                && w.column.is_none_or(|x| x == *c)
                        })
                    })
                    .collect();
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(format!("{note}: no rule error matches {missing:#?}: {all:#?}").into())
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
    // `args`: the paths named on the command line (relative to the case's
    // folder); default: the whole folder.
    let args: Vec<std::path::PathBuf> = match get(&root, "args") {
        Some(Node {
            yaml: Yaml::Seq(items),
            ..
        }) => items
            .iter()
            .filter_map(|i| i.as_str())
            .map(|a| dir.path().join(a))
            .collect(),
        _ => vec![dir.path().to_path_buf()],
    };
    let outcome = jixiao::disk::run(&args, None, &rules, &opts);
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
                help: text(get(it, "help")),
            });
        }
    }
    let pos = jixiao::output::Positions::new(&outcome);
    let mut got: Vec<Got> = Vec::new();
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
            f.help.as_deref().unwrap_or("").to_owned(),
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
                && w.help.as_ref().is_none_or(|h| g.7.contains(h.as_str()))
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
