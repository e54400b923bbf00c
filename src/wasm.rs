//! The WebAssembly entry points of the review room page (`web/`), compiled
//! only for `wasm32`: a few `extern "C"` functions passing names, bytes and
//! the JSON answer of [`crate::page::check_json`] through linear memory, no
//! wasm-bindgen. The page allocates with `jx_alloc`, copies a file in, hands
//! it over with `jx_add` (which copies it), frees it with `jx_free`; `jx_check`
//! checks the files added since `jx_clear` and leaves the answer (UTF-8 JSON)
//! at `jx_output_ptr` for `jx_output_len` bytes, until the next check.

use crate::diag::Lang;
use crate::page::{PageFile, check_json};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

static FILES: Mutex<Vec<PageFile>> = Mutex::new(Vec::new());
static OUTPUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());
/// The page's clock (seconds since 1970): std has none here.
static NOW: AtomicI64 = AtomicI64::new(0);
/// The message of a panic, for the page to show after the trap.
static PANIC: Mutex<String> = Mutex::new(String::new());

/// The time the page gave with the last check (the review pack's date).
pub fn now_secs() -> i64 {
    NOW.load(Ordering::Relaxed)
}

fn layout(len: usize) -> std::alloc::Layout {
    std::alloc::Layout::array::<u8>(len.max(1)).unwrap_or(std::alloc::Layout::new::<u8>())
}

/// `len` bytes for the page to write into (null when memory is exhausted).
#[unsafe(no_mangle)]
pub extern "C" fn jx_alloc(len: usize) -> *mut u8 {
    // SAFETY: the layout is never zero-sized.
    unsafe { std::alloc::alloc(layout(len)) }
}

/// Give back what `jx_alloc(len)` returned.
///
/// # Safety
/// `ptr` and `len` are those of one earlier `jx_alloc`, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jx_free(ptr: *mut u8, len: usize) {
    if !ptr.is_null() {
        // SAFETY: allocated by `jx_alloc` with this layout.
        unsafe { std::alloc::dealloc(ptr, layout(len)) }
    }
}

/// Forget the files added so far.
#[unsafe(no_mangle)]
pub extern "C" fn jx_clear() {
    FILES.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

/// Add a file: its name (UTF-8) and bytes, both copied.
///
/// # Safety
/// The pointers are valid for their lengths (memory from `jx_alloc`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jx_add(
    name: *const u8,
    name_len: usize,
    bytes: *const u8,
    bytes_len: usize,
) {
    // SAFETY: the caller's promise; empty slices need no memory.
    let slice = |p: *const u8, n: usize| {
        if n == 0 {
            &[][..]
        } else {
            unsafe { std::slice::from_raw_parts(p, n) }
        }
    };
    let name = String::from_utf8_lossy(slice(name, name_len)).into_owned();
    let bytes = slice(bytes, bytes_len).to_vec();
    FILES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(PageFile { name, bytes });
}

/// Check the added files with messages in Chinese (`lang` 0) or English
/// (1), `now` being the page's clock in seconds since 1970; returns the
/// answer's length in bytes.
#[unsafe(no_mangle)]
pub extern "C" fn jx_check(lang: u32, now: f64) -> usize {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            if let Ok(mut p) = PANIC.try_lock() {
                *p = info.to_string();
            }
        }))
    });
    NOW.store(now as i64, Ordering::Relaxed);
    let lang = if lang == 1 { Lang::En } else { Lang::Zh };
    let files = FILES.lock().unwrap_or_else(|e| e.into_inner());
    let answer = check_json(&files, lang);
    let mut out = OUTPUT.lock().unwrap_or_else(|e| e.into_inner());
    *out = answer.into_bytes();
    out.len()
}

/// Where the message of the last panic is (after the module trapped).
#[unsafe(no_mangle)]
pub extern "C" fn jx_panic_ptr() -> *const u8 {
    PANIC.try_lock().map_or(std::ptr::null(), |p| p.as_ptr())
}

/// The length of the last panic's message.
#[unsafe(no_mangle)]
pub extern "C" fn jx_panic_len() -> usize {
    PANIC.try_lock().map_or(0, |p| p.len())
}

/// Where the last answer is.
#[unsafe(no_mangle)]
pub extern "C" fn jx_output_ptr() -> *const u8 {
    OUTPUT.lock().unwrap_or_else(|e| e.into_inner()).as_ptr()
}

/// The last answer's length in bytes.
#[unsafe(no_mangle)]
pub extern "C" fn jx_output_len() -> usize {
    OUTPUT.lock().unwrap_or_else(|e| e.into_inner()).len()
}
