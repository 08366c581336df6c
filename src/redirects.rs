//! Redirects from old addresses: a page's `aliases` and the rows of a CSV
//! file of a previous site's URLs (`[redirects] csv` in `site.toml`).
//!
//! Each redirect becomes an HTML page at the old address (a meta refresh,
//! a canonical link and a visible link, from the theme's `redirect.html`),
//! when the old address is a folder or an `.html` file under the base path,
//! and a line in `_redirects` (Netlify, Cloudflare Pages) and in
//! `freda-redirects.conf` (an nginx `map`), which servers answer with a
//! real 301. An old address with another extension (`.aspx`, `.php`,
//! `.pdf`) gets no HTML page: a static host would serve it with that
//! extension's type. [`entries`] lists a site's redirects, so a build of
//! several language sites can merge them before [`server_files`].

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::content::Site;
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::output::OutputFile;

/// The Netlify and Cloudflare Pages redirects file.
pub const NETLIFY_FILE: &str = "_redirects";
/// The nginx `map` of old addresses to new ones.
pub const NGINX_FILE: &str = "freda-redirects.conf";

/// The `[redirects]` table of `site.toml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedirectsConfig {
    /// A CSV file of old addresses (`from,to`), relative to the site root.
    pub csv: Option<String>,
    /// Its rows, read by [`RedirectsConfig::load`].
    #[serde(skip)]
    pub table: Option<Arc<CsvTable>>,
}

/// The CSV file of old addresses, as read.
#[derive(Debug)]
pub struct CsvTable {
    /// Its path as written in `site.toml`, for messages.
    pub shown: String,
    /// Its text, for positions.
    pub text: String,
    /// Its rows, in file order.
    pub rows: Vec<CsvRow>,
}

/// One row of the CSV file.
#[derive(Debug, Clone)]
pub struct CsvRow {
    /// The line it starts on.
    pub line: usize,
    /// The old path, e.g. `/hr/Documents/Restraint.aspx`.
    pub from: String,
    /// Where `from` is in the file.
    pub from_span: Range<usize>,
    /// `@/file.md`, a path of this site, or an http(s) URL.
    pub to: String,
    /// Where `to` is in the file.
    pub to_span: Range<usize>,
}

/// One redirect: an old address, its new one, and where it was declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The old path from the host's root, e.g. `/hr/old/path/`.
    pub from: String,
    /// The new address: a path from the host's root, or an http(s) URL.
    pub to: String,
    /// Where it was declared, e.g. `content/about.md` or `redirects.csv:4`.
    pub declared: String,
}

impl RedirectsConfig {
    /// Reads and checks the CSV file named by `csv`, if any (`site_toml`
    /// is the text of site.toml, for pointing at the setting).
    pub fn load(&mut self, root: &Path, site_toml: &str) -> Diagnostics {
        let mut ds = Diagnostics::new();
        let Some(shown) = self.csv.clone() else {
            return ds;
        };
        let at = crate::config::span_of_value(site_toml, "csv");
        let bytes = match std::fs::read(root.join(&shown)) {
            Ok(b) => b,
            Err(e) => {
                let why = if e.kind() == std::io::ErrorKind::NotFound {
                    "does not exist".to_string()
                } else {
                    format!("cannot be read: {e}")
                };
                ds.push(
                    Diagnostic::error("site.toml", format!("the redirects file \"{shown}\" {why}"))
                        .at(site_toml, at)
                        .help("give the path of a CSV file from the site folder, e.g. csv = \"redirects.csv\", or remove the line"),
                );
                return ds;
            }
        };
        match crate::content::walk::decode(&shown, bytes) {
            Ok(text) => {
                let (rows, found) = parse_csv(&shown, &text);
                ds.extend(found);
                self.table = Some(Arc::new(CsvTable { shown, text, rows }));
            }
            Err(d) => ds.push(d),
        }
        ds
    }
}

/// The columns a CSV file of redirects needs.
const COLUMNS: [&str; 2] = ["from", "to"];

