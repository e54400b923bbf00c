//! The fast path of [`super::parse`]: the YAML declarations are written in
//! (block mappings and sequences indented with spaces, one-line flow
//! collections, plain and simply quoted one-line scalars, comments) read
//! straight from the bytes into the same spanned tree, a few times faster
//! than saphyr-parser's event stream. Anything else — tabs, CR without LF,
//! anchors, tags, block scalars, multi-line or escaped scalars, document
//! markers, an error, a limit reached, a place where saphyr-parser's spans
//! have a quirk — is declined (`None`), and the caller reads the text with
//! saphyr-parser as before. So the tree, its spans and every error message
//! are saphyr-parser's: the tests compare both paths on every YAML text of
//! the repository and variants of them and on generated documents, and the
//! `yaml` fuzz target on any input.

use super::{Limits, Node, Yaml};
use crate::source::Span;
use std::borrow::Cow;

/// Nesting this reader takes at most (it recurses; saphyr-parser does not).
const MAX_DEPTH: usize = 128;

/// The first document of `text` as a tree, if all of it is in the subset.
pub(super) fn parse(text: &str, limits: Limits) -> Option<Node<'_>> {
    let b = text.as_bytes();
    let start = if b.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    if !plain_bytes(&b[start..]) {
        return None;
    }
    let mut p = Reader {
        b,
        text,
        nodes: 0,
        limits,
    };
    let first = p.content_line(start)?;
    if first.indent != 0 || p.doc_marker(first) {
        return None;
    }
    let (root, next) = p.block_map(0, first.content, 0)?;
    // Nothing may follow the root mapping.
    next.is_none().then_some(root)
}

/// No byte the subset leaves to saphyr-parser: control characters (tab and
/// a CR not before LF included), DEL, a BOM past the start, U+FFFE/U+FFFF,
/// C1 controls, U+2028/U+2029.
fn plain_bytes(b: &[u8]) -> bool {
    // The bytes that start one of these (or LF, CR): looked up, not compared.
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        let mut c = 0;
        while c < 0x20 {
            t[c] = true;
            c += 1;
        }
        t[0x7F] = true;
        t[0xC2] = true;
        t[0xE2] = true;
        t[0xEF] = true;
        t
    };
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| SPECIAL[c as usize]) {
        i += off;
        let ok = match b[i] {
            b'\n' => true,
            b'\r' => b.get(i + 1) == Some(&b'\n'),
            0xC2 => !matches!(b.get(i + 1), Some(0x80..=0x9F)),
            0xE2 => !(b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9))),
            0xEF => !matches!(
                (b.get(i + 1), b.get(i + 2)),
                (Some(0xBB), Some(0xBF)) | (Some(0xBF), Some(0xBE | 0xBF))
            ),
            _ => false,
        };
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

/// A line with content (not blank, not only a comment).
#[derive(Clone, Copy)]
struct Line {
    /// Spaces before the content.
    indent: usize,
    /// Where the content starts.
    content: usize,
}

struct Reader<'a> {
    b: &'a [u8],
    text: &'a str,
    nodes: usize,
    limits: Limits,
}

/// What reading a node yields: the node, and the next content line after it
/// (`None` at the end of the text).
type Read<'a> = Option<(Node<'a>, Option<Line>)>;

