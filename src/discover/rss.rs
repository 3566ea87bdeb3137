//! Feed parsing for `/rss`: the links of every item of an RSS 2.0 (or RSS 1.0) feed — `<link>`
//! and a URL-shaped `<guid>`, de-duplicated — and of every Atom `<entry>` (`<link href>`), plus
//! the feed title. Pure: no I/O.
//!
//! Not a full index: a blog shows only its newest N posts in the feed (a blog setting,
//! `postsOnFeed`), so the feed gives the newest id and recent posts, never the whole blog.

use roxmltree::Node;

use super::error::DocumentError;
use super::xml;

/// What a feed lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Feed {
    /// Item links in document order, each once (Tistory's `<link>` and `<guid>` are the same URL).
    pub links: Vec<String>,
    /// The channel (RSS) or feed (Atom) title.
    pub title: Option<String>,
}

/// Parses an RSS 2.0, RSS 1.0 (RDF) or Atom feed.
///
/// Per item: `<link>` text (or its `href`), then `<guid>` when it is an `http(s)` URL (a
/// `guid isPermaLink="false"` tag is not a link). Per Atom entry: `<link href>` with no `rel` or
/// `rel="alternate"`.
///
/// # Errors
/// When the text is not well-formed XML, or its root element is not `rss`, `RDF` or `feed`
/// (an HTML error page, a sitemap); the message says which.
pub fn parse_rss(xml: &str) -> Result<Feed, DocumentError> {
    let doc = xml::parse(xml, "feed")?;
    let root = doc.root_element();
    let mut feed = Feed::default();
    match root.tag_name().name() {
        "rss" | "RDF" => {
            let channel = xml::children(root, "channel").next();
            feed.title = channel.and_then(|c| xml::child_text(c, "title"));
            // RSS 2.0 nests items in the channel; RSS 1.0 puts them beside it.
            let items = root
                .descendants()
                .filter(|n| n.is_element() && n.tag_name().name() == "item");
            for item in items {
                for link in rss_item_links(item) {
                    push_unique(&mut feed.links, link);
                }
            }
        }
        "feed" => {
            feed.title = xml::child_text(root, "title");
            for entry in xml::children(root, "entry") {
                for link in xml::children(entry, "link").filter_map(atom_link) {
                    push_unique(&mut feed.links, link);
                }
            }
        }
        other => {
            return Err(DocumentError::WrongRoot {
                what: "feed",
                found: other.to_owned(),
                expected: "<rss> or an Atom <feed>",
            });
        }
    }
    Ok(feed)
}

fn rss_item_links(item: Node<'_, '_>) -> Vec<String> {
    let mut links = Vec::new();
    for link in xml::children(item, "link") {
        if let Some(url) = xml::text_of(link).or_else(|| atom_link(link)) {
            links.push(url);
        }
    }
    for guid in xml::children(item, "guid") {
        if let Some(text) = xml::text_of(guid).filter(|t| is_http_url(t)) {
            links.push(text);
        }
    }
    links
}

/// The `href` of an Atom link that points at the entry itself (no `rel`, or `alternate`).
fn atom_link(link: Node<'_, '_>) -> Option<String> {
    let rel = link.attribute("rel").unwrap_or("alternate").trim();
    if !rel.eq_ignore_ascii_case("alternate") {
        return None;
    }
    let href = link.attribute("href")?.trim();
    (!href.is_empty()).then(|| href.to_string())
}

