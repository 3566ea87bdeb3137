//! The I/O edge of import: puts [`ImportedPost`]s into an archive directory exactly as a crawl
//! would (files first, rows after, each row one transaction): assets by content hash, the page as
//! `raw/<id>.html` ([`render_page`]), comments as `comments/<id>.json` in the shape the comment API
//! serves, and in `archive.db` the entry, its source (`backup-zip` / `backup-xml`), its assets and
//! its provenance. A file the backup lacks is recorded as missing with [`NOT_IN_BACKUP_HINT`], so
//! verify lists it by name (it is not a gap that a command could fill). When the archive already
//! holds a copy of a post from the live blog, a snapshot or a WARC, the more complete copy by
//! measure ([`crate::completeness`]) is kept and the choice recorded; each saved file records the
//! backup and its name inside it as its origin. A visibility the live blog showed (learnt by a
//! crawl) is kept when the same backup is imported again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::archive::db::{ArchiveDb, EntryState, PageOutcome};
use crate::archive::layout::{asset_rel, raw_page_rel, resolve};
use crate::archive::store::write_atomic;
use crate::completeness::CopyMeasure;
use crate::crawl::assets::asset_extension;
use crate::import::page::{asset_url, permalink, render_page};
use crate::import::{BackupFormat, ImportError, ImportedComment, ImportedPost, Visibility};
use crate::model::EntryId;
use crate::provenance::{Origin, Provenance};

/// The end of the `last_error` of a file the backup does not hold. Verify lists such files by
/// name as not recoverable from this source (no repair command brings them back).
pub const NOT_IN_BACKUP_HINT: &str = " (not in the backup file)";

/// Which posts of a zip backup the user says were public (the zip does not say).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum MarkPublic {
    /// None: every zip post stays `unknown` and out of the Naver bundle.
    #[default]
    None,
    /// Every post of the backup.
    All,
    /// These entry ids.
    Ids(BTreeSet<EntryId>),
}

/// A part of `--mark-public` that is neither `all` nor an entry id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{part:?} is not an entry id; give `all` or ids like 3,12,40")]
pub struct NotAnEntryId {
    /// The part.
    pub part: String,
    /// The number parser's error.
    #[source]
    pub source: std::num::ParseIntError,
}

impl MarkPublic {
    /// Reads `all` or a comma-separated list of ids.
    ///
    /// # Errors
    /// [`NotAnEntryId`] naming the part that is not an id.
    pub fn parse(s: &str) -> Result<Self, NotAnEntryId> {
        if s.trim().eq_ignore_ascii_case("all") {
            return Ok(Self::All);
        }
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<EntryId>().map_err(|source| NotAnEntryId {
                    part: p.to_owned(),
                    source,
                })
            })
            .collect::<Result<BTreeSet<_>, _>>()
            .map(Self::Ids)
    }

    fn includes(&self, id: EntryId) -> bool {
        match self {
            Self::None => false,
            Self::All => true,
            Self::Ids(ids) => ids.contains(&id),
        }
    }
}

/// What the writer did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WriteCounts {
    /// Posts written, by visibility.
    pub by_visibility: BTreeMap<&'static str, usize>,
    /// Posts whose page could not be read: (id, why).
    pub failed: Vec<(EntryId, String)>,
    /// Files saved.
    pub assets_saved: usize,
    /// Files the backup lacks: (post id, name).
    pub assets_missing: Vec<(EntryId, String)>,
    /// Comments and replies saved.
    pub comments: usize,
    /// Posts the archive already had from a live crawl; the live copy was kept.
    pub kept_live: Vec<EntryId>,
    /// Warnings per post.
    pub warnings: Vec<(EntryId, String)>,
}

/// Writes imported posts into one archive directory.
pub struct ArchiveWriter {
    out: PathBuf,
    db: ArchiveDb,
    base: String,
    format: BackupFormat,
    file_label: String,
    mark_public: MarkPublic,
    /// What the archive held before this import.
    before: BTreeMap<EntryId, Before>,
    /// What was done.
    pub counts: WriteCounts,
}

/// One entry as the archive held it before this import.
#[derive(Debug, Clone)]
struct Before {
    state: EntryState,
    /// The saved page, when there is one.
    raw_file: Option<String>,
    /// Its recorded provenance (`None`: a live crawl's copy, recorded before provenance was).
    provenance: Option<Provenance>,
}

