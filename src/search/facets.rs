//! Facet dictionary and per-document facet signatures.
//!
//! A signature is a short string: for each facet in turn, `ceil(values / 6)`
//! characters of [`ALPHABET`], each holding 6 bits of the document's value set
//! (bit `v % 6` of character `v / 6` is value `v`). Documents are numbered in
//! signature order, so equal signatures sit together and the concatenated
//! signature string in the manifest compresses well.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use super::{SearchDoc, SearchOptions};

/// 64 URL- and JSON-safe characters; index = 6-bit value. Mirrored in search.js.
pub const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// One facet: its URL parameter, its label and its values (slug, label).
#[derive(Debug, Clone)]
pub struct Facet {
    /// Taxonomy name in [`SearchDoc::facets`] ("" for the page type).
    pub taxonomy: String,
    /// URL query parameter, e.g. "setting".
    pub param: String,
    /// Heading shown above the facet's checkboxes.
    pub label: String,
    /// Values in display order: (slug, label).
    pub values: Vec<(String, String)>,
}

impl Facet {
    /// Characters this facet takes in a signature.
    pub fn width(&self) -> usize {
        self.values.len().div_ceil(6).max(1)
    }
}

/// All facets of one language, the page type first.
#[derive(Debug, Clone)]
pub struct FacetTable {
    /// The facets, type first then [`SearchOptions::facets`] order.
    pub facets: Vec<Facet>,
}

impl FacetTable {
    /// Collects the values used by `docs` for the type and each configured facet.
    pub fn new(docs: &[&SearchDoc], opts: &SearchOptions) -> Self {
        let mut types = BTreeMap::new();
        for doc in docs {
            types
                .entry(doc.page_type.clone())
                .or_insert_with(|| doc.type_label.clone());
        }
        let mut facets = vec![Facet {
            taxonomy: String::new(),
            param: "type".into(),
            label: opts.type_label.clone(),
            values: natural_sorted(types),
        }];
        for def in &opts.facets {
            let mut values = BTreeMap::new();
            for (slug, label) in docs.iter().flat_map(|d| doc_terms(d, &def.taxonomy)) {
                values.entry(slug.clone()).or_insert_with(|| label.clone());
            }
            facets.push(Facet {
                taxonomy: def.taxonomy.clone(),
                param: def.param.clone(),
                label: def.label.clone(),
                values: natural_sorted(values),
            });
        }
        FacetTable { facets }
    }

    /// The page types (slug, label): the first facet's values.
    pub fn types(&self) -> &[(String, String)] {
        self.facets.first().map_or(&[], |f| f.values.as_slice())
    }

    /// The signature of one document.
    pub fn signature(&self, doc: &SearchDoc) -> String {
        let mut out = String::new();
        for facet in &self.facets {
            let chosen: BTreeSet<&str> = if facet.taxonomy.is_empty() {
                BTreeSet::from([doc.page_type.as_str()])
            } else {
                doc_terms(doc, &facet.taxonomy)
                    .map(|(slug, _)| slug.as_str())
                    .collect()
            };
            let mut bits = vec![0u8; facet.width()];
            for (i, (slug, _)) in facet.values.iter().enumerate() {
                if chosen.contains(slug.as_str()) {
                    bits[i / 6] |= 1 << (i % 6);
                }
            }
            out.extend(bits.iter().map(|b| char::from(ALPHABET[usize::from(*b)])));
        }
        out
    }
}

/// The terms a document has in one taxonomy (all lists of that name).
fn doc_terms<'a>(
    doc: &'a SearchDoc,
    taxonomy: &'a str,
) -> impl Iterator<Item = &'a (String, String)> + 'a {
    doc.facets
        .iter()
        .filter(move |(name, _)| name == taxonomy)
        .flat_map(|(_, terms)| terms.iter())
}

fn natural_sorted(values: BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = values.into_iter().collect();
    out.sort_by(|a, b| natural_cmp(&a.0, &b.0));
    out
}

/// Compares strings so that runs of ASCII digits compare as numbers
/// ("article-2" < "article-10").
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    while let (Some(&p), Some(&q)) = (x.first(), y.first()) {
        if p.is_ascii_digit() && q.is_ascii_digit() {
            let (nx, rx) = split_digits(x);
            let (ny, ry) = split_digits(y);
            let ord = nx.len().cmp(&ny.len()).then(nx.cmp(ny));
            if ord != Ordering::Equal {
                return ord;
            }
            (x, y) = (rx, ry);
        } else if p != q {
            return p.cmp(&q);
        } else {
            (x, y) = (&x[1..], &y[1..]);
        }
    }
    x.len().cmp(&y.len()).then_with(|| a.cmp(b))
}

/// Splits leading digits (without leading zeros) from the rest.
fn split_digits(s: &[u8]) -> (&[u8], &[u8]) {
    let end = s
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(s.len());
    let (digits, rest) = s.split_at(end);
    let zeros = digits.iter().take_while(|c| **c == b'0').count();
    (&digits[zeros.min(digits.len().saturating_sub(1))..], rest)
}
