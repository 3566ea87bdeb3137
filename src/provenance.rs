//! Where a post came from: a live crawl (with the fetch time), a backup file, a Wayback Machine
//! snapshot, or a WARC file's capture; and where each of its images and attachments came from.
//! One typed value, written to `posts.jsonl`, the Markdown front matter, the verify
//! report and the Naver footer, each through the functions here so they all say the same thing.
//! Pure.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike as _, FixedOffset};
use serde::{Deserialize, Serialize};

/// The source a post's saved copy was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "origin", rename_all = "snake_case")]
pub enum Origin {
    /// Fetched from the live blog.
    Live {
        /// When (RFC 3339, UTC), when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fetched_at: Option<String>,
    },
    /// Read from a backup file.
    Backup {
        /// The backup file's name.
        file: String,
        /// `backup-zip` or `backup-xml`.
        format: String,
        /// The entry inside it (`blog-1-1/12/12.html`, `post 12`).
        entry: String,
    },
    /// Read from a Wayback Machine snapshot.
    Wayback {
        /// The snapshot's 14-digit timestamp.
        timestamp: String,
        /// The snapshot URL.
        url: String,
    },
    /// Replayed from a capture in a WARC file (`migrate <file.warc.gz>`).
    Warc {
        /// The WARC file's name.
        file: String,
        /// The capture's `WARC-Date` (RFC 3339, UTC).
        warc_date: String,
    },
}

impl Origin {
    /// How a report names a copy from this origin ("backup copy", "Wayback copy", …).
    pub fn copy_name(&self) -> &'static str {
        match self {
            Origin::Live { .. } => "live copy",
            Origin::Backup { .. } => "backup copy",
            Origin::Wayback { .. } => "Wayback copy",
            Origin::Warc { .. } => "WARC copy",
        }
    }

    /// The origin's stored name: `live`, `backup`, `wayback` or `warc`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Live { .. } => "live",
            Self::Backup { .. } => "backup",
            Self::Wayback { .. } => "wayback",
            Self::Warc { .. } => "warc",
        }
    }

    /// A one-line English description (`backup hangang.zip (hangang-1-1/12/12.html)`).
    #[must_use]
    pub fn summary(&self) -> String {
        match self {
            Self::Live { fetched_at } => match fetched_at {
                Some(t) => format!("live, fetched {t}"),
                None => "live".to_string(),
            },
            Self::Backup { file, entry, .. } => format!("backup {file} ({entry})"),
            Self::Wayback { timestamp, url } => format!("Wayback snapshot {timestamp} ({url})"),
            Self::Warc { file, warc_date } => format!("WARC {file}, captured {warc_date}"),
        }
    }
}

/// Where one image or attachment of a post came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetSource {
    /// The asset's URL (as the post's body names it; `asset`, since a snapshot's own `url` is
    /// beside it).
    pub asset: String,
    /// `image` or `attachment` (the asset kind's stored name; the kind itself lives a layer up,
    /// in `model`).
    pub kind: String,
    /// Where its saved file came from.
    #[serde(flatten)]
    pub origin: Origin,
}

/// The provenance of one post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Where the saved copy came from.
    #[serde(flatten)]
    pub origin: Origin,
    /// Who could read it, when the source says (`unknown` for the official zip).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Why this copy was kept when several sources had the post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
    /// Where each saved image and attachment came from, in body order (filled in by extract).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<AssetSource>,
}

/// Who could read a post on Tistory, as far as the backup tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Public (공개).
    Public,
    /// Password-protected (보호).
    Protected,
    /// Private (비공개).
    Private,
    /// The backup does not say (the official zip holds private and protected posts unmarked).
    Unknown,
    /// A later crawl found the post gone from the live blog (its owner deleted it).
    Deleted,
}

impl Visibility {
    /// The stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Protected => "protected",
            Self::Private => "private",
            Self::Unknown => "unknown",
            Self::Deleted => "deleted",
        }
    }

    /// Reads a stored name back.
    ///
    /// # Errors
    /// [`UnknownVisibility`] naming the text when it is none of the five.
    pub fn parse(s: &str) -> Result<Self, UnknownVisibility> {
        match s {
            "public" => Ok(Self::Public),
            "protected" => Ok(Self::Protected),
            "private" => Ok(Self::Private),
            "unknown" => Ok(Self::Unknown),
            "deleted" => Ok(Self::Deleted),
            other => Err(UnknownVisibility(other.to_owned())),
        }
    }
}

/// A stored visibility that is none of `public`, `protected`, `private`, `unknown`, `deleted`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown visibility {0:?}")]
pub struct UnknownVisibility(pub String);

