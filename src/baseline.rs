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

use crate::diag::{Finding, Suppression};
use crate::source::FileEntry;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The baseline file format's version.
pub const VERSION: u32 = 1;

/// Largest baseline read: 256 MB is about 2.5 million entries (and about
/// 1.2 GB of memory while parsed); `--baseline /dev/zero` stops here.
pub const MAX_SIZE: u64 = 256 << 20;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub code: String,
    /// The file as shown in diagnostics, with `/` separators.
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
        {
            v[f.file as usize] = true;
        }
    }
    v
}

fn key(f: &Finding, files: &[FileEntry]) -> Key {
    let file = files.get(f.file as usize);
    let name = file.map_or_else(String::new, |e| file_key(&name_of(&e.path)));
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
    pub fn record(findings: &[Finding], files: &[FileEntry]) -> Baseline {
        let mut counts: HashMap<Key, usize> = HashMap::new();
        let mut order: Vec<(Key, String)> = Vec::new();
        for f in findings
            .iter()
            .filter(|f| !matches!(f.suppressed, Some(Suppression::Waiver(_))))
        {
            let k = key(f, files);
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
        }
    }

    /// The baseline `--write-baseline` writes after a run over `paths`: the
    /// run's findings on files it read ([`Baseline::record`]), and from the
    /// `previous` baseline every entry of a file this run did not check —
    /// outside its paths, or unreadable this time. A file that could not be
    /// read is never recorded as accepted: its loader finding is left out and
    /// its earlier entries stay.
    pub fn record_run(
        findings: &[Finding],
        files: &[FileEntry],
        previous: Option<&Baseline>,
        paths: &[std::path::PathBuf],
    ) -> Baseline {
        let read: Vec<bool> = unread(files, findings).into_iter().map(|u| !u).collect();
        let kept: Vec<Finding> = findings
            .iter()
            .filter(|f| read.get(f.file as usize).copied().unwrap_or(false))
            .cloned()
            .collect();
        let mut b = Baseline::record(&kept, files);
        let Some(prev) = previous else {
            return b;
        };
        let checked: std::collections::HashSet<String> = files
            .iter()
            .zip(&read)
            .filter(|(f, r)| **r && f.reported)
            .map(|(f, _)| file_key(&name_of(&f.path)))
            .collect();
        let unreadable: std::collections::HashSet<String> = files
            .iter()
            .zip(&read)
            .filter(|(_, r)| !**r)
            .map(|(f, _)| file_key(&name_of(&f.path)))
            .collect();
        let roots: Vec<String> = paths
            .iter()
            .map(|p| {
                let k = file_key(&name_of(p));
                k.trim_end_matches('/').to_owned()
            })
            .collect();
        let covered = |file: &str| {
            roots.iter().any(|r| {
                r.is_empty()
                    || r == "."
                    || file == r
                    || file
                        .strip_prefix(r.as_str())
                        .is_some_and(|t| t.starts_with('/'))
            })
        };
        for e in &prev.findings {
            let f = file_key(&e.file);
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

    pub fn parse(text: &str) -> Result<Baseline, String> {
        // A BOM (an editor on Windows) is not part of the JSON.
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let b: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if b.version != VERSION {
            return Err(format!(
                "baseline version {} is not supported (expected {VERSION})",
                b.version
            ));
        }
        Ok(b)
    }

    /// Mark the findings the baseline already knows as suppressed, and say
    /// how many of its entries for the files of this run no finding matched
    /// any more (fixed since: the baseline can be rewritten).
    pub fn apply(&self, findings: &mut [Finding], files: &[FileEntry]) -> usize {
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
            if let Some(n) = left.get_mut(&key(f, files))
                && *n > 0
            {
                *n -= 1;
                f.suppressed = Some(Suppression::Baseline);
            }
        }
        let checked: std::collections::HashSet<String> = files
            .iter()
            .zip(&skip)
            .filter(|(e, unread)| e.reported && !**unread)
            .map(|(e, _)| file_key(&name_of(&e.path)))
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
    }
}
