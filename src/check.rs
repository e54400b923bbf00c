//! The check pipeline over a [`Workspace`]: load and evaluate each file in
//! parallel, relate documents (a summary to its projects, a self-evaluation to
//! its target), evaluate the cross-document rules, then apply waivers and the
//! baseline. No file system, no printing: files come from the workspace (and
//! its reader), findings go out as data. One bad file never stops the others.

use crate::baseline::Baseline;
use crate::diag::{FileId, Finding, Lang, Severity, Suppression, Tally};
use crate::load::{self, LoadOptions, code_finding};
use crate::model::{Doc, Key, Kind, Node, Value};
use crate::par;
use crate::rules::{Context, RuleSet, eval};
use crate::source::normal;
pub use crate::source::{FileEntry, PathProblem};
use crate::source::{Marks, Span};
use crate::workbook::Table;
use crate::workspace::{Content, File, Workspace};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Everything a run needs besides the files and the rules.
#[derive(Clone, Debug)]
pub struct Options {
    /// How declarations are read (profile, language, limits).
    pub load: LoadOptions,
    /// Findings already accepted: reported as suppressed.
    pub baseline: Option<Baseline>,
    /// Keep the loaded documents in the result (for the review pack).
    pub keep_docs: bool,
    /// Keep the texts of the files with findings in [`Outcome::files`] (for
    /// snippets and fixes; on by default). Off, each such file keeps only the
    /// lines and columns its findings point at ([`FileEntry::marks`]), all
    /// the machine formats need: a large run then holds no texts. A baseline
    /// or the review pack keeps the texts whatever this says.
    pub keep_texts: bool,
    /// The config's waivers: each silences its rule in the files it names.
    pub waivers: Vec<ConfigWaiver>,
}

/// A waiver of the config, ready to match files.
#[derive(Clone, Debug)]
pub struct ConfigWaiver {
    /// The rule it silences.
    pub code: String,
    /// Why: kept with each finding it silences.
    pub reason: String,
    /// The files it applies to (as `exclude` matches them); every file when `None`.
    pub files: Option<crate::discover::Exclude>,
}

impl ConfigWaiver {
    /// The config's waivers, their `file` globs relative to `base` (the
    /// config's folder).
    pub fn of(config: &crate::config::Config) -> Result<Vec<ConfigWaiver>, globset::Error> {
        let base = config.path.as_deref().and_then(std::path::Path::parent);
        config
            .waivers
            .iter()
            .map(|w| {
                Ok(ConfigWaiver {
                    code: w.code.clone(),
                    reason: w.reason.clone(),
                    files: match w.files.is_empty() {
                        true => None,
                        false => Some(crate::discover::Exclude::new(&w.files, base)?),
                    },
                })
            })
            .collect()
    }

    fn covers(&self, file: &FileEntry) -> bool {
        let place = (!file.place.as_os_str().is_empty()).then_some(file.place.as_path());
        self.files
            .as_ref()
            .is_none_or(|g| g.matches(&file.path, std::path::Path::new("."), place))
    }
}

impl Options {
    /// Options with no baseline that drop the documents once checked.
    pub fn new(load: LoadOptions) -> Options {
        Options {
            load,
            baseline: None,
            keep_docs: false,
            keep_texts: true,
            waivers: Vec::new(),
        }
    }
    fn lang(&self) -> Lang {
        self.load.lang
    }
    /// Whether texts are kept: asked for, or needed by the baseline (which
    /// matches findings by the text at their spans) or the review pack.
    fn texts_kept(&self) -> bool {
        self.keep_texts || self.baseline.is_some() || self.keep_docs
    }
}

/// The outcome of a run.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every file of the run, by [`FileId`].
    pub files: Vec<FileEntry>,
    /// Sorted by file, then position.
    pub findings: Vec<Finding>,
    /// Paths that could not be used at all (missing, unreadable folders).
    pub problems: Vec<PathProblem>,
    /// Loaded documents by file id (only with `keep_docs`).
    pub docs: Vec<Option<Doc>>,
    /// Entries of the baseline for the files of this run that no finding
    /// matched any more: fixed since, the baseline can be rewritten.
    pub stale_baseline: usize,
}

impl Outcome {
    /// Counts for the summary line.
    pub fn tally(&self) -> Tally {
        let mut t = Tally {
            files: self
                .files
                .iter()
                .filter(|f| f.reported && f.declaration)
                .count(),
            stale: self.stale_baseline,
            ..Tally::default()
        };
        for f in &self.findings {
            t.add(f);
        }
        t
    }

    /// The file of an id.
    pub fn file(&self, id: FileId) -> Option<&FileEntry> {
        self.files.get(id as usize)
    }
}

/// What the first phase keeps of a document to relate it to others: the
/// document itself only when needed (a summary, or the review pack).
#[derive(Debug, Clone)]
struct Ident {
    kind: Kind,
    year: Option<i32>,
    department: Option<Box<str>>,
    code: Option<Box<str>>,
    name: Option<Box<str>>,
}

impl Ident {
    fn of(d: &Doc) -> Ident {
        Ident {
            kind: d.kind,
            year: d.year,
            department: d.department().map(Into::into),
            code: d.project_code().map(Into::into),
            name: d.project_name().map(Into::into),
        }
    }
}

/// A `waivers` entry, kept apart from its document.
#[derive(Debug, Clone)]
struct Waiver {
    code: String,
    reason: Option<String>,
    /// The `rule` value (or the waiver when it has none).
    at: Span,
    /// The waiver's first entry.
    whole: Span,
    /// The `reason` value, when the key is there (blank or not).
    reason_at: Option<Span>,
    /// The `path` the waiver is limited to, when it has one.
    path: Option<WaiverPath>,
}

/// A waiver's `path`: a node as the JSON output's `path` names it
/// (`indicators.产出指标.数量指标[服务人次]`, key aliases allowed) or the
/// name of a third-level indicator (`服务人次`).
#[derive(Debug, Clone)]
struct WaiverPath {
    /// As written, trimmed.
    text: String,
    /// The value's span.
    at: Span,
    /// The finding paths it covers (each with what lies below it); empty when
    /// it names nothing in the document.
    nodes: Vec<String>,
    /// The document's indicator names, for a guess when `nodes` is empty.
    names: Vec<String>,
}

