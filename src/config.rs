//! `.jixiao.yaml`: found from the current folder upwards (or `--config`).
//! `profile`, extra `rules`, `params` overrides, per-rule `severity`
//! (`off` included), `exclude` globs and `lang`. Every problem is a diagnostic
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
    pub params: Vec<(String, Lit, Span)>,
    /// `None`: off.
    pub severity: HashMap<String, (Option<Severity>, Span)>,
    pub exclude: Vec<String>,
    pub lang: Option<Lang>,
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
            if p.is_file() {
                return Some(p);
            }
        }
        dir = d.parent();
    }
    None
}

const KEYS: [&str; 6] = ["profile", "rules", "params", "severity", "exclude", "lang"];

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
        let info = match e.kind {
            yaml::ErrorKind::Syntax(s) => s,
            other => format!("{other:?}"),
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
            "rules" | "exclude" => {
                let items: Vec<&yaml::Node<'_>> = match &v.yaml {
                    Yaml::Seq(items) => items.iter().collect(),
                    Yaml::Scalar { .. } if !v.is_null() => vec![v],
                    _ if v.is_null() => Vec::new(),
                    _ => {
                        errors.push(err(
                            v.span,
                            format!("“{key}”应为路径列表"),
                            format!("`{key}` must be a list of paths"),
                        ));
                        continue;
                    }
                };
                for it in items {
                    match it.as_str() {
                        Some(s) if key == "rules" => cfg.rules.push(dir.join(s)),
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
                for (pk, pv) in ps {
                    let name = pk.as_str().unwrap_or("").to_owned();
                    match lit(pv) {
                        Some(l) => cfg.params.push((name, l, pk.span)),
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
                    let s = sv.as_str().unwrap_or("");
                    let sev = match s {
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
