//! Reading documents: files and directories (`*.txt` one article, `*.jsonl` one per line, either
//! gzip-compressed), or JSONL on standard input (`-`). Documents stream out one at a time, in
//! input order, so a batch never has to fit in memory; a broken file or record becomes an
//! [`InputError`] with its location and reading goes on.

pub mod decode;
mod jsonl;

pub use jsonl::Fields;

use crate::document::{Document, Origin};
use decode::DecodeError;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

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
    /// The path does not exist (or is a broken symlink).
    #[error("no such file or directory")]
    NotFound,
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
            InputErrorKind::NotFound
        } else {
            InputErrorKind::Io(e.to_string())
        };
        InputError::at(path, None, kind)
    }
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
/// A path named explicitly is read whatever its name. Problems are returned beside the sources.
pub fn expand(paths: &[PathBuf]) -> (Vec<Source>, Vec<InputError>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, &mut sources, &mut errors),
            Ok(m) => sources.push(Source::File {
                path: path.clone(),
                format: format_of(path),
                bytes: m.len(),
            }),
            Err(e) => errors.push(InputError::io(path, &e)),
        }
    }
    (sources, errors)
}

fn walk(dir: &Path, sources: &mut Vec<Source>, errors: &mut Vec<InputError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return errors.push(InputError::io(dir, &e)),
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, sources, errors),
            Ok(m) if is_input_name(&path) => sources.push(Source::File {
                format: format_of(&path),
                bytes: m.len(),
                path,
            }),
            Ok(_) => {}
            // A broken symlink with an input's name is reported; other names are not inputs.
            Err(e) if is_input_name(&path) => errors.push(InputError::io(&path, &e)),
            Err(_) => {}
        }
    }
}

/// Streams documents from sources, in order.
pub struct Reader {
    sources: std::vec::IntoIter<Source>,
    fields: Fields,
    current: Option<jsonl::Lines>,
}

impl Reader {
    pub fn new(sources: Vec<Source>, fields: Fields) -> Reader {
        Reader {
            sources: sources.into_iter(),
            fields,
            current: None,
        }
    }

    fn open_text(path: &Path) -> Result<Document, InputError> {
        let mut bytes = Vec::new();
        File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| InputError::io(path, &e))?;
        let bytes = decode::gunzip(bytes).map_err(|e| InputError::at(path, None, e))?;
        let decoded = decode::decode(&bytes).map_err(|e| InputError::at(path, None, e))?;
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

    fn open_jsonl(path: &Path, input: Box<dyn Read + Send>) -> Result<jsonl::Lines, InputError> {
        let mut buffered = BufReader::with_capacity(1 << 16, input);
        let gz = buffered
            .fill_buf()
            .map(decode::is_gzip)
            .map_err(|e| InputError::io(path, &e))?;
        let reader: Box<dyn BufRead + Send> = if gz {
            Box::new(BufReader::with_capacity(
                1 << 16,
                flate2::bufread::MultiGzDecoder::new(buffered),
            ))
        } else {
            Box::new(buffered)
        };
        Ok(jsonl::Lines::new(path.to_path_buf(), reader))
    }
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
                } => return Some(Reader::open_text(&path)),
                Source::File {
                    path,
                    format: Format::Jsonl,
                    ..
                } => {
                    let opened = File::open(&path)
                        .map_err(|e| InputError::io(&path, &e))
                        .and_then(|f| Reader::open_jsonl(&path, Box::new(f)));
                    match opened {
                        Ok(lines) => self.current = Some(lines),
                        Err(e) => return Some(Err(e)),
                    }
                }
                Source::Stdin => match Reader::open_jsonl(Path::new("-"), Box::new(io::stdin())) {
                    Ok(lines) => self.current = Some(lines),
                    Err(e) => return Some(Err(e)),
                },
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