impl WaiverPath {
    /// Whether a finding at `path` lies at or below one of the nodes.
    fn covers(&self, path: &str) -> bool {
        self.nodes.iter().any(|n| {
            path.strip_prefix(n.as_str())
                .is_some_and(|t| t.is_empty() || t.starts_with(['.', '[']))
        })
    }
}

/// The finding paths `text` names in `root`: a dotted path with `[name]` (or
/// `[index]`) list items, keys in any of their spellings; or, a single word
/// that is no top-level key, every indicator of that name.
fn waiver_nodes(root: &Node, text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    if !text.contains(['.', '[']) && Key::lookup(text).is_none_or(|k| root.get(k).is_none()) {
        return root
            .indicators()
            .filter(|(_, _, n)| n.get(Key::Name).and_then(Node::text).map(str::trim) == Some(text))
            .map(|(l1, l2, n)| {
                let name = n.get(Key::Name).and_then(Node::text).unwrap_or_default();
                format!("{}.{l1}.{l2}[{name}]", Key::Indicators)
            })
            .collect();
    }
    let mut node = root;
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let Some(end) = r.find(']') else {
                return Vec::new();
            };
            let want = r[..end].trim();
            let items = node.items();
            let name_of = |it: &Node| it.get(Key::Name).and_then(Node::text).map(str::to_owned);
            let found = items
                .iter()
                .enumerate()
                .find(|(_, it)| name_of(it).as_deref().map(str::trim) == Some(want))
                .or_else(|| {
                    let i = want.parse::<usize>().ok()?;
                    items
                        .get(i)
                        .filter(|it| name_of(it).is_none())
                        .map(|it| (i, it))
                });
            let Some((i, it)) = found else {
                return Vec::new();
            };
            out.push('[');
            out.push_str(&name_of(it).unwrap_or_else(|| i.to_string()));
            out.push(']');
            node = it;
            rest = &r[end + 1..];
        } else {
            let r = if out.is_empty() {
                rest
            } else {
                match rest.strip_prefix('.') {
                    Some(r) => r,
                    None => return Vec::new(),
                }
            };
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let Some(e) = Key::lookup(r[..end].trim()).and_then(|k| node.entry(k)) else {
                return Vec::new();
            };
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(e.key.name());
            node = &e.node;
            rest = &r[end..];
        }
    }
    vec![out]
}

fn waivers_of(doc: &Doc) -> Vec<Waiver> {
    let Some(ws) = doc.root.get(Key::Waivers) else {
        return Vec::new();
    };
    ws.items()
        .iter()
        .map(|w| {
            let rule = w.entry(Key::Rule);
            Waiver {
                code: rule
                    .and_then(|e| e.node.text())
                    .map(str::trim)
                    .unwrap_or("")
                    .to_owned(),
                reason: w
                    .get(Key::Reason)
                    .and_then(Node::text)
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(str::to_owned),
                at: rule.map_or_else(|| waiver_span(w), |e| e.node.span),
                whole: waiver_span(w),
                reason_at: w.entry(Key::Reason).map(|e| e.node.span),
                path: w.entry(Key::Path).map(|e| {
                    let text = e.node.text().map(str::trim).unwrap_or("").to_owned();
                    WaiverPath {
                        nodes: waiver_nodes(&doc.root, &text),
                        names: doc
                            .root
                            .indicators()
                            .filter_map(|(_, _, n)| n.get(Key::Name).and_then(Node::text))
                            .map(str::to_owned)
                            .collect(),
                        text,
                        at: e.node.span,
                    }
                }),
            }
        })
        .collect()
}

/// One file after loading and its own rules.
#[derive(Default)]
struct Loaded {
    text: Option<Arc<str>>,
    /// In place of the text when texts are not kept.
    marks: Option<Marks>,
    /// The loaded document, kept to relate it to others (no file is read twice).
    doc: Option<Doc>,
    ident: Option<Ident>,
    waivers: Vec<Waiver>,
    /// Findings of the loader and the rules about this document alone.
    findings: Vec<Finding>,
    /// Findings of the cross-document rules with no related document; replaced
    /// in the second phase when the document turns out to have relations.
    cross: Vec<Finding>,
    /// Findings past the per-file cap, counted by the loader and the rules.
    dropped: crate::diag::Dropped,
    declaration: bool,
}

impl Loaded {
    /// A file that could not be read: a declaration (named by the user, or
    /// whose first bytes mention `kind`, or with nothing read) keeps the
    /// finding that says why; other files are not declarations.
    fn unread(finding: Finding, explicit: bool, head: Option<&[u8]>) -> Loaded {
        let declaration = explicit || head.is_none_or(load::bytes_mention_kind);
        Loaded {
            findings: if declaration {
                vec![finding]
            } else {
                Vec::new()
            },
            declaration,
            ..Loaded::default()
        }
    }
}

