//! Issue 12: SIGKILL during a `--warc` crawl, then resume. Every WARC file left is valid (warcio
//! check and our reader), none is left unfinished, the killed run's file was recovered under a
//! finished name, resumed runs wrote new files, no payload of a URL is stored twice as a
//! `response` (repeats are `revisit`s), and verify finds the WARC whole against the archive.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use predicates::prelude::PredicateBooleanExt as _;
use tistory_migrate::serve::{Faults, ReplayServer};
use tistory_migrate::warc::http::HttpResponse;
use tistory_migrate::warc::reader::RecordReader;

use crate::crawl::serve_sample;
use crate::support::bin;
use crate::warc::{crawl_warc_command, finished_warcs, tool, warcio_check, warcio_index};

async fn wait_for_requests(server: &ReplayServer, at_least: usize, child: &mut Child) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if server.log.all().len() >= at_least {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    panic!("the crawl made no progress for 60 s");
}

fn open_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().path().display().to_string())
                .filter(|p| p.ends_with(".open"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_12_a_killed_warc_crawl_resumes_with_every_file_valid_and_nothing_twice() {
    let warcio = tool("warcio", "WARCIO");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a");
    let dir = out.join("warc");
    let server = serve_sample(Faults::none().with_delay(Duration::from_millis(8))).await;
    let (mut kills, mut left_open) = (0, 0);
    // Each run counts from its own start: a resumed run makes fewer requests, so the points stay small.
    for kill_after in [5, 15, 30, 45, 60] {
        let mut child = crawl_warc_command(&server, &out).spawn().unwrap();
        let target = server.log.all().len() + kill_after;
        if wait_for_requests(&server, target, &mut child).await {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        let _ = child.wait();
        left_open += open_files(&dir).len();
    }
    assert!(
        kills >= 3,
        "at least three runs were killed mid-crawl ({kills})"
    );
    assert!(left_open >= 1, "a killed run left an unfinished .open file");
    let status = crawl_warc_command(&server, &out).status().unwrap();
    assert!(status.success(), "the resumed run finishes");
    server.shutdown().await;

    assert_eq!(
        open_files(&dir),
        Vec::<String>::new(),
        "nothing left unfinished"
    );
    let files = finished_warcs(&dir);
    assert!(
        files.len() > kills,
        "every run wrote a file of its own: {} files for {} runs",
        files.len(),
        kills + 1
    );
    // Our reader: every record of every file complete; no payload stored twice for a URL.
    let mut responses: BTreeMap<(String, String), usize> = BTreeMap::new();
    for f in &files {
        let mut first = true;
        for r in RecordReader::open(f).unwrap() {
            let r = r.unwrap_or_else(|e| panic!("{e}"));
            if first {
                assert_eq!(r.kind(), "warcinfo", "{} opens with warcinfo", f.display());
                first = false;
            }
            // Empty payloads (a redirect, a 304) are not deduplicated: there is nothing to store.
            let empty = HttpResponse::parse(&r.block).is_none_or(|h| h.payload.is_empty());
            if r.kind() == "response" && !empty {
                let key = (
                    r.get("WARC-Target-URI").unwrap().to_string(),
                    r.get("WARC-Payload-Digest").unwrap().to_string(),
                );
                *responses.entry(key).or_default() += 1;
            }
        }
    }
    let twice: Vec<_> = responses.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "stored twice as a response: {twice:?}");
    if let Some(warcio) = warcio {
        warcio_check(&warcio, &files);
        let records = warcio_index(&warcio, &files);
        assert!(records.iter().any(|r| r["warc-type"] == "revisit"));
    }
    bin().args(["verify"]).arg(&out).assert().success().stdout(
        predicates::str::contains("COMPLETE")
            .and(predicates::str::contains("captures match: pages 18/18")),
    );
}
