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
use crate::input::{Fields, Reader, Selection};
use crate::output::{AtomicFile, JsonlSink, OutputDir, Sink};
use crate::pipeline::{Cancel, Done, Outcome, PipelineError};
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

/// The reader of the input flags' files and directories.
pub fn reader(args: &InputArgs) -> Reader {
    let selection = Selection {
        hidden: args.hidden,
        no_ignore: args.no_ignore,
    };
    Reader::open_with(&args.inputs, fields(args), selection)
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

/// The detector's settings from the flags, each checked under its flag's name.
pub fn dedup_config(args: &DedupArgs) -> anyhow::Result<DedupConfig> {
    if !(0.0..=1.0).contains(&args.similarity) {
        anyhow::bail!(
            "--similarity {}: must be between 0 and 1 (the share of a paragraph's words a copy covers)",
            args.similarity
        );
    }
    if args.max_hamming > 15 {
        anyhow::bail!("--max-hamming {}: must be at most 15", args.max_hamming);
    }
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

/// What a batch writes into: the sink, its work directory and, after dedup, the writer of
/// the duplicates report.
pub type Batch<'a> =
    dyn FnOnce(&mut dyn Sink, &Path, Option<&mut dyn Write>) -> Result<Done, PipelineError> + 'a;

/// Runs `batch` into `--out`: an output directory in the chosen format, or stdout for `-`.
/// `inputs` are refused as outputs before anything is read. A batch that was interrupted
/// (the token may be cancelled until the very end), or wrote no document without
/// `--allow-empty`, leaves a previous output as it was.
pub fn write_batch(
    out: &OutputArgs,
    inputs: &[std::path::PathBuf],
    output: Output,
    cancel: &Cancel,
    started: Instant,
    batch: Box<Batch<'_>>,
) -> anyhow::Result<Done> {
    crate::output::check_not_input(&out.out, inputs)?;
    if out.out.as_os_str() == "-" {
        return to_stdout(out, output, cancel, batch);
    }
    if output.duplicates_file.is_some() {
        anyhow::bail!(
            "--duplicates FILE is for --out -: with an output directory the report is {}",
            out.out.join("duplicates.jsonl").display()
        );
    }
    let dir = OutputDir::create(&out.out, out.force)?;
    let mut sink = sink(out.format, dir.staging(), output.text_files)?;
    let mut duplicates = match output.duplicates {
        true => Some(dir.create_file("duplicates.jsonl")?),
        false => None,
    };
    let mut done = batch(
        sink.as_mut(),
        dir.staging(),
        duplicates.as_mut().map(|d| d as &mut dyn Write),
    )
    .with_context(|| format!("writing {}", out.out.display()))?;
    drop(duplicates);
    interrupted_at_the_end(&mut done, cancel);
    if done.outcome == Outcome::Finished && keeps(out, &done) {
        done.report.seconds = started.elapsed().as_secs_f64();
        done.report.peak_memory_kib = crate::report::peak_memory_kib();
        dir.write_file("run.json", &serde_json::to_vec_pretty(&done.report)?)?;
        if cancel.is_cancelled() {
            done.outcome = Outcome::Interrupted;
            return Ok(done);
        }
        dir.commit()
            .with_context(|| format!("writing {}", out.out.display()))?;
    }
    Ok(done)
}

/// What a batch writes besides its records.
#[derive(Clone, Debug, Default)]
pub struct Output {
    /// `text/<id>.txt` files.
    pub text_files: bool,
    /// The duplicates report (after dedup).
    pub duplicates: bool,
    /// Where the report goes with `--out -` (`--duplicates FILE`).
    pub duplicates_file: Option<std::path::PathBuf>,
}

/// Records to stdout; work files in a private temporary directory; the duplicates report,
/// when asked for, to its file, which appears whole or not at all.
fn to_stdout(
    out: &OutputArgs,
    output: Output,
    cancel: &Cancel,
    batch: Box<Batch<'_>>,
) -> anyhow::Result<Done> {
    if out.format != Format::Jsonl {
        anyhow::bail!("--out - writes JSONL only: give --format jsonl, or an output directory");
    }
    let work = OutputDir::create(
        &std::env::temp_dir().join(format!("newsclean-work-{}", std::process::id())),
        true,
    )?;
    let mut report = match (&output.duplicates_file, output.duplicates) {
        (Some(file), true) => Some(AtomicFile::create(file)?),
        (Some(_), false) => anyhow::bail!("--duplicates: this command finds no duplicates"),
        (None, true) => {
            message("note: the duplicates report is not written: give --duplicates FILE");
            None
        }
        (None, false) => None,
    };
    let mut done = batch(
        &mut JsonlSink::stdout(),
        work.staging(),
        report.as_mut().map(|f| f.writer() as &mut dyn Write),
    )?;
    interrupted_at_the_end(&mut done, cancel);
    if let Some(file) = report {
        if done.outcome == Outcome::Finished {
            file.commit()?;
        }
    }
    Ok(done)
}

/// A signal that came while the last output was written still stops the run.
fn interrupted_at_the_end(done: &mut Done, cancel: &Cancel) {
    if cancel.is_cancelled() {
        done.outcome = Outcome::Interrupted;
        done.report.interrupted = true;
    }
}

/// Whether a finished batch's output is written: not when no document was found, and not
/// over a previous output when every document failed (its `run.json` still lists why), unless
/// asked.
fn keeps(out: &OutputArgs, done: &Done) -> bool {
    let report = &done.report;
    if report.documents_written > 0 || out.allow_empty {
        return true;
    }
    let (why, keep) = match report.documents_read {
        0 => ("no input documents were found".to_string(), false),
        n => (format!("all {n} inputs failed"), !out.out.exists()),
    };
    if keep {
        return true;
    }
    let left = match out.out.exists() {
        true => "left as it was",
        false => "not created",
    };
    message(format!(
        "warning: {why}: nothing written, {} {left} (--allow-empty writes an empty output)",
        out.out.display()
    ));
    false
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
pub fn finish(done: &Done, started: Instant, quiet: bool, out: &OutputArgs) -> Exit {
    let report = &done.report;
    if done.outcome == Outcome::Interrupted {
        let kept = match out.out.as_os_str() == "-" {
            true => "the records written to stdout are incomplete".to_string(),
            false => format!("{} left as it was", out.out.display()),
        };
        message(format!(
            "interrupted after {} documents ({} written, {} failed); {kept}",
            report.documents_read, report.documents_written, report.documents_failed,
        ));
        return Exit::Interrupted;
    }
    if !quiet {
        message(report.summary(started.elapsed()));
    }
    if report.documents_failed > 0 || (report.documents_written == 0 && !out.allow_empty) {
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

/// Whether an error chain is a full disk (ENOSPC) or quota.
pub fn is_disk_full(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
            )
        })
    })
}
