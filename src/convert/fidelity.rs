//! The render-back check: does the Markdown, rendered as a reader would see it, hold the page's
//! text? We render with pulldown-cmark (GFM tables and strikethrough on), take the text a reader
//! sees (inline and block HTML reduced to its text; image alt text and URLs left out), and count
//! how many of the page's words come back. Character references are decoded as a renderer decodes
//! them (pulldown-cmark in Markdown text, HTML's full table in HTML blocks), so text such as
//! `&copy;` that the Markdown left bare shows up as changed (`©`). A literal `**` that failed to
//! render, a lost `*`, `_`, `[`, `<` or `&`, or a dropped paragraph all show up as lost words. Pure.

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::extract::normalize_whitespace;
use crate::model::Fidelity;

/// Below this score a post gets a warning (and `verify` lists it).
pub const DEFAULT_FIDELITY_THRESHOLD: f64 = 0.99;

/// The text a reader sees when `markdown` is rendered.
#[must_use]
pub fn rendered_text(markdown: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = String::with_capacity(markdown.len());
    let mut in_image = 0usize;
    for event in Parser::new_ext(markdown, opts) {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 => out.push_str(&t),
            Event::Html(h) | Event::InlineHtml(h) if in_image == 0 => push_html_text(&h, &mut out),
            Event::SoftBreak | Event::HardBreak | Event::Rule => out.push(' '),
            Event::Start(tag) if !is_inline(&tag) => out.push(' '),
            Event::End(end) if !is_inline_end(end) => out.push(' '),
            _ => {}
        }
    }
    normalize_whitespace(&out)
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
    )
}

fn is_inline_end(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
    )
}

/// Inline HTML tags our converter writes: they do not separate words.
const INLINE_TAGS: &[&str] = &[
    "strong", "em", "del", "u", "sup", "sub", "mark", "kbd", "a", "span", "code", "b", "i", "s",
    "tspan",
];

/// Appends the text of an HTML snippet: block tags become spaces, inline tags vanish, entities
/// are decoded.
fn push_html_text(html: &str, out: &mut String) {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            text.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if !INLINE_TAGS.contains(&name.to_ascii_lowercase().as_str()) {
            text.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    out.push_str(&decode_entities(&text));
}

/// Decodes every character reference the way a browser does (named, decimal, hex; HTML's table),
/// so that text the Markdown let a renderer turn into a symbol is seen as changed.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    scraper::Html::parse_fragment(s)
        .root_element()
        .text()
        .collect()
}

/// Compares the page's visible text with the Markdown's rendered text.
#[must_use]
pub fn check_fidelity(page_text: &str, markdown: &str) -> Fidelity {
    let rendered = rendered_text(markdown);
    let mut available: HashMap<&str, usize> = HashMap::new();
    for word in rendered.split(' ') {
        *available.entry(word).or_default() += 1;
    }
    let mut total = 0usize;
    let mut lost = Vec::new();
    let mut lost_count = 0usize;
    for word in page_text.split(' ').filter(|w| !w.is_empty()) {
        total += 1;
        match available.get_mut(word) {
            Some(n) if *n > 0 => *n -= 1,
            _ => {
                lost_count += 1;
                if lost.len() < 8 {
                    lost.push(word.to_string());
                }
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let score = if total == 0 {
        1.0
    } else {
        (total - lost_count) as f64 / total as f64
    };
    Fidelity { score, lost }
}

/// How much of the page's text the rendered Markdown holds, and how much of the rendered text
/// is the page's: both over words, counted with multiplicity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextOverlap {
    /// Page words found in the rendered text, over page words (1.0 when the page has none).
    pub recall: f64,
    /// Rendered words found in the page, over rendered words (1.0 when nothing rendered).
    pub precision: f64,
    /// Words of the page.
    pub page_words: usize,
    /// Words of the rendered Markdown.
    pub rendered_words: usize,
}

/// Recall and precision of the rendered Markdown against the page's visible text.
#[must_use]
pub fn text_overlap(page_text: &str, markdown: &str) -> TextOverlap {
    let rendered = rendered_text(markdown);
    let words = |s: &str| -> Vec<String> {
        s.split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (page, shown) = (words(page_text), words(&rendered));
    let matched = |from: &[String], into: &[String]| {
        let mut bag: HashMap<&str, usize> = HashMap::new();
        for w in into {
            *bag.entry(w.as_str()).or_default() += 1;
        }
        from.iter()
            .filter(|w| match bag.get_mut(w.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            })
            .count()
    };
    #[allow(clippy::cast_precision_loss)]
    let ratio = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
    TextOverlap {
        recall: ratio(matched(&page, &shown), page.len()),
        precision: ratio(matched(&shown, &page), shown.len()),
        page_words: page.len(),
        rendered_words: shown.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_that_does_not_render_is_lost_text() {
        // The CommonMark trap: this stays literal, so "40%로" is not in the rendered text.
        let f = check_fidelity("40%로 올랐다", "**40%**로 올랐다\n");
        assert!(f.score < 1.0);
        assert_eq!(f.lost, ["40%로"]);
        let f = check_fidelity("40%로 올랐다", "<strong>40%</strong>로 올랐다\n");
        assert!((f.score - 1.0).abs() < f64::EPSILON, "{f:?}");
    }

    #[test]
    fn overlap_counts_both_ways() {
        let o = text_overlap("a b c d", "a b\n\nc x y\n");
        assert!((o.recall - 0.75).abs() < 1e-9, "{o:?}");
        assert!((o.precision - 0.6).abs() < 1e-9, "{o:?}");
        // An entity the Markdown left bare is changed text, both ways.
        let o = text_overlap("&copy; 2024", "&copy; 2024\n");
        assert!(o.recall < 1.0 && o.precision < 1.0, "{o:?}");
    }

    #[test]
    fn alt_text_and_urls_do_not_count() {
        assert_eq!(
            rendered_text("![사진](https://x/a.png)\n\n[링크](https://x)"),
            "링크"
        );
    }

    #[test]
    fn html_blocks_count_by_their_text() {
        assert_eq!(
            rendered_text("<table><tr><td>a &amp; b</td></tr></table>\n"),
            "a & b"
        );
    }
}
