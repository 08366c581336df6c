//! Walking `content/` and parsing each Markdown file in parallel.

use std::path::Path;

use rayon::prelude::*;

use super::frontmatter::{split, RawFrontMatter};
use super::Asset;
use crate::config::toml_error;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// What the walk found: Markdown sources and other files.
#[derive(Debug, Clone, Default)]
pub struct Walked {
    /// Markdown files relative to `content/`, sorted, with `/` separators.
    pub markdown: Vec<String>,
    /// Everything else.
    pub assets: Vec<Asset>,
}

/// One parsed Markdown file.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Path relative to `content/`.
    pub rel: String,
    /// The whole file (shared: kept between `freda serve` rebuilds).
    pub text: std::sync::Arc<str>,
    /// Where the body starts.
    pub body_offset: usize,
    /// Where the front matter starts.
    pub front_offset: usize,
    /// The front matter.
    pub raw: RawFrontMatter,
}

/// Lists every file under `content/` in a stable order. Symlinks are skipped
/// with a warning, so a link loop or a link out of the site cannot leak files.
pub fn walk(content: &Path, ds: &mut Diagnostics) -> Walked {
    let mut walked = Walked {
        markdown: Vec::new(),
        assets: Vec::new(),
    };
    if !content.is_dir() {
        ds.push(
            Diagnostic::error("content", "there is no content/ folder").help(
                "create content/ with an _index.md, or start a new site with `freda init DIR`",
            ),
        );
        return walked;
    }
    let walker = walkdir::WalkDir::new(content)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map_or("content".into(), |p| display(content, p));
                ds.push(Diagnostic::error(
                    path,
                    format!("cannot read: {}", io_reason(&e)),
                ));
                continue;
            }
        };
        let rel = rel_path(content, entry.path());
        let name = entry.file_name().to_string_lossy();
        if entry.depth() == 0 || name.starts_with('.') {
            continue;
        }
        if entry.path_is_symlink() {
            ds.push(Diagnostic::warning(
                format!("content/{rel}"),
                "symbolic link skipped: freda does not follow links",
            ));
        } else if entry.file_type().is_file() {
            if rel.ends_with(".md") {
                walked.markdown.push(rel);
            } else {
                walked.assets.push(Asset {
                    output: rel,
                    source: entry.path().to_path_buf(),
                });
            }
        }
    }
    walked
}

fn io_reason(e: &walkdir::Error) -> String {
    match e.io_error() {
        Some(io) => io.to_string(),
        None => e.to_string(),
    }
}

fn rel_path(base: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(base).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn display(content: &Path, p: &Path) -> String {
    format!("content/{}", rel_path(content, p))
}

/// Reads and parses every Markdown file, in parallel, keeping the input order.
pub fn parse_all(content: &Path, files: &[String]) -> Vec<Result<Parsed, Diagnostic>> {
    files
        .par_iter()
        .map(|rel| parse_file(content, rel))
        .collect()
}

/// Reads and parses one Markdown file (`rel` is relative to `content/`).
pub fn parse_file(content: &Path, rel: &str) -> Result<Parsed, Diagnostic> {
    let shown = format!("content/{rel}");
    let bytes = std::fs::read(content.join(rel))
        .map_err(|e| Diagnostic::error(&shown, format!("cannot read the file: {e}")))?;
    let text = decode(&shown, bytes)?;
    parse_text(&shown, rel, text)
}

/// Checks that a file is UTF-8, pointing at the first bad byte if not.
fn decode(shown: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        // The lossy text equals the file up to `valid`, then shows U+FFFD (3 bytes) for the bad byte.
        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
        Diagnostic::error(shown, format!("this character is not UTF-8 (byte {valid} of the file): the file was saved in another encoding"))
            .at(&lossy, valid..valid + 3)
            .help("save the file with UTF-8 encoding (in most editors: Save As, then choose UTF-8)")
    })
}

/// Parses one file's text. Pure: tests call it with strings.
pub fn parse_text(shown: &str, rel: &str, text: String) -> Result<Parsed, Diagnostic> {
    let sp = split(shown, &text)?;
    let (front_offset, body_offset) = (sp.front_offset, sp.body_offset);
    let raw: RawFrontMatter =
        toml::from_str(sp.front).map_err(|e| toml_error(shown, &text, &e, front_offset))?;
    Ok(Parsed {
        rel: rel.to_string(),
        text: text.into(),
        body_offset,
        front_offset,
        raw,
    })
}
