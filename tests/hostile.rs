//! Hostile and broken input that a fixture folder cannot hold (symbolic
//! links, permissions, 50 MB files, names that differ only in case) or that
//! is clearer built in code. Each case gets its exact message, a clean exit
//! and no output outside the output folder.

use std::path::Path;
use std::process::Output;

use crate::common::{freda, read, stderr};

const SITE_TOML: &str =
    "title = \"Hostile\"\nbase_url = \"https://trust.example/hr/\"\ndescription = \"d\"\n";

/// A site with a home page, `extra` appended to site.toml, and `files`.
fn site(extra: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "site.toml",
        format!("{SITE_TOML}{extra}").as_bytes(),
    );
    write(
        dir.path(),
        "content/_index.md",
        b"+++\ntitle = \"Home\"\nsummary = \"Home\"\n+++\nHi\n",
    );
    for (path, bytes) in files {
        write(dir.path(), path, bytes);
    }
    dir
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn page(title: &str, body: &str) -> Vec<u8> {
    format!("+++\ntitle = \"{title}\"\nsummary = \"A page.\"\n+++\n{body}\n").into_bytes()
}

/// Builds and returns stderr, checking the exit code.
fn build(dir: &Path, code: i32) -> String {
    let out = freda(dir, &["build"]);
    assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
    stderr(&out)
}

/// stderr without the last line (the summary, which names a time).
fn messages(out: &str) -> String {
    let lines: Vec<&str> = out.lines().collect();
    lines[..lines.len().saturating_sub(1)].join("\n")
}

#[test]
fn byte_order_marks_and_crlf_line_endings_are_accepted() {
    let text = "\u{feff}+++\r\ntitle = \"Windows file\"\r\nsummary = \"Saved by Notepad.\"\r\n+++\r\n## Part one\r\n\r\nText.\r\n";
    let dir = site("", &[("content/notepad.md", text.as_bytes())]);
    assert_eq!(build(dir.path(), 0).lines().count(), 1);
    let html = read(&dir.path().join("public"), "notepad/index.html");
    assert!(html.contains("<h1>Windows file</h1>"), "{html}");
    assert!(html.contains("<h2 id=\"part-one\">Part one</h2>"), "{html}");
    assert!(!html.contains('\u{feff}') && !html.contains('\r'));
}

#[test]
fn nul_characters_and_empty_files_are_errors() {
    let dir = site(
        "",
        &[
            ("content/nul.md", &page("Nul", "Pasted \0 from a PDF")),
            ("content/empty.md", b""),
        ],
    );
    assert_eq!(
        build(dir.path(), 1),
        "content/empty.md:1:1: error: the file is empty
 1 | 
   | ^
  help: start the file with a `+++` line, then title = \"…\" and summary = \"…\", then another `+++` line; or delete the file

content/nul.md:5:8: error: the file contains a NUL character (byte 49 of the file), shown as ␀: it was saved as UTF-16 or has binary data pasted in
 5 | Pasted ␀ from a PDF
   |        ^
  help: save the file with UTF-8 encoding, and delete the character (retype the text around it)
error: the site was not built: 2 errors; the output folder was not changed
"
    );
}

#[test]
fn a_50_mb_file_is_refused_over_max_file_size_and_built_under_it() {
    let paragraph =
        "Staff agreed a plan with the family to respect his routines. ".repeat(16) + "\n\n";
    let body = paragraph.repeat(50 * 1000 * 1000 / paragraph.len() + 1);
    let dir = site("", &[("content/huge.md", &page("Huge", &body))]);
    assert_eq!(
        build(dir.path(), 1),
        "content/huge.md: error: cannot read the file: it is 50.0 MB, larger than max_file_size (10 MB)
  help: split it into smaller pages and move data or images into static/, or raise max_file_size under [build] in site.toml
error: the site was not built: 1 error; the output folder was not changed
"
    );
    write(
        dir.path(),
        "site.toml",
        format!("{SITE_TOML}[build]\nmax_file_size = \"60 MB\"\n").as_bytes(),
    );
    build(dir.path(), 0);
    let size = std::fs::metadata(dir.path().join("public/huge/index.html"))
        .unwrap()
        .len();
    assert!(size > 50_000_000, "{size}");
}

