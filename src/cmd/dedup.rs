//! `newsclean dedup RECORDS.jsonl --out DIR`: near-duplicates across records `clean` wrote.

use super::{dedup_config, finish, init_threads, target, write_batch};
use crate::cli::DedupCommandArgs;
use crate::exit_codes::Exit;
use crate::pipeline::Pipeline;
use crate::terminal::{cancel_on_signals, Terminal};
use crate::{Cleaner, Rules};
use std::time::Instant;

pub fn run(args: &DedupCommandArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    init_threads(&args.run)?;
    let input = &args.input;
    if args.output.format == crate::cli::Format::Dolma {
        anyhow::bail!("--format dolma needs the original texts, which records do not hold: use `newsclean run INPUT... --format dolma`");
    }
    let terminal = Terminal::new(args.run.quiet);
    let cancel = cancel_on_signals();
    let pipeline = Pipeline::new(Cleaner::new(Rules::default()))
        .dedup(dedup_config(&args.dedup)?, args.dedup.dedup.into())
        .removed_text(super::removed_text(&args.output))
        .cancel(cancel.clone())
        .progress(&terminal);
    // The input is records (JSONL): text files only when asked for.
    let target = target(
        &args.output,
        args.output.text_files(false),
        true,
        args.dedup.duplicates.clone(),
    );
    let done = write_batch(
        &target,
        std::slice::from_ref(input),
        &cancel,
        &terminal,
        started,
        Box::new(|sink, work, duplicates| pipeline.dedup_records(input, sink, work, duplicates)),
    )?;
    Ok(finish(&done, started, args.run.quiet, &args.output))
}
