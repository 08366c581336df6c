//! Diagnostics: errors and warnings that point at `path:line:col`.
//!
//! Every stage reports problems as [`Diagnostic`] values instead of failing on
//! the first one, so an editor sees all mistakes of a build at once. A
//! diagnostic carries the offending source line and a caret under the bad
//! text, in the style of rustc and just.

use std::fmt;
use std::ops::Range;

use anstyle::{AnsiColor, Color, Style};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Stops the build.
    Error,
    /// Reported, but the build goes on.
    Warning,
    /// Information, such as a review coming up; never fails anything.
    Note,
}

/// A position in a source file, 1-based, with the line's text for display.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    /// The text of the line, without its line ending, cut to a window
    /// around the column when the line is long, and with control characters
    /// shown as symbols (`␀`), so nothing in a file can upset a terminal.
    pub source_line: String,
    /// 1-based column of the problem within `source_line`.
    pub shown_col: usize,
    /// How many characters to underline (at least 1).
    pub width: usize,
}

/// The longest source line shown in full; longer lines show a window.
const LINE_WINDOW: usize = 400;

/// One problem found in the site, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// File path as shown to the user, relative to the site root.
    pub path: String,
    /// Where in the file, when known (boxed to keep `Result<_, Diagnostic>` small).
    pub location: Option<Box<Location>>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when we can say.
    pub help: Option<String>,
}

impl Location {
    /// Finds the line and column of a byte range in `text`.
    ///
    /// Offsets past the end or inside a character are clamped, so a bad span
    /// from a parser can never cause a panic.
    pub fn from_span(text: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let source_line = text[line_start..line_end].trim_end_matches('\r');
        let line = text[..start].matches('\n').count() + 1;
        // A span in a CRLF line ending points just after the line's text.
        let start = start.min(line_start + source_line.len());
        let col = text[line_start..start].chars().count() + 1;
        let width = text[start..end.min(line_end)].chars().count().max(1);
        let source_line = source_line.trim_start_matches('\u{feff}');
        let col = col - usize::from(text[line_start..start].starts_with('\u{feff}'));
        let (source_line, shown_col, width) = window(source_line, col, width);
        Location {
            line,
            col,
            source_line,
            shown_col,
            width,
        }
    }
}

/// Cuts a long line to [`LINE_WINDOW`] characters around `col` (marking the
/// cuts with `…`) and makes control characters visible.
fn window(line: &str, col: usize, width: usize) -> (String, usize, usize) {
    let len = line.chars().count();
    let (from, to) = if len <= LINE_WINDOW {
        (0, len)
    } else {
        let from = (col - 1)
            .saturating_sub(LINE_WINDOW / 3)
            .min(len - LINE_WINDOW);
        (from, from + LINE_WINDOW)
    };
    let mut shown: String = (from > 0).then_some('…').into_iter().collect();
    shown.extend(line.chars().skip(from).take(to - from).map(visible));
    if to < len {
        shown.push('…');
    }
    let shown_col = col - from + usize::from(from > 0);
    let width = width.min((to + 1).saturating_sub(col)).max(1);
    (shown, shown_col, width)
}

/// Text with control characters made visible (a file name or a value
/// quoted in a message can hold any of them).
pub(crate) fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(|c: char| c.is_ascii_control() && c != '\t' && c != '\n') {
        text.chars()
            .map(|c| if c == '\n' { c } else { visible(c) })
            .collect()
    } else {
        text.into()
    }
}

/// A control character as its Unicode symbol (NUL as `␀`); others unchanged.
fn visible(c: char) -> char {
    match c {
        '\t' => c,
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
        '\x7f' => '␡',
        _ => c,
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Diagnostic {
    /// A note in `path` with no position.
    pub fn note(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(path, message)
        }
    }

    /// An error in `path` with no position.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            location: None,
            message: message.into(),
            help: None,
        }
    }

    /// A warning in `path` with no position.
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Points the diagnostic at a byte range of the file's text.
    pub fn at(mut self, text: &str, span: Range<usize>) -> Diagnostic {
        self.location = Some(Box::new(Location::from_span(text, span)));
        self
    }

    /// Adds a hint saying how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&str, usize, usize) {
        let (line, col) = self.location.as_ref().map_or((0, 0), |l| (l.line, l.col));
        (&self.path, line, col)
    }
}

