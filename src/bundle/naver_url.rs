//! Naver Blog post URLs, as a person pastes them back after publishing: which blog and which post
//! (`logNo`) they name. Accepted forms (research A3.7): `https://blog.naver.com/<blogId>/<logNo>`,
//! the same on `m.blog.naver.com`, and `PostView.naver` / `PostView.nhn` with `blogId` and `logNo`
//! in the query. Anything else (another host, a non-numeric `logNo`, another blog) is refused with
//! a message that says what was expected. Pure.

use std::fmt;

use url::Url;

/// One Naver Blog post.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NaverPostRef {
    /// The blog id (the owner's Naver id), lowercase.
    pub blog_id: String,
    /// The post number.
    pub log_no: String,
}

impl NaverPostRef {
    /// The canonical URL: `https://blog.naver.com/<blogId>/<logNo>`. The ledger stores this form,
    /// so the same post pasted in two forms is still one URL.
    #[must_use]
    pub fn url(&self) -> String {
        format!("https://blog.naver.com/{}/{}", self.blog_id, self.log_no)
    }
}

/// Why a pasted URL is not a post of the expected Naver blog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NaverUrlError {
    /// Not a URL at all.
    NotAUrl,
    /// A URL of another site.
    NotNaverBlog {
        /// The host found.
        host: String,
    },
    /// A Naver Blog URL that names no single post (the blog's home, a category, ...).
    NotAPost,
    /// The post number is not a number.
    BadLogNo {
        /// What was found.
        log_no: String,
    },
    /// The blog id has characters Naver ids never have.
    BadBlogId {
        /// What was found.
        blog_id: String,
    },
    /// A post of another blog.
    OtherBlog {
        /// The blog the URL names.
        found: String,
        /// The blog being migrated to.
        expected: String,
    },
}

impl fmt::Display for NaverUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const FORM: &str = "https://blog.naver.com/<blogId>/<logNo>";
        match self {
            Self::NotAUrl => write!(
                f,
                "this is not a URL; paste the post's address, like {FORM}"
            ),
            Self::NotNaverBlog { host } => write!(
                f,
                "{host} is not Naver Blog; paste the address of the published post, like {FORM}"
            ),
            Self::NotAPost => write!(
                f,
                "this Naver Blog address names no single post; open the published post and paste its address, like {FORM}"
            ),
            Self::BadLogNo { log_no } => write!(
                f,
                "the post number {log_no:?} is not a number; paste the address of the published post, like {FORM}"
            ),
            Self::BadBlogId { blog_id } => {
                write!(
                    f,
                    "{blog_id:?} is not a Naver blog id; paste an address like {FORM}"
                )
            }
            Self::OtherBlog { found, expected } => write!(
                f,
                "this is a post of the blog {found:?}, not of {expected:?}, the blog you are migrating to"
            ),
        }
    }
}

impl std::error::Error for NaverUrlError {}

impl NaverUrlError {
    /// The same message in Korean, for the people who use the desk.
    #[must_use]
    pub fn korean(&self) -> String {
        const FORM: &str = "https://blog.naver.com/<아이디>/<글번호>";
        match self {
            Self::NotAUrl => format!("주소가 아닙니다. {FORM} 모양의 글 주소를 붙여 넣으세요."),
            Self::NotNaverBlog { host } => {
                format!(
                    "{host}는 네이버 블로그가 아닙니다. 발행한 글의 주소({FORM})를 붙여 넣으세요."
                )
            }
            Self::NotAPost => format!(
                "글 하나의 주소가 아닙니다. 발행한 글을 열고 그 주소({FORM})를 붙여 넣으세요."
            ),
            Self::BadLogNo { log_no } => {
                format!("글번호 '{log_no}'는 숫자가 아닙니다. {FORM} 모양의 주소를 붙여 넣으세요.")
            }
            Self::BadBlogId { blog_id } => {
                format!(
                    "'{blog_id}'는 네이버 블로그 아이디가 아닙니다. {FORM} 모양의 주소를 붙여 넣으세요."
                )
            }
            Self::OtherBlog { found, expected } => {
                format!("다른 블로그('{found}')의 글입니다. 옮기는 블로그는 '{expected}'입니다.")
            }
        }
    }
}

fn check_blog_id(id: &str) -> Result<String, NaverUrlError> {
    let ok = !id.is_empty()
        && id.len() <= 30
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(id.to_ascii_lowercase())
    } else {
        Err(NaverUrlError::BadBlogId {
            blog_id: id.to_string(),
        })
    }
}

fn check_log_no(n: &str) -> Result<String, NaverUrlError> {
    if !n.is_empty() && n.len() <= 20 && n.bytes().all(|b| b.is_ascii_digit()) {
        Ok(n.to_string())
    } else {
        Err(NaverUrlError::BadLogNo {
            log_no: n.to_string(),
        })
    }
}

