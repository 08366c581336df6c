//! Watching the site's sources: `site.toml` and the folders `content/`,
//! `templates/`, `static/`, `i18n/` and `themes/`.
//!
//! notify reports raw file events; the debouncer holds them until a path has
//! been quiet for [`DEBOUNCE`], stitches a rename's two halves together and
//! hands over everything ready as one batch. [`Watcher::next`] then waits a
//! little longer for stragglers, merges the batches, drops events that
//! change nothing (a file opened or read, as the build itself does), drops
//! editors' temporary files (vim's `.x.md.swp` and `4913`,
//! `x.md~` backups, emacs's `.#x.md` locks, atomic-save temp files) and
//! returns one [`Changes`]: one rebuild per burst of saves. Events that
//! arrive during a rebuild wait in the channel, so they cause the next one.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Context, Result};
use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache,
};

/// Folders under the site root whose changes are rebuilt (recursively).
pub const WATCHED_DIRS: [&str; 5] = ["content", "templates", "static", "i18n", "themes"];
/// How long a path must be quiet before its change is handed over.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// How long to wait for another batch before rebuilding: a save that
/// touches several files can straddle two debouncer ticks.
const SETTLE: Duration = Duration::from_millis(50);

/// The files that changed in one burst, relative to the site root, with `/`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Changed paths (files, or folders that appeared or went).
    pub paths: BTreeSet<String>,
    /// Events were lost (the system's queue overflowed): anything may have changed.
    pub rescan: bool,
}

impl Changes {
    /// True when every change is a stylesheet of the site or a theme, so
    /// open pages can swap stylesheets instead of reloading.
    pub fn css_only(&self) -> bool {
        !self.rescan && !self.paths.is_empty() && self.paths.iter().all(|p| is_stylesheet(p))
    }

    /// True when nothing relevant changed.
    pub fn is_empty(&self) -> bool {
        !self.rescan && self.paths.is_empty()
    }
}

/// Whether an event can mean new contents: not a file being opened or read
/// (closing a file written to counts).
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// `static/**.css` or `themes/<name>/static/**.css`.
fn is_stylesheet(rel: &str) -> bool {
    let in_static = rel.starts_with("static/")
        || rel
            .strip_prefix("themes/")
            .and_then(|r| r.split_once('/'))
            .is_some_and(|(_, r)| r.starts_with("static/"));
    in_static
        && Path::new(rel)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("css"))
}

/// True for the temporary and backup files editors write next to the real one.
pub fn is_editor_temp(name: &str) -> bool {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#') && name.len() > 1)
        || name.starts_with(".~lock.")
        || name.starts_with(".goutputstream-")
        || (name.starts_with('.') && name.contains(".tmp"))
        || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || matches!(
            ext,
            "swp" | "swo" | "swn" | "swx" | "tmp" | "temp" | "kate-swp" | "crswap"
        )
        || matches!(name, ".DS_Store" | "Thumbs.db")
}

/// Whether a change to `rel` (relative to the root, `/` separators) can
/// change the site.
pub fn is_relevant(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if is_editor_temp(name) {
        return false;
    }
    let top = rel.split('/').next().unwrap_or(rel);
    rel == "site.toml" || WATCHED_DIRS.contains(&top)
}

/// A path under `root` as `a/b/c`, or `None` when it is outside.
fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    parts.filter(|p| !p.is_empty()).map(|p| p.join("/"))
}

/// Watches one site for changes to its sources.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
}

