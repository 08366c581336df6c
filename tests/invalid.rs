//! Invalid sites: each folder in `tests/sites_invalid/` must fail with the
//! exact text of its `expected.txt`, exit code 1, and leave `public/` alone.
//!
//! Set `FREDA_BLESS=1` to rewrite `expected.txt` files from the current output.

use std::path::Path;

use crate::common::{copy_dir, freda, read_tree, repo, stderr};

fn check(name: &str, dir: &Path) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(dir, tmp.path());
    let expected_path = tmp.path().join("expected.txt");
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    std::fs::remove_file(&expected_path).ok();
    let public = tmp.path().join("public");
    std::fs::create_dir_all(&public).unwrap();
    std::fs::write(public.join(".freda-output"), "marker\n").unwrap();
    std::fs::write(public.join("index.html"), "previous good site").unwrap();
    let before = read_tree(&public);
    let out = freda(tmp.path(), &["build"]);
    let got = stderr(&out);
    if std::env::var_os("FREDA_BLESS").is_some() {
        std::fs::write(dir.join("expected.txt"), &got).unwrap();
    }
    let mut problems = Vec::new();
    if out.status.code() != Some(1) {
        problems.push(format!("exit code {:?}, expected 1", out.status.code()));
    }
    if got != expected {
        problems.push(format!(
            "stderr differs.\n--- expected\n{expected}\n--- got\n{got}"
        ));
    }
    if read_tree(&public) != before {
        problems.push("public/ was changed".to_string());
    }
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("freda-tmp") || n.contains("freda-old"))
        .collect();
    if !leftovers.is_empty() {
        problems.push(format!("left temporary folders: {leftovers:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}: {}", problems.join("; ")))
    }
}

#[test]
fn invalid_sites_fail_with_exact_messages() {
    let root = repo().join("tests/sites_invalid");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 10,
        "expected a fixture per class of bad input"
    );
    let failures: Vec<String> = dirs
        .iter()
        .filter(|d| d.is_dir())
        .filter_map(|d| check(&d.file_name().unwrap().to_string_lossy(), d).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
