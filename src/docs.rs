//! Rule documentation generated from the rule set itself, so it cannot drift:
//! the `jixiao rules` table, `jixiao explain CODE`, and `docs/rules.md`
//! (rules, params, the rule language's functions, loader diagnostics).

use crate::diag::Lang;
use crate::load::LOADER_CODES;
use crate::rules::RuleSet;
use crate::rules::compile::Compiled;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// Where a rule comes from, for listings.
fn origin(set: &RuleSet, r: &Compiled) -> String {
    let src = &set.sources[r.source];
    let line = src.text[..r.span.start as usize].matches('\n').count() + 1;
    format!("{}:{line}", src.name)
}

/// `jixiao rules`: code, severity, title, source file.
pub fn rules_table(set: &RuleSet, lang: Lang) -> String {
    rules_table_with_off(set, None, lang)
}

/// [`rules_table`], listing also the rules the config turned `off` (with
/// severity `off`), their titles and sources taken from `all` (the same
/// rules compiled without the config's severities).
pub fn rules_table_with_off(set: &RuleSet, all: Option<&RuleSet>, lang: Lang) -> String {
    let mut rows: Vec<[String; 4]> = LOADER_CODES
        .iter()
        .map(|c| {
            [
                c.code.to_owned(),
                c.severity.name().to_owned(),
                lang.pick(c.title_zh, c.title_en).to_owned(),
                lang.pick("（加载器内置）", "(loader, built in)").to_owned(),
            ]
        })
        .collect();
    for r in &set.rules {
        rows.push([
            r.code.to_string(),
            r.severity.name().to_owned(),
            r.title(lang).to_owned(),
            origin(set, r),
        ]);
    }
    for r in all
        .iter()
        .flat_map(|a| &a.rules)
        .filter(|r| set.off.contains(&r.code))
    {
        rows.push([
            r.code.to_string(),
            "off".to_owned(),
            r.title(lang).to_owned(),
            origin(all.unwrap_or(set), r),
        ]);
    }
    let head = match lang {
        Lang::Zh => ["编号", "级别", "标题", "来源"],
        Lang::En => ["code", "severity", "title", "source"],
    };
    let mut widths = [0usize; 3];
    for row in rows
        .iter()
        .map(|r| [&r[0], &r[1], &r[2]])
        .chain(std::iter::once([
            &head[0].to_owned(),
            &head[1].to_owned(),
            &head[2].to_owned(),
        ]))
    {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(UnicodeWidthStr::width(c.as_str()));
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  {}  {}  {}",
        pad(head[0], widths[0]),
        pad(head[1], widths[1]),
        pad(head[2], widths[2]),
        head[3]
    );
    for r in &rows {
        let _ = writeln!(
            out,
            "{}  {}  {}  {}",
            pad(&r[0], widths[0]),
            pad(&r[1], widths[1]),
            pad(&r[2], widths[2]),
            r[3]
        );
    }
    let _ = write!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!("共 {} 条规则（{} rules）", rows.len(), rows.len()),
            Lang::En => format!("{} rules", rows.len()),
        }
    );
    out
}

/// `jixiao explain CODE`: title, severity, help, basis and source text.
pub fn explain(set: &RuleSet, code: &str, lang: Lang) -> Option<String> {
    let mut out = String::new();
    if let Some(c) = LOADER_CODES.iter().find(|c| c.code == code) {
        let _ = writeln!(
            out,
            "{} {} ({})",
            c.code,
            lang.pick(c.title_zh, c.title_en),
            c.severity
        );
        if lang == Lang::Zh {
            let _ = writeln!(out, "{}", c.title_en);
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}{}",
            lang.pick("帮助：", "help: "),
            lang.pick(c.help_zh, c.help_en)
        );
        let _ = writeln!(
            out,
            "{}",
            lang.pick(
                "来源：加载器内置（结构检查，不在规则文件中）",
                "source: built into the loader (a structural check, not in a rule file)"
            )
        );
        return Some(out);
    }
    let r = set.rule(code)?;
    let _ = writeln!(out, "{} {} ({})", r.code, r.title(lang), r.severity);
    if let (Lang::Zh, Some(en)) = (lang, &r.title_en) {
        let _ = writeln!(out, "{en}");
    }
    let _ = writeln!(out);
    if let Some(h) = &r.help_text {
        let text = match (lang, &h.en) {
            (Lang::En, Some((en, _))) => en.as_str(),
            _ => h.zh.as_str(),
        };
        let _ = writeln!(out, "{}{text}", lang.pick("帮助：", "help: "));
    }
    for b in &r.basis {
        let _ = writeln!(out, "{}{b}", lang.pick("依据：", "basis: "));
    }
    if !r.applies.is_empty() {
        let kinds: Vec<&str> = r.applies.iter().map(|k| k.name()).collect();
        let _ = writeln!(
            out,
            "{}{}",
            lang.pick("适用：", "applies to: "),
            kinds.join(", ")
        );
    }
    let _ = writeln!(out, "{}{}", lang.pick("来源：", "source: "), origin(set, r));
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", set.rule_text(r));
    Some(out)
}

