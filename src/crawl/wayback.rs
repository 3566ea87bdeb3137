//! The Wayback Machine as a source for posts the live blog no longer serves: the CDX API lists the
//! captures of the blog's hosts ([`crate::discover::wayback`]); their entry ids join discovery as
//! the source `wayback` (a slug permalink's captures through its id: the archive's slug map, else
//! the id its newest post-page capture names); each entry that is not archived live gets the newest capture that reads
//! as a post page (`id_`: as captured), and its images from their own captures (`im_`: the archive
//! answers with the nearest one). Runs after a live crawl with `--wayback`, or alone when the live
//! blog answers "not found" for its home page. archive.org is treated more gently than Tistory:
//! its own fetcher, one request in flight, [`DEFAULT_WAYBACK_RATE`] and a long backoff on 429 and
//! refused connections. Every restored post records its snapshot as provenance.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::num::NonZeroUsize;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use sha2::{Digest as _, Sha256};
use url::Url;

use super::source_error::SourceError;
use super::{CrawlError, CrawlOptions, CrawlReport};
use crate::archive::db::{ArchiveDb, EntryState, PageOutcome};
use crate::archive::layout::{ARCHIVE_DB, asset_rel, raw_page_rel, resolve};
use crate::archive::store::write_atomic;
use crate::crawl::assets::asset_extension;
use crate::discover::wayback::{
    CdxRow, MAX_CDX_PAGES, cdx_query, parse_cdx, post_snapshots, slug_snapshots, snapshot_url,
    sort_newest_first,
};
use crate::discover::wayback_comments::comment_snapshots;
use crate::extract::decode::decode_page;
use crate::extract::selectors::SelectorProfile;
use crate::extract::{Page, PageSource, extract_page};
use crate::fetch::{FetchPolicy, Fetched, Fetcher};
use crate::model::{AssetKind, AssetState, EntryId, PageKind};
use crate::provenance::{Origin, Provenance, Visibility};
use crate::report::error_chain;

mod comments;
mod page_comments;
pub use comments::{RestoredComments, UnrestoredComments};

/// Requests per second to the archive by default: one every four seconds on average.
pub const DEFAULT_WAYBACK_RATE: f64 = 0.25;
/// The first backoff after a 429 or a refused connection (doubled on each retry).
pub const DEFAULT_WAYBACK_BACKOFF: Duration = Duration::from_secs(30);
/// Captures tried per entry before it is given up on.
pub const MAX_SNAPSHOTS_PER_ENTRY: usize = 3;

/// How the Wayback source is used.
#[derive(Debug, Clone)]
pub struct WaybackOptions {
    /// `--wayback`: ask the archive even when the live blog answers.
    pub forced: bool,
    /// The archive (`--wayback-endpoint`): the public Wayback Machine or a local mirror.
    pub endpoint: Url,
    /// Requests per second to it.
    pub rate: f64,
    /// The first backoff after a 429 or a refused connection.
    pub backoff_base: Duration,
}

impl Default for WaybackOptions {
    fn default() -> Self {
        Self {
            forced: false,
            endpoint: Url::parse(crate::discover::wayback::DEFAULT_WAYBACK_ENDPOINT)
                .expect("the default endpoint is a URL"),
            rate: DEFAULT_WAYBACK_RATE,
            backoff_base: DEFAULT_WAYBACK_BACKOFF,
        }
    }
}

/// What the Wayback source did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WaybackReport {
    /// The archive asked.
    pub endpoint: String,
    /// Why it was asked (`--wayback`, or the live blog was gone).
    pub reason: String,
    /// CDX pages read.
    pub cdx_pages: usize,
    /// Entry ids the captures name.
    pub ids_found: usize,
    /// Entries restored from a capture.
    pub restored: Vec<EntryId>,
    /// Entries the archive could not restore, with the reason.
    pub not_restored: Vec<(EntryId, String)>,
    /// Slug permalinks (`/entry/<slug>`) whose captures were read as these entries.
    pub slugs_resolved: Vec<(String, EntryId)>,
    /// Slug permalinks with captures none of which reads as a post page, with the reason.
    pub slugs_unresolved: Vec<(String, String)>,
    /// Images saved from captures.
    pub images_saved: usize,
    /// Images without a capture.
    pub images_missing: usize,
    /// Restored posts whose comments were read from captures of their comment endpoint.
    pub comments_restored: Vec<RestoredComments>,
    /// Restored posts with comment captures none of which could be read.
    pub comments_not_restored: Vec<UnrestoredComments>,
    /// Requests sent to the archive.
    pub requests: u64,
}

