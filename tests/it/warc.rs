//! Issue 12: WARC output and WARC as a source. The crawl of the replay server is checked with the
//! standard tool (PyPI's warcio: `warcio check`, `warcio index`), the index against the server's
//! own request log; a WARC rebuilds the same archive; a WARC written by wget replays too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use predicates::prelude::PredicateBooleanExt as _;
use tistory_migrate::serve::{Faults, ReplayServer};

use crate::crawl::serve_sample;
use crate::support::{
    assert_rows_are_captures, bin, markdown_without_provenance, rows_without_provenance,
    sample_blog, without_fetch_times,
};

/// An external tool: `$ENV`, else `target/warcio-venv/bin/<name>` (what `.ci/run` makes), else
/// `<name>` on PATH. Under CI=true a missing tool fails the test; otherwise it is skipped with a
/// printed SKIPPED line.
pub fn tool(name: &str, env: &str) -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/warcio-venv/bin")
        .join(name);
    let candidates = [
        std::env::var_os(env).map(PathBuf::from),
        Some(venv),
        Some(PathBuf::from(name)),
    ];
    for c in candidates.into_iter().flatten() {
        if Command::new(&c)
            .arg("--help")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(c);
        }
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{name} is missing (CI=true: the WARC tests must run; .ci/run installs it, or set {env})"
    );
    eprintln!("SKIPPED: {name} is not installed (set {env}, or run .ci/run once)");
    None
}

pub fn crawl_warc_command(server: &ReplayServer, out: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("tistory-migrate"));
    cmd.env_remove("RUST_LOG")
        .args(["--no-progress", "crawl", &server.base_url(), "--out"])
        .arg(out)
        .args(["--asset-proxy", &server.base_url(), "--rate", "0"])
        .args(["--scan-margin", "5", "--warc"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    cmd
}

/// `warcio index` of `files`: one JSON object per record.
pub fn warcio_index(warcio: &Path, files: &[PathBuf]) -> Vec<serde_json::Value> {
    let out = Command::new(warcio)
        .arg("index")
        .args(files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "warcio index failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub fn warcio_check(warcio: &Path, files: &[PathBuf]) {
    let out = Command::new(warcio)
        .args(["check", "-v"])
        .args(files)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "warcio check failed:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("digest pass"),
        "warcio checked digests:\n{text}"
    );
    assert!(!text.contains("failed"), "{text}");
}

pub fn finished_warcs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".warc.gz"))
        .collect();
    files.sort();
    files
}

fn path_and_query(uri: &str) -> String {
    let u = url::Url::parse(uri).unwrap();
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_12_crawl_warc_passes_warcio_and_its_index_lists_every_request() {
    let Some(warcio) = tool("warcio", "WARCIO") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a");
    let server = serve_sample(Faults::none()).await;
    let status = crawl_warc_command(&server, &out).status().unwrap();
    assert!(status.success());
    let requested: BTreeSet<String> = server
        .log
        .all()
        .into_iter()
        .map(|r| r.path_and_query)
        .collect();
    server.shutdown().await;

    let dir = out.join("warc");
    let files = finished_warcs(&dir);
    assert!(!files.is_empty());
    warcio_check(&warcio, &files);
    let records = warcio_index(&warcio, &files);
    let of_type = |t: &str| -> Vec<String> {
        records
            .iter()
            .filter(|r| r["warc-type"] == t)
            .map(|r| path_and_query(r["warc-target-uri"].as_str().unwrap()))
            .collect()
    };
    let responses: BTreeSet<String> = of_type("response").into_iter().collect();
    assert_eq!(
        responses, requested,
        "one response record for every request the server saw, and nothing else"
    );
    // An address asked twice with the same answer (a "not found" asked again to confirm it) is
    // recorded the second time as a revisit of the first response.
    assert_eq!(
        of_type("request").len(),
        of_type("response").len() + of_type("revisit").len()
    );
    assert!(responses.contains("/robots.txt") && responses.contains("/rss"));
    assert!(
        responses
            .iter()
            .any(|p| p.starts_with("/_replay/asset?url="))
    );
    assert!(responses.iter().any(|p| p.starts_with("/m/api/")));
    // Our CDXJ index has one line per response and revisit, with the file and offset warcio sees.
    let index = std::fs::read_to_string(dir.join("index.cdxj")).unwrap();
    let offsets: BTreeSet<String> = records
        .iter()
        .filter(|r| r["warc-type"] == "response" || r["warc-type"] == "revisit")
        .map(|r| r["offset"].as_str().unwrap().to_string())
        .collect();
    let indexed: BTreeSet<String> = index
        .lines()
        .map(|l| {
            let json: serde_json::Value =
                serde_json::from_str(l.splitn(3, ' ').nth(2).unwrap()).unwrap();
            json["offset"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(indexed, offsets);
    // verify checks the WARC against the archive and finds it whole.
    bin().args(["verify"]).arg(&out).assert().success().stdout(
        predicates::str::contains("WARC")
            .and(predicates::str::contains("captures match: pages 18/18")),
    );
    // Adversaries: a WARC file cut short, then the WARC folder gone; both are gaps (exit 4).
    let last = files.last().unwrap();
    let bytes = std::fs::read(last).unwrap();
    std::fs::write(last, &bytes[..bytes.len() / 2]).unwrap();
    bin()
        .args(["verify"])
        .arg(&out)
        .assert()
        .code(4)
        .stdout(predicates::str::contains("damaged or cut-off WARC record"))
        .stdout(predicates::str::contains(
            "has no response record in the WARC",
        ));
    std::fs::remove_dir_all(&dir).unwrap();
    bin()
        .args(["verify"])
        .arg(&out)
        .assert()
        .code(4)
        .stdout(predicates::str::contains("holds no WARC file"));
}

fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    read_tree_with(dir, without_fetch_times)
}

/// Markdown files without their provenance block: a replay's copies are captures.
fn read_markdown_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    read_tree_with(dir, |b| markdown_without_provenance(b).into_bytes())
}

fn read_tree_with(dir: &Path, clean: impl Fn(&[u8]) -> Vec<u8>) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, clean(&std::fs::read(e.path()).unwrap()))
        })
        .collect()
}

