//! Issue 10, round 5: a replay of a WARC inflates the recorded bodies within the
//! `--max-body-bytes` of the run that recorded it, not within the default 50 MiB. The crawl
//! refused a decompression bomb (4 MiB of zeros in a few KB of gzip, past its 1 MiB cap); the
//! WARC keeps the response as received, still encoded; the replay built from that WARC must
//! refuse it too, naming the cap, instead of unpacking 4 MiB and serving it as post 13.
//!
//! Ground truth: fixtures/hangang-notes/README.md (13 and 16 are public posts).

use tistory_migrate::serve::{FaultKind, Faults};
use tistory_migrate::warc::http::HttpResponse;
use tistory_migrate::warc::reader::{RecordReader, warc_files};
use tistory_migrate::warc::replay::load_warc_site;

use crate::crawl::{crawl_into, serve_sample, test_settings};

/// The recording run's cap.
const CAP: u64 = 1 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_a_warc_replay_inflates_within_the_recording_runs_cap() {
    let server = serve_sample(Faults::none()).await;
    server.push_fault(tistory_migrate::serve::FaultRule::new(
        "/13",
        FaultKind::GzipBomb(4 * CAP),
        usize::MAX,
    ));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let mut settings = test_settings();
    settings.policy.max_attempts = 1;
    settings.policy.retry_passes = 0;
    settings.policy.max_body_bytes = CAP;
    settings.comments = false;
    settings.warc_max_bytes = Some(1 << 30);
    crawl_into(&server, &out, settings).await;
    server.shutdown().await;

    // The WARC holds the bomb as received: under the default cap it would inflate past 1 MiB.
    let warc = out.join("warc");
    let mut bomb = None;
    for file in warc_files(&warc).unwrap() {
        for record in RecordReader::open(&file).unwrap() {
            let record = record.unwrap();
            let target = record
                .get("WARC-Target-URI")
                .unwrap_or_default()
                .to_string();
            if record.kind() == "response" && target.trim_matches(['<', '>']).ends_with("/13") {
                bomb = HttpResponse::parse(&record.block);
            }
        }
    }
    let bomb = bomb.expect("the WARC records the response of /13");
    let inflated = bomb.entity().expect("within the default cap");
    assert!(inflated.len() as u64 > CAP, "{} bytes", inflated.len());

    let site = load_warc_site(&warc).unwrap();
    assert!(
        !site.site.entries.contains_key(&13),
        "the bomb is not served as post 13"
    );
    assert!(site.site.entries.contains_key(&16), "the other posts are");
    let note = site
        .notes
        .iter()
        .find(|n| n.contains("/13"))
        .unwrap_or_else(|| panic!("no note names /13: {:#?}", site.notes));
    assert!(note.contains("1048576"), "{note}");
}
