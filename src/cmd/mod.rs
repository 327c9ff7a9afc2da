//! One module per subcommand, each `run(args) -> anyhow::Result<Exit>`, mapping flags onto the
//! library's [`Pipeline`](crate::pipeline::Pipeline), plus what they share: loading rules,
//! threads, and writing a batch into an output directory.

pub mod clean;
pub mod dedup;
pub mod explain;
pub mod rules;
pub mod run;

use crate::cli::{DedupArgs, Format, InputArgs, OutputArgs, RuleArgs, RunArgs};
use crate::dedup::DedupConfig;
use crate::exit_codes::Exit;
use crate::input::Fields;
use crate::output::{JsonlSink, OutputDir, Sink};
use crate::pipeline::{Done, Outcome, PipelineError};
use crate::terminal::message;
use crate::{Cleaner, Rules};
use anyhow::{anyhow, Context};
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

/// Loads `--rules DIR` or the built-in rules; any error in them stops the command.
pub fn load_rules(args: &RuleArgs) -> anyhow::Result<Rules> {
    let loaded = match &args.rules {
        Some(dir) => Rules::load(dir)
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("loading rules from {}", dir.display())),
        None => Rules::builtin()
            .map_err(|e| anyhow!("{e}"))
            .context("loading built-in rules"),
    }?;
    if let Some(site) = &args.site {
        if loaded.file(site).is_none() {
            message(format!(
                "warning: no rule file for site \"{site}\": only generic rules will apply"
            ));
        }
    }
    Ok(loaded)
}

/// The cleaner the rule flags describe.
pub fn cleaner(args: &RuleArgs) -> anyhow::Result<Cleaner> {
    Ok(Cleaner::new(load_rules(args)?)
        .default_site(args.site.clone())
        .site_rules(!args.no_site_rules)
        .classifier(!args.no_classifier)
        .model(
            args.line_model
                .then(|| std::sync::Arc::new(crate::generic::model::embedded().clone())),
        ))
}

/// The JSONL field names from the input flags.
pub fn fields(args: &InputArgs) -> Fields {
    Fields {
        id: args.id_field.clone(),
        text: args.text_field.clone(),
        url: args.url_field.clone(),
        site: args.site_field.clone(),
    }
}

/// The detector's settings from the flags.
pub fn dedup_config(args: &DedupArgs) -> anyhow::Result<DedupConfig> {
    let config = DedupConfig {
        copy_threshold: args.similarity,
        max_hamming: args.max_hamming,
        short_words: args.short_words,
        // Texts are read back from disk when duplicates.jsonl is written.
        include_texts: false,
        ..DedupConfig::default()
    };
    config.validate().context("dedup settings")?;
    Ok(config)
}

/// Sizes the rayon pool (`--threads`).
pub fn init_threads(args: &RunArgs) -> anyhow::Result<()> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("starting worker threads")?;
    }
    Ok(())
}

/// Whether records carry removed text: as asked, and always in Parquet.
pub fn removed_text(out: &OutputArgs) -> bool {
    out.removed_text || out.format == Format::Parquet
}

/// Runs `batch` into the output directory `--out` in the chosen format: staged under a
/// temporary name, `run.json` added, renamed into place when the batch finished, thrown away
/// when it failed or was interrupted. `batch` gets the sink, the staging directory (its work
/// directory) and, with `duplicates`, the writer of `duplicates.jsonl`.
pub fn into_dir(
    out: &OutputArgs,
    text_files: bool,
    duplicates: bool,
    started: Instant,
    batch: impl FnOnce(&mut dyn Sink, &Path, Option<&mut dyn Write>) -> Result<Done, PipelineError>,
) -> anyhow::Result<Done> {
    let dir = OutputDir::create(&out.out, out.force)?;
    let mut sink = sink(out.format, dir.staging(), text_files)?;
    let mut duplicates = match duplicates {
        true => Some(dir.create_file("duplicates.jsonl")?),
        false => None,
    };
    let mut done = batch(
        sink.as_mut(),
        dir.staging(),
        duplicates.as_mut().map(|d| d as &mut dyn Write),
    )?;
    drop(duplicates);
    if done.outcome == Outcome::Finished {
        done.report.seconds = started.elapsed().as_secs_f64();
        dir.write_file("run.json", &serde_json::to_vec_pretty(&done.report)?)?;
        dir.commit()
            .with_context(|| format!("writing {}", out.out.display()))?;
    }
    Ok(done)
}

/// The sink of `format` writing into `dir`.
pub fn sink(format: Format, dir: &Path, text_files: bool) -> anyhow::Result<Box<dyn Sink>> {
    Ok(match format {
        Format::Jsonl => Box::new(JsonlSink::create(dir, text_files)?),
        Format::Dolma => Box::new(crate::output::dolma::DolmaSink::create(dir)?),
        Format::Parquet => Box::new(crate::output::parquet::ParquetSink::create(dir)?),
    })
}

/// Prints the summary and picks the exit code.
pub fn finish(done: &Done, started: Instant, quiet: bool, out: &Path) -> Exit {
    let report = &done.report;
    if done.outcome == Outcome::Interrupted {
        message(format!(
            "interrupted after {} documents ({} written, {} failed); {} left as it was",
            report.documents_read,
            report.documents_written,
            report.documents_failed,
            out.display()
        ));
        return Exit::Interrupted;
    }
    if !quiet {
        message(report.summary(started.elapsed()));
    }
    if report.documents_failed > 0 {
        Exit::Error
    } else {
        Exit::Success
    }
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
