//! The archive's state in one SQLite file (`archive.db`): what discovery found and from which
//! sources, each entry's fetch outcome, the assets by content hash, comments, and blog facts.
//! Every change is one transaction, so a crash (even SIGKILL) leaves the state before or after a
//! change, never half of it. Files are written first and recorded after: a row never points at a
//! file that is not whole. Failures are recorded as failures, never as done.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

pub use self::codec::CorruptValue;
use self::codec::{column, id_column};
pub use crate::model::EntryState;
use crate::model::{AssetKind, AssetState, CommentsState, EntryId};

const SCHEMA: &str = r"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    url TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    http_status INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    etag TEXT,
    last_modified TEXT,
    page_sha256 TEXT,
    raw_file TEXT,
    fetched_at TEXT
);
CREATE TABLE IF NOT EXISTS entry_sources (
    id INTEGER NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (id, source)
);
CREATE TABLE IF NOT EXISTS slugs (slug TEXT PRIMARY KEY, id INTEGER);
CREATE TABLE IF NOT EXISTS assets (
    url TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    sha256 TEXT,
    file TEXT,
    content_type TEXT,
    size INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    fetched_at TEXT
);
CREATE TABLE IF NOT EXISTS post_assets (
    post_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (post_id, url)
);
CREATE TABLE IF NOT EXISTS comments (
    post_id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    count INTEGER,
    file TEXT,
    last_error TEXT,
    fetched_at TEXT
);
CREATE TABLE IF NOT EXISTS naver_ledger (
    post_id INTEGER PRIMARY KEY,
    naver_url TEXT NOT NULL UNIQUE,
    blog_id TEXT,
    log_no TEXT,
    published_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS naver_ledger_post ON naver_ledger (blog_id, log_no);
CREATE TABLE IF NOT EXISTS asset_origins (url TEXT PRIMARY KEY, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_entries (
    id INTEGER PRIMARY KEY,
    title TEXT,
    published TEXT,
    category TEXT,
    tags TEXT,
    comment_count INTEGER
);
";

/// Errors of the state database, with the file they concern.
#[derive(Debug, thiserror::Error)]
#[error(
    "archive state {path}: {source}; if the disk is full, free some space; if the file is damaged, move it away; then run crawl again (saved pages are kept)"
)]
pub struct DbError {
    /// The database file.
    pub path: PathBuf,
    /// The SQLite error.
    #[source]
    pub source: rusqlite::Error,
}

/// One entry row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    /// The entry id.
    pub id: EntryId,
    /// The canonical URL, once fetched.
    pub url: Option<String>,
    /// Where it stands.
    pub state: EntryState,
    /// The last HTTP status.
    pub http_status: Option<u16>,
    /// Fetch attempts over all runs.
    pub attempts: u32,
    /// The last error, for failed entries.
    pub last_error: Option<String>,
    /// Validators for `--refresh`.
    pub etag: Option<String>,
    /// Validators for `--refresh`.
    pub last_modified: Option<String>,
    /// sha256 of the saved page.
    pub page_sha256: Option<String>,
    /// The saved page, relative to the archive.
    pub raw_file: Option<String>,
    /// The sources that named this id (sorted).
    pub sources: Vec<String>,
}

/// The outcome of fetching one entry page, to record.
#[derive(Debug, Clone)]
pub struct PageOutcome {
    /// The entry id.
    pub id: EntryId,
    /// Its new state.
    pub state: EntryState,
    /// Canonical URL.
    pub url: Option<String>,
    /// HTTP status.
    pub http_status: Option<u16>,
    /// Error text for failures.
    pub error: Option<String>,
    /// ETag.
    pub etag: Option<String>,
    /// Last-Modified.
    pub last_modified: Option<String>,
    /// sha256 of the page as saved.
    pub page_sha256: Option<String>,
    /// The saved page, relative to the archive.
    pub raw_file: Option<String>,
    /// The post's assets in body order: (url, image or attachment).
    pub assets: Vec<(String, AssetKind)>,
}

/// One asset row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    /// The original URL.
    pub url: String,
    /// Downloaded, missing or pending.
    pub state: AssetState,
    /// sha256 at download.
    pub sha256: Option<String>,
    /// The file, relative to the archive.
    pub file: Option<String>,
    /// The last error.
    pub last_error: Option<String>,
}

