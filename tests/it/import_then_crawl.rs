//! Issue 11: an official backup zip imported first (visibility unknown), then a crawl of the live
//! blog on 127.0.0.1 into the same archive. The crawl learns each post's visibility from its live
//! page (public, private, protected, deleted), the bundle then holds the public posts without
//! `--mark-public`, and each post keeps the more complete of its two copies: a backup copy that
//! lacks an image the live blog serves gives way to the live one, and a live copy whose image is
//! gone leaves the backup copy in place. Every choice is recorded, and every saved file says where
//! it came from. Our own text; both sides are written from the table below.

use std::io::Write as _;
use std::path::Path;

use serde_json::Value;
use tistory_migrate::commands::crawl::crawl_and_extract;
use tistory_migrate::progress::Progress;
use url::Url;
use zip::write::SimpleFileOptions;

use crate::crawl::test_settings;
use crate::import::{rows, verify_json};
use crate::support::bin;

/// How the live blog shows a post.
#[derive(Clone, Copy, PartialEq)]
enum Live {
    Public,
    Private,
    Protected,
    Gone,
}

struct Post {
    id: u64,
    title: &'static str,
    text: &'static str,
    live: Live,
    /// The backup zip holds the post's image file.
    image_in_backup: bool,
    /// The live blog serves the post's image.
    image_live: bool,
}

const POSTS: &[Post] = &[
    Post {
        id: 11,
        title: "공개 글",
        text: "강가에 앉아 물새를 세었다.",
        live: Live::Public,
        image_in_backup: true,
        image_live: true,
    },
    Post {
        id: 12,
        title: "나만 보는 일기",
        text: "오늘은 아무에게도 말하지 않은 일을 적는다.",
        live: Live::Private,
        image_in_backup: true,
        image_live: true,
    },
    Post {
        id: 13,
        title: "보호된 글",
        text: "비밀번호를 아는 친구만 읽는 글.",
        live: Live::Protected,
        image_in_backup: true,
        image_live: true,
    },
    Post {
        id: 14,
        title: "그림이 빠진 백업",
        text: "이 글의 사진은 백업 파일에 들어가지 않았다.",
        live: Live::Public,
        image_in_backup: false,
        image_live: true,
    },
    Post {
        id: 15,
        title: "그림이 사라진 블로그",
        text: "이 글의 사진은 블로그에서 지워졌지만 백업에는 남았다.",
        live: Live::Public,
        image_in_backup: true,
        image_live: false,
    },
    Post {
        id: 16,
        title: "지운 글",
        text: "주인이 나중에 지운 글.",
        live: Live::Gone,
        image_in_backup: true,
        image_live: true,
    },
];

const DATE: &str = "2021-06-07 08:09:10";

fn image_bytes(id: u64) -> Vec<u8> {
    let mut bytes = b"\xFF\xD8\xFF\xE0".to_vec();
    bytes.extend(format!(" our photo for post {id} ").into_bytes());
    bytes.extend(b"\xFF\xD9");
    bytes
}

fn backup_zip(path: &Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = SimpleFileOptions::default();
    for p in POSTS {
        let page = format!(
            r#"<html><body><h2 class="title-article">{}</h2><div class="box-info"><p class="category">일상</p><p class="date">{DATE}</p></div><div class="article-view"><div class="contents_style"><p>{}</p><p><img src="./img/{}.jpg"></p></div><div class="tags"></div></div></body></html>"#,
            p.title, p.text, p.id
        );
        zip.start_file(format!("river-1-1/{}/{}.html", p.id, p.id), opts)
            .unwrap();
        zip.write_all(page.as_bytes()).unwrap();
        if p.image_in_backup {
            zip.start_file(format!("river-1-1/{}/img/{}.jpg", p.id, p.id), opts)
                .unwrap();
            zip.write_all(&image_bytes(p.id)).unwrap();
        }
    }
    zip.finish().unwrap();
}

fn head(id: u64, title: &str) -> String {
    format!(
        r#"<head><meta charset="utf-8"><meta property="og:title" content="{title}">
<link rel="canonical" href="https://river.tistory.com/{id}"><meta property="article:published_time" content="{}+09:00">
<script>window.T.config = {{"BLOG":{{"id":1,"name":"river"}},"ROLE":"guest"}};
window.T.entryInfo = {{"entryId":{id},"categoryId":3,"categoryLabel":"일상"}};</script></head>"#,
        DATE.replace(' ', "T")
    )
}

