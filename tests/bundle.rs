//! `freda build --zip FILE`: the zip holds the output folder under one
//! folder named after it, byte for byte, the same site gives the same zip
//! bytes, and paths freda must not write are refused with exact messages.

use std::io::Read;
use std::path::Path;

use crate::common::{fixture, freda, read_tree, stderr};

/// Every file entry of a zip, by name, with its bytes.
fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        assert_eq!(
            entry
                .last_modified()
                .map(|t| (t.year(), t.month(), t.day())),
            Some((1980, 1, 1)),
            "{:?}",
            entry.name()
        );
        if entry.is_dir() {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.push((entry.name().unwrap().into_owned(), bytes));
    }
    out
}

/// The names of every entry, folders included, in the zip's order.
fn names(path: &Path) -> Vec<String> {
    let archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect()
}

#[test]
fn the_zip_holds_every_output_file_under_one_folder() {
    let site = fixture("sites", "all-types");
    let out = freda(
        site.path(),
        &["build", "--relative", "--zip", "bundles/library.zip"],
    );
    let text = stderr(&out);
    assert!(out.status.success(), "{text}");
    let zip = site.path().join("bundles/library.zip");
    let bytes = std::fs::metadata(&zip).unwrap().len();
    let summary = text.lines().last().unwrap();
    let size = freda::downloads::format_size(bytes);
    assert!(
        summary.ends_with(&format!(
            "→ public/ and bundles/library.zip, {size} (1 warning)"
        )),
        "{summary}"
    );
    let written: Vec<(String, Vec<u8>)> = read_tree(&site.path().join("public"))
        .into_iter()
        .filter(|(path, _)| path != ".freda-output")
        .map(|(path, bytes)| (format!("library/{path}"), bytes))
        .collect();
    let mut zipped = unzip(&zip);
    zipped.sort();
    assert!(written.len() > 30, "{}", written.len());
    assert_eq!(zipped.len(), written.len());
    for ((zn, zb), (wn, wb)) in zipped.iter().zip(&written) {
        assert_eq!(zn, wn);
        assert!(zb == wb, "{zn} differs from the output folder's");
    }
    let order = names(&zip);
    assert_eq!(order[0], "library/");
    assert!(order.contains(&"library/downloads/".to_string()));
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "entries are in sorted order");
    assert!(
        !site.path().join("bundles").read_dir().unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("freda-tmp")),
        "no temporary file is left"
    );
}

#[test]
fn the_same_site_gives_the_same_zip_bytes() {
    let site = fixture("sites", "all-types");
    let build = |zip: &str| {
        let out = freda(site.path(), &["build", "--relative", "--zip", zip]);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read(site.path().join(zip)).unwrap()
    };
    let first = build("a/library.zip");
    // Newer modification times on the sources change nothing.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let page = site.path().join("content/about.md");
    std::fs::write(&page, std::fs::read(&page).unwrap()).unwrap();
    let second = build("b/library.zip");
    assert!(first == second, "two builds gave different zips");
    // A zip freda wrote may be replaced.
    assert_eq!(build("a/library.zip"), first);
}

/// `freda build` with `args` fails, leaving the output folder alone, with
/// exactly `expected` on standard error.
fn refused(site: &Path, args: &[&str], expected: &str) {
    let out = freda(site, args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stderr(&out), expected);
    assert!(!site.join("public").exists(), "nothing was built");
}

#[test]
fn zip_paths_freda_must_not_write_are_refused() {
    let site = fixture("sites", "all-types");
    let root = site.path();
    refused(
        root,
        &["build", "--relative", "--zip", "public/library.zip"],
        "--zip: error: the zip file public/library.zip is inside the output folder public, which every build replaces\n  help: write the zip next to the output folder, e.g. --zip library.zip\nerror: the site was not built: 1 error; the output folder was not changed\n",
    );
    std::fs::create_dir(root.join("library.zip")).unwrap();
    refused(
        root,
        &["build", "--relative", "--zip", "library.zip"],
        "--zip: error: library.zip is a folder, not a zip file\n  help: give the name of the zip file to write, e.g. --zip library.zip\nerror: the site was not built: 1 error; the output folder was not changed\n",
    );
    refused(
        root,
        &["build", "--relative", "--zip", "site.toml"],
        "--zip: error: site.toml exists and is not a zip file, so freda will not replace it\n  help: choose another name, or delete the file first\nerror: the site was not built: 1 error; the output folder was not changed\n",
    );
    refused(
        root,
        &["build", "--relative", "--zip", "static/library.zip"],
        "--zip: error: the zip file static/library.zip is inside the site's static/ folder, so the next build would publish it\n  help: write the zip outside content/ and static/, e.g. --zip library.zip\nerror: the site was not built: 1 error; the output folder was not changed\n",
    );
}

#[test]
fn a_zip_without_relative_links_is_a_warning() {
    let site = fixture("sites", "all-types");
    let out = freda(site.path(), &["build", "--zip", "library.zip"]);
    let text = stderr(&out);
    assert!(out.status.success(), "{text}");
    let warning = "--zip: warning: without --relative, the pages in the zip link to each other by their addresses under base_url, so they work only when the folder is served there, not when opened from disk\n  help: add --relative to make a zip that works when unzipped and opened from disk\n";
    assert!(text.starts_with(warning), "{text}");
    assert!(text.trim_end().ends_with("(2 warnings)"), "{text}");
}
