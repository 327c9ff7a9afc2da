//! The data that flows through the pipeline: a [`Document`] as read from input, and the
//! [`CleanDoc`] the cleaner makes of it.
//!
//! Everything here is plain data. Reading lives in `input/`, cleaning in `clean/`, writing in
//! `output/`; this module only names the things they pass to each other.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// Where a document came from: a file, and for JSONL the 1-based line inside it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The input path (`-` for standard input).
    pub path: PathBuf,
    /// The 1-based line of a JSONL record; `None` for a whole-file document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.path.display(), line),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// One scraped article as read from input, before cleaning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// Identifier: the file stem for `.txt`, the record's `id` for JSONL.
    pub id: String,
    /// The page URL, when the record has one.
    pub url: Option<String>,
    /// A site name given by the record itself (its `site` field).
    pub site: Option<String>,
    /// The scraped text, decoded to UTF-8.
    pub text: String,
    /// Where the document was read from.
    pub origin: Origin,
    /// Things a user should know about how it was read (e.g. `decoded as windows-1252`).
    pub notes: Vec<String>,
    /// Metadata already known (a record of newsclean's own output read back in); rules fill
    /// only what is missing.
    pub metadata: Metadata,
    /// The input record's fields that newsclean does not read, passed through to the output
    /// (a pipeline's own metadata).
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl Document {
    /// A document from text alone, as the library's embedders and the tests make them.
    pub fn from_text(id: impl Into<String>, text: impl Into<String>) -> Document {
        Document {
            id: id.into(),
            text: text.into(),
            ..Document::default()
        }
    }
}

/// How the site of a document was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteSource {
    /// The record's own `site` field.
    Record,
    /// The domain of the record's `url`.
    Url,
    /// `--site` on the command line.
    Flag,
    /// Text fingerprints declared in a rule file.
    Fingerprint,
    /// Not recognised: only generic rules applied.
    Unknown,
}

/// Metadata lifted out of the text by `lift` rules. A field that was not found is left out of
/// a record, as `url` and `notes` are: five nulls and an empty list on every page without
/// them were 0.023 bytes per input byte of `run`'s output (docs/performance.md).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// ISO 8601 when the date could be parsed, else the text as found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// ISO 8601 when the date could be parsed, else the text as found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Wire credits, normalised to the agency's short name (`AFP`, `Reuters`, `AP`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits: Vec<String>,
}

impl Metadata {
    /// The single-valued fields with their names, in record order (`credits` is the list).
    pub fn named_fields(&self) -> [(&'static str, &Option<String>); 5] {
        [
            ("title", &self.title),
            ("section", &self.section),
            ("published", &self.published),
            ("updated", &self.updated),
            ("author", &self.author),
        ]
    }
}

/// A range of a text in Unicode code points, `start` inclusive, `end` exclusive: what Python's
/// `str` slicing and Dolma's attribute spans count. Serialised as `[start, end]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span {start}..{end}");
        Span { start, end }
    }

    /// How many code points the span covers.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The part of `text` the span covers, or `None` past its end. Linear in `text`: callers
    /// slicing many spans of one text in order should use [`SpanSlicer`].
    pub fn slice<'t>(&self, text: &'t str) -> Option<&'t str> {
        SpanSlicer::new(text).slice(*self)
    }
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        [self.start, self.end].serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Span, D::Error> {
        let [start, end] = <[usize; 2]>::deserialize(deserializer)?;
        if start > end {
            return Err(serde::de::Error::custom(format!(
                "span [{start}, {end}] ends before it starts"
            )));
        }
        Ok(Span { start, end })
    }
}

/// Slices one text by code-point spans in increasing order, walking it once: spans are in code
/// points, Rust strings are indexed by bytes.
pub struct SpanSlicer<'t> {
    text: &'t str,
    /// A code-point position already converted, and its byte offset.
    chars: usize,
    bytes: usize,
    ascii: bool,
}

