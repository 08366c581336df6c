//! Checks on the rendered site, where the truth about links is: links from
//! content to files (`/images/x.png`, `../poster.pdf`), downloads listed in
//! front matter, orphan pages that nothing leads to, and file names that a
//! host on Windows or a case-insensitive host could not store.
//!
//! They run after rendering, against the list of output files, so a link is
//! good exactly when the file it names will be written.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Range;

use crate::content::frontmatter::{opening_span, Download};
use crate::content::{Page, Site};
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::portable;
use crate::render::output_path;

/// Every check in this module. `files` may lack the HTML of pages and term
/// pages (`freda check` does not render them); their output paths count as
/// written either way.
pub fn check_output(site: &Site, files: &[(&str, &[u8])]) -> Vec<Diagnostic> {
    let page_paths: Vec<String> = site
        .pages
        .iter()
        .map(|p| output_path(&site.base_path, &p.meta.url))
        .collect();
    let terms = term_pages(site, &page_paths);
    let mut paths: HashSet<&str> = files.iter().map(|f| f.0).collect();
    paths.extend(page_paths.iter().map(String::as_str));
    paths.extend(terms.keys().map(String::as_str));
    let mut out = Vec::new();
    for page in &site.pages {
        out.extend(local_links(page, &site.base_path, &paths));
        out.extend(downloads(
            &shown(page.source.as_str()),
            &page.text,
            page.kind.downloads(),
            &site.base_path,
            &paths,
        ));
    }
    for section in &site.sections {
        if let Some(src) = &section.source {
            let list = section.downloads.iter().collect();
            out.extend(downloads(
                &shown(src),
                &section.text,
                list,
                &site.base_path,
                &paths,
            ));
        }
    }
    out.extend(orphans(site, files, &page_paths, &terms));
    out.extend(unportable(site, files));
    out
}

/// Files whose names a host on Windows cannot store, and files whose paths
/// differ only in case or Unicode normalisation (a case-insensitive host
/// keeps one of them). Pages' addresses are checked where they are made.
fn unportable(site: &Site, files: &[(&str, &[u8])]) -> Vec<Diagnostic> {
    let sources: HashMap<&str, String> = site
        .assets
        .iter()
        .map(|a| (a.output.as_str(), format!("content/{}", a.output)))
        .collect();
    let source = |path: &str| {
        sources
            .get(path)
            .cloned()
            .unwrap_or_else(|| format!("static/{path}"))
    };
    let mut out = Vec::new();
    for (path, _) in files {
        let name = path.rsplit('/').next().unwrap_or(path);
        if portable::reserved_on_windows(name) {
            out.push(Diagnostic::warning(source(path), format!("\"{name}\" is a name that Windows reserves for devices, so a host on Windows cannot store this file"))
                .help("rename the file (CON, PRN, AUX, NUL, COM1–9 and LPT1–9 are reserved, with any extension)"));
        }
    }
    for (path, first) in portable::collisions(files.iter().map(|f| f.0)) {
        out.push(Diagnostic::warning(source(path), format!("this file and {} differ only in upper and lower case or in how accents are encoded: a case-insensitive host (Windows, macOS, SharePoint) keeps only one of them", source(first)))
            .help("rename one of them, e.g. to all lowercase"));
    }
    out
}

fn shown(source: &str) -> String {
    format!("content/{source}")
}

/// The output file a link names, if it stays on the site: `from` is the
/// output path of the page the link is on.
pub fn link_target(href: &str, base_path: &str, from: &str) -> Option<String> {
    let href = href.split(['#', '?']).next().unwrap_or("");
    if href.starts_with("//") || has_scheme(href) {
        return None;
    }
    let joined = match href.strip_prefix('/') {
        Some(_) => href
            .strip_prefix(base_path)
            .unwrap_or(&href[1..])
            .to_string(),
        None if href.is_empty() => return None,
        None => format!("{}{href}", &from[..from.rfind('/').map_or(0, |i| i + 1)]),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut path = percent_decode(&parts.join("/"));
    if joined.ends_with('/') || path.is_empty() {
        path.push_str(if path.is_empty() {
            "index.html"
        } else {
            "/index.html"
        });
    }
    Some(path)
}

fn has_scheme(href: &str) -> bool {
    let end = href.find([':', '/']).unwrap_or(0);
    href[end..].starts_with(':')
        && href[..end]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Decodes `%20` and the like; leaves malformed escapes as they are.
fn percent_decode(s: &str) -> String {
    String::from_utf8_lossy(&decode_escapes(s).0).into_owned()
}

/// The bytes of a URL path with its `%XX` escapes decoded, and whether any
/// `%` did not start a valid escape (those are kept as they are). Shared by
/// the link checks, which are lenient, and `freda serve`, which is strict.
pub fn decode_escapes(s: &str) -> (Vec<u8>, bool) {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut broken = false;
    let mut i = 0;
    while i < bytes.len() {
        // Two hex digits; from_str_radix alone would also take "+1".
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                broken |= b == b'%';
                out.push(b);
                i += 1;
            }
        }
    }
    (out, broken)
}

