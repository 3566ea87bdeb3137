//! Inline content of the paste-safe profile: text with whitespace collapsed, the four marks, links
//! with absolute http(s) targets, line breaks, and image placeholders where no paragraph can start.
//! Block elements met inside inline content (a paragraph in a list item, a table in a cell) become
//! line-separated text. Attribute bookkeeping lives here too: every element passes through
//! [`Sanitizer::note_attrs`].

use ego_tree::NodeRef;
use scraper::Node;
use scraper::node::Element;
use url::Url;

use super::text::visible;
use super::{EMBEDS, REMOVED, Sanitizer, is_block};
use crate::bundle::blocks::{Inline, Mark};
use crate::bundle::sanitize::ImageSlot;
use crate::bundle::warnings::Warnings;
use crate::model::AssetStatus;
use crate::model::body::{CODE_LANGUAGE_PREFIX, TABLE_MODE_ATTR, TILDE};

fn mark_of(name: &str) -> Option<Mark> {
    Some(match name {
        "b" | "strong" => Mark::Strong,
        "i" | "em" => Mark::Em,
        "u" | "ins" => Mark::Underline,
        "s" | "strike" | "del" => Mark::Strike,
        _ => return None,
    })
}

/// An absolute http(s) URL with a host, normalised; anything else is `None`.
pub(crate) fn safe_href(href: &str) -> Option<String> {
    let url = Url::parse(href.trim()).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()))
        .then(|| url.to_string())
}

/// Appends text with whitespace collapsed, NBSP as a space, BOMs removed and literal tildes
/// restored (the clean-up's [`TILDE`] stand-in).
pub(super) fn push_text(out: &mut Vec<Inline>, raw: &str) {
    let mut text = String::with_capacity(raw.len());
    let mut space = match out.last() {
        Some(Inline::Text(t)) => t.ends_with(' '),
        Some(Inline::Break) | None => true,
        Some(_) => false,
    };
    for c in raw.chars() {
        let c = if c == TILDE { '~' } else { c };
        if c == '\u{feff}' {
            continue;
        }
        if c.is_whitespace() || c == '\u{a0}' {
            if !space {
                text.push(' ');
                space = true;
            }
        } else {
            text.push(c);
            space = false;
        }
    }
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text(last)) = out.last_mut() {
        last.push_str(&text);
    } else {
        out.push(Inline::Text(text));
    }
}

/// A line break unless the content is empty or already ends with one.
fn soft_break(out: &mut Vec<Inline>) {
    if out.last().is_some_and(|i| !matches!(i, Inline::Break)) {
        out.push(Inline::Break);
    }
}

