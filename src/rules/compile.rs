//! Static checks and compilation: rule files → a [`RuleSet`] whose names are
//! resolved (locals to slots, fields to model keys, params to constants),
//! templates pre-parsed and regexes pre-built, so evaluation never re-parses.
//! Every problem found here is a [`RuleError`] into the rule file.

use super::RuleError;
use super::ast::{self, BinOp, Clause, ExprKind, UnOp};
use super::functions::{self, FUNCTIONS, Function};
use super::parse::parse_file;
use crate::diag::{Lang, Severity};
use crate::load::did_you_mean;
use crate::model::{Key, Kind, Num, Profile};
use crate::source::Span;
use regex::Regex;
use std::collections::HashMap;
use std::sync::Arc;

/// A constant: a literal or a param's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Num(Num),
    Str(Arc<str>),
    Bool(bool),
    List(Arc<[Lit]>),
}

impl std::fmt::Display for Lit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lit::Num(n) => write!(f, "{n}"),
            Lit::Str(s) => write!(f, "\"{s}\""),
            Lit::Bool(b) => write!(f, "{b}"),
            Lit::List(items) => {
                f.write_str("[")?;
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{it}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A compiled expression.
#[derive(Clone, Debug)]
pub enum Ex {
    Lit(Lit),
    List(Vec<Ex>),
    Comp {
        expr: Box<Ex>,
        slot: usize,
        iter: Box<Ex>,
        cond: Option<Box<Ex>>,
    },
    Local(usize),
    Param(usize),
    /// The document's root mapping.
    Root,
    Projects,
    Declared,
    Profile,
    Get(Box<Ex>, Key),
    Star(Box<Ex>),
    Index(Box<Ex>, Box<Ex>),
    Call(&'static Function, Vec<Ex>),
    /// `matches` with a pattern known at compile time.
    Matches(Box<Ex>, Arc<Pattern>),
    /// A path from the document root (`indicators.*.*.*`): evaluated once per
    /// document and shared by every rule; the id indexes the evaluator's cache.
    Cached(usize, Box<Ex>),
    Not(Box<Ex>),
    Neg(Box<Ex>),
    Bin(BinOp, Box<Ex>, Box<Ex>),
    /// While a fix is checked: the value the fix would write, in place of
    /// the path it writes to (see [`FixEx::check`]).
    Fixed,
    /// `x in ["number", "range"]` (or `not in`, or a param holding such a
    /// list): text compared with constant strings directly; any other left
    /// value falls back to the general `in` of the `Bin`.
    InStrs {
        negate: bool,
        strs: Arc<[Arc<str>]>,
        general: Box<Ex>,
    },
}

/// A constant `matches` pattern. Patterns of the user's rule files (and of
/// params the config sets) are built, and so checked, when compiling. Those
/// of the default rules, known to be valid, are searched with the DFA
/// `build.rs` made for them ([`super::patterns`]): no start-up cost, which is
/// what a one-file check feels. The DFA is sparse, slower per byte than the
/// regex's lazy DFA and literal prefilters, so a pattern that has answered
/// [`Pattern::SWITCH`] searches (a batch run) builds its regex and goes on
/// with it. A pattern with no DFA is built on first use.
#[derive(Debug)]
pub struct Pattern {
    pub text: Arc<str>,
    /// The build-time DFA, looked up on first use.
    dfa: std::sync::OnceLock<Option<Box<regex_automata::dfa::sparse::DFA<&'static [u8]>>>>,
    /// Searches the DFA has answered.
    searches: std::sync::atomic::AtomicU32,
    regex: std::sync::OnceLock<Option<Regex>>,
}

impl Pattern {
    /// Searches after which a default pattern's regex is built: compiling one
    /// costs about as much as a thousand short searches save.
    pub const SWITCH: u32 = 1024;

    fn lazy(text: Arc<str>) -> Pattern {
        Pattern {
            text,
            dfa: std::sync::OnceLock::new(),
            searches: 0.into(),
            regex: std::sync::OnceLock::new(),
        }
    }
    fn built(text: Arc<str>, re: Regex) -> Pattern {
        Pattern {
            text,
            dfa: std::sync::OnceLock::from(None),
            searches: 0.into(),
            regex: std::sync::OnceLock::from(Some(re)),
        }
    }
    /// Whether `text` holds a match (`None` if the pattern does not build).
    pub fn is_match(&self, text: &str) -> Option<bool> {
        use std::sync::atomic::Ordering::Relaxed;
        if let Some(re) = self.regex.get() {
            return re.as_ref().map(|re| re.is_match(text));
        }
        if self.searches.fetch_add(1, Relaxed) < Self::SWITCH
            && let Some(found) = self.dfa_is_match(text)
        {
            return Some(found);
        }
        self.regex
            .get_or_init(|| build_regex(&self.text).ok())
            .as_ref()
            .map(|re| re.is_match(text))
    }
    /// The build-time DFA's answer; `None` without one. It has no quit bytes
    /// (built without Unicode word boundaries), so the search cannot fail;
    /// if it did, the regex answers.
    fn dfa_is_match(&self, text: &str) -> Option<bool> {
        use regex_automata::{Input, dfa::Automaton};
        let dfa = self
            .dfa
            .get_or_init(|| super::default_pattern(&self.text).map(Box::new))
            .as_ref()?;
        dfa.try_search_fwd(&Input::new(text).earliest(true))
            .ok()
            .map(|m| m.is_some())
    }
    /// The build-time DFA's answer, for tests comparing it with the regex.
    #[cfg(test)]
    pub fn prebuilt_is_match(&self, text: &str) -> Option<bool> {
        self.dfa_is_match(text)
    }
}

/// A message in Chinese and, optionally, English: literal text and `{expr}`s.
#[derive(Clone, Debug)]
pub struct Template {
    pub zh: Vec<Seg>,
    pub en: Option<Vec<Seg>>,
    /// The text of each language that has no `{expr}` (`[zh, en]`), made
    /// once: every finding of the rule shares it.
    pub fixed: [Option<Arc<str>>; 2],
}

impl Template {
    /// The parts shown in `lang` (Chinese when there is no English), and
    /// their text when they have no `{expr}`.
    pub fn pick(&self, lang: crate::diag::Lang) -> (&[Seg], Option<&Arc<str>>) {
        match (lang, &self.en) {
            (crate::diag::Lang::En, Some(en)) => (en, self.fixed[1].as_ref()),
            _ => (&self.zh, self.fixed[0].as_ref()),
        }
    }
}

/// The text of `segs` when all are literal, clipped as rendered text is.
fn literal(segs: &[Seg]) -> Option<Arc<str>> {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Lit(l) => s.push_str(l),
            Seg::Expr(_) => return None,
        }
    }
    Some(crate::diag::clip(s).into())
}

