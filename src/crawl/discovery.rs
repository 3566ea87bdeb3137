//! The discovery driver: reads the home page, then every source — listing and category pages, the
//! mobile JSON list, sitemap.xml (and its indexes), /rss — and records, for every entry id, which
//! sources named it. Ids between 1 and the highest known id that no source named are added as
//! `scan`. A source that fails is a warning; discovery goes on with the others.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::path::Path;
use std::sync::Arc;

use url::Url;

use super::source_error::SourceError;
use super::{CrawlError, Ctx, MAX_LISTING_PAGES};
use crate::archive::db::{ApiEntry, SourceEnd, SourceOutcome};
use crate::archive::layout::{raw_listing_rel, resolve};
use crate::archive::store::write_atomic;
use crate::discover::listing::{Listing, parse_listing, parse_listing_doc};
use crate::discover::mobile_api::{MobileItem, mobile_list_path, parse_mobile_list};
use crate::discover::normalize::{EntryRef, entry_ref};
use crate::discover::rss::parse_rss;
use crate::discover::sitemap::parse_sitemap;
use crate::extract::blog_facts;
use crate::extract::decode::decode_page;
use crate::extract::probe::parse_document;
use crate::fetch::Fetcher;
use crate::model::EntryId;
use crate::model::blog::Blog;
use crate::progress::Progress;
use crate::report::error_chain;

/// The home page and what it says, read off one parse of it.
pub(crate) struct Home {
    pub url: Url,
    /// The blog the crawl archives, built from what the page says (see [`super::blog`]).
    pub blog: Blog,
    /// The home page as the first listing page, its entry links matched with `blog`'s hosts.
    pub first: Listing,
}

/// What discovery found besides the ids it recorded.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Slug permalinks to resolve, with the sources that named each.
    pub slugs: BTreeMap<String, BTreeSet<String>>,
    /// The sidebar total, when shown.
    pub sidebar_total: Option<u64>,
}

/// Fetches the home page; fails when the address does not answer or is not a Tistory blog.
pub(crate) async fn read_home(
    fetcher: &Fetcher,
    base: &Url,
    out: &Path,
) -> Result<Home, CrawlError> {
    let fetched = fetcher.get(base, None).await?;
    let home = judge_home(base, &fetched)?;
    save_listing_page(out, &fetched.final_url, &fetched.body);
    Ok(home)
}

/// Judges the home page served for `base`: the blog is there when it answers 200 with a Tistory
/// page; 404 and 410 say the blog is gone; anything else is not (or no longer) a Tistory blog.
/// The page is parsed once, for the blog's facts and for its links.
pub(crate) fn judge_home(base: &Url, fetched: &crate::fetch::Fetched) -> Result<Home, CrawlError> {
    if matches!(fetched.status, 404 | 410) {
        return Err(CrawlError::BlogGone {
            url: base.to_string(),
            status: fetched.status,
        });
    }
    if fetched.status != 200 {
        return Err(CrawlError::NotTistory {
            url: base.to_string(),
            why: format!("its home page answered {}", fetched.status),
        });
    }
    let html = decode_page(&fetched.body, Path::new("home page"))
        .map(|d| d.html)
        .map_err(|e| CrawlError::NotTistory {
            url: base.to_string(),
            why: e.to_string(),
        })?;
    let url = fetched.final_url.clone();
    let doc = parse_document(Path::new(url.as_str()), &html);
    let facts = blog_facts(&doc, &html);
    if !facts.is_tistory {
        return Err(CrawlError::NotTistory {
            url: base.to_string(),
            why: "its home page has no Tistory markers".into(),
        });
    }
    let blog = super::blog::blog_of_home(base, &facts);
    let identity = blog
        .identity()
        .expect("a crawled blog has the address it was crawled at");
    let first = parse_listing_doc(&doc, &url, &identity);
    Ok(Home { url, blog, first })
}

/// Keeps a listing page as served, under `raw/pages/` (best effort: it is not an entry).
fn save_listing_page(out: &Path, url: &Url, body: &[u8]) {
    let mut name = url.path().trim_matches('/').replace('/', "_");
    if name.is_empty() {
        name = "index".into();
    }
    if let Some(q) = url.query() {
        name = format!("{name}_{q}");
    }
    let path = resolve(out, &raw_listing_rel(&name));
    let _ = write_atomic(&path, body);
}

