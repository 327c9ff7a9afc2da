//! JSONL records to documents, one line at a time. A line is read as bytes so that one bad
//! line (invalid UTF-8, truncated JSON, a missing field) is reported with its line number and
//! the next line is still read.
//!
//! Lines are read with a length cap: a line longer than the document limit is skipped (read
//! through to its newline without being kept) and reported, so a 200 MB line costs no memory.

use super::{decode, InputError, InputErrorKind};
use crate::document::{Document, Metadata, Origin};
use serde_json::{Map, Value};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The record field names to read (`--id-field`, `--text-field`, ...).
#[derive(Clone, Debug)]
pub struct Fields {
    pub id: String,
    pub text: String,
    pub url: String,
    pub site: String,
}

impl Default for Fields {
    fn default() -> Fields {
        Fields {
            id: "id".into(),
            text: "text".into(),
            url: "url".into(),
            site: "site".into(),
        }
    }
}

/// An open JSONL stream.
pub struct Lines {
    path: PathBuf,
    reader: Box<dyn std::io::BufRead + Send>,
    line: u64,
    /// Byte offset of the next line.
    offset: u64,
    buf: Vec<u8>,
    done: bool,
    limit: u64,
    cancel: Option<Arc<AtomicBool>>,
    /// Whether a record without the text field was explained yet (once a stream).
    told_missing_text: bool,
    warnings: Vec<String>,
}

/// One line of a JSONL stream as bytes, for readers of newsclean's own records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawLine {
    /// The 1-based line number.
    pub number: u64,
    /// The byte offset of the line's start.
    pub offset: u64,
    /// The line, newline included.
    pub bytes: Vec<u8>,
}

impl Lines {
    pub fn new(path: PathBuf, reader: Box<dyn BufRead + Send>) -> Lines {
        Lines {
            path,
            reader,
            line: 0,
            offset: 0,
            buf: Vec::new(),
            done: false,
            limit: super::MAX_DOCUMENT_BYTES,
            cancel: None,
            told_missing_text: false,
            warnings: Vec::new(),
        }
    }

    /// Stops reading once `flag` is set, even inside a line that never ends.
    pub fn cancel_on(mut self, flag: Arc<AtomicBool>) -> Lines {
        self.cancel = Some(flag);
        self
    }

    /// Warnings met since the last call.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Sets the longest line kept, in bytes; longer lines are reported and skipped.
    pub fn max_line_bytes(mut self, limit: u64) -> Lines {
        self.limit = limit;
        self
    }

    /// Reads one line into `buf` (newline included), keeping at most `limit + 1` bytes of it.
    /// Returns the line's full length; 0 at the end of the stream.
    fn read_line(&mut self) -> std::io::Result<u64> {
        let keep = usize::try_from(self.limit.saturating_add(1)).unwrap_or(usize::MAX);
        let mut total = 0u64;
        loop {
            // Checked once a buffer: a line that never ends (`yes | tr -d '\n'`) is
            // discarded in a loop that a signal must still be able to stop.
            if self
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::Relaxed))
            {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok(total);
            }
            let (used, end) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            let room = keep.saturating_sub(self.buf.len()).min(used);
            self.buf.extend_from_slice(&chunk[..room]);
            self.reader.consume(used);
            total += used as u64;
            self.offset += used as u64;
            if end {
                return Ok(total);
            }
        }
    }

    /// Reads the next non-blank line into `buf`; returns its byte offset, or the error that
    /// stopped it (a read error, which ends the stream; a line over the limit, which is
    /// skipped); `None` at the end of the stream.
    fn next_line(&mut self) -> Option<Result<u64, InputError>> {
        loop {
            if self.done {
                return None;
            }
            self.buf.clear();
            self.line += 1;
            let offset = self.offset;
            match self.read_line() {
                Ok(0) => {
                    self.done = true;
                    return None;
                }
                Ok(n) if n > self.limit => {
                    let kind = super::too_large("the line", n, self.limit);
                    return Some(Err(InputError::at(&self.path, Some(self.line), kind)));
                }
                Ok(_) if self.buf.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(_) => return Some(Ok(offset)),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    // Cancelled: the batch is stopping and reports it.
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    let kind = InputErrorKind::Io(e.to_string());
                    return Some(Err(InputError::at(&self.path, Some(self.line), kind)));
                }
            }
        }
    }

    /// The next non-blank line as bytes, or the error that stopped it; `None` at the end of
    /// the stream.
    pub fn next_raw(&mut self) -> Option<Result<RawLine, InputError>> {
        Some(self.next_line()?.map(|offset| RawLine {
            number: self.line,
            offset,
            bytes: std::mem::take(&mut self.buf),
        }))
    }

    /// The next document or error; `None` at the end of the stream. Blank lines are skipped.
    pub fn next_document(&mut self, fields: &Fields) -> Option<Result<Document, InputError>> {
        let item = self
            .next_line()?
            .and_then(|_| record(&self.path, self.line, &self.buf, fields));
        if let Err(InputError {
            kind: InputErrorKind::MissingField { field, has },
            ..
        }) = &item
        {
            if !self.told_missing_text {
                self.told_missing_text = true;
                self.warnings.push(format!(
                    "{}: records have no \"{field}\" field; the first has {}: name the text's \
                     field with --text-field (and --id-field, --url-field)",
                    self.path.display(),
                    match has.is_empty() {
                        true => "none".to_string(),
                        false => has.join(", "),
                    }
                ));
            }
        }
        Some(item)
    }
}

