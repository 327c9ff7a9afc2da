//! Reading documents: files and directories (`*.txt` one article, `*.jsonl` one per line, either
//! gzip-compressed), or JSONL on standard input (`-`). Documents stream out one at a time, in
//! input order, so a batch never has to fit in memory; a broken file or record becomes an
//! [`InputError`] with its location and reading goes on.
//!
//! Every document is bounded: a file, a decompressed `.gz` or a JSONL line over
//! [`MAX_DOCUMENT_BYTES`] is refused with its size, without being read whole, so one
//! pathological input (a 200 MB line, a gzip bomb) costs neither memory nor time. Directory
//! walks read regular files only (a FIFO would block the run) and visit each directory once
//! (a symlink loop would never end).

pub mod decode;
pub mod jsonl;

pub use jsonl::Fields;

use crate::document::{Document, Origin};
use decode::DecodeError;
use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The largest document read, in bytes (a text file, its decompressed content, or one JSONL
/// line). News articles are kilobytes; a live blog a few megabytes. Anything this large is a
/// scraping accident (a minified page, a base64 blob) and cleaning it would hold up a batch.
pub const MAX_DOCUMENT_BYTES: u64 = 32 << 20;

/// What is wrong with an input, with where it is.
#[derive(Debug)]
pub struct InputError {
    pub origin: Origin,
    pub kind: InputErrorKind,
}

/// Why an input file or record could not become a document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputErrorKind {
    /// The path does not exist.
    #[error("no such file or directory")]
    NotFound,
    /// A symbolic link whose target does not exist.
    #[error("broken symbolic link (to {0})")]
    BrokenSymlink(String),
    /// Something met in a directory that is not a regular file (a FIFO, a socket, a device).
    #[error("not a regular file ({0}): skipped")]
    NotRegular(&'static str),
    /// A directory reached again through a symbolic link.
    #[error("directory already read (symbolic link loop?): skipped")]
    Loop,
    /// A bug met while processing this document (a caught panic), reported against it.
    #[error("{0}")]
    Internal(String),
    /// A document (file, decompressed file or JSONL line) over the size limit.
    #[error("{0}")]
    TooLarge(String),
    /// Reading failed (permissions, I/O).
    #[error("cannot read: {0}")]
    Io(String),
    /// The bytes are not usable text.
    #[error("{0}")]
    Decode(#[from] DecodeError),
    /// A file holding only whitespace.
    #[error("no text (whitespace only)")]
    WhitespaceOnly,
    /// A JSONL line that is not valid JSON (e.g. truncated).
    #[error("invalid JSON: {0}")]
    Json(String),
    /// A JSONL line that is valid JSON but not an object.
    #[error("record is not a JSON object")]
    NotObject,
    /// A record without the text field.
    #[error("record has no \"{0}\" field")]
    MissingField(String),
    /// A record whose text (or id/url/site) field is not a string.
    #[error("field \"{0}\" is not a string")]
    NotString(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.kind)
    }
}

impl std::error::Error for InputError {}

impl InputError {
    fn at(path: &Path, line: Option<u64>, kind: impl Into<InputErrorKind>) -> InputError {
        InputError {
            origin: Origin {
                path: path.to_path_buf(),
                line,
            },
            kind: kind.into(),
        }
    }

    fn io(path: &Path, e: &io::Error) -> InputError {
        let kind = if e.kind() == io::ErrorKind::NotFound {
            match std::fs::read_link(path) {
                Ok(to) => InputErrorKind::BrokenSymlink(to.display().to_string()),
                Err(_) => InputErrorKind::NotFound,
            }
        } else {
            InputErrorKind::Io(e.to_string())
        };
        InputError::at(path, None, kind)
    }
}

/// The message for a document over the size limit.
fn too_large(what: &str, bytes: u64, limit: u64) -> InputErrorKind {
    InputErrorKind::TooLarge(format!(
        "{what} is {}, over the {} limit for one document (not an article?)",
        decode::human_bytes(bytes),
        decode::human_bytes(limit)
    ))
}

/// What kind of non-regular file a metadata describes, for messages.
fn file_type_name(m: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = m;
    "not a file"
}

/// A directory's identity, to notice one reached twice through symbolic links.
#[cfg(unix)]
fn dir_key(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn dir_key(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// How a file's content is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The whole file is one article.
    Text,
    /// One JSON record per line.
    Jsonl,
}

/// One input to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    File {
        path: PathBuf,
        format: Format,
        bytes: u64,
    },
    Stdin,
}

/// The format a path's name says (`.jsonl`, `.jsonl.gz`, `.ndjson` are JSONL; the rest text).
pub fn format_of(path: &Path) -> Format {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        Format::Jsonl
    } else {
        Format::Text
    }
}

/// Whether a file met while walking a directory is an input (`.txt`, `.jsonl`, `.ndjson`, gzipped or not).
fn is_input_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.ends_with(".txt") || name.ends_with(".jsonl") || name.ends_with(".ndjson")
}

