//! The near-duplicate stage over a file of records, shared by `run` (on the records its clean
//! pass staged) and `dedup` (on records `clean` wrote): sketch every paragraph, detect, then
//! write the records again with each paragraph's cluster, kind and similarity, plus
//! `duplicates.jsonl`.
//!
//! The texts stay on disk: the detector keeps sketches and locations, and verification reads
//! the candidate paragraphs back by the byte offset of their record.

use super::batch::{report_failure, Outcome, INTERRUPTED};
use super::clean::finish;
use super::{init_threads, message, progress};
use crate::cli::{DedupArgs, DedupCommandArgs, DedupMode};
use crate::dedup::spill::{sketch_document, Spill, SpillWriter};
use crate::dedup::verify::Prepared;
use crate::dedup::{
    ClusterKind, DedupConfig, DedupReport, Detector, DocumentInfo, ParagraphKey, ParagraphTexts,
};
use crate::document::{Origin, Removal};
use crate::exit_codes::Exit;
use crate::input::{InputError, InputErrorKind};
use crate::output::OutputDir;
use crate::output::Record;
use crate::report::RunReport;
use crate::site::{host_of, UNKNOWN};
use crate::Rules;
use anyhow::Context;
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::json;
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Instant;

/// The spill file of normalised paragraphs, inside the staging directory.
pub const SPILL: &str = ".paragraphs.spill";

/// Paragraph clusters whose member texts are read back at once for `duplicates.jsonl`.
const CLUSTERS_PER_FETCH: usize = 4096;

/// Records read per parallel chunk.
const CHUNK_LINES: usize = 4096;

/// The paragraphs of a record, all that reading texts back needs.
#[derive(Deserialize)]
struct ParagraphsView {
    paragraphs: Vec<ParagraphText>,
}

#[derive(Deserialize)]
struct ParagraphText {
    text: String,
}

/// The outlet a record counts as: its site; for an unrecognised site the URL's host; with
/// neither, the document itself, since two pages of unknown origin are not known to share one.
fn outlet(site: Option<&str>, url: Option<&str>, id: &str) -> String {
    match site {
        Some(site) if site != UNKNOWN && !site.is_empty() => site.to_string(),
        _ => url
            .and_then(host_of)
            .unwrap_or_else(|| format!("{UNKNOWN}:{id}")),
    }
}

/// What the detector knows of a document: its id, outlet and wire credits.
pub fn document_info(
    id: &str,
    site: Option<&str>,
    url: Option<&str>,
    credits: &[String],
) -> DocumentInfo {
    DocumentInfo {
        id: id.to_string(),
        site: outlet(site, url, id),
        credits: credits.to_vec(),
    }
}

/// The detector's settings from the flags.
pub fn config(args: &DedupArgs) -> anyhow::Result<DedupConfig> {
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

/// The detector's view of the batch on disk: normalised words from the spill file written
/// while sketching, texts (for the report) read back from the records file by record offset.
pub struct StagedTexts {
    pub records: PathBuf,
    /// Byte offset of each detector document's record.
    pub offsets: Vec<u64>,
    pub spill: Spill,
}

/// Records up to this long are read for `duplicates.jsonl` with one positioned read (most are
/// a few KiB); longer spans, a long record or lines skipped before the next one, line by line.
const DIRECT_READ: u64 = 1 << 20;

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
        // Read with one positioned read each and parsed, in parallel: a seek and a buffered
        // line read per record, one after another, were most of the time of writing
        // duplicates.jsonl.
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
                let view = serde_json::from_slice::<ParagraphsView>(&line).ok()?;
                Some((doc, view.paragraphs.into_iter().map(|p| p.text).collect()))
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

/// Lines of a file with their byte offsets and 1-based numbers, in chunks.
struct Chunks<R: BufRead> {
    reader: R,
    offset: u64,
    line: u64,
}

impl<R: BufRead> Chunks<R> {
    fn next_chunk(&mut self) -> std::io::Result<Vec<(u64, u64, Vec<u8>)>> {
        let mut chunk = Vec::with_capacity(CHUNK_LINES);
        while chunk.len() < CHUNK_LINES {
            let mut buf = Vec::new();
            let n = self.reader.read_until(b'\n', &mut buf)?;
            if n == 0 {
                break;
            }
            self.line += 1;
            let start = self.offset;
            self.offset += n as u64;
            if !buf.iter().all(u8::is_ascii_whitespace) {
                chunk.push((start, self.line, buf));
            }
        }
        Ok(chunk)
    }
}

fn open_chunks(path: &Path) -> anyhow::Result<Chunks<BufReader<File>>> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    Ok(Chunks {
        reader: BufReader::with_capacity(1 << 20, file),
        offset: 0,
        line: 0,
    })
}

