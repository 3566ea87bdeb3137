//! Import: a blog rebuilt from a backup file instead of a live crawl. Tistory has written two kinds
//! of backup: the official zip (관리 → 데이터 관리 → 백업; one folder per post with its HTML and
//! images) and, before 2016, one XML file (`<blog type="tattertools/1.1">` with base64 attachments
//! and comments). Each reader turns its file into [`ImportedPost`]s (pure of the archive); the
//! [`writer`] puts them into the same archive a crawl makes (`raw/<id>.html`, assets by hash,
//! `comments/<id>.json`, rows in `archive.db` with their provenance), so extract, bundle, verify
//! and the desk work unchanged.
//!
//! Backups are untrusted input. Both readers check the whole file before anything is written
//! ([`limits`]): a hostile or truncated file is refused with an error that names what is wrong,
//! and no name from inside a backup ever becomes a path (pages go to `raw/<id>.html`, files to
//! `assets/<sha256>`).

pub mod backup_html;
pub mod limits;
pub mod page;
pub mod writer;
pub mod xml_backup;
pub mod zip_backup;

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

pub use crate::model::AssetKind;
use crate::model::EntryId;

pub use limits::ImportLimits;

/// Which kind of backup a file is, told by its first bytes (never by its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupFormat {
    /// The official backup zip.
    Zip,
    /// The old XML backup.
    Xml,
}

impl BackupFormat {
    /// The discovery source name recorded in `archive.db` for posts from this format.
    #[must_use]
    pub fn source_name(self) -> &'static str {
        match self {
            Self::Zip => "backup-zip",
            Self::Xml => "backup-xml",
        }
    }

    /// Tells the format from the first bytes of a file: `PK\x03\x04` (or an empty zip's
    /// `PK\x05\x06`) is a zip; a byte-order mark or whitespace then `<` is XML.
    #[must_use]
    pub fn detect(head: &[u8]) -> Option<Self> {
        if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            return Some(Self::Zip);
        }
        let rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let first = rest.iter().find(|b| !b.is_ascii_whitespace())?;
        (*first == b'<').then_some(Self::Xml)
    }
}

pub use crate::provenance::Visibility;

/// One image or attachment of an imported post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAsset {
    /// The file's name inside the backup (`img/사진 1.jpg`, an XML attachment's `<name>`).
    pub name: String,
    /// Image or attachment.
    pub kind: AssetKind,
    /// The bytes, or `None` when the backup lacks the file.
    pub bytes: Option<Vec<u8>>,
    /// The MIME type the backup declares, if any.
    pub mime: Option<String>,
    /// The name shown to readers (an attachment's label).
    pub label: Option<String>,
}

/// One comment of an imported post, replies nested. Passwords and IP addresses are never read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedComment {
    /// The commenter's name.
    pub name: String,
    /// The commenter's homepage, if given.
    pub homepage: Option<String>,
    /// The text.
    pub content: String,
    /// When it was written (RFC 3339, +09:00).
    pub written: Option<String>,
    /// True for a secret comment (비밀댓글).
    pub secret: bool,
    /// Replies.
    pub children: Vec<ImportedComment>,
}

/// A post as a backup holds it, before it is written into the archive.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPost {
    /// The entry id.
    pub id: EntryId,
    /// True for a notice (공지사항), whose permalink is `/notice/<id>`.
    pub notice: bool,
    /// The title.
    pub title: String,
    /// First publication time.
    pub published: Option<DateTime<FixedOffset>>,
    /// Last modification time.
    pub modified: Option<DateTime<FixedOffset>>,
    /// The category path joined with `/`, `None` when uncategorised.
    pub category: Option<String>,
    /// Tags in backup order.
    pub tags: Vec<String>,
    /// The body HTML; images and attachments refer to [`ImportedPost::assets`] by the URL
    /// [`page::asset_placeholder`]`(index)`, which [`page`] replaces with the asset's archive URL.
    pub body_html: String,
    /// Who could read it.
    pub visibility: Visibility,
    /// The files of the post, in body order.
    pub assets: Vec<ImportedAsset>,
    /// Comments with nested replies.
    pub comments: Vec<ImportedComment>,
    /// The file inside the backup this post came from (`blog-1-1/12/12-제목.html`, `post 12`).
    pub source_file: String,
    /// Things worth a look that did not stop the import.
    pub warnings: Vec<String>,
}

/// Why a backup cannot be imported at all. Nothing has been written into the archive when one of
/// these is returned by a reader's check.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read.
    #[error("cannot read the backup {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Neither a zip nor an XML backup.
    #[error(
        "{path} is neither a Tistory backup zip nor an XML backup (it starts with neither `PK` nor `<`); give the file you downloaded from 관리 → 데이터 관리 → 백업"
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The file is cut short or damaged.
    #[error("the backup {path} is truncated or damaged ({why}); download it again")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// What was seen.
        why: String,
    },
    /// The file is hostile or absurd: it was refused and nothing was written.
    #[error("refused the backup {path}: {entry}: {why}; nothing was written")]
    Refused {
        /// The file.
        path: PathBuf,
        /// The entry or place inside it.
        entry: String,
        /// Why.
        why: String,
    },
    /// The archive directory could not be written.
    #[error("cannot write the archive {path}")]
    Archive {
        /// The archive directory.
        path: PathBuf,
        /// What failed.
        #[source]
        source: writer::ArchiveWriteError,
    },
    /// The file is well-formed but not in the layout of a Tistory backup.
    #[error("{path} is not a Tistory backup: {why}")]
    NotABackup {
        /// The file.
        path: PathBuf,
        /// What is missing.
        why: String,
    },
}
