//! Captures of a post's comment endpoint in the CDX rows: `/m/api/<id>/comment` (and the
//! `/api/<id>/comment` some skins call), first pages and the pages after them (`?startId=N`),
//! in either order (`?reverse=true`), read into which post and which page each one is. The count,
//! config and reaction endpoints beside them (`/comment/count`, …) are not comment lists. Pure:
//! the crawl fetches them ([`crate::crawl::wayback`]) and reads each through the live parser
//! ([`super::comments::parse_comments`]).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::wayback::{CdxRow, own_path};
use crate::model::EntryId;

static COMMENT_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:/m)?/api/(\d{1,12})/comment/?$").expect("valid regex"));

/// One capture of a page of a post's comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentCapture {
    /// `startId`: `None` for the first page.
    pub start_id: Option<u64>,
    /// `reverse=true`: the page lists the comments in the other order.
    pub reverse: bool,
    /// The CDX row.
    pub row: CdxRow,
}

/// The captures of one post's comment pages, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostCommentCaptures {
    /// Every capture, newest first.
    pub captures: Vec<CommentCapture>,
}

impl PostCommentCaptures {
    /// The captures of first pages, newest first: each is a place to start reading from.
    pub fn first_pages(&self) -> impl Iterator<Item = &CommentCapture> {
        self.captures.iter().filter(|c| c.start_id.is_none())
    }

    /// The newest capture of the page that starts at `start_id`, in the order `reverse` says.
    #[must_use]
    pub fn page(&self, start_id: u64, reverse: bool) -> Option<&CommentCapture> {
        self.captures
            .iter()
            .find(|c| c.start_id == Some(start_id) && c.reverse == reverse)
    }
}

/// The post and page a captured URL is, when it is a comment list of one of the blog's hosts.
fn comment_page_of(original: &str, hosts: &[String]) -> Option<(EntryId, Option<u64>, bool)> {
    let path = own_path(original, hosts)?;
    let id: EntryId = COMMENT_PATH.captures(&path)?[1].parse().ok()?;
    let url = Url::parse(original).ok()?;
    let mut start_id = None;
    let mut reverse = false;
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "startId" => start_id = v.trim().parse().ok().filter(|n| *n > 0),
            "reverse" => reverse = v.eq_ignore_ascii_case("true"),
            _ => {}
        }
    }
    Some((id, start_id, reverse))
}

/// The comment-page captures of each post, newest first (status 200 captures; any MIME type,
/// since archives record JSON under several).
#[must_use]
pub fn comment_snapshots(
    rows: &[CdxRow],
    hosts: &[String],
) -> BTreeMap<EntryId, PostCommentCaptures> {
    let mut by_id: BTreeMap<EntryId, PostCommentCaptures> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.status.is_none_or(|s| s == 200)) {
        if let Some((id, start_id, reverse)) = comment_page_of(&row.original, hosts) {
            by_id.entry(id).or_default().captures.push(CommentCapture {
                start_id,
                reverse,
                row: row.clone(),
            });
        }
    }
    for post in by_id.values_mut() {
        post.captures
            .sort_by(|a, b| b.row.timestamp.cmp(&a.row.timestamp));
        post.captures.dedup_by(|a, b| {
            a.row.timestamp == b.row.timestamp && a.row.original == b.row.original
        });
    }
    by_id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ts: &str, original: &str) -> CdxRow {
        CdxRow {
            timestamp: ts.into(),
            original: original.into(),
            status: Some(200),
            mimetype: "application/json".into(),
            digest: ts.into(),
        }
    }

    #[test]
    fn reads_posts_pages_and_order_and_leaves_out_the_rest() {
        let rows = vec![
            row("20180101000000", "https://a.tistory.com/m/api/7/comment"),
            row(
                "20200101000000",
                "https://a.tistory.com/m/api/7/comment?reverse=true",
            ),
            row(
                "20190101000000",
                "https://a.tistory.com/m/api/7/comment?startId=55",
            ),
            row("20190101000001", "https://a.tistory.com/api/8/comment"),
            row(
                "20190101000002",
                "https://a.tistory.com/m/api/7/comment/count",
            ),
            row(
                "20190101000003",
                "https://other.tistory.com/m/api/9/comment",
            ),
            row("20190101000004", "https://a.tistory.com/m/api/7/reaction"),
            CdxRow {
                status: Some(404),
                ..row("20210101000000", "https://a.tistory.com/m/api/7/comment")
            },
        ];
        let hosts = vec!["a.tistory.com".to_string()];
        let by_id = comment_snapshots(&rows, &hosts);
        assert_eq!(by_id.keys().copied().collect::<Vec<_>>(), [7, 8]);
        let seven = &by_id[&7];
        let firsts: Vec<(&str, bool)> = seven
            .first_pages()
            .map(|c| (c.row.timestamp.as_str(), c.reverse))
            .collect();
        assert_eq!(
            firsts,
            [("20200101000000", true), ("20180101000000", false)],
            "newest first, the 404 capture and the count endpoint left out"
        );
        assert_eq!(
            seven.page(55, false).map(|c| c.row.timestamp.as_str()),
            Some("20190101000000")
        );
        assert_eq!(
            seven.page(55, true),
            None,
            "the other order is another page"
        );
    }
}
