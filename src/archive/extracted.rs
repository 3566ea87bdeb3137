//! The extracted post as an archive artifact: `extracted/<id>.json` holds what extraction read off
//! `raw/<id>.html`, keyed by the raw page's sha256, the extractor version and the selector profile.
//! Crawl writes it when it fetches the page (or `extract` when it extracts again); extract,
//! convert, bundle, verify and the replay server read it back instead of parsing the page again.
//! An artifact whose key does not match the raw page is stale: it is never used, the page is
//! extracted again. Only plain reads and atomic writes here; extracting is `crate::extracted`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::layout::{ARCHIVE_DB, RAW_DIR, extracted_rel, resolve};
use super::store::write_atomic;
use crate::model::{EntryId, Post};

/// What identifies the extraction an artifact holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractionKey {
    /// sha256 of the raw page's bytes, hex.
    pub raw_sha256: String,
    /// [`crate::extract::EXTRACTOR_VERSION`] when it was extracted.
    pub extractor: u32,
    /// The selector profile's fingerprint (`default` for none).
    pub profile: String,
}

/// One artifact: the key and the post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractedPost {
    /// What it was extracted from, and how.
    pub key: ExtractionKey,
    /// The post, as extraction returned it (decoder warnings first, as `extract` reports them).
    pub post: Post,
}

/// Reads `extracted/<id>.json` of the archive at `root` when it holds the extraction `key`
/// names. `None` when there is none, it is stale, or it cannot be read back (it is then
/// rebuilt from the raw page, which is the record; the artifact is only derived from it).
#[must_use]
pub fn read_current(root: &Path, id: EntryId, key: &ExtractionKey) -> Option<Post> {
    let bytes = std::fs::read(resolve(root, &extracted_rel(id))).ok()?;
    let artifact: ExtractedPost = serde_json::from_slice(&bytes).ok()?;
    (artifact.key == *key).then_some(artifact.post)
}

/// Writes `extracted/<id>.json` atomically.
///
/// # Errors
/// [`crate::Error::WriteArchive`] when the file cannot be written.
pub fn write(root: &Path, id: EntryId, artifact: &ExtractedPost) -> crate::Result<()> {
    let json = serde_json::to_vec(artifact).expect("a post always serialises");
    write_atomic(&resolve(root, &extracted_rel(id)), &json)
}

/// The archive a saved page belongs to, when it is an archive's `raw/<id>.html` (the directory
/// above `raw/` holds `archive.db`), with the id.
#[must_use]
pub fn archive_of_raw_page(raw: &Path) -> Option<(&Path, EntryId)> {
    let id = raw.file_stem()?.to_str()?.parse().ok()?;
    let raw_dir = raw.parent()?;
    if raw_dir.file_name()? != RAW_DIR {
        return None;
    }
    let root = raw_dir.parent()?;
    root.join(ARCHIVE_DB).is_file().then_some((root, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PageKind;

    fn post(id: EntryId) -> Post {
        Post {
            id,
            url: format!("https://b.tistory.com/{id}"),
            kind: PageKind::Post,
            blog: Some("b".into()),
            title: Some("제목".into()),
            published: chrono::DateTime::parse_from_rfc3339("2021-04-05T09:12:33+09:00").ok(),
            modified: None,
            author: None,
            category: Some("여행/국내".into()),
            tags: vec!["봄".into()],
            body: None,
            warnings: vec!["w".into()],
        }
    }

    #[test]
    fn an_artifact_is_read_back_only_under_its_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = ExtractionKey {
            raw_sha256: "ab".into(),
            extractor: 1,
            profile: "default".into(),
        };
        write(
            dir.path(),
            7,
            &ExtractedPost {
                key: key.clone(),
                post: post(7),
            },
        )
        .unwrap();
        assert_eq!(read_current(dir.path(), 7, &key), Some(post(7)));
        let changed_page = ExtractionKey {
            raw_sha256: "cd".into(),
            ..key.clone()
        };
        assert_eq!(read_current(dir.path(), 7, &changed_page), None);
        let newer = ExtractionKey {
            extractor: 2,
            ..key.clone()
        };
        assert_eq!(read_current(dir.path(), 7, &newer), None);
        assert_eq!(read_current(dir.path(), 8, &key), None);
        std::fs::write(dir.path().join("extracted/7.json"), b"{not json").unwrap();
        assert_eq!(read_current(dir.path(), 7, &key), None);
    }

    #[test]
    fn only_an_archives_raw_pages_have_an_archive() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("raw")).unwrap();
        let page = dir.path().join("raw/12.html");
        assert_eq!(archive_of_raw_page(&page), None, "no archive.db");
        std::fs::write(dir.path().join(ARCHIVE_DB), b"").unwrap();
        assert_eq!(archive_of_raw_page(&page), Some((dir.path(), 12)));
        assert_eq!(
            archive_of_raw_page(&dir.path().join("raw/pages/12.html")),
            None
        );
        assert_eq!(archive_of_raw_page(&dir.path().join("raw/x.html")), None);
    }
}
