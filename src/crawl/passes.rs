//! Later passes over what failed: a page, asset or comment list whose fetch failed in a way a
//! later try may mend (a timeout, a reset, a cut body, a status that stayed 5xx or 429 through
//! every attempt, a block page) is queued here as it fails, and after the main passes each
//! queued item is tried again after a cool-down that grows from pass to pass and is never shorter
//! than the longest `Retry-After` served. A URL's budget in one run is
//! `max_attempts × (1 + retry_passes)`; only what is still failed after the last pass is
//! recorded (and reported) as failed for good. Holds no I/O of its own besides waiting.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, PoisonError};

use super::{CrawlError, Ctx, pages};
use crate::archive::db::EntryState;
use crate::discover::normalize::EntryRef;
use crate::fetch::retry::pass_cooldown;
use crate::model::EntryId;
use crate::progress::Progress;

/// What failed in a way a later pass may mend.
#[derive(Debug, Default)]
pub(crate) struct RetryQueue {
    entries: Mutex<BTreeSet<EntryId>>,
    /// Asset URL → true for an image.
    assets: Mutex<BTreeMap<String, bool>>,
    comments: Mutex<BTreeSet<EntryId>>,
    /// Slug permalinks whose page failed.
    slugs: Mutex<BTreeSet<String>>,
}

/// The queued items of one pass.
#[derive(Debug, Default)]
struct PassItems {
    entries: Vec<EntryId>,
    slugs: Vec<String>,
    assets: Vec<(String, bool)>,
    comments: Vec<EntryId>,
}

impl PassItems {
    fn is_empty(&self) -> bool {
        self.entries.is_empty()
            && self.slugs.is_empty()
            && self.assets.is_empty()
            && self.comments.is_empty()
    }
}

impl RetryQueue {
    pub(crate) fn entry(&self, id: EntryId) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id);
    }

    pub(crate) fn slug(&self, slug: &str) {
        self.slugs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(slug.to_owned());
    }

    pub(crate) fn asset(&self, url: &str, is_image: bool) {
        self.assets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(url.to_owned(), is_image);
    }

    pub(crate) fn comments(&self, id: EntryId) {
        self.comments
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id);
    }

    fn take(&self) -> PassItems {
        PassItems {
            entries: std::mem::take(
                &mut *self.entries.lock().unwrap_or_else(PoisonError::into_inner),
            )
            .into_iter()
            .collect(),
            slugs: std::mem::take(&mut *self.slugs.lock().unwrap_or_else(PoisonError::into_inner))
                .into_iter()
                .collect(),
            assets: std::mem::take(
                &mut *self.assets.lock().unwrap_or_else(PoisonError::into_inner),
            )
            .into_iter()
            .collect(),
            comments: std::mem::take(
                &mut *self.comments.lock().unwrap_or_else(PoisonError::into_inner),
            )
            .into_iter()
            .collect(),
        }
    }
}

/// Runs up to `retry_passes` later passes over the queue; stops early once a pass leaves
/// nothing queued.
pub(crate) async fn run_retry_passes(
    ctx: &Arc<Ctx>,
    comments: bool,
    progress: &Progress,
) -> Result<(), CrawlError> {
    let policy = ctx.fetcher.policy().clone();
    for pass in 1..=policy.retry_passes {
        let mut items = ctx.retry.take();
        // An entry may have been archived, or forgotten by the scan, since it was queued.
        let still_failed: BTreeSet<EntryId> = ctx
            .db()
            .entries()?
            .into_iter()
            .filter(|e| !e.state.is_final() || e.state == EntryState::Failed)
            .map(|e| e.id)
            .collect();
        items.entries.retain(|id| still_failed.contains(id));
        let unresolved: BTreeSet<String> = ctx
            .db()
            .slug_rows()?
            .into_iter()
            .filter(crate::archive::db::SlugRow::is_gap)
            .map(|row| row.slug)
            .collect();
        items.slugs.retain(|slug| unresolved.contains(slug));
        if !comments {
            items.comments.clear();
        }
        if items.is_empty() {
            return Ok(());
        }
        let wait = pass_cooldown(
            policy.backoff_base,
            policy.max_attempts,
            pass,
            ctx.fetcher.stats.longest_retry_after(),
        );
        tracing::info!(
            "retry pass {pass}: {} pages, {} slug pages, {} files, {} comment lists after {wait:?}",
            items.entries.len(),
            items.slugs.len(),
            items.assets.len(),
            items.comments.len()
        );
        tokio::time::sleep(wait).await;
        let last = pass == policy.retry_passes;
        pages::run_all(
            ctx,
            items
                .entries
                .into_iter()
                .map(|id| (EntryRef::Id(id), None))
                .chain(items.slugs.into_iter().map(|s| (EntryRef::Slug(s), None)))
                .collect(),
            progress,
            &format!("retry pass {pass}"),
        )
        .await?;
        if comments {
            // A post this pass archived has had no comments pass yet.
            pages::fetch_all_comments(ctx, true, progress).await?;
        }
        pages::retry_assets(ctx, items.assets, progress).await?;
        pages::retry_comments(ctx, items.comments, last, progress).await?;
    }
    // What the last pass queued failed through every pass: its failure is already recorded.
    Ok(())
}
