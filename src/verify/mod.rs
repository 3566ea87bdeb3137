//! Verification: is every post of the blog in the archive, whole, with its images, and did the
//! Markdown keep the text? [`verify`] takes what the command read from an archive (the state
//! database's rows, the `posts.jsonl` rows, the files on disk with their sha256, the fidelity
//! measured from each saved page and its Markdown) and returns a [`VerifyReport`]: counts, the
//! final state of every entry id, and a list of [`Problem`]s, each with the command that repairs
//! it. Pure: no I/O here; `commands::verify` reads the disk and writes the HTML file.
//!
//! A *gap* is something the archive lacks that the blog has or may still have (a failed fetch, a
//! deleted or damaged file, a missing row, lost text): gaps make the report incomplete (exit 4).
//! Protected, private and deleted entries, and files the server no longer has (404/410), are
//! listed but are not gaps: no command can bring them back.
//!
//! The Naver bundle (`<archive>/naver/`) is checked when one was made: every public post in it,
//! its checksums valid, its order right ([`check_bundle`]).

mod artifacts;
mod charts;
mod checks;
mod comments_expected;
mod comments_gone;
pub use comments_gone::CommentsGone;
mod content;
mod error;
pub mod naver;
pub mod provenance;
pub mod report_html;
pub mod report_json;
pub mod report_text;
mod slugs;
mod unproven;
mod unrecorded;
pub mod warc;
mod witness;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::archive::db::{AssetRow, CommentsRow, EntryRow, SlugRow};
use crate::model::{EntryId, Fidelity, PostRecord};

pub use crate::archive::COMMENTS_META;

/// The version of the `--json` object; bumped only when a field changes meaning.
pub const REPORT_SCHEMA: u32 = 1;

/// A file of the archive as found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// Size in bytes.
    pub size: u64,
    /// sha256 of the content, hex (computed for `raw/` pages, `assets/` and `comments/`).
    pub sha256: Option<String>,
}

pub use crate::model::AssetKind;
pub use artifacts::ArtifactFacts;
pub use error::VerifyError;

/// One image or attachment a post references (from `post_assets`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostAssetRef {
    /// The post.
    pub post_id: EntryId,
    /// The original URL.
    pub url: String,
    /// Image or attachment.
    pub kind: AssetKind,
}

/// The render-back check of one post: the score `posts.jsonl` holds while its Markdown file is the
/// one it was measured on, else measured now from the saved page and the Markdown file.
#[derive(Debug, Clone, PartialEq)]
pub enum Measured {
    /// The score and some lost words.
    Score(Fidelity),
    /// The saved page could not be read as a post (the message says why).
    Unreadable(String),
}

