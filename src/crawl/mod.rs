//! The crawl: given a blog address, archive every entry with its assets and comments, politely and
//! resumably. Discovery is a union of sources (the `discovery` module); each entry page is fetched, saved as
//! served, and its assets downloaded right after (the `pages` module, [`assets`]); comments come from the
//! JSON endpoint ([`comments`]). All state is in `archive.db`; files are written before the rows
//! that point at them, so a killed crawl resumes to the archive a clean run makes.

pub mod assets;
mod blog;
pub mod captured;
pub(crate) mod comment_count;
pub mod comments;
mod comments_plan;
mod comments_save;
mod comments_weigh;
mod discovery;
mod failure;
pub mod integrity;
pub mod lock;
mod markdown;
mod merge;
mod page_counts;
mod pages;
mod passes;
mod redirected;
pub mod scan;
pub mod sniff;
mod source_error;
mod still_there;
mod still_there_posts;
mod stream;
mod verdict;
mod warm;
pub mod wayback;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use url::Url;

use crate::archive::db::{ArchiveDb, DbError, EntryState};
use crate::discover::normalize::BlogIdentity;
use crate::fetch::{FetchError, FetchPolicy, Fetcher};
use crate::model::{AssetState, CommentsState};
use crate::progress::Progress;

/// The most the scan goes past the highest known id by default (it stops after this many misses
/// in a row); smaller blogs get a proportionate margin ([`scan::proportionate_margin`]).
pub const DEFAULT_SCAN_MARGIN: u64 = 30;
/// The most listing pages (home, category, tag pages) one crawl reads.
pub const MAX_LISTING_PAGES: usize = 5_000;

/// What `crawl` needs.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// The blog: its address, a custom domain, or one of its post URLs.
    pub blog: Url,
    /// The archive directory.
    pub out: PathBuf,
    /// Politeness settings.
    pub policy: FetchPolicy,
    /// Re-check saved pages with conditional requests.
    pub refresh: bool,
    /// How many misses in a row end the id scan past the highest known id; `None` = a margin
    /// proportionate to the blog ([`scan::proportionate_margin`]).
    pub scan_margin: Option<u64>,
    /// Fetch assets through this replay server's asset proxy (offline replays).
    pub asset_proxy: Option<Url>,
    /// Fetch comments.
    pub comments: bool,
    /// Walk every listing, category and paging page even when the mobile list already named
    /// every post the blog counts (`--exhaustive-discovery`).
    pub exhaustive_discovery: bool,
    /// Repair only (`--retry-failed`): skip discovery and the id scan; fetch what is failed,
    /// pending, or deleted/damaged on disk.
    pub retry_failed: bool,
    /// Record every HTTP exchange here (`--warc`).
    pub recorder: Option<crate::fetch::tap::ExchangeTap>,
    /// The Wayback Machine as a source (`--wayback`; used alone when the live blog is gone).
    pub wayback: wayback::WaybackOptions,
    /// Make each post's Markdown as its page and files land, into this memo, for the extract
    /// stage of the same run to reuse ([`crate::posts_out::Memo`]); `None` makes none.
    pub markdown_memo: Option<Arc<crate::posts_out::Memo>>,
    /// A WARC replay's captures: each copy written is recorded as its capture ([`captured`]).
    pub captures: Option<std::sync::Arc<captured::CaptureDates>>,
}

