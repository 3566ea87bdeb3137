//! The visible text of a body container as a reader sees it: everything but the noise (see
//! [`super::noise`]), hidden 더보기 text included, whitespace collapsed. The fidelity check compares
//! this with the text of the rendered Markdown.

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
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

/// Appends the text under `root` to `out`, a space around each block. Iterative (a page may nest
/// thousands of elements; the crawl reads pages extraction refused as too deep).
fn walk(root: NodeRef<'_, Node>, out: &mut String) {
    // The noise element whose subtree is being skipped.
    let mut skipping: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(n) if n.id() != root.id() && skipping.is_none() => match n.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) if is_noise(e) || e.name() == "iframe" => skipping = Some(n.id()),
                Node::Element(e) if BLOCKS.contains(&e.name()) => out.push(' '),
                _ => {}
            },
            Edge::Close(n) if n.id() != root.id() => match skipping {
                Some(id) if id == n.id() => skipping = None,
                Some(_) => {}
                None => {
                    if let Node::Element(e) = n.value()
                        && BLOCKS.contains(&e.name())
                    {
                        out.push(' ');
                    }
                }
            },
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document whose body nests `levels` elements around one sentence.
    pub(crate) fn nested(levels: usize) -> String {
        let mut html = String::from("<html><body>");
        for i in 0..levels {
            html.push_str(["<div>", "<span>", "<script>x</script><b>"][i % 3]);
        }
        html.push_str("깊은 문장");
        for i in (0..levels).rev() {
            html.push_str(["</div>", "</span>", "</b>"][i % 3]);
        }
        html.push_str("</body></html>");
        html
    }

    #[test]
    fn text_is_read_without_recursion() {
        // On a thread with a small stack, a walk of one frame per level would overflow.
        let text = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let doc = scraper::Html::parse_document(&nested(6000));
                visible_text(doc.root_element())
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert_eq!(text, "깊은 문장");
    }

    #[test]
    fn noise_is_skipped_and_blocks_separate_words() {
        let doc = scraper::Html::parse_fragment(
            "<div>가<script>var x;</script><p>나</p>다<style>p{}</style><iframe>라</iframe></div>",
        );
        assert_eq!(visible_text(doc.root_element()), "가 나 다");
    }
}