struct Collector<'a> {
    ctx: &'a Ctx,
    /// Ids named since the last flush, by source.
    ids: BTreeMap<&'static str, BTreeSet<EntryId>>,
    /// Every id each source named in this run: a page that adds none is a repeat.
    named: BTreeMap<&'static str, BTreeSet<EntryId>>,
    found: Found,
}

impl Collector<'_> {
    /// Records that `source` named `id`; true when the source had not named it before.
    fn add_id(&mut self, source: &'static str, id: EntryId) -> bool {
        if id > super::scan::MAX_ENTRY_ID {
            // An id no SQLite integer holds is no entry of any blog.
            return false;
        }
        self.ids.entry(source).or_default().insert(id);
        self.named.entry(source).or_default().insert(id)
    }

    /// Records what `url` names (an id or a slug); true when it is new for `source`.
    fn add(&mut self, source: &'static str, url: &Url) -> bool {
        match entry_ref(url, &self.ctx.identity) {
            Some(EntryRef::Id(id)) => self.add_id(source, id),
            Some(EntryRef::Slug(slug)) => self
                .found
                .slugs
                .entry(slug)
                .or_default()
                .insert(source.to_string()),
            None => false,
        }
    }

    fn add_str(&mut self, source: &'static str, url: &str, base: &Url) -> bool {
        base.join(url.trim()).is_ok_and(|u| self.add(source, &u))
    }

    fn named(&self, source: &'static str) -> usize {
        self.named.get(source).map_or(0, BTreeSet::len)
    }

    /// Records the ids named since the last flush and hands the ones whose page is needed to the
    /// fetch queue ([`super::stream`]); a slug found stops that.
    fn flush(&mut self) -> Result<(), CrawlError> {
        if !self.found.slugs.is_empty() {
            self.ctx.stream.stop();
        }
        let mut db = self.ctx.db();
        for (source, ids) in std::mem::take(&mut self.ids) {
            let ids = ids.into_iter().collect::<Vec<_>>();
            db.record_sources(source, &ids)?;
            self.ctx.stream.offer(&db, &ids)?;
        }
        Ok(())
    }

    /// Records how `outcome.source` ended, in one transaction with the ids it named since the
    /// last flush (which are then handed to the fetch queue like any flush's).
    fn finish(&mut self, outcome: &SourceOutcome) -> Result<(), CrawlError> {
        if !self.found.slugs.is_empty() {
            self.ctx.stream.stop();
        }
        let key = self.ids.keys().find(|k| **k == outcome.source).copied();
        let ids: Vec<EntryId> = key
            .and_then(|k| self.ids.remove(k))
            .map(|ids| ids.into_iter().collect())
            .unwrap_or_default();
        let mut db = self.ctx.db();
        db.record_source_outcome(&ids, outcome)?;
        self.ctx.stream.offer(&db, &ids)?;
        Ok(())
    }
}

/// The first error a source met, as its end (`None`: it finished).
fn source_end(source: &str, first_error: Option<String>) -> SourceOutcome {
    match first_error {
        None => SourceOutcome::finished(source),
        Some(why) => SourceOutcome::unfinished(source, why),
    }
}

/// A page as served and as text, decoded by the one page decoder (BOM, declared charset, UTF-8,
/// then EUC-KR), so an EUC-KR listing parses right and is saved as the bytes served.
struct ServedText {
    bytes: Vec<u8>,
    text: String,
}

async fn get_text(ctx: &Ctx, url: &Url) -> Result<String, SourceError> {
    get_served(ctx, url).await.map(|s| s.text)
}

/// A mobile list page, by number.
async fn get_mobile_page(ctx: &Ctx, page: u64) -> Result<String, SourceError> {
    let path = mobile_list_path(page);
    match ctx.identity.base.join(&path) {
        Ok(url) => get_text(ctx, &url).await,
        Err(source) => Err(SourceError::BlogAddress { path, source }),
    }
}

async fn get_served(ctx: &Ctx, url: &Url) -> Result<ServedText, SourceError> {
    if !ctx.fetcher.allowed(url).await {
        return Err(SourceError::Disallowed {
            url: url.to_string(),
        });
    }
    let f = ctx.fetcher.get(url, None).await?;
    if f.status != 200 {
        return Err(SourceError::Status {
            url: url.to_string(),
            status: f.status,
        });
    }
    // A blank body is left to the parser to report (it is not a page to decode).
    let text = if f.body.iter().all(u8::is_ascii_whitespace) {
        String::from_utf8_lossy(&f.body).into_owned()
    } else {
        decode_page(&f.body, Path::new(url.as_str()))?.html
    };
    Ok(ServedText {
        bytes: f.body,
        text,
    })
}

