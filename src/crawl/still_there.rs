//! A "not found" means "deleted" only while the blog itself still answers. A blog that is deleted,
//! closed or suspended in the middle of a run answers 404 for every post from then on: taken at
//! its word, each would be recorded `deleted` and verify would explain them away. So when this
//! run judged any post a source named (not only the id scan) deleted, the home page is asked once
//! more after the passes; if the blog no longer answers as itself, those posts are recorded as
//! failed fetches instead (gaps verify names, tried again by `crawl --retry-failed`).

use std::collections::BTreeSet;
use std::sync::Mutex;

use url::Url;

use super::discovery::judge_home;
use super::pages::record_unconfirmed_deletion;
use super::{CrawlError, Ctx};
use crate::model::EntryId;

/// The scan's own source name: an id only it named is a probe, not a post anyone listed.
const SCAN_SOURCE: &str = "scan";

/// The posts this run judged deleted (recorded by the page fetch).
#[derive(Debug, Default)]
pub(crate) struct JudgedDeleted(Mutex<BTreeSet<EntryId>>);

impl JudgedDeleted {
    pub(crate) fn add(&self, id: EntryId) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(id);
    }

    fn take(&self) -> BTreeSet<EntryId> {
        std::mem::take(
            &mut self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

/// Asks the home page once more when this run judged named posts deleted; if the blog no longer
/// answers as itself, records those posts as failed fetches and warns.
///
/// # Errors
/// [`CrawlError`] when the archive cannot be written.
pub(crate) async fn confirm_deletions(ctx: &Ctx, base: &Url) -> Result<usize, CrawlError> {
    let judged = ctx.judged_deleted.take();
    if judged.is_empty() {
        return Ok(0);
    }
    let named: Vec<(EntryId, Option<u16>)> = ctx
        .db()
        .entries()?
        .into_iter()
        .filter(|e| judged.contains(&e.id))
        .filter(|e| e.sources.iter().any(|s| s != SCAN_SOURCE))
        .map(|e| (e.id, e.http_status))
        .collect();
    if named.is_empty() {
        return Ok(0);
    }
    let why = match ctx.fetcher.get(base, None).await {
        Ok(fetched) => match judge_home(base, &fetched) {
            Ok(_) => return Ok(0),
            Err(e) => e.to_string(),
        },
        Err(e) => format!("{base} did not answer: {e}"),
    };
    let message = format!(
        "answered \"not found\", but the blog itself stopped answering before the run ended ({why}): not taken as deleted; run `crawl --retry-failed` when the blog is back, or `crawl --wayback`"
    );
    for &(id, status) in &named {
        record_unconfirmed_deletion(ctx, id, status, &message)?;
    }
    ctx.warn(format!(
        "the blog stopped answering during the run ({why}); {} posts that then answered \"not found\" are recorded as failed, not deleted: {}",
        named.len(),
        named
            .iter()
            .map(|(id, _)| id.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    ));
    Ok(named.len())
}
