//! The host-matching view of a blog ([`BlogIdentity`]): the address its entry URLs are built on
//! and every host that counts as the blog, asked "is this URL ours?". Built from a
//! [`super::Blog`] ([`super::Blog::identity`]); the crawl builds its blog from the address being
//! crawled and the home page first, stores it, then matches with this view. Pure.

use url::Url;

/// The hosts that count as one blog, and its root URL: the narrow view of a
/// [`super::Blog`] the crawl, discovery's parsers and the bundle's links match URLs with.
///
/// Host comparison is exact (no `www.` folding) and case-insensitive; `http` and `https` are the
/// same blog; the port matters only when `base` names a non-default port (test servers do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlogIdentity {
    /// The blog's root URL (path `/`, no query or fragment), used to build entry URLs.
    pub base: Url,
    /// Lower-case host names of the blog: `base`'s host first, then any added with
    /// [`BlogIdentity::add_host`] (`<name>.tistory.com`, a custom domain).
    pub hosts: Vec<String>,
}

impl BlogIdentity {
    /// A blog known by its root URL; any path, query or fragment of `base` is dropped.
    #[must_use]
    pub fn new(mut base: Url) -> Self {
        base.set_query(None);
        base.set_fragment(None);
        base.set_path("/");
        let mut blog = Self {
            base,
            hosts: Vec::new(),
        };
        if let Some(host) = blog.base.host_str().map(str::to_owned) {
            blog.add_host(&host);
        }
        blog
    }

    /// Adds another host of the same blog (`morenice.tistory.com` for `www.morenice.kr`, or the
    /// reverse). Takes a bare host name; a leading `http://`/`https://` and anything from the
    /// first `/` on are ignored. Empty names and duplicates are ignored.
    pub fn add_host(&mut self, host: &str) {
        push_host(&mut self.hosts, host);
    }

    /// True when `host` (any case, a trailing dot ignored) is one of the blog's hosts, whatever
    /// the scheme and port a URL names it with.
    #[must_use]
    pub fn has_host(&self, host: &str) -> bool {
        self.hosts.contains(&normalize_host(host))
    }

    /// True when `url` is an `http`/`https` URL on one of the blog's hosts (on `base`'s own host,
    /// also on its port when `base` names one).
    #[must_use]
    pub fn is_own(&self, url: &Url) -> bool {
        if !matches!(url.scheme(), "http" | "https") {
            return false;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = normalize_host(host);
        if !self.hosts.contains(&host) {
            return false;
        }
        // The port only matters on the base's own host (a replay on 127.0.0.1:PORT); the blog's
        // other names (`name.tistory.com`, a custom domain) are on their default ports.
        let on_base_host =
            self.base.host_str().map(normalize_host).as_deref() == Some(host.as_str());
        match self.base.port() {
            Some(port) if on_base_host => url.port_or_known_default() == Some(port),
            _ => true,
        }
    }
}

/// Adds `host`, normalised, to `hosts` unless it is empty or there already.
pub(super) fn push_host(hosts: &mut Vec<String>, host: &str) {
    let host = normalize_host(host);
    if !host.is_empty() && !hosts.contains(&host) {
        hosts.push(host);
    }
}

/// A host name as the blog's hosts hold it: lower case, without a scheme, a path or a trailing
/// dot.
fn normalize_host(host: &str) -> String {
    let host = host.trim();
    let host = host
        .strip_prefix("https://")
        .or_else(|| host.strip_prefix("http://"))
        .unwrap_or(host);
    let host = host.split('/').next().unwrap_or_default();
    host.trim_end_matches('.').to_ascii_lowercase()
}
