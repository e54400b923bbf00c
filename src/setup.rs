//! From a config and rule texts to a compiled [`RuleSet`]: the config parsed,
//! the default and extra rule files compiled with the config's profile,
//! params and severities, and the config's param and rule names checked
//! against the rules. Every problem comes back as an [`Error`]; reading the
//! files is the caller's business.

use crate::config::{self, Config, ConfigError};
use crate::diag::Lang;
use crate::error::{Error, ErrorKind};
use crate::model::Num;
use crate::model::Profile;
use crate::rules::Lit;
use crate::rules::compile::{RuleSource, Settings};
use crate::rules::{DEFAULT_RULES, RuleSet};
use std::path::Path;
use std::sync::Arc;

/// What the command line (or an embedder) says on top of the config.
#[derive(Clone, Debug, Default)]
pub struct Flags {
    /// Language of messages (wins over the config's `lang`).
    pub lang: Option<Lang>,
    /// Indicator system (wins over the config's `profile`).
    pub profile: Option<Profile>,
    /// Leave out the built-in rules.
    pub no_default_rules: bool,
}

/// Everything a check needs besides the files.
#[derive(Debug)]
pub struct Setup {
    /// The language of messages.
    pub lang: Lang,
    /// The config (default when there is none).
    pub config: Config,
    /// The compiled rules.
    pub rules: RuleSet,
    /// The rule files read besides the built-in ones (the command line
    /// refuses to write over them).
    pub rule_files: Vec<std::path::PathBuf>,
    /// Notes on how the config was read (a bare `70` for a percentage
    /// param is read as `70%`), for stderr.
    pub notes: Vec<String>,
}

/// The built-in rule files.
pub fn default_sources() -> Vec<RuleSource> {
    DEFAULT_RULES
        .iter()
        .map(|(name, text)| RuleSource {
            name: Arc::from(format!("<builtin>/{name}")),
            text: Arc::from(*text),
        })
        .collect()
}

fn config_error(name: &Arc<str>, text: &Arc<str>, e: ConfigError) -> Error {
    Error::new(ErrorKind::Config, "config", e.message)
        .at(name.clone(), text.clone(), e.span)
        .help(e.help)
}

/// Parse the config `text` of the file `name` (at `path`, to resolve its
/// relative paths), with messages in `lang`.
pub fn parse_config(
    name: Arc<str>,
    text: Arc<str>,
    path: Option<&Path>,
    lang: Lang,
) -> Result<Config, Vec<Error>> {
    config::parse(&text, path, lang).map_err(|es| {
        es.into_iter()
            .map(|e| config_error(&name, &text, e))
            .collect()
    })
}

/// The language a run speaks: the flag, else the config's, else Chinese.
pub fn lang(flags: &Flags, config: &Config) -> Lang {
    flags.lang.or(config.lang).unwrap_or_default()
}

/// Compile the rules for `config` (whose own file is `config_file`: name
/// and text) with the `extra` rule files, and check that the config's params
/// and severities name real params and rules.
pub fn build(
    mut config: Config,
    config_file: Option<(Arc<str>, Arc<str>)>,
    extra: Vec<RuleSource>,
    flags: &Flags,
) -> Result<Setup, Vec<Error>> {
    let lang = lang(flags, &config);
    let profile = flags.profile.or(config.profile).unwrap_or_default();
    let mut sources = Vec::new();
    if !flags.no_default_rules {
        sources.extend(default_sources());
    }
    sources.extend(extra);
    // The params' own types, to check the config's overrides against.
    let defaults = (!config.params.is_empty())
        .then(|| {
            let plain = Settings {
                profile,
                lang,
                params: Vec::new(),
                severity: config
                    .severity
                    .iter()
                    .map(|(k, (s, _))| (k.clone(), *s))
                    .collect(),
            };
            RuleSet::build(sources.clone(), &plain).ok()
        })
        .flatten();
    let notes = percent_points(&mut config, defaults.as_ref(), lang);
    let settings = Settings {
        profile,
        lang,
        params: config
            .params
            .iter()
            .map(|(n, v, ..)| (n.clone(), v.clone()))
            .collect(),
        severity: config
            .severity
            .iter()
            .map(|(k, (s, _))| (k.clone(), *s))
            .collect(),
    };
    let rules = RuleSet::build(sources, &settings).map_err(|(sources, errors)| {
        errors
            .into_iter()
            .map(|(i, e)| {
                let s = &sources[i];
                Error::new(ErrorKind::RuleFile, e.code, e.message)
                    .at(s.name.clone(), s.text.clone(), e.span)
                    .help(e.help)
            })
            .collect::<Vec<_>>()
    })?;
    if let Some((name, text)) = &config_file {
        let errs = config_names(&config, &rules, defaults.as_ref(), lang);
        if !errs.is_empty() {
            return Err(errs
                .into_iter()
                .map(|e| config_error(name, text, e))
                .collect());
        }
    }
    Ok(Setup {
        lang,
        config,
        rules,
        rule_files: Vec::new(),
        notes,
    })
}

