//! The second witness end to end: a crawl records what the mobile list API says about each entry;
//! extract compares it with the saved page, and verify lists each disagreement as a note.

use tistory_migrate::archive::db::ArchiveDb;
use tistory_migrate::commands::verify::{VerifyFormat, VerifyOptions, run_verify};
use tistory_migrate::extract::witness::DISAGREEMENT_PREFIX;
use tistory_migrate::serve::Faults;
use tistory_migrate::verify::ProblemKind;

use crate::crawl::{crawl_into, serve_sample, test_settings};
use crate::support::bin;

fn rows(out: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("posts.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn disagreements(row: &serde_json::Value) -> Vec<String> {
    row["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .filter(|w| w.starts_with(DISAGREEMENT_PREFIX))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disagreements_between_page_and_list_are_warnings_verify_shows() {
    let server = serve_sample(Faults::none()).await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    crawl_into(&server, &out, test_settings()).await;
    server.shutdown().await;

    // The sample blog's pages and its list agree: no post has a disagreement.
    for row in rows(&out) {
        assert_eq!(
            disagreements(&row),
            Vec::<String>::new(),
            "post {}",
            row["id"]
        );
    }

    // The list changes its mind about post 13 (category 개발/Rust in the sample blog's README).
    let mut db = ArchiveDb::open(&out.join("archive.db")).unwrap();
    let mut entry = db
        .api_entries()
        .unwrap()
        .into_iter()
        .find(|e| e.id == 13)
        .unwrap();
    entry.category = Some("요리".into());
    db.record_api_entries(&[entry]).unwrap();
    drop(db);
    bin()
        .arg("extract")
        .arg(&out)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();

    let row = rows(&out).into_iter().find(|r| r["id"] == 13).unwrap();
    assert_eq!(row["category"], "개발/Rust", "the page's value is kept");
    let found = disagreements(&row);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("category") && found[0].contains("요리"),
        "{}",
        found[0]
    );

    let report = run_verify(&VerifyOptions {
        archive: out.clone(),
        html: None,
        threshold: 0.99,
        format: VerifyFormat::Text,
        deep: false,
        naver: None,
    })
    .unwrap();
    let notes: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.message.starts_with(DISAGREEMENT_PREFIX))
        .collect();
    assert_eq!(notes.len(), 1, "{:#?}", report.problems);
    assert_eq!(
        (notes[0].kind, notes[0].id, notes[0].gap),
        (ProblemKind::Note, Some(13), false)
    );
    assert!(report.complete, "a disagreement is not a gap");
    let text = bin().arg("verify").arg(&out).assert().code(0);
    let stdout = String::from_utf8(text.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("요리"),
        "the text report shows the disagreement:\n{stdout}"
    );
}
