//! Links in prose: only URLs that resolve are kept (a `javascript:` or empty link keeps its text),
//! and a link around nothing visible is dropped.

use std::fmt::Write as _;

use ego_tree::NodeRef;
use scraper::Node;

use super::super::images::original_url;
use super::{Cleaner, escape_attr};

impl Cleaner<'_> {
    pub(super) fn link(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element) {
        let href = el.attr("href").and_then(|h| original_url(h, self.base));
        let Some(href) = href else {
            // `javascript:` and empty links keep their text, lose the link.
            return self.children(node);
        };
        let start = self.out.html.len();
        let _ = write!(self.out.html, "<a href=\"{}\"", escape_attr(&href));
        if let Some(title) = el.attr("title").filter(|t| !t.trim().is_empty()) {
            let _ = write!(self.out.html, " title=\"{}\"", escape_attr(title));
        }
        self.out.html.push('>');
        let content_start = self.out.html.len();
        self.children(node);
        if !has_visible_content(&self.out.html[content_start..]) {
            // A link around nothing (an icon that was dropped, an empty anchor): drop it.
            self.out.html.truncate(start);
            return;
        }
        self.out.html.push_str("</a>");
    }
}

/// True when cleaned HTML shows something: text (not just whitespace) or an image.
fn has_visible_content(html: &str) -> bool {
    if html.contains("<img") || html.contains("<svg") {
        return true;
    }
    let mut in_tag = false;
    html.chars().any(|c| match c {
        '<' => {
            in_tag = true;
            false
        }
        '>' => {
            in_tag = false;
            false
        }
        c => !in_tag && !c.is_whitespace() && c != '\u{a0}',
    })
}
