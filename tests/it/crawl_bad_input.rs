//! Bad input to `crawl`: an invalid address, a site that is not Tistory, a refused connection, an
//! output directory that cannot be written, and a full disk. Each gets a clear error naming the
//! thing, and what was already archived stays intact.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};
use tistory_migrate::archive::db::{ArchiveDb, EntryState};
use tistory_migrate::serve::Faults;

use crate::crawl::serve_sample;
use crate::support::bin;

fn stderr_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

#[test]
fn an_invalid_address_exits_3() {
    let out = bin()
        .args(["crawl", "http://", "--out", "x"])
        .assert()
        .code(3);
    assert!(
        stderr_of(&out).contains("not a blog address"),
        "{}",
        stderr_of(&out)
    );
    let out = bin()
        .args(["crawl", "ftp://files.example", "--out", "x"])
        .assert()
        .code(3);
    assert!(stderr_of(&out).contains("not a blog address"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_that_is_not_tistory_exits_3() {
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(|| async {
            axum::response::Html("<html><head><title>Shop</title></head><body>Hello</body></html>")
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let tmp = tempfile::tempdir().unwrap();
    let out = tokio::task::spawn_blocking(move || {
        bin()
            .args(["crawl", &format!("http://{addr}/"), "--rate", "0", "--out"])
            .arg(tmp.path().join("a"))
            .assert()
            .code(3)
    })
    .await
    .unwrap();
    assert!(
        stderr_of(&out).contains("not a Tistory blog"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn a_refused_connection_is_a_clear_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = bin()
        .args([
            "crawl",
            &format!("http://127.0.0.1:{port}/"),
            "--max-attempts",
            "1",
            "--out",
        ])
        .arg(tmp.path().join("a"))
        .assert()
        .code(1);
    let err = stderr_of(&out);
    assert!(
        err.contains("cannot reach the blog") && err.contains(&port.to_string()),
        "{err}"
    );
}

#[test]
fn an_unwritable_archive_directory_is_refused_before_any_request() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    // No server at all: the directory check comes first.
    let out = bin()
        .args(["crawl", "http://127.0.0.1:9/", "--out"])
        .arg(file.join("archive"))
        .assert()
        .code(1);
    let err = stderr_of(&out);
    assert!(
        err.contains("cannot use the archive directory") && err.contains("a-file"),
        "{err}"
    );
}

/// A small tmpfs, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// Every file under `dir` (but the state database) with its bytes.
fn files(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| {
            e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with("archive.db")
        })
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

fn crawl_blocking(
    base: String,
    out: PathBuf,
    extra: &'static [&'static str],
) -> assert_cmd::assert::Assert {
    bin()
        .args(["crawl", &base, "--rate", "0", "--asset-proxy", &base])
        .args(extra)
        .arg("--out")
        .arg(&out)
        .assert()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_stops_the_crawl_and_keeps_what_was_saved() {
    let tmp = tempfile::tempdir().unwrap();
    let mount_point = tmp.path().join("small");
    let Some(_tmpfs) = Tmpfs::mount(&mount_point, "2m") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI runs as root and must be able to mount a tmpfs"
        );
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root?)");
        return;
    };
    let server = serve_sample(Faults::none()).await;
    let base = server.base_url();
    let out = mount_point.join("archive");
    // A whole archive first, then a disk with no space left, then a crawl that must write.
    let (b, o) = (base.clone(), out.clone());
    tokio::task::spawn_blocking(move || crawl_blocking(b, o, &[]).success())
        .await
        .unwrap();
    let before = files(&out);
    let mut filler = std::fs::File::create(mount_point.join("filler")).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while std::io::Write::write_all(&mut filler, &chunk).is_ok() {}
    let _ = std::io::Write::write_all(&mut filler, &[0u8; 512]);
    // Leave a few pages free: the crawl starts, then a page rewrite runs out of space midway.
    let len = filler.metadata().unwrap().len();
    filler.set_len(len.saturating_sub(12 * 1024)).unwrap();
    drop(filler);

    let (b, o) = (base.clone(), out.clone());
    let assert = tokio::task::spawn_blocking(move || crawl_blocking(b, o, &["--refresh"]))
        .await
        .unwrap();
    server.shutdown().await;
    let output = assert.get_output();
    let err = String::from_utf8_lossy(&output.stderr);
    eprintln!("the crawl on a full disk said: {err}");
    assert_ne!(
        output.status.code(),
        Some(0),
        "a full disk is not a success"
    );
    assert!(
        err.contains("No space left") || err.contains("disk is full"),
        "a clear error: {err}"
    );

    // Nothing already saved was lost or corrupted, and no temporary file is left behind.
    let after = files(&out);
    let changed: Vec<_> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(
        changed.is_empty(),
        "saved files changed on a full disk: {changed:?}"
    );
    // With space again, the state database opens and agrees with the files.
    std::fs::remove_file(mount_point.join("filler")).unwrap();
    let db = ArchiveDb::open(&out.join("archive.db")).unwrap();
    for e in db.entries().unwrap() {
        if matches!(
            e.state,
            EntryState::Ok | EntryState::Notice | EntryState::Protected
        ) {
            let bytes = std::fs::read(out.join(e.raw_file.unwrap())).unwrap();
            assert_eq!(
                Some(hex::encode(Sha256::digest(&bytes))),
                e.page_sha256,
                "page {} is whole",
                e.id
            );
        }
    }
    for a in db
        .assets()
        .unwrap()
        .into_iter()
        .filter(|a| a.state == tistory_migrate::model::AssetState::Ok)
    {
        let bytes = std::fs::read(out.join(a.file.unwrap())).unwrap();
        assert_eq!(
            Some(hex::encode(Sha256::digest(&bytes))),
            a.sha256,
            "asset {} is whole",
            a.url
        );
    }
}
