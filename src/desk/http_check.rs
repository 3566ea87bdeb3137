//! The desk's routes for the Naver check: the check page (`GET /check`), the button that starts
//! a check (`POST /check`), and recording a post Naver lists but the ledger lacks
//! (`POST /check/record`, only on the person's click; through [`DeskState::record`], so every
//! rule of the ledger applies). Every POST has passed the guard's token check.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::check_run;
use super::pages_check::{CheckPageInput, check_page as render_check_page};
use super::respond::{db_failure, form_fields, redirect};
use super::state::DeskState;

type Shared = Arc<DeskState>;

fn render(
    state: &DeskState,
    notice: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    match state.snapshot() {
        Ok(snap) => render_check_page(&CheckPageInput {
            bundle: &state.bundle,
            snapshot: &snap,
            status: &state.check.status(),
            token: state.token.as_str(),
            notice,
            error,
            http: status,
        }),
        Err(e) => db_failure(&e),
    }
}

pub(super) async fn check_page(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let recorded = query
        .get("recorded")
        .and_then(|id| id.parse::<u64>().ok())
        .and_then(|id| state.bundle.post(id))
        .map(|p| format!("「{}」의 네이버 주소를 기록했습니다.", p.entry.title));
    render(&state, recorded.as_deref(), None, StatusCode::OK)
}

pub(super) async fn check_start(State(state): State<Shared>) -> Response {
    check_run::start(&state);
    redirect("/check")
}

pub(super) async fn check_record(State(state): State<Shared>, body: Bytes) -> Response {
    let fields = form_fields(&body);
    let url = fields.get("naver_url").map_or("", String::as_str);
    let Some(post) = fields
        .get("post_id")
        .and_then(|id| id.parse::<u64>().ok())
        .and_then(|id| state.bundle.post(id))
    else {
        return render(
            &state,
            None,
            Some("번들에 그런 글이 없습니다. 기록은 바뀌지 않았습니다."),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    match state.record(post, url) {
        Ok(url) => {
            tracing::info!(post = post.entry.id, %url, "recorded from the Naver check");
            redirect(&format!("/check?recorded={}", post.entry.id))
        }
        Err(refusal) => render(
            &state,
            None,
            Some(&refusal.message()),
            if refusal.internal() {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
        ),
    }
}
