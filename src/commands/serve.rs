//! `tistory-migrate serve <SOURCE>`: replay a saved blog, an archive, or WARC files on 127.0.0.1
//! until Ctrl-C.

use std::path::Path;

/// The port `serve` listens on unless `--port` says otherwise.
pub const DEFAULT_SERVE_PORT: u16 = 8080;

use crate::serve::{Faults, Site, start};
use crate::warc::replay::{Unpacked, is_warc_source, load_warc_site};

pub use crate::warc::load_error::{LoadSiteError, ServeDirError};

/// A site to replay and what must live as long as it is served.
pub struct LoadedSite {
    /// The site.
    pub site: Site,
    /// Where a WARC was unpacked (`None` for a folder of pages or an archive).
    pub unpacked: Option<Unpacked>,
    /// Problems met while loading a WARC, one line each.
    pub notes: Vec<String>,
    /// For a WARC: the capture each page and asset is served from.
    pub captured: Option<crate::crawl::captured::CaptureDates>,
}

/// Loads a replay source: WARC files (a `.warc`/`.warc.gz` file, or a folder of them), else a
/// folder of saved pages or an archive.
///
/// # Errors
/// [`LoadSiteError`] naming the source when it cannot be loaded.
pub fn load_site(source: &Path) -> Result<LoadedSite, LoadSiteError> {
    if is_warc_source(source) {
        let warc = load_warc_site(source)?;
        tracing::info!(origin = %warc.origin, "replaying the blog captured from {}", warc.origin);
        let notes = warc.notes.clone();
        let captured = Some(warc.captured.clone());
        let (site, unpacked) = warc.into_parts();
        return Ok(LoadedSite {
            site,
            unpacked: Some(unpacked),
            notes,
            captured,
        });
    }
    Ok(LoadedSite {
        site: Site::load(source)?,
        unpacked: None,
        notes: Vec::new(),
        captured: None,
    })
}

/// What `serve` runs with, resolved from the command line.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Saved pages, an archive, or WARC files.
    pub dir: std::path::PathBuf,
    /// The port on 127.0.0.1 (0 = any free port).
    pub port: u16,
    /// Latency added to every response (benchmarks).
    pub delay: Option<std::time::Duration>,
}

/// Serves the options' directory on 127.0.0.1 until interrupted.
///
/// # Errors
/// [`ServeDirError`] when the directory cannot be loaded or the port cannot be bound.
pub async fn serve_dir(opts: &ServeOptions) -> Result<(), ServeDirError> {
    let (dir, port, delay) = (opts.dir.as_path(), opts.port, opts.delay);
    let loaded = load_site(dir)?;
    for note in &loaded.notes {
        eprintln!("tistory-migrate: note: {note}");
    }
    let site = loaded.site;
    let entries = site.entries.len();
    let faults = match delay {
        Some(d) => Faults::default().with_delay(d),
        None => Faults::default(),
    };
    let server = start(site, faults, port).await?;
    println!(
        "serving {} ({entries} entries) at http://{}/ — press Ctrl-C to stop",
        dir.display(),
        server.addr
    );
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    Ok(())
}
