//! The entry checks behind [`super::verify`]: each id's final state, the discovery sources, and the
//! blog's own count against the archive's; plus the helpers the content checks share (the repair
//! commands, problem construction). Each check adds counts to the report and one [`Problem`] per
//! finding. Pure.

use std::collections::BTreeMap;

use super::{
    BlogTotal, FailedEntry, Problem, ProblemKind, REPORT_SCHEMA, STATES, SingleSource, VerifyInput,
    VerifyReport, shell_quote,
};
use crate::archive::db::{EntryRow, EntryState};
use crate::model::EntryId;

/// The commands a report suggests, built once from the archive and the blog address.
pub(super) struct Repair {
    pub(super) crawl: String,
    pub(super) extract: String,
    pub(super) scan: String,
    /// A crawl that resumes with discovery (finds ids the database lost).
    pub(super) resume: String,
}

impl Repair {
    pub(super) fn new(input: &VerifyInput) -> Self {
        let archive = shell_quote(&input.archive.display().to_string());
        let blog = input
            .blog_url
            .as_deref()
            .map_or_else(|| "<BLOG>".to_string(), shell_quote);
        Self {
            crawl: format!("tistory-migrate crawl {blog} --out {archive} --retry-failed"),
            extract: format!("tistory-migrate extract {archive} --out {archive}"),
            scan: format!("tistory-migrate crawl {blog} --out {archive} --scan-margin 200"),
            resume: format!("tistory-migrate crawl {blog} --out {archive}"),
        }
    }
}

pub(super) fn problem(kind: ProblemKind, id: Option<EntryId>, message: String) -> Problem {
    Problem {
        kind,
        gap: !matches!(
            kind,
            ProblemKind::AssetGone | ProblemKind::CommentsGone | ProblemKind::Note
        ),
        id,
        url: None,
        file: None,
        message,
        repair: None,
    }
}

pub(super) fn entry_url(input: &VerifyInput, e: &EntryRow) -> String {
    e.url
        .clone()
        .unwrap_or_else(|| format!("{}{}", input.blog_url.as_deref().unwrap_or("/"), e.id))
}

pub(super) fn is_archived(state: EntryState) -> bool {
    matches!(state, EntryState::Ok | EntryState::Notice)
}

/// States, id lists, sources, and the problems of entries that were never archived.
pub(super) fn entries_report(input: &VerifyInput) -> VerifyReport {
    let repair = Repair::new(input);
    let mut states: BTreeMap<&'static str, usize> = STATES.iter().map(|s| (*s, 0)).collect();
    let mut sources: BTreeMap<String, usize> = BTreeMap::new();
    let ids = |s: EntryState| -> Vec<EntryId> {
        input
            .entries
            .iter()
            .filter(|e| e.state == s)
            .map(|e| e.id)
            .collect()
    };
    let mut problems = Vec::new();
    let mut failed = Vec::new();
    let mut single_source_ids = Vec::new();
    for e in &input.entries {
        *states.entry(e.state.as_str()).or_default() += 1;
        for s in &e.sources {
            *sources.entry(s.clone()).or_default() += 1;
        }
        if let [only] = e.sources.as_slice() {
            single_source_ids.push(SingleSource {
                id: e.id,
                source: only.clone(),
                state: e.state.as_str().to_string(),
            });
        }
        let url = entry_url(input, e);
        match e.state {
            EntryState::Failed => {
                let error = e.last_error.clone().unwrap_or_default();
                failed.push(FailedEntry {
                    id: e.id,
                    url: url.clone(),
                    error: error.clone(),
                    http_status: e.http_status,
                    attempts: e.attempts,
                });
                let mut p = problem(
                    ProblemKind::FetchFailed,
                    Some(e.id),
                    format!(
                        "entry {} failed after {} attempts: {error}",
                        e.id, e.attempts
                    ),
                );
                p.url = Some(url);
                p.repair = Some(repair.crawl.clone());
                problems.push(p);
            }
            EntryState::Pending => {
                let mut p = problem(
                    ProblemKind::NeverFetched,
                    Some(e.id),
                    format!("entry {} was discovered but never fetched", e.id),
                );
                p.url = Some(url);
                p.repair = Some(repair.crawl.clone());
                problems.push(p);
            }
            _ => {}
        }
    }
    let archived_ids: Vec<EntryId> = input
        .entries
        .iter()
        .filter(|e| is_archived(e.state))
        .map(|e| e.id)
        .collect();
    VerifyReport {
        schema: REPORT_SCHEMA,
        archive: input.archive.display().to_string(),
        blog: input.blog.clone(),
        blog_url: input.blog_url.clone(),
        complete: false,
        gaps: 0,
        posts_expected: input.entries.len(),
        posts_archived: archived_ids.len(),
        notices: states["notice"],
        states,
        archived_ids,
        protected_ids: ids(EntryState::Protected),
        private_ids: ids(EntryState::Private),
        deleted_ids: ids(EntryState::Deleted),
        failed_ids: ids(EntryState::Failed),
        missing_ids: ids(EntryState::Pending),
        not_post_ids: ids(EntryState::NotPost),
        failed,
        sources,
        single_source_ids,
        blog_total: BlogTotal {
            sidebar: input.sidebar_total,
            mobile_api: input.mobile_total,
            archived_public: 0,
            verdict: "unknown",
        },
        raw_pages: super::FileCheck::default(),
        markdown: super::FileCheck::default(),
        rows: super::RowCheck::default(),
        images_total: 0,
        images_ok: 0,
        images_missing: Vec::new(),
        attachments_total: 0,
        attachments_ok: 0,
        attachments_missing: Vec::new(),
        comments: super::CommentsCheck::default(),
        fidelity_threshold: input.threshold,
        fidelity_checked: 0,
        fidelity_below_threshold: Vec::new(),
        fidelity_lost: Vec::new(),
        posts_per_year: BTreeMap::new(),
        problems,
        repair_commands: Vec::new(),
        bundle: None,
        naver: None,
        warc: None,
        provenance: super::provenance::ProvenanceCheck::default(),
    }
}

