//! Readability estimates for English prose: the Flesch reading ease and a
//! reading age from the Flesch–Kincaid grade.
//!
//! The markdown stage feeds every block of prose (a paragraph, list item,
//! table cell) to a [`Prose`] counter, so a list item without a full stop
//! still ends a sentence. Syllables are counted with the usual vowel-group
//! rule, which is close enough for an advisory score: these are estimates
//! to prompt plain English, never errors.

use crate::content::{Page, Site};
use crate::diagnostics::Diagnostic;

/// Fewer words than this give no meaningful score.
pub const MIN_WORDS: usize = 100;

/// Counts of words, sentences and syllables in some prose.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Prose {
    /// Words.
    pub words: usize,
    /// Sentences.
    pub sentences: usize,
    /// Syllables.
    pub syllables: usize,
}

impl Prose {
    /// Adds one block of text; its end also ends a sentence.
    pub fn add_block(&mut self, text: &str) {
        let mut words_in_sentence = 0;
        for word in text.split_whitespace() {
            if !word.chars().any(char::is_alphabetic) {
                continue;
            }
            self.words += 1;
            self.syllables += syllables(word);
            words_in_sentence += 1;
            if ends_sentence(word) {
                self.sentences += 1;
                words_in_sentence = 0;
            }
        }
        if words_in_sentence > 0 {
            self.sentences += 1;
        }
    }

    /// The Flesch reading ease: 206.835 − 1.015·words/sentence −
    /// 84.6·syllables/word. 60–70 is plain English; below 30 is very hard.
    pub fn flesch(&self) -> f64 {
        let (w, s, y) = self.ratios();
        206.835 - 1.015 * w / s - 84.6 * y / w
    }

    /// Estimated reading age in years: the Flesch–Kincaid grade
    /// (0.39·words/sentence + 11.8·syllables/word − 15.59) plus 5, as UK
    /// school years start at 5.
    pub fn reading_age(&self) -> f64 {
        let (w, s, y) = self.ratios();
        (0.39 * w / s + 11.8 * y / w - 15.59 + 5.0).max(5.0)
    }

    fn ratios(&self) -> (f64, f64, f64) {
        let f = |n: usize| n.max(1) as f64;
        (f(self.words), f(self.sentences), f(self.syllables))
    }
}

fn ends_sentence(word: &str) -> bool {
    let end = word.trim_end_matches(['"', '\'', ')', '’', '”', ']']);
    end.ends_with(['.', '!', '?', ':', ';'])
        && !["e.g.", "i.e.", "etc.", "dr.", "mr.", "mrs.", "ms.", "no."]
            .iter()
            .any(|a| end.eq_ignore_ascii_case(a))
}

/// Syllables in an English word: groups of vowels (y counts after the first
/// letter), less a silent final "e", at least one. Letters only; no
/// allocation, as it runs on every word of every page.
pub fn syllables(word: &str) -> usize {
    if word.is_ascii() {
        count_syllables(word.bytes().map(char::from))
    } else {
        count_syllables(word.chars())
    }
}

fn count_syllables(chars: impl Iterator<Item = char>) -> usize {
    let mut count = 0;
    // The last three letters, newest last, and whether each was a vowel.
    let mut last = [('\0', false); 3];
    for (i, c) in chars
        .filter(|c| c.is_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .enumerate()
    {
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u') || (c == 'y' && i > 0);
        if vowel && !last[2].1 {
            count += 1;
        }
        last = [last[1], last[2], (c, vowel)];
    }
    let [(_, v3), (c2, v2), (c1, _)] = last;
    // "table", "little": a final "le" after a consonant is a syllable.
    let consonant_le = c2 == 'l' && !v3;
    let silent_e = last[0].0 != '\0' && c1 == 'e' && !v2 && !consonant_le;
    if silent_e && count > 1 {
        count -= 1;
    }
    count.max(1)
}

/// One page's scores, for `freda check --readability`.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// `content/…` path.
    pub path: String,
    /// Words of prose.
    pub words: usize,
    /// Flesch reading ease.
    pub flesch: f64,
    /// Estimated reading age in years.
    pub reading_age: f64,
    /// Whether the page is for an audience that needs plain English.
    pub plain_english: bool,
}

