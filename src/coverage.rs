//! Coverage map: how many published pages the library has for each pair of
//! terms (right × setting, right × audience, type × principle), so its
//! owners can see the gaps, e.g. rights with no case study in mental-health
//! settings.
//!
//! Counted from a [`Site`] after loading: published pages only (drafts,
//! archived pages and another language's fallback copies are left out). A
//! page tagged with two rights and three settings counts once in each of
//! the six cells. Rows and columns follow the vocabulary order in
//! `site.toml` and list every term, used or not, so an empty row shows.
//! The grids come from [`GRIDS`]; a grid whose vocabulary the site does not
//! declare is left out, so sites with other taxonomies still work.
//!
//! The [`Coverage`] handed on is plain data: the render stage shows it as
//! the generated `/coverage/` page, and `freda report coverage` prints it as
//! a table, CSV or JSON ([`table()`], [`csv()`], [`json()`]).

use serde::{Deserialize, Serialize};

use crate::content::frontmatter::Status;
use crate::content::{Page, PageType, Site};
use crate::render::Strings;

/// The name of the axis of content types (not a vocabulary).
pub const TYPE_AXIS: &str = "type";

/// The grids, as (row vocabulary, column vocabulary); [`TYPE_AXIS`] stands
/// for the content type.
pub const GRIDS: &[(&str, &str)] = &[
    ("rights", "settings"),
    ("rights", "audiences"),
    (TYPE_AXIS, "principles"),
];

/// The content types on the type axis, in [`PageType::ALL`] order. Plain
/// pages (about, help) are not resources, and `guide` is the type of guide
/// sections, never of a page (a guide's pages are `guide-part`s).
pub const TYPES: [PageType; 7] = [
    PageType::GuidePart,
    PageType::CaseStudy,
    PageType::DosDonts,
    PageType::Training,
    PageType::Tool,
    PageType::Event,
    PageType::Evaluation,
];

/// The `[coverage]` table of `site.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CoverageConfig {
    /// Generate the coverage page (`freda report coverage` works either way).
    pub enabled: bool,
    /// Keep the page out of the footer and the sitemap, and ask search
    /// engines not to index it (it stays at its address for the editors).
    pub hidden: bool,
}

impl Default for CoverageConfig {
    fn default() -> CoverageConfig {
        CoverageConfig {
            enabled: true,
            hidden: false,
        }
    }
}

/// The coverage page's URL in a site (`<lang_base>coverage/`), if it has one.
pub fn url(site: &Site) -> Option<String> {
    site.config
        .coverage
        .enabled
        .then(|| format!("{}coverage/", site.lang_base))
}

/// The coverage page's URL if it is listed in the footer and the sitemap.
pub fn listed_url(site: &Site) -> Option<String> {
    url(site).filter(|_| !site.config.coverage.hidden)
}

/// Every grid of one language's site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// The site's language, e.g. `en`.
    pub lang: String,
    /// The grids, in [`GRIDS`] order (those the site can have).
    pub grids: Vec<Grid>,
}

/// One grid: a count of pages for each (row term, column term).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    /// `<rows>-<columns>`, e.g. `rights-settings`: stable, used in ids.
    pub name: String,
    /// The rows' axis.
    pub rows: Axis,
    /// The columns' axis.
    pub columns: Axis,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Cell>>,
}

impl Grid {
    /// How many cells have no page.
    pub fn gaps(&self) -> usize {
        self.cells.iter().flatten().filter(|c| c.count == 0).count()
    }
}

/// A vocabulary (or the types) along one side of a grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Axis {
    /// Vocabulary name, e.g. `rights`, or [`TYPE_AXIS`].
    pub name: String,
    /// Its label, e.g. "Rights".
    pub label: String,
    /// Its terms, in display order.
    pub terms: Vec<Term>,
}

/// One row or column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// Slug, e.g. `article-8` or `case-study`.
    pub slug: String,
    /// Label, e.g. "Article 8: Right to respect for private and family life".
    pub label: String,
}

/// The pages of one (row, column) pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// How many pages (the length of `pages`).
    pub count: usize,
    /// The pages, in site order.
    pub pages: Vec<PageRef>,
}

/// A page in a cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageRef {
    /// The page's title.
    pub title: String,
    /// Its URL, with the base path.
    pub url: String,
}

/// Counts the coverage of `site`; `strings` (the UI strings of its
/// language) name the content types.
pub fn of(site: &Site, strings: &Strings) -> Coverage {
    let pages: Vec<&Page> = site.pages.iter().filter(|p| counted(p)).collect();
    let grids = GRIDS
        .iter()
        .filter_map(|(r, c)| {
            let rows = axis(site, r, strings)?;
            let columns = axis(site, c, strings)?;
            Some(grid(&pages, rows, columns))
        })
        .collect();
    Coverage {
        lang: site.config.language.clone(),
        grids,
    }
}

/// Published, and in this language (not a fallback copy).
fn counted(p: &Page) -> bool {
    p.meta.status == Status::Published && !p.meta.fallback
}

/// The axis named `name`, or `None` when the site has no such vocabulary.
fn axis(site: &Site, name: &str, strings: &Strings) -> Option<Axis> {
    if name == TYPE_AXIS {
        let terms = TYPES
            .iter()
            .map(|t| Term {
                slug: t.name().to_string(),
                label: crate::render::type_label(*t, strings).to_string(),
            })
            .collect();
        let label = strings.get("coverage_type").map_or("Type", String::as_str);
        return Some(Axis {
            name: name.to_string(),
            label: label.to_string(),
            terms,
        });
    }
    let tax = site.taxonomies.iter().find(|t| t.name == name)?;
    Some(Axis {
        name: name.to_string(),
        label: tax.label.clone(),
        terms: tax
            .terms
            .iter()
            .map(|t| Term {
                slug: t.slug.clone(),
                label: t.label.clone(),
            })
            .collect(),
    })
}

