//! Links between posts of the same blog. A bundled post that links another post of the blog keeps
//! the Tistory address in its body; `post.json` lists those links with the target's key so that
//! the desk can point them at the Naver copy once the target is published. The same rules name the
//! old addresses of a post for `redirects`: `/<id>`, `/m/<id>`, `/entry/<slug>`, `/m/entry/<slug>`.
//! Pure.

use std::collections::BTreeMap;

use url::Url;

use crate::discover::normalize::{EntryRef, entry_ref_in_path};
use crate::model::EntryId;
use crate::model::blog::{Blog, BlogIdentity};

pub use crate::discover::normalize::slug_of;

/// One blog's links: its host matcher ([`Blog::identity`]) and the archive's slug table, to
/// recognise links to its posts.
#[derive(Debug, Clone, Default)]
pub struct BlogLinks {
    /// `None` for a blog with no address and no name: nothing is its link.
    hosts: Option<BlogIdentity>,
    slugs: BTreeMap<String, EntryId>,
}

impl BlogLinks {
    /// The links of `blog` (its hosts: `name.tistory.com`, a custom domain, its addresses');
    /// `slugs` map decoded `/entry/<slug>` slugs to ids.
    #[must_use]
    pub fn new(blog: &Blog, slugs: impl IntoIterator<Item = (String, EntryId)>) -> Self {
        Self {
            hosts: blog.identity(),
            slugs: slugs.into_iter().collect(),
        }
    }

    /// The post an absolute link points at, when it is a post of this blog (on any of its hosts,
    /// whatever the scheme and port).
    #[must_use]
    pub fn target(&self, href: &str) -> Option<EntryId> {
        let url = Url::parse(href).ok()?;
        if !self.hosts.as_ref()?.has_host(url.host_str()?) {
            return None;
        }
        match entry_ref_in_path(url.path())? {
            EntryRef::Id(id) => Some(id),
            // A numeric slug no post has is read as the id it spells.
            EntryRef::Slug(slug) => self.slugs.get(&slug).copied().or_else(|| slug.parse().ok()),
        }
    }
}

/// The old paths of a post, decoded: `/<id>`, `/m/<id>`, and for each slug `/entry/<slug>` and
/// `/m/entry/<slug>`.
#[must_use]
pub fn alias_paths(id: EntryId, slugs: &[String]) -> Vec<String> {
    let mut paths = vec![format!("/{id}"), format!("/m/{id}")];
    for slug in slugs {
        paths.push(format!("/entry/{slug}"));
        paths.push(format!("/m/entry/{slug}"));
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_links_are_recognised() {
        // The sample blog and its custom domain (fixtures/hangang-notes/README.md).
        let mut blog = Blog {
            name: Some("hangang-notes".into()),
            ..Blog::default()
        };
        blog.add_host("notes.hangang.kr");
        let links = BlogLinks::new(&blog, [("봄-벚꽃-산책".to_string(), 10)]);
        assert_eq!(links.target("https://hangang-notes.tistory.com/4"), Some(4));
        assert_eq!(links.target("http://notes.hangang.kr/m/19"), Some(19));
        assert_eq!(
            links.target("https://hangang-notes.tistory.com/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85"),
            Some(10)
        );
        assert_eq!(
            links.target("https://hangang-notes.tistory.com/guestbook"),
            None
        );
        assert_eq!(links.target("https://other.tistory.com/4"), None);
        assert_eq!(
            links.target("https://hangang-notes.tistory.com/entry/unknown"),
            None
        );
    }

    #[test]
    fn decoding_and_slugs() {
        assert_eq!(
            slug_of("https://b.tistory.com/entry/%EB%B4%84-x").as_deref(),
            Some("봄-x")
        );
        assert_eq!(slug_of("https://b.tistory.com/10"), None);
        assert_eq!(
            alias_paths(10, &["봄".to_string()]),
            ["/10", "/m/10", "/entry/봄", "/m/entry/봄"]
        );
    }
}
