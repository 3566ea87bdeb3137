//! Who the replayed blog is (a [`Blog`]): its Tistory name, title, description and base URL, read
//! off the saved pages (`window.T.config`, canonical links, the home page's description). Pages of
//! one blog can disagree (old saves use `http://`, one post may sit on a custom domain), so every
//! page votes and the most common answer wins. Pure: the caller hands in page text.
//!
//! The base URL of a replayed blog is always known ([`IdentityVotes::finish`] falls back to
//! `https://<name>.tistory.com`, then [`FALLBACK_BASE_URL`]): it is the origin the blog's permalinks
//! use, without a trailing slash. Generated documents (RSS, sitemap, the mobile list) build their
//! absolute URLs on it, as the saved pages do; a crawler reading them keeps the path and swaps
//! this origin for the replay server's.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Selector};
use url::Url;

use crate::model::blog::Blog;

/// Where a replay's generated documents point when no page names the blog's origin.
pub(crate) const FALLBACK_BASE_URL: &str = "http://localhost";

/// What `window.T.config` says about the blog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TConfig {
    pub(crate) name: Option<String>,
    pub(crate) title: Option<String>,
}

static T_CONFIG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"window\.T\.config\s*=\s*(\{.*\})\s*;").expect("T.config regex is valid")
});

static DESCRIPTION: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse(r#"head meta[name="description"], head meta[property="og:description"]"#)
        .expect("description selector is valid")
});

