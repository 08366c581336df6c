//! The HTTP side of `freda serve`, on tiny_http: a few worker threads answer
//! requests from the current [`Snapshot`], and event-stream requests are
//! handed to the live-reload [`Hub`].
use std::net::SocketAddr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use tiny_http::{Header, Method, Request, Response, Server};

use super::http::{self, Asset, Route};
use super::live::{self, Hub};
use super::preview::Snapshot;

/// Threads answering requests. Event streams do not hold one.
const WORKERS: usize = 4;
/// How often open event streams get a comment, so closed ones are noticed.
const PING: Duration = Duration::from_secs(15);

/// What the HTTP threads and the rebuild loop share.
pub struct Shared {
    site: RwLock<Arc<Snapshot>>,
    /// The open live-reload streams.
    pub hub: Hub,
}

impl Shared {
    /// Serves `site`; `error` is the first build's error, if it failed.
    pub fn new(site: Arc<Snapshot>, error: Option<String>) -> Shared {
        Shared {
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
    let server = Server::http(addr).map_err(|e| listen_error(addr, &*e))?;
    let local = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    let server = Arc::new(server);
    for _ in 0..WORKERS {
        let (server, shared) = (Arc::clone(&server), Arc::clone(shared));
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                handle(request, &shared);
            }
        });
    }
    let shared = Arc::clone(shared);
    std::thread::spawn(move || loop {
        std::thread::sleep(PING);
        shared.hub.ping();
    });
    Ok(local)
}

fn listen_error(addr: SocketAddr, e: &(dyn std::error::Error + 'static)) -> anyhow::Error {
    let in_use = e
        .downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse);
    if in_use {
        anyhow!(
            "port {} is in use: choose another with --port, or --port 0 for any free port",
            addr.port()
        )
    } else {
        anyhow!("cannot listen on {addr}: {e}")
    }
}

/// Answers one request.
fn handle(request: Request, shared: &Shared) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let allow = header("Allow", "GET, HEAD");
        let _ = request.respond(text(405, "Method not allowed\n").with_header(allow));
        return;
    }
    let site = shared.site();
    let route = http::route(&site.base_path, request.url(), |p| {
        site.files.contains_key(p)
    });
    let response = match route {
        Route::Events => return open_stream(request, &shared.hub),
        Route::File(path) => file(&site, &path, 200),
        Route::Asset(Asset::LiveJs) => asset(live::LIVE_JS, "live.js"),
        Route::Asset(Asset::LiveCss) => asset(live::LIVE_CSS, "live.css"),
        Route::Redirect {
            location,
            permanent,
        } => redirect(&location, permanent),
        Route::NotFound => not_found(&site, shared),
        Route::BadRequest => text(400, "Bad request\n"),
    };
    let _ = request.respond(response);
}

type Answer = Response<std::io::Cursor<Vec<u8>>>;

/// A file of the site; HTML gets the live-reload script.
fn file(site: &Snapshot, path: &str, status: u16) -> Answer {
    let bytes = &site.files[path];
    let kind = http::content_type(path);
    let body = if kind.starts_with("text/html") {
        live::inject(bytes, &site.base_path, &site.build_id)
    } else {
        bytes.clone()
    };
    with_type(Response::from_data(body), kind, http::cache_control(path)).with_status_code(status)
}

/// The site's 404 page with status 404; before the first good build, a page
/// that says why there is no site (live.js shows the error over it too).
fn not_found(site: &Snapshot, shared: &Shared) -> Answer {
    if site.files.contains_key("404.html") {
        return file(site, "404.html", 404);
    }
    if site.is_empty() {
        let error = shared.hub.error().unwrap_or_default();
        let page = unbuilt_page(&site.base_path, &error);
        let body = live::inject(page.as_bytes(), &site.base_path, &site.build_id);
        return with_type(
            Response::from_data(body),
            "text/html; charset=utf-8",
            "no-cache",
        )
        .with_status_code(503);
    }
    text(404, "Not found\n")
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
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>The site could not be built</title>\n\
         <link rel=\"stylesheet\" href=\"{}{}live.css\">\n</head>\n<body class=\"freda-live-unbuilt\">\n<main>\n\
         <h1>The site could not be built</h1>\n\
         <p>Fix the problem below and save the file: this page reloads by itself.</p>\n\
         <pre tabindex=\"0\">{}</pre>\n</main>\n</body>\n</html>\n",
        escape(base),
        http::RESERVED,
        escape(error)
    )
}

/// One of `freda serve`'s own files.
fn asset(text: &'static str, name: &str) -> Answer {
    with_type(
        Response::from_data(text.as_bytes().to_vec()),
        http::content_type(name),
        "no-cache",
    )
}

fn redirect(location: &str, permanent: bool) -> Answer {
    let status = if permanent { 301 } else { 302 };
    text(status, &format!("Moved to {location}\n")).with_header(header("Location", location))
}

fn text(status: u16, body: &str) -> Answer {
    with_type(
        Response::from_data(body.as_bytes().to_vec()),
        "text/plain; charset=utf-8",
        "no-cache",
    )
    .with_status_code(status)
}

fn with_type(response: Answer, kind: &str, cache: &str) -> Answer {
    response
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", cache))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

/// A header; bytes of the value outside printable ASCII are percent-encoded
/// (a `Location` may repeat a path a client sent unencoded).
fn header(name: &'static str, value: &str) -> Header {
    let mut ascii = String::with_capacity(value.len());
    for b in value.bytes() {
        if (0x20..0x7f).contains(&b) {
            ascii.push(char::from(b));
        } else {
            ascii.push_str(&format!("%{b:02X}"));
        }
    }
    Header::from_bytes(name.as_bytes(), ascii.as_bytes()).expect("a printable ASCII header")
}

/// Answers `<base>__freda/events`: writes the head of an endless
/// `text/event-stream` response and gives the connection to the hub.
fn open_stream(request: Request, hub: &Hub) {
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\n\
                Content-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-cache\r\n\
                X-Content-Type-Options: nosniff\r\n\
                Connection: close\r\n\r\n";
    if writer.write_all(head.as_bytes()).is_ok() {
        hub.subscribe(writer);
    }
}