impl Provenance {
    /// A one-line English summary for reports (`backup hangang.zip (hangang-1-1/12/12.html)`).
    #[must_use]
    pub fn summary(&self) -> String {
        let mut s = self.origin.summary();
        if let Some(v) = self.visibility.filter(|v| *v != Visibility::Public) {
            let _ = write!(s, "; visibility {}", v.as_str());
        }
        s
    }

    /// Front matter lines (`provenance:` with its fields), YAML with JSON-quoted strings.
    #[must_use]
    pub fn front_matter(&self) -> String {
        let q = |s: &str| serde_json::to_string(s).expect("a string always serialises");
        let mut out = String::from("provenance:\n");
        match &self.origin {
            Origin::Live { fetched_at } => {
                out.push_str("  origin: \"live\"\n");
                if let Some(t) = fetched_at {
                    let _ = writeln!(out, "  fetched_at: {}", q(t));
                }
            }
            Origin::Backup {
                file,
                format,
                entry,
            } => {
                out.push_str("  origin: \"backup\"\n");
                let _ = writeln!(out, "  file: {}", q(file));
                let _ = writeln!(out, "  format: {}", q(format));
                let _ = writeln!(out, "  entry: {}", q(entry));
            }
            Origin::Wayback { timestamp, url } => {
                out.push_str("  origin: \"wayback\"\n");
                let _ = writeln!(out, "  timestamp: {}", q(timestamp));
                let _ = writeln!(out, "  url: {}", q(url));
            }
            Origin::Warc { file, warc_date } => {
                out.push_str("  origin: \"warc\"\n");
                let _ = writeln!(out, "  file: {}", q(file));
                let _ = writeln!(out, "  warc_date: {}", q(warc_date));
            }
        }
        if let Some(v) = self.visibility {
            let _ = writeln!(out, "  visibility: {}", q(v.as_str()));
        }
        if let Some(c) = &self.choice {
            let _ = writeln!(out, "  choice: {}", q(c));
        }
        out.push_str(&self.files_front_matter());
        out
    }

    /// The `files:` lines of the front matter: each saved image and attachment that is not a
    /// plain live copy, in body order, one JSON object a line (YAML reads it as a flow mapping)
    /// with the same fields as `provenance.assets` in `posts.jsonl`. Empty when every file is
    /// live (or the post has none).
    fn files_front_matter(&self) -> String {
        let mut out = String::new();
        for a in self
            .assets
            .iter()
            .filter(|a| !matches!(a.origin, Origin::Live { .. }))
        {
            if out.is_empty() {
                out.push_str("  files:\n");
            }
            let json = serde_json::to_string(a).expect("an asset source always serialises");
            let _ = writeln!(out, "    - {json}");
        }
        out
    }

    /// The clause the Naver footer adds after "처음 발행되었고," for a copy that is not live:
    /// "2019년 3월 4일 인터넷 아카이브 사본에서 복원되었습니다", "백업 파일(x.zip)에서
    /// 복원되었습니다". `None` for a live copy (the footer says nothing more).
    #[must_use]
    pub fn footer_clause(&self) -> Option<String> {
        match &self.origin {
            Origin::Live { .. } => None,
            Origin::Backup { file, .. } => Some(format!("백업 파일({file})에서 복원되었습니다")),
            Origin::Wayback { timestamp, .. } => Some(match wayback_date(timestamp) {
                Some(d) => format!(
                    "{}년 {}월 {}일 인터넷 아카이브 사본에서 복원되었습니다",
                    d.year(),
                    d.month(),
                    d.day()
                ),
                None => "인터넷 아카이브 사본에서 복원되었습니다".to_string(),
            }),
            Origin::Warc { file, warc_date } => {
                Some(match chrono::DateTime::parse_from_rfc3339(warc_date) {
                    Ok(d) => format!(
                        "{}년 {}월 {}일에 보관된 웹 아카이브 파일({file})에서 복원되었습니다",
                        d.year(),
                        d.month(),
                        d.day()
                    ),
                    Err(_) => format!("웹 아카이브 파일({file})에서 복원되었습니다"),
                })
            }
        }
    }
}

/// The date of a 14-digit Wayback timestamp (`20190304123000`), in UTC as the archive records it.
#[must_use]
pub fn wayback_date(timestamp: &str) -> Option<DateTime<FixedOffset>> {
    let naive = chrono::NaiveDateTime::parse_from_str(timestamp.get(..14)?, "%Y%m%d%H%M%S").ok()?;
    Some(naive.and_utc().fixed_offset())
}

/// Joins a footer sentence ending "…발행되었습니다." with a provenance clause:
/// "…발행되었고, `<clause>`." Text not ending that way gets the clause as its own sentence.
#[must_use]
pub fn footer_with_clause(footer: &str, clause: &str) -> String {
    let trimmed = footer.trim_end();
    match trimmed.strip_suffix("되었습니다.") {
        Some(head) => format!("{head}되었고, {clause}."),
        None => format!("{trimmed} 이 글은 {clause}."),
    }
}

