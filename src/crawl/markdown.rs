//! The extract stage folded into the crawl: each post's Markdown file and row are made as soon as
//! its page and files have landed, on the blocking pool and a few at a time, and kept in the run's
//! [`Memo`]. The extract stage at the end of the run reuses them while the post and its inputs are
//! unchanged and makes the rest (a post whose image a retry pass saved, whose comments arrived, or
//! that a later source replaced); so the archive is the one the extract stage alone would make.

use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::Ctx;
use crate::archive::layout::{raw_page_rel, resolve};
use crate::model::Post;
use crate::posts_out::{Memo, PostInputs, fingerprint, relative_to, settle_post};

/// Posts made at a time during the crawl: converting is CPU work beside the crawl's own, and each
/// Markdown file is synced to disk.
const MAKERS: usize = 4;

/// Makes posts' Markdown during the crawl, when the run keeps a [`Memo`].
pub(crate) struct MarkdownMaker {
    memo: Option<Arc<Memo>>,
    permits: Arc<Semaphore>,
    tasks: Mutex<JoinSet<()>>,
}

impl MarkdownMaker {
    /// A maker filling `memo`; with `None` it makes nothing.
    pub(crate) fn new(memo: Option<Arc<Memo>>) -> Self {
        Self {
            memo,
            permits: Arc::new(Semaphore::new(MAKERS)),
            tasks: Mutex::new(JoinSet::new()),
        }
    }

    /// True when posts are made during the crawl.
    pub(crate) fn wanted(&self) -> bool {
        self.memo.is_some()
    }

    fn tasks(&self) -> std::sync::MutexGuard<'_, JoinSet<()>> {
        self.tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts making `post`'s Markdown (its page and files are in): it does not wait for it.
    pub(crate) fn start(&self, ctx: &Arc<Ctx>, post: Post) {
        let Some(memo) = self.memo.clone() else {
            return;
        };
        // A URL the extract stage completes from the other pages: made there, not here.
        if !post.url.starts_with("http") || memo.out() != ctx.out {
            return;
        }
        let permits = Arc::clone(&self.permits);
        let ctx = Arc::clone(ctx);
        self.tasks().spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else {
                return;
            };
            let made = tokio::task::spawn_blocking(move || make(&ctx, &memo, post)).await;
            if let Err(e) = made
                && e.is_panic()
            {
                std::panic::resume_unwind(e.into_panic());
            }
        });
    }

    /// Waits for every post started.
    pub(crate) async fn finish(&self) {
        let mut tasks = std::mem::take(&mut *self.tasks());
        while let Some(done) = tasks.join_next().await {
            if let Err(e) = done
                && e.is_panic()
            {
                std::panic::resume_unwind(e.into_panic());
            }
        }
    }
}

/// Makes one post and keeps it in `memo` (blocking). A post that cannot be made here is left to
/// the extract stage, which makes it again and reports what fails.
fn make(ctx: &Ctx, memo: &Memo, post: Post) {
    let inputs = match PostInputs::query(&ctx.db(), &post) {
        Ok(inputs) => inputs,
        Err(e) => {
            tracing::debug!("post {}: left to the extract stage: {e}", post.id);
            return;
        }
    };
    let path = resolve(&ctx.out, &raw_page_rel(post.id));
    let print = fingerprint(&post, &inputs, &relative_to(&path, &ctx.out));
    let id = post.id;
    match settle_post(&ctx.out, &path, post, &inputs) {
        Ok(written) => memo.record(id, print, written),
        Err(e) => tracing::debug!("post {id}: left to the extract stage: {e:#}"),
    }
}
