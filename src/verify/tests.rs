//! Unit tests of the pure core on small hand-made archives: a clean one, then one damage at a time.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::archive::db::{AssetRow, CommentsRow, EntryRow, EntryState};
use crate::model::{AssetStatus, Image, PostRecord, PostStatus};

fn entry(id: EntryId, state: EntryState, sources: &[&str]) -> EntryRow {
    let has_page = matches!(
        state,
        EntryState::Ok | EntryState::Notice | EntryState::Protected | EntryState::Private
    );
    EntryRow {
        id,
        url: Some(format!("https://b.tistory.com/{id}")),
        state,
        http_status: Some(if state == EntryState::Deleted {
            404
        } else {
            200
        }),
        attempts: 1,
        last_error: None,
        etag: None,
        last_modified: None,
        page_sha256: has_page.then(|| format!("{id:064}")),
        raw_file: has_page.then(|| format!("raw/{id}.html")),
        sources: sources.iter().map(ToString::to_string).collect(),
    }
}

fn row(id: EntryId, status: PostStatus, published: &str, images: &[&str]) -> PostRecord {
    PostRecord {
        id,
        url: format!("https://b.tistory.com/{id}"),
        status,
        notice: false,
        title: Some(format!("post {id}")),
        published: Some(published.to_string()),
        modified: None,
        author: None,
        category: None,
        tags: Vec::new(),
        markdown: (status == PostStatus::Ok).then(|| format!("posts/{id}.md")),
        source: Some(format!("raw/{id}.html")),
        images: images
            .iter()
            .map(|u| Image {
                url: (*u).to_string(),
                file: None,
                status: AssetStatus::Ok,
                filename: None,
                caption: None,
            })
            .collect(),
        attachments: Vec::new(),
        markdown_body_sha256: None,
        fidelity: Some(Fidelity {
            score: 1.0,
            lost: Vec::new(),
        }),
        comments: None,
        warnings: Vec::new(),
        provenance: None,
    }
}

const IMG: &str = "https://cdn.example/a.png";
const GONE: &str = "https://cdn.example/gone.png";

