//! The cleaned body's conventions: the contract between the clean-up that writes `Body.html`
//! ([`crate::extract`]) and the stages that read it ([`crate::convert`], [`crate::bundle`]).
//! `Body.html` is small, plain HTML (see the clean-up's table in `extract::clean`) plus these
//! markers, and nothing else the readers must know about. Producer and readers use the constants
//! here, never the literals, so a marker cannot change on one side only; `tests/it/body_contract.rs`
//! checks that extract writes each one and that convert and bundle read it.
//!
//! | marker | written by | read by |
//! |---|---|---|
//! | [`TILDE`] (U+FDD0) in text, for a literal `~` of prose | the clean-up's text escaping | convert writes `\~` (GFM would read `~x~` as strikethrough); bundle and the plain text write `~` |
//! | `<table data-tm="gfm">` / `<table data-tm="html">` ([`TABLE_MODE_ATTR`], [`TableMode`]) | the clean-up, after checking the table's shape | convert writes a pipe table for `gfm`, the HTML table for `html`; bundle drops the attribute |
//! | `<pre><code class="language-x">` ([`CODE_LANGUAGE_PREFIX`]) | the clean-up, from any of the editors' spellings | convert's code fence (`` ```x ``); bundle's code block reads it back |
//!
//! Pure constants and two small functions.

/// Stands for a literal `~` in prose text until conversion: GFM reads `~x~` as strikethrough and
/// the converter cannot tell literal tildes from markup. U+FDD0 is a Unicode noncharacter: it
/// never occurs in real text. Inside `code`/`kbd` and `pre`, a tilde stays a tilde.
pub const TILDE: char = '\u{FDD0}';

/// The attribute on every `<table>` of a cleaned body saying how the converter writes it.
pub const TABLE_MODE_ATTR: &str = "data-tm";

/// The class prefix on `<code>` inside `<pre>` naming the code's language (`language-rust`).
pub const CODE_LANGUAGE_PREFIX: &str = "language-";

/// How a table of the cleaned body is written in Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableMode {
    /// One header row at most, no spans, no block content: a GFM pipe table.
    Gfm,
    /// Anything else: kept as an HTML table.
    Html,
}

impl TableMode {
    /// The attribute's value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gfm => "gfm",
            Self::Html => "html",
        }
    }

    /// The opening tag the clean-up writes: `<table data-tm="gfm">`.
    #[must_use]
    pub fn open_tag(self) -> &'static str {
        match self {
            Self::Gfm => "<table data-tm=\"gfm\">",
            Self::Html => "<table data-tm=\"html\">",
        }
    }

    /// Reads the attribute's value back; `None` for a table without it or with another value (a
    /// body not made by the clean-up), which readers treat as [`TableMode::Html`].
    #[must_use]
    pub fn from_attr(value: Option<&str>) -> Option<Self> {
        match value? {
            "gfm" => Some(Self::Gfm),
            "html" => Some(Self::Html),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_tag_carries_the_attribute_and_value() {
        for mode in [TableMode::Gfm, TableMode::Html] {
            assert_eq!(
                mode.open_tag(),
                format!("<table {TABLE_MODE_ATTR}=\"{}\">", mode.as_str())
            );
            assert_eq!(TableMode::from_attr(Some(mode.as_str())), Some(mode));
        }
        assert_eq!(TableMode::from_attr(Some("x")), None);
        assert_eq!(TableMode::from_attr(None), None);
    }
}
