//! `jixiao lsp`: the editor server (SPEC §6). Speaks the Language Server
//! Protocol over stdio (JSON-RPC with `Content-Length` framing; messages are
//! `lsp-server`'s, the framing is read here with limits so bad input is an
//! error response, never a crash). Owns the open buffers and what was last
//! published; each round re-checks the open documents through the library
//! (`check::check` over a workspace whose reader serves open buffers before
//! the disk), compiles the config and rule files they use (errors published
//! into those files), and answers hover (a rule's `explain`) and code actions
//! (a finding's fix, a waiver to fill in).

pub mod text;
pub mod waiver;

use crate::check::{self, Options};
use crate::config::{self, Config};
use crate::diag::{Finding, Lang, Severity};
use crate::discover::Exclude;
use crate::disk::DiskReader;
use crate::error::{Error, ErrorKind};
use crate::load::LoadOptions;
use crate::model::Kind;
use crate::rules::compile::RuleSource;
use crate::setup::{self, Flags, Setup};
use crate::source::Span;
use crate::workspace::{Content, File, ReadError, Reader, Workspace};
use lsp_server::{Message, Notification, Request, RequestId, Response};
use lsp_types::Range;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
pub use text::Encoding;
use text::Lines;

/// Largest message body read from the client: a buffer larger than any
/// declaration the loader accepts, with room to spare.
pub const MAX_MESSAGE: usize = 64 << 20;

/// JSON-RPC error codes used here.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;
const METHOD_NOT_FOUND: i32 = -32601;
const INVALID_PARAMS: i32 = -32602;
const INTERNAL_ERROR: i32 = -32603;

/// What an open buffer is to the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// `.jixiao.yaml`.
    Config,
    /// A `*.rules` file.
    Rules,
    /// Any other YAML: checked when it has a known `kind`.
    Yaml,
    /// Not ours.
    Other,
}

/// An open buffer.
#[derive(Clone, Debug)]
struct OpenDoc {
    path: PathBuf,
    text: String,
    version: i32,
    role: Role,
}

fn role(path: &Path, language: &str) -> Role {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if config::FILE_NAMES.contains(&name) {
        Role::Config
    } else if name.to_ascii_lowercase().ends_with(".rules") {
        Role::Rules
    } else if crate::discover::is_yaml(path) || language == "yaml" {
        Role::Yaml
    } else {
        Role::Other
    }
}

/// A published diagnostic, kept for hover and code actions.
#[derive(Clone, Debug)]
struct Diag {
    range: Range,
    code: Arc<str>,
    /// The finding's fix: range, replacement, safe.
    fix: Option<(Range, String, bool)>,
    /// A finding in a declaration that a `waivers` entry can silence.
    waivable: bool,
    /// The finding's node path (`indicators.产出指标.数量指标[服务人次].score`).
    path: String,
    /// As sent.
    json: Value,
}

/// The config of a folder, compiled: the setup to check with (the defaults
/// when the config or a rule file is broken), the errors to publish, and
/// what it was compiled from.
#[derive(Clone)]
struct Prepared {
    setup: Option<Arc<Setup>>,
    errors: Vec<Error>,
    /// The rule files it compiled.
    sources: Vec<PathBuf>,
    exclude: Option<Exclude>,
    fingerprint: u64,
}

/// The open buffers in front of the disk: what the check reads through.
struct Overlay {
    open: Arc<HashMap<PathBuf, Arc<str>>>,
    disk: DiskReader,
}

