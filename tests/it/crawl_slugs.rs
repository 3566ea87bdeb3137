//! Slug permalinks (`/entry/<slug>`) get what an id URL gets: the retry passes within the per-URL
//! budget, and when the page stays failed a gap `verify` names by the slug (never COMPLETE, exit
//! 4); `crawl --retry-failed` tries it again. Post 10 of the sample blog is known by its slug
//! `봄-벚꽃-산책` (fixtures/hangang-notes/README.md).

use std::path::Path;

use tistory_migrate::archive::db::ArchiveDb;
use tistory_migrate::model::SlugState;
use tistory_migrate::serve::{FaultKind, Faults};

use crate::crawl::{crawl_into, serve_sample, test_settings};
use crate::support::bin;

/// The slug's path as the crawler requests it (percent-encoded UTF-8).
const SLUG_PATH: &str = "/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85";
const SLUG: &str = "봄-벚꽃-산책";

fn settings(max_attempts: u32, retry_passes: u32) -> tistory_migrate::config::CrawlSettings {
    let mut s = test_settings();
    s.policy.max_attempts = max_attempts;
    s.policy.retry_passes = retry_passes;
    s
}

fn slug_state(out: &Path) -> (SlugState, Option<u64>) {
    let rows = ArchiveDb::open(&out.join("archive.db"))
        .unwrap()
        .slug_rows()
        .unwrap();
    let row = rows
        .into_iter()
        .find(|r| r.slug == SLUG)
        .unwrap_or_else(|| panic!("the slug {SLUG} was not recorded"));
    (row.state, row.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_a_slug_page_that_answers_on_its_sixth_attempt_is_archived_by_a_later_pass() {
    let server = serve_sample(Faults::none().rule(SLUG_PATH, FaultKind::Status(503), 5)).await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let outcome = crawl_into(&server, &out, settings(5, 1)).await;
    assert_eq!(server.log.count(SLUG_PATH), 6, "five 503s, then the page");
    assert_eq!(slug_state(&out), (SlugState::Resolved, Some(10)));
    assert!(!outcome.crawl.has_failures(), "{}", outcome.crawl.render());
    bin().arg("verify").arg(&out).assert().success();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_a_slug_page_that_never_answers_is_a_gap_verify_names() {
    // 3 attempts × (1 + 2 passes) = 9 failures; the tenth request (the repair) works.
    let server = serve_sample(Faults::none().rule(SLUG_PATH, FaultKind::Status(503), 9)).await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let outcome = crawl_into(&server, &out, settings(3, 2)).await;
    assert_eq!(server.log.count(SLUG_PATH), 9, "the budget bounds it");
    assert_eq!(slug_state(&out).0, SlugState::Failed);
    assert!(outcome.crawl.has_failures(), "a failed slug is a failure");
    assert!(
        outcome
            .crawl
            .render()
            .contains(&format!("failed slug /entry/{SLUG}")),
        "{}",
        outcome.crawl.render()
    );
    let verify = bin().arg("verify").arg(&out).assert().code(4);
    let stdout = String::from_utf8_lossy(&verify.get_output().stdout).into_owned();
    assert!(
        stdout.contains(&format!("/entry/{SLUG}")) && stdout.contains("--retry-failed"),
        "verify names the slug and the repair: {stdout}"
    );
    // The repair verify suggests tries the slug again (no discovery runs under --retry-failed).
    let mut repair = settings(3, 0);
    repair.retry_failed = true;
    let outcome = crawl_into(&server, &out, repair).await;
    assert_eq!(server.log.count(SLUG_PATH), 10);
    assert_eq!(slug_state(&out), (SlugState::Resolved, Some(10)));
    assert!(!outcome.crawl.has_failures(), "{}", outcome.crawl.render());
    bin().arg("verify").arg(&out).assert().success();
    server.shutdown().await;
}
