//! The web CMS: `[cms] enabled = true` writes an `/admin/` page that runs
//! Decap CMS (vendored under `vendor/decap-cms/`, never from a CDN) with a
//! `config.yml` generated from freda's content schema.
//!
//! The configuration has one collection per content type, in the folder
//! where the site keeps that type, with a field per front-matter key: the
//! right widget (lists, selects of the vocabularies' terms with their
//! labels, dates), `required` as the build requires, and hints taken from
//! the comments of `freda new`'s templates. Files are TOML front matter,
//! as freda reads them.
//!
//! Decap needs `'unsafe-eval'` for scripts and inline styles, so the admin
//! page carries its own, looser policy; the public pages keep theirs, and
//! the server header files give `/admin/` its own policy (see
//! [`ADMIN_CSP`]).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::config::Config;
use crate::content::{PageType, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::OutputFile;

/// The admin page's policy: freda's own plus what Decap needs (eval for
/// its schema validator, inline styles for its CSS-in-JS, blob: and data:
/// images for previews, and the git hosts its backends call).
pub const ADMIN_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; connect-src 'self' https://api.github.com https://gitlab.com https://identity.netlify.com http://localhost:8081; frame-src 'self' https://identity.netlify.com; object-src 'none'; base-uri 'self'; form-action 'self'";

/// The `[cms]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CmsConfig {
    /// Write `/admin/` (off by default).
    pub enabled: bool,
    /// Decap backend: `git-gateway`, `github`, `gitlab` or `test-repo`.
    pub backend: String,
    /// `owner/name` of the repository (github and gitlab backends).
    pub repo: Option<String>,
    /// The branch editors' changes go to.
    pub branch: String,
    /// Let `npx decap-server` serve a local checkout (Decap's `local_backend`).
    pub local_backend: bool,
}

impl Default for CmsConfig {
    fn default() -> CmsConfig {
        CmsConfig {
            enabled: false,
            backend: "git-gateway".to_string(),
            repo: None,
            branch: "main".to_string(),
            local_backend: false,
        }
    }
}

const BACKENDS: [&str; 4] = ["git-gateway", "github", "gitlab", "test-repo"];

impl CmsConfig {
    /// Checks the backend and that github and gitlab name a repository.
    pub fn validate(&self, text: &str, ds: &mut Diagnostics) {
        if self.enabled && !cfg!(feature = "cms") {
            ds.push(
                Diagnostic::error("site.toml", "[cms] is enabled, but this freda was built without the cms feature")
                    .at(text, crate::config::span_of_value(text, "enabled"))
                    .help("rebuild freda with default features (cargo install freda, without --no-default-features)"),
            );
        }
        if !BACKENDS.contains(&self.backend.as_str()) {
            ds.push(
                Diagnostic::error("site.toml", format!("[cms] backend \"{}\" is not one freda knows", self.backend))
                    .at(text, crate::config::span_of_value(text, "backend"))
                    .help("use \"git-gateway\" (Netlify Identity), \"github\", \"gitlab\" or \"test-repo\" (a demo that saves nothing)"),
            );
        }
        if matches!(self.backend.as_str(), "github" | "gitlab") && self.repo.is_none() {
            ds.push(
                Diagnostic::error(
                    "site.toml",
                    format!("[cms] backend \"{}\" needs repo", self.backend),
                )
                .at(text, crate::config::span_of_value(text, "backend"))
                .help("add repo = \"owner/name\" under [cms]: the repository that holds this site"),
            );
        }
    }
}

/// One field of a collection, as Decap reads it.
fn field(name: &str, label: &str, widget: &str, required: bool, hint: Option<&String>) -> Value {
    let mut f = json!({"name": name, "label": label, "widget": widget, "required": required});
    if let Some(h) = hint {
        f["hint"] = json!(h);
    }
    f
}

/// A label for a front-matter key: `next_review` → "Next review".
fn label(key: &str) -> String {
    let named = match key {
        "dos" => "Do's",
        "donts" => "Don'ts",
        "org_type" => "Type of organisation",
        "use_when" => "Use this when",
        "tool_kind" => "Kind of tool",
        "aliases" => "Old addresses",
        _ => return crate::content::title_from_slug(key),
    };
    named.to_string()
}

/// Selects with fixed choices, by key.
fn choices(key: &str) -> Option<&'static [&'static str]> {
    Some(match key {
        "status" => &["draft", "published", "archived"],
        "delivery" => &["in-person", "online", "blended"],
        "format" => &["in-person", "online", "hybrid"],
        "tool_kind" => &[
            "checklist",
            "questionnaire",
            "assessment",
            "poster",
            "audit",
        ],
        _ => return None,
    })
}

