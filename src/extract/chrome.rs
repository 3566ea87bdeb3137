//! Skin chrome recognised by what it holds, not by its element name: the blog's category tree
//! (`tt_category`, Tistory's own markup), tag clouds (links of Tistory's `cloud1`…`cloud5` classes),
//! and lists of other posts (recent, popular, related). Articles use `footer`, `nav`, `aside` and
//! `header` too, so names prove nothing. Pure: reads a parsed page, returns the set of nodes that
//! are chrome.

use std::collections::HashSet;
use std::sync::LazyLock;

use ego_tree::NodeId;
use regex::Regex;
use scraper::{ElementRef, Html};
use url::Url;

/// How many items linking to other posts make a container a list of other posts.
const POST_LIST_MIN_ITEMS: usize = 3;

/// The path of an entry page: `/123`, `/m/123`, `/entry/slug`, `/notice/12`.
static ENTRY_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^/(?:m/)?(?:\d+|entry/[^/]+|notice/\d+)/?$").expect("entry path regex is valid")
});

/// The chrome of one page.
#[derive(Debug, Default)]
pub(crate) struct Chrome {
    nodes: HashSet<NodeId>,
}

impl Chrome {
    /// True when `el` is inside chrome.
    pub(crate) fn contains(&self, el: ElementRef<'_>) -> bool {
        std::iter::once(el.id())
            .chain(el.ancestors().map(|a| a.id()))
            .any(|id| self.nodes.contains(&id))
    }
}

/// Finds the chrome of `doc`. `keep` are the nodes the post lives in (title, body): a sidebar
/// marker climbs from its signal up to, never into, an ancestor of them. `base` is the page URL
/// (links to other entries are judged against its host); `self_path` the post's own path.
pub(crate) fn find_chrome(doc: &Html, keep: &[ElementRef<'_>], base: Option<&Url>) -> Chrome {
    let kept: HashSet<NodeId> = keep
        .iter()
        .flat_map(|k| std::iter::once(k.id()).chain(k.ancestors().map(|a| a.id())))
        .collect();
    let links = EntryLinks::of(doc, base);
    let mut chrome = Chrome::default();
    for el in doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        let v = el.value();
        let sidebar_signal = v.classes().any(|c| c == "tt_category")
            || v.id() == Some("tt_category")
            || (v.name() == "a" && v.classes().any(is_cloud_class));
        if sidebar_signal {
            // A sidebar widget: everything from the signal up to the last ancestor that holds
            // neither the title nor the body.
            for node in std::iter::once(el).chain(el.ancestors().filter_map(ElementRef::wrap)) {
                if kept.contains(&node.id()) {
                    break;
                }
                chrome.nodes.insert(node.id());
            }
        } else if !kept.contains(&el.id()) && links.is_post_list(el) {
            // A list of other posts is chrome itself; its container may also hold the post's own
            // tags (an article footer with related posts), so it is not climbed from.
            chrome.nodes.insert(el.id());
        }
    }
    chrome
}

/// Tistory's tag-cloud classes: `cloud1` … `cloud5`.
fn is_cloud_class(c: &str) -> bool {
    c.strip_prefix("cloud")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// True when at least [`POST_LIST_MIN_ITEMS`] child elements of `el` each link to another entry
/// page (a link to the page itself, as a post's own title is, does not count: the article holding
/// its title, its prev/next links and related posts is not a list of other posts).
pub(crate) fn is_post_list(el: ElementRef<'_>, base: Option<&Url>) -> bool {
    let mut items = 0;
    for child in el.children().filter_map(ElementRef::wrap) {
        let links_entry = std::iter::once(child)
            .chain(child.descendants().filter_map(ElementRef::wrap))
            .filter(|d| d.value().name() == "a")
            .filter_map(|a| a.value().attr("href"))
            .any(|href| is_entry_link(href, base) && !is_self_link(href, base));
        if links_entry {
            items += 1;
            if items >= POST_LIST_MIN_ITEMS {
                return true;
            }
        }
    }
    false
}

/// The elements of one page that hold a link to another entry page (the link itself and every
/// element around it), each link judged once: [`is_post_list`] asked of every element of a page
/// would judge each link once per element around it.
struct EntryLinks {
    holders: HashSet<NodeId>,
}

impl EntryLinks {
    fn of(doc: &Html, base: Option<&Url>) -> Self {
        let mut holders = HashSet::new();
        for a in doc
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|d| d.value().name() == "a")
        {
            let links_entry = a
                .value()
                .attr("href")
                .is_some_and(|href| is_entry_link(href, base) && !is_self_link(href, base));
            if !links_entry {
                continue;
            }
            for node in std::iter::once(a.id()).chain(a.ancestors().map(|n| n.id())) {
                // An element already marked has its ancestors marked too.
                if !holders.insert(node) {
                    break;
                }
            }
        }
        Self { holders }
    }

    /// [`is_post_list`] of `el`, from the links judged once.
    fn is_post_list(&self, el: ElementRef<'_>) -> bool {
        el.children()
            .filter_map(ElementRef::wrap)
            .filter(|child| self.holders.contains(&child.id()))
            .nth(POST_LIST_MIN_ITEMS - 1)
            .is_some()
    }
}