#[derive(Clone, Debug)]
pub enum Seg {
    Lit(String),
    Expr(Ex),
}

#[derive(Clone, Debug)]
pub struct Label {
    pub at: Ex,
    pub text: Option<Template>,
}

#[derive(Clone, Debug)]
pub struct Check {
    pub expr: Ex,
    pub message: Option<Template>,
    pub at: Option<Ex>,
    /// What the primary span's label says (`at PATH "text"`); the message
    /// when the rule gives none.
    pub at_label: Option<Template>,
    pub labels: Vec<Label>,
    pub help: Option<Template>,
    pub fix: Option<FixEx>,
}

/// A compiled `fix PATH = EXPR` (SPEC §3.1).
#[derive(Clone, Debug)]
pub struct FixEx {
    /// The scalar to rewrite.
    pub path: Ex,
    /// Its new value.
    pub value: Ex,
    /// `fix` (a computation) rather than `fix unsafe` (a judgement).
    pub safe: bool,
    /// The assert with every occurrence of `path` read as [`Ex::Fixed`]: true
    /// when the new value would make the assert pass.
    pub check: Ex,
}

#[derive(Clone, Debug)]
pub enum Step {
    Let(usize, Ex),
    When(Ex),
    Assert(Box<Check>),
    For(usize, Ex, Vec<Step>),
}

/// One compiled rule.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub code: Arc<str>,
    pub title_zh: Arc<str>,
    pub title_en: Option<Arc<str>>,
    pub severity: Severity,
    /// Kinds it applies to; empty: every kind.
    pub applies: Vec<Kind>,
    pub help: Option<Template>,
    pub help_text: Option<ast::Text>,
    pub basis: Vec<String>,
    /// Index of its file in [`RuleSet::sources`], and its span there.
    pub source: usize,
    pub span: Span,
    pub steps: Vec<Step>,
    pub slots: usize,
    /// Uses `projects` or `declared`: evaluated once related documents are known.
    pub cross: bool,
    pub message: Option<Template>,
}

impl Compiled {
    pub fn title(&self, lang: Lang) -> &str {
        match (lang, &self.title_en) {
            (Lang::En, Some(en)) => en,
            _ => &self.title_zh,
        }
    }
    pub fn applies_to(&self, kind: Kind) -> bool {
        self.applies.is_empty() || self.applies.contains(&kind)
    }
}

/// A rule file's name and text.
#[derive(Clone, Debug)]
pub struct RuleSource {
    pub name: Arc<str>,
    pub text: Arc<str>,
}

#[derive(Clone, Debug)]
pub struct ParamDef {
    pub name: String,
    pub value: Lit,
    pub source: usize,
    pub span: Span,
}

/// Everything that shapes compilation besides the rule files.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub profile: Profile,
    pub lang: Lang,
    /// `params` overrides from the config, by name.
    pub params: Vec<(String, Lit)>,
    /// Per-rule severity overrides; `None` turns a rule off.
    pub severity: HashMap<String, Option<Severity>>,
}

/// The compiled rules of a run.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    pub sources: Vec<RuleSource>,
    pub rules: Vec<Compiled>,
    pub params: Vec<ParamDef>,
    /// `ruleset` headers: (source, title, basis).
    pub headers: Vec<(usize, ast::Text, Vec<String>)>,
    pub profile: Profile,
    /// Codes of rules turned off by config (still known, for waivers).
    pub off: Vec<Arc<str>>,
    /// How many distinct root paths the rules share (see [`Ex::Cached`]).
    pub cached_paths: usize,
}

/// Errors found in rule files: (index into the sources, error).
pub type RuleErrors = Vec<(usize, RuleError)>;

