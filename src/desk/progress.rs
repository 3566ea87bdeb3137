//! Where the migration stands, computed from the bundle's order and the ledger alone (the desk
//! keeps no state of its own, so a desk stopped at any moment restarts where it was): how many
//! posts are on Naver, how many remain, how many were recorded today, and which post comes next.
//! "Today" is the calendar day in Korea (UTC+09:00), the day Naver's daily limit counts. Once
//! today's count reaches the daily cap no next post is offered. Pure.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::extract::dates::kst;

/// The daily cap when none is given.
pub const DEFAULT_DAILY_CAP: u32 = 20;
/// The highest daily cap accepted: Naver allows about 200 posts a day per blog.
pub const MAX_DAILY_CAP: u32 = 199;

/// A daily cap of 0 or above [`MAX_DAILY_CAP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the daily cap must be between 1 and {MAX_DAILY_CAP} (Naver allows about 200 posts a day); got {0}"
)]
pub struct DailyCapOutOfRange(pub u32);

/// A daily cap between 1 and [`MAX_DAILY_CAP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyCap(u32);

impl DailyCap {
    /// Checks `n`.
    ///
    /// # Errors
    /// [`DailyCapOutOfRange`] when `n` is 0 or above [`MAX_DAILY_CAP`].
    pub fn new(n: u32) -> Result<Self, DailyCapOutOfRange> {
        if (1..=MAX_DAILY_CAP).contains(&n) {
            Ok(Self(n))
        } else {
            Err(DailyCapOutOfRange(n))
        }
    }

    /// The number.
    #[must_use]
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for DailyCap {
    fn default() -> Self {
        Self(DEFAULT_DAILY_CAP)
    }
}

/// One post recorded as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPost {
    /// The Tistory post id.
    pub post_id: u64,
    /// Its Naver URL as recorded.
    pub naver_url: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// What the desk offers next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "post_id", rename_all = "snake_case")]
pub enum NextPost {
    /// This post, the oldest not yet published.
    Post(u64),
    /// Today's cap is reached: nothing until tomorrow (KST).
    CapReached,
    /// Every post of the bundle is published.
    AllDone,
}

/// The progress of the migration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// Posts in the bundle.
    pub total: usize,
    /// Posts of the bundle recorded as published.
    pub published: usize,
    /// Posts of the bundle not yet published.
    pub remaining: usize,
    /// Posts recorded today (KST), whatever the bundle: Naver counts every post of the blog.
    pub today: u32,
    /// The daily cap.
    pub cap: u32,
    /// What comes next.
    pub next: NextPost,
    /// Today's date in Korea, `YYYY-MM-DD`.
    pub today_date: String,
}

impl Progress {
    /// Computes the progress of the bundle's posts (`order`: upload order) from the ledger's
    /// `records` at `now`.
    #[must_use]
    pub fn compute(
        order: &[u64],
        records: &[PublishedPost],
        cap: DailyCap,
        now: DateTime<Utc>,
    ) -> Self {
        let by_post: HashMap<u64, &PublishedPost> =
            records.iter().map(|r| (r.post_id, r)).collect();
        let today_date = now.with_timezone(&kst()).date_naive();
        let today = records
            .iter()
            .filter(|r| r.recorded_at.with_timezone(&kst()).date_naive() == today_date)
            .count();
        let today = u32::try_from(today).unwrap_or(u32::MAX);
        let published = order.iter().filter(|id| by_post.contains_key(id)).count();
        let first_unpublished = order.iter().copied().find(|id| !by_post.contains_key(id));
        let next = match first_unpublished {
            None => NextPost::AllDone,
            Some(_) if today >= cap.get() => NextPost::CapReached,
            Some(id) => NextPost::Post(id),
        };
        Self {
            total: order.len(),
            published,
            remaining: order.len() - published,
            today,
            cap: cap.get(),
            next,
            today_date: today_date.format("%Y-%m-%d").to_string(),
        }
    }

    /// True when today's cap is reached.
    #[must_use]
    pub fn cap_reached(&self) -> bool {
        self.today >= self.cap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn rec(post_id: u64, when: &str) -> PublishedPost {
        PublishedPost {
            post_id,
            naver_url: format!("https://blog.naver.com/x/{post_id}"),
            recorded_at: at(when),
        }
    }

    #[test]
    fn caps_are_checked() {
        assert!(DailyCap::new(0).is_err());
        assert!(DailyCap::new(200).is_err());
        assert_eq!(DailyCap::new(199).unwrap().get(), 199);
        assert_eq!(DailyCap::default().get(), 20);
    }

    #[test]
    fn the_oldest_unpublished_post_comes_next() {
        let now = at("2026-01-10T12:00:00+09:00");
        let p = Progress::compute(
            &[5, 1, 9],
            &[rec(5, "2026-01-09T10:00:00+09:00")],
            DailyCap::default(),
            now,
        );
        assert_eq!((p.total, p.published, p.remaining, p.today), (3, 1, 2, 0));
        assert_eq!(p.next, NextPost::Post(1));
        assert_eq!(p.today_date, "2026-01-10");
    }

    #[test]
    fn the_day_is_korean_and_the_cap_stops_the_offer() {
        // 23:30 UTC on the 9th is 08:30 on the 10th in Korea.
        let now = at("2026-01-09T23:30:00Z");
        let records = [
            rec(1, "2026-01-10T00:10:00+09:00"),
            rec(2, "2026-01-09T23:59:00+09:00"),
            rec(77, "2026-01-10T08:00:00+09:00"),
        ];
        let cap = DailyCap::new(2).unwrap();
        let p = Progress::compute(&[1, 2, 3], &records, cap, now);
        assert_eq!((p.published, p.remaining, p.today), (2, 1, 2));
        assert_eq!(p.next, NextPost::CapReached);
        assert!(p.cap_reached());
        let p = Progress::compute(&[1, 2, 3], &records, DailyCap::new(3).unwrap(), now);
        assert_eq!(p.next, NextPost::Post(3));
        let p = Progress::compute(&[1, 2], &records, cap, now);
        assert_eq!(p.next, NextPost::AllDone);
    }
}
