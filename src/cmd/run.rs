//! `newsclean run`: clean, then find near-duplicate paragraphs across the whole batch. The
//! clean pass stages its records in the output's staging directory; the dedup stage reads
//! them twice (sketch, then annotate) and writes the final `documents.jsonl`.

use super::batch::{self, Outcome};
use super::clean::finish;
use super::dedup::{config, count_clusters, detect, write_annotated, write_duplicates};
use super::{cleaner, init_threads, message, progress};
use crate::cli::RunCommandArgs;
use crate::exit_codes::Exit;
use crate::output::OutputDir;
use crate::report::RunReport;
use anyhow::Context;
use std::io::Write;
use std::time::Instant;

/// The staged clean records, inside the staging directory (never in the final output).
const STAGED: &str = ".cleaned.jsonl";

pub fn run(args: &RunCommandArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    init_threads(&args.run)?;
    let cleaner = cleaner(&args.rules)?;
    let config = config(&args.dedup)?;
    if args.output.out.as_os_str() == "-" {
        anyhow::bail!("run needs an output directory (--out DIR): near-duplicates are found across the whole batch before records are written");
    }
    let mut report = RunReport::new(cleaner.rules());
    let (reader, total) = batch::open_inputs(&args.input, &mut report);
    batch::install_interrupt_handler();
    let mut dir = OutputDir::create(
        &args.output.out,
        args.output.force,
        !args.output.no_text_files,
    )?;
    let staged = dir.staging().join(STAGED);
    let outcome = (|| -> anyhow::Result<Outcome> {
        let mut out = dir.create_file(STAGED)?;
        let bar = progress(total, args.run.quiet, "clean");
        let outcome = batch::process(reader, &cleaner, &bar, &mut report, |record| {
            serde_json::to_writer(&mut out, &record)?;
            out.write_all(b"\n")?;
            Ok(())
        })?;
        bar.finish_and_clear();
        out.flush()
            .with_context(|| format!("writing {}", staged.display()))?;
        if outcome == Outcome::Interrupted {
            return Ok(outcome);
        }
        let stage = detect(&staged, &config, args.run.quiet, &mut report, false)?;
        if batch::INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(Outcome::Interrupted);
        }
        write_annotated(&staged, &stage, args.dedup.dedup, &mut dir, args.run.quiet)?;
        write_duplicates(&dir, &stage.report)?;
        std::fs::remove_file(&staged).with_context(|| format!("removing {}", staged.display()))?;
        count_clusters(&mut report, &stage.report);
        if !args.run.quiet {
            message(stage.report.summary().trim_end());
        }
        Ok(Outcome::Finished)
    })();
    match outcome {
        Ok(Outcome::Finished) => {
            report.seconds = started.elapsed().as_secs_f64();
            dir.write_file("run.json", &serde_json::to_vec_pretty(&report)?)?;
            dir.commit()
                .with_context(|| format!("writing {}", args.output.out.display()))?;
            finish(
                &mut report,
                Outcome::Finished,
                started,
                args.run.quiet,
                &args.output.out,
            )
        }
        Ok(Outcome::Interrupted) => {
            dir.abandon();
            finish(
                &mut report,
                Outcome::Interrupted,
                started,
                args.run.quiet,
                &args.output.out,
            )
        }
        Err(e) => {
            dir.abandon();
            Err(e)
        }
    }
}
