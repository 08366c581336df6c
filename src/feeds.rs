//! Atom feeds (RFC 4287): one for the whole site, one per section and one
//! per taxonomy term, each listing its newest published pages.
//!
//! A feed's path comes from the URL of what it belongs to (`<url>atom.xml`),
//! so a second language built under `/cy/` gets its own feeds. Every URL in
//! a feed is absolute (the origin of `base_url` and the root-relative URL),
//! also in `--relative` builds, since feed readers fetch feeds from the web.
//! Output depends only on the site: `updated` is the newest entry's date,
//! never the clock, so builds stay byte-identical.
//!
//! Which pages: published ones with a `date` (the publication date is what
//! a feed announces; undated pages such as "About" are left out), drafts
//! and archived pages never. Newest first by `date`, then `last_reviewed`,
//! then title. A feed with no entries is not written, and nothing links to it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::content::frontmatter::Status;
use crate::content::{Page, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::OutputFile;

/// The file name of every feed, after the URL of what it belongs to.
pub const FILE_NAME: &str = "atom.xml";

/// The `[feeds]` table of `site.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedsConfig {
    /// Write Atom feeds and link to them.
    pub enabled: bool,
    /// The most entries one feed lists.
    pub limit: usize,
}

impl Default for FeedsConfig {
    fn default() -> FeedsConfig {
        FeedsConfig {
            enabled: true,
            limit: 20,
        }
    }
}

impl FeedsConfig {
    /// Reports a `limit` of 0, which would make every feed empty.
    pub fn validate(&self, text: &str, ds: &mut Diagnostics) {
        if self.limit == 0 {
            ds.push(
                Diagnostic::error("site.toml", "[feeds] limit must be at least 1")
                    .at(text, crate::config::span_of_value(text, "limit"))
                    .help("write limit = 20, or enabled = false to write no feeds"),
            );
        }
    }
}

/// What a page links to in its `<head>` and near its list: a feed's URL
/// (root-relative, made relative by `--relative` like every link) and title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedLink {
    /// The feed's URL, e.g. `/hr/rights/article-8/atom.xml`.
    pub url: String,
    /// The feed's title, e.g. "Article 8 – Human rights library".
    pub title: String,
}

/// One feed before it is written.
struct Feed<'a> {
    /// URL of the page the feed belongs to (its `alternate` link).
    page_url: &'a str,
    title: String,
    subtitle: &'a str,
    /// Indexes into `Site::pages`, newest first, at most `limit`.
    entries: Vec<usize>,
}

/// The feed links of the home page, sections and terms that have a feed,
/// by the URL of that page.
pub fn links(site: &Site) -> HashMap<String, FeedLink> {
    feeds(site)
        .into_iter()
        .map(|f| {
            let link = FeedLink {
                url: format!("{}{FILE_NAME}", f.page_url),
                title: f.title,
            };
            (f.page_url.to_string(), link)
        })
        .collect()
}

/// Every feed of the site with at least one entry, as output files.
pub fn files(site: &Site) -> Vec<OutputFile> {
    feeds(site)
        .iter()
        .map(|f| OutputFile {
            path: crate::render::output_path(
                &site.base_path,
                &format!("{}{FILE_NAME}", f.page_url),
            ),
            contents: write(site, f).into_bytes(),
        })
        .collect()
}

/// The site's feeds with entries: home (the whole site), sections (their
/// pages and their subsections' pages), then terms.
fn feeds(site: &Site) -> Vec<Feed<'_>> {
    let config = &site.config.feeds;
    if !config.enabled || site.sections.is_empty() {
        return Vec::new();
    }
    let order = newest_first(site);
    let mut rank = vec![usize::MAX; site.pages.len()];
    for (r, i) in order.iter().enumerate() {
        rank[*i] = r;
    }
    let mut out = section_feeds(site, &order, config.limit);
    for tax in &site.taxonomies {
        for term in &tax.terms {
            let mut entries: Vec<usize> = term
                .pages
                .iter()
                .copied()
                .filter(|i| rank[*i] != usize::MAX)
                .collect();
            entries.sort_by_key(|i| rank[*i]);
            entries.dedup();
            entries.truncate(config.limit);
            out.push(Feed {
                page_url: &term.url,
                title: titled(&term.label, site),
                subtitle: &term.description,
                entries,
            });
        }
    }
    out.retain(|f| !f.entries.is_empty());
    out
}

/// One feed per section, the home section's being the site's feed.
fn section_feeds<'a>(site: &'a Site, order: &[usize], limit: usize) -> Vec<Feed<'a>> {
    let mut entries: Vec<Vec<usize>> = vec![Vec::new(); site.sections.len()];
    for &i in order {
        let mut section = Some(site.pages[i].section);
        while let Some(s) = section {
            if entries[s].len() < limit {
                entries[s].push(i);
            }
            section = site.sections[s].parent;
        }
    }
    site.sections
        .iter()
        .zip(entries)
        .enumerate()
        .map(|(i, (s, entries))| Feed {
            page_url: &s.meta.url,
            title: if i == 0 {
                site.config.title.clone()
            } else {
                titled(&s.meta.title, site)
            },
            subtitle: if i == 0 {
                &site.config.description
            } else {
                &s.meta.summary
            },
            entries,
        })
        .collect()
}

