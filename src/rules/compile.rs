//! Static checks and compilation: rule files → a [`RuleSet`] whose names are
//! resolved (locals to slots, fields to model keys, params to constants),
//! templates pre-parsed and regexes pre-built, so evaluation never re-parses.
//! Every problem found here is a [`RuleError`] into the rule file.

use super::RuleError;
use super::ast::{self, BinOp, Clause, ExprKind, UnOp};
use super::parse::{self, parse_file};
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

/// Built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Count,
    Sum,
    Min,
    Max,
    Exists,
    Len,
    Distinct,
    Duplicates,
    Round,
    Percent,
    Agrees,
    Matches,
    Year,
    Amount,
    Quantitative,
    Number,
    Unit,
    Comparator,
    Quantity,
    Met,
    Score,
    Ratio,
    Grade,
    Key,
}

/// name, function, min arity, max arity, what it does (for `jixiao explain` and docs).
pub const FUNCTIONS: &[(&str, Func, usize, usize, &str)] = &[
    (
        "count",
        Func::Count,
        1,
        1,
        "number of items of a list or mapping (0 when missing)",
    ),
    (
        "sum",
        Func::Sum,
        1,
        1,
        "exact sum of the numbers of a list (missing items skipped; 0 when empty)",
    ),
    (
        "min",
        Func::Min,
        1,
        2,
        "smallest number of a list, or of two numbers (undefined when empty)",
    ),
    (
        "max",
        Func::Max,
        1,
        2,
        "largest number of a list, or of two numbers (undefined when empty)",
    ),
    (
        "exists",
        Func::Exists,
        1,
        1,
        "the path is present (an empty value is present; an empty wildcard list is not)",
    ),
    (
        "len",
        Func::Len,
        1,
        1,
        "characters of a text, items of a list",
    ),
    ("distinct", Func::Distinct, 1, 1, "the list without repeats"),
    (
        "duplicates",
        Func::Duplicates,
        1,
        1,
        "the values that occur more than once",
    ),
    (
        "round",
        Func::Round,
        1,
        2,
        "round half-up to n decimals (default 0)",
    ),
    (
        "percent",
        Func::Percent,
        1,
        2,
        "a fraction as a percentage text, half-up to n decimals: percent(0.19726, 1) is 19.7%",
    ),
    (
        "agrees",
        Func::Agrees,
        2,
        2,
        "agrees(reported, computed): computed rounded half-up to the decimals written in reported equals it",
    ),
    (
        "matches",
        Func::Matches,
        2,
        2,
        "matches(text, regex): the regular expression matches somewhere in the text",
    ),
    ("year", Func::Year, 1, 1, "the year of a date"),
    (
        "amount",
        Func::Amount,
        1,
        1,
        "money in 万元: amount(\"1,500,000 元\") is 150",
    ),
    (
        "quantitative",
        Func::Quantitative,
        1,
        1,
        "an indicator value has a number, percentage, date or range",
    ),
    (
        "number",
        Func::Number,
        1,
        1,
        "the number of an indicator value (a percentage as a fraction)",
    ),
    (
        "unit",
        Func::Unit,
        1,
        1,
        "the unit of an indicator value (% for percentages)",
    ),
    (
        "comparator",
        Func::Comparator,
        1,
        1,
        "the comparator written: ≥ > ≤ < = (\"\" when none)",
    ),
    (
        "quantity",
        Func::Quantity,
        1,
        1,
        "what a value measures: number, percent, date, range or qualitative",
    ),
    (
        "met",
        Func::Met,
        1,
        2,
        "met(indicator) or met(target, actual): the actual satisfies the target",
    ),
    (
        "score",
        Func::Score,
        1,
        1,
        "score(indicator): the 10号 formula score; score(budget): the execution score (10 points)",
    ),
    (
        "ratio",
        Func::Ratio,
        1,
        1,
        "ratio(indicator): actual / target for ≥, > and = targets (over-achievement)",
    ),
    (
        "grade",
        Func::Grade,
        1,
        1,
        "the grade of a total score: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差",
    ),
    (
        "key",
        Func::Key,
        1,
        1,
        "the key a value sits under (the 二级 name of a dimension's list)",
    ),
];

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
    Call(Func, Vec<Ex>),
    /// `matches` with a pattern known at compile time.
    Matches(Box<Ex>, Arc<Regex>),
    /// A path from the document root (`indicators.*.*.*`): evaluated once per
    /// document and shared by every rule; the id indexes the evaluator's cache.
    Cached(usize, Box<Ex>),
    Not(Box<Ex>),
    Neg(Box<Ex>),
    Bin(BinOp, Box<Ex>, Box<Ex>),
    /// `x in ["number", "range"]` (or `not in`, or a param holding such a
    /// list): text compared with constant strings directly; any other left
    /// value falls back to the general `in` of the `Bin`.
    InStrs {
        negate: bool,
        strs: Arc<[Arc<str>]>,
        general: Box<Ex>,
    },
}

