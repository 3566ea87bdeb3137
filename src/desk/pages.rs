//! The desk's pages other than a post's (see `pages_post`): the layout every page shares, the
//! progress header, the start page, the links to fix, and short messages. Korean throughout.
//! Every page gets a fresh nonce and a Content-Security-Policy that allows only the page's own
//! inline style and script, images from the desk, and forms posted to the desk.

use std::fmt::Write as _;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::DateTime;
use rand::RngCore as _;

use super::load::{DeskBundle, DeskPost};
use super::progress::{NextPost, Progress};
use super::state::Snapshot;
use crate::bundle::footer::korean_date;

const LAYOUT: &str = include_str!("templates/layout.html");
const CSS: &str = include_str!("templates/desk.css");
const JS: &str = include_str!("templates/desk.js");

/// "Just recorded" news for the next page.
pub(crate) struct Flash {
    pub(crate) title: String,
    pub(crate) naver_url: String,
}

pub(crate) use crate::markup::escape_html as esc;

pub(crate) use crate::markup::encode_segment;

/// The desk URL of a file of a post's directory (`rel` like `images/01.jpg`).
pub(crate) fn file_url(post: &DeskPost, rel: &str) -> String {
    let mut url = format!("/files/{}", encode_segment(&post.entry.dir));
    for seg in rel.split('/') {
        url.push('/');
        url.push_str(&encode_segment(seg));
    }
    url
}

/// `2014년 3월 9일` from an RFC 3339 date, or `날짜 없음`.
pub(crate) fn date_ko(rfc3339: Option<&str>) -> String {
    rfc3339
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map_or_else(|| "날짜 없음".to_string(), |d| korean_date(&d))
}

