//! Small answers every desk route gives the same way (a redirect after a form, the page for a
//! state-file failure) and the form reader. A leaf the routers share (`http`, `http_check`), so
//! neither router imports the other for them.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use super::pages::{self, html_page};

pub(super) fn form_fields(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

pub(super) fn redirect(location: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

pub(super) fn db_failure(e: &impl std::fmt::Display) -> Response {
    html_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "오류",
        &pages::message(
            "보관함 상태 파일을 읽지 못했습니다",
            &format!(
                "archive.db: {e}. 디스크 공간과 파일을 확인한 뒤 옮기기 도구를 다시 시작하세요."
            ),
        ),
    )
}
