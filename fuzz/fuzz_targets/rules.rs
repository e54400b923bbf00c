//! Fuzz the rule language: a rule file is parsed, checked and compiled (and
//! its errors rendered), then any rules that compile run over a real declaration.
#![no_main]

use jixiao::diag::Lang;
use jixiao::error::{Error, ErrorKind};
use jixiao::output::human;
use jixiao::rules::compile::{RuleSource, Settings};
use jixiao::rules::{Context, RuleSet, eval};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

const DECL: &str = include_str!("../../examples/chengde-2022/01-jujia-yanglao.yaml");

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let source = RuleSource {
        name: Arc::from("fuzz.rules"),
        text: Arc::from(src),
    };
    match RuleSet::build(vec![source], &Settings::default()) {
        Ok(set) => {
            let loaded = jixiao::load::load_str(DECL);
            if let Some(doc) = &loaded.doc {
                let projects = [(doc, 0)];
                let cx = Context {
                    doc,
                    file: 0,
                    projects: &projects,
                    declared: Some((doc, 0)),
                    lang: Lang::Zh,
                };
                let _ = eval::run(&set, &cx, false);
                let _ = eval::run(&set, &cx, true);
            }
        }
        Err((sources, errors)) => {
            let errs: Vec<Error> = errors
                .into_iter()
                .map(|(i, e)| {
                    let s = &sources[i];
                    let (a, b) = (e.span.start as usize, e.span.end as usize);
                    assert!(a <= b && b <= s.text.len(), "{e:?}");
                    assert!(
                        s.text.is_char_boundary(a) && s.text.is_char_boundary(b),
                        "{e:?}"
                    );
                    Error::new(ErrorKind::RuleFile, e.code, e.message)
                        .at(s.name.clone(), s.text.clone(), e.span)
                        .help(e.help)
                })
                .collect();
            let mut sink = Vec::new();
            let _ = human::setup_errors(&errs, &mut sink, Lang::En, &human::handler(false, Some(80)));
        }
    }
});