impl Severity {
    /// The word shown before a message: "error", "warning" or "note".
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// "1 error", "2 errors": a count with its noun.
pub fn count_of(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Terminal styles for the parts of a diagnostic; [`Palette::PLAIN`] has none.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// `path:line:col`.
    pub location: Style,
    /// The word "error".
    pub error: Style,
    /// The word "warning".
    pub warning: Style,
    /// The word "note".
    pub note: Style,
    /// Line numbers, `|` and the caret line.
    pub gutter: Style,
    /// The word "help".
    pub help: Style,
}

impl Palette {
    /// No styling: what files, pipes and tests get.
    pub const PLAIN: Palette = Palette {
        location: Style::new(),
        error: Style::new(),
        warning: Style::new(),
        note: Style::new(),
        gutter: Style::new(),
        help: Style::new(),
    };

    /// Colours in the style of rustc: bold red errors, yellow warnings.
    pub const COLOUR: Palette = Palette {
        location: Style::new().bold(),
        error: Style::new()
            .bold()
            .fg_color(Some(Color::Ansi(AnsiColor::Red))),
        warning: Style::new()
            .bold()
            .fg_color(Some(Color::Ansi(AnsiColor::Yellow))),
        note: Style::new()
            .bold()
            .fg_color(Some(Color::Ansi(AnsiColor::Cyan))),
        gutter: Style::new()
            .bold()
            .fg_color(Some(Color::Ansi(AnsiColor::Blue))),
        help: Style::new()
            .bold()
            .fg_color(Some(Color::Ansi(AnsiColor::Green))),
    };

    fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Note => self.note,
        }
    }
}

impl Diagnostic {
    /// Writes the diagnostic with the palette's styles.
    fn write(&self, f: &mut dyn fmt::Write, p: &Palette) -> fmt::Result {
        let kind = self.severity.name();
        let (loc_s, kind_s, gut) = (p.location, p.severity(self.severity), p.gutter);
        match &self.location {
            Some(loc) => {
                writeln!(
                    f,
                    "{loc_s}{}:{}:{}:{loc_s:#} {kind_s}{kind}{kind_s:#}: {}",
                    self.path,
                    loc.line,
                    loc.col,
                    shown(&self.message)
                )?;
                let num = loc.line.to_string();
                let pad = " ".repeat(num.len());
                writeln!(f, "{gut} {num} |{gut:#} {}", loc.source_line)?;
                let lead: String = loc
                    .source_line
                    .chars()
                    .take(loc.shown_col - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let caret = "^".repeat(loc.width);
                writeln!(f, "{gut} {pad} |{gut:#} {lead}{kind_s}{caret}{kind_s:#}")?;
            }
            None => writeln!(
                f,
                "{loc_s}{}:{loc_s:#} {kind_s}{kind}{kind_s:#}: {}",
                shown(&self.path),
                shown(&self.message)
            )?,
        }
        if let Some(help) = &self.help {
            writeln!(f, "  {}help{:#}: {help}", p.help, p.help)?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, &Palette::PLAIN)
    }
}

/// A collection of diagnostics from one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds many diagnostics.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Number of errors (repeats counted once).
    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warnings (repeats counted once).
    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// Number of diagnostics of one severity, repeats counted once (no sort).
    fn count(&self, severity: Severity) -> usize {
        let mut seen = std::collections::HashSet::new();
        self.items
            .iter()
            .filter(|d| d.severity == severity && seen.insert(*d))
            .count()
    }

