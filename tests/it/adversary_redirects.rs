//! Issue 10, round 4: redirects, judged by what was served at their end and not by their status
//! code. A redirect loop and a chain longer than the fetcher follows are failed fetches; a short
//! chain ends at the post, archived. A post page redirected to another host is archived only when
//! the page there is the post asked for and says it is this blog's (a custom domain the crawl did
//! not know); another blog's post of the same id, or a page of an unrelated site, is a failed
//! fetch, never archived. A post redirected to the blog's home page is unknown (nothing shows
//! how Tistory answers a missing post): a failed fetch, never archived and never "not a post". A
//! post redirected to the blog's own not-found page is deleted, as that page says. An image
//! redirected to another host (a CDN) is saved; an image or an attachment redirected to an HTML
//! page is a failed asset. Through the plain fetcher and the recording one; each run ends (the
//! crawl returns) and verify names exactly what is missing.
//!
//! Ground truth: fixtures/hangang-notes/README.md (4, 5, 7 are skin-B posts; 11, 13, 14, 16, 17,
//! 20, 22 skin-A posts, whose pages name the blog `hangang-notes` in `window.T.config`; post 16
//! has the images below, post 17 the PDF attachment; every one of these ids is on a listing page).

use std::path::Path;

use tistory_migrate::archive::db::{ArchiveDb, EntryState};
use tistory_migrate::model::AssetState;
use tistory_migrate::serve::{FaultKind, FaultRule, Faults, ReplayServer, Site, start};

use crate::adversary_gzip::{IMAGE_16, asset_request, gap_ids, verify_json};
use crate::crawl::{crawl_into, serve_sample, test_settings};
use crate::crawl_hostile::sample_copy;

/// Post 16's second saved image.
const IMAGE_16_B: &str = "https://blog.kakaocdn.net/dna/cW9hLm/btrB8dKq4Zs/AAAAAAAAAAAAAAAAAAAAAN7vATY2bL2X7t8FiBk10EQBD6bD-Ks5A0-RFoVEoDdQ/img.jpg?credential=Hq3Lw0yTzB8sKx5NfJ2mVdR7aPc9UeGo&expires=1767193199&allow_ip=&allow_referer=&signature=ar02uCdfb3tnWFJzPQv%2BqDsyDA5%3D";
/// Post 17's PDF attachment.
const PDF_17: &str = "https://blog.kakaocdn.net/dna/b7GfTz/btrHq5LmR2w/AAAAAAAAAAAAAAAAAAAAApnwe6YuFmSzQAAC8HAUYG9ChMYwR8J1Uuhu0b54Rajc/%EC%9E%A5%EB%A7%88%EC%B2%A0_%EB%B0%91%EB%B0%98%EC%B0%AC_%EB%A0%88%EC%8B%9C%ED%94%BC.pdf?credential=Hq3Lw0yTzB8sKx5NfJ2mVdR7aPc9UeGo&expires=1767193199&allow_ip=&allow_referer=&signature=9CXOMvSBRF3qBMCz1kMKpsPpkKr%3D&attach=1&knm=tfile.pdf";

/// The page an unrelated site answers with.
const UNRELATED: &[u8] =
    b"<!doctype html><html><head><title>Welcome</title></head><body><p>A shop.</p></body></html>";

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The sample blog under another name (another blog: `other-notes`, blog id 7310002).
fn other_blog(dir: &Path) -> Site {
    let site = sample_copy(dir);
    for f in std::fs::read_dir(&site).unwrap() {
        let path = f.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text
                .replace("hangang-notes", "other-notes")
                .replace("7310001", "7310002");
            std::fs::write(&path, text).unwrap();
        }
    }
    Site::load(&site).unwrap()
}

