//! The visible text of a body container as a reader sees it: everything but the noise (see
//! [`super::noise`]), hidden 더보기 text included, whitespace collapsed. The fidelity check compares
//! this with the text of the rendered Markdown.

use ego_tree::NodeRef;
use scraper::{ElementRef, Node};

use super::images::EDITOR_TOKEN;
use super::noise::is_noise;

/// Tags that end a line of text (a space is put between their texts).
const BLOCKS: &[&str] = &[
    "text",
    "p",
    "div",
    "br",
    "li",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "table",
    "ul",
    "ol",
    "hr",
    "section",
    "article",
    "dd",
    "dt",
];

/// Returns the visible text of `root`, words separated by single spaces.
pub(crate) fn visible_text(root: ElementRef<'_>) -> String {
    let mut raw = String::new();
    walk(*root, &mut raw);
    // Stored editor tokens are markup, not text.
    let raw = EDITOR_TOKEN.replace_all(&raw, " ");
    normalize_whitespace(&raw)
}

/// Collapses every run of whitespace (NBSP and zero-width space included) to one space.
#[must_use]
pub fn normalize_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn walk(node: NodeRef<'_, Node>, out: &mut String) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                if is_noise(e) || e.name() == "iframe" {
                    continue;
                }
                let block = BLOCKS.contains(&e.name());
                if block {
                    out.push(' ');
                }
                walk(child, out);
                if block {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}
