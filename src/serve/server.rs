//! The HTTP side of `freda serve`: one thread accepts connections, and each
//! connection gets its own thread, which answers its requests (kept alive)
//! from the current [`Snapshot`]. An event-stream request leaves its
//! connection to the live-reload [`Hub`].
//!
//! A thread per connection is plenty for a preview on one computer, and it
//! cannot starve: an earlier version on tiny_http 0.12 sometimes left a new
//! connection unread while its pool had idle threads (a lost wake-up),
//! which stalled page loads in the browser tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use anyhow::{anyhow, Context, Result};

use super::http::{self, Asset, Route};
use super::live::{self, Hub};
use super::preview::Snapshot;
use super::wire::{self, Head, Reply};

/// How often open event streams get a comment, so closed ones are noticed.
const PING: Duration = Duration::from_secs(15);
/// How long an idle kept-alive connection stays open.
const IDLE: Duration = Duration::from_secs(120);

/// What the HTTP threads and the rebuild loop share.
pub struct Shared {
    site: RwLock<Arc<Snapshot>>,
    /// Answer only requests whose `Host` names this computer (when bound to
    /// loopback; see [`http::host_allowed`]).
    pub local_hosts_only: bool,
    /// The open live-reload streams.
    pub hub: Hub,
}

impl Shared {
    /// Serves `site`; `error` is the first build's error, if it failed.
    pub fn new(site: Arc<Snapshot>, error: Option<String>) -> Shared {
        Shared {
            local_hosts_only: true,
            hub: Hub::new(site.build_id.clone(), error),
            site: RwLock::new(site),
        }
    }

    /// The build being served.
    pub fn site(&self) -> Arc<Snapshot> {
        Arc::clone(&self.site.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Serves another build from now on.
    pub fn replace(&self, site: Arc<Snapshot>) {
        *self.site.write().unwrap_or_else(PoisonError::into_inner) = site;
    }
}

/// Listens on `addr` and answers in background threads; returns the
/// address it listens on (with the port chosen when `addr` has port 0).
pub fn start(addr: SocketAddr, shared: &Arc<Shared>) -> Result<SocketAddr> {
    let listener = TcpListener::bind(addr).map_err(|e| listen_error(addr, &e))?;
    let local = listener.local_addr().context("the server has no address")?;
    let accepting = Arc::clone(shared);
    std::thread::spawn(move || accept(&listener, &accepting));
    let pinging = Arc::clone(shared);
    std::thread::spawn(move || loop {
        std::thread::sleep(PING);
        pinging.hub.ping();
    });
    Ok(local)
}

fn listen_error(addr: SocketAddr, e: &std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::AddrInUse {
        anyhow!(
            "port {} is in use: choose another with --port, or --port 0 for any free port",
            addr.port()
        )
    } else {
        anyhow!("cannot listen on {addr}: {e}")
    }
}

/// Gives each new connection a thread.
fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let shared = Arc::clone(shared);
                std::thread::spawn(move || connection(stream, &shared));
            }
            // A client that gave up before it was accepted, or no file
            // descriptor free for a moment: go on with the next one.
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// Answers the requests of one connection until it closes.
fn connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    while let Some(raw) = read_head(&mut reader) {
        let Some(head) = wire::parse_head(&raw) else {
            let _ = writer.write_all(&Reply::text(400, "Bad request\n").to_bytes(false, true));
            return;
        };
        let close = !head.keep_alive || head.has_body;
        let reply = match answer(&head, shared) {
            Some(reply) => reply,
            None => return open_stream(writer, &shared.hub),
        };
        let sent = writer.write_all(&reply.to_bytes(head.method == "HEAD", close));
        if sent.is_err() || close {
            return;
        }
    }
}

/// Reads one request head, up to and including its blank line; `None` at
/// the end of the connection, after the idle time, or past [`wire::MAX_HEAD`].
fn read_head(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    loop {
        let start = head.len();
        let room = (wire::MAX_HEAD + 1).saturating_sub(start) as u64;
        let n = reader
            .by_ref()
            .take(room)
            .read_until(b'\n', &mut head)
            .ok()?;
        if n == 0 || head.len() > wire::MAX_HEAD {
            return None;
        }
        let line = &head[start..];
        if line == b"\r\n" || line == b"\n" {
            if start == 0 {
                head.clear(); // blank lines before a request are allowed
                continue;
            }
            return Some(head);
        }
    }
}

