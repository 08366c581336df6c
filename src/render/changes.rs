//! Which outputs an incremental build can keep from the previous one.
//!
//! An output is kept when everything its template reads is unchanged: the
//! `site` variable and strings (else nothing is kept), its template (and the
//! templates that template uses), and the job's own inputs, compared value
//! by value between the old and the new [`Site`]: a page and what surrounds
//! it (section, breadcrumbs, guide parts), a list page's cards, a term's
//! pages, the keyword index. Comparing is much cheaper than rendering, and
//! errs on the side of rendering: anything not proven equal is rendered.

use std::collections::{HashMap, HashSet};

use super::{card, output_path, Job, Previous, Shared};
use crate::search;

/// The old site seen through the new theme, plus lookups by URL and name.
pub struct Reuse<'a> {
    old: Shared<'a>,
    new: &'a Shared<'a>,
    files: &'a HashMap<String, std::sync::Arc<[u8]>>,
    templates: &'a HashSet<String>,
    pages: HashMap<&'a str, usize>,
    sections: HashMap<&'a str, usize>,
    taxonomies: HashMap<&'a str, usize>,
    keywords: &'a [search::site::KeywordGroup],
    /// For each new page: the old page at its URL, if its card (what lists
    /// show of it) is unchanged. Lists then compare page numbers only.
    same_card: Vec<Option<usize>>,
}

