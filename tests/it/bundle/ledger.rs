//! The ledger of published posts and the redirects made from it: Naver URLs checked before they
//! are recorded, conflicts refused with the ledger unchanged, and every old path of a post (numeric
//! and slug) redirected in every format.

use tistory_migrate::archive::db::{ArchiveDb, LedgerError};
use tistory_migrate::bundle::{NaverUrlError, parse_naver_url};

use super::sample_archive;
use crate::support::bin;

/// What the desk does with a pasted URL: parse it for the blog, then record it.
fn record(db: &mut ArchiveDb, post: u64, pasted: &str) -> Result<(), String> {
    let naver = parse_naver_url(pasted, Some("river_walker")).map_err(|e| e.to_string())?;
    db.record_published(post, &naver.url(), &naver.blog_id, &naver.log_no)
        .map_err(|e| e.to_string())
}

#[test]
fn bad_urls_and_conflicts_leave_the_ledger_unchanged() {
    let (_tmp, archive) = sample_archive();
    let mut db = ArchiveDb::open(&archive.join("archive.db")).unwrap();
    record(
        &mut db,
        1,
        "https://blog.naver.com/river_walker/223000000001",
    )
    .unwrap();
    // The same post in another URL form is the same record: no error, no second row.
    record(
        &mut db,
        1,
        "https://m.blog.naver.com/PostView.naver?blogId=river_walker&logNo=223000000001",
    )
    .unwrap();
    let before = db.ledger().unwrap();
    assert_eq!(before.len(), 1);

    let other_blog = record(
        &mut db,
        2,
        "https://blog.naver.com/someone_else/223000000002",
    )
    .unwrap_err();
    assert!(
        other_blog.contains("\"someone_else\", not of \"river_walker\""),
        "{other_blog}"
    );
    let malformed = record(
        &mut db,
        2,
        "https://blog.naver.com/river_walker/22300000000x",
    )
    .unwrap_err();
    assert!(malformed.contains("not a number"), "{malformed}");
    let not_naver = record(&mut db, 2, "https://hangang-notes.tistory.com/2").unwrap_err();
    assert!(not_naver.contains("is not Naver Blog"), "{not_naver}");
    assert_eq!(
        parse_naver_url("https://blog.naver.com/river_walker", Some("river_walker")),
        Err(NaverUrlError::NotAPost)
    );

    let twice = record(
        &mut db,
        2,
        "https://blog.naver.com/river_walker/223000000001",
    )
    .unwrap_err();
    assert!(twice.contains("already recorded for post 1"), "{twice}");
    let e = db
        .record_published(
            1,
            "https://blog.naver.com/river_walker/223000000009",
            "river_walker",
            "223000000009",
        )
        .unwrap_err();
    assert!(
        matches!(e, LedgerError::PostAlreadyRecorded { post_id: 1, .. }),
        "{e}"
    );
    assert_eq!(
        db.ledger().unwrap(),
        before,
        "every refusal left the ledger as it was"
    );
}

