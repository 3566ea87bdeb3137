//! The same posts, once as an official backup zip and once as a live blog on 127.0.0.1: the
//! imported archive and the crawled one agree on titles, dates, categories, tags, body text and
//! images. Our own text; each side is written from the same table below.

use std::io::Write as _;

use serde_json::Value;
use tistory_migrate::commands::crawl::crawl_and_extract;
use tistory_migrate::convert::fidelity::rendered_text;
use tistory_migrate::progress::Progress;
use url::Url;
use zip::write::SimpleFileOptions;

use crate::crawl::test_settings;
use crate::import::rows;
use crate::support::bin;

struct Same {
    id: u64,
    title: &'static str,
    date: &'static str,
    category: &'static str,
    tags: &'static [&'static str],
    body: &'static str,
}

const POSTS: &[Same] = &[
    Same {
        id: 5,
        title: "봄 강변",
        date: "2021-04-05 09:12:33",
        category: "여행/서울",
        tags: &["벚꽃", "두 단어 태그"],
        body: "<p>벚꽃이 <b>한창</b>이었다.</p><ul><li>반포</li><li>여의도</li></ul><p>IMG</p>",
    },
    Same {
        id: 9,
        title: "분류 없는 메모",
        date: "2022-11-30 23:59:01",
        category: "",
        tags: &[],
        body: "<p>짧은 메모 한 줄.</p><blockquote><p>인용한 문장.</p></blockquote>",
    },
];

const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0 our picture of blossoms \xFF\xD9";

fn live_page(p: &Same, base: &str) -> String {
    let (cat_id, label) = if p.category.is_empty() {
        (0, "null".to_string())
    } else {
        (7, format!("\"{}\"", p.category))
    };
    let tags: String = p
        .tags
        .iter()
        .map(|t| format!("<a rel=\"tag\" href=\"/tag/{t}\">{t}</a>"))
        .collect();
    let iso = format!("{}+09:00", p.date.replace(' ', "T"));
    let body = p.body.replace(
        "<p>IMG</p>",
        &format!("<p><img src=\"{base}img/5.jpg\"></p>"),
    );
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><meta property="og:title" content="{title}">
<link rel="canonical" href="https://spring.tistory.com/{id}"><meta property="article:published_time" content="{iso}">
<script>window.T.config = {{"BLOG":{{"id":1,"name":"spring"}},"ROLE":"guest"}};
window.T.entryInfo = {{"entryId":{id},"categoryId":{cat_id},"categoryLabel":{label}}};</script></head>
<body id="tt-body-page"><div class="contents_style">{body}</div><div class="area_tag">{tags}</div></body></html>"#,
        title = p.title,
        id = p.id,
    )
}

fn backup_zip(path: &std::path::Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = SimpleFileOptions::default();
    for p in POSTS {
        let tags: String = p.tags.iter().map(|t| format!("#{t} ")).collect();
        let body = p
            .body
            .replace("<p>IMG</p>", "<p><img src=\"./img/5.jpg\"></p>");
        let page = format!(
            r#"<html><body><h2 class="title-article">{}</h2><div class="box-info"><p class="category">{}</p><p class="date">{}</p></div><div class="article-view"><div class="contents_style">{body}</div><div class="tags">{tags}</div></div></body></html>"#,
            p.title, p.category, p.date
        );
        zip.start_file(
            format!(
                "spring-1-1/{}/{}-{}.html",
                p.id,
                p.id,
                p.title.replace(' ', "-")
            ),
            opts,
        )
        .unwrap();
        zip.write_all(page.as_bytes()).unwrap();
    }
    zip.start_file("spring-1-1/5/img/5.jpg", opts).unwrap();
    zip.write_all(JPEG).unwrap();
    zip.finish().unwrap();
}