/// "Name – site title".
fn titled(name: &str, site: &Site) -> String {
    format!("{name} – {}", site.config.title)
}

/// The pages a feed may list, newest first.
fn newest_first(site: &Site) -> Vec<usize> {
    let mut order: Vec<usize> = (0..site.pages.len())
        .filter(|i| in_feeds(&site.pages[*i]))
        .collect();
    order.sort_by(|a, b| {
        let (a, b) = (&site.pages[*a].meta, &site.pages[*b].meta);
        b.date
            .cmp(&a.date)
            .then_with(|| b.last_reviewed.cmp(&a.last_reviewed))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.url.cmp(&b.url))
    });
    order
}

/// Published pages with a publication date.
fn in_feeds(page: &Page) -> bool {
    // A fallback is another language's page: it is in that language's feeds.
    page.meta.status == Status::Published && page.meta.date.is_some() && !page.meta.fallback
}

/// The date a page last changed: its last review, or its publication.
fn updated(page: &Page) -> Option<crate::content::date::Date> {
    page.meta.date.max(page.meta.last_reviewed)
}

/// A date as an RFC 3339 time at midnight UTC.
fn rfc3339(date: crate::content::date::Date) -> String {
    format!("{date}T00:00:00Z")
}

/// The feed as Atom XML.
fn write(site: &Site, feed: &Feed) -> String {
    let origin = crate::render::origin(&site.config.base_url);
    let abs = |url: &str| text(&format!("{origin}{url}"));
    let self_url = format!("{}{FILE_NAME}", feed.page_url);
    let newest = feed
        .entries
        .iter()
        .filter_map(|i| updated(&site.pages[*i]))
        .max()
        .map(rfc3339)
        .unwrap_or_default();
    let mut x = String::with_capacity(1024 + feed.entries.len() * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        text(&site.config.language)
    ));
    x.push_str(&format!("  <id>{}</id>\n", abs(&self_url)));
    x.push_str(&format!("  <title>{}</title>\n", text(&feed.title)));
    if !feed.subtitle.is_empty() {
        x.push_str(&format!("  <subtitle>{}</subtitle>\n", text(feed.subtitle)));
    }
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        abs(&self_url)
    ));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        abs(feed.page_url)
    ));
    x.push_str(&format!("  <updated>{newest}</updated>\n"));
    x.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        text(author(site))
    ));
    x.push_str("  <generator>freda</generator>\n");
    for i in &feed.entries {
        entry(&mut x, site, &site.pages[*i], &abs);
    }
    x.push_str("</feed>\n");
    x
}

/// The feed's author: the organisation, else the site's title.
fn author(site: &Site) -> &str {
    let org = site.config.branding.organisation.trim();
    if org.is_empty() {
        &site.config.title
    } else {
        org
    }
}

/// One `<entry>`.
fn entry(x: &mut String, site: &Site, page: &Page, abs: &dyn Fn(&str) -> String) {
    let m = &page.meta;
    let lang = if m.lang != site.config.language && !m.lang.is_empty() {
        format!(" xml:lang=\"{}\"", text(&m.lang))
    } else {
        String::new()
    };
    x.push_str(&format!("  <entry{lang}>\n"));
    x.push_str(&format!("    <id>{}</id>\n", abs(&m.url)));
    x.push_str(&format!("    <title>{}</title>\n", text(&m.title)));
    x.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        abs(&m.url)
    ));
    if let Some(d) = m.date {
        x.push_str(&format!("    <published>{}</published>\n", rfc3339(d)));
    }
    if let Some(d) = updated(page) {
        x.push_str(&format!("    <updated>{}</updated>\n", rfc3339(d)));
    }
    let name = m.owner.as_deref().filter(|o| !o.trim().is_empty());
    x.push_str(&format!(
        "    <author><name>{}</name></author>\n",
        text(name.unwrap_or(author(site)))
    ));
    for tax in &page.taxonomies {
        for term in &tax.terms {
            x.push_str(&format!(
                "    <category term=\"{}\" label=\"{}\" scheme=\"{}\"/>\n",
                text(&term.slug),
                text(&term.label),
                abs(&format!("{}{}/", site.base_path, tax.name))
            ));
        }
    }
    x.push_str(&format!(
        "    <summary type=\"text\">{}</summary>\n",
        text(&m.summary)
    ));
    x.push_str("  </entry>\n");
}

/// Text for XML content and attribute values: markup characters escaped,
/// and characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) left out.
fn text(s: &str) -> String {
    let allowed = |c: char| !matches!(c, '\0'..='\x08' | '\x0b' | '\x0c' | '\x0e'..='\x1f' | '\u{fffe}' | '\u{ffff}');
    if s.chars().all(allowed) {
        crate::markdown::escape(s)
    } else {
        crate::markdown::escape(&s.chars().filter(|c| allowed(*c)).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(
            text("Tom & \"Jerry\" <b>'s</b>"),
            "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;s&lt;/b&gt;"
        );
        assert_eq!(text("a\u{1}b\tc\u{ffff}"), "ab\tc");
    }

    #[test]
    fn dates_are_midnight_utc() {
        let d = crate::content::date::Date::new(2026, 3, 1).unwrap();
        assert_eq!(rfc3339(d), "2026-03-01T00:00:00Z");
    }
}
