//! Scoring (BM25 quantised per (stem, document)), splitting the vocabulary
//! into term shards by prefix, and the JSON of term shards and result cards.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use rayon::prelude::*;

use super::analyse::DocTerms;
use super::SearchDoc;

/// BM25 term-frequency saturation.
const K1: f64 = 1.2;
/// BM25 length normalisation.
const B: f64 = 0.75;

/// One stem's index data.
#[derive(Debug, Default)]
pub struct Stem {
    /// Folded surface forms seen for the stem, in JS string order.
    pub surfaces: Vec<String>,
    /// (document number, quantised BM25 term score 1..=levels), by document.
    pub postings: Vec<(u32, u32)>,
    /// The best `top_k` documents, best first: (document, section number).
    pub top: Vec<(u32, u32)>,
}

/// Compares strings by UTF-16 code units, as JavaScript's `<` does.
///
/// That is code point order (UTF-8 byte order) except that a character
/// beyond U+FFFF (a surrogate pair, D800–DBFF first) sorts before
/// U+E000–U+FFFF; so only the first differing characters need a look.
pub fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let same = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let mut at = same;
    while !a.is_char_boundary(at) {
        at -= 1;
    }
    let unit = |c: char| {
        let c = u32::from(c);
        if c > 0xffff {
            (0xd800 + ((c - 0x1_0000) >> 10), c)
        } else {
            (c, c)
        }
    };
    match (a[at..].chars().next(), b[at..].chars().next()) {
        (Some(x), Some(y)) => unit(x).cmp(&unit(y)),
        (x, y) => x.is_some().cmp(&y.is_some()),
    }
}

/// Scores every stem of every document (`docs[i]` is document `i`).
/// `stems[n]` and `surfaces[n]` are stem number `n` and its folded words;
/// the result is sorted by stem.
pub fn score_stems(
    docs: &[std::sync::Arc<DocTerms>],
    stems: &[String],
    surfaces: Vec<Vec<String>>,
    levels: u32,
    top_k: usize,
) -> Vec<Stem> {
    let total: f64 = docs.iter().map(|d| f64::from(d.length)).sum();
    let avgdl = (total / docs.len().max(1) as f64).max(1.0);
    let mut out: Vec<Stem> = surfaces
        .into_iter()
        .map(|surfaces| Stem {
            surfaces,
            ..Stem::default()
        })
        .collect();
    // Each thread fills the postings of its own range of stem numbers,
    // reading every document's (sorted) stem list from that range only.
    let chunk = out.len().div_ceil(4 * rayon::current_num_threads()).max(1);
    out.par_chunks_mut(chunk).enumerate().for_each(|(c, part)| {
        let lo = u32::try_from(c * chunk).unwrap_or(u32::MAX);
        let mut sections: Vec<Vec<u32>> = vec![Vec::new(); part.len()];
        for (id, doc) in (0u32..).zip(docs) {
            let from = doc.stems.partition_point(|e| e.0 < lo);
            for &(stem, weight, best) in &doc.stems[from..] {
                let at = (stem - lo) as usize;
                let (Some(data), Some(secs)) = (part.get_mut(at), sections.get_mut(at)) else {
                    break;
                };
                data.postings
                    .push((id, quantise(weight, doc.length, avgdl, levels)));
                secs.push(best);
            }
        }
        for (data, secs) in part.iter_mut().zip(&sections) {
            data.surfaces.sort_by(|a, b| js_cmp(a, b));
            data.top = top_docs(&data.postings, secs, top_k);
        }
    });
    // Stems only documents since changed or gone had (a kept collector).
    let mut order: Vec<usize> = (0..out.len())
        .filter(|&i| !out[i].postings.is_empty())
        .collect();
    order.sort_by(|&a, &b| stems.get(a).cmp(&stems.get(b)));
    let mut slots: Vec<Option<Stem>> = out.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// The BM25 term-frequency part, `tf / (tf + k1·(1 − b + b·dl/avgdl))` in
/// (0, 1), quantised to 1..=levels. The client multiplies it by the idf,
/// which it computes from the posting count.
fn quantise(weight: u32, length: u32, avgdl: f64, levels: u32) -> u32 {
    let tf = f64::from(weight);
    let norm = K1 * (1.0 - B + B * f64::from(length) / avgdl);
    let part = tf / (tf + norm);
    ((part * f64::from(levels)).ceil() as u32).clamp(1, levels)
}

/// Best documents by (score desc, document asc): the client's own order.
/// Postings are in document order, so a stable pass keeps the first of equals.
fn top_docs(postings: &[(u32, u32)], sections: &[u32], k: usize) -> Vec<(u32, u32)> {
    let mut best: Vec<usize> = Vec::with_capacity(k + 1);
    for (i, p) in postings.iter().enumerate() {
        if best.len() == k && best.last().is_some_and(|&w| postings[w].1 >= p.1) {
            continue;
        }
        let at = best.partition_point(|&j| postings[j].1 >= p.1);
        best.insert(at, i);
        best.truncate(k);
    }
    best.into_iter()
        .map(|i| (postings[i].0, sections.get(i).copied().unwrap_or(0)))
        .collect()
}

/// Delta-encoded postings, one integer each: `(doc − previous doc)·levels +
/// (score − 1)` (the first document counts from 0).
pub fn encode_postings(postings: &[(u32, u32)], levels: u32) -> impl Iterator<Item = u64> + '_ {
    let mut prev = 0;
    postings.iter().map(move |&(doc, q)| {
        let v = u64::from(doc.saturating_sub(prev)) * u64::from(levels)
            + u64::from(q.saturating_sub(1));
        prev = doc;
        v
    })
}

