//! Reading an archive for the bundle and the redirects: the `posts.jsonl` rows, the blog's name
//! and address, slugs and asset states from `archive.db`, and each public post's body from the
//! archive's extracted post (`extracted/<id>.json`), or from its saved page (`raw/<id>.html`) when
//! that artifact is missing or stale.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::archive::db::{ArchiveDb, AssetRow};
use crate::archive::layout::{self, ARCHIVE_DB, POSTS_JSONL};
use crate::bundle::links::{BlogLinks, slug_of};
use crate::extract::selectors::SelectorProfile;
use crate::extract::{Page, PageSource};
use crate::extracted::{ArtifactUse, PostReader};
use crate::model::blog::Blog;
use crate::model::{AssetState, AssetStatus, EntryId, Post, PostRecord};

/// Why a post of the archive cannot go into the bundle (it is listed as skipped, with this).
#[derive(Debug, thiserror::Error)]
pub(crate) enum PostSourceError {
    /// Neither `raw/<id>.html` nor the row's source page exists.
    #[error("no saved page (raw/<id>.html) to read the body from")]
    NoPage,
    /// The saved page cannot be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The page.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The page reads as an entry without a body (protected, say).
    #[error("{} has no post body", path.display())]
    NoBody {
        /// The page.
        path: PathBuf,
    },
    /// The page is not a post.
    #[error("{} is not a post: {reason}", path.display())]
    NotAPost {
        /// The page.
        path: PathBuf,
        /// What it is instead.
        reason: String,
    },
    /// The page cannot be extracted (the error names it).
    #[error(transparent)]
    Extract(crate::Error),
}

/// What the bundle and the redirects read from an archive.
pub(crate) struct ArchiveSource {
    pub root: PathBuf,
    /// The archive's blog (`archive.db`'s, else what the rows' addresses and the folder say),
    /// with its name and its address (ending in `/`) always known, and the hosts its posts'
    /// addresses name among its hosts.
    pub blog: Blog,
    pub rows: Vec<PostRecord>,
    pub db: Option<ArchiveDb>,
    pub slugs: Vec<(String, EntryId)>,
    assets: HashMap<String, AssetRow>,
    /// `posts.jsonl` lines that did not parse.
    pub bad_lines: Vec<String>,
}

fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .host_str()
        .map(str::to_ascii_lowercase)
}

