//! The typed page and section model, built from raw front matter.
//!
//! [`PageType`] names the content types of design.md. Each type's own fields
//! live in a [`PageKind`] variant, so a case study always has an
//! organisation and a tool always has items. [`check_typed_keys`] rejects a
//! key that belongs to another type, naming the type it belongs to.

use serde::Serialize;

use super::date::{Date, DateTime};
use super::frontmatter::{
    Delivery, Download, EventFormat, RawFrontMatter, SortBy, Source, Status, ToolKind,
};

/// The content types freda knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageType {
    /// A plain page.
    Page,
    /// A multi-part guide (sections only).
    Guide,
    /// One part of a guide.
    GuidePart,
    /// A case study from a trust.
    CaseStudy,
    /// Do's and don'ts for trainers.
    DosDonts,
    /// A training module.
    Training,
    /// A checklist, questionnaire, assessment, poster or audit.
    Tool,
    /// A learning event.
    Event,
    /// An independent evaluation.
    Evaluation,
}

impl PageType {
    /// Every type, in the order they are listed to users.
    pub const ALL: [PageType; 9] = [
        PageType::Page,
        PageType::Guide,
        PageType::GuidePart,
        PageType::CaseStudy,
        PageType::DosDonts,
        PageType::Training,
        PageType::Tool,
        PageType::Event,
        PageType::Evaluation,
    ];

    /// Looks a type up by its front-matter name.
    pub fn from_name(name: &str) -> Option<PageType> {
        PageType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The front-matter name, e.g. `case-study`.
    pub fn name(self) -> &'static str {
        match self {
            PageType::Page => "page",
            PageType::Guide => "guide",
            PageType::GuidePart => "guide-part",
            PageType::CaseStudy => "case-study",
            PageType::DosDonts => "dos-donts",
            PageType::Training => "training",
            PageType::Tool => "tool",
            PageType::Event => "event",
            PageType::Evaluation => "evaluation",
        }
    }

    /// The template that renders pages of this type.
    pub fn template_name(self) -> String {
        format!("{}.html", self.name())
    }

    /// A reader-facing label, e.g. "Case study".
    pub fn label(self) -> &'static str {
        match self {
            PageType::Page => "Page",
            PageType::Guide => "Guide",
            PageType::GuidePart => "Guide",
            PageType::CaseStudy => "Case study",
            PageType::DosDonts => "Do's and don'ts",
            PageType::Training => "Training",
            PageType::Tool => "Tool",
            PageType::Event => "Event",
            PageType::Evaluation => "Evaluation",
        }
    }

    /// The type-specific keys this type accepts, and which are required
    /// (for the CMS configuration, see [`crate::cms`]).
    pub fn fields(self) -> (&'static [&'static str], &'static [&'static str]) {
        self.keys()
    }

    /// The type-specific keys this type accepts, and which are required.
    fn keys(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            PageType::Page | PageType::GuidePart => (&[], &[]),
            PageType::Guide => (&["edition", "downloads"], &[]),
            PageType::CaseStudy => (
                &["organisation", "org_type", "year", "region"],
                &["organisation"],
            ),
            PageType::DosDonts => (&["dos", "donts", "questions"], &["dos", "donts"]),
            PageType::Training => (
                &["duration", "delivery", "learning_outcomes", "materials"],
                &["learning_outcomes"],
            ),
            PageType::Tool => (&["tool_kind", "use_when", "items"], &["tool_kind", "items"]),
            PageType::Event => (
                &["start", "end", "location", "format"],
                &["start", "location"],
            ),
            PageType::Evaluation => (
                &["evaluator", "published", "key_findings", "report"],
                &["evaluator", "key_findings"],
            ),
        }
    }

    /// The type that owns a type-specific key, for error messages.
    pub fn owner_of(key: &str) -> Option<PageType> {
        PageType::ALL
            .into_iter()
            .find(|t| t.keys().0.contains(&key))
    }
}

/// A problem with the type-specific keys of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// A key that belongs to another type (or to sections).
    Misplaced {
        /// The key.
        key: &'static str,
        /// The type it belongs to, if any.
        owner: Option<PageType>,
    },
    /// A required key that is missing.
    Missing(&'static str),
}