    /// True when there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// All diagnostics, sorted by file and position (ties keep the order they
    /// were found in), without repeats.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut seen = std::collections::HashSet::new();
        let mut v: Vec<&Diagnostic> = self.items.iter().filter(|d| seen.insert(*d)).collect();
        v.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        v
    }

    /// Renders every diagnostic, sorted, one after another.
    pub fn render(&self) -> String {
        self.render_with(&Palette::PLAIN)
    }

    /// Every diagnostic, sorted, grouped by file (a blank line between
    /// files), with the palette's styles.
    pub fn render_with(&self, palette: &Palette) -> String {
        let mut out = String::new();
        let mut last: Option<&str> = None;
        for d in self.sorted() {
            if last.is_some_and(|l| l != d.path) {
                out.push('\n');
            }
            last = Some(&d.path);
            d.write(&mut out, palette).ok();
        }
        out
    }
}

impl Diagnostics {
    /// The closing line of `freda check`, e.g. "Checked 137 pages: 0 errors, 2 warnings, 1 note".
    /// `pages` is unknown when errors stopped the pages from rendering.
    pub fn summary(&self, pages: Option<usize>) -> String {
        let notes = self.count(Severity::Note);
        let what = pages.map_or("the site".to_string(), |n| format!("{n} pages"));
        format!(
            "Checked {what}: {}, {}, {}",
            count_of(self.error_count(), "error"),
            count_of(self.warning_count(), "warning"),
            count_of(notes, "note")
        )
    }

    /// The findings as JSON, schema version 1 (documented in the README):
    /// `{"version":1,"errors":n,"warnings":n,"notes":n,"diagnostics":[{"severity","path","line","column","message","help","source_line"}]}`.
    pub fn to_json(&self) -> String {
        let sorted = self.sorted();
        let items: Vec<serde_json::Value> = sorted.iter().map(|d| d.to_json()).collect();
        let count = |s: Severity| sorted.iter().filter(|d| d.severity == s).count();
        serde_json::json!({
            "version": 1,
            "errors": count(Severity::Error),
            "warnings": count(Severity::Warning),
            "notes": count(Severity::Note),
            "diagnostics": items,
        })
        .to_string()
    }
}

impl Diagnostics {
    /// The findings as GitHub Actions workflow commands, one line each.
    pub fn to_github(&self) -> String {
        let esc = |s: &str| {
            s.replace('%', "%25")
                .replace('\r', "%0D")
                .replace('\n', "%0A")
        };
        let prop = |s: &str| esc(s).replace(':', "%3A").replace(',', "%2C");
        self.sorted()
            .iter()
            .map(|d| {
                // GitHub calls a note a "notice".
                let kind = match d.severity {
                    Severity::Note => "notice",
                    other => other.name(),
                };
                let pos = d
                    .location
                    .as_deref()
                    .map_or(String::new(), |l| format!(",line={},col={}", l.line, l.col));
                let help = d
                    .help
                    .as_deref()
                    .map_or(String::new(), |h| format!(" ({h})"));
                format!(
                    "::{kind} file={}{pos}::{}\n",
                    prop(&d.path),
                    esc(&format!("{}{help}", d.message))
                )
            })
            .collect()
    }
}

impl Diagnostic {
    /// One diagnostic as a JSON object; `line`, `column` and `source_line` are null without a position.
    pub fn to_json(&self) -> serde_json::Value {
        let severity = self.severity.name();
        let loc = self.location.as_deref();
        serde_json::json!({
            "severity": severity,
            "path": self.path,
            "line": loc.map(|l| l.line),
            "column": loc.map(|l| l.col),
            "message": self.message,
            "help": self.help,
            "source_line": loc.map(|l| &l.source_line),
        })
    }
}

