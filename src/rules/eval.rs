//! Evaluation of compiled rules over one document (and, for cross-document
//! rules, the documents related to it). Arithmetic is exact decimal; a missing
//! path is *undefined*, and an undefined `when` or `assert` does not fire.
//! Work is bounded per rule and document, so no rule can hang the linter.

use super::ast::BinOp;
use super::compile::{Check, Compiled, Ex, FixEx, Lit, Pattern, RuleSet, Seg, Step, Template};
use super::functions::{Function, MAX_ARITY};
use crate::diag::{FileId, Finding, Fix, Lang};
use crate::model::{Doc, Entry, Key, Node, Num, Value};
use crate::source::Span;
use crate::value::{self, IndValue, Quantity};
use rust_decimal::{Decimal, RoundingStrategy};
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// Steps one rule may take on one document before it is stopped.
pub const WORK_LIMIT: u64 = 20_000_000;

/// What a rule sees besides its own document.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub doc: &'a Doc,
    pub file: FileId,
    /// For a summary: the project documents it covers.
    pub projects: &'a [(&'a Doc, FileId)],
    /// For a self-evaluation: its target declaration, when in the run.
    pub declared: Option<(&'a Doc, FileId)>,
    pub lang: Lang,
}

/// A node of some document, and how it was reached.
#[derive(Clone, Copy, Debug)]
pub struct NodeRef<'a> {
    pub node: &'a Node,
    pub file: FileId,
    /// The key it sits under, when reached through a mapping.
    pub key: Option<(Key, Span)>,
}

