//! The site as `freda serve` holds it: built into memory, rebuilt on change.
//!
//! [`Rebuilder`] rebuilds incrementally ([`crate::incremental`]: only what
//! the changed files touch) and hands back a [`Snapshot`]. [`Preview`]
//! keeps the last good snapshot and decides what open pages are told after
//! each rebuild (see [`Outcome`]).

use std::path::Path;
use std::sync::Arc;

use super::watch::Changes;
use crate::build::{BuildError, BuildOptions};
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::incremental::{Files, Incremental};

/// One build of the site, in memory.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Every output file by its path relative to the output folder.
    pub files: Files,
    /// The base path from `base_url`, e.g. `/library/`.
    pub base_path: String,
    /// The site's title.
    pub title: String,
    /// HTML pages.
    pub pages: usize,
    /// Names this build in pages and events, so a page can tell it is stale.
    pub build_id: String,
    /// The build's warnings and notes.
    pub diagnostics: Diagnostics,
    /// What the build did.
    pub stats: Stats,
}

/// What one rebuild did, for the terminal and the benchmark.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Markdown files read.
    pub parsed: usize,
    /// Pages rendered (the rest were kept from the previous build).
    pub rendered: usize,
}

impl Snapshot {
    /// True until the site has built once.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Builds the site into memory, never touching the output folder.
pub struct Rebuilder {
    opts: BuildOptions,
    builder: Incremental,
    /// Tells this server's builds from an earlier server's.
    instance: String,
    /// Builds made so far.
    generation: u64,
}

impl Rebuilder {
    /// A rebuilder for the site at `root`.
    pub fn new(root: &Path, drafts: bool) -> Rebuilder {
        let opts = BuildOptions {
            root: root.to_path_buf(),
            drafts,
            in_memory: true,
            ..BuildOptions::default()
        };
        Rebuilder {
            builder: Incremental::new(opts.clone()),
            opts,
            instance: instance_id(),
            generation: 0,
        }
    }

    /// Rebuilds after `changes` (everything, the first time).
    pub fn build(&mut self, changes: &Changes) -> Result<Snapshot, BuildError> {
        let out = self.builder.build(&changes.paths, changes.rescan)?;
        self.generation += 1;
        let config = self.builder.config();
        let snapshot = Snapshot {
            pages: out.files.keys().filter(|p| p.ends_with(".html")).count(),
            files: out.files,
            base_path: config.map_or_else(|| "/".into(), Config::base_path),
            title: config.map(|c| c.title.clone()).unwrap_or_default(),
            build_id: format!("{}-{}", self.instance, self.generation),
            diagnostics: out.diagnostics,
            stats: Stats {
                parsed: out.parsed,
                rendered: out.rendered,
            },
        };
        Ok(snapshot)
    }

    /// What to serve before the first good build: nothing, under the base
    /// path of `site.toml` if it can be read.
    pub fn empty(&self) -> Snapshot {
        let config = Config::load(&self.opts.root).ok();
        Snapshot {
            base_path: config.as_ref().map_or("/".into(), Config::base_path),
            title: config.map_or_else(|| folder_name(&self.opts.root), |c| c.title),
            build_id: format!("{}-0", self.instance),
            ..Snapshot::default()
        }
    }
}

fn folder_name(root: &Path) -> String {
    root.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "the site".into())
}

/// A token that differs between runs of the server.
fn instance_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}", nanos ^ u128::from(std::process::id()))
}

/// What a rebuild means for the open pages.
pub enum Outcome {
    /// Pages changed: reload them.
    Reload(Arc<Snapshot>),
    /// Only stylesheets changed: swap them.
    Css(Arc<Snapshot>),
    /// The output is the same as before (e.g. a file saved unchanged).
    Unchanged(Arc<Snapshot>),
    /// The rebuild failed; the last good snapshot stays.
    Failed(BuildError),
}

/// The last good build and whether the latest rebuild failed.
pub struct Preview {
    rebuilder: Rebuilder,
    current: Arc<Snapshot>,
    failed: bool,
}

impl Preview {
    /// A preview with nothing built yet.
    pub fn new(rebuilder: Rebuilder) -> Preview {
        let current = Arc::new(rebuilder.empty());
        Preview {
            rebuilder,
            current,
            failed: true,
        }
    }

    /// The last good build (empty before the first).
    pub fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current)
    }

    /// Rebuilds after `changes` and says what open pages should do.
    pub fn rebuild(&mut self, changes: &Changes) -> Outcome {
        let snapshot = match self.rebuilder.build(changes) {
            Ok(s) => s,
            Err(e) => {
                self.failed = true;
                return Outcome::Failed(e);
            }
        };
        let recovered = std::mem::replace(&mut self.failed, false);
        let same =
            snapshot.files == self.current.files && snapshot.base_path == self.current.base_path;
        if same && !recovered {
            return Outcome::Unchanged(self.current());
        }
        self.current = Arc::new(snapshot);
        if changes.css_only() && !recovered {
            Outcome::Css(self.current())
        } else {
            Outcome::Reload(self.current())
        }
    }
}

/// The text of a failed build for the browser: `freda build`'s, uncoloured.
pub fn error_text(e: &BuildError) -> String {
    match e {
        BuildError::Site(ds) => ds.render(),
        BuildError::Other(e) => format!("error: {e:#}\n"),
    }
}
