//! Render: Markdown to HTML for every page, then templates to output files.
//!
//! Both steps run in parallel with rayon, one job per page; everything they
//! read is borrowed from the [`Site`], and each job gets a small context
//! built for it rather than a copy of the whole site. The result is an
//! in-memory list of [`OutputFile`]s for the output stage.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use crate::content::frontmatter::Status;
use crate::content::{Page, PageType, Section, Site};
use crate::diagnostics::Diagnostic;
use crate::markdown::{LinkTargets, Markdown, SourceRef};
use crate::output::OutputFile;
use crate::search;
use crate::templates::Theme;

mod changes;

/// Renders every page's Markdown in place and returns the problems found.
/// Without `page_html` (for `freda check`) pages get no HTML, only what the
/// checks need; sections always get theirs, as checks render their pages.
pub fn render_markdown(site: &mut Site, md: &Markdown, page_html: bool) -> Vec<Diagnostic> {
    render_markdown_cached(
        site,
        md,
        page_html,
        &mut MarkdownCache::default(),
        &HashSet::new(),
    )
}

/// The markdown stage's results from the last build, by source path, for
/// `freda serve`: a page's HTML depends only on its file and on where `@/`
/// links lead, so it is reused while both are unchanged.
#[derive(Default)]
pub struct MarkdownCache {
    /// Whether results are kept for the next build (a one-off build's
    /// cache, the default, keeps nothing, so nothing is copied into it).
    keep: bool,
    /// Fingerprint of the link targets the entries were rendered with.
    links: u64,
    /// Whether the entries hold page HTML.
    page_html: bool,
    pages: HashMap<String, PageMarkdown>,
    sections: HashMap<String, PageMarkdown>,
}

impl MarkdownCache {
    /// A cache that keeps every build's results for the next.
    pub fn kept() -> MarkdownCache {
        MarkdownCache {
            keep: true,
            ..MarkdownCache::default()
        }
    }
}

/// Everything the markdown stage fills in on one page or section.
#[derive(Clone)]
struct PageMarkdown {
    r: crate::markdown::Rendered,
    /// The type's inline Markdown lists (dos, don'ts, …), as HTML.
    lists: Vec<Vec<String>>,
}

/// [`render_markdown`], reusing `cache` for every file not in `fresh`
/// (source paths re-read since the cache was filled), then refilling it.
pub fn render_markdown_cached(
    site: &mut Site,
    md: &Markdown,
    page_html: bool,
    cache: &mut MarkdownCache,
    fresh: &HashSet<String>,
) -> Vec<Diagnostic> {
    let links = link_targets(site);
    let fingerprint = links_fingerprint(site);
    if fingerprint != cache.links || page_html != cache.page_html {
        *cache = MarkdownCache {
            keep: cache.keep,
            links: fingerprint,
            page_html,
            ..MarkdownCache::default()
        };
    }
    // Take the entries this build can reuse out of the cache (no copies).
    let mut old_pages = std::mem::take(&mut cache.pages);
    let mut old_sections = std::mem::take(&mut cache.sections);
    let reuse = |map: &mut HashMap<String, PageMarkdown>, source: &str| {
        map.remove(source).filter(|_| !fresh.contains(source))
    };
    let kept: Vec<Option<PageMarkdown>> = site
        .pages
        .iter()
        .map(|p| reuse(&mut old_pages, &p.source))
        .collect();
    let kept_sections: Vec<Option<PageMarkdown>> = site
        .sections
        .iter()
        .map(|s| reuse(&mut old_sections, s.source.as_deref()?))
        .collect();
    let pages: Vec<PageMarkdown> = site
        .pages
        .par_iter()
        .zip(kept)
        .map(|(page, kept)| kept.unwrap_or_else(|| page_markdown(page, md, &links, page_html)))
        .collect();
    let sections: Vec<Option<PageMarkdown>> = site
        .sections
        .par_iter()
        .zip(kept_sections)
        .map(|(section, kept)| {
            section.source.as_ref()?;
            Some(kept.unwrap_or_else(|| section_markdown(section, md, &links)))
        })
        .collect();
    store(site, pages, sections, cache)
}

/// Fills the pages and sections with their Markdown results, keeps the
/// results in `cache` for the next build, and returns the problems found.
fn store(
    site: &mut Site,
    pages: Vec<PageMarkdown>,
    sections: Vec<Option<PageMarkdown>>,
    cache: &mut MarkdownCache,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (page, r) in site.pages.iter_mut().zip(pages) {
        found.extend(r.r.diagnostics.iter().cloned());
        if cache.keep {
            cache.pages.insert(page.source.clone(), r.clone());
        }
        apply_page(page, r);
    }
    for (section, r) in site.sections.iter_mut().zip(sections) {
        let (Some(r), Some(source)) = (r, &section.source) else {
            continue;
        };
        found.extend(r.r.diagnostics.iter().cloned());
        if cache.keep {
            cache.sections.insert(source.clone(), r.clone());
        }
        let r = r.r;
        fill(&mut section.meta, r.html, r.toc, r.word_count);
        section.meta.anchors = r.anchors;
    }
    found
}