fn live_page(p: &Post, base: &str) -> Option<String> {
    let head = head(p.id, p.title);
    Some(match p.live {
        Live::Public => format!(
            r#"<!doctype html><html>{head}<body id="tt-body-page"><div class="contents_style"><p>{}</p><p><img src="{base}img/{}.jpg"></p></div></body></html>"#,
            p.text, p.id
        ),
        Live::Private => format!(
            r#"<!doctype html><html>{head}<body id="tt-body-page"><div class="absent_post">비공개 글입니다.</div></body></html>"#
        ),
        Live::Protected => format!(
            r#"<!doctype html><html>{head}<body id="tt-body-page"><div class="protected_post"><p>보호되어 있는 글입니다. 내용을 보시려면 비밀번호를 입력하세요.</p><form><input type="password" name="password"></form></div></body></html>"#
        ),
        Live::Gone => return None,
    })
}

async fn start_live() -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}/");
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let base = base.clone();
        async move {
            use axum::response::IntoResponse as _;
            let html =
                |s: String| ([("content-type", "text/html; charset=utf-8")], s).into_response();
            let path = uri.path();
            if path == "/" {
                let links: String = POSTS
                    .iter()
                    .filter(|p| p.live != Live::Gone)
                    .map(|p| format!("<a href=\"/{}\">{}</a>", p.id, p.title))
                    .collect();
                return html(format!(
                    r#"<html><head><script>window.T.config = {{"BLOG":{{"id":1,"name":"river"}}}};</script></head><body id="tt-body-index">{links}</body></html>"#
                ));
            }
            for p in POSTS {
                if path == format!("/img/{}.jpg", p.id) && p.image_live {
                    return ([("content-type", "image/jpeg")], image_bytes(p.id)).into_response();
                }
                if path == format!("/{}", p.id)
                    && let Some(page) = live_page(p, &base)
                {
                    return html(page);
                }
            }
            axum::http::StatusCode::NOT_FOUND.into_response()
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    Url::parse(&format!("http://{addr}/")).unwrap()
}

