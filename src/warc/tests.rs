//! The writer, recovery and the reader together: files written, cut as a SIGKILL would leave
//! them, recovered, read back; revisits across runs.

use chrono::{DateTime, Utc};
use url::Url;

use super::reader::{RecordReader, warc_files};
use super::recover::recover;
use super::writer::{OPEN_SUFFIX, WarcOptions, WarcWriter};
use crate::fetch::tap::Exchange;

fn exchange(path: &str, body: &[u8]) -> Exchange {
    Exchange {
        url: Url::parse(&format!("http://127.0.0.1:9{path}")).unwrap(),
        method: "GET".into(),
        request_headers: vec![("Host".into(), "127.0.0.1:9".into())],
        version: "HTTP/1.1".into(),
        status: 200,
        response_headers: vec![("Content-Type".into(), b"text/html".to_vec())],
        body: body.to_vec(),
        remote_ip: None,
        sent_at: DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
    }
}

fn options(dir: &std::path::Path, max: u64) -> WarcOptions {
    WarcOptions {
        dir: dir.to_path_buf(),
        prefix: "t".into(),
        max_file_bytes: max,
        info: Vec::new(),
    }
}

fn kinds(path: &std::path::Path) -> Vec<String> {
    RecordReader::open(path)
        .unwrap()
        .map(|r| r.unwrap().kind())
        .collect()
}

#[test]
fn files_roll_over_and_a_second_run_writes_revisits_for_unchanged_payloads() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = WarcWriter::open(options(dir.path(), 600)).unwrap();
    for i in 0..4 {
        w.write_exchange(&exchange(&format!("/{i}"), &vec![b'x'; 400]))
            .unwrap();
    }
    let stats = w.finish().unwrap();
    assert_eq!((stats.requests, stats.responses, stats.revisits), (4, 4, 0));
    let files = warc_files(dir.path()).unwrap();
    assert!(
        files.len() >= 2,
        "the size limit starts new files: {files:?}"
    );
    for f in &files {
        let k = kinds(f);
        assert_eq!(k[0], "warcinfo", "every file opens with warcinfo");
        assert_eq!(k.len() % 2, 1, "request and response stay in one file");
    }
    // Run 2: /0 unchanged, /1 changed.
    let mut w = WarcWriter::open(options(dir.path(), 1 << 20)).unwrap();
    w.write_exchange(&exchange("/0", &vec![b'x'; 400])).unwrap();
    w.write_exchange(&exchange("/1", b"changed")).unwrap();
    let stats = w.finish().unwrap();
    assert_eq!((stats.responses, stats.revisits), (1, 1));
    let newest = stats.files.last().unwrap();
    assert_eq!(
        kinds(newest),
        ["warcinfo", "request", "revisit", "request", "response"]
    );
    let index = std::fs::read_to_string(dir.path().join("index.cdxj")).unwrap();
    assert_eq!(
        index.lines().count(),
        6,
        "4 responses + 1 revisit + 1 response"
    );
}

#[test]
fn a_cut_open_file_is_recovered_to_its_complete_records_and_an_empty_one_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = WarcWriter::open(options(dir.path(), 1 << 20)).unwrap();
    w.write_exchange(&exchange("/1", b"one")).unwrap();
    w.write_exchange(&exchange("/2", b"two")).unwrap();
    // No finish: the process "dies". Cut the last record in half, as a kill mid-write would.
    let open: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(OPEN_SUFFIX))
        .collect();
    assert_eq!(open.len(), 1);
    let bytes = std::fs::read(&open[0]).unwrap();
    std::fs::write(&open[0], &bytes[..bytes.len() - 30]).unwrap();
    drop(w);
    assert!(
        warc_files(dir.path()).unwrap().is_empty(),
        "an .open file is not a WARC file"
    );
    // A second interrupted file with only its warcinfo.
    let lonely = dir.path().join("t-x-00009.warc.gz.open");
    let mut w2 = WarcWriter::open(options(&dir.path().join("other"), 1 << 20)).unwrap();
    w2.write_exchange(&exchange("/1", b"one")).unwrap();
    let other_open = std::fs::read_dir(dir.path().join("other"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .next()
        .unwrap();
    let first_member_end = RecordReader::open(&other_open)
        .unwrap()
        .next()
        .unwrap()
        .map(|r| r.offset + r.length)
        .unwrap();
    let only_info =
        std::fs::read(&other_open).unwrap()[..usize::try_from(first_member_end).unwrap()].to_vec();
    std::fs::write(&lonely, only_info).unwrap();

    let report = recover(dir.path()).unwrap();
    assert_eq!(report.discarded, vec![lonely.clone()]);
    assert!(!lonely.exists());
    assert_eq!(report.recovered.len(), 1);
    let r = &report.recovered[0];
    // warcinfo + request/response of /1 + the request of /2; the cut response is dropped.
    assert_eq!(r.records, 4);
    assert!(r.dropped_bytes > 0);
    assert_eq!(
        kinds(&r.file),
        ["warcinfo", "request", "response", "request"]
    );
    assert!(RecordReader::open(&r.file).unwrap().all(|x| x.is_ok()));
    // A resumed run writes a new file and sees /1 as already captured.
    let mut w = WarcWriter::open(options(dir.path(), 1 << 20)).unwrap();
    w.write_exchange(&exchange("/1", b"one")).unwrap();
    let stats = w.finish().unwrap();
    assert_eq!(stats.revisits, 1);
    assert_ne!(stats.files[0], r.file);
    assert_eq!(warc_files(dir.path()).unwrap().len(), 2);
}
