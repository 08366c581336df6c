//! Tests of the search index: analysis, ranking, determinism, escaping, size.

use std::io::Write;

use serde_json::Value;

use super::text::{fold_word, raw_words, tokens, unicode_raw_words, Analyzer};
use super::*;

fn doc(url: &str, title: &str, summary: &str, body: &str) -> SearchDoc {
    SearchDoc {
        lang: "en".into(),
        url: url.into(),
        title: title.into(),
        summary: summary.into(),
        page_type: "case-study".into(),
        type_label: "Case study".into(),
        facets: vec![(
            "settings".into(),
            vec![("mental-health".into(), "Mental health".into())],
        )],
        sections: vec![
            SearchSection {
                anchor: None,
                heading: String::new(),
                text: "An introduction to the work of the ward.".into(),
            },
            SearchSection {
                anchor: Some("what-was-done".into()),
                heading: "What was done".into(),
                text: body.into(),
            },
        ]
        .into(),
    }
}

fn file<'a>(index: &'a SearchIndex, prefix: &str) -> &'a SearchFile {
    index
        .files
        .iter()
        .find(|f| f.path.starts_with(prefix) && f.path.ends_with(".json"))
        .expect("file exists")
}

fn json(f: &SearchFile) -> Value {
    serde_json::from_slice(&f.contents).expect("valid JSON")
}

fn manifest(index: &SearchIndex, lang: &str) -> Value {
    let path = index.manifest(lang).expect("manifest");
    json(index.files.iter().find(|f| f.path == path).expect("file"))
}

/// Finds the shard entry for a folded word, as the client does.
fn lookup(index: &SearchIndex, word: &str) -> Option<(Value, Value)> {
    lookup_file(index, word).map(|(entry, f)| (entry, json(f)))
}

/// The shard entry for a folded word and the shard file it is in.
fn lookup_file<'a>(index: &'a SearchIndex, word: &str) -> Option<(Value, &'a SearchFile)> {
    lookup_in(index, "en", word)
}

/// [`lookup_file`] in one language's index.
fn lookup_in<'a>(
    index: &'a SearchIndex,
    lang: &str,
    word: &str,
) -> Option<(Value, &'a SearchFile)> {
    let m = manifest(index, lang);
    let t = m["t"].as_array()?;
    let mut shard = 0;
    for i in (0..t.len()).step_by(2) {
        if t[i].as_str()? <= word {
            shard = i / 2;
        }
    }
    let name = format!("search/{lang}/t{shard}.{}.json", t[shard * 2 + 1].as_str()?);
    let f = index.files.iter().find(|f| f.path == name)?;
    let entry = json(f)["w"]
        .as_array()?
        .iter()
        .find(|e| {
            e[0].as_str()
                .is_some_and(|s| s.split(' ').any(|w| w == word))
        })?
        .clone();
    Some((entry, f))
}

/// Decodes postings as the client does: `(doc, score)` pairs.
fn decode(postings: &Value, levels: u64) -> Vec<(u64, u64)> {
    let mut doc = 0;
    let mut out = Vec::new();
    for v in postings
        .as_array()
        .expect("postings")
        .iter()
        .filter_map(Value::as_u64)
    {
        doc += v / levels;
        out.push((doc, v % levels + 1));
    }
    out
}

#[test]
fn tokenises_with_unicode_words_and_separators() {
    let words: Vec<String> =
        tokens("Don’t restrain Mrs O'Neill: e.g. 3.5 ward-based care, a I").collect();
    assert_eq!(
        words,
        ["dont", "restrain", "mrs", "oneill", "3", "5", "ward", "based", "care"]
    );
}

#[test]
fn folds_case_and_welsh_diacritics() {
    assert_eq!(fold_word("Ŵyr"), "wyr");
    assert_eq!(fold_word("ŷ"), "y");
    assert_eq!(fold_word("Â"), "a");
    assert_eq!(fold_word("Caffé"), "caffe");
    assert_eq!(fold_word("Straße"), "strasse");
    let words: Vec<String> = tokens("Gwasanaethau iechyd meddwl: ŵyr, tŷ").collect();
    assert_eq!(words, ["gwasanaethau", "iechyd", "meddwl", "wyr", "ty"]);
}

