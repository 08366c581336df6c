//! The XSS fixture (`tests/sites/xss/`): OWASP filter-evasion vectors in
//! site.toml labels, titles, summaries, front matter, Markdown links and
//! images, raw HTML and inline lists. It must build (with warnings), and no
//! page may keep a script, an event handler, a `javascript:`, `vbscript:`
//! or `data:` URL, a frame, a form or a `<base>` of its own; the search
//! index's `.js` twins must not be able to end their `<script>` element.
//! The browser phase `xss` (tests/browser/xss.mjs) opens the same site in Chromium.

use std::path::Path;

use crate::common::{fixture, freda, main_of, read, read_tree, stderr};

/// A start tag: its lower-case name and attributes, values with entities decoded.
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every start tag of a document, read as an HTML tokenizer would (quoted
/// values may hold `<` and `>`; comments and end tags are skipped).
fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i += html[i..].find("-->").map_or(html.len() - i, |e| e + 3);
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let (tag, end) = read_tag(html, i);
        out.push(tag);
        i = end;
    }
    out
}

/// Reads the tag whose name starts at `i`; returns it and where it ends.
fn read_tag(html: &str, mut i: usize) -> (Tag, usize) {
    let b = html.as_bytes();
    let word = |i: usize, stop: &dyn Fn(u8) -> bool| {
        let len = b[i..].iter().position(|&c| stop(c)).unwrap_or(b.len() - i);
        (html[i..i + len].to_ascii_lowercase(), i + len)
    };
    let (name, next) = word(i, &|c| c.is_ascii_whitespace() || c == b'/' || c == b'>');
    i = next;
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            return (Tag { name, attrs }, i + 1);
        }
        let (attr, next) = word(i, &|c| c.is_ascii_whitespace() || c == b'=' || c == b'>');
        i = next;
        let mut value = String::new();
        if b.get(i) == Some(&b'=') {
            i += 1;
            let quote = b[i];
            let (raw, next) = if quote == b'"' || quote == b'\'' {
                let len = b[i + 1..].iter().position(|&c| c == quote).unwrap();
                (&html[i + 1..i + 1 + len], i + len + 2)
            } else {
                let len = b[i..]
                    .iter()
                    .position(|&c| c.is_ascii_whitespace() || c == b'>')
                    .unwrap();
                (&html[i..i + len], i + len)
            };
            value = decode(raw);
            i = next;
        }
        attrs.push((attr, value));
    }
}

/// Decodes the character references a browser would in an attribute value.
fn decode(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|s| *s < 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Attributes that browsers load or follow as URLs.
const URL_ATTRIBUTES: [&str; 14] = [
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "cite",
    "background",
    "data",
    "srcset",
    "xlink:href",
    "ping",
    "lowsrc",
    "dynsrc",
    "longdesc",
];

/// Elements that content can never bring into a page.
const FORBIDDEN: [&str; 21] = [
    "applet", "base", "embed", "frame", "frameset", "iframe", "isindex", "marquee", "math",
    "noscript", "object", "param", "portal", "style", "svg", "template", "video", "source", "xss",
    "mglyph", "mtext",
];

/// The problems of one built HTML file; `csp` is the policy its `<meta>` must carry.
fn page_problems(rel: &str, html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut bad = |what: String| problems.push(format!("{rel}: {what}"));
    let all = tags(html);
    let mut policies = 0;
    for tag in &all {
        let name = tag.name.as_str();
        if FORBIDDEN.contains(&name) {
            bad(format!("<{name}> element"));
        }
        for (attr, value) in &tag.attrs {
            if attr.starts_with("on")
                || ["style", "srcdoc", "formaction", "autofocus"].contains(&attr.as_str())
            {
                bad(format!("<{name} {attr}=\"{value}\">"));
            }
            let folded: String = value
                .chars()
                .filter(|c| *c > ' ')
                .collect::<String>()
                .to_ascii_lowercase();
            let scheme = ["javascript:", "vbscript:", "data:", "livescript:"]
                .iter()
                .any(|s| folded.starts_with(s));
            if URL_ATTRIBUTES.contains(&attr.as_str()) && scheme {
                bad(format!("<{name} {attr}=\"{value}\">"));
            }
        }
        match name {
            "script" => {
                let theirs = tag.attrs.len() == 2
                    && tag.attr("src").is_some_and(|s| s.ends_with("search.js"))
                    && tag.attr("defer") == Some("");
                if !theirs {
                    bad(format!("a script that is not the theme's: {tag:?}"));
                }
            }
            "meta" if tag.attr("http-equiv").is_some() => {
                policies += 1;
                let ok = tag.attr("http-equiv") == Some("Content-Security-Policy")
                    && tag.attr("content") == Some(freda::headers::CSP);
                if !ok {
                    bad(format!(
                        "a <meta http-equiv> that is not the policy: {tag:?}"
                    ));
                }
            }
            "meta" if !tag.attrs.iter().any(|(a, _)| a == "charset" || a == "name") => {
                bad(format!("a <meta> of content's: {tag:?}"));
            }
            "link"
                if !matches!(tag.attr("rel"), Some("icon" | "canonical" | "stylesheet"))
                    && (tag.attr("rel"), tag.attr("type"))
                        != (Some("alternate"), Some("application/atom+xml")) =>
            {
                bad(format!("a <link> of content's: {tag:?}"));
            }
            "form"
                if !tag.attr("action").is_some_and(|a| {
                    a.ends_with("search/") || a.ends_with("search/index.html")
                }) =>
            {
                bad(format!("a <form> that is not the search form: {tag:?}"));
            }
            "input" if !matches!(tag.attr("type"), Some("search" | "checkbox")) => {
                bad(format!("an <input> of content's: {tag:?}"));
            }
            _ => {}
        }
    }
    for (name, n) in [("html", 1), ("head", 1), ("body", 1), ("title", 1)] {
        let count = all.iter().filter(|t| t.name == name).count();
        if count != n {
            bad(format!("{count} <{name}> elements"));
        }
    }
    if policies != 1 {
        bad(format!(
            "{policies} Content-Security-Policy <meta> elements"
        ));
    }
    problems
}

/// Every problem in a built site's HTML and search index files.
fn site_problems(public: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut pages = 0;
    for (rel, bytes) in read_tree(public) {
        let text = String::from_utf8_lossy(&bytes);
        if rel.ends_with(".html") {
            pages += 1;
            problems.extend(page_problems(&rel, &text));
        }
        let index = rel.starts_with("search/") && (rel.ends_with(".js") || rel.ends_with(".json"));
        if index && text.contains(['<', '\u{2028}', '\u{2029}']) {
            problems.push(format!("{rel}: `<`, U+2028 or U+2029 in the search index"));
        }
    }
    assert!(pages >= 20, "only {pages} pages");
    problems
}

fn build(extra: &[&str]) -> (tempfile::TempDir, String) {
    let site = fixture("sites", "xss");
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let out = freda(site.path(), &args);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    (site, err)
}

#[test]
fn no_payload_survives_the_build() {
    let (site, _) = build(&[]);
    let public = site.path().join("public");
    let problems = site_problems(&public);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(public.join("_headers").is_file());
    assert!(public.join("freda-headers.conf").is_file());
}

#[test]
fn no_payload_survives_a_relative_build() {
    let (site, _) = build(&["--relative"]);
    let public = site.path().join("public");
    let problems = site_problems(&public);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let twins = read_tree(&public.join("search"))
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".js"))
        .count();
    assert!(twins >= 4, "{twins} .js twins");
}

