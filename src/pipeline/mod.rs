//! The batch as a library: documents from an input [`Reader`] through a [`Cleaner`], an
//! optional near-duplicate pass, into a [`Sink`], with progress as [`Event`]s and a [`Cancel`]
//! token to stop it. The CLI maps its flags onto a [`Pipeline`]; a Rust program or a binding
//! runs the same batch without it:
//!
//! ```no_run
//! use newsclean::pipeline::Pipeline;
//! use newsclean::{input, output, Cleaner, Rules};
//! let cleaner = Cleaner::new(Rules::builtin().expect("built-in rules"));
//! let (sources, _missing) = input::expand(&["samples".into()]);
//! let reader = input::Reader::new(sources, input::Fields::default());
//! let work = std::env::temp_dir();
//! let mut sink = output::JsonlSink::create(&work, false).expect("writable");
//! let pipeline = Pipeline::new(cleaner).dedup(Default::default(), Default::default());
//! let done = pipeline.run(reader, &mut sink, &work, None).expect("no I/O error");
//! println!("{} documents written", done.report.documents_written);
//! ```
//!
//! Stages: [`clean_pass`] streams the input in chunks, cleaning in parallel and writing in
//! input order; with dedup on, it also stages each record and its paragraph sketches in a
//! work directory, and [`dedup_pass`] then finds the clusters and hands every record,
//! annotated, to the sink.

pub mod clean_pass;
pub mod dedup_pass;
pub mod events;
pub mod sketch_pass;
pub mod target;

pub use events::{Cancel, Event, Progress, Silent, Stage};

use crate::dedup::spill::{sketch_document, SpillWriter};
use crate::dedup::{DedupConfig, DedupReport, Detector, DocumentInfo};
use crate::document::Origin;
use crate::input::{InputError, InputErrorKind, Reader};
use crate::output::annotate::DedupMode;
use crate::output::{OutputError, Record, Sink};
use crate::report::RunReport;
use crate::Cleaner;
use dedup_pass::{Rewrite, StagedTexts};
use rayon::prelude::*;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The staged clean records, in the work directory.
const STAGED: &str = ".cleaned.jsonl";
/// The spill file of normalised paragraphs, in the work directory.
const SPILL: &str = ".paragraphs.spill";

/// Why a batch stopped before its end.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// Writing an output failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A record could not be encoded or a staged record decoded as JSON.
    #[error("record JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A work file (staged records, the spill, `dedup`'s input) could not be read or written.
    /// (The reason is the error's source: `{:#}` prints it once, after the path.)
    #[error("work file {path}")]
    Staging { path: PathBuf, source: io::Error },
    /// A record staged by this batch could not be read back (a bug or a full disk).
    #[error("{0}: staged record unreadable")]
    Staged(String),
    /// The dedup settings are invalid.
    #[error("dedup settings: {0}")]
    Config(#[from] crate::dedup::DedupError),
    /// The input cannot be read as asked (e.g. compressed records for `dedup`).
    #[error("{0}")]
    Input(String),
    /// The output cannot be written as asked (e.g. Parquet to stdout).
    #[error("{0}")]
    Target(String),
}

/// The error of a failed read or write of the work file `path`.
fn staging(path: &Path) -> impl FnOnce(io::Error) -> PipelineError {
    let path = path.to_path_buf();
    move |source| PipelineError::Staging { path, source }
}

/// How a batch ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Finished,
    /// Stopped by its [`Cancel`] token; the sink's output is incomplete.
    Interrupted,
}

/// What a batch did.
pub struct Done {
    pub outcome: Outcome,
    /// Counts: documents read, written and failed, removals by rule, clusters by kind.
    pub report: RunReport,
    /// The clusters, when dedup ran to its end.
    pub dedup: Option<DedupReport>,
}

/// What the stages share: the cancel token and where progress goes.
pub struct Context<'a> {
    pub cancel: Cancel,
    pub progress: &'a dyn Progress,
    /// Whether records carry the text of each removal.
    pub removed_text: bool,
    /// Whether the input's other fields go at the top level of a record (else under
    /// `metadata`).
    pub top_level_fields: bool,
}

impl Context<'_> {
    pub fn cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    pub fn event(&self, event: Event) {
        self.progress.event(event);
    }

    pub fn message(&self, text: impl Into<String>) {
        self.progress.event(Event::Message(text.into()));
    }
}