/// The outcome of the stage: the detector's report, which input lines became documents, and
/// where their texts are.
pub struct Stage {
    pub report: DedupReport,
    /// Input line number of each detector document, in order.
    pub lines: Vec<u64>,
    pub texts: StagedTexts,
}

/// Pass one of `dedup`: sketch every record of `path`, spilling the normalised paragraphs to
/// `spill_path`, and detect. Unreadable lines are reported (and counted when
/// `count_failures`) and skipped. `None` when interrupted.
pub fn detect(
    path: &Path,
    spill_path: &Path,
    config: &DedupConfig,
    quiet: bool,
    run: &mut RunReport,
    count_failures: bool,
) -> anyhow::Result<Option<Stage>> {
    let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let bar = progress(total, quiet, "sketch");
    let mut detector = Detector::new(config.clone());
    let mut spill = SpillWriter::create(spill_path)
        .with_context(|| format!("creating {}", spill_path.display()))?;
    let mut offsets = Vec::new();
    let mut lines = Vec::new();
    let mut chunks = open_chunks(path)?;
    loop {
        let chunk = chunks
            .next_chunk()
            .with_context(|| format!("reading {}", path.display()))?;
        if chunk.is_empty() {
            break;
        }
        let sketched: Vec<_> = chunk
            .into_par_iter()
            .map(|(offset, line, bytes)| {
                let parsed =
                    serde_json::from_slice::<Record>(&bytes).map_err(|e| (line, e.to_string()));
                let out = parsed.map(|record| {
                    let info = document_info(
                        &record.id,
                        Some(&record.site),
                        record.url.as_deref(),
                        &record.metadata.credits,
                    );
                    let paragraphs = record.paragraphs.iter().map(|p| p.text.as_str());
                    let (sketches, block) = sketch_document(paragraphs, config);
                    (info, sketches, block)
                });
                (offset, line, bytes.len(), out)
            })
            .collect();
        for (offset, line, len, out) in sketched {
            bar.inc(len as u64);
            match out {
                Ok((info, sketches, block)) => {
                    spill
                        .append(&block)
                        .with_context(|| format!("writing {}", spill_path.display()))?;
                    detector.add_document(info, sketches);
                    offsets.push(offset);
                    lines.push(line);
                }
                Err((line, reason)) if count_failures => report_failure(
                    run,
                    &InputError {
                        origin: Origin {
                            path: path.to_path_buf(),
                            line: Some(line),
                        },
                        kind: InputErrorKind::Json(reason),
                    },
                ),
                Err((line, reason)) => anyhow::bail!(
                    "{}:{line}: staged record unreadable: {reason}",
                    path.display()
                ),
            }
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            return Ok(None);
        }
    }
    bar.finish_and_clear();
    let texts = StagedTexts {
        records: path.to_path_buf(),
        offsets,
        spill: spill
            .finish(spill_path)
            .with_context(|| format!("writing {}", spill_path.display()))?,
    };
    Ok(
        find_duplicates(detector, &texts, quiet).map(|report| Stage {
            report,
            lines,
            texts,
        }),
    )
}

/// Candidate search, verification and clustering, with a spinner; `None` when interrupted.
pub fn find_duplicates(
    detector: Detector,
    texts: &StagedTexts,
    quiet: bool,
) -> Option<DedupReport> {
    let what = format!(
        "{} paragraphs of {} documents",
        detector.paragraph_count(),
        detector.document_count()
    );
    if !quiet {
        // A line for logs too (the spinner is hidden when stderr is not a terminal).
        message(format!("dedup: finding near-duplicates among {what}"));
    }
    let bar = progress(0, quiet, "dedup");
    bar.set_message(format!("searching and verifying candidates among {what}"));
    let report = detector.finish_unless(texts, &|| INTERRUPTED.load(Ordering::SeqCst));
    bar.finish_and_clear();
    report
}

