//! Text helpers both halves of the sanitiser use (block structure and inline content): the text of
//! a code block, and inline runs trimmed of blank edges. A leaf: it imports neither half, so the
//! two do not import each other.

use ego_tree::NodeRef;
use scraper::Node;

use crate::bundle::blocks::Inline;
use crate::model::body::TILDE;

/// The text of a code block: text nodes as they are, `<br>` as a newline, scripts left out.
pub(super) fn code_text(node: NodeRef<'_, Node>) -> String {
    // Iterative: one frame per level would overflow on deeply nested input.
    let mut text = String::new();
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in node.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) if n.id() != node.id() && skipping.is_none() => {
                match n.value() {
                    Node::Text(t) => text.push_str(t),
                    Node::Element(e) if e.name() == "br" => text.push('\n'),
                    Node::Element(e) if matches!(e.name(), "script" | "style") => {
                        skipping = Some(n.id());
                    }
                    _ => {}
                }
            }
            ego_tree::iter::Edge::Close(n) if skipping == Some(n.id()) => skipping = None,
            _ => {}
        }
    }
    text.chars()
        .filter(|&c| c != '\u{feff}')
        .map(|c| match c {
            TILDE => '~',
            '\u{a0}' => ' ',
            c => c,
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// Drops leading and trailing breaks and spaces; `None` when nothing visible is left.
pub(super) fn trimmed(mut content: Vec<Inline>) -> Option<Vec<Inline>> {
    let edge = |i: &Inline| match i {
        Inline::Break => true,
        Inline::Text(t) => t.trim().is_empty(),
        _ => false,
    };
    while content.first().is_some_and(edge) {
        content.remove(0);
    }
    while content.last().is_some_and(edge) {
        content.pop();
    }
    if let Some(Inline::Text(t)) = content.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = content.last_mut() {
        *t = t.trim_end().to_string();
    }
    content.iter().any(visible).then_some(content)
}

/// True when an inline run shows something (text that is not blank, an image, ...).
pub(super) fn visible(inline: &Inline) -> bool {
    match inline {
        Inline::Text(t) => !t.trim().is_empty(),
        Inline::Break => false,
        Inline::Marked(_, c) | Inline::Link(_, c) => c.iter().any(visible),
        Inline::Image(_) => true,
    }
}
