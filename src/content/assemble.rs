//! Assembling parsed files into sections, typed pages and taxonomies.
//!
//! This is where front matter meets the rules: types and their fields, URLs
//! and slugs, vocabulary terms and duplicate URLs. Each rule reports into the
//! shared [`Diagnostics`] and moves on, so every problem is listed at once.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use serde::Serialize;
use toml::Spanned;

use super::frontmatter::{opening_span, RawFrontMatter, SortBy, Status};
use super::page::{
    check_typed_keys, KeyProblem, Meta, Page, PageKind, PageTaxonomy, PageType, Section, TermRef,
};
use super::walk::Parsed;
use super::{slugify, title_from_slug, Asset, LoadOptions, Site};
use crate::config::{span_of_key, span_of_value, Config};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::portable;

/// One vocabulary with the terms in use and the pages under each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaxonomyIndex {
    /// Vocabulary name, e.g. `rights`.
    pub name: String,
    /// Label, e.g. "Rights".
    pub label: String,
    /// Description from site.toml.
    pub description: String,
    /// URL of the vocabulary's page.
    pub url: String,
    /// Whether pages may use terms not listed in site.toml.
    pub open: bool,
    /// Terms in display order. Closed vocabularies list every term, used or not.
    pub terms: Vec<TermIndex>,
}

/// One term and the pages that carry it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermIndex {
    /// Slug, e.g. `article-8`.
    pub slug: String,
    /// Label.
    pub label: String,
    /// Description.
    pub description: String,
    /// URL of the term's page.
    pub url: String,
    /// Indexes into `Site::pages` (archived pages left out).
    #[serde(skip)]
    pub pages: Vec<usize>,
    /// How many pages carry it.
    pub count: usize,
}

/// A parsed file plus the helpers to report problems in it.
struct Source<'a> {
    shown: String,
    parsed: &'a Parsed,
}

impl Source<'_> {
    fn error_at(&self, span: Range<usize>, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.shown, msg).at(&self.parsed.text, span)
    }
    fn front_span<T>(&self, s: &Spanned<T>) -> Range<usize> {
        let off = self.parsed.front_offset;
        s.span().start + off..s.span().end + off
    }
    fn key_span(&self, key: &str) -> Range<usize> {
        let front = &self.parsed.text[self.parsed.front_offset..self.parsed.body_offset];
        let span = span_of_key(front, key);
        if span.is_empty() {
            return self.start_span();
        }
        span.start + self.parsed.front_offset..span.end + self.parsed.front_offset
    }
    /// The opening `+++`, for problems that belong to the whole file.
    fn start_span(&self) -> Range<usize> {
        opening_span(&self.parsed.text)
    }
}

/// Builds the site from parsed files.
pub fn assemble(
    config: Config,
    parsed: Vec<Parsed>,
    assets: Vec<Asset>,
    opts: LoadOptions,
    ds: &mut Diagnostics,
) -> Site {
    let base_path = config.base_path();
    let mut site = Site {
        lang_base: config.lang_base(),
        base_path,
        foreign_links: HashMap::new(),
        languages: Vec::new(),
        sections: Vec::new(),
        pages: Vec::new(),
        taxonomies: Vec::new(),
        assets: Vec::new(),
        drafts: Vec::new(),
        failed: Vec::new(),
        config,
    };
    let (indexes, pages): (Vec<Parsed>, Vec<Parsed>) =
        parsed.into_iter().partition(|p| is_index(p.place()));
    build_sections(&mut site, indexes, &pages, ds);
    for p in pages {
        add_page(&mut site, p, opts, ds);
    }
    check_duplicate_urls(&site, ds);
    sort_sections(&mut site);
    site.taxonomies = index_taxonomies(&site);
    label_page_terms(&mut site);
    site.assets = place_assets(&site, assets);
    site
}

fn is_index(rel: &str) -> bool {
    rel == "_index.md" || rel.ends_with("/_index.md")
}

fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

