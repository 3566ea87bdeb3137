//! Issue 10, round 3: damaged archives. For every kind of file an archive holds (`raw/` pages,
//! `extracted/` posts, assets by hash, `comments/<id>.json`, `posts/<id>.md`, `posts.jsonl`, rows
//! of `archive.db`, the `naver/` bundle), each damage a disk or a hand can do (cut in half,
//! emptied, replaced by another valid file of the same kind, deleted, renamed): `verify` must not
//! say COMPLETE, must name the file and what is wrong (exit 4), and the commands it suggests must
//! bring the archive back to what the clean run made, without touching the sound files.
//!
//! The expected problems are written from the damage done (the file cut is the file named), and
//! the repaired archive is compared with the undamaged one (pages, rows, Markdown, assets,
//! bundle; times of the run left out).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tistory_migrate::serve::{Faults, ReplayServer};

use crate::crawl::serve_sample;
use crate::crawl_resume::{Snapshot, crawl_command, snapshot};
use crate::support::bin;

/// The post every per-post damage is done to, and the one whose files stand in as "another valid
/// file of the same kind" (posts 4 and 5 of the sample blog are public posts with a page, an
/// extracted post and Markdown; see fixtures/hangang-notes/README.md).
const POST: u64 = 4;
const OTHER: u64 = 5;

/// What was done to the archive.
#[derive(Clone, Copy, Debug)]
enum Harm {
    /// The first half kept.
    Cut,
    /// Zero bytes.
    Empty,
    /// Replaced by another file of the same kind (`path` → another path).
    Other,
    /// Removed.
    Delete,
    /// Moved to `<name>.old`.
    Rename,
}

fn harm(target: &Path, how: Harm, other: Option<&Path>) {
    match how {
        Harm::Cut => {
            let bytes = std::fs::read(target).unwrap();
            std::fs::write(target, &bytes[..bytes.len() / 2]).unwrap();
        }
        Harm::Empty => std::fs::write(target, b"").unwrap(),
        Harm::Other => {
            let other = other.expect("a file of the same kind");
            assert_ne!(
                std::fs::read(target).unwrap(),
                std::fs::read(other).unwrap()
            );
            std::fs::copy(other, target).unwrap();
        }
        Harm::Delete if target.is_dir() => std::fs::remove_dir_all(target).unwrap(),
        Harm::Delete => std::fs::remove_file(target).unwrap(),
        Harm::Rename => std::fs::rename(target, renamed(target)).unwrap(),
    }
}

fn renamed(p: &Path) -> PathBuf {
    let mut name = p.file_name().unwrap().to_os_string();
    name.push(".old");
    p.with_file_name(name)
}

/// One damage and the problem verify must report for it: its kind and the file it names.
struct Case {
    name: String,
    /// The archive-relative file damaged (for files), or `None` for a database row.
    file: Option<String>,
    harm: Option<Harm>,
    /// Another file of the same kind, for [`Harm::Other`].
    other: Option<String>,
    /// SQL run on `archive.db` instead of a file damage.
    sql: Option<String>,
    kind: &'static str,
    /// The file the problem names (archive-relative), when it names one.
    names: Option<String>,
    /// The saved page or asset the repair may rewrite (the damaged one); every other must keep
    /// its modification time.
    touches: Option<String>,
}

fn file_case(file: &str, how: Harm, other: &str, kind_for: fn(Harm) -> &'static str) -> Case {
    Case {
        name: format!("{file} {how:?}"),
        file: Some(file.to_string()),
        harm: Some(how),
        other: Some(other.to_string()),
        sql: None,
        kind: kind_for(how),
        names: Some(file.to_string()),
        touches: Some(file.to_string()),
    }
}

fn sql_case(sql: &str, kind: &'static str, names: Option<&str>, touches: &str) -> Case {
    Case {
        name: sql.to_string(),
        file: None,
        harm: None,
        other: None,
        sql: Some(sql.to_string()),
        kind,
        names: names.map(ToString::to_string),
        touches: Some(touches.to_string()),
    }
}

const HARMS: [Harm; 5] = [
    Harm::Cut,
    Harm::Empty,
    Harm::Other,
    Harm::Delete,
    Harm::Rename,
];

