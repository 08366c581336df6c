//! Content checks that go beyond the schema: review dates, ownership and
//! the expected structure of case studies.
//!
//! `freda build` and `freda check` both run these on the loaded site, after
//! the markdown stage (so headings are known). Most are warnings; with
//! `--strict` an overdue review is an error, because out-of-date guidance in
//! healthcare is a real risk.

use std::collections::HashMap;
use std::ops::Range;

use crate::config::span_of_value;
use crate::content::date::Date;
use crate::content::frontmatter::{opening_span, Status};
use crate::content::{Page, PageType, Site};
use crate::diagnostics::Diagnostic;

/// Options for the content checks.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    /// The date reviews are measured against (today, or `--today` in tests).
    pub today: Date,
    /// Treat overdue reviews as errors.
    pub strict: bool,
}

/// A review due within this many days gets a note, and is "due soon" in
/// the report and the review dashboard.
pub const DUE_SOON_DAYS: i64 = 30;

/// The headings every case study has, in order.
pub const CASE_STUDY_HEADINGS: [&str; 4] =
    ["The challenge", "What was done", "Outcomes", "Learning"];

/// Runs every content check on the site.
pub fn check_site(site: &Site, opts: CheckOptions) -> Vec<Diagnostic> {
    let mut out = crate::redirects::check(site);
    let archived: Vec<&str> = site
        .pages
        .iter()
        .filter(|p| p.meta.status == Status::Archived)
        .map(|p| p.source.as_str())
        .collect();
    let pages = site
        .pages
        .iter()
        .map(|p| (p.source.as_str(), &p.meta.anchors));
    let sections = site
        .sections
        .iter()
        .filter_map(|s| s.source.as_deref().map(|src| (src, &s.meta.anchors)));
    let anchors: HashMap<&str, &Vec<String>> = pages.chain(sections).collect();
    // Archived pages are kept for the record, not maintained: no review
    // nags. A fallback is another language's copy of a page checked there.
    let maintained = site
        .pages
        .iter()
        .filter(|p| p.meta.status != Status::Archived && !p.meta.fallback);
    for page in maintained {
        out.extend(links_to_archived(page, &archived));
        out.extend(broken_anchors(page, &anchors));
        out.extend(review_dates(page, opts));
        out.extend(governance_fields(page));
        // The required headings are English words.
        if page.page_type == PageType::CaseStudy && is_english(&page.meta.lang) {
            out.extend(case_study_headings(page));
        }
    }
    out.extend(crate::readability::check(site));
    out
}

/// Whether a language tag is English (`en`, `en-GB`).
pub fn is_english(lang: &str) -> bool {
    lang == "en" || lang.starts_with("en-")
}

/// Guidance types must say who owns them and when they were last reviewed.
fn is_guidance(t: PageType) -> bool {
    !matches!(t, PageType::Page | PageType::Event)
}

fn shown(page: &Page) -> String {
    format!("content/{}", page.source)
}

/// The span of `key = value` in the page's front matter, or the opening `+++`.
fn key_span(page: &Page, key: &str) -> Range<usize> {
    let front = &page.text[..page.body_offset.min(page.text.len())];
    let span = span_of_value(front, key);
    if span.is_empty() {
        opening_span(&page.text)
    } else {
        span
    }
}

fn review_dates(page: &Page, opts: CheckOptions) -> Option<Diagnostic> {
    let due = page.meta.next_review?;
    let days = due.days_since_epoch() - opts.today.days_since_epoch();
    let at = key_span(page, "next_review");
    if days < 0 {
        let message = format!(
            "the review was due on {} ({} days ago)",
            due.display(),
            -days
        );
        let d = if opts.strict {
            Diagnostic::error(shown(page), message)
        } else {
            Diagnostic::warning(shown(page), message)
        };
        return Some(
            d.at(&page.text, at)
                .help("review the page, then update last_reviewed and next_review"),
        );
    }
    (days <= DUE_SOON_DAYS).then(|| {
        Diagnostic::note(
            shown(page),
            format!("the review is due on {} (in {days} days)", due.display()),
        )
        .at(&page.text, at)
        .help("plan the review with the page's owner")
    })
}

/// `@/page.md#anchor` must name a heading id on that page.
fn broken_anchors(page: &Page, anchors: &HashMap<&str, &Vec<String>>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (target, anchor, range) in &page.links_to {
        let (Some(anchor), Some(ids)) = (anchor, anchors.get(target.as_str())) else {
            continue;
        };
        if ids.contains(anchor) {
            continue;
        }
        let help = match crate::diagnostics::did_you_mean(anchor, ids.iter().map(String::as_str)) {
            Some(s) => format!(
                "did you mean #{s}? Heading ids are the heading text in lower case with hyphens"
            ),
            None => {
                "heading ids are the heading text in lower case with hyphens, e.g. #what-was-done"
                    .to_string()
            }
        };
        out.push(
            Diagnostic::error(
                shown(page),
                format!("@/{target} has no heading with the id \"{anchor}\""),
            )
            .at(&page.text, range.clone())
            .help(help),
        );
    }
    out
}

