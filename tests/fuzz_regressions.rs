//! Replays every file of `fuzz/regressions/<target>/` through the harness
//! of that fuzz target (`freda::fuzzing`), so inputs the fuzzers found stay fixed.

use std::path::Path;

#[test]
fn fuzz_regressions_pass_their_harness() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for (target, harness) in freda::fuzzing::TARGETS {
        let dir = root.join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("a readable folder entry").path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no seeds in {}", dir.display());
        for file in files {
            let data = std::fs::read(&file).expect("a readable regression file");
            let outcome = std::panic::catch_unwind(|| harness(&data));
            assert!(outcome.is_ok(), "{} fails its harness", file.display());
            replayed += 1;
        }
    }
    assert!(replayed >= 4);
}