/// Everything verify looks at, already read from disk.
#[derive(Debug, Clone, Default)]
pub struct VerifyInput {
    /// The archive directory as the user named it (used in messages and repair commands).
    pub archive: PathBuf,
    /// The blog's Tistory name (`meta.blog`).
    pub blog: Option<String>,
    /// The blog's address (`meta.canonical_base`, else `meta.base_url`), for repair commands.
    pub blog_url: Option<String>,
    /// The sidebar's "분류 전체보기 (N)" (`meta.sidebar_total`).
    pub sidebar_total: Option<u64>,
    /// The mobile list's total (`meta.mobile_total`).
    pub mobile_total: Option<u64>,
    /// Every entry row of `archive.db`, with its sources.
    pub entries: Vec<EntryRow>,
    /// Every slug permalink discovery found, with what fetching it came to.
    pub slugs: Vec<SlugRow>,
    /// Every asset row.
    pub assets: Vec<AssetRow>,
    /// What each post references, in body order.
    pub post_assets: Vec<PostAssetRef>,
    /// The comment state of each post that has one.
    pub comments: BTreeMap<EntryId, CommentsRow>,
    /// The last crawl asked for comments (`meta.comments` is `fetched`): every post archived from
    /// the live blog must have a comments record.
    pub comments_fetched: bool,
    /// Whether `posts.jsonl` exists.
    pub posts_jsonl_present: bool,
    /// The rows of `posts.jsonl` that parsed.
    pub rows: Vec<PostRecord>,
    /// Lines of `posts.jsonl` that did not parse (`line N: error`).
    pub unreadable_rows: Vec<String>,
    /// Files under `raw/`, `assets/`, `posts/`, `comments/` and `extracted/`, by archive-relative path (`/`).
    pub files: BTreeMap<String, FileFacts>,
    /// What each `extracted/<id>.json` holds (absent: no such file).
    pub extracted: BTreeMap<EntryId, ArtifactFacts>,
    /// The render-back check per post, measured from the saved page and the Markdown file.
    pub fidelity: BTreeMap<EntryId, Measured>,
    /// Posts under this fidelity score are gaps.
    pub threshold: f64,
    /// The Naver bundle (`<archive>/naver/`), when one was made.
    pub bundle: Option<BundleFacts>,
    /// The archive's WARC files and the comment items to check against them (`warc/` exists).
    pub warc: Option<warc::WarcEvidence>,
    /// The comment count the saved page of each archived post that is not a live copy prints
    /// (`crawl::comment_count`), when it prints one: checked against the comments saved.
    pub page_comment_counts: BTreeMap<EntryId, u64>,
    /// Entries recorded `deleted` whose "not found" was never confirmed while the blog answered
    /// (`None`: no crawl of this version kept confirmations in the archive).
    pub unproven_deletions: Option<Vec<EntryId>>,
    /// How each discovery source of the latest run that walked it ended.
    pub discovery: Vec<crate::archive::db::SourceOutcome>,
}

/// What the Naver bundle holds and what its own check found (read by `commands::verify`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleFacts {
    /// The bundle directory, relative to the archive (`naver`).
    pub dir: String,
    /// The entry ids of the posts in `bundle.json`, in upload order.
    pub post_ids: Vec<EntryId>,
    /// Problems `bundle`'s own check found: (file relative to the bundle, message).
    pub problems: Vec<(Option<String>, String)>,
}

/// What kind of problem, for machines (`kind` in the JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Every fetch attempt failed.
    FetchFailed,
    /// Discovered, never fetched.
    NeverFetched,
    /// The saved page is not on disk.
    RawPageMissing,
    /// The saved page's sha256 is not the one recorded at download.
    RawPageDamaged,
    /// The Markdown file is not on disk.
    MarkdownMissing,
    /// No `posts.jsonl` row for the entry.
    RowMissing,
    /// The row's status disagrees with the database.
    RowStale,
    /// `posts.jsonl` has lines that are not rows.
    RowUnreadable,
    /// An image or attachment was never downloaded, or its download failed.
    AssetNotDownloaded,
    /// The downloaded file is not on disk.
    AssetFileMissing,
    /// The file's sha256 is not the one recorded at download.
    AssetDamaged,
    /// The server no longer has the file (404/410): not a gap, nothing can bring it back.
    AssetGone,
    /// The comments could not be fetched, or their file is gone.
    CommentsMissing,
    /// The comments file keeps only what a walk that did not finish read (`partial`): a gap.
    CommentsIncomplete,
    /// A restored post's page counts more comments than any saved copy holds: not a gap, no
    /// source has them any more.
    CommentsGone,
    /// The extracted post (`extracted/<id>.json`) is missing, unreadable or of another page.
    ExtractedDamaged,
    /// Files or a `posts.jsonl` row of an id `archive.db` has no entry for (the database lost it).
    EntryUnrecorded,
    /// The Markdown keeps less of the page's text than the threshold.
    FidelityBelowThreshold,
    /// The archive holds fewer public posts than the blog says it has.
    CountMismatch,
    /// The Naver bundle is damaged: a checksum mismatch, a missing file, posts out of order.
    BundleInvalid,
    /// A public post is not in the Naver bundle.
    BundleMissingPost,
    /// A post published on Naver that did not arrive intact (`verify --naver`).
    NaverPost,
    /// A post on Naver that the ledger does not record (`verify --naver`; a note).
    NaverUnrecorded,
    /// A saved page, asset or comments file has no capture in the archive's WARC.
    WarcRecordMissing,
    /// A WARC capture's bytes differ from the archive's file, or from the digest it claims.
    WarcDigestMismatch,
    /// A WARC file is unfinished, damaged, or absent from `warc/`.
    WarcUnreadable,
    /// A discovery source that did not finish, where no other source covers what it may hide.
    DiscoveryUnfinished,
    /// An entry recorded `deleted` whose "not found" was never confirmed while the blog answered.
    DeletionUnproven,
    /// Worth knowing, not a gap (a count that differs in a way the states explain, ...).
    Note,
}

