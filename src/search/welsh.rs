//! Welsh initial mutations, so a search for *gofal* finds *ofal* and
//! *ngofal*, and a search for *ofal* finds *gofal*.
//!
//! Welsh changes the first sound of a word after certain words: soft
//! mutation (*cymorth* → *gymorth*, *gofal* → *ofal*, *mam* → *fam*),
//! nasal (*cymorth* → *nghymorth*, *gofal* → *ngofal*), aspirate
//! (*cymorth* → *chymorth*) and an *h* before a vowel (*urddas* →
//! *hurddas*). Written forms alone cannot say which radical a word came
//! from (*fam* may be *bam* or *mam*), so freda does not guess:
//!
//! * every folded word is indexed under a **key**: its mutable first
//!   consonant replaced by its *series* (velar c/g/ch/ng/ngh/h/vowel,
//!   labial p/b/f/m/mh/ph, dental t/d/dd/n/nh/th, ll/l, rh/r), so all
//!   forms of one radical share a key ([`key`]);
//! * every indexed word also lists its possible radicals and their
//!   mutations as search forms ([`variants`]), so a query in any form
//!   finds the key, although the browser never stems or mutates.
//!
//! The cost: words that differ only in a mutable first consonant of one
//! series share a key (*tal*/*dal*, *mae*/*bae*, *cawl*/*hawl*), so a
//! search may find a few pages with a look-alike word. Word endings
//! (plurals such as *hawl*/*hawliau*) are not stemmed; there is no
//! Welsh Snowball stemmer.

/// Letters that start a word with a vowel sound in Welsh.
const VOWELS: &[u8] = b"aeiouwy";

/// The mutable first consonants and their series, longest first.
const INITIALS: &[(&str, char)] = &[
    ("ngh", 'v'),
    ("mh", 'b'),
    ("nh", 'd'),
    ("ph", 'b'),
    ("th", 'd'),
    ("ch", 'v'),
    ("dd", 'd'),
    ("ng", 'v'),
    ("ll", 'l'),
    ("rh", 'r'),
    ("c", 'v'),
    ("g", 'v'),
    ("p", 'b'),
    ("b", 'b'),
    ("m", 'b'),
    ("t", 'd'),
    ("d", 'd'),
    ("n", 'd'),
    ("l", 'l'),
    ("r", 'r'),
];

fn starts_with_vowel(word: &str) -> bool {
    word.bytes().next().is_some_and(|b| VOWELS.contains(&b))
}

/// A word's mutable start and its series, or `None` when it does not
/// mutate (`s…`, `ff…`, `f…` is labial). An `h` before a vowel and a
/// vowel itself are velar (soft mutation drops `g`, `ei` adds `h`).
fn initial(word: &str) -> Option<(&str, char)> {
    if word.starts_with("ff") {
        return None;
    }
    if let Some(rest) = word.strip_prefix('f') {
        return Some((rest, 'b'));
    }
    if let Some(rest) = word.strip_prefix('h').filter(|r| starts_with_vowel(r)) {
        return Some((rest, 'v'));
    }
    if starts_with_vowel(word) {
        return Some((word, 'v'));
    }
    INITIALS
        .iter()
        .find_map(|(start, series)| Some((word.strip_prefix(start)?, *series)))
}

/// The index key of a folded Welsh word: the same for all its mutated
/// forms. Words that do not mutate are their own key.
pub fn key(word: &str) -> String {
    match initial(word) {
        Some((rest, series)) if !rest.is_empty() => format!("{series}~{rest}"),
        _ => word.to_string(),
    }
}

