//! Running the desk's Naver check in the background: the bundle as the check needs it, read from
//! the desk's state, and the task that updates the shared [`DeskCheck`] status. Apart from
//! `check` (the status types the state holds), so the state and the check do not import each other.

use std::sync::Arc;

use super::check::{CheckStatus, DeskCheck};
use super::state::DeskState;
use crate::naver_check::bundle_read::{ExpectedBundle, expected_post};
use crate::naver_check::check_naver;
use crate::report::error_chain;

/// The bundle as the check needs it (each post's `post.json` and `body.txt`).
fn expected(state: &DeskState) -> Result<ExpectedBundle, super::DeskError> {
    let mut posts = Vec::with_capacity(state.bundle.posts.len());
    for post in &state.bundle.posts {
        let body = state.bundle.read_post_file(post, "body.txt")?;
        posts.push(expected_post(&post.meta, body));
    }
    Ok(ExpectedBundle {
        footer: state.bundle.manifest.footer.enabled,
        posts,
    })
}

/// Starts a check unless one is running. Returns false when one already was.
pub(crate) fn start(state: &Arc<DeskState>) -> bool {
    {
        let mut status = state
            .check
            .status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if matches!(*status, CheckStatus::Running { .. }) {
            return false;
        }
        *status = CheckStatus::Running {
            done: 0,
            total: 0,
            requests: 0,
        };
    }
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let status = Arc::clone(&state.check.status);
        let outcome = async {
            let bundle = expected(&state).map_err(|e| error_chain(&e))?;
            let ledger = state.ledger_rows().map_err(|e| e.to_string())?;
            if ledger.is_empty() {
                return Err(
                    "아직 기록된 글이 없습니다. 글을 옮기고 주소를 기록한 뒤 확인하세요."
                        .to_string(),
                );
            }
            let progress = Arc::clone(&status);
            check_naver(
                &bundle,
                &ledger,
                &state.check.options,
                &move |requests, done, total| {
                    DeskCheck::set(
                        &progress,
                        CheckStatus::Running {
                            done,
                            total,
                            requests,
                        },
                    );
                },
            )
            .await
            .map_err(|e| error_chain(&e))
        }
        .await;
        DeskCheck::set(
            &status,
            match outcome {
                Ok(report) => CheckStatus::Done(report),
                Err(e) => CheckStatus::Failed(e),
            },
        );
    });
    true
}
