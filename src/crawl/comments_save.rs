//! Saving one post's comments: fetch the walk ([`super::comments::fetch_comments`]), weigh it
//! ([`super::comments_weigh`]), and record the verdict without ever losing comments already kept.
//!
//! - complete: `comments/<id>.json` is written (or replaced) and recorded `ok`;
//! - incomplete: the distinct comments are written and recorded `partial` (reason, page it
//!   stopped at, count, sha256) — unless the archive already keeps a `partial` file for the post,
//!   which stays as it is (only a walk that finished replaces a kept file); a retry pass of the
//!   run asks again;
//! - failed: recorded `failed`, except that a kept `partial` file stays (its reason updated).

use std::sync::Arc;

use super::comments::{CommentsError, PostComments, count_comments, fetch_comments};
use super::comments_weigh::{Incomplete, Weighed, weigh};
use super::pages::{archive_error, off_runtime};
use super::{CrawlError, Ctx};
use crate::archive::db::PartialComments;
use crate::archive::layout::resolve;
use crate::archive::store::write_atomic;
use crate::model::{CommentsState, EntryId};

/// Fetches and saves one post's comments; a fetch failure is recorded, not returned. A walk a
/// later pass may finish is queued for it (and warned about only when `last`).
pub(crate) async fn save_comments(
    ctx: &Arc<Ctx>,
    id: EntryId,
    last: bool,
) -> Result<(), CrawlError> {
    let fetched = fetch_comments(&ctx.fetcher, &ctx.identity.base, id).await;
    off_runtime(ctx, move |ctx| record_comments(ctx, id, fetched, last)).await
}

/// Weighs and records a post's fetched comments (blocking).
fn record_comments(
    ctx: &Ctx,
    id: EntryId,
    fetched: Result<PostComments, CommentsError>,
    last: bool,
) -> Result<(), CrawlError> {
    let weighed = match fetched {
        Ok(c) => {
            let known =
                super::comments_plan::known_count(&ctx.db(), &ctx.out, &ctx.identity.base, id)
                    .ok()
                    .flatten();
            weigh(id, c, known)
        }
        Err(e) => Weighed::Failed(e),
    };
    match weighed {
        Weighed::Complete(items) => write_comments(ctx, id, &items, None),
        Weighed::NoList => {
            // Checked against the blog at the end of the run ([`super::still_there`]).
            ctx.not_found.no_comments(id);
            write_comments(ctx, id, &[], None)
        }
        Weighed::Incomplete(i) => record_incomplete(ctx, id, i, last),
        Weighed::Failed(e) => {
            let retry = e.retryable() && !last;
            note(ctx, id, &e.to_string(), retry);
            if !ctx.db().keep_partial_comments(id, &e.to_string())? {
                ctx.db()
                    .record_comments(id, None, None, Some(&e.to_string()))?;
            }
            Ok(())
        }
    }
}

/// Records a walk that did not finish: its comments are kept, unless a `partial` file is already
/// kept for the post (a later walk that did not finish either never replaces it).
fn record_incomplete(ctx: &Ctx, id: EntryId, i: Incomplete, last: bool) -> Result<(), CrawlError> {
    let retry = i.retry_now && !last;
    let kept = ctx
        .db()
        .comments(id)?
        .filter(|c| c.state == CommentsState::Partial);
    note(
        ctx,
        id,
        &format!(
            "{}; {} kept",
            i.reason,
            kept.as_ref()
                .and_then(|c| c.count)
                .unwrap_or_else(|| count_comments(&i.items))
        ),
        retry,
    );
    if kept.is_some() && ctx.db().keep_partial_comments(id, &i.reason)? {
        return Ok(());
    }
    write_comments(
        ctx,
        id,
        &i.items,
        Some((i.reason.as_str(), i.stopped_at.as_str())),
    )
}

/// Tells of comments not all saved: queued for a retry pass (`retry`), else a warning.
fn note(ctx: &Ctx, id: EntryId, why: &str, retry: bool) {
    if retry {
        tracing::info!("comments of {id}: {why}; queued for a retry pass");
        ctx.retry.comments(id);
    } else {
        ctx.warn(format!("comments of {id}: {why}"));
    }
}

/// Writes a post's comments file, `{"post_id": N, "items": [...]}` (the comments as served, in a
/// shape the replay server reads back), and records its count and sha256: `ok`, or `partial`
/// with (reason, page it stopped at).
fn write_comments(
    ctx: &Ctx,
    id: EntryId,
    items: &[serde_json::Value],
    partial: Option<(&str, &str)>,
) -> Result<(), CrawlError> {
    let rel = crate::archive::layout::comments_rel(id);
    let json = serde_json::to_vec_pretty(&serde_json::json!({ "post_id": id, "items": items }))
        .expect("JSON values always serialize");
    write_atomic(&resolve(&ctx.out, &rel), &json).map_err(|e| archive_error(ctx, e))?;
    let sha256 = crate::archive::hash::sha256_hex(&json);
    let count = count_comments(items);
    match partial {
        None => ctx.db().record_comments_saved(id, count, &rel, &sha256)?,
        Some((reason, stopped_at)) => ctx.db().record_comments_partial(&PartialComments {
            post_id: id,
            count,
            file: &rel,
            sha256: &sha256,
            reason,
            stopped_at,
        })?,
    }
    Ok(())
}
