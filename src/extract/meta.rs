//! Skin-independent metadata: `<head>` meta tags (first occurrence only), the canonical link,
//! JSON-LD, and the inline `window.T.config` / `window.T.entryInfo` / `window.TistoryBlog` scripts.
//! Reads a parsed document, returns values; never looks at skin markup.

use std::sync::LazyLock;

use regex::Regex;
use scraper::Html;
use serde::Deserialize;

use super::selectors::{HEAD_CANONICAL, HEAD_META, HEAD_TITLE, JSON_LD, SCRIPT};

/// Everything a page says about itself outside the skin.
#[derive(Debug, Default, Clone)]
pub(crate) struct HeadMeta {
    pub og_title: Option<String>,
    pub og_url: Option<String>,
    pub og_type: Option<String>,
    pub published_time: Option<String>,
    pub modified_time: Option<String>,
    pub by: Option<String>,
    pub og_author: Option<String>,
    pub txid: Option<String>,
    pub plink: Option<String>,
    pub mobile_url: Option<String>,
    pub pc_url: Option<String>,
    pub pc_view_url: Option<String>,
    pub canonical: Option<String>,
    pub title_tag: Option<String>,
    pub generator: Option<String>,
    pub json_ld: Option<JsonLd>,
    pub entry_info: Option<EntryInfo>,
    pub blog_name: Option<String>,
    pub blog_nickname: Option<String>,
    pub tistory_url: Option<String>,
    /// `window.tiara.entry.entryType`: `POST` on every saved post page, `NOTICE` for notices.
    pub entry_type: Option<String>,
    /// True when the page carries any of Tistory's own markers.
    pub has_tistory_markers: bool,
}

/// The `BlogPosting` JSON-LD block.
#[derive(Debug, Default, Clone)]
pub(crate) struct JsonLd {
    pub headline: Option<String>,
    pub date_published: Option<String>,
    pub date_modified: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
}

/// `window.T.entryInfo`: `{"entryId":187,"categoryId":1256804,"categoryLabel":"설정/티스토리적용"}`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EntryInfo {
    pub entry_id: Option<u64>,
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    pub category_label: Option<String>,
}

static ENTRY_INFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"T\.entryInfo\s*=\s*(\{[^{}]*\})").expect("entryInfo regex is valid")
});
static T_CONFIG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"T\.config\s*=\s*\{").expect("T.config regex is valid"));
static TIARA_ENTRY_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""entryType"\s*:\s*"([A-Za-z_]+)""#).expect("entryType regex is valid")
});
static TISTORY_BLOG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"TistoryBlog\s*=\s*\{[^}]*?tistoryUrl\s*:\s*["']([^"']+)["']"#)
        .expect("TistoryBlog regex is valid")
});

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Reads the head metadata and inline scripts of a parsed page.
pub(crate) fn read_head_meta(doc: &Html) -> HeadMeta {
    let mut m = HeadMeta::default();
    for el in doc.select(&HEAD_META) {
        let v = el.value();
        let key = v.attr("property").or_else(|| v.attr("name"));
        let (Some(key), Some(content)) = (key, v.attr("content")) else {
            continue;
        };
        let slot = match key {
            "og:title" => &mut m.og_title,
            "og:url" => &mut m.og_url,
            "og:type" => &mut m.og_type,
            "article:published_time" => &mut m.published_time,
            "article:modified_time" => &mut m.modified_time,
            "by" => &mut m.by,
            "og.article.author" | "article:author" => &mut m.og_author,
            "article:txid" => &mut m.txid,
            "dg:plink" => &mut m.plink,
            "article:mobile_url" => &mut m.mobile_url,
            "article:pc_url" => &mut m.pc_url,
            "article:pc_view_url" => &mut m.pc_view_url,
            "generator" => &mut m.generator,
            _ => continue,
        };
        // First occurrence wins: later duplicates come from documents pasted into post bodies.
        if slot.is_none() {
            *slot = non_empty(content);
        }
    }
    m.canonical = doc
        .select(&HEAD_CANONICAL)
        .next()
        .and_then(|l| l.value().attr("href"))
        .and_then(non_empty);
    m.title_tag = doc
        .select(&HEAD_TITLE)
        .next()
        .and_then(|t| non_empty(&t.text().collect::<String>()));
    m.json_ld = doc.select(&JSON_LD).find_map(|s| {
        let text: String = s.text().collect();
        parse_json_ld(&text)
    });
    for script in doc.select(&SCRIPT) {
        if script.value().attr("type") == Some("application/ld+json") {
            continue;
        }
        let text: String = script.text().collect();
        if m.entry_info.is_none()
            && let Some(c) = ENTRY_INFO.captures(&text)
        {
            m.entry_info = serde_json::from_str(&c[1]).ok();
        }
        if m.blog_name.is_none()
            && let Some(found) = T_CONFIG.find(&text)
            && let Some(json) = balanced_object(&text[found.end() - 1..])
            && let Ok(config) = serde_json::from_str::<serde_json::Value>(json)
        {
            let blog = &config["BLOG"];
            m.blog_name = blog["name"].as_str().and_then(non_empty);
            m.blog_nickname = blog["nickName"].as_str().and_then(non_empty);
            m.has_tistory_markers = true;
        }
        if m.entry_type.is_none()
            && text.contains("tiara")
            && let Some(c) = TIARA_ENTRY_TYPE.captures(&text)
        {
            m.entry_type = Some(c[1].to_ascii_uppercase());
        }
        if m.tistory_url.is_none()
            && let Some(c) = TISTORY_BLOG.captures(&text)
        {
            m.tistory_url = non_empty(&c[1]);
        }
    }
    m.has_tistory_markers |= m.txid.is_some()
        || m.entry_info.is_some()
        || m.plink.is_some()
        || m.generator
            .as_deref()
            .is_some_and(|g| g.contains("TISTORY"));
    m
}

