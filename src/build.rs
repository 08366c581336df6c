//! `freda build`: runs the whole pipeline and reports what happened.
//!
//! config → content → markdown → render → output. Each stage's diagnostics
//! are gathered; any error stops the build before the output folder is
//! touched, so the previous site stays in place.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::check::{self, CheckOptions};
use crate::config::Config;
use crate::content::date::Date;
use crate::content::{self, LoadOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Markdown;
use crate::output::{self, OutputFile, WriteOptions};
use crate::{render, templates};

/// Options for one build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (with `site.toml`).
    pub root: PathBuf,
    /// Output folder; default `[build] output_dir` under the root.
    pub output: Option<PathBuf>,
    /// Replaces `base_url` from site.toml.
    pub base_url: Option<String>,
    /// Build draft pages too.
    pub drafts: bool,
    /// Replace an output folder freda did not create.
    pub force: bool,
    /// Make links relative to each page, for opening from disk (`--relative`).
    pub relative: bool,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// Treat overdue reviews as errors (`--strict`).
    pub strict: bool,
    /// The date reviews are measured against; today when unset.
    pub today: Option<Date>,
    /// Only check: do not look at the output folder.
    pub check_only: bool,
    /// Also request every link to another website (`freda check --external`).
    pub external: bool,
    /// Render into memory only (`freda serve`): the output folder is neither
    /// checked nor written, so it may be missing or hold anything.
    pub in_memory: bool,
    /// Also write the built site as this zip file (`--zip`, see [`crate::bundle`]).
    pub zip: Option<PathBuf>,
}

impl BuildOptions {
    /// What the content checks need from these options.
    pub fn checks(&self) -> CheckOptions {
        CheckOptions {
            today: self.today.unwrap_or_else(Date::today),
            strict: self.strict,
        }
    }

    /// What loading content needs: drafts from `--drafts` or `[build] drafts`.
    pub fn load_options(&self, config: &Config) -> LoadOptions {
        LoadOptions {
            drafts: self.drafts || config.build.drafts,
        }
    }
}

/// The error for `--external` when the HTTP client was left out of the build.
pub const NO_EXTERNAL_LINKS: &str = "this freda was built without the external-links feature, so it cannot check external links; rebuild it with default features (cargo install freda, without --no-default-features)";

/// What a finished build did.
#[derive(Debug)]
pub struct BuildReport {
    /// HTML pages written.
    pub pages: usize,
    /// All files written.
    pub files: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Where the site went.
    pub output_dir: PathBuf,
    /// The zip written with `--zip`.
    pub zip: Option<crate::bundle::Bundle>,
    /// Warnings (a successful build has no errors).
    pub diagnostics: Diagnostics,
}

/// Why a build stopped.
#[derive(Debug)]
pub enum BuildError {
    /// Problems in the site: every one of them, with locations.
    Site(Diagnostics),
    /// A problem outside the content, e.g. the output folder.
    Other(anyhow::Error),
}

/// The site after all checks, rendered into memory, not yet written.
pub struct Rendered {
    /// Files to write.
    pub files: Vec<OutputFile>,
    /// Warnings.
    pub diagnostics: Diagnostics,
    /// Output folder from config or options.
    pub output_dir: PathBuf,
    /// Owners and review status of every page.
    pub review: Vec<check::ReviewRow>,
    /// Readability of every page with enough prose, hardest first.
    pub readability: Vec<crate::readability::Score>,
    /// HTML pages the site has (also when only some were rendered, for `check`).
    pub pages: usize,
    /// The coverage map of every language's site, the main language first.
    pub coverage: Vec<crate::coverage::Coverage>,
}

/// Builds the site and writes it atomically.
///
/// The output folder is locked first (see [`output::lock_output`]), so a
/// second build of the same folder fails before doing any work.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let config = load_config(opts)?;
    let output_dir = output_dir(opts, &config);
    let zip_warnings = crate::bundle::check(opts, &output_dir)?;
    let write = WriteOptions {
        site_root: &opts.root,
        output_dir: &output_dir,
        force: opts.force,
    };
    let lock = output::lock_output(&write).map_err(BuildError::Other)?;
    let mut rendered = render_config(opts, config, output_dir.clone())?;
    output::write_output(&rendered.files, &write, &lock).map_err(BuildError::Other)?;
    let zip = write_zip(opts, &rendered.files)?;
    rendered.diagnostics.extend(zip_warnings);
    Ok(BuildReport {
        pages: rendered
            .files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .count(),
        files: rendered.files.len(),
        elapsed: started.elapsed(),
        output_dir: rendered.output_dir,
        zip,
        diagnostics: rendered.diagnostics,
    })
}

