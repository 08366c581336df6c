//! `freda new`: creates ready-to-edit content files for editors.
//!
//! Editors using freda are usually not developers, so every file written by
//! `freda new <type> "Title"` contains *all* the front-matter fields of its
//! type, pre-filled with valid example values and explained by TOML `#`
//! comments (allowed values, vocabulary slugs, date formats). The Markdown body
//! holds the headings expected for the type, each with a line of guidance.
//!
//! New pages are created with `status = "draft"` so nothing is published by
//! accident.
//!
//! The texts live in `src/scaffold/*.md` (one per kind) plus three shared
//! fragments (`how-to-edit.toml`, `page-fields.toml`, `tables.toml`). They use
//! these placeholders, replaced with plain [`str::replace`]:
//!
//! | placeholder | value |
//! |---|---|
//! | `{{page_fields}}` | the common page fields (`page-fields.toml`) |
//! | `{{how_to_edit}}` | the "how to edit" comment box (`how-to-edit.toml`) |
//! | `{{tables}}` | `[taxonomies]`, commented `[source]` and `[extra]` (`tables.toml`) |
//! | `{{type}}` | the kind name, e.g. `case-study` |
//! | `{{today}}` | today as `YYYY-MM-DD` |
//! | `{{next_review}}` | today plus one year |
//! | `{{year}}` | the current year |
//! | `{{slug}}` | the slugified title |
//! | `{{folder}}` | for guides: the guide's folder under `content/` |
//! | `{{title}}` | the title, escaped for a TOML basic string (replaced last) |

use std::fmt;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use indexmap::IndexMap;

use crate::config::Config;
use crate::content::PageType;
use crate::diagnostics::did_you_mean;

/// The "how to edit" comment box at the top of every template.
const HOW_TO_EDIT: &str = include_str!("scaffold/how-to-edit.toml");
/// The common front-matter fields of every page (not used by guide sections).
const PAGE_FIELDS: &str = include_str!("scaffold/page-fields.toml");
/// `[taxonomies]`, the commented-out `[source]` and `[extra]` tables.
const TABLES: &str = include_str!("scaffold/tables.toml");

pub mod questions;
#[cfg(feature = "interactive")]
pub mod terminal;

/// The content types `freda new` can create: every [`PageType`].
pub type NewKind = PageType;

impl PageType {
    /// Parses "case-study" etc; unknown names give an error listing the valid
    /// ones, with a did-you-mean suggestion when the name is close to one.
    ///
    /// Matching ignores case and surrounding spaces, and accepts `_` or a space
    /// in place of `-` (`Case_Study` parses as [`NewKind::CaseStudy`]).
    pub fn parse(s: &str) -> Result<NewKind> {
        let wanted = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        if let Some(kind) = PageType::from_name(&wanted) {
            return Ok(kind);
        }
        let mut msg = format!("unknown content type \"{}\"", s.trim());
        if let Some(kind) = suggest(&wanted) {
            msg.push_str(&format!("; did you mean \"{}\"?", kind.name()));
        }
        msg.push_str(&format!("\nvalid types: {}", names().join(", ")));
        bail!(msg)
    }

    /// The default section folder, relative to `content/`: page -> "" (the
    /// content root), guide -> "guides", guide-part -> error (a section must be
    /// given), case-study -> "case-studies", dos-donts -> "dos-and-donts",
    /// training -> "training", tool -> "tools", event -> "events",
    /// evaluation -> "evaluations".
    pub fn default_section(self) -> Result<&'static str> {
        Ok(match self {
            NewKind::Page => "",
            NewKind::Guide => "guides",
            NewKind::GuidePart => bail!(
                "a guide part must go inside a guide: give the guide's folder with --section, \
                 e.g. --section guides/my-guide"
            ),
            NewKind::CaseStudy => "case-studies",
            NewKind::DosDonts => "dos-and-donts",
            NewKind::Training => "training",
            NewKind::Tool => "tools",
            NewKind::Event => "events",
            NewKind::Evaluation => "evaluations",
        })
    }

    /// The raw template text (before placeholders are replaced).
    fn scaffold(self) -> &'static str {
        match self {
            NewKind::Page => include_str!("scaffold/page.md"),
            NewKind::Guide => include_str!("scaffold/guide.md"),
            NewKind::GuidePart => include_str!("scaffold/guide-part.md"),
            NewKind::CaseStudy => include_str!("scaffold/case-study.md"),
            NewKind::DosDonts => include_str!("scaffold/dos-donts.md"),
            NewKind::Training => include_str!("scaffold/training.md"),
            NewKind::Tool => include_str!("scaffold/tool.md"),
            NewKind::Event => include_str!("scaffold/event.md"),
            NewKind::Evaluation => include_str!("scaffold/evaluation.md"),
        }
    }
}

