//! Walking `content/` and parsing each Markdown file in parallel.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::frontmatter::{split, RawFrontMatter};
use super::Asset;
use crate::config::{toml_error, BuildConfig, FileSize};
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
    /// Where the file sits for its URL and section when that differs from
    /// `rel`: `about.cy.md` is placed as `about.md` in the Welsh site.
    pub place: Option<String>,
    /// A main-language file standing in, in another language's site, for
    /// a translation that does not exist (see [`crate::languages`]).
    pub fallback: bool,
}

impl Parsed {
    /// The path that decides the file's URL and section (see `place`).
    pub fn place(&self) -> &str {
        self.place.as_deref().unwrap_or(&self.rel)
    }
}

/// How files are read from the site folder: which symbolic links are
/// followed, and how large a Markdown file may be.
#[derive(Debug, Clone)]
pub struct ReadPolicy {
    /// The site folder, resolved: links that lead out of it are refused
    /// unless `follow_symlinks`.
    root: PathBuf,
    follow_symlinks: bool,
    max_file_size: u64,
}

impl ReadPolicy {
    /// The policy of the site in `root`, from its `[build]` table.
    pub fn new(root: &Path, build: &BuildConfig) -> ReadPolicy {
        ReadPolicy {
            root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
            follow_symlinks: build.follow_symlinks,
            max_file_size: build.max_file_size.0,
        }
    }
}

/// One file found by [`files`].
#[derive(Debug, Clone)]
pub struct Found {
    /// Path relative to the folder walked, with `/` separators.
    pub rel: String,
    /// Where to read it.
    pub path: PathBuf,
}

/// Lists the files under `dir` (shown as `shown/…` in messages), sorted by
/// name. Links are followed when [`ReadPolicy`] allows; a link out of the
/// site, a broken link or a link loop is skipped with a warning, so no file
/// outside the site is read by accident. With `skip_hidden`, names starting
/// with `.` are left out with everything under them.
pub fn files(
    dir: &Path,
    shown: &str,
    policy: &ReadPolicy,
    skip_hidden: bool,
    ds: &mut Diagnostics,
) -> Vec<Found> {
    let mut found = Vec::new();
    let refused = std::cell::RefCell::new(Vec::new());
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let hidden =
                skip_hidden && e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            let refused = || refuse_link(e.path(), dir, shown, policy, &mut refused.borrow_mut());
            let skip = hidden || (e.path_is_symlink() && refused());
            !skip
        });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => found.push(Found {
                rel: rel_path(dir, e.path()),
                path: e.into_path(),
            }),
            Ok(_) => {}
            Err(e) => {
                let mut refused = refused.borrow_mut();
                match e
                    .path()
                    .filter(|p| p.is_symlink() && e.loop_ancestor().is_none())
                {
                    // A link to nothing: walkdir stops at it before `filter_entry`.
                    Some(link) => _ = refuse_link(link, dir, shown, policy, &mut refused),
                    None => refused.push(walk_error(&e, dir, shown)),
                }
            }
        }
    }
    ds.extend(refused.into_inner());
    found
}

/// Whether a symbolic link must not be followed; if so, says why in `out`.
fn refuse_link(
    link: &Path,
    dir: &Path,
    shown: &str,
    policy: &ReadPolicy,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let at = format!("{shown}/{}", rel_path(dir, link));
    let written = std::fs::read_link(link)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    let problem = match std::fs::canonicalize(link) {
        Err(_) => Diagnostic::warning(at, format!("symbolic link to {written}, which does not exist, skipped"))
            .help("remove the link, or point it at a file in the site"),
        Ok(target) if !policy.follow_symlinks && !target.starts_with(&policy.root) => {
            Diagnostic::warning(at, format!("symbolic link to {written}, outside the site folder, skipped"))
                .help("copy the files into the site, or set follow_symlinks = true under [build] in site.toml if you trust where the link leads")
        }
        Ok(_) => return false,
    };
    out.push(problem);
    true
}

