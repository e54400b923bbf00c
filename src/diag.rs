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

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
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
    #[default]
    Zh,
    En,
}

impl Lang {
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
    pub file: FileId,
    pub span: Span,
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Arc<str>,
    pub severity: Severity,
    pub title: Arc<str>,
    pub message: String,
    pub file: FileId,
    pub span: Span,
    /// Text under the primary span (defaults to the message in renderers).
    pub label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<Arc<str>>,
    /// The offending node's path in the document (`indicators.产出指标.数量指标[服务人次]`),
    /// for baselines: stable when other lines move.
    pub path: String,
    pub suppressed: Option<Suppression>,
    /// The edit a rule's `fix` proposes (SPEC §3.1).
    pub fix: Option<Fix>,
}

/// An edit that fixes a finding: replace the bytes at `span` (one scalar of
/// the finding's file) with `replacement`. `safe` fixes redo a computation;
/// unsafe ones change a judgement (`--unsafe-fixes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
    pub safe: bool,
}

impl Finding {
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
    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Finding {
        let help: Arc<str> = help.into();
        self.help = Some(if help.len() > MAX_MESSAGE {
            clip(help.to_string()).into()
        } else {
            help
        });
        self
    }
    pub fn with_label(mut self, label: impl Into<String>) -> Finding {
        self.label = Some(clip(label.into()));
        self
    }
    /// The same finding in file `file`.
    pub fn in_file(mut self, file: FileId) -> Finding {
        self.file = file;
        self
    }
    pub fn with_path(mut self, path: impl Into<String>) -> Finding {
        self.path = path.into();
        self
    }
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
    pub fn is_suppressed(&self) -> bool {
        self.suppressed.is_some()
    }
}

/// Counts for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub files: usize,
    /// Of `suppressed`, those in the baseline (the rest are waived).
    pub baselined: usize,
}

impl Tally {
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
        en += &format!(" in {}", n(self.files, "file"));
        match lang {
            Lang::En => en,
            Lang::Zh => format!("{zh}，共 {} 个文件（{en}）", self.files),
        }
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
    }
}
