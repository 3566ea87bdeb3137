//! A page nested thousands of elements deep must fail alone, with a message naming it, and never
//! take the run down with a stack overflow; a page as deep as a browser builds still converts.

use tistory_migrate::error::Error;
use tistory_migrate::extract::selectors::SelectorProfile;
use tistory_migrate::extract::{MAX_DEPTH, Page, PageSource, extract_page};

use crate::support::{bin, markdown_of, tistory_page};

/// A post whose body nests `levels` elements (mixed block and inline) around one sentence.
pub(crate) fn nested_page(id: u64, levels: usize) -> String {
    let tags = ["div", "span", "b", "blockquote", "i", "section"];
    let mut body = String::new();
    for i in 0..levels {
        body.push('<');
        body.push_str(tags[i % tags.len()]);
        body.push('>');
    }
    body.push_str("가장 깊은 곳의 문장.");
    for i in (0..levels).rev() {
        body.push_str("</");
        body.push_str(tags[i % tags.len()]);
        body.push('>');
    }
    tistory_page(id, "깊은 글", &body)
}

#[test]
fn a_page_nested_5000_deep_fails_alone_naming_itself() {
    let html = nested_page(21, 5000);
    let err = extract_page(
        &html,
        &PageSource::named("21.html"),
        &SelectorProfile::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::TooDeep { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("21.html") && msg.contains("nested"), "{msg}");
}

#[test]
fn a_page_as_deep_as_a_browser_builds_still_converts() {
    // The page's own chrome (html, body, two wrappers) takes four levels.
    let html = nested_page(22, MAX_DEPTH - 8);
    let page = extract_page(
        &html,
        &PageSource::named("22.html"),
        &SelectorProfile::default(),
    )
    .unwrap();
    let Page::Entry(post) = &page else {
        panic!("a post")
    };
    assert!(
        post.body
            .as_ref()
            .unwrap()
            .text
            .contains("가장 깊은 곳의 문장.")
    );
    let md = markdown_of(&page).unwrap();
    assert!(md.body.contains("가장 깊은 곳의 문장."), "{}", md.body);
}

#[test]
fn extract_goes_on_past_a_too_deep_page() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("pages");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("31.html"), nested_page(31, 5000)).unwrap();
    std::fs::write(
        input.join("32.html"),
        tistory_page(32, "보통 글", "<p>평범한 본문.</p>"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let assert = bin()
        .arg("extract")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let line = stdout
        .lines()
        .find(|l| l.contains("31.html"))
        .unwrap_or_else(|| panic!("31.html not named in:\n{stdout}"));
    assert!(line.contains("nested"), "{line}");
    let rows = std::fs::read_to_string(out.join("posts.jsonl")).unwrap();
    assert!(rows.contains("\"id\":32"), "{rows}");
}

mod end_to_end {
    //! The same page inside a blog served on 127.0.0.1: `crawl`, a resumed `crawl`, `verify` and
    //! `migrate` each finish, name the page, and keep every other post.

    use std::path::Path;

    use tistory_migrate::archive::db::{ArchiveDb, EntryState};
    use tistory_migrate::serve::{Faults, Site, start};

    use super::nested_page;
    use crate::crawl_hostile::sample_copy;
    use crate::support::bin;

    /// A hole of the sample blog's id range: the crawl's id scan fetches it.
    const DEEP_ID: u64 = 12;

    /// A copy of the sample blog with a page nested 5,000 deep at `/12`.
    fn site_with_deep_page(dir: &Path) -> std::path::PathBuf {
        let site = sample_copy(dir);
        std::fs::write(
            site.join(format!("{DEEP_ID}.html")),
            nested_page(DEEP_ID, 5000),
        )
        .unwrap();
        site
    }

    /// Runs the binary with `args`; returns its exit code and its stdout and stderr together.
    async fn run(args: Vec<String>) -> (Option<i32>, String) {
        tokio::task::spawn_blocking(move || {
            let out = bin().args(&args).output().unwrap();
            let text = format!(
                "{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            (out.status.code(), text)
        })
        .await
        .unwrap()
    }

    fn states(archive: &Path) -> Vec<(u64, EntryState)> {
        ArchiveDb::open(&archive.join("archive.db"))
            .unwrap()
            .entries()
            .unwrap()
            .into_iter()
            .map(|e| (e.id, e.state))
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn crawl_resume_and_verify_go_on_past_a_page_nested_5000_deep() {
        let tmp = tempfile::tempdir().unwrap();
        let site = site_with_deep_page(tmp.path());
        let server = start(Site::load(&site).unwrap(), Faults::none(), 0)
            .await
            .unwrap();
        let archive = tmp.path().join("archive");
        let crawl = vec![
            "crawl".to_string(),
            server.base_url(),
            "--out".into(),
            archive.display().to_string(),
            "--asset-proxy".into(),
            server.base_url(),
            "--rate".into(),
            "0".into(),
        ];
        for attempt in ["first crawl", "resumed crawl"] {
            let (code, text) = run(crawl.clone()).await;
            assert_eq!(code, Some(2), "{attempt}: one failed page\n{text}");
            assert!(
                text.lines()
                    .any(|l| l.contains(&format!("/{DEEP_ID}")) && l.contains("nested")),
                "{attempt}: the page is named with the reason\n{text}"
            );
            let states = states(&archive);
            assert!(
                states.contains(&(DEEP_ID, EntryState::Failed)),
                "{attempt}: {states:?}"
            );
            // Every post of the sample blog is archived all the same.
            for id in [1, 10, 11, 21, 22] {
                assert!(
                    states.contains(&(id, EntryState::Ok)),
                    "{attempt}: {id} in {states:?}"
                );
            }
        }
        let (code, text) = run(vec!["verify".into(), archive.display().to_string()]).await;
        assert_eq!(code, Some(4), "verify finds the gap\n{text}");
        let gap = text
            .lines()
            .find(|l| l.contains("GAP") && l.contains(&format!("#{DEEP_ID}")))
            .unwrap_or_else(|| panic!("no gap line for #{DEEP_ID}\n{text}"));
        assert!(gap.contains("nested"), "{gap}");
        server.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn migrate_goes_on_past_a_page_nested_5000_deep() {
        let tmp = tempfile::tempdir().unwrap();
        let site = site_with_deep_page(tmp.path());
        let out = tmp.path().join("out");
        let (code, text) = run(vec![
            "migrate".into(),
            site.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--rate".into(),
            "0".into(),
        ])
        .await;
        assert_eq!(code, Some(2), "one failed page\n{text}");
        assert!(
            text.lines()
                .any(|l| l.contains(&format!("/{DEEP_ID}")) && l.contains("nested")),
            "the page is named with the reason\n{text}"
        );
        let rows = std::fs::read_to_string(out.join("posts.jsonl")).unwrap();
        assert!(rows.contains("\"id\":22"), "{rows}");
        assert!(out.join("naver").is_dir(), "the bundle was built");
    }
}
