//! Confirmed deletions: a post's "not found" stands only once the same address answered "not
//! found" again after the blog had answered as itself ([`crate::crawl`]'s still-there check).
//! Each confirmed id is stored here, so no later run (a resume, `--retry-failed`, a plain re-run)
//! asks again; a `deleted` entry with no row here is a judgement not yet proven. The table is
//! created on first use: an archive made before it reads as "nothing confirmed".

use rusqlite::params;

use super::{ArchiveDb, DbError, now};
use crate::model::{EntryId, EntryState};

const TABLE: &str = "CREATE TABLE IF NOT EXISTS confirmed_deletions (
    id INTEGER PRIMARY KEY,
    confirmed_at TEXT NOT NULL
)";

fn id_param(id: EntryId) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

impl ArchiveDb {
    fn ensure_deletions(&self) -> Result<(), DbError> {
        self.conn.execute_batch(TABLE).map_err(|e| self.err(e))
    }

    /// Records that each of `ids` answered "not found" again after the blog answered as itself
    /// (one transaction).
    ///
    /// # Errors
    /// [`DbError`] on a database failure; nothing is recorded then.
    pub fn confirm_deletions(&mut self, ids: &[EntryId]) -> Result<(), DbError> {
        self.ensure_deletions()?;
        let at = now();
        let path = self.path.clone();
        let e = move |source| DbError {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&e)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO confirmed_deletions(id, confirmed_at) VALUES (?1, ?2)
                     ON CONFLICT(id) DO UPDATE SET confirmed_at = excluded.confirmed_at",
                )
                .map_err(&e)?;
            for &id in ids {
                insert.execute(params![id_param(id), at]).map_err(&e)?;
            }
        }
        tx.commit().map_err(&e)
    }

    /// Starts keeping confirmations (a crawl does, before it records any deletion): from then on,
    /// [`Self::deletions_unproven`] names the deletions not yet confirmed.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn track_deletions(&self) -> Result<(), DbError> {
        self.ensure_deletions()
    }

    /// For verify (reads only): the entries recorded `deleted` with no confirmation, or `None`
    /// when no crawl of this version kept confirmations in this archive.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn deletions_unproven(&self) -> Result<Option<Vec<EntryId>>, DbError> {
        let tracked: bool = self
            .conn
            .query_row(
                "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'confirmed_deletions'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if !tracked {
            return Ok(None);
        }
        self.deleted_without_confirmation().map(Some)
    }

    fn deleted_without_confirmation(&self) -> Result<Vec<EntryId>, DbError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id FROM entries WHERE state = ?1
                 AND id NOT IN (SELECT id FROM confirmed_deletions) ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![EntryState::Deleted], |r| r.get::<_, i64>(0))
            .map_err(|e| self.err(e))?;
        let mut ids = Vec::new();
        for id in rows {
            ids.push(id.map_err(|e| self.err(e))?.unsigned_abs());
        }
        Ok(ids)
    }

    /// Entries recorded `deleted` whose deletion is not confirmed (a confirmation left by an entry
    /// that is no longer `deleted` is dropped first: it would say nothing about a later 404).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn unconfirmed_deletions(&self) -> Result<Vec<EntryId>, DbError> {
        self.ensure_deletions()?;
        self.conn
            .execute(
                "DELETE FROM confirmed_deletions WHERE id NOT IN (SELECT id FROM entries WHERE state = ?1)",
                params![EntryState::Deleted],
            )
            .map_err(|e| self.err(e))?;
        self.deleted_without_confirmation()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::db::PageOutcome;

    fn deleted(id: EntryId) -> PageOutcome {
        PageOutcome {
            id,
            state: EntryState::Deleted,
            url: None,
            http_status: Some(404),
            error: None,
            etag: None,
            last_modified: None,
            page_sha256: None,
            raw_file: None,
            assets: Vec::new(),
        }
    }

    #[test]
    fn a_deletion_is_unconfirmed_until_confirmed_and_a_revived_post_drops_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = ArchiveDb::open(&dir.path().join("archive.db")).unwrap();
        assert_eq!(db.deletions_unproven().unwrap(), None, "not tracked yet");
        db.record_sources("scan", &[3, 6, 7]).unwrap();
        db.record_page(&deleted(3)).unwrap();
        db.record_page(&deleted(6)).unwrap();
        assert_eq!(db.unconfirmed_deletions().unwrap(), [3, 6]);
        assert_eq!(db.deletions_unproven().unwrap(), Some(vec![3, 6]));
        db.confirm_deletions(&[3]).unwrap();
        assert_eq!(db.unconfirmed_deletions().unwrap(), [6]);
        // 3 is served again (a failed fetch here): its old confirmation says nothing any more,
        // and is dropped at the next judgement (the end of the run), before a new 404 of it.
        db.record_page(&PageOutcome {
            state: EntryState::Failed,
            ..deleted(3)
        })
        .unwrap();
        assert_eq!(db.unconfirmed_deletions().unwrap(), [6]);
        db.record_page(&deleted(3)).unwrap();
        assert_eq!(db.unconfirmed_deletions().unwrap(), [3, 6]);
    }
}