/// Why a crawl could not run at all. Per-entry failures are not errors: they are in the report.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// The blog could not be reached.
    #[error("cannot reach the blog")]
    Unreachable(#[from] FetchError),
    /// The address answered, but not as a Tistory blog.
    #[error(
        "{url} is not a Tistory blog ({why}); give the blog's address, e.g. https://name.tistory.com"
    )]
    NotTistory {
        /// The address.
        url: String,
        /// What was seen instead.
        why: String,
    },
    /// A folder of the archive is a link or leads outside it.
    #[error(transparent)]
    FolderOutside(#[from] crate::archive::confine::FolderOutside),
    /// `--retry-failed` on an archive that holds no entry yet.
    #[error(
        "--retry-failed repairs an archive, and {} is empty: run crawl without it first",
        path.display()
    )]
    NothingToRepair {
        /// The archive.
        path: PathBuf,
    },
    /// The blog's home page answers "not found": the blog is gone (deleted or closed).
    #[error(
        "{url} answered {status}: the blog is gone; crawl it from the Wayback Machine's copies with --wayback, or import a backup file with `tistory-migrate import`"
    )]
    BlogGone {
        /// The address.
        url: String,
        /// 404 or 410.
        status: u16,
    },
    /// The archive directory cannot be created or written.
    #[error(
        "cannot use the archive directory {path}; check that it is a writable directory and the disk is not full"
    )]
    ArchiveDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file of the archive could not be written.
    #[error("cannot write into the archive {path}")]
    Write {
        /// The archive.
        path: PathBuf,
        /// Why (names the file).
        #[source]
        source: crate::Error,
    },
    /// A step of the run stopped with an error of its own (a worker task, the extract stage, the
    /// replay of a saved blog, the WARC recorder).
    #[error("{step} stopped for {path}")]
    Step {
        /// What was running.
        step: &'static str,
        /// The archive or directory it worked on.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The state database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Another run holds the archive.
    #[error(transparent)]
    Locked(#[from] lock::LockError),
}

/// What a crawl did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CrawlReport {
    /// The blog's Tistory name.
    pub blog: Option<String>,
    /// The address crawled.
    pub base_url: String,
    /// Entry ids known, by any source.
    pub discovered: usize,
    /// How many ids each source named.
    pub sources: BTreeMap<String, usize>,
    /// The sidebar's "분류 전체보기 (N)", when shown.
    pub sidebar_total: Option<u64>,
    /// Entries by final state: ok, notice, protected, private, deleted, failed, pending, not_post.
    pub states: BTreeMap<String, usize>,
    /// Failed entries with their last error.
    pub failed: Vec<(u64, String)>,
    /// Slug permalinks not resolved (their page failed, or was never fetched), with the last
    /// error: a post may be missing behind each.
    pub failed_slugs: Vec<(String, String)>,
    /// Assets saved / missing.
    pub assets_saved: usize,
    /// Assets that could not be downloaded (gaps, tried again).
    pub assets_missing: usize,
    /// Assets gone at the source (their server answered 404 or 410, twice): notes, final.
    pub assets_gone: usize,
    /// Posts whose comments were saved.
    pub comments_saved: usize,
    /// Posts whose comments are saved but incomplete (a walk that did not finish; gaps).
    pub comments_incomplete: usize,
    /// Comment fetches that failed.
    pub comment_failures: usize,
    /// Requests sent and retries among them.
    pub requests: u64,
    /// Retries.
    pub retries: u64,
    /// Warnings (a discovery source that failed, ...).
    pub warnings: Vec<String>,
    /// Seconds taken.
    pub seconds: f64,
    /// What the Wayback source did, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wayback: Option<wayback::WaybackReport>,
}

/// Shared state of one crawl.
pub(crate) struct Ctx {
    pub fetcher: Fetcher,
    pub db: Mutex<ArchiveDb>,
    pub out: PathBuf,
    pub identity: BlogIdentity,
    pub asset_proxy: Option<Url>,
    pub warnings: Mutex<Vec<String>>,
    /// What failed in a way a later pass may mend.
    pub retry: passes::RetryQueue,
    /// Entries whose archived copy is not from the live blog ([`merge`]).
    pub copies: merge::Copies,
    /// Makes each post's Markdown as its page and files land ([`markdown`]).
    pub markdown: markdown::MarkdownMaker,
    /// Where discovery hands ids to the fetch queue as it finds them ([`stream`]).
    pub stream: stream::EntryStream,
    /// A WARC replay's captures ([`captured`]).
    pub captures: Option<std::sync::Arc<captured::CaptureDates>>,
    /// The "not found" answers of this run, confirmed at the end ([`still_there`]).
    pub not_found: still_there::NotFound,
    /// The comment count each post page of this run prints, for the comments plan ([`page_counts`]).
    pub page_counts: page_counts::PageCounts,
}

