//! A post's page: the steps to move one post into SmartEditor ONE (title, body as rich HTML,
//! images in order, category and tags), then the field for the published post's URL. The body is
//! served with its links between posts rewritten ([`super::links`]), and the forward links listed.
//! A published post shows its Naver URL and no steps; with today's cap reached, an unpublished
//! post shows why it is not offered. The clipboard data goes into a JSON block the script reads.

use std::fmt::Write as _;

use axum::http::StatusCode;
use axum::response::Response;

use super::links::{RewrittenBody, rewrite_links};
use super::load::{DeskBundle, DeskPost};
use super::pages::{Flash, cap_message, date_ko, esc, file_url, render};
use super::state::Snapshot;

/// Everything a post page shows.
pub(crate) struct PostPageInput<'a> {
    pub(crate) bundle: &'a DeskBundle,
    pub(crate) post: &'a DeskPost,
    pub(crate) snapshot: &'a Snapshot,
    pub(crate) token: &'a str,
    pub(crate) flash: Option<&'a Flash>,
    /// A refused record's message.
    pub(crate) error: Option<&'a str>,
    /// What was pasted, to show again after a refusal.
    pub(crate) entered: Option<&'a str>,
    pub(crate) status: StatusCode,
}

/// The post's body with links rewritten from the ledger.
pub(crate) fn served_body(
    bundle: &DeskBundle,
    post: &DeskPost,
    snap: &Snapshot,
) -> Result<RewrittenBody, super::DeskError> {
    let html = bundle.read_post_file(post, "body.html")?;
    let text = bundle.read_post_file(post, "body.txt").unwrap_or_default();
    let targets: Vec<(String, u64)> = post
        .meta
        .internal_links
        .iter()
        .map(|l| (l.href.clone(), l.target_id))
        .collect();
    Ok(rewrite_links(&html, &text, &targets, &|id| {
        snap.naver_url(id)
    }))
}

