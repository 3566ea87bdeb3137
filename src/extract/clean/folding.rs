//! 더보기 (fold) blocks of both editors become `<details><summary>`, the hidden text kept.

use ego_tree::NodeRef;
use scraper::Node;

use super::{Cleaner, escape_prose, has_class};

impl Cleaner<'_> {
    pub(super) fn more_less(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element) {
        let label = el
            .attr("data-text-more")
            .filter(|l| !l.trim().is_empty())
            .unwrap_or("더보기")
            .to_string();
        let content = node
            .descendants()
            .find(|d| matches!(d.value(), Node::Element(e) if has_class(e, "moreless-content")));
        self.details(&label, content.unwrap_or(node));
    }

    pub(super) fn details(&mut self, label: &str, content: NodeRef<'_, Node>) {
        self.out.html.push_str("<details><summary>");
        escape_prose(label, &mut self.out.html);
        self.out.html.push_str("</summary>");
        self.children(content);
        self.out.html.push_str("</details>");
    }
}
