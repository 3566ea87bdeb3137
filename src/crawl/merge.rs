//! A live page of a post whose archived copy came from elsewhere (a backup file, a Wayback
//! snapshot, a WARC capture): the crawl learns the post's visibility from it (public, protected,
//! private, deleted) and keeps whichever copy is more complete by measure
//! ([`crate::completeness`]), recording the choice and why in the provenance. The earlier copy's
//! page is never overwritten unless the live copy replaces it, and a failed live fetch takes
//! nothing from it. Every such post is fetched once by a later crawl ([`Copies::unchecked`]), then
//! marked as checked.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::{CrawlError, Ctx};
use crate::archive::db::{ArchiveDb, DbError, EntryState, PageOutcome};
use crate::archive::layout::resolve;
use crate::completeness::{CopyMeasure, choose};
use crate::extract::selectors::SelectorProfile;
use crate::extract::{Page, PageSource};
use crate::model::{AssetState, EntryId, PageKind, Post};
use crate::provenance::{Origin, Provenance, Visibility};

/// The entries of the archive whose copy is not from the live blog, read once per crawl.
#[derive(Debug, Default)]
pub(crate) struct Copies {
    ids: BTreeSet<EntryId>,
}

impl Copies {
    pub(crate) fn load(db: &ArchiveDb) -> Result<Self, DbError> {
        Ok(Self {
            ids: db.copied_entries()?.into_iter().collect(),
        })
    }

    fn has(&self, id: EntryId) -> bool {
        self.ids.contains(&id)
    }
}

/// The copy the archive holds for an entry, when it is not from the live blog.
struct Earlier {
    provenance: Provenance,
    state: EntryState,
    raw_file: Option<String>,
}

/// What to do with a live post page, once weighed.
pub(crate) enum LivePost {
    /// Archive it as usual; then, when `choice` is set, record that it replaced an earlier copy.
    Archive { choice: Option<String> },
    /// The earlier copy stays; the entry is in this state.
    KeepEarlier(EntryState),
}

fn earlier(ctx: &Ctx, id: EntryId) -> Result<Option<Earlier>, CrawlError> {
    if !ctx.copies.has(id) {
        return Ok(None);
    }
    let db = ctx.db();
    let Some(provenance) = db.provenance(id)? else {
        return Ok(None);
    };
    if matches!(provenance.origin, Origin::Live { .. }) {
        return Ok(None);
    }
    let Some((state, raw_file)) = db.entry_page(id)? else {
        return Ok(None);
    };
    Ok(Some(Earlier {
        provenance,
        state,
        raw_file,
    }))
}

/// Records what the live blog said about an earlier copy that stays: its new visibility (when
/// the live page tells one), the reason, the entry's state; and that it was checked.
fn keep_earlier(
    ctx: &Ctx,
    id: EntryId,
    e: Earlier,
    visibility: Option<Visibility>,
    state: EntryState,
    http_status: Option<u16>,
    why: String,
) -> Result<EntryState, CrawlError> {
    let mut db = ctx.db();
    if state != e.state {
        db.record_page(&state_only(id, state, http_status))?;
    }
    let provenance = Provenance {
        visibility: visibility.or(e.provenance.visibility),
        choice: Some(why),
        ..e.provenance
    };
    db.record_provenance(id, &provenance)?;
    db.mark_live_checked(id)?;
    Ok(state)
}

fn visibility_name(v: Visibility) -> &'static str {
    v.as_str()
}

/// A live page that has no body for a guest, or says the post is gone, for an entry with an
/// earlier copy: the earlier copy stays with the visibility the live blog shows. `None` when
/// the entry has no earlier copy (the caller records the page as usual).
pub(crate) fn settle_final(
    ctx: &Ctx,
    id: EntryId,
    state: EntryState,
    http_status: Option<u16>,
) -> Result<Option<EntryState>, CrawlError> {
    let Some(e) = earlier(ctx, id)? else {
        return Ok(None);
    };
    let name = e.provenance.origin.copy_name();
    let kept_state = e.state;
    let settled = match state {
        EntryState::Private | EntryState::Protected => {
            let v = if state == EntryState::Private {
                Visibility::Private
            } else {
                Visibility::Protected
            };
            let why = format!(
                "the live blog shows this post as {} (no body to a guest); the body is from the {name}",
                visibility_name(v)
            );
            keep_earlier(ctx, id, e, Some(v), state, http_status, why)?
        }
        EntryState::Deleted if matches!(e.provenance.origin, Origin::Backup { .. }) => {
            let why = format!(
                "the live blog answers \"not found\" for this post (its owner deleted it); the body is from the {name}, not bundled"
            );
            keep_earlier(
                ctx,
                id,
                e,
                Some(Visibility::Deleted),
                kept_state,
                http_status,
                why,
            )?
        }
        _ => {
            // A snapshot or capture exists because the live blog lost the post: nothing changes.
            let why = e.provenance.choice.clone().unwrap_or_else(|| {
                format!("the live blog does not serve this post; the body is from the {name}")
            });
            keep_earlier(ctx, id, e, None, kept_state, http_status, why)?
        }
    };
    Ok(Some(settled))
}

