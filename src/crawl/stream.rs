//! Entry pages fetched while discovery still runs. Each id a discovery source names (the home
//! page's links, each mobile list page, the sitemap, the feed) is handed to the fetch queue as
//! soon as it is recorded, when its entry still needs its page (new, pending or failed): so the
//! request slots are filled from the first list page on, instead of idling while the remaining
//! sources answer one after the other. The planned pass after discovery skips the ids handed
//! over here, so each page is still fetched once.
//!
//! A blog whose links are slug permalinks (`/entry/<title>`) is not streamed: a slug's page is
//! the post itself, and which id it is only shows once it is fetched, so fetching the ids the
//! mobile list names as well would ask for each post twice. So the ids found are held until the
//! home page, sitemap.xml and /rss (read first, at once) have been read, and released only when
//! none of them named a slug; a slug any source names later stops the stream (a post the stream
//! had already fetched by id would then be asked for once more, by its slug).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, mpsc};
use tokio::task::{JoinHandle, JoinSet};

use super::pages::{ITEMS_PER_SLOT, fetch_entry};
use super::{CrawlError, Ctx};
use crate::archive::db::{ArchiveDb, DbError};
use crate::discover::normalize::EntryRef;
use crate::model::EntryId;

/// Where discovery hands ids to the fetch queue.
pub(crate) struct EntryStream {
    sender: Mutex<Option<mpsc::UnboundedSender<EntryId>>>,
    handed: Mutex<HashSet<EntryId>>,
    /// Ids offered before [`EntryStream::release`], held until then.
    held: Mutex<Option<Vec<EntryId>>>,
}

/// The fetching side: the ids handed over, fetched as they come.
pub(crate) type Receiver = mpsc::UnboundedReceiver<EntryId>;

impl EntryStream {
    /// A stream that takes ids.
    pub(crate) fn open() -> (Self, Receiver) {
        let (tx, rx) = mpsc::unbounded_channel();
        let stream = Self {
            sender: Mutex::new(Some(tx)),
            handed: Mutex::new(HashSet::new()),
            held: Mutex::new(Some(Vec::new())),
        };
        (stream, rx)
    }

    /// A stream that takes none (`--retry-failed`, which discovers nothing).
    pub(crate) fn closed() -> Self {
        Self {
            sender: Mutex::new(None),
            handed: Mutex::new(HashSet::new()),
            held: Mutex::new(None),
        }
    }

    fn handed(&self) -> std::sync::MutexGuard<'_, HashSet<EntryId>> {
        self.handed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Option<Vec<EntryId>>> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes no more ids: discovery is over, or a slug permalink was found. Ids still held are
    /// left to the planned pass.
    pub(crate) fn stop(&self) {
        self.sender
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        let held = self.held().take().unwrap_or_default();
        let mut handed = self.handed();
        for id in held {
            handed.remove(&id);
        }
    }

    /// Sends the ids held so far, and from now on each id as it is offered: the sources that
    /// show whether the blog names posts by slug have been read, and named none.
    pub(crate) fn release(&self) {
        let Some(held) = self.held().take() else {
            return;
        };
        let sender = self
            .sender
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tx) = sender.as_ref() {
            for id in held {
                let _ = tx.send(id);
            }
        }
    }

    /// Hands over the ids among `ids` (just recorded by discovery) whose page is still needed.
    ///
    /// # Errors
    /// [`DbError`] when an entry's state cannot be read.
    pub(crate) fn offer(&self, db: &ArchiveDb, ids: &[EntryId]) -> Result<(), DbError> {
        let sender = self
            .sender
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(tx) = sender.as_ref() else {
            return Ok(());
        };
        let mut handed = self.handed();
        let mut held = self.held();
        for &id in ids {
            let needed = db.entry_state(id)?.is_none_or(|s| !s.is_final());
            if needed && handed.insert(id) {
                match held.as_mut() {
                    Some(waiting) => waiting.push(id),
                    // The receiver lives until the crawl's page phase ends: a send cannot fail
                    // before then, and after it nothing is offered.
                    None => {
                        let _ = tx.send(id);
                    }
                }
            }
        }
        Ok(())
    }

    /// True when `id` was handed over (its page is fetched by the stream, not the plan).
    pub(crate) fn was_handed(&self, id: EntryId) -> bool {
        self.handed().contains(&id)
    }
}

/// The task fetching the handed-over pages; aborted when dropped (a crawl that stops on an error
/// leaves no page fetch running behind it).
pub(crate) struct Streaming(Option<JoinHandle<Result<(), CrawlError>>>);

impl Drop for Streaming {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            h.abort();
        }
    }
}

impl Streaming {
    /// Starts fetching what `rx` hands over, `ITEMS_PER_SLOT × --concurrency` at a time (the
    /// fetcher keeps the requests in flight at `--concurrency`).
    pub(crate) fn start(ctx: &Arc<Ctx>, rx: Receiver, bar: indicatif::ProgressBar) -> Self {
        Self(Some(tokio::spawn(consume(Arc::clone(ctx), rx, bar))))
    }

    /// Waits until every handed-over page is fetched (the stream must be stopped first).
    ///
    /// # Errors
    /// The first archive error a page fetch hit.
    pub(crate) async fn finish(mut self) -> Result<(), CrawlError> {
        let Some(handle) = self.0.take() else {
            return Ok(());
        };
        match handle.await {
            Ok(done) => done,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Ok(()),
        }
    }
}

async fn consume(
    ctx: Arc<Ctx>,
    mut rx: Receiver,
    bar: indicatif::ProgressBar,
) -> Result<(), CrawlError> {
    let permits = Arc::new(Semaphore::new(
        ctx.fetcher.policy().concurrency.get() * ITEMS_PER_SLOT,
    ));
    let mut set = JoinSet::new();
    while let Some(id) = rx.recv().await {
        bar.inc_length(1);
        while let Some(done) = set.try_join_next() {
            settle(done, &bar)?;
        }
        let permit = Arc::clone(&permits)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let task_ctx = Arc::clone(&ctx);
        set.spawn(async move {
            let _permit = permit;
            fetch_entry(&task_ctx, &EntryRef::Id(id), None)
                .await
                .map(drop)
        });
    }
    while let Some(done) = set.join_next().await {
        settle(done, &bar)?;
    }
    bar.finish_and_clear();
    Ok(())
}

fn settle(
    done: Result<Result<(), CrawlError>, tokio::task::JoinError>,
    bar: &indicatif::ProgressBar,
) -> Result<(), CrawlError> {
    bar.inc(1);
    match done {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Ok(()),
    }
}