fn build_sections(site: &mut Site, indexes: Vec<Parsed>, pages: &[Parsed], ds: &mut Diagnostics) {
    let mut dirs = BTreeSet::from([String::new()]);
    for rel in pages.iter().chain(&indexes).map(Parsed::place) {
        let mut dir = dir_of(rel);
        while !dir.is_empty() {
            dirs.insert(dir.to_string());
            dir = dir_of(dir);
        }
    }
    let mut by_dir: HashMap<String, Parsed> = indexes
        .into_iter()
        .map(|p| (dir_of(p.place()).to_string(), p))
        .collect();
    let mut positions: HashMap<String, usize> = HashMap::new();
    for dir in dirs {
        let parent = (!dir.is_empty()).then(|| positions[dir_of(&dir)]);
        let index = by_dir.remove(&dir);
        let section = make_section(site, &dir, parent, index, ds);
        positions.insert(dir, site.sections.len());
        if let Some(p) = parent {
            let idx = site.sections.len();
            site.sections[p].subsections.push(idx);
        }
        site.sections.push(section);
    }
}

fn make_section(
    site: &Site,
    dir: &str,
    parent: Option<usize>,
    index: Option<Parsed>,
    ds: &mut Diagnostics,
) -> Section {
    let folder = dir.rsplit('/').next().unwrap_or("");
    let parent_url = parent.map_or(site.lang_base.as_str(), |p| {
        site.sections[p].meta.url.as_str()
    });
    let Some(mut parsed) = index else {
        let url = if dir.is_empty() {
            site.lang_base.clone()
        } else {
            format!("{parent_url}{}/", slugify(folder))
        };
        if portable::reserved_on_windows(&slugify(folder)) {
            ds.push(
                Diagnostic::error(format!("content/{dir}"), format!("the folder makes the address {url}, with a name that Windows reserves for devices"))
                    .help("rename the folder: Windows hosts cannot store CON, PRN, AUX, NUL, COM1–9 or LPT1–9"),
            );
        }
        let title = if dir.is_empty() {
            site.config.title.clone()
        } else {
            title_from_slug(folder)
        };
        return empty_section(dir, parent, url, title, &site.config.language);
    };
    let mut raw = std::mem::take(&mut parsed.raw);
    let src = Source {
        shown: format!("content/{}", parsed.rel),
        parsed: &parsed,
    };
    let section_type = section_type(&src, &raw, ds);
    let default_children = if section_type == PageType::Guide {
        Some(PageType::GuidePart)
    } else {
        None
    };
    let page_type = raw
        .page_type
        .as_ref()
        .and_then(|s| parse_type(&src, s, false, ds))
        .or(default_children);
    let type_span = raw.kind.as_ref().map(|k| src.front_span(k));
    report_key_problems(
        &src,
        check_typed_keys(&raw, section_type, true),
        section_type,
        type_span,
        ds,
    );
    let url = if dir.is_empty() {
        site.lang_base.clone()
    } else {
        url_for(&src, &raw, &site.lang_base, parent_url, folder, ds)
    };
    let mut meta = make_meta(&src, &mut raw, url, &site.config, false, ds);
    meta.fallback = parsed.fallback;
    let url_span = url_span(&src, &raw);
    if let Some((name, _)) = raw.taxonomies.first_key_value() {
        ds.push(
            src.error_at(
                src.front_span(name),
                "a section's _index.md cannot have [taxonomies]",
            )
            .help("tag the pages in the section instead"),
        );
    }
    Section {
        url_span,
        dir: dir.to_string(),
        source: Some(parsed.rel.clone()),
        body_offset: parsed.body_offset,
        parent,
        pages: Vec::new(),
        subsections: Vec::new(),
        section_type: if section_type == PageType::Guide {
            "guide"
        } else {
            "section"
        },
        page_type,
        sort_by: raw.sort_by.unwrap_or_default(),
        edition: raw.edition.take(),
        downloads: resolved(
            raw.downloads.take().unwrap_or_default(),
            &site.base_path,
            parsed.front_offset,
        ),
        meta,
        text: std::mem::take(&mut parsed.text),
    }
}

fn resolved(
    mut downloads: Vec<super::frontmatter::Download>,
    base_path: &str,
    front_offset: usize,
) -> Vec<super::frontmatter::Download> {
    for d in &mut downloads {
        d.resolve(base_path, front_offset);
    }
    downloads
}

/// Where a `path` or `slug` sets the URL, for pointing at URL clashes.
fn url_span(src: &Source, raw: &RawFrontMatter) -> Option<Range<usize>> {
    raw.path
        .as_ref()
        .or(raw.slug.as_ref())
        .map(|s| src.front_span(s))
}

