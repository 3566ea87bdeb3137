//! The command line, as clap derive types. No I/O here: `main` parses, [`resolve`] turns the
//! values into each command's options once, and `commands` act. Nothing past `main` and
//! [`resolve`] sees these types. Every default shown in `--help` is the library's own constant
//! (`default_value_t`, or a help text built from the constants), never typed here by hand.

pub mod resolve;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use crate::extract::decode::DEFAULT_MAX_PAGE_BYTES;
use crate::fetch::policy::{
    DEFAULT_CONCURRENCY, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE,
    DEFAULT_REQUEST_DEADLINE, DEFAULT_RETRY_PASSES, default_user_agent,
};

/// `--rate`'s help: its default depends on the source (a replay on 127.0.0.1 is not limited).
fn rate_help() -> String {
    format!(
        "Requests per second to one host, with jitter; 0 = no limit [default: {DEFAULT_RATE}; none when replaying a saved blog]"
    )
}

/// `--scan-margin`'s help: the margin is proportionate to the blog unless given.
fn scan_margin_help() -> String {
    format!(
        "Stop the id scan after this many missing ids past the highest known one [default: 5 % of the ids known, at least 5, at most {}]",
        crate::crawl::DEFAULT_SCAN_MARGIN
    )
}

/// `--daily-cap`'s help: the range comes from the desk's constant.
fn daily_cap_help() -> String {
    format!(
        "Posts a day (Korean calendar day) after which no next post is offered, 1 to {}",
        crate::desk::MAX_DAILY_CAP
    )
}

/// `--footer`'s help: the default wording is the bundle's constant.
fn footer_help() -> String {
    format!(
        "The footer's wording, with the placeholders {{url}}, {{date}}, {{title}} and {{blog}} [default: \"{}\"]",
        crate::bundle::footer::DEFAULT_FOOTER
    )
}

/// `--warc-max-bytes`'s help.
fn warc_max_bytes_help() -> String {
    format!(
        "Start a new WARC file past this size, in bytes [default: {}]",
        crate::warc::DEFAULT_WARC_MAX_BYTES
    )
}

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
    /// Archive a Tistory blog: discover every post, fetch pages, images, attachments and comments.
    Crawl(CrawlArgs),
    /// Read saved Tistory pages and write Markdown posts and posts.jsonl (offline).
    Extract(ExtractArgs),
    /// Rebuild an archive from a Tistory backup: the official backup zip or the old XML backup (offline).
    Import(ImportArgs),
    /// The whole pipeline: crawl a blog (or replay a saved one from a directory), then extract.
    Migrate(MigrateArgs),
    /// Serve a saved blog or an archive as a Tistory blog on 127.0.0.1 (replay).
    Serve(ServeArgs),
    /// Prove an archive is complete: every post, page, Markdown file, image and attachment (exit 4 on gaps).
    Verify(VerifyArgs),
    /// Build the Naver Blog bundle: paste-ready posts in upload order, images, a guide (offline).
    Bundle(BundleArgs),
    /// Write redirects from the old Tistory addresses to the published Naver posts (from the ledger).
    Redirects(RedirectsArgs),
    /// Move the bundle to Naver Blog post by post in your browser (a local page on 127.0.0.1).
    Desk(DeskArgs),
}

