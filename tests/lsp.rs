//! `jixiao lsp` as an editor sees it: the binary spawned, JSON-RPC with
//! `Content-Length` framing over its stdin/stdout, and the exact positions,
//! codes, edits and exit status a client gets back.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    seen: Vec<Value>,
}

fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn jixiao lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_frame(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 1,
            seen: Vec::new(),
        }
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, v: Value) {
        self.send_raw(v.to_string().as_bytes());
    }

    fn recv(&mut self) -> Value {
        self.rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers within a minute")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let v = self.recv();
            if v.get("id") == Some(&json!(id)) && v.get("method").is_none() {
                return v;
            }
            self.seen.push(v);
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let is = |v: &Value| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
        };
        if let Some(i) = self.seen.iter().position(is) {
            let v = self.seen.remove(i);
            return v["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let v = self.recv();
            if is(&v) {
                return v["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.seen.push(v);
        }
    }

    fn initialize(&mut self, encodings: Value) -> Value {
        let r = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": { "general": { "positionEncodings": encodings } },
            }),
        );
        self.notify("initialized", json!({}));
        r
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    /// shutdown, exit, and the exit status.
    fn finish(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        status.code().unwrap_or(-1)
    }
}

fn uri(p: &Path) -> String {
    jixiao::lsp::path_to_uri(p)
}

fn range(d: &Value) -> (u64, u64, u64, u64) {
    let r = &d["range"];
    (
        r["start"]["line"].as_u64().unwrap(),
        r["start"]["character"].as_u64().unwrap(),
        r["end"]["line"].as_u64().unwrap(),
        r["end"]["character"].as_u64().unwrap(),
    )
}

fn codes(ds: &[Value]) -> Vec<&str> {
    ds.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

/// The Chengde 居家养老 self-evaluation with its budget on one line, after
/// Chinese text (万元), and a wrong execution rate (30%): JX304 at
/// `29.5896` and JX305 at `30%`, both on line 14.
fn declaration() -> String {
    let s = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022/01-jujia-yanglao.yaml"),
    )
    .unwrap();
    let a = s.find("budget:\n").unwrap();
    let b = s.find("goals:").unwrap();
    format!(
        "{}budget: {{ unit: 万元, total: 150, sources: {{ general_public: 150 }}, executed: 29.5896, execution_rate: 30%, underspend_reason: 由于财政资金紧张，资金未拨付到位, score: 1.97 }}\n{}",
        &s[..a],
        &s[b..]
    )
}

