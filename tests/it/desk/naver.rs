//! The desk's Naver check (issue 13) against the fake Naver: over HTTP (the button needs the
//! token; the result per post; an unrecorded post recorded only by its button, through the
//! ledger's rules), and in headless chromium (the button pressed, the result read per post).

use std::time::{Duration, Instant};

use tistory_migrate::desk::{DeskOptions, DeskServer};
use tistory_migrate::naver_check::bundle_read::read_bundle;

use super::browser::{drive, tools};
use super::{fixture, get, post_form};
use crate::naver::check::{BLOG, INTERVAL, Role, Scene, assert_polite, options, record, scene};
use crate::naver::fake;

/// Waits until the check page shows a result.
async fn result_page(desk: &DeskServer) -> String {
    let start = Instant::now();
    loop {
        let r = get(desk, "/check").await;
        assert_eq!(r.status, 200, "{}", r.body);
        if !r.body.contains("id=\"check-running\"") {
            return r.body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "the check never finished"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn row_status(page: &str, id: u64) -> &str {
    let marker = format!("data-post=\"{id}\" data-status=\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no row for {id}"))
        + marker.len();
    &page[at..at + page[at..].find('"').unwrap()]
}

fn expected_status(role: Role) -> &'static str {
    match role {
        Role::Faithful | Role::MobileOnly => "ok",
        Role::MissingImage | Role::PlaceholderLeft => "missing_images",
        Role::Truncated => "text_lost footer_missing",
        Role::OtherTitle => "title_differs",
        Role::Deleted => "not_found",
        Role::Private => "private",
        Role::Twice => "duplicate",
        Role::Unreadable => "unreadable",
        Role::TagDropped => "tags_differ",
        Role::NotRecorded => unreachable!("not in the ledger"),
    }
}

fn assert_rows(page: &str, scene: &Scene) {
    for (role, id) in &scene.roles {
        if *role != Role::NotRecorded {
            assert_eq!(row_status(page, *id), expected_status(*role), "{role:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_13_the_desk_checks_naver_and_records_only_on_a_click() {
    let f = fixture();
    let scene = scene(&read_bundle(&f.bundle).unwrap());
    record(&f, &scene);
    let naver = fake::start(scene.posts.clone(), scene.rss.clone()).await;
    let desk = f
        .start(DeskOptions {
            naver_check: options(&naver),
            ..DeskOptions::default()
        })
        .await;
    let idle = get(&desk, "/check").await;
    assert!(idle.body.contains("id=\"start-check\""), "{}", idle.body);
    // No token, no check.
    let refused = post_form(&desk, "/check", &[]).await;
    assert_eq!(refused.status, 403);
    assert!(naver.journal().is_empty(), "a check ran without the token");
    let started = post_form(&desk, "/check", &[("token", desk.token.as_str())]).await;
    assert_eq!(started.status, 303);
    let page = result_page(&desk).await;
    assert_rows(&page, &scene);
    assert!(page.contains("<b id=\"check-checked\">11</b>"), "{page}");
    let not_recorded = scene.roles[&Role::NotRecorded];
    let url = format!("https://blog.naver.com/{BLOG}/{}", scene.not_recorded);
    // Nothing was recorded by the check itself.
    assert!(!f.ledger().iter().any(|r| r.post_id == not_recorded));
    assert!(page.contains("class=\"record-unrecorded\""));
    // The second copy of the twice-published post is not offered for recording.
    assert_eq!(page.matches("class=\"record-unrecorded\"").count(), 1);

    // Recording another post's address under this post is refused by the ledger's rules.
    let twice_url = format!("https://blog.naver.com/{BLOG}/{}", scene.twice_copy);
    let wrong = post_form(
        &desk,
        "/check/record",
        &[
            ("token", desk.token.as_str()),
            ("post_id", &scene.roles[&Role::Faithful].to_string()),
            ("naver_url", &twice_url),
        ],
    )
    .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(
        wrong.body.contains("기록은 바뀌지 않았습니다"),
        "{}",
        wrong.body
    );
    let ok = post_form(
        &desk,
        "/check/record",
        &[
            ("token", desk.token.as_str()),
            ("post_id", &not_recorded.to_string()),
            ("naver_url", &url),
        ],
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let row = f
        .ledger()
        .into_iter()
        .find(|r| r.post_id == not_recorded)
        .unwrap();
    assert_eq!(row.naver_url, url);
    let after = get(&desk, &format!("/check?recorded={not_recorded}")).await;
    assert!(after.body.contains("id=\"notice\""));
    assert_eq!(after.body.matches("class=\"record-unrecorded\"").count(), 0);
    assert_polite(&naver, INTERVAL);
    desk.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_13_the_check_button_in_chromium_shows_each_post() {
    let Some(dir) = tools() else { return };
    let f = fixture();
    let scene = scene(&read_bundle(&f.bundle).unwrap());
    record(&f, &scene);
    let naver = fake::start(scene.posts.clone(), scene.rss.clone()).await;
    let desk = f
        .start(DeskOptions {
            naver_check: options(&naver),
            ..DeskOptions::default()
        })
        .await;
    let out = drive(&dir, vec!["naver".into(), desk.url()]).await;
    assert_eq!(out["checked"], 11, "{out}");
    assert_eq!(out["ok"], 2, "{out}");
    for (role, id) in &scene.roles {
        if *role != Role::NotRecorded {
            assert_eq!(
                out["statuses"][id.to_string()],
                expected_status(*role),
                "{role:?}: {out}"
            );
        }
    }
    assert!(
        f.ledger()
            .iter()
            .any(|r| r.post_id == scene.roles[&Role::NotRecorded])
    );
    assert_polite(&naver, INTERVAL);
    desk.shutdown().await;
}
