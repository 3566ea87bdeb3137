//! The half-states of the archive state, and their migration: comments saved but incomplete
//! (`comments.state = 'partial'`, with the reason in `last_error` and the page the walk stopped
//! at in `stopped_at`), and files gone at the source (`assets.state = 'gone'`, with the answer
//! that said so in `last_error`).
//!
//! Archives written before these states were typed keep their meaning when opened
//! ([`migrate_states`]): an asset recorded `missing` with an error ending in
//! [`GONE_HINT`] (the only way "gone" was written) becomes `gone`, its error the answer without
//! the hint. Comments had no half-state then: a walk that stopped short was either `ok` (nothing
//! in the row says it stopped short, so nothing can be migrated) or `failed` without a file
//! (still `failed`).

use rusqlite::{Connection, params};

use super::{ArchiveDb, DbError, now};
use crate::model::{AssetState, CommentsState, EntryId, GONE_HINT};

/// Turns the text-suffix "gone" of older archives into the typed state. Idempotent.
pub(super) fn migrate_states(conn: &Connection) -> rusqlite::Result<()> {
    let suffix = format!("%{GONE_HINT}");
    // `substr(x, 1, length(x) - n)` drops the hint (SQLite's length counts characters, and so does
    // the hint's `chars().count()`).
    let hint_chars = i64::try_from(GONE_HINT.chars().count()).unwrap_or(i64::MAX);
    conn.execute(
        "UPDATE assets SET state = ?1, last_error = substr(last_error, 1, length(last_error) - ?2)
         WHERE state = ?3 AND last_error LIKE ?4 ESCAPE '\\'",
        params![
            AssetState::Gone,
            hint_chars,
            AssetState::Missing,
            escape_like(&suffix)
        ],
    )?;
    Ok(())
}

/// `pattern` with LIKE's own wildcards in it taken literally (only its leading `%` stays one).
fn escape_like(pattern: &str) -> String {
    let (head, rest) = pattern.split_at(1);
    let mut out = head.to_string();
    for c in rest.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A comment walk that did not finish, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialComments<'a> {
    /// The post.
    pub post_id: EntryId,
    /// Comments and replies kept in `file`.
    pub count: usize,
    /// The JSON file, relative to the archive (already in place).
    pub file: &'a str,
    /// The file's sha256.
    pub sha256: &'a str,
    /// Why the walk stopped.
    pub reason: &'a str,
    /// The comment page it stopped at.
    pub stopped_at: &'a str,
}