/// Check every file of `ws` with the compiled `rules`.
pub fn check(ws: &Workspace, rules: &RuleSet, opts: &Options) -> Outcome {
    let lang = opts.lang();
    // Phase 1, in parallel: each file on its own. Texts are let go as soon
    // as a file is checked unless a finding needs them; documents are kept
    // to relate them to others.
    let budget = Budget::new(DOC_BUDGET);
    let Phase1 {
        given,
        origins,
        tables,
        mut loaded,
    } = phase1(ws, rules, opts, &budget);
    let given = &given[..];
    let reread = Reread {
        ws,
        given,
        origins: &origins,
        opts,
    };
    let mut files: Vec<FileEntry> = given
        .iter()
        .zip(&mut loaded)
        .zip(tables)
        .map(|((f, l), table)| FileEntry {
            path: f.path.clone(),
            place: f.place.clone(),
            name: f.name.clone(),
            text: l.text.take(),
            marks: l.marks.take(),
            reported: true,
            declaration: l.declaration,
            table,
        })
        .collect();

    // A summary also covers the projects in its folder that were not named.
    let summary_dirs: Vec<PathBuf> = loaded
        .iter()
        .zip(&files)
        .filter(|(l, _)| l.ident.as_ref().is_some_and(|d| d.kind == Kind::Summary))
        .map(|(_, f)| {
            f.place
                .parent()
                .map_or_else(PathBuf::new, Path::to_path_buf)
        })
        .collect();
    if let Some(reader) = ws.reader().filter(|_| !summary_dirs.is_empty()) {
        let mut known: std::collections::HashSet<PathBuf> =
            files.iter().map(|f| normal(&f.place)).collect();
        let mut extra: Vec<File> = Vec::new();
        let mut dirs_done = std::collections::HashSet::new();
        for dir in &summary_dirs {
            // Several summaries in one folder walk it once.
            if !dirs_done.insert(normal(dir)) {
                continue;
            }
            for f in reader.yaml_under(dir) {
                if known.insert(normal(&f.place)) {
                    extra.push(f);
                }
            }
        }
        let base = files.len();
        let more: Vec<Loaded> = par::map(&extra, |i, f| {
            load_only(ws, f, (base + i) as FileId, opts, &budget)
        });
        for (f, l) in extra.into_iter().zip(more) {
            files.push(FileEntry {
                table: None,
                name: f.name,
                path: f.path,
                place: f.place,
                text: None,
                marks: None,
                // A covered file that could not be loaded is reported.
                reported: broken(&l),
                declaration: l.declaration,
            });
            loaded.push(l);
        }
    }

    // Phase 2: cross-document rules for the documents that have relations.
    if rules.rules.iter().any(|r| r.cross) {
        cross_phase(&reread, &mut loaded, &files, rules, opts);
    }

    // Waivers, per file, over every finding of that file; each file's
    // findings sorted by position, so the whole run is in file order.
    let mut per_file: Vec<Vec<Finding>> = Vec::with_capacity(loaded.len());
    for (i, l) in loaded.iter_mut().enumerate() {
        if !files[i].reported {
            continue;
        }
        let mut fs = std::mem::take(&mut l.findings);
        fs.append(&mut l.cross);
        l.dropped.cap(&mut fs, i as FileId, lang);
        apply_waivers(&l.waivers, i as FileId, &mut fs, rules, lang);
        for w in opts.waivers.iter().filter(|w| w.covers(&files[i])) {
            for f in fs
                .iter_mut()
                .filter(|f| f.suppressed.is_none() && *f.code == *w.code)
            {
                f.suppressed = Some(Suppression::Waiver(w.reason.clone()));
            }
        }
        fs.sort_by(|a, b| (a.span.start, &a.code).cmp(&(b.span.start, &b.code)));
        if !fs.is_empty() {
            per_file.push(fs);
        }
    }
    book_waivers(&mut per_file, &origins, &files);
    let mut all: Vec<Finding> = Vec::with_capacity(per_file.iter().map(Vec::len).sum());
    per_file.into_iter().for_each(|mut fs| all.append(&mut fs));
    // A finding placed in another file than its document's (none today)
    // still lands in its file's place.
    if !all.is_sorted_by_key(|f| f.file) {
        all.sort_by(|a, b| (a.file, a.span.start, &a.code).cmp(&(b.file, b.span.start, &b.code)));
    }
    // Texts (or their marks) are kept only where a finding or label needs
    // them (or for the review pack); a label into a file whose text was let
    // go, or a finding of phase 2 its marks do not cover, reads it again.
    let mut wanted: Vec<(FileId, u32)> = all.iter().flat_map(offsets_of).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let offsets_in = |i: usize| -> Vec<u32> {
        let from = wanted.partition_point(|w| (w.0 as usize) < i);
        let to = wanted.partition_point(|w| (w.0 as usize) <= i);
        wanted[from..to].iter().map(|w| w.1).collect()
    };
    let mut needed = vec![opts.keep_docs; files.len()];
    for w in &wanted {
        needed[w.0 as usize] = true;
    }
    let covered = |e: &FileEntry, i: usize| {
        e.marks
            .as_ref()
            .is_some_and(|m| offsets_in(i).into_iter().all(|o| m.get(o).is_some()))
    };
    // A table let go in phase 1 that a finding of phase 2 points into is
    // read again, for its cells.
    let untabled =
        |i: usize| origins.get(i).is_some_and(Option::is_some) && files[i].table.is_none();
    let missing: Vec<usize> = (0..files.len())
        .filter(|&i| {
            needed[i] && (untabled(i) || files[i].text.is_none() && !covered(&files[i], i))
        })
        .collect();
    let texts = par::map(&missing, |_, &i| (i, reread.text(&files, i)));
    for (i, (text, table)) in texts {
        if let Some(t) = table.filter(|_| files[i].table.is_none()) {
            files[i].table = Some(Arc::new(t));
        }
        if files[i].text.is_none() {
            files[i].text = text.map(Into::into);
        }
    }
    let keep_texts = opts.texts_kept();
    for (i, (f, keep)) in files.iter_mut().zip(needed).enumerate() {
        if !keep {
            f.text = None;
            f.marks = None;
            f.table = None;
        } else if !keep_texts && let Some(text) = f.text.take() {
            f.marks = Some(Marks::new(&text, offsets_in(i)));
        }
    }
    // The baseline matches findings by the text at their spans.
    let stale_baseline = opts
        .baseline
        .as_ref()
        .map_or(0, |b| b.apply(&mut all, &files));
    let docs = if opts.keep_docs {
        loaded.into_iter().map(|l| l.doc).collect()
    } else {
        Vec::new()
    };
    Outcome {
        files,
        findings: all,
        problems: ws.problems().to_vec(),
        docs,
        stale_baseline,
    }
}

