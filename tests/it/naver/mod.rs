//! The Naver-side check (issue 13) against a fake Naver Blog on 127.0.0.1 (`fake`): a faithful
//! post, one missing an image, one with a placeholder left, a truncated body, a different title,
//! a deleted post, a private one, one published twice, one the ledger lacks (listed by RSS), an
//! unreadable one, one readable only on the mobile site, one with a tag dropped, and a 429 that
//! is waited out; each reported with its finding, the requests paced and cookie-free (`check`).

pub mod check;
pub mod fake;
