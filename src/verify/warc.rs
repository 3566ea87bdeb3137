//! The WARC check (when the archive has `warc/`): every saved page, asset and comments file has
//! its capture in the WARC with the same bytes (sha256), every record's payload matches the digest
//! it claims, and no file is unfinished or damaged. Each finding is a gap: a WARC that does not
//! hold what the archive holds is not the record it claims to be. Pure.

use std::collections::BTreeMap;

use serde::Serialize;

use super::checks::problem;
use super::{Problem, ProblemKind, VerifyInput};
use crate::model::{AssetState, EntryId};
use crate::warc::facts::{CaptureFacts, WarcFacts};

/// What the check reads: the WARC's facts and the comment items of the archive's files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WarcEvidence {
    /// From the WARC files.
    pub facts: WarcFacts,
    /// The items of each saved `comments/<id>.json`, or why it could not be read.
    pub saved_comments: BTreeMap<EntryId, SavedComments>,
}

/// What a saved comments file holds, as the WARC check reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum SavedComments {
    /// Its `items`, in order.
    Items(Vec<serde_json::Value>),
    /// It could not be read.
    Unreadable(CommentsFileUnreadable),
}

/// Why a saved comments file could not be read for the WARC check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommentsFileUnreadable {
    /// The file could not be read.
    #[error("cannot read it ({0})")]
    Read(std::io::ErrorKind),
    /// It is not JSON.
    #[error("not JSON (line {line}, column {column})")]
    NotJson {
        /// Where the parser stopped.
        line: usize,
        /// See `line`.
        column: usize,
    },
}

impl SavedComments {
    /// Reads a comments file's text (`Err`: it could not be read).
    #[must_use]
    pub fn from_text(text: std::io::Result<String>) -> Self {
        let text = match text {
            Ok(t) => t,
            Err(e) => return Self::Unreadable(CommentsFileUnreadable::Read(e.kind())),
        };
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => Self::Items(
                v.get("items")
                    .and_then(|i| i.as_array())
                    .cloned()
                    .unwrap_or_default(),
            ),
            Err(e) => Self::Unreadable(CommentsFileUnreadable::NotJson {
                line: e.line(),
                column: e.column(),
            }),
        }
    }
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
    check_files(facts, problems);
    check_digests(facts, problems);
    check_pages(input, facts, &mut check, problems);
    check_assets(input, facts, &mut check, problems);
    check_comments(evidence, &mut check, problems);
    check.problems = problems.len() - before;
    Some(check)
}

/// What repairs a WARC that lacks a record.
const FRESH: &str = "crawl the blog again into a new archive with --warc to record it";

/// Unfinished and damaged files, and a `warc/` with no file.
fn check_files(facts: &WarcFacts, problems: &mut Vec<Problem>) {
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
}

/// Records whose payload does not hash to the digest they claim.
fn check_digests(facts: &WarcFacts, problems: &mut Vec<Problem>) {
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
}

/// Every saved page has a capture with its bytes.
fn check_pages(
    input: &VerifyInput,
    facts: &WarcFacts,
    check: &mut WarcCheck,
    problems: &mut Vec<Problem>,
) {
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
                format!("the saved page {raw} has no response record in the WARC; {FRESH}"),
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
}