fn apply_edit(text: &str, edit: &Value) -> String {
    // Single-line edits or an insertion at a line start, UTF-16 columns.
    let start = &edit["range"]["start"];
    let end = &edit["range"]["end"];
    let off = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let ch = p["character"].as_u64().unwrap() as usize;
        let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[line_start..].char_indices() {
            if units == ch {
                return line_start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let (a, b) = (off(start), off(end));
    format!(
        "{}{}{}",
        &text[..a],
        edit["newText"].as_str().unwrap(),
        &text[b..]
    )
}

#[test]
fn diagnostics_hover_code_actions_and_shutdown_in_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("01-jujia-yanglao.yaml");
    let text = declaration();
    std::fs::write(&path, &text).unwrap();
    let u = uri(&path);
    let mut c = Client::start();
    let init = c.initialize(json!(["utf-16"]));
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    c.open(&u, &text);
    let ds = c.diagnostics(&u);
    assert_eq!(codes(&ds), ["JX304", "JX305"]);
    // Line 14 (0-based 13); `万元` is two UTF-16 units, six bytes.
    assert_eq!(range(&ds[0]), (13, 76, 13, 83));
    assert_eq!(range(&ds[1]), (13, 101, 13, 104));
    assert_eq!(ds[0]["severity"], 2);
    assert_eq!(ds[1]["severity"], 1);
    assert_eq!(ds[0]["source"], "jixiao");
    assert!(
        ds[1]["message"]
            .as_str()
            .unwrap()
            .starts_with("报告的执行率 30%，按 29.5896 / 150 计算为 19.7264%"),
        "{}",
        ds[1]["message"]
    );

    // Hover in a diagnostic's range: the rule's explanation.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 13, "character": 78}}),
    );
    let hover = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(hover.starts_with("JX304 预算执行率偏低"), "{hover}");
    assert!(hover.contains("帮助："), "{hover}");

    // Code actions on JX305: its fix, and a waiver for it.
    let a = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u},
               "range": {"start": {"line": 13, "character": 102}, "end": {"line": 13, "character": 102}},
               "context": {"diagnostics": []}}),
    );
    let actions = a["result"].as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "修复 JX305：改为“20%”",
            "豁免 JX305：在 waivers 中添加一项（须填写理由）"
        ]
    );
    let fix = &actions[0]["edit"]["changes"][&u][0];
    assert_eq!(range(fix), (13, 101, 13, 104));
    assert_eq!(fix["newText"], "20%");
    assert_eq!(actions[0]["diagnostics"][0]["code"], "JX305");
    let n = text.lines().count() as u64;
    let waiver = &actions[1]["edit"]["changes"][&u][0];
    assert_eq!(range(waiver), (n, 0, n, 0));
    assert_eq!(
        waiver["newText"],
        "waivers:\n  - rule: JX305\n    reason: \n"
    );

    // Apply the fix as an incremental change: JX305 is gone.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2},
               "contentChanges": [{"range": fix["range"], "text": "20%"}]}),
    );
    let ds = c.diagnostics(&u);
    assert_eq!(codes(&ds), ["JX304"]);
    assert_eq!(range(&ds[0]), (13, 76, 13, 83));
    let fixed = apply_edit(&text, fix);

    // The waiver for JX304, reason left empty: JX009 says it has no effect.
    let a = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": ds[0]["range"], "context": {"diagnostics": [ds[0]]}}),
    );
    let actions = a["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "JX304 has no fix: {actions:?}");
    let waiver = actions[0]["edit"]["changes"][&u][0].clone();
    let waived = apply_edit(&fixed, &waiver);
    assert!(waived.ends_with("waivers:\n  - rule: JX304\n    reason: \n"));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 3}, "contentChanges": [{"text": waived}]}),
    );
    let ds = c.diagnostics(&u);
    assert_eq!(codes(&ds), ["JX304", "JX009"]);
    let waiver_line = waived.lines().count() as u64 - 2;
    // on the empty reason, the line after the rule (first contact #28)
    assert_eq!(range(&ds[1]).0, waiver_line + 1);

    // Hover on the code in the waiver.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": waiver_line, "character": 13}}),
    );
    assert!(
        h["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("JX304 预算执行率偏低")
    );
    assert_eq!(
        range(&h["result"]),
        (waiver_line, 10, waiver_line, 15),
        "the hover covers the code"
    );

    // With a reason (a change typed after `reason: `, with Chinese text), nothing is left.
    let end_line = waiver_line + 1;
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 4},
               "contentChanges": [{"range": {"start": {"line": end_line, "character": 12},
                                             "end": {"line": end_line, "character": 12}},
                                   "text": "财政资金未拨付到位，经专家评审会同意"}]}),
    );
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());

    // Closing clears the file's diagnostics.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    assert_eq!(c.finish(), 0);
}

#[test]
fn utf8_columns_when_the_client_offers_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    let u = uri(&path);
    let mut c = Client::start();
    let init = c.initialize(json!(["utf-8", "utf-16"]));
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    // Not on disk: the open buffer is all there is.
    c.open(&u, &declaration());
    let ds = c.diagnostics(&u);
    assert_eq!(codes(&ds), ["JX304", "JX305"]);
    assert_eq!(range(&ds[0]), (13, 80, 13, 87));
    assert_eq!(range(&ds[1]), (13, 105, 13, 108));
    assert_eq!(c.finish(), 0);
}

