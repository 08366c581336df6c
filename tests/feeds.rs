//! Atom feeds: every feed of a fixture site under a subpath, read with a
//! real Atom parser (atom_syndication), for required elements, absolute
//! URLs, order, limit, membership, and sameness in `--relative` builds.

use std::path::Path;

use atom_syndication::Feed;

use crate::common::{fixture, freda, read, read_tree, stderr};

const ORIGIN_AND_BASE: &str = "https://trust.example/hr/";

/// Builds the feeds fixture (with `--drafts`, so drafts are in the site
/// and must still stay out of feeds) and returns its folder.
fn built(extra: &[&str]) -> tempfile::TempDir {
    let site = fixture("sites", "feeds");
    let mut args = vec!["build", "--drafts"];
    args.extend_from_slice(extra);
    let out = freda(site.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    site
}

/// Every `atom.xml` under `public`, by path, parsed.
fn feeds(public: &Path) -> Vec<(String, Feed)> {
    read_tree(public)
        .into_iter()
        .filter(|(path, _)| path.ends_with("atom.xml"))
        .map(|(path, bytes)| {
            let feed = Feed::read_from(&bytes[..]).unwrap_or_else(|e| panic!("{path}: {e}"));
            (path, feed)
        })
        .collect()
}

fn titles(feed: &Feed) -> Vec<&str> {
    feed.entries()
        .iter()
        .map(|e| e.title().value.as_str())
        .collect()
}

fn feed<'a>(all: &'a [(String, Feed)], path: &str) -> &'a Feed {
    &all.iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .1
}

#[test]
fn every_feed_is_atom_with_required_elements_and_absolute_urls() {
    let site = built(&[]);
    let all = feeds(&site.path().join("public"));
    let paths: Vec<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "atom.xml",
            "cases/atom.xml",
            "news/atom.xml",
            "rights/article-3/atom.xml",
            "rights/article-8/atom.xml"
        ],
        "a feed for the site, each section and term with pages, none for the empty ones"
    );
    for (path, f) in &all {
        let url = format!("{ORIGIN_AND_BASE}{path}");
        assert_eq!(f.id(), url, "{path}");
        assert!(!f.title().value.is_empty(), "{path}");
        assert_eq!(f.lang(), Some("en"), "{path}");
        assert_eq!(f.authors()[0].name(), "Fixture <Trust>", "{path}");
        let rel = |rel: &str| {
            f.links()
                .iter()
                .find(|l| l.rel() == rel)
                .map(|l| l.href().to_string())
        };
        assert_eq!(rel("self"), Some(url.clone()), "{path}");
        let page = url.trim_end_matches("atom.xml");
        assert_eq!(rel("alternate").as_deref(), Some(page), "{path}");
        let newest = f.entries().iter().map(|e| *e.updated()).max().unwrap();
        assert_eq!(
            *f.updated(),
            newest,
            "{path}: updated is the newest entry's"
        );
        for e in f.entries() {
            assert!(!e.title().value.is_empty() && !e.id().is_empty(), "{path}");
            assert!(e.id().starts_with(ORIGIN_AND_BASE), "{path}: {}", e.id());
            assert_eq!(e.links()[0].href(), e.id(), "{path}");
            assert_eq!(e.links()[0].rel(), "alternate", "{path}");
            assert!(e.published().is_some(), "{path}");
            assert!(e.summary().is_some_and(|s| !s.value.is_empty()), "{path}");
            assert_eq!(e.authors().len(), 1, "{path}");
            for c in e.categories() {
                assert!(
                    c.scheme().is_some_and(|s| s.starts_with(ORIGIN_AND_BASE)),
                    "{path}"
                );
            }
        }
    }
}

