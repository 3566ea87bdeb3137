//! The desk (`tistory-migrate desk`) on a bundle of the sample blog, made in the test through the
//! library (replay + crawl + bundle): the token on every write and page, no file outside the
//! bundle in any spelling, 127.0.0.1 only, a changed bundle refused; the ledger's messages, the
//! daily cap and link rewriting (`flow`); and the desk driven in headless chromium (`browser`).

mod browser;
mod flow;
mod kill;
mod naver;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tistory_migrate::archive::db::{ArchiveDb, LedgerRow};
use tistory_migrate::bundle::footer::Footer;
use tistory_migrate::commands::bundle::{BundleOptions, run_bundle};
use tistory_migrate::desk::{self, DeskError, DeskOptions, DeskServer};
use tistory_migrate::serve::Faults;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::crawl::{crawl_into, serve_sample, test_settings};

/// An archive of the sample blog with its bundle in `<archive>/naver/`.
pub struct Fixture {
    _tmp: tempfile::TempDir,
    pub archive: PathBuf,
    pub bundle: PathBuf,
}

/// Builds the archive and bundle once per test run (in its own thread and runtime, so that any
/// test, async or not, can ask for it).
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        std::thread::spawn(|| {
            let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
                .unwrap()
                .keep();
            let archive = dir.join("archive");
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let server = serve_sample(Faults::none()).await;
                crawl_into(&server, &archive, test_settings()).await;
                server.shutdown().await;
            });
            run_bundle(&BundleOptions {
                archive: archive.clone(),
                out: None,
                footer: Footer::Default,
            })
            .unwrap();
            archive
        })
        .join()
        .unwrap()
    })
}

/// A fresh copy of the template (each test has its own ledger).
pub fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let from = template();
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let to = archive.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    let bundle = archive.join("naver");
    Fixture {
        _tmp: tmp,
        archive,
        bundle,
    }
}

impl Fixture {
    pub async fn start(&self, options: DeskOptions) -> DeskServer {
        desk::start(&self.bundle, DeskOptions { port: 0, ..options })
            .await
            .unwrap_or_else(|e| panic!("desk: {e}"))
    }

    pub fn ledger(&self) -> Vec<LedgerRow> {
        ArchiveDb::open(&self.archive.join("archive.db"))
            .unwrap()
            .ledger()
            .unwrap()
    }
}

/// One HTTP reply.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Sends `request` as written (no normalisation of the path) and reads the whole reply.
pub async fn raw(desk: &DeskServer, request: &str) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(desk.addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn cookie(desk: &DeskServer) -> String {
    format!("tm_desk_{}={}", desk.addr.port(), desk.token.as_str())
}

/// GET with the desk's cookie.
pub async fn get(desk: &DeskServer, path: &str) -> Reply {
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nConnection: close\r\n\r\n",
        desk.addr,
        cookie(desk)
    );
    raw(desk, &req).await
}

/// POST a form (with the desk's cookie; the token only if the fields carry it).
pub async fn post_form(desk: &DeskServer, path: &str, fields: &[(&str, &str)]) -> Reply {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nOrigin: http://{}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        desk.addr,
        cookie(desk),
        desk.addr,
        body.len()
    );
    raw(desk, &req).await
}

/// Records `url` for post `id` with the token.
pub async fn publish(desk: &DeskServer, id: u64, url: &str) -> Reply {
    post_form(
        desk,
        &format!("/post/{id}/publish"),
        &[("token", desk.token.as_str()), ("naver_url", url)],
    )
    .await
}

