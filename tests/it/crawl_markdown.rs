//! Issue 8 (speed): the crawl makes each post's Markdown as its page and files land, and the
//! extract stage at the end of the run reuses a post only while the post and what it reads from
//! the archive are unchanged. Each archive is checked against `extract` run again over it alone
//! (which reuses nothing): same Markdown files, byte for byte, and the same `posts.jsonl`.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest as _, Sha256};
use tistory_migrate::commands::extract::{ExtractOptions, run_extract};
use tistory_migrate::crawl::assets::asset_fetch_url;
use tistory_migrate::extract::selectors::SelectorProfile;
use tistory_migrate::serve::{FaultKind, Faults};
use url::Url;

use crate::crawl::{crawl_into, serve_sample, test_settings};
use crate::support::sample_blog;

/// The body image of post 14 of the sample blog (its original URL, as the body names it).
const POST_14_IMAGE: &str =
    "https://blog.kakaocdn.net/dn/bAq9Vt/btqMx4Ls2Ky/pRv0k7WnQzT3sHcX1uYbLk/img.jpg";

/// Every file under `posts/` with its bytes, and `posts.jsonl`.
fn outputs(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(out.join("posts")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        files.insert(format!("posts/{name}"), std::fs::read(&path).unwrap());
    }
    files.insert(
        "posts.jsonl".to_string(),
        std::fs::read(out.join("posts.jsonl")).unwrap(),
    );
    files
}

/// Runs `extract` over the archive alone, as a later run would, and checks it changes nothing.
fn assert_extract_again_changes_nothing(out: &Path) {
    let before = outputs(out);
    let report = run_extract(&ExtractOptions {
        inputs: vec![out.to_path_buf()],
        out: Some(out.to_path_buf()),
        profile: SelectorProfile::default(),
        max_page_bytes: tistory_migrate::extract::decode::DEFAULT_MAX_PAGE_BYTES,
    })
    .unwrap();
    assert_eq!(
        report.markdown_reused, 0,
        "a run of its own has nothing to reuse"
    );
    let after = outputs(out);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        assert!(
            after[name] == *bytes,
            "{name} differs from what extract makes alone:\n--- crawl\n{}\n--- extract\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&after[name])
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_8_the_extract_stage_reuses_the_posts_the_crawl_made() {
    let server = serve_sample(Faults::none()).await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let mut settings = test_settings();
    // Without comments nothing a post reads changes after its page and files are in.
    settings.comments = false;
    let outcome = crawl_into(&server, &out, settings).await;
    // The sample blog's 16 public posts and its notice have a body (fixtures/hangang-notes/README.md).
    assert!(
        outcome.extract.markdown_written >= 16,
        "{}",
        outcome.extract.render()
    );
    assert_eq!(
        outcome.extract.markdown_reused, outcome.extract.markdown_written,
        "every post the crawl made is reused, none made twice"
    );
    assert_extract_again_changes_nothing(&out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_8_a_post_whose_comments_arrive_after_its_page_is_made_again() {
    let server = serve_sample(Faults::none()).await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let outcome = crawl_into(&server, &out, test_settings()).await;
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(out.join("posts.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The sample blog's posts with comments (its comments/ folder): their rows name the file,
    // which the comments pass saved after the post was made.
    let with_comments = rows.iter().filter(|r| !r["comments"].is_null()).count();
    let served = std::fs::read_dir(sample_blog().join("comments"))
        .unwrap()
        .count();
    assert!(
        with_comments > 0 && with_comments <= served,
        "{with_comments}"
    );
    assert_eq!(
        outcome.extract.markdown_reused + with_comments,
        outcome.extract.markdown_written,
        "exactly the posts whose comments came later are made again"
    );
    assert_extract_again_changes_nothing(&out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_8_an_image_saved_only_by_a_retry_pass_is_the_local_file_in_the_markdown() {
    let probe = serve_sample(Faults::none()).await;
    let base = Url::parse(&probe.base_url()).unwrap();
    probe.shutdown().await;
    let mut settings = test_settings();
    settings.comments = false;
    settings.policy.retry_passes = 1;
    // Every attempt of the first pass fails (retryably); the retry pass gets the image.
    let asset = asset_fetch_url(POST_14_IMAGE, Some(&base)).unwrap();
    let asset = format!("{}?{}", asset.path(), asset.query().unwrap());
    let faults = Faults::none().rule(
        asset,
        FaultKind::Status(503),
        settings.policy.max_attempts as usize,
    );
    let server = serve_sample(faults).await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let outcome = crawl_into(&server, &out, settings).await;
    assert!(!outcome.crawl.has_failures(), "{}", outcome.crawl.render());

    // The saved file is content-addressed: assets/<first two hex>/<sha256>.<ext>.
    let served = std::fs::read(
        sample_blog()
            .join("assets/blog.kakaocdn.net/dn/bAq9Vt/btqMx4Ls2Ky/pRv0k7WnQzT3sHcX1uYbLk/img.jpg"),
    )
    .unwrap();
    let sha = hex::encode(Sha256::digest(&served));
    let local = format!("](../assets/{}/{sha}.", &sha[..2]);
    let md = std::fs::read_to_string(out.join("posts/14.md")).unwrap();
    assert!(md.contains(&local), "the image is not local:\n{md}");
    assert!(
        !md.contains("](https://img1.daumcdn.net") && !md.contains("](https://blog.kakaocdn.net"),
        "the body still links the remote image:\n{md}"
    );
    assert_eq!(
        outcome.extract.markdown_reused + 1,
        outcome.extract.markdown_written,
        "post 14, made before its image was saved, is made again; the others are reused"
    );
    assert_extract_again_changes_nothing(&out);
}
