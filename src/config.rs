//! Site configuration: `site.toml`, parsed strictly.
//!
//! Unknown keys are errors that name the key, the file and the line, so a
//! typo never silently does nothing. The parsed [`Config`] is plain data that
//! every later stage reads.

use std::path::Path;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};

/// The whole of `site.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's name, shown in the header and in page titles.
    pub title: String,
    /// Where the site will live, e.g. `https://trust.example/hr/`. Its path is the base path of every link.
    pub base_url: String,
    /// The main language, as a BCP 47 tag such as `en` or `cy`.
    #[serde(default = "default_language")]
    pub language: String,
    /// One sentence about the site, used when a page has no summary.
    #[serde(default)]
    pub description: String,
    /// The organisation's name, logo and colour.
    #[serde(default)]
    pub branding: Branding,
    /// Options for `freda build`.
    #[serde(default)]
    pub build: BuildConfig,
    /// Options for `freda check`.
    #[serde(default)]
    pub check: CheckConfig,
    /// Additions to the raw-HTML allowlist and to the URL schemes of links.
    #[serde(default)]
    pub sanitize: crate::sanitize::SanitizeConfig,
    /// Atom feeds of new pages.
    #[serde(default)]
    pub feeds: crate::feeds::FeedsConfig,
    /// The coverage map page (see [`crate::coverage`]).
    #[serde(default)]
    pub coverage: crate::coverage::CoverageConfig,
    /// The review dashboard (`<base path>governance/`).
    #[serde(default)]
    pub governance: crate::governance::GovernanceConfig,
    /// Redirects from a previous site's addresses.
    #[serde(default)]
    pub redirects: crate::redirects::RedirectsConfig,
    /// Controlled vocabularies, in the order they are shown.
    #[serde(default)]
    pub taxonomies: IndexMap<String, TaxonomyConfig>,
    /// The web CMS (`/admin/`, see [`crate::cms`]).
    #[serde(default)]
    pub cms: crate::cms::CmsConfig,
    /// Other languages the site is published in, by code, e.g. `cy`.
    #[serde(default)]
    pub languages: IndexMap<String, crate::languages::LanguageConfig>,
    /// The main language, when this is the configuration of another
    /// language's site (see [`Config::for_language`]); empty otherwise.
    #[serde(skip)]
    pub main_language: String,
    /// Free-form data for custom templates.
    #[serde(default)]
    pub extra: toml::Table,
}

/// The `[branding]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Branding {
    /// The organisation that publishes the library.
    pub organisation: String,
    /// Path of a logo under `static/`, e.g. `/images/logo.svg`.
    pub logo: Option<String>,
    /// Main colour as `#rrggbb`.
    pub primary_colour: String,
}

impl Default for Branding {
    fn default() -> Branding {
        Branding {
            organisation: String::new(),
            logo: None,
            primary_colour: "#005eb8".to_string(),
        }
    }
}

/// The `[build]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildConfig {
    /// Output folder, relative to the site root.
    pub output_dir: String,
    /// Build draft pages too.
    pub drafts: bool,
    /// Follow symbolic links that lead out of the site folder. Links inside
    /// the site are always followed; links out of it are skipped with a
    /// warning unless this is on.
    pub follow_symlinks: bool,
    /// The largest Markdown file freda reads, e.g. `"10 MB"`; larger files
    /// are refused with an error (they are usually pasted data or images).
    pub max_file_size: FileSize,
}

impl Default for BuildConfig {
    fn default() -> BuildConfig {
        BuildConfig {
            output_dir: "public".to_string(),
            drafts: false,
            follow_symlinks: false,
            max_file_size: FileSize(10 * 1000 * 1000),
        }
    }
}

/// A size in bytes, written in `site.toml` as a whole number of bytes or as
/// text such as `"512 KB"`, `"10 MB"` or `"1 GB"` (powers of 1000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub struct FileSize(pub u64);

impl From<FileSize> for String {
    fn from(size: FileSize) -> String {
        size.to_string()
    }
}

