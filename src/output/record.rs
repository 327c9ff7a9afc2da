//! The JSONL record of a cleaned document: what the next tool in a pipeline reads. Field order
//! puts what most consumers want first.

use crate::document::{CleanDoc, Metadata, Removal, SiteSource};
use serde::{Deserialize, Serialize};

/// A paragraph in a record, with its near-duplicate annotation when dedup ran.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ParagraphRecord {
    pub text: String,
    /// The 1-based input line.
    pub line: usize,
    /// The site-independent classifier's verdict, when it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Near-duplicate cluster id: absent when dedup did not run, null for a paragraph in no
    /// cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Option<u32>>,
    /// The cluster's kind (`syndicated`, `site-template`, `repeated`, `shared-quote`); absent
    /// or null as `cluster`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Option<String>>,
    /// Similarity to the closest other member of the cluster; absent or null as `cluster`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<Option<f64>>,
}

/// One line of `documents.jsonl`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub id: String,
    pub site: String,
    /// title, section, published, updated, author, credits.
    #[serde(flatten)]
    pub metadata: Metadata,
    /// The cleaned text: paragraphs separated by one blank line.
    pub text: String,
    pub paragraphs: Vec<ParagraphRecord>,
    pub removed: Vec<Removal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub site_source: SiteSource,
    #[serde(default)]
    pub platforms: Vec<String>,
    /// Input location (`path` or `path:line`).
    pub source: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Record {
    /// The record as one JSON line (without the newline), exactly as `serde_json` would write
    /// it, by the string-heavy fast path of [`super::json`], into a buffer sized for it up front.
    pub fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        let texts: usize = self
            .paragraphs
            .iter()
            .map(|p| p.text.len() + 48)
            .sum::<usize>()
            + self
                .removed
                .iter()
                .map(|r| r.text.len() + 64)
                .sum::<usize>();
        let mut line = Vec::with_capacity(self.text.len() + texts + self.source.len() + 512);
        super::json::write_record(&mut line, self)?;
        Ok(line)
    }

    /// The record of a cleaned document read from `source`.
    pub fn new(doc: CleanDoc, source: String) -> Record {
        let text = doc.text();
        Record {
            id: doc.id,
            site: doc.site,
            metadata: doc.metadata,
            text,
            paragraphs: doc
                .paragraphs
                .into_iter()
                .map(|p| ParagraphRecord {
                    text: p.text,
                    line: p.line,
                    class: p.class,
                    cluster: None,
                    kind: None,
                    similarity: None,
                })
                .collect(),
            removed: doc.removed,
            url: doc.url,
            site_source: doc.site_source,
            platforms: doc.platforms,
            source,
            notes: doc.notes,
        }
    }
}
