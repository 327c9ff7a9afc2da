//! `newsclean sketch INPUT... --out DIR`: paragraph sketches as Parquet shards, for the cluster job.

use super::{cleaner, init_threads, reader};
use crate::cli::SketchCommandArgs;
use crate::dedup::DedupConfig;
use crate::exit_codes::Exit;
use crate::output::{check_not_input, sketches::SketchShards};
use crate::pipeline::{Outcome, Pipeline};
use crate::terminal::{cancel_on_signals, message, Terminal};
use std::time::Instant;

pub fn run(args: &SketchCommandArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    init_threads(&args.run)?;
    let (terminal, cancel) = (Terminal::new(args.run.quiet), cancel_on_signals());
    let pipeline = Pipeline::new(cleaner(&args.rules)?)
        .cancel(cancel)
        .progress(&terminal);
    let config = DedupConfig {
        short_words: args.short_words,
        ..DedupConfig::default()
    };
    check_not_input(&args.out, &args.input.inputs)?;
    let shards = SketchShards::create(&args.out, args.force, &config, args.shard_rows)?
        .first_shard(args.first_shard)
        .allow_empty(args.allow_empty);
    let done = pipeline.sketch(reader(&args.input), &config, shards)?;
    let report = &done.report;
    if done.outcome == Outcome::Interrupted {
        message(format!(
            "interrupted: {} left as it was",
            args.out.display()
        ));
        return Ok(Exit::Interrupted);
    }
    if !args.run.quiet {
        message(report.summary(started.elapsed()));
    }
    let nothing = report.documents_written == 0 && !args.allow_empty;
    Ok(match report.documents_failed == 0 && !nothing {
        true => Exit::Success,
        false => Exit::Error,
    })
}
