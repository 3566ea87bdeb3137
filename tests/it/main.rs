//! The one integration-test binary (ripgrep's layout): shared support code, one module per feature.

mod bad_input;
mod bundle;
mod cli;
mod corpus;
mod corrupt_state;
mod crawl;
mod crawl_api;
mod crawl_bad_input;
mod crawl_hostile;
mod crawl_resume;
mod deep_nesting;
mod desk;
mod fixtures;
mod import;
mod import_hostile;
mod import_vs_crawl;
mod naver;
mod skins;
mod support;
mod verify;
mod verify_html;
mod warc;
mod warc_kill;
mod wayback;
mod witness;
