//! The WARC check (when the archive has `warc/`): every saved page, asset and comments file has
//! its capture in the WARC with the same bytes (sha256), every record's payload matches the digest
//! it claims, and no file is unfinished or damaged. Each finding is a gap: a WARC that does not
//! hold what the archive holds is not the record it claims to be. Pure.

use std::collections::BTreeMap;

use serde::Serialize;

use super::checks::problem;
use super::{Problem, ProblemKind, VerifyInput};
use crate::model::EntryId;
use crate::warc::facts::{CaptureFacts, WarcFacts};

/// What the check reads: the WARC's facts and the comment items of the archive's files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WarcEvidence {
    /// From the WARC files.
    pub facts: WarcFacts,
    /// The items of each saved `comments/<id>.json`, or why it could not be read.
    pub saved_comments: BTreeMap<EntryId, Result<Vec<serde_json::Value>, String>>,
}

/// The WARC line of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WarcCheck {
    /// Finished WARC files.
    pub files: usize,
    /// Saved pages checked / with a matching capture.
    pub pages: usize,
    /// See `pages`.
    pub pages_ok: usize,
    /// Saved assets checked.
    pub assets: usize,
    /// Saved assets with a matching capture.
    pub assets_ok: usize,
    /// Comments files checked.
    pub comments: usize,
    /// Comments files whose items the WARC's comment pages hold.
    pub comments_ok: usize,
    /// Problems found.
    pub problems: usize,
}

enum Verdict {
    Ok,
    Missing,
    Differs(String),
}

fn judge(captures: &[&CaptureFacts], expected: &str, facts: &WarcFacts) -> Verdict {
    if captures
        .iter()
        .any(|c| c.sha256() == Some(expected) && !c.digest_broken())
    {
        return Verdict::Ok;
    }
    if let Some(c) = captures.first() {
        return Verdict::Differs(format!(
            "the capture at {} has sha256 {}, the archive's file {expected}",
            c.location,
            c.sha256().unwrap_or("(none)")
        ));
    }
    // A capture under another URL (a redirect) with the same bytes is the record too.
    let anywhere = facts
        .blog
        .values()
        .chain(facts.other.values())
        .flatten()
        .any(|c| c.sha256() == Some(expected) && !c.digest_broken());
    if anywhere {
        Verdict::Ok
    } else {
        Verdict::Missing
    }
}

fn push(
    problems: &mut Vec<Problem>,
    kind: ProblemKind,
    id: Option<EntryId>,
    url: &str,
    message: String,
) {
    let mut p = problem(kind, id, message);
    p.url = Some(url.to_string());
    problems.push(p);
}

/// Runs the check when the input has WARC evidence.
pub(super) fn check_warc(input: &VerifyInput, problems: &mut Vec<Problem>) -> Option<WarcCheck> {
    let evidence = input.warc.as_ref()?;
    let facts = &evidence.facts;
    let before = problems.len();
    let mut check = WarcCheck {
        files: facts.files,
        ..WarcCheck::default()
    };
    for file in &facts.unfinished {
        problems.push(problem(
            ProblemKind::WarcUnreadable,
            None,
            format!(
                "{file} was left unfinished by an interrupted run; run the crawl again with --warc (it recovers the file) or delete it"
            ),
        ));
    }
    for message in &facts.damaged {
        problems.push(problem(ProblemKind::WarcUnreadable, None, message.clone()));
    }
    if facts.files == 0 && facts.unfinished.is_empty() {
        problems.push(problem(
            ProblemKind::WarcUnreadable,
            None,
            format!("{} holds no WARC file", facts.dir),
        ));
    }
    for (key, captures) in facts.blog.iter().chain(facts.other.iter()) {
        for c in captures.iter().filter(|c| c.digest_broken()) {
            push(
                problems,
                ProblemKind::WarcDigestMismatch,
                None,
                key,
                format!(
                    "the record at {} claims payload sha256 {} but its bytes hash to {}: the WARC file is damaged",
                    c.location,
                    c.recorded_sha256.as_deref().unwrap_or_default(),
                    c.actual_sha256.as_deref().unwrap_or_default()
                ),
            );
        }
    }
    let fresh = "crawl the blog again into a new archive with --warc to record it";
    for e in &input.entries {
        let (Some(raw), Some(url)) = (&e.raw_file, &e.url) else {
            continue;
        };
        let expected = e
            .page_sha256
            .clone()
            .or_else(|| input.files.get(raw).and_then(|f| f.sha256.clone()));
        let Some(expected) = expected else { continue };
        check.pages += 1;
        let path = url::Url::parse(url)
            .map(|u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_string(),
            })
            .unwrap_or_else(|_| format!("/{}", e.id));
        let captures: Vec<&CaptureFacts> = facts
            .blog
            .get(&path)
            .into_iter()
            .chain(facts.other.get(url))
            .flatten()
            .filter(|c| c.status == 200)
            .collect();
        match judge(&captures, &expected, facts) {
            Verdict::Ok => check.pages_ok += 1,
            Verdict::Missing => push(
                problems,
                ProblemKind::WarcRecordMissing,
                Some(e.id),
                url,
                format!("the saved page {raw} has no response record in the WARC; {fresh}"),
            ),
            Verdict::Differs(why) => push(
                problems,
                ProblemKind::WarcDigestMismatch,
                Some(e.id),
                url,
                format!("the saved page {raw} differs from the WARC: {why}"),
            ),
        }
    }
    for a in &input.assets {
        let (Some(sha), Some(file)) = (&a.sha256, &a.file) else {
            continue;
        };
        if a.state != crate::model::AssetState::Ok {
            continue;
        }
        check.assets += 1;
        let captures: Vec<&CaptureFacts> = facts
            .other
            .get(&a.url)
            .into_iter()
            .flatten()
            .filter(|c| c.status == 200)
            .collect();
        match judge(&captures, sha, facts) {
            Verdict::Ok => check.assets_ok += 1,
            Verdict::Missing => push(
                problems,
                ProblemKind::WarcRecordMissing,
                None,
                &a.url,
                format!("the saved file {file} has no response record in the WARC; {fresh}"),
            ),
            Verdict::Differs(why) => push(
                problems,
                ProblemKind::WarcDigestMismatch,
                None,
                &a.url,
                format!("the saved file {file} differs from the WARC: {why}"),
            ),
        }
    }
    for (id, saved) in &evidence.saved_comments {
        check.comments += 1;
        let file = format!("comments/{id}.json");
        let saved = match saved {
            Ok(items) => items,
            Err(why) => {
                problems.push(problem(
                    ProblemKind::WarcDigestMismatch,
                    Some(*id),
                    format!("{file} cannot be compared with the WARC: {why}"),
                ));
                continue;
            }
        };
        let prefix = format!("/m/api/{id}/comment");
        let any_capture = facts
            .blog
            .keys()
            .any(|k| k == &prefix || k.starts_with(&format!("{prefix}?")));
        match facts.comments.get(id) {
            Some(items) if items == saved => check.comments_ok += 1,
            None if saved.is_empty() && any_capture => check.comments_ok += 1,
            None => problems.push(problem(
                ProblemKind::WarcRecordMissing,
                Some(*id),
                format!("{file} has no comment page ({prefix}) in the WARC; {fresh}"),
            )),
            Some(items) => problems.push(problem(
                ProblemKind::WarcDigestMismatch,
                Some(*id),
                format!(
                    "{file} holds {} comments, the WARC's comment pages {}, or different ones",
                    saved.len(),
                    items.len()
                ),
            )),
        }
    }
    check.problems = problems.len() - before;
    Some(check)
}