#[test]
fn entries_are_newest_first_within_the_limit_and_skip_drafts_archived_and_undated_pages() {
    let site = built(&[]);
    let all = feeds(&site.path().join("public"));
    // Limit 4; n3 and n4 share a date, and n3 was reviewed since.
    let newest = ["News item 6", "News item 5", "News item 3", "News item 4"];
    assert_eq!(titles(feed(&all, "atom.xml")), newest);
    assert_eq!(titles(feed(&all, "news/atom.xml")), newest);
    // Exactly the term's published, dated pages.
    assert_eq!(
        titles(feed(&all, "rights/article-8/atom.xml")),
        [
            "News item 3",
            "News item 4",
            "News item 1",
            "Restraint & <seclusion> review"
        ]
    );
    assert_eq!(
        titles(feed(&all, "rights/article-3/atom.xml")),
        ["News item 6", "Restraint & <seclusion> review"]
    );
    for (path, f) in &all {
        for t in titles(f) {
            assert!(
                !["Draft news", "Archived news", "About"].contains(&t),
                "{path}: {t}"
            );
        }
    }
    let restraint = &feed(&all, "cases/atom.xml").entries()[0];
    assert_eq!(restraint.authors()[0].name(), "Ward 7 team");
    assert_eq!(
        restraint.updated().to_rfc3339(),
        "2025-07-01T00:00:00+00:00"
    );
    assert_eq!(
        restraint.published().unwrap().to_rfc3339(),
        "2025-06-01T00:00:00+00:00"
    );
    let terms: Vec<(&str, Option<&str>)> = restraint
        .categories()
        .iter()
        .map(|c| (c.term(), c.label()))
        .collect();
    assert_eq!(
        terms,
        [
            ("article-3", Some("Article 3")),
            ("article-8", Some("Article 8: Private & family life"))
        ]
    );
}

#[test]
fn one_small_feed_as_written() {
    let site = built(&[]);
    insta::assert_snapshot!(
        "feed_cases",
        read(&site.path().join("public"), "cases/atom.xml")
    );
}

#[test]
fn a_relative_build_writes_the_same_feeds() {
    let absolute = built(&[]);
    let relative = built(&["--relative"]);
    let atom = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        read_tree(&dir.join("public"))
            .into_iter()
            .filter(|(p, _)| p.ends_with("atom.xml"))
            .collect()
    };
    assert_eq!(atom(absolute.path()), atom(relative.path()));
    assert_eq!(atom(absolute.path()).len(), 5);
    let news = read(&relative.path().join("public"), "news/index.html");
    assert!(
        news.contains("title=\"News – Feeds &amp; redirects library\" href=\"../news/atom.xml\">"),
        "{news}"
    );
}

#[test]
fn home_section_and_term_pages_link_to_their_feed() {
    let site = built(&[]);
    let public = site.path().join("public");
    let head = |rel: &str, title: &str, url: &str| {
        let html = read(&public, rel);
        let want = format!("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{title}\" href=\"{url}\">");
        assert!(html.contains(&want), "{rel}: {want}");
        html
    };
    head(
        "index.html",
        "Feeds &amp; redirects library",
        "/hr/atom.xml",
    );
    let news = head(
        "news/index.html",
        "News – Feeds &amp; redirects library",
        "/hr/news/atom.xml",
    );
    let term = head(
        "rights/article-8/index.html",
        "Article 8: Private &amp; family life – Feeds &amp; redirects library",
        "/hr/rights/article-8/atom.xml",
    );
    for (html, url) in [
        (news, "/hr/news/atom.xml"),
        (term, "/hr/rights/article-8/atom.xml"),
    ] {
        assert!(html.contains(&format!(
            "<p class=\"feed-link\"><a href=\"{url}\" type=\"application/atom+xml\">Subscribe to new pages (Atom feed)</a></p>"
        )));
    }
    assert!(!read(&public, "news/n1/index.html").contains("application/atom+xml"));
}

#[test]
fn feeds_can_be_turned_off() {
    let site = fixture("sites", "feeds");
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("limit = 4", "enabled = false")).unwrap();
    let out = freda(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    assert!(feeds(&public).is_empty());
    assert!(!read(&public, "index.html").contains("atom"));
}

#[test]
fn a_limit_of_zero_is_an_error_in_site_toml() {
    let site = fixture("sites", "feeds");
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("limit = 4", "limit = 0")).unwrap();
    let out = freda(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with(
        "site.toml:10:9: error: [feeds] limit must be at least 1\n 10 | limit = 0\n    |         ^\n  help: write limit = 20, or enabled = false to write no feeds\n"
    ), "{}", stderr(&out));
}
