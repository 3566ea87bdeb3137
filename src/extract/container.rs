//! The body container, found by structure first. The user's selector profile comes before
//! everything. Then, on a page that says it is one entry, the title known from the head is located
//! in the skin and the blocks that follow it are the candidates, measured by content (text, and
//! each image counted as `structure::IMAGE_WEIGHT` characters); the first block nearest the title
//! holding at least half the content of the richest is the body (comments and related posts come
//! after the body and may hold more text than a short post).
//! Known containers only confirm or refine that answer:
//! - Tistory's renderer marks the body itself (`.contents_style`, `.tt_article_useless_p_margin`):
//!   not a skin's class, so it is taken inside the block, else wherever it stands outside chrome
//!   (a short post next to a long tag box is still the post);
//! - a skin's container (`selectors::BODY_FALLBACKS`) is taken when it lies inside the block (the
//!   tighter container), when it holds the block and the title (skins that print the title and
//!   the body paragraphs as siblings in one container, which no block after the title covers), or
//!   when it holds more content than the block; a skin class elsewhere (a sidebar box) never wins.
//!
//! Pages that are not entries (listings, homes) use the known containers alone. Pure: reads a
//! parsed page.

use scraper::{ElementRef, Html};
use url::Url;

use super::selectors::{BODY, BODY_FALLBACKS, BODY_RENDERED, SelectorProfile};
use super::structure::{AfterTitle, Block, blocks_after_title};

/// How the body container was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FoundBy {
    /// A selector of the user's profile.
    Profile,
    /// The block after the title, confirmed by a known container (the known one, inside it).
    Confirmed,
    /// A known container the structure did not point at (see the module docs).
    Known,
    /// The block after the title with the most content; no known container agrees.
    Structure,
}

/// The located body container.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Container<'a> {
    pub(crate) el: ElementRef<'a>,
    pub(crate) found_by: FoundBy,
}

/// The first element of `doc` matching a known container (profile, Tistory's renderer, skins).
pub(crate) fn first_known<'a>(doc: &'a Html, profile: &SelectorProfile) -> Option<ElementRef<'a>> {
    profile
        .body
        .iter()
        .chain([&*BODY, &*BODY_RENDERED])
        .chain(BODY_FALLBACKS.iter())
        .find_map(|s| doc.select(s).next())
}

/// Finds the body container. `title` is the title known from the head; `entry_like` says the
/// page claims to be one entry (post metadata or an entry URL), so its structure is read.
pub(crate) fn find_container<'a>(
    doc: &'a Html,
    profile: &SelectorProfile,
    title: Option<&str>,
    base: Option<&Url>,
    entry_like: bool,
) -> Option<Container<'a>> {
    if let Some(el) = profile.body.iter().find_map(|s| doc.select(s).next()) {
        return Some(Container {
            el,
            found_by: FoundBy::Profile,
        });
    }
    let rendered: Vec<ElementRef<'a>> = [&*BODY, &*BODY_RENDERED]
        .into_iter()
        .flat_map(|s| doc.select(s))
        .collect();
    let skin: Vec<ElementRef<'a>> = BODY_FALLBACKS.iter().flat_map(|s| doc.select(s)).collect();
    let known_only = || {
        rendered.first().or(skin.first()).map(|el| Container {
            el: *el,
            found_by: FoundBy::Known,
        })
    };
    if !entry_like {
        return known_only();
    }
    let Some(after) = blocks_after_title(doc, title, &rendered, base) else {
        return known_only();
    };
    let eligible = after.eligible();
    if eligible.is_empty() {
        return known_only();
    }
    Some(decide(&after, &eligible, &rendered, &skin))
}

fn inside(outer: ElementRef<'_>, el: ElementRef<'_>) -> bool {
    el.id() == outer.id() || el.ancestors().any(|a| a.id() == outer.id())
}

