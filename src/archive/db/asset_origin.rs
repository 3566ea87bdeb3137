//! Where each saved asset came from, in the archive state: a backup file (its name and the
//! file's name inside it), a Wayback snapshot (its timestamp and URL) or a WARC capture.
//! The table (`asset_origins (url, detail)`, the origin as JSON) is in the schema. An asset
//! with no row here was downloaded from the live blog, at `assets.fetched_at`: the crawl's hot
//! path writes nothing extra, and [`ArchiveDb::record_asset_ok`] forgets a row when a live
//! download replaces the file, so a row never outlives the copy it describes.

use std::collections::HashMap;

use rusqlite::{OptionalExtension as _, params};

use super::{ArchiveDb, DbError};
use crate::model::AssetState;
use crate::provenance::Origin;

impl ArchiveDb {
    fn bad_origin(&self, url: &str, what: &str) -> DbError {
        self.err(rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("asset_origins row of {url}: {what}").into(),
        ))
    }

    /// Records where the saved file of asset `url` came from (after [`ArchiveDb::record_asset_ok`]).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn record_asset_origin(&self, url: &str, origin: &Origin) -> Result<(), DbError> {
        let detail = serde_json::to_string(origin).expect("an origin always serialises");
        self.conn
            .execute(
                "INSERT OR REPLACE INTO asset_origins(url, detail) VALUES (?1, ?2)",
                params![url, detail],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Where the saved file of asset `url` came from; `None` when it is not saved.
    ///
    /// # Errors
    /// [`DbError`] on a database failure, or a stored origin that does not read back (named).
    pub fn asset_origin(&self, url: &str) -> Result<Option<Origin>, DbError> {
        let row: Option<(AssetState, Option<String>, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT a.state, a.fetched_at, o.detail FROM assets a LEFT JOIN asset_origins o ON o.url = a.url WHERE a.url = ?1",
            )
            .and_then(|mut s| {
                s.query_row(params![url], |r| {
                    Ok((super::codec::column(r, 0, "assets", &url)?, r.get(1)?, r.get(2)?))
                })
            })
            .optional()
            .map_err(|e| self.err(e))?;
        match row {
            Some((AssetState::Ok, fetched_at, detail)) => {
                self.origin_of(url, fetched_at, detail).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Where every saved asset's file came from, by URL.
    ///
    /// # Errors
    /// [`DbError`] on a database failure, or a stored origin that does not read back (named).
    pub fn asset_origins(&self) -> Result<HashMap<String, Origin>, DbError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT a.url, a.fetched_at, o.detail FROM assets a LEFT JOIN asset_origins o ON o.url = a.url WHERE a.state = ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![AssetState::Ok], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        let mut out = HashMap::with_capacity(rows.len());
        for (url, fetched_at, detail) in rows {
            let origin = self.origin_of(&url, fetched_at, detail)?;
            out.insert(url, origin);
        }
        Ok(out)
    }

    fn origin_of(
        &self,
        url: &str,
        fetched_at: Option<String>,
        detail: Option<String>,
    ) -> Result<Origin, DbError> {
        match detail {
            None => Ok(Origin::Live { fetched_at }),
            Some(d) => serde_json::from_str(&d).map_err(|e| self.bad_origin(url, &e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_unless_recorded_and_a_live_download_forgets_the_row() {
        let dir = tempfile::tempdir().unwrap();
        let db = ArchiveDb::open(&dir.path().join("archive.db")).unwrap();
        assert_eq!(db.asset_origin("https://cdn/a.png").unwrap(), None);
        db.record_asset_ok("https://cdn/a.png", "aa", "assets/aa.png", None, 1)
            .unwrap();
        let Some(Origin::Live {
            fetched_at: Some(t),
        }) = db.asset_origin("https://cdn/a.png").unwrap()
        else {
            panic!("a downloaded asset without a row is live, with its fetch time");
        };
        assert!(chrono::DateTime::parse_from_rfc3339(&t).is_ok(), "{t}");
        let backup = Origin::Backup {
            file: "b.zip".into(),
            format: "backup-zip".into(),
            entry: "b-1-1/3/img/a.png".into(),
        };
        db.record_asset_origin("https://cdn/a.png", &backup)
            .unwrap();
        assert_eq!(
            db.asset_origin("https://cdn/a.png").unwrap(),
            Some(backup.clone())
        );
        assert_eq!(db.asset_origins().unwrap()["https://cdn/a.png"], backup);
        db.record_asset_ok("https://cdn/a.png", "bb", "assets/bb.png", None, 1)
            .unwrap();
        assert!(matches!(
            db.asset_origin("https://cdn/a.png").unwrap(),
            Some(Origin::Live { .. })
        ));
        db.record_asset_missing("https://cdn/b.png", "404").unwrap();
        assert_eq!(db.asset_origin("https://cdn/b.png").unwrap(), None);
        assert_eq!(db.asset_origins().unwrap().len(), 1);
    }
}
