//! `freda init`: copies the bundled starter library into a new folder.
//!
//! The starter (`site.toml`, `content/` and `static/`, which holds the
//! guide's PDF) is embedded in the binary, so a new site can be started
//! anywhere without a checkout of freda.

use std::path::Path;

use anyhow::{bail, Context};
use include_dir::{include_dir, Dir};

static STARTER_CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/content");
static STARTER_STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");
const STARTER_CONFIG: &str = include_str!("../site.toml");

/// Writes the starter site into `dir`, which must be missing or empty.
pub fn init(dir: &Path) -> anyhow::Result<usize> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "refusing to start a site in {}: the folder is not empty; choose a new or empty folder",
                dir.display()
            );
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let config = dir.join("site.toml");
    std::fs::write(&config, STARTER_CONFIG)
        .with_context(|| format!("cannot write {}", config.display()))?;
    let mut count = 1;
    write_dir(&STARTER_CONTENT, &dir.join("content"), &mut count)?;
    write_dir(&STARTER_STATIC, &dir.join("static"), &mut count)?;
    Ok(count)
}

fn write_dir(src: &Dir<'static>, dest_root: &Path, count: &mut usize) -> anyhow::Result<()> {
    for f in src.files() {
        let dest = dest_root.join(f.path());
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&dest, f.contents())
            .with_context(|| format!("cannot write {}", dest.display()))?;
        *count += 1;
    }
    for d in src.dirs() {
        write_dir(d, dest_root, count)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_writes_starter_and_refuses_non_empty() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let n = init(&site).unwrap();
        assert!(n > 20);
        assert!(site.join("site.toml").is_file());
        assert!(site.join("content/_index.md").is_file());
        assert!(site.join("content/case-studies/_index.md").is_file());
        let pdf = std::fs::read(site.join("static/downloads/human-rights-framework.pdf")).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "the guide's download is copied");
        let err = init(&site).unwrap_err().to_string();
        assert!(err.contains("not empty"), "{err}");
    }
}
