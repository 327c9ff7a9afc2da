//! `newsclean run`: clean, then find near-duplicate paragraphs across the whole batch, writing
//! the annotated records, `duplicates.jsonl` and `run.json`.

use super::{cleaner, dedup_config, fields, finish, init_threads, into_dir};
use crate::cli::RunCommandArgs;
use crate::exit_codes::Exit;
use crate::input::Reader;
use crate::pipeline::Pipeline;
use crate::terminal::{cancel_on_signals, Terminal};
use std::time::Instant;

pub fn run(args: &RunCommandArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    init_threads(&args.run)?;
    if args.output.out.as_os_str() == "-" {
        anyhow::bail!("run needs an output directory (--out DIR): near-duplicates are found across the whole batch before records are written");
    }
    let terminal = Terminal::new(args.run.quiet);
    let pipeline = Pipeline::new(cleaner(&args.rules)?)
        .dedup(dedup_config(&args.dedup)?, args.dedup.dedup.into())
        .removed_text(super::removed_text(&args.output))
        .cancel(cancel_on_signals())
        .progress(&terminal);
    let reader = Reader::open(&args.input.inputs, fields(&args.input));
    let text_files = args.output.text_files(reader.text_only());
    let done = into_dir(
        &args.output,
        text_files,
        true,
        started,
        |sink, work, duplicates| pipeline.run(reader, sink, work, duplicates),
    )?;
    Ok(finish(&done, started, args.run.quiet, &args.output.out))
}
