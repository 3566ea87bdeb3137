//! The check a crawl makes before fetching: every file the state database says is saved must be
//! on disk with the sha256 recorded when it was written. A page file that was deleted or changed
//! sends its entry back to be fetched; a deleted or damaged image or attachment is recorded as
//! missing, so its post's page is fetched again and the file downloaded again; a comments file
//! that is gone is recorded as failed, so the comments are fetched again. This is what makes
//! `crawl --retry-failed` repair exactly what `verify` reports. Reads files; writes only rows.

use std::path::Path;

use crate::archive::db::{ArchiveDb, DbError, EntryState};
use crate::archive::layout::resolve;
use crate::model::{AssetState, EntryId};

/// What the check found (and already recorded, for assets and comments).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Damage {
    /// Final entries whose saved page is gone or changed: fetch them again.
    pub pages: Vec<EntryId>,
    /// Assets whose file is gone or changed, now recorded as missing.
    pub assets: Vec<String>,
    /// Posts whose comments file is gone, now recorded as failed.
    pub comments: Vec<EntryId>,
}

/// sha256 of a file, hex, read in chunks; `None` when it cannot be read.
pub fn file_sha256(path: &Path) -> Option<String> {
    crate::archive::hash::file_sha256_hex(path).ok()
}

fn intact(out: &Path, rel: &str, sha256: Option<&str>) -> bool {
    let path = resolve(out, rel);
    match sha256 {
        Some(want) => file_sha256(&path).is_some_and(|got| got.eq_ignore_ascii_case(want)),
        None => path.is_file(),
    }
}

/// What is wrong with a saved comments file, if anything: gone; other bytes than the recorded
/// sha256; or, in archives made before the sha256 was recorded, not a comments file or not the
/// recorded count of comments.
fn comments_damage(
    out: &Path,
    file: &str,
    sha256: Option<&str>,
    count: Option<usize>,
) -> Option<String> {
    let path = resolve(out, file);
    if !path.is_file() {
        return Some(format!("{file} is not on disk"));
    }
    if let Some(want) = sha256 {
        return (!intact(out, file, Some(want)))
            .then(|| format!("{file} was changed on disk (its sha256 differs)"));
    }
    let saved: Option<usize> = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| {
            v.get("items")
                .unwrap_or(&v)
                .as_array()
                .map(|items| super::comments::count_comments(items))
        });
    match saved {
        None => Some(format!("{file} is not a comments file")),
        Some(n) if count.is_some_and(|c| c != n) => Some(format!(
            "{file} holds {n} comments, {} were saved",
            count.unwrap_or_default()
        )),
        Some(_) => None,
    }
}

/// Checks the saved pages, assets and comments files of the archive in `out` against `db`.
///
/// # Errors
/// [`DbError`] on a database failure.
pub(crate) fn check_files(db: &ArchiveDb, out: &Path) -> Result<Damage, DbError> {
    let mut damage = Damage::default();
    for e in db.entries()? {
        if !e.state.is_final() {
            continue;
        }
        if let Some(rel) = &e.raw_file
            && !intact(out, rel, e.page_sha256.as_deref())
        {
            tracing::info!(
                "entry {}: {rel} is gone or changed; fetching it again",
                e.id
            );
            damage.pages.push(e.id);
        }
        if matches!(e.state, EntryState::Ok | EntryState::Notice)
            && let Some(c) = db.comments(e.id)?
            && c.state.has_file()
            && let Some(file) = &c.file
            && let Some(why) = comments_damage(out, file, c.sha256.as_deref(), c.count)
        {
            tracing::info!("entry {}: {why}; fetching its comments again", e.id);
            db.record_comments(e.id, None, None, Some(&why))?;
            damage.comments.push(e.id);
        }
    }
    for a in db.assets()? {
        if a.state != AssetState::Ok {
            continue;
        }
        let Some(file) = &a.file else { continue };
        if !intact(out, file, a.sha256.as_deref()) {
            tracing::info!(
                "{file} ({}) is gone or changed; downloading it again",
                a.url
            );
            db.record_asset_missing(&a.url, &format!("{file} was deleted or damaged on disk"))?;
            damage.assets.push(a.url);
        }
    }
    Ok(damage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::db::PageOutcome;

    fn sha(bytes: &[u8]) -> String {
        crate::archive::hash::sha256_hex(bytes)
    }

    fn saved_post(db: &mut ArchiveDb, out: &Path, id: EntryId, page: &[u8], image: &[u8]) {
        let raw = format!("raw/{id}.html");
        std::fs::create_dir_all(out.join("raw")).unwrap();
        std::fs::write(resolve(out, &raw), page).unwrap();
        let url = format!("https://cdn.example/{id}.png");
        db.record_page(&PageOutcome {
            id,
            state: EntryState::Ok,
            url: Some(format!("https://b.tistory.com/{id}")),
            http_status: Some(200),
            error: None,
            etag: None,
            last_modified: None,
            page_sha256: Some(sha(page)),
            raw_file: Some(raw),
            assets: vec![(url.clone(), crate::model::AssetKind::Image)],
        })
        .unwrap();
        let file = crate::archive::layout::asset_rel(&sha(image), "png");
        let path = resolve(out, &file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, image).unwrap();
        db.record_asset_ok(
            &url,
            &sha(image),
            &file,
            Some("image/png"),
            image.len() as u64,
        )
        .unwrap();
        let comments = crate::archive::layout::comments_rel(id);
        std::fs::create_dir_all(out.join("comments")).unwrap();
        std::fs::write(resolve(out, &comments), b"[]").unwrap();
        db.record_comments(id, Some(0), Some(&comments), None)
            .unwrap();
    }

    #[test]
    fn deleted_and_damaged_files_are_sent_back_to_be_fetched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let mut db = ArchiveDb::open(&out.join("archive.db")).unwrap();
        saved_post(&mut db, out, 1, b"<html>one</html>", b"png one");
        saved_post(&mut db, out, 2, b"<html>two</html>", b"png two");
        saved_post(&mut db, out, 3, b"<html>three</html>", b"png three");
        assert_eq!(
            check_files(&db, out).unwrap(),
            Damage::default(),
            "a whole archive"
        );

        // Page 1 deleted; page 2 changed, same length; image 3 truncated; comments of 3 deleted.
        std::fs::remove_file(out.join("raw/1.html")).unwrap();
        std::fs::write(out.join("raw/2.html"), b"<html>TWO</html>").unwrap();
        let image3 = resolve(
            out,
            &crate::archive::layout::asset_rel(&sha(b"png three"), "png"),
        );
        std::fs::write(&image3, b"png").unwrap();
        std::fs::remove_file(out.join("comments/3.json")).unwrap();

        let damage = check_files(&db, out).unwrap();
        assert_eq!(damage.pages, [1, 2]);
        assert_eq!(damage.assets, ["https://cdn.example/3.png"]);
        assert_eq!(damage.comments, [3]);
        let asset = db.asset("https://cdn.example/3.png").unwrap().unwrap();
        assert_eq!(
            asset.state,
            AssetState::Missing,
            "the image is downloaded again"
        );
        assert!(asset.last_error.unwrap().contains("damaged on disk"));
        assert_eq!(
            db.comments(3).unwrap().unwrap().state,
            crate::model::CommentsState::Failed
        );
        assert_eq!(
            db.asset("https://cdn.example/1.png")
                .unwrap()
                .unwrap()
                .state,
            AssetState::Ok,
            "an intact image stays"
        );
    }
}
