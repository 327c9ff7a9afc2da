//! Writing results: the record codec ([`Record`], [`json`]), the dedup annotations
//! ([`annotate`]), the duplicates report ([`duplicates`]), one [`Sink`] per output format
//! ([`sink`], [`dolma`], [`parquet`]), and the output directory that appears whole or not at
//! all ([`OutputDir`]).
//!
//! Everything is written under a temporary sibling directory and renamed into place by
//! [`OutputDir::commit`], so an interrupted run leaves the previous complete output (or none),
//! never a torn file. An existing directory is replaced only with `--force`, and on Linux in
//! one step (`renameat2` with `RENAME_EXCHANGE`), so there is no moment with no output at all.
//!
//! The staging directory is removed when the run fails, is interrupted or panics (on drop), and
//! by the signal handler on a second Ctrl-C ([`remove_staging_dirs`]). One left by a killed run
//! (SIGKILL, power loss) is removed by the next run writing the same output, once its process
//! is gone.

pub mod annotate;
pub mod dolma;
pub mod duplicates;
pub mod explain;
mod json;
pub mod parquet;
mod record;
pub mod sink;
pub mod sketches;

pub use record::{ParagraphRecord, Record, RemovalRecord};
pub use sink::{JsonlSink, Sink};

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Staging directories of this process not yet committed or removed.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every staging directory this process is writing: for a signal handler that is about
/// to exit without unwinding.
pub fn remove_staging_dirs() {
    let dirs = match STAGING.lock() {
        Ok(mut dirs) => std::mem::take(&mut *dirs),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    for dir in dirs {
        let _ = remove_any(&dir);
    }
}

fn register(dir: &Path) {
    if let Ok(mut dirs) = STAGING.lock() {
        dirs.push(dir.to_path_buf());
    }
}

fn unregister(dir: &Path) {
    if let Ok(mut dirs) = STAGING.lock() {
        dirs.retain(|d| d != dir);
    }
}

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// The output directory exists and `--force` was not given.
    #[error("{0}: already exists (use --force to replace it)")]
    Exists(PathBuf),
    /// A write, rename or directory creation failed. (The reason is the error's source:
    /// `{:#}` prints it once, after the path.)
    #[error("{path}")]
    Io { path: PathBuf, source: io::Error },
    /// The output would overwrite or sit among the inputs.
    #[error("--out {out}: {how} {input}: write the output elsewhere")]
    OverlapsInput {
        out: PathBuf,
        input: PathBuf,
        how: &'static str,
    },
}

/// Refuses an output path that is an input, contains one or lies inside an input directory:
/// replacing it would destroy the input, and a next run would read the output as input.
/// Checked before any work, on the resolved paths (`.`, `..` and symbolic links followed).
pub fn check_not_input(out: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    let resolved_out = resolve(out);
    for input in inputs.iter().filter(|i| i.as_os_str() != "-") {
        let resolved_input = resolve(input);
        let how = if resolved_out == resolved_input {
            "is the input"
        } else if resolved_out.starts_with(&resolved_input) {
            "is inside the input directory"
        } else if resolved_input.starts_with(&resolved_out) {
            "contains the input"
        } else {
            continue;
        };
        return Err(OutputError::OverlapsInput {
            out: out.to_path_buf(),
            input: input.clone(),
            how,
        });
    }
    Ok(())
}

/// `path` made absolute with symbolic links resolved, as far as it exists; the rest joined.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = fs::canonicalize(existing) {
            return rest.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// A file that appears whole or not at all: written under a hidden sibling name, renamed
/// into place by [`AtomicFile::commit`], removed if dropped first (or on a second Ctrl-C).
pub struct AtomicFile {
    target: PathBuf,
    staging: PathBuf,
    file: Option<BufWriter<File>>,
}

/// Where `target` is staged: its parent directory, its file name, and the hidden
/// `.NAME.newsclean-PID` beside it.
fn staging_place(target: &Path) -> (&Path, String, PathBuf) {
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let staging = parent.join(format!(".{name}.newsclean-{}", std::process::id()));
    (parent, name, staging)
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<AtomicFile, OutputError> {
        let (_, _, staging) = staging_place(target);
        let file = File::create(&staging).map_err(io_err(&staging))?;
        register(&staging);
        Ok(AtomicFile {
            target: target.to_path_buf(),
            staging,
            file: Some(BufWriter::new(file)),
        })
    }

    /// The writer of the file's contents.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.file.as_mut().expect("not committed")
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let file = self.file.take().expect("committed once");
        let file = file.into_inner().map_err(|e| OutputError::Io {
            path: self.staging.clone(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(io_err(&self.staging))?;
        fs::rename(&self.staging, &self.target).map_err(io_err(&self.target))?;
        unregister(&self.staging);
        sync_parent(&self.target);
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = fs::remove_file(&self.staging);
            unregister(&self.staging);
        }
    }
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An output directory being written.
pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
    force: bool,
    /// Set once the staging directory became the target (nothing to clean up on drop).
    committed: bool,
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
            unregister(&self.staging);
        }
    }
}

