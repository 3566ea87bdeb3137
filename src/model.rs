//! The data that moves between stages, as plain serialisable types. A `Post` is what extraction
//! reads off a page; a `PostRecord` is the row of `posts.jsonl` that users and later stages read.
//! Nothing here does I/O.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// A Tistory entry id: one sequence shared by posts, notices and pages of a blog.
pub type EntryId = u64;

/// What kind of page a saved file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    /// A public post.
    Post,
    /// A notice (공지사항): a post shown apart from the category lists.
    Notice,
    /// A password-protected post (보호글): title and date, no body.
    Protected,
    /// A private post as a guest sees it.
    Private,
    /// A deleted id or a not-found page.
    NotFound,
    /// The home page, a listing, category, tag, archive or search page.
    Listing,
    /// Any other Tistory page (guestbook, location log, ...).
    Other,
}

impl PageKind {
    /// True for the kinds that are rows of `posts.jsonl`.
    #[must_use]
    pub fn is_entry(self) -> bool {
        !matches!(self, PageKind::Listing | PageKind::Other)
    }
}

/// The status of a post row in `posts.jsonl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostStatus {
    /// A public post or notice, archived with its body.
    Ok,
    /// Password-protected: no body.
    Protected,
    /// Private: not visible to a guest.
    Private,
    /// Deleted or never existed (404).
    Deleted,
    /// The page could not be read.
    Error,
}

impl From<PageKind> for PostStatus {
    fn from(kind: PageKind) -> Self {
        match kind {
            PageKind::Post | PageKind::Notice => PostStatus::Ok,
            PageKind::Protected => PostStatus::Protected,
            PageKind::Private => PostStatus::Private,
            PageKind::NotFound => PostStatus::Deleted,
            PageKind::Listing | PageKind::Other => PostStatus::Error,
        }
    }
}

/// Where an asset of a post is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    /// Downloaded; `file` points at it.
    Ok,
    /// A download was tried and failed; the post still links the original URL.
    Missing,
    /// Not downloaded (offline extraction): the Markdown links the original URL.
    Remote,
}

/// An image of a post body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// The original image URL (never a thumbnail), as absolute as the page allowed.
    pub url: String,
    /// The local file, relative to the output directory, once downloaded.
    pub file: Option<String>,
    /// Whether the file is there.
    pub status: AssetStatus,
    /// The file name the editor recorded (`data-filename`), if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub filename: Option<String>,
    /// The caption shown under the image, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub caption: Option<String>,
}

/// A file attached to a post (the editor's file block).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The download URL.
    pub url: String,
    /// The file name shown to readers.
    pub name: String,
    /// The size as the page shows it (`0.17MB`), if shown.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub size: Option<String>,
    /// The local file, relative to the output directory, once downloaded.
    pub file: Option<String>,
    /// Whether the file is there.
    pub status: AssetStatus,
}

/// A post as extraction reads it off one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Post {
    /// The entry id.
    pub id: EntryId,
    /// The canonical permalink.
    pub url: String,
    /// Post, notice, protected, private or not found.
    pub kind: PageKind,
    /// The blog's Tistory name (`name` of `name.tistory.com`), when the page tells it.
    pub blog: Option<String>,
    /// The title.
    pub title: Option<String>,
    /// First publication time.
    pub published: Option<DateTime<FixedOffset>>,
    /// Last modification time.
    pub modified: Option<DateTime<FixedOffset>>,
    /// The author's nickname.
    pub author: Option<String>,
    /// The full category path joined with `/`; `None` when uncategorised.
    pub category: Option<String>,
    /// The post's tags, in page order.
    pub tags: Vec<String>,
    /// The cleaned body, when the page has one.
    pub body: Option<Body>,
    /// Things worth a look that did not stop extraction.
    pub warnings: Vec<String>,
}

/// A post body after the Tistory clean-up: simple HTML ready for Markdown conversion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    /// The cleaned HTML (no scripts, ads, event handlers; original image URLs).
    pub html: String,
    /// The visible text of the page's body, whitespace-normalised, for the fidelity check.
    pub text: String,
    /// Images in body order.
    pub images: Vec<Image>,
    /// File attachments in body order.
    pub attachments: Vec<Attachment>,
    /// Code block languages in body order (`""` when a block names none).
    pub code_languages: Vec<String>,
}

/// How well the Markdown kept the page's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fidelity {
    /// Share of the page's words found in the rendered Markdown (1.0 = nothing lost).
    pub score: f64,
    /// A few of the words that were lost, for the report.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub lost: Vec<String>,
}

/// Where a post's comments are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentsRef {
    /// Comments and replies.
    pub count: usize,
    /// The JSON file, relative to the archive.
    pub file: String,
}

/// One row of `posts.jsonl`. The schema is documented in the README; add fields, never rename.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostRecord {
    /// The entry id.
    pub id: EntryId,
    /// The canonical permalink.
    pub url: String,
    /// `ok`, `protected`, `private`, `deleted` or `error`.
    pub status: PostStatus,
    /// True for a notice.
    pub notice: bool,
    /// The title.
    pub title: Option<String>,
    /// RFC 3339 with the +09:00 offset.
    pub published: Option<String>,
    /// RFC 3339 with the +09:00 offset.
    pub modified: Option<String>,
    /// The author's nickname.
    pub author: Option<String>,
    /// Full category path joined with `/`, null when uncategorised.
    pub category: Option<String>,
    /// Tags in page order.
    pub tags: Vec<String>,
    /// The Markdown file, relative to the output directory.
    pub markdown: Option<String>,
    /// The saved page this row was read from (relative to the output directory when inside it).
    pub source: Option<String>,
    /// Images in body order.
    pub images: Vec<Image>,
    /// Attachments in body order.
    pub attachments: Vec<Attachment>,
    /// The render-back check.
    pub fidelity: Option<Fidelity>,
    /// The saved comments, when the archive has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<CommentsRef>,
    /// Warnings for this post.
    pub warnings: Vec<String>,
    /// Where the saved copy came from (live, a backup file, a Wayback snapshot); absent in rows
    /// written before provenance was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::provenance::Provenance>,
}