fn row(rows: &[Value], id: u64) -> &Value {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row {id}: {rows:#?}"))
}

fn bundled_ids(out: &Path) -> Vec<u64> {
    let o = bin().arg("bundle").arg(out).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("naver/bundle.json")).unwrap())
            .unwrap();
    let mut ids: Vec<u64> = manifest["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_u64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_11_a_crawl_after_an_import_learns_visibility_and_keeps_the_fuller_copy() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("river.zip");
    backup_zip(&zip);
    let out = dir.path().join("archive");
    let (z, o) = (zip.clone(), out.clone());
    let imported = tokio::task::spawn_blocking(move || {
        let r = bin()
            .arg("import")
            .arg(&z)
            .arg("--out")
            .arg(&o)
            .output()
            .unwrap();
        assert_eq!(
            r.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&r.stdout)
        );
        (rows(&o), bundled_ids(&o))
    })
    .await
    .unwrap();
    // Before the crawl: every post's visibility is unknown, and nothing is bundled.
    assert!(
        imported
            .0
            .iter()
            .all(|r| r["provenance"]["visibility"] == "unknown"),
        "{:#?}",
        imported.0
    );
    assert_eq!(imported.1, Vec::<u64>::new());
    let r15 = row(&imported.0, 15);
    assert_eq!(
        r15["provenance"]["assets"][0]["entry"], "river-1-1/15/img/15.jpg",
        "a backup file names its place in the zip: {r15}"
    );

    let live = start_live().await;
    let mut settings = test_settings();
    settings.comments = false;
    crawl_and_extract(live, out.clone(), settings, None, &Progress::hidden())
        .await
        .unwrap();

    let out2 = out.clone();
    tokio::task::spawn_blocking(move || {
        let out = out2;
        let rows = rows(&out);
        // 11: public on the live blog, the same copy: the backup's stays, now known public.
        let r11 = row(&rows, 11);
        assert_eq!(r11["status"], "ok");
        assert_eq!(r11["provenance"]["origin"], "backup", "{r11}");
        assert_eq!(r11["provenance"]["visibility"], "public", "{r11}");
        let why = r11["provenance"]["choice"].as_str().unwrap();
        assert!(
            why.starts_with("kept the backup copy: as complete"),
            "{why}"
        );
        // 12 and 13: the live blog hides them from a guest; the body stays the backup's.
        for (id, v) in [(12, "private"), (13, "protected")] {
            let r = row(&rows, id);
            assert_eq!(r["provenance"]["origin"], "backup", "{r}");
            assert_eq!(r["provenance"]["visibility"], v, "{r}");
            assert_eq!(r["status"], v, "{r}");
            assert!(
                r["provenance"]["choice"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("shows this post as {v}")),
                "{r}"
            );
            let md = std::fs::read_to_string(out.join(format!("posts/{id}.md"))).unwrap();
            let text = POSTS.iter().find(|p| p.id == id).unwrap().text;
            assert!(md.contains(text), "the backup's body is kept: {md}");
        }
        // 14: the backup lacks its image and the live blog has it: the live copy replaces it.
        let r14 = row(&rows, 14);
        assert_eq!(r14["provenance"]["origin"], "live", "{r14}");
        assert!(r14["provenance"]["fetched_at"].is_string(), "{r14}");
        let why = r14["provenance"]["choice"].as_str().unwrap();
        assert!(
            why.starts_with("kept the live copy: more complete than the backup copy")
                && why.contains("backup copy: 7 words, 0/1 images saved")
                && why.contains("live copy: 7 words, 1/1 images saved"),
            "{why}"
        );
        assert_eq!(r14["images"][0]["status"], "ok", "{r14}");
        let image = &r14["provenance"]["assets"][0];
        assert_eq!(image["origin"], "live", "{r14}");
        assert!(image["asset"].as_str().unwrap().ends_with("/img/14.jpg"));
        assert!(image["fetched_at"].is_string(), "{image}");
        assert_eq!(
            std::fs::read(out.join(r14["images"][0]["file"].as_str().unwrap())).unwrap(),
            image_bytes(14)
        );
        // 15: the live blog lost its image and the backup has it: the backup copy stays.
        let r15 = row(&rows, 15);
        assert_eq!(r15["provenance"]["origin"], "backup", "{r15}");
        let why = r15["provenance"]["choice"].as_str().unwrap();
        assert!(
            why.starts_with("kept the backup copy: more complete than the live copy")
                && why.contains("live copy: 7 words, 0/1 images saved"),
            "{why}"
        );
        assert_eq!(r15["provenance"]["assets"][0]["origin"], "backup");
        assert_eq!(r15["provenance"]["assets"][0]["file"], "river.zip");
        // 16: gone from the live blog: kept, marked deleted, not bundled.
        let r16 = row(&rows, 16);
        assert_eq!(r16["provenance"]["visibility"], "deleted", "{r16}");
        assert_eq!(r16["provenance"]["origin"], "backup");

        // The bundle now holds the public posts, without --mark-public.
        assert_eq!(bundled_ids(&out), [11, 14, 15]);

        let (code, report) = verify_json(&out);
        assert_eq!(
            (code, &report["complete"]),
            (0, &Value::Bool(true)),
            "{report:#}"
        );
        let prov = &report["provenance"];
        assert_eq!(
            prov["visibility_unknown"],
            serde_json::json!([]),
            "{prov:#}"
        );
        assert_eq!(prov["deleted_live"], serde_json::json!([16]), "{prov:#}");
        let choice_of = |id: u64| {
            prov["choices"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == id)
                .unwrap_or_else(|| panic!("no choice for {id}: {prov:#}"))
                .clone()
        };
        assert_eq!(choice_of(14)["kept"], "live");
        assert_eq!(choice_of(15)["kept"], "backup");
        let file_origin = |id: u64| {
            prov["assets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["post_id"] == id)
                .map(|a| a["origin"].clone())
        };
        assert_eq!(file_origin(14), Some(Value::from("live")));
        assert_eq!(file_origin(15), Some(Value::from("backup")));
        // The text report's per-post detail names the choice and the files' sources.
        let o = bin().arg("verify").arg(&out).output().unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains("    post 15: backup river.zip (river-1-1/15/15.html)"),
            "{text}"
        );
        assert!(
            text.contains("      choice: kept the backup copy: more complete"),
            "{text}"
        );
        assert!(text.contains("      image "), "{text}");
        assert!(
            text.contains(": backup river.zip (river-1-1/15/img/15.jpg)"),
            "{text}"
        );
        assert!(
            text.contains("deleted on the live blog (not bundled): 16"),
            "{text}"
        );
    })
    .await
    .unwrap();

    // A second crawl changes nothing about these posts (their choices and visibility stay).
    let ours = |out: &Path| -> Vec<Value> {
        rows(out)
            .into_iter()
            .filter(|r| POSTS.iter().any(|p| r["id"] == p.id))
            .map(crate::support::row_without_fetch_time)
            .map(|mut r| {
                for a in r["provenance"]["assets"]
                    .as_array_mut()
                    .into_iter()
                    .flatten()
                {
                    a.as_object_mut().unwrap().remove("fetched_at");
                }
                r
            })
            .collect()
    };
    let before = ours(&out);
    let mut settings = test_settings();
    settings.comments = false;
    let live = start_live().await;
    crawl_and_extract(live, out.clone(), settings, None, &Progress::hidden())
        .await
        .unwrap();
    assert_eq!(before, ours(&out));
}
