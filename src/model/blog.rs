//! The blog: one identity type, [`Blog`], for every stage that names the blog or builds its
//! addresses. The archive stores it in `archive.db` (`meta.blog`, `meta.canonical_base`,
//! `meta.base_url`) and every stage after the crawl reads it once through `ArchiveDb::blog`
//! (extract, bundle, verify, the desk); the replay server builds it from the saved pages
//! (`serve::blog`, by votes) with the title and the description it serves.
//!
//! Narrower views, each built for one job, and what is genuinely another concept:
//! - `discover::BlogIdentity` is the crawl's host matcher: the address being crawled and every
//!   host that counts as the blog (`<name>.tistory.com`, a custom domain), asked "is this URL
//!   ours?". It is built before anything is stored, from the address and the home page.
//! - `bundle::links::BlogLinks` is the bundle's link rewriter: the blog's hosts and its slug map.
//! - `bundle::manifest::SourceBlog` is the wire form of the blog in `bundle.json` (a file format:
//!   its fields stay as they are).
//! - `extract::BlogFacts` is not an identity but evidence: what one page says about the blog.
//! - `serve::blog`'s votes are evidence too, gathered while loading a replay.
//!
//! Pure.

/// The blog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blog {
    /// The Tistory name (`name` of `name.tistory.com`), when known.
    pub name: Option<String>,
    /// The blog's address as its pages name it (an archive's `canonical_base`, else the address it
    /// was crawled at, `base_url`; a replay's most common permalink origin).
    pub base_url: Option<String>,
    /// The blog's title (`T.config.BLOG.title`), when known (a replay reads it; the archive does
    /// not store it).
    pub title: Option<String>,
    /// The blog's description (its home page's `description` meta), when known (as `title`).
    pub description: Option<String>,
}

/// The archive's blog, as `ArchiveDb::blog` reads it: the same type (the name the stages after
/// the crawl knew it by).
pub type ArchivedBlog = Blog;

impl Blog {
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

    /// `<name>.tistory.com`, when the name is known.
    #[must_use]
    pub fn tistory_host(&self) -> Option<String> {
        self.name.as_ref().map(|n| format!("{n}.tistory.com"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_ends_in_a_slash_and_falls_back_to_tistory() {
        let blog = Blog {
            name: Some("a".into()),
            base_url: Some("https://a.example".into()),
            ..Blog::default()
        };
        assert_eq!(blog.base_url_or_tistory("a"), "https://a.example/");
        assert_eq!(blog.tistory_host().as_deref(), Some("a.tistory.com"));
        assert_eq!(
            Blog::default().base_url_or_tistory("b"),
            "https://b.tistory.com/"
        );
        assert_eq!(Blog::default().tistory_host(), None);
    }
}
