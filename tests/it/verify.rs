//! `verify` against archives of the sample blog made through the replay server: a clean archive
//! is complete; an archive damaged on purpose (a page file deleted, an image truncated, a
//! `posts.jsonl` row removed, a fetch that failed) is caught problem by problem, with exit 4, by
//! the library and by the binary; `crawl --retry-failed` against a healthy server fetches exactly
//! the damaged things again, and verify then exits 0. The HTML report in a browser: `verify_html`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use tistory_migrate::archive::db::ArchiveDb;
use tistory_migrate::commands::migrate::verify_after_migrate;
use tistory_migrate::commands::verify::{VerifyFormat, VerifyOptions, run_verify};
use tistory_migrate::report::Exit;
use tistory_migrate::serve::{ASSET_PROXY_PATH, FaultKind, Faults};
use tistory_migrate::verify::{ProblemKind, VerifyReport};

use crate::crawl::{crawl_into, serve_sample, test_settings};
use crate::support::{bin, sample_blog};

/// Post 8's first image (see its snapshot): truncated on disk by the tests.
/// Post 2's image: damaged by the repair test with other bytes of the same size (only its sha256
/// tells), so a re-download must not trust a same-size file.
const SAME_SIZE_IMAGE: &str = "https://t1.daumcdn.net/cfile/tistory/25714B3C5507C1D92F?original";
pub const DAMAGED_IMAGE: &str =
    "https://t1.daumcdn.net/cfile/tistory/2A4B7E3F5C281D0B1E9A42?original";

fn verify_lib(out: &Path) -> VerifyReport {
    run_verify(&VerifyOptions {
        archive: out.to_path_buf(),
        html: None,
        threshold: 0.99,
        format: VerifyFormat::Text,
        deep: false,
        naver: None,
    })
    .unwrap()
}

pub fn verify_json(out: &Path, code: i32, extra: &[&str]) -> serde_json::Value {
    let output = bin()
        .arg("verify")
        .arg(out)
        .arg("--json")
        .args(extra)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).unwrap()
}

pub fn asset_file(out: &Path, url: &str) -> PathBuf {
    let db = ArchiveDb::open(&out.join("archive.db")).unwrap();
    out.join(db.asset(url).unwrap().unwrap().file.unwrap())
}

/// The image the sample blog lacks on purpose (the replay answers 404 for it): gone, not a gap.
fn gone_image(out: &Path) -> String {
    let db = ArchiveDb::open(&out.join("archive.db")).unwrap();
    let gone: Vec<String> = db
        .assets()
        .unwrap()
        .into_iter()
        .filter(|a| a.state == tistory_migrate::model::AssetState::Gone)
        .map(|a| a.url)
        .collect();
    assert_eq!(gone.len(), 1, "{gone:?}");
    gone[0].clone()
}

/// An archive of the sample blog where /11 answered 503 every time.
pub async fn archive_with_a_failed_fetch(out: &Path) {
    let server = serve_sample(Faults::none().rule("/11", FaultKind::Status(503), usize::MAX)).await;
    crawl_into(&server, out, test_settings()).await;
    server.shutdown().await;
}

