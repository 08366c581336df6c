//! One build at a time per output folder, and clean-up after a killed one.
//!
//! [`OutputLock`] holds an advisory lock (`flock` on Unix) on the file
//! `.<name>.freda-lock` next to the output folder `<name>`, never inside it.
//! A second build of the same output fails at once and says which process
//! holds the lock. The system drops the lock when its process ends, however
//! it ends, so a killed build never blocks the next one; on Unix the lock
//! file is removed when the build finishes (elsewhere it stays, unlocked).
//!
//! While it holds the lock a build is the only one writing that output, so
//! every temporary or old sibling folder it finds was left by a build that
//! was killed: it removes them, and puts a previous output back first if a
//! build was killed between moving it aside and moving the new one in.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, TryLockError};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{has_marker, Target};

/// Holds the output folder for one build; see the [module docs](self).
///
/// Dropping it removes the lock file and releases the lock.
#[derive(Debug)]
pub struct OutputLock {
    /// The open, locked lock file.
    file: File,
    /// Where the lock file is.
    path: PathBuf,
    /// The output folder it guards (resolved).
    out: PathBuf,
}

impl OutputLock {
    /// Locks `target`'s output folder, then cleans up after killed builds.
    pub(super) fn acquire(target: &Target) -> Result<OutputLock> {
        fs::create_dir_all(&target.parent)
            .with_context(|| format!("cannot write {}", target.parent.display()))?;
        let path = target.sibling_named("lock");
        let file = lock_file(&path, &target.out)?;
        let lock = OutputLock {
            file,
            path,
            out: target.out.clone(),
        };
        lock.note_pid()?;
        recover_leftovers(target)?;
        Ok(lock)
    }

    /// The output folder this lock guards.
    pub(super) fn out(&self) -> &Path {
        &self.out
    }

    /// Writes this process's id into the lock file, for the message a
    /// second build prints.
    fn note_pid(&self) -> Result<()> {
        let mut file = &self.file;
        file.set_len(0)
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked, and only if it is still this lock's
        // file: a build that opened it meanwhile sees it is gone and retries.
        // Elsewhere than on Unix it is kept (an open file may not be removable).
        if cfg!(unix) && is_same_file(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Opens and locks the lock file at `path`, retrying when the file it
/// opened was removed by the build that held it.
fn lock_file(path: &Path, out: &Path) -> Result<File> {
    loop {
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        match file.try_lock() {
            Ok(()) if is_same_file(&file, path) => return Ok(file),
            Ok(()) => continue,
            Err(TryLockError::WouldBlock) => bail!(busy_message(&mut file, path, out)),
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
}

/// What a build says when another one holds the lock.
fn busy_message(file: &mut File, path: &Path, out: &Path) -> String {
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    let who = match text.trim().parse::<u32>() {
        Ok(pid) => format!("another freda build (pid {pid})"),
        Err(_) => "another freda build".to_string(),
    };
    format!(
        "{who} is writing {}; wait for it to finish, then build again (it holds the lock on {})",
        out.display(),
        path.display()
    )
}

/// Whether `path` still names the open `file` (not a newer file put there).
#[cfg(unix)]
fn is_same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Elsewhere the lock file is never removed, so it is always the one opened.
#[cfg(not(unix))]
fn is_same_file(_file: &File, _path: &Path) -> bool {
    true
}

/// Which kind of leftover sibling a folder name denotes.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Leftover {
    /// `.<name>.freda-tmp-<pid>`: an unfinished build.
    Temp,
    /// `.<name>.freda-old-<pid>`: a previous output not yet removed.
    Old,
}

/// Classifies `entry` as a leftover of the output folder named `name`.
pub(super) fn leftover_kind(entry: &OsStr, name: &OsStr) -> Option<Leftover> {
    let entry = entry.as_encoded_bytes();
    let rest = entry.strip_prefix(b".")?;
    let rest = rest.strip_prefix(name.as_encoded_bytes())?;
    let rest = rest.strip_prefix(b".freda-")?;
    let (kind, pid) = if let Some(pid) = rest.strip_prefix(b"tmp-") {
        (Leftover::Temp, pid)
    } else {
        (Leftover::Old, rest.strip_prefix(b"old-")?)
    };
    let is_pid = !pid.is_empty() && pid.iter().all(u8::is_ascii_digit);
    is_pid.then_some(kind)
}

/// Cleans up after killed builds; call only while holding the lock.
///
/// Temp folders are freda's by their exact name; old folders only when they
/// also hold the marker file. If the output folder is missing, an old one
/// is first moved back into its place.
fn recover_leftovers(target: &Target) -> Result<()> {
    let mut leftovers = Vec::new();
    let parent = &target.parent;
    let entries =
        fs::read_dir(parent).with_context(|| format!("cannot read {}", parent.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", parent.display()))?;
        if let Some(kind) = leftover_kind(&entry.file_name(), &target.name) {
            leftovers.push((kind, entry.file_name()));
        }
    }
    leftovers.sort_by(|a, b| a.1.cmp(&b.1));
    for (kind, name) in leftovers {
        remove_leftover(target, kind, &name)?;
    }
    Ok(())
}

/// Removes one leftover folder, or moves it back in place of a missing output.
fn remove_leftover(target: &Target, kind: Leftover, name: &OsString) -> Result<()> {
    let path = target.parent.join(name);
    let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
    let ours = is_dir && (kind == Leftover::Temp || has_marker(&path));
    if !ours {
        return Ok(());
    }
    if kind == Leftover::Old && !exists(&target.out)? {
        return fs::rename(&path, &target.out)
            .with_context(|| format!("cannot restore {}", target.out.display()));
    }
    fs::remove_dir_all(&path).with_context(|| format!("cannot remove {}", path.display()))
}

/// Whether anything is at `path`.
fn exists(path: &Path) -> Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}
