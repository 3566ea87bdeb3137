//! Redirects from the old Tistory addresses to the Naver copies, for owners of a custom domain
//! that pointed at Tistory (a `*.tistory.com` address cannot redirect, research B10). One rule per
//! old path of each published post (see [`super::links::alias_paths`]), rendered as CSV, JSON, an
//! nginx `map`, a Netlify/Cloudflare-style `_redirects` file, and one small meta-refresh HTML page
//! per path. Pure: the `redirects` command writes the files.

use std::fmt::Write as _;

use serde::Serialize;
use url::Url;

use super::blocks::escape;
use super::links::alias_paths;
use crate::model::EntryId;

/// A published post, as the redirects need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPost {
    /// The Tistory entry id.
    pub id: EntryId,
    /// The stable key, `tistory:<blog>:<id>`.
    pub key: String,
    /// The title.
    pub title: String,
    /// The Naver URL from the ledger.
    pub naver_url: String,
    /// Known `/entry/<slug>` slugs, decoded.
    pub slugs: Vec<String>,
}

/// One redirect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedirectRule {
    /// The old path, decoded (`/entry/봄-벚꽃-산책`): what nginx's `$uri` holds.
    pub old_path: String,
    /// The old path, percent-encoded, as it travels over HTTP.
    pub old_path_encoded: String,
    /// The old address on the blog's main host.
    pub old_url: String,
    /// Where it goes.
    pub naver_url: String,
    /// The post's key.
    pub key: String,
    /// The post's id.
    pub id: EntryId,
    /// The post's title.
    pub title: String,
}

/// The rules for `posts`; `base` is the blog's address (`https://name.tistory.com/`).
#[must_use]
pub fn redirect_rules(base: &Url, posts: &[PublishedPost]) -> Vec<RedirectRule> {
    let mut rules = Vec::new();
    for post in posts {
        for path in alias_paths(post.id, &post.slugs) {
            let mut url = base.clone();
            url.set_path(&path);
            url.set_query(None);
            url.set_fragment(None);
            let rule = RedirectRule {
                old_path_encoded: url.path().to_string(),
                old_url: url.to_string(),
                old_path: path,
                naver_url: post.naver_url.clone(),
                key: post.key.clone(),
                id: post.id,
                title: post.title.clone(),
            };
            // The refusal that keeps a stub file inside its folder keeps every output safe: a
            // slug like `../..` would otherwise redirect `/` (or a path off the blog).
            if is_safe_rule(&rule) {
                rules.push(rule);
            } else {
                tracing::warn!(
                    "post {}: no redirect for the unsafe old path {:?}",
                    post.id,
                    rule.old_path
                );
            }
        }
    }
    rules
}