fn empty_section(
    dir: &str,
    parent: Option<usize>,
    url: String,
    title: String,
    lang: &str,
) -> Section {
    Section {
        url_span: None,
        dir: dir.to_string(),
        source: None,
        text: "".into(),
        body_offset: 0,
        parent,
        pages: Vec::new(),
        subsections: Vec::new(),
        section_type: "section",
        page_type: None,
        sort_by: SortBy::default(),
        edition: None,
        downloads: Vec::new(),
        meta: Meta::new(title, url, lang),
    }
}

impl Meta {
    /// Meta with only a title and URL, for folders without `_index.md`.
    pub fn new(title: String, url: String, lang: &str) -> Meta {
        Meta {
            title,
            summary: String::new(),
            url,
            date: None,
            date_display: None,
            last_reviewed: None,
            last_reviewed_display: None,
            next_review: None,
            next_review_display: None,
            owner: None,
            status: Status::Published,
            lang: lang.to_string(),
            translation_key: None,
            aliases: Vec::new(),
            fallback: false,
            translations: Vec::new(),
            weight: 0,
            source: None,
            extra: toml::Table::new(),
            content: "".into(),
            toc: Vec::new(),
            word_count: 0,
            reading_minutes: 0,
            anchors: Vec::new(),
        }
    }
}

fn section_type(src: &Source, raw: &RawFrontMatter, ds: &mut Diagnostics) -> PageType {
    match &raw.kind {
        Some(k) if k.get_ref() == "guide" => PageType::Guide,
        Some(k) => {
            ds.push(
                src.error_at(
                    src.front_span(k),
                    format!(
                        "a section's type can only be \"guide\", not \"{}\"",
                        k.get_ref()
                    ),
                )
                .help("to set the type of the pages in this section, use page_type = \"…\""),
            );
            PageType::Page
        }
        None => PageType::Page,
    }
}

fn parse_type(
    src: &Source,
    k: &Spanned<String>,
    allow_guide: bool,
    ds: &mut Diagnostics,
) -> Option<PageType> {
    let name = k.get_ref().as_str();
    let names = PageType::ALL
        .into_iter()
        .map(PageType::name)
        .filter(|n| *n != "guide");
    match PageType::from_name(name) {
        Some(PageType::Guide) if !allow_guide => {
            ds.push(src.error_at(src.front_span(k), "type \"guide\" belongs in a guide's _index.md").help(
                "the guide is the folder; its pages are type \"guide-part\" (the default inside a guide)",
            ));
            None
        }
        Some(t) => Some(t),
        None => {
            let list = names.clone().collect::<Vec<_>>().join(", ");
            let help = match did_you_mean(name, names) {
                Some(s) => format!("did you mean \"{s}\"? The types are: {list}"),
                None => format!("the types are: {list}"),
            };
            ds.push(
                src.error_at(src.front_span(k), format!("unknown type \"{name}\""))
                    .help(help),
            );
            None
        }
    }
}

/// An example value for a field, so help text shows how to write it.
fn example_value(key: &str) -> &'static str {
    match key {
        "dos" | "donts" | "questions" | "learning_outcomes" | "items" | "key_findings" => {
            "[\"…\", \"…\"]"
        }
        "start" | "end" | "published" => "2024-03-01",
        "year" => "2024",
        "tool_kind" => "\"checklist\"",
        _ => "\"…\"",
    }
}

fn report_key_problems(
    src: &Source,
    problems: Vec<KeyProblem>,
    ty: PageType,
    type_span: Option<Range<usize>>,
    ds: &mut Diagnostics,
) {
    for p in problems {
        let d = match p {
            KeyProblem::Misplaced {
                key,
                owner: Some(owner),
            } => src
                .error_at(
                    src.key_span(key),
                    format!("`{key}` is not a field of type \"{}\"", ty.name()),
                )
                .help(format!(
                    "`{key}` belongs to type \"{}\"; remove it, or set type = \"{}\"",
                    owner.name(),
                    owner.name()
                )),
            KeyProblem::Misplaced { key, owner: None } => src
                .error_at(
                    src.key_span(key),
                    format!("`{key}` can only be set in a section's _index.md"),
                )
                .help("move it to the _index.md of the folder"),
            KeyProblem::Missing(key) => {
                let why = if type_span.is_some() {
                    ""
                } else {
                    " (the type comes from the section's page_type)"
                };
                src.error_at(type_span.clone().unwrap_or_else(|| src.start_span()), format!("a \"{}\" page needs the field `{key}`{why}", ty.name()))
                    .help(format!("add {key} = {} to the front matter; `freda new {} \"Title\"` shows every field", example_value(key), ty.name()))
            }
        };
        ds.push(d);
    }
}