/// Checks the type-specific keys of a page against its type.
pub fn check_typed_keys(raw: &RawFrontMatter, ty: PageType, is_section: bool) -> Vec<KeyProblem> {
    let (allowed, required) = ty.keys();
    let section_keys: &[&str] = if is_section {
        &["page_type", "sort_by"]
    } else {
        &[]
    };
    let present = raw.typed_keys_present();
    let mut problems: Vec<KeyProblem> = present
        .iter()
        .filter(|k| !allowed.contains(k) && !section_keys.contains(k))
        .map(|k| KeyProblem::Misplaced {
            key: k,
            owner: PageType::owner_of(k),
        })
        .collect();
    problems.extend(
        required
            .iter()
            .filter(|k| !present.contains(k))
            .map(|k| KeyProblem::Missing(k)),
    );
    problems
}

/// The fields that only some types have. Lists of inline Markdown hold HTML
/// once the markdown stage has run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PageKind {
    /// Page, guide part or guide: no extra fields.
    Plain {},
    /// Case study facts.
    CaseStudy {
        /// The organisation.
        organisation: String,
        /// Its kind.
        org_type: Option<String>,
        /// Year of the work.
        year: Option<i64>,
        /// Region.
        region: Option<String>,
    },
    /// Do's and don'ts lists.
    DosDonts {
        /// Things to do.
        dos: Vec<String>,
        /// Things to avoid.
        donts: Vec<String>,
        /// Questions to consider.
        questions: Vec<String>,
    },
    /// Training module details.
    Training {
        /// How long.
        duration: Option<String>,
        /// How delivered.
        delivery: Option<Delivery>,
        /// What learners gain.
        learning_outcomes: Vec<String>,
        /// Downloads.
        materials: Vec<Download>,
    },
    /// Tool details.
    Tool {
        /// Kind of tool.
        tool_kind: ToolKind,
        /// When to use it.
        use_when: Option<String>,
        /// Its items.
        items: Vec<String>,
    },
    /// Event details.
    Event {
        /// Start.
        start: DateTime,
        /// Start, for people.
        start_display: String,
        /// End.
        end: Option<DateTime>,
        /// End, for people.
        end_display: Option<String>,
        /// Where.
        location: String,
        /// In person, online or hybrid.
        format: Option<EventFormat>,
    },
    /// Evaluation details.
    Evaluation {
        /// Who evaluated.
        evaluator: String,
        /// When published.
        published: Option<Date>,
        /// When published, for people.
        published_display: Option<String>,
        /// Main findings.
        key_findings: Vec<String>,
        /// Full report.
        report: Option<Download>,
    },
}

impl PageKind {
    /// Moves the type's fields out of raw front matter. Call only after
    /// [`check_typed_keys`] found no missing keys.
    pub fn take(ty: PageType, raw: &mut RawFrontMatter) -> PageKind {
        match ty {
            PageType::CaseStudy => PageKind::CaseStudy {
                organisation: raw.organisation.take().unwrap_or_default(),
                org_type: raw.org_type.take(),
                year: raw.year,
                region: raw.region.take(),
            },
            PageType::DosDonts => PageKind::DosDonts {
                dos: raw.dos.take().unwrap_or_default(),
                donts: raw.donts.take().unwrap_or_default(),
                questions: raw.questions.take().unwrap_or_default(),
            },
            PageType::Training => PageKind::Training {
                duration: raw.duration.take(),
                delivery: raw.delivery,
                learning_outcomes: raw.learning_outcomes.take().unwrap_or_default(),
                materials: raw.materials.take().unwrap_or_default(),
            },
            PageType::Tool => PageKind::Tool {
                tool_kind: raw.tool_kind.unwrap_or(ToolKind::Checklist),
                use_when: raw.use_when.take(),
                items: raw.items.take().unwrap_or_default(),
            },
            PageType::Event => take_event(raw),
            PageType::Evaluation => PageKind::Evaluation {
                evaluator: raw.evaluator.take().unwrap_or_default(),
                published: raw.published,
                published_display: raw.published.map(|d| d.display()),
                key_findings: raw.key_findings.take().unwrap_or_default(),
                report: raw.report.take(),
            },
            PageType::Page | PageType::Guide | PageType::GuidePart => PageKind::Plain {},
        }
    }

