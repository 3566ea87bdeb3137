//! Entry pages: fetch each pending or failed entry, save the page exactly as served
//! (`raw/<id>.html`), classify it with the extractor, record the outcome, and download the post's
//! assets right away. Also the id scan past the highest known id, and the comments pass.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::assets::download_asset;
use super::comments::{count_comments, fetch_comments};
use super::verdict::{Verdict, judge};
use super::{CrawlError, Ctx};
use crate::archive::db::{EntryState, PageOutcome};
use crate::archive::layout::{raw_page_rel, resolve};
use crate::archive::store::write_atomic;
use crate::discover::normalize::{EntryRef, entry_url};
use crate::fetch::Validators;
use crate::model::{AssetKind, AssetState, CommentsState, EntryId, Post};
use crate::progress::Progress;

/// What fetching one entry came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EntryFetch {
    /// The entry's state was recorded.
    Recorded(EntryId, EntryState),
    /// 304: the saved page is current.
    Unchanged,
}

fn failed(id: EntryId, http_status: Option<u16>, error: String) -> PageOutcome {
    PageOutcome {
        id,
        state: EntryState::Failed,
        url: None,
        http_status,
        error: Some(error),
        etag: None,
        last_modified: None,
        page_sha256: None,
        raw_file: None,
        assets: Vec::new(),
    }
}

/// Fetches, saves and records one entry (by id or slug); then its assets.
pub(crate) async fn fetch_entry(
    ctx: &Ctx,
    entry: &EntryRef,
    validators: Option<Validators>,
) -> Result<EntryFetch, CrawlError> {
    let url = entry_url(&ctx.identity, entry);
    let id_hint = match entry {
        EntryRef::Id(id) => Some(*id),
        EntryRef::Slug(_) => None,
    };
    let fetched = match request_page(ctx, &url, validators.as_ref()).await {
        Ok(f) => f,
        Err(miss) => return settle_miss(ctx, entry, miss),
    };
    if fetched.status == 304 {
        return Ok(EntryFetch::Unchanged);
    }
    match judge(url.as_str(), fetched.status, &fetched.body, id_hint) {
        Verdict::Entry(post) => archive_post(ctx, entry, &post, &fetched).await,
        Verdict::Final {
            id,
            state,
            keep_page,
        } => {
            if let EntryRef::Slug(slug) = entry {
                ctx.db().resolve_slug(slug, id)?;
            }
            record_final(ctx, id, state, keep_page.then_some(&fetched))
        }
        Verdict::Failed { message, retryable } => settle_miss(
            ctx,
            entry,
            Miss {
                http_status: Some(fetched.status),
                message,
                retryable,
            },
        ),
        Verdict::Nothing => {
            if let EntryRef::Slug(slug) = entry {
                ctx.db().record_slug_no_entry(slug)?;
            }
            Ok(EntryFetch::Unchanged)
        }
    }
}

/// A page fetch that got nothing to archive.
struct Miss {
    http_status: Option<u16>,
    message: String,
    retryable: bool,
}

/// GETs an entry page: robots.txt first, then the request; a redirect off the blog is a miss.
async fn request_page(
    ctx: &Ctx,
    url: &url::Url,
    validators: Option<&Validators>,
) -> Result<crate::fetch::Fetched, Miss> {
    if !ctx.fetcher.allowed(url).await {
        return Err(Miss {
            http_status: None,
            message: format!("{url} is disallowed by the blog's robots.txt (--ignore-robots)"),
            retryable: false,
        });
    }
    let fetched = ctx.fetcher.get(url, validators).await.map_err(|e| Miss {
        http_status: None,
        message: e.to_string(),
        retryable: e.is_retryable(),
    })?;
    if !ctx.identity.is_own(&fetched.final_url) {
        return Err(Miss {
            http_status: Some(fetched.status),
            message: format!("{url} redirected off the blog to {}", fetched.final_url),
            retryable: false,
        });
    }
    Ok(fetched)
}