impl Sanitizer<'_> {
    /// Counts the attributes of `el` that the output does not carry.
    pub(super) fn note_attrs(&mut self, el: &Element) {
        let name = el.name();
        for (attr, value) in el.attrs() {
            let handled =
                matches!(
                    (name, attr),
                    ("a", "href")
                        | ("td" | "th", "colspan" | "rowspan")
                        | ("img", "src" | "alt")
                        | ("table", TABLE_MODE_ATTR)
                        | ("iframe" | "embed" | "video" | "audio" | "source", "src")
                        | ("object", "data")
                ) || (name == "code" && attr == "class" && value.starts_with(CODE_LANGUAGE_PREFIX))
                    || (name == "ol" && attr == "start" && value.trim() == "1");
            if !handled {
                let key = if attr.starts_with("data-") {
                    "data-*"
                } else if attr.starts_with("on") {
                    "on* (event handlers)"
                } else {
                    attr
                };
                Warnings::count(&mut self.w.attributes, key);
            }
        }
    }

    /// The inline content of an element.
    pub(super) fn inlines(&mut self, node: NodeRef<'_, Node>) -> Vec<Inline> {
        let mut out = Vec::new();
        for child in node.children() {
            self.inline(child, &mut out);
        }
        out
    }

    /// Appends one node as inline content.
    pub(super) fn inline(&mut self, node: NodeRef<'_, Node>, out: &mut Vec<Inline>) {
        let el = match node.value() {
            Node::Text(t) => return push_text(out, t),
            Node::Element(el) => el,
            _ => return,
        };
        self.note_attrs(el);
        let name = el.name();
        if name == "br" {
            out.push(Inline::Break);
        } else if REMOVED.contains(&name) {
            Warnings::count(&mut self.w.removed, name);
        } else if EMBEDS.contains(&name) {
            self.embed(node, el, out);
        } else if name == "img" {
            match self.image_slot(el) {
                Some(n) => out.push(Inline::Image(n)),
                None => self.w.images_dropped += 1,
            }
        } else if let Some(mark) = mark_of(name) {
            let inner = self.inlines(node);
            if inner.iter().any(visible) {
                out.push(Inline::Marked(mark, inner));
            } else if !inner.is_empty() {
                push_text(out, " ");
            }
        } else if name == "a" {
            self.link(node, el, out);
        } else if is_block(name) {
            self.block_in_inline(node, el, out);
        } else {
            // span, font, code, sup, unknown tags: the text stays, the tag goes.
            Warnings::count(&mut self.w.unwrapped, name);
            for child in node.children() {
                self.inline(child, out);
            }
        }
    }

    fn link(&mut self, node: NodeRef<'_, Node>, el: &Element, out: &mut Vec<Inline>) {
        let inner = self.inlines(node);
        if !inner.iter().any(visible) {
            out.extend(inner);
            return;
        }
        let href = el.attr("href").unwrap_or_default().trim();
        match safe_href(href) {
            Some(href) => out.push(Inline::Link(href, inner)),
            None => {
                if !href.is_empty() {
                    self.w.links.push(href.to_string());
                }
                out.extend(inner);
            }
        }
    }

    /// A block element inside inline content (a list item, a table cell): its text on own lines.
    fn block_in_inline(&mut self, node: NodeRef<'_, Node>, el: &Element, out: &mut Vec<Inline>) {
        let name = el.name();
        match name {
            "hr" => soft_break(out),
            "pre" => {
                soft_break(out);
                self.w.code_blocks.push(String::new());
                let text = super::text::code_text(node);
                for (i, line) in text.lines().enumerate() {
                    if i > 0 {
                        out.push(Inline::Break);
                    }
                    if !line.is_empty() {
                        out.push(Inline::Text(line.to_string()));
                    }
                }
                out.push(Inline::Break);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                Warnings::count(&mut self.w.headings, name);
                soft_break(out);
                let inner = self.inlines(node);
                if inner.iter().any(visible) {
                    out.push(Inline::Marked(Mark::Strong, inner));
                }
                out.push(Inline::Break);
            }
            _ => {
                if name == "table" {
                    self.w.inner_tables += 1;
                }
                if name == "details" {
                    self.w.folded += 1;
                }
                soft_break(out);
                if name == "li" {
                    push_text(out, "· ");
                }
                for child in node.children() {
                    self.inline(child, out);
                    if matches!(name, "tr") {
                        push_text(out, " ");
                    }
                }
                soft_break(out);
            }
        }
    }

    /// An iframe, embed, object, video or audio element: a link to its source, or nothing.
    pub(super) fn embed(&mut self, node: NodeRef<'_, Node>, el: &Element, out: &mut Vec<Inline>) {
        let name = el.name();
        let src = if name == "object" {
            el.attr("data")
        } else {
            el.attr("src")
        };
        let from_source = || {
            node.descendants().find_map(|d| match d.value() {
                Node::Element(e) if e.name() == "source" => e.attr("src"),
                _ => None,
            })
        };
        match src.or_else(from_source).and_then(safe_href) {
            Some(url) => {
                self.w.embeds.push(url.clone());
                let label = if matches!(name, "video" | "audio") {
                    "동영상"
                } else {
                    "삽입된 콘텐츠"
                };
                out.push(Inline::Link(url, vec![Inline::Text(label.into())]));
            }
            None => Warnings::count(&mut self.w.removed, name),
        }
    }

    /// Numbers the next image and matches it to the post's image list by URL.
    pub(super) fn image_slot(&mut self, el: &Element) -> Option<usize> {
        let src = el.attr("src").map(str::trim).filter(|s| !s.is_empty())?;
        let n = self.slots.len() + 1;
        let found = (0..self.images.len()).find(|&i| !self.used[i] && self.images[i].url == src);
        let slot = match found {
            Some(i) => {
                self.used[i] = true;
                let image = &self.images[i];
                ImageSlot {
                    n,
                    url: image.url.clone(),
                    file: image.file.clone(),
                    missing: image.status != AssetStatus::Ok || image.file.is_none(),
                    caption: image.caption.clone(),
                    filename: image.filename.clone(),
                }
            }
            None => ImageSlot {
                n,
                url: src.to_string(),
                file: None,
                missing: true,
                caption: None,
                filename: None,
            },
        };
        self.slots.push(slot);
        Some(n)
    }
}
