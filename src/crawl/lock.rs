//! One run per archive: `crawl` and `migrate` hold an exclusive lock on `<archive>/.lock` for
//! their whole run (an OS file lock, so a killed run never leaves it held). A second run on the
//! same archive does not start: it says who holds the lock (the process id and start time the
//! holder wrote into the file) and exits, instead of doubling every request and reporting the
//! other run's half-written state as gaps.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

/// The lock file, relative to the archive.
pub const LOCK_FILE: &str = ".lock";

/// A held archive lock; released when dropped (or when the process ends). Dropping it also
/// empties the file, so a finished run leaves the archive as it found it but for an empty
/// `.lock`.
#[derive(Debug)]
pub struct ArchiveLock {
    file: File,
    path: PathBuf,
}

impl Drop for ArchiveLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run holds it.
    #[error(
        "the archive {archive} is in use by another run ({holder}); wait for it to end, or give another --out"
    )]
    Held {
        /// The archive.
        archive: PathBuf,
        /// What the holder wrote: its process id and when it started.
        holder: String,
    },
    /// The lock file could not be opened or locked.
    #[error("cannot lock the archive {archive} ({path}): {source}")]
    Io {
        /// The archive.
        archive: PathBuf,
        /// The lock file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl ArchiveLock {
    /// Takes the lock of the archive `archive` (which must exist), without waiting.
    ///
    /// # Errors
    /// [`LockError::Held`] naming the holder when another run has it; [`LockError::Io`] when the
    /// file cannot be opened.
    pub fn acquire(archive: &Path) -> Result<Self, LockError> {
        let path = archive.join(LOCK_FILE);
        let io = |source| LockError::Io {
            archive: archive.to_path_buf(),
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(LockError::Held {
                    archive: archive.to_path_buf(),
                    holder: if holder.is_empty() {
                        "a run that has not said who it is yet".into()
                    } else {
                        holder.to_owned()
                    },
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let me = format!(
            "process {}, started {}",
            std::process::id(),
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(me.as_bytes()))
            .map_err(io)?;
        Ok(Self { file, path })
    }

    /// The lock file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_names_the_holder_and_a_dropped_one_is_free() {
        let dir = tempfile::tempdir().unwrap();
        let first = ArchiveLock::acquire(dir.path()).unwrap();
        let err = ArchiveLock::acquire(dir.path()).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains(&format!("process {}", std::process::id())),
            "{message}"
        );
        assert!(message.contains("in use by another run"), "{message}");
        drop(first);
        ArchiveLock::acquire(dir.path()).expect("free again once dropped");
    }
}
