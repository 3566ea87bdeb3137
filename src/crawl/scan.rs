//! The id scan: entry ids are one sequence per blog, so the ids between 1 and the highest known
//! one that no source named are probed (`scan`), and a few ids past it (the newest posts may be in
//! no list yet). Both are bounded by evidence, never by one link: an id far above the others
//! (`/1000000` on a 22-post blog, `/18446744073709551615`) is an outlier, probed as the one entry
//! it is, and the scan is extended towards it only when the probe finds an entry there, a chunk
//! of ids at a time. Probes that find nothing are forgotten, so a killed and resumed scan leaves
//! the rows a clean one leaves; each is asked once more at the end of the run, after the blog has
//! answered as itself (`still_there_posts`): a probe taken during an outage would hide the newest
//! post.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::pages::{EntryFetch, run_all};
use super::{CrawlError, Ctx};
use crate::archive::db::{EntryState, SourceOutcome};
use crate::discover::normalize::EntryRef;
use crate::model::EntryId;
use crate::progress::Progress;

/// The highest id treated as an entry id: ids are stored as SQLite integers (i64).
pub const MAX_ENTRY_ID: EntryId = i64::MAX as EntryId;
/// The smallest id gap always allowed between two known ids before the higher one is treated as
/// an outlier (a blog with many deleted posts has long runs of unused ids).
pub const MIN_GAP_ALLOWANCE: EntryId = 300;
/// The most gap ids recorded and probed at a time.
pub const GAP_CHUNK: usize = 2_000;

/// The ids the scan trusts: everything up to `ceiling`; `outliers` are named ids above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ceiling {
    /// The highest id supported by the ids below it.
    pub ceiling: EntryId,
    /// Named ids above the ceiling, lowest first.
    pub outliers: Vec<EntryId>,
}

/// The allowed gap between consecutive known ids: proportionate to the blog's size, as far as
/// anything tells it (its own counts, the ids known).
#[must_use]
pub(crate) fn gap_allowance(blog_count: u64, known: usize) -> EntryId {
    MIN_GAP_ALLOWANCE
        .max(blog_count.saturating_mul(4))
        .max(known as u64 * 4)
}

/// Splits `ids` (sorted) at the first gap wider than `allowance`. Pure.
#[must_use]
pub(crate) fn ceiling_of(ids: &BTreeSet<EntryId>, allowance: EntryId) -> Ceiling {
    let mut ceiling = 0;
    let mut outliers = Vec::new();
    for &id in ids {
        if outliers.is_empty() && id.saturating_sub(ceiling) <= allowance {
            ceiling = id;
        } else {
            outliers.push(id);
        }
    }
    Ceiling { ceiling, outliers }
}

/// The scan margin when none is given: 5 % of the ids known, at least 5, at most 30.
#[must_use]
pub fn proportionate_margin(known: usize) -> u64 {
    (known as u64)
        .div_ceil(20)
        .clamp(5, super::DEFAULT_SCAN_MARGIN)
}

/// Whether a probe's state is an entry of the blog (not a miss).
pub(crate) fn is_found(state: EntryState) -> bool {
    !matches!(
        state,
        EntryState::Deleted | EntryState::NotPost | EntryState::Failed | EntryState::Pending
    )
}