    /// Every list of inline Markdown, for the markdown stage to render in place.
    pub fn inline_lists_mut(&mut self) -> Vec<&mut Vec<String>> {
        match self {
            PageKind::DosDonts {
                dos,
                donts,
                questions,
            } => vec![dos, donts, questions],
            PageKind::Training {
                learning_outcomes, ..
            } => vec![learning_outcomes],
            PageKind::Tool { items, .. } => vec![items],
            PageKind::Evaluation { key_findings, .. } => vec![key_findings],
            _ => Vec::new(),
        }
    }
}

impl PageKind {
    /// Every download the type lists.
    pub fn downloads(&self) -> Vec<&Download> {
        match self {
            PageKind::Training { materials, .. } => materials.iter().collect(),
            PageKind::Evaluation {
                report: Some(r), ..
            } => vec![r],
            _ => Vec::new(),
        }
    }

    /// Every download the type lists, so their paths can become URLs.
    pub fn downloads_mut(&mut self) -> Vec<&mut Download> {
        match self {
            PageKind::Training { materials, .. } => materials.iter_mut().collect(),
            PageKind::Evaluation {
                report: Some(r), ..
            } => vec![r],
            _ => Vec::new(),
        }
    }
}

impl Download {
    /// Turns `file` (a path under `static/`) into a URL under the base path,
    /// and notes where `size` is written (`front_offset`: where the front
    /// matter starts in the file). Full `http(s)://` addresses are left as
    /// they are.
    pub fn resolve(&mut self, base_path: &str, front_offset: usize) {
        if !self.is_external() {
            self.file = format!("{base_path}{}", self.file.trim_start_matches('/'));
        }
        self.size_span = self
            .size
            .as_ref()
            .map(|s| s.span().start + front_offset..s.span().end + front_offset);
    }

    /// A file on another site (`http(s)://`), which freda cannot measure.
    pub fn is_external(&self) -> bool {
        self.file.starts_with("http://") || self.file.starts_with("https://")
    }
}

fn take_event(raw: &mut RawFrontMatter) -> PageKind {
    let start = raw.start.unwrap_or(DateTime {
        date: Date {
            year: 1970,
            month: 1,
            day: 1,
        },
        time: None,
    });
    PageKind::Event {
        start,
        start_display: start.display(),
        end: raw.end,
        end_display: raw.end.map(|e| e.display()),
        location: raw.location.take().unwrap_or_default(),
        format: raw.format,
    }
}

/// A heading in a page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    /// The heading's id, for `#` links.
    pub id: String,
    /// The heading's plain text.
    pub title: String,
    /// Nested h3 entries under an h2.
    pub children: Vec<TocEntry>,
}

/// One assigned taxonomy term, as templates see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermRef {
    /// The term's slug.
    pub slug: String,
    /// The term's label.
    pub label: String,
    /// The term page's URL.
    pub url: String,
}

/// One vocabulary's terms on a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageTaxonomy {
    /// Vocabulary name, e.g. `rights`.
    pub name: String,
    /// Vocabulary label, e.g. "Rights".
    pub label: String,
    /// The terms, in vocabulary order.
    pub terms: Vec<TermRef>,
}

