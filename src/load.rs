//! Loading: bytes → text → spanned YAML → the normalised model, with every
//! structural problem reported as a JX0xx finding at its exact span. Loading
//! never stops at the first problem: a bad field is reported and left out, the
//! rest of the document is still read (and checked by the rules).

use crate::amount::{self, MoneyUnit, NumError};
use crate::diag::{FileId, Finding, Lang, Severity};
use crate::model::{Doc, Entry, Key, Kind, Node, Num, Profile, Value};
use crate::source::{self, DecodeError, Span};
use crate::value::{self, Cmp};
use crate::yaml::{self, Yaml};
use rust_decimal::Decimal;

/// The loader's own diagnostics, as listed by `jixiao rules`.
pub struct LoaderCode {
    pub code: &'static str,
    pub severity: Severity,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub help_zh: &'static str,
    pub help_en: &'static str,
}

pub const LOADER_CODES: &[LoaderCode] = &[
    LoaderCode {
        code: "JX001",
        severity: Severity::Error,
        title_zh: "YAML 语法错误",
        title_en: "YAML syntax error",
        help_zh: "按 YAML 语法修正标出的位置：缩进用空格，冒号后留一个空格，括号和引号成对。",
        help_en: "Fix the YAML at the marked place: indent with spaces, put a space after colons, close brackets and quotes.",
    },
    LoaderCode {
        code: "JX002",
        severity: Severity::Error,
        title_zh: "未知字段",
        title_en: "unknown key",
        help_zh: "改成申报表格式中的字段名（英文或中文均可），或删除该字段。",
        help_en: "Use a key of the declaration format (English or Chinese), or remove it.",
    },
    LoaderCode {
        code: "JX003",
        severity: Severity::Error,
        title_zh: "类型错误",
        title_en: "wrong type",
        help_zh: "按申报表格式填写：映射、列表、文字或数字。",
        help_en: "Write the value as the format expects: a mapping, a list, text or a number.",
    },
    LoaderCode {
        code: "JX004",
        severity: Severity::Error,
        title_zh: "重复字段",
        title_en: "duplicate key",
        help_zh: "同一层级每个字段只能出现一次（中英文别名算同一个字段），删除或合并重复项。",
        help_en: "Each key may appear once per mapping (an alias counts as the same key); remove or merge the duplicate.",
    },
    LoaderCode {
        code: "JX005",
        severity: Severity::Error,
        title_zh: "金额格式错误",
        title_en: "bad amount",
        help_zh: "金额写成非负小数（如 29.5896），最多 6 位小数，可带“万元”“万”或“元”；不带单位时以 budget.unit 为准。",
        help_en: "Write amounts as non-negative decimals (e.g. 29.5896) with at most 6 decimals, optionally with 万元, 万 or 元; budget.unit gives the unit otherwise.",
    },
    LoaderCode {
        code: "JX006",
        severity: Severity::Error,
        title_zh: "指标维度不在指标体系中",
        title_en: "dimension not in the indicator system",
        help_zh: "一级、二级指标须使用当前指标体系（profile）中的名称。",
        help_en: "Use the first- and second-level dimension names of the active indicator system (profile).",
    },
    LoaderCode {
        code: "JX007",
        severity: Severity::Error,
        title_zh: "指标值无法解析",
        title_en: "unparsable indicator value",
        help_zh: "指标值写成“比较符 数字 单位”，如 ≥ 5000 人次、不低于95%、≤ 2022-06-30；定性指标直接写文字。",
        help_en: "Write a value as comparator, number, unit: ≥ 5000 人次, 不低于95%, ≤ 2022-06-30; qualitative values are plain words.",
    },
    LoaderCode {
        code: "JX008",
        severity: Severity::Error,
        title_zh: "不是有效的申报文件",
        title_en: "not a valid declaration file",
        help_zh: "文件须为 UTF-8 编码，顶层写明 kind（target、self-evaluation 或 summary）和 year。",
        help_en: "Save the file as UTF-8, with `kind` (target, self-evaluation or summary) and `year` at the top level.",
    },
    LoaderCode {
        code: "JX009",
        severity: Severity::Error,
        title_zh: "豁免无效",
        title_en: "invalid waiver",
        help_zh: "豁免须写明 rule（存在的规则编号）和 reason（理由），并且确实豁免了一条发现。",
        help_en: "A waiver names an existing rule and gives a reason, and must silence a finding.",
    },
    LoaderCode {
        code: "JX010",
        severity: Severity::Error,
        title_zh: "发现过多",
        title_en: "too many findings",
        help_zh: "每个文件最多列出 10000 条发现，其余计数；先修正列出的问题再检查（这么多发现通常是同一个错误在每行重复）。",
        help_en: "At most 10,000 findings are listed per file and the rest counted; fix the listed ones and check again (so many usually repeat one mistake on every row).",
    },
];

pub fn loader_code(code: &str) -> Option<&'static LoaderCode> {
    LOADER_CODES.iter().find(|c| c.code == code)
}

/// Limits and settings for loading.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    pub profile: Profile,
    pub lang: Lang,
    pub yaml: yaml::Limits,
    /// Files larger than this are not read (JX008).
    pub max_file_size: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            profile: Profile::Legacy,
            lang: Lang::Zh,
            yaml: yaml::Limits::default(),
            max_file_size: 10 * 1024 * 1024,
        }
    }
}

/// The result of loading one file.
#[derive(Debug, Default)]
pub struct Loaded {
    pub doc: Option<Doc>,
    pub findings: Vec<Finding>,
    /// Findings beyond [`crate::diag::MAX_FINDINGS_PER_FILE`], counted, not kept.
    pub dropped: crate::diag::Dropped,
    /// Found by folder discovery and not a declaration: skip it silently.
    pub not_a_declaration: bool,
}

/// Decode bytes (see [`source::decode`]), or the JX008 finding explaining why not.
pub fn decode(bytes: &[u8], file: FileId, lang: Lang) -> Result<String, Box<Finding>> {
    if source::looks_binary(bytes) {
        return Err(Box::new(code_finding(
            "JX008",
            lang,
            lang.pick(
                "这是二进制文件，不是 YAML 文本",
                "this is a binary file, not YAML text",
            ),
            file,
            Span::at(0),
        )));
    }
    source::decode(bytes).map(|(t, _)| t).map_err(|e| {
        let (offset, msg) = match e {
            DecodeError::NotUtf8 { offset, looks_like } => {
                let msg = match (lang, looks_like) {
                    (Lang::Zh, Some(enc)) => format!(
                        "文件不是 UTF-8 编码（第 {offset} 字节起无效），看起来是 {enc} 编码"
                    ),
                    (Lang::Zh, None) => format!("文件不是 UTF-8 编码（第 {offset} 字节起无效）"),
                    (Lang::En, Some(enc)) => format!(
                        "the file is not UTF-8 (invalid from byte {offset}); it looks like {enc}"
                    ),
                    (Lang::En, None) => {
                        format!("the file is not UTF-8 (invalid from byte {offset})")
                    }
                };
                let help = looks_like.map(|enc| match lang {
                    Lang::Zh => format!(
                        "用编辑器把文件另存为 UTF-8（原编码 {enc}），例如 iconv -f {enc} -t UTF-8"
                    ),
                    Lang::En => format!(
                        "save the file as UTF-8 (it is {enc}), e.g. iconv -f {enc} -t UTF-8"
                    ),
                });
                (offset, (msg, help))
            }
            DecodeError::BadUtf16 { offset } => (
                offset,
                (
                    lang.pick("UTF-16 文件中有无效的字符", "invalid UTF-16 in the file")
                        .to_owned(),
                    None,
                ),
            ),
        };
        // The text cannot be shown, so the span is empty; the message names the byte.
        let f =
            code_finding("JX008", lang, msg.0, file, Span::at(0)).with_path(format!("@{offset}"));
        Box::new(match msg.1 {
            Some(h) => f.with_help(h),
            None => f,
        })
    })
}

/// A finding of one of the loader's codes with its catalogue title and help.
pub fn code_finding(
    code: &str,
    lang: Lang,
    message: impl Into<String>,
    file: FileId,
    span: Span,
) -> Finding {
    let c = loader_code(code).unwrap_or(&LOADER_CODES[0]);
    Finding::new(
        c.code,
        c.severity,
        lang.pick(c.title_zh, c.title_en),
        message,
        file,
        span,
    )
    .with_help(lang.pick(c.help_zh, c.help_en))
}

