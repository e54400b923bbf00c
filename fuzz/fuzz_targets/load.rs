//! Fuzz the loader: bytes → decode (BOM, UTF-16, binary, GBK hint) → spanned
//! YAML → the normalised model, as a named file and as one found in a folder;
//! then render its findings.
#![no_main]

use jixiao::load::{self, LoadOptions};
use libfuzzer_sys::fuzz_target;

#[path = "../common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let _ = load::bytes_mention_kind(data);
    let text = match load::decode(data, 0, jixiao::diag::Lang::En) {
        Ok(t) => t,
        Err(_) => return,
    };
    let opts = LoadOptions::default();
    let _ = load::load_text(&text, 0, &opts, false);
    let loaded = load::load_text(&text, 0, &opts, true);
    common::check_and_render(&[&text], loaded.findings);
});
