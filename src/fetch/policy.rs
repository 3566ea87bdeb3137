//! Politeness and safety settings of the crawler, in one struct (lychee's `RateLimitConfig`).

use std::num::NonZeroUsize;
use std::time::Duration;

/// Default requests per second to one host (with jitter): polite to Tistory.
pub const DEFAULT_RATE: f64 = 1.0;
/// Default number of requests in flight.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// Default attempts per URL (the first try included).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default read timeout (no byte for this long).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default cap on one page or asset body (50 MiB).
pub const DEFAULT_MAX_BODY_BYTES: u64 = 50 * 1024 * 1024;
/// Default total time one request may take, body included: a server that drips bytes slowly
/// cannot hold a request longer than this (the read timeout only bounds the gap between bytes).
pub const DEFAULT_REQUEST_DEADLINE: Duration = Duration::from_secs(120);
/// Default number of later passes over what failed, after a growing cool-down.
pub const DEFAULT_RETRY_PASSES: u32 = 3;
/// The longest cool-down between two retry passes (unless `Retry-After` asks for longer).
pub const MAX_COOLDOWN: Duration = Duration::from_secs(120);
/// The longest `Retry-After` we wait for; longer ones count as a failure for this run.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// The User-Agent: names the tool and where to reach its makers.
#[must_use]
pub fn default_user_agent() -> String {
    format!(
        "tistory-migrate/{} (+https://crates.io/crates/tistory-migrate; archiving a blog for its owner)",
        env!("CARGO_PKG_VERSION")
    )
}

/// How the crawler treats servers.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    /// Requests in flight at once.
    pub concurrency: NonZeroUsize,
    /// Requests per second per host; `None` = no limit (tests, replay).
    pub rate: Option<f64>,
    /// Attempts per URL, the first included.
    pub max_attempts: u32,
    /// First backoff delay (doubled each retry, with jitter).
    pub backoff_base: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Read timeout.
    pub read_timeout: Duration,
    /// Total time one request may take, body included.
    pub request_deadline: Duration,
    /// Later passes over failed pages, assets and comments, each after a growing cool-down. A
    /// URL gets at most `max_attempts × (1 + retry_passes)` attempts in a run.
    pub retry_passes: u32,
    /// Cap on one body.
    pub max_body_bytes: u64,
    /// The User-Agent header.
    pub user_agent: String,
    /// Honour the blog's robots.txt.
    pub respect_robots: bool,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        Self {
            concurrency: NonZeroUsize::new(DEFAULT_CONCURRENCY)
                .expect("the default concurrency is not zero"),
            rate: Some(DEFAULT_RATE),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            backoff_base: Duration::from_millis(500),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            request_deadline: DEFAULT_REQUEST_DEADLINE,
            retry_passes: DEFAULT_RETRY_PASSES,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            user_agent: default_user_agent(),
            respect_robots: true,
        }
    }
}
