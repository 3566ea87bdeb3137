//! Comments: Tistory loads them with JavaScript, so the page HTML never holds them. We read the
//! blog's JSON endpoint `/m/api/<id>/comment?startId=…` page by page and save everything it served
//! as `comments/<id>.json`. A failure here is a warning on the post, never a lost post.

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
    /// Set when the paging went back to a page already read (a `nextId` repeating or cycling):
    /// the walk stopped there, with the distinct comments read so far.
    pub looped: Option<String>,
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
    let mut items = Vec::new();
    let mut seen = Distinct::default();
    let mut start: Option<u64> = None;
    let mut read_starts: std::collections::BTreeSet<Option<u64>> =
        std::collections::BTreeSet::new();
    let mut looped = None;
    for pages in 1..=MAX_COMMENT_PAGES {
        read_starts.insert(start);
        let url = base
            .join(&comments_path(id, start))
            .map_err(|source| CommentsError::Url { id, source })?;
        let fetched = fetcher
            .get(&url, None)
            .await
            .map_err(CommentsError::Request)?;
        if fetched.status == 404 && start.is_none() {
            // No comment endpoint for this entry: nothing to keep, if the caller's evidence
            // agrees (the blog still answers, no count above zero).
            return Ok(PostComments {
                items,
                absent: true,
                looped: None,
            });
        }
        if fetched.status == 404 {
            // A later page gone while the first answered: the comments are half fetched, and
            // keeping the first pages as all of them would record a loss as complete.
            return Err(CommentsError::GoneMidway {
                url,
                kept: items.len(),
            });
        }
        if fetched.status != 200 {
            return Err(CommentsError::Status {
                url,
                status: fetched.status,
            });
        }
        let text = String::from_utf8_lossy(&fetched.body);
        // A page that does not parse may be a cut or an error page served with 200: try again.
        let page = parse_comments(&text).map_err(|source| CommentsError::Unparsable {
            url: url.clone(),
            source,
        })?;
        let served = page.items.len();
        let before = items.len();
        items.extend(page.items.into_iter().filter(|c| seen.first_time(c)));
        if start.is_some() && served > 0 && items.len() == before {
            looped = Some(format!(
                "{url} served only comments already read: stopped after {} distinct comments",
                items.len()
            ));
            break;
        }
        if pages == MAX_COMMENT_PAGES && !page.is_last {
            looped = Some(format!(
                "{url} is page {pages} and not the last: stopped after {} comments",
                items.len()
            ));
            break;
        }
        match page.next_start_id {
            Some(next) if !page.is_last && read_starts.contains(&Some(next)) => {
                looped = Some(format!(
                    "{url} points back to startId={next}, a page already read: stopped after {} distinct comments",
                    items.len()
                ));
                break;
            }
            Some(next) if !page.is_last => start = Some(next),
            _ => break,
        }
    }
    Ok(PostComments {
        items,
        absent: false,
        looped,
    })
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
