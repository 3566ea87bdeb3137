//! Hostile and broken backups are refused with an error that names what is wrong, exit 3, and
//! nothing written: no archive directory, nothing outside it.

use std::io::Write as _;
use std::path::Path;

use tistory_migrate::import::zip_backup::check_zip;
use tistory_migrate::import::{ImportError, ImportLimits};
use zip::write::SimpleFileOptions;

use crate::support::bin;

const PAGE: &str = r#"<html><body><h2 class="title-article">제목</h2><div class="box-info"><p class="category"></p><p class="date">2020-01-01 10:00:00</p></div><div class="article-view"><div class="contents_style"><p>본문</p></div></div></body></html>"#;

fn zip_of(path: &Path, entries: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Runs import into `<dir>/archive` and checks the refusal: exit 3, the message has `needle`,
/// and neither the archive nor anything beside the backup was written.
fn assert_refused(dir: &Path, file: &Path, needle: &str) {
    let before: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let out = dir.join("archive");
    let o = bin()
        .arg("import")
        .arg(file)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{stderr}{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(stderr.contains(needle), "{needle:?} not in: {stderr}");
    assert!(!out.exists(), "nothing written for a refused backup");
    let after: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(before, after, "nothing written beside the backup");
}

#[test]
fn issue_11_zip_entries_that_climb_out_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (i, name) in [
        "hangang-1-1/../../evil.html",
        "/etc/cron.d/evil",
        "hangang-1-1\\..\\evil.html",
        "hangang-1-1/3/\u{1b}[2Jevil.html",
    ]
    .iter()
    .enumerate()
    {
        let file = dir.path().join(format!("evil-{i}.zip"));
        zip_of(
            &file,
            &[("hangang-1-1/3/3.html", PAGE.as_bytes()), (name, b"x")],
        );
        assert_refused(dir.path(), &file, "refused the backup");
        std::fs::remove_file(&file).unwrap();
    }
    assert!(!dir.path().parent().unwrap().join("evil.html").exists());
}

#[test]
fn issue_11_a_zip_symlink_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("link.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&file).unwrap());
    let opts = SimpleFileOptions::default();
    zip.start_file("hangang-1-1/3/3.html", opts).unwrap();
    zip.write_all(PAGE.as_bytes()).unwrap();
    zip.add_symlink("hangang-1-1/3/img/a.jpg", "/etc/passwd", opts)
        .unwrap();
    zip.finish().unwrap();
    assert_refused(dir.path(), &file, "symbolic link");
}

#[test]
fn issue_11_a_zip_bomb_is_refused_before_it_is_decompressed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bomb.zip");
    // 64 MiB of zeros deflate to about 64 KiB: a ratio of about 1000:1.
    let zeros = vec![0u8; 64 * 1024 * 1024];
    zip_of(
        &file,
        &[
            ("hangang-1-1/3/3.html", PAGE.as_bytes()),
            ("hangang-1-1/3/img/a.jpg", &zeros),
        ],
    );
    assert_refused(dir.path(), &file, "zip bomb");
}

#[test]
fn issue_11_zip_caps_on_size_and_entry_count_name_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.zip");
    zip_of(
        &file,
        &[
            ("hangang-1-1/3/3.html", PAGE.as_bytes()),
            ("hangang-1-1/3/img/a.jpg", &[7u8; 5000]),
        ],
    );
    let small = ImportLimits {
        max_entry_bytes: 4000,
        ..ImportLimits::default()
    };
    let err = check_zip(&file, &small).unwrap_err();
    assert!(
        matches!(err, ImportError::Refused { ref entry, .. } if entry == "hangang-1-1/3/img/a.jpg"),
        "{err}"
    );
    let few = ImportLimits {
        max_entries: 1,
        ..ImportLimits::default()
    };
    assert!(
        check_zip(&file, &few)
            .unwrap_err()
            .to_string()
            .contains("2 entries")
    );
    let total = ImportLimits {
        max_total_bytes: 5000,
        ..ImportLimits::default()
    };
    assert!(
        check_zip(&file, &total)
            .unwrap_err()
            .to_string()
            .contains("add up")
    );
    assert!(check_zip(&file, &ImportLimits::default()).is_ok());
}

