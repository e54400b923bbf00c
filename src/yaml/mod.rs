//! Spanned YAML: saphyr-parser's event stream folded into a small tree where every
//! key, scalar, mapping and sequence carries its byte span, with limits on depth,
//! node count and alias expansion. Types are not guessed here: a scalar stays text
//! (with its style), and the model (`load`) decides what each field means.

mod fast;

use crate::source::{CharToByte, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::borrow::Cow;

/// Limits that keep hostile input bounded. Every limit hit is a diagnostic.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Nodes in the tree, counting every alias expansion.
    pub max_nodes: usize,
    /// Nodes copied by alias expansion (`*a`), in all: an alias bomb stops
    /// here long before it reaches `max_nodes`.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_nodes: 2_000_000,
            max_alias_nodes: 100_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Yaml<'a> {
    Scalar {
        text: Cow<'a, str>,
        /// Plain scalars can be null; quoted and block scalars are always text.
        plain: bool,
    },
    Map(Vec<(Node<'a>, Node<'a>)>),
    Seq(Vec<Node<'a>>),
}

/// A YAML node and its byte span. A collection's span runs from its first
/// character (or first child) to the end of its last child.
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'a> {
    pub span: Span,
    pub yaml: Yaml<'a>,
}

impl<'a> Node<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match &self.yaml {
            Yaml::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
    /// A plain empty scalar or `~`/`null`: YAML's null.
    pub fn is_null(&self) -> bool {
        matches!(&self.yaml, Yaml::Scalar { text, plain: true }
            if matches!(&**text, "" | "~" | "null" | "Null" | "NULL"))
    }
    pub fn type_name(&self) -> &'static str {
        match &self.yaml {
            Yaml::Scalar { .. } if self.is_null() => "null",
            Yaml::Scalar { .. } => "scalar",
            Yaml::Map(_) => "mapping",
            Yaml::Seq(_) => "sequence",
        }
    }
}

/// Why the text is not a usable YAML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The scanner's or parser's own complaint.
    Syntax(String),
    TooDeep(usize),
    TooManyNodes(usize),
    /// Alias expansion would copy more than this many nodes.
    TooManyAliasNodes(usize),
    /// An alias to an anchor that is not defined (or still open).
    UnknownAlias,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub span: Span,
    pub kind: ErrorKind,
}

/// What parsing found besides the first document.
#[derive(Debug, Default)]
pub struct Parsed<'a> {
    /// The first document's root; `None` for an empty stream.
    pub root: Option<Node<'a>>,
    /// A fatal error; `root` then holds nothing.
    pub error: Option<Error>,
    /// Spans of further documents (`---` after the first), which are ignored.
    pub extra_documents: Vec<Span>,
}

enum Frame<'a> {
    Map {
        start: usize,
        flow: bool,
        anchor: usize,
        entries: Vec<(Node<'a>, Node<'a>)>,
        key: Option<Node<'a>>,
    },
    Seq {
        start: usize,
        flow: bool,
        anchor: usize,
        items: Vec<Node<'a>>,
    },
}

/// Parse the first YAML document of `text` into a spanned tree: the common
/// subset by [`fast`], the rest by saphyr-parser ([`parse_events`]).
pub fn parse(text: &str, limits: Limits) -> Parsed<'_> {
    match fast::parse(text, limits) {
        Some(root) => Parsed {
            root: Some(root),
            ..Parsed::default()
        },
        None => parse_events(text, limits),
    }
}