impl Before {
    fn origin(&self) -> Origin {
        self.provenance
            .as_ref()
            .map_or(Origin::Live { fetched_at: None }, |p| p.origin.clone())
    }

    /// A copy of the post from somewhere else than a backup file (live, a snapshot, a WARC).
    fn other_copy(&self) -> bool {
        self.raw_file.is_some() && !matches!(self.origin(), Origin::Backup { .. })
    }

    fn live(&self) -> bool {
        self.raw_file.is_some() && matches!(self.origin(), Origin::Live { .. })
    }
}

fn archive_err(path: &Path, e: impl Into<ArchiveWriteError>) -> ImportError {
    ImportError::Archive {
        path: path.to_path_buf(),
        source: e.into(),
    }
}

/// What could not be written to the archive during an import.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveWriteError {
    /// The archive directory could not be made.
    #[error("cannot make the directory")]
    Dir(#[from] std::io::Error),
    /// `archive.db` could not be read or written.
    #[error(transparent)]
    Db(#[from] crate::archive::db::DbError),
    /// A file could not be written.
    #[error(transparent)]
    File(#[from] crate::Error),
}

/// What weighing the backup's copy against the archive's earlier one decided.
enum Weighed {
    /// The earlier copy stays (its provenance already says why).
    KeepEarlier,
    /// Write the backup's copy; `choice` says why, when there was another copy.
    Write { choice: Option<String> },
}

#[derive(Serialize)]
struct CommentJson<'a> {
    id: usize,
    content: &'a str,
    written: Option<&'a str>,
    #[serde(rename = "isSecret")]
    is_secret: bool,
    writer: WriterJson<'a>,
    children: Vec<CommentJson<'a>>,
}

#[derive(Serialize)]
struct WriterJson<'a> {
    name: &'a str,
    homepage: Option<&'a str>,
}

fn comments_json<'a>(items: &'a [ImportedComment], next: &mut usize) -> Vec<CommentJson<'a>> {
    items
        .iter()
        .map(|c| {
            *next += 1;
            let id = *next;
            CommentJson {
                id,
                content: &c.content,
                written: c.written.as_deref(),
                is_secret: c.secret,
                writer: WriterJson {
                    name: &c.name,
                    homepage: c.homepage.as_deref(),
                },
                children: comments_json(&c.children, next),
            }
        })
        .collect()
}

fn count(items: &[ImportedComment]) -> usize {
    items.iter().map(|c| 1 + count(&c.children)).sum()
}

impl ArchiveWriter {
    /// Opens (creating) the archive at `out` for posts of the blog `blog` from the backup named
    /// `file_label`.
    ///
    /// # Errors
    /// [`ImportError::Archive`] when the directory or its state cannot be used.
    pub fn open(
        out: &Path,
        blog: &str,
        format: BackupFormat,
        file_label: &str,
        mark_public: MarkPublic,
    ) -> Result<Self, ImportError> {
        std::fs::create_dir_all(out).map_err(|e| archive_err(out, e))?;
        let db = ArchiveDb::open(&out.join(crate::archive::layout::ARCHIVE_DB))
            .map_err(|e| archive_err(out, e))?;
        let base = format!("https://{blog}.tistory.com");
        // What a crawl (or an earlier import) recorded of the blog stays.
        let mut known = db.blog().map_err(|e| archive_err(out, e))?;
        known.name.get_or_insert_with(|| blog.to_string());
        if known.address().is_none() {
            known.crawled_url = Some(format!("{base}/"));
        }
        db.set_blog(&known).map_err(|e| archive_err(out, e))?;
        db.set_meta(&format!("import_{}", format.source_name()), file_label)
            .map_err(|e| archive_err(out, e))?;
        let mut before = BTreeMap::new();
        for e in db.entries().map_err(|e| archive_err(out, e))? {
            let provenance = db.provenance(e.id).map_err(|err| archive_err(out, err))?;
            before.insert(
                e.id,
                Before {
                    state: e.state,
                    raw_file: e.raw_file,
                    provenance,
                },
            );
        }
        Ok(Self {
            out: out.to_path_buf(),
            db,
            base,
            format,
            file_label: file_label.to_string(),
            mark_public,
            before,
            counts: WriteCounts::default(),
        })
    }