/// Reads `window.T.config` (a one-line JSON object; old skins escape it PHP-style, which JSON reads).
#[must_use]
pub(crate) fn read_t_config(html: &str) -> Option<TConfig> {
    let json = T_CONFIG.captures(html)?.get(1)?.as_str();
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let blog = value.get("BLOG")?;
    let text = |key: &str| {
        blog.get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Some(TConfig {
        name: text("name"),
        title: text("title"),
    })
}

/// The home page's description, from its `<head>`. Only the head is parsed (up to `</head>` when
/// the page has one): the crawl of the replay parses the whole page for its listing.
#[must_use]
pub(crate) fn read_description(html: &str) -> Option<String> {
    let head = head_end(html).map_or(html, |end| &html[..end]);
    let doc = Html::parse_document(head);
    doc.select(&DESCRIPTION)
        .filter_map(|m| m.value().attr("content"))
        .map(str::trim)
        .find(|d| !d.is_empty())
        .map(str::to_string)
}

/// Where `</head>` starts (ASCII case-insensitive), if the page has one.
fn head_end(html: &str) -> Option<usize> {
    html.as_bytes()
        .windows(7)
        .position(|w| w.eq_ignore_ascii_case(b"</head>"))
}

/// Collects every page's answer; [`IdentityVotes::finish`] picks the most common.
#[derive(Debug, Default)]
pub(crate) struct IdentityVotes {
    names: BTreeMap<String, usize>,
    titles: BTreeMap<String, usize>,
    origins: BTreeMap<String, usize>,
    description: Option<String>,
}

impl IdentityVotes {
    /// Counts a page's `T.config`.
    pub(crate) fn add_config(&mut self, config: TConfig) {
        if let Some(name) = config.name {
            *self.names.entry(name).or_default() += 1;
        }
        if let Some(title) = config.title {
            *self.titles.entry(title).or_default() += 1;
        }
    }

    /// Counts the blog name extraction found on a post (used when a page has no `T.config`).
    pub(crate) fn add_name(&mut self, name: &str) {
        *self.names.entry(name.to_string()).or_default() += 1;
    }

    /// Counts the origin of a page's canonical URL.
    pub(crate) fn add_url(&mut self, url: &str) {
        if let Some(origin) = origin_of(url) {
            *self.origins.entry(origin).or_default() += 1;
        }
    }

    /// Sets the description (from the home page).
    pub(crate) fn set_description(&mut self, description: Option<String>) {
        self.description = description;
    }

    /// The winners. Ties go to the alphabetically first answer, so loading is deterministic.
    #[must_use]
    pub(crate) fn finish(self) -> Blog {
        let name = most_common(self.names);
        let base_url = most_common(self.origins)
            .or_else(|| name.as_ref().map(|n| format!("https://{n}.tistory.com")))
            .unwrap_or_else(|| FALLBACK_BASE_URL.to_string());
        Blog {
            title: most_common(self.titles).or_else(|| name.clone()),
            name,
            description: self.description,
            base_url: Some(base_url),
            ..Blog::default()
        }
    }
}

fn most_common(votes: BTreeMap<String, usize>) -> Option<String> {
    let mut best: Option<(String, usize)> = None;
    for (answer, count) in votes {
        if best.as_ref().is_none_or(|(_, c)| count > *c) {
            best = Some((answer, count));
        }
    }
    best.map(|(answer, _)| answer)
}

/// `scheme://host[:port]` of an http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let parsed = Url::parse(url).ok()?;
    matches!(parsed.scheme(), "http" | "https").then_some(())?;
    let host = parsed.host_str()?;
    Some(match parsed.port() {
        Some(port) => format!("{}://{host}:{port}", parsed.scheme()),
        None => format!("{}://{host}", parsed.scheme()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_t_config_in_both_escapings() {
        let modern = r#"<script>window.T.config = {"BLOG":{"id":1,"name":"hangang-notes","title":"한강 산책 노트"},"X":1};
window.T.entryInfo = null;</script>"#;
        let old = r#"window.T.config = {"BLOG":{"name":"hangang-notes","title":"\ud55c\uac15"},"U":"https:\/\/x"};"#;
        assert_eq!(
            read_t_config(modern),
            Some(TConfig {
                name: Some("hangang-notes".into()),
                title: Some("한강 산책 노트".into())
            })
        );
        assert_eq!(
            read_t_config(old).and_then(|c| c.title).as_deref(),
            Some("한강")
        );
        assert_eq!(read_t_config("<html></html>"), None);
    }

    #[test]
    fn the_most_common_origin_wins() {
        let mut votes = IdentityVotes::default();
        votes.add_url("http://hangang-notes.tistory.com/1");
        votes.add_url("https://hangang-notes.tistory.com/7");
        votes.add_url("https://hangang-notes.tistory.com/entry/%EB%B4%84");
        votes.add_url("https://notes.hangang.kr/19");
        votes.add_url("not a url");
        votes.add_name("hangang-notes");
        let identity = votes.finish();
        assert_eq!(
            identity.base_url.as_deref(),
            Some("https://hangang-notes.tistory.com")
        );
        assert_eq!(identity.title.as_deref(), Some("hangang-notes"));
    }

    #[test]
    fn without_pages_the_name_gives_the_base() {
        let mut votes = IdentityVotes::default();
        votes.add_config(TConfig {
            name: Some("abc".into()),
            title: None,
        });
        assert_eq!(
            votes.finish().base_url.as_deref(),
            Some("https://abc.tistory.com")
        );
        assert_eq!(
            IdentityVotes::default().finish().base_url.as_deref(),
            Some(FALLBACK_BASE_URL)
        );
    }

    #[test]
    fn description_comes_from_the_head() {
        let html = r#"<html><head><meta name="description" content=" 한강을 걷습니다. "></head>
<body><meta name="description" content="body copy"></body></html>"#;
        assert_eq!(read_description(html).as_deref(), Some("한강을 걷습니다."));
        let upper =
            r#"<HTML><HEAD><META name="description" content="대문자"></HEAD><body></body></HTML>"#;
        assert_eq!(read_description(upper).as_deref(), Some("대문자"));
        let headless = r#"<meta name="description" content="머리 없음"><p>x</p>"#;
        assert_eq!(read_description(headless).as_deref(), Some("머리 없음"));
    }
}
