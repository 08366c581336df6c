//! Markdown: one pulldown-cmark pass per page that renders HTML and collects
//! headings, links and images.
//!
//! The pass gives headings stable, unique ids and builds the table of
//! contents, resolves `@/path.md` links to final URLs, turns GitHub alerts
//! into callouts, highlights fenced code with CSS classes, and warns about
//! images without alt text. Raw HTML is allowed but sanitised with ammonia.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::content::page::TocEntry;
use crate::content::slugify;
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::lint;

/// Where internal `@/` links may point: source path (relative to `content/`) to URL.
#[derive(Debug, Default, Clone)]
pub struct LinkTargets {
    /// Built pages and sections.
    pub urls: HashMap<String, String>,
    /// Draft pages that are not built.
    pub drafts: HashSet<String>,
    /// Pages with errors of their own: links to them are not reported too.
    pub failed: HashSet<String>,
    /// The site's base path (`/` or `/hr/`), put in front of links that
    /// start with `/`, such as `/images/x.png`, so they work under a subpath.
    pub base_path: String,
}

/// The shared, read-only tools of the markdown stage: made once per build.
pub struct Markdown {
    syntaxes: OnceLock<SyntaxSet>,
    sanitizer: ammonia::Builder<'static>,
}

/// The file a piece of Markdown comes from, for error positions.
pub struct SourceRef<'a> {
    /// Path as shown to the user.
    pub shown: &'a str,
    /// The whole file.
    pub text: &'a str,
    /// Where the Markdown starts in `text`.
    pub offset: usize,
}

/// A heading and the plain text under it (before the next heading).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TextSection {
    /// The heading's id; none for the text before the first heading.
    pub anchor: Option<String>,
    /// The heading's text.
    pub heading: String,
    /// The prose under it, with runs of white space folded.
    pub text: String,
}

/// What one pass over a page's Markdown produces.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// Sanitised HTML.
    pub html: std::sync::Arc<str>,
    /// h2 and h3 headings, nested.
    pub toc: Vec<TocEntry>,
    /// Every heading id on the page, for anchor checks.
    pub anchors: Vec<String>,
    /// Words of prose.
    pub word_count: usize,
    /// The plain text, split at headings, for the search index.
    pub sections: std::sync::Arc<[TextSection]>,
    /// Internal links: target path under `content/`, `#anchor` if any, and byte range in the file.
    pub links: Vec<(String, Option<String>, Range<usize>)>,
    /// Words, sentences and syllables of the prose, for readability.
    pub prose: crate::readability::Prose,
    /// Other link and image destinations (`https://…`, `/images/x.png`,
    /// `mailto:…`; not `@/` links or bare `#anchors`) and their byte ranges.
    pub outbound: Vec<(String, Range<usize>)>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

impl Default for Markdown {
    fn default() -> Markdown {
        Markdown::new()
    }
}

