//! `crawl --wayback` against a fake CDX and snapshot server on 127.0.0.1: a blog whose live copy
//! lacks some posts (404) is completed from captures; a blog that is gone entirely is rebuilt from
//! captures alone; the request rate to the fake archive stays under its limit; provenance is right
//! in posts.jsonl and in the verify report. The pages are our own text.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tistory_migrate::commands::crawl::crawl_and_extract;
use tistory_migrate::crawl::wayback::WaybackOptions;
use tistory_migrate::progress::Progress;
use url::Url;

use crate::crawl::test_settings;
use crate::import::{rows, verify_json};
use crate::support::tistory_page;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n our drawing of the ferry";
/// The fake archive refuses two requests closer than this (as archive.org does, harder).
const ARCHIVE_MIN_GAP: Duration = Duration::from_millis(40);

#[derive(Default)]
struct ArchiveLog {
    times: Vec<Instant>,
    paths: Vec<String>,
    refused: usize,
}

type Shared = Arc<Mutex<ArchiveLog>>;

fn post2() -> String {
    tistory_page(
        2,
        "사라진 나루터",
        r#"<p>나루터는 2015년에 없어졌다.</p><p><img src="https://cdn.example/ferry.png"></p>"#,
    )
}

fn post3() -> String {
    tistory_page(3, "오래된 다리", "<p>다리는 1970년에 놓였다.</p>")
}

