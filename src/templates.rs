//! Templates: the embedded default theme, overridable one file at a time.
//!
//! The default theme under `themes/default/` is compiled into the binary, so
//! freda works from any folder. A file of the same name in the site's
//! `templates/`, `static/` or `i18n/` replaces the embedded one. The result
//! is a ready [`Theme`]: a tera instance, UI strings and static files.

use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{include_dir, Dir};
use tera::Tera;

use crate::config::Config;
use crate::content::walk::{self, ReadPolicy};
use crate::diagnostics::{Diagnostic, Diagnostics};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Templates, UI strings and static files, ready to render.
pub struct Theme {
    /// The compiled templates.
    pub tera: Tera,
    /// UI strings for the site's main language (`t` in templates).
    pub strings: BTreeMap<String, String>,
    /// UI strings of every language of the site, by language code.
    pub languages: BTreeMap<String, BTreeMap<String, String>>,
    /// Static files by output path, theme files first, then the site's.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Each template's text and the path it came from, for error positions.
    pub sources: BTreeMap<String, TemplateSource>,
    /// Warnings from loading, such as symbolic links that were skipped.
    pub warnings: Vec<Diagnostic>,
}

/// Where a template came from.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// The path shown in errors, e.g. `templates/page.html`.
    pub shown: String,
    /// The template text.
    pub text: String,
}

impl Theme {
    /// The UI strings of a language (the main language's if it has none).
    pub fn strings_for(&self, lang: &str) -> &BTreeMap<String, String> {
        self.languages.get(lang).unwrap_or(&self.strings)
    }

    /// Turns a tera render error into a diagnostic that points into the template.
    pub fn render_error(&self, template: &str, e: &tera::Error) -> Diagnostic {
        let chain = error_chain(e);
        // Tera wraps the useful cause in "Failed to render 'x'".
        let cause = chain.split_once(": ").map_or(chain.as_str(), |(_, c)| c);
        let shown = self
            .sources
            .get(template)
            .map_or_else(|| format!("templates/{template}"), |s| s.shown.clone());
        let Some(var) = undefined_variable(cause) else {
            return self.locate(
                template,
                quoted_name(cause),
                Diagnostic::error(shown, format!("template error: {cause}")),
            );
        };
        let message = format!("the template uses `{var}`, which is not defined here");
        let help = format!("check the spelling; for a value that may be missing write {{% if {var} %}}…{{% endif %}} or {{{{ {var} | default(value=\"\") }}}}");
        self.locate(
            template,
            Some(var),
            Diagnostic::error(shown, message).help(help),
        )
    }

    /// Points `d` at the first place `name` is written, in `template` or
    /// else in any template (tera names the template that was rendered, not
    /// the one, such as a macro file, where the problem is).
    fn locate(&self, template: &str, name: Option<&str>, d: Diagnostic) -> Diagnostic {
        let preferred = self.sources.get(template).into_iter();
        let found = name.filter(|n| !n.is_empty()).and_then(|name| {
            preferred
                .chain(self.sources.values())
                .find_map(|s| s.text.find(name).map(|i| (s, i..i + name.len())))
        });
        match found {
            Some((src, span)) => Diagnostic {
                path: src.shown.clone(),
                ..d
            }
            .at(&src.text, span),
            None => d,
        }
    }
}

/// The variable named in tera's "Variable `x` not found" message.
fn undefined_variable(cause: &str) -> Option<&str> {
    let rest = cause.split_once("Variable `")?.1;
    let (var, after) = rest.split_once('`')?;
    after.trim_start().starts_with("not found").then_some(var)
}

/// The first name quoted in a tera message: `Filter 'x' not found`,
/// ``Variable `x` was used…``, `Template '[x]' not found`.
fn quoted_name(cause: &str) -> Option<&str> {
    let start = cause.find(['\'', '`'])?;
    let quote = cause[start..].chars().next()?;
    let rest = &cause[start + 1..];
    let name = rest.split_once(quote)?.0;
    Some(name.trim_start_matches('[').trim_end_matches(']'))
}

/// Loads the theme for a site, applying the site's overrides.
pub fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
    let mut ds = Diagnostics::new();
    let policy = ReadPolicy::new(root, &config.build);
    let sources = collect_templates(root, &policy, &mut ds);
    let tera = compile(&sources, &mut ds);
    let languages = load_languages(root, config, &mut ds);
    let strings = languages
        .get(config.main_language())
        .cloned()
        .unwrap_or_default();
    let static_files = collect_static(root, &policy, &mut ds);
    match tera {
        Some(tera) if !ds.has_errors() => Ok(Theme {
            tera,
            strings,
            languages,
            static_files,
            sources,
            warnings: ds.sorted().into_iter().cloned().collect(),
        }),
        _ => Err(ds),
    }
}

