//! Speed of the extract + convert stage on the real Tistory corpus (`../shared/corpus/tistory/`,
//! or the directory `TISTORY_CORPUS` names). See `benches/README.md` for how to run it and the
//! numbers measured.
//!
//! Group `pages` (throughput: bytes of the post pages):
//! - `parse_only`: `scraper::Html::parse_document` alone, the floor (a bare html5ever parse);
//! - `structure_only`: the parse plus the structural pass alone (`extract::structural_pass`: the
//!   title located, the blocks after it, the body container decided, the region's fields); minus
//!   `parse_only`, the cost of the structural pass;
//! - `extract_only`: `extract_page`;
//! - `extract_convert`: `extract_page` + `to_markdown` (which runs the render-back fidelity check);
//! - `to_markdown_only`: `to_markdown` on posts extracted beforehand, to see which half dominates;
//! - `fidelity_only`: the render-back check (`check_fidelity`) alone, on Markdown converted
//!   beforehand: the part of `to_markdown` that is not the HTML -> Markdown conversion.
//!
//! Group `bodies` (throughput: bytes of the cleaned body HTML of the same posts):
//! - `html2md_body`: html2md 0.2.17 (GPL-3.0-or-later; a dev-dependency only, never linked into the
//!   binary) on each cleaned body;
//! - `htmd_body`: our converter, `html_to_markdown`, on the same strings.
//!
//! Every iteration processes the whole input set once (tens of milliseconds), so the groups use
//! flat sampling: criterion's reported time is then the mean of the samples. After each group, a
//! summary line per benchmark gives that mean time of one pass, MiB/s and pages/s, computed from
//! the same samples criterion analyses.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use tistory_migrate::convert::{ImageMap, check_fidelity, html_to_markdown, to_markdown};
use tistory_migrate::extract::decode::decode_page;
use tistory_migrate::extract::selectors::SelectorProfile;
use tistory_migrate::extract::{Page, PageSource, extract_page};
use tistory_migrate::model::{PageKind, Post};

const SAMPLE_SIZE: usize = 20;
const MEASUREMENT_TIME: Duration = Duration::from_secs(5);
const WARM_UP_TIME: Duration = Duration::from_secs(1);

/// One post page of the corpus, decoded and extracted once, outside the timed loops.
struct Input {
    name: String,
    html: String,
    post: Post,
}

impl Input {
    fn source(&self) -> PageSource {
        PageSource::named(&self.name)
    }

    fn body_html(&self) -> &str {
        &self
            .post
            .body
            .as_ref()
            .expect("inputs are public posts with a body")
            .html
    }
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("TISTORY_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/tistory"),
        PathBuf::from,
    )
}

/// The `*.html` files of `dir` that extract to a public post with a body, sorted by name.
fn load_posts(dir: &Path, profile: &SelectorProfile) -> std::io::Result<Vec<Input>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("html"))
        })
        .collect();
    paths.sort();
    let mut inputs = Vec::new();
    for path in &paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(path)?;
        let outcome = decode_page(&bytes, path).and_then(|decoded| {
            let page = extract_page(&decoded.html, &PageSource::named(&name), profile)?;
            Ok((decoded.html, page))
        });
        match outcome {
            Ok((html, Page::Entry(post)))
                if matches!(post.kind, PageKind::Post | PageKind::Notice)
                    && post.body.is_some() =>
            {
                // `Post::clone(&post)` whether the variant holds a `Post` or a `Box<Post>`.
                let post = Post::clone(&post);
                inputs.push(Input { name, html, post });
            }
            Ok((_, Page::Entry(post))) => {
                println!(
                    "  not timed: {name} (a {:?} entry without a body)",
                    post.kind
                );
            }
            Ok((_, Page::NotEntry { kind, .. })) => {
                println!("  not timed: {name} (not a post: {kind:?})");
            }
            Err(e) => println!("  not timed: {name} ({e})"),
        }
    }
    println!(
        "extract_convert bench: {} post pages of {} .html files in {}",
        inputs.len(),
        paths.len(),
        dir.display()
    );
    Ok(inputs)
}

/// The mean time of one pass over the inputs, as criterion computes it.
struct Measured {
    name: &'static str,
    mean: Duration,
}

/// Benchmarks `routine` over all `inputs` per iteration and returns the mean time of one pass,
/// or `None` when the benchmark did not run a full measurement (filtered out, `--test` mode).
fn bench_pass<I, R>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &'static str,
    inputs: &[I],
    mut routine: impl FnMut(&I) -> R,
) -> Option<Measured> {
    let mut samples: Vec<(u64, Duration)> = Vec::new();
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                for input in inputs {
                    black_box(routine(black_box(input)));
                }
            }
            let elapsed = start.elapsed();
            samples.push((iters, elapsed));
            elapsed
        });
    });
    // Warm-up calls come first; the last SAMPLE_SIZE calls are the measured samples.
    if samples.len() < SAMPLE_SIZE {
        return None;
    }
    let measured = &samples[samples.len() - SAMPLE_SIZE..];
    let mean_secs = measured
        .iter()
        .map(|&(iters, t)| t.as_secs_f64() / iters as f64)
        .sum::<f64>()
        / SAMPLE_SIZE as f64;
    Some(Measured {
        name,
        mean: Duration::from_secs_f64(mean_secs),
    })
}

