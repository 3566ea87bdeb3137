//! The Naver side of the archive state: the ledger of posts published on Naver Blog (`naver_ledger`:
//! one row per Tistory post, each Naver URL at most once), which the desk writes as the user pastes
//! URLs back and `redirects` reads; and the slug list the redirects need. Each write is one
//! transaction that checks before it inserts, so a refused write leaves the ledger as it was and a
//! crash leaves it before or after, never half.

use rusqlite::{OptionalExtension as _, TransactionBehavior, params};

use super::codec::{column, id_column};
use super::{ArchiveDb, DbError, now};
use crate::model::EntryId;

/// One published post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    /// The Tistory entry id.
    pub post_id: EntryId,
    /// The Naver post URL (canonical form, `https://blog.naver.com/<blogId>/<logNo>`).
    pub naver_url: String,
    /// The Naver blog id.
    pub blog_id: Option<String>,
    /// The Naver post number.
    pub log_no: Option<String>,
    /// When it was recorded (RFC 3339, UTC).
    pub published_at: Option<String>,
}

/// Why a publication was not recorded. The ledger is unchanged in every case.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The URL (or the same blog id and post number) is already recorded for another post.
    #[error(
        "{url} is already recorded for post {other_post}; one Naver post cannot stand for two Tistory posts (post {post_id} was not recorded). Check that you copied the address of the post you just published"
    )]
    UrlAlreadyUsed {
        /// The URL given.
        url: String,
        /// The post it was given for.
        post_id: EntryId,
        /// The post it is recorded for.
        other_post: EntryId,
    },
    /// The post is already recorded with another URL.
    #[error(
        "post {post_id} is already recorded as published at {recorded}; {url} was not recorded. If the post is on Naver twice, delete the copy you do not want there"
    )]
    PostAlreadyRecorded {
        /// The post.
        post_id: EntryId,
        /// The URL recorded for it.
        recorded: String,
        /// The URL given.
        url: String,
    },
    /// The ledger already records posts on another Naver blog (one archive moves to one blog).
    #[error(
        "the ledger already records posts on the Naver blog {recorded:?}; {url} (blog {blog_id:?}) was not recorded for post {post_id}. Paste the address of the post on {recorded:?}, or use another archive for another blog"
    )]
    OtherBlog {
        /// The post.
        post_id: EntryId,
        /// The URL given.
        url: String,
        /// The blog of the URL given.
        blog_id: String,
        /// The blog the ledger already records.
        recorded: String,
    },
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl LedgerError {
    /// The same message in Korean, for the desk.
    #[must_use]
    pub fn korean(&self) -> String {
        match self {
            Self::UrlAlreadyUsed {
                url, other_post, ..
            } => format!(
                "이 주소({url})는 이미 {other_post}번 글의 네이버 주소로 기록되어 있습니다. 방금 발행한 글의 주소를 복사했는지 확인하세요. 기록은 바뀌지 않았습니다."
            ),
            Self::PostAlreadyRecorded { recorded, .. } => format!(
                "이 글은 이미 {recorded}(으)로 발행 기록이 있습니다. 네이버에 두 번 올라갔다면 필요 없는 쪽을 네이버에서 지우세요. 기록은 바뀌지 않았습니다."
            ),
            Self::OtherBlog { recorded, .. } => format!(
                "이 보관함에는 이미 네이버 블로그 {recorded}의 글이 기록되어 있습니다. {recorded} 블로그에 발행한 글의 주소를 붙여 넣으세요. 기록은 바뀌지 않았습니다."
            ),
            Self::Db(e) => format!("보관함 상태 파일 오류: {e}"),
        }
    }
}

fn id_param(id: EntryId) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

