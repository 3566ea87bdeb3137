//! A "not found" means "gone" only while the source that said it still answers. A blog that is
//! deleted, closed or suspended in the middle of a run answers 404 for every post, every comment
//! list and (through the replay's proxy, or when a CDN drops the blog's files) every file from
//! then on: taken at its word, each post would be recorded `deleted`, each comment list as "no
//! comments" and each file as gone at the source, and verify would explain them all away.
//!
//! So the run notes every such judgement as it is made ([`NotFound`]), with every file a host did
//! serve, in the order the answers came. After the passes each judgement is checked against
//! evidence about the source that gave it ([`confirm_not_found`]):
//! - posts and comment lists come from the blog: a "not found" stands only once the same address
//!   answers "not found" again after the blog has answered as itself ([`super::still_there_posts`]:
//!   the home page, each address once more, the home page again); if the blog does not answer,
//!   the posts are recorded as failed fetches and the comment lists as failed (gaps verify names,
//!   tried again by `crawl --retry-failed`), and the id scan's misses past the highest id as a scan
//!   that did not finish;
//! - a file comes from its own host (a CDN may keep answering while the blog is gone, or go while
//!   the blog answers): its 404 stands when that host served another file after it, or serves
//!   again a file it served before, in this run or an earlier one (one request per host); a host
//!   with no file to try is judged by the blog's home page. A 404 that does not stand is recorded as a failed download.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use url::Url;

use super::discovery::judge_home;
use super::{CrawlError, Ctx};
use crate::model::EntryId;

/// The "not found" answers of this run, and the files each host served, in answer order.
#[derive(Debug, Default)]
pub(crate) struct NotFound(Mutex<Heard>);

/// What [`NotFound`] holds.
#[derive(Debug, Default)]
struct Heard {
    /// The order of the next answer.
    next: u64,
    /// Posts judged deleted.
    deleted: BTreeSet<EntryId>,
    /// Posts whose comment endpoint answered 404 on its first page (recorded as no comments).
    no_comments: BTreeSet<EntryId>,
    /// Ids the scan past the highest id probed and did not find (forgotten as probes).
    margin: BTreeSet<EntryId>,
    /// Files judged gone at the source.
    gone: Vec<GoneFile>,
    /// The file each host (an origin) served on the latest request, and when it was sent.
    served: BTreeMap<String, Served>,
}

/// A file a host answered 404 or 410 for.
#[derive(Debug, Clone)]
struct GoneFile {
    /// The original URL (the archive's key).
    url: String,
    /// The origin the request went to.
    host: String,
    /// When the answer came.
    at: u64,
    /// The error recorded for it.
    error: String,
}

/// A file a host served.
#[derive(Debug, Clone)]
struct Served {
    /// The original URL.
    url: String,
    /// When the request was sent.
    at: u64,
}

/// The host a request goes to, as `scheme://host:port`.
pub(crate) fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

impl NotFound {
    fn with<T>(&self, f: impl FnOnce(&mut Heard) -> T) -> T {
        f(&mut self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// A post the blog answered "not found" for.
    pub(crate) fn deleted(&self, id: EntryId) {
        self.with(|h| h.deleted.insert(id));
    }

    /// A post whose comment endpoint answered 404 on its first page.
    pub(crate) fn no_comments(&self, id: EntryId) {
        self.with(|h| h.no_comments.insert(id));
    }

    /// Ids the scan past the highest id probed and found no entry at.
    pub(crate) fn margin_missed(&self, ids: impl IntoIterator<Item = EntryId>) {
        self.with(|h| h.margin.extend(ids));
    }

    /// The posts, comment lists and scan probes heard "not found" since the last call (files stay).
    pub(crate) fn take_posts(&self) -> PostsHeard {
        self.with(|h| PostsHeard {
            deleted: std::mem::take(&mut h.deleted),
            no_comments: std::mem::take(&mut h.no_comments),
            margin: std::mem::take(&mut h.margin),
        })
    }

    /// A file `host` answered 404 or 410 for (recorded with `error`).
    pub(crate) fn gone_file(&self, url: &str, host: String, error: &str) {
        self.with(|h| {
            h.next += 1;
            let at = h.next;
            h.gone.push(GoneFile {
                url: url.to_owned(),
                host,
                at,
                error: error.to_owned(),
            });
        });
    }

    /// The time of a request about to be sent, for [`Self::served_file`].
    pub(crate) fn now(&self) -> u64 {
        self.with(|h| {
            h.next += 1;
            h.next
        })
    }

    /// A file `host` served, asked for at `sent` ([`Self::now`]): only a request sent after a
    /// 404 came in says the host still serves files then (an answer to an earlier request may
    /// come in later).
    pub(crate) fn served_file(&self, url: &str, host: String, sent: u64) {
        self.with(|h| {
            let later = h.served.get(&host).is_none_or(|s| s.at < sent);
            if later {
                h.served.insert(
                    host,
                    Served {
                        url: url.to_owned(),
                        at: sent,
                    },
                );
            }
        });
    }

    fn take(&self) -> Heard {
        self.with(std::mem::take)
    }
}

/// What the blog answered "not found" for, by kind ([`NotFound::take_posts`]).
#[derive(Debug, Default)]
pub(crate) struct PostsHeard {
    /// Posts judged deleted.
    pub deleted: BTreeSet<EntryId>,
    /// Posts whose comment list answered 404 (taken as none).
    pub no_comments: BTreeSet<EntryId>,
    /// Scan probes past the highest id that found nothing.
    pub margin: BTreeSet<EntryId>,
}

impl PostsHeard {
    pub(crate) fn is_empty(&self) -> bool {
        self.deleted.is_empty() && self.no_comments.is_empty() && self.margin.is_empty()
    }
}

/// Whether the blog still answers as itself; asked at most once.
pub(crate) struct BlogAnswer<'a> {
    base: &'a Url,
    /// `None` until asked; then `Ok(())` or why not.
    answer: Option<Result<(), String>>,
}

impl<'a> BlogAnswer<'a> {
    /// Not asked yet.
    pub(crate) fn new(base: &'a Url) -> Self {
        Self { base, answer: None }
    }