fn print_summary(group: &str, results: &[Measured], pages: usize, bytes: usize) {
    if results.is_empty() {
        return;
    }
    println!("summary {group}: {pages} pages, {bytes} bytes per pass");
    for m in results {
        let secs = m.mean.as_secs_f64();
        println!(
            "  {:<18} {:>10.3} ms/pass  {:>8.2} MiB/s  {:>8.1} pages/s",
            m.name,
            secs * 1e3,
            bytes as f64 / secs / (1024.0 * 1024.0),
            pages as f64 / secs
        );
    }
}

fn ratio(results: &[Measured], num: &str, den: &str) -> Option<f64> {
    let find = |n: &str| results.iter().find(|m| m.name == n).map(|m| m.mean);
    Some(find(num)?.as_secs_f64() / find(den)?.as_secs_f64())
}

fn configure<'a>(c: &'a mut Criterion, name: &str, bytes: usize) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(SAMPLE_SIZE)
        .measurement_time(MEASUREMENT_TIME)
        .warm_up_time(WARM_UP_TIME)
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Bytes(bytes as u64));
    group
}

fn benches(c: &mut Criterion) {
    let dir = corpus_dir();
    if !dir.is_dir() {
        println!(
            "extract_convert bench skipped: no corpus directory at {} (set TISTORY_CORPUS)",
            dir.display()
        );
        return;
    }
    let profile = SelectorProfile::default();
    let inputs = match load_posts(&dir, &profile) {
        Ok(inputs) if !inputs.is_empty() => inputs,
        Ok(_) => {
            println!(
                "extract_convert bench skipped: no post pages in {}",
                dir.display()
            );
            return;
        }
        Err(e) => {
            println!(
                "extract_convert bench skipped: cannot read {}: {e}",
                dir.display()
            );
            return;
        }
    };
    let images = ImageMap::new();
    let pages = inputs.len();

    // (page text, Markdown of the body) for `fidelity_only`.
    let converted: Vec<(&str, String)> = inputs
        .iter()
        .map(|i| {
            let body = i.post.body.as_ref().expect("inputs have a body");
            (
                body.text.as_str(),
                html_to_markdown(&body.html, &images).expect("htmd converts"),
            )
        })
        .collect();

    let page_bytes: usize = inputs.iter().map(|i| i.html.len()).sum();
    let mut group = configure(c, "pages", page_bytes);
    let results: Vec<Measured> = [
        bench_pass(&mut group, "parse_only", &inputs, |i| {
            scraper::Html::parse_document(&i.html)
        }),
        bench_pass(&mut group, "structure_only", &inputs, |i| {
            // Parse + the structural pass (title, blocks after it, body container, region fields).
            let doc = scraper::Html::parse_document(&i.html);
            tistory_migrate::extract::structural_pass(&doc).tags
        }),
        bench_pass(&mut group, "extract_only", &inputs, |i| {
            extract_page(&i.html, &i.source(), &profile)
        }),
        bench_pass(&mut group, "extract_convert", &inputs, |i| {
            let page = extract_page(&i.html, &i.source(), &profile).expect("extracted before");
            let Page::Entry(post) = page else {
                unreachable!("{} was a post before", i.name)
            };
            to_markdown(&post, &images)
        }),
        bench_pass(&mut group, "to_markdown_only", &inputs, |i| {
            to_markdown(&i.post, &images)
        }),
        bench_pass(&mut group, "fidelity_only", &converted, |(text, md)| {
            check_fidelity(text, md)
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    group.finish();
    print_summary("pages", &results, pages, page_bytes);
    let mean = |n: &str| results.iter().find(|m| m.name == n).map(|m| m.mean);
    if let (Some(s), Some(p), Some(e)) = (
        mean("structure_only"),
        mean("parse_only"),
        mean("extract_only"),
    ) {
        let structural = s.saturating_sub(p);
        println!(
            "  structural pass: {:.3} ms/pass = {:.1} µs/page, {:.0}% of extract_only",
            structural.as_secs_f64() * 1e3,
            structural.as_secs_f64() * 1e6 / pages as f64,
            structural.as_secs_f64() / e.as_secs_f64() * 100.0
        );
    }
    if let Some(r) = ratio(&results, "extract_convert", "parse_only") {
        println!("  extract_convert / parse_only = {r:.2}x (aim: at most 2.0x)");
    }

    let body_bytes: usize = inputs.iter().map(|i| i.body_html().len()).sum();
    let mut group = configure(c, "bodies", body_bytes);
    let results: Vec<Measured> = [
        bench_pass(&mut group, "html2md_body", &inputs, |i| {
            html2md::parse_html(i.body_html())
        }),
        bench_pass(&mut group, "htmd_body", &inputs, |i| {
            html_to_markdown(i.body_html(), &images).expect("htmd converts")
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    group.finish();
    print_summary("bodies", &results, pages, body_bytes);
    if let Some(r) = ratio(&results, "html2md_body", "htmd_body") {
        println!("  html2md_body / htmd_body = {r:.2}x (above 1: ours is faster)");
    }
}

criterion_group!(extract_convert, benches);
criterion_main!(extract_convert);
