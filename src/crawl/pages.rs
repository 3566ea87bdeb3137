//! Entry pages: fetch each pending or failed entry, save the page exactly as served
//! (`raw/<id>.html`), classify it with the extractor, record the outcome, and download the post's
//! assets right away. Also the id scan past the highest known id, and the comments pass.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::assets::{fetch_asset_bytes, store_asset};
use super::comments_save::save_comments;
use super::failure::PageFailure;
use super::verdict::{Verdict, judge};
use super::{CrawlError, Ctx};
use crate::archive::db::{EntryState, PageOutcome};
use crate::archive::layout::{raw_page_rel, resolve};
use crate::archive::store::write_atomic;
use crate::discover::normalize::{EntryRef, entry_url};
use crate::fetch::Validators;
use crate::model::{AssetKind, AssetState, EntryId, Post};
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

/// Fetches, saves and records one entry (by id or slug); then its assets. The requests are made
/// here; judging the page, writing its files and recording it run on the blocking pool
/// ([`off_runtime`]).
pub(crate) async fn fetch_entry(
    ctx: &Arc<Ctx>,
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
        Err(miss) => {
            let entry = entry.clone();
            return off_runtime(ctx, move |ctx| settle_miss(ctx, &entry, miss)).await;
        }
    };
    if fetched.status == 304 {
        return Ok(EntryFetch::Unchanged);
    }
    let page = LandedPage {
        entry: entry.clone(),
        url,
        id_hint,
        fetched,
    };
    let settled = off_runtime(ctx, move |ctx| settle_page(ctx, &page)).await?;
    // Right after the page: signed image URLs expire.
    for asset in &settled.assets {
        fetch_asset(ctx, &asset.0, asset.1 == AssetKind::Image).await?;
    }
    if let Some(post) = settled.made {
        // Its page and files are in: its Markdown can be made now.
        ctx.markdown.start(ctx, *post);
    }
    if let Some(candidate) = settled.compare {
        // The archive holds a copy from elsewhere: with the live files fetched, keep the fuller.
        return off_runtime(ctx, move |ctx| settle_candidate(ctx, *candidate)).await;
    }
    Ok(settled.fetch)
}

/// Runs `work` on tokio's blocking pool and waits for it. Decoding and extracting a page, hashing,
/// writing files (each is synced to disk) and the state database are blocking work: on a runtime
/// worker they would stall every request that worker drives. A panic in `work` is the caller's.
pub(crate) async fn off_runtime<T, F>(ctx: &Arc<Ctx>, work: F) -> Result<T, CrawlError>
where
    T: Send + 'static,
    F: FnOnce(&Ctx) -> Result<T, CrawlError> + Send + 'static,
{
    let task_ctx = Arc::clone(ctx);
    match tokio::task::spawn_blocking(move || work(&task_ctx)).await {
        Ok(done) => done,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(CrawlError::Step {
            step: "a page's archive work",
            path: ctx.out.clone(),
            source: Box::new(e),
        }),
    }
}

/// A page as served, with what it was asked for as.
struct LandedPage {
    entry: EntryRef,
    url: url::Url,
    id_hint: Option<EntryId>,
    fetched: crate::fetch::Fetched,
}

/// What recording a page came to, and the assets of the post to download next.
struct Settled {
    fetch: EntryFetch,
    assets: Vec<(String, AssetKind)>,
    /// A live post to weigh against the archive's copy from elsewhere once its files are in.
    compare: Option<Box<Candidate>>,
    /// The post archived, whose Markdown is made once its files are in (when the run makes
    /// Markdown during the crawl).
    made: Option<Box<Post>>,
}

impl From<EntryFetch> for Settled {
    fn from(fetch: EntryFetch) -> Self {
        Self {
            fetch,
            assets: Vec::new(),
            compare: None,
            made: None,
        }
    }
}

