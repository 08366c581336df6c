//! The `freda` command line: parses arguments and calls one library function per command.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use freda::build::{self, BuildError, BuildOptions};
use freda::content::date::Date;
use freda::diagnostics::{count_of, Palette};
use freda::scaffold::{self, NewKind, NewOptions};

/// mimalloc: builds and rebuilds make many small allocations, which glibc's
/// allocator served slowly (a third of a `freda serve` rebuild's time).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// freda turns a folder of Markdown about human rights in care into an
/// accessible, searchable static website.
///
/// Run these commands inside a site folder (one with a site.toml), or point
/// at one with --root. Start a new site with `freda init my-library`.
#[derive(Parser)]
#[command(name = "freda", version, about, long_about, max_term_width = 100)]
struct Cli {
    /// The site folder, containing site.toml and content/
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

/// How `freda check` prints its findings.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Text with the source line and a caret.
    Human,
    /// One JSON document on standard output.
    Json,
    /// GitHub Actions workflow commands (annotations on the changed lines).
    Github,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --output)
    ///
    /// Checks every page first and lists all problems with their file, line
    /// and column. Nothing is written unless the whole site is good, so the
    /// previous public/ folder stays as it was.
    Build {
        /// Where to write the site [default: the output_dir in site.toml, usually public]
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Use this address instead of base_url in site.toml, e.g. https://trust.example/hr/
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include pages whose status is "draft"
        #[arg(long)]
        drafts: bool,
        /// Replace an output folder that freda did not create
        #[arg(long)]
        force: bool,
        /// Make every link relative (ending in index.html), so the folder works when opened
        /// from disk or from a zip file, e.g. on an intranet without a web server
        #[arg(long)]
        relative: bool,
        /// Also write the built site as one zip file, e.g. library.zip, whose files are under one
        /// folder named after it (library/); use with --relative, so it works when unzipped and
        /// opened from disk
        #[arg(long, value_name = "FILE")]
        zip: Option<PathBuf>,
        /// Measure review dates against this date instead of today (YYYY-MM-DD)
        #[arg(long, value_name = "DATE", hide = true)]
        today: Option<String>,
    },
    /// Check the site without writing anything: every build error, plus review dates,
    /// owners and case-study headings
    ///
    /// Exit codes: 0 clean, 1 errors, 2 warnings only with --deny-warnings.
    Check {
        /// Treat an overdue review as an error
        #[arg(long)]
        strict: bool,
        /// Exit with code 2 when there are warnings
        #[arg(long)]
        deny_warnings: bool,
        /// human (default), json (a stable schema for tools) or github (Actions annotations)
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Include pages whose status is "draft"
        #[arg(long)]
        drafts: bool,
        /// Also print a table of pages by owner and review status, for a governance meeting
        #[arg(long)]
        report: bool,
        /// Also print the Flesch reading ease and estimated reading age of every page
        #[arg(long)]
        readability: bool,
        /// Also request every http(s) link to other websites and warn about broken ones
        /// (uses the network; settings in [check.external] in site.toml)
        #[arg(long)]
        external: bool,
        /// Measure review dates against this date instead of today (YYYY-MM-DD)
        #[arg(long, value_name = "DATE", hide = true)]
        today: Option<String>,
    },
    /// Create a new page from a filled-in, commented template
    ///
    /// Example: freda new case-study "Reducing restraint on Ward 7"
    /// writes content/case-studies/reducing-restraint-on-ward-7.md.
    /// In a terminal, `freda new` without a title asks for the type, title and terms.
    New {
        /// Kind of content: page, guide, guide-part, case-study, dos-donts, training, tool, event or evaluation
        #[arg(value_name = "TYPE")]
        kind: Option<String>,
        /// The page title, in quotes
        title: Option<String>,
        /// Folder under content/ to put it in (needed for guide-part, e.g. guides/my-guide)
        #[arg(long, value_name = "FOLDER")]
        section: Option<String>,
    },
    /// Preview the site in a browser, rebuilding and reloading it on every change
    ///
    /// Builds the site into memory (public/ is not written) and serves it at
    /// http://127.0.0.1:1111/ under the path of base_url. It watches content/,
    /// templates/, static/, i18n/, themes/ and site.toml: after a change, open pages
    /// reload (or swap stylesheets when only CSS changed). When a rebuild fails, the
    /// last good version stays and the pages show the error.
    Serve(ServeArgs),
    /// Print a report about the site's content
    #[command(subcommand)]
    Report(Report),
    /// Start a new site from the bundled starter library
    Init {
        /// Folder to create (must be new or empty)
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

/// The reports of `freda report`.
#[derive(Subcommand)]
enum Report {
    /// How many published pages there are for each right and setting, right and
    /// audience, and type and principle, to find the gaps
    ///
    /// Counts the main language's pages (or --lang's). The site is checked first,
    /// as `freda check` does; a site with errors has no report.
    Coverage {
        /// table (aligned text, · marks a gap), csv (one row per cell) or json
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// The language whose pages to count, e.g. cy [default: the main language]
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
    },
}

/// How `freda report` prints.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    /// Aligned plain text, one table per grid.
    Table,
    /// CSV: grid,row,column,count,urls.
    Csv,
    /// One JSON document (a stable schema, version 1).
    Json,
}

