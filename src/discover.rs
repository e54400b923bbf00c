//! Finding the files of a run: paths named on the command line, and the
//! `*.yaml`/`*.yml` files (any case: `.YAML`, `.Yml`) under named folders
//! (hidden entries skipped, `exclude` globs honoured, symlink loops detected,
//! output sorted). Nothing is skipped silently: a folder or entry that
//! cannot be read, or a path too long to use, is a path problem; a path
//! into `/proc` or `/sys` (whose files may block on read) is refused as one.
//! A folder named `target` is skipped only when a `Cargo.toml` sits beside it
//! (cargo's build folder), `node_modules` only beside a `package.json`;
//! otherwise they are scanned like any other (`target` is also the English
//! name of a declaration kind, so `2023/target/` is a natural layout).

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A file to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named on the command line (not found in a folder).
    pub explicit: bool,
    /// Its canonical path, when the folder walk knows it without asking the
    /// file system again (an entry that is not a symlink, in a folder whose
    /// canonical path was resolved once for all its entries).
    pub place: Option<PathBuf>,
}

pub use crate::source::PathProblem;

/// The config's `exclude` globs. A path is excluded when a glob matches it as
/// found (`examples/drafts/a.yaml`), relative to the folder being scanned
/// (`drafts/a.yaml` when scanning `examples`), or relative to the config's
/// folder. `dir` and `dir/` also exclude everything under `dir`, and a
/// pattern without a `/` inside (`drafts/`, `*.bak`) matches at any depth.
#[derive(Clone, Debug)]
pub struct Exclude {
    set: GlobSet,
    /// The config's folder, canonical.
    base: Option<PathBuf>,
}

impl Exclude {
    pub fn new(globs: &[String], base: Option<&Path>) -> Result<Exclude, globset::Error> {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            let g = g.strip_prefix("./").unwrap_or(g);
            b.add(Glob::new(g)?);
            let dir = g.trim_end_matches('/');
            if !dir.ends_with("**") {
                b.add(Glob::new(&format!("{dir}/**"))?);
            }
            // As in .gitignore: a pattern with no `/` but a trailing one
            // (`drafts/`, `*.bak`) matches at any depth, however jixiao is run.
            if !dir.contains('/') && !dir.starts_with("**") {
                b.add(Glob::new(&format!("**/{dir}"))?);
                b.add(Glob::new(&format!("**/{dir}/**"))?);
            }
        }
        Ok(Exclude {
            set: b.build()?,
            base: base.and_then(|p| std::fs::canonicalize(p).ok()),
        })
    }

    /// Whether `path`, found under the scanned folder `root`, is excluded;
    /// `place` is its canonical path when already known.
    pub fn matches(&self, path: &Path, root: &Path, place: Option<&Path>) -> bool {
        let strip = |p: &Path| p.strip_prefix("./").unwrap_or(p).to_path_buf();
        if self.set.is_match(strip(path)) {
            return true;
        }
        if let Ok(rel) = path.strip_prefix(root)
            && !rel.as_os_str().is_empty()
            && self.set.is_match(rel)
        {
            return true;
        }
        if let Some(base) = &self.base {
            let known = || place.map(Path::to_path_buf);
            let abs = known()
                .or_else(|| std::fs::canonicalize(path).ok())
                .or_else(|| {
                    // A dangling link: its folder is canonical enough.
                    let parent = std::fs::canonicalize(path.parent()?).ok()?;
                    Some(parent.join(path.file_name()?))
                });
            if let Some(rel) = abs.as_deref().and_then(|a| a.strip_prefix(base).ok())
                && self.set.is_match(rel)
            {
                return true;
            }
        }
        false
    }
}

/// Whether a folder search takes `p`: YAML (`.yaml`, `.yml`, any case) or
/// a workbook (`.xlsx`, `.xls`, `.et`, `.ods`).
pub fn is_yaml(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        || p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(crate::workbook::is_workbook_name)
}

/// A path shown in a message: undecodable bytes escaped, control and bidi
/// characters made visible.
fn shown(p: &Path) -> String {
    crate::output::visible(&crate::source::escape_path(p)).into_owned()
}

/// Whether `p` lies in a kernel file system whose files can block on read
/// (`/proc/kmsg`, tracefs `trace_pipe`) or never end.
fn in_kernel_fs(p: &Path) -> bool {
    std::fs::canonicalize(p).is_ok_and(|c| c.starts_with("/proc") || c.starts_with("/sys"))
}

