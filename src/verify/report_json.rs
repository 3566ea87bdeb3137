//! The `--json` rendering of a [`VerifyReport`]: one pretty-printed object, the fields documented
//! in the README ("verify: reading the report") and on [`VerifyReport`]. Fields are added, never
//! renamed; `schema` changes only when a field changes meaning. Pure.

use super::VerifyReport;

/// The report as a JSON object, with a final newline.
#[must_use]
pub fn render(report: &VerifyReport) -> String {
    // Every field is a plain number, string, list or map with string keys: serialising cannot fail.
    let mut s = serde_json::to_string_pretty(report).expect("a verify report always serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::tests::clean_input;
    use crate::verify::verify;

    #[test]
    fn has_the_documented_fields() {
        let json: serde_json::Value =
            serde_json::from_str(&render(&verify(&clean_input()))).unwrap();
        for field in [
            "schema",
            "complete",
            "gaps",
            "posts_expected",
            "posts_archived",
            "protected_ids",
            "private_ids",
            "deleted_ids",
            "failed_ids",
            "missing_ids",
            "images_total",
            "images_missing",
            "attachments_total",
            "attachments_missing",
            "fidelity_below_threshold",
            "sources",
            "single_source_ids",
            "blog_total",
            "raw_pages",
            "markdown",
            "rows",
            "problems",
            "repair_commands",
            "bundle",
        ] {
            assert!(json.get(field).is_some(), "missing {field}");
        }
        assert_eq!(json["complete"], true);
        assert!(json["bundle"].is_null(), "no bundle was made");
    }
}
