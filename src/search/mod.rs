//! Build-time full-text search index for the JavaScript client
//! (`themes/default/static/search.js`).
//!
//! One index per language, in `search/<lang>/`. Every file is named by a
//! content hash, so it can be cached forever, and (with `with_js`) has a `.js`
//! twin that assigns the same JSON to `window.__fredaSearch["<lang>/<name>"]`,
//! for `file://` where `fetch` is blocked.
//!
//! # Files
//!
//! * `manifest.json` — the only file a page names (in a `data-` attribute),
//!   fetched (revalidated: `cache: "no-cache"`) when the search box gets
//!   focus. Its name is fixed, so pages do not change when only the index
//!   does (an edit in `freda serve` re-renders just the pages it touches): `{"v":1, "lang", "n": documents,
//!   "k": cards per term, "L": score levels, "t": [key₀, hash₀, key₁, hash₁, …],
//!   "d": [documents per block, hash], "f": facet file hash,
//!   "types": [type label, …], "stop": "stop words"}`. Term shard `i` is
//!   `t<i>.<hashᵢ>.json` and holds the surface words `w` with
//!   `keyᵢ ≤ w < keyᵢ₊₁` (JavaScript string order; `key₀` is "").
//! * `t<i>.<h>.json` — a term shard: `{"w": [[surfaces, postings, top], …],
//!   "c": [card, …]}`. `surfaces` is the space-separated folded words of one
//!   stem; `postings` holds one integer per document,
//!   `(doc − previous doc)·L + score − 1`, where the score is the BM25
//!   term-frequency part quantised to 1…L (the client multiplies it by
//!   idf = ln(1 + (n − df + ½)/(df + ½)), df = number of postings); `top` is
//!   `[doc, section, …]`, the stem's best `k` documents (score desc, then doc
//!   asc: the client's own order) with the section that matches best. `c`
//!   holds the cards of every `top` document of every stem in the shard
//!   (the packer counts them in the shard's size), so a one-word query,
//!   rare words included, renders from the manifest and this one file.
//! * `d<j>.<h>.json` — cards of documents `j·block … (j+1)·block − 1`,
//!   `{"c": [card, …]}`, for results past a word's `top` (more results,
//!   several words). One hash (of all blocks together) names every block,
//!   so the manifest stays small.
//! * `f.<h>.json` — facets, loaded only by the search page:
//!   `{"f": [[param, label, [slug, label, …]], …], "s": signatures}`; the
//!   page type comes first. Facet `j` takes `max(1, ⌈values/6⌉)` characters
//!   of a document's signature (see [`facets`]); `s` stores them column by
//!   column: character `c` of document `d` is `s[c·n + d]`. Documents are
//!   numbered in signature order, so equal facets form runs.
//!
//! A card is `[doc, title, url, summary, heads, type]`; `url` is relative to
//! the site root ("" for the home page), `type` indexes the manifest's
//! `types`, and `heads` is flat: `section, heading` where the anchor is the
//! heading in lower case with runs of other characters as `-` (ASCII
//! headings; see `shards::plain_slug`), else `−section, anchor, heading`.
//! Section 0 (the page top) has no heading entry.
//!
//! Text analysis is in [`text`]: words are folded (diacritics stripped, so
//! Welsh "ŵ" → "w"), stop words dropped and the rest stemmed with Snowball.
//! The client never stems: shards map each folded surface word to its stem's
//! postings, so it just folds the query words the same way.

pub(crate) mod analyse;
pub mod facets;
mod files;
mod shards;
pub mod site;
pub mod text;
pub mod welsh;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use serde_json::{json, Value};

use analyse::Collector;
use facets::FacetTable;
use files::Emitter;