/// The widget of a front-matter key.
fn widget_of(key: &str, hint: Option<&String>, required: bool) -> Value {
    let f = |widget: &str| field(key, &label(key), widget, required, hint);
    match key {
        "summary" | "use_when" => f("text"),
        "date" | "last_reviewed" | "next_review" | "published" => {
            let mut v = f("datetime");
            v["format"] = json!("YYYY-MM-DD");
            v["date_format"] = json!("YYYY-MM-DD");
            v["time_format"] = json!(false);
            v
        }
        "start" | "end" => {
            let mut v = f("datetime");
            v["format"] = json!("YYYY-MM-DDTHH:mm");
            v
        }
        "year" | "weight" => {
            let mut v = f("number");
            v["value_type"] = json!("int");
            v
        }
        "dos" | "donts" | "questions" | "learning_outcomes" | "items" | "key_findings"
        | "aliases" => f("list"),
        "materials" | "downloads" => {
            let mut v = f("list");
            v["fields"] = download_fields();
            v
        }
        "report" => {
            let mut v = f("object");
            v["fields"] = download_fields();
            v
        }
        _ => match choices(key) {
            Some(options) => {
                let mut v = f("select");
                v["options"] = json!(options);
                v
            }
            None => f("string"),
        },
    }
}

fn download_fields() -> Value {
    json!([
        {"name": "title", "label": "Link text", "widget": "string"},
        {"name": "file", "label": "File under static/, e.g. /downloads/report.pdf", "widget": "string"},
    ])
}

/// The `[taxonomies]` object: a select of labelled terms per closed
/// vocabulary, a free list for open ones.
fn taxonomy_fields(config: &Config) -> Value {
    let fields: Vec<Value> = config
        .taxonomies
        .iter()
        .map(|(name, tax)| {
            if tax.open {
                json!({"name": name, "label": tax.label, "widget": "list", "required": false,
                    "hint": "Words in lower case joined by hyphens, e.g. restraint, family-life"})
            } else {
                let options: Vec<Value> = tax
                    .terms
                    .iter()
                    .map(|t| json!({"label": t.label, "value": t.slug}))
                    .collect();
                json!({"name": name, "label": tax.label, "widget": "select", "multiple": true,
                    "required": false, "options": options, "hint": tax.description})
            }
        })
        .collect();
    json!({"name": "taxonomies", "label": "Tags", "widget": "object", "collapsed": false, "fields": fields})
}

/// `[source]`: where the facts come from.
fn source_fields() -> Value {
    json!({"name": "source", "label": "Source", "widget": "object", "required": false, "collapsed": true,
    "hint": "Where the facts on this page come from. Attribute them, and respect the licence.",
    "fields": [
        {"name": "publisher", "label": "Publisher", "widget": "string", "required": false},
        {"name": "title", "label": "Title", "widget": "string", "required": false},
        {"name": "year", "label": "Year", "widget": "number", "value_type": "int", "required": false},
        {"name": "url", "label": "Web address", "widget": "string", "required": false},
        {"name": "licence", "label": "Licence", "widget": "string", "required": false},
    ]})
}

/// Keys every page has, in the order `freda new` writes them.
const COMMON: [&str; 8] = [
    "title",
    "summary",
    "date",
    "last_reviewed",
    "next_review",
    "owner",
    "status",
    "weight",
];

/// The fields of one content type's collection.
pub fn fields(t: PageType, config: &Config) -> Vec<Value> {
    let hints = hints(t);
    let (keys, required) = t.fields();
    let mut out: Vec<Value> = COMMON
        .iter()
        .map(|k| widget_of(k, hints.get(*k), matches!(*k, "title" | "summary")))
        .collect();
    out.insert(
        2,
        json!({"name": "type", "label": "Type", "widget": "hidden", "default": t.name()}),
    );
    out.extend(
        keys.iter()
            .map(|k| widget_of(k, hints.get(*k), required.contains(k))),
    );
    // A guide is a section (its _index.md), which takes no tags.
    if t != PageType::Guide {
        out.push(widget_of("aliases", hints.get("aliases"), false));
        out.push(taxonomy_fields(config));
    }
    out.push(source_fields());
    out.push(json!({"name": "body", "label": "Text", "widget": "markdown",
        "hint": "Headings start at ## (the title is the page's only top heading). Describe every image."}));
    out
}

/// Hints for the fields of a type: the comment lines `freda new` writes
/// above each key.
pub fn hints(t: PageType) -> HashMap<String, String> {
    let text = crate::scaffold::render_template(t, "Title", (2026, 1, 1));
    let mut out = HashMap::new();
    let mut comment: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(c) = line.strip_prefix('#') {
            let c = c.trim();
            // `# key = …` is a commented-out optional key, not prose.
            if !c.is_empty() && !c.contains(" = ") && !c.starts_with('-') {
                comment.push(c);
            }
            continue;
        }
        if let Some((key, _)) = line.split_once(" = ") {
            if !comment.is_empty() && !key.contains(['[', ' ']) {
                out.entry(key.to_string())
                    .or_insert_with(|| comment.join(" "));
            }
        }
        comment.clear();
    }
    out
}

