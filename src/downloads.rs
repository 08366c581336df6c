//! Downloads: the type and size of every file that front matter lists
//! (a guide's `downloads`, a training module's `materials`, an evaluation's
//! `report`), measured from the file itself at build time.
//!
//! [`measure`] runs after content is loaded and before rendering. It fills
//! each [`Download`]'s `kind`, `extension`, `mime`, `bytes` and
//! `size_display`, which the theme shows as "Title (PDF, 120 KB)", with the
//! type label from the theme's `file_<kind>` strings so it can be
//! translated. A hand-written `size` that does not match the file gets a
//! warning: editors no longer write sizes. A listed file that does not
//! exist is left unmeasured; [`crate::sitelinks`] reports it.
//!
//! Sizes count 1 KB as 1,024 bytes, as Windows Explorer and GOV.UK do:
//! "512 bytes", "1.5 KB", "120 KB", "1.2 MB", "12 MB".

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::content::frontmatter::Download;
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::sitelinks::link_target;

/// File types freda names: extension, theme string (`file_<kind>`), MIME type.
const TYPES: [(&str, &str, &str); 14] = [
    ("pdf", "pdf", "application/pdf"),
    ("doc", "word", "application/msword"),
    (
        "docx",
        "word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "excel", "application/vnd.ms-excel"),
    (
        "xlsx",
        "excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("ppt", "powerpoint", "application/vnd.ms-powerpoint"),
    (
        "pptx",
        "powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("odt", "odt", "application/vnd.oasis.opendocument.text"),
    (
        "ods",
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    (
        "odp",
        "odp",
        "application/vnd.oasis.opendocument.presentation",
    ),
    ("csv", "csv", "text/csv"),
    ("txt", "text", "text/plain"),
    ("zip", "zip", "application/zip"),
    ("epub", "epub", "application/epub+zip"),
];

/// Measures every download of the site: `static_files` are the theme's and
/// the site's static files by output path; content assets are read from
/// disk. Returns a warning for each hand-written size that is wrong.
pub fn measure(site: &mut Site, static_files: &BTreeMap<String, Vec<u8>>) -> Vec<Diagnostic> {
    let Site {
        pages,
        sections,
        assets,
        base_path,
        ..
    } = site;
    let assets: HashMap<&str, &Path> = assets
        .iter()
        .map(|a| (a.output.as_str(), a.source.as_path()))
        .collect();
    let size_of = |path: &str| -> Option<(u64, String)> {
        match assets.get(path) {
            Some(source) => Some((
                std::fs::metadata(source).ok()?.len(),
                format!("content/{path}"),
            )),
            None => Some((
                static_files.get(path)?.len() as u64,
                format!("static/{path}"),
            )),
        }
    };
    let mut out = Vec::new();
    for page in pages.iter_mut() {
        let shown = format!("content/{}", page.source);
        for d in page.kind.downloads_mut() {
            out.extend(measure_one(d, base_path, &size_of, (&shown, &page.text)));
        }
    }
    for section in sections.iter_mut() {
        let shown = format!("content/{}", section.source.as_deref().unwrap_or(""));
        for d in &mut section.downloads {
            out.extend(measure_one(d, base_path, &size_of, (&shown, &section.text)));
        }
    }
    out
}

/// Fills one download's type and size; `at` is the file it is listed in
/// (as shown, and its text).
fn measure_one(
    d: &mut Download,
    base_path: &str,
    size_of: &dyn Fn(&str) -> Option<(u64, String)>,
    at: (&str, &str),
) -> Option<Diagnostic> {
    let (kind, extension, mime) = file_type(&d.file);
    d.kind = kind.to_string();
    d.extension = extension;
    d.mime = mime.map(str::to_string);
    let written = d.size.as_ref().map(|s| s.get_ref().clone());
    if d.is_external() {
        d.size_display = written;
        return None;
    }
    let (bytes, source) = link_target(&d.file, base_path, "").and_then(|path| size_of(&path))?;
    d.bytes = Some(bytes);
    let shown = format_size(bytes);
    d.size_display = Some(shown.clone());
    let written = written.filter(|w| !size_matches(w, bytes))?;
    let (file, text) = at;
    let mut warning = Diagnostic::warning(
        file,
        format!("download size \"{written}\" does not match {source}, which is {shown}"),
    )
    .help("remove `size`: freda measures each file and shows its real size (write a size only for a file on another site)");
    if let Some(span) = d.size_span.clone() {
        warning = warning.at(text, span);
    }
    Some(warning)
}

/// The type of the file a URL names: the `kind` (a theme string is
/// `file_<kind>`; empty when freda does not name the type), the extension
/// upper-cased (empty when the name has none), and the MIME type if known.
pub fn file_type(url: &str) -> (&'static str, String, Option<&'static str>) {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let name = path.rsplit('/').next().unwrap_or("");
    let ext = match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            ext.to_ascii_lowercase()
        }
        _ => return ("", String::new(), None),
    };
    match TYPES.iter().find(|(e, _, _)| *e == ext) {
        Some(&(_, kind, mime)) => (kind, ext.to_ascii_uppercase(), Some(mime)),
        None => ("", ext.to_ascii_uppercase(), None),
    }
}

/// A size for people, GOV.UK style, with 1 KB = 1,024 bytes: "512 bytes",
/// "1.5 KB", "120 KB", "1.2 MB". One decimal below 10 (none if it is 0),
/// whole numbers from 10 up.
pub fn format_size(bytes: u64) -> String {
    match bytes {
        1 => return "1 byte".to_string(),
        0..1024 => return format!("{bytes} bytes"),
        _ => {}
    }
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    // 1023.6 KB would show as "1024 KB": that is 1 MB.
    while value.round() >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value < 9.95 {
        format!("{} {}", (value * 10.0).round() / 10.0, UNITS[unit])
    } else {
        format!("{} {}", value.round(), UNITS[unit])
    }
}

/// Whether a hand-written size ("1.2 MB", "850KB", "10 B", "1,024 bytes")
/// could be the rounded size of a file of `bytes`, with 1 KB as 1,000 or
/// 1,024 bytes and the last digit rounded either way.
pub fn size_matches(written: &str, bytes: u64) -> bool {
    let Some((number, decimals, power)) = parse_size(written) else {
        return false;
    };
    let step = 10f64.powi(-(decimals as i32));
    let real = bytes as f64;
    [1000f64, 1024f64].iter().any(|base| {
        let unit = base.powi(power);
        (number - step) * unit < real && real < (number + step) * unit
    })
}

/// A written size as (number, decimals written, power of 1,000 or 1,024).
fn parse_size(written: &str) -> Option<(f64, usize, i32)> {
    let written = written.trim();
    let end = written
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(written.len());
    let digits = written[..end].replace(',', "");
    let number: f64 = digits.parse().ok()?;
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len());
    let unit = written[end..].trim().to_ascii_lowercase();
    let power = match unit.as_str() {
        "b" | "byte" | "bytes" => 0,
        "k" | "kb" | "kib" | "kilobytes" => 1,
        "m" | "mb" | "mib" | "megabytes" => 2,
        "g" | "gb" | "gib" | "gigabytes" => 3,
        _ => return None,
    };
    Some((number, decimals, power))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_gov_uk() {
        let cases = [
            (0, "0 bytes"),
            (1, "1 byte"),
            (512, "512 bytes"),
            (1023, "1023 bytes"),
            (1024, "1 KB"),
            (1536, "1.5 KB"),
            (10_188, "9.9 KB"),
            (10_230, "10 KB"),
            (122_880, "120 KB"),
            (1_048_064, "1 MB"),
            (1_048_576, "1 MB"),
            (1_258_291, "1.2 MB"),
            (12_582_912, "12 MB"),
            (3 * 1024 * 1024 * 1024, "3 GB"),
        ];
        for (bytes, shown) in cases {
            assert_eq!(format_size(bytes), shown, "{bytes} bytes");
        }
    }

    #[test]
    fn types_are_named_by_extension() {
        let kind = |url: &str| {
            let (k, e, m) = file_type(url);
            (k, e, m.unwrap_or(""))
        };
        assert_eq!(
            kind("/hr/downloads/Guide.PDF"),
            ("pdf", "PDF".into(), "application/pdf")
        );
        for (url, k) in [
            ("a.doc", "word"),
            ("a.docx", "word"),
            ("a.xls", "excel"),
            ("a.xlsx", "excel"),
            ("a.ppt", "powerpoint"),
            ("a.pptx", "powerpoint"),
            ("a.odt", "odt"),
            ("a.ods", "ods"),
            ("a.odp", "odp"),
            ("a.csv", "csv"),
            ("a.txt", "text"),
            ("a.zip", "zip"),
            ("a.epub", "epub"),
            ("https://x.org/r.pdf?v=2#page=3", "pdf"),
        ] {
            assert_eq!(file_type(url).0, k, "{url}");
        }
        assert_eq!(kind("/films/intro.mp4"), ("", "MP4".into(), ""));
        for none in [
            "/downloads/README",
            "/a.b/file",
            "/.pdf",
            "/x.toolong",
            "/x.p-f",
        ] {
            assert_eq!(kind(none), ("", String::new(), ""), "{none}");
        }
    }

    #[test]
    fn written_sizes_match_when_they_round_to_the_real_one() {
        for (written, bytes) in [
            ("1.2 MB", 1_258_291),
            ("1.2MB", 1_200_000),
            ("1.18 MB", 1_240_000),
            ("120 KB", 122_880),
            ("120 kB", 120_400),
            ("10 B", 10),
            ("1,024 bytes", 1024),
            ("850 KiB", 870_400),
        ] {
            assert!(size_matches(written, bytes), "{written} for {bytes}");
        }
        for (written, bytes) in [
            ("1.2 MB", 10),
            ("1 MB", 2_200_000),
            ("120 KB", 200_000),
            ("10 B", 12),
            ("big", 10),
            ("<b>1 KB</b>", 1024),
            ("1 parsec", 1024),
        ] {
            assert!(!size_matches(written, bytes), "{written} for {bytes}");
        }
    }
}
