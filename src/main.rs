//! The `jixiao` binary: everything is in the library (`jixiao::cli`).

fn main() {
    std::process::exit(jixiao::cli::main_with(std::env::args_os()));
}
