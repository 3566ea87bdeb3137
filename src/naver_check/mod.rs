//! The Naver-side check: did each post the desk's ledger records as published on Naver Blog
//! arrive there whole? `verify <ARCHIVE> --naver` and the desk's check button fetch every
//! recorded post from Naver (politely: [`fetch`]), read it ([`page`]), and compare it with its
//! bundle entry ([`compare`]): title, body text (character-bigram recall of `body.txt`, the words
//! lost listed), image components against the bundle's images (a `[[사진 N]]` placeholder left in
//! the post is a finding), the footer naming the original, and tags and category when the page or
//! the RSS feed shows them. Naver's RSS ([`rss`]) lists recent posts: those the ledger lacks are
//! matched to bundle posts by the footer's original URL, else by title, and offered for recording
//! (nothing is recorded without the person's click, in the desk).
//!
//! Parsing and comparing are pure; only [`fetch`] and [`run`] do I/O (HTTP GET of public pages,
//! never a cookie, never a write to Naver). The module must not write the ledger: the desk does,
//! through its own record path, when the person asks.

pub mod bundle_read;
pub mod compare;
pub mod error;
pub mod fetch;
pub mod page;
pub mod report;
pub mod rss;
pub mod run;
pub mod text;

use std::time::Duration;

use serde::Serialize;

use crate::model::EntryId;

pub use self::error::NaverError;
pub use self::fetch::{NaverEndpoint, NaverEndpointError, NaverFetchOptions};

/// The longest pause accepted between two requests to Naver (a typo guard: 600 s a request is
/// no check).
pub const MAX_NAVER_INTERVAL_SECONDS: f64 = 600.0;
pub use self::run::{NaverCheckOptions, check_naver, check_naver_blocking};

/// Posts whose Naver text keeps less than this share of the bundle's character bigrams lost text.
pub const DEFAULT_NAVER_THRESHOLD: f64 = 0.98;
/// The pause between two requests to Naver.
pub const DEFAULT_NAVER_INTERVAL: Duration = Duration::from_secs(2);
/// Attempts per URL (the first included) when Naver answers 429 or 5xx.
pub const DEFAULT_NAVER_ATTEMPTS: u32 = 4;

/// What is wrong with one published post (`kind` in the JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Fewer image components than the bundle has images, or a placeholder left in the text.
    MissingImages,
    /// The body keeps less of `body.txt` than the threshold.
    TextLost,
    /// The title is not the bundle's (after whitespace normalisation).
    TitleDiffers,
    /// The footer naming the original address is not in the post (or names another post).
    FooterMissing,
    /// Tags the bundle lists are not on the post (checked only when the page or RSS shows tags).
    TagsDiffer,
    /// The category is not the one `categories.json` maps to (checked only when shown).
    CategoryDiffers,
    /// Naver has no such post (404/410 or its "no such post" page): deleted on Naver.
    NotFound,
    /// The post is not public on Naver.
    Private,
    /// The same source post is on Naver twice (two ledger entries, or a second Naver post).
    Duplicate,
    /// The page could not be read as a post (the message says why).
    Unreadable,
}