/// Reads the rows of a CSV file of redirects, with the problems that need
/// no site to find. Lines starting with `#` are comments.
pub fn parse_csv(shown: &str, text: &str) -> (Vec<CsvRow>, Vec<Diagnostic>) {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(&text.as_bytes()[bom..]);
    let mut found = Vec::new();
    let mut rows = Vec::new();
    let mut columns: Option<[usize; 2]> = None;
    let mut record = csv::StringRecord::new();
    let mut start = bom;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let at = e.position().map_or(start, |p| bom + p.byte() as usize);
                found.push(
                    Diagnostic::error(shown, format!("this is not valid CSV: {e}"))
                        .at(text, at..at)
                        .help("save the spreadsheet as CSV (comma-separated, UTF-8)"),
                );
                break;
            }
        }
        start = record.position().map_or(start, |p| bom + p.byte() as usize);
        let fields = field_spans(text, start, &record);
        match columns {
            None => match header(shown, text, &record, &fields) {
                Ok(c) => columns = Some(c),
                Err(d) => {
                    found.push(d);
                    break;
                }
            },
            Some(cols) => match row(shown, text, &record, &fields, cols) {
                Ok(r) => rows.push(r),
                Err(d) => found.push(d),
            },
        }
    }
    if columns.is_none() && found.is_empty() {
        found.push(
            Diagnostic::error(shown, "the file has no header row")
                .help("start the file with the line from,to, then one redirect a line"),
        );
    }
    found.extend(row_problems(shown, text, &rows));
    (rows, found)
}

/// Where each field of a record is in the file: found in order from the
/// record's start (a field with escaped quotes, which is not written as it
/// reads, points at the record's start).
fn field_spans(text: &str, start: usize, record: &csv::StringRecord) -> Vec<Range<usize>> {
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut cursor = start;
    record
        .iter()
        .map(|field| {
            let field = field.trim();
            let found = text[cursor..].find(field).map(|i| cursor + i);
            let span = match found {
                _ if field.is_empty() => cursor..cursor,
                Some(i) if i <= line_end || field.contains('\n') => i..i + field.len(),
                _ => start..start,
            };
            // The next field starts after the next comma on the line.
            let from = span.end.max(cursor).min(line_end);
            cursor = text[from..line_end]
                .find(',')
                .map_or(line_end, |j| from + j + 1);
            span
        })
        .collect()
}

/// The positions of the `from` and `to` columns in the header row.
fn header(
    shown: &str,
    text: &str,
    record: &csv::StringRecord,
    fields: &[Range<usize>],
) -> Result<[usize; 2], Diagnostic> {
    let names: Vec<String> = record.iter().map(|f| f.trim().to_lowercase()).collect();
    let mut cols = [0; 2];
    for (slot, want) in cols.iter_mut().zip(COLUMNS) {
        match names.iter().position(|n| n == want) {
            Some(i) => *slot = i,
            None => {
                let span = fields.first().cloned().unwrap_or(0..0);
                return Err(Diagnostic::error(
                    shown,
                    format!("the header row has no \"{want}\" column"),
                )
                .at(text, span)
                .help("the first line names the columns: from,to (old path, new address)"));
            }
        }
    }
    Ok(cols)
}

