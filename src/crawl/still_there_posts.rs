//! A post's "not found" stands only once the same address answers "not found" again after the
//! blog has answered as itself. A blog that is deleted, blocked for a while ("일시적으로 접근이
//! 제한되었습니다") or down answers 404 for every post while it is away; whether it comes back
//! before the run ends or not, what it said while away proves nothing.
//!
//! So after the passes, for every `deleted` entry not yet confirmed (this run's, scan-only ids
//! included, and any an interrupted run left) and every id the scan past the highest id probed
//! without finding an entry:
//! 1. the home page is asked ([`BlogAnswer`]). If the blog does not answer as itself, each post is
//!    recorded as a failed fetch saying why (a gap verify names; `crawl --retry-failed` asks
//!    again), each comment list taken as "none" as failed, and the scan past the highest id as a
//!    source that did not finish (newer posts may be there);
//! 2. else each address is asked once more, as any entry is fetched: "not found" again (404,
//!    410, the blog's own not-found page) is a deletion; a post now served is archived like any
//!    post (its files, and its comments when the run fetches comments); anything else is recorded
//!    as what it is (a failure verify names and `--retry-failed` retries);
//! 3. the home page is asked again: only if the blog still answers as itself are the deletions of
//!    step 2 confirmed and stored ([`crate::archive::db::ArchiveDb::confirm_deletions`]), so no
//!    later run asks again. One request bounds the window: without it, a blog that went away
//!    during step 2 would have its 404s confirmed.
//!
//! A scan probe that now finds a post moves the scan on past it, and the new probes are judged
//! the same way. Cost: one request per judged "not found", plus two home pages per round.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use url::Url;

use super::pages::{EntryFetch, record_unconfirmed_deletion, run_all};
use super::still_there::{BlogAnswer, PostsHeard, id_list};
use super::{CrawlError, Ctx};
use crate::archive::db::{EntryState, SourceOutcome};
use crate::discover::normalize::EntryRef;
use crate::model::EntryId;
use crate::progress::Progress;

/// The scan's source name.
const SCAN: &str = "scan";

/// What the run does besides the pages: whether it fetches comments, and its scan margin.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunShape {
    /// The run fetches comments (a post archived here gets its comments too).
    pub comments: bool,
    /// The scan margin past the highest id (`None`: proportionate).
    pub scan_margin: Option<u64>,
}

/// Judges every "not found" of posts, comment lists and scan probes (see the module docs).
/// Returns how many were recorded as failures because the blog did not answer.
///
/// # Errors
/// [`CrawlError`] when the archive cannot be written.
pub(crate) async fn confirm_posts<'a>(
    ctx: &Arc<Ctx>,
    base: &'a Url,
    shape: RunShape,
    blog: &mut BlogAnswer<'a>,
    progress: &Progress,
) -> Result<usize, CrawlError> {
    loop {
        let heard = ctx.not_found.take_posts();
        let margin: BTreeSet<EntryId> = heard.margin.clone();
        let doubted: BTreeSet<EntryId> = ctx
            .db()
            .unconfirmed_deletions()?
            .into_iter()
            .filter(|id| !margin.contains(id))
            .collect();
        if doubted.is_empty() && heard.is_empty() {
            return Ok(0);
        }
        if let Some(why) = blog.gone_why(ctx).await {
            return blog_away(ctx, &doubted, &heard, &why);
        }
        let round = ask_again(ctx, base, shape, &doubted, &heard, progress).await?;
        match round {
            Round::Away { why, after, still } => {
                *blog = after;
                return blog_away(ctx, &doubted, &still, &why);
            }
            Round::Held { after, scan_moved } => {
                *blog = after;
                if !scan_moved {
                    return Ok(0);
                }
                // A probe found a post past the highest id: the scan goes on past it.
                super::scan::scan_past_highest(ctx, shape.scan_margin, progress).await?;
            }
        }
    }
}

/// How asking again went.
enum Round<'a> {
    /// The blog did not answer as itself afterwards: nothing heard in the round is proof.
    Away {
        why: String,
        after: BlogAnswer<'a>,
        /// What answered "not found" again (the scan's probes: all of them).
        still: PostsHeard,
    },
    /// The blog answered before and after; what was heard again is recorded.
    Held {
        after: BlogAnswer<'a>,
        /// A scan probe found a post: the scan past the highest id moves on.
        scan_moved: bool,
    },
}

/// Asks each doubted post, comment list and scan probe once more, then the home page (step 2
/// and 3 of the module docs).
async fn ask_again<'a>(
    ctx: &Arc<Ctx>,
    base: &'a Url,
    shape: RunShape,
    doubted: &BTreeSet<EntryId>,
    heard: &PostsHeard,
    progress: &Progress,
) -> Result<Round<'a>, CrawlError> {
    let asked: Vec<EntryId> = doubted.iter().chain(&heard.margin).copied().collect();
    let results = run_all(
        ctx,
        asked.iter().map(|id| (EntryRef::Id(*id), None)).collect(),
        &Progress::hidden(),
        "confirm",
    )
    .await?;
    for &id in &heard.no_comments {
        super::comments_save::save_comments(ctx, id, true).await?;
    }
    let again = ctx.not_found.take_posts();
    let mut after = BlogAnswer::new(base);
    if let Some(why) = after.gone_why(ctx).await {
        // What was served now is recorded as served (a post is archived); no "not found" stands.
        let still = PostsHeard {
            margin: heard.margin.clone(),
            ..again
        };
        return Ok(Round::Away { why, after, still });
    }
    let confirmed: Vec<EntryId> = doubted.intersection(&again.deleted).copied().collect();
    ctx.db().confirm_deletions(&confirmed)?;
    if !confirmed.is_empty() {
        tracing::info!(
            "{} deletions confirmed (\"not found\" again while the blog answers): {}",
            confirmed.len(),
            id_list(confirmed.iter().copied())
        );
    }
    let scan_moved = settle_margin(ctx, &heard.margin, &results, &asked)?;
    let revived = results.iter().any(|r| {
        matches!(r, EntryFetch::Recorded(id, EntryState::Ok | EntryState::Notice) if doubted.contains(id))
    });
    if shape.comments && revived {
        super::pages::fetch_all_comments(ctx, true, progress).await?;
    }
    Ok(Round::Held { after, scan_moved })
}

