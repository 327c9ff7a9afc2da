//! `newsclean run`: clean, then find near-duplicate paragraphs across the whole batch, writing
//! the annotated records, `duplicates.jsonl` and `run.json`.

use super::{cleaner, dedup_config, fields, finish, init_threads, reader, target, write_batch};
use crate::cli::{Format, RunCommandArgs};
use crate::exit_codes::Exit;
use crate::pipeline::{Outcome, Pipeline};
use crate::terminal::{cancel_on_signals, Terminal};
use std::time::Instant;

pub fn run(args: &RunCommandArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    if args.report {
        crate::html_report::check_output(&args.output.out, args.output.format == Format::Jsonl)?;
    }
    init_threads(&args.run)?;
    let terminal = Terminal::new(args.run.quiet);
    let cancel = cancel_on_signals();
    let pipeline = Pipeline::new(cleaner(&args.rules)?)
        .dedup(dedup_config(&args.dedup)?, args.dedup.dedup.into())
        .removed_text(super::removed_text(&args.output))
        .keep_fields(args.input.keep_fields)
        .cancel(cancel.clone())
        .progress(&terminal);
    let reader = reader(&args.input);
    let target = target(
        &args.output,
        args.output.text_files(reader.text_only()),
        true,
        args.dedup.duplicates.clone(),
    );
    let done = write_batch(
        &target,
        &args.input.inputs,
        &cancel,
        &terminal,
        started,
        Box::new(|sink, work, duplicates| pipeline.run(reader, sink, work, duplicates)),
    )?;
    let exit = finish(&done, started, args.run.quiet, &args.output);
    // Only over an output this run wrote: an interrupted or empty run leaves the previous one.
    let wrote = done.outcome == Outcome::Finished
        && (done.report.documents_written > 0 || args.output.allow_empty);
    if args.report && wrote {
        super::report::write(&args.output.out, Some(fields(&args.input)), args.run.quiet)?;
    }
    Ok(exit)
}
