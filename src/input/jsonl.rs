//! JSONL records to documents, one line at a time. A line is read as bytes so that one bad
//! line (invalid UTF-8, truncated JSON, a missing field) is reported with its line number and
//! the next line is still read.
//!
//! Lines are read with a length cap: a line longer than the document limit is skipped (read
//! through to its newline without being kept) and reported, so a 200 MB line costs no memory.

use super::{decode, InputError, InputErrorKind};
use crate::document::{Document, Metadata, Origin};
use serde_json::Value;
use std::io::BufRead;
use std::path::{Path, PathBuf};

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
        }
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
        Some(
            self.next_line()?
                .and_then(|_| record(&self.path, self.line, &self.buf, fields)),
        )
    }
}

fn string_field(
    value: &Value,
    name: &str,
    path: &Path,
    line: u64,
) -> Result<Option<String>, InputError> {
    match value.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) if name != "text" => Ok(Some(n.to_string())),
        Some(_) => Err(InputError::at(
            path,
            Some(line),
            InputErrorKind::NotString(name.to_string()),
        )),
    }
}

/// Metadata a record already carries (newsclean's own output read back in). Values of the
/// wrong type are ignored: they are not the text, and the text is what must not be lost.
fn known_metadata(value: &Value) -> Metadata {
    let text = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
    Metadata {
        title: text("title"),
        section: text("section"),
        published: text("published"),
        updated: text("updated"),
        author: text("author"),
        credits: value
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

/// Parses one JSONL line into a document.
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
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| InputError::at(path, Some(line), InputErrorKind::Json(e.to_string())))?;
    if !value.is_object() {
        return Err(InputError::at(path, Some(line), InputErrorKind::NotObject));
    }
    let body = match value.get(&fields.text) {
        None | Some(Value::Null) => {
            return Err(InputError::at(
                path,
                Some(line),
                InputErrorKind::MissingField(fields.text.clone()),
            ))
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            return Err(InputError::at(
                path,
                Some(line),
                InputErrorKind::WhitespaceOnly,
            ))
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(InputError::at(
                path,
                Some(line),
                InputErrorKind::NotString(fields.text.clone()),
            ))
        }
    };
    let id = string_field(&value, &fields.id, path, line)?.unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map_or_else(|| "stdin".into(), |s| s.to_string_lossy().into_owned());
        format!("{}-{line}", stem.trim_end_matches(".jsonl"))
    });
    Ok(Document {
        id,
        url: string_field(&value, &fields.url, path, line)?,
        site: string_field(&value, &fields.site, path, line)?,
        text: body,
        origin: Origin {
            path: path.to_path_buf(),
            line: Some(line),
        },
        notes,
        metadata: known_metadata(&value),
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
