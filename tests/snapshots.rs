//! Rendered diagnostics, snapshotted with insta: labels under the right
//! characters of Chinese text, help lines, the summary line.

use snapbox::cmd::Command;

fn run(args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn seed_example_human_zh() {
    insta::assert_snapshot!(run(&["check", "examples/chengde-2022"]).0);
}

#[test]
fn seed_example_human_en() {
    insta::assert_snapshot!(run(&["check", "--lang", "en", "examples/chengde-2022"]).0);
}

#[test]
fn loader_diagnostics_under_chinese_text() {
    insta::assert_snapshot!(
        run(&[
            "check",
            "--no-default-rules",
            "tests/fixtures/diag/loader.yaml"
        ])
        .0
    );
}

#[test]
fn rule_file_errors_point_at_the_right_character() {
    insta::assert_snapshot!(
        run(&[
            "check",
            "--rules",
            "tests/fixtures/diag/bad.rules",
            "examples/target-clean.yaml"
        ])
        .1
    );
}
