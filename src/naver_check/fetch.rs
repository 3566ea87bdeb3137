//! Fetching public Naver pages, politely: one request at a time, each sent at least
//! [`NaverFetchOptions::interval`] (default two seconds) after the previous answer ended, a User-Agent that names the tool,
//! no cookies (the client has no cookie store and never sends the user's), and on 429 or 5xx a
//! backoff (the `Retry-After` when Naver gives one, else twice the interval, doubling) up to
//! [`NaverFetchOptions::attempts`]. The endpoint is configurable ([`NaverEndpoint`]) so tests and
//! users behind a proxy can point it elsewhere.

use std::time::Duration;

use tokio::time::Instant;
use url::Url;

use super::error::NaverError;
use super::{DEFAULT_NAVER_ATTEMPTS, DEFAULT_NAVER_INTERVAL};
use crate::bundle::NaverPostRef;

/// The largest page read (a post page is far smaller).
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;
/// The longest `Retry-After` honoured; a longer one ends the attempts for this URL.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// Where Naver's pages are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaverEndpoint {
    /// The desktop blog (`https://blog.naver.com`): `PostView.naver?blogId=…&logNo=…`.
    pub blog: Url,
    /// The mobile blog (`https://m.blog.naver.com`): `<blogId>/<logNo>`.
    pub mobile: Url,
    /// The feeds (`https://rss.blog.naver.com`): `<blogId>.xml`.
    pub rss: Url,
}

impl Default for NaverEndpoint {
    fn default() -> Self {
        let u = |s: &str| Url::parse(s).expect("a static URL parses");
        Self {
            blog: u("https://blog.naver.com/"),
            mobile: u("https://m.blog.naver.com/"),
            rss: u("https://rss.blog.naver.com/"),
        }
    }
}

/// A Naver endpoint that is not an http(s) base URL.
#[derive(Debug, thiserror::Error)]
#[error("{base:?} is not an http or https base URL; give one like http://127.0.0.1:8800")]
pub struct NaverEndpointError {
    /// The value given.
    pub base: String,
    /// The URL parser's error, when it got that far.
    #[source]
    pub source: Option<url::ParseError>,
}

impl NaverEndpoint {
    /// One base URL for everything (`--naver-endpoint`): the desktop pages at `BASE/PostView.naver`,
    /// the mobile pages at `BASE/m/<blogId>/<logNo>`, the feed at `BASE/rss/<blogId>.xml`.
    ///
    /// # Errors
    /// [`NaverEndpointError`] naming the value when it is not an http(s) URL.
    pub fn single(base: &str) -> Result<Self, NaverEndpointError> {
        let bad = |source| NaverEndpointError {
            base: base.to_owned(),
            source,
        };
        let mut url = Url::parse(base.trim()).map_err(|e| bad(Some(e)))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(bad(None));
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        let join = |p: &str| url.join(p).map_err(|e| bad(Some(e)));
        Ok(Self {
            blog: url.clone(),
            mobile: join("m/")?,
            rss: join("rss/")?,
        })
    }

    /// The post's frame content: `PostView.naver?blogId=<id>&logNo=<logNo>`.
    #[must_use]
    pub fn post_view(&self, post: &NaverPostRef) -> Url {
        let mut u = self
            .blog
            .join("PostView.naver")
            .unwrap_or_else(|_| self.blog.clone());
        u.query_pairs_mut()
            .append_pair("blogId", &post.blog_id)
            .append_pair("logNo", &post.log_no);
        u
    }

    /// The mobile page: `<mobile>/<id>/<logNo>`.
    #[must_use]
    pub fn mobile_page(&self, post: &NaverPostRef) -> Url {
        let mut u = self.mobile.clone();
        if let Ok(mut segs) = u.path_segments_mut() {
            segs.pop_if_empty().push(&post.blog_id).push(&post.log_no);
        }
        u
    }

    /// The blog's feed: `<rss>/<id>.xml`.
    #[must_use]
    pub fn feed(&self, blog_id: &str) -> Url {
        let mut u = self.rss.clone();
        if let Ok(mut segs) = u.path_segments_mut() {
            segs.pop_if_empty().push(&format!("{blog_id}.xml"));
        }
        u
    }

    /// True when `url` is on one of the endpoint's hosts (a frame is followed only there).
    #[must_use]
    pub fn owns(&self, url: &Url) -> bool {
        [&self.blog, &self.mobile, &self.rss].iter().any(|b| {
            b.host_str() == url.host_str()
                && b.port_or_known_default() == url.port_or_known_default()
        })
    }
}

/// How to fetch.
#[derive(Debug, Clone)]
pub struct NaverFetchOptions {
    /// Where.
    pub endpoint: NaverEndpoint,
    /// The least time between two requests.
    pub interval: Duration,
    /// Attempts per URL on 429/5xx and transport errors, the first included.
    pub attempts: u32,
    /// The User-Agent.
    pub user_agent: String,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl Default for NaverFetchOptions {
    fn default() -> Self {
        Self {
            endpoint: NaverEndpoint::default(),
            interval: DEFAULT_NAVER_INTERVAL,
            attempts: DEFAULT_NAVER_ATTEMPTS,
            user_agent: format!(
                "tistory-migrate/{} (+https://crates.io/crates/tistory-migrate; checking posts its user published)",
                env!("CARGO_PKG_VERSION")
            ),
            timeout: Duration::from_secs(30),
        }
    }
}

/// One answer.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The HTTP status.
    pub status: u16,
    /// The body as text.
    pub body: String,
    /// The URL after redirects.
    pub url: Url,
}