/// One problem, with where it is and how to repair it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// What kind.
    pub kind: ProblemKind,
    /// True when it makes the archive incomplete.
    pub gap: bool,
    /// The entry it concerns.
    pub id: Option<EntryId>,
    /// The original URL (post or file).
    pub url: Option<String>,
    /// The local file, relative to the archive.
    pub file: Option<String>,
    /// What is wrong, in words.
    pub message: String,
    /// The command that repairs it, when one can.
    pub repair: Option<String>,
}

/// A failed entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedEntry {
    /// The entry id.
    pub id: EntryId,
    /// The URL fetched.
    pub url: String,
    /// The last error.
    pub error: String,
    /// The last HTTP status, when one came.
    pub http_status: Option<u16>,
    /// Attempts over all runs.
    pub attempts: u32,
}

/// An id that only one discovery source named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SingleSource {
    /// The entry id.
    pub id: EntryId,
    /// The source (`listing`, `sitemap`, `rss`, `mobile_api`, `scan`, ...).
    pub source: String,
    /// Its state.
    pub state: String,
}

/// The blog's own count of public posts against the archive's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlogTotal {
    /// The sidebar's "분류 전체보기 (N)".
    pub sidebar: Option<u64>,
    /// The mobile list's total.
    pub mobile_api: Option<u64>,
    /// Public posts and notices archived.
    pub archived_public: usize,
    /// `match`; `fewer` (a gap: posts no source named may be missing); `explained` (fewer, but
    /// the protected, private, failed or never-fetched entries listed cover the difference);
    /// `more`; or `unknown` (the blog showed no count).
    pub verdict: &'static str,
}

/// A count of files checked and the entries whose file is missing or damaged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    /// Files that should be there.
    pub expected: usize,
    /// Present and intact.
    pub ok: usize,
    /// Entries whose file is not there.
    pub missing: Vec<EntryId>,
    /// Entries whose file is there but is not what was saved.
    pub damaged: Vec<EntryId>,
}

/// The `posts.jsonl` check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RowCheck {
    /// Rows in the file.
    pub rows: usize,
    /// Entries that need a row (archived, protected, private).
    pub expected: usize,
    /// Entries with no row.
    pub missing: Vec<EntryId>,
    /// Rows whose status disagrees with the database.
    pub stale: Vec<EntryId>,
    /// Lines that are not rows.
    pub unreadable: usize,
}

/// An image or attachment that is not in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingAsset {
    /// The post that references it.
    pub post_id: EntryId,
    /// The original URL.
    pub url: String,
    /// Where the file should be (relative to the archive), when known.
    pub file: Option<String>,
    /// `not_downloaded`, `download_failed`, `file_missing`, `file_damaged` or `gone`.
    pub reason: &'static str,
    /// The details (the last error, the sizes).
    pub detail: String,
    /// False only for `gone`: the server no longer has it.
    pub gap: bool,
}

/// A post whose Markdown lost text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FidelityLoss {
    /// The post.
    pub id: EntryId,
    /// Share of the page's words found in the rendered Markdown.
    pub score: f64,
    /// Some of the lost words.
    pub lost: Vec<String>,
}

