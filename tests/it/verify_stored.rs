//! Issue 8: `verify` reuses the fidelity score `posts.jsonl` holds instead of measuring it again,
//! while the Markdown file is the one the score was measured on (the row records its sha256);
//! a Markdown file changed since is measured again, and `verify --deep` measures every post.
//!
//! The proof that the stored score is read: a row whose score is lowered by hand (its Markdown
//! untouched) is reported at that score by `verify`, and `verify --deep`, which measures, finds the
//! post whole.

use std::path::Path;

use tistory_migrate::archive::hash::sha256_hex;

use crate::support::{bin, sample_blog};
use crate::verify::verify_json;

fn rows(archive: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(archive.join("posts.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn write_rows(archive: &Path, rows: &[serde_json::Value]) {
    let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(archive.join("posts.jsonl"), text).unwrap();
}

fn below_threshold(report: &serde_json::Value) -> Vec<u64> {
    report["fidelity_below_threshold"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

#[test]
fn issue_8_verify_reuses_the_stored_fidelity_unless_deep() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    bin()
        .arg("migrate")
        .arg(sample_blog())
        .arg("--out")
        .arg(&archive)
        .assert()
        .success();

    // Each row with Markdown records the sha256 of the file its score was measured on.
    let mut all = rows(&archive);
    let with_md: Vec<usize> = (0..all.len())
        .filter(|i| all[*i]["markdown"].is_string())
        .collect();
    assert!(with_md.len() >= 2, "{all:?}");
    for i in &with_md {
        let md = std::fs::read(archive.join(all[*i]["markdown"].as_str().unwrap())).unwrap();
        assert_eq!(all[*i]["markdown_sha256"], sha256_hex(&md), "{}", all[*i]);
        assert!(all[*i]["fidelity"]["score"].is_number());
    }
    assert_eq!(
        below_threshold(&verify_json(&archive, 0, &[])),
        Vec::<u64>::new()
    );

    // A score lowered by hand in posts.jsonl, the Markdown untouched: verify reports that score
    // (it did not measure), and --deep measures and finds the post whole.
    let lowered = all[with_md[0]]["id"].as_u64().unwrap();
    all[with_md[0]]["fidelity"] = serde_json::json!({"score": 0.5, "lost": ["손으로"]});
    write_rows(&archive, &all);
    let report = verify_json(&archive, 4, &[]);
    assert_eq!(below_threshold(&report), [lowered], "{report:#}");
    let lost = &report["fidelity_lost"][0];
    assert_eq!(lost["score"], 0.5, "{report:#}");
    assert_eq!(lost["lost"], serde_json::json!(["손으로"]));
    let deep = verify_json(&archive, 0, &["--deep"]);
    assert_eq!(below_threshold(&deep), Vec::<u64>::new(), "{deep:#}");

    // A Markdown file cut after its front matter (its row still says 1.0): the sha256 no longer
    // matches, so verify measures it and finds the body lost.
    all[with_md[0]]["fidelity"] = serde_json::json!({"score": 1.0});
    write_rows(&archive, &all);
    let cut = all[with_md[1]]["id"].as_u64().unwrap();
    let md_path = archive.join(all[with_md[1]]["markdown"].as_str().unwrap());
    let doc = std::fs::read_to_string(&md_path).unwrap();
    let end = doc[4..].find("\n---\n").unwrap() + 4 + 5;
    std::fs::write(&md_path, &doc[..end]).unwrap();
    let report = verify_json(&archive, 4, &[]);
    assert_eq!(below_threshold(&report), [cut], "{report:#}");
    assert!(
        report["fidelity_lost"][0]["score"].as_f64().unwrap() < 0.5,
        "{report:#}"
    );
}