fn copy_example(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022");
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn a_summary_sees_its_projects_and_open_buffers_override_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let summary = dir.path().join("summary.yaml");
    let su = uri(&summary);
    let mut c = Client::start();
    c.initialize(json!([]));
    c.open(&su, &std::fs::read_to_string(&summary).unwrap());
    let ds = c.diagnostics(&su);
    assert_eq!(codes(&ds), ["JX503"]);
    assert_eq!(range(&ds[0]), (16, 12, 16, 18));
    assert_eq!(
        ds[0]["message"].as_str().unwrap().lines().next().unwrap(),
        "汇总执行数 260.15 万元，各项目合计 260.162333 万元"
    );
    let related = ds[0]["relatedInformation"].as_array().unwrap();
    assert_eq!(related.len(), 10);
    let first = &related[0]["location"];
    assert_eq!(first["uri"], uri(&dir.path().join("01-jujia-yanglao.yaml")));
    assert_eq!(range(first), (18, 12, 18, 19));
    assert_eq!(related[0]["message"], "29.5896");
    // The summary's fix: the projects' sum.
    let a = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": su}, "range": ds[0]["range"], "context": {"diagnostics": ds}}),
    );
    assert_eq!(
        a["result"][0]["edit"]["changes"][&su][0]["newText"],
        "260.16"
    );
    // The projects are not reported on their own: nothing was published for them.
    assert!(
        c.seen
            .iter()
            .all(|v| v["params"]["uri"].as_str() == Some(su.as_str())),
        "{:?}",
        c.seen
    );

    // Project 05 edited in the editor (not saved): the sum is now 260.15.
    let p5 = dir.path().join("05-fuwu-qunzhong.yaml");
    let u5 = uri(&p5);
    let t5 = std::fs::read_to_string(&p5)
        .unwrap()
        .replace("69.956833", "69.9445");
    c.open(&u5, &t5);
    let (a, b) = (c.diagnostics(&u5), c.diagnostics(&su));
    assert_eq!(codes(&a), ["JX304"], "the open project is checked as well");
    assert_eq!(b, Vec::<Value>::new(), "the summary sees the buffer");
    assert_eq!(c.finish(), 0);
}

#[test]
fn a_self_evaluation_sees_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let target = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/target-clean.yaml"),
    )
    .unwrap();
    let tu = uri(&dir.path().join("target.yaml"));
    std::fs::write(dir.path().join("target.yaml"), &target).unwrap();
    // The same project's self-evaluation, with an indicator whose target is
    // not the one declared (≥ 300 人 against ≥ 350 人).
    let eval_text = "kind: self-evaluation\nyear: 2023\nproject:\n  name: 滨河社区居家养老服务提升项目\n  department: 承德高新区社区管理办公室\nindicators:\n  产出指标:\n    数量指标:\n      - { name: 签约服务老人数, target: ≥ 300 人, actual: 320 人, weight: 7, score: 7 }\n";
    let path = dir.path().join("eval.yaml");
    let u = uri(&path);
    let mut c = Client::start();
    c.initialize(json!([]));
    c.open(&u, eval_text);
    let ds = c.diagnostics(&u);
    let changed: Vec<&Value> = ds
        .iter()
        .filter(|d| d["code"] == "JX409" && d["message"].as_str().unwrap().contains("≥ 350 人"))
        .collect();
    assert_eq!(changed.len(), 1, "{ds:?}");
    // `≥ 300 人` on line 9 after `签约服务老人数`: UTF-16 columns.
    assert_eq!(range(changed[0]), (8, 33, 8, 40));
    let rel = &changed[0]["relatedInformation"][0];
    assert_eq!(rel["location"]["uri"], tu);
    assert_eq!(rel["location"]["range"]["start"]["line"], 30);
    assert_eq!(c.finish(), 0);

    // Without the target beside it, there is nothing to compare with.
    let lone = tempfile::tempdir().unwrap();
    let u2 = uri(&lone.path().join("eval.yaml"));
    let mut c = Client::start();
    c.initialize(json!([]));
    c.open(&u2, eval_text);
    let ds = c.diagnostics(&u2);
    assert!(!codes(&ds).contains(&"JX409"), "{ds:?}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn rule_file_and_config_errors_are_published_into_those_files() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("ours.rules");
    // Broken on disk: the rule is never closed.
    std::fs::write(&rules, "rule X1 \"t\" {\n  severity error\n").unwrap();
    let cfg = dir.path().join(".jixiao.yaml");
    std::fs::write(&cfg, "rules: [ours.rules]\nseverity:\n  JX304: error\n").unwrap();
    let mut c = Client::start();
    c.initialize(json!([]));

    // The config, with a key that does not exist after Chinese text.
    let cu = uri(&cfg);
    c.open(&cu, "# 配置\nrules: [ours.rules]\nseverty: {}\n");
    let ds = c.diagnostics(&cu);
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(ds[0]["code"], "config");
    assert_eq!(range(&ds[0]).0, 2);
    // Fixed: the rule file, compiled with the config, is broken.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": cu, "version": 2},
               "contentChanges": [{"text": "# 配置\nrules: [ours.rules]\nseverity:\n  JX304: error\n"}]}),
    );
    let ru = uri(&rules);
    let (cd, rd) = (c.diagnostics(&cu), c.diagnostics(&ru));
    assert_eq!(cd, Vec::<Value>::new());
    assert_eq!(
        rd.len(),
        1,
        "the rule file's error is published to it: {rd:?}"
    );
    assert_eq!(rd[0]["severity"], 1);
    assert_eq!(range(&rd[0]), (0, 12, 0, 13));

    // Hover on the code in the config's severity.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": cu}, "position": {"line": 3, "character": 4}}),
    );
    assert!(
        h["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("JX304 ")
    );

    // The rule file opened and mended in the editor: no errors left.
    c.open(&ru, "rule X1 \"t\" {\n  severity error\n");
    let bad = c.diagnostics(&ru);
    assert!(!bad.is_empty());
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ru, "version": 2},
               "contentChanges": [{"text": "rule X1 \"标题\" {\n  severity warning\n  assert year > 2000\n  message \"年度\"\n}\n"}]}),
    );
    assert_eq!(c.diagnostics(&ru), Vec::<Value>::new());
    assert_eq!(c.finish(), 0);
}

