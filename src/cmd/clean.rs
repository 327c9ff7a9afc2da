//! `newsclean clean`: clean documents and write records (and text files) with `run.json`.

use super::{cleaner, finish, init_threads, reader, target, write_batch};
use crate::cli::CleanArgs;
use crate::exit_codes::Exit;
use crate::pipeline::Pipeline;
use crate::terminal::{cancel_on_signals, Terminal};
use std::time::Instant;

pub fn run(args: &CleanArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    init_threads(&args.run)?;
    let terminal = Terminal::new(args.run.quiet);
    let cancel = cancel_on_signals();
    let pipeline = Pipeline::new(cleaner(&args.rules)?)
        .removed_text(super::removed_text(&args.output))
        .keep_fields(args.input.keep_fields)
        .cancel(cancel.clone())
        .progress(&terminal);
    let reader = reader(&args.input);
    let target = target(
        &args.output,
        args.output.text_files(reader.text_only()),
        false,
        None,
    );
    let done = write_batch(
        &target,
        &args.input.inputs,
        &cancel,
        &terminal,
        started,
        Box::new(|sink, work, _| pipeline.run(reader, sink, work, None)),
    )?;
    Ok(finish(&done, started, args.run.quiet, &args.output))
}