/// Options of `freda serve`.
#[derive(clap::Args)]
#[cfg_attr(not(feature = "serve"), allow(dead_code))]
struct ServeArgs {
    /// Port to listen on (0 picks a free one)
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Address to listen on; the default accepts connections from this computer only
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    bind: std::net::IpAddr,
    /// Open the site in the default web browser
    #[arg(long)]
    open: bool,
    /// Include pages whose status is "draft"
    #[arg(long)]
    drafts: bool,
    /// Look for changes every second instead of relying on the system's change notifications
    /// (for network drives and shared folders of virtual machines, where they may not arrive)
    #[arg(long)]
    poll: bool,
}

fn main() -> ExitCode {
    let cli = parse_cli();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            anstream::eprint!("{message}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Build {
            output,
            base_url,
            drafts,
            force,
            relative,
            zip,
            today,
        } => {
            let opts = BuildOptions {
                today: parse_today(today)?,
                root: cli.root,
                output,
                base_url,
                drafts,
                force,
                relative,
                zip,
                progress: true,
                ..BuildOptions::default()
            };
            run_build(&opts).map(|()| 0)
        }
        Command::Check {
            strict,
            deny_warnings,
            format,
            drafts,
            report,
            readability,
            external,
            today,
        } => {
            let opts = BuildOptions {
                root: cli.root,
                drafts,
                strict,
                today: parse_today(today)?,
                check_only: true,
                external,
                ..BuildOptions::default()
            };
            let tables = Tables {
                report,
                readability,
            };
            Ok(run_check(&opts, deny_warnings, format, tables))
        }
        Command::New {
            kind,
            title,
            section,
        } => match (kind, title) {
            (Some(kind), Some(title)) => {
                run_new(&cli.root, &kind, &title, section.as_deref()).map(|()| 0)
            }
            (kind, _) => run_new_asking(&cli.root, kind.as_deref(), section.as_deref()).map(|()| 0),
        },
        Command::Serve(args) => run_serve(cli.root, args),
        Command::Report(Report::Coverage { format, lang }) => {
            run_coverage(cli.root, format, lang.as_deref())
        }
        Command::Init { dir } => {
            let n = freda::starter::init(&dir).map_err(|e| format!("error: {e:#}\n"))?;
            eprintln!(
                "Created a new site in {} ({n} files). Next: cd {} && freda build",
                dir.display(),
                dir.display()
            );
            Ok(0)
        }
    }
}