impl RuleSet {
    /// Parse, check and compile rule files. Every error of every file is returned.
    pub fn build(
        sources: Vec<RuleSource>,
        settings: &Settings,
    ) -> Result<RuleSet, (Vec<RuleSource>, RuleErrors)> {
        let lang = settings.lang;
        let mut errors: RuleErrors = Vec::new();
        let mut files = Vec::new();
        // The default rule files were parsed when jixiao was built.
        let mut defaults: Option<Vec<Option<ast::File>>> = None;
        let mut prebuilt = vec![false; sources.len()];
        for (i, s) in sources.iter().enumerate() {
            if let Some(d) = super::default_index(&s.text) {
                let pre = defaults.get_or_insert_with(|| {
                    super::default_files()
                        .map(|fs| fs.into_iter().map(Some).collect())
                        .unwrap_or_default()
                });
                if let Some(f) = pre.get_mut(d).and_then(Option::take) {
                    files.push(f);
                    prebuilt[i] = true;
                    continue;
                }
            }
            let (f, errs) = parse_file(&s.text, lang);
            errors.extend(errs.into_iter().map(|e| (i, e)));
            files.push(f);
        }
        let mut set = RuleSet {
            sources,
            profile: settings.profile,
            ..RuleSet::default()
        };
        // Params first: every rule sees every file's params.
        for (i, f) in files.iter().enumerate() {
            let mut seen: Vec<&str> = Vec::new();
            for p in &f.params {
                if seen.contains(&p.name.as_str()) {
                    errors.push((
                        i,
                        RuleError::new(
                            "rule-param",
                            p.name_span,
                            match lang {
                                Lang::Zh => format!("参数“{}”在本文件中重复定义", p.name),
                                Lang::En => {
                                    format!("param `{}` is defined twice in this file", p.name)
                                }
                            },
                        ),
                    ));
                    continue;
                }
                seen.push(&p.name);
                match const_eval(&p.value, &set.params, lang) {
                    Ok(value) => {
                        let def = ParamDef {
                            name: p.name.clone(),
                            value,
                            source: i,
                            span: p.name_span,
                        };
                        // A later file may redefine a default param: it wins.
                        match set.params.iter_mut().find(|d| d.name == p.name) {
                            Some(d) => *d = def,
                            None => set.params.push(def),
                        }
                    }
                    Err(e) => errors.push((i, e)),
                }
            }
        }
        for (name, value) in &settings.params {
            if let Some(d) = set.params.iter_mut().find(|d| &d.name == name) {
                d.value = value.clone();
            }
        }
        let mut paths: HashMap<(usize, u16), usize> = HashMap::new();
        let mut regexes = HashMap::new();
        // Params whose value is the default rules' own (not set by the config
        // or redefined by a user file): their patterns need no check.
        let trusted_params: Vec<bool> = set
            .params
            .iter()
            .map(|p| prebuilt[p.source] && !settings.params.iter().any(|(n, _)| *n == p.name))
            .collect();
        for (i, f) in files.iter().enumerate() {
            if let Some((title, basis)) = &f.ruleset {
                set.headers.push((
                    i,
                    title.clone(),
                    basis.iter().map(|b| b.0.clone()).collect(),
                ));
            }
            for r in &f.rules {
                let mut cx = Cx {
                    params: &set.params,
                    lang,
                    scopes: Vec::new(),
                    slots: 0,
                    errors: Vec::new(),
                    cross: false,
                    paths: &mut paths,
                    regexes: &mut regexes,
                    trusted: prebuilt[i],
                    trusted_params: &trusted_params,
                };
                let compiled = cx.rule(r, i);
                errors.extend(cx.errors.into_iter().map(|e| (i, e)));
                if let Some(prev) = set.rules.iter().find(|p| *p.code == r.code) {
                    let prev_file = &set.sources[prev.source].name;
                    errors.push((
                        i,
                        RuleError::new(
                            "rule-duplicate",
                            r.code_span,
                            match lang {
                                Lang::Zh => {
                                    format!("规则编号 {} 重复（{prev_file} 中已定义）", r.code)
                                }
                                Lang::En => {
                                    format!("rule {} is already defined in {prev_file}", r.code)
                                }
                            },
                        )
                        .help(
                            lang.pick("每条规则须有唯一的编号", "give each rule a code of its own"),
                        ),
                    ));
                    continue;
                }
                set.rules.push(compiled);
            }
        }
        if !errors.is_empty() {
            return Err((set.sources, errors));
        }
        // Config severities: change or turn off.
        let mut off = Vec::new();
        set.rules
            .retain_mut(|r| match settings.severity.get(&*r.code) {
                Some(None) => {
                    off.push(r.code.clone());
                    false
                }
                Some(Some(s)) => {
                    r.severity = *s;
                    true
                }
                None => true,
            });
        set.off = off;
        set.cached_paths = paths.len();
        Ok(set)
    }

    pub fn rule(&self, code: &str) -> Option<&Compiled> {
        self.rules.iter().find(|r| &*r.code == code)
    }

    /// The rule's source text, for `jixiao explain`.
    pub fn rule_text(&self, r: &Compiled) -> &str {
        self.sources[r.source]
            .text
            .get(r.span.range())
            .unwrap_or("")
    }

    pub fn param(&self, name: &str) -> Option<&Lit> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.value)
    }
}

/// A template whose `{…}`s are all params (or constants), rendered: `raw`
/// when it has no parts; the span of the first other `{…}` as the error.
fn const_text(
    raw: &str,
    parts: &[ast::Part],
    params: &[ParamDef],
    lang: Lang,
) -> Result<String, Span> {
    if parts.is_empty() {
        return Ok(raw.to_owned());
    }
    let mut out = String::new();
    for p in parts {
        match p {
            ast::Part::Lit(l) => out.push_str(l),
            ast::Part::Expr(e) => {
                let v = const_eval(e, params, lang).map_err(|_| e.span)?;
                out.push_str(&super::eval::display(&super::eval::lit(&v), lang));
            }
        }
    }
    Ok(out)
}

fn const_eval(e: &ast::Expr, params: &[ParamDef], lang: Lang) -> Result<Lit, RuleError> {
    let not_const = || {
        RuleError::new(
            "rule-param",
            e.span,
            lang.pick(
                "参数值须是常量：数字、百分数、字符串、布尔值或它们的列表",
                "a param must be a constant: a number, percentage, string, boolean or a list of them",
            )
            .to_owned(),
        )
    };
    Ok(match &e.kind {
        ExprKind::Num { value, percent } => Lit::Num(Num {
            value: *value,
            percent: *percent,
        }),
        ExprKind::Str(s) => Lit::Str(s.as_str().into()),
        ExprKind::Bool(b) => Lit::Bool(*b),
        ExprKind::List(items) => Lit::List(
            items
                .iter()
                .map(|i| const_eval(i, params, lang))
                .collect::<Result<Vec<_>, _>>()?
                .into(),
        ),
        ExprKind::Name(n) => params
            .iter()
            .find(|p| &p.name == n)
            .map(|p| p.value.clone())
            .ok_or_else(not_const)?,
        ExprKind::Unary(UnOp::Neg, inner) => match const_eval(inner, params, lang)? {
            Lit::Num(n) => Lit::Num(Num {
                value: -n.value,
                percent: n.percent,
            }),
            _ => return Err(not_const()),
        },
        _ => return Err(not_const()),
    })
}

