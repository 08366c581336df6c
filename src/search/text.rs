//! Text analysis shared by the indexer and (mirrored) by `search.js`:
//! tokenising, folding, stop words and stemming.
//!
//! The client never stems: it looks query words up by their *folded surface
//! form* (the word as written, lower-cased and without diacritics), which the
//! index maps to stems. So only [`fold_word`] and the separator rule in
//! [`tokens`] must match the JavaScript `fold`/`words` functions exactly.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// English stop words: kept out of the postings and sent to the client in the
/// manifest, so it can drop them from queries (and tell a stop word from a typo).
const STOP_EN: &str = "a about after all also am an and any are as at be been before being between both but by \
can could did do does doing during each for from had has have having he her here hers him his how i if in into is \
it its itself just me more most my no nor not of off on once only or other our ours out over own same she should \
so some such than that the their theirs them then there these they this those through to too under until up very \
was we were what when where which while who whom why will with would you your yours";

/// Welsh stop words (articles, common prepositions and particles).
const STOP_CY: &str =
    "a ac am ar at fy ei eich ein eu gan hi hwn hyn i mae o oedd os sy sydd wrth y yn yr";

/// The stop words for a language (by primary subtag), space-separated.
pub fn stop_words(lang: &str) -> &'static str {
    match primary_subtag(lang).as_str() {
        "en" => STOP_EN,
        "cy" => STOP_CY,
        _ => "",
    }
}

/// The Snowball stemmer for a language, if rust-stemmers has one.
pub fn stemmer(lang: &str) -> Option<Stemmer> {
    let algorithm = match primary_subtag(lang).as_str() {
        "en" => Algorithm::English,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "es" => Algorithm::Spanish,
        "it" => Algorithm::Italian,
        "pt" => Algorithm::Portuguese,
        "nl" => Algorithm::Dutch,
        "da" => Algorithm::Danish,
        "sv" => Algorithm::Swedish,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "fi" => Algorithm::Finnish,
        "ro" => Algorithm::Romanian,
        "hu" => Algorithm::Hungarian,
        "tr" => Algorithm::Turkish,
        "ru" => Algorithm::Russian,
        "el" => Algorithm::Greek,
        "ar" => Algorithm::Arabic,
        "ta" => Algorithm::Tamil,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

fn primary_subtag(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// True for the combining marks that folding strips. The same ranges are in
/// `search.js` (`MARKS`): Combining Diacritical Marks and their extensions.
fn is_stripped_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

/// True for characters that split words. Mirrors `SEP` in `search.js`: ASCII
/// punctuation and controls, Latin-1 punctuation, general punctuation,
/// currency signs, arrows to misc. symbols, CJK punctuation and full-width
/// ASCII punctuation. Apostrophes are not separators: folding deletes them.
pub fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{0}'..='\u{26}' | '\u{28}'..='\u{2f}' | '\u{3a}'..='\u{40}'
            | '\u{5b}'..='\u{60}' | '\u{7b}'..='\u{bf}' | '\u{d7}' | '\u{f7}'
            | '\u{2000}'..='\u{2017}' | '\u{201a}'..='\u{206f}' | '\u{20a0}'..='\u{20cf}'
            | '\u{2190}'..='\u{2bff}' | '\u{feff}'
            | '\u{3000}'..='\u{303f}' | '\u{fe30}'..='\u{fe4f}' | '\u{ff00}'..='\u{ff0f}'
            | '\u{ff1a}'..='\u{ff20}')
}

/// True for apostrophes, which are deleted inside words ("don't" → "dont").
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{2bc}')
}

/// Folds one word: NFD, strip diacritics, a few letters that NFD keeps
/// (ß ø æ œ ł đ ı, final ς), lower-case, drop apostrophes. Welsh "ŵyr" → "wyr".
pub fn fold_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word
        .nfd()
        .filter(|c| !is_stripped_mark(*c) && !is_apostrophe(*c))
    {
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'ø' | 'Ø' => out.push('o'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            'ı' => out.push('i'),
            'ς' => out.push('σ'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Splits text into folded words: UAX #29 word boundaries
/// (`unicode-segmentation`), then [`is_separator`] inside those words, then
/// [`fold_word`]. Single ASCII letters are dropped (digits are kept).
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text).filter_map(fold_token)
}

/// The words of a text before folding (see [`tokens`]).
pub fn raw_words(text: &str) -> RawWords<'_> {
    if text.chars().all(is_plain) {
        RawWords::Plain(PlainWords { text, pos: 0 })
    } else {
        RawWords::Unicode(Box::new(unicode_raw_words(text)))
    }
}

/// UAX #29 words split at [`is_separator`]: the general definition.
pub(crate) fn unicode_raw_words(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.unicode_words()
        .flat_map(|w| w.split(is_separator))
        .filter(|w| !w.is_empty())
}