/// Structure against the known containers (see the module docs). `eligible` is not empty.
fn decide<'a>(
    after: &AfterTitle<'a>,
    eligible: &[Block<'a>],
    rendered: &[ElementRef<'a>],
    skin: &[ElementRef<'a>],
) -> Container<'a> {
    let confirmed = |el| Container {
        el,
        found_by: FoundBy::Confirmed,
    };
    let known = |el| Container {
        el,
        found_by: FoundBy::Known,
    };
    let in_eligible = |list: &[ElementRef<'a>]| {
        eligible
            .iter()
            .find_map(|b| list.iter().find(|k| inside(b.el, **k)).copied())
    };
    // Tistory's renderer marks the body itself: inside a block, or wherever it stands outside
    // chrome (a short post beside a long tag box is still the post).
    if let Some(k) = in_eligible(rendered) {
        return confirmed(k);
    }
    if let Some(k) = rendered.iter().find(|k| !after.in_chrome(**k)) {
        return known(*k);
    }
    // A skin's container: the tighter container inside a block (the tie-break between blocks of
    // a size), or one holding the block and the title (the body is its paragraphs beside the
    // title), or one holding more than the block; a skin class elsewhere (a sidebar box) never.
    if let Some(k) = in_eligible(skin) {
        return confirmed(k);
    }
    let block = eligible[0];
    if let Some(k) = skin.iter().find(|k| inside(**k, block.el)) {
        return known(*k);
    }
    let richer = skin
        .iter()
        .filter(|k| !after.in_chrome(**k))
        .map(|k| (after.content_len(*k), *k))
        .filter(|(len, _)| *len > block.content_len)
        .max_by_key(|(len, _)| *len);
    match richer {
        Some((_, k)) => known(k),
        None => Container {
            el: block.el,
            found_by: FoundBy::Structure,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(html: &str) -> (String, FoundBy) {
        let doc = Html::parse_document(html);
        let base = Url::parse("https://river.tistory.com/9").unwrap();
        let c = find_container(
            &doc,
            &SelectorProfile::default(),
            Some("제목"),
            Some(&base),
            true,
        )
        .expect("a container");
        (
            c.el.value().id().unwrap_or_default().to_string(),
            c.found_by,
        )
    }

    #[test]
    fn an_unknown_class_is_found_by_structure() {
        let html = r#"<html><body><div><h2>제목</h2><div class="meta">2021.3.4</div>
            <div id="b" class="never-seen-before"><p>본문 첫 문장이 여기 있다.</p><p>둘째 문장.</p></div></div></body></html>"#;
        assert_eq!(found(html), ("b".into(), FoundBy::Structure));
    }

    #[test]
    fn a_known_class_inside_the_block_refines_it() {
        let html = r#"<html><body><h2>제목</h2><div id="wrap"><div id="b" class="contents_style"><p>본문 첫 문장이 여기 있다.</p></div><p>광고</p></div></body></html>"#;
        assert_eq!(found(html), ("b".into(), FoundBy::Confirmed));
    }

    #[test]
    fn a_known_class_elsewhere_does_not_beat_the_structure() {
        // A sidebar notice box before the article uses a class of the list.
        let html = r#"<html><body><div id="side"><div id="k" class="area_view">공지 한 줄</div></div>
            <div><h2>제목</h2><div id="b" class="post-text"><p>본문 첫 문장이 여기 있다.</p><p>둘째 문장도 길게 이어진다.</p></div></div></body></html>"#;
        assert_eq!(found(html), ("b".into(), FoundBy::Structure));
    }

    #[test]
    fn a_known_container_holding_the_title_keeps_its_paragraphs() {
        let html = r#"<html><body><div id="k" class="entry-content"><h2>제목</h2><p>첫 문단이다.</p><p>둘째 문단은 더 길게 쓴다.</p></div></body></html>"#;
        assert_eq!(found(html), ("k".into(), FoundBy::Known));
    }
}