#[derive(Clone, Debug)]
pub enum Val<'a> {
    Undef,
    Bool(bool),
    Num(Num),
    Str(Cow<'a, str>),
    Node(NodeRef<'a>),
    /// A list value: a literal, a comprehension, `projects`.
    List(Rc<Vec<Val<'a>>>),
    /// What a wildcard yields: paths after it apply to every element.
    Multi(Rc<Vec<Val<'a>>>),
    /// A constant list of the rule file, used in place.
    Lits(&'a [Lit]),
}

impl<'a> Val<'a> {
    fn is_undef(&self) -> bool {
        matches!(self, Val::Undef)
    }
}

pub(super) fn lit<'a>(l: &'a Lit) -> Val<'a> {
    match l {
        Lit::Num(n) => Val::Num(*n),
        Lit::Str(s) => Val::Str(Cow::Borrowed(s)),
        Lit::Bool(b) => Val::Bool(*b),
        Lit::List(items) => Val::Lits(items),
    }
}

/// Evaluate every rule of `set` that applies to the context's document;
/// `cross` selects the rules that use `projects`/`declared` (true) or the others.
pub fn run(set: &RuleSet, cx: &Context<'_>, cross: bool) -> Vec<Finding> {
    let mut ev = Eval::new(set, cx);
    let mut out = Vec::new();
    for rule in &set.rules {
        if rule.cross == cross && rule.applies_to(cx.doc.kind) {
            ev.rule(rule, &mut out);
        }
    }
    out
}

/// Every rule that applies, in one pass sharing one evaluator (and its cache
/// of root paths): the findings of the single-document rules and those of the
/// cross-document rules, apart.
/// Findings past [`crate::diag::MAX_FINDINGS_PER_FILE`] are counted in the
/// third part.
pub fn run_split(
    set: &RuleSet,
    cx: &Context<'_>,
) -> (Vec<Finding>, Vec<Finding>, crate::diag::Dropped) {
    let mut ev = Eval::new(set, cx);
    let (mut local, mut cross) = (Vec::new(), Vec::new());
    for rule in &set.rules {
        if rule.applies_to(cx.doc.kind) {
            ev.rule(rule, if rule.cross { &mut cross } else { &mut local });
        }
    }
    (local, cross, ev.dropped)
}

pub struct Eval<'a> {
    set: &'a RuleSet,
    cx: &'a Context<'a>,
    params: Vec<Val<'a>>,
    locals: Vec<Val<'a>>,
    work: u64,
    /// Values of the rule set's root paths for this document ([`Ex::Cached`]).
    cache: Vec<Option<Val<'a>>>,
    regexes: HashMap<String, Option<Rc<regex::Regex>>>,
    /// While a fix is checked: the value it would write ([`Ex::Fixed`]).
    fixed: Option<Val<'a>>,
    /// A sum, difference, product or quotient left Decimal's range during the
    /// current rule: its asserts may be undefined for that reason alone.
    pub(super) overflowed: bool,
    /// Findings past the per-file cap: counted, not built.
    dropped: crate::diag::Dropped,
}

impl<'a> Eval<'a> {
    pub fn new(set: &'a RuleSet, cx: &'a Context<'a>) -> Eval<'a> {
        Eval {
            set,
            cx,
            params: set.params.iter().map(|p| lit(&p.value)).collect(),
            locals: Vec::new(),
            work: 0,
            cache: vec![None; set.cached_paths],
            regexes: HashMap::new(),
            fixed: None,
            overflowed: false,
            dropped: Default::default(),
        }
    }

    fn root(&self) -> Val<'a> {
        Val::Node(NodeRef {
            node: &self.cx.doc.root,
            file: self.cx.file,
            key: None,
        })
    }

    pub fn rule(&mut self, rule: &'a Compiled, out: &mut Vec<Finding>) {
        self.locals.clear();
        self.locals.resize(rule.slots, Val::Undef);
        self.work = 0;
        self.overflowed = false;
        let before = out.len();
        self.steps(rule, &rule.steps, out);
        if self.overflowed && self.work <= WORK_LIMIT {
            // An overflow makes a sum undefined, and an undefined assert does
            // not fire: say so rather than pass silently.
            let code = &rule.code;
            let note = self.about_rule(
                rule,
                format!("规则 {code} 在本文件上的计算超出数值范围（数字过大），无法完成检查"),
                format!("rule {code} could not check this file: a computation overflowed (the numbers are too large)"),
                ("检查金额、分值是否误填（如多写了位数）", "check the amounts and weights for typing errors (extra digits)"),
            );
            out.push(note);
        }
        if self.work > WORK_LIMIT {
            out.truncate(before);
            let code = &rule.code;
            let note = self.about_rule(
                rule,
                format!("规则 {code} 在本文件上超出求值工作量上限（{WORK_LIMIT} 步），结果不完整"),
                format!("rule {code} exceeded its evaluation limit ({WORK_LIMIT} steps) on this file; its results are incomplete"),
                ("简化该规则（避免在 for 里对整张指标表做推导式）", "simplify the rule (avoid a comprehension over the whole table inside a for)"),
            );
            out.push(note);
        }
    }

    /// A finding of `rule` about the whole document, not about a value: it
    /// could not finish (an overflow, the work limit).
    fn about_rule(
        &self,
        rule: &Compiled,
        zh: String,
        en: String,
        (help_zh, help_en): (&str, &str),
    ) -> Finding {
        let lang = self.cx.lang;
        Finding::new(
            rule.code.clone(),
            rule.severity,
            rule.title(lang),
            match lang {
                Lang::Zh => zh,
                Lang::En => en,
            },
            self.cx.file,
            self.doc_span(),
        )
        .with_help(lang.pick(help_zh, help_en))
    }

    /// A pattern computed at run time, compiled once per rule run and counted
    /// as work by its length (compiling is the costly part; matching is linear).
    pub(super) fn regex(&mut self, p: &str) -> Option<Rc<regex::Regex>> {
        if let Some(re) = self.regexes.get(p) {
            return re.clone();
        }
        self.work = self.work.saturating_add(p.len() as u64);
        let re = super::compile::build_regex(p).ok().map(Rc::new);
        if self.regexes.len() < 256 {
            self.regexes.insert(p.to_owned(), re.clone());
        }
        re
    }

    /// Count a collection's size as work: the steps that walk, copy or search
    /// it cost one each, so `count(indicators.*.*.*)` inside a `for` over the
    /// same 100,000 indicators stops at the limit instead of running for hours.
    fn charge(&mut self, v: &Val<'_>) {
        let n = match v {
            Val::List(items) | Val::Multi(items) => items.len(),
            Val::Node(n) => match &n.node.value {
                Value::List(items) => items.len(),
                Value::Map(es) => es.len(),
                _ => 0,
            },
            _ => 0,
        };
        self.work = self.work.saturating_add(n as u64);
    }

    /// Count a scan of `text` (`len`, `matches`) as work: one step per 16
    /// bytes, so `len` of a 6 MB goal inside a `for` over the indicators stops
    /// at the limit instead of running for an hour.
    pub(super) fn charge_text(&mut self, text: &str) {
        self.work = self.work.saturating_add(1 + text.len() as u64 / 16);
    }

    fn over(&self) -> bool {
        self.work > WORK_LIMIT
    }

    fn steps(&mut self, rule: &'a Compiled, steps: &'a [Step], out: &mut Vec<Finding>) {
        for step in steps {
            if self.over() {
                return;
            }
            match step {
                Step::Let(slot, e) => {
                    let v = self.eval(e);
                    self.locals[*slot] = v;
                }
                Step::When(e) => {
                    if !matches!(self.truth(e), Some(true)) {
                        return;
                    }
                }
                Step::Assert(check) => {
                    if matches!(self.truth(&check.expr), Some(false)) {
                        if out.len() >= crate::diag::MAX_FINDINGS_PER_FILE {
                            self.dropped.note(rule.severity);
                            continue;
                        }
                        let f = self.finding(rule, check);
                        out.push(f);
                    }
                }
                Step::For(slot, iter, body) => {
                    let items = self.eval(iter);
                    // A wildcard's or a list's values are walked in place.
                    if let Val::Multi(vals) | Val::List(vals) = &items {
                        for v in vals.iter() {
                            if self.over() {
                                return;
                            }
                            self.locals[*slot] = v.clone();
                            self.steps(rule, body, out);
                        }
                        continue;
                    }
                    let Some(items) = iter_items(&items) else {
                        continue;
                    };
                    for item in items {
                        if self.over() {
                            return;
                        }
                        self.locals[*slot] = item;
                        self.steps(rule, body, out);
                    }
                }
            }
        }
    }

    fn truth(&mut self, e: &'a Ex) -> Option<bool> {
        match self.eval(e) {
            Val::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn doc_span(&self) -> Span {
        self.cx
            .doc
            .root
            .entries()
            .first()
            .map_or(Span::at(0), |e| e.key_span.join(e.node.span))
    }

    fn finding(&mut self, rule: &'a Compiled, check: &'a Check) -> Finding {
        let lang = self.cx.lang;
        let message = match check.message.as_ref().or(rule.message.as_ref()) {
            Some(t) => self.render(t),
            None => rule.title(lang).to_owned(),
        };
        let at = check.at.as_ref().and_then(|e| self.locate_path(e));
        let (span, path) = match at {
            Some(n) if n.file == self.cx.file => (locate(&n), node_path(&self.cx.doc.root, n.node)),
            _ => (self.doc_span(), String::new()),
        };
        // The label under the span states the problem there: the assert's
        // `at PATH "text"`, else its message (never the title, which states
        // the requirement).
        let label = match &check.at_label {
            Some(t) => self.render(t),
            None => message.clone(),
        };
        let mut f = Finding::new(
            rule.code.clone(),
            rule.severity,
            rule.title(lang),
            message,
            self.cx.file,
            span,
        )
        .with_path(path)
        .with_label(label);
        if let Some(h) = check.help.as_ref().or(rule.help.as_ref()) {
            f = match h.pick(self.cx.lang).1 {
                Some(text) => f.with_help(text.clone()),
                None => {
                    let text = self.render(h);
                    f.with_help(text)
                }
            };
        }
        if let Some(fx) = &check.fix {
            f.fix = self.fix(fx);
        }
        for label in &check.labels {
            let v = self.eval(&label.at);
            for item in items_or_self(v).into_iter().take(crate::diag::MAX_LABELS) {
                let Val::Node(n) = item else { continue };
                let text = match &label.text {
                    Some(t) => self.render(t),
                    None => display(&Val::Node(n), lang),
                };
                f = f.also(n.file, locate(&n), text);
            }
        }
        f
    }

    /// The edit a failed assert's `fix` makes: the scalar at its path (in
    /// this document) rewritten with the new value at the precision written
    /// there, if with that value the assert passes. `None` otherwise.
    fn fix(&mut self, fx: &'a FixEx) -> Option<Fix> {
        let Val::Node(at) = self.eval(&fx.path) else {
            return None;
        };
        if at.file != self.cx.file {
            return None;
        }
        let new = self.eval(&fx.value);
        let (replacement, value) = fixed_text(at.node, &new)?;
        self.fixed = Some(value);
        let passes = matches!(self.eval(&fx.check), Val::Bool(true));
        self.fixed = None;
        passes.then_some(Fix {
            span: at.node.span,
            replacement,
            safe: fx.safe,
        })
    }

    /// The node an `at` path points at, or its nearest existing ancestor.
    fn locate_path(&mut self, e: &'a Ex) -> Option<NodeRef<'a>> {
        match self.eval(e) {
            Val::Node(n) => Some(n),
            Val::Multi(items) | Val::List(items) => items.iter().find_map(|i| match i {
                Val::Node(n) => Some(*n),
                _ => None,
            }),
            _ => match e {
                Ex::Get(b, _) | Ex::Star(b) | Ex::Index(b, _) | Ex::Cached(_, b) => {
                    self.locate_path(b)
                }
                _ => None,
            },
        }
    }

    fn render(&mut self, t: &'a Template) -> String {
        let lang = self.cx.lang;
        let segs = t.pick(lang).0;
        let mut s = String::new();
        for seg in segs {
            // Bound what a message can grow to, before building it.
            if s.len() > crate::diag::MAX_MESSAGE {
                break;
            }
            match seg {
                Seg::Lit(l) => s.push_str(l),
                Seg::Expr(e) => {
                    let v = self.eval(e);
                    display_into(&v, lang, &mut s, crate::diag::MAX_MESSAGE);
                }
            }
        }
        crate::diag::clip(s)
    }

    pub fn eval(&mut self, e: &'a Ex) -> Val<'a> {
        self.work += 1;
        if self.over() {
            return Val::Undef;
        }
        // The arms every indicator loop runs stay here; the rest are kept out
        // of line so this frame stays small (it is entered once per node).
        match e {
            Ex::Lit(l) => lit(l),
            Ex::Local(slot) => self.locals.get(*slot).cloned().unwrap_or(Val::Undef),
            Ex::Param(i) => self.params.get(*i).cloned().unwrap_or(Val::Undef),
            Ex::Cached(id, inner) => match self.cache.get(*id) {
                Some(Some(v)) => v.clone(),
                _ => self.fill_cache(*id, inner),
            },
            Ex::Get(b, k) => {
                if let Ex::Local(slot) = &**b
                    && let Some(v) = self.bound_field(*slot, *k)
                {
                    return v;
                }
                let v = self.eval(b);
                self.charge(&v);
                get(&v, *k)
            }
            Ex::Call(f, args) => self.call(f, args),
            Ex::Matches(t, re) => self.matches(t, re),
            Ex::Not(x) => match self.eval(x) {
                Val::Bool(b) => Val::Bool(!b),
                _ => Val::Undef,
            },
            Ex::Bin(op, l, r) => self.binary(*op, l, r),
            Ex::InStrs {
                negate,
                strs,
                general,
            } => self.in_strs(*negate, strs, general),
            _ => self.eval_rest(e),
        }
    }

    #[inline(never)]
    fn fill_cache(&mut self, id: usize, inner: &'a Ex) -> Val<'a> {
        let v = self.eval(inner);
        if let Some(slot) = self.cache.get_mut(id) {
            *slot = Some(v.clone());
        }
        v
    }

    /// `ind.target`: a field of a node bound to `slot`, read in place (the
    /// mapping's entries counted as work); `None` when `slot` holds no node.
    #[inline(always)]
    fn bound_field(&mut self, slot: usize, k: Key) -> Option<Val<'a>> {
        let Some(Val::Node(n)) = self.locals.get(slot) else {
            return None;
        };
        let n = *n;
        self.work += n.node.entries().len() as u64;
        Some(field(n, k))
    }

    /// [`Eval::eval`] of an operand, with what most operands are (a constant,
    /// a field of a bound node, a call) handled here without going through
    /// `eval`'s frame: the same value and the same work counted.
    #[inline(always)]
    fn operand(&mut self, e: &'a Ex) -> Val<'a> {
        match e {
            Ex::Lit(l) => {
                self.work += 1;
                lit(l)
            }
            Ex::Get(b, k) => {
                if let Ex::Local(slot) = &**b
                    && let Some(v) = self.bound_field(*slot, *k)
                {
                    self.work += 1;
                    return v;
                }
                self.eval(e)
            }
            Ex::Call(f, args) => {
                self.work += 1;
                self.call(f, args)
            }
            _ => self.eval(e),
        }
    }

    fn matches(&mut self, t: &'a Ex, re: &Pattern) -> Val<'a> {
        let Some(s) = as_text(&self.operand(t)) else {
            return Val::Undef;
        };
        self.charge_text(&s);
        re.is_match(&s).map_or(Val::Undef, Val::Bool)
    }

    fn in_strs(&mut self, negate: bool, strs: &[Arc<str>], general: &'a Ex) -> Val<'a> {
        let Ex::Bin(_, l, _) = general else {
            return self.eval(general);
        };
        let v = self.operand(l);
        // A lookup compares with every item: the list's length is the work.
        self.work = self.work.saturating_add(strs.len() as u64);
        match plain_text(&v) {
            Some(t) => Val::Bool(strs.iter().any(|s| same_text(s, t)) != negate),
            None if v.is_undef() => Val::Undef,
            None => self.eval(general),
        }
    }

    /// The expressions that are not on the per-indicator path.
    #[inline(never)]
    fn eval_rest(&mut self, e: &'a Ex) -> Val<'a> {
        match e {
            Ex::List(items) => Val::List(Rc::new(items.iter().map(|i| self.eval(i)).collect())),
            Ex::Comp {
                expr,
                slot,
                iter,
                cond,
            } => {
                let src = self.eval(iter);
                let Some(items) = iter_items(&src) else {
                    return Val::List(Rc::new(Vec::new()));
                };
                let mut out = Vec::new();
                items.for_each(|item| {
                    if self.over() {
                        return;
                    }
                    self.locals[*slot] = item;
                    if let Some(c) = cond
                        && !matches!(self.eval(c), Val::Bool(true))
                    {
                        return;
                    }
                    let v = self.eval(expr);
                    if !v.is_undef() {
                        out.push(v);
                    }
                });
                Val::List(Rc::new(out))
            }
            Ex::Root => self.root(),
            Ex::Projects => Val::List(Rc::new(
                self.cx
                    .projects
                    .iter()
                    .map(|(d, f)| {
                        Val::Node(NodeRef {
                            node: &d.root,
                            file: *f,
                            key: None,
                        })
                    })
                    .collect(),
            )),
            Ex::Declared => match self.cx.declared {
                Some((d, f)) => Val::Node(NodeRef {
                    node: &d.root,
                    file: f,
                    key: None,
                }),
                None => Val::Undef,
            },
            Ex::Profile => Val::Str(Cow::Borrowed(self.set.profile.name())),
            Ex::Star(b) => {
                let v = self.eval(b);
                let out = star(v);
                self.charge(&out);
                out
            }
            Ex::Index(b, i) => {
                let base = self.eval(b);
                let idx = self.eval(i);
                self.charge(&base);
                index(base, idx)
            }
            Ex::Fixed => self.fixed.clone().unwrap_or(Val::Undef),
            Ex::Neg(x) => match as_num(&self.eval(x)) {
                Some(n) => Val::Num(Num {
                    value: -n.value,
                    percent: n.percent,
                }),
                None => Val::Undef,
            },
            // The hot arms, handled by `eval` itself.
            Ex::Lit(_)
            | Ex::Local(_)
            | Ex::Param(_)
            | Ex::Cached(..)
            | Ex::Get(..)
            | Ex::Call(..)
            | Ex::Matches(..)
            | Ex::Not(_)
            | Ex::Bin(..)
            | Ex::InStrs { .. } => self.eval(e),
        }
    }

    fn binary(&mut self, op: BinOp, l: &'a Ex, r: &'a Ex) -> Val<'a> {
        // Kleene logic: false and ? = false, true or ? = true.
        match op {
            BinOp::And => {
                return match self.eval(l) {
                    Val::Bool(false) => Val::Bool(false),
                    Val::Bool(true) => match self.eval(r) {
                        Val::Bool(b) => Val::Bool(b),
                        _ => Val::Undef,
                    },
                    _ => match self.eval(r) {
                        Val::Bool(false) => Val::Bool(false),
                        _ => Val::Undef,
                    },
                };
            }
            BinOp::Or => {
                return match self.eval(l) {
                    Val::Bool(true) => Val::Bool(true),
                    Val::Bool(false) => match self.eval(r) {
                        Val::Bool(b) => Val::Bool(b),
                        _ => Val::Undef,
                    },
                    _ => match self.eval(r) {
                        Val::Bool(true) => Val::Bool(true),
                        _ => Val::Undef,
                    },
                };
            }
            _ => {}
        }
        let a = self.operand(l);
        let b = self.operand(r);
        self.charge(&a);
        self.charge(&b);
        if a.is_undef() || b.is_undef() {
            return Val::Undef;
        }
        match op {
            BinOp::Eq => equal(&a, &b).map_or(Val::Undef, Val::Bool),
            BinOp::Ne => equal(&a, &b).map_or(Val::Undef, |x| Val::Bool(!x)),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => match order(&a, &b) {
                Some(o) => Val::Bool(match op {
                    BinOp::Lt => o.is_lt(),
                    BinOp::Le => o.is_le(),
                    BinOp::Gt => o.is_gt(),
                    _ => o.is_ge(),
                }),
                None => Val::Undef,
            },
            BinOp::In | BinOp::NotIn => match contains(&b, &a) {
                Some(x) => Val::Bool(if op == BinOp::In { x } else { !x }),
                None => Val::Undef,
            },
            _ => {
                let r = arith(op, &a, &b);
                if matches!(r, Val::Undef) && overflows(op, &a, &b) {
                    self.overflowed = true;
                }
                r
            }
        }
    }

    /// A function call: its arguments evaluated (each counted as work by
    /// its size) onto the stack, then the registry's implementation.
    fn call(&mut self, f: &'static Function, args: &'a [Ex]) -> Val<'a> {
        // Arities are checked when compiling: at most MAX_ARITY arguments.
        let mut vals: [Val<'a>; MAX_ARITY] = [Val::Undef, Val::Undef];
        let n = args.len().min(MAX_ARITY);
        for (slot, a) in vals.iter_mut().zip(&args[..n]) {
            let v = self.operand(a);
            self.charge(&v);
            *slot = v;
        }
        (f.imp)(self, &vals[..n])
    }
}

/// The text that writes `new` where `node` is, and the value it reads as:
/// a number at the scale written there (a percentage at its decimals of a
/// percent), rounded half-up; a text as is. Only a scalar whose text is
/// exactly how it prints (`260.15`, `34.69%`, `良`, no quotes, units or
/// separators) is rewritten, so the edit changes nothing else; `None` when
/// nothing would change.
pub fn fixed_text<'a>(node: &Node, new: &Val<'a>) -> Option<(String, Val<'a>)> {
    match &node.value {
        Value::Num(old) => {
            let n = as_num(new)?;
            let scale = old.value.scale();
            let mut v = n
                .value
                .round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
            v.rescale(scale);
            let value = Num {
                value: v,
                percent: old.percent,
            };
            let (was, text) = (old.to_string(), value.to_string());
            (was.len() == node.span.len() && text != was).then_some((text, Val::Num(value)))
        }
        Value::Text(old) => {
            let text = match new {
                Val::Str(_) | Val::Node(_) => as_text(new)?.into_owned(),
                _ => return None,
            };
            let plain = !text.is_empty()
                && !text.contains(['\n', '\r', '"', '\'', ':', '#'])
                && text.trim() == text;
            (plain && old.len() == node.span.len() && *text != **old)
                .then(|| (text.clone(), Val::Str(Cow::Owned(text))))
        }
        _ => None,
    }
}

/// `a == b`, deciding most unequal pairs without a call to `memcmp`: the
/// constant lists compared with (`["数量指标", "成本指标"]`) are texts of one
/// length that differ in their first character.
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let head = |s: &[u8]| s.first_chunk::<4>().map(|c| u32::from_ne_bytes(*c));
    a.len() == b.len() && head(a) == head(b) && a == b
}

/// An indicator node's parts, for `score`, `met` and `ratio`.
pub(super) struct IndRef<'a> {
    pub target: Option<Cow<'a, IndValue>>,
    pub actual: Option<Cow<'a, IndValue>>,
    pub weight: Option<Decimal>,
    pub reported: Option<Decimal>,
    pub cost: bool,
}

pub(super) fn indicator<'a>(v: &Val<'a>) -> Option<IndRef<'a>> {
    let Val::Node(n) = v else { return None };
    let node = n.node;
    let target = node.get(Key::Target)?;
    // Under a cost dimension: the 10号 formula reads a bare number as a ceiling.
    const COST: [Key; 4] = [
        Key::Cost,
        Key::EconomicCost,
        Key::SocialCost,
        Key::EcologicalCost,
    ];
    let cost = [Key::Level1, Key::Level2].into_iter().any(|k| {
        node.get(k)
            .and_then(Node::text)
            .is_some_and(|t| COST.iter().any(|c| c.name() == t))
    });
    let ind_of = |n: &'a Node| match &n.value {
        Value::Ind(i) => Some(Cow::Borrowed(&**i)),
        _ => None,
    };
    Some(IndRef {
        target: ind_of(target),
        actual: node.get(Key::Actual).and_then(ind_of),
        weight: node.get(Key::Weight).and_then(Node::num),
        reported: node.get(Key::Score).and_then(Node::num),
        cost,
    })
}

/// `computed`, rounded half-up to the decimals written in `reported`, equals it.
pub fn agrees(reported: Decimal, computed: Decimal) -> bool {
    let r =
        computed.round_dp_with_strategy(reported.scale(), RoundingStrategy::MidpointAwayFromZero);
    r == reported
}

/// The items of a collection value (lists, wildcard results, YAML lists and
/// maps), iterated without copying them out.
pub(super) enum Items<'v, 'a> {
    Vals(std::slice::Iter<'v, Val<'a>>),
    Lits(std::slice::Iter<'a, Lit>),
    Nodes(std::slice::Iter<'a, Node>, FileId),
    Entries(std::slice::Iter<'a, Entry>, FileId),
}

impl<'a> Iterator for Items<'_, 'a> {
    type Item = Val<'a>;
    fn next(&mut self) -> Option<Val<'a>> {
        match self {
            Items::Vals(it) => it.next().cloned(),
            Items::Lits(it) => it.next().map(lit),
            Items::Nodes(it, file) => it.next().map(|node| item_val(node, *file)),
            Items::Entries(it, file) => it.next().map(|e| entry_val(e, *file)),
        }
    }
    /// Internal iteration (`for_each`, `extend`, `sum`…) picks the kind once.
    fn fold<B, F: FnMut(B, Val<'a>) -> B>(self, init: B, mut f: F) -> B {
        match self {
            Items::Vals(it) => it.fold(init, |acc, v| f(acc, v.clone())),
            Items::Lits(it) => it.fold(init, |acc, l| f(acc, lit(l))),
            Items::Nodes(it, file) => it.fold(init, |acc, n| f(acc, item_val(n, file))),
            Items::Entries(it, file) => it.fold(init, |acc, e| f(acc, entry_val(e, file))),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match self {
            Items::Vals(it) => it.len(),
            Items::Lits(it) => it.len(),
            Items::Nodes(it, _) => it.len(),
            Items::Entries(it, _) => it.len(),
        };
        (n, Some(n))
    }
}

impl ExactSizeIterator for Items<'_, '_> {}

pub(super) fn iter_items<'v, 'a>(v: &'v Val<'a>) -> Option<Items<'v, 'a>> {
    match v {
        Val::List(items) | Val::Multi(items) => Some(Items::Vals(items.iter())),
        Val::Lits(items) => Some(Items::Lits(items.iter())),
        Val::Node(n) => match &n.node.value {
            Value::List(items) => Some(Items::Nodes(items.iter(), n.file)),
            Value::Map(es) => Some(Items::Entries(es.iter(), n.file)),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn collection<'a>(v: &Val<'a>) -> Option<Vec<Val<'a>>> {
    iter_items(v).map(Iterator::collect)
}

fn items_or_self(v: Val<'_>) -> Vec<Val<'_>> {
    match v {
        Val::List(_) | Val::Multi(_) | Val::Lits(_) => collection(&v).unwrap_or_default(),
        other => vec![other],
    }
}

/// The field `key` of a mapping node (undefined when absent).
fn field(n: NodeRef<'_>, key: Key) -> Val<'_> {
    n.node
        .entry(key)
        .map_or(Val::Undef, |e| entry_val(e, n.file))
}

fn get<'a>(v: &Val<'a>, key: Key) -> Val<'a> {
    match v {
        Val::Node(n) => field(*n, key),
        Val::Multi(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items.iter() {
                let v = get(i, key);
                if !v.is_undef() {
                    out.push(v);
                }
            }
            Val::Multi(Rc::new(out))
        }
        _ => Val::Undef,
    }
}

fn star(v: Val<'_>) -> Val<'_> {
    let mut out = Vec::with_capacity(star_len(&v));
    push_star(&v, &mut out);
    Val::Multi(Rc::new(out))
}

/// How many values `.*` of a value yields (to allocate them at once).
fn star_len(v: &Val<'_>) -> usize {
    match v {
        Val::Multi(items) => items.iter().map(star_len).sum(),
        other => iter_items(other).map_or(0, |it| it.len()),
    }
}

/// An item of a YAML list, as a value.
fn item_val(node: &Node, file: FileId) -> Val<'_> {
    Val::Node(NodeRef {
        node,
        file,
        key: None,
    })
}

/// A mapping entry's value, as a value that knows its key.
fn entry_val(e: &Entry, file: FileId) -> Val<'_> {
    Val::Node(NodeRef {
        node: &e.node,
        file,
        key: Some((e.key, e.key_span)),
    })
}

/// `.*` of a value: a wildcard result's items each expanded in turn
/// (`for_each`, so the kind of collection is picked once, not per item).
fn push_star<'a>(v: &Val<'a>, out: &mut Vec<Val<'a>>) {
    match v {
        Val::Multi(items) => items.iter().for_each(|i| push_star(i, out)),
        other => {
            if let Some(it) = iter_items(other) {
                it.for_each(|v| out.push(v));
            }
        }
    }
}

fn index<'a>(base: Val<'a>, idx: Val<'a>) -> Val<'a> {
    if let Some(s) = as_text(&idx).filter(|_| !matches!(idx, Val::Num(_))) {
        return match Key::lookup(&s) {
            Some(k) => get(&base, k),
            None => Val::Undef,
        };
    }
    let Some(n) = as_num(&idx) else {
        return Val::Undef;
    };
    let Ok(i) = usize::try_from(n.value.trunc().mantissa()) else {
        return Val::Undef;
    };
    if !n.value.fract().is_zero() {
        return Val::Undef;
    }
    iter_items(&base)
        .and_then(|mut it| it.nth(i))
        .unwrap_or(Val::Undef)
}

pub(super) fn as_num(v: &Val<'_>) -> Option<Num> {
    match v {
        Val::Num(n) => Some(*n),
        Val::Node(n) => match &n.node.value {
            Value::Num(x) => Some(*x),
            // A source of funds is a row (年初预算数, 全年预算数, 全年执行数);
            // where a number is wanted it is its 全年预算数, what a source
            // written as one amount means (`sum(budget.sources.*)`).
            Value::Map(row) if n.key.is_some_and(|(k, _)| crate::load::is_source(k)) => row
                .iter()
                .find(|e| e.key == Key::Total)
                .and_then(|e| match &e.node.value {
                    Value::Num(x) => Some(*x),
                    _ => None,
                }),
            Value::Ind(i) => match i.quantity {
                Quantity::Number(d) => Some(Num {
                    value: d,
                    percent: false,
                }),
                Quantity::Percent(d) => Some(Num {
                    value: d,
                    percent: true,
                }),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn as_text<'a>(v: &Val<'a>) -> Option<Cow<'a, str>> {
    match v {
        Val::Str(s) => Some(s.clone()),
        Val::Node(n) => match &n.node.value {
            Value::Text(t) => Some(Cow::Borrowed(t)),
            Value::Ind(i) => Some(Cow::Borrowed(&i.text)),
            Value::Null => Some(Cow::Borrowed("")),
            Value::Num(x) => Some(Cow::Owned(x.to_string())),
            _ => None,
        },
        Val::Num(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

pub(super) fn as_ind<'a>(v: &Val<'a>) -> Option<Cow<'a, IndValue>> {
    match v {
        Val::Node(n) => match &n.node.value {
            Value::Ind(i) => Some(Cow::Borrowed(&**i)),
            Value::Text(t) => value::parse(t).ok().map(Cow::Owned),
            Value::Num(x) => value::parse(&x.to_string()).ok().map(Cow::Owned),
            _ => None,
        },
        Val::Str(s) => value::parse(s).ok().map(Cow::Owned),
        Val::Num(n) => value::parse(&n.to_string()).ok().map(Cow::Owned),
        _ => None,
    }
}

/// A key for distinct/duplicates: numbers by value, text by content.
#[derive(PartialEq, Eq, Hash)]
pub(super) enum Canon<'a> {
    Num(Decimal),
    Text(Cow<'a, str>),
    Other(String),
}

pub(super) fn canonical<'a>(v: &Val<'a>) -> Canon<'a> {
    if let Some(n) = as_num(v) {
        return Canon::Num(n.value.normalize());
    }
    match as_text(v) {
        Some(t) => Canon::Text(t),
        None => Canon::Other(display(v, Lang::En)),
    }
}

/// Text that compares as itself: a string or a text field (not an indicator value).
fn plain_text<'v>(v: &'v Val<'_>) -> Option<&'v str> {
    match v {
        Val::Str(s) => Some(s),
        Val::Node(NodeRef {
            node: Node {
                value: Value::Text(t),
                ..
            },
            ..
        }) => Some(t),
        _ => None,
    }
}

fn equal(a: &Val<'_>, b: &Val<'_>) -> Option<bool> {
    // The common case (`i.level2 in cost_dims`): two texts.
    if let (Some(x), Some(y)) = (plain_text(a), plain_text(b)) {
        return Some(x == y);
    }
    // Indicator values compare by comparator, number and unit.
    let is_ind = |v: &Val<'_>| {
        matches!(
            v,
            Val::Node(NodeRef {
                node: Node {
                    value: Value::Ind(_),
                    ..
                },
                ..
            })
        )
    };
    if is_ind(a) && is_ind(b) {
        return Some(as_ind(a)?.same_as(as_ind(b)?.as_ref()));
    }
    if let (Val::Bool(x), Val::Bool(y)) = (a, b) {
        return Some(x == y);
    }
    let lists = (collection_list(a), collection_list(b));
    if let (Some(x), Some(y)) = lists {
        return Some(
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(p, q)| equal(p, q) == Some(true)),
        );
    }
    let text_node = |v: &Val<'_>| {
        matches!(
            v,
            Val::Str(_)
                | Val::Node(NodeRef {
                    node: Node {
                        value: Value::Text(_) | Value::Null,
                        ..
                    },
                    ..
                })
        )
    };
    if (text_node(a) || text_node(b))
        && let (Some(x), Some(y)) = (as_text(a), as_text(b))
    {
        if x == y {
            return Some(true);
        }
        // `ind.target == "≥ 90%"`: compare as values when one side is a value.
        if is_ind(a) || is_ind(b) {
            return Some(match (as_ind(a), as_ind(b)) {
                (Some(p), Some(q)) => p.same_as(&q),
                _ => false,
            });
        }
        return Some(false);
    }
    if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
        return Some(x.value == y.value);
    }
    Some(false)
}