#[tokio::test]
async fn every_write_needs_the_token_and_pages_need_it_once() {
    let f = fixture();
    let desk = f.start(DeskOptions::default()).await;
    let url = "https://blog.naver.com/hangangnotes/223000000011";
    // No token, a wrong one, one of the right length but wrong: 403 and nothing recorded.
    let none = post_form(&desk, "/post/1/publish", &[("naver_url", url)]).await;
    let wrong = post_form(
        &desk,
        "/post/1/publish",
        &[("token", "x"), ("naver_url", url)],
    )
    .await;
    let other = "0".repeat(64);
    let close = post_form(
        &desk,
        "/post/1/publish",
        &[("token", &other), ("naver_url", url)],
    )
    .await;
    for r in [&none, &wrong, &close] {
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(r.body.contains("토큰"), "{}", r.body);
    }
    assert!(f.ledger().is_empty());
    // The token from another origin (a page elsewhere posting to the desk): 403.
    let req = format!(
        "POST /post/1/publish HTTP/1.1\r\nHost: {0}\r\nOrigin: https://evil.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {1}\r\nConnection: close\r\n\r\ntoken={2}",
        desk.addr,
        6 + 64,
        desk.token.as_str()
    );
    assert_eq!(raw(&desk, &req).await.status, 403);
    // Another Host (DNS rebinding): 403 even with the cookie.
    let req = format!(
        "GET / HTTP/1.1\r\nHost: evil.example:{}\r\nCookie: {}\r\nConnection: close\r\n\r\n",
        desk.addr.port(),
        cookie(&desk)
    );
    assert_eq!(raw(&desk, &req).await.status, 403);
    // Pages: 403 without the token; the printed URL sets the cookie and drops the token.
    let bare = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        desk.addr
    );
    let r = raw(&desk, &bare).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("?token="), "{}", r.body);
    let with = format!(
        "GET /?token={} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        desk.token.as_str(),
        desk.addr
    );
    let r = raw(&desk, &with).await;
    assert_eq!((r.status, r.header("location")), (303, Some("/")));
    let set = r.header("set-cookie").unwrap();
    assert!(
        set.starts_with(&cookie(&desk))
            && set.contains("HttpOnly")
            && set.contains("SameSite=Strict"),
        "{set}"
    );
    // With the token: recorded.
    assert_eq!(publish(&desk, 1, url).await.status, 303);
    assert_eq!(f.ledger().len(), 1);
    desk.shutdown().await;
}

#[tokio::test]
async fn no_file_outside_the_bundle_in_any_spelling() {
    let f = fixture();
    let desk = f.start(DeskOptions::default()).await;
    let outside = f.archive.join("secret.txt");
    std::fs::write(&outside, "SECRET-OUTSIDE").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, f.bundle.join("link.txt")).unwrap();
        std::os::unix::fs::symlink("/etc", f.bundle.join("etc")).unwrap();
    }
    for path in [
        "/files/../../etc/passwd",
        "/files/../secret.txt",
        "/files/%2e%2e/%2e%2e/etc/passwd",
        "/files/%2E%2E/secret.txt",
        "/files/..%2f..%2fetc%2fpasswd",
        "/files/..%2Fsecret.txt",
        "/files/%252e%252e/secret.txt",
        "/files/..%5csecret.txt",
        "/files/..\\secret.txt",
        "/files/%2fetc%2fpasswd",
        "/files//etc/passwd",
        "/files/0001_2014-03-09_1/../../secret.txt",
        "/files/%c0%ae%c0%ae/secret.txt",
        "/files/link.txt",
        "/files/etc/passwd",
        "/files/..;/secret.txt",
    ] {
        let r = get(&desk, path).await;
        assert!(matches!(r.status, 400 | 404), "{path}: {}", r.status);
        assert!(
            !r.body.contains("root:") && !r.body.contains("SECRET-OUTSIDE"),
            "{path}"
        );
    }
    let manifest = std::fs::read_to_string(f.bundle.join("bundle.json")).unwrap();
    let r = get(&desk, "/files/0001_2014-03-09_1/images/01.jpg").await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (200, Some("image/jpeg"))
    );
    assert!(manifest.contains("0001_2014-03-09_1/images/01.jpg"));
    desk.shutdown().await;
}

