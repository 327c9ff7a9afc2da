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
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

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
    /// A record without the text field; `has` are the fields it has.
    #[error("record has no \"{field}\" field")]
    MissingField { field: String, has: Vec<String> },
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

/// Which files a directory walk reads, as ripgrep and fd choose them: hidden files and
/// directories, and paths that a `.gitignore` or `.ignore` file of the walked tree lists, are
/// skipped unless asked for. Paths named on the command line are always read.
#[derive(Clone, Copy, Debug, Default)]
pub struct Selection {
    /// Read hidden files and directories (names starting with `.`) too (`--hidden`).
    pub hidden: bool,
    /// Read what `.gitignore` and `.ignore` files list too (`--no-ignore`).
    pub no_ignore: bool,
}

/// Expands paths into sources: directories recursively (inputs by name, sorted), `-` as stdin.
/// A path named explicitly is read whatever its name and type (a FIFO from `<(zcat x.gz)`
/// works). Problems are returned beside the sources.
pub fn expand(paths: &[PathBuf]) -> (Vec<Source>, Vec<InputError>) {
    let walk = expand_with(paths, Selection::default());
    (walk.sources, walk.errors)
}

/// What a walk found: the sources, the paths that could not be read, and warnings (an output
/// of newsclean's skipped, say).
#[derive(Default)]
pub struct Walk {
    pub sources: Vec<Source>,
    pub errors: Vec<InputError>,
    pub warnings: Vec<String>,
    /// Directories read so far, by (device, inode).
    seen: HashSet<(u64, u64)>,
    selection: Selection,
    /// The ignore files of the directories being walked, outermost first.
    ignores: Vec<ignore::gitignore::Gitignore>,
}

/// [`expand`] with a choice of which walked files to read.
pub fn expand_with(paths: &[PathBuf], selection: Selection) -> Walk {
    let mut walk = Walk {
        selection,
        ..Walk::default()
    };
    for path in paths {
        if path.as_os_str() == "-" {
            walk.sources.push(Source::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                if walk.is_output(path) {
                    continue;
                }
                let found = walk.sources.len();
                walk.dir(path, &m);
                if walk.sources.len() == found {
                    walk.warnings.push(format!(
                        "{}: warning: no input files in it (*.txt, *.jsonl, *.ndjson, or .gz of \
                         them{})",
                        path.display(),
                        match selection.hidden {
                            true => "",
                            false => "; hidden files are skipped without --hidden",
                        }
                    ));
                }
            }
            Ok(m) => walk.sources.push(Source::File {
                path: path.clone(),
                format: format_of(path),
                bytes: m.len(),
            }),
            Err(e) => walk.errors.push(InputError::io(path, &e)),
        }
    }
    walk
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
        let ignores = self.ignores.len();
        if !self.selection.no_ignore {
            self.read_ignore_files(dir);
        }
        for path in paths {
            if self.skipped(&path) {
                continue;
            }
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => {
                    if !is_staging_name(&path)
                        && !self.ignored(&path, true)
                        && !self.is_output(&path)
                    {
                        self.dir(&path, &m);
                    }
                }
                Ok(_) if !is_input_name(&path) || self.ignored(&path, false) => {}
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
        self.ignores.truncate(ignores);
    }

    /// Whether a directory entry is hidden and hidden paths are not read.
    fn skipped(&self, path: &Path) -> bool {
        !self.selection.hidden
            && path
                .file_name()
                .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
    }

    /// Adds `dir`'s `.gitignore` and `.ignore` (the later wins, as in ripgrep).
    fn read_ignore_files(&mut self, dir: &Path) {
        let mut builder = ignore::gitignore::GitignoreBuilder::new(dir);
        let mut any = false;
        for name in [".gitignore", ".ignore"] {
            let file = dir.join(name);
            if file.is_file() {
                any = true;
                if let Some(e) = builder.add(&file) {
                    self.warnings.push(format!(
                        "{}: warning: {e} (the rest of it applies)",
                        file.display()
                    ));
                }
            }
        }
        if any {
            match builder.build() {
                Ok(matcher) => self.ignores.push(matcher),
                Err(e) => self
                    .warnings
                    .push(format!("{}: warning: {e}", dir.display())),
            }
        }
    }

    /// Whether the innermost ignore file with an opinion on `path` ignores it.
    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        for matcher in self.ignores.iter().rev() {
            match matcher.matched(path, is_dir) {
                ignore::Match::Ignore(_) => return true,
                ignore::Match::Whitelist(_) => return false,
                ignore::Match::None => {}
            }
        }
        false
    }

    /// Whether `dir` is an output directory of newsclean (`run.json` beside records), which is
    /// never read as input: a run whose `--out` sits in an input directory would otherwise
    /// read its previous output on the next run. Warns when it is.
    fn is_output(&mut self, dir: &Path) -> bool {
        let is_output = is_output_dir(dir);
        if is_output {
            self.warnings.push(format!(
                "{}: warning: skipped: an output directory of newsclean (run.json), not input",
                dir.display()
            ));
        }
        is_output
    }
}