/// Welsh mutations: a query in any mutated form finds the pages that use
/// any other form of the same radical, and only in the Welsh index.
#[test]
fn welsh_mutations_find_each_other() {
    let mut docs = vec![
        doc(
            "cy/a/",
            "Gofal urddasol",
            "Gofal i bobl hŷn.",
            "Mae gofal da yn bwysig.",
        ),
        doc(
            "cy/b/",
            "Ein hurddas",
            "Am ofal yn y cartref.",
            "Gwella ei ofal.",
        ),
        doc("cy/c/", "Ffôn", "Rhif ffôn.", "Ffoniwch ni."),
        doc("en/", "Care", "Good care.", "Care matters."),
    ];
    for d in &mut docs[..3] {
        d.lang = "cy".into();
    }
    let index = build_index(&docs, false);
    let levels = manifest(&index, "cy")["L"].as_u64().expect("levels");
    let docs_of = |word: &str| -> Vec<u64> {
        let Some((entry, _)) = lookup_in(&index, "cy", word) else {
            return Vec::new();
        };
        let postings = decode(&entry[1], levels);
        let mut found: Vec<u64> = postings.into_iter().map(|(d, _)| d).collect();
        found.sort_unstable();
        found
    };
    // Documents 0 and 1 (in index order) have "gofal" and "ofal".
    assert_eq!(docs_of("gofal"), [0, 1]);
    assert_eq!(docs_of("ofal"), [0, 1]);
    assert_eq!(docs_of("ngofal"), [0, 1], "a form no page uses");
    assert_eq!(docs_of("urddas"), docs_of("hurddas"));
    assert!(!docs_of("urddas").is_empty());
    assert_eq!(docs_of("ffon"), [2], "ff does not mutate; diacritics fold");
    assert!(
        lookup_in(&index, "en", "ofal").is_none(),
        "English is not mutated"
    );
}

/// Snowball English keeps "restraint" apart from "restrain": "restraining"
/// and "restrained" share the stem "restrain", "restraint(s)" stem to
/// "restraint". A typed "restrain" still finds "restraint" pages through
/// prefix matching of the last query word.
#[test]
fn stems_restraining_and_restraint_apart() {
    let en = Analyzer::new("en");
    assert_eq!(en.stem("restraining"), "restrain");
    assert_eq!(en.stem("restrained"), "restrain");
    assert_eq!(en.stem("restraint"), "restraint");
    assert_eq!(en.stem("restraints"), "restraint");
    assert_eq!(en.stem("rights"), "right");
    // Welsh has no stemmer: endings stay; the key only marks the
    // mutation series of the first consonant (h before a vowel is velar).
    assert_eq!(Analyzer::new("cy").stem("hawliau"), "v~awliau");
    assert_eq!(Analyzer::new("cy").stem("hawl"), "v~awl");
}

