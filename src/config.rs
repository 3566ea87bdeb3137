//! The typed settings the commands run with, and the one error type for a bad option. The
//! command line is turned into these once, by [`crate::cli::resolve`]; nothing here (and nothing
//! past `main`) sees clap types. Every error names the flag and says what a good value is.

use std::path::PathBuf;

use url::Url;

use crate::fetch::FetchPolicy;

/// Crawl settings from the command line.
#[derive(Debug, Clone)]
pub struct CrawlSettings {
    /// Politeness.
    pub policy: FetchPolicy,
    /// `--refresh`.
    pub refresh: bool,
    /// Comments on or off.
    pub comments: bool,
    /// `--scan-margin`; `None` = proportionate to the blog.
    pub scan_margin: Option<u64>,
    /// `crawl --retry-failed`: repair only (no discovery, no id scan).
    pub retry_failed: bool,
    /// The Wayback Machine source (`--wayback`, `--wayback-endpoint`, `--wayback-rate`).
    pub wayback: crate::crawl::wayback::WaybackOptions,
    /// `--warc`: the size at which a WARC file is finished and a new one started; `None` = no WARC.
    pub warc_max_bytes: Option<u64>,
    /// `--exhaustive-discovery`: walk every listing page too.
    pub exhaustive_discovery: bool,
    /// A WARC replay's captures (`migrate <file.warc.gz>`): each copy the crawl writes is
    /// recorded as its capture. `None` for every other source.
    pub captures: Option<std::sync::Arc<crate::crawl::captured::CaptureDates>>,
}

/// A command-line value that cannot be used (exit code 3). The message names the flag or the
/// argument and says what to give instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OptionError {
    /// A value outside the range the flag accepts.
    #[error("{flag} {value}: give {expected}")]
    OutOfRange {
        /// The flag (`--rate`).
        flag: &'static str,
        /// The value given.
        value: String,
        /// What it should be, in words (`requests per second, 0 or more`).
        expected: String,
    },
    /// A value that should be an address and is not one.
    #[error("{flag} {value:?} is not an address; give {expected}")]
    NotAnAddress {
        /// The flag.
        flag: &'static str,
        /// The value given.
        value: String,
        /// An example of a good one.
        expected: &'static str,
        /// The URL parser's error, when it got that far.
        #[source]
        source: Option<url::ParseError>,
    },
    /// The blog argument is not a blog address.
    #[error("{input:?} is not a blog address{}; use e.g. https://name.tistory.com", if *.not_a_directory { " (nor is it a directory)" } else { "" })]
    BlogAddress {
        /// What was given.
        input: String,
        /// True for `migrate`, whose source may also be a directory.
        not_a_directory: bool,
        /// The URL parser's error, when it got that far.
        #[source]
        source: Option<url::ParseError>,
    },
    /// A directory argument that is not a directory.
    #[error("{} is not a directory", path.display())]
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
    /// A value that a library type refused (the source says why; it names the flag).
    #[error("{flag}")]
    Refused {
        /// The flag.
        flag: &'static str,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl OptionError {
    /// A value outside the flag's range.
    pub(crate) fn range(
        flag: &'static str,
        value: impl ToString,
        expected: impl Into<String>,
    ) -> Self {
        Self::OutOfRange {
            flag,
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}

/// Parses a blog address: `https://name.tistory.com`, `name.tistory.com`, a custom domain or a post URL.
///
/// # Errors
/// [`OptionError::BlogAddress`] saying what a valid address looks like.
pub fn parse_blog(input: &str) -> Result<Url, OptionError> {
    let s = input.trim();
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("https://{s}")
    };
    let bad = |source| OptionError::BlogAddress {
        input: input.to_string(),
        not_a_directory: false,
        source,
    };
    let url = Url::parse(&with_scheme).map_err(|e| bad(Some(e)))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(bad(None));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blog_addresses() {
        assert_eq!(
            parse_blog("river.tistory.com").unwrap().as_str(),
            "https://river.tistory.com/"
        );
        assert_eq!(
            parse_blog("https://river.tistory.com/12").unwrap().path(),
            "/12"
        );
        assert!(parse_blog("ftp://x").is_err());
        assert!(parse_blog("http://").is_err());
        let err = parse_blog("not a url at all").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"not a url at all\" is not a blog address; use e.g. https://name.tistory.com"
        );
        assert!(
            std::error::Error::source(&err).is_some(),
            "keeps the URL error"
        );
    }
}