impl Reader for Overlay {
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        match self.open.get(path) {
            Some(t) if t.len() as u64 > limit => Err(ReadError {
                zh: format!("文件有 {} 字节，超过上限 {limit} 字节，未检查", t.len()),
                en: format!(
                    "the file has {} bytes, over the limit of {limit}; not checked",
                    t.len()
                ),
                head: None,
            }),
            Some(t) => Ok(t.as_bytes().to_vec()),
            None => self.disk.read(path, limit),
        }
    }

    fn yaml_under(&self, dir: &Path) -> Vec<File> {
        let mut files = self.disk.yaml_under(dir);
        let known: HashSet<PathBuf> = files
            .iter()
            .flat_map(|f| [f.path.clone(), f.place.clone()])
            .collect();
        let mut extra: Vec<&PathBuf> = self
            .open
            .keys()
            .filter(|p| {
                p.starts_with(dir)
                    && crate::discover::is_yaml(p)
                    && role(p, "") == Role::Yaml
                    && !known.contains(*p)
                    && !self
                        .disk
                        .exclude
                        .as_ref()
                        .is_some_and(|ex| ex.matches(p, dir, None))
            })
            .collect();
        extra.sort();
        files.extend(extra.into_iter().map(|p| File {
            name: p.to_string_lossy().into(),
            path: p.clone(),
            place: p.clone(),
            content: Content::Unread,
            explicit: false,
        }));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

/// The editor server's state: open buffers, compiled configs, and what was
/// last published. Transport-free: [`Server::handle`] takes a message and
/// [`Server::refresh`] re-checks, both pushing what to send into `out`.
#[derive(Default)]
pub struct Server {
    enc: Encoding,
    /// The client's `initializationOptions.lang`, over the config's.
    lang: Option<Lang>,
    docs: BTreeMap<String, OpenDoc>,
    setups: HashMap<Option<PathBuf>, Prepared>,
    /// Rule files open on their own (named by no config): text hash, errors.
    lone_rules: HashMap<PathBuf, (u64, Vec<Error>)>,
    diags: HashMap<String, Vec<Diag>>,
    /// Closed since the last round: their diagnostics are cleared.
    closed: Vec<String>,
    dirty: bool,
    initialized: bool,
    shut_down: bool,
}

fn ok(id: RequestId, v: impl serde::Serialize) -> Message {
    Message::Response(Response::new_ok(id, v))
}

fn err(id: RequestId, code: i32, msg: impl Into<String>) -> Message {
    Message::Response(Response::new_err(id, code, msg.into()))
}

impl Server {
    pub fn new() -> Server {
        Server::default()
    }

    /// The column encoding agreed with the client.
    pub fn encoding(&self) -> Encoding {
        self.enc
    }

    /// Handle one message from the client, pushing responses into `out`;
    /// `Some(status)` when the client said `exit`.
    pub fn handle(&mut self, msg: Message, out: &mut Vec<Message>) -> Option<i32> {
        match msg {
            Message::Request(r) => {
                let id = r.id.clone();
                let caught =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.request(r, out)));
                if caught.is_err() {
                    out.push(err(id, INTERNAL_ERROR, "internal error"));
                }
                None
            }
            Message::Notification(n) => self.notification(n),
            Message::Response(_) => None,
        }
    }

    fn request(&mut self, r: Request, out: &mut Vec<Message>) {
        let id = r.id.clone();
        match r.method.as_str() {
            "initialize" => {
                let result = self.initialize(&r.params);
                out.push(ok(id, result));
            }
            "shutdown" => {
                self.shut_down = true;
                out.push(ok(id, Value::Null));
            }
            _ if self.shut_down => out.push(err(id, INVALID_REQUEST, "the server is shut down")),
            _ if !self.initialized => out.push(err(id, -32002, "the server is not initialized")),
            "textDocument/hover" => match serde_json::from_value(r.params) {
                Ok(p) => {
                    self.refresh(out);
                    let h = self.hover(&p);
                    out.push(ok(id, h));
                }
                Err(e) => out.push(err(id, INVALID_PARAMS, e.to_string())),
            },
            "textDocument/codeAction" => match serde_json::from_value(r.params) {
                Ok(p) => {
                    self.refresh(out);
                    let a = self.code_actions(&p);
                    out.push(ok(id, a));
                }
                Err(e) => out.push(err(id, INVALID_PARAMS, e.to_string())),
            },
            m => out.push(err(id, METHOD_NOT_FOUND, format!("unknown method {m}"))),
        }
    }

    /// The `InitializeResult`: capabilities, and the position encoding
    /// (UTF-8 when the client offers it, else UTF-16).
    fn initialize(&mut self, params: &Value) -> Value {
        let offered = params
            .pointer("/capabilities/general/positionEncodings")
            .and_then(Value::as_array);
        self.enc = if offered.is_some_and(|a| a.iter().any(|v| v == "utf-8")) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        self.lang = params
            .pointer("/initializationOptions/lang")
            .and_then(Value::as_str)
            .and_then(Lang::parse);
        self.initialized = true;
        json!({
            "capabilities": {
                "positionEncoding": self.enc.name(),
                "textDocumentSync": { "openClose": true, "change": 2, "save": true },
                "hoverProvider": true,
                "codeActionProvider": { "codeActionKinds": ["quickfix"] },
            },
            "serverInfo": { "name": "jixiao", "version": env!("CARGO_PKG_VERSION") },
        })
    }

    fn notification(&mut self, n: Notification) -> Option<i32> {
        let p = &n.params;
        let uri = || {
            p.pointer("/textDocument/uri")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        match n.method.as_str() {
            "exit" => return Some(if self.shut_down { 0 } else { 1 }),
            "textDocument/didOpen" => {
                let (Some(uri), Some(text)) = (
                    uri(),
                    p.pointer("/textDocument/text").and_then(Value::as_str),
                ) else {
                    return None;
                };
                let language = p
                    .pointer("/textDocument/languageId")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let path = uri_to_path(&uri).unwrap_or_else(|| PathBuf::from(&uri));
                let version = version(p);
                self.docs.insert(
                    uri,
                    OpenDoc {
                        role: role(&path, language),
                        path,
                        text: text.to_owned(),
                        version,
                    },
                );
                self.dirty = true;
            }
            "textDocument/didChange" => {
                let enc = self.enc;
                let doc = uri().and_then(|u| self.docs.get_mut(&u))?;
                doc.version = version(p);
                let changes = p
                    .get("contentChanges")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                for c in changes {
                    let Some(new) = c.get("text").and_then(Value::as_str) else {
                        continue;
                    };
                    match c
                        .get("range")
                        .and_then(|r| serde_json::from_value::<Range>(r.clone()).ok())
                    {
                        Some(range) => text::apply_change(&mut doc.text, range, new, enc),
                        None => new.clone_into(&mut doc.text),
                    }
                }
                self.dirty = true;
            }
            "textDocument/didClose" => {
                if let Some(u) = uri() {
                    self.docs.remove(&u);
                    self.closed.push(u);
                }
                self.dirty = true;
            }
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => self.dirty = true,
            _ => {}
        }
        None
    }

    /// Re-check when anything changed since the last round, and publish the
    /// diagnostics of every file that has some now or had some before.
    pub fn refresh(&mut self, out: &mut Vec<Message>) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.round()));
        let Ok(new) = caught else {
            return;
        };
        // Every open document of ours gets its diagnostics each round (none
        // clears them), and so does every file that had some before.
        let mut uris: Vec<&String> = new.keys().collect();
        uris.extend(self.diags.keys());
        uris.extend(&self.closed);
        uris.extend(
            self.docs
                .iter()
                .filter(|(_, d)| d.role != Role::Other)
                .map(|(u, _)| u),
        );
        uris.sort();
        uris.dedup();
        for u in uris {
            let ds = new.get(u).map_or(&[][..], Vec::as_slice);
            let mut params = json!({
                "uri": u,
                "diagnostics": ds.iter().map(|d| d.json.clone()).collect::<Vec<_>>(),
            });
            if let Some(d) = self.docs.get(u) {
                params["version"] = json!(d.version);
            }
            out.push(Message::Notification(Notification::new(
                "textDocument/publishDiagnostics".to_owned(),
                params,
            )));
        }
        self.diags = new.into_iter().collect();
        self.closed.clear();
    }

    /// One round: the diagnostics of every file, by URI.
    fn round(&mut self) -> BTreeMap<String, Vec<Diag>> {
        let open: Arc<HashMap<PathBuf, Arc<str>>> = Arc::new(
            self.docs
                .values()
                .map(|d| (d.path.clone(), Arc::from(d.text.as_str())))
                .collect(),
        );
        let mut out: BTreeMap<String, Vec<Diag>> = BTreeMap::new();
        // Open documents by the config that governs them.
        let mut groups: BTreeMap<Option<PathBuf>, Vec<String>> = BTreeMap::new();
        for (uri, d) in &self.docs {
            let cfg = match d.role {
                Role::Config => Some(d.path.clone()),
                Role::Rules | Role::Yaml => find_config(&d.path, &open),
                Role::Other => continue,
            };
            groups.entry(cfg).or_default().push(uri.clone());
        }
        let mut used = HashSet::new();
        let mut in_a_config: HashSet<PathBuf> = HashSet::new();
        for (cfg, uris) in &groups {
            let prep = self.prepare(cfg.as_deref(), &open);
            used.insert(cfg.clone());
            in_a_config.extend(prep.sources.iter().cloned());
            for e in &prep.errors {
                self.push_error(&mut out, e, cfg.as_deref());
            }
            let decls: Vec<&String> = uris
                .iter()
                .filter(|u| self.docs.get(*u).is_some_and(|d| d.role == Role::Yaml))
                .collect();
            if let (Some(setup), false) = (&prep.setup, decls.is_empty()) {
                self.check_group(&mut out, &decls, setup, &prep, &open);
            }
        }
        self.setups.retain(|k, _| used.contains(k));
        // Rule files that no config names: compiled with the defaults alone.
        let lone: Vec<(PathBuf, String)> = self
            .docs
            .values()
            .filter(|d| d.role == Role::Rules && !in_a_config.contains(&d.path))
            .map(|d| (d.path.clone(), d.text.clone()))
            .collect();
        let mut kept = HashMap::new();
        for (path, text) in lone {
            let h = hash_of(&text);
            let errors = match self.lone_rules.remove(&path) {
                Some((old, errs)) if old == h => errs,
                _ => {
                    let source = RuleSource {
                        name: path.to_string_lossy().into(),
                        text: text.into(),
                    };
                    setup::build(Config::default(), None, vec![source], &self.flags())
                        .err()
                        .unwrap_or_default()
                }
            };
            for e in &errors {
                self.push_error(&mut out, e, None);
            }
            kept.insert(path, (h, errors));
        }
        self.lone_rules = kept;
        out
    }

    fn flags(&self) -> Flags {
        Flags {
            lang: self.lang,
            ..Flags::default()
        }
    }

    /// The compiled config at `cfg` (none: the defaults), reused while its
    /// text and its rule files' texts are unchanged.
    fn prepare(&mut self, cfg: Option<&Path>, open: &HashMap<PathBuf, Arc<str>>) -> Prepared {
        let flags = self.flags();
        let lang0 = self.lang.unwrap_or_default();
        let mut h = DefaultHasher::new();
        let mut errors = Vec::new();
        let (config, config_file) = match cfg {
            None => (Config::default(), None),
            Some(p) => {
                let name: Arc<str> = p.to_string_lossy().into();
                match read_text(p, open) {
                    Err(m) => {
                        errors.push(Error::new(ErrorKind::Read, "config", m));
                        (Config::default(), None)
                    }
                    Ok(text) => {
                        text.hash(&mut h);
                        match setup::parse_config(name.clone(), text.clone(), Some(p), lang0) {
                            Ok(c) => (c, Some((name, text))),
                            Err(es) => {
                                errors.extend(es);
                                (Config::default(), None)
                            }
                        }
                    }
                }
            }
        };
        let mut sources = Vec::new();
        let mut paths = Vec::new();
        for p in &config.rules {
            for f in rule_files(p, open) {
                match read_text(&f, open) {
                    Ok(text) => {
                        f.hash(&mut h);
                        text.hash(&mut h);
                        sources.push(RuleSource {
                            name: f.to_string_lossy().into(),
                            text,
                        });
                        paths.push(f);
                    }
                    Err(m) => {
                        let mut e = Error::new(ErrorKind::Read, "rule-file", m);
                        if let Some((n, t)) = &config_file {
                            e = e.at(n.clone(), t.clone(), Span::at(0));
                        }
                        errors.push(e);
                    }
                }
            }
        }
        let fingerprint = h.finish();
        let key = cfg.map(Path::to_path_buf);
        if let Some(p) = self.setups.get(&key)
            && p.fingerprint == fingerprint
        {
            return p.clone();
        }
        let exclude = (!config.exclude.is_empty())
            .then(|| Exclude::new(&config.exclude, cfg.and_then(Path::parent)).ok())
            .flatten();
        let setup = match setup::build(config, config_file, sources, &flags) {
            Ok(s) => Some(s),
            Err(es) => {
                errors.extend(es);
                setup::build(Config::default(), None, Vec::new(), &flags).ok()
            }
        };
        let prep = Prepared {
            setup: setup.map(Arc::new),
            errors,
            sources: paths,
            exclude,
            fingerprint,
        };
        self.setups.insert(key, prep.clone());
        prep
    }

    /// The URI of a file: the open buffer's own, else a `file:` URI.
    fn uri_of(&self, path: &Path) -> String {
        self.docs
            .iter()
            .find(|(_, d)| d.path == path)
            .map_or_else(|| path_to_uri(path), |(u, _)| u.clone())
    }

    /// A config or rule-file error, into the file it points at (else the config).
    fn push_error(&self, out: &mut BTreeMap<String, Vec<Diag>>, e: &Error, cfg: Option<&Path>) {
        let (uri, range) = match (&e.file, &e.text) {
            (Some(name), Some(text)) => {
                let lines = Lines::new(text);
                (
                    self.uri_of(Path::new(&**name)),
                    lines.range(text, e.span.start as usize, e.span.end as usize, self.enc),
                )
            }
            _ => match cfg {
                Some(c) => (self.uri_of(c), Range::default()),
                None => return,
            },
        };
        let mut message = e.message.clone();
        if let Some(h) = &e.help {
            message.push('\n');
            message.push_str(h);
        }
        let json = json!({
            "range": range,
            "severity": 1,
            "code": e.code,
            "source": "jixiao",
            "message": message,
        });
        out.entry(uri).or_default().push(Diag {
            range,
            code: Arc::from(e.code),
            fix: None,
            waivable: false,
            path: String::new(),
            json,
        });
    }

    /// Check the open declarations of one config together (a summary with
    /// its projects, a self-evaluation with its target), and file the
    /// findings under the URI of the file each is in.
    fn check_group(
        &self,
        out: &mut BTreeMap<String, Vec<Diag>>,
        decls: &[&String],
        setup: &Setup,
        prep: &Prepared,
        open: &Arc<HashMap<PathBuf, Arc<str>>>,
    ) {
        let reader = Arc::new(Overlay {
            open: open.clone(),
            disk: DiskReader {
                exclude: prep.exclude.clone(),
            },
        });
        let opts = Options::new(setup.config.limits.apply(LoadOptions {
            profile: setup.rules.profile,
            lang: setup.lang,
            ..LoadOptions::default()
        }));
        let mut ws = Workspace::with_reader(reader.clone());
        let mut known = HashSet::new();
        let mut evaluations = Vec::new();
        for u in decls {
            let Some(d) = self.docs.get(*u) else { continue };
            known.insert(d.path.clone());
            if kind_of(&d.text) == Some(Kind::SelfEvaluation) {
                evaluations.push(d.path.clone());
            }
            ws.push(File {
                name: d.path.to_string_lossy().into(),
                path: d.path.clone(),
                place: d.path.clone(),
                content: Content::Text(Arc::from(d.text.as_str())),
                explicit: false,
            });
        }
        // A self-evaluation sees the targets in its folder and below.
        let mut dirs_done = HashSet::new();
        for p in evaluations {
            let Some(dir) = p.parent() else { continue };
            if !dirs_done.insert(dir.to_path_buf()) {
                continue;
            }
            for f in reader.yaml_under(dir) {
                if known.contains(&f.path) || known.contains(&f.place) {
                    continue;
                }
                let Ok(bytes) = reader.read(&f.path, opts.load.max_file_size) else {
                    continue;
                };
                if kind_of(&String::from_utf8_lossy(&bytes)) == Some(Kind::Target) {
                    known.insert(f.place.clone());
                    ws.push(File {
                        content: Content::Bytes(bytes.into()),
                        ..f
                    });
                }
            }
        }
        let mut outcome = check::check(&ws, &setup.rules, &opts);
        let sel = crate::config::Selection::of(&setup.config);
        outcome.findings.retain(|f| sel.keeps(&f.code));
        let lang = setup.lang;
        // Line indexes of the files that findings and labels point into, once each.
        let mut lines: HashMap<u32, (Lines, Arc<str>)> = HashMap::new();
        for f in outcome.findings.iter().filter(|f| !f.is_suppressed()) {
            for id in std::iter::once(f.file).chain(f.labels.iter().map(|l| l.file)) {
                if let std::collections::hash_map::Entry::Vacant(v) = lines.entry(id)
                    && let Some(text) = outcome.file(id).and_then(|e| e.text.clone())
                {
                    v.insert((Lines::new(&text), text));
                }
            }
        }
        for f in &outcome.findings {
            if f.is_suppressed() {
                continue;
            }
            let (Some(entry), Some((l, text))) = (outcome.file(f.file), lines.get(&f.file)) else {
                continue;
            };
            let related: Vec<Value> = f
                .labels
                .iter()
                .filter_map(|lab| {
                    let e = outcome.file(lab.file)?;
                    let (ll, lt) = lines.get(&lab.file)?;
                    Some(json!({
                        "location": {
                            "uri": self.uri_of(&e.path),
                            "range": ll.range(lt, lab.span.start as usize, lab.span.end as usize, self.enc),
                        },
                        "message": lab.text,
                    }))
                })
                .collect();
            let d = self.diag(f, l, text, related, lang);
            out.entry(self.uri_of(&entry.path)).or_default().push(d);
        }
    }

    fn diag(&self, f: &Finding, l: &Lines, text: &str, related: Vec<Value>, lang: Lang) -> Diag {
        let range = l.range(text, f.span.start as usize, f.span.end as usize, self.enc);
        let mut message = f.message.clone();
        if let Some(h) = &f.help {
            message.push('\n');
            message.push_str(lang.pick("帮助：", "help: "));
            message.push_str(h);
        }
        let mut json = json!({
            "range": range,
            "severity": match f.severity {
                Severity::Error => 1,
                Severity::Warning => 2,
                Severity::Info => 3,
            },
            "code": &*f.code,
            "source": "jixiao",
            "message": message,
        });
        if !related.is_empty() {
            json["relatedInformation"] = Value::Array(related);
        }
        let fix = f.fix.as_ref().map(|x| {
            (
                l.range(text, x.span.start as usize, x.span.end as usize, self.enc),
                x.replacement.clone(),
                x.safe,
            )
        });
        Diag {
            range,
            code: f.code.clone(),
            fix,
            waivable: &*f.code != "JX009",
            path: f.path.clone(),
            json,
        }
    }

    /// The compiled setup that governs an open document (as of the last round).
    fn setup_of(&self, doc: &OpenDoc) -> Option<Arc<Setup>> {
        let cfg = match doc.role {
            Role::Config => Some(doc.path.clone()),
            _ => {
                let open: HashMap<PathBuf, Arc<str>> = self
                    .docs
                    .values()
                    .filter(|d| d.role == Role::Config)
                    .map(|d| (d.path.clone(), Arc::from(d.text.as_str())))
                    .collect();
                find_config(&doc.path, &open)
            }
        };
        // A rule file compiled on its own: any setup knows the built-in codes.
        self.setups
            .get(&cfg)
            .and_then(|p| p.setup.clone())
            .or_else(|| self.setups.values().find_map(|p| p.setup.clone()))
    }

    /// Hover: the explanation of the rule code under the cursor (in a
    /// `waivers` entry, a config's `severity`, a rule file), else of the
    /// diagnostics at the cursor.
    fn hover(&self, p: &lsp_types::HoverParams) -> Value {
        let pp = &p.text_document_position_params;
        let uri = pp.text_document.uri.as_str();
        let Some(doc) = self.docs.get(uri) else {
            return Value::Null;
        };
        let Some(setup) = self.setup_of(doc) else {
            return Value::Null;
        };
        let lang = setup.lang;
        let l = Lines::new(&doc.text);
        let at = l.offset(&doc.text, pp.position, self.enc);
        let (a, b) = word_at(&doc.text, at);
        let word = &doc.text[a..b];
        if !word.is_empty()
            && let Some(text) = crate::docs::explain(&setup.rules, word, lang)
        {
            return json!({
                "contents": { "kind": "plaintext", "value": text },
                "range": l.range(&doc.text, a, b, self.enc),
            });
        }
        let mut codes: Vec<&str> = Vec::new();
        let mut range = None;
        for d in self.diags.get(uri).map_or(&[][..], Vec::as_slice) {
            if d.range.start <= pp.position
                && pp.position <= d.range.end
                && !codes.contains(&&*d.code)
            {
                codes.push(&d.code);
                range.get_or_insert(d.range);
            }
        }
        let texts: Vec<String> = codes
            .iter()
            .filter_map(|c| crate::docs::explain(&setup.rules, c, lang))
            .collect();
        if texts.is_empty() {
            return Value::Null;
        }
        json!({
            "contents": { "kind": "plaintext", "value": texts.join("\n────────\n\n") },
            "range": range,
        })
    }

    /// Code actions for the diagnostics in the range: apply a finding's
    /// fix, add a waiver for its rule.
    fn code_actions(&self, p: &lsp_types::CodeActionParams) -> Value {
        let uri = p.text_document.uri.as_str();
        let Some(doc) = self.docs.get(uri) else {
            return json!([]);
        };
        let lang = self
            .setup_of(doc)
            .map_or(self.lang.unwrap_or_default(), |s| s.lang);
        let l = Lines::new(&doc.text);
        let mut actions = Vec::new();
        let mut waived = HashSet::new();
        let mut waived_at = HashSet::new();
        let mut waivers = Vec::new();
        // A waiver quick fix for finding `d`: the edit that adds the entry.
        let quickfix = |d: &Diag, title: String, e: waiver::Edit| {
            json!({
                "title": title,
                "kind": "quickfix",
                "diagnostics": [d.json],
                "edit": { "changes": { uri: [ {
                    "range": l.range(&doc.text, e.start, e.end, self.enc),
                    "newText": e.text,
                } ] } },
            })
        };
        for d in self.diags.get(uri).map_or(&[][..], Vec::as_slice) {
            if d.range.start > p.range.end || p.range.start > d.range.end {
                continue;
            }
            if let Some((range, new, safe)) = &d.fix {
                let mut title = match lang {
                    Lang::Zh => format!("修复 {}：改为“{new}”", d.code),
                    Lang::En => format!("Fix {}: replace with `{new}`", d.code),
                };
                if !safe {
                    title.push_str(
                        lang.pick("（改变判断，请核对）", " (changes a judgement; review it)"),
                    );
                }
                actions.push(json!({
                    "title": title,
                    "kind": "quickfix",
                    "diagnostics": [d.json],
                    "isPreferred": safe,
                    "edit": { "changes": { uri: [ { "range": range, "newText": new } ] } },
                }));
            }
            if d.waivable && doc.role == Role::Yaml && waived.insert(d.code.clone()) {
                let e = waiver::add(&doc.text, &d.code);
                let title = match lang {
                    Lang::Zh => format!("豁免 {}：在 waivers 中添加一项（须填写理由）", d.code),
                    Lang::En => {
                        format!("Waive {}: add a waivers entry (fill in the reason)", d.code)
                    }
                };
                waivers.push(quickfix(d, title, e));
            }
            // A finding on one indicator: a waiver for that indicator only.
            let indicator = d.path.rfind(']').map(|i| &d.path[..=i]);
            if let Some(ip) = indicator.filter(|p| p.starts_with("indicators."))
                && d.waivable
                && doc.role == Role::Yaml
                && waived_at.insert((d.code.clone(), ip.to_owned()))
            {
                let e = waiver::add_entry(&doc.text, &d.code, Some(ip));
                let name = ip
                    .rsplit_once('[')
                    .map_or(ip, |(_, n)| n.trim_end_matches(']'));
                let title = match lang {
                    Lang::Zh => format!(
                        "只对指标“{name}”豁免 {}：在 waivers 中添加一项（须填写理由）",
                        d.code
                    ),
                    Lang::En => format!(
                        "Waive {} for the indicator {name} only: add a waivers entry (fill in the reason)",
                        d.code
                    ),
                };
                waivers.push(quickfix(d, title, e));
            }
        }
        actions.extend(waivers);
        Value::Array(actions)
    }
}

