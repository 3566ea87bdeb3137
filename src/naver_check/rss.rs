//! Naver Blog's RSS feed (`rss.blog.naver.com/<blogId>.xml`), which lists a blog's recent posts:
//! each `item` has `title`, `link` (the post URL with tracking parameters such as `fromRss` and
//! `trackingCode`, as public readers of the feed strip them), `category`, `tag` (comma-separated),
//! `description` and `pubDate`. Items whose link is not a post of the blog are skipped. Pure.

use super::error::NaverError;
use crate::bundle::{NaverPostRef, parse_naver_url};

use super::text::normalize;

/// One post the feed lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RssItem {
    /// The post.
    pub post: NaverPostRef,
    /// Its title.
    pub title: String,
    /// Its category, when given.
    pub category: Option<String>,
    /// Its tags, when given.
    pub tags: Option<Vec<String>>,
}

/// Reads a feed.
///
/// # Errors
/// [`NaverError`] when the text is not an RSS document.
pub fn read_rss(xml: &str, blog_id: &str) -> Result<Vec<RssItem>, NaverError> {
    let doc = roxmltree::Document::parse(xml).map_err(NaverError::FeedNotXml)?;
    if !doc.root_element().has_tag_name("rss") {
        return Err(NaverError::NotRss(
            doc.root_element().tag_name().name().to_owned(),
        ));
    }
    let child = |item: roxmltree::Node<'_, '_>, name: &str| {
        item.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .map(normalize)
            .filter(|t| !t.is_empty())
    };
    let mut out = Vec::new();
    for item in doc.descendants().filter(|n| n.has_tag_name("item")) {
        let Some(link) = child(item, "link").or_else(|| child(item, "guid")) else {
            continue;
        };
        let Ok(post) = parse_naver_url(&link, Some(blog_id)) else {
            continue;
        };
        out.push(RssItem {
            post,
            title: child(item, "title").unwrap_or_default(),
            category: child(item, "category"),
            tags: child(item, "tag").map(|t| {
                t.split(',')
                    .map(|s| s.trim().trim_start_matches('#').to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            }),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_with_tracking_links() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
          <title>강변 노트</title>
          <item><title><![CDATA[봄 산책]]></title>
            <link>https://blog.naver.com/river/223000000001?fromRss=true&amp;trackingCode=rss</link>
            <category>일상</category><tag>산책,봄</tag></item>
          <item><title>다른 블로그</title><link>https://blog.naver.com/other/223000000002</link></item>
          <item><title>태그 없음</title><link>https://blog.naver.com/river/223000000003</link></item>
        </channel></rss>"#;
        let items = read_rss(xml, "river").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].post.log_no, "223000000001");
        assert_eq!(items[0].title, "봄 산책");
        assert_eq!(items[0].tags, Some(vec!["산책".into(), "봄".into()]));
        assert_eq!(items[1].category, None);
        assert!(
            read_rss("<html/>", "river")
                .unwrap_err()
                .to_string()
                .contains("<html>")
        );
        assert!(read_rss("not xml", "river").is_err());
    }
}
