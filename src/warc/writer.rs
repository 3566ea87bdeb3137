//! Writing WARC files: each record its own gzip member, appended with one `write` and never
//! rewritten. A file being written is named `….warc.gz.open`; it is synced and renamed to
//! `….warc.gz` when it reaches the size limit or the crawl ends, so a name without `.open` is
//! always a finished file. Each run starts a new file (resume appends to a new file, never to an
//! old one); before that, [`super::recover`] repairs what a killed run left. A response whose
//! payload equals the one already stored for the same URL is written as a `revisit`.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::Utc;

use super::http::HttpResponse;
use super::reader::{RecordReader, WarcReadError, warc_files};
use super::record::{
    ExchangeIds, Original, Record, exchange_records, new_record_id, sha256_digest, warc_date,
    warcinfo,
};
use crate::fetch::tap::Exchange;

/// The folder of an archive that holds its WARC files.
pub const WARC_DIR: &str = "warc";
/// The suffix of a file still being written.
pub const OPEN_SUFFIX: &str = ".open";
/// A file is closed and a new one started once it holds this many bytes (1 GB, the usual limit).
pub const DEFAULT_WARC_MAX_BYTES: u64 = 1_000_000_000;

/// Where and how to write.
#[derive(Debug, Clone)]
pub struct WarcOptions {
    /// The folder (created when missing).
    pub dir: PathBuf,
    /// The first part of every file name.
    pub prefix: String,
    /// Roll over to a new file past this size.
    pub max_file_bytes: u64,
    /// Extra `warcinfo` fields (`software` and `format` are always written).
    pub info: Vec<(String, String)>,
}

/// Why the WARC could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WarcError {
    /// A file could not be created, written, synced or renamed.
    #[error("cannot write the WARC file {path}; check the disk space and permissions")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// An earlier file could not be read back (for recovery, the index or revisits).
    #[error(transparent)]
    Read(#[from] WarcReadError),
}

/// What a run wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarcStats {
    /// Request records.
    pub requests: usize,
    /// Response records.
    pub responses: usize,
    /// Revisit records (same payload as an earlier capture of the URL).
    pub revisits: usize,
    /// Files finished by this run.
    pub files: Vec<PathBuf>,
}

struct OpenFile {
    open_path: PathBuf,
    final_path: PathBuf,
    file: File,
    bytes: u64,
    warcinfo: String,
}

/// The writer. Not thread-safe by itself: the recorder holds it behind a mutex.
pub struct WarcWriter {
    opts: WarcOptions,
    stamp: String,
    next_seq: usize,
    current: Option<OpenFile>,
    seen: HashMap<String, (String, Original)>,
    /// What it wrote so far.
    pub stats: WarcStats,
}

fn write_error(path: &Path) -> impl Fn(std::io::Error) -> WarcError + '_ {
    move |source| WarcError::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn gzip_member(record: &Record) -> std::io::Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&record.to_bytes())?;
    enc.finish()
}

impl WarcWriter {
    /// A writer for `opts.dir`, which must hold no unfinished file (run [`super::recover`]
    /// first). It reads the finished files once, to write revisits for unchanged payloads.
    ///
    /// # Errors
    /// When the folder cannot be created or a finished file cannot be read.
    pub fn open(opts: WarcOptions) -> Result<Self, WarcError> {
        std::fs::create_dir_all(&opts.dir).map_err(write_error(&opts.dir))?;
        let existing = warc_files(&opts.dir).map_err(write_error(&opts.dir))?;
        let mut seen = HashMap::new();
        for file in &existing {
            for record in RecordReader::open(file)? {
                let record = record?;
                if record.kind() != "response" {
                    continue;
                }
                let (Some(uri), Some(id), Some(date)) = (
                    record.get("WARC-Target-URI"),
                    record.get("WARC-Record-ID"),
                    record.get("WARC-Date"),
                ) else {
                    continue;
                };
                let Some(http) = HttpResponse::parse(&record.block) else {
                    continue;
                };
                if http.payload.is_empty() {
                    continue;
                }
                let original = Original {
                    id: id.to_string(),
                    uri: uri.to_string(),
                    date: date.to_string(),
                };
                seen.insert(uri.to_string(), (sha256_digest(&http.payload), original));
            }
        }
        Ok(Self {
            stamp: Utc::now().format("%Y%m%d%H%M%S").to_string(),
            next_seq: existing.len() + 1,
            opts,
            current: None,
            seen,
            stats: WarcStats::default(),
        })
    }