/// Every type name, in order, for messages.
pub fn names() -> Vec<&'static str> {
    PageType::ALL.into_iter().map(PageType::name).collect()
}

impl fmt::Display for PageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PageType {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self> {
        PageType::parse(s)
    }
}

/// Options for `freda new`.
#[derive(Debug, Clone, Copy)]
pub struct NewOptions<'a> {
    /// The site's root folder (the one holding `site.toml` and `content/`).
    pub site_root: &'a Path,
    /// What to create.
    pub kind: NewKind,
    /// The title as typed by the editor; the file name is made from it.
    pub title: &'a str,
    /// `--section`: the folder under `content/` to use instead of the kind's
    /// default. Must be relative, without `..` or backslashes.
    pub section: Option<&'a str>,
    /// Today's date as (year, month, day).
    pub today: (i32, u32, u32),
    /// Values chosen in `freda new`'s questions ([`questions`]), written in
    /// place of the template's examples; `None` writes the template as it is.
    pub filled: Option<&'a Filled>,
}

/// Values the editor chose in `freda new`'s questions, written into the
/// front matter in place of the template's examples (the comments stay).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filled {
    /// Top-level front-matter fields to set, e.g. `("organisation", "Ward 7")`.
    pub fields: Vec<(&'static str, toml::Value)>,
    /// The chosen term slugs, by vocabulary name.
    pub terms: IndexMap<String, Vec<String>>,
    /// The page's language code when it is not the main language: the file
    /// is then named `<slug>.<code>.md` (`_index.<code>.md` for a guide).
    pub lang: Option<String>,
}

/// Where a new page goes.
struct Target {
    /// The folder the file goes in.
    dir: PathBuf,
    /// The file.
    path: PathBuf,
    /// The folder under `content/` the guide template's instructions name.
    folder: String,
}

/// Checks a title for `freda new` and returns its slug: it must contain
/// letters or digits, and must not make a file name Windows reserves.
pub fn check_title(title: &str) -> Result<String> {
    let slug = slugify(title.trim());
    if slug.is_empty() {
        bail!("the title must contain letters or digits");
    }
    if crate::portable::reserved_on_windows(&slug) {
        bail!("the title would make the file name \"{slug}\", which Windows reserves for devices; add a word to the title");
    }
    Ok(slug)
}

/// The file `freda new` would write for these options (checking the title
/// and section first), whether or not it exists.
pub fn target_path(opts: &NewOptions) -> Result<PathBuf> {
    target(opts).map(|t| t.path)
}

/// The refusal message for an existing file, as [`new_content`] gives it.
pub fn exists_message(path: &Path) -> String {
    already_exists(path)
}

fn target(opts: &NewOptions) -> Result<Target> {
    let slug = check_title(opts.title)?;
    let section = match opts.section {
        Some(s) => clean_section(s)?,
        None => opts.kind.default_section()?.to_string(),
    };
    let suffix = match opts.filled.and_then(|f| f.lang.as_deref()) {
        Some(code) => format!(".{code}.md"),
        None => ".md".to_string(),
    };
    let content = opts.site_root.join("content");
    let (dir, file_name, folder) = if opts.kind == NewKind::Guide {
        let folder = join_folder(&section, &slug);
        (content.join(&folder), format!("_index{suffix}"), folder)
    } else {
        (content.join(&section), format!("{slug}{suffix}"), section)
    };
    let path = dir.join(file_name);
    Ok(Target { dir, path, folder })
}

/// Writes the new file and returns its path. Refuses to overwrite (error naming the file). Creates the section folder if missing.
///
/// The file goes to `content/<section>/<slug>.md`; a guide goes to
/// `content/<section>/<slug>/_index.md`. The section is `opts.section` or the
/// kind's [default](NewKind::default_section). Surrounding whitespace is
/// trimmed from the title.
pub fn new_content(opts: &NewOptions) -> Result<PathBuf> {
    let title = opts.title.trim();
    let Target { dir, path, folder } = target(opts)?;
    if path.exists() {
        bail!(already_exists(&path));
    }
    fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let config = Config::load(opts.site_root).map_err(|ds| {
        anyhow::anyhow!(
            "{}there is no valid site.toml in {}: run freda new inside your site folder",
            ds.render(),
            opts.site_root.display()
        )
    })?;
    let text = match opts.filled {
        None => render(
            opts.kind,
            title,
            opts.today,
            &folder,
            &taxonomy_block(&config),
        ),
        Some(filled) => render_filled(opts.kind, title, opts.today, &folder, &config, filled),
    };
    let mut file = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => bail!(already_exists(&path)),
        Err(e) => return Err(e).with_context(|| format!("could not create {}", path.display())),
    };
    file.write_all(text.as_bytes())
        .with_context(|| format!("could not write {}", path.display()))?;
    Ok(path)
}

