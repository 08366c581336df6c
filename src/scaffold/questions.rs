//! The questions `freda new` asks in a terminal when it is run without a
//! title: the type, the guide (for a guide part), the language, the title,
//! a case study's organisation, and the terms of each vocabulary.
//!
//! The questions are asked through [`Answers`], so they are the same in a
//! terminal ([`super::terminal`], with arrow keys and checkboxes) and in
//! tests (a script of answers). Every answer is checked here: a wrong one
//! is explained with [`Answers::tell`] and the question is asked again.
//! Nothing is written until every question is answered.

use std::path::Path;

use anyhow::Result;
use indexmap::IndexMap;

use super::{check_title, clean_section, exists_message, target_path, Filled, NewKind, NewOptions};
use crate::config::{Config, TaxonomyConfig};

/// Titles longer than this get a warning, as `freda check` gives.
pub const TITLE_LIMIT: usize = 65;

/// Where the answers come from: a terminal, or a script in tests.
pub trait Answers {
    /// One of `items`, by index (`default` is offered first).
    fn choose(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize>;
    /// Any number of `items` (none is fine), by index.
    fn choose_many(&mut self, prompt: &str, items: &[String]) -> Result<Vec<usize>>;
    /// A line of text; may be empty.
    fn text(&mut self, prompt: &str) -> Result<String>;
    /// Yes or no.
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool>;
    /// Says why an answer was refused, or warns about it.
    fn tell(&mut self, message: &str);
    /// Explains the next question, or shows what an answer became.
    fn note(&mut self, message: &str);
}

/// What the editor chose: everything [`super::new_content`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    /// The content type.
    pub kind: NewKind,
    /// The title, trimmed.
    pub title: String,
    /// The folder under `content/` (given with `--section`, or the guide
    /// chosen for a guide part); `None` for the type's default.
    pub section: Option<String>,
    /// The fields, terms and language to write.
    pub filled: Filled,
}

/// What the questions know about the site.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'a> {
    /// The site folder.
    pub site_root: &'a Path,
    /// Its `site.toml`.
    pub config: &'a Config,
    /// The type given on the command line, if any (not asked then).
    pub kind: Option<NewKind>,
    /// `--section`, if given (the guide is not asked then).
    pub section: Option<&'a str>,
    /// Today, for the file's dates.
    pub today: (i32, u32, u32),
}

/// Asks every question and returns the answers.
pub fn ask(answers: &mut dyn Answers, setting: Setting) -> Result<Chosen> {
    let kind = match setting.kind {
        Some(kind) => kind,
        None => ask_kind(answers)?,
    };
    let section = match (setting.section, kind) {
        (Some(s), _) => Some(s.to_string()),
        (None, NewKind::GuidePart) => Some(ask_guide(answers, setting.site_root)?),
        (None, _) => None,
    };
    let lang = ask_language(answers, setting.config)?;
    let config = match &lang {
        Some(code) => setting.config.for_language(code),
        None => setting.config.clone(),
    };
    let mut filled = Filled {
        lang,
        ..Filled::default()
    };
    let opts = NewOptions {
        site_root: setting.site_root,
        kind,
        title: "",
        section: section.as_deref(),
        today: setting.today,
        filled: Some(&filled),
    };
    let title = ask_title(answers, opts)?;
    if kind == NewKind::CaseStudy {
        filled.fields = ask_case_study(answers)?;
    }
    if kind != NewKind::Guide {
        filled.terms = ask_terms(answers, &config)?;
    }
    Ok(Chosen {
        kind,
        title,
        section,
        filled,
    })
}

/// One line about each type, for the type question.
pub fn describe(kind: NewKind) -> &'static str {
    match kind {
        NewKind::Page => "a plain page, e.g. About us or Contact",
        NewKind::Guide => "a guide in several parts (a folder; add its parts with guide-part)",
        NewKind::GuidePart => "one part of an existing guide",
        NewKind::CaseStudy => "what one organisation did, and what others can learn from it",
        NewKind::DosDonts => "short lists of what to do and what not to do",
        NewKind::Training => "a training session or course, with its learning outcomes",
        NewKind::Tool => "a checklist, template or other practical tool",
        NewKind::Event => "an event with a date, time and place",
        NewKind::Evaluation => "an evaluation or audit and its key findings",
    }
}

fn ask_kind(answers: &mut dyn Answers) -> Result<NewKind> {
    let items: Vec<String> = (NewKind::ALL.iter())
        .map(|k| format!("{k}: {}", describe(*k)))
        .collect();
    let i = choose_valid(answers, "What do you want to create", &items, 0)?;
    Ok(NewKind::ALL[i])
}

/// [`Answers::choose`], asked again until the index is in the list.
fn choose_valid(
    answers: &mut dyn Answers,
    prompt: &str,
    items: &[String],
    default: usize,
) -> Result<usize> {
    loop {
        let i = answers.choose(prompt, items, default)?;
        if i < items.len() {
            return Ok(i);
        }
        answers.tell(&format!(
            "Choose one of the {} items in the list.",
            items.len()
        ));
    }
}

fn ask_guide(answers: &mut dyn Answers, site_root: &Path) -> Result<String> {
    loop {
        let folder = answers
            .text("Folder of the guide this is part of, under content/, e.g. guides/my-guide")?;
        let folder = match clean_section(&folder) {
            Ok(f) if !f.is_empty() => f,
            Ok(_) => {
                answers.tell("Type the folder of the guide, e.g. guides/my-guide.");
                continue;
            }
            Err(e) => {
                answers.tell(&format!("{e}."));
                continue;
            }
        };
        if site_root.join("content").join(&folder).is_dir() {
            return Ok(folder);
        }
        answers.tell(&format!(
            "There is no folder content/{folder}. Create the guide first with: freda new guide \"Its title\""
        ));
    }
}