/// True when `href` points at the page itself (same host and path).
fn is_self_link(href: &str, base: Option<&Url>) -> bool {
    let Some(base) = base else { return false };
    base.join(href.trim()).is_ok_and(|u| {
        u.host_str() == base.host_str()
            && u.path().trim_end_matches('/') == base.path().trim_end_matches('/')
    })
}

/// True when `href` points at an entry page of the same blog.
pub(crate) fn is_entry_link(href: &str, base: Option<&Url>) -> bool {
    let parsed = match base {
        Some(b) => b.join(href.trim()).ok(),
        None => Url::parse(href.trim())
            .or_else(|_| Url::parse("http://blog.invalid/").and_then(|b| b.join(href.trim())))
            .ok(),
    };
    let Some(url) = parsed else { return false };
    let same_host = match base {
        Some(b) => url.host_str() == b.host_str(),
        None => true,
    };
    same_host && ENTRY_PATH.is_match(url.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidebars_are_found_by_what_they_hold() {
        let html = r#"<html><body><div id="wrap">
          <article><h1 id="t">제목</h1><div id="b">본문</div>
            <footer id="f"><a rel="tag" href="/tag/a">a</a>
              <ul id="rel"><li><a href="/1">x</a></li><li><a href="/2">y</a></li><li><a href="/entry/z">z</a></li></ul>
            </footer></article>
          <footer id="side"><ul class="tt_category"><li><a href="/category/A">A</a></li></ul>
            <div id="cloud"><a class="cloud3" href="/tag/b">b</a></div></footer>
        </div></body></html>"#;
        let doc = Html::parse_document(html);
        let by_id = |id: &str| {
            doc.select(&scraper::Selector::parse(&format!("#{id}")).unwrap())
                .next()
                .unwrap()
        };
        let base = Url::parse("https://river.tistory.com/9").unwrap();
        let chrome = find_chrome(&doc, &[by_id("t"), by_id("b")], Some(&base));
        assert!(
            !chrome.contains(by_id("f")),
            "an article footer is not a sidebar"
        );
        assert!(
            chrome.contains(by_id("rel")),
            "a list of other posts is chrome"
        );
        assert!(
            chrome.contains(by_id("side")),
            "the category tree marks its widget"
        );
        assert!(chrome.contains(by_id("cloud")));
        assert!(!chrome.contains(by_id("wrap")));
    }

    /// The links judged once answer what judging every element's links on its own answers, on
    /// every element of the sample blog's pages (posts with related-post lists, listing pages)
    /// and of a page whose lists nest, hold self links, links to other hosts and bare anchors.
    #[test]
    fn links_judged_once_answer_as_each_element_judged_alone() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hangang-notes");
        let mut pages: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "html"))
            .map(|p| {
                let name = p.file_stem().unwrap().to_string_lossy().into_owned();
                (
                    format!("https://hangang-notes.tistory.com/{name}"),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        pages.push((
            "https://river.tistory.com/9".into(),
            r#"<html><body><div id="outer"><ul><li><a href="/9">self</a></li><li><a href="/9/">self</a></li>
              <li><a href="https://other.tistory.com/1">elsewhere</a></li><li><a>bare</a></li></ul>
              <div><section><a href="/1">1</a></section><section><span><a href="/m/2">2</a></span></section>
              <section><a href="/entry/slug">s</a><a href="/notice/3">n</a></section></div>
              <ol><li><a href="/tag/x">t</a></li><li><a href="/1">a</a></li><li><a href="/2">b</a></li></ol></div></body></html>"#
                .into(),
        ));
        let mut lists = 0;
        for (url, html) in &pages {
            let doc = Html::parse_document(html);
            let base = Url::parse(url).unwrap();
            for base in [Some(&base), None] {
                let links = EntryLinks::of(&doc, base);
                for el in doc
                    .root_element()
                    .descendants()
                    .filter_map(ElementRef::wrap)
                {
                    let alone = is_post_list(el, base);
                    assert_eq!(
                        links.is_post_list(el),
                        alone,
                        "{url}: <{}>",
                        el.value().name()
                    );
                    lists += usize::from(alone);
                }
            }
        }
        assert!(lists > 10, "the pages hold lists of other posts ({lists})");
    }
}
