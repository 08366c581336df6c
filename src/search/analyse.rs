//! Turns each [`SearchDoc`] into weighted term statistics (BM25F-style field
//! weights) and collects the surface forms seen for every stem.

use rustc_hash::FxHashMap;

use super::text::{fold_token, raw_words, Analyzer};
use super::SearchDoc;

/// Field weights: title > headings > summary > taxonomy labels > body.
pub const W_TITLE: u32 = 10;
/// Weight of a word in a heading.
pub const W_HEADING: u32 = 5;
/// Weight of a word in the summary.
pub const W_SUMMARY: u32 = 3;
/// Weight of a word in the type label or a taxonomy term label.
pub const W_TAXONOMY: u32 = 2;
/// Weight of a word in the body text.
pub const W_BODY: u32 = 1;

/// The analysed form of one document.
#[derive(Debug, Default, Clone)]
pub struct DocTerms {
    /// Number of indexed (non-stop) tokens: the BM25 document length.
    pub length: u32,
    /// (stem number, weight, best section) by stem number. The weight sums
    /// the field weights of every occurrence; the best section is where the
    /// stem weighs most (ties: the earliest), 0 = page top, n =
    /// `sections[n - 1]`.
    pub stems: Vec<(u32, u32, u32)>,
    /// Word numbers of the folded words it uses, sorted.
    pub words: Vec<u32>,
}

/// The words of one document before numbering: each distinct raw word in
/// order of first use, and the weight of its occurrences per section.
/// Independent of every other document, so documents are split into words
/// in parallel.
#[derive(Debug, Default)]
pub struct DocWords<'a> {
    /// Distinct raw words, in order of first use.
    words: Vec<&'a str>,
    /// Occurrences of each word in `words`.
    counts: Vec<u32>,
    /// (index in `words`, section number, summed field weight), sorted.
    hits: Vec<(u32, u32, u32)>,
}

impl<'a> DocWords<'a> {
    /// Splits a document's fields into raw words, with field weights and
    /// section numbers.
    pub fn of(doc: &'a SearchDoc) -> Self {
        let mut out = Builder::default();
        out.add(&doc.title, 0, W_TITLE);
        out.add(&doc.summary, 0, W_SUMMARY);
        out.add(&doc.type_label, 0, W_TAXONOMY);
        for (_, terms) in &doc.facets {
            for (_, label) in terms {
                out.add(label, 0, W_TAXONOMY);
            }
        }
        for (i, section) in doc.sections.iter().enumerate() {
            let sec = section_number(i, section.anchor.is_some());
            out.add(&section.heading, sec, W_HEADING);
            out.add(&section.text, sec, W_BODY);
        }
        let mut done = out.done;
        done.hits = sum_weights(done.hits);
        done
    }
}

/// Sorts (key, section, weight) triples and sums the weights of equal
/// (key, section) pairs.
fn sum_weights(mut hits: Vec<(u32, u32, u32)>) -> Vec<(u32, u32, u32)> {
    hits.sort_unstable();
    let mut out: Vec<(u32, u32, u32)> = Vec::with_capacity(hits.len());
    for (key, sec, weight) in hits {
        match out.last_mut() {
            Some(last) if (last.0, last.1) == (key, sec) => last.2 += weight,
            _ => out.push((key, sec, weight)),
        }
    }
    out
}

/// A [`DocWords`] being filled, with an index of the words seen.
#[derive(Default)]
struct Builder<'a> {
    done: DocWords<'a>,
    seen: FxHashMap<&'a str, u32>,
}

impl<'a> Builder<'a> {
    fn add(&mut self, text: &'a str, sec: u32, weight: u32) {
        for raw in raw_words(text) {
            let done = &mut self.done;
            let i = *self.seen.entry(raw).or_insert_with(|| {
                done.words.push(raw);
                done.counts.push(0);
                number(done.words.len() - 1)
            });
            if let Some(count) = done.counts.get_mut(i as usize) {
                *count += 1;
            }
            done.hits.push((i, sec, weight));
        }
    }
}

/// Shared state while analysing the documents of one language. Stem and word
/// numbers follow first use, so they depend only on the document order.
pub struct Collector {
    analyzer: Analyzer,
    /// Raw word → word number, or `None` for stop words and dropped tokens.
    /// A cache: only ever looked up, never iterated.
    cache: FxHashMap<String, Option<u32>>,
    /// Word number → (folded word, stem number).
    words: Vec<(String, u32)>,
    /// Folded word → word number (looked up only).
    word_ids: FxHashMap<String, u32>,
    /// Stem → stem number (looked up only).
    stem_ids: FxHashMap<String, u32>,
    /// Stem number → stem.
    pub stems: Vec<String>,
}

