//! `tistory-migrate migrate <SOURCE>`: the whole pipeline in one command. SOURCE is a blog address,
//! or a directory (saved pages or an archive), which is replayed on 127.0.0.1 in-process and
//! crawled through the same code as a live blog — so "re-run against saved HTML" and the README's
//! offline demo exercise the real crawler.

use std::path::{Path, PathBuf};

use url::Url;

use super::crawl::{CrawlOutcome, crawl_and_extract, default_archive_dir};
use super::verify::{VerifyFormat, VerifyOptions, run_verify};
use crate::config::CrawlSettings;
use crate::convert::DEFAULT_FIDELITY_THRESHOLD;
use crate::crawl::CrawlError;
use crate::progress::Progress;
use crate::report::Exit;
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

/// The last stage of `migrate`: verify the archive in `out`. Returns the summary to print after
/// the crawl and extract summaries, and the exit code: 4 when verify finds gaps, unless an
/// earlier stage already failed (`prior`, 2), which stays.
#[must_use]
pub fn verify_after_migrate(out: &Path, prior: Exit) -> (String, Exit) {
    let opts = VerifyOptions {
        archive: out.to_path_buf(),
        html: None,
        threshold: DEFAULT_FIDELITY_THRESHOLD,
        format: VerifyFormat::Text,
    };
    match run_verify(&opts) {
        Ok(report) => {
            let exit = if prior == Exit::Ok {
                report.exit()
            } else {
                prior
            };
            (format!("\n{}", report.render_as(VerifyFormat::Text)), exit)
        }
        Err(e) => (
            format!("\nverify: cannot check {}: {e}\n", out.display()),
            if prior == Exit::Ok { e.exit() } else { prior },
        ),
    }
}