/// The 豁免 sheet of a workbook of several tables goes into each table, so
/// a bad row would be a JX009 in every table, and a row that silences a
/// finding (or names an indicator) in one table a JX009 in the others. A
/// row's JX009 is the book's: reported once, in the first table, when every
/// table has it, and not at all when only some do.
fn book_waivers(
    per_file: &mut [Vec<Finding>],
    origins: &[Option<(usize, usize)>],
    files: &[FileEntry],
) {
    let mut tables_in: HashMap<usize, usize> = HashMap::new();
    for &(book, _) in origins.iter().flatten() {
        *tables_in.entry(book).or_default() += 1;
    }
    if tables_in.values().all(|&n| n < 2) {
        return;
    }
    // The book and the 豁免 row of a row's JX009 in a table of several (its
    // cell differs: a path that names nothing is said at the path).
    let row_of = |f: &Finding| {
        let (book, _) = (*origins.get(f.file as usize)?)?;
        let t = files.get(f.file as usize)?.table.as_deref()?;
        let cell = t.anchor(f.span.start as usize, f.span.end as usize)?;
        (&*f.code == "JX009"
            && !f.is_suppressed()
            && cell.sheet != t.sheet_index
            && tables_in[&book] > 1)
            .then_some((book, cell.sheet, cell.row))
    };
    let mut count: HashMap<_, usize> = HashMap::new();
    for f in per_file.iter().flatten() {
        if let Some(k) = row_of(f) {
            *count.entry(k).or_default() += 1;
        }
    }
    let mut told = std::collections::HashSet::new();
    for fs in per_file.iter_mut() {
        fs.retain(|f| match row_of(f) {
            None => true,
            Some(k) => count[&k] == tables_in[&k.0] && told.insert(k),
        });
    }
}

/// The offsets a finding's primary span and labels point at, with their
/// files: what its lines and columns are worked out for.
fn offsets_of(f: &Finding) -> impl Iterator<Item = (FileId, u32)> + '_ {
    std::iter::once((f.file, f.span))
        .chain(f.labels.iter().map(|l| (l.file, l.span)))
        .flat_map(|(id, s)| [(id, s.start), (id, s.end)])
}

/// Relate documents and evaluate the cross-document rules of every document
/// that has a relation (a summary always; a self-evaluation with its target),
/// with the documents phase 1 kept.
fn cross_phase(
    reread: &Reread<'_>,
    loaded: &mut [Loaded],
    files: &[FileEntry],
    rules: &RuleSet,
    opts: &Options,
) {
    let idents: Vec<Option<&Ident>> = loaded.iter().map(|l| l.ident.as_ref()).collect();
    let relations = relate(&idents, files);
    // A summary is not summed over a project file it brought in (one not
    // given to the run) that could not be loaded: that file's own finding
    // says why, not a false JX501–JX503. Given files are all reported anyway.
    let unloaded: Vec<PathBuf> = (reread.given.len()..loaded.len())
        .filter(|&i| broken(&loaded[i]))
        .map(|i| normal(&files[i].place))
        .collect();
    let incomplete = |i: usize| {
        let dir = normal(files[i].place.parent().unwrap_or(Path::new("")));
        unloaded.iter().any(|p| p.starts_with(&dir))
    };
    let mut subjects: Vec<usize> = relations
        .projects
        .keys()
        .copied()
        .filter(|&i| !incomplete(i))
        .collect();
    subjects.extend(relations.declared.keys().copied());
    subjects.retain(|&i| files[i].reported);
    subjects.sort_unstable();
    if subjects.is_empty() {
        return;
    }
    // Documents phase 1 let go (over the budget) are loaded again.
    let mut needed: Vec<usize> = subjects.clone();
    needed.extend(relations.projects.values().flatten());
    needed.extend(relations.declared.values());
    needed.sort_unstable();
    needed.dedup();
    needed.retain(|&i| loaded[i].doc.is_none());
    let again: HashMap<usize, Doc> = par::filter_map(&needed, |_, &i| {
        let text = reread.text(files, i).0?;
        Some((
            i,
            load::load_text(&text, i as FileId, &opts.load, true).doc?,
        ))
    })
    .into_iter()
    .collect();
    let docs: Vec<Option<&Doc>> = loaded
        .iter()
        .enumerate()
        .map(|(i, l)| l.doc.as_ref().or_else(|| again.get(&i)))
        .collect();
    let docs = |i: usize| docs.get(i).copied().flatten();
    let lang = opts.lang();
    let results: Vec<(usize, Vec<Finding>)> = par::filter_map(&subjects, |_, &i| {
        let doc = docs(i)?;
        let projects: Vec<(&Doc, FileId)> =
            relations.projects.get(&i).map_or_else(Vec::new, |ps| {
                ps.iter()
                    .filter_map(|&j| docs(j).map(|d| (d, j as FileId)))
                    .collect()
            });
        let declared = relations
            .declared
            .get(&i)
            .and_then(|&j| docs(j).map(|d| (d, j as FileId)));
        let cx = Context {
            doc,
            file: i as FileId,
            projects: &projects,
            declared,
            lang,
        };
        Some((i, eval::run(rules, &cx, true)))
    });
    for (i, fs) in results {
        loaded[i].cross = fs;
    }
}

/// Phase 1's result: the files of the run (a workbook replaced by its
/// tables), each loaded and checked on its own.
struct Phase1<'w> {
    /// The files of the run: the workspace's own (borrowed) when it holds no
    /// workbook; a table is a file of its own, named `book.xlsx` when it is
    /// the book's only one and `book.xlsx:Sheet` when there are several.
    given: std::borrow::Cow<'w, [File]>,
    /// For each table: the workbook's index in the workspace and the
    /// table's in the book (empty when the workspace holds no workbook).
    origins: Vec<Option<(usize, usize)>>,
    /// The table behind each file, while something needs it: its findings'
    /// cells, or the review pack (others are let go, read again if needed).
    tables: Vec<Option<Arc<Table>>>,
    loaded: Vec<Loaded>,
}

/// One file of the run as phase 1 leaves it.
struct Part {
    file: File,
    origin: Option<(usize, usize)>,
    table: Option<Arc<Table>>,
    loaded: Loaded,
}

