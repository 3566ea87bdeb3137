//! Scripted faults and the request log, for tests of the crawler. A [`Faults`] script lists
//! [`FaultRule`]s; each request takes the first rule whose path prefix matches and that still has
//! uses left, and uses one up. [`RequestLog`] records every request before any fault applies, so a
//! test can count retries.
//!
//! Prefixes match at a boundary: `/1` matches `/1`, `/1?x` and `/1/…`, but not `/10`; a prefix
//! ending in `/` (like `/` itself) matches everything under it. The same rule serves
//! [`RequestLog::count`].

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// What a fault does to a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer with this status and a short text body instead of the page (an invalid code gives 500).
    Status(u16),
    /// Answer with this status and `Retry-After: <seconds>` (429 and 503 are the usual pair).
    StatusWithRetryAfter(u16, u64),
    /// Close the connection without a response. The server drops the connection after reading the
    /// request and before writing a byte; the client sees the connection closed before a response
    /// (reqwest: a request error whose source is hyper's "connection closed before message
    /// completed"). A TCP-level RST is not sent.
    Reset,
    /// Send the real status and headers with the `Content-Length` of the full body, then only the
    /// first half of the body, then close the connection. The headers arrive; reading the body
    /// fails (reqwest: a decode error whose source is hyper's `IncompleteBody`).
    Truncate,
    /// Wait this long, then answer normally (on top of [`Faults::delay`]).
    Delay(Duration),
    /// Serve the real body with this status instead of its own (a private post's page sent
    /// with 403, say).
    StatusKeepBody(u16),
    /// Send the real status and headers, then the body `bytes` at a time with `every` between
    /// pieces: a server that drips (and holds a client without a total deadline).
    Drip {
        /// Bytes per piece.
        bytes: usize,
        /// The pause before each piece.
        every: Duration,
    },
    /// Answer 200 with these bytes as an HTML page: a server that lies with an empty or one-byte
    /// body where the page should be.
    Body(&'static [u8]),
    /// Answer with what this other path gets (`/5` for a request of `/4`): a server that serves
    /// another post's page, or another image, under this address.
    SameAs(&'static str),
    /// Send the real status and headers with `Content-Encoding: gzip` and the gzip of the body,
    /// cut in the middle of the compressed stream; the transfer itself is whole (its
    /// `Content-Length` is the bytes sent), only the gzip stream ends early.
    GzipCut,
    /// A decompression bomb: `Content-Encoding: gzip` and a few KB that inflate to the real
    /// body followed by this many zero bytes.
    GzipBomb(u64),
    /// The real body as it is, with `Content-Encoding: gzip` claimed for it.
    NotGzip,
    /// Answer `302` with this `Location` (a path on this server, or an absolute URL on another
    /// one): redirect loops, chains and redirects off the blog.
    RedirectTo(&'static str),
    /// The real body, different on every request: an HTML page gets a counter comment before
    /// `</body>`, any other body the counter's bytes appended (an image still sniffs as one).
    Vary,
}

/// One scripted fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// Requests whose path and query start with this (at a boundary, see the module docs).
    pub path_prefix: String,
    /// What happens to them.
    pub kind: FaultKind,
    /// How many matching requests it hits; `usize::MAX` = every one.
    pub times: usize,
}

impl FaultRule {
    /// A rule.
    #[must_use]
    pub fn new(path_prefix: impl Into<String>, kind: FaultKind, times: usize) -> Self {
        Self {
            path_prefix: path_prefix.into(),
            kind,
            times,
        }
    }
}

/// The fault script of a replay server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Rules, consumed in order.
    pub rules: Vec<FaultRule>,
    /// Latency added to every response (the benchmark uses 50 ms).
    pub delay: Option<Duration>,
}

impl Faults {
    /// No faults, no delay: a well-behaved blog.
    #[must_use]
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds a rule.
    #[must_use]
    pub fn rule(mut self, path_prefix: impl Into<String>, kind: FaultKind, times: usize) -> Self {
        self.rules.push(FaultRule::new(path_prefix, kind, times));
        self
    }

