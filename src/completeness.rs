//! Which of two copies of one post is the more complete, by measure: when a post has two copies
//! (a backup and the live blog, the live blog and a Wayback snapshot), the archive keeps the one
//! with more of the post in it and records why. The measure counts what a reader would miss:
//! images and attachments whose files are saved, then title and date, then the body's words.
//! Pure: the callers extract the copies and say which files are saved.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

use crate::model::Post;

/// Word counts within this share of each other are the same text told twice (a skin's rendering
/// of the same post differs by a few words of chrome; a missing paragraph is more than this).
pub const WORD_TOLERANCE: f64 = 0.05;

/// How much of a post one copy holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CopyMeasure {
    /// Words of body text.
    pub words: usize,
    /// Characters of body text.
    pub chars: usize,
    /// Images the body shows.
    pub images: usize,
    /// Of those, images whose file is saved.
    pub images_saved: usize,
    /// Attachments the body links.
    pub attachments: usize,
    /// Of those, attachments whose file is saved.
    pub attachments_saved: usize,
    /// The copy has a title.
    pub title: bool,
    /// The copy has a publication date.
    pub date: bool,
}

impl CopyMeasure {
    /// Measures `post`; `saved(url)` says whether an asset's file is in the archive.
    #[must_use]
    pub fn of(post: &Post, saved: impl Fn(&str) -> bool) -> Self {
        let mut m = Self {
            title: post.title.as_deref().is_some_and(|t| !t.trim().is_empty()),
            date: post.published.is_some(),
            ..Self::default()
        };
        if let Some(body) = &post.body {
            m.words = body.text.split_whitespace().count();
            m.chars = body.text.chars().filter(|c| !c.is_whitespace()).count();
            m.images = body.images.len();
            m.images_saved = body.images.iter().filter(|i| saved(&i.url)).count();
            m.attachments = body.attachments.len();
            m.attachments_saved = body.attachments.iter().filter(|a| saved(&a.url)).count();
        }
        m
    }

    fn metadata(self) -> usize {
        usize::from(self.title) + usize::from(self.date)
    }

    /// Compares the body text, treating counts within [`WORD_TOLERANCE`] as equal.
    fn text_cmp(self, other: Self) -> Ordering {
        let (a, b) = (
            self.words.max(self.chars / 4),
            other.words.max(other.chars / 4),
        );
        let larger = a.max(b);
        #[allow(clippy::cast_precision_loss)] // word counts are far below 2^52
        let close = (a.abs_diff(b) as f64) <= WORD_TOLERANCE * larger as f64;
        if close { Ordering::Equal } else { a.cmp(&b) }
    }

    /// Orders two measures: saved images, then saved attachments, then title and date, then text.
    #[must_use]
    pub fn completeness_cmp(self, other: Self) -> Ordering {
        self.images_saved
            .cmp(&other.images_saved)
            .then(self.attachments_saved.cmp(&other.attachments_saved))
            .then(self.metadata().cmp(&other.metadata()))
            .then(self.text_cmp(other))
    }
}

impl fmt::Display for CopyMeasure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} words, {}/{} images saved, {}/{} attachments saved{}{}",
            self.words,
            self.images_saved,
            self.images,
            self.attachments_saved,
            self.attachments,
            if self.title { "" } else { ", no title" },
            if self.date { "" } else { ", no date" },
        )
    }
}

/// Which copy to keep, and why (the sentence recorded as the provenance's `choice`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyChoice {
    /// True when the new copy replaces the one the archive had.
    pub take_new: bool,
    /// Both measures and the decision, in one sentence.
    pub why: String,
}

/// Decides between the copy the archive holds (`kept`, described as `kept_name`) and a new one:
/// the new copy replaces it only when it is more complete; on a tie the archive's copy stays.
#[must_use]
pub fn choose(kept_name: &str, kept: CopyMeasure, new_name: &str, new: CopyMeasure) -> CopyChoice {
    let take_new = new.completeness_cmp(kept) == Ordering::Greater;
    let (winner, loser) = if take_new {
        (new_name, kept_name)
    } else {
        (kept_name, new_name)
    };
    let how = if take_new || kept.completeness_cmp(new) == Ordering::Greater {
        "more complete"
    } else {
        "as complete (the copy already archived stays)"
    };
    CopyChoice {
        take_new,
        why: format!(
            "kept the {winner}: {how} than the {loser} ({kept_name}: {kept}; {new_name}: {new})"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(words: usize, images: usize, saved: usize) -> CopyMeasure {
        CopyMeasure {
            words,
            chars: words * 3,
            images,
            images_saved: saved,
            title: true,
            date: true,
            ..CopyMeasure::default()
        }
    }

    #[test]
    fn a_saved_image_outweighs_a_few_words() {
        let c = choose("backup copy", m(100, 2, 1), "live copy", m(98, 2, 2));
        assert!(c.take_new, "{}", c.why);
        assert!(
            c.why.starts_with("kept the live copy: more complete"),
            "{}",
            c.why
        );
        assert!(
            c.why.contains("backup copy: 100 words, 1/2 images saved"),
            "{}",
            c.why
        );
        let c = choose("backup copy", m(100, 2, 2), "live copy", m(140, 2, 1));
        assert!(!c.take_new, "{}", c.why);
    }

    #[test]
    fn a_tie_keeps_the_archived_copy_and_text_counts_beyond_the_tolerance() {
        let c = choose("live copy", m(100, 1, 1), "backup copy", m(103, 1, 1));
        assert!(!c.take_new);
        assert!(c.why.contains("as complete"), "{}", c.why);
        let c = choose("live copy", m(100, 1, 1), "backup copy", m(130, 1, 1));
        assert!(c.take_new, "a third more text is more: {}", c.why);
        let no_title = CopyMeasure {
            title: false,
            ..m(100, 0, 0)
        };
        assert!(choose("a", no_title, "b", m(90, 0, 0)).take_new);
    }
}
