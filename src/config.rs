//! `.jixiao.yaml`: found from the current folder upwards (or `--config`).
//! `profile`, extra `rules`, `params` overrides, per-rule `severity`
//! (`off` included), `exclude` globs, `lang`, `limits` and the rule
//! selection (`select`, `ignore`: [`Selection`]). Every problem is a diagnostic
//! into the config file, and a bad config stops the run (exit 2).

use crate::diag::{Lang, Severity};
use crate::load::did_you_mean;
use crate::model::Profile;
use crate::rules::Lit;
use crate::source::Span;
use crate::yaml::{self, Yaml};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const FILE_NAMES: [&str; 2] = [".jixiao.yaml", ".jixiao.yml"];

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where it was read from.
    pub path: Option<PathBuf>,
    pub profile: Option<Profile>,
    /// Extra rule files or folders, relative to the config's folder.
    pub rules: Vec<PathBuf>,
    /// `params`: name, value, the name's span and the value's.
    pub params: Vec<(String, Lit, Span, Span)>,
    /// `None`: off.
    pub severity: HashMap<String, (Option<Severity>, Span)>,
    pub exclude: Vec<String>,
    pub lang: Option<Lang>,
    /// `limits`: overrides of the input limits (see [`Limits`]).
    pub limits: Limits,
    /// `select`: only the rules of these codes or prefixes (`JX3`).
    pub select: Option<Vec<(String, Span)>>,
    /// `ignore`: not the rules of these codes or prefixes.
    pub ignore: Vec<(String, Span)>,
    /// `waivers`: exceptions kept in the config (for a workbook, which has
    /// no `waivers` of its own, or for several files at once).
    pub waivers: Vec<Waiver>,
}

/// A `waivers` entry of the config: silences `code` in the files its `file`
/// globs match (relative to the config's folder, as `exclude`), or in every
/// file without one; only with a reason.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Waiver {
    pub code: String,
    pub reason: String,
    pub files: Vec<String>,
    /// The `rule` value.
    pub span: Span,
}

/// `limits:` in the config — each one optional; unset keeps the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Bytes; written `20MB`, `512KB` or a plain number.
    pub max_file_size: Option<u64>,
    pub max_depth: Option<usize>,
    pub max_nodes: Option<usize>,
    pub max_alias_nodes: Option<usize>,
}

impl Limits {
    /// The load options with these overrides applied.
    pub fn apply(&self, mut o: crate::load::LoadOptions) -> crate::load::LoadOptions {
        if let Some(v) = self.max_file_size {
            o.max_file_size = v;
        }
        if let Some(v) = self.max_depth {
            o.yaml.max_depth = v;
        }
        if let Some(v) = self.max_nodes {
            o.yaml.max_nodes = v;
        }
        if let Some(v) = self.max_alias_nodes {
            o.yaml.max_alias_nodes = v;
        }
        o
    }
}

/// Which rules a run reports (`select`/`ignore`, in the config and on the
/// command line): a finding is kept when its code matches a `select` entry
/// (or there is none) and no `ignore` entry, an entry matching as a prefix
/// (`JX3` is JX300–JX399). When both match, the longer entry wins, so
/// `ignore: [JX3]` with `select: [JX304]` keeps JX304, as ruff does.
/// JX001 (the file is not YAML) and JX008 (not a declaration) are always
/// reported: without them an unreadable file would pass any selection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// `None`: every rule.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
}

impl Selection {
    /// The config's own `select` and `ignore` (no command line): what the
    /// editor, the page, the review pack and rule test cases apply, so a code
    /// ignored in `.jixiao.yaml` is ignored wherever the config is read.
    pub fn of(config: &Config) -> Selection {
        Selection {
            select: config
                .select
                .as_ref()
                .map(|v| v.iter().map(|(c, _)| c.clone()).collect()),
            ignore: config.ignore.iter().map(|(c, _)| c.clone()).collect(),
        }
    }

    fn longest(entries: &[String], code: &str) -> Option<usize> {
        entries
            .iter()
            .filter(|e| {
                !e.is_empty()
                    && code
                        .get(..e.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(e))
            })
            .map(String::len)
            .max()
    }