impl Ctx {
    pub(crate) fn db(&self) -> std::sync::MutexGuard<'_, ArchiveDb> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions), so the
        // state behind a poisoned lock is still good.
        self.db
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn warn(&self, message: String) {
        // The summary lists warnings; the log only repeats them at -v.
        tracing::info!("{message}");
        self.warnings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(message);
    }
}

fn prepare_archive(out: &Path) -> Result<ArchiveDb, CrawlError> {
    std::fs::create_dir_all(out).map_err(|source| CrawlError::ArchiveDir {
        path: out.to_path_buf(),
        source,
    })?;
    crate::archive::confine::check_folders(out)?;
    // Prove the directory is writable before any request is sent.
    let probe = out.join(".write-test");
    let written = std::fs::write(&probe, b"ok");
    // Removed whether or not the write worked: a full disk can create the file and fail the write.
    let _ = std::fs::remove_file(&probe);
    written.map_err(|source| CrawlError::ArchiveDir {
        path: out.to_path_buf(),
        source,
    })?;
    remove_stale_temp_files(out);
    Ok(ArchiveDb::open_for_crawl(
        &out.join(crate::archive::layout::ARCHIVE_DB),
    )?)
}

/// Copies the state database's log back on a thread of its own for the crawl's length, off the
/// lock every crawl task shares ([`crate::archive::checkpoint`]); when it cannot start, SQLite's
/// own checkpoints stay as they are.
fn start_checkpoints(
    db: &ArchiveDb,
    out: &Path,
) -> Option<crate::archive::checkpoint::Checkpointer> {
    use crate::archive::checkpoint::{
        Checkpointer, DEFAULT_CHECKPOINT_EVERY, FALLBACK_AUTOCHECKPOINT_PAGES,
    };
    let path = out.join(crate::archive::layout::ARCHIVE_DB);
    match Checkpointer::start(&path, DEFAULT_CHECKPOINT_EVERY) {
        Ok(checkpoints) => {
            if let Err(e) = db.set_wal_autocheckpoint(FALLBACK_AUTOCHECKPOINT_PAGES) {
                tracing::debug!("archive.db keeps its own checkpoints: {e}");
            }
            Some(checkpoints)
        }
        Err(e) => {
            tracing::debug!("archive.db checkpoints stay in the crawl's commits: {e}");
            None
        }
    }
}

