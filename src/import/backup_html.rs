//! One post page of the official backup zip, read into its fields. Tistory writes these pages in
//! one fixed template (not a skin): `h2.title-article`, `.box-info p.category` (may be empty),
//! `.box-info p.date` as `2026-03-31 16:51:39` (KST wall-clock time), the body in
//! `.article-view .contents_style`, the tags as text in `div.tags` (`#태그 #두 단어 태그`), and the
//! post's files as relative links (`./img/<percent-encoded name>`, sometimes `./file/img/…`).
//! Pure: the zip reader supplies the text and looks the files up.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Selector};

use crate::extract::dates::parse_visible_date;
use crate::extract::normalize_whitespace;
use crate::import::AssetKind;
use crate::import::page::asset_placeholder;

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("the backup template's selectors are valid")
}

static TITLE: LazyLock<Selector> = LazyLock::new(|| selector("h2.title-article, .title-article"));
static CATEGORY: LazyLock<Selector> = LazyLock::new(|| selector(".box-info .category"));
static DATE: LazyLock<Selector> = LazyLock::new(|| selector(".box-info .date"));
/// The body, most specific first (a selector list would match in document order instead).
static BODY: LazyLock<[Selector; 3]> = LazyLock::new(|| {
    [
        selector(".article-view .contents_style"),
        selector(".contents_style"),
        selector(".article-view"),
    ]
});
static TAGS: LazyLock<Selector> = LazyLock::new(|| selector("div.tags, .tags"));
/// A start tag as html5ever serialises it (attribute values double-quoted, `"` escaped).
static START_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>").expect("valid regex"));
/// The attributes that carry a file's address (the editor keeps the original in `data-url`).
static LINK_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\s(src|href|data-url|data-src|data-origin-src|data-lazy-src)="([^"]*)""#)
        .expect("valid regex")
});
static LOCAL_SRCSET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\ssrcset="\.?/?(?:file/)?img/[^"]*""#).expect("valid regex"));
/// A `?` standing where a word starts: what is left of an emoji the backup could not encode.
static MANGLED_EMOJI: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)\?+[\p{L}\p{N}]").expect("valid regex"));

/// A file the page refers to by a relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalRef {
    /// The path relative to the post's folder, decoded (`img/사진 1.jpg`).
    pub path: String,
    /// Shown (an `<img>`) or linked (an `<a>`).
    pub kind: AssetKind,
}

/// What one backup page holds.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupPage {
    /// The title (empty when the page has none).
    pub title: String,
    /// The date line, read as KST.
    pub published: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// The category path joined with `/`, `None` when empty.
    pub category: Option<String>,
    /// Tags in page order.
    pub tags: Vec<String>,
    /// The body, each local reference replaced by [`asset_placeholder`] of its index in `refs`.
    pub body_html: String,
    /// The files the body refers to, in body order, each once.
    pub refs: Vec<LocalRef>,
    /// Things worth a look.
    pub warnings: Vec<String>,
}

/// The post-relative path of a link to the post's own folder (`./img/a%20b.png` → `img/a b.png`),
/// or `None` for any other link (absolute, rooted, or climbing out with `..`).
#[must_use]
pub fn local_path(value: &str) -> Option<String> {
    let v = value.replace("&amp;", "&");
    if v.contains(':') || v.starts_with('/') || v.starts_with('#') || v.is_empty() {
        return None;
    }
    let v = v.split(['?', '#']).next().unwrap_or_default();
    let raw = v.strip_prefix("./").unwrap_or(v);
    // Not UTF-8 once decoded: the name is kept as written.
    let decoded = crate::markup::percent_decode(raw).unwrap_or_else(|| raw.to_string());
    let parts: Vec<&str> = decoded
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || parts.contains(&"..") {
        return None;
    }
    Some(parts.join("/"))
}

fn text_of(doc: &Html, sel: &Selector) -> Option<String> {
    doc.select(sel)
        .map(|e| normalize_whitespace(&e.text().collect::<String>()))
        .next()
}