impl ArchiveDb {
    /// Records that `post_id` is published at `naver_url` (pass the canonical form), in one
    /// transaction. Recording the same post with the same URL again is a no-op. The ledger holds
    /// one Naver blog: the blog of its earliest row, checked in the same transaction as the
    /// insert, so two writers (two desks on one archive) cannot record two blogs.
    ///
    /// # Errors
    /// [`LedgerError::OtherBlog`] when the ledger already records another blog,
    /// [`LedgerError::UrlAlreadyUsed`] when another post has this URL (or this blog id and post
    /// number), [`LedgerError::PostAlreadyRecorded`] when this post has another URL,
    /// [`LedgerError::Db`] on a database failure. Nothing is written in any of these cases.
    pub fn record_published(
        &mut self,
        post_id: EntryId,
        naver_url: &str,
        blog_id: &str,
        log_no: &str,
    ) -> Result<(), LedgerError> {
        let path = self.path.clone();
        let e = move |source| DbError {
            path: path.clone(),
            source,
        };
        // IMMEDIATE: the check and the insert see the same ledger even with two writers.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&e)?;
        // The same order as the desk's reading of the ledger's blog: earliest row first.
        let ledger_blog: Option<String> = tx
            .query_row(
                "SELECT blog_id FROM naver_ledger WHERE blog_id IS NOT NULL ORDER BY published_at, post_id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(&e)?;
        if let Some(recorded) = ledger_blog
            && recorded != blog_id
        {
            return Err(LedgerError::OtherBlog {
                post_id,
                url: naver_url.to_string(),
                blog_id: blog_id.to_string(),
                recorded,
            });
        }
        let recorded: Option<String> = tx
            .query_row(
                "SELECT naver_url FROM naver_ledger WHERE post_id = ?1",
                params![id_param(post_id)],
                |r| r.get(0),
            )
            .optional()
            .map_err(&e)?;
        match recorded {
            Some(url) if url == naver_url => return Ok(()),
            Some(recorded) => {
                return Err(LedgerError::PostAlreadyRecorded {
                    post_id,
                    recorded,
                    url: naver_url.to_string(),
                });
            }
            None => {}
        }
        let other: Option<i64> = tx
            .query_row(
                "SELECT post_id FROM naver_ledger WHERE naver_url = ?1 OR (blog_id = ?2 AND log_no = ?3)",
                params![naver_url, blog_id, log_no],
                |r| r.get(0),
            )
            .optional()
            .map_err(&e)?;
        if let Some(other) = other {
            return Err(LedgerError::UrlAlreadyUsed {
                url: naver_url.to_string(),
                post_id,
                other_post: u64::try_from(other)
                    .map_err(|_| e(rusqlite::Error::IntegralValueOutOfRange(0, other)))?,
            });
        }
        tx.execute(
            "INSERT INTO naver_ledger(post_id, naver_url, blog_id, log_no, published_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id_param(post_id), naver_url, blog_id, log_no, now()],
        )
        .map_err(&e)?;
        tx.commit().map_err(&e)?;
        Ok(())
    }

    /// Every published post, by Tistory id.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn ledger(&self) -> Result<Vec<LedgerRow>, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT post_id, naver_url, blog_id, log_no, published_at FROM naver_ledger ORDER BY post_id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(LedgerRow {
                    post_id: id_column(r, 0, "naver_ledger")?,
                    naver_url: r.get(1)?,
                    blog_id: r.get(2)?,
                    log_no: r.get(3)?,
                    published_at: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Every slug permalink seen, with the id it resolved to.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub fn slugs(&self) -> Result<Vec<(String, EntryId)>, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT slug, id FROM slugs WHERE id IS NOT NULL ORDER BY slug")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let slug: String = r.get(0)?;
                Ok((slug.clone(), column(r, 1, "slugs", &slug)?))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, ArchiveDb) {
        let dir = tempfile::tempdir().unwrap();
        let db = ArchiveDb::open(&dir.path().join("archive.db")).unwrap();
        (dir, db)
    }

    const A: &str = "https://blog.naver.com/river/223000000001";
    const B: &str = "https://blog.naver.com/river/223000000002";

