//! The XML document reader shared by the sitemap and feed parsers: one place that decides which
//! XML is accepted (a leading byte-order mark and whitespace are tolerated, a DTD is allowed with
//! roxmltree's entity-expansion guards and a node cap) and how a parse failure is worded. Pure.

use roxmltree::{Document, Node, ParsingOptions};

use super::error::DocumentError;

/// At most this many XML nodes per document: far above any sitemap (50,000 URLs is the protocol's
/// cap, about 250,000 nodes) or feed, low enough that hostile input cannot exhaust memory.
const NODES_LIMIT: u32 = 4_000_000;

/// Parses `xml`; `what` names the document in the error ("sitemap", "feed").
pub(crate) fn parse<'a>(xml: &'a str, what: &'static str) -> Result<Document<'a>, DocumentError> {
    let xml = xml.trim_start_matches('\u{feff}').trim_start();
    if xml.is_empty() {
        return Err(DocumentError::Empty { what });
    }
    let options = ParsingOptions {
        allow_dtd: true,
        nodes_limit: NODES_LIMIT,
    };
    Document::parse_with_options(xml, options)
        .map_err(|source| DocumentError::NotXml { what, source })
}

/// The element children of `node` whose local name (namespace ignored) is `name`.
pub(crate) fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The trimmed text of the first child element called `name`, when not empty.
pub(crate) fn child_text(node: Node<'_, '_>, name: &str) -> Option<String> {
    children(node, name).find_map(|c| text_of(c))
}

/// The trimmed text content of an element (all its text and CDATA), when not empty.
pub(crate) fn text_of(node: Node<'_, '_>) -> Option<String> {
    let text: String = node
        .descendants()
        .filter(Node::is_text)
        .filter_map(|t| t.text())
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}