/// The URL of a page or section, with an error if a host on Windows could
/// not store it (a part named `con`, `nul`, `com1`…).
fn url_for(
    src: &Source,
    raw: &RawFrontMatter,
    base: &str,
    parent_url: &str,
    stem: &str,
    ds: &mut Diagnostics,
) -> String {
    let url = url_from(src, raw, base, parent_url, stem, ds);
    let own = match &raw.path {
        Some(_) => url.strip_prefix(base),
        None => url.strip_prefix(parent_url),
    };
    let reserved = own
        .unwrap_or_default()
        .split('/')
        .find(|seg| portable::reserved_on_windows(seg));
    if let Some(seg) = reserved {
        let at = url_span(src, raw).unwrap_or_else(|| src.start_span());
        ds.push(
            src.error_at(at, format!("the address {url} has the part \"{seg}\", a name that Windows reserves for devices"))
                .help(match raw.path {
                    Some(_) => format!("Windows hosts cannot store it (nor CON, PRN, AUX, NUL, COM1–9, LPT1–9); change that part of the path, e.g. to \"{seg}-guide\""),
                    None => format!("Windows hosts cannot store it (nor CON, PRN, AUX, NUL, COM1–9, LPT1–9); set another slug, e.g. slug = \"{seg}-guide\""),
                }),
        );
    }
    url
}

fn url_from(
    src: &Source,
    raw: &RawFrontMatter,
    base: &str,
    parent_url: &str,
    stem: &str,
    ds: &mut Diagnostics,
) -> String {
    if let Some(path) = &raw.path {
        if let Some(p) = safe_path(src, path, ds) {
            return if p.is_empty() {
                base.to_string()
            } else {
                format!("{base}{p}/")
            };
        }
    }
    let slug = match &raw.slug {
        Some(s) => safe_slug(src, s, ds).unwrap_or_else(|| slugify(stem)),
        None => slugify(stem),
    };
    if slug.is_empty() {
        ds.push(
            src.error_at(
                src.start_span(),
                format!("the file name \"{stem}\" has no letters or digits to make a URL from"),
            )
            .help("rename the file, or set slug = \"a-short-name\""),
        );
    }
    format!("{parent_url}{slug}/")
}

fn escapes(value: &str) -> bool {
    value.contains("..")
        || value.contains('\\')
        || value.contains('\0')
        || value.starts_with('/')
        || value.contains(':')
}

fn safe_slug(src: &Source, s: &Spanned<String>, ds: &mut Diagnostics) -> Option<String> {
    let value = s.get_ref();
    if escapes(value) || value.contains('/') {
        ds.push(src.error_at(src.front_span(s), format!("slug \"{value}\" would write outside the output folder"))
            .help("a slug is one URL segment of letters, digits and hyphens, e.g. slug = \"restraint-review\""));
        return None;
    }
    let slug = slugify(value);
    if slug.is_empty() {
        ds.push(
            src.error_at(
                src.front_span(s),
                format!("slug \"{value}\" has no letters or digits"),
            )
            .help("use letters, digits and hyphens, e.g. slug = \"restraint-review\""),
        );
        return None;
    }
    Some(slug)
}

fn safe_path(src: &Source, s: &Spanned<String>, ds: &mut Diagnostics) -> Option<String> {
    let value = s.get_ref().trim_matches('/');
    let segments: Vec<&str> = value.split('/').filter(|x| !x.is_empty()).collect();
    if escapes(value) || segments.contains(&".") {
        ds.push(src.error_at(src.front_span(s), format!("path \"{}\" would write outside the output folder", s.get_ref()))
            .help("a path is URL segments of letters, digits and hyphens, e.g. path = \"guides/restraint\""));
        return None;
    }
    Some(
        segments
            .iter()
            .map(|x| slugify(x))
            .collect::<Vec<_>>()
            .join("/"),
    )
}