#[test]
fn bad_input_is_answered_and_the_server_goes_on() {
    let mut c = Client::start();
    c.send_raw(b"{not json");
    let e = c.recv();
    assert_eq!(e["error"]["code"], -32700);
    assert_eq!(e["id"], Value::Null);
    c.send(json!([1, 2]));
    let e = c.recv();
    assert_eq!(e["error"]["code"], -32600);
    c.initialize(json!("not a list"));
    // Unknown method, bad params, a document never opened, a position past the end.
    let r = c.request("workspace/symbol", json!({"query": ""}));
    assert_eq!(r["error"]["code"], -32601);
    let r = c.request("textDocument/hover", json!({"nope": 1}));
    assert_eq!(r["error"]["code"], -32602);
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.yaml"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r["result"], Value::Null);
    let u = "file:///nowhere/a.yaml";
    c.open(u, "kind: target\nyear: [\n");
    let ds = c.diagnostics(u);
    assert_eq!(codes(&ds), ["JX001"]);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 99, "character": 99},
                                             "end": {"line": 0, "character": 4000}}, "text": "x"}]}),
    );
    // Whatever the edit made of the text, diagnostics come and the server lives.
    let _ = c.diagnostics(u);
    assert_eq!(c.finish(), 0);
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let mut c = Client::start();
    c.initialize(json!([]));
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(1));
}

/// First contact, row 28: on a finding about one indicator the editor also
/// offers a waiver for that indicator only; filled in, it silences that
/// finding and not the same rule's on another indicator.
#[test]
fn a_waiver_for_one_indicator_is_offered_and_silences_only_it() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("a.yaml");
    let s = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengde-2022/01-jujia-yanglao.yaml"),
    )
    .unwrap();
    // Two reported scores that disagree with the formula (JX403 twice).
    let text = s
        .replacen("        score: 7.2\n", "        score: 9\n", 1)
        .replacen("        score: 8.2\n", "        score: 9\n", 1);
    assert_ne!(text, s);
    std::fs::write(&p, &text).unwrap();
    let u = uri(&p);
    let mut c = Client::start();
    c.initialize(json!(["utf-16"]));
    c.open(&u, &text);
    let ds = c.diagnostics(&u);
    let jx403: Vec<&Value> = ds.iter().filter(|d| d["code"] == "JX403").collect();
    assert_eq!(jx403.len(), 2, "{ds:?}");
    let a = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": jx403[0]["range"], "context": {"diagnostics": []}}),
    );
    let actions = a["result"].as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "修复 JX403：改为“7”（改变判断，请核对）",
            "豁免 JX403：在 waivers 中添加一项（须填写理由）",
            "只对指标“居家养老服务人次”豁免 JX403：在 waivers 中添加一项（须填写理由）"
        ]
    );
    let edit = actions[2]["edit"]["changes"][&u][0].clone();
    assert_eq!(
        edit["newText"],
        "waivers:\n  - rule: JX403\n    path: \"indicators.产出指标.数量指标[居家养老服务人次]\"\n    reason: \n"
    );
    let waived = apply_edit(&text, &edit).replace("    reason: \n", "    reason: 专家评审会同意\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": waived}]}),
    );
    let ds = c.diagnostics(&u);
    let left: Vec<u64> = ds
        .iter()
        .filter(|d| d["code"] == "JX403")
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    // 签约服务老人数's score (line 38, 0-based 37) is still reported.
    assert_eq!(left, [37], "{ds:?}");
    assert!(ds.iter().all(|d| d["code"] != "JX009"), "{ds:?}");
    assert_eq!(c.finish(), 0);
}

