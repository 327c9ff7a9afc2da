//! How a running batch tells its caller what it is doing, and how the caller stops it: a
//! [`Progress`] receives [`Event`]s (the CLI turns them into indicatif bars and messages on
//! stderr; an embedder may log them or ignore them), and a [`Cancel`] token, checked before
//! every document and between every chunk of every stage, stops the batch promptly.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A stage of the batch, as progress names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading and cleaning the documents (and sketching their paragraphs for dedup).
    Clean,
    /// Reading records back and sketching their paragraphs (`dedup` on a records file).
    Sketch,
    /// Candidate search, verification and clustering across the batch.
    Dedup,
    /// Writing the annotated records.
    Write,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Clean => "clean",
            Stage::Sketch => "sketch",
            Stage::Dedup => "dedup",
            Stage::Write => "write",
        }
    }
}

/// Something a batch reports while it runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A stage begins; `bytes` is how much input it will go through (0 when unknown).
    Started { stage: Stage, bytes: u64 },
    /// The stage went through `bytes` more input bytes; `documents` is its running total.
    Advanced {
        stage: Stage,
        bytes: u64,
        documents: u64,
    },
    /// The stage ended.
    Finished { stage: Stage },
    /// A line for the user: a failed document, a duplicate id, a stage's summary.
    Message(String),
}

/// Receives a batch's [`Event`]s, from any thread.
pub trait Progress: Sync {
    fn event(&self, event: Event);
}

/// Progress that goes nowhere.
pub struct Silent;

impl Progress for Silent {
    fn event(&self, _: Event) {}
}

/// Tells a running batch to stop. Clones share one flag: the caller keeps one (a signal
/// handler sets it), the batch checks another.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the batch to stop; returns whether it had been asked already.
    pub fn cancel(&self) -> bool {
        self.0.swap(true, Ordering::SeqCst)
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// The flag itself, for a reader that checks it deep inside a read.
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }
}
