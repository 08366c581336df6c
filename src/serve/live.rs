//! Live reload: the script tag added to HTML responses, and the hub that
//! pushes server-sent events to every open page.
//!
//! Pages are never changed on disk or in templates: [`inject`] adds
//! `<script src="<base>__freda/live.js" defer>` to each HTML response, so a
//! normal build carries no trace of it and the pages' strict CSP
//! (`default-src 'self'`) allows it. The script (`live.js`, with `live.css`
//! for its error overlay) listens at `<base>__freda/events` for:
//!
//! - `hello` (on connecting): the build the server has; a page from another
//!   build (the server restarted, or a rebuild happened while it loaded) reloads;
//! - `reload`: reload, keeping the scroll position;
//! - `css`: only stylesheets changed; swap them without reloading;
//! - `error`: the rebuild failed; show the text in an overlay.

use std::io::Write;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The live-reload client, served at `<base>__freda/live.js`.
pub const LIVE_JS: &str = include_str!("live.js");
/// The error overlay's styles, served at `<base>__freda/live.css`.
pub const LIVE_CSS: &str = include_str!("live.css");

/// What the open pages are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A new build: reload. Carries its build id.
    Reload(String),
    /// A new build in which only stylesheets changed. Carries its build id.
    Css(String),
    /// The rebuild failed: the diagnostics, as `freda build` prints them.
    Error(String),
}

/// Adds the live-reload script before the last `</body>` of a page (or at
/// its end when there is none). `build` names the build the page is from.
pub fn inject(html: &[u8], base_path: &str, build: &str) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{}{}live.js\" data-freda-build=\"{}\" defer></script>",
        attr_escape(base_path),
        super::http::RESERVED,
        attr_escape(build)
    );
    let at = rfind_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The last position of an ASCII `needle` in `hay`, ignoring ASCII case.
fn rfind_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// Escapes text for a double-quoted HTML attribute.
fn attr_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// One server-sent event: `event:` and one `data:` line per line of `data`.
pub fn format_event(name: &str, data: &str) -> String {
    let mut out = format!("event: {name}\n");
    for line in data.lines() {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    if data.is_empty() {
        out.push_str("data:\n");
    }
    out.push('\n');
    out
}

impl Event {
    /// The event as it goes on the wire.
    fn to_wire(&self) -> String {
        match self {
            Event::Reload(id) => format_event("reload", id),
            Event::Css(id) => format_event("css", id),
            Event::Error(text) => format_event("error", text),
        }
    }
}

/// Every open event stream, and what a newly connected page must be told.
pub struct Hub {
    state: Mutex<HubState>,
}

struct HubState {
    /// Open streams (the response head already written).
    clients: Vec<Box<dyn Write + Send>>,
    /// The build being served.
    build: String,
    /// The last rebuild's error, while it lasts.
    error: Option<String>,
}

impl Hub {
    /// A hub serving build `build`, failed with `error` if it did not build.
    pub fn new(build: String, error: Option<String>) -> Hub {
        Hub {
            state: Mutex::new(HubState {
                clients: Vec::new(),
                build,
                error,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HubState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The last rebuild's error, if it failed.
    pub fn error(&self) -> Option<String> {
        self.lock().error.clone()
    }

    /// Adds a stream whose HTTP head is written: greets it with the current
    /// build and any error, under the lock, so no event can slip between.
    pub fn subscribe(&self, mut stream: Box<dyn Write + Send>) {
        let mut state = self.lock();
        let mut greeting = format!("retry: 1000\n\n{}", format_event("hello", &state.build));
        if let Some(text) = &state.error {
            greeting.push_str(&Event::Error(text.clone()).to_wire());
        }
        if write_flush(&mut stream, &greeting) {
            state.clients.push(stream);
        }
    }

    /// Records the event and sends it to every open page.
    pub fn send(&self, event: &Event) {
        let mut state = self.lock();
        match event {
            Event::Reload(id) | Event::Css(id) => {
                state.build.clone_from(id);
                state.error = None;
            }
            Event::Error(text) => state.error = Some(text.clone()),
        }
        broadcast(&mut state.clients, &event.to_wire());
    }

    /// A comment line, so that streams of closed pages fail and are dropped.
    pub fn ping(&self) {
        broadcast(&mut self.lock().clients, ":\n\n");
    }
}

/// Writes to every stream, dropping those that fail (their page is gone).
fn broadcast(clients: &mut Vec<Box<dyn Write + Send>>, text: &str) {
    clients.retain_mut(|c| write_flush(c, text));
}

fn write_flush(w: &mut Box<dyn Write + Send>, text: &str) -> bool {
    w.write_all(text.as_bytes())
        .and_then(|()| w.flush())
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn the_script_goes_before_the_last_body_end_tag() {
        let html = b"<html><body><p>a</body> text</p></BODY>\n</html>";
        let out = String::from_utf8(inject(html, "/library/", "ab-1")).unwrap();
        assert_eq!(
            out,
            "<html><body><p>a</body> text</p><script src=\"/library/__freda/live.js\" data-freda-build=\"ab-1\" defer></script></BODY>\n</html>"
        );
    }

    #[test]
    fn a_page_without_body_end_gets_the_script_at_its_end() {
        let out = String::from_utf8(inject(b"<p>x", "/", "1")).unwrap();
        assert_eq!(
            out,
            "<p>x<script src=\"/__freda/live.js\" data-freda-build=\"1\" defer></script>"
        );
        assert!(String::from_utf8(inject(b"", "/a\"b/", "1"))
            .unwrap()
            .contains("src=\"/a&quot;b/__freda/live.js\""));
    }

    #[test]
    fn multi_line_data_becomes_one_data_line_each() {
        assert_eq!(
            format_event("error", "a.md:1:2: error: x\n 1 | y\n   | ^"),
            "event: error\ndata: a.md:1:2: error: x\ndata:  1 | y\ndata:    | ^\n\n"
        );
        assert_eq!(format_event("css", ""), "event: css\ndata:\n\n");
    }

    /// A stream that collects what is written, shared with the test.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sink {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn a_new_page_hears_the_build_and_a_standing_error() {
        let hub = Hub::new("s-1".into(), None);
        hub.send(&Event::Error("bad".into()));
        let sink = Sink::default();
        hub.subscribe(Box::new(sink.clone()));
        assert_eq!(
            sink.text(),
            "retry: 1000\n\nevent: hello\ndata: s-1\n\nevent: error\ndata: bad\n\n"
        );
        hub.send(&Event::Reload("s-2".into()));
        assert!(sink.text().ends_with("event: reload\ndata: s-2\n\n"));
        assert_eq!(hub.error(), None);
    }
}