/// Deletes page 5, truncates post 8's first image, removes post 7's `posts.jsonl` row.
pub fn damage(out: &Path) {
    std::fs::remove_file(out.join("raw/5.html")).unwrap();
    let image = asset_file(out, DAMAGED_IMAGE);
    let bytes = std::fs::read(&image).unwrap();
    std::fs::write(&image, &bytes[..bytes.len() / 2]).unwrap();
    let jsonl = std::fs::read_to_string(out.join("posts.jsonl")).unwrap();
    let kept: String = jsonl
        .lines()
        .filter(|l| !l.starts_with(r#"{"id":7,"#))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(kept.lines().count() + 1, jsonl.lines().count());
    std::fs::write(out.join("posts.jsonl"), kept).unwrap();
}

fn assert_not_gaps_but_listed(r: &VerifyReport) {
    assert_eq!(r.protected_ids, [15]);
    assert_eq!(r.deleted_ids, [3, 6, 12, 18]);
    for id in [15, 3, 6, 12, 18] {
        assert!(
            !r.problems.iter().any(|p| p.gap && p.id == Some(id)),
            "{id} is not a gap"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_archive_is_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let server = serve_sample(Faults::none()).await;
    crawl_into(&server, &out, test_settings()).await;
    server.shutdown().await;

    let r = verify_lib(&out);
    assert!(r.complete, "{:#?}", r.problems);
    assert_eq!(r.exit(), Exit::Ok);
    assert_eq!((r.posts_expected, r.posts_archived, r.notices), (22, 17, 1));
    assert_not_gaps_but_listed(&r);
    assert_eq!(r.blog_total.verdict, "match");
    assert_eq!((r.images_total, r.images_ok), (14, 13));
    assert_eq!((r.attachments_total, r.attachments_ok), (2, 2));
    assert_eq!(r.images_missing.len(), 1);
    assert_eq!(
        (r.images_missing[0].post_id, r.images_missing[0].reason),
        (16, "gone")
    );
    assert_eq!(r.images_missing[0].url, gone_image(&out));
    assert_eq!(r.fidelity_checked, 17);
    assert!(r.fidelity_below_threshold.is_empty());
    assert_eq!((r.raw_pages.ok, r.markdown.ok), (18, 17));
    let json = verify_json(&out, 0, &[]);
    assert_eq!(json["complete"], true);
    assert_eq!(json["posts_archived"], 17);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_archive_is_caught_and_repaired() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    archive_with_a_failed_fetch(&out).await;
    damage(&out);
    let same_size = asset_file(&out, SAME_SIZE_IMAGE);
    let mut bytes = std::fs::read(&same_size).unwrap();
    for b in bytes.iter_mut().take(16) {
        *b ^= 0xff;
    }
    std::fs::write(&same_size, bytes).unwrap();
    let gone = gone_image(&out);

    // The library names each problem: kind, id, file, URL.
    let r = verify_lib(&out);
    assert!(!r.complete);
    assert_eq!(r.exit(), Exit::Gaps);
    let gaps: Vec<(ProblemKind, Option<u64>)> = r
        .problems
        .iter()
        .filter(|p| p.gap)
        .map(|p| (p.kind, p.id))
        .collect();
    assert_eq!(
        gaps,
        [
            (ProblemKind::AssetDamaged, Some(2)),
            (ProblemKind::RawPageMissing, Some(5)),
            (ProblemKind::RowMissing, Some(7)),
            (ProblemKind::AssetDamaged, Some(8)),
            (ProblemKind::FetchFailed, Some(11)),
        ],
        "{:#?}",
        r.problems
    );
    let find = |kind| r.problems.iter().find(|p| p.kind == kind).unwrap();
    let raw = find(ProblemKind::RawPageMissing);
    assert_eq!(raw.file.as_deref(), Some("raw/5.html"));
    assert_eq!(
        raw.url.as_deref(),
        Some("http://hangang-notes.tistory.com/5")
    );
    let image = r
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::AssetDamaged && p.id == Some(8))
        .unwrap();
    assert_eq!(image.url.as_deref(), Some(DAMAGED_IMAGE));
    let image_file = asset_file(&out, DAMAGED_IMAGE);
    assert!(image_file.ends_with(image.file.as_deref().unwrap()));
    let failed = find(ProblemKind::FetchFailed);
    assert!(failed.message.contains("503"), "{}", failed.message);
    assert_eq!(
        failed.url.as_deref(),
        Some("https://hangang-notes.tistory.com/11")
    );
    assert_eq!(r.failed_ids, [11]);
    assert_eq!(r.rows.missing, [7]);
    assert_eq!(r.raw_pages.missing, [5]);
    assert!(r.missing_ids.is_empty());
    assert_eq!(
        r.blog_total.verdict, "explained",
        "the failed post is the one missing"
    );
    assert_not_gaps_but_listed(&r);
    let crawl_cmd = format!(
        "tistory-migrate crawl https://hangang-notes.tistory.com/ --out {} --retry-failed",
        out.display()
    );
    assert_eq!(raw.repair.as_deref(), Some(crawl_cmd.as_str()));
    assert_eq!(r.repair_commands[0], crawl_cmd);

    // The binary: --json with the documented fields, exit 4; the text summary; --repair.
    let json = verify_json(&out, 4, &[]);
    assert_eq!(json["complete"], false);
    assert_eq!(json["posts_expected"], 22);
    assert_eq!(json["posts_archived"], 16);
    assert_eq!(json["failed_ids"], serde_json::json!([11]));
    assert_eq!(json["protected_ids"], serde_json::json!([15]));
    assert_eq!(json["deleted_ids"], serde_json::json!([3, 6, 12, 18]));
    assert_eq!(json["missing_ids"], serde_json::json!([]));
    assert_eq!(json["images_total"], 14, "post 11 (failed) has no images");
    assert_eq!(
        json["attachments_total"], 1,
        "post 11's attachment is not known yet"
    );
    let missing: BTreeSet<(u64, String)> = json["images_missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["post_id"].as_u64().unwrap(),
                m["url"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        missing,
        BTreeSet::from([
            (2, SAME_SIZE_IMAGE.to_string()),
            (8, DAMAGED_IMAGE.to_string()),
            (16, gone.clone())
        ])
    );
    assert_eq!(json["fidelity_below_threshold"], serde_json::json!([]));
    let text = bin().arg("verify").arg(&out).assert().code(4);
    let text = String::from_utf8(text.get_output().stdout.clone()).unwrap();
    for needle in [
        "GAPS FOUND: 5 problems",
        "raw/5.html",
        "#7 ",
        DAMAGED_IMAGE,
        "answered 503",
        &format!("repair: {crawl_cmd}"),
    ] {
        assert!(text.contains(needle), "{needle:?} in\n{text}");
    }
    let repair = bin()
        .arg("verify")
        .arg(&out)
        .arg("--repair")
        .assert()
        .code(4);
    let repair = String::from_utf8(repair.get_output().stdout.clone()).unwrap();
    assert_eq!(repair.lines().collect::<Vec<_>>(), r.repair_commands);

    // migrate's last stage: gaps turn an ok run into 4; an earlier failure (2) stays.
    assert_eq!(verify_after_migrate(&out, Exit::Ok).1, Exit::Gaps);
    assert_eq!(
        verify_after_migrate(&out, Exit::ItemsFailed).1,
        Exit::ItemsFailed
    );

    // Repair against a healthy server: exactly the damaged things are fetched again.
    let server = serve_sample(Faults::none()).await;
    let mut settings = test_settings();
    settings.retry_failed = true;
    let outcome = crawl_into(&server, &out, settings).await;
    assert_eq!(outcome.exit(), Exit::Ok, "{}", outcome.crawl.render());
    let log = server.log.all();
    let pages: BTreeMap<u64, usize> = log
        .iter()
        .filter_map(|r| r.path_and_query.strip_prefix('/')?.parse::<u64>().ok())
        .fold(BTreeMap::new(), |mut m, id| {
            *m.entry(id).or_default() += 1;
            m
        });
    assert_eq!(
        pages,
        BTreeMap::from([(2, 1), (5, 1), (8, 1), (11, 1)]),
        "the deleted page, the posts of the damaged images and the failed post; not post 16 (its \
         image answered 404 with a fresh URL: gone at the source, no renewal is worth its page)"
    );
    let assets: BTreeSet<String> = log
        .iter()
        .filter(|r| r.path_and_query.starts_with(ASSET_PROXY_PATH))
        .map(|r| {
            let u = url::Url::parse(&format!("http://x{}", r.path_and_query)).unwrap();
            u.query_pairs()
                .find(|(k, _)| k == "url")
                .unwrap()
                .1
                .into_owned()
        })
        .collect();
    assert_eq!(assets.len(), 3, "{assets:?}");
    assert!(assets.contains(DAMAGED_IMAGE) && assets.contains(SAME_SIZE_IMAGE));
    assert!(
        !assets.contains(&gone),
        "gone at the source: not asked again"
    );
    assert!(
        assets.iter().any(|a| a.contains("knm=tfile.hwp")),
        "post 11's attachment"
    );
    for discovery in [
        "/sitemap.xml",
        "/rss",
        "/m/api/entry/",
        "/?page=2",
        "/category",
    ] {
        assert_eq!(server.log.count(discovery), 0, "no discovery: {discovery}");
    }
    server.shutdown().await;

    let r = verify_lib(&out);
    assert!(r.complete, "{:#?}", r.problems);
    assert_eq!(r.posts_archived, 17);
    let json = verify_json(&out, 0, &[]);
    assert_eq!(json["complete"], true);
    assert_eq!(json["failed_ids"], serde_json::json!([]));
}

#[test]
fn verify_refuses_what_is_not_an_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bin().arg("verify").arg(tmp.path()).assert().code(3);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("not an archive"), "{stderr}");
    bin()
        .arg("verify")
        .arg(tmp.path())
        .args(["--threshold", "1.5"])
        .assert()
        .code(3);
}

#[test]
fn migrate_ends_with_a_verify_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let run = bin()
        .arg("migrate")
        .arg(sample_blog())
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    let text = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    let (crawl, extract, verify) = (
        text.find("crawl:").unwrap(),
        text.find("extract:").unwrap(),
        text.find("verify:").unwrap(),
    );
    assert!(crawl < extract && extract < verify, "{text}");
    assert!(text.contains("COMPLETE"), "{text}");
}

/// The Naver bundle is part of the proof: a hand-edited bundle file is a gap, `bundle` again repairs it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_checks_the_naver_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let server = crate::crawl::serve_sample(tistory_migrate::serve::Faults::none()).await;
    crate::crawl::crawl_into(&server, &out, crate::crawl::test_settings()).await;
    server.shutdown().await;
    let out2 = out.clone();
    tokio::task::spawn_blocking(move || {
        crate::support::bin()
            .arg("bundle")
            .arg(&out2)
            .assert()
            .success();
        let ok = crate::support::bin()
            .arg("verify")
            .arg(&out2)
            .assert()
            .code(0);
        let text = String::from_utf8(ok.get_output().stdout.clone()).unwrap();
        assert!(text.contains("checksums and order valid"), "{text}");
        let post_dir = std::fs::read_dir(out2.join("naver"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.is_dir())
            .unwrap();
        let body = post_dir.join("body.html");
        let mut html = std::fs::read_to_string(&body).unwrap();
        html.push_str("<p>edited by hand</p>");
        std::fs::write(&body, html).unwrap();
        let gap = crate::support::bin()
            .arg("verify")
            .arg(&out2)
            .assert()
            .code(4);
        let text = String::from_utf8(gap.get_output().stdout.clone()).unwrap();
        assert!(
            text.contains("Naver bundle")
                && text.contains("body.html")
                && text.contains("tistory-migrate bundle"),
            "{text}"
        );
        crate::support::bin()
            .arg("bundle")
            .arg(&out2)
            .assert()
            .success();
        crate::support::bin()
            .arg("verify")
            .arg(&out2)
            .assert()
            .code(0);
    })
    .await
    .unwrap();
}
