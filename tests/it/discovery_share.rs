//! Guards the discovery share (issue 10, "Fewest requests"): on a generated blog of 300 public
//! posts with holes between their ids, served on 127.0.0.1 with its mobile list, a default crawl
//! sends at most 5 % of its requests for discovery (the list walk, the home page, robots.txt:
//! everything that is neither an entry page, a file nor a comment page), and
//! `--exhaustive-discovery` walks every listing, category and paging page as well; the scan past
//! the highest id stays proportionate (5 % of the ids known, at least 5, at most 30). Requests are counted by
//! kind from the server's log: a count, not a timing. The pages are written here (our own text).

use std::collections::BTreeSet;
use std::path::Path;

use tistory_migrate::serve::{Faults, LoggedRequest, Site, start};

use crate::crawl::{crawl_into, test_settings};

/// Ids 1..=360 without every sixth: 300 posts, highest 359, 59 holes below it.
pub(crate) fn post_ids() -> BTreeSet<u64> {
    (1..=360).filter(|id| id % 6 != 0).collect()
}

pub(crate) fn write_post(dir: &Path, id: u64) {
    let day = 1 + id % 28;
    let page = format!(
        r#"<!doctype html><html lang="ko"><head><meta charset="utf-8">
<title>강변 기록 {id} :: 한강 산책 노트</title>
<link rel="canonical" href="https://hangang-notes.tistory.com/{id}">
<meta property="og:url" content="https://hangang-notes.tistory.com/{id}">
<meta property="og:title" content="강변 기록 {id}">
<meta property="article:published_time" content="2021-03-{day:02}T09:30:00+09:00">
<meta property="article:txid" content="7310001_{id}">
<script>window.T = window.T || {{}}; window.T.config = {{"BLOG":{{"id":7310001,"name":"hangang-notes","title":"한강 산책 노트"}},"ROLE":"guest"}}; window.T.entryInfo = {{"entryId":{id},"isAuthor":false,"categoryId":0,"categoryLabel":null}};</script>
</head><body id="tt-body-page">
<div class="area_title"><h3 class="tit_post"><a href="/{id}">강변 기록 {id}</a></h3><span class="txt_detail">2021. 3. {day}. 09:30</span></div>
<div class="tt_article_useless_p_margin contents_style"><p>{id}번째 기록. 아침 일곱 시에 망원에서 출발해 양화대교까지 걸었다.</p><p>바람이 차가웠고 물새가 많았다.</p></div>
</body></html>"#
    );
    std::fs::write(dir.join(format!("{id}.html")), page).unwrap();
}

/// What a request was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `/<id>` or `/entry/<slug>`.
    Entry(Option<u64>),
    /// `/m/api/<id>/comment`.
    Comments,
    /// Everything else: the home page, listings, categories, feeds, the mobile list, robots.txt.
    Discovery,
}

fn kind(r: &LoggedRequest) -> Kind {
    let path = r.path_and_query.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        [id] if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
            Kind::Entry(id.parse().ok())
        }
        ["entry", _] => Kind::Entry(None),
        ["m", "api", id, "comment"] if id.bytes().all(|b| b.is_ascii_digit()) => Kind::Comments,
        _ => Kind::Discovery,
    }
}

struct Counts {
    total: usize,
    discovery: usize,
    past_highest: usize,
    discovery_paths: Vec<String>,
}

fn counts(log: &[LoggedRequest], highest: u64) -> Counts {
    let kinds: Vec<Kind> = log.iter().map(kind).collect();
    Counts {
        total: log.len(),
        discovery: kinds.iter().filter(|k| **k == Kind::Discovery).count(),
        past_highest: kinds
            .iter()
            .filter(|k| matches!(k, Kind::Entry(Some(id)) if *id > highest))
            .count(),
        discovery_paths: log
            .iter()
            .zip(&kinds)
            .filter(|(_, k)| **k == Kind::Discovery)
            .map(|(r, _)| r.path_and_query.clone())
            .collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_discovery_is_at_most_five_percent_by_default_and_exhaustive_on_request() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    let ids = post_ids();
    for id in &ids {
        write_post(&site, *id);
    }
    let highest = *ids.last().unwrap();
    let server = start(Site::load(&site).unwrap(), Faults::none(), 0)
        .await
        .unwrap();

    let out = tmp.path().join("default");
    let outcome = crawl_into(&server, &out, {
        let mut s = test_settings();
        s.scan_margin = None;
        s
    })
    .await;
    assert_eq!(
        outcome.crawl.states.get("ok").copied(),
        Some(ids.len()),
        "{}",
        outcome.crawl.render()
    );
    let default = counts(&server.log.all(), highest);
    eprintln!(
        "default: {} requests, {} discovery, {} past the highest id: {:?}",
        default.total, default.discovery, default.past_highest, default.discovery_paths
    );
    assert!(
        default.discovery * 20 <= default.total,
        "discovery is {} of {} requests (over 5 %): {:?}",
        default.discovery,
        default.total,
        default.discovery_paths
    );
    // The scan past the highest id runs once the holes are scanned: 359 ids are known then (300
    // posts, 59 deleted holes), and 5 % of them, rounded up, is 18.
    let margin = tistory_migrate::crawl::scan::proportionate_margin(359);
    assert_eq!(margin, 18);
    // Each probe past the highest id that found nothing is asked once more after the blog
    // answered as itself: twice the probes.
    assert_eq!(default.past_highest % 2, 0, "{}", default.past_highest);
    let probes = default.past_highest / 2;
    assert!(
        (5..=margin as usize).contains(&probes),
        "{probes} probes past the highest id {highest}"
    );
    // Nothing else: every post page once, every hole below the highest id twice (its 404 asked
    // once more; the list counts no comments, so no comment page), the margin.
    let holes = (1..highest).filter(|id| !ids.contains(id)).count();
    assert_eq!(holes, 59);
    assert_eq!(
        default.total - default.discovery,
        ids.len() + 2 * holes + default.past_highest,
        "no post page asked twice"
    );

    server.log.clear();
    let out = tmp.path().join("exhaustive");
    let mut s = test_settings();
    s.scan_margin = None;
    s.exhaustive_discovery = true;
    let outcome = crawl_into(&server, &out, s).await;
    assert_eq!(outcome.crawl.states.get("ok").copied(), Some(ids.len()));
    let exhaustive = counts(&server.log.all(), highest);
    eprintln!(
        "exhaustive: {} requests, {} discovery",
        exhaustive.total, exhaustive.discovery
    );
    // 300 posts at 10 a page are 30 listing pages, each walked under the exhaustive mode.
    let listing_pages = exhaustive
        .discovery_paths
        .iter()
        .filter(|p| p.starts_with("/?page=") || p.as_str() == "/")
        .count();
    assert!(
        listing_pages >= 30,
        "the exhaustive walk visits every paging page ({listing_pages}): {:?}",
        exhaustive.discovery_paths
    );
    assert!(exhaustive.discovery > default.discovery + 25);
    server.shutdown().await;
}