/// `--zip`: the written site as one zip file (see [`crate::bundle`]).
#[cfg(feature = "bundle")]
fn write_zip(
    opts: &BuildOptions,
    files: &[OutputFile],
) -> Result<Option<crate::bundle::Bundle>, BuildError> {
    opts.zip
        .as_deref()
        .map(|zip| crate::bundle::write(files, zip).map_err(BuildError::Other))
        .transpose()
}

#[cfg(not(feature = "bundle"))]
fn write_zip(
    _opts: &BuildOptions,
    _files: &[OutputFile],
) -> Result<Option<crate::bundle::Bundle>, BuildError> {
    Ok(None)
}

/// Runs every stage but the write, for `check` and for tests.
pub fn render_only(opts: &BuildOptions) -> Result<Rendered, BuildError> {
    if opts.external && !cfg!(feature = "external-links") {
        return Err(BuildError::Other(anyhow::anyhow!(NO_EXTERNAL_LINKS)));
    }
    let config = load_config(opts)?;
    let output_dir = output_dir(opts, &config);
    let write = WriteOptions {
        site_root: &opts.root,
        output_dir: &output_dir,
        force: opts.force,
    };
    if !opts.check_only && !opts.in_memory {
        output::check_output_dir(&write).map_err(BuildError::Other)?;
    }
    render_config(opts, config, output_dir)
}

/// The output folder: `--output`, else `[build] output_dir` under the root.
fn output_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    opts.output
        .clone()
        .unwrap_or_else(|| opts.root.join(&config.build.output_dir))
}

/// Runs every stage but the write on a loaded configuration.
fn render_config(
    opts: &BuildOptions,
    config: Config,
    output_dir: PathBuf,
) -> Result<Rendered, BuildError> {
    let load = opts.load_options(&config);
    let mut laps = Laps::from_env();
    let theme = templates::load(&opts.root, &config);
    laps.lap("load theme");
    let (mut sites, mut ds) = content::load_sites(&opts.root, config, load);
    laps.lap("load content");
    let theme = match theme {
        Ok(t) => {
            ds.extend(t.warnings.iter().cloned());
            t
        }
        Err(more) => {
            ds.extend(more.sorted().into_iter().cloned());
            return Err(BuildError::Site(ds));
        }
    };
    let Some(main) = sites.first() else {
        return Err(BuildError::Site(ds));
    };
    if let Some(d) = missing_logo(&opts.root, &main.config, &theme) {
        ds.push(d);
    }
    let markdown = Markdown::with_policy(main.config.sanitize.policy());
    for site in &mut sites {
        ds.extend(crate::downloads::measure(site, &theme.static_files));
        crate::languages::localise_dates(site, theme.strings_for(&site.config.language));
        ds.extend(render::render_markdown(site, &markdown, !opts.check_only));
    }
    laps.lap("markdown");
    let checks = opts.checks();
    let mut review = Vec::new();
    for site in &sites {
        ds.extend(check::check_site(site, checks));
        if opts.external {
            ds.extend(external_links(site, &opts.root));
        }
        review.extend(check::review_report(site, checks.today));
    }
    // One owner's pages together, whatever their language (as on the review dashboard).
    check::sort_review(&mut review, |r| r);
    laps.lap("checks");
    if ds.has_errors() {
        return Err(BuildError::Site(ds));
    }
    let pages: usize = sites.iter().map(|s| s.pages.len()).sum();
    let bar = progress_bar(opts.progress && pages >= 1000);
    let ropts = render::RenderOptions {
        relative: opts.relative,
        hubs_only: opts.check_only,
        today: Some(checks.today),
    };
    let files = render::render_sites(&sites, &theme, ropts, bar.as_ref());
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let files = files.map_err(|errors| {
        ds.extend(errors);
        BuildError::Site(ds.clone())
    })?;
    laps.lap("render");
    let listed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_slice()))
        .collect();
    for site in &sites {
        ds.extend(crate::sitelinks::check_output(site, &listed));
    }
    laps.lap("link checks");
    if ds.has_errors() {
        return Err(BuildError::Site(ds));
    }
    let html = files.iter().filter(|f| f.path.ends_with(".html")).count();
    // `check` renders neither pages nor term pages.
    let unrendered: usize = if opts.check_only {
        sites
            .iter()
            .map(|s| s.pages.len() + s.taxonomies.iter().map(|t| t.terms.len()).sum::<usize>())
            .sum()
    } else {
        0
    };
    Ok(Rendered {
        pages: html + unrendered,
        files,
        diagnostics: ds,
        output_dir,
        review,
        readability: crate::readability::merged(sites.iter().flat_map(crate::readability::scores)),
        coverage: coverage(&sites, &theme),
    })
}