/// Load and check every file of `ws` in parallel. A workbook is read, turned
/// into its tables and each table checked, in one step: a run over 10,000
/// workbooks holds the sheets of one book per thread, not of all of them. A
/// workbook that cannot be read, or holds no table, stays one file with its
/// JX008.
fn phase1<'w>(ws: &'w Workspace, rules: &RuleSet, opts: &Options, budget: &Budget) -> Phase1<'w> {
    let check = |f: &File, id: usize| load_and_check(ws, f, id as FileId, rules, opts, budget);
    if !ws.files().iter().any(File::is_workbook) {
        let given = ws.files();
        return Phase1 {
            loaded: par::map(given, |i, f| check(f, i)),
            given: std::borrow::Cow::Borrowed(given),
            origins: Vec::new(),
            tables: vec![None; given.len()],
        };
    }
    // Each file checked as file 0; numbered when all are known.
    let parts: Vec<Vec<Part>> = par::map(ws.files(), |wi, f| {
        let plain = |loaded: Loaded| {
            vec![Part {
                file: f.clone(),
                origin: None,
                table: None,
                loaded,
            }]
        };
        if !f.is_workbook() {
            return plain(check(f, 0));
        }
        match read_tables(ws, f, opts) {
            Err(None) => plain(Loaded::default()),
            Err(Some(finding)) => plain(Loaded {
                findings: vec![*finding],
                declaration: true,
                ..Loaded::default()
            }),
            Ok(tables) => tables
                .into_iter()
                .enumerate()
                .map(|(ti, (file, table))| {
                    let loaded = check(&file, 0);
                    let keep = opts.keep_docs
                        || !loaded.findings.is_empty()
                        || !loaded.cross.is_empty()
                        || !loaded.waivers.is_empty();
                    Part {
                        // The text stays (a document related in phase 2 is
                        // loaded from it again); the table is read again
                        // from the book only if a later finding needs cells.
                        file,
                        origin: Some((wi, ti)),
                        table: keep.then(|| Arc::new(table)),
                        loaded,
                    }
                })
                .collect(),
        }
    });
    let n = parts.iter().map(Vec::len).sum();
    let mut out = Phase1 {
        given: std::borrow::Cow::Owned(Vec::with_capacity(n)),
        origins: Vec::with_capacity(n),
        tables: Vec::with_capacity(n),
        loaded: Vec::with_capacity(n),
    };
    for (id, mut p) in parts.into_iter().flatten().enumerate() {
        let id = id as FileId;
        for f in p.loaded.findings.iter_mut().chain(&mut p.loaded.cross) {
            f.file = id;
            f.labels.iter_mut().for_each(|l| l.file = id);
        }
        out.given.to_mut().push(p.file);
        out.origins.push(p.origin);
        out.tables.push(p.table);
        out.loaded.push(p.loaded);
    }
    out
}

/// The tables of workbook `f` as files holding the YAML they read as (in
/// book order), or the JX008 that says why there are none. `Err(None)`: a
/// workbook found in a folder holds no known table (a budget sheet, the
/// review pack): it is not a declaration and is skipped, as other YAML is.
fn read_tables(
    ws: &Workspace,
    f: &File,
    opts: &Options,
) -> Result<Vec<(File, Table)>, Option<Box<Finding>>> {
    let lang = opts.lang();
    let fail = |msg: String| {
        let help = lang.pick(
            "用 WPS 或 Excel 打开确认能读，另存为 .xlsx 后再检查；jixiao import 可显示读出的内容",
            "open it in WPS or Excel to see that it reads, save it as .xlsx and check again; jixiao import shows what is read",
        );
        Some(Box::new(
            code_finding("JX008", lang, msg, 0, Span::at(0)).with_help(help),
        ))
    };
    let bytes = bytes_of(ws, f, crate::workbook::grid::MAX_BYTES as u64)
        .map_err(|e| fail(lang.pick(&e.zh, &e.en).to_owned()))?;
    let book = crate::workbook::read(&bytes, &f.name).map_err(|e| match e {
        crate::workbook::BookError::NoTable(_) if !f.explicit => None,
        e => fail(e.message(lang)),
    })?;
    let several = book.tables.len() > 1;
    Ok(book
        .tables
        .into_iter()
        .map(|t| {
            let name: Arc<str> = if several {
                format!("{}:{}", f.name, t.sheet).into()
            } else {
                f.name.clone()
            };
            let file = File {
                name,
                path: f.path.clone(),
                place: f.place.clone(),
                content: Content::Text(t.yaml.clone()),
                explicit: true,
            };
            // Without texts (the machine formats), no snippet shows the
            // sheet: its rows are let go at once.
            let t = if opts.texts_kept() {
                t
            } else {
                t.without_excerpts()
            };
            (file, t)
        })
        .collect())
}

/// Reads a file of the run again after phase 1: a text let go, a document
/// over the budget, a table whose cells a later finding needs.
struct Reread<'a> {
    ws: &'a Workspace,
    given: &'a [File],
    origins: &'a [Option<(usize, usize)>],
    opts: &'a Options,
}

impl Reread<'_> {
    /// The text of file `i` (and, for a table, the table, read from its
    /// book again), when it can be had.
    fn text(&self, files: &[FileEntry], i: usize) -> (Option<String>, Option<Table>) {
        if let Some(&Some((wi, ti))) = self.origins.get(i)
            && files[i].table.is_none()
        {
            let table = self
                .ws
                .files()
                .get(wi)
                .and_then(|book| read_tables(self.ws, book, self.opts).ok())
                .and_then(|mut ts| (ti < ts.len()).then(|| ts.swap_remove(ti)));
            return match table {
                Some((_, t)) => (Some(t.yaml.to_string()), Some(t)),
                None => (None, None),
            };
        }
        // A file a summary brought in is read through the reader.
        let f = self.given.get(i).cloned().unwrap_or_else(|| File {
            name: files[i].name.clone(),
            path: files[i].path.clone(),
            place: files[i].place.clone(),
            content: Content::Unread,
            explicit: false,
        });
        (text_of(self.ws, &f, i as FileId, self.opts).ok(), None)
    }
}