/// The blog's own count ("분류 전체보기 (N)", the mobile list's total) against the archive's.
pub(super) fn check_totals(input: &VerifyInput, report: &mut VerifyReport) {
    let repair = Repair::new(input);
    let archived = report.posts_archived;
    report.blog_total.archived_public = archived;
    let totals: Vec<(&str, u64)> = [
        ("the sidebar (분류 전체보기)", input.sidebar_total),
        ("the mobile list", input.mobile_total),
    ]
    .into_iter()
    .filter_map(|(name, t)| t.map(|t| (name, t)))
    .collect();
    let Some(highest) = totals.iter().map(|(_, t)| *t).max() else {
        return;
    };
    let said = totals
        .iter()
        .map(|(name, t)| format!("{name} says {t}"))
        .collect::<Vec<_>>()
        .join(", ");
    let archived_u = archived as u64;
    // Entries the archive knows that may be what the blog counts: protected and private posts
    // (the count may include them) and failed or never-fetched ones (already gaps of their own).
    let accounted = (report.protected_ids.len()
        + report.private_ids.len()
        + report.failed_ids.len()
        + report.missing_ids.len()) as u64;
    let (verdict, p) = if archived_u == highest {
        ("match", None)
    } else if archived_u < highest && archived_u + accounted >= highest {
        (
            "explained",
            Some(problem(
                ProblemKind::Note,
                None,
                format!(
                    "{archived} public posts archived, {said}; the {accounted} protected, private, failed or never-fetched entries listed account for the difference"
                ),
            )),
        )
    } else if archived_u < highest {
        let missing = highest - archived_u - accounted;
        // Ids the blog's own lists named as posts that then answered 404: deleted since, or a
        // blog that failed in the middle of the run. They are the first suspects, by name.
        let listed_gone: Vec<String> = report
            .deleted_ids
            .iter()
            .filter(|id| {
                input
                    .entries
                    .iter()
                    .any(|e| e.id == **id && e.sources.iter().any(|s| s != "scan"))
            })
            .map(ToString::to_string)
            .collect();
        let message = if listed_gone.is_empty() {
            format!(
                "{archived} public posts archived, but {said}: {missing} post(s) that no source named may be missing"
            )
        } else {
            format!(
                "{archived} public posts archived, but {said}: {missing} post(s) may be missing; the blog's own lists named {} as posts, yet they answered 404 (deleted since, or the blog failed during the run: crawl again)",
                listed_gone.join(" ")
            )
        };
        let mut p = problem(ProblemKind::CountMismatch, None, message);
        p.repair = Some(repair.scan);
        ("fewer", Some(p))
    } else {
        (
            "more",
            Some(problem(
                ProblemKind::Note,
                None,
                format!("{archived} public posts archived, more than {said} (a stale count?)"),
            )),
        )
    };
    report.blog_total.verdict = verdict;
    report.problems.extend(p);
}
