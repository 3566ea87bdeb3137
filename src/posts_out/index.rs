//! [`ArchiveIndex`]: the archive state read once for a whole extract run (assets, comments,
//! provenance, the list's words), from which each post's [`PostInputs`] is taken.

use std::collections::HashMap;
use std::path::Path;

use super::inputs::{
    NamedAsset, PostInputs, comments_ref, list_fields, named_assets, provenance_in,
};
use crate::archive::db::{ArchiveDb, AssetRow, DbError, EntryRow, EntryState};
use crate::archive::layout::ARCHIVE_DB;
use crate::extract::witness::ListFields;
use crate::model::{CommentsRef, EntryId, Post, PostRecord, PostStatus};
use crate::provenance::{Origin, Provenance};

/// What the archive's state says about assets and comments, for the Markdown and the rows.
#[derive(Default)]
pub struct ArchiveIndex {
    /// Entries that have no page to read (deleted, failed, never fetched), for their rows.
    pub pageless: Vec<EntryRow>,
    base_url: Option<String>,
    assets: HashMap<String, AssetRow>,
    comments: HashMap<EntryId, CommentsRef>,
    /// Where each entry's saved copy came from (live when `archive.db` records nothing else).
    provenance: HashMap<EntryId, Provenance>,
    /// Where each saved asset's file came from.
    asset_origins: HashMap<String, Origin>,
    /// What the mobile list API said about each entry (the second witness).
    listed: HashMap<EntryId, ListFields>,
}

impl ArchiveIndex {
    /// Reads `archive.db` in `out`, when there is one.
    ///
    /// # Errors
    /// [`DbError`] when the state database cannot be read or holds a value that does not read back.
    pub fn load(out: &Path) -> Result<Self, DbError> {
        let db_path = out.join(ARCHIVE_DB);
        if !db_path.is_file() {
            return Ok(Self::default());
        }
        let db = ArchiveDb::open(&db_path)?;
        let assets = db
            .assets()?
            .into_iter()
            .map(|a| (a.url.clone(), a))
            .collect();
        let mut comments = HashMap::new();
        let entries = db.entries()?;
        let pageless = entries
            .iter()
            .filter(|e| e.raw_file.is_none() && !matches!(e.state, EntryState::NotPost))
            .cloned()
            .collect();
        let mut provenance = HashMap::new();
        for e in entries {
            provenance.insert(e.id, provenance_in(&db, e.id)?);
            if let Some(c) = comments_ref(db.comments(e.id)?) {
                comments.insert(e.id, c);
            }
        }
        let listed = db
            .api_entries()?
            .into_iter()
            .map(|a| (a.id, list_fields(a)))
            .collect();
        Ok(Self {
            listed,
            pageless,
            base_url: db.blog()?.address().map(str::to_string),
            assets,
            comments,
            provenance,
            asset_origins: db.asset_origins()?,
        })
    }

    /// What `post`'s Markdown and row take from the archive state.
    #[must_use]
    pub fn inputs_of(&self, post: &Post) -> PostInputs {
        let assets = named_assets(post)
            .into_iter()
            .map(|(url, kind)| NamedAsset {
                row: self.assets.get(&url).map(|a| (a.state, a.file.clone())),
                origin: self.asset_origins.get(&url).cloned(),
                url,
                kind,
            })
            .collect();
        PostInputs {
            assets,
            listed: self.listed.get(&post.id).cloned(),
            comments: self.comments.get(&post.id).cloned(),
            provenance: self.provenance.get(&post.id).cloned(),
        }
    }

    /// The row of an entry that has no saved page: deleted, failed, or never fetched.
    #[must_use]
    pub fn pageless_row(&self, e: &EntryRow) -> PostRecord {
        // A row without a page: an archived state here means the page was lost, so it is an error.
        let status = match e.state.post_status() {
            PostStatus::Ok => PostStatus::Error,
            status => status,
        };
        let url = e
            .url
            .clone()
            .unwrap_or_else(|| format!("{}{}", self.base_url.as_deref().unwrap_or("/"), e.id));
        let mut warnings = Vec::new();
        if let Some(err) = &e.last_error {
            warnings.push(format!("not archived: {err}"));
        } else if status == PostStatus::Error {
            warnings.push("not fetched yet: run crawl again".to_string());
        }
        PostRecord {
            id: e.id,
            url,
            status,
            notice: false,
            title: None,
            published: None,
            modified: None,
            author: None,
            category: None,
            tags: Vec::new(),
            markdown: None,
            source: None,
            images: Vec::new(),
            attachments: Vec::new(),
            fidelity: None,
            markdown_body_sha256: None,
            comments: None,
            warnings,
            provenance: None,
        }
    }
}