/// Takes the value of `name` out of `record`: the key itself, else a dotted path into nested
/// objects (`meta.id`).
pub fn take_field(record: &mut Map<String, Value>, name: &str) -> Option<Value> {
    if let Some(v) = record.remove(name) {
        return Some(v);
    }
    let (first, rest) = name.split_once('.')?;
    match record.get_mut(first)? {
        Value::Object(inner) => take_field(inner, rest),
        _ => None,
    }
}

/// A string field's value (a number is taken as its digits: ids often are numbers).
fn string_field(
    value: Option<Value>,
    name: &str,
    path: &Path,
    line: u64,
) -> Result<Option<String>, InputError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(InputError::at(
            path,
            Some(line),
            InputErrorKind::NotString(name.to_string()),
        )),
    }
}

/// The record fields newsclean reads as metadata (its own output read back in).
const METADATA_FIELDS: [&str; 6] = [
    "title",
    "section",
    "published",
    "updated",
    "author",
    "credits",
];

/// Metadata a record already carries (newsclean's own output read back in). Values of the
/// wrong type are ignored: they are not the text, and the text is what must not be lost.
fn known_metadata(record: &Map<String, Value>) -> Metadata {
    let text = |name: &str| record.get(name).and_then(Value::as_str).map(str::to_string);
    Metadata {
        title: text("title"),
        section: text("section"),
        published: text("published"),
        updated: text("updated"),
        author: text("author"),
        credits: record
            .get("credits")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Parses a JSON object as Python's `json.dumps` writes them by default: `NaN`, `Infinity`
/// and `-Infinity` are read as `null`, and a lone UTF-16 surrogate escape (`"\ud800"`) as
/// U+FFFD, each with a note. Standard JSON takes the fast path.
pub fn parse_object(bytes: &[u8]) -> Result<(Map<String, Value>, Vec<String>), String> {
    let strict = serde_json::from_slice::<Value>(bytes);
    let (value, notes) = match strict {
        Ok(value) => (value, Vec::new()),
        Err(e) => {
            let (repaired, notes) = repair(bytes);
            if notes.is_empty() {
                return Err(e.to_string());
            }
            let value = serde_json::from_slice::<Value>(&repaired).map_err(|_| e.to_string())?;
            (value, notes)
        }
    };
    match value {
        Value::Object(map) => Ok((map, notes)),
        _ => Err(String::new()),
    }
}

/// Rewrites the non-standard JSON that Python writes into standard JSON, and says what it
/// changed: non-finite numbers outside strings become `null`, lone surrogate escapes inside
/// strings become `\ufffd`.
fn repair(bytes: &[u8]) -> (Vec<u8>, Vec<String>) {
    let mut out = Vec::with_capacity(bytes.len());
    let (mut non_finite, mut surrogates) = (0usize, 0usize);
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'"' => in_string = false,
                b'\\' if bytes.get(i + 1) == Some(&b'u') => {
                    let unit = hex4(bytes, i + 2);
                    match unit {
                        Some(0xD800..=0xDBFF)
                            if matches!(
                                (bytes.get(i + 6), bytes.get(i + 7), hex4(bytes, i + 8)),
                                (Some(b'\\'), Some(b'u'), Some(0xDC00..=0xDFFF))
                            ) =>
                        {
                            out.extend_from_slice(&bytes[i..i + 12]);
                            i += 12;
                            continue;
                        }
                        Some(0xD800..=0xDFFF) => {
                            out.extend_from_slice(b"\\ufffd");
                            surrogates += 1;
                            i += 6;
                            continue;
                        }
                        _ => {
                            out.extend_from_slice(&bytes[i..(i + 6).min(bytes.len())]);
                            i += 6;
                            continue;
                        }
                    }
                }
                b'\\' => {
                    out.extend_from_slice(&bytes[i..(i + 2).min(bytes.len())]);
                    i += 2;
                    continue;
                }
                _ => {}
            }
            out.push(b);
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
        } else if let Some(len) = [&b"NaN"[..], b"Infinity", b"-Infinity"]
            .iter()
            .find(|t| bytes[i..].starts_with(t))
            .map(|t| t.len())
        {
            out.extend_from_slice(b"null");
            non_finite += 1;
            i += len;
            continue;
        }
        out.push(b);
        i += 1;
    }
    let mut notes = Vec::new();
    if non_finite > 0 {
        notes.push(format!(
            "{non_finite} NaN or Infinity value(s) in the input record read as null"
        ));
    }
    if surrogates > 0 {
        notes.push(format!(
            "{surrogates} lone UTF-16 surrogate escape(s) in the input record replaced with U+FFFD"
        ));
    }
    (out, notes)
}

