//! Watching the site's sources: `site.toml`, CSV files beside it (`[redirects] csv`) and the folders `content/`,
//! `templates/`, `static/`, `i18n/` and `themes/`.
//!
//! notify reports raw file events into a channel. [`Watcher::next`] takes
//! them as one burst until the channel has been quiet for [`QUIET`] (or for
//! at most [`MAX_BURST`]), drops events that change nothing (a file opened
//! or read, as the build itself does), drops editors' temporary files
//! (vim's `.x.md.swp` and `4913`, `x.md~` backups, emacs's `.#x.md` locks,
//! atomic-save temp files) and returns one [`Changes`]: one rebuild per
//! burst of saves. Events that arrive during a rebuild wait in the channel,
//! so they cause the next one. Each event costs a set insertion, so a
//! `git checkout` of thousands of files is taken in as fast as it comes
//! (notify-debouncer-full, used before, held one lock per event and redid
//! work that grew with the number of pending paths, and stalled for tens of
//! seconds on such a checkout).
//!
//! When the system loses events (its queue overflowed), the next rebuild is
//! a full one and every watched folder is watched again, so folders made
//! meanwhile are watched too. When the system cannot watch (on Linux, the
//! `fs.inotify.max_user_watches` limit is reached), or when `--poll` is
//! given, it looks for changes every second instead ([`super::poll`]),
//! after a warning.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher as _};

use super::poll::Poller;

/// Folders under the site root whose changes are rebuilt (recursively).
pub const WATCHED_DIRS: [&str; 5] = ["content", "templates", "static", "i18n", "themes"];
/// How long the events must pause before a burst is handed over.
const QUIET: Duration = Duration::from_millis(150);
/// The longest a burst is gathered, however busy the files stay.
const MAX_BURST: Duration = Duration::from_secs(2);
/// What `freda serve` says when it falls back to polling because of the limit.
const LIMIT_WARNING: &str = "warning: the system's limit on watched folders is reached \
    (on Linux: sysctl fs.inotify.max_user_watches); looking for changes every second instead";

/// What the watcher hears from notify or the poller.
pub type Heard = notify::Result<Event>;

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
    // A CSV file beside site.toml may be its `[redirects] csv`.
    let csv = !rel.contains('/') && rel.to_ascii_lowercase().ends_with(".csv");
    rel == "site.toml" || csv || WATCHED_DIRS.contains(&top)
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

/// How changes are noticed: the system's notifications, or polling.
enum Backend {
    /// inotify, FSEvents or ReadDirectoryChangesW, through notify.
    Native(RecommendedWatcher),
    /// Every file's modification time and size, every second (kept for
    /// its thread, which stops when it is dropped).
    Poll { _poller: Poller },
}

impl Backend {
    /// The system's notifications, sent to `tx`.
    fn native(tx: Sender<Heard>) -> notify::Result<Backend> {
        RecommendedWatcher::new(tx, notify::Config::default()).map(Backend::Native)
    }

    /// Polling the site at `root`, sending events to `tx`.
    fn poll(tx: Sender<Heard>, root: &Path) -> notify::Result<Backend> {
        Poller::start(root.to_path_buf(), tx)
            .map(|poller| Backend::Poll { _poller: poller })
            .map_err(notify::Error::io)
    }

    /// Watches `path` (polling looks at every source anyway).
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Backend::Native(w) => w.watch(path, mode),
            Backend::Poll { .. } => Ok(()),
        }
    }
}

/// One burst of events, as [`Watcher::next`] gathers it.
#[derive(Default)]
struct Burst {
    /// The relevant changes so far.
    changes: Changes,
    /// A folder could not be watched for the system's limit.
    limit: bool,
}

/// Whether `e` says the system's limit on watches is reached.
fn is_watch_limit(e: &notify::Error) -> bool {
    matches!(e.kind, notify::ErrorKind::MaxFilesWatch)
}

/// Watches one site for changes to its sources.
pub struct Watcher {
    root: PathBuf,
    backend: Backend,
    /// Where the backends send their events; kept to start a polling one.
    tx: Sender<Heard>,
    events: Receiver<Heard>,
}

impl Watcher {
    /// Starts watching the site at `root`: with the system's notifications
    /// unless `poll` is set or they fail, else by polling.
    pub fn start(root: &Path, poll: bool) -> Result<Watcher> {
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot read the site folder {}", root.display()))?;
        let (tx, events) = std::sync::mpsc::channel();
        if !poll {
            match Backend::native(tx.clone()).and_then(|b| watch_all(b, &root)) {
                Ok(backend) => return Ok(Watcher::new(root, backend, tx, events)),
                Err(e) if is_watch_limit(&e) => eprintln!("{LIMIT_WARNING}"),
                Err(e) => eprintln!(
                    "warning: cannot watch the site for changes ({e}); looking for changes every second instead"
                ),
            }
        }
        let backend =
            Backend::poll(tx.clone(), &root).context("cannot watch the site for changes")?;
        Ok(Watcher::new(root, backend, tx, events))
    }