/// A name in scope: a local slot.
struct Scope {
    name: String,
    slot: usize,
    /// What a `let` holds, as far as it is known without a document.
    ty: Ty,
}

/// The static type of an expression, where the rule file alone says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Num,
    /// A percentage (`60%`, `budget.execution_rate`): its value is a fraction.
    Percent,
    Str,
    Unknown,
}

/// The type of a document field, where the loader fixes it.
fn field_ty(name: &str) -> Ty {
    match Key::lookup(name) {
        Some(Key::ExecutionRate) => Ty::Percent,
        Some(
            Key::Total | Key::Executed | Key::Weight | Key::Score | Key::Year | Key::ProjectCount,
        ) => Ty::Num,
        _ => Ty::Unknown,
    }
}

/// The path ends in the field `kind` (`kind`, `p.kind`, `declared.kind`).
fn is_kind_path(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Name(n) | ExprKind::Field(_, n, _) => Key::lookup(n) == Some(Key::Kind),
        _ => false,
    }
}

struct Cx<'a> {
    params: &'a [ParamDef],
    lang: Lang,
    scopes: Vec<Scope>,
    slots: usize,
    errors: Vec<RuleError>,
    cross: bool,
    /// Root paths seen so far in the rule set, by signature → cache id.
    paths: &'a mut HashMap<(usize, u16), usize>,
    /// Patterns built so far (a param such as `placeholder` is used by several rules).
    regexes: &'a mut HashMap<Arc<str>, Arc<Pattern>>,
    /// This file is a default rule file, parsed at build time.
    trusted: bool,
    /// By param index: its value is the default rules' own.
    trusted_params: &'a [bool],
}

