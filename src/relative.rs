//! `--relative`: rewrites root-relative links into links relative to each
//! page, ending in `index.html`, so a copy of the output folder works when
//! opened from disk (file://) or from a zip.
//!
//! It runs on the rendered HTML, so links from templates and from content are
//! treated alike. Only attributes freda writes are touched, and only values
//! that start with the site's base path.

/// Attributes whose value may be a URL under the base path. A name ending in
/// `-` also matches longer names, such as `data-search-manifest-cy`.
const URL_ATTRS: [&str; 5] = [
    " href=",
    " src=",
    " action=",
    " data-search-manifest=",
    " data-search-manifest-",
];
/// Attributes that hold the base path itself, for scripts to build URLs from.
const BASE_ATTRS: [&str; 1] = [" data-search-base="];

/// Rewrites the links of one HTML file written at `out_path` (e.g. `a/b/index.html`).
pub fn relativize(html: &str, base_path: &str, out_path: &str) -> String {
    let prefix = "../".repeat(out_path.matches('/').count());
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some((value_start, is_base)) = next_value(rest) {
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        out.push_str(&rest[..value_start]);
        let value = &rest[value_start..value_start + len];
        out.push_str(&rewrite(value, base_path, &prefix, is_base));
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

/// One root-relative URL under `base_path` as a link from the file at
/// `out_path`, for values [`relativize`] does not rewrite, such as the URL
/// in a `<meta http-equiv="refresh">`'s `content`. Other URLs are kept.
pub fn link(url: &str, base_path: &str, out_path: &str) -> String {
    let prefix = "../".repeat(out_path.matches('/').count());
    rewrite(url, base_path, &prefix, false)
}

/// Where the next URL attribute's value starts in `s` (after its `="`), and whether it is a base attribute.
fn next_value(s: &str) -> Option<(usize, bool)> {
    let urls = URL_ATTRS.iter().map(|a| (*a, false));
    let bases = BASE_ATTRS.iter().map(|a| (*a, true));
    let (start, attr, is_base) = urls
        .chain(bases)
        .filter_map(|(a, is_base)| s.find(a).map(|i| (i, a, is_base)))
        .min_by_key(|(i, _, _)| *i)?;
    let name_end = start + attr.len();
    // `name="`: the value follows; a prefix match such as `data-search-manifest-cy="` skips the rest of the name.
    let eq = if attr.ends_with('=') {
        name_end - 1
    } else {
        name_end + s[name_end..].find('=')?
    };
    if s[eq..].starts_with("=\"") {
        Some((eq + 2, is_base))
    } else {
        // Not a quoted value (freda always quotes): skip past this match.
        next_value(&s[name_end..]).map(|(v, b)| (v + name_end, b))
    }
}

fn rewrite(value: &str, base_path: &str, prefix: &str, is_base: bool) -> String {
    if value.starts_with("//") {
        return value.to_string();
    }
    let Some(path) = value.strip_prefix(base_path) else {
        return value.to_string();
    };
    if is_base {
        return if prefix.is_empty() {
            "./".to_string()
        } else {
            prefix.to_string()
        };
    }
    let cut = path.find(['#', '?']).unwrap_or(path.len());
    let (path, tail) = path.split_at(cut);
    let file = if path.is_empty() || path.ends_with('/') {
        "index.html"
    } else {
        ""
    };
    format!("{prefix}{path}{file}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_relative_to_the_page() {
        let html = r##"<a href="/hr/">Home</a> <a href="/hr/cases/one/#learning">x</a> <link href="/hr/style.css"> <img src="/hr/images/a.png"> <a href="#top">t</a> <a href="https://x.org/">e</a>"##;
        let out = relativize(html, "/hr/", "cases/two/index.html");
        assert_eq!(
            out,
            r##"<a href="../../index.html">Home</a> <a href="../../cases/one/index.html#learning">x</a> <link href="../../style.css"> <img src="../../images/a.png"> <a href="#top">t</a> <a href="https://x.org/">e</a>"##
        );
    }

    #[test]
    fn pages_at_the_root_and_a_root_base_path() {
        assert_eq!(
            relativize(r#"<a href="/about/">a</a>"#, "/", "index.html"),
            r#"<a href="about/index.html">a</a>"#
        );
        assert_eq!(
            relativize(r#"<a href="//cdn.example/x">a</a>"#, "/", "index.html"),
            r#"<a href="//cdn.example/x">a</a>"#
        );
        assert_eq!(
            relativize(r#"<form action="/search/?q=1">"#, "/", "a/index.html"),
            r#"<form action="../search/index.html?q=1">"#
        );
    }

    #[test]
    fn single_links_such_as_a_refresh_target_become_relative() {
        assert_eq!(
            link("/hr/case-studies/x/", "/hr/", "old/path/index.html"),
            "../../case-studies/x/index.html"
        );
        assert_eq!(link("/hr/", "/hr/", "old.html"), "index.html");
        assert_eq!(
            link("/hr/a/#b", "/hr/", "x/index.html"),
            "../a/index.html#b"
        );
        assert_eq!(
            link("https://x.example/", "/hr/", "x/index.html"),
            "https://x.example/"
        );
    }

    #[test]
    fn search_manifests_for_every_language_become_relative() {
        let html = r#"<form data-search-manifest="/hr/search/en/m.json" data-search-manifest-cy="/hr/search/cy/m.json">"#;
        assert_eq!(
            relativize(html, "/hr/", "a/index.html"),
            r#"<form data-search-manifest="../search/en/m.json" data-search-manifest-cy="../search/cy/m.json">"#
        );
    }

    #[test]
    fn base_attributes_become_a_prefix() {
        assert_eq!(
            relativize(
                r#"<form data-search-base="/hr/">"#,
                "/hr/",
                "a/b/index.html"
            ),
            r#"<form data-search-base="../../">"#
        );
        assert_eq!(
            relativize(r#"<form data-search-base="/hr/">"#, "/hr/", "index.html"),
            r#"<form data-search-base="./">"#
        );
    }
}