#[test]
fn stop_words_stay_out_of_postings() {
    let index = build_index(&[doc("a/", "The rights of the patient", "", "")], false);
    assert!(lookup(&index, "the").is_none());
    assert!(lookup(&index, "of").is_none());
    assert!(lookup(&index, "rights").is_some());
    let stop = manifest(&index, "en")["stop"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(stop.split(' ').any(|w| w == "the"));
}

#[test]
fn title_match_ranks_above_body_match() {
    let docs = [
        doc(
            "body/",
            "Ward routines",
            "",
            "We reviewed restraint use on the ward.",
        ),
        doc(
            "title/",
            "Reducing restraint",
            "",
            "We reviewed practice on the ward.",
        ),
        doc(
            "none/",
            "Family visits",
            "",
            "Visiting hours were extended.",
        ),
    ];
    let index = build_index(&docs, false);
    let (entry, shard) = lookup(&index, "restraint").expect("indexed");
    let postings = decode(&entry[1], 16);
    assert_eq!(postings.len(), 2, "two documents");
    let top = entry[2].as_array().expect("top");
    let first = top[0].as_u64().expect("doc");
    let best = postings.iter().max_by_key(|p| p.1).expect("postings");
    assert_eq!(best.0, first, "top list agrees with the scores");
    let card = shard["c"]
        .as_array()
        .expect("cards")
        .iter()
        .find(|c| c[0].as_u64() == Some(first))
        .expect("card for top doc")
        .clone();
    assert_eq!(card[2], "title/");
    // The body match links to the heading of the section where it occurs.
    assert_eq!(top[3].as_u64(), Some(2));
}

#[test]
fn output_is_deterministic() {
    let docs = vec![
        doc("b/", "Dignity in care", "Summary b", "Respect and dignity."),
        doc(
            "a/",
            "Privacy at home",
            "Summary a",
            "Privacy and family life.",
        ),
    ];
    let one = build_index(&docs, true);
    let mut reversed = docs.clone();
    reversed.reverse();
    let two = build_index(&reversed, true);
    assert_eq!(one.files, two.files);
    assert_eq!(one.manifests, two.manifests);
    for f in &one.files {
        let name = f.path.rsplit('/').next().unwrap_or("");
        if name.starts_with("manifest.") {
            continue;
        }
        let hash = name.split('.').nth(1).unwrap_or("");
        assert_eq!(hash.len(), 8, "{name} is named by a hash");
    }
}

/// A cache kept between builds (freda serve) gives the files a fresh build
/// gives, after documents change, go and arrive.
#[test]
fn cached_builds_equal_fresh_builds() {
    let opts = SearchOptions::default();
    let privacy = doc(
        "a/",
        "Privacy at home",
        "Summary a",
        "Privacy and family life.",
    );
    let dignity = doc(
        "b/",
        "Dignity in care",
        "Summary b",
        "Respect and dignity, running.",
    );
    let restraint = |body| doc("c/", "Restraint", "Summary c", body);
    let visiting = doc(
        "d/",
        "Visiting",
        "Summary d",
        "Visiting hours for families.",
    );
    let first = vec![
        privacy.clone(),
        dignity,
        restraint("Reducing restraint on wards."),
    ];
    let mut cache = IndexCache::default();
    let one = build_index_cached(first.clone(), &opts, &mut cache);
    assert_eq!(one.files, build_index_with(&first, &opts).files);
    // One document changed, one gone, one new; words only the gone one had are dropped.
    let second = vec![
        privacy,
        restraint("Reducing restraint on wards, runner."),
        visiting,
    ];
    let two = build_index_cached(second.clone(), &opts, &mut cache);
    assert_eq!(two.files, build_index_with(&second, &opts).files);
}

#[test]
fn js_twins_cannot_break_out_of_script() {
    let evil = doc(
        "x/",
        "</script><script>alert(1)</script>",
        "<!-- \u{2028}",
        "body",
    );
    let index = build_index(&[evil], true);
    let js: Vec<&SearchFile> = index
        .files
        .iter()
        .filter(|f| f.path.ends_with(".js"))
        .collect();
    assert!(!js.is_empty());
    for f in &js {
        let text = String::from_utf8_lossy(&f.contents);
        assert!(!text.contains('<'), "{}", f.path);
        assert!(!text.contains('\u{2028}'));
        assert!(text.starts_with("window.__fredaSearch=window.__fredaSearch||{};"));
        let twin = f.path.replace(".js", ".json");
        let json_file = index.files.iter().find(|g| g.path == twin).expect("twin");
        let body = String::from_utf8_lossy(&json_file.contents);
        assert!(text.contains(&*body));
    }
    let (_, shard) = lookup(&index, "script").expect("indexed");
    assert_eq!(shard["c"][0][1], "</script><script>alert(1)</script>");
}

#[test]
fn one_folder_per_language() {
    let mut cy = doc("cy/a/", "Hawliau dynol ŵyr", "", "Gofal iechyd.");
    cy.lang = "cy".into();
    let index = build_index(&[doc("a/", "Rights", "", ""), cy], false);
    let langs: Vec<&str> = index.manifests.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(langs, ["cy", "en"]);
    assert!(index
        .manifest("cy")
        .is_some_and(|p| p.starts_with("search/cy/manifest.")));
    assert!(file(&index, "search/cy/t0.")
        .contents
        .windows(3)
        .any(|w| w == b"wyr"));
}

#[test]
fn facets_and_signatures() {
    let mut a = doc("a/", "A page", "", "");
    a.facets.push((
        "rights".into(),
        vec![
            ("article-10".into(), "Article 10".into()),
            ("article-2".into(), "Article 2".into()),
        ],
    ));
    let index = build_index(&[a, doc("b/", "B page", "", "")], false);
    let m = manifest(&index, "en");
    let hash = m["f"].as_str().expect("facet file hash");
    let f = json(file(&index, &format!("search/en/f.{hash}")));
    assert_eq!(f["f"][0][0], "type");
    assert_eq!(f["f"][1][0], "right");
    assert_eq!(f["f"][1][2][0], "article-2", "natural order");
    // type(1) rights(1) principles(1) audiences(1) settings(1) per document,
    // column by column: the first two characters are the two types.
    assert_eq!(f["s"].as_str().map(str::len), Some(10));
    assert_eq!(m["types"][0], "Case study");
}

// ---------------------------------------------------------------------------
// Size check on 2,000 synthetic pages.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

struct Vocab {
    words: Vec<&'static str>,
    cumulative: Vec<u64>,
}

impl Vocab {
    fn load() -> Self {
        let mut words = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0;
        for line in include_str!("../../tests/search-fixture/words.txt").lines() {
            let mut parts = line.split(' ');
            let (Some(w), Some(n)) = (
                parts.next(),
                parts.next().and_then(|n| n.parse::<u64>().ok()),
            ) else {
                continue;
            };
            total += n;
            words.push(w);
            cumulative.push(total);
        }
        Vocab { words, cumulative }
    }
    fn word(&self, rng: &mut Rng) -> &'static str {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let r = rng.next() % total;
        let i = self.cumulative.partition_point(|&c| c <= r);
        self.words[i.min(self.words.len() - 1)]
    }
    fn text(&self, rng: &mut Rng, min: usize, extra: usize) -> String {
        let n = min + rng.below(extra + 1);
        (0..n).map(|_| self.word(rng)).collect::<Vec<_>>().join(" ")
    }
}