fn is_list(v: &Val<'_>) -> bool {
    match v {
        Val::List(_) | Val::Multi(_) | Val::Lits(_) => true,
        Val::Node(n) => matches!(n.node.value, Value::List(_)),
        _ => false,
    }
}

fn collection_list<'a>(v: &Val<'a>) -> Option<Vec<Val<'a>>> {
    if is_list(v) { collection(v) } else { None }
}

fn order(a: &Val<'_>, b: &Val<'_>) -> Option<std::cmp::Ordering> {
    if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
        return Some(x.value.cmp(&y.value));
    }
    if let (Some(p), Some(q)) = (as_ind(a), as_ind(b))
        && let (Quantity::Date(x), Quantity::Date(y)) = (&p.quantity, &q.quantity)
    {
        return Some(x.cmp(y));
    }
    match (a, b) {
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn contains(hay: &Val<'_>, needle: &Val<'_>) -> Option<bool> {
    if is_list(hay) {
        let mut it = iter_items(hay)?;
        return Some(it.any(|i| equal(&i, needle) == Some(true)));
    }
    if let Val::Node(n) = hay
        && matches!(n.node.value, Value::Map(_))
    {
        let k = as_text(needle).and_then(|t| Key::lookup(&t))?;
        return Some(n.node.entry(k).is_some());
    }
    let h = as_text(hay)?;
    let n = as_text(needle)?;
    Some(h.contains(&*n))
}

/// Whether `a op b` has two numbers and leaves Decimal's range (a division
/// by zero is undefined on purpose, not an overflow).
fn overflows(op: BinOp, a: &Val<'_>, b: &Val<'_>) -> bool {
    let (Some(x), Some(y)) = (as_num(a), as_num(b)) else {
        return false;
    };
    match op {
        BinOp::Add => x.value.checked_add(y.value).is_none(),
        BinOp::Sub => x.value.checked_sub(y.value).is_none(),
        BinOp::Mul => x.value.checked_mul(y.value).is_none(),
        _ => !y.value.is_zero() && x.value.checked_div(y.value).is_none(),
    }
}

fn arith<'a>(op: BinOp, a: &Val<'a>, b: &Val<'a>) -> Val<'a> {
    if op == BinOp::Add
        && let (Val::Str(x), Val::Str(y)) = (a, b)
    {
        return Val::Str(Cow::Owned(format!("{x}{y}")));
    }
    let (Some(x), Some(y)) = (as_num(a), as_num(b)) else {
        return Val::Undef;
    };
    let r = match op {
        BinOp::Add => x.value.checked_add(y.value),
        BinOp::Sub => x.value.checked_sub(y.value),
        BinOp::Mul => x.value.checked_mul(y.value),
        _ => {
            if y.value.is_zero() {
                None
            } else {
                x.value.checked_div(y.value)
            }
        }
    };
    let percent = matches!(op, BinOp::Add | BinOp::Sub) && x.percent && y.percent;
    match r {
        Some(v) => Val::Num(Num {
            value: v.normalize(),
            percent,
        }),
        None => Val::Undef,
    }
}

/// Where a node is shown: a collection under a key at its key; a list item at
/// its `name`; a value at itself.
pub fn locate(n: &NodeRef<'_>) -> Span {
    match &n.node.value {
        Value::Map(_) | Value::List(_) => match n.key {
            Some((_, ks)) => ks,
            None => match n.node.entry(Key::Name) {
                Some(e) => e.key_span.join(e.node.span),
                None => match n.node.entries().first() {
                    Some(e) => e.key_span.join(e.node.span),
                    None => n.node.span,
                },
            },
        },
        Value::Null => n.key.map_or(n.node.span, |(_, ks)| ks),
        _ => n.node.span,
    }
}

/// `indicators.产出指标.数量指标[服务人次].target`: a node's place in its
/// document, naming list items by their `name` (stable when lines move).
///
/// Called once per finding, so it must not walk the whole document: spans
/// nest, and list items are in source order, so the walk goes down only the
/// items whose span can hold the target (binary search in long lists). Nodes
/// the loader adds outside their parent's span fall back to the full walk.
pub fn node_path(root: &Node, target: &Node) -> String {
    let mut p = String::new();
    if walk_spans(root, target, &mut p) {
        return p;
    }
    p.clear();
    walk(root, target, &mut p);
    p
}

fn push_item(path: &mut String, i: usize, it: &Node) {
    match it.get(Key::Name).and_then(Node::text) {
        Some(name) => {
            path.push('[');
            path.push_str(name);
            path.push(']');
        }
        None => {
            path.push('[');
            path.push_str(&i.to_string());
            path.push(']');
        }
    }
}

fn holds(n: &Node, target: &Node) -> bool {
    n.span.start <= target.span.start && target.span.end <= n.span.end
}

fn walk_spans(n: &Node, target: &Node, path: &mut String) -> bool {
    if std::ptr::eq(n, target) {
        return true;
    }
    match &n.value {
        Value::Map(es) => {
            for e in es.iter().filter(|e| holds(&e.node, target)) {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(e.key.name());
                if walk_spans(&e.node, target, path) {
                    return true;
                }
                path.truncate(len);
            }
            false
        }
        Value::List(items) => {
            let first = items.partition_point(|it| it.span.end < target.span.start);
            for (i, it) in items.iter().enumerate().skip(first) {
                if it.span.start > target.span.start {
                    break;
                }
                if !holds(it, target) {
                    continue;
                }
                let len = path.len();
                push_item(path, i, it);
                if walk_spans(it, target, path) {
                    return true;
                }
                path.truncate(len);
            }
            false
        }
        _ => false,
    }
}

fn walk(n: &Node, target: &Node, path: &mut String) -> bool {
    if std::ptr::eq(n, target) {
        return true;
    }
    match &n.value {
        Value::Map(es) => {
            for e in es {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(e.key.name());
                if walk(&e.node, target, path) {
                    return true;
                }
                path.truncate(len);
            }
            false
        }
        Value::List(items) => {
            for (i, it) in items.iter().enumerate() {
                let len = path.len();
                push_item(path, i, it);
                if walk(it, target, path) {
                    return true;
                }
                path.truncate(len);
            }
            false
        }
        _ => false,
    }
}

/// How a value prints in a message: numbers as written (computed ones exactly,
/// without trailing zeros), text as is, lists joined.
pub fn display(v: &Val<'_>, lang: Lang) -> String {
    let mut s = String::new();
    display_into(v, lang, &mut s, crate::diag::MAX_MESSAGE);
    s
}

/// [`display`] appended to `out`, stopping once `out` is longer than `limit`
/// (a list of 100,000 names in a message costs no more than the message).
pub fn display_into(v: &Val<'_>, lang: Lang, out: &mut String, limit: usize) {
    if let Val::Lits(items) = v {
        let vals: Vec<Val<'_>> = items.iter().map(lit).collect();
        return display_into(&Val::List(Rc::new(vals)), lang, out, limit);
    }
    if let Val::List(items) | Val::Multi(items) = v {
        for (i, item) in items.iter().enumerate() {
            if out.len() > limit {
                out.push('…');
                return;
            }
            if i > 0 {
                out.push_str(lang.pick("、", ", "));
            }
            display_into(item, lang, out, limit);
        }
        return;
    }
    let text: Cow<'_, str> = match v {
        Val::Str(s) => Cow::Borrowed(s),
        Val::Node(NodeRef {
            node: Node {
                value: Value::Text(t),
                ..
            },
            ..
        }) => Cow::Borrowed(t),
        other => Cow::Owned(display_one(other, lang)),
    };
    // Copy no more than the room left (plus one character, so `clip` marks the cut).
    let room = limit.saturating_sub(out.len()).saturating_add(4);
    let mut end = text.len().min(room);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    out.push_str(&text[..end]);
}

