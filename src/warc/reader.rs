//! Reading WARC files record by record, with the offset of each: gzip per record (ours, wget's,
//! Heritrix's), a whole file in one gzip stream, or uncompressed. A damaged or cut-off record
//! ends the iteration with an error naming the file and the offset, after every good record
//! before it; recovery and verify rely on that.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek as _};
use std::path::{Path, PathBuf};

/// One record as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRecord {
    /// Where its gzip member (or, uncompressed, the record) starts in the file.
    pub offset: u64,
    /// Its length in the file (the gzip member's compressed length).
    pub length: u64,
    /// Header fields in order.
    pub fields: Vec<(String, String)>,
    /// The block.
    pub block: Vec<u8>,
}

impl ReadRecord {
    /// The value of a header field (case-insensitive name).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `WARC-Type`, lowercased.
    #[must_use]
    pub fn kind(&self) -> String {
        self.get("WARC-Type")
            .unwrap_or_default()
            .to_ascii_lowercase()
    }
}

/// Why a WARC file could not be read (to the end).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WarcReadError {
    /// The file could not be opened or read.
    #[error("cannot read the WARC file {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The bytes at `offset` are not a complete WARC record.
    #[error("{path}: damaged or cut-off WARC record at byte {offset}: {why}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Where the bad record starts.
        offset: u64,
        /// What is wrong.
        why: RecordError,
    },
}

impl WarcReadError {
    /// The offset of the first bad record, when the file itself could be read.
    #[must_use]
    pub fn damaged_at(&self) -> Option<u64> {
        match self {
            Self::Damaged { offset, .. } => Some(*offset),
            Self::Io { .. } => None,
        }
    }
}

/// Iterates the records of one file.
#[derive(Debug)]
pub struct RecordReader {
    path: PathBuf,
    reader: BufReader<File>,
    offset: u64,
    pending: std::collections::VecDeque<ReadRecord>,
    done: bool,
}

impl RecordReader {
    /// Opens `path`.
    ///
    /// # Errors
    /// [`WarcReadError::Io`] when it cannot be opened.
    pub fn open(path: &Path) -> Result<Self, WarcReadError> {
        let file = File::open(path).map_err(|source| WarcReadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            reader: BufReader::with_capacity(1 << 16, file),
            offset: 0,
            pending: std::collections::VecDeque::new(),
            done: false,
        })
    }

    fn damaged(
        &mut self,
        offset: u64,
        why: RecordError,
    ) -> Option<Result<ReadRecord, WarcReadError>> {
        self.done = true;
        Some(Err(WarcReadError::Damaged {
            path: self.path.clone(),
            offset,
            why,
        }))
    }

    fn io(&mut self, source: std::io::Error) -> Option<Result<ReadRecord, WarcReadError>> {
        self.done = true;
        Some(Err(WarcReadError::Io {
            path: self.path.clone(),
            source,
        }))
    }
}

impl Iterator for RecordReader {
    type Item = Result<ReadRecord, WarcReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(r) = self.pending.pop_front() {
            return Some(Ok(r));
        }
        if self.done {
            return None;
        }
        let start = self.offset;
        let head = match self.reader.fill_buf() {
            Ok(b) => b,
            Err(e) => return self.io(e),
        };
        // Blank bytes between records (some writers pad) are skipped.
        let blank = head.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if blank > 0 {
            self.reader.consume(blank);
            self.offset += blank as u64;
            return self.next();
        }
        if head.is_empty() {
            self.done = true;
            return None;
        }
        if head.starts_with(&[0x1f, 0x8b]) {
            let mut data = Vec::new();
            let read = flate2::bufread::GzDecoder::new(&mut self.reader).read_to_end(&mut data);
            if let Err(e) = read {
                return self.damaged(start, RecordError::Gzip(e));
            }
            let end = match self.reader.stream_position() {
                Ok(p) => p,
                Err(e) => return self.io(e),
            };
            self.offset = end;
            let mut slice = data.as_slice();
            loop {
                match read_one(&mut slice) {
                    Ok(Some(p)) => self.pending.push_back(ReadRecord {
                        offset: start,
                        length: end - start,
                        fields: p.fields,
                        block: p.block,
                    }),
                    Ok(None) => break,
                    Err(e) => return self.damaged(start, e),
                }
            }
            if self.pending.is_empty() {
                return self.damaged(start, RecordError::EmptyGzip);
            }
            self.next()
        } else {
            match read_one(&mut self.reader) {
                Ok(Some(p)) => {
                    self.offset += p.used;
                    Some(Ok(ReadRecord {
                        offset: start,
                        length: p.used,
                        fields: p.fields,
                        block: p.block,
                    }))
                }
                Ok(None) => {
                    self.done = true;
                    None
                }
                Err(e) => self.damaged(start, e),
            }
        }
    }
}

/// One uncompressed record as parsed, and the bytes it took.
struct Parsed {
    fields: Vec<(String, String)>,
    block: Vec<u8>,
    used: u64,
}