    /// Why the blog is taken as not answering as itself, or `None` when its home page answered
    /// as the blog (asked on the first call only).
    pub(crate) async fn gone_why(&mut self, ctx: &Ctx) -> Option<String> {
        if self.answer.is_none() {
            let base = self.base;
            self.answer = Some(match ctx.fetcher.get(base, None).await {
                Ok(fetched) => judge_home(base, &fetched)
                    .map(drop)
                    .map_err(|e| e.to_string()),
                Err(e) => Err(format!("{base} did not answer: {e}")),
            });
        }
        self.answer.as_ref().and_then(|a| a.clone().err())
    }
}

/// Checks this run's "not found" answers against whether their source still answers, and records
/// the ones that do not stand as failures (warning about each kind). Returns how many were
/// recorded so.
///
/// # Errors
/// [`CrawlError`] when the archive cannot be written.
pub(crate) async fn confirm_not_found(
    ctx: &std::sync::Arc<Ctx>,
    base: &Url,
    shape: super::still_there_posts::RunShape,
    progress: &crate::progress::Progress,
) -> Result<usize, CrawlError> {
    let mut blog = BlogAnswer::new(base);
    let mut failed =
        super::still_there_posts::confirm_posts(ctx, base, shape, &mut blog, progress).await?;
    let heard = ctx.not_found.take();
    failed += confirm_gone_files(ctx, &heard, &mut blog).await?;
    Ok(failed)
}

/// Files answered 404 or 410: failed downloads when their host no longer serves files.
async fn confirm_gone_files(
    ctx: &Ctx,
    heard: &Heard,
    blog: &mut BlogAnswer<'_>,
) -> Result<usize, CrawlError> {
    // A host that served a file asked for after the 404 came in answers: the 404 stands.
    let doubtful: Vec<&GoneFile> = heard
        .gone
        .iter()
        .filter(|g| heard.served.get(&g.host).is_none_or(|s| s.at < g.at))
        .collect();
    let hosts: BTreeSet<&str> = doubtful.iter().map(|g| g.host.as_str()).collect();
    let mut host_gone: BTreeMap<&str, String> = BTreeMap::new();
    for host in hosts {
        if let Some(why) = host_gone_why(ctx, host, heard.served.get(host), blog).await {
            host_gone.insert(host, why);
        }
    }
    let mut failed = 0;
    for g in doubtful {
        let Some(why) = host_gone.get(g.host.as_str()) else {
            continue;
        };
        // The answer the `gone` state recorded, demoted to a failed download.
        let error = &g.error;
        ctx.db().record_asset_missing(
            &g.url,
            &format!(
                "{error}, but its source stopped answering before the run ended ({why}): not taken as gone; run `crawl --retry-failed` when it is back"
            ),
        )?;
        failed += 1;
    }
    if failed > 0 {
        ctx.warn(format!(
            "{failed} files answered 404 after their host stopped serving files: recorded as failed downloads, not as gone ({})",
            host_gone
                .iter()
                .map(|(h, why)| format!("{h}: {why}"))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    Ok(failed)
}

/// Why `host` is taken as no longer serving files, or `None` when it still does: it serves again
/// the last file it served (`served`); with no such file, the blog's own host or a host with no
/// file to try is judged by the blog's home page.
async fn host_gone_why(
    ctx: &Ctx,
    host: &str,
    served: Option<&Served>,
    blog: &mut BlogAnswer<'_>,
) -> Option<String> {
    let earlier = match served {
        Some(s) => Some(s.url.clone()),
        None => saved_from(ctx, host),
    };
    let Some(earlier) = earlier else {
        return blog.gone_why(ctx).await;
    };
    let url = super::assets::asset_fetch_url(&earlier, ctx.asset_proxy.as_ref())?;
    match ctx.fetcher.get(&url, None).await {
        Ok(f) if f.status == 200 => None,
        Ok(f) => Some(format!(
            "{host} answered {} for {earlier}, a file it served before",
            f.status
        )),
        Err(e) => Some(format!(
            "{host} did not answer for {earlier}, a file it served before: {e}"
        )),
    }
}

/// A file the archive holds that was downloaded from `host` (an earlier run's), if any.
fn saved_from(ctx: &Ctx, host: &str) -> Option<String> {
    let assets = ctx.db().assets().ok()?;
    assets
        .into_iter()
        .filter(|a| a.state == crate::model::AssetState::Ok)
        .map(|a| a.url)
        .find(|u| {
            super::assets::asset_fetch_url(u, ctx.asset_proxy.as_ref())
                .is_some_and(|f| origin_of(&f) == host)
        })
}

pub(crate) fn id_list(ids: impl Iterator<Item = EntryId>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(" ")
}