/// Number of decimal digits plus a comma.
fn int_len(n: u64) -> usize {
    n.checked_ilog10().unwrap_or(0) as usize + 2
}

/// Size in bytes of a stem's entry without cards (the packing cost).
pub fn stem_cost(stem: &Stem, levels: u32) -> usize {
    let postings: usize = encode_postings(&stem.postings, levels).map(int_len).sum();
    let surfaces: usize = stem.surfaces.iter().map(|s| s.len() + 1).sum();
    postings + surfaces + 16 + stem.top.len() * 6
}

/// A surface word and the index of its stem.
pub type Word = (String, usize);

/// Every surface word of every stem, in JS string order.
pub fn vocabulary(stems: &[Stem]) -> Vec<Word> {
    let mut words: Vec<Word> = stems
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.surfaces.iter().map(move |w| (w.clone(), i)))
        .collect();
    words.sort_by(|a, b| js_cmp(&a.0, &b.0).then(a.1.cmp(&b.1)));
    words
}

/// What a shard costs: its stems' entries plus one card per distinct `top`
/// document, since every shard carries the cards of its stems' best pages.
pub struct Costs<'a> {
    /// Entry size of each stem (see [`stem_cost`]).
    pub stems: Vec<usize>,
    /// The stems, for their `top` documents.
    pub data: &'a [Stem],
    /// Card size of each document.
    pub cards: Vec<usize>,
}

impl Costs<'_> {
    /// Adds the stems of `words` to `seen` and returns the bytes they add.
    fn add(&self, words: &[Word], seen: &mut Seen) -> usize {
        let mut bytes = 0;
        for &(_, stem) in words {
            if !seen.0.insert(stem) {
                continue;
            }
            bytes += self.stems.get(stem).copied().unwrap_or(0);
            for &(doc, _) in self.data.get(stem).map_or(&[][..], |s| &s.top) {
                if seen.1.insert(doc) {
                    bytes += self.cards.get(doc as usize).copied().unwrap_or(0);
                }
            }
        }
        bytes
    }

    /// The bytes `words` would add to a shard that holds `seen`.
    fn extra(&self, words: &[Word], seen: &Seen) -> usize {
        let mut local = Seen::default();
        let mut bytes = 0;
        for &(_, stem) in words {
            if seen.0.contains(&stem) || !local.0.insert(stem) {
                continue;
            }
            bytes += self.stems.get(stem).copied().unwrap_or(0);
            for &(doc, _) in self.data.get(stem).map_or(&[][..], |s| &s.top) {
                if !seen.1.contains(&doc) && local.1.insert(doc) {
                    bytes += self.cards.get(doc as usize).copied().unwrap_or(0);
                }
            }
        }
        bytes
    }

    /// The cost of `words` as a shard of their own.
    fn of(&self, words: &[Word]) -> usize {
        self.add(words, &mut Default::default())
    }
}

