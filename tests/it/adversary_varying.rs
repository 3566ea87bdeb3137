//! Issue 10, round 4: a server whose bytes differ on every request: an image whose bytes change
//! each time (a counter appended; it still sniffs as a JPEG) and a post page that prints a counter.
//! The archive keeps one consistent copy of each: the image is downloaded once, and its first
//! copy is what `archive.db` records and `assets/` holds; a re-run asks for nothing it has; a
//! `--refresh` re-run replaces the changed page in place (`raw/11.html`, one file) and does not
//! download the saved image again, so the store does not grow however often it runs (the files
//! are counted); verify says COMPLETE after every run, with no false mismatch. Bounded: four runs.
//! The same four runs recording a WARC (`--warc`: the WARC holds every copy served, the archive
//! one, and verify's WARC check finds no false mismatch), and a first run followed by three
//! `--retry-failed` runs (nothing failed: neither the page nor the image is asked again).
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

/// How the runs after the first are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A plain re-run, then two `--refresh` runs.
    Plain,
    /// The same runs, each recording a WARC (`--warc`).
    Warc,
    /// Three `--retry-failed` runs: nothing failed, so nothing is asked again.
    RetryFailed,
}

impl Mode {
    fn settings(self, refresh: bool) -> tistory_migrate::config::CrawlSettings {
        let mut s = test_settings();
        match self {
            Mode::Plain => {}
            Mode::Warc => s.warc_max_bytes = Some(1 << 30),
            Mode::RetryFailed => s.retry_failed = true,
        }
        s.refresh = refresh && self != Mode::RetryFailed;
        s
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_bytes_that_change_per_request_keep_one_copy_and_never_churn() {
    varying_run(Mode::Plain).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_bytes_that_change_per_request_keep_one_copy_when_recording_a_warc() {
    varying_run(Mode::Warc).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_bytes_that_change_per_request_are_not_asked_again_by_retry_failed() {
    varying_run(Mode::RetryFailed).await;
}

async fn varying_run(mode: Mode) {
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

    let first = if mode == Mode::Warc {
        mode.settings(false)
    } else {
        test_settings()
    };
    crawl_into(&server, &out, first).await;
    let (code, report) = verify_json(&out);
    assert_eq!(code, 0, "{mode:?}: {:#}", report["problems"]);
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

    // A re-run: nothing is asked again, nothing changes.
    let pages = server.log.count("/11");
    crawl_into(&server, &out, mode.settings(false)).await;
    let (code, report) = verify_json(&out);
    assert_eq!(code, 0, "{mode:?}: {:#}", report["problems"]);
    assert_eq!(
        server.log.count("/11"),
        pages,
        "{mode:?}: the saved page is not asked again"
    );
    assert_eq!(server.log.count(&image), 1);
    assert_eq!(recorded(&out), (sha.clone(), file.clone()));
    assert_eq!(files(&out, "assets"), assets);

    // Two --refresh runs: the page changed each time and is replaced in place; the saved image
    // is not downloaded again; the store keeps its size.
    for run in 2..=3 {
        crawl_into(&server, &out, mode.settings(true)).await;
        let (code, report) = verify_json(&out);
        assert_eq!(code, 0, "{mode:?} run {run}: {:#}", report["problems"]);
        if mode == Mode::Warc {
            // Verify's WARC check ran, and the page's newest capture is its saved copy.
            let warc = &report["warc"];
            assert!(warc["pages"].as_u64().unwrap() > 0, "{warc:#}");
            assert_eq!(warc["pages_ok"], warc["pages"], "{warc:#}");
            assert_eq!(warc["assets_ok"], warc["assets"], "{warc:#}");
        }
        assert_eq!(server.log.count(&image), 1, "refresh {run}");
        assert_eq!(recorded(&out), (sha.clone(), file.clone()), "refresh {run}");
        assert_eq!(files(&out, "assets"), assets, "refresh {run}");
        let page = std::fs::read_to_string(out.join("raw/11.html")).unwrap();
        let copy = if mode == Mode::RetryFailed { 1 } else { run };
        assert!(
            page.contains(&format!("<!-- served {copy} -->")),
            "{mode:?} run {run}: the newest copy of the page"
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
