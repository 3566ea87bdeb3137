//! A fake Naver Blog on 127.0.0.1 for the Naver-side check. Its markup is our own, written from
//! what public scrapers of Naver read (`.se-title-text`, `div.se-main-container`,
//! `.se-text-paragraph`, `.se-component.se-image`, `PostView.naver?blogId=&logNo=`, the mobile
//! page, the RSS feed with `fromRss`/`trackingCode` links); no real page is copied. Every request
//! is journaled (time, path, whether a Cookie header came, the User-Agent) so that tests can check
//! the pacing and that no cookie is ever sent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tistory_migrate::markup::escape_html as esc;
use tistory_migrate::naver_check::bundle_read::ExpectedPost;

/// What the fake answers for one post.
#[derive(Debug, Clone)]
pub enum FakeAnswer {
    /// A 200 page.
    Page(String),
    /// A bare status (404 for a deleted post).
    Status(u16),
}

/// One post of the fake blog.
#[derive(Debug, Clone)]
pub struct FakePost {
    /// The desktop (`PostView.naver`) answer.
    pub desktop: FakeAnswer,
    /// The mobile answer (`None` = 404).
    pub mobile: Option<FakeAnswer>,
    /// Answer 429 to the first request for this post.
    pub flaky: bool,
}

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub at: Instant,
    pub path: String,
    pub cookie: bool,
    pub user_agent: String,
}

#[derive(Default)]
struct Inner {
    posts: HashMap<String, FakePost>,
    rss: String,
    journal: Vec<Seen>,
    flaked: Vec<String>,
}

/// The running fake.
pub struct FakeNaver {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeNaver {
    /// Every request so far.
    pub fn journal(&self) -> Vec<Seen> {
        self.inner.lock().unwrap().journal.clone()
    }
}

impl Drop for FakeNaver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The text of `body.txt` as SmartEditor ONE components: one text component per paragraph, an
/// image component for each `[[사진 N]]` line. `keep_image(n)` false drops image `n`;
/// `placeholder(n)` true leaves its placeholder text instead.
pub fn se_body(
    body_text: &str,
    keep_image: &dyn Fn(usize) -> bool,
    placeholder: &dyn Fn(usize) -> bool,
) -> String {
    let mut s = String::from("<div class=\"se-main-container\">\n");
    for line in body_text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let image = line
            .strip_prefix("[[사진 ")
            .and_then(|r| r.strip_suffix("]]"))
            .and_then(|n| n.parse::<usize>().ok());
        match image {
            Some(n) if placeholder(n) => s.push_str(&format!(
                "<div class=\"se-component se-text\"><div class=\"se-module se-module-text\"><p class=\"se-text-paragraph\"><span>{}</span></p></div></div>\n",
                esc(line)
            )),
            Some(n) if keep_image(n) => s.push_str(&format!(
                "<div class=\"se-component se-image se-l-default\"><div class=\"se-module se-module-image\"><a class=\"se-module-image-link\"><img class=\"se-image-resource\" src=\"https://postfiles.example/{n}.jpg\" alt=\"\"></a></div></div>\n"
            )),
            Some(_) => {}
            None => s.push_str(&format!(
                "<div class=\"se-component se-text\"><div class=\"se-module se-module-text\"><p class=\"se-text-paragraph\"><span>{}</span></p></div></div>\n",
                esc(line)
            )),
        }
    }
    s.push_str("</div>\n");
    s
}

/// A `PostView.naver` page holding `title` and `body` (from [`se_body`]).
pub fn post_view(title: &str, body: &str, category: Option<&str>, tags: &[String]) -> String {
    let tags: String = tags
        .iter()
        .map(|t| format!("<a href=\"#\" class=\"item\">#{}</a>", esc(t)))
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"ko\"><head><meta charset=\"utf-8\"><title>{t} : 네이버 블로그</title><meta property=\"og:title\" content=\"{t}\"></head><body><div id=\"whole_border\"><div id=\"postListBody\">\n<div class=\"blog2_series\"><a href=\"#\" class=\"pcol2\">{cat}</a></div>\n<div class=\"se-component se-documentTitle\"><div class=\"se-module se-module-text se-title-text\"><p class=\"se-text-paragraph\"><span>{t}</span></p></div></div>\n{body}<div class=\"wrap_tag\">{tags}</div>\n<script>var blogId = 'x';</script></div></div></body></html>",
        t = esc(title),
        cat = esc(category.unwrap_or("")),
    )
}

