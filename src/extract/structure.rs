//! Fields found by the page's structure, on skins never seen before. The post's title is known
//! from the head (`og:title`, JSON-LD); it is located in the skin, and the article region is the
//! smallest element holding both that title and the body container. The category is the
//! `/category/…` link nearest the title (its full path, decoded from the href), the tags are the
//! `rel=tag` links of the region (else its `/tag/…` links), the date the visible date nearest the
//! title, the author a `rel=author`/`itemprop=author` element or a `by …` line of the region.
//! Chrome (sidebars, tag clouds, lists of other posts) is recognised by what it holds (see
//! [`super::chrome`]), never by element names. Pure: reads a parsed page.

use chrono::{DateTime, FixedOffset};
use scraper::{ElementRef, Html, Node};
use url::Url;

use super::chrome::{Chrome, find_chrome, is_post_list};
use super::dates::parse_visible_date;
use super::text::normalize_whitespace;

mod author;

/// Where the post sits in its skin.
pub(crate) struct Region<'a> {
    /// The element showing the post's title, when it could be located.
    title: Option<ElementRef<'a>>,
    /// The body container.
    body: Option<ElementRef<'a>>,
    /// The smallest element holding the title and the body (the whole page when either is unknown).
    root: ElementRef<'a>,
    chrome: Chrome,
    base: Option<Url>,
}

/// Locates the post in `doc`: `title` is the title known from the head, `body` the body container.
pub(crate) fn locate<'a>(
    doc: &'a Html,
    title: Option<&str>,
    body: Option<ElementRef<'a>>,
    base: Option<&Url>,
) -> Region<'a> {
    // Chrome around the body alone first: a title repeated in a list of recent posts is not the
    // post's own heading.
    let around_body = find_chrome(doc, &body.into_iter().collect::<Vec<_>>(), base);
    let anchor = title.and_then(|t| find_title(doc, t, body, &around_body));
    let root = match (anchor, body) {
        (Some(t), Some(b)) => common_ancestor(t, b).unwrap_or_else(|| doc.root_element()),
        _ => doc.root_element(),
    };
    let keep: Vec<ElementRef<'a>> = anchor.into_iter().chain(body).collect();
    Region {
        title: anchor,
        body,
        root,
        chrome: find_chrome(doc, &keep, base),
        base: base.cloned(),
    }
}

/// The blocks that follow the located title: the candidates for the body container.
pub(crate) struct AfterTitle<'a> {
    /// Every block after the title, at every level of its ancestry, outside chrome, in that order.
    pub(crate) blocks: Vec<Block<'a>>,
    chrome: Chrome,
}

/// One block after the title.
#[derive(Clone, Copy)]
pub(crate) struct Block<'a> {
    pub(crate) el: ElementRef<'a>,
    /// Its content: characters of text outside chrome, scripts and styles, plus
    /// [`IMAGE_WEIGHT`] for each image, video or embed.
    pub(crate) content_len: usize,
}

impl<'a> AfterTitle<'a> {
    /// The blocks that may be the body, nearest the title first: those holding at least half
    /// the content of the richest block. The body follows the title; comments, related posts and
    /// footers come after it and may hold more text than a short post, so the first of these is
    /// the structure's answer. Empty when no block holds anything.
    pub(crate) fn eligible(&self) -> Vec<Block<'a>> {
        let most = self.blocks.iter().map(|b| b.content_len).max().unwrap_or(0);
        self.blocks
            .iter()
            .filter(|b| b.content_len > 0 && b.content_len * 2 >= most)
            .copied()
            .collect()
    }

    /// True when `el` is in the chrome found around the title.
    pub(crate) fn in_chrome(&self, el: ElementRef<'_>) -> bool {
        self.chrome.contains(el)
    }

    /// The content of `el` outside chrome, measured as [`Block::content_len`].
    pub(crate) fn content_len(&self, el: ElementRef<'_>) -> usize {
        content_len(el, &self.chrome)
    }
}

