//! Fuzz the YAML reader's two paths against each other: whatever the fast
//! subset reader takes must read exactly as saphyr-parser's event stream
//! does (tree, spans, no error, no further document), and neither panics.
#![no_main]

use jixiao::yaml::{self, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (both, events) = (yaml::parse(text, Limits::default()), yaml::parse_events(text, Limits::default()));
    assert_eq!(both.root, events.root, "{text:?}");
    assert_eq!(both.error, events.error, "{text:?}");
    assert_eq!(both.extra_documents, events.extra_documents, "{text:?}");
});