impl ArchiveSource {
    /// Reads `posts.jsonl` and, when there is one, `archive.db`.
    pub(crate) fn load(root: &Path) -> anyhow::Result<Self> {
        let jsonl = root.join(POSTS_JSONL);
        let text = std::fs::read_to_string(&jsonl).with_context(|| {
            format!(
                "cannot read {}; is {} an archive? Make one with `tistory-migrate migrate` or `extract` first",
                jsonl.display(),
                root.display()
            )
        })?;
        let mut rows = Vec::new();
        let mut bad_lines = Vec::new();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            match serde_json::from_str::<PostRecord>(line) {
                Ok(r) => rows.push(r),
                Err(e) => bad_lines.push(format!(
                    "{}: line {} is not a post row: {e}",
                    jsonl.display(),
                    n + 1
                )),
            }
        }
        let db_path = root.join(ARCHIVE_DB);
        let db = if db_path.is_file() {
            Some(ArchiveDb::open(&db_path).context("while reading the archive state")?)
        } else {
            None
        };
        let mut blog = match &db {
            Some(db) => db.blog().context("while reading the archive state")?,
            None => Blog::default(),
        };
        let name = blog
            .name
            .clone()
            .or_else(|| {
                rows.iter().find_map(|r| {
                    host_of(&r.url)?
                        .strip_suffix(".tistory.com")
                        .map(str::to_string)
                })
            })
            .unwrap_or_else(|| {
                root.file_name()
                    .map_or_else(|| "blog".into(), |n| n.to_string_lossy().into_owned())
            });
        blog.base_url = Some(blog.base_url_or_tistory(&name));
        blog.name = Some(name);
        for host in rows.iter().filter_map(|r| host_of(&r.url)) {
            blog.add_host(&host);
        }
        let (slugs, assets) = match &db {
            Some(db) => (
                db.slugs()?,
                db.assets()?
                    .into_iter()
                    .map(|a| (a.url.clone(), a))
                    .collect(),
            ),
            None => (Vec::new(), HashMap::new()),
        };
        Ok(Self {
            root: root.to_path_buf(),
            blog,
            rows,
            db,
            slugs,
            assets,
            bad_lines,
        })
    }

    /// Every slug of every post: from `archive.db` and from `/entry/<slug>` permalinks.
    pub(crate) fn all_slugs(&self) -> Vec<(String, EntryId)> {
        let mut slugs = self.slugs.clone();
        for row in &self.rows {
            if let Some(slug) = slug_of(&row.url)
                && !slugs.iter().any(|(s, id)| *s == slug && *id == row.id)
            {
                slugs.push((slug, row.id));
            }
        }
        slugs
    }

    /// The blog's name (the ledger keys' `<blog>`).
    pub(crate) fn name(&self) -> &str {
        self.blog
            .name
            .as_deref()
            .expect("the name is resolved on load")
    }

    /// The blog's address, ending in `/`.
    pub(crate) fn base_url(&self) -> &str {
        self.blog
            .base_url
            .as_deref()
            .expect("the address is resolved on load")
    }

    /// The blog's hosts and slugs.
    pub(crate) fn links(&self) -> BlogLinks {
        BlogLinks::new(&self.blog, self.all_slugs())
    }

    /// Re-extracts a post from its saved page, with the archive's files filled in.
    ///
    /// # Errors
    /// [`PostSourceError`] naming the page when there is none, it cannot be read, or it holds no
    /// post body.
    pub(crate) fn post(&self, row: &PostRecord) -> Result<Post, PostSourceError> {
        let raw = self.root.join(layout::raw_page_rel(row.id));
        let path = if raw.is_file() {
            raw
        } else {
            match &row.source {
                Some(s) if Path::new(s).is_absolute() => PathBuf::from(s),
                Some(s) => self.root.join(s),
                None => return Err(PostSourceError::NoPage),
            }
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(source) => return Err(PostSourceError::Read { path, source }),
        };
        let source = PageSource {
            path: path.clone(),
            url: Some(row.url.clone()),
            id_hint: Some(row.id),
            http_status: None,
        };
        // The archive's extracted post when current; the page is parsed only when it is not.
        let profile = SelectorProfile::default();
        match PostReader::new(&profile, ArtifactUse::ReadOnly).read(&bytes, &source) {
            Ok(Page::Entry(post)) if post.body.is_some() => {
                let mut post = *post;
                self.fill_files(&mut post, row);
                Ok(post)
            }
            Ok(Page::Entry(_)) => Err(PostSourceError::NoBody { path }),
            Ok(Page::NotEntry { reason, .. }) => Err(PostSourceError::NotAPost { path, reason }),
            Err(e) => Err(PostSourceError::Extract(e)),
        }
    }

    /// Where each image and attachment is: `archive.db` first, else the row of `posts.jsonl`.
    fn fill_files(&self, post: &mut Post, row: &PostRecord) {
        let Some(body) = post.body.as_mut() else {
            return;
        };
        let locate = |url: &str| -> (Option<String>, AssetStatus) {
            if let Some(a) = self.assets.get(url) {
                return match (a.state, &a.file) {
                    (AssetState::Ok, Some(f)) => (Some(f.clone()), AssetStatus::Ok),
                    _ => (None, AssetStatus::Missing),
                };
            }
            let listed = row
                .images
                .iter()
                .map(|i| (&i.url, &i.file, i.status))
                .chain(row.attachments.iter().map(|a| (&a.url, &a.file, a.status)))
                .find(|(u, _, _)| u.as_str() == url);
            match listed {
                Some((_, file, status)) => (file.clone(), status),
                None => (None, AssetStatus::Remote),
            }
        };
        for image in &mut body.images {
            (image.file, image.status) = locate(&image.url);
        }
        for attachment in &mut body.attachments {
            (attachment.file, attachment.status) = locate(&attachment.url);
        }
    }
}
