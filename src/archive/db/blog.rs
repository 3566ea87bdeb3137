//! The archive's blog ([`ArchivedBlog`]) in the `meta` table: written in one place
//! ([`ArchiveDb::set_blog`]) and read in one place ([`ArchiveDb::blog`]).
//!
//! Keys: `blog` (the Tistory name), `base_url` (the address crawled or imported at),
//! `canonical_base` (where the home page says the blog lives), `hosts` (every host that counts
//! as the blog, space-separated). An archive from before `hosts` was kept has none: the blog's
//! host matcher then holds the hosts of its name and its addresses.

use super::{ArchiveDb, DbError};
use crate::model::blog::ArchivedBlog;

/// The keys of the blog's identity in `meta`.
const NAME: &str = "blog";
const CRAWLED_URL: &str = "base_url";
const BASE_URL: &str = "canonical_base";
const HOSTS: &str = "hosts";

impl ArchiveDb {
    /// The blog this archive holds: its name (`meta.blog`), its addresses (`meta.canonical_base`
    /// and `meta.base_url`) and its hosts (`meta.hosts`).
    ///
    /// # Errors
    /// When the `meta` table cannot be read.
    pub fn blog(&self) -> Result<ArchivedBlog, DbError> {
        let mut blog = ArchivedBlog {
            name: self.meta(NAME)?,
            base_url: self.meta(BASE_URL)?,
            crawled_url: self.meta(CRAWLED_URL)?,
            ..ArchivedBlog::default()
        };
        for host in self.meta(HOSTS)?.unwrap_or_default().split_whitespace() {
            blog.add_host(host);
        }
        Ok(blog)
    }

    /// Records the blog's identity, in one transaction: each of its fields that is known
    /// replaces the stored one; one that is not (`None`, no hosts) leaves the stored one as it
    /// is. The title and the description are not stored.
    ///
    /// # Errors
    /// When the `meta` table cannot be written.
    pub fn set_blog(&self, blog: &ArchivedBlog) -> Result<(), DbError> {
        let hosts = blog.hosts.join(" ");
        let fields = [
            (NAME, blog.name.as_deref()),
            (CRAWLED_URL, blog.crawled_url.as_deref()),
            (BASE_URL, blog.base_url.as_deref()),
            (HOSTS, Some(hosts.as_str()).filter(|h| !h.is_empty())),
        ];
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        for (key, value) in fields {
            if let Some(value) = value {
                tx.execute(
                    "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    rusqlite::params![key, value],
                )
                .map_err(|e| self.err(e))?;
            }
        }
        tx.commit().map_err(|e| self.err(e))
    }
}