struct Source<'a> {
    fetcher: Fetcher,
    db: ArchiveDb,
    out: &'a Path,
    way: &'a WaybackOptions,
    /// The live blog's address, for the permalinks of restored posts.
    base: Url,
    /// Captures already fetched to learn a slug's entry id, by snapshot address: restoring that
    /// entry reads them from here instead of asking the archive twice.
    prefetched: HashMap<String, Fetched>,
}

/// A file of the archive that could not be written (the error names the file).
fn write_error(out: &Path, source: crate::Error) -> CrawlError {
    CrawlError::Write {
        path: out.to_path_buf(),
        source,
    }
}

/// The hosts whose captures belong to the blog.
fn hosts_of(blog: &Url, name: Option<&str>) -> Vec<String> {
    let mut hosts = Vec::new();
    if let Some(h) = blog.host_str() {
        hosts.push(h.to_ascii_lowercase());
    }
    if let Some(n) = name {
        let h = format!("{n}.tistory.com");
        if !hosts.contains(&h) {
            hosts.push(h);
        }
    }
    hosts
}

impl Source<'_> {
    async fn cdx_rows(
        &self,
        host: &str,
        report: &mut WaybackReport,
    ) -> Result<Vec<CdxRow>, SourceError> {
        let mut rows = Vec::new();
        let mut key: Option<String> = None;
        for _ in 0..MAX_CDX_PAGES {
            let url = cdx_query(&self.way.endpoint, host, key.as_deref())?;
            let fetched = self.fetcher.get(&url, None).await?;
            if fetched.status != 200 {
                return Err(SourceError::Status {
                    url: url.to_string(),
                    status: fetched.status,
                });
            }
            report.cdx_pages += 1;
            let page = parse_cdx(&String::from_utf8_lossy(&fetched.body)).map_err(|source| {
                SourceError::Unreadable {
                    url: url.to_string(),
                    source,
                }
            })?;
            rows.extend(page.rows);
            match page.resume_key {
                Some(k) if Some(&k) != key.as_ref() => key = Some(k),
                _ => return Ok(rows),
            }
        }
        Err(SourceError::Unending {
            host: host.to_owned(),
            pages: MAX_CDX_PAGES,
        })
    }

    /// The raw (`id_`) snapshot of `snap`, fetched (or taken from the captures
    /// [`Self::identify_slug`] kept) and decoded; `Err` says why it cannot be read.
    async fn fetch_capture(&mut self, snap: &CdxRow) -> Result<Capture, CaptureUnreadable> {
        let url = snapshot_url(&self.way.endpoint, &snap.timestamp, "id_", &snap.original)
            .map_err(CaptureUnreadable::Address)?;
        let got = match self.prefetched.remove(url.as_str()) {
            Some(f) => Ok(f),
            None => self.fetcher.get(&url, None).await,
        };
        let fetched = match got {
            Ok(f) if f.status == 200 => f,
            Ok(f) => {
                return Err(CaptureUnreadable::Status {
                    url,
                    status: f.status,
                });
            }
            Err(e) => return Err(CaptureUnreadable::Fetch(e)),
        };
        let Ok(decoded) = decode_page(&fetched.body, Path::new(url.as_str())) else {
            return Err(CaptureUnreadable::NotAPage { url });
        };
        Ok(Capture {
            url,
            fetched,
            decoded,
        })
    }

    /// Tries the captures of `id`, newest first; records the first that reads as an entry.
    async fn restore(
        &mut self,
        id: EntryId,
        snaps: &[CdxRow],
        report: &mut WaybackReport,
    ) -> Result<(), CrawlError> {
        let mut last = String::from("no capture is a post page");
        for snap in snaps.iter().take(MAX_SNAPSHOTS_PER_ENTRY) {
            let Capture {
                url,
                fetched,
                decoded,
            } = match self.fetch_capture(snap).await {
                Ok(c) => c,
                Err(why) => {
                    last = why.to_string();
                    continue;
                }
            };
            let source = PageSource {
                path: url.as_str().into(),
                url: Some(format!("{}{id}", self.base)),
                id_hint: Some(id),
                http_status: Some(200),
            };
            let post = match extract_page(&decoded.html, &source, &SelectorProfile::default()) {
                Ok(Page::Entry(p)) if p.id == id => p,
                Ok(_) | Err(_) => {
                    last = format!(
                        "the capture {} of entry {id} is not its post page",
                        snap.timestamp
                    );
                    continue;
                }
            };
            let state = match post.kind {
                PageKind::Post => EntryState::Ok,
                PageKind::Notice => EntryState::Notice,
                PageKind::Protected => EntryState::Protected,
                PageKind::Private => EntryState::Private,
                _ => {
                    last = format!(
                        "the capture {} of entry {id} is a not-found page",
                        snap.timestamp
                    );
                    continue;
                }
            };
            let raw = raw_page_rel(id);
            write_atomic(&resolve(self.out, &raw), &fetched.body)
                .map_err(|e| write_error(self.out, e))?;
            let mut assets: Vec<(String, AssetKind)> = Vec::new();
            if let Some(body) = &post.body {
                assets.extend(
                    body.images
                        .iter()
                        .map(|i| (i.url.clone(), AssetKind::Image)),
                );
                assets.extend(
                    body.attachments
                        .iter()
                        .map(|a| (a.url.clone(), AssetKind::Attachment)),
                );
            }
            for (asset, kind) in &assets {
                self.fetch_asset(&snap.timestamp, asset, *kind == AssetKind::Image, report)
                    .await?;
            }
            self.db.record_page(&PageOutcome {
                id,
                state,
                url: Some(post.url.clone()),
                http_status: Some(200),
                error: None,
                etag: None,
                last_modified: None,
                page_sha256: Some(hex::encode(Sha256::digest(&fetched.body))),
                raw_file: Some(raw),
                assets,
            })?;
            self.db.record_provenance(
                id,
                &Provenance {
                    origin: Origin::Wayback {
                        timestamp: snap.timestamp.clone(),
                        url: url.to_string(),
                    },
                    visibility: (state == EntryState::Ok || state == EntryState::Notice)
                        .then_some(Visibility::Public),
                    choice: Some(
                        "the live blog does not serve it; the newest capture that is its post page"
                            .into(),
                    ),
                    assets: Vec::new(),
                },
            )?;
            // The live blog was asked first (or is gone): a later crawl need not compare again.
            self.db.mark_live_checked(id)?;
            report.restored.push(id);
            return Ok(());
        }
        report.not_restored.push((id, last));
        Ok(())
    }

    /// The entry id behind the captures of `slug` (newest first): the archive's own slug map,
    /// else the id the newest capture that reads as a post page names (the capture is kept for
    /// [`Self::restore`]). A slug no capture of which is a post page is recorded failed (verify
    /// names it) and reported.
    async fn identify_slug(
        &mut self,
        slug: &str,
        snaps: &[CdxRow],
        report: &mut WaybackReport,
    ) -> Result<Option<EntryId>, CrawlError> {
        if let Some(id) = self.db.slug_id(slug)? {
            report.slugs_resolved.push((slug.to_owned(), id));
            return Ok(Some(id));
        }
        let mut last = String::from("no capture is a post page");
        for snap in snaps.iter().take(MAX_SNAPSHOTS_PER_ENTRY) {
            let Capture {
                url,
                fetched,
                decoded,
            } = match self.fetch_capture(snap).await {
                Ok(c) => c,
                Err(why) => {
                    last = why.to_string();
                    continue;
                }
            };
            let source = PageSource {
                path: url.as_str().into(),
                url: Some(snap.original.clone()),
                id_hint: None,
                http_status: Some(200),
            };
            match extract_page(&decoded.html, &source, &SelectorProfile::default()) {
                Ok(Page::Entry(p))
                    if matches!(
                        p.kind,
                        PageKind::Post | PageKind::Notice | PageKind::Protected | PageKind::Private
                    ) =>
                {
                    self.db.resolve_slug(slug, p.id)?;
                    self.prefetched.insert(url.to_string(), fetched);
                    report.slugs_resolved.push((slug.to_owned(), p.id));
                    return Ok(Some(p.id));
                }
                Ok(_) | Err(_) => {
                    last = format!("the capture {} is not a post page", snap.timestamp);
                }
            }
        }
        let why = format!("not restorable from the Wayback Machine: {last}");
        self.db.record_slug_failed(slug, None, &why)?;
        report.slugs_unresolved.push((slug.to_owned(), why));
        Ok(None)
    }

    async fn fetch_asset(
        &self,
        timestamp: &str,
        original: &str,
        is_image: bool,
        report: &mut WaybackReport,
    ) -> Result<(), CrawlError> {
        if self
            .db
            .asset(original)?
            .is_some_and(|a| a.state == AssetState::Ok)
        {
            return Ok(());
        }
        let flag = if is_image { "im_" } else { "id_" };
        let outcome = match snapshot_url(&self.way.endpoint, timestamp, flag, original) {
            Err(e) => Err(NoCopy::Failed(error_chain(&e))),
            Ok(url) => match self.fetcher.get(&url, None).await {
                Ok(mut f)
                    if f.status == 200
                        && !(is_image
                            && f.content_type
                                .as_deref()
                                .is_some_and(|c| c.starts_with("text/html"))) =>
                {
                    // The archive answers with the nearest capture: its own address says which.
                    if capture_timestamp(&f.final_url).is_none() {
                        f.final_url = url;
                    }
                    Ok(f)
                }
                Ok(f) if matches!(f.status, 404 | 410) => Err(NoCopy::Gone(format!(
                    "the Wayback Machine has no capture of {original}"
                ))),
                Ok(f) => Err(NoCopy::Failed(format!("{url} answered {}", f.status))),
                Err(e) => Err(NoCopy::Failed(e.to_string())),
            },
        };
        match outcome {
            Ok(f) => {
                let sha = hex::encode(Sha256::digest(&f.body));
                let rel = asset_rel(&sha, &asset_extension(f.content_type.as_deref(), original));
                write_atomic(&resolve(self.out, &rel), &f.body)
                    .map_err(|e| write_error(self.out, e))?;
                self.db.record_asset_ok(
                    original,
                    &sha,
                    &rel,
                    f.content_type.as_deref(),
                    f.body.len() as u64,
                )?;
                let origin = Origin::Wayback {
                    timestamp: capture_timestamp(&f.final_url)
                        .unwrap_or_else(|| timestamp.to_string()),
                    url: f.final_url.to_string(),
                };
                self.db.record_asset_origin(original, &origin)?;
                report.images_saved += 1;
            }
            Err(NoCopy::Gone(answer)) => {
                self.db.record_asset_gone(original, &answer)?;
                report.images_missing += 1;
            }
            Err(NoCopy::Failed(e)) => {
                self.db.record_asset_missing(original, &e)?;
                report.images_missing += 1;
            }
        }
        Ok(())
    }
}