/// Reads a pasted Naver Blog post URL. With `expected_blog_id`, a post of another blog is refused.
/// A missing `https://` is tolerated; surrounding spaces are ignored.
///
/// # Errors
/// [`NaverUrlError`], saying what is wrong and what a good address looks like.
pub fn parse_naver_url(
    url: &str,
    expected_blog_id: Option<&str>,
) -> Result<NaverPostRef, NaverUrlError> {
    let raw = url.trim();
    if raw.is_empty() || raw.chars().any(char::is_whitespace) {
        return Err(NaverUrlError::NotAUrl);
    }
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("https://{raw}")
    };
    let parsed = Url::parse(&with_scheme).map_err(|_| NaverUrlError::NotAUrl)?;
    let host = parsed.host_str().unwrap_or_default().to_string();
    if !matches!(parsed.scheme(), "http" | "https")
        || !matches!(host.as_str(), "blog.naver.com" | "m.blog.naver.com")
    {
        return Err(NaverUrlError::NotNaverBlog {
            host: if host.is_empty() {
                raw.to_string()
            } else {
                host
            },
        });
    }
    let segments: Vec<&str> = parsed
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let post = match segments.as_slice() {
        [page]
            if page.eq_ignore_ascii_case("PostView.naver")
                || page.eq_ignore_ascii_case("PostView.nhn") =>
        {
            let query = |key: &str| {
                parsed
                    .query_pairs()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v.into_owned())
            };
            match (query("blogId"), query("logNo")) {
                (Some(blog), Some(log)) => NaverPostRef {
                    blog_id: check_blog_id(&blog)?,
                    log_no: check_log_no(&log)?,
                },
                _ => return Err(NaverUrlError::NotAPost),
            }
        }
        [blog, log] => NaverPostRef {
            blog_id: check_blog_id(blog)?,
            log_no: check_log_no(log)?,
        },
        _ => return Err(NaverUrlError::NotAPost),
    };
    if let Some(expected) = expected_blog_id
        && !expected.eq_ignore_ascii_case(&post.blog_id)
    {
        return Err(NaverUrlError::OtherBlog {
            found: post.blog_id,
            expected: expected.to_string(),
        });
    }
    Ok(post)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(url: &str) -> (String, String) {
        let r = parse_naver_url(url, Some("river_walker")).unwrap_or_else(|e| panic!("{url}: {e}"));
        (r.blog_id, r.log_no)
    }

    #[test]
    fn every_accepted_form() {
        let want = ("river_walker".to_string(), "223456789012".to_string());
        for url in [
            "https://blog.naver.com/river_walker/223456789012",
            "  https://blog.naver.com/river_walker/223456789012/  ",
            "http://blog.naver.com/River_Walker/223456789012",
            "https://m.blog.naver.com/river_walker/223456789012",
            "blog.naver.com/river_walker/223456789012",
            "https://blog.naver.com/PostView.naver?blogId=river_walker&logNo=223456789012",
            "https://blog.naver.com/PostView.nhn?blogId=river_walker&logNo=223456789012&redirect=Dlog",
            "https://m.blog.naver.com/PostView.naver?blogId=river_walker&logNo=223456789012",
            "https://blog.naver.com/river_walker/223456789012?fromRss=true#comment",
        ] {
            assert_eq!(ok(url), want, "{url}");
        }
        assert_eq!(
            parse_naver_url("https://blog.naver.com/other/1", None)
                .unwrap()
                .url(),
            "https://blog.naver.com/other/1"
        );
    }

    #[test]
    fn every_refusal() {
        let err = |url: &str| parse_naver_url(url, Some("river_walker")).unwrap_err();
        assert_eq!(err(""), NaverUrlError::NotAUrl);
        assert_eq!(err("붙여넣기 실수"), NaverUrlError::NotAUrl);
        assert!(
            matches!(err("https://river.tistory.com/12"), NaverUrlError::NotNaverBlog { host } if host == "river.tistory.com")
        );
        assert!(matches!(
            err("https://cafe.naver.com/river_walker/12"),
            NaverUrlError::NotNaverBlog { .. }
        ));
        assert!(matches!(
            err("ftp://blog.naver.com/river_walker/12"),
            NaverUrlError::NotNaverBlog { .. }
        ));
        assert_eq!(
            err("https://blog.naver.com/river_walker"),
            NaverUrlError::NotAPost
        );
        assert_eq!(
            err("https://blog.naver.com/PostView.naver?blogId=river_walker"),
            NaverUrlError::NotAPost
        );
        assert!(matches!(
            err("https://blog.naver.com/river_walker/12a"),
            NaverUrlError::BadLogNo { .. }
        ));
        assert!(matches!(
            err("https://blog.naver.com/river_walker/-1"),
            NaverUrlError::BadLogNo { .. }
        ));
        assert!(matches!(
            err("https://blog.naver.com/a.b/12"),
            NaverUrlError::BadBlogId { .. }
        ));
        let other = err("https://blog.naver.com/someone_else/223456789012");
        assert_eq!(
            other,
            NaverUrlError::OtherBlog {
                found: "someone_else".into(),
                expected: "river_walker".into()
            }
        );
        assert!(other.to_string().contains("someone_else"), "{other}");
        assert!(other.korean().contains("다른 블로그"), "{}", other.korean());
    }
}