#[test]
fn redirects_cover_numeric_and_slug_addresses() {
    let (_tmp, archive) = sample_archive();
    let empty = bin()
        .arg("redirects")
        .arg(&archive)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        String::from_utf8(empty)
            .unwrap()
            .contains("no published post yet")
    );

    let mut db = ArchiveDb::open(&archive.join("archive.db")).unwrap();
    record(
        &mut db,
        4,
        "https://blog.naver.com/river_walker/223000000004",
    )
    .unwrap();
    record(
        &mut db,
        10,
        "https://blog.naver.com/river_walker/223000000010",
    )
    .unwrap();
    drop(db);
    let stdout = bin()
        .arg("redirects")
        .arg(&archive)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(stdout).unwrap();
    assert!(
        stdout.contains("2 published posts, 6 old paths"),
        "{stdout}"
    );
    let dir = archive.join("redirects");
    let csv = std::fs::read_to_string(dir.join("redirects.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "old_path,old_url,naver_url,key,title");
    assert_eq!(
        lines[1],
        "/4,https://hangang-notes.tistory.com/4,https://blog.naver.com/river_walker/223000000004,tistory:hangang-notes:4,새벽 일곱 시의 여의나루"
    );
    assert!(csv.contains("/m/4,"), "{csv}");
    assert!(csv.contains("/entry/봄-벚꽃-산책,https://hangang-notes.tistory.com/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85,https://blog.naver.com/river_walker/223000000010"), "{csv}");
    assert!(csv.contains("/m/entry/봄-벚꽃-산책,"), "{csv}");
    assert_eq!(lines.len(), 7, "a header and 2 + 4 paths");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("redirects.json")).unwrap())
            .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 6);
    let map = std::fs::read_to_string(dir.join("nginx-redirects.map")).unwrap();
    assert!(map.contains("map $uri $naver_redirect {"), "{map}");
    assert!(
        map.contains("    \"/10\" \"https://blog.naver.com/river_walker/223000000010\";"),
        "{map}"
    );
    assert!(
        map.contains(
            "    \"/entry/봄-벚꽃-산책\" \"https://blog.naver.com/river_walker/223000000010\";"
        ),
        "{map}"
    );
    let netlify = std::fs::read_to_string(dir.join("_redirects")).unwrap();
    assert!(netlify.contains("/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85  https://blog.naver.com/river_walker/223000000010  301"), "{netlify}");
    for stub in [
        "4/index.html",
        "m/4/index.html",
        "10/index.html",
        "entry/봄-벚꽃-산책/index.html",
        "m/entry/봄-벚꽃-산책/index.html",
    ] {
        let page = std::fs::read_to_string(dir.join("html").join(stub))
            .unwrap_or_else(|e| panic!("{stub}: {e}"));
        assert!(page.contains("http-equiv=\"refresh\""), "{stub}");
    }
    let page = std::fs::read_to_string(dir.join("html/10/index.html")).unwrap();
    assert!(
        page.contains("url=https://blog.naver.com/river_walker/223000000010\""),
        "{page}"
    );
    assert!(page.contains("봄 벚꽃 산책"), "{page}");
}

#[cfg(unix)]
#[test]
fn issue_10_redirects_refuse_output_folders_that_lead_outside() {
    use predicates::prelude::PredicateBooleanExt as _;
    let (_tmp, archive) = sample_archive();
    let mut db = ArchiveDb::open(&archive.join("archive.db")).unwrap();
    record(
        &mut db,
        10,
        "https://blog.naver.com/river_walker/223000000010",
    )
    .unwrap();
    drop(db);
    let outside = tempfile::tempdir().unwrap();
    let nothing_written = |what: &str| {
        assert_eq!(
            std::fs::read_dir(outside.path()).unwrap().count(),
            0,
            "{what}: a file was written outside the archive"
        );
    };
    // A linked `redirects/` (the default output folder).
    let linked = archive.join("redirects");
    std::os::unix::fs::symlink(outside.path(), &linked).unwrap();
    bin()
        .arg("redirects")
        .arg(&archive)
        .assert()
        .failure()
        .stderr(
            predicates::str::contains("redirects").and(predicates::str::contains("leads outside")),
        );
    nothing_written("linked redirects/");
    std::fs::remove_file(&linked).unwrap();

    // A real `redirects/` whose page folder for one old path is a link: refused before any file.
    std::fs::create_dir_all(linked.join("html/entry")).unwrap();
    std::os::unix::fs::symlink(outside.path(), linked.join("html/entry/봄-벚꽃-산책")).unwrap();
    bin()
        .arg("redirects")
        .arg(&archive)
        .assert()
        .failure()
        .stderr(
            predicates::str::contains("봄-벚꽃-산책")
                .and(predicates::str::contains("leads outside")),
        );
    nothing_written("linked html/entry/<slug>/");
    assert!(
        !linked.join("redirects.csv").exists(),
        "nothing is written before the check"
    );

    // The same through --out.
    let out = outside.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), out.join("html")).unwrap();
    bin()
        .arg("redirects")
        .arg(&archive)
        .arg("--out")
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicates::str::contains("leads outside"));
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}