/// Adds the dedup annotation to each paragraph of a record; in drop mode removes later copies
/// (not shared quotes, which are no copies) and records them in `removed` as `dedup:<cluster>`.
fn annotate(record: &mut Record, doc: u32, report: &DedupReport, mode: DedupMode) {
    let mut dropped = Vec::new();
    let paragraphs = std::mem::take(&mut record.paragraphs);
    for (i, mut p) in paragraphs.into_iter().enumerate() {
        let ann = report.annotation(ParagraphKey {
            doc,
            para: i as u32,
        });
        if let (DedupMode::Drop, Some(a)) = (mode, ann) {
            if !a.first && a.kind != ClusterKind::SharedQuote {
                dropped.push(Removal {
                    line: p.line,
                    text: p.text,
                    rule: format!("dedup:{}", a.cluster),
                });
                continue;
            }
        }
        p.cluster = Some(ann.map(|a| a.cluster));
        p.kind = Some(ann.map(|a| a.kind.as_str().to_string()));
        p.similarity = Some(ann.map(shown_similarity));
        record.paragraphs.push(p);
    }
    if dropped.is_empty() {
        return;
    }
    record.text = record
        .paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    record.removed.extend(dropped);
    record.removed.sort_by_key(|r| r.line);
}

/// A paragraph's similarity as records show it: to three decimals.
fn shown_similarity(annotation: crate::dedup::Annotation) -> f64 {
    (annotation.similarity * 1000.0).round() / 1000.0
}

/// The id and text of a record, borrowed from its line where no unescaping is needed.
#[derive(Deserialize)]
struct IdAndText<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    text: Cow<'a, str>,
}

/// The record line `line` (as `serde_json` serialised a [`Record`] whose paragraphs carry
/// no annotation, optionally followed by a newline) with each paragraph's annotation added
/// as [`annotate`] in annotate mode adds it: the same bytes as parsing, annotating and
/// serialising it again, at a fraction of the cost (no parse, no allocation per field).
///
/// The paragraph objects are found by their key: `"paragraphs":[` can only be that key, as
/// JSON escapes every `"` inside strings, and a paragraph object holds strings and numbers
/// only, so its end is the first `}` outside a string. `None` when the line does not look
/// like that (the caller then parses it).
fn splice_annotations(line: &[u8], doc: u32, report: &DedupReport) -> Option<Vec<u8>> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let key = b"\"paragraphs\":[";
    let mut at = memchr::memmem::find(line, key)? + key.len();
    let mut out = Vec::with_capacity(line.len() + line.len() / 8 + 64);
    let mut copied = 0;
    let mut para = 0u32;
    if line.get(at) != Some(&b']') {
        loop {
            if line.get(at) != Some(&b'{') {
                return None;
            }
            let end = object_end(line, at + 1)?;
            out.extend_from_slice(&line[copied..end]);
            copied = end;
            match report.annotation(ParagraphKey { doc, para }) {
                None => {
                    out.extend_from_slice(b",\"cluster\":null,\"kind\":null,\"similarity\":null")
                }
                Some(a) => {
                    out.extend_from_slice(b",\"cluster\":");
                    serde_json::to_writer(&mut out, &a.cluster).ok()?;
                    out.extend_from_slice(b",\"kind\":");
                    serde_json::to_writer(&mut out, a.kind.as_str()).ok()?;
                    out.extend_from_slice(b",\"similarity\":");
                    serde_json::to_writer(&mut out, &shown_similarity(a)).ok()?;
                }
            }
            para += 1;
            match line.get(end + 1) {
                Some(b',') => at = end + 2,
                Some(b']') => break,
                _ => return None,
            }
        }
    }
    out.extend_from_slice(&line[copied..]);
    Some(out)
}

/// Position of the `}` closing the flat JSON object whose contents start at `at` (strings
/// and numbers only); `None` at a nested object or array, or at the end of `line`.
fn object_end(line: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let next = at + memchr::memchr2(b'"', b'}', line.get(at..)?)?;
        if line[at..next].iter().any(|&b| b == b'{' || b == b'[') {
            return None;
        }
        if line[next] == b'}' {
            return Some(next);
        }
        // Skip the string: to the next `"` not escaped.
        at = next + 1;
        loop {
            at += memchr::memchr2(b'"', b'\\', line.get(at..)?)?;
            if line[at] == b'\\' {
                at += 2;
            } else {
                at += 1;
                break;
            }
        }
    }
}

