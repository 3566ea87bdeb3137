//! The HTML report of `verify` opened in a real headless Chromium (Debian's, at
//! `/usr/bin/chromium`; `.ci/run` installs it): it loads, logs nothing to the console, requests
//! nothing from the network (checked in Chromium's net log, with a control page that proves the
//! check sees requests), links only original URLs absolutely, links the archive's files
//! relatively, and shows the numbers `verify --json` prints. Without Chromium the test prints
//! SKIPPED, except under `CI=true`, where it fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::verify::{DAMAGED_IMAGE, archive_with_a_failed_fetch, asset_file, damage, verify_json};

const CHROMIUM: &str = "/usr/bin/chromium";

/// Debian's Chromium, or `None` (SKIPPED) when it is absent; under `CI=true` absence fails.
fn chromium() -> Option<&'static Path> {
    let path = Path::new(CHROMIUM);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{CHROMIUM} is missing (CI=true: .ci/run installs Debian's chromium)"
    );
    eprintln!("SKIPPED: {CHROMIUM} is not installed (apt-get install chromium)");
    None
}

/// What a page did in the browser.
struct BrowserRun {
    dom: String,
    console: Vec<String>,
    /// URLs the page itself requested (not file:), from Chromium's net log.
    page_requests: Vec<String>,
}

fn open_in_chromium(chromium: &Path, page: &Path, scratch: &Path) -> BrowserRun {
    let profile = tempfile::tempdir_in(scratch).unwrap();
    let netlog = scratch.join(format!(
        "netlog-{}.json",
        page.file_stem().unwrap().to_string_lossy()
    ));
    let url = url::Url::from_file_path(page).unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg("--dump-dom")
        .arg(url.as_str())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "chromium failed: {output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .map(str::to_string)
        .collect();
    BrowserRun {
        dom: String::from_utf8(output.stdout).unwrap(),
        console,
        page_requests: page_requests(&netlog),
    }
}

/// Requests a page started (initiator = the page's origin), as opposed to the browser's own
/// background requests (initiator "not an origin"), from a Chromium net log.
fn page_requests(netlog: &Path) -> Vec<String> {
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(netlog).unwrap()).unwrap();
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .unwrap();
    log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job))
        .filter(|e| e["params"]["initiator"].as_str() != Some("not an origin"))
        .filter_map(|e| e["params"]["url"].as_str())
        .filter(|u| !u.starts_with("file:"))
        .map(str::to_string)
        .collect()
}

/// `data-field` values in the DOM.
fn fields(dom: &str) -> BTreeMap<String, String> {
    let re = regex::Regex::new(r#"data-field="(\w+)"(?: data-value="(\w+)")?>([^<]*)<"#).unwrap();
    re.captures_iter(dom)
        .map(|c| {
            let value = c
                .get(2)
                .map_or_else(|| c[3].trim().to_string(), |v| v.as_str().to_string());
            (c[1].to_string(), value)
        })
        .collect()
}

fn ids_text(v: &serde_json::Value) -> String {
    v.as_array()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_report_in_a_headless_browser() {
    let Some(chromium) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    archive_with_a_failed_fetch(&out).await;
    damage(&out);
    let html = tmp.path().join("report").join("verify.html");
    let json = verify_json(&out, 4, &["--html", html.to_str().unwrap()]);

    // The detectors work: a page that loads things and logs an error is caught.
    let canary = tmp.path().join("canary.html");
    std::fs::write(
        &canary,
        r#"<!doctype html><html><head><meta charset="utf-8"></head><body>
<img src="http://127.0.0.1:9/canary.png"><script>console.error("canary")</script></body></html>"#,
    )
    .unwrap();
    let control = open_in_chromium(chromium, &canary, tmp.path());
    assert!(
        control
            .page_requests
            .iter()
            .any(|u| u.contains("canary.png")),
        "the net log check sees page requests: {:?}",
        control.page_requests
    );
    assert!(
        !control.console.is_empty(),
        "the console check sees console output"
    );

    let run = open_in_chromium(chromium, &html, tmp.path());
    assert!(run.dom.contains("아카이브 검증 보고서"), "the page loaded");
    assert!(run.console.is_empty(), "console: {:?}", run.console);
    assert!(
        run.page_requests.is_empty(),
        "requests: {:?}",
        run.page_requests
    );

    // Nothing in the DOM would load anything; the only absolute links are to original URLs.
    let dom = &run.dom;
    for loader in [
        " src=", "<link", "<img", "<iframe", "<object", "<embed", "url(", "@import",
    ] {
        assert!(!dom.contains(loader), "{loader} in the report");
    }
    let href = regex::Regex::new(r#"<(\w+)([^>]*) href="([^"]*)""#).unwrap();
    let mut originals = 0;
    let mut locals = Vec::new();
    for c in href.captures_iter(dom) {
        let (tag, attrs, target) = (&c[1], &c[2], &c[3]);
        assert_eq!(tag, "a", "only links carry an href: {target}");
        if target.starts_with("http") {
            assert!(attrs.contains(r#"class="original""#), "{target}");
            originals += 1;
        } else {
            assert!(attrs.contains(r#"class="local""#), "{target}");
            locals.push(target.replace("&amp;", "&"));
        }
    }
    assert!(originals >= 4, "links to the original posts and files");
    let resolved: Vec<PathBuf> = locals
        .iter()
        .map(|l| html.parent().unwrap().join(l))
        .collect();
    assert!(
        resolved.iter().any(|p| p.ends_with("raw/5.html")
            && p.starts_with(html.parent().unwrap().join("../archive"))),
        "{resolved:?}"
    );
    assert!(
        resolved.iter().any(|p| p.is_file()
            && *p
                == html
                    .parent()
                    .unwrap()
                    .join("../archive")
                    .join(asset_file(&out, DAMAGED_IMAGE).strip_prefix(&out).unwrap())),
        "the damaged image's local link resolves to the file: {resolved:?}"
    );

    // The numbers the page shows are the numbers --json prints.
    let f = fields(dom);
    let n = |k: &str| json[k].to_string();
    let len = |k: &str| json[k].as_array().unwrap().len().to_string();
    assert_eq!(f["complete"], n("complete"));
    assert_eq!(f["gaps"], n("gaps"));
    for k in [
        "posts_expected",
        "posts_archived",
        "images_total",
        "attachments_total",
    ] {
        assert_eq!(f[k], n(k), "{k}");
    }
    for k in [
        "protected_ids",
        "private_ids",
        "deleted_ids",
        "failed_ids",
        "missing_ids",
    ] {
        assert_eq!(f[&format!("{k}_count")], len(k), "{k}");
        assert_eq!(f[k], ids_text(&json[k]), "{k}");
    }
    for k in [
        "images_missing",
        "attachments_missing",
        "fidelity_below_threshold",
        "problems",
    ] {
        assert_eq!(f[&format!("{k}_count")], len(k), "{k}");
    }
    assert_eq!(f["failed_ids"], "11");
    assert_eq!(f["deleted_ids"], "3 6 12 18");
}