/// The comments of one post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentsRow {
    /// Saved or failed.
    pub state: CommentsState,
    /// Comments and replies saved.
    pub count: Option<usize>,
    /// The JSON file, relative to the archive.
    pub file: Option<String>,
    /// sha256 of the file as written (`None` in archives made before it was recorded).
    pub sha256: Option<String>,
    /// Why they failed, or why a `partial` walk stopped (`last_error`).
    pub reason: Option<String>,
    /// The comment page a `partial` walk stopped at (`None` otherwise, and in older archives).
    pub stopped_at: Option<String>,
}

/// The open state database.
pub struct ArchiveDb {
    conn: Connection,
    path: PathBuf,
    /// True once this connection has made sure the provenance table is there (it is read per post).
    provenance_ready: std::cell::Cell<bool>,
}

/// Columns added after a table first shipped: an archive made by an older version gains them
/// (NULL in its old rows), so a newer crawl can fill them in.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    ("comments", "sha256", "TEXT"),
    // The page a `partial` comment walk stopped at (see `db/states.rs`).
    ("comments", "stopped_at", "TEXT"),
    // Slug permalinks' own outcome (see `db/slugs.rs`).
    ("slugs", "state", "TEXT"),
    ("slugs", "http_status", "INTEGER"),
    ("slugs", "last_error", "TEXT"),
    ("slugs", "sources", "TEXT"),
];

