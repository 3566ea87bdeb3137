//! Issue 11: comments of a gone blog from the Wayback Machine. A fake CDX and snapshot server on
//! 127.0.0.1 holds three posts of a blog whose live copy is gone, each page printing its own
//! comment count (`commentCount<ID>`, the hook Tistory renders):
//! - post 5 counts 3: captures of its comment endpoint, a first page (one comment with one reply,
//!   `nextId` 901) and the page after it (`?startId=901`, one comment); a newer first-page capture
//!   that is an error page, and an older one with other text, neither of which may be used;
//! - post 6 counts 2 and no capture holds its comments;
//! - post 7 counts 4, and only its first comment page (one comment) was captured;
//! - post 8 counts 2 and its page renders them itself, the 2016-17 way (`#entry8Comment` holding
//!   `li#comment<N>`, a reply nested in the first), with no capture of the comment endpoint.
//!
//! Expected values are written from these fixtures: post 5's three comments restored with the
//! captures' provenance, post 8's two read from its page with the page's capture as provenance, posts 6 and 7 named by verify as comments lost at the source, with
//! their counts, in text, JSON and HTML; the archive stays COMPLETE (no crawl can repair them);
//! the request rate to the archive stays under its limit. The text is our own.

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
use crate::support::{bin, tistory_page};

/// The fake archive refuses two requests closer than this. The fetcher spaces them by at least half
/// its interval (100 ms at this test's 5 requests a second), counted from when each one goes; the
/// rest is room for a loaded machine's late arrivals (one request held up on its way in while the
/// next arrives on time; at 10 requests a second that room, 25 ms, was once too little on a
/// machine at load 8). Without a limit the requests go back to back.
const ARCHIVE_MIN_GAP: Duration = Duration::from_millis(25);

#[derive(Default)]
struct ArchiveLog {
    times: Vec<Instant>,
    paths: Vec<String>,
    refused: usize,
}

type Shared = Arc<Mutex<ArchiveLog>>;

/// Post `id`'s page, printing `count` as its comment count outside the body.
fn post(id: u64, title: &str, body: &str, count: u64) -> String {
    tistory_page(id, title, body).replace(
        "</body>",
        &format!(
            r##"<div class="area-reply"><a href="#rp">댓글 <span id="commentCount{id}">{count}</span></a></div></body>"##
        ),
    )
}

fn cdx() -> String {
    let rows = [
        ("20190304123000", "https://127.0.0.1/5", "text/html"),
        ("20190304123000", "https://127.0.0.1/6", "text/html"),
        ("20190304123000", "https://127.0.0.1/7", "text/html"),
        ("20190304123000", "https://127.0.0.1/8", "text/html"),
        (
            "20180101000000",
            "https://127.0.0.1/m/api/5/comment",
            "application/json",
        ),
        (
            "20190305000000",
            "https://127.0.0.1/m/api/5/comment",
            "application/json",
        ),
        (
            "20220101000000",
            "https://127.0.0.1/m/api/5/comment",
            "text/html",
        ),
        (
            "20190306000000",
            "https://127.0.0.1/m/api/5/comment?startId=901",
            "application/json",
        ),
        (
            "20190305000000",
            "https://127.0.0.1/m/api/5/comment/count",
            "application/json",
        ),
        (
            "20190305000000",
            "https://127.0.0.1/m/api/7/comment",
            "application/json",
        ),
    ];
    let body: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, (ts, url, mime))| format!(r#"["{ts}","{url}","200","{mime}","D{i}"]"#))
        .collect();
    format!(
        r#"[["timestamp","original","statuscode","mimetype","digest"],{}]"#,
        body.join(",")
    )
}

/// Post 8's comments as an old skin rendered them into the page: a comment and its reply.
const OLD_SKIN_COMMENTS: &str = r##"<div id="entry8Comment"><ul class="reply-list">
<li id="comment8001"><span class="who"><a href="https://river.example/" onclick="return openLinkInNewWindow(this)">강물</a></span>
<span class="what">그때가 그립네요</span><span class="when">2016.05.02 09:15 <a href="/toolbar/popup/abuseReport/?entryId=8&commentId=8001">신고</a></span>
<a href="/8#comment8001">댓글주소</a><button type="button">댓글 메뉴</button>
<ul><li id="comment8002"><span class="who">시험자</span><span class="what">저도요</span><span class="when">2016.05.02 10:00</span></li></ul>
</li></ul></div></body>"##;