impl FindingKind {
    /// The snake-case name used in the JSON and the reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingImages => "missing_images",
            Self::TextLost => "text_lost",
            Self::TitleDiffers => "title_differs",
            Self::FooterMissing => "footer_missing",
            Self::TagsDiffer => "tags_differ",
            Self::CategoryDiffers => "category_differs",
            Self::NotFound => "not_found",
            Self::Private => "private",
            Self::Duplicate => "duplicate",
            Self::Unreadable => "unreadable",
        }
    }

    /// What to do about it, in Korean, for the desk.
    #[must_use]
    pub fn korean_advice(self) -> &'static str {
        match self {
            Self::MissingImages => {
                "사진이 모두 들어가지 않았습니다. 글을 수정해 [[사진 N]] 자리에 images 폴더의 사진을 넣고 그 글자는 지우세요."
            }
            Self::TextLost => {
                "본문 일부가 네이버에 없습니다. 글을 수정해 빠진 부분을 다시 붙여 넣으세요."
            }
            Self::TitleDiffers => "제목이 번들과 다릅니다. 글을 수정해 제목을 고치세요.",
            Self::FooterMissing => {
                "원문 주소를 알리는 마지막 문단이 없습니다(다른 글의 본문을 붙였을 수도 있습니다)."
            }
            Self::TagsDiffer => "번들의 태그 일부가 네이버 글에 없습니다.",
            Self::CategoryDiffers => "카테고리가 categories.json과 다릅니다.",
            Self::NotFound => "네이버에 이 글이 없습니다. 지워졌거나 기록된 주소가 틀렸습니다.",
            Self::Private => {
                "이 글은 네이버에서 공개되어 있지 않습니다. 글 설정에서 전체공개로 바꾸세요."
            }
            Self::Duplicate => {
                "같은 글이 네이버에 두 번 올라갔습니다. 필요 없는 쪽을 네이버에서 지우세요."
            }
            Self::Unreadable => "네이버 글을 읽지 못했습니다. 잠시 뒤 다시 확인하세요.",
        }
    }

    /// A short Korean label, for the desk.
    #[must_use]
    pub fn korean(self) -> &'static str {
        match self {
            Self::MissingImages => "사진 빠짐",
            Self::TextLost => "본문 빠짐",
            Self::TitleDiffers => "제목 다름",
            Self::FooterMissing => "원문 안내 없음",
            Self::TagsDiffer => "태그 다름",
            Self::CategoryDiffers => "카테고리 다름",
            Self::NotFound => "네이버에 없음",
            Self::Private => "비공개",
            Self::Duplicate => "중복 발행",
            Self::Unreadable => "읽을 수 없음",
        }
    }
}

/// One finding about one post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// What kind.
    pub kind: FindingKind,
    /// What is wrong and what to do, in words.
    pub message: String,
    /// Words of `body.txt` not found on Naver (for `text_lost`), at most [`compare::MAX_LOST_WORDS`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<String>,
}

/// The check of one post recorded in the ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostCheck {
    /// The Tistory entry id.
    pub id: EntryId,
    /// The bundle's title (`None` when the post is not in the bundle).
    pub title: Option<String>,
    /// The Naver URL the ledger records.
    pub naver_url: String,
    /// True when nothing was found wrong.
    pub ok: bool,
    /// The character-bigram recall of `body.txt` in the Naver text, when the page was read.
    pub text_recall: Option<f64>,
    /// Image components found on Naver, when the page was read.
    pub images_found: Option<usize>,
    /// Images the bundle has (with a file to upload).
    pub images_expected: usize,
    /// What is wrong (empty when `ok`).
    pub findings: Vec<Finding>,
}

/// How an unrecorded Naver post was matched to a bundle post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The footer names the post's original address.
    Footer,
    /// Same title (after whitespace normalisation).
    Title,
}

/// A post Naver's RSS lists that the ledger does not record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnrecordedPost {
    /// Its canonical Naver URL.
    pub naver_url: String,
    /// Its title on Naver.
    pub title: String,
    /// The bundle post it is, when one matched.
    pub post_id: Option<EntryId>,
    /// How it matched.
    pub matched_by: Option<MatchedBy>,
    /// True when the matched post is already recorded at another URL: a second copy on Naver.
    pub duplicate: bool,
}

/// What the RSS feed gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RssOutcome {
    /// The feed's URL.
    pub url: String,
    /// Items read.
    pub items: usize,
    /// Why it could not be read, when it could not.
    pub error: Option<String>,
}

/// The result of the Naver-side check (`naver` in `verify --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NaverReport {
    /// The Naver blog id checked (from the ledger).
    pub blog_id: Option<String>,
    /// Posts recorded in the ledger and checked.
    pub checked: usize,
    /// Those found intact.
    pub ok: usize,
    /// One entry per ledger row, in ledger order.
    pub posts: Vec<PostCheck>,
    /// Posts on Naver (per its RSS) that the ledger does not record.
    pub unrecorded: Vec<UnrecordedPost>,
    /// The RSS feed, when one was read.
    pub rss: Option<RssOutcome>,
    /// HTTP requests sent to Naver.
    pub requests: usize,
    /// The body-text threshold used.
    pub threshold: f64,
}

impl NaverReport {
    /// True when every checked post is `ok` (unrecorded posts are not failures).
    #[must_use]
    pub fn all_ok(&self) -> bool {
        self.posts.iter().all(|p| p.ok)
    }
}
