//! Which archived posts' comments to request: each post whose comments are not saved yet, unless
//! both counts the archive has agree there are none ([`should_fetch`]): the mobile list's
//! `commentCount` (recorded in `api_entries`) and the count the post's own saved page prints
//! ([`page_comment_count`], read from `raw/<id>.html`). A post skipped so is recorded as having
//! no comments without a request. Reads the archive; requests nothing.

use std::collections::BTreeMap;
use std::path::Path;

use url::Url;

use super::CrawlError;
use super::comment_count::{page_comment_count, should_fetch};
use crate::archive::db::{ArchiveDb, EntryRow, EntryState};
use crate::archive::layout::resolve;
use crate::model::{CommentsState, EntryId};

/// The posts to request comments for, and the posts both counts say have none.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct CommentsPlan {
    /// Request these.
    pub(crate) fetch: Vec<EntryId>,
    /// Record these as having no comments, without a request.
    pub(crate) none: Vec<EntryId>,
}

/// Plans the comments of every archived post whose comments are not saved. With
/// `unrecorded_only`, only posts that have no comments row at all (archived since the comments
/// pass ran: a later pass got their page); a failed comments fetch is the retry queue's.
///
/// # Errors
/// [`CrawlError`] when the archive state cannot be read.
pub(crate) fn plan_comments(
    db: &ArchiveDb,
    out: &Path,
    base: &Url,
    unrecorded_only: bool,
    counted: &super::page_counts::PageCounts,
) -> Result<CommentsPlan, CrawlError> {
    let list: BTreeMap<EntryId, Option<u64>> = db
        .api_entries()?
        .into_iter()
        .map(|a| (a.id, a.comment_count))
        .collect();
    let mut plan = CommentsPlan::default();
    for e in db.entries()? {
        if !matches!(e.state, EntryState::Ok | EntryState::Notice) {
            continue;
        }
        let wanted = match db.comments(e.id)? {
            None => true,
            Some(c) => !unrecorded_only && c.state != CommentsState::Ok,
        };
        if !wanted {
            continue;
        }
        // Read while the page was in memory, when this run saved it ([`super::page_counts`]).
        let page = counted
            .of(&e, base)
            .unwrap_or_else(|| page_count(out, base, &e));
        if should_fetch(list.get(&e.id).copied().flatten(), page) {
            plan.fetch.push(e.id);
        } else {
            plan.none.push(e.id);
        }
    }
    Ok(plan)
}

/// The most comments the archive's evidence counts for post `id`: the mobile list's
/// `commentCount` or the count its saved page prints, whichever is larger; `None` when neither
/// says.
///
/// # Errors
/// [`CrawlError`] when the archive state cannot be read.
pub(crate) fn known_count(
    db: &ArchiveDb,
    out: &Path,
    base: &Url,
    id: EntryId,
) -> Result<Option<u64>, CrawlError> {
    let list = db
        .api_entries()?
        .into_iter()
        .find(|a| a.id == id)
        .and_then(|a| a.comment_count);
    let page = db
        .entries()?
        .into_iter()
        .find(|e| e.id == id)
        .and_then(|e| page_count(out, base, &e));
    Ok(list.max(page))
}

/// The count the entry's saved page prints; `None` when it prints none or cannot be read.
fn page_count(out: &Path, base: &Url, e: &EntryRow) -> Option<u64> {
    let html = std::fs::read(resolve(out, e.raw_file.as_deref()?)).ok()?;
    let url = e
        .url
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .or_else(|| base.join(&e.id.to_string()).ok())?;
    page_comment_count(&String::from_utf8_lossy(&html), e.id, &url)
}
