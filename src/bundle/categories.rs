//! `categories.json`: which Naver category each Tistory category path goes to. The bundle writes
//! it with the identity mapping for every path its posts use; the user edits the Naver names (the
//! categories must exist on Naver first, and are picked by name when publishing, research A3.3).
//! Re-running `bundle` keeps every edit and only adds paths it has not seen. Pure: text in, text out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The file name in the bundle.
pub const CATEGORIES_JSON: &str = "categories.json";

const NOTE: &str = "티스토리 카테고리 경로(왼쪽)를 네이버 블로그 카테고리 이름(오른쪽)으로 옮깁니다. 오른쪽만 고치세요. 네이버에 같은 이름의 카테고리를 먼저 만들어 두어야 합니다. 빈 문자열은 네이버의 기본 카테고리입니다. uncategorized는 티스토리에서 분류가 없던 글입니다. 고친 뒤 bundle을 다시 실행하면 post.json에 반영됩니다.";

/// The mapping, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryMap {
    /// How to edit this file (Korean).
    #[serde(default)]
    pub note: String,
    /// The Naver category for posts that had none on Tistory (`""` = Naver's default).
    #[serde(default)]
    pub uncategorized: String,
    /// Tistory category path (`개발/Rust`) → Naver category name.
    #[serde(default)]
    pub categories: BTreeMap<String, String>,
}

impl Default for CategoryMap {
    fn default() -> Self {
        Self {
            note: NOTE.to_string(),
            uncategorized: String::new(),
            categories: BTreeMap::new(),
        }
    }
}

/// The result of merging the paths of a new bundle into an existing file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedCategories {
    /// The mapping to write.
    pub map: CategoryMap,
    /// Paths added with the identity mapping.
    pub added: Vec<String>,
}

impl CategoryMap {
    /// Parses an existing `categories.json`.
    ///
    /// # Errors
    /// The JSON error, which gives the line and column.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The file's text (pretty JSON, ending in a newline).
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a category map always serialises");
        s.push('\n');
        s
    }

    /// The Naver category for a Tistory path (`None` = uncategorised); `None` when the answer is
    /// Naver's default category.
    #[must_use]
    pub fn naver_for(&self, tistory: Option<&str>) -> Option<String> {
        let name = match tistory {
            Some(path) => self.categories.get(path).map_or(path, String::as_str),
            None => self.uncategorized.as_str(),
        };
        let name = name.trim();
        (!name.is_empty()).then(|| name.to_string())
    }
}

/// Adds the paths in `used` that `existing` does not map yet (identity mapping), keeping every
/// mapping and the note already there.
#[must_use]
pub fn merge_categories<'a>(
    existing: Option<CategoryMap>,
    used: impl IntoIterator<Item = &'a str>,
) -> MergedCategories {
    let mut map = existing.unwrap_or_default();
    if map.note.trim().is_empty() {
        map.note = NOTE.to_string();
    }
    let mut added = Vec::new();
    for path in used {
        if !map.categories.contains_key(path) {
            map.categories.insert(path.to_string(), path.to_string());
            added.push(path.to_string());
        }
    }
    added.sort();
    added.dedup();
    MergedCategories { map, added }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_first_then_edits_are_kept() {
        let first = merge_categories(None, ["산책/한강", "개발/Rust", "산책/한강"]);
        assert_eq!(first.added, ["개발/Rust", "산책/한강"]);
        assert_eq!(
            first.map.naver_for(Some("개발/Rust")).as_deref(),
            Some("개발/Rust")
        );
        assert_eq!(first.map.naver_for(None), None);

        let mut edited = CategoryMap::parse(&first.map.to_json()).unwrap();
        edited
            .categories
            .insert("개발/Rust".into(), "프로그래밍".into());
        edited.uncategorized = "일상".into();
        let second = merge_categories(Some(edited), ["개발/Rust", "요리"]);
        assert_eq!(second.added, ["요리"]);
        assert_eq!(
            second.map.naver_for(Some("개발/Rust")).as_deref(),
            Some("프로그래밍")
        );
        assert_eq!(second.map.naver_for(None).as_deref(), Some("일상"));
        assert_eq!(second.map.naver_for(Some("요리")).as_deref(), Some("요리"));
    }

    #[test]
    fn a_broken_file_is_an_error_not_a_reset() {
        let e = CategoryMap::parse("{\"categories\": {\"a\": }").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }
}
