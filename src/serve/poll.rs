//! Looking for changes by polling, for when the system's change
//! notifications cannot be had (see [`super::watch`]).
//!
//! A thread lists `site.toml` and every file and folder under the watched
//! folders every [`POLL_INTERVAL`], with each one's modification time (to
//! the nanosecond, where the filesystem keeps it) and size, and sends the
//! paths that appeared, went or changed as events, as notify does. notify's
//! own polling watcher is not used: it compares whole seconds, so a second
//! save within the same second went unnoticed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use notify::event::{CreateKind, DataChange, ModifyKind, RemoveKind};
use notify::{Event, EventKind};

use super::watch::{Heard, WATCHED_DIRS};

/// How often every file is looked at.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// What is compared between two looks at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    is_dir: bool,
}

/// Every path looked at, with its stamp.
type Listing = HashMap<PathBuf, Stamp>;

/// A polling thread; it stops when this is dropped.
pub struct Poller {
    stop: Arc<AtomicBool>,
}

impl Poller {
    /// Starts polling the site at `root` (canonical), sending events to `tx`.
    pub fn start(root: PathBuf, tx: Sender<Heard>) -> std::io::Result<Poller> {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let mut before = listing(&root);
        std::thread::Builder::new()
            .name("freda poll".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    std::thread::sleep(POLL_INTERVAL);
                    let now = listing(&root);
                    let events = differences(&before, &now);
                    before = now;
                    if events.into_iter().any(|e| tx.send(Ok(e)).is_err()) {
                        return;
                    }
                }
            })?;
        Ok(Poller { stop })
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// `site.toml` and everything under the watched folders of `root`.
fn listing(root: &Path) -> Listing {
    let tops = std::iter::once("site.toml").chain(WATCHED_DIRS);
    tops.flat_map(|top| walkdir::WalkDir::new(root.join(top)).follow_links(false))
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            let stamp = Stamp {
                modified: meta.modified().ok(),
                len: meta.len(),
                is_dir: meta.is_dir(),
            };
            Some((entry.into_path(), stamp))
        })
        .collect()
}

/// One event per path that appeared, went or changed between two listings.
fn differences(before: &Listing, now: &Listing) -> Vec<Event> {
    let event = |kind: EventKind, path: &Path| Event::new(kind).add_path(path.to_path_buf());
    let mut events: Vec<Event> = now
        .iter()
        .filter_map(|(path, stamp)| match before.get(path) {
            None => Some(event(EventKind::Create(CreateKind::Any), path)),
            Some(old) if old != stamp => Some(event(
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                path,
            )),
            Some(_) => None,
        })
        .collect();
    events.extend(
        before
            .keys()
            .filter(|path| !now.contains_key(*path))
            .map(|path| event(EventKind::Remove(RemoveKind::Any), path)),
    );
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(secs: u64, nanos: u32, len: u64) -> Stamp {
        Stamp {
            modified: Some(SystemTime::UNIX_EPOCH + Duration::new(secs, nanos)),
            len,
            is_dir: false,
        }
    }

    /// The paths of the events of one kind, sorted.
    fn paths(events: &[Event], kind: fn(&EventKind) -> bool) -> Vec<String> {
        let mut found: Vec<String> = events
            .iter()
            .filter(|e| kind(&e.kind))
            .map(|e| e.paths[0].display().to_string())
            .collect();
        found.sort();
        found
    }

    #[test]
    fn changes_within_one_second_are_seen() {
        let before: Listing = [
            ("/s/same".into(), stamp(10, 5, 3)),
            ("/s/nanos".into(), stamp(10, 5, 3)),
            ("/s/size".into(), stamp(10, 5, 3)),
            ("/s/gone".into(), stamp(10, 5, 3)),
        ]
        .into();
        let now: Listing = [
            ("/s/same".into(), stamp(10, 5, 3)),
            ("/s/nanos".into(), stamp(10, 6, 3)),
            ("/s/size".into(), stamp(10, 5, 4)),
            ("/s/new".into(), stamp(11, 0, 1)),
        ]
        .into();
        let events = differences(&before, &now);
        assert_eq!(events.len(), 4);
        assert_eq!(
            paths(&events, |k| matches!(k, EventKind::Modify(_))),
            ["/s/nanos", "/s/size"]
        );
        assert_eq!(paths(&events, EventKind::is_create), ["/s/new"]);
        assert_eq!(paths(&events, EventKind::is_remove), ["/s/gone"]);
    }

    #[test]
    fn lists_the_sources_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for folder in ["content/a", "static", "public", ".git"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        for file in [
            "site.toml",
            "content/a/p.md",
            "public/index.html",
            "README.md",
        ] {
            std::fs::write(root.join(file), "x").unwrap();
        }
        let mut found: Vec<String> = listing(root)
            .keys()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                "content",
                "content/a",
                "content/a/p.md",
                "site.toml",
                "static"
            ]
        );
    }
}
