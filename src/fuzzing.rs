//! Fuzzing harnesses: one function per fuzz target in `fuzz/`.
//!
//! Each takes arbitrary bytes, runs one part of freda on them as a build
//! would, and panics when an invariant fails. The fuzz targets are one-line
//! wrappers around these, and `tests/fuzz_regressions.rs` replays every file
//! of `fuzz/regressions/<target>/` through the same functions, so `cargo test`
//! covers what the fuzzers found. Not part of freda's interface.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::check::{self, CheckOptions};
use crate::config::Config;
use crate::content::date::Date;
use crate::content::frontmatter::split;
use crate::content::walk::{parse_text, Walked};
use crate::content::{self, LoadOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{heading_slug, LinkTargets, Markdown, SourceRef};
use crate::search::text;

/// A harness: runs one part of freda on arbitrary bytes, panicking on a bug.
pub type Harness = fn(&[u8]);

/// The fuzz targets, by name: the folder names under `fuzz/regressions/`.
pub const TARGETS: [(&str, Harness); 4] = [
    ("front_matter", front_matter),
    ("markdown", markdown),
    ("slugify", slugify),
    ("tokenizer", tokenizer),
];

/// The site configuration the harnesses load content against: a base path
/// below the root, a closed and an open vocabulary.
const SITE_TOML: &str = r##"title = "Fuzz"
base_url = "https://example.org/hr/"
language = "en"

[taxonomies.rights]
label = "Rights"

[[taxonomies.rights.terms]]
slug = "article-8"
label = "Article 8"

[[taxonomies.rights.terms]]
slug = "article-3"
label = "Article 3"

[taxonomies.topics]
label = "Topics"
open = true
"##;

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| Config::parse(SITE_TOML).expect("the fuzzing site.toml is valid"))
}

fn markdown_tools() -> &'static Markdown {
    static MARKDOWN: OnceLock<Markdown> = OnceLock::new();
    MARKDOWN.get_or_init(Markdown::new)
}

/// Asserts that a diagnostic's position lies inside `text`: its line exists,
/// its column is on that line (or just after it) and it quotes that line.
pub fn assert_location_in(text: &str, d: &Diagnostic) {
    let Some(loc) = &d.location else { return };
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(
        (1..=lines.len()).contains(&loc.line),
        "line {} of {} lines: {d}",
        loc.line,
        lines.len()
    );
    let line = lines[loc.line - 1].trim_end_matches('\r');
    assert!(
        (1..=line.chars().count() + 1).contains(&loc.col),
        "column {} on a line of {} characters: {d}",
        loc.col,
        line.chars().count()
    );
    // The line as shown: control characters as symbols, a long line as a window marked with `…`.
    let line = crate::diagnostics::shown(line.trim_start_matches('\u{feff}'));
    let window = loc
        .source_line
        .trim_start_matches('…')
        .trim_end_matches('…');
    if line.chars().count() <= 400 {
        assert_eq!(loc.source_line, line, "{d}");
    } else {
        assert!(line.contains(window), "{d}");
    }
    assert!(loc.width >= 1, "{d}");
    // Showing it must not panic either.
    let _ = d.to_string();
}

/// Front matter as the content loader reads it: [`split`], then
/// [`parse_text`] and [`content::from_parsed`] with the text as the home
/// page, a section and a page in that section, then the Markdown stage and
/// the content checks. Splitting must give slices of the text at the offsets
/// it names, and every diagnostic must point inside the text.
pub fn front_matter(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    match split("content/notes/page.md", &text) {
        Ok(sp) => {
            assert!(sp.front_offset <= sp.body_offset && sp.body_offset <= text.len());
            assert_eq!(
                text.get(sp.front_offset..sp.front_offset + sp.front.len()),
                Some(sp.front)
            );
            assert_eq!(text.get(sp.body_offset..), Some(sp.body));
        }
        Err(d) => assert_location_in(&text, &d),
    }
    let files = ["_index.md", "notes/_index.md", "notes/page.md"];
    let walked = Walked {
        markdown: files.iter().map(|f| f.to_string()).collect(),
        assets: Vec::new(),
    };
    let parsed = files
        .iter()
        .map(|rel| parse_text(&format!("content/{rel}"), rel, text.clone()))
        .collect();
    let mut ds = Diagnostics::new();
    let mut site = content::from_parsed(
        config().clone(),
        walked,
        parsed,
        LoadOptions { drafts: true },
        &mut ds,
    );
    ds.extend(crate::render::render_markdown(
        &mut site,
        markdown_tools(),
        true,
    ));
    let today = Date::new(2025, 6, 1).expect("a real date");
    ds.extend(check::check_site(
        &site,
        CheckOptions {
            today,
            strict: false,
        },
    ));
    for d in ds.sorted() {
        assert_location_in(&text, d);
    }
    for page in &site.pages {
        assert!(
            page.meta.url.starts_with(&site.base_path),
            "{}",
            page.meta.url
        );
        assert!(!page.meta.url.contains(".."), "{}", page.meta.url);
    }
}