/// The stems and documents already in a shard.
type Seen = (BTreeSet<usize>, BTreeSet<u32>);

/// Splits the sorted vocabulary into shards of about `budget` bytes. Words
/// are grouped by prefix (one letter, then longer prefixes for big groups),
/// so words with a common prefix, and so most typos, share a shard.
pub fn pack(words: &[Word], costs: &Costs, budget: usize) -> Vec<Range<usize>> {
    let cost = |r: &Range<usize>| costs.of(&words[r.clone()]);
    let mut atoms = Vec::new();
    split(words, 0..words.len(), 1, &cost, budget, &mut atoms);
    let mut shards: Vec<Range<usize>> = Vec::new();
    let (mut size, mut seen) = (0, Seen::default());
    for atom in atoms {
        let alone = cost(&atom);
        let extra = costs.extra(&words[atom.clone()], &seen);
        match shards.last_mut() {
            Some(last) if size + extra <= budget => {
                last.end = atom.end;
                size += extra;
                costs.add(&words[atom], &mut seen);
            }
            _ => {
                shards.push(atom.clone());
                size = alone;
                seen = Default::default();
                costs.add(&words[atom], &mut seen);
            }
        }
    }
    shards
}

fn split(
    words: &[Word],
    range: Range<usize>,
    depth: usize,
    cost: &dyn Fn(&Range<usize>) -> usize,
    budget: usize,
    out: &mut Vec<Range<usize>>,
) {
    let mut start = range.start;
    while start < range.end {
        let key = prefix(&words[start].0, depth);
        let mut end = start + 1;
        while end < range.end && prefix(&words[end].0, depth) == key {
            end += 1;
        }
        let group = start..end;
        // Longer prefixes split any group of different words, even one led
        // by a word that is its own prefix ("co" before "coat").
        let splittable = words[start].0 != words[end - 1].0;
        if splittable && cost(&group) > budget {
            split(words, group, depth + 1, cost, budget, out);
        } else {
            out.push(group);
        }
        start = end;
    }
}

fn prefix(word: &str, chars: usize) -> &str {
    word.char_indices()
        .nth(chars)
        .map_or(word, |(i, _)| &word[..i])
}

/// The shortest prefix of `first` that sorts after `prev` (the key a shard is
/// found by: the last shard whose key is ≤ the word).
pub fn shard_key(prev: &str, first: &str) -> String {
    for (i, _) in first.char_indices().skip(1) {
        if js_cmp(&first[..i], prev).is_gt() {
            return first[..i].to_owned();
        }
    }
    first.to_owned()
}

/// What the term shards are built from.
pub struct Corpus<'a> {
    /// Documents by number.
    pub docs: &'a [&'a SearchDoc],
    /// Type index (into the manifest's `types`) of each document.
    pub types: &'a [u32],
    /// Stems by index.
    pub stems: &'a [Stem],
    /// Score levels (see [`encode_postings`]).
    pub levels: u32,
    /// Longest card summary in characters.
    pub summary_chars: usize,
    /// Each document's card, prepared (see [`CardText`]).
    pub cards: &'a [std::sync::Arc<CardText>],
}

