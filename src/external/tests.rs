//! Policy tests without a network: link selection, skip_hosts, the cache and
//! the messages, with a fake [`Fetch`].

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::fetch::{Fetch, Method, NetError, Reply};
use super::*;
use crate::config::Config;
use crate::content::{self, LoadOptions};
use crate::markdown::Markdown;

/// Answers from a table of URL → status (404 for the rest) and logs every request.
#[derive(Default)]
struct Fake {
    statuses: Vec<(&'static str, u16)>,
    log: Mutex<Vec<String>>,
}

impl Fetch for Fake {
    fn fetch(&self, method: Method, url: &str) -> Result<Reply, NetError> {
        assert_eq!(method, Method::Head);
        self.log.lock().unwrap().push(url.to_string());
        let status = self
            .statuses
            .iter()
            .find(|(u, _)| *u == url)
            .map_or(404, |(_, s)| *s);
        Ok(Reply {
            status,
            location: None,
        })
    }
}

impl Fake {
    fn take_log(&self) -> Vec<String> {
        let mut log = std::mem::take(&mut *self.log.lock().unwrap());
        log.sort();
        log
    }
}

/// Writes a site into `root` and loads it through the markdown stage.
fn site(root: &Path, pages: &[(&str, &str)]) -> Site {
    std::fs::write(
        root.join("site.toml"),
        "title = \"T\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    for (name, body) in pages {
        let path = root.join("content").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            path,
            format!("+++\ntitle = \"{name}\"\nsummary = \"S.\"\n+++\n{body}\n"),
        )
        .unwrap();
    }
    let config = Config::load(root).unwrap();
    let (site, _) = content::load(root, config, LoadOptions { drafts: false });
    let mut site = site.unwrap();
    crate::render::render_markdown(&mut site, &Markdown::new(), true);
    site
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// The first line of each diagnostic, in the order `freda check` prints them.
fn lines(ds: &[Diagnostic]) -> Vec<String> {
    let mut all = crate::diagnostics::Diagnostics::new();
    all.extend(ds.iter().cloned());
    all.sorted()
        .iter()
        .map(|d| d.to_string().lines().next().unwrap_or("").to_string())
        .collect()
}

const A: &str = "See [the gone page](https://x.example/gone) and [again](https://x.example/gone#part).\n\n\
[Mail us](mailto:a@example.org), [call](tel:+441234), [local](/about/), [ftp](ftp://x.example/f).\n\n\
[Blocked](https://blocked.example/a) [Sub](https://www.Blocked.example/b) [Good](https://ok.example/)";
const B: &str = "Also [gone](https://x.example/gone).";

#[test]
fn each_url_is_requested_once_and_each_use_gets_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(dir.path(), &[("a.md", A), ("b.md", B)]);
    let cfg = ExternalConfig {
        skip_hosts: vec!["blocked.example".to_string()],
        ..ExternalConfig::default()
    };
    let fake = Fake {
        statuses: vec![("https://ok.example/", 200)],
        ..Fake::default()
    };
    let ds = check_with(&fake, &site, dir.path(), &cfg, at(1_000_000));
    assert_eq!(
        fake.take_log(),
        ["https://ok.example/", "https://x.example/gone"]
    );
    assert_eq!(
        lines(&ds),
        [
            "content/a.md:5:5: warning: external link returned 404 Not Found: https://x.example/gone",
            "content/a.md:5:49: warning: external link returned 404 Not Found: https://x.example/gone#part",
            "content/b.md:5:6: warning: external link returned 404 Not Found: https://x.example/gone",
        ]
    );
    assert_eq!(
        ds[0].help.as_deref(),
        Some("fix or remove the link; if the site blocks link checkers, add its host to [check.external] skip_hosts in site.toml")
    );
}

#[test]
fn good_links_are_cached_until_the_ttl_and_failures_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(
        dir.path(),
        &[("b.md", B), ("c.md", "[ok](https://ok.example/)")],
    );
    let cfg = ExternalConfig::default();
    let fake = Fake {
        statuses: vec![("https://ok.example/", 200)],
        ..Fake::default()
    };
    let start = 1_000_000;
    check_with(&fake, &site, dir.path(), &cfg, at(start));
    assert_eq!(fake.take_log().len(), 2);
    let saved =
        std::fs::read_to_string(dir.path().join(".freda-cache/external-links.json")).unwrap();
    assert!(
        saved.contains("\"https://ok.example/\": 1000000"),
        "{saved}"
    );
    assert!(!saved.contains("gone"), "failures are not cached: {saved}");

    let ds = check_with(&fake, &site, dir.path(), &cfg, at(start + 23 * 3600));
    assert_eq!(fake.take_log(), ["https://x.example/gone"]);
    assert_eq!(ds.len(), 1, "the failure is reported again");

    check_with(&fake, &site, dir.path(), &cfg, at(start + 24 * 3600));
    assert_eq!(
        fake.take_log(),
        ["https://ok.example/", "https://x.example/gone"],
        "after cache_hours the good link is checked again"
    );
}

