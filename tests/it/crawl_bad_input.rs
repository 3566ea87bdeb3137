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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_stops_the_crawl_and_keeps_what_was_saved() {
    let tmp = tempfile::tempdir().unwrap();
    let mount_point = tmp.path().join("small");
    let Some(_tmpfs) = Tmpfs::mount(&mount_point, "320k") else {
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
    let out2 = out.clone();
    let assert = tokio::task::spawn_blocking(move || {
        bin()
            .args([
                "crawl",
                &base,
                "--rate",
                "0",
                "--asset-proxy",
                &base,
                "--out",
            ])
            .arg(&out2)
            .assert()
    })
    .await
    .unwrap();
    server.shutdown().await;
    let output = assert.get_output();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_ne!(
        output.status.code(),
        Some(0),
        "a full disk is not a success"
    );
    assert!(
        err.contains("No space left") || err.contains("disk is full"),
        "{err}"
    );

    // Whatever the state says was saved is whole.
    let db = ArchiveDb::open(&out.join("archive.db")).unwrap();
    let mut pages = 0;
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
            pages += 1;
        }
    }
    for a in db.assets().unwrap().into_iter().filter(|a| a.state == "ok") {
        let bytes = std::fs::read(out.join(a.file.unwrap())).unwrap();
        assert_eq!(
            Some(hex::encode(Sha256::digest(&bytes))),
            a.sha256,
            "asset {} is whole",
            a.url
        );
    }
    assert!(pages > 0, "some pages were saved before the disk filled up");
    for entry in walkdir::WalkDir::new(&out) {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            !name.starts_with(".tmp-"),
            "temporary file {name} left behind"
        );
    }
}
