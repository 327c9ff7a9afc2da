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

/// Metadata lifted out of the text by `lift` rules.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub title: Option<String>,
    pub section: Option<String>,
    /// ISO 8601 when the date could be parsed, else the text as found.
    pub published: Option<String>,
    /// ISO 8601 when the date could be parsed, else the text as found.
    pub updated: Option<String>,
    pub author: Option<String>,
    /// Wire credits, normalised to the agency's short name (`AFP`, `Reuters`, `AP`, ...).
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

/// A kept paragraph of the cleaned text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Paragraph {
    /// The paragraph text: U+00A0 turned into a space, ends trimmed, inline rewrites applied.
    pub text: String,
    /// The 1-based input line it came from.
    pub line: usize,
    /// Why it stayed, for paragraphs the site-independent classifier judged (else `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

/// Text that cleaning took out, and the rule that took it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    /// The 1-based input line.
    pub line: usize,
    /// The removed text (the whole line, or the span an inline rewrite cut).
    pub text: String,
    /// The qualified id of the rule: `<rule file>:<rule id>`.
    pub rule: String,
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
        let mut out = String::with_capacity(self.paragraphs.iter().map(|p| p.text.len() + 2).sum());
        for (i, p) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            out.push_str(&p.text);
        }
        out
    }
}