fn kernel_problem(p: &Path) -> PathProblem {
    PathProblem {
        path: p.to_path_buf(),
        zh: format!(
            "{} 指向 /proc 或 /sys 中的文件，未读取（这类文件可能一直等待）",
            shown(p)
        ),
        en: format!(
            "{} leads into /proc or /sys; not read (such files may block forever)",
            shown(p)
        ),
    }
}

/// The config file is never a declaration.
fn is_config(p: &Path) -> bool {
    matches!(
        p.file_name().and_then(|n| n.to_str()),
        Some(".jixiao.yaml" | ".jixiao.yml")
    )
}

/// Expand `paths` into candidates, in a stable order without repeats.
pub fn discover(
    paths: &[PathBuf],
    exclude: Option<&Exclude>,
) -> (Vec<Candidate>, Vec<PathProblem>) {
    let mut out: Vec<Candidate> = Vec::new();
    let mut problems = Vec::new();
    // Each file once, however it is reached (`a.yaml` and `./a.yaml`, a
    // file named and found in a folder named too, a folder and its
    // subfolder): by identity, else by path. Named anywhere, it is named.
    let mut seen: HashMap<Seen, usize> = HashMap::new();
    let mut add = |c: Candidate, out: &mut Vec<Candidate>| {
        let key = match crate::fsio::file_id(&c.path) {
            Some(id) => Seen::Id(id),
            None => Seen::Path(c.path.clone()),
        };
        match seen.get(&key) {
            Some(&i) => out[i].explicit |= c.explicit,
            None => {
                seen.insert(key, out.len());
                out.push(c);
            }
        }
    };
    for p in paths {
        if in_kernel_fs(p) {
            problems.push(kernel_problem(p));
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) => problems.push(PathProblem {
                path: p.clone(),
                zh: format!("无法访问路径 {}：{}", shown(p), io_zh(&e)),
                en: format!("cannot access {}: {e}", shown(p)),
            }),
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                let mut visited = HashSet::new();
                walk(p, p, exclude, &mut found, &mut visited, &mut problems);
                for f in found {
                    // One path named cannot repeat a file; several can.
                    if paths.len() == 1 {
                        out.push(f);
                    } else {
                        add(f, &mut out);
                    }
                }
            }
            Ok(_) => add(
                Candidate {
                    path: p.clone(),
                    explicit: true,
                    place: None,
                },
                &mut out,
            ),
        }
    }
    (out, problems)
}

/// How [`discover`] tells a file it has already taken.
#[derive(PartialEq, Eq, Hash)]
enum Seen {
    Id(crate::fsio::FileId),
    Path(PathBuf),
}

/// Every YAML file under `dir` (for a summary's coverage), sorted.
pub fn yaml_under(dir: &Path, exclude: Option<&Exclude>) -> Vec<Candidate> {
    let mut found = Vec::new();
    let mut visited = HashSet::new();
    let mut problems = Vec::new();
    walk(dir, dir, exclude, &mut found, &mut visited, &mut problems);
    found
}

/// What a folder entry is: a folder, a regular file, or something else,
/// with symlinks followed.
struct EntryType {
    dir: bool,
    /// Not a symlink: its canonical path is the folder's joined with its name.
    direct: bool,
}

/// The type of `entry` (at `path`): from the folder listing when it is not a
/// symlink (no system call on Linux), else by following the link. A path too
/// long for the system is always looked up, so it is reported as such.
fn entry_type(entry: &std::fs::DirEntry, path: &Path) -> std::io::Result<Option<EntryType>> {
    const SHORT: usize = 1024;
    if let Ok(t) = entry.file_type()
        && !t.is_symlink()
        && path.as_os_str().len() < SHORT
    {
        return Ok((t.is_dir() || is_yaml(path)).then_some(EntryType {
            dir: t.is_dir(),
            direct: true,
        }));
    }
    let m = std::fs::metadata(path)?;
    Ok((m.is_dir() || is_yaml(path)).then_some(EntryType {
        dir: m.is_dir(),
        direct: false,
    }))
}