/// A record annotated in parallel, ready to be written in order.
struct Annotated {
    line: Vec<u8>,
    id: String,
    text: String,
    input_len: usize,
}

/// How [`write_annotated`] rewrites each record.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rewrite {
    /// Parse the record, annotate it, serialise it again: for records written by another
    /// program or run (`dedup` on a `documents.jsonl`), whatever their layout.
    Parse,
    /// Records this process serialised itself (`run`'s staged records): in annotate mode
    /// the annotations are spliced into the JSON bytes ([`splice_annotations`]), the same
    /// bytes as parsing and serialising again, without either. `text_files`: whether the
    /// output writes `text/<id>.txt` (then the id and text are still read from the line).
    Splice { text_files: bool },
}

/// Pass two: write every detected record of `path`, annotated, into `dir`. Stops between
/// chunks when interrupted.
pub fn write_annotated(
    path: &Path,
    stage: &Stage,
    mode: DedupMode,
    rewrite: Rewrite,
    dir: &mut OutputDir,
    quiet: bool,
) -> anyhow::Result<Outcome> {
    let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let bar = progress(total, quiet, "write");
    let mut chunks = open_chunks(path)?;
    let mut next = 0usize;
    // The next chunk's records with their document numbers; `None` at the end of the file.
    let mut read = || -> anyhow::Result<Option<Jobs>> {
        let chunk = chunks
            .next_chunk()
            .with_context(|| format!("reading {}", path.display()))?;
        if chunk.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            chunk
                .into_iter()
                .filter_map(|(_, line, bytes)| {
                    (stage.lines.get(next) == Some(&line)).then(|| {
                        next += 1;
                        ((next - 1) as u32, bytes)
                    })
                })
                .collect(),
        ))
    };
    let annotate_all = |jobs: Jobs| -> Vec<anyhow::Result<Annotated>> {
        jobs.into_par_iter()
            .map(|(doc, bytes)| annotate_line(&bytes, doc, stage, mode, rewrite))
            .collect()
    };
    let mut write = |annotated: Vec<anyhow::Result<Annotated>>| -> anyhow::Result<()> {
        for item in annotated {
            let a = item?;
            dir.write_line(&a.line, &a.id, &a.text)?;
            bar.inc(a.input_len as u64);
        }
        Ok(())
    };
    // As in the batch loop, three chunks at once: the pool annotates one while a task of it
    // writes the previous one and reads the next (both serial I/O, which alone left a core
    // idle for most of this pass).
    let mut jobs = read()?;
    let mut done: Option<Vec<anyhow::Result<Annotated>>> = None;
    while jobs.is_some() || done.is_some() {
        if INTERRUPTED.load(Ordering::SeqCst) {
            return Ok(Outcome::Interrupted);
        }
        let (annotated, io) = rayon::join(
            || jobs.take().map(annotate_all),
            || {
                if let Some(previous) = done.take() {
                    write(previous)?;
                }
                read()
            },
        );
        jobs = io?;
        done = annotated;
    }
    bar.finish_and_clear();
    Ok(Outcome::Finished)
}

/// Staged records to annotate, each with its document number.
type Jobs = Vec<(u32, Vec<u8>)>;

/// One staged record with its dedup annotations, serialised, with the id and text its text
/// file needs.
fn annotate_line(
    bytes: &[u8],
    doc: u32,
    stage: &Stage,
    mode: DedupMode,
    rewrite: Rewrite,
) -> anyhow::Result<Annotated> {
    if let (Rewrite::Splice { text_files }, DedupMode::Flag) = (rewrite, mode) {
        if let Some(line) = splice_annotations(bytes, doc, &stage.report) {
            let (id, text) = if text_files {
                let view: IdAndText<'_> = serde_json::from_slice(bytes)?;
                (view.id.into_owned(), view.text.into_owned())
            } else {
                (String::new(), String::new())
            };
            return Ok(Annotated {
                line,
                id,
                text,
                input_len: bytes.len(),
            });
        }
    }
    let mut record: Record = serde_json::from_slice(bytes)?;
    annotate(&mut record, doc, &stage.report, mode);
    Ok(Annotated {
        line: record.to_json()?,
        id: record.id,
        text: record.text,
        input_len: bytes.len(),
    })
}

