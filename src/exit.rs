//! The exit codes, and the one mapping from an error to its code. Every command ends either in a
//! report (whose outcome gives 0, 2 or 4: see `exit()` on each report) or in an error, which is
//! mapped here and nowhere else. The table is the README's "Exit codes":
//!
//! | code | when |
//! |---|---|
//! | 0 | everything worked |
//! | 1 | the run could not go on: the archive cannot be written, the state database fails, the blog cannot be reached |
//! | 2 | the run finished, but some items failed |
//! | 3 | bad arguments or configuration: a bad flag value, an address that is not a Tistory blog, an archive another run holds, a refused backup, a directory that is not an archive |
//! | 4 | `verify` found gaps |

use crate::config::OptionError;
use crate::crawl::CrawlError;
use crate::crawl::lock::LockError;
use crate::desk::DeskError;
use crate::import::ImportError;
pub use crate::report::Exit;
use crate::verify::VerifyError;
use crate::warc::load_error::ServeDirError;

/// An error that knows its exit code.
pub trait ToExit {
    /// The code the process ends with when this error stops the command.
    fn exit(&self) -> Exit;
}

impl ToExit for OptionError {
    fn exit(&self) -> Exit {
        Exit::BadArgs
    }
}

impl ToExit for CrawlError {
    /// An address that is not a Tistory blog, an archive another run holds, a folder leading out
    /// of the archive, and a repair of an empty archive are the user's to fix (3); the rest is 1.
    fn exit(&self) -> Exit {
        match self {
            Self::NotTistory { .. }
            | Self::Locked(LockError::Held { .. })
            | Self::FolderOutside(_)
            | Self::NothingToRepair { .. } => Exit::BadArgs,
            _ => Exit::Unexpected,
        }
    }
}

impl ToExit for ImportError {
    /// A backup that is refused (unreadable, unknown, truncated, hostile, not a backup) is 3; an
    /// archive that cannot be written is 1.
    fn exit(&self) -> Exit {
        match self {
            Self::Archive { .. } => Exit::Unexpected,
            _ => Exit::BadArgs,
        }
    }
}

impl ToExit for VerifyError {
    /// A directory that is not an archive, or a `--naver` check that cannot run, is 3.
    fn exit(&self) -> Exit {
        match self {
            Self::NotAnArchive { .. }
            | Self::NaverBundle { .. }
            | Self::NothingPublished
            | Self::Naver(_) => Exit::BadArgs,
            _ => Exit::Unexpected,
        }
    }
}

impl ToExit for DeskError {
    /// What the user passed (a bundle, an archive, a blog id, a port) is 3; a failing database 1.
    fn exit(&self) -> Exit {
        match self {
            Self::Db(_) => Exit::Unexpected,
            _ => Exit::BadArgs,
        }
    }
}

impl ToExit for ServeDirError {
    /// A source that cannot be loaded, or a port that cannot be bound, is 3.
    fn exit(&self) -> Exit {
        Exit::BadArgs
    }
}

/// The exit code of an error that stopped a command: the code of the first error in its chain
/// that knows one (context added with `anyhow` is looked through), else 1.
#[must_use]
pub fn exit_for(e: &anyhow::Error) -> Exit {
    e.chain()
        .find_map(|cause| {
            None.or_else(|| cause.downcast_ref::<OptionError>().map(ToExit::exit))
                .or_else(|| cause.downcast_ref::<CrawlError>().map(ToExit::exit))
                .or_else(|| cause.downcast_ref::<ImportError>().map(ToExit::exit))
                .or_else(|| cause.downcast_ref::<VerifyError>().map(ToExit::exit))
                .or_else(|| cause.downcast_ref::<DeskError>().map(ToExit::exit))
                .or_else(|| cause.downcast_ref::<ServeDirError>().map(ToExit::exit))
        })
        .unwrap_or(Exit::Unexpected)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use anyhow::Context as _;

    use super::*;

    /// A few rows of the README's table, through the one mapping.
    #[test]
    fn errors_map_to_the_documented_codes() {
        let bad_flag = OptionError::range("--rate", -1, "requests per second, 0 or more");
        assert_eq!(exit_for(&bad_flag.into()), Exit::BadArgs);
        let not_tistory = CrawlError::NotTistory {
            url: "https://example.com/".into(),
            why: "no Tistory markers".into(),
        };
        assert_eq!(exit_for(&not_tistory.into()), Exit::BadArgs);
        let unwritable = CrawlError::ArchiveDir {
            path: PathBuf::from("/x"),
            source: std::io::Error::other("read-only"),
        };
        assert_eq!(exit_for(&unwritable.into()), Exit::Unexpected);
        let not_archive = VerifyError::NotAnArchive {
            path: PathBuf::from("/x"),
        };
        // Context added by a command does not hide the code.
        let wrapped = anyhow::Error::from(not_archive).context("while verifying /x");
        assert_eq!(exit_for(&wrapped), Exit::BadArgs);
        let unknown: anyhow::Result<()> = Err(std::io::Error::other("disk")).context("writing");
        assert_eq!(exit_for(&unknown.unwrap_err()), Exit::Unexpected);
    }

    /// The codes are the numbers the README's table gives.
    #[test]
    fn codes_are_the_documented_numbers() {
        let readme = include_str!("../README.md");
        let table = readme
            .split("## Exit codes")
            .nth(1)
            .expect("the README has an exit-code section");
        for (exit, code) in [
            (Exit::Ok, "| 0 |"),
            (Exit::Unexpected, "| 1 |"),
            (Exit::ItemsFailed, "| 2 |"),
            (Exit::BadArgs, "| 3 |"),
            (Exit::Gaps, "| 4 |"),
        ] {
            assert_eq!(format!("| {} |", exit as u8), code);
            assert!(table.contains(code), "the README's table lacks {code}");
        }
    }
}
