//! Listing pages (`/`, `/?page=N`, `/category/…`, `/tag/…`, `/archive/…`, `/search/…`): the
//! entries of the post list, the links to further pages of the same listing, the category links,
//! and the blog's public post total. Skin-independent: it reads links and where they sit, never a
//! skin's list markup. Pure: HTML in, values out.
//!
//! Sidebar boxes ("최근글", "최근댓글", popular posts) link entries too, and those are not the list:
//! entry links inside a sidebar container are left out (see [`parse_listing`]).

use std::collections::HashSet;
use std::sync::LazyLock;

use ego_tree::NodeId;
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use url::Url;

use super::normalize::{BlogIdentity, EntryRef, entry_ref, percent_decode};

/// What a listing page links to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Entry links of the post list, in document order, one per entry, resolved against the page
    /// URL, without query or fragment (`/123?category=5#comment` → `/123`).
    pub entry_links: Vec<Url>,
    /// Further pages of this listing (`?page=N` on the page's own path, or on `/`), in document
    /// order, each once, the page itself left out.
    pub page_links: Vec<Url>,
    /// `/category` and `/category/<path>` links of the blog, from anywhere on the page, without
    /// query or fragment, each once.
    pub category_links: Vec<Url>,
    /// The blog's public post count from the category widget `분류 전체보기 (N)`, else a
    /// `전체 글(N)` / `전체글 (N)` heading; `None` when the page shows neither.
    pub total: Option<u64>,
}

static LINKS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a[href]").expect("the link selector is valid CSS"));

static BASE_HREF: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("base[href]").expect("the base selector is valid CSS"));

/// Containers whose entry links are not the post list: sidebars, navigation, footers, widgets and
/// recent / popular post boxes.
static SIDEBAR: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse(
        "aside, #sidebar, .sidebar, .area_sidebar, nav, footer, .widget, .box_recent, .recent, .popular",
    )
    .expect("the sidebar selector is valid CSS")
});

/// Class or id fragments that mark a sidebar box in skins that do not use the names above:
/// ramen4598's official skin puts its 최근글 box in `div.tag_board > ul.list_sidebar`.
const SIDEBAR_NAME_PARTS: [&str; 4] = ["sidebar", "widget", "recent", "popular"];

/// The main content area. A container that holds it is a layout wrapper (`div#wrap.has-sidebar`),
/// never a sidebar.
static MAIN: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("main, #main, #content, [role=main]").expect("the main selector is valid CSS")
});

static CATEGORY_ALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"분류\s*전체\s*보기\s*\(\s*(\d[\d,]*)\s*\)").expect("the total regex is valid")
});

static ALL_POSTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"전체\s*글\s*\(\s*(\d[\d,]*)\s*\)").expect("the total regex is valid")
});

/// Reads one listing page.
///
/// `entry_links` are the `a[href]` that [`entry_ref`] recognises as entries of `blog`, except
/// those inside a sidebar container: `aside`, `nav`, `footer`, `#sidebar`, `.sidebar`,
/// `.area_sidebar`, `.widget`, `.box_recent`, `.recent`, `.popular`, and any element whose class
/// or id contains `sidebar`, `widget`, `recent` or `popular` — unless that element holds the main
/// content (`main`, `#main`, `#content`, `[role=main]`), or is `html` / `body`.
#[must_use]
pub fn parse_listing(html: &str, page_url: &Url, blog: &BlogIdentity) -> Listing {
    let doc = crate::extract::probe::parse_document(std::path::Path::new(page_url.as_str()), html);
    parse_listing_doc(&doc, page_url, blog)
}

