//! A compact binary form of parsed rule files ([`ast::File`]), so the default
//! rules are parsed once, at build time (`build.rs` includes this module and
//! the parser), and the binary loads them at start without pest. Both
//! directions live here so they cannot drift; unit tests check the round trip.
//!
//! Format: a magic tag and version; a table of every distinct string (UTF-8,
//! checked once when loading); then the file count and each file. Numbers are
//! LEB128 varints, a string is its offset and length in the table, a decimal
//! its 16-byte serialisation. Decoding checks every length, offset and tag: a
//! damaged blob is an error, never a panic.

use super::ast::{BinOp, Clause, Expr, ExprKind, File, Param, Part, Rule, Text, UnOp};
use crate::source::Span;
use rust_decimal::Decimal;

const MAGIC: &[u8; 4] = b"JXR\x04";

/// Encode parsed rule files.
pub fn encode(files: &[File]) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64 * 1024), Strings::default());
    w.uint(files.len());
    for f in files {
        w.file(f);
    }
    let Writer(body, strings) = w;
    let mut head = Writer(
        Vec::with_capacity(body.len() + strings.text.len() + 16),
        Strings::default(),
    );
    head.0.extend_from_slice(MAGIC);
    head.uint(strings.text.len());
    head.0.extend_from_slice(strings.text.as_bytes());
    head.0.extend_from_slice(&body);
    head.0
}

/// Decode what [`encode`] wrote; `None` when the bytes are not such a blob.
pub fn decode(bytes: &[u8]) -> Option<Vec<File>> {
    let mut r = Reader {
        b: bytes,
        pos: 0,
        strs: "",
    };
    if r.take(4)? != MAGIC {
        return None;
    }
    let n = r.len()?;
    r.strs = std::str::from_utf8(r.take(n)?).ok()?;
    let n = r.len()?;
    let mut files = Vec::with_capacity(n);
    for _ in 0..n {
        files.push(r.file()?);
    }
    (r.pos == bytes.len()).then_some(files)
}

/// The string table being written: each distinct string once.
#[derive(Default)]
struct Strings {
    text: String,
    at: std::collections::HashMap<String, usize>,
}

struct Writer(Vec<u8>, Strings);

