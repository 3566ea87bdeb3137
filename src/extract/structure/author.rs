//! The post's author, read from the skin when the head names none. In order: an element marked
//! `rel=author` / `itemprop=author` in the article region; the name of a `by …` line nearest the
//! title; and a name printed **bare** in the post's meta line. The meta line is found by structure,
//! not by class name: it is the block around the date nearest the title (else around the category
//! link nearest the title), grown up to the largest ancestor that still holds neither the title
//! nor the body and stays short. Its author is the short text item that is not the date, not a
//! category, tag or post link nor the label printed just before one, not a count or its label,
//! not a control (buttons, `#`/script links,
//! the owner's `/manage` links). Where several items remain, one equal to the blog's own nickname
//! (`T.config`) wins, then one without digits, then the first. Pure: reads a located region.

use scraper::{ElementRef, Node};

use super::super::chrome::is_entry_link;
use super::super::dates::{parse_visible_date, without_dates};
use super::super::text::normalize_whitespace;
use super::{Region, category_path, is_tag_link, own_text, same_blog_path};

/// The longest text a meta line may hold: a line of date, category, author and counts is short;
/// a block longer than this is a paragraph, not a meta line.
const META_LINE_MAX_CHARS: usize = 160;
/// The longest name accepted as an author, in characters and in words.
const NAME_MAX_CHARS: usize = 30;
const NAME_MAX_WORDS: usize = 4;
/// What separates items printed in one text run of a meta line.
const SEPARATORS: &[char] = &['|', '·', '•', 'ㆍ', '∙', ',', '/', '｜'];

/// Elements whose text is never an author: controls, machine-readable dates, drawings.
const NOT_NAMES: &[&str] = &[
    "button", "select", "option", "script", "style", "noscript", "time", "svg", "textarea",
];

/// One text item of a meta line.
struct Item {
    text: String,
    kind: ItemKind,
}

/// What an item of a meta line is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    /// Text that may be a name.
    Text,
    /// A count (`3`, `(3)`, `1,204`).
    Count,
    /// The text of a tag or category link: a word just before it is its label (`태그`, `분류`).
    FieldLink,
}

/// Why the text inside an element is no name.
enum NotAName {
    /// A tag or category link.
    FieldLink,
    /// A control, a date element, a link elsewhere.
    Other,
}

impl<'a> Region<'a> {
    /// The post's author as the skin shows it; `nickname` is the blog owner's name from
    /// `T.config`, when the page has it (a cross-check: it wins among several items).
    pub(crate) fn author(&self, nickname: Option<&str>) -> Option<String> {
        self.marked_author()
            .or_else(|| self.by_line_author())
            .or_else(|| self.bare_author(nickname))
    }

    fn marked_author(&self) -> Option<String> {
        let marked: Vec<ElementRef<'a>> = self
            .candidates()
            .filter(|e| {
                let v = e.value();
                v.attr("rel")
                    .is_some_and(|r| r.split_ascii_whitespace().any(|t| t == "author"))
                    || v.attr("itemprop") == Some("author")
            })
            .collect();
        self.nearest_first(marked).into_iter().find_map(|e| {
            let t = normalize_whitespace(&e.text().collect::<String>());
            (!t.is_empty()).then_some(t)
        })
    }

    fn by_line_author(&self) -> Option<String> {
        let by_lines: Vec<ElementRef<'a>> = self
            .candidates()
            .filter(|e| own_text(*e).is_some_and(|t| by_name(&t).is_some()))
            .collect();
        self.nearest_first(by_lines)
            .into_iter()
            .find_map(|e| own_text(e).and_then(|t| by_name(&t)))
    }

    /// A name printed bare in the meta line (the line of the date, else of the category link).
    fn bare_author(&self, nickname: Option<&str>) -> Option<String> {
        [self.date_element(), self.category_link()]
            .into_iter()
            .flatten()
            .find_map(|seed| {
                let line = self.meta_line(seed);
                pick_name(&self.items(line), nickname, self.title_text().as_deref())
            })
    }

    /// The normalised text of the located title.
    fn title_text(&self) -> Option<String> {
        self.title
            .map(|t| normalize_whitespace(&t.text().collect::<String>()))
    }