/// Politeness and fetching options, shared by `crawl` and `migrate`.
#[derive(Debug, Args, Clone)]
pub struct FetchArgs {
    /// Requests per second to one host, with jitter; 0 = no limit (default: see `--help`).
    #[arg(long, value_name = "PER_SECOND", help = rate_help())]
    pub rate: Option<f64>,
    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// Attempts per URL, the first included.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ATTEMPTS)]
    pub max_attempts: u32,
    /// The User-Agent header.
    #[arg(long, value_name = "TEXT", default_value_t = default_user_agent())]
    pub user_agent: String,
    /// Ignore the blog's robots.txt. ONLY for your own blog: it makes the crawler impolite.
    #[arg(long)]
    pub ignore_robots: bool,
    /// Largest page or file to download, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: u64,
    /// Re-check saved pages with conditional requests (ETag / Last-Modified).
    #[arg(long)]
    pub refresh: bool,
    /// Do not fetch comments.
    #[arg(long)]
    pub no_comments: bool,
    /// Stop the id scan after this many missing ids past the highest known one (default: a
    /// margin proportionate to the blog, see `--help`).
    #[arg(long, value_name = "N", help = scan_margin_help())]
    pub scan_margin: Option<u64>,
    /// Later passes over failed pages, files and comments, each after a longer cool-down; a URL
    /// gets at most max-attempts × (1 + N) attempts per run.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RETRY_PASSES)]
    pub retry_passes: u32,
    /// Total seconds one request may take, body included (a server dripping bytes is cut off).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_REQUEST_DEADLINE.as_secs_f64())]
    pub request_deadline: f64,
    /// Walk every listing, category and paging page even when the mobile list already named every
    /// post the blog counts (by default they are walked only when it did not).
    #[arg(long)]
    pub exhaustive_discovery: bool,
    /// Also record every HTTP exchange as WARC/1.1 (gzip per record) with a CDXJ index in
    /// ARCHIVE/warc/, for web-archiving tools (warcio, pywb).
    #[arg(long)]
    pub warc: bool,
    /// Start a new WARC file past this size, in bytes (default: see `--help`).
    #[arg(long, value_name = "BYTES", requires = "warc", help = warc_max_bytes_help())]
    pub warc_max_bytes: Option<u64>,
    /// Also ask the Wayback Machine (CDX API) for the blog's captures and restore the posts the
    /// live blog no longer serves. Used alone, with a notice, when the blog's home page is gone.
    #[arg(long)]
    pub wayback: bool,
    /// The Wayback Machine to ask (the public one, a local mirror, a test server).
    #[arg(long, value_name = "URL", default_value_t = crate::discover::wayback::DEFAULT_WAYBACK_ENDPOINT.to_string())]
    pub wayback_endpoint: String,
    /// Requests per second to the Wayback Machine.
    #[arg(long, value_name = "PER_SECOND", default_value_t = crate::crawl::wayback::DEFAULT_WAYBACK_RATE)]
    pub wayback_rate: f64,
}

/// `crawl` options.
#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// The blog: `https://name.tistory.com`, a custom domain, or a post URL of the blog.
    #[arg(value_name = "BLOG")]
    pub blog: String,
    /// The archive directory [default: output/NAME/, NAME being the blog's name].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Fetching options.
    #[command(flatten)]
    pub fetch: FetchArgs,
    /// Fetch assets through this replay server's asset proxy (set by `migrate <DIR>`; for tests).
    #[arg(long, value_name = "URL", hide = true)]
    pub asset_proxy: Option<String>,
    /// Repair an archive: fetch only what failed, was never fetched, or was deleted or damaged on
    /// disk (no discovery, no id scan). The command `verify` suggests.
    #[arg(long)]
    pub retry_failed: bool,
}

/// `migrate` options.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// A blog address (as for crawl), or, to replay offline: a directory of saved pages, an
    /// archive, or WARC files (a .warc/.warc.gz file or a folder of them, from any tool).
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// The archive directory [default: output/NAME/].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Fetching options.
    #[command(flatten)]
    pub fetch: FetchArgs,
}

/// `import`: a backup file into an archive.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The backup file: the zip from 관리 → 데이터 관리 → 백업, or an old XML backup (told apart by content).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The archive directory [default: output/BLOG/, BLOG being the blog's name].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The blog's Tistory name (NAME of NAME.tistory.com), when the backup does not tell it.
    #[arg(long, value_name = "NAME")]
    pub blog: Option<String>,
    /// Zip posts you know were public: `all` or ids like 3,12,40. Others stay out of the Naver bundle.
    #[arg(long, value_name = "all|IDS")]
    pub mark_public: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `verify` options.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The archive directory (made by crawl or migrate).
    #[arg(value_name = "ARCHIVE")]
    pub archive: PathBuf,
    /// Print the report as JSON on stdout (the fields are documented in the README).
    #[arg(long)]
    pub json: bool,
    /// Also write the report as one self-contained HTML page to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Posts whose Markdown keeps less than this share of the page's words are gaps.
    #[arg(long, value_name = "F", default_value_t = crate::convert::DEFAULT_FIDELITY_THRESHOLD)]
    pub threshold: f64,
    /// Print only the commands that repair the gaps, one per line.
    #[arg(long, conflicts_with = "json")]
    pub repair: bool,
    /// Extract every saved page again to measure its text, instead of reading the archive's
    /// extracted posts (slower; checks the extraction itself).
    #[arg(long)]
    pub deep: bool,
    /// Also fetch every post the ledger records from Naver and compare it with the bundle (exit 4
    /// when one is not intact). Reads public pages only, one request every two seconds.
    #[arg(long)]
    pub naver: bool,
    /// Naver-side check options.
    #[command(flatten)]
    pub naver_check: NaverArgs,
}

