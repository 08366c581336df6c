//! Output paths that work on every host: no `..` in any spelling, no names
//! Windows reserves, and no two paths that differ only in case or Unicode
//! normalisation (a case-insensitive host keeps one of them).

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

/// Names Windows reserves for devices, in any case and with any extension.
const RESERVED: [&str; 4] = ["con", "prn", "aux", "nul"];

/// Whether Windows refuses `name` as a file or folder name: `CON`, `PRN`,
/// `AUX`, `NUL`, `COM1`–`COM9` and `LPT1`–`LPT9`, also with an extension
/// (`nul.txt`), or a name ending in a dot or a space.
pub fn reserved_on_windows(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    let lower = stem.to_ascii_lowercase();
    let numbered = ["com", "lpt"].iter().any(|p| {
        lower.strip_prefix(p).is_some_and(|n| {
            matches!(
                n,
                "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
            )
        })
    });
    RESERVED.contains(&lower.as_str()) || numbered || name.ends_with(['.', ' '])
}

/// What is wrong with one segment of a path written by an editor (an alias
/// or a download), after decoding `%xx` escapes the way a web server would;
/// `None` if it is safe.
pub fn segment_problem(segment: &str) -> Option<&'static str> {
    let decoded = percent_decoded(segment);
    if decoded.is_empty() {
        Some("it has an empty part (`//`)")
    } else if decoded == "." || decoded == ".." {
        Some("it has a `.` or `..` part, which leads out of its folder")
    } else if decoded.contains(['/', '\\']) {
        Some("it has an encoded slash or a backslash")
    } else if decoded.contains(|c: char| c.is_control()) {
        Some("it has a control character such as NUL")
    } else if decoded.contains(':') {
        Some("it has a `:`, which names a drive or a stream on Windows")
    } else if reserved_on_windows(&decoded) {
        Some("Windows reserves that name (CON, PRN, AUX, NUL, COM1–9, LPT1–9, or a name ending in a dot or space)")
    } else {
        None
    }
}

/// What is wrong with a path of `/`-separated segments, if anything.
pub fn path_problem(path: &str) -> Option<&'static str> {
    path.split('/').find_map(segment_problem)
}

/// `%xx` escapes decoded (invalid ones kept as written).
pub(crate) fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| {
            std::str::from_utf8(h)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        });
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Pairs of paths that are different strings but the same on a
/// case-insensitive host, or after Unicode normalisation: each later path
/// with the first one it clashes with. Input order is kept.
pub fn collisions<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<(&'a str, &'a str)> {
    let mut first: HashMap<String, &str> = HashMap::new();
    let mut out = Vec::new();
    for path in paths {
        let folded: String = path.nfc().collect::<String>().to_lowercase();
        match first.get(&folded) {
            Some(earlier) if *earlier != path => out.push((path, *earlier)),
            Some(_) => {}
            None => {
                first.insert(folded, path);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_reserved_names() {
        for name in [
            "con", "CON", "Aux.txt", "nul", "com1", "LPT9.pdf", "lpt²", "name.", "name ",
        ] {
            assert!(reserved_on_windows(name), "{name}");
        }
        for name in [
            "console",
            "com",
            "com0",
            "com10",
            "auxiliary",
            "nully.md",
            "a.b",
        ] {
            assert!(!reserved_on_windows(name), "{name}");
        }
    }

    #[test]
    fn segments_are_decoded_before_checking() {
        for bad in [
            "..", "%2e%2e", "%2E.", ".%2e", "a%2fb", "a%5cb", "a\\b", "a%00b", "a\0b", "c:", "con",
            "", "%2e",
        ] {
            assert!(segment_problem(bad).is_some(), "{bad:?}");
        }
        for good in ["old-page", "café", "a%20b", "100%", "%zz", "v1.2"] {
            assert_eq!(segment_problem(good), None, "{good:?}");
        }
        assert!(path_problem("old/%2e%2e/etc").is_some());
        assert_eq!(path_problem("old/about"), None);
    }

    #[test]
    fn collisions_by_case_and_normalisation() {
        let paths = [
            "img/Photo.jpg",
            "img/photo.jpg",
            "cafe\u{301}.pdf",
            "caf\u{e9}.pdf",
            "a.pdf",
            "a.pdf",
        ];
        assert_eq!(
            collisions(paths),
            vec![
                ("img/photo.jpg", "img/Photo.jpg"),
                ("caf\u{e9}.pdf", "cafe\u{301}.pdf")
            ]
        );
    }
}
