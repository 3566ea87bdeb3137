//! Paged sources that never end: a mobile list that answers every page with the same items and
//! `nextPage + 1` (and a total of two million), and listing pages that serve page 1 for any
//! `?page=N` with a link to the next. A page that adds no id stops its source, so the run ends
//! after a handful of requests. A small purpose-built server on 127.0.0.1; the home page is the
//! sample blog's own.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::crawl::test_settings;
use crate::support::sample_blog;

#[derive(Default)]
struct Counts {
    mobile: AtomicUsize,
    listing: AtomicUsize,
    all: AtomicUsize,
}

type Params = Query<std::collections::HashMap<String, String>>;

async fn mobile(State(c): State<Arc<Counts>>, Query(q): Params) -> Response {
    c.mobile.fetch_add(1, Ordering::Relaxed);
    c.all.fetch_add(1, Ordering::Relaxed);
    let page: u64 = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0);
    let body = serde_json::json!({"code": 200, "data": {
        "items": [{"id": 22, "title": "겨울", "path": "/22"}, {"id": 21, "path": "/21"}],
        "nextPage": page + 1,
        "totalCount": 2_000_000,
    }});
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn home(State(c): State<Arc<Counts>>, Query(q): Params) -> Response {
    c.all.fetch_add(1, Ordering::Relaxed);
    if q.contains_key("page") {
        c.listing.fetch_add(1, Ordering::Relaxed);
    }
    // Page 1 for every ?page=N, with a link to the next one.
    let page: u64 = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let html = std::fs::read_to_string(sample_blog().join("index.html")).unwrap();
    let next = format!(r#"<a href="/?page={}">next</a></body>"#, page + 1);
    Html(html.replacen("</body>", &next, 1)).into_response()
}

async fn other(State(c): State<Arc<Counts>>) -> Response {
    c.all.fetch_add(1, Ordering::Relaxed);
    axum::http::StatusCode::NOT_FOUND.into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn looping_paged_sources_stop_when_a_page_adds_nothing() {
    let counts = Arc::new(Counts::default());
    let app = axum::Router::new()
        .route("/", get(home))
        .route("/m/api/entry/0/POST", get(mobile))
        .fallback(other)
        .with_state(Arc::clone(&counts));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let mut settings = test_settings();
    settings.policy.retry_passes = 0;
    settings.comments = false;
    let base = url::Url::parse(&format!("http://{addr}/")).unwrap();
    let started = Instant::now();
    let crawl = tokio::time::timeout(
        Duration::from_secs(60),
        tistory_migrate::commands::crawl::crawl_and_extract(
            base,
            out,
            settings,
            None,
            &tistory_migrate::progress::Progress::hidden(),
        ),
    )
    .await
    .expect("the crawl ends within a minute");
    let outcome = crawl.unwrap();
    let concurrency = 4;
    // Page 0, then at most one window fetched ahead of the repeat.
    assert!(
        counts.mobile.load(Ordering::Relaxed) <= 1 + concurrency,
        "{} mobile list requests",
        counts.mobile.load(Ordering::Relaxed)
    );
    assert!(
        outcome
            .crawl
            .warnings
            .iter()
            .any(|w| w.contains("repeats itself")),
        "{:?}",
        outcome.crawl.warnings
    );
    // The list did not finish, so the listing pages are walked; page 2 repeats page 1 and its
    // paging stops there (plus the look-ahead already in flight).
    let listing = counts.listing.load(Ordering::Relaxed);
    assert!(
        (1..=2 + concurrency).contains(&listing),
        "{listing} listing pages"
    );
    assert!(counts.all.load(Ordering::Relaxed) < 200);
    assert!(started.elapsed() < Duration::from_secs(60));
}
