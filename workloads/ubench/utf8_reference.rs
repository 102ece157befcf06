// utf8_reference.rs: the reference ubench's validate_utf8_* benchmarks are
// measured beside (reference.c): Rust's std::str::from_utf8, as a Rust
// program validates untrusted bytes.  Built by Debian's rustc, no cargo and
// no crates, into a static library that efbench links (workload.mk), so
// that it runs in the same process and rounds as ef_valid_utf8.
// -C opt-level=3 compiles this wrapper; from_utf8 itself is the copy in
// Debian's precompiled libcore (libstd-rust-dev), what a Rust program on
// the same system calls.
use std::slice;

/// 1 where the n bytes at p are valid UTF-8 by from_utf8, else 0.
///
/// # Safety
///
/// p must point to n readable bytes (any pointer where n is 0).
#[no_mangle]
pub unsafe extern "C" fn efub_rust_valid_utf8(p: *const u8, n: usize) -> i32 {
    // A slice may not be built on a null pointer, even an empty one.
    let bytes: &[u8] = if n == 0 { &[] } else { slice::from_raw_parts(p, n) };
    std::str::from_utf8(bytes).is_ok() as i32
}
