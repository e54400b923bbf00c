//! The command line's side of the workspace: the files named on the command
//! line and found in folders become a [`Workspace`] whose reader reads them
//! from disk, only regular files and never beyond the size limit.

use crate::discover::{self, Candidate, Exclude, PathProblem};
use crate::workspace::{Content, File, ReadError, Reader, Workspace, display_name};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How much of an unusable file is kept to look for `kind:`.
const SNIFF_BYTES: usize = 64 * 1024;

/// How far into a file over the size limit `kind:` is looked for, read a
/// window at a time (time bounded, memory two windows).
const SCAN_BYTES: u64 = 64 * 1024 * 1024;

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
        let cwd = Cwd::new();
        discover::yaml_under(dir, self.exclude.as_ref())
            .into_iter()
            .map(|c| file(c, &cwd))
            .collect()
    }
}

fn fail(zh: String, en: String, head: Option<Vec<u8>>) -> ReadError {
    ReadError { zh, en, head }
}

/// The bytes that tell whether a file over the limit meant to be a
/// declaration: the first window of the file, or, when `kind` is not in it,
/// the first later window (within [`SCAN_BYTES`]) that mentions it, so a
/// declaration after 64 KB of comments is still reported (D8 of issue 16).
fn sniff(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let (f, _) = crate::fsio::open_nonblocking(path).ok()?;
    let mut f = f.take(SCAN_BYTES);
    let mut head = Vec::new();
    (&mut f)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    if crate::load::bytes_mention_kind(&head) {
        return Some(head);
    }
    // Later windows overlap by a few bytes, so a `kind:` cut in two is seen.
    let mut window = head[head.len().saturating_sub(16)..].to_vec();
    loop {
        let n = (&mut f)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut window)
            .ok()?;
        if n == 0 {
            return Some(head);
        }
        if crate::load::bytes_mention_kind(&window) {
            return Some(window);
        }
        let tail = window.len().saturating_sub(16);
        window.drain(..tail);
    }
}

/// Read a file's bytes, or why not. The file is opened without blocking
/// ([`crate::fsio::open_nonblocking`]) and only a regular file, checked on the
/// open descriptor, is read: a FIFO or a device named on the command line, or
/// a regular file that blocks on read (`/proc/kmsg`, a tracefs pipe), answers
/// at once instead of hanging the run. Never more than `limit` bytes are read,
/// whatever the metadata said.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let io_fail = |e: std::io::Error| {
        let zh = if e.kind() == std::io::ErrorKind::WouldBlock {
            "读取会阻塞（不是普通的磁盘文件）"
        } else {
            discover::io_zh(&e)
        };
        fail(
            format!("无法读取文件：{zh}"),
            format!("cannot read the file: {e}"),
            None,
        )
    };
    // `stat` first, so a device is never opened (opening some has effects of
    // its own); then the open descriptor is checked again, so what is read is
    // what was checked.
    let named = std::fs::metadata(path).map_err(io_fail)?;
    let (f, meta) = if named.is_file() {
        let (f, meta) = crate::fsio::open_nonblocking(path).map_err(io_fail)?;
        (Some(f), meta)
    } else {
        (None, named)
    };
    let Some(f) = f.filter(|_| meta.is_file()) else {
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
    };
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

/// The current folder, as given and canonical, looked up once per run.
struct Cwd {
    given: Option<PathBuf>,
    canonical: Option<PathBuf>,
}

impl Cwd {
    fn new() -> Cwd {
        let given = std::env::current_dir().ok();
        let canonical = given.as_deref().and_then(|d| std::fs::canonicalize(d).ok());
        Cwd { given, canonical }
    }
}

/// A file on disk: shown by its path relative to the current folder when it
/// lies below it, related to others by its absolute path (so `check
/// summary.yaml` in the summary's folder sees its projects). The folder walk
/// usually knows the absolute path already; otherwise it is resolved here.
fn file(c: Candidate, cwd: &Cwd) -> File {
    let p = c.path;
    let abs = c
        .place
        .or_else(|| std::fs::canonicalize(&p).ok())
        .unwrap_or_else(|| cwd.given.as_ref().map_or_else(|| p.clone(), |d| d.join(&p)));
    let shown = if p.is_absolute() {
        cwd.canonical
            .as_deref()
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
        explicit: c.explicit,
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
    let cwd = Cwd::new();
    // One more for standard input.
    ws.reserve(candidates.len() + 1);
    for c in candidates {
        ws.push(file(c, &cwd));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Run `f` on a thread; fail (instead of hanging the suite) after 20 s.
    fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .expect("the read blocked")
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_at_once() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("p.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()));
        let e = within(move || read_file(&fifo, 1 << 20)).unwrap_err();
        assert!(e.en.contains("not a regular file"), "{e:?}");
    }

    /// `/proc/kmsg` is a regular file that blocks on read; readable by root
    /// only (elsewhere the open fails, which is fine too).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_regular_file_that_blocks_is_not_waited_for() {
        let e = within(|| read_file(Path::new("/proc/kmsg"), 1 << 20));
        assert!(e.is_err(), "{e:?}");
    }

    #[test]
    fn sniffing_finds_kind_after_the_first_window() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.yaml");
        let mut text = "# padding\n".repeat(20_000);
        text.push_str("kind: target\n");
        std::fs::write(&p, &text).unwrap();
        let head = sniff(&p).unwrap();
        assert!(crate::load::bytes_mention_kind(&head));
        assert!(head.len() <= SNIFF_BYTES + 16);
        std::fs::write(&p, "# padding\n".repeat(20_000)).unwrap();
        let head = sniff(&p).unwrap();
        assert!(!crate::load::bytes_mention_kind(&head));
        assert_eq!(head.len(), SNIFF_BYTES);
        // A read over the limit sniffs the whole file, not only 64 KB.
        std::fs::write(&p, &text).unwrap();
        let e = read_file(&p, 100).unwrap_err();
        assert!(
            e.head
                .as_deref()
                .is_some_and(crate::load::bytes_mention_kind)
        );
    }
}