/// One page to index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchDoc {
    /// Language code of the page, e.g. "en"; one index is built per language.
    pub lang: String,
    /// URL relative to the site root, e.g. "case-studies/x/" ("" for home).
    pub url: String,
    /// Page title.
    pub title: String,
    /// Page summary, shown (shortened) under the title in results.
    pub summary: String,
    /// Page type slug, e.g. "case-study".
    pub page_type: String,
    /// Page type label, e.g. "Case study".
    pub type_label: String,
    /// (taxonomy name, [(term slug, term label)]), e.g.
    /// `("rights", [("article-8", "Article 8: …")])`.
    pub facets: Vec<(String, Vec<(String, String)>)>,
    /// The body split at headings; the first usually has no anchor.
    pub sections: Arc<[SearchSection]>,
}

/// One heading and the text under it: the markdown stage's text section.
pub use crate::markdown::TextSection as SearchSection;

/// A file to write, relative to the output root
/// (e.g. "search/en/manifest.3f9c1e2a.json"): the output stage's file type.
pub use crate::output::OutputFile as SearchFile;

/// The result of [`build_index`].
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// All files, sorted by path.
    pub files: Vec<SearchFile>,
    /// (language, manifest path relative to the output root) per language,
    /// sorted by language, to put in templates.
    pub manifests: Vec<(String, String)>,
}

impl SearchIndex {
    /// The manifest path for a language, e.g. "search/en/manifest.3f9c1e2a.json".
    pub fn manifest(&self, lang: &str) -> Option<&str> {
        self.manifests
            .iter()
            .find(|(l, _)| l == lang)
            .map(|(_, p)| p.as_str())
    }
}

/// A taxonomy offered as a facet filter.
#[derive(Debug, Clone)]
pub struct FacetDef {
    /// Taxonomy name as in [`SearchDoc::facets`], e.g. "settings".
    pub taxonomy: String,
    /// URL query parameter, e.g. "setting".
    pub param: String,
    /// Heading shown above its checkboxes, e.g. "Care settings".
    pub label: String,
}

impl FacetDef {
    /// A facet definition.
    pub fn new(taxonomy: &str, param: &str, label: &str) -> Self {
        FacetDef {
            taxonomy: taxonomy.into(),
            param: param.into(),
            label: label.into(),
        }
    }
}

/// Tuning for [`build_index_with`].
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Also write `.js` twins of every file, for `file://`.
    pub with_js: bool,
    /// Label of the page-type facet (its parameter is "type").
    pub type_label: String,
    /// Taxonomies offered as facets, in display order.
    pub facets: Vec<FacetDef>,
    /// Result cards per stem in term shards (the first page of results).
    pub top_k: usize,
    /// Target size of a term shard's entries before gzip, in bytes.
    pub shard_budget: usize,
    /// Documents per metadata shard.
    pub doc_block: usize,
    /// Longest summary in a card, in characters.
    pub summary_chars: usize,
    /// Levels of the quantised term score.
    pub score_levels: u32,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            with_js: false,
            type_label: "Type".into(),
            facets: vec![
                FacetDef::new("rights", "right", "Rights"),
                FacetDef::new("principles", "principle", "Principles"),
                FacetDef::new("audiences", "audience", "Audiences"),
                FacetDef::new("settings", "setting", "Settings"),
            ],
            top_k: 5,
            shard_budget: 60_000,
            doc_block: 5,
            summary_chars: 60,
            score_levels: 16,
        }
    }
}

/// Builds the index files for all docs (grouped by lang). `with_js` also
/// emits the `.js` twins for `file://`.
pub fn build_index(docs: &[SearchDoc], with_js: bool) -> SearchIndex {
    build_index_with(
        docs,
        &SearchOptions {
            with_js,
            ..SearchOptions::default()
        },
    )
}

/// [`build_index`] with explicit options.
pub fn build_index_with(docs: &[SearchDoc], opts: &SearchOptions) -> SearchIndex {
    build_index_cached(docs.to_vec(), opts, &mut IndexCache::default())
}

/// What an index build keeps for the next (`freda serve`): each language's
/// word and stem numbers, and each document's analysis, reused while the
/// document is unchanged. The files are the same as without it.
#[derive(Default)]
pub struct IndexCache {
    langs: BTreeMap<String, LangCache>,
}

