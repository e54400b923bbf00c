//! Finding the files of a run: paths named on the command line, and the
//! `*.yaml`/`*.yml` files under named folders (hidden entries skipped,
//! `exclude` globs honoured, symlink loops detected, output sorted).

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A file to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named on the command line (not found in a folder).
    pub explicit: bool,
}

pub use crate::source::PathProblem;

/// The config's `exclude` globs. A path is excluded when a glob matches it as
/// found (`examples/drafts/a.yaml`), relative to the folder being scanned
/// (`drafts/a.yaml` when scanning `examples`), or relative to the config's
/// folder. `dir` and `dir/` also exclude everything under `dir`.
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
        }
        Ok(Exclude {
            set: b.build()?,
            base: base.and_then(|p| std::fs::canonicalize(p).ok()),
        })
    }

    /// Whether `path`, found under the scanned folder `root`, is excluded.
    pub fn matches(&self, path: &Path, root: &Path) -> bool {
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
            let abs = std::fs::canonicalize(path).ok().or_else(|| {
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

pub fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
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
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        match std::fs::metadata(p) {
            Err(e) => problems.push(PathProblem {
                path: p.clone(),
                zh: format!("无法访问路径 {}：{}", p.display(), io_zh(&e)),
                en: format!("cannot access {}: {e}", p.display()),
            }),
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                let mut visited = HashSet::new();
                walk(p, p, exclude, &mut found, &mut visited, &mut problems);
                found.sort();
                for f in found {
                    if seen.insert(f.clone()) {
                        out.push(Candidate {
                            path: f,
                            explicit: false,
                        });
                    }
                }
            }
            Ok(_) => {
                if seen.insert(p.clone()) {
                    out.push(Candidate {
                        path: p.clone(),
                        explicit: true,
                    });
                }
            }
        }
    }
    (out, problems)
}

/// Every YAML file under `dir` (for a summary's coverage), sorted.
pub fn yaml_under(dir: &Path, exclude: Option<&Exclude>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut visited = HashSet::new();
    let mut problems = Vec::new();
    walk(dir, dir, exclude, &mut found, &mut visited, &mut problems);
    found.sort();
    found
}

fn walk(
    root: &Path,
    dir: &Path,
    exclude: Option<&Exclude>,
    found: &mut Vec<PathBuf>,
    visited: &mut HashSet<PathBuf>,
    problems: &mut Vec<PathProblem>,
) {
    // A symlink loop brings us back to a folder already seen: stop there.
    let Ok(canon) = std::fs::canonicalize(dir) else {
        return;
    };
    if !visited.insert(canon) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(PathProblem {
                path: dir.to_path_buf(),
                zh: format!("无法读取文件夹 {}：{}", dir.display(), io_zh(&e)),
                en: format!("cannot read folder {}: {e}", dir.display()),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if exclude.is_some_and(|g| g.matches(&path, root)) {
            continue;
        }
        // Follow symlinks (metadata, not symlink_metadata); loops stop above.
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(root, &path, exclude, found, visited, problems),
            Ok(_) if is_yaml(&path) && !is_config(&path) => found.push(path),
            Ok(_) => {}
            Err(_) if is_yaml(&path) => found.push(path), // reported when read
            Err(_) => {}
        }
    }
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
