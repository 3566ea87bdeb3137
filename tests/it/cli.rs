//! The command line: help, argument errors (exit 3), the selector profile, the default output dir.

use crate::support::{bin, tistory_page};

#[test]
fn help_lists_the_extract_command() {
    let out = bin()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("extract"), "{text}");
}

#[test]
fn bad_arguments_exit_3() {
    bin().arg("--no-such-flag").assert().code(3);
    bin().arg("extract").assert().code(3);
    bin().arg("frobnicate").assert().code(3);
}

#[test]
fn a_broken_selector_profile_exits_3_and_names_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let profile = tmp.path().join("p.toml");
    std::fs::write(&profile, "title = [\"h1[\"]\n").unwrap();
    let page = tmp.path().join("1.html");
    std::fs::write(&page, tistory_page(1, "t", "<p>b</p>")).unwrap();
    let out = bin()
        .arg("extract")
        .arg(&page)
        .arg("--selectors")
        .arg(&profile)
        .assert()
        .code(3);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("p.toml") && stderr.contains("title"),
        "{stderr}"
    );
}

/// A custom skin with no metadata at all: only a selector profile can read it.
const CUSTOM_SKIN: &str = r#"<html><head><meta charset="utf-8"><title>x</title></head>
<body><script>window.T.config = {"BLOG":{"id":9,"name":"my-skin-blog"},"ROLE":"guest"};</script>
<div id="skin"><div class="heading"><h1 class="headline">나만의 스킨 제목</h1><span class="when">2019. 4. 2. 08:15</span>
<span class="where">여행 &gt; 제주</span></div><div class="post"><p>귤밭 사이를 걸었다.</p></div>
<div class="labels"><a href="/tag/제주">제주</a><a href="/tag/귤">귤</a></div></div></body></html>"#;

#[test]
fn a_selector_profile_reads_a_custom_skin() {
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("77.html");
    std::fs::write(&page, CUSTOM_SKIN).unwrap();
    let profile = tmp.path().join("skin.toml");
    std::fs::write(
        &profile,
        "title = [\".headline\"]\ndate = [\".when\"]\ncategory = [\".where\"]\ntags = [\".labels a\"]\nbody = [\".post\"]\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    bin()
        .arg("extract")
        .arg(&page)
        .arg("--selectors")
        .arg(&profile)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let row: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(out.join("posts.jsonl"))
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(row["id"], 77);
    assert_eq!(row["title"], "나만의 스킨 제목");
    assert_eq!(row["published"], "2019-04-02T08:15:00+09:00");
    assert_eq!(row["category"], "여행/제주");
    assert_eq!(row["tags"], serde_json::json!(["제주", "귤"]));
    assert!(
        std::fs::read_to_string(out.join("posts/77.md"))
            .unwrap()
            .contains("귤밭 사이를 걸었다.")
    );
}

#[test]
fn default_output_is_output_slash_blog_name() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("3.html"),
        tistory_page(3, "글", "<p>본문</p>"),
    )
    .unwrap();
    bin()
        .current_dir(tmp.path())
        .args(["extract", "3.html"])
        .assert()
        .success();
    assert!(tmp.path().join("output/test-blog/posts/3.md").is_file());
    assert!(tmp.path().join("output/test-blog/posts.jsonl").is_file());
}

#[test]
fn json_summary_is_machine_readable() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("3.html"),
        tistory_page(3, "글", "<p>본문</p>"),
    )
    .unwrap();
    let out = bin()
        .current_dir(tmp.path())
        .args(["extract", "3.html", "--json", "--out", "o"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["posts"], 1);
    assert_eq!(v["markdown_written"], 1);
}
