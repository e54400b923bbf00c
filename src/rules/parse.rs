//! Parsing rule files: `grammar/rules.pest` → [`ast`]. Syntax errors point at the
//! right byte even after Chinese text (pest's byte offsets are used directly,
//! not its line/column), and parsing resumes at the next top-level item so one
//! bad rule does not hide the errors of the next.

use super::RuleError;
use super::ast::{self, BinOp, Clause, Expr, ExprKind, File, Param, Part, Text, UnOp};
use crate::diag::Lang;
use crate::source::Span;
use pest::Parser as _;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use rust_decimal::Decimal;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/rules.pest"]
struct RulesParser;

/// Deepest nesting of brackets accepted before parsing (pest recurses).
pub const MAX_NESTING: usize = 64;

/// Most operators and operands in one expression (the Pratt parser recurses on them).
pub const MAX_TERMS: usize = 256;

/// Deepest expression tree accepted: compilation and evaluation recurse on it.
pub const MAX_DEPTH: usize = 200;

/// Depth of an expression tree.
pub fn depth(e: &Expr) -> usize {
    1 + match &e.kind {
        ExprKind::Num { .. } | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Name(_) => 0,
        ExprKind::List(items) | ExprKind::Call(_, _, items) => {
            items.iter().map(depth).max().unwrap_or(0)
        }
        ExprKind::Comp {
            expr, iter, cond, ..
        } => depth(expr)
            .max(depth(iter))
            .max(cond.as_deref().map_or(0, depth)),
        ExprKind::Field(b, _, _) | ExprKind::Star(b) | ExprKind::Unary(_, b) => depth(b),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => depth(a).max(depth(b)),
    }
}

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::prefix(Rule::not))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left)
            | Op::infix(Rule::in_, Assoc::Left)
            | Op::infix(Rule::not_in, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg))
        .op(Op::postfix(Rule::field) | Op::postfix(Rule::star) | Op::postfix(Rule::index))
});

/// Parse a whole rule file, collecting every syntax error it can find.
pub fn parse_file(src: &str, lang: Lang) -> (File, Vec<RuleError>) {
    let mut file = File::default();
    let mut errors = Vec::new();
    if let Some(e) = check_nesting(src, lang) {
        errors.push(e);
        return (file, errors);
    }
    let mut pos = 0;
    while pos < src.len() {
        let rest = &src[pos..];
        if RulesParser::parse(Rule::only_trivia, rest).is_ok() {
            break;
        }
        match RulesParser::parse(Rule::one_item, rest) {
            Ok(mut pairs) => {
                let Some(top) = pairs.next() else { break };
                let end = top.as_span().end();
                let mut b = Builder {
                    base: pos,
                    lang,
                    errors: Vec::new(),
                };
                for item in top.into_inner() {
                    b.item(item, &mut file);
                }
                errors.append(&mut b.errors);
                if end == 0 {
                    break;
                }
                pos += end;
            }
            Err(e) => {
                let at = pos + error_pos(&e);
                if let Some(err) = unclosed_rule(src, pos, at, lang) {
                    errors.push(err);
                    // The next item starts where the unclosed rule stopped.
                    let next = at + (src[at..].len() - src[at..].trim_start().len());
                    if next > pos && next < src.len() {
                        pos = next;
                        continue;
                    }
                    break;
                }
                errors.push(syntax_error(src, at, &e, lang));
                // Resume at the next line that starts a top-level item.
                match next_item_start(src, at) {
                    Some(next) if next > pos => pos = next,
                    _ => break,
                }
            }
        }
    }
    (file, errors)
}

