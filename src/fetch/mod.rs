//! Fetching: one polite HTTP client for pages, assets and JSON. It spaces requests per host
//! ([`limiter`]), retries transient failures with backoff and `Retry-After` ([`retry`]), caps
//! body sizes, detects truncated bodies, and honours the blog's robots.txt. It returns bytes and
//! facts; deciding what a response means is the crawler's job.
//!
//! It also holds the cap on requests in flight (`--concurrency`): every attempt takes one of its
//! request slots for as long as it is on the wire, so the crawler may keep more pages in hand than
//! it has requests out (one page is decoded and saved while the next is fetched) and still never
//! has more than `--concurrency` requests open. Each attempt is logged at trace level as
//! `request sent` / `request done` (target `tistory_migrate::fetch`): the crawl benchmark reads
//! them to chart how many requests were in flight over the run.

pub mod inflate;
pub mod limiter;
pub mod policy;
pub mod retry;
pub mod tap;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt as _;
use reqwest::header::{
    ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue,
    IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use tokio::sync::{Mutex, OnceCell, Semaphore};
use tracing::{debug, trace};
use url::Url;

pub use self::inflate::ContentDecodeError;
pub use self::limiter::HostLimiter;
pub use self::policy::FetchPolicy;
use self::retry::{backoff, is_transient_status, parse_retry_after};
use self::tap::{Exchange, ExchangeTap};

/// A response body and the facts the crawler needs.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL after redirects.
    pub final_url: Url,
    /// The HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `ETag`.
    pub etag: Option<String>,
    /// `Last-Modified`.
    pub last_modified: Option<String>,
    /// The body, complete.
    pub body: Vec<u8>,
    /// Attempts it took.
    pub attempts: u32,
}

/// Validators for a conditional request (`--refresh`).
#[derive(Debug, Clone, Default)]
pub struct Validators {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// Why a fetch failed, naming the URL.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The server kept answering with a transient status.
    #[error("{url} answered {status} after {attempts} attempts; try again later or lower --rate")]
    Status {
        /// The URL.
        url: String,
        /// The last status.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },
    /// No connection could be made.
    #[error(
        "cannot connect to {url}: {}; check the address and your network",
        innermost(source.as_ref())
    )]
    Connect {
        /// The URL.
        url: String,
        /// What the HTTP client said (its innermost cause is what the network said).
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// The server stopped answering, or did not finish within the request deadline.
    #[error("{url} timed out (no answer, or not finished within the request deadline)")]
    Timeout {
        /// The URL.
        url: String,
    },
    /// The body ended early or the connection broke while reading it.
    #[error("{url}: the body was cut off ({cut})")]
    Truncated {
        /// The URL.
        url: String,
        /// How.
        cut: CutOff,
    },
    /// The body is larger than the cap.
    #[error("{url} is larger than {limit} bytes; raise --max-body-bytes if this is expected")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        limit: u64,
    },
    /// robots.txt disallows the URL.
    #[error("{url} is disallowed by the blog's robots.txt (use --ignore-robots to override)")]
    Disallowed {
        /// The URL.
        url: String,
    },
    /// The server redirected more times than the crawler follows (a redirect loop, or a chain
    /// longer than that).
    #[error("{url}: more than {limit} redirects (a redirect loop, or a chain that long)")]
    TooManyRedirects {
        /// The URL.
        url: String,
        /// The most redirects followed.
        limit: usize,
    },
    /// The body does not decode as the `Content-Encoding` it was sent with (a gzip stream cut in
    /// the middle, bytes that are not gzip), or inflates past the cap on one body.
    #[error("{url}: {}", chain_text(source.as_ref()))]
    Encoding {
        /// The URL.
        url: String,
        /// Why.
        #[source]
        source: Arc<ContentDecodeError>,
    },
    /// The HTTP client could not be built (its TLS backend or resolver did not start).
    #[error("cannot build the HTTP client: {}", innermost(source.as_ref()))]
    Client {
        /// What the HTTP client said.
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// Anything else the HTTP client reported.
    #[error("{url}: {source}")]
    Other {
        /// The URL.
        url: String,
        /// What the HTTP client said.
        #[source]
        source: Arc<reqwest::Error>,
    },
}

/// How a body was cut off.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CutOff {
    /// Reading it failed part way (the connection broke, or the transfer encoding was broken).
    #[error("{}", chain_text(.0.as_ref()))]
    Reading(#[source] Arc<reqwest::Error>),
    /// It ended before the length the server announced.
    #[error("{got} of {expected} bytes")]
    Short {
        /// Bytes received.
        got: u64,
        /// The `Content-Length`.
        expected: u64,
    },
}

