//! Issue 8: the crate's shape. The `use crate::` graph between top-level modules runs one way (a
//! module imports only modules below it in [`LAYERS`], so there is no cycle and no upward arrow),
//! and long functions are broken into named steps: none in `src/` is over [`MAX_FN_LINES`] but
//! the few [`WAITING_TO_BE_SPLIT`] names.
//!
//! Both read `src/**/*.rs` as text through a small lexer that blanks comments, strings and char
//! literals (a doc link or a string saying `crate::x` is not an import), and leave out test code
//! (`tests.rs`, `testdata.rs` and `#[cfg(test)] mod … { }` blocks), which may reach anywhere.
//!
//! `cargo test --test it structure -- --nocapture` also lists every function in `src/` over the
//! limit.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules, lowest first. A module may import only modules listed before it. The
/// README's "Architecture" section shows the same order.
const LAYERS: &[&str] = &[
    // Foundations: no imports from the crate.
    "error",
    "markup",
    "parallel",
    "progress",
    "fetch",
    // The data: where a post came from, the domain types, the archive on disk.
    "provenance",
    "model",
    "completeness",
    "archive",
    "report",
    // Pure stages and what they read.
    "extract",
    "convert",
    "extracted",
    "posts_out",
    "completeness",
    "discover",
    // The replay server (the crawl and WARC replay use its asset proxy path and site).
    "serve",
    "crawl",
    "warc",
    "import",
    "bundle",
    "naver_check",
    "verify",
    "desk",
    // The edges: options, the one error -> exit code mapping, the commands that run the stages
    // against the disk, and the command line resolved into the commands' options.
    "config",
    "exit",
    "commands",
    "cli",
];

/// The longest a function in `src/` may be, signature to closing brace.
const MAX_FN_LINES: usize = 120;

/// The functions still over [`MAX_FN_LINES`], each waiting to be broken up in its own room
/// (file, function). Any other function over the limit fails the test, and so does an entry here
/// that is no longer over it: remove it, and once the list is empty, every function in `src/` is
/// held to the limit.
const WAITING_TO_BE_SPLIT: &[(&str, &str)] = &[];