    /// Whether findings of `code` are reported.
    pub fn keeps(&self, code: &str) -> bool {
        if matches!(code, "JX001" | "JX008") {
            return true;
        }
        let sel = match &self.select {
            Some(s) => match Self::longest(s, code) {
                Some(n) => n,
                None => return false,
            },
            None => 0,
        };
        Self::longest(&self.ignore, code).is_none_or(|n| n < sel)
    }

    /// The entries that name no known code of `rules` (nor start one).
    pub fn unknown(&self, rules: &crate::rules::RuleSet) -> Vec<String> {
        let codes: Vec<&str> = rules.codes().collect();
        self.select
            .iter()
            .flatten()
            .chain(&self.ignore)
            .filter(|e| {
                !e.is_empty()
                    && !codes
                        .iter()
                        .any(|c| c.get(..e.len()).is_some_and(|p| p.eq_ignore_ascii_case(e)))
            })
            .cloned()
            .collect()
    }
}

/// Largest `max_file_size` accepted. Loading takes about 30 times the file in
/// memory, so 100 MB (about 3 GB) is what an ordinary machine or CI runner holds.
pub const MAX_FILE_SIZE_CAP: u64 = 100 << 20;
/// Deepest `max_depth` accepted: deeper trees would risk the stack.
const MAX_DEPTH_CAP: usize = 1000;
/// Largest `max_nodes` accepted: about 100 bytes a node, 2 GB at most.
pub const MAX_NODES_CAP: u64 = 20_000_000;
/// Largest `max_alias_nodes` accepted (alias expansion builds real nodes too).
pub const MAX_ALIAS_NODES_CAP: u64 = 10_000_000;
/// Largest `.jixiao.yaml` read (a config is a few lines; `/dev/zero` is not one).
pub const MAX_CONFIG_SIZE: u64 = 1 << 20;
const LIMIT_KEYS: [&str; 4] = ["max_file_size", "max_depth", "max_nodes", "max_alias_nodes"];

/// Read `limits: { max_file_size: 20MB, max_depth: 64, max_nodes: …, max_alias_nodes: … }`.
fn parse_limits(v: &yaml::Node<'_>, lang: Lang, errors: &mut Vec<ConfigError>) -> Limits {
    let mut out = Limits::default();
    let err = |span: Span, zh: String, en: String, help: Option<String>| ConfigError {
        span,
        message: match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        help,
    };
    let Yaml::Map(entries) = &v.yaml else {
        if !v.is_null() {
            errors.push(err(
                v.span,
                "limits 应为映射，如 { max_file_size: 20MB }".into(),
                "limits must be a mapping, e.g. { max_file_size: 20MB }".into(),
                None,
            ));
        }
        return out;
    };
    let mut seen: Vec<&str> = Vec::new();
    for (k, val) in entries {
        let key = k.as_str().unwrap_or("");
        if seen.contains(&key) {
            errors.push(err(
                k.span,
                format!("限制“{key}”重复"),
                format!("duplicate limit `{key}`"),
                None,
            ));
            continue;
        }
        seen.push(key);
        let text = val.as_str().unwrap_or("").trim();
        let (max, number) = match key {
            "max_file_size" => (MAX_FILE_SIZE_CAP, parse_size(text)),
            "max_depth" => (MAX_DEPTH_CAP as u64, text.parse::<u64>().ok()),
            "max_nodes" => (MAX_NODES_CAP, text.parse::<u64>().ok()),
            "max_alias_nodes" => (MAX_ALIAS_NODES_CAP, text.parse::<u64>().ok()),
            _ => {
                let help = match did_you_mean(key, LIMIT_KEYS) {
                    Some(g) => format!("did you mean `{g}`?"),
                    None => format!("keys: {}", LIMIT_KEYS.join(", ")),
                };
                errors.push(err(
                    k.span,
                    format!("未知的限制“{key}”"),
                    format!("unknown limit `{key}`"),
                    Some(help),
                ));
                continue;
            }
        };
        match number {
            Some(n) if (1..=max).contains(&n) => match key {
                "max_file_size" => out.max_file_size = Some(n),
                "max_depth" => out.max_depth = Some(n as usize),
                "max_nodes" => out.max_nodes = Some(n as usize),
                _ => out.max_alias_nodes = Some(n as usize),
            },
            // A size is said in the units it may be written in.
            _ if key == "max_file_size" => errors.push(err(
                val.span,
                format!(
                    "限制 {key} 的值“{text}”无效：最大 {}MB（可写 20MB、512KB 或字节数）",
                    max >> 20
                ),
                format!(
                    "bad value `{text}` for {key}: a whole number from 1 to {max} bytes, at most {}MB (write 20MB, 512KB or a number of bytes)",
                    max >> 20
                ),
                Some(lang.pick("例如 20MB、512KB、1048576", "e.g. 20MB, 512KB, 1048576").to_owned()),
            )),
            _ => errors.push(err(
                val.span,
                format!("限制 {key} 的值“{text}”无效：须为 1 到 {max} 之间的整数"),
                format!("bad value `{text}` for {key}: a whole number from 1 to {max}"),
                None,
            )),
        }
    }
    out
}

