//! Links between posts of the same Tistory blog, as the desk serves a body: a link whose target is
//! already on Naver is rewritten to the target's Naver URL, and a link whose target is not (a
//! "forward link") stays as it is and is listed, to be fixed on Naver once the target is published.
//! A link is internal when its host is one of the blog's hosts (`name.tistory.com`, the custom
//! domain, with or without `www.`, over http or https) and its path is a post URL of a post in the
//! bundle: `/<id>`, `/m/<id>`, `/notice/<id>`, `/entry/<slug>` or `/m/entry/<slug>` (the query and
//! the fragment do not matter). Pure: the published URLs come in as a function.

use std::collections::{BTreeMap, HashMap, HashSet};

use regex::Regex;
use url::Url;

use super::files::percent_decode;

/// What makes a URL a link to a post of the blog.
#[derive(Debug, Clone, Default)]
pub struct PostLinkIndex {
    hosts: HashSet<String>,
    slugs: HashMap<String, u64>,
    ids: HashSet<u64>,
}

impl PostLinkIndex {
    /// An index of the posts `ids`, linked from `hosts` (any URL or bare host names).
    #[must_use]
    pub fn new<'a>(hosts: impl IntoIterator<Item = &'a str>, ids: impl IntoIterator<Item = u64>) -> Self {
        let hosts = hosts
            .into_iter()
            .filter_map(|h| {
                let host = Url::parse(h)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_else(|| h.trim().to_string());
                let host = host.to_ascii_lowercase();
                let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
                (!host.is_empty()).then_some(host)
            })
            .collect();
        Self {
            hosts,
            slugs: HashMap::new(),
            ids: ids.into_iter().collect(),
        }
    }

    /// Adds a slug permalink (`/entry/<slug>`, decoded) of post `id`.
    pub fn add_slug(&mut self, slug: &str, id: u64) {
        self.slugs.insert(slug.to_string(), id);
    }

    /// The post `href` links to, when it is a post of the bundle.
    #[must_use]
    pub fn target(&self, href: &str) -> Option<u64> {
        let url = Url::parse(href).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        let host = url.host_str()?.to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        if !self.hosts.contains(host) {
            return None;
        }
        let path = url.path().trim_end_matches('/');
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        let id = match segments.as_slice() {
            [id] | ["m" | "notice", id] | ["m", "notice", id] => id.parse::<u64>().ok()?,
            ["entry", slug] | ["m", "entry", slug] => *self.slugs.get(&percent_decode(slug)?)?,
            _ => return None,
        };
        self.ids.contains(&id).then_some(id)
    }
}

/// One internal link found in a body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InternalLink {
    /// The link as written in the bundle (a Tistory URL).
    pub href: String,
    /// The post it points to.
    pub target: u64,
    /// The target's Naver URL when it is published (the link was rewritten to it); `None` for a
    /// forward link.
    pub naver_url: Option<String>,
}

/// A body with its internal links rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewrittenBody {
    /// The HTML to paste.
    pub html: String,
    /// The plain-text fallback.
    pub text: String,
    /// Every distinct internal link, in order of first appearance.
    pub links: Vec<InternalLink>,
}