#[test]
fn issue_11_a_truncated_zip_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.zip");
    zip_of(
        &whole,
        &[
            ("hangang-1-1/3/3.html", PAGE.as_bytes()),
            ("hangang-1-1/3/img/a.jpg", &[7u8; 5000]),
        ],
    );
    let bytes = std::fs::read(&whole).unwrap();
    std::fs::remove_file(&whole).unwrap();
    let cut = dir.path().join("cut.zip");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    assert_refused(dir.path(), &cut, "truncated or damaged");
}

#[test]
fn issue_11_a_zip_entry_larger_than_it_declares_fails_its_post_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("liar.zip");
    let body = "<p>길다</p>".repeat(2000);
    let long = PAGE.replace("<p>본문</p>", &body);
    zip_of(
        &file,
        &[
            ("hangang-1-1/3/3.html", long.as_bytes()),
            ("hangang-1-1/4/4.html", PAGE.as_bytes()),
        ],
    );
    // Make post 3's page declare 100 bytes in both headers (little-endian u32 fields).
    let mut bytes = std::fs::read(&file).unwrap();
    let len = u32::try_from(long.len()).unwrap().to_le_bytes();
    let mut patched = 0;
    for i in 0..bytes.len() - 4 {
        let field = match &bytes[i..i + 4] {
            b"PK\x03\x04" => i + 22,
            b"PK\x01\x02" => i + 24,
            _ => continue,
        };
        if bytes[field..field + 4] == len {
            bytes[field..field + 4].copy_from_slice(&100u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of post 3 patched");
    std::fs::write(&file, &bytes).unwrap();
    let out = dir.path().join("archive");
    let o = bin()
        .arg("import")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("FAILED post 3"), "{stdout}");
    // Verify names the failed post: the archive is not complete.
    let o = bin()
        .arg("verify")
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(4));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["complete"], false);
    assert_eq!(report["failed_ids"], serde_json::json!([3]));
    assert_eq!(report["archived_ids"], serde_json::json!([4]));
}

#[test]
fn issue_11_xml_entity_expansion_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("laughs.xml");
    std::fs::write(
        &file,
        r#"<?xml version="1.0"?>
<!DOCTYPE blog [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<blog type="tattertools/1.1"><post><id>1</id><visibility>public</visibility><title>&lol3;</title><content>x</content></post></blog>"#,
    )
    .unwrap();
    assert_refused(dir.path(), &file, "entity expansion is refused");
    // Without a DTD, an undeclared entity is refused too.
    let file2 = dir.path().join("undeclared.xml");
    std::fs::write(
        &file2,
        r#"<blog type="tattertools/1.1"><post><id>1</id><title>&lol3;</title></post></blog>"#,
    )
    .unwrap();
    assert_refused(dir.path(), &file2, "&lol3;");
}

#[test]
fn issue_11_truncated_and_foreign_xml_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cut.xml");
    std::fs::write(
        &file,
        r#"<?xml version="1.0" encoding="utf-8"?><blog type="tattertools/1.1"><setting><name>hangang</name></setting><post><id>1</id><visibility>public</visibility><title>첫 글</title><content>본문</content></post><post><id>2</id><title>잘린"#,
    )
    .unwrap();
    assert_refused(dir.path(), &file, "truncated or damaged");
    std::fs::remove_file(&file).unwrap();
    let rss = dir.path().join("feed.xml");
    std::fs::write(
        &rss,
        r#"<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>"#,
    )
    .unwrap();
    assert_refused(dir.path(), &rss, "not a Tistory backup");
    std::fs::remove_file(&rss).unwrap();
    let junk = dir.path().join("photo.jpg");
    std::fs::write(&junk, b"\xFF\xD8\xFF\xE0 not a backup").unwrap();
    assert_refused(
        dir.path(),
        &junk,
        "neither a Tistory backup zip nor an XML backup",
    );
}