/// `20MB`, `512 KB`, `1GB`, `1048576`: bytes (KB = 1024).
fn parse_size(t: &str) -> Option<u64> {
    let t = t.trim();
    let upper = t.to_ascii_uppercase();
    let (num, mult) = [
        ("GB", 1u64 << 30),
        ("MB", 1 << 20),
        ("KB", 1 << 10),
        ("B", 1),
    ]
    .iter()
    .find_map(|(suffix, m)| {
        upper
            .strip_suffix(suffix)
            .map(|n| (n.trim().to_owned(), *m))
    })
    .unwrap_or((upper.clone(), 1));
    num.parse::<u64>().ok()?.checked_mul(mult)
}

/// A problem in the config file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// The nearest `.jixiao.yaml` from `start` upwards.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        for n in FILE_NAMES {
            let p = d.join(n);
            // A config that is a FIFO, a device or a folder is found too (and
            // refused when read), rather than skipped for a parent's config.
            if std::fs::symlink_metadata(&p).is_ok() {
                return Some(p);
            }
        }
        dir = d.parent();
    }
    None
}

const KEYS: [&str; 10] = [
    "profile", "rules", "params", "severity", "exclude", "lang", "limits", "select", "ignore",
    "waivers",
];

/// Parse a config text. `lang` is the language of the messages.
pub fn parse(text: &str, path: Option<&Path>, lang: Lang) -> Result<Config, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut cfg = Config {
        path: path.map(Path::to_path_buf),
        ..Config::default()
    };
    let err = |span: Span, zh: String, en: String| ConfigError {
        span,
        message: match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        help: None,
    };
    let parsed = yaml::parse(text, yaml::Limits::default());
    if let Some(e) = parsed.error {
        let info = match (e.kind, lang) {
            (yaml::ErrorKind::Syntax(s), _) => s,
            (yaml::ErrorKind::TooDeep(n), Lang::Zh) => format!("嵌套超过 {n} 层"),
            (yaml::ErrorKind::TooDeep(n), Lang::En) => format!("nested deeper than {n} levels"),
            (yaml::ErrorKind::TooManyNodes(n), Lang::Zh) => format!("节点超过 {n} 个"),
            (yaml::ErrorKind::TooManyNodes(n), Lang::En) => format!("more than {n} nodes"),
            (yaml::ErrorKind::TooManyAliasNodes(n), Lang::Zh) => {
                format!("别名展开的节点超过 {n} 个（别名炸弹）")
            }
            (yaml::ErrorKind::TooManyAliasNodes(n), Lang::En) => {
                format!("aliases expand to more than {n} nodes (an alias bomb)")
            }
            (yaml::ErrorKind::UnknownAlias, _) => lang
                .pick("别名引用了未定义的锚点", "alias to an undefined anchor")
                .to_owned(),
        };
        return Err(vec![err(
            e.span,
            format!("配置文件 YAML 语法错误：{info}"),
            format!("YAML syntax error in the config: {info}"),
        )]);
    }
    let Some(root) = parsed.root else {
        return Ok(cfg);
    };
    if root.is_null() {
        return Ok(cfg);
    }
    let Yaml::Map(entries) = &root.yaml else {
        return Err(vec![err(
            root.span,
            "配置文件的顶层须是映射".into(),
            "the config must be a mapping".into(),
        )]);
    };
    let dir = path
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut seen: Vec<&str> = Vec::new();
    for (k, v) in entries {
        let key = k.as_str().unwrap_or("");
        if seen.contains(&key) {
            errors.push(err(
                k.span,
                format!("配置项“{key}”重复"),
                format!("duplicate key `{key}`"),
            ));
            continue;
        }
        seen.push(key);
        match key {
            "profile" => match v.as_str().and_then(Profile::parse) {
                Some(p) => cfg.profile = Some(p),
                None => errors.push(ConfigError {
                    help: Some("legacy | mof2021".into()),
                    ..err(
                        v.span,
                        format!("未知的指标体系“{}”", v.as_str().unwrap_or("")),
                        format!("unknown profile `{}`", v.as_str().unwrap_or("")),
                    )
                }),
            },
            "lang" => match v.as_str().and_then(Lang::parse) {
                Some(l) => cfg.lang = Some(l),
                None => errors.push(ConfigError {
                    help: Some("zh | en".into()),
                    ..err(v.span, "未知的语言".into(), "unknown language".into())
                }),
            },
            "select" | "ignore" => {
                let Some(items) = list_items(v) else {
                    errors.push(err(
                        v.span,
                        format!("“{key}”应为规则编号或前缀的列表，如 [JX3, JX101]"),
                        format!(
                            "`{key}` must be a list of rule codes or prefixes, e.g. [JX3, JX101]"
                        ),
                    ));
                    continue;
                };
                let mut codes = Vec::new();
                for it in items {
                    // `select: JX3, JX101` (one text) is a list too.
                    for c in it.as_str().unwrap_or("").split(',') {
                        let c = c.trim();
                        if c.is_empty() {
                            errors.push(err(
                                it.span,
                                "应为规则编号或前缀".into(),
                                "expected a rule code or prefix".into(),
                            ));
                        } else {
                            codes.push((c.to_ascii_uppercase(), it.span));
                        }
                    }
                }
                if key == "select" {
                    cfg.select = Some(codes);
                } else {
                    cfg.ignore = codes;
                }
            }
            "rules" | "exclude" => {
                let Some(items) = list_items(v) else {
                    errors.push(err(
                        v.span,
                        format!("“{key}”应为路径列表"),
                        format!("`{key}` must be a list of paths"),
                    ));
                    continue;
                };
                for it in items {
                    match it.as_str() {
                        Some(s) if key == "rules" => match inside(&dir, s) {
                            Ok(p) => cfg.rules.push(p),
                            Err((zh, en)) => errors.push(err(it.span, zh, en)),
                        },
                        Some(s) => {
                            if let Err(e) = globset::Glob::new(s) {
                                errors.push(err(
                                    it.span,
                                    format!("exclude 模式无效：{e}"),
                                    format!("bad exclude pattern: {e}"),
                                ));
                            }
                            cfg.exclude.push(s.to_owned());
                        }
                        None => {
                            errors.push(err(it.span, "应为文字".into(), "expected text".into()))
                        }
                    }
                }
            }
            "params" => {
                let Yaml::Map(ps) = &v.yaml else {
                    if !v.is_null() {
                        errors.push(err(
                            v.span,
                            "params 应为“参数名: 值”的映射".into(),
                            "params must map names to values".into(),
                        ));
                    }
                    continue;
                };
                let mut names: Vec<&str> = Vec::new();
                for (pk, pv) in ps {
                    let name = pk.as_str().unwrap_or("").to_owned();
                    if names.contains(&name.as_str()) {
                        errors.push(err(
                            pk.span,
                            format!("参数“{name}”重复"),
                            format!("duplicate param `{name}`"),
                        ));
                        continue;
                    }
                    names.push(pk.as_str().unwrap_or(""));
                    match lit(pv) {
                        Some(l) => cfg.params.push((name, l, pk.span, pv.span)),
                        None => errors.push(err(
                            pv.span,
                            format!("参数“{name}”的值无效"),
                            format!("bad value for param `{name}`"),
                        )),
                    }
                }
            }
            "severity" => {
                let Yaml::Map(ss) = &v.yaml else {
                    if !v.is_null() {
                        errors.push(err(
                            v.span,
                            "severity 应为“规则编号: error|warning|info|off”的映射".into(),
                            "severity must map rule codes to error|warning|info|off".into(),
                        ));
                    }
                    continue;
                };
                for (sk, sv) in ss {
                    let code = sk.as_str().unwrap_or("").to_owned();
                    if cfg.severity.contains_key(&code) {
                        errors.push(err(
                            sk.span,
                            format!("规则 {code} 的严重程度重复"),
                            format!("duplicate severity for {code}"),
                        ));
                        continue;
                    }
                    let s = sv.as_str().unwrap_or("");
                    let sev = match s {
                        // An unreadable, binary or undecodable file would then
                        // pass silently: JX008 can be lowered, not switched off.
                        "off" | "false" if code == "JX008" => {
                            errors.push(ConfigError {
                                help: Some("error | warning | info".into()),
                                ..err(
                                    sv.span,
                                    "JX008（文件无法读取或解码）不能关闭，否则这些文件会被悄悄跳过".into(),
                                    "JX008 (a file that cannot be read or decoded) cannot be turned off: such files would pass silently".into(),
                                )
                            });
                            continue;
                        }
                        "off" | "false" => None,
                        _ => match Severity::parse(s) {
                            Some(x) => Some(x),
                            None => {
                                errors.push(ConfigError {
                                    help: Some("error | warning | info | off".into()),
                                    ..err(
                                        sv.span,
                                        format!("规则 {code} 的严重程度“{s}”无效"),
                                        format!("bad severity `{s}` for {code}"),
                                    )
                                });
                                continue;
                            }
                        },
                    };
                    cfg.severity.insert(code, (sev, sk.span));
                }
            }
            "limits" => cfg.limits = parse_limits(v, lang, &mut errors),
            "waivers" | "豁免" => cfg.waivers = parse_waivers(v, &mut errors, &err),
            _ => {
                let guess = did_you_mean(key, KEYS);
                errors.push(ConfigError {
                    help: Some(match guess {
                        Some(g) => guess_help(g, lang),
                        None => match lang {
                            Lang::Zh => format!("可用的配置项：{}", KEYS.join(", ")),
                            Lang::En => format!("keys: {}", KEYS.join(", ")),
                        },
                    }),
                    ..err(
                        k.span,
                        format!("未知的配置项“{key}”"),
                        format!("unknown config key `{key}`"),
                    )
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(cfg)
    } else {
        Err(errors)
    }
}

/// A config's `rules:` entry, resolved inside the config's folder: an absolute
/// path, a `..` that leaves the folder, or a symlink out of it is refused (a
/// checked-out repository must not make jixiao print files from elsewhere;
/// `--rules` on the command line may name any file).
/// The items of a config list: a sequence, one scalar (a list of one), or
/// nothing when empty; `None` for a mapping.
/// `waivers:` — a list of `{rule, reason, file, approved_by}` (or 规则, 理由,
/// 文件, 批准); a waiver without its rule or reason, a bad glob or an unknown
/// key is an error of the config.
fn parse_waivers(
    v: &yaml::Node<'_>,
    errors: &mut Vec<ConfigError>,
    err: &dyn Fn(Span, String, String) -> ConfigError,
) -> Vec<Waiver> {
    let Some(items) = list_items(v) else {
        errors.push(err(
            v.span,
            "waivers 应为豁免的列表（每项写 rule、reason，可写 file）".into(),
            "`waivers` must be a list of waivers (each with rule, reason and optionally file)"
                .into(),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for it in items {
        let Yaml::Map(es) = &it.yaml else {
            errors.push(err(
                it.span,
                "豁免应为含 rule、reason 的映射".into(),
                "a waiver must be a mapping with rule and reason".into(),
            ));
            continue;
        };
        let mut w = Waiver {
            span: it.span,
            ..Waiver::default()
        };
        let (mut rule, mut reason) = (false, false);
        for (k, val) in es {
            let text = || val.as_str().map(str::trim).unwrap_or("").to_owned();
            match k.as_str().unwrap_or("") {
                "rule" | "规则" => {
                    (w.code, w.span, rule) = (text().to_ascii_uppercase(), val.span, true);
                }
                "reason" | "理由" => (w.reason, reason) = (text(), true),
                "approved_by" | "批准" => {}
                "file" | "files" | "文件" => {
                    for f in list_items(val).unwrap_or_default() {
                        match f.as_str() {
                            Some(g) if globset::Glob::new(g).is_ok() => w.files.push(g.to_owned()),
                            _ => errors.push(err(
                                f.span,
                                "file 应为文件名或 glob 模式（如 自评表.xlsx、2022/*.xlsx）".into(),
                                "`file` must be a file name or glob (e.g. 自评表.xlsx, 2022/*.xlsx)".into(),
                            )),
                        }
                    }
                }
                other => errors.push(err(
                    k.span,
                    format!("豁免中未知的键“{other}”（可用：rule、reason、file、approved_by）"),
                    format!(
                        "unknown key `{other}` in a waiver (keys: rule, reason, file, approved_by)"
                    ),
                )),
            }
        }
        if !rule || w.code.is_empty() {
            errors.push(err(
                it.span,
                "豁免没有写明 rule（规则编号）".into(),
                "the waiver names no rule".into(),
            ));
        } else if !reason || w.reason.is_empty() {
            errors.push(err(
                it.span,
                format!("豁免 {} 没有写明理由", w.code),
                format!("the waiver of {} gives no reason", w.code),
            ));
        } else {
            out.push(w);
        }
    }
    out
}

fn list_items<'n, 'a>(v: &'n yaml::Node<'a>) -> Option<Vec<&'n yaml::Node<'a>>> {
    match &v.yaml {
        Yaml::Seq(items) => Some(items.iter().collect()),
        _ if v.is_null() => Some(Vec::new()),
        Yaml::Scalar { .. } => Some(vec![v]),
        Yaml::Map(_) => None,
    }
}

fn inside(dir: &Path, entry: &str) -> Result<PathBuf, (String, String)> {
    use std::path::Component;
    let refuse = |why_zh: &str, why_en: &str| {
        (
            format!(
                "规则路径“{entry}”{why_zh}；配置中的规则文件须在配置文件所在的文件夹内（其他位置请用命令行 --rules）"
            ),
            format!(
                "rule path `{entry}` {why_en}; rule files in the config must lie inside its folder (use --rules on the command line for others)"
            ),
        )
    };
    let rel = Path::new(entry);
    let mut depth: usize = 0;
    for c in rel.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => {
                return Err(refuse("是绝对路径", "is absolute"));
            }
            Component::ParentDir => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| refuse("指向配置文件夹之外", "leaves the config's folder"))?;
            }
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
        }
    }
    let joined = dir.join(rel);
    // A symlink may still lead out: compare the real paths when it exists.
    let base = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if let (Ok(real), Ok(real_base)) = (std::fs::canonicalize(&joined), std::fs::canonicalize(base))
        && !real.starts_with(&real_base)
    {
        return Err(refuse(
            "经符号链接指向配置文件夹之外",
            "leads out of the config's folder through a symbolic link",
        ));
    }
    Ok(joined)
}

/// Why a text read as a rule file is not one, so that no line of it is
/// shown (a config naming `/etc/passwd` or `/proc/self/environ` must not print
/// it): control characters, or text without any `rule`, `param` or `ruleset`.
pub fn not_rule_text(text: &str) -> Option<&'static str> {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Some("not a rule file (it contains control characters); not shown");
    }
    let mut content = false;
    for line in text.lines() {
        let t = line.trim_start_matches([' ', '\t', '\u{3000}', '\u{FEFF}']);
        if t.is_empty() || t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        content = true;
        for kw in ["rule", "param", "ruleset"] {
            if let Some(rest) = t.strip_prefix(kw)
                && rest
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric() && c != '_')
            {
                return None;
            }
        }
    }
    content.then_some("not a rule file (no `rule`, `param` or `ruleset` in it); not shown")
}

