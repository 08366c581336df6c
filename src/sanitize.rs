//! What content may put in a page: the URL schemes of links and images, and
//! the raw HTML that survives ammonia, whose allowlist `[sanitize]` in
//! `site.toml` can extend, but never to scripts, styles, frames, plugins,
//! forms, event handlers or `style` attributes.
//!
//! Links and images may use the schemes in [`URL_SCHEMES`] (plus any listed
//! in `extra_url_schemes`) or none at all (`/images/x.png`, `#anchor`,
//! `../x/`). A scheme is read as a browser reads it (case folded, leading
//! spaces and control characters skipped, tabs and newlines ignored), so
//! `JaVaScRiPt:` and `java&#09;script:` are caught too.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// URL schemes that links and images may use, besides URLs without one.
pub const URL_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Schemes that can run code or carry a page of their own: never allowed.
pub const NEVER_SCHEMES: [&str; 3] = ["javascript", "vbscript", "data"];

/// Tags that can run code, load other pages or change how the page works.
const NEVER_TAGS: [&str; 18] = [
    "applet", "base", "embed", "form", "frame", "frameset", "iframe", "link", "math", "meta",
    "noscript", "object", "param", "portal", "script", "style", "svg", "template",
];

/// Attributes that can run code, style the page past its CSS, or load
/// URLs that ammonia does not check (besides every `on…` event handler).
const NEVER_ATTRIBUTES: [&str; 6] = [
    "action",
    "formaction",
    "http-equiv",
    "srcdoc",
    "srcset",
    "style",
];

/// The `[sanitize]` table of `site.toml`: additions to ammonia's allowlist.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SanitizeConfig {
    /// More tags to keep in raw HTML, e.g. `["video", "source"]`.
    pub extra_tags: Vec<Spanned<String>>,
    /// More attributes to keep, by tag (`"*"` for every tag).
    pub extra_attributes: IndexMap<Spanned<String>, Vec<Spanned<String>>>,
    /// More URL schemes for links and images, e.g. `["ftp"]`.
    pub extra_url_schemes: Vec<Spanned<String>>,
}

/// The checked allowlist additions, as the markdown stage uses them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Policy {
    tags: Vec<String>,
    attributes: Vec<(String, Vec<String>)>,
    schemes: Vec<String>,
}

impl SanitizeConfig {
    /// Reports every entry that is never allowed or is not a name; `text` is `site.toml`.
    pub fn validate(&self, text: &str, ds: &mut Diagnostics) {
        for tag in &self.extra_tags {
            if let Some(d) = tag_problem(tag.get_ref(), "extra_tags") {
                ds.push(d.at(text, tag.span()));
            }
        }
        for (tag, attributes) in &self.extra_attributes {
            if tag.get_ref() != "*" {
                if let Some(d) = tag_problem(tag.get_ref(), "extra_attributes") {
                    ds.push(d.at(text, tag.span()));
                }
            }
            for attribute in attributes {
                if let Some(d) = attribute_problem(attribute.get_ref()) {
                    ds.push(d.at(text, attribute.span()));
                }
            }
        }
        for scheme in &self.extra_url_schemes {
            if let Some(d) = scheme_problem(scheme.get_ref()) {
                ds.push(d.at(text, scheme.span()));
            }
        }
    }

    /// The additions that pass [`SanitizeConfig::validate`]; the others are left out.
    pub fn policy(&self) -> Policy {
        let ok = |s: &&Spanned<String>, check: fn(&str) -> bool| check(s.get_ref());
        let tags = self.extra_tags.iter().filter(|t| ok(t, allowed_tag));
        let attributes = self
            .extra_attributes
            .iter()
            .filter(|(tag, _)| tag.get_ref() == "*" || allowed_tag(tag.get_ref()))
            .map(|(tag, attrs)| {
                let attrs = attrs.iter().filter(|a| ok(a, allowed_attribute));
                (
                    tag.get_ref().clone(),
                    attrs.map(|a| a.get_ref().clone()).collect(),
                )
            });
        let schemes = self
            .extra_url_schemes
            .iter()
            .filter(|s| ok(s, allowed_scheme));
        Policy {
            tags: tags.map(|t| t.get_ref().clone()).collect(),
            attributes: attributes.collect(),
            schemes: schemes.map(|s| s.get_ref().to_ascii_lowercase()).collect(),
        }
    }
}