impl Watcher {
    /// Starts watching the site at `root`.
    pub fn start(root: &Path) -> Result<Watcher> {
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot read the site folder {}", root.display()))?;
        let (tx, events) = std::sync::mpsc::channel();
        let debouncer =
            new_debouncer(DEBOUNCE, None, tx).context("cannot watch the site for changes")?;
        let mut watcher = Watcher {
            root,
            debouncer,
            events,
        };
        // The root itself, not recursively: site.toml, and watched folders that appear later.
        let root = watcher.root.clone();
        watcher
            .debouncer
            .watch(&root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", root.display()))?;
        for dir in WATCHED_DIRS {
            watcher.watch_dir(dir)?;
        }
        Ok(watcher)
    }

    /// Watches a folder of the root recursively, if it exists.
    fn watch_dir(&mut self, dir: &str) -> Result<()> {
        let path = self.root.join(dir);
        if path.is_dir() {
            self.debouncer
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", path.display()))?;
        }
        Ok(())
    }

    /// Waits for the next burst of relevant changes; `None` once watching stopped.
    pub fn next(&mut self) -> Option<Changes> {
        loop {
            let mut batches = vec![self.events.recv().ok()?];
            loop {
                match self.events.recv_timeout(SETTLE) {
                    Ok(more) => batches.push(more),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
            let changes = self.collect(batches);
            if !changes.is_empty() {
                return Some(changes);
            }
        }
    }

    /// The relevant paths of some batches; re-watches watched folders that
    /// were (re)created.
    fn collect(&mut self, batches: Vec<DebounceEventResult>) -> Changes {
        let mut changes = Changes::default();
        for batch in batches {
            match batch {
                Ok(events) => events.iter().for_each(|e| self.add(e, &mut changes)),
                Err(errors) => {
                    for e in errors {
                        eprintln!("warning: watching for changes: {e}");
                    }
                }
            }
        }
        changes
    }

    /// Adds the relevant paths of one event.
    fn add(&mut self, event: &DebouncedEvent, changes: &mut Changes) {
        if event.need_rescan() {
            changes.rescan = true;
        }
        if !is_change(&event.kind) {
            return;
        }
        for path in &event.paths {
            let Some(rel) = relative(&self.root, path) else {
                continue;
            };
            if WATCHED_DIRS.contains(&rel.as_str()) {
                if let Err(e) = self.watch_dir(&rel) {
                    eprintln!("warning: {e:#}");
                }
            }
            if is_relevant(&rel) {
                changes.paths.insert(rel);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_recognised() {
        for name in [
            ".page.md.swp",
            ".page.md.swx",
            ".page.md.swo",
            "4913",
            "5036",
            "page.md~",
            ".#page.md",
            "#page.md#",
            "page.md.tmp",
            ".page.md.tmp.1234",
            ".tmpA1b2C3",
            "page.md___jb_tmp___",
            ".goutputstream-XYZ123",
            ".~lock.poster.odt#",
            "page.md.kate-swp",
            ".DS_Store",
        ] {
            assert!(is_editor_temp(name), "{name}");
        }
        for name in [
            "page.md",
            "_index.md",
            "style.css",
            "logo.svg",
            "2024.md",
            ".htaccess",
            "report.pdf",
            "#tag",
        ] {
            assert!(!is_editor_temp(name), "{name}");
        }
    }

    #[test]
    fn only_sources_of_the_site_are_relevant() {
        for rel in [
            "site.toml",
            "content/a.md",
            "content/guides/g/_index.md",
            "templates/page.html",
            "static/style.css",
            "i18n/cy.toml",
            "themes/default/static/style.css",
            "static",
        ] {
            assert!(is_relevant(rel), "{rel}");
        }
        for rel in [
            "public/index.html",
            "README.md",
            ".freda-cache/x.json",
            "content/.a.md.swp",
            "content/4913",
            "content/a.md~",
            "site.toml~",
            "target/debug/freda",
        ] {
            assert!(!is_relevant(rel), "{rel}");
        }
    }

    #[test]
    fn stylesheets_alone_can_be_swapped() {
        let changes = |paths: &[&str]| Changes {
            paths: paths.iter().map(|p| p.to_string()).collect(),
            rescan: false,
        };
        assert!(changes(&["static/style.css"]).css_only());
        assert!(changes(&[
            "static/css/print.CSS",
            "themes/default/static/highlight.css"
        ])
        .css_only());
        assert!(!changes(&["static/style.css", "content/a.md"]).css_only());
        assert!(!changes(&["templates/style.css"]).css_only());
        assert!(!changes(&["content/style.css"]).css_only());
        assert!(!changes(&["themes/style.css"]).css_only());
        assert!(!changes(&[]).css_only());
        let lost = Changes {
            rescan: true,
            ..changes(&["static/style.css"])
        };
        assert!(!lost.css_only());
    }

    #[test]
    fn opening_and_reading_files_is_no_change() {
        use notify_debouncer_full::notify::event::{CreateKind, DataChange, ModifyKind};
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
    }

    #[test]
    fn paths_are_made_relative_to_the_root() {
        let root = Path::new("/site");
        assert_eq!(
            relative(root, Path::new("/site/content/a.md")),
            Some("content/a.md".into())
        );
        assert_eq!(relative(root, Path::new("/site")), None);
        assert_eq!(relative(root, Path::new("/elsewhere/a.md")), None);
    }
}