fn display_one(v: &Val<'_>, lang: Lang) -> String {
    match v {
        Val::Undef => lang.pick("（无）", "(none)").to_owned(),
        Val::Bool(b) => match lang {
            Lang::Zh => if *b { "是" } else { "否" }.to_owned(),
            Lang::En => b.to_string(),
        },
        Val::Num(n) => n.to_string(),
        Val::Str(s) => s.to_string(),
        Val::Node(n) => match &n.node.value {
            Value::Num(x) => x.to_string(),
            Value::Text(t) => t.to_string(),
            Value::Ind(i) => i.text.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            Value::Map(_) | Value::List(_) => {
                match (n.key, n.node.get(Key::Name).and_then(Node::text)) {
                    (_, Some(name)) => name.to_owned(),
                    (Some((k, _)), None) => k.name().to_owned(),
                    (None, None) => "…".to_owned(),
                }
            }
        },
        Val::List(_) | Val::Multi(_) | Val::Lits(_) => {
            let mut s = String::new();
            display_into(v, lang, &mut s, usize::MAX);
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_paths_by_span_match_the_full_walk() {
        let text = include_str!("../../examples/target-clean.yaml");
        let doc = crate::load::load_str(text).doc.unwrap();
        let mut checked = 0;
        fn visit(root: &Node, n: &Node, checked: &mut usize) {
            let mut full = String::new();
            walk(root, n, &mut full);
            assert_eq!(node_path(root, n), full);
            *checked += 1;
            for e in n.entries() {
                visit(root, &e.node, checked);
            }
            for i in n.items() {
                visit(root, i, checked);
            }
        }
        visit(&doc.root, &doc.root, &mut checked);
        assert!(checked > 100, "{checked}");
        let ind = doc
            .root
            .path(&[Key::Indicators, Key::Output, Key::Quantity])
            .map(|l| &l.items()[1])
            .unwrap();
        assert_eq!(
            node_path(&doc.root, ind),
            "indicators.产出指标.数量指标[签约服务老人数]"
        );
        // The loader's virtual level keys sit outside the indicator's span.
        let level = ind.get(Key::Level2).unwrap();
        assert_eq!(
            node_path(&doc.root, level),
            "indicators.产出指标.数量指标[签约服务老人数].level2"
        );
    }

    #[test]
    fn agrees_rounds_half_up_at_the_reported_scale() {
        let d = |s: &str| Decimal::from_str_exact(s).unwrap();
        assert!(agrees(d("0.347"), d("260.15") / d("749.78")));
        assert!(!agrees(d("260.15"), d("260.162333")));
        assert!(agrees(d("260.16"), d("260.162333")));
        assert!(agrees(d("1.97"), d("1.97264")));
        assert!(agrees(d("0.13"), d("0.125")));
        assert!(!agrees(d("0.12"), d("0.125")));
    }
}
