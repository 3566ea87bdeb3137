//! The official backup zip: `<blog>-1-1/` at the root (sometimes no root folder), one folder per
//! post `<id>/` holding `<id>.html` or `<id>-<title>.html` (both occur in one backup) and the
//! post's files under `img/` or `file/img/`, and `style.css`. [`check_zip`] reads the central
//! directory and refuses the whole file before anything is decompressed when an entry is hostile
//! (a name that climbs out, is absolute, holds control characters, a symlink), too large, too
//! compressed (a bomb), or too many. [`read_zip`] then hands each post to a sink, one at a time,
//! so memory holds one post and its files; an entry whose bytes are damaged fails its post only.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use zip::ZipArchive;

use crate::extract::decode::decode_page;
use crate::import::backup_html::read_backup_page;
use crate::import::{
    AssetKind, ImportError, ImportLimits, ImportedAsset, ImportedPost, Visibility,
};
use crate::model::EntryId;

static ROOT_FOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?)-\d+-\d+$").expect("valid regex"));

/// One post folder of the zip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostFolder {
    /// The post's HTML entries (full entry names), `<id>.html` first.
    pub pages: Vec<String>,
    /// Its other files: path relative to the folder → full entry name.
    pub files: BTreeMap<String, String>,
}

/// What the central directory says, once checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZipLayout {
    /// The root folder (`hangang-1-1`), if the entries share one.
    pub root: Option<String>,
    /// The blog name the root folder gives (`hangang`).
    pub blog: Option<String>,
    /// The post folders by entry id.
    pub posts: BTreeMap<EntryId, PostFolder>,
    /// Decompressed bytes of all entries, as declared.
    pub total_bytes: u64,
}

/// Why a name from inside the zip is refused, if it is.
#[must_use]
pub fn refuse_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("an empty name");
    }
    if name.chars().any(char::is_control) {
        return Some("a control character in the name");
    }
    if name.contains('\\') {
        return Some("a backslash in the name (a Windows path)");
    }
    if name.starts_with('/') || name.as_bytes().get(1) == Some(&b':') {
        return Some("an absolute path");
    }
    if name.split('/').any(|p| p == "..") {
        return Some("a `..` component that climbs out of the folder");
    }
    None
}

fn open(path: &Path) -> Result<ZipArchive<BufReader<File>>, ImportError> {
    let file = File::open(path).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    ZipArchive::new(BufReader::new(file)).map_err(|e| ImportError::Truncated {
        path: path.to_path_buf(),
        why: format!("its table of contents cannot be read: {e}"),
    })
}

/// Reads and checks the central directory; decompresses nothing.
///
/// # Errors
/// [`ImportError::Refused`] naming the first hostile entry, [`ImportError::Truncated`] when the
/// zip's directory is damaged, [`ImportError::NotABackup`] when no post folder is found.
pub fn check_zip(path: &Path, limits: &ImportLimits) -> Result<ZipLayout, ImportError> {
    let mut zip = open(path)?;
    let refused = |entry: &str, why: String| ImportError::Refused {
        path: path.to_path_buf(),
        entry: entry.to_string(),
        why,
    };
    if zip.len() > limits.max_entries {
        return Err(refused(
            "the whole zip",
            format!(
                "{} entries, over the cap of {}",
                zip.len(),
                limits.max_entries
            ),
        ));
    }
    let mut names = Vec::with_capacity(zip.len());
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| ImportError::Truncated {
            path: path.to_path_buf(),
            why: format!("entry {i}: {e}"),
        })?;
        let name = match entry.name() {
            Ok(n) => n.to_string(),
            Err(e) => {
                let raw = String::from_utf8_lossy(entry.name_raw()).into_owned();
                return Err(refused(&raw, format!("an invalid name ({e})")));
            }
        };
        if let Some(why) = refuse_name(&name) {
            return Err(refused(&name, why.to_string()));
        }
        if entry.is_symlink() {
            return Err(refused(&name, "a symbolic link".to_string()));
        }
        if let Some(why) = limits.refuse_entry(entry.size(), entry.compressed_size()) {
            return Err(refused(&name, why));
        }
        total = total.saturating_add(entry.size());
        if total > limits.max_total_bytes {
            return Err(refused(
                &name,
                format!(
                    "the entries add up to more than {} bytes once decompressed",
                    limits.max_total_bytes
                ),
            ));
        }
        if !entry.is_dir() {
            names.push(name);
        }
    }
    let mut layout = layout_of(&names);
    layout.total_bytes = total;
    if layout.posts.is_empty() {
        return Err(ImportError::NotABackup {
            path: path.to_path_buf(),
            why: "no post folder (`<id>/<id>.html`) inside".to_string(),
        });
    }
    Ok(layout)
}