/// Removes `.tmp-*` files a killed run left behind: `write_atomic` writes every file under such
/// a name and renames it into place, so a leftover one was never part of the archive. (One crawl
/// per archive at a time: a second one would also find the first one's state database busy.)
fn remove_stale_temp_files(out: &Path) {
    for entry in walkdir::WalkDir::new(out)
        .max_depth(3)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() && entry.file_name().to_string_lossy().starts_with(".tmp-") {
            tracing::debug!(
                "removing {}, left by an interrupted run",
                entry.path().display()
            );
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The base URL of the blog named by `input` (its origin).
#[must_use]
pub fn blog_base(input: &Url) -> Url {
    let mut base = input.clone();
    base.set_path("/");
    base.set_query(None);
    base.set_fragment(None);
    base
}

/// Runs a crawl: the live blog, then (with `--wayback`) the Wayback Machine for what the live
/// blog no longer serves; a blog whose home page is gone is rebuilt from the Wayback Machine alone,
/// with a notice.
///
/// # Errors
/// [`CrawlError`] when the crawl cannot start or the archive cannot be written; failures of
/// single entries are in the report instead.
pub async fn crawl(opts: &CrawlOptions, progress: &Progress) -> Result<CrawlReport, CrawlError> {
    let started = Instant::now();
    let (mut report, reason) = match crawl_live(opts, progress).await {
        Ok(report) if opts.wayback.forced => (report, "--wayback".to_string()),
        Ok(report) => return Ok(report),
        Err(CrawlError::BlogGone { url, status }) => {
            let notice = format!(
                "{url} answered {status}: the blog is gone; rebuilding it from the Wayback Machine ({})",
                opts.wayback.endpoint
            );
            tracing::warn!("{notice}");
            let db = prepare_archive(&opts.out)?;
            let base = blog_base(&opts.blog);
            db.set_blog(&blog::blog_at(&base))?;
            let report = CrawlReport {
                blog: db.blog()?.name,
                base_url: base.to_string(),
                warnings: vec![notice],
                ..CrawlReport::default()
            };
            (report, format!("the live blog answered {status}"))
        }
        Err(e) => return Err(e),
    };
    let mut warnings = std::mem::take(&mut report.warnings);
    let way = wayback::complete_from_wayback(opts, &opts.wayback, &reason, &mut warnings).await?;
    report.warnings = warnings;
    report.requests += way.requests;
    report.wayback = Some(way);
    wayback::recount(&opts.out, &mut report)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

async fn crawl_live(opts: &CrawlOptions, progress: &Progress) -> Result<CrawlReport, CrawlError> {
    let started = Instant::now();
    let mut db = prepare_archive(&opts.out)?;
    let _checkpoints = start_checkpoints(&db, &opts.out);
    // Probes a killed scan left behind: a clean run never keeps them.
    let forgotten = db.forget_unnamed_misses()?;
    if forgotten > 0 {
        tracing::info!("forgot {forgotten} scan probes an interrupted run left behind");
    }
    if opts.retry_failed && db.entries()?.is_empty() {
        return Err(CrawlError::NothingToRepair {
            path: opts.out.clone(),
        });
    }
    // Built while the home page and discovery wait on the network ([`warm`]).
    let warming = tokio::task::spawn_blocking(warm::warm_up);
    let fetcher = Fetcher::new(opts.policy.clone())?.with_tap(opts.recorder.clone())?;
    let base = blog_base(&opts.blog);
    let home = discovery::read_home(&fetcher, &base, &opts.out).await?;
    // The blog, stored once; the crawl matches URLs with its host view.
    db.set_blog(&home.blog)?;
    let identity = home
        .blog
        .identity()
        .expect("a crawled blog has the address it was crawled at");
    // Whether this run asks for comments: verify then expects a comments record for every post
    // archived from the live blog (a run stopped before its comments pass left none).
    db.set_meta(
        crate::archive::COMMENTS_META,
        if opts.comments { "fetched" } else { "skipped" },
    )?;
    // Deletions are confirmed at the end of the run; until then verify names them unproven.
    db.track_deletions()?;
    let copies = merge::Copies::load(&db)?;
    let (entry_stream, handed) = if opts.retry_failed {
        (stream::EntryStream::closed(), None)
    } else {
        let (s, rx) = stream::EntryStream::open();
        (s, Some(rx))
    };
    let ctx = Arc::new(Ctx {
        stream: entry_stream,
        copies,
        fetcher,
        db: Mutex::new(db),
        out: opts.out.clone(),
        identity,
        asset_proxy: opts.asset_proxy.clone(),
        warnings: Mutex::new(Vec::new()),
        retry: passes::RetryQueue::default(),
        markdown: markdown::MarkdownMaker::new(opts.markdown_memo.clone()),
        captures: opts.captures.clone(),
        not_found: still_there::NotFound::default(),
        page_counts: page_counts::PageCounts::new(opts.comments),
    });
    // The pages discovery names are fetched as they are found, beside the remaining sources.
    let mut streaming =
        handed.map(|rx| stream::Streaming::start(&ctx, rx, progress.bar("pages", 0)));
    // `--retry-failed` repairs what the archive knows: no discovery, no scan past the highest id.
    let found = if opts.retry_failed {
        let sidebar_total = ctx.db().meta("sidebar_total")?.and_then(|t| t.parse().ok());
        // Slug pages an earlier run left pending or failed are part of what it knows.
        pages::fetch_slugs(&ctx, &std::collections::BTreeMap::new(), progress).await?;
        discovery::Found {
            sidebar_total,
            ..discovery::Found::default()
        }
    } else {
        let found =
            discovery::discover(&ctx, &home, &opts.blog, opts.exhaustive_discovery, progress)
                .await?;
        ctx.stream.stop();
        if !found.slugs.is_empty()
            && let Some(s) = streaming.take()
        {
            // A slug found after pages were streamed may name one of them: once those pages are
            // in, their permalinks resolve such slugs without a request (`fetch_slugs`).
            s.finish().await?;
        }
        pages::fetch_slugs(&ctx, &found.slugs, progress).await?;
        found
    };
    // A warm-up that panicked only lost the head start.
    let _ = warming.await;
    fetch_pages_and_scan(&ctx, opts, streaming, progress).await?;
    if opts.comments {
        pages::fetch_all_comments(&ctx, false, progress).await?;
    }
    passes::run_retry_passes(&ctx, opts.comments, progress).await?;
    let shape = still_there_posts::RunShape {
        comments: opts.comments,
        scan_margin: opts.scan_margin,
    };
    still_there::confirm_not_found(&ctx, &base, shape, progress).await?;
    ctx.markdown.finish().await;
    let mut report = summarize(&ctx)?;
    report.blog = home.blog.name.clone();
    report.base_url = base.to_string();
    report.sidebar_total = found.sidebar_total;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Fetches the pending entries (beside the pages discovery handed over, still being fetched by
/// `streaming`), then (unless `--retry-failed`) scans the ids no source named.
/// When the scan's bounds do not wait on any page (no named id is an outlier whose page decides
/// whether the ids below it are probed), the scan runs alongside the pages, sharing the request
/// slots, instead of after them: the same requests, no idle slots at the end of the page phase.
async fn fetch_pages_and_scan(
    ctx: &Arc<Ctx>,
    opts: &CrawlOptions,
    streaming: Option<stream::Streaming>,
    progress: &Progress,
) -> Result<(), CrawlError> {
    let todo = pages::plan_pending(ctx, opts.refresh).await?;
    let fetch = async {
        let planned = pages::run_all(ctx, todo, progress, "pages");
        let streamed = async {
            match streaming {
                Some(s) => s.finish().await,
                None => Ok(()),
            }
        };
        tokio::try_join!(planned, streamed).map(drop)
    };
    if opts.retry_failed {
        return fetch.await;
    }
    let scan = async {
        scan::scan_gaps(ctx, progress).await?;
        scan::scan_past_highest(ctx, opts.scan_margin, progress).await
    };
    if scan::bounds_are_settled(ctx)? {
        tokio::try_join!(fetch, scan)?;
    } else {
        fetch.await?;
        scan.await?;
    }
    Ok(())
}

fn summarize(ctx: &Ctx) -> Result<CrawlReport, CrawlError> {
    let mut report = CrawlReport::default();
    tally_state(&ctx.db(), &mut report)?;
    report.requests = ctx
        .fetcher
        .stats
        .requests
        .load(std::sync::atomic::Ordering::Relaxed);
    report.retries = ctx
        .fetcher
        .stats
        .retries
        .load(std::sync::atomic::Ordering::Relaxed);
    report.warnings = ctx
        .warnings
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    Ok(report)
}

impl CrawlReport {
    /// The human summary.
    #[must_use]
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let n = |k: &str| self.states.get(k).copied().unwrap_or(0);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "crawl: {} ({}) in {:.1} s",
            self.base_url,
            self.blog.as_deref().unwrap_or("?"),
            self.seconds
        );
        let sources = self
            .sources
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(s, "  discovered {:>6} ids ({sources})", self.discovered);
        if let Some(t) = self.sidebar_total {
            let _ = writeln!(s, "  the blog says {t} public posts (분류 전체보기)");
        }
        let _ = writeln!(s, "  archived   {:>6}", n("ok"));
        let _ = writeln!(s, "  notices    {:>6}", n("notice"));
        let _ = writeln!(s, "  protected  {:>6}", n("protected"));
        let _ = writeln!(s, "  private    {:>6}", n("private"));
        let _ = writeln!(s, "  deleted    {:>6}", n("deleted"));
        let _ = writeln!(s, "  failed     {:>6}", n("failed") + n("pending"));
        let _ = writeln!(
            s,
            "  assets     {:>6} saved, {} missing, {} gone at the source",
            self.assets_saved, self.assets_missing, self.assets_gone
        );
        let _ = writeln!(
            s,
            "  comments   {:>6} posts saved, {} incomplete, {} failed",
            self.comments_saved, self.comments_incomplete, self.comment_failures
        );
        let _ = writeln!(
            s,
            "  requests   {:>6} ({} retries)",
            self.requests, self.retries
        );
        for (id, e) in &self.failed {
            let _ = writeln!(s, "  failed {id}: {e}");
        }
        for (slug, e) in &self.failed_slugs {
            let _ = writeln!(s, "  failed slug /entry/{slug}: {e}");
        }
        for w in &self.warnings {
            let _ = writeln!(s, "  warning: {w}");
        }
        s
    }

    /// True when some entry or slug permalink failed or is still pending.
    #[must_use]
    pub fn has_failures(&self) -> bool {
        self.states.get("failed").copied().unwrap_or(0)
            + self.states.get("pending").copied().unwrap_or(0)
            + self.failed_slugs.len()
            > 0
    }
}

/// Sets a report's counts (entries by state and source, failures, assets, comments) from the
/// archive state, replacing what it held: the one reading of `archive.db` into a summary.
pub(crate) fn tally_state(db: &ArchiveDb, report: &mut CrawlReport) -> Result<(), CrawlError> {
    let entries = db.entries()?;
    report.discovered = entries.len();
    report.states.clear();
    report.sources.clear();
    report.failed.clear();
    for e in &entries {
        *report
            .states
            .entry(e.state.as_str().to_string())
            .or_default() += 1;
        for s in &e.sources {
            *report.sources.entry(s.clone()).or_default() += 1;
        }
        if e.state == EntryState::Failed {
            report
                .failed
                .push((e.id, e.last_error.clone().unwrap_or_default()));
        }
    }
    report.failed_slugs = db
        .slug_rows()?
        .into_iter()
        .filter(crate::archive::db::SlugRow::is_gap)
        .map(|r| {
            let error = r
                .last_error
                .unwrap_or_else(|| "discovered, never fetched".to_string());
            (r.slug, error)
        })
        .collect();
    let assets = db.assets()?;
    report.assets_saved = assets.iter().filter(|a| a.state == AssetState::Ok).count();
    report.assets_gone = assets
        .iter()
        .filter(|a| a.state == AssetState::Gone)
        .count();
    report.assets_missing = assets.len() - report.assets_saved - report.assets_gone;
    report.comments_saved = 0;
    report.comments_incomplete = 0;
    report.comment_failures = 0;
    for e in entries
        .iter()
        .filter(|e| matches!(e.state, EntryState::Ok | EntryState::Notice))
    {
        match db.comments(e.id)? {
            Some(c) if c.state == CommentsState::Ok => report.comments_saved += 1,
            Some(c) if c.state == CommentsState::Partial => report.comments_incomplete += 1,
            Some(_) => report.comment_failures += 1,
            None => {}
        }
    }
    Ok(())
}