impl Markdown {
    /// Sets up the sanitiser; syntaxes load on first use.
    pub fn new() -> Markdown {
        let mut sanitizer = ammonia::Builder::default();
        sanitizer
            .add_generic_attributes(["class", "id"])
            .add_tags(["input"])
            .add_tag_attributes("div", ["tabindex"])
            .add_tag_attributes("pre", ["tabindex", "data-lang"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .link_rel(None);
        Markdown {
            syntaxes: OnceLock::new(),
            sanitizer,
        }
    }

    /// Renders a page body.
    pub fn render(&self, src: &SourceRef, links: &LinkTargets) -> Rendered {
        self.pass(src, links, true)
    }

    /// Everything [`Markdown::render`] finds (headings, links, readability,
    /// problems) but the HTML and the search text, which stay empty, and
    /// the word count, which counts headings only: for `freda check`.
    pub fn analyse(&self, src: &SourceRef, links: &LinkTargets) -> Rendered {
        self.pass(src, links, false)
    }

    fn pass(&self, src: &SourceRef, links: &LinkTargets, want_html: bool) -> Rendered {
        let md = &src.text[src.offset..];
        let mut pass = Pass::new(self, src, links);
        pass.keep_text = want_html;
        let events = Parser::new_ext(md, options())
            .into_offset_iter()
            .flat_map(|(e, range)| pass.event(e, range));
        let mut html = String::new();
        if want_html {
            let events: Vec<Event> = events.collect();
            html.reserve(md.len() * 3 / 2);
            pulldown_cmark::html::push_html(&mut html, events.into_iter());
            html = alignment_classes(html);
        } else {
            events.for_each(drop);
        }
        pass.finish_text();
        if want_html && pass.raw_html {
            html = self.sanitizer.clean(&html).to_string();
        }
        Rendered {
            html: html.into(),
            toc: nest_toc(pass.headings),
            anchors: pass
                .ids
                .into_keys()
                .filter(|k| k != "main-content")
                .collect(),
            word_count: pass.words,
            sections: pass.sections.into(),
            links: pass.targets,
            outbound: pass.outbound,
            prose: pass.prose,
            diagnostics: pass.diagnostics,
        }
    }

    /// Renders a one-line Markdown string (a list item in front matter) without the wrapping `<p>`.
    pub fn render_inline(
        &self,
        md: &str,
        src: &SourceRef,
        links: &LinkTargets,
    ) -> (String, Vec<Diagnostic>) {
        let mut pass = Pass::new(self, src, links);
        pass.lint = false;
        let events: Vec<Event> = Parser::new_ext(md, options())
            .flat_map(|e| pass.event(e, 0..0))
            .filter(|e| {
                !matches!(
                    e,
                    Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
                )
            })
            .collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        let html = if pass.raw_html {
            self.sanitizer.clean(&html).to_string()
        } else {
            html
        };
        (html.trim_end().to_string(), pass.diagnostics)
    }

    fn highlight(&self, lang: &str, code: &str) -> String {
        let ss = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
        let Some(syntax) = ss.find_syntax_by_token(lang) else {
            return format!(
                "<pre class=\"code\" tabindex=\"0\"><code>{}</code></pre>\n",
                escape(code)
            );
        };
        let mut gen = ClassedHTMLGenerator::new_with_class_style(
            syntax,
            ss,
            ClassStyle::SpacedPrefixed { prefix: "hl-" },
        );
        for line in LinesWithEndings::from(code) {
            if gen
                .parse_html_for_line_which_includes_newline(line)
                .is_err()
            {
                return format!(
                    "<pre class=\"code\" tabindex=\"0\"><code>{}</code></pre>\n",
                    escape(code)
                );
            }
        }
        let lang = escape(lang);
        format!(
            "<pre class=\"code\" tabindex=\"0\" data-lang=\"{lang}\"><code>{}</code></pre>\n",
            gen.finalize()
        )
    }
}

/// Escapes the five characters that matter in HTML text and attributes.
/// Tera's default also escapes `/`, which bloats every URL for no safety gain.
pub fn escape(input: &str) -> String {
    let Some(first) = input.find(['&', '<', '>', '"', '\'']) else {
        return input.to_owned();
    };
    let mut out = String::with_capacity(input.len() + 16);
    out.push_str(&input[..first]);
    for c in input[first..].chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// State of one pass over one piece of Markdown.
struct Pass<'a> {
    md: &'a Markdown,
    src: &'a SourceRef<'a>,
    links: &'a LinkTargets,
    /// Events held back until a heading, image or code block ends.
    held: Option<Held<'a>>,
    ids: HashMap<String, usize>,
    headings: Vec<TocEntry>,
    words: usize,
    sections: Vec<TextSection>,
    /// The link being read: where it is, where it goes and its text so far.
    link: Option<(Range<usize>, String, String)>,
    /// The table header being read: where it is and its text so far.
    table_head: Option<(Range<usize>, String)>,
    /// Level of the last heading; the page title counts as level 1.
    last_level: u8,
    /// Lint the content (off for one-line Markdown from front matter).
    lint: bool,
    /// Internal link targets (source paths and anchors) and where they are.
    targets: Vec<(String, Option<String>, Range<usize>)>,
    /// Other destinations and where they are.
    outbound: Vec<(String, Range<usize>)>,
    /// Keep the text of sections, for search (not needed by `check`).
    keep_text: bool,
    /// Readability counts, and the text of the block being read.
    prose: crate::readability::Prose,
    block: String,
    raw_html: bool,
    diagnostics: Vec<Diagnostic>,
}

enum Held<'a> {
    Heading {
        range: Range<usize>,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        text: String,
        events: Vec<Event<'a>>,
    },
    Image {
        range: Range<usize>,
        dest: String,
        alt: String,
        events: Vec<Event<'a>>,
    },
    Code {
        lang: String,
        code: String,
    },
}

impl<'a> Pass<'a> {
    fn new(md: &'a Markdown, src: &'a SourceRef<'a>, links: &'a LinkTargets) -> Pass<'a> {
        // The theme's skip link targets `main-content`; content must not take it.
        let ids = HashMap::from([("main-content".to_string(), 1)]);
        Pass {
            md,
            src,
            links,
            held: None,
            ids,
            headings: Vec::new(),
            words: 0,
            sections: vec![TextSection::default()],
            link: None,
            table_head: None,
            last_level: 1,
            lint: true,
            targets: Vec::new(),
            outbound: Vec::new(),
            keep_text: true,
            prose: crate::readability::Prose::default(),
            block: String::new(),
            raw_html: false,
            diagnostics: Vec::new(),
        }
    }

