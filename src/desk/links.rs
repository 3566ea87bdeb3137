//! Links between posts of the same Tistory blog, as the desk serves a body: a link whose target is
//! already on Naver is rewritten to the target's Naver URL, and a link whose target is not (a
//! "forward link") stays as it is and is listed, to be fixed on Naver once the target is published.
//! Which links are internal is the bundle's decision (`post.json`'s `internal_links`, made by
//! `bundle::links` from the blog's hosts and slugs); this module only finds those `href`s in the
//! body and swaps them. Pure: the published URLs come in as a function.

use std::collections::HashMap;

use regex::Regex;

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

fn href_regex() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    // The bundle writes links only as `<a href="...">` (an allow-listed attribute, escaped).
    RE.get_or_init(|| Regex::new(r#"<a\s+href="([^"]*)""#).expect("a valid regex literal"))
}

/// Rewrites the links of `html` and `text` that `targets` names (`href` as in the bundle → target
/// post id) and whose target `published` knows; `targets` comes from `post.json`.
#[must_use]
pub fn rewrite_links(
    html: &str,
    text: &str,
    targets: &[(String, u64)],
    published: &dyn Fn(u64) -> Option<String>,
) -> RewrittenBody {
    let target_of: HashMap<String, u64> = targets
        .iter()
        .flat_map(|(href, id)| [(href.clone(), *id), (unescape(href), *id)])
        .collect();
    let mut links: Vec<InternalLink> = Vec::new();
    for cap in href_regex().captures_iter(html) {
        let href = unescape(&cap[1]);
        if let Some(&target) = target_of.get(&href)
            && !links.iter().any(|l| l.href == href)
        {
            links.push(InternalLink {
                naver_url: published(target),
                href,
                target,
            });
        }
    }
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

    fn targets() -> Vec<(String, u64)> {
        vec![
            ("https://hangang-notes.tistory.com/1".into(), 1),
            ("https://hangang-notes.tistory.com/16".into(), 16),
            (
                "https://hangang-notes.tistory.com/entry/a?x=1&y=2".into(),
                5,
            ),
        ]
    }

    #[test]
    fn published_targets_are_rewritten_and_the_rest_listed() {
        let html = "<p><a href=\"https://hangang-notes.tistory.com/1\">첫 글</a>, <a href=\"https://hangang-notes.tistory.com/16\">열여섯</a>, <a href=\"https://hangang-notes.tistory.com/1\">again</a> <a href=\"https://naver.com/?a=1&amp;b=2\">x</a></p>\n";
        let text = "첫 글 (https://hangang-notes.tistory.com/1), 열여섯 (https://hangang-notes.tistory.com/16)\n";
        let published = |id: u64| {
            (id == 1).then(|| "https://blog.naver.com/hangangnotes/223000000011".to_string())
        };
        let out = rewrite_links(html, text, &targets(), &published);
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

    #[test]
    fn escaped_hrefs_match_and_unknown_links_stay() {
        let html = "<p><a href=\"https://hangang-notes.tistory.com/entry/a?x=1&amp;y=2\">a</a> <a href=\"https://hangang-notes.tistory.com/99\">b</a></p>";
        let published =
            |id: u64| (id == 5).then(|| "https://blog.naver.com/h/2?a=1&b=2".to_string());
        let out = rewrite_links(html, "", &targets(), &published);
        assert_eq!(
            out.html,
            "<p><a href=\"https://blog.naver.com/h/2?a=1&amp;b=2\">a</a> <a href=\"https://hangang-notes.tistory.com/99\">b</a></p>"
        );
        assert_eq!(out.links.len(), 1);
        assert_eq!(
            replace_whole_url(
                "x (https://t.com/1) https://t.com/16",
                "https://t.com/1",
                "N"
            ),
            "x (N) https://t.com/16"
        );
    }
}
