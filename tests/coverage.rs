//! The coverage map: `freda report coverage` in its three formats, the
//! generated page, `[coverage]` in site.toml, and the starter's gaps.

use crate::common::{fixture, freda, main_of, read, starter, stderr};

fn report(args: &[&str]) -> (String, String, i32) {
    let site = fixture("sites", "coverage");
    let mut all = vec!["report", "coverage"];
    all.extend_from_slice(args);
    let out = freda(site.path(), &all);
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    (stdout, stderr(&out), out.status.code().unwrap_or(-1))
}

#[test]
fn report_as_a_table() {
    let (out, err, code) = report(&[]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "Rights × Settings (2 gaps of 6 cells)
rights     mental-health  acute
article-3              1      ·
article-5              ·      1
article-8              2      1

Type × Principles (11 gaps of 14 cells)
type        respect  dignity
guide-part        ·        ·
case-study        1        2
dos-donts         ·        ·
training          ·        ·
tool              1        ·
event             ·        ·
evaluation        ·        ·

· = gap: no published page has both terms
"
    );
}

#[test]
fn report_as_csv() {
    let (out, _, code) = report(&["--format", "csv"]);
    assert_eq!(code, 0);
    let first: Vec<&str> = out.lines().take(7).collect();
    assert_eq!(
        first,
        [
            "grid,row,column,count,urls",
            "rights-settings,article-3,mental-health,1,/hr/cases/seclusion/",
            "rights-settings,article-3,acute,0,",
            "rights-settings,article-5,mental-health,0,",
            "rights-settings,article-5,acute,1,/hr/about/",
            "rights-settings,article-8,mental-health,2,/hr/cases/seclusion/ /hr/cases/visiting/",
            "rights-settings,article-8,acute,1,/hr/cases/visiting/",
        ]
    );
    // 1 header + 6 + 14 cells.
    assert_eq!(out.lines().count(), 21);
    assert!(
        out.ends_with("type-principles,evaluation,dignity,0,\n"),
        "{out}"
    );
}

#[test]
fn report_as_json() {
    let (out, _, code) = report(&["--format", "json", "--lang", "cy"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("coverage_json_cy", out);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["grids"][0]["rows"][0]["slug"], "article-3");
    assert_eq!(v["grids"][0]["cells"][0][0]["count"], 1);
}

#[test]
fn report_names_the_languages() {
    let (out, err, code) = report(&["--lang", "fr"]);
    assert_eq!((out.as_str(), code), ("", 1));
    assert_eq!(
        err,
        "error: the site has no language \"fr\"; its languages are: en, cy\n"
    );
}

#[test]
fn report_of_a_broken_site_shows_its_errors() {
    let site = fixture("sites_invalid", "unknown-term");
    let out = freda(site.path(), &["report", "coverage"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.ends_with("error: the site has 1 error; run freda check, fix them, then ask for the report again\n"),
        "{err}"
    );
}

#[test]
fn the_page_has_one_table_per_grid() {
    let site = fixture("sites", "coverage");
    let out = freda(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    let page = read(&public, "coverage/index.html");
    insta::assert_snapshot!("coverage_page", main_of(&page));
    assert!(!page.contains("noindex"));
    assert!(
        read(&public, "index.html").contains("<li><a href=\"/hr/coverage/\">Coverage map</a></li>")
    );
    let cy = read(&public, "cy/coverage/index.html");
    assert!(cy.contains("<h1>Map cwmpas</h1>"), "{cy}");
    assert!(cy.contains("<span>0 – bwlch</span>"));
    let sitemap = read(&public, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://trust.example/hr/coverage/</loc>"));
    assert!(sitemap.contains("<loc>https://trust.example/hr/cy/coverage/</loc>"));
}

/// Appends a `[coverage]` table to the fixture's site.toml.
fn with_coverage(table: &str) -> tempfile::TempDir {
    let site = fixture("sites", "coverage");
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{text}\n[coverage]\n{table}\n")).unwrap();
    site
}

#[test]
fn a_hidden_page_is_unlisted_and_noindex() {
    let site = with_coverage("hidden = true");
    let out = freda(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    let page = read(&public, "coverage/index.html");
    assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(!read(&public, "index.html").contains("coverage/"));
    assert!(!read(&public, "sitemap.xml").contains("coverage/"));
}

#[test]
fn a_disabled_page_is_not_generated() {
    let site = with_coverage("enabled = false");
    let out = freda(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    assert!(!public.join("coverage").exists());
    assert!(!read(&public, "index.html").contains("coverage/"));
    // The report works either way.
    let out = freda(site.path(), &["report", "coverage"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn the_starter_has_gaps() {
    let site = starter();
    let out = freda(site.path(), &["report", "coverage", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let grids = v["grids"].as_array().unwrap();
    let names: Vec<&str> = grids.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["rights-settings", "rights-audiences", "type-principles"]
    );
    let gaps = grids[0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap())
        .filter(|c| c["count"] == 0)
        .count();
    assert!(gaps > 0, "the starter's rights × settings grid has no gap");
}
