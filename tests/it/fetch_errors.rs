//! Issue 8: the fetcher's errors keep their cause. A refused connection is `Connect` with the HTTP
//! client's error as its source (the message says what the network said); a body cut short is
//! `Truncated` with a typed reason. Servers on 127.0.0.1 only.

use std::error::Error as _;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::time::Duration;

use tistory_migrate::fetch::{CutOff, FetchError, FetchPolicy, Fetcher};

fn fetcher() -> Fetcher {
    Fetcher::new(FetchPolicy {
        rate: None,
        max_attempts: 1,
        backoff_base: Duration::from_millis(1),
        ..FetchPolicy::default()
    })
    .unwrap()
}

#[tokio::test]
async fn issue_8_a_refused_connection_keeps_the_clients_error() {
    // A port nothing listens on: bound, then closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}/1")).unwrap();
    let e = fetcher().get(&url, None).await.unwrap_err();
    assert!(matches!(e, FetchError::Connect { .. }), "{e:?}");
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("cannot connect to {url}: "))
            && shown.ends_with("; check the address and your network"),
        "{shown}"
    );
    let source = e.source().expect("the client's error is kept");
    // What the network said, the innermost cause, is in the message.
    let mut innermost = source;
    while let Some(deeper) = innermost.source() {
        innermost = deeper;
    }
    let innermost = innermost.to_string();
    assert!(shown.contains(&innermost), "{shown} / {innermost}");
    assert!(e.is_retryable());
}

#[tokio::test]
async fn issue_8_a_body_cut_short_says_how() {
    // A server announcing 1000 bytes and sending 10, then closing.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = conn.read(&mut request);
        conn.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n<html>cut ",
        )
        .unwrap();
    });
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}/1")).unwrap();
    let e = fetcher().get(&url, None).await.unwrap_err();
    server.join().unwrap();
    let FetchError::Truncated { url: named, cut } = &e else {
        panic!("not Truncated: {e:?}");
    };
    assert_eq!(named, url.as_str());
    // The client notices the early end while reading (or the length check after it does).
    match cut {
        CutOff::Reading(client) => assert!(client.is_body() || client.is_decode(), "{client:?}"),
        CutOff::Short { got, expected } => assert_eq!((*got, *expected), (10, 1000)),
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string()
            .starts_with(&format!("{url}: the body was cut off (")),
        "{e}"
    );
    assert!(e.is_retryable());
}
