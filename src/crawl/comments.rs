//! Comments: Tistory loads them with JavaScript, so the page HTML never holds them. We read the
//! blog's JSON endpoint `/m/api/<id>/comment?startId=…` page by page and save everything it served
//! as `comments/<id>.json`. A failure here is a warning on the post, never a lost post. A walk
//! that stops short (its paging goes back on itself, a later page fails) returns the distinct
//! comments it read with why and where it stopped ([`Stopped`]); the caller weighs it
//! (`crawl::comments_weigh`).

use url::Url;

use crate::discover::comments::{comments_path, parse_comments};
use crate::fetch::Fetcher;
use crate::model::EntryId;

/// At most this many comment pages per post (a guard against an endless `nextId` loop).
pub const MAX_COMMENT_PAGES: usize = 200;

/// All comments of a post, as served.
#[derive(Debug, Clone)]
pub struct PostComments {
    /// The comment objects, in the order served (each distinct comment once).
    pub items: Vec<serde_json::Value>,
    /// True when the endpoint answered 404 on its first page: no comment list for this entry
    /// (comments closed), or the blog is gone; the caller weighs which
    /// (the end-of-run check that the blog still answers, and the post's known count).
    pub absent: bool,
    /// Set when the walk did not reach the list's last page: why, and the page it stopped at.
    pub stopped: Option<Stopped>,
    /// The last comment page read (`None` when no page was).
    pub last_page: Option<Url>,
}

/// Why a comment walk stopped before the list's last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped {
    /// The comment page it stopped at.
    pub at: Url,
    /// What that page did, in words naming it.
    pub reason: String,
    /// How it stopped.
    pub cause: StopCause,
}

/// How a comment walk stopped short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopCause {
    /// The paging went back on itself (a `nextId` already read, a page with no new comment) or
    /// ran past [`MAX_COMMENT_PAGES`]: asking again the same way gives the same walk.
    Paging,
    /// A page after the first failed (a request error, a 404, another status, a body that does
    /// not parse); `retryable` as [`CommentsError::retryable`] says.
    Failed {
        /// True when a later pass may get that page.
        retryable: bool,
    },
}

/// Why a post's comments could not be fetched: one case per way it fails, keeping its source or
/// its facts. Its text, naming the URL, is what the archive records as the comments' `last_error`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CommentsError {
    /// The comment endpoint's URL cannot be built from the blog's address.
    #[error("comment URL for {id}: {source}")]
    Url {
        /// The post.
        id: EntryId,
        /// Why the URL does not parse.
        source: url::ParseError,
    },
    /// The request failed (a timeout, a reset, retries used up); the error names the URL.
    #[error(transparent)]
    Request(crate::fetch::FetchError),
    /// A later comment page answered 404 while the first answered: the comments are half fetched.
    #[error("{url} answered 404 after {kept} comments: the comments are incomplete")]
    GoneMidway {
        /// The comment page that is gone.
        url: Url,
        /// How many comments the pages before it served.
        kept: usize,
    },
    /// A comment page answered another status than 200 or 404.
    #[error("{url} answered {status}")]
    Status {
        /// The comment page.
        url: Url,
        /// Its status.
        status: u16,
    },
    /// A comment page that does not parse (a cut, or an error page served 200).
    #[error("{url}: {}", crate::report::error_chain(.source))]
    Unparsable {
        /// The comment page.
        url: Url,
        /// Why it does not parse.
        source: crate::discover::DocumentError,
    },
    /// The endpoint answered 404 on its first page, or its paging went back on itself, while
    /// the blog counts more comments than it served: the comments are incomplete.
    #[error(
        "{cause}, but the blog counts {counted} comments for it (the list or its page): the comments are incomplete; they are tried again"
    )]
    FewerThanCounted {
        /// What the endpoint did, naming the URL or the post.
        cause: String,
        /// The most comments the mobile list or the post's page counts.
        counted: u64,
    },
}

impl CommentsError {
    /// True when a later pass may succeed: a transient request failure, a page gone midway, a
    /// page that did not parse, fewer comments than counted. A bad URL and an unexpected status are final.
    #[must_use]
    pub fn retryable(&self) -> bool {
        match self {
            Self::Url { .. } | Self::Status { .. } => false,
            Self::Request(e) => e.is_retryable(),
            Self::GoneMidway { .. } | Self::Unparsable { .. } | Self::FewerThanCounted { .. } => {
                true
            }
        }
    }
}

