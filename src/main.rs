//! The `jixiao` binary: everything is in the library (`jixiao::cli`).

// mimalloc: the linter allocates many small nodes per file; it is ~20 % faster
// than the system allocator here. The library leaves the choice to embedders.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(jixiao::cli::main_with(std::env::args_os()));
}