impl<'a> Reader<'a> {
    /// Nesting past the limit (or past what this recursive reader takes on
    /// a thread's stack): left to saphyr-parser, which reports it.
    fn too_deep(&self, depth: usize) -> bool {
        depth >= self.limits.max_depth.min(MAX_DEPTH)
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= self.limits.max_nodes).then_some(())
    }

    /// Where the line holding `from` ends: its `\n`, or the `\r` of `\r\n`.
    fn line_end(&self, from: usize) -> usize {
        let end = self.b[from..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.b.len(), |i| from + i);
        if end > from && self.b[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }

    /// The first content line at or after the line starting at `from`;
    /// `None` at the end. (Its callers decline a document marker, `---` or
    /// `...`, with [`Reader::doc_marker`]; a `%` line is no key.)
    fn content_line(&self, mut from: usize) -> Option<Line> {
        while from < self.b.len() {
            let mut i = from;
            while i < self.b.len() && self.b[i] == b' ' {
                i += 1;
            }
            match self.b.get(i) {
                None => return None,
                Some(b'\n') => from = i + 1,
                Some(b'\r') => from = i + 2,
                Some(b'#') => from = self.line_end(i) + 1,
                Some(_) => {
                    return Some(Line {
                        indent: i - from,
                        content: i,
                    });
                }
            }
        }
        None
    }

    /// The next content line after position `at` (on a later line).
    fn next_line(&self, at: usize) -> Option<Line> {
        let end = self.line_end(at);
        if end >= self.b.len() {
            return None;
        }
        self.content_line(end + 1)
    }

    fn scalar(&mut self, start: usize, end: usize, plain: bool, text: &'a str) -> Option<Node<'a>> {
        self.count()?;
        Some(Node {
            span: Span::new(start, end),
            yaml: Yaml::Scalar {
                text: Cow::Borrowed(text),
                plain,
            },
        })
    }

    /// A block mapping whose first key starts at `first` (column `indent`),
    /// at nesting `depth`.
    fn block_map(&mut self, indent: usize, first: usize, depth: usize) -> Read<'a> {
        if self.too_deep(depth) {
            return None;
        }
        self.count()?;
        let mut entries = Vec::new();
        let mut at = first;
        loop {
            let (key, colon) = self.key(at)?;
            let (value, next) = self.map_value(indent, colon, depth)?;
            entries.push((key, value));
            match next {
                Some(l) if l.indent == indent => {
                    if is_entry(self.b, l.content) || self.doc_marker(l) {
                        return None;
                    }
                    at = l.content;
                }
                Some(l) if l.indent > indent => return None,
                _ => {
                    let end = entries.last().map_or(first, |(_, v)| v.span.end as usize);
                    let node = Node {
                        span: Span::new(first, end),
                        yaml: Yaml::Map(entries),
                    };
                    return Some((node, next));
                }
            }
        }
    }

    fn doc_marker(&self, l: Line) -> bool {
        l.indent == 0
            && (self.b[l.content..].starts_with(b"---") || self.b[l.content..].starts_with(b"..."))
    }

    /// A plain key at `at`, up to its `:` (followed by a space or the line's
    /// end): the key and the colon's position.
    fn key(&mut self, at: usize) -> Option<(Node<'a>, usize)> {
        let end = self.line_end(at);
        if matches!(self.b[at], b'"' | b'\'') {
            let (key, after) = self.quoted(at, end)?;
            let colon = skip_spaces(self.b, after, end);
            let ok = self.b.get(colon) == Some(&b':')
                && matches!(self.b.get(colon + 1), None | Some(b' ' | b'\n' | b'\r'));
            return ok.then_some((key, colon));
        }
        if !plain_start(self.b, at, false) {
            return None;
        }
        let mut i = at;
        while i < end {
            match self.b[i] {
                b':' if i + 1 == end || self.b[i + 1] == b' ' => break,
                b'#' if self.b[i - 1] == b' ' => return None,
                _ => {}
            }
            i += 1;
        }
        if i >= end || i - at > 1000 {
            return None;
        }
        let k_end = trim_spaces(self.b, at, i);
        let key = self.scalar(at, k_end, true, &self.text[at..k_end])?;
        Some((key, i))
    }

    /// The value after the colon at `colon` of a key in a mapping at `indent`.
    fn map_value(&mut self, indent: usize, colon: usize, depth: usize) -> Read<'a> {
        let end = self.line_end(colon);
        let v = skip_spaces(self.b, colon + 1, end);
        // (The colon is followed by a space, so a `#` here starts a comment.)
        if v < end && self.b[v] != b'#' {
            return self.inline(v, end, depth + 1);
        }
        // Nothing on the line: a nested block, or null.
        let next = self.next_line(colon);
        match next {
            Some(l) if l.indent > indent => {
                if self.doc_marker(l) {
                    return None;
                }
                if is_entry(self.b, l.content) {
                    self.block_seq(l.indent, l.content, l.content, depth + 1)
                } else {
                    self.block_map(l.indent, l.content, depth + 1)
                }
            }
            Some(l) if l.indent == indent && is_entry(self.b, l.content) => {
                let first = skip_spaces(self.b, l.content + 1, self.line_end(l.content));
                self.block_seq(l.indent, l.content, first, depth + 1)
            }
            _ => Some((self.scalar(colon, colon, true, "")?, next)),
        }
    }

    /// A block sequence whose first `-` is at `dash` (column `indent`); its
    /// span starts at `start`.
    fn block_seq(&mut self, indent: usize, dash: usize, start: usize, depth: usize) -> Read<'a> {
        if self.too_deep(depth) {
            return None;
        }
        self.count()?;
        let mut items = Vec::new();
        let indentless = start != dash;
        let mut dash = dash;
        loop {
            let end = self.line_end(dash);
            let q = skip_spaces(self.b, dash + 1, end);
            if q >= end || self.b[q] == b'#' || is_entry(self.b, q) {
                return None;
            }
            // In a sequence at its key's indent, saphyr-parser's span of a
            // flow item runs on to the next token: left to it.
            if indentless && matches!(self.b[q], b'{' | b'[') {
                return None;
            }
            let (item, next) = if self.key_line(q, end) {
                self.block_map(indent + (q - dash), q, depth + 1)?
            } else {
                self.inline(q, end, depth + 1)?
            };
            items.push(item);
            match next {
                Some(l) if l.indent == indent && is_entry(self.b, l.content) => dash = l.content,
                Some(l) if l.indent > indent => return None,
                _ => {
                    let end = items.last().map_or(start, |n| n.span.end as usize);
                    let node = Node {
                        span: Span::new(start, end),
                        yaml: Yaml::Seq(items),
                    };
                    return Some((node, next));
                }
            }
        }
    }

    /// Whether the content at `q` is a `key: value` (a plain key).
    fn key_line(&self, q: usize, end: usize) -> bool {
        if matches!(self.b[q], b'{' | b'[' | b'"' | b'\'') {
            return false;
        }
        let mut i = q;
        while i < end {
            match self.b[i] {
                b':' if i + 1 == end || self.b[i + 1] == b' ' => return true,
                b'#' if i > q && self.b[i - 1] == b' ' => return false,
                _ => {}
            }
            i += 1;
        }
        false
    }

    /// A value that starts on its line at `v` (the line ends at `end`): a
    /// scalar or a flow collection, then only spaces or a comment.
    fn inline(&mut self, v: usize, end: usize, depth: usize) -> Read<'a> {
        let (node, after) = match self.b[v] {
            b'{' | b'[' => {
                let (mut node, after) = self.flow(v, end, depth)?;
                // The closing bracket's span runs over the spaces and the
                // comment after it (as saphyr-parser reports it).
                let rest = skip_spaces(self.b, after, end);
                if rest < end && !(self.b[rest] == b'#' && rest > after) {
                    return None;
                }
                // (After a comment on a CRLF line saphyr-parser's span takes
                // in the line break: left to it.)
                if rest < end && self.b.get(end) == Some(&b'\r') {
                    return None;
                }
                let e = if rest < end { end } else { rest };
                node.span = Span::new(node.span.start as usize, e);
                (node, e)
            }
            b'"' | b'\'' => {
                let (node, after) = self.quoted(v, end)?;
                // saphyr-parser's span of a quoted scalar may take in a
                // comment after it: left to it.
                if self.b[after..end].contains(&b'#') {
                    return None;
                }
                (node, after)
            }
            _ => {
                let e = self.plain_end(v, end, false)?;
                (self.scalar(v, e, true, &self.text[v..e])?, e)
            }
        };
        let rest = skip_spaces(self.b, after, end);
        if rest < end && !(self.b[rest] == b'#' && rest > after) {
            return None;
        }
        let next = self.next_line(v);
        Some((node, next))
    }

    /// A one-line quoted scalar at `v` without escapes: the node and the
    /// position after its closing quote.
    fn quoted(&mut self, v: usize, end: usize) -> Option<(Node<'a>, usize)> {
        let q = self.b[v];
        let close = v + 1 + self.b[v + 1..end].iter().position(|&c| c == q)?;
        let inner = &self.b[v + 1..close];
        if (q == b'"' && inner.contains(&b'\\'))
            || (q == b'\'' && self.b.get(close + 1) == Some(&b'\''))
        {
            return None;
        }
        let node = self.scalar(v, close + 1, false, &self.text[v + 1..close])?;
        Some((node, close + 1))
    }

    /// Where a plain scalar starting at `v` ends (trailing spaces trimmed):
    /// in block context at a comment or the line's end; in flow context at
    /// `,`, `]` or `}`. `None` for what a plain scalar cannot hold here.
    fn plain_end(&self, v: usize, end: usize, flow: bool) -> Option<usize> {
        self.plain_until(v, end, flow, false)
    }

    /// [`Reader::plain_end`], or with `key` the end of a flow mapping's key
    /// at its `: `.
    fn plain_until(&self, v: usize, end: usize, flow: bool, key: bool) -> Option<usize> {
        if !plain_start(self.b, v, flow) {
            return None;
        }
        let mut i = v;
        while i < end {
            match self.b[i] {
                b':' if key && self.b.get(i + 1) == Some(&b' ') => break,
                b':' if i + 1 == end || self.b[i + 1] == b' ' => return None,
                b'#' if self.b[i - 1] == b' ' => break,
                b'#' | b':' | b'[' | b'{' | b'"' | b'\'' if flow => return None,
                // saphyr-parser reads ` -`, ` ?` inside a flow scalar its own way.
                b'-' | b'?'
                    if flow
                        && i > v
                        && self.b[i - 1] == b' '
                        && matches!(self.b.get(i + 1), Some(b',' | b'[' | b']' | b'{' | b'}')) =>
                {
                    return None;
                }
                b',' | b']' | b'}' if flow => break,
                _ => {}
            }
            i += 1;
        }
        if flow && i >= end {
            return None;
        }
        let e = trim_spaces(self.b, v, i);
        (e > v).then_some(e)
    }

    /// A one-line flow collection at `v`: the node (span up to its closing
    /// bracket) and the position after that bracket.
    fn flow(&mut self, v: usize, end: usize, depth: usize) -> Option<(Node<'a>, usize)> {
        if self.too_deep(depth) {
            return None;
        }
        self.count()?;
        let map = self.b[v] == b'{';
        let close = if map { b'}' } else { b']' };
        let mut entries = Vec::new();
        let mut items = Vec::new();
        let mut i = skip_spaces(self.b, v + 1, end);
        if self.b.get(i) == Some(&close) {
            i += 1;
        } else {
            loop {
                if map {
                    let k_end = self.plain_until(i, end, true, true)?;
                    if self.b.get(k_end) != Some(&b':') {
                        return None;
                    }
                    let key = self.scalar(i, k_end, true, &self.text[i..k_end])?;
                    let at = skip_spaces(self.b, k_end + 1, end);
                    if at == k_end + 1 {
                        return None;
                    }
                    let (value, after) = self.flow_value(at, end, depth)?;
                    entries.push((key, value));
                    i = after;
                } else {
                    let (value, after) = self.flow_value(i, end, depth)?;
                    items.push(value);
                    i = after;
                }
                i = skip_spaces(self.b, i, end);
                match self.b.get(i) {
                    Some(b',') if i < end => {
                        i = skip_spaces(self.b, i + 1, end);
                        if i >= end || matches!(self.b[i], b',' | b']' | b'}') {
                            return None;
                        }
                    }
                    Some(&c) if c == close && i < end => {
                        i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        let yaml = if map {
            Yaml::Map(entries)
        } else {
            Yaml::Seq(items)
        };
        Some((
            Node {
                span: Span::new(v, i),
                yaml,
            },
            i,
        ))
    }

    /// A value inside a flow collection: the node and the position after it.
    fn flow_value(&mut self, at: usize, end: usize, depth: usize) -> Option<(Node<'a>, usize)> {
        if at >= end {
            return None;
        }
        match self.b[at] {
            b'{' | b'[' => {
                let (mut node, after) = self.flow(at, end, depth + 1)?;
                // A nested collection's span runs over the spaces after it.
                let e = skip_spaces(self.b, after, end);
                node.span = Span::new(at, e);
                Some((node, e))
            }
            b'"' | b'\'' => self.quoted(at, end),
            _ => {
                let e = self.plain_end(at, end, true)?;
                Some((self.scalar(at, e, true, &self.text[at..e])?, e))
            }
        }
    }
}

/// A block sequence entry: `-` followed by a space or the line's end.
fn is_entry(b: &[u8], at: usize) -> bool {
    b[at] == b'-' && matches!(b.get(at + 1), None | Some(b' ' | b'\n' | b'\r'))
}

/// Whether a plain scalar may start at `at`: not an indicator (`-`, `?`,
/// `:` only when followed by a non-space).
fn plain_start(b: &[u8], at: usize, flow: bool) -> bool {
    match b.get(at) {
        // In a flow collection these start no block scalar.
        Some(b'>' | b'|') if flow => true,
        None => false,
        // (saphyr-parser refuses one before a flow indicator, in any context.)
        Some(b'-' | b'?' | b':') => !matches!(
            b.get(at + 1),
            None | Some(b' ' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}')
        ),
        Some(
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' | b'\r',
        ) => false,
        Some(_) => true,
    }
}

fn skip_spaces(b: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && b[i] == b' ' {
        i += 1;
    }
    i
}

fn trim_spaces(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && b[end - 1] == b' ' {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::super::{Limits, parse_events};
    use std::path::{Path, PathBuf};

    /// `text` read by the fast path, if it takes it, is what saphyr-parser
    /// reads: the same tree and spans, no error, no further document.
    fn same(text: &str) -> bool {
        let Some(fast) = super::parse(text, Limits::default()) else {
            return false;
        };
        let slow = parse_events(text, Limits::default());
        assert!(
            slow.error.is_none()
                && slow.extra_documents.is_empty()
                && slow.root.as_ref() == Some(&fast),
            "the fast path differs on {text:?}:\nfast: {fast:#?}\nsaphyr: {slow:#?}"
        );
        true
    }

    fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("target") {
                    yaml_files(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }

    /// The multi-line scalars under `n` that read as YAML mappings.
    fn embedded(n: &super::Node<'_>, out: &mut Vec<String>) {
        match &n.yaml {
            super::Yaml::Scalar { text, .. } => {
                if text.contains('\n') && text.contains(": ") {
                    out.push(text.to_string());
                }
            }
            super::Yaml::Map(es) => es.iter().for_each(|(_, v)| embedded(v, out)),
            super::Yaml::Seq(items) => items.iter().for_each(|v| embedded(v, out)),
        }
    }

    /// A small deterministic generator (xorshift), so a failure reproduces.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// `text` with one edit: a YAML-significant piece inserted, a range
    /// deleted, or a line repeated.
    fn mutate(text: &str, rng: &mut Rng) -> String {
        const PIECES: &[&str] = &[
            " ", "  ", ":", ": ", "- ", "-", "#", " #", "{", "}", "[", "]", ",", ", ", "\"", "'",
            "\n", "\n  ", "&a ", "*a", "!", "|", ">", "?", "\t", "\r\n", "\r", "---", "...", "%",
            "中", "：", "x: y", "{a: 1}", "[1, 2]", "\\", "''", "@", "`", "\u{FEFF}", "\u{85}",
        ];
        let at = |rng: &mut Rng| {
            let mut i = rng.below(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let (i, j) = (at(rng), at(rng));
        let (lo, hi) = (i.min(j), i.max(j).min(i.min(j) + 8));
        let hi = (lo..=hi)
            .rev()
            .find(|&h| text.is_char_boundary(h))
            .unwrap_or(lo);
        match rng.below(3) {
            0 => format!(
                "{}{}{}",
                &text[..i],
                PIECES[rng.below(PIECES.len())],
                &text[i..]
            ),
            1 => format!("{}{}", &text[..lo], &text[hi..]),
            _ => {
                let start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n + 1);
                format!("{}{}", &text[..end], &text[start..end])
            }
        }
    }

    #[test]
    fn the_fast_path_reads_every_repository_file_as_saphyr_does() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for d in ["tests", "examples", "benches", "fuzz", "web"] {
            yaml_files(&root.join(d), &mut files);
        }
        assert!(files.len() > 100, "{}", files.len());
        // The case files hold their documents as block scalars: read those too.
        let mut texts = Vec::new();
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            if let Some(root) = parse_events(&text, Limits::default()).root {
                embedded(&root, &mut texts);
            }
            texts.push(text);
        }
        let (mut taken, mut plain) = (0, 0);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        // Each also with Windows line ends.
        let crlf: Vec<String> = texts.iter().map(|t| t.replace('\n', "\r\n")).collect();
        texts.extend(crlf);
        for text in &texts {
            let t = same(text);
            // A document without block scalars or tabs, that saphyr
            // reads without error: the subset is made for these.
            let slow = parse_events(text, Limits::default());
            if slow.error.is_none()
                && slow.extra_documents.is_empty()
                && !text.contains(": |")
                && !text.contains('\t')
            {
                plain += 1;
                taken += usize::from(t);
                if !t && std::env::var_os("JX_DECLINED").is_some() {
                    eprintln!("DECLINED {text:?}");
                }
            }
            let mut variant = text.clone();
            for _ in 0..40 {
                variant = if rng.below(4) == 0 {
                    mutate(text, &mut rng)
                } else {
                    mutate(&variant, &mut rng)
                };
                same(&variant);
            }
        }
        assert!(plain > 300, "{plain}");
        assert!(taken * 100 >= plain * 95, "{taken} of {plain}");
    }

    /// A random document in (and near) the subset: block mappings and
    /// sequences (indented or at their key's indent), flow collections,
    /// scalars of every style the subset takes, comments, blank lines,
    /// trailing spaces.
    fn document(rng: &mut Rng) -> String {
        fn scalar(rng: &mut Rng) -> &'static str {
            const S: &[&str] = &[
                "x",
                "上门服务人次",
                "≥ 95%",
                "-5",
                "a b  c",
                "x#y",
                "12:00",
                "\"q\"",
                "'r'",
                "\"\"",
                "~",
                "null",
                "> 3 个",
                "1 - 2",
                "2023-10-31",
                "？",
                "（一）",
            ];
            S[rng.below(S.len())]
        }
        fn flow(rng: &mut Rng, depth: usize) -> String {
            let n = rng.below(4);
            let map = rng.below(2) == 0;
            let items: Vec<String> = (0..n)
                .map(|i| {
                    let v = if depth < 2 && rng.below(4) == 0 {
                        flow(rng, depth + 1)
                    } else {
                        scalar(rng).to_owned()
                    };
                    if map { format!("k{i}: {v}") } else { v }
                })
                .collect();
            let (open, close) = if map { ("{", "}") } else { ("[", "]") };
            let pad = [" ", ""][rng.below(2)];
            format!(
                "{open}{pad}{}{pad}{close}",
                items.join([", ", " ,", ","][rng.below(3)])
            )
        }
        fn tail(rng: &mut Rng) -> &'static str {
            ["", "", "  ", " # c", "\n", "\n# c\n", "\n  \n"][rng.below(7)]
        }
        fn value(rng: &mut Rng, indent: usize, depth: usize, out: &mut String) {
            match rng.below(if depth > 3 { 3 } else { 6 }) {
                0 => out.push_str(&format!(" {}{}\n", scalar(rng), tail(rng))),
                1 => out.push_str(&format!(" {}{}\n", flow(rng, 0), tail(rng))),
                2 => out.push_str(&format!("{}\n", tail(rng).trim_end_matches('\n'))),
                3 => {
                    out.push('\n');
                    let at = indent + 1 + rng.below(3);
                    map(rng, at, depth + 1, out);
                }
                _ => {
                    out.push('\n');
                    let at = indent + [0, 2, 4][rng.below(3)];
                    for _ in 0..1 + rng.below(3) {
                        out.push_str(&" ".repeat(at));
                        out.push('-');
                        match rng.below(3) {
                            0 => {
                                let mut item = String::new();
                                map(rng, at + 2, depth + 1, &mut item);
                                out.push_str(&format!(" {}", &item[at + 2..]));
                            }
                            1 => out.push_str(&format!(" {}{}\n", flow(rng, 0), tail(rng))),
                            _ => out.push_str(&format!(" {}{}\n", scalar(rng), tail(rng))),
                        }
                    }
                }
            }
        }
        fn map(rng: &mut Rng, indent: usize, depth: usize, out: &mut String) {
            for i in 0..1 + rng.below(3) {
                out.push_str(&" ".repeat(indent));
                let key =
                    [format!("k{i}"), format!("键{i}"), format!("\"k {i}\"")][rng.below(3)].clone();
                out.push_str(&format!("{key}:"));
                value(rng, indent, depth, out);
            }
        }
        let mut out = String::new();
        map(rng, 0, 0, &mut out);
        out
    }

    #[test]
    fn the_fast_path_reads_generated_documents_as_saphyr_does() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let mut taken = 0;
        // JX_GEN=N runs N documents instead (450,000 agreed when this was written).
        let n = std::env::var("JX_GEN")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20_000);
        for _ in 0..n {
            let doc = document(&mut rng);
            taken += usize::from(same(&doc));
            same(&doc.replace('\n', "\r\n"));
        }
        assert!(taken * 4 > n, "{taken} of {n}");
    }

    #[test]
    fn the_fast_path_matches_saphyr_on_edge_cases() {
        let cases = [
            "a:\nb: 1\n",
            "a: {}\nb: []\nc: { x: 1 , y: 2 }  # c\n",
            "a:\n  - x\n  - { p: 1 }\n  - k: v\n    m: n\n",
            "a:\n- x\n- y\nb:   \n",
            "a: \"q\"\nb: 'r'  \n",
            "c: {x: 1}   \nd: 2",
            "c: [a, {b: 1}  ]  \n# hi\n",
            "c: [a, [b, c] , d]\n",
            "k: v # c\nq: a b  c   # z\n",
            "\u{FEFF}kind: target\n",
            "a: b\n  # indented comment\nc: d\n",
            "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
            "a: -5\nb: ?x\nc: :y\nd: a#b\ne: 12:00\n",
            "- a\n- b\n",
            "a: 1\n---\nb: 2\n",
            "a: b: c\n",
            "a: [1, 2\n",
            "a: b\n  c\n",
            "a: {x: > 3 个, y: | 2}\n",
            "\"产出指标(50分)\":\n  'b' : 1\n",
            "a:\n  \"c\":2\n",
            "a: {s: -1, t: ?x}\n",
            "a: {u: 1 - 2}\n",
            // found by the fuzz target
            "a:\n  - { x: -, y: [a, b] }  # c\n  - k\n",
            "--- : \n",
            // found by the repository test on new real tables
            "b:\n- { x: 1 }\nd: 1\n",
            "a:\n  c:\n  - { x: 1 }\n  d: 1\n",
            "a: {x: ?]}\n",
        ];
        let taken = cases.iter().filter(|c| same(c)).count();
        assert!(taken >= 12, "{taken}");
    }
}