/// Records a failed fetch of an id or a slug permalink (queued for a retry pass when a later try
/// may mend it); a slug still failed at the end is a gap `verify` names, like an id.
fn settle_miss(ctx: &Ctx, entry: &EntryRef, miss: Miss) -> Result<EntryFetch, CrawlError> {
    let id = match entry {
        EntryRef::Id(id) => *id,
        EntryRef::Slug(slug) => {
            if miss.retryable {
                ctx.retry.slug(slug);
            }
            tracing::info!("slug page {slug}: {}", miss.message);
            ctx.db()
                .record_slug_failed(slug, miss.http_status, &miss.message)?;
            return Ok(EntryFetch::Unchanged);
        }
    };
    if miss.retryable {
        ctx.retry.entry(id);
    }
    if super::merge::keeps_copy_on_failure(ctx, id)? {
        ctx.warn(format!(
            "post {id}: the live blog could not be compared with the archived copy ({}); the copy is kept",
            miss.message
        ));
        return Ok(EntryFetch::Unchanged);
    }
    ctx.db()
        .record_page(&failed(id, miss.http_status, miss.message))?;
    Ok(EntryFetch::Recorded(id, EntryState::Failed))
}

fn archive_error(ctx: &Ctx, source: crate::Error) -> CrawlError {
    CrawlError::Write {
        path: ctx.out.clone(),
        source,
    }
}

/// Records a final state without a post (private, protected, deleted, not a post), saving the
/// page first when there is one to keep.
fn record_final(
    ctx: &Ctx,
    id: EntryId,
    state: EntryState,
    page: Option<&crate::fetch::Fetched>,
) -> Result<EntryFetch, CrawlError> {
    if let Some(kept) = super::merge::settle_final(ctx, id, state, page.map(|f| f.status))? {
        return Ok(EntryFetch::Recorded(id, kept));
    }
    let raw_rel = raw_page_rel(id);
    if let Some(f) = page {
        write_atomic(&resolve(&ctx.out, &raw_rel), &f.body).map_err(|e| archive_error(ctx, e))?;
    }
    ctx.db().record_page(&PageOutcome {
        state,
        url: None,
        http_status: page.map(|f| f.status),
        error: None,
        etag: page.and_then(|f| f.etag.clone()),
        last_modified: page.and_then(|f| f.last_modified.clone()),
        page_sha256: page.map(|f| crate::archive::hash::sha256_hex(&f.body)),
        raw_file: page.map(|_| raw_rel.clone()),
        ..failed(id, None, String::new())
    })?;
    Ok(EntryFetch::Recorded(id, state))
}

/// Saves a post's page, records it with its asset list, then downloads the assets.
async fn archive_post(
    ctx: &Ctx,
    entry: &EntryRef,
    post: &Post,
    fetched: &crate::fetch::Fetched,
) -> Result<EntryFetch, CrawlError> {
    let assets: Vec<(String, AssetKind)> = post
        .body
        .iter()
        .flat_map(|b| {
            b.images
                .iter()
                .map(|i| (i.url.clone(), AssetKind::Image))
                .chain(
                    b.attachments
                        .iter()
                        .map(|a| (a.url.clone(), AssetKind::Attachment)),
                )
        })
        .collect();
    if let EntryRef::Slug(slug) = entry {
        ctx.db().resolve_slug(slug, post.id)?;
    }
    let replaced = match super::merge::weigh_live_post(ctx, post, fetched.status).await? {
        super::merge::LivePost::KeepEarlier(state) => {
            return Ok(EntryFetch::Recorded(post.id, state));
        }
        super::merge::LivePost::Archive { choice } => choice,
    };
    let state = EntryState::from(post.kind);
    let raw_rel = raw_page_rel(post.id);
    write_atomic(&resolve(&ctx.out, &raw_rel), &fetched.body).map_err(|e| archive_error(ctx, e))?;
    save_extracted(ctx, post, &fetched.body)?;
    ctx.db().record_page(&PageOutcome {
        id: post.id,
        state,
        url: Some(post.url.clone()),
        http_status: Some(fetched.status),
        error: None,
        etag: fetched.etag.clone(),
        last_modified: fetched.last_modified.clone(),
        page_sha256: Some(crate::archive::hash::sha256_hex(&fetched.body)),
        raw_file: Some(raw_rel),
        assets: assets.clone(),
    })?;
    if let Some(choice) = replaced {
        super::merge::record_live_taken(ctx, post.id, choice)?;
    }
    // Right after the page: signed image URLs expire.
    for (asset_url, kind) in &assets {
        fetch_asset(ctx, asset_url, *kind == AssetKind::Image).await?;
    }
    Ok(EntryFetch::Recorded(post.id, state))
}

