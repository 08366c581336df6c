//! Incremental builds (`freda serve`) equal fresh full builds, byte for byte.
//!
//! A seeded random sequence of editor actions (edit a body or a title,
//! retag, date, link, create, rename, delete, move a section, break and fix
//! front matter, edit a template, edit site.toml) runs on a copy of the
//! starter; after every step the incremental result is compared with a
//! fresh build of the same files.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use freda::build::{self, BuildError, BuildOptions};
use freda::content::date::Date;
use freda::incremental::{Files, Incremental};

use crate::common::{repo, starter};

/// A small deterministic generator (xorshift64*), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn words(&mut self, n: usize) -> String {
        const WORDS: [&str; 12] = [
            "dignity",
            "ward",
            "privacy",
            "family",
            "restraint",
            "consent",
            "advocacy",
            "meals",
            "visiting",
            "choice",
            "Article",
            "respect",
        ];
        (0..n)
            .map(|_| *self.pick(&WORDS))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        in_memory: true,
        today: Date::new(2026, 11, 30),
        ..BuildOptions::default()
    }
}

/// Markdown pages (not section indexes), relative to the site root.
fn pages(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|p| p.ends_with(".md") && !p.ends_with("_index.md"))
        .collect();
    out.sort();
    out
}

/// Whether any content file links to `rel` (a path under content/, or a folder prefix).
fn linked(root: &Path, rel: &str) -> bool {
    let target = format!("@/{}", rel.trim_start_matches("content/"));
    walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .any(|e| fs::read_to_string(e.path()).is_ok_and(|t| t.contains(&target)))
}

/// One random action; returns the paths it touched (as the watcher reports them).
fn act(
    root: &Path,
    rng: &mut Rng,
    step: usize,
    broken: &mut Option<(String, String)>,
) -> (String, Vec<String>) {
    if let Some((rel, text)) = broken.take() {
        fs::write(root.join(&rel), text).unwrap();
        return (format!("put back {rel}"), vec![rel]);
    }
    let all = pages(root);
    let rel = rng.pick(&all).clone();
    let path = root.join(&rel);
    let text = fs::read_to_string(&path).unwrap();
    match rng.below(12) {
        0 | 1 => {
            let more = format!("{text}\n{} {}.\n", rng.words(8), step);
            fs::write(&path, more).unwrap();
            (format!("edit body of {rel}"), vec![rel])
        }
        2 => {
            let title = format!("title = \"{} {step}\"", rng.words(3));
            let new = replace_line(&text, "title = ", &title);
            fs::write(&path, new).unwrap();
            (format!("retitle {rel}"), vec![rel])
        }
        3 => {
            let new = format!("{text}\n## {} {step}\n\nMore text.\n", rng.words(2));
            fs::write(&path, new).unwrap();
            (format!("add a heading to {rel}"), vec![rel])
        }
        4 => {
            let terms = ["article-8", "article-3", "article-14", "article-5"];
            let line = format!("rights = [\"{}\"]", rng.pick(&terms));
            fs::write(&path, replace_line(&text, "rights = ", &line)).unwrap();
            (format!("retag {rel}"), vec![rel])
        }
        5 => {
            let line = format!(
                "date = 2026-{:02}-{:02}",
                1 + rng.below(11),
                1 + rng.below(28)
            );
            fs::write(&path, replace_line(&text, "date = ", &line)).unwrap();
            (format!("redate {rel}"), vec![rel])
        }
        6 => {
            let to = rng.pick(&all).trim_start_matches("content/").to_string();
            fs::write(&path, format!("{text}\nSee [a related page](@/{to}).\n")).unwrap();
            (format!("link {rel} to {to}"), vec![rel])
        }
        7 => {
            let dir = Path::new(&rel)
                .parent()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let new = format!("{dir}/new-page-{step}.md");
            fs::write(
                root.join(&new),
                text.replace("title = \"", &format!("title = \"New {step} ")),
            )
            .unwrap();
            (format!("create {new}"), vec![new])
        }
        8 if !linked(root, &rel) => {
            // Within its folder: a typed page moved elsewhere (a case study
            // into tools/) would stay an error for the rest of the run.
            let dir = Path::new(&rel)
                .parent()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let new = format!("{dir}/moved-{step}.md");
            fs::rename(&path, root.join(&new)).unwrap();
            (format!("rename {rel} to {new}"), vec![rel, new])
        }
        9 if !linked(root, &rel) => {
            fs::remove_file(&path).unwrap();
            (format!("delete {rel}"), vec![rel])
        }
        10 => {
            *broken = Some((rel.clone(), text.clone()));
            fs::write(&path, text.replacen("title = ", "title = = ", 1)).unwrap();
            (format!("break front matter of {rel}"), vec![rel])
        }
        _ => site_wide(root, rng, step, broken),
    }
}

