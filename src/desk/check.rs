//! The desk's Naver check: the button starts [`crate::naver_check::check_naver`] in the
//! background (it paces itself, two seconds a request by default, so it takes a while); the
//! check page shows its progress and then the result post by post. One check at a time; the
//! result stays until the next one. Posts Naver lists that the ledger lacks are offered for
//! recording, and recorded only when the person clicks (through `DeskState::record`). The run itself is `check_run`.

use std::sync::{Arc, Mutex};

use crate::naver_check::{NaverCheckOptions, NaverReport};

/// Where the check is.
#[derive(Debug, Clone, Default)]
pub(crate) enum CheckStatus {
    /// Never started in this run.
    #[default]
    Idle,
    /// Running: posts done of posts to check, requests sent.
    Running {
        done: usize,
        total: usize,
        requests: usize,
    },
    /// Finished.
    Done(NaverReport),
    /// Could not run (the message says why).
    Failed(String),
}

/// The check's settings and its status, shared with the background task.
#[derive(Debug, Default)]
pub(crate) struct DeskCheck {
    pub(crate) options: NaverCheckOptions,
    pub(crate) status: Arc<Mutex<CheckStatus>>,
}

impl DeskCheck {
    pub(crate) fn new(options: NaverCheckOptions) -> Self {
        Self {
            options,
            status: Arc::default(),
        }
    }

    /// The status now.
    pub(crate) fn status(&self) -> CheckStatus {
        self.status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub(super) fn set(status: &Mutex<CheckStatus>, value: CheckStatus) {
        *status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = value;
    }
}
