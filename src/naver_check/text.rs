//! Text comparison for the Naver check: whitespace-normalised titles, and how much of the
//! bundle's `body.txt` arrived, as the recall of its character bigrams in the Naver post's text.
//! Bigrams are taken over the text with all whitespace removed, so a paragraph Naver re-wrapped or
//! a line break the editor added costs nothing, while a dropped sentence, a lost tail or a pasted
//! wrong body does. The words lost are found as verify's fidelity check finds them (a multiset of
//! words). Pure.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::extract::normalize_whitespace;

/// The bundle's image placeholders as pasted: `[[사진 3]]` (the editor's images replace them).
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\[사진 (\d+)\]\]").expect("a static regex parses"));

/// A title or short text with NBSP, zero-width characters and runs of whitespace made one space.
#[must_use]
pub fn normalize(s: &str) -> String {
    normalize_whitespace(&s.replace('\u{a0}', " "))
}

/// The numbers of the image placeholders (`[[사진 N]]`, without a "missing file" note) in `text`.
#[must_use]
pub fn placeholders(text: &str) -> Vec<usize> {
    PLACEHOLDER
        .captures_iter(text)
        .filter_map(|c| c[1].parse().ok())
        .collect()
}

/// `text` without its image placeholders (what a reader should see once the images are in).
#[must_use]
pub fn without_placeholders(text: &str) -> String {
    PLACEHOLDER.replace_all(text, " ").into_owned()
}

fn bigrams(text: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200b}' && *c != '\u{feff}')
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// How much of `expected` is in `found`.
#[derive(Debug, Clone, PartialEq)]
pub struct Recall {
    /// Share of `expected`'s character bigrams found in `found` (1.0 for an empty `expected`).
    pub score: f64,
    /// Words of `expected` that `found` lacks, in order, at most `max_lost`.
    pub lost: Vec<String>,
}

/// The character-bigram recall of `expected` in `found`, with the words lost.
#[must_use]
pub fn bigram_recall(expected: &str, found: &str, max_lost: usize) -> Recall {
    let mut available: HashMap<(char, char), usize> = HashMap::new();
    for b in bigrams(found) {
        *available.entry(b).or_default() += 1;
    }
    let wanted = bigrams(expected);
    let mut hit = 0usize;
    for b in &wanted {
        if let Some(n) = available.get_mut(b)
            && *n > 0
        {
            *n -= 1;
            hit += 1;
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let score = if wanted.is_empty() {
        1.0
    } else {
        hit as f64 / wanted.len() as f64
    };
    let mut words: HashMap<&str, usize> = HashMap::new();
    let found_norm = normalize(found);
    for w in found_norm.split(' ') {
        *words.entry(w).or_default() += 1;
    }
    let mut lost = Vec::new();
    let expected_norm = normalize(expected);
    for w in expected_norm.split(' ').filter(|w| !w.is_empty()) {
        match words.get_mut(w) {
            Some(n) if *n > 0 => *n -= 1,
            _ if lost.len() < max_lost => lost.push(w.to_string()),
            _ => {}
        }
    }
    Recall { score, lost }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrapping_costs_nothing_and_a_lost_tail_does() {
        let body = "한강 둔치를 걸었다.\n\n벚꽃이 한창이었다. 끝 문단은 여기.";
        let same = bigram_recall(
            body,
            "한강 둔치를\n걸었다. 벚꽃이 한창이었다.  끝 문단은 여기.",
            8,
        );
        assert!((same.score - 1.0).abs() < f64::EPSILON, "{same:?}");
        assert!(same.lost.is_empty());
        let cut = bigram_recall(body, "한강 둔치를 걸었다.", 8);
        assert!(cut.score < 0.5, "{cut:?}");
        assert_eq!(cut.lost, ["벚꽃이", "한창이었다.", "끝", "문단은", "여기."]);
        assert!((bigram_recall("", "x", 8).score - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn repeated_text_counts_once_per_occurrence() {
        // The Naver text has the sentence once; the bundle has it twice: half is lost.
        let r = bigram_recall("가나다 가나다", "가나다", 8);
        assert!(r.score < 0.8, "{r:?}");
        assert_eq!(r.lost, ["가나다"]);
    }

    #[test]
    fn placeholders_are_found_and_removed() {
        let t = "앞 [[사진 1]] 중간 [[사진 12]] [[사진 3: 원본 파일 없음]] 끝";
        assert_eq!(placeholders(t), [1, 12]);
        assert_eq!(
            normalize(&without_placeholders(t)),
            "앞 중간 [[사진 3: 원본 파일 없음]] 끝"
        );
        assert_eq!(normalize(" a\u{a0}\u{a0}b \n c "), "a b c");
    }
}