/// `docs/rules.md`: every rule with its help, basis, params and source.
pub fn rules_markdown(set: &RuleSet) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# jixiao rules\n");
    let _ = writeln!(
        out,
        "Generated from the rule set itself (`JIXIAO_UPDATE_DOCS=1 cargo test --test docs`); `cargo test` fails when it is stale.\n"
    );
    let _ = writeln!(
        out,
        "Titles and help quote the params' default values here; when a config sets a param, `jixiao rules`, `jixiao explain`, SARIF and GitHub titles show its value. The text under a finding's span is its assert's `at PATH \"…\"` label, which states the problem there (`与各项目合计 260.162333 不一致`); an assert without one underlines the span and lets the message speak.\n"
    );
    let _ = writeln!(out, "| code | severity | title | 标题 |\n|---|---|---|---|");
    for c in LOADER_CODES {
        let _ = writeln!(
            out,
            "| [{0}](#{1}) | {2} | {3} | {4} |",
            c.code,
            c.code.to_lowercase(),
            c.severity,
            c.title_en,
            c.title_zh
        );
    }
    for r in &set.rules {
        let _ = writeln!(
            out,
            "| [{0}](#{1}) | {2} | {3} | {4} |",
            r.code,
            r.code.to_lowercase(),
            r.severity,
            r.title_en.as_deref().unwrap_or(""),
            r.title_zh
        );
    }
    let _ = writeln!(
        out,
        "\n## Params\n\n| param | default | defined in |\n|---|---|---|"
    );
    for p in &set.params {
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} |",
            p.name,
            p.value.to_string().replace('|', "\\|"),
            set.sources[p.source].name
        );
    }
    let _ = writeln!(
        out,
        "\n## Functions\n\nThe rule language's functions, from its registry (`src/rules/functions.rs`).\n\n| function | arguments | what it gives | 说明 |\n|---|---|---|---|"
    );
    for f in crate::rules::functions::FUNCTIONS {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            f.signature.replace('|', "\\|"),
            f.arity(),
            f.en.replace('|', "\\|"),
            f.zh.replace('|', "\\|")
        );
    }
    let _ = writeln!(out, "\n## Loader diagnostics\n");
    for c in LOADER_CODES {
        let _ = writeln!(
            out,
            "### {}\n\n**{}** · {} · {}\n\n{}\n\n{}\n",
            c.code, c.severity, c.title_zh, c.title_en, c.help_zh, c.help_en
        );
    }
    let _ = writeln!(out, "## Rules\n");
    for r in &set.rules {
        let _ = writeln!(out, "### {}\n", r.code);
        let _ = writeln!(
            out,
            "**{}** · {} · {}\n",
            r.severity,
            r.title_zh,
            r.title_en.as_deref().unwrap_or("")
        );
        if let Some(h) = &r.help_text {
            let _ = writeln!(out, "{}\n", h.zh);
            if let Some((en, _)) = &h.en {
                let _ = writeln!(out, "{en}\n");
            }
        }
        for b in &r.basis {
            let _ = writeln!(out, "Basis: {b}\n");
        }
        let _ = writeln!(out, "Source: `{}`\n", origin(set, r));
        let _ = writeln!(out, "```\n{}\n```\n", set.rule_text(r));
    }
    out
}
