//! # tistory-migrate
//!
//! Rescues Tistory blogs: archives every post with its images, attachments and comments, turns the
//! posts into Markdown, builds a paste-ready bundle for Naver Blog, and verifies that nothing was lost.
//!
//! ## Brief overview
//!
//! The pipeline has one module per stage; each stage reads the previous stage's output from the
//! archive directory, so any stage can be re-run alone:
//!
//! ```text
//! discover -> fetch (pages, assets, comments) -> extract -> convert -> bundle (Naver) -> verify
//! ```
//!
//! - [`extract`] reads one saved page into a [`model::Post`] (pure).
//! - [`convert`] turns a post into Markdown with front matter and a `posts.jsonl` row, and checks
//!   that the Markdown renders back to the page's text (pure).
//! - [`archive`] owns the archive layout and atomic writes.
//! - [`verify`] checks an archive is complete and faithful, and says how to repair it (pure).
//! - [`commands`] run the stages against the disk.
//!
//! ```
//! use tistory_migrate::convert::{to_markdown, ImageMap};
//! use tistory_migrate::extract::{extract_page, Page, PageSource};
//! use tistory_migrate::extract::selectors::SelectorProfile;
//!
//! let html = r#"<html><head><meta property="og:title" content="가을 산책">
//! <meta property="article:txid" content="7_3"></head><body id="tt-body-page">
//! <div class="contents_style"><p><b>40%</b>로 줄었다.</p></div></body></html>"#;
//! let Page::Entry(post) = extract_page(html, &PageSource::named("3.html"), &SelectorProfile::default())? else {
//!     unreachable!()
//! };
//! let md = to_markdown(&post, &ImageMap::new())?.expect("a public post has a body");
//! assert!(md.body.contains("<strong>40%</strong>로"));
//! assert_eq!(md.fidelity.score, 1.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
#![warn(unreachable_pub)]

pub mod archive;
pub mod bundle;
pub mod cli;
pub mod commands;
pub mod completeness;
pub mod config;
pub mod convert;
pub mod crawl;
pub mod desk;
pub mod discover;
pub mod error;
pub mod exit;
pub mod extract;
pub mod extracted;
pub mod fetch;
pub mod import;
pub mod markup;
pub mod model;
pub mod naver_check;
pub mod parallel;
pub mod posts_out;
pub mod progress;
pub mod provenance;
pub mod report;
pub mod serve;
pub mod verify;
pub mod warc;

pub use error::{Error, Result};
