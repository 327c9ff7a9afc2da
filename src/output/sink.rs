//! Where records go: one [`Sink`] per output format, behind one interface that the pipeline
//! drives the same way whatever the format.
//!
//! A sink hears of each document twice at most: [`Sink::cleaned`] in the clean pass, in input
//! order, with the document as read (Dolma keeps the original text) and, when no dedup pass
//! follows, the record is final; then, after dedup, [`Sink::annotated`] with the annotated
//! record. So every format writes each of its files once: Dolma writes its documents in the
//! clean pass and its attributes after dedup, JSONL and Parquet write records once they are
//! final.

use super::{unique_name, OutputError, Record};
use crate::document::Document;
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// An output format's writer.
pub trait Sink: Send {
    /// Whether [`Sink::annotated`] needs the parsed record, not only its JSON line.
    fn wants_records(&self) -> bool {
        true
    }

    /// A document and its record from the clean pass, in input order. `line` is the record's
    /// JSON line (without newline). `last` is true when no dedup pass will annotate it: then
    /// the record is final and no [`Sink::annotated`] call follows.
    fn cleaned(
        &mut self,
        document: &Document,
        record: &Record,
        line: &[u8],
        last: bool,
    ) -> Result<(), OutputError>;

    /// A record after dedup, in input order: its JSON line, and the record itself when
    /// [`Sink::wants_records`].
    fn annotated(&mut self, line: &[u8], record: Option<&Record>) -> Result<(), OutputError>;

    /// Flushes and syncs everything written.
    fn finish(&mut self) -> Result<(), OutputError>;
}

/// `documents.jsonl` (or standard output): one record per line, and optionally the cleaned
/// text of each record in `text/<id>.txt`.
pub struct JsonlSink {
    out: BufWriter<Box<dyn Write + Send>>,
    /// The file being written (for messages and the final sync), `None` for stdout.
    path: Option<PathBuf>,
    text_dir: Option<PathBuf>,
    names: HashSet<String>,
}

impl JsonlSink {
    /// Records into `dir/documents.jsonl`; with `text_files`, texts into `dir/text/`.
    pub fn create(dir: &Path, text_files: bool) -> Result<JsonlSink, OutputError> {
        let path = dir.join("documents.jsonl");
        let file = File::create(&path).map_err(super::io_err(&path))?;
        let text_dir = if text_files {
            let text = dir.join("text");
            fs::create_dir(&text).map_err(super::io_err(&text))?;
            Some(text)
        } else {
            None
        };
        Ok(JsonlSink {
            out: BufWriter::with_capacity(1 << 20, Box::new(file)),
            path: Some(path),
            text_dir,
            names: HashSet::new(),
        })
    }

    /// Records to standard output.
    pub fn stdout() -> JsonlSink {
        JsonlSink {
            // Not `stdout().lock()`: the sink is written from a pool thread.
            out: BufWriter::with_capacity(1 << 20, Box::new(io::stdout())),
            path: None,
            text_dir: None,
            names: HashSet::new(),
        }
    }

    fn err(&self) -> impl FnOnce(io::Error) -> OutputError + '_ {
        move |source| OutputError::Io {
            path: self.path.clone().unwrap_or_else(|| "<stdout>".into()),
            source,
        }
    }

    fn write_line(&mut self, line: &[u8], record: Option<&Record>) -> Result<(), OutputError> {
        let written = self
            .out
            .write_all(line)
            .and_then(|()| self.out.write_all(b"\n"));
        written.map_err(self.err())?;
        if let (Some(dir), Some(record)) = (&self.text_dir, record) {
            let name = unique_name(&mut self.names, &record.id);
            let path = dir.join(format!("{name}.txt"));
            // One write per file: a million small files make system calls the cost.
            let mut contents = Vec::with_capacity(record.text.len() + 1);
            contents.extend_from_slice(record.text.as_bytes());
            if !record.text.is_empty() {
                contents.push(b'\n');
            }
            fs::write(&path, contents).map_err(super::io_err(&path))?;
        }
        Ok(())
    }
}

impl Sink for JsonlSink {
    fn wants_records(&self) -> bool {
        self.text_dir.is_some()
    }

    fn cleaned(
        &mut self,
        _: &Document,
        record: &Record,
        line: &[u8],
        last: bool,
    ) -> Result<(), OutputError> {
        if last {
            self.write_line(line, Some(record))?;
        }
        Ok(())
    }

    fn annotated(&mut self, line: &[u8], record: Option<&Record>) -> Result<(), OutputError> {
        self.write_line(line, record)
    }

    fn finish(&mut self) -> Result<(), OutputError> {
        self.out.flush().map_err(self.err())?;
        if let Some(path) = &self.path {
            File::open(path)
                .and_then(|f| f.sync_all())
                .map_err(super::io_err(path))?;
        }
        Ok(())
    }
}