/// True if the site has a file (or a folder page) at `path`.
fn exists(paths: &HashSet<&str>, path: &str) -> bool {
    paths.contains(path) || paths.contains(format!("{path}/index.html").as_str())
}

/// Links from a page's Markdown to files and pages by path rather than `@/`.
fn local_links(page: &Page, base_path: &str, paths: &HashSet<&str>) -> Vec<Diagnostic> {
    let from = output_path(base_path, &page.meta.url);
    page.outbound
        .iter()
        .filter_map(|(dest, range)| {
            let target = link_target(dest, base_path, &from)?;
            (!exists(paths, &target)).then(|| broken_local(page, dest, &target, range, paths))
        })
        .collect()
}

fn broken_local(
    page: &Page,
    dest: &str,
    target: &str,
    range: &Range<usize>,
    paths: &HashSet<&str>,
) -> Diagnostic {
    let is_page = target.ends_with("index.html");
    let help = match did_you_mean(target, paths.iter().copied()) {
        Some(s) if !is_page => format!("did you mean /{s}?"),
        _ if is_page => {
            "link to pages with @/ and the file under content/, e.g. [text](@/about.md)".into()
        }
        _ => "put the file under static/ (a link to /images/x.png means static/images/x.png), or fix the path".into(),
    };
    let what = if is_page { "page" } else { "file" };
    Diagnostic::error(
        shown(&page.source),
        format!("broken link: the site has no {what} at {dest}"),
    )
    .at(&page.text, range.clone())
    .help(help)
}

/// Downloads in front matter must name files the site has.
fn downloads(
    file: &str,
    text: &str,
    list: Vec<&Download>,
    base_path: &str,
    paths: &HashSet<&str>,
) -> Vec<Diagnostic> {
    list.into_iter()
        .filter_map(|d| {
            let written = d.file.strip_prefix(base_path).unwrap_or(&d.file);
            let at = text
                .find(written)
                .map_or_else(|| opening_span(text), |i| i..i + written.len());
            let unsafe_path = d.file.starts_with('/').then(|| portable::path_problem(written)).flatten();
            if let Some(problem) = unsafe_path {
                return Some(Diagnostic::error(file, format!("download \"{written}\" is not a safe path: {problem}"))
                    .at(text, at)
                    .help("give the file's path under static/ in plain parts, e.g. file = \"/downloads/report.pdf\""));
            }
            let target = link_target(&d.file, base_path, "")?;
            if exists(paths, &target) {
                return None;
            }
            Some(
                Diagnostic::error(file, format!("download not found: static/{target}"))
                    .at(text, at)
                    .help("put the file under static/ and give its path from there, e.g. file = \"/downloads/report.pdf\""),
            )
        })
        .collect()
}

/// Pages that no link reaches from the home page. Links are followed in
/// the rendered HTML of the home, section and taxonomy pages (their lists,
/// menus and footers); a term page leads to its pages, and a page to what
/// its Markdown links to. So `check`, which renders no more than that, and
/// `build` agree. The browse and search pages list every page by design,
/// so they are not followed.
fn orphans(
    site: &Site,
    files: &[(&str, &[u8])],
    page_paths: &[String],
    terms: &HashMap<String, Vec<String>>,
) -> Vec<Diagnostic> {
    let pages: HashMap<&str, &Page> = page_paths
        .iter()
        .map(String::as_str)
        .zip(&site.pages)
        .collect();
    let hubs: HashMap<&str, &[u8]> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html") && !pages.contains_key(path))
        .filter(|(path, _)| !EXHAUSTIVE.iter().any(|p| path.starts_with(p)))
        .copied()
        .collect();
    let urls = source_urls(site);
    let links = |path: &str| -> Vec<String> {
        if let Some(page) = pages.get(path) {
            return page_links(page, &urls, &site.base_path, path);
        }
        if let Some(listed) = terms.get(path) {
            return listed.clone();
        }
        let html = String::from_utf8_lossy(hubs.get(path).copied().unwrap_or_default());
        hrefs(&html)
            .filter_map(|h| link_target(h, &site.base_path, path))
            .collect()
    };
    let reached = reachable("index.html", links);
    page_paths
        .iter()
        .zip(&site.pages)
        .filter(|(path, _)| !reached.contains(path.as_str()))
        .map(|(_, p)| {
            Diagnostic::warning(
                shown(&p.source),
                "orphan page: no section list, menu or link leads to it",
            )
            .at(&p.text, opening_span(&p.text))
            .help("link to it from a related page with [text](@/its/file.md), or move it into a section")
        })
        .collect()
}