impl Writer {
    fn uint(&mut self, mut v: usize) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }
    fn bool(&mut self, b: bool) {
        self.0.push(u8::from(b));
    }
    fn str(&mut self, s: &str) {
        let table = &mut self.1;
        let at = match table.at.get(s) {
            Some(at) => *at,
            None => {
                let at = table.text.len();
                table.text.push_str(s);
                table.at.insert(s.to_owned(), at);
                at
            }
        };
        self.uint(at);
        self.uint(s.len());
    }
    fn span(&mut self, s: Span) {
        self.uint(s.start as usize);
        self.uint(s.end.saturating_sub(s.start) as usize);
    }
    fn name(&mut self, (s, span): &(String, Span)) {
        self.str(s);
        self.span(*span);
    }
    fn file(&mut self, f: &File) {
        match &f.ruleset {
            None => self.bool(false),
            Some((title, basis)) => {
                self.bool(true);
                self.text(title);
                self.uint(basis.len());
                basis.iter().for_each(|b| self.name(b));
            }
        }
        self.uint(f.params.len());
        for p in &f.params {
            self.str(&p.name);
            self.span(p.name_span);
            self.expr(&p.value);
        }
        self.uint(f.rules.len());
        for r in &f.rules {
            self.str(&r.code);
            self.span(r.code_span);
            self.text(&r.title);
            self.span(r.span);
            self.clauses(&r.body);
        }
    }
    fn parts(&mut self, parts: &[Part]) {
        self.uint(parts.len());
        for p in parts {
            match p {
                Part::Lit(s) => {
                    self.0.push(0);
                    self.str(s);
                }
                Part::Expr(e) => {
                    self.0.push(1);
                    self.expr(e);
                }
            }
        }
    }
    fn text(&mut self, t: &Text) {
        self.str(&t.zh);
        self.span(t.zh_span);
        match &t.en {
            None => self.bool(false),
            Some(en) => {
                self.bool(true);
                self.name(en);
            }
        }
        self.parts(&t.parts);
        self.parts(&t.en_parts);
    }
    fn clauses(&mut self, cs: &[Clause]) {
        self.uint(cs.len());
        for c in cs {
            self.clause(c);
        }
    }
    fn clause(&mut self, c: &Clause) {
        match c {
            Clause::Severity(s, span) => {
                self.0.push(0);
                self.name(&(s.clone(), *span));
            }
            Clause::Applies(kinds) => {
                self.0.push(1);
                self.uint(kinds.len());
                kinds.iter().for_each(|k| self.name(k));
            }
            Clause::Let(n, span, e) => {
                self.0.push(2);
                self.name(&(n.clone(), *span));
                self.expr(e);
            }
            Clause::When(e) => {
                self.0.push(3);
                self.expr(e);
            }
            Clause::Assert(e) => {
                self.0.push(4);
                self.expr(e);
            }
            Clause::Message(t) => {
                self.0.push(5);
                self.text(t);
            }
            Clause::At(e, t) => {
                self.0.push(6);
                self.expr(e);
                match t {
                    None => self.bool(false),
                    Some(t) => {
                        self.bool(true);
                        self.text(t);
                    }
                }
            }
            Clause::Help(t) => {
                self.0.push(7);
                self.text(t);
            }
            Clause::Basis(s, span) => {
                self.0.push(8);
                self.name(&(s.clone(), *span));
            }
            Clause::Label(e, t) => {
                self.0.push(9);
                self.expr(e);
                match t {
                    None => self.bool(false),
                    Some(t) => {
                        self.bool(true);
                        self.text(t);
                    }
                }
            }
            Clause::For {
                var,
                var_span,
                iter,
                body,
            } => {
                self.0.push(10);
                self.name(&(var.clone(), *var_span));
                self.expr(iter);
                self.clauses(body);
            }
            Clause::Fix {
                unsafe_,
                path,
                value,
                span,
            } => {
                self.0.push(11);
                self.bool(*unsafe_);
                self.expr(path);
                self.expr(value);
                self.span(*span);
            }
        }
    }
    fn exprs(&mut self, es: &[Expr]) {
        self.uint(es.len());
        es.iter().for_each(|e| self.expr(e));
    }
    fn expr(&mut self, e: &Expr) {
        self.span(e.span);
        match &e.kind {
            ExprKind::Num { value, percent } => {
                self.0.push(0);
                self.0.extend_from_slice(&value.serialize());
                self.bool(*percent);
            }
            ExprKind::Str(s) => {
                self.0.push(1);
                self.str(s);
            }
            ExprKind::Bool(b) => {
                self.0.push(2);
                self.bool(*b);
            }
            ExprKind::List(items) => {
                self.0.push(3);
                self.exprs(items);
            }
            ExprKind::Comp {
                expr,
                var,
                var_span,
                iter,
                cond,
            } => {
                self.0.push(4);
                self.expr(expr);
                self.name(&(var.clone(), *var_span));
                self.expr(iter);
                match cond {
                    None => self.bool(false),
                    Some(c) => {
                        self.bool(true);
                        self.expr(c);
                    }
                }
            }
            ExprKind::Name(n) => {
                self.0.push(5);
                self.str(n);
            }
            ExprKind::Field(b, n, span) => {
                self.0.push(6);
                self.expr(b);
                self.name(&(n.clone(), *span));
            }
            ExprKind::Star(b) => {
                self.0.push(7);
                self.expr(b);
            }
            ExprKind::Index(b, i) => {
                self.0.push(8);
                self.expr(b);
                self.expr(i);
            }
            ExprKind::Call(n, span, args) => {
                self.0.push(9);
                self.name(&(n.clone(), *span));
                self.exprs(args);
            }
            ExprKind::Unary(op, x) => {
                self.0.push(10);
                self.0.push(match op {
                    UnOp::Not => 0,
                    UnOp::Neg => 1,
                });
                self.expr(x);
            }
            ExprKind::Binary(op, l, r) => {
                self.0.push(11);
                self.0
                    .push(BINOPS.iter().position(|o| o == op).unwrap_or(0) as u8);
                self.expr(l);
                self.expr(r);
            }
        }
    }
}

const BINOPS: [BinOp; 14] = [
    BinOp::Or,
    BinOp::And,
    BinOp::In,
    BinOp::NotIn,
    BinOp::Eq,
    BinOp::Ne,
    BinOp::Lt,
    BinOp::Le,
    BinOp::Gt,
    BinOp::Ge,
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::Div,
];

/// Deepest expression the decoder follows (the parser refuses deeper ones).
const MAX_DEPTH: usize = 512;

