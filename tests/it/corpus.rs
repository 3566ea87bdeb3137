//! Every post page of the shared corpus against values written by reading each page by eye
//! (`corpus_expected.toml`), plus the render-back check.

use tistory_migrate::convert::fidelity::rendered_text;
use tistory_migrate::extract::Page;
use tistory_migrate::extract::dates::to_rfc3339_kst;
use tistory_migrate::model::PageKind;

use crate::support::{Expected, corpus_dir, extract_file, markdown_of, read_expected};

fn expected() -> Vec<Expected> {
    read_expected(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/corpus_expected.toml"),
    )
}

fn differ(diffs: &mut Vec<String>, what: &str, got: String, want: String) {
    if got != want {
        diffs.push(format!("{what}: got {got:?}, want {want:?}"));
    }
}

/// Checks one page against its expectation; returns the differences (empty = all good).
pub fn check_page(dir: &std::path::Path, want: &Expected) -> Vec<String> {
    let mut diffs = Vec::new();
    let page = extract_file(&dir.join(&want.file));
    match (want.kind.as_str(), &page) {
        ("listing", Page::NotEntry { kind, .. }) => {
            differ(&mut diffs, "kind", format!("{kind:?}"), "Listing".into());
            return diffs;
        }
        ("listing", Page::Entry(p)) => {
            return vec![format!("listing page classified as a post ({:?})", p.kind)];
        }
        (_, Page::NotEntry { kind, reason }) => {
            return vec![format!("not an entry: {kind:?} ({reason})")];
        }
        (kind, Page::Entry(post)) => {
            let want_kind = match kind {
                "post" => PageKind::Post,
                "notice" => PageKind::Notice,
                "protected" => PageKind::Protected,
                "not_found" => PageKind::NotFound,
                "private" => PageKind::Private,
                other => panic!("unknown kind {other} in expectations"),
            };
            differ(
                &mut diffs,
                "kind",
                format!("{:?}", post.kind),
                format!("{want_kind:?}"),
            );
            if let Some(id) = want.id {
                differ(&mut diffs, "id", post.id.to_string(), id.to_string());
            }
            // A saved not-found page names no URL; `extract` completes it from the run (see fixtures.rs).
            if let Some(url) = want.url.as_ref().filter(|_| kind != "not_found") {
                differ(&mut diffs, "url", post.url.clone(), url.clone());
            }
            if let Some(title) = &want.title {
                differ(
                    &mut diffs,
                    "title",
                    format!("{:?}", post.title),
                    format!("{:?}", Some(title)),
                );
            }
            if let Some(p) = &want.published {
                differ(
                    &mut diffs,
                    "published",
                    format!("{:?}", post.published.as_ref().map(to_rfc3339_kst)),
                    format!("{:?}", Some(p)),
                );
            }
            if let Some(m) = &want.modified {
                differ(
                    &mut diffs,
                    "modified",
                    format!("{:?}", post.modified.as_ref().map(to_rfc3339_kst)),
                    format!("{:?}", Some(m)),
                );
            }
            if let Some(a) = &want.author {
                differ(
                    &mut diffs,
                    "author",
                    format!("{:?}", post.author),
                    format!("{:?}", Some(a)),
                );
            }
            if matches!(kind, "post" | "notice") {
                differ(
                    &mut diffs,
                    "category",
                    format!("{:?}", post.category),
                    format!("{:?}", want.category),
                );
            }
            if let Some(tags) = &want.tags {
                differ(
                    &mut diffs,
                    "tags",
                    format!("{:?}", post.tags),
                    format!("{tags:?}"),
                );
            }
            if !matches!(kind, "post" | "notice") {
                differ(
                    &mut diffs,
                    "has body",
                    post.body.is_some().to_string(),
                    "false".into(),
                );
                return diffs;
            }
            let Some(body) = &post.body else {
                return vec!["post without a body".into()];
            };
            if let Some(n) = want.images {
                differ(
                    &mut diffs,
                    "images",
                    body.images.len().to_string(),
                    n.to_string(),
                );
            }
            if let Some(n) = want.attachments {
                differ(
                    &mut diffs,
                    "attachments",
                    body.attachments.len().to_string(),
                    n.to_string(),
                );
            }
            if let Some(langs) = &want.code_languages {
                differ(
                    &mut diffs,
                    "code languages",
                    format!("{:?}", body.code_languages),
                    format!("{langs:?}"),
                );
            }
            let md = markdown_of(&page).expect("a post has Markdown");
            let rendered = rendered_text(&md.body);
            let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            for (what, sentence) in [
                ("first sentence", &want.first_sentence),
                ("last sentence", &want.last_sentence),
            ] {
                let Some(sentence) = sentence.as_deref().map(norm) else {
                    continue;
                };
                if sentence.is_empty() {
                    differ(
                        &mut diffs,
                        &format!("{what}: body text"),
                        body.text.clone(),
                        String::new(),
                    );
                    continue;
                }
                if !body.text.contains(&sentence) {
                    diffs.push(format!(
                        "{what} {sentence:?} not in the extracted body text"
                    ));
                }
                if !rendered.contains(&sentence) {
                    diffs.push(format!("{what} {sentence:?} not in the rendered Markdown"));
                }
            }
            if md.fidelity.score < 1.0 {
                diffs.push(format!(
                    "render-back fidelity {:.4}, lost {:?}",
                    md.fidelity.score, md.fidelity.lost
                ));
            }
        }
    }
    diffs
}

#[test]
fn every_corpus_page_matches_what_a_reader_sees() {
    let Some(dir) = corpus_dir() else { return };
    let mut failures = Vec::new();
    let pages = expected();
    assert!(
        pages.len() >= 15,
        "the corpus expectations cover 14 posts and the listing page"
    );
    for want in &pages {
        for diff in check_page(&dir, want) {
            failures.push(format!("{}: {diff}", want.file));
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
fn non_post_corpus_files_are_not_posts() {
    let Some(dir) = corpus_dir() else { return };
    for file in [
        "jeongmintax__editor-source_article1.html",
        "seo-se-won__rss-item-content__geoserver.html",
    ] {
        let page = extract_file(&dir.join(file));
        assert!(
            matches!(page, Page::NotEntry { .. }),
            "{file} is a body fragment, not a post page"
        );
    }
}