/// Whether `dir` holds a newsclean output: a `run.json` with the run's counts, beside records
/// in one of the output formats.
pub fn is_output_dir(dir: &Path) -> bool {
    let has_records = ["documents.jsonl", "documents.parquet", "documents"]
        .iter()
        .any(|name| dir.join(name).exists());
    has_records
        && std::fs::read(dir.join("run.json"))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .is_some_and(|run| run.get("documents_read").is_some())
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
    /// Things the user should know that are not failures, drained by [`Reader::take_warnings`].
    warnings: Vec<String>,
    total_bytes: u64,
    /// Bytes read from the inputs so far (compressed bytes for a `.gz`).
    bytes_read: Arc<AtomicU64>,
    cancel: Option<Arc<AtomicBool>>,
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
            warnings: Vec::new(),
            total_bytes,
            bytes_read: Arc::default(),
            cancel: None,
        }
    }

    /// A reader of the files and directories `paths` ([`expand`]); the paths that cannot be
    /// read are kept in [`Reader::missing`] for the batch to report.
    pub fn open(paths: &[PathBuf], fields: Fields) -> Reader {
        Reader::open_with(paths, fields, Selection::default())
    }

    /// [`Reader::open`] with a choice of which walked files to read.
    pub fn open_with(paths: &[PathBuf], fields: Fields, selection: Selection) -> Reader {
        let walk = expand_with(paths, selection);
        Reader {
            missing: walk.errors,
            warnings: walk.warnings,
            ..Reader::new(walk.sources, fields)
        }
    }

    /// The input paths that could not be read.
    pub fn missing(&self) -> &[InputError] {
        &self.missing
    }

    /// Warnings met since the last call (a skipped output directory, a file whose name and
    /// content disagree, a text field that records lack).
    pub fn take_warnings(&mut self) -> Vec<String> {
        let mut warnings = std::mem::take(&mut self.warnings);
        if let Some(lines) = &mut self.current {
            warnings.append(&mut lines.take_warnings());
        }
        warnings
    }

    /// The size of the input files (0 for standard input), for progress.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// A counter of the input bytes read so far that stays readable after the reader moved
    /// to another thread.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes_read)
    }

    /// Stops reading once `flag` is set, even in the middle of a line that never ends.
    pub fn cancel_on(mut self, flag: Arc<AtomicBool>) -> Reader {
        self.cancel = Some(flag);
        self
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

    /// Opens a file, decompressing a gzip one, and decides from its first bytes whether it
    /// is JSONL or one article: the name only breaks a tie, and a disagreement is warned of.
    fn open_file(&mut self, path: &Path, named: Format) -> Result<Opened, InputError> {
        let file = File::open(path).map_err(|e| InputError::io(path, &e))?;
        let meta = file.metadata().ok();
        let size = meta.as_ref().map_or(0, |m| m.len());
        let regular = meta.as_ref().is_some_and(|m| m.is_file());
        let mut input = BufReader::with_capacity(1 << 16, file);
        let gz = input
            .fill_buf()
            .map(decode::is_gzip)
            .map_err(|e| InputError::io(path, &e))?;
        let counted = Counted {
            inner: input,
            count: Arc::clone(&self.bytes_read),
        };
        let mut reader: Box<dyn BufRead + Send> = if gz {
            Box::new(BufReader::with_capacity(
                1 << 16,
                flate2::bufread::MultiGzDecoder::new(counted),
            ))
        } else {
            Box::new(counted)
        };
        let head = reader.fill_buf().map_err(|e| {
            let kind = if gz {
                InputErrorKind::Decode(DecodeError::Gzip(e.to_string()))
            } else {
                InputErrorKind::Io(e.to_string())
            };
            InputError::at(path, None, kind)
        })?;
        let format = match (named, sniff(head)) {
            (_, Sniffed::Jsonl) | (Format::Jsonl, Sniffed::MaybeJsonl) => Format::Jsonl,
            (Format::Text, _) | (Format::Jsonl, Sniffed::Text) => Format::Text,
            (named, Sniffed::Blank) => named,
        };
        if format != named {
            let (name, content, read_as) = match format {
                Format::Jsonl => ("one article", "JSONL records", "JSONL"),
                Format::Text => ("JSONL", "not JSON records", "one article"),
            };
            self.warnings.push(format!(
                "{}: warning: the name says {name} but the content is {content}: read as {read_as}",
                path.display()
            ));
        }
        match format {
            Format::Jsonl => Ok(Opened::Lines(self.jsonl_lines(path, reader, gz)?)),
            Format::Text => {
                // A huge plain file is refused without reading its bytes.
                if !gz && regular && size > self.limit {
                    self.bytes_read.fetch_add(size, Ordering::Relaxed);
                    let kind = too_large("the file", size, self.limit);
                    return Err(InputError::at(path, None, kind));
                }
                Reader::read_text(path, reader, gz, self.limit).map(Opened::Text)
            }
        }
    }

    /// One article: the whole (decompressed) content, at most the size limit.
    fn read_text(
        path: &Path,
        reader: Box<dyn BufRead + Send>,
        gz: bool,
        limit: u64,
    ) -> Result<Document, InputError> {
        let mut bytes = Vec::new();
        // `take`: the file may have grown since, or be a FIFO with no size.
        reader
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| match gz {
                true => InputError::at(path, None, DecodeError::Gzip(e.to_string())),
                false => InputError::io(path, &e),
            })?;
        if bytes.len() as u64 > limit {
            let kind = match gz {
                true => InputErrorKind::TooLarge(format!(
                    "decompresses to more than {}, the limit for one document",
                    decode::human_bytes(limit)
                )),
                false => too_large("the file", bytes.len() as u64, limit),
            };
            return Err(InputError::at(path, None, kind));
        }
        let decoded = decode::decode(&bytes).map_err(|e| InputError::at(path, None, e))?;
        drop(bytes);
        if decoded.text.trim().is_empty() {
            return Err(InputError::at(path, None, InputErrorKind::WhitespaceOnly));
        }
        Ok(Document {
            id: text_id(path),
            text: decoded.text,
            origin: Origin {
                path: path.to_path_buf(),
                line: None,
            },
            notes: decoded.note.into_iter().collect(),
            ..Document::default()
        })
    }

    /// JSONL lines of an opened stream, refusing a binary or UTF-16 one as one error.
    fn jsonl_lines(
        &self,
        path: &Path,
        mut reader: Box<dyn BufRead + Send>,
        gz: bool,
    ) -> Result<jsonl::Lines, InputError> {
        let head = reader.fill_buf().map_err(|e| {
            let kind = match gz {
                true => InputErrorKind::Decode(DecodeError::Gzip(e.to_string())),
                false => InputErrorKind::Io(e.to_string()),
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
        let lines = jsonl::Lines::new(path.to_path_buf(), reader).max_line_bytes(self.limit);
        Ok(match &self.cancel {
            Some(flag) => lines.cancel_on(Arc::clone(flag)),
            None => lines,
        })
    }

    /// A JSONL stream that is not a file (standard input), gzip-compressed or not, its bytes
    /// counted.
    fn open_stream(
        &self,
        name: &Path,
        input: Box<dyn Read + Send>,
    ) -> Result<jsonl::Lines, InputError> {
        let mut input = BufReader::with_capacity(
            1 << 16,
            Counted {
                inner: BufReader::with_capacity(1 << 16, input),
                count: Arc::clone(&self.bytes_read),
            },
        );
        let gz = input
            .fill_buf()
            .map(decode::is_gzip)
            .map_err(|e| InputError::io(name, &e))?;
        let reader: Box<dyn BufRead + Send> = match gz {
            true => Box::new(BufReader::with_capacity(
                1 << 16,
                flate2::bufread::MultiGzDecoder::new(input),
            )),
            false => Box::new(input),
        };
        self.jsonl_lines(name, reader, gz)
    }
}

/// What a file turned out to hold once opened.
enum Opened {
    Lines(jsonl::Lines),
    Text(Document),
}

/// What a file's first bytes say it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sniffed {
    /// A first line that is a JSON object.
    Jsonl,
    /// Starts with `{` but its first line is not whole in the head or does not parse: JSONL
    /// if the name says so.
    MaybeJsonl,
    Text,
    /// Nothing but whitespace: the name decides.
    Blank,
}

/// Reads the head of a file: JSONL when its first non-blank byte is `{` and its first line
/// is a JSON object (as newsclean reads records, NaN and lone surrogates included).
fn sniff(head: &[u8]) -> Sniffed {
    let head = head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(head);
    let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Sniffed::Blank;
    };
    if head[start] != b'{' {
        return Sniffed::Text;
    }
    let rest = &head[start..];
    match memchr::memchr(b'\n', rest) {
        Some(end) if jsonl::parse_object(&rest[..end]).is_ok() => Sniffed::Jsonl,
        _ => Sniffed::MaybeJsonl,
    }
}

