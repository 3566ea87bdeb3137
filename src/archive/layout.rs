//! Where each thing lives in an archive directory. Pure path rules; every stage uses these and
//! nothing else builds archive paths.
//!
//! ```text
//! <archive>/
//!   archive.db                 state (SQLite), written by crawl
//!   raw/<id>.html              post pages exactly as served
//!   raw/pages/<name>.html      listing and other pages
//!   extracted/<id>.json        the post extracted from raw/<id>.html, keyed by its sha256
//!   assets/<ab>/<sha256>.<ext> images and attachments by content hash
//!   comments/<id>.json         comments per post
//!   posts/<id>.md              Markdown with front matter
//!   posts.jsonl                one JSON object per post page
//! ```

use std::path::{Path, PathBuf};

use crate::model::EntryId;

/// The JSON Lines export of every post page.
pub const POSTS_JSONL: &str = "posts.jsonl";
/// The folder of Markdown files.
pub const POSTS_DIR: &str = "posts";
/// The folder of raw pages.
pub const RAW_DIR: &str = "raw";
/// The folder of assets stored by content hash.
pub const ASSETS_DIR: &str = "assets";
/// The state database.
pub const ARCHIVE_DB: &str = "archive.db";
/// The folder of listing and other non-entry pages, inside [`RAW_DIR`].
pub const RAW_PAGES_DIR: &str = "pages";
/// The folder of extracted-post artifacts.
pub const EXTRACTED_DIR: &str = "extracted";
/// The folder of comments files.
pub const COMMENTS_DIR: &str = "comments";

/// `posts/<id>.md`, relative to the archive.
#[must_use]
pub fn markdown_rel(id: EntryId) -> String {
    format!("{POSTS_DIR}/{id}.md")
}

/// `raw/<id>.html`, relative to the archive.
#[must_use]
pub fn raw_page_rel(id: EntryId) -> String {
    format!("{RAW_DIR}/{id}.html")
}

/// `raw/pages/<name>.html`, relative to the archive: a listing or other page saved by discovery.
/// `name` is made one safe path component ([`safe_name`]).
#[must_use]
pub fn raw_listing_rel(name: &str) -> String {
    format!("{RAW_DIR}/{RAW_PAGES_DIR}/{}.html", safe_name(name))
}

/// `extracted/<id>.json`, relative to the archive: the post extracted from `raw/<id>.html`.
#[must_use]
pub fn extracted_rel(id: EntryId) -> String {
    format!("{EXTRACTED_DIR}/{id}.json")
}

/// `comments/<id>.json`, relative to the archive.
#[must_use]
pub fn comments_rel(id: EntryId) -> String {
    format!("{COMMENTS_DIR}/{id}.json")
}

/// `assets/<first two hex>/<sha256>.<ext>`, relative to the archive. `ext` is sanitised to at most
/// 8 ASCII alphanumerics, so no name can leave the archive.
#[must_use]
pub fn asset_rel(sha256_hex: &str, ext: &str) -> String {
    let ext: String = ext
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    let hash: String = sha256_hex
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect::<String>()
        .to_ascii_lowercase();
    let prefix = hash.get(..2).unwrap_or("00");
    if ext.is_empty() {
        format!("{ASSETS_DIR}/{prefix}/{hash}")
    } else {
        format!("{ASSETS_DIR}/{prefix}/{hash}.{ext}")
    }
}

/// A path relative to a post's Markdown file (`posts/<id>.md`) for an archive-relative path.
#[must_use]
pub fn from_markdown(archive_rel: &str) -> String {
    format!("../{archive_rel}")
}

/// Makes one safe path component out of any text (a blog name, a file name from a page): no
/// separators, no `..`, no control characters, no Windows-reserved names, at most 100 bytes.
#[must_use]
pub fn safe_name(raw: &str) -> String {
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    name = name
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    while name.len() > 100 {
        name.pop();
    }
    let stem = name
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let reserved = [
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "LPT1", "LPT2", "LPT3",
    ];
    if name.is_empty() || reserved.contains(&stem.as_str()) {
        name.insert(0, '_');
    }
    name
}

/// Joins an archive-relative path onto the archive root.
#[must_use]
pub fn resolve(root: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .filter(|p| !p.is_empty() && *p != ".." && *p != ".")
        .fold(root.to_path_buf(), |p, part| p.join(part))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths() {
        assert_eq!(markdown_rel(42), "posts/42.md");
        assert_eq!(raw_page_rel(42), "raw/42.html");
        assert_eq!(comments_rel(42), "comments/42.json");
        assert_eq!(extracted_rel(42), "extracted/42.json");
        assert_eq!(
            raw_listing_rel("category_a/b"),
            "raw/pages/category_a_b.html"
        );
        assert_eq!(asset_rel("ABcd12", "PNG"), "assets/ab/abcd12.png");
        assert_eq!(from_markdown("assets/ab/x.png"), "../assets/ab/x.png");
        assert_eq!(safe_name("../etc/passwd"), "_etc_passwd");
        assert_eq!(safe_name("hangang-notes"), "hangang-notes");
        assert_eq!(safe_name("CON"), "_CON");
        assert_eq!(safe_name(""), "_");
    }

    proptest! {
        #[test]
        fn asset_paths_never_escape(hash in ".*", ext in ".*") {
            let rel = asset_rel(&hash, &ext);
            prop_assert!(rel.starts_with("assets/"));
            prop_assert!(!rel.contains(".."));
            prop_assert!(!rel.contains('\\'));
            prop_assert_eq!(rel.matches('/').count(), 2);
        }

        #[test]
        fn safe_names_are_one_harmless_component(raw in ".*") {
            let name = safe_name(&raw);
            prop_assert!(!name.is_empty());
            prop_assert!(!name.contains('/') && !name.contains('\\'));
            prop_assert!(name != "." && name != ".." && !name.starts_with('.'));
            prop_assert!(name.len() <= 104);
            prop_assert!(!name.chars().any(char::is_control));
        }

        #[test]
        fn resolve_stays_inside(rel in ".*") {
            let root = Path::new("/archive");
            prop_assert!(resolve(root, &rel).starts_with(root));
        }
    }
}
