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
use crate::sanitize::Policy;

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
    policy: Policy,
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
    /// The tools with ammonia's allowlist and no additions; syntaxes load on first use.
    pub fn new() -> Markdown {
        Markdown::with_policy(Policy::default())
    }

    /// The tools with a site's additions to the allowlist (`[sanitize]`).
    pub fn with_policy(policy: Policy) -> Markdown {
        Markdown {
            syntaxes: OnceLock::new(),
            policy,
        }
    }

    /// Changes the allowlist additions, keeping the loaded syntaxes.
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
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
            // Too deep to sanitise in reasonable time: the page has an error and no HTML.
            if !pass.too_deep {
                html.reserve(md.len() * 3 / 2);
                pulldown_cmark::html::push_html(&mut html, events.into_iter());
                html = alignment_classes(html);
            }
        } else {
            events.for_each(drop);
        }
        pass.finish_text();
        if want_html && pass.raw_html && !pass.too_deep {
            html = self.policy.builder().clean(&html).to_string();
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
    /// Problems point into the string when `src.offset` is where it is
    /// written in the file, and at `src.offset` otherwise.
    pub fn render_inline(
        &self,
        md: &str,
        src: &SourceRef,
        links: &LinkTargets,
    ) -> (String, Vec<Diagnostic>) {
        let mut pass = Pass::new(self, src, links);
        pass.lint = false;
        let located = src
            .text
            .get(src.offset..)
            .is_some_and(|t| t.starts_with(md));
        let events: Vec<Event> = Parser::new_ext(md, options())
            .into_offset_iter()
            .flat_map(|(e, range)| pass.event(e, if located { range } else { 0..0 }))
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
            self.policy.builder().clean(&html).to_string()
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

/// How a piece of raw HTML changes the nesting depth: the change at its end
/// and the highest it reaches within (+1 for each start tag, -1 for each end
/// tag). Void elements, self-closing tags and elements whose end tag may be
/// left out (`p`, `li`, `td`…) do not count.
fn html_depth_change(html: &str) -> (isize, isize) {
    const UNCOUNTED: [&str; 32] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody",
        "tfoot", "option", "optgroup", "rb", "rt", "rp", "colgroup", "caption", "html",
    ];
    let (mut change, mut peak) = (0, 0);
    for tag in html.split('<').skip(1) {
        let (closing, tag) = match tag.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, tag),
        };
        let name_end = tag
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len());
        let name = tag[..name_end].to_ascii_lowercase();
        let self_closing = tag.split('>').next().is_some_and(|t| t.ends_with('/'));
        let is_name = name.starts_with(|c: char| c.is_ascii_alphabetic());
        if !is_name || self_closing || UNCOUNTED.contains(&name.as_str()) {
            continue;
        }
        change += if closing { -1 } else { 1 };
        peak = peak.max(change);
    }
    (change, peak)
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
    /// The link being read was removed (its URL's scheme is refused): its end goes too.
    link_refused: bool,
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
    /// How many elements are open (Markdown blocks and raw HTML), and
    /// whether going past [`MAX_DEPTH`] has been reported.
    depth: usize,
    too_deep: bool,
    diagnostics: Vec<Diagnostic>,
}