/// Actions on more than one page: a template, site.toml, a section folder.
fn site_wide(
    root: &Path,
    rng: &mut Rng,
    step: usize,
    broken: &mut Option<(String, String)>,
) -> (String, Vec<String>) {
    match rng.below(5) {
        0 => {
            let name = rng.pick(&[
                "case-study.html",
                "section.html",
                "macros.html",
                "taxonomy-term.html",
            ]);
            let shown = format!("templates/{name}");
            let file = root.join(&shown);
            let text = fs::read_to_string(&file).unwrap_or_else(|_| {
                fs::read_to_string(repo().join("themes/default/templates").join(name)).unwrap()
            });
            fs::create_dir_all(root.join("templates")).unwrap();
            fs::write(&file, format!("{text}{{# edit {step} #}}")).unwrap();
            (format!("edit {shown}"), vec![shown])
        }
        1 => {
            let toml = root.join("site.toml");
            let text = fs::read_to_string(&toml).unwrap();
            let line = format!("title = \"Library {step}\"");
            fs::write(&toml, replace_line(&text, "title = ", &line)).unwrap();
            ("edit site.toml".to_string(), vec!["site.toml".to_string()])
        }
        3 | 4 => {
            // Broken until the next step puts it back: a template, or site.toml.
            let rel = if rng.below(2) == 0 {
                "site.toml"
            } else {
                "templates/section.html"
            };
            let file = root.join(rel);
            let text = fs::read_to_string(&file).unwrap_or_else(|_| {
                fs::read_to_string(repo().join("themes/default/templates/section.html")).unwrap()
            });
            fs::create_dir_all(root.join("templates")).unwrap();
            *broken = Some((rel.to_string(), text.clone()));
            fs::write(&file, format!("{text}\n{{% if %}}\n[[[\n")).unwrap();
            (format!("break {rel}"), vec![rel.to_string()])
        }
        _ => {
            let (from, to) = if root.join("content/events").exists() {
                ("content/events", "content/learning-events")
            } else {
                ("content/learning-events", "content/events")
            };
            if linked(root, from) {
                return ("nothing".to_string(), Vec::new());
            }
            fs::rename(root.join(from), root.join(to)).unwrap();
            (
                format!("move {from} to {to}"),
                vec![from.to_string(), to.to_string()],
            )
        }
    }
}

