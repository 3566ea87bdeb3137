//! `import`: backups we build here (our own text) in the official zip layout and the old XML
//! format become archives that verify as complete and bundle; hostile files are refused with
//! nothing written. Expected values are written from the backups' text below, not from output.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;
use zip::write::SimpleFileOptions;

use crate::support::bin;

/// One post page in the official backup template.
fn backup_page(title: &str, category: &str, date: &str, body: &str, tags: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title><link rel="stylesheet" href="../style.css"></head>
<body><div class="title"><h2 class="title-article">{title}</h2>
<div class="box-info"><p class="category">{category}</p><p class="date">{date}</p></div></div>
<div class="article-view"><div class="contents_style">{body}</div><br/><div class="tags">{tags}</div></div></body></html>"#
    )
}

/// A JPEG-ish and a PNG-ish file: bytes of our own.
const PHOTO: &[u8] = b"\xFF\xD8\xFF\xE0 our photo of the river \xFF\xD9";
const MAP: &[u8] = b"\x89PNG\r\n\x1a\n our map of the bridge";

fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// The official layout: both file-name forms, `img/` and `file/img/`, an empty category, a
/// missing image (`gone.png` is linked but not in the zip), a '?' left by an emoji.
fn official_zip(dir: &Path) -> PathBuf {
    let p3 = backup_page(
        "한강 자전거 산책",
        "여행/서울",
        "2012-12-11 09:30:00",
        r#"<p>반포에서 잠수교까지 걸었다.</p><figure class="imageblock"><span data-url="./img/%EC%82%AC%EC%A7%84%201.jpg"><img src="./img/%EC%82%AC%EC%A7%84%201.jpg"></span></figure><p>다리 밑은 시원했다.</p><p><img src="./img/gone.png"></p>"#,
        "#한강 #두 단어 태그",
    );
    let p12 = backup_page(
        "지도 한 장",
        "",
        "2019-03-04 21:05:10",
        r#"<p>자전거 길 지도를 그렸다.</p><p><img src="./img/map.png"></p>"#,
        "#지도",
    );
    let p40 = backup_page(
        "짧은 메모",
        "일상",
        "2026-03-31 16:51:39",
        "<p>?오늘은 비가 왔다.</p>",
        "",
    );
    let path = dir.join("hangang-backup.zip");
    write_zip(
        &path,
        &[
            ("hangang-1-1/style.css", b"body{}"),
            ("hangang-1-1/3/3-한강-자전거-산책.html", p3.as_bytes()),
            ("hangang-1-1/3/img/사진 1.jpg", PHOTO),
            ("hangang-1-1/12/12.html", p12.as_bytes()),
            ("hangang-1-1/12/file/img/map.png", MAP),
            ("hangang-1-1/40/40-짧은-메모.html", p40.as_bytes()),
        ],
    );
    path
}

pub fn rows(out: &Path) -> Vec<Value> {
    std::fs::read_to_string(out.join("posts.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub fn verify_json(out: &Path) -> (i32, Value) {
    let o = bin().arg("verify").arg(out).arg("--json").output().unwrap();
    let code = o.status.code().unwrap();
    (code, serde_json::from_slice(&o.stdout).unwrap())
}

#[test]
fn issue_11_official_zip_becomes_a_complete_archive_and_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let zip = official_zip(dir.path());
    let out = dir.path().join("archive");
    let o = bin()
        .arg("import")
        .arg(&zip)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("img/gone.png"),
        "the missing file is named: {stdout}"
    );
    assert!(stdout.contains("emoji"), "the '?' is reported: {stdout}");

    let rows = rows(&out);
    let ids: Vec<u64> = rows.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [3, 12, 40]);
    let r3 = &rows[0];
    assert_eq!(r3["url"], "https://hangang.tistory.com/3");
    assert_eq!(r3["title"], "한강 자전거 산책");
    assert_eq!(r3["published"], "2012-12-11T09:30:00+09:00");
    assert_eq!(r3["category"], "여행/서울");
    assert_eq!(r3["tags"], serde_json::json!(["한강", "두 단어 태그"]));
    assert_eq!(r3["provenance"]["origin"], "backup");
    assert_eq!(r3["provenance"]["file"], "hangang-backup.zip");
    assert_eq!(
        r3["provenance"]["entry"],
        "hangang-1-1/3/3-한강-자전거-산책.html"
    );
    assert_eq!(r3["provenance"]["visibility"], "unknown");
    let images = r3["images"].as_array().unwrap();
    assert_eq!(images.len(), 2);
    assert_eq!(images[0]["status"], "ok");
    assert_eq!(images[1]["status"], "missing");
    let saved = out.join(images[0]["file"].as_str().unwrap());
    assert_eq!(
        std::fs::read(saved).unwrap(),
        PHOTO,
        "the photo's own bytes"
    );
    assert_eq!(rows[1]["category"], Value::Null, "an empty category");
    assert_eq!(
        rows[1]["images"][0]["status"], "ok",
        "found under file/img/"
    );
    assert_eq!(rows[2]["published"], "2026-03-31T16:51:39+09:00");
    let md = std::fs::read_to_string(out.join("posts/3.md")).unwrap();
    assert!(md.contains("반포에서 잠수교까지 걸었다."), "{md}");
    let front = md.split("\n---\n").next().unwrap();
    assert!(
        front.contains("provenance:\n  origin: \"backup\""),
        "{front}"
    );

    // Complete: the missing image is listed by name, as something the backup lacks, not a gap.
    let (code, report) = verify_json(&out);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["complete"], true);
    let missing = report["images_missing"].as_array().unwrap();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(
        missing[0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/_backup/3/img/gone.png")
    );
    assert_eq!(missing[0]["gap"], false);
    assert!(
        missing[0]["detail"]
            .as_str()
            .unwrap()
            .contains("not in the backup hangang-backup.zip")
    );

    // Visibility unknown: nothing goes into the Naver bundle until the user marks posts public.
    let o = bin().arg("bundle").arg(&out).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("naver/bundle.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["posts"].as_array().unwrap().len(),
        0,
        "{manifest:#}"
    );
    let (code, report) = verify_json(&out);
    assert_eq!(
        (code, &report["complete"]),
        (0, &Value::Bool(true)),
        "{report:#}"
    );

    // Marked public: all three are bundled, each footer saying where the copy came from.
    let o = bin()
        .args(["import", "--mark-public", "3,12,40", "--out"])
        .arg(&out)
        .arg(&zip)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = bin().arg("bundle").arg(&out).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("naver/bundle.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["posts"].as_array().unwrap().len(),
        3,
        "{manifest:#}"
    );
    let post_html = walkdir::WalkDir::new(out.join("naver"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "body.html")
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .find(|h| h.contains("반포에서"))
        .expect("post 3 in the bundle");
    assert!(
        post_html.contains("2012년 12월 11일 티스토리")
            && post_html
                .contains("처음 발행되었고, 백업 파일(hangang-backup.zip)에서 복원되었습니다."),
        "{post_html}"
    );
    let (code, report) = verify_json(&out);
    assert_eq!(
        (code, &report["complete"]),
        (0, &Value::Bool(true)),
        "{report:#}"
    );
}
