//! The command line: help, `new`, `init`, and output-folder safety.

use crate::common::{fixture, freda, read, stderr};

#[test]
fn help_lists_the_commands() {
    let out = freda(std::path::Path::new("."), &["--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in ["build", "new", "init"] {
        assert!(text.contains(cmd), "{text}");
    }
}

#[test]
fn new_writes_a_page_of_every_type_that_builds() {
    let site = fixture("sites", "all-types");
    let kinds = [
        ("page", "A new page", None, "content/a-new-page.md"),
        (
            "case-study",
            "Ward 7's \"restraint\" review",
            None,
            "content/case-studies/ward-7-s-restraint-review.md",
        ),
        (
            "dos-donts",
            "Running workshops",
            None,
            "content/dos-and-donts/running-workshops.md",
        ),
        (
            "training",
            "Capacity basics",
            None,
            "content/training/capacity-basics.md",
        ),
        (
            "tool",
            "Privacy audit",
            None,
            "content/tools/privacy-audit.md",
        ),
        (
            "event",
            "Spring forum",
            None,
            "content/events/spring-forum.md",
        ),
        (
            "evaluation",
            "Pilot review",
            None,
            "content/evaluations/pilot-review.md",
        ),
        (
            "guide",
            "Consent guide",
            None,
            "content/guides/consent-guide/_index.md",
        ),
        (
            "guide-part",
            "Consent basics",
            Some("guides/consent-guide"),
            "content/guides/consent-guide/consent-basics.md",
        ),
    ];
    for (kind, title, section, path) in kinds {
        let mut args = vec!["new", kind, title];
        if let Some(s) = section {
            args.extend(["--section", s]);
        }
        let out = freda(site.path(), &args);
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        assert!(
            site.path().join(path).is_file(),
            "{kind}: {path} missing; {}",
            stderr(&out)
        );
    }
    let out = freda(site.path(), &["build", "--drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(
        &site.path().join("public"),
        "case-studies/ward-7-s-restraint-review/index.html",
    );
    assert!(
        html.contains("Ward 7’s “restraint” review")
            || html.contains("Ward 7&#39;s &quot;restraint&quot; review"),
        "{html}"
    );
}

#[test]
fn new_refuses_to_overwrite() {
    let site = fixture("sites", "all-types");
    assert!(freda(site.path(), &["new", "tool", "Same"])
        .status
        .success());
    let again = freda(site.path(), &["new", "tool", "Same"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn new_rejects_an_unknown_type_with_a_suggestion() {
    let site = fixture("sites", "all-types");
    let out = freda(site.path(), &["new", "case-studdy", "X"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("did you mean \"case-study\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let out = freda(dir.path(), &["init", "library"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = freda(&dir.path().join("library"), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir
        .path()
        .join("library/public/case-studies/index.html")
        .is_file());
    let again = freda(dir.path(), &["init", "library"]);
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn refuses_an_output_folder_it_did_not_create() {
    let site = fixture("sites", "all-types");
    let out_dir = site.path().join("mine");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("notes.txt"), "precious").unwrap();
    let out = freda(site.path(), &["build", "--output", "mine"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("it contains files freda did not create"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("notes.txt")).unwrap(),
        "precious"
    );
    let forced = freda(site.path(), &["build", "--output", "mine", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
}

#[test]
fn refuses_dangerous_output_folders_even_with_force() {
    let site = fixture("sites", "all-types");
    for dir in [".", "content", "/"] {
        let out = freda(site.path(), &["build", "--output", dir, "--force"]);
        assert_eq!(out.status.code(), Some(1), "{dir}");
        assert!(
            stderr(&out).starts_with("error: refusing to use"),
            "{dir}: {}",
            stderr(&out)
        );
    }
    assert!(site.path().join("content/about.md").is_file());
}

#[cfg(not(feature = "external-links"))]
#[test]
fn external_needs_the_http_client_feature() {
    let site = fixture("sites", "governance");
    let out = freda(site.path(), &["check", "--external"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("error: this freda was built without the external-links feature"),
        "{}",
        stderr(&out)
    );
}

#[cfg(not(feature = "bundle"))]
#[test]
fn zip_needs_the_bundle_feature() {
    let site = fixture("sites", "governance");
    let out = freda(
        site.path(),
        &["build", "--relative", "--zip", "library.zip"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: this freda was built without the bundle feature, so it cannot write zip files; rebuild it with default features (cargo install freda, without --no-default-features)\n"
    );
    assert!(!site.path().join("public").exists());
}

#[test]
fn new_without_a_title_outside_a_terminal_is_a_usage_error() {
    // The tests' standard input is not a terminal, as in CI or a pipe.
    let site = fixture("sites", "all-types");
    let out = freda(site.path(), &["new", "case-study"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: the following required arguments were not provided:\n  <TITLE>\n\n\
         Usage: freda new <TYPE> <TITLE>\n\nFor more information, try '--help'.\n"
    );
    assert!(!site.path().join("content/case-studies").exists());
}

/// `freda new`'s questions in a pseudo-terminal, answered with the keys an
/// editor presses (arrow keys, Space, Enter).
#[cfg(all(target_os = "linux", feature = "interactive"))]
#[test]
fn new_asks_in_a_terminal() {
    const DOWN: &str = "\x1b[B";
    let dir = tempfile::tempdir().unwrap();
    let toml = include_str!("../site.toml").replace(
        "base_url = \"https://example.org/\"",
        "base_url = \"https://trust.example/hr/\"",
    );
    std::fs::write(dir.path().join("site.toml"), toml).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_freda"));
    command
        .arg("new")
        .current_dir(dir.path())
        .env("NO_COLOR", "1");
    let mut s = rexpect::session::spawn_command(command, Some(30_000)).unwrap();
    let mut step = |expect: &str, keys: &str| {
        s.exp_string(expect).unwrap();
        s.send(keys).unwrap();
        s.flush().unwrap();
    };
    step(
        "What do you want to create",
        &format!("{}\r", DOWN.repeat(3)),
    );
    step("Language of the page", "\r");
    step("Title", "Ward 7 restraint review\r");
    step("Organisation the case study", "Mersey Care\r");
    step("Kind of organisation", "\r");
    step("Region", "Wales\r");
    step("Year the work", "2023\r");
    step("Rights (Space", " \r");
    step("FREDA principles (Space", &format!("{DOWN} \r"));
    step("Audiences (Space", "\r");
    step("Care settings (Space", "\r");
    step("Topics, separated", "Restraint, Co-production\r");
    s.exp_string("Created content/case-studies/ward-7-restraint-review.md.")
        .unwrap();
    s.exp_string("https://trust.example/hr/case-studies/ward-7-restraint-review/")
        .unwrap();
    s.exp_string("freda serve --drafts").unwrap();
    s.exp_eof().unwrap();
    let text = read(
        dir.path(),
        "content/case-studies/ward-7-restraint-review.md",
    );
    for line in [
        "\ntitle = \"Ward 7 restraint review\"\n",
        "\norganisation = \"Mersey Care\"\n",
        "\norg_type = \"NHS mental health trust\"\n",
        "\nregion = \"Wales\"\n",
        "\nyear = 2023\n",
        "\nrights = [\"article-2\"]\n",
        "\nprinciples = [\"respect\"]\n",
        "\naudiences = []\n",
        "\ntopics = [\"restraint\", \"co-production\"]\n",
        "\nstatus = \"draft\"\n",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
}
