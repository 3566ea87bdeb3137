//! Page classification: a post, a notice, a protected post, a private or not-found page, or a page
//! that is not a post (home, listing, category, tag, archive, search, guestbook). A non-post page
//! is never reported as a post. Reads a parsed page and its head metadata; pure.

use scraper::{ElementRef, Html};

use super::meta::HeadMeta;
use super::selectors::{BODY_TAG, PASSWORD_INPUT};
use crate::model::PageKind;

/// Messages Tistory shows instead of a post (guest view). Evidence: anatomy note §7.
pub(crate) const NOT_FOUND_TEXTS: &[&str] = &[
    "페이지를 찾을 수 없습니다",
    "존재하지 않는 페이지",
    "존재하지 않거나 삭제된",
    "삭제된 글입니다",
    "관리자에 의해 삭제된 글",
    "요청하신 페이지를 찾을 수 없습니다",
];
pub(crate) const PRIVATE_TEXTS: &[&str] =
    &["비공개 글입니다", "비공개된 글입니다", "비공개 처리된 글"];
const PROTECTED_TEXTS: &[&str] = &["보호되어 있는 글입니다", "보호글입니다", "비밀번호를 입력"];

/// `<body id>` values of pages that are not posts (document-tistory-skin `common/global.md`).
const LISTING_BODY_IDS: &[&str] = &[
    "tt-body-index",
    "tt-body-category",
    "tt-body-archive",
    "tt-body-tag",
    "tt-body-search",
];
const OTHER_BODY_IDS: &[&str] = &["tt-body-guestbook", "tt-body-location", "tt-body-media"];

/// The verdict on one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Classification {
    pub kind: PageKind,
    /// Why, in words, for the summary.
    pub reason: String,
}

fn verdict(kind: PageKind, reason: impl Into<String>) -> Classification {
    Classification {
        kind,
        reason: reason.into(),
    }
}

/// Classifies a page. `served_not_found` tells whether it was served with HTTP 404 (archives
/// know; the status means nothing else here). It is asked only when the answer can change the
/// verdict, so a caller can tell whether the verdict depends on it (`source_view`).
pub(crate) fn classify(
    doc: &Html,
    meta: &HeadMeta,
    body: Option<ElementRef<'_>>,
    served_not_found: &dyn Fn() -> bool,
    notice_url: bool,
    body_from_profile: bool,
) -> Classification {
    let body_id = doc
        .select(&BODY_TAG)
        .next()
        .and_then(|b| b.value().attr("id"))
        .unwrap_or_default();
    if LISTING_BODY_IDS.contains(&body_id) {
        return verdict(
            PageKind::Listing,
            format!("a listing page (body id {body_id})"),
        );
    }
    if OTHER_BODY_IDS.contains(&body_id) {
        return verdict(PageKind::Other, format!("not a post (body id {body_id})"));
    }
    let has_post_meta =
        meta.txid.is_some() || meta.entry_info.is_some() || meta.published_time.is_some();
    let page_text = || doc.root_element().text().collect::<String>();
    if (!has_post_meta && body.is_none()) || served_not_found() {
        let text = page_text();
        if PRIVATE_TEXTS.iter().any(|t| text.contains(t)) {
            return verdict(PageKind::Private, "a private post (guest view)");
        }
        if NOT_FOUND_TEXTS.iter().any(|t| text.contains(t)) || served_not_found() {
            return verdict(PageKind::NotFound, "not found or deleted");
        }
    }
    let has_password_form = doc.select(&PASSWORD_INPUT).next().is_some();
    if has_password_form
        && (body.is_none() || PROTECTED_TEXTS.iter().any(|t| page_text().contains(t)))
    {
        return verdict(PageKind::Protected, "a password-protected post (보호글)");
    }
    let looks_like_post = has_post_meta
        || body_from_profile
        || body_id == "tt-body-page"
        || meta.og_type.as_deref() == Some("article");
    match (looks_like_post, body.is_some()) {
        (true, true) if notice_url => verdict(PageKind::Notice, "a notice"),
        (true, true) => verdict(PageKind::Post, "a post"),
        (true, false) => verdict(PageKind::Other, "a post page without a body container"),
        (false, true) if meta.og_title.is_some() || meta.canonical.is_some() => {
            verdict(PageKind::Post, "a post (found by its body container)")
        }
        (false, _) => verdict(
            PageKind::Other,
            "not a post page (no post metadata: a home page, fragment or export)",
        ),
    }
}