/// The radicals a folded word may come from (itself included).
fn radicals(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    let restore: &[(&str, &[&str])] = &[
        ("ngh", &["c"]),
        ("mh", &["p"]),
        ("nh", &["t"]),
        ("ph", &["p"]),
        ("th", &["t"]),
        ("ch", &["c"]),
        ("dd", &["d"]),
        ("ng", &["g"]),
        ("g", &["c"]),
        ("b", &["p"]),
        ("d", &["t"]),
        ("l", &["ll"]),
        ("r", &["rh"]),
        ("m", &["b"]),
        ("n", &["d"]),
    ];
    if let Some(rest) = word.strip_prefix('f').filter(|r| !r.starts_with('f')) {
        out.push(format!("b{rest}"));
        out.push(format!("m{rest}"));
    } else if let Some(rest) = word.strip_prefix('h').filter(|r| starts_with_vowel(r)) {
        out.push(rest.to_string());
    } else if starts_with_vowel(word) {
        out.push(format!("g{word}"));
    } else if let Some((start, to)) = restore.iter().find(|(s, _)| word.starts_with(s)) {
        let rest = &word[start.len()..];
        out.extend(to.iter().map(|t| format!("{t}{rest}")));
    }
    out
}

/// The mutated forms of a radical (not itself).
fn mutations(radical: &str) -> Vec<String> {
    let table: &[(&str, &[&str])] = &[
        ("ch", &[]),
        ("mh", &[]),
        ("ll", &["l"]),
        ("rh", &["r"]),
        ("ng", &[]),
        ("dd", &[]),
        ("ff", &[]),
        ("th", &[]),
        ("ph", &[]),
        ("c", &["g", "ngh", "ch"]),
        ("p", &["b", "mh", "ph"]),
        ("t", &["d", "nh", "th"]),
        ("g", &["", "ng"]),
        ("b", &["f", "m"]),
        ("d", &["dd", "n"]),
        ("m", &["f"]),
    ];
    if starts_with_vowel(radical) {
        return vec![format!("h{radical}")];
    }
    table
        .iter()
        .find(|(s, _)| radical.starts_with(s))
        .map(|(s, to)| {
            let rest = &radical[s.len()..];
            to.iter().map(|t| format!("{t}{rest}")).collect()
        })
        .unwrap_or_default()
}

/// Every form a query may take for a folded word: its possible radicals
/// and their mutations, the word itself first. All share [`key`]`(word)`.
pub fn variants(word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in radicals(word) {
        let more = mutations(&r);
        for v in std::iter::once(r).chain(more) {
            if v.len() >= 2 && !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_forms_of_a_radical_share_a_key() {
        for forms in [
            &["gofal", "ofal", "ngofal"][..],
            &["cymorth", "gymorth", "nghymorth", "chymorth"],
            &["parch", "barch", "mharch", "pharch"],
            &["teulu", "deulu", "nheulu", "theulu"],
            &["mam", "fam"],
            &["bywyd", "fywyd", "mywyd"],
            &["dewis", "ddewis", "newis"],
            &["llais", "lais"],
            &["rhyddid", "ryddid"],
            &["urddas", "hurddas"],
            &["gwaith", "waith"],
        ] {
            let keys: Vec<String> = forms.iter().map(|w| key(w)).collect();
            assert!(keys.iter().all(|k| *k == keys[0]), "{forms:?} → {keys:?}");
        }
        assert_ne!(key("gofal"), key("cofal-not-a-series-difference-check"));
        assert_eq!(key("ffon"), "ffon");
        assert_eq!(key("staff"), "staff");
    }

    #[test]
    fn variants_reach_the_radical_and_its_mutations() {
        let v = variants("ofal");
        for want in ["ofal", "gofal", "ngofal", "hofal"] {
            assert!(v.contains(&want.to_string()), "{want} not in {v:?}");
        }
        let v = variants("cleifion");
        for want in ["gleifion", "nghleifion", "chleifion"] {
            assert!(v.contains(&want.to_string()), "{want} not in {v:?}");
        }
        let v = variants("fam");
        for want in ["mam", "bam", "fam"] {
            assert!(v.contains(&want.to_string()), "{want} not in {v:?}");
        }
        for word in [
            "gofal", "ofal", "fam", "urddas", "chwilio", "nhad", "mharch", "ngofal",
        ] {
            let k = key(word);
            for form in variants(word) {
                assert_eq!(key(&form), k, "{form} (from {word})");
            }
        }
    }
}