/// A live post page not yet archived, because the archive holds a copy from a backup, a snapshot
/// or a WARC ([`super::merge`]).
struct Candidate {
    post: Post,
    fetched: crate::fetch::Fetched,
    assets: Vec<(String, AssetKind)>,
}

/// Keeps the more complete of a live post and the archive's earlier copy (blocking).
fn settle_candidate(ctx: &Ctx, c: Candidate) -> Result<EntryFetch, CrawlError> {
    match super::merge::weigh_live_post(ctx, &c.post, c.fetched.status)? {
        super::merge::LivePost::KeepEarlier(state) => Ok(EntryFetch::Recorded(c.post.id, state)),
        super::merge::LivePost::Archive { choice } => {
            let id = c.post.id;
            let state = write_post_page(ctx, c.post, &c.fetched, c.assets)?;
            if let Some(choice) = choice {
                super::merge::record_live_taken(ctx, id, choice)?;
            }
            Ok(EntryFetch::Recorded(id, state))
        }
    }
}

/// Judges a served page and records what it is (blocking: the extraction and the writes).
fn settle_page(ctx: &Ctx, page: &LandedPage) -> Result<Settled, CrawlError> {
    let fetched = &page.fetched;
    let verdict = judge(
        page.url.as_str(),
        fetched.status,
        &fetched.body,
        page.id_hint,
    );
    let blog = ctx.db().blog()?.name;
    let redirect = super::redirected::Redirect {
        asked: &page.url,
        landed: &fetched.final_url,
        landing: super::redirected::landing(&page.url, &fetched.final_url, &ctx.identity),
        id_hint: page.id_hint,
        blog: blog.as_deref(),
    };
    match redirect.judge(verdict) {
        Verdict::Entry(post) => match page.id_hint {
            // A page whose own id is another post's is not this entry's page (a server that
            // serves one post under another's address): a failed fetch of the id asked for.
            Some(asked) if asked != post.id => settle_miss(
                ctx,
                &page.entry,
                Miss {
                    http_status: Some(fetched.status),
                    reason: PageFailure::OtherPost {
                        url: page.url.to_string(),
                        served: post.id,
                        asked,
                    },
                },
            )
            .map(Settled::from),
            _ => archive_post(ctx, &page.entry, *post, fetched),
        },
        Verdict::Final {
            id,
            state,
            keep_page,
        } => {
            if let EntryRef::Slug(slug) = &page.entry {
                ctx.db().resolve_slug(slug, id)?;
            }
            record_final(ctx, id, state, keep_page.then_some(fetched)).map(Settled::from)
        }
        Verdict::Failed(reason) => settle_miss(
            ctx,
            &page.entry,
            Miss {
                http_status: Some(fetched.status),
                reason,
            },
        )
        .map(Settled::from),
        Verdict::Nothing => {
            if let EntryRef::Slug(slug) = &page.entry {
                ctx.db().record_slug_no_entry(slug)?;
            }
            Ok(EntryFetch::Unchanged.into())
        }
    }
}

/// A page fetch that got nothing to archive.
struct Miss {
    http_status: Option<u16>,
    reason: PageFailure,
}

/// GETs an entry page: robots.txt first, then the request (where a redirect ended is judged with
/// the page, [`super::redirected`]).
async fn request_page(
    ctx: &Ctx,
    url: &url::Url,
    validators: Option<&Validators>,
) -> Result<crate::fetch::Fetched, Miss> {
    if !ctx.fetcher.allowed(url).await {
        return Err(Miss {
            http_status: None,
            reason: PageFailure::Disallowed {
                url: url.to_string(),
            },
        });
    }
    let fetched = ctx.fetcher.get(url, validators).await.map_err(|e| Miss {
        http_status: None,
        reason: PageFailure::Request(e),
    })?;
    Ok(fetched)
}

