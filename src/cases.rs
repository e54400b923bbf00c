//! Rule test cases (SPEC §3.1, `jixiao test`): a case file is YAML giving
//! the declarations of a run, optional extra rules and config, and the
//! findings wanted; the run goes through the in-memory workspace and
//! [`crate::check::check`], so a case sees exactly what `check` reports.
//!
//! ```yaml
//! note: JX101 fires with five indicators      # what the case shows (required)
//! files:                                      # file name → text (or `document:` for one)
//!   decl.yaml: |
//!     kind: target
//!     ...
//! rules: |                                    # optional extra rule file (case.rules)
//! no_default_rules: true                      # optional: only `rules`
//! config: { profile: mof2021 }                # optional .jixiao.yaml (mapping or text)
//! lang: en                                    # optional language of messages
//! args: [decl.yaml]                           # optional: files named on the command line
//! only: [JX101]                               # optional: the codes compared
//! want:                                       # alias expect:; [] means silence
//!   - JX101                                   # CODE, CODE@LINE, CODE@node.path
//!   - { code: JX101, file: decl.yaml, line: 12, message: "只有 5 个" }
//! error: "未知的函数"                          # or: the rule files must be rejected
//! ```
//!
//! A file may also be `{ encoding: gbk, text: … }` (saved in that
//! encoding) or `{ bytes: "ef bb bf …" }` (hex). A `want` mapping may also
//! give `column`, `severity`, `suppressed`, `help` (a substring) and `path`.

use crate::check::{Options, Outcome, check};
use crate::config;
use crate::diag::Lang;
use crate::load::LoadOptions;
use crate::rules::RuleSet;
use crate::rules::compile::{RuleSource, Settings};
use crate::workspace::{Content, File, ReadError, Reader, Workspace};
use crate::yaml::{self, Node, Yaml};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest case file read.
const MAX_CASE: u64 = 16 << 20;

/// The keys a case file may have: any other is a typo that would quietly
/// loosen the case (`wants:` instead of `want:` wanted silence).
const CASE_KEYS: &[&str] = &[
    "note",
    "files",
    "document",
    "rules",
    "no_default_rules",
    "config",
    "lang",
    "args",
    "only",
    "want",
    "expect",
    "error",
];

/// The keys of a `want` mapping.
const WANT_KEYS: &[&str] = &[
    "code",
    "file",
    "line",
    "column",
    "path",
    "message",
    "severity",
    "suppressed",
    "help",
];

/// The keys of an `error` mapping.
const ERROR_KEYS: &[&str] = &["message", "help", "line", "column"];