/// Locates the title (outside chrome and lists of other posts, a heading preferred) and lists the
/// blocks that follow it at every level of its ancestry; `rendered` are the containers Tistory's
/// renderer marked, which no sidebar may swallow. `None` without a title, or when the page
/// does not show it.
pub(crate) fn blocks_after_title<'a>(
    doc: &'a Html,
    title: Option<&str>,
    rendered: &[ElementRef<'a>],
    base: Option<&Url>,
) -> Option<AfterTitle<'a>> {
    let title = normalize_whitespace(title?);
    // A title repeated in a list of other posts is not the post's heading.
    let in_post_list = |e: &ElementRef<'_>| {
        e.ancestors()
            .filter_map(ElementRef::wrap)
            .take(6)
            .any(|a| is_post_list(a, base))
    };
    let heading = |e: &ElementRef<'_>| {
        std::iter::once(*e)
            .chain(e.ancestors().filter_map(ElementRef::wrap).take(2))
            .any(|a| matches!(a.value().name(), "h1" | "h2" | "h3" | "h4"))
    };
    // Elements showing exactly the title: found from the text nodes holding its first word, so
    // that no element's whole text is collected unless it may be the title.
    let first_word = title.split(' ').next().unwrap_or_default();
    let mut candidates: Vec<ElementRef<'a>> = Vec::new();
    for node in doc.root_element().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        if first_word.is_empty() || !t.contains(first_word) {
            continue;
        }
        let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
            continue;
        };
        let shows_title = std::iter::once(parent)
            .chain(parent.ancestors().filter_map(ElementRef::wrap).take(3))
            .find(|e| normalize_whitespace(&e.text().collect::<String>()) == title);
        if let Some(el) = shows_title
            && !candidates.iter().any(|c| c.id() == el.id())
            && !is_outside_content(el, None)
            && !in_post_list(&el)
        {
            candidates.push(el);
        }
    }
    let anchor = candidates
        .iter()
        .find(|e| heading(e))
        .or(candidates.first())
        .copied()?;
    // A sidebar climbs up to, never into, what holds the title or a body Tistory rendered.
    let keep: Vec<ElementRef<'a>> = std::iter::once(anchor)
        .chain(rendered.iter().copied())
        .collect();
    let chrome = find_chrome(doc, &keep, base);
    let mut blocks = Vec::new();
    let mut branch = anchor;
    for ancestor in anchor.ancestors().filter_map(ElementRef::wrap) {
        for sibling in branch.next_siblings().filter_map(ElementRef::wrap) {
            if chrome.contains(sibling) {
                continue;
            }
            blocks.push(Block {
                el: sibling,
                content_len: content_len(sibling, &chrome),
            });
        }
        branch = ancestor;
    }
    Some(AfterTitle { blocks, chrome })
}

/// What one image, video or embed counts for, in characters of text, when blocks are compared: a
/// post of photographs is content even beside a longer tag box.
pub(crate) const IMAGE_WEIGHT: usize = 40;

/// The content of `el` outside chrome: its visible characters plus [`IMAGE_WEIGHT`] per image,
/// video or embed.
fn content_len(el: ElementRef<'_>, chrome: &Chrome) -> usize {
    let media = el
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| {
            matches!(
                e.value().name(),
                "img" | "video" | "iframe" | "embed" | "object"
            )
        })
        .filter(|e| !chrome.contains(*e))
        .count();
    visible_len(el, chrome) + media * IMAGE_WEIGHT
}

/// Characters of text in `el` outside chrome, scripts and styles.
fn visible_len(el: ElementRef<'_>, chrome: &Chrome) -> usize {
    el.descendants()
        .filter_map(|n| match n.value() {
            Node::Text(t) => Some((n, t)),
            _ => None,
        })
        .filter(|(n, _)| {
            n.parent().and_then(ElementRef::wrap).is_some_and(|p| {
                !chrome.contains(p) && !matches!(p.value().name(), "script" | "style" | "noscript")
            })
        })
        .map(|(_, t)| t.trim().chars().count())
        .sum()
}