fn page_markdown(page: &Page, md: &Markdown, links: &LinkTargets, page_html: bool) -> PageMarkdown {
    let shown = format!("content/{}", page.source);
    let src = SourceRef {
        shown: &shown,
        text: &page.text,
        offset: page.body_offset,
    };
    let mut r = if page_html {
        md.render(&src, links)
    } else {
        md.analyse(&src, links)
    };
    let mut kind = page.kind.clone();
    let lists = kind
        .inline_lists_mut()
        .into_iter()
        .map(|list| {
            list.iter()
                .map(|item| {
                    let item_src = SourceRef {
                        offset: front_matter_offset(page, item),
                        ..src
                    };
                    let (html, more) = md.render_inline(item, &item_src, links);
                    r.diagnostics.extend(more);
                    html
                })
                .collect()
        })
        .collect();
    PageMarkdown { r, lists }
}

/// Where a list item of the front matter is written, for its problems'
/// positions: the first place its text appears as written, or the start of
/// the body when it is written with escapes.
fn front_matter_offset(page: &Page, item: &str) -> usize {
    page.text[..page.body_offset.min(page.text.len())]
        .find(item)
        .unwrap_or(page.body_offset)
}

fn section_markdown(section: &Section, md: &Markdown, links: &LinkTargets) -> PageMarkdown {
    let shown = format!("content/{}", section.source.as_deref().unwrap_or(""));
    let src = SourceRef {
        shown: &shown,
        text: &section.text,
        offset: section.body_offset,
    };
    PageMarkdown {
        r: md.render(&src, links),
        lists: Vec::new(),
    }
}

fn apply_page(page: &mut Page, m: PageMarkdown) {
    for (list, html) in page.kind.inline_lists_mut().into_iter().zip(m.lists) {
        *list = html;
    }
    let r = m.r;
    fill(&mut page.meta, r.html, r.toc, r.word_count);
    page.meta.anchors = r.anchors;
    page.text_sections = r.sections;
    page.links_to = r.links;
    page.outbound = r.outbound;
    page.prose = r.prose;
}

/// Changes whenever any `@/` link could resolve differently.
fn links_fingerprint(site: &Site) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    site.base_path.hash(&mut h);
    for p in &site.pages {
        (&p.source, &p.meta.url).hash(&mut h);
    }
    for s in &site.sections {
        (&s.source, &s.meta.url).hash(&mut h);
    }
    (&site.drafts, &site.failed).hash(&mut h);
    let mut foreign: Vec<_> = site.foreign_links.iter().collect();
    foreign.sort();
    foreign.hash(&mut h);
    h.finish()
}

fn fill(
    meta: &mut crate::content::Meta,
    html: std::sync::Arc<str>,
    toc: Vec<crate::content::page::TocEntry>,
    words: usize,
) {
    meta.content = html;
    meta.toc = toc;
    meta.word_count = words;
    meta.reading_minutes = words.div_ceil(200).max(1);
}

/// Maps every `content/` source path to its URL, for `@/` links.
pub fn link_targets(site: &Site) -> LinkTargets {
    let mut t = LinkTargets {
        base_path: site.base_path.clone(),
        ..LinkTargets::default()
    };
    // Other languages' pages first: this site's own entries replace them.
    t.urls.extend(site.foreign_links.clone());
    for p in site.pages.iter().filter(|p| !p.meta.fallback) {
        t.urls.insert(p.source.clone(), p.meta.url.clone());
    }
    for s in site.sections.iter().filter(|s| !s.meta.fallback) {
        if let Some(src) = &s.source {
            t.urls.insert(src.clone(), s.meta.url.clone());
        }
    }
    // In another language, a link to a main-language file leads to its
    // translation here, or else to its fallback here.
    for p in &site.pages {
        if p.meta.fallback {
            t.urls.insert(p.source.clone(), p.meta.url.clone());
        } else if let Some(main) = crate::languages::translated_source(&p.source, &p.meta.lang) {
            t.urls.insert(main, p.meta.url.clone());
        }
    }
    for s in site.sections.iter().filter(|s| s.meta.fallback) {
        if let Some(src) = &s.source {
            t.urls.insert(src.clone(), s.meta.url.clone());
        }
    }
    t.drafts = site.drafts.iter().cloned().collect();
    t.failed = site.failed.iter().cloned().collect();
    t
}

/// One output page to render.
#[derive(Debug, Clone, Copy)]
enum Job {
    Page(usize),
    Section(usize),
    GuidePrint(usize),
    Taxonomy(usize),
    Term(usize, usize),
    Browse,
    Search,
    /// The coverage map (see [`crate::coverage`]).
    Coverage,
    NotFound,
}

