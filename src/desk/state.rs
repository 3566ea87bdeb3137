//! What every request of the desk shares, and the two things it does with the ledger: read a
//! [`Snapshot`] (progress, published posts, the Naver blog) and record one post's Naver URL. The
//! blog every URL must belong to is `--naver-blog` when given, else the blog of the first URL
//! recorded (the earliest row of the ledger), else any blog: the first URL fixes it. A record is
//! checked (URL form, blog) before the ledger's own checks (one blog, one URL per post, one post per
//! URL, all in the transaction that inserts, so a second desk on the same archive cannot slip by);
//! a refused record changes nothing and comes back as a Korean message.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::load::{DeskBundle, DeskPost};
use super::progress::{DailyCap, Progress, PublishedPost};
use super::token::DeskToken;
use super::{DeskError, NaverBlogProblem};
use crate::archive::db::{ArchiveDb, DbError, LedgerError, LedgerRow};
use crate::bundle::naver_url::NaverUrlError;
use crate::bundle::parse_naver_url;

/// The desk's shared state. Nothing here changes after start except through the ledger.
pub(crate) struct DeskState {
    pub(crate) bundle: DeskBundle,
    pub(crate) db: Mutex<ArchiveDb>,
    pub(crate) token: DeskToken,
    pub(crate) cap: DailyCap,
    /// `--naver-blog`, checked.
    pub(crate) naver_blog: Option<String>,
    pub(crate) port: u16,
    /// The Naver check behind the check page's button.
    pub(crate) check: super::check::DeskCheck,
}

/// The ledger as the pages need it.
pub(crate) struct Snapshot {
    pub(crate) progress: Progress,
    pub(crate) published: HashMap<u64, LedgerRow>,
    /// The Naver blog the posts go to, once known.
    pub(crate) blog_id: Option<String>,
}

impl Snapshot {
    /// The Naver URL of a published post.
    pub(crate) fn naver_url(&self, id: u64) -> Option<String> {
        self.published.get(&id).map(|r| r.naver_url.clone())
    }

    /// When a post was recorded.
    pub(crate) fn recorded_at(&self, id: u64) -> Option<DateTime<Utc>> {
        self.published
            .get(&id)
            .and_then(|r| r.published_at.as_deref())
            .and_then(parse_time)
    }
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The blog of the earliest recorded row.
fn ledger_blog(rows: &[LedgerRow]) -> Option<String> {
    rows.iter()
        .filter_map(|r| {
            r.blog_id
                .as_ref()
                .map(|b| (r.published_at.as_deref().unwrap_or(""), r.post_id, b))
        })
        .min()
        .map(|(_, _, b)| b.clone())
}

/// Checks `--naver-blog` (a Naver id, and the ledger's blog when it has one).
pub(crate) fn check_naver_blog(
    given: Option<&str>,
    rows: &[LedgerRow],
) -> Result<Option<String>, DeskError> {
    let Some(given) = given else {
        return Ok(None);
    };
    let id = parse_naver_url(&format!("https://blog.naver.com/{given}/1"), None)
        .map_err(|_| DeskError::NaverBlog {
            given: given.to_string(),
            problem: NaverBlogProblem::NotAnId,
        })?
        .blog_id;
    if let Some(recorded) = ledger_blog(rows)
        && recorded != id
    {
        return Err(DeskError::NaverBlog {
            given: given.to_string(),
            problem: NaverBlogProblem::OtherThanTheLedger { recorded },
        });
    }
    Ok(Some(id))
}

/// Why a record was refused.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The ledger in `archive.db` cannot be read.
    LedgerUnreadable(DbError),
    /// The pasted address is not a Naver post address (of the expected blog).
    BadUrl(NaverUrlError),
    /// The ledger refused the record.
    Ledger {
        /// Why.
        error: LedgerError,
        /// The title of the other post already using the address, when it is in the bundle.
        other_title: Option<String>,
    },
}

impl Refusal {
    /// The message for the page, in Korean, for the person at the desk.
    pub(crate) fn message(&self) -> String {
        match self {
            Self::LedgerUnreadable(e) => {
                format!("보관함 상태 파일(archive.db)을 읽지 못했습니다: {e}")
            }
            Self::BadUrl(e) => format!("{} 기록은 바뀌지 않았습니다.", e.korean()),
            Self::Ledger {
                error: LedgerError::UrlAlreadyUsed { url, .. },
                other_title: Some(title),
            } => format!(
                "이 주소({url})는 이미 다른 글 「{title}」의 네이버 주소로 기록되어 있습니다. 방금 발행한 글의 주소를 복사했는지 확인하세요. 기록은 바뀌지 않았습니다."
            ),
            Self::Ledger { error, .. } => error.korean(),
        }
    }

    /// True when it is the desk's fault (the database), not the URL's.
    pub(crate) fn internal(&self) -> bool {
        matches!(
            self,
            Self::LedgerUnreadable(_)
                | Self::Ledger {
                    error: LedgerError::Db(_),
                    ..
                }
        )
    }
}

impl DeskState {
    fn db(&self) -> MutexGuard<'_, ArchiveDb> {
        // A panic while holding the lock leaves no half-written state (SQLite transactions).
        self.db
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The ledger's rows now.
    pub(crate) fn ledger_rows(&self) -> Result<Vec<LedgerRow>, DbError> {
        self.db().ledger()
    }

    /// The ledger now.
    pub(crate) fn snapshot(&self) -> Result<Snapshot, DbError> {
        let rows = self.db().ledger()?;
        Ok(self.snapshot_of(rows))
    }

    fn snapshot_of(&self, rows: Vec<LedgerRow>) -> Snapshot {
        let records: Vec<PublishedPost> = rows
            .iter()
            .map(|r| PublishedPost {
                post_id: r.post_id,
                naver_url: r.naver_url.clone(),
                // A row without a time counts as recorded long ago (never toward today's cap).
                recorded_at: r
                    .published_at
                    .as_deref()
                    .and_then(parse_time)
                    .unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
            })
            .collect();
        let progress = Progress::compute(&self.bundle.order(), &records, self.cap, Utc::now());
        let blog_id = self.naver_blog.clone().or_else(|| ledger_blog(&rows));
        Snapshot {
            progress,
            published: rows.into_iter().map(|r| (r.post_id, r)).collect(),
            blog_id,
        }
    }

    /// Records that `post` is published at `pasted` (as the person pasted it).
    pub(crate) fn record(&self, post: &DeskPost, pasted: &str) -> Result<String, Refusal> {
        let mut db = self.db();
        let rows = db.ledger().map_err(Refusal::LedgerUnreadable)?;
        let expected = self.naver_blog.clone().or_else(|| ledger_blog(&rows));
        let naver = parse_naver_url(pasted, expected.as_deref()).map_err(Refusal::BadUrl)?;
        let url = naver.url();
        db.record_published(post.entry.id, &url, &naver.blog_id, &naver.log_no)
            .map_err(|e| self.refusal(e))?;
        Ok(url)
    }

    /// The ledger's refusal, naming the other post by its title when it is in the bundle.
    fn refusal(&self, error: LedgerError) -> Refusal {
        let other_title = match &error {
            LedgerError::UrlAlreadyUsed { other_post, .. } => self
                .bundle
                .post(*other_post)
                .map(|other| other.entry.title.clone()),
            _ => None,
        };
        Refusal::Ledger { error, other_title }
    }
}