/// The coverage map of every site, with type names in its language.
fn coverage(sites: &[content::Site], theme: &templates::Theme) -> Vec<crate::coverage::Coverage> {
    sites
        .iter()
        .map(|s| crate::coverage::of(s, theme.strings_for(&s.config.language)))
        .collect()
}

/// `site.toml`, with `--base-url` in place of its `base_url`.
pub fn load_config(opts: &BuildOptions) -> Result<Config, BuildError> {
    let mut config = Config::load(&opts.root).map_err(BuildError::Site)?;
    if let Some(url) = &opts.base_url {
        config.base_url.clone_from(url);
        if crate::config::base_path_of(url).is_none() {
            let mut ds = Diagnostics::new();
            ds.push(Diagnostic::error(
                "--base-url",
                format!("\"{url}\" is not an http(s) URL"),
            ));
            return Err(BuildError::Site(ds));
        }
    }
    Ok(config)
}

/// `--external`: requests every link to another website (see [`crate::external`]).
#[cfg(feature = "external-links")]
fn external_links(site: &content::Site, root: &Path) -> Vec<Diagnostic> {
    let cfg = &site.config.check.external;
    crate::external::check_external(site, root, cfg, std::time::SystemTime::now())
}

#[cfg(not(feature = "external-links"))]
fn external_links(_site: &content::Site, _root: &Path) -> Vec<Diagnostic> {
    Vec::new()
}

/// Phase timings on standard error when `FREDA_TIMINGS` is set, for profiling.
pub(crate) struct Laps(Option<std::time::Instant>);

impl Laps {
    pub(crate) fn from_env() -> Laps {
        Laps(std::env::var_os("FREDA_TIMINGS").map(|_| std::time::Instant::now()))
    }

    pub(crate) fn lap(&mut self, what: &str) {
        if let Some(start) = self.0.as_mut() {
            eprintln!(
                "timing: {what}: {:.0} ms",
                start.elapsed().as_secs_f64() * 1000.0
            );
            *start = std::time::Instant::now();
        }
    }
}

/// The logo must be a file in the site's `static/` folder (or the theme's).
pub fn missing_logo(root: &Path, config: &Config, theme: &templates::Theme) -> Option<Diagnostic> {
    let logo = config.branding.logo.as_deref()?;
    if theme
        .static_files
        .contains_key(logo.trim_start_matches('/'))
    {
        return None;
    }
    let text = std::fs::read_to_string(root.join("site.toml")).unwrap_or_default();
    let span = crate::config::span_of_value(&text, "logo");
    Some(
        Diagnostic::error("site.toml", format!("the logo \"{logo}\" is not in the static/ folder"))
            .at(&text, span)
            .help("put the image under static/ and give its path from there, e.g. logo = \"/images/logo.svg\""),
    )
}

fn progress_bar(wanted: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !wanted || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("Rendering {bar:30} {pos}/{len} pages")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// The one-line summary printed after a good build.
pub fn summary(report: &BuildReport, root: &Path) -> String {
    let shown = report
        .output_dir
        .strip_prefix(root)
        .unwrap_or(&report.output_dir);
    let warnings = match report.diagnostics.warning_count() {
        0 => String::new(),
        1 => " (1 warning)".to_string(),
        n => format!(" ({n} warnings)"),
    };
    let zip = report.zip.as_ref().map_or_else(String::new, |z| {
        let size = crate::downloads::format_size(z.bytes);
        format!(" and {}, {size}", z.path.display())
    });
    format!(
        "Built {} pages in {:.2} s → {}/{zip}{warnings}",
        report.pages,
        report.elapsed.as_secs_f64(),
        shown.display()
    )
}
