//! cargo-fuzz target: see `fuzz/harness.rs` (`clean_bytes`) for what it feeds and checks.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::clean_bytes(data));
