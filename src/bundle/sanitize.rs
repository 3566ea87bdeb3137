//! The paste-safe HTML profile for SmartEditor ONE: an allow-list walk over a post's cleaned body
//! (`Post.body.html`) that keeps paragraphs, line breaks, bold/italic/underline/strike, links with
//! absolute http(s) targets, lists two levels deep, quotes, rules, simple tables (`colspan`/`rowspan`
//! only) and code as plain text in `<pre>`. Headings become bold paragraphs and 더보기 blocks are
//! shown open (the editor makes neither from pasted HTML, research A3.1). No `id`, `class`, `style`,
//! `data-*` or event attribute survives, and no `img`: every image becomes a placeholder paragraph
//! `[[사진 N]]`, numbered in body order, with its caption after it. Everything dropped or changed is
//! counted in a warning. Pure: HTML and the image list in, a [`SafeBody`] out.

use ego_tree::NodeRef;
use scraper::node::Element;
use scraper::{Html, Node};
use serde::Serialize;

mod inline;
mod structure;
mod text;

use super::blocks::{Block, Inline, Mark, placeholder, render_html, render_text};
use super::warnings::Warnings;
use crate::model::Image;

/// One image of the body, in body order: where it goes (`[[사진 n]]`) and which file it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageSlot {
    /// 1-based number in body order, as in the placeholder.
    pub n: usize,
    /// The original image URL.
    pub url: String,
    /// The archived file, relative to the archive, when there is one.
    pub file: Option<String>,
    /// True when the image was not archived: the placeholder says so.
    pub missing: bool,
    /// The caption, when the post has one for it.
    pub caption: Option<String>,
    /// The file name the editor recorded, if any.
    pub filename: Option<String>,
}

/// A body in the paste-safe profile.
#[derive(Debug, Clone)]
pub struct SafeBody {
    /// The HTML to paste (allow-listed tags only; image placeholders as paragraphs).
    pub html: String,
    /// The plain-text fallback.
    pub text: String,
    /// What was dropped or changed (`code: message`).
    pub warnings: Vec<String>,
    /// The images in body order.
    pub image_slots: Vec<ImageSlot>,
    blocks: Vec<Block>,
}

impl SafeBody {
    /// The same body with a last paragraph (the footer) added.
    #[must_use]
    pub fn with_footer(mut self, footer: &str) -> Self {
        let text = footer.trim();
        if !text.is_empty() {
            self.blocks
                .push(Block::Para(vec![Inline::Text(text.to_string())]));
            self.render();
        }
        self
    }

    /// A local preview page: the body with each image shown from the file `image_src(slot)` names
    /// (a path relative to the page), its placeholder under it.
    #[must_use]
    pub fn preview_html(
        &self,
        title: &str,
        image_src: &dyn Fn(&ImageSlot) -> Option<String>,
    ) -> String {
        let image = |n: usize| {
            let Some(slot) = self.image_slots.get(n.saturating_sub(1)) else {
                return format!("<p>{}</p>", placeholder(n, true));
            };
            let label = placeholder(n, slot.missing);
            match image_src(slot) {
                Some(src) if !slot.missing => {
                    let mut s = String::from("<figure><img src=\"");
                    super::blocks::escape(&src, &mut s);
                    s.push_str("\" alt=\"\"><figcaption>");
                    super::blocks::escape(&label, &mut s);
                    s.push_str("</figcaption></figure>");
                    s
                }
                _ => format!("<p class=\"missing\">{label}</p>"),
            }
        };
        let body = render_html(&self.blocks, &image);
        let mut t = String::new();
        super::blocks::escape(title, &mut t);
        format!(
            "<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\"><title>{t}</title>\n<style>body{{max-width:46em;margin:2em auto;padding:0 1em;font-family:sans-serif;line-height:1.7}}figure{{margin:1em 0;text-align:center}}img{{max-width:100%}}figcaption,.missing{{color:#a33;font-weight:bold}}pre{{background:#f4f4f4;padding:.8em;overflow:auto}}table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.3em .6em}}blockquote{{border-left:4px solid #ccc;margin-left:0;padding-left:1em}}</style>\n</head><body>\n<h1>{t}</h1>\n{body}</body></html>\n"
        )
    }

    /// The `href` of every link of the pasted body, in body order (read from the sanitised tree:
    /// the body is parsed once, by [`sanitize`]).
    #[must_use]
    pub fn link_hrefs(&self) -> Vec<&str> {
        super::blocks::link_hrefs(&self.blocks)
    }

    fn render(&mut self) {
        let slots = &self.image_slots;
        let missing = |n: usize| slots.get(n.saturating_sub(1)).is_none_or(|s| s.missing);
        self.html = render_html(&self.blocks, &|n| {
            format!("<p>{}</p>", placeholder(n, missing(n)))
        });
        self.text = render_text(&self.blocks, &|n| placeholder(n, missing(n)));
    }
}

