//! The library over an in-memory workspace: what `examples/embed.rs` shows,
//! asserted; relations between documents given in memory; a reader that
//! serves the files a summary covers beyond those given.

use jixiao::check::{self, Options, Outcome};
use jixiao::config::Config;
use jixiao::load::LoadOptions;
use jixiao::rules::RuleSet;
use jixiao::setup::{self, Flags};
use jixiao::workspace::{Content, File, ReadError, Reader, Workspace};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn rules() -> RuleSet {
    setup::build(Config::default(), None, Vec::new(), &Flags::default())
        .expect("default rules")
        .rules
}

fn run(ws: &Workspace) -> Outcome {
    let rules = rules();
    let opts = Options::new(LoadOptions {
        profile: rules.profile,
        ..LoadOptions::default()
    });
    check::check(ws, &rules, &opts)
}

fn example() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022");
    let mut v: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .map(|n| (n.clone(), std::fs::read_to_string(dir.join(&n)).unwrap()))
        .collect();
    v.sort();
    v
}

fn codes(o: &Outcome) -> Vec<(String, String, bool)> {
    o.findings
        .iter()
        .map(|f| {
            (
                f.code.to_string(),
                o.file(f.file).unwrap().name.to_string(),
                f.is_suppressed(),
            )
        })
        .collect()
}

#[test]
fn the_example_in_memory_finds_jx503_and_a_waived_jx304() {
    let mut ws = Workspace::new();
    for (name, text) in example() {
        ws.add_text(format!("chengde-2022/{name}"), text);
    }
    let first = &example()[0].1;
    ws.add_text(
        "waived/01-jujia-yanglao.yaml",
        format!("{first}waivers:\n  - rule: JX304\n    reason: 资金未到位，专家评审会同意\n"),
    );
    let o = run(&ws);
    let got = codes(&o);
    assert!(got.contains(&("JX503".into(), "chengde-2022/summary.yaml".into(), false)));
    assert!(got.contains(&("JX304".into(), "waived/01-jujia-yanglao.yaml".into(), true)));
    assert_eq!(got.iter().filter(|c| c.0 == "JX304" && !c.2).count(), 5);
    assert_eq!(got.len(), 7, "{got:?}");
    // JX503's labels point into the project files, whose texts are there for snippets.
    let jx503 = o.findings.iter().find(|f| &*f.code == "JX503").unwrap();
    assert_eq!(jx503.labels.len(), 10);
    for l in &jx503.labels {
        assert!(o.file(l.file).unwrap().text.is_some());
    }
}

#[test]
fn a_summary_given_alone_in_memory_sees_no_projects_and_says_so() {
    // Without its projects the summary's totals disagree: the relation is
    // made from the workspace only (no disk behind it).
    let mut ws = Workspace::new();
    let (_, summary) = example()
        .into_iter()
        .find(|(n, _)| n == "summary.yaml")
        .unwrap();
    ws.add_text("summary.yaml", summary);
    let got = codes(&run(&ws));
    assert!(got.iter().any(|c| c.0 == "JX501"), "{got:?}");
}

/// Serves the example's project files from memory, as an editor's buffers would.
struct Buffers(Vec<(String, String)>);

impl Reader for Buffers {
    fn read(&self, path: &Path, _limit: u64) -> Result<Vec<u8>, ReadError> {
        let name = path.file_name().unwrap().to_string_lossy();
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.clone().into_bytes())
            .ok_or_else(|| ReadError {
                zh: "没有".into(),
                en: "none".into(),
                head: None,
            })
    }
    fn yaml_under(&self, dir: &Path) -> Vec<File> {
        self.0
            .iter()
            .map(|(n, _)| File {
                name: n.as_str().into(),
                path: dir.join(n),
                place: dir.join(n),
                content: Content::Unread,
                explicit: false,
            })
            .collect()
    }
}

#[test]
fn a_reader_brings_in_the_projects_a_summary_covers() {
    let files = example();
    let (_, summary) = files
        .iter()
        .find(|(n, _)| n == "summary.yaml")
        .unwrap()
        .clone();
    let mut ws = Workspace::with_reader(Arc::new(Buffers(files)));
    ws.push(File {
        name: "summary.yaml".into(),
        path: PathBuf::from("/decl/summary.yaml"),
        place: PathBuf::from("/decl/summary.yaml"),
        content: Content::Text(summary.into()),
        explicit: true,
    });
    let o = run(&ws);
    let got = codes(&o);
    // Only the summary is reported, and its one real finding is JX503.
    assert_eq!(got, vec![("JX503".into(), "summary.yaml".into(), false)]);
    assert_eq!(o.tally().files, 1);
}

#[test]
fn bytes_are_decoded_and_a_broken_file_does_not_hide_the_others() {
    let mut ws = Workspace::new();
    let (name, text) = example().remove(0);
    ws.add_bytes(name.as_str(), text.into_bytes());
    ws.add_bytes("broken.yaml", b"kind: target\nyear: [2022\n".to_vec());
    let (gbk, _, _) = encoding_rs::GBK.encode("kind: 绩效自评\nyear: 2022\n");
    ws.add_bytes("gbk.yaml", gbk.into_owned());
    let got = codes(&run(&ws));
    assert!(got.contains(&("JX304".into(), name, false)), "{got:?}");
    assert!(
        got.contains(&("JX001".into(), "broken.yaml".into(), false)),
        "{got:?}"
    );
    assert!(
        got.contains(&("JX008".into(), "gbk.yaml".into(), false)),
        "{got:?}"
    );
}

