//! `freda check --external` against a local HTTP server on 127.0.0.1: exact
//! warnings, HEAD then GET, retries, skip_hosts and the result cache.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::stderr;

/// Runs freda in `dir` without any proxy settings from the environment.
fn freda(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_freda"));
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run freda")
}

/// One request the server saw: method, path and User-Agent.
type Seen = (String, String, String);

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers one request per connection.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// Longer than the fixture's `timeout_secs = 1`.
const SLOW: Duration = Duration::from_secs(3);

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                std::thread::spawn(move || answer(stream, &log));
            }
        });
        Server { port, seen }
    }

    /// How many times `method path` was requested.
    fn count(&self, method: &str, path: &str) -> usize {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .filter(|(m, p, _)| m == method && p == path)
            .count()
    }

    /// Every request so far, as "METHOD /path".
    fn requests(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter().map(|(m, p, _)| format!("{m} {p}")).collect()
    }
}

fn answer(stream: TcpStream, log: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut agent = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("user-agent") {
                agent = value.trim().to_string();
            }
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    log.lock()
        .unwrap()
        .push((method.clone(), path.clone(), agent));
    let (status, extra) = match (method.as_str(), path.as_str()) {
        (_, "/ok") => ("200 OK", ""),
        ("HEAD", "/no-head") => ("405 Method Not Allowed", "Allow: GET\r\n"),
        ("GET", "/no-head") => ("200 OK", ""),
        (_, "/loop-a") => ("301 Moved Permanently", "Location: /loop-b\r\n"),
        (_, "/loop-b") => ("301 Moved Permanently", "Location: /loop-a\r\n"),
        (_, "/slow") => {
            std::thread::sleep(SLOW);
            return;
        }
        _ => ("404 Not Found", ""),
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

/// A port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Writes a site whose pages use reference links, so the reported lines and
/// columns do not depend on the port; `{base}` in pages becomes the server's address.
fn write_site(pages: &[(&str, &str)], base: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        "title = \"External links\"\nbase_url = \"https://example.org/\"\n\n\
         [check.external]\ntimeout_secs = 1\nskip_hosts = [\"localhost\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    for (name, text) in pages {
        std::fs::write(
            dir.path().join("content").join(name),
            text.replace("{base}", base),
        )
        .unwrap();
    }
    dir
}

const PAGE_A: &str = "+++
title = \"Links A\"
summary = \"Links to other sites.\"
+++
Read [the guidance][ok] and [the old report][gone].

Fill in [the form][no-head]. [Mail the team](mailto:team@example.org) or [phone us](tel:+441234567890).

See [the loop][loop] and [the slow site][slow].

Also [a blocked site][skipped] and [a closed port][refused].

[ok]: {base}/ok
[gone]: {base}/gone
[no-head]: {base}/no-head
[loop]: {base}/loop-a
[slow]: {base}/slow
[skipped]: {skipped}/skipped
[refused]: {refused}/refused
";

const PAGE_B: &str = "+++
title = \"Links B\"
summary = \"More links.\"
+++
The [same old report][gone] again.

[gone]: {base}/gone
";

const EXPECTED: &str = "\
content/a.md:5:29: warning: external link returned 404 Not Found: {base}/gone
 5 | Read [the guidance][ok] and [the old report][gone].
   |                             ^^^^^^^^^^^^^^^^^^^^^^
  help: fix or remove the link; if the site blocks link checkers, add its host to [check.external] skip_hosts in site.toml
content/a.md:9:5: warning: external link redirects in a loop: {base}/loop-a
 9 | See [the loop][loop] and [the slow site][slow].
   |     ^^^^^^^^^^^^^^^^
  help: link to the page the redirects should end at, or remove the link; if it works in a browser, add its host to [check.external] skip_hosts in site.toml
content/a.md:9:26: warning: external link timed out after 1 s: {base}/slow
 9 | See [the loop][loop] and [the slow site][slow].
   |                          ^^^^^^^^^^^^^^^^^^^^^
  help: the site may be slow or down: try again later or raise [check.external] timeout_secs in site.toml; if it blocks link checkers, add its host to skip_hosts
content/a.md:11:36: warning: external link could not connect (connection refused): {refused}/refused
 11 | Also [a blocked site][skipped] and [a closed port][refused].
    |                                    ^^^^^^^^^^^^^^^^^^^^^^^^
  help: check the address for typos; if the site has moved or closed, update or remove the link

content/b.md:5:5: warning: external link returned 404 Not Found: {base}/gone
 5 | The [same old report][gone] again.
   |     ^^^^^^^^^^^^^^^^^^^^^^^
  help: fix or remove the link; if the site blocks link checkers, add its host to [check.external] skip_hosts in site.toml
Checked 7 pages: 0 errors, 5 warnings, 0 notes
";

#[test]
fn external_links_are_checked_with_exact_warnings() {
    let server = Server::start();
    let base = format!("http://127.0.0.1:{}", server.port);
    let refused = format!("http://127.0.0.1:{}", closed_port());
    let skipped = format!("http://localhost:{}", server.port);
    let a = PAGE_A
        .replace("{skipped}", &skipped)
        .replace("{refused}", &refused);
    let site = write_site(&[("a.md", &a), ("b.md", PAGE_B)], &base);

    let out = freda(site.path(), &["check", "--external"]);

    let expected = EXPECTED
        .replace("{base}", &base)
        .replace("{refused}", &refused);
    assert_eq!(stderr(&out), expected);
    assert_eq!(out.status.code(), Some(0), "warnings alone do not fail");
    assert_eq!(server.count("HEAD", "/ok"), 1, "{:?}", server.requests());
    assert_eq!(server.count("HEAD", "/no-head"), 1);
    assert_eq!(server.count("GET", "/no-head"), 1, "GET after a 405");
    let no_head: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.ends_with("/no-head"))
        .collect();
    assert_eq!(no_head, ["HEAD /no-head", "GET /no-head"]);
    assert_eq!(
        server.count("HEAD", "/gone"),
        1,
        "one request for two pages, no retry after a 404"
    );
    assert_eq!(server.count("HEAD", "/loop-a"), 1);
    assert_eq!(server.count("HEAD", "/loop-b"), 1);
    assert_eq!(
        server.count("HEAD", "/slow"),
        2,
        "a timeout is retried once"
    );
    assert_eq!(
        server.count("HEAD", "/skipped"),
        0,
        "skip_hosts are never requested"
    );
    let agents: Vec<String> = server
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.2.clone())
        .collect();
    let ua = format!("freda-link-checker/{}", env!("CARGO_PKG_VERSION"));
    assert!(agents.iter().all(|a| *a == ua), "{agents:?}");
}