/// Runs the discovery sources and records what each named. The mobile list, sitemap.xml and
/// /rss always; the walk over listing, category and paging pages only when `exhaustive`, or when
/// those sources do not account for every post the blog counts (then it is the only way to find
/// them). The home page's own links are always recorded: the page is fetched anyway.
pub(crate) async fn discover(
    ctx: &Arc<Ctx>,
    home: &Home,
    input: &Url,
    exhaustive: bool,
    progress: &Progress,
) -> Result<Found, CrawlError> {
    let bar = progress.bar("discover", 0);
    let mut c = Collector {
        ctx,
        ids: BTreeMap::new(),
        named: BTreeMap::new(),
        found: Found::default(),
    };
    c.add("input", input);
    let first = &home.first;
    c.found.sidebar_total = first.total;
    for l in &first.entry_links {
        c.add("listing", l);
    }
    c.flush()?;
    // sitemap.xml and the feed first, both at once: with the home page they show whether the
    // blog names its posts by slug, which decides whether pages are fetched as they are found.
    let sitemap = ctx.identity.base.join("/sitemap.xml").ok();
    let feed = ctx.identity.base.join("/rss").ok();
    let (first_map, feed_text) = tokio::join!(
        async {
            match &sitemap {
                Some(url) => Some(get_text(ctx, url).await),
                None => None,
            }
        },
        async {
            match &feed {
                Some(url) => Some(get_text(ctx, url).await),
                None => None,
            }
        }
    );
    walk_sitemaps(ctx, &mut c, &bar, sitemap.zip(first_map)).await?;
    read_rss(&mut c, feed_text)?;
    if c.found.slugs.is_empty() {
        ctx.stream.release();
    }
    let mobile = walk_mobile_list(ctx, &mut c, &bar).await?;
    let counted = c.found.sidebar_total.max(mobile.total).unwrap_or(0);
    let listed = c.named("mobile_api");
    if exhaustive || !mobile.whole || (listed as u64) < counted {
        if !exhaustive {
            ctx.warn(format!(
                "the mobile list named {listed} posts (the blog counts {counted}{}): walking the listing pages too",
                if mobile.whole { "" } else { ", and the list did not finish" }
            ));
        }
        walk_listings(ctx, home, first.clone(), &mut c, &bar).await?;
    } else {
        c.finish(&SourceOutcome {
            source: "listing".into(),
            end: SourceEnd::NotWalked,
            detail: None,
        })?;
        tracing::info!(
            "the mobile list named all {listed} posts the blog counts: listing pages not walked (--exhaustive-discovery walks them)"
        );
    }
    if let Some(t) = mobile.total {
        ctx.db().set_meta("mobile_total", &t.to_string())?;
    }
    if let Some(t) = c.found.sidebar_total {
        ctx.db().set_meta("sidebar_total", &t.to_string())?;
    }
    bar.finish_and_clear();
    Ok(c.found)
}