    fn span(&self, range: &Range<usize>) -> Range<usize> {
        range.start + self.src.offset..range.end + self.src.offset
    }

    fn event(&mut self, e: Event<'a>, range: Range<usize>) -> Vec<Event<'a>> {
        if let Some(held) = self.held.take() {
            return self.held_event(held, e, range);
        }
        match e {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                self.held = Some(Held::Heading {
                    range,
                    level,
                    id,
                    classes,
                    text: String::new(),
                    events: Vec::new(),
                });
                vec![]
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let written = dest_url.to_string();
                let dest = self.resolve(dest_url, &range);
                let start = Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                });
                self.held = Some(Held::Image {
                    range,
                    dest: written,
                    alt: String::new(),
                    events: vec![start],
                });
                vec![]
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => {
                        l.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.held = Some(Held::Code {
                    lang,
                    code: String::new(),
                });
                vec![]
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.link = Some((range.clone(), dest_url.to_string(), String::new()));
                let dest = self.resolve(dest_url, &range);
                vec![Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                })]
            }
            // Wide tables scroll inside their own box, so the page reflows at 320 px.
            Event::Start(Tag::Table(align)) => vec![
                Event::Html("<div class=\"table-scroll\" tabindex=\"0\">\n".into()),
                Event::Start(Tag::Table(align)),
            ],
            Event::End(TagEnd::Table) => {
                vec![Event::End(TagEnd::Table), Event::Html("</div>\n".into())]
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                vec![Event::Html(callout_open(kind).into())]
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => vec![Event::Html("</div>\n".into())],
            Event::Html(ref h) | Event::InlineHtml(ref h) => {
                self.raw(h, &range);
                vec![e]
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                self.add_text(t);
                if let Some((_, _, text)) = &mut self.link {
                    text.push_str(t);
                }
                if let Some((_, text)) = &mut self.table_head {
                    text.push_str(t);
                }
                vec![e]
            }
            Event::Start(Tag::TableHead) => {
                self.table_head = Some((range, String::new()));
                vec![e]
            }
            Event::End(TagEnd::TableHead) => {
                if let Some((range, text)) = self.table_head.take() {
                    self.lint(lint::table_header(&text), &range);
                }
                vec![e]
            }
            Event::End(TagEnd::Link) => {
                if let Some((range, dest, text)) = self.link.take() {
                    self.lint(lint::link_text(&text, &dest), &range);
                }
                vec![e]
            }
            Event::SoftBreak | Event::HardBreak => {
                self.add_text(" ");
                vec![e]
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => {
                self.add_text(" ");
                self.prose.add_block(&self.block);
                self.block.clear();
                vec![e]
            }
            other => vec![other],
        }
    }

    fn held_event(&mut self, held: Held<'a>, e: Event<'a>, at: Range<usize>) -> Vec<Event<'a>> {
        match (held, e) {
            (
                Held::Heading {
                    range,
                    level,
                    id,
                    classes,
                    text,
                    events,
                },
                Event::End(TagEnd::Heading(_)),
            ) => {
                self.lint(lint::heading_level(self.last_level, level as u8), &range);
                self.last_level = level as u8;
                self.finish_heading(level, id, classes, text, events)
            }
            (
                Held::Heading {
                    range,
                    level,
                    id,
                    classes,
                    mut text,
                    mut events,
                },
                e,
            ) => {
                if let Event::Text(t) | Event::Code(t) = &e {
                    text.push_str(t);
                }
                // Raw HTML and links in a heading are handled as anywhere else.
                let e = match e {
                    Event::Html(ref h) | Event::InlineHtml(ref h) => {
                        self.raw(h, &at);
                        e
                    }
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }) => Event::Start(Tag::Link {
                        link_type,
                        dest_url: self.resolve(dest_url, &at),
                        title,
                        id,
                    }),
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }) => Event::Start(Tag::Image {
                        link_type,
                        dest_url: self.resolve(dest_url, &at),
                        title,
                        id,
                    }),
                    e => e,
                };
                events.push(e);
                self.held = Some(Held::Heading {
                    range,
                    level,
                    id,
                    classes,
                    text,
                    events,
                });
                vec![]
            }
            (
                Held::Image {
                    range,
                    dest,
                    alt,
                    mut events,
                },
                Event::End(TagEnd::Image),
            ) => {
                self.lint(lint::alt_text(&alt, &dest), &range);
                if alt.trim().is_empty() {
                    self.diagnostics.push(
                        Diagnostic::warning(self.src.shown, "image has no alt text")
                            .at(self.src.text, self.span(&range))
                            .help("describe what the image shows between the brackets: ![A ward corridor with handrails](…); for a purely decorative image, consider removing it"),
                    );
                }
                events.push(Event::End(TagEnd::Image));
                events
            }
            (
                Held::Image {
                    range,
                    dest,
                    mut alt,
                    mut events,
                },
                e,
            ) => {
                if let Event::Text(t) | Event::Code(t) = &e {
                    alt.push_str(t);
                }
                events.push(e);
                self.held = Some(Held::Image {
                    range,
                    dest,
                    alt,
                    events,
                });
                vec![]
            }
            (Held::Code { lang, code }, Event::End(TagEnd::CodeBlock)) => {
                vec![Event::Html(self.md.highlight(&lang, &code).into())]
            }
            (Held::Code { lang, mut code }, e) => {
                if let Event::Text(t) = e {
                    code.push_str(&t);
                }
                self.held = Some(Held::Code { lang, code });
                vec![]
            }
        }
    }

    /// Reports a lint finding as a warning at `range` (in the Markdown body).
    fn lint(&mut self, finding: Option<lint::Finding>, range: &Range<usize>) {
        if let (true, Some((message, help))) = (self.lint, finding) {
            let d = Diagnostic::warning(self.src.shown, message)
                .at(self.src.text, self.span(range))
                .help(help);
            self.diagnostics.push(d);
        }
    }

    /// Adds prose to the current section; white space is folded at the end.
    fn add_text(&mut self, t: &str) {
        if self.keep_text {
            if let Some(section) = self.sections.last_mut() {
                section.text.push_str(t);
            }
        }
        self.block.push_str(t);
    }

    /// Folds white space in the collected text and counts the words.
    fn finish_text(&mut self) {
        for s in &mut self.sections {
            let mut folded = String::with_capacity(s.text.len());
            for word in s.text.split_whitespace() {
                if !folded.is_empty() {
                    folded.push(' ');
                }
                folded.push_str(word);
                self.words += 1;
            }
            s.text = folded;
            self.words += s.heading.split_whitespace().count();
        }
    }

    fn finish_heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        text: String,
        mut events: Vec<Event<'a>>,
    ) -> Vec<Event<'a>> {
        let base = id
            .map(|i| i.to_string())
            .unwrap_or_else(|| heading_slug(&text));
        let id = unique_id(&mut self.ids, base);
        self.sections.push(TextSection {
            anchor: Some(id.clone()),
            heading: text.trim().to_string(),
            text: String::new(),
        });
        let depth = level as u8;
        if depth == 2 || depth == 3 {
            self.headings.push(TocEntry {
                level: depth,
                id: id.clone(),
                title: text.trim().to_string(),
                children: Vec::new(),
            });
        }
        let mut out = vec![Event::Start(Tag::Heading {
            level,
            id: Some(id.into()),
            classes,
            attrs: Vec::new(),
        })];
        out.append(&mut events);
        out.push(Event::End(TagEnd::Heading(level)));
        out
    }

    fn raw(&mut self, html: &str, range: &Range<usize>) {
        self.raw_html = true;
        let lower = html.to_ascii_lowercase();
        for tag in ["<script", "<style", "<iframe", "<object", "<embed", "<form"] {
            if lower.contains(tag) {
                self.diagnostics.push(
                    Diagnostic::warning(self.src.shown, format!("raw HTML `{tag}>` was removed"))
                        .at(self.src.text, self.span(range))
                        .help("freda removes scripts, styles, frames and forms from content for safety; use Markdown instead"),
                );
            }
        }
    }

    fn resolve(&mut self, dest: CowStr<'a>, range: &Range<usize>) -> CowStr<'a> {
        if let Some(scheme) = script_scheme(&dest) {
            // The sanitiser drops the URL; the link text stays.
            self.raw_html = true;
            self.diagnostics.push(
                Diagnostic::warning(self.src.shown, format!("a `{scheme}:` link was removed"))
                    .at(self.src.text, self.span(range))
                    .help("freda removes links that run scripts; link to a page or a web address instead"),
            );
            return dest;
        }
        let Some(target) = dest.strip_prefix("@/") else {
            if !dest.is_empty() && !dest.starts_with('#') {
                self.outbound.push((dest.to_string(), self.span(range)));
            }
            return match dest.strip_prefix('/') {
                Some(rest) if !rest.starts_with('/') && self.links.base_path.len() > 1 => {
                    format!("{}{rest}", self.links.base_path).into()
                }
                _ => dest,
            };
        };
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (target, None),
        };
        if let Some(url) = self.links.urls.get(path) {
            let found = (
                path.to_string(),
                anchor.map(str::to_string),
                self.span(range),
            );
            self.targets.push(found);
            return match anchor {
                Some(a) => format!("{url}#{a}").into(),
                None => url.clone().into(),
            };
        }
        if self.links.failed.contains(path) {
            return dest;
        }
        let (message, help) = if self.links.drafts.contains(path) {
            (
                format!("link to a draft page: @/{path}"),
                "publish that page first, or remove the link".to_string(),
            )
        } else {
            let known = self.links.urls.keys().map(String::as_str);
            let help = match did_you_mean(path, known) {
                Some(s) => format!("did you mean @/{s}?"),
                None => "internal links name a file under content/, e.g. (@/case-studies/restraint-review.md)".to_string(),
            };
            (
                format!("broken internal link: there is no content/{path}"),
                help,
            )
        };
        self.diagnostics.push(
            Diagnostic::error(self.src.shown, message)
                .at(self.src.text, self.span(range))
                .help(help),
        );
        dest
    }
}

