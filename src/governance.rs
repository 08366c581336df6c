//! The review dashboard: a generated page at `<base path>governance/` that
//! lists every page by review status, by owner, and the archived ones, with
//! exactly the rows of `freda check --report` ([`check::review_report`]) for
//! the same "today", so a governance meeting can work from a browser.
//!
//! There is one dashboard, in the main language, listing the pages of every
//! language (never fallbacks). Unless `[governance] public = true` it is
//! unlisted: `noindex, nofollow`, not in the sitemap, menus, footer, search
//! index or feeds, and nothing links to it. Unlisted is not private: a
//! server must protect the path if it matters (see the README). Its rows
//! depend on the build date, so `freda serve` renders it on every build
//! (it is never one of the kept outputs).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::check::{self, ReviewRow};
use crate::content::date::Date;
use crate::content::{Page, Site};
use crate::diagnostics::Diagnostic;
use crate::output::OutputFile;
use crate::render::Strings;
use crate::templates::Theme;

/// The dashboard's template.
pub const TEMPLATE: &str = "governance.html";

/// The `[governance]` table of `site.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct GovernanceConfig {
    /// Write the review dashboard.
    pub enabled: bool,
    /// List it like any page: indexable, in the sitemap and the footer.
    /// Off by default: the page is written but unlisted.
    pub public: bool,
}

impl Default for GovernanceConfig {
    fn default() -> GovernanceConfig {
        GovernanceConfig {
            enabled: true,
            public: false,
        }
    }
}

/// The dashboard's URL when the site writes one: under the main language's
/// base path (`site.base_path` in every language's site).
pub fn url(site: &Site) -> Option<String> {
    site.config
        .governance
        .enabled
        .then(|| format!("{}governance/", site.base_path))
}

/// The URL to list in the sitemap and footer: only when public.
pub fn public_url(site: &Site) -> Option<String> {
    url(site).filter(|_| site.config.governance.public)
}

/// The footer link of a public dashboard, for the `site` template variable:
/// its URL and, on another language's pages, the language it is in.
pub fn footer_link(site: &Site) -> Value {
    let Some(url) = public_url(site) else {
        return Value::Null;
    };
    let main = site.config.main_language();
    let lang = if main == site.config.language {
        ""
    } else {
        main
    };
    json!({"url": url, "lang": lang})
}

/// One row as the template sees it: the report's row plus the page's title,
/// URL, language and dates written for people.
#[derive(Debug, Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    report: ReviewRowView<'a>,
    title: &'a str,
    url: &'a str,
    /// The page's language when it is not the dashboard's, else "".
    lang: &'a str,
    owner_missing: bool,
    last_reviewed_display: Option<String>,
    next_review_display: Option<String>,
}

/// [`ReviewRow`] for templates: `status_key` names the UI string.
#[derive(Debug, Serialize)]
struct ReviewRowView<'a> {
    owner: &'a str,
    status: &'static str,
    status_key: &'static str,
    path: &'a str,
    last_reviewed: Option<&'a str>,
    next_review: Option<&'a str>,
}

/// The UI string suffix of a report status: `governance_status_<key>`.
pub fn status_key(status: &str) -> &'static str {
    match status {
        "overdue" => "overdue",
        "due soon" => "due_soon",
        "current" => "current",
        "archived" => "archived",
        _ => "no_date",
    }
}

/// The statuses with a section of their own, in the dashboard's order.
const STATUS_SECTIONS: [&str; 4] = ["overdue", "due soon", "current", "no review date"];

fn row<'a>(r: &'a ReviewRow, p: &'a Page, main_lang: &str, strings: &Strings) -> Row<'a> {
    let date = |s: &'a str| (s != "–").then_some(s);
    let display = |d: Option<Date>| d.map(|d| crate::languages::local_date(d, strings));
    Row {
        report: ReviewRowView {
            owner: &r.owner,
            status: r.status,
            status_key: status_key(r.status),
            path: &r.path,
            last_reviewed: date(&r.last_reviewed),
            next_review: date(&r.next_review),
        },
        title: &p.meta.title,
        url: &p.meta.url,
        lang: if p.meta.lang == main_lang {
            ""
        } else {
            &p.meta.lang
        },
        owner_missing: p.meta.owner.is_none(),
        last_reviewed_display: display(p.meta.last_reviewed),
        next_review_display: display(p.meta.next_review),
    }
}