impl<'a> Reuse<'a> {
    /// `None` when nothing can be kept: the theme or a value every page
    /// shows (menus, footer, site title, base path) changed.
    pub fn new(new: &'a Shared<'a>, previous: &'a Previous<'a>) -> Option<Reuse<'a>> {
        let templates = previous.templates?;
        if *previous.site_view != new.site_view
            || previous.site.base_path != new.site.base_path
            || previous.site.config.language != new.site.config.language
            || previous.site.languages != new.site.languages
        {
            return None;
        }
        let old_site = previous.site;
        let pages = by_url(old_site.pages.iter().map(|p| p.meta.url.as_str()));
        let same_card = new
            .site
            .pages
            .iter()
            .map(|p| {
                let &j = pages.get(p.meta.url.as_str())?;
                (card(p, new.lang_strings) == card(&old_site.pages[j], new.lang_strings))
                    .then_some(j)
            })
            .collect();
        Some(Reuse {
            old: Shared {
                site: old_site,
                theme: new.theme,
                opts: new.opts,
                site_view: previous.site_view.clone(),
                strings: new.strings.clone(),
                lang_strings: new.lang_strings,
                keywords: std::sync::OnceLock::new(),
                feeds: crate::feeds::links(old_site),
            },
            new,
            files: previous.files,
            templates,
            pages,
            same_card,
            sections: by_url(old_site.sections.iter().map(|s| s.meta.url.as_str())),
            taxonomies: by_url(old_site.taxonomies.iter().map(|t| t.name.as_str())),
            keywords: previous.keywords,
        })
    }

    /// The output path of `job` if the previous build's file can be kept.
    pub fn kept(&self, job: Job) -> Option<String> {
        let (template, url) = self.new.target(job);
        let feed_changed = self.new.feeds.get(&url) != self.old.feeds.get(&url);
        if self.templates.contains(&template) || feed_changed || !self.same(job) {
            return None;
        }
        let path = output_path(&self.new.site.base_path, &url);
        self.files.contains_key(&path).then_some(path)
    }

    fn same(&self, job: Job) -> bool {
        match job {
            Job::Page(i) => self.same_page(i),
            Job::Section(i) => self.same_section(i),
            Job::GuidePrint(i) => self.same_guide_print(i),
            Job::Taxonomy(t) => self.old_taxonomy(t).is_some_and(|o| {
                *o == self.new.site.taxonomies[t]
                    && self.old.breadcrumbs(Some(0)) == self.new.breadcrumbs(Some(0))
            }),
            Job::Term(t, i) => self.same_term(t, i),
            Job::Browse => self.same_browse(),
            Job::Search => self.same_browse() && self.same_keywords(),
            Job::Coverage => self.same_coverage(),
            Job::NotFound => true,
        }
    }

    fn same_page(&self, i: usize) -> bool {
        let page = &self.new.site.pages[i];
        let Some(&j) = self.pages.get(page.meta.url.as_str()) else {
            return false;
        };
        *page == self.old.site.pages[j] && self.new.around(i) == self.old.around(j)
    }

    /// The old section at the new section's URL, if it is the same section.
    fn old_section(&self, i: usize) -> Option<usize> {
        let s = &self.new.site.sections[i];
        let &j = self.sections.get(s.meta.url.as_str())?;
        (*s == self.old.site.sections[j]).then_some(j)
    }

    fn same_section(&self, i: usize) -> bool {
        let Some(j) = self.old_section(i) else {
            return false;
        };
        let (new, old) = (self.new, &self.old);
        let (s, o) = (&new.site.sections[i], &old.site.sections[j]);
        let same_home = i != 0
            || (new.latest_case_studies() == old.latest_case_studies()
                && new.site.taxonomies == old.site.taxonomies);
        let subs = |sh: &Shared<'a>, list: &[usize]| -> Vec<_> {
            let all = &sh.site.sections;
            let sub = |k: &usize| {
                (
                    &all[*k].meta.title,
                    &all[*k].meta.summary,
                    &all[*k].meta.url,
                )
            };
            list.iter().map(|k| (sub(k), all[*k].pages.len())).collect()
        };
        // The section itself is equal (`old_section`), so its JSON is too.
        same_home
            && self.same_cards(&s.pages, &o.pages)
            && subs(new, &s.subsections) == subs(old, &o.subsections)
            && new.breadcrumbs(s.parent) == old.breadcrumbs(o.parent)
    }

    fn same_guide_print(&self, i: usize) -> bool {
        let Some(j) = self.old_section(i) else {
            return false;
        };
        let (s, o) = (&self.new.site.sections[i], &self.old.site.sections[j]);
        let parts = |sh: &Shared<'a>, list: &[usize]| -> Vec<&crate::content::Page> {
            list.iter().map(|k| &sh.site.pages[*k]).collect()
        };
        parts(self.new, &s.pages) == parts(&self.old, &o.pages)
            && self.new.breadcrumbs(s.parent) == self.old.breadcrumbs(o.parent)
    }

    fn old_taxonomy(&self, t: usize) -> Option<&'a crate::content::TaxonomyIndex> {
        let name = self.new.site.taxonomies[t].name.as_str();
        self.taxonomies
            .get(name)
            .map(|j| &self.old.site.taxonomies[*j])
    }

    fn same_term(&self, t: usize, i: usize) -> bool {
        let tax = &self.new.site.taxonomies[t];
        let term = &tax.terms[i];
        let Some(otax) = self.old_taxonomy(t) else {
            return false;
        };
        let Some(old) = otax.terms.iter().find(|o| o.slug == term.slug) else {
            return false;
        };
        (&tax.name, &tax.label, &tax.url) == (&otax.name, &otax.label, &otax.url)
            && (&term.label, &term.description, &term.url)
                == (&old.label, &old.description, &old.url)
            && self.same_cards(&term.pages, &old.pages)
    }

    /// Whether a list of new pages shows the same cards as a list of old ones.
    fn same_cards(&self, new: &[usize], old: &[usize]) -> bool {
        new.len() == old.len()
            && new
                .iter()
                .zip(old)
                .all(|(n, o)| self.same_card.get(*n) == Some(&Some(*o)))
    }

    fn same_browse(&self) -> bool {
        self.new.site.taxonomies == self.old.site.taxonomies
            && self.new.breadcrumbs(Some(0)) == self.old.breadcrumbs(Some(0))
    }

    /// The coverage map lists every tagged page: compared as counted.
    fn same_coverage(&self) -> bool {
        let of = |sh: &Shared<'a>| crate::coverage::of(sh.site, sh.lang_strings);
        of(self.new) == of(&self.old)
            && self.new.breadcrumbs(Some(0)) == self.old.breadcrumbs(Some(0))
    }

    /// The A–Z keyword index lists every page: the old one was kept.
    fn same_keywords(&self) -> bool {
        self.new.keywords() == self.keywords
    }
}

fn by_url<'a>(keys: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    keys.enumerate().map(|(i, k)| (k, i)).collect()
}
