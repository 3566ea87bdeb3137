//! Opening what the desk works on: the bundle (`bundle.json` and every `post.json`, checked against
//! the manifest's checksums) and the archive whose `archive.db` holds the ledger.
//!
//! Where the archive is: `--archive DIR` when given; otherwise the bundle's parent directory,
//! because `bundle` writes to `<ARCHIVE>/naver/` by default (the manifest does not name its
//! archive). Either way the directory must hold `archive.db` whose blog name is the bundle's
//! source blog, so a bundle is never recorded into another blog's ledger.
//!
//! The bundle is checked as `verify` checks it ([`check_bundle`]): a bundle whose listed files are
//! missing or changed (edited by hand, copied half-way), out of order, or whose `categories.json`
//! was edited without rebuilding is refused with the list of problems; files the manifest does
//! not list (a `.DS_Store`, a `Thumbs.db`) are reported and ignored. Reads only.

use std::path::{Path, PathBuf};

use super::DeskError;
use crate::archive::db::ArchiveDb;
use crate::archive::layout::ARCHIVE_DB;
use crate::bundle::check::check_bundle;
use crate::bundle::integrity::{BundleProblem, BundleProblemKind};
use crate::bundle::manifest::{BUNDLE_JSON, BundleManifest, ManifestPost, POST_JSON, PostManifest};

/// One post of the bundle: its line in `bundle.json` and its `post.json`.
#[derive(Debug, Clone)]
pub struct DeskPost {
    /// The manifest's entry.
    pub entry: ManifestPost,
    /// The post's `post.json`.
    pub meta: PostManifest,
}

/// A bundle opened for the desk.
#[derive(Debug, Clone)]
pub struct DeskBundle {
    /// The bundle directory, canonical.
    pub root: PathBuf,
    /// `bundle.json`.
    pub manifest: BundleManifest,
    /// The posts, in upload order.
    pub posts: Vec<DeskPost>,
    /// Files found that the manifest does not list (ignored, never served as part of a post).
    pub unlisted: Vec<String>,
}

impl DeskBundle {
    /// The post with Tistory id `id`.
    #[must_use]
    pub fn post(&self, id: u64) -> Option<&DeskPost> {
        self.posts.iter().find(|p| p.entry.id == id)
    }

    /// The post ids in upload order.
    #[must_use]
    pub fn order(&self) -> Vec<u64> {
        self.posts.iter().map(|p| p.entry.id).collect()
    }

    /// Reads a file of a post's directory (`body.html`, `body.txt`).
    ///
    /// # Errors
    /// [`DeskError::BundleFile`] when it cannot be read.
    pub fn read_post_file(&self, post: &DeskPost, name: &str) -> Result<String, DeskError> {
        let path = self.root.join(&post.entry.dir).join(name);
        std::fs::read_to_string(&path).map_err(|source| DeskError::BundleFile { path, source })
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, DeskError> {
    let text = std::fs::read_to_string(path).map_err(|source| DeskError::BundleFile {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| DeskError::BundleJson {
        path: path.to_path_buf(),
        source,
    })
}

/// Opens and checks the bundle at `dir`.
///
/// # Errors
/// [`DeskError::BundleDir`], [`DeskError::BundleFile`] or [`DeskError::BundleJson`] when it
/// cannot be opened, read or parsed, [`DeskError::Tampered`] when listed
/// files are missing or changed.
pub fn load_bundle(dir: &Path) -> Result<DeskBundle, DeskError> {
    let root = dir.canonicalize().map_err(|source| DeskError::BundleDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let manifest: BundleManifest = read_json(&root.join(BUNDLE_JSON))?;
    let (unlisted, problems): (Vec<BundleProblem>, Vec<BundleProblem>) = check_bundle(&root)
        .into_iter()
        .partition(|p| p.kind == BundleProblemKind::Unlisted);
    if !problems.is_empty() {
        return Err(DeskError::Tampered {
            path: root,
            problems: problems.iter().map(ToString::to_string).collect(),
        });
    }
    let mut posts = Vec::with_capacity(manifest.posts.len());
    for entry in &manifest.posts {
        let meta: PostManifest = read_json(&root.join(&entry.dir).join(POST_JSON))?;
        posts.push(DeskPost {
            entry: entry.clone(),
            meta,
        });
    }
    Ok(DeskBundle {
        root,
        unlisted: unlisted.into_iter().filter_map(|p| p.path).collect(),
        manifest,
        posts,
    })
}

/// Finds the archive of `bundle` (see the module docs) and opens its `archive.db`.
///
/// # Errors
/// [`DeskError::NoArchive`] when there is no `archive.db` where it should be,
/// [`DeskError::OtherBlog`] when it is another blog's archive, [`DeskError::Db`] when it cannot
/// be opened.
pub fn open_archive(
    bundle: &DeskBundle,
    archive: Option<&Path>,
) -> Result<(PathBuf, ArchiveDb), DeskError> {
    let dir = match archive {
        Some(dir) => dir.to_path_buf(),
        None => bundle
            .root
            .parent()
            .map_or_else(|| bundle.root.clone(), Path::to_path_buf),
    };
    let db_path = dir.join(ARCHIVE_DB);
    if !db_path.is_file() {
        return Err(DeskError::NoArchive {
            bundle: bundle.root.clone(),
            looked_in: dir,
        });
    }
    let db = ArchiveDb::open(&db_path)?;
    let blog = db.blog()?.name;
    if let Some(blog) = blog
        && bundle.manifest.source.name.as_deref() != Some(blog.as_str())
    {
        return Err(DeskError::OtherBlog {
            archive: dir,
            archive_blog: blog,
            bundle_blog: bundle.manifest.source.name.clone().unwrap_or_default(),
        });
    }
    Ok((dir, db))
}