impl OutputDir {
    /// Starts writing `target` (through a staging sibling). Fails at once if `target` exists
    /// and `force` is false.
    pub fn create(target: &Path, force: bool) -> Result<OutputDir, OutputError> {
        if target.exists() && !force {
            return Err(OutputError::Exists(target.to_path_buf()));
        }
        let (parent, name, staging) = staging_place(target);
        fs::create_dir_all(parent).map_err(io_err(parent))?;
        remove_stale_staging(parent, &name);
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
        }
        fs::create_dir(&staging).map_err(io_err(&staging))?;
        register(&staging);
        Ok(OutputDir {
            target: target.to_path_buf(),
            staging,
            force,
            committed: false,
        })
    }

    /// Writes an extra file (e.g. `run.json`, `duplicates.jsonl`) into the output.
    pub fn write_file(&self, name: &str, contents: &[u8]) -> Result<(), OutputError> {
        let path = self.staging.join(name);
        fs::write(&path, contents).map_err(io_err(&path))
    }

    /// A writer for a large extra file.
    pub fn create_file(&self, name: &str) -> Result<BufWriter<File>, OutputError> {
        let path = self.staging.join(name);
        Ok(BufWriter::new(File::create(&path).map_err(io_err(&path))?))
    }

    /// Where files are being staged.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Moves the output into place, replacing an old one (with `--force`). The sinks writing
    /// into it must have finished (flushed and synced) first.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let exists = fs::symlink_metadata(&self.target).is_ok();
        if exists && !self.force {
            return Err(OutputError::Exists(self.target.clone()));
        }
        if exists {
            if exchange(&self.staging, &self.target).is_ok() {
                // The old output now sits at the staging path; the drop removes it.
                sync_parent(&self.target);
                return Ok(self.target.clone());
            }
            // No atomic exchange here (not Linux, or a filesystem without it): move the old
            // output aside, move the new one in, and put the old one back if that fails.
            let aside = self.staging.with_extension("old");
            fs::rename(&self.target, &aside).map_err(io_err(&self.target))?;
            if let Err(e) = fs::rename(&self.staging, &self.target) {
                let _ = fs::rename(&aside, &self.target);
                return Err(OutputError::Io {
                    path: self.target.clone(),
                    source: e,
                });
            }
            self.committed = true;
            unregister(&self.staging);
            remove_any(&aside).map_err(io_err(&aside))?;
        } else {
            fs::rename(&self.staging, &self.target).map_err(io_err(&self.target))?;
            self.committed = true;
            unregister(&self.staging);
        }
        sync_parent(&self.target);
        Ok(self.target.clone())
    }

    /// Throws the staged output away (on interrupt or fatal error).
    pub fn abandon(self) {
        // The drop removes the staging directory.
    }
}

/// Removes a directory tree or a file.
fn remove_any(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// Makes a rename durable: syncs the directory holding `path` (best effort).
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(parent) {
            let _ = dir.sync_all();
        }
    }
}

/// Swaps two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// Removes staging directories of `name` left by runs that were killed (their process is
/// gone). Only where `/proc` tells which processes exist; elsewhere they are left alone.
fn remove_stale_staging(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{name}.newsclean-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = rest.strip_suffix(".old").unwrap_or(rest);
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if pid != std::process::id().to_string() && !Path::new("/proc").join(pid).exists() {
            let _ = remove_any(&entry.path());
        }
    }
}

/// A file name for `id`: safe characters only, at most 120 bytes, unique within the run.
pub fn unique_name(used: &mut HashSet<String>, id: &str) -> String {
    let mut base: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    if base.is_empty() || base.starts_with('.') {
        base.insert(0, '_');
    }
    let mut name = base.clone();
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(unique_name(&mut used, "a/b c"), "a_b_c");
        assert_eq!(unique_name(&mut used, "a/b c"), "a_b_c-2");
        assert_eq!(unique_name(&mut used, "../x"), "_.._x");
        assert_eq!(unique_name(&mut used, ""), "_");
    }
}