/// Fills `{{NAME}}` placeholders in one pass, so no value is read as a placeholder.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            values
                .iter()
                .find(|(k, _)| *k == &after[..end])
                .map(|(k, v)| (k.len(), *v))
        });
        match value {
            Some((len, v)) => {
                out.push_str(v);
                rest = &after[len + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A whole page.
pub(crate) fn render(
    status: StatusCode,
    title: &str,
    progress: Option<&Progress>,
    main: &str,
) -> Response {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let nonce = hex::encode(bytes);
    let progress = progress.map(progress_header).unwrap_or_default();
    let html = fill(
        LAYOUT,
        &[
            ("TITLE", &esc(title)),
            ("NONCE", &nonce),
            ("CSS", CSS),
            ("JS", JS),
            ("PROGRESS", &progress),
            ("MAIN", main),
        ],
    );
    let mut response = Response::new(Body::from(html));
    *response.status_mut() = status;
    let csp = format!(
        "default-src 'none'; img-src 'self'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    );
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // same-origin, not no-referrer: the form posts must carry an Origin the guard can check.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if let Ok(v) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

/// A page without the progress header (refusals, errors).
pub(crate) fn html_page(status: StatusCode, title: &str, main: &str) -> Response {
    render(status, title, None, main)
}

/// A short message block.
pub(crate) fn message(heading: &str, text: &str) -> String {
    format!(
        "<h1>{}</h1><div class=\"banner note\">{}</div>",
        esc(heading),
        esc(text)
    )
}

/// The counts at the top of every page.
pub(crate) fn progress_header(p: &Progress) -> String {
    format!(
        "<div class=\"progress\" id=\"progress\"><span>옮긴 글 <b id=\"published-count\">{}</b> / {}</span><progress max=\"{}\" value=\"{}\"></progress><span>남은 글 <b id=\"remaining-count\">{}</b></span><span>오늘 <b id=\"today-count\">{}</b> / {}</span></div>",
        p.published,
        p.total,
        p.total.max(1),
        p.published,
        p.remaining,
        p.today,
        p.cap
    )
}

/// Why nothing is offered today.
pub(crate) fn cap_message(p: &Progress) -> String {
    format!(
        "<div class=\"banner note\" id=\"cap-reached\"><b>오늘({}) 발행 한도 {}개에 도달했습니다.</b> 오늘은 더 옮기지 않습니다. 네이버는 블로그 하나에 하루 약 200개까지만 발행을 허용하고, 한꺼번에 많이 올리면 스팸으로 보일 수 있어 하루 한도를 두었습니다. 내일(한국 시간 자정 이후) 이 화면을 다시 열면 다음 글부터 이어집니다. 한도는 도구를 시작할 때 <code>--daily-cap</code>으로 바꿀 수 있습니다(최대 199).</div>",
        esc(&p.today_date),
        p.cap
    )
}

fn flash_banner(flash: Option<&Flash>) -> String {
    flash.map_or_else(String::new, |f| {
        format!(
            "<div class=\"banner ok\" id=\"saved\">「{}」의 네이버 주소를 기록했습니다: <a href=\"{}\" target=\"_blank\" rel=\"noreferrer\">{}</a></div>",
            esc(&f.title),
            esc(&f.naver_url),
            esc(&f.naver_url)
        )
    })
}

/// The start page: progress, what comes next, every post with its state.
pub(crate) fn home(bundle: &DeskBundle, snap: &Snapshot, flash: Option<&Flash>) -> Response {
    let p = &snap.progress;
    let mut main = flash_banner(flash);
    main.push_str("<h1>진행 현황</h1>");
    match p.next {
        NextPost::Post(id) => {
            if let Some(post) = bundle.post(id) {
                let _ = write!(
                    main,
                    "<div class=\"card\" id=\"next-card\"><h2>다음에 옮길 글</h2><p><b>{}</b> <span class=\"muted\">({}번째 · 원래 작성일 {})</span></p><p><a class=\"button big-next\" id=\"start-next\" href=\"/post/{}\">이 글 옮기기 시작 →</a></p><p class=\"muted\">가장 오래된 글부터 차례로 옮깁니다. 네이버는 글 날짜를 과거로 정할 수 없으므로 이 순서대로 올려야 목록 순서가 원래와 같아집니다.</p></div>",
                    esc(&post.entry.title),
                    post.entry.sequence,
                    date_ko(post.entry.original_published_at.as_deref()),
                    id
                );
            }
        }
        NextPost::CapReached => main.push_str(&cap_message(p)),
        NextPost::AllDone => main.push_str(
            "<div class=\"banner ok\" id=\"all-done\"><b>모든 글을 옮겼습니다.</b> '고칠 링크' 화면에서 네이버에서 고칠 링크가 남았는지 확인하세요.</div>",
        ),
    }
    let blog = snap.blog_id.as_deref().map_or_else(
        || {
            "아직 정해지지 않았습니다. 첫 글의 네이버 주소를 기록하면 그 블로그로 정해집니다."
                .to_string()
        },
        |b| format!("<b>{}</b> (모든 글을 이 블로그에 올립니다)", esc(b)),
    );
    let _ = write!(
        main,
        "<div class=\"card\"><p>네이버 블로그: {blog}</p><p class=\"muted\">기록은 보관본의 archive.db에 한 글씩 바로 저장됩니다. 창을 닫거나 도구를 멈춰도 다시 시작하면 이어집니다.</p></div>"
    );
    main.push_str("<table class=\"list\" id=\"post-list\"><thead><tr><th>순서</th><th>제목</th><th>원래 작성일</th><th>상태</th></tr></thead><tbody>");
    for post in &bundle.posts {
        let id = post.entry.id;
        let state = snap.naver_url(id).map_or_else(
            || "<span class=\"state-waiting\">옮기기 전</span>".to_string(),
            |url| format!("<span class=\"state-published\">옮김</span> <a href=\"{}\" target=\"_blank\" rel=\"noreferrer\">{}</a>", esc(&url), esc(&url)),
        );
        let _ = write!(
            main,
            "<tr data-post=\"{id}\"><td>{}</td><td><a href=\"/post/{id}\">{}</a></td><td>{}</td><td>{state}</td></tr>",
            post.entry.sequence,
            esc(&post.entry.title),
            date_ko(post.entry.original_published_at.as_deref())
        );
    }
    main.push_str("</tbody></table>");
    let skipped = &bundle.manifest.skipped;
    if !skipped.is_empty() {
        let _ = write!(
            main,
            "<div class=\"card\"><h2>옮기지 않는 글 {}개</h2><ul>",
            skipped.len()
        );
        for s in skipped {
            let _ = write!(
                main,
                "<li>{} <span class=\"muted\">({}: {})</span></li>",
                esc(s.title.as_deref().unwrap_or("(제목 없음)")),
                esc(&s.status),
                esc(&s.reason)
            );
        }
        main.push_str("</ul></div>");
    }
    render(StatusCode::OK, "진행 현황", Some(p), &main)
}

/// One link that needs an edit on Naver, or will.
struct LinkRow<'a> {
    source: &'a DeskPost,
    href: &'a str,
    target: u64,
    state: String,
}

/// The links to fix on Naver: links in published posts whose target was not on Naver when the
/// post was copied, then the forward links of the posts still to move.
pub(crate) fn links_page(bundle: &DeskBundle, snap: &Snapshot) -> Response {
    let mut to_fix = Vec::new();
    let mut waiting = Vec::new();
    for post in &bundle.posts {
        let source_at = snap.recorded_at(post.entry.id);
        for link in &post.meta.internal_links {
            let target = bundle.post(link.target_id);
            let target_in_bundle = target.is_some();
            let target_later = target.is_some_and(|t| t.entry.sequence > post.entry.sequence);
            let target_at = snap.recorded_at(link.target_id);
            let row = |state: String| LinkRow {
                source: post,
                href: &link.href,
                target: link.target_id,
                state,
            };
            match (source_at, snap.naver_url(link.target_id)) {
                (Some(s), Some(url)) if target_at.is_none_or(|t| t > s) => to_fix.push(row(format!(
                    "<b>지금 고칠 수 있습니다.</b> 네이버에서 이 글을 수정해 링크를 <a href=\"{0}\" target=\"_blank\" rel=\"noreferrer\">{0}</a>(으)로 바꾸세요.",
                    esc(&url)
                ))),
                (Some(_), Some(_)) => {}
                (Some(_), None) if target_in_bundle => {
                    to_fix.push(row("대상 글을 아직 옮기지 않았습니다. 옮긴 뒤에 고치세요.".into()));
                }
                (Some(_), None) => to_fix.push(row("대상 글은 옮기지 않는 글입니다(번들에 없음). 링크를 지우거나 그대로 두세요.".into())),
                (None, None) if target_later => waiting.push(row(
                    "대상 글이 순서상 나중이라 티스토리 주소로 들어갑니다. 대상 글을 옮긴 뒤 고치세요.".into(),
                )),
                (None, _) => {}
            }
        }
    }
    let mut main = String::from(
        "<h1>고칠 링크</h1><p>블로그 안의 다른 글로 가는 링크는, 대상 글이 이미 네이버에 있으면 복사할 때 네이버 주소로 바뀝니다. 대상 글이 아직 없으면 티스토리 주소가 그대로 들어가므로, 대상 글을 옮긴 뒤 네이버에서 글을 수정해 고쳐야 합니다. 네이버는 잦은 수정을 좋아하지 않으니 모두 옮긴 뒤 한 번에 고치는 것이 좋습니다.</p>",
    );
    let table = |title: &str, id: &str, rows: &[LinkRow<'_>], snap: &Snapshot| {
        let mut out = format!(
            "<h2>{} <span class=\"muted\">{}개</span></h2>",
            esc(title),
            rows.len()
        );
        if rows.is_empty() {
            out.push_str("<p class=\"muted\">없습니다.</p>");
            return out;
        }
        let _ = write!(
            out,
            "<table class=\"list\" id=\"{id}\"><thead><tr><th>링크가 있는 글</th><th>링크(티스토리 주소)</th><th>대상 글</th><th>할 일</th></tr></thead><tbody>"
        );
        for r in rows {
            let source = snap.naver_url(r.source.entry.id).map_or_else(
                || {
                    format!(
                        "<a href=\"/post/{}\">{}</a>",
                        r.source.entry.id,
                        esc(&r.source.entry.title)
                    )
                },
                |u| {
                    format!(
                        "{} <a href=\"{}\" target=\"_blank\" rel=\"noreferrer\">네이버</a>",
                        esc(&r.source.entry.title),
                        esc(&u)
                    )
                },
            );
            let target = bundle
                .post(r.target)
                .map_or_else(|| format!("{}번 글", r.target), |t| esc(&t.entry.title));
            let _ = write!(
                out,
                "<tr><td>{source}</td><td><code>{}</code></td><td>{target}</td><td>{}</td></tr>",
                esc(r.href),
                r.state
            );
        }
        out.push_str("</tbody></table>");
        out
    };
    main.push_str(&table(
        "네이버에 옮긴 글에서 고칠 링크",
        "links-to-fix",
        &to_fix,
        snap,
    ));
    main.push_str(&table(
        "앞으로 옮길 글에서 생길 링크(순서상 뒤의 글을 가리키는 링크)",
        "links-forward",
        &waiting,
        snap,
    ));
    render(StatusCode::OK, "고칠 링크", Some(&snap.progress), &main)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_text_is_escaped() {
        assert_eq!(
            fill("<t>{{A}}</t>{{B}}{{X}}{{", &[("A", "{{B}}"), ("B", "b")]),
            "<t>{{B}}</t>b{{X}}{{"
        );
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            encode_segment("01_주민 설명회.hwp"),
            "01_%EC%A3%BC%EB%AF%BC%20%EC%84%A4%EB%AA%85%ED%9A%8C.hwp"
        );
    }
}