#[test]
fn removed_links_are_reported_where_they_were_written() {
    let (_, err) = build(&[]);
    for line in [
        "content/_index.md:5:10: warning: link to a `javascript:` URL was removed",
        "content/_index.md:5:60: warning: image from a `javascript:` URL was removed",
        "content/payloads/markdown-links.md:17:3: warning: link to a `javascript:` URL was removed",
        "content/payloads/markdown-links.md:20:3: warning: link to a `javascript:` URL was removed",
        "content/payloads/markdown-links.md:22:3: warning: link to a `javascript:` URL was removed",
        "content/payloads/markdown-links.md:26:3: warning: link to a `javascript:` URL was removed",
        "content/payloads/markdown-links.md:27:3: warning: link to a `javascript:` URL was removed",
        "content/payloads/markdown-links.md:29:3: warning: link to a `vbscript:` URL was removed",
        "content/payloads/markdown-links.md:30:3: warning: link to a `data:` URL was removed",
        "content/payloads/markdown-links.md:32:3: warning: link to a `javascript:` URL was removed",
        "content/payloads/markdown-links.md:34:3: warning: link to a `javascript:` URL was removed",
        "content/payloads/markdown-links.md:38:3: warning: link to a `livescript:` URL was removed",
        "content/payloads/markdown-links.md:43:1: warning: image from a `data:` URL was removed",
        "content/payloads/markdown-links.md:47:1: warning: link to a `javascript:` URL was removed",
        "content/payloads/case.md:17:7: warning: source link to a `javascript:` URL was removed",
        "content/payloads/source-data.md:7:7: warning: source link to a `data:` URL was removed",
        "content/payloads/dos.md:5:14: warning: link to a `javascript:` URL was removed",
        "content/payloads/tool.md:7:55: warning: link to a `javascript:` URL was removed",
        "content/guide/part-one.md:6:12: warning: raw HTML `<script>` was removed",
    ] {
        assert!(
            err.contains(&format!("{line}\n")),
            "{line} missing in\n{err}"
        );
    }
    assert_eq!(err.matches(" URL was removed\n").count(), 37, "{err}");
}

#[test]
fn payload_pages_render_as_text() {
    let (site, _) = build(&[]);
    let public = site.path().join("public");
    for (name, rel) in [
        ("xss_markdown_links", "payloads/markdown-links/index.html"),
        ("xss_raw_html", "payloads/raw-html/index.html"),
        ("xss_case", "payloads/case/index.html"),
    ] {
        insta::assert_snapshot!(name, main_of(&read(&public, rel)));
    }
}

#[test]
fn the_scanner_sees_what_a_browser_would_run() {
    let html = "<p title=\"a>b\">x</p><a href=\" &#x6A;avascript&colon;alert(1)\" onclick='y()'>z</a><!-- <script> --><img src=data:x>";
    let problems = page_problems("t.html", html);
    assert!(
        problems.contains(&"t.html: <a href=\" javascript:alert(1)\">".to_string()),
        "{problems:?}"
    );
    assert!(
        problems.contains(&"t.html: <a onclick=\"y()\">".to_string()),
        "{problems:?}"
    );
    assert!(
        problems.contains(&"t.html: <img src=\"data:x\">".to_string()),
        "{problems:?}"
    );
    assert!(
        !problems.iter().any(|p| p.contains("a script")),
        "{problems:?}"
    );
}
