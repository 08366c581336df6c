//! Incremental builds for `freda serve`: after a change, redo only what it
//! touches, with a result byte for byte equal to a fresh build.
//!
//! [`Incremental`] keeps every stage's result between builds:
//!
//! * **files**: each Markdown file's parse, re-read only when its path is
//!   among the changes (the folder is walked again only when files appear,
//!   go, or a folder changes);
//! * **theme**: reloaded only when `templates/`, `static/`, `i18n/` or
//!   `themes/` change; templates whose text changed, and the templates that
//!   name them, mark their outputs for re-rendering;
//! * **Markdown**: a page's HTML is reused unless its file changed or some
//!   `@/` link could now lead elsewhere ([`crate::render::MarkdownCache`]);
//! * **outputs**: an output is rendered again only when its inputs differ
//!   from the previous build's ([`crate::render::Previous`]); the rest are
//!   kept as they are.
//!
//! Assembly (sections, taxonomies, URLs, sorting) and the site-wide checks
//! run in full every time: they are cheap, and they are what decides which
//! outputs changed. A change to `site.toml`, or lost events, rebuild from
//! scratch.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use crate::build::{self, BuildError, BuildOptions};
use crate::check;
use crate::config::Config;
use crate::content::walk::{self, Parsed, ReadPolicy, Walked};
use crate::content::{self, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Markdown;
use crate::render::{self, MarkdownCache, Previous, RenderOptions};
use crate::templates::{self, Theme};

/// A site kept in memory and rebuilt from changes.
pub struct Incremental {
    opts: BuildOptions,
    md: Markdown,
    state: Option<State>,
}

/// Output files by path relative to the output folder, shared between
/// builds (a kept file is the same allocation).
pub type Files = HashMap<String, Arc<[u8]>>;

/// The result of one build.
#[derive(Debug, Default)]
pub struct Output {
    /// Every output file by path relative to the output folder.
    pub files: Files,
    /// Warnings and notes.
    pub diagnostics: Diagnostics,
    /// Templated outputs rendered this time (the rest were kept), not
    /// counting the review dashboard, which is rendered every time.
    pub rendered: usize,
    /// Markdown files read this time.
    pub parsed: usize,
}

/// Everything kept between builds.
struct State {
    config: Config,
    theme: Theme,
    walked: Walked,
    policy: ReadPolicy,
    walk_ds: Vec<Diagnostic>,
    parsed: HashMap<String, Result<Parsed, Diagnostic>>,
    /// Per language, main first: the markdown stage's and the search
    /// index's results.
    langs: Vec<LangState>,
    /// Sources read since the markdown stage last ran.
    fresh: HashSet<String>,
    /// Templates changed since the last good render; `None`: all.
    templates: Option<HashSet<String>>,
    /// The theme on disk failed to load: `theme` is an older one.
    theme_stale: bool,
    /// The last good build's files.
    good: Option<Files>,
}

/// What one language's site keeps between builds.
#[derive(Default)]
struct LangState {
    markdown: MarkdownCache,
    search: crate::search::IndexCache,
    /// The site as last built well.
    good: Option<Good>,
}

struct Good {
    site: Site,
    site_view: Value,
    keywords: Vec<crate::search::site::KeywordGroup>,
}

impl Incremental {
    /// A builder for the site `opts.root`; nothing is read until [`Self::build`].
    pub fn new(opts: BuildOptions) -> Incremental {
        Incremental {
            opts,
            md: Markdown::new(),
            state: None,
        }
    }

    /// Builds after `changed` (paths relative to the site root, with `/`);
    /// `rescan` (or the first build) reads everything again.
    pub fn build(
        &mut self,
        changed: &BTreeSet<String>,
        rescan: bool,
    ) -> Result<Output, BuildError> {
        let full = rescan || self.state.is_none() || changed.iter().any(|p| needs_full(p));
        if full {
            // Until a full load succeeds, every build is a full load.
            self.state = None;
            let state = self.load()?;
            // The markdown cache starts empty on a full load, so no result
            // rendered with the old `[sanitize]` additions is reused.
            self.md.set_policy(state.config.sanitize.policy());
            self.state = Some(state);
        } else if let Some(state) = self.state.as_mut() {
            state.update(&self.opts, changed)?;
        }
        let Some(state) = self.state.as_mut() else {
            return Err(BuildError::Other(anyhow::anyhow!("no site loaded")));
        };
        let parsed = if full {
            state.parsed.len()
        } else {
            state.fresh.len()
        };
        let mut out = state.rebuild(&self.opts, &self.md)?;
        out.parsed = parsed;
        Ok(out)
    }

    /// The site's configuration, once it has been read.
    pub fn config(&self) -> Option<&Config> {
        self.state.as_ref().map(|s| &s.config)
    }

    /// Reads the whole site.
    fn load(&self) -> Result<State, BuildError> {
        let config = build::load_config(&self.opts)?;
        let theme = templates::load(&self.opts.root, &config).map_err(BuildError::Site)?;
        let content = self.opts.root.join("content");
        let policy = ReadPolicy::new(&self.opts.root, &config.build);
        let mut ds = Diagnostics::new();
        let walked = walk::walk(&content, &policy, &mut ds);
        let parsed = walk::parse_all(&content, &walked.markdown, &policy);
        Ok(State {
            fresh: walked.markdown.iter().cloned().collect(),
            parsed: walked.markdown.iter().cloned().zip(parsed).collect(),
            walked,
            policy,
            walk_ds: ds.sorted().into_iter().cloned().collect(),
            config,
            theme,
            langs: Vec::new(),
            templates: None,
            theme_stale: false,
            good: None,
        })
    }
}

/// Changes that rebuild from scratch: `site.toml`, or anything freda does
/// not know how to follow.
fn needs_full(path: &str) -> bool {
    !["content/", "templates/", "static/", "i18n/", "themes/"]
        .iter()
        .any(|dir| path.starts_with(dir))
}

impl State {
    /// Takes in changed files: re-reads Markdown, reloads the theme.
    fn update(
        &mut self,
        opts: &BuildOptions,
        changed: &BTreeSet<String>,
    ) -> Result<(), BuildError> {
        let content: Vec<&str> = changed
            .iter()
            .filter_map(|p| p.strip_prefix("content/"))
            .filter(|p| !p.split('/').any(|part| part.starts_with('.')))
            .collect();
        if !content.is_empty() {
            self.update_content(&opts.root.join("content"), &content);
        }
        if self.theme_stale || changed.iter().any(|p| !p.starts_with("content/")) {
            // A theme that failed to load is loaded again on every build until it loads.
            self.theme_stale = true;
            self.reload_theme(&opts.root)?;
            self.theme_stale = false;
        }
        Ok(())
    }

    fn update_content(&mut self, dir: &Path, changed: &[&str]) {
        let known: HashSet<&str> = self.walked.markdown.iter().map(String::as_str).collect();
        let same_files = changed.iter().all(|rel| {
            let path = dir.join(rel);
            let is_file = path.is_file() && !path.is_symlink();
            known.contains(rel) == is_file && (is_file || !path.exists())
        });
        let reread: Vec<String> = if same_files {
            changed
                .iter()
                .filter(|rel| known.contains(*rel))
                .map(|rel| (*rel).to_string())
                .collect()
        } else {
            let mut ds = Diagnostics::new();
            self.walked = walk::walk(dir, &self.policy, &mut ds);
            self.walk_ds = ds.sorted().into_iter().cloned().collect();
            let listed: HashSet<&String> = self.walked.markdown.iter().collect();
            self.parsed.retain(|rel, _| listed.contains(rel));
            self.walked
                .markdown
                .iter()
                .filter(|rel| !self.parsed.contains_key(*rel) || changed.contains(&rel.as_str()))
                .cloned()
                .collect()
        };
        for rel in reread {
            let parsed = walk::parse_file(dir, &rel, &self.policy);
            self.parsed.insert(rel.clone(), parsed);
            self.fresh.insert(rel);
        }
    }

    /// Loads the theme again and notes which templates changed.
    fn reload_theme(&mut self, root: &Path) -> Result<(), BuildError> {
        let theme = templates::load(root, &self.config).map_err(BuildError::Site)?;
        let changed = (theme.strings == self.theme.strings)
            .then(|| changed_templates(&self.theme.sources, &theme.sources))
            .flatten();
        match (changed, self.templates.as_mut()) {
            (Some(changed), Some(since)) => since.extend(changed),
            _ => self.templates = None,
        }
        self.theme = theme;
        Ok(())
    }

    /// Assembles, checks and renders, keeping what has not changed.
    fn rebuild(&mut self, opts: &BuildOptions, md: &Markdown) -> Result<Output, BuildError> {
        let mut laps = build::Laps::from_env();
        let mut ds = Diagnostics::new();
        ds.extend(self.walk_ds.iter().cloned());
        ds.extend(self.theme.warnings.iter().cloned());
        let parsed = self
            .walked
            .markdown
            .iter()
            .map(|rel| {
                self.parsed.get(rel).cloned().unwrap_or_else(|| {
                    walk::parse_file(&opts.root.join("content"), rel, &self.policy)
                })
            })
            .collect();
        laps.lap("clone parsed files");
        let mut sites = content::sites_from_parsed(
            self.config.clone(),
            self.walked.clone(),
            parsed,
            opts.load_options(&self.config),
            &mut ds,
        );
        if let Some(d) = build::missing_logo(&opts.root, &self.config, &self.theme) {
            ds.push(d);
        }
        laps.lap("assemble");
        self.langs.resize_with(sites.len(), || LangState {
            markdown: MarkdownCache::kept(),
            ..LangState::default()
        });
        for (site, lang) in sites.iter_mut().zip(&mut self.langs) {
            let strings = self.theme.strings_for(&site.config.language);
            crate::languages::localise_dates(site, strings);
            ds.extend(crate::downloads::measure(site, &self.theme.static_files));
            ds.extend(render::render_markdown_cached(
                site,
                md,
                true,
                &mut lang.markdown,
                &self.fresh,
            ));
        }
        self.fresh.clear();
        laps.lap("markdown");
        for site in &sites {
            ds.extend(check::check_site(site, opts.checks()));
        }
        laps.lap("checks");
        if ds.has_errors() {
            return Err(BuildError::Site(ds));
        }
        self.render(sites, ds, opts, laps)
    }

    fn render(
        &mut self,
        sites: Vec<Site>,
        mut ds: Diagnostics,
        opts: &BuildOptions,
        mut laps: build::Laps,
    ) -> Result<Output, BuildError> {
        let ropts = RenderOptions {
            relative: opts.relative,
            hubs_only: false,
            today: Some(opts.checks().today),
        };
        let mut files: Files = HashMap::new();
        let mut rendered_count = 0;
        let mut goods = Vec::with_capacity(sites.len());
        for (site, lang) in sites.iter().zip(&mut self.langs) {
            let previous = lang
                .good
                .as_ref()
                .zip(self.good.as_ref())
                .map(|(g, files)| Previous {
                    site: &g.site,
                    site_view: &g.site_view,
                    keywords: &g.keywords,
                    files,
                    templates: self.templates.as_ref(),
                });
            let rendered = render::render_site_from(
                site,
                &self.theme,
                ropts,
                None,
                previous.as_ref(),
                &mut lang.search,
            )
            .map_err(|errors| {
                ds.extend(errors);
                BuildError::Site(ds.clone())
            })?;
            if let Some(good) = &self.good {
                for path in rendered.kept {
                    if let Some(bytes) = good.get(&path) {
                        files.insert(path, Arc::clone(bytes));
                    }
                }
            }
            rendered_count += rendered.rendered;
            files.extend(
                rendered
                    .files
                    .into_iter()
                    .map(|f| (f.path, Arc::from(f.contents))),
            );
            goods.push((rendered.site_view, rendered.keywords));
        }
        for f in render::merged_files(&sites, &self.theme) {
            files.insert(f.path, Arc::from(f.contents));
        }
        // The review dashboard is rendered every time (its rows depend on
        // the date) and left out of `rendered`, which measures reuse.
        if let Some((view, _)) = goods.first() {
            let page = render::governance_page(&sites, &self.theme, view, ropts).map_err(|e| {
                ds.push(e);
                BuildError::Site(ds.clone())
            })?;
            if let Some(f) = page {
                files.insert(f.path, Arc::from(f.contents));
            }
        }
        laps.lap("render");
        let listed: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), &**b)).collect();
        for site in &sites {
            ds.extend(crate::sitelinks::check_output(site, &listed));
        }
        drop(listed);
        laps.lap("link checks");
        if ds.has_errors() {
            return Err(BuildError::Site(ds));
        }
        self.templates = Some(HashSet::new());
        for ((site, (site_view, keywords)), lang) in
            sites.into_iter().zip(goods).zip(&mut self.langs)
        {
            lang.good = Some(Good {
                site,
                site_view,
                keywords,
            });
        }
        self.good = Some(files.clone());
        Ok(Output {
            files,
            diagnostics: ds,
            rendered: rendered_count,
            parsed: 0,
        })
    }
}

