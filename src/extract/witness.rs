//! The second witness: what Tistory's mobile list API said about an entry (`title`, `published`,
//! `categoryName`, `tags`, `commentCount`, recorded by the crawl in `archive.db`) against what the
//! saved page gave. Where the page gave nothing, the list's value is taken; where both speak and
//! disagree, the page's value is kept and the disagreement is a warning (`verify` lists it).
//! Values are compared leniently: whitespace collapsed, entities decoded, a category leaf name
//! against a full path, tags as a set, dates to the precision the list gives. Pure.

use chrono::{DateTime, FixedOffset, Timelike};

use super::dates::parse_meta_date;
use super::text::normalize_whitespace;
use crate::model::Post;

/// Every disagreement warning starts with this, so that `verify` can list them.
pub const DISAGREEMENT_PREFIX: &str = "the mobile list API disagrees with the page";

/// What the list said about one entry; `None` / empty means it did not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFields {
    /// `title`.
    pub title: Option<String>,
    /// `published`, as served (`2023. 09. 03.`, ISO 8601, ...).
    pub published: Option<String>,
    /// `categoryName`: a leaf name or a full path.
    pub category: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `commentCount`.
    pub comment_count: Option<u64>,
}

/// What the comparison did to a post.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Witnessed {
    /// The fields taken from the list because the page gave none.
    pub filled: Vec<&'static str>,
    /// One warning per field on which the two disagree (each starts with [`DISAGREEMENT_PREFIX`]).
    pub disagreements: Vec<String>,
}

impl Witnessed {
    /// The warnings to add to the post: what was filled, then each disagreement.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.filled.is_empty() {
            out.push(format!(
                "taken from the mobile list API (the page shows none): {}",
                self.filled.join(", ")
            ));
        }
        out.extend(self.disagreements.iter().cloned());
        out
    }
}

/// Compares `post` with the list's `list`; fills what the page lacks. `comments_saved` is how
/// many comments the archive holds for the post, when it fetched them.
pub fn second_witness(
    post: &mut Post,
    list: &ListFields,
    comments_saved: Option<usize>,
) -> Witnessed {
    let mut w = Witnessed::default();
    let mut disagree = |field: &str, page: &str, api: &str| {
        w.disagreements.push(format!(
            "{DISAGREEMENT_PREFIX} on the {field}: the page says {page:?}, the list says {api:?}"
        ));
    };
    let list_title = list
        .title
        .as_deref()
        .map(lenient_text)
        .filter(|t| !t.is_empty());
    match (&post.title, list_title) {
        (None, Some(t)) => {
            post.title = Some(t);
            w.filled.push("title");
        }
        (Some(page), Some(api)) if lenient_text(page) != api => disagree("title", page, &api),
        _ => {}
    }
    if let Some(raw) = list.published.as_deref().filter(|p| !p.trim().is_empty()) {
        match (post.published, parse_meta_date(raw)) {
            (None, Some(date)) => {
                post.published = Some(date);
                w.filled.push("published date");
            }
            (Some(page), Some(api)) if !same_moment(page, api, has_time(raw)) => {
                disagree("published date", &page.to_rfc3339(), raw);
            }
            _ => {}
        }
    }
    let list_category =
        list.category.as_deref().map(category_path).filter(|c| {
            !c.is_empty() && !["분류없음", "분류 없음", "미분류"].contains(&c.as_str())
        });
    match (&post.category, list_category) {
        (None, Some(c)) => {
            post.category = Some(c);
            w.filled.push("category");
        }
        (Some(page), Some(api)) if !same_category(page, &api) => {
            disagree("category", page, &api);
        }
        _ => {}
    }
    let list_tags: Vec<String> = list
        .tags
        .iter()
        .map(|t| lenient_text(t.trim_start_matches('#')))
        .filter(|t| !t.is_empty())
        .collect();
    if !list_tags.is_empty() {
        if post.tags.is_empty() {
            post.tags = list_tags;
            w.filled.push("tags");
        } else {
            let mut page: Vec<String> = post.tags.iter().map(|t| lenient_text(t)).collect();
            let mut api = list_tags.clone();
            page.sort();
            page.dedup();
            api.sort();
            api.dedup();
            if page != api {
                disagree("tags", &post.tags.join(", "), &list_tags.join(", "));
            }
        }
    }
    if let (Some(api), Some(saved)) = (list.comment_count, comments_saved)
        && u64::try_from(saved).ok() != Some(api)
    {
        w.disagreements.push(format!(
            "{DISAGREEMENT_PREFIX} on the comments: the archive saved {saved}, the list counts {api}"
        ));
    }
    w
}