    fn err(&self, e: impl Into<ArchiveWriteError>) -> ImportError {
        archive_err(&self.out, e)
    }

    fn provenance(
        &self,
        entry: &str,
        visibility: Visibility,
        choice: Option<String>,
    ) -> Provenance {
        Provenance {
            origin: Origin::Backup {
                file: self.file_label.clone(),
                format: self.format.source_name().to_string(),
                entry: entry.to_string(),
            },
            visibility: Some(visibility),
            choice,
            assets: Vec::new(),
        }
    }

    /// How complete the copy the archive holds is (its page read back, its files as recorded).
    fn measure_archived(&self, id: EntryId, raw_file: &str) -> Option<CopyMeasure> {
        let path = resolve(&self.out, raw_file);
        let bytes = std::fs::read(&path).ok()?;
        let post = read_post(&bytes, path, id)?;
        let db = &self.db;
        Some(CopyMeasure::of(&post, |url| {
            db.asset(url)
                .ok()
                .flatten()
                .is_some_and(|a| a.state == crate::model::AssetState::Ok)
        }))
    }

    /// How complete the backup's copy is (its page as this import writes it, its files present).
    fn measure_backup(&self, post: &ImportedPost) -> CopyMeasure {
        let html = render_page(post, &self.base);
        let present: BTreeSet<String> = post
            .assets
            .iter()
            .filter(|a| a.bytes.is_some())
            .map(|a| asset_url(&self.base, post.id, &a.name))
            .collect();
        read_post(html.as_bytes(), PathBuf::from(&post.source_file), post.id)
            .map_or_else(CopyMeasure::default, |p| {
                CopyMeasure::of(&p, |url| present.contains(url))
            })
    }

    /// Records a post whose page could not be read: a failed entry (verify names it).
    ///
    /// # Errors
    /// [`ImportError::Archive`] on a database failure.
    pub fn write_failed(
        &mut self,
        id: EntryId,
        entry: &str,
        error: &str,
    ) -> Result<(), ImportError> {
        let message = format!("{entry} in the backup {}: {error}", self.file_label);
        self.db
            .record_sources(self.format.source_name(), &[id])
            .map_err(|e| self.err(e))?;
        if self
            .before
            .get(&id)
            .is_some_and(|b| b.live() && b.state.is_final())
        {
            // A live copy is already archived: the damaged backup copy takes nothing from it.
            self.counts.kept_live.push(id);
            return Ok(());
        }
        self.db
            .record_page(&PageOutcome {
                id,
                state: EntryState::Failed,
                url: Some(permalink(&self.base, id, false)),
                http_status: None,
                error: Some(message.clone()),
                etag: None,
                last_modified: None,
                page_sha256: None,
                raw_file: None,
                assets: Vec::new(),
            })
            .map_err(|e| self.err(e))?;
        self.counts.failed.push((id, message));
        Ok(())
    }

    /// Writes one post: its files, its page, its comments, then its rows.
    ///
    /// # Errors
    /// [`ImportError::Archive`] when a file or row cannot be written (the post's earlier rows stay
    /// as they were).
    pub fn write_post(&mut self, mut post: ImportedPost) -> Result<(), ImportError> {
        let id = post.id;
        let earlier = self.before.get(&id).cloned();
        self.settle_visibility(&mut post, earlier.as_ref());
        self.db
            .record_sources(self.format.source_name(), &[id])
            .map_err(|e| self.err(e))?;
        let choice = match self.weigh_earlier(&mut post, earlier)? {
            Weighed::KeepEarlier => return Ok(()),
            Weighed::Write { choice } => choice,
        };
        let assets = self.write_assets(&post)?;
        self.write_comments(&post)?;
        self.write_page(&post, assets)?;
        let prov = self.provenance(&post.source_file, post.visibility, choice);
        self.db
            .record_provenance(id, &prov)
            .map_err(|e| self.err(e))?;
        *self
            .counts
            .by_visibility
            .entry(post.visibility.as_str())
            .or_default() += 1;
        for w in post.warnings {
            self.counts.warnings.push((id, w));
        }
        Ok(())
    }

