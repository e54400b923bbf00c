//! Baselines, for adopting jixiao on existing declarations: `--write-baseline`
//! records today's findings; `--baseline` then reports only new ones.
//!
//! A finding is matched by its code, its file and a fingerprint of the
//! offending node: its path in the document (`budget.executed`) and its text
//! with runs of white space collapsed. Never by line or column, so edits
//! elsewhere in a file (a comment added above, another value changed) keep the
//! baseline valid, while changing the offending value itself makes the finding
//! new again. Identical findings are counted, not merged: a baseline that knows
//! one of them does not hide a second one added later.
//!
//! Files are named relative to the baseline file's folder (version 2), so
//! `check decl`, `check "$PWD/decl"` and a run from another folder match the
//! same entries; a version 1 baseline (names relative to the current folder)
//! is still read, and rewritten as version 2.

use crate::diag::{Finding, Suppression};
use crate::source::{FileEntry, normal};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// The baseline file format's version: 2 names files relative to the
/// baseline's folder, 1 (still read) relative to the current folder.
pub const VERSION: u32 = 2;

/// Largest baseline read: 256 MB is about 2.5 million entries (and about
/// 1.2 GB of memory while parsed); `--baseline /dev/zero` stops here.
pub const MAX_SIZE: u64 = 256 << 20;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub code: String,
    /// The file relative to the baseline's folder, with `/` separators.
    pub file: String,
    /// The offending node's path, kept readable for reviewers of the baseline.
    pub path: String,
    /// FNV-1a 64 of the path and the node's normalised text, in hex.
    pub fingerprint: String,
    /// How many findings share these (duplicates are counted, not merged).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: usize,
}

fn one() -> usize {
    1
}
fn is_one(n: &usize) -> bool {
    *n == 1
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
    /// The absolute folder the entries' files are relative to (the baseline
    /// file's); `None`: the files as shown in diagnostics.
    #[serde(skip)]
    pub base: Option<PathBuf>,
}

type Key = (String, String, String);

/// 64-bit FNV-1a: tiny, and stable across platforms and Rust versions
/// (unlike `std`'s hasher), which a file kept in a repository needs.
fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The fingerprint of a node: its path and its text, white space collapsed.
pub fn fingerprint(path: &str, content: &str) -> String {
    let text = content.split_whitespace().collect::<Vec<_>>().join(" ");
    let bytes = path
        .bytes()
        .chain(std::iter::once(0))
        .chain(text.bytes())
        .collect::<Vec<u8>>();
    format!("{:016x}", fnv1a(bytes))
}

fn file_key(name: &str) -> String {
    // Windows separators become `/` (a baseline written there works on Linux
    // CI), except the `\xFF` escapes of undecodable bytes in a name.
    let b = name.as_bytes();
    let mut s = String::with_capacity(name.len());
    for (i, c) in name.char_indices() {
        let escape = c == '\\'
            && b.get(i + 1) == Some(&b'x')
            && b.get(i + 2..i + 4)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
        s.push(if c == '\\' && !escape { '/' } else { c });
    }
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// A path as baselines and outputs name it: `./` dropped, and bytes that are
/// not UTF-8 escaped as `\xFF` so two such names never collide.
pub fn name_of(p: &std::path::Path) -> String {
    let s = crate::source::escape_path(p);
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// Per file, whether it could not be read: it has no text and a JX008
/// finding (the loader's "cannot read", "not a regular file", "over the
/// limit" and decoding findings). A file read without findings has no text
/// kept either, but no JX008.
fn unread(files: &[FileEntry], findings: &[Finding]) -> Vec<bool> {
    let mut v = vec![false; files.len()];
    for f in findings.iter().filter(|f| &*f.code == "JX008") {
        if let Some(e) = files.get(f.file as usize)
            && e.text.is_none()
            && e.marks.is_none()
        {
            v[f.file as usize] = true;
        }
    }
    v
}

/// Where `p` is, absolute: its folder with symbolic links resolved (so
/// `$PWD/decl` and `decl` agree when the current folder is reached through a
/// link), the file name kept as it is.
fn anchor(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        normal(p)
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        normal(&cwd.join(p))
    };
    let canon = |d: &Path| std::fs::canonicalize(d).ok();
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => canon(dir).map_or(abs.clone(), |d| d.join(name)),
        _ => canon(&abs).unwrap_or(abs),
    }
}

/// The folder a baseline file at `p` names files from: its own, absolute.
pub fn folder_of(p: &Path) -> PathBuf {
    let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    std::fs::canonicalize(dir).unwrap_or_else(|_| anchor(dir))
}