/// Groups entry names into post folders. Pure.
#[must_use]
pub fn layout_of(names: &[String]) -> ZipLayout {
    let first: Option<&str> = names.first().and_then(|n| n.split('/').next());
    let shared_root = first.filter(|root| {
        names
            .iter()
            .all(|n| n.split('/').next() == Some(root) && n.contains('/'))
            && root.parse::<EntryId>().is_err()
    });
    let mut layout = ZipLayout {
        root: shared_root.map(str::to_string),
        blog: shared_root
            .and_then(|r| ROOT_FOLDER.captures(r))
            .map(|c| c[1].to_string()),
        ..ZipLayout::default()
    };
    for name in names {
        let rel = match shared_root {
            Some(root) => &name[root.len() + 1..],
            None => name.as_str(),
        };
        let Some((folder, rest)) = rel.split_once('/') else {
            continue;
        };
        let Ok(id) = folder.parse::<EntryId>() else {
            continue;
        };
        let post = layout.posts.entry(id).or_default();
        let is_page = !rest.contains('/')
            && Path::new(rest)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
            && (rest.starts_with(&format!("{id}.")) || rest.starts_with(&format!("{id}-")));
        if is_page {
            post.pages.push(name.clone());
        } else {
            post.files.insert(rest.to_string(), name.clone());
        }
    }
    layout.posts.retain(|_, p| !p.pages.is_empty());
    for (id, post) in &mut layout.posts {
        let exact = format!("{id}.");
        post.pages.sort_by_key(|n| {
            (
                !n.rsplit('/').next().unwrap_or_default().starts_with(&exact),
                n.clone(),
            )
        });
    }
    layout
}

/// One post out of the zip: imported, or failed with the reason.
#[derive(Debug)]
pub enum ZipItem {
    /// Read.
    Post(Box<ImportedPost>),
    /// Its page could not be read (damaged bytes); the rest of the zip goes on.
    Failed {
        /// The entry id.
        id: EntryId,
        /// The entry.
        entry: String,
        /// Why.
        error: String,
    },
}

/// Why one entry of the zip cannot be read (the post is failed, or the file is missing).
#[derive(Debug, thiserror::Error)]
enum EntryError {
    /// The entry cannot be opened.
    #[error("{name}")]
    Open {
        /// The entry.
        name: String,
        /// Why.
        #[source]
        source: zip::result::ZipError,
    },
    /// Its compressed data is damaged.
    #[error("{name} is damaged")]
    Damaged {
        /// The entry.
        name: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// It holds more than it declared (a zip bomb's trick).
    #[error("{name} holds more bytes than its declared {declared}: refused")]
    Oversized {
        /// The entry.
        name: String,
        /// Its declared size.
        declared: u64,
    },
}

/// Reads one entry, never more than it declared nor than the cap.
fn read_entry(
    zip: &mut ZipArchive<BufReader<File>>,
    name: &str,
    limits: &ImportLimits,
) -> Result<Vec<u8>, EntryError> {
    let entry = zip.by_name(name).map_err(|source| EntryError::Open {
        name: name.to_owned(),
        source,
    })?;
    let declared = entry.size();
    let cap = declared.min(limits.max_entry_bytes);
    let mut bytes = Vec::with_capacity(usize::try_from(cap.min(64 * 1024 * 1024)).unwrap_or(0));
    let read = entry
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| EntryError::Damaged {
            name: name.to_owned(),
            source,
        })?;
    if read as u64 > cap {
        return Err(EntryError::Oversized {
            name: name.to_owned(),
            declared,
        });
    }
    Ok(bytes)
}

/// Finds the entry a page's reference names: as written, or under the other image folder
/// (`img/x` ↔ `file/img/x`), since backups use both.
fn find_file<'a>(folder: &'a PostFolder, rel: &str) -> Option<&'a String> {
    folder.files.get(rel).or_else(|| {
        let other = match rel.strip_prefix("file/") {
            Some(rest) => rest.to_string(),
            None => format!("file/{rel}"),
        };
        folder.files.get(&other)
    })
}

