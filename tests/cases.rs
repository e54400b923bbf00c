//! Rule-semantics cases: every `tests/cases/**/*.yaml` is one test, run by
//! the library's case runner (`jixiao::cases`, what `jixiao test` runs), so
//! the project's own cases and a rule author's go through the same code.
//! The format is documented in `src/cases.rs` and `tests/cases/README.md`.

use jixiao::diag::Lang;
use std::path::Path;

fn run_case(path: &Path) -> datatest_stable::Result<()> {
    let r = jixiao::cases::run_file(path, Lang::Zh)?;
    if r.passed() {
        return Ok(());
    }
    let msg = format!("{}: {}\n{}", path.display(), r.note, r.explain(Lang::En));
    eprintln!("{msg}");
    Err(msg.into())
}

datatest_stable::harness! {
    { test = run_case, root = "tests/cases", pattern = r".*\.yaml$" },
}
