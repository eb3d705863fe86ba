//! Progress on stderr while a command reads and indexes a large workspace: articles read of all, the rate and the
//! time left, then a spinner while the entities and passages are indexed. Shown only when stderr is a terminal and
//! `--quiet` was not given, so pipes, CI logs and editors see plain output.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::load::LoadProgress;

/// Whether a command shows progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowProgress {
    /// On stderr, when it is a terminal.
    WhenTerminal,
    /// Never (`--quiet`).
    Never,
}

/// The progress display of one load; cleared when dropped, so the command's output starts on a clean line.
pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A display on stderr if `show` allows and stderr is a terminal; otherwise one that draws nothing.
    pub(crate) fn new(show: ShowProgress) -> Progress {
        let visible = show == ShowProgress::WhenTerminal && std::io::stderr().is_terminal();
        let target = if visible { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        Progress { bar: ProgressBar::with_draw_target(None, target) }
    }

    /// Moves the display on by one step of the load.
    pub(crate) fn observe(&self, step: LoadProgress) {
        match step {
            LoadProgress::Articles(total) => {
                self.bar.set_style(reading_style());
                self.bar.set_length(total as u64);
                self.bar.set_position(0);
            }
            LoadProgress::ArticleRead => self.bar.inc(1),
            LoadProgress::Indexing => {
                self.bar.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("template"));
                self.bar.set_message("indexing entities and passages");
                self.bar.enable_steady_tick(Duration::from_millis(120));
            }
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

fn reading_style() -> ProgressStyle {
    ProgressStyle::with_template("reading articles {bar:30} {human_pos}/{human_len} ({per_sec}, {eta} left)")
        .expect("template")
        .progress_chars("=> ")
}