/// A job's output: rendered now, or the previous build's file at this path.
enum Out {
    New(OutputFile),
    Kept(String),
}

/// The previous build of the same site, for re-rendering only the outputs
/// whose inputs changed (`freda serve`).
pub struct Previous<'a> {
    /// The site as it was.
    pub site: &'a Site,
    /// Its `site` template variable.
    pub site_view: &'a Value,
    /// Its search page's A–Z index.
    pub keywords: &'a [search::site::KeywordGroup],
    /// Its output files by path.
    pub files: &'a HashMap<String, std::sync::Arc<[u8]>>,
    /// Templates whose source changed, with every template that includes,
    /// imports or extends them; `None` when anything else in the theme
    /// changed (strings, the theme itself), so every output is re-rendered.
    pub templates: Option<&'a HashSet<String>>,
}

/// A rendered site and what the next incremental build compares against.
pub struct RenderedSite {
    /// Every output file rendered or generated.
    pub files: Vec<OutputFile>,
    /// Paths of the previous build's files that stay as they are.
    pub kept: Vec<String>,
    /// The `site` template variable.
    pub site_view: Value,
    /// The search page's A–Z index.
    pub keywords: Vec<search::site::KeywordGroup>,
    /// Templated outputs rendered (the rest are `kept`).
    pub rendered: usize,
}

/// Renders all templates and generated files of one language's site
/// (errors name the template), reusing outputs of `previous` whose inputs are
/// unchanged and the search analysis in `search`.
pub fn render_site_from(
    site: &Site,
    theme: &Theme,
    opts: RenderOptions,
    progress: Option<&indicatif::ProgressBar>,
    previous: Option<&Previous>,
    search: &mut search::IndexCache,
) -> Result<RenderedSite, Vec<Diagnostic>> {
    let mut laps = crate::build::Laps::from_env();
    let index = if opts.hubs_only {
        search::SearchIndex::default()
    } else {
        search::build_index_cached(
            search::site::docs(site, theme.strings_for(&site.config.language)),
            &search::site::options(
                site,
                opts.relative,
                theme.strings_for(&site.config.language),
            ),
            search,
        )
    };
    laps.lap("search index");
    let shared = Shared::new(site, theme, opts, &index);
    let mut jobs = jobs(site);
    if opts.hubs_only {
        jobs.retain(|j| !matches!(j, Job::Page(_) | Job::Term(..)));
    }
    let reuse = previous.and_then(|p| changes::Reuse::new(&shared, p));
    if let Some(p) = progress {
        p.set_length(jobs.len() as u64);
    }
    let results: Vec<Result<Out, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let r = match reuse.as_ref().and_then(|r| r.kept(*job)) {
                Some(path) => Ok(Out::Kept(path)),
                None => shared.render(*job).map(Out::New),
            };
            if let Some(p) = progress {
                p.inc(1);
            }
            r
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut kept = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(Out::New(f)) => files.push(f),
            Ok(Out::Kept(path)) => kept.push(path),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let rendered = files.len();
    laps.lap("templates");
    if site.config.is_main_language() {
        files.extend(site_files(site, theme)?);
    }
    files.extend(crate::feeds::files(site));
    files.extend(crate::redirects::pages(
        site,
        theme,
        &shared.site_view,
        &shared.strings,
        opts.relative,
    )?);
    files.extend(index.files);
    shared.keywords();
    let keywords = shared.keywords.into_inner().unwrap_or_default();
    Ok(RenderedSite {
        files,
        kept,
        site_view: shared.site_view,
        keywords,
        rendered,
    })
}

/// The files a site has once, whatever its languages: sitemap, robots.txt,
/// the brand colour, server headers, static files and content assets.
fn site_files(site: &Site, theme: &Theme) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let taken = |p: &str| theme.static_files.contains_key(p);
    let redirects = crate::redirects::entries(site);
    let mut files = vec![sitemap(site), robots(site), brand_css(site)];
    files.extend(crate::headers::files(
        &site.base_path,
        &crate::redirects::pairs(&redirects),
        site.config.cms.enabled,
        taken,
    ));
    files.extend(crate::redirects::server_files(&redirects, taken));
    files.extend(theme.static_files.iter().map(|(p, b)| OutputFile {
        path: p.clone(),
        contents: b.clone(),
    }));
    files.extend(crate::cms::files(site));
    files.extend(assets(site)?);
    Ok(files)
}

