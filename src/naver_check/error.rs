//! Why the Naver-side check could not run or could not read something. Each variant names the
//! URL or file and keeps the cause. A page that cannot be read is a finding of the report, not a
//! failed run: the check records the message (with its causes) and goes on.

use std::path::PathBuf;

/// A failure of the Naver-side check.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NaverError {
    /// The HTTP client could not be set up.
    #[error("cannot build the HTTP client for Naver")]
    Client(#[source] reqwest::Error),
    /// No async runtime could be started (the synchronous `verify --naver`).
    #[error("cannot start the async runtime for the Naver check")]
    Runtime(#[source] std::io::Error),
    /// No answer after every attempt (connection refused, timeout).
    #[error("no answer from {url} after {attempts} attempts")]
    NoAnswer {
        /// The address.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        #[source]
        source: reqwest::Error,
    },
    /// The answer's body could not be read.
    #[error("cannot read the answer of {url}")]
    Body {
        /// The address.
        url: String,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
    /// The page is larger than any Naver post page.
    #[error("{url}: the page is over {limit} bytes")]
    TooLarge {
        /// The address.
        url: String,
        /// The limit.
        limit: usize,
    },
    /// A bundle file could not be read.
    #[error("cannot read {}", path.display())]
    ReadBundle {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A bundle manifest is not what `bundle` writes.
    #[error("{} is not a bundle manifest as `bundle` writes it", path.display())]
    BadManifest {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The feed is not XML.
    #[error("the feed is not XML")]
    FeedNotXml(#[source] roxmltree::Error),
    /// The feed is XML but not RSS.
    #[error("not an RSS feed (the root element is <{0}>)")]
    NotRss(String),
}
