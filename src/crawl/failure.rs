//! Why an entry page's fetch came to nothing to archive: one case per way it fails, each keeping
//! its source error or the facts it was judged on. Its `Display` is the text the archive records
//! as the entry's (or the slug's) `last_error` and the report prints, so the stored text stays a
//! sentence naming the URL while the crawl decides on the case ([`PageFailure::retryable`]).
//! Pure: the verdict and the page fetch build it, the crawl records it.

use crate::fetch::FetchError;
use crate::model::EntryId;

/// Why an entry page's fetch failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PageFailure {
    /// robots.txt forbids the page (and `--ignore-robots` was not given).
    #[error("{url} is disallowed by the blog's robots.txt (--ignore-robots)")]
    Disallowed {
        /// The page.
        url: String,
    },
    /// The request itself failed (a timeout, a reset, retries used up); the error names the URL.
    #[error(transparent)]
    Request(FetchError),
    /// The page redirected to an address that is not the blog's.
    #[error("{url} redirected off the blog to {to}")]
    OffBlog {
        /// The page asked for.
        url: String,
        /// Where the redirects ended.
        to: String,
    },
    /// The redirects ended at a page that is not the entry asked for, and says nothing of whether
    /// it still exists ([`super::redirected`]).
    #[error(
        "{url} redirected to {to}, {end}, not {entry}'s page; whether {entry} still exists is unknown, so it is not taken as archived or deleted"
    )]
    Redirected {
        /// The page asked for.
        url: String,
        /// Where the redirects ended.
        to: String,
        /// What was there.
        end: RedirectEnd,
        /// `post N`, or `the post` for a slug permalink.
        entry: String,
    },
    /// A failure judged on the page at the end of a redirect.
    #[error("{failure} (redirected{} to {to})", if *off_blog { " off the blog" } else { "" })]
    AfterRedirect {
        /// Where the redirects ended.
        to: String,
        /// On another host than the blog's.
        off_blog: bool,
        /// What the page there came to.
        failure: Box<PageFailure>,
    },
    /// The bytes served cannot be decoded as a page (empty, an unknown charset).
    #[error("{url} answered {status}: {source}")]
    Undecodable {
        /// The page.
        url: String,
        /// Its status.
        status: u16,
        /// The decoder's error.
        source: crate::Error,
    },
    /// A block page: rate limiting or a temporary access restriction.
    #[error(
        "{url} answered {status} with a block page (rate limited or access restricted); it is tried again after a cool-down, and a lower --rate helps"
    )]
    Blocked {
        /// The page.
        url: String,
        /// Its status.
        status: u16,
    },
    /// A post page served with a status that is neither 200 nor gone.
    #[error("{url} answered {status} with a post page")]
    PostWithStatus {
        /// The page.
        url: String,
        /// Its status.
        status: u16,
    },
    /// A page with Tistory's post markers but no body container: a cut page.
    #[error("{url}: a post page without its body ({reason}): cut off? it is tried again")]
    BodyMissing {
        /// The page.
        url: String,
        /// The extractor's words for what the page is.
        reason: String,
    },
    /// A page that is not an entry, served with a status that is neither 200 nor gone.
    #[error("{url} answered {status} ({reason}){hint}", hint = status_hint(*status))]
    NotEntryWithStatus {
        /// The page.
        url: String,
        /// Its status.
        status: u16,
        /// The extractor's words for what the page is.
        reason: String,
    },
    /// A page served 200 that the extractor cannot read (no entry id, …); its error names the page.
    #[error(transparent)]
    Unreadable(crate::Error),
    /// A page the extractor cannot read, served with a status that is neither 200 nor gone.
    #[error("{url} answered {status}{hint}", hint = status_hint(*status))]
    Status {
        /// The page.
        url: String,
        /// Its status.
        status: u16,
    },
    /// The page served is another post's (its own id says so), not the one asked for.
    #[error(
        "{url} answered with the page of post {served} (its own id says so), not post {asked}'s; it is tried again"
    )]
    OtherPost {
        /// The page.
        url: String,
        /// The id the page names.
        served: EntryId,
        /// The id asked for.
        asked: EntryId,
    },
}