async fn start_live() -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}/");
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let base = base.clone();
        async move {
            use axum::response::IntoResponse as _;
            let html = |s: String| ([("content-type", "text/html; charset=utf-8")], s).into_response();
            let path = uri.path();
            if path == "/" {
                let links: String = POSTS.iter().map(|p| format!("<a href=\"/{}\">{}</a>", p.id, p.title)).collect();
                return html(format!(
                    r#"<html><head><script>window.T.config = {{"BLOG":{{"id":1,"name":"spring"}}}};</script></head><body id="tt-body-index">{links}</body></html>"#
                ));
            }
            if path == "/img/5.jpg" {
                return ([("content-type", "image/jpeg")], JPEG).into_response();
            }
            match POSTS.iter().find(|p| path == format!("/{}", p.id)) {
                Some(p) => html(live_page(p, &base)),
                None => axum::http::StatusCode::NOT_FOUND.into_response(),
            }
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    Url::parse(&format!("http://{addr}/")).unwrap()
}

fn body_text(out: &std::path::Path, id: u64) -> String {
    let md = std::fs::read_to_string(out.join(format!("posts/{id}.md"))).unwrap();
    let body = md.splitn(3, "---\n").nth(2).unwrap();
    rendered_text(body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_11_an_imported_zip_equals_a_crawl_of_the_same_posts() {
    let dir = tempfile::tempdir().unwrap();
    let live = start_live().await;
    let crawled = dir.path().join("crawled");
    let crawl_started = chrono::Utc::now() - chrono::Duration::seconds(1);
    let mut settings = test_settings();
    settings.comments = false;
    crawl_and_extract(live, crawled.clone(), settings, None, &Progress::hidden())
        .await
        .unwrap();
    let crawl_ended = chrono::Utc::now() + chrono::Duration::seconds(1);
    let zip = dir.path().join("spring.zip");
    backup_zip(&zip);
    let imported = dir.path().join("imported");
    let z = zip.clone();
    let i = imported.clone();
    let o = tokio::task::spawn_blocking(move || {
        bin()
            .arg("import")
            .arg(&z)
            .arg("--out")
            .arg(&i)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    let (a, b) = (rows(&crawled), rows(&imported));
    let ids = |rows: &[Value]| {
        rows.iter()
            .filter(|r| r["status"] == "ok")
            .map(|r| r["id"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), [5, 9]);
    assert_eq!(ids(&a), ids(&b));
    for p in POSTS {
        let row = |rows: &[Value]| rows.iter().find(|r| r["id"] == p.id).cloned().unwrap();
        let (c, i) = (row(&a), row(&b));
        for field in ["title", "published", "category", "tags", "url"] {
            assert_eq!(c[field], i[field], "post {}: {field}", p.id);
        }
        assert_eq!(c["title"], p.title);
        assert_eq!(
            c["images"].as_array().unwrap().len(),
            i["images"].as_array().unwrap().len()
        );
        assert_eq!(
            body_text(&crawled, p.id),
            body_text(&imported, p.id),
            "post {}",
            p.id
        );
        assert_eq!(c["provenance"]["origin"], "live");
        assert_eq!(i["provenance"]["origin"], "backup");
        // The live copy says when it was fetched, in the row and in the front matter.
        let fetched = c["provenance"]["fetched_at"]
            .as_str()
            .unwrap_or_else(|| panic!("post {}: no fetch time in {c}", p.id));
        let when = chrono::DateTime::parse_from_rfc3339(fetched).unwrap();
        assert!(
            (crawl_started..=crawl_ended).contains(&when.to_utc()),
            "{fetched} is during the crawl"
        );
        let md = std::fs::read_to_string(crawled.join(format!("posts/{}.md", p.id))).unwrap();
        assert!(
            md.contains(&format!(
                "provenance:\n  origin: \"live\"\n  fetched_at: \"{fetched}\"\n"
            )),
            "{md}"
        );
        assert!(i["provenance"].get("fetched_at").is_none(), "{i}");
    }
    let file = |out: &std::path::Path| {
        let r = rows(out).into_iter().find(|r| r["id"] == 5).unwrap();
        std::fs::read(out.join(r["images"][0]["file"].as_str().unwrap())).unwrap()
    };
    assert_eq!(file(&crawled), file(&imported), "the same image bytes");
}
