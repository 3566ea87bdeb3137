//! Test-only access to the shared corpus of real Tistory pages and to the sample blog. Reads
//! files, so it exists only under `cfg(test)`; the parsers themselves never do I/O.

use std::path::{Path, PathBuf};

/// The text of a corpus file (`TISTORY_CORPUS` overrides `../shared/corpus/tistory` beside the
/// checkout), or `None` with a printed `SKIPPED` line when the corpus is absent. Under
/// `CI=true` an absent corpus fails, as the integration tests do.
pub(crate) fn corpus_file(name: &str) -> Option<String> {
    let dir = std::env::var_os("TISTORY_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/tistory"),
        PathBuf::from,
    );
    let path = dir.join(name);
    if !path.is_file() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the Tistory corpus file {} is missing (CI=true: corpus tests must run)",
            path.display()
        );
        eprintln!(
            "SKIPPED: {} is absent; set TISTORY_CORPUS to the corpus directory",
            path.display()
        );
        return None;
    }
    Some(read(&path))
}

/// The text of a file of the project's sample blog, `fixtures/hangang-notes/<name>`.
pub(crate) fn sample_blog_file(name: &str) -> String {
    read(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/hangang-notes")
            .join(name),
    )
}

/// The `post_ids` of the `[[page]]` for `file` in a ground-truth TOML file (relative to the
/// crate root): `fixtures/hangang-notes/expected.toml` or `tests/it/corpus_expected.toml`.
pub(crate) fn expected_post_ids(toml_path: &str, file: &str) -> Vec<u64> {
    let text = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join(toml_path));
    let doc: toml::Value = toml::from_str(&text).expect("the ground truth is valid TOML");
    let page = doc["page"]
        .as_array()
        .expect("the ground truth has [[page]] tables")
        .iter()
        .find(|p| p["file"].as_str() == Some(file))
        .unwrap_or_else(|| panic!("{toml_path} has no [[page]] for {file}"));
    page["post_ids"]
        .as_array()
        .unwrap_or_else(|| panic!("{toml_path}: {file} has no post_ids"))
        .iter()
        .map(|v| {
            v.as_integer()
                .and_then(|n| u64::try_from(n).ok())
                .expect("post ids are positive integers")
        })
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}
