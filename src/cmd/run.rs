//! `newsclean run`: clean, then find near-duplicate paragraphs across the whole batch, writing
//! the annotated records, `duplicates.jsonl` and `run.json` (and with `--report` the page).

use crate::cli::{Format, RunCommandArgs};
use crate::exit_codes::Exit;
use crate::pipeline::Outcome;

pub fn run(args: &RunCommandArgs) -> anyhow::Result<Exit> {
    let a = args;
    if a.report {
        crate::html_report::check_output(&a.output.out, a.output.format == Format::Jsonl)?;
    }
    let (done, exit) = super::batch(&a.input, &a.output, &a.rules, &a.run, Some(&a.dedup))?;
    // Only over an output this run wrote: an interrupted or empty run leaves the previous one.
    let wrote = done.outcome == Outcome::Finished
        && (done.report.documents_written > 0 || a.output.allow_empty);
    if a.report && wrote {
        super::write_report(&a.output.out, Some(super::fields(&a.input)), a.run.quiet)?;
    }
    Ok(exit)
}
