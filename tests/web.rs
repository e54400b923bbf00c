//! End to end: the review room page (`web/jixiao.html`, SPEC §6) in headless
//! Chromium. The test builds the page with `web/build.sh`, opens it from
//! `file://` and drives it over the DevTools protocol on
//! `--remote-debugging-pipe` (fds 3 and 4, NUL-separated JSON): the Chengde
//! example checked through `window.jixiao.check` finds JX503 and the five
//! JX304 and shows them with their snippets; a broken file beside them shows
//! its JX001 while the others keep their findings; the language switch; the
//! save button downloads the pack; and no request leaves the page (every
//! network event of the page is its own file, no resource timing entry, no
//! CSP violation). It prints the page's size and the time to check.
//!
//! Skipped, saying why, when the wasm target cannot be installed or no
//! Chromium is installed.

mod common;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("JIXIAO_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .find_map(|n| which(n))
}

/// A DevTools session over Chromium's debugging pipe.
struct Cdp {
    child: Child,
    input: ChildStdin,
    events: Receiver<Value>,
    next: u64,
    /// Events seen while waiting for replies.
    seen: Vec<Value>,
    session: Option<String>,
    _profile: tempfile::TempDir,
}

impl Cdp {
    fn start(chrome: &Path) -> Cdp {
        let profile = tempfile::tempdir().expect("profile dir");
        // Chromium reads commands on fd 3 and writes on fd 4: a shell hands it
        // our stdin and stdout there.
        let cmd = "exec \"$0\" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
             --no-first-run --no-default-browser-check --disable-background-networking \
             --disable-component-update --disable-sync --disable-extensions \
             --user-data-dir=\"$1\" --remote-debugging-pipe about:blank \
             3<&0 4>&1 0</dev/null 1>/dev/null 2>/dev/null";
        let mut child = Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .arg(chrome)
            .arg(profile.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let input = child.stdin.take().expect("stdin");
        let out = child.stdout.take().expect("stdout");
        let (tx, events) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(out);
            loop {
                let mut buf = Vec::new();
                match r.read_until(0, &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        buf.pop();
                        if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                            && tx.send(v).is_err()
                        {
                            break;
                        }
                    }
                }
            }
        });
        Cdp {
            child,
            input,
            events,
            next: 0,
            seen: Vec::new(),
            session: None,
            _profile: profile,
        }
    }

    /// Send a command (to the page's session once attached) and wait for its reply.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.input.write_all(&bytes).expect("write to chromium");
        self.input.flush().unwrap();
        let deadline = Instant::now() + Duration::from_secs(240);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .events
                .recv_timeout(left)
                .unwrap_or_else(|e| panic!("no reply to {method}: {e}"));
            if v["id"] == json!(id) {
                if let Some(err) = v.get("error") {
                    panic!("{method} failed: {err}");
                }
                return v["result"].clone();
            }
            self.seen.push(v);
        }
    }

    /// Wait for an event named `method`.
    fn wait_for(&mut self, method: &str) -> Value {
        if let Some(i) = self.seen.iter().position(|v| v["method"] == method) {
            return self.seen.remove(i);
        }
        let deadline = Instant::now() + Duration::from_secs(240);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .events
                .recv_timeout(left)
                .unwrap_or_else(|e| panic!("no {method}: {e}"));
            if v["method"] == method {
                return v;
            }
            self.seen.push(v);
        }
    }

    /// Evaluate `expr` in the page, awaiting a promise; its value as JSON.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "awaitPromise": true, "returnByValue": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{expr:.200}… threw: {e}");
        }
        r["result"]["value"].clone()
    }
}

impl Drop for Cdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// The YAML files of a folder as a JS array of `{name, bytes}` (names as dropped: bare).
fn files_js(dir: &Path, extra: &[(&str, &[u8])]) -> String {
    files_of(dir, ".yaml", extra)
}