#[test]
fn deep_nesting_is_an_error_and_a_1_mb_line_builds() {
    let deep = format!("{} deep\n", ">".repeat(10_000));
    let lists = format!("{}x\n", "- ".repeat(10_000));
    let long_line = "word ".repeat(200_000);
    let broken = format!("{} [the end](missing.md)", "word ".repeat(200_000));
    let dir = site(
        "",
        &[
            ("content/quotes.md", &page("Quotes", &deep)),
            ("content/lists.md", &page("Lists", &lists)),
            ("content/line.md", &page("Line", &long_line)),
        ],
    );
    let out = build(dir.path(), 1);
    let error = |file: &str, line: String| {
        format!(
            "content/{file}.md:5:101: error: lists, quotes or HTML elements are nested more than 100 levels deep here
 5 | {line}…
   | {}^
  help: flatten the structure: pages need a few levels at most (deep nesting is usually pasted or generated text)
",
            " ".repeat(100)
        )
    };
    let expected = format!(
        "{}\n{}error: the site was not built: 2 errors; the output folder was not changed\n",
        error("lists", "- ".repeat(200)),
        error("quotes", ">".repeat(400)),
    );
    assert_eq!(out, expected);
    // A 1 MB line builds; an error on it shows a window of the line, not all of it.
    std::fs::remove_file(dir.path().join("content/quotes.md")).unwrap();
    std::fs::remove_file(dir.path().join("content/lists.md")).unwrap();
    build(dir.path(), 0);
    write(dir.path(), "content/line.md", &page("Line", &broken));
    let out = build(dir.path(), 1);
    assert!(
        out.starts_with("content/line.md:5:1000002: error: broken link"),
        "{}",
        &out[..200]
    );
    assert!(out.len() < 1500, "{} bytes of messages", out.len());
}

#[test]
fn symbolic_links_out_of_the_site_loops_and_dangling_links_are_skipped() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret.md",
        &page("Secret", "Not for the site."),
    );
    let dir = site(
        "",
        &[
            ("content/shared/real.md", &page("Real", "Shared text.")),
            ("static/images/logo.png", b"png"),
        ],
    );
    let link =
        |target: &Path, at: &str| std::os::unix::fs::symlink(target, dir.path().join(at)).unwrap();
    link(outside.path(), "content/elsewhere");
    link(Path::new(".."), "content/shared/loop");
    link(Path::new("nowhere.md"), "content/dangling.md");
    link(Path::new("shared/real.md"), "content/copy.md");
    link(Path::new("images/logo.png"), "static/logo.png");
    link(&outside.path().join("secret.md"), "static/secret.txt");
    let out = build(dir.path(), 0);
    let shown = outside.path().display();
    assert_eq!(
        messages(&out),
        format!(
            "content/dangling.md: warning: symbolic link to nowhere.md, which does not exist, skipped
  help: remove the link, or point it at a file in the site

content/elsewhere: warning: symbolic link to {shown}, outside the site folder, skipped
  help: copy the files into the site, or set follow_symlinks = true under [build] in site.toml if you trust where the link leads

content/shared/loop: warning: symbolic link loop: it leads back to content/, which contains it; skipped
  help: remove the link, or point it at a folder that does not contain it

static/secret.txt: warning: symbolic link to {shown}/secret.md, outside the site folder, skipped
  help: copy the files into the site, or set follow_symlinks = true under [build] in site.toml if you trust where the link leads"
        )
    );
    let public = dir.path().join("public");
    // Links inside the site are followed.
    assert!(public.join("copy/index.html").is_file() && public.join("logo.png").is_file());
    assert!(!public.join("elsewhere").exists() && !public.join("secret.txt").exists());
    // follow_symlinks trusts links out of the site; the loop is still skipped.
    write(
        dir.path(),
        "site.toml",
        format!("{SITE_TOML}[build]\nfollow_symlinks = true\n").as_bytes(),
    );
    let out = build(dir.path(), 0);
    assert_eq!(out.matches("warning:").count(), 2, "{out}");
    assert!(read(&public, "elsewhere/secret/index.html").contains("Not for the site."));
    assert_eq!(
        read(&public, "secret.txt"),
        read(outside.path(), "secret.md")
    );
}