    #[test]
    fn records_once_and_refuses_conflicts_without_changing_anything() {
        let (_d, mut db) = db();
        db.record_published(10, A, "river", "223000000001").unwrap();
        db.record_published(10, A, "river", "223000000001").unwrap();
        let before = db.ledger().unwrap();
        assert_eq!(before.len(), 1);

        let e = db
            .record_published(11, A, "river", "223000000001")
            .unwrap_err();
        assert!(
            matches!(
                e,
                LedgerError::UrlAlreadyUsed {
                    other_post: 10,
                    post_id: 11,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("post 10"), "{e}");
        // The same post number under another spelling of the URL is the same post.
        let e = db
            .record_published(
                11,
                "https://blog.naver.com/river/223000000001/",
                "river",
                "223000000001",
            )
            .unwrap_err();
        assert!(matches!(e, LedgerError::UrlAlreadyUsed { .. }), "{e}");

        let e = db
            .record_published(10, B, "river", "223000000002")
            .unwrap_err();
        assert!(
            matches!(&e, LedgerError::PostAlreadyRecorded { recorded, .. } if recorded == A),
            "{e}"
        );
        assert!(e.korean().contains("기록은 바뀌지 않았습니다"));
        assert_eq!(db.ledger().unwrap(), before);

        db.record_published(11, B, "river", "223000000002").unwrap();
        let rows = db.ledger().unwrap();
        assert_eq!(rows.iter().map(|r| r.post_id).collect::<Vec<_>>(), [10, 11]);
        assert_eq!(rows[1].log_no.as_deref(), Some("223000000002"));
        assert!(rows[1].published_at.is_some());
    }

    #[test]
    fn issue_10_two_writers_racing_record_one_blog_and_the_loser_is_told_which() {
        // Each round: two connections (two desks) start together, each recording a post on its
        // own Naver blog. Exactly one may win; the other is refused naming the winner's blog.
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("archive.db");
            drop(ArchiveDb::open(&path).unwrap());
            let start = std::sync::Arc::new(std::sync::Barrier::new(2));
            let writers: Vec<_> = [(1, "river"), (2, "ocean")]
                .into_iter()
                .map(|(post, blog)| {
                    let (path, start) = (path.clone(), start.clone());
                    std::thread::spawn(move || {
                        let mut db = ArchiveDb::open(&path).unwrap();
                        start.wait();
                        let url = format!("https://blog.naver.com/{blog}/22300000000{post}");
                        (
                            blog,
                            db.record_published(post, &url, blog, &url[url.len() - 12..]),
                        )
                    })
                })
                .collect();
            let outcomes: Vec<_> = writers.into_iter().map(|w| w.join().unwrap()).collect();
            let winners: Vec<&str> = outcomes
                .iter()
                .filter(|(_, r)| r.is_ok())
                .map(|(b, _)| *b)
                .collect();
            assert_eq!(winners.len(), 1, "round {round}: {outcomes:?}");
            let (_, loser) = outcomes.iter().find(|(_, r)| r.is_err()).unwrap();
            let e = loser.as_ref().unwrap_err();
            assert!(
                matches!(e, LedgerError::OtherBlog { recorded, .. } if recorded == winners[0]),
                "round {round}: {e}"
            );
            assert!(e.to_string().contains(&format!("{:?}", winners[0])), "{e}");
            let rows = ArchiveDb::open(&path).unwrap().ledger().unwrap();
            assert_eq!(rows.len(), 1, "round {round}: {rows:?}");
            assert_eq!(rows[0].blog_id.as_deref(), Some(winners[0]));
        }
    }

    #[test]
    fn the_ledger_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.db");
        ArchiveDb::open(&path)
            .unwrap()
            .record_published(7, A, "river", "223000000001")
            .unwrap();
        let db = ArchiveDb::open(&path).unwrap();
        assert_eq!(db.ledger().unwrap()[0].naver_url, A);
        db.record_slug("봄-산책", 7).unwrap();
        assert_eq!(db.slugs().unwrap(), [("봄-산책".to_string(), 7)]);
    }
}