/// The fast path of [`raw_words`] alone, when every character of `text`
/// allows it (for the fuzzing harness, which compares it with the general one).
pub(crate) fn plain_words(text: &str) -> Option<PlainWords<'_>> {
    text.chars()
        .all(is_plain)
        .then_some(PlainWords { text, pos: 0 })
}

/// A character the fast path takes: `c` itself if it is one, else one of
/// them chosen by its code point (for the fuzzing harness).
pub(crate) fn to_plain(c: char) -> char {
    const SPECIAL: [char; 6] = [
        '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2013}', '\u{2014}',
    ];
    if is_plain(c) {
        c
    } else {
        SPECIAL[c as usize % SPECIAL.len()]
    }
}

/// The iterator of [`raw_words`].
pub enum RawWords<'a> {
    /// Text of plain characters only (ASCII, curly quotes, dashes).
    Plain(PlainWords<'a>),
    /// Any other text.
    Unicode(Box<dyn Iterator<Item = &'a str> + 'a>),
}

impl<'a> Iterator for RawWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            RawWords::Plain(words) => words.next(),
            RawWords::Unicode(words) => words.next(),
        }
    }
}

/// Characters whose UAX #29 word-break class is simple: ASCII, the curly
/// single quotes (MidNumLet, like `.`), and the curly double quotes and
/// dashes that smart punctuation makes (class Other). The text of most
/// English pages is made of these alone.
fn is_plain(c: char) -> bool {
    c.is_ascii()
        || matches!(
            c,
            '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' | '\u{2013}' | '\u{2014}'
        )
}

/// The words of text of plain characters (ASCII, curly quotes, dashes),
/// found without the Unicode tables. Among these characters UAX #29 joins letters and digits
/// (WB5, WB8–WB10), joins across `_` (WB13a/b) and across `. : , ;` and
/// apostrophes only between two letters (WB6/7) or two digits (WB11/12), and
/// breaks everywhere else. Splitting at separators then undoes every join but
/// an apostrophe's. So a word is a run of ASCII letters and digits, continued
/// across an apostrophe between two letters or two digits. Tested against the
/// general definition.
pub struct PlainWords<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for PlainWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let text = self.text;
        let rest = text.get(self.pos..)?;
        let start = self.pos + rest.find(|c: char| c.is_ascii_alphanumeric())?;
        let mut end = start;
        let mut chars = text.get(start..)?.chars().peekable();
        let mut last = ' ';
        while let Some(c) = chars.next() {
            if c.is_ascii_alphanumeric() {
                end += 1;
                last = c;
                continue;
            }
            let joins = is_apostrophe(c)
                && chars.peek().is_some_and(|&next| {
                    (last.is_ascii_alphabetic() && next.is_ascii_alphabetic())
                        || (last.is_ascii_digit() && next.is_ascii_digit())
                });
            if !joins {
                break;
            }
            end += c.len_utf8();
        }
        self.pos = end;
        text.get(start..end)
    }
}

/// Folds a raw word; `None` if it is not kept as a token.
pub fn fold_token(raw: &str) -> Option<String> {
    let word = fold_word(raw);
    keep_token(&word).then_some(word)
}

fn keep_token(word: &str) -> bool {
    !(word.is_empty() || (word.len() == 1 && word.bytes().all(|b| b.is_ascii_alphabetic())))
}

/// A language's analyser: stop words plus an optional stemmer.
pub struct Analyzer {
    stop: std::collections::BTreeSet<&'static str>,
    stemmer: Option<Stemmer>,
    /// Welsh: words are keyed by their mutation series ([`super::welsh`]).
    welsh: bool,
}

impl Analyzer {
    /// The analyser for a language code such as "en" or "cy-GB".
    pub fn new(lang: &str) -> Self {
        Analyzer {
            stop: stop_words(lang).split_whitespace().collect(),
            stemmer: stemmer(lang),
            welsh: primary_subtag(lang) == "cy",
        }
    }

    /// The forms a query may take for an indexed word, besides the word
    /// itself: Welsh mutations (see [`super::welsh::variants`]).
    pub fn variants(&self, folded: &str) -> Vec<String> {
        if self.welsh {
            super::welsh::variants(folded)
                .into_iter()
                .filter(|v| v != folded && !self.is_stop(v))
                .collect()
        } else {
            Vec::new()
        }
    }

    /// True if the folded word is a stop word.
    pub fn is_stop(&self, folded: &str) -> bool {
        self.stop.contains(folded)
    }

    /// The stem of a folded word (the word itself without a stemmer).
    pub fn stem(&self, folded: &str) -> String {
        match &self.stemmer {
            Some(s) => s.stem(folded).into_owned(),
            None if self.welsh => super::welsh::key(folded),
            None => folded.to_owned(),
        }
    }
}
