//! File blocks and link cards: `figure.fileblock` and `[##_File|…_##]` become an attachment link with
//! its size, an opengraph card becomes a link with its description and host.

use std::fmt::Write as _;

use ego_tree::NodeRef;
use scraper::Node;

use super::super::images::original_url;
use super::{Cleaner, escape_attr, escape_prose, has_class, text_of};
use crate::model::{AssetStatus, Attachment};

impl Cleaner<'_> {
    pub(super) fn file_block(&mut self, node: NodeRef<'_, Node>, _el: &scraper::node::Element) {
        let link = node.descendants().find_map(|d| match d.value() {
            Node::Element(e) if e.name() == "a" => e.attr("href"),
            _ => None,
        });
        let Some(url) = link.and_then(|h| original_url(h, self.base)) else {
            self.out
                .warnings
                .push("a file block without a download link was dropped".into());
            return;
        };
        let by_class = |class: &str| {
            node.descendants()
                .find(|d| matches!(d.value(), Node::Element(e) if has_class(e, class)))
                .map(text_of)
                .filter(|t| !t.is_empty())
        };
        let name = by_class("name")
            .or_else(|| by_class("filename"))
            .unwrap_or_else(|| url.rsplit('/').next().unwrap_or("file").to_string());
        self.attachment(url, name, by_class("size"));
    }

    pub(super) fn attachment(&mut self, url: String, name: String, size: Option<String>) {
        let _ = write!(self.out.html, "<p><a href=\"{}\">", escape_attr(&url));
        escape_prose(&name, &mut self.out.html);
        self.out.html.push_str("</a>");
        if let Some(size) = &size {
            self.out.html.push(' ');
            escape_prose(size, &mut self.out.html);
        }
        self.out.html.push_str("</p>");
        self.out.attachments.push(Attachment {
            url,
            name,
            size,
            file: None,
            status: AssetStatus::Remote,
        });
    }

    pub(super) fn link_card(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element) {
        let by_class = |class: &str| {
            node.descendants()
                .find(|d| matches!(d.value(), Node::Element(e) if has_class(e, class)))
                .map(text_of)
                .filter(|t| !t.is_empty())
        };
        let href = el
            .attr("data-og-url")
            .or_else(|| {
                node.descendants().find_map(|d| match d.value() {
                    Node::Element(e) if e.name() == "a" => e.attr("href"),
                    _ => None,
                })
            })
            .and_then(|h| original_url(h, self.base));
        let title = by_class("og-title").or_else(|| el.attr("data-og-title").map(str::to_string));
        let Some(href) = href else {
            // No usable link: keep whatever text the card shows.
            return self.children(node);
        };
        let title = title.unwrap_or_else(|| href.clone());
        let _ = write!(self.out.html, "<p><a href=\"{}\">", escape_attr(&href));
        escape_prose(&title, &mut self.out.html);
        self.out.html.push_str("</a>");
        for part in [by_class("og-desc"), by_class("og-host")]
            .into_iter()
            .flatten()
        {
            self.out.html.push_str("<br>");
            escape_prose(&part, &mut self.out.html);
        }
        self.out.html.push_str("</p>");
    }
}