/// A reader that counts the bytes read through it.
struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.count.fetch_add(amount as u64, Ordering::Relaxed);
        self.inner.consume(amount);
    }
}

/// Documents from a JSONL stream (gzip-compressed or not) that is not a file: what the reader
/// does for `-`, open to embedders and to the fuzzer. `name` is used in error locations.
pub fn read_jsonl(
    name: &Path,
    input: Box<dyn Read + Send>,
    fields: Fields,
) -> impl Iterator<Item = Result<Document, InputError>> {
    let mut reader = Reader::new(Vec::new(), fields);
    match reader.open_stream(name, input) {
        Ok(lines) => reader.current = Some(lines),
        Err(e) => reader.missing.push(e),
    }
    let mut failed = std::mem::take(&mut reader.missing).into_iter();
    failed.next().map(Err).into_iter().chain(reader)
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
            if self
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::Relaxed))
            {
                return None;
            }
            if let Some(lines) = &mut self.current {
                match lines.next_document(&self.fields) {
                    Some(item) => return Some(item),
                    None => {
                        self.warnings.append(&mut lines.take_warnings());
                        self.current = None;
                    }
                }
            }
            let opened = match self.sources.next()? {
                Source::File { path, format, .. } => self.open_file(&path, format),
                Source::Stdin => self
                    .open_stream(Path::new("-"), Box::new(io::stdin()))
                    .map(Opened::Lines),
            };
            match opened {
                Ok(Opened::Lines(lines)) => self.current = Some(lines),
                Ok(Opened::Text(doc)) => return Some(Ok(doc)),
                Err(e) => return Some(Err(e)),
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