/// Splits the backup's tag line on `#` (tags may contain spaces), in order, each once.
#[must_use]
pub fn split_tags(line: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in line.split('#').map(normalize_whitespace) {
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// Reads one backup page.
#[must_use]
pub fn read_backup_page(html: &str) -> BackupPage {
    let doc = Html::parse_document(html);
    let mut warnings = Vec::new();
    let title = text_of(&doc, &TITLE).unwrap_or_default();
    if title.is_empty() {
        warnings.push("the backup page has no title (h2.title-article)".to_string());
    }
    let date_text = text_of(&doc, &DATE).unwrap_or_default();
    let published = parse_visible_date(&date_text);
    if published.is_none() {
        warnings.push(format!(
            "the backup page has no readable date (.box-info .date: {date_text:?})"
        ));
    }
    let category = text_of(&doc, &CATEGORY)
        .map(|c| {
            c.split(['/', '>'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("/")
        })
        .filter(|c| !c.is_empty());
    let tags = text_of(&doc, &TAGS)
        .map(|t| split_tags(&t))
        .unwrap_or_default();
    let body = BODY.iter().find_map(|s| doc.select(s).next());
    if body.is_none() {
        warnings.push("the backup page has no body (.article-view .contents_style)".to_string());
    }
    let inner = body.map(|b| b.inner_html()).unwrap_or_default();
    let (body_html, refs) = replace_local_refs(&inner);
    let visible: String = body.map(|b| b.text().collect()).unwrap_or_default();
    let mangled =
        MANGLED_EMOJI.find_iter(&visible).count() + MANGLED_EMOJI.find_iter(&title).count();
    if mangled > 0 {
        warnings.push(format!(
            "{mangled} place(s) where a '?' starts a word: the backup may have saved emoji as '?'; compare with the live post if it still exists"
        ));
    }
    BackupPage {
        title,
        published,
        category,
        tags,
        body_html,
        refs,
        warnings,
    }
}

/// Replaces every link to the post's own folder by a placeholder; returns the files in order.
fn replace_local_refs(html: &str) -> (String, Vec<LocalRef>) {
    let html = LOCAL_SRCSET.replace_all(html, "");
    let mut refs: Vec<LocalRef> = Vec::new();
    let out = START_TAG.replace_all(&html, |tag: &regex::Captures<'_>| {
        let kind = if tag[1].eq_ignore_ascii_case("a") {
            AssetKind::Attachment
        } else {
            AssetKind::Image
        };
        LINK_ATTR
            .replace_all(&tag[0], |c: &regex::Captures<'_>| {
                let Some(path) = local_path(&c[2]) else {
                    return c[0].to_string();
                };
                let index = refs.iter().position(|r| r.path == path).unwrap_or_else(|| {
                    refs.push(LocalRef { path, kind });
                    refs.len() - 1
                });
                format!(" {}=\"{}\"", &c[1], asset_placeholder(index))
            })
            .into_owned()
    });
    (out.into_owned(), refs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="./style.css"></head>
<body><div class="title"><h2 class="title-article">한강 자전거 길</h2>
<div class="box-info"><p class="category">여행/서울</p><p class="date">2026-03-31 16:51:39</p></div></div>
<div class="article-view"><div class="contents_style"><p>반포에서 출발했다.</p>
<figure class="imageblock"><span data-url="./img/%EC%82%AC%EC%A7%84%201.jpg"><img src="./img/%EC%82%AC%EC%A7%84%201.jpg" srcset="./img/%EC%82%AC%EC%A7%84%201.jpg"></span></figure>
<p><img src="./file/img/map.png"> 그리고 <a href="https://example.com/x">바깥 링크</a> <img src="../../etc/passwd"></p>
<p>?오늘 날씨 좋다 ?</p></div>
<br><div class="tags">#자전거 #한강 공원 #자전거</div></div></body></html>"#;

    #[test]
    fn reads_every_field_of_the_template() {
        let p = read_backup_page(PAGE);
        assert_eq!(p.title, "한강 자전거 길");
        assert_eq!(
            p.published.unwrap().to_rfc3339(),
            "2026-03-31T16:51:39+09:00"
        );
        assert_eq!(p.category.as_deref(), Some("여행/서울"));
        assert_eq!(p.tags, ["자전거", "한강 공원"]);
        assert_eq!(
            p.refs,
            [
                LocalRef {
                    path: "img/사진 1.jpg".into(),
                    kind: AssetKind::Image
                },
                LocalRef {
                    path: "file/img/map.png".into(),
                    kind: AssetKind::Image
                },
            ]
        );
        assert!(p.body_html.contains(&asset_placeholder(0)));
        assert!(p.body_html.contains(&asset_placeholder(1)));
        assert!(!p.body_html.contains("srcset=\"./img"), "{}", p.body_html);
        assert!(p.body_html.contains("https://example.com/x"));
        assert!(
            p.body_html.contains("../../etc/passwd"),
            "a climbing link is not a file of ours"
        );
        assert!(!p.body_html.contains("#자전거"), "the tag line is not body");
        assert!(
            p.warnings.iter().any(|w| w.contains("emoji")),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn an_empty_category_is_none() {
        let page = PAGE.replace(
            "<p class=\"category\">여행/서울</p>",
            "<p class=\"category\"></p>",
        );
        assert_eq!(read_backup_page(&page).category, None);
    }

    #[test]
    fn local_paths() {
        assert_eq!(
            local_path("./img/a%20b.png").as_deref(),
            Some("img/a b.png")
        );
        assert_eq!(local_path("img/x.png?v=1").as_deref(), Some("img/x.png"));
        assert_eq!(local_path("../x"), None);
        assert_eq!(local_path("./img/%2E%2E/%2E%2E/x"), None);
        assert_eq!(local_path("/img/x"), None);
        assert_eq!(local_path("https://a/b"), None);
        assert_eq!(local_path("javascript:alert(1)"), None);
    }
}
