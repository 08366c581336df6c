//! Render: Markdown to HTML for every page, then templates to output files.
//!
//! Both steps run in parallel with rayon, one job per page; everything they
//! read is borrowed from the [`Site`], and each job gets a small context
//! built for it rather than a copy of the whole site. The result is an
//! in-memory list of [`OutputFile`]s for the output stage.

use std::sync::Mutex;

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

/// Renders every page's Markdown in place and returns the problems found.
/// Without `page_html` (for `freda check`) pages get no HTML, only what the
/// checks need; sections always get theirs, as checks render their pages.
pub fn render_markdown(site: &mut Site, md: &Markdown, page_html: bool) -> Vec<Diagnostic> {
    let links = link_targets(site);
    let found = Mutex::new(Vec::new());
    site.pages.par_iter_mut().for_each(|page| {
        let shown = format!("content/{}", page.source);
        let src = SourceRef {
            shown: &shown,
            text: &page.text,
            offset: page.body_offset,
        };
        let r = if page_html {
            md.render(&src, &links)
        } else {
            md.analyse(&src, &links)
        };
        let mut ds = r.diagnostics;
        for list in page.kind.inline_lists_mut() {
            for item in list.iter_mut() {
                let (html, more) = md.render_inline(item, &src, &links);
                *item = html;
                ds.extend(more);
            }
        }
        fill(&mut page.meta, r.html, r.toc, r.word_count);
        page.meta.anchors = r.anchors;
        page.text_sections = r.sections;
        page.links_to = r.links;
        page.outbound = r.outbound;
        page.prose = r.prose;
        found.lock().map(|mut f| f.extend(ds)).ok();
    });
    site.sections
        .par_iter_mut()
        .filter(|s| s.source.is_some())
        .for_each(|section| {
            let shown = format!("content/{}", section.source.as_deref().unwrap_or(""));
            let src = SourceRef {
                shown: &shown,
                text: &section.text,
                offset: section.body_offset,
            };
            let r = md.render(&src, &links);
            fill(&mut section.meta, r.html, r.toc, r.word_count);
            section.meta.anchors = r.anchors;
            found.lock().map(|mut f| f.extend(r.diagnostics)).ok();
        });
    found.into_inner().unwrap_or_default()
}

fn fill(
    meta: &mut crate::content::Meta,
    html: String,
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
    for p in &site.pages {
        t.urls.insert(p.source.clone(), p.meta.url.clone());
    }
    for s in &site.sections {
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
    NotFound,
}

/// Renders all templates and generated files. Errors name the template.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    opts: RenderOptions,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let index = if opts.hubs_only {
        search::SearchIndex::default()
    } else {
        search::build_index_with(
            &search::site::docs(site),
            &search::site::options(site, opts.relative),
        )
    };
    let shared = Shared::new(site, theme, opts, &index);
    let mut jobs = jobs(site);
    if opts.hubs_only {
        jobs.retain(|j| !matches!(j, Job::Page(_) | Job::Term(..)));
    }
    if let Some(p) = progress {
        p.set_length(jobs.len() as u64);
    }
    let results: Vec<Result<OutputFile, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let r = shared.render(*job);
            if let Some(p) = progress {
                p.inc(1);
            }
            r
        })
        .collect();
    let (ok, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    if !errors.is_empty() {
        return Err(errors.into_iter().filter_map(Result::err).collect());
    }
    let mut files: Vec<OutputFile> = ok.into_iter().filter_map(Result::ok).collect();
    files.push(sitemap(site));
    files.push(robots(site));
    files.push(brand_css(site));
    files.extend(theme.static_files.iter().map(|(p, b)| OutputFile {
        path: p.clone(),
        contents: b.clone(),
    }));
    files.extend(assets(site)?);
    files.extend(index.files);
    Ok(files)
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
#[derive(Serialize)]
struct Link<'a> {
    title: &'a str,
    url: &'a str,
}

/// A page as a card in lists.
#[derive(Serialize)]
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
}

fn card(p: &Page) -> Card<'_> {
    Card {
        title: &p.meta.title,
        summary: &p.meta.summary,
        url: &p.meta.url,
        page_type: p.page_type,
        type_label: p.page_type.label(),
        date: p.meta.date.map(|d| d.to_string()),
        date_display: p.meta.date_display.as_deref(),
        status: p.meta.status,
    }
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
}

