//! Downloads listed in front matter show the type and size measured from
//! the file, in full builds and in `freda serve`'s incremental rebuilds;
//! Office and PDF files under `static/downloads/` are copied as they are.

use std::collections::BTreeSet;
use std::path::Path;

use freda::build::BuildOptions;
use freda::incremental::Incremental;

use crate::common::{fixture, freda, read, stderr};

/// The training page of the all-types fixture lists `g.pdf` and a Word file.
fn with_materials(root: &Path) {
    let page = root.join("content/train/intro.md");
    let text = std::fs::read_to_string(&page).unwrap().replace(
        r#"materials = [{ title = "Slides", file = "/downloads/g.pdf", size = "10 B" }]"#,
        r#"materials = [
  { title = "Slides", file = "/downloads/g.pdf" },
  { title = "Handout", file = "/downloads/handout.docx" },
]"#,
    );
    assert!(text.contains("handout.docx"), "the fixture changed: {text}");
    std::fs::write(page, text).unwrap();
}

/// Bytes that start like a real file of the type, `len` long.
fn file_of(magic: &[u8], len: usize) -> Vec<u8> {
    let mut bytes = magic.to_vec();
    bytes.extend((0..len - magic.len()).map(|i| (i * 7 % 251) as u8));
    bytes
}

#[test]
fn measured_type_and_size_are_shown_and_files_are_copied_unchanged() {
    let site = fixture("sites", "all-types");
    let downloads = site.path().join("static/downloads");
    let pdf = file_of(b"%PDF-1.7\n", 120 * 1024);
    let docx = file_of(b"PK\x03\x04", 1536);
    std::fs::write(downloads.join("g.pdf"), &pdf).unwrap();
    std::fs::write(downloads.join("handout.docx"), &docx).unwrap();
    with_materials(site.path());
    let out = freda(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    let html = read(&public, "train/intro/index.html");
    for shown in [
        r#"<a href="/hr/downloads/g.pdf" type="application/pdf">Slides</a> <span class="file-info">(PDF, 120 KB)</span>"#,
        r#"<a href="/hr/downloads/handout.docx" type="application/vnd.openxmlformats-officedocument.wordprocessingml.document">Handout</a> <span class="file-info">(Word document, 1.5 KB)</span>"#,
    ] {
        assert!(html.contains(shown), "{shown}\nnot in\n{html}");
    }
    let guide = read(&public, "guides/g/index.html");
    assert!(guide.contains("The guide</a> <span class=\"file-info\">(PDF, 120 KB)</span>"));
    assert_eq!(std::fs::read(public.join("downloads/g.pdf")).unwrap(), pdf);
    assert_eq!(
        std::fs::read(public.join("downloads/handout.docx")).unwrap(),
        docx
    );
}

#[test]
fn a_rebuild_shows_the_new_size_of_a_replaced_file() {
    let site = fixture("sites", "all-types");
    with_materials(site.path());
    std::fs::write(site.path().join("static/downloads/handout.docx"), b"PK").unwrap();
    let mut inc = Incremental::new(BuildOptions {
        root: site.path().to_path_buf(),
        in_memory: true,
        ..BuildOptions::default()
    });
    let first = inc.build(&BTreeSet::new(), true).unwrap();
    let page = |files: &freda::incremental::Files| {
        String::from_utf8(files["train/intro/index.html"].to_vec()).unwrap()
    };
    assert!(page(&first.files).contains("(Word document, 2 bytes)"));
    let grown = file_of(b"PK\x03\x04", 2 * 1024 * 1024 + 300 * 1024);
    std::fs::write(site.path().join("static/downloads/handout.docx"), grown).unwrap();
    let changed = BTreeSet::from(["static/downloads/handout.docx".to_string()]);
    let second = inc.build(&changed, false).unwrap();
    assert!(
        page(&second.files).contains("(Word document, 2.3 MB)"),
        "{}",
        page(&second.files)
    );
}

/// Type names are theme strings, so a translation renames them (a strings
/// file without them is an error, like any missing key).
#[test]
fn type_names_come_from_the_theme_strings() {
    let site = fixture("sites", "all-types");
    with_materials(site.path());
    std::fs::write(site.path().join("static/downloads/handout.docx"), b"PK").unwrap();
    let theme = include_str!("../themes/default/i18n/en.toml");
    let strings: String = theme
        .lines()
        .filter(|l| !l.starts_with("file_pdf "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(
        site.path().join("i18n/en.toml"),
        format!("{strings}file_pdf = \"Dogfen PDF\"\n"),
    )
    .unwrap();
    let out = freda(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(&site.path().join("public"), "train/intro/index.html");
    assert!(
        html.contains("Slides</a> <span class=\"file-info\">(Dogfen PDF, 10 bytes)</span>"),
        "{html}"
    );
    assert!(
        html.contains("Handout</a> <span class=\"file-info\">(Word document, 2 bytes)</span>"),
        "{html}"
    );
}
