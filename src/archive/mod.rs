//! The archive directory: the contract between stages. [`layout`] says where everything lives
//! (pure), [`store`] writes files so that a crash never leaves one half-written.

pub mod checkpoint;
pub mod confine;
pub mod db;
pub mod extracted;
pub mod hash;
pub mod layout;
pub mod store;

/// The `meta` key a crawl sets to `fetched` when it asks for comments (`skipped` under
/// `--no-comments`); `verify` then expects a comments record for every post archived live.
pub const COMMENTS_META: &str = "comments";

/// The `meta` key `bundle` sets to the bundle's folder (`naver`) when it writes the bundle into the
/// archive; `verify` then expects the bundle there, and an absent or unfinished one is a gap.
pub const BUNDLE_META: &str = "bundle";
