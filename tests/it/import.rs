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

pub use crate::support::verify_json;

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
    // The report says where each copy came from, in JSON, text and HTML.
    assert_eq!(
        report["provenance"]["by_origin"],
        serde_json::json!({"backup": 3})
    );
    assert_eq!(
        report["provenance"]["visibility_unknown"],
        serde_json::json!([3, 12, 40])
    );
    let restored = &report["provenance"]["restored"][0];
    assert_eq!(restored["id"], 3);
    assert_eq!(
        restored["source"],
        "backup hangang-backup.zip (hangang-1-1/3/3-한강-자전거-산책.html); visibility unknown"
    );
    let html = dir.path().join("report.html");
    let o = bin()
        .arg("verify")
        .arg(&out)
        .arg("--html")
        .arg(&html)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("copies from:      backup 3"), "{text}");
    assert!(
        text.contains("post 12: backup hangang-backup.zip (hangang-1-1/12/12.html)"),
        "{text}"
    );
    let html = std::fs::read_to_string(html).unwrap();
    assert!(
        html.contains(r#"<tr data-id="40" data-origin="backup">"#),
        "{html}"
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

/// An old XML backup with every field: a public post with a category, tags, an image shown by a
/// `[##_1C|…_##]` marker, a file attachment and nested comments (with a password and an IP that
/// must never be copied out); a protected and a private post; a notice; statistics and a
/// guestbook after the posts.
fn xml_backup() -> String {
    let photo = "/9j/4CBvdXIgcGhvdG8gb2YgdGhlIHJpdmVyIP/Z";
    let notes = "cm91dGUgbm90ZXM6IDcga20=";
    format!(
        r#"<?xml version="1.0" encoding="utf-8" ?>
<blog type="tattertools/1.1" migrational="true"><setting><name>hangang</name><title>한강 노트</title><banner><name>b.jpg</name><content>{photo}</content></banner></setting>
<post slogan="hangang-walk" format="1.1"><author domain="tistory">1</author><id>7</id><visibility>public</visibility><title>한강 자전거 산책</title>
<content>&lt;p&gt;반포에서 잠수교까지 걸었다.&lt;/p&gt;[##_1C|cfile7.uf@river.jpg|width="600" height="400"|다리 밑_##]&lt;p&gt;A &amp;amp; B, 5 &amp;lt; 7&lt;/p&gt;</content>
<location>/</location><password>should-never-appear-1</password><acceptComment>1</acceptComment><acceptTrackback>1</acceptTrackback>
<published>1355185800</published><created>1355185800</created><modified>1357376400</modified><category>여행/서울</category><tag>한강</tag><tag>두 단어 태그</tag>
<attachment mime="image/jpeg" size="31" width="600" height="400"><name>cfile7.uf@river.jpg</name><label>강.jpg</label><enclosure>0</enclosure><attached>1355185800</attached><downloads>0</downloads><content>{photo}</content></attachment>
<attachment mime="text/plain" size="17" width="0" height="0"><name>cfile7.uf@notes.txt</name><label>경로 메모.txt</label><enclosure>0</enclosure><attached>1355185800</attached><downloads>3</downloads><content>{notes}</content></attachment>
<comment><commenter id=""><name>강변 주민</name><homepage>http://example.com/resident</homepage><ip>10.1.2.3</ip></commenter><content>사진 좋네요</content><password>should-never-appear-2</password><secret>0</secret><written>1355274000</written>
<comment><commenter id="1"><name>글쓴이</name><homepage></homepage><ip>10.9.9.9</ip></commenter><content>고맙습니다</content><password></password><secret>0</secret><written>1355279400</written>
<comment><commenter id=""><name>강변 주민</name><homepage></homepage><ip>10.1.2.3</ip></commenter><content>또 올게요</content><password></password><secret>1</secret><written>1355352300</written></comment>
</comment></comment>
</post>
<post slogan="locked" format="1.1"><id>8</id><visibility>protected</visibility><title>잠긴 글</title><content>&lt;p&gt;비밀번호가 있는 글의 본문.&lt;/p&gt;</content><password>should-never-appear-3</password><published>1309475700</published><created>1309475700</created><modified>1309475700</modified><category></category></post>
<post slogan="mine" format="1.1"><id>9</id><visibility>private</visibility><title>나만 보는 글</title><content>&lt;p&gt;혼자 적은 메모.&lt;/p&gt;</content><published>1267498800</published><created>1267498800</created><modified>1267498800</modified><category>일상</category><tag>메모</tag></post>
<notice slogan="notice" format="1.1"><id>10</id><visibility>public</visibility><title>공지: 이사합니다</title><content>&lt;p&gt;네이버로 옮깁니다.&lt;/p&gt;</content><published>1357376400</published><created>1357376400</created><modified>1357376400</modified></notice>
<statistics><visits>18</visits></statistics>
<guestbook><comment><commenter id=""><name>손님</name><homepage></homepage><ip>10.7.7.7</ip></commenter><content>방명록</content><password>should-never-appear-4</password><secret>0</secret><written>1273731019</written></comment></guestbook>
</blog>
"#
    )
}

fn import(file: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let o = bin()
        .arg("import")
        .arg(file)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// Every file under `dir`, as text where it is text.
fn all_text(dir: &Path) -> String {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() != "archive.db")
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned())
        .collect()
}

#[test]
fn issue_11_xml_backup_becomes_a_complete_archive_and_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hangang.xml");
    std::fs::write(&file, xml_backup()).unwrap();
    let out = dir.path().join("archive");
    let (code, log) = import(&file, &out, &[]);
    assert_eq!(code, 0, "{log}");

    let rows = rows(&out);
    let ids: Vec<u64> = rows.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [7, 8, 9, 10]);
    let r7 = &rows[0];
    assert_eq!(r7["status"], "ok");
    assert_eq!(r7["title"], "한강 자전거 산책");
    assert_eq!(r7["published"], "2012-12-11T09:30:00+09:00");
    assert_eq!(r7["modified"], "2013-01-05T18:00:00+09:00");
    assert_eq!(r7["category"], "여행/서울");
    assert_eq!(r7["tags"], serde_json::json!(["한강", "두 단어 태그"]));
    assert_eq!(r7["provenance"]["origin"], "backup");
    assert_eq!(r7["provenance"]["format"], "backup-xml");
    assert_eq!(r7["provenance"]["visibility"], "public");
    assert_eq!(r7["images"][0]["status"], "ok");
    assert_eq!(r7["images"][0]["caption"], "다리 밑");
    let photo = out.join(r7["images"][0]["file"].as_str().unwrap());
    assert_eq!(
        std::fs::read(photo).unwrap(),
        PHOTO,
        "base64 decoded to the photo's bytes"
    );
    assert_eq!(r7["attachments"][0]["name"], "경로 메모.txt");
    assert_eq!(r7["attachments"][0]["status"], "ok");
    let notes = out.join(r7["attachments"][0]["file"].as_str().unwrap());
    assert_eq!(std::fs::read(notes).unwrap(), b"route notes: 7 km");
    assert_eq!(
        r7["comments"]["count"], 3,
        "a comment, its reply, the reply's reply"
    );
    let comments: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("comments/7.json")).unwrap())
            .unwrap();
    let first = &comments["items"][0];
    assert_eq!(first["writer"]["name"], "강변 주민");
    assert_eq!(first["content"], "사진 좋네요");
    assert_eq!(first["written"], "2012-12-12T10:00:00+09:00");
    assert_eq!(first["children"][0]["content"], "고맙습니다");
    assert_eq!(first["children"][0]["children"][0]["isSecret"], true);
    let md = std::fs::read_to_string(out.join("posts/7.md")).unwrap();
    assert!(
        md.contains("A & B, 5 < 7") || md.contains("A &amp; B, 5 &lt; 7"),
        "{md}"
    );

    assert_eq!(rows[1]["status"], "protected");
    assert_eq!(rows[1]["provenance"]["visibility"], "protected");
    assert_eq!(rows[1]["category"], Value::Null);
    assert_eq!(rows[2]["status"], "private");
    assert_eq!(rows[2]["tags"], serde_json::json!(["메모"]));
    assert_eq!(rows[3]["notice"], true);
    assert_eq!(rows[3]["url"], "https://hangang.tistory.com/notice/10");
    assert_eq!(rows[3]["title"], "공지: 이사합니다");

    // Passwords and IP addresses never leave the backup.
    let text = all_text(&out);
    for secret in ["should-never-appear", "10.1.2.3", "10.9.9.9", "10.7.7.7"] {
        assert!(!text.contains(secret), "{secret} was copied out");
    }

    let (code, report) = verify_json(&out);
    assert_eq!(
        (code, &report["complete"]),
        (0, &Value::Bool(true)),
        "{report:#}"
    );
    assert_eq!(report["protected_ids"], serde_json::json!([8]));
    assert_eq!(report["private_ids"], serde_json::json!([9]));
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
    let bundled: Vec<u64> = manifest["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_u64().unwrap())
        .collect();
    assert_eq!(bundled, [7, 10], "public posts only, oldest first");
    let (code, report) = verify_json(&out);
    assert_eq!(
        (code, &report["complete"]),
        (0, &Value::Bool(true)),
        "{report:#}"
    );
}

#[test]
fn issue_11_the_corpus_xml_backup_imports() {
    let Some(corpus) = crate::support::corpus_dir() else {
        return;
    };
    let file = corpus.join("tistory-backup-xml__rhiokim-sample.xml");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive");
    let (code, log) = import(&file, &out, &[]);
    assert_eq!(code, 0, "{log}");
    // Read off the file: post 1 is public ("tistory2markdown by rhio.kim title", published
    // 1244545333 = 2009-06-09 20:02:13 KST, tag t2md), post 2 is private ("test2").
    let rows = rows(&out);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["title"], "tistory2markdown by rhio.kim title");
    assert_eq!(rows[0]["published"], "2009-06-09T20:02:13+09:00");
    assert_eq!(rows[0]["tags"], serde_json::json!(["t2md"]));
    assert_eq!(rows[0]["url"], "https://riapps.tistory.com/1");
    assert_eq!(rows[1]["status"], "private");
    let text = all_text(&out);
    assert!(!text.contains("wmtq1otq") && !text.contains("211.172.252.18"));
    let (code, report) = verify_json(&out);
    assert_eq!(
        (code, &report["complete"]),
        (0, &Value::Bool(true)),
        "{report:#}"
    );
}
