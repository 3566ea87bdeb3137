//! The desk's HTTP side: the routes, and the guard every request passes first. The guard answers
//! 403 to a request whose `Host` is not this desk (DNS rebinding), to a POST whose form lacks this
//! run's token or whose `Origin` is another site, and to a page request with neither the token in
//! the URL nor the cookie the first visit set. A visit with `?token=` sets that cookie and is sent
//! on to the same page without the token, so it does not stay in the address bar. No handler
//! writes anything but through [`DeskState::record`].

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use super::files::{self, FileRefusal};
use super::pages::{self, Flash, html_page};
use super::pages_post::{PostPageInput, post_page};
use super::progress::NextPost;
use super::respond::{db_failure, form_fields, redirect};
use super::state::DeskState;

/// The largest form accepted (a URL and a token).
const MAX_FORM_BYTES: usize = 16 * 1024;

type Shared = Arc<DeskState>;

/// All routes, behind the guard.
pub(crate) fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/next", get(next))
        .route("/links", get(links))
        .route("/post/{id}", get(post_get))
        .route("/post/{id}/publish", post(publish))
        .route("/api/progress", get(api_progress))
        .route(
            "/check",
            get(super::http_check::check_page).post(super::http_check::check_start),
        )
        .route("/check/record", post(super::http_check::check_record))
        .route("/files/{*path}", get(file))
        .route("/favicon.ico", get(no_icon))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

fn cookie_name(state: &DeskState) -> String {
    format!("tm_desk_{}", state.port)
}

fn cookie_token(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn host_is_ours(headers: &HeaderMap, port: u16) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    host == format!("127.0.0.1:{port}") || host == format!("localhost:{port}")
}

fn origin_is_ours(headers: &HeaderMap, port: u16) -> bool {
    match headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()) {
        None => true,
        Some(o) => {
            o == format!("http://127.0.0.1:{port}") || o == format!("http://localhost:{port}")
        }
    }
}

fn forbidden(message: &str) -> Response {
    html_page(
        StatusCode::FORBIDDEN,
        "접근 거부",
        &pages::message("접근할 수 없습니다", message),
    )
}

async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if !host_is_ours(request.headers(), state.port) {
        return forbidden(
            "이 주소로는 열 수 없습니다. 터미널에 출력된 http://127.0.0.1 주소로 여세요.",
        );
    }
    let method = request.method().clone();
    if method == Method::POST {
        if !origin_is_ours(request.headers(), state.port) {
            return forbidden("다른 사이트에서 보낸 요청은 받지 않습니다.");
        }
        let (parts, body) = request.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
            return forbidden("요청이 너무 큽니다.");
        };
        let token_ok = form_fields(&bytes)
            .get("token")
            .is_some_and(|t| state.token.matches(t));
        if !token_ok {
            return forbidden(
                "이 화면의 기록 권한(토큰)이 맞지 않습니다. 옮기기 도구를 다시 시작했다면, 터미널에 새로 출력된 주소로 여세요. 기록은 바뀌지 않았습니다.",
            );
        }
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    if method != Method::GET && method != Method::HEAD {
        return next.run(request).await;
    }
    let name = cookie_name(&state);
    let query: HashMap<String, String> = request
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    if let Some(given) = query.get("token") {
        if !state.token.matches(given) {
            return forbidden(
                "주소의 토큰이 맞지 않습니다. 옮기기 도구를 다시 시작했다면, 터미널에 새로 출력된 주소로 여세요.",
            );
        }
        let rest: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query.iter().filter(|(k, _)| *k != "token"))
            .finish();
        let location = if rest.is_empty() {
            request.uri().path().to_string()
        } else {
            format!("{}?{rest}", request.uri().path())
        };
        let mut response = redirect(&location);
        let cookie = format!(
            "{name}={}; Path=/; HttpOnly; SameSite=Strict",
            state.token.as_str()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
        return response;
    }
    if cookie_token(request.headers(), &name).is_some_and(|t| state.token.matches(&t)) {
        return next.run(request).await;
    }
    forbidden(
        "터미널에 출력된 주소(끝에 ?token=… 이 붙은 주소)로 여세요. 이 화면은 그 주소를 아는 사람만 쓸 수 있습니다.",
    )
}