/// The comments check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CommentsCheck {
    /// Posts whose comments are saved.
    pub saved: usize,
    /// Posts whose comments failed or whose file is gone.
    pub missing: Vec<EntryId>,
    /// Posts whose comments are saved but incomplete (a walk that did not finish; gaps).
    pub incomplete: Vec<EntryId>,
    /// Restored posts whose page counts more comments than are saved (notes, not gaps).
    pub gone: Vec<CommentsGone>,
}

/// The Naver bundle check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleCheck {
    /// Public posts in the bundle.
    pub posts: usize,
    /// Problems found (counted in [`VerifyReport::problems`] too).
    pub problems: usize,
}

/// The result of [`verify`]; serialised as the `--json` object (documented in the README).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyReport {
    /// [`REPORT_SCHEMA`].
    pub schema: u32,
    /// The archive directory.
    pub archive: String,
    /// The blog's Tistory name.
    pub blog: Option<String>,
    /// The blog's address.
    pub blog_url: Option<String>,
    /// True when no problem is a gap.
    pub complete: bool,
    /// How many problems are gaps.
    pub gaps: usize,
    /// Entry ids known: the union of every discovery source and the id scan.
    pub posts_expected: usize,
    /// Public posts and notices archived (state `ok` or `notice`).
    pub posts_archived: usize,
    /// Notices among them.
    pub notices: usize,
    /// Entries by state (every state listed, zeros included).
    pub states: BTreeMap<&'static str, usize>,
    /// Archived public posts and notices.
    pub archived_ids: Vec<EntryId>,
    /// Password-protected posts (listed, not gaps).
    pub protected_ids: Vec<EntryId>,
    /// Private posts (listed, not gaps).
    pub private_ids: Vec<EntryId>,
    /// Deleted ids, confirmed by a 404 (listed, not gaps).
    pub deleted_ids: Vec<EntryId>,
    /// Entries whose every fetch failed (gaps).
    pub failed_ids: Vec<EntryId>,
    /// Entries discovered but never fetched (gaps).
    pub missing_ids: Vec<EntryId>,
    /// Ids that served a page that is not a post.
    pub not_post_ids: Vec<EntryId>,
    /// The failed entries with their last error.
    pub failed: Vec<FailedEntry>,
    /// How many ids each discovery source named.
    pub sources: BTreeMap<String, usize>,
    /// Ids that only one source named.
    pub single_source_ids: Vec<SingleSource>,
    /// The blog's own count against the archive's.
    pub blog_total: BlogTotal,
    /// Saved pages (`raw/<id>.html`) of archived, protected and private entries.
    pub raw_pages: FileCheck,
    /// Markdown files of archived posts.
    pub markdown: FileCheck,
    /// `posts.jsonl` rows.
    pub rows: RowCheck,
    /// Images referenced by archived posts.
    pub images_total: usize,
    /// Images on disk with the recorded sha256.
    pub images_ok: usize,
    /// Images not in the archive (`gone` ones are not gaps).
    pub images_missing: Vec<MissingAsset>,
    /// Attachments referenced by archived posts.
    pub attachments_total: usize,
    /// Attachments on disk with the recorded sha256.
    pub attachments_ok: usize,
    /// Attachments not in the archive.
    pub attachments_missing: Vec<MissingAsset>,
    /// Comments.
    pub comments: CommentsCheck,
    /// The fidelity threshold used.
    pub fidelity_threshold: f64,
    /// Posts whose fidelity was measured.
    pub fidelity_checked: usize,
    /// Posts under the threshold.
    pub fidelity_below_threshold: Vec<EntryId>,
    /// What those posts lost.
    pub fidelity_lost: Vec<FidelityLoss>,
    /// Archived posts per year of publication (`unknown` when undated).
    pub posts_per_year: BTreeMap<String, usize>,
    /// Every problem, gaps first, then by id.
    pub problems: Vec<Problem>,
    /// The distinct commands that repair the gaps, in the order to run them.
    pub repair_commands: Vec<String>,
    /// The Naver bundle check: `None` when no bundle was made.
    pub bundle: Option<BundleCheck>,
    /// The check of the published Naver posts (`verify --naver`); `None` when not asked for.
    pub naver: Option<crate::naver_check::NaverReport>,
    /// The WARC check, when the archive has WARC files (`crawl --warc`).
    pub warc: Option<warc::WarcCheck>,
    /// Where the saved copies came from (live, backup, Wayback), per post.
    pub provenance: provenance::ProvenanceCheck,
}