/// A failed live fetch of an entry with an earlier copy takes nothing from it: `true` when the
/// failure is to be left unrecorded (the entry stays unchecked, so a later crawl tries again).
pub(crate) fn keeps_copy_on_failure(ctx: &Ctx, id: EntryId) -> Result<bool, CrawlError> {
    Ok(earlier(ctx, id)?.is_some_and(|e| e.raw_file.is_some()))
}

/// Reads the earlier copy's page as a post, with the archive's record of its saved files.
fn earlier_post(ctx: &Ctx, id: EntryId, raw_file: &str) -> Option<Post> {
    let path: PathBuf = resolve(&ctx.out, raw_file);
    let bytes = std::fs::read(&path).ok()?;
    let source = PageSource {
        path,
        url: None,
        id_hint: Some(id),
        http_status: None,
    };
    match crate::extracted::extract_bytes(&bytes, &source, &SelectorProfile::default()) {
        Ok(Page::Entry(p)) => Some(*p),
        _ => None,
    }
}

fn measure(ctx: &Ctx, post: &Post) -> Result<CopyMeasure, CrawlError> {
    let db = ctx.db();
    let mut saved = BTreeSet::new();
    for url in post.body.iter().flat_map(|b| {
        b.images
            .iter()
            .map(|i| &i.url)
            .chain(b.attachments.iter().map(|a| &a.url))
    }) {
        if db.asset(url)?.is_some_and(|a| a.state == AssetState::Ok) {
            saved.insert(url.clone());
        }
    }
    Ok(CopyMeasure::of(post, |u| saved.contains(u)))
}

/// What to do with a live post page before its files are fetched.
pub(crate) enum Weigh {
    /// No earlier copy: archive it as usual.
    Archive,
    /// The live blog hides the post from a guest: the earlier copy stays, in this state.
    Settled(EntryState),
    /// Fetch its files, then weigh it against the earlier copy ([`weigh_live_post`]).
    AfterFiles,
}

/// The first look at a live post page of an entry (blocking).
pub(crate) fn before_files(ctx: &Ctx, post: &Post, http_status: u16) -> Result<Weigh, CrawlError> {
    if earlier(ctx, post.id)?.is_none() {
        return Ok(Weigh::Archive);
    }
    if matches!(post.kind, PageKind::Private | PageKind::Protected) {
        let state = EntryState::from(post.kind);
        return settle_final(ctx, post.id, state, Some(http_status))
            .map(|s| Weigh::Settled(s.unwrap_or(state)));
    }
    Ok(Weigh::AfterFiles)
}

/// A live post page whose files have been fetched, for an entry with an earlier copy: measures
/// both copies and keeps the more complete one (blocking).
pub(crate) fn weigh_live_post(
    ctx: &Ctx,
    post: &Post,
    http_status: u16,
) -> Result<LivePost, CrawlError> {
    let Some(e) = earlier(ctx, post.id)? else {
        return Ok(LivePost::Archive { choice: None });
    };
    let name = e.provenance.origin.copy_name();
    let Some(old) = e
        .raw_file
        .as_deref()
        .and_then(|r| earlier_post(ctx, post.id, r))
    else {
        return Ok(LivePost::Archive {
            choice: Some(format!(
                "the live copy replaced the {name}, whose page could not be read"
            )),
        });
    };
    let (kept, live) = (measure(ctx, &old)?, measure(ctx, post)?);
    let choice = choose(name, kept, "live copy", live);
    if choice.take_new {
        return Ok(LivePost::Archive {
            choice: Some(choice.why),
        });
    }
    let state = e.state;
    keep_earlier(
        ctx,
        post.id,
        e,
        Some(Visibility::Public),
        state,
        Some(http_status),
        choice.why,
    )
    .map(LivePost::KeepEarlier)
}

/// After a live copy replaced an earlier one: the provenance says live (the fetch time is the
/// entry's; a WARC replay's copy names its capture), with the choice, and the entry is checked.
pub(crate) fn record_live_taken(ctx: &Ctx, id: EntryId, choice: String) -> Result<(), CrawlError> {
    let origin = super::captured::page_origin(ctx, id).unwrap_or(Origin::Live { fetched_at: None });
    let db = ctx.db();
    db.record_provenance(
        id,
        &Provenance {
            origin,
            visibility: Some(Visibility::Public),
            choice: Some(choice),
            assets: Vec::new(),
        },
    )?;
    db.mark_live_checked(id)?;
    Ok(())
}

/// The entries the live blog has not been asked about yet, for the crawl's to-do list.
pub(crate) fn unchecked(ctx: &Ctx) -> Result<Vec<EntryId>, CrawlError> {
    Ok(ctx.db().unchecked_copies()?)
}

/// The outcome a state-only update records (the page and assets stay as they are).
fn state_only(id: EntryId, state: EntryState, http_status: Option<u16>) -> PageOutcome {
    PageOutcome {
        id,
        state,
        url: None,
        http_status,
        error: None,
        etag: None,
        last_modified: None,
        page_sha256: None,
        raw_file: None,
        assets: Vec::new(),
    }
}