fn version(p: &Value) -> i32 {
    p.pointer("/textDocument/version")
        .and_then(Value::as_i64)
        .and_then(|v| i32::try_from(v).ok())
        .unwrap_or(0)
}

fn hash_of(t: &str) -> u64 {
    let mut h = DefaultHasher::new();
    t.hash(&mut h);
    h.finish()
}

/// The word (letters, digits, `_`) around byte `at`.
fn word_at(text: &str, at: usize) -> (usize, usize) {
    let w = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let at = at.min(text.len());
    let at = (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| w(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .find(|(_, c)| !w(*c))
        .map_or(text.len(), |(i, _)| at + i);
    (start, end)
}

/// The declaration kind a text names on its top-level `kind:` line.
fn kind_of(text: &str) -> Option<Kind> {
    // `类型:` is `kind:` too (the loader's alias), and a file saved with a
    // BOM has it before its first key: either way the self-evaluation did
    // not see its target (no JX409 in the editor, where check gave one).
    text.lines().find_map(|line| {
        let line = line.trim_start_matches('\u{FEFF}');
        let v = line
            .strip_prefix("kind:")
            .or_else(|| line.strip_prefix("类型:"))?;
        let v = v.split(" #").next().unwrap_or(v).trim();
        Kind::parse(v.trim_matches(['"', '\'']))
    })
}

/// The nearest config above `path`: an open buffer or a file on disk.
fn find_config(path: &Path, open: &HashMap<PathBuf, Arc<str>>) -> Option<PathBuf> {
    let mut dir = path.parent();
    while let Some(d) = dir {
        for n in config::FILE_NAMES {
            let p = d.join(n);
            if open.contains_key(&p) || p.is_file() {
                return Some(p);
            }
        }
        dir = d.parent();
    }
    None
}

/// A rule file, or the `*.rules` files of a folder (on disk or open), sorted.
fn rule_files(p: &Path, open: &HashMap<PathBuf, Arc<str>>) -> Vec<PathBuf> {
    if !p.is_dir() {
        return vec![p.to_path_buf()];
    }
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|f| {
                    f.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("rules"))
                        && f.is_file()
                })
                .collect()
        })
        .unwrap_or_default();
    v.extend(
        open.keys()
            .filter(|k| {
                k.parent() == Some(p)
                    && k.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("rules"))
            })
            .cloned(),
    );
    v.sort();
    v.dedup();
    v
}

