//! [`PostInputs`]: what one post's Markdown and row read from the archive state, gathered from the
//! whole-archive [`super::ArchiveIndex`] (the extract stage) or queried for the one post (the crawl).

use crate::archive::db::{ApiEntry, ArchiveDb, AssetRow, CommentsRow, DbError};
use crate::extract::witness::ListFields;
use crate::model::{AssetKind, AssetState, CommentsRef, CommentsState, EntryId, Post};
use crate::provenance::{Origin, Provenance};

/// One image or attachment URL of a post's body, in body order, with what the archive holds for it.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedAsset {
    /// The URL as the body names it.
    pub url: String,
    /// Image or attachment.
    pub kind: AssetKind,
    /// The asset's state and file, when `archive.db` has a row for it.
    pub row: Option<(AssetState, Option<String>)>,
    /// Where its saved file came from, when it is saved.
    pub origin: Option<Origin>,
}

/// Everything a post's Markdown and `posts.jsonl` row take from the archive state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostInputs {
    /// The body's images, then its attachments.
    pub assets: Vec<NamedAsset>,
    /// What the mobile list API said about the post (the second witness).
    pub listed: Option<ListFields>,
    /// Its saved comments.
    pub comments: Option<CommentsRef>,
    /// Where its saved copy came from; `None` for a page the state database does not know.
    pub provenance: Option<Provenance>,
}

/// The image and attachment URLs of `post`'s body, in body order (images first).
#[must_use]
pub fn named_assets(post: &Post) -> Vec<(String, AssetKind)> {
    post.body
        .iter()
        .flat_map(|b| {
            b.images
                .iter()
                .map(|i| (i.url.clone(), AssetKind::Image))
                .chain(
                    b.attachments
                        .iter()
                        .map(|a| (a.url.clone(), AssetKind::Attachment)),
                )
        })
        .collect()
}

/// A list row as the witness reads it.
pub(super) fn list_fields(a: ApiEntry) -> ListFields {
    ListFields {
        title: a.title,
        published: a.published,
        category: a.category,
        tags: a.tags,
        comment_count: a.comment_count,
    }
}

/// Saved comments with a file, as a post's row names them (a `partial` file too, with its note).
pub(super) fn comments_ref(row: Option<CommentsRow>) -> Option<CommentsRef> {
    match row {
        Some(c) if c.state.has_file() => match (c.count, c.file) {
            (Some(count), Some(file)) => Some(CommentsRef {
                count,
                file,
                // The kept comments of a walk that did not finish, with why.
                incomplete: (c.state == CommentsState::Partial)
                    .then(|| c.reason.unwrap_or_else(|| "the walk did not finish".into())),
            }),
            _ => None,
        },
        _ => None,
    }
}

/// Where entry `id`'s saved copy came from: live when `archive.db` records nothing else, with the
/// time its page was fetched (tests that compare two runs leave that one field out).
pub(super) fn provenance_in(db: &ArchiveDb, id: EntryId) -> Result<Provenance, DbError> {
    Ok(match db.provenance(id)? {
        Some(Provenance {
            origin: Origin::Live { fetched_at: None },
            visibility,
            choice,
            assets,
        }) => Provenance {
            origin: Origin::Live {
                fetched_at: db.fetched_at(id)?,
            },
            visibility,
            choice,
            assets,
        },
        Some(p) => p,
        None => Provenance {
            origin: Origin::Live {
                fetched_at: db.fetched_at(id)?,
            },
            visibility: None,
            choice: None,
            assets: Vec::new(),
        },
    })
}

impl PostInputs {
    /// The inputs of `post`, queried from `db` for this post alone (the crawl, as each post lands).
    ///
    /// # Errors
    /// [`DbError`] on a database failure or a stored value that does not read back.
    pub fn query(db: &ArchiveDb, post: &Post) -> Result<Self, DbError> {
        let mut assets = Vec::new();
        for (url, kind) in named_assets(post) {
            let row = db.asset(&url)?.map(|a: AssetRow| (a.state, a.file));
            let origin = db.asset_origin(&url)?;
            assets.push(NamedAsset {
                url,
                kind,
                row,
                origin,
            });
        }
        // The crawl asks only about a post it has just recorded, so the entry is known.
        Ok(Self {
            assets,
            listed: db.api_entry(post.id)?.map(list_fields),
            comments: comments_ref(db.comments(post.id)?),
            provenance: Some(provenance_in(db, post.id)?),
        })
    }
}