/// Whether a `params:` override has the type of the param's default:
/// percentage, number, text, boolean or a list of those. The error says what
/// the default is, so `"70%"` (quoted: text) or `abc` for a percentage is a
/// config error, not a rule silently switched off.
pub fn param_type_error(name: &str, default: &Lit, given: &Lit, lang: Lang) -> Option<String> {
    fn kind(l: &Lit) -> (&'static str, &'static str) {
        match l {
            Lit::Num(n) if n.percent => ("百分比", "a percentage"),
            Lit::Num(_) => ("数字", "a number"),
            Lit::Str(_) => ("文字", "text"),
            Lit::Bool(_) => ("true 或 false", "true or false"),
            Lit::List(_) => ("列表", "a list"),
        }
    }
    let same = |a: &Lit, b: &Lit| kind(a) == kind(b);
    let (want_zh, want_en) = kind(default);
    let (got_zh, got_en) = kind(given);
    let msg = |zh: String, en: String| Some(lang.pick(&zh, &en).to_owned());
    if !same(default, given) {
        return msg(
            format!("参数“{name}”应为{want_zh}（默认 {default}），这里是{got_zh}：{given}"),
            format!("param `{name}` is {want_en} (default {default}), not {got_en}: {given}"),
        );
    }
    match (default, given) {
        (Lit::List(d), Lit::List(g)) => {
            if let Some(first) = d.first()
                && let Some(bad) = g.iter().find(|x| !same(first, x))
            {
                let (w_zh, w_en) = kind(first);
                return msg(
                    format!("参数“{name}”的每一项应为{w_zh}（默认 {default}），这里有 {bad}"),
                    format!("each item of param `{name}` is {w_en} (default {default}), not {bad}"),
                );
            }
        }
        (Lit::Num(d), Lit::Num(g)) if !d.value.is_sign_negative() && g.value.is_sign_negative() => {
            return msg(
                format!("参数“{name}”不能为负数（默认 {default}）：{given}"),
                format!("param `{name}` cannot be negative (default {default}): {given}"),
            );
        }
        (Lit::Str(d), Lit::Str(g)) if !d.trim().is_empty() && g.trim().is_empty() => {
            return msg(
                format!("参数“{name}”不能为空（默认 {default}）"),
                format!("param `{name}` cannot be empty (default {default})"),
            );
        }
        _ => {}
    }
    None
}

