//! The blog a crawl archives, built once, before anything else is stored: from the address being
//! crawled and what its home page says ([`blog_of_home`]), or from the address alone for a blog
//! that is gone ([`blog_at`]). The crawl stores it (`ArchiveDb::set_blog`) and matches URLs with
//! its [`crate::model::blog::Blog::identity`]. Pure.

use url::Url;

use super::blog_base;
use crate::extract::BlogFacts;
use crate::model::blog::Blog;

/// The blog at `base` as its home page describes it: its name, where it says it lives (its
/// canonical URL's origin, else `base`) and every host that counts as it (`base`'s,
/// `<name>.tistory.com`, the hosts of its Tistory address and its canonical URL).
pub(crate) fn blog_of_home(base: &Url, facts: &BlogFacts) -> Blog {
    // Where the blog says it lives (differs from `base` in a replay or behind a redirect): the
    // permalinks of entries that have no page of their own are built on it.
    let canonical_base = facts
        .canonical
        .as_deref()
        .and_then(|c| Url::parse(c).ok())
        .map_or_else(|| base.clone(), |u| blog_base(&u));
    let mut blog = Blog {
        name: facts.name.clone(),
        base_url: Some(canonical_base.to_string()),
        crawled_url: Some(base.to_string()),
        ..Blog::default()
    };
    let named = [facts.tistory_url.as_deref(), facts.canonical.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|u| Url::parse(u).ok()?.host_str().map(str::to_string));
    let hosts: Vec<String> = base
        .host_str()
        .map(str::to_string)
        .into_iter()
        .chain(blog.tistory_host())
        .chain(named)
        .collect();
    for host in &hosts {
        blog.add_host(host);
    }
    blog
}

/// The blog at `base` when its home page is gone: its name when `base` is `<name>.tistory.com`.
pub(crate) fn blog_at(base: &Url) -> Blog {
    let mut blog = Blog {
        name: base
            .host_str()
            .and_then(|h| h.strip_suffix(".tistory.com"))
            .map(str::to_string),
        crawled_url: Some(base.to_string()),
        ..Blog::default()
    };
    if let Some(host) = base.host_str() {
        blog.add_host(host);
    }
    blog
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_home_page_names_the_hosts_of_a_custom_domain_blog() {
        // Crawled at its custom domain; the home page says its Tistory address.
        let base = Url::parse("https://notes.hangang.kr/").unwrap();
        let facts = BlogFacts {
            is_tistory: true,
            name: Some("hangang-notes".into()),
            tistory_url: Some("https://hangang-notes.tistory.com".into()),
            canonical: Some("https://notes.hangang.kr".into()),
        };
        let blog = blog_of_home(&base, &facts);
        assert_eq!(
            blog.hosts,
            ["notes.hangang.kr", "hangang-notes.tistory.com"]
        );
        assert_eq!(blog.base_url.as_deref(), Some("https://notes.hangang.kr/"));
        assert_eq!(
            blog.crawled_url.as_deref(),
            Some("https://notes.hangang.kr/")
        );
        let gone = blog_at(&Url::parse("https://hangang-notes.tistory.com/").unwrap());
        assert_eq!(gone.name.as_deref(), Some("hangang-notes"));
        assert_eq!(gone.base_url, None);
    }
}