fn walk(
    root: &Path,
    dir: &Path,
    exclude: Option<&Exclude>,
    found: &mut Vec<Candidate>,
    visited: &mut HashSet<PathBuf>,
    problems: &mut Vec<PathProblem>,
) {
    let folder_problem = |e: &std::io::Error| PathProblem {
        path: dir.to_path_buf(),
        zh: format!("无法读取文件夹 {}：{}", shown(dir), io_zh(e)),
        en: format!("cannot read folder {}: {e}", shown(dir)),
    };
    // A symlink loop brings us back to a folder already seen: stop there.
    let canon = match std::fs::canonicalize(dir) {
        Ok(c) => c,
        Err(e) => {
            problems.push(folder_problem(&e));
            return;
        }
    };
    if !visited.insert(canon.clone()) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(folder_problem(&e));
            return;
        }
    };
    // Entries in name order, folders entered where they fall: the files come
    // out sorted as whole paths compare, with no sort of the paths after.
    let mut listed = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => listed.push(e),
            Err(e) => problems.push(folder_problem(&e)),
        }
    }
    let mut listed: Vec<_> = listed.into_iter().map(|e| (e.file_name(), e)).collect();
    listed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, entry) in listed {
        let path = entry.path();
        if name.as_encoded_bytes().starts_with(b".") || build_folder(dir, &name) {
            continue;
        }
        // Follow symlinks (metadata, not symlink_metadata); loops stop above.
        let kind = entry_type(&entry, &path);
        let place = match &kind {
            Ok(Some(t)) if t.direct => Some(canon.join(&name)),
            _ => None,
        };
        if exclude.is_some_and(|g| g.matches(&path, root, place.as_deref())) {
            continue;
        }
        match kind {
            Ok(Some(t)) => {
                if !t.direct && in_kernel_fs(&path) {
                    problems.push(kernel_problem(&path));
                } else if t.dir {
                    walk(root, &path, exclude, found, visited, problems);
                } else if !is_config(&path) {
                    found.push(Candidate {
                        path,
                        explicit: false,
                        place,
                    });
                }
            }
            Ok(None) => {}
            // Too long a path (over PATH_MAX) is never seen otherwise.
            Err(e) if name_too_long(&e) => problems.push(PathProblem {
                path: path.clone(),
                zh: format!("路径过长，无法使用：{}", shown(&path)),
                en: format!("path too long to use: {}", shown(&path)),
            }),
            // reported when read
            Err(_) if is_yaml(&path) => found.push(Candidate {
                path,
                explicit: false,
                place: None,
            }),
            Err(_) => {}
        }
    }
}

/// cargo's `target` (beside `Cargo.toml`) or npm's `node_modules` (beside `package.json`).
fn build_folder(dir: &Path, name: &std::ffi::OsStr) -> bool {
    let marker = match name.to_str() {
        Some("target") => "Cargo.toml",
        Some("node_modules") => "package.json",
        _ => return false,
    };
    dir.join(marker).is_file()
}

/// ENAMETOOLONG: a path over PATH_MAX.
fn name_too_long(e: &std::io::Error) -> bool {
    let code = if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd"
    )) {
        63
    } else {
        36
    };
    cfg!(unix) && e.raw_os_error() == Some(code)
}

pub fn io_zh(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "不存在",
        PermissionDenied => "没有权限",
        IsADirectory => "是文件夹",
        InvalidData => "数据无效",
        _ => "读取失败",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk gives the files in the order their whole paths sort (a
    /// folder's files before a sibling named after it with a suffix, `a/`
    /// before `a-b.yaml` and `a.yaml`), without sorting paths afterwards.
    #[test]
    fn files_come_out_in_path_order() {
        let d = tempfile::tempdir().unwrap();
        let names = [
            "a.yaml",
            "a-b.yaml",
            "a/z.yaml",
            "a/b/c.yaml",
            "a/b.yaml",
            "b.yml",
            "B.yaml",
            "a/b/x/y.yaml",
            "项目.yaml",
            "a0.yaml",
            "a/b-c/d.yaml",
        ];
        for n in names {
            let p = d.path().join(n);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "kind: target\n").unwrap();
        }
        let (found, problems) = discover(&[d.path().to_path_buf()], None);
        assert!(problems.is_empty(), "{problems:?}");
        let got: Vec<PathBuf> = found.into_iter().map(|c| c.path).collect();
        let mut want = got.clone();
        want.sort();
        assert_eq!(got, want);
        assert_eq!(got.len(), names.len());
        // Each file's place is its canonical path, known without asking again.
        let (found, _) = discover(&[d.path().to_path_buf()], None);
        for c in found {
            assert_eq!(c.place, Some(std::fs::canonicalize(&c.path).unwrap()));
        }
    }
}