/// Template sources by name.
type Sources = std::collections::BTreeMap<String, templates::TemplateSource>;

/// Templates whose text changed, plus every template that names one of
/// them (extends, include, import), transitively. `None` if a template was
/// added or removed.
fn changed_templates(old: &Sources, new: &Sources) -> Option<HashSet<String>> {
    if old.keys().ne(new.keys()) {
        return None;
    }
    let mut changed: HashSet<String> = new
        .iter()
        .filter(|(name, s)| old.get(*name).map(|o| &o.text) != Some(&s.text))
        .map(|(name, _)| name.clone())
        .collect();
    loop {
        let more: Vec<String> = new
            .iter()
            .filter(|(name, _)| !changed.contains(*name))
            .filter(|(_, s)| changed.iter().any(|c| names(&s.text, c)))
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            return Some(changed);
        }
        changed.extend(more);
    }
}

/// Whether template text names `template` in quotes.
fn names(text: &str, template: &str) -> bool {
    text.contains(&format!("\"{template}\"")) || text.contains(&format!("'{template}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(list: &[(&str, &str)]) -> Sources {
        list.iter()
            .map(|(name, text)| {
                let source = templates::TemplateSource {
                    shown: format!("templates/{name}"),
                    text: (*text).to_string(),
                };
                ((*name).to_string(), source)
            })
            .collect()
    }

    #[test]
    fn a_changed_template_marks_every_template_that_uses_it() {
        let old = sources(&[
            ("base.html", "{% block main %}{% endblock %}"),
            ("macros.html", "{% macro card() %}old{% endmacro %}"),
            (
                "section.html",
                "{% extends \"base.html\" %}{% import \"macros.html\" as m %}",
            ),
            ("page.html", "{% extends 'base.html' %}"),
            ("404.html", "{% include \"page.html\" %}"),
        ]);
        let mut new = old.clone();
        new.get_mut("macros.html").unwrap().text = "{% macro card() %}new{% endmacro %}".into();
        let changed = changed_templates(&old, &new).unwrap();
        let mut names: Vec<&str> = changed.iter().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["macros.html", "section.html"]);

        let mut new = old.clone();
        new.get_mut("base.html").unwrap().text.push(' ');
        let changed = changed_templates(&old, &new).unwrap();
        let mut names: Vec<&str> = changed.iter().map(String::as_str).collect();
        names.sort_unstable();
        // 404 includes a page that extends base; the macros do not use it.
        assert_eq!(
            names,
            ["404.html", "base.html", "page.html", "section.html"]
        );

        let mut fewer = old.clone();
        fewer.remove("404.html");
        assert_eq!(
            changed_templates(&old, &fewer),
            None,
            "a template went: render everything"
        );
    }
}