/// Load one file's text. `explicit`: named on the command line (a non-declaration
/// is then an error, not a skip).
pub fn load_text(text: &str, file: FileId, opts: &LoadOptions, explicit: bool) -> Loaded {
    let mut cx = Cx {
        text,
        file,
        opts,
        findings: Vec::new(),
        dropped: Default::default(),
        year: None,
        l1_label: String::new(),
        lines: std::cell::OnceCell::new(),
    };
    if let Some((at, c, n)) = control_char(text) {
        let code = c as u32;
        let msg = match (opts.lang, n) {
            (Lang::Zh, 1) => format!("控制字符 U+{code:04X} 不能出现在 YAML 文件中"),
            (Lang::Zh, _) => {
                format!("控制字符 U+{code:04X} 不能出现在 YAML 文件中（全文共 {n} 处）")
            }
            (Lang::En, 1) => format!("control character U+{code:04X} is not allowed in YAML"),
            (Lang::En, _) => {
                format!("control character U+{code:04X} is not allowed in YAML ({n} in the file)")
            }
        };
        let help = opts.lang.pick(
            "删除不可见的控制字符（常见于从 Excel 或网页复制的文字）",
            "remove the invisible control characters (often pasted from Excel or a web page)",
        );
        cx.push(
            "JX001",
            Span::new(at, at + c.len_utf8()),
            msg,
            Some(help.into()),
        );
    }
    let parsed = yaml::parse(text, opts.yaml);
    if let Some(err) = parsed.error {
        if !explicit && !mentions_kind(text) {
            return Loaded {
                not_a_declaration: true,
                dropped: Default::default(),
                ..Loaded::default()
            };
        }
        let lang = opts.lang;
        let msg = match err.kind {
            yaml::ErrorKind::Syntax(info) => match lang {
                Lang::Zh => format!("YAML 语法错误：{}", syntax_zh(&info)),
                Lang::En => format!("YAML syntax error: {info}"),
            },
            yaml::ErrorKind::TooDeep(n) => match lang {
                Lang::Zh => format!("嵌套超过 {n} 层，申报文件不会这么深"),
                Lang::En => format!("nested deeper than {n} levels; no declaration is that deep"),
            },
            yaml::ErrorKind::TooManyNodes(n) => match lang {
                Lang::Zh => format!("节点超过 {n} 个（含别名展开），文件过大或是别名炸弹"),
                Lang::En => {
                    format!("more than {n} nodes (aliases expanded): too large, or an alias bomb")
                }
            },
            yaml::ErrorKind::TooManyAliasNodes(n) => match lang {
                Lang::Zh => format!("别名展开的节点超过 {n} 个：这是别名炸弹，或别名用得过多"),
                Lang::En => {
                    format!(
                        "aliases expand to more than {n} nodes: an alias bomb, or too many aliases"
                    )
                }
            },
            yaml::ErrorKind::UnknownAlias => lang
                .pick("别名引用了未定义的锚点", "alias to an undefined anchor")
                .to_owned(),
        };
        // What Chinese typing does (`：`, `key:value`, a tab): said on the character.
        match crate::typing::hint(text, err.span, lang) {
            Some(h) => cx.push("JX001", h.span, h.message, Some(h.help)),
            None => cx.push("JX001", err.span, msg, None),
        }
        return cx.finish(None);
    }
    for extra in &parsed.extra_documents {
        let msg = cx.opts.lang.pick(
            "一个文件只能有一个 YAML 文档（一个项目一个文件），之后的文档未检查",
            "one YAML document per file (one project per file); the documents after the first are not checked",
        );
        cx.push("JX001", *extra, msg.into(), None);
    }
    let Some(root) = parsed.root else {
        if !explicit {
            return Loaded {
                not_a_declaration: true,
                dropped: Default::default(),
                ..Loaded::default()
            };
        }
        let msg = cx.opts.lang.pick(
            "文件是空的：缺少 kind 和 year",
            "the file is empty: kind and year are missing",
        );
        cx.push("JX008", Span::at(0), msg.into(), None);
        return cx.finish(None);
    };
    let Yaml::Map(entries) = &root.yaml else {
        if !explicit {
            return Loaded {
                not_a_declaration: true,
                dropped: Default::default(),
                ..Loaded::default()
            };
        }
        let msg = match cx.opts.lang {
            Lang::Zh => format!(
                "顶层须是包含 kind、year 等字段的映射，这里是{}",
                type_zh(&root)
            ),
            Lang::En => format!(
                "the top level must be a mapping with kind, year…; this is a {}",
                root.type_name()
            ),
        };
        cx.push("JX003", root.span, msg, None);
        return cx.finish(None);
    };

    // kind decides the schema; find it first.
    let kind_node = entries
        .iter()
        .find(|(k, _)| k.as_str().and_then(Key::lookup) == Some(Key::Kind));
    let kind = kind_node.and_then(|(_, v)| v.as_str().and_then(Kind::parse));
    // In a folder, a misspelt kind (`targt`) is still a declaration to report;
    // any other `kind` (a Kubernetes manifest, say) is somebody else's YAML.
    let misspelt = kind.is_none()
        && kind_node
            .and_then(|(_, v)| v.as_str())
            .and_then(|v| did_you_mean(v.trim(), Kind::ALL.iter().flat_map(|k| [k.name(), k.zh()])))
            .is_some();
    // A near miss (`Kind:`, `种类:`, or `类型: 目标`) on a file that has a
    // declaration's fields is a declaration with a typo, not other YAML.
    let near_key = entries.iter().find_map(|(k, _)| {
        k.as_str().filter(|s| {
            Key::lookup(s).is_none() && (s.eq_ignore_ascii_case("kind") || *s == "种类")
        })
    });
    let fields = entries
        .iter()
        .filter_map(|(k, _)| k.as_str().and_then(Key::lookup))
        .filter(|k| matches!(k, Key::Year | Key::Project | Key::Budget | Key::Indicators))
        .count();
    let near_miss = fields >= 2 && (near_key.is_some() || kind_node.is_some());
    if kind.is_none() && !explicit && !misspelt && !near_miss {
        return Loaded {
            not_a_declaration: true,
            dropped: Default::default(),
            ..Loaded::default()
        };
    }
    // Named explicitly but with nothing of a declaration in it: say just that.
    if kind_node.is_none()
        && !entries
            .iter()
            .any(|(k, _)| k.as_str().and_then(Key::lookup).is_some())
    {
        let msg = cx.opts.lang.pick(
            "这不是申报文件：没有 kind、year 等字段（绩效目标、绩效自评或汇总须写明 kind）",
            "not a declaration: no kind, year or other declaration keys (a target, self-evaluation or summary names its kind)",
        );
        cx.push("JX008", first_line(text, root.span), msg.into(), None);
        return cx.finish(None);
    }
    cx.year = entries
        .iter()
        .find(|(k, _)| k.as_str().and_then(Key::lookup) == Some(Key::Year))
        .and_then(|(_, v)| v.as_str())
        .and_then(|t| amount::parse_decimal(t.trim().trim_end_matches('年')).ok())
        .and_then(|d| i32::try_from(d.mantissa()).ok())
        .filter(|y| (1900..=2200).contains(y));
    let schema = if kind == Some(Kind::Summary) {
        SUMMARY
    } else {
        PROJECT
    };
    let node = cx.map(&root, schema, None);
    if kind_node.is_none() {
        let msg = cx.opts.lang.pick(
            "缺少 kind：须写明 target（绩效目标）、self-evaluation（绩效自评）或 summary（汇总）",
            "`kind` is missing: say target, self-evaluation or summary",
        );
        let help = near_key.map(|k| match cx.opts.lang {
            Lang::Zh => format!("是不是 kind？（“{k}”不是 kind：键名须为小写的 kind）"),
            Lang::En => format!("did you mean `kind`? (`{k}` is not `kind`: keys are lower case)"),
        });
        cx.push("JX008", first_line(text, root.span), msg.into(), help);
    }
    let year = node
        .get(Key::Year)
        .and_then(Node::num)
        .and_then(|y| i32::try_from(y.mantissa()).ok());
    // A year written but of the wrong type is its JX003 alone, not also missing.
    let year_written = entries
        .iter()
        .any(|(k, _)| k.as_str().and_then(Key::lookup) == Some(Key::Year));
    if node.get(Key::Year).is_none() && !year_written {
        let msg = cx.opts.lang.pick("缺少 year（年度）", "`year` is missing");
        cx.push("JX008", first_line(text, root.span), msg.into(), None);
    }
    let doc = kind.map(|kind| Doc {
        kind,
        year,
        root: node,
    });
    cx.finish(doc)
}

/// The first character YAML does not allow in a stream (C0 controls other
/// than tab and line breaks, DEL, C1 controls): its offset, the character and
/// how many there are in all.
fn control_char(text: &str) -> Option<(usize, char, usize)> {
    let bad = |c: char| matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}');
    // Such a character is one byte below 0x20 or 0x7F, or 0xC2 followed by
    // 0x80..=0x9F (C1): found on the bytes, blocks of 32 at a time, without
    // decoding the text.
    let bytes = text.as_bytes();
    let maybe = |x: u8| (x < 0x20 && !matches!(x, b'\t' | b'\n' | b'\r')) || x == 0x7F || x == 0xC2;
    let at_bad = |i: usize| match bytes[i] {
        0xC2 => matches!(bytes.get(i + 1), Some(0x80..=0x9F)),
        x => maybe(x),
    };
    let at = bytes
        .chunks(32)
        .enumerate()
        .filter(|(_, c)| c.iter().fold(false, |any, &x| any | maybe(x)))
        .find_map(|(k, c)| (k * 32..k * 32 + c.len()).find(|&i| at_bad(i)))?;
    let c = text[at..].chars().next()?;
    let n = text[at..].chars().filter(|&c| bad(c)).count();
    Some((at, c, n))
}

/// Whether unparsable text still looks like it meant to be a declaration.
/// `kind:` at the start of a line, or as a key of a flow or JSON-style mapping
/// (`{"kind": …`, `, 'kind': …`), quoted or not.
pub fn mentions_kind(text: &str) -> bool {
    text.lines().any(|l| {
        l.split(['{', ',']).enumerate().any(|(i, part)| {
            let p = if i == 0 {
                part.trim_start_matches('\u{FEFF}')
            } else {
                part.trim_start()
            };
            ["kind", "类型"].iter().any(|k| {
                let rest = match p.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        p[1..].strip_prefix(k).and_then(|r| r.strip_prefix(q))
                    }
                    _ => p.strip_prefix(k),
                };
                rest.is_some_and(|r| r.trim_start().starts_with(':'))
            })
        })
    })
}

/// The same test on raw bytes (for files that are not UTF-8): `kind:` in ASCII,
/// or 类型 in UTF-8 or GBK.
pub fn bytes_mention_kind(bytes: &[u8]) -> bool {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    has(b"kind:")
        || has(b"kind :")
        || has(b"\"kind\"")
        || has(b"'kind'")
        || has("类型".as_bytes())
        || has(&[0xC0, 0xE0, 0xD0, 0xCD])
}

fn first_line(text: &str, span: Span) -> Span {
    let start = span.start as usize;
    let end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |e| start + e);
    Span::new(start, end)
}

fn syntax_zh(info: &str) -> String {
    let known = [
        (
            "mapping values are not allowed in this context",
            "此处不能出现映射（冒号）",
        ),
        (
            "did not find expected key",
            "没有找到预期的字段名（缩进可能不一致）",
        ),
        ("did not find expected node content", "没有找到预期的内容"),
        (
            "did not find expected ',' or ']'",
            "流式列表缺少 ',' 或 ']'",
        ),
        (
            "did not find expected ',' or '}'",
            "流式映射缺少 ',' 或 '}'",
        ),
        (
            "found character that cannot start any token",
            "出现了不能作为开头的字符（制表符或特殊符号）",
        ),
        ("found a tab character", "出现了制表符：YAML 缩进只能用空格"),
        // saphyr-parser 0.3's wording for the same fault
        ("tabs disallowed", "出现了制表符：YAML 缩进只能用空格"),
        (
            "while scanning a quoted scalar, found unexpected end of stream",
            "引号没有闭合",
        ),
        ("recursion limit exceeded", "嵌套层数过深"),
        (
            "block sequence entries are not allowed in this context",
            "此处不能出现列表项",
        ),
        ("invalid indentation", "缩进不正确"),
    ];
    for (en, zh) in known {
        if info.contains(en) {
            return format!("{zh}（{info}）");
        }
    }
    info.to_owned()
}

