//! The recording hook: a [`Fetcher`](super::Fetcher) given an [`ExchangeTap`] hands every complete
//! HTTP exchange it made (the request as sent, the response status, headers and body as received)
//! to whoever holds the matching [`ExchangeReceiver`] — the WARC writer. The fetcher waits until
//! the receiver has acknowledged the exchange, so nothing the crawler saves afterwards can be
//! missing from the recording. This module only moves values; it never writes anything itself.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};
use url::Url;

/// One HTTP exchange, as it went over the wire (framing aside: a chunked body arrives de-chunked,
/// and its `Transfer-Encoding` header is kept as received).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The URL the request was sent to.
    pub url: Url,
    /// `GET`.
    pub method: String,
    /// The request headers as sent (name, value), `Host` first.
    pub request_headers: Vec<(String, String)>,
    /// `HTTP/1.1`, `HTTP/2.0`, ...
    pub version: String,
    /// The response status.
    pub status: u16,
    /// The response headers as received (values may be any bytes).
    pub response_headers: Vec<(String, Vec<u8>)>,
    /// The body exactly as received (still content-encoded when the server encoded it).
    pub body: Vec<u8>,
    /// The server's address, when known.
    pub remote_ip: Option<IpAddr>,
    /// When the request was sent.
    pub sent_at: DateTime<Utc>,
}

/// An exchange and the acknowledgement the fetcher waits for.
#[derive(Debug)]
pub struct TappedExchange {
    /// The exchange.
    pub exchange: Exchange,
    ack: oneshot::Sender<()>,
}

impl TappedExchange {
    /// Tells the fetcher the exchange is handled (written, or its failure recorded).
    pub fn acknowledge(self) {
        let _ = self.ack.send(());
    }
}

/// The sending side, given to the fetcher. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ExchangeTap {
    tx: mpsc::UnboundedSender<TappedExchange>,
}

/// The receiving side, held by the recorder.
#[derive(Debug)]
pub struct ExchangeReceiver {
    rx: mpsc::UnboundedReceiver<TappedExchange>,
}

impl ExchangeTap {
    /// A connected tap and receiver.
    #[must_use]
    pub fn channel() -> (ExchangeTap, ExchangeReceiver) {
        let (tx, rx) = mpsc::unbounded_channel();
        (ExchangeTap { tx }, ExchangeReceiver { rx })
    }

    /// Hands `exchange` over and waits until the receiver acknowledges it (or is gone).
    pub async fn record(&self, exchange: Exchange) {
        let (ack, done) = oneshot::channel();
        if self.tx.send(TappedExchange { exchange, ack }).is_ok() {
            let _ = done.await;
        }
    }
}

impl ExchangeReceiver {
    /// The next exchange; `None` once every tap is dropped. Blocks: call it from a thread of
    /// its own, never from an async task.
    pub fn blocking_next(&mut self) -> Option<TappedExchange> {
        self.rx.blocking_recv()
    }
}

/// Redirects followed for one request (reqwest's and ours).
pub(crate) const MAX_REDIRECTS: usize = 10;

/// Where a redirect response points: 301, 302, 303, 307 or 308 with a `Location` that joins onto
/// the request URL. `None` for anything else (a 304 is not a redirect).
pub(crate) fn redirect_target(resp: &reqwest::Response) -> Option<Url> {
    if !matches!(resp.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = resp
        .headers()
        .get(reqwest::header::LOCATION)?
        .to_str()
        .ok()?;
    resp.url().join(location).ok()
}

/// The parts of a response known before its body is read.
#[derive(Debug)]
pub(crate) struct ResponseHead {
    version: String,
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    remote_ip: Option<IpAddr>,
}

impl ResponseHead {
    pub(crate) fn of(resp: &reqwest::Response) -> Self {
        Self {
            version: format!("{:?}", resp.version()),
            status: resp.status().as_u16(),
            headers: resp
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), v.as_bytes().to_vec()))
                .collect(),
            remote_ip: resp.remote_addr().map(|a| a.ip()),
        }
    }

    /// An exchange with this head and an empty request and body (filled in by the caller).
    pub(crate) fn into_exchange(self, url: &Url) -> Exchange {
        Exchange {
            url: url.clone(),
            method: "GET".to_string(),
            request_headers: Vec::new(),
            version: self.version,
            status: self.status,
            response_headers: self.headers,
            body: Vec::new(),
            remote_ip: self.remote_ip,
            sent_at: Utc::now(),
        }
    }
}

/// The request headers a recording fetcher sends: `Host`, `User-Agent`, `Accept` (reqwest's
/// default `*/*`; no `Accept-Encoding`, see [`super::Fetcher::with_tap`]) and the validators.
pub(crate) fn request_headers(
    url: &Url,
    policy: &super::FetchPolicy,
    validators: Option<&super::Validators>,
) -> Vec<(String, String)> {
    let mut host = url.host_str().unwrap_or_default().to_string();
    if let Some(port) = url.port() {
        host = format!("{host}:{port}");
    }
    let mut headers = vec![
        ("Host".to_string(), host),
        ("User-Agent".to_string(), policy.user_agent.clone()),
        ("Accept".to_string(), "*/*".to_string()),
    ];
    if let Some(v) = validators {
        if let Some(etag) = &v.etag {
            headers.push(("If-None-Match".to_string(), etag.clone()));
        }
        if let Some(lm) = &v.last_modified {
            headers.push(("If-Modified-Since".to_string(), lm.clone()));
        }
    }
    headers
}