/// The blog's own count of its posts, as far as it said (sidebar, mobile list).
fn blog_count(ctx: &Ctx) -> Result<u64, CrawlError> {
    let db = ctx.db();
    let read = |k: &str| -> Result<u64, CrawlError> {
        Ok(db.meta(k)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    };
    Ok(read("sidebar_total")?.max(read("mobile_total")?))
}

/// The current ceiling: named and found ids count; a found outlier raises the ceiling to it.
fn current_ceiling(ctx: &Ctx) -> Result<Ceiling, CrawlError> {
    let entries = ctx.db().entries()?;
    let ids: BTreeSet<EntryId> = entries.iter().map(|e| e.id).collect();
    let allowance = gap_allowance(blog_count(ctx)?, ids.len());
    let mut c = ceiling_of(&ids, allowance);
    // An outlier whose page was found is an entry: the ids below it are real gaps.
    if let Some(found) = entries
        .iter()
        .filter(|e| c.outliers.contains(&e.id) && is_found(e.state))
        .map(|e| e.id)
        .max()
    {
        c.ceiling = found;
        c.outliers.retain(|id| *id > found);
    }
    Ok(c)
}

/// True when no named id lies above the ceiling: then no page fetch can move the scan's bounds
/// (only a found outlier raises the ceiling), and the scan may run while the pages are fetched.
pub(crate) fn bounds_are_settled(ctx: &Ctx) -> Result<bool, CrawlError> {
    Ok(current_ceiling(ctx)?.outliers.is_empty())
}

/// Probes every id up to the ceiling that no source named, `GAP_CHUNK` at a time, raising the
/// ceiling as probes of outliers find entries.
pub(crate) async fn scan_gaps(ctx: &Arc<Ctx>, progress: &Progress) -> Result<(), CrawlError> {
    let mut from: EntryId = 1;
    loop {
        let ceiling = current_ceiling(ctx)?.ceiling;
        if from >= ceiling {
            return Ok(());
        }
        let known: BTreeSet<EntryId> = ctx.db().entries()?.iter().map(|e| e.id).collect();
        let mut gaps = Vec::new();
        let mut id = from;
        while id < ceiling && gaps.len() < GAP_CHUNK {
            if !known.contains(&id) {
                gaps.push(id);
            }
            id += 1;
        }
        from = id;
        if gaps.is_empty() {
            continue;
        }
        ctx.db().record_sources("scan", &gaps)?;
        run_all(
            ctx,
            gaps.into_iter()
                .map(|id| (EntryRef::Id(id), None))
                .collect(),
            progress,
            "scan",
        )
        .await?;
    }
}

/// Probes ids past the highest trusted one until `margin` misses in a row (`None`: a margin
/// proportionate to the blog); then forgets the probes that found nothing.
pub(crate) async fn scan_past_highest(
    ctx: &Arc<Ctx>,
    margin: Option<u64>,
    progress: &Progress,
) -> Result<(), CrawlError> {
    let ceiling = current_ceiling(ctx)?.ceiling;
    if ceiling == 0 {
        ctx.db()
            .record_source_outcome(&[], &SourceOutcome::finished("scan"))?;
        return Ok(());
    }
    // Until its misses are judged at the end of the run (`still_there_posts`), the scan past the
    // highest id has not finished: a run stopped before that leaves it so.
    ctx.db().record_source_outcome(
        &[],
        &SourceOutcome::unfinished(
            "scan",
            format!("the scan past id {ceiling} did not end (the run stopped before its probes were judged); run `crawl` again"),
        ),
    )?;
    let known = ctx.db().entries()?.len();
    let margin = margin.unwrap_or_else(|| proportionate_margin(known));
    let bar = progress.bar("scan", margin);
    let concurrency = ctx.fetcher.policy().concurrency.get() as u64;
    let mut misses = 0;
    let mut next = ceiling.saturating_add(1);
    let named: BTreeSet<EntryId> = ctx.db().entries()?.iter().map(|e| e.id).collect();
    // Probe as many ids at once as requests may be in flight, but never more than the misses
    // left could need; judge them in id order.
    while misses < margin && next <= MAX_ENTRY_ID {
        let batch = concurrency.min(margin - misses);
        let ids: Vec<EntryId> = (next..next.saturating_add(batch))
            .filter(|id| *id <= MAX_ENTRY_ID)
            .collect();
        next = next.saturating_add(batch);
        let results = run_all(
            ctx,
            ids.iter().map(|id| (EntryRef::Id(*id), None)).collect(),
            &Progress::hidden(),
            "scan",
        )
        .await?;
        let found: BTreeSet<EntryId> = results
            .iter()
            .filter_map(|r| match r {
                EntryFetch::Recorded(id, state) if is_found(*state) => Some(*id),
                _ => None,
            })
            .collect();
        for id in ids {
            bar.inc(1);
            if found.contains(&id) {
                if !named.contains(&id) {
                    ctx.db().record_sources("scan", &[id])?;
                }
                misses = 0;
            } else {
                ctx.not_found.margin_missed([id]);
                misses += 1;
            }
        }
    }
    // The probes that missed are not entries of the blog (no source named them): forget them,
    // so the archive holds only what a source named or a probe found.
    ctx.db().forget_unnamed_misses()?;
    bar.finish_and_clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[EntryId]) -> BTreeSet<EntryId> {
        v.iter().copied().collect()
    }

    #[test]
    fn a_far_link_is_an_outlier_and_close_ids_are_trusted() {
        let blog = ids(&[1, 2, 4, 22, 1_000_000, u64::MAX]);
        let c = ceiling_of(&blog, gap_allowance(17, blog.len()));
        assert_eq!(c.ceiling, 22);
        assert_eq!(c.outliers, [1_000_000, u64::MAX]);
    }

    #[test]
    fn everything_above_the_first_wide_gap_is_an_outlier() {
        // A chain of links each close to the last cannot walk the ceiling up once a gap is wide.
        let c = ceiling_of(&ids(&[5, 400, 1_000, 1_200]), 300);
        assert_eq!(c.ceiling, 5);
        assert_eq!(c.outliers, [400, 1_000, 1_200]);
    }

    #[test]
    fn the_allowance_grows_with_the_blog() {
        assert_eq!(gap_allowance(0, 3), MIN_GAP_ALLOWANCE);
        assert_eq!(gap_allowance(2_000, 1_900), 8_000);
    }

    #[test]
    fn margins_are_proportionate() {
        assert_eq!(proportionate_margin(22), 5);
        assert_eq!(proportionate_margin(300), 15);
        assert_eq!(proportionate_margin(2_000), 30);
    }
}