    /// Sets the latency added to every response.
    #[must_use]
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

/// True when `path_and_query` is `prefix` or lies under it (see the module docs).
#[must_use]
pub fn prefix_matches(prefix: &str, path_and_query: &str) -> bool {
    let Some(rest) = path_and_query.strip_prefix(prefix) else {
        return false;
    };
    rest.is_empty() || prefix.ends_with(['/', '?', '&']) || rest.starts_with(['/', '?', '&', '#'])
}

/// The rules a running server consumes (shared with [`ReplayServer`](super::ReplayServer)).
#[derive(Debug, Clone, Default)]
pub(crate) struct FaultState {
    rules: Arc<Mutex<Vec<FaultRule>>>,
}

impl FaultState {
    pub(crate) fn new(rules: Vec<FaultRule>) -> Self {
        Self {
            rules: Arc::new(Mutex::new(rules)),
        }
    }

    /// Appends a rule to the script.
    pub(crate) fn push(&self, rule: FaultRule) {
        self.rules
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(rule);
    }

    /// The fault for this request, using one use of the first matching rule.
    pub(crate) fn take(&self, path_and_query: &str) -> Option<FaultKind> {
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        let rule = rules
            .iter_mut()
            .find(|r| r.times > 0 && prefix_matches(&r.path_prefix, path_and_query))?;
        if rule.times != usize::MAX {
            rule.times -= 1;
        }
        Some(rule.kind)
    }
}

/// One request the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path and query as sent (`/m/api/entry/0/POST?page=0&size=20`).
    pub path_and_query: String,
    /// When it arrived.
    pub at: Instant,
}

/// Every request a replay server received, in arrival order. Cloning shares the log.
#[derive(Debug, Clone, Default)]
pub struct RequestLog {
    requests: Arc<Mutex<Vec<LoggedRequest>>>,
}

impl RequestLog {
    /// An empty log.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a request.
    pub fn record(&self, method: &str, path_and_query: &str) {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(LoggedRequest {
                method: method.to_string(),
                path_and_query: path_and_query.to_string(),
                at: Instant::now(),
            });
    }

    /// How many requests were for `prefix` or under it (see the module docs).
    #[must_use]
    pub fn count(&self, prefix: &str) -> usize {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|r| prefix_matches(prefix, &r.path_and_query))
            .count()
    }

    /// A copy of every request so far.
    #[must_use]
    pub fn all(&self) -> Vec<LoggedRequest> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Forgets every request so far.
    pub fn clear(&self) {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_at_boundaries() {
        assert!(prefix_matches("/1", "/1"));
        assert!(prefix_matches("/1", "/1?x=2"));
        assert!(!prefix_matches("/1", "/10"));
        assert!(prefix_matches("/", "/10"));
        assert!(prefix_matches("/m/api/", "/m/api/10/comment"));
        assert!(prefix_matches(
            "/m/api/entry/0/POST?",
            "/m/api/entry/0/POST?page=1"
        ));
        assert!(!prefix_matches(
            "/m/api/entry/0/POST?page=1",
            "/m/api/entry/0/POST?page=10"
        ));
        assert!(prefix_matches(
            "/m/api/entry/0/POST?page=1",
            "/m/api/entry/0/POST?page=1&size=20"
        ));
        assert!(!prefix_matches("/10", "/1"));
    }

    #[test]
    fn rules_are_used_up_in_order() {
        let state = FaultState::new(vec![
            FaultRule::new("/10", FaultKind::Status(500), 1),
            FaultRule::new("/", FaultKind::Reset, 2),
        ]);
        assert_eq!(state.take("/10"), Some(FaultKind::Status(500)));
        assert_eq!(state.take("/10"), Some(FaultKind::Reset));
        assert_eq!(state.take("/rss"), Some(FaultKind::Reset));
        assert_eq!(state.take("/10"), None);
        state.push(FaultRule::new("/rss", FaultKind::Truncate, usize::MAX));
        for _ in 0..3 {
            assert_eq!(state.take("/rss"), Some(FaultKind::Truncate));
        }
    }

    #[test]
    fn the_log_counts_by_prefix() {
        let log = RequestLog::new();
        log.record("GET", "/1");
        log.record("GET", "/10");
        log.record("HEAD", "/10?x");
        assert_eq!(log.count("/10"), 2);
        assert_eq!(log.count("/1"), 1);
        assert_eq!(log.all().len(), 3);
        log.clear();
        assert_eq!(log.count("/"), 0);
    }
}