impl Policy {
    /// The raw-HTML sanitiser: ammonia's defaults, what the Markdown pass
    /// itself writes (classes, ids, task-list check boxes, focusable code
    /// blocks), and the site's additions; URLs limited to the same schemes
    /// as Markdown links. Every `<input>` becomes a disabled check box, as
    /// task lists write them, so content cannot add fields of its own.
    pub fn builder(&self) -> ammonia::Builder<'_> {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["class", "id"])
            .add_tags(["input"])
            .add_tag_attributes("div", ["tabindex"])
            .add_tag_attributes("pre", ["tabindex", "data-lang"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .set_tag_attribute_value("input", "type", "checkbox")
            .set_tag_attribute_value("input", "disabled", "")
            .link_rel(None)
            .url_schemes(URL_SCHEMES.into_iter().collect())
            .add_url_schemes(self.schemes.iter().map(String::as_str))
            .add_tags(self.tags.iter().map(String::as_str));
        for (tag, attributes) in &self.attributes {
            let names = attributes.iter().map(String::as_str);
            if tag == "*" {
                b.add_generic_attributes(names);
            } else {
                b.add_tag_attributes(tag.as_str(), names);
            }
        }
        b
    }

    /// The scheme of `url` when links and images may not use it, e.g.
    /// `Some("javascript")`; `None` for allowed schemes and URLs without one.
    pub fn refused_scheme(&self, url: &str) -> Option<String> {
        refused(url, |scheme| self.schemes.iter().any(|s| s == scheme))
    }
}

impl SanitizeConfig {
    /// [`Policy::refused_scheme`] without making the policy, for the few
    /// URLs of front matter.
    pub fn refused_scheme(&self, url: &str) -> Option<String> {
        refused(url, |scheme| {
            self.extra_url_schemes
                .iter()
                .any(|s| allowed_scheme(s.get_ref()) && s.get_ref().eq_ignore_ascii_case(scheme))
        })
    }
}

/// The scheme of `url` unless it is one of [`URL_SCHEMES`] or `extra`.
fn refused(url: &str, extra: impl Fn(&str) -> bool) -> Option<String> {
    let scheme = scheme_of(url)?;
    let allowed = URL_SCHEMES.contains(&scheme.as_str()) || extra(&scheme);
    (!allowed).then_some(scheme)
}

/// Why a link or image with `scheme` was removed, for a diagnostic's help;
/// `kept` says what stays instead.
pub fn removal_help(scheme: &str, kept: &str) -> String {
    if NEVER_SCHEMES.contains(&scheme) {
        format!("javascript:, vbscript: and data: URLs can run code or hide what they show, so freda never writes them; {kept}")
    } else {
        format!("freda writes only http:, https:, mailto: and tel: URLs and links within the site; to allow {scheme}: URLs, add \"{scheme}\" to extra_url_schemes under [sanitize] in site.toml")
    }
}

/// The scheme of `url` as a browser reads it, in lower case: leading and
/// trailing spaces and control characters are skipped, tabs and newlines
/// anywhere are ignored, and a scheme is a letter followed by letters,
/// digits, `+`, `-` or `.`, then `:`. `None` when the URL has no scheme.
pub fn scheme_of(url: &str) -> Option<String> {
    let mut scheme = String::new();
    let chars = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    for c in chars {
        match c {
            ':' if !scheme.is_empty() => return Some(scheme),
            c if c.is_ascii_alphabetic() => scheme.push(c.to_ascii_lowercase()),
            c if !scheme.is_empty() && (c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) => {
                scheme.push(c);
            }
            _ => return None,
        }
    }
    None
}

/// A lower-case HTML name: a letter, then letters, digits and hyphens.
fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn allowed_tag(tag: &str) -> bool {
    is_name(tag) && !NEVER_TAGS.contains(&tag)
}

fn allowed_attribute(attribute: &str) -> bool {
    is_name(attribute) && !attribute.starts_with("on") && !NEVER_ATTRIBUTES.contains(&attribute)
}

fn allowed_scheme(scheme: &str) -> bool {
    scheme_of(&format!("{scheme}:")).as_deref() == Some(scheme.to_ascii_lowercase().as_str())
        && !NEVER_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str())
}

fn error(message: String, help: &str) -> Diagnostic {
    Diagnostic::error("site.toml", message).help(help)
}

fn tag_problem(tag: &str, key: &str) -> Option<Diagnostic> {
    if !is_name(tag) {
        return Some(error(
            format!("[sanitize] {key}: \"{tag}\" is not a tag name"),
            "write tag names in lower case without < >, e.g. \"video\"",
        ));
    }
    NEVER_TAGS.contains(&tag).then(|| {
        error(
            format!("[sanitize] {key}: <{tag}> is never allowed in content"),
            "scripts, styles, frames, plugins, forms, <base>, <meta>, <link>, <svg> and <math> could run code or change how the page works; remove it from the list",
        )
    })
}

fn attribute_problem(attribute: &str) -> Option<Diagnostic> {
    if !is_name(attribute) {
        return Some(error(
            format!("[sanitize] extra_attributes: \"{attribute}\" is not an attribute name"),
            "write attribute names in lower case, e.g. \"controls\"",
        ));
    }
    let why = if attribute.starts_with("on") {
        "event handlers run code; remove it from the list"
    } else if attribute == "style" {
        "the pages' Content-Security-Policy blocks inline styles; style content through classes and the theme's CSS"
    } else {
        "it loads or sends to addresses that freda cannot check; remove it from the list"
    };
    (!allowed_attribute(attribute)).then(|| {
        error(
            format!("[sanitize] extra_attributes: `{attribute}` is never allowed in content"),
            why,
        )
    })
}

