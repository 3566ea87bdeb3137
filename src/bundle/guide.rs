//! `GUIDE.md`: the manual import in Korean, step by step, for the blog owner or office staff who
//! paste the posts into SmartEditor ONE. It follows the publish flow other tools observed
//! (research A1.4) and states the limits that shape the work: about 200 posts a day, 30 tags, no
//! backdating. Pure.

use std::fmt::Write as _;

use super::manifest::{MAX_POSTS_PER_DAY, MAX_TAGS};

/// The numbers the guide mentions.
#[derive(Debug, Clone)]
pub struct GuideFacts<'a> {
    /// The blog's Tistory name.
    pub blog: &'a str,
    /// Posts in the bundle.
    pub posts: usize,
    /// Posts left out.
    pub skipped: usize,
    /// Images to upload.
    pub images: usize,
    /// Images that are missing.
    pub images_missing: usize,
    /// The first post's directory.
    pub first_dir: Option<&'a str>,
    /// True when every post ends with the original-date footer.
    pub footer: bool,
}

/// The desk's default daily cap, which the guide recommends (conservative: research B9.3).
pub const SUGGESTED_DAILY: usize = 20;

/// The guide's text.
#[must_use]
pub fn guide_markdown(f: &GuideFacts<'_>) -> String {
    let days = f.posts.div_ceil(SUGGESTED_DAILY).max(1);
    let first = f.first_dir.unwrap_or("0001_…");
    let mut s = String::new();
    let _ = writeln!(s, "# 네이버 블로그로 옮기기 안내 ({})\n", f.blog);
    let _ = writeln!(
        s,
        "이 폴더에는 티스토리 블로그 **{}**의 공개 글 {}개가 네이버 블로그에 붙여 넣기 좋은 모양으로 들어 있습니다. \
         사진은 {}장입니다{}. 비공개·보호·삭제된 글 {}개는 넣지 않았습니다(목록은 `bundle.json`의 `skipped`).\n",
        f.blog,
        f.posts,
        f.images,
        if f.images_missing > 0 {
            format!(
                "(그중 {}장은 원본 파일이 없어 올릴 수 없습니다)",
                f.images_missing
            )
        } else {
            String::new()
        },
        f.skipped
    );
    s.push_str(
        "네이버 블로그에는 글을 한꺼번에 가져오는 기능이 없습니다(글쓰기 API는 2020년 5월 6일에 끝났습니다). \
         그래서 글마다 스마트에디터 ONE에 직접 붙여 넣어야 합니다. 아래 순서를 글 하나마다 되풀이하세요.\n\n",
    );
    s.push_str("## 시작하기 전에\n\n");
    let _ = writeln!(
        s,
        "1. 네이버 블로그 **관리 → 메뉴·글·동영상 관리 → 블로그**에서 카테고리를 먼저 만드세요. \
         어떤 티스토리 카테고리가 어느 네이버 카테고리로 가는지는 `categories.json`에 있습니다. \
         이름을 바꾸고 싶으면 이 파일의 오른쪽 값만 고친 뒤 `tistory-migrate bundle`을 다시 실행하세요(고친 내용은 지워지지 않습니다).\n\
         2. 폴더는 **오래된 글부터** 번호가 붙어 있습니다(`{first}`부터). 네이버는 발행 날짜를 과거로 정할 수 없어서, \
         이 순서대로 올려야 네이버 목록도 원래 순서가 됩니다.\n\
         3. 네이버는 블로그 하나에 **하루 약 {MAX_POSTS_PER_DAY}개**까지만 발행할 수 있습니다. \
         한꺼번에 많이 올리면 저품질로 보일 수 있다는 말이 있어 하루 {SUGGESTED_DAILY}개 정도를 권합니다(이 블로그는 약 {days}일).\n\
         4. 글 폴더의 `preview.html`을 브라우저로 열면 붙여 넣을 글을 사진과 함께 미리 볼 수 있습니다.\n"
    );
    s.push_str("## 글 하나 옮기기\n\n");
    let _ = writeln!(
        s,
        "1. 네이버에 로그인하고 **글쓰기**를 누릅니다(스마트에디터 ONE). \"작성 중인 글이 있습니다\" 창이 뜨면 **취소**를 누르세요.\n\
         2. `post.json`의 `title`(또는 `preview.html` 맨 위 제목)을 복사해 **제목** 칸에 붙여 넣습니다.\n\
         3. 본문을 복사합니다. 데스크(`tistory-migrate desk`)의 **본문 복사** 버튼을 누르거나, `paste.html`을 브라우저로 열어 \
         전체 선택(Ctrl+A)·복사(Ctrl+C)하세요. 에디터의 **본문** 칸을 한 번 누르고 붙여 넣습니다(Ctrl+V). \
         `preview.html`은 보기용입니다. 거기서 복사하면 사진이 \"존재하지 않는 이미지\"로 들어가니 복사하지 마세요. \
         서식이 깨지면 `body.txt`의 내용을 대신 붙여 넣으세요.\n\
         4. 본문의 `[[사진 1]]`, `[[사진 2]]` … 자리마다 `images` 폴더의 같은 번호 사진(`01.jpg`, `02.png` …)을 \
         에디터로 끌어다 놓고, 자리 표시 글자 `[[사진 N]]`은 지웁니다. 사진 설명이 있으면 바로 아래 줄에 있습니다. \
         `[[사진 N: 원본 파일 없음]]`은 올릴 사진이 없다는 뜻이니 그 줄만 지우면 됩니다.\n\
         5. `files` 폴더가 있으면 에디터의 **파일** 버튼으로 첨부하고, 본문에 남은 티스토리 파일 링크는 지웁니다.\n\
         6. **발행**을 누르고, 열린 창에서 `post.json`의 `category.naver` 카테고리를 고르고 `tags`의 태그를 입력합니다. \
         태그는 최대 {MAX_TAGS}개이며, 넘치는 태그는 `tags_dropped`에 따로 적어 두었습니다. 공개 설정은 **전체공개**입니다.\n\
         7. 마지막 **발행**을 누릅니다. 열린 글의 주소(`https://blog.naver.com/아이디/글번호`)를 복사해 데스크에 붙여 넣으세요. \
         이 주소가 기록되어야 같은 글을 두 번 올리지 않고, 글 사이 링크와 옛 주소 연결(`tistory-migrate redirects`)도 만들 수 있습니다.\n"
    );
    s.push_str("## 알아 둘 점\n\n");
    let _ = writeln!(
        s,
        "- 제목(h2~h4)은 네이버에 붙여 넣으면 제목 서식이 되지 않아 **굵은 글씨 문단**으로 바꿔 두었습니다. \
         원하면 에디터에서 다시 \"소제목\"으로 바꾸세요.\n\
         - 코드 블록은 고정폭 글자 문단으로 들어갑니다. 에디터의 **소스코드** 기능은 붙여 넣기로 만들 수 없습니다.\n\
         - 바뀌거나 빠진 것은 글마다 `post.json`의 `warnings`에 적혀 있습니다. 올리기 전에 한 번 읽어 보세요.\n\
         - 글 사이 링크(`internal_links`)는 아직 티스토리 주소입니다. 대상 글이 네이버에 올라간 뒤 고치면 됩니다.\n{}\
         - 파일을 손으로 고치면 `bundle.json`의 체크섬과 맞지 않게 되어 점검(`verify`)에서 알려 줍니다. \
         고칠 것이 있으면 보관함을 고친 뒤 `tistory-migrate bundle`을 다시 실행하세요.",
        if f.footer {
            "- 글 끝에 \"이 글은 … 티스토리(…)에 처음 발행되었습니다.\" 문단이 붙어 있습니다(원래 날짜를 남기기 위해). \
             빼려면 `--no-footer`, 문구를 바꾸려면 `--footer`로 다시 만드세요.\n"
        } else {
            ""
        }
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_names_the_numbers_and_the_steps() {
        let g = guide_markdown(&GuideFacts {
            blog: "hangang-notes",
            posts: 17,
            skipped: 5,
            images: 13,
            images_missing: 1,
            first_dir: Some("0001_2014-03-09_1"),
            footer: true,
        });
        for needle in [
            "공개 글 17개",
            "사진은 13장",
            "1장은 원본 파일이 없어",
            "0001_2014-03-09_1",
            "하루 약 200개",
            "최대 30개",
            "[[사진 1]]",
            "발행",
            "처음 발행되었습니다",
        ] {
            assert!(g.contains(needle), "{needle}\n{g}");
        }
    }
}
