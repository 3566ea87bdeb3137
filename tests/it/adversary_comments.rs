//! Issue 10, round 3: a false zero must not lose comments. A skin's comment link may print a
//! placeholder ("댓글 0") that its script replaces with the real count; only the
//! `commentCount<ID>` element is filled in by Tistory's server (the one form the corpus shows, in
//! its 2017 render). With the mobile list silent, a post whose link says 0 but which has comments
//! (post 2 of the sample blog has two, fixtures/hangang-notes/README.md) has them asked for and
//! saved; a post whose server-filled count says 0 costs no request.

use tistory_migrate::archive::db::ArchiveDb;
use tistory_migrate::serve::{FaultKind, Faults, Site, start};

use crate::crawl::{crawl_into, test_settings};
use crate::crawl_hostile::sample_copy;
use crate::support::bin;

fn print_on_page(site: &std::path::Path, id: u64, markup: &str) {
    let path = site.join(format!("{id}.html"));
    let page = std::fs::read_to_string(&path).unwrap();
    assert_eq!(page.matches("</body>").count(), 1, "{id}.html");
    std::fs::write(&path, page.replace("</body>", &format!("{markup}</body>"))).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_a_placeholder_zero_in_a_skin_link_does_not_skip_the_comments() {
    let tmp = tempfile::tempdir().unwrap();
    let site = sample_copy(tmp.path());
    print_on_page(
        &site,
        2,
        r##"<div class="meta"><a href="#rp">댓글 0</a></div>"##,
    );
    print_on_page(
        &site,
        10,
        r#"<button onclick="toggleLayerForEntry('10', 'comment')">댓글 <em>0</em></button>"#,
    );
    print_on_page(&site, 4, r#"<span id="commentCount4">0</span>"#);
    let server = start(
        Site::load(&site).unwrap(),
        Faults::none().rule("/m/api/entry", FaultKind::Status(404), usize::MAX),
        0,
    )
    .await
    .unwrap();
    let out = tmp.path().join("archive");
    let outcome = crawl_into(&server, &out, test_settings()).await;
    let db = ArchiveDb::open(&out.join("archive.db")).unwrap();
    assert!(db.api_entries().unwrap().is_empty(), "the list was absent");
    let saved = |id| db.comments(id).unwrap().and_then(|c| c.count);
    assert_eq!(
        server.log.count("/m/api/2/comment"),
        1,
        "a link's 0 is no count"
    );
    assert_eq!(saved(2), Some(2), "both comments of post 2 saved");
    assert_eq!(
        server.log.count("/m/api/10/comment"),
        1,
        "a toggle's 0 is none"
    );
    // Three comments and a reply (README), counted with the reply.
    assert_eq!(saved(10), Some(4));
    assert_eq!(
        server.log.count("/m/api/4/comment"),
        0,
        "the server's 0 is believed"
    );
    assert_eq!(saved(4), Some(0));
    assert!(!outcome.crawl.has_failures(), "{}", outcome.crawl.render());
    bin().arg("verify").arg(&out).assert().success();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_comments_whose_second_page_answers_404_are_a_gap_kept_as_incomplete() {
    let tmp = tempfile::tempdir().unwrap();
    let site = sample_copy(tmp.path());
    // Post 16's four comments (README) served as two pages: two, then the rest after `777`.
    let path = site.join("comments/16.json");
    let page: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let items = page["data"]["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 4, "the README's four comments");
    let pages = serde_json::json!([
        {"data": {"items": items[..2], "isLast": false, "nextId": 777}},
        {"data": {"items": items[2..], "isLast": true, "nextId": null}},
    ]);
    std::fs::write(&path, pages.to_string()).unwrap();
    let faults = Faults::none().rule(
        "/m/api/16/comment?startId=777",
        FaultKind::Status(404),
        usize::MAX,
    );
    let server = start(Site::load(&site).unwrap(), faults, 0).await.unwrap();
    let out = tmp.path().join("archive");
    crawl_into(&server, &out, test_settings()).await;
    assert!(
        server.log.count("/m/api/16/comment?startId=777") >= 1,
        "the second page was asked for"
    );
    let row = ArchiveDb::open(&out.join("archive.db"))
        .unwrap()
        .comments(16)
        .unwrap()
        .expect("a comments record");
    // Round 5: the two read are kept, saved but incomplete, never as all of them.
    assert_eq!(
        (row.state, row.count),
        (tistory_migrate::model::CommentsState::Partial, Some(2)),
        "two of four comments are not saved as all of them"
    );
    assert!(
        row.stopped_at
            .as_deref()
            .is_some_and(|u| u.ends_with("/m/api/16/comment?startId=777")),
        "{row:?}"
    );
    let report = bin().arg("verify").arg(&out).arg("--json").assert().code(4);
    let report: serde_json::Value = serde_json::from_slice(&report.get_output().stdout).unwrap();
    let named = report["problems"].as_array().unwrap().iter().any(|p| {
        p["gap"] == serde_json::json!(true) && p["kind"] == "comments_incomplete" && p["id"] == 16
    });
    assert!(named, "{:#}", report["problems"]);
    server.shutdown().await;
}
