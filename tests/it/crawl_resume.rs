//! Kill-and-resume: the binary is SIGKILLed at several points of a crawl, run again, and the
//! archive it ends with must be the archive a clean run makes: same pages, same asset hashes, same
//! rows, no duplicates, no temporary files left behind.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tistory_migrate::archive::db::ArchiveDb;
use tistory_migrate::serve::{Faults, ReplayServer};

use crate::crawl::serve_sample;

pub(crate) fn crawl_command(server: &ReplayServer, out: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("tistory-migrate"));
    cmd.env_remove("RUST_LOG")
        .args(["--no-progress", "crawl", &server.base_url(), "--out"])
        .arg(out)
        .args([
            "--asset-proxy",
            &server.base_url(),
            "--rate",
            "0",
            "--scan-margin",
            "5",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

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

/// An entry as it matters here: id, state, page hash, page file, sources.
pub(crate) type EntrySnapshot = (u64, String, Option<String>, Option<String>, Vec<String>);

/// Everything that defines an archive, with volatile fields (times, attempt counts) left out.
#[derive(Debug, PartialEq)]
pub(crate) struct Snapshot {
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    pub(crate) entries: Vec<EntrySnapshot>,
    pub(crate) assets: Vec<(String, String, Option<String>, Option<String>)>,
}

pub(crate) fn snapshot(out: &Path) -> Snapshot {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        assert!(
            !rel.contains(".tmp-"),
            "a temporary file was left behind: {rel}"
        );
        if entry.file_type().is_file()
            && !rel.starts_with("archive.db")
            && !rel.starts_with("raw/pages/")
            && rel != ".lock"
        {
            files.insert(
                rel,
                crate::support::without_fetch_times(&std::fs::read(entry.path()).unwrap()),
            );
        }
    }
    let db = ArchiveDb::open(&out.join("archive.db")).unwrap();
    let entries = db
        .entries()
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                e.id,
                e.state.as_str().to_string(),
                e.page_sha256,
                e.raw_file,
                e.sources,
            )
        })
        .collect();
    let assets = db
        .assets()
        .unwrap()
        .into_iter()
        .map(|a| (a.url, a.state.to_string(), a.sha256, a.file))
        .collect();
    Snapshot {
        files,
        entries,
        assets,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_crawl_resumes_to_the_archive_a_clean_run_makes() {
    let tmp = tempfile::tempdir().unwrap();

    let clean_server = serve_sample(Faults::none()).await;
    let clean = tmp.path().join("clean");
    let status = crawl_command(&clean_server, &clean).status().unwrap();
    assert!(status.success(), "the clean run exits 0");
    clean_server.shutdown().await;

    // A little latency so that kills land in the middle of things.
    let server = serve_sample(Faults::none().with_delay(Duration::from_millis(8))).await;
    let resumed = tmp.path().join("resumed");
    let mut kills = 0;
    // Kill points by the number of requests the server has seen: during discovery, early pages,
    // assets, the scan and comments (a clean run of the sample blog makes about 50 requests).
    for kill_after in [3, 10, 18, 26, 34, 42] {
        let mut child = crawl_command(&server, &resumed).spawn().unwrap();
        let target = server.log.all().len() + kill_after;
        if wait_for_requests(&server, target, &mut child).await {
            child.kill().unwrap(); // SIGKILL: no chance to clean up.
            kills += 1;
        }
        let _ = child.wait();
    }
    assert!(
        kills >= 3,
        "at least three runs were killed mid-crawl ({kills})"
    );
    let status = crawl_command(&server, &resumed).status().unwrap();
    assert!(status.success(), "the resumed run finishes and exits 0");
    server.shutdown().await;

    let (a, b) = (snapshot(&clean), snapshot(&resumed));
    assert_eq!(
        a.entries, b.entries,
        "same entries, states, page hashes and sources"
    );
    assert_eq!(a.assets, b.assets, "same assets and hashes");
    assert_eq!(
        a.files.keys().collect::<Vec<_>>(),
        b.files.keys().collect::<Vec<_>>(),
        "same files"
    );
    for (name, bytes) in &a.files {
        assert!(b.files[name] == *bytes, "{name} differs after resuming");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_killed_during_the_scan_past_the_highest_id_leaves_no_phantom_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let clean_server = serve_sample(Faults::none()).await;
    let clean = tmp.path().join("clean");
    assert!(
        crawl_command(&clean_server, &clean)
            .status()
            .unwrap()
            .success()
    );
    clean_server.shutdown().await;

    // The sample blog's highest id is 22 (fixtures/hangang-notes/README.md): /23 … are the scan's
    // probes past it. One of them hangs, so the kill lands while the others are recorded.
    let server = serve_sample(Faults::none().rule(
        "/25",
        tistory_migrate::serve::FaultKind::Delay(Duration::from_secs(5)),
        1,
    ))
    .await;
    let resumed = tmp.path().join("resumed");
    let mut child = crawl_command(&server, &resumed).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.log.count("/25") == 0 || server.log.count("/24") == 0 {
        assert!(Instant::now() < deadline, "the scan never reached /25");
        assert!(child.try_wait().unwrap().is_none(), "the crawl ended early");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.kill().unwrap();
    let _ = child.wait();
    let probes = ArchiveDb::open(&resumed.join("archive.db"))
        .unwrap()
        .entries()
        .unwrap()
        .iter()
        .filter(|e| e.id > 22)
        .count();
    assert!(
        probes > 0,
        "the kill left probe rows behind (else this tests nothing)"
    );

    assert!(crawl_command(&server, &resumed).status().unwrap().success());
    server.shutdown().await;
    let (a, b) = (snapshot(&clean), snapshot(&resumed));
    assert_eq!(a.entries, b.entries, "same entries, states and sources");
    assert_eq!(
        a.files.keys().collect::<Vec<_>>(),
        b.files.keys().collect::<Vec<_>>(),
        "same files (posts.jsonl rows, Markdown, pages)"
    );
    for (name, bytes) in &a.files {
        assert!(b.files[name] == *bytes, "{name} differs after resuming");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_a_busy_archive_says_who_holds_it_and_exits() {
    let tmp = tempfile::tempdir().unwrap();
    let server = serve_sample(Faults::none().with_delay(Duration::from_millis(30))).await;
    let out = tmp.path().join("archive");
    let mut first = crawl_command(&server, &out).spawn().unwrap();
    assert!(
        wait_for_requests(&server, 3, &mut first).await,
        "the first run started"
    );
    let before = server.log.all().len();
    let second = tokio::task::spawn_blocking({
        let (base, out) = (server.base_url(), out.clone());
        move || {
            crate::support::bin()
                .args(["crawl", &base, "--rate", "0", "--out"])
                .arg(&out)
                .assert()
                .code(3)
                .get_output()
                .stderr
                .clone()
        }
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&second);
    assert!(stderr.contains("in use by another run"), "{stderr}");
    assert!(
        stderr.contains(&format!("process {}", first.id())),
        "names the holder: {stderr}"
    );
    assert!(first.try_wait().unwrap().is_none(), "the first run goes on");
    assert!(first.wait().unwrap().success(), "and ends well");
    // The second run sent nothing: every request after it started is the first run's, once.
    // The first run asks the home page twice more at its end, before and after asking the ids
    // that answered "not found" again (3 6 12 18 are deleted in the sample blog,
    // fixtures/hangang-notes/README.md): a second run's home page would be a third.
    let paths: Vec<String> = server.log.all()[before..]
        .iter()
        .map(|r| r.path_and_query.clone())
        .filter(|p| p == "/")
        .collect();
    assert_eq!(
        paths.len(),
        2,
        "the second run fetched the home page: {paths:?}"
    );
    server.shutdown().await;
}