struct Reader<'b> {
    b: &'b [u8],
    pos: usize,
    /// The string table.
    strs: &'b str,
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|s| s[0])
    }
    fn uint(&mut self) -> Option<usize> {
        let mut v: usize = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    /// A count of items still to read: never more than the bytes left.
    fn len(&mut self) -> Option<usize> {
        self.uint().filter(|n| *n <= self.b.len() - self.pos)
    }
    fn bool(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn str(&mut self) -> Option<String> {
        let at = self.uint()?;
        let n = self.uint()?;
        self.strs.get(at..at.checked_add(n)?).map(str::to_owned)
    }
    fn span(&mut self) -> Option<Span> {
        let start = self.uint()?;
        let len = self.uint()?;
        let end = start.checked_add(len)?;
        (end <= u32::MAX as usize).then(|| Span::new(start, end))
    }
    fn name(&mut self) -> Option<(String, Span)> {
        Some((self.str()?, self.span()?))
    }
    fn file(&mut self) -> Option<File> {
        let ruleset = if self.bool()? {
            let title = self.text()?;
            let n = self.len()?;
            let basis = (0..n).map(|_| self.name()).collect::<Option<Vec<_>>>()?;
            Some((title, basis))
        } else {
            None
        };
        let n = self.len()?;
        let mut params = Vec::with_capacity(n);
        for _ in 0..n {
            params.push(Param {
                name: self.str()?,
                name_span: self.span()?,
                value: self.expr(0)?,
            });
        }
        let n = self.len()?;
        let mut rules = Vec::with_capacity(n);
        for _ in 0..n {
            rules.push(Rule {
                code: self.str()?,
                code_span: self.span()?,
                title: self.text()?,
                span: self.span()?,
                body: self.clauses(0)?,
            });
        }
        Some(File {
            ruleset,
            params,
            rules,
        })
    }
    fn parts(&mut self) -> Option<Vec<Part>> {
        let n = self.len()?;
        (0..n)
            .map(|_| match self.byte()? {
                0 => Some(Part::Lit(self.str()?)),
                1 => Some(Part::Expr(self.expr(0)?)),
                _ => None,
            })
            .collect()
    }
    fn text(&mut self) -> Option<Text> {
        let zh = self.str()?;
        let zh_span = self.span()?;
        let en = if self.bool()? {
            Some(self.name()?)
        } else {
            None
        };
        Some(Text {
            zh,
            zh_span,
            en,
            parts: self.parts()?,
            en_parts: self.parts()?,
        })
    }
    fn clauses(&mut self, depth: usize) -> Option<Vec<Clause>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let n = self.len()?;
        (0..n).map(|_| self.clause(depth)).collect()
    }
    fn clause(&mut self, depth: usize) -> Option<Clause> {
        Some(match self.byte()? {
            0 => {
                let (s, span) = self.name()?;
                Clause::Severity(s, span)
            }
            1 => {
                let n = self.len()?;
                Clause::Applies((0..n).map(|_| self.name()).collect::<Option<_>>()?)
            }
            2 => {
                let (n, span) = self.name()?;
                Clause::Let(n, span, self.expr(0)?)
            }
            3 => Clause::When(self.expr(0)?),
            4 => Clause::Assert(self.expr(0)?),
            5 => Clause::Message(self.text()?),
            6 => {
                let e = self.expr(0)?;
                let t = if self.bool()? {
                    Some(self.text()?)
                } else {
                    None
                };
                Clause::At(e, t)
            }
            7 => Clause::Help(self.text()?),
            8 => {
                let (s, span) = self.name()?;
                Clause::Basis(s, span)
            }
            9 => {
                let e = self.expr(0)?;
                let t = if self.bool()? {
                    Some(self.text()?)
                } else {
                    None
                };
                Clause::Label(e, t)
            }
            10 => {
                let (var, var_span) = self.name()?;
                let iter = self.expr(0)?;
                Clause::For {
                    var,
                    var_span,
                    iter,
                    body: self.clauses(depth + 1)?,
                }
            }
            11 => Clause::Fix {
                unsafe_: self.bool()?,
                path: self.expr(0)?,
                value: self.expr(0)?,
                span: self.span()?,
            },
            _ => return None,
        })
    }
    fn exprs(&mut self, depth: usize) -> Option<Vec<Expr>> {
        let n = self.len()?;
        (0..n).map(|_| self.expr(depth)).collect()
    }
    fn boxed(&mut self, depth: usize) -> Option<Box<Expr>> {
        self.expr(depth).map(Box::new)
    }
    fn expr(&mut self, depth: usize) -> Option<Expr> {
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        let span = self.span()?;
        let kind = match self.byte()? {
            0 => {
                let bytes: [u8; 16] = self.take(16)?.try_into().ok()?;
                ExprKind::Num {
                    value: Decimal::deserialize(bytes),
                    percent: self.bool()?,
                }
            }
            1 => ExprKind::Str(self.str()?),
            2 => ExprKind::Bool(self.bool()?),
            3 => ExprKind::List(self.exprs(d)?),
            4 => {
                let expr = self.boxed(d)?;
                let (var, var_span) = self.name()?;
                let iter = self.boxed(d)?;
                let cond = if self.bool()? {
                    Some(self.boxed(d)?)
                } else {
                    None
                };
                ExprKind::Comp {
                    expr,
                    var,
                    var_span,
                    iter,
                    cond,
                }
            }
            5 => ExprKind::Name(self.str()?),
            6 => {
                let b = self.boxed(d)?;
                let (n, nspan) = self.name()?;
                ExprKind::Field(b, n, nspan)
            }
            7 => ExprKind::Star(self.boxed(d)?),
            8 => {
                let b = self.boxed(d)?;
                ExprKind::Index(b, self.boxed(d)?)
            }
            9 => {
                let (n, nspan) = self.name()?;
                ExprKind::Call(n, nspan, self.exprs(d)?)
            }
            10 => {
                let op = match self.byte()? {
                    0 => UnOp::Not,
                    1 => UnOp::Neg,
                    _ => return None,
                };
                ExprKind::Unary(op, self.boxed(d)?)
            }
            11 => {
                let op = *BINOPS.get(usize::from(self.byte()?))?;
                let l = self.boxed(d)?;
                ExprKind::Binary(op, l, self.boxed(d)?)
            }
            _ => return None,
        };
        Some(Expr { kind, span })
    }
}