/// A paced client for Naver's public pages.
pub struct NaverClient {
    http: reqwest::Client,
    options: NaverFetchOptions,
    last: Option<Instant>,
    requests: usize,
}

impl NaverClient {
    /// Builds the client.
    ///
    /// # Errors
    /// [`NaverError::Client`] when the HTTP client cannot be set up.
    pub fn new(options: NaverFetchOptions) -> Result<Self, NaverError> {
        // Idempotent: a second call finds the provider installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(options.user_agent.clone())
            .timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(NaverError::Client)?;
        Ok(Self {
            http,
            options,
            last: None,
            requests: 0,
        })
    }

    /// The endpoint.
    #[must_use]
    pub fn endpoint(&self) -> &NaverEndpoint {
        &self.options.endpoint
    }

    /// Requests sent so far.
    #[must_use]
    pub fn requests(&self) -> usize {
        self.requests
    }

    async fn pace(&mut self, at_least: Duration) {
        if let Some(last) = self.last {
            tokio::time::sleep_until(last + at_least).await;
        }
    }

    /// GETs `url`, paced and retried. A final 429/5xx comes back as an answer, not an error.
    ///
    /// # Errors
    /// [`NaverError`] when no answer came (connection refused, timeout) after every attempt.
    pub async fn get(&mut self, url: &Url) -> Result<Fetched, NaverError> {
        let mut wait = self.options.interval;
        let attempts = self.options.attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.pace(wait).await;
            self.requests += 1;
            let result = self.http.get(url.clone()).send().await;
            // The pause counts from the answer, so Naver sees the interval between one answer
            // and the next request however long the request took to arrive.
            self.last = Some(Instant::now());
            let backoff =
                (self.options.interval * 2).max(Duration::from_millis(1)) * 2u32.pow(attempt - 1);
            match result {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let retryable = status == 429 || (500..600).contains(&status);
                    if retryable
                        && attempt < attempts
                        && retry_after.is_none_or(|d| d <= MAX_RETRY_AFTER)
                    {
                        tracing::debug!(%url, status, attempt, "naver: backing off");
                        wait = retry_after.unwrap_or(backoff).max(self.options.interval);
                        continue;
                    }
                    let final_url = resp.url().clone();
                    let bytes = resp.bytes().await;
                    self.last = Some(Instant::now());
                    let bytes = bytes.map_err(|source| NaverError::Body {
                        url: url.to_string(),
                        source,
                    })?;
                    if bytes.len() > MAX_PAGE_BYTES {
                        return Err(NaverError::TooLarge {
                            url: url.to_string(),
                            limit: MAX_PAGE_BYTES,
                        });
                    }
                    return Ok(Fetched {
                        status,
                        body: String::from_utf8_lossy(&bytes).into_owned(),
                        url: final_url,
                    });
                }
                Err(e) if attempt < attempts => {
                    tracing::debug!(%url, attempt, "naver: {e}");
                    wait = backoff;
                }
                Err(source) => {
                    return Err(NaverError::NoAnswer {
                        url: url.to_string(),
                        attempts,
                        source,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls() {
        let post = NaverPostRef {
            blog_id: "river".into(),
            log_no: "223000000001".into(),
        };
        let real = NaverEndpoint::default();
        assert_eq!(
            real.post_view(&post).as_str(),
            "https://blog.naver.com/PostView.naver?blogId=river&logNo=223000000001"
        );
        assert_eq!(
            real.mobile_page(&post).as_str(),
            "https://m.blog.naver.com/river/223000000001"
        );
        assert_eq!(
            real.feed("river").as_str(),
            "https://rss.blog.naver.com/river.xml"
        );
        let local = NaverEndpoint::single("http://127.0.0.1:9/naver").unwrap();
        assert_eq!(
            local.post_view(&post).as_str(),
            "http://127.0.0.1:9/naver/PostView.naver?blogId=river&logNo=223000000001"
        );
        assert_eq!(
            local.mobile_page(&post).as_str(),
            "http://127.0.0.1:9/naver/m/river/223000000001"
        );
        assert_eq!(
            local.feed("river").as_str(),
            "http://127.0.0.1:9/naver/rss/river.xml"
        );
        assert!(local.owns(&Url::parse("http://127.0.0.1:9/x").unwrap()));
        assert!(!local.owns(&Url::parse("http://127.0.0.1:10/x").unwrap()));
        assert!(
            NaverEndpoint::single("ftp://x")
                .unwrap_err()
                .to_string()
                .contains("\"ftp://x\" is not an http or https base URL")
        );
        assert!(NaverEndpoint::single("nonsense").is_err());
    }
}