/// One row's `from` and `to`, or what is missing.
fn row(
    shown: &str,
    text: &str,
    record: &csv::StringRecord,
    fields: &[Range<usize>],
    cols: [usize; 2],
) -> Result<CsvRow, Diagnostic> {
    let line = record.position().map_or(0, |p| p.line() as usize);
    let mut values = Vec::with_capacity(2);
    for (col, name) in cols.into_iter().zip(COLUMNS) {
        let Some(value) = record.get(col) else {
            let end = fields.last().map_or(0, |f| f.end);
            return Err(Diagnostic::error(
                shown,
                format!("this row has no \"{name}\" column"),
            )
            .at(text, end..end)
            .help("write the old path and the new address separated by a comma, e.g. /old/page/,@/case-studies/x.md"));
        };
        let span = fields[col].clone();
        if value.trim().is_empty() {
            return Err(Diagnostic::error(shown, format!("the \"{name}\" value is empty"))
                .at(text, span)
                .help(if name == "from" {
                    "write the old path, e.g. /hr/Documents/Restraint.aspx"
                } else {
                    "write the new address: @/file.md, a path of this site, or an https:// address"
                }));
        }
        values.push((value.trim().to_string(), span));
    }
    let (to, to_span) = values.pop().unwrap_or_default();
    let (from, from_span) = values.pop().unwrap_or_default();
    Ok(CsvRow {
        line,
        from,
        from_span,
        to,
        to_span,
    })
}

/// Problems with `from` values: not a path, a query string, an unsafe
/// part, or a path listed twice.
fn row_problems(shown: &str, text: &str, rows: &[CsvRow]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in rows {
        let error = |msg: String, help: &str| {
            Diagnostic::error(shown, msg)
                .at(text, r.from_span.clone())
                .help(help.to_string())
        };
        if let Some((msg, help)) = from_problem(&r.from) {
            found.push(error(msg, help));
        } else if let Some(line) = seen.get(&folder_form(&r.from)) {
            found.push(error(
                format!("\"{}\" is also the old path of line {line}", r.from),
                "remove one of the two rows: one address cannot lead to two places",
            ));
        } else {
            seen.insert(folder_form(&r.from), r.line);
        }
    }
    found
}

/// What is wrong with an old path, and how to fix it.
fn from_problem(from: &str) -> Option<(String, &'static str)> {
    let shown = crate::diagnostics::shown(from);
    if from.starts_with("http://") || from.starts_with("https://") {
        return Some((
            format!("\"{shown}\" is a web address; the old path is needed"),
            "write the path after the host name, e.g. /hr/Documents/Restraint.aspx",
        ));
    }
    if !from.starts_with('/') || from.starts_with("//") {
        return Some((
            format!("\"{shown}\" is not a path on this host"),
            "write the old path from the host's root, e.g. /hr/Documents/Restraint.aspx",
        ));
    }
    if from.contains(['?', '#']) {
        return Some((
            format!("\"{shown}\" has a query string or fragment"),
            "servers match the path only: remove the ?… or #… part (every request to the path is redirected)",
        ));
    }
    if from.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Some((
            format!("\"{shown}\" has a space or control character"),
            "write a space in a path as %20, e.g. /hr/Human%20Rights.aspx",
        ));
    }
    let trimmed = from.trim_matches('/');
    let problem = if trimmed.is_empty() {
        None
    } else {
        crate::portable::path_problem(trimmed)
    };
    problem.map(|p| {
        (
            format!("\"{shown}\" cannot be written safely: {p}"),
            "write the old path as plain path parts, e.g. /hr/old/restraint-review/",
        )
    })
}

