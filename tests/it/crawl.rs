//! The crawler against the replay server on 127.0.0.1, with scripted faults: every entry ends in
//! the right state, nothing is fetched twice, retries are bounded, robots.txt is honoured, the
//! rate limit holds, assets and comments are saved, and a second run fetches only what is missing.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::path::Path;
use std::time::{Duration, Instant};

use sha2::{Digest as _, Sha256};
use tistory_migrate::archive::db::{ArchiveDb, EntryState};
use tistory_migrate::commands::crawl::{CrawlOutcome, crawl_and_extract};
use tistory_migrate::config::CrawlSettings;
use tistory_migrate::crawl::assets::asset_fetch_url;
use tistory_migrate::fetch::FetchPolicy;
use tistory_migrate::progress::Progress;
use tistory_migrate::serve::{FaultKind, Faults, ReplayServer, Site, start};
use url::Url;

use crate::support::{row_without_fetch_time, sample_blog};

/// An image of post 14 of the sample blog (see its snapshot), served as an expired signed URL.
const EXPIRED_IMAGE: &str =
    "https://blog.kakaocdn.net/dn/bAq9Vt/btqMx4Ls2Ky/pRv0k7WnQzT3sHcX1uYbLk/img.jpg";

pub fn test_settings() -> CrawlSettings {
    let policy = FetchPolicy {
        concurrency: NonZeroUsize::new(4).unwrap(),
        rate: None,
        max_attempts: 4,
        backoff_base: Duration::from_millis(5),
        ..FetchPolicy::default()
    };
    CrawlSettings {
        policy,
        refresh: false,
        comments: true,
        scan_margin: Some(5),
        retry_failed: false,
        warc_max_bytes: None,
        wayback: tistory_migrate::crawl::wayback::WaybackOptions::default(),
        exhaustive_discovery: false,
        captures: None,
    }
}

pub async fn serve_sample(faults: Faults) -> ReplayServer {
    start(Site::load(&sample_blog()).unwrap(), faults, 0)
        .await
        .unwrap()
}

pub async fn crawl_into(
    server: &ReplayServer,
    out: &Path,
    settings: CrawlSettings,
) -> CrawlOutcome {
    let base = Url::parse(&server.base_url()).unwrap();
    crawl_and_extract(
        base.clone(),
        out.to_path_buf(),
        settings,
        Some(base),
        &Progress::hidden(),
    )
    .await
    .unwrap_or_else(|e| panic!("crawl failed: {e}"))
}

fn asset_path_and_query(server: &ReplayServer, original: &str) -> String {
    let u = asset_fetch_url(original, Some(&Url::parse(&server.base_url()).unwrap())).unwrap();
    format!("{}?{}", u.path(), u.query().unwrap())
}

fn states(out: &Path) -> BTreeMap<u64, EntryState> {
    ArchiveDb::open(&out.join("archive.db"))
        .unwrap()
        .entries()
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e.state))
        .collect()
}