fn pick(rng: &mut Rng, n: usize, min: usize, max: usize) -> Vec<usize> {
    let count = min + rng.below(max - min + 1);
    let mut chosen: Vec<usize> = (0..count).map(|_| rng.below(n)).collect();
    chosen.sort_unstable();
    chosen.dedup();
    chosen
}

fn terms(prefix: &str, ids: Vec<usize>) -> Vec<(String, String)> {
    ids.into_iter()
        .map(|i| (format!("{prefix}-{i}"), format!("{prefix} label {i}")))
        .collect()
}

/// 2,000 pages of ~600 words drawn from the starter library's word list.
pub fn synthetic_docs(count: usize) -> Vec<SearchDoc> {
    const TYPES: [&str; 9] = [
        "case-study",
        "guide-part",
        "dos-donts",
        "training",
        "tool",
        "event",
        "evaluation",
        "page",
        "guide",
    ];
    let vocab = Vocab::load();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..count)
        .map(|i| {
            let ty = TYPES[rng.below(TYPES.len())];
            let title = vocab.text(&mut rng, 4, 4);
            let slug: String = title.replace(' ', "-");
            let mut sections = vec![SearchSection {
                anchor: None,
                heading: String::new(),
                text: vocab.text(&mut rng, 100, 0),
            }];
            for _ in 0..4 {
                let heading = vocab.text(&mut rng, 2, 2);
                sections.push(SearchSection {
                    anchor: Some(heading.replace(' ', "-")),
                    heading,
                    text: vocab.text(&mut rng, 125, 0),
                });
            }
            SearchDoc {
                lang: "en".into(),
                url: format!("{ty}s/{slug}-{i}/"),
                title,
                summary: vocab.text(&mut rng, 20, 19),
                page_type: ty.into(),
                type_label: ty.replace('-', " "),
                facets: vec![
                    ("rights".into(), terms("article", pick(&mut rng, 12, 0, 3))),
                    (
                        "principles".into(),
                        terms("principle", pick(&mut rng, 5, 1, 2)),
                    ),
                    (
                        "audiences".into(),
                        terms("audience", pick(&mut rng, 7, 1, 3)),
                    ),
                    ("settings".into(), terms("setting", pick(&mut rng, 9, 1, 2))),
                ],
                sections: sections.into(),
            }
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip").len()
}

/// True if every `top` document of the entry has a card in the shard.
fn renders_from_shard(entry: &Value, shard: &SearchFile) -> bool {
    let cards = json(shard)["c"].clone();
    let has = |d: &Value| {
        cards
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c[0] == *d))
    };
    entry[2]
        .as_array()
        .is_some_and(|top| top.iter().step_by(2).all(has))
}