/// JSON for a `<script type="application/json">` block: `<` never appears raw.
fn json_block(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

fn step(n: usize, title: &str, body: &str) -> String {
    format!(
        "<section class=\"card step\"><div class=\"num\">{n}</div><div><h2>{}</h2>{body}</div></section>",
        esc(title)
    )
}

fn links_box(bundle: &DeskBundle, body: &RewrittenBody) -> String {
    let mut out = String::new();
    let title = |id: u64| {
        bundle
            .post(id)
            .map_or_else(|| format!("{id}번 글"), |p| p.entry.title.clone())
    };
    let forward: Vec<_> = body.forward_links().collect();
    if !forward.is_empty() {
        let _ = write!(
            out,
            "<div class=\"banner note\" id=\"forward-links\"><b>아직 옮기지 않은 글로 가는 링크 {}개</b>는 티스토리 주소 그대로 들어갑니다. 대상 글을 옮긴 뒤 '고칠 링크' 화면을 보고 네이버에서 고치세요.<ul>",
            forward.len()
        );
        for l in forward {
            let _ = write!(
                out,
                "<li>「{}」 <code>{}</code></li>",
                esc(&title(l.target)),
                esc(&l.href)
            );
        }
        out.push_str("</ul></div>");
    }
    let rewritten: Vec<_> = body
        .links
        .iter()
        .filter(|l| l.naver_url.is_some())
        .collect();
    if !rewritten.is_empty() {
        let _ = write!(
            out,
            "<div class=\"banner ok\" id=\"rewritten-links\"><b>네이버 주소로 바꾼 링크 {}개</b><ul>",
            rewritten.len()
        );
        for l in rewritten {
            let _ = write!(
                out,
                "<li>「{}」 <code>{}</code> → <code>{}</code></li>",
                esc(&title(l.target)),
                esc(&l.href),
                esc(l.naver_url.as_deref().unwrap_or_default())
            );
        }
        out.push_str("</ul></div>");
    }
    out
}

fn images_step(post: &DeskPost, bundle: &DeskBundle) -> String {
    let images = &post.meta.images;
    let mut out = if images.is_empty() {
        "<p class=\"muted\">이 글에는 사진이 없습니다.</p>".to_string()
    } else {
        image_grid(post, bundle)
    };
    out.push_str(&attachments(post));
    out
}

fn image_grid(post: &DeskPost, bundle: &DeskBundle) -> String {
    let images = &post.meta.images;
    let folder = bundle.root.join(&post.entry.dir).join("images");
    let mut out = format!(
        "<p>본문의 <b>[[사진 1]]</b>, <b>[[사진 2]]</b>… 자리에 같은 번호의 사진을 끌어다 놓고, 그 글자는 지우세요. 끌어다 놓기가 안 되면 편집기의 사진 버튼을 눌러 이 폴더에서 고르세요: <code>{}</code></p><div class=\"images\" id=\"images\">",
        esc(&folder.display().to_string())
    );
    for image in images {
        let caption = image
            .caption
            .as_deref()
            .map(|c| format!("<div class=\"muted\">{}</div>", esc(c)))
            .unwrap_or_default();
        match image.file.as_deref().filter(|_| !image.missing) {
            Some(rel) => {
                let _ = write!(
                    out,
                    "<figure data-n=\"{0}\"><img src=\"{1}\" alt=\"사진 {0}\" draggable=\"true\"><figcaption>사진 {0}</figcaption>{caption}</figure>",
                    image.n,
                    esc(&file_url(post, rel))
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<figure data-n=\"{0}\"><figcaption>사진 {0}</figcaption><div class=\"missing\">원본 파일이 없습니다. 본문의 [[사진 {0}: 원본 파일 없음]]은 지우세요.</div>{caption}</figure>",
                    image.n
                );
            }
        }
    }
    out.push_str("</div>");
    out
}

fn attachments(post: &DeskPost) -> String {
    let mut out = String::new();
    let files: Vec<_> = post
        .meta
        .attachments
        .iter()
        .filter_map(|a| a.file.as_deref().map(|f| (a, f)))
        .collect();
    if !files.is_empty() {
        out.push_str("<p>첨부 파일은 편집기의 파일 버튼으로 올리세요:</p><ul>");
        for (a, rel) in files {
            let _ = write!(
                out,
                "<li><a href=\"{}\" download>{}</a></li>",
                esc(&file_url(post, rel)),
                esc(&a.name)
            );
        }
        out.push_str("</ul>");
    }
    out
}

/// The page of one post: banners, its heading, then either where it was published, why it is not
/// offered today, or the six steps to publish it, with its warnings and the clipboard data.
pub(crate) fn post_page(input: &PostPageInput<'_>) -> Response {
    let (bundle, post, snap) = (input.bundle, input.post, input.snapshot);
    let p = &snap.progress;
    let id = post.entry.id;
    let mut main = String::new();
    banners(&mut main, input);
    heading(&mut main, bundle, post);
    let body = match served_body(bundle, post, snap) {
        Ok(b) => b,
        Err(e) => {
            let _ = write!(
                main,
                "<div class=\"banner error\">본문 파일을 읽지 못했습니다: {}</div>",
                esc(&e.to_string())
            );
            return render(
                StatusCode::INTERNAL_SERVER_ERROR,
                &post.entry.title,
                Some(p),
                &main,
            );
        }
    };
    if let Some(url) = snap.naver_url(id) {
        let _ = write!(
            main,
            "<div class=\"banner ok\" id=\"already-published\">이 글은 이미 네이버에 옮겼습니다: <a href=\"{0}\" target=\"_blank\" rel=\"noreferrer\">{0}</a>. 다시 올리지 마세요.</div><p><a class=\"button\" href=\"/next\">다음 글로 →</a></p>",
            esc(&url)
        );
        main.push_str(&links_box(bundle, &body));
        return render(input.status, &post.entry.title, Some(p), &main);
    }
    if p.cap_reached() {
        main.push_str(&cap_message(p));
        return render(input.status, &post.entry.title, Some(p), &main);
    }
    main.push_str(&links_box(bundle, &body));
    publishing_steps(&mut main, input, &body);
    warnings_box(&mut main, post);
    clipboard_data(&mut main, post, &body);
    render(input.status, &post.entry.title, Some(p), &main)
}

/// The banner of a post just recorded and of a refused record.
fn banners(main: &mut String, input: &PostPageInput<'_>) {
    if let Some(f) = input.flash {
        let _ = write!(
            main,
            "<div class=\"banner ok\" id=\"saved\">「{}」의 네이버 주소를 기록했습니다: {}. 이어서 다음 글입니다.</div>",
            esc(&f.title),
            esc(&f.naver_url)
        );
    }
    if let Some(e) = input.error {
        let _ = write!(
            main,
            "<div class=\"banner error\" id=\"error\" role=\"alert\">{}</div>",
            esc(e)
        );
    }
}

/// The post's title, position, original date and address.
fn heading(main: &mut String, bundle: &DeskBundle, post: &DeskPost) {
    let id = post.entry.id;
    let _ = write!(
        main,
        "<h1 id=\"post-title\" data-post=\"{id}\">{} <span class=\"muted\">({} / {}번째 글)</span></h1><p class=\"muted\">원래 작성일 {} · 원래 주소 <code>{}</code></p>",
        esc(&post.entry.title),
        post.entry.sequence,
        bundle.posts.len(),
        date_ko(post.entry.original_published_at.as_deref()),
        esc(&crate::markup::percent_decode_lossy(
            &post.meta.original_url
        ))
    );
}

/// The six steps: open the editor, title, body, images and files, publish settings, record the URL.
fn publishing_steps(main: &mut String, input: &PostPageInput<'_>, body: &RewrittenBody) {
    let (bundle, post, snap) = (input.bundle, input.post, input.snapshot);
    let id = post.entry.id;
    let write_url = snap.blog_id.as_deref().map_or_else(
        || "https://blog.naver.com/".to_string(),
        |b| format!("https://blog.naver.com/{b}/postwrite"),
    );
    main.push_str(&step(1, "네이버 글쓰기 화면 열기", &format!(
        "<p>다른 탭에서 네이버에 로그인하고 블로그 글쓰기 화면을 여세요: <a href=\"{0}\" target=\"_blank\" rel=\"noreferrer\">{0}</a>. 이 화면은 그대로 두고 두 탭을 오가며 진행합니다.</p>",
        esc(&write_url)
    )));
    main.push_str(&step(2, "제목", &format!(
        "<div class=\"copy-row\"><span class=\"title-text\">{}</span><button type=\"button\" data-copy=\"title\" id=\"copy-title\">제목 복사</button></div>",
        esc(&post.meta.title)
    )));
    main.push_str(&step(3, "본문", &format!(
        "<div class=\"copy-row\"><button type=\"button\" data-copy=\"body\" id=\"copy-body\">본문 복사(서식 포함)</button><span class=\"muted\">본문 칸을 한 번 누른 뒤 붙여 넣으세요. 끝에 원래 글의 주소와 작성일이 들어 있습니다.</span></div><details><summary>본문 미리보기</summary><div class=\"preview\" id=\"preview\">{}</div></details>",
        body.html
    )));
    main.push_str(&step(
        4,
        &match post
            .meta
            .attachments
            .iter()
            .filter(|a| a.file.is_some())
            .count()
        {
            0 => format!("사진 {}장", post.meta.images.len()),
            n => format!("사진 {}장 · 첨부 파일 {n}개", post.meta.images.len()),
        },
        &images_step(post, bundle),
    ));
    let category = post
        .meta
        .category
        .naver
        .as_deref()
        .map_or_else(|| "기본 카테고리".to_string(), esc);
    let tags: String = post
        .meta
        .tags
        .iter()
        .map(|t| format!("<span>#{}</span>", esc(t)))
        .collect();
    let tags_row = if post.meta.tags.is_empty() {
        "<p class=\"muted\">태그가 없습니다.</p>".to_string()
    } else {
        format!(
            "<div class=\"copy-row\"><div class=\"tags\" id=\"tags\">{tags}</div><button type=\"button\" data-copy=\"tags\" id=\"copy-tags\" class=\"secondary\">태그 복사</button></div>"
        )
    };
    main.push_str(&step(5, "발행 설정", &format!(
        "<p>편집기의 <b>발행</b> 버튼을 누르면 설정 창이 열립니다. 카테고리는 <b>{category}</b>, 공개 설정은 <b>전체공개</b>로 고르고, 태그를 붙여 넣은 뒤 발행하세요.</p>{tags_row}"
    )));
    main.push_str(&step(6, "발행한 글의 주소 기록", &format!(
        "<p>발행이 끝나면 네이버가 보여 주는 글의 주소(<code>https://blog.naver.com/아이디/글번호</code>)를 복사해 여기에 붙여 넣고 <b>기록</b>을 누르세요. 기록해야 다음 글로 넘어가고, 이 글을 다시 권하지 않습니다.</p><form class=\"publish\" method=\"post\" action=\"/post/{id}/publish\"><input type=\"hidden\" name=\"token\" value=\"{}\"><input type=\"text\" name=\"naver_url\" id=\"naver-url\" required inputmode=\"url\" autocomplete=\"off\" placeholder=\"https://blog.naver.com/아이디/글번호\" value=\"{}\"><button type=\"submit\" id=\"record\">기록</button></form>",
        esc(input.token),
        esc(input.entered.unwrap_or(""))
    )));
}

/// What the conversion changed, folded.
fn warnings_box(main: &mut String, post: &DeskPost) {
    if !post.meta.warnings.is_empty() {
        let _ = write!(
            main,
            "<details class=\"card\"><summary>변환하면서 바뀐 점 {}개</summary><ul>",
            post.meta.warnings.len()
        );
        for w in &post.meta.warnings {
            let _ = write!(main, "<li><code>{}</code></li>", esc(w));
        }
        main.push_str("</ul></details>");
    }
}

/// The status line the copy buttons write to and the JSON block their script reads.
fn clipboard_data(main: &mut String, post: &DeskPost, body: &RewrittenBody) {
    main.push_str("<div id=\"copy-status\" role=\"status\" aria-live=\"polite\"></div>");
    let tags_text = post
        .meta
        .tags
        .iter()
        .map(|t| format!("#{t}"))
        .collect::<Vec<_>>()
        .join(" ");
    let data = serde_json::json!({
        "title": post.meta.title,
        "html": body.html,
        "text": body.text,
        "tags": tags_text,
    });
    let _ = write!(
        main,
        "<script type=\"application/json\" id=\"desk-data\">{}</script>",
        json_block(&data)
    );
}