/// Posts 1 (ok, 2019, one image), 2 (ok, 2021, a gone image), 3 (deleted, scan only),
/// 4 (protected, scan only); the blog says 2 public posts. Everything on disk.
pub(crate) fn clean_input() -> VerifyInput {
    let mut files = BTreeMap::new();
    for id in [1u64, 2, 4] {
        files.insert(
            format!("raw/{id}.html"),
            FileFacts {
                size: 100,
                sha256: Some(format!("{id:064}")),
            },
        );
    }
    for id in [1u64, 2] {
        files.insert(
            format!("posts/{id}.md"),
            FileFacts {
                size: 10,
                sha256: None,
            },
        );
        files.insert(
            format!("comments/{id}.json"),
            FileFacts {
                size: 2,
                sha256: None,
            },
        );
    }
    files.insert(
        "assets/aa/aa.png".into(),
        FileFacts {
            size: 5,
            sha256: Some("aa".into()),
        },
    );
    let comments = [1u64, 2]
        .into_iter()
        .map(|id| {
            (
                id,
                CommentsRow {
                    state: crate::model::CommentsState::Ok,
                    count: Some(0),
                    file: Some(format!("comments/{id}.json")),
                    sha256: None,
                    reason: None,
                    stopped_at: None,
                },
            )
        })
        .collect();
    VerifyInput {
        archive: PathBuf::from("out/b"),
        blog: Some("b".into()),
        blog_url: Some("https://b.tistory.com/".into()),
        sidebar_total: Some(2),
        mobile_total: None,
        entries: vec![
            entry(1, EntryState::Ok, &["listing", "rss"]),
            entry(2, EntryState::Ok, &["listing", "rss"]),
            entry(3, EntryState::Deleted, &["scan"]),
            entry(4, EntryState::Protected, &["scan"]),
        ],
        slugs: Vec::new(),
        assets: vec![
            AssetRow {
                url: IMG.into(),
                state: crate::model::AssetState::Ok,
                sha256: Some("aa".into()),
                file: Some("assets/aa/aa.png".into()),
                last_error: None,
            },
            AssetRow {
                url: GONE.into(),
                state: crate::model::AssetState::Gone,
                sha256: None,
                file: None,
                last_error: Some(format!("{GONE} answered 404")),
            },
        ],
        post_assets: vec![
            PostAssetRef {
                post_id: 1,
                url: IMG.into(),
                kind: AssetKind::Image,
            },
            PostAssetRef {
                post_id: 2,
                url: GONE.into(),
                kind: AssetKind::Image,
            },
        ],
        comments,
        comments_fetched: false,
        posts_jsonl_present: true,
        rows: vec![
            row(1, PostStatus::Ok, "2019-03-01T10:00:00+09:00", &[IMG]),
            row(2, PostStatus::Ok, "2021-05-01T10:00:00+09:00", &[GONE]),
            row(3, PostStatus::Deleted, "", &[]),
            row(4, PostStatus::Protected, "2021-06-01T10:00:00+09:00", &[]),
        ],
        unreadable_rows: Vec::new(),
        files,
        extracted: [1u64, 2, 4]
            .into_iter()
            .map(|id| {
                let raw_sha256 = format!("{id:064}");
                (id, super::ArtifactFacts::Extracted { raw_sha256 })
            })
            .collect(),
        fidelity: [1u64, 2]
            .into_iter()
            .map(|id| {
                (
                    id,
                    Measured::Score(Fidelity {
                        score: 1.0,
                        lost: Vec::new(),
                    }),
                )
            })
            .collect(),
        threshold: 0.99,
        bundle: None,
        warc: None,
        page_comment_counts: BTreeMap::new(),
        // A crawl of this version confirmed the deletion of post 3.
        unproven_deletions: Some(Vec::new()),
        discovery: Vec::new(),
    }
}

fn gaps(r: &VerifyReport) -> Vec<(ProblemKind, Option<EntryId>)> {
    r.problems
        .iter()
        .filter(|p| p.gap)
        .map(|p| (p.kind, p.id))
        .collect()
}

#[test]
fn a_clean_archive_is_complete_and_lists_what_is_not_a_gap() {
    let r = verify(&clean_input());
    assert!(r.complete, "{r:#?}");
    assert_eq!((r.posts_expected, r.posts_archived), (4, 2));
    assert_eq!(r.protected_ids, [4]);
    assert_eq!(r.deleted_ids, [3]);
    assert!(r.failed_ids.is_empty() && r.missing_ids.is_empty());
    assert_eq!((r.images_total, r.images_ok), (2, 1));
    assert_eq!(r.images_missing.len(), 1);
    assert_eq!(r.images_missing[0].reason, "gone");
    assert!(!r.images_missing[0].gap);
    assert_eq!(r.blog_total.verdict, "match");
    assert_eq!(r.sources["scan"], 2);
    assert_eq!(
        r.single_source_ids.iter().map(|s| s.id).collect::<Vec<_>>(),
        [3, 4]
    );
    assert_eq!(
        r.posts_per_year,
        BTreeMap::from([("2019".to_string(), 1), ("2021".to_string(), 1)])
    );
    assert_eq!(r.raw_pages.ok, 3, "archived and protected pages");
    assert!(r.repair_commands.is_empty());
    assert_eq!(r.problems.len(), 1, "only the gone image, as a note");
    assert_eq!(r.problems[0].kind, ProblemKind::AssetGone);
    assert!(r.problems[0].repair.is_none());
}