/// [`parse_listing`] of a page already parsed (a home page read for the blog's facts too).
#[must_use]
pub fn parse_listing_doc(doc: &Html, page_url: &Url, blog: &BlogIdentity) -> Listing {
    let base = doc
        .select(&BASE_HREF)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|href| page_url.join(href.trim()).ok())
        .unwrap_or_else(|| page_url.clone());
    let here = ListingPage::of(page_url);

    let mut listing = Listing::default();
    let mut seen_entries: HashSet<EntryRef> = HashSet::new();
    let mut seen_pages: HashSet<String> = HashSet::new();
    let mut seen_categories: HashSet<String> = HashSet::new();
    let mut sidebar_cache: SidebarCache = SidebarCache::default();

    for a in doc.select(&LINKS) {
        let Some(url) = a.value().attr("href").and_then(|h| resolve(&base, h)) else {
            continue;
        };
        if let Some(r) = entry_ref(&url, blog) {
            if !sidebar_cache.in_sidebar(a) && seen_entries.insert(r) {
                listing.entry_links.push(without_query(url));
            }
            continue;
        }
        if !blog.is_own(&url) {
            continue;
        }
        if is_category_path(url.path()) {
            let category = without_query(url.clone());
            if seen_categories.insert(category.as_str().to_owned()) {
                listing.category_links.push(category);
            }
        }
        let continues = ListingPage::of_link(&url).is_some_and(|page| page.continues(&here));
        if continues && seen_pages.insert(url.as_str().to_owned()) {
            listing.page_links.push(url);
        }
    }
    listing.total = total(doc);
    listing
}

/// Resolves an `href` against the page, without its fragment; `None` for empty, fragment-only,
/// `javascript:` and unparsable links.
fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let mut url = base.join(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    Some(url)
}

fn without_query(mut url: Url) -> Url {
    url.set_query(None);
    url.set_fragment(None);
    url
}

fn is_category_path(path: &str) -> bool {
    path == "/category" || path.starts_with("/category/")
}

/// A listing's identity: its (decoded, trailing-slash-free) path and page number.
#[derive(Debug, PartialEq, Eq)]
struct ListingPage {
    path: String,
    page: u64,
}

impl ListingPage {
    /// The page being read; no `page` parameter means page 1.
    fn of(url: &Url) -> Self {
        Self {
            path: normalized_path(url),
            page: page_number(url).unwrap_or(1),
        }
    }

    /// A link to a listing page: a listing path with a numeric `page` parameter.
    fn of_link(url: &Url) -> Option<Self> {
        let page = page_number(url)?;
        let path = normalized_path(url);
        let listing = path == "/"
            || ["/category", "/tag", "/archive", "/search"]
                .iter()
                .any(|p| path == *p || path.starts_with(&format!("{p}/")));
        listing.then_some(Self { path, page })
    }

    /// True for another page of the same listing, or of the home listing.
    fn continues(&self, here: &ListingPage) -> bool {
        (self.path == here.path || self.path == "/") && self != here
    }
}