fn collect_templates(
    root: &Path,
    policy: &ReadPolicy,
    ds: &mut Diagnostics,
) -> BTreeMap<String, TemplateSource> {
    let mut out = BTreeMap::new();
    if let Some(dir) = DEFAULT_THEME.get_dir("templates") {
        for f in dir.files() {
            let name = f
                .path()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = f.contents_utf8().unwrap_or_default().to_string();
            out.insert(
                name.clone(),
                TemplateSource {
                    shown: format!("themes/default/templates/{name}"),
                    text,
                },
            );
        }
    }
    for (name, bytes) in read_site_dir(root, "templates", policy, ds) {
        match String::from_utf8(bytes) {
            Ok(text) => {
                out.insert(
                    name.clone(),
                    TemplateSource {
                        shown: format!("templates/{name}"),
                        text,
                    },
                );
            }
            Err(_) => ds.push(Diagnostic::error(
                format!("templates/{name}"),
                "the template is not valid UTF-8",
            )),
        }
    }
    out
}

/// Reads every file under a site folder (`templates` or `static`), by path
/// relative to it. Missing folders are empty.
fn read_site_dir(
    root: &Path,
    name: &str,
    policy: &ReadPolicy,
    ds: &mut Diagnostics,
) -> Vec<(String, Vec<u8>)> {
    let dir = root.join(name);
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for f in walk::files(&dir, name, policy, false, ds) {
        match std::fs::read(&f.path) {
            Ok(bytes) => out.push((f.rel, bytes)),
            Err(e) => ds.push(Diagnostic::error(
                format!("{name}/{}", f.rel),
                format!("cannot read: {e}"),
            )),
        }
    }
    out
}

fn compile(sources: &BTreeMap<String, TemplateSource>, ds: &mut Diagnostics) -> Option<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(crate::markdown::escape);
    let raw = sources
        .iter()
        .map(|(name, s)| (name.clone(), s.text.clone()));
    match tera.add_raw_templates(raw) {
        Ok(()) => Some(tera),
        Err(e) => {
            ds.push(compile_error(&error_chain(&e), sources));
            None
        }
    }
}

/// A template that does not parse, pointed at where tera stopped:
/// its message reads "Failed to parse 'page.html': --> 5:1 | … = what".
fn compile_error(chain: &str, sources: &BTreeMap<String, TemplateSource>) -> Diagnostic {
    let located = (|| {
        let name = chain.split_once("Failed to parse '")?.1.split_once('\'')?.0;
        let src = sources.get(name)?;
        let (line, col) = chain
            .split_once("--> ")?
            .1
            .split_once(char::is_whitespace)?
            .0
            .split_once(':')?;
        let (line, col): (usize, usize) = (line.parse().ok()?, col.parse().ok()?);
        let what = chain.rsplit_once("= ")?.1.trim();
        let start = src
            .text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum::<usize>();
        let at = src.text[start..]
            .char_indices()
            .nth(col - 1)
            .map_or(src.text.len(), |(i, _)| start + i);
        Some(
            Diagnostic::error(&src.shown, format!("the template cannot be read: {what}"))
                .at(&src.text, at..at + 1)
                .help("check the tags near here: each {% if %}, {% for %} and {% block %} needs its end tag, and each {{ a matching }}"),
        )
    })();
    located.unwrap_or_else(|| inheritance_error(chain, sources))
}

/// Other errors from loading templates, such as "Template 'page.html' is
/// inheriting from 'nobase.html', which doesn't exist": shown in the first
/// template named, at the second name.
fn inheritance_error(chain: &str, sources: &BTreeMap<String, TemplateSource>) -> Diagnostic {
    let names: Vec<&str> = chain.split('\'').skip(1).step_by(2).collect();
    let Some(src) = names.first().and_then(|n| sources.get(*n)) else {
        return Diagnostic::error("templates", chain.to_string());
    };
    let d = Diagnostic::error(&src.shown, chain.to_string());
    let at = names
        .get(1)
        .and_then(|other| src.text.find(other).map(|i| i..i + other.len()));
    match at {
        Some(span) => d.at(&src.text, span),
        None => d,
    }
}

/// Joins an error and its causes into one line, as tera hides the useful part in the causes.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.dedup();
    parts.join(": ")
}