#[test]
fn an_unreadable_file_is_an_error_naming_it() {
    let dir = site("", &[("content/locked.md", &page("Locked", "x"))]);
    let locked = dir.path().join("content/locked.md");
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    // root reads anything: run freda as `nobody` then, which needs to reach the site.
    let as_root =
        std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
    let out: Output = if as_root {
        for p in [dir.path().to_path_buf(), dir.path().join("content")] {
            std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o777))
                .unwrap();
        }
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_freda"))
            .arg("build")
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("setpriv (util-linux) runs freda as nobody")
    } else {
        freda(dir.path(), &["build"])
    };
    assert_eq!(
        stderr(&out),
        "content/locked.md: error: cannot read the file: Permission denied (os error 13)
  help: ask whoever manages the folder to let you read the file, e.g. `chmod a+r` on Linux
error: the site was not built: 1 error; the output folder was not changed
"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unsafe_slugs_paths_aliases_and_downloads_are_refused() {
    let front = |title: &str, extra: &str| {
        format!("+++\ntitle = \"{title}\"\nsummary = \"S\"\n{extra}\n+++\nx\n").into_bytes()
    };
    let dir = site(
        "",
        &[
            ("content/a.md", &front("A", "slug = \"..\\\\..\\\\windows\"")),
            ("content/b.md", &front("B", "path = \"/etc/passwd/%2e%2e\"")),
            ("content/c.md", &front("C", "aliases = [\"/old/%2e%2e/%2E%2e/etc/\", \"/a%2fb/\", \"/x/aux/\", \"/nul\\u0000/\"]")),
            ("content/nul.md", &front("Nul", "")),
            ("content/d.md", &front("D", "path = \"guides/com1\"")),
            ("content/guides/_index.md", &front("Guide", "type = \"guide\"\ndownloads = [{ title = \"One\", file = \"/downloads/%2e%2e/%2e%2e/%2e%2e/etc/passwd\" }, { title = \"Two\", file = \"/downloads/lpt1.pdf\" }]")),
        ],
    );
    let parent = read_dir(dir.path().parent().unwrap());
    let help = "help: write the old address as plain path parts, e.g. aliases = [\"/old/restraint-review/\"]";
    assert_eq!(
        build(dir.path(), 1),
        format!("content/a.md:4:8: error: slug \"..\\..\\windows\" would write outside the output folder
 4 | slug = \"..\\\\..\\\\windows\"
   |        ^^^^^^^^^^^^^^^^^
  help: a slug is one URL segment of letters, digits and hyphens, e.g. slug = \"restraint-review\"

content/c.md:4:11: error: alias \"/nul␀/\" is not a path on this site
 4 | aliases = [\"/old/%2e%2e/%2E%2e/etc/\", \"/a%2fb/\", \"/x/aux/\", \"/nul\\u0000/\"]
   |           {list}
  help: write an old address of this site, e.g. aliases = [\"/old/restraint-review/\"]
content/c.md:4:12: error: alias \"/old/%2e%2e/%2E%2e/etc/\" cannot be written safely: it has a `.` or `..` part, which leads out of its folder
 4 | aliases = [\"/old/%2e%2e/%2E%2e/etc/\", \"/a%2fb/\", \"/x/aux/\", \"/nul\\u0000/\"]
   |            ^^^^^^^^^^^^^^^^^^^^^^^^^
  {}
content/c.md:4:39: error: alias \"/a%2fb/\" cannot be written safely: it has an encoded slash or a backslash
 4 | aliases = [\"/old/%2e%2e/%2E%2e/etc/\", \"/a%2fb/\", \"/x/aux/\", \"/nul\\u0000/\"]
   |                                       ^^^^^^^^^
  {}
content/c.md:4:50: error: alias \"/x/aux/\" cannot be written safely: Windows reserves that name (CON, PRN, AUX, NUL, COM1–9, LPT1–9, or a name ending in a dot or space)
 4 | aliases = [\"/old/%2e%2e/%2E%2e/etc/\", \"/a%2fb/\", \"/x/aux/\", \"/nul\\u0000/\"]
   |                                                  ^^^^^^^^^
  {}

content/d.md:4:8: error: the address /hr/guides/com1/ has the part \"com1\", a name that Windows reserves for devices
 4 | path = \"guides/com1\"
   |        ^^^^^^^^^^^^^
  help: Windows hosts cannot store it (nor CON, PRN, AUX, NUL, COM1–9, LPT1–9); change that part of the path, e.g. to \"com1-guide\"

content/nul.md:1:1: error: the address /hr/nul/ has the part \"nul\", a name that Windows reserves for devices
 1 | +++
   | ^^^
  help: Windows hosts cannot store it (nor CON, PRN, AUX, NUL, COM1–9, LPT1–9); set another slug, e.g. slug = \"nul-guide\"
error: the site was not built: 7 errors; the output folder was not changed
", help, help, help, list = "^".repeat(64))
    );
    // `path` values are made of slugs, so "%2e%2e" there is harmless text.
    for page in ["a", "c", "d", "nul"] {
        std::fs::remove_file(dir.path().join(format!("content/{page}.md"))).unwrap();
    }
    assert_eq!(
        build(dir.path(), 1),
        "content/guides/_index.md:5:40: error: download \"downloads/%2e%2e/%2e%2e/%2e%2e/etc/passwd\" is not a safe path: it has a `.` or `..` part, which leads out of its folder
 5 | downloads = [{ title = \"One\", file = \"/downloads/%2e%2e/%2e%2e/%2e%2e/etc/passwd\" }, { title = \"Two\", file = \"/downloads/lpt1.pdf\" }]
   |                                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  help: give the file's path under static/ in plain parts, e.g. file = \"/downloads/report.pdf\"
content/guides/_index.md:5:112: error: download \"downloads/lpt1.pdf\" is not a safe path: Windows reserves that name (CON, PRN, AUX, NUL, COM1–9, LPT1–9, or a name ending in a dot or space)
 5 | downloads = [{ title = \"One\", file = \"/downloads/%2e%2e/%2e%2e/%2e%2e/etc/passwd\" }, { title = \"Two\", file = \"/downloads/lpt1.pdf\" }]
   |                                                                                                                ^^^^^^^^^^^^^^^^^^
  help: give the file's path under static/ in plain parts, e.g. file = \"/downloads/report.pdf\"
error: the site was not built: 2 errors; the output folder was not changed
"
    );
    assert_eq!(
        read_dir(dir.path().parent().unwrap()),
        parent,
        "nothing new next to the site"
    );
    assert!(!dir.path().join("public").exists());
}

fn read_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn names_that_differ_only_in_case_or_normalisation_are_reported() {
    let dir = site(
        "",
        &[
            ("content/Caf\u{e9}.md", &page("Cafe one", "x")),
            ("content/Cafe\u{301}.md", &page("Cafe two", "x")),
            ("content/Visiting.md", &page("Visiting one", "x")),
            ("content/visiting.md", &page("Visiting two", "x")),
        ],
    );
    let clash = |page: &str, other: &str, url: &str| {
        format!("content/{page}.md:1:1: error: the URL /hr/{url}/ is also used by content/{other}.md, whose name differs from this one only in upper and lower case or in how accents are encoded
 1 | +++
   | ^^^
  help: rename the file, or give it a different slug = \"…\"
")
    };
    assert_eq!(
        build(dir.path(), 1),
        format!(
            "{}\n{}error: the site was not built: 2 errors; the output folder was not changed\n",
            clash("Caf\u{e9}", "Cafe\u{301}", "cafe"),
            clash("visiting", "Visiting", "visiting")
        )
    );
    std::fs::remove_file(dir.path().join("content/Cafe\u{301}.md")).unwrap();
    std::fs::remove_file(dir.path().join("content/visiting.md")).unwrap();
    write(dir.path(), "static/images/Ward.png", b"1");
    write(dir.path(), "static/images/ward.png", b"2");
    write(dir.path(), "static/images/aux.png", b"3");
    write(dir.path(), "content/R\u{e9}sum\u{e9}.pdf", b"4");
    write(dir.path(), "content/Re\u{301}sume\u{301}.pdf", b"5");
    assert_eq!(
        messages(&build(dir.path(), 0)),
        "content/R\u{e9}sum\u{e9}.pdf: warning: this file and content/Re\u{301}sume\u{301}.pdf differ only in upper and lower case or in how accents are encoded: a case-insensitive host (Windows, macOS, SharePoint) keeps only one of them
  help: rename one of them, e.g. to all lowercase

static/images/aux.png: warning: \"aux.png\" is a name that Windows reserves for devices, so a host on Windows cannot store this file
  help: rename the file (CON, PRN, AUX, NUL, COM1–9 and LPT1–9 are reserved, with any extension)

static/images/ward.png: warning: this file and static/images/Ward.png differ only in upper and lower case or in how accents are encoded: a case-insensitive host (Windows, macOS, SharePoint) keeps only one of them
  help: rename one of them, e.g. to all lowercase"
    );
}

#[test]
fn a_page_s_terms_show_in_vocabulary_order_once_each() {
    let vocabulary = "[taxonomies.rights]\nlabel = \"Rights\"\n[[taxonomies.rights.terms]]\nslug = \"article-3\"\nlabel = \"Article 3\"\n[[taxonomies.rights.terms]]\nslug = \"article-8\"\nlabel = \"Article 8\"\n[taxonomies.topics]\nlabel = \"Topics\"\nopen = true\n";
    let front = "+++\ntitle = \"Terms\"\nsummary = \"S\"\n[taxonomies]\nrights = [\"article-8\", \"article-3\", \"article-8\"]\ntopics = [\"zebra\", \"apple\"]\n+++\nx\n";
    let dir = site(vocabulary, &[("content/terms.md", front.as_bytes())]);
    build(dir.path(), 0);
    let html = read(&dir.path().join("public"), "terms/index.html");
    let order = [
        "/rights/article-3/",
        "/rights/article-8/",
        "/topics/apple/",
        "/topics/zebra/",
    ];
    for url in order {
        let count = html.matches(&format!("href=\"/hr{url}\"")).count();
        assert_eq!(count, 1, "{url} once: {html}");
    }
    let at: Vec<usize> = order
        .iter()
        .map(|url| html.find(&format!("href=\"/hr{url}\"")).unwrap())
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "vocabulary order: {at:?}"
    );
}