#[tokio::test]
async fn only_127_0_0_1() {
    let f = fixture();
    for host in ["0.0.0.0", "::1", "192.168.0.10"] {
        let e = desk::start(
            &f.bundle,
            DeskOptions {
                host: host.parse().unwrap(),
                port: 0,
                ..DeskOptions::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(e, DeskError::NotLoopback { .. }), "{host}: {e}");
    }
    let desk = f.start(DeskOptions::default()).await;
    assert!(desk.addr.ip().is_loopback() && desk.addr.to_string().starts_with("127.0.0.1:"));
    assert!(
        desk.url()
            .starts_with(&format!("http://{}/?token=", desk.addr))
    );
    // Pages load nothing from elsewhere: one CSP, inline style and script only.
    let page = get(&desk, "/post/1").await;
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.starts_with("default-src 'none'; img-src 'self';"),
        "{csp}"
    );
    for marker in ["http://", "https://", "//"] {
        let external = page.body.match_indices(&format!("src=\"{marker}")).count()
            + page
                .body
                .match_indices(&format!("<link rel=\"stylesheet\" href=\"{marker}"))
                .count();
        assert_eq!(external, 0, "{marker}");
    }
    desk.shutdown().await;
}

#[tokio::test]
async fn a_bundle_changed_by_hand_or_another_archive_is_refused() {
    let f = fixture();
    let body = std::fs::read_dir(&f.bundle)
        .unwrap()
        .map(|e| e.unwrap().path().join("body.html"))
        .find(|p| p.is_file())
        .unwrap();
    let mut text = std::fs::read_to_string(&body).unwrap();
    text.push_str("<p>edited</p>");
    std::fs::write(&body, text).unwrap();
    let e = desk::start(
        &f.bundle,
        DeskOptions {
            port: 0,
            ..DeskOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, DeskError::Tampered { .. }), "{e}");
    assert!(
        e.to_string().contains("body.html") && e.to_string().contains("tistory-migrate bundle"),
        "{e}"
    );

    let f = fixture();
    let elsewhere = tempfile::tempdir().unwrap();
    let e = desk::start(
        &f.bundle,
        DeskOptions {
            port: 0,
            archive: Some(elsewhere.path().to_path_buf()),
            ..DeskOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, DeskError::NoArchive { .. }), "{e}");
    assert!(e.to_string().contains("--archive"), "{e}");
    ArchiveDb::open(&elsewhere.path().join("archive.db"))
        .unwrap()
        .set_meta("blog", "another-blog")
        .unwrap();
    let e = desk::start(
        &f.bundle,
        DeskOptions {
            port: 0,
            archive: Some(elsewhere.path().to_path_buf()),
            ..DeskOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, DeskError::OtherBlog { .. }), "{e}");
}

#[test]
fn the_command_refuses_a_bad_cap_and_a_missing_bundle_with_exit_3() {
    let f = fixture();
    let out = crate::support::bin()
        .args(["desk", "--daily-cap", "200", "--port", "0"])
        .arg(&f.bundle)
        .assert()
        .code(3)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("--daily-cap") && err.contains("199"), "{err}");
    let out = crate::support::bin()
        .args(["desk", "--port", "0"])
        .arg(f.archive.join("no-such-bundle"))
        .assert()
        .code(3)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("bundle.json"), "{err}");
}

#[cfg(unix)]
#[tokio::test]
async fn issue_10_a_linked_naver_folder_is_refused_before_any_record() {
    // The bundle moved out of the archive and a link left in its place: `desk ARCHIVE/naver`
    // and `desk --archive ARCHIVE <moved bundle>` both refuse, naming the folder, and the
    // ledger is untouched.
    let f = fixture();
    let outside = tempfile::tempdir().unwrap();
    let moved = outside.path().join("naver");
    std::fs::rename(&f.bundle, &moved).unwrap();
    std::os::unix::fs::symlink(&moved, &f.bundle).unwrap();
    for (bundle, archive) in [
        (f.bundle.clone(), None),
        (moved.clone(), Some(f.archive.clone())),
    ] {
        let e = desk::start(
            &bundle,
            DeskOptions {
                port: 0,
                archive,
                ..DeskOptions::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(e, DeskError::FolderOutside(_)), "{e}");
        let text = e.to_string();
        assert!(
            text.contains(&f.bundle.display().to_string()) && text.contains("leads outside"),
            "{text}"
        );
    }
    assert!(f.ledger().is_empty());
    // The command says the same and exits 3.
    crate::support::bin()
        .args(["desk", "--port", "0"])
        .arg(&f.bundle)
        .assert()
        .code(3)
        .stderr(predicates::str::contains("leads outside"));
}
