//! `freda serve`: the real binary on a temporary copy of a fixture site whose
//! base_url has a path (`/library/`), spoken to over loopback with a tiny
//! std-only HTTP client: routing, content types, caching, the live-reload
//! script, and the event stream after edits, editor saves and broken pages.
//!
//! No test measures time: each waits for the event it expects (with a
//! generous read timeout, only so that a broken server cannot hang the run).

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use crate::common::{fixture, freda, read_tree, stderr};

/// How long to wait for an answer or an event before giving up.
const PATIENCE: Duration = Duration::from_secs(60);
const ABOUT: &str = "content/about.md";
/// The error `freda build` reports for the broken title below.
const UNCLOSED: &str = "content/about.md:2:15: error: this text has no closing quote\n 2 | title = \"About\n   |               ^\n";

/// The all-types fixture, served under /library/.
fn site() -> tempfile::TempDir {
    let site = fixture("sites", "all-types");
    edit(site.path(), "site.toml", |t| {
        t.replace("https://trust.example/hr/", "https://example.org/library/")
    });
    site
}

/// Rewrites a file of the site in place.
fn edit(site: &Path, rel: &str, change: impl FnOnce(&str) -> String) {
    let path = site.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, change(&text)).unwrap();
}

fn break_title(text: &str) -> String {
    text.replacen("title = \"About\"", "title = \"About", 1)
}

fn fix_title(text: &str) -> String {
    text.replacen("title = \"About\n", "title = \"About\"\n", 1)
}

/// A running `freda serve --port 0`, killed when dropped.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`, once read from the first line.
    addr: String,
    /// Kept open: the server may print to it again.
    stdout: Option<BufReader<ChildStdout>>,
    /// Standard error, in a folder outside the watched site.
    log: PathBuf,
    _logs: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `freda serve --port 0` in `site` and reads the address it prints.
fn serve(site: &Path) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_freda"));
    command.args(["serve", "--port", "0"]);
    serve_by(site, command)
}

/// Starts the server `command` runs in `site` and reads the address it prints.
fn serve_by(site: &Path, mut command: Command) -> Server {
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("stderr.txt");
    let mut child = command
        .current_dir(site)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .expect("start freda serve");
    let stdout = child.stdout.take().map(BufReader::new);
    let mut server = Server {
        child,
        addr: String::new(),
        stdout,
        log,
        _logs: logs,
    };
    let mut line = String::new();
    if let Some(out) = server.stdout.as_mut() {
        out.read_line(&mut line).unwrap();
    }
    assert!(
        line.starts_with("Serving Fixture library at http://127.0.0.1:")
            && line.ends_with(" (Ctrl+C to stop)\n"),
        "first line: {line:?}; stderr: {}",
        server.log()
    );
    let url = line.split_whitespace().find(|w| w.starts_with("http://"));
    let (addr, path) = url.unwrap()["http://".len()..].split_once('/').unwrap();
    assert_eq!(path, "library/", "{line}");
    server.addr = addr.to_string();
    server
}

/// One HTTP response.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }
}

impl Server {
    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn connect(&self, target: &str) -> BufReader<TcpStream> {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        BufReader::new(stream)
    }

    /// GET on a new connection.
    fn get(&self, target: &str) -> Reply {
        read_reply(&mut self.connect(target))
    }

    /// Subscribes to the live-reload events and reads the greeting.
    fn events(&self) -> Events {
        let mut reader = self.connect("/library/__freda/events");
        let (status, headers) = read_head(&mut reader);
        assert_eq!(status, 200);
        let kind = headers.iter().find(|(n, _)| n == "Content-Type");
        assert_eq!(kind.unwrap().1, "text/event-stream; charset=utf-8");
        let mut events = Events { reader };
        assert_eq!(events.next().0, "hello");
        events
    }
}

/// A response, with the body read to its Content-Length.
fn read_reply(reader: &mut impl BufRead) -> Reply {
    let (status, headers) = read_head(reader);
    let mut reply = Reply {
        status,
        headers,
        body: String::new(),
    };
    let len: usize = reply.header("Content-Length").parse().unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    reply.body = String::from_utf8_lossy(&body).into_owned();
    reply
}