fn add_missing_columns(conn: &Connection) -> rusqlite::Result<()> {
    for (table, column, kind) in ADDED_COLUMNS {
        let present: bool = conn.query_row(
            &format!("SELECT COUNT(*) > 0 FROM pragma_table_info('{table}') WHERE name = ?1"),
            params![column],
            |r| r.get(0),
        )?;
        if !present {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {kind}"))?;
        }
    }
    Ok(())
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Statements kept prepared per connection: more than the crawl repeats per page and file.
const STATEMENT_CACHE: usize = 64;

/// Records inside `tx` that `source` named each of `ids` (an entry row for each, nothing twice).
fn insert_sources(
    tx: &rusqlite::Transaction<'_>,
    source: &str,
    ids: &[EntryId],
) -> rusqlite::Result<()> {
    let mut entry = tx.prepare_cached("INSERT OR IGNORE INTO entries(id) VALUES (?1)")?;
    let mut src =
        tx.prepare_cached("INSERT OR IGNORE INTO entry_sources(id, source) VALUES (?1, ?2)")?;
    for id in ids {
        let id = i64::try_from(*id).unwrap_or(i64::MAX);
        entry.execute(params![id])?;
        src.execute(params![id, source])?;
    }
    Ok(())
}

impl ArchiveDb {
    /// Opens (creating if needed) `archive.db` at `path`.
    ///
    /// # Errors
    /// [`DbError`] when the file cannot be opened or is not a database.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let err = |source| DbError {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        add_missing_columns(&conn).map_err(err)?;
        states::migrate_states(&conn).map_err(err)?;
        // Room for every statement a crawl repeats per page and file (`prepare_cached`).
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            provenance_ready: std::cell::Cell::new(false),
        })
    }

    /// Opens `archive.db` for a crawl, whose every row can be fetched again: with
    /// `synchronous = NORMAL` instead of FULL. A commit is still atomic and survives a killed
    /// process (even SIGKILL); only a power loss may take back the last commits, which leaves the
    /// state as it was before them, still true: files are synced before the rows that point at
    /// them are committed, so a row never outlives its file, and what was taken back is pending
    /// again and fetched by the next run. FULL syncs the log at every commit, several times per
    /// page under the lock all crawl tasks share. (The desk's ledger of what was published keeps
    /// FULL: a lost row there could publish a post twice.)
    ///
    /// # Errors
    /// As [`ArchiveDb::open`].
    pub fn open_for_crawl(path: &Path) -> Result<Self, DbError> {
        let db = Self::open(path)?;
        db.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| db.err(e))?;
        Ok(db)
    }

    /// Sets the log length (in pages) at which a commit of this connection copies the log back
    /// into the database (`wal_autocheckpoint`; 0 = never): a crawl leaves that to a
    /// [`Checkpointer`](super::checkpoint::Checkpointer) and keeps only a far threshold.
    ///
    /// # Errors
    /// A [`DbError`] when the pragma fails.
    pub fn set_wal_autocheckpoint(&self, pages: u32) -> Result<(), DbError> {
        self.conn
            .pragma_update(None, "wal_autocheckpoint", pages)
            .map_err(|e| self.err(e))
    }

    fn err(&self, source: rusqlite::Error) -> DbError {
        DbError {
            path: self.path.clone(),
            source,
        }
    }

    /// Sets a blog fact (`blog`, `base_url`, `sidebar_total`, `mobile_total`, ...).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), DbError> {
        self.conn
            .execute("INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", params![key, value])
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Reads a blog fact.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn meta(&self, key: &str) -> Result<Option<String>, DbError> {
        self.conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")
            .and_then(|mut s| s.query_row(params![key], |r| r.get(0)))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Records that `source` named each of `ids` (one transaction; repeated calls add nothing twice).
    ///
    /// # Errors
    /// [`DbError`] on a database failure; nothing is recorded then.
    pub fn record_sources(&mut self, source: &str, ids: &[EntryId]) -> Result<(), DbError> {
        let path = self.path.clone();
        let e = move |source| DbError {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&e)?;
        insert_sources(&tx, source, ids).map_err(&e)?;
        tx.commit().map_err(&e)
    }

    /// The recorded state of entry `id`; `None` when no source named it yet.
    ///
    /// # Errors
    /// [`DbError`] on a database failure or a stored state that does not read back (named).
    pub fn entry_state(&self, id: EntryId) -> Result<Option<EntryState>, DbError> {
        self.conn
            .prepare_cached("SELECT state FROM entries WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row(params![i64::try_from(id).unwrap_or(i64::MAX)], |r| {
                    column(r, 0, "entries", &id)
                })
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Remembers which id a slug permalink resolved to.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn record_slug(&self, slug: &str, id: EntryId) -> Result<(), DbError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO slugs(slug, id) VALUES (?1, ?2)",
                params![slug, i64::try_from(id).unwrap_or(i64::MAX)],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// The id a slug resolved to on an earlier run.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn slug_id(&self, slug: &str) -> Result<Option<EntryId>, DbError> {
        self.conn
            .query_row("SELECT id FROM slugs WHERE slug = ?1", params![slug], |r| {
                column::<Option<EntryId>>(r, 0, "slugs", &slug)
            })
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }

    /// Every entry, by id, with its sources.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn entries(&self) -> Result<Vec<EntryRow>, DbError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT e.id, e.url, e.state, e.http_status, e.attempts, e.last_error, e.etag, e.last_modified, e.page_sha256, e.raw_file,
                        (SELECT group_concat(source, ',') FROM (SELECT source FROM entry_sources s WHERE s.id = e.id ORDER BY source))
                 FROM entries e ORDER BY e.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let sources: Option<String> = r.get(10)?;
                let id = id_column(r, 0, "entries")?;
                Ok(EntryRow {
                    id,
                    url: r.get(1)?,
                    state: column(r, 2, "entries", &id)?,
                    http_status: column(r, 3, "entries", &id)?,
                    attempts: column(r, 4, "entries", &id)?,
                    last_error: r.get(5)?,
                    etag: r.get(6)?,
                    last_modified: r.get(7)?,
                    page_sha256: r.get(8)?,
                    raw_file: r.get(9)?,
                    sources: sources
                        .map(|s| s.split(',').map(str::to_string).collect())
                        .unwrap_or_default(),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Records a page fetch and, for posts, the list of its assets — one transaction.
    ///
    /// # Errors
    /// [`DbError`] on a database failure; nothing is recorded then.
    pub fn record_page(&mut self, o: &PageOutcome) -> Result<(), DbError> {
        let path = self.path.clone();
        let e = move |source| DbError {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&e)?;
        let id = i64::try_from(o.id).unwrap_or(i64::MAX);
        // Prepared once per connection (`prepare_cached`): a crawl records thousands of pages.
        let run = |sql: &str, params: &[&dyn rusqlite::ToSql]| {
            tx.prepare_cached(sql)
                .and_then(|mut s| s.execute(params))
                .map_err(&e)
        };
        run("INSERT OR IGNORE INTO entries(id) VALUES (?1)", params![id])?;
        run(
            "UPDATE entries SET state = ?2, url = COALESCE(?3, url), http_status = ?4, attempts = attempts + 1,
                 last_error = ?5, etag = COALESCE(?6, etag), last_modified = COALESCE(?7, last_modified),
                 page_sha256 = COALESCE(?8, page_sha256), raw_file = COALESCE(?9, raw_file), fetched_at = ?10
             WHERE id = ?1",
            params![id, o.state, o.url, o.http_status, o.error, o.etag, o.last_modified, o.page_sha256, o.raw_file, now()],
        )?;
        if !o.assets.is_empty() {
            run("DELETE FROM post_assets WHERE post_id = ?1", params![id])?;
            for (position, (url, kind)) in o.assets.iter().enumerate() {
                run(
                    "INSERT OR IGNORE INTO post_assets(post_id, url, kind, position) VALUES (?1, ?2, ?3, ?4)",
                    params![id, url, kind, i64::try_from(position).unwrap_or_default()],
                )?;
                run(
                    "INSERT OR IGNORE INTO assets(url, state) VALUES (?1, ?2)",
                    params![url, AssetState::Pending],
                )?;
            }
        }
        tx.commit().map_err(&e)
    }

    /// Forgets entries no source named that turned out not to exist: probes of an id scan that
    /// was killed before it could forget them itself. A clean run never keeps such a row, so a
    /// resumed run must not either. Returns how many were forgotten.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn forget_unnamed_misses(&mut self) -> Result<usize, DbError> {
        self.conn
            .execute(
                "DELETE FROM entries WHERE state IN (?1, ?2, ?3, ?4)
                 AND id NOT IN (SELECT id FROM entry_sources)",
                params![
                    EntryState::Deleted,
                    EntryState::NotPost,
                    EntryState::Failed,
                    EntryState::Pending
                ],
            )
            .map_err(|e| self.err(e))
    }

    /// Records a downloaded asset (its file is already in place).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn record_asset_ok(
        &self,
        url: &str,
        sha256: &str,
        file: &str,
        content_type: Option<&str>,
        size: u64,
    ) -> Result<(), DbError> {
        self.conn
            .prepare_cached(
                "INSERT INTO assets(url, state, sha256, file, content_type, size, attempts, fetched_at) VALUES (?1, ?7, ?2, ?3, ?4, ?5, 1, ?6)
                 ON CONFLICT(url) DO UPDATE SET state = ?7, sha256 = ?2, file = ?3, content_type = ?4, size = ?5,
                    attempts = attempts + 1, last_error = NULL, fetched_at = ?6",
            )
            .and_then(|mut s| s.execute(params![url, sha256, file, content_type, i64::try_from(size).unwrap_or(i64::MAX), now(), AssetState::Ok]))
            .map_err(|e| self.err(e))?;
        // A file downloaded here replaces whatever copy a backup or a snapshot gave.
        self.conn
            .prepare_cached("DELETE FROM asset_origins WHERE url = ?1")
            .and_then(|mut s| s.execute(params![url]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Records an asset that could not be downloaded (retried on the next run).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn record_asset_missing(&self, url: &str, error: &str) -> Result<(), DbError> {
        self.record_asset_unsaved(url, AssetState::Missing, error)
    }

    /// Records an asset tried and not saved, in `state` (`missing` or `gone`), with why.
    fn record_asset_unsaved(&self, url: &str, state: AssetState, why: &str) -> Result<(), DbError> {
        self.conn
            .execute(
                "INSERT INTO assets(url, state, attempts, last_error, fetched_at) VALUES (?1, ?4, 1, ?2, ?3)
                 ON CONFLICT(url) DO UPDATE SET state = ?4, attempts = attempts + 1, last_error = ?2, fetched_at = ?3",
                params![url, why, now(), state],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// One asset's row.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn asset(&self, url: &str) -> Result<Option<AssetRow>, DbError> {
        self.conn
            .prepare_cached(
                "SELECT url, state, sha256, file, last_error FROM assets WHERE url = ?1",
            )
            .and_then(|mut s| s.query_row(params![url], asset_row))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The assets of a post in body order: (url, kind).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn post_assets(&self, post_id: EntryId) -> Result<Vec<(String, AssetKind)>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT url, kind FROM post_assets WHERE post_id = ?1 ORDER BY position",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![i64::try_from(post_id).unwrap_or(i64::MAX)], |r| {
                let url: String = r.get(0)?;
                let kind = column(r, 1, "post_assets", &format_args!("({post_id}, {url})"))?;
                Ok((url, kind))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Every asset row.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn assets(&self) -> Result<Vec<AssetRow>, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT url, state, sha256, file, last_error FROM assets ORDER BY url")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], asset_row).map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Records the comments of a post: `ok` with a count and file, or `failed` with the error.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn record_comments(
        &self,
        post_id: EntryId,
        count: Option<usize>,
        file: Option<&str>,
        error: Option<&str>,
    ) -> Result<(), DbError> {
        let state = if error.is_some() {
            CommentsState::Failed
        } else {
            CommentsState::Ok
        };
        self.conn
            .execute(
                "INSERT OR REPLACE INTO comments(post_id, state, count, file, last_error, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    i64::try_from(post_id).unwrap_or(i64::MAX),
                    state,
                    count.map(|c| i64::try_from(c).unwrap_or(i64::MAX)),
                    file,
                    error,
                    now()
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Records a post's saved comments: `count` comments and replies in `file`, whose bytes
    /// have `sha256` (the file is already in place).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn record_comments_saved(
        &self,
        post_id: EntryId,
        count: usize,
        file: &str,
        sha256: &str,
    ) -> Result<(), DbError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO comments(post_id, state, count, file, last_error, fetched_at, sha256) VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6)",
                params![
                    i64::try_from(post_id).unwrap_or(i64::MAX),
                    CommentsState::Ok,
                    i64::try_from(count).unwrap_or(i64::MAX),
                    file,
                    now(),
                    sha256
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Why a post's comments failed, as recorded (`None` when they did not, or are not recorded).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn comments_error(&self, post_id: EntryId) -> Result<Option<String>, DbError> {
        self.conn
            .query_row(
                "SELECT last_error FROM comments WHERE post_id = ?1",
                params![i64::try_from(post_id).unwrap_or(i64::MAX)],
                |r| r.get(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }

    /// The comment state of a post.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn comments(&self, post_id: EntryId) -> Result<Option<CommentsRow>, DbError> {
        self.conn
            .prepare_cached(
                "SELECT state, count, file, sha256, last_error, stopped_at FROM comments WHERE post_id = ?1",
            )
            .and_then(|mut s| {
                s.query_row(params![i64::try_from(post_id).unwrap_or(i64::MAX)], |r| {
                    Ok(CommentsRow {
                        state: column(r, 0, "comments", &post_id)?,
                        count: column(r, 1, "comments", &post_id)?,
                        file: r.get(2)?,
                        sha256: r.get(3)?,
                        reason: r.get(4)?,
                        stopped_at: r.get(5)?,
                    })
                })
            })
            .optional()
            .map_err(|e| self.err(e))
    }
}

/// Reads a row of `SELECT url, state, sha256, file, last_error FROM assets`.
fn asset_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AssetRow> {
    let url: String = r.get(0)?;
    Ok(AssetRow {
        state: column(r, 1, "assets", &url)?,
        sha256: r.get(2)?,
        file: r.get(3)?,
        last_error: r.get(4)?,
        url,
    })
}

mod api_entries;
mod asset_origin;
mod blog;
mod codec;
mod deletions;
mod discovery;
pub use self::discovery::{SourceEnd, SourceOutcome};
mod naver;
mod provenance;
mod slugs;
mod states;
pub use api_entries::ApiEntry;
pub use naver::{LedgerError, LedgerRow};
pub use slugs::SlugRow;
pub use states::PartialComments;

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, ArchiveDb) {
        let dir = tempfile::tempdir().unwrap();
        let db = ArchiveDb::open(&dir.path().join("archive.db")).unwrap();
        (dir, db)
    }

    #[test]
    fn sources_accumulate_without_duplicates() {
        let (_d, mut db) = db();
        db.record_sources("rss", &[3, 1]).unwrap();
        db.record_sources("sitemap", &[1, 2]).unwrap();
        db.record_sources("rss", &[1]).unwrap();
        let rows = db.entries().unwrap();
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(rows[0].sources, ["rss", "sitemap"]);
        assert!(rows.iter().all(|r| r.state == EntryState::Pending));
    }

    #[test]
    fn page_outcomes_and_assets() {
        let (_d, mut db) = db();
        let outcome = PageOutcome {
            id: 7,
            state: EntryState::Ok,
            url: Some("https://b.tistory.com/7".into()),
            http_status: Some(200),
            error: None,
            etag: Some("\"x\"".into()),
            last_modified: None,
            page_sha256: Some("ab".into()),
            raw_file: Some("raw/7.html".into()),
            assets: vec![
                ("https://cdn/a.png".into(), AssetKind::Image),
                ("https://cdn/f.pdf".into(), AssetKind::Attachment),
            ],
        };
        db.record_page(&outcome).unwrap();
        db.record_page(&outcome).unwrap();
        let row = &db.entries().unwrap()[0];
        assert_eq!((row.state, row.attempts), (EntryState::Ok, 2));
        assert_eq!(db.post_assets(7).unwrap().len(), 2);
        assert_eq!(
            db.asset("https://cdn/a.png").unwrap().unwrap().state,
            AssetState::Pending
        );
        db.record_asset_missing("https://cdn/a.png", "403").unwrap();
        db.record_asset_ok(
            "https://cdn/a.png",
            "ff",
            "assets/ff/ff.png",
            Some("image/png"),
            3,
        )
        .unwrap();
        let a = db.asset("https://cdn/a.png").unwrap().unwrap();
        assert_eq!((a.state, a.last_error), (AssetState::Ok, None));
    }

    #[test]
    fn unnamed_misses_are_forgotten_and_everything_else_kept() {
        let (_d, mut db) = db();
        db.record_sources("rss", &[1, 2]).unwrap();
        let outcome = |id, state| PageOutcome {
            id,
            state,
            url: None,
            http_status: Some(404),
            error: None,
            etag: None,
            last_modified: None,
            page_sha256: None,
            raw_file: None,
            assets: Vec::new(),
        };
        db.record_page(&outcome(2, EntryState::Deleted)).unwrap();
        db.record_page(&outcome(3, EntryState::Deleted)).unwrap();
        db.record_page(&outcome(4, EntryState::Failed)).unwrap();
        db.record_page(&outcome(5, EntryState::Ok)).unwrap();
        assert_eq!(db.forget_unnamed_misses().unwrap(), 2);
        let ids: Vec<u64> = db.entries().unwrap().iter().map(|e| e.id).collect();
        assert_eq!(ids, [1, 2, 5], "named ids and found ones stay");
    }

    #[test]
    fn an_older_archive_gains_the_comments_sha256_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.db");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE comments (post_id INTEGER PRIMARY KEY, state TEXT NOT NULL, count INTEGER, file TEXT, last_error TEXT, fetched_at TEXT);
             INSERT INTO comments(post_id, state, count, file) VALUES (3, 'ok', 2, 'comments/3.json');",
        )
        .unwrap();
        drop(old);
        let db = ArchiveDb::open(&path).unwrap();
        let row = db.comments(3).unwrap().unwrap();
        assert_eq!((row.count, row.sha256), (Some(2), None));
        db.record_comments_saved(3, 1, "comments/3.json", "ab")
            .unwrap();
        assert_eq!(
            db.comments(3).unwrap().unwrap().sha256.as_deref(),
            Some("ab")
        );
        drop(db);
        ArchiveDb::open(&path).expect("opening twice adds nothing twice");
    }

    #[test]
    fn a_broken_database_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.db");
        std::fs::write(
            &path,
            b"this is not a database, just text that is long enough to have a header",
        )
        .unwrap();
        let e = ArchiveDb::open(&path).err().expect("not a database");
        assert!(e.to_string().contains("archive.db"), "{e}");
    }
}