/// A one-word query needs the manifest and one term shard, nothing more:
/// every word's best pages have their cards in the word's own shard, rare
/// words included.
#[test]
fn every_word_renders_from_its_own_shard() {
    let index = build_index(&synthetic_docs(400), false);
    let shards: Vec<&SearchFile> = index
        .files
        .iter()
        .filter(|f| f.path.starts_with("search/en/t"))
        .collect();
    let mut words = 0;
    for shard in &shards {
        for entry in json(shard)["w"].as_array().expect("entries") {
            assert!(
                renders_from_shard(entry, shard),
                "{entry} in {}",
                shard.path
            );
            words += 1;
        }
    }
    assert!(
        shards.len() > 1 && words > 500,
        "{} shards, {words} stems",
        shards.len()
    );
}

/// Prints the index size for 2,000 synthetic pages and checks the targets.
#[test]
fn size_of_index_for_2000_pages() {
    let docs = synthetic_docs(2000);
    let index = build_index(&docs, true);
    let (json_files, js_files): (Vec<&SearchFile>, Vec<&SearchFile>) =
        index.files.iter().partition(|f| f.path.ends_with(".json"));
    let raw: usize = json_files.iter().map(|f| f.contents.len()).sum();
    let js_raw: usize = js_files.iter().map(|f| f.contents.len()).sum();
    let gz: usize = json_files.iter().map(|f| gzip(&f.contents)).sum();
    let gz_of = |prefix: &str| -> Vec<usize> {
        let mut sizes: Vec<usize> = json_files
            .iter()
            .filter(|f| f.path.starts_with(prefix))
            .map(|f| gzip(&f.contents))
            .collect();
        sizes.sort_unstable();
        sizes
    };
    let manifest_gz = gz_of(index.manifest("en").expect("manifest"))[0];
    let facets_gz = gz_of("search/en/f.")[0];
    let shards = gz_of("search/en/t");
    let doc_shards = gz_of("search/en/d");
    let client = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/static/search.js"
    ))
    .map(|b| gzip(&b))
    .expect("search.js");
    let worst = shards.last().copied().unwrap_or(0);
    println!("2,000 synthetic pages, ~600 words each:");
    println!(
        "  files: {} JSON (+ as many .js twins, {js_raw} bytes raw)",
        json_files.len()
    );
    println!(
        "    {} term shards, {} card blocks, 1 facet file, 1 manifest",
        shards.len(),
        doc_shards.len()
    );
    println!(
        "  total index: {raw} bytes raw, {gz} bytes gzip = {} bytes per page",
        gz / docs.len()
    );
    println!(
        "  manifest {manifest_gz} gzip; facets {facets_gz} gzip; client search.js {client} gzip"
    );
    println!(
        "  term shards gzip: median {}, max {worst}; card blocks gzip: median {}",
        shards[shards.len() / 2],
        doc_shards[doc_shards.len() / 2]
    );
    for w in ["restraint", "dignity", "rights", "care", "advocacy"] {
        let Some((entry, shard)) = lookup_file(&index, w) else {
            continue;
        };
        let shard_gz = gzip(&shard.contents);
        println!(
            "  cold query {w:?}: client {client} + manifest {manifest_gz} + shard {shard_gz} = {} bytes gzip \
             (2 fetches; renders from the shard: {}); search page + facets = {}",
            client + manifest_gz + shard_gz,
            renders_from_shard(&entry, shard),
            client + manifest_gz + shard_gz + facets_gz
        );
    }
    println!(
        "  worst shard: {} bytes gzip; with facets {}",
        client + manifest_gz + worst,
        client + manifest_gz + worst + facets_gz
    );
    assert!(client <= 10_240, "client within 10 KB gzip");
    assert!(manifest_gz <= 2_048, "manifest within 2 KB gzip");
    assert!(
        client + manifest_gz + worst + facets_gz <= 40_000,
        "cold one-word query within 40 KB"
    );
    assert!(
        gz / docs.len() < 1_000,
        "well under Pagefind's 1–1.5 KB per page"
    );
}

