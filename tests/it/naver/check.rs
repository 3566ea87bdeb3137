//! The check through the library and through `verify --naver`, on the sample blog's bundle.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use tistory_migrate::archive::db::ArchiveDb;
use tistory_migrate::naver_check::bundle_read::{ExpectedBundle, ExpectedPost, read_bundle};
use tistory_migrate::naver_check::{
    FindingKind, MatchedBy, NaverCheckOptions, NaverEndpoint, NaverReport, check_naver,
};

use super::fake::{
    self, FakeAnswer, FakeNaver, FakePost, MAINTENANCE_PAGE, PRIVATE_PAGE, faithful, post_view,
    se_body,
};
use crate::desk::{Fixture, fixture};
use crate::support::bin;

pub const BLOG: &str = "hangangnotes";
/// The pause between requests in these tests (the default is 2 s).
pub const INTERVAL: Duration = Duration::from_millis(150);

/// The scenarios, each a role played by one bundle post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Faithful,
    MissingImage,
    PlaceholderLeft,
    Truncated,
    OtherTitle,
    Deleted,
    Private,
    Twice,
    NotRecorded,
    Unreadable,
    MobileOnly,
    TagDropped,
}

/// What the fake serves and what the ledger records, and which post plays which role.
pub struct Scene {
    pub roles: BTreeMap<Role, u64>,
    pub posts: HashMap<String, FakePost>,
    pub rss: String,
    /// (post id, log number) to record in the ledger.
    pub ledger: Vec<(u64, String)>,
    /// The second copy of the `Twice` post and the unrecorded post's log numbers.
    pub twice_copy: String,
    pub not_recorded: String,
}

fn log_no(n: usize) -> String {
    format!("2230000001{n:02}")
}

fn has_own_line_placeholder(p: &ExpectedPost) -> bool {
    p.body_text.lines().any(|l| l.trim() == "[[사진 1]]")
}