/// `path` (absolute) as named from `base` (absolute), `/`-separated: `a.yaml`,
/// `decl/a.yaml`, `../other/a.yaml`, empty for `base` itself; `path` whole
/// when the two share no root (another drive).
fn relative(path: &Path, base: &Path) -> String {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    if p.first() != b.first() {
        return file_key(&name_of(path));
    }
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| crate::source::escape_path(Path::new(c.as_os_str()))),
    );
    parts.join("/")
}

/// What a baseline file's entry names, absolute: the entry's file from the
/// folder the baseline names files from (the current folder for version 1).
fn resolve(file: &str, base: Option<&Path>) -> PathBuf {
    let file = file_key(file);
    match base {
        Some(b) => anchor(&b.join(&file)),
        None => anchor(Path::new(&file)),
    }
}

/// Each file of the run as a baseline with folder `base` names it.
fn file_keys(files: &[FileEntry], base: Option<&Path>) -> Vec<String> {
    files
        .iter()
        .map(|e| match base {
            // A file on disk (or stdin placed there): from the baseline's folder.
            Some(b) if e.place.is_absolute() => relative(&anchor(&e.place), b),
            _ => file_key(&name_of(&e.path)),
        })
        .collect()
}

fn key(f: &Finding, files: &[FileEntry], names: &[String]) -> Key {
    let name = names.get(f.file as usize).cloned().unwrap_or_default();
    let text_at = |id: u32, span: crate::source::Span| {
        files
            .get(id as usize)
            .and_then(|e| e.text.as_deref())
            .and_then(|t| t.get(span.range()))
            .unwrap_or("")
    };
    let mut content = text_at(f.file, f.span).to_owned();
    // A finding about other files (a summary's total against its projects)
    // also depends on their figures: a discrepancy that grows is a new one.
    for l in f.labels.iter().filter(|l| l.file != f.file) {
        content.push('\0');
        content.push_str(text_at(l.file, l.span));
    }
    (f.code.to_string(), name, fingerprint(&f.path, &content))
}

impl Baseline {
    /// Record the findings of a run that count: unsuppressed ones, and those an
    /// earlier baseline silenced (so rewriting a baseline keeps them); waived
    /// findings are left out, their waiver already covers them.
    pub fn record(findings: &[Finding], files: &[FileEntry], base: Option<&Path>) -> Baseline {
        let names = file_keys(files, base);
        let mut counts: HashMap<Key, usize> = HashMap::new();
        let mut order: Vec<(Key, String)> = Vec::new();
        for f in findings
            .iter()
            .filter(|f| !matches!(f.suppressed, Some(Suppression::Waiver(_))))
        {
            let k = key(f, files, &names);
            let c = counts.entry(k.clone()).or_insert(0);
            if *c == 0 {
                order.push((k, f.path.clone()));
            }
            *c += 1;
        }
        Baseline {
            version: VERSION,
            findings: order
                .into_iter()
                .map(|(k, path)| {
                    let count = counts.get(&k).copied().unwrap_or(1);
                    Entry {
                        code: k.0,
                        file: k.1,
                        path,
                        fingerprint: k.2,
                        count,
                    }
                })
                .collect(),
            base: base.map(Path::to_path_buf),
        }
    }

