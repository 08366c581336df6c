//! The preview server's routing, as pure functions: which file a request
//! path names under the base path, the content type of a file, and how long
//! a browser may cache it.
//!
//! `server` turns these answers into HTTP responses; nothing here reads the
//! network or the disk, so it is tested with plain strings.

/// The folder under the base path that belongs to `freda serve`, not to the site.
pub const RESERVED: &str = "__freda/";

/// What a request path asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// A file of the site, by its output path (e.g. `a/b/index.html`).
    File(String),
    /// A file of `freda serve` itself.
    Asset(Asset),
    /// The live-reload event stream.
    Events,
    /// Somewhere else; `permanent` is false where the base path may still change.
    Redirect {
        /// Where to go, path and query.
        location: String,
        /// 301 (a page's address without its trailing slash) or 302.
        permanent: bool,
    },
    /// No such file: the site's 404 page.
    NotFound,
    /// A path that cannot name a file (bad percent-encoding, `..`).
    BadRequest,
}

/// The files `freda serve` adds under `<base>__freda/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asset {
    /// The live-reload client.
    LiveJs,
    /// The styles of its error overlay.
    LiveCss,
}

/// Resolves a request target (path and query, as sent) against the site's
/// base path; `exists` says whether the site has a file at an output path.
pub fn route(base: &str, target: &str, exists: impl Fn(&str) -> bool) -> Route {
    let raw = target.split('#').next().unwrap_or("");
    let (raw_path, query) = match raw.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (raw, String::new()),
    };
    let Some(path) = percent_decode(raw_path) else {
        return Route::BadRequest;
    };
    if !path.starts_with('/') || path.contains('\0') || path.split('/').any(|s| s == "..") {
        return Route::BadRequest;
    }
    let redirect = |location: String, permanent| Route::Redirect {
        location,
        permanent,
    };
    if base != "/" && path == base.trim_end_matches('/') {
        return redirect(format!("{base}{query}"), true);
    }
    let Some(rel) = path.strip_prefix(base) else {
        return if path == "/" {
            redirect(format!("{base}{query}"), false)
        } else {
            Route::NotFound
        };
    };
    if let Some(own) = rel.strip_prefix(RESERVED) {
        return match own {
            "events" => Route::Events,
            "live.js" => Route::Asset(Asset::LiveJs),
            "live.css" => Route::Asset(Asset::LiveCss),
            _ => Route::NotFound,
        };
    }
    site_file(rel, &exists).unwrap_or_else(|| {
        if exists(&format!("{rel}/index.html")) {
            redirect(format!("{raw_path}/{query}"), true)
        } else {
            Route::NotFound
        }
    })
}

/// The file a path relative to the base names, if the site has it: folders
/// (`x/`) are served by their `index.html`.
fn site_file(rel: &str, exists: &impl Fn(&str) -> bool) -> Option<Route> {
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    exists(&file).then_some(Route::File(file))
}

/// Decodes `%XX` escapes; `None` for a broken escape or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let (bytes, broken) = crate::sitelinks::decode_escapes(s);
    if broken {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// The `Content-Type` of a file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map_or(String::new(), |(_, e)| e.to_ascii_lowercase());
    if name == crate::feeds::FILE_NAME {
        return "application/atom+xml";
    }
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "yml" | "yaml" => "text/yaml; charset=utf-8",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "vtt" => "text/vtt; charset=utf-8",
        other => binary_type(other),
    }
}

/// Content types of binary files (images, fonts, media, documents).
fn binary_type(ext: &str) -> &'static str {
    match ext {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "epub" => "application/epub+zip",
        _ => "application/octet-stream",
    }
}

