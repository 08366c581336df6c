//! The questions with scripted answers: every type, refused answers asked
//! again, open vocabularies made into slugs, languages.

use std::collections::VecDeque;
use std::fs;

use anyhow::{anyhow, Result};
use toml::Table;

use super::*;
use crate::scaffold::{new_content, page_url, render_template};

const TODAY: (i32, u32, u32) = (2024, 3, 1);

/// One scripted answer.
#[derive(Debug)]
enum A {
    Choose(usize),
    Many(Vec<usize>),
    Text(&'static str),
    Yes(bool),
}

/// Answers from a script; records the questions and what was told.
#[derive(Default)]
struct Script {
    answers: VecDeque<A>,
    asked: Vec<String>,
    told: Vec<String>,
    notes: Vec<String>,
}

impl Script {
    fn new(answers: Vec<A>) -> Script {
        Script {
            answers: answers.into(),
            ..Script::default()
        }
    }

    fn next(&mut self, prompt: &str) -> Result<A> {
        self.asked.push(prompt.to_string());
        self.answers
            .pop_front()
            .ok_or_else(|| anyhow!("script ended at: {prompt}"))
    }
}

impl Answers for Script {
    fn choose(&mut self, prompt: &str, _: &[String], _: usize) -> Result<usize> {
        match self.next(prompt)? {
            A::Choose(i) => Ok(i),
            a => Err(anyhow!("{prompt}: expected a choice, got {a:?}")),
        }
    }
    fn choose_many(&mut self, prompt: &str, _: &[String]) -> Result<Vec<usize>> {
        match self.next(prompt)? {
            A::Many(v) => Ok(v),
            a => Err(anyhow!("{prompt}: expected choices, got {a:?}")),
        }
    }
    fn text(&mut self, prompt: &str) -> Result<String> {
        match self.next(prompt)? {
            A::Text(t) => Ok(t.to_string()),
            a => Err(anyhow!("{prompt}: expected text, got {a:?}")),
        }
    }
    fn confirm(&mut self, prompt: &str, _: bool) -> Result<bool> {
        match self.next(prompt)? {
            A::Yes(y) => Ok(y),
            a => Err(anyhow!("{prompt}: expected yes or no, got {a:?}")),
        }
    }
    fn tell(&mut self, message: &str) {
        self.told.push(message.to_string());
    }
    fn note(&mut self, message: &str) {
        self.notes.push(message.to_string());
    }
}

/// A site folder with the starter's site.toml (two languages, four closed
/// vocabularies and the open "topics"), under a subpath.
fn site_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let toml = include_str!("../../../site.toml").replace(
        "base_url = \"https://example.org/\"",
        "base_url = \"https://trust.example/hr/\"",
    );
    fs::write(dir.path().join("site.toml"), toml).unwrap();
    dir
}

fn config(dir: &tempfile::TempDir) -> Config {
    Config::load(dir.path()).unwrap()
}

fn setting<'a>(dir: &'a tempfile::TempDir, config: &'a Config) -> Setting<'a> {
    Setting {
        site_root: dir.path(),
        config,
        kind: None,
        section: None,
        today: TODAY,
    }
}

/// No term ticked in the four closed vocabularies, none typed for topics.
fn no_terms() -> Vec<A> {
    vec![
        A::Many(vec![]),
        A::Many(vec![]),
        A::Many(vec![]),
        A::Many(vec![]),
        A::Text(""),
    ]
}

fn run(dir: &tempfile::TempDir, script: Vec<A>) -> (Result<Chosen>, Script) {
    let config = config(dir);
    let mut answers = Script::new(script);
    let chosen = ask(&mut answers, setting(dir, &config));
    (chosen, answers)
}

/// Writes the chosen page as `freda new` does; returns the path and text.
fn write(dir: &tempfile::TempDir, chosen: &Chosen) -> (std::path::PathBuf, String) {
    let opts = NewOptions {
        site_root: dir.path(),
        kind: chosen.kind,
        title: &chosen.title,
        section: chosen.section.as_deref(),
        today: TODAY,
        filled: Some(&chosen.filled),
    };
    let path = new_content(&opts).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    (path, text)
}

fn front_matter(text: &str) -> Table {
    let raw = text.strip_prefix("+++\n").unwrap();
    let end = raw.find("\n+++\n").unwrap();
    toml::from_str(&raw[..end]).unwrap()
}