/// A message in Chinese and, optionally, English: literal text and `{expr}`s.
#[derive(Clone, Debug)]
pub struct Template {
    pub zh: Vec<Seg>,
    pub en: Option<Vec<Seg>>,
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
    pub labels: Vec<Label>,
    pub help: Option<Template>,
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
        for (i, s) in sources.iter().enumerate() {
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
        let mut paths: HashMap<String, usize> = HashMap::new();
        let mut regexes = HashMap::new();
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
                    src: &set.sources[i].text,
                    params: &set.params,
                    lang,
                    scopes: Vec::new(),
                    slots: 0,
                    errors: Vec::new(),
                    cross: false,
                    paths: &mut paths,
                    regexes: &mut regexes,
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
}

struct Cx<'a> {
    src: &'a str,
    params: &'a [ParamDef],
    lang: Lang,
    scopes: Vec<Scope>,
    slots: usize,
    errors: Vec<RuleError>,
    cross: bool,
    /// Root paths seen so far in the rule set, by signature → cache id.
    paths: &'a mut HashMap<String, usize>,
    /// Patterns built so far (a param such as `placeholder` is used by several rules).
    regexes: &'a mut HashMap<Arc<str>, Arc<Regex>>,
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
        fn signature(e: &Ex) -> Option<String> {
            match e {
                Ex::Root => Some(String::new()),
                Ex::Get(b, k) => signature(b).map(|s| format!("{s}.{}", *k as u16)),
                Ex::Star(b) => signature(b).map(|s| s + ".*"),
                Ex::Cached(_, b) => signature(b),
                _ => None,
            }
        }
        match signature(&ex) {
            Some(sig) => {
                let next = self.paths.len();
                let id = *self.paths.entry(sig).or_insert(next);
                Ex::Cached(id, Box::new(ex))
            }
            None => ex,
        }
    }

    fn bind(&mut self, name: &str) -> usize {
        let slot = self.slots;
        self.slots += 1;
        self.scopes.push(Scope {
            name: name.to_owned(),
            slot,
        });
        slot
    }

    fn rule(&mut self, r: &ast::Rule, source: usize) -> Compiled {
        let mut out = Compiled {
            code: r.code.as_str().into(),
            title_zh: r.title.zh.as_str().into(),
            title_en: r.title.en.as_ref().map(|e| e.0.as_str().into()),
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
                    let slot = self.bind(name);
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
                        labels: Vec::new(),
                        help: None,
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
                    rule.help_text = Some(t.clone());
                }
                Clause::At(e) => {
                    let ex = self.path(e);
                    match last_assert {
                        Some(a) => a.at = Some(ex),
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

    fn template(&mut self, t: &ast::Text) -> Template {
        let zh = self.segments(t.zh_span);
        let en = t.en.as_ref().map(|(_, span)| self.segments(*span));
        Template { zh, en }
    }

    /// Split a string literal's source into text and `{expr}` segments.
    fn segments(&mut self, span: Span) -> Vec<Seg> {
        let src = self.src;
        let start = span.start as usize + 1;
        let end = (span.end as usize).saturating_sub(1).max(start);
        let raw = &src[start..end];
        let mut segs = Vec::new();
        let mut lit = String::new();
        let mut i = 0;
        let b = raw.as_bytes();
        while i < raw.len() {
            match b[i] {
                b'{' if b.get(i + 1) == Some(&b'{') => {
                    lit.push('{');
                    i += 2;
                }
                b'}' if b.get(i + 1) == Some(&b'}') => {
                    lit.push('}');
                    i += 2;
                }
                b'{' => {
                    let Some(close) = matching_brace(raw, i) else {
                        self.err(
                            "rule-template",
                            Span::new(start + i, start + i + 1),
                            "消息模板中的“{”没有对应的“}”（字面的花括号写成 {{ 或 }}）".into(),
                            "unclosed `{` in the message template (write a literal brace as {{ or }})".into(),
                        );
                        return segs;
                    };
                    if !lit.is_empty() {
                        segs.push(Seg::Lit(parse::unescape(&std::mem::take(&mut lit))));
                    }
                    let inner = template_source(&raw[i + 1..close]);
                    match parse::parse_template_expr(&inner, start + i + 1, self.lang) {
                        Ok(e) => {
                            let ex = self.expr(&e);
                            segs.push(Seg::Expr(ex));
                        }
                        Err(e) => self.errors.push(e),
                    }
                    i = close + 1;
                }
                b'\\' => {
                    // keep escapes for unescape(), including an escaped quote
                    let n = raw[i + 1..].chars().next().map_or(0, char::len_utf8);
                    lit.push_str(&raw[i..i + 1 + n]);
                    i += 1 + n;
                }
                _ => {
                    let n = raw[i..].chars().next().map_or(1, char::len_utf8);
                    lit.push_str(&raw[i..i + n]);
                    i += n;
                }
            }
        }
        if !lit.is_empty() {
            segs.push(Seg::Lit(parse::unescape(&lit)));
        }
        segs
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
        let Some(&(_, func, min, max, _)) = FUNCTIONS.iter().find(|f| f.0 == name) else {
            let guess = did_you_mean(name, FUNCTIONS.iter().map(|f| f.0));
            let e = self.err(
                "rule-function",
                name_span,
                format!("未知的函数“{name}”"),
                format!("unknown function `{name}`"),
            );
            e.help = Some(match guess {
                Some(g) => lang.suggest(g),
                None => format!(
                    "functions: {}",
                    FUNCTIONS.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
                ),
            });
            return Ex::Lit(Lit::Bool(false));
        };
        if args.len() < min || args.len() > max {
            let want = if min == max {
                format!("{min}")
            } else {
                format!("{min}–{max}")
            };
            self.err(
                "rule-function",
                span,
                format!("函数 {name} 需要 {want} 个参数，这里给了 {} 个", args.len()),
                format!("{name} takes {want} argument(s), {} given", args.len()),
            );
        }
        let compiled: Vec<Ex> = args.iter().map(|a| self.expr(a)).collect();
        if func == Func::Matches && compiled.len() == 2 {
            let pattern = match &compiled[1] {
                Ex::Lit(Lit::Str(s)) => Some(s.clone()),
                Ex::Param(i) => match &self.params[*i].value {
                    Lit::Str(s) => Some(s.clone()),
                    _ => None,
                },
                _ => None,
            };
            if let Some(p) = pattern {
                let built = match self.regexes.get(&p) {
                    Some(re) => Ok(Arc::clone(re)),
                    None => build_regex(&p).map(|re| {
                        let re = Arc::new(re);
                        self.regexes.insert(p.clone(), Arc::clone(&re));
                        re
                    }),
                };
                match built {
                    Ok(re) => {
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

/// The `}` closing the `{` at `open` in a message's source text. The message
/// is itself a string literal, so a string inside a template expression is
/// written with escaped quotes: `{count(a[\"成本指标\"].*)}`; braces inside it
/// do not count.
fn matching_brace(s: &str, open: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut in_str = false;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'"') => {
                in_str = !in_str;
                i += 1;
            }
            b'\\' => i += 1,
            b'{' if !in_str => depth += 1,
            b'}' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A template expression as the expression parser reads it: each escaped
/// quote `\"` becomes a plain quote padded with a space outside the string
/// (` "` opening, `" ` closing), so byte offsets, and so error spans, stay exact.
fn template_source(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut in_str = false;
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some('"')) => {
                chars.next();
                out.push_str(if in_str { "\" " } else { " \"" });
                in_str = !in_str;
            }
            ('\\', Some(&n)) => {
                chars.next();
                out.push(c);
                out.push(n);
            }
            _ => out.push(c),
        }
    }
    out
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
