//! A restored post's comments from the Wayback Machine: the captures of its comment endpoint
//! ([`crate::discover::wayback_comments`]) are read through the same parser as the live blog's
//! ([`crate::discover::comments::parse_comments`]), the newest first page that reads first, then
//! the pages its `nextId` names, each from its own newest capture. What they hold is saved as
//! `comments/<id>.json`, in the live crawl's shape plus `provenance` (the capture of each page
//! read), and recorded in `archive.db`. A chain whose next page has no readable capture keeps the
//! pages before it and says so; verify compares the count with the one the post's page prints.

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::{CaptureUnreadable, Source, write_error};
use crate::archive::layout::{comments_rel, resolve};
use crate::archive::store::write_atomic;
use crate::crawl::CrawlError;
use crate::crawl::comments::{MAX_COMMENT_PAGES, count_comments};
use crate::discover::comments::parse_comments;
use crate::discover::wayback::snapshot_url;
use crate::discover::wayback_comments::{CommentCapture, PostCommentCaptures};
use crate::model::{CommentsState, EntryId};
use crate::provenance::Origin;

/// First-page captures tried per post before its comments are given up on.
const MAX_FIRST_PAGES: usize = super::MAX_SNAPSHOTS_PER_ENTRY;

/// A post whose comments were restored from captures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoredComments {
    /// The post.
    pub id: EntryId,
    /// Comments and replies saved.
    pub count: usize,
    /// Capture pages read.
    pub pages: usize,
    /// The page the last one named next, when no capture of it could be read (the rest is lost).
    pub next_page_missing: Option<u64>,
}

/// A post whose comment captures could not be read, with the reason for the last one tried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnrestoredComments {
    /// The post.
    pub id: EntryId,
    /// Why (the last capture tried).
    pub reason: String,
}

/// Why a capture of a comment page cannot be used.
#[derive(Debug, thiserror::Error)]
pub(super) enum CommentCaptureUnreadable {
    /// It could not be fetched.
    #[error(transparent)]
    Capture(#[from] CaptureUnreadable),
    /// It is not a comment page.
    #[error("the capture {url} is not a comment page")]
    NotComments {
        url: url::Url,
        #[source]
        source: crate::discover::error::DocumentError,
    },
}

/// The comments read from one chain of captures.
struct ReadComments {
    items: Vec<serde_json::Value>,
    origins: Vec<Origin>,
    next_page_missing: Option<u64>,
}

impl Source<'_> {
    /// Restores the comments of every archived post that is not a live copy and has none saved,
    /// from `captures` (by post).
    pub(super) async fn restore_all_comments(
        &mut self,
        captures: &std::collections::BTreeMap<EntryId, PostCommentCaptures>,
        report: &mut super::WaybackReport,
    ) -> Result<(), CrawlError> {
        for (id, caps) in captures {
            if !self.wants_comments(*id)? {
                continue;
            }
            self.restore_comments(*id, caps, report).await?;
        }
        Ok(())
    }

    /// True when `id` is archived from a copy that is not live and has no comments saved.
    fn wants_comments(&self, id: EntryId) -> Result<bool, CrawlError> {
        let archived = self.db.entries()?.into_iter().any(|e| {
            e.id == id
                && matches!(
                    e.state,
                    crate::archive::db::EntryState::Ok | crate::archive::db::EntryState::Notice
                )
        });
        if !archived {
            return Ok(false);
        }
        let live = self
            .db
            .provenance(id)?
            .is_none_or(|p| matches!(p.origin, Origin::Live { .. }));
        let saved = self
            .db
            .comments(id)?
            .is_some_and(|c| c.state == CommentsState::Ok);
        Ok(!live && !saved)
    }

    /// Tries the first-page captures of `id` newest first; saves the first chain that reads.
    async fn restore_comments(
        &mut self,
        id: EntryId,
        caps: &PostCommentCaptures,
        report: &mut super::WaybackReport,
    ) -> Result<(), CrawlError> {
        let mut last = String::from("no capture is of the first comment page");
        for first in caps.first_pages().take(MAX_FIRST_PAGES) {
            match self.read_chain(first, caps).await {
                Ok(read) => {
                    let restored = self.save_comments(id, read)?;
                    report.comments_restored.push(restored);
                    return Ok(());
                }
                Err(why) => last = crate::report::error_chain(&why),
            }
        }
        report
            .comments_not_restored
            .push(UnrestoredComments { id, reason: last });
        Ok(())
    }

    /// Reads the page `first` captured and the pages after it, each from its newest capture.
    async fn read_chain(
        &mut self,
        first: &CommentCapture,
        caps: &PostCommentCaptures,
    ) -> Result<ReadComments, CommentCaptureUnreadable> {
        let mut read = ReadComments {
            items: Vec::new(),
            origins: Vec::new(),
            next_page_missing: None,
        };
        let mut capture = first;
        for _ in 0..MAX_COMMENT_PAGES {
            let page = match self.read_page(capture).await {
                Ok((page, origin)) => {
                    read.origins.push(origin);
                    page
                }
                // The first page must read; a later one that does not ends the chain there.
                Err(e) if read.origins.is_empty() => return Err(e),
                Err(_) => {
                    read.next_page_missing = capture.start_id;
                    break;
                }
            };
            read.items.extend(page.items);
            let Some(next) = page.next_start_id.filter(|_| !page.is_last) else {
                break;
            };
            match caps.page(next, first.reverse) {
                Some(c) if c.start_id != capture.start_id => capture = c,
                _ => {
                    read.next_page_missing = Some(next);
                    break;
                }
            }
        }
        Ok(read)
    }

    /// One comment page from its capture (`id_`: as served), and where it came from.
    async fn read_page(
        &mut self,
        capture: &CommentCapture,
    ) -> Result<(crate::discover::comments::CommentsPage, Origin), CommentCaptureUnreadable> {
        let row = &capture.row;
        let url = snapshot_url(&self.way.endpoint, &row.timestamp, "id_", &row.original)
            .map_err(CaptureUnreadable::Address)?;
        let fetched = match self.fetcher.get(&url, None).await {
            Ok(f) if f.status == 200 => f,
            Ok(f) => Err(CaptureUnreadable::Status {
                url: url.clone(),
                status: f.status,
            })?,
            Err(e) => Err(CaptureUnreadable::Fetch(e))?,
        };
        let page = parse_comments(&String::from_utf8_lossy(&fetched.body)).map_err(|source| {
            CommentCaptureUnreadable::NotComments {
                url: url.clone(),
                source,
            }
        })?;
        let origin = Origin::Wayback {
            timestamp: row.timestamp.clone(),
            url: url.to_string(),
        };
        Ok((page, origin))
    }

    /// Writes `comments/<id>.json` and records it.
    fn save_comments(
        &self,
        id: EntryId,
        read: ReadComments,
    ) -> Result<RestoredComments, CrawlError> {
        let rel = comments_rel(id);
        let json = serde_json::to_vec_pretty(&serde_json::json!({
            "post_id": id,
            "items": read.items,
            "provenance": read.origins,
        }))
        .expect("JSON values always serialize");
        write_atomic(&resolve(self.out, &rel), &json).map_err(|e| write_error(self.out, e))?;
        let count = count_comments(&read.items);
        self.db
            .record_comments_saved(id, count, &rel, &hex::encode(Sha256::digest(&json)))?;
        Ok(RestoredComments {
            id,
            count,
            pages: read.origins.len(),
            next_page_missing: read.next_page_missing,
        })
    }
}
