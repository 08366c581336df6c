//! Languages: one [`Site`] per language that `site.toml` declares.
//!
//! `language` is the main language; `[languages.cy]` adds Welsh. A file is
//! in a language when its name says so (`about.cy.md`, `_index.cy.md`) or
//! its front matter does (`lang = "cy"`). Files that translate each other
//! share a key: the path without the language suffix (`about.md`), or
//! `translation_key` when both set the same one.
//!
//! Each language becomes its own site, with URLs under `<base path><code>/`
//! (the main language keeps the base path), its own sections, taxonomy
//! pages, search index and feeds. A language's site also holds every
//! main-language page it has no translation of, marked as a *fallback*: the
//! address exists in every language and shows the main-language text with
//! a notice in the reader's language, never a 404.

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::config::{span_of_key, Config};
use crate::content::date::{Date, DateTime};
use crate::content::walk::Parsed;
use crate::content::{PageKind, Site};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};

/// One `[languages.<code>]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// The language's name in itself, e.g. "Cymraeg", for the language
    /// switcher; known languages have a default.
    #[serde(default)]
    pub name: String,
    /// The site's title in this language.
    pub title: Option<String>,
    /// The site's description in this language.
    pub description: Option<String>,
    /// `[branding]` text in this language.
    #[serde(default)]
    pub branding: BrandingTranslation,
    /// Vocabulary labels in this language, by vocabulary name.
    #[serde(default)]
    pub taxonomies: IndexMap<String, TaxonomyTranslation>,
}

/// `[languages.<code>.branding]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BrandingTranslation {
    /// The organisation's name in this language.
    pub organisation: Option<String>,
}

/// `[languages.<code>.taxonomies.<name>]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyTranslation {
    /// The vocabulary's label.
    pub label: Option<String>,
    /// The vocabulary's description.
    pub description: Option<String>,
    /// Term labels and descriptions, by term slug.
    #[serde(default)]
    pub terms: IndexMap<String, TermTranslation>,
}

/// `[languages.<code>.taxonomies.<name>.terms.<slug>]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TermTranslation {
    /// The term's label.
    pub label: Option<String>,
    /// The term's description.
    pub description: Option<String>,
}

/// Another language's version of a page, for the language switcher and
/// `hreflang` links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Translation {
    /// Language code, e.g. `cy`.
    pub lang: String,
    /// The language's name in itself, e.g. "Cymraeg".
    pub name: String,
    /// The page's URL in that language's site.
    pub url: String,
    /// False when that language has no translation and the URL leads to
    /// the main-language text with a notice (not an `hreflang` alternate).
    pub available: bool,
}

/// One language of a multilingual site, as every site of it sees it: for
/// the language switcher of pages freda generates (taxonomy, browse, search).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Language {
    /// Language code, e.g. `cy`.
    pub code: String,
    /// Its name in itself.
    pub name: String,
    /// Where its pages start, e.g. `/hr/cy/`.
    pub lang_base: String,
    /// The taxonomy and term pages its site has, relative to `lang_base`.
    #[serde(skip)]
    pub generated: std::collections::BTreeSet<String>,
}

impl Language {
    /// The URL of a generated page (relative to a language base) in this
    /// language, if its site has that page.
    pub fn generated_url(&self, rel: &str) -> Option<String> {
        let always = ["browse/", "search/", "404.html"].contains(&rel);
        (always || self.generated.contains(rel)).then(|| format!("{}{rel}", self.lang_base))
    }
}

