//! What the detector keeps of each paragraph and document, and how paragraphs are numbered.
//!
//! [`sketch`] turns one cleaned paragraph into a [`ParagraphSketch`] (simhash, content hash,
//! word count, winnowed anchors; no text), independently of every other paragraph, so callers
//! run it in rayon. [`DocumentInfo`] is what the detector knows of a document. Inside a batch,
//! paragraphs are numbered in add order; [`ParagraphKey`] is the caller's `(document,
//! paragraph)` name for one, and [`key_of`] / [`document_paragraphs`] convert between the two.

use std::cell::RefCell;

use serde::Serialize;

use super::fingerprint;
use super::normalize::{self, Normalized};
use super::DedupConfig;

/// Per-paragraph sketch computed independently of any other paragraph (callers run this in
/// rayon). Holds no text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParagraphSketch {
    simhash: u64,
    content_hash: u64,
    words: u32,
    anchors: Vec<u32>,
}

impl ParagraphSketch {
    /// Builds a sketch from its parts (synthetic benchmarks and tests; real sketches come
    /// from [`sketch`]).
    pub fn from_parts(simhash: u64, content_hash: u64, words: u32, anchors: Vec<u32>) -> Self {
        ParagraphSketch {
            simhash,
            content_hash,
            words,
            anchors,
        }
    }

    /// The 64-bit simhash of the normalised words.
    pub fn simhash(&self) -> u64 {
        self.simhash
    }

    /// Hash of the normalised words: equal for paragraphs identical after normalisation.
    pub fn content_hash(&self) -> u64 {
        self.content_hash
    }

    /// Number of normalised words.
    pub fn word_count(&self) -> u32 {
        self.words
    }

    /// Winnowed n-gram anchors (empty for short paragraphs).
    pub fn anchors(&self) -> &[u32] {
        &self.anchors
    }
}

thread_local! {
    /// Per-thread normalisation buffer: sketching does not allocate a fresh one per call.
    static SKETCH_BUFFER: RefCell<Normalized> = RefCell::new(Normalized::default());
}

/// Sketches one cleaned paragraph. Pure and thread-safe; call it from rayon.
///
/// Use the same `config` as the [`Detector`](super::Detector) the sketch is given to.
pub fn sketch(text: &str, config: &DedupConfig) -> ParagraphSketch {
    SKETCH_BUFFER.with(|buffer| {
        let mut normalized = buffer.borrow_mut();
        normalize::normalize_into(text, &mut normalized);
        sketch_normalized(&normalized, config)
    })
}

/// Sketches an already normalised paragraph.
pub fn sketch_normalized(normalized: &Normalized, config: &DedupConfig) -> ParagraphSketch {
    sketch_hashed(normalized, &fingerprint::word_hashes(normalized), config)
}

/// Sketches a normalised paragraph whose word hashes ([`fingerprint::word_hashes`]) are known.
pub fn sketch_hashed(
    normalized: &Normalized,
    hashes: &[u64],
    config: &DedupConfig,
) -> ParagraphSketch {
    let words = normalized.len();
    let content_hash = fingerprint::content_hash(normalized);
    if words < config.short_words {
        // Short paragraphs match on their content hash only.
        return ParagraphSketch {
            simhash: 0,
            content_hash,
            words: words as u32,
            anchors: Vec::new(),
        };
    }
    ParagraphSketch {
        simhash: fingerprint::simhash(normalized, config.simhash_ngram),
        content_hash,
        words: words as u32,
        anchors: fingerprint::anchors(hashes, config.anchor_ngram, config.anchor_window),
    }
}

/// Where a paragraph is: document index in add order, paragraph index within the document.
#[derive(Clone, Copy, Hash, Eq, PartialEq, Ord, PartialOrd, Debug, Serialize)]
pub struct ParagraphKey {
    /// Index of the document, in [`Detector::add_document`](super::Detector::add_document) order.
    pub doc: u32,
    /// Index of the paragraph within its document.
    pub para: u32,
}

/// What the detector needs to know about a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentInfo {
    /// The document's id, as the caller names it (shown in reports).
    pub id: String,
    /// The outlet (site) that published it: `syndicated` means two or more sites.
    pub site: String,
    /// Wire credits found in the document (`AFP`, `Reuters`), reported with its clusters.
    pub credits: Vec<String>,
}

/// Paragraph numbers of document `doc`, given each document's first paragraph number and
/// the total number of paragraphs.
pub(crate) fn document_paragraphs(
    document_starts: &[u32],
    paragraphs: u32,
    doc: usize,
) -> std::ops::Range<u32> {
    let start = document_starts.get(doc).copied().unwrap_or(paragraphs);
    let end = document_starts.get(doc + 1).copied().unwrap_or(paragraphs);
    start..end
}

/// Key of paragraph number `paragraph` given each document's first paragraph number.
pub(crate) fn key_of(document_starts: &[u32], paragraph: u32) -> ParagraphKey {
    // Documents without paragraphs share their start with the next one: take the last.
    let doc = document_starts
        .partition_point(|&start| start <= paragraph)
        .saturating_sub(1);
    ParagraphKey {
        doc: doc as u32,
        para: paragraph - document_starts.get(doc).copied().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_paragraphs_get_no_anchors_nor_simhash() {
        let config = DedupConfig::default();
        let short = sketch("Calls to the embassy went unanswered.", &config);
        assert_eq!(short.word_count(), 6);
        assert!(short.anchors().is_empty());
        let long = sketch(
            "The Kim dynasty has ruled the impoverished but nuclear-armed state for three generations.",
            &config,
        );
        assert!(!long.anchors().is_empty());
    }

    #[test]
    fn keys_map_back_across_empty_documents() {
        let starts = [0, 3, 3, 5];
        assert_eq!(key_of(&starts, 0), ParagraphKey { doc: 0, para: 0 });
        assert_eq!(key_of(&starts, 2), ParagraphKey { doc: 0, para: 2 });
        assert_eq!(key_of(&starts, 3), ParagraphKey { doc: 2, para: 0 });
        assert_eq!(key_of(&starts, 5), ParagraphKey { doc: 3, para: 0 });
        assert_eq!(key_of(&starts, 9), ParagraphKey { doc: 3, para: 4 });
    }
}