/// Scores of every page with enough prose, hardest first.
pub fn scores(site: &Site) -> Vec<Score> {
    let wanted = &site.config.check.plain_english_audiences;
    merged(site.pages.iter().filter_map(|p| score(p, wanted)))
}

/// Scores (of one or more language sites), hardest first.
pub fn merged(scores: impl Iterator<Item = Score>) -> Vec<Score> {
    let mut out: Vec<Score> = scores.collect();
    out.sort_by(|a, b| {
        b.reading_age
            .total_cmp(&a.reading_age)
            .then(a.path.cmp(&b.path))
    });
    out
}

/// A page's scores, if it has enough prose; `wanted` lists the audience
/// terms that need plain English.
fn score(page: &Page, wanted: &[String]) -> Option<Score> {
    // The formulas are for English; a fallback is scored in its own site.
    let english = crate::check::is_english(&page.meta.lang) && !page.meta.fallback;
    (english && page.prose.words >= MIN_WORDS).then(|| Score {
        path: format!("content/{}", page.source),
        words: page.prose.words,
        flesch: page.prose.flesch(),
        reading_age: page.prose.reading_age(),
        plain_english: page
            .taxonomies
            .iter()
            .filter(|t| t.name == "audiences")
            .flat_map(|t| &t.terms)
            .any(|t| wanted.contains(&t.slug)),
    })
}

/// A note for each page for frontline staff or service users whose reading
/// age is above `[check] reading_age`.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let limit = f64::from(site.config.check.reading_age);
    let wanted = &site.config.check.plain_english_audiences;
    site.pages
        .iter()
        .filter_map(|page| {
            let s = score(page, wanted)?;
            (s.plain_english && s.reading_age.round() > limit).then(|| {
                Diagnostic::note(
                    &s.path,
                    format!(
                        "reading age about {:.0} (Flesch reading ease {:.0}), above {limit} for a page for frontline staff or service users",
                        s.reading_age, s.flesch
                    ),
                )
                .at(&page.text, crate::content::frontmatter::opening_span(&page.text))
                .help("use shorter sentences (15–20 words) and everyday words; `freda check --readability` lists every page")
            })
        })
        .collect()
}

/// The scores as an aligned text table.
pub fn table(scores: &[Score]) -> String {
    let wp = scores
        .iter()
        .map(|s| s.path.chars().count())
        .chain([4])
        .max()
        .unwrap_or(4);
    let mut out = format!(
        "{:wp$}  {:>5}  {:>6}  {:>11}  Plain English\n",
        "Page", "Words", "Flesch", "Reading age"
    );
    for s in scores {
        out.push_str(&format!(
            "{:wp$}  {:>5}  {:>6.0}  {:>11.0}  {}\n",
            s.path,
            s.words,
            s.flesch,
            s.reading_age,
            if s.plain_english { "yes" } else { "" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_of_common_words() {
        for (w, n) in [
            ("care", 1),
            ("rights", 1),
            ("dignity", 3),
            ("restraint", 2),
            ("table", 2),
            ("the", 1),
            ("proportionate", 4),
            ("yes", 1),
            ("every", 3),
        ] {
            assert_eq!(syllables(w), n, "{w}");
        }
    }

    #[test]
    fn plain_text_scores_easier_than_dense_text() {
        let mut plain = Prose::default();
        plain.add_block("Ask the patient first. Tell them what you will do. Listen to the answer.");
        let mut dense = Prose::default();
        dense.add_block("Interference with the right to respect for private and family life must be proportionate, necessary in a democratic society and in accordance with the law, considering the individual circumstances of the patient concerned.");
        assert_eq!((plain.words, plain.sentences), (14, 3));
        assert!(plain.flesch() > 80.0, "{}", plain.flesch());
        assert!(plain.reading_age() < 9.0, "{}", plain.reading_age());
        assert!(dense.flesch() < 30.0, "{}", dense.flesch());
        assert!(dense.reading_age() > 18.0, "{}", dense.reading_age());
    }

    #[test]
    fn a_block_ends_a_sentence() {
        let mut p = Prose::default();
        p.add_block("Knock before entering");
        p.add_block("Use the person's preferred name, e.g. Mrs Jones.");
        assert_eq!((p.words, p.sentences), (11, 2));
    }
}