/// Writes `duplicates.jsonl`: one line per paragraph cluster, then one per document cluster,
/// each with a `level` field. The detector keeps no texts ([`config`] turns
/// `include_texts` off): members' texts are read back from `texts` a few thousand clusters
/// at a time, so the report never holds the batch's flagged text at once.
pub fn write_duplicates(
    dir: &OutputDir,
    report: &DedupReport,
    texts: &dyn ParagraphTexts,
) -> anyhow::Result<()> {
    let mut out = dir.create_file("duplicates.jsonl")?;
    for clusters in report.clusters.chunks(CLUSTERS_PER_FETCH) {
        let keys: Vec<ParagraphKey> = clusters
            .iter()
            .flat_map(|c| c.members.iter().map(|m| m.key))
            .collect();
        let mut fetched = texts.texts(&keys).into_iter();
        for cluster in clusters {
            let mut cluster = cluster.clone();
            for member in &mut cluster.members {
                member.text = fetched.next().unwrap_or_default();
            }
            let mut v = serde_json::to_value(&cluster)?;
            v["level"] = json!("paragraph");
            serde_json::to_writer(&mut out, &v)?;
            out.write_all(b"\n")?;
        }
    }
    for cluster in &report.document_clusters {
        let mut v = serde_json::to_value(cluster)?;
        v["level"] = json!("document");
        serde_json::to_writer(&mut out, &v)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Counts clusters by kind into the run report, with the detector's counters.
pub fn count_clusters(run: &mut RunReport, report: &DedupReport) {
    run.dedup = Some(report.stats.clone());
    for c in &report.clusters {
        *run.clusters.entry(c.kind.as_str().to_string()).or_default() += 1;
    }
    if !report.document_clusters.is_empty() {
        *run.clusters.entry("document".to_string()).or_default() +=
            report.document_clusters.len() as u64;
    }
}

/// `newsclean dedup RECORDS.jsonl --out DIR`.
pub fn run(args: &DedupCommandArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    init_threads(&args.run)?;
    let config = config(&args.dedup)?;
    let mut run = RunReport::new(&Rules::default());
    let input: PathBuf = args.input.clone();
    let mut peek = [0u8; 2];
    if File::open(&input)
        .and_then(|mut f| f.read(&mut peek))
        .is_ok_and(|n| n == 2 && crate::input::decode::is_gzip(&peek))
    {
        anyhow::bail!(
            "{}: gzip-compressed records: decompress first (dedup reads records twice)",
            input.display()
        );
    }
    super::batch::install_interrupt_handler();
    // The input is records (JSONL): text files only when asked for.
    let mut dir = OutputDir::create(
        &args.output.out,
        args.output.force,
        args.output.text_files(false),
    )?;
    let spill = dir.staging().join(SPILL);
    let stage = match detect(&input, &spill, &config, args.run.quiet, &mut run, true) {
        Ok(Some(stage)) => stage,
        Ok(None) => {
            dir.abandon();
            return finish(
                &mut run,
                super::batch::Outcome::Interrupted,
                started,
                args.run.quiet,
                &args.output.out,
            );
        }
        Err(e) => {
            dir.abandon();
            return Err(e);
        }
    };
    run.documents_read += stage.lines.len() as u64;
    run.documents_written += stage.lines.len() as u64;
    run.bytes_read = std::fs::metadata(&input).map(|m| m.len()).unwrap_or(0);
    let written = write_annotated(
        &input,
        &stage,
        args.dedup.dedup,
        Rewrite::Parse,
        &mut dir,
        args.run.quiet,
    )
    .and_then(|outcome| {
        if outcome == Outcome::Finished {
            write_duplicates(&dir, &stage.report, &stage.texts)?;
            std::fs::remove_file(&spill)
                .with_context(|| format!("removing {}", spill.display()))?;
        }
        Ok(outcome)
    });
    match written {
        Ok(Outcome::Finished) => {}
        Ok(Outcome::Interrupted) => {
            dir.abandon();
            return finish(
                &mut run,
                Outcome::Interrupted,
                started,
                args.run.quiet,
                &args.output.out,
            );
        }
        Err(e) => {
            dir.abandon();
            return Err(e);
        }
    }
    count_clusters(&mut run, &stage.report);
    run.seconds = started.elapsed().as_secs_f64();
    dir.write_file("run.json", &serde_json::to_vec_pretty(&run)?)?;
    dir.commit()
        .with_context(|| format!("writing {}", args.output.out.display()))?;
    if !args.run.quiet {
        message(stage.report.summary().trim_end());
    }
    finish(
        &mut run,
        Outcome::Finished,
        started,
        args.run.quiet,
        &args.output.out,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record whose paragraphs hold what could trip a byte scanner: quotes, backslashes,
    /// braces, brackets, the key itself inside text, non-ASCII, with and without `class`.
    fn tricky_record(id: &str, wire: &str) -> Record {
        let paragraph = |text: &str, class: Option<&str>| serde_json::json!({"text": text, "line": 3, "class": class});
        let mut paragraphs = vec![
            paragraph(wire, None),
            paragraph(
                r#"He said: "}{ ] [ \\" and \"paragraphs\":[ {x} — “quoted”."#,
                Some("body"),
            ),
            paragraph("Café ‘déjà vu’ — 90s, \t tab \u{1} control.", None),
        ];
        for p in &mut paragraphs {
            if p["class"].is_null() {
                p.as_object_mut().unwrap().remove("class");
            }
        }
        serde_json::from_value(serde_json::json!({
            "id": id, "site": "scmp", "title": "A \"paragraphs\":[ title", "credits": ["AFP"],
            "text": "all the text", "paragraphs": paragraphs,
            "removed": [{"line": 1, "text": "Advertisement {]", "rule": "generic:advertisement"}],
            "site_source": "record", "source": "in.jsonl:1",
        }))
        .expect("a valid record")
    }

    #[test]
    fn spliced_annotations_equal_parse_annotate_serialise() {
        let wire = "The Kim dynasty has ruled the impoverished but nuclear-armed state for three generations with little tolerance for dissent.";
        let records = [tricky_record("a", wire), tricky_record("b", wire)];
        let config = crate::dedup::DedupConfig::default();
        let mut detector = Detector::new(config.clone());
        let mut texts = Vec::new();
        for (index, record) in records.iter().enumerate() {
            let sketches = record
                .paragraphs
                .iter()
                .map(|p| crate::dedup::sketch(&p.text, &config))
                .collect();
            let site = if index == 0 { "scmp" } else { "thelocal" };
            detector.add_document(document_info(&record.id, Some(site), None, &[]), sketches);
            texts.push(record.paragraphs.iter().map(|p| p.text.clone()).collect());
        }
        let report = detector.finish(&texts);
        assert!(report
            .annotation(ParagraphKey { doc: 1, para: 0 })
            .is_some());
        for (doc, record) in records.iter().enumerate() {
            let mut line = serde_json::to_vec(record).expect("serialises");
            let mut annotated = record.clone();
            annotate(&mut annotated, doc as u32, &report, DedupMode::Flag);
            let expected = serde_json::to_vec(&annotated).expect("serialises");
            assert_eq!(
                splice_annotations(&line, doc as u32, &report).map(String::from_utf8),
                Some(Ok(String::from_utf8(expected.clone()).expect("UTF-8")))
            );
            line.push(b'\n');
            assert_eq!(
                splice_annotations(&line, doc as u32, &report),
                Some(expected)
            );
        }
        let mut empty = records[0].clone();
        empty.paragraphs.clear();
        let line = serde_json::to_vec(&empty).expect("serialises");
        assert_eq!(splice_annotations(&line, 0, &report), Some(line.clone()));
        assert_eq!(splice_annotations(b"{\"id\":1}", 0, &report), None);
        assert_eq!(
            splice_annotations(b"{\"paragraphs\":[{\"text\":\"x", 0, &report),
            None
        );
    }

    #[test]
    fn outlets() {
        assert_eq!(outlet(Some("scmp"), None, "d"), "scmp");
        assert_eq!(
            outlet(Some("unknown"), Some("https://www.blog.example.org/x"), "d"),
            "blog.example.org"
        );
        assert_eq!(outlet(Some("unknown"), None, "d"), "unknown:d");
        assert_eq!(outlet(None, None, "d"), "unknown:d");
    }
}
