//! The comparison of what arrived on Naver with the bundle, and the findings per post. Pure: the
//! pages come in already fetched and read ([`PageOutcome`]); the report goes out.
//!
//! Which bundle post a Naver post is a copy of ("its source") is read from its footer: the bundle
//! post whose original address occurs *last* in the text (the footer ends the post; an address
//! earlier in the body is a link to another post). Two ledger entries with the same source, or a
//! Naver post the ledger lacks whose source (else title) is a recorded post, are `duplicate`.

use std::collections::BTreeMap;

use super::bundle_read::{ExpectedBundle, ExpectedPost};
use super::page::NaverPage;
use super::rss::RssItem;
use super::text::{bigram_recall, normalize, placeholders, without_placeholders};
use super::{Finding, FindingKind, MatchedBy, NaverReport, PostCheck, RssOutcome, UnrecordedPost};
use crate::markup::percent_decode_lossy as percent_decode;
use crate::model::EntryId;

/// Lost words listed per post, at most.
pub const MAX_LOST_WORDS: usize = 12;

/// What fetching one Naver post gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageOutcome {
    /// The page, read.
    Read(NaverPage),
    /// No such post (404/410 or a "no such post" page).
    NotFound,
    /// Not public.
    Private,
    /// Could not be fetched or read; the reason.
    Unreadable(String),
}

/// One ledger row with what Naver showed for it.
#[derive(Debug, Clone)]
pub struct LedgerPost {
    /// The Tistory entry id.
    pub id: EntryId,
    /// The URL recorded.
    pub naver_url: String,
    /// The page.
    pub outcome: PageOutcome,
    /// Its RSS item, when the feed lists it.
    pub rss: Option<RssItem>,
}

/// A post the RSS feed lists that the ledger does not record, with its page.
#[derive(Debug, Clone)]
pub struct OtherPost {
    /// The feed's item.
    pub rss: RssItem,
    /// The page.
    pub outcome: PageOutcome,
}

/// Everything [`assess`] compares.
#[derive(Debug, Clone)]
pub struct AssessInput<'a> {
    /// The bundle.
    pub bundle: &'a ExpectedBundle,
    /// The Naver blog id.
    pub blog_id: Option<String>,
    /// Ledger rows, with their pages.
    pub ledger: Vec<LedgerPost>,
    /// RSS posts the ledger lacks, with their pages.
    pub others: Vec<OtherPost>,
    /// The feed.
    pub rss: Option<RssOutcome>,
    /// Requests sent.
    pub requests: usize,
    /// The body-text threshold.
    pub threshold: f64,
}

fn boundary(c: Option<char>) -> bool {
    c.is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '%' | '/' | '.')))
}

/// Where the last occurrence of `url` (or its percent-decoded form) ends in `text`, as a whole URL.
fn last_occurrence(text: &str, url: &str) -> Option<usize> {
    let decoded = percent_decode(url);
    let mut best = None;
    for needle in [url, decoded.as_str()] {
        if needle.is_empty() {
            continue;
        }
        for (at, _) in text.match_indices(needle) {
            let end = at + needle.len();
            let next = text[end..].chars().next();
            // A footer often ends the sentence right after the address: "…/12." counts.
            let next_ok =
                boundary(next) || (next == Some('.') && boundary(text[end + 1..].chars().next()));
            if next_ok {
                best = best.max(Some(end));
            }
        }
    }
    best
}

/// The bundle post a Naver text is a copy of, by its footer.
#[must_use]
pub fn source_of(text: &str, bundle: &ExpectedBundle) -> Option<EntryId> {
    bundle
        .posts
        .iter()
        .filter_map(|p| last_occurrence(text, &p.original_url).map(|end| (end, p.id)))
        .max()
        .map(|(_, id)| id)
}

fn finding(kind: FindingKind, message: String) -> Finding {
    Finding {
        kind,
        message,
        lost: Vec::new(),
    }
}