    /// A watcher of `root` hearing `backend` through `events`.
    fn new(root: PathBuf, backend: Backend, tx: Sender<Heard>, events: Receiver<Heard>) -> Watcher {
        Watcher {
            root,
            backend,
            tx,
            events,
        }
    }

    /// Watches a folder of the root recursively, if it exists.
    fn watch_dir(&mut self, dir: &str) -> notify::Result<()> {
        watch_dir(&mut self.backend, &self.root, dir)
    }

    /// Polls from now on, after the system refused to watch more folders.
    fn fall_back_to_polling(&mut self) {
        eprintln!("{LIMIT_WARNING}");
        match Backend::poll(self.tx.clone(), &self.root) {
            Ok(backend) => self.backend = backend,
            Err(e) => eprintln!("warning: cannot look for changes by polling either: {e}"),
        }
    }

    /// Watches every watched folder again, after events were lost: adds
    /// watches to folders made meanwhile.
    fn rewatch(&mut self) {
        for dir in WATCHED_DIRS {
            if let Err(e) = self.watch_dir(dir) {
                if is_watch_limit(&e) {
                    return self.fall_back_to_polling();
                }
                eprintln!("warning: {e}");
            }
        }
    }

    /// Waits for the next burst of relevant changes; `None` once watching stopped.
    pub fn next(&mut self) -> Option<Changes> {
        loop {
            let mut burst = Burst::default();
            self.hear(self.events.recv().ok()?, &mut burst);
            let deadline = Instant::now() + MAX_BURST;
            loop {
                let wait = QUIET.min(deadline.saturating_duration_since(Instant::now()));
                match self.events.recv_timeout(wait) {
                    Ok(heard) => self.hear(heard, &mut burst),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
            let changes = self.settle(burst);
            if !changes.is_empty() {
                return Some(changes);
            }
        }
    }

    /// Takes in one event or error.
    fn hear(&mut self, heard: Heard, burst: &mut Burst) {
        match heard {
            Ok(event) => self.add(&event, burst),
            Err(e) if is_watch_limit(&e) => burst.limit = true,
            Err(e) => eprintln!("warning: watching for changes: {e}"),
        }
    }

    /// The changes of a burst, after polling from now on when the system
    /// refused to watch more folders, or watching every folder again when
    /// events were lost.
    fn settle(&mut self, mut burst: Burst) -> Changes {
        if burst.limit && matches!(self.backend, Backend::Native(_)) {
            // Folders past the limit are not watched: their changes were missed.
            burst.changes.rescan = true;
            self.fall_back_to_polling();
        } else if burst.changes.rescan {
            self.rewatch();
        }
        burst.changes
    }

    /// Adds the relevant paths of one event; re-watches watched folders
    /// that were (re)created.
    fn add(&mut self, event: &Event, burst: &mut Burst) {
        if event.need_rescan() {
            burst.changes.rescan = true;
        }
        if !is_change(&event.kind) {
            return;
        }
        for path in &event.paths {
            let Some(rel) = relative(&self.root, path) else {
                continue;
            };
            if WATCHED_DIRS.contains(&rel.as_str()) {
                match self.watch_dir(&rel) {
                    Err(e) if is_watch_limit(&e) => burst.limit = true,
                    Err(e) => eprintln!("warning: {e}"),
                    Ok(()) => {}
                }
            }
            if is_relevant(&rel) {
                burst.changes.paths.insert(rel);
            }
        }
    }
}

/// Watches the root (not recursively: `site.toml`, and watched folders
/// that appear later) and every watched folder in it.
fn watch_all(mut backend: Backend, root: &Path) -> notify::Result<Backend> {
    backend.watch(root, RecursiveMode::NonRecursive)?;
    for dir in WATCHED_DIRS {
        watch_dir(&mut backend, root, dir)?;
    }
    Ok(backend)
}

/// Watches the folder `dir` of `root` recursively, if it exists.
fn watch_dir(backend: &mut Backend, root: &Path, dir: &str) -> notify::Result<()> {
    let path = root.join(dir);
    if path.is_dir() {
        backend.watch(&path, RecursiveMode::Recursive)?;
    }
    Ok(())
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
            "redirects.csv",
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
            "public/redirects.csv",
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
        use notify::event::{CreateKind, DataChange, ModifyKind};
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