/// The scheme of a link destination that runs script when followed
/// (`javascript:`, `vbscript:`, in any case). Spaces and control characters
/// in a destination are percent-encoded in the HTML, so a browser reads no
/// other spelling of these schemes.
fn script_scheme(dest: &str) -> Option<&'static str> {
    let dest = dest.as_bytes();
    ["javascript", "vbscript"].into_iter().find(|s| {
        dest.get(s.len()) == Some(&b':') && dest[..s.len()].eq_ignore_ascii_case(s.as_bytes())
    })
}

fn callout_open(kind: BlockQuoteKind) -> String {
    let (class, title) = match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    };
    format!("<div class=\"callout callout-{class}\">\n<p class=\"callout-title\">{title}</p>\n")
}

/// pulldown-cmark aligns table columns with `style` attributes, which a
/// strict Content-Security-Policy blocks; the theme styles these classes instead.
fn alignment_classes(html: String) -> String {
    if !html.contains(" style=\"text-align: ") {
        return html;
    }
    ["left", "center", "right"].iter().fold(html, |h, a| {
        h.replace(
            &format!(" style=\"text-align: {a}\""),
            &format!(" class=\"align-{a}\""),
        )
    })
}

/// The id a heading's text gets: its slug, or `section` when that is empty.
pub fn heading_slug(text: &str) -> String {
    let s = slugify(text);
    if s.is_empty() {
        "section".to_string()
    } else {
        s
    }
}

