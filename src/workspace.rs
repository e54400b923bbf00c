//! The files of a run: a workspace of named files held in memory (YAML text,
//! or bytes to decode) or left on disk behind a [`Reader`]. The check pipeline
//! reads only through the workspace, so the command line fills it from disk,
//! an editor from its open buffers and the page from dropped files.

use crate::source::PathProblem;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a file holds.
#[derive(Clone, Debug)]
pub enum Content {
    /// Decoded text (an editor buffer, a pasted declaration).
    Text(Arc<str>),
    /// Raw bytes, decoded on use (a dropped file: UTF-8, UTF-16, or a
    /// legacy encoding that is reported).
    Bytes(Arc<[u8]>),
    /// Read through the workspace's reader when checked.
    Unread,
}

/// One file of a workspace.
#[derive(Clone, Debug)]
pub struct File {
    /// The name shown in findings (`examples/chengde-2022/summary.yaml`).
    pub name: Arc<str>,
    /// The path as given (read through the reader; shown in SARIF URIs and
    /// baselines).
    pub path: PathBuf,
    /// Where the file sits, for relations between documents (a summary
    /// covers the projects in its folder and below): the disk workspace
    /// makes it absolute, in memory it is the path.
    pub place: PathBuf,
    /// What it holds.
    pub content: Content,
    /// Named by the user (checked strictly: a YAML file that is not a
    /// declaration is an error), rather than found in a folder.
    pub explicit: bool,
}

impl File {
    /// Whether the file's name says it is a workbook (`.xlsx`, `.xls`,
    /// `.et`, `.ods`).
    pub fn is_workbook(&self) -> bool {
        crate::workbook::is_workbook_name(&self.name)
    }
}

/// Where files that are not in memory come from: the disk for the command
/// line, open buffers over the disk for an editor.
pub trait Reader: Send + Sync {
    /// The bytes of the file at `path`, at most `limit` bytes plus one (so a
    /// file over the limit is told apart), or why not.
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError>;
    /// The declaration candidates in `dir` and below (a summary's coverage),
    /// sorted, as files to read through this reader.
    fn yaml_under(&self, dir: &Path) -> Vec<File>;
}

/// Why a file could not be read, in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// The reason in Chinese.
    pub zh: String,
    /// The reason in English.
    pub en: String,
    /// The first bytes, when some could be read (to tell whether an
    /// unusable file in a scanned folder meant to be a declaration).
    pub head: Option<Vec<u8>>,
}

/// The files of one run.
#[derive(Clone, Default)]
pub struct Workspace {
    files: Vec<File>,
    problems: Vec<PathProblem>,
    reader: Option<Arc<dyn Reader>>,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("files", &self.files)
            .field("problems", &self.problems)
            .field("reader", &self.reader.is_some())
            .finish()
    }
}

impl Workspace {
    /// An empty workspace with no reader: every file is given in memory.
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// A workspace whose [`Content::Unread`] files, and the projects a
    /// summary covers beyond those given, come from `reader`.
    pub fn with_reader(reader: Arc<dyn Reader>) -> Workspace {
        Workspace {
            reader: Some(reader),
            ..Workspace::default()
        }
    }

    /// Add a file; the name is also its path. Returns `self` for chaining.
    pub fn add(&mut self, name: impl Into<Arc<str>>, content: Content) -> &mut Workspace {
        let name = name.into();
        self.files.push(File {
            path: PathBuf::from(&*name),
            place: PathBuf::from(&*name),
            name,
            content,
            explicit: true,
        });
        self
    }

    /// Add a file of YAML text.
    pub fn add_text(
        &mut self,
        name: impl Into<Arc<str>>,
        text: impl Into<Arc<str>>,
    ) -> &mut Workspace {
        self.add(name, Content::Text(text.into()))
    }

    /// Add a file as bytes (decoded, or reported when they are not text).
    pub fn add_bytes(
        &mut self,
        name: impl Into<Arc<str>>,
        bytes: impl Into<Arc<[u8]>>,
    ) -> &mut Workspace {
        self.add(name, Content::Bytes(bytes.into()))
    }

    /// Add a file in full.
    pub fn push(&mut self, file: File) -> &mut Workspace {
        self.files.push(file);
        self
    }

    /// Room for `n` more files, so adding them does not grow the list in steps.
    pub fn reserve(&mut self, n: usize) -> &mut Workspace {
        self.files.reserve_exact(n);
        self
    }

    /// Record a path that could not be used at all (missing, unreadable folder).
    pub fn problem(&mut self, p: PathProblem) -> &mut Workspace {
        self.problems.push(p);
        self
    }

    /// The files, in the order given.
    pub fn files(&self) -> &[File] {
        &self.files
    }

    /// The unusable paths recorded.
    pub fn problems(&self) -> &[PathProblem] {
        &self.problems
    }

    /// The reader, if any.
    /// Replace what file `i` holds (a fixed text checked again); nothing
    /// when there is no such file.
    pub(crate) fn set_content(&mut self, i: usize, content: Content) {
        if let Some(f) = self.files.get_mut(i) {
            f.content = content;
        }
    }

    pub(crate) fn reader(&self) -> Option<&dyn Reader> {
        self.reader.as_deref()
    }
}

/// Display name for a path: as given, without a leading `./`.
pub(crate) fn display_name(p: &Path) -> Arc<str> {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).into()
}