fn parse_json_ld(text: &str) -> Option<JsonLd> {
    let v: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
    let s = |v: &serde_json::Value| v.as_str().and_then(non_empty);
    Some(JsonLd {
        headline: s(&v["headline"]),
        date_published: s(&v["datePublished"]),
        date_modified: s(&v["dateModified"]),
        author: s(&v["author"]["name"]).or_else(|| s(&v["author"])),
        url: s(&v["url"]).or_else(|| s(&v["mainEntityOfPage"]["@id"])),
    })
}

/// Returns the JSON object that starts at the first byte of `s` (`{`), matching braces outside strings.
fn balanced_object(s: &str) -> Option<&str> {
    let mut depth = 0usize;
    let mut in_string: Option<u8> = None;
    let mut escaped = false;
    for (i, b) in s.bytes().enumerate() {
        if let Some(quote) = in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == quote {
                in_string = None;
            }
            continue;
        }
        match b {
            b'"' | b'\'' => in_string = Some(b),
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(&s[..=i]);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_object_skips_braces_in_strings() {
        let s = r#"{"a":{"b":"}{"},"c":1}; tail"#;
        assert_eq!(balanced_object(s), Some(r#"{"a":{"b":"}{"},"c":1}"#));
        assert_eq!(balanced_object("{unclosed"), None);
    }

    #[test]
    fn first_head_occurrence_wins_and_body_copies_are_ignored() {
        let html = r#"<html><head>
            <meta property="og:title" content="진짜 제목">
            <meta property="og:title" content="두번째">
            <meta property="article:txid" content="7_42">
            </head><body><meta property="og:title" content="본문 속 문서">
            <script>window.T.entryInfo = {"entryId":42,"isAuthor":false,"categoryId":0,"categoryLabel":null};</script>
            <script>window.T.config = {"BLOG":{"id":7,"name":"river","nickName":"강"},"ROLE":"guest"};</script>
            </body></html>"#;
        let m = read_head_meta(&Html::parse_document(html));
        assert_eq!(m.og_title.as_deref(), Some("진짜 제목"));
        assert_eq!(m.txid.as_deref(), Some("7_42"));
        let info = m.entry_info.unwrap();
        assert_eq!(info.entry_id, Some(42));
        assert_eq!(info.category_label, None);
        assert_eq!(m.blog_name.as_deref(), Some("river"));
        assert!(m.has_tistory_markers);
    }
}