/// The front matter put before the Markdown of the `markdown` target, so
/// that positions are offset into a file as they are in a real page.
const FRONT: &str = "+++\ntitle = \"Fuzz\"\nsummary = \"Fuzzed.\"\n+++\n";

/// The `@/` link targets of the `markdown` target: two pages, a section,
/// a draft and a page with errors, under the base path `/hr/`.
fn link_targets() -> &'static LinkTargets {
    static LINKS: OnceLock<LinkTargets> = OnceLock::new();
    LINKS.get_or_init(|| LinkTargets {
        urls: HashMap::from([
            ("a.md".to_string(), "/hr/a/".to_string()),
            ("notes/b.md".to_string(), "/hr/notes/b/".to_string()),
            ("notes/_index.md".to_string(), "/hr/notes/".to_string()),
        ]),
        drafts: HashSet::from(["draft.md".to_string()]),
        failed: HashSet::from(["failed.md".to_string()]),
        base_path: "/hr/".to_string(),
    })
}

/// A page body rendered with [`Markdown::render`] (and analysed with
/// [`Markdown::analyse`], and its first line with
/// [`Markdown::render_inline`]) against a fixed set of link targets. The HTML must
/// have no script element, event handler or `javascript:` URL; heading ids
/// must be unique; links and diagnostics must point inside the file.
pub fn markdown(data: &[u8]) {
    let body = String::from_utf8_lossy(data);
    let text = format!("{FRONT}{body}");
    let src = SourceRef {
        shown: "content/notes/page.md",
        text: &text,
        offset: FRONT.len(),
    };
    let md = markdown_tools();
    let links = link_targets();
    let r = md.render(&src, links);
    assert_safe_html(&r.html);
    let unique: HashSet<&String> = r.anchors.iter().collect();
    assert_eq!(unique.len(), r.anchors.len(), "repeated heading ids");
    for (target, _, range) in &r.links {
        assert!(links.urls.contains_key(target), "{target}");
        assert!(range.start <= range.end && range.end <= text.len());
        assert!(range.start >= FRONT.len(), "{range:?}");
    }
    for (_, range) in &r.outbound {
        assert!(range.start <= range.end && range.end <= text.len());
    }
    for d in &r.diagnostics {
        assert_location_in(&text, d);
    }
    let checked = md.analyse(&src, links);
    assert_eq!(checked.anchors.len(), r.anchors.len());
    assert_eq!(checked.diagnostics, r.diagnostics);
    let first = body.lines().next().unwrap_or("");
    let (inline, diagnostics) = md.render_inline(first, &src, links);
    assert_safe_html(&inline);
    for d in &diagnostics {
        assert_location_in(&text, d);
    }
}

/// Asserts that rendered HTML cannot run script: no `<script`, no `on…`
/// event attribute and no `javascript:`/`vbscript:` URL in any attribute.
pub fn assert_safe_html(html: &str) {
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "script element in {html}"
    );
    for (name, value) in attributes(html) {
        let name = name.to_ascii_lowercase();
        assert!(!name.starts_with("on"), "event attribute {name} in {html}");
        // As a browser's URL parser reads it: C0 controls and spaces trimmed
        // from both ends, tabs and newlines removed everywhere (a space inside
        // makes the scheme invalid, so the URL is relative and harmless).
        let value: String = decode_entities(value)
            .trim_matches(|c: char| c <= ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect::<String>()
            .to_ascii_lowercase();
        for scheme in ["javascript:", "vbscript:"] {
            assert!(!value.starts_with(scheme), "{scheme} URL in {html}");
        }
    }
}

