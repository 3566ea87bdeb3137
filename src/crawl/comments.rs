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
    /// The comment objects, in the order served.
    pub items: Vec<serde_json::Value>,
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
}

impl CommentsError {
    /// True when a later pass may succeed: a transient request failure, a page gone midway, a
    /// page that did not parse. A bad URL and an unexpected status are final.
    #[must_use]
    pub fn retryable(&self) -> bool {
        match self {
            Self::Url { .. } | Self::Status { .. } => false,
            Self::Request(e) => e.is_retryable(),
            Self::GoneMidway { .. } | Self::Unparsable { .. } => true,
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
    let mut start: Option<u64> = None;
    for _ in 0..MAX_COMMENT_PAGES {
        let url = base
            .join(&comments_path(id, start))
            .map_err(|source| CommentsError::Url { id, source })?;
        let fetched = fetcher
            .get(&url, None)
            .await
            .map_err(CommentsError::Request)?;
        if fetched.status == 404 && start.is_none() {
            // No comment endpoint for this entry (comments closed): nothing to keep.
            break;
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
        items.extend(page.items);
        match page.next_start_id {
            Some(next) if !page.is_last && Some(next) != start => start = Some(next),
            _ => break,
        }
    }
    Ok(PostComments { items })
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