async fn archive(
    State((log, host)): State<(Shared, &'static str)>,
    uri: axum::http::Uri,
) -> Response {
    {
        let mut l = log.lock().unwrap();
        let now = Instant::now();
        let too_soon = l
            .times
            .last()
            .is_some_and(|t| now.duration_since(*t) < ARCHIVE_MIN_GAP);
        l.times.push(now);
        l.paths.push(uri.to_string());
        if too_soon {
            l.refused += 1;
            return StatusCode::TOO_MANY_REQUESTS.into_response();
        }
    }
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or_default().to_string();
    if path == "/cdx/search/cdx" {
        // The archive knows one host of the blog; two pages joined by a resume key.
        let json = |s: String| ([("content-type", "application/json")], s).into_response();
        if !query.contains(&format!("url={host}%2F*")) {
            return json(String::new());
        }
        let body = if query.contains("resumeKey=") {
            format!(
                r#"[["timestamp","original","statuscode","mimetype","digest"],
["20190304123000","https://{host}/3","200","text/html","C1"],
["20200101000000","https://{host}/3","200","text/html","C2"],
["20190304123000","https://cdn.example/ferry.png","200","image/png","I1"]]"#
            )
        } else {
            format!(
                r#"[["timestamp","original","statuscode","mimetype","digest"],
["20160101000000","https://{host}/1","200","text/html","A1"],
["20190304123000","https://{host}/2","200","text/html","B1"],
[],
["{host})/3 20190304123000"]]"#
            )
        };
        return json(body);
    }
    let html = |s: String| ([("content-type", "text/html; charset=utf-8")], s).into_response();
    let page = |ts_flag: &str, id: u64| path == format!("/web/{ts_flag}/https://{host}/{id}");
    if page("20160101000000id_", 1) {
        html(tistory_page(1, "첫 글", "<p>처음.</p>"))
    } else if page("20190304123000id_", 2) {
        html(post2())
    } else if page("20190304123000id_", 3) {
        html(post3())
    } else if page("20200101000000id_", 3) {
        // The newest capture of 3 is a listing page, not the post: the older one must be used.
        html(r#"<html><head><script>window.T.config = {"BLOG":{"name":"test-blog"}};</script></head><body id="tt-body-index"><a href="/1">1</a><a href="/2">2</a></body></html>"#.to_string())
    } else if path == "/web/20190304123000im_/https://cdn.example/ferry.png" {
        ([("content-type", "image/png")], PNG).into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

async fn start_archive(host: &'static str) -> (Url, Shared) {
    let log: Shared = Arc::default();
    let app = axum::Router::new()
        .fallback(archive)
        .with_state((log.clone(), host));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (Url::parse(&format!("http://{addr}/")).unwrap(), log)
}

/// The live blog: post 1 only; 2 and 3 answer 404. `gone` = every path answers 404.
async fn start_live(gone: bool) -> Url {
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| async move {
        let home = r#"<html><head><link rel="canonical" href="https://test-blog.tistory.com/"><script>window.T.config = {"BLOG":{"id":1000,"name":"test-blog"}};</script></head><body id="tt-body-index"><a href="/1">첫 글</a></body></html>"#;
        match (gone, uri.path()) {
            (false, "/") => ([("content-type", "text/html; charset=utf-8")], home.to_string()).into_response(),
            (false, "/1") => ([("content-type", "text/html; charset=utf-8")], tistory_page(1, "첫 글", "<p>처음.</p>")).into_response(),
            _ => StatusCode::NOT_FOUND.into_response(),
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Url::parse(&format!("http://{addr}/")).unwrap()
}

fn wayback_settings(endpoint: Url, forced: bool) -> tistory_migrate::config::CrawlSettings {
    let mut s = test_settings();
    s.comments = false;
    s.wayback = WaybackOptions {
        forced,
        endpoint,
        rate: 10.0,
        backoff_base: Duration::from_millis(50),
    };
    s
}

fn assert_polite(log: &Shared) {
    let l = log.lock().unwrap();
    assert_eq!(l.refused, 0, "a request came too soon: {:?}", l.paths);
    for pair in l.times.windows(2) {
        assert!(pair[1].duration_since(pair[0]) >= ARCHIVE_MIN_GAP);
    }
}

fn assert_restored(out: &Path, host: &str) {
    let rows = rows(out);
    let by_id = |id: u64| {
        rows.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("row {id}: {rows:?}"))
    };
    let r2 = by_id(2);
    assert_eq!(r2["status"], "ok");
    assert_eq!(r2["title"], "사라진 나루터");
    assert_eq!(r2["provenance"]["origin"], "wayback");
    assert_eq!(r2["provenance"]["timestamp"], "20190304123000");
    assert!(
        r2["provenance"]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/web/20190304123000id_/https://{host}/2"))
    );
    assert_eq!(r2["images"][0]["status"], "ok");
    assert_eq!(
        std::fs::read(out.join(r2["images"][0]["file"].as_str().unwrap())).unwrap(),
        PNG
    );
    // The image says which capture it came from (the archive served it at that address).
    let image = &r2["provenance"]["assets"][0];
    assert_eq!(image["asset"], "https://cdn.example/ferry.png", "{r2}");
    assert_eq!(image["kind"], "image");
    assert_eq!(image["origin"], "wayback");
    assert_eq!(image["timestamp"], "20190304123000");
    assert!(
        image["url"]
            .as_str()
            .unwrap()
            .ends_with("/web/20190304123000im_/https://cdn.example/ferry.png"),
        "{image}"
    );
    let r3 = by_id(3);
    assert_eq!(r3["title"], "오래된 다리");
    assert_eq!(
        r3["provenance"]["timestamp"], "20190304123000",
        "the newest capture that is a post"
    );
    let md = std::fs::read_to_string(out.join("posts/2.md")).unwrap();
    assert!(
        md.contains("  origin: \"wayback\"\n  timestamp: \"20190304123000\""),
        "{md}"
    );
    // The front matter names where the image came from: its own capture.
    let files = md
        .split_once("  files:\n")
        .map(|(_, f)| f)
        .unwrap_or_default();
    let first = files.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(r#"    - {"asset":"https://cdn.example/ferry.png","kind":"image","origin":"wayback","timestamp":"20190304123000","url":""#)
            && first.ends_with(r#"/web/20190304123000im_/https://cdn.example/ferry.png"}"#),
        "{md}"
    );
    let (code, report) = verify_json(out);
    assert_eq!(
        (code, &report["complete"]),
        (0, &Value::Bool(true)),
        "{report:#}"
    );
    let restored: Vec<u64> = report["provenance"]["restored"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["origin"] == "wayback")
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert!(restored.contains(&2) && restored.contains(&3), "{report:#}");
    let files = report["provenance"]["assets"].as_array().unwrap();
    assert!(
        files.iter().any(|f| f["post_id"] == 2
            && f["url"] == "https://cdn.example/ferry.png"
            && f["origin"] == "wayback"
            && f["source"]
                .as_str()
                .unwrap()
                .starts_with("Wayback snapshot 20190304123000 (")),
        "{report:#}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_11_a_live_blog_missing_posts_is_completed_from_the_wayback_machine() {
    let (endpoint, log) = start_archive("test-blog.tistory.com").await;
    let live = start_live(false).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive");
    let outcome = crawl_and_extract(
        live,
        out.clone(),
        wayback_settings(endpoint, true),
        None,
        &Progress::hidden(),
    )
    .await
    .unwrap();
    let way = outcome
        .crawl
        .wayback
        .as_ref()
        .expect("the Wayback source ran");
    // 127.0.0.1 (the address given): an empty answer; test-blog.tistory.com (the name the home
    // page gives): two pages joined by the resume key.
    assert_eq!(way.cdx_pages, 3);
    assert_eq!(way.restored, [2, 3]);
    assert_polite(&log);
    {
        let l = log.lock().unwrap();
        assert!(
            !l.paths
                .iter()
                .any(|p| p.contains("test-blog.tistory.com/1")),
            "post 1 is archived live: its capture is not fetched: {:?}",
            l.paths
        );
    }
    let rows = rows(&out);
    let r1 = rows.iter().find(|r| r["id"] == 1).unwrap();
    assert_eq!(r1["provenance"]["origin"], "live", "{r1}");
    let out2 = out.clone();
    tokio::task::spawn_blocking(move || assert_restored(&out2, "test-blog.tistory.com"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_11_a_blog_that_is_gone_is_rebuilt_from_captures_alone() {
    // The blog is known only by the address given (its name is on no page any more).
    let (endpoint, log) = start_archive("127.0.0.1").await;
    let live = start_live(true).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive");
    // Not forced: the gone home page turns the Wayback source on, with a notice.
    let outcome = crawl_and_extract(
        live,
        out.clone(),
        wayback_settings(endpoint, false),
        None,
        &Progress::hidden(),
    )
    .await
    .unwrap();
    assert!(
        outcome
            .crawl
            .warnings
            .iter()
            .any(|w| w.contains("the blog is gone")),
        "{:?}",
        outcome.crawl.warnings
    );
    let way = outcome.crawl.wayback.as_ref().unwrap();
    assert_eq!(way.restored, [1, 2, 3]);
    assert_polite(&log);
    let out2 = out.clone();
    tokio::task::spawn_blocking(move || {
        assert_restored(&out2, "127.0.0.1");
        let rows = rows(&out2);
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r["provenance"]["origin"] == "wayback"));
        // The bundle's footer says where the copy came from.
        let o = crate::support::bin()
            .arg("bundle")
            .arg(&out2)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let body = walkdir::WalkDir::new(out2.join("naver"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name() == "body.html")
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .find(|h| h.contains("나루터는"))
            .unwrap();
        assert!(
            body.contains("2019년 3월 4일 인터넷 아카이브 사본에서 복원되었습니다"),
            "{body}"
        );
        // A backup found later that lacks post 2's image: the snapshot is more complete and stays.
        let zip_page = |extra: &str, img: &str| {
            format!(
                r#"<html><body><h2 class="title-article">사라진 나루터</h2><div class="box-info"><p class="category">일상/메모</p><p class="date">2020-05-01 14:30:00</p></div><div class="article-view"><div class="contents_style"><p>나루터는 2015년에 없어졌다.</p>{extra}{img}</div></div></body></html>"#
            )
        };
        let import = |name: &str, page: String, image: Option<&[u8]>| {
            let zip = out2.parent().unwrap().join(name);
            let mut w = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
            let opts = zip::write::SimpleFileOptions::default();
            w.start_file("test-blog-1-1/2/2.html", opts).unwrap();
            std::io::Write::write_all(&mut w, page.as_bytes()).unwrap();
            if let Some(bytes) = image {
                w.start_file("test-blog-1-1/2/img/ferry.png", opts).unwrap();
                std::io::Write::write_all(&mut w, bytes).unwrap();
            }
            w.finish().unwrap();
            let o = crate::support::bin()
                .args(["import", "--mark-public", "all", "--out"])
                .arg(&out2)
                .arg(&zip)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
            crate::import::rows(&out2)
        };
        let after = import("test-blog.zip", zip_page("", ""), None);
        let r2 = after.iter().find(|r| r["id"] == 2).unwrap();
        assert_eq!(r2["provenance"]["origin"], "wayback", "{r2}");
        let why = r2["provenance"]["choice"].as_str().unwrap();
        assert!(
            why.starts_with("kept the Wayback copy: more complete than the backup copy")
                && why.contains("Wayback copy: 3 words, 1/1 images saved")
                && why.contains("backup copy: 3 words, 0/0 images saved"),
            "{why}"
        );
        // A fuller backup (the image and a second paragraph) replaces the snapshot, and says so;
        // the image's own provenance becomes the backup file.
        let second = "<p>그 자리에는 지금 자전거 길이 있고, 여름이면 사람들이 모인다.</p>";
        let after = import(
            "test-blog-full.zip",
            zip_page(second, r#"<p><img src="./img/ferry.png"></p>"#),
            Some(PNG),
        );
        let r2 = after.iter().find(|r| r["id"] == 2).unwrap();
        assert_eq!(r2["provenance"]["origin"], "backup", "{r2}");
        assert_eq!(r2["provenance"]["file"], "test-blog-full.zip");
        let why = r2["provenance"]["choice"].as_str().unwrap();
        assert!(
            why.starts_with("kept the backup copy: more complete than the Wayback copy"),
            "{why}"
        );
        let image = &r2["provenance"]["assets"][0];
        assert_eq!(image["origin"], "backup", "{r2}");
        assert_eq!(image["file"], "test-blog-full.zip");
        assert_eq!(image["entry"], "test-blog-1-1/2/img/ferry.png");
        let r3 = after.iter().find(|r| r["id"] == 3).unwrap();
        assert_eq!(r3["provenance"]["origin"], "wayback");
        let (code, report) = verify_json(&out2);
        assert_eq!((code, &report["complete"]), (0, &Value::Bool(true)), "{report:#}");
    })
    .await
    .unwrap();
}

/// The captures of a gone blog that knew its posts only by slug permalinks: post 3 at
/// `/entry/오래된-다리` (two captures), post 4 at `/entry/봄-벚꽃-산책`; with `bad`, a third slug
/// whose only capture is a tag listing, not a post.
const SLUG3: &str = "오래된-다리";
const SLUG4: &str = "봄-벚꽃-산책";
const SLUG_BAD: &str = "태그-모음";

fn post4() -> String {
    tistory_page(
        4,
        "봄 벚꽃 산책",
        "<p>벚꽃은 사월 초에 강가를 따라 핀다.</p>",
    )
}

/// `https://127.0.0.1/entry/<slug>` as the archive holds it (percent-encoded).
fn slug_capture(slug: &str) -> String {
    Url::parse(&format!("https://127.0.0.1/entry/{slug}"))
        .unwrap()
        .to_string()
}

async fn slug_archive(State((log, bad)): State<(Shared, bool)>, uri: axum::http::Uri) -> Response {
    {
        let mut l = log.lock().unwrap();
        let now = Instant::now();
        let too_soon = l
            .times
            .last()
            .is_some_and(|t| now.duration_since(*t) < ARCHIVE_MIN_GAP);
        l.times.push(now);
        l.paths.push(uri.to_string());
        if too_soon {
            l.refused += 1;
            return StatusCode::TOO_MANY_REQUESTS.into_response();
        }
    }
    let path = uri.path().to_string();
    if path == "/cdx/search/cdx" {
        let json = |s: String| ([("content-type", "application/json")], s).into_response();
        if !uri
            .query()
            .unwrap_or_default()
            .contains("url=127.0.0.1%2F*")
        {
            return json(String::new());
        }
        let mut rows = vec![
            format!(
                r#"["20180101000000","{}","200","text/html","S3a"]"#,
                slug_capture(SLUG3)
            ),
            format!(
                r#"["20210505050505","{}","200","text/html","S3b"]"#,
                slug_capture(SLUG3)
            ),
            format!(
                r#"["20190304123000","{}","200","text/html","S4"]"#,
                slug_capture(SLUG4)
            ),
        ];
        if bad {
            rows.push(format!(
                r#"["20200202020202","{}","200","text/html","X"]"#,
                slug_capture(SLUG_BAD)
            ));
        }
        return json(format!(
            r#"[["timestamp","original","statuscode","mimetype","digest"],{}]"#,
            rows.join(",")
        ));
    }
    let html = |s: String| ([("content-type", "text/html; charset=utf-8")], s).into_response();
    let at = |ts: &str, slug: &str| path == format!("/web/{ts}id_/{}", slug_capture(slug));
    if at("20210505050505", SLUG3) {
        html(post3())
    } else if at("20190304123000", SLUG4) {
        html(post4())
    } else if bad && at("20200202020202", SLUG_BAD) {
        html(r#"<html><head><script>window.T.config = {"BLOG":{"name":"test-blog"}};</script></head><body id="tt-body-tag"><a href="/3">3</a></body></html>"#.to_string())
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

async fn crawl_slug_archive(
    bad: bool,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Shared,
    Vec<String>,
    Url,
) {
    let log: Shared = Arc::default();
    let app = axum::Router::new()
        .fallback(slug_archive)
        .with_state((log.clone(), bad));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let endpoint = Url::parse(&format!("http://{addr}/")).unwrap();
    let live = start_live(true).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive");
    let outcome = crawl_and_extract(
        live,
        out.clone(),
        wayback_settings(endpoint.clone(), false),
        None,
        &Progress::hidden(),
    )
    .await
    .unwrap();
    let way = outcome.crawl.wayback.as_ref().unwrap();
    assert_eq!(way.restored, [3, 4], "{way:?}");
    (dir, out, log, outcome.crawl.warnings.clone(), endpoint)
}

fn assert_slug_posts(out: &Path) {
    let rows = rows(out);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let expected = [
        (3, "오래된 다리", "20210505050505", SLUG3),
        (4, "봄 벚꽃 산책", "20190304123000", SLUG4),
    ];
    for (id, title, ts, slug) in expected {
        let r = rows.iter().find(|r| r["id"] == id).unwrap();
        assert_eq!(r["status"], "ok", "{r}");
        assert_eq!(r["title"], title);
        assert_eq!(r["provenance"]["origin"], "wayback");
        assert_eq!(
            r["provenance"]["timestamp"], ts,
            "the newest capture of the slug"
        );
        assert!(
            r["provenance"]["url"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/web/{ts}id_/{}", slug_capture(slug))),
            "{r}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_11_a_gone_blog_captured_only_at_slug_permalinks_is_rebuilt() {
    let (_dir, out, log, _, endpoint) = crawl_slug_archive(false).await;
    assert_polite(&log);
    // Each capture read once: the one that named the slug's id is the post's snapshot too.
    let snapshots = || -> Vec<String> {
        log.lock()
            .unwrap()
            .paths
            .iter()
            .filter(|p| p.starts_with("/web/"))
            .cloned()
            .collect()
    };
    assert_eq!(snapshots().len(), 2, "{:?}", snapshots());
    // A second run knows both slugs' ids from the archive's slug map: no capture is asked for.
    let again = crawl_and_extract(
        start_live(true).await,
        out.clone(),
        wayback_settings(endpoint, true),
        None,
        &Progress::hidden(),
    )
    .await
    .unwrap();
    let way = again.crawl.wayback.as_ref().unwrap();
    assert_eq!(
        way.slugs_resolved,
        // By slug: 봄 (U+BD04) sorts before 오 (U+C624).
        [(SLUG4.to_owned(), 4), (SLUG3.to_owned(), 3)],
        "{way:?}"
    );
    assert_eq!(snapshots().len(), 2, "{:?}", snapshots());
    tokio::task::spawn_blocking(move || {
        assert_slug_posts(&out);
        let (code, report) = verify_json(&out);
        assert_eq!(
            (code, &report["complete"]),
            (0, &Value::Bool(true)),
            "{report:#}"
        );
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_11_a_slug_capture_that_is_not_a_post_is_named() {
    let (_dir, out, log, warnings, _) = crawl_slug_archive(true).await;
    assert_polite(&log);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains(&format!("/entry/{SLUG_BAD}")) && w.contains("20200202020202")),
        "{warnings:?}"
    );
    tokio::task::spawn_blocking(move || {
        assert_slug_posts(&out);
        let (code, report) = verify_json(&out);
        assert_eq!(report["complete"], Value::Bool(false), "{report:#}");
        assert_ne!(code, 0);
        let text = report.to_string();
        assert!(
            text.contains(&format!("slug permalink /entry/{SLUG_BAD}")),
            "{report:#}"
        );
        assert!(
            text.contains("not restorable from the Wayback Machine"),
            "{report:#}"
        );
    })
    .await
    .unwrap();
}