/// The element whose text is the title, nearest the body: among every element showing exactly the
/// title (outside the head and the body), the one whose common ancestor with the body is deepest.
fn find_title<'a>(
    doc: &'a Html,
    title: &str,
    body: Option<ElementRef<'a>>,
    chrome: &Chrome,
) -> Option<ElementRef<'a>> {
    let want = normalize_whitespace(title);
    if want.is_empty() {
        return None;
    }
    let body_id = body.map(|b| b.id());
    let mut best: Option<(usize, ElementRef<'a>)> = None;
    for node in doc.root_element().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        if !t.contains(want.split(' ').next().unwrap_or_default()) {
            continue;
        }
        // The text node itself, or its parent element's whole text (a title split by inline tags).
        let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
            continue;
        };
        let candidate = if normalize_whitespace(t) == want {
            Some(parent)
        } else {
            std::iter::once(parent)
                .chain(parent.ancestors().filter_map(ElementRef::wrap).take(3))
                .find(|e| normalize_whitespace(&e.text().collect::<String>()) == want)
        };
        let Some(el) = candidate else { continue };
        if is_outside_content(el, body_id) || chrome.contains(el) {
            continue;
        }
        let score = body.map_or(0, |b| common_ancestor(el, b).map_or(0, depth));
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, el));
        }
    }
    best.map(|(_, el)| el)
}

/// True for elements in `<head>`, scripts, or inside the body container (its text is content).
fn is_outside_content(el: ElementRef<'_>, body: Option<ego_tree::NodeId>) -> bool {
    std::iter::once(el)
        .chain(el.ancestors().filter_map(ElementRef::wrap))
        .any(|a| {
            Some(a.id()) == body
                || matches!(
                    a.value().name(),
                    "head" | "title" | "script" | "style" | "noscript"
                )
        })
}

fn depth(el: ElementRef<'_>) -> usize {
    el.ancestors().count()
}

fn common_ancestor<'a>(a: ElementRef<'a>, b: ElementRef<'a>) -> Option<ElementRef<'a>> {
    let of_b: std::collections::HashSet<_> = std::iter::once(b.id())
        .chain(b.ancestors().map(|n| n.id()))
        .collect();
    std::iter::once(a)
        .chain(a.ancestors().filter_map(ElementRef::wrap))
        .find(|n| of_b.contains(&n.id()))
}

/// The number of edges between two elements.
fn distance(a: ElementRef<'_>, b: ElementRef<'_>) -> usize {
    match common_ancestor(a, b) {
        Some(c) => depth(a) + depth(b) - 2 * depth(c),
        None => usize::MAX,
    }
}

/// Category paths that mean "uncategorised".
const UNCATEGORISED: &[&str] = &[
    "분류없음",
    "분류 없음",
    "카테고리 없음",
    "미분류",
    "전체",
    "분류 전체보기",
];

impl<'a> Region<'a> {
    /// The elements of the region that may hold fields: outside the body and outside chrome.
    fn candidates(&self) -> impl Iterator<Item = ElementRef<'a>> + '_ {
        self.root
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(move |e| !self.in_body(*e) && !self.chrome.contains(*e))
    }

    fn in_body(&self, el: ElementRef<'_>) -> bool {
        self.body
            .is_some_and(|b| el.id() == b.id() || el.ancestors().any(|a| a.id() == b.id()))
    }

