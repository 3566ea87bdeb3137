//! Issue 10 (speed): discovery streams into the fetch queue. Entry pages are requested as soon
//! as a source names them, while the mobile list is still being walked; each page is still
//! requested once and robots.txt is still read before anything else. Checked by the order of
//! the requests the replay server received, not by timings. The blog is the 300-post blog of
//! `discovery_share` (our own pages): its mobile list is 15 pages of 20.

use std::collections::BTreeMap;
use std::time::Duration;

use tistory_migrate::serve::{Faults, Site, start};

use crate::crawl::{crawl_into, test_settings};
use crate::discovery_share::{post_ids, write_post};

/// The id of an entry page request (`/<id>`).
fn entry_id(path: &str) -> Option<u64> {
    path.strip_prefix('/')?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_entry_pages_are_fetched_while_the_mobile_list_is_still_walked() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    let ids = post_ids();
    for id in &ids {
        write_post(&site, *id);
    }
    // Every answer takes a while, so each list page is a round trip the pages can overlap.
    let server = start(
        Site::load(&site).unwrap(),
        Faults::none().with_delay(Duration::from_millis(10)),
        0,
    )
    .await
    .unwrap();
    let out = tmp.path().join("archive");
    let mut settings = test_settings();
    settings.comments = false;
    let outcome = crawl_into(&server, &out, settings).await;
    assert_eq!(
        outcome.crawl.states.get("ok").copied(),
        Some(ids.len()),
        "{}",
        outcome.crawl.render()
    );
    let log = server.log.all();
    let paths: Vec<&str> = log.iter().map(|r| r.path_and_query.as_str()).collect();
    let first_entry = paths.iter().position(|p| entry_id(p).is_some()).unwrap();
    let robots = paths.iter().position(|p| *p == "/robots.txt").unwrap();
    let last_list_page = paths
        .iter()
        .rposition(|p| p.starts_with("/m/api/entry/0/POST"))
        .unwrap();
    assert!(robots < first_entry, "robots.txt first: {paths:?}");
    assert!(
        first_entry < last_list_page,
        "entry pages went out while the mobile list was still walked: {paths:?}"
    );
    // Streamed or planned, each post page once; an id with no post (a hole, a probe past the
    // highest id) twice: its "not found" is asked once more after the blog answered.
    let mut asked: BTreeMap<u64, usize> = BTreeMap::new();
    for id in paths.iter().filter_map(|p| entry_id(p)) {
        *asked.entry(id).or_default() += 1;
    }
    let wrong: Vec<_> = asked
        .iter()
        .filter(|(id, n)| **n != if ids.contains(id) { 1 } else { 2 })
        .collect();
    assert!(wrong.is_empty(), "pages asked for too often: {wrong:?}");
    server.shutdown().await;
}
