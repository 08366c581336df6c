//! Fuzz target: `freda::fuzzing::markdown` (see that function for the invariants).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| freda::fuzzing::markdown(data));