fn flash_of(
    state: &DeskState,
    snapshot: &super::state::Snapshot,
    query: &HashMap<String, String>,
) -> Option<Flash> {
    let id: u64 = query.get("saved")?.parse().ok()?;
    let post = state.bundle.post(id)?;
    Some(Flash {
        title: post.entry.title.clone(),
        naver_url: snapshot.naver_url(id)?,
    })
}

async fn home(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match state.snapshot() {
        Ok(snap) => {
            let flash = flash_of(&state, &snap, &query);
            pages::home(&state.bundle, &snap, flash.as_ref())
        }
        Err(e) => db_failure(&e),
    }
}

async fn next(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let snap = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return db_failure(&e),
    };
    let saved = query
        .get("saved")
        .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
        .map(|s| format!("?saved={s}"))
        .unwrap_or_default();
    match snap.progress.next {
        NextPost::Post(id) => redirect(&format!("/post/{id}{saved}")),
        NextPost::CapReached | NextPost::AllDone => redirect(&format!("/{saved}")),
    }
}

async fn links(State(state): State<Shared>) -> Response {
    match state.snapshot() {
        Ok(snap) => pages::links_page(&state.bundle, &snap),
        Err(e) => db_failure(&e),
    }
}

async fn post_get(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(post) = id.parse().ok().and_then(|id| state.bundle.post(id)) else {
        return not_found().await;
    };
    let snap = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return db_failure(&e),
    };
    let flash = flash_of(&state, &snap, &query);
    post_page(&PostPageInput {
        bundle: &state.bundle,
        post,
        snapshot: &snap,
        token: state.token.as_str(),
        flash: flash.as_ref(),
        error: None,
        entered: None,
        status: StatusCode::OK,
    })
}

async fn publish(State(state): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let Some(post) = id.parse().ok().and_then(|id| state.bundle.post(id)) else {
        return not_found().await;
    };
    let fields = form_fields(&body);
    let pasted = fields.get("naver_url").map_or("", String::as_str);
    let outcome = state.record(post, pasted);
    let snap = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return db_failure(&e),
    };
    match outcome {
        Ok(url) => {
            tracing::info!(post = post.entry.id, %url, "recorded on Naver");
            redirect(&format!("/next?saved={}", post.entry.id))
        }
        Err(refusal) => post_page(&PostPageInput {
            bundle: &state.bundle,
            post,
            snapshot: &snap,
            token: state.token.as_str(),
            flash: None,
            error: Some(&refusal.message()),
            entered: Some(pasted),
            status: if refusal.internal() {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
        }),
    }
}

async fn api_progress(State(state): State<Shared>) -> Response {
    let snap = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return db_failure(&e),
    };
    let body = serde_json::json!({
        "progress": snap.progress,
        "naver_blog": snap.blog_id,
        "published": state.bundle.order().into_iter().filter(|id| snap.published.contains_key(id)).collect::<Vec<_>>(),
    });
    let mut response = Response::new(Body::from(body.to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn file(State(state): State<Shared>, request: Request) -> Response {
    let raw = request.uri().path().strip_prefix("/files/").unwrap_or("");
    let refused = |status, text: &str| {
        html_page(
            status,
            "파일 없음",
            &pages::message("파일을 열 수 없습니다", text),
        )
    };
    let path = match files::resolve(&state.bundle.root, raw) {
        Ok(p) => p,
        Err(FileRefusal::BadPath(_)) => {
            return refused(
                StatusCode::BAD_REQUEST,
                "번들 폴더 안의 파일만 열 수 있습니다.",
            );
        }
        Err(_) => return refused(StatusCode::NOT_FOUND, "번들에 그런 파일이 없습니다."),
    };
    let Ok(bytes) = tokio::fs::read(&path).await else {
        return refused(StatusCode::NOT_FOUND, "파일을 읽지 못했습니다.");
    };
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(files::content_type(&path)),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// No icon, and no 404 in the browser's console for it.
async fn no_icon() -> StatusCode {
    StatusCode::NO_CONTENT
}

async fn not_found() -> Response {
    html_page(
        StatusCode::NOT_FOUND,
        "없는 화면",
        &pages::message(
            "그런 화면은 없습니다",
            "위의 '진행 현황'이나 '다음 글'로 가세요.",
        ),
    )
}
