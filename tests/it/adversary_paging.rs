//! Issue 10, round 4: paged sources that lie. The mobile list's `totalCount` says more or fewer
//! posts than it lists, its `isLast` and `nextPage` contradict each other, `nextPage` points back,
//! or is absent before the end; a post's comment paging repeats or cycles, or serves fewer
//! distinct comments than the blog counts. Each run ends (bounded by counts of requests, not by
//! time), nothing the blog has is lost, and verify says COMPLETE exactly when it is.
//!
//! The scripted lists serve the sample blog's 17 listed posts (fixtures/hangang-notes/README.md:
//! 22 21 20 19 17 16 14 13 11 10 9 8 7 5 4 2 1, newest first) five to a page: pages 0..=3. The
//! blog's sidebar says 17. Comments (README): post 2 has 2, post 10 has 3 and a reply, post 16 has 4;
//! the replay's list counts them so (`commentCount`).

use tistory_migrate::archive::db::ArchiveDb;
use tistory_migrate::serve::{FaultKind, Faults, ReplayServer};

use crate::crawl::{crawl_into, serve_sample, test_settings};

const LISTED: [u64; 17] = [22, 21, 20, 19, 17, 16, 14, 13, 11, 10, 9, 8, 7, 5, 4, 2, 1];

fn leak(text: String) -> &'static [u8] {
    Box::leak(text.into_bytes().into_boxed_slice())
}

fn list_path(page: u64) -> String {
    format!("/m/api/entry/0/POST?page={page}&size=20")
}

/// One scripted page of the mobile list: page `page`'s five posts, with the paging fields given.
fn list_page(page: u64, next: Option<u64>, total: u64, is_last: bool) -> &'static [u8] {
    let items: Vec<serde_json::Value> = LISTED
        .iter()
        .skip(page as usize * 5)
        .take(5)
        .map(|id| serde_json::json!({ "id": id, "path": format!("/{id}") }))
        .collect();
    leak(
        serde_json::json!({"code": 200, "data": {
            "items": items, "nextPage": next, "totalCount": total, "isLast": is_last
        }})
        .to_string(),
    )
}

use crate::support::verify_json;

/// A run against the sample blog with `faults`; returns the server (for its log) and the
/// verify report.
async fn run(faults: Faults) -> (ReplayServer, i32, serde_json::Value, tempfile::TempDir) {
    let server = serve_sample(faults).await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    crawl_into(&server, &out, test_settings()).await;
    let (code, report) = verify_json(&out);
    (server, code, report, tmp)
}