/// The folder where the site keeps pages of a type: the section whose
/// default type it is, else the one with most pages of it, else `freda
/// new`'s default folder.
fn folder(t: PageType, site: &Site) -> String {
    let by_default = site
        .sections
        .iter()
        .find(|s| s.page_type == Some(t) && !s.dir.is_empty());
    let by_count = || {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for p in site.pages.iter().filter(|p| p.page_type == t) {
            *counts
                .entry(site.sections[p.section].dir.as_str())
                .or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|(dir, n)| (*n, std::cmp::Reverse(*dir)))
            .map(|(dir, _)| dir.to_string())
    };
    let dir = by_default
        .map(|s| s.dir.clone())
        .or_else(by_count)
        .or_else(|| t.default_section().ok().map(str::to_string))
        .unwrap_or_default();
    if dir.is_empty() {
        "content".to_string()
    } else {
        format!("content/{dir}")
    }
}

/// The Decap configuration of a site (as JSON, which is also YAML).
pub fn config(site: &Site) -> Value {
    let cms = &site.config.cms;
    let mut backend = json!({"name": cms.backend, "branch": cms.branch});
    if let Some(repo) = &cms.repo {
        backend["repo"] = json!(repo);
    }
    let collections: Vec<Value> = PageType::ALL
        .into_iter()
        .map(|t| collection(t, site))
        .collect();
    let mut c = json!({
        "backend": backend,
        "site_url": site.config.base_url,
        "display_url": site.config.base_url,
        "media_folder": "static/images",
        "public_folder": "/images",
        "collections": collections,
    });
    if cms.local_backend {
        c["local_backend"] = json!(true);
    }
    c
}

fn collection(t: PageType, site: &Site) -> Value {
    let folder = folder(t, site);
    // The folder's section title ("Case studies"), else the type's name.
    let dir = folder.strip_prefix("content/").unwrap_or("");
    let label = site
        .sections
        .iter()
        .find(|s| !dir.is_empty() && s.dir == dir)
        .map_or(t.label(), |s| s.meta.title.as_str());
    let mut c = json!({
        "name": t.name(),
        "label": label,
        "label_singular": t.label(),
        "folder": folder,
        "create": true,
        "extension": "md",
        "format": "toml-frontmatter",
        "slug": "{{slug}}",
        "identifier_field": "title",
        "summary": "{{title}}",
        "fields": fields(t, &site.config),
    });
    // Pages of several types share the content root: show each its own.
    if folder == "content" {
        c["filter"] = json!({"field": "type", "value": t.name()});
    }
    // A guide is a folder with its _index.md; its parts are guide parts.
    if t == PageType::Guide {
        c["path"] = json!("{{slug}}/_index");
    }
    c
}

/// The admin page, its configuration and Decap's files, when enabled.
pub fn files(site: &Site) -> Vec<OutputFile> {
    if !site.config.cms.enabled || !site.config.is_main_language() {
        return Vec::new();
    }
    let config = format!(
        "# Decap CMS configuration, written by freda build from the content schema. Do not edit:\n\
         # change site.toml's [cms] table or the content instead. (JSON is YAML.)\n{}\n",
        serde_json::to_string_pretty(&config(site)).unwrap_or_default()
    );
    let mut out = vec![
        OutputFile {
            path: "admin/index.html".to_string(),
            contents: admin_page(site).into_bytes(),
        },
        OutputFile {
            path: "admin/config.yml".to_string(),
            contents: config.into_bytes(),
        },
    ];
    out.extend(vendored());
    out
}

fn admin_page(site: &Site) -> String {
    let title = crate::markdown::escape(&site.config.title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{ADMIN_CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <title>Content manager – {title}</title>\n\
         <link rel=\"icon\" href=\"../favicon.svg\" type=\"image/svg+xml\">\n\
         <link href=\"config.yml\" type=\"text/yaml\" rel=\"cms-config-url\">\n\
         </head>\n<body>\n<noscript>The content manager needs JavaScript. You can also edit the Markdown files in content/ directly.</noscript>\n\
         <script src=\"decap-cms.js\"></script>\n</body>\n</html>\n"
    )
}

/// Decap's browser files, from `vendor/decap-cms/dist`.
#[cfg(feature = "cms")]
fn vendored() -> Vec<OutputFile> {
    static DIST: include_dir::Dir<'static> =
        include_dir::include_dir!("$CARGO_MANIFEST_DIR/vendor/decap-cms/dist");
    DIST.files()
        .map(|f| OutputFile {
            path: format!("admin/{}", f.path().display()),
            contents: f.contents().to_vec(),
        })
        .collect()
}

#[cfg(not(feature = "cms"))]
fn vendored() -> Vec<OutputFile> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_come_from_the_templates_comments() {
        let h = hints(PageType::CaseStudy);
        assert_eq!(
            h.get("organisation").map(String::as_str),
            Some("The organisation this case study is about (required).")
        );
        assert!(h["title"].starts_with("The page title"));
        assert!(!h.contains_key("lang"), "commented-out keys have no hint");
    }

    #[test]
    fn every_type_specific_key_has_a_widget() {
        for t in PageType::ALL {
            let (keys, _) = t.fields();
            for key in keys {
                let w = widget_of(key, None, false);
                assert!(w["widget"].is_string(), "{key}");
            }
        }
        assert_eq!(widget_of("dos", None, true)["widget"], "list");
        assert_eq!(widget_of("tool_kind", None, true)["widget"], "select");
        assert_eq!(
            widget_of("next_review", None, false)["format"],
            "YYYY-MM-DD"
        );
    }
}
