//! The archive's blog ([`ArchivedBlog`]) from the `meta` table, read in one place.

use super::{ArchiveDb, DbError};
use crate::model::blog::ArchivedBlog;

impl ArchiveDb {
    /// The blog this archive holds: its name (`meta.blog`) and address (`meta.canonical_base`,
    /// else `meta.base_url`).
    ///
    /// # Errors
    /// When the `meta` table cannot be read.
    pub fn blog(&self) -> Result<ArchivedBlog, DbError> {
        Ok(ArchivedBlog {
            name: self.meta("blog")?,
            base_url: self.meta("canonical_base")?.or(self.meta("base_url")?),
            ..ArchivedBlog::default()
        })
    }
}