/// Keeps the crawl's extraction of the page as the archive's extracted post, so later stages do
/// not parse the page again. The decoder's warnings go first, as `extract` reports them.
fn save_extracted(ctx: &Ctx, post: &Post, body: &[u8]) -> Result<(), CrawlError> {
    let mut post = post.clone();
    if let Ok(decoded) = crate::extract::decode::decode_page(body, std::path::Path::new(&post.url))
    {
        post.warnings.splice(0..0, decoded.warnings);
    }
    let profile = crate::extract::selectors::SelectorProfile::default();
    let key = crate::extracted::key_of(body, &crate::extracted::profile_key(&profile));
    crate::extracted::save(&ctx.out, post.id, key, &post).map_err(|e| archive_error(ctx, e))
}

pub(super) async fn fetch_asset(ctx: &Ctx, url: &str, is_image: bool) -> Result<(), CrawlError> {
    if ctx
        .db()
        .asset(url)?
        .is_some_and(|a| a.state == AssetState::Ok)
    {
        return Ok(());
    }
    match download_asset(
        &ctx.fetcher,
        &ctx.out,
        url,
        is_image,
        ctx.asset_proxy.as_ref(),
    )
    .await
    {
        Ok(stored) => ctx.db().record_asset_ok(
            url,
            &stored.sha256,
            &stored.file,
            stored.content_type.as_deref(),
            stored.size,
        )?,
        Err(super::assets::AssetError::Write(source)) => {
            return Err(CrawlError::Write {
                path: ctx.out.clone(),
                source,
            });
        }
        Err(e) => {
            tracing::info!("asset missing: {e}");
            if let super::assets::AssetError::Fetch(fe) = &e
                && fe.is_retryable()
            {
                ctx.retry.asset(url, is_image);
            }
            ctx.db().record_asset_missing(url, &e.to_string())?;
        }
    }
    Ok(())
}

/// Tries the queued assets again (each is tried only while not yet saved).
pub(crate) async fn retry_assets(
    ctx: &Arc<Ctx>,
    assets: Vec<(String, bool)>,
    progress: &Progress,
) -> Result<(), CrawlError> {
    let bar = progress.bar("retry files", assets.len() as u64);
    run_bounded(ctx, assets, &bar, |ctx, (url, is_image)| async move {
        fetch_asset(&ctx, &url, is_image).await
    })
    .await?;
    bar.finish_and_clear();
    Ok(())
}

/// Tries the queued comment lists again; on the `last` pass a failure is final and warned about.
pub(crate) async fn retry_comments(
    ctx: &Arc<Ctx>,
    posts: Vec<EntryId>,
    last: bool,
    progress: &Progress,
) -> Result<(), CrawlError> {
    let bar = progress.bar("retry comments", posts.len() as u64);
    run_bounded(ctx, posts, &bar, move |ctx, id| async move {
        save_comments(&ctx, id, last).await
    })
    .await?;
    bar.finish_and_clear();
    Ok(())
}

