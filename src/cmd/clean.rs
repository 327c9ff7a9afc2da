//! `newsclean clean`: clean documents and write records (and text files) with `run.json`.

use super::{cleaner, finish, init_threads, reader, write_batch, Output};
use crate::cli::CleanArgs;
use crate::exit_codes::Exit;
use crate::pipeline::Pipeline;
use crate::terminal::{cancel_on_signals, Terminal};
use std::time::Instant;

pub fn run(args: &CleanArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    init_threads(&args.run)?;
    crate::output::check_not_input(&args.output.out, &args.input.inputs)?;
    let terminal = Terminal::new(args.run.quiet);
    let cancel = cancel_on_signals();
    let pipeline = Pipeline::new(cleaner(&args.rules)?)
        .removed_text(super::removed_text(&args.output))
        .keep_fields(args.input.keep_fields)
        .cancel(cancel.clone())
        .progress(&terminal);
    let reader = reader(&args.input);
    let output = Output {
        text_files: args.output.text_files(reader.text_only())
            && args.output.out.as_os_str() != "-",
        ..Output::default()
    };
    let done = write_batch(
        &args.output,
        &args.input.inputs,
        output,
        &cancel,
        started,
        Box::new(|sink, work, _| pipeline.run(reader, sink, work, None)),
    )?;
    Ok(finish(&done, started, args.run.quiet, &args.output))
}
