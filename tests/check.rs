//! `freda check`: governance rules, output formats and exit codes.

use crate::common::{fixture, freda, read, repo, starter, stderr};

const TODAY: [&str; 2] = ["--today", "2026-11-29"];

fn check(site: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["check"];
    args.extend_from_slice(&TODAY);
    args.extend_from_slice(extra);
    freda(site, &args)
}

#[test]
fn governance_rules_fire_with_exact_messages() {
    let site = fixture("sites", "governance");
    let out = check(site.path(), &[]);
    let expected = read(&repo().join("tests/sites/governance"), "expected-check.txt");
    assert_eq!(stderr(&out), expected);
    assert_eq!(out.status.code(), Some(0), "warnings alone do not fail");
    assert!(!site.path().join("public").exists(), "check writes nothing");
}

#[test]
fn exit_codes_follow_strict_and_deny_warnings() {
    let site = fixture("sites", "governance");
    assert_eq!(
        check(site.path(), &["--deny-warnings"]).status.code(),
        Some(2)
    );
    let strict = check(site.path(), &["--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(stderr(&strict).contains(
        "content/overdue.md:7:15: error: the review was due on 1 October 2026 (59 days ago)"
    ));
}

#[test]
fn json_output_has_a_stable_schema() {
    let site = fixture("sites", "governance");
    let out = check(site.path(), &["--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_json_snapshot!("check_json", value);
}

#[test]
fn report_lists_pages_by_owner_and_urgency() {
    let site = fixture("sites", "governance");
    let out = check(site.path(), &["--report"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "\
Owner       Status          Page                               Last reviewed  Next review
(no owner)  no review date  content/unowned.md                 –              –
(no owner)  archived        content/archived.md                –              2020-01-01
Editor      overdue         content/overdue.md                 2025-01-01     2026-10-01
Editor      due soon        content/due-soon.md                2026-01-01     2026-12-10
Editor      no review date  content/lint.md                    2026-01-01     –
Editor      current         content/cases/missing-outcomes.md  2026-01-01     2027-06-01
"
    );
}

#[test]
fn github_annotations() {
    let site = fixture("sites", "governance");
    let out = check(site.path(), &["--format", "github"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("::warning file=content/overdue.md,line=7,col=15::the review was due on 1 October 2026 (59 days ago) (review the page, then update last_reviewed and next_review)\n"),
        "{text}"
    );
    assert!(
        text.contains("::notice file=content/due-soon.md,line=7,col=15::"),
        "{text}"
    );
}

#[test]
fn colour_on_a_terminal_only() {
    let site = fixture("sites", "governance");
    let plain = check(site.path(), &[]);
    assert!(
        !stderr(&plain).contains('\x1b'),
        "NO_COLOR and a pipe: no colour"
    );
    let forced = std::process::Command::new(env!("CARGO_BIN_EXE_freda"))
        .args(["check", TODAY[0], TODAY[1]])
        .current_dir(site.path())
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    let text = stderr(&forced);
    assert!(text.contains("\x1b[1m\x1b[33mwarning\x1b[0m"), "{text}");
}

#[test]
fn the_starter_is_clean() {
    let site = starter();
    let out = check(site.path(), &["--strict", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("Checked "), "{}", stderr(&out));
}

#[test]
fn invalid_sites_fail_check_too() {
    let site = fixture("sites_invalid", "unknown-term");
    let out = check(site.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: unknown term \"artcle-8\""),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out)
            .trim_end()
            .ends_with("Checked the site: 1 error, 0 warnings, 0 notes"),
        "{}",
        stderr(&out)
    );
}

/// Runs `freda check` on one folder of `tests/sites_check/` (with the
/// options in its `args.txt`, if any) and returns its standard error and
/// exit code in the form of its `expected.txt`.
fn check_fixture(name: &str) -> String {
    let site = fixture("sites_check", name);
    let args = std::fs::read_to_string(site.path().join("args.txt")).unwrap_or_default();
    let extra: Vec<&str> = args.split_whitespace().collect();
    let out = check(site.path(), &extra);
    format!("{}exit code: {:?}\n", stderr(&out), out.status.code())
}

/// One fixture per rule: each fires exactly its own message at the right
/// `file:line:col`, and nothing else. `FREDA_BLESS=1` rewrites `expected.txt`.
#[test]
fn each_rule_fires_on_its_own_fixture() {
    let root = repo().join("tests/sites_check");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 20, "a fixture per rule: {names:?}");
    let mut failures = Vec::new();
    for name in &names {
        let got = check_fixture(name);
        let path = root.join(name).join("expected.txt");
        if std::env::var_os("FREDA_BLESS").is_some() {
            std::fs::write(&path, &got).unwrap();
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        let findings = got.lines().filter(|l| l.starts_with("content/")).count();
        if got != expected || findings != 1 {
            failures.push(format!(
                "{name} ({findings} findings):\n--- expected\n{expected}--- got\n{got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `check` renders no term pages, but links to them by path are good.
#[test]
fn links_by_path_to_term_pages_are_good() {
    let site = fixture("sites", "governance");
    std::fs::write(
        site.path().join("content/tagged.md"),
        "+++\ntitle = \"Tagged\"\nsummary = \"A page with a topic.\"\n\n[taxonomies]\ntopics = [\"restraint\"]\n+++\nMore in [the restraint topic](/topics/restraint/) and [all topics](/topics/).\n",
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/_index.md"),
        "+++\ntitle = \"Home\"\n+++\nSee [the tagged page](@/tagged.md).\n",
    )
    .unwrap();
    let out = check(site.path(), &[]);
    let text = stderr(&out);
    assert!(!text.contains("tagged.md"), "{text}");
    assert_eq!(out.status.code(), Some(0), "{text}");
}