/// How the Naver-side check runs (`verify --naver`, the desk's check button).
#[derive(Debug, Args, Clone)]
pub struct NaverArgs {
    /// Read Naver from this base URL instead (a proxy, a test server): PostView.naver, m/, rss/ under it.
    #[arg(long, value_name = "URL")]
    pub naver_endpoint: Option<String>,
    /// Seconds between two requests to Naver.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::naver_check::DEFAULT_NAVER_INTERVAL.as_secs_f64())]
    pub naver_interval: f64,
    /// Posts keeping less than this share of the body's text on Naver are text_lost.
    #[arg(long, value_name = "F", default_value_t = crate::naver_check::DEFAULT_NAVER_THRESHOLD)]
    pub naver_threshold: f64,
}

/// `bundle` options.
#[derive(Debug, Args)]
pub struct BundleArgs {
    /// The archive directory (made by migrate, crawl or extract).
    #[arg(value_name = "ARCHIVE")]
    pub archive: PathBuf,
    /// Where to write the bundle [default: ARCHIVE/naver/].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Leave out the footer that gives each post's original address and date.
    #[arg(long, conflicts_with = "footer")]
    pub no_footer: bool,
    /// The footer's wording, with the placeholders {url}, {date}, {title} and {blog} (default:
    /// see `--help`).
    #[arg(long, value_name = "TEXT", help = footer_help())]
    pub footer: Option<String>,
}

/// `redirects` options.
#[derive(Debug, Args)]
pub struct RedirectsArgs {
    /// The archive directory whose ledger records the published posts.
    #[arg(value_name = "ARCHIVE")]
    pub archive: PathBuf,
    /// Where to write the redirect files [default: ARCHIVE/redirects/].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `desk` options.
#[derive(Debug, Args)]
pub struct DeskArgs {
    /// The bundle directory (made by `bundle`, by default ARCHIVE/naver/).
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,
    /// The port on 127.0.0.1 (0 = any free port).
    #[arg(long, short, value_name = "PORT", default_value_t = crate::desk::DEFAULT_DESK_PORT)]
    pub port: u16,
    /// Posts a day (Korean calendar day) after which no next post is offered (see `--help`).
    #[arg(long, value_name = "N", default_value_t = crate::desk::DEFAULT_DAILY_CAP, help = daily_cap_help())]
    pub daily_cap: u32,
    /// The Naver blog id every pasted URL must belong to [default: the blog of the first URL recorded].
    #[arg(long, value_name = "ID")]
    pub naver_blog: Option<String>,
    /// The archive whose archive.db holds the ledger [default: the bundle's parent directory].
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// How the check behind the desk's "네이버 확인" button runs.
    #[command(flatten)]
    pub naver_check: NaverArgs,
}

/// `serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A directory of saved pages, an archive, or WARC files (a .warc/.warc.gz file or a folder).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The port on 127.0.0.1 (0 = any free port).
    #[arg(long, short, value_name = "PORT", default_value_t = crate::commands::serve::DEFAULT_SERVE_PORT)]
    pub port: u16,
    /// Answer every request this many milliseconds after it arrived: the latency of every
    /// response, the reply's own building included (for benchmarks).
    #[arg(long, value_name = "MS", hide = true)]
    pub delay_ms: Option<u64>,
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
    /// Skip pages larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_PAGE_BYTES)]
    pub max_page_bytes: u64,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}