fn is_http_url(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn push_unique(links: &mut Vec<String>, link: String) {
    if !links.contains(&link) {
        links.push(link);
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    /// The shape of a Tistory `/rss` feed (field list from a parsed real feed, anatomy note §2;
    /// text written for this test).
    const TISTORY_RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>한강 산책 노트</title>
    <link>https://hangang-notes.tistory.com/</link>
    <description>한강을 따라 걷는 기록</description>
    <language>ko</language>
    <pubDate>Sat, 23 Nov 2024 17:22:48 +0900</pubDate>
    <generator>TISTORY</generator>
    <ttl>100</ttl>
    <managingEditor>강변산책자</managingEditor>
    <image>
      <title>한강 산책 노트</title>
      <url>https://tistory1.daumcdn.net/tistory/7310001/attach/profile.png</url>
      <link>https://hangang-notes.tistory.com/</link>
    </image>
    <item>
      <title>겨울 산책 준비물 체크리스트</title>
      <link>https://hangang-notes.tistory.com/22</link>
      <description><![CDATA[<p data-ke-size="size16">해가 빨리 지는 계절이라 <a href="https://hangang-notes.tistory.com/21">지난 글</a>도 다시 읽었다.</p>
<figure class="imageblock alignCenter"><span data-url="https://blog.kakaocdn.net/dn/abc/img.jpg"><img src="https://blog.kakaocdn.net/dn/abc/img.jpg" /></span></figure>]]></description>
      <category>산책</category>
      <category>겨울</category>
      <author>강변산책자</author>
      <guid isPermaLink="true">https://hangang-notes.tistory.com/22</guid>
      <comments>https://hangang-notes.tistory.com/22#entry22comment</comments>
      <pubDate>Sat, 23 Nov 2024 17:22:48 +0900</pubDate>
    </item>
    <item>
      <title>봄 벚꽃 산책</title>
      <link>https://hangang-notes.tistory.com/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85</link>
      <description>&lt;p&gt;벚꽃이 피었다.&lt;/p&gt;</description>
      <category>산책/한강</category>
      <author>강변산책자</author>
      <guid isPermaLink="true">https://hangang-notes.tistory.com/10</guid>
      <comments>https://hangang-notes.tistory.com/10#entry10comment</comments>
      <pubDate>Sun, 5 Apr 2020 15:42:10 +0900</pubDate>
    </item>
    <item>
      <title>공지</title>
      <link>
        https://hangang-notes.tistory.com/9
      </link>
      <guid isPermaLink="false">tag:hangang-notes.tistory.com,2019:9</guid>
      <pubDate>Thu, 2 May 2019 10:00:12 +0900</pubDate>
    </item>
  </channel>
</rss>"#;

    #[test]
    fn tistory_feed_items() {
        let feed = parse_rss(TISTORY_RSS).unwrap();
        assert_eq!(feed.title.as_deref(), Some("한강 산책 노트"));
        assert_eq!(
            feed.links,
            [
                "https://hangang-notes.tistory.com/22",
                "https://hangang-notes.tistory.com/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85",
                "https://hangang-notes.tistory.com/10",
                "https://hangang-notes.tistory.com/9",
            ],
            "link and guid both, each once; channel/image links and comments are not items; \
             a non-URL guid is not a link"
        );
    }

    #[test]
    fn atom_entries() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text"> 한강 산책 노트 </title>
  <link href="https://hangang-notes.tistory.com/" />
  <link rel="self" href="https://hangang-notes.tistory.com/atom" />
  <entry>
    <title>겨울</title>
    <link rel="alternate" type="text/html" href="https://hangang-notes.tistory.com/22"/>
    <link rel="replies" href="https://hangang-notes.tistory.com/22#comments"/>
    <id>tag:hangang-notes.tistory.com,2024:22</id>
  </entry>
  <entry>
    <link href=" https://hangang-notes.tistory.com/21 "/>
  </entry>
</feed>"#;
        let feed = parse_rss(atom).unwrap();
        assert_eq!(feed.title.as_deref(), Some("한강 산책 노트"));
        assert_eq!(
            feed.links,
            [
                "https://hangang-notes.tistory.com/22",
                "https://hangang-notes.tistory.com/21"
            ]
        );
    }

    #[test]
    fn rss_1_rdf_items_beside_the_channel() {
        let rdf = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://x.tistory.com/"><title>X</title><link>https://x.tistory.com/</link></channel>
  <item rdf:about="https://x.tistory.com/3"><title>t</title><link>https://x.tistory.com/3</link></item>
</rdf:RDF>"#;
        let feed = parse_rss(rdf).unwrap();
        assert_eq!(feed.title.as_deref(), Some("X"));
        assert_eq!(feed.links, ["https://x.tistory.com/3"]);
    }

    #[test]
    fn feed_without_items_or_title() {
        assert_eq!(
            parse_rss("<rss version=\"2.0\"><channel><title> </title></channel></rss>").unwrap(),
            Feed::default()
        );
    }

    #[test]
    fn netscape_doctype_is_accepted() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>X</title><item><link>https://x.tistory.com/1</link></item></channel></rss>"#;
        assert_eq!(parse_rss(xml).unwrap().links, ["https://x.tistory.com/1"]);
    }

    #[rstest]
    #[case::empty("  ", "empty")]
    #[case::html("<html><body>blocked</body></html>", "<html>")]
    #[case::sitemap("<urlset/>", "<urlset>")]
    #[case::broken("<rss><channel></rss>", "not well-formed XML")]
    #[case::entity_loop(
        r#"<!DOCTYPE rss [<!ENTITY a "&b;"><!ENTITY b "&a;">]><rss>&a;</rss>"#,
        "not well-formed XML"
    )]
    fn errors_say_what_is_wrong(#[case] xml: &str, #[case] needle: &str) {
        let err = crate::report::error_chain(&parse_rss(xml).unwrap_err());
        assert!(err.contains(needle), "{err}");
    }
}