    /// True when `el` holds the title or the body (or is one of them).
    fn holds_post(&self, el: ElementRef<'_>) -> bool {
        let holds = |part: Option<ElementRef<'_>>| {
            part.is_some_and(|p| p.id() == el.id() || p.ancestors().any(|a| a.id() == el.id()))
        };
        holds(self.title) || holds(self.body)
    }

    /// The largest ancestor of `seed` (itself included) inside the region that holds neither the
    /// title nor the body, is not chrome, and whose text is short.
    fn meta_line(&self, seed: ElementRef<'a>) -> ElementRef<'a> {
        let mut line = seed;
        for ancestor in seed.ancestors().filter_map(ElementRef::wrap) {
            if self.holds_post(ancestor)
                || self.chrome.contains(ancestor)
                || ancestor.id() == self.root.id()
                || visible_chars(ancestor) > META_LINE_MAX_CHARS
            {
                break;
            }
            line = ancestor;
        }
        line
    }

    /// The text items of a meta line, in page order, without what cannot be a name.
    fn items(&self, line: ElementRef<'a>) -> Vec<Item> {
        let mut items = Vec::new();
        for node in line.descendants() {
            let Node::Text(t) = node.value() else {
                continue;
            };
            let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
                continue;
            };
            if self.chrome.contains(parent) {
                continue;
            }
            match self.not_a_name(parent, line) {
                Some(NotAName::Other) => continue,
                Some(NotAName::FieldLink) => {
                    items.push(Item {
                        text: normalize_whitespace(t),
                        kind: ItemKind::FieldLink,
                    });
                    continue;
                }
                None => {}
            }
            for piece in without_dates(t).split(SEPARATORS) {
                let text = normalize_whitespace(piece);
                if text.is_empty() {
                    continue;
                }
                let kind = if is_count(&text) {
                    ItemKind::Count
                } else {
                    ItemKind::Text
                };
                items.push(Item { text, kind });
            }
        }
        items
    }

    /// Why text inside `el` (up to `line`) is no name: inside a control or a date element, or a
    /// link to a category, a tag, another post, the blog's admin pages, a fragment or a script.
    fn not_a_name(&self, el: ElementRef<'_>, line: ElementRef<'_>) -> Option<NotAName> {
        let base = self.base.as_ref();
        for a in std::iter::once(el).chain(el.ancestors().filter_map(ElementRef::wrap)) {
            let v = a.value();
            if NOT_NAMES.contains(&v.name()) || v.attr("role") == Some("button") {
                return Some(NotAName::Other);
            }
            let rel_tag = v.attr("rel").is_some_and(|r| {
                r.split_ascii_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("tag"))
            });
            let href = v.attr("href").unwrap_or_default();
            if rel_tag
                || (v.name() == "a"
                    && (category_path(href, base).is_some() || is_tag_link(href, base)))
            {
                return Some(NotAName::FieldLink);
            }
            if v.name() == "a" && !self.name_link(href) {
                return Some(NotAName::Other);
            }
            if a.id() == line.id() {
                break;
            }
        }
        None
    }

    /// True when a link to `href` may carry a name: not a category, tag or post link, not the
    /// owner's `/manage` pages, not a fragment, script or empty link.
    fn name_link(&self, href: &str) -> bool {
        let href = href.trim();
        let base = self.base.as_ref();
        if href.is_empty() || href.starts_with('#') {
            return false;
        }
        let lower = href.to_ascii_lowercase();
        if lower.starts_with("javascript:") {
            return false;
        }
        if category_path(href, base).is_some()
            || is_tag_link(href, base)
            || is_entry_link(href, base)
        {
            return false;
        }
        !same_blog_path(href, base)
            .is_some_and(|p| p == "/manage" || p.starts_with("/manage/") || p.starts_with("/admin"))
    }
}

/// The author among a meta line's items, or `None` when no item can be a name.
fn pick_name(items: &[Item], nickname: Option<&str>, title: Option<&str>) -> Option<String> {
    let names: Vec<String> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.kind == ItemKind::Text)
        // A word printed just before a count is the count's label (`댓글 3`); one printed just
        // before a tag or category link is that link's label (`태그`, `분류`).
        .filter(|(i, _)| {
            items
                .get(i + 1)
                .is_none_or(|next| next.kind == ItemKind::Text)
        })
        .filter_map(|(_, item)| as_name(&item.text))
        .filter(|name| Some(name.as_str()) != title)
        .collect();
    let nickname = nickname.map(normalize_whitespace);
    names
        .iter()
        .find(|n| nickname.as_deref() == Some(n.as_str()))
        .or_else(|| {
            names
                .iter()
                .find(|n| !n.chars().any(|c| c.is_ascii_digit()))
        })
        .or_else(|| names.first())
        .cloned()
}

/// The name an item of a meta line may be: labels (`by`, `작성자:`) dropped; `None` for what is
/// too long, has no letter, is a count or label, or still holds a date.
fn as_name(text: &str) -> Option<String> {
    let text = by_name(text).unwrap_or_else(|| text.to_string());
    // `작성자 : 살림꾼` → `살림꾼`; a label alone (`작성자:`) is no name.
    let text = match text.rsplit_once([':', '：']) {
        Some((_, value)) => value.trim().to_string(),
        None => text,
    };
    let words = text.split_whitespace().count();
    let lower = text.to_ascii_lowercase();
    let is_label = lower == "by" || lower.ends_with(" by");
    let ok = !text.is_empty()
        && !is_label
        && text.chars().any(char::is_alphabetic)
        && text.chars().count() <= NAME_MAX_CHARS
        && words <= NAME_MAX_WORDS
        && !is_count(&text)
        && parse_visible_date(&text).is_none();
    ok.then_some(text)
}