#[test]
fn each_damage_is_named_with_its_id_file_and_repair() {
    let mut input = clean_input();
    input.files.remove("raw/1.html");
    input.files.get_mut("assets/aa/aa.png").unwrap().sha256 = Some("bb".into());
    input.files.remove("posts/2.md");
    input.rows.retain(|r| r.id != 2);
    input.entries[1].state = EntryState::Failed;
    input.entries[1].last_error = Some("https://b.tistory.com/2 answered 503".into());
    input
        .entries
        .push(entry(5, EntryState::Pending, &["sitemap"]));
    let r = verify(&input);
    assert!(!r.complete);
    assert_eq!(
        gaps(&r),
        [
            (ProblemKind::RawPageMissing, Some(1)),
            (ProblemKind::AssetDamaged, Some(1)),
            (ProblemKind::FetchFailed, Some(2)),
            (ProblemKind::NeverFetched, Some(5)),
        ]
    );
    let raw = &r.problems[0];
    assert_eq!(raw.file.as_deref(), Some("raw/1.html"));
    assert_eq!(raw.url.as_deref(), Some("https://b.tistory.com/1"));
    assert_eq!(
        raw.repair.as_deref(),
        Some("tistory-migrate crawl https://b.tistory.com/ --out out/b --retry-failed")
    );
    assert_eq!(r.problems[1].url.as_deref(), Some(IMG));
    assert_eq!(r.images_missing[0].reason, "file_damaged");
    assert_eq!(r.failed_ids, [2]);
    assert_eq!(r.failed[0].error, "https://b.tistory.com/2 answered 503");
    assert_eq!(r.missing_ids, [5]);
    assert_eq!(
        r.blog_total.verdict, "explained",
        "the failed post accounts for the missing one"
    );
    assert_eq!(r.repair_commands.len(), 1, "{:?}", r.repair_commands);
    assert!(r.repair_commands[0].ends_with("--retry-failed"));
}

#[test]
fn content_gaps_of_an_archived_post() {
    let mut input = clean_input();
    input.files.remove("posts/2.md");
    input.rows.retain(|r| r.id != 1);
    input.files.remove("comments/2.json");
    input.fidelity.insert(
        2,
        Measured::Score(Fidelity {
            score: 0.5,
            lost: vec!["강변".into()],
        }),
    );
    let r = verify(&input);
    assert_eq!(
        gaps(&r),
        [
            (ProblemKind::RowMissing, Some(1)),
            (ProblemKind::MarkdownMissing, Some(2)),
            (ProblemKind::CommentsMissing, Some(2)),
            (ProblemKind::FidelityBelowThreshold, Some(2)),
        ]
    );
    assert_eq!(r.rows.missing, [1]);
    assert_eq!(r.markdown.missing, [2]);
    assert_eq!(r.fidelity_below_threshold, [2]);
    assert_eq!(r.fidelity_lost[0].lost, ["강변"]);
    assert!(r.problems.iter().any(|p| p.message.contains("강변")));
    assert_eq!(
        r.repair_commands[0],
        "tistory-migrate crawl https://b.tistory.com/ --out out/b --retry-failed",
        "fetching first"
    );
}

#[test]
fn a_count_the_hidden_entries_explain_is_a_note() {
    let mut input = clean_input();
    input.sidebar_total = Some(3);
    let r = verify(&input);
    assert!(r.complete);
    assert_eq!(r.blog_total.verdict, "explained");
    input.sidebar_total = Some(4);
    let r = verify(&input);
    assert!(!r.complete);
    assert!(
        r.problems
            .iter()
            .any(|p| p.kind == ProblemKind::CountMismatch && p.message.contains("1 post(s)"))
    );
}

#[test]
fn the_text_summary_names_problems_and_commands() {
    let mut input = clean_input();
    input.files.remove("raw/1.html");
    let text = report_text::render(&verify(&input));
    assert!(
        text.contains("GAPS FOUND: 1 problem to repair (exit 4)"),
        "{text}"
    );
    assert!(text.contains("raw/1.html"), "{text}");
    assert!(text.contains("repair: tistory-migrate crawl"), "{text}");
    assert!(text.contains("gone at the source"), "{text}");
    let text = report_text::render(&verify(&clean_input()));
    assert!(text.contains("COMPLETE"), "{text}");
}