impl std::fmt::Display for FileSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let units = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB")];
        match units
            .iter()
            .find(|(n, _)| self.0 >= *n && self.0.is_multiple_of(*n))
        {
            Some((n, unit)) => write!(f, "{} {unit}", self.0 / n),
            None => write!(f, "{} bytes", self.0),
        }
    }
}

impl std::str::FromStr for FileSize {
    type Err = String;

    fn from_str(text: &str) -> Result<FileSize, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let scale = match unit.trim().to_ascii_uppercase().as_str() {
            "" | "B" | "BYTES" => 1,
            "KB" => 1_000,
            "MB" => 1_000_000,
            "GB" => 1_000_000_000,
            _ => return Err(format!("\"{text}\" is not a size like \"10 MB\"")),
        };
        number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .filter(|n| *n > 0)
            .map(FileSize)
            .ok_or_else(|| format!("\"{text}\" is not a size like \"10 MB\""))
    }
}

impl<'de> Deserialize<'de> for FileSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<FileSize, D::Error> {
        d.deserialize_any(FileSizeVisitor)
    }
}

struct FileSizeVisitor;

impl serde::de::Visitor<'_> for FileSizeVisitor {
    type Value = FileSize;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a size such as \"10 MB\"")
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<FileSize, E> {
        self.visit_str(&n.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<FileSize, E> {
        self.visit_str(&n.to_string())
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<FileSize, E> {
        text.parse().map_err(E::custom)
    }
}

/// The `[check]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Highest estimated reading age (years) for pages whose audience
    /// includes frontline staff or service users; above it is a note.
    pub reading_age: u32,
    /// Audience terms whose pages get the reading-age check.
    pub plain_english_audiences: Vec<String>,
    /// Options for `freda check --external`.
    pub external: ExternalConfig,
}

impl Default for CheckConfig {
    fn default() -> CheckConfig {
        CheckConfig {
            reading_age: 14,
            plain_english_audiences: vec![
                "frontline-clinical".to_string(),
                "support-admin".to_string(),
                "service-users-carers".to_string(),
            ],
            external: ExternalConfig::default(),
        }
    }
}

/// The `[check.external]` table: how `freda check --external` checks links
/// to other sites.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExternalConfig {
    /// Hosts that are never requested (they block bots); their links count as good.
    pub skip_hosts: Vec<String>,
    /// Seconds to wait for one response.
    pub timeout_secs: u64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Hours a result stays in `.freda-cache/`.
    pub cache_hours: u64,
}

impl Default for ExternalConfig {
    fn default() -> ExternalConfig {
        ExternalConfig {
            skip_hosts: Vec::new(),
            timeout_secs: 10,
            concurrency: 8,
            per_host: 2,
            cache_hours: 24,
        }
    }
}

/// One vocabulary, such as `rights` or `settings`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// Heading shown for the vocabulary, e.g. "Rights".
    pub label: String,
    /// What the vocabulary classifies.
    #[serde(default)]
    pub description: String,
    /// Allow any term, not only those listed (used for `topics`).
    #[serde(default)]
    pub open: bool,
    /// The allowed terms, in display order.
    #[serde(default)]
    pub terms: Vec<TermConfig>,
}

/// One term of a vocabulary.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TermConfig {
    /// URL-safe identifier used in front matter, e.g. `article-8`.
    pub slug: String,
    /// Human label, e.g. "Article 8: Right to respect for private and family life".
    pub label: String,
    /// A sentence explaining the term.
    #[serde(default)]
    pub description: String,
}

fn default_language() -> String {
    "en".to_string()
}

