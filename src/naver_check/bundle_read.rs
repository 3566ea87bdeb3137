//! What the Naver check expects of each post, read from the bundle: `bundle.json` (the footer
//! setting), each post's `post.json` (title, images, tags, category, original address) and its
//! `body.txt` (the text to find on Naver). Checksums are `verify`'s and the desk's business
//! ([`crate::bundle::check::check_bundle`]); this only reads.

use std::path::Path;

use super::error::NaverError;
use crate::bundle::manifest::{BUNDLE_JSON, BundleManifest, POST_JSON, PostManifest};
use crate::model::EntryId;

/// One bundle post, as the check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedPost {
    /// The Tistory entry id.
    pub id: EntryId,
    /// The title pasted.
    pub title: String,
    /// `body.txt`: the body's text, with `[[사진 N]]` placeholders and the footer.
    pub body_text: String,
    /// Images with a file to upload (placeholders that should have become images).
    pub images: usize,
    /// The original Tistory address (the footer names it).
    pub original_url: String,
    /// The tags to type (at most 30).
    pub tags: Vec<String>,
    /// The Naver category `categories.json` maps to, `None` for Naver's default.
    pub category: Option<String>,
}

/// The bundle as the check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedBundle {
    /// True when every post ends with the footer naming its original.
    pub footer: bool,
    /// The posts, in upload order.
    pub posts: Vec<ExpectedPost>,
}

impl ExpectedBundle {
    /// The post with id `id`.
    #[must_use]
    pub fn post(&self, id: EntryId) -> Option<&ExpectedPost> {
        self.posts.iter().find(|p| p.id == id)
    }
}

fn read(path: &Path) -> Result<String, NaverError> {
    std::fs::read_to_string(path).map_err(|source| NaverError::ReadBundle {
        path: path.to_path_buf(),
        source,
    })
}

/// One post from its `post.json` and `body.txt`.
#[must_use]
pub fn expected_post(meta: &PostManifest, body_text: String) -> ExpectedPost {
    ExpectedPost {
        id: meta.id,
        title: meta.title.clone(),
        body_text,
        images: meta.images.iter().filter(|i| !i.missing).count(),
        original_url: meta.original_url.clone(),
        tags: meta.tags.clone(),
        category: meta.category.naver.clone(),
    }
}

/// Reads the bundle in `dir`.
///
/// # Errors
/// [`NaverError`] naming the file that cannot be read or parsed, and what to do.
pub fn read_bundle(dir: &Path) -> Result<ExpectedBundle, NaverError> {
    let path = dir.join(BUNDLE_JSON);
    let manifest: BundleManifest = serde_json::from_str(&read(&path)?)
        .map_err(|source| NaverError::BadManifest { path, source })?;
    let mut posts = Vec::with_capacity(manifest.posts.len());
    for entry in &manifest.posts {
        let post_dir = dir.join(&entry.dir);
        let meta_path = post_dir.join(POST_JSON);
        let meta: PostManifest =
            serde_json::from_str(&read(&meta_path)?).map_err(|source| NaverError::BadManifest {
                path: meta_path.clone(),
                source,
            })?;
        let body = read(&post_dir.join("body.txt"))?;
        posts.push(expected_post(&meta, body));
    }
    Ok(ExpectedBundle {
        footer: manifest.footer.enabled,
        posts,
    })
}
