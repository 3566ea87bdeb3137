//! The blog an archive holds, as `archive.db` stores it (`meta.blog`, `meta.canonical_base`,
//! `meta.base_url`): one type, read once through `ArchiveDb::blog`, for every stage that names the
//! blog or builds its addresses from the archive (extract, bundle, verify, the desk). The crawl's
//! host matcher (`discover::BlogIdentity`) and the replay site's voted identity
//! (`serve::BlogIdentity`) are built from pages, not read from the archive. Pure.

/// The blog of an archive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchivedBlog {
    /// The Tistory name (`name` of `name.tistory.com`), when the crawl or the import recorded it.
    pub name: Option<String>,
    /// The blog's address as its pages name it (`canonical_base`), else the address it was crawled
    /// at (`base_url`).
    pub base_url: Option<String>,
}

impl ArchivedBlog {
    /// The address, ending in `/`, falling back to `https://<name>.tistory.com/`.
    #[must_use]
    pub fn base_url_or_tistory(&self, name: &str) -> String {
        let mut url = self
            .base_url
            .clone()
            .unwrap_or_else(|| format!("https://{name}.tistory.com/"));
        if !url.ends_with('/') {
            url.push('/');
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_ends_in_a_slash_and_falls_back_to_tistory() {
        let blog = ArchivedBlog {
            name: Some("a".into()),
            base_url: Some("https://a.example".into()),
        };
        assert_eq!(blog.base_url_or_tistory("a"), "https://a.example/");
        assert_eq!(
            ArchivedBlog::default().base_url_or_tistory("b"),
            "https://b.tistory.com/"
        );
    }
}