#[test]
fn a_corrupt_cache_gives_a_warning_and_is_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(dir.path(), &[("c.md", "[ok](https://ok.example/)")]);
    std::fs::create_dir_all(dir.path().join(".freda-cache")).unwrap();
    std::fs::write(dir.path().join(".freda-cache/external-links.json"), "{{{").unwrap();
    let fake = Fake {
        statuses: vec![("https://ok.example/", 200)],
        ..Fake::default()
    };
    let ds = check_with(&fake, &site, dir.path(), &ExternalConfig::default(), at(5));
    assert_eq!(ds.len(), 1);
    assert!(ds[0]
        .message
        .starts_with("the link cache could not be read and was ignored"));
    let ds = check_with(&fake, &site, dir.path(), &ExternalConfig::default(), at(6));
    assert_eq!(ds, []);
    assert_eq!(fake.take_log(), ["https://ok.example/"]);
}

#[test]
fn a_site_without_external_links_makes_no_request_and_no_cache() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(
        dir.path(),
        &[("c.md", "[mail](mailto:a@example.org) [home](/)")],
    );
    let fake = Fake::default();
    let ds = check_with(&fake, &site, dir.path(), &ExternalConfig::default(), at(5));
    assert_eq!(ds, []);
    assert!(fake.take_log().is_empty());
    assert!(!dir.path().join(".freda-cache").exists());
}

#[test]
fn hosts_are_parsed_from_urls() {
    assert_eq!(host_of("https://Example.ORG/a?b#c"), "example.org");
    assert_eq!(host_of("http://user:pw@h.example:8080/x"), "h.example");
    assert_eq!(host_of("http://[::1]:80/"), "::1");
    assert_eq!(host_of("https://a.example."), "a.example");
    assert_eq!(host_of("https://a.example?q"), "a.example");
}

#[test]
fn skip_hosts_match_the_host_and_its_subdomains() {
    let skip = vec![
        "linkedin.com".to_string(),
        "*.Jstor.org".to_string(),
        ".nhs.uk".to_string(),
    ];
    for yes in [
        "linkedin.com",
        "www.linkedin.com",
        "a.b.linkedin.com",
        "jstor.org",
        "www.jstor.org",
        "nhs.uk",
        "england.nhs.uk",
    ] {
        assert!(is_skipped(yes, &skip), "{yes}");
    }
    for no in [
        "notlinkedin.com",
        "linkedin.com.evil.example",
        "example.org",
        "uk",
    ] {
        assert!(!is_skipped(no, &skip), "{no}");
    }
    assert!(
        !is_skipped("example.org", &[String::new()]),
        "an empty entry matches nothing"
    );
}

#[test]
fn only_web_urls_are_requested() {
    for yes in ["http://a", "https://a/b", "HTTPS://A"] {
        assert!(is_web_url(yes), "{yes}");
    }
    for no in [
        "mailto:a@b",
        "tel:+44",
        "/about/",
        "ftp://a",
        "https:/a",
        "javascript:x",
        "é",
    ] {
        assert!(!is_web_url(no), "{no}");
    }
}

#[test]
fn every_failure_has_its_own_message() {
    let cases = [
        (Outcome::Status(404), "returned 404 Not Found"),
        (Outcome::Status(599), "returned 599"),
        (Outcome::RedirectLoop, "redirects in a loop"),
        (Outcome::TooManyRedirects, "redirects more than 5 times"),
        (Outcome::Net(NetError::Timeout), "timed out after 7 s"),
        (
            Outcome::Net(NetError::Refused),
            "could not connect (connection refused)",
        ),
        (
            Outcome::Net(NetError::HostNotFound),
            "could not be reached (host not found)",
        ),
        (
            Outcome::Net(NetError::Other("tls".into())),
            "could not be checked (tls)",
        ),
    ];
    for (outcome, text) in cases {
        assert_eq!(describe(&outcome, 7).as_deref(), Some(text));
    }
    assert_eq!(describe(&Outcome::Ok, 7), None);
}