fn type_zh(n: &yaml::Node<'_>) -> &'static str {
    match n.type_name() {
        "mapping" => "映射",
        "sequence" => "列表",
        "null" => "空值",
        _ => "单个值",
    }
}

// ---------------------------------------------------------------------------
// Schema: what each field holds.

#[derive(Clone, Copy, Debug)]
enum Ty {
    Text,
    Year,
    Count,
    Amount,
    Number,
    Percent,
    MoneyUnit,
    Kind,
    Value,
    /// `department` 部门整体 or `project` 项目.
    Scope,
    /// `history` 历史值: a value like a target's, kept as text when it is not
    /// one (it is a note on the form, not a value anything is scored against).
    History,
    /// A source of funds: a number (its 全年预算数) or its row
    /// `{ initial, total, executed }`; loaded as the row.
    Source,
    Map(&'static [(Key, Ty)]),
    Indicators,
    TextList,
    MapList(&'static [(Key, Ty)]),
}

const PROJECT_FIELDS: &[(Key, Ty)] = &[
    (Key::Name, Ty::Text),
    (Key::Code, Ty::Text),
    (Key::Department, Ty::Text),
    (Key::Applicant, Ty::Text),
    (Key::Declarant, Ty::Text),
    (Key::Basis, Ty::Text),
    (Key::Implementer, Ty::Text),
    (Key::Leader, Ty::Text),
    (Key::Period, Ty::Text),
    (Key::Attribute, Ty::Text),
    (Key::Overview, Ty::Text),
    (Key::Content, Ty::Text),
    (Key::Duties, Ty::Text),
    (Key::Contact, Ty::Text),
    (Key::Phone, Ty::Text),
    (Key::Category, Ty::Text),
    (Key::ProjectType, Ty::Text),
    (Key::FundUse, Ty::Text),
    (Key::FundNature, Ty::Text),
];
/// Whether `key` names a source of funds (a key of `budget.sources`).
pub(crate) fn is_source(key: Key) -> bool {
    SOURCES.iter().any(|(k, _)| *k == key)
}

const SOURCES: &[(Key, Ty)] = &[
    (Key::GeneralPublic, Ty::Source),
    (Key::GovernmentFund, Ty::Source),
    (Key::Other, Ty::Source),
    (Key::Fiscal, Ty::Source),
    (Key::Carryover, Ty::Source),
    (Key::HigherLevel, Ty::Source),
    (Key::Own, Ty::Source),
    (Key::SpecialAccount, Ty::Source),
    (Key::Central, Ty::Source),
    (Key::Provincial, Ty::Source),
    (Key::Municipal, Ty::Source),
    (Key::County, Ty::Source),
    (Key::District, Ty::Source),
    (Key::SameLevel, Ty::Source),
    (Key::Local, Ty::Source),
];
/// One source's row of the 10号 form: 年初预算数, 全年预算数, 全年执行数.
const SOURCE_ROW: &[(Key, Ty)] = &[
    (Key::Initial, Ty::Amount),
    (Key::Total, Ty::Amount),
    (Key::Executed, Ty::Amount),
];
const BUDGET: &[(Key, Ty)] = &[
    (Key::Unit, Ty::MoneyUnit),
    (Key::Initial, Ty::Amount),
    (Key::Total, Ty::Amount),
    (Key::Available, Ty::Amount),
    (Key::Sources, Ty::Map(SOURCES)),
    (Key::Executed, Ty::Amount),
    (Key::BasicExpenditure, Ty::Amount),
    (Key::ProjectExpenditure, Ty::Amount),
    (Key::ExecutionRate, Ty::Percent),
    (Key::UnderspendReason, Ty::Text),
    (Key::Deviation, Ty::Text),
    (Key::Weight, Ty::Number),
    (Key::Score, Ty::Number),
];
const GOALS: &[(Key, Ty)] = &[
    (Key::Annual, Ty::Text),
    (Key::LongTerm, Ty::Text),
    (Key::Achieved, Ty::Text),
];
const INDICATOR: &[(Key, Ty)] = &[
    (Key::Name, Ty::Text),
    (Key::Nature, Ty::Text),
    (Key::Unit, Ty::Text),
    (Key::Target, Ty::Value),
    (Key::Actual, Ty::Value),
    (Key::Weight, Ty::Number),
    (Key::Score, Ty::Number),
    (Key::Deviation, Ty::Text),
    (Key::Explanation, Ty::Text),
    (Key::Standard, Ty::Text),
    (Key::History, Ty::History),
    (Key::Basis, Ty::Text),
    (Key::Remark, Ty::Text),
    (Key::AdjustedTarget, Ty::Text),
    (Key::ScoreRate, Ty::Text),
    (Key::Core, Ty::Text),
];
const WAIVER: &[(Key, Ty)] = &[
    (Key::Rule, Ty::Text),
    (Key::Reason, Ty::Text),
    (Key::ApprovedBy, Ty::Text),
    (Key::Path, Ty::Text),
];
const RESULT: &[(Key, Ty)] = &[(Key::Score, Ty::Number), (Key::Grade, Ty::Text)];
const PROJECT: &[(Key, Ty)] = &[
    (Key::Kind, Ty::Kind),
    (Key::Year, Ty::Year),
    (Key::Project, Ty::Map(PROJECT_FIELDS)),
    (Key::Budget, Ty::Map(BUDGET)),
    (Key::Goals, Ty::Map(GOALS)),
    (Key::Indicators, Ty::Indicators),
    (Key::Measures, Ty::Text),
    (Key::Waivers, Ty::MapList(WAIVER)),
    (Key::Result, Ty::Map(RESULT)),
    (Key::Conclusion, Ty::Text),
    (Key::Problems, Ty::Text),
    (Key::Notes, Ty::Text),
    (Key::Scope, Ty::Scope),
];
const SUMMARY: &[(Key, Ty)] = &[
    (Key::Kind, Ty::Kind),
    (Key::Year, Ty::Year),
    (Key::Department, Ty::Text),
    (Key::ProjectCount, Ty::Count),
    (Key::Budget, Ty::Map(BUDGET)),
    (Key::FullyExecuted, Ty::TextList),
    (Key::Measures, Ty::Text),
    (Key::Waivers, Ty::MapList(WAIVER)),
];

/// Where a key may appear: `project.department`, for "it belongs under …" hints.
fn home_of(key: Key) -> Option<&'static str> {
    fn find(fields: &'static [(Key, Ty)], key: Key, prefix: &str) -> Option<String> {
        for (k, ty) in fields {
            let here = if prefix.is_empty() {
                k.name().to_owned()
            } else {
                format!("{prefix}.{}", k.name())
            };
            if *k == key {
                return Some(here);
            }
            if let Ty::Map(inner) = ty
                && let Some(p) = find(inner, key, &here)
            {
                return Some(p);
            }
        }
        None
    }
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static HOMES: OnceLock<HashMap<Key, &'static str>> = OnceLock::new();
    let homes = HOMES.get_or_init(|| {
        let mut m = HashMap::new();
        for &k in Key::ALL {
            let p = find(PROJECT, k, "")
                .or_else(|| find(SUMMARY, k, ""))
                .or_else(|| find(INDICATOR, k, "indicators.*.*[]"));
            if let Some(p) = p {
                m.insert(k, &*Box::leak(p.into_boxed_str()));
            }
        }
        m
    });
    homes.get(&key).copied()
}

/// The field names (canonical and aliases) of a schema, for "did you mean".
fn names_of(fields: &[(Key, Ty)]) -> impl Iterator<Item = &'static str> + '_ {
    fields
        .iter()
        .flat_map(|(k, _)| std::iter::once(k.name()).chain(k.aliases().iter().copied()))
}

/// The closest name by edit distance (counted in characters), if close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let n = word.chars().count();
    // A Chinese character carries about as much as a short English word, and
    // dimension names share the suffix 指标: two edits in a four-character name
    // (影响指标 → 产出指标) are a different word, not a typo.
    let wide = !word.is_ascii();
    let limit = match n {
        0..=2 => 1,
        3..=4 if wide => 1,
        3..=5 => 2,
        _ if wide => 2,
        _ => 3,
    };
    // The distance is at least the difference in length: a 2 MB key is
    // compared with nothing (levenshtein costs the product of the lengths).
    let candidates: Vec<&str> = candidates
        .into_iter()
        .filter(|c| c.chars().count().abs_diff(n) <= limit)
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        // Transpositions count once: JX340 is one step from JX304.
        .map(|c| (strsim::osa_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= limit && *d < c.chars().count().max(n))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The key of the one close suggestion for `word` among `candidates` (names
/// and aliases): `None` when nothing is close or two different keys are
/// equally close.
fn one_suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<Key> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let best = did_you_mean(word, candidates.iter().copied())?;
    let lower = word.to_lowercase();
    let d = strsim::osa_distance(&lower, &best.to_lowercase());
    let key = Key::lookup(best)?;
    let rivals = candidates.iter().any(|c| {
        Key::lookup(c) != Some(key) && strsim::osa_distance(&lower, &c.to_lowercase()) == d
    });
    (!rivals).then_some(key)
}

/// A dimension label as printed, without what the form adds around it:
/// whitespace and line breaks inside (`经济效 益指标`), a trailing `：` or
/// `等`, a trailing annotation in brackets (`（必填硬性指标）`); points
/// (`(50分)`, `（30分）`, an unbalanced `30分)`) are returned on their own.
fn clean_label(raw: &str) -> (String, Option<rust_decimal::Decimal>) {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let mut s = without_ordinal(&s).to_owned();
    let mut points = None;
    loop {
        let before = s.len();
        for suffix in ["：", ":", "等"] {
            if let Some(t) = s.strip_suffix(suffix) {
                s.truncate(t.len());
            }
        }
        // `成本指标(0-20)分`, `产出指标（40-50）分`: the points after the bracket.
        if let Some(t) = s.strip_suffix('分')
            && t.ends_with([')', '）'])
        {
            s.truncate(t.len());
        }
        let close = if s.ends_with(')') {
            1
        } else if s.ends_with('）') {
            '）'.len_utf8()
        } else {
            0
        };
        if close > 0 {
            let body_end = s.len() - close;
            let (start, inner) = match s[..body_end].rfind(['(', '（']) {
                Some(o) => {
                    let open = s[o..].chars().next().map_or(1, char::len_utf8);
                    (o, &s[o + open..body_end])
                }
                None => {
                    let start = s[..body_end]
                        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '分')
                        .len();
                    (start, &s[start..body_end])
                }
            };
            let p = amount::parse_decimal(inner.strip_suffix('分').unwrap_or(inner)).ok();
            if p.is_none() && !s[..body_end].contains(['(', '（']) {
                break;
            }
            if p.is_some() {
                points = p;
            }
            s.truncate(start);
        }
        if s.len() == before {
            break;
        }
    }
    (s, points)
}

/// A label without the ordinal an outline form numbers it with: `一、产出指标`,
/// `（三）时效指标`, `1.数量指标`, `2、社会效益指标`. Only a whole ordinal
/// followed by its separator goes (`一级指标` keeps its `一`), and never the
/// whole label.
fn without_ordinal(label: &str) -> &str {
    const NUMERALS: &str = "一二三四五六七八九十";
    let is_num = |c: char| NUMERALS.contains(c) || c.is_ascii_digit();
    let rest = if let Some(inner) = label.strip_prefix('（').or_else(|| label.strip_prefix('(')) {
        let digits = inner.trim_start_matches(is_num);
        (digits.len() < inner.len())
            .then(|| {
                digits
                    .strip_prefix('）')
                    .or_else(|| digits.strip_prefix(')'))
            })
            .flatten()
    } else {
        let digits = label.trim_start_matches(is_num);
        (digits.len() < label.len())
            .then(|| {
                ['、', '.', '．', '）', ')']
                    .into_iter()
                    .find_map(|sep| digits.strip_prefix(sep))
            })
            .flatten()
    };
    match rest {
        Some(r) if !r.is_empty() => r,
        _ => label,
    }
}

/// What a form prints in a number cell that has no figure: `/`, `—`, `-`.
fn is_blank_mark(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, '/' | '／' | '—' | '-' | '－' | '–' | '―' | '一'))
        && t.chars().count() <= 3
        // `一` alone is the figure one in words, not a dash
        && t != "一"
}