/// The "did you mean" help of a config diagnostic.
pub fn guess_help(guess: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("是不是 `{guess}`？"),
        Lang::En => format!("did you mean `{guess}`?"),
    }
}

/// A YAML value as a rule-language constant: number, percentage, text, boolean or list.
pub fn lit(v: &yaml::Node<'_>) -> Option<Lit> {
    match &v.yaml {
        Yaml::Seq(items) => items
            .iter()
            .map(lit)
            .collect::<Option<Vec<_>>>()
            .map(|l| Lit::List(l.into())),
        Yaml::Map(_) => None,
        Yaml::Scalar { text, plain } => {
            let t = text.trim();
            if *plain {
                if t == "true" || t == "false" {
                    return Some(Lit::Bool(t == "true"));
                }
                if let Ok(p) = crate::amount::parse_percent(t) {
                    return Some(Lit::Num(crate::model::Num {
                        value: p,
                        percent: true,
                    }));
                }
                if let Ok(d) = crate::amount::parse_decimal(t) {
                    return Some(Lit::Num(crate::model::Num {
                        value: d,
                        percent: false,
                    }));
                }
            }
            Some(Lit::Str(Arc::from(&**text)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_file_size_says_the_units_it_accepts() {
        let errs = parse("limits:\n  max_file_size: 2GB\n", None, Lang::Zh).unwrap_err();
        assert_eq!(
            errs[0].message,
            "限制 max_file_size 的值“2GB”无效：最大 100MB（可写 20MB、512KB 或字节数）"
        );
        assert!(parse("limits:\n  max_file_size: 20MB\n", None, Lang::Zh).is_ok());
    }

    #[test]
    fn select_and_ignore_are_lists_of_codes() {
        let c = parse(
            "select: [jx3, JX501]\nignore: JX304, JX305\n",
            None,
            Lang::Zh,
        )
        .unwrap();
        let codes = |v: &[(String, Span)]| v.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
        assert_eq!(codes(c.select.as_deref().unwrap()), ["JX3", "JX501"]);
        assert_eq!(codes(&c.ignore), ["JX304", "JX305"]);
        assert!(parse("select: {a: 1}\n", None, Lang::Zh).is_err());
        let sel = Selection {
            select: Some(vec!["JX3".into()]),
            ignore: vec!["JX30".into(), "JX305".into()],
        };
        assert!(sel.keeps("JX310") && !sel.keeps("JX304") && !sel.keeps("JX101"));
        assert!(sel.keeps("JX001") && sel.keeps("JX008"), "never filtered");
    }

    #[test]
    fn yaml_limit_errors_are_sentences_not_debug_text() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        let errs = parse(bomb, None, Lang::En).unwrap_err();
        assert!(
            errs[0].message.contains("aliases expand to more than"),
            "{errs:?}"
        );
        assert!(!errs[0].message.contains("TooMany"), "{errs:?}");
    }

    #[test]
    fn rule_paths_stay_inside_the_config_folder() {
        let dir = Path::new("repo");
        assert_eq!(
            inside(dir, "rules/a.rules").unwrap(),
            Path::new("repo/rules/a.rules")
        );
        assert!(inside(dir, "rules/../a.rules").is_ok());
        assert!(inside(dir, "/etc/passwd").is_err());
        assert!(inside(dir, "../secret.txt").is_err());
        assert!(inside(dir, "a/../../b.rules").is_err());
        let (zh, en) = inside(dir, "/proc/self/environ").unwrap_err();
        assert!(zh.contains("绝对路径") && en.contains("is absolute"));
    }

    #[test]
    fn text_without_rules_or_with_control_characters_is_not_a_rule_file() {
        assert_eq!(not_rule_text(""), None);
        assert_eq!(not_rule_text("# only a comment\n// another\n"), None);
        assert_eq!(not_rule_text("\u{FEFF}rule JX900 \"t\" {}\n"), None);
        assert_eq!(not_rule_text("  param x = 1\n"), None);
        assert!(not_rule_text("root:x:0:0:root:/root:/bin/bash\n").is_some());
        assert!(not_rule_text("PATH=/bin\0SECRET=1\0").is_some());
        assert!(not_rule_text("rules are fun\n").is_some());
    }

    #[test]
    fn param_overrides_keep_the_default_type() {
        let pct = |v: i64| {
            Lit::Num(crate::model::Num {
                value: v.into(),
                percent: true,
            })
        };
        let num = |v: i64| {
            Lit::Num(crate::model::Num {
                value: v.into(),
                percent: false,
            })
        };
        let text = |s: &str| Lit::Str(Arc::from(s));
        let list = |v: Vec<Lit>| Lit::List(v.into());
        let en = Lang::En;
        assert_eq!(param_type_error("p", &pct(60), &pct(70), en), None);
        assert!(param_type_error("p", &pct(60), &text("70%"), en).is_some());
        assert!(param_type_error("p", &pct(60), &num(70), en).is_some());
        assert!(param_type_error("n", &num(6), &num(-5), en).is_some());
        assert_eq!(param_type_error("n", &num(6), &num(0), en), None);
        assert!(param_type_error("s", &text("a|b"), &text(" "), en).is_some());
        let dims = list(vec![text("成本指标")]);
        assert_eq!(
            param_type_error("l", &dims, &list(vec![text("x")]), en),
            None
        );
        let m = param_type_error("l", &dims, &list(vec![num(1)]), en).unwrap();
        assert!(m.contains("each item of param `l` is text"), "{m}");
    }
}
