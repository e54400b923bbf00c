//! The `jixiao` binary: everything is in the library (`jixiao::cli`).

// mimalloc: the linter allocates many small nodes per file; it is ~20 % faster
// than the system allocator here. The library leaves the choice to embedders.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` (`MIMALLOC_PURGE_DELAY`), by its index in the
/// options of the mimalloc bundled with libmimalloc-sys 0.1.49, which names
/// no constant for it (a test checks the index).
#[cfg(not(target_arch = "wasm32"))]
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long emptied pages wait before going back to the system, in ms.
#[cfg(not(target_arch = "wasm32"))]
const PURGE_AFTER_MS: std::ffi::c_long = 5;

fn main() {
    // Each file's text, tree and model are freed once it is checked; pages
    // left empty go back to the system after 5 ms instead of mimalloc's
    // default second, so a run over 10,000 files peaks at the memory of
    // its findings, not of all it read (45 -> 36 MB, about 1 % slower; at
    // 1 ms 4 %). A setting already in the environment is left alone.
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is a plain store mimalloc allows at any time.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_AFTER_MS) };
    }
    // `println!`/`eprintln!` panic when the stream fails (stdout and stderr
    // both on a full disk: `>/dev/full 2>&1`); that is a failed run (2), not
    // a crash (101). Every other panic stays a panic.
    let run = std::panic::catch_unwind(|| jixiao::cli::main_with(std::env::args_os()));
    match run {
        Ok(code) => std::process::exit(code),
        Err(p) if stdio_failed(p.as_ref()) => std::process::exit(2),
        Err(p) => std::panic::resume_unwind(p),
    }
}

/// Whether a panic is std's "failed printing to stdout/stderr".
fn stdio_failed(payload: &(dyn std::any::Any + Send)) -> bool {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    text.starts_with("failed printing to std")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    /// The option set is the purge delay: its default is mimalloc's 1000 ms
    /// (no other option of this version defaults to 1000), and it takes the
    /// value set.
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        use libmimalloc_sys::{mi_option_get, mi_option_set};
        // SAFETY: reading and setting options is allowed at any time.
        unsafe {
            if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                assert_eq!(mi_option_get(super::PURGE_DELAY), 1000);
            }
            mi_option_set(super::PURGE_DELAY, super::PURGE_AFTER_MS);
            assert_eq!(mi_option_get(super::PURGE_DELAY), super::PURGE_AFTER_MS);
        }
    }
}