fn read_post(
    zip: &mut ZipArchive<BufReader<File>>,
    id: EntryId,
    folder: &PostFolder,
    limits: &ImportLimits,
) -> ZipItem {
    let page_entry = &folder.pages[0];
    let failed = |error: String| ZipItem::Failed {
        id,
        entry: page_entry.clone(),
        error,
    };
    let bytes = match read_entry(zip, page_entry, limits) {
        Ok(b) => b,
        Err(e) => return failed(crate::report::error_chain(&e)),
    };
    let decoded = match decode_page(&bytes, Path::new(page_entry)) {
        Ok(d) => d,
        Err(e) => return failed(e.to_string()),
    };
    let page = read_backup_page(&decoded.html);
    let mut warnings = decoded.warnings;
    if folder.pages.len() > 1 {
        warnings.push(format!(
            "the post folder holds {} pages; read {page_entry}",
            folder.pages.len()
        ));
    }
    warnings.extend(page.warnings);
    let mut assets = Vec::with_capacity(page.refs.len());
    for r in &page.refs {
        let bytes = match find_file(folder, &r.path) {
            Some(entry) => match read_entry(zip, entry, limits) {
                Ok(b) => Some(b),
                Err(e) => {
                    warnings.push(format!(
                        "the file {} could not be read: {}",
                        r.path,
                        crate::report::error_chain(&e)
                    ));
                    None
                }
            },
            None => {
                warnings.push(format!(
                    "the file {} is missing from the backup (Tistory's export leaves some out)",
                    r.path
                ));
                None
            }
        };
        assets.push(ImportedAsset {
            name: r.path.clone(),
            kind: r.kind,
            bytes,
            mime: None,
            label: (r.kind == AssetKind::Attachment)
                .then(|| r.path.rsplit('/').next().unwrap_or_default().to_string()),
        });
    }
    ZipItem::Post(Box::new(ImportedPost {
        id,
        notice: false,
        title: page.title,
        published: page.published,
        modified: None,
        category: page.category,
        tags: page.tags,
        body_html: page.body_html,
        visibility: Visibility::Unknown,
        assets,
        comments: Vec::new(),
        source_file: page_entry.clone(),
        warnings,
    }))
}

/// Hands every post of a checked zip to `sink`, in id order.
///
/// # Errors
/// The zip cannot be opened again, or `sink` failed (that error is returned as is).
pub fn read_zip(
    path: &Path,
    layout: &ZipLayout,
    limits: &ImportLimits,
    mut sink: impl FnMut(ZipItem) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut zip = open(path)?;
    for (id, folder) in &layout.posts {
        sink(read_post(&mut zip, *id, folder, limits))?;
    }
    Ok(())
}

/// The file's name for messages and provenance (`hangang-backup.zip`).
#[must_use]
pub fn file_label(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_named() {
        assert!(refuse_name("a/../../etc/passwd").is_some());
        assert!(refuse_name("/etc/passwd").is_some());
        assert!(refuse_name("C:/x").is_some());
        assert!(refuse_name("a\\b").is_some());
        assert!(refuse_name("a\u{0}b").is_some());
        assert!(refuse_name("").is_some());
        assert!(refuse_name("blog-1-1/12/img/사진 1.jpg").is_none());
    }

    #[test]
    fn layout_groups_posts_under_the_root() {
        let names: Vec<String> = [
            "hangang-1-1/style.css",
            "hangang-1-1/3/3-한강-산책.html",
            "hangang-1-1/3/img/a.jpg",
            "hangang-1-1/12/12.html",
            "hangang-1-1/12/file/img/b.png",
            "hangang-1-1/12/12-다른-이름.html",
            "hangang-1-1/notes/readme.txt",
        ]
        .map(String::from)
        .to_vec();
        let l = layout_of(&names);
        assert_eq!(l.root.as_deref(), Some("hangang-1-1"));
        assert_eq!(l.blog.as_deref(), Some("hangang"));
        assert_eq!(l.posts.keys().copied().collect::<Vec<_>>(), [3, 12]);
        assert_eq!(l.posts[&3].pages, ["hangang-1-1/3/3-한강-산책.html"]);
        assert_eq!(
            l.posts[&12].pages[0], "hangang-1-1/12/12.html",
            "the exact name first"
        );
        assert_eq!(
            l.posts[&12].files["file/img/b.png"],
            "hangang-1-1/12/file/img/b.png"
        );
        assert_eq!(
            find_file(&l.posts[&12], "img/b.png").map(String::as_str),
            Some("hangang-1-1/12/file/img/b.png")
        );
    }
}