/// A percentage param given as a bare number (SPEC §3.1): above 1 it is
/// read as percent points (`70` → 70%) and said so in a note; at most 1 as
/// the fraction it is (`0.7` → 70%).
fn percent_points(config: &mut Config, defaults: Option<&RuleSet>, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    for (name, value, ..) in &mut config.params {
        let Some(Lit::Num(d)) = defaults.and_then(|d| d.param(name)) else {
            continue;
        };
        let Lit::Num(g) = &*value else { continue };
        if !d.percent || g.percent {
            continue;
        }
        let points = g.value > rust_decimal::Decimal::ONE;
        let n = Num {
            value: if points {
                g.value / rust_decimal::Decimal::ONE_HUNDRED
            } else {
                g.value
            },
            percent: true,
        };
        if points {
            notes.push(match lang {
                Lang::Zh => format!("注意：参数 {name} 写成 {g}，按 {n} 读取（百分比请写 {n}）"),
                Lang::En => format!("note: param {name} is given as {g}, read as {n} (write {n})"),
            });
        }
        *value = Lit::Num(n);
    }
    notes
}

/// The config's `params` entries of the wrong type (against the param's
/// default in `defaults`) and `params` and `severity` entries that name no
/// param or rule.
fn config_names(
    config: &Config,
    rules: &RuleSet,
    defaults: Option<&RuleSet>,
    lang: Lang,
) -> Vec<ConfigError> {
    let mut errs = Vec::new();
    for (name, value, span, value_at) in &config.params {
        // A value of the wrong type is underlined itself, an unknown name its key.
        if let Some(d) = defaults.and_then(|d| d.param(name))
            && let Some(m) = config::param_type_error(name, d, value, lang)
        {
            errs.push(ConfigError {
                span: *value_at,
                message: m,
                help: None,
            });
        }
        if rules.param(name).is_none() {
            let guess =
                crate::load::did_you_mean(name, rules.params.iter().map(|p| p.name.as_str()));
            errs.push(ConfigError {
                span: *span,
                message: match lang {
                    Lang::Zh => format!("没有名为“{name}”的参数"),
                    Lang::En => format!("no param is named `{name}`"),
                },
                help: guess.map(|g| config::guess_help(g, lang)),
            });
        }
    }
    let waived = config.waivers.iter().map(|w| (&w.code, &w.span));
    for (code, span) in config
        .severity
        .iter()
        .map(|(c, (_, s))| (c, s))
        .chain(waived)
    {
        if !rules.knows(code) {
            let guess = crate::load::did_you_mean(code, rules.rules.iter().map(|r| &*r.code));
            errs.push(ConfigError {
                span: *span,
                message: match lang {
                    Lang::Zh => format!("没有编号为 {code} 的规则"),
                    Lang::En => format!("no rule has the code {code}"),
                },
                help: guess.map(|g| config::guess_help(g, lang)),
            });
        }
    }
    errs
}