fn src_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The source with comments, string and char literals blanked (newlines kept, so line numbers
/// stay right).
fn blank_literals(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let blank = |out: &mut Vec<u8>, c: u8| out.push(if c == b'\n' { b'\n' } else { b' ' });
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == b'/' && next == Some(b'/') {
            while i < b.len() && b[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else if c == b'/' && next == Some(b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    out.extend_from_slice(b"  ");
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    out.extend_from_slice(b"  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if (c == b'r' || (c == b'b' && next == Some(b'r')))
            && !b[..i]
                .last()
                .is_some_and(|p| p.is_ascii_alphanumeric() || *p == b'_')
            && {
                let start = if c == b'b' { i + 2 } else { i + 1 };
                let mut j = start;
                while b.get(j) == Some(&b'#') {
                    j += 1;
                }
                b.get(j) == Some(&b'"')
            }
        {
            // A raw string: r"…", r#"…"#, br"…".
            let start = if c == b'b' { i + 2 } else { i + 1 };
            let mut j = start;
            while b.get(j) == Some(&b'#') {
                j += 1;
            }
            let hashes = j - start;
            out.extend(std::iter::repeat_n(b' ', j + 1 - i));
            i = j + 1;
            while i < b.len() {
                if b[i] == b'"'
                    && b[i + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|h| **h == b'#')
                        .count()
                        == hashes
                {
                    out.extend(std::iter::repeat_n(b' ', 1 + hashes));
                    i += 1 + hashes;
                    break;
                }
                blank(&mut out, b[i]);
                i += 1;
            }
        } else if c == b'"' {
            out.push(b' ');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    blank(&mut out, b[i]);
                    i += 1;
                }
                if i < b.len() {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
            out.push(b' ');
            i += 1;
        } else if c == b'\'' {
            // A char literal ('x', '\n', '\u{..}', '{') or a lifetime ('a).
            let close = if next == Some(b'\\') {
                b[i + 2..]
                    .iter()
                    .position(|x| *x == b'\'')
                    .map(|p| i + 2 + p)
            } else {
                let ch_len = match next {
                    Some(0xC0..=0xDF) => 2,
                    Some(0xE0..=0xEF) => 3,
                    Some(0xF0..) => 4,
                    _ => 1,
                };
                (b.get(i + 1 + ch_len) == Some(&b'\'')).then_some(i + 1 + ch_len)
            };
            match close {
                Some(end) => {
                    out.extend(std::iter::repeat_n(b' ', end + 1 - i));
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).expect("only ASCII blanks replace bytes, whole literals at a time")
}

/// The byte offset of the brace closing the one opened at `open`.
fn matching_brace(code: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, c) in code.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// The code with `#[cfg(test)] mod name { … }` blocks blanked.
fn without_test_modules(code: &str) -> String {
    let mut b = code.as_bytes().to_vec();
    let mut from = 0;
    while let Some(at) = code[from..].find("#[cfg(test)]").map(|p| p + from) {
        from = at + 1;
        let rest = code[at + "#[cfg(test)]".len()..].trim_start();
        let Some(after_mod) = rest.strip_prefix("mod ") else {
            continue;
        };
        let head: String = after_mod
            .chars()
            .take_while(|c| *c != '{' && *c != ';')
            .collect();
        if !after_mod[head.len()..].starts_with('{') {
            continue;
        }
        let open = code.len() - after_mod.len() + head.len();
        let close = matching_brace(code.as_bytes(), open);
        for x in &mut b[at..=close.min(code.len() - 1)] {
            if *x != b'\n' {
                *x = b' ';
            }
        }
    }
    String::from_utf8(b).expect("ASCII blanks only")
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The top-level names a file reaches through `crate::` (`crate::model::Post`, `use crate::{a, b::c}`).
fn crate_names(code: &str) -> BTreeSet<String> {
    let b = code.as_bytes();
    let mut names = BTreeSet::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::").map(|p| p + from) {
        from = at + "crate::".len();
        if at > 0 && (is_ident(b[at - 1]) || b[at - 1] == b'$') {
            continue;
        }
        let rest = &code[from..];
        if rest.starts_with('{') {
            // The first segment of each path in the group, at its top level.
            let close = matching_brace(b, from);
            let mut depth = 0;
            let mut expect_name = true;
            let group = &code[from..close];
            let gb = group.as_bytes();
            let mut k = 0;
            while k < gb.len() {
                match gb[k] {
                    b'{' => {
                        depth += 1;
                        expect_name = depth == 1;
                    }
                    b'}' => depth -= 1,
                    b',' if depth == 1 => expect_name = true,
                    c if is_ident(c) && expect_name && depth == 1 => {
                        let end = gb[k..]
                            .iter()
                            .position(|c| !is_ident(*c))
                            .map_or(gb.len(), |p| k + p);
                        names.insert(group[k..end].to_string());
                        expect_name = false;
                        k = end;
                        continue;
                    }
                    c if !c.is_ascii_whitespace() => expect_name = false,
                    _ => {}
                }
                k += 1;
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

/// Names `lib.rs` re-exports at the crate root (`pub use error::{Error, Result}`), by their module.
fn root_reexports() -> BTreeMap<String, String> {
    let lib = std::fs::read_to_string(src_root().join("lib.rs")).expect("src/lib.rs");
    let mut map = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        for name in names.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if !name.is_empty() {
                map.insert(name.to_string(), module.to_string());
            }
        }
    }
    map
}

/// The top-level module a file under `src/` belongs to (`None` for `lib.rs` and `main.rs`).
fn top_module(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src_root()).ok()?;
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

fn is_test_file(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("tests.rs" | "testdata.rs")
    )
}

/// Every `from -> to` arrow between top-level modules, with a file that draws it.
fn module_arrows() -> BTreeMap<(String, String), PathBuf> {
    let reexports = root_reexports();
    let mut files = Vec::new();
    rust_files(&src_root(), &mut files);
    let mut arrows = BTreeMap::new();
    for file in files.iter().filter(|f| !is_test_file(f)) {
        let Some(from) = top_module(file) else {
            continue;
        };
        let src = std::fs::read_to_string(file).expect("a source file");
        let code = without_test_modules(&blank_literals(&src));
        for name in crate_names(&code) {
            let to = reexports.get(&name).cloned().unwrap_or(name);
            if to != from {
                arrows
                    .entry((from.clone(), to))
                    .or_insert_with(|| file.clone());
            }
        }
    }
    arrows
}

#[test]
fn issue_8_the_module_graph_runs_one_way() {
    let rank: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut files = Vec::new();
    rust_files(&src_root(), &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| top_module(f)).collect();
    let unplaced: Vec<_> = modules
        .iter()
        .filter(|m| !rank.contains_key(m.as_str()))
        .collect();
    assert!(
        unplaced.is_empty(),
        "top-level modules missing from LAYERS in tests/it/structure.rs (place each above what it imports, and update the README's architecture section): {unplaced:?}"
    );
    let mut upward = Vec::new();
    for ((from, to), file) in module_arrows() {
        let Some(&to_rank) = rank.get(to.as_str()) else {
            panic!(
                "{} names crate::{to}, which is not a top-level module",
                file.display()
            );
        };
        if to_rank >= rank[from.as_str()] {
            upward.push(format!("{from} -> {to} ({})", file.display()));
        }
    }
    assert!(
        upward.is_empty(),
        "imports that run up the layers (a lower module may not import a higher one; move the shared piece down):\n{}",
        upward.join("\n")
    );
}

/// One function: where it starts and how many lines it spans.
#[derive(Debug)]
struct FnSpan {
    file: PathBuf,
    name: String,
    line: usize,
    lines: usize,
}

/// Every function with a body in `code` (nested ones too).
fn functions(file: &Path, code: &str) -> Vec<FnSpan> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("fn ").map(|p| p + from) {
        from = at + 3;
        if at > 0 && is_ident(b[at - 1]) {
            continue;
        }
        let name: String = code[from..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        // The body opens at the first `{` before any `;` (a trait method without a body).
        let Some(open) = code[from..].find(['{', ';']).map(|p| p + from) else {
            continue;
        };
        if b[open] == b';' {
            continue;
        }
        let close = matching_brace(b, open);
        let line = code[..at].matches('\n').count() + 1;
        let last = code[..close.min(code.len())].matches('\n').count() + 1;
        out.push(FnSpan {
            file: file.to_path_buf(),
            name,
            line,
            lines: last - line + 1,
        });
    }
    out
}

fn long_functions() -> Vec<FnSpan> {
    let mut files = Vec::new();
    rust_files(&src_root(), &mut files);
    let mut long = Vec::new();
    for file in files.iter().filter(|f| !is_test_file(f)) {
        let src = std::fs::read_to_string(file).expect("a source file");
        let code = without_test_modules(&blank_literals(&src));
        long.extend(
            functions(file, &code)
                .into_iter()
                .filter(|f| f.lines > MAX_FN_LINES),
        );
    }
    long
}

#[test]
fn issue_8_long_functions_are_broken_into_named_steps() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut unwaived = Vec::new();
    let mut still_long = BTreeSet::new();
    for f in long_functions() {
        let rel = f.file.strip_prefix(root).unwrap_or(&f.file);
        let shown = format!(
            "{}:{} fn {} ({} lines)",
            rel.display(),
            f.line,
            f.name,
            f.lines
        );
        eprintln!("over {MAX_FN_LINES} lines: {shown}");
        let waiting = WAITING_TO_BE_SPLIT
            .iter()
            .find(|(file, name)| rel == Path::new(file) && f.name == *name);
        match waiting {
            Some(w) => {
                still_long.insert(*w);
            }
            None => unwaived.push(shown),
        }
    }
    assert!(
        unwaived.is_empty(),
        "functions over {MAX_FN_LINES} lines (break each into named steps): {unwaived:#?}"
    );
    let split: Vec<_> = WAITING_TO_BE_SPLIT
        .iter()
        .filter(|w| !still_long.contains(*w))
        .collect();
    assert!(
        split.is_empty(),
        "no longer over {MAX_FN_LINES} lines: remove them from WAITING_TO_BE_SPLIT in tests/it/structure.rs: {split:?}"
    );
}

#[test]
fn the_lexer_blanks_what_is_not_code() {
    let src = "use crate::a; // crate::b\nlet s = \"crate::c\"; let r = r#\"crate::d\"#; let c = '{'; fn f<'a>() {}\n/* crate::e */ crate::{f::x, g}";
    let code = blank_literals(src);
    assert_eq!(code.len(), src.len());
    let names: Vec<_> = crate_names(&code).into_iter().collect();
    assert_eq!(names, ["a", "f", "g"]);
    let fns = functions(Path::new("x.rs"), &code);
    assert_eq!(fns.len(), 1, "{fns:?}");
    assert_eq!(
        (fns[0].name.as_str(), fns[0].line, fns[0].lines),
        ("f", 2, 1)
    );
    let tested = without_test_modules("fn a() {}\n#[cfg(test)]\nmod tests {\n use crate::z;\n}\n");
    assert!(crate_names(&tested).is_empty());
    assert_eq!(functions(Path::new("x.rs"), &tested).len(), 1);
}

/// Issue 8: the bundle parses each post's body once. The one parse is the sanitiser's (it reports
/// to the parse probe, which `parse_once` counts); this keeps it the only one in `src/bundle/`, so
/// a second pass over a body reads the sanitised tree instead of parsing the HTML again.
#[test]
fn issue_8_the_bundle_has_one_body_parse() {
    let mut files = Vec::new();
    rust_files(&src_root().join("bundle"), &mut files);
    let mut sites = Vec::new();
    for file in files.iter().filter(|f| !is_test_file(f)) {
        let src = std::fs::read_to_string(file).expect("a source file");
        let code = without_test_modules(&blank_literals(&src));
        for (n, line) in code.lines().enumerate() {
            if line.contains("parse_fragment(") || line.contains("parse_document(") {
                sites.push(format!("{}:{}", file.display(), n + 1));
            }
        }
    }
    assert_eq!(sites.len(), 1, "HTML parses in src/bundle: {sites:?}");
    let sanitize = std::fs::read_to_string(src_root().join("bundle/sanitize.rs")).unwrap();
    assert!(sanitize.contains("record_body_parse();\n    let doc = Html::parse_fragment(html);"));
}
