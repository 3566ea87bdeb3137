//! Shared test support: paths to the corpus and fixtures, page extraction helpers, the CLI runner.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use tistory_migrate::convert::{ImageMap, MarkdownPost, to_markdown};
use tistory_migrate::extract::decode::decode_page;
use tistory_migrate::extract::selectors::SelectorProfile;
use tistory_migrate::extract::{Page, PageSource, extract_page};

/// The shared corpus of real Tistory pages (`TISTORY_CORPUS` overrides), or `None` when absent.
/// With `CI=true` an absent corpus is a failure, not a skip.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("TISTORY_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/tistory"));
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the Tistory corpus is missing at {} (CI=true: corpus tests must run)",
        dir.display()
    );
    eprintln!(
        "SKIPPED: the Tistory corpus is not at {}; set TISTORY_CORPUS",
        dir.display()
    );
    None
}

/// The project's own sample blog.
pub fn sample_blog() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hangang-notes")
}

/// Reads, decodes and extracts one saved page.
pub fn extract_file(path: &Path) -> Page {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let decoded = decode_page(&bytes, path).unwrap();
    extract_page(
        &decoded.html,
        &PageSource::named(path),
        &SelectorProfile::default(),
    )
    .unwrap_or_else(|e| panic!("extract {}: {e}", path.display()))
}

/// Converts a post page to Markdown (no local images).
pub fn markdown_of(page: &Page) -> Option<MarkdownPost> {
    match page {
        Page::Entry(post) => to_markdown(post, &ImageMap::new())
            .unwrap_or_else(|e| panic!("{e}: {:?}", std::error::Error::source(&e))),
        Page::NotEntry { .. } => None,
    }
}

/// The binary, with a clean environment (no HOME config, no RUST_LOG, no TISTORY_MIGRATE_*).
pub fn bin() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("tistory-migrate").unwrap();
    cmd.env_remove("RUST_LOG").env_remove("HOME");
    for (k, _) in std::env::vars() {
        if k.starts_with("TISTORY_MIGRATE_") {
            cmd.env_remove(k);
        }
    }
    cmd.arg("--no-progress");
    cmd
}

/// Ground truth for one page, written by hand (corpus: by reading each page; fixtures: by their author).
#[derive(Debug, serde::Deserialize)]
pub struct Expected {
    pub file: String,
    pub kind: String,
    pub id: Option<u64>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub author: Option<String>,
    pub category: Option<String>,
    pub tags: Option<Vec<String>>,
    pub first_sentence: Option<String>,
    pub last_sentence: Option<String>,
    pub images: Option<usize>,
    pub attachments: Option<usize>,
    pub code_languages: Option<Vec<String>>,
    pub post_ids: Option<Vec<u64>>,
}

#[derive(Debug, serde::Deserialize)]
struct ExpectedFile {
    page: Vec<Expected>,
}

/// Reads an `expected.toml`.
pub fn read_expected(path: &Path) -> Vec<Expected> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    toml::from_str::<ExpectedFile>(&text)
        .unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
        .page
}

/// A small, valid Tistory post page (modern official-skin shape) for tests that need one.
pub fn tistory_page(id: u64, title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>{title} :: 시험 블로그</title>
<meta property="og:title" content="{title}"><meta property="og:url" content="https://test-blog.tistory.com/{id}">
<meta property="article:published_time" content="2020-05-01T14:30:00+09:00"><meta name="by" content="시험자">
<meta property="article:txid" content="1000_{id}"><link rel="canonical" href="https://test-blog.tistory.com/{id}">
<script>window.T.config = {{"BLOG":{{"id":1000,"name":"test-blog","nickName":"시험자"}},"ROLE":"guest"}};
window.T.entryInfo = {{"entryId":{id},"isAuthor":false,"categoryId":5,"categoryLabel":"일상/메모"}};</script></head>
<body id="tt-body-page"><div id="article-view"><div class="tt_article_useless_p_margin contents_style">{body}</div></div></body></html>"#
    )
}

