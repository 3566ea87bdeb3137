//! The crawl's request slots: `--concurrency` requests in flight while there is work, and never
//! more, though the crawler keeps more pages in hand than it has requests out (one is judged and
//! saved while the next is fetched). The replay server counts the requests it answers at once; the
//! checks are counts, not timings.

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use tistory_migrate::fetch::{FetchPolicy, Fetcher};
use tistory_migrate::serve::{Faults, Site, start};
use url::Url;

use crate::crawl::{crawl_into, test_settings};
use crate::support::sample_blog;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fetcher_never_has_more_requests_out_than_its_slots() {
    let server = start(
        Site::load(&sample_blog()).unwrap(),
        Faults::none().with_delay(Duration::from_millis(30)),
        0,
    )
    .await
    .unwrap();
    let fetcher = Arc::new(
        Fetcher::new(FetchPolicy {
            concurrency: NonZeroUsize::new(3).unwrap(),
            rate: None,
            ..FetchPolicy::default()
        })
        .unwrap(),
    );
    // 24 callers at once, three slots: the server never answers more than three at a time.
    let mut calls = tokio::task::JoinSet::new();
    for id in [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14].repeat(2) {
        let fetcher = Arc::clone(&fetcher);
        let url = Url::parse(&server.url(&format!("/{id}"))).unwrap();
        calls.spawn(async move { fetcher.get(&url, None).await.map(|f| f.status) });
    }
    while let Some(done) = calls.join_next().await {
        let status = done.unwrap().unwrap();
        assert!(matches!(status, 200 | 403 | 404), "answered {status}");
    }
    assert_eq!(server.log.all().len(), 24);
    assert_eq!(server.in_flight.most(), 3, "requests answered at once");
    let counted = fetcher
        .stats
        .max_in_flight
        .load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(counted, 3, "the fetcher's own count");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_fills_its_request_slots_and_never_exceeds_them() {
    let server = start(
        Site::load(&sample_blog()).unwrap(),
        Faults::none().with_delay(Duration::from_millis(30)),
        0,
    )
    .await
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let settings = test_settings();
    let slots = settings.policy.concurrency.get();
    let outcome = crawl_into(&server, &tmp.path().join("a"), settings).await;
    assert!(!outcome.crawl.has_failures(), "{}", outcome.crawl.render());
    assert_eq!(
        server.in_flight.most(),
        slots,
        "requests answered at once during a crawl with --concurrency {slots}"
    );
    server.shutdown().await;
}
