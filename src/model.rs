//! The data that moves between stages, as plain serialisable types. A `Post` is what extraction
//! reads off a page; a `PostRecord` is the row of `posts.jsonl` that users and later stages read.
//! Nothing here does I/O.

pub mod blog;
pub mod body;

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Set when the file holds only the comments a walk that did not finish read (the
    /// `partial` state): why it stopped. Absent for a complete list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<String>,
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
    /// The sha256 of the Markdown body (after the front matter) `fidelity` was measured on, so
    /// `verify` can reuse the score while the body is unchanged (and measure again when it is not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markdown_body_sha256: Option<String>,
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

impl PostRecord {
    /// A backup that says a post was private or protected makes its row say so (the body is kept
    /// in the Markdown, but such a row is never bundled for Naver).
    pub fn apply_visibility(&mut self, p: &crate::provenance::Provenance) {
        use crate::provenance::Visibility;
        if self.status != PostStatus::Ok {
            return;
        }
        match p.visibility {
            Some(Visibility::Private) => self.status = PostStatus::Private,
            Some(Visibility::Protected) => self.status = PostStatus::Protected,
            _ => {}
        }
    }

    /// Why this row is held out of the Naver bundle for its visibility, if it is: a post from the
    /// backup zip whose visibility nobody has confirmed (it may have been private or protected),
    /// or a post the live blog no longer has (its owner deleted it).
    #[must_use]
    pub fn bundle_hold(&self) -> Option<String> {
        use crate::provenance::Visibility;
        let p = self.provenance.as_ref()?;
        match p.visibility {
            Some(Visibility::Unknown) => Some(format!(
                "visibility unknown: the backup zip holds private and protected posts unmarked; if post {} was public, run `tistory-migrate import <FILE> --mark-public {}` (or `all`), then bundle again",
                self.id, self.id
            )),
            Some(Visibility::Deleted) => Some(format!(
                "deleted on the live blog: post {} is kept in the archive from its {} copy, but not bundled; to bundle it anyway, run `tistory-migrate import <FILE> --mark-public {}`, then bundle again",
                self.id,
                p.origin.name(),
                self.id
            )),
            _ => None,
        }
    }
}

// --- Typed state -------------------------------------------------------------------------------
//
// Every state or kind that is stored as text (in `archive.db`) is one of these enums. Each has one
// stored name (`as_str`) and one parser (`FromStr`), and `archive::db` stores and reads them only
// through those (rusqlite's `ToSql`/`FromSql`), so an unknown value in the database is an error
// that names where it came from, never a default. The conversions between them live here, once.

/// A stored name that none of the enum's values has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?} (expected one of: {expected})")]
pub struct UnknownValue {
    /// What was being read (`entry state`, `asset kind`, ...).
    pub what: &'static str,
    /// The value found.
    pub value: String,
    /// The stored names that are known, comma-separated.
    pub expected: &'static str,
}

/// Defines a state enum's stored names, `as_str`, `FromStr` and `Display` from one table.
macro_rules! stored_names {
    ($ty:ident, $what:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored name.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok(Self::$variant),)+
                    _ => Err(UnknownValue {
                        what: $what,
                        value: s.to_string(),
                        expected: concat!($($name, " "),+).trim_ascii_end(),
                    }),
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

stored_names!(PageKind, "page kind", {
    Post => "post",
    Notice => "notice",
    Protected => "protected",
    Private => "private",
    NotFound => "not_found",
    Listing => "listing",
    Other => "other",
});

stored_names!(PostStatus, "post status", {
    Ok => "ok",
    Protected => "protected",
    Private => "private",
    Deleted => "deleted",
    Error => "error",
});

/// Where one entry stands in the archive (`entries.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Found, not fetched yet.
    Pending,
    /// Archived public post.
    Ok,
    /// Archived notice.
    Notice,
    /// Password-protected.
    Protected,
    /// Private (guest view).
    Private,
    /// 404: deleted or never existed. Final.
    Deleted,
    /// Every attempt failed; `last_error` says why. Retried on the next run.
    Failed,
    /// Served a page that is not a post (a listing, say). Final.
    NotPost,
}

stored_names!(EntryState, "entry state", {
    Pending => "pending",
    Ok => "ok",
    Notice => "notice",
    Protected => "protected",
    Private => "private",
    Deleted => "deleted",
    Failed => "failed",
    NotPost => "not_post",
});

/// Where one slug permalink (`/entry/<slug>`) stands (`slugs.state`): a slug names a post only
/// once its page is fetched, so until then it is a place a post may be missing from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlugState {
    /// Found by discovery, its page not fetched yet (or the run stopped first).
    Pending,
    /// Its page was fetched and named an entry id (`slugs.id`).
    Resolved,
    /// Its page was fetched and names no entry (not a post, deleted): nothing is missing.
    NoEntry,
    /// Every fetch of its page failed: a post may be missing.
    Failed,
}

stored_names!(SlugState, "slug state", {
    Pending => "pending",
    Resolved => "ok",
    NoEntry => "no_entry",
    Failed => "failed",
});