/// The deepest nesting of lists, quotes and HTML elements a page may have.
/// Real pages need a handful of levels; the HTML parser behind the
/// sanitiser takes time that grows with the square of the depth (10,000
/// levels took seconds, and a 10 MB file could take hours).
const MAX_DEPTH: usize = 100;

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
        /// The URL's scheme is refused: only the alt text is written.
        refused: bool,
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
            link_refused: false,
            table_head: None,
            last_level: 1,
            lint: true,
            targets: Vec::new(),
            outbound: Vec::new(),
            keep_text: true,
            prose: crate::readability::Prose::default(),
            block: String::new(),
            raw_html: false,
            depth: 0,
            too_deep: false,
            diagnostics: Vec::new(),
        }
    }

    /// Follows how deeply elements are nested, with one error past [`MAX_DEPTH`].
    fn nest(&mut self, e: &Event, range: &Range<usize>) {
        match e {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::Html(h) | Event::InlineHtml(h) => {
                let (change, peak) = html_depth_change(h);
                if self.depth.saturating_add_signed(peak) > MAX_DEPTH {
                    self.report_depth(range);
                }
                self.depth = self.depth.saturating_add_signed(change);
            }
            _ => return,
        }
        if self.depth > MAX_DEPTH {
            self.report_depth(range);
        }
    }

    fn report_depth(&mut self, range: &Range<usize>) {
        if !self.too_deep {
            self.too_deep = true;
            self.diagnostics.push(
                Diagnostic::error(self.src.shown, format!("lists, quotes or HTML elements are nested more than {MAX_DEPTH} levels deep here"))
                    .at(self.src.text, self.span(&(range.start..range.start + 1)))
                    .help("flatten the structure: pages need a few levels at most (deep nesting is usually pasted or generated text)"),
            );
        }
    }

    fn span(&self, range: &Range<usize>) -> Range<usize> {
        range.start + self.src.offset..range.end + self.src.offset
    }

    fn event(&mut self, e: Event<'a>, range: Range<usize>) -> Vec<Event<'a>> {
        self.nest(&e, &range);
        // Before anything is held back: raw HTML inside a heading must mark the page for the sanitiser too.
        if let Event::Html(h) | Event::InlineHtml(h) = &e {
            self.raw(h, &range);
        }
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
                let refused = self.refused(&dest_url, "image from", "its alt text is kept", &range);
                let dest = if refused {
                    dest_url
                } else {
                    self.resolve(dest_url, &range)
                };
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
                    refused,
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
                if self.refused(&dest_url, "link to", "its text is kept", &range) {
                    self.link_refused = true;
                    return vec![];
                }
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
            Event::End(TagEnd::Link) if self.link_refused => {
                self.link_refused = false;
                vec![]
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
                // Links in a heading are handled as anywhere else (raw HTML is seen before it is held).
                let e = match e {
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }) => Event::Start(Tag::Link {
                        link_type,
                        dest_url: self.resolve_in_heading(dest_url, "link to", &at),
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
                        dest_url: self.resolve_in_heading(dest_url, "image from", &at),
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
                    refused: true, alt, ..
                },
                Event::End(TagEnd::Image),
            ) => vec![Event::Text(alt.into())],
            (
                Held::Image {
                    range,
                    dest,
                    alt,
                    mut events,
                    ..
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
                    refused,
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
                    refused,
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

    /// Whether `dest` uses a URL scheme that content may not link to; if so,
    /// warns that the link (`what` = "link to") or image was removed.
    fn refused(&mut self, dest: &str, what: &str, kept: &str, range: &Range<usize>) -> bool {
        let Some(scheme) = self.md.policy.refused_scheme(dest) else {
            return false;
        };
        let help = crate::sanitize::removal_help(&scheme, kept);
        self.diagnostics.push(
            Diagnostic::warning(
                self.src.shown,
                format!("{what} a `{scheme}:` URL was removed"),
            )
            .at(self.src.text, self.span(range))
            .help(help),
        );
        true
    }

    /// A link or image URL inside a heading, whose events are held back
    /// whole: a refused scheme turns the sanitiser on, which drops the URL
    /// (ammonia allows the same schemes) and keeps the text.
    fn resolve_in_heading(
        &mut self,
        dest: CowStr<'a>,
        what: &str,
        at: &Range<usize>,
    ) -> CowStr<'a> {
        if self.refused(&dest, what, "its text is kept", at) {
            self.raw_html = true;
            return dest;
        }
        self.resolve(dest, at)
    }

    fn resolve(&mut self, dest: CowStr<'a>, range: &Range<usize>) -> CowStr<'a> {
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
    fn html_depth_counts_elements_that_stay_open() {
        assert_eq!(html_depth_change("<div><span>a</span>"), (1, 2));
        assert_eq!(html_depth_change("</div></section>"), (-2, 0));
        assert_eq!(
            html_depth_change("<br><img src=x><hr/><x-y/><!-- <div> -->"),
            (1, 1)
        );
        assert_eq!(html_depth_change("<ul><li>a<li>b<p>c</ul>"), (0, 1));
        assert_eq!(html_depth_change("a < b and c<3"), (0, 0));
        assert_eq!(
            html_depth_change(&"<div>".repeat(500).repeat(2)),
            (1000, 1000)
        );
    }

    #[test]
    fn deep_nesting_is_an_error_without_html() {
        let deep = |md: &str| {
            let r = render(md, &LinkTargets::default());
            let errors: Vec<String> = r.diagnostics.iter().map(|d| d.to_string()).collect();
            (r.html.is_empty(), errors)
        };
        let (empty, errors) = deep(&format!("{} deep\n", ">".repeat(10_000)));
        assert!(empty);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("content/a.md:1:101: error: lists, quotes or HTML elements are nested more than 100 levels deep here\n"), "{}", errors[0]);
        assert_eq!(deep(&format!("{}x\n", "- ".repeat(10_000))).1.len(), 1);
        let raw = format!(
            "<span>x</span>\n\n{}x{}\n",
            "<div>".repeat(40_000),
            "</div>".repeat(40_000)
        );
        let (empty, errors) = deep(&raw);
        assert!(
            empty && errors[0].contains(":3:1: error: lists, quotes"),
            "{errors:?}"
        );
        // Ninety levels are fine, and so are many elements side by side.
        assert!(deep(&format!("{} ok\n", ">".repeat(90))).1.is_empty());
        let wide = format!("<span>x</span>\n\n{}\n", "<div>x</div>".repeat(50_000));
        let (empty, errors) = deep(&wide);
        assert!(!empty && errors.is_empty(), "{errors:?}");
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

    fn warnings(r: &Rendered) -> String {
        let mut ds = crate::diagnostics::Diagnostics::new();
        ds.extend(r.diagnostics.iter().cloned());
        ds.render()
    }

    #[test]
    fn links_with_unsafe_schemes_lose_their_url_and_warn() {
        let r = render(
            "[click](javascript:alert(5)) [x](JaVaScRiPt:alert(1)) [r][bad] <javascript:alert(3)>\n\n[v](vbscript:msgbox(1)) [d](data:text/html;base64,PHNjcmlwdD4=) [t](java&#09;script:alert(4)) [e](&#106;avascript:alert(6)) [s]( \u{1}javascript:alert(8))\n\n[bad]: javascript:alert(7)\n",
            &LinkTargets::default(),
        );
        assert_eq!(
            &*r.html,
            "<p>click x r javascript:alert(3)</p>\n<p>v d t e [s]( \u{1}javascript:alert(8))</p>\n"
        );
        assert!(r.outbound.is_empty(), "{:?}", r.outbound);
        let text = warnings(&r);
        assert!(text.starts_with("content/a.md:1:1: warning: link to a `javascript:` URL was removed\n 1 | [click](javascript:alert(5))"), "{text}");
        assert!(text.contains("  help: javascript:, vbscript: and data: URLs can run code or hide what they show, so freda never writes them; its text is kept\n"), "{text}");
        for at in [
            "1:30: warning: link to a `javascript:`",
            "1:55: warning: link to a `javascript:`",
            "1:64: warning: link to a `javascript:`",
            "3:1: warning: link to a `vbscript:`",
            "3:25: warning: link to a `data:`",
            "3:65: warning: link to a `javascript:`",
            "3:95: warning: link to a `javascript:`",
        ] {
            assert!(
                text.contains(&format!("content/a.md:{at} URL was removed\n")),
                "{at}: {text}"
            );
        }
        assert_eq!(r.diagnostics.len(), 8, "{text}");
    }

    #[test]
    fn images_with_unsafe_schemes_become_their_alt_text() {
        let r = render(
            "![A ward](javascript:alert(1)) ![](data:image/svg+xml;base64,PHN2Zz4=) [![Poster](/p.png)](javascript:alert(2))\n",
            &LinkTargets::default(),
        );
        assert_eq!(
            &*r.html,
            "<p>A ward  <img src=\"/p.png\" alt=\"Poster\" /></p>\n"
        );
        let text = warnings(&r);
        assert!(
            text.contains(
                "content/a.md:1:1: warning: image from a `javascript:` URL was removed\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("content/a.md:1:32: warning: image from a `data:` URL was removed\n"),
            "{text}"
        );
        assert!(text.contains("  help: javascript:, vbscript: and data: URLs can run code or hide what they show, so freda never writes them; its alt text is kept\n"), "{text}");
        assert!(
            text.contains("content/a.md:1:72: warning: link to a `javascript:` URL was removed\n"),
            "{text}"
        );
        assert_eq!(r.diagnostics.len(), 3, "{text}");
        assert_eq!(r.outbound.len(), 1);
    }

    #[test]
    fn other_schemes_are_refused_unless_site_toml_allows_them() {
        let md = "[files](ftp://files.example/a) [mail](mailto:a@b.org) [call](tel:+441234567890) [web](HTTPS://x.org/) [mail2](<a@b.org>)\n";
        let r = render(md, &LinkTargets::default());
        assert!(r.html.starts_with("<p>files <a href=\"mailto:a@b.org\">mail</a> <a href=\"tel:+441234567890\">call</a> <a href=\"HTTPS://x.org/\">web</a>"), "{}", r.html);
        assert_eq!(warnings(&r).lines().last(), Some("  help: freda writes only http:, https:, mailto: and tel: URLs and links within the site; to allow ftp: URLs, add \"ftp\" to extra_url_schemes under [sanitize] in site.toml"));
        let config: crate::sanitize::SanitizeConfig =
            toml::from_str("extra_url_schemes = [\"ftp\"]").unwrap();
        let src = SourceRef {
            shown: "content/a.md",
            text: md,
            offset: 0,
        };
        let r = Markdown::with_policy(config.policy()).render(&src, &LinkTargets::default());
        assert!(
            r.html
                .starts_with("<p><a href=\"ftp://files.example/a\">files</a>"),
            "{}",
            r.html
        );
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn inline_list_items_point_at_their_place_in_the_front_matter() {
        let text = "+++\ntitle = \"T\"\ndos = [\"Read [this](javascript:alert(1))\"]\n+++\nBody\n";
        let item = "Read [this](javascript:alert(1))";
        let src = SourceRef {
            shown: "content/a.md",
            text,
            offset: text.find(item).unwrap(),
        };
        let (html, ds) = Markdown::new().render_inline(item, &src, &LinkTargets::default());
        assert_eq!(html, "Read this");
        let d = &ds[0];
        assert_eq!(d.message, "link to a `javascript:` URL was removed");
        let at = d.location.as_ref().unwrap();
        assert_eq!((at.line, at.col), (3, 14));
    }

    #[test]
    fn raw_html_keeps_only_allowed_url_schemes() {
        let r = render(
            "<a href=\"javascript:alert(1)\">a</a> <a href=\"ftp://x/\">b</a> <img src=\"data:image/png;base64,AA==\" alt=\"c\"> <a href=\"https://x.org/\">d</a>\n",
            &LinkTargets::default(),
        );
        assert_eq!(
            &*r.html,
            "<p><a>a</a> <a>b</a> <img alt=\"c\"> <a href=\"https://x.org/\">d</a></p>\n"
        );
    }

    #[test]
    fn raw_html_in_headings_is_sanitised() {
        let r = render(
            "## Heading <script>alert(1)</script> <img src=x onerror=alert(2)>\n",
            &LinkTargets::default(),
        );
        assert_eq!(
            &*r.html,
            "<h2 id=\"heading-alert-1\">Heading  <img src=\"x\"></h2>\n"
        );
        assert_eq!(
            warnings(&r).lines().next(),
            Some("content/a.md:1:12: warning: raw HTML `<script>` was removed")
        );
    }

    #[test]
    fn raw_html_inputs_become_disabled_check_boxes() {
        let r = render(
            "<input type=\"password\" name=\"p\"> <input type=\"image\" src=\"/x.png\"> <input type=\"checkbox\" checked>\n\n- [x] done\n",
            &LinkTargets::default(),
        );
        assert_eq!(
            &*r.html,
            "<p><input type=\"checkbox\" disabled=\"\"> <input type=\"checkbox\" disabled=\"\"> <input type=\"checkbox\" checked=\"\" disabled=\"\"></p>\n<ul>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\">\ndone</li>\n</ul>\n"
        );
    }

    #[test]
    fn raw_html_in_headings_warns_once() {
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