impl Cx<'_> {
    fn err(&mut self, code: &'static str, span: Span, zh: String, en: String) -> &mut RuleError {
        let msg = match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        };
        self.errors.push(RuleError::new(code, span, msg));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    /// Wrap a path from the document root so it is evaluated once per document.
    fn cached(&mut self, ex: Ex) -> Ex {
        // A root path's base is itself cached (paths compile inside out), so
        // a path is known by its base's id and its last step.
        fn base_id(b: &Ex) -> Option<usize> {
            match b {
                Ex::Root => Some(usize::MAX),
                Ex::Cached(id, _) => Some(*id),
                _ => None,
            }
        }
        let sig = match &ex {
            Ex::Get(b, k) => base_id(b).map(|id| (id, *k as u16)),
            Ex::Star(b) => base_id(b).map(|id| (id, u16::MAX)),
            _ => None,
        };
        match sig {
            Some(sig) => {
                let next = self.paths.len();
                let id = *self.paths.entry(sig).or_insert(next);
                Ex::Cached(id, Box::new(ex))
            }
            None => ex,
        }
    }

    fn bind(&mut self, name: &str) -> usize {
        self.bind_typed(name, Ty::Unknown)
    }

    fn bind_typed(&mut self, name: &str, ty: Ty) -> usize {
        let slot = self.slots;
        self.slots += 1;
        self.scopes.push(Scope {
            name: name.to_owned(),
            slot,
            ty,
        });
        slot
    }

    /// The static type of `e`, as far as names and fields tell.
    fn ty(&self, e: &ast::Expr) -> Ty {
        match &e.kind {
            ExprKind::Num { percent: true, .. } => Ty::Percent,
            ExprKind::Num { .. } => Ty::Num,
            ExprKind::Str(_) => Ty::Str,
            ExprKind::Name(n) => {
                if let Some(s) = self.scopes.iter().rev().find(|s| &s.name == n) {
                    return s.ty;
                }
                if let Some(p) = self.params.iter().find(|p| &p.name == n) {
                    return match &p.value {
                        Lit::Num(n) if n.percent => Ty::Percent,
                        Lit::Num(_) => Ty::Num,
                        Lit::Str(_) => Ty::Str,
                        _ => Ty::Unknown,
                    };
                }
                field_ty(n)
            }
            ExprKind::Field(_, n, _) => field_ty(n),
            ExprKind::Index(_, i) => match &i.kind {
                ExprKind::Str(n) => field_ty(n),
                _ => Ty::Unknown,
            },
            ExprKind::Call(f, _, _) => match f.as_str() {
                "count" | "sum" | "len" | "score" | "ratio" | "year" | "amount" => Ty::Num,
                "percent" | "grade" | "quantity" | "comparator" | "key" => Ty::Str,
                _ => Ty::Unknown,
            },
            ExprKind::Unary(ast::UnOp::Neg, x) => self.ty(x),
            ExprKind::Binary(BinOp::Sub | BinOp::Mul | BinOp::Div, _, _) => Ty::Num,
            _ => Ty::Unknown,
        }
    }

    /// Comparisons that can never hold as written: a number with a string, a
    /// `kind` with a name that is not canonical, a percentage with a bare
    /// number above 1 (`execution_rate >= 60`).
    fn check_comparison(&mut self, op: BinOp, l: &ast::Expr, r: &ast::Expr) {
        let lang = self.lang;
        let cmp = matches!(
            op,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        );
        if matches!(op, BinOp::In | BinOp::NotIn) && is_kind_path(l) {
            if let ExprKind::List(items) = &r.kind {
                for it in items {
                    self.check_kind_literal(it);
                }
            }
            return;
        }
        if !cmp {
            return;
        }
        for (a, b) in [(l, r), (r, l)] {
            if is_kind_path(a) {
                self.check_kind_literal(b);
            }
            let ta = self.ty(a);
            if let ExprKind::Str(text) = &b.kind
                && matches!(ta, Ty::Num | Ty::Percent)
            {
                let e = self.err(
                    "rule-type",
                    b.span,
                    format!("数字与字符串“{text}”比较：结果永远无定义，规则不会触发"),
                    format!(
                        "a number compared with the string \"{text}\": the comparison is never defined, so the rule never fires"
                    ),
                );
                e.help = Some(
                    lang.pick(
                        "与数字比较时去掉引号",
                        "compare with a number: drop the quotes",
                    )
                    .to_owned(),
                );
                return;
            }
            if let ExprKind::Num {
                value,
                percent: false,
            } = &b.kind
                && ta == Ty::Percent
                && *value > rust_decimal::Decimal::ONE
            {
                let e = self.err(
                    "rule-type",
                    b.span,
                    format!(
                        "百分数与 {value} 比较：百分数的值是比例（60% 即 0.6），{value} 相当于 {value}00%"
                    ),
                    format!(
                        "a percentage compared with {value}: a percentage is a fraction (60% is 0.6), so {value} means {value}00%"
                    ),
                );
                e.help = Some(lang.suggest(&format!("{value}%")));
                return;
            }
        }
    }

    /// A string compared with `kind` must be a canonical kind name.
    fn check_kind_literal(&mut self, e: &ast::Expr) {
        let ExprKind::Str(s) = &e.kind else { return };
        if Kind::ALL.iter().any(|k| k.name() == s) {
            return;
        }
        let lang = self.lang;
        let guess = Kind::parse(s)
            .map(Kind::name)
            .or_else(|| did_you_mean(s, Kind::ALL.iter().map(|k| k.name())));
        let err = self.err(
            "rule-kind",
            e.span,
            format!("kind 的值总是 target、self-evaluation 或 summary，与“{s}”永远不相等"),
            format!("kind is always target, self-evaluation or summary, never \"{s}\""),
        );
        err.help = Some(match guess {
            Some(g) => lang.suggest(g),
            None => "target | self-evaluation | summary".into(),
        });
    }

    fn rule(&mut self, r: &ast::Rule, source: usize) -> Compiled {
        let mut out = Compiled {
            code: r.code.as_str().into(),
            title_zh: self.title(&r.title.zh, &r.title.parts, Lang::Zh).into(),
            title_en: r
                .title
                .en
                .as_ref()
                .map(|e| self.title(&e.0, &r.title.en_parts, Lang::En).into()),
            severity: Severity::Error,
            applies: Vec::new(),
            help: None,
            help_text: None,
            basis: Vec::new(),
            source,
            span: r.span,
            steps: Vec::new(),
            slots: 0,
            cross: false,
            message: None,
        };
        if !r
            .code
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        {
            self.err(
                "rule-code",
                r.code_span,
                format!("规则编号“{}”须以字母开头（如 JX101）", r.code),
                format!(
                    "rule code `{}` must start with a letter (like JX101)",
                    r.code
                ),
            );
        }
        // Rule-level clauses (severity, applies, basis, help, message) go on the
        // rule; the rest become steps.
        out.steps = self.block(&r.body, &mut out, true);
        out.slots = self.slots;
        out.cross = self.cross;
        out
    }

    fn block(&mut self, clauses: &[Clause], rule: &mut Compiled, top: bool) -> Vec<Step> {
        let lang = self.lang;
        let depth = self.scopes.len();
        let mut steps: Vec<Step> = Vec::new();
        for c in clauses {
            // Is the last step an assert that message/at/label/help attach to?
            let last_assert = match steps.last_mut() {
                Some(Step::Assert(a)) => Some(a),
                _ => None,
            };
            match c {
                Clause::Severity(s, span) => match Severity::parse(s) {
                    Some(sev) if top => rule.severity = sev,
                    Some(_) => {
                        self.err(
                            "rule-clause",
                            *span,
                            "severity 须写在规则顶层，不能写在 for 里".into(),
                            "severity belongs at the top of the rule, not inside for".into(),
                        );
                    }
                    None => {
                        let e = self.err(
                            "rule-severity",
                            *span,
                            format!("未知的严重程度“{s}”"),
                            format!("unknown severity `{s}`"),
                        );
                        e.help = Some("error | warning | info".into());
                    }
                },
                Clause::Applies(kinds) => {
                    for (k, span) in kinds {
                        match Kind::parse(k) {
                            Some(kind) => rule.applies.push(kind),
                            None => {
                                let guess = did_you_mean(k, Kind::ALL.iter().map(|k| k.name()));
                                let e = self.err(
                                    "rule-kind",
                                    *span,
                                    format!("未知的文件类型“{k}”"),
                                    format!("unknown kind `{k}`"),
                                );
                                e.help = Some(match guess {
                                    Some(g) => lang.suggest(g),
                                    None => "target | self-evaluation | summary".into(),
                                });
                            }
                        }
                    }
                }
                Clause::Basis(b, _) => rule.basis.push(b.clone()),
                Clause::Let(name, _, e) => {
                    let ex = self.expr(e);
                    let ty = self.ty(e);
                    let slot = self.bind_typed(name, ty);
                    steps.push(Step::Let(slot, ex));
                }
                Clause::When(e) => {
                    let ex = self.expr(e);
                    steps.push(Step::When(ex));
                }
                Clause::Assert(e) => {
                    let ex = self.expr(e);
                    steps.push(Step::Assert(Box::new(Check {
                        at: default_at(&ex),
                        expr: ex,
                        message: None,
                        at_label: None,
                        labels: Vec::new(),
                        help: None,
                        fix: None,
                    })));
                }
                Clause::Message(t) => {
                    let tpl = self.template(t);
                    match last_assert {
                        Some(a) if a.message.is_none() => a.message = Some(tpl),
                        _ => rule.message = Some(tpl),
                    }
                }
                Clause::Help(t) => {
                    // help is the rule's, wherever it is written
                    rule.help = Some(self.template(t));
                    // For rule descriptors (`explain`, SARIF, docs): with
                    // its params' values when it quotes only params.
                    let mut text = t.clone();
                    if let Ok(zh) = const_text(&t.zh, &t.parts, self.params, Lang::Zh) {
                        text.zh = zh;
                    }
                    if let Some((en, _)) = &mut text.en
                        && let Ok(e) = const_text(en, &t.en_parts, self.params, Lang::En)
                    {
                        *en = e;
                    }
                    rule.help_text = Some(text);
                }
                Clause::At(e, t) => {
                    let ex = self.path(e);
                    let text = t.as_ref().map(|t| self.template(t));
                    match last_assert {
                        Some(a) => {
                            a.at = Some(ex);
                            a.at_label = text;
                        }
                        None => {
                            self.err(
                                "rule-clause",
                                e.span,
                                "at 须紧跟在它所属的 assert 之后".into(),
                                "`at` must follow the assert it belongs to".into(),
                            );
                        }
                    }
                }
                Clause::Label(e, t) => {
                    let at = self.path(e);
                    let text = t.as_ref().map(|t| self.template(t));
                    match last_assert {
                        Some(a) => a.labels.push(Label { at, text }),
                        None => {
                            self.err(
                                "rule-clause",
                                e.span,
                                "label 须紧跟在它所属的 assert 之后".into(),
                                "`label` must follow the assert it belongs to".into(),
                            );
                        }
                    }
                }
                Clause::Fix {
                    unsafe_,
                    path,
                    value,
                    span,
                } => {
                    let p = self.expr(path);
                    let v = self.expr(value);
                    if !is_path(&p) {
                        self.err(
                            "rule-path",
                            path.span,
                            "fix 须指向文件中的一个值（如 budget.execution_rate、ind.score）".into(),
                            "a fix must name one value of the document (like budget.execution_rate, ind.score)".into(),
                        );
                        continue;
                    }
                    match last_assert {
                        Some(a) if a.fix.is_none() => match substitute(&a.expr, &p) {
                            Some(check) => {
                                a.fix = Some(FixEx {
                                    path: p,
                                    value: v,
                                    safe: !unsafe_,
                                    check,
                                })
                            }
                            None => {
                                self.err(
                                    "rule-fix",
                                    path.span,
                                    "fix 的路径须出现在它所属的 assert 中（修复后要重新检查这个 assert）".into(),
                                    "the path of a fix must occur in its assert (the assert is checked again with the fixed value)".into(),
                                );
                            }
                        },
                        Some(_) => {
                            self.err(
                                "rule-fix",
                                *span,
                                "一个 assert 只能有一个 fix".into(),
                                "an assert has at most one fix".into(),
                            );
                        }
                        None => {
                            self.err(
                                "rule-clause",
                                *span,
                                "fix 须紧跟在它所属的 assert 之后".into(),
                                "`fix` must follow the assert it belongs to".into(),
                            );
                        }
                    }
                }
                Clause::For {
                    var, iter, body, ..
                } => {
                    let it = self.expr(iter);
                    let slot = self.bind(var);
                    let inner = self.block(body, rule, false);
                    self.scopes.truncate(self.scopes.len() - 1);
                    steps.push(Step::For(slot, it, inner));
                }
            }
        }
        self.scopes.truncate(depth);
        steps
    }

    /// A rule's title with its `{param}`s replaced by their values (the
    /// config's when it sets them), so titles quote what is checked.
    fn title(&mut self, raw: &str, parts: &[ast::Part], lang: Lang) -> String {
        match const_text(raw, parts, self.params, lang) {
            Ok(t) => t,
            Err(span) => {
                self.err(
                    "rule-title",
                    span,
                    "规则标题中的 {…} 只能是参数名（如 {min_level3}）".into(),
                    "a `{…}` in a rule title can only name a param (like {min_level3})".into(),
                );
                raw.to_owned()
            }
        }
    }

    /// A place for `at`/`label`: checked like any expression, and must reach
    /// into a document (`budget.executed`, `ind`, `same[1]`).
    fn path(&mut self, e: &ast::Expr) -> Ex {
        let ex = self.expr(e);
        if default_at(&ex).is_none() && !is_path(&ex) {
            self.err(
                "rule-path",
                e.span,
                "at/label 须是指向文件中某处的路径（如 budget.executed、ind）".into(),
                "at/label must be a path into the document (like budget.executed, ind)".into(),
            );
        }
        ex
    }

    /// A template's parts (parsed with the file) compiled.
    fn template(&mut self, t: &ast::Text) -> Template {
        let zh = self.segments(&t.parts);
        let en = t.en.as_ref().map(|_| self.segments(&t.en_parts));
        let fixed = [literal(&zh), en.as_deref().and_then(literal)];
        Template { zh, en, fixed }
    }

    fn segments(&mut self, parts: &[ast::Part]) -> Vec<Seg> {
        parts
            .iter()
            .map(|p| match p {
                ast::Part::Lit(l) => Seg::Lit(l.clone()),
                ast::Part::Expr(e) => Seg::Expr(self.expr(e)),
            })
            .collect()
    }

    fn expr(&mut self, e: &ast::Expr) -> Ex {
        match &e.kind {
            ExprKind::Num { value, percent } => Ex::Lit(Lit::Num(Num {
                value: *value,
                percent: *percent,
            })),
            ExprKind::Str(s) => Ex::Lit(Lit::Str(s.as_str().into())),
            ExprKind::Bool(b) => Ex::Lit(Lit::Bool(*b)),
            ExprKind::List(items) => {
                let items: Vec<Ex> = items.iter().map(|i| self.expr(i)).collect();
                match items
                    .iter()
                    .map(|i| match i {
                        Ex::Lit(l) => Some(l.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<Lit>>>()
                {
                    Some(lits) => Ex::Lit(Lit::List(lits.into())),
                    None => Ex::List(items),
                }
            }
            ExprKind::Comp {
                expr,
                var,
                iter,
                cond,
                ..
            } => {
                let iter = self.expr(iter);
                let slot = self.bind(var);
                let ex = self.expr(expr);
                let cond = cond.as_ref().map(|c| Box::new(self.expr(c)));
                self.scopes.pop();
                Ex::Comp {
                    expr: Box::new(ex),
                    slot,
                    iter: Box::new(iter),
                    cond,
                }
            }
            ExprKind::Name(n) => self.name(n, e.span),
            ExprKind::Field(base, name, span) => {
                let b = self.expr(base);
                match Key::lookup(name) {
                    Some(k) => self.cached(Ex::Get(Box::new(b), k)),
                    None => {
                        self.unknown_field(name, *span);
                        Ex::Get(Box::new(b), Key::Name)
                    }
                }
            }
            ExprKind::Star(base) => {
                let b = self.expr(base);
                self.cached(Ex::Star(Box::new(b)))
            }
            ExprKind::Index(base, idx) => {
                let b = self.expr(base);
                match &idx.kind {
                    // `a["成本指标"]` is `a.成本指标`: check the name now.
                    ExprKind::Str(s) => match Key::lookup(s) {
                        Some(k) => self.cached(Ex::Get(Box::new(b), k)),
                        None => {
                            self.unknown_field(s, idx.span);
                            Ex::Get(Box::new(b), Key::Name)
                        }
                    },
                    _ => Ex::Index(Box::new(b), Box::new(self.expr(idx))),
                }
            }
            ExprKind::Call(name, span, args) => self.call(name, *span, args, e.span),
            ExprKind::Unary(UnOp::Not, inner) => Ex::Not(Box::new(self.expr(inner))),
            ExprKind::Unary(UnOp::Neg, inner) => match self.expr(inner) {
                Ex::Lit(Lit::Num(n)) => Ex::Lit(Lit::Num(Num {
                    value: -n.value,
                    percent: n.percent,
                })),
                ex => Ex::Neg(Box::new(ex)),
            },
            ExprKind::Binary(op, l, r) => {
                self.check_comparison(*op, l, r);
                let (l, r) = (self.expr(l), self.expr(r));
                let strs = match (op, &r) {
                    (BinOp::In | BinOp::NotIn, Ex::Lit(Lit::List(items))) => const_strs(items),
                    (BinOp::In | BinOp::NotIn, Ex::Param(i)) => match &self.params[*i].value {
                        Lit::List(items) => const_strs(items),
                        _ => None,
                    },
                    _ => None,
                };
                let general = Ex::Bin(*op, Box::new(l), Box::new(r));
                match strs {
                    Some(strs) => Ex::InStrs {
                        negate: *op == BinOp::NotIn,
                        strs,
                        general: Box::new(general),
                    },
                    None => general,
                }
            }
        }
    }

    fn unknown_field(&mut self, name: &str, span: Span) {
        let lang = self.lang;
        let names = Key::ALL
            .iter()
            .flat_map(|k| std::iter::once(k.name()).chain(k.aliases().iter().copied()));
        let guess = did_you_mean(name, names);
        let e = self.err(
            "rule-path",
            span,
            format!("申报文件中没有字段“{name}”，这个路径永远不存在"),
            format!("no declaration has a field `{name}`: this path can never exist"),
        );
        if let Some(g) = guess {
            e.help = Some(lang.suggest(g));
        }
    }

    fn name(&mut self, n: &str, span: Span) -> Ex {
        let lang = self.lang;
        if let Some(s) = self.scopes.iter().rev().find(|s| s.name == n) {
            return Ex::Local(s.slot);
        }
        if let Some(i) = self.params.iter().position(|p| p.name == n) {
            return Ex::Param(i);
        }
        match n {
            "projects" => {
                self.cross = true;
                return Ex::Projects;
            }
            "declared" => {
                self.cross = true;
                return Ex::Declared;
            }
            "profile" => return Ex::Profile,
            _ => {}
        }
        if let Some(k) = Key::lookup(n).filter(|k| !k.is_dimension()) {
            return self.cached(Ex::Get(Box::new(Ex::Root), k));
        }
        let mut candidates: Vec<&str> = self.scopes.iter().map(|s| s.name.as_str()).collect();
        candidates.extend(self.params.iter().map(|p| p.name.as_str()));
        candidates.extend(["projects", "declared", "profile"]);
        candidates.extend(
            Key::ALL
                .iter()
                .filter(|k| !k.is_dimension())
                .map(|k| k.name()),
        );
        let guess = did_you_mean(n, candidates.iter().copied()).map(str::to_owned);
        let e = self.err(
            "rule-name",
            span,
            format!("未知的名称“{n}”"),
            format!("unknown name `{n}`"),
        );
        e.help = Some(match guess {
            Some(g) => lang.suggest(&g),
            None => lang.pick(
                "名称可以是 let/for 变量、参数、文件字段（budget、indicators 等）、projects、declared 或 profile",
                "a name is a let/for variable, a param, a document field (budget, indicators, …), projects, declared or profile",
            ).into(),
        });
        Ex::Lit(Lit::Bool(false))
    }

    fn call(&mut self, name: &str, name_span: Span, args: &[ast::Expr], span: Span) -> Ex {
        let lang = self.lang;
        let Some(func) = functions::lookup(name) else {
            let guess = did_you_mean(name, FUNCTIONS.iter().map(|f| f.name));
            let e = self.err(
                "rule-function",
                name_span,
                format!("未知的函数“{name}”"),
                format!("unknown function `{name}`"),
            );
            e.help = Some(match guess {
                Some(g) => lang.suggest(g),
                None => format!(
                    "{}{}",
                    lang.pick("可用的函数：", "functions: "),
                    FUNCTIONS
                        .iter()
                        .map(|f| f.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
            return Ex::Lit(Lit::Bool(false));
        };
        if args.len() < func.min || args.len() > func.max {
            let want = func.arity();
            self.err(
                "rule-function",
                span,
                format!("函数 {name} 需要 {want} 个参数，这里给了 {} 个", args.len()),
                format!("{name} takes {want} argument(s), {} given", args.len()),
            );
        }
        let compiled: Vec<Ex> = args.iter().map(|a| self.expr(a)).collect();
        if func.name == "matches" && compiled.len() == 2 {
            let pattern = match &compiled[1] {
                Ex::Lit(Lit::Str(s)) => Some((s.clone(), self.trusted)),
                Ex::Param(i) => match &self.params[*i].value {
                    Lit::Str(s) => Some((s.clone(), self.trusted_params[*i])),
                    _ => None,
                },
                _ => None,
            };
            if let Some((p, trusted)) = pattern {
                let built = match self.regexes.get(&p) {
                    Some(re) => Ok(Arc::clone(re)),
                    None if trusted => Ok(Arc::new(Pattern::lazy(p.clone()))),
                    None => build_regex(&p).map(|re| Arc::new(Pattern::built(p.clone(), re))),
                };
                match built {
                    Ok(re) => {
                        self.regexes.entry(p).or_insert_with(|| Arc::clone(&re));
                        let mut it = compiled.into_iter();
                        if let Some(text) = it.next() {
                            return Ex::Matches(Box::new(text), re);
                        }
                        return Ex::Lit(Lit::Bool(false));
                    }
                    Err(msg) => {
                        self.err(
                            "rule-regex",
                            args[1].span,
                            format!("正则表达式无效：{msg}"),
                            format!("invalid regular expression: {msg}"),
                        );
                    }
                }
            }
        }
        Ex::Call(func, compiled)
    }
}

/// Regexes are linear-time (the `regex` crate); their size is bounded too.
pub fn build_regex(p: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(p)
        .size_limit(1 << 20)
        .dfa_size_limit(1 << 22)
        .nest_limit(64)
        .build()
        .map_err(|e| e.to_string())
}

/// The strings of a constant list made only of strings.
fn const_strs(items: &[Lit]) -> Option<Arc<[Arc<str>]>> {
    items
        .iter()
        .map(|i| match i {
            Lit::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// `e` with every occurrence of the path `p` replaced by [`Ex::Fixed`];
/// `None` when `p` does not occur in it.
fn substitute(e: &Ex, p: &Ex) -> Option<Ex> {
    fn go(e: &Ex, p: &Ex, hit: &mut bool) -> Ex {
        if same_path(e, p) {
            *hit = true;
            return Ex::Fixed;
        }
        let b = |x: &Ex, hit: &mut bool| Box::new(go(x, p, hit));
        match e {
            Ex::List(items) => Ex::List(items.iter().map(|i| go(i, p, hit)).collect()),
            Ex::Comp {
                expr,
                slot,
                iter,
                cond,
            } => Ex::Comp {
                expr: b(expr, hit),
                slot: *slot,
                iter: b(iter, hit),
                cond: cond.as_ref().map(|c| b(c, hit)),
            },
            Ex::Get(x, k) => Ex::Get(b(x, hit), *k),
            Ex::Star(x) => Ex::Star(b(x, hit)),
            Ex::Index(x, i) => Ex::Index(b(x, hit), b(i, hit)),
            Ex::Call(f, args) => Ex::Call(f, args.iter().map(|a| go(a, p, hit)).collect()),
            Ex::Matches(t, re) => Ex::Matches(b(t, hit), Arc::clone(re)),
            Ex::Not(x) => Ex::Not(b(x, hit)),
            Ex::Neg(x) => Ex::Neg(b(x, hit)),
            Ex::Bin(op, l, r) => Ex::Bin(*op, b(l, hit), b(r, hit)),
            Ex::InStrs {
                negate,
                strs,
                general,
            } => Ex::InStrs {
                negate: *negate,
                strs: Arc::clone(strs),
                general: b(general, hit),
            },
            // A cached root path is the path itself or does not hold it.
            other => other.clone(),
        }
    }
    let mut hit = false;
    let out = go(e, p, &mut hit);
    hit.then_some(out)
}

/// Two compiled paths that read the same place.
fn same_path(a: &Ex, b: &Ex) -> bool {
    match (a, b) {
        (Ex::Cached(x, _), Ex::Cached(y, _)) => x == y,
        (Ex::Local(x), Ex::Local(y)) => x == y,
        (Ex::Root, Ex::Root) | (Ex::Projects, Ex::Projects) | (Ex::Declared, Ex::Declared) => true,
        (Ex::Get(x, k), Ex::Get(y, l)) => k == l && same_path(x, y),
        (Ex::Star(x), Ex::Star(y)) => same_path(x, y),
        (Ex::Index(x, i), Ex::Index(y, j)) => {
            same_path(x, y) && matches!((&**i, &**j), (Ex::Lit(p), Ex::Lit(q)) if p == q)
        }
        _ => false,
    }
}

fn is_path(e: &Ex) -> bool {
    match e {
        Ex::Local(_) | Ex::Root | Ex::Projects | Ex::Declared => true,
        Ex::Get(b, _) | Ex::Star(b) | Ex::Index(b, _) | Ex::Cached(_, b) => is_path(b),
        _ => false,
    }
}

/// The default `at`: the first path in the assert, without its wildcard tail.
fn default_at(e: &Ex) -> Option<Ex> {
    fn strip(e: &Ex) -> Ex {
        // `indicators.*.*.*` → `indicators`: point at the collection.
        fn has_star(e: &Ex) -> bool {
            match e {
                Ex::Star(_) => true,
                Ex::Get(b, _) | Ex::Index(b, _) | Ex::Cached(_, b) => has_star(b),
                _ => false,
            }
        }
        let mut cur = e;
        loop {
            match cur {
                Ex::Star(b) | Ex::Get(b, _) | Ex::Index(b, _) | Ex::Cached(_, b)
                    if has_star(cur) =>
                {
                    cur = b
                }
                _ => return cur.clone(),
            }
        }
    }
    match e {
        _ if is_path(e) && !matches!(e, Ex::Root | Ex::Projects) => Some(strip(e)),
        Ex::List(items) => items.iter().find_map(default_at),
        Ex::Comp { iter, .. } => default_at(iter),
        Ex::Call(_, args) => args.iter().find_map(default_at),
        Ex::Matches(t, _) => default_at(t),
        Ex::Not(x) | Ex::Neg(x) => default_at(x),
        Ex::Bin(_, l, r) => default_at(l).or_else(|| default_at(r)),
        Ex::InStrs { general, .. } => default_at(general),
        Ex::Index(b, i) => default_at(b).or_else(|| default_at(i)),
        _ => None,
    }
}