/// Generated pages that link to every page: reaching a page only through
/// them does not make it part of the site's structure.
const EXHAUSTIVE: [&str; 3] = ["browse/", "search/", "governance/"];

/// The output paths of the pages each term page lists, by the term page's path.
fn term_pages(site: &Site, page_paths: &[String]) -> HashMap<String, Vec<String>> {
    site.taxonomies
        .iter()
        .flat_map(|t| &t.terms)
        .map(|t| {
            let listed = t.pages.iter().filter_map(|&i| page_paths.get(i).cloned());
            (output_path(&site.base_path, &t.url), listed.collect())
        })
        .collect()
}

/// URL of every page and section by source path under `content/`.
fn source_urls(site: &Site) -> HashMap<&str, &str> {
    let pages = site
        .pages
        .iter()
        .map(|p| (p.source.as_str(), p.meta.url.as_str()));
    let sections = site
        .sections
        .iter()
        .filter_map(|s| Some((s.source.as_deref()?, s.meta.url.as_str())));
    pages.chain(sections).collect()
}

/// Output paths a page's Markdown links to.
fn page_links(page: &Page, urls: &HashMap<&str, &str>, base_path: &str, from: &str) -> Vec<String> {
    let internal = page
        .links_to
        .iter()
        .filter_map(|(src, _, _)| urls.get(src.as_str()))
        .filter_map(|url| link_target(url, base_path, from));
    let other = page
        .outbound
        .iter()
        .filter_map(|(dest, _)| link_target(dest, base_path, from));
    internal.chain(other).collect()
}

/// Every path reachable from `start`, given each path's links.
fn reachable(start: &str, links: impl Fn(&str) -> Vec<String>) -> HashSet<String> {
    let mut seen: HashSet<String> = HashSet::from([start.to_string()]);
    let mut queue: VecDeque<String> = VecDeque::from([start.to_string()]);
    while let Some(path) = queue.pop_front() {
        for target in links(&path) {
            if !seen.contains(&target) {
                seen.insert(target.clone());
                queue.push_back(target);
            }
        }
    }
    seen
}

/// The values of `href="…"` attributes.
fn hrefs(html: &str) -> impl Iterator<Item = &str> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_of_links() {
        let t = |href, from| link_target(href, "/hr/", from);
        assert_eq!(
            t("/hr/images/a%20b.png", "x/index.html").as_deref(),
            Some("images/a b.png")
        );
        assert_eq!(
            t("/images/a.png", "x/index.html").as_deref(),
            Some("images/a.png")
        );
        assert_eq!(
            t("/hr/about/#team", "index.html").as_deref(),
            Some("about/index.html")
        );
        assert_eq!(t("/hr/", "a/index.html").as_deref(), Some("index.html"));
        assert_eq!(t("../b/", "a/index.html").as_deref(), Some("b/index.html"));
        assert_eq!(
            t("poster.pdf", "a/index.html").as_deref(),
            Some("a/poster.pdf")
        );
        assert_eq!(t("../../x", "a/index.html"), None);
        assert_eq!(t("/hr/100%.pdf", "").as_deref(), Some("100%.pdf"));
        assert_eq!(t("/hr/a%+1b", "").as_deref(), Some("a%+1b"));
        for other in [
            "https://x.org/",
            "//cdn.x/a",
            "mailto:a@b.c",
            "tel:+44",
            "#top",
            "?q=1",
        ] {
            assert_eq!(t(other, "index.html"), None, "{other}");
        }
    }

    #[test]
    fn hrefs_are_found() {
        let found: Vec<&str> =
            hrefs(r#"<a href="/a/">x</a><link href="s.css"><a class="x" href="b">"#).collect();
        assert_eq!(found, ["/a/", "s.css", "b"]);
    }
}