/// Why a file was not restored from the Wayback Machine.
enum NoCopy {
    /// It has no capture (404 or 410): gone at the source, with the answer that said so.
    Gone(String),
    /// The request failed or another status came: a failed download.
    Failed(String),
}

/// The 14-digit timestamp in a snapshot address (`/web/20190304123000im_/…`).
fn capture_timestamp(url: &Url) -> Option<String> {
    let rest = url.path().strip_prefix("/web/")?;
    let ts: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (ts.len() == 14).then_some(ts)
}

/// Lists the blog's captures and restores every entry not archived live.
///
/// # Errors
/// [`CrawlError`] when the archive cannot be written or the archive's fetcher cannot be built;
/// a CDX failure is a warning in the report.
pub(crate) async fn complete_from_wayback(
    opts: &CrawlOptions,
    way: &WaybackOptions,
    reason: &str,
    warnings: &mut Vec<String>,
) -> Result<WaybackReport, CrawlError> {
    let policy = FetchPolicy {
        concurrency: NonZeroUsize::MIN,
        rate: Some(way.rate),
        backoff_base: way.backoff_base,
        // The blog's robots.txt does not govern the archive's API.
        respect_robots: false,
        ..opts.policy.clone()
    };
    let db = ArchiveDb::open(&opts.out.join(ARCHIVE_DB))?;
    let blog = db.blog()?;
    let base = blog
        .address()
        .and_then(|b| Url::parse(b).ok())
        .unwrap_or_else(|| super::blog_base(&opts.blog));
    let mut src = Source {
        fetcher: Fetcher::new(policy)?,
        db,
        out: &opts.out,
        way,
        base,
        prefetched: HashMap::new(),
    };
    let mut report = WaybackReport {
        endpoint: way.endpoint.to_string(),
        reason: reason.to_string(),
        ..WaybackReport::default()
    };
    let hosts = hosts_of(&opts.blog, blog.name.as_deref());
    let mut rows = Vec::new();
    for host in &hosts {
        match src.cdx_rows(host, &mut report).await {
            Ok(r) => rows.extend(r),
            Err(e) => warnings.push(format!(
                "Wayback CDX listing of {host}: {}",
                error_chain(&e)
            )),
        }
    }
    let mut snaps = post_snapshots(&rows, &hosts);
    // Slug permalinks: their captures serve the entry their id names, like an id capture.
    let slug_snaps = slug_snapshots(&rows, &hosts);
    let found: BTreeMap<String, BTreeSet<String>> = slug_snaps
        .keys()
        .map(|slug| (slug.clone(), BTreeSet::from(["wayback".to_owned()])))
        .collect();
    src.db.record_slugs_found(&found)?;
    for (slug, list) in &slug_snaps {
        if let Some(id) = src.identify_slug(slug, list, &mut report).await? {
            let all = snaps.entry(id).or_default();
            all.extend(list.iter().cloned());
            sort_newest_first(all);
        }
    }
    for (slug, why) in &report.slugs_unresolved {
        warnings.push(format!(
            "Wayback capture of the slug permalink /entry/{slug}: {why}"
        ));
    }
    report.ids_found = snaps.len();
    let ids: Vec<EntryId> = snaps.keys().copied().collect();
    src.db.record_sources("wayback", &ids)?;
    let states: BTreeMap<EntryId, EntryState> = src
        .db
        .entries()?
        .into_iter()
        .map(|e| (e.id, e.state))
        .collect();
    for (id, list) in &snaps {
        if states
            .get(id)
            .is_some_and(|s| matches!(s, EntryState::Ok | EntryState::Notice))
        {
            continue;
        }
        src.restore(*id, list, &mut report).await?;
    }
    // Ids only the archive named and that it could not restore: final, with the reason, so that
    // verify lists them instead of asking for a crawl that cannot help.
    for (id, why) in &report.not_restored {
        if states.get(id).is_none_or(|s| *s == EntryState::Pending) {
            src.db.record_page(&PageOutcome {
                id: *id,
                state: EntryState::Failed,
                url: Some(format!("{}{id}", src.base)),
                http_status: None,
                error: Some(format!(
                    "not served live, and not restorable from the Wayback Machine: {why}"
                )),
                etag: None,
                last_modified: None,
                page_sha256: None,
                raw_file: None,
                assets: Vec::new(),
            })?;
        }
    }
    if opts.comments {
        let captures = comment_snapshots(&rows, &hosts);
        src.restore_all_comments(&captures, &mut report).await?;
        for c in &report.comments_not_restored {
            warnings.push(format!(
                "Wayback captures of the comments of post {}: {}",
                c.id, c.reason
            ));
        }
    }
    report.requests = src
        .fetcher
        .stats
        .requests
        .load(std::sync::atomic::Ordering::Relaxed);
    Ok(report)
}

/// Refreshes a report's counts from the archive state after the Wayback source ran.
pub(crate) fn recount(out: &Path, report: &mut CrawlReport) -> Result<(), CrawlError> {
    let db = ArchiveDb::open(&out.join(ARCHIVE_DB))?;
    super::tally_state(&db, report)?;
    Ok(())
}

/// Why a capture cannot be read back as a page (the message is the reason a report gives).
#[derive(Debug, thiserror::Error)]
enum CaptureUnreadable {
    /// The snapshot address could not be built.
    #[error(transparent)]
    Address(crate::discover::error::AddressError),
    #[error("{url} answered {status}")]
    Status { url: Url, status: u16 },
    #[error(transparent)]
    Fetch(crate::fetch::FetchError),
    #[error("{url} is not a readable page")]
    NotAPage { url: Url },
}

/// One capture read back from the archive: its snapshot address, the bytes as served, the page.
struct Capture {
    url: Url,
    fetched: Fetched,
    decoded: crate::extract::decode::DecodedPage,
}