/// Records a failed fetch of an id or a slug permalink (queued for a retry pass when a later try
/// may mend it); a slug still failed at the end is a gap `verify` names, like an id.
fn settle_miss(ctx: &Ctx, entry: &EntryRef, miss: Miss) -> Result<EntryFetch, CrawlError> {
    // The reason is recorded as the text it says (`last_error`), as it always was.
    let message = miss.reason.to_string();
    let id = match entry {
        EntryRef::Id(id) => *id,
        EntryRef::Slug(slug) => {
            if miss.reason.retryable() {
                ctx.retry.slug(slug);
            }
            tracing::info!("slug page {slug}: {message}");
            ctx.db()
                .record_slug_failed(slug, miss.http_status, &message)?;
            return Ok(EntryFetch::Unchanged);
        }
    };
    if miss.reason.retryable() {
        ctx.retry.entry(id);
    }
    if super::merge::keeps_copy_on_failure(ctx, id)? {
        ctx.warn(format!(
            "post {id}: the live blog could not be compared with the archived copy ({message}); the copy is kept"
        ));
        return Ok(EntryFetch::Unchanged);
    }
    ctx.db()
        .record_page(&failed(id, miss.http_status, message))?;
    Ok(EntryFetch::Recorded(id, EntryState::Failed))
}

pub(super) fn archive_error(ctx: &Ctx, source: crate::Error) -> CrawlError {
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
    if state == EntryState::Deleted {
        ctx.not_found.deleted(id);
    }
    Ok(EntryFetch::Recorded(id, state))
}

/// Records a post judged deleted as a failed fetch after all: the blog itself stopped answering
/// ([`super::still_there`]).
pub(super) fn record_unconfirmed_deletion(
    ctx: &Ctx,
    id: EntryId,
    status: Option<u16>,
    message: &str,
) -> Result<(), CrawlError> {
    ctx.db()
        .record_page(&failed(id, status, message.to_string()))?;
    Ok(())
}

/// Saves a post's page and its extracted post, and records it with its asset list; the assets
/// are downloaded next, by the caller.
fn archive_post(
    ctx: &Ctx,
    entry: &EntryRef,
    post: Post,
    fetched: &crate::fetch::Fetched,
) -> Result<Settled, CrawlError> {
    let assets = crate::posts_out::named_assets(&post);
    if let EntryRef::Slug(slug) = entry {
        ctx.db().resolve_slug(slug, post.id)?;
    }
    match super::merge::before_files(ctx, &post, fetched.status)? {
        super::merge::Weigh::Archive => {}
        super::merge::Weigh::Settled(state) => {
            return Ok(EntryFetch::Recorded(post.id, state).into());
        }
        super::merge::Weigh::AfterFiles => {
            return Ok(Settled {
                fetch: EntryFetch::Unchanged,
                assets: assets.clone(),
                compare: Some(Box::new(Candidate {
                    post,
                    fetched: fetched.clone(),
                    assets,
                })),
                made: None,
            });
        }
    }
    let id = post.id;
    let made = ctx.markdown.wanted().then(|| Box::new(post.clone()));
    let state = write_post_page(ctx, post, fetched, assets.clone())?;
    Ok(Settled {
        fetch: EntryFetch::Recorded(id, state),
        assets,
        compare: None,
        made,
    })
}

/// Saves a post's page and its extracted post, and records it with its asset list.
fn write_post_page(
    ctx: &Ctx,
    post: Post,
    fetched: &crate::fetch::Fetched,
    assets: Vec<(String, AssetKind)>,
) -> Result<EntryState, CrawlError> {
    let state = EntryState::from(post.kind);
    let raw_rel = raw_page_rel(post.id);
    write_atomic(&resolve(&ctx.out, &raw_rel), &fetched.body).map_err(|e| archive_error(ctx, e))?;
    let page_sha256 = crate::archive::hash::sha256_hex(&fetched.body);
    let (id, url) = (post.id, post.url.clone());
    ctx.page_counts
        .note(id, &page_sha256, &url, &ctx.identity.base, &fetched.body);
    save_extracted(ctx, post, page_sha256.clone())?;
    ctx.db().record_page(&PageOutcome {
        id,
        state,
        url: Some(url),
        http_status: Some(fetched.status),
        error: None,
        etag: fetched.etag.clone(),
        last_modified: fetched.last_modified.clone(),
        page_sha256: Some(page_sha256),
        raw_file: Some(raw_rel),
        assets,
    })?;
    super::captured::record_page_capture(ctx, id)?;
    Ok(state)
}

