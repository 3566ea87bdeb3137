//! The mobile list API's own words about each entry (`api_entries`): title, published text,
//! category, tags and comment count exactly as the list served them, one row per id. It is a
//! second witness next to the saved page (extract compares the two) and tells the crawl which
//! posts have no comments to fetch. Written during discovery, one transaction per list walk;
//! nothing here is derived from the page.

use rusqlite::params;

use super::codec::{column, id_column};
use super::{ArchiveDb, DbError};
use crate::model::EntryId;

/// One entry as the mobile list API described it. Every field is as served; `None` (or an empty
/// tag list) means the list did not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiEntry {
    /// The entry id.
    pub id: EntryId,
    /// `title`.
    pub title: Option<String>,
    /// `published`, the list's date text (not parsed).
    pub published: Option<String>,
    /// `categoryName`.
    pub category: Option<String>,
    /// `tags`, in the order served.
    pub tags: Vec<String>,
    /// `commentCount`; `None` is unknown, not zero.
    pub comment_count: Option<u64>,
}

fn id_param(id: EntryId) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

impl ArchiveDb {
    /// Records what the mobile list said about `entries` (one transaction; a later walk replaces
    /// an id's row, since the list is the blog's current word).
    ///
    /// # Errors
    /// [`DbError`] on a database failure; nothing is recorded then.
    pub fn record_api_entries(&mut self, entries: &[ApiEntry]) -> Result<(), DbError> {
        let path = self.path.clone();
        let e = move |source| DbError {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&e)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO api_entries(id, title, published, category, tags, comment_count)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(&e)?;
            for entry in entries {
                let tags = serde_json::to_string(&entry.tags)
                    .expect("a list of strings always serializes");
                insert
                    .execute(params![
                        id_param(entry.id),
                        entry.title,
                        entry.published,
                        entry.category,
                        tags,
                        entry
                            .comment_count
                            .map(|c| i64::try_from(c).unwrap_or(i64::MAX)),
                    ])
                    .map_err(&e)?;
            }
        }
        tx.commit().map_err(&e)
    }

    /// Every entry the mobile list described, by id.
    ///
    /// # Errors
    /// [`DbError`] on a database failure, or when a row's `tags` is not a JSON array of strings
    /// (the error names the id).
    pub fn api_entries(&self) -> Result<Vec<ApiEntry>, DbError> {
        self.api_entries_where("", [])
    }

    /// What the mobile list said about entry `id`; `None` when it did not list it.
    ///
    /// # Errors
    /// As [`ArchiveDb::api_entries`].
    pub fn api_entry(&self, id: EntryId) -> Result<Option<ApiEntry>, DbError> {
        let rows = self.api_entries_where("WHERE id = ?1", [id_param(id)])?;
        Ok(rows.into_iter().next())
    }

    /// The rows of `api_entries` that `filter` (a `WHERE` clause, or nothing) keeps, by id.
    fn api_entries_where<P: rusqlite::Params>(
        &self,
        filter: &str,
        params: P,
    ) -> Result<Vec<ApiEntry>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT id, title, published, category, tags, comment_count FROM api_entries {filter} ORDER BY id"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params, api_entry_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }
}

/// Reads a row of `SELECT id, title, published, category, tags, comment_count FROM api_entries`.
fn api_entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiEntry> {
    let id: i64 = r.get(0)?;
    let tags: Option<String> = r.get(4)?;
    let tags = match tags {
        None => Vec::new(),
        Some(t) => serde_json::from_str::<Vec<String>>(&t).map_err(|err| {
            rusqlite::Error::FromSqlConversionFailure(
                4,
                rusqlite::types::Type::Text,
                format!("api_entries.tags of entry {id} is not a JSON string array: {err}").into(),
            )
        })?,
    };
    let id = id_column(r, 0, "api_entries")?;
    Ok(ApiEntry {
        id,
        title: r.get(1)?,
        published: r.get(2)?,
        category: r.get(3)?,
        tags,
        comment_count: column(r, 5, "api_entries", &id)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_a_later_walk_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = ArchiveDb::open(&dir.path().join("archive.db")).unwrap();
        let first = ApiEntry {
            id: 12,
            title: Some("봄 \"소풍\"".into()),
            published: Some("2025. 11. 13.".into()),
            category: Some("일상".into()),
            tags: vec!["봄".into(), "a,b".into()],
            comment_count: Some(3),
        };
        let bare = ApiEntry {
            id: 3,
            ..ApiEntry::default()
        };
        db.record_api_entries(&[first.clone(), bare.clone()])
            .unwrap();
        assert_eq!(db.api_entries().unwrap(), [bare.clone(), first.clone()]);
        let again = ApiEntry {
            comment_count: None,
            ..first
        };
        db.record_api_entries(std::slice::from_ref(&again)).unwrap();
        assert_eq!(db.api_entries().unwrap(), [bare, again]);
    }

    #[test]
    fn damaged_tags_are_an_error_naming_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        let db = ArchiveDb::open(&dir.path().join("archive.db")).unwrap();
        db.conn
            .execute(
                "INSERT INTO api_entries(id, tags) VALUES (5, 'not json')",
                [],
            )
            .unwrap();
        let err = db.api_entries().unwrap_err();
        assert!(format!("{err:?}").contains("entry 5"), "{err:?}");
    }
}