/// Why a case file is unusable, in `lang`.
fn unusable(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Every key of the mapping `n` is one of `known`; else the first that is
/// not, with a guess. `what` names the mapping in both languages.
fn known_keys(n: &Node<'_>, known: &[&str], what: (&str, &str), lang: Lang) -> Result<(), String> {
    let Yaml::Map(es) = &n.yaml else {
        return Ok(());
    };
    for (k, _) in es {
        let key = k.as_str().unwrap_or("");
        if known.contains(&key) {
            continue;
        }
        let guess = crate::load::did_you_mean(key, known.iter().copied());
        return Err(unusable(
            lang,
            format!(
                "{}中没有“{key}”这一项（{}可用：{}）",
                what.0,
                guess.map(|g| lang.suggest(g)).unwrap_or_default(),
                known.join("、")
            ),
            format!(
                "unknown key `{key}` in {}{} (known: {})",
                what.1,
                guess
                    .map(|g| format!("; {}", lang.suggest(g)))
                    .unwrap_or_default(),
                known.join(", ")
            ),
        ));
    }
    Ok(())
}

/// The value at `key` of `n` as a line or column number (1 or more), if given.
fn position(n: &Node<'_>, key: &str, lang: Lang) -> Result<Option<u32>, String> {
    let Some(t) = text(get(n, key)) else {
        return Ok(None);
    };
    match t.trim().parse::<u32>() {
        Ok(v) if v >= 1 => Ok(Some(v)),
        _ => Err(unusable(
            lang,
            format!("`{key}` 须为从 1 起的整数，而不是“{t}”"),
            format!("`{key}` must be a whole number from 1, not \"{t}\""),
        )),
    }
}

/// The case files under `p`: `p` itself, or every `*.yaml` below it (sorted).
pub fn collect(p: &Path) -> Result<Vec<PathBuf>, String> {
    collect_in(p, Lang::En)
}

/// [`collect`] with the reason a path cannot be read in `lang`.
pub fn collect_in(p: &Path, lang: Lang) -> Result<Vec<PathBuf>, String> {
    let fail = |p: &Path, e: std::io::Error| match lang {
        Lang::Zh => format!(
            "无法读取用例 {}：{}",
            p.display(),
            crate::discover::io_zh(&e)
        ),
        Lang::En => format!("cannot read the cases at {}: {e}", p.display()),
    };
    let meta = std::fs::metadata(p).map_err(|e| fail(p, e))?;
    if !meta.is_dir() {
        return Ok(vec![p.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![p.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = std::fs::read_dir(&d).map_err(|e| fail(&d, e))?;
        for e in rd.flatten() {
            let path = e.path();
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            if hidden {
                continue;
            }
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(_) if crate::discover::is_yaml(&path) => out.push(path),
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A wanted finding; unset fields match anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Want {
    pub code: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The finding's node path (`budget.executed`).
    pub path: Option<String>,
    pub message: Option<String>,
    pub severity: Option<String>,
    pub suppressed: Option<bool>,
    pub help: Option<String>,
}

impl std::fmt::Display for Want {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(p) = &self.file {
            write!(f, " {p}")?;
        }
        if let Some(l) = self.line {
            write!(f, "@{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        if let Some(p) = &self.path {
            write!(f, "@{p}")?;
        }
        for (k, v) in [
            ("severity", &self.severity),
            ("message", &self.message),
            ("help", &self.help),
        ] {
            if let Some(v) = v {
                write!(f, " {k}~“{v}”")?;
            }
        }
        if let Some(s) = self.suppressed {
            write!(f, " suppressed={s}")?;
        }
        Ok(())
    }
}

/// A finding as a case sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Got {
    pub code: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub path: String,
    pub message: String,
    pub severity: String,
    pub suppressed: bool,
    pub help: String,
}

impl std::fmt::Display for Got {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}:{}:{} {}{}",
            self.code,
            self.file,
            self.line,
            self.column,
            self.message,
            if self.suppressed { " (suppressed)" } else { "" }
        )
    }
}

impl Want {
    fn matches(&self, g: &Got) -> bool {
        self.code.eq_ignore_ascii_case(&g.code)
            && self.file.as_ref().is_none_or(|f| *f == g.file)
            && self.line.is_none_or(|l| l == g.line)
            && self.column.is_none_or(|c| c == g.column)
            && self.path.as_ref().is_none_or(|p| *p == g.path)
            && self
                .message
                .as_ref()
                .is_none_or(|m| g.message.contains(m.as_str()))
            && self.severity.as_ref().is_none_or(|s| *s == g.severity)
            && self.suppressed.is_none_or(|s| s == g.suppressed)
            && self
                .help
                .as_ref()
                .is_none_or(|h| g.help.contains(h.as_str()))
    }
}

/// The outcome of one case.
#[derive(Debug, Default)]
pub struct CaseResult {
    pub note: String,
    /// Wanted and not found.
    pub missing: Vec<String>,
    /// Found and not wanted.
    pub extra: Vec<String>,
    /// Everything found (of the compared codes), or the rule errors.
    pub got: Vec<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty()
    }

    /// What a failure shows: wanted but not found, found but not wanted.
    pub fn explain(&self, lang: Lang) -> String {
        let mut s = String::new();
        let mut block = |head: &str, items: &[String]| {
            if !items.is_empty() {
                s += &format!("  {head}\n");
                for i in items {
                    s += &format!("    {i}\n");
                }
            }
        };
        block(
            lang.pick("想要而没有：", "wanted, not found:"),
            &self.missing,
        );
        block(lang.pick("有而不想要：", "found, not wanted:"), &self.extra);
        block(lang.pick("全部发现：", "all found:"), &self.got);
        s.trim_end().to_owned()
    }
}

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

fn strings(n: Option<&Node<'_>>) -> Option<Vec<String>> {
    match &n?.yaml {
        Yaml::Seq(items) => Some(
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
        ),
        Yaml::Scalar { text, .. } => Some(vec![text.to_string()]),
        Yaml::Map(_) => None,
    }
}

/// A file's bytes: its text, `{ encoding, text }` or `{ bytes: hex }`.
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

/// The YAML text of a node of `src`: a text scalar as is, a mapping as
/// its lines, dedented.
fn node_text(src: &str, n: &Node<'_>) -> String {
    if let Some(t) = n.as_str() {
        return t.to_owned();
    }
    let (s, e) = (n.span.start as usize, (n.span.end as usize).min(src.len()));
    if src[s..].starts_with(['{', '[']) {
        return src[s..e].to_owned();
    }
    let ls = src[..s].rfind('\n').map_or(0, |i| i + 1);
    let block = &src[ls..e];
    let indent = block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    block
        .lines()
        .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// `CODE`, `CODE@LINE`, `CODE@node.path`, or a mapping.
fn want(n: &Node<'_>, lang: Lang) -> Result<Want, String> {
    if let Some(t) = n.as_str() {
        let t = t.trim();
        let (code, at) = t.split_once('@').unwrap_or((t, ""));
        let mut w = Want {
            code: code.trim().to_owned(),
            ..Want::default()
        };
        let at = at.trim();
        if let Ok(l) = at.parse::<u32>() {
            w.line = Some(l);
        } else if !at.is_empty() {
            w.path = Some(at.to_owned());
        }
        return Ok(w);
    }
    known_keys(n, WANT_KEYS, ("`want` 项", "a `want` entry"), lang)?;
    let severity = text(get(n, "severity"));
    if let Some(s) = &severity
        && crate::diag::Severity::parse(s).is_none()
    {
        return Err(unusable(
            lang,
            format!("`severity` 是 error、warning 或 info，而不是“{s}”"),
            format!("`severity` is error, warning or info, not \"{s}\""),
        ));
    }
    let suppressed = match text(get(n, "suppressed")).as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(o) => {
            return Err(unusable(
                lang,
                format!("`suppressed` 是 true 或 false，而不是“{o}”"),
                format!("`suppressed` is true or false, not \"{o}\""),
            ));
        }
    };
    Ok(Want {
        code: text(get(n, "code")).ok_or_else(|| {
            unusable(
                lang,
                "`want` 项须有 code".into(),
                "a `want` entry needs a code".into(),
            )
        })?,
        file: text(get(n, "file")),
        line: position(n, "line", lang)?,
        column: position(n, "column", lang)?,
        path: text(get(n, "path")),
        message: text(get(n, "message")),
        severity,
        suppressed,
        help: text(get(n, "help")),
    })
}

/// A wanted rule-file error: substrings of `code message` and of the help,
/// and where in the rule file (1-based, characters).
#[derive(Debug, Default)]
struct WantErr {
    message: Option<String>,
    help: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
}

impl std::fmt::Display for WantErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message.as_deref().unwrap_or("*"))?;
        if let Some(h) = &self.help {
            write!(f, " help~“{h}”")?;
        }
        if let Some(l) = self.line {
            write!(
                f,
                " @{l}:{}",
                self.column.map_or("*".into(), |c| c.to_string())
            )?;
        }
        Ok(())
    }
}