fn replace_line(text: &str, start: &str, line: &str) -> String {
    let mut done = false;
    text.lines()
        .map(|l| {
            if !done && l.starts_with(start) {
                done = true;
                line.to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn outcome(r: Result<(Files, String), BuildError>) -> Result<(Files, String), String> {
    r.map_err(|e| match e {
        BuildError::Site(ds) => ds.render(),
        BuildError::Other(e) => format!("{e:#}"),
    })
}

fn fresh(root: &Path) -> Result<(Files, String), BuildError> {
    let r = build::render_only(&options(root))?;
    let files = r
        .files
        .into_iter()
        .map(|f| (f.path, f.contents.into()))
        .collect();
    Ok((files, r.diagnostics.render()))
}

fn compare(
    what: &str,
    inc: &Result<(Files, String), String>,
    full: &Result<(Files, String), String>,
) {
    match (inc, full) {
        (Ok((a, da)), Ok((b, db))) => {
            let paths: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for p in paths {
                if let Some(diff) = difference(a.get(p).map(|x| &**x), b.get(p).map(|x| &**x)) {
                    panic!("after {what}: {p} differs (incremental, then full):\n{diff}");
                }
            }
            assert_eq!(da, db, "after {what}: diagnostics differ");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "after {what}: errors differ"),
        _ => panic!(
            "after {what}: incremental {} but full {}",
            if inc.is_ok() { "built" } else { "failed" },
            if full.is_ok() { "built" } else { "failed" },
        ),
    }
}

/// Where two files first differ, with some context; `None` if they are equal.
fn difference(a: Option<&[u8]>, b: Option<&[u8]>) -> Option<String> {
    let (a, b) = match (a, b) {
        (Some(a), Some(b)) if a == b => return None,
        (Some(a), Some(b)) => (a, b),
        (a, b) => return Some(format!("present: {}, {}", a.is_some(), b.is_some())),
    };
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let around = |s: &[u8]| {
        String::from_utf8_lossy(&s[at.saturating_sub(120)..(at + 120).min(s.len())]).into_owned()
    };
    Some(format!("{}\n-----\n{}", around(a), around(b)))
}

#[test]
fn random_edits_build_the_same_as_full_builds() {
    let steps: usize = std::env::var("FREDA_INCREMENTAL_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let site = starter();
    let root = site.path();
    let mut inc = Incremental::new(options(root));
    let first = inc
        .build(&BTreeSet::new(), true)
        .map(|o| (o.files, o.diagnostics.render()));
    compare("the first build", &outcome(first), &outcome(fresh(root)));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut broken = None;
    let mut partial = 0;
    for step in 0..steps {
        let (what, touched) = act(root, &mut rng, step, &mut broken);
        let changed: BTreeSet<String> = touched.into_iter().collect();
        let out = inc.build(&changed, false);
        if let Ok(o) = &out {
            partial += usize::from(o.rendered < 40);
        }
        match &out {
            Ok(o) => eprintln!(
                "step {step}: {what}: {} parsed, {} rendered",
                o.parsed, o.rendered
            ),
            Err(_) => eprintln!("step {step}: {what}: failed"),
        }
        let got = outcome(out.map(|o| (o.files, o.diagnostics.render())));
        compare(&format!("step {step}: {what}"), &got, &outcome(fresh(root)));
    }
    assert!(
        partial > steps / 4,
        "most small edits re-render few pages ({partial} of {steps})"
    );
}

#[test]
fn a_section_links_its_new_feed_once_a_page_under_it_gets_a_date() {
    let site = starter();
    let root = site.path();
    let mut inc = Incremental::new(options(root));
    let first = inc.build(&BTreeSet::new(), true).unwrap();
    assert!(!first.files.contains_key("guides/atom.xml"));
    // The guides section lists no page itself (its guide is a subsection), so
    // only its new feed changes the section's own page.
    let rel = "content/guides/human-rights-framework/freda-principles.md";
    let text = fs::read_to_string(root.join(rel)).unwrap();
    let dated = text.replacen("last_reviewed", "date = 2026-11-20\nlast_reviewed", 1);
    fs::write(root.join(rel), dated).unwrap();
    let out = inc
        .build(&BTreeSet::from([rel.to_string()]), false)
        .unwrap();
    let guides = String::from_utf8(out.files["guides/index.html"].to_vec()).unwrap();
    let link = "<a href=\"/guides/atom.xml\" type=\"application/atom+xml\">";
    assert!(guides.contains(link), "{guides}");
    let got = Ok((out.files, out.diagnostics.render()));
    compare("dating a guide part", &got, &outcome(fresh(root)));
}
