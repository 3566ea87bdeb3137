//! What inside a body container is not content: scripts, styles, ads, share buttons, "other posts
//! in this category", 더보기 toggles, React mount points. One predicate, shared by the body
//! clean-up and the visible-text reader, so both agree on what a reader sees.

use scraper::node::Element;

/// Tags whose content a reader never sees as post text.
const NOISE_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "title", "meta", "link", "head", "ins", "button",
    "input", "select", "textarea", "form", "canvas", "object", "embed", "audio", "source",
];

/// Classes Tistory and ad networks put around, and sometimes inside, a post body.
const NOISE_CLASSES: &[&str] = &[
    "revenue_unit_wrap",
    "container_postbtn",
    "another_category",
    "adsbygoogle",
    "btn-toggle-moreless",
    "btn_more",
    "postbtn_like",
    "wrap_btn",
    "tt_adsense",
    "ad-wrap",
];

/// True when `el` (and everything in it) is not part of the post's content.
pub(crate) fn is_noise(el: &Element) -> bool {
    let name = el.name();
    if NOISE_TAGS.contains(&name) {
        return true;
    }
    if el.attr("data-tistory-react-app").is_some() {
        return true;
    }
    if el.attr("hidden").is_some() && el.attr("class").is_none_or(|c| !c.contains("moreless")) {
        return true;
    }
    el.classes().any(|c| NOISE_CLASSES.contains(&c))
}