/// A workspace file's bytes: given ones as they are, others through the
/// reader (at most `limit` bytes plus one).
fn bytes_of<'f>(
    ws: &Workspace,
    f: &'f File,
    limit: u64,
) -> Result<std::borrow::Cow<'f, [u8]>, crate::workspace::ReadError> {
    use std::borrow::Cow;
    match &f.content {
        Content::Text(t) => Ok(Cow::Borrowed(t.as_bytes())),
        Content::Bytes(b) => Ok(Cow::Borrowed(b)),
        Content::Unread => match ws.reader() {
            Some(r) => r.read(&f.path, limit).map(Cow::Owned),
            None => Err(crate::workspace::ReadError {
                zh: "工作区中没有这个文件的内容".to_owned(),
                en: "the workspace holds no content for this file".to_owned(),
                head: None,
            }),
        },
    }
}

/// Why a file's text could not be had, and a prefix of its bytes when some
/// were read (to tell, in a scanned folder, whether it meant to be a declaration).
struct Unread {
    finding: Box<Finding>,
    head: Option<Vec<u8>>,
}

/// How much of an unusable file is kept to look for `kind:`.
const SNIFF_BYTES: usize = 64 * 1024;

/// The first [`SNIFF_BYTES`] of `bytes`, or the first window of that size
/// that mentions `kind` (a declaration after 64 KB of comments is still one).
fn sniff_window(bytes: &[u8]) -> Vec<u8> {
    let step = SNIFF_BYTES - 16;
    (0..bytes.len().max(1))
        .step_by(step)
        .map(|at| &bytes[at..bytes.len().min(at + SNIFF_BYTES)])
        .find(|w| load::bytes_mention_kind(w))
        .unwrap_or(&bytes[..bytes.len().min(SNIFF_BYTES)])
        .to_vec()
}

/// The decoded text of a workspace file, or the finding that says why not:
/// given text as is, bytes decoded, anything else through the reader, never
/// beyond the size limit.
fn text_of(ws: &Workspace, f: &File, file: FileId, opts: &Options) -> Result<String, Unread> {
    let lang = opts.lang();
    let limit = opts.load.max_file_size;
    let fail = |zh: String, en: String, head: Option<Vec<u8>>| Unread {
        finding: Box::new(code_finding(
            "JX008",
            lang,
            lang.pick(&zh, &en).to_owned(),
            file,
            Span::at(0),
        )),
        head,
    };
    let too_big = |size: usize, head: &[u8]| {
        fail(
            format!("文件有 {size} 字节，超过上限 {limit} 字节，未检查"),
            format!("the file has {size} bytes, over the limit of {limit}; not checked"),
            Some(sniff_window(head)),
        )
    };
    let bytes = bytes_of(ws, f, limit).map_err(|e| fail(e.zh, e.en, e.head))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len(), &bytes));
    }
    if let Content::Text(t) = &f.content {
        return Ok(t.to_string());
    }
    let mut bytes = bytes.into_owned();
    load::decode(&bytes, file, lang).map_err(|finding| {
        bytes.truncate(SNIFF_BYTES);
        Unread {
            finding,
            head: Some(bytes),
        }
    })
}

fn load_and_check(
    ws: &Workspace,
    f: &File,
    file: FileId,
    rules: &RuleSet,
    opts: &Options,
    budget: &Budget,
) -> Loaded {
    let explicit = f.explicit;
    let text = match text_of(ws, f, file, opts) {
        Ok(t) => t,
        Err(Unread { finding, head }) => {
            // Folder discovery skips what is clearly not a declaration; what
            // could not be read at all is reported.
            return Loaded::unread(*finding, explicit, head.as_deref());
        }
    };
    let mut l = load::load_text(&text, file, &opts.load, explicit);
    if l.not_a_declaration && later_declaration(&text, opts) {
        // Found in a folder, reported as if named: the document is not read.
        l = load::load_text(&text, file, &opts.load, true);
    }
    if l.not_a_declaration {
        return Loaded::default();
    }
    let mut out = Loaded {
        findings: l.findings,
        dropped: l.dropped,
        declaration: true,
        ..Loaded::default()
    };
    if let Some(doc) = l.doc {
        let cx = Context {
            doc: &doc,
            file,
            projects: &[],
            declared: None,
            lang: opts.lang(),
        };
        // Cross-document rules run as if nothing were related; a summary
        // always has relations and is evaluated again in phase 2.
        let (local, cross, dropped) = eval::run_split(rules, &cx);
        out.findings.extend(local);
        out.dropped.merge(dropped);
        if doc.kind != Kind::Summary {
            out.cross = cross;
        }
        out.ident = Some(Ident::of(&doc));
        out.waivers = waivers_of(&doc);
        if doc.kind == Kind::Summary || opts.keep_docs || budget.take(text.len()) {
            out.doc = Some(doc);
        }
    }
    // Kept until the end of the run: no room to spare.
    out.findings.shrink_to_fit();
    out.cross.shrink_to_fit();
    // The text is kept for the findings' snippets (and the review pack), or
    // the lines and columns they point at; a label into a file without
    // findings reads it again at the end.
    if !out.findings.is_empty()
        || !out.cross.is_empty()
        || !out.waivers.is_empty()
        || opts.keep_docs
        || matches!(f.content, Content::Text(_))
    {
        if opts.texts_kept() {
            out.text = Some(text.into());
        } else {
            let offsets = out
                .findings
                .iter()
                .chain(&out.cross)
                .flat_map(offsets_of)
                .filter(|(id, _)| *id == file)
                .map(|(_, o)| o)
                .collect();
            out.marks = Some(Marks::new(&text, offsets));
        }
    }
    out
}

/// Whether a YAML document after the first of `text` is a declaration (the
/// first is not, or the file would not be asked): such a file found in a
/// folder is reported (its later documents are JX001), never skipped. Each
/// parse stops at the next document, so the documents are read once each.
fn later_declaration(text: &str, opts: &Options) -> bool {
    if !text.contains("---") && !text.contains("...") {
        return false;
    }
    let mut rest = text;
    for _ in 0..64 {
        let parsed = crate::yaml::parse(rest, opts.load.yaml);
        let Some(next) = parsed.extra_documents.first() else {
            return false;
        };
        match rest.get(next.start as usize..) {
            Some(r) if r.len() < rest.len() => rest = r,
            _ => return false,
        }
        if !load::load_text(rest, 0, &opts.load, false).not_a_declaration {
            return true;
        }
    }
    false
}