fn make_meta(
    src: &Source,
    raw: &mut RawFrontMatter,
    url: String,
    config: &Config,
    is_page: bool,
    ds: &mut Diagnostics,
) -> Meta {
    let lang = config.language.as_str();
    let title = raw.title.take().unwrap_or_else(|| {
        ds.push(
            src.error_at(src.start_span(), "missing required field `title`")
                .help("add title = \"…\" to the front matter (at most 65 characters)"),
        );
        String::new()
    });
    if title.chars().count() > 65 {
        ds.push(Diagnostic::warning(&src.shown, format!("the title is {} characters long; keep it to 65 or fewer", title.chars().count()))
            .at(&src.parsed.text, src.key_span("title"))
            .help("long titles are cut off in search results and browser tabs; move detail into the summary"));
    }
    let summary = raw.summary.take().unwrap_or_default();
    if is_page && summary.trim().is_empty() {
        ds.push(
            src.error_at(src.start_span(), "missing required field `summary`")
                .help("add summary = \"…\": one or two plain sentences, at most 300 characters"),
        );
    }
    if summary.chars().count() > 300 {
        ds.push(
            Diagnostic::warning(
                &src.shown,
                format!(
                    "the summary is {} characters long; keep it to 300 or fewer",
                    summary.chars().count()
                ),
            )
            .at(&src.parsed.text, src.key_span("summary"))
            .help("the summary is shown in cards and search results; shorten it"),
        );
    }
    let mut meta = Meta::new(title, url, raw.lang.as_deref().unwrap_or(lang));
    meta.summary = summary;
    meta.date = raw.date;
    meta.date_display = raw.date.map(|d| d.display());
    meta.last_reviewed = raw.last_reviewed;
    meta.last_reviewed_display = raw.last_reviewed.map(|d| d.display());
    meta.next_review = raw.next_review;
    meta.next_review_display = raw.next_review.map(|d| d.display());
    meta.owner = raw.owner.take();
    meta.status = raw.status.unwrap_or_default();
    meta.translation_key = raw.translation_key.take();
    meta.aliases = raw.aliases.iter().map(|a| a.get_ref().clone()).collect();
    meta.weight = raw.weight.unwrap_or(0);
    meta.source = safe_source(src, raw.source.take(), config, ds);
    meta.extra = std::mem::take(&mut raw.extra);
    meta
}

/// `[source]` without a `url` whose scheme links may not use (see
/// [`crate::sanitize`]): such a URL is dropped with a warning, and the
/// source's title is shown without a link.
fn safe_source(
    src: &Source,
    source: Option<super::frontmatter::Source>,
    config: &Config,
    ds: &mut Diagnostics,
) -> Option<super::frontmatter::Source> {
    let mut source = source?;
    let refused = source.url.as_ref().and_then(|url| {
        let scheme = config.sanitize.refused_scheme(url.get_ref())?;
        Some((scheme, src.front_span(url)))
    });
    if let Some((scheme, span)) = refused {
        let help = crate::sanitize::removal_help(&scheme, "the title is kept, without a link");
        ds.push(
            Diagnostic::warning(
                &src.shown,
                format!("source link to a `{scheme}:` URL was removed"),
            )
            .at(&src.parsed.text, span)
            .help(help),
        );
        source.url = None;
    }
    Some(source)
}

fn add_page(site: &mut Site, mut parsed: Parsed, opts: LoadOptions, ds: &mut Diagnostics) {
    let dir = dir_of(parsed.place()).to_string();
    let section = site.sections.iter().position(|s| s.dir == dir).unwrap_or(0);
    let mut raw = std::mem::take(&mut parsed.raw);
    let src = Source {
        shown: format!("content/{}", parsed.rel),
        parsed: &parsed,
    };
    let default_type = site.sections[section].page_type.unwrap_or(PageType::Page);
    let page_type = match &raw.kind {
        Some(k) => parse_type(&src, k, false, ds).unwrap_or(default_type),
        None => default_type,
    };
    let problems = check_typed_keys(&raw, page_type, false);
    let complete = !problems.iter().any(|p| matches!(p, KeyProblem::Missing(_)));
    let type_span = raw.kind.as_ref().map(|k| src.front_span(k));
    report_key_problems(&src, problems, page_type, type_span, ds);
    let stem = parsed
        .place()
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".md")
        .to_string();
    let url = url_for(
        &src,
        &raw,
        &site.lang_base,
        &site.sections[section].meta.url,
        &stem,
        ds,
    );
    let mut meta = make_meta(&src, &mut raw, url, &site.config, true, ds);
    meta.fallback = parsed.fallback;
    let url_span = url_span(&src, &raw);
    let terms = check_terms(&src, &raw, &site.config, ds);
    let mut kind = if complete {
        PageKind::take(page_type, &mut raw)
    } else {
        PageKind::Plain {}
    };
    for d in kind.downloads_mut() {
        d.resolve(&site.base_path, parsed.front_offset);
    }
    if meta.status == Status::Draft && !opts.drafts {
        site.drafts.push(parsed.rel.clone());
        return;
    }
    let index = site.pages.len();
    site.sections[section].pages.push(index);
    site.pages.push(Page {
        url_span,
        source: parsed.rel.clone(),
        body_offset: parsed.body_offset,
        section,
        terms,
        page_type,
        meta,
        kind,
        taxonomies: Vec::new(),
        text_sections: Default::default(),
        links_to: Vec::new(),
        outbound: Vec::new(),
        prose: Default::default(),
        text: std::mem::take(&mut parsed.text),
    });
}

