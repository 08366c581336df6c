//! Counting tests on `tests/sites/coverage`: a draft, an archived page, a
//! plain page, a Welsh translation and a Welsh fallback copy.

use super::*;
use crate::config::Config;
use crate::content::{load_sites, LoadOptions};

fn sites(drafts: bool) -> Vec<Site> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/coverage");
    let config = Config::load(&root).expect("fixture site.toml");
    let (sites, ds) = load_sites(&root, config, LoadOptions { drafts });
    assert!(!ds.has_errors(), "{}", ds.render());
    sites
}

fn counts(g: &Grid) -> Vec<Vec<usize>> {
    g.cells
        .iter()
        .map(|row| row.iter().map(|c| c.count).collect())
        .collect()
}

fn slugs(a: &Axis) -> Vec<&str> {
    a.terms.iter().map(|t| t.slug.as_str()).collect()
}

#[test]
fn grids_of_declared_vocabularies_only() {
    let c = of(&sites(false)[0], &Strings::new());
    let names: Vec<&str> = c.grids.iter().map(|g| g.name.as_str()).collect();
    // No "audiences" vocabulary, so no rights × audiences grid.
    assert_eq!(names, ["rights-settings", "type-principles"]);
    assert_eq!(c.lang, "en");
}

#[test]
fn rights_by_setting_counts_published_pages() {
    let c = of(&sites(true)[0], &Strings::new());
    let g = &c.grids[0];
    assert_eq!(slugs(&g.rows), ["article-3", "article-5", "article-8"]);
    assert_eq!(slugs(&g.columns), ["mental-health", "acute"]);
    // The draft (article-5 × acute) and the archived page (article-5 ×
    // mental-health) are left out; the plain About page counts.
    assert_eq!(counts(g), [[1, 0], [0, 1], [2, 1]]);
    let titles: Vec<&str> = g.cells[2][0]
        .pages
        .iter()
        .map(|p| p.title.as_str())
        .collect();
    assert_eq!(titles, ["Ending seclusion", "Visiting, day and night"]);
    assert_eq!(g.cells[2][0].pages[1].url, "/hr/cases/visiting/");
    assert_eq!(g.gaps(), 2);
}

#[test]
fn types_by_principle_leave_out_plain_pages() {
    let c = of(&sites(false)[0], &Strings::new());
    let g = &c.grids[1];
    assert_eq!(
        slugs(&g.rows),
        [
            "guide-part",
            "case-study",
            "dos-donts",
            "training",
            "tool",
            "event",
            "evaluation"
        ]
    );
    assert_eq!(g.rows.label, "Type");
    assert_eq!(g.rows.terms[1].label, "Case study");
    assert_eq!(slugs(&g.columns), ["respect", "dignity"]);
    assert_eq!(
        counts(g),
        [[0, 0], [1, 2], [0, 0], [0, 0], [1, 0], [0, 0], [0, 0]]
    );
}

#[test]
fn type_labels_come_from_the_strings() {
    let mut strings = Strings::new();
    strings.insert("type_case-study".into(), "Astudiaeth achos".into());
    strings.insert("coverage_type".into(), "Math".into());
    let c = of(&sites(false)[0], &strings);
    assert_eq!(c.grids[1].rows.label, "Math");
    assert_eq!(c.grids[1].rows.terms[1].label, "Astudiaeth achos");
}

#[test]
fn another_language_skips_fallback_copies() {
    let all = sites(false);
    let cy = &all[1];
    assert!(
        cy.pages.iter().any(|p| p.meta.fallback),
        "the fixture has a fallback"
    );
    let c = of(cy, &Strings::new());
    assert_eq!(c.lang, "cy");
    assert_eq!(c.grids[0].rows.label, "Hawliau");
    // Only the Welsh translation counts: article-3 × mental-health.
    assert_eq!(counts(&c.grids[0]), [[1, 0], [0, 0], [0, 0]]);
    assert_eq!(
        c.grids[0].cells[0][0].pages[0].url,
        "/hr/cy/cases/seclusion/"
    );
}

#[test]
fn pick_names_the_languages() {
    let all: Vec<Coverage> = sites(false)
        .iter()
        .map(|s| of(s, &Strings::new()))
        .collect();
    assert_eq!(pick(&all, None).map(|c| c.lang.as_str()), Ok("en"));
    assert_eq!(pick(&all, Some("cy")).map(|c| c.lang.as_str()), Ok("cy"));
    assert_eq!(
        pick(&all, Some("fr")).map(|c| c.lang.as_str()),
        Err("the site has no language \"fr\"; its languages are: en, cy".to_string())
    );
}

#[test]
fn urls_follow_the_config() {
    let mut all = sites(false);
    assert_eq!(url(&all[1]).as_deref(), Some("/hr/cy/coverage/"));
    all[0].config.coverage.hidden = true;
    assert_eq!(url(&all[0]).as_deref(), Some("/hr/coverage/"));
    assert_eq!(listed_url(&all[0]), None);
    all[0].config.coverage.enabled = false;
    assert_eq!(url(&all[0]), None);
}