/// Published pages should not send readers to withdrawn material.
fn links_to_archived(page: &Page, archived: &[&str]) -> Vec<Diagnostic> {
    page.links_to
        .iter()
        .filter(|(target, _, _)| archived.contains(&target.as_str()))
        .map(|(target, _, range)| {
            Diagnostic::warning(shown(page), format!("link to an archived page: @/{target}"))
                .at(&page.text, range.clone())
                .help("link to the current guidance instead, or remove the link")
        })
        .collect()
}

fn governance_fields(page: &Page) -> Vec<Diagnostic> {
    if !is_guidance(page.page_type) {
        return Vec::new();
    }
    let missing = [
        ("owner", page.meta.owner.is_none()),
        ("last_reviewed", page.meta.last_reviewed.is_none()),
    ];
    missing
        .iter()
        .filter(|(_, absent)| *absent)
        .map(|(key, _)| {
            Diagnostic::warning(
                shown(page),
                format!("a \"{}\" page should have `{key}`", page.page_type.name()),
            )
            .at(&page.text, key_span(page, key))
            .help(match *key {
                "owner" => "add owner = \"…\": the role responsible for keeping the page current",
                _ => "add last_reviewed = 2026-01-31: the date the content was last checked",
            })
        })
        .collect()
}

fn case_study_headings(page: &Page) -> Vec<Diagnostic> {
    let has = |wanted: &str| {
        page.meta
            .toc
            .iter()
            .any(|h| h.title.eq_ignore_ascii_case(wanted))
    };
    CASE_STUDY_HEADINGS
        .iter()
        .filter(|h| !has(h))
        .map(|h| {
            Diagnostic::warning(
                shown(page),
                format!("the case study has no \"{h}\" heading"),
            )
            .at(&page.text, key_span(page, "type"))
            .help(format!("add a section starting with the line: ## {h}"))
        })
        .collect()
}

/// One line of the review report (`freda check --report`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    /// Who owns the page ("(no owner)" when unset).
    pub owner: String,
    /// overdue, due soon, current, no review date, or archived.
    pub status: &'static str,
    /// The page's source file.
    pub path: String,
    /// Last review, YYYY-MM-DD or "–".
    pub last_reviewed: String,
    /// Next review, YYYY-MM-DD or "–".
    pub next_review: String,
}

/// Every page with its owner and review status, sorted by owner then status, for governance meetings.
pub fn review_report(site: &Site, today: Date) -> Vec<ReviewRow> {
    review_entries(site, today)
        .into_iter()
        .map(|(row, _)| row)
        .collect()
}

/// [`review_report`]'s rows with the page each row is about (for the
/// review dashboard, [`crate::governance`], which links to the pages).
pub fn review_entries(site: &Site, today: Date) -> Vec<(ReviewRow, &Page)> {
    let mut rows: Vec<(ReviewRow, &Page)> = site
        .pages
        .iter()
        .filter(|p| !p.meta.fallback)
        .map(|p| (review_row(p, today), p))
        .collect();
    sort_review(&mut rows, |(r, _)| r);
    rows
}

fn review_row(p: &Page, today: Date) -> ReviewRow {
    let days = p
        .meta
        .next_review
        .map(|d| d.days_since_epoch() - today.days_since_epoch());
    let status = match (p.meta.status, days) {
        (Status::Archived, _) => "archived",
        (_, None) => "no review date",
        (_, Some(d)) if d < 0 => "overdue",
        (_, Some(d)) if d <= DUE_SOON_DAYS => "due soon",
        _ => "current",
    };
    let date = |d: Option<Date>| d.map_or("–".to_string(), |d| d.to_string());
    ReviewRow {
        owner: p
            .meta
            .owner
            .clone()
            .unwrap_or_else(|| "(no owner)".to_string()),
        status,
        path: shown(p),
        last_reviewed: date(p.meta.last_reviewed),
        next_review: date(p.meta.next_review),
    }
}

/// The review statuses, most urgent first: the report's order within an owner.
pub const REVIEW_STATUSES: [&str; 5] = [
    "overdue",
    "due soon",
    "no review date",
    "current",
    "archived",
];

/// Sorts report rows (or anything holding one) by owner, urgency, then path.
pub fn sort_review<T>(rows: &mut [T], row: impl Fn(&T) -> &ReviewRow) {
    let rank = |s: &str| REVIEW_STATUSES.iter().position(|x| *x == s);
    rows.sort_by(|a, b| {
        let (a, b) = (row(a), row(b));
        (&a.owner, rank(a.status), &a.path).cmp(&(&b.owner, rank(b.status), &b.path))
    });
}

/// The report as an aligned text table.
pub fn report_table(rows: &[ReviewRow]) -> String {
    let head = ReviewRow {
        owner: "Owner".into(),
        status: "Status",
        path: "Page".into(),
        last_reviewed: "Last reviewed".into(),
        next_review: "Next review".into(),
    };
    let all: Vec<&ReviewRow> = std::iter::once(&head).chain(rows).collect();
    let w = |f: fn(&ReviewRow) -> usize| all.iter().map(|r| f(r)).max().unwrap_or(0);
    let (wo, ws, wp) = (
        w(|r| r.owner.chars().count()),
        w(|r| r.status.len()),
        w(|r| r.path.chars().count()),
    );
    all.iter()
        .map(|r| {
            format!(
                "{:wo$}  {:ws$}  {:wp$}  {:13}  {}\n",
                r.owner, r.status, r.path, r.last_reviewed, r.next_review
            )
        })
        .collect()
}