#[test]
fn every_type_without_extra_answers_is_the_plain_template() {
    for (i, kind) in NewKind::ALL.into_iter().enumerate() {
        let dir = site_dir();
        let mut script = vec![A::Choose(i)];
        if kind == NewKind::GuidePart {
            fs::create_dir_all(dir.path().join("content/guides/consent")).unwrap();
            script.push(A::Text("guides/consent"));
        }
        script.extend([A::Choose(0), A::Text("  Restraint review  ")]);
        if kind == NewKind::CaseStudy {
            script.extend([A::Text("Ward 7"), A::Text(""), A::Text(""), A::Text("")]);
        }
        if kind != NewKind::Guide {
            script.extend(no_terms());
        }
        let (chosen, answers) = run(&dir, script);
        let chosen = chosen.unwrap();
        assert!(answers.answers.is_empty(), "{kind}: unused answers");
        assert_eq!(chosen.kind, kind);
        assert_eq!(chosen.title, "Restraint review");
        assert_eq!(chosen.filled.lang, None);
        let (path, text) = write(&dir, &chosen);
        if kind == NewKind::CaseStudy {
            // Only the organisation line differs from the plain template.
            let plain = render_template(kind, "Restraint review", TODAY);
            let plain = plain.replace(
                "organisation = \"Add the organisation's name\"",
                "organisation = \"Ward 7\"",
            );
            assert_eq!(text, plain);
        } else if kind != NewKind::GuidePart {
            assert_eq!(
                text,
                render_template(kind, "Restraint review", TODAY),
                "{kind}"
            );
        }
        let fm = front_matter(&text);
        assert_eq!(fm["title"].as_str(), Some("Restraint review"));
        assert!(path.starts_with(dir.path().join("content")), "{kind}");
    }
}

#[test]
fn asks_again_for_a_type_not_in_the_list() {
    let dir = site_dir();
    let mut script = vec![A::Choose(42), A::Choose(0), A::Choose(0), A::Text("About")];
    script.extend(no_terms());
    let (chosen, answers) = run(&dir, script);
    assert_eq!(chosen.unwrap().kind, NewKind::Page);
    assert_eq!(answers.told, ["Choose one of the 9 items in the list."]);
}

#[test]
fn a_type_given_on_the_command_line_is_not_asked() {
    let dir = site_dir();
    let config = config(&dir);
    let mut script = vec![A::Choose(0), A::Text("Launch")];
    script.extend(no_terms());
    let mut answers = Script::new(script);
    let s = Setting {
        kind: Some(NewKind::Event),
        ..setting(&dir, &config)
    };
    let chosen = ask(&mut answers, s).unwrap();
    assert_eq!(chosen.kind, NewKind::Event);
    assert_eq!(answers.asked[0], "Language of the page");
}

#[test]
fn empty_and_unusable_titles_are_asked_again() {
    let dir = site_dir();
    fs::create_dir_all(dir.path().join("content")).unwrap();
    fs::write(dir.path().join("content/about.md"), "x").unwrap();
    let mut script = vec![A::Choose(0), A::Choose(0)];
    for t in ["", "   ", "?!", "CON", "About", "  About us "] {
        script.push(A::Text(t));
    }
    script.extend(no_terms());
    let (chosen, answers) = run(&dir, script);
    assert_eq!(chosen.unwrap().title, "About us");
    let about = dir.path().join("content/about.md");
    assert_eq!(
        answers.told,
        [
            "The title must contain letters or digits.".to_string(),
            "The title must contain letters or digits.".to_string(),
            "The title must contain letters or digits.".to_string(),
            "The title would make the file name \"con\", which Windows reserves for devices; add a word to the title.".to_string(),
            format!("{} already exists; freda new never overwrites files. Choose a different title, or edit the existing file", about.display()),
        ]
    );
}

#[test]
fn a_long_title_is_kept_only_when_confirmed() {
    let long = "A very long title about restraint, seclusion and the human rights act";
    assert!(long.chars().count() > TITLE_LIMIT);
    let dir = site_dir();
    let mut script = vec![A::Choose(0), A::Choose(0)];
    script.extend([A::Text(long), A::Yes(false), A::Text(long), A::Yes(true)]);
    script.extend(no_terms());
    let (chosen, answers) = run(&dir, script);
    assert_eq!(chosen.unwrap().title, long);
    let warning = "This title has 69 characters; titles of at most 65 are easier to read in lists and search results.";
    assert_eq!(answers.told, [warning, warning]);
}

