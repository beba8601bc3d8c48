//! `lsms`: the binary. Everything is in the library (`src/lib.rs`); this
//! sets the allocator and hands over.

/// jemalloc: reading every file of a store builds some forty small strings
/// a record, and glibc's malloc spent a fifth to a quarter of that time
/// consolidating its free lists (bench/README.md has the figures).
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    lsms::main()
}
