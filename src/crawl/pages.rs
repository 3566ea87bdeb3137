//! Entry pages: fetch each pending or failed entry, save the page exactly as served
//! (`raw/<id>.html`), classify it with the extractor, record the outcome, and download the post's
//! assets right away. Also the id scan past the highest known id, and the comments pass.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::assets::download_asset;
use super::comments::{count_comments, fetch_comments};
use super::{CrawlError, Ctx};
use crate::archive::db::{EntryState, PageOutcome};
use crate::archive::layout::{raw_page_rel, resolve};
use crate::archive::store::write_atomic;
use crate::discover::normalize::{EntryRef, entry_url};
use crate::extract::selectors::SelectorProfile;
use crate::extract::{Page, PageSource};
use crate::extracted::{extract_bytes, key_of, profile_key, save};
use crate::fetch::Validators;
use crate::model::{AssetKind, AssetState, CommentsState, EntryId};
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
    let record = |o: PageOutcome| -> Result<EntryFetch, CrawlError> {
        let (id, state) = (o.id, o.state);
        ctx.db().record_page(&o)?;
        Ok(EntryFetch::Recorded(id, state))
    };
    if !ctx.fetcher.allowed(&url).await {
        return match id_hint {
            Some(id) => record(failed(
                id,
                None,
                format!("{url} is disallowed by the blog's robots.txt (--ignore-robots)"),
            )),
            None => Ok(EntryFetch::Unchanged),
        };
    }
    let fetched = match ctx.fetcher.get(&url, validators.as_ref()).await {
        Ok(f) => f,
        Err(e) => {
            return match id_hint {
                Some(id) => record(failed(id, None, e.to_string())),
                None => {
                    ctx.warn(format!("slug {url}: {e}"));
                    Ok(EntryFetch::Unchanged)
                }
            };
        }
    };
    if fetched.status == 304 {
        return Ok(EntryFetch::Unchanged);
    }
    if !ctx.identity.is_own(&fetched.final_url) {
        let message = format!("{url} redirected off the blog to {}", fetched.final_url);
        return match id_hint {
            Some(id) => record(failed(id, Some(fetched.status), message)),
            None => {
                ctx.warn(message);
                Ok(EntryFetch::Unchanged)
            }
        };
    }
    if matches!(fetched.status, 404 | 410) {
        return match id_hint {
            Some(id) => record(PageOutcome {
                state: EntryState::Deleted,
                http_status: Some(fetched.status),
                error: None,
                ..failed(id, None, String::new())
            }),
            None => {
                ctx.warn(format!("slug {url} answered {}", fetched.status));
                Ok(EntryFetch::Unchanged)
            }
        };
    }
    if fetched.status != 200 {
        let hint = if fetched.status == 403 {
            " (a private post, or access blocked: try a lower --rate later)"
        } else {
            ""
        };
        let message = format!("{url} answered {}{hint}", fetched.status);
        return match id_hint {
            Some(id) => record(failed(id, Some(fetched.status), message)),
            None => {
                ctx.warn(message);
                Ok(EntryFetch::Unchanged)
            }
        };
    }
    let path_name = format!("{}", url);
    let source = PageSource {
        path: path_name.clone().into(),
        url: Some(fetched.final_url.to_string()),
        id_hint,
        http_status: Some(200),
    };
    let profile = SelectorProfile::default();
    // The one extraction of this page: what it is, its assets, and the artifact later stages read.
    let page = match extract_bytes(&fetched.body, &source, &profile) {
        Ok(p) => p,
        Err(e) => {
            return id_hint.map_or(Ok(EntryFetch::Unchanged), |id| {
                record(failed(id, Some(200), e.to_string()))
            });
        }
    };
    let (id, kind, canonical, assets) = match &page {
        Page::Entry(post) => {
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
            (post.id, post.kind, Some(post.url.clone()), assets)
        }
        Page::NotEntry { kind, .. } => match id_hint {
            Some(id) => (id, *kind, None, Vec::new()),
            None => return Ok(EntryFetch::Unchanged),
        },
    };
    if let EntryRef::Slug(slug) = entry {
        ctx.db().record_slug(slug, id)?;
    }
    let state = EntryState::from(kind);
    let raw_rel = raw_page_rel(id);
    let keep_page = state != EntryState::NotPost;
    if keep_page && let Err(e) = write_atomic(&resolve(&ctx.out, &raw_rel), &fetched.body) {
        return Err(CrawlError::Archive {
            path: ctx.out.clone(),
            message: crate::report::error_chain(&e),
        });
    }
    if keep_page && let Page::Entry(post) = &page {
        let key = key_of(&fetched.body, &profile_key(&profile));
        if let Err(e) = save(&ctx.out, id, key, post) {
            return Err(CrawlError::Archive {
                path: ctx.out.clone(),
                message: crate::report::error_chain(&e),
            });
        }
    }
    let outcome = PageOutcome {
        id,
        state,
        url: canonical,
        http_status: Some(200),
        error: None,
        etag: fetched.etag.clone(),
        last_modified: fetched.last_modified.clone(),
        page_sha256: keep_page.then(|| crate::archive::hash::sha256_hex(&fetched.body)),
        raw_file: keep_page.then(|| raw_rel.clone()),
        assets: assets.clone(),
    };
    let result = record(outcome)?;
    // Right after the page: signed image URLs expire.
    for (asset_url, kind) in &assets {
        fetch_asset(ctx, asset_url, *kind == AssetKind::Image).await?;
    }
    Ok(result)
}