/// The innermost cause of `e` (for a connection error, what the network said).
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    std::iter::successors(Some(e), |e| e.source())
        .last()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// `e` and its causes, joined with `: ` (`report::error_chain` is a layer above).
fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    std::iter::successors(Some(e), |e| e.source())
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

impl FetchError {
    fn is_transient(&self) -> bool {
        match self {
            Self::Connect { .. } | Self::Timeout { .. } | Self::Truncated { .. } => true,
            // A broken encoding may be a proxy's hiccup; a bomb inflates the same every time.
            Self::Encoding { source, .. } => {
                !matches!(source.as_ref(), ContentDecodeError::TooLarge { .. })
            }
            _ => false,
        }
    }

    /// True when a later pass may succeed: the failures retries are for, a transient status
    /// that outlasted one pass's attempts, and a body that inflated past the cap (a bomb costs a
    /// few KB a try, and is tried once a pass rather than once an attempt).
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        self.is_transient() || matches!(self, Self::Status { .. } | Self::Encoding { .. })
    }
}

/// Counters of what the fetcher did.
#[derive(Debug, Default)]
pub struct FetchStats {
    /// HTTP requests sent.
    pub requests: AtomicU64,
    /// Retries among them.
    pub retries: AtomicU64,
    /// The longest `Retry-After` served, in milliseconds (0 when none): retry passes cool down
    /// at least this long.
    pub longest_retry_after_ms: AtomicU64,
    /// Requests on the wire now.
    pub in_flight: AtomicU64,
    /// The most requests that were on the wire at once (never above `--concurrency`).
    pub max_in_flight: AtomicU64,
}

impl FetchStats {
    /// The longest `Retry-After` served so far.
    #[must_use]
    pub fn longest_retry_after(&self) -> Option<Duration> {
        match self.longest_retry_after_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some(Duration::from_millis(ms)),
        }
    }
}

/// Counts one request on the wire in [`FetchStats`] for as long as it lives (an aborted request
/// is counted off too).
struct OnWire<'s>(&'s FetchStats);

impl<'s> OnWire<'s> {
    fn count(stats: &'s FetchStats) -> Self {
        let now = stats.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        stats.max_in_flight.fetch_max(now, Ordering::Relaxed);
        Self(stats)
    }
}

impl Drop for OnWire<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One origin's robots.txt rules, fetched once (`None` = no usable robots.txt: all allowed).
type RobotsCell = OnceCell<Option<Arc<texting_robots::Robot>>>;

/// The crawler's HTTP client. Cheap to share (`Arc`).
pub struct Fetcher {
    client: reqwest::Client,
    policy: FetchPolicy,
    limiter: HostLimiter,
    /// One permit per request that may be in flight (`policy.concurrency`).
    slots: Semaphore,
    robots: Mutex<HashMap<String, Arc<RobotsCell>>>,
    /// Where every exchange is recorded (`--warc`), if anywhere.
    tap: Option<ExchangeTap>,
    /// What it did.
    pub stats: FetchStats,
}