/// True when a rule's old path is a safe, non-root path that survived URL normalisation as
/// written (no `.`/`..` segments, no control or reserved file-name characters).
fn is_safe_rule(rule: &RedirectRule) -> bool {
    stub_path(rule).is_some()
        && rule.old_path_encoded != "/"
        && crate::markup::percent_decode_lossy(&rule.old_path_encoded) == rule.old_path
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `redirects.csv`: `old_path,old_url,naver_url,key,title`.
#[must_use]
pub fn to_csv(rules: &[RedirectRule]) -> String {
    let mut out = String::from("old_path,old_url,naver_url,key,title\n");
    for r in rules {
        let fields = [&r.old_path, &r.old_url, &r.naver_url, &r.key, &r.title];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// `redirects.json`: an array of [`RedirectRule`].
#[must_use]
pub fn to_json(rules: &[RedirectRule]) -> String {
    let mut s = serde_json::to_string_pretty(rules).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// True when a string can sit between double quotes in an nginx config unchanged.
fn nginx_safe(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() || matches!(c, '"' | '\\' | '$' | '{' | '}' | ';'))
}

/// `nginx-redirects.map`: a `map $uri $naver_redirect` block and how to use it.
#[must_use]
pub fn to_nginx_map(rules: &[RedirectRule]) -> String {
    let mut out = String::from(
        "# Old Tistory paths -> Naver Blog posts (tistory-migrate redirects).\n\
         # In the http {} block:   include /etc/nginx/naver-redirects.map;\n\
         # In the server {} block: if ($naver_redirect) { return 301 $naver_redirect; }\n\
         map $uri $naver_redirect {\n    default \"\";\n",
    );
    for r in rules {
        // $uri is decoded; the encoded form is listed too for servers that see it raw.
        let mut keys = vec![&r.old_path];
        if r.old_path_encoded != r.old_path {
            keys.push(&r.old_path_encoded);
        }
        for key in keys {
            if nginx_safe(key) && nginx_safe(&r.naver_url) {
                let _ = writeln!(out, "    \"{key}\" \"{}\";", r.naver_url);
            } else {
                let _ = writeln!(
                    out,
                    "    # skipped (characters nginx cannot quote): {}",
                    r.old_path_encoded
                );
            }
        }
    }
    out.push_str("}\n");
    out
}

/// `_redirects` (Netlify, Cloudflare Pages): `<encoded path> <naver url> 301`, one per line.
#[must_use]
pub fn to_netlify(rules: &[RedirectRule]) -> String {
    let mut out =
        String::from("# Old Tistory paths -> Naver Blog posts (tistory-migrate redirects).\n");
    for r in rules {
        let _ = writeln!(out, "{}  {}  301", r.old_path_encoded, r.naver_url);
    }
    out
}

/// Where the meta-refresh page of a rule goes, relative to the stubs folder
/// (`entry/봄-벚꽃-산책/index.html`); `None` when a path component could not be a safe file name.
#[must_use]
pub fn stub_path(rule: &RedirectRule) -> Option<String> {
    let parts: Vec<&str> = rule.old_path.split('/').filter(|p| !p.is_empty()).collect();
    let safe = |p: &&str| {
        !matches!(*p, "." | "..")
            && p.len() <= 200
            && !p.chars().any(|c| {
                c.is_control() || matches!(c, '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            })
    };
    (!parts.is_empty() && parts.iter().all(safe)).then(|| format!("{}/index.html", parts.join("/")))
}

/// The meta-refresh page of a rule (Korean, with `rel=canonical` to the Naver post).
#[must_use]
pub fn html_stub(rule: &RedirectRule) -> String {
    let mut url = String::new();
    escape(&rule.naver_url, &mut url);
    let mut title = String::new();
    escape(&rule.title, &mut title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\"><title>{title}</title>\n\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\">\n<link rel=\"canonical\" href=\"{url}\">\n\
         <meta name=\"robots\" content=\"noindex\"></head>\n\
         <body><p>이 글은 네이버 블로그로 옮겼습니다: <a href=\"{url}\">{title}</a></p></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<RedirectRule> {
        let base = Url::parse("https://hangang-notes.tistory.com/").unwrap();
        redirect_rules(
            &base,
            &[PublishedPost {
                id: 10,
                key: "tistory:hangang-notes:10".into(),
                title: "봄 벚꽃 산책, \"짧게\"".into(),
                naver_url: "https://blog.naver.com/river/22".into(),
                slugs: vec!["봄-벚꽃-산책".into()],
            }],
        )
    }

    #[test]
    fn every_alias_in_every_format() {
        let rules = rules();
        let paths: Vec<&str> = rules.iter().map(|r| r.old_path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/10",
                "/m/10",
                "/entry/봄-벚꽃-산책",
                "/m/entry/봄-벚꽃-산책"
            ]
        );
        assert_eq!(
            rules[2].old_path_encoded,
            "/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85"
        );
        assert_eq!(rules[0].old_url, "https://hangang-notes.tistory.com/10");
        let csv = to_csv(&rules);
        assert!(csv.contains("/10,https://hangang-notes.tistory.com/10,https://blog.naver.com/river/22,tistory:hangang-notes:10,\"봄 벚꽃 산책, \"\"짧게\"\"\"\n"), "{csv}");
        let map = to_nginx_map(&rules);
        assert!(
            map.contains("    \"/entry/봄-벚꽃-산책\" \"https://blog.naver.com/river/22\";\n"),
            "{map}"
        );
        assert!(map.contains("\"/entry/%EB%B4%84"), "{map}");
        let netlify = to_netlify(&rules);
        assert!(
            netlify.contains("/m/10  https://blog.naver.com/river/22  301\n"),
            "{netlify}"
        );
        assert_eq!(
            stub_path(&rules[3]).as_deref(),
            Some("m/entry/봄-벚꽃-산책/index.html")
        );
        let stub = html_stub(&rules[0]);
        assert!(
            stub.contains("url=https://blog.naver.com/river/22\""),
            "{stub}"
        );
        assert!(stub.contains("&quot;짧게&quot;"), "{stub}");
        let json: serde_json::Value = serde_json::from_str(&to_json(&rules)).unwrap();
        assert_eq!(json.as_array().unwrap().len(), 4);
    }

    #[test]
    fn hostile_slugs_yield_no_rule_in_any_output() {
        let base = Url::parse("https://b.tistory.com/").unwrap();
        let post = PublishedPost {
            id: 7,
            key: "tistory:b:7".into(),
            title: "t".into(),
            naver_url: "https://blog.naver.com/x/1".into(),
            slugs: vec![
                "../..".into(),
                "..%2F..".into(),
                "a/../../etc".into(),
                "봄".into(),
            ],
        };
        let rules = redirect_rules(&base, &[post]);
        let paths: Vec<&str> = rules.iter().map(|r| r.old_path.as_str()).collect();
        assert_eq!(paths, ["/7", "/m/7", "/entry/봄", "/m/entry/봄"]);
        for r in &rules {
            assert_ne!(r.old_path_encoded, "/");
            assert!(!r.old_path.contains(".."), "{r:?}");
        }
        for out in [
            to_nginx_map(&rules),
            to_netlify(&rules),
            to_csv(&rules),
            to_json(&rules),
        ] {
            assert!(!out.contains(".."), "{out}");
            assert!(
                !out.lines()
                    .any(|l| l.starts_with("/ ") || l.starts_with("\"/\"")),
                "{out}"
            );
        }
    }

    #[test]
    fn unsafe_paths_get_no_stub() {
        let mut rule = rules().remove(2);
        rule.old_path = "/entry/../../etc".into();
        assert_eq!(stub_path(&rule), None);
    }
}