impl EntryState {
    /// True when a run has nothing more to fetch for this entry.
    #[must_use]
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Pending | Self::Failed)
    }

    /// True for the states whose page is archived with a body (posts and notices).
    #[must_use]
    pub fn is_public(self) -> bool {
        matches!(self, Self::Ok | Self::Notice)
    }

    /// The row status `posts.jsonl` gives an entry in this state.
    #[must_use]
    pub fn post_status(self) -> PostStatus {
        match self {
            Self::Ok | Self::Notice => PostStatus::Ok,
            Self::Protected => PostStatus::Protected,
            Self::Private => PostStatus::Private,
            Self::Deleted => PostStatus::Deleted,
            Self::Pending | Self::Failed | Self::NotPost => PostStatus::Error,
        }
    }
}

impl From<PageKind> for EntryState {
    /// The state a fetched page of this kind leaves its entry in.
    fn from(kind: PageKind) -> Self {
        match kind {
            PageKind::Post => Self::Ok,
            PageKind::Notice => Self::Notice,
            PageKind::Protected => Self::Protected,
            PageKind::Private => Self::Private,
            PageKind::NotFound => Self::Deleted,
            PageKind::Listing | PageKind::Other => Self::NotPost,
        }
    }
}

/// Where one asset download stands (`assets.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetState {
    /// Listed by a post, not downloaded yet.
    Pending,
    /// Downloaded; the row names the file.
    Ok,
    /// A download was tried and failed; retried on the next run.
    Missing,
    /// Gone at the source: its server answered that the file is not there (404 or 410 for a URL
    /// fresh from its page, or the Wayback Machine has no capture). `last_error` keeps the answer
    /// that said so. Final: verify notes it (not a gap), and no page is fetched again for it.
    Gone,
}

stored_names!(AssetState, "asset state", {
    Pending => "pending",
    Ok => "ok",
    Missing => "missing",
    Gone => "gone",
});

/// What verify and the reports add to the answer of an asset [`AssetState::Gone`] records, and
/// the suffix that marked "gone" in the error text of archives written before the state was
/// typed (`archive::db` turns those rows into the state on open).
pub const GONE_HINT: &str = " (the file is gone from the server)";

impl AssetState {
    /// The status a post's image or attachment gets from its asset row (`None`: no row, so the
    /// asset was never listed by a crawl and the Markdown links the original URL).
    #[must_use]
    pub fn asset_status(state: Option<Self>) -> AssetStatus {
        match state {
            Some(Self::Ok) => AssetStatus::Ok,
            Some(Self::Pending | Self::Missing | Self::Gone) => AssetStatus::Missing,
            None => AssetStatus::Remote,
        }
    }
}

/// Whether a post's comments were saved (`comments.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentsState {
    /// Saved; the row names the file and the count.
    Ok,
    /// Fetching them failed; retried on the next run.
    Failed,
    /// Saved but incomplete: the walk did not finish (its paging cycled or served nothing new, a
    /// later page failed, or the blog counts more comments than were served). The distinct
    /// comments read are kept in the file (its count and sha256 recorded like `ok`); the row's
    /// `last_error` says why and `stopped_at` names the page the walk stopped at. Verify names it
    /// as a gap; a crawl asks again and replaces the file only with a walk that finished.
    Partial,
}

stored_names!(CommentsState, "comments state", {
    Ok => "ok",
    Failed => "failed",
    Partial => "partial",
});

impl CommentsState {
    /// True when the row names a comments file that holds comments as served (`ok` or `partial`).
    #[must_use]
    pub fn has_file(self) -> bool {
        matches!(self, Self::Ok | Self::Partial)
    }
}

/// Whether a post's file is an image or an attachment (`post_assets.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    /// An image of the body.
    Image,
    /// A file attachment.
    Attachment,
}

stored_names!(AssetKind, "asset kind", {
    Image => "image",
    Attachment => "attachment",
});

#[cfg(test)]
mod state_tests {
    use super::*;

    fn round_trips<T>(all: &[T])
    where
        T: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + std::str::FromStr,
        T: Serialize,
        <T as std::str::FromStr>::Err: std::fmt::Debug,
    {
        for v in all {
            let name = v.to_string();
            assert_eq!(name.parse::<T>().unwrap(), *v);
            // The stored name and the serde name are one and the same.
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(name));
        }
    }

    #[test]
    fn every_state_round_trips_through_its_one_name() {
        round_trips(PageKind::ALL);
        round_trips(PostStatus::ALL);
        round_trips(EntryState::ALL);
        round_trips(AssetState::ALL);
        round_trips(CommentsState::ALL);
        round_trips(AssetKind::ALL);
    }

    #[test]
    fn an_unknown_name_is_an_error_naming_it() {
        let e = "done".parse::<EntryState>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown entry state \"done\" (expected one of: pending ok notice protected private deleted failed not_post)"
        );
        assert!("Image".parse::<AssetKind>().is_err());
    }

    #[test]
    fn page_kinds_map_to_the_same_status_through_the_entry_state() {
        for kind in PageKind::ALL.iter().copied().filter(|k| k.is_entry()) {
            assert_eq!(EntryState::from(kind).post_status(), PostStatus::from(kind));
        }
    }
}
