//! Front matter: splitting a file into TOML and Markdown, and the raw schema.
//!
//! [`split`] is pure, so tests feed it strings. [`RawFrontMatter`] mirrors
//! every key a page or section may carry; unknown keys are errors. Whether a
//! key fits the page's type is checked later, in [`super::page`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::date::{Date, DateTime};
use crate::diagnostics::Diagnostic;

/// A file cut into its front matter and its body, with byte offsets into the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the `+++` lines.
    pub front: &'a str,
    /// Where `front` starts in the file.
    pub front_offset: usize,
    /// The Markdown after the closing `+++`.
    pub body: &'a str,
    /// Where `body` starts in the file.
    pub body_offset: usize,
}

/// The opening `+++` (after a byte-order mark, if any): where problems that
/// belong to the whole file are shown.
pub fn opening_span(text: &str) -> std::ops::Range<usize> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    start..start + 3
}

/// Cuts `text` into front matter and body. `path` is only used in errors.
pub fn split<'a>(path: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter { text, pos: start };
    let first = lines
        .next()
        .map(|(s, e)| text[s..e].trim_end())
        .unwrap_or("");
    if first == "---" {
        return Err(Diagnostic::error(
            path,
            "front matter is YAML (`---`), but freda reads TOML between `+++` lines",
        )
        .at(text, start..start + 3)
        .help("replace both `---` lines with `+++` and write fields as TOML: title = \"…\""));
    }
    if text[start..].trim().is_empty() {
        return Err(Diagnostic::error(path, "the file is empty")
            .at(text, start..start)
            .help("start the file with a `+++` line, then title = \"…\" and summary = \"…\", then another `+++` line; or delete the file"));
    }
    if first != "+++" {
        return Err(Diagnostic::error(path, "the file has no front matter")
            .at(text, start..start)
            .help("start the file with a `+++` line, then title = \"…\" and summary = \"…\", then another `+++` line"));
    }
    let front_offset = lines.pos;
    for (s, e) in lines.by_ref() {
        if text[s..e].trim_end() == "+++" {
            let body_offset = lines.pos;
            return Ok(Split {
                front: &text[front_offset..s],
                front_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
    }
    Err(Diagnostic::error(path, "the front matter is never closed")
        .at(text, start..start + 3)
        .help("add a line containing only `+++` after the last front-matter field"))
}

/// Iterates over lines as (start, end) byte ranges without their line ending.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for LineIter<'_> {
    type Item = (usize, usize);
    fn next(&mut self) -> Option<(usize, usize)> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        self.pos = (end + 1).min(self.text.len());
        Some((start, end))
    }
}

/// Publication status of a page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not built unless `--drafts`.
    Draft,
    /// Normal.
    #[default]
    Published,
    /// Built with a banner, left out of listings.
    Archived,
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// By `weight`, then title.
    #[default]
    Weight,
    /// Newest `date` first.
    Date,
    /// Alphabetically.
    Title,
}

/// How a training module is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    /// Face to face.
    InPerson,
    /// Remote.
    Online,
    /// A mix of both.
    Blended,
}

/// What kind of practical tool a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ToolKind {
    /// A tick-box list.
    Checklist,
    /// Questions to answer.
    Questionnaire,
    /// A structured assessment.
    Assessment,
    /// A one-page poster.
    Poster,
    /// An audit form.
    Audit,
}

/// Whether an event is in a room, online or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventFormat {
    /// In a room.
    InPerson,
    /// Online only.
    Online,
    /// Both.
    Hybrid,
}

/// A downloadable file listed by a guide, training module or evaluation.
///
/// Editors write `title` and `file` (and `size` only for a file on another
/// site); the rest is measured from the file at build time by
/// [`crate::downloads::measure`], so it cannot be set in front matter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Download {
    /// Link text.
    pub title: String,
    /// Path under `static/`, e.g. `/downloads/guide.pdf`.
    pub file: String,
    /// A hand-written size, e.g. "1.2 MB": shown only for files on other
    /// sites; for the site's own files the measured size is shown instead.
    #[serde(default)]
    pub size: Option<Spanned<String>>,
    /// The file's type by extension, the end of a theme string's name
    /// (`pdf` for `file_pdf`, `word`, `excel`, …); empty for other types.
    #[serde(skip_deserializing)]
    pub kind: String,
    /// The extension, upper-cased (`MP4`): the type label when `kind` is empty.
    #[serde(skip_deserializing)]
    pub extension: String,
    /// The MIME type for the link's `type` attribute, when freda knows it.
    #[serde(skip_deserializing)]
    pub mime: Option<String>,
    /// The file's size in bytes, when it is the site's own file.
    #[serde(skip_deserializing)]
    pub bytes: Option<u64>,
    /// The size to show, e.g. "120 KB": measured, or the hand-written `size`
    /// of a file on another site.
    #[serde(skip_deserializing)]
    pub size_display: Option<String>,
    /// Where `size` is written in the source file, for warnings.
    #[serde(skip)]
    pub size_span: Option<std::ops::Range<usize>>,
}

/// Where the facts on a page come from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Who published the source.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Its title.
    #[serde(default)]
    pub title: Option<String>,
    /// Year of publication.
    #[serde(default)]
    pub year: Option<i64>,
    /// Where to find it.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// Its licence, e.g. "Open Government Licence v3.0".
    #[serde(default)]
    pub licence: Option<String>,
}

