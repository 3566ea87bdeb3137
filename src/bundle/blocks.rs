//! The paste-safe body as a small tree of blocks, and its three renderings: the HTML that is pasted
//! into SmartEditor ONE, the plain-text fallback, and the local preview with the images inline.
//! [`super::sanitize`] builds the tree; nothing here reads the source HTML, so whatever this module
//! renders is inside the allow-list by construction (see [`ALLOWED_TAGS`]). Pure.

use std::fmt::Write as _;

/// Every tag the paste-safe HTML can contain. Attributes: `href` on `a`, `colspan`/`rowspan` on `td`/`th`.
pub const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "strong",
    "em",
    "u",
    "s",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "table",
    "tbody",
    "tr",
    "td",
    "th",
    "pre",
];

/// Inline formatting that survives the paste.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    Strong,
    Em,
    Underline,
    Strike,
}

impl Mark {
    fn tag(self) -> &'static str {
        match self {
            Self::Strong => "strong",
            Self::Em => "em",
            Self::Underline => "u",
            Self::Strike => "s",
        }
    }
}

/// Inline content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inline {
    Text(String),
    Break,
    Marked(Mark, Vec<Inline>),
    /// `href` is an absolute http(s) URL.
    Link(String, Vec<Inline>),
    /// An image met where no paragraph can start (a list item, a table cell): its placeholder text.
    Image(usize),
}

/// One list; items hold at most one more level of lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct List {
    pub ordered: bool,
    pub items: Vec<Item>,
}

/// One list item.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Item {
    pub content: Vec<Inline>,
    pub sublists: Vec<List>,
}

/// One table cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cell {
    pub header: bool,
    pub colspan: Option<u32>,
    pub rowspan: Option<u32>,
    pub content: Vec<Inline>,
}

/// A block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Para(Vec<Inline>),
    /// A heading, written as a bold paragraph: SmartEditor ONE makes no heading from pasted HTML.
    Heading(Vec<Inline>),
    List(List),
    Quote(Vec<Block>),
    Rule,
    Table(Vec<Vec<Cell>>),
    /// A code block: plain text in `<pre>`.
    Code(String),
    /// The placeholder paragraph of image `n` (1-based).
    Image(usize),
}

/// The placeholder text of image `n`, as pasted: `[[사진 3]]`, or with a note when the file is missing.
#[must_use]
pub fn placeholder(n: usize, missing: bool) -> String {
    if missing {
        format!("[[사진 {n}: 원본 파일 없음]]")
    } else {
        format!("[[사진 {n}]]")
    }
}

pub(crate) use crate::markup::push_escaped as escape;

/// How image blocks are written: the pasted body shows placeholders, the preview shows files.
pub(crate) type ImageHtml<'a> = &'a dyn Fn(usize) -> String;

/// Renders blocks as HTML; `image` writes each image block.
pub(crate) fn render_html(blocks: &[Block], image: ImageHtml<'_>) -> String {
    let mut out = String::new();
    for block in blocks {
        block_html(block, image, &mut out);
        out.push('\n');
    }
    out
}

fn block_html(block: &Block, image: ImageHtml<'_>, out: &mut String) {
    match block {
        Block::Para(content) => {
            out.push_str("<p>");
            inlines_html(content, out);
            out.push_str("</p>");
        }
        Block::Heading(content) => {
            out.push_str("<p><strong>");
            inlines_html(content, out);
            out.push_str("</strong></p>");
        }
        Block::List(list) => list_html(list, out),
        Block::Quote(blocks) => {
            out.push_str("<blockquote>");
            for b in blocks {
                block_html(b, image, out);
            }
            out.push_str("</blockquote>");
        }
        Block::Rule => out.push_str("<hr>"),
        Block::Table(rows) => {
            out.push_str("<table><tbody>");
            for row in rows {
                out.push_str("<tr>");
                for cell in row {
                    let tag = if cell.header { "th" } else { "td" };
                    let _ = write!(out, "<{tag}");
                    if let Some(n) = cell.colspan {
                        let _ = write!(out, " colspan=\"{n}\"");
                    }
                    if let Some(n) = cell.rowspan {
                        let _ = write!(out, " rowspan=\"{n}\"");
                    }
                    out.push('>');
                    inlines_html(&cell.content, out);
                    let _ = write!(out, "</{tag}>");
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table>");
        }
        Block::Code(text) => {
            out.push_str("<pre>");
            escape(text, out);
            out.push_str("</pre>");
        }
        Block::Image(n) => out.push_str(&image(*n)),
    }
}

/// The `href` of every link in `blocks`, in the order [`render_html`] writes them: the links of the
/// pasted body read from the tree it was rendered from, not from parsing its HTML again.
pub(crate) fn link_hrefs(blocks: &[Block]) -> Vec<&str> {
    fn inlines<'b>(content: &'b [Inline], out: &mut Vec<&'b str>) {
        for inline in content {
            match inline {
                Inline::Link(href, inner) => {
                    out.push(href);
                    inlines(inner, out);
                }
                Inline::Marked(_, inner) => inlines(inner, out),
                Inline::Text(_) | Inline::Break | Inline::Image(_) => {}
            }
        }
    }
    fn list<'b>(l: &'b List, out: &mut Vec<&'b str>) {
        for item in &l.items {
            inlines(&item.content, out);
            for sub in &item.sublists {
                list(sub, out);
            }
        }
    }
    fn block<'b>(b: &'b Block, out: &mut Vec<&'b str>) {
        match b {
            Block::Para(content) | Block::Heading(content) => inlines(content, out),
            Block::List(l) => list(l, out),
            Block::Quote(blocks) => blocks.iter().for_each(|b| block(b, out)),
            Block::Table(rows) => rows
                .iter()
                .flatten()
                .for_each(|cell| inlines(&cell.content, out)),
            Block::Rule | Block::Code(_) | Block::Image(_) => {}
        }
    }
    let mut out = Vec::new();
    blocks.iter().for_each(|b| block(b, &mut out));
    out
}