/// An old path as the folder a static host serves it from: a path with no
/// file extension in its last part gets a trailing `/`.
pub fn folder_form(path: &str) -> String {
    if path.ends_with('/') || extension(path).is_some() {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

/// The extension of a path's last part, lower-cased (`aspx`), if any.
fn extension(path: &str) -> Option<String> {
    let last = path.rsplit('/').next().unwrap_or(path);
    match last.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => Some(ext.to_lowercase()),
        _ => None,
    }
}

/// The old address of an alias written in front matter, which is relative
/// to the base path: `/old/path` under `/hr/` is `/hr/old/path/`.
pub fn alias_url(base_path: &str, alias: &str) -> String {
    folder_form(&format!("{base_path}{}", alias.trim_matches('/')))
}

/// The output file of the HTML page at an old address: a folder's
/// `index.html`, or the `.html`/`.htm` file itself; none for other
/// extensions or for paths outside the base path.
pub fn html_path(base_path: &str, from: &str) -> Option<String> {
    let rel = folder_form(from).strip_prefix(base_path)?.to_string();
    if rel.is_empty() {
        return None;
    }
    match extension(&rel).as_deref() {
        None => Some(format!("{rel}index.html")),
        Some("html" | "htm") => Some(rel),
        Some(_) => None,
    }
}

/// Every redirect of the site: aliases in page order, then the CSV rows in
/// file order. Rows whose target cannot be found are left out (the
/// checks report them).
pub fn entries(site: &Site) -> Vec<Redirect> {
    let mut out = Vec::new();
    // A fallback's aliases are its own language's.
    for p in site.pages.iter().filter(|p| !p.meta.fallback) {
        for alias in &p.meta.aliases {
            out.push(Redirect {
                from: alias_url(&site.base_path, alias),
                to: p.meta.url.clone(),
                declared: format!("content/{}", p.source),
            });
        }
    }
    // The CSV belongs to the whole site: the main language's lists it.
    let table = site.config.redirects.table.as_ref();
    let Some(table) = table.filter(|_| site.config.is_main_language()) else {
        return out;
    };
    let targets = crate::render::link_targets(site);
    for r in &table.rows {
        if let Ok(to) = target(&r.to, &site.base_path, &targets) {
            out.push(Redirect {
                from: r.from.clone(),
                to,
                declared: format!("{}:{}", table.shown, r.line),
            });
        }
    }
    out
}

/// Redirects as `(from, to)` URL paths, for `.htaccess`
/// ([`crate::headers::files`]).
pub fn pairs(redirects: &[Redirect]) -> Vec<(String, String)> {
    redirects
        .iter()
        .map(|r| (r.from.clone(), r.to.clone()))
        .collect()
}

/// The new address a CSV `to` value names, or what is wrong with it (a
/// message and a help line).
fn target(
    to: &str,
    base_path: &str,
    targets: &crate::markdown::LinkTargets,
) -> Result<String, (String, String)> {
    if let Some(file) = to.strip_prefix("@/") {
        let (path, anchor) = file
            .split_once('#')
            .map_or((file, None), |(p, a)| (p, Some(a)));
        return match targets.urls.get(path) {
            Some(url) => Ok(anchor.map_or_else(|| url.clone(), |a| format!("{url}#{a}"))),
            None if targets.drafts.contains(path) => Err((
                format!("redirect to a draft page: @/{path}"),
                "publish that page first, or redirect elsewhere".to_string(),
            )),
            None => {
                let known = targets.urls.keys().map(String::as_str);
                let help = match did_you_mean(path, known) {
                    Some(s) => format!("did you mean @/{s}?"),
                    None => "name a file under content/, e.g. @/case-studies/restraint-review.md"
                        .to_string(),
                };
                Err((format!("broken redirect: there is no content/{path}"), help))
            }
        };
    }
    if to.starts_with("http://") || to.starts_with("https://") {
        return Ok(to.to_string());
    }
    if to.starts_with('/') && !to.starts_with("//") {
        return if to.starts_with(base_path) {
            Ok(to.to_string())
        } else {
            Err((
                format!("\"{to}\" is not a path of this site, whose paths start with {base_path}"),
                format!(
                    "write {base_path}{}, or name the page's file as @/…",
                    to.trim_start_matches('/')
                ),
            ))
        };
    }
    Err((
        format!("\"{}\" is not a page, a path or a web address", crate::diagnostics::shown(to)),
        format!("write @/case-studies/x.md (a file under content/), a path such as {base_path}about/, or an https:// address"),
    ))
}

/// Problems with the CSV rows that need the site: an old path that is a
/// page's address or an alias, and a new address that leads nowhere.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut found = alias_clashes(site);
    let table = site.config.redirects.table.as_ref();
    let Some(table) = table.filter(|_| site.config.is_main_language()) else {
        return found;
    };
    let taken = addresses(site);
    let targets = crate::render::link_targets(site);
    for r in &table.rows {
        let at = |span: &Range<usize>, msg: String, help: String| {
            Diagnostic::error(&table.shown, msg)
                .at(&table.text, span.clone())
                .help(help)
        };
        if let Some(what) = taken.get(&folder_form(&r.from)) {
            found.push(at(
                &r.from_span,
                format!("\"{}\" is already {what}", r.from),
                "remove this row: a redirect there would hide what is there now".to_string(),
            ));
        }
        match target(&r.to, &site.base_path, &targets) {
            Err((msg, help)) => found.push(at(&r.to_span, msg, help)),
            Ok(to) if folder_form(&to) == folder_form(&r.from) => found.push(at(
                &r.to_span,
                format!("\"{}\" redirects to itself", r.from),
                "give the page's new address".to_string(),
            )),
            Ok(_) => {}
        }
    }
    found
}

