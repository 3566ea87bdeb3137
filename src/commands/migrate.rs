//! `tistory-migrate migrate <SOURCE>`: the whole pipeline in one command. SOURCE is a blog address,
//! or a directory (saved pages or an archive), which is replayed on 127.0.0.1 in-process and
//! crawled through the same code as a live blog — so "re-run against saved HTML" and the README's
//! offline demo exercise the real crawler.

use std::path::{Path, PathBuf};

use url::Url;

use super::crawl::{CrawlOutcome, crawl_and_extract, default_archive_dir};
use super::verify::{VerifyFormat, VerifyOptions, run_verify};
use crate::bundle::footer::Footer;
use crate::commands::bundle::{BundleOptions, run_bundle};
use crate::config::CrawlSettings;
use crate::convert::DEFAULT_FIDELITY_THRESHOLD;
use crate::crawl::CrawlError;
use crate::extract::memo::Remembering;
use crate::progress::Progress;
use crate::report::Exit;
use crate::serve::{Faults, start};

/// Where `migrate` reads the blog from.
#[derive(Debug, Clone)]
pub enum MigrateSource {
    /// A live blog.
    Blog(Url),
    /// Saved pages, an archive, or WARC files, replayed on 127.0.0.1.
    Saved(PathBuf),
}

/// What `migrate` runs with, resolved from the command line.
#[derive(Debug, Clone)]
pub struct MigrateRequest {
    /// The source.
    pub source: MigrateSource,
    /// The archive directory; `None` = `output/<name>/`.
    pub out: Option<PathBuf>,
    /// Politeness and what to fetch.
    pub settings: CrawlSettings,
}

/// Runs `migrate`'s crawl and extract stages (the bundle and verify follow, see
/// [`bundle_and_verify`]).
///
/// # Errors
/// As [`migrate_blog`] and [`migrate_directory`].
pub async fn run_migrate(
    req: MigrateRequest,
    progress: &Progress,
) -> Result<CrawlOutcome, CrawlError> {
    if !req.settings.policy.respect_robots {
        super::crawl::warn_ignore_robots();
    }
    match req.source {
        MigrateSource::Saved(dir) => migrate_directory(&dir, req.out, req.settings, progress).await,
        MigrateSource::Blog(blog) => migrate_blog(blog, req.out, req.settings, progress).await,
    }
}

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

/// Replays the saved blog in `dir` (saved pages, an archive, or WARC files) on 127.0.0.1 and
/// runs the pipeline on it.
///
/// # Errors
/// As [`crawl_and_extract`], plus a saved blog that cannot be loaded.
pub async fn migrate_directory(
    dir: &Path,
    out: Option<PathBuf>,
    settings: CrawlSettings,
    progress: &Progress,
) -> Result<CrawlOutcome, CrawlError> {
    // Loading extracts each saved page (to classify and list it); the crawl then fetches the same
    // bytes from the replay and takes those extractions instead of parsing the pages again.
    let remembering = Remembering::new();
    let loaded = remembering
        .record(|| super::serve::load_site(dir))
        .map_err(|e| CrawlError::Step {
            step: "loading the saved blog",
            path: dir.to_path_buf(),
            source: Box::new(e),
        })?;
    for note in &loaded.notes {
        tracing::warn!("{note}");
    }
    // The unpacked WARC (if any) must outlive the replay server.
    let (site, _unpacked, captured) = (loaded.site, loaded.unpacked, loaded.captured);
    let name = site.blog.name.clone();
    let server = start(site, Faults::default(), 0)
        .await
        .map_err(|e| CrawlError::Step {
            step: "the replay server",
            path: dir.to_path_buf(),
            source: Box::new(e),
        })?;
    let base = Url::parse(&format!("http://{}/", server.addr))
        .expect("a socket address makes a valid URL");
    let out = out.unwrap_or_else(|| {
        PathBuf::from("output").join(crate::archive::layout::safe_name(
            name.as_deref().unwrap_or("replay"),
        ))
    });
    tracing::info!("replaying {} at {base}", dir.display());
    // A WARC replay's copies are captures, not live fetches: the crawl records each one's WARC
    // file and `WARC-Date` as it writes it, so the one extract says so.
    let settings = CrawlSettings {
        captures: captured.map(std::sync::Arc::new),
        ..settings
    };
    let result = crawl_and_extract(base.clone(), out, settings, Some(base), progress).await;
    server.shutdown().await;
    tracing::debug!(
        unused = remembering.waiting(),
        "loaded pages the crawl did not extract"
    );
    drop(remembering);
    result
}

/// The last stage of `migrate`: verify the archive in `out`. Returns the summary to print after
/// the crawl and extract summaries, and the exit code: 4 when verify finds gaps, unless an
/// earlier stage already failed (`prior`, 2), which stays.
#[must_use]
pub fn verify_after_migrate(out: &Path, prior: Exit) -> (String, Exit) {
    verify_only(out, prior)
}

/// `migrate`'s last two stages: the Naver bundle, then verify (which checks the bundle too).
/// Returns both summaries and the exit code (an earlier failure stays).
#[must_use]
pub fn bundle_and_verify(out: &Path, prior: Exit) -> (String, Exit) {
    let (bundle_summary, prior) = bundle_after_migrate(out, prior);
    let (verify_summary, exit) = verify_only(out, prior);
    (format!("{bundle_summary}{verify_summary}"), exit)
}

/// The bundle stage of `migrate`: the Naver bundle in `<archive>/naver/`, default footer.
fn bundle_after_migrate(out: &Path, prior: Exit) -> (String, Exit) {
    let opts = BundleOptions {
        archive: out.to_path_buf(),
        out: None,
        footer: Footer::Default,
    };
    match run_bundle(&opts) {
        Ok(report) => {
            let exit = if prior == Exit::Ok {
                report.exit()
            } else {
                prior
            };
            (format!("\n{}", report.render()), exit)
        }
        Err(e) => (
            format!(
                "\nbundle: cannot build the Naver bundle in {}: {e:#}\n",
                out.display()
            ),
            if prior == Exit::Ok {
                Exit::ItemsFailed
            } else {
                prior
            },
        ),
    }
}

fn verify_only(out: &Path, prior: Exit) -> (String, Exit) {
    let opts = VerifyOptions {
        archive: out.to_path_buf(),
        html: None,
        threshold: DEFAULT_FIDELITY_THRESHOLD,
        format: VerifyFormat::Text,
        deep: false,
        naver: None,
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
            if prior == Exit::Ok {
                crate::exit::ToExit::exit(&e)
            } else {
                prior
            },
        ),
    }
}
