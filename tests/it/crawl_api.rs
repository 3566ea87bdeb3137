//! What the mobile list API says about each entry is kept in `archive.db` (`api_entries`), as a
//! second witness beside the saved page and to know which posts have comments to fetch.

use tistory_migrate::archive::db::ArchiveDb;
use tistory_migrate::serve::Faults;

use crate::crawl::{crawl_into, serve_sample, test_settings};
use crate::support::sample_blog;

/// Comments and replies in the sample blog's saved comment file of `id` (0 without one).
fn fixture_comment_count(id: u64) -> u64 {
    let path = sample_blog().join("comments").join(format!("{id}.json"));
    let Ok(text) = std::fs::read_to_string(path) else {
        return 0;
    };
    let served: serde_json::Value = serde_json::from_str(&text).unwrap();
    served["data"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| 1 + c["children"].as_array().map_or(0, Vec::len) as u64)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mobile_lists_fields_are_recorded_per_entry() {
    let server = serve_sample(Faults::none()).await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    crawl_into(&server, &out, test_settings()).await;
    server.shutdown().await;

    let rows = ArchiveDb::open(&out.join("archive.db"))
        .unwrap()
        .api_entries()
        .unwrap();
    // The listed entries of fixtures/hangang-notes/README.md: public posts and the notice.
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        [1, 2, 4, 5, 7, 8, 9, 10, 11, 13, 14, 16, 17, 19, 20, 21, 22]
    );
    let row = |id: u64| rows.iter().find(|r| r.id == id).unwrap();
    // Categories from the README's table.
    assert_eq!(row(13).category.as_deref(), Some("개발/Rust"));
    assert_eq!(row(5).category.as_deref(), Some("요리"));
    assert!(
        rows.iter()
            .all(|r| r.title.is_some() && r.published.is_some())
    );
    // 2014-03-09 18:20 KST, as the list writes dates.
    assert_eq!(row(1).published.as_deref(), Some("2014. 3. 9."));
    for r in &rows {
        assert_eq!(
            r.comment_count,
            Some(fixture_comment_count(r.id)),
            "comments of {}",
            r.id
        );
    }
    assert!(
        rows.iter().filter(|r| r.comment_count > Some(0)).count() == 3,
        "posts 2, 10 and 16 have comments"
    );
}