/// A file a summary covers beyond those given: loaded, not checked. One that
/// means to be a declaration but cannot be read or loaded keeps the finding
/// that says why (it is reported: D9 of issue 16).
fn load_only(ws: &Workspace, f: &File, file: FileId, opts: &Options, budget: &Budget) -> Loaded {
    let text = match text_of(ws, f, file, opts) {
        Ok(t) => t,
        Err(Unread { finding, head }) => {
            return Loaded::unread(*finding, false, head.as_deref());
        }
    };
    let l = load::load_text(&text, file, &opts.load, false);
    if l.doc.is_none() && !l.not_a_declaration {
        return Loaded {
            findings: l.findings,
            declaration: true,
            ..Loaded::default()
        };
    }
    let keep = opts.keep_docs || budget.take(text.len());
    Loaded {
        declaration: l.doc.is_some(),
        ident: l.doc.as_ref().map(Ident::of),
        doc: l.doc.filter(|_| keep),
        ..Loaded::default()
    }
}

/// A file meant as a declaration that did not load (unreadable, broken
/// YAML, no kind): it counts for nothing a summary sums.
fn broken(l: &Loaded) -> bool {
    l.declaration && l.ident.is_none()
}

/// Source text whose loaded documents phase 1 keeps for relations, in bytes
/// (a loaded document takes about five times its text): about 75 typical
/// declarations, a department's summary and its projects. An editor, the page and pre-commit relate documents without
/// loading any twice; beyond it, a document let go is loaded again from the
/// workspace only when a relation needs it, so peak memory stays that of the
/// files in flight however large the run (10,000 files: ~40 MB).
const DOC_BUDGET: usize = 256 << 10;

/// What is left of [`DOC_BUDGET`], shared by the threads of phase 1.
struct Budget(std::sync::atomic::AtomicUsize);

impl Budget {
    fn new(bytes: usize) -> Budget {
        Budget(std::sync::atomic::AtomicUsize::new(bytes))
    }
    /// Take `n` bytes if that many are left.
    fn take(&self, n: usize) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        self.0
            .fetch_update(Relaxed, Relaxed, |left| left.checked_sub(n))
            .is_ok()
    }
}

/// Which documents a summary covers and which target a self-evaluation answers.
#[derive(Default)]
struct Relations {
    projects: HashMap<usize, Vec<usize>>,
    declared: HashMap<usize, usize>,
}

fn relate(docs: &[Option<&Ident>], files: &[FileEntry]) -> Relations {
    let mut r = Relations::default();
    // Paths resolved once per file, not once per (summary, file) pair.
    let has_summary = docs.iter().flatten().any(|d| d.kind == Kind::Summary);
    let canon: Vec<PathBuf> = if has_summary {
        files.iter().map(|f| normal(&f.place)).collect()
    } else {
        Vec::new()
    };
    // SPEC §2: `declared` is the target of the same `code`, else the one of the
    // same name, department and year. Codes are matched within a year (a
    // project re-declared every year may keep its code), and a project renamed
    // between declaration and self-evaluation is still the same project. A
    // target carrying a different code is another project, even when the name
    // is the same.
    let mut by_code: HashMap<(i32, &str), usize> = HashMap::new();
    let mut by_name: HashMap<(i32, &str, &str), usize> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        let Some(d) = d else { continue };
        if d.kind != Kind::Target {
            continue;
        }
        let Some(y) = d.year else { continue };
        if let Some(c) = d.code.as_deref() {
            by_code.entry((y, c)).or_insert(i);
        }
        if let (Some(n), Some(dep)) = (d.name.as_deref(), d.department.as_deref()) {
            by_name.entry((y, n, dep)).or_insert(i);
        }
    }
    for (i, d) in docs.iter().enumerate() {
        let Some(d) = d else { continue };
        if d.kind != Kind::SelfEvaluation {
            continue;
        }
        let Some(y) = d.year else { continue };
        let code = d.code.as_deref();
        let found = code
            .and_then(|c| by_code.get(&(y, c)).copied())
            .or_else(|| match (d.name.as_deref(), d.department.as_deref()) {
                (Some(n), Some(dep)) => by_name.get(&(y, n, dep)).copied().filter(|&t| {
                    let other = docs[t].and_then(|o| o.code.as_deref());
                    code.is_none() || other.is_none()
                }),
                _ => None,
            });
        if let Some(t) = found {
            r.declared.insert(i, t);
        }
    }
    // Summaries: projects of the same department and year in the folder and below.
    let mut by_owner: HashMap<(Option<i32>, Option<&str>), Vec<usize>> = HashMap::new();
    if has_summary {
        for (j, p) in docs.iter().enumerate() {
            if let Some(p) = p
                && p.kind != Kind::Summary
            {
                by_owner
                    .entry((p.year, p.department.as_deref()))
                    .or_default()
                    .push(j);
            }
        }
    }
    for (i, d) in docs.iter().enumerate() {
        let Some(s) = d else { continue };
        if s.kind != Kind::Summary {
            continue;
        }
        let dir = normal(files[i].place.parent().unwrap_or(Path::new("")));
        let mut chosen: Vec<usize> = Vec::new();
        let mut keys: HashMap<String, usize> = HashMap::new();
        let candidates = by_owner
            .get(&(s.year, s.department.as_deref()))
            .map_or(&[][..], Vec::as_slice);
        for &j in candidates {
            let Some(p) = docs[j] else { continue };
            if !canon[j].starts_with(&dir) {
                continue;
            }
            // A project with a target and a self-evaluation counts once, by the latter.
            let key = p
                .code
                .as_deref()
                .map(|c| format!("code:{c}"))
                .or_else(|| p.name.as_deref().map(|n| format!("name:{n}")))
                .unwrap_or_else(|| format!("file:{j}"));
            match keys.get(&key) {
                Some(&k) => {
                    let prev = &chosen[k];
                    if docs[*prev].is_some_and(|x| x.kind == Kind::Target)
                        && p.kind == Kind::SelfEvaluation
                    {
                        chosen[k] = j;
                    }
                }
                None => {
                    keys.insert(key, chosen.len());
                    chosen.push(j);
                }
            }
        }
        // And a target answered by a chosen self-evaluation under another key
        // (the self-evaluation names no code, the target does) is that project too.
        let answered: Vec<usize> = chosen
            .iter()
            .filter_map(|j| r.declared.get(j).copied())
            .collect();
        chosen.retain(|j| !answered.contains(j));
        r.projects.insert(i, chosen);
    }
    r
}

