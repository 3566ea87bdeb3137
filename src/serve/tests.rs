//! Tests of the replay server against the sample blog `fixtures/hangang-notes/`, over real HTTP on
//! 127.0.0.1. They assert on statuses, bodies and request counts, never on timings.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use serde_json::Value;

use super::{FaultKind, FaultRule, Faults, ReplayServer, Site, start};
use crate::model::PageKind;

/// The one image of the sample blog's public posts that has no file under `assets/`.
const MISSING_IMAGE: &str = "https://blog.kakaocdn.net/dna/bn2Rvx/btrB6mTu1Ge/AAAAAAAAAAAAAAAAAAAAAwf3bZ2FyQw5hNgdjtAQ8yA_PwZEhExx03Rn6rWn9foQ/img.jpg?credential=Hq3Lw0yTzB8sKx5NfJ2mVdR7aPc9UeGo&expires=1767193199&allow_ip=&allow_referer=&signature=5JJE%2BazlZM9r3nLjNwSkB%2BPRGjb%3D";
const SLUG_10: &str = "/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85";

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hangang-notes")
}

static SAMPLE: LazyLock<Site> =
    LazyLock::new(|| Site::load(&fixture_dir()).expect("the sample blog loads"));

async fn serve(faults: Faults) -> ReplayServer {
    start(SAMPLE.clone(), faults, 0)
        .await
        .expect("a free port on 127.0.0.1")
}

/// reqwest is built without a default TLS crypto provider; building any client needs one, even
/// for plain http.
fn tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn client() -> reqwest::Client {
    tls_provider();
    reqwest::Client::new()
}

fn no_redirects() -> reqwest::Client {
    tls_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a plain-http client builds")
}

async fn get(server: &ReplayServer, path: &str) -> (u16, String) {
    let response = client()
        .get(server.url(path))
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a whole body"))
}

async fn get_json(server: &ReplayServer, path: &str) -> Value {
    let (status, body) = get(server, path).await;
    assert_eq!(status, 200, "{path}");
    serde_json::from_str(&body).expect("JSON")
}