/// A config or rule file's text: the open buffer, else the disk.
fn read_text(p: &Path, open: &HashMap<PathBuf, Arc<str>>) -> Result<Arc<str>, String> {
    if let Some(t) = open.get(p) {
        return Ok(t.clone());
    }
    let bytes = crate::disk::read_file(p, crate::cli::MAX_RULE_FILE_SIZE)
        .map_err(|e| format!("{}: {}", p.display(), e.en))?;
    // UTF-16/32 as `check` reads them (crate::fsio::read_capped).
    crate::source::decode(&bytes)
        .map(|(t, _)| t.into())
        .map_err(|e| {
            let offset = match e {
                crate::source::DecodeError::NotUtf8 { offset, .. }
                | crate::source::DecodeError::BadUtf16 { offset } => offset,
            };
            format!("{}: not UTF-8 (byte {offset})", p.display())
        })
}

/// The path of a `file:` URI (percent-decoded), if it is one.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let b = rest.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    let s = String::from_utf8(out).ok()?;
    // `file:///C:/x` on Windows.
    let s = match s.as_bytes() {
        [b'/', d, b':', ..] if cfg!(windows) && d.is_ascii_alphabetic() => s[1..].to_owned(),
        _ => s,
    };
    Some(PathBuf::from(s))
}