/// A dimension label as some forms shorten it (SPEC §1.1): without its
/// `指标` (`经济效益`, `可持续影响`, `数量`, a 一级 `满意度`) or with its 一级's
/// word in front (`产出数量`, `产出成本`, 武汉 自评表). It is read as the
/// dimension it names only when that is one of `allowed` (the 二级 of the
/// 一级 it stands under, or the profile's 一级): anything else stays unknown.
/// A form may also print `值` for `指标` (`产出值`, `数量值`, `可持续影响值`,
/// a 山东 county's 申报表).
fn shortened_dimension(label: &str, allowed: &[Key]) -> Option<Key> {
    let stems = [
        Some(label),
        label.strip_prefix("产出"),
        label.strip_prefix("效益"),
        label.strip_suffix('值'),
    ];
    stems
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .flat_map(|s| [s.to_owned(), format!("{s}指标")])
        .find_map(|c| Key::lookup(&c).filter(|k| allowed.contains(k)))
}

/// The comparator a `nature` 指标性质 cell or a name hint stands for; `None`
/// for 定性 and anything else.
fn nature_cmp(text: &str) -> Option<Cmp> {
    Some(match text.trim() {
        "≥" | ">=" | "≧" | "⩾" | "≥=" | "大于等于" | "大于或等于" | "不低于" | "不少于"
        | "不小于" | "正向" | "以上" => Cmp::Ge,
        "≤" | "<=" | "≦" | "⩽" | "≤=" | "小于等于" | "小于或等于" | "不高于" | "不超过"
        | "不大于" | "反向" | "以下" | "以内" => Cmp::Le,
        ">" | "大于" | "高于" | "超过" => Cmp::Gt,
        "<" | "小于" | "低于" => Cmp::Lt,
        "=" | "＝" | "═" | "﹦" | "==" | "等于" => Cmp::Eq,
        _ => return None,
    })
}

/// A unit as printed in a 度量单位 cell or a name hint: `百分比` and `％` are `%`;
/// a dash or slash (the cell marked empty) is none.
pub(crate) fn unit_of(text: &str) -> Option<Box<str>> {
    let t = text.trim();
    // `%(百分比)`: the unit, then its name in brackets.
    let t = match t.find(['(', '（']) {
        Some(i) if i > 0 => t[..i].trim(),
        _ => t,
    };
    match t {
        // A number in the unit column (an Excel date serial `44,561`) is no unit.
        _ if t.starts_with(|c: char| c.is_ascii_digit()) => None,
        "" | "-" | "－" | "—" | "/" | "／" | "无" => None,
        "%" | "％" | "百分比" | "百分率" => Some("%".into()),
        _ => Some(t.into()),
    }
}

