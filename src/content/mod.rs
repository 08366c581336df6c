//! Content: walk `content/`, parse every file, and assemble the [`Site`].
//!
//! Files are read and parsed in parallel; everything after that is
//! sequential and deterministic. All problems are collected as diagnostics,
//! so one build reports every mistake at once. The [`Site`] handed on is
//! plain data: sections, pages and taxonomies, with final URLs.

mod assemble;
pub mod date;
pub mod frontmatter;
pub mod page;
pub mod walk;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Config;
use crate::diagnostics::Diagnostics;
pub use assemble::TaxonomyIndex;
pub use page::{Meta, Page, PageKind, PageType, Section};

/// Options that change what is loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Include pages with `status = "draft"`.
    pub drafts: bool,
}

/// A file under `content/` that is not Markdown, copied as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asset {
    /// Output path relative to the output root, e.g. `case-studies/chart.png`.
    pub output: String,
    /// Where it is on disk.
    pub source: PathBuf,
}

/// Everything loaded from a site folder: the input of the render stage.
#[derive(Debug, Clone)]
pub struct Site {
    /// The parsed `site.toml`.
    pub config: Config,
    /// Base path of every URL, `/` or `/hr/`.
    pub base_path: String,
    /// Where this language's pages start: the base path for the main
    /// language, `<base path><code>/` for the others (see [`crate::languages`]).
    pub lang_base: String,
    /// Pages and sections of the other languages' sites, by source path,
    /// with their URLs: `@/` links may lead to them.
    pub foreign_links: std::collections::HashMap<String, String>,
    /// Every language of a multilingual site (empty with one language).
    pub languages: Vec<crate::languages::Language>,
    /// All sections; index 0 is the home page (`content/_index.md`).
    pub sections: Vec<Section>,
    /// All pages that will be built.
    pub pages: Vec<Page>,
    /// Terms in use, per vocabulary.
    pub taxonomies: Vec<TaxonomyIndex>,
    /// Non-Markdown files under `content/`.
    pub assets: Vec<Asset>,
    /// Pages left out because they are drafts, by source path.
    pub drafts: Vec<String>,
    /// Markdown files left out because they have errors (already reported),
    /// by source path: links to them are not reported again.
    pub failed: Vec<String>,
}

/// Loads a site: config already parsed, content walked, parsed and checked.
/// With `[languages]`, this is the main language's site (see [`load_sites`]).
pub fn load(root: &Path, config: Config, opts: LoadOptions) -> (Option<Site>, Diagnostics) {
    let (sites, ds) = load_sites(root, config, opts);
    (sites.into_iter().next(), ds)
}

/// Loads every language's site, the main language first (one site when
/// `site.toml` declares no `[languages]`).
pub fn load_sites(root: &Path, config: Config, opts: LoadOptions) -> (Vec<Site>, Diagnostics) {
    let mut ds = Diagnostics::new();
    let policy = walk::ReadPolicy::new(root, &config.build);
    let walked = walk::walk(&root.join("content"), &policy, &mut ds);
    let parsed = walk::parse_all(&root.join("content"), &walked.markdown, &policy);
    let sites = sites_from_parsed(config, walked, parsed, opts, &mut ds);
    (sites, ds)
}

/// Assembles the site from walked and parsed files (`parsed[i]` is
/// `walked.markdown[i]`), reporting the files that could not be parsed.
/// With `[languages]`, this is the main language's site.
pub fn from_parsed(
    config: Config,
    walked: walk::Walked,
    parsed: Vec<Result<walk::Parsed, crate::diagnostics::Diagnostic>>,
    opts: LoadOptions,
    ds: &mut Diagnostics,
) -> Site {
    let mut sites = sites_from_parsed(config, walked, parsed, opts, ds);
    sites.swap_remove(0)
}

/// Assembles every language's site from walked and parsed files, the main
/// language first. [`load_sites`] and `freda serve`'s incremental rebuilds
/// both end here. A file is assembled once per site it appears in; the
/// problems found in fallback copies repeat the main site's; repeats are
/// shown once ([`Diagnostics::sorted`]).
pub fn sites_from_parsed(
    config: Config,
    walked: walk::Walked,
    parsed: Vec<Result<walk::Parsed, crate::diagnostics::Diagnostic>>,
    opts: LoadOptions,
    ds: &mut Diagnostics,
) -> Vec<Site> {
    let mut ok = Vec::with_capacity(parsed.len());
    for r in parsed {
        match r {
            Ok(p) => ok.push(p),
            Err(d) => ds.push(d),
        }
    }
    if config.languages.keys().all(|c| *c == config.language) {
        let mut site = assemble::assemble(config, ok, walked.assets, opts, ds);
        site.failed = failed_sources(&site, walked.markdown);
        return vec![site];
    }
    let mut assets = Some(walked.assets);
    let mut sites: Vec<Site> = crate::languages::split(&config, ok, ds)
        .into_iter()
        .map(|(code, files)| {
            // Only the main language's site publishes the content assets.
            let assets = assets.take().unwrap_or_default();
            assemble::assemble(config.for_language(&code), files, assets, opts, ds)
        })
        .collect();
    for site in &mut sites {
        site.failed = failed_sources(site, walked.markdown.clone());
    }
    crate::languages::link(&mut sites);
    sites
}

/// The Markdown files that became neither a page, a section nor a draft.
fn failed_sources(site: &Site, walked: Vec<String>) -> Vec<String> {
    let pages = site.pages.iter().map(|p| p.source.as_str());
    let sections = site.sections.iter().filter_map(|s| s.source.as_deref());
    let known: std::collections::HashSet<&str> = pages
        .chain(sections)
        .chain(site.drafts.iter().map(String::as_str))
        .collect();
    walked
        .into_iter()
        .filter(|s| !known.contains(s.as_str()))
        .collect()
}

/// Turns text into a URL slug: ASCII letters and digits, runs of anything else
/// become one `-`. Welsh and other accented letters lose their accents.
pub fn slugify(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A folder name turned into a title: `case-studies` becomes "Case studies".
pub fn title_from_slug(slug: &str) -> String {
    let words = slug.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Restraint review: 2024!"), "restraint-review-2024");
        assert_eq!(slugify("Côr ŵyl"), "cor-wyl");
        assert_eq!(slugify("  --Hello__World--  "), "hello-world");
        assert_eq!(slugify("../../etc"), "etc");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn titles_from_slugs() {
        assert_eq!(title_from_slug("case-studies"), "Case studies");
        assert_eq!(title_from_slug(""), "");
    }
}