#[test]
fn terms_not_in_the_list_are_refused_and_repeats_dropped() {
    let dir = site_dir();
    let mut script = vec![A::Choose(0), A::Choose(0), A::Text("Consent")];
    script.extend([
        A::Many(vec![0, 99]),
        A::Many(vec![2, 0, 2]),
        A::Many(vec![4]),
        A::Many(vec![]),
        A::Many(vec![0, 8]),
        A::Text(""),
    ]);
    let (chosen, answers) = run(&dir, script);
    let chosen = chosen.unwrap();
    assert_eq!(
        answers.told,
        ["There is no choice number 100: tick terms from the list of 12."]
    );
    let terms: Vec<(&str, Vec<&str>)> = (chosen.filled.terms.iter())
        .map(|(k, v)| (k.as_str(), v.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        terms,
        [
            ("rights", vec!["article-2", "article-5"]),
            ("principles", vec!["autonomy"]),
            ("audiences", vec![]),
            ("settings", vec!["mental-health", "social-care"]),
            ("topics", vec![]),
        ]
    );
    // The closed vocabularies show their labels, with their description.
    assert_eq!(
        answers.asked[3],
        "Rights (Space ticks, Enter when done; none is fine)"
    );
    assert!(
        answers.notes[0].starts_with("Rights: Rights protected by"),
        "{:?}",
        answers.notes
    );
    let (_, text) = write(&dir, &chosen);
    assert!(
        text.contains("\nrights = [\"article-2\", \"article-5\"]\n"),
        "{text}"
    );
    assert!(
        text.contains("\n#   article-2 (Article 2: Right to life)\n"),
        "{text}"
    );
    assert!(text.contains("\naudiences = []\n"));
    let fm = front_matter(&text);
    assert_eq!(fm["taxonomies"]["principles"][0].as_str(), Some("autonomy"));
}

#[test]
fn open_vocabularies_are_typed_and_made_into_slugs() {
    let dir = site_dir();
    let mut script = vec![A::Choose(0), A::Choose(0), A::Text("Consent")];
    script.extend(no_terms().into_iter().take(4));
    script.push(A::Text(
        " Restraint, Co-production,, !!!, Human Rights Act , restraint",
    ));
    let (chosen, answers) = run(&dir, script);
    let chosen = chosen.unwrap();
    assert_eq!(
        chosen.filled.terms["topics"],
        ["restraint", "co-production", "human-rights-act"]
    );
    assert_eq!(
        answers.told,
        ["\"!!!\" has no letters or digits, so it is left out."]
    );
    assert_eq!(
        answers.notes[4],
        "Topics: Subjects that the material covers. Editors may add new topics."
    );
    assert!(answers.notes[5].starts_with("Already in use: freda, co-production, "));
    assert_eq!(
        answers.notes[6],
        "Written as: restraint, co-production, human-rights-act"
    );
    assert_eq!(
        answers.asked[7],
        "Topics, separated by commas (Enter for none)"
    );
}

#[test]
fn a_case_study_asks_for_its_organisation() {
    let dir = site_dir();
    let mut script = vec![A::Choose(3), A::Choose(0), A::Text("Ward 7")];
    script.extend([
        A::Text("  "),
        A::Text("Mersey \"Care\" Trust"),
        A::Text("NHS trust"),
        A::Text(""),
        A::Text("24"),
        A::Text("next year"),
        A::Text("2023"),
    ]);
    script.extend(no_terms());
    let (chosen, answers) = run(&dir, script);
    let chosen = chosen.unwrap();
    assert_eq!(
        answers.told,
        [
            "A case study needs the organisation's name.",
            "Type the year as four digits, e.g. 2024.",
            "Type the year as four digits, e.g. 2024.",
        ]
    );
    let (path, text) = write(&dir, &chosen);
    assert_eq!(path, dir.path().join("content/case-studies/ward-7.md"));
    let fm = front_matter(&text);
    assert_eq!(fm["organisation"].as_str(), Some("Mersey \"Care\" Trust"));
    assert_eq!(fm["org_type"].as_str(), Some("NHS trust"));
    assert_eq!(fm["year"].as_integer(), Some(2023));
    // Skipped: the template's example stays, and every comment stays.
    assert_eq!(
        fm["region"].as_str(),
        Some("Add the region, e.g. North West England")
    );
    assert!(
        text.contains("# The organisation this case study is about (required).\norganisation = ")
    );
    assert!(text.contains("# The year the work took place: a number, no quotes.\nyear = 2023\n"));
}

#[test]
fn a_guide_part_asks_for_an_existing_guide() {
    let dir = site_dir();
    fs::create_dir_all(dir.path().join("content/guides/consent")).unwrap();
    let mut script = vec![A::Choose(2)];
    script.extend([
        A::Text("guides/missing"),
        A::Text("../outside"),
        A::Text(""),
        A::Text("guides/consent/"),
        A::Choose(0),
        A::Text("Part one"),
    ]);
    script.extend(no_terms());
    let (chosen, answers) = run(&dir, script);
    let chosen = chosen.unwrap();
    assert_eq!(chosen.section.as_deref(), Some("guides/consent"));
    assert_eq!(
        answers.told,
        [
            "There is no folder content/guides/missing. Create the guide first with: freda new guide \"Its title\"",
            "--section \"../outside\" must not contain \"..\": give a folder inside content/.",
            "Type the folder of the guide, e.g. guides/my-guide.",
        ]
    );
    let (path, _) = write(&dir, &chosen);
    assert_eq!(path, dir.path().join("content/guides/consent/part-one.md"));
}

#[test]
fn another_language_names_the_file_and_labels_the_terms() {
    let dir = site_dir();
    let mut script = vec![A::Choose(3), A::Choose(1), A::Text("Ward 7")];
    script.extend([
        A::Text("Bwrdd Iechyd"),
        A::Text(""),
        A::Text(""),
        A::Text(""),
    ]);
    script.extend(no_terms());
    let (chosen, answers) = run(&dir, script);
    let chosen = chosen.unwrap();
    assert_eq!(chosen.filled.lang.as_deref(), Some("cy"));
    // The term questions are in the page's language.
    assert!(
        answers.asked.iter().any(|q| q.starts_with("Hawliau (")),
        "{:?}",
        answers.asked
    );
    let (path, text) = write(&dir, &chosen);
    assert_eq!(path, dir.path().join("content/case-studies/ward-7.cy.md"));
    assert!(
        text.contains("#   article-2 (Erthygl 2: Yr hawl i fywyd)\n"),
        "{text}"
    );
    assert_eq!(
        page_url(dir.path(), &path).as_deref(),
        Some("https://trust.example/hr/cy/case-studies/ward-7/")
    );
}

#[test]
fn one_language_is_not_asked() {
    let dir = tempfile::tempdir().unwrap();
    let toml = include_str!("../../../site.toml");
    let toml = &toml[..toml.find("[languages.cy]").unwrap()];
    fs::write(dir.path().join("site.toml"), toml).unwrap();
    let mut script = vec![A::Choose(7), A::Text("Launch")];
    script.extend(no_terms());
    let (chosen, answers) = run(&dir, script);
    assert_eq!(chosen.unwrap().kind, NewKind::Event);
    assert!(!answers.asked.iter().any(|q| q.contains("Language")));
}

#[test]
fn the_url_is_the_one_the_build_gives() {
    let dir = site_dir();
    let content = dir.path().join("content");
    fs::create_dir_all(content.join("case-studies")).unwrap();
    // A section's slug changes its pages' addresses: the build decides.
    fs::write(
        content.join("case-studies/_index.md"),
        "+++\ntitle = \"Stories\"\nslug = \"stories\"\n+++\n",
    )
    .unwrap();
    let mut script = vec![A::Choose(3), A::Choose(0), A::Text("Ward 7")];
    script.extend([A::Text("Trust"), A::Text(""), A::Text(""), A::Text("")]);
    script.extend(no_terms());
    let (chosen, _) = run(&dir, script);
    let (path, _) = write(&dir, &chosen.unwrap());
    assert_eq!(
        page_url(dir.path(), &path).as_deref(),
        Some("https://trust.example/hr/stories/ward-7/")
    );
    let mut script = vec![A::Choose(1), A::Choose(0), A::Text("Consent")];
    script.truncate(3);
    let (chosen, _) = run(&dir, script);
    let (path, _) = write(&dir, &chosen.unwrap());
    assert_eq!(
        page_url(dir.path(), &path).as_deref(),
        Some("https://trust.example/hr/guides/consent/")
    );
}