#[test]
fn the_html_page_is_self_contained_and_escaped() {
    let mut input = clean_input();
    input.blog = Some("<script>alert(1)</script>".into());
    input.files.remove("raw/1.html");
    let html = report_html::render(&verify(&input), "../my%20archive");
    assert!(
        !html.contains("<script"),
        "no script, and the blog name is escaped"
    );
    assert!(html.contains("&lt;script&gt;"));
    assert!(html.contains(r#"href="../my%20archive/raw/1.html""#));
    assert!(html.contains(r#"<a class="original" href="https://b.tistory.com/1""#));
    for bad in ["src=", "<link", "@import", "url(", "<img", "<iframe"] {
        assert!(!html.contains(bad), "{bad} would load something");
    }
    assert!(html.contains(r#"data-field="posts_expected">4<"#));
}

#[test]
fn shell_quoting() {
    assert_eq!(shell_quote("out/blog"), "out/blog");
    assert_eq!(shell_quote("내 블로그"), "'내 블로그'");
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
}

#[test]
fn the_naver_bundle_is_checked_when_there_is_one() {
    let mut input = clean_input();
    let public: Vec<EntryId> = input
        .entries
        .iter()
        .filter(|e| checks::is_archived(e.state))
        .map(|e| e.id)
        .collect();
    input.bundle = Some(BundleFacts {
        dir: "naver".into(),
        post_ids: public[1..].to_vec(),
        problems: vec![(
            Some("0001_2014-03-09_1/body.html".into()),
            "checksum mismatch".into(),
        )],
    });
    let r = verify(&input);
    let bundle = r.bundle.clone().expect("a bundle was checked");
    assert_eq!(bundle.posts, public.len() - 1);
    assert_eq!(bundle.problems, 2);
    let missing = r
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::BundleMissingPost)
        .unwrap();
    assert_eq!(missing.id, Some(public[0]));
    let bad = r
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::BundleInvalid)
        .unwrap();
    assert_eq!(
        bad.file.as_deref(),
        Some("naver/0001_2014-03-09_1/body.html")
    );
    assert!(bad.gap && missing.gap);
    assert!(!r.complete);
}

#[test]
fn a_missing_unreadable_or_swapped_extracted_post_is_a_gap_extract_repairs() {
    let mut input = clean_input();
    input.extracted.remove(&1);
    input
        .extracted
        .insert(2, super::ArtifactFacts::Unreadable("EOF".into()));
    let other = format!("{:064}", 1);
    input
        .extracted
        .insert(4, super::ArtifactFacts::Extracted { raw_sha256: other });
    let r = verify(&input);
    assert_eq!(
        gaps(&r),
        [
            (ProblemKind::ExtractedDamaged, Some(1)),
            (ProblemKind::ExtractedDamaged, Some(2)),
            (ProblemKind::ExtractedDamaged, Some(4)),
        ]
    );
    assert!(r.problems[2].message.contains("another page"), "{r:#?}");
    assert!(r.repair_commands[0].contains(" extract "), "{r:#?}");
}

#[test]
fn files_of_an_id_the_database_does_not_know_are_a_gap() {
    let mut input = clean_input();
    // The database lost entry 2's row: its page, Markdown and posts.jsonl row are still there.
    input.entries.retain(|e| e.id != 2);
    input.post_assets.retain(|a| a.post_id != 2);
    input.sidebar_total = None;
    let r = verify(&input);
    assert_eq!(
        gaps(&r),
        [(ProblemKind::EntryUnrecorded, Some(2))],
        "{r:#?}"
    );
    let p = &r.problems[0];
    assert!(p.message.contains("raw/2.html") && p.message.contains("posts.jsonl row"));
    assert_eq!(
        p.repair.as_deref(),
        Some("tistory-migrate crawl https://b.tistory.com/ --out out/b")
    );
}
