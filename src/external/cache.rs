//! The result cache of `freda check --external`:
//! `<site root>/.freda-cache/external-links.json`.
//!
//! Only links that answered well are kept, with the time they were checked:
//! `{"version":1,"ok":{"https://…":1764451200}}` (seconds since 1970). A URL
//! checked within `cache_hours` is not requested again. Failures are never
//! cached, so a fixed or recovered link shows as good on the next run. The
//! file is written to a temporary file and renamed into place, and a file
//! that cannot be read is ignored with a warning.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;

/// The cache folder under the site root.
pub const DIR: &str = ".freda-cache";
/// The cache file in [`DIR`].
pub const FILE: &str = "external-links.json";
const VERSION: u32 = 1;

/// URLs that answered well, with when.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cache {
    version: u32,
    /// Seconds since 1970 at which each URL last answered well.
    ok: BTreeMap<String, u64>,
}

/// Seconds since 1970 (0 for a clock before 1970).
pub fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Where the cache of the site at `root` lives.
pub fn path(root: &Path) -> PathBuf {
    root.join(DIR).join(FILE)
}

/// How the cache file is named in diagnostics.
fn shown() -> String {
    format!("{DIR}/{FILE}")
}

impl Cache {
    /// An empty cache.
    pub fn new() -> Cache {
        Cache {
            version: VERSION,
            ok: BTreeMap::new(),
        }
    }

    /// Reads the cache of the site at `root`. A missing file is an empty
    /// cache; an unreadable or corrupt one is an empty cache and a warning.
    pub fn load(root: &Path) -> (Cache, Option<Diagnostic>) {
        let text = match std::fs::read_to_string(path(root)) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Cache::new(), None),
            Err(e) => return (Cache::new(), Some(ignored(&e.to_string()))),
        };
        match serde_json::from_str::<Cache>(&text) {
            Ok(c) if c.version == VERSION => (c, None),
            Ok(c) => (
                Cache::new(),
                Some(ignored(&format!("unknown version {}", c.version))),
            ),
            Err(e) => (Cache::new(), Some(ignored(&e.to_string()))),
        }
    }

    /// True when `url` answered well less than `ttl_secs` before `now`.
    pub fn is_fresh(&self, url: &str, now: u64, ttl_secs: u64) -> bool {
        self.ok
            .get(url)
            .is_some_and(|&at| at <= now && now - at < ttl_secs)
    }

    /// Records that `url` answered well at `now`.
    pub fn record_ok(&mut self, url: &str, now: u64) {
        self.ok.insert(url.to_string(), now);
    }

    /// Forgets a URL (it failed, or was never good).
    pub fn forget(&mut self, url: &str) {
        self.ok.remove(url);
    }

    /// Drops every entry that is no longer fresh at `now`.
    pub fn prune(&mut self, now: u64, ttl_secs: u64) {
        self.ok
            .retain(|_, &mut at| at <= now && now - at < ttl_secs);
    }

    /// Writes the cache atomically: a temporary file in the same folder,
    /// then a rename over the old file.
    pub fn save(&self, root: &Path) -> Result<(), Diagnostic> {
        let target = path(root);
        let dir = root.join(DIR);
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            let temp = dir.join(format!("{FILE}.{}.tmp", std::process::id()));
            let json = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
            let mut f = std::fs::File::create(&temp)?;
            f.write_all(json.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&temp, &target).inspect_err(|_| {
                let _ = std::fs::remove_file(&temp);
            })
        };
        write().map_err(|e| {
            Diagnostic::warning(shown(), format!("could not write the link cache: {e}"))
                .help("the next `freda check --external` will request every link again; check that the folder can be written")
        })
    }
}

fn ignored(why: &str) -> Diagnostic {
    Diagnostic::warning(
        shown(),
        format!("the link cache could not be read and was ignored: {why}"),
    )
    .help(
        "it is rewritten after this check; delete the .freda-cache folder if this keeps happening",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 24 * 3600;

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Cache::new();
        c.record_ok("https://a.example/x", 1_000);
        c.save(dir.path()).unwrap();
        let (loaded, warning) = Cache::load(dir.path());
        assert_eq!(warning, None);
        assert_eq!(loaded, c);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join(DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(leftovers, [FILE], "no temporary file is left behind");
    }

    #[test]
    fn a_missing_cache_is_empty_without_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Cache::load(dir.path()), (Cache::new(), None));
    }

    #[test]
    fn a_corrupt_cache_is_ignored_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        for junk in [
            "{not json",
            "[1,2]",
            "{\"version\":7,\"ok\":{}}",
            "\u{0}\u{1}",
        ] {
            std::fs::write(path(dir.path()), junk).unwrap();
            let (c, warning) = Cache::load(dir.path());
            assert_eq!(c, Cache::new(), "{junk}");
            let w = warning.expect("a warning");
            assert_eq!(w.path, ".freda-cache/external-links.json");
            assert!(
                w.message
                    .starts_with("the link cache could not be read and was ignored: "),
                "{}",
                w.message
            );
        }
    }

    #[test]
    fn entries_expire_after_the_ttl() {
        let mut c = Cache::new();
        c.record_ok("https://a.example/", 10 * DAY);
        assert!(c.is_fresh("https://a.example/", 10 * DAY, DAY));
        assert!(c.is_fresh("https://a.example/", 11 * DAY - 1, DAY));
        assert!(!c.is_fresh("https://a.example/", 11 * DAY, DAY));
        assert!(
            !c.is_fresh("https://a.example/", 10 * DAY - 1, DAY),
            "a future time is not fresh"
        );
        assert!(
            !c.is_fresh("https://a.example/", 10 * DAY, 0),
            "a TTL of 0 turns the cache off"
        );
        assert!(!c.is_fresh("https://b.example/", 10 * DAY, DAY));
    }

    #[test]
    fn prune_drops_stale_entries_and_forget_drops_one() {
        let mut c = Cache::new();
        c.record_ok("https://old.example/", 0);
        c.record_ok("https://new.example/", 5 * DAY);
        c.record_ok("https://gone.example/", 5 * DAY);
        c.prune(5 * DAY + 1, DAY);
        c.forget("https://gone.example/");
        assert_eq!(c.ok.keys().collect::<Vec<_>>(), ["https://new.example/"]);
    }

    #[test]
    fn save_replaces_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        std::fs::write(path(dir.path()), "{corrupt").unwrap();
        let mut c = Cache::new();
        c.record_ok("https://a.example/", 1);
        c.save(dir.path()).unwrap();
        assert_eq!(Cache::load(dir.path()), (c, None));
    }
}
