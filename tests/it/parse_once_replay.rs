//! Issue 8: `migrate <folder of saved pages>`, `migrate <archive dir>` and `migrate
//! <file.warc.gz>` parse each saved page once. Loading the replay site reads every entry page
//! (from a folder of pages or a WARC: by extracting it; from an archive: from its extracted-post
//! artifacts), and the crawl then fetches the same bytes from the replay; the crawl takes the
//! loader's extraction instead of parsing again (`extract::memo`).
//!
//! The sample blog is copied with a comment naming this test appended to every page, so its
//! pages' HTML is this test's own: the parses are counted by the sha256 of the HTML parsed (the
//! parse probe records it), whatever the page was read as (a saved file, then a fetched URL), and
//! no other test running in the process parses the same HTML.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tistory_migrate::archive::hash::sha256_hex;
use tistory_migrate::commands::migrate::{bundle_and_verify, migrate_directory};
use tistory_migrate::extract::decode::decode_page;
use tistory_migrate::extract::probe::ParseProbe;
use tistory_migrate::progress::Progress;
use tistory_migrate::report::Exit;

use crate::crawl::test_settings;
use crate::support::sample_blog;

/// Copies `from` into `to`, appending `mark` to every HTML page.
fn copy_marked(from: &Path, to: &Path, mark: &str) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let path = e.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_marked(&path, &dest, mark);
        } else if path.extension().is_some_and(|x| x == "html") {
            let mut bytes = std::fs::read(&path).unwrap();
            bytes.extend_from_slice(format!("\n<!-- {mark} -->\n").as_bytes());
            std::fs::write(&dest, bytes).unwrap();
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

/// The entry pages in `dir` (`<id>.html`), by file name, with the sha256 of their decoded HTML.
fn entry_pages(dir: &Path) -> BTreeMap<String, String> {
    let mut pages = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let is_entry = name
            .strip_suffix(".html")
            .is_some_and(|stem| stem.parse::<u64>().is_ok());
        if is_entry {
            let bytes = std::fs::read(&path).unwrap();
            let html = decode_page(&bytes, &path).unwrap().html;
            pages.insert(name, sha256_hex(html.as_bytes()));
        }
    }
    pages
}

/// How many times each of `pages` was parsed since `probe` started (by content), and the sources
/// of those parses.
fn parses_of(
    probe: &ParseProbe,
    pages: &BTreeMap<String, String>,
) -> BTreeMap<String, Vec<PathBuf>> {
    let mut counts: BTreeMap<String, Vec<PathBuf>> = pages
        .keys()
        .map(|name| (name.clone(), Vec::new()))
        .collect();
    for parse in probe.parses_with_content() {
        for (name, sha) in pages {
            if *sha == parse.html_sha256 {
                counts.get_mut(name).unwrap().push(parse.source.clone());
            }
        }
    }
    counts
}

fn assert_each_parsed_once(what: &str, counts: &BTreeMap<String, Vec<PathBuf>>) {
    let wrong: Vec<_> = counts.iter().filter(|(_, p)| p.len() != 1).collect();
    assert!(
        wrong.is_empty(),
        "{what}: pages not parsed exactly once: {wrong:#?}"
    );
}

async fn migrate(source: &Path, out: &Path, warc: bool) {
    let mut settings = test_settings();
    if warc {
        settings.warc_max_bytes = Some(1 << 30);
    }
    let outcome = migrate_directory(
        source,
        Some(out.to_path_buf()),
        settings,
        &Progress::hidden(),
    )
    .await
    .unwrap_or_else(|e| panic!("migrate {}: {e}", source.display()));
    assert_eq!(outcome.exit(), Exit::Ok, "migrate {}", source.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_8_migrate_of_saved_pages_an_archive_or_a_warc_parses_each_page_once() {
    let tmp = tempfile::tempdir().unwrap();
    let saved = tmp.path().join("saved");
    copy_marked(&sample_blog(), &saved, "a copy for parse_once_replay");
    let pages = entry_pages(&saved);
    // The sample blog's entry pages: ids 1, 2, 4–11, 13–17, 19–22 (its README), 6 the error page.
    assert_eq!(pages.len(), 19, "{pages:?}");

    // migrate <folder of saved pages>, the whole command (crawl, extract, bundle, verify), with
    // --warc for the WARC case below.
    let first = tmp.path().join("first");
    let probe = ParseProbe::start();
    migrate(&saved, &first, true).await;
    let (summary, exit) = bundle_and_verify(&first, Exit::Ok);
    assert_eq!(exit, Exit::Ok, "{summary}");
    let counts = parses_of(&probe, &pages);
    drop(probe);
    assert_each_parsed_once("migrate <folder of saved pages>", &counts);
    // The one parse is the loader's: the crawl took it.
    for (name, sources) in &counts {
        assert_eq!(sources[0], saved.join(name), "{name}");
    }

    // migrate <archive dir>: the loader reads the artifacts; the crawl parses each saved page.
    let archived = entry_pages(&first.join("raw"));
    // The pages the archive keeps: every entry page but the not-found one (6).
    let mut expected: Vec<&String> = pages.keys().filter(|n| *n != "6.html").collect();
    expected.sort();
    assert_eq!(archived.keys().collect::<Vec<_>>(), expected);
    let second = tmp.path().join("second");
    let probe = ParseProbe::start();
    migrate(&first, &second, false).await;
    let counts = parses_of(&probe, &archived);
    drop(probe);
    assert_each_parsed_once("migrate <archive dir>", &counts);

    // migrate <file.warc.gz>: the loader extracts the unpacked pages, the crawl takes them, and
    // recording the captures reads the artifacts.
    let warcs: Vec<PathBuf> = std::fs::read_dir(first.join("warc"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".warc.gz"))
        .collect();
    assert_eq!(warcs.len(), 1, "{warcs:?}");
    let third = tmp.path().join("third");
    let probe = ParseProbe::start();
    migrate(&warcs[0], &third, false).await;
    let counts = parses_of(&probe, &archived);
    drop(probe);
    assert_each_parsed_once("migrate <file.warc.gz>", &counts);
}
