//! Provenance in the archive state: for each entry, where its saved copy came from (a backup file,
//! a Wayback snapshot; no row means a live crawl), who could read it, and why this copy was kept.
//! Written by `import` (and the Wayback source) in the same step that records the page; read by
//! extract for `posts.jsonl` and the front matter. The table is created on first use, so archives
//! made before it exist read as "all live". `live_checked_at` says when a crawl of the live blog
//! last looked at a post whose copy came from elsewhere (so each such post is compared with the
//! live blog once, and its visibility learnt from it).

use rusqlite::{OptionalExtension as _, params};

use super::{ArchiveDb, DbError, now};
use crate::model::EntryId;
use crate::provenance::{Origin, Provenance, Visibility};

const TABLE: &str = "CREATE TABLE IF NOT EXISTS provenance (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    detail TEXT NOT NULL,
    visibility TEXT,
    choice TEXT,
    recorded_at TEXT NOT NULL,
    live_checked_at TEXT
)";

fn id_param(id: EntryId) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

impl ArchiveDb {
    fn ensure_provenance(&self) -> Result<(), DbError> {
        if self.provenance_ready.get() {
            return Ok(());
        }
        self.conn.execute_batch(TABLE).map_err(|e| self.err(e))?;
        // Tables made before the column was added gain it.
        let present: bool = self
            .conn
            .query_row(
                "SELECT COUNT(*) > 0 FROM pragma_table_info('provenance') WHERE name = 'live_checked_at'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if !present {
            self.conn
                .execute_batch("ALTER TABLE provenance ADD COLUMN live_checked_at TEXT")
                .map_err(|e| self.err(e))?;
        }
        self.provenance_ready.set(true);
        Ok(())
    }

    /// Records that a crawl of the live blog has looked at entry `id` (whose copy is from
    /// elsewhere): it is not compared again on later crawls.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn mark_live_checked(&self, id: EntryId) -> Result<(), DbError> {
        self.ensure_provenance()?;
        self.conn
            .execute(
                "UPDATE provenance SET live_checked_at = ?2 WHERE id = ?1",
                params![id_param(id), now()],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Entries whose copy came from a backup, a snapshot or a WARC and that no crawl of the live
    /// blog has looked at yet.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn unchecked_copies(&self) -> Result<Vec<EntryId>, DbError> {
        self.ensure_provenance()?;
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM provenance WHERE origin != 'live' AND live_checked_at IS NULL ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| super::codec::id_column(r, 0, "provenance"))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Records where entry `id`'s saved copy came from (replacing an earlier record).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn record_provenance(&self, id: EntryId, p: &Provenance) -> Result<(), DbError> {
        self.ensure_provenance()?;
        let origin = p.origin.name();
        let detail = serde_json::to_string(&p.origin).expect("an origin always serialises");
        self.conn
            .execute(
                "INSERT INTO provenance(id, origin, detail, visibility, choice, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET origin = ?2, detail = ?3, visibility = ?4, choice = ?5, recorded_at = ?6",
                params![id_param(id), origin, detail, p.visibility.map(Visibility::as_str), p.choice, now()],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Forgets the provenance of `id` (a live copy replaced it).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn forget_provenance(&self, id: EntryId) -> Result<(), DbError> {
        self.ensure_provenance()?;
        self.conn
            .execute(
                "DELETE FROM provenance WHERE id = ?1",
                params![id_param(id)],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// The recorded provenance of `id`, `None` when the copy is from a live crawl.
    ///
    /// # Errors
    /// [`DbError`] on a database failure, or when a stored value does not read back (named).
    pub fn provenance(&self, id: EntryId) -> Result<Option<Provenance>, DbError> {
        self.ensure_provenance()?;
        let row: Option<(String, Option<String>, Option<String>)> = self
            .conn
            .prepare_cached("SELECT detail, visibility, choice FROM provenance WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row(params![id_param(id)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((detail, visibility, choice)) = row else {
            return Ok(None);
        };
        let bad = |what: String| {
            self.err(rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                format!("provenance of entry {id}: {what}").into(),
            ))
        };
        let origin: Origin = serde_json::from_str(&detail).map_err(|e| bad(e.to_string()))?;
        let visibility = visibility
            .as_deref()
            .map(Visibility::parse)
            .transpose()
            .map_err(|e| bad(e.to_string()))?;
        Ok(Some(Provenance {
            origin,
            visibility,
            choice,
            assets: Vec::new(),
        }))
    }

    /// Entries whose recorded copy is not from the live blog.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn copied_entries(&self) -> Result<Vec<EntryId>, DbError> {
        self.ensure_provenance()?;
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM provenance WHERE origin != 'live' ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| super::codec::id_column(r, 0, "provenance"))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Entry `id`'s state and saved page, when the entry is known.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn entry_page(
        &self,
        id: EntryId,
    ) -> Result<Option<(crate::model::EntryState, Option<String>)>, DbError> {
        self.conn
            .query_row(
                "SELECT state, raw_file FROM entries WHERE id = ?1",
                params![id_param(id)],
                |r| Ok((super::codec::column(r, 0, "entries", &id)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// When entry `id`'s page was last fetched or recorded (`entries.fetched_at`).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn fetched_at(&self, id: EntryId) -> Result<Option<String>, DbError> {
        self.conn
            .prepare_cached("SELECT fetched_at FROM entries WHERE id = ?1")
            .and_then(|mut s| s.query_row(params![id_param(id)], |r| r.get(0)))
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_defaults_to_live() {
        let dir = tempfile::tempdir().unwrap();
        let db = ArchiveDb::open(&dir.path().join("archive.db")).unwrap();
        assert_eq!(db.provenance(3).unwrap(), None);
        let p = Provenance {
            origin: Origin::Wayback {
                timestamp: "20190304123000".into(),
                url: "http://127.0.0.1/web/20190304123000id_/https://a.tistory.com/3".into(),
            },
            visibility: Some(Visibility::Public),
            choice: Some("the live blog answered 404".into()),
            assets: Vec::new(),
        };
        db.record_provenance(3, &p).unwrap();
        assert_eq!(db.provenance(3).unwrap(), Some(p.clone()));
        assert_eq!(db.unchecked_copies().unwrap(), [3]);
        db.mark_live_checked(3).unwrap();
        db.record_provenance(3, &p).unwrap();
        assert!(
            db.unchecked_copies().unwrap().is_empty(),
            "recording again keeps the check"
        );
        db.forget_provenance(3).unwrap();
        assert_eq!(db.provenance(3).unwrap(), None);
    }
}