/// Every language's report rows with their pages, sorted as the report is.
fn entries(sites: &[Site], today: Date) -> Vec<(ReviewRow, &Page)> {
    let mut all: Vec<(ReviewRow, &Page)> = sites
        .iter()
        .flat_map(|s| check::review_entries(s, today))
        .collect();
    check::sort_review(&mut all, |(r, _)| r);
    all
}

/// The `governance` template variable: today, the status sections, the
/// owners and the archived pages.
fn view(rows: &[Row], today: Date, strings: &Strings, public: bool) -> Value {
    let by_next = |status: &str| -> Vec<&Row> {
        let mut list: Vec<&Row> = rows.iter().filter(|r| r.report.status == status).collect();
        // Most urgent first; pages without a date by owner, as the report.
        list.sort_by_key(|r| r.report.next_review);
        list
    };
    let statuses: Vec<Value> = STATUS_SECTIONS
        .iter()
        .map(|s| json!({"status": s, "key": status_key(s), "rows": by_next(s)}))
        .collect();
    let mut owners: Vec<Value> = Vec::new();
    for chunk in rows.chunk_by(|a, b| a.report.owner == b.report.owner) {
        owners.push(json!({
            "owner": chunk[0].report.owner,
            "owner_missing": chunk[0].owner_missing,
            "rows": chunk,
        }));
    }
    json!({
        "today": today.to_string(),
        "today_display": crate::languages::local_date(today, strings),
        "public": public,
        "due_soon_days": check::DUE_SOON_DAYS,
        "total": rows.len(),
        "statuses": statuses,
        "owners": owners,
        "archived": by_next("archived"),
    })
}

/// Renders the dashboard of `sites` (main language first) with the main
/// site's `site` variable, or nothing when `[governance] enabled = false`.
pub fn page(
    sites: &[Site],
    theme: &Theme,
    site_view: &Value,
    relative: bool,
    today: Date,
) -> Result<Option<OutputFile>, Diagnostic> {
    let Some(main) = sites.first() else {
        return Ok(None);
    };
    let Some(url) = url(main) else {
        return Ok(None);
    };
    let lang = &main.config.language;
    let strings = theme.strings_for(lang);
    let entries = entries(sites, today);
    let rows: Vec<Row> = entries
        .iter()
        .map(|(r, p)| row(r, p, lang, strings))
        .collect();
    let public = main.config.governance.public;
    let mut ctx = tera::Context::new();
    ctx.insert("governance", &view(&rows, today, strings, public));
    ctx.insert("site", site_view);
    ctx.insert("t", strings);
    ctx.insert("base_path", &main.base_path);
    ctx.insert("lang_base", &main.lang_base);
    ctx.insert("current_url", &url);
    ctx.insert("canonical_url", &url);
    ctx.insert("fallback", &false);
    ctx.insert("content_lang", "");
    // Only the main language has a dashboard: no language switcher.
    ctx.insert("translations", &Vec::<Value>::new());
    ctx.insert("feed", &Value::Null);
    let home = strings.get("home").map_or("Home", String::as_str);
    ctx.insert(
        "breadcrumbs",
        &json!([{"title": home, "url": main.lang_base, "lang": ""}]),
    );
    let html = theme
        .tera
        .render(TEMPLATE, &ctx)
        .map_err(|e| theme.render_error(TEMPLATE, &e))?;
    let path = crate::render::output_path(&main.base_path, &url);
    let html = if relative {
        crate::relative::relativize(&html, &main.base_path, &path)
    } else {
        html
    };
    Ok(Some(OutputFile {
        path,
        contents: html.into_bytes(),
    }))
}