fn rows(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("posts.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_survives_faults_and_fetches_each_page_once() {
    let probe = serve_sample(Faults::none()).await;
    let expired = asset_path_and_query(&probe, EXPIRED_IMAGE);
    probe.shutdown().await;
    let faults = Faults::none()
        .rule("/10", FaultKind::StatusWithRetryAfter(429, 1), 1)
        .rule("/11", FaultKind::Status(503), 3)
        .rule("/13", FaultKind::Reset, 1)
        .rule("/14", FaultKind::Truncate, 1)
        .rule("/16", FaultKind::Delay(Duration::from_millis(300)), 1)
        .rule(expired.clone(), FaultKind::Status(403), usize::MAX);
    let server = serve_sample(faults).await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let outcome = crawl_into(&server, &out, test_settings()).await;

    // Every entry in its state: the sample blog's ground truth (fixtures/hangang-notes/README.md).
    let st = states(&out);
    let ids = |s: EntryState| {
        st.iter()
            .filter(|(_, v)| **v == s)
            .map(|(k, _)| *k)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(EntryState::Ok),
        [1, 2, 4, 5, 7, 8, 10, 11, 13, 14, 16, 17, 19, 20, 21, 22]
    );
    assert_eq!(ids(EntryState::Notice), [9]);
    assert_eq!(ids(EntryState::Protected), [15]);
    assert_eq!(
        ids(EntryState::Deleted),
        [3, 6, 12, 18],
        "holes and the deleted page are confirmed deleted"
    );
    assert!(
        ids(EntryState::Failed).is_empty(),
        "{}",
        outcome.crawl.render()
    );
    assert_eq!(outcome.exit(), tistory_migrate::report::Exit::Ok);

    // Faults cost exactly the retries they should, and nothing else was fetched twice.
    let log = &server.log;
    assert_eq!(log.count("/10"), 2, "429 + Retry-After, then the page");
    assert_eq!(log.count("/11"), 4, "three 503s, then the page");
    assert_eq!(log.count("/13"), 2, "a reset, then the page");
    assert_eq!(log.count("/14"), 2, "a truncated body, then the page");
    for id in [1, 2, 4, 5, 7, 8, 9, 15, 16, 17, 19, 20, 21, 22] {
        assert_eq!(log.count(&format!("/{id}")), 1, "/{id} fetched once");
    }
    assert_eq!(
        log.count(&expired),
        1,
        "a 403 is final for this run: no retry storm"
    );
    assert_eq!(
        log.count("/robots.txt"),
        1,
        "robots.txt is read once, however many requests wait for it"
    );
    for request in log.all() {
        for disallowed in [
            "/search",
            "/m/search",
            "/guestbook",
            "/m/guestbook",
            "/manage",
            "/owner",
            "/admin",
        ] {
            assert!(
                !request.path_and_query.starts_with(disallowed),
                "robots.txt disallows {}",
                request.path_and_query
            );
        }
    }

    // Assets: saved by hash and intact; the expired one and the fixture's missing one are missing.
    let rows = rows(&out);
    let mut missing = Vec::new();
    for row in &rows {
        for image in row["images"].as_array().unwrap() {
            match image["status"].as_str().unwrap() {
                "ok" => {
                    let file = out.join(image["file"].as_str().unwrap());
                    let bytes = std::fs::read(&file).unwrap();
                    let name = file.file_stem().unwrap().to_str().unwrap().to_string();
                    assert_eq!(
                        hex::encode(Sha256::digest(&bytes)),
                        name,
                        "stored under its own sha256"
                    );
                }
                "missing" => missing.push(image["url"].as_str().unwrap().to_string()),
                other => panic!("image status {other} after a crawl"),
            }
        }
    }
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(missing.iter().any(|m| m == EXPIRED_IMAGE));
    let md = std::fs::read_to_string(out.join("posts/10.md")).unwrap();
    assert!(
        md.contains("](../assets/"),
        "the Markdown points at the local file:\n{md}"
    );

    // Comments: counted independently from the fixture files.
    for entry in std::fs::read_dir(sample_blog().join("comments")).unwrap() {
        let path = entry.unwrap().path();
        let id: u64 = path.file_stem().unwrap().to_str().unwrap().parse().unwrap();
        let served: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let items = served["data"]["items"].as_array().unwrap();
        let want: usize = items
            .iter()
            .map(|c| 1 + c["children"].as_array().map_or(0, Vec::len))
            .sum();
        let row = rows.iter().find(|r| r["id"] == id).unwrap();
        assert_eq!(
            row["comments"]["count"].as_u64(),
            Some(want as u64),
            "comments of {id}"
        );
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_fetches_only_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let first = serve_sample(Faults::none().rule("/11", FaultKind::Status(503), usize::MAX)).await;
    let outcome = crawl_into(&first, &out, test_settings()).await;
    assert_eq!(
        first.log.count("/11"),
        16,
        "retries are bounded by --max-attempts × (1 + --retry-passes): 4 × (1 + 3)"
    );
    assert_eq!(states(&out)[&11], EntryState::Failed);
    assert!(outcome.crawl.has_failures());
    assert_eq!(outcome.exit(), tistory_migrate::report::Exit::ItemsFailed);
    first.shutdown().await;

    let second = serve_sample(Faults::none()).await;
    let outcome = crawl_into(&second, &out, test_settings()).await;
    assert_eq!(
        states(&out)[&11],
        EntryState::Ok,
        "the failed post is fetched again"
    );
    assert!(!outcome.crawl.has_failures());
    for id in [1, 2, 4, 5, 7, 8, 9, 10, 13, 15, 17, 19, 20, 21, 22] {
        assert_eq!(
            second.log.count(&format!("/{id}")),
            0,
            "/{id} was archived by the first run"
        );
    }
    assert_eq!(second.log.count("/11"), 1);
    // Post 16's image that the fixture lacks answered 404 right after its page (a fresh signed
    // URL) in the first run: gone at the source, so its page is not fetched again for a renewal.
    assert_eq!(second.log.count("/16"), 0);
    second.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_holds() {
    let server = serve_sample(Faults::none()).await;
    let tmp = tempfile::tempdir().unwrap();
    let mut settings = test_settings();
    settings.policy.rate = Some(40.0);
    settings.comments = false;
    let started = Instant::now();
    crawl_into(&server, &tmp.path().join("a"), settings).await;
    let elapsed = started.elapsed();
    // Requests to the blog's host are spaced at least 0.5 × 1/40 s apart (the jitter's floor).
    let n = server.log.all().len() as u32;
    let floor = Duration::from_secs_f64(0.5 / 40.0) * (n - 1);
    assert!(
        elapsed >= floor,
        "{n} requests in {elapsed:?}, faster than the limit allows ({floor:?})"
    );
    let stamps: Vec<Instant> = server.log.all().iter().map(|r| r.at).collect();
    let span = *stamps.last().unwrap() - stamps[0];
    assert!(
        span >= floor.mul_f64(0.9),
        "{n} requests arrived within {span:?}"
    );
    server.shutdown().await;
}

/// "Any archive can be replayed": an archive served by the replay server and crawled again gives
/// the same posts, the same pages and the same asset hashes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_replays_to_the_same_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    let server = serve_sample(Faults::none()).await;
    crawl_into(&server, &first, test_settings()).await;
    server.shutdown().await;

    let replay = start(Site::load(&first).unwrap(), Faults::none(), 0)
        .await
        .unwrap();
    let second = tmp.path().join("second");
    crawl_into(&replay, &second, test_settings()).await;
    replay.shutdown().await;

    let strip = |rows: Vec<serde_json::Value>| -> Vec<serde_json::Value> {
        rows.into_iter()
            .filter(|r| r["status"] != "deleted")
            .map(row_without_fetch_time)
            .collect()
    };
    let (a, b) = (strip(rows(&first)), strip(rows(&second)));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        if x != y {
            let obj = x.as_object().unwrap();
            let differing: Vec<_> = obj
                .keys()
                .filter(|k| x[k.as_str()] != y[k.as_str()])
                .collect();
            panic!(
                "row {} differs in {differing:?}: {:?} vs {:?}",
                x["id"],
                differing.iter().map(|k| &x[k.as_str()]).collect::<Vec<_>>(),
                differing.iter().map(|k| &y[k.as_str()]).collect::<Vec<_>>()
            );
        }
    }
    for id in [1, 10, 16, 22] {
        let page = format!("raw/{id}.html");
        assert_eq!(
            std::fs::read(first.join(&page)).unwrap(),
            std::fs::read(second.join(&page)).unwrap(),
            "{page}"
        );
    }
}

/// `--refresh` re-checks every saved page with a conditional request; an unchanged page (304)
/// is not written again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rechecks_saved_pages_with_conditional_requests() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let first = serve_sample(Faults::none()).await;
    crawl_into(&first, &out, test_settings()).await;
    first.shutdown().await;
    let mtime = |id: u64| {
        std::fs::metadata(out.join(format!("raw/{id}.html")))
            .unwrap()
            .modified()
            .unwrap()
    };
    let before: Vec<_> = [1, 10, 15, 22].iter().map(|id| mtime(*id)).collect();

    let second = serve_sample(Faults::none()).await;
    let mut settings = test_settings();
    settings.refresh = true;
    crawl_into(&second, &out, settings).await;
    for id in [1, 2, 9, 10, 15, 22] {
        assert_eq!(
            second.log.count(&format!("/{id}")),
            1,
            "/{id} re-checked once"
        );
    }
    let after: Vec<_> = [1, 10, 15, 22].iter().map(|id| mtime(*id)).collect();
    assert_eq!(before, after, "304: the saved pages were not rewritten");
    assert_eq!(states(&out)[&10], EntryState::Ok);
    second.shutdown().await;
}