fn check_terms(
    src: &Source,
    raw: &RawFrontMatter,
    config: &Config,
    ds: &mut Diagnostics,
) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (name, terms) in &raw.taxonomies {
        let Some(tax) = config.taxonomies.get(name.get_ref()) else {
            let names = config.taxonomies.keys().map(String::as_str);
            let list = names.clone().collect::<Vec<_>>().join(", ");
            let help = match did_you_mean(name.get_ref(), names) {
                Some(s) => {
                    format!("did you mean \"{s}\"? The vocabularies in site.toml are: {list}")
                }
                None => format!("the vocabularies in site.toml are: {list}"),
            };
            ds.push(
                src.error_at(
                    src.front_span(name),
                    format!("unknown taxonomy \"{}\"", name.get_ref()),
                )
                .help(help),
            );
            continue;
        };
        let mut valid = Vec::new();
        for term in terms {
            let value = term.get_ref();
            if tax.open {
                if slugify(value) != *value {
                    ds.push(
                        src.error_at(
                            src.front_span(term),
                            format!("term \"{value}\" in \"{}\" is not a slug", name.get_ref()),
                        )
                        .help(format!(
                            "write terms in lowercase with hyphens, e.g. \"{}\"",
                            slugify(value)
                        )),
                    );
                    continue;
                }
            } else if !tax.terms.iter().any(|t| t.slug == *value) {
                let slugs = tax.terms.iter().map(|t| t.slug.as_str());
                let help = match did_you_mean(value, slugs.clone()) {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None => format!("the terms are: {}", slugs.collect::<Vec<_>>().join(", ")),
                };
                ds.push(
                    src.error_at(
                        src.front_span(term),
                        format!(
                            "unknown term \"{value}\" in taxonomy \"{}\"",
                            name.get_ref()
                        ),
                    )
                    .help(help),
                );
                continue;
            }
            if !valid.contains(value) {
                valid.push(value.clone());
            }
        }
        out.push((name.get_ref().clone(), valid));
    }
    out
}

/// URLs that freda generates itself, which content must not take.
fn reserved_urls(site: &Site) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for name in site.config.taxonomies.keys() {
        m.insert(
            format!("{}{name}/", site.lang_base),
            format!("the \"{name}\" taxonomy pages"),
        );
    }
    m.insert(
        format!("{}browse/", site.lang_base),
        "the browse page".to_string(),
    );
    m.insert(
        format!("{}search/", site.lang_base),
        "the search page".to_string(),
    );
    if let Some(url) = crate::coverage::url(site) {
        m.insert(url, "the coverage map".to_string());
    }
    if let Some(url) = crate::governance::url(site).filter(|_| site.config.is_main_language()) {
        m.insert(url, "the review dashboard".to_string());
    }
    for s in site.sections.iter().filter(|s| s.section_type == "guide") {
        let what = format!("the printable version of \"{}\"", s.meta.title);
        m.insert(format!("{}print/", s.meta.url), what);
    }
    m
}

/// A claim on a URL: who made it, and where a `slug` or `path` set it.
struct Claim<'a> {
    shown: String,
    text: &'a str,
    span: Option<Range<usize>>,
}

impl Claim<'_> {
    fn error(&self, message: String) -> Diagnostic {
        let help = if self.span.is_some() {
            "choose another slug = \"…\" or path = \"…\""
        } else {
            "rename the file, or give it a different slug = \"…\""
        };
        Diagnostic::error(&self.shown, message)
            .at(
                self.text,
                self.span.clone().unwrap_or_else(|| opening_span(self.text)),
            )
            .help(help)
    }
}

