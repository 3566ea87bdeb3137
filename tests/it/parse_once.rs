//! Issue 8: each page is parsed once per run. `migrate <BLOG>` (crawl, extract, bundle, verify)
//! parses every fetched page exactly once, in the crawl, and saves the extracted post beside the
//! raw page; each listing page it saves (`raw/pages/*.html`, the home page among them) is parsed
//! once too, by discovery; bundle and verify parse nothing after it; `verify --deep` parses every archived
//! post's page again, once; a raw page that changed on disk is extracted again (its artifact is
//! stale) and only it; bundle parses each post's body once (the sanitiser's tree also gives the
//! links between posts). The parses are counted by the extractor's probe, filtered to this test's
//! server and archive (other tests run in the same process).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tistory_migrate::archive::hash::sha256_hex;
use tistory_migrate::commands::bundle::{BundleOptions, run_bundle};
use tistory_migrate::commands::extract::{ExtractOptions, run_extract};
use tistory_migrate::commands::migrate::bundle_and_verify;
use tistory_migrate::commands::verify::{VerifyFormat, VerifyOptions, run_verify};
use tistory_migrate::extract::probe::ParseProbe;
use tistory_migrate::report::Exit;
use tistory_migrate::serve::Faults;

use crate::crawl::{crawl_into, serve_sample, test_settings};

/// How many times each page named by `prefix` (a server address or an archive path) was parsed.
fn parses_under(probe: &ParseProbe, prefix: &str) -> BTreeMap<PathBuf, usize> {
    let mut counts = BTreeMap::new();
    for p in probe.parses() {
        if p.to_string_lossy().starts_with(prefix) {
            *counts.entry(p).or_default() += 1;
        }
    }
    counts
}

/// The listing pages the crawl saved, each with the sha256 of its HTML (the sample blog's pages
/// are UTF-8, so the saved bytes are the HTML the probe hashes).
fn listing_pages(out: &Path) -> BTreeMap<PathBuf, String> {
    std::fs::read_dir(out.join("raw/pages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            let html = String::from_utf8(bytes).expect("the sample blog's pages are UTF-8");
            (p, sha256_hex(html.as_bytes()))
        })
        .collect()
}

/// For each content of the listing pages (two addresses may serve the same page: `/` and
/// `/?page=1`), the pages saved with it and how many of the parses `probe` saw, whose source
/// `keep` accepts, parsed it.
fn listing_parses(
    probe: &ParseProbe,
    pages: &BTreeMap<PathBuf, String>,
    keep: impl Fn(&str) -> bool,
) -> BTreeMap<String, (Vec<PathBuf>, usize)> {
    let mut by_content: BTreeMap<String, (Vec<PathBuf>, usize)> = BTreeMap::new();
    for (page, sha) in pages {
        by_content
            .entry(sha.clone())
            .or_default()
            .0
            .push(page.clone());
    }
    for p in probe.parses_with_content() {
        if let Some(entry) = by_content.get_mut(&p.html_sha256)
            && keep(&p.source.to_string_lossy())
        {
            entry.1 += 1;
        }
    }
    by_content
}