/// Renders every language's site (the main language's first) into one
/// list of files, with one sitemap listing the pages of all of them.
pub fn render_sites(
    sites: &[Site],
    theme: &Theme,
    opts: RenderOptions,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut main_view = None;
    for site in sites {
        let mut cache = search::IndexCache::default();
        match render_site_from(site, theme, opts, progress, None, &mut cache) {
            Ok(r) => {
                main_view.get_or_insert(r.site_view);
                files.extend(r.files);
            }
            Err(more) => errors.extend(more),
        }
    }
    if let Some(view) = &main_view {
        match governance_page(sites, theme, view, opts) {
            Ok(page) => files.extend(page),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for merged in merged_files(sites, theme) {
        match files.iter_mut().find(|f| f.path == merged.path) {
            Some(f) => *f = merged,
            None => files.push(merged),
        }
    }
    Ok(files)
}

/// The review dashboard of `sites` ([`crate::governance`]) with the main
/// site's `site` variable; none for `freda check` (`hubs_only`). It is
/// rendered on every build, never kept: its rows depend on the date.
pub fn governance_page(
    sites: &[Site],
    theme: &Theme,
    site_view: &Value,
    opts: RenderOptions,
) -> Result<Option<OutputFile>, Diagnostic> {
    if opts.hubs_only {
        return Ok(None);
    }
    let today = opts.today.unwrap_or_else(crate::content::date::Date::today);
    crate::governance::page(sites, theme, site_view, opts.relative, today)
}

/// With more than one language, the files that list every language's
/// pages: the sitemap, the server redirect maps and `.htaccess` (they
/// replace the main language's). None with one language.
pub fn merged_files(sites: &[Site], theme: &Theme) -> Vec<OutputFile> {
    if sites.len() < 2 {
        return Vec::new();
    }
    let redirects: Vec<_> = sites.iter().flat_map(crate::redirects::entries).collect();
    let taken = |p: &str| theme.static_files.contains_key(p);
    let mut files = vec![sitemap_of(sites.iter())];
    files.extend(crate::redirects::server_files(&redirects, taken));
    files.extend(crate::headers::files(
        &sites[0].base_path,
        &crate::redirects::pairs(&redirects),
        sites[0].config.cms.enabled,
        taken,
    ));
    files
}

fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
    jobs.extend((0..site.sections.len()).map(Job::Section));
    jobs.extend(
        (0..site.sections.len())
            .filter(|i| site.sections[*i].section_type == "guide")
            .map(Job::GuidePrint),
    );
    for (t, tax) in site.taxonomies.iter().enumerate() {
        jobs.push(Job::Taxonomy(t));
        jobs.extend((0..tax.terms.len()).map(|i| Job::Term(t, i)));
    }
    jobs.push(Job::Browse);
    jobs.push(Job::Search);
    if site.config.coverage.enabled {
        jobs.push(Job::Coverage);
    }
    jobs.push(Job::NotFound);
    jobs
}

fn assets(site: &Site) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    site.assets
        .iter()
        .map(|a| {
            std::fs::read(&a.source)
                .map(|contents| OutputFile {
                    path: a.output.clone(),
                    contents,
                })
                .map_err(|e| {
                    vec![Diagnostic::error(
                        a.source.display().to_string(),
                        format!("cannot read: {e}"),
                    )]
                })
        })
        .collect()
}

/// A link in navigation or breadcrumbs.
#[derive(Serialize, PartialEq)]
struct Link<'a> {
    title: &'a str,
    url: &'a str,
    /// The title's language when it differs from the page's (a fallback's).
    lang: &'a str,
}

impl<'a> Link<'a> {
    /// A link to a page or section, in the language of `site`.
    fn to(meta: &'a crate::content::Meta, site: &Site) -> Link<'a> {
        Link {
            title: &meta.title,
            url: &meta.url,
            lang: other_lang(meta, site),
        }
    }
}

/// A page's language if it differs from its site's (a fallback's), else "".
fn other_lang<'a>(meta: &'a crate::content::Meta, site: &Site) -> &'a str {
    if meta.lang == site.config.language {
        ""
    } else {
        &meta.lang
    }
}

/// A page as a card in lists.
#[derive(Serialize, PartialEq)]
struct Card<'a> {
    title: &'a str,
    summary: &'a str,
    url: &'a str,
    #[serde(rename = "type")]
    page_type: PageType,
    type_label: &'a str,
    date: Option<String>,
    date_display: Option<&'a str>,
    status: Status,
    /// A fallback's language (it differs from the list's), else "".
    lang: &'a str,
    /// A main-language page standing in for a missing translation.
    fallback: bool,
}

fn card<'a>(p: &'a Page, strings: &'a Strings) -> Card<'a> {
    Card {
        title: &p.meta.title,
        summary: &p.meta.summary,
        url: &p.meta.url,
        page_type: p.page_type,
        type_label: type_label(p.page_type, strings),
        date: p.meta.date.map(|d| d.to_string()),
        date_display: p.meta.date_display.as_deref(),
        status: p.meta.status,
        lang: if p.meta.fallback { &p.meta.lang } else { "" },
        fallback: p.meta.fallback,
    }
}

/// UI strings by key.
pub type Strings = std::collections::BTreeMap<String, String>;