/// The files of a folder ending in `ext`, and `extra`, as a JS array of `{name, bytes}`.
fn files_of(dir: &Path, ext: &str, extra: &[(&str, &[u8])]) -> String {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext))
        .collect();
    names.sort();
    let mut items: Vec<String> = names
        .iter()
        .map(|n| {
            let bytes = std::fs::read(dir.join(n)).unwrap();
            format!("{{name: {}, b64: {:?}}}", json!(n), b64(&bytes))
        })
        .collect();
    for (n, bytes) in extra {
        items.push(format!("{{name: {}, b64: {:?}}}", json!(n), b64(bytes)));
    }
    format!(
        "[{}].map(f => ({{name: f.name, bytes: Uint8Array.from(atob(f.b64), c => c.charCodeAt(0))}}))",
        items.join(",")
    )
}

fn codes(findings: &Value) -> Vec<(String, String)> {
    findings
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn review_room_page_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(chrome) = chromium() else {
        println!("SKIP: no Chromium installed (Debian: apt-get install chromium)");
        return;
    };
    let out_dir = root.join("target/web-test");
    std::fs::create_dir_all(&out_dir).unwrap();
    let page = out_dir.join("jixiao.html");
    let built = Command::new("bash")
        .arg(root.join("web/build.sh"))
        .arg(&page)
        .stderr(Stdio::inherit())
        .output()
        .expect("run web/build.sh");
    let said = String::from_utf8_lossy(&built.stdout);
    assert!(built.status.success(), "web/build.sh failed: {said}");
    if said.contains("SKIPPED") {
        println!("SKIP: {}", said.trim());
        return;
    }
    let size = std::fs::metadata(&page).unwrap().len();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("default-src 'none'"), "the page has its CSP");
    assert!(!html.contains("http://") && !html.contains("https://"));
    let url = format!("file://{}", page.display());

    let mut cdp = Cdp::start(&chrome);
    let target = cdp.call("Target.createTarget", json!({"url": "about:blank"}));
    let attached = cdp.call(
        "Target.attachToTarget",
        json!({"targetId": target["targetId"], "flatten": true}),
    );
    cdp.session = Some(attached["sessionId"].as_str().unwrap().to_owned());
    cdp.call("Network.enable", json!({}));
    cdp.call("Page.enable", json!({}));
    cdp.call("Runtime.enable", json!({}));
    cdp.call("Page.navigate", json!({"url": url}));
    cdp.wait_for("Page.loadEventFired");
    let t0 = Instant::now();
    cdp.eval("jixiao.ready.then(() => true)");
    let load = t0.elapsed();

    // The Chengde example: JX503 on the summary and five JX304.
    let dir = root.join("examples/chengde-2022");
    let expr = format!(
        "(async () => {{ const files = {}; const t0 = performance.now(); \
         const findings = await jixiao.check(files); \
         return {{findings, ms: performance.now() - t0}}; }})()",
        files_js(&dir, &[])
    );
    let r = cdp.eval(&expr);
    let c = codes(&r["findings"]);
    assert_eq!(
        c.iter()
            .filter(|(k, f)| k == "JX503" && f == "summary.yaml")
            .count(),
        1,
        "{c:?}"
    );
    assert_eq!(c.iter().filter(|(k, _)| k == "JX304").count(), 5, "{c:?}");
    let ms = r["ms"].as_f64().unwrap();
    // Shown: a section per file, the summary's snippet, its span marked.
    let shown = cdp.eval(
        "(() => { const s = document.querySelector('details[data-name=\"summary.yaml\"]'); \
         return {files: document.querySelectorAll('details.file').length, \
         term: s.querySelector('pre.term').textContent, \
         marks: s.querySelectorAll('mark.error').length, \
         status: document.getElementById('status').textContent, \
         pack: document.querySelector('#packview iframe').srcdoc.length}; })()",
    );
    assert_eq!(shown["files"], 11, "{shown}");
    let term = shown["term"].as_str().unwrap();
    assert!(
        term.contains("JX503") && term.contains("summary.yaml:"),
        "{term}"
    );
    assert!(shown["marks"].as_u64().unwrap() >= 1, "{shown}");
    assert!(shown["status"].as_str().unwrap().contains("11"), "{shown}");
    assert!(shown["pack"].as_u64().unwrap() > 1000, "{shown}");

    // A broken file beside them: its JX001, and the others' findings.
    let expr = format!(
        "jixiao.check({})",
        files_js(&dir, &[("broken.yaml", b"kind: target\nyear: [2022\n")])
    );
    let c = codes(&cdp.eval(&expr));
    assert!(
        c.iter().any(|(k, f)| k == "JX001" && f == "broken.yaml"),
        "{c:?}"
    );
    assert_eq!(c.iter().filter(|(k, _)| k == "JX304").count(), 5, "{c:?}");
    assert_eq!(c.iter().filter(|(k, _)| k == "JX503").count(), 1, "{c:?}");
    let broken = cdp
        .eval("document.querySelector('details[data-name=\"broken.yaml\"] pre.term').textContent");
    assert!(broken.as_str().unwrap().contains("JX001"), "{broken}");

    // The same example as workbooks: the same findings, each at its cell.
    let books = root.join("examples/chengde-2022-xlsx");
    let found = cdp.eval(&format!("jixiao.check({})", files_of(&books, ".xlsx", &[])));
    let c = codes(&found);
    assert_eq!(c.iter().filter(|(k, _)| k == "JX304").count(), 5, "{c:?}");
    let jx503: Vec<&Value> = found
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "JX503")
        .collect();
    assert_eq!(jx503.len(), 1, "{found}");
    assert_eq!(jx503[0]["file"], "summary.xlsx", "{found}");
    assert_eq!(jx503[0]["sheet"], "汇总", "{found}");
    assert_eq!(jx503[0]["cell"], "E3", "{found}");
    // Shown as the sheet, not as YAML: the JX503 cell highlighted at 汇总!E3
    // with its message, and a click on the finding flashes it.
    let grid = cdp.eval(
        "(() => { const s = document.querySelector('details[data-name=\"summary.xlsx\"]'); \
         const t = s.querySelector('table.grid'); \
         const hits = [...s.querySelectorAll('td.hit.error')].map(td => ({cell: td.dataset.cell, \
           row: td.dataset.row, col: td.dataset.col, text: td.querySelector('.v').textContent, \
           note: td.querySelector('.note').textContent})); \
         const letters = [...t.querySelectorAll('thead th')].map(th => th.textContent); \
         const e3 = [...t.querySelectorAll('tbody tr')].find(tr => tr.firstChild.textContent === '3'); \
         const col = letters.indexOf('E'); \
         const at = e3 && [...e3.children][col]; \
         s.querySelector('.finding.error').click(); \
         return {sheet: t.dataset.sheet, hits, letters, at: at && at.dataset.cell, \
           flashed: [...s.querySelectorAll('td.flash')].map(td => td.dataset.cell), \
           yaml: !!s.querySelector('.src'), \
           term: s.querySelector('pre.term').textContent, \
           labels: [...document.querySelectorAll('details[data-name=\"01-jujia-yanglao.xlsx\"] td.hit')].map(td => td.dataset.cell)}; })()",
    );
    assert_eq!(grid["sheet"], "汇总", "{grid}");
    assert_eq!(
        grid["hits"],
        json!([{"cell": "E3", "row": "3", "col": "5", "text": "260.15",
                "note": "JX503汇总执行数 260.15 万元，各项目合计 260.162333 万元"}]),
        "{grid}"
    );
    // the cell under the letter E on the row numbered 3 is the one marked
    assert_eq!(grid["at"], "E3", "{grid}");
    assert_eq!(grid["flashed"], json!(["E3"]), "{grid}");
    assert_eq!(grid["yaml"], false, "{grid}");
    assert!(
        grid["term"]
            .as_str()
            .unwrap()
            .contains("╭─[summary.xlsx:汇总!E3]"),
        "{grid}"
    );
    assert_eq!(grid["labels"], json!(["E9"]), "{grid}");

    // A workbook of several tables: JSON names the workbook in `file`, and
    // the page still puts each finding under its own table.
    let two = common::two_tables(&std::fs::read(books.join("01-jujia-yanglao.xlsx")).unwrap());
    let found = cdp.eval(&format!(
        "jixiao.check({})",
        files_of(&books, ".none", &[("two.xlsx", &two)])
    ));
    let files: Vec<(&str, &str)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["file"].as_str().unwrap(), f["sheet"].as_str().unwrap()))
        .collect();
    assert_eq!(
        files,
        [("two.xlsx", "自评表"), ("two.xlsx", "第二表")],
        "{found}"
    );
    let per_table = cdp.eval(
        "[...document.querySelectorAll('details.file')].map(d => [d.dataset.name, \
         d.querySelectorAll('.finding').length])",
    );
    assert_eq!(
        per_table,
        json!([["two.xlsx:自评表", 1], ["two.xlsx:第二表", 1]]),
        "{per_table}"
    );

    // The language switch checks again in English.
    let en = cdp.eval(
        "(async () => { document.querySelector('#langs [data-lang=en]').click(); \
         for (let i = 0; i < 600 && jixiao.lastAnswer().lang !== 'en'; i++) \
           await new Promise(r => setTimeout(r, 50)); \
         return {lang: jixiao.lastAnswer().lang, html: document.documentElement.lang, \
           save: document.getElementById('save').textContent, \
           pack: document.querySelector('#packview iframe').srcdoc.includes('Budget performance review pack')}; })()",
    );
    assert_eq!(en["lang"], "en", "{en}");
    assert_eq!(en["html"], "en", "{en}");
    assert_eq!(en["save"], "Save the review pack", "{en}");
    assert_eq!(en["pack"], true, "{en}");

    // The save button downloads the pack through a Blob URL.
    let downloads = tempfile::tempdir().unwrap();
    let saved = cdp.session.take();
    cdp.call(
        "Browser.setDownloadBehavior",
        json!({"behavior": "allow", "downloadPath": downloads.path().to_str().unwrap()}),
    );
    cdp.session = saved;
    cdp.eval("document.getElementById('save').click()");
    let file = downloads.path().join("review-pack.html");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !file.is_file() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let pack = std::fs::read_to_string(&file).expect("the saved pack");
    assert!(pack.starts_with("<!DOCTYPE html>"), "{:.100}", pack);
    assert!(pack.contains("Budget performance review pack"));

    // Nothing left the page: the only request is the page itself (the
    // saved pack is a blob: URL, in memory), no resource was fetched, no
    // CSP violation.
    let inside = cdp.eval(
        "({resources: performance.getEntriesByType('resource').map(e => e.name), \
          violations: jixiao.violations})",
    );
    assert_eq!(inside["resources"], json!([]), "{inside}");
    assert_eq!(inside["violations"], json!([]), "{inside}");
    // Flush pending events, then look at every request the page made.
    cdp.eval("1");
    while let Ok(v) = cdp.events.try_recv() {
        cdp.seen.push(v);
    }
    let requests: Vec<String> = cdp
        .seen
        .iter()
        .filter(|v| v["method"] == "Network.requestWillBeSent")
        .map(|v| {
            v["params"]["request"]["url"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert!(requests.contains(&url), "{requests:?}");
    for r in &requests {
        assert!(
            r == &url || r.starts_with("blob:"),
            "a request left the page: {r}"
        );
    }
    println!(
        "review room page: {size} bytes; module ready in {:.0} ms; Chengde 2022 (11 files) checked in {ms:.0} ms in Chromium",
        load.as_secs_f64() * 1000.0
    );
}
