//! Findings: plain data (code, severity, file, span, message, labels, help) that
//! every output format renders the same way. Loader diagnostics (JX0xx) and rule
//! findings (JX1xx and up) are both `Finding`s.

use crate::source::Span;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// Longest message, label or help text a finding carries, in bytes; longer
/// ones (a 2 MB scalar quoted in a message) are cut at a character boundary
/// and end in `…`.
pub const MAX_MESSAGE: usize = 4096;

/// Most secondary labels one finding carries; the rest are dropped.
pub const MAX_LABELS: usize = 64;

/// `s`, cut to at most [`MAX_MESSAGE`] bytes (plus the `…`).
pub fn clip(mut s: String) -> String {
    if s.len() > MAX_MESSAGE {
        let mut end = MAX_MESSAGE;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

/// How much a finding matters: errors fail the run (exit 1), warnings and
/// infos are shown but do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// 错误: the declaration would be sent back.
    Error,
    /// 警告: a reviewer would ask about it.
    Warning,
    /// 提示: worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`, as in configs and machine formats.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
    /// The severity named `s` (`error`, `warning`, `info`).
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The language of built-in messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// 中文, the default.
    #[default]
    Zh,
    /// English (`--lang en`).
    En,
}

impl Lang {
    /// The language named `s` (`zh`, `zh-CN`, `cn`, `en`, `en-US`).
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" | "zh_CN" | "cn" => Some(Lang::Zh),
            "en" | "en-US" | "en_US" => Some(Lang::En),
            _ => None,
        }
    }
    /// "did you mean `x`?" in this language.
    pub fn suggest(self, x: &str) -> String {
        match self {
            Lang::Zh => format!("是不是“{x}”？"),
            Lang::En => format!("did you mean `{x}`?"),
        }
    }
    /// Pick the text for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Index of a file in the run's file table.
pub type FileId = u32;

/// A secondary label, in the finding's own file or another one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The file the label points into.
    pub file: FileId,
    /// Where in that file (bytes of its text; a cell for a workbook table).
    pub span: Span,
    /// What the label says there.
    pub text: String,
}

/// Why a finding is not counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suppression {
    /// A `waivers` entry in the declaration, with its reason.
    Waiver(String),
    /// Recorded in the baseline file.
    Baseline,
}

/// One finding: a rule (or the loader) says something about a place in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's code, `JX304`.
    pub code: Arc<str>,
    /// Its severity after configuration.
    pub severity: Severity,
    /// The rule's title in the run's language.
    pub title: Arc<str>,
    /// What is wrong here, in the run's language.
    pub message: String,
    /// The file, an index into [`crate::check::Outcome::files`].
    pub file: FileId,
    /// The primary location: bytes of the file's text (for a workbook table,
    /// of the text it reads as; [`crate::source::FileEntry::cell`] gives the cell).
    pub span: Span,
    /// Text under the primary span, stating the problem there: a rule's
    /// `at PATH "text"` (else its message); renderers fall back to the title.
    pub label: Option<String>,
    /// Secondary labels (the other side of a sum, the summary's row).
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<Arc<str>>,
    /// The offending node's path in the document (`indicators.产出指标.数量指标[服务人次]`),
    /// for baselines: stable when other lines move.
    pub path: String,
    /// Set when a waiver or the baseline silences the finding.
    pub suppressed: Option<Suppression>,
    /// The edit a rule's `fix` proposes (SPEC §3.1).
    pub fix: Option<Fix>,
}

/// An edit that fixes a finding: replace the bytes at `span` (one scalar of
/// the finding's file) with `replacement`. `safe` fixes redo a computation;
/// unsafe ones change a judgement (`--unsafe-fixes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// The bytes replaced.
    pub span: Span,
    /// What they are replaced with.
    pub replacement: String,
    /// Applied by `--fix`; an unsafe fix needs `--unsafe-fixes`.
    pub safe: bool,
}

