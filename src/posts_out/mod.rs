//! The archive's posts as Markdown: `posts/<id>.md` and the post's `posts.jsonl` row, made from
//! an extracted post and what the archive state says about it. Everything a post's Markdown and
//! row depend on besides the post itself is one value, [`PostInputs`], so that
//!
//! - the extract stage ([`crate::commands::extract`]) and the crawl, which writes each post's
//!   Markdown as soon as its page and files are in, make a post the same way ([`settle_post`]);
//! - a post already made in this run with the same post and the same inputs is not made again
//!   ([`Memo`]): its [`fingerprint`] names both, so a post whose inputs changed later in the run
//!   (a retry pass saved its image, its comments arrived) is made again, never left stale.

mod index;
mod inputs;
mod memo;
mod write;

pub use index::ArchiveIndex;
pub use inputs::{NamedAsset, PostInputs, named_assets};
pub use memo::{Memo, fingerprint};
pub use write::{WrittenPost, relative_to, settle_post};
