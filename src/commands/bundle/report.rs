//! The summary `bundle` prints, and its exit code.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::bundle::manifest::{GUIDE_MD, SkippedPost};
use crate::report::Exit;

/// What `bundle` did.
#[derive(Debug, Clone)]
pub struct BundleReport {
    /// The bundle directory.
    pub out_dir: PathBuf,
    /// Posts bundled.
    pub posts: usize,
    /// The first and last post directories.
    pub first_last: Option<(String, String)>,
    /// Posts left out.
    pub skipped: Vec<SkippedPost>,
    /// Public posts that could not be read (also in `skipped`).
    pub failed: usize,
    /// Images copied.
    pub images: usize,
    /// Images missing.
    pub images_missing: usize,
    /// Attachments copied.
    pub attachments: usize,
    /// Warnings over all posts.
    pub warnings: usize,
    /// Posts with the most warnings: (directory, count).
    pub most_warned: Vec<(String, usize)>,
    /// Category paths added to `categories.json`.
    pub categories_added: Vec<String>,
    /// Files in the manifest and their bytes.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
    /// Problems reading the archive that did not stop the run.
    pub notes: Vec<String>,
    /// Time taken.
    pub elapsed: Duration,
}

impl BundleReport {
    /// The exit code: 2 when a public post could not be bundled.
    #[must_use]
    pub fn exit(&self) -> Exit {
        if self.failed > 0 {
            Exit::ItemsFailed
        } else {
            Exit::Ok
        }
    }

    /// The summary printed on stdout.
    #[must_use]
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "bundle: {} posts in {:.2} s -> {}",
            self.posts,
            self.elapsed.as_secs_f64(),
            self.out_dir.display()
        );
        if let Some((first, last)) = &self.first_last {
            let _ = writeln!(s, "  upload order   oldest first: {first} … {last}");
        }
        let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
        for p in &self.skipped {
            *by_status.entry(p.status.as_str()).or_default() += 1;
        }
        let statuses: Vec<String> = by_status.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let _ = writeln!(
            s,
            "  skipped        {} ({})",
            self.skipped.len(),
            statuses.join(", ")
        );
        let _ = writeln!(
            s,
            "  images         {} copied, {} missing",
            self.images, self.images_missing
        );
        let _ = writeln!(s, "  attachments    {} copied", self.attachments);
        let _ = writeln!(
            s,
            "  warnings       {} (per post in post.json)",
            self.warnings
        );
        let _ = writeln!(
            s,
            "  files          {} ({} bytes), sha256 of each in bundle.json",
            self.files, self.bytes
        );
        if !self.categories_added.is_empty() {
            let _ = writeln!(
                s,
                "categories.json: {} new path(s) mapped to the same name: {}; edit the Naver names, then run bundle again",
                self.categories_added.len(),
                self.categories_added.join(", ")
            );
        }
        if !self.most_warned.is_empty() {
            s.push_str("most warnings (read them before pasting):\n");
            for (dir, n) in &self.most_warned {
                let _ = writeln!(s, "  {dir}  {n}");
            }
        }
        for p in self.skipped.iter().filter(|p| p.status == "error") {
            let _ = writeln!(s, "failed: post {}: {}", p.id, p.reason);
        }
        for note in &self.notes {
            let _ = writeln!(s, "note: {note}");
        }
        let _ = writeln!(s, "next: read {}", self.out_dir.join(GUIDE_MD).display());
        s
    }
}