fn list_html(list: &List, out: &mut String) {
    let tag = if list.ordered { "ol" } else { "ul" };
    let _ = write!(out, "<{tag}>");
    for item in &list.items {
        out.push_str("<li>");
        inlines_html(&item.content, out);
        for sub in &item.sublists {
            list_html(sub, out);
        }
        out.push_str("</li>");
    }
    let _ = write!(out, "</{tag}>");
}

fn inlines_html(content: &[Inline], out: &mut String) {
    for inline in content {
        match inline {
            Inline::Text(t) => escape(t, out),
            Inline::Break => out.push_str("<br>"),
            Inline::Marked(mark, inner) => {
                let _ = write!(out, "<{}>", mark.tag());
                inlines_html(inner, out);
                let _ = write!(out, "</{}>", mark.tag());
            }
            Inline::Link(href, inner) => {
                out.push_str("<a href=\"");
                escape(href, out);
                out.push_str("\">");
                inlines_html(inner, out);
                out.push_str("</a>");
            }
            Inline::Image(n) => {
                // Inside a list item or cell: the placeholder only, never a file.
                escape(&placeholder(*n, false), out);
            }
        }
    }
}

/// Renders blocks as plain text, blocks separated by blank lines; `image` names each image block.
pub(crate) fn render_text(blocks: &[Block], image: &dyn Fn(usize) -> String) -> String {
    let parts: Vec<String> = blocks.iter().map(|b| block_text(b, image)).collect();
    let mut text = parts.join("\n\n");
    text.push('\n');
    text
}

fn block_text(block: &Block, image: &dyn Fn(usize) -> String) -> String {
    match block {
        Block::Para(c) | Block::Heading(c) => inline_text(c),
        Block::List(list) => {
            let mut lines = Vec::new();
            list_text(list, 0, &mut lines);
            lines.join("\n")
        }
        Block::Quote(blocks) => blocks
            .iter()
            .map(|b| block_text(b, image))
            .collect::<Vec<_>>()
            .join("\n\n")
            .lines()
            .map(|l| format!("> {l}").trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        Block::Rule => "----------".to_string(),
        Block::Table(rows) => rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|c| inline_text(&c.content).replace('\n', " "))
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Block::Code(text) => text.trim_end_matches('\n').to_string(),
        Block::Image(n) => image(*n),
    }
}

fn list_text(list: &List, depth: usize, lines: &mut Vec<String>) {
    for (i, item) in list.items.iter().enumerate() {
        let marker = if list.ordered {
            format!("{}.", i + 1)
        } else {
            "-".to_string()
        };
        let indent = "   ".repeat(depth);
        let text = inline_text(&item.content).replace('\n', &format!("\n{indent}   "));
        lines.push(format!("{indent}{marker} {text}"));
        for sub in &item.sublists {
            list_text(sub, depth + 1, lines);
        }
    }
}

fn inline_text(content: &[Inline]) -> String {
    let mut s = String::new();
    for inline in content {
        match inline {
            Inline::Text(t) => s.push_str(t),
            Inline::Break => s.push('\n'),
            Inline::Marked(_, inner) => s.push_str(&inline_text(inner)),
            Inline::Link(href, inner) => {
                let label = inline_text(inner);
                if label.trim() == href.as_str() {
                    s.push_str(href);
                } else {
                    let _ = write!(s, "{label} ({href})");
                }
            }
            Inline::Image(n) => s.push_str(&placeholder(*n, false)),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_string())
    }

    #[test]
    fn renders_every_block() {
        let blocks = vec![
            Block::Heading(vec![text("제목")]),
            Block::Para(vec![
                text("a < b & "),
                Inline::Marked(Mark::Strong, vec![text("굵게")]),
                Inline::Break,
                Inline::Link("https://x.example/?a=1&b=2".into(), vec![text("링크")]),
            ]),
            Block::List(List {
                ordered: true,
                items: vec![Item {
                    content: vec![text("하나")],
                    sublists: vec![List {
                        ordered: false,
                        items: vec![Item {
                            content: vec![text("둘")],
                            sublists: vec![],
                        }],
                    }],
                }],
            }),
            Block::Image(1),
            Block::Code("fn x() -> u8 {\n  1\n}".into()),
            Block::Rule,
        ];
        let html = render_html(&blocks, &|n| format!("<p>{}</p>", placeholder(n, false)));
        assert_eq!(
            html,
            "<p><strong>제목</strong></p>\n<p>a &lt; b &amp; <strong>굵게</strong><br><a href=\"https://x.example/?a=1&amp;b=2\">링크</a></p>\n<ol><li>하나<ul><li>둘</li></ul></li></ol>\n<p>[[사진 1]]</p>\n<pre>fn x() -&gt; u8 {\n  1\n}</pre>\n<hr>\n"
        );
        let text = render_text(&blocks, &|n| placeholder(n, true));
        assert_eq!(
            text,
            "제목\n\na < b & 굵게\n링크 (https://x.example/?a=1&b=2)\n\n1. 하나\n   - 둘\n\n[[사진 1: 원본 파일 없음]]\n\nfn x() -> u8 {\n  1\n}\n\n----------\n"
        );
    }
}