/// What every job reads: the site, the theme, and values computed once.
struct Shared<'a> {
    site: &'a Site,
    theme: &'a Theme,
    opts: RenderOptions,
    site_view: Value,
    strings: Value,
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
            strings: json!(theme.strings),
        }
    }

    fn render(&self, job: Job) -> Result<OutputFile, Diagnostic> {
        let (template, url, mut ctx) = match job {
            Job::Page(i) => self.page(i),
            Job::Section(i) => self.section(i),
            Job::GuidePrint(i) => self.guide_print(i),
            Job::Taxonomy(t) => self.taxonomy(t),
            Job::Term(t, i) => self.term(t, i),
            Job::Browse => (
                "taxonomies.html".to_string(),
                format!("{}browse/", self.site.base_path),
                self.browse(),
            ),
            Job::Search => (
                "search.html".to_string(),
                format!("{}search/", self.site.base_path),
                self.search_page(),
            ),
            Job::NotFound => (
                "404.html".to_string(),
                format!("{}404.html", self.site.base_path),
                tera::Context::new(),
            ),
        };
        ctx.insert("site", &self.site_view);
        ctx.insert("t", &self.strings);
        ctx.insert("base_path", &self.site.base_path);
        ctx.insert("current_url", &url);
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

    fn breadcrumbs(&self, mut section: Option<usize>) -> Vec<Link<'a>> {
        let mut chain = Vec::new();
        while let Some(i) = section {
            let s = &self.site.sections[i];
            let title = if i == 0 {
                self.home_label()
            } else {
                &s.meta.title
            };
            chain.push(Link {
                title,
                url: &s.meta.url,
            });
            section = s.parent;
        }
        chain.reverse();
        chain
    }

    fn home_label(&self) -> &'a str {
        self.theme
            .strings
            .get("home")
            .map_or("Home", String::as_str)
    }

    fn page(&self, i: usize) -> (String, String, tera::Context) {
        let p = &self.site.pages[i];
        let s = &self.site.sections[p.section];
        let mut ctx = tera::Context::new();
        ctx.insert("page", p);
        // Set only when the page's language differs from the site's, for `lang` attributes on its text.
        let content_lang = if p.meta.lang == self.site.config.language {
            ""
        } else {
            p.meta.lang.as_str()
        };
        ctx.insert("content_lang", content_lang);
        ctx.insert(
            "section",
            &json!({"title": s.meta.title, "url": s.meta.url, "type": s.section_type}),
        );
        ctx.insert("breadcrumbs", &self.breadcrumbs(Some(p.section)));
        let (prev, next, guide) = if p.page_type == PageType::GuidePart {
            self.guide_nav(i, s)
        } else {
            (Value::Null, Value::Null, Value::Null)
        };
        ctx.insert("prev", &prev);
        ctx.insert("next", &next);
        ctx.insert("guide", &guide);
        (p.page_type.template_name(), p.meta.url.clone(), ctx)
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
        let pages: Vec<Card> = s.pages.iter().map(|j| card(&self.site.pages[*j])).collect();
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

    fn section(&self, i: usize) -> (String, String, tera::Context) {
        let s = &self.site.sections[i];
        let mut ctx = tera::Context::new();
        ctx.insert("section", &self.section_value(i));
        ctx.insert("breadcrumbs", &self.breadcrumbs(s.parent));
        let template = if i == 0 {
            ctx.insert("latest_case_studies", &self.latest_case_studies());
            ctx.insert("taxonomy_overview", &self.site.taxonomies);
            "index.html"
        } else if s.section_type == "guide" {
            ctx.insert("print_url", &format!("{}print/", s.meta.url));
            "guide.html"
        } else {
            "section.html"
        };
        (template.to_string(), s.meta.url.clone(), ctx)
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
        studies.into_iter().take(6).map(card).collect()
    }

    fn guide_print(&self, i: usize) -> (String, String, tera::Context) {
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
        crumbs.push(Link {
            title: &s.meta.title,
            url: &s.meta.url,
        });
        ctx.insert("breadcrumbs", &crumbs);
        (
            "guide-print.html".to_string(),
            format!("{}print/", s.meta.url),
            ctx,
        )
    }

    fn taxonomy(&self, t: usize) -> (String, String, tera::Context) {
        let tax = &self.site.taxonomies[t];
        let mut ctx = tera::Context::new();
        ctx.insert("taxonomy", tax);
        ctx.insert("breadcrumbs", &self.breadcrumbs(Some(0)));
        ("taxonomy.html".to_string(), tax.url.clone(), ctx)
    }

    fn term(&self, t: usize, i: usize) -> (String, String, tera::Context) {
        let tax = &self.site.taxonomies[t];
        let term = &tax.terms[i];
        let pages: Vec<Card> = term
            .pages
            .iter()
            .map(|j| card(&self.site.pages[*j]))
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
        });
        ctx.insert("breadcrumbs", &crumbs);
        ("taxonomy-term.html".to_string(), term.url.clone(), ctx)
    }

    fn search_page(&self) -> tera::Context {
        let mut ctx = self.browse();
        let tag_label = self.theme.strings.get("tag").map_or("Tag", String::as_str);
        ctx.insert(
            "keywords",
            &search::site::keyword_index(self.site, tag_label),
        );
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
        .map(|i| Link {
            title: &site.sections[*i].meta.title,
            url: &site.sections[*i].meta.url,
        })
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
        .map(|i| Link {
            title: &site.pages[*i].meta.title,
            url: &site.pages[*i].meta.url,
        })
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
fn origin(base_url: &str) -> &str {
    let after = base_url.find("://").map_or(0, |i| i + 3);
    match base_url[after..].find('/') {
        Some(i) => &base_url[..after + i],
        None => base_url,
    }
}

fn sitemap(site: &Site) -> OutputFile {
    let origin = origin(&site.config.base_url);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let sections = site
        .sections
        .iter()
        .map(|s| (&s.meta.url, s.meta.last_reviewed.or(s.meta.date)));
    let pages = site
        .pages
        .iter()
        .map(|p| (&p.meta.url, p.meta.last_reviewed.or(p.meta.date)));
    let mut entries: Vec<_> = sections.chain(pages).collect();
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
