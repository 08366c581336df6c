//! Fixture sites that must build: snapshots of each page type, links under a
//! subpath, determinism, and the starter library.

use std::path::Path;

use crate::common::{fixture, freda, main_of, read, read_tree, repo, starter, stderr};

fn build_all_types(extra: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let site = fixture("sites", "all-types");
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let out = freda(site.path(), &args);
    (site, out)
}

#[test]
fn every_page_type_renders_its_fields() {
    let (site, out) = build_all_types(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    let pages = [
        ("index", "index.html"),
        ("page", "about/index.html"),
        ("guide", "guides/g/index.html"),
        ("guide_part", "guides/g/part-one/index.html"),
        ("guide_print", "guides/g/print/index.html"),
        ("section", "cases/index.html"),
        ("case_study", "cases/one/index.html"),
        ("archived", "cases/archived/index.html"),
        ("dos_donts", "dd/planning/index.html"),
        ("training", "train/intro/index.html"),
        ("tool", "tools/check/index.html"),
        ("event", "events/day/index.html"),
        ("evaluation", "evals/report/index.html"),
        ("taxonomy", "rights/index.html"),
        ("term", "rights/article-8/index.html"),
        ("open_term", "topics/restraint/index.html"),
        ("browse", "browse/index.html"),
        ("not_found", "404.html"),
    ];
    for (name, rel) in pages {
        insta::assert_snapshot!(name, main_of(&read(&public, rel)));
    }
    insta::assert_snapshot!("sitemap", read(&public, "sitemap.xml"));
    insta::assert_snapshot!("robots", read(&public, "robots.txt"));
}

#[test]
fn branding_comes_from_site_toml() {
    let (site, out) = build_all_types(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    let index = read(&public, "index.html");
    assert!(
        index.contains(
            "<img class=\"site-logo\" src=\"/hr/images/logo.svg\" alt=\"Fixture Trust\">"
        ),
        "{index}"
    );
    assert!(public.join("images/logo.svg").is_file());
    assert_eq!(read(&public, "brand.css"), ":root { --brand: #005eb8; }\n");
    assert!(index
        .contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self';"));
    assert!(!index.contains("unsafe-inline"));
}

#[test]
fn search_index_is_built_and_linked_from_every_page() {
    let (site, out) = build_all_types(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    let manifest = std::fs::read_dir(public.join("search/en"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("manifest.") && n.ends_with(".json"))
        .expect("a manifest");
    let index = read(&public, "index.html");
    assert!(
        index.contains(&format!(
            "data-search-manifest=\"/hr/search/en/{manifest}\""
        )),
        "{index}"
    );
    assert!(index.contains("<script src=\"/hr/search.js\" defer></script>"));
    let manifest_json = read(&public.join("search/en"), &manifest);
    let value: serde_json::Value = serde_json::from_str(&manifest_json).unwrap();
    insta::assert_json_snapshot!("search_manifest", value);
    let search_page = read(&public, "search/index.html");
    assert!(search_page.contains("data-search-fallback"));
    assert!(
        search_page.contains("href=\"/hr/cases/one/#the-challenge\"")
            || search_page.contains("Case one")
    );
}

#[test]
fn warnings_are_printed_but_do_not_fail() {
    let (_site, out) = build_all_types(&[]);
    let err = stderr(&out);
    assert!(
        err.starts_with("content/about.md:48:34: warning: raw HTML `<script>` was removed\n"),
        "{err}"
    );
    assert!(
        err.lines()
            .last()
            .unwrap()
            .starts_with("Built 34 pages in "),
        "{err}"
    );
    assert!(err.trim_end().ends_with("(1 warning)"), "{err}");
}

/// Every `href` and `src` in the built HTML that points into the site
/// (not `#…`, `https://`, `mailto:` or `data:`).
fn internal_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].to_string());
        }
    }
    let external = ["#", "https://", "mailto:", "data:"];
    out.retain(|l| !external.iter().any(|e| l.starts_with(e)));
    out
}

/// Built HTML files with their text, and checks that hold for every page:
/// no inline style, and scripts only by `src`.
fn html_files(public: &Path) -> Vec<(String, String)> {
    let files: Vec<(String, String)> = read_tree(public)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .map(|(rel, bytes)| (rel, String::from_utf8(bytes).unwrap()))
        .collect();
    for (rel, html) in &files {
        assert!(!html.contains("style=\""), "{rel} has an inline style");
        for script in html.split("<script").skip(1) {
            let tag = &script[..script.find("</script>").unwrap()];
            assert!(
                tag.contains(" src=\"") && tag.ends_with('>'),
                "{rel} has an inline script: {tag}"
            );
        }
    }
    files
}

