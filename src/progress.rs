//! Progress bars on stderr, passed around explicitly (never global). Hidden when stderr is not a
//! terminal, under `--no-progress`, at `-v` and above, and in tests ([`Progress::hidden`]). Log
//! lines go through [`LogWriter`], which suspends the bars while a line is written, so lines never
//! tear the bars.

use std::io::{self, IsTerminal as _, Write};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A set of progress bars, or nothing.
#[derive(Clone, Default)]
pub struct Progress {
    multi: Option<MultiProgress>,
}

impl Progress {
    /// Bars on stderr when `enabled` and stderr is a terminal.
    #[must_use]
    pub fn new(enabled: bool) -> Self {
        if enabled && io::stderr().is_terminal() {
            Self {
                multi: Some(MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
            }
        } else {
            Self::hidden()
        }
    }

    /// No bars (tests, pipes).
    #[must_use]
    pub fn hidden() -> Self {
        Self { multi: None }
    }

    /// A new bar for a stage: `label` and a length (0 = unknown yet).
    #[must_use]
    pub fn bar(&self, label: &str, len: u64) -> ProgressBar {
        let Some(multi) = &self.multi else {
            return ProgressBar::hidden();
        };
        let bar = multi.add(ProgressBar::new(len));
        let style = ProgressStyle::with_template(
            "{prefix:>10.bold} [{bar:30}] {pos}/{len} {msg} ({per_sec}, ETA {eta})",
        )
        .expect("the progress template is valid")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(label.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    /// A writer for log lines that keeps the bars intact.
    #[must_use]
    pub fn log_writer(&self) -> LogWriter {
        LogWriter {
            multi: self.multi.clone(),
        }
    }
}

/// Writes log output to stderr, around the bars.
#[derive(Clone)]
pub struct LogWriter {
    multi: Option<MultiProgress>,
}

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &self.multi {
            Some(m) => m
                .suspend(|| io::stderr().write_all(buf))
                .map(|()| buf.len()),
            None => io::stderr().write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