/// Whitespace collapsed and character references decoded (lists sometimes send `&amp;`).
fn lenient_text(s: &str) -> String {
    let decoded = if s.contains('&') {
        scraper::Html::parse_fragment(s)
            .root_element()
            .text()
            .collect::<String>()
    } else {
        s.to_string()
    };
    normalize_whitespace(&decoded)
}

/// `A > B`, `A/B`, ` A / B ` → `A/B`.
fn category_path(s: &str) -> String {
    lenient_text(s)
        .split(['/', '>'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// The list may name only the leaf (`B` for `A/B`).
fn same_category(page: &str, api: &str) -> bool {
    let page = category_path(page);
    page == api || page.rsplit('/').next() == Some(api) || page.ends_with(&format!("/{api}"))
}

fn has_time(raw: &str) -> bool {
    raw.contains(':')
}

/// Equal to the minute when the list gives a time, to the day (in KST) when it does not.
fn same_moment(page: DateTime<FixedOffset>, api: DateTime<FixedOffset>, with_time: bool) -> bool {
    let kst = super::dates::kst();
    let (page, api) = (page.with_timezone(&kst), api.with_timezone(&kst));
    if with_time {
        page.date_naive() == api.date_naive()
            && page.hour() == api.hour()
            && page.minute() == api.minute()
    } else {
        page.date_naive() == api.date_naive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryId, PageKind};

    fn post(id: EntryId) -> Post {
        Post {
            id,
            url: format!("https://river.tistory.com/{id}"),
            kind: PageKind::Post,
            blog: None,
            title: None,
            published: None,
            modified: None,
            author: None,
            category: None,
            tags: Vec::new(),
            body: None,
            warnings: Vec::new(),
        }
    }

    fn list() -> ListFields {
        ListFields {
            title: Some("한강  산책 &amp; 자전거".into()),
            published: Some("2023. 09. 03.".into()),
            category: Some("Algorithm with C++".into()),
            tags: vec!["#한강".into(), "자전거".into()],
            comment_count: Some(3),
        }
    }

    #[test]
    fn the_list_fills_what_the_page_lacks() {
        let mut p = post(1);
        let w = second_witness(&mut p, &list(), None);
        assert_eq!(w.filled, ["title", "published date", "category", "tags"]);
        assert!(w.disagreements.is_empty(), "{w:?}");
        assert_eq!(p.title.as_deref(), Some("한강 산책 & 자전거"));
        assert_eq!(p.category.as_deref(), Some("Algorithm with C++"));
        assert_eq!(p.tags, ["한강", "자전거"]);
        assert_eq!(
            p.published.unwrap().to_rfc3339(),
            "2023-09-03T00:00:00+09:00"
        );
    }

    #[test]
    fn agreement_is_judged_leniently() {
        let mut p = post(2);
        p.title = Some("한강 산책 & 자전거".into());
        p.published = parse_meta_date("2023-09-03T15:06:03+09:00");
        p.category = Some("소프트웨어 이론/Algorithm with C++".into());
        p.tags = vec!["자전거".into(), "한강".into()];
        let w = second_witness(&mut p, &list(), Some(3));
        assert_eq!(w, Witnessed::default());
    }

    #[test]
    fn each_disagreement_is_a_warning_and_the_page_wins() {
        let mut p = post(3);
        p.title = Some("다른 제목".into());
        p.published = parse_meta_date("2023-09-04T01:00:00+09:00");
        p.category = Some("일상".into());
        p.tags = vec!["한강".into()];
        let w = second_witness(&mut p, &list(), Some(1));
        assert!(w.filled.is_empty());
        let fields: Vec<&str> = w
            .disagreements
            .iter()
            .map(|d| {
                assert!(d.starts_with(DISAGREEMENT_PREFIX), "{d}");
                d.split(" on the ")
                    .nth(1)
                    .unwrap()
                    .split(':')
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            fields,
            ["title", "published date", "category", "tags", "comments"]
        );
        assert_eq!(p.title.as_deref(), Some("다른 제목"));
        assert_eq!(p.category.as_deref(), Some("일상"));
    }

    #[test]
    fn a_list_time_is_compared_to_the_minute() {
        let mut p = post(4);
        p.published = parse_meta_date("2023-09-03T15:06:03+09:00");
        let l = ListFields {
            published: Some("2023-09-03 15:07".into()),
            ..ListFields::default()
        };
        assert_eq!(second_witness(&mut p, &l, None).disagreements.len(), 1);
        let l = ListFields {
            published: Some("2023-09-03T15:06:00+09:00".into()),
            ..ListFields::default()
        };
        assert!(second_witness(&mut p, &l, None).disagreements.is_empty());
    }
}
