//! What the sanitizer dropped or changed, counted while it walks the body and written out once as
//! short warning strings (`code: message`). The code is stable, for tools (the desk can translate
//! it); the message is for people. Pure.

use std::collections::BTreeMap;

/// Counts of everything the paste-safe profile dropped or changed in one body.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    /// Elements removed with their content (`script`, `style`, `svg`, ...).
    pub removed: BTreeMap<String, usize>,
    /// Elements whose formatting was removed and text kept (`code`, `sup`, `span`, ...).
    pub unwrapped: BTreeMap<String, usize>,
    /// Attributes removed (`class`, `id`, `style`, `data-*`, `on*`, ...).
    pub attributes: BTreeMap<String, usize>,
    /// Link targets that were not absolute http(s) URLs (the text is kept).
    pub links: Vec<String>,
    /// Headings by tag, written as bold paragraphs.
    pub headings: BTreeMap<String, usize>,
    /// Lists nested deeper than two levels, flattened.
    pub lists_flattened: usize,
    /// Code blocks, by language (`""` when none).
    pub code_blocks: Vec<String>,
    /// 더보기 blocks shown open.
    pub folded: usize,
    /// Tables with merged cells.
    pub merged_tables: usize,
    /// Tables inside list items or cells, made text.
    pub inner_tables: usize,
    /// Quotes inside quotes, flattened.
    pub inner_quotes: usize,
    /// Embedded content (iframe, video, ...) written as a link.
    pub embeds: Vec<String>,
    /// Images without a usable source, dropped.
    pub images_dropped: usize,
    /// Messages that are complete on their own (missing images).
    pub other: Vec<String>,
}

fn counts(map: &BTreeMap<String, usize>) -> String {
    map.iter()
        .map(|(k, n)| format!("{k} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn examples(list: &[String]) -> String {
    let mut shown: Vec<String> = list
        .iter()
        .take(3)
        .map(|s| {
            if s.chars().count() > 60 {
                format!("{}…", s.chars().take(60).collect::<String>())
            } else {
                s.clone()
            }
        })
        .collect();
    if list.len() > 3 {
        shown.push(format!("and {} more", list.len() - 3));
    }
    shown.join(", ")
}

impl Warnings {
    /// Counts one more of `key` in `map`.
    pub(crate) fn count(map: &mut BTreeMap<String, usize>, key: &str) {
        *map.entry(key.to_string()).or_default() += 1;
    }

    /// The warning strings, in a fixed order.
    pub(crate) fn finish(self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.headings.is_empty() {
            let n: usize = self.headings.values().sum();
            out.push(format!(
                "heading_as_bold: {n} heading(s) ({}) written as bold paragraphs; SmartEditor ONE makes no heading from pasted HTML",
                counts(&self.headings)
            ));
        }
        if !self.code_blocks.is_empty() {
            let mut langs: Vec<&str> = self
                .code_blocks
                .iter()
                .filter(|l| !l.is_empty())
                .map(String::as_str)
                .collect();
            langs.dedup();
            let langs = if langs.is_empty() {
                String::new()
            } else {
                format!(" ({})", langs.join(", "))
            };
            out.push(format!(
                "code_block: {} code block(s){langs} pasted as plain monospace text; the editor's 소스코드 component is not made by pasting",
                self.code_blocks.len()
            ));
        }
        if self.folded > 0 {
            out.push(format!(
                "folded_block_opened: {} 더보기 (folded) block(s) shown open, the label as a bold line",
                self.folded
            ));
        }
        if self.lists_flattened > 0 {
            out.push(format!(
                "list_flattened: {} list(s) nested deeper than two levels moved up to the second level",
                self.lists_flattened
            ));
        }
        if self.merged_tables > 0 {
            out.push(format!(
                "table_merged_cells: {} table(s) with merged cells (colspan/rowspan); check them after pasting",
                self.merged_tables
            ));
        }
        if self.inner_tables > 0 {
            out.push(format!(
                "table_flattened: {} table(s) inside a list item or a table cell became text",
                self.inner_tables
            ));
        }
        if self.inner_quotes > 0 {
            out.push(format!(
                "quote_flattened: {} quote(s) inside a quote merged into the outer quote",
                self.inner_quotes
            ));
        }
        if !self.embeds.is_empty() {
            out.push(format!(
                "embed_as_link: {} embedded item(s) written as a link: {}",
                self.embeds.len(),
                examples(&self.embeds)
            ));
        }
        if !self.links.is_empty() {
            out.push(format!(
                "link_removed: {} link(s) kept as text because the target is not an absolute http(s) URL: {}",
                self.links.len(),
                examples(&self.links)
            ));
        }
        if !self.removed.is_empty() {
            out.push(format!(
                "element_removed: removed with their content: {}",
                counts(&self.removed)
            ));
        }
        if !self.unwrapped.is_empty() {
            out.push(format!(
                "formatting_removed: tags removed, text kept: {}",
                counts(&self.unwrapped)
            ));
        }
        if !self.attributes.is_empty() {
            out.push(format!("attribute_removed: {}", counts(&self.attributes)));
        }
        if self.images_dropped > 0 {
            out.push(format!(
                "image_dropped: {} image(s) without a usable source were left out",
                self.images_dropped
            ));
        }
        out.extend(self.other);
        out
    }
}