/// A unit or template hint at the end of an indicator's name: `(亩)` is unit
/// 亩, `(≥**%)` is ≥ and %, `(≤**元/株)` is ≤ and 元/株.
fn name_hint(name: &str) -> Option<(Option<Cmp>, Option<Box<str>>)> {
    let name = name.trim_end();
    let body = name.strip_suffix(')').or_else(|| name.strip_suffix('）'))?;
    let open = body.rfind(['(', '（'])?;
    let inner = &body[open..];
    let inner = inner
        .strip_prefix('(')
        .or_else(|| inner.strip_prefix('（'))?
        .trim();
    let marks: &[char] = &['*', '＊', 'X', 'x', 'Ｘ', '×'];
    let hinted = inner.contains(marks);
    let rest: String = inner.chars().filter(|c| !marks.contains(c)).collect();
    let rest = rest.trim();
    let (cmp, unit) = ["≥=", ">=", "<=", "≥", "≤", "≧", "≦", ">", "<", "="]
        .iter()
        .find_map(|p| rest.strip_prefix(p).map(|u| (nature_cmp(p), u.trim())))
        .unwrap_or((None, rest));
    // A bare parenthesis is a unit only when short and without digits: `(亩)`,
    // `(万元)`, not `(含2022年结转)`.
    if !hinted
        && cmp.is_none()
        && (unit.chars().count() > 4 || unit.contains(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    if unit.contains(|c: char| c.is_ascii_digit() || c.is_whitespace()) {
        return None;
    }
    Some((cmp, unit_of(unit)))
}

// ---------------------------------------------------------------------------
// The normaliser.

struct Cx<'t, 'o> {
    text: &'t str,
    file: FileId,
    opts: &'o LoadOptions,
    findings: Vec<Finding>,
    dropped: crate::diag::Dropped,
    /// The declaration's year, for dates written without one (`6月30日前`).
    year: Option<i32>,
    /// The 一级 label being read, as written (for messages about its 二级).
    l1_label: String,
    /// Built on first use and kept: one index per file, however many duplicates.
    lines: std::cell::OnceCell<crate::source::LineIndex>,
}

impl Cx<'_, '_> {
    fn lang(&self) -> Lang {
        self.opts.lang
    }

    fn push(&mut self, code: &str, span: Span, message: String, help: Option<String>) {
        if self.findings.len() >= crate::diag::MAX_FINDINGS_PER_FILE {
            let severity = loader_code(code).map_or(Severity::Error, |c| c.severity);
            self.dropped.note(severity);
            return;
        }
        let mut f = code_finding(code, self.lang(), message, self.file, span);
        if let Some(h) = help {
            f.help = Some(h.into());
        }
        self.findings.push(f);
    }

    fn finish(mut self, doc: Option<Doc>) -> Loaded {
        self.findings.sort_by_key(|f| f.span.start);
        Loaded {
            doc,
            findings: self.findings,
            dropped: self.dropped,
            not_a_declaration: false,
        }
    }

    fn wrong_type(&mut self, node: &yaml::Node<'_>, want_zh: &str, want_en: &str, what: &str) {
        let help = match self.lang() {
            Lang::Zh => format!("把“{what}”写成{want_zh}"),
            Lang::En => format!("write `{what}` as {want_en}"),
        };
        self.wrong_type_help(node, want_zh, want_en, what, help);
    }

    /// A JX003 whose label says what is there and what belongs there, and
    /// whose help says how to write this key (not the generic help).
    fn wrong_type_help(
        &mut self,
        node: &yaml::Node<'_>,
        want_zh: &str,
        want_en: &str,
        what: &str,
        help: String,
    ) {
        let (msg, label) = match self.lang() {
            Lang::Zh => (
                format!("“{what}”应为{want_zh}，这里是{}", type_zh(node)),
                format!("这里是{}，应为{want_zh}", type_zh(node)),
            ),
            Lang::En => (
                format!("`{what}` should be {want_en}, not a {}", node.type_name()),
                format!("a {} here; {want_en} expected", node.type_name()),
            ),
        };
        self.push("JX003", node.span, msg, Some(help));
        if let Some(f) = self.findings.last_mut().filter(|f| f.span == node.span) {
            f.label = Some(crate::diag::clip(label));
        }
    }

    /// The last finding, if it is at `span`: its label says what belongs
    /// there and its help how to write it (a JX003 names this key's form, not
    /// the generic “映射、列表、文字或数字”).
    fn expect_here(&mut self, span: Span, (label_zh, label_en): (&str, &str), help: String) {
        let label = self.lang().pick(label_zh, label_en).to_owned();
        if let Some(f) = self.findings.last_mut().filter(|f| f.span == span) {
            f.label = Some(crate::diag::clip(label));
            f.help = Some(help.into());
        }
    }

    /// How the fields of a mapping are written, for a JX003 on `what`:
    /// “goals 下逐行写下一级字段，如 annual: 年度目标”.
    fn fields_help(&self, what: &str, fields: &[(Key, Ty)], list: bool) -> String {
        let shown: Vec<&(Key, Ty)> = fields.iter().take(2).collect();
        match self.lang() {
            Lang::Zh => {
                let ex: Vec<String> = shown
                    .iter()
                    .map(|(k, _)| {
                        let alias = k.aliases().first().copied().unwrap_or(k.name());
                        format!("{}: {alias}", k.name())
                    })
                    .collect();
                if list {
                    format!(
                        "“{what}”下每项以“- ”开头，再逐行写字段，如 - {}",
                        ex.join("、")
                    )
                } else {
                    format!("“{what}”下逐行写下一级字段，如 {}", ex.join("、"))
                }
            }
            Lang::En => {
                let ex: Vec<String> = shown
                    .iter()
                    .map(|(k, _)| format!("{}: ...", k.name()))
                    .collect();
                if list {
                    format!(
                        "start each item of `{what}` with \"- \" and give its fields, e.g. - {}",
                        ex.join(", ")
                    )
                } else {
                    format!(
                        "give the fields of `{what}` on their own lines under it, e.g. {}",
                        ex.join(", ")
                    )
                }
            }
        }
    }

    /// Read a mapping against `fields`; unknown and duplicate keys are reported.
    fn map(
        &mut self,
        node: &yaml::Node<'_>,
        fields: &'static [(Key, Ty)],
        unit: Option<MoneyUnit>,
    ) -> Node {
        let Yaml::Map(entries) = &node.yaml else {
            return Node::new(node.span, Value::Map(Vec::new()));
        };
        // budget.unit applies to every amount in the budget, wherever it is written.
        // Each key looked up once.
        let keys: Vec<Option<Key>> = entries
            .iter()
            .map(|(k, _)| k.as_str().and_then(Key::lookup))
            .collect();
        let unit = unit.or_else(|| {
            entries.iter().zip(&keys).find_map(|((_, v), key)| {
                (*key == Some(Key::Unit))
                    .then(|| v.as_str().and_then(MoneyUnit::parse))
                    .flatten()
            })
        });
        let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
        for ((k, v), &known) in entries.iter().zip(&keys) {
            let Some(name) = k.as_str() else {
                self.push(
                    "JX003",
                    k.span,
                    self.lang()
                        .pick("字段名须是文字", "a key must be text")
                        .into(),
                    None,
                );
                let help = self
                    .lang()
                    .pick(
                        "字段名写成文字，如 name: …",
                        "write the key as text, e.g. name: ...",
                    )
                    .to_owned();
                self.expect_here(k.span, ("应为文字的字段名", "a text key expected"), help);
                continue;
            };
            let field = known.and_then(|key| fields.iter().find(|(f, _)| *f == key));
            let Some(&(key, ty)) = field.or_else(|| {
                self.unknown_key(name, k.span, fields);
                // One close suggestion (`绩效指表` → indicators): after its JX002
                // the value is read as that key, so one typo is one finding.
                // Not when the mapping also has the key itself.
                known
                    .is_none()
                    .then(|| one_suggestion(name, names_of(fields)))
                    .flatten()
                    .filter(|s| !keys.contains(&Some(*s)))
                    .and_then(|s| fields.iter().find(|(f, _)| *f == s))
            }) else {
                continue;
            };
            if let Some(first) = out.iter().find(|e| e.key == key) {
                self.duplicate(name, key, k.span, first.key_span);
                continue;
            }
            if let Some(node) = self.field(key, ty, v, unit) {
                out.push(Entry {
                    key,
                    key_span: k.span,
                    node,
                });
            }
        }
        Node::new(node.span, Value::Map(out))
    }

    fn unknown_key(&mut self, name: &str, span: Span, fields: &'static [(Key, Ty)]) {
        let lang = self.lang();
        let known = Key::lookup(name);
        let (msg, help) = if let Some(home) = known.and_then(home_of) {
            match lang {
                Lang::Zh => (
                    format!("字段“{name}”不能出现在这里"),
                    format!("“{name}”应写在 {home} 下"),
                ),
                Lang::En => (
                    format!("key `{name}` does not belong here"),
                    format!("`{name}` belongs at {home}"),
                ),
            }
        } else {
            let msg = match lang {
                Lang::Zh => format!("未知字段“{name}”"),
                Lang::En => format!("unknown key `{name}`"),
            };
            let help = match did_you_mean(name, names_of(fields)) {
                Some(s) => match lang {
                    Lang::Zh => format!("是不是“{s}”？"),
                    Lang::En => format!("did you mean `{s}`?"),
                },
                None => {
                    let list: Vec<&str> = fields.iter().map(|(k, _)| k.name()).collect();
                    match lang {
                        Lang::Zh => format!("这里可用的字段：{}", list.join("、")),
                        Lang::En => format!("keys allowed here: {}", list.join(", ")),
                    }
                }
            };
            (msg, help)
        };
        self.push("JX002", span, msg, Some(help));
    }

    /// `goals:` written as one text or a list of texts: the annual goal(s),
    /// one per line. Anything else in the list is a JX003 on that item.
    fn goals_as_written(&mut self, v: &yaml::Node<'_>) -> Option<Node> {
        let text = match &v.yaml {
            Yaml::Scalar { text, .. } => text.to_string(),
            Yaml::Seq(items) => {
                let mut lines = Vec::with_capacity(items.len());
                for item in items {
                    match &item.yaml {
                        Yaml::Scalar { text, .. } if !item.is_null() => lines.push(text.as_ref()),
                        _ => {
                            let help = self.fields_help("goals", GOALS, false);
                            self.wrong_type_help(
                                item,
                                "文字（一项年度目标）",
                                "text (an annual goal)",
                                "goals",
                                help,
                            );
                        }
                    }
                }
                if lines.is_empty() {
                    // Nothing readable: goals without an annual goal (JX105 there).
                    return Some(Node::new(v.span, Value::Map(Vec::new())));
                }
                lines.join("\n")
            }
            Yaml::Map(_) => return None,
        };
        Some(Node::new(
            v.span,
            Value::Map(vec![Entry {
                key: Key::Annual,
                key_span: v.span,
                node: Node::new(v.span, Value::Text(text.into())),
            }]),
        ))
    }

    fn duplicate(&mut self, name: &str, key: Key, span: Span, first: Span) {
        let line = self
            .lines
            .get_or_init(|| crate::source::LineIndex::new(self.text))
            .line(first.start as usize);
        let first_name = &self.text[first.range()];
        let msg = match self.lang() {
            Lang::Zh if first_name == name => format!("字段“{name}”重复（第 {line} 行已有）"),
            Lang::Zh => format!("字段“{name}”与第 {line} 行的“{first_name}”是同一个字段（{key}）"),
            Lang::En if first_name == name => {
                format!("duplicate key `{name}` (first on line {line})")
            }
            Lang::En => {
                format!("`{name}` is the same key as `{first_name}` on line {line} ({key})")
            }
        };
        let mut f = code_finding("JX004", self.lang(), msg, self.file, span);
        f = f.also(
            self.file,
            first,
            self.lang().pick("第一次出现在这里", "first defined here"),
        );
        self.findings.push(f);
    }

    fn field(
        &mut self,
        key: Key,
        ty: Ty,
        v: &yaml::Node<'_>,
        unit: Option<MoneyUnit>,
    ) -> Option<Node> {
        let span = v.span;
        let lang = self.lang();
        let what = key.name();
        // Collections first: an empty value is an empty collection.
        match ty {
            Ty::Map(fields) => {
                return match &v.yaml {
                    Yaml::Map(_) => Some(self.map(v, fields, unit)),
                    _ if v.is_null() => Some(Node::new(span, Value::Map(Vec::new()))),
                    // The published forms list the annual goals one per line:
                    // `goals:` written as texts (or one text) is the annual goal.
                    _ if key == Key::Goals => self.goals_as_written(v),
                    _ => {
                        let help = self.fields_help(what, fields, false);
                        self.wrong_type_help(v, "映射（下一级字段）", "a mapping", what, help);
                        None
                    }
                };
            }
            Ty::Indicators => return Some(self.indicators(v)),
            Ty::Source if matches!(v.yaml, Yaml::Map(_)) => {
                return Some(self.map(v, SOURCE_ROW, unit));
            }
            Ty::Source => {
                let node = self.field(key, Ty::Amount, v, unit)?;
                return Some(Node::new(
                    span,
                    Value::Map(vec![Entry {
                        key: Key::Total,
                        key_span: span,
                        node,
                    }]),
                ));
            }
            Ty::TextList | Ty::MapList(_) => {
                let items = match &v.yaml {
                    Yaml::Seq(items) => items,
                    _ if v.is_null() => return Some(Node::new(span, Value::List(Vec::new()))),
                    _ => {
                        let help = match ty {
                            Ty::MapList(fields) => self.fields_help(what, fields, true),
                            _ => {
                                lang.pick(
                                    "每项一行，以“- ”开头，如 - ",
                                    "one item a line, starting with \"- \": - ",
                                )
                                .to_owned()
                                    + lang.pick("项目名称", "name")
                            }
                        };
                        self.wrong_type_help(v, "列表（每项以 - 开头）", "a list", what, help);
                        return None;
                    }
                };
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match (ty, &item.yaml) {
                        (Ty::MapList(fields), Yaml::Map(_)) => {
                            out.push(self.map(item, fields, None))
                        }
                        (Ty::TextList, Yaml::Scalar { text, .. }) => {
                            out.push(Node::new(item.span, Value::Text(text.as_ref().into())))
                        }
                        (Ty::MapList(fields), _) => {
                            let help = self.fields_help(what, fields, true);
                            self.wrong_type_help(item, "映射", "a mapping", what, help)
                        }
                        _ => self.wrong_type(item, "文字", "text", what),
                    }
                }
                return Some(Node::new(span, Value::List(out)));
            }
            _ => {}
        }
        let Some(text) = v.as_str() else {
            let (zh, en) = match ty {
                Ty::Amount | Ty::Number | Ty::Year | Ty::Count => ("数字", "a number"),
                Ty::Percent => ("百分数", "a percentage"),
                _ => ("文字", "text"),
            };
            self.wrong_type(v, zh, en, what);
            return None;
        };
        // A blank number cell, or one the form marks as blank (`/`, `—`, `-`), is
        // no figure: the field is absent, as if the cell were not typed (a blank
        // 得分 must not make the scores' sum undefined).
        if matches!(ty, Ty::Amount | Ty::Number | Ty::Percent)
            && (v.is_null() || is_blank_mark(text))
        {
            return None;
        }
        if v.is_null() {
            return Some(Node::new(span, Value::Null));
        }
        let value = match ty {
            Ty::Text => Value::Text(text.into()),
            Ty::History => match value::parse_in(text, self.year) {
                Ok(iv) => Value::Ind(Box::new(iv)),
                Err(_) => Value::Text(text.into()),
            },
            Ty::Scope => match text.trim() {
                "department" | "部门整体" | "部门" | "部门整体支出" => {
                    Value::Text("department".into())
                }
                "project" | "项目" | "项目支出" => Value::Text("project".into()),
                _ => {
                    let msg = match lang {
                        Lang::Zh => format!(
                            "“scope”须为 project（项目）或 department（部门整体），这里是“{text}”"
                        ),
                        Lang::En => {
                            format!("`scope` must be project or department, not `{text}`")
                        }
                    };
                    self.push("JX003", span, msg, None);
                    let help = lang
                        .pick(
                            "写 scope: project（项目支出）或 scope: department（部门整体支出）",
                            "write scope: project or scope: department",
                        )
                        .to_owned();
                    self.expect_here(
                        span,
                        (
                            "应为 project 或 department",
                            "project or department expected",
                        ),
                        help,
                    );
                    return None;
                }
            },
            Ty::Kind => match Kind::parse(text.trim()) {
                Some(k) => Value::Text(k.name().into()),
                None => {
                    let names = Kind::ALL.iter().flat_map(|k| [k.name(), k.zh()]);
                    // `目标` is part of 绩效目标: a guess too.
                    let part = Kind::ALL
                        .iter()
                        .find(|k| !text.trim().is_empty() && k.zh().contains(text.trim()))
                        .map(|k| k.name());
                    let help = did_you_mean(text, names).or(part).map(|s| {
                        lang.pick("是不是“", "did you mean `").to_owned()
                            + s
                            + lang.pick("”？", "`?")
                    });
                    let msg = match lang {
                        Lang::Zh => format!(
                            "未知的 kind“{text}”：须为 target（绩效目标）、self-evaluation（绩效自评）或 summary（汇总）"
                        ),
                        Lang::En => {
                            format!("unknown kind `{text}`: use target, self-evaluation or summary")
                        }
                    };
                    self.push("JX008", span, msg, help);
                    return None;
                }
            },
            Ty::Year | Ty::Count => {
                let t = text.trim();
                let t = if matches!(ty, Ty::Year) {
                    t.strip_suffix('年').unwrap_or(t)
                } else {
                    t
                };
                match amount::parse_decimal(t) {
                    Ok(d)
                        if d.scale() == 0
                            && !d.is_sign_negative()
                            && (!matches!(ty, Ty::Year)
                                || (1900..=2200).contains(&d.mantissa())) =>
                    {
                        Value::Num(Num {
                            value: d,
                            percent: false,
                        })
                    }
                    _ => {
                        let (zh, en, label, example) = if matches!(ty, Ty::Year) {
                            (
                                "四位数的年份（如 2022）",
                                "a four-digit year (e.g. 2022)",
                                ("应为四位数的年份", "a four-digit year expected"),
                                "2022",
                            )
                        } else {
                            (
                                "非负整数",
                                "a non-negative whole number",
                                ("应为非负整数", "a whole number expected"),
                                "10",
                            )
                        };
                        let msg = match lang {
                            Lang::Zh => format!("“{what}”应为{zh}，这里是“{text}”"),
                            Lang::En => format!("`{what}` should be {en}, not `{text}`"),
                        };
                        self.push("JX003", span, msg, None);
                        let help = match lang {
                            Lang::Zh => format!("用阿拉伯数字写，如 {what}: {example}"),
                            Lang::En => format!("write it in digits, e.g. {what}: {example}"),
                        };
                        self.expect_here(span, label, help);
                        return None;
                    }
                }
            }
            Ty::Amount => match amount::parse_amount(text) {
                Ok((d, written)) => {
                    let d = match (written, unit) {
                        (Some(_), _) => d,
                        (None, Some(u)) => u.to_wan(d),
                        (None, None) => d,
                    };
                    Value::Num(Num {
                        value: d,
                        percent: false,
                    })
                }
                Err(e) => {
                    self.bad_number("JX005", what, text, span, &e);
                    return None;
                }
            },
            // Points (分值, 得分) as the forms print them: `10分` is 10.
            Ty::Number => match amount::parse_decimal(
                text.trim().strip_suffix('分').map_or(text, str::trim_end),
            ) {
                Ok(d) => Value::Num(Num {
                    value: d,
                    percent: false,
                }),
                Err(e) => {
                    let code = if matches!(e, NumError::NotANumber) {
                        "JX003"
                    } else {
                        "JX005"
                    };
                    self.bad_number(code, what, text, span, &e);
                    return None;
                }
            },
            Ty::Percent => match amount::parse_percent(text) {
                Ok(d) => Value::Num(Num {
                    value: d,
                    percent: true,
                }),
                Err(e) => {
                    // The forms' 执行率(%) column: a bare number is percent points;
                    // one above 0 and at most 1 is the 执行率(B/A) column's ratio
                    // (the 2020 Hubei form prints `1` for 100%).
                    if let Ok(d) = amount::parse_decimal(text) {
                        let mut f = d / Decimal::ONE_HUNDRED;
                        if d > Decimal::ZERO && d <= Decimal::ONE {
                            f = d;
                        } else if d.scale() + 2 <= 28 {
                            f.rescale(d.scale() + 2);
                        }
                        return Some(Node::new(
                            span,
                            Value::Num(Num {
                                value: f,
                                percent: true,
                            }),
                        ));
                    }
                    if amount::parse_decimal(text).is_ok() {
                        let msg = match lang {
                            Lang::Zh => format!("“{what}”须写成百分数（如 19.7%），这里是“{text}”"),
                            Lang::En => {
                                format!("`{what}` must be a percentage (e.g. 19.7%), not `{text}`")
                            }
                        };
                        self.push("JX003", span, msg, None);
                        let help = match lang {
                            Lang::Zh => format!("写成百分数，如 {what}: 19.7%"),
                            Lang::En => format!("write a percentage, e.g. {what}: 19.7%"),
                        };
                        self.expect_here(span, ("应为百分数", "a percentage expected"), help);
                    } else {
                        let code = if matches!(e, NumError::NotANumber) {
                            "JX003"
                        } else {
                            "JX005"
                        };
                        self.bad_number(code, what, text, span, &e);
                        if code == "JX003" {
                            let help = match lang {
                                Lang::Zh => format!("写成百分数，如 {what}: 19.7%"),
                                Lang::En => format!("write a percentage, e.g. {what}: 19.7%"),
                            };
                            self.expect_here(span, ("应为百分数", "a percentage expected"), help);
                        }
                    }
                    return None;
                }
            },
            Ty::MoneyUnit => match MoneyUnit::parse(text) {
                Some(MoneyUnit::Wan) => Value::Text("万元".into()),
                Some(MoneyUnit::Yuan) => Value::Text("元".into()),
                None => {
                    let msg = match lang {
                        Lang::Zh => format!("金额单位须为“万元”或“元”，这里是“{text}”"),
                        Lang::En => format!("the money unit must be 万元 or 元, not `{text}`"),
                    };
                    self.push("JX003", span, msg, None);
                    let help = lang
                        .pick("写 unit: 万元 或 unit: 元", "write unit: 万元 or unit: 元")
                        .to_owned();
                    self.expect_here(span, ("应为万元或元", "万元 or 元 expected"), help);
                    return None;
                }
            },
            Ty::Value => match value::parse_in(text, self.year) {
                Ok(iv) => Value::Ind(Box::new(iv)),
                Err(e) => {
                    // The text is kept (not dropped) so that the indicator still
                    // has a value: one mistake gives one finding, not a JX007 and
                    // then a JX201/JX401 "no value". Rules see it as text that is
                    // not quantitative. A run of X or * where the number belongs
                    // (`≥ XX 人次`) is a placeholder, reported by JX203 with a
                    // clearer message than JX007's "expected a number".
                    let fault = text.get(e.offset..).and_then(|r| r.chars().next());
                    if fault.is_some_and(|c| "XxＸｘ×*＊".contains(c)) {
                        return Some(Node::new(span, Value::Text(text.into())));
                    }
                    match numberless(text) {
                        // `= 合格`, `≥ 良好`: graded wording behind the
                        // comparator, as the split forms print it.
                        Some(Numberless::Wording) => {
                            let iv = value::IndValue {
                                text: text.trim().into(),
                                cmp: None,
                                quantity: value::Quantity::Qualitative,
                                unit: None,
                            };
                            return Some(Node::new(span, Value::Ind(Box::new(iv))));
                        }
                        // `≧ %`, `≥ 人次`: the number of the template was never
                        // filled in; JX203 reports the placeholder.
                        Some(Numberless::UnitOnly) => {
                            return Some(Node::new(span, Value::Text(text.into())));
                        }
                        None => {}
                    }
                    let inner = self.inner_span(v, text);
                    let at = match inner {
                        Some(start) => {
                            let s = start + e.offset.min(text.len());
                            Span::new(s, (s + e.len.max(1)).min(span.end as usize).max(s))
                        }
                        None => span,
                    };
                    let msg = match lang {
                        Lang::Zh => format!("指标值“{text}”无法解析：此处应为{}", e.expected_zh),
                        Lang::En => format!(
                            "cannot read the value `{text}`: expected {} here",
                            e.expected_en
                        ),
                    };
                    self.push("JX007", at, msg, None);
                    Value::Text(text.into())
                }
            },
            // Collections were handled above.
            Ty::Map(_) | Ty::Indicators | Ty::TextList | Ty::MapList(_) | Ty::Source => {
                return None;
            }
        };
        Some(Node::new(span, value))
    }

    /// Byte offset where a scalar's cooked text starts in the source, when the
    /// source holds it verbatim (plain, or quoted without escapes).
    fn inner_span(&self, v: &yaml::Node<'_>, text: &str) -> Option<usize> {
        let raw = self.text.get(v.span.range())?;
        if raw == text {
            return Some(v.span.start as usize);
        }
        let inner = raw.get(1..raw.len().checked_sub(1)?)?;
        (inner == text).then_some(v.span.start as usize + 1)
    }

    fn bad_number(&mut self, code: &str, what: &str, text: &str, span: Span, e: &NumError) {
        let msg = match self.lang() {
            Lang::Zh => format!("“{what}”的值“{text}”{}", e.zh()),
            Lang::En => format!("`{what}` value `{text}`: {}", e.en()),
        };
        self.push(code, span, msg, None);
        if code == "JX003" {
            // Text where a number belongs (`十`, `三十七点三八`).
            let help = match self.lang() {
                Lang::Zh => format!("用阿拉伯数字写，如 {what}: 10"),
                Lang::En => format!("write it in digits, e.g. {what}: 10"),
            };
            self.expect_here(span, ("应为数字", "a number expected"), help);
        }
    }

    /// `indicators`: 一级 → 二级 → list of indicators, checked against the profile.
    ///
    /// Labels are read as printed (SPEC §1.1): whitespace, a trailing 等 or ：
    /// and a trailing annotation are dropped, a 一级's points are kept as its
    /// `points`; satisfaction written as a 二级 anywhere (the 88号 form puts
    /// 社会公众或服务对象满意度指标 under 效益指标) is moved under 满意度指标,
    /// and a known 二级 out of place (数量指标 under 项目决策) under its own 一级
    /// after its JX006. An unknown label is one JX006 and its indicators are
    /// kept: under the one close suggestion if there is one, else under 其他指标
    /// with `level1`/`level2` as written, so counts and weights still see them.
    fn indicators(&mut self, v: &yaml::Node<'_>) -> Node {
        let lang = self.lang();
        let l1_entries = match &v.yaml {
            Yaml::Map(es) => es,
            _ => {
                if !v.is_null() {
                    self.wrong_type(
                        v,
                        "映射（一级指标 → 二级指标 → 三级指标列表）",
                        "a mapping (一级 → 二级 → list)",
                        "indicators",
                    );
                }
                return Node::new(v.span, Value::Map(Vec::new()));
            }
        };
        let mut l1_out: Vec<Entry> = Vec::new();
        // 二级 found under another 一级 (satisfaction anywhere, a known 二级 out
        // of place): moved under their own 一级 at the end.
        let mut moved: Vec<(Key, Entry)> = Vec::new();
        for (k1, v1) in l1_entries {
            let name = k1.as_str().unwrap_or("");
            let (label, points) = clean_label(name);
            let l1 = self.level1_key(name, &label, k1.span);
            self.l1_label = label.clone();
            if l1 != Key::OtherDimension
                && let Some(first) = l1_out.iter().find(|e| e.key == l1)
            {
                self.duplicate(name, l1, k1.span, first.key_span);
                continue;
            }
            let l1_text: Box<str> = if l1 == Key::OtherDimension {
                label.as_str().into()
            } else {
                l1.name().into()
            };
            let l2_entries = match &v1.yaml {
                Yaml::Map(es) => &es[..],
                _ if v1.is_null() => &[],
                _ => {
                    self.wrong_type(
                        v1,
                        "映射（二级指标 → 三级指标列表）",
                        "a mapping (二级 → list)",
                        name,
                    );
                    continue;
                }
            };
            let mut l2_out: Vec<Entry> = Vec::new();
            if let Some(p) = points {
                l2_out.push(Entry {
                    key: Key::Points,
                    key_span: k1.span,
                    node: Node::new(
                        k1.span,
                        Value::Num(Num {
                            value: p,
                            percent: false,
                        }),
                    ),
                });
            }
            for (k2, v2) in l2_entries {
                let name2 = k2.as_str().unwrap_or("");
                let (label2, _) = clean_label(name2);
                let (l2, relocate) = self.level2_key(name2, &label2, l1, k2.span);
                let (ind_l1, ind_l2): (Box<str>, Box<str>) = (
                    match relocate {
                        Some(home) => home.name().into(),
                        None => l1_text.clone(),
                    },
                    if l2 == Key::OtherDimension {
                        label2.as_str().into()
                    } else {
                        l2.name().into()
                    },
                );
                if l2 != Key::OtherDimension
                    && relocate.is_none()
                    && let Some(first) = l2_out.iter().find(|e| e.key == l2)
                {
                    self.duplicate(name2, l2, k2.span, first.key_span);
                    continue;
                }
                let items: &[yaml::Node<'_>] = match &v2.yaml {
                    Yaml::Seq(items) => items,
                    Yaml::Map(_) => std::slice::from_ref(v2),
                    _ if v2.is_null() => &[],
                    _ => {
                        self.wrong_type(
                            v2,
                            "三级指标列表（每项以 - 开头）",
                            "a list of indicators",
                            name2,
                        );
                        continue;
                    }
                };
                if matches!(v2.yaml, Yaml::Map(_)) {
                    self.wrong_type(
                        v2,
                        "三级指标列表（每项以 - 开头）",
                        "a list of indicators",
                        name2,
                    );
                }
                let mut list = Vec::with_capacity(items.len());
                for item in items {
                    if !matches!(item.yaml, Yaml::Map(_)) {
                        self.wrong_type(
                            item,
                            "映射（name、target 等字段）",
                            "a mapping (name, target, …)",
                            lang.pick("三级指标", "indicator"),
                        );
                        continue;
                    }
                    let mut ind = self.map(item, INDICATOR, None);
                    if let Value::Map(es) = &mut ind.value {
                        self.as_printed(es);
                        es.push(Entry {
                            key: Key::Level1,
                            key_span: k1.span,
                            node: Node::new(k1.span, Value::Text(ind_l1.clone())),
                        });
                        es.push(Entry {
                            key: Key::Level2,
                            key_span: k2.span,
                            node: Node::new(k2.span, Value::Text(ind_l2.clone())),
                        });
                    }
                    list.push(ind);
                }
                // An unknown label was reported; with nothing under it there
                // is nothing to keep (and no 二级 named 其他指标 to show).
                if l2 == Key::OtherDimension && list.is_empty() {
                    continue;
                }
                let entry = Entry {
                    key: l2,
                    key_span: k2.span,
                    node: Node::new(v2.span, Value::List(list)),
                };
                match relocate {
                    Some(home) => moved.push((home, entry)),
                    None => l2_out.push(entry),
                }
            }
            if l1 == Key::OtherDimension && l2_out.is_empty() {
                continue;
            }
            l1_out.push(Entry {
                key: l1,
                key_span: k1.span,
                node: Node::new(v1.span, Value::Map(l2_out)),
            });
        }
        for (home, entry) in moved {
            let at = match l1_out.iter().position(|e| e.key == home) {
                Some(i) => i,
                None => {
                    l1_out.push(Entry {
                        key: home,
                        key_span: entry.key_span,
                        node: Node::new(entry.node.span, Value::Map(Vec::new())),
                    });
                    l1_out.len() - 1
                }
            };
            if let Value::Map(l2s) = &mut l1_out[at].node.value {
                match l2s.iter_mut().find(|e| e.key == entry.key) {
                    Some(e) => {
                        if let (Value::List(to), Value::List(from)) =
                            (&mut e.node.value, entry.node.value)
                        {
                            to.extend(from);
                        }
                    }
                    None => l2s.push(entry),
                }
            }
        }
        Node::new(v.span, Value::Map(l1_out))
    }

    /// An indicator row as printed (SPEC §1.1): the split columns `nature`
    /// 指标性质 and `unit` 度量单位 complete a bare `target`; else a unit or
    /// hint in the name (`(亩)`, `(≥**%)`) does; a bare actual takes the
    /// indicator's unit (the split `unit`, else the target's). A bare actual
    /// of at most 1 beside a target of 50 % or more is the share written as a
    /// ratio (`1` for 100 %, `0.98` for 98 %, as a number-formatted cell
    /// prints it), not 1 %.
    fn as_printed(&mut self, es: &mut [Entry]) {
        let text_of = |k: Key| {
            es.iter()
                .find(|e| e.key == k)
                .and_then(|e| e.node.text())
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
        };
        let nature = text_of(Key::Nature);
        let unit_text = text_of(Key::Unit);
        let unit = unit_text.as_deref().and_then(unit_of);
        let hint = text_of(Key::Name).and_then(|n| name_hint(&n));
        let qualitative = nature.as_deref() == Some("定性");
        let cmp = nature.as_deref().and_then(nature_cmp);
        let split = cmp.is_some() || unit.is_some();
        let mut target_unit: Option<Box<str>> = None;
        let mut target_share = None;
        if let Some(e) = es.iter_mut().find(|e| e.key == Key::Target)
            && let Value::Ind(t) = &mut e.node.value
        {
            if qualitative {
                t.quantity = value::Quantity::Qualitative;
                t.cmp = None;
                t.unit = None;
            } else if split {
                if value::complete(t, cmp, unit.as_deref()) {
                    let parts = [nature.as_deref(), Some(&*t.text), unit_text.as_deref()];
                    t.text = parts
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .into();
                }
            } else if let Some((c, u)) = &hint {
                value::complete(t, *c, u.as_deref());
            }
            target_unit = t.unit.clone();
            target_share = match t.quantity {
                value::Quantity::Percent(p) => Some(p),
                _ => None,
            };
        }
        let actual_unit = unit.or(target_unit);
        if let Some(e) = es.iter_mut().find(|e| e.key == Key::Actual)
            && let Value::Ind(a) = &mut e.node.value
            && let value::Quantity::Number(d) = a.quantity
        {
            let half = rust_decimal::Decimal::new(5, 1);
            let ratio = a.unit.is_none()
                && target_share.is_some_and(|p| p >= half)
                && d > rust_decimal::Decimal::ZERO
                && d <= rust_decimal::Decimal::ONE;
            if ratio && actual_unit.as_deref() == Some("%") {
                a.quantity = value::Quantity::Percent(d);
                a.unit = Some("%".into());
            } else {
                value::complete(a, None, actual_unit.as_deref());
            }
        }
    }

    /// The 一级 a label stands for; an unknown one is reported (JX006) and read
    /// as the one close suggestion, a dimension of another level as itself,
    /// else as 其他指标.
    fn level1_key(&mut self, name: &str, label: &str, span: Span) -> Key {
        let profile = self.opts.profile;
        let known = Key::lookup(name)
            .or_else(|| Key::lookup(label))
            .filter(|k| k.is_dimension())
            .or_else(|| shortened_dimension(label, profile.level1()));
        if let Some(k) = known.filter(|&k| profile.is_level1(k)) {
            return k;
        }
        // A table of the 101号 system (成本指标 a 一级 of its own) read in the
        // legacy one: no finding; its cost 二级 move under 产出指标, where the
        // legacy system has them (level2_key).
        if known == Some(Key::Cost) && profile == Profile::Legacy {
            return Key::Cost;
        }
        self.unknown_dimension(name, span, None);
        known
            .or_else(|| {
                let names = profile
                    .level1()
                    .iter()
                    .flat_map(|k| std::iter::once(k.name()).chain(k.aliases().iter().copied()));
                one_suggestion(label, names)
            })
            .unwrap_or(Key::OtherDimension)
    }

    /// The 二级 a label stands for under `l1`, and the 一级 it is moved to.
    /// Satisfaction wherever it stands is 服务对象满意度指标 under 满意度指标; a
    /// known 二级 out of place is reported (JX006, unless its 一级 already was)
    /// and moved under its own 一级; under 投入/过程 and an unknown 一级 any
    /// other label is accepted; otherwise an unknown one is reported (JX006)
    /// and read as the one close suggestion, else as 其他指标.
    fn level2_key(&mut self, name: &str, label: &str, l1: Key, span: Span) -> (Key, Option<Key>) {
        let profile = self.opts.profile;
        let known = Key::lookup(name)
            .or_else(|| Key::lookup(label))
            .filter(|k| k.is_dimension())
            .or_else(|| {
                let mut allowed = profile.level2(l1).unwrap_or(&[]).to_vec();
                allowed.extend([Key::Satisfaction, Key::ServiceSatisfaction]);
                shortened_dimension(label, &allowed)
            })
            // 社会公众满意度指标, 受益对象满意度, 群众满意度: the forms name whose
            // satisfaction it is; there is one satisfaction 二级 in every profile.
            .or_else(|| {
                (label.ends_with("满意度") || label.ends_with("满意度指标"))
                    .then_some(Key::ServiceSatisfaction)
            });
        if matches!(known, Some(Key::Satisfaction | Key::ServiceSatisfaction)) {
            return (
                Key::ServiceSatisfaction,
                (l1 != Key::Satisfaction).then_some(Key::Satisfaction),
            );
        }
        // The 一级 a known dimension belongs under, for its finding's help.
        let home = || {
            known.and_then(|k| {
                profile
                    .level1()
                    .iter()
                    .copied()
                    .find(|&h| profile.level2(h).is_some_and(|s| s.contains(&k)))
            })
        };
        // Under a 101号 一级 成本指标 read in the legacy system (level1_key):
        // its cost 二级 move under 产出指标; anything else is reported.
        if l1 == Key::Cost && profile == Profile::Legacy {
            let cost = Profile::Mof2021.level2(Key::Cost).unwrap_or(&[]);
            if let Some(k) = known.filter(|k| cost.contains(k) || *k == Key::Cost) {
                return (k, Some(Key::Output));
            }
            self.unknown_dimension(name, span, Some(l1));
            return (known.unwrap_or(Key::OtherDimension), home());
        }
        let allowed = profile.level2(l1).unwrap_or(&[]);
        if let Some(k) = known.filter(|k| allowed.contains(k)) {
            return (k, None);
        }
        // An unknown 一级 or a dimension out of place as a 一级 (reported
        // already): no second finding.
        if !matches!(l1, Key::Input | Key::Process)
            && (l1 == Key::OtherDimension || profile.level2(l1).is_none())
        {
            return (known.unwrap_or(Key::OtherDimension), home());
        }
        if matches!(l1, Key::Input | Key::Process) && home().is_none() {
            return (known.unwrap_or(Key::OtherDimension), None);
        }
        self.unknown_dimension(name, span, Some(l1));
        match known {
            Some(k) => (k, home()),
            None => {
                let names = allowed
                    .iter()
                    .flat_map(|k| std::iter::once(k.name()).chain(k.aliases().iter().copied()));
                (
                    one_suggestion(label, names).unwrap_or(Key::OtherDimension),
                    None,
                )
            }
        }
    }

    fn unknown_dimension(&mut self, name: &str, span: Span, l1: Option<Key>) {
        let lang = self.lang();
        let profile = self.opts.profile;
        let known = Key::lookup(name).filter(|k| k.is_dimension());
        let allowed: Vec<Key> = match l1 {
            None => profile.level1().to_vec(),
            Some(l1) => profile.level2(l1).unwrap_or(&[]).to_vec(),
        };
        let level = match (l1, lang) {
            (None, Lang::Zh) => "一级指标",
            (Some(_), Lang::Zh) => "二级指标",
            (None, Lang::En) => "first-level dimension",
            (Some(_), Lang::En) => "second-level dimension",
        };
        // Where it would belong instead, when it is a dimension of this profile.
        let elsewhere = known.and_then(|k| {
            if profile.level1().contains(&k) {
                Some(
                    lang.pick("它是一级指标", "it is a first-level dimension")
                        .to_owned(),
                )
            } else {
                profile
                    .level1()
                    .iter()
                    .find(|l| profile.level2(**l).is_some_and(|s| s.contains(&k)))
                    .map(|l| match lang {
                        Lang::Zh => format!("它属于“{l}”"),
                        Lang::En => format!("it belongs under {l}"),
                    })
            }
        });
        // 投入/过程 go by many names (项目决策, 项目管理): say the one written.
        let shown: Option<String> = l1.map(|k| match k {
            Key::Input | Key::Process if !self.l1_label.is_empty() => self.l1_label.clone(),
            _ => k.name().to_owned(),
        });
        let msg = match (lang, shown) {
            (Lang::Zh, None) => format!("“{name}”不是{}体系中的一级指标", profile.name()),
            (Lang::Zh, Some(l1)) => format!("“{name}”不是“{l1}”下的二级指标（{}）", profile.name()),
            (Lang::En, None) => format!(
                "`{name}` is not a {level} in the {} profile",
                profile.name()
            ),
            (Lang::En, Some(l1)) => format!(
                "`{name}` is not a {level} of {l1} in the {} profile",
                profile.name()
            ),
        };
        let names = allowed
            .iter()
            .flat_map(|k| std::iter::once(k.name()).chain(k.aliases().iter().copied()));
        let help = match (elsewhere, did_you_mean(name, names)) {
            (Some(e), _) => e,
            (None, Some(s)) => match lang {
                Lang::Zh => format!("是不是“{s}”？"),
                Lang::En => format!("did you mean `{s}`?"),
            },
            (None, None) => {
                let list: Vec<&str> = allowed.iter().map(|k| k.name()).collect();
                match lang {
                    Lang::Zh => format!("可用的{level}：{}", list.join("、")),
                    Lang::En => format!("allowed here: {}", list.join(", ")),
                }
            }
        };
        self.push("JX006", span, msg, Some(help));
    }
}

/// Convenience for tests and embedders: load a text with default options.
pub fn load_str(text: &str) -> Loaded {
    load_text(text, 0, &LoadOptions::default(), true)
}

/// What follows a comparator that has no number behind it.
enum Numberless {
    /// Graded wording of the qualitative vocabulary (`= 合格`).
    Wording,
    /// A unit alone (`≧ %`): an unfilled template.
    UnitOnly,
}

/// The units that JX203's `placeholder` pattern (rules/structure.rules)
/// recognises after a bare comparator; kept in step with it by the test
/// `comparator_without_number_is_one_finding`.
const PLACEHOLDER_UNITS: &[&str] = &[
    "%",
    "％",
    "个",
    "人",
    "人次",
    "户",
    "次",
    "项",
    "万元",
    "元",
    "万人",
    "亩",
    "万亩",
    "公里",
    "千米",
    "米",
    "平方米",
    "吨",
    "台",
    "辆",
    "座",
    "所",
    "家",
    "天",
];

/// A value that is a comparator symbol followed by no digit at all.
fn numberless(text: &str) -> Option<Numberless> {
    let t = text.trim();
    let rest = [
        "≥=", ">=", "<=", "≥", "≧", "⩾", "≤", "≦", "⩽", "=", "＝", "═", "﹦", ">", "<",
    ]
    .iter()
    .find_map(|c| t.strip_prefix(c))?
    .trim();
    if rest
        .chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        return None;
    }
    if crate::score::qualitative_band(rest).is_some() {
        Some(Numberless::Wording)
    } else if PLACEHOLDER_UNITS.contains(&rest) {
        Some(Numberless::UnitOnly)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan finds what decoding every character finds, with
    /// characters cut across its 32-byte blocks and `·`/`©` (0xC2, not C1).
    #[test]
    fn control_chars_are_found_on_the_bytes_as_on_the_characters() {
        let naive = |t: &str| {
            let bad = |c: char| matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}');
            let (at, c) = t.char_indices().find(|&(_, c)| bad(c))?;
            Some((at, c, t[at..].chars().filter(|&c| bad(c)).count()))
        };
        let pad = "项目·名称©\t\r\n".repeat(7);
        for bad in [
            "",
            "\u{85}",
            "\u{7F}",
            "\u{0}",
            "\u{1B}",
            "\u{9F}x\u{1}",
            "\u{A0}",
        ] {
            for cut in 0..40 {
                let t = format!("{}{bad}{pad}", &"a".repeat(cut));
                assert_eq!(control_char(&t), naive(&t), "{t:?}");
                let t = format!("{pad}{}{bad}", &"é".repeat(cut));
                assert_eq!(control_char(&t), naive(&t), "{t:?}");
            }
        }
    }

    #[test]
    fn comparator_without_number_is_one_finding() {
        // Every unit the loader lets through as a placeholder must be one that
        // JX203's pattern catches, or the value would go unreported.
        let rules = include_str!("../rules/structure.rules");
        let line = rules
            .lines()
            .find(|l| l.starts_with("param placeholder = "))
            .expect("JX203's placeholder pattern");
        let pattern = line["param placeholder = ".len()..]
            .trim()
            .trim_matches('"');
        let re = regex::Regex::new(&pattern.replace("\\\\", "\\")).expect("a regex");
        for unit in PLACEHOLDER_UNITS {
            let v = format!("≥ {unit}");
            assert!(matches!(numberless(&v), Some(Numberless::UnitOnly)), "{v}");
            assert!(re.is_match(&v), "JX203 must catch {v}");
        }
        assert!(matches!(numberless("= 合格"), Some(Numberless::Wording)));
        assert!(matches!(numberless("≥良好"), Some(Numberless::Wording)));
        assert!(numberless("≥ 公顷").is_none()); // JX007 stays
        assert!(numberless("≥ 95%").is_none());
        assert!(numberless("合格").is_none());
    }

    #[test]
    fn shortened_labels_name_only_a_dimension_of_their_place() {
        let out = Profile::Legacy.level2(Key::Output).unwrap_or(&[]);
        let benefit = Profile::Legacy.level2(Key::Benefit).unwrap_or(&[]);
        assert_eq!(shortened_dimension("产出数量", out), Some(Key::Quantity));
        assert_eq!(shortened_dimension("产出成本", out), Some(Key::Cost));
        assert_eq!(shortened_dimension("数量", out), Some(Key::Quantity));
        assert_eq!(
            shortened_dimension("可持续影响", benefit),
            Some(Key::Sustainability)
        );
        assert_eq!(
            shortened_dimension("满意度", Profile::Legacy.level1()),
            Some(Key::Satisfaction)
        );
        // a 二级 of another 一级, or no dimension at all, stays unknown
        assert_eq!(shortened_dimension("社会效益", out), None);
        assert_eq!(shortened_dimension("产出效益", out), None);
        // `值` printed for `指标`
        assert_eq!(shortened_dimension("数量值", out), Some(Key::Quantity));
        assert_eq!(
            shortened_dimension("产出值", Profile::Legacy.level1()),
            Some(Key::Output)
        );
        assert_eq!(
            shortened_dimension("可持续影响值", benefit),
            Some(Key::Sustainability)
        );
        assert_eq!(shortened_dimension("指标值", out), None);
        assert_eq!(shortened_dimension("产值", out), None);
        assert_eq!(shortened_dimension("", out), None);
    }

    #[test]
    fn labels_lose_what_the_form_adds() {
        let c = |s: &str| {
            let (l, p) = clean_label(s);
            (l, p.map(|d| d.to_string()))
        };
        let s = |x: &str| x.to_owned();
        assert_eq!(c("产出指标(50分)"), (s("产出指标"), Some(s("50"))));
        assert_eq!(c("效益指标 30分)"), (s("效益指标"), Some(s("30"))));
        assert_eq!(c("产出指标（50）"), (s("产出指标"), Some(s("50"))));
        assert_eq!(c("数量指标（必填硬性指标）"), (s("数量指标"), None));
        assert_eq!(c("经济效\n益指标"), (s("经济效益指标"), None));
        assert_eq!(c("服务对象满意度指标等："), (s("服务对象满意度指标"), None));
        assert_eq!(c("(50分)"), (s(""), Some(s("50"))));
        // the points after the bracket, a range of them (Chongqing 审批表)
        assert_eq!(c("成本指标(0-20)分"), (s("成本指标"), None));
        assert_eq!(c("产出指标\n（40-50）分"), (s("产出指标"), None));
        assert_eq!(c("满意度指标(10)分"), (s("满意度指标"), Some(s("10"))));
        assert_eq!(c("分"), (s("分"), None));
        // an outline form's ordinals
        assert_eq!(c("一、产出指标"), (s("产出指标"), None));
        assert_eq!(c("（三）时效指标"), (s("时效指标"), None));
        assert_eq!(c("1.数量指标"), (s("数量指标"), None));
        assert_eq!(
            c("2、社会效益指标(10分)"),
            (s("社会效益指标"), Some(s("10")))
        );
        assert_eq!(c("十二、满意度指标"), (s("满意度指标"), None));
        assert_eq!(c("一级指标"), (s("一级指标"), None));
        assert_eq!(c("一、"), (s("一、"), None));
        assert_eq!(c("（一）"), (s(""), None)); // an annotation alone, as before
        assert_eq!(c("12"), (s("12"), None));
        // odd input is left as it is, never a panic
        for odd in [
            "",
            ")",
            "（",
            "）",
            "分)",
            "((",
            "指标)(",
            "（（）",
            "a(b)c)",
        ] {
            let _ = clean_label(odd);
        }
        assert_eq!(c("x)"), (s("x)"), None));
    }

    #[test]
    fn names_give_units_and_hints() {
        assert_eq!(
            name_hint("实施营造林总面积(亩)"),
            Some((None, Some("亩".into())))
        );
        assert_eq!(
            name_hint("苗木成活率(≥**%)"),
            Some((Some(Cmp::Ge), Some("%".into())))
        );
        assert_eq!(
            name_hint("补助成本（≤**元/株）"),
            Some((Some(Cmp::Le), Some("元/株".into())))
        );
        assert_eq!(name_hint("资金(含2022年结转)"), None);
        assert_eq!(name_hint("县(市、区)覆盖率"), None);
        for odd in ["", "(", ")", "()", "（）", "(**)", "(≥)"] {
            let _ = name_hint(odd);
        }
        assert_eq!(nature_cmp("═"), Some(Cmp::Eq));
        assert_eq!(nature_cmp("反向"), Some(Cmp::Le));
        assert_eq!(nature_cmp("定性"), None);
        assert_eq!(unit_of("百分比").as_deref(), Some("%"));
        assert_eq!(unit_of("%(百分比)").as_deref(), Some("%"));
        assert_eq!(unit_of("44,561"), None);
        assert_eq!(unit_of("-"), None);
        assert_eq!(unit_of("／"), None);
    }

    #[test]
    fn one_suggestion_only_when_it_is_unambiguous() {
        let dims = ["数量指标", "质量指标", "时效指标", "成本指标"];
        assert_eq!(one_suggestion("数量指票", dims), Some(Key::Quantity));
        // 量指标 is one edit from both 数量指标 and 质量指标
        assert_eq!(one_suggestion("量指标", dims), None);
        assert_eq!(
            one_suggestion("绩效指表", ["indicators", "绩效指标"]),
            Some(Key::Indicators)
        );
    }
}