impl Config {
    /// Reads and validates `site.toml` from the site root.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join("site.toml");
        let one = |d: Diagnostic| {
            let mut ds = Diagnostics::new();
            ds.push(d);
            ds
        };
        let bytes = std::fs::read(&path).map_err(|e| {
            one(
                Diagnostic::error("site.toml", format!("cannot read {}: {e}", path.display()))
                    .help("run freda in a site folder, or create one with `freda init DIR`"),
            )
        })?;
        let text = crate::content::walk::decode("site.toml", bytes).map_err(one)?;
        let mut config = Config::parse(&text)?;
        let ds = config.redirects.load(root, &text);
        if ds.has_errors() {
            return Err(ds);
        }
        Ok(config)
    }

    /// Parses and validates the text of `site.toml`.
    pub fn parse(text: &str) -> Result<Config, Diagnostics> {
        let mut ds = Diagnostics::new();
        let config: Config = match toml::from_str(text) {
            Ok(c) => c,
            Err(e) => {
                ds.push(toml_error("site.toml", text, &e, 0));
                return Err(ds);
            }
        };
        config.validate(text, &mut ds);
        if ds.has_errors() {
            Err(ds)
        } else {
            Ok(config)
        }
    }

    fn validate(&self, text: &str, ds: &mut Diagnostics) {
        if base_path_of(&self.base_url).is_none() {
            ds.push(
                Diagnostic::error(
                    "site.toml",
                    format!("base_url \"{}\" is not an http(s) URL", self.base_url),
                )
                .at(text, span_of_value(text, "base_url"))
                .help("write the full address, e.g. base_url = \"https://trust.example/hr/\""),
            );
        }
        if let Some(rgb) = parse_hex_colour(&self.branding.primary_colour) {
            if let Some(d) = contrast_problem(rgb, &self.branding.primary_colour) {
                ds.push(d.at(text, span_of_value(text, "primary_colour")));
            }
        }
        if parse_hex_colour(&self.branding.primary_colour).is_none() {
            ds.push(
                Diagnostic::error(
                    "site.toml",
                    format!(
                        "primary_colour \"{}\" is not a colour like \"#005eb8\"",
                        self.branding.primary_colour
                    ),
                )
                .at(text, span_of_value(text, "primary_colour"))
                .help("write a colour as \"#rrggbb\", e.g. primary_colour = \"#005eb8\""),
            );
        }
        self.sanitize.validate(text, ds);
        crate::languages::validate(self, text, ds);
        self.cms.validate(text, ds);
        self.feeds.validate(text, ds);
        for (name, tax) in &self.taxonomies {
            if crate::content::slugify(name) != *name {
                ds.push(
                    Diagnostic::error("site.toml", format!("taxonomy name \"{name}\" must be lowercase letters, digits and hyphens"))
                        .at(text, span_of_key(text, name)),
                );
            }
            let mut seen = std::collections::HashSet::new();
            for term in &tax.terms {
                if !seen.insert(term.slug.as_str()) {
                    ds.push(Diagnostic::error(
                        "site.toml",
                        format!(
                            "term \"{}\" is listed twice in taxonomy \"{name}\"",
                            term.slug
                        ),
                    ));
                }
            }
        }
    }

    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url).unwrap_or_else(|| "/".to_string())
    }

    /// Where the pages of this configuration's language start: the base
    /// path, or `<base path><code>/` for a language other than the main one.
    pub fn lang_base(&self) -> String {
        if self.is_main_language() {
            self.base_path()
        } else {
            format!("{}{}/", self.base_path(), self.language)
        }
    }

    /// Whether this is the main language's configuration.
    pub fn is_main_language(&self) -> bool {
        self.main_language.is_empty() || self.main_language == self.language
    }

    /// The site's main language (also from another language's configuration).
    pub fn main_language(&self) -> &str {
        if self.main_language.is_empty() {
            &self.language
        } else {
            &self.main_language
        }
    }

    /// `base_url` without its trailing slash, for absolute links in sitemaps.
    pub fn base_origin_and_path(&self) -> String {
        self.base_url.trim_end_matches('/').to_string()
    }
}

/// Extracts the path of an http(s) URL, normalised to `/…/`.
pub fn base_path_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || url.contains(char::is_whitespace) {
        return None;
    }
    let path = path.trim_matches('/');
    Some(if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    })
}