impl<'t> SpanSlicer<'t> {
    pub fn new(text: &'t str) -> SpanSlicer<'t> {
        SpanSlicer {
            text,
            chars: 0,
            bytes: 0,
            ascii: text.is_ascii(),
        }
    }

    /// The byte offset of code point `at`, or `None` past the end.
    pub fn byte_offset(&mut self, at: usize) -> Option<usize> {
        if self.ascii {
            return (at <= self.text.len()).then_some(at);
        }
        if at < self.chars {
            self.chars = 0;
            self.bytes = 0;
        }
        // Counting lead bytes (all but 0b10xx_xxxx) is cheaper than decoding characters.
        let bytes = &self.text.as_bytes()[self.bytes..];
        let mut todo = at - self.chars;
        let mut i = 0;
        while todo > 0 {
            i += 1;
            if i > bytes.len() {
                return None;
            }
            while i < bytes.len() && bytes[i] & 0xC0 == 0x80 {
                i += 1;
            }
            todo -= 1;
        }
        self.bytes += i;
        self.chars = at;
        Some(self.bytes)
    }

    /// The part of the text `span` covers, or `None` past its end.
    pub fn slice(&mut self, span: Span) -> Option<&'t str> {
        let start = self.byte_offset(span.start)?;
        let end = self.byte_offset(span.end)?;
        Some(&self.text[start..end])
    }
}

/// A kept paragraph of the cleaned text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Paragraph {
    /// The paragraph text: U+00A0 turned into a space, ends trimmed, inline rewrites applied.
    pub text: String,
    /// The 1-based input line it came from.
    pub line: usize,
    /// Where it stands in the original text: the line's extent without the surrounding white
    /// space (and without the ends an inline rewrite cut).
    pub original: Span,
    /// Why it stayed, for paragraphs the site-independent classifier judged (else `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

/// Text that cleaning took out, and the rule that took it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    /// The 1-based input line.
    pub line: usize,
    /// Where the removed text stands in the original text.
    pub original: Span,
    /// The removed text (the whole line, or the span an inline rewrite cut).
    pub text: String,
    /// The qualified id of the rule: `<rule file>:<rule id>`.
    pub rule: String,
    /// For a removal by the line model: the features that weighed most against the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// The result of cleaning one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CleanDoc {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The recognised site, or `unknown`.
    pub site: String,
    /// How `site` was recognised.
    pub site_source: SiteSource,
    /// Platform rule files applied (e.g. `wordpress`).
    pub platforms: Vec<String>,
    #[serde(flatten)]
    pub metadata: Metadata,
    pub paragraphs: Vec<Paragraph>,
    pub removed: Vec<Removal>,
    /// Notes from reading and cleaning (encoding guesses, fallbacks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl CleanDoc {
    /// The cleaned text: paragraphs separated by one blank line.
    pub fn text(&self) -> String {
        join_paragraphs(self.paragraphs.iter().map(|p| p.text.as_str())).0
    }
}

/// Paragraphs joined as a cleaned text is, separated by one blank line: the text, and the span
/// of each paragraph in it.
pub fn join_paragraphs<'p>(
    paragraphs: impl Iterator<Item = &'p str> + Clone,
) -> (String, Vec<Span>) {
    let mut text = String::with_capacity(paragraphs.clone().map(|p| p.len() + 2).sum());
    let mut spans = Vec::new();
    let mut at = 0;
    for (i, p) in paragraphs.enumerate() {
        if i > 0 {
            text.push_str("\n\n");
            at += 2;
        }
        let len = if p.is_ascii() {
            p.len()
        } else {
            p.chars().count()
        };
        spans.push(Span::new(at, at + len));
        at += len;
        text.push_str(p);
    }
    (text, spans)
}

/// The parts of `text` that `spans` (in increasing order) cover, walking it once; an empty
/// string for a span outside it (a record another program wrote wrongly).
pub fn slice_spans<'t>(
    text: &'t str,
    spans: impl ExactSizeIterator<Item = Span> + 't,
) -> impl ExactSizeIterator<Item = &'t str> + 't {
    let mut slicer = SpanSlicer::new(text);
    spans.map(move |span| slicer.slice(span).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_slice_like_code_point_indices() {
        let text = "Café — “quoted” 😀 text\n\nçà";
        let chars: Vec<char> = text.chars().collect();
        let mut slicer = SpanSlicer::new(text);
        for (start, end) in [(0, 4), (2, 9), (9, 9), (17, 26), (0, 26), (3, 5)] {
            let want: String = chars[start..end].iter().collect();
            assert_eq!(slicer.slice(Span::new(start, end)), Some(want.as_str()));
        }
        assert_eq!(slicer.slice(Span::new(20, 27)), None);
        assert_eq!(Span::new(0, 2).slice("ab"), Some("ab"));
        assert_eq!(Span::new(0, 3).slice("ab"), None);
    }
}