/// Runs `task` on every item with at most `--concurrency` in flight, ticking `bar` as each ends;
/// the first archive error stops the rest.
async fn run_bounded<I, T, F, Fut>(
    ctx: &Arc<Ctx>,
    items: Vec<I>,
    bar: &indicatif::ProgressBar,
    task: F,
) -> Result<Vec<T>, CrawlError>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Fn(Arc<Ctx>, I) -> Fut,
    Fut: std::future::Future<Output = Result<T, CrawlError>> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(ctx.fetcher.policy().concurrency.get()));
    let mut set = JoinSet::new();
    for item in items {
        let permits = Arc::clone(&permits);
        let work = task(Arc::clone(ctx), item);
        set.spawn(async move {
            let _permit = permits
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            work.await
        });
    }
    let mut results = Vec::new();
    while let Some(joined) = set.join_next().await {
        bar.inc(1);
        match joined {
            Ok(Ok(r)) => results.push(r),
            Ok(Err(e)) => {
                set.abort_all();
                return Err(e);
            }
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => {}
        }
    }
    Ok(results)
}

/// Fetches `entries` with bounded concurrency, under a progress bar named `label`.
pub(crate) async fn run_all(
    ctx: &Arc<Ctx>,
    entries: Vec<(EntryRef, Option<Validators>)>,
    progress: &Progress,
    label: &str,
) -> Result<Vec<EntryFetch>, CrawlError> {
    let bar = progress.bar(label, entries.len() as u64);
    let results = run_bounded(ctx, entries, &bar, |ctx, (entry, validators)| async move {
        fetch_entry(&ctx, &entry, validators).await
    })
    .await;
    bar.finish_and_clear();
    results
}

/// Resolves slug permalinks (fetching each page once: it is the post itself) and records the
/// sources that named them against the resolved id. Every slug found is recorded (pending) before
/// any request; the ones fetched are those not yet resolved: found now, or left pending or failed
/// by an earlier run (so `--retry-failed`, which discovers nothing, retries them too).
pub(crate) async fn fetch_slugs(
    ctx: &Arc<Ctx>,
    slugs: &BTreeMap<String, BTreeSet<String>>,
    progress: &Progress,
) -> Result<(), CrawlError> {
    ctx.db().record_slugs_found(slugs)?;
    let todo = ctx
        .db()
        .slug_rows()?
        .into_iter()
        .filter(crate::archive::db::SlugRow::is_gap)
        .map(|row| (EntryRef::Slug(row.slug), None))
        .collect();
    run_all(ctx, todo, progress, "slugs").await?;
    let mut db = ctx.db();
    for (slug, sources) in slugs {
        if let Some(id) = db.slug_id(slug)? {
            for source in sources {
                db.record_sources(source, &[id])?;
            }
        }
    }
    Ok(())
}

/// Fetches every entry that is pending or failed, every entry whose saved page was deleted or
/// changed on disk, every archived post whose assets are not all saved or were damaged on disk
/// (its page again: signed URLs expire), and with `refresh` every saved page conditionally.
pub(crate) async fn fetch_pending(
    ctx: &Arc<Ctx>,
    refresh: bool,
    progress: &Progress,
) -> Result<(), CrawlError> {
    let check = Arc::clone(ctx);
    let damage =
        tokio::task::spawn_blocking(move || super::integrity::check_files(&check.db(), &check.out))
            .await
            .map_err(|e| CrawlError::Step {
                step: "the file check",
                path: ctx.out.clone(),
                source: Box::new(e),
            })??;
    let entries = ctx.db().entries()?;
    // Posts whose copy came from a backup or a snapshot: the live blog is asked about each once.
    let unchecked: BTreeSet<EntryId> = super::merge::unchecked(ctx)?.into_iter().collect();
    let mut todo = Vec::new();
    for e in entries {
        let incomplete_assets = matches!(e.state, EntryState::Ok | EntryState::Notice) && {
            let db = ctx.db();
            let assets = db.post_assets(e.id)?;
            let mut incomplete = false;
            for (url, _) in assets {
                if db.asset(&url)?.is_none_or(|a| a.state != AssetState::Ok) {
                    incomplete = true;
                    break;
                }
            }
            incomplete
        };
        let has_page = e.raw_file.is_some();
        if !e.state.is_final()
            || incomplete_assets
            || damage.pages.contains(&e.id)
            || unchecked.contains(&e.id)
        {
            todo.push((EntryRef::Id(e.id), None));
        } else if refresh && has_page {
            todo.push((
                EntryRef::Id(e.id),
                Some(Validators {
                    etag: e.etag.clone(),
                    last_modified: e.last_modified.clone(),
                }),
            ));
        }
    }
    run_all(ctx, todo, progress, "pages").await?;
    Ok(())
}