struct LangCache {
    collector: Collector,
    /// The last build's documents and their analyses, by URL.
    docs: KeptDocs,
}

/// Documents and their analyses, by URL.
type KeptDocs =
    std::collections::HashMap<String, (SearchDoc, Arc<analyse::DocTerms>, Arc<shards::CardText>)>;

/// [`build_index_with`], analysing only documents that changed since the
/// build that filled `cache`.
pub fn build_index_cached(
    docs: Vec<SearchDoc>,
    opts: &SearchOptions,
    cache: &mut IndexCache,
) -> SearchIndex {
    let mut by_lang: BTreeMap<String, Vec<SearchDoc>> = BTreeMap::new();
    for doc in docs {
        by_lang
            .entry(files::lang_dir(&doc.lang))
            .or_default()
            .push(doc);
    }
    cache.langs.retain(|lang, _| by_lang.contains_key(lang));
    let mut index = SearchIndex::default();
    for (dir, docs) in by_lang {
        let mut emitter = Emitter {
            dir: dir.clone(),
            with_js: opts.with_js,
            files: &mut index.files,
        };
        let lang = cache.langs.entry(dir.clone()).or_insert_with(|| LangCache {
            collector: Collector::new(&dir),
            docs: std::collections::HashMap::new(),
        });
        let manifest = build_lang(&dir, docs, opts, lang, &mut emitter);
        index.manifests.push((dir, manifest));
    }
    index.files.sort_by(|a, b| a.path.cmp(&b.path));
    index
}

/// A document analysed, or split into words and waiting to be numbered.
type Split<'a> = Result<
    (Arc<analyse::DocTerms>, Arc<shards::CardText>),
    (analyse::DocWords<'a>, shards::CardText),
>;

/// Each document's analysis and card, reused from `cache` while the document
/// is unchanged. Splitting into words and preparing cards run in parallel;
/// numbering the words runs in document order, so numbers follow first use.
/// Documents go in chunks, so only one chunk's words are held at a time, and
/// one chunk is numbered while the next is split.
fn analyse_docs(
    ordered: &[&SearchDoc],
    opts: &SearchOptions,
    cache: &mut LangCache,
) -> (Vec<Arc<analyse::DocTerms>>, Vec<Arc<shards::CardText>>) {
    let docs = &cache.docs;
    let split = |chunk| split_docs(chunk, docs, opts);
    let collector = &mut cache.collector;
    let mut out = (
        Vec::with_capacity(ordered.len()),
        Vec::with_capacity(ordered.len()),
    );
    let mut number = |done: Vec<Split>| {
        for r in done {
            let (terms, card) = match r {
                Ok(kept) => kept,
                Err((words, card)) => (Arc::new(collector.number(&words)), Arc::new(card)),
            };
            out.0.push(terms);
            out.1.push(card);
        }
    };
    let mut chunks = ordered.chunks(1024);
    let mut pending = chunks.next().map(split).unwrap_or_default();
    for chunk in chunks {
        let (next, ()) = rayon::join(|| split(chunk), || number(std::mem::take(&mut pending)));
        pending = next;
    }
    number(pending);
    out
}

/// [`analyse_docs`]' parallel step for one chunk.
fn split_docs<'a>(
    chunk: &[&'a SearchDoc],
    kept: &KeptDocs,
    opts: &SearchOptions,
) -> Vec<Split<'a>> {
    use rayon::prelude::*;
    chunk
        .par_iter()
        .map(|d| match kept.get(&d.url) {
            Some((old, terms, card)) if old == *d => Ok((Arc::clone(terms), Arc::clone(card))),
            _ => Err((
                analyse::DocWords::of(d),
                shards::CardText::new(d, opts.summary_chars),
            )),
        })
        .collect()
}