/// The config's `ignore` and `select` hold in the editor as in `check`: a
/// code ignored in `.jixiao.yaml` was still published as a diagnostic.
#[test]
fn the_configs_selection_holds_in_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let decl = dir.path().join("01.yaml");
    let text = include_str!("../examples/chengde-2022/01-jujia-yanglao.yaml");
    std::fs::write(&decl, text).unwrap();
    let u = uri(&decl);
    // Without a config, the seed's project has its JX304.
    let mut c = Client::start();
    c.initialize(json!([]));
    c.open(&u, text);
    assert_eq!(codes(&c.diagnostics(&u)), ["JX304"]);
    assert_eq!(c.finish(), 0);
    for cfg in [
        "ignore: [JX304]\n",
        "ignore: [JX3]\n",
        "select: [JX1, JX2]\n",
    ] {
        std::fs::write(dir.path().join(".jixiao.yaml"), cfg).unwrap();
        let mut c = Client::start();
        c.initialize(json!([]));
        c.open(&u, text);
        assert_eq!(c.diagnostics(&u), Vec::<Value>::new(), "{cfg}");
        assert_eq!(c.finish(), 0);
    }
    // The longer entry wins, as on the command line.
    std::fs::write(
        dir.path().join(".jixiao.yaml"),
        "ignore: [JX3]\nselect: [JX304]\n",
    )
    .unwrap();
    let mut c = Client::start();
    c.initialize(json!([]));
    c.open(&u, text);
    assert_eq!(codes(&c.diagnostics(&u)), ["JX304"]);
    assert_eq!(c.finish(), 0);
}

/// `类型: 绩效自评` is `kind: self-evaluation`: such a self-evaluation (or
/// one beside a target written `类型: 绩效目标`, or saved with a BOM) saw no
/// target in the editor, so the JX409 that `check` reports was missing.
#[test]
fn a_self_evaluation_in_chinese_keys_sees_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let target = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/target-clean.yaml"),
    )
    .unwrap()
    .replacen("kind: target", "类型: 绩效目标", 1);
    std::fs::write(dir.path().join("target.yaml"), format!("\u{feff}{target}")).unwrap();
    let eval_text = "类型: 绩效自评\n年度: 2023\n项目:\n  名称: 滨河社区居家养老服务提升项目\n  主管部门: 承德高新区社区管理办公室\n绩效指标:\n  产出指标:\n    数量指标:\n      - { name: 签约服务老人数, target: ≥ 300 人, actual: 320 人, weight: 7, score: 7 }\n";
    let path = dir.path().join("eval.yaml");
    std::fs::write(&path, eval_text).unwrap();
    let (code, out) = {
        let o = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["check", "--no-config", "--format", "json", "."])
            .current_dir(dir.path())
            .output()
            .unwrap();
        (o.status.code(), String::from_utf8(o.stdout).unwrap())
    };
    assert_eq!(code, Some(1));
    assert!(out.contains("\"JX409\""), "check reports it: {out}");
    let u = uri(&path);
    let mut c = Client::start();
    c.initialize(json!([]));
    c.open(&u, eval_text);
    let ds = c.diagnostics(&u);
    assert!(
        ds.iter()
            .any(|d| d["code"] == "JX409" && d["message"].as_str().unwrap().contains("≥ 350 人")),
        "{ds:?}"
    );
    assert_eq!(c.finish(), 0);
}
