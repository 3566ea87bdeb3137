//! What an entry page reached through a redirect means, judged by what was served there and
//! not by the redirect's status code. The served page's own id and blog decide:
//!
//! - the post asked for, on one of the blog's hosts or on a host whose page says it is this
//!   blog's (a custom domain the crawl did not know): the post, archived;
//! - another blog's page, or a page of a site that is not this blog: not this post, and no
//!   evidence that it is gone: a failed fetch (a gap verify names);
//! - a page of this blog that is no post (its home page: some servers answer a missing page that
//!   way, and nothing shows whether Tistory does): unknown, a failed fetch, never archived and
//!   never "not a post";
//! - a not-found, private or protected page of this blog: what it says, as without a redirect.
//!
//! A redirect loop or a chain longer than the fetcher follows never gets here: it is the
//! fetcher's `TooManyRedirects`, a failed fetch. Pure.

use url::Url;

use super::failure::{PageFailure, RedirectEnd};
use super::verdict::Verdict;
use crate::archive::db::EntryState;
use crate::discover::normalize::BlogIdentity;
use crate::model::EntryId;

/// Where a request for an entry page ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Landing {
    /// Where it was sent (no redirect).
    Asked,
    /// Another address on one of the blog's hosts.
    OwnBlog,
    /// Another host.
    Elsewhere,
}

/// Where a request for `asked` that ended at `landed` ended.
pub(crate) fn landing(asked: &Url, landed: &Url, identity: &BlogIdentity) -> Landing {
    if asked == landed {
        Landing::Asked
    } else if identity.is_own(landed) {
        Landing::OwnBlog
    } else {
        Landing::Elsewhere
    }
}

/// The redirect's facts the judgement needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Redirect<'a> {
    /// The entry page asked for.
    pub asked: &'a Url,
    /// Where the redirects ended.
    pub landed: &'a Url,
    /// What kind of place that is.
    pub landing: Landing,
    /// The id asked for (`None` for a slug permalink).
    pub id_hint: Option<EntryId>,
    /// The blog's Tistory name, when the crawl knows it.
    pub blog: Option<&'a str>,
}

impl Redirect<'_> {
    fn entry(&self) -> String {
        self.id_hint
            .map_or_else(|| "the post".to_string(), |id| format!("post {id}"))
    }

    fn is_home(&self) -> bool {
        self.landing == Landing::OwnBlog
            && self.landed.path() == "/"
            && self.landed.query().is_none()
    }

    fn ended_at(&self, end: RedirectEnd) -> Verdict {
        Verdict::Failed(PageFailure::Redirected {
            url: self.asked.to_string(),
            to: self.landed.to_string(),
            end,
            entry: self.entry(),
        })
    }

    /// `verdict`, the judgement of the page served at the end of the redirects, as the
    /// judgement of the entry asked for (see the module docs).
    pub(crate) fn judge(&self, verdict: Verdict) -> Verdict {
        if self.landing == Landing::Asked {
            return verdict;
        }
        let elsewhere = self.landing == Landing::Elsewhere;
        match verdict {
            Verdict::Entry(post) if elsewhere => match (post.blog.as_deref(), self.blog) {
                (Some(theirs), Some(ours)) if theirs.eq_ignore_ascii_case(ours) => {
                    Verdict::Entry(post)
                }
                (Some(theirs), _) => self.ended_at(RedirectEnd::AnotherBlog(theirs.to_string())),
                (None, _) => self.ended_at(RedirectEnd::OtherSite),
            },
            Verdict::Entry(post) => Verdict::Entry(post),
            Verdict::Final { .. } | Verdict::Nothing if elsewhere => {
                Verdict::Failed(PageFailure::OffBlog {
                    url: self.asked.to_string(),
                    to: self.landed.to_string(),
                })
            }
            Verdict::Final {
                state: EntryState::NotPost,
                ..
            }
            | Verdict::Nothing => self.ended_at(if self.is_home() {
                RedirectEnd::Home
            } else {
                RedirectEnd::NoPost
            }),
            Verdict::Failed(failure) => Verdict::Failed(PageFailure::AfterRedirect {
                to: self.landed.to_string(),
                off_blog: elsewhere,
                failure: Box::new(failure),
            }),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> BlogIdentity {
        let mut b = BlogIdentity::new(Url::parse("https://x.tistory.com/").unwrap());
        b.add_host("notes.example.kr");
        b
    }

    #[test]
    fn landings() {
        let asked = Url::parse("https://x.tistory.com/4").unwrap();
        let at = |u: &str| landing(&asked, &Url::parse(u).unwrap(), &identity());
        assert_eq!(at("https://x.tistory.com/4"), Landing::Asked);
        assert_eq!(at("https://x.tistory.com/"), Landing::OwnBlog);
        assert_eq!(at("https://notes.example.kr/4"), Landing::OwnBlog);
        assert_eq!(at("https://y.tistory.com/4"), Landing::Elsewhere);
    }

    #[test]
    fn a_page_that_is_no_post_after_a_redirect_is_unknown_not_final() {
        let asked = Url::parse("https://x.tistory.com/4").unwrap();
        let home = Url::parse("https://x.tistory.com/").unwrap();
        let r = Redirect {
            asked: &asked,
            landed: &home,
            landing: Landing::OwnBlog,
            id_hint: Some(4),
            blog: Some("x"),
        };
        let v = r.judge(Verdict::Final {
            id: 4,
            state: EntryState::NotPost,
            keep_page: false,
        });
        match v {
            Verdict::Failed(f) => {
                let message = f.to_string();
                assert!(message.contains("the blog's home page"), "{message}");
                assert!(!f.retryable());
            }
            other => panic!("{other:?}"),
        }
        let deleted = r.judge(Verdict::Final {
            id: 4,
            state: EntryState::Deleted,
            keep_page: false,
        });
        assert!(
            matches!(
                deleted,
                Verdict::Final {
                    state: EntryState::Deleted,
                    ..
                }
            ),
            "the blog's own not-found page says what it says: {deleted:?}"
        );
    }
}
