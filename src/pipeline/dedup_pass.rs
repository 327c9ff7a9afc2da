//! The near-duplicate pass over a file of records: `run`'s records staged by its clean pass,
//! or the records `dedup` is given. The detector keeps sketches and locations only; the words
//! verification needs come from the spill file written while sketching, and the texts the
//! duplicates report shows are read back from the records by their byte offsets. Then every
//! record is read once more, annotated, and handed to the sink.

use super::events::{Event, Stage};
use super::{Context, Outcome, PipelineError};
use crate::dedup::spill::Spill;
use crate::dedup::verify::Prepared;
use crate::dedup::{DedupReport, Detector, ParagraphKey, ParagraphTexts};
use crate::input::decode::is_gzip;
use crate::input::jsonl::{Lines, RawLine};
use crate::input::InputError;
use crate::output::annotate::{annotate, splice_annotations, DedupMode};
use crate::output::{Record, Sink};
use rayon::prelude::*;
use serde::Deserialize;
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Records read per parallel chunk.
const CHUNK_LINES: usize = 4096;

/// Records up to this long are read for the duplicates report with one positioned read (most
/// are a few KiB); longer spans, a long record or lines skipped before the next one, line by
/// line.
const DIRECT_READ: u64 = 1 << 20;

/// The text and paragraph spans of a record, all that reading paragraph texts back needs.
#[derive(Deserialize)]
struct TextView<'a> {
    #[serde(borrow)]
    text: Cow<'a, str>,
    paragraphs: Vec<SpanView>,
}

#[derive(Deserialize)]
struct SpanView {
    span: crate::document::Span,
}

impl TextView<'_> {
    fn paragraph_texts(&self) -> Vec<String> {
        crate::document::slice_spans(&self.text, self.paragraphs.iter().map(|p| p.span))
            .map(str::to_string)
            .collect()
    }
}

/// The detector's view of a batch on disk: normalised words from the spill file written while
/// sketching, texts (for the report) read back from the records file by record offset.
pub struct StagedTexts {
    pub records: PathBuf,
    /// Byte offset of each detector document's record.
    pub offsets: Vec<u64>,
    pub spill: Spill,
}

impl ParagraphTexts for StagedTexts {
    fn prepared(&self, keys: &[ParagraphKey], ngram: usize) -> Vec<Prepared> {
        self.spill.prepared(keys, ngram)
    }