#[test]
fn the_sample_blog_loads_whole() {
    let site = &*SAMPLE;
    assert!(site.notes.is_empty(), "{:?}", site.notes);
    assert_eq!(site.blog.name.as_deref(), Some("hangang-notes"));
    assert_eq!(site.blog.title.as_deref(), Some("한강 산책 노트"));
    assert_eq!(site.base_url(), "https://hangang-notes.tistory.com");
    assert_eq!(site.entries.len(), 19);
    assert_eq!(site.listed().len(), 17);
    assert_eq!(site.posts().len(), 16);
    assert_eq!(site.listings.keys().copied().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(site.entries[&6].status, 404);
    assert_eq!(site.entries[&15].kind, PageKind::Protected);
    assert_eq!(site.entries[&10].slug.as_deref(), Some("봄-벚꽃-산책"));
    assert_eq!(site.entries[&10].permalink_path(), SLUG_10);
    assert_eq!(
        site.comments.keys().copied().collect::<Vec<_>>(),
        [2, 10, 16]
    );
    // 13 images (of the 14 in public posts) and 2 attachments.
    assert_eq!(site.assets.len(), 15);
    assert!(site.assets.get(MISSING_IMAGE).is_none());
}

#[tokio::test]
async fn pages_are_served_as_saved() {
    let server = serve(Faults::none()).await;
    assert_eq!(server.addr.ip().to_string(), "127.0.0.1");
    let saved = std::fs::read_to_string(fixture_dir().join("10.html")).expect("10.html");
    let response = client()
        .get(server.url("/10"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()["content-type"].to_str().expect("ascii");
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert_eq!(response.text().await.expect("body"), saved);
    assert_eq!(get(&server, "/m/10").await, (200, saved));

    let index = std::fs::read_to_string(fixture_dir().join("index.html")).expect("index");
    assert_eq!(get(&server, "/").await, (200, index.clone()));
    assert_eq!(get(&server, "/?page=1").await, (200, index));
    let (status, notice) = get(&server, "/notice/9").await;
    assert_eq!(status, 200);
    assert!(notice.contains("7310001_9"));
    assert_eq!(get(&server, "/notice/10").await.0, 404);
    let head = client()
        .head(server.url("/10"))
        .send()
        .await
        .expect("answer");
    assert_eq!(head.status().as_u16(), 200);
    assert!(head.bytes().await.expect("no body").is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn holes_and_deleted_ids_are_404() {
    let server = serve(Faults::none()).await;
    for hole in [
        "/3",
        "/12",
        "/18",
        "/23",
        "/m/3",
        "/nope",
        "/10/x",
        "/tag/한강",
    ] {
        let (status, body) = get(&server, hole).await;
        assert_eq!(status, 404, "{hole}");
        assert!(body.contains("페이지를 찾을 수 없습니다"), "{hole}");
    }
    let saved = std::fs::read_to_string(fixture_dir().join("6.html")).expect("6.html");
    assert_eq!(get(&server, "/6").await, (404, saved));
    let post = client()
        .post(server.url("/10"))
        .send()
        .await
        .expect("answer");
    assert_eq!(post.status().as_u16(), 405);
    server.shutdown().await;
}

#[tokio::test]
async fn slugs_redirect_to_the_numeric_permalink() {
    let server = serve(Faults::none()).await;
    let response = no_redirects()
        .get(server.url(SLUG_10))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 301);
    assert_eq!(response.headers()["location"], "/10");
    let followed = client()
        .get(server.url(SLUG_10))
        .send()
        .await
        .expect("answer");
    assert_eq!(followed.status().as_u16(), 200);
    assert_eq!(followed.url().path(), "/10");
    let mobile = no_redirects()
        .get(server.url("/m/entry/봄-벚꽃-산책"))
        .send()
        .await
        .expect("answer");
    assert_eq!(mobile.headers()["location"], "/m/10");
    assert_eq!(get(&server, "/entry/no-such-post").await.0, 404);
    server.shutdown().await;
}

#[tokio::test]
async fn feeds_sitemap_and_robots() {
    let server = serve(Faults::none()).await;
    let (status, rss) = get(&server, "/rss").await;
    assert_eq!(status, 200);
    let doc = roxmltree::Document::parse(&rss).expect("the feed is XML");
    let items: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .collect();
    assert!(!items.is_empty() && items.len() <= 10, "{}", items.len());
    let text = |node: roxmltree::Node<'_, '_>, tag: &str| {
        node.children()
            .find(|c| c.has_tag_name(tag))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        text(items[0], "link"),
        "https://hangang-notes.tistory.com/22"
    );
    assert_eq!(text(items[0], "pubDate"), "Sat, 23 Nov 2024 17:22:48 +0900");
    assert!(text(items[0], "description").contains("준비물"));
    let generator = doc.descendants().find(|n| n.has_tag_name("generator"));
    assert_eq!(generator.and_then(|g| g.text()), Some("TISTORY"));

    let (status, sitemap) = get(&server, "/sitemap.xml").await;
    assert_eq!(status, 200);
    let doc = roxmltree::Document::parse(&sitemap).expect("the sitemap is XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .filter(|l| !l.ends_with("/category"))
        .collect();
    assert!(!locs.is_empty() && locs.len() < SAMPLE.posts().len());
    assert!(locs.contains(&"https://hangang-notes.tistory.com/22"));
    assert!(!locs.contains(&"https://hangang-notes.tistory.com/1"));

    let (status, robots) = get(&server, "/robots.txt").await;
    assert_eq!(status, 200);
    assert!(robots.contains("Disallow: /manage\n"));
    server.shutdown().await;
}

#[tokio::test]
async fn the_mobile_list_covers_every_public_post_once() {
    let server = serve(Faults::none()).await;
    let mut seen = Vec::new();
    let mut page = 0;
    loop {
        let json = get_json(&server, &format!("/m/api/entry/0/POST?page={page}&size=5")).await;
        assert_eq!(json["data"]["totalCount"], 17);
        for item in json["data"]["items"].as_array().expect("items") {
            let id = item["id"].as_u64().expect("id");
            assert_eq!(item["path"], format!("/{id}"));
            assert_eq!(
                item["url"],
                format!("https://hangang-notes.tistory.com/{id}")
            );
            seen.push(id);
        }
        match &json["data"]["nextPage"] {
            Value::Null => break,
            next => {
                assert_eq!(next.as_u64(), Some(page + 1));
                page += 1;
            }
        }
    }
    assert_eq!(page, 3);
    let expected: BTreeSet<u64> = SAMPLE.listed().iter().map(|e| e.id).collect();
    assert_eq!(seen.len(), expected.len(), "no post twice");
    assert_eq!(seen.iter().copied().collect::<BTreeSet<_>>(), expected);
    assert_eq!(seen.first(), Some(&22));
    let first = get_json(&server, "/m/api/entry/0/POST?page=0&size=20").await;
    assert_eq!(first["data"]["items"][0]["published"], "2024. 11. 23.");
    assert_eq!(first["data"]["nextPage"], Value::Null);
    server.shutdown().await;
}

#[tokio::test]
async fn listing_pages_past_the_saved_ones_are_generated() {
    let server = serve(Faults::none()).await;
    let (status, page) = get(&server, "/?page=3").await;
    assert_eq!(status, 200);
    assert!(page.contains("<body id=\"tt-body-index\">"));
    assert!(page.contains("분류 전체보기 <span class=\"c_cnt\">(17)</span>"));
    assert!(!page.contains("class=\"link_category\""));
    let (status, category) = get(&server, "/category").await;
    assert_eq!(status, 200);
    assert!(category.contains("href=\"/22\""));
    assert!(category.contains("href=\"/category?page=2\""));
    server.shutdown().await;
}

#[tokio::test]
async fn comments_are_served_per_post() {
    let server = serve(Faults::none()).await;
    let ten = get_json(&server, "/m/api/10/comment?startId=").await;
    let items = ten["data"]["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["children"].as_array().map(Vec::len), Some(1));
    assert_eq!(ten["data"]["isLast"], true);
    let none = get_json(&server, "/m/api/11/comment").await;
    assert_eq!(
        none,
        serde_json::json!({"data": {"items": [], "isLast": true, "nextId": null}})
    );
    let past = get_json(&server, "/m/api/10/comment?startId=999").await;
    assert_eq!(past["data"]["items"], serde_json::json!([]));
    server.shutdown().await;
}

#[tokio::test]
async fn assets_come_through_the_proxy() {
    let server = serve(Faults::none()).await;
    let present = "https://blog.kakaocdn.net/dn/cR8vXa/btqC4kPz7Hm/7oZqW2nLkD0sYxBfT9uJa1/img.jpg";
    let response = client()
        .get(server.asset_url(present))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    let bytes = response.bytes().await.expect("body");
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));

    // An extension-less cfile URL, typed by its bytes; the scheme and query do not matter.
    let cfile = "https://t1.daumcdn.net/cfile/tistory/25714B3C5507C1D92F?original";
    let response = client()
        .get(server.asset_url(cfile))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.headers()["content-type"], "image/gif");

    let pdf = "https://blog.kakaocdn.net/dna/b7GfTz/btrHq5LmR2w/AAAAAAAAAAAAAAAAAAAAApnwe6YuFmSzQAAC8HAUYG9ChMYwR8J1Uuhu0b54Rajc/%EC%9E%A5%EB%A7%88%EC%B2%A0_%EB%B0%91%EB%B0%98%EC%B0%AC_%EB%A0%88%EC%8B%9C%ED%94%BC.pdf?credential=x";
    let response = client()
        .get(server.asset_url(pdf))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.bytes().await.expect("body").starts_with(b"%PDF-"));

    for missing in [MISSING_IMAGE, "https://example.org/x.png", "not a url", ""] {
        let response = client()
            .get(server.asset_url(missing))
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status().as_u16(), 404, "{missing}");
    }
    assert_eq!(get(&server, "/_replay/asset").await.0, 404);
    assert_eq!(
        get(&server, "/_replay/asset?url=../../Cargo.toml").await.0,
        404
    );
    server.shutdown().await;
}

#[tokio::test]
async fn retry_after_faults_are_used_up_then_the_page_comes() {
    let faults = Faults::none().rule("/10", FaultKind::StatusWithRetryAfter(429, 1), 2);
    let server = serve(faults).await;
    for _ in 0..2 {
        let response = client()
            .get(server.url("/10"))
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status().as_u16(), 429);
        assert_eq!(response.headers()["retry-after"], "1");
    }
    assert_eq!(get(&server, "/10").await.0, 200);
    assert_eq!(server.log.count("/10"), 3);
    assert_eq!(get(&server, "/1").await.0, 200);
    assert_eq!(server.log.count("/10"), 3, "/1 is not under /10");
    assert_eq!(server.log.all().len(), 4);
    server.shutdown().await;
}