impl Corpus<'_> {
    /// The JSON of one term shard. `w`: entries `[surfaces, postings, top]`,
    /// with `surfaces` space-separated, `postings` from [`encode_postings`]
    /// and `top` as `[doc, section, …]`; `c`: result cards for the `top`
    /// documents of as many stems as fit in the card budget, most frequent
    /// stems first.
    pub fn shard_json(&self, words: &[Word]) -> String {
        use std::fmt::Write;
        let mut order: Vec<usize> = Vec::new();
        let mut forms: HashMap<usize, Vec<&str>> = HashMap::new();
        for (word, stem) in words {
            let list = forms.entry(*stem).or_default();
            if list.is_empty() {
                order.push(*stem);
            }
            list.push(word);
        }
        let cards = self.cards(&order);
        // Written directly (as serde_json would write `{"c": cards, "w": entries}`):
        // the postings are most of the index, and a Value per number is slow.
        let mut out = String::with_capacity(cards.len() + 64 * order.len());
        out.push_str("{\"c\":");
        out.push_str(&cards);
        out.push_str(",\"w\":[");
        for (n, &i) in order.iter().enumerate() {
            let stem = &self.stems[i];
            let surfaces = forms.get(&i).map(|f| f.join(" ")).unwrap_or_default();
            out.push_str(if n == 0 { "[" } else { ",[" });
            out.push_str(&serde_json::to_string(&surfaces).unwrap_or_default());
            out.push_str(",[");
            let mut digits = itoa::Buffer::new();
            for (k, v) in encode_postings(&stem.postings, self.levels).enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push_str(digits.format(v));
            }
            out.push_str("],[");
            for (k, (d, sec)) in stem.top.iter().enumerate() {
                let _ = write!(out, "{}{d},{sec}", if k == 0 { "" } else { "," });
            }
            out.push_str("]]");
        }
        out.push_str("]}");
        out
    }

    /// Cards for the `top` documents of the shard's stems, each with the
    /// sections those stems point at, as a JSON array.
    fn cards(&self, order: &[usize]) -> String {
        let mut chosen: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
        for &(d, sec) in order.iter().flat_map(|&i| &self.stems[i].top) {
            chosen.entry(d).or_default().insert(sec);
        }
        let mut out = String::from("[");
        for (&d, secs) in &chosen {
            self.card(d, secs, &mut out);
        }
        out.push(']');
        out
    }

    /// Writes the card of document `doc` with the given sections (after a
    /// comma unless `out` ends with `[`).
    pub fn card(&self, doc: u32, secs: &BTreeSet<u32>, out: &mut String) {
        let (Some(card), Some(ty)) = (self.cards.get(doc as usize), self.types.get(doc as usize))
        else {
            return;
        };
        card.write(doc, secs, *ty, out);
    }

    /// Approximate size in bytes of a document's card.
    pub fn card_len(&self, doc: u32) -> usize {
        self.docs.get(doc as usize).map_or(0, |d| {
            d.title.len() + d.url.len() + d.summary.len().min(self.summary_chars) + 40
        })
    }
}

/// A result card, written as JSON text: `[doc, title, url, summary, heads,
/// type]` for the given section numbers (0, the page top, is implied).
/// `heads` is flat: `section, heading` when the anchor is [`plain_slug`] of
/// the heading (the client derives it the same way), else `−section,
/// anchor, heading`. Everything but the number, sections and type is
/// prepared once per document (and kept between serve rebuilds).
#[derive(Debug)]
pub struct CardText {
    /// `,"title","url","summary",[`
    body: String,
    /// The heads entry of each section (`sections[n - 1]`), if it has an anchor.
    heads: Vec<Option<String>>,
}

impl CardText {
    /// Prepares the card of `doc`.
    pub fn new(doc: &SearchDoc, summary_chars: usize) -> CardText {
        let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let body = format!(
            ",{},{},{},[",
            text(&doc.title),
            text(&doc.url),
            text(&truncate(&doc.summary, summary_chars))
        );
        let heads = (1u32..)
            .zip(doc.sections.iter())
            .map(|(sec, section)| {
                let anchor = section.anchor.as_ref()?;
                Some(
                    if plain_slug(&section.heading).as_deref() == Some(anchor.as_str()) {
                        format!("{sec},{}", text(&section.heading))
                    } else {
                        format!("-{sec},{},{}", text(anchor), text(&section.heading))
                    },
                )
            })
            .collect();
        CardText { body, heads }
    }

    fn write(&self, id: u32, secs: &BTreeSet<u32>, ty: u32, out: &mut String) {
        use std::fmt::Write;
        if !out.ends_with('[') {
            out.push(',');
        }
        let _ = write!(out, "[{id}{}", self.body);
        let mut first = true;
        for &sec in secs.iter().filter(|s| **s > 0) {
            if let Some(Some(head)) = self.heads.get(sec as usize - 1) {
                if !first {
                    out.push(',');
                }
                out.push_str(head);
                first = false;
            }
        }
        let _ = write!(out, "],{ty}]");
    }
}

