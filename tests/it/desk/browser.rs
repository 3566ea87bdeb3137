//! THE browser test: the desk driven in Debian's headless chromium by playwright-core
//! (`tests/browser/desk.mjs`): the copy buttons without the Clipboard API (the `execCommand`
//! fallback), then three posts walked (copy buttons clicked and the clipboard read back, a Naver URL
//! pasted and recorded), the desk stopped and started again, and the progress kept
//! with none of the three offered again; no console error, no request to another host than
//! 127.0.0.1. Without node, `tests/browser/node_modules` or /usr/bin/chromium it prints SKIPPED,
//! unless CI=true, where `.ci/run` installs them and their absence is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use tistory_migrate::desk::DeskOptions;

use super::fixture;

const CHROMIUM: &str = "/usr/bin/chromium";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// `None` (and SKIPPED printed) when something the test needs is missing outside CI.
pub(super) fn tools() -> Option<PathBuf> {
    let dir = browser_dir();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing: Vec<&str> = [
        (!node).then_some("node"),
        (!dir.join("node_modules/playwright-core").is_dir())
            .then_some("tests/browser/node_modules (npm ci --prefix tests/browser)"),
        (!Path::new(CHROMIUM).exists()).then_some(CHROMIUM),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the desk's browser test needs {} (CI=true: .ci/run installs them)",
        missing.join(", ")
    );
    eprintln!(
        "SKIPPED: the desk's browser test needs {}",
        missing.join(", ")
    );
    None
}

/// Runs the script in a thread (the desk keeps serving on the test's runtime meanwhile).
pub(super) async fn drive(dir: &Path, args: Vec<String>) -> serde_json::Value {
    let dir = dir.to_path_buf();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(dir.join("desk.mjs"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        output.status.success() && last.starts_with("OK "),
        "browser: {last}\nstdout: {stdout}\nstderr: {stderr}"
    );
    serde_json::from_str(&last[3..]).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_posts_walked_in_chromium_survive_a_restart() {
    let Some(dir) = tools() else { return };
    let f = fixture();
    let desk = f.start(DeskOptions::default()).await;
    // The old way first (no Clipboard API): every copy button still works, nothing is recorded.
    let fallback = drive(&dir, vec!["fallback".into(), desk.url()]).await;
    assert_eq!(
        fallback["copied"].as_array().map(Vec::len),
        Some(3),
        "{fallback}"
    );
    assert!(f.ledger().is_empty());
    let walked = drive(&dir, vec!["walk".into(), desk.url(), "3".into()]).await;
    assert_eq!(
        walked["walked"],
        serde_json::json!([1, 2, 4]),
        "oldest first: {walked}"
    );
    assert_eq!(walked["published"], 3);
    assert_eq!(walked["today"], 3);
    desk.shutdown().await;
    let rows = f.ledger();
    assert_eq!(
        rows.iter()
            .map(|r| (r.post_id, r.naver_url.as_str()))
            .collect::<Vec<_>>(),
        [
            (1, "https://blog.naver.com/hangangnotes/223000000011"),
            (2, "https://blog.naver.com/hangangnotes/223000000012"),
            (4, "https://blog.naver.com/hangangnotes/223000000013"),
        ]
    );

    // A new run: a new token, maybe a new port; the ledger is all there is.
    let desk = f.start(DeskOptions::default()).await;
    let checked = drive(&dir, vec!["check".into(), desk.url(), "1,2,4".into()]).await;
    assert_eq!(checked["published"], 3);
    assert_eq!(
        checked["offered"], 5,
        "the next post after the three: {checked}"
    );
    desk.shutdown().await;
}