/// Aliases at the address of a term page or the not-found page, which the
/// content stage (which checks pages, sections and other generated pages)
/// cannot see: the redirect page would replace them.
fn alias_clashes(site: &Site) -> Vec<Diagnostic> {
    let mut generated: HashMap<String, String> = site
        .taxonomies
        .iter()
        .flat_map(|t| &t.terms)
        .map(|term| (term.url.clone(), format!("the \"{}\" term page", term.slug)))
        .collect();
    let not_found = format!("{}404.html", site.base_path);
    generated.insert(not_found, "the not-found page".to_string());
    let mut found = Vec::new();
    for p in &site.pages {
        for alias in &p.meta.aliases {
            let Some(what) = generated.get(&alias_url(&site.base_path, alias)) else {
                continue;
            };
            let front = &p.text[..p.body_offset.min(p.text.len())];
            let list = crate::config::span_of_value(front, "aliases");
            let quoted = format!("\"{alias}\"");
            let at = front[list.clone()].find(&quoted).map_or(list.clone(), |i| {
                list.start + i..list.start + i + quoted.len()
            });
            found.push(
                Diagnostic::error(
                    format!("content/{}", p.source),
                    format!("alias \"{alias}\" is already the address of {what}"),
                )
                .at(&p.text, at)
                .help("remove the alias: one address cannot lead to two pages"),
            );
        }
    }
    found
}

/// Addresses the site already uses, with what uses them.
fn addresses(site: &Site) -> HashMap<String, String> {
    let base = &site.base_path;
    let mut m = HashMap::new();
    for p in &site.pages {
        m.insert(
            p.meta.url.clone(),
            format!("the address of content/{}", p.source),
        );
        for alias in &p.meta.aliases {
            let what = format!("an alias of content/{}", p.source);
            m.insert(alias_url(base, alias), what);
        }
    }
    for s in &site.sections {
        let what = s.source.as_ref().map_or_else(
            || format!("the address of the section content/{}", s.dir),
            |src| format!("the address of content/{src}"),
        );
        m.insert(s.meta.url.clone(), what);
        if s.section_type == "guide" {
            m.insert(
                format!("{}print/", s.meta.url),
                "the address of a printable guide".to_string(),
            );
        }
    }
    for t in &site.taxonomies {
        m.insert(
            t.url.clone(),
            format!("the address of the \"{}\" taxonomy page", t.name),
        );
        for term in &t.terms {
            m.insert(
                term.url.clone(),
                format!("the address of the \"{}\" term page", term.slug),
            );
        }
    }
    for (path, what) in [
        ("browse/", "the address of the browse page"),
        ("search/", "the address of the search page"),
        ("404.html", "the address of the not-found page"),
    ] {
        m.insert(format!("{base}{path}"), what.to_string());
    }
    m
}

