//! Which file of a site directory is which: the file-name rules of the two layouts [`Site`] loads
//! (saved pages, archive), the asset files, and the comment JSON. Only names and paths here; the
//! pages themselves are read by `site`. Every asset file is checked to resolve inside the site
//! directory (symlinks are skipped), because the server later reads them by path.
//!
//! [`Site`]: super::Site

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::assets::{Asset, AssetMap, AssetSource, content_type_for};
use super::site_error::SiteError;
use crate::archive::layout::{self, POSTS_JSONL, RAW_DIR};
use crate::model::EntryId;

/// The folder of comment JSON files (both layouts).
pub(crate) const COMMENTS_DIR: &str = "comments";
/// The folder of saved remote assets in the saved-pages layout.
pub(crate) const SAVED_ASSETS_DIR: &str = "assets";
/// The folder of listing pages inside an archive's `raw/`.
pub(crate) use crate::archive::layout::RAW_PAGES_DIR;

/// The files a site is made of.
#[derive(Debug, Default)]
pub(crate) struct SiteFiles {
    pub(crate) entries: BTreeMap<EntryId, PathBuf>,
    pub(crate) listings: BTreeMap<u32, PathBuf>,
    pub(crate) category: Option<PathBuf>,
    pub(crate) comments: BTreeMap<EntryId, PathBuf>,
    /// Entries `posts.jsonl` calls deleted: served with 404 whatever their page says.
    pub(crate) deleted: Vec<EntryId>,
    pub(crate) assets: AssetMap,
    pub(crate) notes: Vec<String>,
}

/// What a page file's name says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageName {
    Entry(EntryId),
    Listing(u32),
    Category,
}

fn page_name(file_name: &str) -> Option<PageName> {
    let stem = file_name
        .strip_suffix(".html")
        .or_else(|| file_name.strip_suffix(".htm"))?;
    if stem == "index" {
        return Some(PageName::Listing(1));
    }
    if stem == "category" {
        return Some(PageName::Category);
    }
    if let Some(n) = stem.strip_prefix("page-") {
        return n.parse().ok().filter(|n| *n >= 1).map(PageName::Listing);
    }
    let numeric = !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit());
    numeric
        .then(|| stem.parse().ok().map(PageName::Entry))
        .flatten()
}

/// The regular files directly in `dir`, sorted; a missing directory is empty.
fn regular_files(dir: &Path) -> Result<Vec<PathBuf>, SiteError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let list = std::fs::read_dir(dir).map_err(|source| SiteError::List {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = list
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    files.sort();
    Ok(files)
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
}

fn add_pages(files: &mut SiteFiles, dir: &Path, entries_allowed: bool) -> Result<(), SiteError> {
    for path in regular_files(dir)? {
        let name = file_name(&path);
        match page_name(name) {
            Some(PageName::Entry(id)) if entries_allowed => {
                files.entries.insert(id, path);
            }
            Some(PageName::Listing(n)) => {
                files.listings.insert(n, path);
            }
            Some(PageName::Category) => files.category = Some(path),
            _ if name.ends_with(".html") || name.ends_with(".htm") => files.notes.push(format!(
                "{}: not served: the name is not <id>.html, index.html, page-N.html or category.html",
                path.display()
            )),
            _ => {}
        }
    }
    Ok(())
}

fn add_comments(files: &mut SiteFiles, root: &Path) -> Result<(), SiteError> {
    for path in regular_files(&root.join(COMMENTS_DIR))? {
        let id = file_name(&path)
            .strip_suffix(".json")
            .and_then(|stem| stem.parse().ok());
        if let Some(id) = id {
            files.comments.insert(id, path);
        }
    }
    Ok(())
}

/// The files of a saved-pages directory.
pub(crate) fn saved_files(root: &Path) -> Result<SiteFiles, SiteError> {
    let mut files = SiteFiles::default();
    add_pages(&mut files, root, true)?;
    add_comments(&mut files, root)?;
    let assets_dir = root.join(SAVED_ASSETS_DIR);
    if assets_dir.is_dir() {
        let walk = walkdir::WalkDir::new(&assets_dir)
            .follow_links(false)
            .min_depth(2);
        for item in walk {
            let item = match item {
                Ok(item) => item,
                Err(e) => {
                    files.notes.push(format!("{}: {e}", assets_dir.display()));
                    continue;
                }
            };
            if !item.file_type().is_file() {
                continue;
            }
            let Ok(rel) = item.path().strip_prefix(&assets_dir) else {
                continue;
            };
            let parts: Vec<String> = rel
                .components()
                .map(|c| escape_component(&c.as_os_str().to_string_lossy()))
                .collect();
            let url = format!("https://{}", parts.join("/"));
            add_asset_file(&mut files, root, &url, item.path());
        }
    }
    Ok(files)
}

/// Keeps the characters that would end a URL path (`?`, `#`) or start an escape (`%`) literal.
fn escape_component(part: &str) -> String {
    part.replace('%', "%25")
        .replace('?', "%3F")
        .replace('#', "%23")
}

/// The files of an archive directory.
pub(crate) fn archive_files(root: &Path) -> Result<SiteFiles, SiteError> {
    let mut files = SiteFiles::default();
    let raw = root.join(RAW_DIR);
    add_pages(&mut files, &raw, true)?;
    add_pages(&mut files, &raw.join(RAW_PAGES_DIR), false)?;
    add_comments(&mut files, root)?;
    let jsonl = root.join(POSTS_JSONL);
    let Ok(text) = std::fs::read_to_string(&jsonl) else {
        return Ok(files);
    };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Ok(row) = serde_json::from_str::<Value>(line) else {
            files
                .notes
                .push(format!("{}: line {} is not JSON", jsonl.display(), n + 1));
            continue;
        };
        if let (Some(id), Some("deleted")) = (
            row.get("id").and_then(Value::as_u64),
            row.get("status").and_then(Value::as_str),
        ) {
            files.deleted.push(id);
        }
        for list in ["images", "attachments"] {
            for item in row
                .get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let url = item.get("url").and_then(Value::as_str);
                let rel = item.get("file").and_then(Value::as_str);
                if let (Some(url), Some(rel)) = (url, rel) {
                    add_asset_file(&mut files, root, url, &layout::resolve(root, rel));
                }
            }
        }
    }
    Ok(files)
}