/// Records what the scan's probes came to when asked again while the blog answers: a post found
/// is the scan's; a probe that failed leaves the scan unfinished; otherwise the scan finished.
/// The probes that found nothing are forgotten again. True when a probe found a post.
fn settle_margin(
    ctx: &Ctx,
    margin: &BTreeSet<EntryId>,
    results: &[EntryFetch],
    asked: &[EntryId],
) -> Result<bool, CrawlError> {
    if margin.is_empty() {
        return Ok(false);
    }
    let states: BTreeMap<EntryId, EntryState> = results
        .iter()
        .filter_map(|r| match r {
            EntryFetch::Recorded(id, state) => Some((*id, *state)),
            EntryFetch::Unchanged => None,
        })
        .collect();
    debug_assert!(margin.iter().all(|id| asked.contains(id)));
    let found: Vec<EntryId> = margin
        .iter()
        .filter(|id| states.get(id).is_some_and(|s| super::scan::is_found(*s)))
        .copied()
        .collect();
    let failed: Vec<EntryId> = margin
        .iter()
        .filter(|id| {
            matches!(
                states.get(id),
                Some(EntryState::Failed | EntryState::Pending) | None
            )
        })
        .copied()
        .collect();
    let mut db = ctx.db();
    let outcome = if failed.is_empty() {
        SourceOutcome::finished(SCAN)
    } else {
        SourceOutcome::unfinished(
            SCAN,
            format!(
                "the ids past the highest one were not all answered: {} did not answer as a post or as \"not found\" (a newer post may be there); run `crawl` again",
                id_list(failed.iter().copied())
            ),
        )
    };
    db.record_source_outcome(&found, &outcome)?;
    db.forget_unnamed_misses()?;
    Ok(!found.is_empty())
}

/// The blog did not answer as itself: no "not found" of the round stands. Posts become failed
/// fetches, comment lists failed, and the scan past the highest id unfinished. Returns how many
/// posts and comment lists were recorded so.
fn blog_away(
    ctx: &Ctx,
    doubted: &BTreeSet<EntryId>,
    heard: &PostsHeard,
    why: &str,
) -> Result<usize, CrawlError> {
    let still_deleted: Vec<(EntryId, Option<u16>)> = ctx
        .db()
        .entries()?
        .into_iter()
        .filter(|e| doubted.contains(&e.id) && e.state == EntryState::Deleted)
        .map(|e| (e.id, e.http_status))
        .collect();
    let message = format!(
        "answered \"not found\", but the blog itself stopped answering as itself before the run ended ({why}): not taken as deleted; run `crawl --retry-failed` when the blog is back, or `crawl --wayback`"
    );
    for &(id, status) in &still_deleted {
        record_unconfirmed_deletion(ctx, id, status, &message)?;
    }
    if !still_deleted.is_empty() {
        ctx.warn(format!(
            "the blog stopped answering during the run ({why}); {} posts that then answered \"not found\" are recorded as failed, not deleted: {}",
            still_deleted.len(),
            id_list(still_deleted.iter().map(|(id, _)| *id))
        ));
    }
    let lists = comment_lists_away(ctx, &heard.no_comments, why)?;
    // The probes asked again are no entries (the scan is recorded as unfinished below).
    ctx.db().forget_unnamed_misses()?;
    if let (Some(lo), Some(hi)) = (heard.margin.first(), heard.margin.last()) {
        let detail = format!(
            "ids {lo} to {hi} past the highest id answered \"not found\" while the blog did not answer as itself ({why}): newer posts may be there; run `crawl` again when the blog is back"
        );
        ctx.db()
            .record_source_outcome(&[], &SourceOutcome::unfinished(SCAN, detail.clone()))?;
        ctx.warn(format!(
            "the scan past the highest id is not proven: {detail}"
        ));
    }
    Ok(still_deleted.len() + lists)
}

/// Comment lists whose endpoint answered 404, recorded as failed: the blog did not answer.
fn comment_lists_away(
    ctx: &Ctx,
    lists: &BTreeSet<EntryId>,
    why: &str,
) -> Result<usize, CrawlError> {
    if lists.is_empty() {
        return Ok(0);
    }
    let message = format!(
        "the comment list answered 404, but the blog itself stopped answering before the run ended ({why}): not taken as \"no comments\"; run `crawl --retry-failed` when the blog is back"
    );
    for &id in lists {
        ctx.db().record_comments(id, None, None, Some(&message))?;
    }
    ctx.warn(format!(
        "the blog stopped answering during the run ({why}); the comments of {} posts that then answered 404 are recorded as failed: {}",
        lists.len(),
        id_list(lists.iter().copied())
    ));
    Ok(lists.len())
}
