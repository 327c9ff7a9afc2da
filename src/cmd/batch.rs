//! The streaming loop `clean` and `run` share: read documents in chunks, clean each chunk in
//! parallel with rayon, hand the records to a sink in input order, count everything.
//!
//! Chunks bound memory (a batch never has to fit at once) and keep output order equal to input
//! order whatever the thread count. Ctrl-C is checked between chunks.

use super::message;
use crate::input::{InputError, Reader};
use crate::output::Record;
use crate::report::RunReport;
use crate::Cleaner;
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Documents per chunk, and bytes per chunk: whichever is reached first ends it.
const CHUNK_DOCS: usize = 2048;
const CHUNK_BYTES: usize = 16 << 20;

/// Failures printed one by one before the rest are only counted (all are in `run.json`).
const PRINTED_FAILURES: u64 = 20;

/// Set by the Ctrl-C / SIGTERM handler.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler that sets [`INTERRUPTED`]; the loop stops at the next chunk.
pub fn install_interrupt_handler() {
    // Failing to install (a handler already set, in tests) leaves the default behaviour: fine.
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// How the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Finished,
    Interrupted,
}

/// Records a failed input: counted, and printed while there are few.
pub fn report_failure(report: &mut RunReport, error: &InputError) {
    if report.documents_failed < PRINTED_FAILURES {
        message(error);
    } else if report.documents_failed == PRINTED_FAILURES {
        message("more failures: only counted from here (all are listed in run.json)");
    }
    report.failed(error.origin.to_string(), error.kind.to_string());
}

/// Cleans every document `reader` yields and passes its record to `sink`, in input order.
pub fn process(
    reader: Reader,
    cleaner: &Cleaner,
    progress: &ProgressBar,
    report: &mut RunReport,
    mut sink: impl FnMut(Record) -> anyhow::Result<()>,
) -> anyhow::Result<Outcome> {
    let mut reader = reader.peekable();
    while reader.peek().is_some() {
        if INTERRUPTED.load(Ordering::SeqCst) {
            return Ok(Outcome::Interrupted);
        }
        let mut chunk = Vec::with_capacity(CHUNK_DOCS);
        let mut bytes = 0;
        while chunk.len() < CHUNK_DOCS && bytes < CHUNK_BYTES {
            let Some(item) = reader.next() else { break };
            if let Ok(doc) = &item {
                bytes += doc.text.len();
            }
            chunk.push(item);
        }
        let cleaned: Vec<Result<(Record, usize), InputError>> = chunk
            .into_par_iter()
            .map(|item| {
                item.map(|doc| {
                    let len = doc.text.len();
                    (
                        Record::new(cleaner.clean(&doc), doc.origin.to_string()),
                        len,
                    )
                })
            })
            .collect();
        for item in cleaned {
            match item {
                Ok((record, len)) => {
                    report.written(&record.site, record.paragraphs.len(), &record.removed, len);
                    progress.inc(len as u64);
                    sink(record)?;
                }
                Err(e) => report_failure(report, &e),
            }
        }
        progress.set_message(format!("{} docs", report.documents_read));
    }
    Ok(Outcome::Finished)
}
