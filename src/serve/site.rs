//! A [`Site`]: everything the replay server serves, loaded once from a directory and then only
//! read. Two layouts are understood:
//!
//! - **saved pages** (like `fixtures/hangang-notes/`): `<id>.html` is the page at `/<id>`,
//!   `index.html` is `/`, `page-N.html` is `/?page=N`, `category.html` is `/category`;
//!   `comments/<id>.json` are the comment pages of post `<id>`; `assets/<host>/<path>` is the body
//!   of the remote asset `https://<host>/<path>` (path percent-decoded, query string ignored).
//! - **an archive** (it has `raw/`): `raw/<id>.html` pages, `raw/pages/index.html`,
//!   `raw/pages/page-N.html` and `raw/pages/category.html` when present, comments from
//!   `comments/<id>.json`, and assets from the rows of `posts.jsonl` (`images[].url` is served from
//!   `images[].file`, attachments likewise; files relative to the archive).
//!
//! Each entry page is classified with the extraction library, so a saved not-found page is served
//! with HTTP 404; an archive's page is read from its current extracted-post artifact instead.
//! Loaded inside [`crate::extract::memo::Remembering::record`] (as `migrate <folder>` does), those
//! extractions are kept for the crawl of the replay, which then parses no page again. One
//! unreadable file never stops loading: it is skipped and named in [`Site::notes`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use url::Url;

use super::assets::{AssetMap, percent_decode};
use super::blog::{FALLBACK_BASE_URL, IdentityVotes, read_description, read_t_config};
use super::layouts;
use crate::discover::normalize::slug_of;
use crate::extract::decode::decode_page;
use crate::extract::selectors::SelectorProfile;
use crate::extract::{Page, PageSource};
use crate::extracted::{ArtifactUse, PostReader};
use crate::model::blog::Blog;
use crate::model::{EntryId, PageKind};

pub use super::site_error::SiteError;

/// A page served exactly as saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedPage {
    /// The bytes as saved.
    pub html: Arc<[u8]>,
    /// The charset the page was decoded from (sent in `Content-Type`).
    pub charset: &'static str,
}

/// One entry id with a saved page.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The entry id (from the file name: the URL path it was saved from).
    pub id: EntryId,
    /// The page.
    pub page: SavedPage,
    /// The HTTP status it is served with: 404 for a not-found page, else 200.
    pub status: u16,
    /// What extraction says the page is ([`PageKind::Other`] when it could not be read).
    pub kind: PageKind,
    /// The page's canonical permalink, when it names one.
    pub url: Option<String>,
    /// The slug (percent-decoded) when the canonical permalink is `/entry/<slug>`.
    pub slug: Option<String>,
    /// The title.
    pub title: Option<String>,
    /// First publication time.
    pub published: Option<DateTime<FixedOffset>>,
    /// Last modification time.
    pub modified: Option<DateTime<FixedOffset>>,
    /// The full category path, `None` when uncategorised.
    pub category: Option<String>,
    /// The author's nickname.
    pub author: Option<String>,
    /// The cleaned body HTML (public posts and notices), used as the feed's item description.
    pub body_html: Option<String>,
}

impl Entry {
    /// True for a public post or notice: what the listings and the mobile list show.
    #[must_use]
    pub fn is_listed(&self) -> bool {
        matches!(self.kind, PageKind::Post | PageKind::Notice) && self.status == 200
    }

    /// The permalink path: `/entry/<slug>` (percent-encoded) for slug posts, else `/<id>`.
    #[must_use]
    pub fn permalink_path(&self) -> String {
        let Some(slug) = &self.slug else {
            return format!("/{}", self.id);
        };
        let mut url = Url::parse("http://replay.invalid/").expect("a constant URL parses");
        url.set_path(&format!("/entry/{slug}"));
        url.path().to_string()
    }
}

/// Everything the replay serves.
#[derive(Debug, Clone)]
pub struct Site {
    /// The directory it was loaded from.
    pub root: PathBuf,
    /// The blog, voted by the saved pages; its base URL is always known (see [`Site::base_url`]).
    pub blog: Blog,
    /// Entry pages by id.
    pub entries: BTreeMap<EntryId, Entry>,
    /// Saved listing pages by page number (1 = the home page).
    pub listings: BTreeMap<u32, SavedPage>,
    /// The saved `/category` page.
    pub category: Option<SavedPage>,
    /// Comment JSON pages per entry, in order (each a `{"data":{"items":…,"isLast":…,"nextId":…}}`).
    pub comments: BTreeMap<EntryId, Vec<serde_json::Value>>,
    /// Remote assets by original URL.
    pub assets: AssetMap,
    /// Files that were skipped or read with problems, one line each.
    pub notes: Vec<String>,
}