impl PageFailure {
    /// True when a later pass may get the page: a transient request failure, a block, a cut or
    /// mixed-up page, or a status that may pass. A refusal by robots.txt, a redirect off the
    /// blog and a page served 200 that cannot be read are final.
    pub(crate) fn retryable(&self) -> bool {
        match self {
            Self::Disallowed { .. } | Self::OffBlog { .. } | Self::Unreadable(_) => false,
            Self::Request(e) => e.is_retryable(),
            Self::Redirected { .. } => false,
            Self::AfterRedirect { failure, .. } => failure.retryable(),
            Self::Undecodable { status, .. } => *status != 200,
            Self::Blocked { .. }
            | Self::PostWithStatus { .. }
            | Self::BodyMissing { .. }
            | Self::NotEntryWithStatus { .. }
            | Self::Status { .. }
            | Self::OtherPost { .. } => true,
        }
    }
}

/// What a redirect ended at, when it is not the entry asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RedirectEnd {
    /// The blog's home page.
    Home,
    /// Another page of the blog that is no post.
    NoPost,
    /// A post of another blog (its Tistory name).
    AnotherBlog(String),
    /// A page of a site that does not say it is this blog.
    OtherSite,
}

impl std::fmt::Display for RedirectEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Home => f.write_str("the blog's home page"),
            Self::NoPost => f.write_str("a page of the blog that is no post"),
            Self::AnotherBlog(name) => write!(f, "a page of another blog ({name})"),
            Self::OtherSite => f.write_str("a page of a site that is not this blog"),
        }
    }
}

/// What to add after a status: 403 is the blog refusing us for a while.
fn status_hint(status: u16) -> &'static str {
    if status == 403 {
        " (access refused: tried again after a cool-down; a lower --rate helps)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://x.tistory.com/11";

    #[test]
    fn the_text_recorded_names_the_url_and_the_facts() {
        let cases = [
            (
                PageFailure::Disallowed { url: URL.into() },
                "https://x.tistory.com/11 is disallowed by the blog's robots.txt (--ignore-robots)",
                false,
            ),
            (
                PageFailure::OffBlog {
                    url: URL.into(),
                    to: "https://elsewhere.example/".into(),
                },
                "https://x.tistory.com/11 redirected off the blog to https://elsewhere.example/",
                false,
            ),
            (
                PageFailure::PostWithStatus {
                    url: URL.into(),
                    status: 500,
                },
                "https://x.tistory.com/11 answered 500 with a post page",
                true,
            ),
            (
                PageFailure::NotEntryWithStatus {
                    url: URL.into(),
                    status: 403,
                    reason: "no post markers".into(),
                },
                "https://x.tistory.com/11 answered 403 (no post markers) (access refused: tried again after a cool-down; a lower --rate helps)",
                true,
            ),
            (
                PageFailure::Status {
                    url: URL.into(),
                    status: 502,
                },
                "https://x.tistory.com/11 answered 502",
                true,
            ),
            (
                PageFailure::OtherPost {
                    url: URL.into(),
                    served: 12,
                    asked: 11,
                },
                "https://x.tistory.com/11 answered with the page of post 12 (its own id says so), not post 11's; it is tried again",
                true,
            ),
            (
                PageFailure::Undecodable {
                    url: URL.into(),
                    status: 200,
                    source: crate::Error::EmptyPage { path: URL.into() },
                },
                "https://x.tistory.com/11 answered 200: ",
                false,
            ),
        ];
        for (failure, text, retryable) in cases {
            assert!(failure.to_string().starts_with(text), "{failure}");
            assert_eq!(failure.retryable(), retryable, "{failure}");
        }
    }
}
