//! The inline SVG charts of the HTML report: archived posts per year, and entries per state.
//! Plain `<svg>` with `<rect>` and `<text>` (no script, no external font or image), each bar with
//! a `<title>` tooltip. Pure.

use std::fmt::Write as _;

use super::{STATES, VerifyReport};
use crate::markup::escape_html as esc;

fn state_label(state: &str) -> &'static str {
    match state {
        "ok" => "보관됨 · archived",
        "notice" => "공지 · notice",
        "protected" => "보호글 · protected",
        "private" => "비공개 · private",
        "deleted" => "삭제됨 · deleted",
        "failed" => "실패 · failed",
        "pending" => "미수집 · never fetched",
        _ => "글 아님 · not a post",
    }
}

fn state_color(state: &str) -> &'static str {
    match state {
        "ok" => "#2e7d32",
        "notice" => "#00897b",
        "protected" => "#f9a825",
        "private" => "#757575",
        "deleted" => "#9e9e9e",
        "failed" => "#c62828",
        "pending" => "#ef6c00",
        _ => "#bdbdbd",
    }
}

/// Every year from the first to the last post (a year without posts shows as an empty slot),
/// then `unknown` for undated posts.
fn chart_years(r: &VerifyReport) -> Vec<(String, usize)> {
    let numeric: Vec<u32> = r
        .posts_per_year
        .keys()
        .filter_map(|y| y.parse().ok())
        .collect();
    let mut years: Vec<(String, usize)> = match (numeric.first(), numeric.last()) {
        (Some(&first), Some(&last)) if last - first < 200 => (first..=last)
            .map(|y| {
                let n = r.posts_per_year.get(&y.to_string()).copied().unwrap_or(0);
                (y.to_string(), n)
            })
            .collect(),
        _ => numeric
            .iter()
            .map(|y| (y.to_string(), r.posts_per_year[&y.to_string()]))
            .collect(),
    };
    years.extend(
        r.posts_per_year
            .iter()
            .filter(|(y, _)| y.parse::<u32>().is_err())
            .map(|(y, n)| (y.clone(), *n)),
    );
    years
}

/// Vertical bars of archived posts per year.
pub(super) fn year_chart(r: &VerifyReport) -> String {
    let years = chart_years(r);
    let max = years.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let bar_w = 36usize;
    let width = (years.len() * (bar_w + 8) + 16).max(200);
    let (top, plot_h) = (20usize, 160usize);
    let height = top + plot_h + 40;
    let mut s = format!(
        r#"<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="year-title"><title id="year-title">연도별 보관된 글 · archived posts per year</title>"#
    );
    let _ = write!(
        s,
        r##"<line x1="8" y1="{y}" x2="{x2}" y2="{y}" stroke="#9e9e9e"/>"##,
        y = top + plot_h,
        x2 = width - 8
    );
    for (i, (year, n)) in years.iter().enumerate() {
        let h = (*n * plot_h).div_ceil(max);
        let x = 12 + i * (bar_w + 8);
        let y = top + plot_h - h;
        let _ = write!(
            s,
            r##"<g data-year="{year}"><rect x="{x}" y="{y}" width="{bar_w}" height="{h}" fill="#2e7d32"><title>{year}: {n}</title></rect><text x="{cx}" y="{ty}" text-anchor="middle" font-size="12">{n}</text><text x="{cx}" y="{ly}" text-anchor="middle" font-size="11" fill="#5f6368">{year}</text></g>"##,
            year = esc(year),
            cx = x + bar_w / 2,
            ty = y.saturating_sub(4).max(12),
            ly = top + plot_h + 16,
        );
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars of entries per state.
pub(super) fn status_chart(r: &VerifyReport) -> String {
    let max = r.states.values().copied().max().unwrap_or(0).max(1);
    let (label_w, bar_max, row_h) = (170usize, 260usize, 26usize);
    let width = label_w + bar_max + 60;
    let height = STATES.len() * row_h + 10;
    let mut s = format!(
        r#"<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="state-title"><title id="state-title">상태별 글 · entries per state</title>"#
    );
    for (i, state) in STATES.iter().enumerate() {
        let n = r.states.get(state).copied().unwrap_or(0);
        let w = (n * bar_max).div_ceil(max);
        let y = 5 + i * row_h;
        let _ = write!(
            s,
            r##"<g data-state="{state}"><text x="{lx}" y="{ty}" text-anchor="end" font-size="12">{label}</text><rect x="{label_w}" y="{y}" width="{w}" height="18" fill="{color}"><title>{label}: {n}</title></rect><text x="{nx}" y="{ty}" font-size="12">{n}</text></g>"##,
            lx = label_w - 6,
            ty = y + 14,
            label = esc(state_label(state)),
            color = state_color(state),
            nx = label_w + w + 6,
        );
    }
    s.push_str("</svg>");
    s
}