impl Finding {
    /// A finding with no labels, help, path, suppression or fix.
    pub fn new(
        code: impl Into<Arc<str>>,
        severity: Severity,
        title: impl Into<Arc<str>>,
        message: impl Into<String>,
        file: FileId,
        span: Span,
    ) -> Finding {
        Finding {
            code: code.into(),
            severity,
            title: title.into(),
            message: clip(message.into()),
            file,
            span,
            label: None,
            labels: Vec::new(),
            help: None,
            path: String::new(),
            suppressed: None,
            fix: None,
        }
    }
    /// The finding with this help text.
    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Finding {
        let help: Arc<str> = help.into();
        self.help = Some(if help.len() > MAX_MESSAGE {
            clip(help.to_string()).into()
        } else {
            help
        });
        self
    }
    /// The finding with this text under its primary span.
    pub fn with_label(mut self, label: impl Into<String>) -> Finding {
        self.label = Some(clip(label.into()));
        self
    }
    /// The same finding in file `file`.
    /// The finding moved to another file of the run.
    pub fn in_file(mut self, file: FileId) -> Finding {
        self.file = file;
        self
    }
    /// The finding with the node path of what it is about.
    pub fn with_path(mut self, path: impl Into<String>) -> Finding {
        self.path = path.into();
        self
    }
    /// The finding with one more secondary label.
    pub fn also(mut self, file: FileId, span: Span, text: impl Into<String>) -> Finding {
        if self.labels.len() < MAX_LABELS {
            self.labels.push(Label {
                file,
                span,
                text: clip(text.into()),
            });
        }
        self
    }
    /// Whether a waiver or the baseline silences it.
    pub fn is_suppressed(&self) -> bool {
        self.suppressed.is_some()
    }
}

/// Counts for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Unsuppressed errors.
    pub errors: usize,
    /// Unsuppressed warnings.
    pub warnings: usize,
    /// Unsuppressed infos.
    pub infos: usize,
    /// Findings silenced by a waiver or the baseline.
    pub suppressed: usize,
    /// Files checked.
    pub files: usize,
    /// Of `suppressed`, those in the baseline (the rest are waived).
    pub baselined: usize,
    /// Baseline entries that matched no finding (fixed since).
    pub stale: usize,
}

impl Tally {
    /// Count one finding.
    pub fn add(&mut self, f: &Finding) {
        if f.is_suppressed() {
            self.suppressed += 1;
            self.baselined += usize::from(f.suppressed == Some(Suppression::Baseline));
            return;
        }
        match f.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    /// `2 errors, 1 warning in 11 files`, and in Chinese before it for `zh`.
    /// The summary line (`2 个错误，1 个警告，共 3 个文件（2 errors, …）`).
    pub fn line(&self, lang: Lang) -> String {
        fn n(k: usize, one: &str) -> String {
            if k == 1 {
                format!("1 {one}")
            } else {
                format!("{k} {one}s")
            }
        }
        let mut en = format!(
            "{}, {}",
            n(self.errors, "error"),
            n(self.warnings, "warning")
        );
        let mut zh = format!("{} 个错误，{} 个警告", self.errors, self.warnings);
        if self.infos > 0 {
            en += &format!(", {} info", self.infos);
            zh += &format!("，{} 条提示", self.infos);
        }
        // Waived (豁免) and baselined (基线) are told apart (first contact #27).
        let waived = self.suppressed - self.baselined;
        if waived > 0 {
            en += &format!(", {waived} suppressed");
            zh += &format!("，{waived} 条已豁免");
        }
        if self.baselined > 0 {
            en += &format!(", {} baselined", self.baselined);
            zh += &format!("，{} 条在基线中", self.baselined);
        }
        if self.stale > 0 {
            en += &format!(
                ", {} stale baseline {}",
                self.stale,
                if self.stale == 1 { "entry" } else { "entries" }
            );
            zh += &format!("，基线中 {} 条已失效", self.stale);
        }
        en += &format!(" in {}", n(self.files, "file"));
        match lang {
            Lang::En => en,
            Lang::Zh => format!("{zh}，共 {} 个文件（{en}）", self.files),
        }
    }
}

/// At most this many findings are listed per file; the rest are counted in
/// one JX010 finding, as rustc and clippy do, so that a file with a million
/// faults neither fills memory nor buries the others' findings.
pub const MAX_FINDINGS_PER_FILE: usize = 10_000;

/// Findings not kept because a file reached [`MAX_FINDINGS_PER_FILE`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Dropped {
    /// How many.
    pub count: usize,
    /// The most severe of them, so that the exit status stays right.
    pub worst: Option<Severity>,
}

impl Dropped {
    /// Count one more, of this severity.
    pub fn note(&mut self, severity: Severity) {
        self.count += 1;
        self.worst = Some(self.worst.map_or(severity, |w| w.min(severity)));
    }