/// The `Cache-Control` of a file: search index files are named by their
/// content hash, so they never change; everything else is revalidated on
/// every request, so an edit shows at once.
pub fn cache_control(path: &str) -> &'static str {
    if is_hashed_search_file(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// `search/<lang>/<stem>.<8 hex digits>.json` (or `.js`), as the search stage names them.
fn is_hashed_search_file(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("search/") else {
        return false;
    };
    let name = rest.rsplit('/').next().unwrap_or(rest);
    let Some(stem) = name
        .strip_suffix(".json")
        .or_else(|| name.strip_suffix(".js"))
    else {
        return false;
    };
    stem.rsplit_once('.')
        .is_some_and(|(_, hash)| hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILES: [&str; 6] = [
        "index.html",
        "about/index.html",
        "style.css",
        "404.html",
        "caf\u{e9}/index.html",
        "search/index.html",
    ];

    fn at(base: &str, target: &str) -> Route {
        route(base, target, |p| FILES.contains(&p))
    }

    fn file(p: &str) -> Route {
        Route::File(p.to_string())
    }

    fn moved(location: &str, permanent: bool) -> Route {
        Route::Redirect {
            location: location.to_string(),
            permanent,
        }
    }

    #[test]
    fn folders_are_served_by_their_index_under_the_base_path() {
        assert_eq!(at("/library/", "/library/"), file("index.html"));
        assert_eq!(at("/library/", "/library/about/"), file("about/index.html"));
        assert_eq!(
            at("/library/", "/library/about/?x=1#top"),
            file("about/index.html")
        );
        assert_eq!(at("/library/", "/library/style.css"), file("style.css"));
        assert_eq!(at("/", "/about/"), file("about/index.html"));
        assert_eq!(
            at("/library/", "/library/caf%C3%A9/"),
            file("caf\u{e9}/index.html")
        );
    }

    #[test]
    fn pages_without_their_slash_and_the_root_redirect() {
        assert_eq!(
            at("/library/", "/library/about"),
            moved("/library/about/", true)
        );
        assert_eq!(
            at("/library/", "/library/about?q=1"),
            moved("/library/about/?q=1", true)
        );
        assert_eq!(at("/library/", "/library"), moved("/library/", true));
        assert_eq!(at("/library/", "/"), moved("/library/", false));
        assert_eq!(at("/", "/about"), moved("/about/", true));
    }

    #[test]
    fn missing_files_and_paths_outside_the_base_are_not_found() {
        assert_eq!(at("/library/", "/library/nope/"), Route::NotFound);
        assert_eq!(at("/library/", "/library/nope"), Route::NotFound);
        assert_eq!(at("/library/", "/about/"), Route::NotFound);
        assert_eq!(at("/library/", "/library/__freda/other"), Route::NotFound);
    }

    #[test]
    fn bad_paths_are_refused() {
        assert_eq!(at("/", "/%zz"), Route::BadRequest);
        assert_eq!(at("/", "/%ff/"), Route::BadRequest);
        assert_eq!(at("/", "/a/../about/"), Route::BadRequest);
        assert_eq!(at("/", "/%2e%2e/x"), Route::BadRequest);
        assert_eq!(at("/", "about/"), Route::BadRequest);
    }

    #[test]
    fn the_server_s_own_files_live_under_the_base_path() {
        assert_eq!(at("/library/", "/library/__freda/events"), Route::Events);
        assert_eq!(
            at("/library/", "/library/__freda/live.js"),
            Route::Asset(Asset::LiveJs)
        );
        assert_eq!(at("/", "/__freda/live.css"), Route::Asset(Asset::LiveCss));
        assert_eq!(at("/library/", "/__freda/live.js"), Route::NotFound);
    }

    #[test]
    fn content_types_follow_the_extension() {
        let cases = [
            ("a/index.html", "text/html; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("search.js", "text/javascript; charset=utf-8"),
            ("search/en/manifest.0a1b2c3d.json", "application/json"),
            ("images/logo.SVG", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.jpeg", "image/jpeg"),
            ("a.webp", "image/webp"),
            ("a.gif", "image/gif"),
            ("favicon.ico", "image/x-icon"),
            ("downloads/report.pdf", "application/pdf"),
            ("sitemap.xml", "application/xml"),
            ("atom.xml", "application/atom+xml"),
            ("rights/article-8/atom.xml", "application/atom+xml"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("fonts/a.woff2", "font/woff2"),
            ("no-extension", "application/octet-stream"),
            ("dir.v2/file", "application/octet-stream"),
        ];
        for (path, want) in cases {
            assert_eq!(content_type(path), want, "{path}");
        }
    }

    #[test]
    fn only_hashed_search_files_are_cached_for_long() {
        let long = "public, max-age=31536000, immutable";
        assert_eq!(cache_control("search/en/manifest.0a1b2c3d.json"), long);
        assert_eq!(cache_control("search/cy/t3.ffffffff.js"), long);
        assert_eq!(cache_control("search/index.html"), "no-cache");
        assert_eq!(cache_control("search/en/manifest.json"), "no-cache");
        assert_eq!(cache_control("search/en/x.0a1b2c3g.json"), "no-cache");
        assert_eq!(cache_control("style.css"), "no-cache");
        assert_eq!(cache_control("a.0a1b2c3d.json"), "no-cache");
    }
}

/// True when a request's `Host` names this computer (`localhost`, a
/// `*.localhost` name, `127.x.x.x` or `[::1]`, any port), or is missing. A
/// preview bound to loopback answers only these, so a web page cannot reach
/// it through a DNS name it controls (DNS rebinding).
pub fn host_allowed(host: Option<&str>) -> bool {
    let Some(host) = host else {
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "::1"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod host_tests {
    use super::host_allowed;

    #[test]
    fn only_this_computer_s_names_are_allowed() {
        for ok in [
            None,
            Some("127.0.0.1:1111"),
            Some("localhost"),
            Some("LOCALHOST:8080"),
            Some("[::1]:1111"),
            Some("preview.localhost:1"),
            Some("127.1.2.3"),
        ] {
            assert!(host_allowed(ok), "{ok:?}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "[::2]:1",
            "10.0.0.1:1111",
        ] {
            assert!(!host_allowed(Some(bad)), "{bad}");
        }
    }
}
