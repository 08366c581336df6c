//! Redirects: pages at aliases and at the CSV file's old paths, the
//! `_redirects` and nginx files, and the same pages in `--relative` builds.

use std::path::Path;

use crate::common::{fixture, freda, read, read_tree, stderr};

fn built(extra: &[&str]) -> tempfile::TempDir {
    let site = fixture("sites", "feeds");
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let out = freda(site.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    site
}

/// The redirect pages written: HTML files with a meta refresh.
fn redirect_pages(public: &Path) -> Vec<(String, String)> {
    read_tree(public)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .filter(|(_, html)| html.contains("http-equiv=\"refresh\""))
        .collect()
}

#[test]
fn aliases_and_csv_rows_get_pages_where_a_static_host_can_serve_them() {
    let site = built(&[]);
    let public = site.path().join("public");
    let pages: Vec<String> = redirect_pages(&public)
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        pages,
        [
            "about-us/index.html",
            "cases/old-restraint/index.html",
            "legacy/leaflets,2019/index.html",
            "old-news/index.html",
            "old/about.html",
        ],
        "no page for .aspx or .php paths, nor for paths outside the base path"
    );
    for (path, html) in redirect_pages(&public) {
        assert!(!html.contains("<script"), "{path}");
        assert!(!html.contains("style="), "{path}");
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{path}"
        );
        assert!(
            html.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{path}"
        );
    }
    insta::assert_snapshot!(
        "redirect_page",
        read(&public, "cases/old-restraint/index.html")
    );
    insta::assert_snapshot!("redirects_netlify", read(&public, "_redirects"));
    insta::assert_snapshot!("redirects_nginx", read(&public, "freda-redirects.conf"));
    let leaflets = read(&public, "legacy/leaflets,2019/index.html");
    assert!(leaflets
        .contains("<meta http-equiv=\"refresh\" content=\"0; url=https://example.org/leaflets\">"));
    assert!(leaflets.contains("<link rel=\"canonical\" href=\"https://example.org/leaflets\">"));
    let section = read(&public, "old-news/index.html");
    assert!(
        section.contains("<a href=\"/hr/news/\">News</a>"),
        "{section}"
    );
}

#[test]
fn a_relative_build_s_redirect_pages_point_at_the_right_file() {
    let site = built(&["--relative"]);
    let public = site.path().join("public");
    let html = read(&public, "cases/old-restraint/index.html");
    let target = "../../cases/restraint/index.html";
    assert!(
        html.contains(&format!(
            "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
        )),
        "{html}"
    );
    assert!(html.contains(&format!("<a href=\"{target}\">")), "{html}");
    assert!(html
        .contains("<link rel=\"canonical\" href=\"https://trust.example/hr/cases/restraint/\">"));
    assert!(
        html.contains("<link rel=\"stylesheet\" href=\"../../style.css\">"),
        "{html}"
    );
    assert!(public.join("cases/old-restraint").join(target).is_file());
    let file = read(&public, "old/about.html");
    assert!(
        file.contains("content=\"0; url=../about/index.html\""),
        "{file}"
    );
    assert!(public.join("old").join("../about/index.html").is_file());
}

#[test]
fn nginx_answers_404_for_the_redirect_files() {
    let site = built(&[]);
    let headers = read(&site.path().join("public"), "freda-headers.conf");
    for file in ["_redirects", "freda-redirects.conf"] {
        assert!(
            headers.contains(&format!("location = /hr/{file} {{\n    return 404;\n}}\n")),
            "{headers}"
        );
    }
}

#[test]
fn a_site_s_own_redirects_file_wins() {
    let site = fixture("sites", "feeds");
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::fs::write(site.path().join("static/_redirects"), "/a /b 302\n").unwrap();
    let out = freda(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        read(&site.path().join("public"), "_redirects"),
        "/a /b 302\n"
    );
}