/// `bytes` with every live fetch time (`provenance.fetched_at`, in `posts.jsonl` and in Markdown front
/// matter) replaced by a fixed stand-in. Two runs over the same blog fetch at different moments; that
/// time is a fact of the run, not of the post, so comparisons of two archives leave it out.
pub fn without_fetch_times(bytes: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    // Compiled once: snapshots of archives call this for every file (an unoptimised regex
    // compiles slowly, and compiling three per file made archive comparisons take seconds).
    static JSON: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#""fetched_at":"[^"]*""#).unwrap());
    static YAML: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#"(?m)^(\s*fetched_at: )"[^"]*"$"#).unwrap());
    // The hash of a Markdown file whose front matter holds the fetch time changes with it.
    static MD_HASH: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#""markdown_sha256":"[^"]*""#).unwrap());
    let (json, yaml, md_hash) = (&*JSON, &*YAML, &*MD_HASH);
    let text = json.replace_all(text, r#""fetched_at":"(run time)""#);
    let text = md_hash.replace_all(
        &text,
        r#""markdown_sha256":"(hash of a file with the run time)""#,
    );
    yaml.replace_all(&text, r#"$1"(run time)""#)
        .into_owned()
        .into_bytes()
}

/// A `posts.jsonl` row without its live fetch times (the post's and each file's) and the hash of
/// its Markdown, whose front matter holds the fetch time (see [`without_fetch_times`]).
pub fn row_without_fetch_time(mut row: serde_json::Value) -> serde_json::Value {
    if let Some(r) = row.as_object_mut() {
        r.remove("markdown_sha256");
    }
    if let Some(p) = row.get_mut("provenance").and_then(|p| p.as_object_mut()) {
        p.remove("fetched_at");
        for a in p
            .get_mut("assets")
            .and_then(|a| a.as_array_mut())
            .into_iter()
            .flatten()
        {
            if let Some(a) = a.as_object_mut() {
                a.remove("fetched_at");
            }
        }
    }
    row
}

/// `posts.jsonl` rows without their `provenance` (a WARC replay's copies say they are captures;
/// the crawl of the blog they were captured from says live), by id.
pub fn rows_without_provenance(jsonl: &Path) -> std::collections::BTreeMap<u64, serde_json::Value> {
    std::fs::read_to_string(jsonl)
        .unwrap()
        .lines()
        .map(|l| {
            let mut row: serde_json::Value = serde_json::from_str(l).unwrap();
            row.as_object_mut().unwrap().remove("provenance");
            row.as_object_mut().unwrap().remove("markdown_sha256");
            (row["id"].as_u64().unwrap(), row)
        })
        .collect()
}

/// A Markdown file's text without the `provenance:` block of its front matter (see
/// [`rows_without_provenance`]).
pub fn markdown_without_provenance(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let mut out = String::new();
    let mut in_block = false;
    for line in text.split_inclusive('\n') {
        if line == "provenance:\n" {
            in_block = true;
            continue;
        }
        if in_block && line.starts_with("  ") {
            continue;
        }
        in_block = false;
        out.push_str(line);
    }
    out
}

/// Asserts every row of `jsonl` with a page says it came from a capture in a WARC file
/// named `*.warc.gz` with an RFC 3339 `WARC-Date`.
pub fn assert_rows_are_captures(jsonl: &Path) {
    for line in std::fs::read_to_string(jsonl).unwrap().lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        if row["source"].is_null() {
            continue;
        }
        let p = &row["provenance"];
        assert_eq!(p["origin"], "warc", "{row}");
        assert!(p["file"].as_str().unwrap().ends_with(".warc.gz"), "{row}");
        let date = p["warc_date"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(date).is_ok(), "{date}");
        assert!(p.get("fetched_at").is_none(), "{row}");
    }
}

/// Verify's JSON report of the archive at `out`, and its exit code.
pub fn verify_json(out: &std::path::Path) -> (i32, serde_json::Value) {
    let o = bin().arg("verify").arg(out).arg("--json").output().unwrap();
    (
        o.status.code().unwrap(),
        serde_json::from_slice(&o.stdout).expect("a JSON report"),
    )
}

/// The ids verify names in gaps, sorted, once each.
pub fn gap_ids(report: &serde_json::Value) -> Vec<u64> {
    let mut ids: Vec<u64> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["gap"] == serde_json::json!(true))
        .filter_map(|p| p["id"].as_u64())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The row of entry `id` in an archive's state (panics when there is none: the test expected one).
pub fn entry(
    db: &tistory_migrate::archive::db::ArchiveDb,
    id: u64,
) -> tistory_migrate::archive::db::EntryRow {
    db.entries()
        .unwrap()
        .into_iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no entry {id} in archive.db"))
}