fn header(resp: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The HTTP client; a recording one (`record`) asks for no content encoding and follows no
/// redirect by itself (see [`Fetcher::with_tap`]). Neither decodes bodies itself: the fetcher
/// does, with a cap on what a body inflates to ([`inflate`]).
fn build_client(policy: &FetchPolicy, record: bool) -> Result<reqwest::Client, FetchError> {
    // Idempotent: a second call finds the provider installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut headers = HeaderMap::new();
    // gzip only: `deflate` is sent both zlib-wrapped and raw by servers in the wild.
    if !record {
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(policy.user_agent.clone())
        .connect_timeout(policy.connect_timeout)
        .read_timeout(policy.read_timeout)
        .redirect(if record {
            reqwest::redirect::Policy::none()
        } else {
            reqwest::redirect::Policy::limited(tap::MAX_REDIRECTS)
        })
        .build()
        .map_err(|e| FetchError::Client {
            source: Arc::new(e),
        })
}

fn classify(url: &Url, e: reqwest::Error) -> FetchError {
    let url = url.to_string();
    if e.is_timeout() {
        FetchError::Timeout { url }
    } else if e.is_redirect() {
        FetchError::TooManyRedirects {
            url,
            limit: tap::MAX_REDIRECTS,
        }
    } else if e.is_connect() {
        FetchError::Connect {
            url,
            source: Arc::new(e),
        }
    } else if e.is_body() || e.is_decode() || e.is_request() {
        FetchError::Truncated {
            url,
            cut: CutOff::Reading(Arc::new(e)),
        }
    } else {
        FetchError::Other {
            url,
            source: Arc::new(e),
        }
    }
}

impl Fetcher {
    /// Builds the client.
    ///
    /// # Errors
    /// [`FetchError::Other`] when the TLS or HTTP client cannot be set up.
    pub fn new(policy: FetchPolicy) -> Result<Self, FetchError> {
        Ok(Self {
            client: build_client(&policy, false)?,
            limiter: HostLimiter::new(policy.rate),
            slots: Semaphore::new(policy.concurrency.get()),
            policy,
            robots: Mutex::new(HashMap::new()),
            tap: None,
            stats: FetchStats::default(),
        })
    }

    /// Records every complete exchange into `tap` (see [`tap`]). A recording fetcher asks for
    /// no content encoding, so the bytes recorded are the bytes received; a server that encodes
    /// anyway is recorded as it answered, and the body is decoded for the crawler.
    ///
    /// # Errors
    /// As [`Fetcher::new`].
    pub fn with_tap(mut self, tap: Option<ExchangeTap>) -> Result<Self, FetchError> {
        if tap.is_some() {
            self.client = build_client(&self.policy, true)?;
        }
        self.tap = tap;
        Ok(self)
    }

    /// The policy in force.
    #[must_use]
    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// GETs `url` with retries. Returns any non-transient response (200, 304, 403, 404, ...);
    /// transient ones are retried and become [`FetchError::Status`] when they persist.
    ///
    /// # Errors
    /// A [`FetchError`] naming the URL.
    pub async fn get(
        &self,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<Fetched, FetchError> {
        let host = url.host_str().unwrap_or_default().to_string();
        let max = self.policy.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            if attempt > 1 {
                self.stats.retries.fetch_add(1, Ordering::Relaxed);
            }
            let once = self.attempt(url, &host, validators).await;
            let wait = match once {
                Ok((mut fetched, retry_after)) if is_transient_status(fetched.status) => {
                    if let Some(asked) = retry_after {
                        let ms = u64::try_from(asked.as_millis()).unwrap_or(u64::MAX);
                        self.stats
                            .longest_retry_after_ms
                            .fetch_max(ms, Ordering::Relaxed);
                    }
                    let wait =
                        retry_after.unwrap_or_else(|| backoff(self.policy.backoff_base, attempt));
                    if attempt >= max || wait > policy::MAX_RETRY_AFTER {
                        return Err(FetchError::Status {
                            url: url.to_string(),
                            status: fetched.status,
                            attempts: attempt,
                        });
                    }
                    fetched.body.clear();
                    debug!(%url, status = fetched.status, ?wait, attempt, "transient status, retrying");
                    wait
                }
                Ok((mut fetched, _)) => {
                    fetched.attempts = attempt;
                    return Ok(fetched);
                }
                Err(e) if e.is_transient() && attempt < max => {
                    debug!(%url, error = %e, attempt, "transient error, retrying");
                    backoff(self.policy.backoff_base, attempt)
                }
                Err(e) => return Err(e),
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt, in a request slot: the slot is taken before the rate limiter is asked (so
    /// requests released together are still spaced) and given back when the answer is in (a
    /// retry's backoff holds none).
    async fn attempt(
        &self,
        url: &Url,
        host: &str,
        validators: Option<&Validators>,
    ) -> Result<(Fetched, Option<Duration>), FetchError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .expect("the request slots are never closed");
        self.limiter.wait(host).await;
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        let _on_wire = OnWire::count(&self.stats);
        trace!(%url, "request sent");
        let once =
            tokio::time::timeout(self.policy.request_deadline, self.try_once(url, validators))
                .await
                .unwrap_or_else(|_| {
                    Err(FetchError::Timeout {
                        url: url.to_string(),
                    })
                });
        trace!(%url, "request done");
        once
    }

    async fn try_once(
        &self,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<(Fetched, Option<Duration>), FetchError> {
        let (resp, sent_at) = self.send(url, validators).await?;
        let head = self.tap.is_some().then(|| tap::ResponseHead::of(&resp));
        let status = resp.status().as_u16();
        let retry_after =
            header(&resp, RETRY_AFTER).and_then(|v| parse_retry_after(&v, SystemTime::now()));
        let expected_len = header(&resp, CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
        if expected_len.is_some_and(|n| n > self.policy.max_body_bytes) {
            return Err(FetchError::TooLarge {
                url: url.to_string(),
                limit: self.policy.max_body_bytes,
            });
        }
        let final_url = resp.url().clone();
        let content_type = header(&resp, CONTENT_TYPE);
        let encoding = header(&resp, CONTENT_ENCODING);
        let etag = header(&resp, ETAG);
        let last_modified = header(&resp, LAST_MODIFIED);
        let mut body = Vec::with_capacity(
            usize::try_from(expected_len.unwrap_or(0).min(1 << 20)).unwrap_or(0),
        );
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                if e.is_timeout() {
                    FetchError::Timeout {
                        url: url.to_string(),
                    }
                } else {
                    FetchError::Truncated {
                        url: url.to_string(),
                        cut: CutOff::Reading(Arc::new(e)),
                    }
                }
            })?;
            if (body.len() + chunk.len()) as u64 > self.policy.max_body_bytes {
                return Err(FetchError::TooLarge {
                    url: url.to_string(),
                    limit: self.policy.max_body_bytes,
                });
            }
            body.extend_from_slice(&chunk);
        }
        if let Some(n) = expected_len
            && n != body.len() as u64
        {
            return Err(FetchError::Truncated {
                url: url.to_string(),
                cut: CutOff::Short {
                    got: body.len() as u64,
                    expected: n,
                },
            });
        }
        let limit = self.policy.max_body_bytes;
        let decoded = if let (Some(tap), Some(head)) = (&self.tap, head) {
            let decoded = inflate::decode_body(encoding.as_deref(), body.clone(), limit);
            // Recorded as received even when it cannot be decoded: the bytes did arrive whole.
            let exchange = Exchange {
                request_headers: tap::request_headers(&final_url, &self.policy, validators),
                body,
                sent_at,
                ..head.into_exchange(&final_url)
            };
            tap.record(exchange).await;
            decoded
        } else {
            inflate::decode_body(encoding.as_deref(), body, limit)
        };
        let body = decoded.map_err(|e| FetchError::Encoding {
            url: url.to_string(),
            source: Arc::new(e),
        })?;
        Ok((
            Fetched {
                final_url,
                status,
                content_type,
                etag,
                last_modified,
                body,
                attempts: 1,
            },
            retry_after,
        ))
    }

    /// Sends one GET. A recording fetcher follows redirects itself (at most 10), recording each
    /// hop, so the WARC holds the `301` as well as the page it points to.
    async fn send(
        &self,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<(reqwest::Response, chrono::DateTime<chrono::Utc>), FetchError> {
        let mut current = url.clone();
        for _ in 0..=tap::MAX_REDIRECTS {
            let mut req = self.client.get(current.clone());
            if let Some(v) = validators {
                if let Some(etag) = &v.etag {
                    req = req.header(IF_NONE_MATCH, etag);
                }
                if let Some(lm) = &v.last_modified {
                    req = req.header(IF_MODIFIED_SINCE, lm);
                }
            }
            let sent_at = chrono::Utc::now();
            let resp = req.send().await.map_err(|e| classify(url, e))?;
            let Some(tap) = &self.tap else {
                return Ok((resp, sent_at));
            };
            let Some(next) = tap::redirect_target(&resp) else {
                return Ok((resp, sent_at));
            };
            let head = tap::ResponseHead::of(&resp);
            let body = resp.bytes().await.map_err(|e| classify(url, e))?.to_vec();
            tap.record(Exchange {
                request_headers: tap::request_headers(&current, &self.policy, validators),
                body,
                sent_at,
                ..head.into_exchange(&current)
            })
            .await;
            current = next;
        }
        Err(FetchError::TooManyRedirects {
            url: url.to_string(),
            limit: tap::MAX_REDIRECTS,
        })
    }

    /// True when the blog's robots.txt lets us fetch `url` (always true with `respect_robots` off).
    /// The rules are fetched once per host; a missing or unreadable robots.txt allows everything.
    pub async fn allowed(&self, url: &Url) -> bool {
        if !self.policy.respect_robots {
            return true;
        }
        let key = url.origin().ascii_serialization();
        // One cell per origin, taken under the lock and filled outside it: concurrent callers wait
        // for the one fetch of robots.txt instead of each sending their own.
        let cell = Arc::clone(self.robots.lock().await.entry(key).or_default());
        let robot = cell
            .get_or_init(|| async {
                let fetched = match url.join("/robots.txt") {
                    Ok(u) => self.get(&u, None).await.ok(),
                    Err(_) => None,
                };
                fetched
                    .filter(|f| f.status == 200)
                    .and_then(|f| texting_robots::Robot::new("tistory-migrate", &f.body).ok())
                    .map(Arc::new)
            })
            .await;
        robot.as_ref().is_none_or(|r| r.allowed(url.as_str()))
    }
}
