//! The command line's side of the workspace: the files named on the command
//! line and found in folders become a [`Workspace`] whose reader reads them
//! from disk, only regular files and never beyond the size limit.

use crate::discover::{self, Candidate, Exclude, PathProblem};
use crate::workspace::{Content, File, ReadError, Reader, Workspace, display_name};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How much of an unusable file is read to look for `kind:`.
const SNIFF_BYTES: u64 = 64 * 1024;

/// Reads declarations from disk.
#[derive(Clone, Debug, Default)]
pub struct DiskReader {
    /// The config's `exclude` globs, applied to a summary's folder too.
    pub exclude: Option<Exclude>,
}

impl Reader for DiskReader {
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        read_file(path, limit)
    }

    fn yaml_under(&self, dir: &Path) -> Vec<File> {
        discover::yaml_under(dir, self.exclude.as_ref())
            .into_iter()
            .map(|p| file(p, false))
            .collect()
    }
}

fn fail(zh: String, en: String, head: Option<Vec<u8>>) -> ReadError {
    ReadError { zh, en, head }
}

fn sniff(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::new();
    let f = std::fs::File::open(path).ok()?;
    f.take(SNIFF_BYTES).read_to_end(&mut head).ok()?;
    Some(head)
}

/// Read a file's bytes, or why not. Only regular files are opened (a FIFO or
/// a device would block or never end), and never more than `limit` bytes are
/// read, whatever the metadata said.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let io_fail = |e: std::io::Error| {
        fail(
            format!("无法读取文件：{}", discover::io_zh(&e)),
            format!("cannot read the file: {e}"),
            None,
        )
    };
    let meta = std::fs::metadata(path).map_err(io_fail)?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            ("是文件夹", "it is a folder")
        } else {
            ("是管道、设备或套接字", "it is a pipe, device or socket")
        };
        return Err(fail(
            format!("不是普通文件（{}），未读取", what.0),
            format!("not a regular file ({}); not read", what.1),
            None,
        ));
    }
    let too_big = |size: u64| {
        fail(
            format!("文件有 {size} 字节，超过上限 {limit} 字节，未检查"),
            format!("the file has {size} bytes, over the limit of {limit}; not checked"),
            sniff(path),
        )
    };
    if meta.len() > limit {
        return Err(too_big(meta.len()));
    }
    let f = std::fs::File::open(path).map_err(io_fail)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // One byte past the limit tells a file that grew since `metadata`.
    f.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_fail)?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A file on disk: shown by its path relative to the current folder when it
/// lies below it, related to others by its absolute path (so `check
/// summary.yaml` in the summary's folder sees its projects).
fn file(p: PathBuf, explicit: bool) -> File {
    let abs = std::fs::canonicalize(&p).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(&p))
            .unwrap_or_else(|_| p.clone())
    });
    let shown = if p.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|d| std::fs::canonicalize(d).ok())
            .and_then(|d| abs.strip_prefix(d).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| p.clone())
    } else {
        p
    };
    File {
        name: display_name(&shown),
        path: shown,
        place: abs,
        content: Content::Unread,
        explicit,
    }
}

/// The workspace of a command-line run: `paths` expanded (folders searched
/// for declarations, `exclude` honoured), every file left on disk.
pub fn workspace(paths: &[PathBuf], exclude: Option<&Exclude>) -> Workspace {
    let (candidates, problems) = discover::discover(paths, exclude);
    workspace_of(candidates, problems, exclude)
}

/// The workspace of files already found.
pub fn workspace_of(
    candidates: Vec<Candidate>,
    problems: Vec<PathProblem>,
    exclude: Option<&Exclude>,
) -> Workspace {
    let mut ws = Workspace::with_reader(Arc::new(DiskReader {
        exclude: exclude.cloned(),
    }));
    for c in candidates {
        ws.push(file(c.path, c.explicit));
    }
    for p in problems {
        ws.problem(p);
    }
    ws
}

/// Check `paths` as the command line does (folders searched, `exclude`
/// honoured, a summary's folder read for its projects).
pub fn run(
    paths: &[PathBuf],
    exclude: Option<&Exclude>,
    rules: &crate::rules::RuleSet,
    opts: &crate::check::Options,
) -> crate::check::Outcome {
    crate::check::check(&workspace(paths, exclude), rules, opts)
}
