//! Issue 8: one blog identity. The crawl stores the blog once (`ArchiveDb::set_blog`) and every
//! later stage reads that same identity back (`ArchiveDb::blog`): `bundle.json`'s `source`, the
//! verify report's blog and address, and the Wayback pass's CDX queries. The host matcher built
//! from a stored blog accepts the blog's custom domain and its `*.tistory.com` host and refuses
//! another blog's. Expected values are the sample blog's, from `fixtures/hangang-notes/README.md`
//! (its name, its Tistory address, the `notes.hangang.kr` custom domain) and its `index.html`
//! (canonical `https://hangang-notes.tistory.com`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tistory_migrate::archive::db::ArchiveDb;
use tistory_migrate::commands::migrate::bundle_and_verify;
use tistory_migrate::crawl::wayback::WaybackOptions;
use tistory_migrate::model::blog::Blog;
use tistory_migrate::report::Exit;
use tistory_migrate::serve::Faults;
use url::Url;

use crate::crawl::{crawl_into, serve_sample, test_settings};
use crate::import::verify_json;

const NAME: &str = "hangang-notes";
const TISTORY: &str = "https://hangang-notes.tistory.com/";

/// A Wayback endpoint that records the queries it is asked and knows no capture.
async fn start_empty_archive() -> (Url, Arc<Mutex<Vec<String>>>) {
    let asked: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = asked.clone();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(uri.to_string());
            ([("content-type", "application/json")], "[]")
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (Url::parse(&format!("http://{addr}/")).unwrap(), asked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_8_the_blog_the_crawl_stores_is_the_one_bundle_verify_and_wayback_read() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let server = serve_sample(Faults::none()).await;
    let crawled = format!("{}/", server.base_url());
    let (endpoint, asked) = start_empty_archive().await;
    let mut settings = test_settings();
    settings.wayback = WaybackOptions {
        forced: true,
        endpoint,
        rate: 50.0,
        backoff_base: Duration::from_millis(5),
    };
    crawl_into(&server, &out, settings).await;
    server.shutdown().await;

    // What the crawl stored: read back through the one read path.
    let blog = ArchiveDb::open(&out.join("archive.db"))
        .unwrap()
        .blog()
        .unwrap();
    assert_eq!(blog.name.as_deref(), Some(NAME));
    assert_eq!(blog.base_url.as_deref(), Some(TISTORY));
    assert_eq!(blog.crawled_url.as_deref(), Some(crawled.as_str()));
    assert_eq!(blog.hosts, ["127.0.0.1", "hangang-notes.tistory.com"]);

    // The Wayback pass asked the archive for the stored name's Tistory host.
    let asked = asked.lock().unwrap().clone();
    assert!(
        asked
            .iter()
            .any(|q| q.contains("url=hangang-notes.tistory.com%2F*")),
        "{asked:?}"
    );

    // The bundle's source and the verify report name the same blog at the same address.
    let (summary, exit) = bundle_and_verify(&out, Exit::Ok);
    assert_eq!(exit, Exit::Ok, "{summary}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("naver/bundle.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["source"],
        serde_json::json!({"platform": "tistory", "blog": NAME, "blog_url": TISTORY})
    );
    let (_, report) = verify_json(&out);
    assert_eq!(report["blog"], NAME, "{report}");
    assert_eq!(report["blog_url"], TISTORY, "{report}");
}

#[test]
fn issue_8_the_host_matcher_of_a_stored_blog_is_the_blogs() {
    let tmp = tempfile::tempdir().unwrap();
    let db = ArchiveDb::open(&tmp.path().join("archive.db")).unwrap();
    // The sample blog crawled at its custom domain, as the crawl stores it.
    let mut stored = Blog {
        name: Some(NAME.into()),
        base_url: Some("https://notes.hangang.kr/".into()),
        crawled_url: Some("https://notes.hangang.kr/".into()),
        ..Blog::default()
    };
    stored.add_host("notes.hangang.kr");
    stored.add_host("hangang-notes.tistory.com");
    db.set_blog(&stored).unwrap();
    let read = db.blog().unwrap();
    assert_eq!(read, stored);

    let matcher = read.identity().unwrap();
    let own = |u: &str| matcher.is_own(&Url::parse(u).unwrap());
    assert!(own("https://notes.hangang.kr/19"));
    assert!(own("http://hangang-notes.tistory.com/entry/봄-벚꽃-산책"));
    assert!(own("https://HANGANG-NOTES.tistory.com/m/4"));
    assert!(!own("https://ramen4598.tistory.com/19"));
    assert!(!own("https://hangang.kr/19"));

    // An archive from before the hosts were stored: its name and addresses still give them.
    let tmp = tempfile::tempdir().unwrap();
    let old = ArchiveDb::open(&tmp.path().join("archive.db")).unwrap();
    old.set_meta("blog", NAME).unwrap();
    old.set_meta("base_url", "https://notes.hangang.kr/")
        .unwrap();
    let matcher = old.blog().unwrap().identity().unwrap();
    assert!(matcher.is_own(&Url::parse("https://notes.hangang.kr/19").unwrap()));
    assert!(matcher.is_own(&Url::parse(TISTORY).unwrap()));
    assert!(!matcher.is_own(&Url::parse("https://other.tistory.com/").unwrap()));

    // A second write of what it does not know keeps what was stored.
    db.set_blog(&Blog {
        crawled_url: Some("http://127.0.0.1:9/".into()),
        ..Blog::default()
    })
    .unwrap();
    let again = db.blog().unwrap();
    assert_eq!(again.name.as_deref(), Some(NAME));
    assert_eq!(again.hosts, stored.hosts);
}
