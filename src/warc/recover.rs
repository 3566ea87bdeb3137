//! After a crash: every `….warc.gz.open` file a killed run left is cut back to its last complete
//! record and renamed to `….warc.gz` (its records were all written whole, so it is a valid,
//! smaller file), or deleted when no capture survived. Nothing unfinished is left under a
//! finished name, and nothing is appended to an old file afterwards.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use super::reader::RecordReader;
use super::writer::{OPEN_SUFFIX, WarcError};

/// One file brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// Its finished name.
    pub file: PathBuf,
    /// Records kept (the `warcinfo` included).
    pub records: usize,
    /// Bytes of the cut-off record dropped from its end.
    pub dropped_bytes: u64,
}

/// What recovery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Files cut back and renamed.
    pub recovered: Vec<Recovered>,
    /// Files deleted: no complete capture in them.
    pub discarded: Vec<PathBuf>,
}

impl RecoveryReport {
    /// One line per file, for the crawl's output.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .recovered
            .iter()
            .map(|r| {
                format!(
                    "warc: recovered {} ({} records; {} bytes of a cut-off record dropped)",
                    r.file.display(),
                    r.records,
                    r.dropped_bytes
                )
            })
            .collect();
        out.extend(self.discarded.iter().map(|p| {
            format!(
                "warc: discarded {} (an interrupted file with no complete capture)",
                p.display()
            )
        }));
        out
    }
}

/// Recovers every unfinished file directly in `dir` (a missing folder has none).
///
/// # Errors
/// When a file cannot be read, cut, renamed or deleted.
pub fn recover(dir: &Path) -> Result<RecoveryReport, WarcError> {
    let mut report = RecoveryReport::default();
    if !dir.is_dir() {
        return Ok(report);
    }
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WarcError::Write { path, source }
    };
    let mut open: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(write_error(dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(OPEN_SUFFIX))
        .collect();
    open.sort();
    for path in open {
        let size = std::fs::metadata(&path).map_err(write_error(&path))?.len();
        let (mut records, mut captures, mut end) = (0usize, 0usize, 0u64);
        for record in RecordReader::open(&path)? {
            let Ok(record) = record else { break };
            records += 1;
            if record.kind() != "warcinfo" {
                captures += 1;
            }
            end = record.offset + record.length;
        }
        if captures == 0 {
            std::fs::remove_file(&path).map_err(write_error(&path))?;
            report.discarded.push(path);
            continue;
        }
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(write_error(&path))?;
        file.set_len(end).map_err(write_error(&path))?;
        file.sync_all().map_err(write_error(&path))?;
        drop(file);
        let name = path.to_string_lossy();
        let finished = PathBuf::from(name.strip_suffix(OPEN_SUFFIX).unwrap_or(&name));
        std::fs::rename(&path, &finished).map_err(write_error(&finished))?;
        report.recovered.push(Recovered {
            file: finished,
            records,
            dropped_bytes: size - end,
        });
    }
    Ok(report)
}
