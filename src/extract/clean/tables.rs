//! Tables: kept with only colspan/rowspan, marked `data-tm=gfm` when they fit a GFM table and
//! `data-tm=html` when they do not ([`TableMode`], the body contract).

use std::fmt::Write as _;

use ego_tree::NodeRef;
use scraper::Node;

use super::{Cleaner, escape_attr};
use crate::model::body::TableMode;

impl Cleaner<'_> {
    pub(super) fn table(&mut self, node: NodeRef<'_, Node>) {
        let mode = if is_simple_table(node) {
            TableMode::Gfm
        } else {
            TableMode::Html
        };
        self.out.html.push_str(mode.open_tag());
        self.table_children(node);
        self.out.html.push_str("</table>");
    }

    pub(super) fn table_children(&mut self, node: NodeRef<'_, Node>) {
        for child in node.children() {
            match child.value() {
                Node::Element(e) if matches!(e.name(), "thead" | "tbody" | "tfoot" | "tr") => {
                    let _ = write!(self.out.html, "<{}>", e.name());
                    self.table_children(child);
                    let _ = write!(self.out.html, "</{}>", e.name());
                }
                Node::Element(e) if matches!(e.name(), "td" | "th") => {
                    let _ = write!(self.out.html, "<{}", e.name());
                    for attr in ["colspan", "rowspan"] {
                        if let Some(v) = e.attr(attr).filter(|v| v.trim() != "1") {
                            let _ = write!(self.out.html, " {attr}=\"{}\"", escape_attr(v));
                        }
                    }
                    self.out.html.push('>');
                    self.children(child);
                    let _ = write!(self.out.html, "</{}>", e.name());
                }
                Node::Element(e) if e.name() == "caption" => {
                    self.out.html.push_str("<caption>");
                    self.children(child);
                    self.out.html.push_str("</caption>");
                }
                Node::Element(e) if matches!(e.name(), "colgroup" | "col") => {}
                Node::Element(_) => self.node(child),
                _ => {}
            }
        }
    }
}

/// A table becomes a GFM table only when every cell holds inline content and no cell spans.
fn is_simple_table(node: NodeRef<'_, Node>) -> bool {
    let mut rows = 0;
    for d in node.descendants().skip(1) {
        let Node::Element(e) = d.value() else {
            continue;
        };
        match e.name() {
            "tr" => rows += 1,
            "table" | "ul" | "ol" | "pre" | "blockquote" | "h1" | "h2" | "h3" | "h4" | "h5"
            | "h6" | "hr" | "figure" | "iframe" => return false,
            "td" | "th" => {
                let spans = ["colspan", "rowspan"]
                    .iter()
                    .any(|a| e.attr(a).is_some_and(|v| v.trim() != "1"));
                if spans {
                    return false;
                }
                // More than one paragraph in a cell cannot be a GFM cell.
                let blocks = d
                    .children()
                    .filter(|c| matches!(c.value(), Node::Element(ce) if matches!(ce.name(), "p" | "div")))
                    .count();
                if blocks > 1 {
                    return false;
                }
            }
            _ => {}
        }
    }
    rows > 0
}