#[test]
fn external_results_are_cached_and_off_by_default() {
    let server = Server::start();
    let base = format!("http://127.0.0.1:{}", server.port);
    let page = "+++\ntitle = \"C\"\nsummary = \"S.\"\n+++\n[Good][ok], [form][no-head] and [gone][gone].\n\n\
                [ok]: {base}/ok\n[no-head]: {base}/no-head\n[gone]: {base}/gone\n";
    let site = write_site(&[("c.md", page)], &base);
    let cache = site.path().join(".freda-cache/external-links.json");

    let plain = freda(site.path(), &["check"]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert_eq!(
        server.requests(),
        Vec::<String>::new(),
        "no request without --external"
    );
    assert!(!cache.exists());

    let first = freda(site.path(), &["check", "--external", "--deny-warnings"]);
    assert_eq!(first.status.code(), Some(2), "{}", stderr(&first));
    assert_eq!(server.requests().len(), 4, "{:?}", server.requests());
    assert!(cache.is_file());

    let second = freda(site.path(), &["check", "--external"]);
    assert_eq!(
        server.requests()[4..],
        ["HEAD /gone"],
        "good links are not requested again within cache_hours; failures are"
    );
    assert!(stderr(&second).contains("external link returned 404 Not Found"));

    std::fs::write(&cache, "{\"version\": 1, \"ok\": [broken").unwrap();
    let corrupt = freda(site.path(), &["check", "--external"]);
    assert_eq!(corrupt.status.code(), Some(0), "{}", stderr(&corrupt));
    assert!(
        stderr(&corrupt).starts_with(".freda-cache/external-links.json: warning: the link cache could not be read and was ignored: "),
        "{}",
        stderr(&corrupt)
    );
    assert_eq!(server.count("HEAD", "/ok"), 2, "a corrupt cache is ignored");
    assert!(
        std::fs::read_to_string(&cache).unwrap().contains("/ok"),
        "and rewritten"
    );
}