fn check_duplicate_urls(site: &Site, ds: &mut Diagnostics) {
    let mut seen: HashMap<&str, Claim> = HashMap::new();
    let reserved = reserved_urls(site);
    let sections = site.sections.iter().filter_map(|s| {
        s.source
            .as_ref()
            .map(|src| (src, &s.meta.url, &s.text, &s.url_span))
    });
    let pages = site
        .pages
        .iter()
        .map(|p| (&p.source, &p.meta.url, &p.text, &p.url_span));
    for (source, url, text, span) in sections.chain(pages) {
        let claim = Claim {
            shown: format!("content/{source}"),
            text,
            span: span.clone(),
        };
        if let Some(what) = reserved.get(url.as_str()) {
            ds.push(claim.error(format!("the URL {url} is reserved for {what}")));
        } else if let Some(other) = seen.get(url.as_str()) {
            // Point at whichever file chose its URL with a slug or path: that is the one to change.
            let (blame, named) = if claim.span.is_none() && other.span.is_some() {
                (other, &claim)
            } else {
                (&claim, other)
            };
            let lookalike = portable::collisions([blame.shown.as_str(), named.shown.as_str()]);
            let why = if lookalike.is_empty() {
                ""
            } else {
                ", whose name differs from this one only in upper and lower case or in how accents are encoded"
            };
            ds.push(blame.error(format!(
                "the URL {url} is also used by {}{why}",
                named.shown
            )));
        } else {
            seen.insert(url, claim);
        }
    }
    check_aliases(site, &seen, &reserved, ds);
}

/// Aliases are old addresses that will redirect to a page: each must be a
/// path on this site that no page, generated page or other alias uses.
fn check_aliases(
    site: &Site,
    taken: &HashMap<&str, Claim>,
    reserved: &HashMap<String, String>,
    ds: &mut Diagnostics,
) {
    let mut used: HashMap<String, String> = HashMap::new();
    for p in &site.pages {
        let shown = format!("content/{}", p.source);
        let span = span_of_value(&p.text[..p.body_offset.min(p.text.len())], "aliases");
        for alias in &p.meta.aliases {
            // Point at this alias inside the list, when it can be found as written.
            let quoted = format!("\"{alias}\"");
            let at = p.text[span.clone()]
                .find(&quoted)
                .map_or(span.clone(), |i| {
                    span.start + i..span.start + i + quoted.len()
                });
            let error = |msg: String| Diagnostic::error(&shown, msg).at(&p.text, at.clone());
            let trimmed = alias.trim_matches('/');
            if trimmed.is_empty() || escapes(trimmed) {
                ds.push(error(format!("alias \"{alias}\" is not a path on this site"))
                    .help("write an old address of this site, e.g. aliases = [\"/old/restraint-review/\"]"));
                continue;
            }
            if let Some(problem) = portable::path_problem(trimmed) {
                ds.push(error(format!("alias \"{alias}\" cannot be written safely: {problem}"))
                    .help("write the old address as plain path parts, e.g. aliases = [\"/old/restraint-review/\"]"));
                continue;
            }
            let url = crate::redirects::alias_url(&site.base_path, alias);
            let clash = taken
                .get(url.as_str())
                .map(|c| format!("is already the address of {}", c.shown))
                .or_else(|| {
                    reserved
                        .get(&url)
                        .map(|r| format!("is already the address of {r}"))
                })
                .or_else(|| used.get(&url).map(|o| format!("is also an alias of {o}")));
            match clash {
                Some(clash) => ds.push(
                    error(format!("alias \"{alias}\" {clash}"))
                        .help("remove the alias: one address cannot lead to two pages"),
                ),
                None => {
                    used.insert(url, shown.clone());
                }
            }
        }
    }
}

