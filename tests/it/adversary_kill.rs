//! Issue 10, round 3: killed runs. The real binary is SIGKILLed at points named by what the
//! archive shows has happened (pages saved, an asset saved, a comments file saved, Markdown
//! written, part of the bundle written), whatever stage does that work. At each point `verify`
//! must be truthful *before* the resume: it may say COMPLETE only if the archive already is the
//! one a clean run makes; otherwise exit 4. The resumed archive equals the clean run's (states,
//! rows, files).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use tistory_migrate::serve::Faults;

use crate::crawl::serve_sample;
use crate::crawl_resume::{Snapshot, crawl_command, snapshot};
use crate::support::bin;

/// Files in `dir` of the archive whose name ends with `ext` (`.tmp-` files of unfinished writes
/// left out).
fn count(archive: &Path, dir: &str, ext: &str) -> usize {
    walkdir::WalkDir::new(archive.join(dir))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext) && !n.starts_with(".tmp-"))
        .count()
}

/// A point of a run, by what the archive shows.
struct KillPoint {
    name: &'static str,
    reached: fn(&Path) -> bool,
}

const POINTS: [KillPoint; 4] = [
    KillPoint {
        name: "after 3 pages saved",
        reached: |a| count(a, "raw", ".html") >= 3,
    },
    KillPoint {
        name: "after an asset saved",
        reached: |a| count(a, "assets", "") >= 1,
    },
    KillPoint {
        name: "after a comments file saved",
        reached: |a| count(a, "comments", ".json") >= 1,
    },
    KillPoint {
        name: "after a Markdown file written",
        reached: |a| count(a, "posts", ".md") >= 1,
    },
];

/// Spawns `cmd` and SIGKILLs it once `reached` holds; false when the run ended first.
fn kill_when(mut cmd: Command, archive: &Path, reached: fn(&Path) -> bool) -> bool {
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if reached(archive) {
            child.kill().unwrap(); // SIGKILL: no chance to clean up.
            let _ = child.wait();
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        assert!(
            Instant::now() < deadline,
            "the run made no progress for 60 s"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// verify on an interrupted archive: COMPLETE only when it already equals the clean one.
fn verify_is_truthful(archive: &Path, clean: &Snapshot, point: &str) {
    let out = bin().arg("verify").arg(archive).output().unwrap();
    let code = out.status.code().unwrap();
    if code == 0 {
        assert!(
            snapshot(archive) == *clean,
            "{point}: verify said COMPLETE on an interrupted archive that is not whole"
        );
    } else {
        assert_eq!(code, 4, "{point}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

fn assert_same(clean: &Snapshot, resumed: &Snapshot, point: &str) {
    assert_eq!(clean.entries, resumed.entries, "{point}: entries");
    assert_eq!(clean.assets, resumed.assets, "{point}: assets");
    assert_eq!(
        clean.files.keys().collect::<Vec<_>>(),
        resumed.files.keys().collect::<Vec<_>>(),
        "{point}: files"
    );
    for (name, bytes) in &clean.files {
        assert!(resumed.files[name] == *bytes, "{point}: {name} differs");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_verify_is_truthful_at_every_kill_point_and_the_resume_is_whole() {
    let tmp = tempfile::tempdir().unwrap();
    // A little latency per response so that the kills land mid-run.
    let server = serve_sample(Faults::none().with_delay(Duration::from_millis(15))).await;
    let clean_dir = tmp.path().join("clean");
    assert!(
        crawl_command(&server, &clean_dir)
            .status()
            .unwrap()
            .success()
    );
    let clean = snapshot(&clean_dir);
    let mut killed = 0;
    for (n, point) in POINTS.iter().enumerate() {
        let archive = tmp.path().join(format!("killed-{n}"));
        let landed = tokio::task::block_in_place(|| {
            kill_when(crawl_command(&server, &archive), &archive, point.reached)
        });
        if landed {
            killed += 1;
            verify_is_truthful(&archive, &clean, point.name);
        }
        assert!(crawl_command(&server, &archive).status().unwrap().success());
        assert_same(&clean, &snapshot(&archive), point.name);
        bin().arg("verify").arg(&archive).assert().success();
    }
    assert!(
        killed >= 3,
        "at least three kills landed mid-run ({killed})"
    );
    server.shutdown().await;
}

#[test]
fn issue_10_a_bundle_killed_half_way_is_not_complete_and_a_rerun_makes_it_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    bin()
        .arg("migrate")
        .arg(crate::support::sample_blog())
        .arg("--out")
        .arg(&archive)
        .assert()
        .success();
    let whole: Vec<(String, Vec<u8>)> = bundle_files(&archive);
    // Kill `bundle` once some post folders are written but before its manifest, which it writes
    // last; a run too quick to catch is tried again.
    let mut landed = false;
    for _ in 0..20 {
        std::fs::remove_dir_all(archive.join("naver")).unwrap();
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("tistory-migrate"));
        cmd.arg("bundle")
            .arg(&archive)
            .stdout(std::process::Stdio::null());
        let reached: fn(&Path) -> bool = |a| count(a, "naver", "post.json") >= 2;
        if kill_when(cmd, &archive, reached) && !archive.join("naver/bundle.json").exists() {
            landed = true;
            break;
        }
    }
    if landed {
        let out = bin().arg("verify").arg(&archive).output().unwrap();
        assert_eq!(out.status.code(), Some(4), "a half-made bundle is a gap");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("bundle.json"), "{stdout}");
    } else {
        eprintln!("bundle was too quick to kill 20 times over; checked its end state only");
    }
    bin().arg("bundle").arg(&archive).assert().success();
    bin().arg("verify").arg(&archive).assert().success();
    assert_eq!(bundle_files(&archive).len(), whole.len());
    for ((a, x), (b, y)) in whole.iter().zip(bundle_files(&archive)) {
        assert_eq!((a, x), (&b, &y), "{a} is as the first bundle made it");
    }
}

/// The bundle's files with their bytes, `bundle.json` (it holds the time it was made) left out.
fn bundle_files(archive: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(archive.join("naver"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name() != "bundle.json")
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(archive)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}
