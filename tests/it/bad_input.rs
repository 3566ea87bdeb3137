//! Bad input to `extract`: each bad file gets a clear per-file error or warning in the summary, the
//! good files are still processed, and the exit code is 2 when any file failed.

use std::path::Path;

use crate::support::{bin, tistory_page};

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn bad_files_are_reported_and_good_ones_still_extracted() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("pages");
    std::fs::create_dir(&input).unwrap();
    write(
        &input,
        "good.html",
        tistory_page(11, "좋은 글", "<p>멀쩡한 본문입니다.</p>").as_bytes(),
    );
    write(&input, "empty.html", b"");
    write(
        &input,
        "binary.html",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0",
    );
    let full = tistory_page(
        12,
        "잘린 글",
        "<p>앞부분은 남아 있다.</p><p>뒷부분은 사라졌다.</p>",
    );
    let cut = full.find("뒷부분").unwrap();
    write(&input, "truncated.html", &full.as_bytes()[..cut]);
    let legacy = tistory_page(13, "옛날 인코딩", "<p>완성형 한글로 저장된 글입니다.</p>")
        .replace("charset=\"utf-8\"", "charset=\"euc-kr\"");
    let (euc, _, _) = encoding_rs::EUC_KR.encode(&legacy);
    write(&input, "euckr.html", &euc);
    write(&input, "other-site.html", b"<html><head><title>Example</title></head><body><p>Hello from another site.</p></body></html>");
    // 50 MB: a real page is under 1 MB.
    let mut huge = tistory_page(14, "거대한 글", "<p>x</p>").into_bytes();
    huge.resize(50 * 1024 * 1024, b' ');
    write(&input, "huge.html", &huge);

    let out = tmp.path().join("out");
    let assert = bin()
        .arg("extract")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();

    for (file, says) in [
        ("empty.html", "is empty"),
        ("binary.html", "not an HTML page"),
        ("other-site.html", "not a Tistory page"),
        ("huge.html", "page limit"),
    ] {
        let line = stdout
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} not in:\n{stdout}"));
        assert!(line.contains(says), "{file}: {line}");
    }
    assert!(stdout.contains("failed          4"), "{stdout}");
    assert!(
        stdout.contains("truncated"),
        "the truncated page gets a warning:\n{stdout}"
    );

    let rows: Vec<serde_json::Value> = std::fs::read_to_string(out.join("posts.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<u64> = rows.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(
        ids,
        [11, 12, 13],
        "good, truncated and EUC-KR pages are extracted"
    );
    assert_eq!(rows[2]["title"], "옛날 인코딩");
    assert!(
        std::fs::read_to_string(out.join("posts/13.md"))
            .unwrap()
            .contains("완성형 한글로 저장된 글입니다.")
    );
    assert!(
        std::fs::read_to_string(out.join("posts/12.md"))
            .unwrap()
            .contains("앞부분은 남아 있다.")
    );
    assert!(
        rows[1]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("truncated"))
    );
}

#[test]
fn a_missing_input_is_an_error_not_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let assert = bin()
        .current_dir(tmp.path())
        .args(["extract", "no-such-dir", "--out", "out"])
        .assert()
        .code(2);
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("no-such-dir") && stdout.contains("does not exist"),
        "{stdout}"
    );
}

#[test]
fn an_unwritable_output_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("5.html");
    std::fs::write(&page, tistory_page(5, "글", "<p>본문</p>")).unwrap();
    let blocker = tmp.path().join("blocker");
    std::fs::write(&blocker, "a file where the output directory should be").unwrap();
    let assert = bin()
        .arg("extract")
        .arg(&page)
        .arg("--out")
        .arg(blocker.join("out"))
        .assert()
        .code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("tistory-migrate: error:") && stderr.contains("blocker"),
        "{stderr}"
    );
}