fn rules(server: &ReplayServer, same_blog: &str, other: &str) -> Vec<FaultRule> {
    let every = usize::MAX;
    let mut rules = vec![
        // 4 → 4?a → 4 → …: a loop.
        FaultRule::new("/4?a", FaultKind::RedirectTo("/4"), every),
        FaultRule::new("/4", FaultKind::RedirectTo("/4?a"), every),
        // 7 → 7x1 → 7x2 → m/7, the post (its mobile address): a short chain. (A prefix matches
        // at a boundary: `/7` is not a prefix of `/7x1`.)
        FaultRule::new("/7", FaultKind::RedirectTo("/7x1"), every),
        FaultRule::new("/7x1", FaultKind::RedirectTo("/7x2"), every),
        FaultRule::new("/7x2", FaultKind::RedirectTo("/m/7"), every),
        // 11: the same blog on another host; 13: another blog's post 13; 14: an unrelated site.
        FaultRule::new(
            "/11",
            FaultKind::RedirectTo(leak(format!("{same_blog}/11"))),
            every,
        ),
        FaultRule::new(
            "/13",
            FaultKind::RedirectTo(leak(format!("{other}/13"))),
            every,
        ),
        FaultRule::new(
            "/14",
            FaultKind::RedirectTo(leak(format!("{other}/unrelated"))),
            every,
        ),
        // 22: the blog's home page; 20: the blog's not-found page.
        FaultRule::new("/22", FaultKind::RedirectTo("/"), every),
        FaultRule::new("/20", FaultKind::RedirectTo("/no-such-page"), every),
        // Images of 16: one to a CDN that has it, one to an HTML page; 17's PDF to an HTML page.
        FaultRule::new(
            asset_request(server, IMAGE_16),
            FaultKind::RedirectTo(leak(format!(
                "{same_blog}{}",
                asset_request(server, IMAGE_16)
            ))),
            every,
        ),
        FaultRule::new(
            asset_request(server, IMAGE_16_B),
            FaultKind::RedirectTo(leak(format!("{other}/unrelated"))),
            every,
        ),
        FaultRule::new(
            asset_request(server, PDF_17),
            FaultKind::RedirectTo(leak(format!("{other}/unrelated"))),
            every,
        ),
    ];
    // 5 → 5x1 → … → 5x11: eleven redirects, one more than the fetcher follows.
    for hop in 0..11 {
        let from = if hop == 0 {
            "/5".to_string()
        } else {
            format!("/5x{hop}")
        };
        rules.push(FaultRule::new(
            from,
            FaultKind::RedirectTo(leak(format!("/5x{}", hop + 1))),
            every,
        ));
    }
    rules
}

async fn redirect_run(record: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let server = serve_sample(Faults::none()).await;
    let same_blog = serve_sample(Faults::none()).await;
    let other = start(
        other_blog(tmp.path()),
        Faults::none().rule("/unrelated", FaultKind::Body(UNRELATED), usize::MAX),
        0,
    )
    .await
    .unwrap();
    let trim = |s: &ReplayServer| s.base_url().trim_end_matches('/').to_string();
    for rule in rules(&server, &trim(&same_blog), &trim(&other)) {
        server.push_fault(rule);
    }
    let out = tmp.path().join("archive");
    let mut settings = test_settings();
    settings.policy.retry_passes = 1;
    if record {
        settings.warc_max_bytes = Some(1 << 30);
    }
    crawl_into(&server, &out, settings).await;

    let db = ArchiveDb::open(&out.join("archive.db")).unwrap();
    let entry = |id: u64| crate::support::entry(&db, id);
    for id in [7, 11] {
        assert_eq!(
            entry(id).state,
            EntryState::Ok,
            "post {id}: {:?}",
            entry(id)
        );
    }
    assert_eq!(entry(20).state, EntryState::Deleted, "{:?}", entry(20));
    for (id, says) in [
        (4, "more than 10 redirects"),
        (5, "more than 10 redirects"),
        (13, "another blog (other-notes)"),
        (14, "redirected off the blog"),
        (22, "the blog's home page"),
    ] {
        let e = entry(id);
        assert_eq!(e.state, EntryState::Failed, "post {id}: {e:?}");
        let why = e.last_error.clone().unwrap_or_default();
        assert!(why.contains(says), "post {id}: {why}");
        assert!(!out.join(format!("raw/{id}.html")).exists(), "post {id}");
    }
    let asset = |url: &str| db.asset(url).unwrap().unwrap();
    assert_eq!(asset(IMAGE_16).state, AssetState::Ok, "a CDN's redirect");
    for (url, says) in [
        (IMAGE_16_B, "an HTML page"),
        (PDF_17, "not the attached file"),
    ] {
        let a = asset(url);
        assert_eq!(a.state, AssetState::Missing, "{a:?}");
        let why = a.last_error.unwrap_or_default();
        assert!(why.contains(says), "{why}");
    }
    let (code, report) = verify_json(&out);
    assert_eq!(code, 4, "{report:#}");
    assert_eq!(
        gap_ids(&report),
        [4, 5, 13, 14, 16, 17, 22],
        "{:#}",
        report["problems"]
    );
    let deleted: Vec<u64> = report["deleted_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert!(deleted.contains(&20), "{deleted:?}");
    for s in [server, same_blog, other] {
        s.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_redirects_end_as_what_the_page_at_their_end_shows() {
    redirect_run(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_redirects_end_as_what_the_page_at_their_end_shows_when_recording() {
    redirect_run(true).await;
}
