//! `tistory-migrate import <FILE>`: a backup file (the official zip or the old XML backup, told
//! apart by content) into an archive, then the extract stage over it, so that verify, bundle and
//! the desk work as after a crawl. The file is checked whole before anything is written.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::commands::extract::{ExtractOptions, run_extract};
use crate::extract::selectors::SelectorProfile;
use crate::import::writer::{ArchiveWriter, MarkPublic, WriteCounts};
use crate::import::xml_backup::{check_xml, read_xml};
use crate::import::zip_backup::{ZipItem, check_zip, file_label, read_zip};
use crate::import::{BackupFormat, ImportError, ImportLimits};
use crate::report::{Exit, ExtractReport};

/// What `import` needs.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The backup file.
    pub file: PathBuf,
    /// The archive directory; `None` = `output/<blog>/`.
    pub out: Option<PathBuf>,
    /// The blog's Tistory name, when the backup does not tell it (or to override it).
    pub blog: Option<String>,
    /// Zip posts the user says were public.
    pub mark_public: MarkPublic,
    /// The caps.
    pub limits: ImportLimits,
    /// Pages larger than this are refused by the extract stage.
    pub max_page_bytes: u64,
}

/// What `import` did.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    /// The backup file.
    pub file: PathBuf,
    /// Its format.
    pub format: BackupFormat,
    /// The blog.
    pub blog: String,
    /// The archive directory.
    pub out: PathBuf,
    /// What was written.
    pub written: WriteCounts,
    /// The extract stage's report.
    #[serde(skip)]
    pub extract: Option<ExtractReport>,
    /// Seconds taken.
    pub seconds: f64,
}

impl ImportReport {
    /// Exit 2 when a post or file failed.
    #[must_use]
    pub fn exit(&self) -> Exit {
        let extract_failed = self.extract.as_ref().is_some_and(|e| e.exit() != Exit::Ok);
        if self.written.failed.is_empty() && !extract_failed {
            Exit::Ok
        } else {
            Exit::ItemsFailed
        }
    }

    /// The human summary.
    #[must_use]
    pub fn render(&self) -> String {
        let w = &self.written;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Imported {} ({}) for blog {} into {}",
            self.file.display(),
            self.format.source_name(),
            self.blog,
            self.out.display()
        );
        let posts: usize = w.by_visibility.values().sum();
        let by: Vec<String> = w
            .by_visibility
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let _ = writeln!(s, "  posts written:  {posts} ({})", by.join(", "));
        let _ = writeln!(s, "  files saved:    {}", w.assets_saved);
        let _ = writeln!(
            s,
            "  files missing:  {} (not in the backup)",
            w.assets_missing.len()
        );
        for (id, name) in &w.assets_missing {
            let _ = writeln!(s, "    post {id}: {name}");
        }
        let _ = writeln!(s, "  comments:       {}", w.comments);
        if !w.kept_live.is_empty() {
            let _ = writeln!(
                s,
                "  kept live copy: {} post(s) the archive already had from a crawl",
                w.kept_live.len()
            );
        }
        for (id, e) in &w.failed {
            let _ = writeln!(s, "  FAILED post {id}: {e}");
        }
        for (id, warning) in &w.warnings {
            let _ = writeln!(s, "  warning: post {id}: {warning}");
        }
        if w.by_visibility.contains_key("unknown") {
            let _ = writeln!(
                s,
                "  The backup zip does not say which posts were private or protected: they are kept out of the Naver bundle. When you know they were public, run import again with --mark-public all (or --mark-public 3,12,40)."
            );
        }
        if let Some(e) = &self.extract {
            s.push_str(&e.render());
        }
        let _ = writeln!(s, "Next: tistory-migrate verify {}", self.out.display());
        s
    }
}

fn detect(path: &Path) -> Result<BackupFormat, ImportError> {
    let mut head = [0u8; 512];
    let mut file = std::fs::File::open(path).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let n = file.read(&mut head).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    BackupFormat::detect(&head[..n]).ok_or_else(|| ImportError::UnknownFormat {
        path: path.to_path_buf(),
    })
}

/// A Tistory name is a DNS label: lower-case letters, digits and `-`.
fn check_blog(name: &str, path: &Path) -> Result<String, ImportError> {
    let name = name.trim().to_ascii_lowercase();
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(name)
    } else {
        Err(ImportError::NotABackup {
            path: path.to_path_buf(),
            why: format!(
                "the blog name {name:?} is not a Tistory name; give it with --blog NAME (the NAME of NAME.tistory.com)"
            ),
        })
    }
}

fn blog_name(given: Option<&str>, found: Option<&str>, path: &Path) -> Result<String, ImportError> {
    match given.or(found) {
        Some(b) => check_blog(b, path),
        None => Err(ImportError::NotABackup {
            path: path.to_path_buf(),
            why: "the backup does not name its blog; give it with --blog NAME (the NAME of NAME.tistory.com)".into(),
        }),
    }
}

/// Runs `import`.
///
/// # Errors
/// [`ImportError`] (inside the `anyhow` error) when the file is refused, or the archive cannot be
/// written. Posts that fail are in the report, not errors.
pub fn run_import(opts: &ImportOptions) -> anyhow::Result<ImportReport> {
    let started = Instant::now();
    let path = &opts.file;
    let format = detect(path)?;
    let label = file_label(path);
    let (blog, written) = match format {
        BackupFormat::Zip => {
            let layout = check_zip(path, &opts.limits)?;
            let blog = blog_name(opts.blog.as_deref(), layout.blog.as_deref(), path)?;
            let out = out_dir(opts, &blog);
            let mut writer =
                ArchiveWriter::open(&out, &blog, format, &label, opts.mark_public.clone())?;
            read_zip(path, &layout, &opts.limits, |item| match item {
                ZipItem::Post(post) => writer.write_post(*post),
                ZipItem::Failed { id, entry, error } => writer.write_failed(id, &entry, &error),
            })?;
            (blog, writer.counts)
        }
        BackupFormat::Xml => {
            let summary = check_xml(path, &opts.limits)?;
            let blog = blog_name(opts.blog.as_deref(), summary.blog.as_deref(), path)?;
            let out = out_dir(opts, &blog);
            let mut writer =
                ArchiveWriter::open(&out, &blog, format, &label, opts.mark_public.clone())?;
            read_xml(path, &opts.limits, |item| match item {
                Ok(post) => writer.write_post(post),
                Err(why) => {
                    tracing::warn!("{}: a post was skipped: {why}", path.display());
                    Ok(())
                }
            })?;
            (blog, writer.counts)
        }
    };
    let out = out_dir(opts, &blog);
    let extract = run_extract(&ExtractOptions {
        inputs: vec![out.clone()],
        out: Some(out.clone()),
        profile: SelectorProfile::default(),
        max_page_bytes: opts.max_page_bytes,
    })?;
    Ok(ImportReport {
        file: path.clone(),
        format,
        blog,
        out,
        written,
        extract: Some(extract),
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn out_dir(opts: &ImportOptions, blog: &str) -> PathBuf {
    opts.out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(crate::archive::layout::safe_name(blog)))
}