/// Expands paths into sources: directories recursively (inputs by name, sorted), `-` as stdin.
/// A path named explicitly is read whatever its name and type (a FIFO from `<(zcat x.gz)`
/// works). Problems are returned beside the sources.
pub fn expand(paths: &[PathBuf]) -> (Vec<Source>, Vec<InputError>) {
    let mut walk = Walk::default();
    for path in paths {
        if path.as_os_str() == "-" {
            walk.sources.push(Source::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk.dir(path, &m),
            Ok(m) => walk.sources.push(Source::File {
                path: path.clone(),
                format: format_of(path),
                bytes: m.len(),
            }),
            Err(e) => walk.errors.push(InputError::io(path, &e)),
        }
    }
    (walk.sources, walk.errors)
}

/// A directory walk in progress.
#[derive(Default)]
struct Walk {
    sources: Vec<Source>,
    errors: Vec<InputError>,
    /// Directories read so far, by (device, inode).
    seen: HashSet<(u64, u64)>,
}

impl Walk {
    fn dir(&mut self, dir: &Path, meta: &std::fs::Metadata) {
        if let Some(key) = dir_key(meta) {
            if !self.seen.insert(key) {
                self.errors
                    .push(InputError::at(dir, None, InputErrorKind::Loop));
                return;
            }
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return self.errors.push(InputError::io(dir, &e)),
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => paths.push(e.path()),
                Err(e) => return self.errors.push(InputError::io(dir, &e)),
            }
        }
        paths.sort();
        for path in paths {
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => {
                    if !is_staging_name(&path) {
                        self.dir(&path, &m);
                    }
                }
                Ok(_) if !is_input_name(&path) => {}
                Ok(m) if m.is_file() => self.sources.push(Source::File {
                    format: format_of(&path),
                    bytes: m.len(),
                    path,
                }),
                Ok(m) => self.errors.push(InputError::at(
                    &path,
                    None,
                    InputErrorKind::NotRegular(file_type_name(&m)),
                )),
                // A broken symlink with an input's name is reported; other names are not inputs.
                Err(e) if is_input_name(&path) => self.errors.push(InputError::io(&path, &e)),
                Err(_) => {}
            }
        }
    }
}

/// Whether a directory is an output being written by a newsclean run (`.NAME.newsclean-PID`):
/// never input, even when the output is written inside an input directory.
fn is_staging_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') && n.contains(".newsclean-"))
}

/// Streams documents from sources, in order.
pub struct Reader {
    sources: std::vec::IntoIter<Source>,
    fields: Fields,
    current: Option<jsonl::Lines>,
    limit: u64,
    /// The input paths that could not be read, for the batch to report.
    missing: Vec<InputError>,
    total_bytes: u64,
}

impl Reader {
    pub fn new(sources: Vec<Source>, fields: Fields) -> Reader {
        let total_bytes = sources
            .iter()
            .map(|s| match s {
                Source::File { bytes, .. } => *bytes,
                _ => 0,
            })
            .sum();
        Reader {
            sources: sources.into_iter(),
            fields,
            current: None,
            limit: MAX_DOCUMENT_BYTES,
            missing: Vec::new(),
            total_bytes,
        }
    }

    /// A reader of the files and directories `paths` ([`expand`]); the paths that cannot be
    /// read are kept in [`Reader::missing`] for the batch to report.
    pub fn open(paths: &[PathBuf], fields: Fields) -> Reader {
        let (sources, missing) = expand(paths);
        Reader {
            missing,
            ..Reader::new(sources, fields)
        }
    }

    /// The input paths that could not be read.
    pub fn missing(&self) -> &[InputError] {
        &self.missing
    }

    /// The size of the input files (0 for standard input), for progress.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Whether every source still to read is a text file (one article each): no JSONL, no
    /// stdin.
    pub fn text_only(&self) -> bool {
        self.sources.as_slice().iter().all(|s| {
            matches!(
                s,
                Source::File {
                    format: Format::Text,
                    ..
                }
            )
        })
    }

    /// Sets the largest document read, in bytes (default [`MAX_DOCUMENT_BYTES`]).
    pub fn max_document_bytes(mut self, limit: u64) -> Reader {
        self.limit = limit;
        self
    }