/// The `file:` URI of a path, percent-encoded.
pub fn path_to_uri(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~/:".contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// What the reader thread hands over: a message, or why a frame was bad.
enum Incoming {
    Message(Message),
    /// A JSON-RPC error to answer with (code, message, request id if known).
    Bad(i32, String, Value),
}

/// Read one frame: headers, then a body of `Content-Length` bytes. `Ok(None)`
/// at the end of input or when the stream cannot be resynchronised.
fn read_frame(r: &mut impl BufRead) -> std::io::Result<Option<Incoming>> {
    let mut len: Option<usize> = None;
    let mut bad_header = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        let n = std::io::Read::take(&mut *r, 8192).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((k, v)) = line.split_once(':') {
            if k.trim().eq_ignore_ascii_case("content-length") {
                match v.trim().parse::<usize>() {
                    Ok(n) => len = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length: {}", v.trim())),
                }
            }
        } else {
            bad_header = Some(format!("malformed header: {line}"));
        }
    }
    let Some(len) = len else {
        // No length: nothing to skip; report and read on.
        let why = bad_header.unwrap_or_else(|| "no Content-Length header".to_owned());
        return Ok(Some(Incoming::Bad(PARSE_ERROR, why, Value::Null)));
    };
    if len > MAX_MESSAGE {
        let skipped = std::io::copy(
            &mut std::io::Read::take(&mut *r, len as u64),
            &mut std::io::sink(),
        )?;
        if (skipped as usize) < len {
            return Ok(None);
        }
        return Ok(Some(Incoming::Bad(
            INVALID_REQUEST,
            format!("message of {len} bytes, over the limit of {MAX_MESSAGE}"),
            Value::Null,
        )));
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return Ok(Some(Incoming::Bad(PARSE_ERROR, e.to_string(), Value::Null))),
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Ok(Some(Incoming::Message(m))),
        Err(e) => Ok(Some(Incoming::Bad(INVALID_REQUEST, e.to_string(), id))),
    }
}

