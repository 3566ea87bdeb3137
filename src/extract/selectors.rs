//! Every CSS selector extraction uses, in one place, with the evidence for it (see
//! `tistory-anatomy.md` §3–§5), plus the user's selector profile (`--selectors FILE`), whose
//! selectors are tried before the built-in ones. Skin-independent sources (head metadata,
//! `window.T.entryInfo`) are always read first. Date, author, category and tags have no class-name
//! lists: they are found by structure (see `structure.rs`); the title list here is only for pages
//! whose head names no title.

use std::path::Path;
use std::sync::LazyLock;

use scraper::Selector;
use serde::Deserialize;

use crate::error::{CssSyntax, Error, Result};

fn compile(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("built-in selector {css:?} is valid: {e}"))
}

macro_rules! selector {
    ($(#[$doc:meta])* $name:ident = $css:expr) => {
        $(#[$doc])*
        pub(crate) static $name: LazyLock<Selector> = LazyLock::new(|| compile($css));
    };
}

selector!(
    /// The post title as skins show it: official skins (`.title_post`, `.tit_post`, Odyssey's
    /// `.post-cover h1`), old custom skins (`.titleWrap h2`), the official export (`.title-article`),
    /// mobile (`h3.tit_blogview`), hELLO (`.content__permalink .title`).
    TITLE = ".article_header .title_post, .title_post, .area_title .tit_post, .tit_post, .post-cover h1, \
             .titleWrap h2, .title-article, h3.tit_blogview, .content__permalink .title, #head h2, .entry-title"
);
selector!(
    /// The body container Tistory's own renderer writes around every post since 2019
    /// (`.contents_style`, with `.tt_article_useless_p_margin` on the same element or inside it):
    /// not a skin's class, so evidence wherever it stands.
    BODY = ".contents_style"
);
selector!(
    /// The other mark of Tistory's renderer, on pages whose container lacks `.contents_style`.
    BODY_RENDERED = ".tt_article_useless_p_margin"
);
/// Body containers of particular skins (`#article-view`, `.area_view` of 2016-17 skins,
/// `.entry-content`, mobile `.blogview_content`, export `.article-view`, old `.entry .article`).
/// They only confirm or refine the block the structure finds (see `container.rs`): an unseen skin
/// is read the same way without them.
pub(crate) static BODY_FALLBACKS: LazyLock<Vec<Selector>> = LazyLock::new(|| {
    [
        "#article-view",
        ".article_view",
        ".area_view",
        ".entry-content",
        ".blogview_content",
        ".article-view",
        ".entry .article",
        "article .article",
    ]
    .into_iter()
    .map(compile)
    .collect()
});
selector!(
    /// A password form: the protected-post (보호글) template's `[##_article_password_##]` input.
    PASSWORD_INPUT = "input[type=password]"
);
selector!(
    /// Head metadata, read from `<head>` only (post bodies can hold whole documents).
    HEAD_META = "head meta"
);
selector!(
    /// The canonical link in `<head>`.
    HEAD_CANONICAL = "head link[rel=canonical]"
);
selector!(
    /// The document title in `<head>`.
    HEAD_TITLE = "head title"
);
selector!(
    /// Inline scripts (`window.T.config`, `window.T.entryInfo`, `window.TistoryBlog`).
    SCRIPT = "script"
);
selector!(
    /// JSON-LD structured data (`BlogPosting`).
    JSON_LD = "script[type=\"application/ld+json\"]"
);
selector!(
    /// `<body>`: its id names the page type (`tt-body-page`, `tt-body-index`, ...).
    BODY_TAG = "body"
);

/// A user's selector profile (`--selectors FILE`, TOML). Each list is tried, in order, before the
/// built-in selectors. See `tistory-migrate.selectors.example.toml`.
#[derive(Debug, Default, Clone)]
pub struct SelectorProfile {
    /// Title selectors.
    pub title: Vec<Selector>,
    /// Visible date selectors.
    pub date: Vec<Selector>,
    /// Author selectors.
    pub author: Vec<Selector>,
    /// Category selectors.
    pub category: Vec<Selector>,
    /// Tag link selectors (each match is one tag).
    pub tags: Vec<Selector>,
    /// Body container selectors.
    pub body: Vec<Selector>,
}

impl SelectorProfile {
    /// The profile's fingerprint, which keys extractions made with it (the archive's artifacts,
    /// the in-process memo): `default` for the empty profile, else `custom-` and 16 hex digits of
    /// the sha256 of the parsed selectors as printed, so the same profile text always gives the
    /// same key.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        let lists = [
            &self.title,
            &self.date,
            &self.author,
            &self.category,
            &self.tags,
            &self.body,
        ];
        if lists.iter().all(|l| l.is_empty()) {
            "default".to_string()
        } else {
            let printed = format!("{self:?}");
            let hex = crate::archive::hash::sha256_hex(printed.as_bytes());
            format!("custom-{}", &hex[..16])
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    #[serde(default)]
    title: Vec<String>,
    #[serde(default)]
    date: Vec<String>,
    #[serde(default)]
    author: Vec<String>,
    #[serde(default)]
    category: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    body: Vec<String>,
}

impl SelectorProfile {
    /// Parses a profile from TOML text; `path` only names it in errors.
    ///
    /// # Errors
    /// [`Error::SelectorProfile`] when the TOML is malformed or has an unknown key,
    /// [`Error::BadSelector`] when a selector does not parse.
    pub fn from_toml(text: &str, path: &Path) -> Result<Self> {
        let raw: RawProfile = toml::from_str(text).map_err(|e| Error::SelectorProfile {
            path: path.to_path_buf(),
            source: Box::new(e),
        })?;
        let parse = |key: &'static str, list: Vec<String>| -> Result<Vec<Selector>> {
            list.iter()
                .map(|css| {
                    Selector::parse(css).map_err(|e| Error::BadSelector {
                        path: path.to_path_buf(),
                        source: Box::new(CssSyntax {
                            key,
                            css: css.clone(),
                            parser_says: e.to_string(),
                        }),
                    })
                })
                .collect()
        };
        Ok(Self {
            title: parse("title", raw.title)?,
            date: parse("date", raw.date)?,
            author: parse("author", raw.author)?,
            category: parse("category", raw.category)?,
            tags: parse("tags", raw.tags)?,
            body: parse("body", raw.body)?,
        })
    }

    /// Reads and parses a profile file.
    ///
    /// # Errors
    /// [`Error::ReadInput`] when the file cannot be read, else as [`SelectorProfile::from_toml`].
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadInput {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_selectors_compile() {
        for s in [
            &TITLE,
            &BODY,
            &BODY_RENDERED,
            &PASSWORD_INPUT,
            &HEAD_META,
            &HEAD_CANONICAL,
            &HEAD_TITLE,
            &SCRIPT,
            &JSON_LD,
            &BODY_TAG,
        ] {
            LazyLock::force(s);
        }
        assert_eq!(BODY_FALLBACKS.len(), 8);
    }

    #[test]
    fn example_profile_parses() {
        let text = include_str!("../../tistory-migrate.selectors.example.toml");
        let profile = SelectorProfile::from_toml(text, Path::new("example")).unwrap();
        assert!(!profile.title.is_empty());
        assert!(!profile.body.is_empty());
    }

    #[test]
    fn bad_profiles_name_the_problem() {
        let e = SelectorProfile::from_toml("title = [\"h1[\"]", Path::new("p.toml")).unwrap_err();
        assert!(
            matches!(&e, Error::BadSelector { source, .. } if source.key == "title" && source.css == "h1["),
            "{e}"
        );
        let shown = crate::report::error_chain(&e);
        assert!(
            shown.contains(
                "p.toml: a selector does not parse: title: \"h1[\" is not a CSS selector ("
            ),
            "{shown}"
        );
        let e = SelectorProfile::from_toml("titel = []", Path::new("p.toml")).unwrap_err();
        assert!(matches!(e, Error::SelectorProfile { .. }), "{e}");
        let shown = crate::report::error_chain(&e);
        assert!(
            shown.contains("p.toml") && shown.contains("titel"),
            "{shown}"
        );
    }
}
