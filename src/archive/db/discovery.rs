//! How each discovery source of the latest run that walked it ended: the listing walk (listing,
//! category and paging pages), the mobile list, sitemap.xml, /rss and the id scan. A source cut
//! short by errors (the blog went away, a page kept failing) may hide posts no other source
//! names, so its end is part of the archive, recorded in the same transaction as the last ids
//! it named, and read by verify. A later run that walks the source again replaces the row; one
//! that does not walk it (`--retry-failed`) leaves it. The table is created on first use: an
//! archive made before it has no rows, and nothing is said about its sources.

use rusqlite::params;

use super::{ArchiveDb, DbError, now};
use crate::model::EntryId;

const TABLE: &str = "CREATE TABLE IF NOT EXISTS discovery_sources (
    source TEXT PRIMARY KEY,
    outcome TEXT NOT NULL,
    detail TEXT,
    recorded_at TEXT NOT NULL
)";

/// How one discovery source ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEnd {
    /// It ran to its end.
    Finished,
    /// It was not walked this run (the listing walk, when the mobile list named every post the
    /// blog counts).
    NotWalked,
    /// Errors cut it short; the detail says where and why.
    Unfinished,
}

impl SourceEnd {
    fn as_str(self) -> &'static str {
        match self {
            Self::Finished => "finished",
            Self::NotWalked => "not_walked",
            Self::Unfinished => "unfinished",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "finished" => Some(Self::Finished),
            "not_walked" => Some(Self::NotWalked),
            "unfinished" => Some(Self::Unfinished),
            _ => None,
        }
    }
}

/// One source's recorded end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceOutcome {
    /// The source's name, as in `entry_sources` (`listing`, `mobile_api`, `sitemap`, `rss`,
    /// `scan`).
    pub source: String,
    /// How it ended.
    pub end: SourceEnd,
    /// Where and why it stopped (for [`SourceEnd::Unfinished`]).
    pub detail: Option<String>,
}

impl SourceOutcome {
    /// A source that ran to its end.
    #[must_use]
    pub fn finished(source: &str) -> Self {
        Self {
            source: source.to_owned(),
            end: SourceEnd::Finished,
            detail: None,
        }
    }

    /// A source cut short, with where and why.
    #[must_use]
    pub fn unfinished(source: &str, detail: impl Into<String>) -> Self {
        Self {
            source: source.to_owned(),
            end: SourceEnd::Unfinished,
            detail: Some(detail.into()),
        }
    }
}

impl ArchiveDb {
    fn ensure_discovery(&self) -> Result<(), DbError> {
        self.conn.execute_batch(TABLE).map_err(|e| self.err(e))
    }

    /// Records that `outcome.source` named each of `ids` and ended as `outcome` says, in one
    /// transaction.
    ///
    /// # Errors
    /// [`DbError`] on a database failure; nothing is recorded then.
    pub fn record_source_outcome(
        &mut self,
        ids: &[EntryId],
        outcome: &SourceOutcome,
    ) -> Result<(), DbError> {
        self.ensure_discovery()?;
        let path = self.path.clone();
        let e = move |source| DbError {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&e)?;
        {
            super::insert_sources(&tx, &outcome.source, ids).map_err(&e)?;
            tx.execute(
                "INSERT INTO discovery_sources(source, outcome, detail, recorded_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(source) DO UPDATE SET outcome = excluded.outcome, detail = excluded.detail,
                    recorded_at = excluded.recorded_at",
                params![outcome.source, outcome.end.as_str(), outcome.detail, now()],
            )
            .map_err(&e)?;
        }
        tx.commit().map_err(&e)
    }

    /// Every source's recorded end, by source name (an unknown outcome text reads as unfinished:
    /// never as a source that finished).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn source_outcomes(&self) -> Result<Vec<SourceOutcome>, DbError> {
        // Read only (verify reads with this): no table, nothing recorded.
        let present: bool = self
            .conn
            .query_row(
                "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'discovery_sources'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if !present {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare("SELECT source, outcome, detail FROM discovery_sources ORDER BY source")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (source, end, detail) = row.map_err(|e| self.err(e))?;
            let (end, detail) = match SourceEnd::parse(&end) {
                Some(end) => (end, detail),
                None => (
                    SourceEnd::Unfinished,
                    Some(format!(
                        "recorded outcome {end:?} is not one this version knows"
                    )),
                ),
            };
            out.push(SourceOutcome {
                source,
                end,
                detail,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_walk_replaces_a_sources_end_and_the_ids_go_in_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = ArchiveDb::open(&dir.path().join("archive.db")).unwrap();
        assert!(db.source_outcomes().unwrap().is_empty());
        db.record_source_outcome(
            &[4, 5],
            &SourceOutcome::unfinished("rss", "it answered 503"),
        )
        .unwrap();
        let got = db.source_outcomes().unwrap();
        assert_eq!(got, [SourceOutcome::unfinished("rss", "it answered 503")]);
        let ids: Vec<u64> = db.entries().unwrap().iter().map(|e| e.id).collect();
        assert_eq!(ids, [4, 5]);
        db.record_source_outcome(&[], &SourceOutcome::finished("rss"))
            .unwrap();
        assert_eq!(
            db.source_outcomes().unwrap(),
            [SourceOutcome::finished("rss")]
        );
    }
}