/// Suggests the closest candidate to a misspelt word, if one is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_at_a_crlf_line_end_points_just_after_the_text() {
        // toml points at the `\n` of an unclosed string's line.
        let text = "+++\r\ntitle = \"x\r\n+++\r\n";
        let at = text.find("\r\n+++").unwrap() + 1;
        let loc = Location::from_span(text, at..at);
        assert_eq!((loc.line, loc.col), (2, 11));
        assert_eq!(loc.source_line, "title = \"x");
        let loc = Location::from_span(text, at - 1..at + 1);
        assert_eq!((loc.line, loc.col, loc.width), (2, 11, 1));
    }

    #[test]
    fn location_of_a_span() {
        let text = "a = 1\nrights = [\"artcle-8\"]\n";
        let start = text.find("\"artcle").unwrap();
        let loc = Location::from_span(text, start..start + 10);
        assert_eq!((loc.line, loc.col, loc.width), (2, 11, 10));
        assert_eq!(loc.source_line, "rights = [\"artcle-8\"]");
    }

    #[test]
    fn spans_out_of_range_are_clamped() {
        let loc = Location::from_span("é", 1..99);
        assert_eq!((loc.line, loc.col), (1, 1));
    }

    #[test]
    fn long_lines_show_a_window_around_the_column() {
        let line = format!("{}BAD{}", "a".repeat(500_000), "b".repeat(500_000));
        let d = Diagnostic::error("big.md", "bad").at(&line, 500_000..500_003);
        let loc = d.location.as_deref().unwrap();
        assert_eq!((loc.line, loc.col, loc.width), (1, 500_001, 3));
        assert_eq!(loc.source_line.chars().count(), LINE_WINDOW + 2);
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        let at = lines[1][..lines[1].find("BAD").unwrap()].chars().count();
        assert_eq!(lines[2].find('^'), Some(at), "{shown}");
        assert!(lines[1].ends_with('…') && lines[1].contains("| …a"));
        // Near the end of a long line, the window ends at the line's end.
        let d = Diagnostic::error("big.md", "bad").at(&line, 1_000_002..1_000_003);
        let shown = d.to_string();
        assert!(shown.lines().nth(1).unwrap().ends_with("bbb"), "{shown}");
    }

    #[test]
    fn control_characters_are_shown_as_symbols() {
        let d = Diagnostic::error("a.md", "nul").at("a\0b\x1b[2Jc\td", 1..2);
        assert_eq!(
            d.to_string(),
            "a.md:1:2: error: nul\n 1 | a␀b␛[2Jc\td\n   |  ^\n"
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let d = Diagnostic::error("a.md", "x").at("\u{feff}+++ x", 7..8);
        assert_eq!(d.location.as_deref().map(|l| l.col), Some(5));
        assert_eq!(
            d.to_string(),
            "a.md:1:5: error: x\n 1 | +++ x\n   |     ^\n"
        );
    }

    #[test]
    fn renders_with_caret_and_help() {
        let text = "x\ntype = \"case-stdy\"\n";
        let d = Diagnostic::error("content/a.md", "unknown type")
            .at(text, 9..20)
            .help("did you mean \"case-study\"?");
        assert_eq!(
            d.to_string(),
            "content/a.md:2:8: error: unknown type\n 2 | type = \"case-stdy\"\n   |        ^^^^^^^^^^^\n  help: did you mean \"case-study\"?\n"
        );
    }

    #[test]
    fn renders_grouped_by_file_and_coloured_on_request() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::warning("content/b.md", "two"));
        ds.push(Diagnostic::error("content/a.md", "one").at("x = 1\n", 0..1));
        ds.push(Diagnostic::note("content/b.md", "three"));
        assert_eq!(
            ds.render(),
            "content/a.md:1:1: error: one\n 1 | x = 1\n   | ^\n\ncontent/b.md: warning: two\ncontent/b.md: note: three\n"
        );
        let colour = ds.render_with(&Palette::COLOUR);
        assert!(
            colour.contains("\x1b[1m\x1b[31merror\x1b[0m: one"),
            "{colour:?}"
        );
        assert!(!ds.render().contains('\x1b'));
    }

    #[test]
    fn suggests_close_words_only() {
        let words = ["article-8", "article-2", "dignity"];
        assert_eq!(did_you_mean("artcle-8", words), Some("article-8"));
        assert_eq!(did_you_mean("zebra", words), None);
    }
}