/// Makes `base` unique on the page by adding `-1`, `-2`, … on repeats.
pub fn unique_id(seen: &mut HashMap<String, usize>, base: String) -> String {
    let mut candidate = base.clone();
    while let Some(n) = seen.get_mut(&candidate).map(|n| {
        *n += 1;
        *n
    }) {
        candidate = format!("{base}-{}", n - 1);
        if !seen.contains_key(&candidate) {
            break;
        }
    }
    seen.insert(candidate.clone(), 1);
    candidate
}

/// Nests h3 entries under the h2 before them.
fn nest_toc(flat: Vec<TocEntry>) -> Vec<TocEntry> {
    let mut out: Vec<TocEntry> = Vec::new();
    for entry in flat {
        match out.last_mut() {
            Some(parent) if entry.level == 3 && parent.level == 2 => parent.children.push(entry),
            _ => out.push(entry),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(md: &str, links: &LinkTargets) -> Rendered {
        let src = SourceRef {
            shown: "content/a.md",
            text: md,
            offset: 0,
        };
        Markdown::new().render(&src, links)
    }

    #[test]
    fn heading_ids_are_stable_and_unique() {
        let r = render(
            "## Outcomes\n\n## Outcomes\n\n### Outcomes\n\n## Outcomes-1\n",
            &LinkTargets::default(),
        );
        assert!(r.html.contains("<h2 id=\"outcomes\">"));
        assert!(r.html.contains("<h2 id=\"outcomes-1\">"));
        assert!(r.html.contains("<h3 id=\"outcomes-2\">"));
        assert!(r.html.contains("<h2 id=\"outcomes-1-1\">"), "{}", r.html);
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[1].children[0].id, "outcomes-2");
    }

    #[test]
    fn the_skip_link_target_is_reserved() {
        let r = render("## Main content\n", &LinkTargets::default());
        assert!(r.html.contains("<h2 id=\"main-content-1\">"), "{}", r.html);
    }

    #[test]
    fn text_is_split_at_headings_for_search() {
        let r = render(
            "Intro `code` here.\n\n## The challenge\n\nBeds were *short*.\n",
            &LinkTargets::default(),
        );
        assert_eq!(r.sections.len(), 2);
        assert_eq!(r.sections[0].text, "Intro code here.");
        assert_eq!(r.sections[1].anchor.as_deref(), Some("the-challenge"));
        assert_eq!(r.sections[1].heading, "The challenge");
        assert_eq!(r.sections[1].text, "Beds were short.");
        assert_eq!(r.word_count, 8);
    }

    #[test]
    fn custom_heading_ids_are_kept() {
        let r = render("## What was done {#done}\n", &LinkTargets::default());
        assert!(r.html.contains("<h2 id=\"done\">What was done</h2>"));
    }

    #[test]
    fn internal_links_resolve() {
        let mut links = LinkTargets::default();
        links
            .urls
            .insert("case-studies/x.md".into(), "/hr/case-studies/x/".into());
        let r = render("See [x](@/case-studies/x.md#learning).", &links);
        assert!(r.html.contains("href=\"/hr/case-studies/x/#learning\""));
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn root_relative_links_get_the_base_path() {
        let links = LinkTargets {
            base_path: "/hr/".into(),
            ..LinkTargets::default()
        };
        let r = render(
            "![A ward](/images/ward.png) [poster](/downloads/p.pdf) [x](//cdn.example/x) [y](https://example.org/y)",
            &links,
        );
        assert!(r.html.contains("src=\"/hr/images/ward.png\""), "{}", r.html);
        assert!(r.html.contains("href=\"/hr/downloads/p.pdf\""));
        assert!(r.html.contains("href=\"//cdn.example/x\""));
        let dests: Vec<&str> = r.outbound.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(
            dests,
            [
                "/images/ward.png",
                "/downloads/p.pdf",
                "//cdn.example/x",
                "https://example.org/y"
            ]
        );
    }

    #[test]
    fn broken_links_are_errors_with_suggestions() {
        let mut links = LinkTargets::default();
        links.urls.insert("case-studies/x.md".into(), "/x/".into());
        let r = render("Intro\n\nSee [x](@/case-studies/y.md).", &links);
        let d = &r.diagnostics[0];
        assert!(d.is_error());
        assert_eq!(
            d.message,
            "broken internal link: there is no content/case-studies/y.md"
        );
        assert_eq!(d.location.as_ref().unwrap().line, 3);
        assert_eq!(d.help.as_deref(), Some("did you mean @/case-studies/x.md?"));
    }

    #[test]
    fn tables_scroll_and_align_without_style_attributes() {
        let r = render("| a | b |\n|:-:|--:|\n| 1 | 2 |\n", &LinkTargets::default());
        assert!(
            r.html
                .starts_with("<div class=\"table-scroll\" tabindex=\"0\">\n<table>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<th class=\"align-center\">a</th>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<td class=\"align-right\">2</td>"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("style="));
    }

    #[test]
    fn alerts_become_callouts() {
        let r = render(
            "> [!WARNING]\n> Check capacity first.\n",
            &LinkTargets::default(),
        );
        assert!(
            r.html.contains("<div class=\"callout callout-warning\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("Check capacity first."));
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let r = render("```rust\nfn main() {}\n```\n", &LinkTargets::default());
        assert!(r.html.contains("class=\"hl-"), "{}", r.html);
        assert!(!r.html.contains("style="));
        // Long lines scroll, so keyboard users must be able to focus the block.
        assert!(
            r.html.starts_with("<pre class=\"code\" tabindex=\"0\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn raw_html_is_sanitised() {
        let r = render(
            "<script>alert(1)</script>\n\n<b onclick=\"x()\">bold</b>",
            &LinkTargets::default(),
        );
        assert!(!r.html.contains("<script"));
        assert!(!r.html.contains("onclick"));
        assert!(r.html.contains("<b>bold</b>"));
        assert_eq!(r.diagnostics.len(), 1);
    }

    #[test]
    fn raw_html_in_headings_is_sanitised() {
        let r = render(
            "## <script>alert(1)</script>\n\n## A <b onclick=\"x()\">b</b>\n",
            &LinkTargets::default(),
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onclick"), "{}", r.html);
        assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    }

    #[test]
    fn links_in_headings_resolve() {
        let mut links = LinkTargets::default();
        links.urls.insert("a.md".into(), "/hr/a/".into());
        links.base_path = "/hr/".into();
        let r = render("## See [a](@/a.md) and [b](/b.pdf)\n", &links);
        assert!(r.html.contains("href=\"/hr/a/\""), "{}", r.html);
        assert!(r.html.contains("href=\"/hr/b.pdf\""), "{}", r.html);
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.outbound.len(), 1);
    }

    #[test]
    fn script_urls_are_removed() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](&#x6A;avascript:alert(1))",
            "![x](vbscript:x)",
            "## [x](javascript:alert(1))",
            "[x]\n\n[x]: javascript:alert(1)",
        ] {
            let r = render(md, &LinkTargets::default());
            let lower = r.html.to_ascii_lowercase();
            assert!(!lower.contains("script:"), "{md}: {}", r.html);
            assert!(
                r.diagnostics.iter().any(|d| d.message.contains("removed")),
                "{md}: {:?}",
                r.diagnostics
            );
        }
        let r = render(
            "[x](https://example.org/javascript:x)",
            &LinkTargets::default(),
        );
        assert!(r.html.contains("href=\"https://example.org/javascript:x\""));
    }

    #[test]
    fn images_without_alt_warn() {
        let r = render("![](a.png)\n\n![A ward](b.png)", &LinkTargets::default());
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].message, "image has no alt text");
    }

    #[test]
    fn extensions_are_on() {
        let r = render(
            "| a |\n|---|\n| 1 |\n\n~~x~~ \"q\"[^1]\n\n- [x] done\n\n[^1]: Note.",
            &LinkTargets::default(),
        );
        for needle in [
            "<table>",
            "<del>x</del>",
            "\u{201c}q\u{201d}",
            "footnote",
            "checkbox",
        ] {
            assert!(r.html.contains(needle), "{needle} missing in {}", r.html);
        }
    }
}