/// What the clean archive holds that the cases need: an asset of post `POST`'s kind, the comments
/// file of a post with comments, the bundle's folder of `POST`.
struct Facts {
    asset: String,
    other_asset: String,
    comments: String,
    other_comments: String,
    bundle_dir: String,
    /// The first image file in that folder.
    bundle_image: String,
}

fn facts(archive: &Path) -> Facts {
    let conn = rusqlite::Connection::open(archive.join("archive.db")).unwrap();
    let files: Vec<String> = conn
        .prepare("SELECT file FROM assets WHERE state = 'ok' AND file LIKE '%.jpg' ORDER BY file")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let comments: Vec<String> = conn
        .prepare("SELECT file FROM comments WHERE file IS NOT NULL ORDER BY post_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        files.len() >= 2 && comments.len() >= 2,
        "{files:?} {comments:?}"
    );
    let bundle_dir = std::fs::read_dir(archive.join("naver"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(&format!("_{POST}")))
        .expect("the bundle has a folder for the post");
    let bundle_image = std::fs::read_dir(archive.join("naver").join(&bundle_dir).join("images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .min()
        .expect("the post has an image in the bundle");
    Facts {
        bundle_image,
        asset: files[0].clone(),
        other_asset: files[1].clone(),
        comments: comments[0].clone(),
        other_comments: comments[1].clone(),
        bundle_dir,
    }
}

fn cases(f: &Facts) -> Vec<Case> {
    let mut cases = Vec::new();
    let raw = |h| match h {
        Harm::Delete | Harm::Rename => "raw_page_missing",
        _ => "raw_page_damaged",
    };
    let asset = |h| match h {
        Harm::Delete | Harm::Rename => "asset_file_missing",
        _ => "asset_damaged",
    };
    let markdown = |h| match h {
        Harm::Delete | Harm::Rename => "markdown_missing",
        // Cut, emptied or another post's: the Markdown no longer holds this page's text.
        _ => "fidelity_below_threshold",
    };
    let posts_jsonl = |h| match h {
        Harm::Cut => "row_unreadable",
        _ => "row_missing",
    };
    for h in HARMS {
        cases.push(file_case(
            &format!("raw/{POST}.html"),
            h,
            &format!("raw/{OTHER}.html"),
            raw,
        ));
        cases.push(file_case(
            &format!("extracted/{POST}.json"),
            h,
            &format!("extracted/{OTHER}.json"),
            |_| "extracted_damaged",
        ));
        cases.push(file_case(&f.asset, h, &f.other_asset, asset));
        cases.push(file_case(
            &f.comments,
            h,
            &f.other_comments,
            |_| "comments_missing",
        ));
        cases.push(file_case(
            &format!("posts/{POST}.md"),
            h,
            &format!("posts/{OTHER}.md"),
            markdown,
        ));
        if !matches!(h, Harm::Other) {
            cases.push(file_case("posts.jsonl", h, "", posts_jsonl));
        }
    }
    // posts.jsonl with post POST's row replaced by post OTHER's (a valid row, twice over).
    cases.push(Case {
        name: "posts.jsonl row of another post".into(),
        file: Some("posts.jsonl".into()),
        harm: None,
        other: None,
        sql: None,
        kind: "row_missing",
        names: Some("posts.jsonl".into()),
        touches: None,
    });
    let bundle_file = format!("naver/{}/body.html", f.bundle_dir);
    for h in [Harm::Cut, Harm::Empty, Harm::Delete] {
        cases.push(file_case(&bundle_file, h, "", |_| "bundle_invalid"));
    }
    let image = format!("naver/{}/images/{}", f.bundle_dir, f.bundle_image);
    cases.push(file_case(
        &image,
        Harm::Other,
        &f.other_asset,
        |_| "bundle_invalid",
    ));
    for h in [Harm::Delete, Harm::Rename] {
        let mut c = file_case(
            &format!("naver/{}", f.bundle_dir),
            h,
            "",
            |_| "bundle_invalid",
        );
        c.names = Some(bundle_file.clone());
        cases.push(c);
    }
    for h in [Harm::Cut, Harm::Empty, Harm::Delete] {
        cases.push(file_case("naver/bundle.json", h, "", |_| "bundle_invalid"));
    }
    let mut whole = file_case("naver", Harm::Delete, "", |_| "bundle_invalid");
    whole.names = Some("naver/bundle.json".into());
    cases.push(whole);
    let raw_file = format!("raw/{POST}.html");
    let mut emptied = file_case("archive.db", Harm::Empty, "", |_| "entry_unrecorded");
    emptied.names = Some(raw_file.clone());
    cases.push(emptied);
    cases.push(sql_case(
        &format!("DELETE FROM entries WHERE id = {POST}"),
        "entry_unrecorded",
        Some(&raw_file),
        &raw_file,
    ));
    cases.push(sql_case(
        &format!("DELETE FROM assets WHERE file = '{}'", f.asset),
        "asset_not_downloaded",
        None,
        &f.asset,
    ));
    cases.push(sql_case(
        &format!("DELETE FROM comments WHERE file = '{}'", f.comments),
        "comments_missing",
        None,
        &f.comments,
    ));
    cases.push(sql_case(
        &format!("UPDATE entries SET page_sha256 = NULL, state = 'pending' WHERE id = {POST}"),
        "never_fetched",
        None,
        &raw_file,
    ));
    cases
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn apply(archive: &Path, case: &Case) {
    if let Some(sql) = &case.sql {
        let conn = rusqlite::Connection::open(archive.join("archive.db")).unwrap();
        assert_eq!(conn.execute(sql, []).unwrap(), 1, "{sql} changed one row");
        return;
    }
    let file = archive.join(case.file.as_ref().unwrap());
    match case.harm {
        Some(h) => harm(
            &file,
            h,
            case.other.as_ref().map(|o| archive.join(o)).as_deref(),
        ),
        None => {
            // Post POST's row replaced by post OTHER's.
            let text = std::fs::read_to_string(&file).unwrap();
            let row = |id: u64| format!("{{\"id\":{id},");
            let other = text.lines().find(|l| l.starts_with(&row(OTHER))).unwrap();
            let swapped: String = text
                .lines()
                .map(|l| if l.starts_with(&row(POST)) { other } else { l })
                .map(|l| format!("{l}\n"))
                .collect();
            assert_ne!(swapped, text);
            std::fs::write(&file, swapped).unwrap();
        }
    }
}

fn verify_json(archive: &Path) -> (i32, serde_json::Value) {
    let out = bin()
        .arg("verify")
        .arg(archive)
        .arg("--json")
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify --json printed no report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, json)
}

/// The commands verify suggests, run against the test server: the blog address it knows is the
/// canonical one, which is not this server, so the crawl is pointed at the server.
fn repair(server: &ReplayServer, archive: &Path, commands: &[serde_json::Value]) -> Vec<String> {
    let mut failures = Vec::new();
    for c in commands {
        let c = c.as_str().unwrap();
        let words: Vec<&str> = c.split_whitespace().collect();
        let status = match words.get(1).copied() {
            Some("crawl") => {
                let mut cmd = crawl_command(server, archive);
                cmd.args(words.iter().skip(5));
                cmd.status().unwrap()
            }
            Some("extract" | "bundle") => {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("tistory-migrate"))
                    .args(&words[1..])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
                    .unwrap()
            }
            _ => panic!("an unexpected repair command: {c}"),
        };
        if !status.success() {
            failures.push(format!("`{c}` exited {status}"));
        }
    }
    failures
}

/// Modification times of the assets: the ones not damaged must not be downloaded again. (Saved
/// pages may be fetched again by a repair crawl, e.g. the page of a post whose signed image URL
/// answered 404, to sign it anew; they must come out byte for byte the same, which the snapshot
/// comparison checks.)
fn mtimes(archive: &Path) -> BTreeMap<String, SystemTime> {
    ["assets"]
        .iter()
        .flat_map(|d| walkdir::WalkDir::new(archive.join(d)))
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(archive).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

/// Runs one case; returns what went wrong, in words (empty when the case passes).
fn run_case(
    server: &ReplayServer,
    (clean, clean_snapshot): (&Path, &Snapshot),
    work: &Path,
    case: &Case,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let archive = work.join(case.name.replace(['/', ' ', '\'', '=', '%'], "_"));
    copy_tree(clean, &archive);
    let before = mtimes(&archive);
    apply(&archive, case);
    let (code, report) = verify_json(&archive);
    if code != 4 || report["complete"] != serde_json::json!(false) {
        wrong.push(format!(
            "verify exited {code}, complete = {}",
            report["complete"]
        ));
    }
    let named = report["problems"].as_array().unwrap().iter().any(|p| {
        p["gap"] == serde_json::json!(true)
            && p["kind"] == case.kind
            && case.names.as_ref().is_none_or(|f| p["file"] == f.as_str())
    });
    if !named {
        wrong.push(format!(
            "no {} gap naming {:?}; gaps: {}",
            case.kind, case.names, report["problems"]
        ));
    }
    wrong.extend(repair(
        server,
        &archive,
        report["repair_commands"].as_array().unwrap(),
    ));
    if matches!(case.harm, Some(Harm::Rename)) {
        // The user's renamed copy is theirs: no repair removes it (it is removed here; inside the
        // bundle folder verify rightly calls it a file the bundle does not list).
        let left = renamed(&archive.join(case.file.as_ref().unwrap()));
        if !left.exists() {
            wrong.push("the repair removed the user's renamed file".into());
        }
        let _ = std::fs::remove_file(&left).or_else(|_| std::fs::remove_dir_all(&left));
    }
    let (code, after) = verify_json(&archive);
    if code != 0 {
        wrong.push(format!(
            "after repair verify exited {code}: {}",
            after["problems"]
        ));
    }
    let (a, b) = (clean_snapshot, snapshot(&archive));
    if a.entries != b.entries {
        wrong.push(format!(
            "entries differ: {:?} vs {:?}",
            a.entries, b.entries
        ));
    }
    if a.assets != b.assets {
        wrong.push("asset rows differ".into());
    }
    let differ: Vec<&String> = a
        .files
        .keys()
        .chain(b.files.keys())
        .filter(|k| !k.ends_with("bundle.json") && a.files.get(*k) != b.files.get(*k))
        .collect();
    if !differ.is_empty() {
        wrong.push(format!("files differ from the clean archive: {differ:?}"));
    }
    let may = case.touches.as_deref();
    let now = mtimes(&archive);
    let touched: Vec<&String> = now
        .iter()
        .filter(|(k, _)| may.is_none_or(|m| !k.starts_with(m)))
        .filter(|(k, t)| before.get(*k).is_some_and(|b| b != *t))
        .map(|(k, _)| k)
        .collect();
    // An emptied database knows no file: the crawl that rebuilds it fetches everything again.
    if !touched.is_empty() && case.file.as_deref() != Some("archive.db") {
        wrong.push(format!("the repair rewrote sound files: {touched:?}"));
    }
    wrong
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_every_damage_to_an_archive_is_named_and_repaired() {
    let tmp = tempfile::tempdir().unwrap();
    let server = serve_sample(Faults::none()).await;
    let clean = tmp.path().join("clean");
    assert!(crawl_command(&server, &clean).status().unwrap().success());
    bin().arg("bundle").arg(&clean).assert().success();
    let (code, report) = verify_json(&clean);
    assert_eq!(code, 0, "the clean archive verifies: {report:#}");
    let facts = facts(&clean);
    let all = cases(&facts);
    assert!(all.len() > 40, "{}", all.len());
    let work = tmp.path().join("cases");
    // What every repaired archive is compared with, taken once.
    let clean_snapshot = snapshot(&clean);
    // Three cases at a time, each on its own copy of the archive.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    tokio::task::block_in_place(|| {
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    while let Some(case) =
                        all.get(next.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
                    {
                        let wrong = run_case(&server, (&clean, &clean_snapshot), &work, case);
                        let mut f = failures.lock().unwrap();
                        f.extend(wrong.into_iter().map(|w| format!("{}: {w}", case.name)));
                    }
                });
            }
        });
    });
    server.shutdown().await;
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
