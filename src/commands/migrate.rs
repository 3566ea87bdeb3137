//! `tistory-migrate migrate <SOURCE>`: the whole pipeline in one command. SOURCE is a blog address,
//! or a directory (saved pages or an archive), which is replayed on 127.0.0.1 in-process and
//! crawled through the same code as a live blog — so "re-run against saved HTML" and the README's
//! offline demo exercise the real crawler.

use std::path::{Path, PathBuf};

use url::Url;

use super::crawl::{CrawlOutcome, crawl_and_extract, default_archive_dir};
use crate::config::CrawlSettings;
use crate::crawl::CrawlError;
use crate::progress::Progress;
use crate::serve::{Faults, Site, start};

/// Runs the pipeline on a live blog.
///
/// # Errors
/// As [`crawl_and_extract`].
pub async fn migrate_blog(
    blog: Url,
    out: Option<PathBuf>,
    settings: CrawlSettings,
    progress: &Progress,
) -> Result<CrawlOutcome, CrawlError> {
    let out = out.unwrap_or_else(|| default_archive_dir(&blog));
    crawl_and_extract(blog, out, settings, None, progress).await
}

/// Replays the saved blog in `dir` on 127.0.0.1 and runs the pipeline on it.
///
/// # Errors
/// As [`crawl_and_extract`], plus a saved blog that cannot be loaded.
pub async fn migrate_directory(
    dir: &Path,
    out: Option<PathBuf>,
    settings: CrawlSettings,
    progress: &Progress,
) -> Result<CrawlOutcome, CrawlError> {
    let site = Site::load(dir).map_err(|e| CrawlError::Archive {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let name = site.blog.name.clone();
    let server = start(site, Faults::default(), 0)
        .await
        .map_err(|e| CrawlError::Archive {
            path: dir.to_path_buf(),
            message: format!("cannot start the replay server: {e}"),
        })?;
    let base = Url::parse(&format!("http://{}/", server.addr))
        .expect("a socket address makes a valid URL");
    let out = out.unwrap_or_else(|| {
        PathBuf::from("output").join(crate::archive::layout::safe_name(
            name.as_deref().unwrap_or("replay"),
        ))
    });
    tracing::info!("replaying {} at {base}", dir.display());
    let result = crawl_and_extract(base.clone(), out, settings, Some(base), progress).await;
    server.shutdown().await;
    result
}