    fn start_file(&mut self) -> Result<(), WarcError> {
        let name = loop {
            let name = format!(
                "{}-{}-{:05}.warc.gz",
                self.opts.prefix, self.stamp, self.next_seq
            );
            self.next_seq += 1;
            if !self.opts.dir.join(&name).exists() {
                break name;
            }
        };
        let final_path = self.opts.dir.join(&name);
        let open_path = self.opts.dir.join(format!("{name}{OPEN_SUFFIX}"));
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&open_path)
            .map_err(write_error(&open_path))?;
        let id = new_record_id();
        let mut info = vec![
            (
                "software".to_string(),
                format!("tistory-migrate/{}", env!("CARGO_PKG_VERSION")),
            ),
            ("format".to_string(), "WARC File Format 1.1".to_string()),
            (
                "conformsTo".to_string(),
                "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
                    .to_string(),
            ),
        ];
        info.extend(self.opts.info.iter().cloned());
        let record = warcinfo(&id, &warc_date(Utc::now()), &name, &info);
        let member = gzip_member(&record).map_err(write_error(&open_path))?;
        file.write_all(&member).map_err(write_error(&open_path))?;
        self.current = Some(OpenFile {
            open_path,
            final_path,
            file,
            bytes: member.len() as u64,
            warcinfo: id,
        });
        Ok(())
    }

    /// Writes the request and response (or revisit) records of `ex`, in one file.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write_exchange(&mut self, ex: &Exchange) -> Result<(), WarcError> {
        if self
            .current
            .as_ref()
            .is_some_and(|c| c.bytes >= self.opts.max_file_bytes)
        {
            self.close_file()?;
        }
        if self.current.is_none() {
            self.start_file()?;
        }
        let current = self.current.as_mut().expect("a file was just opened");
        let ids = ExchangeIds {
            warcinfo: current.warcinfo.clone(),
            request: new_record_id(),
            response: new_record_id(),
        };
        let uri = ex.url.to_string();
        let digest = sha256_digest(&ex.body);
        let original = self
            .seen
            .get(&uri)
            .filter(|(d, _)| *d == digest)
            .map(|(_, o)| o.clone());
        let [request, response] = exchange_records(ex, &ids, original.as_ref());
        let path = current.open_path.clone();
        let mut bytes = gzip_member(&request).map_err(write_error(&path))?;
        bytes.extend(gzip_member(&response).map_err(write_error(&path))?);
        current.file.write_all(&bytes).map_err(write_error(&path))?;
        current.bytes += bytes.len() as u64;
        self.stats.requests += 1;
        if original.is_some() {
            self.stats.revisits += 1;
        } else {
            self.stats.responses += 1;
            if !ex.body.is_empty() {
                let o = Original {
                    id: ids.response,
                    uri: uri.clone(),
                    date: warc_date(ex.sent_at),
                };
                self.seen.insert(uri, (digest, o));
            }
        }
        Ok(())
    }

    fn close_file(&mut self) -> Result<(), WarcError> {
        let Some(current) = self.current.take() else {
            return Ok(());
        };
        current
            .file
            .sync_all()
            .map_err(write_error(&current.open_path))?;
        drop(current.file);
        std::fs::rename(&current.open_path, &current.final_path)
            .map_err(write_error(&current.final_path))?;
        if let Ok(dir) = File::open(&self.opts.dir) {
            let _ = dir.sync_all();
        }
        self.stats.files.push(current.final_path);
        Ok(())
    }

    /// Finishes the open file and rewrites the folder's CDXJ index.
    ///
    /// # Errors
    /// When the file cannot be finished or the index written.
    pub fn finish(&mut self) -> Result<WarcStats, WarcError> {
        self.close_file()?;
        super::cdxj::write_index(&self.opts.dir)?;
        Ok(self.stats.clone())
    }
}
