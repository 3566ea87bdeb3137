//! `tistory-migrate crawl`: archive a blog, then run the extract stage over the archive so that
//! `posts/` and `posts.jsonl` point at the local assets.

use std::path::PathBuf;
use std::sync::Arc;

use url::Url;

use crate::commands::extract::{ExtractOptions, run_extract_with};
use crate::config::CrawlSettings;
use crate::crawl::{CrawlError, CrawlOptions, CrawlReport, crawl};
use crate::extract::selectors::SelectorProfile;
use crate::progress::Progress;
use crate::report::{Exit, ExtractReport};
use crate::warc::{WARC_DIR, WarcOptions, WarcRecorder, WarcSummary};

/// The outcome of crawl + extract.
pub struct CrawlOutcome {
    /// The crawl's report.
    pub crawl: CrawlReport,
    /// The extract stage's report.
    pub extract: ExtractReport,
    /// The archive directory.
    pub out: PathBuf,
    /// What `--warc` wrote.
    pub warc: Option<WarcSummary>,
}

impl CrawlOutcome {
    /// The exit code: 2 when an entry or file failed.
    #[must_use]
    pub fn exit(&self) -> Exit {
        let warc_failed = self.warc.as_ref().is_some_and(|w| !w.errors.is_empty());
        if self.crawl.has_failures() || self.extract.exit() != Exit::Ok || warc_failed {
            Exit::ItemsFailed
        } else {
            Exit::Ok
        }
    }
}

/// What `crawl` runs with, resolved from the command line.
#[derive(Debug, Clone)]
pub struct CrawlRequest {
    /// The blog's address.
    pub blog: Url,
    /// The archive directory.
    pub out: PathBuf,
    /// Politeness and what to fetch.
    pub settings: CrawlSettings,
    /// Fetch assets through this replay server's asset proxy.
    pub asset_proxy: Option<Url>,
}

/// Runs `crawl`: the crawl, then the extract stage over the archive.
///
/// # Errors
/// As [`crawl_and_extract`].
pub async fn run_crawl(req: CrawlRequest, progress: &Progress) -> Result<CrawlOutcome, CrawlError> {
    if !req.settings.policy.respect_robots {
        warn_ignore_robots();
    }
    crawl_and_extract(req.blog, req.out, req.settings, req.asset_proxy, progress).await
}

/// The warning `--ignore-robots` prints before any request.
pub(crate) fn warn_ignore_robots() {
    eprintln!("tistory-migrate: warning: --ignore-robots: the blog's robots.txt is NOT honoured");
}

/// The default archive directory for a blog address: `output/<name>` for `name.tistory.com`, else
/// `output/<host>`.
#[must_use]
pub fn default_archive_dir(blog: &Url) -> PathBuf {
    let host = blog.host_str().unwrap_or("blog");
    let name = host.strip_suffix(".tistory.com").unwrap_or(host);
    PathBuf::from("output").join(crate::archive::layout::safe_name(name))
}