/// Fills the grid in one pass over the pages: each page goes into every
/// cell of its row terms × its column terms.
fn grid(pages: &[&Page], rows: Axis, columns: Axis) -> Grid {
    let empty = Cell {
        count: 0,
        pages: Vec::new(),
    };
    let mut cells = vec![vec![empty; columns.terms.len()]; rows.terms.len()];
    for p in pages {
        let cols = positions(p, &columns);
        for r in positions(p, &rows) {
            for &c in &cols {
                let cell = &mut cells[r][c];
                cell.count += 1;
                cell.pages.push(PageRef {
                    title: p.meta.title.clone(),
                    url: p.meta.url.clone(),
                });
            }
        }
    }
    Grid {
        name: format!("{}-{}", rows.name, columns.name),
        rows,
        columns,
        cells,
    }
}

/// Where the page's terms (or its type) are on the axis.
fn positions(p: &Page, axis: &Axis) -> Vec<usize> {
    let at = |slug: &str| axis.terms.iter().position(|t| t.slug == slug);
    if axis.name == TYPE_AXIS {
        return at(p.page_type.name()).into_iter().collect();
    }
    p.taxonomies
        .iter()
        .filter(|t| t.name == axis.name)
        .flat_map(|t| t.terms.iter().filter_map(|term| at(&term.slug)))
        .collect()
}

/// The coverage of language `lang` (the first, the main language's, when
/// `None`), or an error naming the languages there are.
pub fn pick<'a>(all: &'a [Coverage], lang: Option<&str>) -> Result<&'a Coverage, String> {
    let found = match lang {
        None => all.first(),
        Some(code) => all.iter().find(|c| c.lang == code),
    };
    found.ok_or_else(|| {
        let codes: Vec<&str> = all.iter().map(|c| c.lang.as_str()).collect();
        format!(
            "the site has no language \"{}\"; its languages are: {}",
            lang.unwrap_or(""),
            codes.join(", ")
        )
    })
}

/// The `freda report coverage` text table: one block per grid, a title,
/// aligned columns headed by term slugs (labels are too long to align),
/// `·` for a gap, and a legend naming the slugs' labels.
pub fn table(coverage: &Coverage) -> String {
    let mut out = String::new();
    for g in &coverage.grids {
        out.push_str(&format!(
            "{} × {} ({} gaps of {} cells)\n",
            g.rows.label,
            g.columns.label,
            g.gaps(),
            g.rows.terms.len() * g.columns.terms.len()
        ));
        out.push_str(&grid_table(g));
        out.push('\n');
    }
    out.push_str("· = gap: no published page has both terms\n");
    out
}

/// One grid's aligned rows: slugs as headers, counts right-aligned.
fn grid_table(g: &Grid) -> String {
    let first = g
        .rows
        .terms
        .iter()
        .map(|t| t.slug.chars().count())
        .chain([g.rows.name.chars().count()])
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = g
        .columns
        .terms
        .iter()
        .map(|t| t.slug.chars().count())
        .collect();
    let mut line = format!("{:<first$}", g.rows.name);
    for (t, w) in g.columns.terms.iter().zip(&widths) {
        line.push_str(&format!("  {:>w$}", t.slug));
    }
    let mut out = format!("{}\n", line.trim_end());
    for (r, row) in g.rows.terms.iter().zip(&g.cells) {
        let mut line = format!("{:<first$}", r.slug);
        for (c, w) in row.iter().zip(&widths) {
            let shown = if c.count == 0 {
                "·".to_string()
            } else {
                c.count.to_string()
            };
            line.push_str(&format!("  {shown:>w$}"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The CSV report: a header, then one record per cell,
/// `grid,row,column,count,urls` (the URLs separated by spaces).
pub fn csv(coverage: &Coverage) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut write = |record: [&str; 5]| w.write_record(record).is_ok();
    let mut ok = write(["grid", "row", "column", "count", "urls"]);
    for g in &coverage.grids {
        for (r, row) in g.rows.terms.iter().zip(&g.cells) {
            for (c, cell) in g.columns.terms.iter().zip(row) {
                let urls: Vec<&str> = cell.pages.iter().map(|p| p.url.as_str()).collect();
                let count = cell.count.to_string();
                ok &= write([&g.name, &r.slug, &c.slug, &count, &urls.join(" ")]);
            }
        }
    }
    debug_assert!(ok, "writing CSV to memory cannot fail");
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The JSON report, schema version 1 (documented in the README):
/// `{"version":1,"lang","grids":[{"name","rows":[{"slug","label"}],"columns":[…],"cells":[[{"count","pages":[{"title","url"}]}]]}]}`.
pub fn json(coverage: &Coverage) -> String {
    let grids: Vec<serde_json::Value> = coverage
        .grids
        .iter()
        .map(|g| {
            serde_json::json!({
                "name": g.name,
                "row_vocabulary": g.rows.name,
                "column_vocabulary": g.columns.name,
                "rows": g.rows.terms,
                "columns": g.columns.terms,
                "cells": g.cells,
            })
        })
        .collect();
    let doc = serde_json::json!({"version": 1, "lang": coverage.lang, "grids": grids});
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests;