#[test]
fn workbooks_are_checked_and_findings_point_at_their_cells() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022-xlsx");
    let rules = rules();
    let opts = Options::new(LoadOptions {
        profile: rules.profile,
        ..LoadOptions::default()
    });
    let o = jixiao::disk::run(&[dir], None, &rules, &opts);
    let mut got: Vec<(String, String, String, u32, u32)> = o
        .findings
        .iter()
        .map(|f| {
            let e = o.file(f.file).unwrap();
            let (sheet, cell) = e.cell(f.span).expect("a cell");
            let name = e.name.rsplit('/').next().unwrap().to_owned();
            let r = jixiao::source::Locator::new(&o.files, vec![f.file]).region(f.file, f.span);
            (
                f.code.to_string(),
                name,
                format!("{sheet}!{cell}"),
                r.start.line,
                r.start.column,
            )
        })
        .collect();
    got.sort();
    assert_eq!(got.len(), 6, "{got:?}");
    assert_eq!(
        got[0],
        (
            "JX304".into(),
            "01-jujia-yanglao.xlsx".into(),
            "自评表!E9".into(),
            9,
            5
        )
    );
    assert_eq!(got.iter().filter(|g| g.0 == "JX304").count(), 5);
    assert_eq!(
        got[5],
        (
            "JX503".into(),
            "summary.xlsx".into(),
            "汇总!E3".into(),
            3,
            5
        )
    );
}

#[test]
fn a_file_that_is_not_a_workbook_is_one_jx008_beside_the_others() {
    let mut ws = Workspace::new();
    ws.add_bytes(
        "fake.xlsx",
        b"<html><body>not a workbook</body></html>".to_vec(),
    );
    ws.add_bytes("empty.xls", Vec::<u8>::new());
    let (name, text) = example().remove(0);
    ws.add_text(name.as_str(), text);
    let got = codes(&run(&ws));
    assert!(
        got.contains(&("JX008".into(), "fake.xlsx".into(), false)),
        "{got:?}"
    );
    assert!(
        got.contains(&("JX008".into(), "empty.xls".into(), false)),
        "{got:?}"
    );
    assert!(got.contains(&("JX304".into(), name, false)), "{got:?}");
}

/// Without texts (`keep_texts: false`, what the command line does for the
/// machine formats), a run keeps no file's text, only the lines and columns
/// its findings and labels point at, and its JSON and SARIF are byte for
/// byte those of a run that kept the texts: in memory, and from disk, where
/// a summary's cross-document findings point into projects whose texts were
/// let go in phase 1.
#[test]
fn a_run_without_texts_reports_the_same_positions() {
    let rules = rules();
    let with = |keep_texts: bool| {
        let mut opts = Options::new(LoadOptions {
            profile: rules.profile,
            ..LoadOptions::default()
        });
        opts.keep_texts = keep_texts;
        opts
    };
    let render = |o: &Outcome| {
        let mut json = Vec::new();
        jixiao::output::json::write(o, &mut json, jixiao::diag::Lang::Zh).unwrap();
        let mut sarif = Vec::new();
        jixiao::output::sarif::write(o, &rules, &mut sarif, jixiao::diag::Lang::En).unwrap();
        (
            String::from_utf8(json).unwrap(),
            String::from_utf8(sarif).unwrap(),
        )
    };
    let mut ws = Workspace::new();
    for (name, text) in example() {
        ws.add_text(format!("chengde-2022/{name}"), text);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022");
    let from_disk =
        |opts: &Options| jixiao::disk::run(std::slice::from_ref(&dir), None, &rules, opts);
    for (kept, lean) in [
        (
            check::check(&ws, &rules, &with(true)),
            check::check(&ws, &rules, &with(false)),
        ),
        (from_disk(&with(true)), from_disk(&with(false))),
    ] {
        assert!(kept.findings.len() > 3, "{:?}", codes(&kept));
        assert!(
            kept.findings
                .iter()
                .any(|f| f.labels.iter().any(|l| l.file != f.file))
        );
        assert!(lean.files.iter().all(|e| e.text.is_none()));
        assert!(lean.files.iter().any(|e| e.marks.is_some()));
        let (json, sarif) = render(&kept);
        let items: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        let line = |v: &serde_json::Value| v["line"].as_u64().unwrap();
        assert!(items.iter().all(|i| line(i) > 1), "{json}");
        assert!(items.iter().any(|i| {
            i["labels"]
                .as_array()
                .is_some_and(|ls| ls.iter().any(|l| line(l) > 1))
        }));
        assert_eq!(render(&lean), (json, sarif));
    }
}

/// The page checks what `check` checks: a `.jixiao.yaml` dropped with the
/// declarations applies its `ignore`/`select` and `limits` (it applied only its severities,
/// so an ignored code still showed on the page and in its pack).
#[test]
fn the_page_applies_the_configs_selection_and_limits() {
    use jixiao::diag::Lang;
    use jixiao::page::{PageFile, check_json};
    let decl = PageFile {
        name: "01.yaml".into(),
        bytes: include_bytes!("../examples/chengde-2022/01-jujia-yanglao.yaml").to_vec(),
    };
    let codes = |files: &[PageFile]| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&check_json(files, Lang::En)).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(std::slice::from_ref(&decl)), ["JX304"]);
    // Its limits too: the same JX001 as `check` gives under this config.
    let config = PageFile {
        name: ".jixiao.yaml".into(),
        bytes: b"limits: {max_depth: 3}\n".to_vec(),
    };
    assert_eq!(codes(&[config, decl.clone()]), ["JX001"]);
    for cfg in ["ignore: [JX304]\n", "select: [JX1]\n"] {
        let config = PageFile {
            name: ".jixiao.yaml".into(),
            bytes: cfg.as_bytes().to_vec(),
        };
        assert_eq!(
            codes(&[config, decl.clone()]),
            Vec::<String>::new(),
            "{cfg}"
        );
    }
}
