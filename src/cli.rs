//! The command line, as clap derive types. No I/O here: `main` parses, `commands` act.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Default limit on the size of one saved page, in bytes (32 MiB; the largest real post seen is 0.6 MB).
pub const DEFAULT_MAX_PAGE_BYTES: u64 = 32 * 1024 * 1024;

/// Archive a Tistory blog, turn its posts into Markdown, move them to Naver Blog, and prove nothing was lost.
#[derive(Debug, Parser)]
#[command(name = "tistory-migrate", version, about, long_about = None)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug, -vvv trace). RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Less log output (-q errors only).
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "verbose")]
    pub quiet: u8,
    /// Never draw progress bars.
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// The stage to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The pipeline stages.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read saved Tistory pages and write Markdown posts and posts.jsonl (offline).
    Extract(ExtractArgs),
}

/// `extract` options.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Saved pages: files, directories (searched recursively for .html/.htm), or archive directories.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Where to write posts/ and posts.jsonl [default: output/BLOG/, BLOG being the blog name read from the pages].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A selector profile (TOML) for custom skins; see tistory-migrate.selectors.example.toml.
    #[arg(long, value_name = "FILE")]
    pub selectors: Option<PathBuf>,
    /// Skip pages larger than this many bytes [default: 33554432].
    #[arg(long, value_name = "BYTES")]
    pub max_page_bytes: Option<u64>,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}
