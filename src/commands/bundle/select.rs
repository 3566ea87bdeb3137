//! Which rows of `posts.jsonl` the bundle takes: public posts with a readable body, in upload
//! order; every other row is a [`SkippedPost`] with the reason (private, protected, deleted, a
//! visibility nobody confirmed, a body that could not be read).

use chrono::{DateTime, FixedOffset};

use super::source::ArchiveSource;
use crate::bundle::manifest::SkippedPost;
use crate::bundle::{post_key, upload_order_key};
use crate::model::{Post, PostRecord, PostStatus};

/// A post the bundle takes: its row and its extracted post (which has a body).
pub(super) struct Bundled<'a> {
    pub row: &'a PostRecord,
    pub post: Post,
}

/// The posts to bundle, in upload order, and the rows left out.
pub(super) struct Selection<'a> {
    pub posts: Vec<Bundled<'a>>,
    pub skipped: Vec<SkippedPost>,
    /// Public posts whose body could not be read (also in `skipped`).
    pub failed: usize,
}

fn skip_reason(status: PostStatus) -> &'static str {
    match status {
        PostStatus::Protected => {
            "password-protected (보호글): the archive has no body, and Naver has no password posts"
        }
        PostStatus::Private => "private (비공개): not visible to a guest, so not archived",
        PostStatus::Deleted => "deleted on Tistory",
        PostStatus::Error | PostStatus::Ok => {
            "not archived; run `tistory-migrate verify` for the repair command"
        }
    }
}

fn status_name(status: PostStatus) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A row's first publication, when it has a readable one.
pub(super) fn published(row: &PostRecord) -> Option<DateTime<FixedOffset>> {
    row.published
        .as_deref()
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
}

/// Sorts the rows into posts to bundle (upload order) and rows left out.
pub(super) fn select_posts(src: &ArchiveSource) -> Selection<'_> {
    let mut selection = Selection {
        posts: Vec::new(),
        skipped: Vec::new(),
        failed: 0,
    };
    let skip = |row: &PostRecord, status: String, reason: String| SkippedPost {
        key: post_key(src.name(), row.id),
        id: row.id,
        title: row.title.clone(),
        status,
        reason,
    };
    for row in &src.rows {
        if row.status != PostStatus::Ok {
            let skipped = skip(row, status_name(row.status), skip_reason(row.status).into());
            selection.skipped.push(skipped);
            continue;
        }
        if let Some(reason) = row.bundle_hold() {
            let skipped = skip(row, "visibility_unknown".into(), reason);
            selection.skipped.push(skipped);
            continue;
        }
        match src.post(row) {
            Ok(post) => selection.posts.push(Bundled { row, post }),
            Err(e) => {
                let reason = crate::report::error_chain(&e);
                selection.failed += 1;
                tracing::warn!(id = row.id, "{reason}");
                selection.skipped.push(skip(row, "error".into(), reason));
            }
        }
    }
    selection
        .posts
        .sort_by_key(|p| upload_order_key(published(p.row).as_ref(), p.row.id));
    selection
}
