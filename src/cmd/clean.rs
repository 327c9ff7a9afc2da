//! `newsclean clean`: clean documents and write records (and text files) with `run.json`.

use super::{cleaner, fields, finish, init_threads, into_dir};
use crate::cli::CleanArgs;
use crate::exit_codes::Exit;
use crate::input::Reader;
use crate::output::JsonlSink;
use crate::pipeline::Pipeline;
use crate::terminal::{cancel_on_signals, Terminal};
use std::time::Instant;

pub fn run(args: &CleanArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    init_threads(&args.run)?;
    let terminal = Terminal::new(args.run.quiet);
    let pipeline = Pipeline::new(cleaner(&args.rules)?)
        .removed_text(super::removed_text(&args.output))
        .cancel(cancel_on_signals())
        .progress(&terminal);
    let reader = Reader::open(&args.input.inputs, fields(&args.input));
    let done = if args.output.out.as_os_str() == "-" {
        if args.output.format != crate::cli::Format::Jsonl {
            anyhow::bail!("--out - streams JSONL only: give --format jsonl or an output directory");
        }
        pipeline.run(
            reader,
            &mut JsonlSink::stdout(),
            &std::env::temp_dir(),
            None,
        )?
    } else {
        let text_files = args.output.text_files(reader.text_only());
        into_dir(&args.output, text_files, false, started, |sink, work, _| {
            pipeline.run(reader, sink, work, None)
        })?
    };
    Ok(finish(&done, started, args.run.quiet, &args.output.out))
}
