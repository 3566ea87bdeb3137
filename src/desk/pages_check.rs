//! The desk's Naver check page: the button, the check's progress while it runs (the page reloads
//! itself), then one row per published post with its result (`data-post`, `data-status`) and what
//! to fix, and the posts Naver lists that the ledger lacks, each matched one with a button that
//! records it. Korean, with the check's own (English) detail under each finding.

use std::fmt::Write as _;

use axum::http::StatusCode;
use axum::response::Response;

use super::check::CheckStatus;
use super::load::DeskBundle;
use super::pages::{esc, render};
use super::state::Snapshot;
use crate::naver_check::{NaverReport, PostCheck};

/// What the page shows.
pub(crate) struct CheckPageInput<'a> {
    pub(crate) bundle: &'a DeskBundle,
    pub(crate) snapshot: &'a Snapshot,
    pub(crate) status: &'a CheckStatus,
    pub(crate) token: &'a str,
    pub(crate) notice: Option<&'a str>,
    pub(crate) error: Option<&'a str>,
    pub(crate) http: StatusCode,
}

fn button(token: &str, label: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/check\" class=\"check-start\"><input type=\"hidden\" name=\"token\" value=\"{}\"><button type=\"submit\" id=\"start-check\">{label}</button></form>",
        esc(token)
    )
}

fn status_of(p: &PostCheck) -> String {
    if p.ok {
        return "ok".into();
    }
    let mut kinds: Vec<&str> = p.findings.iter().map(|f| f.kind.as_str()).collect();
    kinds.dedup();
    kinds.join(" ")
}

fn results(input: &CheckPageInput<'_>, r: &NaverReport, main: &mut String) {
    let _ = write!(
        main,
        "<div class=\"card\" id=\"check-summary\"><p>기록된 글 <b id=\"check-checked\">{}</b>개 중 <b id=\"check-ok\">{}</b>개가 네이버에 온전히 올라가 있습니다. <span class=\"muted\">(요청 {}번, 본문 기준 {:.0}%)</span></p></div>",
        r.checked,
        r.ok,
        r.requests,
        r.threshold * 100.0
    );
    main.push_str("<table class=\"list\" id=\"check-results\"><thead><tr><th>글</th><th>네이버 주소</th><th>결과</th></tr></thead><tbody>");
    for p in &r.posts {
        let verdict = if p.ok {
            "<span class=\"state-published\">온전함</span>".to_string()
        } else {
            let mut s = String::from("<ul class=\"findings\">");
            for f in &p.findings {
                let lost = if f.lost.is_empty() {
                    String::new()
                } else {
                    format!(
                        "<br>빠진 말: <q class=\"lost\">{}</q>",
                        esc(&f.lost.join(" "))
                    )
                };
                let _ = write!(
                    s,
                    "<li data-kind=\"{}\"><b>{}</b> {}{lost}<br><small class=\"muted\">{}</small></li>",
                    f.kind.as_str(),
                    f.kind.korean(),
                    f.kind.korean_advice(),
                    esc(&f.message)
                );
            }
            s.push_str("</ul>");
            s
        };
        let title = p.title.clone().unwrap_or_else(|| format!("{}번 글", p.id));
        let _ = write!(
            main,
            "<tr data-post=\"{}\" data-status=\"{}\"><td><a href=\"/post/{}\">{}</a></td><td><a href=\"{}\" target=\"_blank\" rel=\"noreferrer\">{}</a></td><td>{verdict}</td></tr>",
            p.id,
            esc(&status_of(p)),
            p.id,
            esc(&title),
            esc(&p.naver_url),
            esc(&p.naver_url)
        );
    }
    main.push_str("</tbody></table>");
    if let Some(rss) = r.rss.as_ref().and_then(|x| x.error.as_ref()) {
        let _ = write!(
            main,
            "<div class=\"banner\" id=\"rss-error\">네이버 RSS를 읽지 못해 기록되지 않은 글은 찾지 못했습니다: {}</div>",
            esc(rss)
        );
    }
    if r.unrecorded.is_empty() {
        return;
    }
    main.push_str("<h2>네이버에는 있지만 기록되지 않은 글</h2><ul id=\"unrecorded\">");
    for u in &r.unrecorded {
        let recorded_now = u
            .post_id
            .and_then(|id| input.snapshot.naver_url(id))
            .is_some_and(|url| url == u.naver_url);
        let what = match (u.post_id.and_then(|id| input.bundle.post(id)), u.duplicate) {
            _ if recorded_now => "<span class=\"state-published\">기록함</span>".to_string(),
            (Some(post), true) => format!(
                "「{}」의 두 번째 사본입니다. 필요 없는 쪽을 네이버에서 지우세요.",
                esc(&post.entry.title)
            ),
            (Some(post), false) => format!(
                "「{}」로 보입니다. <form method=\"post\" action=\"/check/record\" class=\"inline\"><input type=\"hidden\" name=\"token\" value=\"{}\"><input type=\"hidden\" name=\"post_id\" value=\"{}\"><input type=\"hidden\" name=\"naver_url\" value=\"{}\"><button type=\"submit\" class=\"record-unrecorded\">이 주소로 기록</button></form>",
                esc(&post.entry.title),
                esc(input.token),
                post.entry.id,
                esc(&u.naver_url)
            ),
            (None, _) => "번들의 어느 글과도 맞지 않습니다.".to_string(),
        };
        let _ = write!(
            main,
            "<li data-url=\"{}\"><a href=\"{}\" target=\"_blank\" rel=\"noreferrer\">{}</a> {what}</li>",
            esc(&u.naver_url),
            esc(&u.naver_url),
            esc(&u.title)
        );
    }
    main.push_str("</ul>");
}

/// The check page.
pub(crate) fn check_page(input: &CheckPageInput<'_>) -> Response {
    let mut main = String::from("<h1>네이버에 올라간 글 확인</h1>");
    if let Some(n) = input.notice {
        let _ = write!(
            main,
            "<div class=\"banner ok\" id=\"notice\">{}</div>",
            esc(n)
        );
    }
    if let Some(e) = input.error {
        let _ = write!(
            main,
            "<div class=\"banner error\" id=\"error\">{}</div>",
            esc(e)
        );
    }
    main.push_str("<p class=\"muted\">기록된 네이버 글을 하나씩 열어 번들과 비교합니다: 제목, 본문, 사진 수, 원문 안내, 태그와 카테고리. 공개된 글만 읽고, 네이버에 부담을 주지 않도록 천천히(기본 2초에 한 번) 요청합니다.</p>");
    match input.status {
        CheckStatus::Idle => main.push_str(&button(input.token, "네이버에서 확인하기")),
        CheckStatus::Running {
            done,
            total,
            requests,
        } => {
            let _ = write!(
                main,
                "<div class=\"card\" id=\"check-running\"><p>확인하는 중… 글 {done} / {total} (요청 {requests}번). 이 화면은 저절로 새로 고쳐집니다.</p></div>"
            );
        }
        CheckStatus::Failed(why) => {
            let _ = write!(
                main,
                "<div class=\"banner error\" id=\"check-failed\">확인하지 못했습니다: {}</div>",
                esc(why)
            );
            main.push_str(&button(input.token, "다시 확인하기"));
        }
        CheckStatus::Done(report) => {
            results(input, report, &mut main);
            main.push_str(&button(input.token, "다시 확인하기"));
        }
    }
    render(
        input.http,
        "네이버 확인",
        Some(&input.snapshot.progress),
        &main,
    )
}