/// Listing, category and tag pages, breadth first from the home page. A page that names no id
/// the walk had not seen is a repeat (a skin or server that serves page 1 for any `?page=N`):
/// its paging links are not followed.
async fn walk_listings(
    ctx: &Arc<Ctx>,
    home: &Home,
    first: crate::discover::listing::Listing,
    c: &mut Collector<'_>,
    bar: &indicatif::ProgressBar,
) -> Result<(), CrawlError> {
    let home_lists = !first.entry_links.is_empty();
    let mut queue: VecDeque<Url> = VecDeque::new();
    let mut seen: HashSet<String> = HashSet::new();
    seen.insert(home.url.to_string());
    let mut enqueue = |links: Vec<Url>, queue: &mut VecDeque<Url>| {
        for l in links {
            if seen.len() < MAX_LISTING_PAGES && seen.insert(l.to_string()) {
                queue.push_back(l);
            }
        }
    };
    enqueue(
        with_page_gaps(first.page_links)
            .into_iter()
            .chain(first.category_links)
            .collect(),
        &mut queue,
    );
    // As many listing pages in flight as requests may be (the rate limit still spaces them).
    let in_flight_max = ctx.fetcher.policy().concurrency.get();
    // Looking ahead only pays when requests are not spaced by the rate limit; under it, each
    // page past a listing's end would be a wasted, paced request.
    let look_ahead = if ctx.fetcher.policy().rate.is_some() {
        1
    } else {
        in_flight_max as u64
    };
    let mut in_flight = tokio::task::JoinSet::new();
    let mut first_error: Option<String> = None;
    // Listing pages answered (the home page not counted).
    let mut walked = 0usize;
    loop {
        while in_flight.len() < in_flight_max
            && let Some(url) = queue.pop_front()
        {
            let task_ctx = Arc::clone(ctx);
            in_flight.spawn(async move {
                let text = get_served(&task_ctx, &url).await;
                (url, text)
            });
        }
        let Some(joined) = in_flight.join_next().await else {
            break;
        };
        let Ok((url, text)) = joined else {
            first_error.get_or_insert_with(|| "a listing page's task failed".into());
            continue;
        };
        walked += 1;
        bar.set_message(format!("listing {}", url.path()));
        match text {
            Ok(served) => {
                let listing = parse_listing(&served.text, &url, &ctx.identity);
                save_listing_page(&ctx.out, &url, &served.bytes);
                if c.found.sidebar_total.is_none() {
                    c.found.sidebar_total = listing.total;
                }
                let mut new = 0;
                for l in &listing.entry_links {
                    new += usize::from(c.add("listing", l));
                }
                // A page that named new posts may have more after it, even when the skin links
                // only the next one: look ahead. A page past the end, or one repeating what was
                // seen, stops its paging.
                let paging = if new == 0 {
                    Vec::new()
                } else {
                    with_page_gaps(listing.page_links)
                        .into_iter()
                        .chain(pages_after(&url, look_ahead))
                        .collect()
                };
                enqueue(
                    paging.into_iter().chain(listing.category_links).collect(),
                    &mut queue,
                );
            }
            Err(e) => {
                let why = format!("listing page skipped: {}", error_chain(&e));
                first_error.get_or_insert_with(|| why.clone());
                ctx.warn(why);
            }
        }
        bar.inc(1);
    }
    if walked == 0 && !home_lists && first_error.is_none() {
        // A home page that names no post and links no listing page (a cover page, say): the
        // walk reached no list at all. (A home page that names posts and links no other page is
        // the blog's one listing page: walked whole.)
        first_error = Some(
            "the home page names no post and links no listing, category or paging page: the walk reached none of the blog's lists".into(),
        );
    }
    c.finish(&source_end("listing", first_error))
}

/// How the mobile list walk ended.
#[derive(Debug, Default)]
struct MobileWalk {
    /// The blog's entry count as the list gave it.
    total: Option<u64>,
    /// True when the list ran to its end (no error, no repeat).
    whole: bool,
}

/// The most mobile list pages one crawl reads (20 entries each).
const MAX_MOBILE_PAGES: u64 = 10_000;