impl RewrittenBody {
    /// The links whose target is not published yet.
    pub fn forward_links(&self) -> impl Iterator<Item = &InternalLink> {
        self.links.iter().filter(|l| l.naver_url.is_none())
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Internal links of `html` (the bundle's `body.html`), without rewriting.
#[must_use]
pub fn internal_links(html: &str, index: &PostLinkIndex) -> Vec<(String, u64)> {
    let mut seen = BTreeMap::new();
    let mut out = Vec::new();
    for cap in href_regex().captures_iter(html) {
        let href = unescape(&cap[1]);
        if let Some(target) = index.target(&href)
            && seen.insert(href.clone(), target).is_none()
        {
            out.push((href, target));
        }
    }
    out
}

fn href_regex() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    // The bundle writes links only as `<a href="...">` (an allow-listed attribute, escaped).
    RE.get_or_init(|| Regex::new(r#"<a\s+href="([^"]*)""#).expect("a valid regex literal"))
}

/// Rewrites the internal links of `html` and `text` whose target `published` knows.
#[must_use]
pub fn rewrite_links(
    html: &str,
    text: &str,
    index: &PostLinkIndex,
    published: &dyn Fn(u64) -> Option<String>,
) -> RewrittenBody {
    let links: Vec<InternalLink> = internal_links(html, index)
        .into_iter()
        .map(|(href, target)| InternalLink {
            naver_url: published(target),
            href,
            target,
        })
        .collect();
    let by_href: HashMap<&str, &str> = links
        .iter()
        .filter_map(|l| l.naver_url.as_deref().map(|n| (l.href.as_str(), n)))
        .collect();
    let html = href_regex()
        .replace_all(html, |cap: &regex::Captures<'_>| {
            let href = unescape(&cap[1]);
            match by_href.get(href.as_str()) {
                Some(naver) => format!("<a href=\"{}\"", escape_attr(naver)),
                None => cap[0].to_string(),
            }
        })
        .into_owned();
    let mut text = text.to_string();
    for (href, naver) in &by_href {
        text = replace_whole_url(&text, href, naver);
    }
    RewrittenBody { html, text, links }
}

/// Replaces `from` in `text` only where it stands as a whole URL (`/1` is not the start of `/16`).
fn replace_whole_url(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let after = &rest[at + from.len()..];
        let whole = after
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || matches!(c, ')' | ']' | '>' | '"' | ',' | '。'));
        out.push_str(&rest[..at]);
        out.push_str(if whole { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> PostLinkIndex {
        let mut i = PostLinkIndex::new(["https://hangang-notes.tistory.com/", "blog.example.kr"], [1, 4, 5, 10, 16]);
        i.add_slug("봄-벚꽃-산책", 10);
        i
    }

    #[test]
    fn recognises_post_urls_of_the_blog_only() {
        let i = index();
        for (href, want) in [
            ("https://hangang-notes.tistory.com/5", Some(5)),
            ("http://hangang-notes.tistory.com/5/", Some(5)),
            ("https://HANGANG-NOTES.tistory.com/m/16?category=3#comment", Some(16)),
            ("https://www.blog.example.kr/4", Some(4)),
            ("https://hangang-notes.tistory.com/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85", Some(10)),
            ("https://hangang-notes.tistory.com/m/entry/봄-벚꽃-산책", Some(10)),
            ("https://hangang-notes.tistory.com/notice/1", Some(1)),
            ("https://hangang-notes.tistory.com/3", None),
            ("https://hangang-notes.tistory.com/guestbook", None),
            ("https://hangang-notes.tistory.com/category/산책", None),
            ("https://other.tistory.com/5", None),
            ("ftp://hangang-notes.tistory.com/5", None),
            ("/5", None),
        ] {
            assert_eq!(i.target(href), want, "{href}");
        }
    }

    #[test]
    fn published_targets_are_rewritten_and_the_rest_listed() {
        let html = "<p><a href=\"https://hangang-notes.tistory.com/1\">첫 글</a>, <a href=\"https://hangang-notes.tistory.com/16\">열여섯</a>, <a href=\"https://hangang-notes.tistory.com/1\">again</a> <a href=\"https://naver.com/?a=1&amp;b=2\">x</a></p>\n";
        let text = "첫 글 (https://hangang-notes.tistory.com/1), 열여섯 (https://hangang-notes.tistory.com/16)\n";
        let published = |id: u64| (id == 1).then(|| "https://blog.naver.com/hangangnotes/223000000011".to_string());
        let out = rewrite_links(html, text, &index(), &published);
        assert_eq!(
            out.html,
            "<p><a href=\"https://blog.naver.com/hangangnotes/223000000011\">첫 글</a>, <a href=\"https://hangang-notes.tistory.com/16\">열여섯</a>, <a href=\"https://blog.naver.com/hangangnotes/223000000011\">again</a> <a href=\"https://naver.com/?a=1&amp;b=2\">x</a></p>\n"
        );
        assert_eq!(
            out.text,
            "첫 글 (https://blog.naver.com/hangangnotes/223000000011), 열여섯 (https://hangang-notes.tistory.com/16)\n"
        );
        assert_eq!(out.links.len(), 2);
        let forward: Vec<_> = out.forward_links().map(|l| l.target).collect();
        assert_eq!(forward, [16]);
    }
}