/// The status and headers of a response.
fn read_head(reader: &mut impl BufRead) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line.split(' ').nth(1).and_then(|s| s.parse().ok());
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        match line.trim_end().split_once(": ") {
            Some((n, v)) => headers.push((n.to_string(), v.to_string())),
            None => break,
        }
    }
    (status.expect("a status line"), headers)
}

/// An open event stream.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// The next event's name and data (comments and `retry:` skipped).
    ///
    /// Fails after [`PATIENCE`] without an event: the server's pings
    /// (comments) keep the read timeout from expiring.
    fn next(&mut self) -> (String, String) {
        let deadline = std::time::Instant::now() + PATIENCE;
        let (mut name, mut data) = (String::new(), Vec::<String>::new());
        loop {
            assert!(
                std::time::Instant::now() < deadline,
                "no event within {PATIENCE:?}"
            );
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("an event in time");
            assert!(n > 0, "the event stream closed");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !name.is_empty() {
                    return (name, data.join("\n"));
                }
            } else if let Some(v) = line.strip_prefix("event: ") {
                name = v.to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
            }
        }
    }
}

#[test]
fn serve_answers_from_memory_under_the_base_path() {
    let site = site();
    let server = serve(site.path());

    let home = server.get("/library/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("Content-Type"), "text/html; charset=utf-8");

    // DNS rebinding: a page on another name that resolves here gets nothing.
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET /library/ HTTP/1.1\r\nHost: evil.example:1111\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    assert_eq!(read_reply(&mut BufReader::new(stream)).status, 403);
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET /library/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    assert_eq!(read_reply(&mut BufReader::new(stream)).status, 200);
    assert_eq!(home.header("Cache-Control"), "no-cache");
    let script = "<script src=\"/library/__freda/live.js\" data-freda-build=\"";
    let at = home.body.find(script).expect("live.js in the home page");
    assert!(home.body[at..].starts_with(script));
    assert!(
        home.body[at..].contains("\" defer></script></body>"),
        "{}",
        &home.body[at..]
    );

    let types = [
        ("/library/style.css", "text/css; charset=utf-8"),
        ("/library/search.js", "text/javascript; charset=utf-8"),
        ("/library/images/logo.svg", "image/svg+xml"),
        ("/library/downloads/g.pdf", "application/pdf"),
        ("/library/sitemap.xml", "application/xml"),
        ("/library/robots.txt", "text/plain; charset=utf-8"),
        ("/library/about/", "text/html; charset=utf-8"),
        ("/library/__freda/live.js", "text/javascript; charset=utf-8"),
        ("/library/__freda/live.css", "text/css; charset=utf-8"),
    ];
    for (target, kind) in types {
        let reply = server.get(target);
        assert_eq!(
            (reply.status, reply.header("Content-Type")),
            (200, kind),
            "{target}"
        );
        assert_eq!(reply.header("Cache-Control"), "no-cache", "{target}");
    }
    let manifest = home.body.split("data-search-manifest=\"").nth(1).unwrap();
    let manifest = &manifest[..manifest.find('"').unwrap()];
    let index = server.get(manifest);
    assert_eq!(
        (index.status, index.header("Content-Type")),
        (200, "application/json")
    );
    // The manifest has a fixed name, so it is revalidated; the files it names are hashed.
    assert_eq!(index.header("Cache-Control"), "no-cache");
    let shard = index.body.split("\"t\":[\"\",\"").nth(1).unwrap();
    let shard = format!(
        "{}t0.{}.json",
        &manifest[..manifest.rfind('/').unwrap() + 1],
        &shard[..shard.find('"').unwrap()]
    );
    assert_eq!(
        server.get(&shard).header("Cache-Control"),
        "public, max-age=31536000, immutable",
        "{shard}"
    );

    let missing = server.get("/library/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("<h1>Page not found</h1>"),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("/library/__freda/live.js"));
    assert_eq!(server.get("/elsewhere/").status, 404);

    for (target, status, location) in [
        ("/library/about", 301, "/library/about/"),
        ("/library/about?x=1", 301, "/library/about/?x=1"),
        ("/library", 301, "/library/"),
        ("/", 302, "/library/"),
    ] {
        let reply = server.get(target);
        assert_eq!(
            (reply.status, reply.header("Location")),
            (status, location),
            "{target}"
        );
    }
    assert!(!site.path().join("public").exists(), "serve wrote public/");

    // A normal build of the same site carries no trace of the live-reload script.
    let out = tempfile::tempdir().unwrap();
    let built = freda(
        site.path(),
        &["build", "--output", out.path().to_str().unwrap()],
    );
    assert!(built.status.success(), "{}", stderr(&built));
    for (rel, bytes) in read_tree(out.path()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__freda/"),
            "{rel}"
        );
    }
}

#[test]
fn serve_keeps_connections_alive_without_holding_up_others() {
    let site = site();
    let server = serve(site.path());
    // Several kept-alive connections, each answered once and left open, as a browser leaves them.
    let mut open: Vec<BufReader<TcpStream>> = (0..8)
        .map(|_| {
            let stream = TcpStream::connect(&server.addr).unwrap();
            stream.set_read_timeout(Some(PATIENCE)).unwrap();
            BufReader::new(stream)
        })
        .collect();
    for reader in &mut open {
        let reply = ask(reader, "/library/robots.txt");
        assert_eq!(reply.status, 200);
    }
    let _events = server.events();
    // A new connection is answered while those stay open, and so is a second request on an old one.
    assert_eq!(server.get("/library/style.css").status, 200);
    let again = ask(&mut open[3], "/library/about/");
    assert_eq!(
        (again.status, again.header("Content-Type")),
        (200, "text/html; charset=utf-8")
    );
}

/// Sends a kept-alive GET on an open connection and reads the reply.
fn ask(reader: &mut BufReader<TcpStream>, target: &str) -> Reply {
    write!(
        reader.get_mut(),
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    read_reply(reader)
}

#[test]
fn serve_reloads_after_an_edit_and_swaps_stylesheets() {
    let site = site();
    let server = serve(site.path());
    let mut events = server.events();

    edit(site.path(), ABOUT, |t| {
        format!("{t}\nFreshly edited paragraph.\n")
    });
    let (name, build) = events.next();
    assert_eq!(name, "reload");
    let about = server.get("/library/about/");
    assert!(about.body.contains("Freshly edited paragraph."));
    assert!(about
        .body
        .contains(&format!("data-freda-build=\"{build}\"")));

    fs::write(
        site.path().join("static/extra.css"),
        ".extra { color: #005eb8; }\n",
    )
    .unwrap();
    assert_eq!(events.next().0, "css");
    assert_eq!(
        server.get("/library/extra.css").body,
        ".extra { color: #005eb8; }\n"
    );
    let log = server.log();
    assert!(
        log.contains("Changed: static/extra.css\nRebuilt in "),
        "{log}"
    );
    assert!(
        log.contains(" ms (0 of 34 pages rendered, 0 files read)\n"),
        "{log}"
    );
}

#[test]
fn serve_rebuilds_once_per_editor_save() {
    let site = site();
    let server = serve(site.path());
    let mut events = server.events();
    let content = site.path().join("content");

    // An atomic save: the new text goes to a temporary file, which is renamed over the page.
    let text = fs::read_to_string(site.path().join(ABOUT)).unwrap();
    fs::write(
        content.join("about.md.tmp"),
        format!("{text}\nSaved through a temporary file.\n"),
    )
    .unwrap();
    fs::rename(content.join("about.md.tmp"), content.join("about.md")).unwrap();
    assert_eq!(events.next().0, "reload");
    assert!(server
        .get("/library/about/")
        .body
        .contains("Saved through a temporary file."));

    // vim's swap file, its write test and a backup change nothing; the stylesheet after them
    // must be the next event: a rebuild for the swap files would come first, as a reload.
    fs::write(content.join(".about.md.swp"), "swap").unwrap();
    fs::write(content.join("4913"), "").unwrap();
    fs::remove_file(content.join("4913")).unwrap();
    fs::write(content.join("about.md~"), &text).unwrap();
    fs::write(site.path().join("static/extra.css"), "p { margin: 0; }\n").unwrap();
    assert_eq!(events.next().0, "css");
    assert_eq!(
        server.log().matches("Rebuilt in ").count(),
        2,
        "{}",
        server.log()
    );
}

#[test]
fn serve_shows_errors_and_keeps_the_last_good_site() {
    let site = site();
    let server = serve(site.path());
    let mut events = server.events();
    let before = server.get("/library/about/");

    edit(site.path(), ABOUT, break_title);
    let (name, text) = events.next();
    assert_eq!(name, "error");
    assert!(text.starts_with(UNCLOSED), "{text}");
    // The text is the one `freda build` prints.
    let out = tempfile::tempdir().unwrap();
    let built = freda(
        site.path(),
        &["build", "--output", out.path().to_str().unwrap()],
    );
    assert!(stderr(&built).starts_with(&text), "{}", stderr(&built));
    let log = server.log();
    assert!(log.contains(UNCLOSED), "{log}");
    assert!(
        log.contains(
            "error: the site was not rebuilt: 1 error; still serving the last good version"
        ),
        "{log}"
    );

    // The last good site is still served, and a page that connects now hears the error too.
    let during = server.get("/library/about/");
    assert_eq!(during.status, 200);
    assert_eq!(during.body, before.body);
    let mut late = server.events();
    assert_eq!(late.next(), ("error".to_string(), text));

    edit(site.path(), ABOUT, fix_title);
    assert_eq!(events.next().0, "reload");
    assert_eq!(late.next().0, "reload");
}

#[test]
fn serve_starts_on_a_broken_site_and_recovers() {
    let site = site();
    edit(site.path(), ABOUT, break_title);
    let server = serve(site.path());
    let page = server.get("/library/about/");
    assert_eq!(page.status, 503);
    assert!(
        page.body
            .contains("content/about.md:2:15: error: this text has no closing quote"),
        "{}",
        page.body
    );
    assert!(page.body.contains("/library/__freda/live.js"));
    let mut events = server.events();
    assert_eq!(events.next().0, "error");

    edit(site.path(), ABOUT, fix_title);
    assert_eq!(events.next().0, "reload");
    assert_eq!(server.get("/library/about/").status, 200);
}

/// Pages appear, go and move with their files, and each change re-renders
/// only what it touches (the counts in the log).
#[test]
fn serve_follows_new_deleted_and_moved_files() {
    let site = site();
    let server = serve(site.path());
    let mut events = server.events();
    let root = site.path();

    fs::write(
        root.join("content/tools/new-tool.md"),
        "+++\ntitle = \"A new tool\"\nsummary = \"Fresh.\"\ntool_kind = \"checklist\"\nitems = [\"One\"]\n+++\nBody.\n",
    )
    .unwrap();
    let (name, data) = events.next();
    assert_eq!(name, "reload", "{data}");
    assert!(server
        .get("/library/tools/new-tool/")
        .body
        .contains("A new tool"));
    assert!(server.get("/library/tools/").body.contains("A new tool"));

    fs::remove_file(root.join("content/tools/new-tool.md")).unwrap();
    assert_eq!(events.next().0, "reload");
    assert_eq!(server.get("/library/tools/new-tool/").status, 404);
    assert!(!server.get("/library/tools/").body.contains("A new tool"));

    fs::rename(root.join("content/events"), root.join("content/learning")).unwrap();
    assert_eq!(events.next().0, "reload");
    assert_eq!(server.get("/library/events/day/").status, 404);
    assert!(server
        .get("/library/learning/day/")
        .body
        .contains("Learning day"));

    edit(root, "content/learning/day.md", |t| {
        t.replace("Agenda.", "New agenda.")
    });
    assert_eq!(events.next().0, "reload");
    assert!(server
        .get("/library/learning/day/")
        .body
        .contains("New agenda."));
    let log = server.log();
    assert!(
        log.contains("Changed: content/learning/day.md\nRebuilt in "),
        "{log}"
    );
    assert!(
        log.contains(" ms (1 of "),
        "an edited body re-renders its page only:\n{log}"
    );
}

/// Runs git in `dir`, quietly, and checks it succeeded.
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

/// Writes `count` small files under `dir`, 100 to a folder.
fn small_files(dir: &Path, count: usize, text: &str) {
    for i in 0..count {
        let folder = dir.join(format!("f{:03}", i / 100));
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join(format!("{i}.txt")), format!("{text} {i}\n")).unwrap();
    }
}

/// A tool page with this title, as `content/tools/<slug>.md`.
fn tool(root: &Path, slug: &str, title: &str) {
    fs::write(
        root.join(format!("content/tools/{slug}.md")),
        format!("+++\ntitle = \"{title}\"\nsummary = \"Fresh.\"\ntool_kind = \"checklist\"\nitems = [\"One\"]\n+++\nBody.\n"),
    )
    .unwrap();
}

/// Waits until `done` holds, asking again every 50 ms, for at most
/// [`PATIENCE`]. (Not an event: a rebuild that changes nothing, such as
/// the full one after lost events, sends none.)
fn wait_for(server: &Server, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + PATIENCE;
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "not done within {PATIENCE:?}; log:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends a signal to a process with `kill`.
fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// `git checkout` of another branch changes 10,002 files at once: 8,000
/// rewritten, 1,000 gone, 1,000 new in new folders, and two pages. The
/// server is paused during the checkout, so that the system's queue of
/// events overflows (16,384 on Linux) as it would on a slower machine: the
/// folders made after the overflow are only watched because the lost
/// events make the watcher watch every folder again. The server stays up,
/// serves the new branch after a full rebuild, and sees edits in the new
/// folders.
#[test]
fn serve_follows_a_git_checkout_of_10000_files() {
    let site = site();
    let root = site.path();
    git(root, &["init", "-q", "-b", "old"]);
    git(root, &["config", "user.name", "Test"]);
    git(root, &["config", "user.email", "test@example.org"]);
    git(root, &["config", "commit.gpgsign", "false"]);
    small_files(&root.join("static/many"), 8000, "old");
    small_files(&root.join("static/aa-old"), 1000, "old");
    tool(root, "old-tool", "Only on the old branch");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "old"]);
    git(root, &["checkout", "-q", "-b", "new"]);
    git(
        root,
        &[
            "rm",
            "-q",
            "-r",
            "static/aa-old",
            "content/tools/old-tool.md",
        ],
    );
    small_files(&root.join("static/many"), 8000, "new");
    small_files(&root.join("static/zz-new"), 1000, "new");
    tool(root, "new-tool", "Only on the new branch");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "new"]);
    git(root, &["checkout", "-q", "old"]);

    let mut server = serve(root);
    assert_eq!(server.get("/library/many/f079/7999.txt").body, "old 7999\n");
    let started = std::time::Instant::now();
    signal(&server.child, "-STOP");
    git(root, &["checkout", "-q", "new"]);
    signal(&server.child, "-CONT");
    let missed = "Changed: some changes were missed; rebuilding everything\n";
    wait_for(&server, || {
        server.log().contains(missed)
            && server.get("/library/tools/new-tool/").status == 200
            && server.get("/library/tools/old-tool/").status == 404
            && server.get("/library/zz-new/f009/999.txt").status == 200
            && server.get("/library/aa-old/f009/999.txt").status == 404
            && server.get("/library/many/f079/7999.txt").body == "new 7999\n"
    });
    eprintln!(
        "checkout of 10,002 files served after {:?}",
        started.elapsed()
    );
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "{}",
        server.log()
    );

    // A folder the checkout made after the overflow is watched: an edit in it is rebuilt.
    fs::write(root.join("static/zz-new/f009/999.txt"), "edited\n").unwrap();
    wait_for(&server, || {
        server.get("/library/zz-new/f009/999.txt").body == "edited\n"
    });
    let log = server.log();
    assert_eq!(serve_warnings(&log), Vec::<&str>::new(), "{log}");
    eprintln!("{log}");
}

