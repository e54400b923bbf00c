//! End to end: the HTML review pack as a browser prints it. Headless Chromium
//! (Debian's `chromium`, which `.ci/run` installs when missing) prints the
//! Chengde 2022 pack to PDF; we check the page count (a page or two for the
//! department, then one per project) and that the inline SVG chart renders
//! as coloured bars, by rasterising it with poppler's `pdftoppm`.
//!
//! Also: a long indicator table fills its pages, repeats its 一级/二级 labels
//! after a page break, and the cover carries the pack's provenance (read back
//! with `pdftotext`).
//!
//! Skipped only when no Chromium is installed, with a SKIP line written to
//! the real stderr (not captured by the harness), so a skip never passes as ok.
//! The PDFs are kept under the target folder for a person to look at.

use jixiao::cli;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// An executable on `PATH`.
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

/// Run a command to completion within `limit`, or fail the test.
fn run(cmd: &mut Command, limit: Duration) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{cmd:?} did not finish within {limit:?}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => panic!("waiting for {cmd:?}: {e}"),
        }
    }
    child.wait_with_output().expect("output")
}

/// Print `html` to `pdf` with headless Chromium.
fn print_to_pdf(chrome: &Path, html: &Path, pdf: &Path) {
    let profile = tempfile::tempdir().expect("profile dir");
    let out = run(
        Command::new(chrome)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", html.display())),
        Duration::from_secs(180),
    );
    assert!(
        pdf.is_file(),
        "chromium wrote no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Pages of a PDF: `/Type /Page` objects (not `/Pages`), as Chromium writes
/// them uncompressed; cross-checked with `pdfinfo` when it is installed.
fn page_count(pdf: &Path) -> usize {
    let bytes = std::fs::read(pdf).expect("read the PDF");
    let needle = b"/Type /Page";
    let counted = bytes
        .windows(needle.len() + 1)
        .filter(|w| w.starts_with(needle) && w[needle.len()] != b's')
        .count();
    if which("pdfinfo").is_some() {
        let out = run(Command::new("pdfinfo").arg(pdf), Duration::from_secs(60));
        let text = String::from_utf8_lossy(&out.stdout);
        let pages: usize = text
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("pdfinfo gives the page count");
        assert_eq!(counted, pages, "page objects against pdfinfo");
    }
    counted
}

/// Write the pack of `input` as HTML into `dir`.
fn pack(input: &str, dir: &Path, name: &str) -> PathBuf {
    let html = dir.join(format!("{name}.html"));
    let status = cli::main_with([
        "jixiao",
        "report",
        input,
        "--no-config",
        "--format",
        "html",
        "-o",
        html.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(status, 0);
    html
}

/// A binary PPM (P6) as (width, height, RGB bytes).
fn read_ppm(path: &Path) -> (usize, usize, Vec<u8>) {
    let bytes = std::fs::read(path).expect("read the PPM");
    // Header: "P6", width, height, maxval, each after whitespace, then one byte.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let data = bytes[i + 1..].to_vec();
    assert_eq!(data.len(), w * h * 3, "PPM size");
    (w, h, data)
}

/// Pixels close to an RGB colour.
fn count_colour(data: &[u8], rgb: (u8, u8, u8)) -> usize {
    data.chunks_exact(3)
        .filter(|p| {
            p[0].abs_diff(rgb.0) < 40 && p[1].abs_diff(rgb.1) < 40 && p[2].abs_diff(rgb.2) < 40
        })
        .count()
}

/// Say on the real stderr (the test harness captures `eprintln!` of a
/// passing test) that a test did not run, so "ok" never hides a skip.
fn skip(test: &str) {
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "SKIP {test}: no chromium on PATH (apt-get install chromium poppler-utils; \
         .ci/run installs them when it can)"
    );
}

/// A binary PGM (P5) as (width, height, grey bytes).
fn read_pgm(path: &Path) -> (usize, usize, Vec<u8>) {
    let bytes = std::fs::read(path).expect("read the PGM");
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let data = bytes[i + 1..].to_vec();
    assert_eq!(data.len(), w * h, "PGM size");
    (w, h, data)
}

/// How far down page `page` of `pdf` the content reaches, as a fraction of
/// the page above the footer (the page number sits in the bottom margin).
fn filled(pdf: &Path, page: usize, dir: &Path) -> f64 {
    let prefix = dir.join(format!("fill-{page}"));
    let out = run(
        Command::new("pdftoppm")
            .args(["-r", "30", "-gray", "-singlefile"])
            .args(["-f", &page.to_string(), "-l", &page.to_string()])
            .arg(pdf)
            .arg(&prefix),
        Duration::from_secs(60),
    );
    assert!(out.status.success(), "pdftoppm failed");
    let (w, h, data) = read_pgm(&prefix.with_extension("pgm"));
    // A4 is 297 mm; the bottom margin (15 mm) holds the page number.
    let body = h * 282 / 297;
    let last = (0..body)
        .rev()
        .find(|&y| data[y * w..(y + 1) * w].iter().any(|&p| p < 160))
        .unwrap_or(0);
    last as f64 / body as f64
}

/// The text of one page of `pdf`, by poppler's `pdftotext`.
fn page_text(pdf: &Path, page: usize) -> String {
    let out = run(
        Command::new("pdftotext")
            .args(["-layout", "-f", &page.to_string(), "-l", &page.to_string()])
            .arg(pdf)
            .arg("-"),
        Duration::from_secs(60),
    );
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A target declaration with 40 more 数量指标 rows than the example: its
/// indicator table runs over a page.
fn big_target(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string("examples/target-clean.yaml").expect("example");
    let mut rows = String::new();
    for i in 1..=40 {
        rows.push_str(&format!(
            "      - {{ name: 社区服务补充指标第{i}项, target: ≥ {i}0 人次, weight: 0 }}\n"
        ));
    }
    let text = text.replacen("    质量指标:\n", &format!("{rows}    质量指标:\n"), 1);
    let path = dir.join("big.yaml");
    std::fs::write(&path, text).expect("write big.yaml");
    path
}

#[test]
fn printed_pages_are_full_and_keep_their_labels() {
    let Some(chrome) = chromium() else {
        skip("printed_pages_are_full_and_keep_their_labels");
        return;
    };
    if which("pdftoppm").is_none() || which("pdftotext").is_none() {
        skip("printed_pages_are_full_and_keep_their_labels (no poppler-utils)");
        return;
    }
    let keep = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-e2e-big");
    std::fs::create_dir_all(&keep).expect("target tmp dir");
    let big = big_target(&keep);
    let html = pack(big.to_str().expect("utf-8 path"), &keep, "big");
    let pdf = keep.join("big.pdf");
    print_to_pdf(&chrome, &html, &pdf);
    let pages = page_count(&pdf);
    eprintln!("big target: {pages} pages ({})", pdf.display());
    assert!((3..=4).contains(&pages), "big target on {pages} pages");
    // Page 1: cover and department. Page 2 starts the project: its facts and
    // then its long indicator table, not the facts alone with the table
    // pushed whole to the next page.
    let second = filled(&pdf, 2, &keep);
    assert!(second > 0.8, "page 2 is only {:.0}% filled", second * 100.0);
    // The table goes on over the page: the continuation still names the
    // 一级 and 二级 of its rows.
    let third = page_text(&pdf, 3);
    assert!(third.contains("社区服务补充指标"), "{third}");
    assert!(
        third.contains("产出指标") && third.contains("数量指标"),
        "the continued rows lost their labels: {third}"
    );
    // The cover says what made the pack.
    let first = page_text(&pdf, 1);
    for label in ["生成日期", "生成工具", "指标体系", "规则文件"] {
        assert!(first.contains(label), "no {label} on the cover: {first}");
    }
}

#[test]
fn chromium_prints_the_pack_with_its_chart() {
    let Some(chrome) = chromium() else {
        skip("chromium_prints_the_pack_with_its_chart");
        return;
    };
    let keep = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-e2e");
    std::fs::create_dir_all(&keep).expect("target tmp dir");

    // The seed: a department part (figures, checks, findings, table, chart),
    // then each of the ten projects on a page of its own.
    let html = pack("examples/chengde-2022", &keep, "chengde-2022");
    let pdf = keep.join("chengde-2022.pdf");
    print_to_pdf(&chrome, &html, &pdf);
    let pages = page_count(&pdf);
    assert!(
        (11..=16).contains(&pages),
        "chengde-2022 printed on {pages} pages; expected the department on one or two, \
         and one per project ({})",
        pdf.display()
    );

    eprintln!("chengde-2022: {pages} pages ({})", pdf.display());

    // A single target declaration: the department page and its project.
    let html = pack("examples/target-clean.yaml", &keep, "target-clean");
    let target_pdf = keep.join("target-clean.pdf");
    print_to_pdf(&chrome, &html, &target_pdf);
    let pages = page_count(&target_pdf);
    assert!((2..=3).contains(&pages), "target-clean on {pages} pages");

    // The chart alone, as the pack draws it, rasterised: red bars for the
    // five projects below 60 %, green for the five at 80 % and up.
    let full = std::fs::read_to_string(keep.join("chengde-2022.html")).expect("html");
    let style_end = full.find("</style>").expect("style") + "</style>".len();
    let svg_start = full.find("<svg").expect("an inline svg");
    let svg_end = full.find("</svg>").expect("svg end") + "</svg>".len();
    let chart_html = keep.join("chart.html");
    std::fs::write(
        &chart_html,
        format!(
            "{}</head><body><figure>{}</figure></body></html>",
            &full[..style_end],
            &full[svg_start..svg_end]
        ),
    )
    .expect("write chart page");
    let chart_pdf = keep.join("chart.pdf");
    print_to_pdf(&chrome, &chart_html, &chart_pdf);
    assert_eq!(page_count(&chart_pdf), 1, "the chart fits on one page");
    if which("pdftoppm").is_none() {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "NOTE: pdftoppm (poppler-utils) is not installed: the chart was printed \
             ({}) but not rasterised and checked",
            chart_pdf.display()
        );
        return;
    }
    let prefix = keep.join("chart");
    let out = run(
        Command::new("pdftoppm")
            .args(["-r", "50", "-f", "1", "-l", "1", "-singlefile"])
            .arg(&chart_pdf)
            .arg(&prefix),
        Duration::from_secs(60),
    );
    assert!(out.status.success(), "pdftoppm failed");
    let (w, h, data) = read_ppm(&prefix.with_extension("ppm"));
    let red = count_colour(&data, (0xc6, 0x28, 0x28));
    let green = count_colour(&data, (0x2e, 0x7d, 0x32));
    let ink = data
        .chunks_exact(3)
        .filter(|p| p.iter().any(|&c| c < 200))
        .count();
    eprintln!("chart at 50 dpi ({w}×{h}): {red} red, {green} green, {ink} inked pixels");
    // At 50 dpi a 100 % bar is about 200 × 7 pixels.
    assert!(red > 1000, "red bars: {red} pixels of {w}×{h}");
    assert!(green > 3000, "green bars: {green} pixels of {w}×{h}");
    assert!(
        green > red,
        "four full green bars outweigh five short red ones"
    );
    assert!(
        ink > red + green,
        "labels and reference lines are drawn too"
    );
}
