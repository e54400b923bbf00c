//! Fuzz evaluation of the default ruleset over declarations built from fuzz
//! bytes: the input is cut at 0x1F into fields that fill a valid skeleton
//! (kind, budget, result, waivers, any number of indicators), so nearly every
//! input loads and reaches the rules, single-document and cross-document.
#![no_main]

use jixiao::diag::Lang;
use jixiao::load::{self, LoadOptions};
use jixiao::model::Profile;
use jixiao::rules::compile::Settings;
use jixiao::rules::{Context, RuleSet, eval};
use libfuzzer_sys::fuzz_target;
use std::fmt::Write as _;
use std::sync::OnceLock;

#[path = "../common.rs"]
mod common;

const DIMS: &[(&str, &str)] = &[
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("产出指标", "成本指标"),
    ("效益指标", "社会效益指标"),
    ("效益指标", "经济效益指标"),
    ("效益指标", "可持续影响指标"),
    ("满意度指标", "服务对象满意度指标"),
    ("output", "cost"),
];

/// A field as YAML: plain when harmless, else double-quoted with escapes.
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| !c.is_control() && !":#{}[],\"'&*!|>%@`\\".contains(c))
        && !s.starts_with([' ', '-', '?'])
        && !s.ends_with(' ');
    if plain {
        return s.to_owned();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32 & 0xFFFF);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn rules(lang: Lang, profile: Profile) -> &'static RuleSet {
    static SETS: OnceLock<Vec<RuleSet>> = OnceLock::new();
    let sets = SETS.get_or_init(|| {
        let mut v = Vec::new();
        for profile in [Profile::Legacy, Profile::Mof2021] {
            for lang in [Lang::Zh, Lang::En] {
                let settings = Settings {
                    profile,
                    lang,
                    ..Settings::default()
                };
                let set = RuleSet::build(jixiao::cli::default_sources(), &settings)
                    .unwrap_or_else(|_| panic!("default rules compile"));
                v.push(set);
            }
        }
        v
    });
    let i = (profile == Profile::Mof2021) as usize * 2 + (lang == Lang::En) as usize;
    &sets[i]
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let all: Vec<String> = text.split('\u{1f}').map(scalar).collect();
    let mut at = 0;
    let mut next = || {
        at += 1;
        all.get(at - 1).cloned().unwrap_or_else(|| "1".to_owned())
    };
    let kind = ["target", "self-evaluation", "summary", "绩效自评"][(flags & 3) as usize];
    let lang = if flags & 4 == 0 { Lang::Zh } else { Lang::En };
    let profile = if flags & 8 == 0 {
        Profile::Legacy
    } else {
        Profile::Mof2021
    };

    let mut project = String::new();
    let _ = write!(
        project,
        "kind: self-evaluation\nyear: {}\nproject:\n  name: {}\n  code: {}\n  department: {}\nbudget:\n  unit: {}\n  total: {}\n  sources: {{ general_public: {}, other: {} }}\n  executed: {}\n  execution_rate: {}\n  score: {}\nresult: {{ score: {}, grade: {} }}\nwaivers:\n  - {{ rule: {}, reason: {} }}\nindicators:\n",
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next()
    );
    // The rest: indicators, five fields each, the dimension chosen by the name's length.
    // The last six fields also fill a summary, when the kind is one.
    let rest: Vec<String> = (0..all.len().saturating_sub(15)).map(|_| next()).collect();
    let summary_fields: Vec<String> = all.iter().rev().take(6).cloned().collect();
    let mut s_at = 0;
    let mut next = || {
        s_at += 1;
        summary_fields
            .get(s_at - 1)
            .cloned()
            .unwrap_or_else(|| "1".to_owned())
    };
    let mut by_dim: Vec<Vec<String>> = vec![Vec::new(); DIMS.len()];
    for c in rest.chunks(5) {
        let get = |i: usize| c.get(i).cloned().unwrap_or_else(|| "≥ 1 个".to_owned());
        let d = get(0).len() % DIMS.len();
        by_dim[d].push(format!(
            "{{ name: {}, target: {}, actual: {}, weight: {}, score: {} }}",
            get(0),
            get(1),
            get(2),
            get(3),
            get(4)
        ));
    }
    let mut l1_done: Vec<&str> = Vec::new();
    for (l1, _) in DIMS {
        if l1_done.contains(l1) {
            continue;
        }
        l1_done.push(l1);
        let _ = writeln!(project, "  {l1}:");
        for (d, (m1, l2)) in DIMS.iter().enumerate() {
            if m1 != l1 {
                continue;
            }
            let _ = writeln!(project, "    {l2}:");
            for ind in &by_dim[d] {
                let _ = writeln!(project, "      - {ind}");
            }
        }
    }
    let opts = LoadOptions {
        profile,
        lang,
        ..LoadOptions::default()
    };
    let set = rules(lang, profile);
    let proj = load::load_text(&project, 1, &opts, true);
    let doc_text;
    let loaded = if kind == "self-evaluation" {
        doc_text = project.clone();
        load::load_text(&doc_text, 0, &opts, true)
    } else if kind == "summary" {
        doc_text = format!(
            "kind: summary\nyear: 2022\ndepartment: {}\nproject_count: {}\nbudget: {{ total: {}, executed: {}, execution_rate: {} }}\nfully_executed: [{}]\n",
            next(),
            next(),
            next(),
            next(),
            next(),
            next()
        );
        load::load_text(&doc_text, 0, &opts, true)
    } else {
        doc_text = project.replacen("self-evaluation", kind, 1);
        load::load_text(&doc_text, 0, &opts, true)
    };
    let mut findings = loaded.findings;
    findings.extend(
        proj.findings
            .iter()
            .filter(|_| kind == "summary")
            .cloned()
            .map(|mut f| {
                f.file = 1;
                f
            }),
    );
    if let Some(doc) = &loaded.doc {
        let projects: Vec<_> = proj.doc.iter().map(|d| (d, 1)).collect();
        let cx = Context {
            doc,
            file: 0,
            projects: &projects,
            declared: proj.doc.as_ref().map(|d| (d, 1)),
            lang,
        };
        findings.extend(eval::run(set, &cx, false));
        findings.extend(eval::run(set, &cx, true));
    }
    common::check_and_render(&[&doc_text, &project], findings);
});