/// A count as skins print them: `3`, `(3)`, `[12]`, `1,204`, `댓글 3`, `3 comments`.
fn is_count(text: &str) -> bool {
    text.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '+'));
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    })
}

/// Characters of text in `el`, whitespace collapsed.
fn visible_chars(el: ElementRef<'_>) -> usize {
    normalize_whitespace(&el.text().collect::<String>())
        .chars()
        .count()
}

/// `by 닉네임` (the way skins print `[##_article_rep_author_##]`) → `닉네임`.
fn by_name(text: &str) -> Option<String> {
    let rest = text
        .strip_prefix("by ")
        .or_else(|| text.strip_prefix("By "))
        .or_else(|| text.strip_prefix("BY "))?;
    let name = rest.split(['|', '·', '•']).next()?.trim();
    // The name ends where a date begins.
    let name = match parse_visible_date(name) {
        Some(_) => name
            .split_whitespace()
            .take_while(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
            .collect::<Vec<_>>()
            .join(" "),
        None => name.to_string(),
    };
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;
    use url::Url;

    #[test]
    fn by_lines_give_the_name() {
        assert_eq!(by_name("by 강변산책자").as_deref(), Some("강변산책자"));
        assert_eq!(
            by_name("by 강변 2012. 12. 11. 09:30").as_deref(),
            Some("강변")
        );
        assert_eq!(by_name("bypass"), None);
    }

    #[test]
    fn counts_and_labels_are_not_names() {
        assert!(is_count("댓글 3"));
        assert!(is_count("(12)"));
        assert!(is_count("1,204 views"));
        assert!(!is_count("user123"));
        assert_eq!(as_name("작성자 : 살림꾼").as_deref(), Some("살림꾼"));
        assert_eq!(as_name("작성자:"), None);
        assert_eq!(as_name("Posted by"), None);
        assert_eq!(as_name("by 흙손").as_deref(), Some("흙손"));
        assert_eq!(as_name("2020.07.02"), None);
        assert_eq!(as_name("!!"), None);
    }

    /// The author the structure finds on `html` (title `제목`, body `#b`).
    fn bare(html: &str, nickname: Option<&str>) -> Option<String> {
        let doc = Html::parse_document(html);
        let body = doc
            .select(&scraper::Selector::parse("#b").unwrap())
            .next()
            .unwrap();
        let base = Url::parse("https://river.tistory.com/9").unwrap();
        let region = super::super::locate(&doc, Some("제목"), Some(body), Some(&base));
        region.author(nickname)
    }

    #[test]
    fn a_bare_name_in_the_meta_line_is_the_author() {
        let page = |meta: &str| {
            format!(
                r#"<html><body><article><header><h2>제목</h2><div>{meta}</div></header><div id="b"><p>본문 문장이다.</p></div></article></body></html>"#
            )
        };
        let cases = [
            // Name, date and category each in an element.
            (
                r#"<span>강물</span> <span>2021. 3. 4. 10:00</span>"#,
                Some("강물"),
            ),
            // One text run: the name, then the date.
            ("강물 2021.03.04 10:00", Some("강물")),
            // Category link and counts beside the name.
            (
                r#"<a href="/category/A">A</a> · <span>강물</span> · <span>2021.03.04</span> · <span>댓글</span><span>3</span>"#,
                Some("강물"),
            ),
            // A count's label in its own element is no name either.
            (
                r#"<span>2021.03.04</span> <span>공감</span><span>3</span> <span>강물</span>"#,
                Some("강물"),
            ),
            // A labelled name.
            ("글쓴이: 강물 | 2021.03.04", Some("강물")),
            // Only the date and controls: no author.
            (
                r##"<span>2021.03.04</span> <a href="#">공유</a> <button>수정</button> <a href="/manage/post/9">관리</a>"##,
                None,
            ),
            // A count with its label only.
            ("2021.03.04 | 조회 12", None),
            // The label of the tags, and the tags.
            (
                r#"<span>2021.03.04</span> <span>태그</span> <a href="/tag/x" rel="tag">x</a>"#,
                None,
            ),
        ];
        for (meta, want) in cases {
            assert_eq!(bare(&page(meta), None).as_deref(), want, "{meta}");
        }
    }

    #[test]
    fn the_blogs_nickname_wins_among_several_items() {
        let html = r#"<html><body><h2>제목</h2><p><span>여행기</span> <span>강물</span> <span>2021.03.04</span></p><div id="b"><p>본문.</p></div></body></html>"#;
        assert_eq!(bare(html, Some("강물")).as_deref(), Some("강물"));
        assert_eq!(bare(html, None).as_deref(), Some("여행기"));
    }

    #[test]
    fn a_long_paragraph_beside_the_date_is_not_a_meta_line() {
        let long = "아주 긴 문장이 이어진다. ".repeat(20);
        let html = format!(
            r#"<html><body><h2>제목</h2><div><p>{long}</p><span>2021.03.04</span></div><div id="b"><p>본문.</p></div></body></html>"#
        );
        assert_eq!(bare(&html, None), None);
    }
}