/// Fields that pages and sections share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meta {
    /// Title.
    pub title: String,
    /// Plain-text summary.
    pub summary: String,
    /// Final URL with base path, e.g. `/hr/case-studies/x/`.
    pub url: String,
    /// Publication date.
    pub date: Option<Date>,
    /// Publication date for people.
    pub date_display: Option<String>,
    /// Last review.
    pub last_reviewed: Option<Date>,
    /// Last review for people.
    pub last_reviewed_display: Option<String>,
    /// Next review.
    pub next_review: Option<Date>,
    /// Next review for people.
    pub next_review_display: Option<String>,
    /// Who owns the content.
    pub owner: Option<String>,
    /// draft, published or archived.
    pub status: Status,
    /// Language.
    pub lang: String,
    /// Links translations.
    pub translation_key: Option<String>,
    /// Old URLs.
    pub aliases: Vec<String>,
    /// A main-language page shown in another language's site because it
    /// has no translation (see [`crate::languages`]).
    pub fallback: bool,
    /// This page in every language that has it, for the language switcher.
    pub translations: Vec<crate::languages::Translation>,
    /// Ordering.
    pub weight: i64,
    /// Attribution.
    pub source: Option<Source>,
    /// Free-form data.
    pub extra: toml::Table,
    /// Rendered Markdown body.
    pub content: std::sync::Arc<str>,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Words in the body.
    pub word_count: usize,
    /// Minutes to read at 200 words a minute, at least 1.
    pub reading_minutes: usize,
    /// Every heading id in the body, for checking `#anchor` links.
    #[serde(skip)]
    pub anchors: Vec<String>,
}

/// A content page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// Source path relative to `content/`, with `/` separators.
    #[serde(skip)]
    pub source: String,
    /// The whole source file; the Markdown body starts at `body_offset`.
    #[serde(skip)]
    pub text: std::sync::Arc<str>,
    /// Where the body starts in `text`, for error positions.
    #[serde(skip)]
    pub body_offset: usize,
    /// Index of the parent section.
    #[serde(skip)]
    pub section: usize,
    /// Where `slug` or `path` sets the URL in `text`, if they do.
    #[serde(skip)]
    pub url_span: Option<std::ops::Range<usize>>,
    /// Raw taxonomy terms, by vocabulary name.
    #[serde(skip)]
    pub terms: Vec<(String, Vec<String>)>,
    /// The content type.
    #[serde(rename = "type")]
    pub page_type: PageType,
    /// Shared fields.
    #[serde(flatten)]
    pub meta: Meta,
    /// Type-specific fields.
    #[serde(flatten)]
    pub kind: PageKind,
    /// Taxonomy terms with labels and URLs.
    pub taxonomies: Vec<PageTaxonomy>,
    /// Plain text split at headings, filled by the markdown stage for search.
    #[serde(skip)]
    pub text_sections: std::sync::Arc<[crate::markdown::TextSection]>,
    /// Internal links (target source path, anchor, byte range), filled by the markdown stage.
    #[serde(skip)]
    pub links_to: Vec<(String, Option<String>, std::ops::Range<usize>)>,
    /// Other link and image destinations with their byte ranges (see
    /// [`crate::markdown::Rendered::outbound`]), filled by the markdown stage.
    #[serde(skip)]
    pub outbound: Vec<(String, std::ops::Range<usize>)>,
    /// Readability counts of the body, filled by the markdown stage.
    #[serde(skip)]
    pub prose: crate::readability::Prose,
}

/// A folder of content, with its optional `_index.md`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Folder relative to `content/`, `""` for the root.
    #[serde(skip)]
    pub dir: String,
    /// Source of `_index.md`, if there is one.
    #[serde(skip)]
    pub source: Option<String>,
    /// The whole text of `_index.md` (empty without one).
    #[serde(skip)]
    pub text: std::sync::Arc<str>,
    /// Where the Markdown body starts in `text`.
    #[serde(skip)]
    pub body_offset: usize,
    /// Where `slug` or `path` sets the URL in `text`, if they do.
    #[serde(skip)]
    pub url_span: Option<std::ops::Range<usize>>,
    /// Parent section, none for the root.
    #[serde(skip)]
    pub parent: Option<usize>,
    /// Pages in order.
    #[serde(skip)]
    pub pages: Vec<usize>,
    /// Child sections in order.
    #[serde(skip)]
    pub subsections: Vec<usize>,
    /// `guide` or `section`.
    #[serde(rename = "type")]
    pub section_type: &'static str,
    /// Default type of pages in the section.
    #[serde(skip)]
    pub page_type: Option<PageType>,
    /// Page order.
    #[serde(skip)]
    pub sort_by: SortBy,
    /// Guide edition.
    pub edition: Option<String>,
    /// Guide downloads.
    pub downloads: Vec<Download>,
    /// Shared fields.
    #[serde(flatten)]
    pub meta: Meta,
}
