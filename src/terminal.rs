//! What the CLI shows on stderr while a batch runs: the pipeline's [`Event`]s as indicatif
//! bars (hidden when stderr is not a terminal, or with `--quiet`) and `newsclean:` messages,
//! and the signal handler that turns Ctrl-C or SIGTERM into a [`Cancel`].

use crate::pipeline::{Cancel, Event, Progress, Stage};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

/// Prints a message to stderr, prefixed like every message newsclean prints.
pub fn message(text: impl std::fmt::Display) {
    eprintln!("newsclean: {text}");
}

/// Progress bars and messages on stderr.
pub struct Terminal {
    /// Whether bars are drawn (stderr is a terminal and not `--quiet`).
    bars: bool,
    /// Whether messages other than failures are printed (not `--quiet`).
    chatty: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Terminal {
    pub fn new(quiet: bool) -> Terminal {
        Terminal {
            bars: !quiet && std::io::stderr().is_terminal(),
            chatty: !quiet,
            bar: Mutex::new(None),
        }
    }

    fn start(&self, stage: Stage, bytes: u64) -> Option<ProgressBar> {
        if !self.bars {
            return None;
        }
        let label = stage.name();
        let bar = if bytes == 0 {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{label:>8} {{spinner}} [{{elapsed_precise}}] {{msg}}"
                ))
                .expect("valid progress template"),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(250));
            bar
        } else {
            let bar =
                ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::stderr_with_hz(4));
            let template = format!(
                "{label:>8} [{{elapsed_precise}}] {{wide_bar}} {{bytes}}/{{total_bytes}} {{bytes_per_sec}} ETA {{eta}} {{msg}}"
            );
            bar.set_style(
                ProgressStyle::with_template(&template).expect("valid progress template"),
            );
            bar
        };
        Some(bar)
    }
}

impl Progress for Terminal {
    fn event(&self, event: Event) {
        let mut bar = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        match event {
            Event::Started { stage, bytes } => {
                if let Some(old) = bar.take() {
                    old.finish_and_clear();
                }
                *bar = self.start(stage, bytes);
            }
            Event::Advanced {
                bytes, documents, ..
            } => {
                if let Some(bar) = bar.as_ref() {
                    bar.inc(bytes);
                    let seconds = bar.elapsed().as_secs_f64().max(1e-3);
                    bar.set_message(format!(
                        "{documents} docs, {:.0} docs/s",
                        documents as f64 / seconds
                    ));
                }
            }
            Event::Finished { .. } => {
                if let Some(old) = bar.take() {
                    old.finish_and_clear();
                }
            }
            Event::Message(text) => {
                // Failures and warnings always; the stage summaries only when not quiet.
                let chatter = text.starts_with("dedup:") || text.starts_with("sketch:");
                if self.chatty || !chatter {
                    match bar.as_ref() {
                        Some(bar) => bar.suspend(|| message(&text)),
                        None => message(&text),
                    }
                }
            }
        }
    }
}

/// How long a run may take to stop on its own after the first signal before it is stopped
/// hard. Every stage checks the token often enough to stop within a fraction of this; the
/// limit is for what cannot check it (a read from standard input that no data ends).
const STOP_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// A cancel token that Ctrl-C and SIGTERM set. A second signal, or the run still going
/// [`STOP_LIMIT`] after the first, exits at once (status 130), removing the staging output
/// first.
pub fn cancel_on_signals() -> Cancel {
    let cancel = Cancel::new();
    let handler = cancel.clone();
    // Failing to install (a handler already set, in tests) leaves the default behaviour: fine.
    let _ = ctrlc::set_handler(move || {
        if handler.cancel() {
            stop_now("interrupted again: stopping now; no output written");
        }
        std::thread::spawn(|| {
            std::thread::sleep(STOP_LIMIT);
            stop_now("still running 2 s after the signal (blocked on input?): stopping now; no output written");
        });
    });
    cancel
}

/// Exits with the interrupted status after removing the staging output. ctrlc runs its
/// handler on a thread of its own, not in signal context: file calls are fine.
fn stop_now(why: &str) -> ! {
    crate::output::remove_staging_dirs();
    message(why);
    std::process::exit(i32::from(crate::exit_codes::Exit::Interrupted.code()));
}
