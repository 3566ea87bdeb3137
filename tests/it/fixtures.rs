//! The sample blog `fixtures/hangang-notes/`: every page against the ground truth its author wrote
//! (`expected.toml`), the render-back check, and one reviewed Markdown snapshot per post.

use tistory_migrate::extract::Page;
use tistory_migrate::model::PageKind;

use crate::corpus::check_page;
use crate::support::{bin, extract_file, markdown_of, read_expected, sample_blog};

#[test]
fn every_sample_page_matches_its_ground_truth() {
    let dir = sample_blog();
    let pages = read_expected(&dir.join("expected.toml"));
    assert!(
        pages.iter().filter(|p| p.kind == "post").count() >= 15,
        "at least 15 public posts"
    );
    let mut failures = Vec::new();
    for want in &pages {
        for diff in check_page(&dir, want) {
            failures.push(format!("{}: {diff}", want.file));
        }
        if want.kind == "listing" {
            assert!(
                want.post_ids.as_ref().is_some_and(|ids| !ids.is_empty()),
                "{} lists posts",
                want.file
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_sample_blog_has_every_kind_of_page() {
    let dir = sample_blog();
    let mut kinds = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            kinds.push(match extract_file(&path) {
                Page::Entry(post) => post.kind,
                Page::NotEntry { kind, .. } => kind,
            });
        }
    }
    for kind in [
        PageKind::Post,
        PageKind::Notice,
        PageKind::Protected,
        PageKind::NotFound,
        PageKind::Listing,
    ] {
        assert!(
            kinds.contains(&kind),
            "the sample blog has a {kind:?} page: {kinds:?}"
        );
    }
}

#[test]
fn markdown_snapshots() {
    insta::glob!("../../fixtures/hangang-notes", "*.html", |path| {
        let page = extract_file(path);
        if let Some(md) = markdown_of(&page) {
            assert!(
                (md.fidelity.score - 1.0).abs() < f64::EPSILON,
                "{}: the Markdown lost {:?}",
                path.display(),
                md.fidelity.lost
            );
            insta::assert_snapshot!("markdown", md.document);
        }
    });
}

#[test]
fn the_demo_command_extracts_the_whole_sample_blog() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo");
    bin()
        .arg("extract")
        .arg(sample_blog())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(out.join("posts.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let expected = read_expected(&sample_blog().join("expected.toml"));
    let entries: Vec<_> = expected.iter().filter(|p| p.kind != "listing").collect();
    assert_eq!(rows.len(), entries.len(), "one row per entry page");
    for want in entries {
        let row = rows
            .iter()
            .find(|r| r["id"].as_u64() == want.id)
            .unwrap_or_else(|| panic!("row {:?}", want.id));
        let status = match want.kind.as_str() {
            "post" | "notice" => "ok",
            "protected" => "protected",
            "not_found" => "deleted",
            other => other,
        };
        assert_eq!(row["status"], status, "{}", want.file);
        if let Some(url) = &want.url {
            assert_eq!(row["url"].as_str(), Some(url.as_str()), "{}", want.file);
        }
        assert_eq!(row["markdown"].is_string(), status == "ok", "{}", want.file);
        if status == "ok" {
            assert!(out.join(row["markdown"].as_str().unwrap()).is_file());
        }
    }
}
