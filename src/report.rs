//! Exit codes, and the summary a stage prints. The exit code is decided here, from outcomes,
//! so that every command maps failures the same way.

use std::process::ExitCode;

/// The documented exit codes (see the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Everything worked.
    Ok = 0,
    /// An unexpected error stopped the run.
    Unexpected = 1,
    /// The run finished, but some items failed (listed in the summary).
    ItemsFailed = 2,
    /// Bad arguments or configuration.
    BadArgs = 3,
    /// `verify` found gaps.
    Gaps = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// A file that failed, or is worth a warning.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileProblem {
    /// The file.
    pub path: std::path::PathBuf,
    /// `error` (the file was not processed) or `warning`.
    pub level: &'static str,
    /// What happened and what to do.
    pub message: String,
}

impl FileProblem {
    /// An error about `path`.
    #[must_use]
    pub fn error(path: &std::path::Path, message: &str) -> Self {
        Self {
            path: path.to_path_buf(),
            level: "error",
            message: message.to_string(),
        }
    }
    /// A warning about `path`.
    #[must_use]
    pub fn warning(path: &std::path::Path, message: &str) -> Self {
        Self {
            path: path.to_path_buf(),
            level: "warning",
            message: message.to_string(),
        }
    }
    /// An error from the library's error type (its message already names the file).
    #[must_use]
    pub fn from_error(path: &std::path::Path, e: &crate::error::Error) -> Self {
        Self {
            path: path.to_path_buf(),
            level: "error",
            message: error_chain(e),
        }
    }
}

/// An error with its sources, `: `-joined.
#[must_use]
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

/// A page that is not a post.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NotPost {
    /// The file.
    pub path: std::path::PathBuf,
    /// What it is.
    pub kind: crate::model::PageKind,
    /// Why.
    pub reason: String,
}

/// A post's warnings, for the summary.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PostWarnings {
    /// The entry id.
    pub id: u64,
    /// What is worth a look.
    pub warnings: Vec<String>,
}

/// What `extract` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExtractReport {
    /// Where it wrote.
    pub out_dir: std::path::PathBuf,
    /// Files read.
    pub pages_read: usize,
    /// Public posts extracted (notices not counted).
    pub posts: usize,
    /// Notices extracted.
    pub notices: usize,
    /// Protected posts.
    pub protected: usize,
    /// Private posts.
    pub private: usize,
    /// Deleted / not-found entries.
    pub deleted: usize,
    /// Markdown files written.
    pub markdown_written: usize,
    /// Markdown files among them the crawl of the same run had already made from the same inputs (not in
    /// the JSON summary: the files and rows are the same either way).
    #[serde(skip)]
    pub markdown_reused: usize,
    /// Rows now in posts.jsonl (earlier runs' rows included).
    pub rows_total: usize,
    /// Pages that are not posts.
    pub not_posts: Vec<NotPost>,
    /// Files that failed, and file-level warnings.
    pub problems: Vec<FileProblem>,
    /// Posts with warnings: (id, warnings).
    pub warned_posts: Vec<PostWarnings>,
    /// How long it took.
    #[serde(serialize_with = "as_secs")]
    pub elapsed: std::time::Duration,
}

fn as_secs<S: serde::Serializer>(d: &std::time::Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl ExtractReport {
    /// Files that could not be processed.
    #[must_use]
    pub fn failed(&self) -> usize {
        self.problems.iter().filter(|p| p.level == "error").count()
    }

    /// The exit code: 2 when any file failed.
    #[must_use]
    pub fn exit(&self) -> Exit {
        if self.failed() > 0 {
            Exit::ItemsFailed
        } else {
            Exit::Ok
        }
    }

    /// The human summary for stdout.
    #[must_use]
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "extract: {} pages read in {:.2} s",
            self.pages_read,
            self.elapsed.as_secs_f64()
        );
        let _ = writeln!(s, "  posts      {:>6}", self.posts);
        let _ = writeln!(s, "  notices    {:>6}", self.notices);
        let _ = writeln!(s, "  protected  {:>6}", self.protected);
        let _ = writeln!(s, "  private    {:>6}", self.private);
        let _ = writeln!(s, "  deleted    {:>6}", self.deleted);
        let _ = writeln!(s, "  not posts  {:>6}", self.not_posts.len());
        let _ = writeln!(s, "  failed     {:>6}", self.failed());
        let _ = writeln!(s, "  warnings   {:>6} posts", self.warned_posts.len());
        let _ = writeln!(
            s,
            "wrote {} Markdown files and {} rows to {}",
            self.markdown_written,
            self.rows_total,
            self.out_dir
                .join(crate::archive::layout::POSTS_JSONL)
                .display()
        );
        if !self.not_posts.is_empty() {
            let _ = writeln!(s, "\nnot posts:");
            for n in &self.not_posts {
                let _ = writeln!(s, "  {}: {}", n.path.display(), n.reason);
            }
        }
        if !self.problems.is_empty() {
            let _ = writeln!(s, "\nproblems:");
            for p in &self.problems {
                let _ = writeln!(s, "  {:<7} {}", p.level, p.message.replace('\n', " "));
                if !p.message.contains(&p.path.display().to_string()) {
                    let _ = writeln!(s, "          ({})", p.path.display());
                }
            }
        }
        if !self.warned_posts.is_empty() {
            let _ = writeln!(s, "\npost warnings:");
            for PostWarnings { id, warnings } in &self.warned_posts {
                for w in warnings {
                    let _ = writeln!(s, "  {id:>7}  {w}");
                }
            }
        }
        s
    }
}