impl Collector {
    /// A collector for one language.
    pub fn new(lang: &str) -> Self {
        Collector {
            analyzer: Analyzer::new(lang),
            cache: FxHashMap::default(),
            words: Vec::new(),
            word_ids: FxHashMap::default(),
            stem_ids: FxHashMap::default(),
            stems: Vec::new(),
        }
    }

    /// Numbers a document's words, in their order of first use, and sums
    /// their statistics by stem.
    pub fn number(&mut self, doc: &DocWords) -> DocTerms {
        let mut out = DocTerms::default();
        // The stem of each of the document's words (`None`: not indexed).
        let mut stems: Vec<Option<u32>> = Vec::with_capacity(doc.words.len());
        for (raw, count) in doc.words.iter().zip(&doc.counts) {
            let known = self
                .word_id(raw)
                .and_then(|id| Some((id, self.words.get(id as usize)?.1)));
            if let Some((id, _)) = known {
                out.words.push(id);
                out.length += count;
            }
            stems.push(known.map(|(_, stem)| stem));
        }
        out.words.sort_unstable();
        out.words.dedup();
        let by_stem = doc.hits.iter().filter_map(|&(word, sec, weight)| {
            let stem = (*stems.get(word as usize)?)?;
            Some((stem, sec, weight))
        });
        // (stem, best section, its weight, total weight)
        let mut acc: Vec<(u32, u32, u32, u32)> = Vec::new();
        for (stem, sec, weight) in sum_weights(by_stem.collect()) {
            match acc.last_mut() {
                Some(last) if last.0 == stem => {
                    // Sections come in ascending order, so ties keep the earliest.
                    if weight > last.2 {
                        last.2 = weight;
                        last.1 = sec;
                    }
                    last.3 += weight;
                }
                _ => acc.push((stem, sec, weight, weight)),
            }
        }
        out.stems = acc
            .into_iter()
            .map(|(s, best, _, w)| (s, w, best))
            .collect();
        out
    }

    /// The number of a raw word, or `None` for a stop word or a dropped token.
    fn word_id(&mut self, raw: &str) -> Option<u32> {
        if let Some(known) = self.cache.get(raw) {
            return *known;
        }
        let id = fold_token(raw)
            .filter(|w| !self.analyzer.is_stop(w))
            .map(|w| self.intern(w));
        self.cache.insert(raw.to_owned(), id);
        id
    }

    fn intern(&mut self, folded: String) -> u32 {
        if let Some(&id) = self.word_ids.get(&folded) {
            return id;
        }
        let stem = self.analyzer.stem(&folded);
        let stem = if stem.is_empty() {
            folded.clone()
        } else {
            stem
        };
        let stem_id = match self.stem_ids.get(&stem) {
            Some(&id) => id,
            None => {
                let id = number(self.stems.len());
                self.stem_ids.insert(stem.clone(), id);
                self.stems.push(stem);
                id
            }
        };
        let id = number(self.words.len());
        self.word_ids.insert(folded.clone(), id);
        self.words.push((folded, stem_id));
        id
    }

    /// Words numbered so far (also those no document uses any more).
    pub fn word_count(&self) -> usize {
        self.words.len()
    }

    /// Stem number → its folded surface forms used by `docs` (unsorted).
    /// A collector kept between builds also knows words of documents since
    /// changed or gone; they are left out.
    pub fn surfaces(&self, docs: &[std::sync::Arc<DocTerms>]) -> Vec<Vec<String>> {
        let mut used = vec![false; self.words.len()];
        for id in docs.iter().flat_map(|d| &d.words) {
            if let Some(u) = used.get_mut(*id as usize) {
                *u = true;
            }
        }
        let mut out = vec![Vec::new(); self.stems.len()];
        for ((word, stem), _) in self.words.iter().zip(used).filter(|(_, u)| *u) {
            if let Some(list) = out.get_mut(*stem as usize) {
                list.push(word.clone());
            }
        }
        // Forms a query may take that the text does not (Welsh mutations).
        for list in &mut out {
            let more: Vec<String> = list
                .iter()
                .flat_map(|w| self.analyzer.variants(w))
                .collect();
            for v in more {
                if !list.contains(&v) {
                    list.push(v);
                }
            }
        }
        out
    }
}

fn number(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// The section number used in the index: sections without an anchor link to
/// the page top (0); others are numbered from 1.
pub fn section_number(index: usize, has_anchor: bool) -> u32 {
    if has_anchor {
        u32::try_from(index + 1).unwrap_or(0)
    } else {
        0
    }
}
