//! The desk's flow against the ledger: refusals in Korean with the ledger unchanged, the daily
//! cap, published posts never offered again, and links between posts rewritten to Naver URLs.

use tistory_migrate::desk::{DailyCap, DeskOptions};

use super::{Fixture, fixture, get, publish};

fn naver(n: u64) -> String {
    format!("https://blog.naver.com/hangangnotes/2230000000{n:02}")
}

async fn progress(desk: &tistory_migrate::desk::DeskServer) -> serde_json::Value {
    let r = get(desk, "/api/progress").await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// Posts `url` for `id`, expects a refusal page with `message`, and checks the ledger is unchanged.
async fn refused(
    f: &Fixture,
    desk: &tistory_migrate::desk::DeskServer,
    id: u64,
    url: &str,
    message: &str,
) {
    let before = f.ledger();
    let r = publish(desk, id, url).await;
    assert_eq!(r.status, 422, "{url}: {}", r.body);
    assert!(r.body.contains("id=\"error\""), "{url}");
    assert!(
        r.body.contains(message),
        "{url}: wanted {message:?} in {}",
        r.body
    );
    assert!(r.body.contains("기록은 바뀌지 않았습니다"), "{url}");
    // The pasted text is kept in the field (a published post has no field: nothing to paste).
    assert!(
        r.body.contains("id=\"already-published\"")
            || r.body
                .contains(&format!("value=\"{}\"", url.replace('&', "&amp;"))),
        "{url}: the pasted text is kept"
    );
    assert_eq!(f.ledger(), before, "{url}: the ledger changed");
}

#[tokio::test]
async fn bad_urls_get_clear_korean_messages_and_leave_the_ledger_alone() {
    let f = fixture();
    let desk = f.start(DeskOptions::default()).await;
    refused(&f, &desk, 1, "붙여넣기 실수", "주소가 아닙니다").await;
    refused(
        &f,
        &desk,
        1,
        "https://hangang-notes.tistory.com/1",
        "네이버 블로그가 아닙니다",
    )
    .await;
    refused(
        &f,
        &desk,
        1,
        "https://blog.naver.com/hangangnotes",
        "글 하나의 주소가 아닙니다",
    )
    .await;
    refused(
        &f,
        &desk,
        1,
        "https://blog.naver.com/hangangnotes/12ab",
        "숫자가 아닙니다",
    )
    .await;

    // The first URL fixes the blog; PostView form is stored canonical.
    let r = publish(
        &desk,
        1,
        "https://blog.naver.com/PostView.naver?blogId=hangangnotes&logNo=223000000001",
    )
    .await;
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/next?saved=1"))
    );
    assert_eq!(f.ledger()[0].naver_url, naver(1));
    refused(
        &f,
        &desk,
        2,
        "https://blog.naver.com/someone_else/223000000002",
        "다른 블로그",
    )
    .await;
    // The same URL (in any form) for a second post, and a second URL for a recorded post.
    refused(
        &f,
        &desk,
        2,
        &naver(1),
        "이미 다른 글 「망원에서 시작한 첫 한강 산책」",
    )
    .await;
    refused(
        &f,
        &desk,
        2,
        "https://m.blog.naver.com/hangangnotes/223000000001",
        "이미 다른 글",
    )
    .await;
    refused(&f, &desk, 1, &naver(2), "이미").await;
    // The same URL again for the same post is fine (a double click), and changes nothing.
    assert_eq!(publish(&desk, 1, &naver(1)).await.status, 303);
    assert_eq!(f.ledger().len(), 1);
    // An unknown post.
    assert_eq!(publish(&desk, 999, &naver(9)).await.status, 404);
    desk.shutdown().await;

    // --naver-blog fixes the blog before any record, and must agree with the ledger.
    let g = fixture();
    let desk = g
        .start(DeskOptions {
            naver_blog: Some("RiverWalker".into()),
            ..DeskOptions::default()
        })
        .await;
    refused(
        &g,
        &desk,
        1,
        &naver(1),
        "옮기는 블로그는 &#39;riverwalker&#39;",
    )
    .await;
    assert_eq!(
        publish(&desk, 1, "https://blog.naver.com/riverwalker/223000000001")
            .await
            .status,
        303
    );
    desk.shutdown().await;
    let e = tistory_migrate::desk::start(
        &g.bundle,
        DeskOptions {
            port: 0,
            naver_blog: Some("hangangnotes".into()),
            ..DeskOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("riverwalker"), "{e}");
}

#[tokio::test]
async fn the_daily_cap_stops_the_offer_and_published_posts_never_come_back() {
    let f = fixture();
    let desk = f
        .start(DeskOptions {
            daily_cap: DailyCap::new(2).unwrap(),
            ..DeskOptions::default()
        })
        .await;
    let p = progress(&desk).await;
    assert_eq!(
        p["progress"]["next"],
        serde_json::json!({"kind": "post", "post_id": 1})
    );
    assert_eq!(
        get(&desk, "/next").await.header("location"),
        Some("/post/1")
    );
    assert_eq!(publish(&desk, 1, &naver(1)).await.status, 303);
    // The next offered is the oldest unpublished, never 1 again.
    assert_eq!(
        get(&desk, "/next?saved=1").await.header("location"),
        Some("/post/2?saved=1")
    );
    let page = get(&desk, "/post/2?saved=1").await;
    assert!(
        page.body.contains("id=\"saved\"") && page.body.contains("망원에서 시작한 첫 한강 산책")
    );
    let page = get(&desk, "/post/1").await;
    assert!(
        page.body.contains("id=\"already-published\"") && !page.body.contains("id=\"naver-url\"")
    );
    assert_eq!(publish(&desk, 2, &naver(2)).await.status, 303);

    let p = progress(&desk).await;
    assert_eq!(p["progress"]["published"], 2);
    assert_eq!(p["progress"]["today"], 2);
    assert_eq!(
        p["progress"]["next"],
        serde_json::json!({"kind": "cap_reached"})
    );
    assert_eq!(get(&desk, "/next").await.header("location"), Some("/"));
    let home = get(&desk, "/").await;
    assert!(
        home.body.contains("id=\"cap-reached\"") && home.body.contains("발행 한도 2개에 도달"),
        "{}",
        home.body
    );
    assert!(!home.body.contains("id=\"start-next\""));
    let third = get(&desk, "/post/4").await;
    assert!(third.body.contains("id=\"cap-reached\"") && !third.body.contains("id=\"naver-url\""));
    desk.shutdown().await;

    // A restart keeps all of it; a higher cap offers the next post.
    let desk = f
        .start(DeskOptions {
            daily_cap: DailyCap::new(3).unwrap(),
            ..DeskOptions::default()
        })
        .await;
    let p = progress(&desk).await;
    assert_eq!(p["published"], serde_json::json!([1, 2]));
    assert_eq!(
        p["progress"]["next"],
        serde_json::json!({"kind": "post", "post_id": 4})
    );
    desk.shutdown().await;
}

#[tokio::test]
async fn links_to_published_posts_become_naver_links_and_the_rest_are_listed() {
    // Post 10 (봄 벚꽃 산책) links to posts 1 and 4.
    let f = fixture();
    let desk = f.start(DeskOptions::default()).await;
    let page = get(&desk, "/post/10").await;
    assert!(page.body.contains("id=\"forward-links\""));
    assert!(!page.body.contains("blog.naver.com/hangangnotes/"));

    assert_eq!(publish(&desk, 1, &naver(1)).await.status, 303);
    let page = get(&desk, "/post/10").await;
    let data = page
        .body
        .split("id=\"desk-data\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(data).unwrap();
    let html = data["html"].as_str().unwrap();
    assert!(
        html.contains(&format!("<a href=\"{}\"", naver(1))),
        "{html}"
    );
    assert!(
        !html.contains("href=\"https://hangang-notes.tistory.com/1\""),
        "{html}"
    );
    assert!(
        html.contains("href=\"https://hangang-notes.tistory.com/4\""),
        "a forward link stays: {html}"
    );
    assert!(data["text"].as_str().unwrap().contains(&naver(1)));
    let forward = page
        .body
        .split("id=\"forward-links\"")
        .nth(1)
        .unwrap()
        .split("</div>")
        .next()
        .unwrap();
    assert!(
        forward.contains("tistory.com/4") && !forward.contains("tistory.com/1<"),
        "{forward}"
    );
    assert!(page.body.contains("id=\"rewritten-links\""));

    // Post 10 goes up before 4: its link to 4 is a Tistory link on Naver, to fix once 4 is up.
    assert_eq!(publish(&desk, 10, &naver(10)).await.status, 303);
    let links = get(&desk, "/links").await;
    let to_fix = links.body.split("id=\"links-to-fix\"").nth(1).unwrap();
    assert!(
        to_fix.contains("tistory.com/4") && to_fix.contains("아직 옮기지 않았습니다"),
        "{to_fix}"
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(publish(&desk, 4, &naver(4)).await.status, 303);
    let links = get(&desk, "/links").await;
    let to_fix = links.body.split("id=\"links-to-fix\"").nth(1).unwrap();
    assert!(
        to_fix.contains("지금 고칠 수 있습니다") && to_fix.contains(&naver(4)),
        "{to_fix}"
    );
    assert!(
        !to_fix.contains("tistory.com/1<"),
        "the link to 1 was rewritten before pasting"
    );
    desk.shutdown().await;
}

#[tokio::test]
async fn issue_10_two_desks_on_one_archive_record_one_naver_blog() {
    // Two desks on one archive (each with its own connection), both started while the ledger
    // names no blog, record a post each on different Naver blogs at the same moment. One wins;
    // the other is refused naming the blog already recorded, and the ledger holds one blog.
    for round in 0..5 {
        let f = fixture();
        let a = f.start(DeskOptions::default()).await;
        let b = f.start(DeskOptions::default()).await;
        let (ra, rb) = tokio::join!(
            publish(&a, 1, "https://blog.naver.com/hangangnotes/223000000001"),
            publish(&b, 2, "https://blog.naver.com/riverwalker/223000000002"),
        );
        let rows = f.ledger();
        assert_eq!(rows.len(), 1, "round {round}: {rows:?}");
        let winner = rows[0].blog_id.clone().unwrap();
        let loser = if winner == "hangangnotes" { &rb } else { &ra };
        let won = if winner == "hangangnotes" { &ra } else { &rb };
        assert_eq!(won.status, 303, "round {round}: {}", won.body);
        assert_eq!(loser.status, 422, "round {round}: {}", loser.body);
        assert!(
            loser.body.contains(&winner) && loser.body.contains("기록은 바뀌지 않았습니다"),
            "round {round}: the refusal names {winner}: {}",
            loser.body
        );
        a.shutdown().await;
        b.shutdown().await;
    }
}
