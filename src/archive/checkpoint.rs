//! The state database's WAL checkpoints, taken on a thread of their own. SQLite copies the log
//! back into `archive.db` (and syncs both) in whichever commit makes the log pass 1,000 pages;
//! during a crawl that commit runs under the lock every crawl task shares, so every task waited on
//! the sync: on a busy disk the requests in flight fell to one or two for 0.2–0.8 s every few
//! seconds. A [`Checkpointer`] takes passive checkpoints from its own connection instead (they
//! never wait for, nor block, the crawl's commits), so the log stays short and the crawl's own
//! connection is left only a far threshold ([`FALLBACK_AUTOCHECKPOINT_PAGES`]) as a safety net.
//!
//! It changes where the copy happens, not what is stored: every commit is in the log first, as
//! before, and a run killed at any point leaves a log SQLite replays on the next open.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// How often the log is copied back while a crawl runs.
pub const DEFAULT_CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// The log length (pages of 4 KiB) at which the crawl's own connection still checkpoints,
/// should the checkpointer fall behind: 40 MiB, against SQLite's default of 1,000 pages.
pub const FALLBACK_AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// Takes passive checkpoints of one database every so often until dropped.
pub struct Checkpointer {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Checkpointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpointer").finish_non_exhaustive()
    }
}

impl Checkpointer {
    /// Starts checkpointing the database at `path` (in WAL mode) every `every`.
    ///
    /// # Errors
    /// When its connection cannot be opened or its thread started; the caller then keeps SQLite's
    /// own checkpoints.
    pub fn start(path: &Path, every: Duration) -> std::io::Result<Self> {
        let conn = Connection::open(path).map_err(std::io::Error::other)?;
        // A checkpoint syncs the log before copying it and the database after: NORMAL is enough
        // for that (FULL adds nothing to a checkpoint), as on the crawl's connection.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(std::io::Error::other)?;
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let signal = Arc::clone(&stop);
        let named: PathBuf = path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("archive.db checkpoints".to_string())
            .spawn(move || run(&conn, &named, &signal, every))?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }
}

fn run(conn: &Connection, path: &Path, stop: &(Mutex<bool>, Condvar), every: Duration) {
    let (stopped, wake) = stop;
    let mut done = stopped.lock().unwrap_or_else(PoisonError::into_inner);
    while !*done {
        let (guard, _) = wake
            .wait_timeout(done, every)
            .unwrap_or_else(PoisonError::into_inner);
        done = guard;
        if *done {
            break;
        }
        // Passive: copies what no reader still needs, waits for nobody. A failure only leaves
        // the copy to the next round (or to the crawl's connection's fallback threshold).
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::debug!(path = %path.display(), error = %e, "checkpoint skipped");
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (stopped, wake) = &*self.stop;
        *stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::db::ArchiveDb;

    /// 200 commits of a 40 KB value each: about 8 MB that a checkpoint copies into the file.
    fn write_rounds(db: &ArchiveDb) {
        for round in 0..200 {
            db.set_meta(&format!("k{round}"), &"x".repeat(40_000))
                .expect("write");
        }
    }

    fn file_len(path: &Path) -> u64 {
        std::fs::metadata(path).map_or(0, |m| m.len())
    }

    #[test]
    fn the_log_is_copied_into_the_database_by_the_checkpointer_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.db");
        let db = ArchiveDb::open_for_crawl(&path).expect("open");
        // The writer never copies its log back itself.
        db.set_wal_autocheckpoint(0).expect("pragma");
        let checkpoints = Checkpointer::start(&path, Duration::from_millis(5)).expect("start");
        write_rounds(&db);
        // Waits (at most a minute, on a loaded machine) for the copy; it takes a few rounds.
        let copied = (0..600).any(|_| {
            std::thread::sleep(Duration::from_millis(100));
            file_len(&path) >= 8_000_000
        });
        drop(checkpoints);
        assert!(copied, "archive.db holds {} bytes", file_len(&path));
        assert_eq!(
            db.meta("k199").expect("read").map(|v| v.len()),
            Some(40_000)
        );
    }

    #[test]
    fn without_it_the_log_keeps_everything() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.db");
        let db = ArchiveDb::open_for_crawl(&path).expect("open");
        db.set_wal_autocheckpoint(0).expect("pragma");
        write_rounds(&db);
        std::thread::sleep(Duration::from_millis(200));
        assert!(file_len(&path) < 1_000_000);
        assert!(file_len(&dir.path().join("a.db-wal")) >= 8_000_000);
    }
}