/// Adds `path` as the body of `url` when it is a regular file inside `root`.
fn add_asset_file(files: &mut SiteFiles, root: &Path, url: &str, path: &Path) {
    let inside = match (std::fs::canonicalize(root), std::fs::canonicalize(path)) {
        (Ok(root), Ok(file)) => file.starts_with(&root) && file.is_file(),
        _ => false,
    };
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !inside || is_link {
        files.notes.push(format!(
            "{}: not served for {url}: not a regular file inside the site directory",
            path.display()
        ));
        return;
    }
    let head = read_head(path);
    let mut content_type = content_type_for(url, &head);
    if content_type == "application/octet-stream" {
        content_type = content_type_for(file_name(path), &[]);
    }
    let asset = Asset {
        source: AssetSource::File(path.to_path_buf()),
        content_type: content_type.to_string(),
    };
    if !files.assets.insert(url, asset) {
        files.notes.push(format!(
            "{}: not served: {url} is not an asset URL",
            path.display()
        ));
    }
}

fn read_head(path: &Path) -> Vec<u8> {
    use std::io::Read as _;
    let mut head = Vec::with_capacity(16);
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(16).read_to_end(&mut head);
    }
    head
}

/// Reads `comments/<id>.json`: one comment page (`{"data":{…}}`), an array of pages in order, or
/// a bare `{"items":[…]}` (made into one last page).
///
/// # Errors
/// [`CommentFileError`] when the file cannot be read or is none of these shapes.
pub(crate) fn read_comment_pages(path: &Path) -> Result<Vec<Value>, CommentFileError> {
    let text = std::fs::read_to_string(path).map_err(CommentFileError::Read)?;
    let value: Value = serde_json::from_str(&text).map_err(CommentFileError::NotJson)?;
    comment_pages(value)
}

/// Why a saved comments file is skipped by the replay (the caller names the file).
#[derive(Debug, thiserror::Error)]
pub(crate) enum CommentFileError {
    /// The file cannot be read.
    #[error("cannot read")]
    Read(#[source] std::io::Error),
    /// The file is not JSON.
    #[error("not JSON")]
    NotJson(#[source] serde_json::Error),
    /// JSON of another shape.
    #[error("not a comment page (expected {{\"data\":{{\"items\":[…]}}}})")]
    NotCommentPage,
}

fn comment_pages(value: Value) -> Result<Vec<Value>, CommentFileError> {
    match value {
        Value::Array(pages) if pages.iter().all(|p| p.get("data").is_some()) => Ok(pages),
        page @ Value::Object(_) if page.get("data").is_some() => Ok(vec![page]),
        Value::Object(map) if map.get("items").is_some_and(Value::is_array) => {
            let items = map.get("items").cloned().unwrap_or_default();
            Ok(vec![
                json!({"data": {"items": items, "isLast": true, "nextId": null}}),
            ])
        }
        _ => Err(CommentFileError::NotCommentPage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_names() {
        assert_eq!(page_name("10.html"), Some(PageName::Entry(10)));
        assert_eq!(page_name("index.html"), Some(PageName::Listing(1)));
        assert_eq!(page_name("page-2.html"), Some(PageName::Listing(2)));
        assert_eq!(page_name("page-0.html"), None);
        assert_eq!(page_name("category.htm"), Some(PageName::Category));
        assert_eq!(page_name("+10.html"), None);
        assert_eq!(page_name("10.json"), None);
        assert_eq!(page_name("notes.html"), None);
    }

    #[test]
    fn comment_shapes() {
        let one = json!({"data": {"items": [], "isLast": true, "nextId": null}});
        assert_eq!(comment_pages(one.clone()).map(|p| p.len()).ok(), Some(1));
        assert_eq!(
            comment_pages(json!([one.clone(), one]))
                .map(|p| p.len())
                .ok(),
            Some(2)
        );
        let bare = comment_pages(json!({"items": [{"id": 1}]})).expect("bare items");
        assert_eq!(bare[0]["data"]["isLast"], json!(true));
        assert!(comment_pages(json!({"x": 1})).is_err());
        assert!(comment_pages(json!([{"x": 1}])).is_err());
    }
}
