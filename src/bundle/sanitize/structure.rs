//! Lists, tables and code blocks of the paste-safe profile. Lists keep two levels: anything
//! deeper moves up into the second level, in order. Tables keep rows and cells (`th`/`td`) with
//! `colspan`/`rowspan`; a caption becomes the paragraph before the table. Code blocks keep their
//! text exactly, as plain text in `<pre>`.

use ego_tree::NodeRef;
use scraper::Node;
use scraper::node::Element;

use super::Sanitizer;
use super::text::{code_text, trimmed};
use crate::bundle::blocks::{Block, Cell, Inline, Item, List};
use crate::model::body::CODE_LANGUAGE_PREFIX;

fn language(pre: &Element, node: NodeRef<'_, Node>) -> String {
    let from_code = node.children().find_map(|c| match c.value() {
        Node::Element(e) if e.name() == "code" => e
            .classes()
            .find_map(|c| c.strip_prefix(CODE_LANGUAGE_PREFIX))
            .map(str::to_string),
        _ => None,
    });
    from_code
        .or_else(|| pre.attr("data-ke-language").map(str::to_string))
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_list(node: &NodeRef<'_, Node>) -> Option<bool> {
    match node.value() {
        Node::Element(e) if e.name() == "ul" => Some(false),
        Node::Element(e) if e.name() == "ol" => Some(true),
        _ => None,
    }
}

impl Sanitizer<'_> {
    /// A list at `depth` (1 = top level).
    pub(super) fn list(&mut self, node: NodeRef<'_, Node>, ordered: bool, depth: usize) -> List {
        let mut list = List {
            ordered,
            items: Vec::new(),
        };
        for child in node.children() {
            match child.value() {
                Node::Element(e) if e.name() == "li" => {
                    self.note_attrs(e);
                    self.item(child, depth, &mut list);
                }
                Node::Element(e) if is_list(&child).is_some() => {
                    // A list straight inside a list (old editors): it belongs to the item before it.
                    self.note_attrs(e);
                    let sub_ordered = e.name() == "ol";
                    if depth == 1 {
                        let sub = self.list(child, sub_ordered, 2);
                        match list.items.last_mut() {
                            Some(last) if !sub.items.is_empty() => last.sublists.push(sub),
                            _ => list.items.extend(sub.items),
                        }
                    } else {
                        self.w.lists_flattened += 1;
                        list.items
                            .extend(self.list(child, sub_ordered, depth + 1).items);
                    }
                }
                Node::Text(t) if t.trim().is_empty() => {}
                _ => {
                    let mut content = Vec::new();
                    self.inline(child, &mut content);
                    if let Some(content) = trimmed(content) {
                        list.items.push(Item {
                            content,
                            sublists: Vec::new(),
                        });
                    }
                }
            }
        }
        list
    }

    fn item(&mut self, li: NodeRef<'_, Node>, depth: usize, list: &mut List) {
        let mut item = Item::default();
        let mut after = Vec::new();
        for child in li.children() {
            if let (Some(ordered), Node::Element(e)) = (is_list(&child), child.value()) {
                self.note_attrs(e);
                if depth == 1 {
                    let sub = self.list(child, ordered, 2);
                    if !sub.items.is_empty() {
                        item.sublists.push(sub);
                    }
                } else {
                    self.w.lists_flattened += 1;
                    after.extend(self.list(child, ordered, depth + 1).items);
                }
                continue;
            }
            self.inline(child, &mut item.content);
        }
        item.content = trimmed(std::mem::take(&mut item.content)).unwrap_or_default();
        if !item.content.is_empty() || !item.sublists.is_empty() {
            list.items.push(item);
        }
        list.items.extend(after);
    }

    /// A table (or a stray row or cell): the caption paragraph, then the table.
    pub(super) fn table(&mut self, node: NodeRef<'_, Node>) -> Vec<Block> {
        let mut rows = Vec::new();
        let mut caption = Vec::new();
        let mut merged = false;
        self.rows(node, &mut rows, &mut caption, &mut merged);
        if merged {
            self.w.merged_tables += 1;
        }
        let mut out = Vec::new();
        if let Some(caption) = trimmed(caption) {
            out.push(Block::Para(caption));
        }
        if !rows.is_empty() {
            out.push(Block::Table(rows));
        }
        out
    }

    fn rows(
        &mut self,
        node: NodeRef<'_, Node>,
        rows: &mut Vec<Vec<Cell>>,
        caption: &mut Vec<Inline>,
        merged: &mut bool,
    ) {
        let Node::Element(el) = node.value() else {
            return;
        };
        match el.name() {
            "tr" => {
                let mut row = Vec::new();
                for child in node.children() {
                    match child.value() {
                        Node::Element(e) if matches!(e.name(), "td" | "th") => {
                            self.note_attrs(e);
                            row.push(self.cell(child, e, merged));
                        }
                        Node::Text(t) if t.trim().is_empty() => {}
                        _ => {
                            let mut content = Vec::new();
                            self.inline(child, &mut content);
                            if let Some(content) = trimmed(content) {
                                row.push(plain_cell(content));
                            }
                        }
                    }
                }
                if !row.is_empty() {
                    rows.push(row);
                }
            }
            "td" | "th" => rows.push(vec![self.cell(node, el, merged)]),
            _ => {
                for child in node.children() {
                    match child.value() {
                        Node::Element(e)
                            if matches!(
                                e.name(),
                                "thead" | "tbody" | "tfoot" | "tr" | "td" | "th"
                            ) =>
                        {
                            self.note_attrs(e);
                            self.rows(child, rows, caption, merged);
                        }
                        Node::Element(e) if e.name() == "caption" => {
                            self.note_attrs(e);
                            for c in child.children() {
                                self.inline(c, caption);
                            }
                        }
                        Node::Element(e) if matches!(e.name(), "colgroup" | "col") => {}
                        Node::Text(t) if t.trim().is_empty() => {}
                        _ => {
                            let mut content = Vec::new();
                            self.inline(child, &mut content);
                            if let Some(content) = trimmed(content) {
                                rows.push(vec![plain_cell(content)]);
                            }
                        }
                    }
                }
            }
        }
    }

    fn cell(&mut self, node: NodeRef<'_, Node>, el: &Element, merged: &mut bool) -> Cell {
        let span = |attr: &str| {
            el.attr(attr)
                .and_then(|v| v.trim().parse::<u32>().ok())
                .filter(|&n| n > 1)
                .map(|n| n.min(1000))
        };
        let (colspan, rowspan) = (span("colspan"), span("rowspan"));
        *merged |= colspan.is_some() || rowspan.is_some();
        let content = trimmed(self.inlines(node)).unwrap_or_default();
        Cell {
            header: el.name() == "th",
            colspan,
            rowspan,
            content,
        }
    }

    /// A code block, or nothing when it holds no text.
    pub(super) fn code(&mut self, node: NodeRef<'_, Node>, el: &Element) -> Option<Block> {
        let text = code_text(node);
        if text.trim().is_empty() {
            return None;
        }
        self.w.code_blocks.push(language(el, node));
        Some(Block::Code(text))
    }
}

fn plain_cell(content: Vec<Inline>) -> Cell {
    Cell {
        header: false,
        colspan: None,
        rowspan: None,
        content,
    }
}
