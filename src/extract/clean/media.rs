//! Media blocks: images of both editor generations (figures, grids, slides, bare `img`), inline SVG
//! drawings (kept, minus everything executable), videos, iframes and maps (a link, never an iframe).

use std::fmt::Write as _;

use ego_tree::NodeRef;
use scraper::Node;

use super::super::images::original_url;
use super::super::url_safety::{is_dangerous_animation, is_safe_attribute};
use super::{Cleaner, escape_attr, escape_prose, escape_text, text_of};
use crate::model::{AssetStatus, Image};

impl Cleaner<'_> {
    /// Image blocks of both editor generations: every `img` (or `span[data-url]` without one).
    pub(super) fn image_block(&mut self, node: NodeRef<'_, Node>) {
        let mut found: Vec<(String, String, Option<String>)> = Vec::new();
        let consider = |n: NodeRef<'_, Node>, found: &mut Vec<(String, String, Option<String>)>| {
            let Node::Element(e) = n.value() else { return };
            if e.name() != "img" {
                return;
            }
            // The wrapping span[data-url] holds the original; img src may be a thumbnail.
            let wrapper = n.parent().and_then(|p| match p.value() {
                Node::Element(pe) => pe.attr("data-url").or_else(|| pe.attr("data-phocus")),
                _ => None,
            });
            let candidates = [
                wrapper,
                e.attr("data-origin-src"),
                e.attr("data-src")
                    .filter(|_| e.attr("src").is_none_or(|s| s.trim().is_empty())),
                e.attr("src"),
                e.attr("data-src"),
            ];
            if let Some(url) = candidates
                .into_iter()
                .flatten()
                .find_map(|c| original_url(c, self.base))
                && !is_tistory_chrome(&url)
            {
                let alt = e
                    .attr("alt")
                    .or_else(|| e.attr("data-alt"))
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                let filename = e
                    .attr("data-filename")
                    .or_else(|| e.attr("filename"))
                    .map(str::to_string);
                found.push((url, alt, filename));
            }
        };
        for d in node.descendants() {
            consider(d, &mut found);
        }
        let caption = node
            .descendants()
            .find(|d| matches!(d.value(), Node::Element(e) if e.name() == "figcaption"))
            .map(text_of)
            .filter(|c| !c.is_empty());
        if found.is_empty() {
            return;
        }
        self.image_figure(&found, caption.as_deref());
    }

    /// An inline SVG drawing is content (diagrams, Excalidraw exports): kept as SVG, minus
    /// scripts, styles, `foreignObject` and event handlers.
    pub(super) fn svg(&mut self, node: NodeRef<'_, Node>) {
        self.out.html.push_str("<p>");
        serialize_svg(node, &mut self.out.html);
        self.out.html.push_str("</p>");
        self.at_line_start = false;
    }

    pub(super) fn image_figure(
        &mut self,
        images: &[(String, String, Option<String>)],
        caption: Option<&str>,
    ) {
        self.out.html.push_str("<figure>");
        for (url, alt, filename) in images {
            let _ = write!(
                self.out.html,
                "<p><img src=\"{}\" alt=\"{}\"></p>",
                escape_attr(url),
                escape_attr(alt)
            );
            self.out.images.push(Image {
                url: url.clone(),
                file: None,
                status: AssetStatus::Remote,
                filename: filename.clone().filter(|f| !f.is_empty()),
                caption: caption.map(str::to_string),
            });
        }
        if let Some(caption) = caption {
            self.out.html.push_str("<figcaption>");
            escape_prose(caption, &mut self.out.html);
            self.out.html.push_str("</figcaption>");
        }
        self.out.html.push_str("</figure>");
    }

    pub(super) fn video(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element) {
        let src = el.attr("data-video-url").map(str::to_string).or_else(|| {
            node.descendants().find_map(|d| match d.value() {
                Node::Element(e) if e.name() == "iframe" => e.attr("src").map(str::to_string),
                _ => None,
            })
        });
        match src.and_then(|s| original_url(&s, self.base)) {
            Some(url) => self.embed_link(&watch_url(&url), "동영상"),
            None => self
                .out
                .warnings
                .push("a video block without a URL was dropped".into()),
        }
    }

    pub(super) fn iframe(&mut self, el: &scraper::node::Element) {
        let Some(src) = el.attr("src").and_then(|s| original_url(s, self.base)) else {
            return;
        };
        if el.attr("data-ke-type") == Some("map") {
            let place = el
                .attr("data-maps-data")
                .and_then(|d| d.split('&').find_map(|kv| kv.strip_prefix("addr=")))
                .map(|a| {
                    url::form_urlencoded::parse(format!("a={a}").as_bytes())
                        .map(|(_, v)| v.into_owned())
                        .collect::<String>()
                })
                .filter(|a| !a.trim().is_empty());
            let label = place.map_or_else(|| "지도".to_string(), |p| format!("지도: {p}"));
            return self.embed_link(&src, &label);
        }
        let label = if is_video_host(&src) {
            "동영상"
        } else {
            "삽입된 콘텐츠"
        };
        self.embed_link(&watch_url(&src), label);
    }

    pub(super) fn embed_link(&mut self, url: &str, label: &str) {
        let _ = write!(self.out.html, "<p><a href=\"{}\">", escape_attr(url));
        escape_prose(label, &mut self.out.html);
        self.out.html.push_str("</a></p>");
    }
}

fn serialize_svg(node: NodeRef<'_, Node>, out: &mut String) {
    match node.value() {
        Node::Text(t) => {
            // One line: SVG collapses white space in text anyway, and a blank line would end the
            // HTML block the drawing becomes in Markdown.
            let one_line: String = t
                .chars()
                .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
                .collect();
            escape_text(&one_line, out);
        }
        Node::Element(e) => {
            if matches!(
                e.name(),
                "script" | "style" | "foreignObject" | "foreignobject" | "iframe"
            ) || is_dangerous_animation(
                e.name(),
                e.attr("attributeName").or_else(|| e.attr("attributename")),
            ) {
                return;
            }
            let _ = write!(out, "<{}", e.name());
            for (name, value) in e.attrs() {
                if !is_safe_attribute(name, value) {
                    continue;
                }
                let _ = write!(out, " {name}=\"{}\"", escape_attr(value).replace('\n', " "));
            }
            out.push('>');
            for child in node.children() {
                serialize_svg(child, out);
            }
            let _ = write!(out, "</{}>", e.name());
        }
        _ => {}
    }
}

/// Tistory's own icons and placeholders (`t1.daumcdn.net/tistory_admin/…`): never post content.
fn is_tistory_chrome(url: &str) -> bool {
    url.contains("/tistory_admin/")
}

fn is_video_host(url: &str) -> bool {
    [
        "youtube.com",
        "youtu.be",
        "vimeo.com",
        "tv.kakao.com",
        "play-tv.kakao.com",
        "tv.naver.com",
        "dailymotion.com",
    ]
    .iter()
    .any(|h| url.contains(h))
}

/// `https://www.youtube.com/embed/ID?…` → `https://www.youtube.com/watch?v=ID`; other URLs unchanged.
fn watch_url(url: &str) -> String {
    for prefix in [
        "https://www.youtube.com/embed/",
        "https://youtube.com/embed/",
        "https://www.youtube-nocookie.com/embed/",
    ] {
        if let Some(rest) = url.strip_prefix(prefix) {
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if !id.is_empty() {
                return format!("https://www.youtube.com/watch?v={id}");
            }
        }
    }
    url.to_string()
}