/// Names of languages in themselves, for `[languages]` entries without `name`.
const NAMES: &[(&str, &str)] = &[
    ("ar", "العربية"),
    ("bn", "বাংলা"),
    ("cy", "Cymraeg"),
    ("de", "Deutsch"),
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("ga", "Gaeilge"),
    ("gd", "Gàidhlig"),
    ("gu", "ગુજરાતી"),
    ("it", "Italiano"),
    ("kw", "Kernewek"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("so", "Soomaali"),
    ("ur", "اردو"),
    ("zh", "中文"),
];

/// A language's name in itself: `name` from site.toml, else a known name.
pub fn name_of(config: &Config, code: &str) -> String {
    config
        .languages
        .get(code)
        .map(|l| l.name.clone())
        .filter(|n| !n.is_empty())
        .or_else(|| {
            let primary = code.split('-').next().unwrap_or(code);
            NAMES
                .iter()
                .find(|(c, _)| *c == primary)
                .map(|(_, n)| (*n).to_string())
        })
        .unwrap_or_else(|| code.to_string())
}

/// Every language of the site, the main one first, then `[languages]` order.
pub fn codes(config: &Config) -> Vec<String> {
    let main = config.main_language().to_string();
    let mut out = vec![main.clone()];
    out.extend(config.languages.keys().filter(|c| **c != main).cloned());
    out
}

/// Whether `code` looks like a BCP 47 language tag freda can put in a URL.
fn valid_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Checks `[languages]`: codes, names, and that translated vocabularies
/// and terms exist.
pub fn validate(config: &Config, text: &str, ds: &mut Diagnostics) {
    for (code, lang) in &config.languages {
        let at = span_of_table(text, &format!("languages.{code}"));
        if !valid_code(code) {
            ds.push(
                Diagnostic::error("site.toml", format!("\"{code}\" is not a language code"))
                    .at(text, at.clone())
                    .help("use a lowercase BCP 47 code such as cy, en or pt-BR: it becomes the start of the language's URLs (/cy/)"),
            );
        }
        if lang.name.is_empty() && name_of(config, code) == *code {
            ds.push(
                Diagnostic::error("site.toml", format!("the language \"{code}\" has no name"))
                    .at(text, at.clone())
                    .help(format!("add name = \"…\" under [languages.{code}]: the language's name in itself, shown in the language switcher")),
            );
        }
        for (name, tax) in &lang.taxonomies {
            validate_taxonomy(config, code, name, tax, text, ds);
        }
    }
}

fn validate_taxonomy(
    config: &Config,
    code: &str,
    name: &str,
    tax: &TaxonomyTranslation,
    text: &str,
    ds: &mut Diagnostics,
) {
    let table = format!("languages.{code}.taxonomies.{name}");
    let Some(known) = config.taxonomies.get(name) else {
        let names: Vec<&str> = config.taxonomies.keys().map(String::as_str).collect();
        let mut d = Diagnostic::error(
            "site.toml",
            format!("[{table}] translates a taxonomy that site.toml does not declare"),
        )
        .at(text, span_of_table(text, &table));
        if let Some(m) = did_you_mean(name, names.iter().copied()) {
            d = d.help(format!("did you mean \"{m}\"?"));
        }
        ds.push(d);
        return;
    };
    if known.open {
        return;
    }
    for slug in tax.terms.keys() {
        if !known.terms.iter().any(|t| t.slug == *slug) {
            let table = format!("{table}.terms.{slug}");
            let slugs = known.terms.iter().map(|t| t.slug.as_str());
            let mut d = Diagnostic::error(
                "site.toml",
                format!("[{table}] translates a term that \"{name}\" does not have"),
            )
            .at(text, span_of_table(text, &table));
            if let Some(m) = did_you_mean(slug, slugs) {
                d = d.help(format!("did you mean \"{m}\"?"));
            }
            ds.push(d);
        }
    }
}

/// The span of a `[table]` header, or of the first key of a dotted name.
fn span_of_table(text: &str, table: &str) -> std::ops::Range<usize> {
    let header = format!("[{table}]");
    match text.find(&header) {
        Some(i) => i..i + header.len(),
        None => span_of_key(text, table.rsplit('.').next().unwrap_or(table)),
    }
}

impl Config {
    /// The configuration of the site in `code`: its title, description,
    /// organisation and vocabulary labels from `[languages.<code>]`.
    pub fn for_language(&self, code: &str) -> Config {
        let mut c = self.clone();
        c.main_language = self.main_language().to_string();
        c.language = code.to_string();
        let Some(lang) = self.languages.get(code) else {
            return c;
        };
        if let Some(t) = &lang.title {
            c.title.clone_from(t);
        }
        if let Some(d) = &lang.description {
            c.description.clone_from(d);
        }
        if let Some(o) = &lang.branding.organisation {
            c.branding.organisation.clone_from(o);
        }
        for (name, tax) in &lang.taxonomies {
            if let Some(target) = c.taxonomies.get_mut(name) {
                translate_taxonomy(target, tax);
            }
        }
        c
    }
}

fn translate_taxonomy(target: &mut crate::config::TaxonomyConfig, tax: &TaxonomyTranslation) {
    if let Some(l) = &tax.label {
        target.label.clone_from(l);
    }
    if let Some(d) = &tax.description {
        target.description.clone_from(d);
    }
    for (slug, tr) in &tax.terms {
        let term = match target.terms.iter_mut().find(|t| t.slug == *slug) {
            Some(t) => t,
            None => {
                // An open vocabulary's term that site.toml does not list.
                target.terms.push(crate::config::TermConfig {
                    slug: slug.clone(),
                    label: crate::content::title_from_slug(slug),
                    description: String::new(),
                });
                target.terms.last_mut().expect("just pushed")
            }
        };
        if let Some(l) = &tr.label {
            term.label.clone_from(l);
        }
        if let Some(d) = &tr.description {
            term.description.clone_from(d);
        }
    }
}

/// A parsed file's language and translation key.
struct Placed {
    lang: String,
    key: String,
}

/// Splits parsed files by language: one list per language in [`codes`]
/// order. A file named `x.<code>.md` is placed as `x.md` in its
/// language's site; other languages' lists get fallbacks of the main
/// language's files they have no translation of.
pub fn split(
    config: &Config,
    parsed: Vec<Parsed>,
    ds: &mut Diagnostics,
) -> Vec<(String, Vec<Parsed>)> {
    let codes = codes(config);
    let main = codes[0].clone();
    let mut by_lang: IndexMap<String, Vec<Parsed>> =
        codes.iter().map(|c| (c.clone(), Vec::new())).collect();
    let mut keys: HashMap<String, HashMap<String, String>> = HashMap::new();
    for mut p in parsed {
        let placed = place(&codes, &main, &mut p, ds);
        let seen = keys.entry(placed.lang.clone()).or_default();
        if let Some(other) = seen.insert(placed.key.clone(), p.rel.clone()) {
            ds.push(duplicate_translation(&p, &other, &placed));
            continue;
        }
        by_lang.entry(placed.lang).or_default().push(p);
    }
    let mains: Vec<(String, Parsed)> = by_lang[&main]
        .iter()
        .map(|p| (key_of(p), p.clone()))
        .collect();
    for code in codes.iter().skip(1) {
        let have = keys.remove(code).unwrap_or_default();
        let list = by_lang.entry(code.clone()).or_default();
        for (key, p) in &mains {
            if !have.contains_key(key) {
                let mut fallback = p.clone();
                fallback.fallback = true;
                fallback.raw.lang = Some(main.clone());
                list.push(fallback);
            }
        }
    }
    by_lang.into_iter().collect()
}

/// Decides a file's language from its name and front matter, and places
/// `x.<code>.md` as `x.md`.
fn place(codes: &[String], main: &str, p: &mut Parsed, ds: &mut Diagnostics) -> Placed {
    let suffix = language_suffix(&p.rel).filter(|(code, _)| codes.iter().any(|c| c == code));
    let named = p.raw.lang.clone().filter(|l| codes.iter().any(|c| c == l));
    if let (Some((code, _)), Some(lang)) = (&suffix, &named) {
        if code != lang {
            let shown = format!("content/{}", p.rel);
            let text = &p.text[..p.body_offset.min(p.text.len())];
            let at = crate::config::span_of_value(text, "lang");
            ds.push(
                Diagnostic::error(
                    shown,
                    format!("lang = \"{lang}\", but the file name says the page is in \"{code}\""),
                )
                .at(&p.text, at)
                .help("remove lang (the file name is enough), or rename the file"),
            );
        }
    }
    if let Some((code, placed)) = &suffix {
        p.place = Some(placed.clone());
        if code != main {
            p.raw.lang = Some(code.clone());
        }
    }
    let lang = suffix
        .map(|(c, _)| c)
        .or(named)
        .unwrap_or_else(|| main.to_string());
    Placed {
        key: key_of(p),
        lang,
    }
}

/// The translation key: `translation_key`, else the placed path.
fn key_of(p: &Parsed) -> String {
    match &p.raw.translation_key {
        Some(k) => format!("key:{k}"),
        None => p.place().to_string(),
    }
}

/// `dir/x.cy.md` → (`cy`, `dir/x.md`).
fn language_suffix(rel: &str) -> Option<(String, String)> {
    let stem = rel.strip_suffix(".md")?;
    let (dir, name) = stem.rsplit_once('/').map_or(("", stem), |(d, n)| (d, n));
    let (base, code) = name.rsplit_once('.')?;
    if base.is_empty() || !valid_code(code) {
        return None;
    }
    let placed = if dir.is_empty() {
        format!("{base}.md")
    } else {
        format!("{dir}/{base}.md")
    };
    Some((code.to_string(), placed))
}

/// The main-language file that `source` translates, when its name says
/// so: `x.cy.md` in Welsh translates `x.md`.
pub fn translated_source(source: &str, lang: &str) -> Option<String> {
    language_suffix(source)
        .filter(|(code, _)| code == lang)
        .map(|(_, placed)| placed)
}

fn duplicate_translation(p: &Parsed, other: &str, placed: &Placed) -> Diagnostic {
    let shown = format!("content/{}", p.rel);
    let what = match &p.raw.translation_key {
        Some(k) => format!("translation_key \"{k}\""),
        None => format!("the page {}", p.place()),
    };
    Diagnostic::error(
        shown,
        format!(
            "content/{other} is already the \"{}\" version of {what}",
            placed.lang
        ),
    )
    .at(&p.text, crate::content::frontmatter::opening_span(&p.text))
    .help("give each language one file per page: rename one of them, or change its translation_key")
}

/// After every language's site is assembled: each page and section learns
/// its translations, each site learns where `@/` links to the other
/// languages' files lead, and drafts and failed files are shared (a link
/// to another language's draft is a link to a draft).
pub fn link(sites: &mut [Site]) {
    if sites.len() < 2 {
        return;
    }
    let versions = versions(sites);
    let languages: Vec<Language> = sites.iter().map(language).collect();
    let names: Vec<(String, String)> = sites
        .iter()
        .map(|s| {
            (
                s.config.language.clone(),
                name_of(&s.config, &s.config.language),
            )
        })
        .collect();
    let all: HashMap<String, String> = sites
        .iter()
        .flat_map(|s| sources(s).map(|(src, url)| (src.to_string(), url.to_string())))
        .collect();
    let drafts: HashSet<String> = sites.iter().flat_map(|s| s.drafts.clone()).collect();
    let failed: HashSet<String> = sites.iter().flat_map(|s| s.failed.clone()).collect();
    let known: HashSet<String> = all.keys().cloned().chain(drafts.iter().cloned()).collect();
    let mut drafts: Vec<String> = drafts.into_iter().collect();
    drafts.sort();
    let mut failed: Vec<String> = failed.into_iter().filter(|f| !known.contains(f)).collect();
    failed.sort();
    for (i, site) in sites.iter_mut().enumerate() {
        let own: HashSet<String> = sources(site).map(|(s, _)| s.to_string()).collect();
        site.foreign_links = all
            .iter()
            .filter(|(src, _)| !own.contains(*src))
            .map(|(s, u)| (s.clone(), u.clone()))
            .collect();
        site.drafts.clone_from(&drafts);
        site.failed.clone_from(&failed);
        site.languages.clone_from(&languages);
        let lang_base = site.lang_base.clone();
        let translations = |url: &str| -> Vec<Translation> {
            let rel = url.strip_prefix(lang_base.as_str()).unwrap_or(url);
            versions
                .get(&(i, rel.to_string()))
                .map(|v| switcher(&names, v))
                .unwrap_or_default()
        };
        for p in &mut site.pages {
            p.meta.translations = translations(&p.meta.url);
        }
        for s in &mut site.sections {
            s.meta.translations = translations(&s.meta.url);
        }
    }
}

/// A site's entry in every site's list of languages.
fn language(site: &Site) -> Language {
    let rel = |url: &str| {
        url.strip_prefix(site.lang_base.as_str())
            .unwrap_or(url)
            .to_string()
    };
    let generated = site
        .taxonomies
        .iter()
        .flat_map(|t| std::iter::once(rel(&t.url)).chain(t.terms.iter().map(|x| rel(&x.url))))
        .collect();
    Language {
        code: site.config.language.clone(),
        name: name_of(&site.config, &site.config.language),
        lang_base: site.lang_base.clone(),
        generated,
    }
}

/// Source path → URL of every page and section of a site that is not a
/// fallback.
fn sources(site: &Site) -> impl Iterator<Item = (&str, &str)> {
    let pages = site
        .pages
        .iter()
        .filter(|p| !p.meta.fallback)
        .map(|p| (p.source.as_str(), p.meta.url.as_str()));
    let sections = site
        .sections
        .iter()
        .filter(|s| !s.meta.fallback)
        .filter_map(|s| Some((s.source.as_deref()?, s.meta.url.as_str())));
    pages.chain(sections)
}

/// One page's URL in each language, and whether it is a real translation.
type Versions = Vec<Option<(String, bool)>>;

/// For every (site, URL relative to its language base): the page's URL in
/// each language. Pages are matched through the main-language page they
/// translate (a fallback has the main page's source).
fn versions(sites: &[Site]) -> HashMap<(usize, String), Versions> {
    // translation group → per language (url, available)
    let mut groups: HashMap<String, Versions> = HashMap::new();
    let mut members: Vec<(usize, String, String)> = Vec::new();
    let codes: Vec<&str> = sites.iter().map(|s| s.config.language.as_str()).collect();
    for (i, site) in sites.iter().enumerate() {
        for (url, group, fallback) in grouped(site, &codes) {
            let entry = groups
                .entry(group.clone())
                .or_insert_with(|| vec![None; sites.len()]);
            entry[i] = Some((url.clone(), !fallback));
            let rel = url.strip_prefix(site.lang_base.as_str()).unwrap_or(&url);
            members.push((i, rel.to_string(), group));
        }
    }
    members
        .into_iter()
        .map(|(i, rel, group)| ((i, rel), groups[&group].clone()))
        .collect()
}

/// (URL, translation group, is a fallback) of every page and section.
fn grouped(site: &Site, codes: &[&str]) -> Vec<(String, String, bool)> {
    let group = |key: &Option<String>, source: &str| match key {
        Some(k) => format!("key:{k}"),
        None => match language_suffix(source) {
            Some((code, placed)) if codes.contains(&code.as_str()) => placed,
            _ => source.to_string(),
        },
    };
    let pages = site.pages.iter().map(|p| {
        (
            p.meta.url.clone(),
            group(&p.meta.translation_key, &p.source),
            p.meta.fallback,
        )
    });
    let sections = site.sections.iter().filter_map(|s| {
        let source = s.source.as_deref()?;
        Some((
            s.meta.url.clone(),
            group(&s.meta.translation_key, source),
            s.meta.fallback,
        ))
    });
    pages.chain(sections).collect()
}

/// The language switcher's entries for one page.
fn switcher(names: &[(String, String)], versions: &Versions) -> Vec<Translation> {
    names
        .iter()
        .zip(versions)
        .filter_map(|((lang, name), v)| {
            let (url, available) = v.as_ref()?;
            Some(Translation {
                lang: lang.clone(),
                name: name.clone(),
                url: url.clone(),
                available: *available,
            })
        })
        .collect()
}

/// One date as [`localise_dates`] writes it for the language of `strings`
/// (the English form when they lack `date_format` or the month's name).
pub fn local_date(d: Date, strings: &BTreeMap<String, String>) -> String {
    let format = strings.get("date_format");
    match (format, strings.get(&format!("month_{}", d.month))) {
        (Some(format), Some(month)) => format
            .replace("{day}", &d.day.to_string())
            .replace("{month}", month)
            .replace("{year}", &d.year.to_string()),
        _ => d.display(),
    }
}

/// Writes every date of a site for people in its language: `date_format`
/// with `{day}`, `{month}` (`month_1` … `month_12`) and `{year}` from the
/// UI strings. Dates stay as they are when the strings lack those keys.
pub fn localise_dates(site: &mut Site, strings: &BTreeMap<String, String>) {
    if !strings.contains_key("date_format") {
        return;
    }
    let date = |d: Date| local_date(d, strings);
    let date_time = |t: DateTime| match t.time {
        Some((h, m)) => format!("{}, {h:02}:{m:02}", date(t.date)),
        None => date(t.date),
    };
    let metas = site
        .pages
        .iter_mut()
        .map(|p| &mut p.meta)
        .chain(site.sections.iter_mut().map(|s| &mut s.meta));
    for meta in metas {
        meta.date_display = meta.date.map(date);
        meta.last_reviewed_display = meta.last_reviewed.map(date);
        meta.next_review_display = meta.next_review.map(date);
    }
    for page in &mut site.pages {
        match &mut page.kind {
            PageKind::Evaluation {
                published,
                published_display,
                ..
            } => *published_display = published.map(date),
            PageKind::Event {
                start,
                start_display,
                end,
                end_display,
                ..
            } => {
                *start_display = date_time(*start);
                *end_display = end.map(date_time);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_suffixes() {
        assert_eq!(
            language_suffix("case-studies/x.cy.md"),
            Some(("cy".into(), "case-studies/x.md".into()))
        );
        assert_eq!(
            language_suffix("_index.cy.md"),
            Some(("cy".into(), "_index.md".into()))
        );
        assert_eq!(language_suffix("x.md"), None);
        assert_eq!(language_suffix("notes.v2.md"), None);
        assert_eq!(language_suffix(".cy.md"), None);
    }

    #[test]
    fn codes_are_checked() {
        assert!(valid_code("cy"));
        assert!(valid_code("pt-BR"));
        assert!(!valid_code("Cy"));
        assert!(!valid_code("welsh"));
        assert!(!valid_code("c"));
        assert!(!valid_code("../x"));
    }
}
