//! `freda serve`: builds the site into memory, serves it over HTTP, watches
//! its sources and rebuilds on change, telling open pages to reload, swap
//! stylesheets or show the error.
//!
//! `preview` builds (into a snapshot; `public/` is never written),
//! `server` answers HTTP (`wire` reads and writes the messages, `http`
//! routes them), `live` holds the injected script and its event stream, and
//! `watch` turns file events into one set of changes per burst of saves
//! (`poll` looks for them where the system cannot tell). The loop here ties them:
//! wait for changes, rebuild, report on the terminal, tell the pages.

mod http;
mod live;
mod poll;
mod preview;
mod server;
mod watch;
mod wire;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use crate::build::BuildError;
use crate::diagnostics::{count_of, Palette};
use live::Event;
use preview::{Outcome, Preview, Rebuilder, Snapshot};
use server::Shared;
use watch::{Changes, Watcher};

/// Options for `freda serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder (with `site.toml`).
    pub root: PathBuf,
    /// The address to listen on; loopback unless the user asks otherwise.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Build draft pages too.
    pub drafts: bool,
    /// Look for changes by polling instead of the system's notifications.
    pub poll: bool,
}

/// Builds and serves the site, then rebuilds on every change until the
/// process is stopped (Ctrl+C). Errors only when it cannot start.
pub fn serve(opts: &ServeOptions) -> Result<()> {
    if !opts.root.join("site.toml").is_file() {
        bail!(
            "there is no site.toml in {}: run freda serve in a site folder, or point at one with --root",
            opts.root.display()
        );
    }
    let mut preview = Preview::new(Rebuilder::new(&opts.root, opts.drafts));
    // Watch before the first build, so that no edit made during it is lost.
    let watcher = Watcher::start(&opts.root, opts.poll);
    let error = first_build(&mut preview);
    let mut shared = Shared::new(preview.current(), error);
    shared.local_hosts_only = opts.bind.is_loopback();
    let shared = Arc::new(shared);
    let addr = server::start(SocketAddr::new(opts.bind, opts.port), &shared)?;
    greet(opts, &preview.current(), addr);
    match watcher {
        Ok(watcher) => rebuild_loop(watcher, &mut preview, &shared, addr),
        Err(e) => {
            eprintln!("warning: {e:#}; serving without rebuilds");
            loop {
                std::thread::park();
            }
        }
    }
    Ok(())
}

/// Says where the site is served, warns when other computers can reach it,
/// and opens the browser if asked.
fn greet(opts: &ServeOptions, site: &Snapshot, addr: SocketAddr) {
    announce(site, addr);
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: other computers on your network can open this preview",
            opts.bind
        );
    }
    if opts.open {
        open_browser(&site_url(addr, &site.base_path));
    }
}

/// The first build, reported like `freda build`; returns the error text for
/// the browser when it failed (the server starts anyway and waits for a fix).
fn first_build(preview: &mut Preview) -> Option<String> {
    let started = Instant::now();
    match preview.rebuild(&Changes::default()) {
        Outcome::Failed(e) => {
            print_failure(
                &e,
                "the site was not built",
                "fix it and save: freda rebuilds on every change",
            );
            Some(preview::error_text(&e))
        }
        Outcome::Reload(site) | Outcome::Css(site) | Outcome::Unchanged(site) => {
            anstream::eprint!("{}", site.diagnostics.render_with(&Palette::COLOUR));
            eprintln!(
                "Built {} pages in {} ms",
                site.pages,
                started.elapsed().as_millis()
            );
            None
        }
    }
}

/// The one line on standard output, which scripts read the address from.
fn announce(site: &Snapshot, addr: SocketAddr) {
    println!(
        "Serving {} at {} (Ctrl+C to stop)",
        site.title,
        site_url(addr, &site.base_path)
    );
}

/// The address of the site's home page.
fn site_url(addr: SocketAddr, base_path: &str) -> String {
    let host = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    format!("http://{host}:{}{base_path}", addr.port())
}

fn open_browser(url: &str) {
    if let Err(e) = opener::open_browser(url) {
        eprintln!("warning: could not open a browser ({e}); open {url} yourself");
    }
}

/// Waits for changes and rebuilds, forever (until watching stops).
fn rebuild_loop(mut watcher: Watcher, preview: &mut Preview, shared: &Shared, addr: SocketAddr) {
    while let Some(changes) = watcher.next() {
        eprintln!("Changed: {}", list(&changes));
        let started = Instant::now();
        let before = shared.site();
        let outcome = preview.rebuild(&changes);
        report(&outcome, &before, started.elapsed(), addr);
        publish(outcome, shared);
    }
    eprintln!("warning: stopped watching for changes");
}

/// The changed files, shortened past a few.
fn list(changes: &Changes) -> String {
    if changes.rescan {
        return "some changes were missed; rebuilding everything".to_string();
    }
    let shown: Vec<&str> = changes.paths.iter().take(3).map(String::as_str).collect();
    match changes.paths.len() - shown.len() {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// Prints what a rebuild did.
fn report(outcome: &Outcome, before: &Snapshot, took: Duration, addr: SocketAddr) {
    let site = match outcome {
        Outcome::Failed(e) => {
            return print_failure(
                e,
                "the site was not rebuilt",
                "still serving the last good version",
            );
        }
        Outcome::Reload(site) | Outcome::Css(site) | Outcome::Unchanged(site) => site,
    };
    if site.diagnostics.render() != before.diagnostics.render() {
        anstream::eprint!("{}", site.diagnostics.render_with(&Palette::COLOUR));
    }
    let same = if matches!(outcome, Outcome::Unchanged(_)) {
        ", no changes"
    } else {
        ""
    };
    eprintln!(
        "Rebuilt in {} ms ({} of {} pages rendered, {} files read{same})",
        took.as_millis(),
        site.stats.rendered,
        site.pages,
        site.stats.parsed
    );
    if site.base_path != before.base_path {
        announce(site, addr);
    }
}

/// Prints a failed build's errors as `freda build` does, then `error: <what>: N errors; <then>`.
fn print_failure(e: &BuildError, what: &str, then: &str) {
    match e {
        BuildError::Site(ds) => {
            anstream::eprint!("{}", ds.render_with(&Palette::COLOUR));
            eprintln!(
                "error: {what}: {}; {then}",
                count_of(ds.error_count(), "error")
            );
        }
        BuildError::Other(e) => eprintln!("error: {what}: {e:#}; {then}"),
    }
}

/// Serves the new build, if any, and tells the open pages.
fn publish(outcome: Outcome, shared: &Shared) {
    let event = match outcome {
        Outcome::Unchanged(_) => return,
        Outcome::Failed(e) => Event::Error(preview::error_text(&e)),
        Outcome::Reload(site) => {
            let id = site.build_id.clone();
            shared.replace(site);
            Event::Reload(id)
        }
        Outcome::Css(site) => {
            let id = site.build_id.clone();
            shared.replace(site);
            Event::Css(id)
        }
    };
    shared.hub.send(&event);
}