/// A batch's settings: the cleaner, whether and how to find near-duplicates, the cancel token
/// and where progress goes.
pub struct Pipeline<'a> {
    cleaner: Cleaner,
    dedup: Option<(DedupConfig, DedupMode)>,
    cancel: Cancel,
    progress: &'a dyn Progress,
    removed_text: bool,
    top_level_fields: bool,
}

impl<'a> Pipeline<'a> {
    /// A batch that cleans with `cleaner` and finds no near-duplicates.
    pub fn new(cleaner: Cleaner) -> Pipeline<'a> {
        Pipeline {
            cleaner,
            dedup: None,
            cancel: Cancel::new(),
            progress: &Silent,
            removed_text: false,
            top_level_fields: false,
        }
    }

    /// Where the input record's fields that newsclean does not read go: under `metadata`
    /// (the default), or with `top_level` beside the record's own keys, as they were.
    pub fn keep_fields(mut self, top_level: bool) -> Pipeline<'a> {
        self.top_level_fields = top_level;
        self
    }

    /// Whether each removal in the records carries the removed text (off: a removal is its
    /// span in the original and its rule, and records stay about the size of the input).
    pub fn removed_text(mut self, on: bool) -> Pipeline<'a> {
        self.removed_text = on;
        self
    }

    /// Finds near-duplicate paragraphs across the batch with `config`, and flags or drops them.
    pub fn dedup(mut self, config: DedupConfig, mode: DedupMode) -> Pipeline<'a> {
        self.dedup = Some((config, mode));
        self
    }

    /// Stops the batch when `cancel` is cancelled.
    pub fn cancel(mut self, cancel: Cancel) -> Pipeline<'a> {
        self.cancel = cancel;
        self
    }

    /// Sends progress events to `progress`.
    pub fn progress(mut self, progress: &'a dyn Progress) -> Pipeline<'a> {
        self.progress = progress;
        self
    }

    fn context(&self) -> Context<'a> {
        Context {
            cancel: self.cancel.clone(),
            progress: self.progress,
            removed_text: self.removed_text,
            top_level_fields: self.top_level_fields,
        }
    }

    /// Cleans every document of `reader` into `sink`. With dedup, records and sketches are
    /// staged in `work` (a directory; its staged files are removed at the end) and the
    /// clusters go to `duplicates` when given. The sink is finished (flushed, synced) only
    /// when the batch ran to its end.
    pub fn run(
        &self,
        reader: Reader,
        sink: &mut dyn Sink,
        work: &Path,
        duplicates: Option<&mut dyn Write>,
    ) -> Result<Done, PipelineError> {
        let ctx = self.context();
        let mut report = RunReport::new(self.cleaner.rules());
        ctx.event(Event::Started {
            stage: Stage::Clean,
            bytes: reader.total_bytes(),
        });
        let reader = reader.cancel_on(ctx.cancel.flag());
        let input_bytes = reader.bytes_read();
        for e in reader.missing() {
            clean_pass::report_failure(&ctx, &mut report, e);
        }
        let (outcome, dedup) = match &self.dedup {
            None => {
                let outcome = clean_pass::process(
                    reader,
                    &self.cleaner,
                    &ctx,
                    &mut report,
                    |_, record| Ok(record.to_json()?),
                    |c| Ok(sink.cleaned(&c.document, &c.record, &c.prepared, true)?),
                )?;
                ctx.event(Event::Finished {
                    stage: Stage::Clean,
                });
                (outcome, None)
            }
            Some((config, mode)) => {
                self.clean_and_dedup(reader, config, *mode, sink, work, duplicates, &mut report)?
            }
        };
        report.bytes_read = input_bytes.load(std::sync::atomic::Ordering::Relaxed);
        conclude(outcome, report, dedup, sink)
    }

    #[allow(clippy::too_many_arguments)]
    fn clean_and_dedup(
        &self,
        reader: Reader,
        config: &DedupConfig,
        mode: DedupMode,
        sink: &mut dyn Sink,
        work: &Path,
        duplicates: Option<&mut dyn Write>,
        report: &mut RunReport,
    ) -> Result<(Outcome, Option<DedupReport>), PipelineError> {
        config.validate()?;
        let ctx = self.context();
        let staged = work.join(STAGED);
        let spill_path = work.join(SPILL);
        let mut out = BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(&staged).map_err(staging(&staged))?,
        );
        let mut spill = SpillWriter::create(&spill_path).map_err(staging(&spill_path))?;
        let mut detector = Detector::new(config.clone());
        let mut offsets = Vec::new();
        let mut offset = 0u64;
        // Each record is serialised and its paragraphs normalised and sketched in the
        // parallel clean pass: the detector gets sketches, the spill the normalised words.
        let outcome = clean_pass::process(
            reader,
            &self.cleaner,
            &ctx,
            report,
            |_, record| {
                let line = record.to_json()?;
                let (sketches, block) = sketch_document(record.paragraph_texts(), config);
                Ok((line, sketches, block))
            },
            |c| {
                let (line, sketches, block) = c.prepared;
                out.write_all(&line)
                    .and_then(|()| out.write_all(b"\n"))
                    .map_err(staging(&staged))?;
                offsets.push(offset);
                offset += line.len() as u64 + 1;
                spill.append(&block).map_err(staging(&spill_path))?;
                detector.add_document(document_info(&c.record), sketches);
                sink.cleaned(&c.document, &c.record, &line, false)?;
                Ok(())
            },
        )?;
        ctx.event(Event::Finished {
            stage: Stage::Clean,
        });
        out.flush().map_err(staging(&staged))?;
        drop(out);
        if outcome == Outcome::Interrupted {
            return Ok((outcome, None));
        }
        let lines: Vec<u64> = (1..=offsets.len() as u64).collect();
        let texts = StagedTexts {
            records: staged.clone(),
            offsets,
            spill: spill.finish(&spill_path).map_err(staging(&spill_path))?,
        };
        let staged_records = Records {
            path: &staged,
            lines: &lines,
            texts: &texts,
            rewrite: Rewrite::Splice,
        };
        self.dedup_and_write(detector, staged_records, mode, sink, duplicates)
            .and_then(|done| {
                for path in [&staged, &spill_path] {
                    std::fs::remove_file(path).map_err(staging(path))?;
                }
                Ok(done)
            })
    }

    /// Finds near-duplicates among the records of `records` (newsclean's JSONL records, such
    /// as a `documents.jsonl` of `clean`) and writes them, annotated, to `sink`; the spill
    /// goes into `work`. A line that is no record is reported and counted as failed; a line
    /// over the input's size limit too.
    pub fn dedup_records(
        &self,
        records: &Path,
        sink: &mut dyn Sink,
        work: &Path,
        duplicates: Option<&mut dyn Write>,
    ) -> Result<Done, PipelineError> {
        let config = self.dedup.as_ref().map(|d| d.0.clone()).unwrap_or_default();
        let mode = self.dedup.as_ref().map(|d| d.1).unwrap_or_default();
        config.validate()?;
        let ctx = self.context();
        let mut report = RunReport::new(self.cleaner.rules());
        let spill_path = work.join(SPILL);
        let total = std::fs::metadata(records).map(|m| m.len()).unwrap_or(0);
        ctx.event(Event::Started {
            stage: Stage::Sketch,
            bytes: total,
        });
        let mut detector = Detector::new(config.clone());
        let mut spill = SpillWriter::create(&spill_path).map_err(staging(&spill_path))?;
        let (mut offsets, mut lines) = (Vec::new(), Vec::new());
        let mut input = dedup_pass::open_records(records)?;
        loop {
            let (chunk, errors) = dedup_pass::next_chunk(&mut input);
            for e in &errors {
                clean_pass::report_failure(&ctx, &mut report, e);
            }
            if chunk.is_empty() && errors.is_empty() {
                break;
            }
            let sketched: Vec<_> = chunk
                .into_par_iter()
                .map(|line| {
                    let parsed = serde_json::from_slice::<Record>(&line.bytes)
                        .map_err(|e| e.to_string())
                        .and_then(|r| r.check_spans().map(|()| r));
                    let out = parsed.map(|record| {
                        let (sketches, block) = sketch_document(record.paragraph_texts(), &config);
                        (document_info(&record), sketches, block)
                    });
                    (line.offset, line.number, line.bytes.len(), out)
                })
                .collect();
            let mut bytes = 0;
            for (offset, number, len, out) in sketched {
                bytes += len as u64;
                match out {
                    Ok((info, sketches, block)) => {
                        spill.append(&block).map_err(staging(&spill_path))?;
                        detector.add_document(info, sketches);
                        offsets.push(offset);
                        lines.push(number);
                        report.documents_read += 1;
                        report.documents_written += 1;
                    }
                    Err(reason) => {
                        let origin = Origin {
                            path: records.to_path_buf(),
                            line: Some(number),
                        };
                        let kind = InputErrorKind::Json(reason);
                        clean_pass::report_failure(&ctx, &mut report, &InputError { origin, kind });
                    }
                }
            }
            report.bytes_read += bytes;
            report.text_bytes += bytes;
            ctx.event(Event::Advanced {
                stage: Stage::Sketch,
                bytes,
                documents: report.documents_read,
            });
            if ctx.cancelled() {
                report.interrupted = true;
                return Ok(Done {
                    outcome: Outcome::Interrupted,
                    report,
                    dedup: None,
                });
            }
        }
        ctx.event(Event::Finished {
            stage: Stage::Sketch,
        });
        let texts = StagedTexts {
            records: records.to_path_buf(),
            offsets,
            spill: spill.finish(&spill_path).map_err(staging(&spill_path))?,
        };
        let given = Records {
            path: records,
            lines: &lines,
            texts: &texts,
            rewrite: Rewrite::Parse,
        };
        let (outcome, dedup) = self.dedup_and_write(detector, given, mode, sink, duplicates)?;
        std::fs::remove_file(&spill_path).map_err(staging(&spill_path))?;
        conclude(outcome, report, dedup, sink)
    }

    /// Detection, then the annotated records to `sink` and the clusters to `duplicates`.
    fn dedup_and_write(
        &self,
        detector: Detector,
        records: Records<'_>,
        mode: DedupMode,
        sink: &mut dyn Sink,
        duplicates: Option<&mut dyn Write>,
    ) -> Result<(Outcome, Option<DedupReport>), PipelineError> {
        let ctx = self.context();
        let Some(dedup) = dedup_pass::find_duplicates(detector, records.texts, &ctx) else {
            return Ok((Outcome::Interrupted, None));
        };
        let outcome = dedup_pass::write_annotated(
            records.path,
            records.lines,
            &dedup,
            mode,
            records.rewrite,
            sink,
            &ctx,
        )?;
        if outcome == Outcome::Interrupted {
            return Ok((outcome, None));
        }
        if let Some(out) = duplicates {
            let written =
                crate::output::duplicates::write_duplicates(out, &dedup, records.texts, &|| {
                    ctx.cancelled()
                });
            match written {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    return Ok((Outcome::Interrupted, None))
                }
                other => other.map_err(staging(Path::new("duplicates.jsonl")))?,
            }
        }
        if ctx.cancelled() {
            return Ok((Outcome::Interrupted, None));
        }
        ctx.message(dedup.summary().trim_end());
        Ok((Outcome::Finished, Some(dedup)))
    }
}

/// A file of records the dedup pass reads: which of its lines are the detector's documents,
/// where their texts are, and how to rewrite them.
struct Records<'a> {
    path: &'a Path,
    lines: &'a [u64],
    texts: &'a StagedTexts,
    rewrite: Rewrite,
}

/// Finishes the sink of a batch that ran to its end, and counts its clusters.
fn conclude(
    outcome: Outcome,
    mut report: RunReport,
    dedup: Option<DedupReport>,
    sink: &mut dyn Sink,
) -> Result<Done, PipelineError> {
    if outcome == Outcome::Finished {
        sink.finish()?;
    }
    if let Some(dedup) = &dedup {
        report.count_clusters(dedup);
    }
    report.interrupted = outcome == Outcome::Interrupted;
    Ok(Done {
        outcome,
        report,
        dedup,
    })
}

/// What the detector knows of a record: its id, outlet and wire credits.
pub fn document_info(record: &Record) -> DocumentInfo {
    DocumentInfo {
        id: record.id.clone(),
        site: crate::site::outlet(Some(&record.site), record.url.as_deref(), &record.id),
        credits: record.metadata.credits.clone(),
    }
}