/// Every key a page or section may set, exactly as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    /// Page title (required).
    pub title: Option<String>,
    /// Short plain-text summary (required on pages).
    pub summary: Option<String>,
    /// Content type.
    #[serde(rename = "type")]
    pub kind: Option<Spanned<String>>,
    /// Publication date.
    pub date: Option<Date>,
    /// When the content was last reviewed.
    pub last_reviewed: Option<Date>,
    /// When the content is next due for review.
    pub next_review: Option<Date>,
    /// Who owns the content.
    pub owner: Option<String>,
    /// draft, published or archived.
    pub status: Option<Status>,
    /// Language tag.
    pub lang: Option<String>,
    /// Links translations of one page.
    pub translation_key: Option<String>,
    /// Old URLs that should redirect here.
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// Ordering within the section.
    pub weight: Option<i64>,
    /// Replaces the last URL segment.
    pub slug: Option<Spanned<String>>,
    /// Replaces the whole URL path.
    pub path: Option<Spanned<String>>,
    /// Section only: default type of the pages in it.
    pub page_type: Option<Spanned<String>>,
    /// Section only: page order.
    pub sort_by: Option<SortBy>,
    /// Guide only: edition.
    pub edition: Option<String>,
    /// Guide only: downloadable versions.
    pub downloads: Option<Vec<Download>>,
    /// Case study: the organisation.
    pub organisation: Option<String>,
    /// Case study: kind of organisation.
    pub org_type: Option<String>,
    /// Case study: year of the work.
    pub year: Option<i64>,
    /// Case study: region.
    pub region: Option<String>,
    /// Do's and don'ts: things to do.
    pub dos: Option<Vec<String>>,
    /// Do's and don'ts: things to avoid.
    pub donts: Option<Vec<String>>,
    /// Do's and don'ts: questions to consider.
    pub questions: Option<Vec<String>>,
    /// Training: how long it takes.
    pub duration: Option<String>,
    /// Training: how it is delivered.
    pub delivery: Option<Delivery>,
    /// Training: what learners will be able to do.
    pub learning_outcomes: Option<Vec<String>>,
    /// Training: downloadable materials.
    pub materials: Option<Vec<Download>>,
    /// Tool: what kind of tool.
    pub tool_kind: Option<ToolKind>,
    /// Tool: when to use it.
    pub use_when: Option<String>,
    /// Tool: its items or questions.
    pub items: Option<Vec<String>>,
    /// Event: when it starts.
    pub start: Option<DateTime>,
    /// Event: when it ends.
    pub end: Option<DateTime>,
    /// Event: where it happens.
    pub location: Option<String>,
    /// Event: in person, online or hybrid.
    pub format: Option<EventFormat>,
    /// Evaluation: who evaluated.
    pub evaluator: Option<String>,
    /// Evaluation: when the report came out.
    pub published: Option<Date>,
    /// Evaluation: the main findings.
    pub key_findings: Option<Vec<String>>,
    /// Evaluation: the full report.
    pub report: Option<Download>,
    /// Vocabulary name to terms.
    #[serde(default)]
    pub taxonomies: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Attribution.
    pub source: Option<Source>,
    /// Free-form data for templates.
    #[serde(default)]
    pub extra: toml::Table,
}

impl RawFrontMatter {
    /// Names of the type-specific keys that are set, for checking them against the type.
    pub fn typed_keys_present(&self) -> Vec<&'static str> {
        let present = [
            ("page_type", self.page_type.is_some()),
            ("sort_by", self.sort_by.is_some()),
            ("edition", self.edition.is_some()),
            ("downloads", self.downloads.is_some()),
            ("organisation", self.organisation.is_some()),
            ("org_type", self.org_type.is_some()),
            ("year", self.year.is_some()),
            ("region", self.region.is_some()),
            ("dos", self.dos.is_some()),
            ("donts", self.donts.is_some()),
            ("questions", self.questions.is_some()),
            ("duration", self.duration.is_some()),
            ("delivery", self.delivery.is_some()),
            ("learning_outcomes", self.learning_outcomes.is_some()),
            ("materials", self.materials.is_some()),
            ("tool_kind", self.tool_kind.is_some()),
            ("use_when", self.use_when.is_some()),
            ("items", self.items.is_some()),
            ("start", self.start.is_some()),
            ("end", self.end.is_some()),
            ("location", self.location.is_some()),
            ("format", self.format.is_some()),
            ("evaluator", self.evaluator.is_some()),
            ("published", self.published.is_some()),
            ("key_findings", self.key_findings.is_some()),
            ("report", self.report.is_some()),
        ];
        present
            .iter()
            .filter(|(_, set)| *set)
            .map(|(k, _)| *k)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("a.md", "+++\ntitle = \"x\"\n+++\n# Body\n").unwrap();
        assert_eq!(s.front, "title = \"x\"\n");
        assert_eq!(s.front_offset, 4);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_offset, 20);
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let s = split("a.md", "\u{feff}+++\r\ntitle = \"x\"\r\n+++\r\nBody").unwrap();
        assert_eq!(s.front, "title = \"x\"\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn empty_body_is_fine() {
        let s = split("a.md", "+++\ntitle = \"x\"\n+++").unwrap();
        assert_eq!(s.body, "");
    }

    #[test]
    fn yaml_is_refused_with_advice() {
        let e = split("a.md", "---\ntitle: x\n---\n").unwrap_err();
        assert!(e.message.contains("YAML"));
        assert!(e.help.unwrap().contains("+++"));
    }

    #[test]
    fn unclosed_and_missing() {
        assert!(split("a.md", "+++\ntitle = \"x\"\n")
            .unwrap_err()
            .message
            .contains("never closed"));
        assert!(split("a.md", "# Just text")
            .unwrap_err()
            .message
            .contains("no front matter"));
        for empty in ["", "\u{feff}", " \r\n\n"] {
            assert_eq!(
                split("a.md", empty).unwrap_err().message,
                "the file is empty"
            );
        }
    }
}