/// The UI strings of every language of the site. Every language must have
/// every key of the theme's English strings and of the main language's.
fn load_languages(
    root: &Path,
    config: &Config,
    ds: &mut Diagnostics,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let codes = crate::languages::codes(config);
    let mut reference: Vec<(String, String)> = embedded_strings("i18n/en.toml")
        .map(|(_, text)| parse_strings("", &text, &mut Diagnostics::new()))
        .unwrap_or_default()
        .into_iter()
        .collect();
    let mut out = BTreeMap::new();
    for (i, code) in codes.iter().enumerate() {
        let Some((shown, text)) = strings_file(root, code, i == 0) else {
            ds.push(
                Diagnostic::error(format!("i18n/{code}.toml"), format!("there are no UI strings for the language \"{code}\""))
                    .help(format!("copy themes/default/i18n/en.toml to i18n/{code}.toml in the site folder and translate every string")),
            );
            continue;
        };
        let strings = parse_strings(&shown, &text, ds);
        if i == 0 {
            for (k, v) in &strings {
                if !reference.iter().any(|(r, _)| r == k) {
                    reference.push((k.clone(), v.clone()));
                }
            }
        }
        for (key, english) in &reference {
            if !strings.contains_key(key) {
                ds.push(
                    Diagnostic::error(
                        &shown,
                        format!("the UI strings for \"{code}\" have no key `{key}`"),
                    )
                    .help(format!(
                        "add {key} = \"…\" to {shown}, translating \"{english}\""
                    )),
                );
            }
        }
        out.insert(code.clone(), strings);
    }
    out
}

/// The strings file of a language: the site's `i18n/<code>.toml`, else the
/// theme's; the main language falls back to the theme's English.
fn strings_file(root: &Path, code: &str, main: bool) -> Option<(String, String)> {
    let name = format!("i18n/{code}.toml");
    let site_file = root.join(&name);
    if site_file.is_file() {
        return Some((
            name,
            std::fs::read_to_string(&site_file).unwrap_or_default(),
        ));
    }
    embedded_strings(&name).or_else(|| main.then(|| embedded_strings("i18n/en.toml")).flatten())
}

/// A strings file of the embedded theme: (path shown, text).
fn embedded_strings(name: &str) -> Option<(String, String)> {
    let f = DEFAULT_THEME.get_file(name)?;
    Some((
        format!("themes/default/{}", f.path().display()),
        f.contents_utf8().unwrap_or_default().to_string(),
    ))
}

fn parse_strings(shown: &str, text: &str, ds: &mut Diagnostics) -> BTreeMap<String, String> {
    match toml::from_str(text) {
        Ok(map) => map,
        Err(e) => {
            ds.push(crate::config::toml_error(shown, text, &e, 0));
            BTreeMap::new()
        }
    }
}

fn collect_static(
    root: &Path,
    policy: &ReadPolicy,
    ds: &mut Diagnostics,
) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if let Some(dir) = DEFAULT_THEME.get_dir("static") {
        add_embedded(dir, &mut out);
    }
    for (rel, bytes) in read_site_dir(root, "static", policy, ds) {
        out.insert(rel, bytes);
    }
    out
}

fn add_embedded(dir: &Dir<'static>, out: &mut BTreeMap<String, Vec<u8>>) {
    for f in dir.files() {
        let rel = f.path().strip_prefix("static").unwrap_or(f.path());
        out.insert(
            rel.to_string_lossy().replace('\\', "/"),
            f.contents().to_vec(),
        );
    }
    for d in dir.dirs() {
        add_embedded(d, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse("title = \"t\"\nbase_url = \"https://x.example/\"\n").unwrap()
    }

    #[test]
    fn default_theme_loads() {
        let dir = tempfile::tempdir().unwrap();
        let theme = load(dir.path(), &config()).unwrap_or_else(|d| panic!("{}", d.render()));
        for name in ["base.html", "page.html", "case-study.html", "404.html"] {
            assert!(theme.tera.get_template_names().any(|n| n == name), "{name}");
        }
        assert!(theme.static_files.contains_key("style.css"));
        assert!(!theme.strings.is_empty());
    }

    #[test]
    fn site_files_override_one_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/404.html"), "custom 404").unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("static/style.css"), "body{}").unwrap();
        let theme = load(dir.path(), &config()).unwrap_or_else(|d| panic!("{}", d.render()));
        let out = theme
            .tera
            .render("404.html", &tera::Context::new())
            .unwrap();
        assert_eq!(out, "custom 404");
        assert_eq!(theme.static_files["style.css"], b"body{}");
        assert!(theme.tera.get_template_names().any(|n| n == "page.html"));
    }
}
