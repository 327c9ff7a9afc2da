//! `newsclean dedup RECORDS.jsonl --out DIR`: near-duplicates across records `clean` wrote.

use super::{dedup_config, finish, init_threads, write_batch, Output};
use crate::cli::DedupCommandArgs;
use crate::exit_codes::Exit;
use crate::pipeline::Pipeline;
use crate::terminal::{cancel_on_signals, Terminal};
use crate::{Cleaner, Rules};
use std::io::Read;
use std::time::Instant;

pub fn run(args: &DedupCommandArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    init_threads(&args.run)?;
    let input = &args.input;
    crate::output::check_not_input(&args.output.out, std::slice::from_ref(input))?;
    let mut peek = [0u8; 2];
    if std::fs::File::open(input)
        .and_then(|mut f| f.read(&mut peek))
        .is_ok_and(|n| n == 2 && crate::input::decode::is_gzip(&peek))
    {
        anyhow::bail!(
            "{}: gzip-compressed records: decompress first (dedup reads records twice)",
            input.display()
        );
    }
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
    let output = Output {
        // The input is records (JSONL): text files only when asked for.
        text_files: args.output.text_files(false) && args.output.out.as_os_str() != "-",
        duplicates: true,
        duplicates_file: args.dedup.duplicates.clone(),
    };
    let done = write_batch(
        &args.output,
        std::slice::from_ref(input),
        output,
        &cancel,
        started,
        Box::new(|sink, work, duplicates| pipeline.dedup_records(input, sink, work, duplicates)),
    )?;
    Ok(finish(&done, started, args.run.quiet, &args.output))
}