impl ArchiveDb {
    /// Records a post's comments as saved but incomplete (the file is already in place).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn record_comments_partial(&self, p: &PartialComments<'_>) -> Result<(), DbError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO comments(post_id, state, count, file, last_error, fetched_at, sha256, stopped_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    i64::try_from(p.post_id).unwrap_or(i64::MAX),
                    CommentsState::Partial,
                    i64::try_from(p.count).unwrap_or(i64::MAX),
                    p.file,
                    p.reason,
                    now(),
                    p.sha256,
                    p.stopped_at
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// A later walk of comments already saved as `partial` that did worse (failed, or stopped
    /// short again without more comments): the kept file and its count stay, the reason becomes
    /// `reason`. Returns false when the post has no `partial` row (nothing was changed).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn keep_partial_comments(&self, post_id: EntryId, reason: &str) -> Result<bool, DbError> {
        self.conn
            .execute(
                "UPDATE comments SET last_error = ?2, fetched_at = ?3 WHERE post_id = ?1 AND state = ?4",
                params![
                    i64::try_from(post_id).unwrap_or(i64::MAX),
                    reason,
                    now(),
                    CommentsState::Partial
                ],
            )
            .map(|n| n > 0)
            .map_err(|e| self.err(e))
    }

    /// Records an asset its source said is gone: `answer` is what said so (`<url> answered 404`,
    /// `the Wayback Machine has no capture of <url>`).
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn record_asset_gone(&self, url: &str, answer: &str) -> Result<(), DbError> {
        self.record_asset_unsaved(url, AssetState::Gone, answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables as the code before these states wrote them (no `stopped_at`), with rows of
    /// every kind it wrote.
    const OLD_ARCHIVE: &str = "
        CREATE TABLE assets (url TEXT PRIMARY KEY, state TEXT NOT NULL, sha256 TEXT, file TEXT,
            content_type TEXT, size INTEGER, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, fetched_at TEXT);
        INSERT INTO assets(url, state, last_error) VALUES
            ('https://cdn.example/gone.png', 'missing', 'https://cdn.example/gone.png answered 404 (the file is gone from the server)'),
            ('https://cdn.example/way.png', 'missing', 'the Wayback Machine has no capture of https://cdn.example/way.png (the file is gone from the server)'),
            ('https://cdn.example/503.png', 'missing', 'https://cdn.example/503.png answered 503'),
            ('https://cdn.example/100%_a.png', 'missing', 'https://cdn.example/100%_a.png answered 404, but its source stopped answering before the run ended (x): not taken as gone; run `crawl --retry-failed` when it is back'),
            ('https://cdn.example/ok.png', 'ok', NULL);
        CREATE TABLE comments (post_id INTEGER PRIMARY KEY, state TEXT NOT NULL, count INTEGER,
            file TEXT, last_error TEXT, fetched_at TEXT, sha256 TEXT);
        INSERT INTO comments(post_id, state, count, file, last_error, sha256) VALUES
            (2, 'ok', 3, 'comments/2.json', NULL, 'ab'),
            (10, 'failed', NULL, NULL, 'x answered 404 after 2 comments: the comments are incomplete', NULL);
    ";

    #[test]
    fn an_archive_written_before_the_typed_states_opens_with_its_meaning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch(OLD_ARCHIVE)
            .unwrap();
        for _ in 0..2 {
            // Twice: the migration is idempotent (the second open changes nothing).
            let db = ArchiveDb::open(&path).unwrap();
            let state = |url: &str| {
                let a = db.asset(url).unwrap().unwrap();
                (a.state, a.last_error.unwrap_or_default())
            };
            assert_eq!(
                state("https://cdn.example/gone.png"),
                (
                    AssetState::Gone,
                    "https://cdn.example/gone.png answered 404".into()
                )
            );
            assert_eq!(
                state("https://cdn.example/way.png"),
                (
                    AssetState::Gone,
                    "the Wayback Machine has no capture of https://cdn.example/way.png".into()
                )
            );
            assert_eq!(state("https://cdn.example/503.png").0, AssetState::Missing);
            assert_eq!(
                state("https://cdn.example/100%_a.png").0,
                AssetState::Missing,
                "a 404 not taken as gone stays a failed download"
            );
            assert_eq!(state("https://cdn.example/ok.png").0, AssetState::Ok);
            let ok = db.comments(2).unwrap().unwrap();
            assert_eq!(
                (ok.state, ok.count, ok.sha256.as_deref(), ok.stopped_at),
                (CommentsState::Ok, Some(3), Some("ab"), None)
            );
            let failed = db.comments(10).unwrap().unwrap();
            assert_eq!((failed.state, failed.file), (CommentsState::Failed, None));
        }
    }

    #[test]
    fn a_partial_row_keeps_its_file_when_a_later_walk_does_worse() {
        let dir = tempfile::tempdir().unwrap();
        let db = ArchiveDb::open(&dir.path().join("archive.db")).unwrap();
        assert!(!db.keep_partial_comments(4, "later").unwrap(), "no row yet");
        db.record_comments_partial(&PartialComments {
            post_id: 4,
            count: 2,
            file: "comments/4.json",
            sha256: "cd",
            reason: "cycled",
            stopped_at: "http://x/m/api/4/comment?startId=5",
        })
        .unwrap();
        assert!(db.keep_partial_comments(4, "timed out").unwrap());
        let row = db.comments(4).unwrap().unwrap();
        assert_eq!(row.state, CommentsState::Partial);
        assert_eq!(row.count, Some(2));
        assert_eq!(row.file.as_deref(), Some("comments/4.json"));
        assert_eq!(row.sha256.as_deref(), Some("cd"));
        assert_eq!(row.reason.as_deref(), Some("timed out"));
        assert_eq!(
            row.stopped_at.as_deref(),
            Some("http://x/m/api/4/comment?startId=5")
        );
    }
}