fn write_json(w: &mut impl Write, body: &str) -> std::io::Result<()> {
    write!(w, "Content-Length: {}\r\n\r\n", body.len())?;
    w.write_all(body.as_bytes())?;
    w.flush()
}

/// Serve on stdin/stdout until `exit`: 0 after `shutdown`, else 1.
pub fn run() -> i32 {
    let (tx, rx) = std::sync::mpsc::channel::<Incoming>();
    std::thread::spawn(move || {
        let mut input = std::io::stdin().lock();
        while let Ok(Some(m)) = read_frame(&mut input) {
            if tx.send(m).is_err() {
                break;
            }
        }
    });
    let mut server = Server::new();
    let mut stdout = std::io::stdout().lock();
    loop {
        let Ok(first) = rx.recv() else {
            // The client went away without `exit`.
            return if server.shut_down { 0 } else { 1 };
        };
        let mut out = Vec::new();
        let mut raw = Vec::new();
        let mut exit = None;
        // Everything already queued is handled before one re-check: a burst
        // of changes is checked once.
        let mut next = Some(first);
        while let Some(m) = next {
            match m {
                Incoming::Message(msg) => exit = server.handle(msg, &mut out),
                Incoming::Bad(code, message, id) => raw.push(
                    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
                        .to_string(),
                ),
            }
            if exit.is_some() {
                break;
            }
            next = rx.try_recv().ok();
        }
        if exit.is_none() {
            server.refresh(&mut out);
        }
        for r in raw {
            if write_json(&mut stdout, &r).is_err() {
                return 1;
            }
        }
        for m in out {
            if m.write(&mut stdout).is_err() {
                return 1;
            }
        }
        if let Some(code) = exit {
            return code;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip_through_paths() {
        let p = PathBuf::from("/tmp/承德 2022/a#1.yaml");
        let u = path_to_uri(&p);
        assert_eq!(u, "file:///tmp/%E6%89%BF%E5%BE%B7%202022/a%231.yaml");
        assert_eq!(uri_to_path(&u), Some(p));
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(
            uri_to_path("file://localhost/a/b%2"),
            Some(PathBuf::from("/a/b%2"))
        );
    }

    #[test]
    fn frames_that_are_not_messages_are_errors_not_the_end() {
        let input = b"Content-Length: 3\r\n\r\n{x}Content-Length: 9\r\n\r\n{\"id\":1}\nContent-Length: 99999999999\r\n\r\n".to_vec();
        let mut r = std::io::Cursor::new(input);
        assert!(matches!(
            read_frame(&mut r).unwrap(),
            Some(Incoming::Bad(PARSE_ERROR, _, Value::Null))
        ));
        match read_frame(&mut r).unwrap() {
            Some(Incoming::Bad(INVALID_REQUEST, _, id)) => assert_eq!(id, json!(1)),
            _ => panic!("a body that is no message is an invalid request"),
        }
        // Too long to read, and the input ends before it: the end.
        assert!(read_frame(&mut r).unwrap().is_none());
    }

    #[test]
    fn the_word_under_the_cursor_is_a_code() {
        let t = "  - rule: JX304\n";
        let at = t.find("X3").unwrap();
        assert_eq!(word_at(t, at), (10, 15));
        assert_eq!(word_at(t, t.find('\n').unwrap()), (10, 15));
        assert_eq!(
            kind_of("# x\nkind: self-evaluation # 自评\n"),
            Some(Kind::SelfEvaluation)
        );
        assert_eq!(
            kind_of("kind: '目标'\n").is_some(),
            Kind::parse("目标").is_some()
        );
        assert_eq!(
            kind_of("年度: 2023\n类型: 绩效自评\n"),
            Some(Kind::SelfEvaluation)
        );
        assert_eq!(kind_of("\u{FEFF}kind: target\n"), Some(Kind::Target));
    }
}