/// Keeps the crawl's extraction of the page (the decoder's warnings first, as `extract` reports
/// them: see [`judge`]) as the archive's extracted post, so later stages do not parse the page
/// again. `page_sha256` is the hash of the page as saved.
fn save_extracted(ctx: &Ctx, post: Post, page_sha256: String) -> Result<(), CrawlError> {
    let profile = crate::extract::selectors::SelectorProfile::default();
    let key = crate::archive::extracted::ExtractionKey {
        raw_sha256: page_sha256,
        extractor: crate::extract::EXTRACTOR_VERSION,
        profile: crate::extracted::profile_key(&profile),
    };
    crate::extracted::save_owned(&ctx.out, post.id, key, post).map_err(|e| archive_error(ctx, e))
}

/// Downloads one asset unless it is saved already: the request here, the check, the store and
/// the record on the blocking pool.
pub(crate) async fn fetch_asset(
    ctx: &Arc<Ctx>,
    url: &str,
    is_image: bool,
) -> Result<(), CrawlError> {
    let asked = url.to_owned();
    let saved = off_runtime(ctx, move |ctx| {
        Ok(ctx
            .db()
            .asset(&asked)?
            .is_some_and(|a| a.state == AssetState::Ok))
    })
    .await?;
    if saved {
        return Ok(());
    }
    let sent = ctx.not_found.now();
    let fetched = fetch_asset_bytes(&ctx.fetcher, url, ctx.asset_proxy.as_ref()).await;
    let url = url.to_owned();
    off_runtime(ctx, move |ctx| {
        let stored = fetched.and_then(|f| store_asset(&ctx.out, &url, is_image, &f));
        record_asset(ctx, &url, is_image, sent, stored)
    })
    .await
}