/// The warnings of the server itself (not of the site's pages) in its log.
fn serve_warnings(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.starts_with("warning: ")).collect()
}

/// What `freda serve` says when it polls because of the watch limit.
const LIMIT_WARNING: &str = "warning: the system's limit on watched folders is reached (on Linux: sysctl fs.inotify.max_user_watches); looking for changes every second instead\n";

/// `freda serve --port 0` with at most `limit` inotify watches: in a user
/// namespace of its own, whose limit the test may lower for it alone.
/// `None` where user namespaces are not allowed.
fn serve_with_watch_limit(limit: usize) -> Option<Command> {
    let set = format!("echo {limit} > /proc/sys/user/max_inotify_watches");
    let probe = Command::new("unshare")
        .args(["--user", "--map-root-user", "sh", "-c", &set])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: cannot lower the inotify watch limit in a user namespace here");
        return None;
    }
    let mut command = Command::new("unshare");
    command.args(["--user", "--map-root-user", "sh", "-c"]);
    command.arg(format!("{set} && exec \"$0\" serve --port 0"));
    command.arg(env!("CARGO_BIN_EXE_freda"));
    Some(command)
}

/// Folders `freda serve` watches in `root`: the root and every folder in the watched ones.
fn watched_folders(root: &Path) -> usize {
    let dirs = ["content", "templates", "static", "i18n", "themes"]
        .iter()
        .filter(|d| root.join(d).is_dir())
        .flat_map(|d| walkdir::WalkDir::new(root.join(d)))
        .filter(|e| e.as_ref().unwrap().file_type().is_dir())
        .count();
    dirs + 1
}