#[tokio::test]
async fn a_truncated_body_fails_to_read() {
    let server = serve(Faults::none().rule("/10", FaultKind::Truncate, 1)).await;
    let response = client()
        .get(server.url("/10"))
        .send()
        .await
        .expect("headers");
    assert_eq!(response.status().as_u16(), 200);
    let full = SAMPLE.entries[&10].page.html.len() as u64;
    assert_eq!(response.content_length(), Some(full));
    assert!(response.bytes().await.is_err());
    assert_eq!(get(&server, "/10").await.0, 200, "one use only");
    server.shutdown().await;
}

#[tokio::test]
async fn a_reset_gives_no_response() {
    let server = serve(Faults::none()).await;
    server.push_fault(FaultRule::new("/rss", FaultKind::Reset, 1));
    assert!(client().get(server.url("/rss")).send().await.is_err());
    assert_eq!(get(&server, "/rss").await.0, 200);
    assert_eq!(server.log.count("/rss"), 2);
    server.shutdown().await;
}

#[tokio::test]
async fn delays_and_status_faults_still_answer() {
    let faults = Faults::none()
        .rule("/10", FaultKind::Delay(Duration::from_millis(30)), 1)
        .rule("/", FaultKind::Status(503), 1)
        .with_delay(Duration::from_millis(5));
    let server = serve(faults).await;
    assert_eq!(get(&server, "/10").await.0, 200);
    assert_eq!(get(&server, "/robots.txt").await.0, 503);
    assert_eq!(get(&server, "/robots.txt").await.0, 200);
    server.shutdown().await;
}