fn archived(report: &serde_json::Value) -> Vec<u64> {
    let mut ids: Vec<u64> = report["archived_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

fn all_listed() -> Vec<u64> {
    let mut ids = LISTED.to_vec();
    ids.sort_unstable();
    ids
}

fn list_requests(server: &ReplayServer) -> Vec<usize> {
    (0..6).map(|p| server.log.count(&list_path(p))).collect()
}

/// The paging fields of one scripted list page.
#[derive(Clone, Copy)]
struct ListPage {
    next: Option<u64>,
    total: u64,
    is_last: bool,
}

/// One scripted list: its pages 0..=3; the list requests expected for pages 0..=5; whether the
/// listing pages are walked; verify's exit code.
struct Case {
    name: &'static str,
    pages: [ListPage; 4],
    list_requests: [usize; 6],
    walks_listings: bool,
    exit: i32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_a_mobile_list_whose_paging_lies_loses_no_post() {
    let p = |next: Option<u64>, total: u64, is_last: bool| ListPage {
        next,
        total,
        is_last,
    };
    let cases = [
        Case {
            name: "nextPage points back on page 1",
            pages: [
                p(Some(1), 17, false),
                p(Some(0), 17, false),
                p(Some(3), 17, false),
                p(None, 17, true),
            ],
            // Pages 1..=3 go out together once page 0 tells the total; the walk stops reading
            // at page 1.
            list_requests: [1, 1, 1, 1, 0, 0],
            walks_listings: true,
            exit: 0,
        },
        Case {
            name: "nextPage absent on page 1 of 4",
            pages: [
                p(Some(1), 17, false),
                p(None, 17, false),
                p(Some(3), 17, false),
                p(None, 17, true),
            ],
            list_requests: [1, 1, 1, 1, 0, 0],
            walks_listings: false,
            exit: 0,
        },
        Case {
            name: "isLast on page 0 of 4",
            pages: [
                p(Some(1), 17, true),
                p(Some(2), 17, false),
                p(Some(3), 17, false),
                p(None, 17, true),
            ],
            list_requests: [1, 1, 1, 1, 0, 0],
            walks_listings: false,
            exit: 0,
        },
        Case {
            name: "totalCount 5, fewer than listed",
            pages: [
                p(Some(1), 5, false),
                p(Some(2), 5, false),
                p(Some(3), 5, false),
                p(None, 5, true),
            ],
            list_requests: [1, 1, 1, 1, 0, 0],
            walks_listings: false,
            exit: 0,
        },
        Case {
            // 40 at five a page is pages 0..=7: page 4 is asked for and is empty (the end).
            name: "totalCount 40, more than listed",
            pages: [
                p(Some(1), 40, false),
                p(Some(2), 40, false),
                p(Some(3), 40, false),
                p(None, 40, false),
            ],
            list_requests: [1, 1, 1, 1, 1, 0],
            walks_listings: true,
            exit: 4,
        },
    ];
    for Case {
        name,
        pages,
        list_requests: want_requests,
        walks_listings,
        exit: want_code,
    } in cases
    {
        let mut faults = Faults::none();
        for (
            page,
            ListPage {
                next,
                total,
                is_last,
            },
        ) in pages.into_iter().enumerate()
        {
            faults = faults.rule(
                list_path(page as u64),
                FaultKind::Body(list_page(page as u64, next, total, is_last)),
                usize::MAX,
            );
        }
        let (server, code, report, _tmp) = run(faults).await;
        assert_eq!(list_requests(&server), want_requests, "{name}");
        assert_eq!(
            server.log.count("/?page=2") > 0,
            walks_listings,
            "{name}: listing pages walked"
        );
        assert_eq!(archived(&report), all_listed(), "{name}: {report:#}");
        assert_eq!(code, want_code, "{name}: {:#}", report["problems"]);
        if want_code == 4 {
            // The only gap is the count the list claimed and no source bears out.
            let gaps: Vec<&serde_json::Value> = report["problems"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["gap"] == serde_json::json!(true))
                .collect();
            assert_eq!(gaps.len(), 1, "{name}: {gaps:#?}");
            assert_eq!(gaps[0]["kind"], "count_mismatch", "{name}");
            assert!(
                gaps[0]["message"].as_str().unwrap().contains("40"),
                "{name}: {}",
                gaps[0]["message"]
            );
        }
        server.shutdown().await;
    }
}

/// A comment page with these comment ids and `nextId`.
fn comment_page(ids: &[u64], next: Option<u64>) -> &'static [u8] {
    let items: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "content": format!("comment {id}"), "children": []}))
        .collect();
    leak(
        serde_json::json!({"code": 200, "data": {"items": items, "isLast": false, "nextId": next}})
            .to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_comment_paging_that_loops_keeps_the_distinct_comments_and_names_a_shortfall() {
    let faults = Faults::none()
        // Post 2 (the list counts 2): 1 → startId 100 → 2 → startId 200 → 1 again and 3 →
        // back to 100. Three distinct comments, more than counted: kept, complete.
        .rule(
            "/m/api/2/comment?startId=100",
            FaultKind::Body(comment_page(&[2], Some(200))),
            usize::MAX,
        )
        .rule(
            "/m/api/2/comment?startId=200",
            FaultKind::Body(comment_page(&[1, 3], Some(100))),
            usize::MAX,
        )
        .rule(
            "/m/api/2/comment",
            FaultKind::Body(comment_page(&[1], Some(100))),
            usize::MAX,
        )
        // Post 10 (the list counts 4): startId 5 names itself again after two comments.
        .rule(
            "/m/api/10/comment?startId=5",
            FaultKind::Body(comment_page(&[11], Some(5))),
            usize::MAX,
        )
        .rule(
            "/m/api/10/comment",
            FaultKind::Body(comment_page(&[10], Some(5))),
            usize::MAX,
        )
        // Post 16 (the list counts 4): every page is the same one comment, with a new nextId.
        .rule(
            "/m/api/16/comment",
            FaultKind::Body(comment_page(&[7], Some(7))),
            usize::MAX,
        );
    let (server, code, report, tmp) = run(faults).await;
    let db = ArchiveDb::open(&tmp.path().join("archive/archive.db")).unwrap();
    let c2 = db.comments(2).unwrap().unwrap();
    assert_eq!(c2.count, Some(3), "the distinct comments 1 2 3");
    let saved: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tmp.path().join("archive").join(c2.file.unwrap())).unwrap(),
    )
    .unwrap();
    let ids: Vec<u64> = saved["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2, 3]);
    // Three pages per attempt, one attempt: the loop ends the walk.
    assert_eq!(server.log.count("/m/api/2/comment"), 3);
    // Posts 10 and 16 keep their distinct comments, saved but incomplete (round 5: before, the
    // comments read were dropped and the post recorded as failed).
    for (id, pages_per_try, kept) in [(10, 2, vec![10, 11]), (16, 2, vec![7])] {
        let c = db.comments(id).unwrap().unwrap();
        assert_eq!(
            c.state,
            tistory_migrate::model::CommentsState::Partial,
            "post {id}"
        );
        let saved: serde_json::Value = serde_json::from_slice(
            &std::fs::read(tmp.path().join("archive").join(c.file.unwrap())).unwrap(),
        )
        .unwrap();
        let ids: Vec<u64> = saved["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, kept, "post {id}");
        let why = db.comments_error(id).unwrap().unwrap_or_default();
        assert!(
            why.contains("the comments are incomplete") && why.contains("counts 4"),
            "post {id}: {why}"
        );
        // Tried in the comments pass and in each of the retry passes, each walk bounded.
        let asked = server.log.count(&format!("/m/api/{id}/comment"));
        let tries = 1 + test_settings().policy.retry_passes as usize;
        assert_eq!(asked, pages_per_try * tries, "post {id}");
    }
    assert_eq!(code, 4, "{report:#}");
    assert_eq!(report["comments"]["missing"], serde_json::json!([]));
    assert_eq!(
        report["comments"]["incomplete"],
        serde_json::json!([10, 16])
    );
    assert_eq!(archived(&report), all_listed());
    server.shutdown().await;
}