/// At the system's limit of watched folders, serve warns and polls instead:
/// from the start when it cannot watch every folder, and from the moment a
/// new folder cannot be watched.
#[test]
fn serve_polls_when_the_system_cannot_watch_more_folders() {
    let site = site();
    let root = site.path();
    let Some(command) = serve_with_watch_limit(watched_folders(root) - 1) else {
        return;
    };
    let server = serve_by(root, command);
    assert!(server.log().contains(LIMIT_WARNING), "{}", server.log());
    let mut events = server.events();
    edit(root, ABOUT, |t| format!("{t}\nPolled paragraph.\n"));
    assert_eq!(events.next().0, "reload");
    assert!(server
        .get("/library/about/")
        .body
        .contains("Polled paragraph."));
    drop(server);

    let command = serve_with_watch_limit(watched_folders(root)).unwrap();
    let server = serve_by(root, command);
    assert_eq!(serve_warnings(&server.log()), Vec::<&str>::new());
    // A folder moved in needs one watch more than the limit allows.
    fs::create_dir(root.join("extra")).unwrap();
    fs::write(root.join("extra/hello.txt"), "hello\n").unwrap();
    fs::rename(root.join("extra"), root.join("static/extra")).unwrap();
    wait_for(&server, || {
        server.get("/library/extra/hello.txt").body == "hello\n"
    });
    fs::write(root.join("static/extra/hello.txt"), "changed\n").unwrap();
    wait_for(&server, || {
        server.get("/library/extra/hello.txt").body == "changed\n"
    });
    assert_eq!(
        server.log().matches(LIMIT_WARNING).count(),
        1,
        "{}",
        server.log()
    );
}

#[test]
fn serve_polls_when_asked() {
    let site = site();
    let mut command = Command::new(env!("CARGO_BIN_EXE_freda"));
    command.args(["serve", "--port", "0", "--poll"]);
    let server = serve_by(site.path(), command);
    let mut events = server.events();
    edit(site.path(), ABOUT, |t| format!("{t}\nPolled paragraph.\n"));
    assert_eq!(events.next().0, "reload");
    assert!(server
        .get("/library/about/")
        .body
        .contains("Polled paragraph."));
    assert_eq!(serve_warnings(&server.log()), Vec::<&str>::new());
}