/// Why one record cannot be read (the reader names the file and offset).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// Reading failed.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// A gzip member does not decompress.
    #[error("gzip member: {0}")]
    Gzip(std::io::Error),
    /// A gzip member holds no record.
    #[error("an empty gzip member")]
    EmptyGzip,
    /// No `WARC/` line where a record starts.
    #[error("no WARC version line")]
    NoVersion,
    /// The header has no blank line after it.
    #[error("the header ends early")]
    HeaderCut,
    /// The header has no usable `Content-Length`.
    #[error("no Content-Length")]
    NoLength,
    /// The block is not followed by the two CRLFs that end a record.
    #[error("the record does not end in two CRLFs")]
    NoEnd,
    /// The block is shorter than its length.
    #[error("the block has {got} of {length} bytes")]
    BlockCut {
        /// Bytes present.
        got: usize,
        /// Bytes declared.
        length: u64,
    },
}

/// Reads one uncompressed record; `None` at the end.
fn read_one(r: &mut impl BufRead) -> Result<Option<Parsed>, RecordError> {
    let mut used = 0u64;
    let mut line = Vec::new();
    // Skip blank lines before the version line.
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        used += n as u64;
        if !line.iter().all(u8::is_ascii_whitespace) {
            break;
        }
    }
    if !line.starts_with(b"WARC/") {
        return Err(RecordError::NoVersion);
    }
    let mut fields = Vec::new();
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line)?;
        if n == 0 {
            return Err(RecordError::HeaderCut);
        }
        used += n as u64;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        if let Some((k, v)) = text.split_once(':') {
            fields.push((k.trim().to_string(), v.trim().to_string()));
        } else if let Some(last) = fields.last_mut() {
            // A continuation line.
            last.1.push(' ');
            last.1.push_str(text.trim());
        }
    }
    let length: u64 = fields
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
        .and_then(|(_, v)| v.parse().ok())
        .ok_or(RecordError::NoLength)?;
    let mut block = Vec::with_capacity(usize::try_from(length.min(1 << 24)).unwrap_or(0));
    let got = r.by_ref().take(length).read_to_end(&mut block)?;
    if (got as u64) < length {
        return Err(RecordError::BlockCut { got, length });
    }
    used += length;
    // The two CRLFs after the block.
    let mut tail = [0u8; 4];
    let mut have = 0;
    while have < 4 {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let want = b"\r\n\r\n";
        if buf[0] != want[have] {
            break;
        }
        tail[have] = buf[0];
        r.consume(1);
        have += 1;
    }
    if have < 4 {
        return Err(RecordError::NoEnd);
    }
    used += 4;
    Ok(Some(Parsed {
        fields,
        block,
        used,
    }))
}

/// The WARC files of a path: the file itself, or the `*.warc` / `*.warc.gz` files directly in a
/// folder, sorted by name (writers number their files, so this is the order they were written).
///
/// # Errors
/// When the folder cannot be listed.
pub fn warc_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && is_warc_name(p))
        .collect();
    files.sort();
    Ok(files)
}

/// True for `*.warc` and `*.warc.gz` (a finished file's name).
#[must_use]
pub fn is_warc_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;
    use crate::warc::record::Record;

    fn record(n: u8) -> Record {
        Record {
            fields: vec![
                ("WARC-Type".into(), "resource".into()),
                ("WARC-Record-ID".into(), format!("<urn:uuid:{n}>")),
            ],
            block: vec![b'a' + n; usize::from(n) * 10],
        }
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn reads_gzip_members_with_offsets_and_stops_at_a_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.warc.gz");
        let (m1, m2) = (gz(&record(1).to_bytes()), gz(&record(2).to_bytes()));
        let mut bytes = [m1.clone(), m2.clone()].concat();
        std::fs::write(&path, &bytes).unwrap();
        let all: Vec<ReadRecord> = RecordReader::open(&path)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].offset, all[0].length), (0, m1.len() as u64));
        assert_eq!(all[1].offset, m1.len() as u64);
        assert_eq!(all[1].block, vec![b'c'; 20]);
        // Cut the second member in half: the first record stays, then an error at its offset.
        bytes.truncate(m1.len() + m2.len() / 2);
        std::fs::write(&path, &bytes).unwrap();
        let results: Vec<_> = RecordReader::open(&path).unwrap().collect();
        assert_eq!(results.len(), 2);
        assert!(results[0].is_ok());
        assert_eq!(
            results[1].as_ref().unwrap_err().damaged_at(),
            Some(m1.len() as u64)
        );
    }

    #[test]
    fn reads_uncompressed_and_whole_file_gzip() {
        let dir = tempfile::tempdir().unwrap();
        let plain = [record(1).to_bytes(), record(3).to_bytes()].concat();
        let p = dir.path().join("a.warc");
        std::fs::write(&p, &plain).unwrap();
        let all: Vec<_> = RecordReader::open(&p)
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].offset, record(1).to_bytes().len() as u64);
        let g = dir.path().join("b.warc.gz");
        std::fs::write(&g, gz(&plain)).unwrap();
        let all: Vec<_> = RecordReader::open(&g)
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].get("warc-record-id"), Some("<urn:uuid:3>"));
        // A record whose block is shorter than its Content-Length is damaged.
        let mut cut = record(2).to_bytes();
        cut.truncate(cut.len() - 8);
        std::fs::write(&p, &cut).unwrap();
        let r: Vec<_> = RecordReader::open(&p).unwrap().collect();
        assert_eq!(r[0].as_ref().unwrap_err().damaged_at(), Some(0));
    }
}