fn normalized_path(url: &Url) -> String {
    let raw = url.path();
    let path = percent_decode(raw).unwrap_or_else(|| raw.to_owned());
    match path.trim_end_matches('/') {
        "" => "/".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

fn page_number(url: &Url) -> Option<u64> {
    url.query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.trim().parse().ok())
}

/// Remembers, per element, whether it is a sidebar container (pages have thousands of links and
/// a few dozen containers).
#[derive(Default)]
struct SidebarCache {
    known: std::collections::HashMap<NodeId, bool>,
}

impl SidebarCache {
    fn in_sidebar(&mut self, link: ElementRef<'_>) -> bool {
        link.ancestors()
            .filter_map(ElementRef::wrap)
            .any(|el| *self.known.entry(el.id()).or_insert_with(|| is_sidebar(el)))
    }
}

fn is_sidebar(el: ElementRef<'_>) -> bool {
    let element = el.value();
    if matches!(element.name(), "html" | "body") {
        return false;
    }
    let named = SIDEBAR.matches(&el)
        || element.classes().chain(element.id()).any(|name| {
            let name = name.to_ascii_lowercase();
            SIDEBAR_NAME_PARTS.iter().any(|part| name.contains(part))
        });
    named && el.select(&MAIN).next().is_none()
}

/// The public post total the page shows, from its visible text.
fn total(doc: &Html) -> Option<u64> {
    let text = visible_text(doc);
    [&*CATEGORY_ALL, &*ALL_POSTS].iter().find_map(|re| {
        re.captures(&text)
            .and_then(|c| c[1].replace(',', "").parse().ok())
    })
}

/// The text of the page outside `script`, `style`, `noscript` and `template`, text nodes joined
/// by spaces.
fn visible_text(doc: &Html) -> String {
    let mut text = String::new();
    for node in doc.root_element().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        let hidden = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript" | "template"))
        });
        if !hidden {
            text.push_str(t);
            text.push(' ');
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::discover::testdata::{corpus_file, expected_post_ids, sample_blog_file};
    use crate::model::EntryId;

    fn hangang() -> BlogIdentity {
        BlogIdentity::new(Url::parse("https://hangang-notes.tistory.com").unwrap())
    }

    fn ids(listing: &Listing, blog: &BlogIdentity) -> Vec<EntryId> {
        listing
            .entry_links
            .iter()
            .map(|u| match entry_ref(u, blog) {
                Some(EntryRef::Id(id)) => id,
                other => panic!("{u} is not a numeric entry link: {other:?}"),
            })
            .collect()
    }

    fn paths(urls: &[Url]) -> Vec<String> {
        urls.iter()
            .map(|u| {
                let mut s = u.path().to_owned();
                if let Some(q) = u.query() {
                    s = format!("{s}?{q}");
                }
                s
            })
            .collect()
    }

    #[rstest]
    #[case::home("index.html", "https://hangang-notes.tistory.com/", &["/?page=2"])]
    #[case::page_2("page-2.html", "https://hangang-notes.tistory.com/?page=2", &["/?page=1"])]
    fn sample_blog_listing_pages(
        #[case] file: &str,
        #[case] page_url: &str,
        #[case] pages: &[&str],
    ) {
        let blog = hangang();
        let listing = parse_listing(
            &sample_blog_file(file),
            &Url::parse(page_url).unwrap(),
            &blog,
        );
        assert_eq!(
            ids(&listing, &blog),
            expected_post_ids("fixtures/hangang-notes/expected.toml", file)
        );
        assert_eq!(paths(&listing.page_links), pages);
        assert_eq!(listing.total, Some(17));
        let categories = paths(&listing.category_links);
        assert_eq!(categories.len(), 10, "{categories:?}");
        assert_eq!(categories[0], "/category");
        assert!(categories.contains(&"/category/%EA%B0%9C%EB%B0%9C/Rust".to_owned()));
    }

    /// ramen4598's home page 1 (owner render, official skin): the list holds /637 and /634 only;
    /// the 최근글 box (/635 /637 /636 /634) and 최근댓글 box (/623#… /22#… /622#… /84#…) sit in
    /// `div.area_popup div.tag_board ul.list_sidebar`, not in an `aside`.
    #[test]
    fn corpus_listing_page() {
        let Some(html) = corpus_file("ramen4598__listing_page1.html") else {
            return;
        };
        let blog = BlogIdentity::new(Url::parse("https://ramen4598.tistory.com").unwrap());
        let listing = parse_listing(
            &html,
            &Url::parse("https://ramen4598.tistory.com/").unwrap(),
            &blog,
        );
        let expected = expected_post_ids(
            "tests/it/corpus_expected.toml",
            "ramen4598__listing_page1.html",
        );
        assert_eq!(expected, [637, 634]);
        assert_eq!(ids(&listing, &blog), expected);
        assert_eq!(listing.total, Some(614));
        assert_eq!(
            paths(&listing.page_links),
            ["/?page=2", "/?page=3", "/?page=4", "/?page=77"]
        );
        assert_eq!(
            paths(&listing.category_links).first().map(String::as_str),
            Some("/category")
        );
        assert!(listing.category_links.len() > 10);
    }

    const BLOG_PAGE: &str = r##"<html><head></head><body>
<div id="wrap" class="layout-has-sidebar">
  <header><a href="/">home</a></header>
  <aside><a href="/101">recent in aside</a></aside>
  <div class="box_recent"><a href="/102">recent box</a></div>
  <div class="side-widget-area"><a href="/103">widget</a></div>
  <ul class="popularPosts"><li><a href="/104">popular</a></li></ul>
  <main>
    <h2>전체 글 <span>(1,234)</span></h2>
    <div class="post-item"><a href="/12?category=5">first</a><a href="/12#comment9">again</a></div>
    <div class="post-item"><a href="https://notes.example.kr/entry/%EB%B4%84">slug</a></div>
    <div class="post-item"><a href="/m/11">mobile</a></div>
    <div class="post-item"><a href="https://other.tistory.com/10">elsewhere</a></div>
    <div class="post-item"><a href="/notice/9">notice</a></div>
    <div class="post-item"><a href="javascript:void(0)">js</a><a href="#top">top</a><a>none</a></div>
    <div class="paging">
      <a href="/category/%EC%82%B0%EC%B1%85?page=1">1</a>
      <a href="/category/산책?page=2">2</a>
      <a href="/category/%EC%82%B0%EC%B1%85?page=2#x">2 again</a>
      <a href="/category/other?page=2">other category</a>
      <a href="/?page=3">home 3</a>
      <a href="/tag/x">tag</a>
      <a href="/12?page=2">not a listing</a>
    </div>
  </main>
  <footer><a href="/105">footer</a><a href="/category/%EC%82%B0%EC%B1%85?page=9">cat</a></footer>
</div>
<script>var s = "분류 전체보기 (99)";</script>
</body></html>"##;

    #[test]
    fn generic_rules() {
        let mut blog = BlogIdentity::new(Url::parse("https://x.tistory.com").unwrap());
        blog.add_host("notes.example.kr");
        let page_url = Url::parse("https://x.tistory.com/category/%EC%82%B0%EC%B1%85").unwrap();
        let listing = parse_listing(BLOG_PAGE, &page_url, &blog);
        let entries: Vec<&str> = listing.entry_links.iter().map(Url::as_str).collect();
        assert_eq!(
            entries,
            [
                "https://x.tistory.com/12",
                "https://notes.example.kr/entry/%EB%B4%84",
                "https://x.tistory.com/m/11",
                "https://x.tistory.com/notice/9",
            ],
            "sidebar-ish containers excluded, the main-holding wrapper is not a sidebar"
        );
        assert_eq!(
            paths(&listing.page_links),
            [
                "/category/%EC%82%B0%EC%B1%85?page=2",
                "/?page=3",
                "/category/%EC%82%B0%EC%B1%85?page=9"
            ],
            "same category in either encoding, each once; page 1 is this page"
        );
        assert_eq!(
            paths(&listing.category_links),
            ["/category/%EC%82%B0%EC%B1%85", "/category/other"]
        );
        assert_eq!(listing.total, Some(1234), "script text is not visible");
    }

    #[rstest]
    #[case::widget(r#"<a href="/category" class="link_tit"> 분류 전체보기 <span class="c_cnt">(614)</span></a>"#, Some(614))]
    #[case::heading(
        r#"<h2 class="title_section">전체 글<span>(614)</span></h2>"#,
        Some(614)
    )]
    #[case::no_space("<p>전체글 (614)</p>", Some(614))]
    #[case::widget_wins("<h2>전체 글(3)</h2><nav><a>분류 전체보기 (614)</a></nav>", Some(614))]
    #[case::absent("<h2>Backend(152)</h2>", None)]
    fn totals(#[case] body: &str, #[case] expected: Option<u64>) {
        let html = format!("<html><body>{body}</body></html>");
        let listing = parse_listing(
            &html,
            &Url::parse("https://x.tistory.com/").unwrap(),
            &BlogIdentity::new(Url::parse("https://x.tistory.com").unwrap()),
        );
        assert_eq!(listing.total, expected);
    }

    #[test]
    fn base_href_is_honoured() {
        let html = r#"<html><head><base href="https://x.tistory.com/m/"></head>
<body><a href="7">seven</a></body></html>"#;
        let blog = BlogIdentity::new(Url::parse("https://x.tistory.com").unwrap());
        let listing = parse_listing(html, &Url::parse("https://x.tistory.com/").unwrap(), &blog);
        assert_eq!(ids(&listing, &blog), [7]);
    }
}
