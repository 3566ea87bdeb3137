//! `tistory-migrate redirects <ARCHIVE>`: from the ledger of published posts (`naver_ledger` in
//! `archive.db`), old Tistory address → Naver URL for every old path of each post, written as
//! `redirects.csv`, `redirects.json`, `nginx-redirects.map`, `_redirects` and one meta-refresh page
//! per path under `html/`, into `<ARCHIVE>/redirects/` by default. Files are only added or
//! replaced, never deleted: the ledger only grows. Before anything is written, the archive's
//! folders and every folder on the way to each output file are checked to stay inside the archive
//! and the output folder ([`crate::archive::confine`]): a linked `redirects/` or `html/` is refused.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use url::Url;

use super::bundle::source::ArchiveSource;
use crate::archive::layout;
use crate::archive::store::write_atomic;
use crate::bundle::post_key;
use crate::bundle::redirects::{
    PublishedPost, html_stub, redirect_rules, stub_path, to_csv, to_json, to_netlify, to_nginx_map,
};

/// The redirects directory's name inside an archive.
pub const DEFAULT_REDIRECTS_DIR: &str = "redirects";

/// The files written in the output folder, in this order.
const FILES: [&str; 4] = [
    "redirects.csv",
    "redirects.json",
    "nginx-redirects.map",
    "_redirects",
];

/// What `redirects` needs.
#[derive(Debug, Clone)]
pub struct RedirectsOptions {
    /// The archive directory.
    pub archive: PathBuf,
    /// Where to write; `None` = `<archive>/redirects/`.
    pub out: Option<PathBuf>,
}

/// What `redirects` did.
#[derive(Debug, Clone)]
pub struct RedirectsReport {
    /// The output directory.
    pub out_dir: PathBuf,
    /// Published posts in the ledger.
    pub posts: usize,
    /// Rules written (old paths).
    pub rules: usize,
    /// Meta-refresh pages written.
    pub stubs: usize,
    /// Paths that got no page (not a safe file name).
    pub stubs_skipped: Vec<String>,
    /// The files written (not counting the pages).
    pub files: Vec<String>,
}

impl RedirectsReport {
    /// The summary printed on stdout.
    #[must_use]
    pub fn render(&self) -> String {
        let mut s = String::new();
        if self.posts == 0 {
            let _ = writeln!(
                s,
                "redirects: the ledger has no published post yet; record Naver URLs with the desk first. Nothing written."
            );
            return s;
        }
        let _ = writeln!(
            s,
            "redirects: {} published posts, {} old paths -> {}",
            self.posts,
            self.rules,
            self.out_dir.display()
        );
        let _ = writeln!(s, "  files          {}", self.files.join(", "));
        let _ = writeln!(s, "  html pages     {} under html/", self.stubs);
        for p in &self.stubs_skipped {
            let _ = writeln!(s, "  no page for    {p} (not a safe file name)");
        }
        s.push_str("These work only on a custom domain you control; a *.tistory.com address cannot redirect.\n");
        s
    }
}

/// Runs `redirects`.
///
/// # Errors
/// When the archive has no `archive.db` or a file cannot be written.
pub fn run_redirects(opts: &RedirectsOptions) -> anyhow::Result<RedirectsReport> {
    crate::archive::confine::check_folders(&opts.archive)?;
    let src = ArchiveSource::load(&opts.archive)?;
    let db = src.db.as_ref().with_context(|| {
        format!(
            "{} has no archive.db, so no ledger of published posts",
            opts.archive.display()
        )
    })?;
    let ledger = db.ledger().context("while reading the ledger")?;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| opts.archive.join(DEFAULT_REDIRECTS_DIR));
    let mut report = RedirectsReport {
        out_dir: out.clone(),
        posts: ledger.len(),
        rules: 0,
        stubs: 0,
        stubs_skipped: Vec::new(),
        files: Vec::new(),
    };
    if ledger.is_empty() {
        return Ok(report);
    }
    let slugs = src.all_slugs();
    let posts: Vec<PublishedPost> = ledger
        .iter()
        .map(|l| PublishedPost {
            id: l.post_id,
            key: post_key(src.name(), l.post_id),
            title: src
                .rows
                .iter()
                .find(|r| r.id == l.post_id)
                .and_then(|r| r.title.clone())
                .unwrap_or_default(),
            naver_url: l.naver_url.clone(),
            slugs: slugs
                .iter()
                .filter(|(_, id)| *id == l.post_id)
                .map(|(s, _)| s.clone())
                .collect(),
        })
        .collect();
    let base = Url::parse(src.base_url())
        .with_context(|| format!("the blog address {} is not a URL", src.base_url()))?;
    let rules = redirect_rules(&base, &posts);
    let html = out.join("html");
    let stubs: Vec<Option<String>> = rules.iter().map(stub_path).collect();
    let outputs = FILES
        .iter()
        .map(|name| (*name).to_string())
        .chain(stubs.iter().flatten().map(|rel| format!("html/{rel}")));
    for rel in outputs {
        crate::archive::confine::check_path_within(&out, std::path::Path::new(&rel))?;
    }
    let write = |name: &str, text: &str| -> anyhow::Result<()> {
        write_atomic(&out.join(name), text.as_bytes())?;
        Ok(())
    };
    let texts = [
        to_csv(&rules),
        to_json(&rules),
        to_nginx_map(&rules),
        to_netlify(&rules),
    ];
    for (name, text) in FILES.iter().zip(texts) {
        write(name, &text)?;
        report.files.push((*name).to_string());
    }
    for (rule, stub) in rules.iter().zip(stubs) {
        match stub {
            Some(rel) => {
                write_atomic(&layout::resolve(&html, &rel), html_stub(rule).as_bytes())?;
                report.stubs += 1;
            }
            None => report.stubs_skipped.push(rule.old_path.clone()),
        }
    }
    report.rules = rules.len();
    Ok(report)
}
