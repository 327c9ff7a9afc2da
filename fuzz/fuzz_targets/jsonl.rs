//! cargo-fuzz target: see `fuzz/harness.rs` (`jsonl_bytes`) for what it feeds and checks.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::jsonl_bytes(data));