/// The page's language when the site has several: `None` for the main one.
fn ask_language(answers: &mut dyn Answers, config: &Config) -> Result<Option<String>> {
    let codes = crate::languages::codes(config);
    if codes.len() < 2 {
        return Ok(None);
    }
    let items: Vec<String> = (codes.iter())
        .map(|c| format!("{} ({c})", crate::languages::name_of(config, c)))
        .collect();
    let i = choose_valid(answers, "Language of the page", &items, 0)?;
    Ok((i > 0).then(|| codes[i].clone()))
}

/// Asks until the title makes a usable file name that is not taken; a long
/// title is kept only if the editor confirms it.
fn ask_title(answers: &mut dyn Answers, opts: NewOptions) -> Result<String> {
    loop {
        let typed = answers.text("Title")?;
        let title = typed.trim();
        let with_title = NewOptions { title, ..opts };
        let path = match check_title(title).and_then(|_| target_path(&with_title)) {
            Ok(path) => path,
            Err(e) => {
                answers.tell(&format!("{}.", capitalise(&e.to_string())));
                continue;
            }
        };
        if path.exists() {
            answers.tell(&capitalise(&exists_message(&path)));
            continue;
        }
        let n = title.chars().count();
        if n > TITLE_LIMIT {
            answers.tell(&format!(
                "This title has {n} characters; titles of at most {TITLE_LIMIT} are easier to read in lists and search results."
            ));
            if !answers.confirm("Keep this title anyway?", false)? {
                continue;
            }
        }
        return Ok(title.to_string());
    }
}

/// The organisation (required), and optionally its type, region and year.
fn ask_case_study(answers: &mut dyn Answers) -> Result<Vec<(&'static str, toml::Value)>> {
    let mut fields = Vec::new();
    loop {
        let org = answers.text("Organisation the case study is about")?;
        if !org.trim().is_empty() {
            fields.push(("organisation", text(&org)));
            break;
        }
        answers.tell("A case study needs the organisation's name.");
    }
    let org_type = answers
        .text("Kind of organisation, e.g. NHS mental health trust or Care home (Enter to skip)")?;
    if !org_type.trim().is_empty() {
        fields.push(("org_type", text(&org_type)));
    }
    let region = answers.text("Region, e.g. North West England or Wales (Enter to skip)")?;
    if !region.trim().is_empty() {
        fields.push(("region", text(&region)));
    }
    loop {
        let year = answers.text("Year the work took place (Enter to skip)")?;
        let year = year.trim();
        if year.is_empty() {
            break;
        }
        match year.parse::<i64>() {
            Ok(y) if (1900..=2200).contains(&y) && year.len() == 4 => {
                fields.push(("year", toml::Value::Integer(y)));
                break;
            }
            _ => answers.tell("Type the year as four digits, e.g. 2024."),
        }
    }
    Ok(fields)
}

fn text(s: &str) -> toml::Value {
    toml::Value::String(s.trim().to_string())
}

/// The terms of every vocabulary: ticked from the list for a closed one,
/// typed (comma-separated, made into slugs) for an open one.
fn ask_terms(answers: &mut dyn Answers, config: &Config) -> Result<IndexMap<String, Vec<String>>> {
    let mut chosen = IndexMap::new();
    for (name, tax) in &config.taxonomies {
        let terms = if tax.open {
            ask_open(answers, tax)?
        } else {
            ask_closed(answers, tax)?
        };
        chosen.insert(name.clone(), terms);
    }
    Ok(chosen)
}

fn ask_closed(answers: &mut dyn Answers, tax: &TaxonomyConfig) -> Result<Vec<String>> {
    let items: Vec<String> = tax.terms.iter().map(|t| t.label.clone()).collect();
    answers.note(&format!("{}: {}", tax.label, tax.description));
    let prompt = format!("{} (Space ticks, Enter when done; none is fine)", tax.label);
    loop {
        let mut picked = answers.choose_many(&prompt, &items)?;
        if let Some(bad) = picked.iter().find(|&&i| i >= items.len()) {
            answers.tell(&format!(
                "There is no choice number {}: tick terms from the list of {}.",
                bad + 1,
                items.len()
            ));
            continue;
        }
        picked.sort_unstable();
        picked.dedup();
        return Ok(picked.iter().map(|&i| tax.terms[i].slug.clone()).collect());
    }
}

fn ask_open(answers: &mut dyn Answers, tax: &TaxonomyConfig) -> Result<Vec<String>> {
    answers.note(&format!("{}: {}", tax.label, tax.description));
    if !tax.terms.is_empty() {
        let known: Vec<&str> = tax.terms.iter().map(|t| t.slug.as_str()).collect();
        answers.note(&format!("Already in use: {}", known.join(", ")));
    }
    let typed = answers.text(&format!(
        "{}, separated by commas (Enter for none)",
        tax.label
    ))?;
    let mut slugs: Vec<String> = Vec::new();
    for part in typed.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let slug = crate::content::slugify(part);
        if slug.is_empty() {
            answers.tell(&format!(
                "\"{part}\" has no letters or digits, so it is left out."
            ));
        } else if !slugs.contains(&slug) {
            slugs.push(slug);
        }
    }
    if !slugs.is_empty() {
        answers.note(&format!("Written as: {}", slugs.join(", ")));
    }
    Ok(slugs)
}

/// The message with a capital first letter, for a sentence on its own.
fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
