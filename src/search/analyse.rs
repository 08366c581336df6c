//! Turns each [`SearchDoc`] into weighted term statistics (BM25F-style field
//! weights) and collects the surface forms seen for every stem.

use std::collections::{BTreeMap, HashMap};

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

/// How one stem occurs in one document.
#[derive(Debug, Default, Clone)]
pub struct TermStat {
    /// Sum of the field weights of every occurrence.
    pub weight: u32,
    /// (section number, weight): 0 = page top, n = `sections[n - 1]`.
    by_section: Vec<(u32, u32)>,
}

impl TermStat {
    fn add(&mut self, sec: u32, weight: u32) {
        self.weight += weight;
        match self.by_section.iter_mut().find(|(s, _)| *s == sec) {
            Some(entry) => entry.1 += weight,
            None => self.by_section.push((sec, weight)),
        }
    }

    /// The section where the stem weighs most (ties: the earliest).
    pub fn best_section(&self) -> u32 {
        let mut best = (0, 0);
        for &(sec, w) in &self.by_section {
            if w > best.1 || (w == best.1 && sec < best.0) {
                best = (sec, w);
            }
        }
        best.0
    }
}

/// The analysed form of one document.
#[derive(Debug, Default, Clone)]
pub struct DocTerms {
    /// Number of indexed (non-stop) tokens: the BM25 document length.
    pub length: u32,
    /// Stem number (see [`Collector::stems`]) → statistics, while analysing.
    terms: BTreeMap<u32, TermStat>,
    /// (stem number, weight, best section) by stem number: `terms` once done.
    pub stems: Vec<(u32, u32, u32)>,
    /// Word numbers of the folded words it uses, sorted.
    pub words: Vec<u32>,
}

/// Shared state while analysing the documents of one language. Stem and word
/// numbers follow first use, so they depend only on the document order.
pub struct Collector {
    analyzer: Analyzer,
    /// Raw word → word number, or `None` for stop words and dropped tokens.
    /// A cache: only ever looked up, never iterated.
    cache: HashMap<String, Option<u32>>,
    /// Word number → (folded word, stem number).
    words: Vec<(String, u32)>,
    /// Folded word → word number (looked up only).
    word_ids: HashMap<String, u32>,
    /// Stem → stem number (looked up only).
    stem_ids: HashMap<String, u32>,
    /// Stem number → stem.
    pub stems: Vec<String>,
}

impl Collector {
    /// A collector for one language.
    pub fn new(lang: &str) -> Self {
        Collector {
            analyzer: Analyzer::new(lang),
            cache: HashMap::new(),
            words: Vec::new(),
            word_ids: HashMap::new(),
            stem_ids: HashMap::new(),
            stems: Vec::new(),
        }
    }

    /// Analyses one document.
    pub fn analyse(&mut self, doc: &SearchDoc) -> DocTerms {
        let mut out = DocTerms::default();
        self.add(&mut out, &doc.title, 0, W_TITLE);
        self.add(&mut out, &doc.summary, 0, W_SUMMARY);
        self.add(&mut out, &doc.type_label, 0, W_TAXONOMY);
        for (_, terms) in &doc.facets {
            for (_, label) in terms {
                self.add(&mut out, label, 0, W_TAXONOMY);
            }
        }
        for (i, section) in doc.sections.iter().enumerate() {
            let sec = section_number(i, section.anchor.is_some());
            self.add(&mut out, &section.heading, sec, W_HEADING);
            self.add(&mut out, &section.text, sec, W_BODY);
        }
        out.words.sort_unstable();
        out.words.dedup();
        let terms = std::mem::take(&mut out.terms);
        out.stems = terms
            .into_iter()
            .map(|(stem, stat)| (stem, stat.weight, stat.best_section()))
            .collect();
        out
    }

    fn add(&mut self, out: &mut DocTerms, text: &str, sec: u32, weight: u32) {
        for raw in raw_words(text) {
            let Some(id) = self.word_id(raw) else {
                continue;
            };
            let Some(&(_, stem)) = self.words.get(id as usize) else {
                continue;
            };
            out.terms.entry(stem).or_default().add(sec, weight);
            out.words.push(id);
            out.length += 1;
        }
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
