//! The review dashboard (`<base path>governance/`): the same rows as
//! `freda check --report` for the same day, unlisted unless public, one per
//! site (main language), and nothing when disabled.

use std::path::Path;

use freda::check::{self, ReviewRow};
use freda::config::Config;
use freda::content::date::Date;
use freda::content::{self, LoadOptions};

use crate::common::{fixture, freda, main_of, read, read_tree, stderr};

const TODAY: &str = "2026-11-29";
const PAGE: &str = "public/governance/index.html";

/// Builds `site` as of [`TODAY`] and returns the dashboard's HTML.
fn build(site: &Path, extra: &[&str]) -> String {
    let mut args = vec!["build", "--today", TODAY];
    args.extend_from_slice(extra);
    let out = freda(site, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    read(site, PAGE)
}

/// The report's rows for the main language's site, from the library.
fn report(site: &Path) -> Vec<ReviewRow> {
    let config = Config::load(site).expect("site.toml");
    let (sites, _) = content::load_sites(site, config, LoadOptions::default());
    check::review_report(&sites[0], Date::parse(TODAY).unwrap())
}

/// The text of `html` between `from` and `to`.
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap_or_else(|| panic!("no {from}"));
    let rest = &html[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

/// Text without tags.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// A date cell: its `<time datetime>`, or "–" as the report writes none.
fn date_cell(cell: &str) -> String {
    match cell.split_once("datetime=\"") {
        Some((_, rest)) => rest[..rest.find('"').unwrap()].to_string(),
        None => "–".to_string(),
    }
}

/// Every table row of `html` as a report row, with its visible status label.
fn rows(html: &str) -> Vec<(ReviewRow, String)> {
    html.split("<tr data-status=\"")
        .skip(1)
        .map(|tr| {
            let tr = &tr[..tr.find("</tr>").unwrap()];
            let word = &tr[..tr.find('"').unwrap()];
            let status = check::REVIEW_STATUSES
                .into_iter()
                .find(|s| *s == word)
                .unwrap_or_else(|| panic!("unknown status {word}"));
            let cells: Vec<&str> = tr
                .split("<td")
                .skip(1)
                .map(|c| &c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()])
                .collect();
            assert_eq!(cells.len(), 5, "{tr}");
            let row = ReviewRow {
                owner: text(cells[1]),
                status,
                path: text(cells[4]),
                last_reviewed: date_cell(cells[2]),
                next_review: date_cell(cells[3]),
            };
            (row, text(cells[0]))
        })
        .collect()
}

fn only_rows(list: Vec<(ReviewRow, String)>) -> Vec<ReviewRow> {
    list.into_iter().map(|(r, _)| r).collect()
}

#[test]
fn the_dashboard_has_the_rows_of_the_report_for_the_same_day() {
    let site = fixture("sites", "governance");
    let html = build(site.path(), &[]);
    let expected = report(site.path());
    assert_eq!(expected.len(), 6, "the fixture has six pages");
    // By owner: the report itself, row for row, in its order.
    let by_owner = rows(between(&html, "<h2 id=\"by-owner\"", "<h2 id=\"archived\""));
    assert_eq!(only_rows(by_owner.clone()), expected);
    // By status plus archived: the same rows, each once.
    let mut by_status = only_rows(rows(between(
        &html,
        "<h2 id=\"by-status\"",
        "<h2 id=\"by-owner\"",
    )));
    by_status.extend(only_rows(rows(between(
        &html,
        "<h2 id=\"archived\"",
        "</main>",
    ))));
    check::sort_review(&mut by_status, |r| r);
    assert_eq!(by_status, expected);
    // The status is written out, not shown by colour alone.
    let labels: Vec<(&str, &str)> = by_owner
        .iter()
        .map(|(r, label)| (r.status, label.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("no review date", "No review date"),
            ("archived", "Archived"),
            ("overdue", "Overdue"),
            ("due soon", "Due within 30 days"),
            ("no review date", "No review date"),
            ("current", "Current"),
        ]
    );
    // Another day gives other statuses, as the report does.
    let later = freda(site.path(), &["build", "--today", "2027-07-01"]);
    assert!(later.status.success(), "{}", stderr(&later));
    let html = read(site.path(), PAGE);
    let mut statuses: Vec<&str> = only_rows(rows(between(&html, "<h2 id=\"by-owner\"", "</main>")))
        .iter()
        .map(|r| r.status)
        .collect();
    statuses.dedup();
    assert!(!statuses.contains(&"current"), "{statuses:?}");
}

#[test]
fn the_dashboard_is_unlisted_by_default() {
    let site = fixture("sites", "governance");
    let html = build(site.path(), &[]);
    assert!(html.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
    assert!(!html.contains("rel=\"canonical\""), "no canonical address");
    assert!(html.contains("<caption id=\"status-overdue-table-caption\">Overdue</caption>"));
    assert!(html.contains("<th scope=\"col\">Page</th>"));
    assert!(html.contains("<th scope=\"row\"><a href=\"/overdue/\">Overdue guidance</a></th>"));
    assert!(html.contains("<time datetime=\"2026-10-01\">1 October 2026</time>"));
    // Nothing else the site writes names it: sitemap, search, feeds, pages.
    for (path, bytes) in read_tree(&site.path().join("public")) {
        if path == "governance/index.html" {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("governance/"), "{path} names the dashboard");
    }
}

#[test]
fn a_public_dashboard_is_listed_and_a_disabled_one_is_not_written() {
    let site = fixture("sites", "governance");
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{text}\n[governance]\npublic = true\n")).unwrap();
    let html = build(site.path(), &[]);
    assert!(!html.contains("noindex"));
    assert!(html.contains("<link rel=\"canonical\" href=\"https://example.org/governance/\">"));
    let sitemap = read(site.path(), "public/sitemap.xml");
    assert!(sitemap.contains("<url><loc>https://example.org/governance/</loc></url>"));
    let home = read(site.path(), "public/index.html");
    assert!(home.contains("<li><a href=\"/governance/\">Content review</a></li>"));

    std::fs::write(&toml, format!("{text}\n[governance]\nenabled = false\n")).unwrap();
    std::fs::write(
        site.path().join("content/governance.md"),
        "+++\ntitle = \"Our governance\"\nsummary = \"How we govern.\"\n+++\nText.\n",
    )
    .unwrap();
    let out = freda(site.path(), &["build", "--today", TODAY]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(site.path(), PAGE);
    assert!(page.contains("Our governance"), "a page may take the URL");
    assert!(!page.contains("Content review"));
}

#[test]
fn one_dashboard_lists_every_language_without_fallbacks() {
    let site = fixture("sites", "languages");
    let html = build(site.path(), &[]);
    assert!(!site.path().join("public/cy/governance").exists());
    let paths: Vec<String> = only_rows(rows(between(&html, "<h2 id=\"by-owner\"", "</main>")))
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert!(
        paths.contains(&"content/about.cy.md".to_string()),
        "{paths:?}"
    );
    assert!(paths.contains(&"content/about.md".to_string()), "{paths:?}");
    let mut sorted = paths.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), paths.len(), "no page twice, so no fallbacks");
    assert!(html.contains("<a href=\"/hr/cy/about/\" lang=\"cy\" hreflang=\"cy\">"));
    assert!(
        !html.contains("language-switcher"),
        "no Welsh dashboard to switch to"
    );
}

#[test]
fn the_dashboard_snapshot() {
    let site = fixture("sites", "governance");
    let html = build(site.path(), &["--base-url", "https://trust.example/hr/"]);
    insta::assert_snapshot!("governance_main", main_of(&html));
}

#[test]
fn relative_builds_link_the_dashboard_to_pages_on_disk() {
    let site = fixture("sites", "governance");
    let html = build(site.path(), &["--relative"]);
    assert!(html.contains("<a href=\"../overdue/index.html\">Overdue guidance</a>"));
}