/// `waivers` silence their rule in this file, only with a reason; a waiver with
/// no reason, naming no known rule, or silencing nothing is JX009.
fn apply_waivers(
    waivers: &[Waiver],
    file: FileId,
    findings: &mut Vec<Finding>,
    rules: &RuleSet,
    lang: Lang,
) {
    let mut extra = Vec::new();
    // Findings by code, so each waiver touches only its own (no waivers × findings).
    let mut by_code: HashMap<Arc<str>, Vec<usize>> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        by_code.entry(f.code.clone()).or_default().push(i);
    }
    for w in waivers {
        // `jx304` is JX304, as for --select and explain (unless a rule of
        // the user's is spelt in lower case).
        let upper = w.code.to_ascii_uppercase();
        let code = match rules.knows(&w.code) || !rules.knows(&upper) {
            true => w.code.as_str(),
            false => upper.as_str(),
        };
        if code.is_empty() || !rules.knows(code) {
            let msg = match (lang, code.is_empty()) {
                (Lang::Zh, true) => "豁免没有写明 rule（规则编号）".to_owned(),
                (Lang::En, true) => "the waiver names no rule".to_owned(),
                (Lang::Zh, false) => format!("豁免的规则“{code}”不存在"),
                (Lang::En, false) => format!("the waiver names `{code}`, which is not a rule"),
            };
            let mut f = code_finding("JX009", lang, msg, file, w.at);
            let codes = rules.codes();
            // Each case its own help (first contact #28).
            f = f.with_help(guess_or(
                load::did_you_mean(code, codes),
                lang,
                (
                    "rule 须为存在的规则编号（jixiao rules 列出全部编号）",
                    "`rule` must be a rule's code (jixiao rules lists them)",
                ),
            ));
            extra.push(f);
            continue;
        }
        let Some(reason) = &w.reason else {
            let msg = match lang {
                Lang::Zh => format!("豁免 {code} 没有写明理由，未生效"),
                Lang::En => format!("the waiver of {code} gives no reason and has no effect"),
            };
            // On the blank reason when there is one, else on the waiver.
            let help = lang.pick(
                "在 reason 中写明为什么可以豁免（如“财政资金未拨付到位，经专家评审会同意”）",
                "say in `reason` why the finding may stand (e.g. who approved it)",
            );
            extra.push(
                code_finding("JX009", lang, msg, file, w.reason_at.unwrap_or(w.whole))
                    .with_help(help),
            );
            continue;
        };
        // A `path` that names nothing: the waiver has no effect.
        if let Some(p) = &w.path
            && p.nodes.is_empty()
        {
            let msg = match lang {
                Lang::Zh => format!("豁免 {code} 的 path“{}”在本文件中找不到", p.text),
                Lang::En => format!(
                    "the waiver of {code} names the path `{}`, which is not in this file",
                    p.text
                ),
            };
            let help = guess_or(
                load::did_you_mean(&p.text, p.names.iter().map(String::as_str)),
                lang,
                (
                    "path 写 --format json 输出中的 path（如 indicators.产出指标.数量指标[服务人次]），或一个三级指标的名称",
                    "`path` is a finding's `path` in --format json output (e.g. indicators.产出指标.数量指标[服务人次]) or a third-level indicator's name",
                ),
            );
            extra.push(code_finding("JX009", lang, msg, file, p.at).with_help(help));
            continue;
        }
        let mut used = false;
        for &i in by_code.get(code).map_or(&[][..], Vec::as_slice) {
            if let Some(f) = findings.get_mut(i)
                && f.suppressed.is_none()
                && w.path.as_ref().is_none_or(|p| p.covers(&f.path))
            {
                f.suppressed = Some(Suppression::Waiver(reason.clone()));
                used = true;
            }
        }
        if let (false, Some(p)) = (used, &w.path) {
            let msg = match lang {
                Lang::Zh => format!("豁免 {code} 在 {} 上没有豁免任何发现，可以删除", p.text),
                Lang::En => format!(
                    "the waiver of {code} silences nothing at {}; remove it",
                    p.text
                ),
            };
            let mut f = code_finding("JX009", lang, msg, file, p.at).with_help(lang.pick(
                "这个位置没有这条规则的发现：问题已改正，或 path 指错了位置；删除这条豁免或改正 path",
                "no finding of that rule is there: it was fixed, or the path points elsewhere; remove the waiver or correct the path",
            ));
            f.severity = Severity::Warning;
            extra.push(f);
        } else if !used {
            let msg = match lang {
                Lang::Zh => format!("豁免 {code} 没有豁免任何发现，可以删除"),
                Lang::En => format!("the waiver of {code} silences nothing; remove it"),
            };
            let mut f = code_finding("JX009", lang, msg, file, w.at).with_help(lang.pick(
                "本文件没有这条规则的发现：问题已改正，或编号写错；删除这条豁免",
                "this file has no finding of that rule: it was fixed, or the code is wrong; remove the waiver",
            ));
            f.severity = Severity::Warning;
            extra.push(f);
        }
    }
    findings.extend(extra);
}

/// A waiver's help: the close name it may have meant, else `(zh, en)`.
fn guess_or(guess: Option<&str>, lang: Lang, (zh, en): (&str, &str)) -> String {
    match (guess, lang) {
        (Some(g), Lang::Zh) => format!("是不是 {g}？"),
        (Some(g), Lang::En) => format!("did you mean {g}?"),
        (None, _) => lang.pick(zh, en).to_owned(),
    }
}

fn waiver_span(w: &Node) -> Span {
    match &w.value {
        Value::Map(es) => es.first().map_or(w.span, |e| e.key_span.join(e.node.span)),
        _ => w.span,
    }
}
