//! A whole batch through the library alone, no CLI: read the inputs, clean, find
//! near-duplicates, write Dolma's layout (documents with the original text, newsclean's
//! removals and clusters as attribute spans), with progress printed as it comes.
//!
//! ```sh
//! cargo run --release --example library_batch -- samples /tmp/dolma-out
//! ```

use newsclean::dedup::DedupConfig;
use newsclean::input::{Fields, Reader};
use newsclean::output::annotate::DedupMode;
use newsclean::output::dolma::DolmaSink;
use newsclean::pipeline::{Cancel, Event, Outcome, Pipeline, Progress};
use newsclean::{Cleaner, Rules};
use std::path::PathBuf;

/// Progress as plain lines on stderr.
struct Log;

impl Progress for Log {
    fn event(&self, event: Event) {
        match event {
            Event::Started { stage, bytes } => {
                eprintln!("{}: started ({bytes} bytes)", stage.name())
            }
            Event::Finished { stage } => eprintln!("{}: finished", stage.name()),
            Event::Message(text) => eprintln!("{text}"),
            Event::Advanced { .. } => {}
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let (Some(input), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: library_batch INPUT OUT_DIR".into());
    };
    std::fs::create_dir_all(&out)?;
    let reader = Reader::open(&[input], Fields::default());
    let cleaner = Cleaner::new(Rules::builtin()?);
    let cancel = Cancel::new();
    let pipeline = Pipeline::new(cleaner)
        .dedup(DedupConfig::default(), DedupMode::Flag)
        .cancel(cancel.clone())
        .progress(&Log);
    let mut sink = DolmaSink::create(&out)?;
    let mut duplicates = std::fs::File::create(out.join("duplicates.jsonl"))?;
    let done = pipeline.run(reader, &mut sink, &out, Some(&mut duplicates))?;
    assert_eq!(done.outcome, Outcome::Finished);
    let report = &done.report;
    println!(
        "{} documents read, {} written, {} failed; {} clusters",
        report.documents_read,
        report.documents_written,
        report.documents_failed,
        done.dedup.map_or(0, |d| d.clusters.len())
    );
    Ok(())
}
