//! A state value in `archive.db` that this tool never writes (an entry state `done`, an asset state
//! `gone`, a negative id) is an error that names the table, the row and the value, in `verify`
//! (which must never call such an archive COMPLETE) and in `crawl` (which must not read it as
//! `pending` and fetch the entry again, nor as id 0).

use std::path::Path;

use tistory_migrate::commands::crawl::crawl_and_extract;
use tistory_migrate::progress::Progress;
use tistory_migrate::serve::Faults;
use url::Url;

use crate::crawl::{crawl_into, serve_sample, test_settings};
use crate::support::bin;

fn corrupt(out: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(out.join("archive.db")).unwrap();
    assert_eq!(conn.execute(sql, []).unwrap(), 1, "{sql} changed one row");
}

fn verify_fails_naming(out: &Path, needles: &[&str]) {
    let output = bin()
        .arg("verify")
        .arg(out)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stdout.contains("COMPLETE"), "{stdout}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_8_a_corrupted_state_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let server = serve_sample(Faults::none()).await;
    crawl_into(&server, &out, test_settings()).await;

    corrupt(&out, "UPDATE entries SET state = 'done' WHERE id = 3");
    verify_fails_naming(
        &out,
        &["archive.db", "entries row 3", "column state", "\"done\""],
    );

    // crawl reads the same state first: it stops with the same error instead of refetching.
    let base = Url::parse(&server.base_url()).unwrap();
    let err = crawl_and_extract(
        base.clone(),
        out.clone(),
        test_settings(),
        Some(base.clone()),
        &Progress::hidden(),
    )
    .await
    .err()
    .expect("a corrupted entry state stops the crawl");
    let message = format!("{err:#}");
    assert!(
        message.contains("entries row 3") && message.contains("\"done\""),
        "{message}"
    );

    corrupt(&out, "UPDATE entries SET state = 'ok' WHERE id = 3");
    // `gone` is a state since round 5 of issue 10; `lost` is none.
    let lost = "UPDATE assets SET state = 'lost' WHERE url = (SELECT min(url) FROM assets WHERE state = 'ok')";
    corrupt(&out, lost);
    verify_fails_naming(&out, &["assets row http", "column state", "\"lost\""]);

    corrupt(&out, "UPDATE assets SET state = 'ok' WHERE state = 'lost'");
    corrupt(&out, "UPDATE entries SET id = -5 WHERE id = 3");
    verify_fails_naming(&out, &["entries row with id -5", "out of range"]);
    server.shutdown().await;
}