/// Checks that every internal link is under `base` and names a built file.
fn check_links(public: &Path, base: &str) {
    for (rel, html) in html_files(public) {
        for link in internal_links(&html) {
            let path = link
                .strip_prefix(base)
                .unwrap_or_else(|| panic!("{rel}: {link} is outside {base}"));
            let path = path.split('#').next().unwrap();
            let file = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            assert!(public.join(&file).is_file(), "{rel}: broken link {link}");
        }
    }
}

/// Checks that every internal link is relative and names a file from the page's folder.
fn check_relative_links(public: &Path) {
    for (rel, html) in html_files(public)
        .into_iter()
        .filter(|(rel, _)| rel != "404.html")
    {
        let dir = Path::new(&rel).parent().unwrap().to_path_buf();
        for link in internal_links(&html) {
            assert!(!link.starts_with('/'), "{rel}: {link} is not relative");
            let path = link.split(['#', '?']).next().unwrap();
            assert!(
                public.join(&dir).join(path).is_file(),
                "{rel}: broken relative link {link}"
            );
        }
    }
}

#[test]
fn links_stay_under_the_base_path_and_resolve() {
    let (site, out) = build_all_types(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    check_links(&site.path().join("public"), "/hr/");
}

#[test]
fn base_url_can_be_overridden() {
    let (site, out) = build_all_types(&["--base-url", "https://other.example/library/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    check_links(&public, "/library/");
    assert!(read(&public, "sitemap.xml")
        .contains("<loc>https://other.example/library/cases/one/</loc>"));
}

#[test]
fn relative_links_work_from_disk() {
    let (site, out) = build_all_types(&["--relative"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    check_relative_links(&public);
    let case = read(&public, "cases/one/index.html");
    assert!(case.contains("href=\"../../style.css\""), "{case}");
    assert!(case.contains("href=\"../../index.html\""), "{case}");
}

#[test]
fn drafts_are_built_only_when_asked() {
    let (site, _) = build_all_types(&[]);
    assert!(!site.path().join("public/cases/draft").exists());
    let (site, out) = build_all_types(&["--drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(&site.path().join("public"), "cases/draft/index.html").contains("Draft case"));
}

#[test]
fn the_starter_builds_without_warnings() {
    let site = starter();
    let out = freda(site.path(), &["build", "--today", "2026-11-29"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        err.lines().count(),
        1,
        "expected only the summary line:\n{err}"
    );
    assert!(err.starts_with("Built "), "{err}");
    check_links(&site.path().join("public"), "/");
}

#[test]
fn the_starter_has_every_page_type() {
    let site = starter();
    assert!(freda(site.path(), &["build"]).status.success());
    let public = site.path().join("public");
    let index = read(&public, "index.html");
    assert!(index.contains("Case studies"));
    for (rel, needle) in [
        (
            "guides/human-rights-framework/print/index.html",
            "guide-print",
        ),
        (
            "guides/human-rights-framework/freda-principles/index.html",
            "page-guide-part",
        ),
        ("tools/human-rights-checklist/index.html", "page-tool"),
        (
            "events/human-rights-learning-day-2027/index.html",
            "page-event",
        ),
        (
            "evaluations/evaluating-a-human-rights-training-programme/index.html",
            "page-evaluation",
        ),
        (
            "dos-and-donts/planning-training/index.html",
            "page-dos-donts",
        ),
        (
            "training/introduction-to-human-rights-in-care/index.html",
            "page-training",
        ),
        (
            "case-studies/reducing-restraint-on-acute-mental-health-wards/index.html",
            "page-case-study",
        ),
    ] {
        assert!(read(&public, rel).contains(needle), "{rel} lacks {needle}");
    }
    let studies = std::fs::read_dir(repo().join("content/case-studies"))
        .unwrap()
        .count()
        - 1;
    assert!(studies >= 5, "the starter needs at least five case studies");
}

#[test]
fn building_twice_gives_identical_output() {
    let site = starter();
    let a = site.path().join("a");
    let b = site.path().join("b");
    assert!(freda(site.path(), &["build", "--output", "a"])
        .status
        .success());
    assert!(freda(site.path(), &["build", "--output", "b"])
        .status
        .success());
    let (ta, tb) = (read_tree(&a), read_tree(&b));
    assert_eq!(ta.len(), tb.len());
    for ((pa, ca), (pb, cb)) in ta.iter().zip(&tb) {
        assert_eq!(pa, pb);
        assert!(ca == cb, "{pa} differs between two builds");
    }
}

#[test]
fn a_rebuild_replaces_the_previous_output() {
    let (site, _) = build_all_types(&[]);
    let public = site.path().join("public");
    std::fs::write(public.join("stale.html"), "old").unwrap();
    std::fs::remove_file(site.path().join("content/tools/check.md")).unwrap();
    let out = freda(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!public.join("stale.html").exists());
    assert!(!public.join("tools/check").exists());
    assert!(public.join(".freda-output").is_file());
}