async fn fetch_asset(ctx: &Ctx, url: &str, is_image: bool) -> Result<(), CrawlError> {
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
        Err(super::assets::AssetError::Write(message)) => {
            return Err(CrawlError::Archive {
                path: ctx.out.clone(),
                message,
            });
        }
        Err(e) => {
            tracing::info!("asset missing: {e}");
            ctx.db().record_asset_missing(url, &e.to_string())?;
        }
    }
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
async fn run_all(
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
/// sources that named them against the resolved id.
pub(crate) async fn fetch_slugs(
    ctx: &Arc<Ctx>,
    slugs: &BTreeMap<String, BTreeSet<String>>,
    progress: &Progress,
) -> Result<(), CrawlError> {
    let mut todo = Vec::new();
    for slug in slugs.keys() {
        if ctx.db().slug_id(slug)?.is_none() {
            todo.push((EntryRef::Slug(slug.clone()), None));
        }
    }
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
            .map_err(|e| CrawlError::Archive {
                path: ctx.out.clone(),
                message: format!("the file check stopped: {e}"),
            })??;
    let entries = ctx.db().entries()?;
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
        if !e.state.is_final() || incomplete_assets || damage.pages.contains(&e.id) {
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

/// Probes ids past the highest known one until `margin` misses in a row: the newest posts may be
/// in no list yet.
pub(crate) async fn scan_past_highest(
    ctx: &Arc<Ctx>,
    margin: u64,
    progress: &Progress,
) -> Result<(), CrawlError> {
    let Some(max) = ctx.db().entries()?.iter().map(|e| e.id).max() else {
        return Ok(());
    };
    let bar = progress.bar("scan", margin);
    let batch = ctx.fetcher.policy().concurrency.get() as u64;
    let mut misses = 0;
    let mut last_found = max;
    let mut next = max + 1;
    // Probe a batch at a time, as many ids as requests may be in flight; judge them in id order.
    while misses < margin {
        let ids: Vec<EntryId> = (next..next + batch).collect();
        next += batch;
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
                EntryFetch::Recorded(id, state)
                    if !matches!(
                        state,
                        EntryState::Deleted | EntryState::NotPost | EntryState::Failed
                    ) =>
                {
                    Some(*id)
                }
                _ => None,
            })
            .collect();
        for id in ids {
            bar.inc(1);
            if found.contains(&id) {
                ctx.db().record_sources("scan", &[id])?;
                misses = 0;
                last_found = id;
            } else {
                misses += 1;
            }
        }
    }
    // The probes that missed are not entries of the blog: forget them, so the archive holds only
    // ids up to the newest real one.
    ctx.db().forget_after(last_found)?;
    bar.finish_and_clear();
    Ok(())
}

/// Fetches and saves one post's comments; a fetch failure is recorded, not returned.
async fn save_comments(ctx: &Ctx, id: EntryId) -> Result<(), CrawlError> {
    match fetch_comments(&ctx.fetcher, &ctx.identity.base, id).await {
        Ok(c) => {
            let rel = crate::archive::layout::comments_rel(id);
            // `{"post_id": N, "items": [...]}`: the comments as served, in a shape the replay
            // server reads back.
            let json =
                serde_json::to_vec_pretty(&serde_json::json!({ "post_id": id, "items": c.items }))
                    .unwrap_or_default();
            write_atomic(&resolve(&ctx.out, &rel), &json).map_err(|e| CrawlError::Archive {
                path: ctx.out.clone(),
                message: crate::report::error_chain(&e),
            })?;
            ctx.db()
                .record_comments(id, Some(count_comments(&c.items)), Some(&rel), None)?;
        }
        Err(e) => {
            ctx.warn(format!("comments of {id}: {e}"));
            ctx.db().record_comments(id, None, None, Some(&e))?;
        }
    }
    Ok(())
}

/// Fetches comments of every archived post that has none saved yet, with bounded concurrency.
pub(crate) async fn fetch_all_comments(
    ctx: &Arc<Ctx>,
    progress: &Progress,
) -> Result<(), CrawlError> {
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
    let bar = progress.bar("comments", posts.len() as u64);
    run_bounded(ctx, posts, &bar, |ctx, id| async move {
        save_comments(&ctx, id).await
    })
    .await?;
    bar.finish_and_clear();
    Ok(())
}