/// Builds one language's files; returns the manifest path.
fn build_lang(
    lang: &str,
    docs: Vec<SearchDoc>,
    opts: &SearchOptions,
    cache: &mut LangCache,
    out: &mut Emitter,
) -> String {
    let mut laps = crate::build::Laps::from_env();
    let refs: Vec<&SearchDoc> = docs.iter().collect();
    let table = FacetTable::new(&refs, opts);
    let ordered = order_docs(refs, &table);
    let types = type_indexes(&ordered, &table);
    laps.lap("  search: facets and order");
    let (terms, cards) = analyse_docs(&ordered, opts, cache);
    laps.lap("  search: analyse");
    let (levels, top_k) = (opts.score_levels.max(1), opts.top_k.max(1));
    let stems = shards::score_stems(
        &terms,
        &cache.collector.stems,
        cache.collector.surfaces(&terms),
        levels,
        top_k,
    );
    let corpus = shards::Corpus {
        docs: &ordered,
        types: &types,
        stems: &stems,
        levels,
        summary_chars: opts.summary_chars,
        cards: &cards,
    };
    laps.lap("  search: score");
    let term_shards = emit_term_shards(&corpus, opts, out);
    laps.lap("  search: term shards");
    let doc_hash = emit_doc_shards(&corpus, opts.doc_block, out);
    laps.lap("  search: doc shards");
    let facets = json!({ "f": facet_json(&table), "s": signatures(&ordered, &table) });
    let (_, facet_hash) = out.emit("f", files::to_safe_json(&facets));
    let type_labels: Vec<&str> = table.types().iter().map(|(_, l)| l.as_str()).collect();
    let manifest = json!({
        "v": 1,
        "lang": lang,
        "n": ordered.len(),
        "k": top_k,
        "L": corpus.levels,
        "t": term_shards,
        "d": [opts.doc_block.max(1), doc_hash],
        "f": facet_hash,
        "types": type_labels,
        "stop": text::stop_words(lang),
    });
    out.emit_named("manifest", files::to_safe_json(&manifest));
    let terms_of: std::collections::HashMap<&str, usize> = ordered
        .iter()
        .enumerate()
        .map(|(i, d)| (d.url.as_str(), i))
        .collect();
    let kept: Vec<Option<(Arc<analyse::DocTerms>, Arc<shards::CardText>)>> = docs
        .iter()
        .map(|d| {
            terms_of
                .get(d.url.as_str())
                .map(|&i| (Arc::clone(&terms[i]), Arc::clone(&cards[i])))
        })
        .collect();
    cache.docs = docs
        .into_iter()
        .zip(kept)
        .filter_map(|(d, t)| {
            let (terms, card) = t?;
            Some((d.url.clone(), (d, terms, card)))
        })
        .collect();
    // Words of edits since undone pile up in a kept collector: start afresh
    // when most of them are unused, so memory stays flat over a long session.
    let used: usize = stems.iter().map(|s| s.surfaces.len()).sum();
    if cache.collector.word_count() > 2 * used + 10_000 {
        cache.collector = Collector::new(lang);
        cache.docs.clear();
    }
    laps.lap("  search: keep");
    format!("search/{lang}/manifest.json")
}

/// Each document's index in the type facet.
fn type_indexes(docs: &[&SearchDoc], table: &FacetTable) -> Vec<u32> {
    let types = table.types();
    docs.iter()
        .map(|d| types.iter().position(|(slug, _)| *slug == d.page_type))
        .map(|i| i.and_then(|i| u32::try_from(i).ok()).unwrap_or(0))
        .collect()
}

/// Documents in signature order (then URL and title), which fixes their numbers.
fn order_docs<'a>(docs: Vec<&'a SearchDoc>, table: &FacetTable) -> Vec<&'a SearchDoc> {
    let mut keyed: Vec<(String, &SearchDoc)> =
        docs.into_iter().map(|d| (table.signature(d), d)).collect();
    keyed.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.1.url.cmp(&b.1.url))
            .then_with(|| a.1.title.cmp(&b.1.title))
    });
    keyed.into_iter().map(|(_, d)| d).collect()
}

