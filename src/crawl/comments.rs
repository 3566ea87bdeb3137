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

/// Why a post's comments could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CommentsError {
    /// What failed, naming the URL.
    pub message: String,
    /// True when a later pass may succeed (a timeout, a reset, a status that stayed transient).
    pub retryable: bool,
}

impl CommentsError {
    fn fin(message: String) -> Self {
        Self {
            message,
            retryable: false,
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
            .map_err(|e| CommentsError::fin(format!("comment URL for {id}: {e}")))?;
        let fetched = fetcher.get(&url, None).await.map_err(|e| CommentsError {
            message: e.to_string(),
            retryable: e.is_retryable(),
        })?;
        if fetched.status == 404 && start.is_none() {
            // No comment endpoint for this entry (comments closed): nothing to keep.
            break;
        }
        if fetched.status == 404 {
            // A later page gone while the first answered: the comments are half fetched, and
            // keeping the first pages as all of them would record a loss as complete.
            return Err(CommentsError {
                message: format!(
                    "{url} answered 404 after {} comments: the comments are incomplete",
                    items.len()
                ),
                retryable: true,
            });
        }
        if fetched.status != 200 {
            return Err(CommentsError::fin(format!(
                "{url} answered {}",
                fetched.status
            )));
        }
        let text = String::from_utf8_lossy(&fetched.body);
        // A page that does not parse may be a cut or an error page served with 200: try again.
        let page = parse_comments(&text).map_err(|e| CommentsError {
            message: format!("{url}: {}", crate::report::error_chain(&e)),
            retryable: true,
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