fn raw_pages(out: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(out.join("raw"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    pages
}

fn verify(out: &Path, deep: bool) -> Exit {
    run_verify(&VerifyOptions {
        archive: out.to_path_buf(),
        html: None,
        threshold: 0.99,
        format: VerifyFormat::Text,
        deep,
        naver: None,
    })
    .unwrap()
    .exit()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_8_each_page_is_parsed_once_per_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archive");
    let out_prefix = out.to_string_lossy().into_owned();
    let server = serve_sample(Faults::none()).await;
    let server_prefix = format!("{}/", server.base_url());

    // migrate <BLOG> --exhaustive-discovery: crawl + extract, then bundle + verify. Discovery
    // walks the listing pages too (without the flag it reads only the home page of them, when the
    // mobile list names every post, as it does here).
    let probe = ParseProbe::start();
    let mut settings = test_settings();
    settings.exhaustive_discovery = true;
    crawl_into(&server, &out, settings).await;
    let (summary, exit) = bundle_and_verify(&out, Exit::Ok);
    assert_eq!(exit, Exit::Ok, "{summary}");
    let fetched = parses_under(&probe, &server_prefix);
    let raw = raw_pages(&out);
    // The sample blog: 18 entry pages saved (17 posts and notices, 1 protected).
    assert_eq!(raw.len(), 18, "{raw:?}");
    assert!(fetched.len() >= raw.len(), "{fetched:?}");
    // Each answer is parsed once: a page asked for twice (the home page before and after the
    // "not found" answers are asked again, and those answers: the deleted 3 6 12 18 and the
    // scan margin 23..=27 of fixtures/hangang-notes/README.md) is parsed twice, no more.
    let log = server.log.all();
    let base = server_prefix.trim_end_matches('/');
    let mut twice: Vec<String> = Vec::new();
    for (url, n) in &fetched {
        let url = url.to_string_lossy();
        let path = url.strip_prefix(base).unwrap_or(&url).to_string();
        let asked = log.iter().filter(|r| r.path_and_query == path).count();
        assert_eq!(
            *n, asked,
            "{url} parsed {n} times, asked {asked} times: {fetched:?}"
        );
        if *n > 1 {
            twice.push(path);
        }
    }
    assert_eq!(
        twice,
        [
            "/", "/12", "/18", "/23", "/24", "/25", "/26", "/27", "/3", "/6"
        ],
        "{fetched:?}"
    );
    assert_eq!(
        parses_under(&probe, &out_prefix),
        BTreeMap::new(),
        "extract, bundle and verify parsed saved pages again"
    );
    // Each listing page saved was parsed once, as fetched from this test's server (the sample
    // blog: the home page, `?page=2`, and the category and tag pages its links name).
    let listings = listing_pages(&out);
    let home = out.join("raw/pages/index.html");
    assert!(listings.contains_key(&home), "{listings:?}");
    assert!(listings.len() > 2, "{listings:?}");
    let listing_counts = listing_parses(&probe, &listings, |s| s.starts_with(&server_prefix));
    // The home page is asked for twice more at the end of the run (before and after the "not
    // found" answers are asked again): each of those answers is parsed once too.
    let home_asked = log.iter().filter(|r| r.path_and_query == "/").count();
    assert_eq!(home_asked, 3);
    assert!(
        listing_counts.values().all(|(saved, parsed)| {
            let extra = if saved.contains(&home) {
                home_asked - 1
            } else {
                0
            };
            *parsed == saved.len() + extra
        }),
        "a listing page not parsed once: {listing_counts:?}"
    );
    for page in &raw {
        let id = page.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            out.join(format!("extracted/{id}.json")).is_file(),
            "no artifact for {id}"
        );
    }
    drop(probe);

    // bundle and verify alone read the artifacts too.
    let probe = ParseProbe::start();
    let opts = BundleOptions {
        archive: out.clone(),
        out: None,
        footer: tistory_migrate::bundle::footer::Footer::Default,
    };
    let bundled = run_bundle(&opts).unwrap();
    // ... and parse each post's body once (the sanitiser; the links between posts are read from
    // the tree it builds): the 16 public posts and the notice.
    assert_eq!(bundled.posts, 17);
    assert_eq!(probe.body_parses_on_this_thread(), bundled.posts);
    assert_eq!(verify(&out, false), Exit::Ok);
    assert_eq!(parses_under(&probe, &out_prefix), BTreeMap::new());
    // ... and no listing page: bundle and verify fetch nothing, so any parse of a listing page's
    // HTML not named by a server URL (other tests' crawls run alongside) would be theirs.
    let again = listing_parses(&probe, &listings, |s| !s.starts_with("http://"));
    assert!(again.values().all(|(_, parsed)| *parsed == 0), "{again:?}");
    drop(probe);

    // verify --deep extracts every archived post's page again, once each (the 17 public ones).
    let probe = ParseProbe::start();
    assert_eq!(verify(&out, true), Exit::Ok);
    let deep = parses_under(&probe, &out_prefix);
    assert_eq!(deep.len(), 17, "{deep:?}");
    assert!(deep.values().all(|n| *n == 1), "{deep:?}");
    drop(probe);

    // A raw page changed on disk: extract reads it again (its artifact is stale), and only it.
    let changed = raw[0].clone();
    let mut bytes = std::fs::read(&changed).unwrap();
    bytes.extend_from_slice(b"\n<!-- saved again -->\n");
    std::fs::write(&changed, &bytes).unwrap();
    let probe = ParseProbe::start();
    run_extract(&ExtractOptions {
        inputs: vec![out.clone()],
        out: Some(out.clone()),
        profile: Default::default(),
        max_page_bytes: 32 * 1024 * 1024,
    })
    .unwrap();
    let again = parses_under(&probe, &out_prefix);
    assert_eq!(again.keys().collect::<Vec<_>>(), [&changed], "{again:?}");
    drop(probe);
    // ... and the fresh artifact is used from then on (verify reports the changed page as a gap,
    // which it is: it no longer has the sha256 the crawl recorded).
    let probe = ParseProbe::start();
    assert_eq!(verify(&out, false), Exit::Gaps);
    assert_eq!(parses_under(&probe, &out_prefix), BTreeMap::new());
    server.shutdown().await;
}
