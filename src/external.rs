//! `freda check --external`: checks links to other websites.
//!
//! Off by default, so `freda build` and plain `freda check` never touch the
//! network. With `--external`, every `http://` and `https://` link or image
//! in page bodies is requested once, however many pages use it (a
//! `#fragment` is ignored); `mailto:`, `tel:` and site-relative links are
//! not requested. A URL is requested with HEAD, then GET if the server
//! answers 405 or 501; redirects are followed up to
//! [`probe::MAX_REDIRECTS`]; a network error or timeout is retried once.
//! Requests run on a few threads within `[check.external] concurrency`
//! and `per_host`.
//!
//! Hosts in `skip_hosts` (and their subdomains) are never requested and
//! count as good. Links that answered well are cached for `cache_hours` in
//! `.freda-cache/external-links.json` (see [`cache`]); failures are not
//! cached. Each failing link gets a warning at its place in the Markdown.

pub mod cache;
pub mod fetch;
pub mod pool;
pub mod probe;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::config::ExternalConfig;
use crate::content::{Page, Site};
use crate::diagnostics::Diagnostic;
use cache::Cache;
use fetch::{Fetch, NetError};
use pool::{Job, Limits};
use probe::Outcome;

/// Checks every external link of the site and returns a warning for each
/// link that failed, plus a warning if the cache could not be read or written.
pub fn check_external(
    site: &Site,
    root: &Path,
    cfg: &ExternalConfig,
    now: SystemTime,
) -> Vec<Diagnostic> {
    let cfg = ExternalConfig {
        timeout_secs: cfg.timeout_secs.max(1),
        ..cfg.clone()
    };
    let http = fetch::Http::new(Duration::from_secs(cfg.timeout_secs));
    check_with(&http, site, root, &cfg, now)
}

/// [`check_external`] with any [`Fetch`], for tests.
pub fn check_with(
    fetch: &dyn Fetch,
    site: &Site,
    root: &Path,
    cfg: &ExternalConfig,
    now: SystemTime,
) -> Vec<Diagnostic> {
    let links = external_links(site);
    if links.is_empty() {
        return Vec::new();
    }
    let (mut cache, unreadable) = Cache::load(root);
    let mut out = Vec::from_iter(unreadable);
    let (now, ttl) = (cache::unix_secs(now), cfg.cache_hours.saturating_mul(3600));
    let jobs = to_request(&links, cfg, |url| cache.is_fresh(url, now, ttl));
    let limits = Limits {
        concurrency: cfg.concurrency,
        per_host: cfg.per_host,
    };
    let checked = pool::run_all(jobs, limits, |url| probe::check_url(fetch, url));
    if !checked.is_empty() {
        out.extend(update_cache(&mut cache, &checked, now, ttl, root));
    }
    out.extend(links.iter().filter_map(|l| {
        let outcome = checked.get(&l.key)?;
        warning(l, outcome, cfg.timeout_secs)
    }));
    out
}

/// Keeps the links that answered well, drops failures and stale entries,
/// and saves the cache; a warning if it could not be written.
fn update_cache(
    cache: &mut Cache,
    checked: &HashMap<String, Outcome>,
    now: u64,
    ttl: u64,
    root: &Path,
) -> Option<Diagnostic> {
    for (url, outcome) in checked {
        match outcome {
            Outcome::Ok => cache.record_ok(url, now),
            _ => cache.forget(url),
        }
    }
    cache.prune(now, ttl);
    cache.save(root).err()
}

/// One external link on one page.
struct Link<'a> {
    page: &'a Page,
    /// The destination as written.
    dest: &'a str,
    /// The URL requested: `dest` without its `#fragment`.
    key: String,
    /// Where the link is in `page.text`.
    span: Range<usize>,
}

/// Every `http(s)://` destination in the pages' bodies, in page order.
fn external_links(site: &Site) -> Vec<Link<'_>> {
    site.pages
        .iter()
        .flat_map(|page| {
            page.outbound
                .iter()
                .filter(|(dest, _)| is_web_url(dest))
                .map(move |(dest, span)| Link {
                    page,
                    dest,
                    key: without_fragment(dest).to_string(),
                    span: span.clone(),
                })
        })
        .collect()
}

