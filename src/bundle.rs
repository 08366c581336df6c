//! `freda build --zip FILE`: the built site as one zip file, to hand to
//! people who will open it from disk (an intranet without a web server, a
//! shared drive, a USB stick).
//!
//! [`check`] runs before anything is built and refuses a zip path that the
//! build would destroy or that is not a zip: a path inside the output folder
//! (every build replaces that folder), a folder, or an existing file that is
//! not a zip. It warns when `--relative` is missing, since the pages would
//! then work only when served at `base_url`. `write` runs after the output
//! folder has been written, from the same in-memory files, so the zip holds
//! exactly what the folder does (without freda's marker file).
//!
//! Every entry is under one folder named after the zip (`library.zip` holds
//! `library/index.html`), in sorted order, each folder before its files,
//! dated 1980-01-01 (the earliest date a zip can hold), with Unix
//! permissions 644 and 755: the same site always gives the same bytes. The
//! zip is written to a temporary file next to FILE and renamed into place,
//! so FILE is never half-written.

use std::path::{Path, PathBuf};

use crate::build::{BuildError, BuildOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The error for `--zip` when the zip writer was left out of the build.
pub const NO_BUNDLE: &str = "this freda was built without the bundle feature, so it cannot write zip files; rebuild it with default features (cargo install freda, without --no-default-features)";

/// The zip a build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// Where it is, as given to `--zip`.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Checks `opts.zip` before the build: an error (as diagnostics on
/// `--zip`) for a path freda must not write, else the warnings to show with
/// the build's (none without `--zip`).
pub fn check(opts: &BuildOptions, output_dir: &Path) -> Result<Vec<Diagnostic>, BuildError> {
    let Some(zip) = opts.zip.as_deref() else {
        return Ok(Vec::new());
    };
    if !cfg!(feature = "bundle") {
        return Err(BuildError::Other(anyhow::anyhow!(NO_BUNDLE)));
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown_output = output_dir.strip_prefix(&opts.root).unwrap_or(output_dir);
    let problem =
        refusal(zip, (output_dir, shown_output), &cwd).or_else(|| published(zip, &opts.root, &cwd));
    if let Some(problem) = problem {
        let mut ds = Diagnostics::new();
        ds.push(problem);
        return Err(BuildError::Site(ds));
    }
    if opts.relative {
        return Ok(Vec::new());
    }
    Ok(vec![Diagnostic::warning(
        "--zip",
        "without --relative, the pages in the zip link to each other by their addresses under base_url, so they work only when the folder is served there, not when opened from disk",
    )
    .help("add --relative to make a zip that works when unzipped and opened from disk")])
}

/// Why `zip` must not be written, if it must not; `output` is the output
/// folder and how to show it.
fn refusal(zip: &Path, output: (&Path, &Path), cwd: &Path) -> Option<Diagnostic> {
    let (output_dir, shown_output) = output;
    let error = |message: String, help: &str| Some(Diagnostic::error("--zip", message).help(help));
    let shown = zip.display();
    if top_folder(zip).is_none() {
        return error(
            format!("\"{shown}\" is not a file name"),
            "name the zip file to write, e.g. --zip library.zip",
        );
    }
    let (zip_abs, out_abs) = (
        crate::output::resolve(zip, cwd),
        crate::output::resolve(output_dir, cwd),
    );
    if zip_abs.starts_with(&out_abs) {
        return error(
            format!(
                "the zip file {shown} is inside the output folder {}, which every build replaces",
                shown_output.display()
            ),
            "write the zip next to the output folder, e.g. --zip library.zip",
        );
    }
    match std::fs::metadata(zip) {
        Ok(meta) if meta.is_dir() => error(
            format!("{shown} is a folder, not a zip file"),
            "give the name of the zip file to write, e.g. --zip library.zip",
        ),
        Ok(_) if !is_zip(zip) => error(
            format!("{shown} exists and is not a zip file, so freda will not replace it"),
            "choose another name, or delete the file first",
        ),
        _ => None,
    }
}

/// A zip inside the site's `content/` or `static/` folder would be
/// published by the next build (and zipped into the next zip).
fn published(zip: &Path, root: &Path, cwd: &Path) -> Option<Diagnostic> {
    let zip_abs = crate::output::resolve(zip, cwd);
    let root = crate::output::resolve(root, cwd);
    let folder = ["content", "static"]
        .into_iter()
        .find(|f| zip_abs.starts_with(root.join(f)))?;
    Some(
        Diagnostic::error(
            "--zip",
            format!(
                "the zip file {} is inside the site's {folder}/ folder, so the next build would publish it",
                zip.display()
            ),
        )
        .help("write the zip outside content/ and static/, e.g. --zip library.zip"),
    )
}

/// Whether the file at `path` starts like a zip (a local file header or,
/// for an empty zip, the end of the central directory).
fn is_zip(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok_and(|()| matches!(&start, b"PK\x03\x04" | b"PK\x05\x06"))
}

/// The folder every entry is under: the zip's file name without its
/// extension (`library` for `out/library.zip`).
pub fn top_folder(zip: &Path) -> Option<String> {
    let stem = zip.file_stem()?.to_str()?;
    (!stem.is_empty() && !stem.starts_with('.')).then(|| stem.into())
}

/// Writes the zip of `files` to `zip` through a temporary file next to it;
/// returns what was written.
#[cfg(feature = "bundle")]
pub fn write(files: &[crate::output::OutputFile], zip: &Path) -> anyhow::Result<Bundle> {
    use anyhow::Context;
    let top = top_folder(zip).context("the zip has no file name")?;
    let dir = match zip.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = zip.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.freda-tmp-{}", std::process::id()));
    let written = write_to(files, &top, &temp)
        .and_then(|bytes| {
            std::fs::rename(&temp, zip)
                .with_context(|| format!("cannot move {} to {}", temp.display(), zip.display()))?;
            Ok(bytes)
        })
        .with_context(|| format!("cannot write the zip file {}", zip.display()));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    Ok(Bundle {
        path: zip.to_path_buf(),
        bytes: written?,
    })
}

/// Writes the zip into the new file `path`, flushed to disk; returns its size.
#[cfg(feature = "bundle")]
fn write_to(files: &[crate::output::OutputFile], top: &str, path: &Path) -> anyhow::Result<u64> {
    use std::io::Write;
    let file = std::fs::File::create(path)?;
    let mut writer = zip::ZipWriter::new(std::io::BufWriter::new(file)).set_auto_large_file();
    for (name, contents) in entries(files, top) {
        match contents {
            None => writer.add_directory(name, options().unix_permissions(0o755))?,
            Some(bytes) => {
                writer.start_file(name, options().unix_permissions(0o644))?;
                writer.write_all(bytes)?;
            }
        }
    }
    let file = writer.finish()?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(file.metadata()?.len())
}

/// Entry options that do not depend on the machine or the time.
#[cfg(feature = "bundle")]
fn options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .system(zip::System::Unix)
}

/// Every entry name under `top/`, sorted (a folder sorts before what it
/// holds), with the bytes of files; folders have none.
pub fn entries<'a>(
    files: &'a [crate::output::OutputFile],
    top: &str,
) -> std::collections::BTreeMap<String, Option<&'a [u8]>> {
    let mut out = std::collections::BTreeMap::new();
    out.insert(format!("{top}/"), None);
    for f in files {
        let folders = f.path.match_indices('/').map(|(i, _)| &f.path[..=i]);
        for folder in folders {
            out.insert(format!("{top}/{folder}"), None);
        }
        out.insert(format!("{top}/{}", f.path), Some(f.contents.as_slice()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputFile;

    #[test]
    fn entries_are_sorted_under_one_folder_with_folders_first() {
        let file = |path: &str| OutputFile {
            path: path.into(),
            contents: path.as_bytes().to_vec(),
        };
        let files = [
            file("b/index.html"),
            file("index.html"),
            file("a-b/x/y.css"),
        ];
        let names: Vec<String> = entries(&files, "library").into_keys().collect();
        assert_eq!(
            names,
            [
                "library/",
                "library/a-b/",
                "library/a-b/x/",
                "library/a-b/x/y.css",
                "library/b/",
                "library/b/index.html",
                "library/index.html",
            ]
        );
    }

    #[test]
    fn the_top_folder_is_the_file_name_without_its_extension() {
        let top = |p: &str| top_folder(Path::new(p));
        assert_eq!(top("out/library.zip").as_deref(), Some("library"));
        assert_eq!(top("library").as_deref(), Some("library"));
        assert_eq!(top("a.b.zip").as_deref(), Some("a.b"));
        for none in ["", "/", "..", ".zip", "out/.."] {
            assert_eq!(top(none), None, "{none}");
        }
    }
}