/// Prints where the bytes of an index go.
fn report(name: &str, docs: &[SearchDoc]) {
    let index = build_index(docs, false);
    let (mut stems, mut carded, mut w_gz, mut c_gz, mut shards) = (0, 0, 0, 0, Vec::new());
    for f in index
        .files
        .iter()
        .filter(|f| f.path.contains("/t") && f.path.ends_with(".json"))
    {
        let v = json(f);
        let cards: std::collections::BTreeSet<u64> = v["c"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c[0].as_u64())
            .collect();
        for e in v["w"].as_array().unwrap() {
            stems += 1;
            let top = e[2].as_array().unwrap();
            if top
                .iter()
                .step_by(2)
                .all(|d| d.as_u64().is_some_and(|d| cards.contains(&d)))
            {
                carded += 1;
            }
        }
        w_gz += gzip(v["w"].to_string().as_bytes());
        c_gz += gzip(v["c"].to_string().as_bytes());
        shards.push(gzip(&f.contents));
    }
    shards.sort_unstable();
    let all: usize = index.files.iter().map(|f| gzip(&f.contents)).sum();
    let d: usize = index
        .files
        .iter()
        .filter(|f| f.path.contains("/d"))
        .map(|f| gzip(&f.contents))
        .sum();
    let m = manifest(&index, "en");
    println!("{name}: total gz {all} ({}/page); {} shards median {} max {}; entries gz {w_gz} cards gz {c_gz}; doc files gz {d}",
        all / docs.len(), shards.len(), shards[shards.len() / 2], shards[shards.len() - 1]);
    println!(
        "  stems {stems}, fully carded {carded}; manifest gz {} (shard table {})",
        gzip(m.to_string().as_bytes()),
        gzip(m["t"].to_string().as_bytes()),
    );
}

/// Replaces 15% of body words with words from a 20,000-word long tail
/// (log-uniform ranks), as real libraries have.
fn long_tail(docs: &mut [SearchDoc]) {
    const SYL: [&str; 24] = [
        "ka", "ri", "mon", "tel", "as", "ur", "bi", "nor", "les", "pa", "dre", "shi", "vo", "gan",
        "ter", "lu", "mi", "sto", "qua", "ren", "el", "dor", "fi", "ap",
    ];
    let mut rng = Rng(12345);
    let word = |rng: &mut Rng| {
        let u = (rng.next() % 1_000_000) as f64 / 1_000_000.0;
        let mut r = (u * 20_000f64.ln()).exp() as usize;
        let mut w = String::new();
        while r > 0 || w.len() < 4 {
            w.push_str(SYL[r % 24]);
            r /= 24;
        }
        w
    };
    for d in docs.iter_mut() {
        let mut sections = d.sections.to_vec();
        for s in &mut sections {
            let words: Vec<String> = s
                .text
                .split(' ')
                .map(|t| {
                    if rng.below(100) < 15 {
                        word(&mut rng)
                    } else {
                        t.to_owned()
                    }
                })
                .collect();
            s.text = words.join(" ");
        }
        d.sections = sections.into();
    }
}

/// Size breakdown, small vocabulary vs long tail:
/// `cargo test --release breakdown -- --ignored --nocapture`.
#[test]
#[ignore]
fn breakdown() {
    let mut docs = synthetic_docs(2000);
    report("small vocabulary", &docs);
    long_tail(&mut docs);
    report("long tail", &docs);
}

/// The plain-text tokeniser gives exactly the UAX #29 words of the general
/// one, on random strings over its characters (and a few others, which send
/// a string to the general one).
#[test]
fn plain_words_match_unicode_words() {
    let alphabet: Vec<char> = "aZk09'’‘\"“”–—.,:;_- \n\t()!?/é".chars().collect();
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for _ in 0..20_000 {
        let len = next() % 12;
        let text: String = (0..len)
            .map(|_| alphabet[next() % alphabet.len()])
            .collect();
        let fast: Vec<&str> = raw_words(&text).collect();
        let general: Vec<&str> = unicode_raw_words(&text).collect();
        assert_eq!(fast, general, "{text:?}");
    }
}