/// WCAG 2 relative luminance of an sRGB colour.
pub fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG 2 contrast ratio of a colour against white.
pub fn contrast_on_white(rgb: [u8; 3]) -> f64 {
    contrast(rgb, [255, 255, 255])
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The darkest background the default theme puts text in the brand colour
/// on: the grey of the footer and of inline code, where links keep the
/// brand colour (`#e8edee` in `style.css`). The page's own grey is lighter.
pub const THEME_GREY: [u8; 3] = [0xe8, 0xed, 0xee];

/// The lower of the brand colour's contrasts that the default theme relies
/// on: with white (the header's text on it, links on white panels) and with
/// [`THEME_GREY`] (links in the footer and in inline code).
pub fn brand_contrast(rgb: [u8; 3]) -> f64 {
    contrast_on_white(rgb).min(contrast(rgb, THEME_GREY))
}

/// The brand colour is used for link text and for white text on the header,
/// so it needs 4.5:1 against white and against the theme's grey (which also
/// covers the 3:1 for UI parts).
fn contrast_problem(rgb: [u8; 3], written: &str) -> Option<Diagnostic> {
    let ratio = brand_contrast(rgb);
    if ratio >= 4.5 {
        return None;
    }
    let what = if ratio < 3.0 {
        "text needs at least 4.5:1 and buttons, borders and focus rings at least 3:1"
    } else {
        "text needs at least 4.5:1"
    };
    let darker = (1..=50)
        .map(|step| rgb.map(|c| (f64::from(c) * (1.0 - f64::from(step) * 0.02)).round() as u8))
        .find(|c| brand_contrast(*c) >= 4.5)
        .unwrap_or([0, 0, 0]);
    let hex = format!("#{:02x}{:02x}{:02x}", darker[0], darker[1], darker[2]);
    Some(
        Diagnostic::error(
            "site.toml",
            format!(
                "primary_colour \"{written}\" has a contrast of {:.2}:1 on white and {:.2}:1 on the theme's grey #e8edee (links in the footer); {what}",
                contrast_on_white(rgb),
                contrast(rgb, THEME_GREY)
            ),
        )
        .help(format!(
            "choose a darker colour; \"{hex}\" is a darker shade of it with {:.2}:1 on white and {:.2}:1 on the grey",
            contrast_on_white(darker),
            contrast(darker, THEME_GREY)
        )),
    )
}

/// Parses `#rrggbb` (or `#rgb`) into RGB bytes.
pub fn parse_hex_colour(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    let expand: String = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 => hex.to_string(),
        _ => return None,
    };
    let byte = |i: usize| u8::from_str_radix(expand.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Turns a toml parse error into a diagnostic; `offset` is where the TOML starts in the file.
pub fn toml_error(path: &str, file_text: &str, e: &toml::de::Error, offset: usize) -> Diagnostic {
    let raw = e.message().trim().replace('\n', " ");
    let (mut message, mut help) = explain_toml(&raw);
    let value = e
        .span()
        .and_then(|s| file_text.get(s.start + offset..s.end + offset));
    if let (true, Some(value)) = (raw.starts_with("invalid date"), value) {
        message = crate::content::date::Date::explain_invalid(value.trim_matches('"'));
        help = Some("write dates as YYYY-MM-DD without quotes, e.g. date = 2024-03-01".to_string());
    }
    let mut d = Diagnostic::error(path, message);
    if let Some(span) = e.span() {
        d = d.at(file_text, span.start + offset..span.end + offset);
    }
    match help {
        Some(h) => d.help(h),
        None => d,
    }
}

/// Rewrites the toml crate's messages in an editor's words, with a hint.
fn explain_toml(msg: &str) -> (String, Option<String>) {
    for (prefix, what) in [("unknown field `", "field"), ("unknown variant `", "value")] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            let (word, tail) = rest.split_once('`').unwrap_or((rest, ""));
            let allowed: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
            let help = match (what, did_you_mean(word, allowed.iter().copied())) {
                ("field", Some(s)) => {
                    format!("did you mean `{s}`? Free-form fields go in an [extra] table")
                }
                ("field", None) => {
                    "check the spelling; free-form fields go in an [extra] table".to_string()
                }
                (_, Some(s)) => format!(
                    "did you mean \"{s}\"? Allowed values: {}",
                    allowed.join(", ")
                ),
                (_, None) => format!("allowed values: {}", allowed.join(", ")),
            };
            return (format!("unknown {what} `{word}`"), Some(help));
        }
    }
    if msg.starts_with("invalid basic string") || msg.starts_with("invalid literal string") {
        return (
            "this text has no closing quote".to_string(),
            Some("add \" at the end of the value".to_string()),
        );
    }
    if msg.starts_with("duplicate key") {
        return (
            msg.to_string(),
            Some("remove one of the two lines".to_string()),
        );
    }
    if msg.contains("is not a date") || msg.contains("not a valid date") {
        return (msg.to_string(), None);
    }
    if msg.contains("date") || msg.contains("month") || msg.contains("day") {
        return (
            msg.to_string(),
            Some("write dates as YYYY-MM-DD without quotes, e.g. date = 2024-03-01".to_string()),
        );
    }
    let generic = "this is TOML: key = \"text\", key = 2024-03-01, key = [\"a\", \"b\"]; plain keys come before any [table]";
    (msg.to_string(), Some(generic.to_string()))
}