/// [`parse`] by saphyr-parser's event stream, for any YAML.
pub fn parse_events(text: &str, limits: Limits) -> Parsed<'_> {
    let mut out = Parsed::default();
    let mut parser = Parser::new_from_str(text);
    let mut pos = CharToByte::new(text);
    let mut stack: Vec<Frame<'_>> = Vec::new();
    // anchor id → (node, its node count); ids are dense from 1.
    let mut anchors: Vec<Option<(Node<'_>, usize)>> = Vec::new();
    let mut nodes = 0usize;
    let mut alias_nodes = 0usize;
    let mut documents = 0usize;
    let bytes = text.as_bytes();

    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let at = pos.byte(e.marker().index());
                out.error = Some(Error {
                    span: char_span(text, at),
                    kind: ErrorKind::Syntax(e.info().to_owned()),
                });
                out.root = None;
                return out;
            }
        };
        let start = pos.byte(span.start.index());
        let end = pos.byte(span.end.index());
        let finished: Option<(Node<'_>, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    out.extra_documents
                        .push(Span::new(start, end.max(start + 3).min(text.len())));
                    // Only the first document is read.
                    break;
                }
                None
            }
            Event::Scalar(value, style, anchor, tag) => {
                nodes += 1;
                let quoted_tag = tag
                    .as_ref()
                    .is_some_and(|t| t.suffix == "str" || t.suffix.ends_with(":str"));
                let plain = style == ScalarStyle::Plain && !quoted_tag;
                let end = trim_end(bytes, start, end);
                Some((
                    Node {
                        span: Span::new(start, end),
                        yaml: Yaml::Scalar { text: value, plain },
                    },
                    anchor,
                ))
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                nodes += 1;
                if stack.len() >= limits.max_depth {
                    out.error = Some(Error {
                        span: char_span(text, start),
                        kind: ErrorKind::TooDeep(limits.max_depth),
                    });
                    return out;
                }
                let flow = matches!(bytes.get(skip_props(bytes, start)), Some(b'{' | b'['));
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Map {
                        start,
                        flow,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    }
                } else {
                    Frame::Seq {
                        start,
                        flow,
                        anchor,
                        items: Vec::new(),
                    }
                });
                None
            }
            Event::MappingEnd | Event::SequenceEnd => match stack.pop() {
                Some(Frame::Map {
                    start: s,
                    flow,
                    anchor,
                    entries,
                    key,
                }) => {
                    let mut e = entries.last().map_or(s, |(_, v)| v.span.end as usize);
                    if let Some(k) = &key {
                        e = e.max(k.span.end as usize);
                    }
                    if flow {
                        e = e.max(end);
                    }
                    let mut entries = entries;
                    if let Some(k) = key {
                        // A key with no value event cannot happen in a well-formed
                        // stream; keep it with a null value rather than lose it.
                        let at = k.span.end as usize;
                        entries.push((k, null_at(at)));
                    }
                    Some((
                        Node {
                            span: Span::new(s, e),
                            yaml: Yaml::Map(entries),
                        },
                        anchor,
                    ))
                }
                Some(Frame::Seq {
                    start: s,
                    flow,
                    anchor,
                    items,
                }) => {
                    let mut e = items.last().map_or(s, |n| n.span.end as usize);
                    if flow {
                        e = e.max(end);
                    }
                    Some((
                        Node {
                            span: Span::new(s, e),
                            yaml: Yaml::Seq(items),
                        },
                        anchor,
                    ))
                }
                None => None,
            },
            Event::Alias(id) => match anchors.get(id).and_then(|a| a.as_ref()) {
                Some((node, count)) => {
                    nodes = nodes.saturating_add(*count);
                    alias_nodes = alias_nodes.saturating_add(*count);
                    if alias_nodes > limits.max_alias_nodes {
                        out.error = Some(Error {
                            span: Span::new(start, end),
                            kind: ErrorKind::TooManyAliasNodes(limits.max_alias_nodes),
                        });
                        return out;
                    }
                    if nodes > limits.max_nodes {
                        out.error = Some(Error {
                            span: Span::new(start, end),
                            kind: ErrorKind::TooManyNodes(limits.max_nodes),
                        });
                        return out;
                    }
                    // The copy points at the alias, where the reader sees it.
                    let mut copy = node.clone();
                    respan(&mut copy, Span::new(start, end));
                    Some((copy, 0))
                }
                None => {
                    out.error = Some(Error {
                        span: Span::new(start, end),
                        kind: ErrorKind::UnknownAlias,
                    });
                    return out;
                }
            },
        };
        if nodes > limits.max_nodes {
            out.error = Some(Error {
                span: Span::new(start, end),
                kind: ErrorKind::TooManyNodes(limits.max_nodes),
            });
            return out;
        }
        let Some((node, anchor)) = finished else {
            continue;
        };
        if anchor > 0 {
            if anchors.len() <= anchor {
                anchors.resize(anchor + 1, None);
            }
            anchors[anchor] = Some((node.clone(), count_nodes(&node)));
        }
        match stack.last_mut() {
            None => {
                if out.root.is_none() {
                    out.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
    out
}

fn null_at(at: usize) -> Node<'static> {
    Node {
        span: Span::at(at),
        yaml: Yaml::Scalar {
            text: Cow::Borrowed(""),
            plain: true,
        },
    }
}

fn count_nodes(n: &Node<'_>) -> usize {
    match &n.yaml {
        Yaml::Scalar { .. } => 1,
        Yaml::Map(es) => {
            1 + es
                .iter()
                .map(|(k, v)| count_nodes(k) + count_nodes(v))
                .sum::<usize>()
        }
        Yaml::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
    }
}

fn respan(n: &mut Node<'_>, span: Span) {
    n.span = span;
    match &mut n.yaml {
        Yaml::Scalar { .. } => {}
        Yaml::Map(es) => {
            for (k, v) in es {
                respan(k, span);
                respan(v, span);
            }
        }
        Yaml::Seq(items) => items.iter_mut().for_each(|i| respan(i, span)),
    }
}

/// Skip an anchor (`&a `) or tag (`!t `) before a collection's first character.
fn skip_props(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] == b'&' || b[i] == b'!') {
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
    }
    i
}