/// The entry states in report order.
pub const STATES: [&str; 8] = [
    "ok",
    "notice",
    "protected",
    "private",
    "deleted",
    "failed",
    "pending",
    "not_post",
];

/// Checks an archive. Pure: everything it needs is in `input`.
#[must_use]
pub fn verify(input: &VerifyInput) -> VerifyReport {
    let mut report = checks::entries_report(input);
    slugs::check_slugs(input, &mut report);
    content::check_content(input, &mut report);
    artifacts::check_artifacts(input, &mut report);
    unrecorded::check_unrecorded(input, &mut report);
    comments_expected::check_comments_recorded(input, &mut report);
    comments_gone::check_comments_gone(input, &mut report);
    provenance::check_provenance(input, &mut report);
    unproven::check_unproven(input, &mut report);
    checks::check_totals(input, &mut report);
    if let Some(bundle) = check_bundle(input, &mut report.problems) {
        report.bundle = Some(bundle);
    }
    report.warc = warc::check_warc(input, &mut report.problems);
    witness::check_witness(input, &mut report);
    report
        .problems
        .sort_by(|a, b| (!a.gap, a.id, a.kind, &a.url).cmp(&(!b.gap, b.id, b.kind, &b.url)));
    report.gaps = report.problems.iter().filter(|p| p.gap).count();
    report.complete = report.gaps == 0;
    let mut commands: Vec<String> = Vec::new();
    for p in report.problems.iter().filter(|p| p.gap) {
        if let Some(c) = &p.repair
            && !commands.contains(c)
        {
            commands.push(c.clone());
        }
    }
    // Fetching first: a crawl also re-runs extract, which may make an extract command moot.
    commands.sort_by_key(|c| !c.contains(" crawl "));
    report.repair_commands = commands;
    report
}

/// The Naver bundle, when one was made: every public post is in it, its checksums are valid and
/// its order is right (the last two found by `bundle`'s own check). Pushes a [`Problem`] per
/// finding; `None` (`"bundle": null`) when there is no bundle.
#[must_use]
pub fn check_bundle(input: &VerifyInput, problems: &mut Vec<Problem>) -> Option<BundleCheck> {
    let bundle = input.bundle.as_ref()?;
    let archive = shell_quote(&input.archive.display().to_string());
    let repair = format!("tistory-migrate bundle {archive}");
    let before = problems.len();
    for (file, message) in &bundle.problems {
        let mut p = checks::problem(
            ProblemKind::BundleInvalid,
            None,
            format!("Naver bundle: {message}"),
        );
        p.file = file.as_ref().map(|f| format!("{}/{f}", bundle.dir));
        p.repair = Some(repair.clone());
        problems.push(p);
    }
    // Posts held back for an unknown visibility are not expected in the bundle (a note says so).
    let held: Vec<EntryId> = input
        .rows
        .iter()
        .filter(|r| r.bundle_hold().is_some())
        .map(|r| r.id)
        .collect();
    for e in input
        .entries
        .iter()
        .filter(|e| checks::is_archived(e.state) && !held.contains(&e.id))
    {
        if !bundle.post_ids.contains(&e.id) {
            let mut p = checks::problem(
                ProblemKind::BundleMissingPost,
                Some(e.id),
                format!("post {} is archived but not in the Naver bundle", e.id),
            );
            p.url = Some(checks::entry_url(input, e));
            p.repair = Some(repair.clone());
            problems.push(p);
        }
    }
    Some(BundleCheck {
        posts: bundle.post_ids.len(),
        problems: problems.len() - before,
    })
}

/// Quotes a path or URL for a POSIX shell when it needs it.
#[must_use]
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '/' | '.' | '_' | '-' | ':' | '=' | '@' | '%' | '+' | ',')
        });
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests;