/// Fetches every page of a post's comments.
///
/// # Errors
/// A [`CommentsError`] naming the URL that failed.
pub async fn fetch_comments(
    fetcher: &Fetcher,
    base: &Url,
    id: EntryId,
) -> Result<PostComments, CommentsError> {
    let mut walk = Walk::default();
    let mut start: Option<u64> = None;
    let mut read_starts: std::collections::BTreeSet<Option<u64>> =
        std::collections::BTreeSet::new();
    for pages in 1..=MAX_COMMENT_PAGES {
        read_starts.insert(start);
        let url = base
            .join(&comments_path(id, start))
            .map_err(|source| CommentsError::Url { id, source })?;
        let page = match fetch_page(fetcher, &url, start.is_none(), walk.items.len()).await {
            Ok(Some(page)) => page,
            Ok(None) => return Ok(walk.absent()),
            // The first page failing is a failed fetch; a later one leaves the pages before it.
            Err(e) if start.is_none() => return Err(e),
            Err(e) => {
                let retryable = e.retryable();
                return Ok(walk.stop(url, e.to_string(), StopCause::Failed { retryable }));
            }
        };
        walk.last_page = Some(url.clone());
        let served = page.items.len();
        let before = walk.items.len();
        walk.add(page.items);
        let kept = walk.items.len();
        if start.is_some() && served > 0 && kept == before {
            let why = format!(
                "{url} served only comments already read: stopped after {kept} distinct comments"
            );
            return Ok(walk.stop(url, why, StopCause::Paging));
        }
        if pages == MAX_COMMENT_PAGES && !page.is_last {
            let why =
                format!("{url} is page {pages} and not the last: stopped after {kept} comments");
            return Ok(walk.stop(url, why, StopCause::Paging));
        }
        match page.next_start_id {
            Some(next) if !page.is_last && read_starts.contains(&Some(next)) => {
                let why = format!(
                    "{url} points back to startId={next}, a page already read: stopped after {kept} distinct comments"
                );
                return Ok(walk.stop(url, why, StopCause::Paging));
            }
            Some(next) if !page.is_last => start = Some(next),
            _ if page.more_unnamed => {
                let why = format!(
                    "{url} says it is not the last page but names no next one: stopped after {kept} comments"
                );
                return Ok(walk.stop(url, why, StopCause::Paging));
            }
            _ => break,
        }
    }
    Ok(walk.finished())
}

/// One comment page, read: `Ok(None)` when the first page answered 404 (no comment list);
/// `kept` is how many comments the pages before it served (for the error's words).
async fn fetch_page(
    fetcher: &Fetcher,
    url: &Url,
    first: bool,
    kept: usize,
) -> Result<Option<crate::discover::comments::CommentsPage>, CommentsError> {
    let fetched = fetcher
        .get(url, None)
        .await
        .map_err(CommentsError::Request)?;
    if fetched.status == 404 && first {
        // No comment endpoint for this entry: nothing to keep, if the caller's evidence
        // agrees (the blog still answers, no count above zero).
        return Ok(None);
    }
    if fetched.status == 404 {
        // A later page gone while the first answered: the comments are half fetched.
        return Err(CommentsError::GoneMidway {
            url: url.clone(),
            kept,
        });
    }
    if fetched.status != 200 {
        return Err(CommentsError::Status {
            url: url.clone(),
            status: fetched.status,
        });
    }
    let text = String::from_utf8_lossy(&fetched.body);
    // A page that does not parse may be a cut or an error page served with 200: try again.
    parse_comments(&text)
        .map(Some)
        .map_err(|source| CommentsError::Unparsable {
            url: url.clone(),
            source,
        })
}

/// A walk in progress: the distinct comments read, and the last page read.
#[derive(Debug, Default)]
struct Walk {
    items: Vec<serde_json::Value>,
    seen: Distinct,
    last_page: Option<Url>,
}

impl Walk {
    fn add(&mut self, items: Vec<serde_json::Value>) {
        let seen = &mut self.seen;
        self.items
            .extend(items.into_iter().filter(|c| seen.first_time(c)));
    }

    fn absent(self) -> PostComments {
        PostComments {
            items: self.items,
            absent: true,
            stopped: None,
            last_page: self.last_page,
        }
    }

    fn stop(self, at: Url, reason: String, cause: StopCause) -> PostComments {
        PostComments {
            items: self.items,
            absent: false,
            stopped: Some(Stopped { at, reason, cause }),
            last_page: self.last_page,
        }
    }

    fn finished(self) -> PostComments {
        PostComments {
            items: self.items,
            absent: false,
            stopped: None,
            last_page: self.last_page,
        }
    }
}

/// The comments already kept, by their `id` (an item without one is compared whole): a page
/// served twice adds nothing.
#[derive(Debug, Default)]
struct Distinct(std::collections::HashSet<String>);

impl Distinct {
    fn first_time(&mut self, comment: &serde_json::Value) -> bool {
        let key = match comment.get("id") {
            Some(id) if !id.is_null() => format!("id:{id}"),
            _ => format!("item:{comment}"),
        };
        self.0.insert(key)
    }
}

/// Counts comments including replies nested under `children` / `replies`.
#[must_use]
pub fn count_comments(items: &[serde_json::Value]) -> usize {
    items
        .iter()
        .map(|c| {
            let nested = ["children", "replies"]
                .iter()
                .filter_map(|k| c.get(*k).and_then(|v| v.as_array()))
                .map(|a| count_comments(a))
                .sum::<usize>();
            1 + nested
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_nested_replies() {
        let items: Vec<serde_json::Value> =
            serde_json::from_str(r#"[{"id":1,"children":[{"id":2},{"id":3}]},{"id":4}]"#).unwrap();
        assert_eq!(count_comments(&items), 4);
    }
}
