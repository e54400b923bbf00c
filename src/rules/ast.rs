//! The rule language's syntax tree, as parsed: every node keeps its byte span
//! in the rule file so static checks can point at it.

use crate::source::Span;
use rust_decimal::Decimal;

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    In,
    NotIn,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number; `percent` when written `90%` (the value is then 0.9).
    Num {
        value: Decimal,
        percent: bool,
    },
    Str(String),
    Bool(bool),
    List(Vec<Expr>),
    /// `[expr for name in iter if cond]`
    Comp {
        expr: Box<Expr>,
        var: String,
        var_span: Span,
        iter: Box<Expr>,
        cond: Option<Box<Expr>>,
    },
    Name(String),
    /// `base.name`
    Field(Box<Expr>, String, Span),
    /// `base.*`
    Star(Box<Expr>),
    /// `base[index]`
    Index(Box<Expr>, Box<Expr>),
    Call(String, Span, Vec<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

/// A string that may be given in English too: `"中文" en "English"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    pub zh: String,
    pub zh_span: Span,
    pub en: Option<(String, Span)>,
    /// For a template (message, help, label): the Chinese text split into
    /// literal text and `{expr}`s, parsed with the file; empty otherwise.
    pub parts: Vec<Part>,
    /// The same for the English text.
    pub en_parts: Vec<Part>,
}

/// A piece of a message template.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Lit(String),
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    Severity(String, Span),
    Applies(Vec<(String, Span)>),
    Let(String, Span, Expr),
    When(Expr),
    Assert(Expr),
    Message(Text),
    /// `at PATH "label" en "label"`: the primary span, with the text
    /// drawn under it (a template) when given.
    At(Expr, Option<Text>),
    Help(Text),
    Basis(String, Span),
    Label(Expr, Option<Text>),
    /// `fix PATH = EXPR` (or `fix unsafe …`) after an assert: what the
    /// scalar at PATH should be when the assert fails.
    Fix {
        unsafe_: bool,
        path: Expr,
        value: Expr,
        span: Span,
    },
    For {
        var: String,
        var_span: Span,
        iter: Expr,
        body: Vec<Clause>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub code: String,
    pub code_span: Span,
    /// A template whose `{…}`s name params: rendered with their values when compiled.
    pub title: Text,
    /// The whole `rule … { … }` text, for `jixiao explain`.
    pub span: Span,
    pub body: Vec<Clause>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub name_span: Span,
    pub value: Expr,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    pub ruleset: Option<(Text, Vec<(String, Span)>)>,
    pub params: Vec<Param>,
    pub rules: Vec<Rule>,
}