    /// The post's visibility: what a crawl of the live blog learnt stays when the backup says
    /// nothing, and `--mark-public` makes an unknown or deleted post public.
    fn settle_visibility(&self, post: &mut ImportedPost, earlier: Option<&Before>) {
        if post.visibility == Visibility::Unknown
            && let Some(v) = earlier
                .and_then(|b| b.provenance.as_ref())
                .and_then(|p| p.visibility)
        {
            post.visibility = v;
        }
        if matches!(post.visibility, Visibility::Unknown | Visibility::Deleted)
            && self.mark_public.includes(post.id)
        {
            post.visibility = Visibility::Public;
        }
    }

    /// Weighs the backup's copy against the archive's earlier one: keeps the more complete (an
    /// earlier copy that stays records why), and takes the visibility the live blog showed.
    fn weigh_earlier(
        &mut self,
        post: &mut ImportedPost,
        earlier: Option<Before>,
    ) -> Result<Weighed, ImportError> {
        let id = post.id;
        match earlier {
            Some(b) if b.other_copy() && matches!(b.state, EntryState::Ok | EntryState::Notice) => {
                self.weigh_other_copy(post, &b)
            }
            Some(Before {
                state: state @ (EntryState::Private | EntryState::Protected),
                ..
            }) if earlier_live(self.before.get(&id)) => {
                post.visibility = if state == EntryState::Private {
                    Visibility::Private
                } else {
                    Visibility::Protected
                };
                Ok(Weighed::Write {
                    choice: Some(format!(
                        "the live blog shows this post as {} (no body to a guest); the body is from the backup",
                        post.visibility.as_str()
                    )),
                })
            }
            _ => Ok(Weighed::Write { choice: None }),
        }
    }

    /// The archive holds a readable copy from elsewhere (live, a snapshot, a WARC): measure both.
    fn weigh_other_copy(
        &mut self,
        post: &mut ImportedPost,
        b: &Before,
    ) -> Result<Weighed, ImportError> {
        let id = post.id;
        let origin = b.origin();
        let name = origin.copy_name();
        let kept = b
            .raw_file
            .as_deref()
            .and_then(|r| self.measure_archived(id, r));
        let Some(d) = kept.map(|kept| {
            crate::completeness::choose(name, kept, "backup copy", self.measure_backup(post))
        }) else {
            return Ok(Weighed::Write {
                choice: Some(format!(
                    "the backup copy replaced the {name}, whose page could not be read"
                )),
            });
        };
        if d.take_new {
            if b.live() && post.visibility == Visibility::Unknown {
                // The live blog showed the post to a guest: it is public.
                post.visibility = Visibility::Public;
            }
            return Ok(Weighed::Write {
                choice: Some(d.why),
            });
        }
        let kept = Provenance {
            origin,
            visibility: b
                .provenance
                .as_ref()
                .and_then(|p| p.visibility)
                .or(Some(Visibility::Public)),
            choice: Some(format!(
                "{} (the backup {} also holds this post: {})",
                d.why, self.file_label, post.source_file
            )),
            assets: Vec::new(),
        };
        self.db
            .record_provenance(id, &kept)
            .map_err(|e| self.err(e))?;
        if b.live() {
            self.counts.kept_live.push(id);
        }
        Ok(Weighed::KeepEarlier)
    }

    /// Saves the files the backup holds (each with the backup as its origin) and records the
    /// ones it lacks as missing; returns the post's file list in body order.
    fn write_assets(
        &mut self,
        post: &ImportedPost,
    ) -> Result<Vec<(String, crate::model::AssetKind)>, ImportError> {
        let id = post.id;
        let mut assets = Vec::with_capacity(post.assets.len());
        for asset in &post.assets {
            let url = asset_url(&self.base, id, &asset.name);
            match &asset.bytes {
                Some(bytes) => {
                    let sha = hex::encode(Sha256::digest(bytes));
                    let ext = asset_extension(asset.mime.as_deref(), &url);
                    let rel = asset_rel(&sha, &ext);
                    write_atomic(&resolve(&self.out, &rel), bytes).map_err(|e| self.err(e))?;
                    self.db
                        .record_asset_ok(
                            &url,
                            &sha,
                            &rel,
                            asset.mime.as_deref(),
                            bytes.len() as u64,
                        )
                        .map_err(|e| self.err(e))?;
                    self.db
                        .record_asset_origin(
                            &url,
                            &Origin::Backup {
                                file: self.file_label.clone(),
                                format: self.format.source_name().to_string(),
                                entry: asset_entry(&post.source_file, &asset.name),
                            },
                        )
                        .map_err(|e| self.err(e))?;
                    self.counts.assets_saved += 1;
                }
                None => {
                    let why = format!(
                        "{} of post {id} is not in the backup {}; a crawl of the live blog, if it still exists, may fetch it{NOT_IN_BACKUP_HINT}",
                        asset.name, self.file_label
                    );
                    self.db
                        .record_asset_missing(&url, &why)
                        .map_err(|e| self.err(e))?;
                    self.counts.assets_missing.push((id, asset.name.clone()));
                }
            }
            assets.push((url, asset.kind));
        }
        Ok(assets)
    }