/// A problem met while walking: a link loop, or a folder that cannot be read.
fn walk_error(e: &walkdir::Error, dir: &Path, shown: &str) -> Diagnostic {
    let at = e.path().map_or(shown.to_string(), |p| {
        format!("{shown}/{}", rel_path(dir, p))
    });
    match e.loop_ancestor() {
        Some(ancestor) => Diagnostic::warning(
            at,
            format!(
                "symbolic link loop: it leads back to {}, which contains it; skipped",
                display_under(dir, shown, ancestor)
            ),
        )
        .help("remove the link, or point it at a folder that does not contain it"),
        None => Diagnostic::error(at, format!("cannot read: {}", io_reason(e)))
            .help("check that the folder exists and that you may read it"),
    }
}

/// `shown/rel` for a path under `dir` (`shown` itself for `dir`).
fn display_under(dir: &Path, shown: &str, p: &Path) -> String {
    let resolved_dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let rel = p
        .strip_prefix(&resolved_dir)
        .or_else(|_| p.strip_prefix(dir))
        .map(|r| rel_path(Path::new(""), r));
    match rel {
        Ok(r) if r.is_empty() => format!("{shown}/"),
        Ok(r) => format!("{shown}/{r}/"),
        Err(_) => p.display().to_string(),
    }
}

/// Lists every file under `content/` in a stable order, as [`files`] does;
/// hidden files and folders (`.git`, `.obsidian`) are left out.
pub fn walk(content: &Path, policy: &ReadPolicy, ds: &mut Diagnostics) -> Walked {
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
    for f in files(content, "content", policy, true, ds) {
        if f.rel.ends_with(".md") {
            walked.markdown.push(f.rel);
        } else {
            walked.assets.push(Asset {
                output: f.rel,
                source: f.path,
            });
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

/// Reads and parses every Markdown file, in parallel, keeping the input order.
pub fn parse_all(
    content: &Path,
    files: &[String],
    policy: &ReadPolicy,
) -> Vec<Result<Parsed, Diagnostic>> {
    files
        .par_iter()
        .map(|rel| parse_file(content, rel, policy))
        .collect()
}

/// Reads and parses one Markdown file (`rel` is relative to `content/`).
pub fn parse_file(content: &Path, rel: &str, policy: &ReadPolicy) -> Result<Parsed, Diagnostic> {
    let shown = format!("content/{rel}");
    let bytes = read_limited(&content.join(rel), policy.max_file_size).map_err(|e| {
        let d = Diagnostic::error(&shown, format!("cannot read the file: {e}"));
        match e.kind() {
            std::io::ErrorKind::PermissionDenied => d.help("ask whoever manages the folder to let you read the file, e.g. `chmod a+r` on Linux"),
            std::io::ErrorKind::FileTooLarge => d.help("split it into smaller pages and move data or images into static/, or raise max_file_size under [build] in site.toml"),
            _ => d,
        }
    })?;
    let text = decode(&shown, bytes)?;
    parse_text(&shown, rel, text)
}

/// Reads a whole file unless it is larger than `limit` bytes.
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let too_large = |len: u64| {
        std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "it is {}, larger than max_file_size ({})",
                megabytes(len),
                FileSize(limit)
            ),
        )
    };
    if len > limit {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A size in megabytes with one decimal, e.g. "53.3 MB".
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Checks that a file is UTF-8 without NUL characters, pointing at the first
/// bad byte if not.
pub(crate) fn decode(shown: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        // The lossy text equals the file up to `valid`, then shows U+FFFD (3 bytes) for the bad byte.
        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
        Diagnostic::error(shown, format!("this character is not UTF-8 (byte {valid} of the file): the file was saved in another encoding"))
            .at(&lossy, valid..valid + 3)
            .help("save the file with UTF-8 encoding (in most editors: Save As, then choose UTF-8)")
    })?;
    match text.find('\0') {
        Some(at) => Err(Diagnostic::error(shown, format!("the file contains a NUL character (byte {at} of the file), shown as ␀: it was saved as UTF-16 or has binary data pasted in"))
            .at(&text, at..at + 1)
            .help("save the file with UTF-8 encoding, and delete the character (retype the text around it)")),
        None => Ok(text),
    }
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
        place: None,
        fallback: false,
    })
}