/// The anchor the client derives from an ASCII heading: lower case, runs of
/// anything but letters and digits as one `-`, none at the ends. `None` for
/// other headings, whose anchors are always sent.
pub fn plain_slug(heading: &str) -> Option<String> {
    if !heading.is_ascii() {
        return None;
    }
    let lower = heading.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    Some(words.join("-"))
}

/// Cuts text to at most `max` characters at a word boundary, adding "…".
pub fn truncate(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    let head = head.rfind(char::is_whitespace).map_or(head, |i| &head[..i]);
    format!("{}…", head.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word that is also the prefix of its group ("co" before "coat",
    /// "come", …) must not stop the group from splitting.
    #[test]
    fn groups_led_by_their_own_prefix_still_split() {
        let list = [
            "co", "coat", "cob", "come", "cone", "cope", "copy", "core", "cost",
        ];
        let words: Vec<Word> = list
            .iter()
            .enumerate()
            .map(|(i, w)| (w.to_string(), i))
            .collect();
        let data: Vec<Stem> = (0..list.len()).map(|_| Stem::default()).collect();
        let costs = Costs {
            stems: vec![100; list.len()],
            data: &data,
            cards: Vec::new(),
        };
        let shards = pack(&words, &costs, 250);
        assert!(shards.len() >= 4, "{shards:?}");
        for r in &shards {
            assert!(costs.of(&words[r.clone()]) <= 250, "{r:?} is over budget");
        }
        assert_eq!(shards.first().map(|r| r.start), Some(0));
        assert_eq!(shards.last().map(|r| r.end), Some(list.len()));
    }

    /// The client derives `heading → anchor` this way for ASCII headings
    /// (search.js, addCard), so cards leave those anchors out.
    #[test]
    fn js_order_is_utf16_order() {
        let words = [
            "",
            "a",
            "ab",
            "b",
            "é",
            "ŵyl",
            "\u{e000}",
            "\u{ffff}",
            "😀",
            "😀a",
            "a😀",
            "a\u{ffff}",
            "𝔸",
            "ﬁ",
            "z",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    js_cmp(a, b),
                    a.encode_utf16().cmp(b.encode_utf16()),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn top_docs_keep_the_first_of_equal_scores() {
        let postings = [(0, 3), (1, 5), (2, 3), (3, 5), (4, 1), (5, 5)];
        let sections = [10, 11, 12, 13, 14, 15];
        assert_eq!(
            top_docs(&postings, &sections, 4),
            [(1, 11), (3, 13), (5, 15), (0, 10)]
        );
        assert_eq!(top_docs(&postings, &sections, 10).len(), 6);
    }

    #[test]
    fn plain_slugs_match_the_clients() {
        assert_eq!(
            plain_slug("What was done").as_deref(),
            Some("what-was-done")
        );
        assert_eq!(
            plain_slug("  Article 8: privacy!  ").as_deref(),
            Some("article-8-privacy")
        );
        assert_eq!(plain_slug("Ŵyl"), None);
        let doc = SearchDoc {
            sections: vec![
                crate::markdown::TextSection {
                    anchor: Some("what-was-done".into()),
                    heading: "What was done".into(),
                    text: String::new(),
                },
                crate::markdown::TextSection {
                    anchor: Some("outcomes-1".into()),
                    heading: "Outcomes".into(),
                    text: String::new(),
                },
            ]
            .into(),
            ..SearchDoc::default()
        };
        let mut out = String::from("[");
        CardText::new(&doc, 60).write(7, &BTreeSet::from([0, 1, 2]), 3, &mut out);
        let c: serde_json::Value = serde_json::from_str(&format!("{out}]")).unwrap();
        assert_eq!(
            c[0],
            serde_json::json!([
                7,
                "",
                "",
                "",
                [1, "What was done", -2, "outcomes-1", "Outcomes"],
                3
            ])
        );
    }
}