/// The faithful copy of a bundle post.
pub fn faithful(p: &ExpectedPost) -> String {
    post_view(
        &p.title,
        &se_body(&p.body_text, &|_| true, &|_| false),
        p.category.as_deref(),
        &p.tags,
    )
}

/// A page that is not a post: Naver's notice for a post that is not public (our wording).
pub const PRIVATE_PAGE: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>네이버 블로그</title></head><body><div class=\"error_content\"><p>이 글은 비공개 글입니다. 작성자만 볼 수 있습니다.</p></div></body></html>";
/// A page that is no post and says nothing about why (a maintenance notice).
pub const MAINTENANCE_PAGE: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>서비스 점검 중입니다. 잠시 후 다시 시도해 주세요.</p></body></html>";

/// An RSS feed listing `items` (log number, title), newest first, with tracking parameters.
pub fn rss(blog: &str, items: &[(String, String)]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{blog}님의 블로그</title><link>https://blog.naver.com/{blog}</link>\n"
    );
    for (log_no, title) in items {
        s.push_str(&format!(
            "<item><title><![CDATA[{title}]]></title><link>https://blog.naver.com/{blog}/{log_no}?fromRss=true&amp;trackingCode=rss</link><guid>https://blog.naver.com/{blog}/{log_no}</guid><description><![CDATA[…]]></description><pubDate>Tue, 01 Dec 2026 09:00:00 +0900</pubDate></item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

type Shared = Arc<Mutex<Inner>>;

fn answer(a: &FakeAnswer) -> Response {
    match a {
        FakeAnswer::Page(html) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html.clone(),
        )
            .into_response(),
        FakeAnswer::Status(code) => StatusCode::from_u16(*code)
            .unwrap_or(StatusCode::NOT_FOUND)
            .into_response(),
    }
}

fn lookup(state: &Shared, log_no: &str, mobile: bool) -> Response {
    let mut inner = state.lock().unwrap();
    let Some(post) = inner.posts.get(log_no).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if post.flaky && !inner.flaked.iter().any(|l| l == log_no) {
        inner.flaked.push(log_no.to_string());
        return (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "0")]).into_response();
    }
    if mobile {
        post.mobile
            .as_ref()
            .map_or_else(|| StatusCode::NOT_FOUND.into_response(), answer)
    } else {
        answer(&post.desktop)
    }
}

async fn post_view_route(
    State(state): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    lookup(&state, q.get("logNo").map_or("", String::as_str), false)
}

async fn mobile_route(
    State(state): State<Shared>,
    Path((_blog, log_no)): Path<(String, String)>,
) -> Response {
    lookup(&state, &log_no, true)
}

async fn rss_route(State(state): State<Shared>) -> Response {
    let body = state.lock().unwrap().rss.clone();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn journal(
    State(state): State<Shared>,
    headers: HeaderMap,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let seen = Seen {
        at: Instant::now(),
        path: request
            .uri()
            .path_and_query()
            .map(ToString::to_string)
            .unwrap_or_default(),
        cookie: headers.contains_key(header::COOKIE),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
    };
    state.lock().unwrap().journal.push(seen);
    next.run(request).await
}

/// Starts the fake with `posts` (by log number) and the feed `rss`.
pub async fn start(posts: HashMap<String, FakePost>, rss_body: String) -> FakeNaver {
    let inner = Arc::new(Mutex::new(Inner {
        posts,
        rss: rss_body,
        ..Inner::default()
    }));
    let app = Router::new()
        .route("/PostView.naver", get(post_view_route))
        .route("/m/{blog}/{log_no}", get(mobile_route))
        .route("/rss/{file}", get(rss_route))
        .layer(axum::middleware::from_fn_with_state(inner.clone(), journal))
        .with_state(inner.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    FakeNaver { base, inner, task }
}
