//! The blog: one identity type, [`Blog`], for every stage that names the blog, builds its
//! addresses or asks whether a URL is the blog's. The crawl builds it from the address being
//! crawled and what the home page says (its name, its canonical address, the hosts it answers
//! on: `<name>.tistory.com`, a custom domain), stores it once through `ArchiveDb::set_blog`
//! (`meta.blog`, `meta.base_url`, `meta.canonical_base`, `meta.hosts`) and every stage after it
//! reads it back through `ArchiveDb::blog` (extract, bundle, verify, the Wayback pass, an
//! import, the desk). The replay server builds one from the saved pages (`serve::blog`, by
//! votes) with the title and the description it serves.
//!
//! Views of it, each for one job (none keeps a copy of what the blog holds):
//! - [`BlogIdentity`] is the host matcher, [`Blog::identity`]: the address entry URLs are built
//!   on and every host that counts as the blog, asked "is this URL ours?" (the crawl, discovery's
//!   parsers, `bundle::links::BlogLinks`, which adds the archive's slug table to it).
//! - `bundle.json`'s `source` object is its serialised form (`bundle::manifest`, a serde view
//!   with the file format's field names: `platform`, `blog`, `blog_url`).
//!
//! Not identities but evidence, and so other types: `extract::BlogFacts` is what one page says
//! about the blog (the crawl builds the blog from the home page's), and `serve::blog`'s votes are
//! what the saved pages of a replay say, counted.
//!
//! Pure.

use url::Url;

mod hosts;

pub use hosts::BlogIdentity;

/// The blog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blog {
    /// The Tistory name (`name` of `name.tistory.com`), when known.
    pub name: Option<String>,
    /// The blog's address as its pages name it (`meta.canonical_base`: where the home page's
    /// canonical URL says it lives; a replay's most common permalink origin). [`Blog::address`]
    /// falls back to [`Blog::crawled_url`].
    pub base_url: Option<String>,
    /// The address the blog was crawled (or imported) at (`meta.base_url`): a replay's
    /// `127.0.0.1:PORT`, a custom domain, `name.tistory.com`.
    pub crawled_url: Option<String>,
    /// Every host that counts as the blog (`meta.hosts`, lower case): the crawled address's, the
    /// Tistory one, a custom domain the home page names. [`Blog::identity`] adds the hosts of the
    /// addresses and the name, so an archive without the list still matches them.
    pub hosts: Vec<String>,
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
    /// The blog's address: where its pages say it lives, else where it was crawled.
    #[must_use]
    pub fn address(&self) -> Option<&str> {
        self.base_url.as_deref().or(self.crawled_url.as_deref())
    }

    /// The address, ending in `/`, falling back to `https://<name>.tistory.com/`.
    #[must_use]
    pub fn base_url_or_tistory(&self, name: &str) -> String {
        let mut url = self
            .address()
            .map_or_else(|| format!("https://{name}.tistory.com/"), str::to_string);
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

    /// Adds a host the blog answers on (normalised as [`BlogIdentity::add_host`] does).
    pub fn add_host(&mut self, host: &str) {
        hosts::push_host(&mut self.hosts, host);
    }

    /// The host matcher: entry URLs built on the crawled address (else the blog's address, else
    /// `https://<name>.tistory.com/`), matching [`Blog::hosts`], the Tistory host and the hosts
    /// of both addresses. `None` when the blog has no address and no name.
    #[must_use]
    pub fn identity(&self) -> Option<BlogIdentity> {
        let base = self
            .crawled_url
            .as_deref()
            .or(self.base_url.as_deref())
            .and_then(|u| Url::parse(u).ok())
            .or_else(|| Url::parse(&format!("https://{}/", self.tistory_host()?)).ok())?;
        let mut identity = BlogIdentity::new(base);
        for host in &self.hosts {
            identity.add_host(host);
        }
        let named = [self.crawled_url.as_deref(), self.base_url.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|u| Url::parse(u).ok()?.host_str().map(str::to_string));
        for host in self.tistory_host().into_iter().chain(named) {
            identity.add_host(&host);
        }
        Some(identity)
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
