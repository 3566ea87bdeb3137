//! The Naver check's driver: fetch every ledger post (its `PostView.naver` frame content; a frame
//! wrapper is followed once on the endpoint's hosts; an unreadable page is tried again on the
//! mobile site), then the blog's RSS feed and every post it lists that the ledger lacks, and hand
//! it all to [`assess`]. One request at a time, paced by [`NaverClient`]. Reads only.

use url::Url;

use super::bundle_read::ExpectedBundle;
use super::compare::{AssessInput, LedgerPost, OtherPost, PageOutcome, assess};
use super::error::NaverError;
use super::fetch::{NaverClient, NaverFetchOptions};
use super::page::{PageRead, read_page};
use super::rss::{RssItem, read_rss};
use super::{DEFAULT_NAVER_THRESHOLD, NaverReport, RssOutcome};
use crate::archive::db::LedgerRow;
use crate::bundle::{NaverPostRef, parse_naver_url};
use crate::report::error_chain;

/// How the check runs.
#[derive(Debug, Clone)]
pub struct NaverCheckOptions {
    /// Fetching: endpoint, pacing, retries, User-Agent.
    pub fetch: NaverFetchOptions,
    /// Posts keeping less of their text than this are `text_lost`.
    pub threshold: f64,
}

impl Default for NaverCheckOptions {
    fn default() -> Self {
        Self {
            fetch: NaverFetchOptions::default(),
            threshold: DEFAULT_NAVER_THRESHOLD,
        }
    }
}

/// Progress callback: (requests done so far, posts done, posts to do).
pub type OnProgress<'a> = &'a (dyn Fn(usize, usize, usize) + Send + Sync);

async fn fetch_post(client: &mut NaverClient, post: &NaverPostRef) -> PageOutcome {
    let mut url = client.endpoint().post_view(post);
    let mut followed = false;
    let first = loop {
        match client.get(&url).await {
            Err(e) => break PageOutcome::Unreadable(error_chain(&e)),
            Ok(f) if matches!(f.status, 404 | 410) => return PageOutcome::NotFound,
            Ok(f) if f.status == 403 || f.status == 401 => return PageOutcome::Private,
            Ok(f) if f.status != 200 => {
                break PageOutcome::Unreadable(format!("Naver answered {} for {url}", f.status));
            }
            Ok(f) => match read_page(&f.body) {
                PageRead::Post(page) => return PageOutcome::Read(page),
                PageRead::Private => return PageOutcome::Private,
                PageRead::NotFound => return PageOutcome::NotFound,
                PageRead::Frame { src } if !followed => match f.url.join(&src) {
                    Ok(next) if client.endpoint().owns(&next) => {
                        followed = true;
                        url = next;
                    }
                    _ => {
                        break PageOutcome::Unreadable(format!(
                            "the page's frame points elsewhere ({src})"
                        ));
                    }
                },
                PageRead::Frame { src } => {
                    break PageOutcome::Unreadable(format!("a frame inside a frame ({src})"));
                }
                PageRead::Unreadable(why) => break PageOutcome::Unreadable(why),
            },
        }
    };
    // The mobile page, once, when the desktop one could not be read.
    let mobile = client.endpoint().mobile_page(post);
    match client.get(&mobile).await {
        Ok(f) if f.status == 200 => match read_page(&f.body) {
            PageRead::Post(page) => PageOutcome::Read(page),
            PageRead::Private => PageOutcome::Private,
            PageRead::NotFound => PageOutcome::NotFound,
            _ => first,
        },
        Ok(f) if matches!(f.status, 404 | 410) => PageOutcome::NotFound,
        _ => first,
    }
}

/// Checks every ledger row against the bundle on Naver.
///
/// # Errors
/// [`NaverError::Client`] when the HTTP client cannot be built. Pages that fail are findings,
/// not errors.
pub async fn check_naver(
    bundle: &ExpectedBundle,
    ledger: &[LedgerRow],
    options: &NaverCheckOptions,
    on_progress: OnProgress<'_>,
) -> Result<NaverReport, NaverError> {
    let mut client = NaverClient::new(options.fetch.clone())?;
    let refs: Vec<(LedgerRow, Option<NaverPostRef>)> = ledger
        .iter()
        .map(|r| (r.clone(), parse_naver_url(&r.naver_url, None).ok()))
        .collect();
    let blog_id = refs.iter().find_map(|(r, p)| {
        r.blog_id
            .clone()
            .or_else(|| p.as_ref().map(|p| p.blog_id.clone()))
    });
    // The feed first: its items give tags and categories, and list the posts the ledger lacks.
    let mut rss_items: Vec<RssItem> = Vec::new();
    let rss = match &blog_id {
        None => None,
        Some(blog) => {
            let url: Url = client.endpoint().feed(blog);
            let outcome = match client.get(&url).await {
                Ok(f) if f.status == 200 => match read_rss(&f.body, blog) {
                    Ok(items) => {
                        rss_items = items;
                        None
                    }
                    Err(e) => Some(error_chain(&e)),
                },
                Ok(f) => Some(format!("Naver answered {}", f.status)),
                Err(e) => Some(error_chain(&e)),
            };
            Some(RssOutcome {
                url: url.to_string(),
                items: rss_items.len(),
                error: outcome,
            })
        }
    };
    let others: Vec<&RssItem> = rss_items
        .iter()
        .filter(|item| !refs.iter().any(|(_, p)| p.as_ref() == Some(&item.post)))
        .collect();
    let total = refs.len() + others.len();
    let mut done = 0;
    on_progress(client.requests(), done, total);
    let mut ledger_posts = Vec::with_capacity(refs.len());
    for (row, post) in &refs {
        let outcome = match post {
            Some(p) => fetch_post(&mut client, p).await,
            None => PageOutcome::Unreadable(format!(
                "the ledger's address {} is not a Naver post URL",
                row.naver_url
            )),
        };
        ledger_posts.push(LedgerPost {
            id: row.post_id,
            naver_url: row.naver_url.clone(),
            outcome,
            rss: post
                .as_ref()
                .and_then(|p| rss_items.iter().find(|i| &i.post == p).cloned()),
        });
        done += 1;
        on_progress(client.requests(), done, total);
    }
    let mut other_posts = Vec::with_capacity(others.len());
    for item in others {
        let outcome = fetch_post(&mut client, &item.post).await;
        other_posts.push(OtherPost {
            rss: item.clone(),
            outcome,
        });
        done += 1;
        on_progress(client.requests(), done, total);
    }
    Ok(assess(AssessInput {
        bundle,
        blog_id,
        ledger: ledger_posts,
        others: other_posts,
        rss,
        requests: client.requests(),
        threshold: options.threshold,
    }))
}

/// [`check_naver`] on a runtime of its own, for the synchronous `verify` command.
///
/// # Errors
/// As [`check_naver`], or when no runtime can be started.
pub fn check_naver_blocking(
    bundle: &ExpectedBundle,
    ledger: &[LedgerRow],
    options: &NaverCheckOptions,
) -> Result<NaverReport, NaverError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(NaverError::Runtime)?;
    rt.block_on(check_naver(bundle, ledger, options, &|_, _, _| {}))
}