/// The response to a request; `None` for the event stream.
fn answer(head: &Head, shared: &Shared) -> Option<Reply> {
    if shared.local_hosts_only && !http::host_allowed(head.host.as_deref()) {
        return Some(Reply::text(
            403,
            "Forbidden: this preview answers only to localhost and 127.0.0.1 (start it with --bind to serve other names)\n",
        ));
    }
    if head.method != "GET" && head.method != "HEAD" {
        return Some(Reply::text(405, "Method not allowed\n").with_header("Allow", "GET, HEAD"));
    }
    let site = shared.site();
    let route = http::route(&site.base_path, &head.target, |p| {
        site.files.contains_key(p)
    });
    Some(match route {
        Route::Events => return None,
        Route::File(path) => file(&site, &path, 200),
        Route::Asset(Asset::LiveJs) => asset(live::LIVE_JS, "live.js"),
        Route::Asset(Asset::LiveCss) => asset(live::LIVE_CSS, "live.css"),
        Route::Redirect {
            location,
            permanent,
        } => {
            let status = if permanent { 301 } else { 302 };
            Reply::text(status, &format!("Moved to {location}\n"))
                .with_header("Location", &location)
        }
        Route::NotFound => not_found(&site, shared),
        Route::BadRequest => Reply::text(400, "Bad request\n"),
    })
}

/// A file of the site; HTML gets the live-reload script.
fn file(site: &Snapshot, path: &str, status: u16) -> Reply {
    let bytes = &site.files[path];
    let kind = http::content_type(path);
    let body = if kind.starts_with("text/html") {
        live::inject(bytes, &site.base_path, &site.build_id)
    } else {
        bytes.to_vec()
    };
    let reply = Reply::new(status, kind, http::cache_control(path), body);
    if path.starts_with("admin/") && kind.starts_with("text/html") {
        // The web CMS's page has a policy of its own (see `crate::cms`).
        let policy = format!("{}; frame-ancestors 'none'", crate::cms::ADMIN_CSP);
        return reply.with_policy(&policy);
    }
    reply
}

/// The site's 404 page with status 404; before the first good build, a page
/// that says why there is no site (live.js shows the error over it too).
fn not_found(site: &Snapshot, shared: &Shared) -> Reply {
    if site.files.contains_key("404.html") {
        return file(site, "404.html", 404);
    }
    if site.is_empty() {
        let page = unbuilt_page(&site.base_path, &shared.hub.error().unwrap_or_default());
        let body = live::inject(page.as_bytes(), &site.base_path, &site.build_id);
        return Reply::new(503, "text/html; charset=utf-8", "no-cache", body);
    }
    Reply::text(404, "Not found\n")
}

/// The page served before the site has built once.
fn unbuilt_page(base: &str, error: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;")
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>The site could not be built</title>\n\
         <link rel=\"stylesheet\" href=\"{}{}live.css\">\n</head>\n<body class=\"freda-live-unbuilt\">\n<main>\n\
         <h1>The site could not be built</h1>\n\
         <p>Fix the problem below and save the file: this page reloads by itself.</p>\n\
         <pre tabindex=\"0\">{}</pre>\n</main>\n</body>\n</html>\n",
        crate::headers::CSP,
        escape(base),
        http::RESERVED,
        escape(error)
    )
}

/// One of `freda serve`'s own files.
fn asset(text: &'static str, name: &str) -> Reply {
    Reply::new(
        200,
        http::content_type(name),
        "no-cache",
        text.as_bytes().to_vec(),
    )
}

/// Answers `<base>__freda/events`: writes the head of an endless
/// `text/event-stream` response and gives the connection to the hub, which
/// writes the events. The connection is read no more.
fn open_stream(mut stream: TcpStream, hub: &Hub) {
    if stream.write_all(wire::EVENT_STREAM_HEAD.as_bytes()).is_ok() {
        hub.subscribe(Box::new(stream));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_heads_are_read_to_their_blank_line() {
        let mut input: &[u8] = b"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
        assert_eq!(
            read_head(&mut input).unwrap(),
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        );
        assert_eq!(read_head(&mut input).unwrap(), b"GET /b HTTP/1.1\r\n\r\n");
        assert_eq!(read_head(&mut input), None);
        let long = format!(
            "GET / HTTP/1.1\r\nX: {}\r\n\r\n",
            "a".repeat(wire::MAX_HEAD)
        );
        assert_eq!(read_head(&mut long.as_bytes()), None);
    }

    #[test]
    fn the_unbuilt_page_carries_the_policy_and_escapes_the_error() {
        let page = unbuilt_page("/", "content/a.md:1:1: error: <script>alert(1)</script>");
        assert!(page.contains(&format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
            crate::headers::CSP
        )));
        assert!(
            page.contains("error: &lt;script>alert(1)&lt;/script></pre>"),
            "{page}"
        );
    }
}