    /// The baseline `--write-baseline` writes after a run over `paths`: the
    /// run's findings on files it read ([`Baseline::record`]), and from the
    /// `previous` baseline every entry of a file this run did not check —
    /// outside its paths, or unreadable this time. A file that could not be
    /// read is never recorded as accepted: its loader finding is left out and
    /// its earlier entries stay. Files are named from `base`, the folder of
    /// the baseline written.
    pub fn record_run(
        findings: &[Finding],
        files: &[FileEntry],
        previous: Option<&Baseline>,
        paths: &[PathBuf],
        base: Option<&Path>,
    ) -> Baseline {
        let read: Vec<bool> = unread(files, findings).into_iter().map(|u| !u).collect();
        let kept: Vec<Finding> = findings
            .iter()
            .filter(|f| read.get(f.file as usize).copied().unwrap_or(false))
            .cloned()
            .collect();
        let mut b = Baseline::record(&kept, files, base);
        let Some(prev) = previous else {
            return b;
        };
        let names = file_keys(files, base);
        let checked: std::collections::HashSet<&String> = names
            .iter()
            .zip(files.iter().zip(&read))
            .filter(|(_, (f, r))| **r && f.reported)
            .map(|(n, _)| n)
            .collect();
        let unreadable: std::collections::HashSet<&String> = names
            .iter()
            .zip(&read)
            .filter(|(_, r)| !**r)
            .map(|(n, _)| n)
            .collect();
        // The previous baseline's files and this run's paths, named as the
        // new baseline names files.
        let rename = |file: &str, from: Option<&Path>| match base {
            Some(b) => relative(&resolve(file, from), b),
            None => file_key(file),
        };
        let roots: Vec<String> = paths
            .iter()
            .map(|p| match base {
                Some(b) => relative(&anchor(p), b),
                None => file_key(&name_of(p)),
            })
            .map(|k| k.trim_end_matches('/').to_owned())
            .collect();
        let covered = |file: &str| {
            roots.iter().any(|r| {
                ((r.is_empty() || r == ".") && !file.starts_with("../") && file != "..")
                    || file == r
                    || file
                        .strip_prefix(r.as_str())
                        .is_some_and(|t| t.starts_with('/'))
            })
        };
        for e in &prev.findings {
            let f = rename(&e.file, prev.base.as_deref());
            if checked.contains(&f) {
                continue;
            }
            if unreadable.contains(&f) || !covered(&f) {
                b.findings.push(Entry {
                    file: f,
                    ..e.clone()
                });
            }
        }
        b
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// A baseline's text, its files as written (see [`Baseline::load`]).
    pub fn parse(text: &str) -> Result<Baseline, String> {
        // A BOM (an editor on Windows) is not part of the JSON.
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let b: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if b.version != VERSION && b.version != 1 {
            return Err(format!(
                "baseline version {} is not supported (expected {VERSION})",
                b.version
            ));
        }
        Ok(b)
    }

    /// The baseline file at `path` with text `text`: its files named from
    /// its folder, a version 1 baseline's (named from the current folder)
    /// renamed so.
    pub fn load(text: &str, path: &Path) -> Result<Baseline, String> {
        let mut b = Baseline::parse(text)?;
        let base = folder_of(path);
        if b.version == 1 {
            for e in &mut b.findings {
                e.file = relative(&resolve(&e.file, None), &base);
            }
            b.version = VERSION;
        }
        b.base = Some(base);
        Ok(b)
    }

    /// Mark the findings the baseline already knows as suppressed, and say
    /// how many of its entries for the files of this run no finding matched
    /// any more (fixed since: the baseline can be rewritten).
    pub fn apply(&self, findings: &mut [Finding], files: &[FileEntry]) -> usize {
        let names = file_keys(files, self.base.as_deref());
        let mut left: HashMap<Key, usize> = HashMap::new();
        for e in &self.findings {
            *left
                .entry((e.code.clone(), file_key(&e.file), e.fingerprint.clone()))
                .or_insert(0) += e.count;
        }
        // A file that could not be read is never hidden by a baseline (an old
        // baseline may hold the JX008 of an unreadable file).
        let skip = unread(files, findings);
        for f in findings
            .iter_mut()
            .filter(|f| !f.is_suppressed())
            .filter(|f| !skip.get(f.file as usize).copied().unwrap_or(false))
        {
            if let Some(n) = left.get_mut(&key(f, files, &names))
                && *n > 0
            {
                *n -= 1;
                f.suppressed = Some(Suppression::Baseline);
            }
        }
        let checked: std::collections::HashSet<&String> = names
            .iter()
            .zip(files.iter().zip(&skip))
            .filter(|(_, (e, unread))| e.reported && !**unread)
            .map(|(n, _)| n)
            .collect();
        left.iter()
            .filter(|((_, file, _), _)| checked.contains(file))
            .map(|(_, n)| n)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_white_space_but_not_text_or_path() {
        let a = fingerprint("budget.executed", "29.5896");
        assert_eq!(a, fingerprint("budget.executed", " 29.5896\n"));
        assert_ne!(a, fingerprint("budget.executed", "29.5897"));
        assert_ne!(a, fingerprint("budget.total", "29.5896"));
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // Test vectors of FNV-1a 64.
        assert_eq!(fnv1a(*b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(*b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn other_versions_are_refused() {
        assert!(Baseline::parse(r#"{"version": 9, "findings": []}"#).is_err());
        assert!(Baseline::parse(r#"{"version": 1, "findings": []}"#).is_ok());
        assert!(Baseline::parse(r#"{"version": 2, "findings": []}"#).is_ok());
    }

    #[test]
    fn files_are_named_from_the_baseline_folder() {
        let base = Path::new("/w/repo");
        assert_eq!(
            relative(Path::new("/w/repo/decl/a.yaml"), base),
            "decl/a.yaml"
        );
        assert_eq!(
            relative(Path::new("/w/other/a.yaml"), base),
            "../other/a.yaml"
        );
        assert_eq!(relative(Path::new("/w/repo"), base), "");
        assert_eq!(relative(Path::new("/a.yaml"), base), "../../a.yaml");
        assert_eq!(
            normal(Path::new("/w/./repo/../x/a.yaml")),
            Path::new("/w/x/a.yaml")
        );
    }
}