/// Parses the arguments. `freda new`'s type and title are required, with
/// clap's usual error, unless its questions can be asked (see
/// [`can_ask`]).
fn parse_cli() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let required = !can_ask();
    let command = Cli::command().mut_subcommand("new", |new| {
        new.mut_arg("kind", |a| a.required(required))
            .mut_arg("title", |a| a.required(required))
    });
    let matches = command.get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Whether `freda new` may ask questions: built with the `interactive`
/// feature, and both standard input and output are terminals.
fn can_ask() -> bool {
    use std::io::IsTerminal;
    cfg!(feature = "interactive")
        && std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
}

fn run_build(opts: &BuildOptions) -> Result<(), String> {
    match build::build(opts) {
        Ok(report) => {
            anstream::eprint!("{}", report.diagnostics.render_with(&Palette::COLOUR));
            eprintln!("{}", build::summary(&report, &opts.root));
            Ok(())
        }
        Err(BuildError::Site(ds)) => {
            let (e, w) = (ds.error_count(), ds.warning_count());
            let warnings = if w > 0 {
                format!(" and {}", count_of(w, "warning"))
            } else {
                String::new()
            };
            Err(format!(
                "{}error: the site was not built: {}{warnings}; the output folder was not changed\n",
                ds.render_with(&Palette::COLOUR),
                count_of(e, "error")
            ))
        }
        Err(BuildError::Other(e)) => Err(format!("error: {e:#}\n")),
    }
}

/// Serves until stopped; returns only when it cannot start.
#[cfg(feature = "serve")]
fn run_serve(root: PathBuf, args: ServeArgs) -> Result<u8, String> {
    let opts = freda::serve::ServeOptions {
        root,
        bind: args.bind,
        port: args.port,
        open: args.open,
        drafts: args.drafts,
        poll: args.poll,
    };
    freda::serve::serve(&opts)
        .map(|()| 0)
        .map_err(|e| format!("error: {e:#}\n"))
}

#[cfg(not(feature = "serve"))]
fn run_serve(_root: PathBuf, _args: ServeArgs) -> Result<u8, String> {
    Err("error: this freda was built without the serve feature, so it cannot serve; rebuild it with default features (cargo install freda, without --no-default-features), or use freda build and any static web server\n".to_string())
}

/// Parses the hidden `--today` option that tests use to pin review dates.
fn parse_today(today: Option<String>) -> Result<Option<Date>, String> {
    match today {
        Some(t) => Date::parse(&t).map(Some).ok_or(format!(
            "error: --today \"{t}\" is not a date like 2026-03-01\n"
        )),
        None => Ok(None),
    }
}

/// Tables `freda check` can print besides its findings.
struct Tables {
    /// Pages by owner and review status (`--report`).
    report: bool,
    /// Readability of every page (`--readability`).
    readability: bool,
}

/// Runs the checks and prints them; returns the exit code.
fn run_check(opts: &BuildOptions, deny_warnings: bool, format: Format, tables: Tables) -> u8 {
    let (ds, pages) = match build::render_only(opts) {
        Ok(r) => {
            let pages = r.pages;
            if tables.report {
                print!("{}", freda::check::report_table(&r.review));
            }
            if tables.readability {
                print!("{}", freda::readability::table(&r.readability));
            }
            (r.diagnostics, Some(pages))
        }
        Err(BuildError::Site(ds)) => (ds, None),
        Err(BuildError::Other(e)) => {
            eprintln!("error: {e:#}");
            return 1;
        }
    };
    match format {
        Format::Human => {
            anstream::eprint!("{}", ds.render_with(&Palette::COLOUR));
            eprintln!("{}", ds.summary(pages));
        }
        Format::Json => println!("{}", ds.to_json()),
        Format::Github => print!("{}", ds.to_github()),
    }
    if ds.has_errors() {
        1
    } else if deny_warnings && ds.warning_count() > 0 {
        2
    } else {
        0
    }
}