/// Sanitizes a cleaned body. `images` is the post's image list in body order (`Body.images` with
/// `file`/`status` filled in from the archive): each `img` is matched to it by URL.
#[must_use]
pub fn sanitize(html: &str, images: &[Image]) -> SafeBody {
    crate::extract::probe::record_body_parse();
    let doc = Html::parse_fragment(html);
    let mut s = Sanitizer {
        images,
        used: vec![false; images.len()],
        slots: Vec::new(),
        w: Warnings::default(),
    };
    let blocks = s.blocks(*doc.root_element(), false);
    for slot in s.slots.iter().filter(|s| s.missing) {
        s.w.other.push(format!(
            "image_missing: 사진 {} was not archived ({}); the body says {}",
            slot.n,
            slot.url,
            placeholder(slot.n, true)
        ));
    }
    let mut body = SafeBody {
        html: String::new(),
        text: String::new(),
        warnings: s.w.finish(),
        image_slots: s.slots,
        blocks,
    };
    body.render();
    body
}

struct Sanitizer<'a> {
    images: &'a [Image],
    used: Vec<bool>,
    slots: Vec<ImageSlot>,
    w: Warnings,
}

/// Elements dropped with everything inside them.
const REMOVED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "canvas", "form", "input", "button",
    "select", "textarea", "option", "head", "title", "meta", "link", "base", "frameset", "frame",
    "applet", "param", "track", "map", "area", "dialog",
];
/// Elements that embed remote content: written as a link to their source.
const EMBEDS: &[&str] = &["iframe", "embed", "object", "video", "audio"];
/// Block containers whose content is kept, the container itself not.
const CONTAINERS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "center",
    "main",
    "header",
    "footer",
    "aside",
    "address",
    "nav",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "caption",
    "li",
    "summary",
    "body",
    "html",
];

fn is_block(name: &str) -> bool {
    CONTAINERS.contains(&name)
        || matches!(
            name,
            "h1" | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "ul"
                | "ol"
                | "blockquote"
                | "hr"
                | "table"
                | "thead"
                | "tbody"
                | "tfoot"
                | "tr"
                | "td"
                | "th"
                | "pre"
                | "details"
        )
}

fn flush(para: &mut Vec<Inline>, out: &mut Vec<Block>) {
    if let Some(content) = text::trimmed(std::mem::take(para)) {
        out.push(Block::Para(content));
    }
}

fn is_summary(node: &NodeRef<'_, Node>) -> bool {
    matches!(node.value(), Node::Element(e) if e.name() == "summary")
}

impl Sanitizer<'_> {
    /// The blocks of a container.
    fn blocks(&mut self, node: NodeRef<'_, Node>, in_quote: bool) -> Vec<Block> {
        self.blocks_of(node.children(), in_quote)
    }

    /// The blocks of a run of sibling nodes: inline content gathers into paragraphs, each block
    /// element closes the paragraph before it.
    fn blocks_of<'n>(
        &mut self,
        nodes: impl Iterator<Item = NodeRef<'n, Node>>,
        in_quote: bool,
    ) -> Vec<Block> {
        let mut out = Vec::new();
        let mut para = Vec::new();
        for child in nodes {
            match child.value() {
                Node::Text(t) => inline::push_text(&mut para, t),
                Node::Element(el) if is_block(el.name()) || el.name() == "img" => {
                    flush(&mut para, &mut out);
                    self.note_attrs(el);
                    self.block(child, el, in_quote, &mut out);
                }
                Node::Element(el) if EMBEDS.contains(&el.name()) => {
                    flush(&mut para, &mut out);
                    self.note_attrs(el);
                    let mut link = Vec::new();
                    self.embed(child, el, &mut link);
                    flush(&mut link, &mut out);
                }
                Node::Element(_) => self.inline(child, &mut para),
                _ => {}
            }
        }
        flush(&mut para, &mut out);
        out
    }

    fn block(
        &mut self,
        node: NodeRef<'_, Node>,
        el: &Element,
        in_quote: bool,
        out: &mut Vec<Block>,
    ) {
        let name = el.name();
        match name {
            "img" => match self.image_slot(el) {
                Some(n) => out.push(Block::Image(n)),
                None => self.w.images_dropped += 1,
            },
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                Warnings::count(&mut self.w.headings, name);
                if let Some(content) = text::trimmed(self.inlines(node)) {
                    out.push(Block::Heading(content));
                }
            }
            "ul" | "ol" => {
                let list = self.list(node, name == "ol", 1);
                if !list.items.is_empty() {
                    out.push(Block::List(list));
                }
            }
            "blockquote" => {
                let inner = self.blocks(node, true);
                if in_quote {
                    self.w.inner_quotes += 1;
                    out.extend(inner);
                } else if !inner.is_empty() {
                    out.push(Block::Quote(inner));
                }
            }
            "hr" => out.push(Block::Rule),
            "table" | "thead" | "tbody" | "tfoot" | "tr" | "td" | "th" => {
                out.extend(self.table(node));
            }
            "pre" => out.extend(self.code(node, el)),
            "details" => {
                self.w.folded += 1;
                let label = node
                    .children()
                    .find(is_summary)
                    .and_then(|s| text::trimmed(self.inlines(s)))
                    .unwrap_or_else(|| vec![Inline::Text("더보기".into())]);
                out.push(Block::Para(vec![Inline::Marked(Mark::Strong, label)]));
                let inner = self.blocks_of(node.children().filter(|c| !is_summary(c)), in_quote);
                out.extend(inner);
            }
            _ => out.extend(self.blocks(node, in_quote)),
        }
    }
}

#[cfg(test)]
mod tests;