fn json(s: &str) -> Response {
    ([("content-type", "application/json")], s.to_string()).into_response()
}

async fn archive(State(log): State<Shared>, uri: axum::http::Uri) -> Response {
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
    let target = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    if uri.path() == "/cdx/search/cdx" {
        let q = uri.query().unwrap_or_default();
        return if q.contains("url=127.0.0.1%2F*") {
            json(&cdx())
        } else {
            json("")
        };
    }
    let html = |s: String| ([("content-type", "text/html; charset=utf-8")], s).into_response();
    match target.as_str() {
        "/web/20190304123000id_/https://127.0.0.1/5" => html(post(
            5,
            "강가의 댓글",
            "<p>강가에서 사람들이 이야기를 나눴다.</p>",
            3,
        )),
        "/web/20190304123000id_/https://127.0.0.1/6" => html(post(
            6,
            "잃어버린 댓글",
            "<p>이 글의 댓글은 남지 않았다.</p>",
            2,
        )),
        "/web/20190304123000id_/https://127.0.0.1/7" => {
            html(post(7, "반쪽 댓글", "<p>첫 쪽만 남았다.</p>", 4))
        }
        "/web/20190304123000id_/https://127.0.0.1/8" => html(
            post(
                8,
                "옛 스킨의 댓글",
                "<p>이 무렵 댓글은 페이지에 함께 그려졌다.</p>",
                2,
            )
            .replace("</body>", OLD_SKIN_COMMENTS),
        ),
        // The newest capture of 5's first page is an error page, not JSON: not usable.
        "/web/20220101000000id_/https://127.0.0.1/m/api/5/comment" => {
            html("<html><body>점검 중</body></html>".into())
        }
        "/web/20190305000000id_/https://127.0.0.1/m/api/5/comment" => json(
            r#"{"code":200,"data":{"items":[{"id":900,"content":"다리 사진이 좋네요","writer":{"name":"나그네","homepage":""},"written":"2019-03-01T10:00:00+09:00","children":[{"id":902,"content":"고맙습니다","writer":{"name":"시험자","homepage":""},"written":"2019-03-01T11:00:00+09:00"}]}],"isLast":false,"nextId":901}}"#,
        ),
        "/web/20190306000000id_/https://127.0.0.1/m/api/5/comment?startId=901" => json(
            r#"{"code":200,"data":{"items":[{"id":901,"content":"저도 가 봤어요","writer":{"name":"이웃","homepage":""},"written":"2019-03-02T09:00:00+09:00","children":[]}],"isLast":true,"nextId":0}}"#,
        ),
        "/web/20180101000000id_/https://127.0.0.1/m/api/5/comment" => json(
            r#"{"code":200,"data":{"items":[{"id":800,"content":"오래된 댓글","writer":{"name":"옛날","homepage":""},"written":"2017-12-01T10:00:00+09:00","children":[]}],"isLast":true}}"#,
        ),
        "/web/20190305000000id_/https://127.0.0.1/m/api/7/comment" => json(
            r#"{"code":200,"data":{"items":[{"id":950,"content":"첫 댓글","writer":{"name":"누군가","homepage":""},"written":"2019-03-03T09:00:00+09:00","children":[]}],"isLast":false,"nextId":951}}"#,
        ),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn start_archive() -> (Url, Shared) {
    let log: Shared = Arc::default();
    let app = axum::Router::new()
        .fallback(archive)
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (Url::parse(&format!("http://{addr}/")).unwrap(), log)
}

/// A live blog that is gone: every path answers 404.
async fn start_gone() -> Url {
    let app = axum::Router::new().fallback(|| async { StatusCode::NOT_FOUND });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Url::parse(&format!("http://{addr}/")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_11_comments_of_a_gone_blog_come_from_captures_and_lost_ones_are_named() {
    let (endpoint, log) = start_archive().await;
    let mut settings = test_settings();
    settings.wayback = WaybackOptions {
        forced: false,
        endpoint,
        rate: 5.0,
        backoff_base: Duration::from_millis(50),
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive");
    let outcome = crawl_and_extract(
        start_gone().await,
        out.clone(),
        settings,
        None,
        &Progress::hidden(),
    )
    .await
    .unwrap();
    let way = outcome.crawl.wayback.as_ref().unwrap();
    assert_eq!(way.restored, [5, 6, 7, 8]);
    let restored: Vec<(u64, usize, usize, Option<u64>, bool)> = way
        .comments_restored
        .iter()
        .map(|c| (c.id, c.count, c.pages, c.next_page_missing, c.from_page))
        .collect();
    assert_eq!(
        restored,
        [
            (5, 3, 2, None, false),
            (7, 1, 1, Some(951), false),
            (8, 2, 0, None, true)
        ],
        "5: the newest usable first page and the page after it; 7: its first page only; 8: its page"
    );
    {
        let l = log.lock().unwrap();
        assert_eq!(l.refused, 0, "a request came too soon: {:?}", l.paths);
        for pair in l.times.windows(2) {
            assert!(pair[1].duration_since(pair[0]) >= ARCHIVE_MIN_GAP);
        }
        assert!(
            !l.paths.iter().any(|p| p.contains("/comment/count")),
            "the count endpoint is not a comment list: {:?}",
            l.paths
        );
        assert!(
            !l.paths.iter().any(|p| p.contains("20180101000000")),
            "the older first page is not read once a newer one is usable: {:?}",
            l.paths
        );
    }
    let out2 = out.clone();
    tokio::task::spawn_blocking(move || check_archive(&out2))
        .await
        .unwrap();
}

fn check_archive(out: &std::path::Path) {
    let saved: Value =
        serde_json::from_slice(&std::fs::read(out.join("comments/5.json")).unwrap()).unwrap();
    assert_eq!(saved["post_id"], 5);
    let items = saved["items"].as_array().unwrap();
    let contents: Vec<&str> = items
        .iter()
        .map(|i| i["content"].as_str().unwrap())
        .collect();
    assert_eq!(contents, ["다리 사진이 좋네요", "저도 가 봤어요"]);
    assert_eq!(items[0]["children"][0]["content"], "고맙습니다");
    let origins: Vec<(&str, &str)> = saved["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["origin"].as_str().unwrap(),
                p["timestamp"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        origins,
        [("wayback", "20190305000000"), ("wayback", "20190306000000")]
    );
    assert!(
        saved["provenance"][1]["url"]
            .as_str()
            .unwrap()
            .ends_with("/web/20190306000000id_/https://127.0.0.1/m/api/5/comment?startId=901")
    );
    assert!(!out.join("comments/6.json").exists());
    let old: Value =
        serde_json::from_slice(&std::fs::read(out.join("comments/8.json")).unwrap()).unwrap();
    let first = &old["items"][0];
    assert_eq!(first["id"], 8001);
    assert_eq!(first["writer"]["name"], "강물");
    assert_eq!(first["writer"]["homepage"], "https://river.example/");
    assert_eq!(first["content"], "그때가 그립네요");
    assert_eq!(first["written"], "2016-05-02T09:15:00+09:00");
    assert_eq!(first["children"][0]["content"], "저도요");
    assert_eq!(old["items"].as_array().unwrap().len(), 1);
    assert_eq!(old["provenance"][0]["origin"], "wayback");
    assert_eq!(old["provenance"][0]["timestamp"], "20190304123000");
    assert!(
        old["provenance"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/web/20190304123000id_/https://127.0.0.1/8")
    );
    assert_eq!(rows(out).len(), 4);
    let (code, report) = verify_json(out);
    assert_eq!(
        (code, &report["complete"]),
        (0, &Value::Bool(true)),
        "lost comments are notes, not gaps: {report:#}"
    );
    let gone: Vec<(u64, u64, u64)> = report["comments"]["gone"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["id"].as_u64().unwrap(),
                g["page_count"].as_u64().unwrap(),
                g["saved"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(gone, [(6, 2, 0), (7, 4, 1)], "{report:#}");
    let notes: Vec<&Value> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "comments_gone")
        .collect();
    assert_eq!(notes.len(), 2, "{report:#}");
    assert!(notes.iter().all(|p| p["gap"] == false));
    let text = bin().arg("verify").arg(out).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("COMPLETE"), "{text}");
    assert!(
        text.contains("2 posts with comments lost at the source (6 7)"),
        "{text}"
    );
    assert!(
        text.contains("post 6: its page counts 2 comment(s), and no saved copy holds them"),
        "{text}"
    );
    assert!(
        text.contains("post 7: its page counts 4 comment(s), the saved copy holds 1"),
        "{text}"
    );
    let html_path = out.join("report.html");
    let o = bin()
        .arg("verify")
        .arg(out)
        .arg("--html")
        .arg(&html_path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(
        html.contains(r#"data-field="comments_gone_count">2<"#),
        "{html}"
    );
    assert!(html.contains("post 6: its page counts 2 comment(s)"));
}