/// Why `freda report` printed nothing: the site's errors.
fn no_report(ds: &freda::diagnostics::Diagnostics) -> String {
    let errors = count_of(ds.error_count(), "error");
    let help = "run freda check, fix them, then ask for the report again";
    format!(
        "{}error: the site has {errors}; {help}\n",
        ds.render_with(&Palette::COLOUR)
    )
}

/// `freda report coverage`: checks the site, then prints one language's map.
fn run_coverage(root: PathBuf, format: ReportFormat, lang: Option<&str>) -> Result<u8, String> {
    let opts = BuildOptions {
        root,
        check_only: true,
        ..BuildOptions::default()
    };
    let rendered = match build::render_only(&opts) {
        Ok(r) => r,
        Err(BuildError::Site(ds)) => return Err(no_report(&ds)),
        Err(BuildError::Other(e)) => return Err(format!("error: {e:#}\n")),
    };
    let coverage =
        freda::coverage::pick(&rendered.coverage, lang).map_err(|e| format!("error: {e}\n"))?;
    let text = match format {
        ReportFormat::Table => freda::coverage::table(coverage),
        ReportFormat::Csv => freda::coverage::csv(coverage),
        ReportFormat::Json => freda::coverage::json(coverage) + "\n",
    };
    print!("{text}");
    Ok(0)
}

fn run_new(
    root: &std::path::Path,
    kind: &str,
    title: &str,
    section: Option<&str>,
) -> Result<(), String> {
    let kind = NewKind::parse(kind).map_err(|e| format!("error: {e:#}\n"))?;
    let today = Date::today();
    let opts = NewOptions {
        site_root: root,
        kind,
        title,
        section,
        today: (today.year, today.month, today.day),
        filled: None,
    };
    let path = scaffold::new_content(&opts).map_err(|e| format!("error: {e:#}\n"))?;
    let shown = path.strip_prefix(root).unwrap_or(&path);
    eprintln!(
        "Created {}. Open it in a text editor, fill in the fields, then run `freda build`.",
        shown.display()
    );
    Ok(())
}

/// `freda new` without a title in a terminal: asks the questions, writes
/// the file, and says where the page will appear.
#[cfg(feature = "interactive")]
fn run_new_asking(
    root: &std::path::Path,
    kind: Option<&str>,
    section: Option<&str>,
) -> Result<(), String> {
    use scaffold::questions::{ask, Setting};
    let fail = |e: anyhow::Error| format!("error: {e:#}\n");
    let kind = kind.map(NewKind::parse).transpose().map_err(fail)?;
    let config = freda::config::Config::load(root).map_err(|ds| {
        format!(
            "{}error: there is no valid site.toml in {}: run freda new inside your site folder\n",
            ds.render(),
            root.display()
        )
    })?;
    let today = Date::today();
    let today = (today.year, today.month, today.day);
    let setting = Setting {
        site_root: root,
        config: &config,
        kind,
        section,
        today,
    };
    let chosen = ask(&mut scaffold::terminal::Terminal, setting).map_err(fail)?;
    let opts = NewOptions {
        site_root: root,
        kind: chosen.kind,
        title: &chosen.title,
        section: chosen.section.as_deref(),
        today,
        filled: Some(&chosen.filled),
    };
    let path = scaffold::new_content(&opts).map_err(fail)?;
    let shown = path.strip_prefix(root).unwrap_or(&path);
    eprintln!("\nCreated {}.", shown.display());
    if let Some(url) = scaffold::page_url(root, &path) {
        eprintln!("It will appear at {url} once its status is \"published\".");
    }
    eprintln!(
        "Next: open the file in a text editor and fill in the other fields, then run `freda serve --drafts` to preview it."
    );
    Ok(())
}

/// Without the `interactive` feature, the arguments are always required.
#[cfg(not(feature = "interactive"))]
fn run_new_asking(
    _root: &std::path::Path,
    _kind: Option<&str>,
    _section: Option<&str>,
) -> Result<(), String> {
    // clap requires both without the feature; this is for completeness.
    Err("error: give the type and the title, e.g. freda new case-study \"Title\"\n".to_string())
}