/// A rule whose `}` is missing: the parse of the item starting at `pos`
/// failed at `at`, the end of the file or the next top-level item, inside a
/// `rule … {`. Names the rule and where it starts; points at its `{`.
fn unclosed_rule(src: &str, pos: usize, at: usize, lang: Lang) -> Option<RuleError> {
    let rest = src[at..].trim_start();
    let at_next_item = rest.is_empty()
        || ["rule", "param", "ruleset"].iter().any(|kw| {
            rest.strip_prefix(kw)
                .is_some_and(|r| r.starts_with(|c: char| c.is_whitespace()))
        });
    if !at_next_item {
        return None;
    }
    // The header: the first line of the item that starts with `rule`.
    let mut off = pos;
    let header = loop {
        let end = src[off..at].find('\n').map_or(at, |i| off + i);
        let line = &src[off..end];
        let t = line.trim_start();
        if let Some(r) = t.strip_prefix("rule")
            && r.starts_with(|c: char| c.is_whitespace())
        {
            break off + (line.len() - t.len());
        }
        if end >= at {
            return None;
        }
        off = end + 1;
    };
    let code: String = src[header + 4..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let brace = header + src[header..at].find('{')?;
    let line = src[..header].matches('\n').count() + 1;
    let (zh, en) = if rest.is_empty() {
        ("文件结束", "the file ends")
    } else {
        ("下一项开始", "the next item starts")
    };
    Some(
        RuleError::new(
            "rule-syntax",
            Span::new(brace, brace + 1),
            match lang {
                Lang::Zh => format!("规则 {code}（第 {line} 行）缺少 }}：{zh}时它还没有结束"),
                Lang::En => format!(
                    "rule {code} (line {line}) is missing its `}}`: {en} before it is closed"
                ),
            },
        )
        .help(lang.pick(
            "在规则的最后一个子句之后写上 }",
            "close the rule with `}` after its last clause",
        )),
    )
}

fn error_pos(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

fn next_item_start(src: &str, after: usize) -> Option<usize> {
    let mut off = src[after..].find('\n').map(|i| after + i + 1)?;
    loop {
        let line_end = src[off..].find('\n').map_or(src.len(), |i| off + i);
        let line = &src[off..line_end];
        let t = line.trim_start();
        for kw in ["rule ", "param ", "ruleset "] {
            if t.starts_with(kw) {
                return Some(off + (line.len() - t.len()));
            }
        }
        if line_end >= src.len() {
            return None;
        }
        off = line_end + 1;
    }
}

/// Refuse bracket nesting deeper than [`MAX_NESTING`] before pest recurses into it.
fn check_nesting(src: &str, lang: Lang) -> Option<RuleError> {
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escape = false;
    let mut comment = false;
    let b = src.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if comment {
            comment = c != b'\n';
            continue;
        }
        if in_str {
            match (escape, c) {
                (true, _) => escape = false,
                (false, b'\\') => escape = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'#' => comment = true,
            b'/' if b.get(i + 1) == Some(&b'/') => comment = true,
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(RuleError::new(
                        "rule-syntax",
                        Span::new(i, i + 1),
                        match lang {
                            Lang::Zh => format!("括号嵌套超过 {MAX_NESTING} 层"),
                            Lang::En => format!("brackets nested deeper than {MAX_NESTING} levels"),
                        },
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn rule_word(r: Rule, lang: Lang) -> &'static str {
    let (zh, en) = match r {
        Rule::expr | Rule::primary | Rule::template_expr => ("表达式", "an expression"),
        Rule::string => ("字符串（\"…\"）", "a string (\"…\")"),
        Rule::ident | Rule::name => ("名称", "a name"),
        Rule::code => ("规则编号（如 JX101）", "a rule code (like JX101)"),
        Rule::word => ("单词", "a word"),
        Rule::number => ("数字", "a number"),
        Rule::item | Rule::one_item | Rule::ruleset | Rule::param | Rule::rule => {
            ("rule、param 或 ruleset", "rule, param or ruleset")
        }
        Rule::kw_rule => ("rule", "rule"),
        Rule::clause
        | Rule::severity
        | Rule::applies
        | Rule::let_
        | Rule::when
        | Rule::assert
        | Rule::message
        | Rule::at
        | Rule::help
        | Rule::basis
        | Rule::label
        | Rule::fix
        | Rule::for_ => (
            "子句（severity、applies、let、when、assert、message、at、help、basis、label、fix、for）",
            "a clause (severity, applies, let, when, assert, message, at, help, basis, label, fix, for)",
        ),
        Rule::EOI => ("文件结尾", "end of file"),
        Rule::infix
        | Rule::or
        | Rule::and
        | Rule::eq
        | Rule::ne
        | Rule::lt
        | Rule::le
        | Rule::gt
        | Rule::ge
        | Rule::add
        | Rule::sub
        | Rule::mul
        | Rule::div
        | Rule::in_
        | Rule::not_in => ("运算符", "an operator"),
        Rule::field | Rule::star | Rule::index | Rule::postfix => {
            ("路径（.名称、.*、[…]）", "a path (.name, .*, […])")
        }
        Rule::kw_in => ("in", "in"),
        // `en` (an English text) is optional: never what a reader is missing.
        Rule::en | Rule::kw_en => ("", ""),
        _ => ("", ""),
    };
    lang.pick(zh, en)
}

fn syntax_error(src: &str, at: usize, e: &pest::error::Error<Rule>, lang: Lang) -> RuleError {
    use pest::error::ErrorVariant;
    let mut expected: Vec<&str> = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .map(|r| rule_word(*r, lang))
            .filter(|w| !w.is_empty())
            .collect(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.dedup();
    let mut uniq: Vec<&str> = Vec::new();
    for w in expected {
        if !uniq.contains(&w) {
            uniq.push(w);
        }
    }
    let found = src[at..].chars().next();
    let found_text = match found {
        None => lang.pick("文件结尾", "end of file").to_owned(),
        Some(c) if c.is_whitespace() => lang.pick("空白", "whitespace").to_owned(),
        Some(c) => format!("“{c}”"),
    };
    let msg = match (lang, uniq.is_empty()) {
        (Lang::Zh, false) => format!("语法错误：此处应为{}，却是{found_text}", join_zh(&uniq)),
        (Lang::Zh, true) => format!("语法错误：不应出现{found_text}"),
        (Lang::En, false) => format!(
            "syntax error: expected {}, found {found_text}",
            uniq.join(" or ")
        ),
        (Lang::En, true) => format!("syntax error: unexpected {found_text}"),
    };
    let len = found.map_or(0, char::len_utf8);
    let mut err = RuleError::new("rule-syntax", Span::new(at, at + len), msg);
    // What other languages write for comparison and logic.
    let rest = &src[at..];
    let other: Option<(usize, &str, &str)> = if rest.starts_with("&&") {
        Some((
            2,
            "逻辑与请用 and（不是 &&）",
            "use `and` for logical and, not `&&`",
        ))
    } else if rest.starts_with("||") {
        Some((
            2,
            "逻辑或请用 or（不是 ||）",
            "use `or` for logical or, not `||`",
        ))
    } else if rest.starts_with('!') && !rest.starts_with("!=") {
        Some((
            1,
            "取反请用 not（不是 !）",
            "use `not` for negation, not `!`",
        ))
    } else if rest.starts_with('=') && !rest.starts_with("==") {
        Some((
            1,
            "比较请用 ==（= 只用在 let、param 和 fix 中）",
            "use `==` to compare (`=` is only for let, param and fix)",
        ))
    } else {
        None
    };
    if let Some((n, zh, en)) = other {
        err.span = Span::new(at, at + n);
        err.help = Some(lang.pick(zh, en).to_owned());
        return err;
    }
    // Full-width punctuation typed with a Chinese input method is the usual cause.
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[at..].find('\n').map_or(src.len(), |i| at + i);
    let near = &src[line_start..line_end];
    let fw: Vec<(char, char)> = [
        ('（', '('),
        ('）', ')'),
        ('，', ','),
        ('％', '%'),
        ('＝', '='),
        ('“', '"'),
        ('”', '"'),
        ('：', ':'),
        ('［', '['),
        ('］', ']'),
        ('｛', '{'),
        ('｝', '}'),
        ('＞', '>'),
        ('＜', '<'),
        ('．', '.'),
    ]
    .into_iter()
    .filter(|(f, _)| found == Some(*f) || unquoted_contains(near, *f))
    .collect();
    if !fw.is_empty() {
        let list: Vec<String> = fw.iter().map(|(f, h)| format!("{f} → {h}")).collect();
        err.help = Some(match lang {
            Lang::Zh => format!("这里用了全角标点，请改成半角：{}", list.join("，")),
            Lang::En => format!(
                "full-width punctuation here; use ASCII: {}",
                list.join(", ")
            ),
        });
    }
    err
}

/// `a或b或 in`: Chinese alternatives, with a space before an ASCII word.
fn join_zh(words: &[&str]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push('或');
            if w.starts_with(|c: char| c.is_ascii_alphabetic()) {
                out.push(' ');
            }
        }
        out.push_str(w);
    }
    out
}

/// Whether `c` occurs in `line` outside a "…" string.
fn unquoted_contains(line: &str, c: char) -> bool {
    let mut in_str = false;
    let mut prev = '\0';
    for ch in line.chars() {
        if ch == '"' && prev != '\\' {
            in_str = !in_str;
        } else if ch == c && !in_str {
            return true;
        }
        prev = ch;
    }
    false
}

struct Builder {
    base: usize,
    lang: Lang,
    errors: Vec<RuleError>,
}

impl Builder {
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.base + s.start(), self.base + s.end())
    }

    fn item(&mut self, p: Pair<'_, Rule>, file: &mut File) {
        match p.as_rule() {
            Rule::ruleset => {
                let mut inner = p.into_inner();
                let Some(kw) = inner.next() else { return };
                let _ = kw;
                let mut title = None;
                let mut basis = Vec::new();
                for q in inner {
                    match q.as_rule() {
                        Rule::string => title = Some(self.text(q, None)),
                        Rule::en => {
                            if let Some(t) = &mut title {
                                self.add_en(t, q);
                            }
                        }
                        Rule::basis => {
                            if let Some(s) = q.into_inner().nth(1) {
                                let span = self.span(&s);
                                basis.push((unescape(string_body(&s)), span));
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(t) = title {
                    file.ruleset = Some((t, basis));
                }
            }
            Rule::param => {
                let mut inner = p.into_inner().skip(1);
                let (Some(name), Some(value)) = (inner.next(), inner.next()) else {
                    return;
                };
                file.params.push(Param {
                    name: nfkc(name.as_str()),
                    name_span: self.span(&name),
                    value: self.expr(value),
                });
            }
            Rule::rule => {
                let span = self.span(&p);
                let mut inner = p.into_inner().skip(1);
                let (Some(code), Some(title)) = (inner.next(), inner.next()) else {
                    return;
                };
                let mut rule = ast::Rule {
                    code: code.as_str().to_owned(),
                    code_span: self.span(&code),
                    title: self.template(title, None),
                    span,
                    body: Vec::new(),
                };
                for q in inner {
                    if q.as_rule() == Rule::en {
                        if let Some(s) = q.clone().into_inner().nth(1) {
                            let at = self.span(&s).start as usize;
                            rule.title.en_parts = self.segments(s.as_str(), at);
                        }
                        self.add_en(&mut rule.title, q);
                    } else if let Some(c) = self.clause(q) {
                        rule.body.push(c);
                    }
                }
                file.rules.push(rule);
            }
            _ => {}
        }
    }

    fn text(&mut self, s: Pair<'_, Rule>, en: Option<Pair<'_, Rule>>) -> Text {
        let mut t = Text {
            zh: unescape(string_body(&s)),
            zh_span: self.span(&s),
            en: None,
            parts: Vec::new(),
            en_parts: Vec::new(),
        };
        if let Some(e) = en {
            self.add_en(&mut t, e);
        }
        t
    }

    fn add_en(&mut self, t: &mut Text, en: Pair<'_, Rule>) {
        if let Some(s) = en.into_inner().nth(1) {
            t.en = Some((unescape(string_body(&s)), self.span(&s)));
        }
    }

    /// A message, help or label text: split into literal text and `{expr}`s.
    fn template(&mut self, s: Pair<'_, Rule>, en: Option<Pair<'_, Rule>>) -> Text {
        let zh_raw = s.as_str();
        let zh_at = self.span(&s).start as usize;
        let en_src = en
            .as_ref()
            .and_then(|e| e.clone().into_inner().nth(1))
            .map(|q| (q.as_str(), self.span(&q).start as usize));
        let mut t = self.text(s, en);
        t.parts = self.segments(zh_raw, zh_at);
        if let Some((raw, at)) = en_src {
            t.en_parts = self.segments(raw, at);
        }
        t
    }

    /// Split a string literal's source (`"…"`, at byte `at` of the file)
    /// into text and `{expr}` parts.
    fn segments(&mut self, quoted: &str, at: usize) -> Vec<Part> {
        let start = at + 1;
        let raw = quoted
            .get(1..quoted.len().saturating_sub(1).max(1))
            .unwrap_or("");
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
                        self.errors.push(RuleError::new(
                            "rule-template",
                            Span::new(start + i, start + i + 1),
                            self.lang
                                .pick(
                                    "消息模板中的“{”没有对应的“}”（字面的花括号写成 {{ 或 }}）",
                                    "unclosed `{` in the message template (write a literal brace as {{ or }})",
                                )
                                .to_owned(),
                        ));
                        return segs;
                    };
                    if !lit.is_empty() {
                        segs.push(Part::Lit(unescape(&std::mem::take(&mut lit))));
                    }
                    let inner = template_source(&raw[i + 1..close]);
                    match parse_template_expr(&inner, start + i + 1, self.lang) {
                        Ok(e) => segs.push(Part::Expr(e)),
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
            segs.push(Part::Lit(unescape(&lit)));
        }
        segs
    }

    fn clause(&mut self, p: Pair<'_, Rule>) -> Option<Clause> {
        let which = p.as_rule();
        let whole = self.span(&p);
        let mut inner = p.into_inner();
        inner.next(); // the keyword
        Some(match which {
            Rule::severity => {
                let w = inner.next()?;
                Clause::Severity(w.as_str().to_owned(), self.span(&w))
            }
            Rule::applies => Clause::Applies(
                inner
                    .map(|w| (w.as_str().to_owned(), self.span(&w)))
                    .collect(),
            ),
            Rule::let_ => {
                let name = inner.next()?;
                let value = inner.next()?;
                Clause::Let(nfkc(name.as_str()), self.span(&name), self.expr(value))
            }
            Rule::when => Clause::When(self.expr(inner.next()?)),
            Rule::assert => Clause::Assert(self.expr(inner.next()?)),
            Rule::at => {
                let e = self.expr(inner.next()?);
                let t = inner.next().map(|s| {
                    let en = inner.next();
                    self.template(s, en)
                });
                Clause::At(e, t)
            }
            Rule::message | Rule::help => {
                let s = inner.next()?;
                let t = self.template(s, inner.next());
                if which == Rule::message {
                    Clause::Message(t)
                } else {
                    Clause::Help(t)
                }
            }
            Rule::basis => {
                let s = inner.next()?;
                Clause::Basis(unescape(string_body(&s)), self.span(&s))
            }
            Rule::label => {
                let e = self.expr(inner.next()?);
                let t = inner.next().map(|s| {
                    let en = inner.next();
                    self.template(s, en)
                });
                Clause::Label(e, t)
            }
            Rule::fix => {
                let mut next = inner.next()?;
                let unsafe_ = next.as_rule() == Rule::unsafe_;
                if unsafe_ {
                    next = inner.next()?;
                }
                let path = self.expr(next);
                let value = self.expr(inner.next()?);
                Clause::Fix {
                    unsafe_,
                    path,
                    value,
                    span: whole,
                }
            }
            Rule::for_ => {
                let var = inner.next()?;
                inner.next(); // `in`
                let iter = self.expr(inner.next()?);
                let body = inner.filter_map(|c| self.clause(c)).collect();
                Clause::For {
                    var: nfkc(var.as_str()),
                    var_span: self.span(&var),
                    iter,
                    body,
                }
            }
            _ => return None,
        })
    }

    /// An expression, refused (with an error) when too long or too deep to
    /// evaluate safely.
    fn expr(&mut self, p: Pair<'_, Rule>) -> Expr {
        let span = self.span(&p);
        let too_big = |b: &mut Builder, zh: &str, en: &str| {
            b.errors.push(RuleError::new(
                "rule-syntax",
                span,
                b.lang.pick(zh, en).to_owned(),
            ));
            Expr {
                kind: ExprKind::Bool(false),
                span,
            }
        };
        if p.clone().into_inner().count() > MAX_TERMS {
            return too_big(
                self,
                "表达式过长，请拆分成几个 let",
                "expression too long: split it with let",
            );
        }
        let e = self.pratt(p);
        if depth(&e) > MAX_DEPTH {
            return too_big(self, "表达式嵌套过深", "expression nested too deeply");
        }
        e
    }

    fn pratt(&mut self, p: Pair<'_, Rule>) -> Expr {
        // The Pratt parser's callbacks all need the builder: lend it through a RefCell.
        let fresh = Builder {
            base: self.base,
            lang: self.lang,
            errors: Vec::new(),
        };
        let b = std::cell::RefCell::new(std::mem::replace(self, fresh));
        let out = PRATT
            .map_primary(|q| b.borrow_mut().primary(q))
            .map_prefix(|op, rhs| {
                let span = b.borrow().span(&op).join(rhs.span);
                let op = if op.as_rule() == Rule::not {
                    UnOp::Not
                } else {
                    UnOp::Neg
                };
                Expr {
                    kind: ExprKind::Unary(op, Box::new(rhs)),
                    span,
                }
            })
            .map_postfix(|lhs, op| {
                let mut b = b.borrow_mut();
                let span = lhs.span.join(b.span(&op));
                let kind = match op.as_rule() {
                    Rule::field => {
                        let (name, nspan) = match op.into_inner().next() {
                            Some(n) => (nfkc(n.as_str()), b.span(&n)),
                            None => (String::new(), span),
                        };
                        ExprKind::Field(Box::new(lhs), name, nspan)
                    }
                    Rule::star => ExprKind::Star(Box::new(lhs)),
                    _ => match op.into_inner().next().map(|e| b.expr(e)) {
                        Some(i) => ExprKind::Index(Box::new(lhs), Box::new(i)),
                        None => return lhs,
                    },
                };
                Expr { kind, span }
            })
            .map_infix(|lhs, op, rhs| {
                let op = match op.as_rule() {
                    Rule::or => BinOp::Or,
                    Rule::and => BinOp::And,
                    Rule::in_ => BinOp::In,
                    Rule::not_in => BinOp::NotIn,
                    Rule::eq => BinOp::Eq,
                    Rule::ne => BinOp::Ne,
                    Rule::lt => BinOp::Lt,
                    Rule::le => BinOp::Le,
                    Rule::gt => BinOp::Gt,
                    Rule::ge => BinOp::Ge,
                    Rule::add => BinOp::Add,
                    Rule::sub => BinOp::Sub,
                    Rule::mul => BinOp::Mul,
                    _ => BinOp::Div,
                };
                let span = lhs.span.join(rhs.span);
                Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            })
            .parse(p.into_inner());
        *self = b.into_inner();
        out
    }

    fn primary(&mut self, p: Pair<'_, Rule>) -> Expr {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::number => {
                let t = p.as_str();
                let (digits, percent) = match t.strip_suffix('%') {
                    Some(d) => (d, true),
                    None => (t, false),
                };
                match Decimal::from_str_exact(digits) {
                    Ok(v) => {
                        let value = if percent {
                            let mut f = v / Decimal::ONE_HUNDRED;
                            f.rescale(v.scale() + 2);
                            f
                        } else {
                            v
                        };
                        ExprKind::Num { value, percent }
                    }
                    Err(_) => {
                        self.errors.push(RuleError::new(
                            "rule-syntax",
                            span,
                            self.lang.pick("数字过大", "number too large").to_owned(),
                        ));
                        ExprKind::Num {
                            value: Decimal::ZERO,
                            percent,
                        }
                    }
                }
            }
            Rule::string => ExprKind::Str(unescape(string_body(&p))),
            Rule::boolean => ExprKind::Bool(p.as_str() == "true"),
            Rule::ident => ExprKind::Name(nfkc(p.as_str())),
            Rule::paren => match p.into_inner().next() {
                Some(e) => return self.expr(e),
                None => ExprKind::Bool(false),
            },
            Rule::list if !is_comprehension(&p) => {
                ExprKind::List(p.into_inner().map(|e| self.expr(e)).collect())
            }
            Rule::call => {
                let mut inner = p.into_inner();
                let (name, nspan) = match inner.next() {
                    Some(n) => (nfkc(n.as_str()), self.span(&n)),
                    None => (String::new(), span),
                };
                ExprKind::Call(name, nspan, inner.map(|e| self.expr(e)).collect())
            }
            // `[e for x in xs if c]`: the expression, then the comprehension's tail.
            Rule::list => {
                let mut inner = p
                    .into_inner()
                    .flat_map(|q| match q.as_rule() {
                        Rule::comp_tail => q.into_inner().collect::<Vec<_>>(),
                        _ => vec![q],
                    })
                    .filter(|q| !matches!(q.as_rule(), Rule::kw_for | Rule::kw_in | Rule::kw_if));
                let (Some(e), Some(var), Some(iter)) = (inner.next(), inner.next(), inner.next())
                else {
                    return Expr {
                        kind: ExprKind::List(Vec::new()),
                        span,
                    };
                };
                let var_span = self.span(&var);
                ExprKind::Comp {
                    expr: Box::new(self.expr(e)),
                    var: nfkc(var.as_str()),
                    var_span,
                    iter: Box::new(self.expr(iter)),
                    cond: inner.next().map(|c| Box::new(self.expr(c))),
                }
            }
            _ => ExprKind::Bool(false),
        };
        Expr { kind, span }
    }
}

/// A `list` pair holding a comprehension's tail (`for x in xs`).
fn is_comprehension(p: &Pair<'_, Rule>) -> bool {
    p.clone()
        .into_inner()
        .any(|q| q.as_rule() == Rule::comp_tail)
}

fn string_body<'a>(p: &Pair<'a, Rule>) -> &'a str {
    let s = p.as_str();
    s.get(1..s.len().saturating_sub(1)).unwrap_or("")
}

/// Resolve `\"`, `\\`, `\n`, `\t`; any other backslash stays as written, so
/// regular expressions (`\s`, `\d`) need no doubling.
pub fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o @ ('"' | '\\')) => out.push(o),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Identifiers are compared after NFKC: `指标１` is `指标1`.
fn nfkc(s: &str) -> String {
    if s.is_ascii() {
        s.to_owned()
    } else {
        s.nfkc().collect()
    }
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

/// Parse the `{expr}` of a message template; `offset` is where `src` starts in the file.
pub fn parse_template_expr(src: &str, offset: usize, lang: Lang) -> Result<Expr, RuleError> {
    if let Some(mut e) = check_nesting(src, lang) {
        e.span = Span::new(e.span.start as usize + offset, e.span.end as usize + offset);
        return Err(e);
    }
    match RulesParser::parse(Rule::template_expr, src) {
        Ok(mut pairs) => {
            let mut b = Builder {
                base: offset,
                lang,
                errors: Vec::new(),
            };
            let expr = pairs
                .next()
                .and_then(|t| t.into_inner().next())
                .map(|e| b.expr(e));
            match (expr, b.errors.pop()) {
                (_, Some(err)) => Err(err),
                (Some(e), None) => Ok(e),
                (None, None) => Err(RuleError::new(
                    "rule-template",
                    Span::at(offset),
                    String::new(),
                )),
            }
        }
        Err(e) => {
            let at = error_pos(&e);
            let mut err = syntax_error(src, at, &e, lang);
            err.code = "rule-template";
            err.span = Span::new(
                err.span.start as usize + offset,
                err.span.end as usize + offset,
            );
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(src: &str) -> File {
        let (f, errs) = parse_file(src, Lang::Zh);
        assert!(errs.is_empty(), "{errs:?}");
        f
    }

    fn expr(src: &str) -> Expr {
        parse_template_expr(src, 0, Lang::En).unwrap()
    }

    #[test]
    fn precedence_and_paths() {
        let e = expr("not a.b.* == 1 + 2 * 3 and x in [1, 2]");
        let ExprKind::Binary(BinOp::And, l, r) = e.kind else {
            panic!("{e:?}")
        };
        assert!(matches!(l.kind, ExprKind::Unary(UnOp::Not, _)));
        assert!(matches!(r.kind, ExprKind::Binary(BinOp::In, _, _)));
        let e = expr("indicators.产出指标[dim].*");
        let ExprKind::Star(inner) = e.kind else {
            panic!()
        };
        assert!(matches!(inner.kind, ExprKind::Index(_, _)));
        assert_eq!(
            expr("60%").kind,
            ExprKind::Num {
                value: Decimal::new(60, 2),
                percent: true
            }
        );
        assert!(matches!(
            expr("x not in y").kind,
            ExprKind::Binary(BinOp::NotIn, _, _)
        ));
        assert!(matches!(
            expr("[i.name for i in a.* if i.x > 1]").kind,
            ExprKind::Comp { .. }
        ));
    }

    #[test]
    fn spans_are_bytes_after_chinese() {
        let e = expr("count(产出指标.数量)");
        let ExprKind::Call(name, nspan, args) = e.kind else {
            panic!()
        };
        assert_eq!(name, "count");
        assert_eq!(nspan, Span::new(0, 5));
        assert_eq!(args[0].span, Span::new(6, 6 + "产出指标.数量".len()));
    }

    #[test]
    fn spec_examples_parse() {
        let f = parse_ok(
            r#"// 注释
ruleset "承德市市级部门预算项目绩效规则" {
  basis "承德市市级部门预算项目绩效自评管理办法"
}
param min_level3 = 6
param low_execution = 60%
rule JX101 "三级指标数量不低于六个" {
  severity error
  applies target, self-evaluation
  assert count(indicators.*.*.*) >= min_level3
  message "只有 {count(indicators.*.*.*)} 个三级指标，至少需要 {min_level3} 个"
  at indicators
  help "把产出、效益、满意度目标细化为可衡量的三级指标。"
}
rule JX102 "产出指标须细化为数量、质量、时效、成本指标" {
  severity error
  when profile == "legacy"
  for dim in ["数量指标", "质量指标", "时效指标", "成本指标"] {
    assert count(indicators.产出指标[dim].*) >= 1
    message "产出指标缺少“{dim}”" en "output lacks {dim}"
    at indicators.产出指标
  }
}
"#,
        );
        assert_eq!(f.params.len(), 2);
        assert_eq!(f.rules.len(), 2);
        assert_eq!(f.rules[0].body.len(), 6);
        let Clause::For { body, .. } = &f.rules[1].body[2] else {
            panic!()
        };
        let Clause::Message(t) = &body[1] else {
            panic!()
        };
        assert_eq!(t.en.as_ref().unwrap().0, "output lacks {dim}");
    }

    #[test]
    fn errors_point_at_the_byte_and_hint_full_width() {
        let src = "rule JX1 \"标题\" {\n  assert count（indicators) >= 1\n}\nrule JX2 \"t\" {\n  assert 1 +\n}\n";
        let (f, errs) = parse_file(src, Lang::Zh);
        assert_eq!(errs.len(), 2, "{errs:?}");
        let at = src.find('（').unwrap();
        assert_eq!(errs[0].span.start as usize, at);
        assert!(errs[0].help.as_deref().unwrap().contains("（ → ("));
        assert!(f.rules.is_empty());
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let src = format!("param x = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
        let (_, errs) = parse_file(&src, Lang::En);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].span.start as usize, MAX_NESTING + 10);
    }
}
