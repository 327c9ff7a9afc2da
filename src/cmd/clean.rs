//! `newsclean clean`: clean documents and write records, text files and `run.json`.

use super::batch::{self, Outcome};
use super::{cleaner, init_threads, message, progress};
use crate::cli::CleanArgs;
use crate::exit_codes::Exit;
use crate::output::OutputDir;
use crate::report::RunReport;
use anyhow::Context;
use std::io::{self, Write};
use std::time::Instant;

pub fn run(args: &CleanArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    init_threads(&args.run)?;
    let cleaner = cleaner(&args.rules)?;
    let mut report = RunReport::new(cleaner.rules());
    let (reader, total) = batch::open_inputs(&args.input, &mut report);
    batch::install_interrupt_handler();

    let outcome = if args.output.out.as_os_str() == "-" {
        // Not `stdout().lock()`: the sink runs on a pool thread, and a lock guard stays put.
        let mut out = io::BufWriter::with_capacity(1 << 20, io::stdout());
        let bar = progress(total, args.run.quiet, "clean");
        let outcome = batch::process(
            reader,
            &cleaner,
            &bar,
            &mut report,
            |record| Ok(record.to_json()?),
            |_, line| {
                out.write_all(&line)?;
                out.write_all(b"\n")?;
                Ok(())
            },
        );
        bar.finish_and_clear();
        match outcome.and_then(|o| out.flush().map(|_| o).map_err(Into::into)) {
            Err(e) if is_broken_pipe(&e) => return Ok(Exit::Success),
            other => other?,
        }
    } else {
        let mut dir = OutputDir::create(
            &args.output.out,
            args.output.force,
            args.output.text_files(reader.text_only()),
        )?;
        let bar = progress(total, args.run.quiet, "clean");
        let outcome = batch::process(
            reader,
            &cleaner,
            &bar,
            &mut report,
            |record| Ok(record.to_json()?),
            |record, line| Ok(dir.write_line(&line, &record.id, &record.text)?),
        );
        bar.finish_and_clear();
        match outcome {
            Ok(Outcome::Finished) => {
                report.seconds = started.elapsed().as_secs_f64();
                dir.write_file("run.json", &serde_json::to_vec_pretty(&report)?)?;
                dir.commit()
                    .with_context(|| format!("writing {}", args.output.out.display()))?;
                Outcome::Finished
            }
            Ok(Outcome::Interrupted) => {
                dir.abandon();
                Outcome::Interrupted
            }
            Err(e) => {
                dir.abandon();
                return Err(e);
            }
        }
    };
    finish(
        &mut report,
        outcome,
        started,
        args.run.quiet,
        &args.output.out,
    )
}

/// Prints the summary and picks the exit code.
pub fn finish(
    report: &mut RunReport,
    outcome: Outcome,
    started: Instant,
    quiet: bool,
    out: &std::path::Path,
) -> anyhow::Result<Exit> {
    report.seconds = started.elapsed().as_secs_f64();
    report.interrupted = outcome == Outcome::Interrupted;
    if report.interrupted {
        message(format!(
            "interrupted after {} documents ({} written, {} failed); {} left as it was",
            report.documents_read,
            report.documents_written,
            report.documents_failed,
            out.display()
        ));
        return Ok(Exit::Interrupted);
    }
    if !quiet {
        message(report.summary(started.elapsed()));
    }
    Ok(if report.documents_failed > 0 {
        Exit::Error
    } else {
        Exit::Success
    })
}

/// Whether an error chain is a closed stdout (`newsclean ... --out - | head`).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
    })
}