/// Block scalars' spans run into the following indentation: trim it.
fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    end = end.min(b.len());
    while end > start && matches!(b[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
        end -= 1;
    }
    end
}

/// The span of one character at `at` (empty at the end of the text).
fn char_span(text: &str, at: usize) -> Span {
    let at = at.min(text.len());
    let len = text[at..].chars().next().map_or(0, char::len_utf8);
    Span::new(at, at + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice<'t>(text: &'t str, n: &Node<'_>) -> &'t str {
        &text[n.span.range()]
    }

    fn map<'n, 'a>(n: &'n Node<'a>) -> &'n [(Node<'a>, Node<'a>)] {
        match &n.yaml {
            Yaml::Map(es) => es,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn spans_are_bytes_with_bom_crlf_and_chinese() {
        let text = "\u{FEFF}kind: 绩效自评\r\n项目:\r\n  名称: \"居家 养老\"\r\n  list:\r\n    - { a: 1 }\r\n    - b: 二\r\n      c: 三\r\n";
        let p = parse(text, Limits::default());
        assert!(p.error.is_none(), "{:?}", p.error);
        let root = p.root.unwrap();
        let es = map(&root);
        assert_eq!(slice(text, &es[0].0), "kind");
        assert_eq!(es[0].0.span, Span::new(3, 7));
        assert_eq!(slice(text, &es[0].1), "绩效自评");
        assert_eq!(slice(text, &es[1].0), "项目");
        let proj = map(&es[1].1);
        assert_eq!(slice(text, &proj[0].1), "\"居家 养老\"");
        assert_eq!(proj[0].1.as_str(), Some("居家 养老"));
        let list = &proj[1].1;
        assert_eq!(
            slice(text, list),
            "- { a: 1 }\r\n    - b: 二\r\n      c: 三"
        );
        let Yaml::Seq(items) = &list.yaml else {
            panic!()
        };
        assert_eq!(slice(text, &items[0]), "{ a: 1 }");
        assert_eq!(slice(text, &items[1]), "b: 二\r\n      c: 三");
        // the root mapping reaches its last child
        assert_eq!(root.span.end as usize, text.trim_end().len());
    }

    #[test]
    fn limits_and_aliases() {
        let deep = "[".repeat(100) + &"]".repeat(100);
        let p = parse(&deep, Limits::default());
        assert!(matches!(p.error.unwrap().kind, ErrorKind::TooDeep(64)));
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        let p = parse(bomb, Limits::default());
        assert!(matches!(
            p.error.unwrap().kind,
            ErrorKind::TooManyAliasNodes(100_000)
        ));
        let roomy = Limits {
            max_alias_nodes: usize::MAX,
            ..Limits::default()
        };
        let p = parse(bomb, roomy);
        assert!(matches!(p.error.unwrap().kind, ErrorKind::TooManyNodes(_)));
        let ok = parse("a: &x 1\nb: *x\n", Limits::default());
        let root = ok.root.unwrap();
        assert_eq!(map(&root)[1].1.as_str(), Some("1"));
        assert_eq!(map(&root)[1].1.span, Span::new(11, 13));
    }

    #[test]
    fn syntax_error_points_at_the_fault_in_bytes() {
        let text = "名称: 居家养老\n预算: [1, 2\n";
        let p = parse(text, Limits::default());
        let e = p.error.unwrap();
        assert!(matches!(e.kind, ErrorKind::Syntax(_)));
        assert!(text.is_char_boundary(e.span.start as usize));
    }

    #[test]
    fn extra_documents_are_reported() {
        let p = parse("a: 1\n---\nb: 2\n", Limits::default());
        assert_eq!(p.extra_documents, vec![Span::new(5, 8)]);
        assert!(p.root.is_some());
    }
}