#[tokio::test]
async fn an_archive_directory_is_served_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("raw/pages")).expect("raw");
    std::fs::create_dir_all(root.join("assets/ab")).expect("assets");
    std::fs::create_dir_all(root.join("comments")).expect("comments");
    for (from, to) in [
        ("10.html", "raw/10.html"),
        ("6.html", "raw/6.html"),
        ("index.html", "raw/pages/index.html"),
    ] {
        std::fs::copy(fixture_dir().join(from), root.join(to)).expect("copy");
    }
    std::fs::copy(
        fixture_dir().join("comments/10.json"),
        root.join("comments/10.json"),
    )
    .expect("copy");
    std::fs::write(root.join("assets/ab/abcd.jpg"), b"\xFF\xD8\xFF\xE0 a jpeg").expect("asset");
    let image = "https://blog.kakaocdn.net/dn/cR8vXa/btqC4kPz7Hm/7oZqW2nLkD0sYxBfT9uJa1/img.jpg";
    let rows = [
        serde_json::json!({"id": 10, "status": "ok", "images": [
            {"url": image, "file": "assets/ab/abcd.jpg", "status": "ok"},
            {"url": "https://h.example/escape.png", "file": "../../etc/passwd", "status": "ok"}
        ], "attachments": []}),
        serde_json::json!({"id": 6, "status": "deleted", "images": [], "attachments": []}),
    ];
    let jsonl: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(root.join("posts.jsonl"), jsonl).expect("posts.jsonl");

    let site = Site::load(root).expect("the archive loads");
    assert_eq!(site.entries.len(), 2);
    assert_eq!(site.assets.len(), 1, "{:?}", site.notes);
    let server = start(site, Faults::none(), 0).await.expect("starts");
    assert_eq!(get(&server, "/10").await.0, 200);
    assert_eq!(get(&server, "/6").await.0, 404);
    assert!(get(&server, "/").await.1.contains("tt-body-index"));
    let response = client()
        .get(server.asset_url(image))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    let escape = client()
        .get(server.asset_url("https://h.example/escape.png"))
        .send()
        .await
        .expect("answer");
    assert_eq!(escape.status().as_u16(), 404);
    let comments = get_json(&server, "/m/api/10/comment?startId=").await;
    assert_eq!(comments["data"]["items"].as_array().map(Vec::len), Some(3));
    server.shutdown().await;
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = serve(Faults::none()).await;
    let url = server.url("/robots.txt");
    assert_eq!(get(&server, "/robots.txt").await.0, 200);
    drop(server);
    tls_provider();
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    // The aborted task lets go of the listener when the runtime next gets to it.
    let mut refused = false;
    for _ in 0..100 {
        if fresh.get(&url).send().await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "the port still answers after drop");
}