/// A content type's name in the UI language: `type_<name>` from the
/// strings, else the English label.
pub fn type_label(t: PageType, strings: &Strings) -> &str {
    strings
        .get(&format!("type_{}", t.name()))
        .map_or(t.label(), String::as_str)
}

/// What a page's output takes from outside the page: its section, its
/// breadcrumbs and, in a guide, the other parts.
#[derive(PartialEq)]
struct Around<'a> {
    content_lang: &'a str,
    section: Value,
    breadcrumbs: Vec<Link<'a>>,
    prev: Value,
    next: Value,
    guide: Value,
}

/// Choices that change how pages are rendered.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Make every link relative to its page (`--relative`).
    pub relative: bool,
    /// For `freda check`: render only the home, section and taxonomy pages
    /// (not pages or term pages), with no search index; the link checks
    /// need no more.
    pub hubs_only: bool,
    /// The date the review dashboard measures against (the checks' today);
    /// the system date when unset.
    pub today: Option<crate::content::date::Date>,
}

/// What every job reads: the site, the theme, and values computed once.
struct Shared<'a> {
    site: &'a Site,
    theme: &'a Theme,
    opts: RenderOptions,
    site_view: Value,
    strings: Value,
    /// The UI strings of the site's language.
    lang_strings: &'a Strings,
    /// The search page's A–Z index, made once (and kept for the next build).
    keywords: std::sync::OnceLock<Vec<search::site::KeywordGroup>>,
    /// The Atom feed of the home page, sections and terms, by page URL.
    feeds: HashMap<String, crate::feeds::FeedLink>,
}

