//! From the rendered site to search input: one [`SearchDoc`] per published
//! page, and the A–Z keyword index that the search page shows without
//! JavaScript.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{FacetDef, SearchDoc, SearchOptions};
use crate::content::frontmatter::Status;
use crate::content::{Page, Site};
use crate::render::{type_label, Strings};

/// The pages search should find: built, and not archived.
/// A fallback is another language's page: it is searched there.
fn searchable(site: &Site) -> impl Iterator<Item = &Page> {
    site.pages
        .iter()
        .filter(|p| p.meta.status != Status::Archived && !p.meta.fallback)
}

/// Search documents for every searchable page; URLs relative to the site root.
pub fn docs(site: &Site, strings: &Strings) -> Vec<SearchDoc> {
    searchable(site)
        .map(|p| SearchDoc {
            lang: p.meta.lang.clone(),
            url: p
                .meta
                .url
                .strip_prefix(site.base_path.as_str())
                .unwrap_or(&p.meta.url)
                .to_string(),
            title: p.meta.title.clone(),
            summary: p.meta.summary.clone(),
            page_type: p.page_type.name().to_string(),
            type_label: type_label(p.page_type, strings).to_string(),
            facets: p
                .taxonomies
                .iter()
                .map(|t| {
                    (
                        t.name.clone(),
                        t.terms
                            .iter()
                            .map(|x| (x.slug.clone(), x.label.clone()))
                            .collect(),
                    )
                })
                .collect(),
            sections: p.text_sections.clone(),
        })
        .collect()
}

/// Index options for the site: facets are its vocabularies, with their labels.
pub fn options(site: &Site, with_js: bool, strings: &Strings) -> SearchOptions {
    let param = |name: &str| match name {
        "rights" => "right".to_string(),
        "principles" => "principle".to_string(),
        "audiences" => "audience".to_string(),
        "settings" => "setting".to_string(),
        other => other.to_string(),
    };
    let facets = site
        .taxonomies
        .iter()
        .filter(|t| !t.open)
        .map(|t| FacetDef::new(&t.name, &param(&t.name), &t.label))
        .collect();
    SearchOptions {
        with_js,
        facets,
        type_label: strings
            .get("content_type")
            .cloned()
            .unwrap_or_else(|| "Type".to_string()),
        ..SearchOptions::default()
    }
}

/// One entry of the A–Z keyword index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Keyword {
    /// The words shown, e.g. "Article 8: Right to respect for private and family life".
    pub label: String,
    /// Where it leads.
    pub url: String,
    /// What it is: a page title, a heading in a page, or a tag.
    pub context: String,
}

/// Keywords grouped under their first letter (`0–9` for digits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeywordGroup {
    /// "A" … "Z" or "0–9".
    pub letter: String,
    /// Keywords in alphabetical order.
    pub keywords: Vec<Keyword>,
}

/// Headings shared by more pages than this (like "The challenge") are not keywords.
const COMMON_HEADING: usize = 2;

/// The A–Z index: page titles, distinctive headings and taxonomy terms in use.
pub fn keyword_index(site: &Site, strings: &Strings) -> Vec<KeywordGroup> {
    let tag_label = strings.get("tag").map_or("Tag", String::as_str);
    let mut heading_pages: HashMap<String, usize> = HashMap::new();
    for p in searchable(site) {
        for h in &p.meta.toc {
            *heading_pages.entry(h.title.to_lowercase()).or_default() += 1;
        }
    }
    let mut all: Vec<Keyword> = Vec::new();
    for p in searchable(site) {
        all.push(Keyword {
            label: p.meta.title.clone(),
            url: p.meta.url.clone(),
            context: type_label(p.page_type, strings).to_string(),
        });
        for h in p
            .meta
            .toc
            .iter()
            .filter(|h| heading_pages[&h.title.to_lowercase()] <= COMMON_HEADING)
        {
            let url = format!("{}#{}", p.meta.url, h.id);
            all.push(Keyword {
                label: h.title.clone(),
                url,
                context: p.meta.title.clone(),
            });
        }
    }
    for tax in &site.taxonomies {
        for t in tax.terms.iter().filter(|t| t.count > 0) {
            let context = format!("{tag_label}: {}", tax.label);
            all.push(Keyword {
                label: t.label.clone(),
                url: t.url.clone(),
                context,
            });
        }
    }
    group(all)
}

fn group(mut all: Vec<Keyword>) -> Vec<KeywordGroup> {
    let key = |k: &Keyword| deunicode::deunicode(&k.label).to_lowercase();
    all.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.url.cmp(&b.url)));
    all.dedup_by(|a, b| a.url == b.url && a.label == b.label);
    let mut groups: BTreeMap<String, Vec<Keyword>> = BTreeMap::new();
    for k in all {
        let first = key(&k)
            .chars()
            .find(|c| c.is_ascii_alphanumeric())
            .unwrap_or('#');
        let letter = if first.is_ascii_digit() {
            "0–9".to_string()
        } else {
            first.to_ascii_uppercase().to_string()
        };
        groups.entry(letter).or_default().push(k);
    }
    groups
        .into_iter()
        .map(|(letter, keywords)| KeywordGroup { letter, keywords })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(label: &str) -> Keyword {
        Keyword {
            label: label.into(),
            url: format!("/{label}/"),
            context: String::new(),
        }
    }

    #[test]
    fn keywords_group_by_first_letter_ignoring_accents() {
        let groups = group(vec![
            kw("Ysbyty"),
            kw("Article 8"),
            kw("2024 review"),
            kw("Ŵyl"),
            kw("autonomy"),
        ]);
        let letters: Vec<&str> = groups.iter().map(|g| g.letter.as_str()).collect();
        assert_eq!(letters, ["0–9", "A", "W", "Y"]);
        let a: Vec<&str> = groups[1]
            .keywords
            .iter()
            .map(|k| k.label.as_str())
            .collect();
        assert_eq!(a, ["Article 8", "autonomy"]);
    }
}