/// Picks posts for the roles by reading the bundle: image roles need a post whose first image
/// is a placeholder line of its own, the truncated one a long body, the tag one some tags.
pub fn scene(bundle: &ExpectedBundle) -> Scene {
    let mut free: Vec<&ExpectedPost> = bundle.posts.iter().collect();
    let mut take = |want: &dyn Fn(&ExpectedPost) -> bool| {
        let i = free
            .iter()
            .position(|p| want(p))
            .expect("the sample bundle has a post for every role");
        free.remove(i)
    };
    let images = |p: &ExpectedPost| p.images >= 1 && has_own_line_placeholder(p);
    let picks: Vec<(Role, &ExpectedPost)> = vec![
        (Role::MissingImage, take(&images)),
        (Role::PlaceholderLeft, take(&images)),
        (Role::TagDropped, take(&|p| !p.tags.is_empty())),
        (
            Role::Truncated,
            take(&|p| p.body_text.chars().count() > 400),
        ),
        (Role::Faithful, take(&images)),
        (Role::OtherTitle, take(&|_| true)),
        (Role::Deleted, take(&|_| true)),
        (Role::Private, take(&|_| true)),
        (Role::Twice, take(&|_| true)),
        (Role::NotRecorded, take(&|_| true)),
        (Role::Unreadable, take(&|_| true)),
        (Role::MobileOnly, take(&|_| true)),
    ];
    let mut posts = HashMap::new();
    let mut ledger = Vec::new();
    let mut rss_items = Vec::new();
    let page = |html: String| FakePost {
        desktop: FakeAnswer::Page(html.clone()),
        mobile: Some(FakeAnswer::Page(html)),
        flaky: false,
    };
    let (mut twice_copy, mut not_recorded) = (String::new(), String::new());
    for (n, (role, p)) in picks.iter().enumerate() {
        let log = log_no(n);
        let served = match role {
            Role::Faithful => FakePost {
                flaky: true,
                ..page(faithful(p))
            },
            Role::MissingImage => page(post_view(
                &p.title,
                &se_body(&p.body_text, &|n| n != 1, &|_| false),
                p.category.as_deref(),
                &p.tags,
            )),
            Role::PlaceholderLeft => page(post_view(
                &p.title,
                &se_body(&p.body_text, &|_| true, &|n| n == 1),
                p.category.as_deref(),
                &p.tags,
            )),
            Role::Truncated => {
                let half: String = p
                    .body_text
                    .chars()
                    .take(p.body_text.chars().count() / 2)
                    .collect();
                page(post_view(
                    &p.title,
                    &se_body(&half, &|_| true, &|_| false),
                    p.category.as_deref(),
                    &p.tags,
                ))
            }
            Role::OtherTitle => page(post_view(
                &format!("{} (수정본)", p.title),
                &se_body(&p.body_text, &|_| true, &|_| false),
                p.category.as_deref(),
                &p.tags,
            )),
            Role::Deleted => FakePost {
                desktop: FakeAnswer::Status(404),
                mobile: None,
                flaky: false,
            },
            Role::Private => FakePost {
                desktop: FakeAnswer::Page(PRIVATE_PAGE.into()),
                mobile: Some(FakeAnswer::Page(PRIVATE_PAGE.into())),
                flaky: false,
            },
            Role::Twice => {
                twice_copy = log_no(90);
                posts.insert(twice_copy.clone(), page(faithful(p)));
                rss_items.push((twice_copy.clone(), p.title.clone()));
                page(faithful(p))
            }
            Role::NotRecorded => {
                not_recorded = log.clone();
                page(faithful(p))
            }
            Role::Unreadable => page(MAINTENANCE_PAGE.into()),
            Role::MobileOnly => FakePost {
                desktop: FakeAnswer::Page(MAINTENANCE_PAGE.into()),
                mobile: Some(FakeAnswer::Page(faithful(p))),
                flaky: false,
            },
            Role::TagDropped => page(post_view(
                &p.title,
                &se_body(&p.body_text, &|_| true, &|_| false),
                p.category.as_deref(),
                &p.tags[..p.tags.len() - 1],
            )),
        };
        posts.insert(log.clone(), served);
        rss_items.push((log.clone(), p.title.clone()));
        if *role != Role::NotRecorded {
            ledger.push((p.id, log));
        }
    }
    Scene {
        roles: picks.iter().map(|(r, p)| (*r, p.id)).collect(),
        posts,
        rss: fake::rss(BLOG, &rss_items),
        ledger,
        twice_copy,
        not_recorded,
    }
}

/// Records the scene's ledger rows in the fixture's archive.
pub fn record(f: &Fixture, scene: &Scene) {
    let mut db = ArchiveDb::open(&f.archive.join("archive.db")).unwrap();
    for (id, log) in &scene.ledger {
        db.record_published(
            *id,
            &format!("https://blog.naver.com/{BLOG}/{log}"),
            BLOG,
            log,
        )
        .unwrap();
    }
}

pub fn options(fake: &FakeNaver) -> NaverCheckOptions {
    let mut o = NaverCheckOptions::default();
    o.fetch.endpoint = NaverEndpoint::single(&fake.base).unwrap();
    o.fetch.interval = INTERVAL;
    o
}

fn kinds(report: &NaverReport, id: u64) -> BTreeSet<FindingKind> {
    report
        .posts
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("post {id} not in the report"))
        .findings
        .iter()
        .map(|f| f.kind)
        .collect()
}