/// Every saved asset has a capture with its bytes.
fn check_assets(
    input: &VerifyInput,
    facts: &WarcFacts,
    check: &mut WarcCheck,
    problems: &mut Vec<Problem>,
) {
    for a in &input.assets {
        let (Some(sha), Some(file)) = (&a.sha256, &a.file) else {
            continue;
        };
        if a.state != AssetState::Ok {
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
                format!("the saved file {file} has no response record in the WARC; {FRESH}"),
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
}

/// Every saved comments file's items are the WARC's comment pages' items.
fn check_comments(evidence: &WarcEvidence, check: &mut WarcCheck, problems: &mut Vec<Problem>) {
    let facts = &evidence.facts;
    for (id, saved) in &evidence.saved_comments {
        check.comments += 1;
        let file = format!("comments/{id}.json");
        let saved = match saved {
            SavedComments::Items(items) => items,
            SavedComments::Unreadable(why) => {
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
                format!("{file} has no comment page ({prefix}) in the WARC; {FRESH}"),
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::tests::clean_input;
    use crate::verify::verify;

    fn capture(sha: &str) -> CaptureFacts {
        CaptureFacts {
            status: 200,
            recorded_sha256: Some(sha.to_string()),
            actual_sha256: Some(sha.to_string()),
            location: "a.warc.gz@0".into(),
        }
    }

    /// The WARC of `clean_input`'s archive: pages 1, 2, 4, the image, both posts' comment pages.
    fn whole() -> WarcEvidence {
        let mut facts = WarcFacts {
            dir: "out/b/warc".into(),
            files: 1,
            blog_origin: Some("https://b.tistory.com".into()),
            ..WarcFacts::default()
        };
        for id in [1u64, 2, 4] {
            facts
                .blog
                .insert(format!("/{id}"), vec![capture(&format!("{id:064}"))]);
        }
        facts
            .other
            .insert("https://cdn.example/a.png".into(), vec![capture("aa")]);
        let mut saved = BTreeMap::new();
        for id in [1u64, 2] {
            facts
                .blog
                .insert(format!("/m/api/{id}/comment"), vec![capture("cc")]);
            facts
                .comments
                .insert(id, vec![serde_json::json!({"id": id * 10})]);
            saved.insert(
                id,
                SavedComments::Items(vec![serde_json::json!({"id": id * 10})]),
            );
        }
        WarcEvidence {
            facts,
            saved_comments: saved,
        }
    }

    fn warc_gaps(evidence: WarcEvidence) -> (Vec<(ProblemKind, Option<EntryId>)>, WarcCheck) {
        let mut input = clean_input();
        input.warc = Some(evidence);
        let report = verify(&input);
        let gaps = report
            .problems
            .iter()
            .filter(|p| p.gap)
            .map(|p| (p.kind, p.id))
            .collect();
        (gaps, report.warc.expect("the WARC was checked"))
    }

    #[test]
    fn a_whole_warc_adds_no_gap() {
        let (gaps, check) = warc_gaps(whole());
        assert_eq!(gaps, vec![]);
        assert_eq!(
            (check.pages_ok, check.pages, check.assets_ok, check.assets),
            (3, 3, 1, 1)
        );
        assert_eq!((check.comments_ok, check.comments), (2, 2));
    }

    #[test]
    fn a_comments_file_that_cannot_be_read_is_named_with_its_reason() {
        assert_eq!(
            SavedComments::from_text(Ok(r#"{"post_id":1,"items":[{"id":10}]}"#.into())),
            SavedComments::Items(vec![serde_json::json!({"id": 10})])
        );
        let cut = SavedComments::from_text(Ok("{\"items\": [".into()));
        assert!(
            matches!(
                cut,
                SavedComments::Unreadable(CommentsFileUnreadable::NotJson { line: 1, .. })
            ),
            "{cut:?}"
        );
        let mut e = whole();
        e.saved_comments.insert(
            2,
            SavedComments::from_text(Err(std::io::ErrorKind::PermissionDenied.into())),
        );
        e.saved_comments.insert(1, cut);
        let mut input = clean_input();
        input.warc = Some(e);
        let report = verify(&input);
        let messages: Vec<&str> = report
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::WarcDigestMismatch)
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "comments/1.json cannot be compared with the WARC: not JSON (line 1, column 11)",
                "comments/2.json cannot be compared with the WARC: cannot read it (permission denied)",
            ]
        );
    }

    #[test]
    fn each_missing_or_different_capture_is_a_gap_naming_its_item() {
        let mut e = whole();
        e.facts.blog.remove("/2");
        e.facts
            .blog
            .insert("/4".into(), vec![capture(&format!("{:064}", 9))]);
        e.facts.other.clear();
        e.facts.comments.insert(1, Vec::new());
        let (gaps, check) = warc_gaps(e);
        assert!(
            gaps.contains(&(ProblemKind::WarcRecordMissing, Some(2))),
            "{gaps:?}"
        );
        assert!(
            gaps.contains(&(ProblemKind::WarcDigestMismatch, Some(4))),
            "{gaps:?}"
        );
        assert!(
            gaps.contains(&(ProblemKind::WarcRecordMissing, None)),
            "the image: {gaps:?}"
        );
        assert!(
            gaps.contains(&(ProblemKind::WarcDigestMismatch, Some(1))),
            "comments: {gaps:?}"
        );
        assert_eq!(
            (check.pages_ok, check.assets_ok, check.comments_ok),
            (1, 0, 1)
        );
    }

    #[test]
    fn a_record_whose_bytes_do_not_match_its_digest_is_a_gap_even_when_the_claim_matches() {
        let mut e = whole();
        let mut broken = capture(&format!("{:064}", 1));
        broken.actual_sha256 = Some("ff".repeat(32));
        e.facts.blog.insert("/1".into(), vec![broken]);
        let (gaps, _) = warc_gaps(e);
        assert!(
            gaps.contains(&(ProblemKind::WarcDigestMismatch, None)),
            "{gaps:?}"
        );
        assert!(
            gaps.contains(&(ProblemKind::WarcDigestMismatch, Some(1))),
            "{gaps:?}"
        );
    }

    #[test]
    fn unfinished_damaged_or_empty_warc_folders_are_gaps() {
        let mut e = whole();
        e.facts.unfinished.push("out/b/warc/x.warc.gz.open".into());
        e.facts.damaged.push("x.warc.gz: damaged at byte 10".into());
        let (gaps, _) = warc_gaps(e);
        assert_eq!(
            gaps.iter()
                .filter(|g| g.0 == ProblemKind::WarcUnreadable)
                .count(),
            2
        );
        let empty = WarcEvidence {
            facts: WarcFacts {
                dir: "out/b/warc".into(),
                ..WarcFacts::default()
            },
            saved_comments: BTreeMap::new(),
        };
        let (gaps, _) = warc_gaps(empty);
        assert!(gaps.contains(&(ProblemKind::WarcUnreadable, None)));
    }
}