/// Inserts `lines` at the end of a Markdown document's front matter (before its closing `---`).
#[must_use]
pub fn insert_front_matter(document: &str, lines: &str) -> String {
    match document
        .strip_prefix("---\n")
        .and_then(|rest| rest.find("\n---\n").map(|i| i + 4 + 1))
    {
        Some(end) => format!("{}{lines}{}", &document[..end], &document[end..]),
        None => document.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn front_matter_lines_go_inside_the_block() {
        let doc = "---\ntitle: \"a\"\n---\n\nbody\n---\nmore\n";
        assert_eq!(
            insert_front_matter(doc, "provenance:\n  origin: \"live\"\n"),
            "---\ntitle: \"a\"\nprovenance:\n  origin: \"live\"\n---\n\nbody\n---\nmore\n"
        );
    }

    use super::*;

    fn wayback() -> Provenance {
        Provenance {
            origin: Origin::Wayback {
                timestamp: "20190304123000".into(),
                url: "https://web.archive.org/web/20190304123000id_/https://a.tistory.com/1".into(),
            },
            visibility: None,
            choice: None,
            assets: Vec::new(),
        }
    }

    #[test]
    fn footer_says_where_the_copy_came_from() {
        let clause = wayback().footer_clause().unwrap();
        assert_eq!(
            clause,
            "2019년 3월 4일 인터넷 아카이브 사본에서 복원되었습니다"
        );
        assert_eq!(
            footer_with_clause(
                "이 글은 2012년 12월 11일 티스토리(u)에 처음 발행되었습니다.",
                &clause
            ),
            "이 글은 2012년 12월 11일 티스토리(u)에 처음 발행되었고, 2019년 3월 4일 인터넷 아카이브 사본에서 복원되었습니다."
        );
        assert_eq!(
            footer_with_clause("옮긴 글", "백업 파일(b.zip)에서 복원되었습니다"),
            "옮긴 글 이 글은 백업 파일(b.zip)에서 복원되었습니다."
        );
        let live = Provenance {
            origin: Origin::Live { fetched_at: None },
            visibility: None,
            choice: None,
            assets: Vec::new(),
        };
        assert_eq!(live.footer_clause(), None);
    }

    #[test]
    fn serialises_flat_with_its_origin() {
        let p = Provenance {
            origin: Origin::Backup {
                file: "b.zip".into(),
                format: "backup-zip".into(),
                entry: "b-1-1/3/3.html".into(),
            },
            visibility: Some(Visibility::Unknown),
            choice: None,
            assets: Vec::new(),
        };
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"origin":"backup","file":"b.zip","format":"backup-zip","entry":"b-1-1/3/3.html","visibility":"unknown"}"#
        );
        assert_eq!(serde_json::from_str::<Provenance>(&json).unwrap(), p);
        assert!(p.front_matter().contains("  visibility: \"unknown\"\n"));
        assert!(!p.front_matter().contains("files:"), "no files, no list");
        assert_eq!(
            p.summary(),
            "backup b.zip (b-1-1/3/3.html); visibility unknown"
        );
    }

    #[test]
    fn the_front_matter_lists_the_files_that_are_not_live_copies() {
        let mut p = wayback();
        p.assets = vec![
            AssetSource {
                asset: "https://cdn.example/live.png".into(),
                kind: "image".into(),
                origin: Origin::Live {
                    fetched_at: Some("2026-12-01T10:00:00Z".into()),
                },
            },
            AssetSource {
                asset: "https://cdn.example/old.png".into(),
                kind: "image".into(),
                origin: Origin::Wayback {
                    timestamp: "20190301000000".into(),
                    url:
                        "https://web.archive.org/web/20190301000000im_/https://cdn.example/old.png"
                            .into(),
                },
            },
            AssetSource {
                asset: "https://cdn.example/a.pdf".into(),
                kind: "attachment".into(),
                origin: Origin::Backup {
                    file: "b.zip".into(),
                    format: "backup-zip".into(),
                    entry: "b-1-1/3/file/a.pdf".into(),
                },
            },
        ];
        let fm = p.front_matter();
        let files = fm.split_once("  files:\n").unwrap().1;
        assert_eq!(
            files,
            concat!(
                r#"    - {"asset":"https://cdn.example/old.png","kind":"image","origin":"wayback","timestamp":"20190301000000","url":"https://web.archive.org/web/20190301000000im_/https://cdn.example/old.png"}"#,
                "\n",
                r#"    - {"asset":"https://cdn.example/a.pdf","kind":"attachment","origin":"backup","file":"b.zip","format":"backup-zip","entry":"b-1-1/3/file/a.pdf"}"#,
                "\n"
            ),
            "the live file is left out, the others in body order"
        );
        assert!(!fm.contains("live.png"));
    }
}