    /// What fields are measured against: the title, else the body's start.
    fn anchor(&self) -> Option<ElementRef<'a>> {
        self.title.or(self.body)
    }

    /// Sorts `found` nearest the anchor first (document order breaks ties).
    fn nearest_first(&self, mut found: Vec<ElementRef<'a>>) -> Vec<ElementRef<'a>> {
        if let Some(anchor) = self.anchor() {
            found.sort_by_key(|e| distance(*e, anchor));
        }
        found
    }

    /// The post's category: the full path of the `/category/…` link nearest the title.
    pub(crate) fn category(&self) -> Option<String> {
        let link = self.category_link()?;
        category_path(link.value().attr("href")?, self.base.as_ref())
    }

    /// The `/category/…` link nearest the title that names a category (not "uncategorised").
    fn category_link(&self) -> Option<ElementRef<'a>> {
        let links: Vec<ElementRef<'a>> = self
            .candidates()
            .filter(|e| e.value().name() == "a")
            .filter(|e| {
                e.value()
                    .attr("href")
                    .and_then(|h| category_path(h, self.base.as_ref()))
                    .is_some()
            })
            .collect();
        self.nearest_first(links).into_iter().find(|a| {
            a.value()
                .attr("href")
                .and_then(|h| category_path(h, self.base.as_ref()))
                .is_some_and(|path| !UNCATEGORISED.contains(&path.as_str()))
        })
    }

    /// The post's tags: `rel=tag` links of the region, else its `/tag/…` links, in page order.
    pub(crate) fn tags(&self) -> Vec<String> {
        let links: Vec<ElementRef<'a>> = self
            .candidates()
            .filter(|e| e.value().name() == "a")
            .collect();
        let rel_tag: Vec<&ElementRef<'a>> = links
            .iter()
            .filter(|a| {
                a.value().attr("rel").is_some_and(|r| {
                    r.split_ascii_whitespace()
                        .any(|t| t.eq_ignore_ascii_case("tag"))
                })
            })
            .collect();
        let chosen = if rel_tag.is_empty() {
            links
                .iter()
                .filter(|a| {
                    a.value()
                        .attr("href")
                        .is_some_and(|h| is_tag_link(h, self.base.as_ref()))
                })
                .collect()
        } else {
            rel_tag
        };
        let mut tags: Vec<String> = Vec::new();
        for link in chosen {
            let text = normalize_whitespace(&link.text().collect::<String>());
            let tag = text.trim_start_matches('#').trim().to_string();
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        tags
    }

    /// The visible date nearest the title: the smallest element of the region whose own text is
    /// a date.
    pub(crate) fn date(&self) -> Option<DateTime<FixedOffset>> {
        own_text(self.date_element()?).and_then(|t| parse_visible_date(&t))
    }

    /// The smallest element of the region, nearest the title, whose own text is a date.
    fn date_element(&self) -> Option<ElementRef<'a>> {
        let dated: Vec<ElementRef<'a>> = self
            .candidates()
            .filter(|e| !matches!(e.value().name(), "script" | "style" | "a"))
            .filter(|e| own_text(*e).is_some_and(|t| parse_visible_date(&t).is_some()))
            .collect();
        self.nearest_first(dated).into_iter().next()
    }
}

/// The text directly inside `el` (not in child elements), whitespace collapsed; `None` when empty.
fn own_text(el: ElementRef<'_>) -> Option<String> {
    let mut s = String::new();
    for child in el.children() {
        if let Node::Text(t) = child.value() {
            s.push_str(t);
            s.push(' ');
        }
    }
    let s = normalize_whitespace(&s);
    (!s.is_empty()).then_some(s)
}

/// The decoded path of a category link (`/category/A/B%20C` → `A/B C`); `None` for other links
/// and for `/category` alone (the whole blog).
fn category_path(href: &str, base: Option<&Url>) -> Option<String> {
    let path = same_blog_path(href, base)?;
    let rest = path
        .strip_prefix("/category/")
        .or_else(|| path.strip_prefix("/m/category/"))?;
    let decoded = crate::markup::percent_decode_lossy(rest);
    let joined = decoded
        .split('/')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    (!joined.is_empty()).then_some(joined)
}

fn is_tag_link(href: &str, base: Option<&Url>) -> bool {
    same_blog_path(href, base).is_some_and(|p| {
        p.strip_prefix("/tag/")
            .or_else(|| p.strip_prefix("/m/tag/"))
            .is_some_and(|t| !t.trim_matches('/').is_empty())
    })
}

/// The path of `href` when it points into the same blog (relative, or the page's host).
fn same_blog_path(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    let url = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href)
            .or_else(|_| Url::parse("http://blog.invalid/").and_then(|b| b.join(href)))
            .ok()?,
    };
    if let Some(b) = base
        && url.host_str() != b.host_str()
    {
        return None;
    }
    Some(url.path().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_path_is_decoded_from_the_href() {
        let base = Url::parse("http://www.example.go.kr/123").unwrap();
        assert_eq!(
            category_path(
                "/category/%EC%82%AC%EB%9E%91%ED%95%B4%EC%9A%94%20%EC%84%9C%EB%8C%80%EB%AC%B8/%EA%B2%BD%EC%A0%9C%EC%99%80%20%ED%98%91%EB%8F%99",
                Some(&base)
            )
            .as_deref(),
            Some("사랑해요 서대문/경제와 협동")
        );
        assert_eq!(category_path("/category", Some(&base)), None);
        assert_eq!(category_path("/category/", Some(&base)), None);
        assert_eq!(
            category_path("https://other.tistory.com/category/A", Some(&base)),
            None
        );
        assert_eq!(category_path("/tag/A", Some(&base)), None);
    }
}