/// Every attribute (name, raw value) of every tag in `html`, read as an
/// HTML tokeniser would: quoted values may hold `>`.
fn attributes(html: &str) -> Vec<(&str, &str)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        i += 1;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let name = &html[start..i];
            if b.get(i) != Some(&b'=') {
                out.push((name, ""));
                continue;
            }
            i += 1;
            let (from, to) = match b.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = html[i + 1..].find(q as char).map_or(b.len(), |e| i + 1 + e);
                    (i + 1, end)
                }
                _ => {
                    let len = html[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(b.len() - i);
                    (i, i + len)
                }
            };
            out.push((name, &html[from..to]));
            // Past the closing quote; an unquoted value ends at the next character.
            i = if from > 0 && b[from - 1] != b'=' {
                to + 1
            } else {
                to
            };
        }
        i += 1;
    }
    out
}

/// Decodes the character references a browser would in an attribute value,
/// enough to see a URL scheme: `&#106;`, `&#x6a;` and the named ones that
/// matter here.
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        let end = rest.find(';').unwrap_or(rest.len());
        let name = &rest[..end];
        let c = match name.strip_prefix('#') {
            Some(num) => match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
                None => num.parse().ok().and_then(char::from_u32),
            },
            None => match name {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                _ => None,
            },
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = rest.get(end + 1..).unwrap_or("");
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// [`content::slugify`] and [`heading_slug`]: a slug is lowercase ASCII
/// letters, digits and single inner hyphens, and slugifying it again
/// changes nothing.
pub fn slugify(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let slug = content::slugify(&text);
    assert!(
        slug.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{slug:?}"
    );
    assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{slug:?}");
    assert!(!slug.contains("--"), "{slug:?}");
    assert_eq!(content::slugify(&slug), slug, "not idempotent");
    let id = heading_slug(&text);
    assert!(!id.is_empty());
    assert!(slug.is_empty() || id == slug);
}

/// The search tokeniser: on text the fast path takes (and on the input with
/// every other character replaced by one it takes), its words must be the
/// general UAX #29 words; no word may hold a separator; folding, stop words
/// and stemming in every language, and the indexer's counting of a
/// document's words, must not panic.
pub fn tokenizer(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let plain: String = input.chars().map(text::to_plain).collect();
    for s in [&*input, &plain] {
        if let Some(fast) = text::plain_words(s) {
            let fast: Vec<&str> = fast.collect();
            let general: Vec<&str> = text::unicode_raw_words(s).collect();
            assert_eq!(fast, general, "{s:?}");
        }
    }
    // Each word is stemmed in one language, the languages taken in turn.
    let analyzers = analyzers();
    for (i, raw) in text::raw_words(&input).enumerate() {
        assert!(!raw.is_empty());
        assert!(!raw.contains(text::is_separator), "{raw:?}");
        let Some(token) = text::fold_token(raw) else {
            continue;
        };
        let a = &analyzers[i % analyzers.len()];
        if !a.is_stop(&token) {
            let _ = a.stem(&token);
        }
    }
    // The indexer's own path: words with field weights, numbered by stem.
    let doc = crate::search::SearchDoc {
        lang: "en".into(),
        title: input.chars().take(80).collect(),
        sections: vec![crate::search::SearchSection {
            anchor: Some("a".into()),
            heading: String::new(),
            text: input.to_string(),
        }]
        .into(),
        ..Default::default()
    };
    let words = crate::search::analyse::DocWords::of(&doc);
    let terms = crate::search::analyse::Collector::new("en").number(&words);
    assert!(terms.stems.iter().all(|&(_, weight, _)| weight > 0));
}

/// One analyser per language with a stemmer or stop words, and one without.
fn analyzers() -> &'static [text::Analyzer] {
    static ANALYZERS: OnceLock<Vec<text::Analyzer>> = OnceLock::new();
    ANALYZERS.get_or_init(|| {
        [
            "en", "cy", "fr", "de", "es", "it", "pt", "nl", "da", "sv", "no", "fi", "ro", "hu",
            "tr", "ru", "el", "ar", "ta", "xx",
        ]
        .into_iter()
        .map(text::Analyzer::new)
        .collect()
    })
}