/// The HTML page of every redirect whose old address can hold one,
/// rendered with the theme's `redirect.html`. `site_view` and `strings`
/// are the `site` and `t` variables of every template.
pub fn pages(
    site: &Site,
    theme: &crate::templates::Theme,
    site_view: &Value,
    strings: &Value,
    relative: bool,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let metas = site.pages.iter().map(|p| &p.meta);
    let titles: HashMap<&str, &str> = metas
        .chain(site.sections.iter().map(|s| &s.meta))
        .map(|m| (m.url.as_str(), m.title.as_str()))
        .collect();
    let origin = crate::render::origin(&site.config.base_url);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for r in entries(site) {
        let Some(path) = html_path(&site.base_path, &r.from) else {
            continue;
        };
        let external = !r.to.starts_with('/');
        let url = if relative && !external {
            crate::relative::link(&r.to, &site.base_path, &path)
        } else {
            r.to.clone()
        };
        let canonical = if external {
            r.to.clone()
        } else {
            format!("{origin}{}", r.to)
        };
        let page = r.to.split('#').next().unwrap_or_default();
        let redirect =
            json!({"url": url, "canonical": canonical, "title": titles.get(page), "from": r.from});
        let mut ctx = tera::Context::new();
        ctx.insert("redirect", &redirect);
        ctx.insert("site", site_view);
        ctx.insert("t", strings);
        ctx.insert("base_path", &site.base_path);
        ctx.insert("current_url", &r.from);
        match theme.tera.render("redirect.html", &ctx) {
            Ok(html) => {
                let html = if relative {
                    crate::relative::relativize(&html, &site.base_path, &path)
                } else {
                    html
                };
                out.push(OutputFile {
                    path,
                    contents: html.into_bytes(),
                });
            }
            Err(e) => errors.push(theme.render_error("redirect.html", &e)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// `_redirects` and `freda-redirects.conf` for `redirects`, except those
/// the site's `static/` folder already has (`taken`): its own wins. Both
/// are written even with no redirects, so a server that includes the nginx
/// file keeps working.
pub fn server_files(redirects: &[Redirect], taken: impl Fn(&str) -> bool) -> Vec<OutputFile> {
    let mut unique: Vec<&Redirect> = Vec::with_capacity(redirects.len());
    let mut seen = std::collections::HashSet::new();
    for r in redirects {
        if seen.insert(&r.from) {
            unique.push(r);
        }
    }
    crate::output::unless_taken(
        [
            (NETLIFY_FILE, netlify(&unique)),
            (NGINX_FILE, nginx(&unique)),
        ],
        taken,
    )
}

/// Whitespace and control characters percent-encoded, so a path stays one
/// field of a line.
fn one_field(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `_redirects`: `from to 301`, one a line.
fn netlify(redirects: &[&Redirect]) -> String {
    let mut out = String::from(
        "# Redirects from old addresses, written by freda build (Netlify and Cloudflare Pages read this file).\n",
    );
    for r in redirects {
        out.push_str(&format!(
            "{} {} 301\n",
            one_field(&r.from),
            one_field(&r.to)
        ));
    }
    out
}

/// A string in double quotes for nginx: `"` and `\` escaped.
fn nginx_quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `freda-redirects.conf`: a `map` from the request's path (which nginx
/// decodes, so the keys are decoded too) to the new address (with `$`
/// encoded, which nginx would read as a variable).
fn nginx(redirects: &[&Redirect]) -> String {
    let mut out = String::from(
        "# Redirects from old addresses, written by freda build. In the http block (not the server block):\n\
         #   include /path/to/public/freda-redirects.conf;\n\
         # and in the server block that serves this site:\n\
         #   if ($freda_redirect) { return 301 $freda_redirect; }\n\
         map $uri $freda_redirect {\n    default \"\";\n",
    );
    for r in redirects {
        let key = crate::portable::percent_decoded(&r.from);
        let value = one_field(&r.to).replace('$', "%24");
        out.push_str(&format!(
            "    {} {};\n",
            nginx_quoted(&key),
            nginx_quoted(&value)
        ));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> (Vec<CsvRow>, String) {
        let (rows, found) = parse_csv("redirects.csv", text);
        let mut ds = Diagnostics::new();
        ds.extend(found);
        (rows, ds.render())
    }

    #[test]
    fn old_paths_and_their_pages() {
        assert_eq!(alias_url("/hr/", "/old/path"), "/hr/old/path/");
        assert_eq!(alias_url("/hr/", "old/page.html"), "/hr/old/page.html");
        assert_eq!(
            html_path("/hr/", "/hr/old/path/").as_deref(),
            Some("old/path/index.html")
        );
        assert_eq!(
            html_path("/hr/", "/hr/old/path").as_deref(),
            Some("old/path/index.html")
        );
        assert_eq!(
            html_path("/hr/", "/hr/old/page.HTM").as_deref(),
            Some("old/page.HTM")
        );
        assert_eq!(html_path("/hr/", "/hr/Documents/Restraint.aspx"), None);
        assert_eq!(html_path("/hr/", "/hr/report.pdf"), None);
        assert_eq!(html_path("/hr/", "/elsewhere/page/"), None);
        assert_eq!(html_path("/hr/", "/hr/"), None);
        assert_eq!(
            html_path("/", "/v1.2/notes/").as_deref(),
            Some("v1.2/notes/index.html")
        );
    }

    #[test]
    fn csv_rows_keep_their_positions() {
        let text = "\u{feff}# old intranet\nfrom,to\n/hr/a.aspx , @/a.md\n\"/hr/b,c/\",https://x.example/\r\n";
        let (rows, errors) = rows(text);
        assert_eq!(errors, "");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].line, rows[0].from.as_str(), rows[0].to.as_str()),
            (3, "/hr/a.aspx", "@/a.md")
        );
        assert_eq!(&text[rows[0].from_span.clone()], "/hr/a.aspx");
        assert_eq!(&text[rows[0].to_span.clone()], "@/a.md");
        assert_eq!(rows[1].from, "/hr/b,c/");
        assert_eq!(&text[rows[1].to_span.clone()], "https://x.example/");
    }

    #[test]
    fn csv_problems_point_at_the_value() {
        let (_, errors) = rows("to,from\n/a/,/b/\n");
        assert_eq!(errors, "");
        let (_, errors) = rows("old,new\n");
        assert!(
            errors.starts_with("redirects.csv:1:1: error: the header row has no \"from\" column\n"),
            "{errors}"
        );
        let (_, errors) = rows("from,to\n/a/\n/b/,\n/c/?id=1,/x/\n/d/../e/,/x/\n/f/,/x/\n/f,/y/\n");
        for want in [
            "redirects.csv:2:4: error: this row has no \"to\" column",
            "redirects.csv:3:5: error: the \"to\" value is empty",
            "redirects.csv:4:1: error: \"/c/?id=1\" has a query string or fragment",
            "redirects.csv:5:1: error: \"/d/../e/\" cannot be written safely: it has a `.` or `..` part, which leads out of its folder",
            "redirects.csv:7:1: error: \"/f\" is also the old path of line 6",
        ] {
            assert!(errors.contains(want), "{want}\n{errors}");
        }
    }

    #[test]
    fn server_files_escape_what_their_formats_need() {
        let r = |from: &str, to: &str| Redirect {
            from: from.to_string(),
            to: to.to_string(),
            declared: String::new(),
        };
        let list = [
            r("/hr/Old%20Page.aspx", "/hr/new/$x/"),
            r("/hr/a\"b/", "https://x.example/"),
        ];
        let files = server_files(&list, |_| false);
        let text = |i: usize| String::from_utf8(files[i].contents.clone()).unwrap();
        assert!(text(0).ends_with(
            "\n/hr/Old%20Page.aspx /hr/new/$x/ 301\n/hr/a\"b/ https://x.example/ 301\n"
        ));
        assert!(text(1).ends_with("map $uri $freda_redirect {\n    default \"\";\n    \"/hr/Old Page.aspx\" \"/hr/new/%24x/\";\n    \"/hr/a\\\"b/\" \"https://x.example/\";\n}\n"), "{}", text(1));
        assert_eq!(server_files(&list, |p| p == NETLIFY_FILE).len(), 1);
    }
}