fn scheme_problem(scheme: &str) -> Option<Diagnostic> {
    let name = scheme.trim_end_matches(':');
    if NEVER_SCHEMES.contains(&name.to_ascii_lowercase().as_str()) {
        return Some(error(
            format!("[sanitize] extra_url_schemes: {name}: URLs are never allowed in content"),
            "javascript:, vbscript: and data: URLs can run code or hide what they show; remove it from the list",
        ));
    }
    (!allowed_scheme(scheme)).then(|| {
        error(
            format!("[sanitize] extra_url_schemes: \"{scheme}\" is not a URL scheme"),
            "write the scheme without its colon, e.g. \"ftp\"",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_read_as_browsers_read_them() {
        for (url, scheme) in [
            ("javascript:alert(1)", Some("javascript")),
            ("JaVaScRiPt:alert(1)", Some("javascript")),
            (" \u{1}\u{1f}javascript:alert(1)", Some("javascript")),
            ("java\tscript:alert(1)", Some("javascript")),
            ("java\nscr\ript:alert(1)", Some("javascript")),
            ("data:text/html;base64,PHNjcmlwdD4=", Some("data")),
            ("vbscript:msgbox(1)", Some("vbscript")),
            ("web+app.x-1:thing", Some("web+app.x-1")),
            ("https://example.org/a:b", Some("https")),
            ("/images/a:b.png", None),
            ("#top", None),
            ("@/case-studies/x.md", None),
            ("../x/", None),
            ("java%09script:alert(1)", None),
            ("\u{ff4a}avascript:alert(1)", None),
            ("1http:x", None),
            (":x", None),
            ("", None),
        ] {
            assert_eq!(scheme_of(url).as_deref(), scheme, "{url:?}");
        }
    }

    #[test]
    fn only_listed_schemes_are_allowed() {
        let policy = Policy::default();
        assert_eq!(policy.refused_scheme("HTTPS://x.org/"), None);
        assert_eq!(policy.refused_scheme("mailto:a@b.org"), None);
        assert_eq!(policy.refused_scheme("tel:+441234"), None);
        assert_eq!(policy.refused_scheme("a@b.org"), None);
        assert_eq!(policy.refused_scheme("ftp://x/").as_deref(), Some("ftp"));
        let config: SanitizeConfig = toml::from_str("extra_url_schemes = [\"FTP\"]").unwrap();
        assert_eq!(config.policy().refused_scheme("ftp://x/"), None);
    }

    fn problems(toml_text: &str) -> String {
        #[derive(Deserialize)]
        struct Site {
            sanitize: SanitizeConfig,
        }
        let site: Site = toml::from_str(toml_text).unwrap();
        let mut ds = Diagnostics::new();
        site.sanitize.validate(toml_text, &mut ds);
        ds.render()
    }

    #[test]
    fn dangerous_additions_are_errors_at_their_place() {
        let text = "[sanitize]\nextra_tags = [\"video\", \"script\"]\nextra_attributes = { video = [\"controls\", \"onplay\"], \"*\" = [\"style\"] }\nextra_url_schemes = [\"ftp\", \"JavaScript\"]\n";
        let got = problems(text);
        assert!(
            got.starts_with("site.toml:2:24: error: [sanitize] extra_tags: <script> is never allowed in content\n"),
            "{got}"
        );
        assert!(got.contains("site.toml:3:43: error: [sanitize] extra_attributes: `onplay` is never allowed in content\n"), "{got}");
        assert!(got.contains("site.toml:3:61: error: [sanitize] extra_attributes: `style` is never allowed in content\n"), "{got}");
        assert!(got.contains("site.toml:4:29: error: [sanitize] extra_url_schemes: JavaScript: URLs are never allowed in content\n"), "{got}");
        assert_eq!(got.matches(": error: ").count(), 4, "{got}");
    }

    #[test]
    fn additions_reach_the_sanitiser_but_never_dangerous_ones() {
        let config: SanitizeConfig = toml::from_str(
            "extra_tags = [\"video\", \"script\", \"iframe\"]\nextra_attributes = { video = [\"controls\", \"onplay\"], abbr = [\"data-x\"] }\n",
        )
        .unwrap();
        let policy = config.policy();
        let html = policy.builder().clean(
            "<video controls onplay=\"x()\"></video><script>alert(1)</script><iframe src=\"/x\"></iframe><abbr data-x=\"1\" title=\"t\">A</abbr><a href=\"ftp://x/\">f</a>",
        );
        assert_eq!(
            html.to_string(),
            "<video controls=\"\"></video><abbr data-x=\"1\" title=\"t\">A</abbr><a>f</a>"
        );
    }
}