/// True for `http://` and `https://` URLs (any case), the only ones requested.
pub fn is_web_url(dest: &str) -> bool {
    let lower = dest.get(..8).unwrap_or(dest).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn without_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(before, _)| before)
}

/// The distinct URLs to request: not in a skipped host, not fresh in the cache.
fn to_request(links: &[Link], cfg: &ExternalConfig, fresh: impl Fn(&str) -> bool) -> Vec<Job> {
    let mut seen = std::collections::HashSet::new();
    links
        .iter()
        .filter(|l| seen.insert(l.key.as_str()))
        .map(|l| Job {
            url: l.key.clone(),
            host: host_of(&l.key),
        })
        .filter(|j| !is_skipped(&j.host, &cfg.skip_hosts))
        .filter(|j| !fresh(&j.url))
        .collect()
}

/// The host of an absolute URL, lower-case, without user info, port or brackets.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host_port.split(':').next().unwrap_or(host_port),
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// True when `host` is one of `skip_hosts` or a subdomain of one.
/// Entries may be written `example.org`, `.example.org` or `*.example.org`.
pub fn is_skipped(host: &str, skip_hosts: &[String]) -> bool {
    skip_hosts.iter().any(|entry| {
        let entry = entry
            .trim()
            .trim_start_matches("*.")
            .trim_start_matches('.');
        let entry = entry.trim_end_matches('.').to_ascii_lowercase();
        !entry.is_empty()
            && (host == entry
                || host
                    .strip_suffix(&entry)
                    .is_some_and(|sub| sub.ends_with('.')))
    })
}

/// What went wrong, for the message: "returned 404 Not Found", "timed out after 10 s".
fn describe(outcome: &Outcome, timeout_secs: u64) -> Option<String> {
    Some(match outcome {
        Outcome::Ok => return None,
        Outcome::Status(code) => format!("returned {code} {}", fetch::reason(*code))
            .trim_end()
            .to_string(),
        Outcome::RedirectLoop => "redirects in a loop".to_string(),
        Outcome::TooManyRedirects => {
            format!("redirects more than {} times", probe::MAX_REDIRECTS)
        }
        Outcome::Net(NetError::Timeout) => format!("timed out after {timeout_secs} s"),
        Outcome::Net(NetError::Refused) => "could not connect (connection refused)".to_string(),
        Outcome::Net(NetError::HostNotFound) => "could not be reached (host not found)".to_string(),
        Outcome::Net(NetError::BadUrl(e)) => format!("is not a valid address ({e})"),
        Outcome::Net(NetError::Other(e)) => format!("could not be checked ({e})"),
    })
}

/// How to fix it.
fn help(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::RedirectLoop | Outcome::TooManyRedirects => {
            "link to the page the redirects should end at, or remove the link; if it works in a browser, add its host to [check.external] skip_hosts in site.toml"
        }
        Outcome::Net(NetError::Timeout) => {
            "the site may be slow or down: try again later or raise [check.external] timeout_secs in site.toml; if it blocks link checkers, add its host to skip_hosts"
        }
        Outcome::Net(NetError::Refused | NetError::HostNotFound) => {
            "check the address for typos; if the site has moved or closed, update or remove the link"
        }
        _ => {
            "fix or remove the link; if the site blocks link checkers, add its host to [check.external] skip_hosts in site.toml"
        }
    }
}

fn warning(link: &Link, outcome: &Outcome, timeout_secs: u64) -> Option<Diagnostic> {
    let what = describe(outcome, timeout_secs)?;
    Some(
        Diagnostic::warning(
            format!("content/{}", link.page.source),
            format!("external link {what}: {}", link.dest),
        )
        .at(&link.page.text, link.span.clone())
        .help(help(outcome)),
    )
}

#[cfg(test)]
mod tests;
