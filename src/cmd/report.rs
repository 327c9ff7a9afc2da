//! `newsclean report OUT_DIR`: the page of a run, built by [`crate::html_report`].

use crate::{cli::ReportArgs, exit_codes::Exit, html_report, input::Fields, terminal::message};
use anyhow::Context;
use std::path::Path;

pub fn run(args: &ReportArgs) -> anyhow::Result<Exit> {
    write(&args.dir, None, false).map(|()| Exit::Success)
}

/// Writes `dir/report.html`; `fields` are the run's JSONL field names when known.
pub fn write(dir: &Path, fields: Option<Fields>, quiet: bool) -> anyhow::Result<()> {
    let (path, bytes) = html_report::write(dir, fields, Default::default())
        .with_context(|| format!("writing the report of {}", dir.display()))?;
    if !quiet {
        message(format!(
            "report: {} ({:.1} MB)",
            path.display(),
            bytes as f64 / 1e6
        ));
    }
    Ok(())
}