/// The mobile JSON list, following `nextPage`. Once page 0 tells the total, the next pages go
/// out a window at a time (as many as requests may be in flight), never past the last page the
/// total implies. A page that adds no id the list had not named is a repeat and ends the walk.
async fn walk_mobile_list(
    ctx: &Arc<Ctx>,
    c: &mut Collector<'_>,
    bar: &indicatif::ProgressBar,
) -> Result<MobileWalk, CrawlError> {
    let mut walk = MobileWalk::default();
    let window = ctx.fetcher.policy().concurrency.get() as u64;
    let mut last_page: Option<u64> = None;
    let mut ahead: std::collections::HashMap<u64, Result<String, SourceError>> =
        std::collections::HashMap::new();
    let mut page = 0u64;
    // Why the walk stopped before the list's end, when it did.
    let mut stopped: Option<String> = None;
    loop {
        bar.set_message(format!("mobile list page {page}"));
        let text = match ahead.remove(&page) {
            Some(t) => t,
            None => get_mobile_page(ctx, page).await,
        };
        bar.inc(1);
        let list = match text.and_then(|t| Ok(parse_mobile_list(&t)?)) {
            Ok(list) => list,
            Err(e) => {
                let why = format!(
                    "the mobile post list stopped at page {page}: {}",
                    error_chain(&e)
                );
                stopped = Some(why.clone());
                ctx.warn(why);
                break;
            }
        };
        walk.total = walk.total.or(list.total);
        if list.items.is_empty() {
            walk.whole = true;
            break;
        }
        if page == 0 {
            last_page = list
                .total
                .map(|t| t.div_ceil(list.items.len() as u64).saturating_sub(1));
        }
        // Recorded page by page, before the page's ids are handed to the fetch queue: a post
        // made as soon as its page lands reads what the list said about it.
        let listed: Vec<ApiEntry> = list.items.iter().filter_map(api_entry).collect();
        ctx.db().record_api_entries(&listed)?;
        let mut new = 0;
        for item in &list.items {
            new += usize::from(match item.id {
                Some(id) => c.add_id("mobile_api", id),
                None => item
                    .url
                    .as_deref()
                    .is_some_and(|u| c.add_str("mobile_api", u, &ctx.identity.base)),
            });
        }
        c.flush()?;
        if new == 0 {
            let why = format!(
                "the mobile post list repeats itself at page {page} (nothing new): stopped there"
            );
            stopped = Some(why.clone());
            ctx.warn(why);
            break;
        }
        match next_mobile_page(page, list.next_page, last_page) {
            MobileNext::Page(next) => page = next,
            MobileNext::End => {
                walk.whole = true;
                break;
            }
            MobileNext::Back(next) => {
                // A list that points back on itself did not run to its end: the listing pages
                // are walked too.
                let why = format!(
                    "the mobile post list's page {page} points back to page {next}: stopped there"
                );
                stopped = Some(why.clone());
                ctx.warn(why);
                break;
            }
        }
        if !ahead.contains_key(&page)
            && let Some(last) = last_page
            && page <= last
        {
            let end = last.min(page + window - 1).min(MAX_MOBILE_PAGES - 1);
            ahead = fetch_ahead(ctx, page..=end).await;
        }
    }
    let end = match (walk.whole, stopped) {
        (true, _) => SourceOutcome::finished("mobile_api"),
        (false, why) => SourceOutcome::unfinished(
            "mobile_api",
            why.unwrap_or_else(|| "the mobile post list did not run to its end".into()),
        ),
    };
    c.finish(&end)?;
    Ok(walk)
}

/// Where the mobile list goes after a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MobileNext {
    /// Read this page next.
    Page(u64),
    /// The list ended.
    End,
    /// `nextPage` names this page, not after the one read: the list contradicts itself.
    Back(u64),
}

/// The page after `page`: its `nextPage`, when it points forward; with no `nextPage` before the
/// last page the total implies (`last_page`), the next page anyway (the total says there is one,
/// and a page that adds nothing ends the walk).
fn next_mobile_page(page: u64, next: Option<u64>, last_page: Option<u64>) -> MobileNext {
    match next {
        Some(n) if n >= MAX_MOBILE_PAGES => MobileNext::End,
        Some(n) if n > page => MobileNext::Page(n),
        Some(n) => MobileNext::Back(n),
        None if last_page.is_some_and(|last| page < last) => MobileNext::Page(page + 1),
        None => MobileNext::End,
    }
}

/// A page's text, fetched already or fetched now.
type Prefetched = (Url, Result<String, SourceError>);

/// sitemap.xml (`first`, fetched already, with its address) and the sitemaps it nests (at most
/// 100).
async fn walk_sitemaps(
    ctx: &Arc<Ctx>,
    c: &mut Collector<'_>,
    bar: &indicatif::ProgressBar,
    first: Option<Prefetched>,
) -> Result<(), CrawlError> {
    let mut ready = first;
    let mut maps: VecDeque<Url> = ready.iter().map(|(u, _)| u.clone()).collect();
    let mut seen_maps = HashSet::new();
    let mut first_error: Option<String> = None;
    while let Some(url) = maps.pop_front() {
        if !seen_maps.insert(url.to_string()) || seen_maps.len() > 100 {
            continue;
        }
        let text = match ready.take() {
            Some((u, text)) if u == url => text,
            _ => get_text(ctx, &url).await,
        };
        match text.and_then(|t| Ok(parse_sitemap(&t)?)) {
            Ok(map) => {
                for u in &map.urls {
                    c.add_str("sitemap", u, &ctx.identity.base);
                }
                maps.extend(
                    map.sitemaps
                        .iter()
                        .filter_map(|s| ctx.identity.base.join(s.trim()).ok()),
                );
            }
            Err(e) => {
                let why = format!("sitemap skipped: {}", error_chain(&e));
                first_error.get_or_insert_with(|| why.clone());
                ctx.warn(why);
            }
        }
        bar.inc(1);
    }
    c.finish(&source_end("sitemap", first_error))
}