/// The requests arrived at least the interval apart (the client waits the interval after each
/// answer, so this holds however slow the machine), and none carried a cookie; all named the tool.
pub fn assert_polite(fake: &FakeNaver, interval: Duration) {
    let journal = fake.journal();
    assert!(!journal.is_empty());
    for pair in journal.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(
            gap >= interval,
            "{} then {} only {gap:?} apart",
            pair[0].path,
            pair[1].path
        );
    }
    assert!(journal.iter().all(|s| !s.cookie), "a cookie was sent");
    // Shown with --nocapture (the numbers in the report on this issue come from here).
    let min = journal
        .windows(2)
        .map(|p| p[1].at.duration_since(p[0].at))
        .min()
        .unwrap_or_default();
    let span = journal[journal.len() - 1].at.duration_since(journal[0].at);
    println!(
        "naver fake: {} requests in {span:?}, closest two {min:?} apart (interval {interval:?})",
        journal.len()
    );
    assert!(
        journal
            .iter()
            .all(|s| s.user_agent.starts_with("tistory-migrate/")),
        "{:?}",
        journal[0].user_agent
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_13_each_published_post_gets_the_right_finding() {
    let f = fixture();
    let bundle = read_bundle(&f.bundle).unwrap();
    let scene = scene(&bundle);
    record(&f, &scene);
    let fake = fake::start(scene.posts.clone(), scene.rss.clone()).await;
    let ledger = ArchiveDb::open(&f.archive.join("archive.db"))
        .unwrap()
        .ledger()
        .unwrap();
    let report = check_naver(&bundle, &ledger, &options(&fake), &|_, _, _| {})
        .await
        .unwrap();
    let id = |r: Role| scene.roles[&r];
    use FindingKind as K;
    let expect: Vec<(Role, Vec<FindingKind>)> = vec![
        (Role::Faithful, vec![]),
        (Role::MissingImage, vec![K::MissingImages]),
        (Role::PlaceholderLeft, vec![K::MissingImages]),
        // Half the body is gone, and the footer with it.
        (Role::Truncated, vec![K::TextLost, K::FooterMissing]),
        (Role::OtherTitle, vec![K::TitleDiffers]),
        (Role::Deleted, vec![K::NotFound]),
        (Role::Private, vec![K::Private]),
        (Role::Twice, vec![K::Duplicate]),
        (Role::Unreadable, vec![K::Unreadable]),
        (Role::MobileOnly, vec![]),
        (Role::TagDropped, vec![K::TagsDiffer]),
    ];
    for (role, want) in &expect {
        assert_eq!(
            kinds(&report, id(*role)),
            want.iter().copied().collect(),
            "{role:?} (post {}): {:#?}",
            id(*role),
            report.posts.iter().find(|p| p.id == id(*role))
        );
    }
    assert_eq!(report.checked, expect.len());
    assert_eq!(report.ok, 2);
    assert!(!report.all_ok());

    // The truncated post lists words of its lost second half, which the served page lacks.
    let truncated = report
        .posts
        .iter()
        .find(|p| p.id == id(Role::Truncated))
        .unwrap();
    let lost = &truncated
        .findings
        .iter()
        .find(|f| f.kind == K::TextLost)
        .unwrap()
        .lost;
    let body = &bundle.post(id(Role::Truncated)).unwrap().body_text;
    let half: String = body.chars().take(body.chars().count() / 2).collect();
    assert!(!lost.is_empty());
    let count = |text: &str, w: &str| text.split_whitespace().filter(|h| *h == w).count();
    for w in lost {
        assert!(body.contains(w.as_str()), "{w} is not in body.txt");
        assert!(
            count(body, w) > count(&half, w),
            "{w} was served as often as body.txt has it"
        );
    }
    assert!(truncated.text_recall.unwrap() < 0.98);
    let placeholder = report
        .posts
        .iter()
        .find(|p| p.id == id(Role::PlaceholderLeft))
        .unwrap();
    assert!(
        placeholder
            .findings
            .iter()
            .any(|f| f.message.contains("[[사진 1]] still in the post"))
    );

    // RSS: the second copy of the twice-published post, and the post the ledger lacks.
    let by_url: HashMap<&str, _> = report
        .unrecorded
        .iter()
        .map(|u| (u.naver_url.as_str(), u))
        .collect();
    let copy = by_url[format!("https://blog.naver.com/{BLOG}/{}", scene.twice_copy).as_str()];
    assert_eq!(
        (copy.post_id, copy.duplicate, copy.matched_by),
        (Some(id(Role::Twice)), true, Some(MatchedBy::Footer))
    );
    let missing = by_url[format!("https://blog.naver.com/{BLOG}/{}", scene.not_recorded).as_str()];
    assert_eq!(
        (missing.post_id, missing.duplicate, missing.matched_by),
        (Some(id(Role::NotRecorded)), false, Some(MatchedBy::Footer))
    );
    assert_eq!(report.unrecorded.len(), 2);
    assert_eq!(report.rss.as_ref().unwrap().error, None);

    // Paced, cookie-free, and the 429 was waited out (the faithful post was asked twice).
    assert_polite(&fake, INTERVAL);
    let faithful_log = &scene
        .ledger
        .iter()
        .find(|(i, _)| *i == id(Role::Faithful))
        .unwrap()
        .1;
    let asked = fake
        .journal()
        .iter()
        .filter(|s| s.path.contains(faithful_log.as_str()))
        .count();
    assert_eq!(asked, 2, "one 429, one retry");
    assert_eq!(report.requests, fake.journal().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_13_verify_naver_reports_each_post_and_exits_4() {
    let f = fixture();
    let bundle = read_bundle(&f.bundle).unwrap();
    let scene = scene(&bundle);
    record(&f, &scene);
    let fake = fake::start(scene.posts.clone(), scene.rss.clone()).await;
    let archive = f.archive.clone();
    let base = fake.base.clone();
    let html = f.archive.join("report.html");
    let html_arg = html.clone();
    let out = tokio::task::spawn_blocking(move || {
        bin()
            .arg("verify")
            .arg(&archive)
            .args([
                "--naver",
                "--naver-endpoint",
                &base,
                "--naver-interval",
                "0.15",
                "--json",
                "--html",
            ])
            .arg(&html_arg)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["complete"], false);
    let naver = &json["naver"];
    assert_eq!(naver["checked"], 11);
    assert_eq!(naver["ok"], 2);
    let status = |role: Role| -> Vec<String> {
        let id = scene.roles[&role];
        let post = naver["posts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap();
        post["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(status(Role::Deleted), ["not_found"]);
    assert_eq!(status(Role::Private), ["private"]);
    assert_eq!(status(Role::OtherTitle), ["title_differs"]);
    assert!(status(Role::Faithful).is_empty());
    let problems = json["problems"].as_array().unwrap();
    assert!(problems.iter().any(|p| p["kind"] == "naver_post"
        && p["gap"] == true
        && p["id"] == scene.roles[&Role::Private]));
    assert!(
        problems
            .iter()
            .any(|p| p["kind"] == "naver_unrecorded" && p["gap"] == false)
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains(&format!(
        "data-id=\"{}\" data-status=\"not_found\"",
        scene.roles[&Role::Deleted]
    )));
    assert!(page.contains(&format!(
        "data-id=\"{}\" data-status=\"ok\"",
        scene.roles[&Role::Faithful]
    )));
    assert_polite(&fake, INTERVAL);

    // The text report names the findings post by post.
    let archive = f.archive.clone();
    let base = fake.base.clone();
    let text = tokio::task::spawn_blocking(move || {
        bin()
            .arg("verify")
            .arg(&archive)
            .args([
                "--naver",
                "--naver-endpoint",
                &base,
                "--naver-interval",
                "0.15",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(text.status.code(), Some(4));
    let stdout = String::from_utf8_lossy(&text.stdout);
    // Shown with --nocapture: the README's sample output comes from here.
    println!("{stdout}");
    assert!(
        stdout.contains("2 of 11 published posts intact"),
        "{stdout}"
    );
    assert!(stdout.contains("text_lost,footer_missing"), "{stdout}");
    assert!(
        stdout.contains("on Naver but not in the ledger"),
        "{stdout}"
    );
}

#[test]
fn issue_13_verify_naver_without_a_ledger_says_what_to_do() {
    let f = fixture();
    let out = bin()
        .arg("verify")
        .arg(&f.archive)
        .arg("--naver")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no published post yet") && err.contains("desk"),
        "{err}"
    );
    let bad = bin()
        .arg("verify")
        .arg(&f.archive)
        .args(["--naver", "--naver-interval=-3"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--naver-interval"));
}