fn want_errors(n: &Node<'_>, lang: Lang) -> Result<Vec<WantErr>, String> {
    let one = |n: &Node<'_>| {
        if let Some(t) = n.as_str() {
            return Ok(WantErr {
                message: Some(t.to_owned()),
                ..WantErr::default()
            });
        }
        known_keys(n, ERROR_KEYS, ("`error` 项", "an `error` entry"), lang)?;
        Ok(WantErr {
            message: text(get(n, "message")),
            help: text(get(n, "help")),
            line: position(n, "line", lang)?,
            column: position(n, "column", lang)?,
        })
    };
    match &n.yaml {
        Yaml::Seq(items) => items.iter().map(one).collect(),
        _ => Ok(vec![one(n)?]),
    }
}

/// In-memory files for a summary's folder (the `args` of a case name only
/// some of them; the others are what the folder holds).
struct MemReader {
    files: Vec<File>,
}

impl Reader for MemReader {
    fn read(&self, path: &Path, _limit: u64) -> Result<Vec<u8>, ReadError> {
        match self
            .files
            .iter()
            .find(|f| f.path == path)
            .map(|f| &f.content)
        {
            Some(Content::Bytes(b)) => Ok(b.to_vec()),
            Some(Content::Text(t)) => Ok(t.as_bytes().to_vec()),
            _ => Err(ReadError {
                zh: "没有这个文件".into(),
                en: "no such file".into(),
                head: None,
            }),
        }
    }