/// Fetches and saves one post's comments; a fetch failure is recorded, not returned. A failure a
/// later pass may mend is queued for it (and warned about only when `last`).
async fn save_comments(ctx: &Ctx, id: EntryId, last: bool) -> Result<(), CrawlError> {
    match fetch_comments(&ctx.fetcher, &ctx.identity.base, id).await {
        Ok(c) => write_comments(ctx, id, &c.items)?,
        Err(e) => {
            if e.retryable && !last {
                tracing::info!("comments of {id}: {e}; queued for a retry pass");
                ctx.retry.comments(id);
            } else {
                ctx.warn(format!("comments of {id}: {e}"));
            }
            ctx.db().record_comments(id, None, None, Some(&e.message))?;
        }
    }
    Ok(())
}

/// Writes a post's comments file, `{"post_id": N, "items": [...]}` (the comments as served, in a
/// shape the replay server reads back), and records its count and sha256.
fn write_comments(ctx: &Ctx, id: EntryId, items: &[serde_json::Value]) -> Result<(), CrawlError> {
    let rel = crate::archive::layout::comments_rel(id);
    let json = serde_json::to_vec_pretty(&serde_json::json!({ "post_id": id, "items": items }))
        .expect("JSON values always serialize");
    write_atomic(&resolve(&ctx.out, &rel), &json).map_err(|e| archive_error(ctx, e))?;
    ctx.db().record_comments_saved(
        id,
        count_comments(items),
        &rel,
        &crate::archive::hash::sha256_hex(&json),
    )?;
    Ok(())
}

/// Fetches comments of every archived post that has none saved yet, with bounded concurrency.
/// A post the mobile list counts no comments for is recorded as having none, without a request;
/// an unknown count is fetched.
pub(crate) async fn fetch_all_comments(
    ctx: &Arc<Ctx>,
    progress: &Progress,
) -> Result<(), CrawlError> {
    let no_comments: BTreeSet<EntryId> = ctx
        .db()
        .api_entries()?
        .into_iter()
        .filter(|a| a.comment_count == Some(0))
        .map(|a| a.id)
        .collect();
    let posts: Vec<EntryId> = {
        let db = ctx.db();
        let mut v = Vec::new();
        for e in db.entries()? {
            if matches!(e.state, EntryState::Ok | EntryState::Notice)
                && db
                    .comments(e.id)?
                    .is_none_or(|c| c.state != CommentsState::Ok)
            {
                v.push(e.id);
            }
        }
        v
    };
    let (empty, posts): (Vec<EntryId>, Vec<EntryId>) =
        posts.into_iter().partition(|id| no_comments.contains(id));
    // No request, so no file either: a file would claim a fetch (and a WARC capture) that
    // never happened. `ok` with a count of 0 and no file is what verify accepts as "none".
    for id in empty {
        ctx.db().record_comments(id, Some(0), None, None)?;
    }
    let bar = progress.bar("comments", posts.len() as u64);
    let last = ctx.fetcher.policy().retry_passes == 0;
    run_bounded(ctx, posts, &bar, move |ctx, id| async move {
        save_comments(&ctx, id, last).await
    })
    .await?;
    bar.finish_and_clear();
    Ok(())
}
