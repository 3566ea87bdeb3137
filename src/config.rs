//! Turning raw command-line values into typed settings, once, with errors that say what to fix.
//! Nothing past `main` sees clap types.

use std::num::NonZeroUsize;

use url::Url;

use crate::cli::FetchArgs;
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
}

/// Resolves fetch flags. `local` (a replay on 127.0.0.1) drops the rate limit unless one is given.
///
/// # Errors
/// A message naming the bad flag.
pub fn crawl_settings(args: &FetchArgs, local: bool) -> Result<CrawlSettings, String> {
    let mut policy = FetchPolicy::default();
    match args.rate {
        Some(r) if !r.is_finite() || r < 0.0 => {
            return Err(format!("--rate {r}: give requests per second, 0 or more"));
        }
        Some(r) if r.abs() < f64::EPSILON => policy.rate = None,
        Some(r) => policy.rate = Some(r),
        None if local => policy.rate = None,
        None => {}
    }
    if let Some(c) = args.concurrency {
        policy.concurrency = NonZeroUsize::new(c).ok_or("--concurrency must be at least 1")?;
    }
    if let Some(a) = args.max_attempts {
        if a == 0 {
            return Err("--max-attempts must be at least 1".into());
        }
        policy.max_attempts = a;
    }
    if let Some(ua) = &args.user_agent {
        if ua.trim().is_empty() {
            return Err("--user-agent cannot be empty".into());
        }
        policy.user_agent.clone_from(ua);
    }
    if let Some(b) = args.max_body_bytes {
        policy.max_body_bytes = b;
    }
    if let Some(n) = args.retry_passes {
        policy.retry_passes = n;
    }
    if let Some(secs) = args.request_deadline {
        if !secs.is_finite() || secs <= 0.0 {
            return Err(format!(
                "--request-deadline {secs}: give the seconds one request may take, more than 0"
            ));
        }
        policy.request_deadline = std::time::Duration::from_secs_f64(secs.min(86_400.0));
    }
    policy.respect_robots = !args.ignore_robots;
    let mut wayback = crate::crawl::wayback::WaybackOptions {
        forced: args.wayback,
        ..crate::crawl::wayback::WaybackOptions::default()
    };
    if let Some(e) = &args.wayback_endpoint {
        wayback.endpoint = url::Url::parse(e)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| {
                format!(
                    "--wayback-endpoint {e}: give an http(s) address, e.g. https://web.archive.org"
                )
            })?;
    }
    match args.wayback_rate {
        Some(r) if !r.is_finite() || r <= 0.0 => {
            return Err(format!(
                "--wayback-rate {r}: give requests per second, more than 0"
            ));
        }
        Some(r) => wayback.rate = r,
        None => {}
    }
    Ok(CrawlSettings {
        wayback,
        policy,
        refresh: args.refresh,
        comments: !args.no_comments,
        scan_margin: args.scan_margin,
        exhaustive_discovery: args.exhaustive_discovery,
        retry_failed: false,
        warc_max_bytes: match args.warc_max_bytes {
            Some(0) => return Err("--warc-max-bytes must be at least 1".into()),
            Some(n) => Some(n),
            None => args.warc.then_some(crate::warc::DEFAULT_WARC_MAX_BYTES),
        },
    })
}

/// Parses a blog address: `https://name.tistory.com`, `name.tistory.com`, a custom domain or a post URL.
///
/// # Errors
/// A message saying what a valid address looks like.
pub fn parse_blog(input: &str) -> Result<Url, String> {
    let s = input.trim();
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("https://{s}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| {
        format!("{input:?} is not a blog address ({e}); use e.g. https://name.tistory.com")
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "{input:?} is not a blog address; use e.g. https://name.tistory.com"
        ));
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
        assert!(parse_blog("not a url at all").is_err());
    }
}