impl Site {
    /// Loads a directory of saved pages or an archive (see the module docs).
    ///
    /// # Errors
    /// When `dir` is not a directory, cannot be listed, or holds no page at all.
    pub fn load(dir: &Path) -> Result<Site, SiteError> {
        if !dir.is_dir() {
            return Err(SiteError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        let files = if dir.join(crate::archive::layout::RAW_DIR).is_dir() {
            layouts::archive_files(dir)?
        } else {
            layouts::saved_files(dir)?
        };
        let mut site = Site {
            root: dir.to_path_buf(),
            blog: IdentityVotes::default().finish(),
            entries: BTreeMap::new(),
            listings: BTreeMap::new(),
            category: None,
            comments: BTreeMap::new(),
            assets: files.assets,
            notes: files.notes,
        };
        let mut votes = IdentityVotes::default();
        for (id, path) in &files.entries {
            if let Some(entry) = site.read_entry(*id, path, &mut votes) {
                site.entries.insert(*id, entry);
            }
        }
        for id in &files.deleted {
            if let Some(entry) = site.entries.get_mut(id) {
                entry.status = 404;
            }
        }
        for (number, path) in &files.listings {
            if let Some((page, html)) = site.read_page(path) {
                if let Some(config) = read_t_config(&html) {
                    votes.add_config(config);
                }
                if *number == 1 {
                    votes.set_description(read_description(&html));
                }
                site.listings.insert(*number, page);
            }
        }
        if let Some(path) = &files.category {
            site.category = site.read_page(path).map(|(page, _)| page);
        }
        if site.entries.is_empty() && site.listings.is_empty() && site.category.is_none() {
            return Err(SiteError::NoPages {
                path: dir.to_path_buf(),
            });
        }
        for (id, path) in &files.comments {
            match layouts::read_comment_pages(path) {
                Ok(pages) => {
                    site.comments.insert(*id, pages);
                }
                Err(why) => site.notes.push(format!(
                    "{}: skipped: {}",
                    path.display(),
                    crate::report::error_chain(&why)
                )),
            }
        }
        site.blog = votes.finish();
        Ok(site)
    }

    /// The origin the blog's permalinks use, without a trailing slash
    /// (`https://hangang-notes.tistory.com`): generated documents build their URLs on it.
    #[must_use]
    pub fn base_url(&self) -> &str {
        self.blog.base_url.as_deref().unwrap_or(FALLBACK_BASE_URL)
    }

    /// Public posts and notices, newest first: what listings and the mobile list show.
    #[must_use]
    pub fn listed(&self) -> Vec<&Entry> {
        self.newest_first(Entry::is_listed)
    }

    /// Public posts without notices, newest first: what the feed and the sitemap show.
    #[must_use]
    pub fn posts(&self) -> Vec<&Entry> {
        self.newest_first(|e| e.is_listed() && e.kind == PageKind::Post)
    }

    /// The entry whose permalink is `/entry/<slug>` (`slug` percent-decoded or not).
    #[must_use]
    pub fn entry_by_slug(&self, slug: &str) -> Option<&Entry> {
        let slug = percent_decode(slug);
        self.entries
            .values()
            .find(|e| e.slug.as_deref() == Some(slug.as_str()))
    }

    fn newest_first(&self, keep: impl Fn(&Entry) -> bool) -> Vec<&Entry> {
        let mut list: Vec<&Entry> = self.entries.values().filter(|e| keep(e)).collect();
        list.sort_by_key(|e| std::cmp::Reverse((e.published.map(|p| p.timestamp()), e.id)));
        list
    }

    /// Reads and decodes one page; a problem becomes a note.
    fn read_page(&mut self, path: &Path) -> Option<(SavedPage, String)> {
        let limit = crate::extract::decode::DEFAULT_MAX_PAGE_BYTES;
        let bytes = match std::fs::metadata(path) {
            Ok(m) if m.len() > limit => {
                self.notes
                    .push(format!("{}: skipped: over {limit} bytes", path.display()));
                return None;
            }
            Ok(_) => std::fs::read(path),
            Err(e) => Err(e),
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                self.notes
                    .push(format!("{}: skipped: cannot read: {e}", path.display()));
                return None;
            }
        };
        match decode_page(&bytes, path) {
            Ok(decoded) => Some((
                SavedPage {
                    html: bytes.into(),
                    charset: decoded.encoding,
                },
                decoded.html,
            )),
            Err(e) => {
                self.notes.push(format!("{}: skipped: {e}", path.display()));
                None
            }
        }
    }

    fn read_entry(&mut self, id: EntryId, path: &Path, votes: &mut IdentityVotes) -> Option<Entry> {
        let (page, html) = self.read_page(path)?;
        if let Some(config) = read_t_config(&html) {
            votes.add_config(config);
        }
        let source = PageSource {
            id_hint: Some(id),
            ..PageSource::named(path)
        };
        let mut entry = Entry {
            id,
            page,
            status: 200,
            kind: PageKind::Other,
            url: None,
            slug: None,
            title: None,
            published: None,
            modified: None,
            category: None,
            author: None,
            body_html: None,
        };
        // An archive's page comes from its extracted post when current (no second parse).
        let profile = SelectorProfile::default();
        let reader = PostReader::new(&profile, ArtifactUse::ReadOnly);
        match reader.read(&entry.page.html, &source) {
            Ok(Page::Entry(post)) => {
                if post.id != id {
                    self.notes.push(format!(
                        "{}: the page says entry {}; it is served at /{id}, as its file name says",
                        path.display(),
                        post.id
                    ));
                }
                if post.kind != PageKind::NotFound {
                    votes.add_url(&post.url);
                    if let Some(blog) = &post.blog {
                        votes.add_name(blog);
                    }
                }
                entry.slug = slug_of(&post.url);
                entry.url = Some(post.url);
                entry.kind = post.kind;
                entry.title = post.title;
                entry.published = post.published;
                entry.modified = post.modified;
                entry.category = post.category;
                entry.author = post.author;
                entry.body_html = post.body.map(|b| b.html);
            }
            Ok(Page::NotEntry { kind, .. }) => entry.kind = kind,
            Err(e) => self.notes.push(format!(
                "{}: served as is, but not understood: {e}",
                path.display()
            )),
        }
        if entry.kind == PageKind::NotFound {
            entry.status = 404;
        }
        Some(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_entry_permalinks_only() {
        assert_eq!(
            slug_of("https://x.tistory.com/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83").as_deref(),
            Some("봄-벚꽃")
        );
        assert_eq!(slug_of("https://x.tistory.com/10"), None);
        assert_eq!(slug_of("https://x.tistory.com/entry/"), None);
    }
}