    fn open_text(path: &Path, limit: u64) -> Result<Document, InputError> {
        let file = File::open(path).map_err(|e| InputError::io(path, &e))?;
        let size = file.metadata().map_or(0, |m| m.len());
        let mut input = BufReader::with_capacity(1 << 16, file);
        let gz = input
            .fill_buf()
            .map(decode::is_gzip)
            .map_err(|e| InputError::io(path, &e))?;
        // Checked before reading: a huge plain file is refused without touching its bytes.
        if !gz && size > limit {
            return Err(InputError::at(
                path,
                None,
                too_large("the file", size, limit),
            ));
        }
        let mut bytes = Vec::new();
        if gz {
            flate2::bufread::MultiGzDecoder::new(input)
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|e| InputError::at(path, None, DecodeError::Gzip(e.to_string())))?;
            if bytes.len() as u64 > limit {
                let kind = InputErrorKind::TooLarge(format!(
                    "decompresses to more than {}, the limit for one document",
                    decode::human_bytes(limit)
                ));
                return Err(InputError::at(path, None, kind));
            }
        } else {
            // `take` too: the file may have grown since, or be a FIFO with no size.
            input
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|e| InputError::io(path, &e))?;
            if bytes.len() as u64 > limit {
                let kind = too_large("the file", bytes.len() as u64, limit);
                return Err(InputError::at(path, None, kind));
            }
        }
        let decoded = decode::decode(&bytes).map_err(|e| InputError::at(path, None, e))?;
        drop(bytes);
        if decoded.text.trim().is_empty() {
            return Err(InputError::at(path, None, InputErrorKind::WhitespaceOnly));
        }
        Ok(Document {
            id: text_id(path),
            url: None,
            site: None,
            text: decoded.text,
            origin: Origin {
                path: path.to_path_buf(),
                line: None,
            },
            notes: decoded.note.into_iter().collect(),
            metadata: Default::default(),
        })
    }

    fn open_jsonl(
        path: &Path,
        input: Box<dyn Read + Send>,
        limit: u64,
    ) -> Result<jsonl::Lines, InputError> {
        let mut buffered = BufReader::with_capacity(1 << 16, input);
        let gz = buffered
            .fill_buf()
            .map(decode::is_gzip)
            .map_err(|e| InputError::io(path, &e))?;
        let mut reader: Box<dyn BufRead + Send> = if gz {
            Box::new(BufReader::with_capacity(
                1 << 16,
                flate2::bufread::MultiGzDecoder::new(buffered),
            ))
        } else {
            Box::new(buffered)
        };
        // A binary file named .jsonl (or a UTF-16 one) is one error, not one per "line".
        let head = reader.fill_buf().map_err(|e| {
            let kind = if gz {
                InputErrorKind::Decode(DecodeError::Gzip(e.to_string()))
            } else {
                InputErrorKind::Io(e.to_string())
            };
            InputError::at(path, None, kind)
        })?;
        if let Some(kind) = decode::binary_kind(head) {
            return Err(InputError::at(path, None, DecodeError::Binary(kind)));
        }
        if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
            let kind =
                InputErrorKind::Io("UTF-16 JSONL is not supported: convert it to UTF-8".into());
            return Err(InputError::at(path, None, kind));
        }
        Ok(jsonl::Lines::new(path.to_path_buf(), reader).max_line_bytes(limit))
    }
}

/// Documents from a JSONL stream (gzip-compressed or not) that is not a file: what the reader
/// does for `-`, open to embedders and to the fuzzer. `name` is used in error locations.
pub fn read_jsonl(
    name: &Path,
    input: Box<dyn Read + Send>,
    fields: Fields,
) -> impl Iterator<Item = Result<Document, InputError>> {
    let mut lines = Reader::open_jsonl(name, input, MAX_DOCUMENT_BYTES);
    let mut failed = false;
    std::iter::from_fn(move || match &mut lines {
        Ok(lines) => lines.next_document(&fields),
        Err(e) if !failed => {
            failed = true;
            Some(Err(InputError {
                origin: e.origin.clone(),
                kind: std::mem::replace(&mut e.kind, InputErrorKind::NotFound),
            }))
        }
        Err(_) => None,
    })
}

/// The id of a whole-file document: its name without `.txt` / `.gz`.
fn text_id(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    Path::new(name)
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned())
}

impl Iterator for Reader {
    type Item = Result<Document, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(lines) = &mut self.current {
                match lines.next_document(&self.fields) {
                    Some(item) => return Some(item),
                    None => self.current = None,
                }
            }
            match self.sources.next()? {
                Source::File {
                    path,
                    format: Format::Text,
                    ..
                } => return Some(Reader::open_text(&path, self.limit)),
                Source::File {
                    path,
                    format: Format::Jsonl,
                    ..
                } => {
                    let opened = File::open(&path)
                        .map_err(|e| InputError::io(&path, &e))
                        .and_then(|f| Reader::open_jsonl(&path, Box::new(f), self.limit));
                    match opened {
                        Ok(lines) => self.current = Some(lines),
                        Err(e) => return Some(Err(e)),
                    }
                }
                Source::Stdin => {
                    match Reader::open_jsonl(Path::new("-"), Box::new(io::stdin()), self.limit) {
                        Ok(lines) => self.current = Some(lines),
                        Err(e) => return Some(Err(e)),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_formats() {
        assert_eq!(text_id(Path::new("a/b/story.txt.gz")), "story");
        assert_eq!(text_id(Path::new("story.txt")), "story");
        assert_eq!(format_of(Path::new("x.JSONL.gz")), Format::Jsonl);
        assert_eq!(format_of(Path::new("x.txt")), Format::Text);
        assert!(!is_input_name(Path::new("x.jpg")));
    }
}
