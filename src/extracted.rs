//! Reading a saved page as a post, once per page: the stages after crawl (extract, bundle, verify,
//! the replay server) ask a [`PostReader`] for the post of `raw/<id>.html`; it returns the archive's
//! extracted-post artifact (`extracted/<id>.json`, see [`crate::archive::extracted`]) when that was
//! made from the same bytes by the same extractor and profile, and extracts the page only
//! otherwise. `verify --deep` asks for a fresh extraction on purpose ([`ArtifactUse::Ignore`]).
//! [`extract_bytes`] is the one path from bytes to a page (decoder, then extractor, the
//! decoder's warnings first), used by crawl too, so every stage reads a page the same way.

use std::path::Path;

use crate::archive::extracted::{self, ExtractedPost, ExtractionKey};
use crate::archive::hash::sha256_hex;
use crate::extract::decode::decode_page;
use crate::extract::selectors::SelectorProfile;
use crate::extract::{EXTRACTOR_VERSION, Page, PageSource, extract_page};
use crate::model::{EntryId, Post};

/// The fingerprint of a selector profile in an artifact's key: `default` for none.
#[must_use]
pub fn profile_key(profile: &SelectorProfile) -> String {
    profile.fingerprint()
}

/// Decodes and extracts one page: the one way from bytes to a [`Page`]. The decoder's warnings
/// come first in the post's warnings.
///
/// # Errors
/// The decoder's errors (empty, binary) and the extractor's (not Tistory, no entry id).
pub fn extract_bytes(
    bytes: &[u8],
    source: &PageSource,
    profile: &SelectorProfile,
) -> crate::Result<Page> {
    let decoded = decode_page(bytes, &source.path)?;
    let mut page = extract_page(&decoded.html, source, profile)?;
    if let Page::Entry(post) = &mut page {
        post.warnings.splice(0..0, decoded.warnings);
    }
    Ok(page)
}

/// The key of an extraction of `bytes` with `profile` now.
#[must_use]
pub fn key_of(bytes: &[u8], profile_key: &str) -> ExtractionKey {
    ExtractionKey {
        raw_sha256: sha256_hex(bytes),
        extractor: EXTRACTOR_VERSION,
        profile: profile_key.to_string(),
    }
}

/// Saves the post extracted from `raw/<id>.html` of the archive at `root` as its artifact.
///
/// # Errors
/// [`crate::Error::WriteArchive`] when it cannot be written.
pub fn save(root: &Path, id: EntryId, key: ExtractionKey, post: &Post) -> crate::Result<()> {
    save_owned(root, id, key, post.clone())
}

/// [`save`], taking the post (the crawl has no further use for it: no copy of the body is made).
///
/// # Errors
/// [`crate::Error::WriteArchive`] when it cannot be written.
pub fn save_owned(root: &Path, id: EntryId, key: ExtractionKey, post: Post) -> crate::Result<()> {
    extracted::write(root, id, &ExtractedPost { key, post })
}

/// What a [`PostReader`] does with the archive's artifacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactUse {
    /// Use a current artifact; after extracting a page, save its artifact (`extract`).
    ReadWrite,
    /// Use a current artifact; never write (bundle, verify, the replay server).
    ReadOnly,
    /// Extract every page, whatever the archive holds (`verify --deep`).
    Ignore,
}

/// Gives the post of a saved page, from its artifact when current, else by extracting it.
#[derive(Debug)]
pub struct PostReader<'p> {
    profile: &'p SelectorProfile,
    profile_key: String,
    artifacts: ArtifactUse,
}

impl<'p> PostReader<'p> {
    /// A reader extracting with `profile`.
    #[must_use]
    pub fn new(profile: &'p SelectorProfile, artifacts: ArtifactUse) -> Self {
        Self {
            profile,
            profile_key: profile_key(profile),
            artifacts,
        }
    }

    /// The page in `bytes`, read from `source.path`. When that is an archive's `raw/<id>.html`,
    /// its artifact is used if current, and written after extracting when the reader writes.
    ///
    /// # Errors
    /// As [`extract_bytes`], and [`crate::Error::WriteArchive`] when an artifact cannot be saved.
    pub fn read(&self, bytes: &[u8], source: &PageSource) -> crate::Result<Page> {
        let archive = extracted::archive_of_raw_page(&source.path);
        let key = archive.map(|_| key_of(bytes, &self.profile_key));
        if self.artifacts != ArtifactUse::Ignore
            && let (Some((root, id)), Some(key)) = (archive, &key)
            && let Some(post) = extracted::read_current(root, id, key)
        {
            return Ok(Page::Entry(Box::new(post)));
        }
        let page = extract_bytes(bytes, source, self.profile)?;
        if self.artifacts == ArtifactUse::ReadWrite
            && let (Some((root, id)), Some(key), Page::Entry(post)) = (archive, key, &page)
        {
            save(root, id, key, post)?;
        }
        Ok(page)
    }
}
