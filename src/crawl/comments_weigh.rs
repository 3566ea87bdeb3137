//! What a post's comment walk is worth, weighed against the counts the archive has for the post
//! (the mobile list's `commentCount`, the post's own page; [`super::comments_plan::known_count`]).
//! Pure: takes what the endpoint served and the count, returns the verdict; the caller records it.
//!
//! - A walk that reached the list's last page with at least as many comments as counted (or with
//!   no count) is complete.
//! - A walk that stopped short (paging that cycled or served nothing new, a later page that
//!   failed) is *incomplete*: its distinct comments are kept, and the post's comments are a gap
//!   until a walk finishes. One exception: paging that went back on itself after as many
//!   comments as the blog counts has served them all (the count is the evidence).
//! - A list that ended normally with fewer comments than the blog counts is incomplete too. A
//!   guest is served every counted comment as far as the evidence goes: the comment endpoint
//!   serves secret comments as items marked `isSecret` (its public types, research
//!   `findings-2026-12.md` Q1), and the one page in the corpus that prints a count beside its
//!   comments (the 2017 render, `commentCount2` = 5) holds those 5 comments, replies included.
//! - A first page answering 404 is "no comments" unless a count says there are some: then it is
//!   a failure (nothing to keep).

use super::comments::{CommentsError, PostComments, StopCause, count_comments};
use crate::model::EntryId;

/// The verdict on one walk.
#[derive(Debug)]
pub(crate) enum Weighed {
    /// Every comment: recorded `ok`.
    Complete(Vec<serde_json::Value>),
    /// The first page answered 404 and no count says there are comments: none (checked again
    /// against the blog at the end of the run).
    NoList,
    /// Saved but incomplete: the distinct comments read, why, and the page it stopped at.
    Incomplete(Incomplete),
    /// Nothing to keep.
    Failed(CommentsError),
}

/// The kept comments of a walk that did not finish.
#[derive(Debug)]
pub(crate) struct Incomplete {
    /// The distinct comments read.
    pub(crate) items: Vec<serde_json::Value>,
    /// Why the walk is not all of them, in words naming the page.
    pub(crate) reason: String,
    /// The page the walk stopped at (the last page read, when the list ended short).
    pub(crate) stopped_at: String,
    /// True when a retry pass of this run asks again (anything but a page that answered a
    /// status no retry mends); every later crawl asks again too.
    pub(crate) retry_now: bool,
}

/// Weighs the walk `c` of post `id`'s comments against `known`, the most comments the archive's
/// evidence counts for it.
pub(crate) fn weigh(id: EntryId, c: PostComments, known: Option<u64>) -> Weighed {
    let have = count_comments(&c.items) as u64;
    let counted_more = known.filter(|k| *k > have);
    if c.absent {
        return match counted_more {
            Some(counted) => Weighed::Failed(CommentsError::FewerThanCounted {
                cause: format!("the comment list of post {id} answered 404"),
                counted,
            }),
            None => Weighed::NoList,
        };
    }
    let short = |what: String| {
        // A failed page's own words may already say so (`CommentsError::GoneMidway`).
        let what = what
            .strip_suffix(": the comments are incomplete")
            .unwrap_or(&what);
        match counted_more {
            Some(counted) => format!(
                "{what}, but the blog counts {counted} comments for it (the list or its page): the comments are incomplete"
            ),
            None => format!("{what}: the comments are incomplete"),
        }
    };
    match c.stopped {
        // Paging that went back on itself after every counted comment: all of them.
        Some(s) if s.cause == StopCause::Paging && known.is_some() && counted_more.is_none() => {
            Weighed::Complete(c.items)
        }
        Some(s) => Weighed::Incomplete(Incomplete {
            reason: short(s.reason),
            stopped_at: s.at.to_string(),
            retry_now: s.cause != StopCause::Failed { retryable: false },
            items: c.items,
        }),
        None => match counted_more {
            None => Weighed::Complete(c.items),
            Some(_) => Weighed::Incomplete(Incomplete {
                reason: short(format!(
                    "the comment list of post {id} ended after {have} comments"
                )),
                stopped_at: c
                    .last_page
                    .map_or_else(|| format!("post {id}"), |u| u.to_string()),
                retry_now: true,
                items: c.items,
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::comments::Stopped;

    fn items(n: u64) -> Vec<serde_json::Value> {
        (1..=n).map(|id| serde_json::json!({ "id": id })).collect()
    }

    fn walk(n: u64, stopped: Option<StopCause>) -> PostComments {
        let at = url::Url::parse("http://b.test/m/api/7/comment?startId=5").unwrap();
        PostComments {
            items: items(n),
            absent: false,
            stopped: stopped.map(|cause| Stopped {
                at: at.clone(),
                reason: format!("{at} points back"),
                cause,
            }),
            last_page: Some(at),
        }
    }

    #[test]
    fn a_cycle_with_no_count_is_incomplete_and_keeps_its_comments() {
        let Weighed::Incomplete(i) = weigh(7, walk(2, Some(StopCause::Paging)), None) else {
            panic!("a cycle with no count is not all of them");
        };
        assert_eq!(i.items, items(2));
        assert_eq!(i.stopped_at, "http://b.test/m/api/7/comment?startId=5");
        assert!(i.reason.contains("points back") && i.reason.contains("incomplete"));
        assert!(i.retry_now);
    }

    #[test]
    fn a_cycle_after_every_counted_comment_is_complete() {
        assert!(matches!(
            weigh(7, walk(3, Some(StopCause::Paging)), Some(3)),
            Weighed::Complete(_)
        ));
        let Weighed::Incomplete(i) = weigh(7, walk(2, Some(StopCause::Paging)), Some(4)) else {
            panic!("fewer than counted");
        };
        assert!(i.reason.contains("counts 4"), "{}", i.reason);
    }

    #[test]
    fn a_failed_later_page_keeps_the_pages_before_it_whatever_the_count() {
        let failed = StopCause::Failed { retryable: true };
        for known in [None, Some(1), Some(9)] {
            let Weighed::Incomplete(i) = weigh(7, walk(2, Some(failed)), known) else {
                panic!("{known:?}");
            };
            assert!(i.retry_now);
            assert_eq!(i.items.len(), 2);
        }
    }

    #[test]
    fn a_list_that_ends_short_of_the_count_is_incomplete() {
        let Weighed::Incomplete(i) = weigh(7, walk(2, None), Some(5)) else {
            panic!("2 served, 5 counted");
        };
        assert!(
            i.reason.contains("ended after 2 comments") && i.reason.contains("counts 5"),
            "{}",
            i.reason
        );
        assert!(matches!(
            weigh(7, walk(2, None), Some(2)),
            Weighed::Complete(_)
        ));
        assert!(matches!(
            weigh(7, walk(2, None), None),
            Weighed::Complete(_)
        ));
    }

    #[test]
    fn a_missing_list_is_none_unless_counted() {
        let absent = |_: ()| PostComments {
            items: Vec::new(),
            absent: true,
            stopped: None,
            last_page: None,
        };
        assert!(matches!(weigh(7, absent(()), None), Weighed::NoList));
        assert!(matches!(weigh(7, absent(()), Some(0)), Weighed::NoList));
        assert!(matches!(
            weigh(7, absent(()), Some(2)),
            Weighed::Failed(CommentsError::FewerThanCounted { counted: 2, .. })
        ));
    }
}