    /// Add the counts of `other`.
    pub fn merge(&mut self, other: Dropped) {
        self.count += other.count;
        self.worst = match (self.worst, other.worst) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    /// Keep the first [`MAX_FINDINGS_PER_FILE`] of `findings` (in the order
    /// of the file) and add one finding that counts what was dropped.
    pub fn cap(mut self, findings: &mut Vec<Finding>, file: FileId, lang: Lang) {
        if findings.len() > MAX_FINDINGS_PER_FILE {
            findings.sort_by_key(|f| f.span.start);
            for f in findings.drain(MAX_FINDINGS_PER_FILE..) {
                self.note(f.severity);
            }
        }
        let Some(worst) = self.worst else {
            return;
        };
        let n = self.count;
        let max = MAX_FINDINGS_PER_FILE;
        findings.push(Finding::new(
            "JX010",
            worst,
            lang.pick("发现过多", "too many findings"),
            match lang {
                Lang::Zh => format!("本文件另有 {n} 条发现未列出（每个文件最多列出 {max} 条）"),
                Lang::En => format!("{n} more findings in this file are not listed (at most {max} per file)"),
            },
            file,
            crate::source::Span::new(0, 0),
        )
        .with_help(lang.pick(
            "先修正列出的问题再检查；这么多发现通常是同一个错误在每行重复（如字段名写错）。",
            "fix the listed findings and check again; so many usually repeat one mistake on every row (a misspelt key, say).",
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_reads_like_the_spec() {
        let t = Tally {
            errors: 2,
            warnings: 1,
            infos: 0,
            suppressed: 0,
            files: 11,
            baselined: 0,
            stale: 0,
        };
        assert_eq!(t.line(Lang::En), "2 errors, 1 warning in 11 files");
        assert_eq!(
            t.line(Lang::Zh),
            "2 个错误，1 个警告，共 11 个文件（2 errors, 1 warning in 11 files）"
        );
        let t = Tally {
            suppressed: 3,
            baselined: 2,
            ..t
        };
        assert_eq!(
            t.line(Lang::En),
            "2 errors, 1 warning, 1 suppressed, 2 baselined in 11 files"
        );
        assert!(
            t.line(Lang::Zh)
                .starts_with("2 个错误，1 个警告，1 条已豁免，2 条在基线中，")
        );
        let t = Tally { stale: 3, ..t };
        assert_eq!(
            t.line(Lang::En),
            "2 errors, 1 warning, 1 suppressed, 2 baselined, 3 stale baseline entries in 11 files"
        );
        assert!(
            t.line(Lang::Zh)
                .contains("2 条在基线中，基线中 3 条已失效，共 11 个文件")
        );
    }
}

#[cfg(test)]
mod cap_tests {
    use super::*;

    #[test]
    fn the_cap_keeps_the_first_and_counts_the_rest_at_their_worst() {
        let f = |start: usize, severity| {
            Finding::new("JX201", severity, "t", "m", 0, Span::new(start, start + 1))
        };
        let mut fs: Vec<Finding> = (0..MAX_FINDINGS_PER_FILE + 5)
            .rev()
            .map(|i| {
                f(
                    i,
                    if i == 10_003 {
                        Severity::Error
                    } else {
                        Severity::Info
                    },
                )
            })
            .collect();
        let mut loader = Dropped::default();
        loader.note(Severity::Warning);
        let mut rules = Dropped::default();
        rules.note(Severity::Info);
        rules.note(Severity::Info);
        loader.merge(rules);
        assert_eq!((loader.count, loader.worst), (3, Some(Severity::Warning)));
        loader.cap(&mut fs, 0, Lang::En);
        assert_eq!(fs.len(), MAX_FINDINGS_PER_FILE + 1);
        assert_eq!(fs[0].span.start, 0); // the first in the file are kept
        let more = fs.last().unwrap();
        assert_eq!(&*more.code, "JX010");
        assert_eq!(more.severity, Severity::Error); // the dropped error counts
        assert!(
            more.message.starts_with("8 more findings"),
            "{}",
            more.message
        );
        // under the cap nothing is added
        let mut few = vec![f(1, Severity::Info)];
        Dropped::default().cap(&mut few, 0, Lang::Zh);
        assert_eq!(few.len(), 1);
    }
}
