//! The page an import writes as `raw/<id>.html`: the post's fields in the metadata every Tistory
//! page carries (`og:title`, `article:published_time`, the canonical link, `window.T.entryInfo`,
//! `a[rel=tag]` links) around the body in `.contents_style`, so the extractor reads an imported
//! post exactly as it reads a crawled one. Each file of the post is linked at its archive URL
//! ([`asset_url`]), under which `archive.db` records the saved file. Pure.

use std::fmt::Write as _;

use crate::extract::dates::to_rfc3339_kst;
use crate::import::ImportedPost;
use crate::markup::{encode_segment, escape_html};
use crate::model::EntryId;

const PLACEHOLDER: &str = "tistory-migrate-import-asset:";

/// What a reader puts where a body refers to the post's file number `index`.
#[must_use]
pub fn asset_placeholder(index: usize) -> String {
    format!("{PLACEHOLDER}{index}")
}

/// The URL under which an imported file is recorded: `<base>/_backup/<id>/<name>`, each segment
/// percent-encoded. It names the file's place in the backup; it is not a page of the blog.
#[must_use]
pub fn asset_url(base: &str, id: EntryId, name: &str) -> String {
    let path: Vec<String> = name
        .split('/')
        .filter(|s| !s.is_empty())
        .map(encode_segment)
        .collect();
    format!(
        "{}/_backup/{id}/{}",
        base.trim_end_matches('/'),
        path.join("/")
    )
}

/// The permalink of entry `id` under `base` (`https://name.tistory.com`): `/<id>`, or
/// `/notice/<id>` for a notice, as Tistory serves them.
#[must_use]
pub fn permalink(base: &str, id: EntryId, notice: bool) -> String {
    let base = base.trim_end_matches('/');
    if notice {
        format!("{base}/notice/{id}")
    } else {
        format!("{base}/{id}")
    }
}

/// A JSON string that is safe inside `<script>` and inside the extractor's `{[^{}]*}` match.
fn script_json(s: &str) -> String {
    serde_json::to_string(s)
        .expect("a string always serialises")
        .replace('<', "\\u003c")
        .replace('{', "\\u007b")
        .replace('}', "\\u007d")
}

/// Renders the page of `post`; `base` is the blog's address.
#[must_use]
pub fn render_page(post: &ImportedPost, base: &str) -> String {
    let url = permalink(base, post.id, post.notice);
    let title = escape_html(&post.title);
    let mut h = String::with_capacity(post.body_html.len() + 2048);
    h.push_str("<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\">\n");
    let _ = writeln!(h, "<title>{title}</title>");
    let _ = writeln!(h, "<link rel=\"canonical\" href=\"{}\">", escape_html(&url));
    let _ = writeln!(
        h,
        "<meta property=\"og:url\" content=\"{}\">",
        escape_html(&url)
    );
    let _ = writeln!(h, "<meta property=\"og:title\" content=\"{title}\">");
    if let Some(d) = &post.published {
        let _ = writeln!(
            h,
            "<meta property=\"article:published_time\" content=\"{}\">",
            to_rfc3339_kst(d)
        );
    }
    if let Some(d) = &post.modified {
        let _ = writeln!(
            h,
            "<meta property=\"article:modified_time\" content=\"{}\">",
            to_rfc3339_kst(d)
        );
    }
    let label = post
        .category
        .as_deref()
        .map_or_else(|| "null".to_string(), script_json);
    let category_id = u8::from(post.category.is_some());
    let _ = writeln!(
        h,
        "<script>window.T = window.T || {{}}; window.T.entryInfo = {{\"entryId\":{},\"categoryId\":{category_id},\"categoryLabel\":{label}}};</script>",
        post.id
    );
    let _ = writeln!(
        h,
        "<meta name=\"generator\" content=\"tistory-migrate import ({})\">",
        escape_html(&post.source_file)
    );
    h.push_str("</head>\n<body id=\"tt-body-page\">\n");
    let _ = writeln!(h, "<h2 class=\"title-article\">{title}</h2>");
    h.push_str("<div class=\"article-view\"><div class=\"contents_style\">\n");
    let mut body = post.body_html.clone();
    // Highest index first, so that placeholder 1 does not rewrite the start of placeholder 10.
    for (i, asset) in post.assets.iter().enumerate().rev() {
        body = body.replace(
            &asset_placeholder(i),
            &escape_html(&asset_url(base, post.id, &asset.name)),
        );
    }
    h.push_str(&body);
    h.push_str("\n</div></div>\n");
    if !post.tags.is_empty() {
        h.push_str("<div class=\"tags\">");
        for tag in &post.tags {
            let _ = write!(
                h,
                "<a rel=\"tag\" href=\"/tag/{}\">{}</a> ",
                encode_segment(tag),
                escape_html(tag)
            );
        }
        h.push_str("</div>\n");
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::selectors::SelectorProfile;
    use crate::extract::{Page, PageSource, extract_page};
    use crate::import::{AssetKind, ImportedAsset, Visibility};

    fn post() -> ImportedPost {
        let assets = (0..11)
            .map(|i| ImportedAsset {
                name: format!("img/사진 {i}.jpg"),
                kind: AssetKind::Image,
                bytes: Some(vec![1]),
                mime: None,
                label: None,
            })
            .collect();
        let imgs: String = (0..11)
            .map(|i| format!("<img src=\"{}\">", asset_placeholder(i)))
            .collect();
        ImportedPost {
            id: 12,
            notice: false,
            title: "제목 <괄호> & \"따옴표\"".into(),
            published: crate::extract::dates::parse_visible_date("2012-12-11 09:30:00"),
            modified: None,
            category: Some("여행/서울 {특별}".into()),
            tags: vec!["두 단어".into(), "a/b".into()],
            body_html: format!("<p>본문 텍스트</p>{imgs}"),
            visibility: Visibility::Unknown,
            assets,
            comments: Vec::new(),
            source_file: "blog-1-1/12/12.html".into(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn the_extractor_reads_the_page_back() {
        let html = render_page(&post(), "https://hangang.tistory.com");
        let page = extract_page(
            &html,
            &PageSource::named("12.html"),
            &SelectorProfile::default(),
        )
        .unwrap();
        let Page::Entry(p) = page else {
            panic!("a post: {page:?}")
        };
        assert_eq!(p.id, 12);
        assert_eq!(p.url, "https://hangang.tistory.com/12");
        assert_eq!(p.title.as_deref(), Some("제목 <괄호> & \"따옴표\""));
        assert_eq!(
            p.published.unwrap().to_rfc3339(),
            "2012-12-11T09:30:00+09:00"
        );
        assert_eq!(p.category.as_deref(), Some("여행/서울 {특별}"));
        assert_eq!(p.tags, ["두 단어", "a/b"]);
        let body = p.body.unwrap();
        assert_eq!(body.images.len(), 11);
        assert_eq!(
            body.images[10].url,
            "https://hangang.tistory.com/_backup/12/img/%EC%82%AC%EC%A7%84%2010.jpg"
        );
        assert!(body.text.contains("본문 텍스트"));
    }
}