impl<'a> Shared<'a> {
    fn new(
        site: &'a Site,
        theme: &'a Theme,
        opts: RenderOptions,
        index: &search::SearchIndex,
    ) -> Shared<'a> {
        let mut site_view = site_view(site);
        let url = |m: &str| format!("{}{m}", site.base_path);
        // The site language's index, plus one per other language for pages in it.
        site_view["search_manifest"] = json!(index.manifest(&site.config.language).map(url));
        let others: Vec<Value> = index
            .manifests
            .iter()
            .filter(|(lang, _)| *lang != site.config.language)
            .map(|(lang, m)| json!({"lang": lang, "url": url(m)}))
            .collect();
        site_view["search_manifests"] = json!(others);
        Shared {
            site,
            theme,
            opts,
            site_view,
            strings: json!(theme.strings_for(&site.config.language)),
            lang_strings: theme.strings_for(&site.config.language),
            keywords: std::sync::OnceLock::new(),
            feeds: crate::feeds::links(site),
        }
    }

    fn keywords(&self) -> &[search::site::KeywordGroup] {
        self.keywords
            .get_or_init(|| search::site::keyword_index(self.site, self.lang_strings))
    }

    /// The template and URL of a job, without rendering it.
    fn target(&self, job: Job) -> (String, String) {
        let site = self.site;
        let base = &site.lang_base;
        match job {
            Job::Page(i) => (
                site.pages[i].page_type.template_name(),
                site.pages[i].meta.url.clone(),
            ),
            Job::Section(i) => {
                let s = &site.sections[i];
                let template = if i == 0 {
                    "index.html"
                } else if s.section_type == "guide" {
                    "guide.html"
                } else {
                    "section.html"
                };
                (template.to_string(), s.meta.url.clone())
            }
            Job::GuidePrint(i) => (
                "guide-print.html".to_string(),
                format!("{}print/", site.sections[i].meta.url),
            ),
            Job::Taxonomy(t) => ("taxonomy.html".to_string(), site.taxonomies[t].url.clone()),
            Job::Term(t, i) => (
                "taxonomy-term.html".to_string(),
                site.taxonomies[t].terms[i].url.clone(),
            ),
            Job::Browse => ("taxonomies.html".to_string(), format!("{base}browse/")),
            Job::Search => ("search.html".to_string(), format!("{base}search/")),
            Job::Coverage => ("coverage.html".to_string(), format!("{base}coverage/")),
            Job::NotFound => ("404.html".to_string(), format!("{base}404.html")),
        }
    }

    fn render(&self, job: Job) -> Result<OutputFile, Diagnostic> {
        let (template, url) = self.target(job);
        let mut ctx = match job {
            Job::Page(i) => self.page(i),
            Job::Section(i) => self.section(i),
            Job::GuidePrint(i) => self.guide_print(i),
            Job::Taxonomy(t) => self.taxonomy(t),
            Job::Term(t, i) => self.term(t, i),
            Job::Browse => self.browse(),
            Job::Search => self.search_page(),
            Job::Coverage => self.coverage_page(),
            Job::NotFound => tera::Context::new(),
        };
        ctx.insert("site", &self.site_view);
        ctx.insert("t", &self.strings);
        ctx.insert("base_path", &self.site.base_path);
        ctx.insert("lang_base", &self.site.lang_base);
        ctx.insert("current_url", &url);
        let translations = self.translations(job, &url);
        let meta = match job {
            Job::Page(i) => Some(&self.site.pages[i].meta),
            Job::Section(i) | Job::GuidePrint(i) => Some(&self.site.sections[i].meta),
            _ => None,
        };
        let fallback = meta.is_some_and(|m| m.fallback);
        // A fallback's canonical address is the page in its own language.
        let canonical = translations
            .iter()
            .find(|t| fallback && t.available)
            .map_or(url.as_str(), |t| t.url.as_str());
        ctx.insert("canonical_url", canonical);
        ctx.insert("fallback", &fallback);
        if !ctx.contains_key("content_lang") {
            ctx.insert(
                "content_lang",
                meta.map_or("", |m| other_lang(m, self.site)),
            );
        }
        ctx.insert("translations", &translations);
        ctx.insert("feed", &self.feeds.get(&url));
        if !ctx.contains_key("breadcrumbs") {
            ctx.insert("breadcrumbs", &Vec::<Value>::new());
        }
        let html = self
            .theme
            .tera
            .render(&template, &ctx)
            .map_err(|e| self.theme.render_error(&template, &e))?;
        let path = output_path(&self.site.base_path, &url);
        let html = if self.opts.relative {
            crate::relative::relativize(&html, &self.site.base_path, &path)
        } else {
            html
        };
        Ok(OutputFile {
            path,
            contents: html.into_bytes(),
        })
    }

    /// The job's page in every language that has it, for the language
    /// switcher and `hreflang` links (empty with one language).
    fn translations(&self, job: Job, url: &str) -> Vec<crate::languages::Translation> {
        let site = self.site;
        match job {
            Job::Page(i) => site.pages[i].meta.translations.clone(),
            Job::Section(i) => site.sections[i].meta.translations.clone(),
            Job::GuidePrint(i) => {
                let mut list = site.sections[i].meta.translations.clone();
                for t in &mut list {
                    t.url.push_str("print/");
                }
                list
            }
            _ => {
                let rel = url.strip_prefix(site.lang_base.as_str()).unwrap_or(url);
                site.languages
                    .iter()
                    .filter_map(|l| {
                        Some(crate::languages::Translation {
                            lang: l.code.clone(),
                            name: l.name.clone(),
                            url: l.generated_url(rel)?,
                            available: true,
                        })
                    })
                    .collect()
            }
        }
    }

    fn breadcrumbs(&self, mut section: Option<usize>) -> Vec<Link<'a>> {
        let mut chain = Vec::new();
        while let Some(i) = section {
            let s = &self.site.sections[i];
            let link = if s.parent.is_none() {
                Link {
                    title: self.home_label(),
                    url: &s.meta.url,
                    lang: "",
                }
            } else {
                Link::to(&s.meta, self.site)
            };
            chain.push(link);
            section = s.parent;
        }
        chain.reverse();
        chain
    }

    fn home_label(&self) -> &'a str {
        self.lang_strings.get("home").map_or("Home", String::as_str)
    }

    fn page(&self, i: usize) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("page", &self.site.pages[i]);
        let around = self.around(i);
        ctx.insert("content_lang", around.content_lang);
        ctx.insert("section", &around.section);
        ctx.insert("breadcrumbs", &around.breadcrumbs);
        ctx.insert("prev", &around.prev);
        ctx.insert("next", &around.next);
        ctx.insert("guide", &around.guide);
        ctx
    }

    /// What a page's output takes from outside the page.
    fn around(&self, i: usize) -> Around<'a> {
        let p = &self.site.pages[i];
        let s = &self.site.sections[p.section];
        // Set only when the page's language differs from the site's, for `lang` attributes on its text.
        let content_lang = if p.meta.lang == self.site.config.language {
            ""
        } else {
            p.meta.lang.as_str()
        };
        let (prev, next, guide) = if p.page_type == PageType::GuidePart {
            self.guide_nav(i, s)
        } else {
            (Value::Null, Value::Null, Value::Null)
        };
        Around {
            content_lang,
            section: json!({"title": s.meta.title, "url": s.meta.url, "type": s.section_type}),
            breadcrumbs: self.breadcrumbs(Some(p.section)),
            prev,
            next,
            guide,
        }
    }

    fn guide_nav(&self, i: usize, s: &Section) -> (Value, Value, Value) {
        let pages = &self.site.pages;
        let pos = s.pages.iter().position(|x| *x == i).unwrap_or(0);
        let link = |j: Option<&usize>| {
            j.map_or(
                Value::Null,
                |j| json!({"title": pages[*j].meta.title, "url": pages[*j].meta.url}),
            )
        };
        let prev = link(pos.checked_sub(1).and_then(|p| s.pages.get(p)));
        let next = link(s.pages.get(pos + 1));
        let parts: Vec<Value> = s
            .pages
            .iter()
            .map(|j| json!({"title": pages[*j].meta.title, "url": pages[*j].meta.url, "current": *j == i}))
            .collect();
        let guide =
            json!({"title": s.meta.title, "url": s.meta.url, "edition": s.edition, "parts": parts});
        (prev, next, guide)
    }

    fn section_value(&self, i: usize) -> Value {
        let s = &self.site.sections[i];
        let mut v = json!(s);
        let pages: Vec<Card> = s
            .pages
            .iter()
            .map(|j| card(&self.site.pages[*j], self.lang_strings))
            .collect();
        let subs: Vec<Value> = s
            .subsections
            .iter()
            .map(|j| {
                let sub = &self.site.sections[*j];
                json!({"title": sub.meta.title, "summary": sub.meta.summary, "url": sub.meta.url, "count": sub.pages.len()})
            })
            .collect();
        v["pages"] = json!(pages);
        v["subsections"] = json!(subs);
        v
    }

    fn section(&self, i: usize) -> tera::Context {
        let s = &self.site.sections[i];
        let mut ctx = tera::Context::new();
        ctx.insert("section", &self.section_value(i));
        ctx.insert("breadcrumbs", &self.breadcrumbs(s.parent));
        if i == 0 {
            ctx.insert("latest_case_studies", &self.latest_case_studies());
            ctx.insert("taxonomy_overview", &self.site.taxonomies);
        } else if s.section_type == "guide" {
            ctx.insert("print_url", &format!("{}print/", s.meta.url));
        }
        ctx
    }

    fn latest_case_studies(&self) -> Vec<Card<'a>> {
        let mut studies: Vec<&Page> = self
            .site
            .pages
            .iter()
            .filter(|p| p.page_type == PageType::CaseStudy && p.meta.status == Status::Published)
            .collect();
        studies.sort_by(|a, b| {
            b.meta
                .date
                .cmp(&a.meta.date)
                .then_with(|| a.meta.title.cmp(&b.meta.title))
        });
        studies
            .into_iter()
            .take(6)
            .map(|p| card(p, self.lang_strings))
            .collect()
    }

    fn guide_print(&self, i: usize) -> tera::Context {
        let s = &self.site.sections[i];
        let parts: Vec<Value> = s
            .pages
            .iter()
            .map(|j| {
                let p = &self.site.pages[*j];
                json!({"title": p.meta.title, "url": p.meta.url, "content": p.meta.content, "toc": p.meta.toc})
            })
            .collect();
        let guide = json!({"title": s.meta.title, "url": s.meta.url, "edition": s.edition,
            "summary": s.meta.summary, "content": s.meta.content, "parts": parts});
        let mut ctx = tera::Context::new();
        ctx.insert("guide", &guide);
        let mut crumbs = self.breadcrumbs(s.parent);
        crumbs.push(Link::to(&s.meta, self.site));
        ctx.insert("breadcrumbs", &crumbs);
        ctx
    }

    fn taxonomy(&self, t: usize) -> tera::Context {
        let tax = &self.site.taxonomies[t];
        let mut ctx = tera::Context::new();
        ctx.insert("taxonomy", tax);
        ctx.insert("breadcrumbs", &self.breadcrumbs(Some(0)));
        ctx
    }

    fn term(&self, t: usize, i: usize) -> tera::Context {
        let tax = &self.site.taxonomies[t];
        let term = &tax.terms[i];
        let pages: Vec<Card> = term
            .pages
            .iter()
            .map(|j| card(&self.site.pages[*j], self.lang_strings))
            .collect();
        let mut ctx = tera::Context::new();
        ctx.insert(
            "taxonomy",
            &json!({"name": tax.name, "label": tax.label, "url": tax.url}),
        );
        ctx.insert(
            "term",
            &json!({"slug": term.slug, "label": term.label, "description": term.description,
            "url": term.url, "pages": pages}),
        );
        let mut crumbs = self.breadcrumbs(Some(0));
        crumbs.push(Link {
            title: &tax.label,
            url: &tax.url,
            lang: "",
        });
        ctx.insert("breadcrumbs", &crumbs);
        ctx
    }

    fn search_page(&self) -> tera::Context {
        let mut ctx = self.browse();
        ctx.insert("keywords", self.keywords());
        ctx
    }

    fn coverage_page(&self) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert(
            "coverage",
            &crate::coverage::of(self.site, self.lang_strings),
        );
        ctx.insert("hidden", &self.site.config.coverage.hidden);
        ctx.insert("breadcrumbs", &self.breadcrumbs(Some(0)));
        ctx
    }

    fn browse(&self) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("taxonomies", &self.site.taxonomies);
        ctx.insert("breadcrumbs", &self.breadcrumbs(Some(0)));
        ctx
    }
}