    fn yaml_under(&self, dir: &Path) -> Vec<File> {
        self.files
            .iter()
            .filter(|f| f.place.starts_with(dir))
            .map(|f| File {
                explicit: false,
                ..f.clone()
            })
            .collect()
    }
}

/// Whether a folder search would take the file `name` of a case.
fn found_in_folder(name: &str) -> bool {
    let p = Path::new(name);
    let hidden = p
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    !hidden && (crate::discover::is_yaml(p) || crate::workbook::is_workbook_name(name))
}

/// Run the case file at `path`.
pub fn run_file(path: &Path, lang: Lang) -> Result<CaseResult, String> {
    let src = crate::fsio::read_capped(path, MAX_CASE, "用例文件", "case file")
        .map_err(|e| e.pick(lang).to_owned())?;
    run(&src, lang)
}

/// Run the case text `src`; `Err` when the case itself is unusable.
pub fn run(src: &str, lang: Lang) -> Result<CaseResult, String> {
    let parsed = yaml::parse(src, yaml::Limits::default());
    if let Some(e) = parsed.error {
        let at = crate::source::LineIndex::new(src).position(src, e.span.start as usize);
        let (line, column) = (at.line, at.column);
        let what = match &e.kind {
            yaml::ErrorKind::Syntax(info) => info.clone(),
            other => format!("{other:?}"),
        };
        return Err(unusable(
            lang,
            format!("不是 YAML 用例文件（第 {line} 行第 {column} 列）：{what}"),
            format!("not a YAML case file (line {line}, column {column}): {what}"),
        ));
    }
    let root = parsed
        .root
        .ok_or_else(|| unusable(lang, "用例文件是空的".into(), "empty case file".into()))?;
    if !matches!(root.yaml, Yaml::Map(_)) {
        return Err(unusable(
            lang,
            "用例文件的顶层须是映射（note、files、want …）".into(),
            "a case file is a mapping (note, files, want …)".into(),
        ));
    }
    known_keys(&root, CASE_KEYS, ("用例文件", "a case file"), lang)?;
    let note = text(get(&root, "note")).ok_or_else(|| {
        unusable(
            lang,
            "用例须有 `note`（说明这个用例表明什么）".into(),
            "a case needs a `note`".into(),
        )
    })?;
    let lang = match text(get(&root, "lang")).as_deref().and_then(Lang::parse) {
        Some(l) => l,
        None => lang,
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    match (get(&root, "files"), get(&root, "document")) {
        (
            Some(Node {
                yaml: Yaml::Map(fs),
                ..
            }),
            _,
        ) => {
            for (k, v) in fs {
                let name = k.as_str().ok_or_else(|| {
                    unusable(
                        lang,
                        "文件名须是文本".into(),
                        "a file name must be text".into(),
                    )
                })?;
                files.push((name.to_owned(), file_bytes(v)?));
            }
        }
        (None, Some(d)) => files.push(("document.yaml".into(), file_bytes(d)?)),
        _ => {
            return Err(unusable(
                lang,
                "用例须有 `files:`（文件名 → 文本）或 `document:`".into(),
                "a case needs `files:` (name → text) or `document:`".into(),
            ));
        }
    }
    let cfg = match get(&root, "config") {
        Some(n) => config::parse(&node_text(src, n), None, lang).map_err(|e| {
            let all = e
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            unusable(
                lang,
                format!("`config` 有误：{all}"),
                format!("bad `config`: {all}"),
            )
        })?,
        None => config::Config::default(),
    };
    let mut sources = Vec::new();
    if text(get(&root, "no_default_rules")).as_deref() != Some("true") {
        sources.extend(crate::setup::default_sources());
    }
    if let Some(r) = get(&root, "rules") {
        sources.push(RuleSource {
            name: "case.rules".into(),
            text: node_text(src, r).into(),
        });
    }
    let settings = Settings {
        profile: cfg.profile.unwrap_or_default(),
        lang,
        params: cfg
            .params
            .iter()
            .map(|(n, v, ..)| (n.clone(), v.clone()))
            .collect(),
        severity: cfg
            .severity
            .iter()
            .map(|(k, (s, _))| (k.clone(), *s))
            .collect(),
    };
    let built = RuleSet::build(sources, &settings);
    if let Some(want_err) = get(&root, "error") {
        return Ok(rule_errors(note, want_errors(want_err, lang)?, built));
    }
    let rules = match built {
        Ok(r) => r,
        Err((srcs, errs)) => {
            let got = errs
                .iter()
                .map(|(i, e)| format!("{}: {} {}", srcs[*i].name, e.code, e.message))
                .collect();
            return Ok(CaseResult {
                note,
                missing: vec![lang.pick("规则能编译", "the rules compile").to_owned()],
                extra: Vec::new(),
                got,
            });
        }
    };
    let opts = Options::new(cfg.limits.apply(LoadOptions {
        profile: rules.profile,
        lang,
        ..LoadOptions::default()
    }));
    let args = strings(get(&root, "args"));
    let all: Vec<File> = files
        .iter()
        .map(|(name, bytes)| File {
            name: name.as_str().into(),
            path: PathBuf::from(name),
            place: PathBuf::from(name),
            content: Content::Bytes(Arc::from(bytes.as_slice())),
            explicit: false,
        })
        .collect();
    let mut ws = Workspace::with_reader(Arc::new(MemReader { files: all.clone() }));
    match &args {
        Some(args) => {
            for a in args {
                match all.iter().find(|f| &*f.name == a.as_str()) {
                    Some(f) => ws.push(File {
                        explicit: true,
                        ..f.clone()
                    }),
                    None => {
                        return Err(unusable(
                            lang,
                            format!("`args` 中的 {a} 不在 `files` 里"),
                            format!("`args` names {a}, which is not in `files`"),
                        ));
                    }
                };
            }
        }
        None => {
            for f in all.iter().filter(|f| found_in_folder(&f.name)) {
                ws.push(f.clone());
            }
        }
    }
    let mut outcome = check(&ws, &rules, &opts);
    let sel = config::Selection::of(&cfg);
    outcome.findings.retain(|f| sel.keeps(&f.code));
    let only = strings(get(&root, "only"));
    // A code no rule of the case has compares nothing, and the case would
    // pass whatever the rules do.
    if let Some(c) = only.iter().flatten().find(|c| {
        !rules.rules.iter().any(|r| r.code.eq_ignore_ascii_case(c))
            && !rules.off.iter().any(|r| r.eq_ignore_ascii_case(c))
            && !crate::load::LOADER_CODES
                .iter()
                .any(|l| l.code.eq_ignore_ascii_case(c))
    }) {
        return Err(unusable(
            lang,
            format!("`only` 中的 {c} 不是本用例任何规则的编号"),
            format!("`only` names {c}, which is the code of no rule of this case"),
        ));
    }
    let wants = match get(&root, "want").or_else(|| get(&root, "expect")) {
        Some(Node {
            yaml: Yaml::Seq(items),
            ..
        }) => items
            .iter()
            .map(|n| want(n, lang))
            .collect::<Result<Vec<_>, _>>()?,
        Some(n) if n.is_null() => Vec::new(),
        Some(n) if n.as_str().is_some() => vec![want(n, lang)?],
        Some(_) => {
            return Err(unusable(
                lang,
                "`want` 是列表".into(),
                "`want` is a list".into(),
            ));
        }
        None => Vec::new(),
    };
    Ok(compare(note, &outcome, only.as_deref(), &wants))
}

/// The findings of `o` (of the codes in `only`) against `wants`: each
/// wanted finding matches one found, and nothing is left over.
pub fn compare(note: String, o: &Outcome, only: Option<&[String]>, wants: &[Want]) -> CaseResult {
    let pos = crate::output::Positions::new(o);
    let got: Vec<Got> = o
        .findings
        .iter()
        .filter(|f| only.is_none_or(|o| o.iter().any(|c| c.eq_ignore_ascii_case(&f.code))))
        .map(|f| {
            let r = pos.of(f);
            Got {
                code: f.code.to_string(),
                file: crate::output::file_name(o, f).into_owned(),
                line: r.start.line,
                column: r.start.column,
                path: f.path.clone(),
                message: f.message.clone(),
                severity: f.severity.name().to_owned(),
                suppressed: f.is_suppressed(),
                help: f.help.as_deref().unwrap_or("").to_owned(),
            }
        })
        .collect();
    let mut left: Vec<&Got> = got.iter().collect();
    let mut missing = Vec::new();
    for w in wants {
        match left.iter().position(|g| w.matches(g)) {
            Some(i) => {
                left.remove(i);
            }
            None => missing.push(w.to_string()),
        }
    }
    CaseResult {
        note,
        missing,
        extra: left.iter().map(ToString::to_string).collect(),
        got: got.iter().map(ToString::to_string).collect(),
    }
}

fn rule_errors(
    note: String,
    wants: Vec<WantErr>,
    built: Result<RuleSet, (Vec<RuleSource>, crate::rules::compile::RuleErrors)>,
) -> CaseResult {
    let (sources, errs) = match built {
        Ok(_) => {
            return CaseResult {
                note,
                missing: wants.iter().map(ToString::to_string).collect(),
                extra: vec!["(the rules compiled)".into()],
                got: Vec::new(),
            };
        }
        Err(x) => x,
    };
    let all: Vec<(String, String, u32, u32)> = errs
        .iter()
        .map(|(i, e)| {
            let text = &sources[*i].text;
            let before = &text[..(e.span.start as usize).min(text.len())];
            let line = before.matches('\n').count() as u32 + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
            (
                format!("{} {}", e.code, e.message),
                e.help.clone().unwrap_or_default(),
                line,
                column,
            )
        })
        .collect();
    let missing = wants
        .iter()
        .filter(|w| {
            !all.iter().any(|(m, h, l, c)| {
                w.message.as_ref().is_none_or(|x| m.contains(x.as_str()))
                    && w.help.as_ref().is_none_or(|x| h.contains(x.as_str()))
                    && w.line.is_none_or(|x| x == *l)
                    && w.column.is_none_or(|x| x == *c)
            })
        })
        .map(ToString::to_string)
        .collect();
    CaseResult {
        note,
        missing,
        extra: Vec::new(),
        got: all
            .iter()
            .map(|(m, h, l, c)| format!("{m} @{l}:{c} help: {h}"))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASE: &str = "note: n\nfiles:\n  a.yaml: |\n    kind: target\n    year: 2023\n";

    #[test]
    fn want_shorthands_parse() {
        let p = yaml::parse(
            "[JX304, JX304@17, JX304@budget.executed]",
            yaml::Limits::default(),
        );
        let Some(Node {
            yaml: Yaml::Seq(items),
            ..
        }) = p.root
        else {
            panic!()
        };
        let ws: Vec<Want> = items.iter().map(|i| want(i, Lang::En).unwrap()).collect();
        assert_eq!(ws[0].code, "JX304");
        assert_eq!(ws[1].line, Some(17));
        assert_eq!(ws[2].path.as_deref(), Some("budget.executed"));
    }

    #[test]
    fn a_case_without_want_wants_silence_and_fails_on_findings() {
        let r = run(CASE, Lang::Zh).unwrap();
        assert!(!r.passed(), "an incomplete target has findings: {r:?}");
        assert!(r.missing.is_empty());
        assert!(!r.extra.is_empty());
    }

    #[test]
    fn config_may_be_a_mapping() {
        let src = "note: n\nconfig:\n  severity:\n    JX101: off\nfiles:\n  a.yaml: x\n";
        let p = yaml::parse(src, yaml::Limits::default());
        let n = get(p.root.as_ref().unwrap(), "config").unwrap();
        assert_eq!(node_text(src, n), "severity:\n  JX101: off\n");
    }

    #[test]
    fn unusable_cases_are_errors() {
        assert!(run("files: {}\n", Lang::Zh).is_err());
        assert!(run("note: x\n", Lang::Zh).is_err());
        assert!(run("note: x\nargs: [b.yaml]\nfiles: {a.yaml: x}\n", Lang::Zh).is_err());
    }
}
