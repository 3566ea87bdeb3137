//! A "not found" means "gone" only while the source that said it still answers. A blog that is
//! deleted, closed or suspended in the middle of a run answers 404 for every post, every comment
//! list and (through the replay's proxy, or when a CDN drops the blog's files) every file from
//! then on: taken at its word, each post would be recorded `deleted`, each comment list as "no
//! comments" and each file as gone at the source, and verify would explain them all away.
//!
//! So the run notes every such judgement as it is made ([`NotFound`]), with every file a host did
//! serve, in the order the answers came. After the passes each judgement is checked against
//! evidence about the source that gave it ([`confirm_not_found`]):
//! - posts and comment lists come from the blog: the home page is asked once more; if it no
//!   longer answers as the blog, the posts are recorded as failed fetches and the comment lists as
//!   failed (gaps verify names, tried again by `crawl --retry-failed`);
//! - a file comes from its own host (a CDN may keep answering while the blog is gone, or go while
//!   the blog answers): its 404 stands when that host served another file after it, or serves
//!   again a file it served before, in this run or an earlier one (one request per host); a host
//!   with no file to try is judged by the blog's home page. A 404 that does not stand is recorded as a failed download.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use url::Url;

use super::discovery::judge_home;
use super::pages::record_unconfirmed_deletion;
use super::{CrawlError, Ctx};
use crate::model::EntryId;

/// The scan's own source name: an id only it named is a probe, not a post anyone listed.
const SCAN_SOURCE: &str = "scan";

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

/// Whether the blog still answers as itself; asked at most once.
struct BlogAnswer<'a> {
    base: &'a Url,
    /// `None` until asked; then `Ok(())` or why not.
    answer: Option<Result<(), String>>,
}

impl BlogAnswer<'_> {
    async fn gone_why(&mut self, ctx: &Ctx) -> Option<String> {
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
pub(crate) async fn confirm_not_found(ctx: &Ctx, base: &Url) -> Result<usize, CrawlError> {
    let heard = ctx.not_found.take();
    let mut blog = BlogAnswer { base, answer: None };
    let mut failed = confirm_deletions(ctx, &heard.deleted, &mut blog).await?;
    failed += confirm_no_comments(ctx, &heard.no_comments, &mut blog).await?;
    failed += confirm_gone_files(ctx, &heard, &mut blog).await?;
    Ok(failed)
}

/// Posts the lists named that answered "not found": failed fetches when the blog is gone.
async fn confirm_deletions(
    ctx: &Ctx,
    judged: &BTreeSet<EntryId>,
    blog: &mut BlogAnswer<'_>,
) -> Result<usize, CrawlError> {
    if judged.is_empty() {
        return Ok(0);
    }
    let named: Vec<(EntryId, Option<u16>)> = ctx
        .db()
        .entries()?
        .into_iter()
        .filter(|e| judged.contains(&e.id))
        .filter(|e| e.sources.iter().any(|s| s != SCAN_SOURCE))
        .map(|e| (e.id, e.http_status))
        .collect();
    if named.is_empty() {
        return Ok(0);
    }
    let Some(why) = blog.gone_why(ctx).await else {
        return Ok(0);
    };
    let message = format!(
        "answered \"not found\", but the blog itself stopped answering before the run ended ({why}): not taken as deleted; run `crawl --retry-failed` when the blog is back, or `crawl --wayback`"
    );
    for &(id, status) in &named {
        record_unconfirmed_deletion(ctx, id, status, &message)?;
    }
    ctx.warn(format!(
        "the blog stopped answering during the run ({why}); {} posts that then answered \"not found\" are recorded as failed, not deleted: {}",
        named.len(),
        id_list(named.iter().map(|(id, _)| *id))
    ));
    Ok(named.len())
}

/// Comment lists whose endpoint answered 404: failed when the blog is gone.
async fn confirm_no_comments(
    ctx: &Ctx,
    judged: &BTreeSet<EntryId>,
    blog: &mut BlogAnswer<'_>,
) -> Result<usize, CrawlError> {
    if judged.is_empty() {
        return Ok(0);
    }
    let Some(why) = blog.gone_why(ctx).await else {
        return Ok(0);
    };
    let message = format!(
        "the comment list answered 404, but the blog itself stopped answering before the run ended ({why}): not taken as \"no comments\"; run `crawl --retry-failed` when the blog is back"
    );
    for &id in judged {
        ctx.db().record_comments(id, None, None, Some(&message))?;
    }
    ctx.warn(format!(
        "the blog stopped answering during the run ({why}); the comments of {} posts that then answered 404 are recorded as failed: {}",
        judged.len(),
        id_list(judged.iter().copied())
    ));
    Ok(judged.len())
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

fn id_list(ids: impl Iterator<Item = EntryId>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(" ")
}