/// Crawls `blog` into `out` and extracts the archive.
///
/// # Errors
/// [`CrawlError`] when the crawl cannot run; an extract failure as [`CrawlError::Step`].
pub async fn crawl_and_extract(
    blog: Url,
    out: PathBuf,
    settings: CrawlSettings,
    asset_proxy: Option<Url>,
    progress: &Progress,
) -> Result<CrawlOutcome, CrawlError> {
    // One run per archive, from before anything in it is touched to the end of the extract.
    std::fs::create_dir_all(&out).map_err(|source| CrawlError::ArchiveDir {
        path: out.clone(),
        source,
    })?;
    let _lock = crate::crawl::lock::ArchiveLock::acquire(&out)?;
    // The posts the crawl makes as they land, for the extract stage below to reuse.
    let memo = Arc::new(crate::posts_out::Memo::new(&out));
    let recorder = match settings.warc_max_bytes {
        Some(max) => Some(start_warc(
            &blog,
            &out,
            max,
            settings.policy.max_body_bytes,
        )?),
        None => None,
    };
    let opts = CrawlOptions {
        recorder: recorder.as_ref().map(|(tap, _)| tap.clone()),
        blog,
        out: out.clone(),
        policy: settings.policy,
        refresh: settings.refresh,
        scan_margin: settings.scan_margin,
        asset_proxy,
        comments: settings.comments,
        retry_failed: settings.retry_failed,
        wayback: settings.wayback,
        exhaustive_discovery: settings.exhaustive_discovery,
        markdown_memo: Some(Arc::clone(&memo)),
        captures: settings.captures,
    };
    let crawled = crawl(&opts, progress).await;
    // Every tap is dropped with the options and the fetcher; the file is finished even when the
    // crawl stopped early, so what was recorded stays valid.
    drop(opts);
    let warc = match recorder {
        Some((tap, recorder)) => {
            drop(tap);
            Some(finish_warc(recorder, &out).await?)
        }
        None => None,
    };
    let crawl_report = crawled?;
    let extract_opts = ExtractOptions {
        inputs: vec![out.clone()],
        out: Some(out.clone()),
        profile: SelectorProfile::default(),
        max_page_bytes: crate::extract::decode::DEFAULT_MAX_PAGE_BYTES,
    };
    let extract = tokio::task::spawn_blocking(move || run_extract_with(&extract_opts, Some(&memo)))
        .await
        .map_err(|e| CrawlError::Step {
            step: "extract",
            path: out.clone(),
            source: Box::new(e),
        })?
        .map_err(|e| CrawlError::Step {
            step: "extract",
            path: out.clone(),
            source: e.into(),
        })?;
    Ok(CrawlOutcome {
        crawl: crawl_report,
        extract,
        out,
        warc,
    })
}

/// Recovers what a killed run left in `<out>/warc/` and starts recording.
fn start_warc(
    blog: &Url,
    out: &std::path::Path,
    max_file_bytes: u64,
    max_body_bytes: u64,
) -> Result<(crate::fetch::tap::ExchangeTap, WarcRecorder), CrawlError> {
    // Marked first, so that even a run killed before its first file leaves verify checking.
    let db_path = out.join(crate::archive::layout::ARCHIVE_DB);
    std::fs::create_dir_all(out).map_err(|source| CrawlError::ArchiveDir {
        path: out.to_path_buf(),
        source,
    })?;
    crate::archive::db::ArchiveDb::open(&db_path)
        .and_then(|db| db.set_meta(crate::warc::WARC_META, "1"))?;
    let host = blog.host_str().unwrap_or("blog");
    let name = host.strip_suffix(".tistory.com").unwrap_or(host);
    let opts = WarcOptions {
        dir: out.join(WARC_DIR),
        prefix: crate::archive::layout::safe_name(name),
        max_file_bytes,
        info: vec![
            ("tistory-migrate-blog".to_string(), blog.to_string()),
            // A replay inflates the recorded bodies within this run's cap.
            crate::warc::inflate_cap::info_field(max_body_bytes),
        ],
    };
    WarcRecorder::start(opts).map_err(|e| CrawlError::Step {
        step: "the WARC recorder",
        path: out.join(WARC_DIR),
        source: Box::new(e),
    })
}

async fn finish_warc(
    recorder: WarcRecorder,
    out: &std::path::Path,
) -> Result<WarcSummary, CrawlError> {
    let dir = out.join(WARC_DIR);
    tokio::task::spawn_blocking(move || recorder.finish())
        .await
        .map_err(|e| CrawlError::Step {
            step: "the WARC recorder",
            path: dir.clone(),
            source: Box::new(e),
        })?
        .map_err(|e| CrawlError::Step {
            step: "the WARC recorder",
            path: dir,
            source: Box::new(e),
        })
}
