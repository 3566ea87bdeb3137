//! The subcommands: each runs one stage, reading its input from disk and writing its output to the
//! archive directory. These are the only places (with `archive::store`) that touch the disk.

pub mod bundle;
pub mod crawl;
pub mod desk;
pub mod extract;
pub mod import;
pub mod migrate;
pub mod redirects;
pub mod serve;
pub mod verify;