/// The `site` variable every template gets.
fn site_view(site: &Site) -> Value {
    let c = &site.config;
    let nav: Vec<Link> = site.sections[0]
        .subsections
        .iter()
        .map(|i| Link::to(&site.sections[*i].meta, site))
        .collect();
    let taxonomies: Vec<Value> = site
        .taxonomies
        .iter()
        .map(|t| json!({"name": t.name, "label": t.label, "description": t.description, "url": t.url}))
        .collect();
    // Pages directly in content/ (about, accessibility statement, …) go in the footer.
    let footer: Vec<Link> = site.sections[0]
        .pages
        .iter()
        .map(|i| Link::to(&site.pages[*i].meta, site))
        .collect();
    let logo = c
        .branding
        .logo
        .as_ref()
        .map(|l| format!("{}{}", site.base_path, l.trim_start_matches('/')));
    json!({
        "title": c.title, "description": c.description, "language": c.language,
        "base_url": c.base_url, "base_path": site.base_path, "origin": origin(&c.base_url),
        "organisation": c.branding.organisation, "logo": logo, "primary_colour": c.branding.primary_colour,
        "nav": nav, "footer": footer, "taxonomies": taxonomies, "extra": c.extra,
        "csp": crate::headers::CSP, "coverage_url": crate::coverage::listed_url(site),
        "governance": crate::governance::footer_link(site),
    })
}