    fn texts(&self, keys: &[ParagraphKey]) -> Vec<String> {
        use std::os::unix::fs::FileExt;
        let mut docs: Vec<u32> = keys.iter().map(|k| k.doc).collect();
        docs.sort_unstable();
        docs.dedup();
        let Ok(file) = File::open(&self.records) else {
            return Vec::new();
        };
        let file_len = file.metadata().map_or(0, |m| m.len());
        // The record at `start`, whose line ends before `end` (the next record's offset).
        let read_line = |start: u64, end: u64| -> Option<Vec<u8>> {
            if end - start <= DIRECT_READ {
                let mut bytes = vec![0; usize::try_from(end - start).ok()?];
                file.read_exact_at(&mut bytes, start).ok()?;
                bytes.truncate(memchr::memchr(b'\n', &bytes).unwrap_or(bytes.len()));
                return Some(bytes);
            }
            // A long record, or lines the reader skipped before the next one: the line only.
            let mut reader = BufReader::new(File::open(&self.records).ok()?);
            reader.seek(SeekFrom::Start(start)).ok()?;
            let mut line = Vec::new();
            reader.read_until(b'\n', &mut line).ok()?;
            Some(line)
        };
        let loaded: std::collections::HashMap<u32, Vec<String>> = docs
            .par_iter()
            .filter_map(|&doc| {
                let start = *self.offsets.get(doc as usize)?;
                let end = self
                    .offsets
                    .get(doc as usize + 1)
                    .copied()
                    .unwrap_or(file_len)
                    .max(start);
                let line = read_line(start, end)?;
                let view = serde_json::from_slice::<TextView<'_>>(&line).ok()?;
                Some((doc, view.paragraph_texts()))
            })
            .collect();
        keys.iter()
            .map(|k| {
                loaded
                    .get(&k.doc)
                    .and_then(|ps| ps.get(k.para as usize))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect()
    }
}

/// Opens a records file through the input reader, with its line limit.
pub fn open_records(path: &Path) -> Result<Lines, PipelineError> {
    let mut file = File::open(path).map_err(super::staging(path))?;
    // The records are read twice (sketch, then annotate), by offset: a stream cannot be.
    let mut peek = [0u8; 2];
    let gzip = file.read(&mut peek).is_ok_and(|n| n == 2 && is_gzip(&peek));
    if gzip {
        return Err(PipelineError::Input(format!(
            "{}: gzip-compressed records: decompress first (dedup reads records twice)",
            path.display()
        )));
    }
    file.rewind().map_err(super::staging(path))?;
    Ok(Lines::new(
        path.to_path_buf(),
        Box::new(BufReader::with_capacity(1 << 20, file)),
    ))
}

/// The next chunk of lines of `lines`, with the errors met on the way (over-long lines).
pub fn next_chunk(lines: &mut Lines) -> (Vec<RawLine>, Vec<InputError>) {
    let mut chunk = Vec::with_capacity(CHUNK_LINES);
    let mut errors = Vec::new();
    while chunk.len() < CHUNK_LINES {
        match lines.next_raw() {
            None => break,
            Some(Ok(line)) => chunk.push(line),
            Some(Err(e)) => errors.push(e),
        }
    }
    (chunk, errors)
}

/// Candidate search, verification and clustering; `None` when cancelled.
pub fn find_duplicates(
    detector: Detector,
    texts: &StagedTexts,
    ctx: &Context,
) -> Option<DedupReport> {
    let what = format!(
        "{} paragraphs of {} documents",
        detector.paragraph_count(),
        detector.document_count()
    );
    ctx.message(format!("dedup: finding near-duplicates among {what}"));
    ctx.event(Event::Started {
        stage: Stage::Dedup,
        bytes: 0,
    });
    let report = detector.finish_unless(texts, &|| ctx.cancelled());
    ctx.event(Event::Finished {
        stage: Stage::Dedup,
    });
    report
}

/// How [`write_annotated`] rewrites each record.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rewrite {
    /// Parse the record, annotate it, serialise it again: for records written by another
    /// program or run (`dedup` on a `documents.jsonl`), whatever their layout.
    Parse,
    /// Records this process serialised itself (`run`'s staged records): in flag mode the
    /// annotations are spliced into the JSON bytes ([`splice_annotations`]).
    Splice,
}

/// A record annotated in parallel, ready to be written in order.
struct Annotated {
    line: Vec<u8>,
    record: Option<Record>,
    input_len: usize,
}

/// The last pass: reads every record of `path` whose line number is in `lines` (the detector's
/// documents, in order), annotates it and hands it to `sink`. Stops between chunks when
/// cancelled.
pub fn write_annotated(
    path: &Path,
    lines: &[u64],
    report: &DedupReport,
    mode: DedupMode,
    rewrite: Rewrite,
    sink: &mut dyn Sink,
    ctx: &Context,
) -> Result<Outcome, PipelineError> {
    let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    ctx.event(Event::Started {
        stage: Stage::Write,
        bytes: total,
    });
    let mut records = open_records(path)?;
    let wants_records = sink.wants_records();
    let mut next = 0usize;
    // The next chunk's records with their document numbers; `None` at the end of the file.
    let mut read = || -> Option<Jobs> {
        let (chunk, _) = next_chunk(&mut records);
        if chunk.is_empty() {
            return None;
        }
        Some(
            chunk
                .into_iter()
                .filter_map(|line| {
                    (lines.get(next) == Some(&line.number)).then(|| {
                        next += 1;
                        ((next - 1) as u32, line.bytes)
                    })
                })
                .collect(),
        )
    };
    let annotate_all = |jobs: Jobs| -> Vec<Result<Annotated, PipelineError>> {
        jobs.into_par_iter()
            .map(|(doc, bytes)| annotate_line(&bytes, doc, report, mode, rewrite, wants_records))
            .collect()
    };
    let mut written = 0;
    let mut write =
        |annotated: Vec<Result<Annotated, PipelineError>>| -> Result<(), PipelineError> {
            let mut bytes = 0;
            for item in annotated {
                let a = item?;
                sink.annotated(&a.line, a.record.as_ref())?;
                bytes += a.input_len as u64;
                written += 1;
            }
            ctx.event(Event::Advanced {
                stage: Stage::Write,
                bytes,
                documents: written,
            });
            Ok(())
        };
    // As in the clean pass, three chunks at once: the pool annotates one while a task of it
    // writes the previous one and reads the next (both serial I/O, which alone left a core
    // idle for most of this pass).
    let mut jobs = read();
    let mut done: Option<Vec<Result<Annotated, PipelineError>>> = None;
    while jobs.is_some() || done.is_some() {
        if ctx.cancelled() {
            return Ok(Outcome::Interrupted);
        }
        let (annotated, io) = rayon::join(
            || jobs.take().map(annotate_all),
            || -> Result<Option<Jobs>, PipelineError> {
                if let Some(previous) = done.take() {
                    write(previous)?;
                }
                Ok(read())
            },
        );
        jobs = io?;
        done = annotated;
    }
    ctx.event(Event::Finished {
        stage: Stage::Write,
    });
    Ok(Outcome::Finished)
}

/// Staged records to annotate, each with its document number.
type Jobs = Vec<(u32, Vec<u8>)>;

/// One record line with its dedup annotations, serialised, and parsed too when the sink wants
/// records.
fn annotate_line(
    bytes: &[u8],
    doc: u32,
    report: &DedupReport,
    mode: DedupMode,
    rewrite: Rewrite,
    wants_records: bool,
) -> Result<Annotated, PipelineError> {
    if (rewrite, mode, wants_records) == (Rewrite::Splice, DedupMode::Flag, false) {
        if let Some(line) = splice_annotations(bytes, doc, report) {
            return Ok(Annotated {
                line,
                record: None,
                input_len: bytes.len(),
            });
        }
    }
    let mut record: Record = serde_json::from_slice(bytes)?;
    annotate(&mut record, doc, report, mode);
    Ok(Annotated {
        line: record.to_json()?,
        record: wants_records.then_some(record),
        input_len: bytes.len(),
    })
}
