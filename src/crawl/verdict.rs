//! What one served entry page means for the archive, judged by what the page says and not by
//! its status code alone: a private, protected or deleted entry is final whatever status carried
//! it; a block page (rate limiting, access restricted) or a post page whose body is missing (its
//! Tistory post markers are there, the body container is not: a cut page) is a failed fetch that
//! a later pass retries, never a "not a post". Pure: the crawler fetches, saves and records.

use std::path::Path;

use scraper::{Html, Selector};

use super::failure::PageFailure;
use crate::archive::db::EntryState;
use crate::extract::classify::{NOT_FOUND_TEXTS, PRIVATE_TEXTS};
use crate::extract::decode::decode_page;
use crate::extract::selectors::SelectorProfile;
use crate::extract::text::visible_text;
use crate::extract::{Page, PageSource, extract_page};
use crate::model::{EntryId, PageKind, Post};

/// Texts of pages that refuse us for a while rather than say anything about the entry: rate
/// limiting and temporary blocks (anatomy note §7 quotes the blog-level one).
const BLOCK_TEXTS: &[&str] = &[
    "일시적으로 접근이 제한",
    "접근이 제한되었습니다",
    "비정상적인 접근",
    "too many requests",
    "rate limit",
];

/// The judgement on one served page.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// A post or notice to archive with its assets (the page is kept).
    Entry(Box<Post>),
    /// A final state for `id` with no post to archive; `keep_page` says whether the page is
    /// worth saving (a private or protected page, a not-found page served 200).
    Final {
        /// The entry.
        id: EntryId,
        /// Its state.
        state: EntryState,
        /// Save the page as served.
        keep_page: bool,
    },
    /// The fetch failed, and why ([`PageFailure::retryable`] says whether a later pass may get
    /// the page).
    Failed(PageFailure),
    /// A page that names no entry id (a slug page that is not a post): nothing to record.
    Nothing,
}