/// The file a URL is written to: `/hr/a/b/` becomes `a/b/index.html`.
pub fn output_path(base_path: &str, url: &str) -> String {
    let rel = url
        .strip_prefix(base_path)
        .unwrap_or(url.trim_start_matches('/'));
    if rel.is_empty() {
        "index.html".to_string()
    } else if rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// The scheme and host of `base_url`, e.g. `https://trust.example`.
pub(crate) fn origin(base_url: &str) -> &str {
    let after = base_url.find("://").map_or(0, |i| i + 3);
    match base_url[after..].find('/') {
        Some(i) => &base_url[..after + i],
        None => base_url,
    }
}

fn sitemap(site: &Site) -> OutputFile {
    sitemap_of(std::iter::once(site))
}

/// The sitemap of one or more language sites: every page and section but
/// fallbacks (they are another language's page), and the coverage map
/// unless `site.toml` hides it.
pub fn sitemap_of<'a>(sites: impl Iterator<Item = &'a Site> + Clone) -> OutputFile {
    let Some(first) = sites.clone().next() else {
        return OutputFile {
            path: "sitemap.xml".to_string(),
            contents: Vec::new(),
        };
    };
    let origin = origin(&first.config.base_url);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    // The coverage map is the one generated page listed (see `crate::coverage`).
    let generated: Vec<String> = sites
        .clone()
        .filter_map(crate::coverage::listed_url)
        .collect();
    let sections = sites.clone().flat_map(|site| {
        site.sections
            .iter()
            .filter(|s| !s.meta.fallback)
            .map(|s| (&s.meta.url, s.meta.last_reviewed.or(s.meta.date)))
    });
    let pages = sites.flat_map(|site| {
        site.pages
            .iter()
            .filter(|p| !p.meta.fallback)
            .map(|p| (&p.meta.url, p.meta.last_reviewed.or(p.meta.date)))
    });
    let generated = generated.iter().map(|u| (u, None));
    // A public review dashboard is listed too (an unlisted one never is).
    let dashboard = crate::governance::public_url(first);
    let mut entries: Vec<_> = sections.chain(pages).chain(generated).collect();
    entries.extend(dashboard.as_ref().map(|url| (url, None)));
    entries.sort();
    for (url, date) in entries {
        xml.push_str(&format!(
            "  <url><loc>{}</loc>",
            crate::markdown::escape(&format!("{origin}{url}"))
        ));
        if let Some(d) = date {
            xml.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    OutputFile {
        path: "sitemap.xml".to_string(),
        contents: xml.into_bytes(),
    }
}

/// The brand colour as a CSS custom property, so the theme needs no inline style.
fn brand_css(site: &Site) -> OutputFile {
    let css = format!(
        ":root {{ --brand: {}; }}\n",
        site.config.branding.primary_colour
    );
    OutputFile {
        path: "brand.css".to_string(),
        contents: css.into_bytes(),
    }
}

fn robots(site: &Site) -> OutputFile {
    let text = format!(
        "User-agent: *\nAllow: /\nSitemap: {}{}sitemap.xml\n",
        origin(&site.config.base_url),
        site.base_path
    );
    OutputFile {
        path: "robots.txt".to_string(),
        contents: text.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths() {
        assert_eq!(output_path("/hr/", "/hr/"), "index.html");
        assert_eq!(output_path("/hr/", "/hr/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/", "/404.html"), "404.html");
    }

    #[test]
    fn origins() {
        assert_eq!(origin("https://trust.example/hr/"), "https://trust.example");
        assert_eq!(origin("https://trust.example"), "https://trust.example");
    }
}
