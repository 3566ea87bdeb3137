//! Issue 10, round 4: a server whose bytes differ on every request: an image whose bytes change
//! each time (a counter appended; it still sniffs as a JPEG) and a post page that prints a counter.
//! The archive keeps one consistent copy of each: the image is downloaded once, and its first
//! copy is what `archive.db` records and `assets/` holds; a re-run asks for nothing it has; a
//! `--refresh` re-run replaces the changed page in place (`raw/11.html`, one file) and does not
//! download the saved image again, so the store does not grow however often it runs (the files
//! are counted); verify says COMPLETE after every run, with no false mismatch. Bounded: four runs.
//!
//! Ground truth: fixtures/hangang-notes/README.md (11 and 16 are public posts; the image is post
//! 16's, see `adversary_gzip`).

use std::path::Path;

use tistory_migrate::archive::db::ArchiveDb;
use tistory_migrate::serve::{FaultKind, Faults};

use crate::adversary_gzip::{IMAGE_16, asset_request, verify_json};
use crate::crawl::{crawl_into, serve_sample, test_settings};

/// Every file under `dir` of the archive, by name.
fn files(out: &Path, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = walkdir::WalkDir::new(out.join(dir))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(out).unwrap().display().to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_bytes_that_change_per_request_keep_one_copy_and_never_churn() {
    let server = serve_sample(Faults::none()).await;
    let image = asset_request(&server, IMAGE_16);
    server.push_fault(tistory_migrate::serve::FaultRule::new(
        image.clone(),
        FaultKind::Vary,
        usize::MAX,
    ));
    server.push_fault(tistory_migrate::serve::FaultRule::new(
        "/11",
        FaultKind::Vary,
        usize::MAX,
    ));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let recorded = |out: &Path| {
        let db = ArchiveDb::open(&out.join("archive.db")).unwrap();
        let a = db.asset(IMAGE_16).unwrap().unwrap();
        (a.sha256.unwrap(), a.file.unwrap())
    };

    crawl_into(&server, &out, test_settings()).await;
    let (code, report) = verify_json(&out);
    assert_eq!(code, 0, "{:#}", report["problems"]);
    assert_eq!(server.log.count(&image), 1, "the image is downloaded once");
    let (sha, file) = recorded(&out);
    let saved = std::fs::read(out.join(&file)).unwrap();
    assert!(
        saved.ends_with(b"1"),
        "the first copy: the counter of request 1"
    );
    assert_eq!(
        tistory_migrate::archive::hash::sha256_hex(&saved),
        sha,
        "archive.db records the copy on disk"
    );
    let assets = files(&out, "assets");
    let page = std::fs::read_to_string(out.join("raw/11.html")).unwrap();
    assert!(page.contains("<!-- served 1 -->"), "the page as served");

    // A plain re-run: nothing is asked again, nothing changes.
    crawl_into(&server, &out, test_settings()).await;
    let (code, report) = verify_json(&out);
    assert_eq!(code, 0, "{:#}", report["problems"]);
    assert_eq!(server.log.count(&image), 1);
    assert_eq!(recorded(&out), (sha.clone(), file.clone()));
    assert_eq!(files(&out, "assets"), assets);

    // Two --refresh runs: the page changed each time and is replaced in place; the saved image
    // is not downloaded again; the store keeps its size.
    for run in 2..=3 {
        let mut refresh = test_settings();
        refresh.refresh = true;
        crawl_into(&server, &out, refresh).await;
        let (code, report) = verify_json(&out);
        assert_eq!(code, 0, "refresh {run}: {:#}", report["problems"]);
        assert_eq!(server.log.count(&image), 1, "refresh {run}");
        assert_eq!(recorded(&out), (sha.clone(), file.clone()), "refresh {run}");
        assert_eq!(files(&out, "assets"), assets, "refresh {run}");
        let page = std::fs::read_to_string(out.join("raw/11.html")).unwrap();
        assert!(
            page.contains(&format!("<!-- served {run} -->")),
            "refresh {run}: the newest copy of the page"
        );
        let raw = files(&out, "raw");
        assert_eq!(
            raw.iter().filter(|f| f.starts_with("raw/11")).count(),
            1,
            "{raw:?}"
        );
    }
    server.shutdown().await;
}