#[test]
fn issue_12_a_warc_rebuilds_the_same_posts_jsonl_and_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let (first, second) = (tmp.path().join("first"), tmp.path().join("second"));
    bin()
        .args(["migrate"])
        .arg(sample_blog())
        .args(["--warc", "--out"])
        .arg(&first)
        .assert()
        .success();
    // The WARC folder alone is the source now: the archive it came from is not read.
    let warc_only = tmp.path().join("warc-only");
    std::fs::rename(first.join("warc"), &warc_only).unwrap();
    bin()
        .args(["migrate"])
        .arg(&warc_only)
        .args(["--out"])
        .arg(&second)
        .assert()
        .success();
    // The same rows and Markdown but for provenance: the first run's copies are live, the
    // replay's are the WARC's captures.
    assert_eq!(
        rows_without_provenance(&first.join("posts.jsonl")),
        rows_without_provenance(&second.join("posts.jsonl"))
    );
    assert_rows_are_captures(&second.join("posts.jsonl"));
    // Each copy names the very record it was replayed from: its file and WARC-Date.
    let mut records = BTreeMap::new();
    for file in finished_warcs(&warc_only) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for r in tistory_migrate::warc::reader::RecordReader::open(&file).unwrap() {
            let r = r.unwrap();
            if r.kind() == "response"
                && let Some(uri) = r.get("WARC-Target-URI")
            {
                let date = r.get("WARC-Date").unwrap().to_string();
                records.insert(
                    uri.trim_matches(['<', '>']).to_string(),
                    (name.clone(), date),
                );
            }
        }
    }
    let replayed = crate::import::rows(&second);
    let mut checked_assets = 0;
    for row in replayed.iter().filter(|r| r["status"] == "ok") {
        let p = &row["provenance"];
        let page = records
            .iter()
            .filter(|(uri, _)| uri.ends_with(&format!("/{}", row["id"])))
            .map(|(_, v)| v)
            .next_back()
            .unwrap_or_else(|| panic!("no record of post {}", row["id"]));
        assert_eq!(
            (
                p["file"].as_str().unwrap(),
                p["warc_date"].as_str().unwrap()
            ),
            (page.0.as_str(), page.1.as_str()),
            "{row}"
        );
        for a in p["assets"].as_array().into_iter().flatten() {
            assert_eq!(a["origin"], "warc", "{row}");
            checked_assets += 1;
        }
    }
    assert!(
        checked_assets > 0,
        "the sample blog's images are captures too"
    );
    let (a, b) = (
        read_markdown_tree(&first.join("posts")),
        read_markdown_tree(&second.join("posts")),
    );
    assert!(a.len() >= 17, "{} Markdown files", a.len());
    assert_eq!(a, b);
    assert_eq!(
        read_tree(&first.join("assets")),
        read_tree(&second.join("assets")),
        "the same images and attachments, byte for byte"
    );
    // One WARC file also works as the source.
    let one = finished_warcs(&warc_only).remove(0);
    let third = tmp.path().join("third");
    bin()
        .args(["migrate"])
        .arg(&one)
        .args(["--out"])
        .arg(&third)
        .assert()
        .success();
    assert_eq!(
        rows_without_provenance(&first.join("posts.jsonl")),
        rows_without_provenance(&third.join("posts.jsonl"))
    );
    assert_rows_are_captures(&third.join("posts.jsonl"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_12_a_wget_warc_of_the_replay_server_replays_through_migrate() {
    let Some(wget) = tool("wget", "WGET") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // What the blog itself gives: the direct migrate of the sample blog.
    let direct = tmp.path().join("direct");
    bin()
        .args(["migrate"])
        .arg(sample_blog())
        .args(["--out"])
        .arg(&direct)
        .assert()
        .success();

    let server = serve_sample(Faults::none()).await;
    let warc = tmp.path().join("wget");
    let status = Command::new(&wget)
        .arg(format!("--warc-file={}", warc.display()))
        .args(["-q", "-r", "-l", "inf", "--no-parent", "-P"])
        .arg(tmp.path().join("mirror"))
        .arg(format!("{}/", server.base_url()))
        .status()
        .unwrap();
    // wget exits 8 when some link answered 404 (the replay's deleted posts): that is expected.
    assert!(matches!(status.code(), Some(0 | 8)), "wget: {status}");
    let captured: BTreeSet<u64> = server
        .log
        .all()
        .iter()
        .filter_map(|r| r.path_and_query.trim_start_matches('/').parse().ok())
        .collect();
    server.shutdown().await;

    let rebuilt = tmp.path().join("rebuilt");
    bin()
        .args(["migrate"])
        .arg(tmp.path().join("wget.warc.gz"))
        .args(["--out"])
        .arg(&rebuilt)
        .assert()
        .success();
    let rows = |dir: &Path| -> BTreeMap<u64, serde_json::Value> {
        std::fs::read_to_string(dir.join("posts.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|r| r["status"] == "ok")
            .map(|r| (r["id"].as_u64().unwrap(), r))
            .collect()
    };
    let (direct_rows, rebuilt_rows) = (rows(&direct), rows(&rebuilt));
    let mut compared = 0;
    for (id, row) in &rebuilt_rows {
        let d = &direct_rows[id];
        assert!(
            captured.contains(id),
            "post {id} came from a page wget fetched"
        );
        for field in ["title", "published", "category", "tags"] {
            assert_eq!(row[field], d[field], "post {id}: {field}");
        }
        // wget stays on the blog's host, so its WARC has no images: the Markdown of posts without
        // files is the same, the others link the original image URLs instead of local copies.
        let no_files = |r: &serde_json::Value| {
            ["images", "attachments"]
                .iter()
                .all(|k| r[*k].as_array().is_none_or(Vec::is_empty))
        };
        if no_files(d)
            && let (Some(a), Some(b)) = (row["markdown"].as_str(), d["markdown"].as_str())
        {
            assert_eq!(
                markdown_without_provenance(&std::fs::read(rebuilt.join(a)).unwrap()),
                markdown_without_provenance(&std::fs::read(direct.join(b)).unwrap()),
                "post {id}: the same Markdown"
            );
            let md = std::fs::read_to_string(rebuilt.join(a)).unwrap();
            assert!(
                md.contains(
                    "provenance:\n  origin: \"warc\"\n  file: \"wget.warc.gz\"\n  warc_date: \""
                ),
                "post {id}: the copy is wget's capture: {md}"
            );
        }
        compared += 1;
    }
    assert!(compared >= 10, "the wget WARC held {compared} posts");
}

#[test]
fn issue_12_serve_replays_a_warc_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a");
    bin()
        .args(["migrate"])
        .arg(sample_blog())
        .args(["--warc", "--no-comments", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("tistory-migrate"))
        .args(["--no-progress", "serve"])
        .arg(out.join("warc"))
        .args(["--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    let get = |path: &str| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let policy = tistory_migrate::fetch::FetchPolicy {
            rate: None,
            ..tistory_migrate::fetch::FetchPolicy::default()
        };
        let fetcher = tistory_migrate::fetch::Fetcher::new(policy).unwrap();
        let url = url::Url::parse(&format!("{base}{path}")).unwrap();
        let r = rt.block_on(fetcher.get(&url, None)).unwrap();
        (r.status, r.body)
    };
    // The page as the crawl saved it, the same bytes from the WARC.
    let (status, body) = get("/1");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 200);
    assert_eq!(body, std::fs::read(out.join("raw/1.html")).unwrap());
}