    /// Writes the post's comments (the XML backup holds them, so none is a true zero; the zip
    /// holds none).
    fn write_comments(&mut self, post: &ImportedPost) -> Result<(), ImportError> {
        if post.comments.is_empty() && self.format != BackupFormat::Xml {
            return Ok(());
        }
        let id = post.id;
        let rel = crate::archive::layout::comments_rel(id);
        let mut next = 0;
        let json = serde_json::to_vec_pretty(&serde_json::json!({
            "post_id": id,
            "items": comments_json(&post.comments, &mut next),
        }))
        .expect("comments always serialise");
        write_atomic(&resolve(&self.out, &rel), &json).map_err(|e| self.err(e))?;
        let n = count(&post.comments);
        self.db
            .record_comments(id, Some(n), Some(&rel), None)
            .map_err(|e| self.err(e))?;
        self.counts.comments += n;
        Ok(())
    }

    /// Writes the post's page and records the entry with its file list.
    fn write_page(
        &mut self,
        post: &ImportedPost,
        assets: Vec<(String, crate::model::AssetKind)>,
    ) -> Result<(), ImportError> {
        let id = post.id;
        let html = render_page(post, &self.base);
        let raw = raw_page_rel(id);
        write_atomic(&resolve(&self.out, &raw), html.as_bytes()).map_err(|e| self.err(e))?;
        let state = match post.visibility {
            Visibility::Public | Visibility::Unknown | Visibility::Deleted if post.notice => {
                EntryState::Notice
            }
            Visibility::Public | Visibility::Unknown | Visibility::Deleted => EntryState::Ok,
            Visibility::Protected => EntryState::Protected,
            Visibility::Private => EntryState::Private,
        };
        self.db
            .record_page(&PageOutcome {
                id,
                state,
                url: Some(permalink(&self.base, id, post.notice)),
                http_status: None,
                error: None,
                etag: None,
                last_modified: None,
                page_sha256: Some(hex::encode(Sha256::digest(html.as_bytes()))),
                raw_file: Some(raw),
                assets,
            })
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}

fn earlier_live(b: Option<&Before>) -> bool {
    b.is_some_and(Before::live)
}

/// An asset's place in the backup: beside its post's page for the zip (`blog-1-1/3/img/a.jpg`),
/// the attachment's name for the XML backup (whose posts are `post 3`).
fn asset_entry(source_file: &str, name: &str) -> String {
    match source_file.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{name}"),
        None => name.to_string(),
    }
}

/// Reads a page as a post, for measuring; `None` when it is not one.
fn read_post(bytes: &[u8], path: PathBuf, id: EntryId) -> Option<crate::model::Post> {
    let source = crate::extract::PageSource {
        path,
        url: None,
        id_hint: Some(id),
        http_status: None,
    };
    let profile = crate::extract::selectors::SelectorProfile::default();
    match crate::extracted::extract_bytes(bytes, &source, &profile) {
        Ok(crate::extract::Page::Entry(p)) => Some(*p),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mark_public_parses() {
        assert_eq!(MarkPublic::parse("all").unwrap(), MarkPublic::All);
        assert_eq!(
            MarkPublic::parse("3, 12").unwrap(),
            MarkPublic::Ids([3, 12].into())
        );
        assert!(
            MarkPublic::parse("3,x")
                .unwrap_err()
                .to_string()
                .contains("\"x\"")
        );
    }
}
