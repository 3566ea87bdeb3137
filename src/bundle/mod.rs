//! The Naver Blog bundle: everything a person needs to move the posts into SmartEditor ONE by
//! hand (Naver has had no writing API since 2020-05-06 and no importer, research A1–A2), in upload
//! order, with a manifest that checks itself. Pure: this module builds values and bytes; the
//! `bundle` and `redirects` commands read the archive and write the files.
//!
//! ```text
//! <bundle>/
//!   bundle.json                    manifest: order, limits, posts, skipped posts, sha256 of every file
//!   categories.json                Tistory category path -> Naver category (edited by the user)
//!   GUIDE.md                       the manual import, step by step (Korean)
//!   0001_2014-03-09_1/             one directory per post, oldest first
//!     post.json  body.html  paste.html  body.txt  preview.html  images/01.jpg …  files/01_name.pdf …
//! ```
//!
//! - [`mod@sanitize`]: the paste-safe HTML profile, images as `[[사진 N]]` placeholders.
//! - [`footer`]: the "first published on Tistory" footer.
//! - [`post`]: one post's directory; [`manifest`]: `bundle.json` and `post.json`; [`integrity`]: checks.
//! - [`categories`]: `categories.json`; [`links`]: links between posts and old addresses.
//! - [`naver_url`]: reading a pasted Naver post URL; [`redirects`]: old address → Naver URL files.

mod blocks;
pub mod categories;
pub mod check;
pub mod footer;
pub mod guide;
pub mod integrity;
pub mod links;
pub mod manifest;
pub mod naver_url;
pub mod post;
pub mod redirects;
pub mod sanitize;
mod warnings;

use chrono::{DateTime, FixedOffset};

pub use blocks::{ALLOWED_TAGS, placeholder};
pub use naver_url::{NaverPostRef, NaverUrlError, parse_naver_url};
pub use sanitize::{ImageSlot, SafeBody, sanitize};

use crate::extract::dates::kst;
use crate::model::EntryId;

/// The stable key of a post across bundles and the ledger: `tistory:<blog>:<id>`.
#[must_use]
pub fn post_key(blog: &str, id: EntryId) -> String {
    format!("tistory:{blog}:{id}")
}

/// A post's directory: `<sequence, 4 digits>_<yyyy-mm-dd KST>_<id>` (`undated` for no date).
#[must_use]
pub fn post_dir_name(
    sequence: usize,
    published: Option<&DateTime<FixedOffset>>,
    id: EntryId,
) -> String {
    let date = published.map_or_else(
        || "undated".to_string(),
        |d| d.with_timezone(&kst()).format("%Y-%m-%d").to_string(),
    );
    format!("{sequence:04}_{date}_{id}")
}

/// The upload order key: oldest first, undated posts last, ties by id.
#[must_use]
pub fn upload_order_key(
    published: Option<&DateTime<FixedOffset>>,
    id: EntryId,
) -> (bool, Option<DateTime<FixedOffset>>, EntryId) {
    (published.is_none(), published.copied(), id)
}

/// True for a directory name [`post_dir_name`] could have made (the bundle command removes only
/// these, `bundle.json` and `GUIDE.md` when it rebuilds a bundle).
#[must_use]
pub fn is_post_dir_name(name: &str) -> bool {
    let mut parts = name.splitn(3, '_');
    let (Some(seq), Some(date), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let date_ok = date == "undated"
        || (date.len() == 10
            && date.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            }));
    seq.len() >= 4 && digits(seq) && date_ok && digits(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_directories() {
        assert_eq!(post_key("hangang-notes", 10), "tistory:hangang-notes:10");
        let d = DateTime::parse_from_rfc3339("2020-04-05T15:42:10+09:00").unwrap();
        assert_eq!(post_dir_name(9, Some(&d), 10), "0009_2020-04-05_10");
        let late_utc = DateTime::parse_from_rfc3339("2020-04-04T20:00:00Z").unwrap();
        assert_eq!(
            post_dir_name(1, Some(&late_utc), 3),
            "0001_2020-04-05_3",
            "KST date"
        );
        assert_eq!(post_dir_name(12345, None, 7), "12345_undated_7");
        assert!(is_post_dir_name("0009_2020-04-05_10"));
        assert!(is_post_dir_name("12345_undated_7"));
        assert!(!is_post_dir_name("images"));
        assert!(!is_post_dir_name("009_2020-04-05_10"));
        assert!(!is_post_dir_name("0009_2020-04-05_x"));
        let mut keys = [
            upload_order_key(None, 1),
            upload_order_key(Some(&d), 10),
            upload_order_key(Some(&late_utc), 11),
            upload_order_key(Some(&d), 2),
        ];
        keys.sort();
        assert_eq!(keys.map(|k| k.2), [11, 2, 10, 1]);
    }
}
