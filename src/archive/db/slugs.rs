//! Slug permalinks in the archive state (`slugs`): each slug discovery found, the sources that
//! named it, and what fetching its page came to ([`SlugState`]). A slug is recorded `pending`
//! with its sources before its page is requested, so a run stopped (or killed) before the fetch
//! leaves a row that `verify` names; a failed fetch is `failed` with its error; resolving it
//! moves its sources onto the entry id in the same transaction. Each write is one transaction.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{OptionalExtension as _, params};

use super::codec::column;
use super::{ArchiveDb, DbError};
use crate::model::{EntryId, SlugState};

/// One slug permalink as the archive knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlugRow {
    /// The slug (decoded), as in `/entry/<slug>`.
    pub slug: String,
    /// Where it stands.
    pub state: SlugState,
    /// The entry id its page named, once resolved.
    pub id: Option<EntryId>,
    /// The last HTTP status of a failed fetch.
    pub http_status: Option<u16>,
    /// The last error of a failed fetch.
    pub last_error: Option<String>,
    /// The discovery sources that named it (sorted).
    pub sources: Vec<String>,
}

impl SlugRow {
    /// True when a post may be missing behind this slug (never fetched, or every fetch failed).
    #[must_use]
    pub fn is_gap(&self) -> bool {
        matches!(self.state, SlugState::Pending | SlugState::Failed)
    }
}