fn tag_key(t: &str) -> String {
    t.trim_start_matches('#')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// The findings about a readable page.
fn compare_page(
    expected: &ExpectedPost,
    page: &NaverPage,
    rss: Option<&RssItem>,
    bundle: &ExpectedBundle,
    threshold: f64,
    check: &mut PostCheck,
) {
    let want_title = normalize(&expected.title);
    match page.title.as_deref().map(normalize) {
        Some(t) if t == want_title => {}
        Some(t) => check.findings.push(finding(
            FindingKind::TitleDiffers,
            format!("the title on Naver is {t:?}, the bundle's is {want_title:?}; correct it in the editor"),
        )),
        None => check.findings.push(finding(
            FindingKind::TitleDiffers,
            format!("no title found on the Naver page; the bundle's is {want_title:?}"),
        )),
    }
    let recall = bigram_recall(
        &without_placeholders(&expected.body_text),
        &page.text,
        MAX_LOST_WORDS,
    );
    check.text_recall = Some(recall.score);
    if recall.score < threshold {
        check.findings.push(Finding {
            kind: FindingKind::TextLost,
            message: format!(
                "the Naver post keeps {:.1}% of the body's text (threshold {:.1}%); paste the missing part again from body.html",
                recall.score * 100.0,
                threshold * 100.0
            ),
            lost: recall.lost,
        });
    }
    check.images_found = Some(page.images);
    let left = placeholders(&page.text);
    if !left.is_empty() {
        let list: Vec<String> = left.iter().map(|n| format!("[[사진 {n}]]")).collect();
        check.findings.push(finding(
            FindingKind::MissingImages,
            format!(
                "{} still in the post: put the image file in its place and delete the placeholder",
                list.join(", ")
            ),
        ));
    }
    if page.images < expected.images {
        check.findings.push(finding(
            FindingKind::MissingImages,
            format!(
                "{} of {} images arrived; upload the missing ones from the post's images/ folder",
                page.images, expected.images
            ),
        ));
    }
    if bundle.footer {
        match source_of(&page.text, bundle) {
            Some(id) if id == expected.id => {}
            Some(other) => check.findings.push(finding(
                FindingKind::FooterMissing,
                format!(
                    "the footer names post {other} ({}), not this post's original {}: was another post's body pasted?",
                    bundle.post(other).map_or("", |p| p.original_url.as_str()),
                    expected.original_url
                ),
            )),
            None => check.findings.push(finding(
                FindingKind::FooterMissing,
                format!(
                    "the footer naming the original ({}) is not in the post; paste the last paragraph of body.html again",
                    percent_decode(&expected.original_url)
                ),
            )),
        }
    }
    if let Some(shown) = page
        .tags
        .as_ref()
        .or_else(|| rss.and_then(|r| r.tags.as_ref()))
    {
        let have: Vec<String> = shown.iter().map(|t| tag_key(t)).collect();
        let missing: Vec<&str> = expected
            .tags
            .iter()
            .filter(|t| !have.contains(&tag_key(t)))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            check.findings.push(finding(
                FindingKind::TagsDiffer,
                format!("tags not on the Naver post: {}", missing.join(", ")),
            ));
        }
    }
    let shown = page
        .category
        .as_deref()
        .or_else(|| rss.and_then(|r| r.category.as_deref()));
    if let (Some(shown), Some(want)) = (shown, expected.category.as_deref()) {
        let (shown, want) = (normalize(shown), normalize(want));
        // A nested category may be shown with its parent ("여행 > 제주"): its last part counts.
        let last = shown.rsplit(['>', '/']).next().map(str::trim).unwrap_or("");
        if shown != want && last != want && !want.ends_with(last) {
            check.findings.push(finding(
                FindingKind::CategoryDiffers,
                format!("the category on Naver is {shown:?}; categories.json says {want:?}"),
            ));
        }
    }
}

fn check_one(post: &LedgerPost, bundle: &ExpectedBundle, threshold: f64) -> PostCheck {
    let expected = bundle.post(post.id);
    let mut check = PostCheck {
        id: post.id,
        title: expected.map(|e| e.title.clone()),
        naver_url: post.naver_url.clone(),
        ok: false,
        text_recall: None,
        images_found: None,
        images_expected: expected.map_or(0, |e| e.images),
        findings: Vec::new(),
    };
    let Some(expected) = expected else {
        check.findings.push(finding(
            FindingKind::Unreadable,
            format!(
                "post {} is in the ledger but not in the bundle, so there is nothing to compare it with; rebuild the bundle with `tistory-migrate bundle`",
                post.id
            ),
        ));
        return check;
    };
    match &post.outcome {
        PageOutcome::Read(page) => {
            compare_page(
                expected,
                page,
                post.rss.as_ref(),
                bundle,
                threshold,
                &mut check,
            );
        }
        PageOutcome::NotFound => check.findings.push(finding(
            FindingKind::NotFound,
            format!(
                "Naver has no post at {}: it was deleted there, or the recorded address is wrong",
                post.naver_url
            ),
        )),
        PageOutcome::Private => check.findings.push(finding(
            FindingKind::Private,
            format!(
                "{} is not public on Naver; set it to 전체공개 in the post's settings",
                post.naver_url
            ),
        )),
        PageOutcome::Unreadable(why) => check.findings.push(finding(
            FindingKind::Unreadable,
            format!("{} could not be read: {why}", post.naver_url),
        )),
    }
    check
}