static TXID: std::sync::LazyLock<Selector> = std::sync::LazyLock::new(|| {
    Selector::parse(r#"meta[property="article:txid"], body#tt-body-page"#)
        .expect("a constant selector parses")
});

/// True when the page carries a Tistory post marker (`article:txid`, `<body id=tt-body-page>`).
fn has_post_markers(doc: &Html) -> bool {
    doc.select(&TXID).next().is_some()
}

fn says_blocked(text: &str) -> bool {
    let lower = text.to_lowercase();
    BLOCK_TEXTS.iter().any(|t| lower.contains(t))
}

/// Judges the page served for `url` with `status` and `body`. `id_hint` is the id the URL
/// names (`None` for a slug URL). A post comes back as `extract` would read it from the saved
/// page (the decoder's warnings first), ready to keep as the archive's extracted post.
pub(crate) fn judge(url: &str, status: u16, body: &[u8], id_hint: Option<EntryId>) -> Verdict {
    let gone = matches!(status, 404 | 410);
    let (html, decoder_warnings) = match decode_page(body, Path::new(url)) {
        Ok(d) => (d.html, d.warnings),
        Err(e) if gone => {
            tracing::debug!("{url}: {e}");
            return id_hint.map_or(Verdict::Nothing, |id| Verdict::Final {
                id,
                state: EntryState::Deleted,
                keep_page: false,
            });
        }
        Err(source) => {
            return Verdict::Failed(PageFailure::Undecodable {
                url: url.into(),
                status,
                source,
            });
        }
    };
    let source = PageSource {
        path: url.into(),
        url: None,
        id_hint,
        http_status: Some(status),
    };
    // One extraction decides the common case: a whole post served 200 is a post, whatever its
    // text quotes (a post about HTTP 429 says "too many requests"; one may quote "비공개 글입니다").
    let mut extracted = extract_page(&html, &source, &SelectorProfile::default());
    // The decoder's warnings first, as `extract` reports them (`crate::extracted::extract_bytes`):
    // the post is kept as the archive's extracted post.
    if let Ok(Page::Entry(post)) = &mut extracted {
        post.warnings.splice(0..0, decoder_warnings);
    }
    let whole_post = matches!(&extracted, Ok(Page::Entry(post))
        if post.body.is_some() && matches!(post.kind, PageKind::Post | PageKind::Notice));
    if whole_post
        && status == 200
        && let Ok(Page::Entry(post)) = extracted
    {
        return Verdict::Entry(post);
    }
    // Anything else is judged by what the page says (its visible text, not its scripts): only
    // here is the page parsed a second time, for pages that are not whole posts.
    let doc = Html::parse_document(&html);
    let text = visible_text(doc.root_element());
    let final_for = |state: EntryState, keep_page: bool| {
        id_hint.map_or(Verdict::Nothing, |id| Verdict::Final {
            id,
            state,
            keep_page,
        })
    };
    if !whole_post && PRIVATE_TEXTS.iter().any(|t| text.contains(t)) {
        return final_for(EntryState::Private, true);
    }
    if !whole_post && says_blocked(&text) {
        return Verdict::Failed(PageFailure::Blocked {
            url: url.into(),
            status,
        });
    }
    match extracted {
        Ok(Page::Entry(post)) => match post.kind {
            PageKind::Private | PageKind::Protected => Verdict::Entry(post),
            _ if status == 200 => Verdict::Entry(post),
            _ if gone => final_for(EntryState::Deleted, false),
            _ => Verdict::Failed(PageFailure::PostWithStatus {
                url: url.into(),
                status,
            }),
        },
        Ok(Page::NotEntry { kind, reason }) => match kind {
            PageKind::Private | PageKind::Protected => final_for(EntryState::from(kind), true),
            PageKind::NotFound => final_for(EntryState::Deleted, !gone),
            _ if gone => final_for(EntryState::Deleted, false),
            _ if has_post_markers(&doc) => Verdict::Failed(PageFailure::BodyMissing {
                url: url.into(),
                reason,
            }),
            _ if status == 200 => final_for(EntryState::NotPost, false),
            _ => Verdict::Failed(PageFailure::NotEntryWithStatus {
                url: url.into(),
                status,
                reason,
            }),
        },
        Err(_) if gone || NOT_FOUND_TEXTS.iter().any(|t| text.contains(t)) => {
            final_for(EntryState::Deleted, false)
        }
        Err(e) if status == 200 => Verdict::Failed(PageFailure::Unreadable(e)),
        Err(_) => Verdict::Failed(PageFailure::Status {
            url: url.into(),
            status,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A post of the sample blog with `sentence` added as the first paragraph of its body.
    fn post_saying(sentence: &str) -> String {
        let page = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hangang-notes/11.html"),
        )
        .unwrap();
        let body = r#"<div class="tt_article_useless_p_margin contents_style">"#;
        assert!(page.contains(body), "the fixture's body container moved");
        page.replacen(body, &format!("{body}<p>{sentence}</p>"), 1)
    }

    #[test]
    fn a_post_that_quotes_a_block_message_is_a_post() {
        // A developer's post about HTTP 429 says what a block page says; it is still a post.
        let page = post_saying("서버가 429 Too Many Requests를 돌려주면 rate limit에 걸린 것이다.");
        let verdict = judge("https://x.tistory.com/11", 200, page.as_bytes(), Some(11));
        assert!(matches!(verdict, Verdict::Entry(_)), "{verdict:?}");
    }

    #[test]
    fn a_post_that_quotes_the_private_notice_is_a_post() {
        let page = post_saying("주소를 잘못 치면 \"비공개 글입니다\"라는 안내가 나온다.");
        let verdict = judge("https://x.tistory.com/11", 200, page.as_bytes(), Some(11));
        assert!(matches!(verdict, Verdict::Entry(_)), "{verdict:?}");
    }

    #[test]
    fn a_block_page_is_a_retryable_failure() {
        let page = r#"<!doctype html><html><head><meta charset="utf-8"><title>티스토리</title></head>
<body><p>일시적으로 접근이 제한되었습니다. 잠시 후 다시 시도해 주세요.</p></body></html>"#;
        let verdict = judge("https://x.tistory.com/11", 403, page.as_bytes(), Some(11));
        assert!(
            matches!(&verdict, Verdict::Failed(f @ PageFailure::Blocked { .. }) if f.retryable()),
            "{verdict:?}"
        );
    }

    #[test]
    fn a_script_that_mentions_rate_limits_does_not_make_a_block_page() {
        // A page that is not a post, served 200, whose only mention of a rate limit is in a script.
        let page = r#"<!doctype html><html><head><meta charset="utf-8"><title>방명록</title>
<script>window.T.config = {"BLOG":{"id":1,"name":"x"},"ROLE":"guest"};</script>
<script>var msg = "rate limit";</script></head><body id="tt-body-guestbook"><p>방명록입니다.</p></body></html>"#;
        let verdict = judge("https://x.tistory.com/11", 200, page.as_bytes(), Some(11));
        assert!(
            matches!(
                verdict,
                Verdict::Final {
                    state: EntryState::NotPost,
                    ..
                }
            ),
            "{verdict:?}"
        );
    }
}
