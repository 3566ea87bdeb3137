//! The ledger under faults: the desk process is SIGKILLed right after a post is recorded, and in
//! the middle of recording one. After restarts, every post whose URL was accepted is in the ledger
//! exactly once, a half-sent record can simply be sent again, and no post is recorded twice.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use tistory_migrate::archive::db::ArchiveDb;
use tistory_migrate::commands::bundle::read_bundle_manifest;

use super::fixture;

/// A desk process and what it printed: its address and token.
struct DeskProcess {
    child: Child,
    addr: String,
    token: String,
}

fn spawn_desk(bundle: &std::path::Path) -> DeskProcess {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("tistory-migrate"))
        .env_remove("RUST_LOG")
        .args(["--no-progress", "desk"])
        .arg(bundle)
        .args(["--port", "0", "--naver-blog", "hangangnotes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = BufReader::new(stdout)
        .lines()
        .map(Result::unwrap)
        .find(|l| l.contains("?token="))
        .expect("the desk prints its address with the token");
    let url = url::Url::parse(line.trim()).unwrap();
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "token")
        .unwrap()
        .1
        .into_owned();
    let addr = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    DeskProcess { child, addr, token }
}

/// Sends the record request for `id`; with `wait`, reads the reply and returns its status.
fn send_publish(desk: &DeskProcess, id: u64, naver_url: &str, wait: bool) -> Option<u16> {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("token", desk.token.as_str()), ("naver_url", naver_url)])
        .finish();
    let request = format!(
        "POST /post/{id}/publish HTTP/1.1\r\nHost: {0}\r\nOrigin: http://{0}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {1}\r\nConnection: close\r\n\r\n{body}",
        desk.addr,
        body.len()
    );
    let mut stream = TcpStream::connect(&desk.addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    if !wait {
        return None;
    }
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply.split(' ').nth(1).and_then(|s| s.parse().ok())
}

fn naver(n: usize) -> String {
    format!("https://blog.naver.com/hangangnotes/2230000100{n:02}")
}

#[test]
fn the_ledger_survives_kills_between_and_during_steps() {
    let fx = fixture();
    let order: Vec<u64> = read_bundle_manifest(&fx.bundle)
        .unwrap()
        .posts
        .iter()
        .map(|p| p.id)
        .collect();
    let mut accepted = Vec::new();
    let mut half_sent = Vec::new();
    for (n, id) in order.iter().take(6).enumerate() {
        let mut desk = spawn_desk(&fx.bundle);
        if n % 2 == 0 {
            // Recorded and answered, then killed before anything else happens.
            let status = send_publish(&desk, *id, &naver(n), true);
            assert_eq!(status, Some(303), "post {id} recorded");
            accepted.push((*id, naver(n)));
        } else {
            // Killed while the record request may still be in flight.
            send_publish(&desk, *id, &naver(n), false);
            half_sent.push((*id, naver(n)));
        }
        desk.child.kill().unwrap(); // SIGKILL
        let _ = desk.child.wait();
    }
    let db = ArchiveDb::open(&fx.archive.join("archive.db")).unwrap();
    let ledger = db.ledger().unwrap();
    for (id, url) in &accepted {
        let row = ledger
            .iter()
            .find(|r| r.post_id == *id)
            .unwrap_or_else(|| panic!("post {id} was lost"));
        assert_eq!(&row.naver_url, url);
    }
    drop(db);

    // Sending a half-sent record again is safe: recorded now, or found already recorded.
    let mut desk = spawn_desk(&fx.bundle);
    for (id, url) in &half_sent {
        assert_eq!(
            send_publish(&desk, *id, url, true),
            Some(303),
            "post {id} on the second try"
        );
    }
    // And an accepted one sent again changes nothing.
    let (id, url) = &accepted[0];
    assert_eq!(send_publish(&desk, *id, url, true), Some(303));
    desk.child.kill().unwrap();
    let _ = desk.child.wait();

    let ledger = ArchiveDb::open(&fx.archive.join("archive.db"))
        .unwrap()
        .ledger()
        .unwrap();
    assert_eq!(ledger.len(), 6, "six posts, each exactly once: {ledger:?}");
    let urls: std::collections::BTreeSet<&str> =
        ledger.iter().map(|r| r.naver_url.as_str()).collect();
    assert_eq!(urls.len(), 6, "no URL twice");
    for (id, url) in accepted.iter().chain(&half_sent) {
        assert!(
            ledger
                .iter()
                .any(|r| r.post_id == *id && &r.naver_url == url),
            "post {id} → {url}"
        );
    }
}