fn join_sources(sources: &BTreeSet<String>) -> String {
    sources
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// The sources recorded so far as naming `slug` (none when the slug is not recorded).
fn recorded_sources(
    tx: &rusqlite::Transaction<'_>,
    slug: &str,
) -> rusqlite::Result<BTreeSet<String>> {
    let text: Option<Option<String>> = tx
        .query_row(
            "SELECT sources FROM slugs WHERE slug = ?1",
            params![slug],
            |r| r.get(0),
        )
        .optional()?;
    Ok(split_sources(text.as_ref().and_then(Option::as_deref)))
}

fn split_sources(text: Option<&str>) -> BTreeSet<String> {
    text.unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn id_param(id: EntryId) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

impl ArchiveDb {
    /// Records the slugs discovery found with the sources that named each: a new slug is
    /// `pending`; a known one keeps its state and gains the sources. One transaction.
    ///
    /// # Errors
    /// [`DbError`] on a database failure; nothing is recorded then.
    pub fn record_slugs_found(
        &mut self,
        found: &BTreeMap<String, BTreeSet<String>>,
    ) -> Result<(), DbError> {
        let path = self.path.clone();
        let e = move |source| DbError {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&e)?;
        for (slug, sources) in found {
            let mut all = recorded_sources(&tx, slug).map_err(&e)?;
            all.extend(sources.iter().cloned());
            tx.execute(
                "INSERT INTO slugs(slug, id, state, sources) VALUES (?1, NULL, ?2, ?3)
                 ON CONFLICT(slug) DO UPDATE SET sources = excluded.sources",
                params![slug, SlugState::Pending, join_sources(&all)],
            )
            .map_err(&e)?;
        }
        tx.commit().map_err(&e)
    }

    /// Records that the page of `slug` is entry `id`, and that every source that named the slug
    /// named `id` (one transaction).
    ///
    /// # Errors
    /// [`DbError`] on a database failure; nothing is recorded then.
    pub fn resolve_slug(&mut self, slug: &str, id: EntryId) -> Result<(), DbError> {
        let path = self.path.clone();
        let e = move |source| DbError {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&e)?;
        let sources = recorded_sources(&tx, slug).map_err(&e)?;
        tx.execute(
            "INSERT INTO slugs(slug, id, state, sources) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(slug) DO UPDATE SET id = excluded.id, state = excluded.state,
                 http_status = NULL, last_error = NULL",
            params![
                slug,
                id_param(id),
                SlugState::Resolved,
                join_sources(&sources)
            ],
        )
        .map_err(&e)?;
        tx.execute(
            "INSERT OR IGNORE INTO entries(id) VALUES (?1)",
            params![id_param(id)],
        )
        .map_err(&e)?;
        for source in &sources {
            tx.execute(
                "INSERT OR IGNORE INTO entry_sources(id, source) VALUES (?1, ?2)",
                params![id_param(id), source],
            )
            .map_err(&e)?;
        }
        tx.commit().map_err(&e)
    }

    /// Records that fetching the page of `slug` failed (a resolved slug stays resolved).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn record_slug_failed(
        &self,
        slug: &str,
        http_status: Option<u16>,
        error: &str,
    ) -> Result<(), DbError> {
        self.conn
            .execute(
                "INSERT INTO slugs(slug, id, state, http_status, last_error) VALUES (?1, NULL, ?2, ?3, ?4)
                 ON CONFLICT(slug) DO UPDATE SET state = excluded.state,
                     http_status = excluded.http_status, last_error = excluded.last_error
                 WHERE slugs.id IS NULL",
                params![slug, SlugState::Failed, http_status, error],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Records that the page of `slug` names no entry (not a post, a deleted page without id).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn record_slug_no_entry(&self, slug: &str) -> Result<(), DbError> {
        self.conn
            .execute(
                "INSERT INTO slugs(slug, id, state) VALUES (?1, NULL, ?2)
                 ON CONFLICT(slug) DO UPDATE SET state = excluded.state,
                     http_status = NULL, last_error = NULL
                 WHERE slugs.id IS NULL",
                params![slug, SlugState::NoEntry],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Every slug the archive knows, by slug. A row written before slugs had a state reads as
    /// resolved when it has an id, else pending.
    ///
    /// # Errors
    /// [`DbError`] on a database failure or a state no version of this tool writes.
    pub fn slug_rows(&self) -> Result<Vec<SlugRow>, DbError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT slug, id, state, http_status, last_error, sources FROM slugs ORDER BY slug",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let slug: String = r.get(0)?;
                let id: Option<EntryId> = column(r, 1, "slugs", &slug)?;
                let state: Option<SlugState> = column(r, 2, "slugs", &slug)?;
                let sources: Option<String> = r.get(5)?;
                Ok(SlugRow {
                    state: state.unwrap_or(if id.is_some() {
                        SlugState::Resolved
                    } else {
                        SlugState::Pending
                    }),
                    id,
                    http_status: column(r, 3, "slugs", &slug)?,
                    last_error: r.get(4)?,
                    sources: split_sources(sources.as_deref()).into_iter().collect(),
                    slug,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(pairs: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
        pairs
            .iter()
            .map(|(s, src)| {
                (
                    (*s).to_string(),
                    src.iter().map(|x| (*x).to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_slug_goes_pending_failed_resolved_and_its_sources_follow_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = ArchiveDb::open(&dir.path().join("archive.db")).unwrap();
        db.record_slugs_found(&found(&[("봄-산책", &["sitemap"]), ("gone", &["rss"])]))
            .unwrap();
        db.record_slugs_found(&found(&[("봄-산책", &["listing"])]))
            .unwrap();
        let rows = db.slug_rows().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].slug, "봄-산책");
        assert_eq!(rows[1].state, SlugState::Pending);
        assert_eq!(rows[1].sources, ["listing", "sitemap"]);
        assert!(rows.iter().all(SlugRow::is_gap));

        db.record_slug_failed("봄-산책", Some(503), "503 five times")
            .unwrap();
        db.record_slug_no_entry("gone").unwrap();
        let rows = db.slug_rows().unwrap();
        assert_eq!(rows[0].state, SlugState::NoEntry);
        assert!(!rows[0].is_gap());
        assert_eq!(
            (
                rows[1].state,
                rows[1].http_status,
                rows[1].last_error.as_deref()
            ),
            (SlugState::Failed, Some(503), Some("503 five times"))
        );
        // Found again by a later discovery: still failed, not reset to pending.
        db.record_slugs_found(&found(&[("봄-산책", &["rss"])]))
            .unwrap();
        assert_eq!(db.slug_rows().unwrap()[1].state, SlugState::Failed);

        db.resolve_slug("봄-산책", 7).unwrap();
        let row = &db.slug_rows().unwrap()[1];
        assert_eq!(
            (row.state, row.id, row.last_error.as_deref()),
            (SlugState::Resolved, Some(7), None)
        );
        assert_eq!(db.slug_id("봄-산책").unwrap(), Some(7));
        let entry = db
            .entries()
            .unwrap()
            .into_iter()
            .find(|e| e.id == 7)
            .unwrap();
        assert_eq!(entry.sources, ["listing", "rss", "sitemap"]);
        // A late failure of a resolved slug does not undo it.
        db.record_slug_failed("봄-산책", None, "reset").unwrap();
        assert_eq!(db.slug_rows().unwrap()[1].state, SlugState::Resolved);
    }

    #[test]
    fn an_unknown_state_is_an_error_naming_the_row() {
        let dir = tempfile::tempdir().unwrap();
        let db = ArchiveDb::open(&dir.path().join("archive.db")).unwrap();
        db.conn
            .execute("INSERT INTO slugs(slug, state) VALUES ('x', 'maybe')", [])
            .unwrap();
        let e = db.slug_rows().unwrap_err().to_string();
        assert!(e.contains("slugs") && e.contains("maybe"), "{e}");
    }
}