/// Writes the term shards; returns the manifest's `t` array.
fn emit_term_shards(
    corpus: &shards::Corpus,
    opts: &SearchOptions,
    out: &mut Emitter,
) -> Vec<String> {
    let mut laps = crate::build::Laps::from_env();
    let costs = shards::Costs {
        stems: corpus
            .stems
            .par_iter()
            .map(|s| shards::stem_cost(s, corpus.levels))
            .collect(),
        data: corpus.stems,
        cards: (0..corpus.docs.len())
            .map(|d| corpus.card_len(u32::try_from(d).unwrap_or(u32::MAX)))
            .collect(),
    };
    let words = shards::vocabulary(corpus.stems);
    let mut ranges = shards::pack(&words, &costs, opts.shard_budget);
    laps.lap("    costs and packing");
    if ranges.is_empty() {
        ranges.push(0..0);
    }
    // Shards are independent: written (and hashed) in parallel, emitted in order.
    let texts: Vec<(String, String)> = ranges
        .par_iter()
        .map(|range| {
            let json = files::make_safe(corpus.shard_json(&words[range.clone()]));
            (files::content_hash(json.as_bytes()), json)
        })
        .collect();
    laps.lap("    shard text");
    let mut keys = Vec::with_capacity(ranges.len());
    let mut prev = "";
    for (i, range) in ranges.iter().enumerate() {
        let slice = &words[range.clone()];
        keys.push(match slice.first() {
            Some(first) if i > 0 => shards::shard_key(prev, &first.0),
            _ => String::new(),
        });
        prev = slice.last().map_or(prev, |w| w.0.as_str());
    }
    let mut table = Vec::with_capacity(ranges.len() * 2);
    for (i, (key, (hash, json))) in keys.into_iter().zip(texts).enumerate() {
        out.emit_named(&format!("t{i}.{hash}"), json);
        table.extend([key, hash]);
    }
    table
}

/// Writes the metadata shards; returns the hash that names all of them.
fn emit_doc_shards(corpus: &shards::Corpus, block: usize, out: &mut Emitter) -> String {
    let block = block.max(1);
    let blocks: Vec<String> = corpus
        .docs
        .chunks(block)
        .enumerate()
        .map(|(j, chunk)| {
            let first = u32::try_from(j * block).unwrap_or(u32::MAX);
            let mut cards = String::from("{\"c\":[");
            for (id, d) in (first..).zip(chunk) {
                corpus.card(id, &all_sections(d), &mut cards);
            }
            cards.push_str("]}");
            files::make_safe(cards)
        })
        .collect();
    let hash = files::content_hash(blocks.concat().as_bytes());
    for (j, json) in blocks.into_iter().enumerate() {
        out.emit_named(&format!("d{j}.{hash}"), json);
    }
    hash
}

/// Section numbers of every anchored section (at most 24).
fn all_sections(doc: &SearchDoc) -> BTreeSet<u32> {
    doc.sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.anchor.is_some())
        .map(|(i, _)| analyse::section_number(i, true))
        .take(24)
        .collect()
}

/// The signatures of all documents, column by column: character `c` of
/// document `d` is `s[c·n + d]`, so runs of equal leading facets compress.
fn signatures(docs: &[&SearchDoc], table: &FacetTable) -> String {
    let sigs: Vec<Vec<u8>> = docs
        .iter()
        .map(|d| table.signature(d).into_bytes())
        .collect();
    let width = sigs.first().map_or(0, Vec::len);
    let mut out = String::with_capacity(width * sigs.len());
    for c in 0..width {
        out.extend(
            sigs.iter()
                .map(|s| char::from(s.get(c).copied().unwrap_or(b'0'))),
        );
    }
    out
}

/// The facet file's `f` array: `[param, label, [slug, label, …]]` per facet.
fn facet_json(table: &FacetTable) -> Value {
    let facets: Vec<Value> = table
        .facets
        .iter()
        .map(|f| {
            let values: Vec<&str> = f
                .values
                .iter()
                .flat_map(|(s, l)| [s.as_str(), l.as_str()])
                .collect();
            json!([f.param, f.label, values])
        })
        .collect();
    Value::Array(facets)
}