fn sort_sections(site: &mut Site) {
    let pages = &site.pages;
    let sections_meta: Vec<(i64, String)> = site
        .sections
        .iter()
        .map(|s| (s.meta.weight, s.meta.title.clone()))
        .collect();
    for s in &mut site.sections {
        match s.sort_by {
            SortBy::Weight => s.pages.sort_by(|a, b| {
                let (a, b) = (&pages[*a].meta, &pages[*b].meta);
                (a.weight, &a.title).cmp(&(b.weight, &b.title))
            }),
            SortBy::Date => s.pages.sort_by(|a, b| {
                let (a, b) = (&pages[*a].meta, &pages[*b].meta);
                b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title))
            }),
            SortBy::Title => s
                .pages
                .sort_by(|a, b| pages[*a].meta.title.cmp(&pages[*b].meta.title)),
        }
        s.subsections
            .sort_by(|a, b| sections_meta[*a].cmp(&sections_meta[*b]));
    }
}

fn index_taxonomies(site: &Site) -> Vec<TaxonomyIndex> {
    let base = &site.lang_base;
    site.config
        .taxonomies
        .iter()
        .map(|(name, tax)| {
            let mut terms: Vec<TermIndex> = tax
                .terms
                .iter()
                .map(|t| term_index(base, name, &t.slug, &t.label, &t.description))
                .collect();
            // Where each term is in `terms`: a lookup per use, not a search (open vocabularies grow large).
            let mut at: HashMap<String, usize> = terms
                .iter()
                .enumerate()
                .map(|(i, t)| (t.slug.clone(), i))
                .collect();
            for (i, page) in site.pages.iter().enumerate() {
                if page.meta.status == Status::Archived {
                    continue;
                }
                for slug in page
                    .terms
                    .iter()
                    .filter(|(n, _)| n == name)
                    .flat_map(|(_, t)| t)
                {
                    let index = *at.entry(slug.clone()).or_insert_with(|| {
                        terms.push(term_index(base, name, slug, &title_from_slug(slug), ""));
                        terms.len() - 1
                    });
                    terms[index].pages.push(i);
                    terms[index].count += 1;
                }
            }
            if tax.open {
                terms.sort_by(|a, b| a.slug.cmp(&b.slug));
            }
            TaxonomyIndex {
                name: name.clone(),
                label: tax.label.clone(),
                description: tax.description.clone(),
                url: format!("{base}{name}/"),
                open: tax.open,
                terms,
            }
        })
        .collect()
}

fn term_index(base: &str, name: &str, slug: &str, label: &str, description: &str) -> TermIndex {
    TermIndex {
        slug: slug.to_string(),
        label: label.to_string(),
        description: description.to_string(),
        url: format!("{base}{name}/{slug}/"),
        pages: Vec::new(),
        count: 0,
    }
}

fn label_page_terms(site: &mut Site) {
    let taxonomies = &site.taxonomies;
    // Each term's place in its vocabulary, so a page's terms are found by lookup and shown in vocabulary order.
    let places: Vec<HashMap<&str, usize>> = taxonomies
        .iter()
        .map(|tax| {
            let slugs = tax.terms.iter().enumerate();
            slugs.map(|(i, t)| (t.slug.as_str(), i)).collect()
        })
        .collect();
    for page in &mut site.pages {
        page.taxonomies = taxonomies
            .iter()
            .zip(&places)
            .filter_map(|(tax, place)| {
                let chosen = page.terms.iter().find(|(n, _)| *n == tax.name)?;
                let mut found: Vec<usize> = chosen
                    .1
                    .iter()
                    .filter_map(|s| place.get(s.as_str()).copied())
                    .collect();
                found.sort_unstable();
                found.dedup();
                let terms: Vec<TermRef> = found
                    .into_iter()
                    .map(|i| &tax.terms[i])
                    .map(|t| TermRef {
                        slug: t.slug.clone(),
                        label: t.label.clone(),
                        url: t.url.clone(),
                    })
                    .collect();
                (!terms.is_empty()).then(|| PageTaxonomy {
                    name: tax.name.clone(),
                    label: tax.label.clone(),
                    terms,
                })
            })
            .collect();
    }
}

fn place_assets(site: &Site, assets: Vec<Asset>) -> Vec<Asset> {
    assets
        .into_iter()
        .map(|a| {
            let dir = dir_of(&a.output);
            let name = a.output.rsplit('/').next().unwrap_or("");
            let url = site
                .sections
                .iter()
                .find(|s| s.dir == dir)
                .map_or(site.base_path.as_str(), |s| &s.meta.url);
            let rel = url.strip_prefix(site.base_path.as_str()).unwrap_or("");
            Asset {
                output: format!("{rel}{name}"),
                source: a.source,
            }
        })
        .collect()
}