/// The value of four hex digits at `at`.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
}

/// Parses one JSONL line into a document. The fields newsclean does not read are kept
/// beside it ([`Document::fields`]), so a pipeline's metadata passes through.
fn record(path: &Path, line: u64, bytes: &[u8], fields: &Fields) -> Result<Document, InputError> {
    let mut notes = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => {
            let d = decode::decode(bytes).map_err(|e| InputError::at(path, Some(line), e))?;
            notes.extend(d.note);
            std::borrow::Cow::Owned(d.text)
        }
    };
    let at = |kind| InputError::at(path, Some(line), kind);
    let (mut record, repaired) = parse_object(text.trim_start_matches('\u{feff}').as_bytes())
        .map_err(|e| match e.is_empty() {
            true => at(InputErrorKind::NotObject),
            false => at(InputErrorKind::Json(e)),
        })?;
    notes.extend(repaired);
    let body = match take_field(&mut record, &fields.text) {
        None | Some(Value::Null) => {
            return Err(at(InputErrorKind::MissingField {
                field: fields.text.clone(),
                has: record.keys().cloned().collect(),
            }))
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            return Err(at(InputErrorKind::WhitespaceOnly))
        }
        Some(Value::String(s)) => s,
        Some(_) => return Err(at(InputErrorKind::NotString(fields.text.clone()))),
    };
    let id = string_field(take_field(&mut record, &fields.id), &fields.id, path, line)?
        .unwrap_or_else(|| {
            let stem = path
                .file_stem()
                .map_or_else(|| "stdin".into(), |s| s.to_string_lossy().into_owned());
            format!("{}-{line}", stem.trim_end_matches(".jsonl"))
        });
    let url = string_field(
        take_field(&mut record, &fields.url),
        &fields.url,
        path,
        line,
    )?;
    let site = string_field(
        take_field(&mut record, &fields.site),
        &fields.site,
        path,
        line,
    )?;
    let metadata = known_metadata(&record);
    // What was read as metadata is not kept twice; a value of another type stays.
    for name in METADATA_FIELDS {
        let read = match record.get(name) {
            Some(Value::String(_)) => true,
            Some(Value::Array(a)) => name == "credits" && a.iter().all(Value::is_string),
            _ => false,
        };
        if read {
            record.remove(name);
        }
    }
    Ok(Document {
        id,
        url,
        site,
        text: body,
        origin: Origin {
            path: path.to_path_buf(),
            line: Some(line),
        },
        notes,
        metadata,
        fields: record,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str) -> Vec<Result<Document, String>> {
        let mut lines = Lines::new(
            "in.jsonl".into(),
            Box::new(std::io::Cursor::new(input.as_bytes().to_vec())),
        );
        std::iter::from_fn(|| lines.next_document(&Fields::default()))
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn good_and_bad_lines() {
        let out = read("{\"id\":\"a\",\"text\":\"x\",\"url\":\"https://scmp.com/a\"}\n\n[1]\n{\"id\":2,\"text\":\"y\"}\n{\"text\":5}\n{\"id\":\"t\",\"te");
        assert_eq!(out.len(), 5);
        let a = out[0].as_ref().unwrap();
        assert_eq!(
            (a.id.as_str(), a.url.as_deref(), a.origin.line),
            ("a", Some("https://scmp.com/a"), Some(1))
        );
        assert_eq!(
            out[1].as_ref().unwrap_err(),
            "in.jsonl:3: record is not a JSON object"
        );
        assert_eq!(out[2].as_ref().unwrap().id, "2");
        assert_eq!(
            out[3].as_ref().unwrap_err(),
            "in.jsonl:5: field \"text\" is not a string"
        );
        assert!(
            out[4]
                .as_ref()
                .unwrap_err()
                .starts_with("in.jsonl:6: invalid JSON: EOF"),
            "{:?}",
            out[4]
        );
    }

    #[test]
    fn missing_text_and_default_id() {
        let out = read("{\"id\":\"a\"}\n{\"text\":\"t\"}\n");
        assert_eq!(
            out[0].as_ref().unwrap_err(),
            "in.jsonl:1: record has no \"text\" field"
        );
        assert_eq!(out[1].as_ref().unwrap().id, "in-2");
    }
}