fn source_of_outcome(outcome: &PageOutcome, bundle: &ExpectedBundle) -> Option<EntryId> {
    match outcome {
        PageOutcome::Read(page) if bundle.footer => source_of(&page.text, bundle),
        _ => None,
    }
}

/// Compares everything and returns the report.
#[must_use]
pub fn assess(input: AssessInput<'_>) -> NaverReport {
    let bundle = input.bundle;
    let mut posts: Vec<PostCheck> = input
        .ledger
        .iter()
        .map(|p| check_one(p, bundle, input.threshold))
        .collect();
    // Two ledger entries whose pages carry the same source footer.
    let mut by_source: BTreeMap<EntryId, Vec<usize>> = BTreeMap::new();
    for (i, p) in input.ledger.iter().enumerate() {
        if let Some(src) = source_of_outcome(&p.outcome, bundle) {
            by_source.entry(src).or_default().push(i);
        }
    }
    for (src, idx) in by_source.iter().filter(|(_, v)| v.len() > 1) {
        let urls: Vec<String> = idx.iter().map(|&i| posts[i].naver_url.clone()).collect();
        for &i in idx {
            posts[i].findings.push(finding(
                FindingKind::Duplicate,
                format!(
                    "{} all carry the footer of post {src}: the same post is on Naver more than once; delete the copies you do not want",
                    urls.join(" and ")
                ),
            ));
        }
    }
    // Posts on Naver the ledger lacks.
    let recorded: BTreeMap<EntryId, usize> = input
        .ledger
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let mut unrecorded = Vec::new();
    for other in &input.others {
        let by_footer = source_of_outcome(&other.outcome, bundle).map(|id| (id, MatchedBy::Footer));
        let title = match &other.outcome {
            PageOutcome::Read(page) => page
                .title
                .clone()
                .unwrap_or_else(|| other.rss.title.clone()),
            _ => other.rss.title.clone(),
        };
        let by_title = || {
            let t = normalize(&title);
            bundle
                .posts
                .iter()
                .find(|p| normalize(&p.title) == t)
                .map(|p| (p.id, MatchedBy::Title))
        };
        let matched = by_footer.or_else(by_title);
        let naver_url = other.rss.post.url();
        let duplicate = matched.and_then(|(id, _)| recorded.get(&id)).copied();
        if let Some(i) = duplicate {
            let how = match matched.map(|m| m.1) {
                Some(MatchedBy::Title) => "has the same title",
                _ => "carries its footer",
            };
            posts[i].findings.push(finding(
                FindingKind::Duplicate,
                format!(
                    "{naver_url} (not in the ledger) {how}: the post is on Naver twice; delete the copy you do not want"
                ),
            ));
        }
        unrecorded.push(UnrecordedPost {
            naver_url,
            title,
            post_id: matched.map(|m| m.0),
            matched_by: matched.map(|m| m.1),
            duplicate: duplicate.is_some(),
        });
    }
    for p in &mut posts {
        p.ok = p.findings.is_empty();
    }
    NaverReport {
        blog_id: input.blog_id,
        checked: posts.len(),
        ok: posts.iter().filter(|p| p.ok).count(),
        posts,
        unrecorded,
        rss: input.rss,
        requests: input.requests,
        threshold: input.threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::NaverPostRef;

    fn post(id: EntryId, url: &str, body: &str) -> ExpectedPost {
        ExpectedPost {
            id,
            title: format!("글 {id}"),
            // As the bundle writes it: the footer shows the address decoded.
            body_text: format!(
                "{body}\n\n이 글은 티스토리({})에 처음 발행되었습니다.",
                percent_decode(url)
            ),
            images: 0,
            original_url: url.into(),
            tags: vec!["봄".into()],
            category: Some("산책".into()),
        }
    }

    fn bundle() -> ExpectedBundle {
        ExpectedBundle {
            footer: true,
            posts: vec![
                post(1, "https://b.tistory.com/1", "첫 글의 본문입니다."),
                post(
                    12,
                    "https://b.tistory.com/12",
                    "열두 번째 글, 첫 글(https://b.tistory.com/1) 이야기.",
                ),
                post(3, "https://b.tistory.com/entry/%EB%B4%84", "봄 이야기."),
            ],
        }
    }

    fn page_of(p: &ExpectedPost) -> NaverPage {
        NaverPage {
            title: Some(p.title.clone()),
            text: normalize(&p.body_text),
            images: 0,
            category: Some("산책".into()),
            tags: Some(vec!["봄".into()]),
        }
    }

    fn ledger(id: EntryId, log: &str, page: NaverPage) -> LedgerPost {
        LedgerPost {
            id,
            naver_url: format!("https://blog.naver.com/r/{log}"),
            outcome: PageOutcome::Read(page),
            rss: None,
        }
    }

    #[test]
    fn the_source_is_the_last_whole_address_in_the_text() {
        let b = bundle();
        // Post 12 links to post 1 in its body; its footer (last) names 12, and /1 is not /12.
        assert_eq!(source_of(&page_of(&b.posts[1]).text, &b), Some(12));
        assert_eq!(source_of(&page_of(&b.posts[0]).text, &b), Some(1));
        // The slug address is found in its decoded form.
        assert_eq!(source_of(&page_of(&b.posts[2]).text, &b), Some(3));
        assert_eq!(source_of("아무 주소도 없음", &b), None);
    }

    #[test]
    fn a_wrong_body_and_a_second_ledger_entry_are_found() {
        let b = bundle();
        let report = assess(AssessInput {
            bundle: &b,
            blog_id: Some("r".into()),
            ledger: vec![
                ledger(1, "100", page_of(&b.posts[0])),
                // Post 12's entry shows post 1's body and footer (with 12's title).
                ledger(
                    12,
                    "101",
                    NaverPage {
                        title: Some("글 12".into()),
                        ..page_of(&b.posts[0])
                    },
                ),
                ledger(3, "102", page_of(&b.posts[2])),
            ],
            others: vec![OtherPost {
                rss: RssItem {
                    post: NaverPostRef {
                        blog_id: "r".into(),
                        log_no: "103".into(),
                    },
                    title: "글 3".into(),
                    category: None,
                    tags: None,
                },
                outcome: PageOutcome::Unreadable("timeout".into()),
            }],
            rss: None,
            requests: 5,
            threshold: 0.98,
        });
        let kinds = |i: usize| -> Vec<FindingKind> {
            report.posts[i].findings.iter().map(|f| f.kind).collect()
        };
        assert_eq!(kinds(0), [FindingKind::Duplicate]);
        assert_eq!(
            kinds(1),
            [
                FindingKind::TextLost,
                FindingKind::FooterMissing,
                FindingKind::Duplicate
            ]
        );
        assert!(report.posts[1].findings[1].message.contains("names post 1"));
        // The unreadable RSS post matches post 3 by title: a second copy.
        assert_eq!(kinds(2), [FindingKind::Duplicate]);
        assert_eq!(report.unrecorded[0].matched_by, Some(MatchedBy::Title));
        assert!(report.unrecorded[0].duplicate);
        assert_eq!((report.checked, report.ok), (3, 0));
    }

    #[test]
    fn category_and_tags_are_checked_only_when_shown() {
        let b = bundle();
        let mut page = page_of(&b.posts[0]);
        page.tags = None;
        page.category = Some("일상 > 산책".into());
        let r = assess(AssessInput {
            bundle: &b,
            blog_id: None,
            ledger: vec![ledger(1, "1", page.clone())],
            others: vec![],
            rss: None,
            requests: 1,
            threshold: 0.98,
        });
        assert!(r.posts[0].ok, "{:?}", r.posts[0].findings);
        page.category = Some("요리".into());
        page.tags = Some(vec!["여름".into()]);
        let r = assess(AssessInput {
            bundle: &b,
            blog_id: None,
            ledger: vec![ledger(1, "1", page)],
            others: vec![],
            rss: None,
            requests: 1,
            threshold: 0.98,
        });
        let kinds: Vec<_> = r.posts[0].findings.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [FindingKind::TagsDiffer, FindingKind::CategoryDiffers]
        );
    }
}