/// The RSS feed (fetched already; `None` when the blog's address gives no feed URL).
fn read_rss(
    c: &mut Collector<'_>,
    feed: Option<Result<String, SourceError>>,
) -> Result<(), CrawlError> {
    let base = c.ctx.identity.base.clone();
    let mut error = None;
    if let Some(text) = feed {
        match text.and_then(|t| Ok(parse_rss(&t)?)) {
            Ok(feed) => {
                for l in &feed.links {
                    c.add_str("rss", l, &base);
                }
            }
            Err(e) => {
                let why = format!("rss skipped: {}", error_chain(&e));
                c.ctx.warn(why.clone());
                error = Some(why);
            }
        }
    }
    c.finish(&source_end("rss", error))
}

/// What the mobile list said about an item with an id.
fn api_entry(item: &MobileItem) -> Option<ApiEntry> {
    Some(ApiEntry {
        id: item.id?,
        title: item.title.clone(),
        published: item.published.clone(),
        category: item.category.clone(),
        tags: item.tags.clone(),
        comment_count: item.comment_count,
    })
}

/// The `count` listing pages after `url` (`?page=N+1` …), other query parameters kept.
fn pages_after(url: &Url, count: u64) -> Vec<Url> {
    let current = url
        .query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .unwrap_or(1);
    (current + 1..=current + count)
        .map(|n| {
            let mut next = url.clone();
            let mut pairs: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "page")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            pairs.push(("page".into(), n.to_string()));
            next.query_pairs_mut().clear().extend_pairs(pairs);
            next
        })
        .collect()
}

/// Fetches mobile list pages `pages` with bounded concurrency.
async fn fetch_ahead(
    ctx: &Arc<Ctx>,
    pages: std::ops::RangeInclusive<u64>,
) -> std::collections::HashMap<u64, Result<String, SourceError>> {
    let in_flight_max = ctx.fetcher.policy().concurrency.get();
    let mut pending = pages.collect::<VecDeque<u64>>();
    let mut in_flight = tokio::task::JoinSet::new();
    let mut got = std::collections::HashMap::new();
    loop {
        while in_flight.len() < in_flight_max
            && let Some(page) = pending.pop_front()
        {
            let task_ctx = Arc::clone(ctx);
            in_flight.spawn(async move {
                let text = get_mobile_page(&task_ctx, page).await;
                (page, text)
            });
        }
        let Some(joined) = in_flight.join_next().await else {
            break;
        };
        if let Ok((page, text)) = joined {
            got.insert(page, text);
        }
    }
    got
}

/// Paging rows show a window (`1 2 3 … 77`): add every page between 2 and the highest one linked,
/// per listing, so the walk can fetch them all at once instead of one window at a time.
fn with_page_gaps(links: Vec<Url>) -> Vec<Url> {
    let mut highest: BTreeMap<String, (u64, Url)> = BTreeMap::new();
    for link in &links {
        let Some(n) = link
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse::<u64>().ok())
        else {
            continue;
        };
        let mut others: Vec<(String, String)> = link
            .query_pairs()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        others.sort();
        let key = format!("{}?{others:?}", link.path());
        if highest.get(&key).is_none_or(|(m, _)| n > *m) {
            highest.insert(key, (n, link.clone()));
        }
    }
    let mut out = links;
    for (n, template) in highest.into_values() {
        for k in 2..=n.min(MAX_LISTING_PAGES as u64) {
            let mut u = template.clone();
            let pairs: Vec<(String, String)> = template
                .query_pairs()
                .map(|(key, v)| {
                    let value = if key == "page" {
                        k.to_string()
                    } else {
                        v.into_owned()
                    };
                    (key.into_owned(), value)
                })
                .collect();
            u.query_pairs_mut().clear().extend_pairs(pairs);
            out.push(u);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_windows_are_filled_per_listing() {
        let base = Url::parse("https://b.tistory.com/").unwrap();
        let links = ["/?page=2", "/?page=5", "/category/a?page=3", "/category/a"]
            .iter()
            .map(|l| base.join(l).unwrap())
            .collect();
        let mut got: Vec<String> = with_page_gaps(links)
            .iter()
            .map(|u| {
                format!(
                    "{}{}",
                    u.path(),
                    u.query().map(|q| format!("?{q}")).unwrap_or_default()
                )
            })
            .collect();
        got.sort();
        got.dedup();
        assert_eq!(
            got,
            [
                "/?page=2",
                "/?page=3",
                "/?page=4",
                "/?page=5",
                "/category/a",
                "/category/a?page=2",
                "/category/a?page=3"
            ]
        );
    }
}