/// The span of the value in `key = value` at the start of a line, or of the key if there is no value.
pub fn span_of_value(text: &str, key: &str) -> std::ops::Range<usize> {
    let key_span = span_of_key(text, key);
    let rest = &text[key_span.end..];
    let line = rest.split('\n').next().unwrap_or("");
    match line.find('=') {
        Some(eq) => {
            let value = line[eq + 1..].trim();
            let start =
                key_span.end + eq + 1 + (line[eq + 1..].len() - line[eq + 1..].trim_start().len());
            start..start + value.len()
        }
        None => key_span,
    }
}

/// The span of `key = …` at the start of a line, or an empty span at 0.
pub fn span_of_key(text: &str, key: &str) -> std::ops::Range<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                let start = offset + (line.len() - trimmed.len());
                return start..start + key.len();
            }
        }
        offset += line.len();
    }
    0..0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes() {
        let size = |t: &str| t.parse::<FileSize>().map(|s| s.0);
        assert_eq!(size("10 MB"), Ok(10_000_000));
        assert_eq!(size("512kb"), Ok(512_000));
        assert_eq!(size("2GB"), Ok(2_000_000_000));
        assert_eq!(size("1234"), Ok(1234));
        assert_eq!(size("1234 bytes"), Ok(1234));
        for bad in [
            "",
            "MB",
            "0",
            "ten MB",
            "1.5 MB",
            "10 MiB",
            "99999999999999 GB",
        ] {
            assert!(size(bad).is_err(), "{bad:?}");
        }
        assert_eq!(FileSize(10_000_000).to_string(), "10 MB");
        assert_eq!(FileSize(1234).to_string(), "1234 bytes");
        let config = |v: &str| {
            Config::parse(&format!(
                "title = \"t\"\nbase_url = \"https://x.example/\"\n[build]\nmax_file_size = {v}\n"
            ))
            .map(|c| c.build.max_file_size.0)
        };
        assert_eq!(config("\"1 MB\"").ok(), Some(1_000_000));
        assert_eq!(config("2000").ok(), Some(2000));
        assert!(config("-5").is_err());
        assert!(config("true").is_err());
    }

    #[test]
    fn base_path_handles_subpaths() {
        assert_eq!(
            base_path_of("https://trust.example/hr").as_deref(),
            Some("/hr/")
        );
        assert_eq!(base_path_of("https://trust.example/").as_deref(), Some("/"));
        assert_eq!(base_path_of("http://x.org").as_deref(), Some("/"));
        assert_eq!(base_path_of("trust.example/hr"), None);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = Config::parse("title = \"x\"\nbase_url = \"https://a.b/\"\ntitel = \"y\"\n")
            .unwrap_err();
        let text = err.render();
        assert!(
            text.starts_with("site.toml:3:1: error: unknown field `titel`\n"),
            "{text}"
        );
        assert!(text.contains("help: did you mean `title`?"), "{text}");
    }

    #[test]
    fn taxonomies_keep_document_order() {
        let c = Config::parse(
            "title = \"x\"\nbase_url = \"https://a.b/\"\n[taxonomies.rights]\nlabel = \"R\"\n[taxonomies.audiences]\nlabel = \"A\"\n",
        )
        .unwrap();
        let names: Vec<_> = c.taxonomies.keys().collect();
        assert_eq!(names, ["rights", "audiences"]);
    }

    #[test]
    fn contrast_ratios_match_wcag() {
        assert!((contrast_on_white([0, 0, 0]) - 21.0).abs() < 0.01);
        assert!((contrast_on_white([0x00, 0x5e, 0xb8]) - 6.38).abs() < 0.01);
        assert!((contrast_on_white([0x76, 0x76, 0x76]) - 4.54).abs() < 0.01);
    }

    #[test]
    fn pale_brand_colours_fail_with_the_ratio_and_a_darker_shade() {
        let err = Config::parse("title = \"x\"\nbase_url = \"https://a.b/\"\n[branding]\nprimary_colour = \"#7fb2e5\"\n")
            .unwrap_err()
            .render();
        assert!(err.contains("site.toml:4:18: error: primary_colour \"#7fb2e5\" has a contrast of 2.23:1 on white and 1.89:1 on the theme's grey #e8edee (links in the footer); text needs at least 4.5:1 and buttons, borders and focus rings at least 3:1"), "{err}");
        assert!(err.contains("help: choose a darker colour;"), "{err}");
        assert!(Config::parse("title = \"x\"\nbase_url = \"https://a.b/\"\n[branding]\nprimary_colour = \"#005eb8\"\n").is_ok());
    }

    #[test]
    fn brand_colours_that_pass_on_white_but_not_on_the_footer_grey_fail() {
        let parse = |c: &str| {
            Config::parse(&format!(
                "title = \"x\"\nbase_url = \"https://a.b/\"\n[branding]\nprimary_colour = \"{c}\"\n"
            ))
        };
        // GOV.UK's blue: 5.17:1 on white, 4.38:1 on #e8edee.
        assert!(contrast_on_white([0x1d, 0x70, 0xb8]) > 4.5);
        let err = parse("#1d70b8").unwrap_err().render();
        assert!(err.contains("error: primary_colour \"#1d70b8\" has a contrast of 5.17:1 on white and 4.38:1 on the theme's grey #e8edee (links in the footer); text needs at least 4.5:1\n"), "{err}");
        let help = err.lines().find(|l| l.contains("help:")).unwrap();
        let hex = help.split('"').nth(1).unwrap();
        let darker = parse_hex_colour(hex).unwrap();
        assert!(brand_contrast(darker) >= 4.5, "{help}");
        assert!(parse(hex).is_ok(), "{help}");
        assert!(parse("#0b6e99").is_ok()); // 5.67:1 on white, 4.80:1 on the grey
    }

    #[test]
    fn the_theme_grey_is_the_darkest_background_of_brand_text() {
        let css = include_str!("../themes/default/static/style.css");
        assert!(css.contains(".site-footer { background: #e8edee;"));
        assert!(css.contains("--bg: #f0f4f5;"));
        assert!(contrast([0xf0, 0xf4, 0xf5], [0, 0, 0]) > contrast(THEME_GREY, [0, 0, 0]));
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 0.01);
    }

    #[test]
    fn colours() {
        assert_eq!(parse_hex_colour("#005eb8"), Some([0, 0x5e, 0xb8]));
        assert_eq!(parse_hex_colour("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_hex_colour("blue"), None);
    }
}