/// Records what downloading an asset came to (blocking).
fn record_asset(
    ctx: &Ctx,
    url: &str,
    is_image: bool,
    sent: u64,
    stored: Result<super::assets::StoredAsset, super::assets::AssetError>,
) -> Result<(), CrawlError> {
    // The host that answered, for the check that its 404s stand ([`super::still_there`]).
    let host = super::assets::asset_fetch_url(url, ctx.asset_proxy.as_ref())
        .map(|u| super::still_there::origin_of(&u));
    match stored {
        Ok(stored) => {
            if let Some(host) = host {
                ctx.not_found.served_file(url, host, sent);
            }
            ctx.db().record_asset_ok(
                url,
                &stored.sha256,
                &stored.file,
                stored.content_type.as_deref(),
                stored.size,
            )?;
            super::captured::record_asset_capture(ctx, url)?;
        }
        Err(super::assets::AssetError::Write(source)) => {
            return Err(CrawlError::Write {
                path: ctx.out.clone(),
                source,
            });
        }
        Err(e) => {
            tracing::info!("asset missing: {e}");
            let gone = e.gone_answer();
            if let (Some(answer), Some(host)) = (&gone, host) {
                ctx.not_found.gone_file(url, host, answer, is_image);
            }
            if let super::assets::AssetError::Fetch(fe) = &e
                && fe.is_retryable()
            {
                ctx.retry.asset(url, is_image);
            }
            match gone {
                Some(answer) => ctx.db().record_asset_gone(url, &answer)?,
                None => ctx.db().record_asset_missing(url, &e.to_string())?,
            }
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

/// How many items are worked on at once per request slot: the fetcher caps the requests in
/// flight at `--concurrency`, and the other items per slot keep every slot busy while an item's
/// page is judged and saved, or its asset recorded (off the runtime), instead of leaving that
/// slot idle. Two were not enough on a busy machine: a slow sync or a late thread left more
/// items in that work at once than there were items waiting for a slot (the crawl benchmark's
/// timeline, "7 in flight" for 3.4% of the run); three keep the queue for the slots full.
pub(crate) const ITEMS_PER_SLOT: usize = 3;

/// Runs `task` on every item, `ITEMS_PER_SLOT × --concurrency` at a time (the fetcher keeps the
/// requests in flight at `--concurrency`), ticking `bar` as each ends; the first archive error
/// stops the rest.
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
    let permits = Arc::new(Semaphore::new(
        ctx.fetcher.policy().concurrency.get() * ITEMS_PER_SLOT,
    ));
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
    resolve_from_streamed_pages(ctx)?;
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

/// Resolves the slugs still to fetch that name a post this run already archived by its id, as
/// discovery handed it over ([`super::stream`]): the post's own permalink is the slug, so the
/// slug's page would be the same post asked for (and read) twice.
fn resolve_from_streamed_pages(ctx: &Ctx) -> Result<(), CrawlError> {
    let mut db = ctx.db();
    let gaps: BTreeSet<String> = db
        .slug_rows()?
        .into_iter()
        .filter(crate::archive::db::SlugRow::is_gap)
        .map(|row| row.slug)
        .collect();
    if gaps.is_empty() {
        return Ok(());
    }
    let mut resolved = Vec::new();
    for e in db.entries()? {
        if !ctx.stream.was_handed(e.id) || !e.state.is_final() {
            continue;
        }
        let permalink = e.url.as_deref().and_then(|u| url::Url::parse(u).ok());
        if let Some(EntryRef::Slug(slug)) =
            permalink.and_then(|u| crate::discover::normalize::entry_ref(&u, &ctx.identity))
            && gaps.contains(&slug)
        {
            resolved.push((slug, e.id));
        }
    }
    for (slug, id) in resolved {
        db.resolve_slug(&slug, id)?;
    }
    Ok(())
}

/// The entries to fetch: every entry that is pending or failed, every entry whose saved page was deleted or
/// changed on disk, every archived post whose assets are not all saved or were damaged on disk
/// (its page again: signed URLs expire), except files their server answered are gone
/// ([`AssetState::Gone`]), and with `refresh` every saved page conditionally.
/// The list is taken as the archive stands now, before anything else is fetched, so work started
/// later (the id scan) is not in it.
pub(crate) async fn plan_pending(
    ctx: &Arc<Ctx>,
    refresh: bool,
) -> Result<Vec<(EntryRef, Option<Validators>)>, CrawlError> {
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
                // A file its server said is gone, asked for right after its page (a fresh URL),
                // is not worth the page again: a new signed URL names the same missing file.
                if db
                    .asset(&url)?
                    .is_none_or(|a| !matches!(a.state, AssetState::Ok | AssetState::Gone))
                {
                    incomplete = true;
                    break;
                }
            }
            incomplete
        };
        let has_page = e.raw_file.is_some();
        if ctx.stream.was_handed(e.id) {
            // Fetched in this run already, as discovery found it.
            continue;
        }
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
    Ok(todo)
}

/// Fetches comments of every archived post that has none saved yet (with `unrecorded_only`, of
/// posts archived since the comments pass), with bounded concurrency. A post the list and its
/// own page agree has no comments is recorded as having none, without a request
/// ([`super::comments_plan`]).
pub(crate) async fn fetch_all_comments(
    ctx: &Arc<Ctx>,
    unrecorded_only: bool,
    progress: &Progress,
) -> Result<(), CrawlError> {
    let plan = super::comments_plan::plan_comments(
        &ctx.db(),
        &ctx.out,
        &ctx.identity.base,
        unrecorded_only,
        &ctx.page_counts,
    )?;
    let (empty, posts) = (plan.none, plan.fetch);
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
