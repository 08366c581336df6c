//! Fuzz target: `freda::fuzzing::front_matter` (see that function for the invariants).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| freda::fuzzing::front_matter(data));
