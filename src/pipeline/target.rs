//! Where a batch's output goes: an output directory in one format, staged and committed
//! whole, or JSONL records on stdout. The rules that keep a user's data safe live here, so a
//! library user gets them as the CLI does: an output never overlaps an input, an interrupted
//! batch (the token may be cancelled until the very end) or one that wrote no document leaves
//! a previous output as it was.

use super::{Cancel, Done, Event, Outcome, PipelineError, Progress};
use crate::output::dolma::DolmaSink;
use crate::output::parquet::ParquetSink;
use crate::output::{check_not_input, AtomicFile, JsonlSink, OutputDir, Sink};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// documents.jsonl: one record per line.
    Jsonl,
    /// documents/ and attributes/newsclean/, gzipped JSONL in Dolma's layout.
    Dolma,
    /// documents.parquet.
    Parquet,
}

/// What a batch writes into: the sink, its work directory and, after dedup, the writer of
/// the duplicates report.
pub type Batch<'a> =
    dyn FnOnce(&mut dyn Sink, &Path, Option<&mut dyn Write>) -> Result<Done, PipelineError> + 'a;

/// A batch's destination.
#[derive(Clone, Debug)]
pub struct Target {
    /// The output directory, or `-` for stdout.
    pub out: PathBuf,
    pub format: Format,
    /// Replace an existing output directory.
    pub force: bool,
    /// Write the output even when no document was written.
    pub allow_empty: bool,
    /// `text/<id>.txt` files (never on stdout).
    pub text_files: bool,
    /// The duplicates report (after dedup).
    pub duplicates: bool,
    /// Where the report goes when the records go to stdout.
    pub duplicates_file: Option<PathBuf>,
}

impl Target {
    /// Whether the records go to stdout.
    pub fn is_stdout(&self) -> bool {
        self.out.as_os_str() == "-"
    }

    /// Runs `batch` into this target; `inputs` are refused as outputs before anything is
    /// read. `run.json` gets the report, with the wall time since `started`.
    pub fn write(
        &self,
        inputs: &[PathBuf],
        cancel: &Cancel,
        progress: &dyn Progress,
        started: Instant,
        batch: Box<Batch<'_>>,
    ) -> Result<Done, PipelineError> {
        check_not_input(&self.out, inputs)?;
        if self.is_stdout() {
            return self.to_stdout(cancel, progress, batch);
        }
        if self.duplicates_file.is_some() {
            return Err(PipelineError::Target(format!(
                "--duplicates FILE is for --out -: with an output directory the report is {}",
                self.out.join("duplicates.jsonl").display()
            )));
        }
        let dir = OutputDir::create(&self.out, self.force)?;
        let mut sink = sink(self.format, dir.staging(), self.text_files)?;
        let mut duplicates = match self.duplicates {
            true => Some(dir.create_file("duplicates.jsonl")?),
            false => None,
        };
        let mut done = batch(
            sink.as_mut(),
            dir.staging(),
            duplicates.as_mut().map(|d| d as &mut dyn Write),
        )?;
        drop(duplicates);
        interrupted_at_the_end(&mut done, cancel);
        if done.outcome == Outcome::Finished && self.keeps(&done, progress) {
            done.report.seconds = started.elapsed().as_secs_f64();
            done.report.peak_memory_kib = crate::report::peak_memory_kib();
            dir.write_file("run.json", &serde_json::to_vec_pretty(&done.report)?)?;
            if cancel.is_cancelled() {
                done.outcome = Outcome::Interrupted;
                return Ok(done);
            }
            dir.commit()?;
        }
        Ok(done)
    }

    /// Records to stdout; work files in a private temporary directory; the duplicates
    /// report, when asked for, to its file, which appears whole or not at all.
    fn to_stdout(
        &self,
        cancel: &Cancel,
        progress: &dyn Progress,
        batch: Box<Batch<'_>>,
    ) -> Result<Done, PipelineError> {
        if self.format != Format::Jsonl {
            return Err(PipelineError::Target(
                "--out - writes JSONL only: give --format jsonl, or an output directory".into(),
            ));
        }
        let work = OutputDir::create(
            &std::env::temp_dir().join(format!("newsclean-work-{}", std::process::id())),
            true,
        )?;
        let mut report = match (&self.duplicates_file, self.duplicates) {
            (Some(file), true) => Some(AtomicFile::create(file)?),
            (Some(_), false) => {
                return Err(PipelineError::Target(
                    "--duplicates: this command finds no duplicates".into(),
                ))
            }
            (None, true) => {
                let note = "note: the duplicates report is not written: give --duplicates FILE";
                progress.event(Event::Message(note.into()));
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

    /// Whether a finished batch's output is written: not when no document was written (no
    /// input found, or every one failed), unless asked; a previous output is then left as it
    /// was.
    fn keeps(&self, done: &Done, progress: &dyn Progress) -> bool {
        let report = &done.report;
        if report.documents_written > 0 || self.allow_empty {
            return true;
        }
        let why = why_nothing_was_written(report);
        let left = match self.out.exists() {
            true => "left as it was",
            false => "not created",
        };
        progress.event(Event::Message(format!(
            "warning: {why}: nothing written, {} {left} (--allow-empty writes an empty output)",
            self.out.display()
        )));
        false
    }
}

/// Why a finished batch wrote no document: no input, or every one failed.
pub(crate) fn why_nothing_was_written(report: &crate::report::RunReport) -> String {
    match report.documents_read {
        0 => "no input documents were found".to_string(),
        n => format!("all {n} inputs failed"),
    }
}

/// A signal that came while the last output was written still stops the run.
fn interrupted_at_the_end(done: &mut Done, cancel: &Cancel) {
    if cancel.is_cancelled() {
        done.outcome = Outcome::Interrupted;
        done.report.interrupted = true;
    }
}

/// The sink of `format` writing into `dir`.
pub fn sink(format: Format, dir: &Path, text_files: bool) -> Result<Box<dyn Sink>, PipelineError> {
    Ok(match format {
        Format::Jsonl => Box::new(JsonlSink::create(dir, text_files)?),
        Format::Dolma => Box::new(DolmaSink::create(dir)?),
        Format::Parquet => Box::new(ParquetSink::create(dir)?),
    })
}