/// The template with the chosen values: terms in `[taxonomies]` (with the
/// vocabulary comments in the page's language), fields in place of their
/// example lines.
fn render_filled(
    kind: NewKind,
    title: &str,
    today: (i32, u32, u32),
    folder: &str,
    config: &Config,
    filled: &Filled,
) -> String {
    let config = match &filled.lang {
        Some(code) => config.for_language(code),
        None => config.clone(),
    };
    let block = taxonomy_block_with(&config, &filled.terms);
    let mut text = render(kind, title, today, folder, &block);
    for (key, value) in &filled.fields {
        text = set_field(&text, key, value);
    }
    text
}

/// Replaces the value of the top-level front-matter line `key = …` (the
/// first line starting so, before any table); comments stay as they are.
fn set_field(text: &str, key: &str, value: &toml::Value) -> String {
    let start = format!("{key} = ");
    let mut done = false;
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        if !done && line.starts_with(&start) {
            out.push_str(&format!("{start}{value}\n"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The URL where the page written to `path` will appear (`base_url`'s
/// origin and the page's address), found by loading the site as the build
/// does, drafts included; `None` if the site does not load the file.
pub fn page_url(site_root: &Path, path: &Path) -> Option<String> {
    let config = Config::load(site_root).ok()?;
    let rel = path.strip_prefix(site_root.join("content")).ok()?;
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let rel = rel.join("/");
    let origin = crate::render::origin(&config.base_url).to_string();
    let opts = crate::content::LoadOptions { drafts: true };
    let (sites, _) = crate::content::load_sites(site_root, config, opts);
    let metas = sites.iter().flat_map(|site| {
        let pages = site.pages.iter().map(|p| (p.source.as_str(), &p.meta));
        let sections = (site.sections.iter()).filter_map(|s| Some((s.source.as_deref()?, &s.meta)));
        pages.chain(sections)
    });
    metas
        .filter(|(source, meta)| *source == rel && !meta.fallback)
        .map(|(_, meta)| format!("{origin}{}", meta.url))
        .next()
}

/// The file text for a kind and title (pure, for tests).
///
/// For a guide, the instructions in the file assume the default folder
/// `guides/<slug>`.
pub fn render_template(kind: NewKind, title: &str, today: (i32, u32, u32)) -> String {
    let slug = slugify(title);
    let folder = match kind.default_section() {
        Ok(section) if kind == NewKind::Guide => join_folder(section, &slug),
        Ok(section) => section.to_string(),
        Err(_) => String::new(),
    };
    let config = Config::parse(include_str!("../site.toml")).unwrap_or_else(|_| {
        Config::parse("title = \"\"\nbase_url = \"https://a.b/\"").expect("minimal config")
    });
    render(kind, title, today, &folder, &taxonomy_block(&config))
}

/// The `[taxonomies]` table for a new page: one empty list per vocabulary of
/// the site, each with a comment listing the terms it allows.
pub fn taxonomy_block(config: &Config) -> String {
    taxonomy_block_with(config, &IndexMap::new())
}

/// [`taxonomy_block`] with chosen terms: `name = ["a", "b"]` for each
/// vocabulary in `chosen`, `name = []` for the others.
pub fn taxonomy_block_with(config: &Config, chosen: &IndexMap<String, Vec<String>>) -> String {
    let mut out = String::from("[taxonomies]\n");
    for (name, tax) in &config.taxonomies {
        out.push_str(&format!("# {}: {}\n", tax.label, tax.description));
        if tax.open {
            out.push_str("#   any short names you choose, in lower case with hyphens, e.g. [\"restraint\", \"consent\"]\n");
        }
        for term in &tax.terms {
            out.push_str(&format!("#   {} ({})\n", term.slug, term.label));
        }
        let terms = chosen.get(name).map(Vec::as_slice).unwrap_or_default();
        let list = toml::Value::Array(terms.iter().cloned().map(toml::Value::String).collect());
        out.push_str(&format!("{name} = {list}\n"));
    }
    out.trim_end().to_string()
}

/// Slugify a title: deunicode, lowercase, ASCII alphanumerics kept, every
/// other run of characters becomes a single '-', trimmed of '-'.
///
/// The result may be empty (e.g. for a title of only punctuation);
/// [`new_content`] rejects such titles.
pub fn slugify(s: &str) -> String {
    crate::content::slugify(s)
}

/// Fills in a template. `folder` is only used by the guide template.
fn render(
    kind: NewKind,
    title: &str,
    today: (i32, u32, u32),
    folder: &str,
    taxonomies: &str,
) -> String {
    kind.scaffold()
        .replace("{{page_fields}}", PAGE_FIELDS.trim_end())
        .replace("{{how_to_edit}}", HOW_TO_EDIT.trim_end())
        .replace("{{tables}}", TABLES.trim_end())
        .replace("{{taxonomies}}", taxonomies)
        .replace("{{type}}", kind.name())
        .replace("{{today}}", &format_date(today))
        .replace("{{next_review}}", &format_date(one_year_later(today)))
        .replace("{{year}}", &today.0.to_string())
        .replace("{{slug}}", &slugify(title))
        .replace("{{folder}}", folder)
        // Last, so that a title containing "{{today}}" etc. stays as typed.
        .replace("{{title}}", &toml_escape(title))
}

/// `YYYY-MM-DD`.
fn format_date((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// The same day a year later; 29 February becomes 28 February.
fn one_year_later((y, m, d): (i32, u32, u32)) -> (i32, u32, u32) {
    let d = if m == 2 && d == 29 { 28 } else { d };
    (y + 1, m, d)
}

/// Escapes text for the inside of a TOML basic string ("...").
fn toml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Checks a `--section` value and normalises it to `a/b` form ("" for the
/// content root).
pub(crate) fn clean_section(section: &str) -> Result<String> {
    let s = section.trim();
    if s.contains("..") {
        bail!("--section \"{s}\" must not contain \"..\": give a folder inside content/");
    }
    if s.contains('\\') {
        bail!("--section \"{s}\" must not contain backslashes: use / between folder names");
    }
    if s.chars().any(char::is_control) {
        bail!("--section must not contain control characters");
    }
    let path = Path::new(s);
    if s.starts_with('/') || path.is_absolute() || path.has_root() {
        bail!(
            "--section \"{s}\" must be a folder relative to content/, e.g. case-studies \
             (without a leading /)"
        );
    }
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => bail!("--section \"{s}\" must be a folder relative to content/"),
        }
    }
    Ok(parts.join("/"))
}

/// Joins a section folder and a slug with `/` (the section may be empty).
fn join_folder(section: &str, slug: &str) -> String {
    if section.is_empty() {
        slug.to_string()
    } else {
        format!("{section}/{slug}")
    }
}

/// The refusal message for an existing file.
fn already_exists(path: &Path) -> String {
    format!(
        "{} already exists; freda new never overwrites files. \
         Choose a different title, or edit the existing file",
        path.display()
    )
}

/// The kind to suggest for an unknown name, if one is close enough.
fn suggest(wanted: &str) -> Option<NewKind> {
    // Section folder names (plurals like "case-studies") point at their kind.
    let by_folder = PageType::ALL.into_iter().find(|k| {
        k.default_section()
            .is_ok_and(|s| !s.is_empty() && s == wanted)
    });
    by_folder.or_else(|| did_you_mean(wanted, names()).and_then(PageType::from_name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml::{Table, Value};

    const TODAY: (i32, u32, u32) = (2024, 3, 1);

    const COMMON: &[&str] = &[
        "title",
        "summary",
        "type",
        "date",
        "last_reviewed",
        "next_review",
        "owner",
        "status",
        "weight",
        "aliases",
        "taxonomies",
    ];
    const GUIDE_FIELDS: &[&str] = &[
        "title",
        "summary",
        "type",
        "page_type",
        "sort_by",
        "weight",
        "edition",
        "downloads",
        "aliases",
        "owner",
        "last_reviewed",
        "next_review",
    ];
    const TAXONOMIES: &[(&str, &[&str])] = &[
        (
            "rights",
            &[
                "article-2",
                "article-3",
                "article-5",
                "article-6",
                "article-8",
                "article-9",
                "article-10",
                "article-11",
                "article-12",
                "article-14",
                "protocol-1-article-1",
                "protocol-1-article-2",
            ],
        ),
        (
            "principles",
            &["fairness", "respect", "equality", "dignity", "autonomy"],
        ),
        (
            "audiences",
            &[
                "frontline-clinical",
                "support-admin",
                "managers",
                "board",
                "commissioners",
                "trainers",
                "service-users-carers",
            ],
        ),
        (
            "settings",
            &[
                "mental-health",
                "learning-disability",
                "acute",
                "community",
                "primary-care",
                "older-people",
                "children-young-people",
                "secure",
                "social-care",
            ],
        ),
        ("topics", &[]),
    ];

    /// Fields per kind from schema.md (in the parsed front matter).
    fn type_fields(kind: NewKind) -> &'static [&'static str] {
        match kind {
            NewKind::Page | NewKind::GuidePart | NewKind::Guide => &[],
            NewKind::CaseStudy => &["organisation", "org_type", "year", "region"],
            NewKind::DosDonts => &["dos", "donts", "questions"],
            NewKind::Training => &["duration", "delivery", "learning_outcomes", "materials"],
            NewKind::Tool => &["tool_kind", "use_when", "items"],
            NewKind::Event => &["start", "end", "location", "format"],
            NewKind::Evaluation => &["evaluator", "published", "key_findings"],
        }
    }

    fn split(text: &str) -> (&str, &str) {
        let rest = text.strip_prefix("+++\n").expect("starts with +++");
        let end = rest.find("\n+++\n").expect("closing +++");
        (&rest[..end + 1], &rest[end + 5..])
    }

    fn front_matter(text: &str) -> Table {
        let (fm, _) = split(text);
        toml::from_str::<Table>(fm).unwrap_or_else(|e| panic!("invalid TOML: {e}\n{fm}"))
    }

    fn str_list(v: &Value) -> Vec<&str> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|s| s.as_str().expect("string"))
            .collect()
    }

    fn is_bare_date(v: &Value) -> bool {
        matches!(v, Value::Datetime(dt) if dt.date.is_some() && dt.time.is_none() && dt.offset.is_none())
    }

    /// Removes a leading "# " from the lines of a commented-out block that
    /// starts with `first` and runs to the next blank line.
    fn uncomment_block(fm: &str, first: &str) -> String {
        let mut out = String::new();
        let mut inside = false;
        for line in fm.lines() {
            if line == first {
                inside = true;
            } else if line.trim().is_empty() {
                inside = false;
            }
            match line.strip_prefix("# ") {
                Some(rest) if inside => out.push_str(rest),
                _ => out.push_str(line),
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn names_match_kinds() {
        assert_eq!(names().len(), NewKind::ALL.len());
        for (name, kind) in names().iter().zip(NewKind::ALL) {
            assert_eq!(*name, kind.name());
            assert_eq!(NewKind::parse(name).unwrap(), kind);
            assert_eq!(kind.to_string(), *name);
        }
        assert_eq!(NewKind::parse(" Case_Study ").unwrap(), NewKind::CaseStudy);
        assert_eq!("dos-donts".parse::<NewKind>().unwrap(), NewKind::DosDonts);
    }

    #[test]
    fn unknown_kind_error() {
        let err = NewKind::parse("case-studdy").unwrap_err().to_string();
        assert!(
            err.contains("unknown content type \"case-studdy\""),
            "{err}"
        );
        assert!(err.contains("did you mean \"case-study\"?"), "{err}");
        assert!(err.contains(&names().join(", ")), "{err}");

        let err = NewKind::parse("spaceship").unwrap_err().to_string();
        assert!(!err.contains("did you mean"), "{err}");
        assert!(
            err.contains("valid types: page, guide, guide-part, case-study"),
            "{err}"
        );

        for (typed, meant) in [
            ("case-studies", "case-study"),
            ("dos-and-donts", "dos-donts"),
            ("guides", "guide"),
            ("eval", "evaluation"),
            ("traning", "training"),
            ("evnt", "event"),
        ] {
            let err = NewKind::parse(typed).unwrap_err().to_string();
            assert!(err.contains(&format!("did you mean \"{meant}\"?")), "{err}");
        }
    }

    #[test]
    fn default_sections() {
        let expected = [
            (NewKind::Page, ""),
            (NewKind::Guide, "guides"),
            (NewKind::CaseStudy, "case-studies"),
            (NewKind::DosDonts, "dos-and-donts"),
            (NewKind::Training, "training"),
            (NewKind::Tool, "tools"),
            (NewKind::Event, "events"),
            (NewKind::Evaluation, "evaluations"),
        ];
        for (kind, section) in expected {
            assert_eq!(kind.default_section().unwrap(), section);
        }
        let err = NewKind::GuidePart.default_section().unwrap_err();
        assert!(err.to_string().contains("--section"));
    }

    #[test]
    fn every_kind_renders_valid_complete_front_matter() {
        for kind in NewKind::ALL {
            let text = render_template(kind, "Restraint review", TODAY);
            assert!(!text.contains("{{"), "{kind}: unreplaced placeholder");
            let fm = front_matter(&text);
            let expected: &[&str] = if kind == NewKind::Guide {
                GUIDE_FIELDS
            } else {
                COMMON
            };
            for key in expected.iter().chain(type_fields(kind)) {
                assert!(fm.contains_key(*key), "{kind}: missing {key}");
            }
            assert_eq!(fm["title"].as_str(), Some("Restraint review"));
            assert_eq!(fm["type"].as_str(), Some(kind.name()));
            let summary = fm["summary"].as_str().unwrap();
            assert!(!summary.is_empty() && summary.chars().count() < 300);
            assert!(fm["owner"]
                .as_str()
                .unwrap()
                .starts_with("Add the owner's role"));
            assert!(fm["weight"].is_integer());
            assert_eq!(str_list(&fm["aliases"]), Vec::<&str>::new());
            for key in ["last_reviewed", "next_review"] {
                assert!(is_bare_date(&fm[key]), "{kind}: {key} is not a date");
            }
            assert_eq!(fm["last_reviewed"].to_string(), "2024-03-01");
            assert_eq!(fm["next_review"].to_string(), "2025-03-01");
            // The [extra] table is offered, commented out.
            assert!(text.contains("\n# [extra]\n"), "{kind}: no [extra] hint");
        }
    }

    #[test]
    fn page_kinds_are_drafts_with_taxonomies_and_source() {
        for kind in NewKind::ALL.into_iter().filter(|&k| k != NewKind::Guide) {
            let text = render_template(kind, "Restraint review", TODAY);
            let fm = front_matter(&text);
            assert_eq!(fm["status"].as_str(), Some("draft"), "{kind}");
            assert!(text.contains("Change this to \"published\" when the page is ready"));
            assert!(is_bare_date(&fm["date"]), "{kind}");

            // [taxonomies]: exactly the five keys (so no plain key slipped
            // below the table), values from the vocabularies.
            let tax = fm["taxonomies"].as_table().unwrap();
            assert_eq!(tax.len(), TAXONOMIES.len(), "{kind}: {tax:?}");
            for (name, vocabulary) in TAXONOMIES {
                // Empty lists: wrong tags mislead readers more than missing ones.
                assert!(str_list(&tax[*name]).is_empty(), "{kind}: {name}");
                // Every allowed slug is listed in the comments.
                for slug in *vocabulary {
                    assert!(text.contains(slug), "{kind}: {slug} not listed");
                }
            }

            // [source] is commented out, and valid with all five keys once
            // uncommented.
            assert!(!fm.contains_key("source"), "{kind}");
            let (raw, _) = split(&text);
            let uncommented = uncomment_block(raw, "# [source]");
            let with_source: Table = toml::from_str(&uncommented).unwrap();
            let source = with_source["source"].as_table().unwrap();
            let keys: Vec<&str> = source.keys().map(String::as_str).collect();
            assert_eq!(keys.len(), 5, "{keys:?}");
            for key in ["publisher", "title", "url", "licence"] {
                assert!(source[key].is_str(), "{kind}: source.{key}");
            }
            assert_eq!(source["year"].as_integer(), Some(2024));
        }
    }

    #[test]
    fn type_specific_values() {
        let fm = |kind| front_matter(&render_template(kind, "T", TODAY));

        let cs = fm(NewKind::CaseStudy);
        assert_eq!(cs["year"].as_integer(), Some(2024));
        for key in ["organisation", "org_type", "region"] {
            assert!(cs[key].is_str());
        }

        let dd = fm(NewKind::DosDonts);
        assert_eq!(str_list(&dd["dos"]).len(), 2);
        assert_eq!(str_list(&dd["donts"]).len(), 2);
        assert_eq!(str_list(&dd["questions"]).len(), 1);

        let tr = fm(NewKind::Training);
        assert_eq!(tr["delivery"].as_str(), Some("in-person"));
        assert!(tr["duration"].is_str());
        assert!(!str_list(&tr["learning_outcomes"]).is_empty());
        assert!(tr["materials"].as_array().unwrap().is_empty());

        let tool = fm(NewKind::Tool);
        assert_eq!(tool["tool_kind"].as_str(), Some("checklist"));
        assert!(tool["use_when"].is_str());
        assert!(!str_list(&tool["items"]).is_empty());

        let ev = fm(NewKind::Event);
        for key in ["start", "end"] {
            let Value::Datetime(dt) = &ev[key] else {
                panic!("{key} is not a datetime")
            };
            assert!(dt.date.is_some() && dt.time.is_some(), "{key}");
        }
        assert!(ev["location"].is_str());
        assert_eq!(ev["format"].as_str(), Some("in-person"));

        let eva = fm(NewKind::Evaluation);
        assert!(eva["evaluator"].is_str());
        assert!(is_bare_date(&eva["published"]));
        assert!(!str_list(&eva["key_findings"]).is_empty());

        let guide = fm(NewKind::Guide);
        assert_eq!(guide["page_type"].as_str(), Some("guide-part"));
        assert_eq!(guide["sort_by"].as_str(), Some("weight"));
        assert!(guide["edition"].is_str());
        assert!(guide["downloads"].as_array().unwrap().is_empty());
        assert!(!guide.contains_key("status"));
    }

    #[test]
    fn commented_examples_are_valid_when_uncommented() {
        // Optional inline tables are offered as comments: check they parse.
        let text = render_template(NewKind::Evaluation, "Audit", TODAY);
        let (raw, _) = split(&text);
        let line = raw
            .lines()
            .find(|l| l.starts_with("# report = {"))
            .expect("report example");
        let report: Table = toml::from_str(line.trim_start_matches("# ")).unwrap();
        let report = report["report"].as_table().unwrap();
        for key in ["title", "file"] {
            assert!(report[key].is_str());
        }
        assert!(!report.contains_key("size"), "sizes are measured");
        assert_eq!(report["file"].as_str(), Some("/downloads/audit-report.pdf"));

        for (kind, key) in [
            (NewKind::Training, "materials"),
            (NewKind::Guide, "downloads"),
        ] {
            let text = render_template(kind, "Audit", TODAY);
            let start = text.find(&format!("#   {key} = [")).expect(key);
            let block: String = text[start..]
                .lines()
                .take(3)
                .map(|l| format!("{}\n", l.trim_start_matches("#   ")))
                .collect();
            let parsed: Table = toml::from_str(&block).unwrap_or_else(|e| panic!("{e}\n{block}"));
            let item = parsed[key].as_array().unwrap()[0].as_table().unwrap();
            for field in ["title", "file"] {
                assert!(item[field].is_str());
            }
            assert!(!item.contains_key("size"), "sizes are measured");
        }
    }

    #[test]
    fn bodies_have_headings() {
        let text = render_template(NewKind::CaseStudy, "T", TODAY);
        let (_, body) = split(&text);
        let headings: Vec<&str> = body.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(
            headings,
            [
                "## The challenge",
                "## What was done",
                "## Outcomes",
                "## Learning"
            ]
        );
        for kind in NewKind::ALL {
            let text = render_template(kind, "T", TODAY);
            let (_, body) = split(&text);
            let lines: Vec<&str> = body.lines().collect();
            let headings: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].starts_with("## "))
                .collect();
            assert!(headings.len() >= 2, "{kind}");
            // One line of guidance under each heading.
            for i in headings {
                assert_eq!(lines[i + 1], "", "{kind}");
                assert!(!lines[i + 2].trim().is_empty(), "{kind}: {}", lines[i]);
            }
            assert!(text.ends_with('\n'));
        }
    }

    #[test]
    fn titles_are_escaped() {
        for title in [
            r#"Say "no" to C:\restraint"#,
            "Line\nbreak\tand \u{7f} control",
            "{{today}} stays literal",
            "Côr ŵyl: \"Dignity\" \\o/",
        ] {
            for kind in NewKind::ALL {
                let fm = front_matter(&render_template(kind, title, TODAY));
                assert_eq!(fm["title"].as_str(), Some(title), "{kind}");
            }
        }
        let text = render_template(NewKind::Page, r#"Say "no""#, TODAY);
        assert!(text.contains(r#"title = "Say \"no\"""#));
    }

    #[test]
    fn leap_day_review() {
        let fm = front_matter(&render_template(NewKind::Page, "T", (2024, 2, 29)));
        assert_eq!(fm["date"].to_string(), "2024-02-29");
        assert_eq!(fm["next_review"].to_string(), "2025-02-28");
    }

    #[test]
    fn slugify_cases() {
        assert_eq!(slugify("Restraint review: 2024!"), "restraint-review-2024");
        assert_eq!(slugify("Côr ŵyl"), "cor-wyl");
        assert_eq!(slugify("  --Hello,   World--  "), "hello-world");
        assert_eq!(slugify("Owner's role"), "owner-s-role");
        assert_eq!(slugify("ÆSIR Straße"), "aesir-strasse");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify(""), "");
    }

    fn opts<'a>(root: &'a Path, kind: NewKind, title: &'a str) -> NewOptions<'a> {
        NewOptions {
            site_root: root,
            kind,
            title,
            section: None,
            today: TODAY,
            filled: None,
        }
    }

    #[test]
    fn writes_to_default_sections() {
        let dir = site_dir();
        let root = dir.path();
        let cases = [
            (NewKind::Page, "About us", "content/about-us.md"),
            (
                NewKind::CaseStudy,
                "Restraint review: 2024!",
                "content/case-studies/restraint-review-2024.md",
            ),
            (
                NewKind::DosDonts,
                "Privacy",
                "content/dos-and-donts/privacy.md",
            ),
            (NewKind::Training, "Basics", "content/training/basics.md"),
            (NewKind::Tool, "Checklist", "content/tools/checklist.md"),
            (NewKind::Event, "Launch", "content/events/launch.md"),
            (NewKind::Evaluation, "Pilot", "content/evaluations/pilot.md"),
            (
                NewKind::Guide,
                "The FREDA framework",
                "content/guides/the-freda-framework/_index.md",
            ),
        ];
        for (kind, title, expected) in cases {
            let path = new_content(&opts(root, kind, title)).unwrap();
            assert_eq!(path, root.join(expected));
            let text = fs::read_to_string(&path).unwrap();
            assert_eq!(text, render_template(kind, title, TODAY));
        }
        let guide = fs::read_to_string(root.join(cases[7].2)).unwrap();
        assert!(guide.contains("--section guides/the-freda-framework\n"));
    }

    #[test]
    fn section_overrides_folder() {
        let dir = site_dir();
        let root = dir.path();

        let mut o = opts(root, NewKind::GuidePart, "Part one");
        let err = new_content(&o).unwrap_err().to_string();
        assert!(err.contains("--section"), "{err}");
        o.section = Some("guides/framework/");
        assert_eq!(
            new_content(&o).unwrap(),
            root.join("content/guides/framework/part-one.md")
        );

        let mut o = opts(root, NewKind::Guide, "Welsh guide");
        o.section = Some("./cy/guides");
        let path = new_content(&o).unwrap();
        assert_eq!(path, root.join("content/cy/guides/welsh-guide/_index.md"));
        let text = fs::read_to_string(path).unwrap();
        assert!(text.contains("--section cy/guides/welsh-guide\n"));

        let mut o = opts(root, NewKind::CaseStudy, "At root");
        o.section = Some("");
        assert_eq!(new_content(&o).unwrap(), root.join("content/at-root.md"));
    }

    #[test]
    fn rejects_bad_sections() {
        let dir = site_dir();
        let root = dir.path();
        for (section, needle) in [
            ("../outside", ".."),
            ("guides/../../x", ".."),
            ("/etc", "relative"),
            ("guides\\x", "backslash"),
            ("a\nb", "control"),
        ] {
            let mut o = opts(root, NewKind::Page, "Title");
            o.section = Some(section);
            let err = new_content(&o).unwrap_err().to_string();
            assert!(err.contains(needle), "{section:?}: {err}");
        }
        assert!(!root.join("content").exists());
        assert!(!dir.path().parent().unwrap().join("outside").exists());
    }

    /// A temporary site folder with the starter's site.toml.
    fn site_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("site.toml"), include_str!("../site.toml")).unwrap();
        dir
    }

    #[test]
    fn new_needs_a_site() {
        let dir = tempfile::tempdir().unwrap();
        let err = new_content(&opts(dir.path(), NewKind::Page, "T"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("there is no valid site.toml"), "{err}");
    }

    #[test]
    fn refuses_to_overwrite() {
        let dir = site_dir();
        let root = dir.path();
        let o = opts(root, NewKind::CaseStudy, "Visiting");
        let path = new_content(&o).unwrap();
        fs::write(&path, "edited by hand").unwrap();
        let err = new_content(&o).unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "edited by hand");

        // Same slug from a different title is refused too.
        let err = new_content(&opts(root, NewKind::CaseStudy, "visiting!")).unwrap_err();
        assert!(err.to_string().contains("already exists"));

        let g = opts(root, NewKind::Guide, "Guide");
        new_content(&g).unwrap();
        assert!(new_content(&g).is_err());
    }

    #[test]
    fn title_needs_letters_or_digits() {
        let dir = site_dir();
        for title in ["", "   ", "?!", "—"] {
            let err = new_content(&opts(dir.path(), NewKind::Page, title)).unwrap_err();
            assert_eq!(err.to_string(), "the title must contain letters or digits");
        }
        for title in ["CON", "Aux", "com1"] {
            let err = new_content(&opts(dir.path(), NewKind::CaseStudy, title)).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("the title would make the file name \"{}\", which Windows reserves for devices; add a word to the title", title.to_lowercase())
            );
        }
        assert!(!dir.path().join("content").exists());
    }

    #[test]
    fn title_is_trimmed() {
        let dir = site_dir();
        let path = new_content(&opts(dir.path(), NewKind::Page, "  Spaced  ")).unwrap();
        let fm = front_matter(&fs::read_to_string(path).unwrap());
        assert_eq!(fm["title"].as_str(), Some("Spaced"));
    }
}
