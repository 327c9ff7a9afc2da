//! What the detector keeps of each paragraph and document, and how paragraphs are numbered.
//!
//! [`sketch`] turns one cleaned paragraph into a [`ParagraphSketch`] (simhash, content hash,
//! word count, winnowed anchors; no text), independently of every other paragraph, so callers
//! run it in rayon. [`DocumentInfo`] is what the detector knows of a document. Inside a batch,
//! paragraphs are numbered in add order and their sketches stored column by column in
//! [`Sketches`], the arrays the candidate generators search; [`ParagraphKey`] is the caller's
//! `(document, paragraph)` name for a paragraph, and [`key_of`] / [`document_paragraphs`]
//! convert between the two.

use std::cell::RefCell;

use serde::Serialize;

use super::normalize::{self, Normalized};
use super::{fingerprint, index, DedupConfig, DedupError};

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
    /// Index of the document, in
    /// [`Detector::add_document`](super::Detector::add_document) order.
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

/// The sketches of one batch, column by column, indexed by paragraph number (add order):
/// what the [`Detector`](super::Detector) stores and the candidate generators
/// ([`super::candidates`]) search. 18 bytes per paragraph, 8 per anchor, 4 per document.
#[derive(Clone, Debug, Default)]
pub struct Sketches {
    /// Paragraph number of each document's first paragraph.
    pub document_starts: Vec<u32>,
    /// Each paragraph's simhash (0 for short paragraphs).
    pub simhashes: Vec<u64>,
    /// Each paragraph's content hash. [`Detector::finish`](super::Detector::finish) frees
    /// them once the candidates are found.
    pub content_hashes: Vec<u64>,
    /// Word counts, saturating at `u16::MAX` (thresholds are far below).
    pub word_counts: Vec<u16>,
    /// `(anchor << 32) | paragraph` ([`index::pack_posting`]) for every anchor of every
    /// paragraph, in add order until the anchor generator sorts them in place. Freed with
    /// the content hashes.
    pub postings: Vec<u64>,
}

impl Sketches {
    /// Number of paragraphs.
    pub fn len(&self) -> usize {
        self.simhashes.len()
    }

    /// Whether no paragraph was added.
    pub fn is_empty(&self) -> bool {
        self.simhashes.is_empty()
    }

    /// Reserves room for `paragraphs` more paragraphs and their anchors (at the measured ~8
    /// anchors per paragraph).
    pub fn reserve_exact(&mut self, paragraphs: usize) {
        self.simhashes.reserve_exact(paragraphs);
        self.content_hashes.reserve_exact(paragraphs);
        self.word_counts.reserve_exact(paragraphs);
        self.postings.reserve_exact(paragraphs * 8);
    }

    /// Appends a document's paragraph sketches, in paragraph order; returns its document
    /// number. Fails, adding nothing, when paragraph or document numbers would overflow
    /// `u32`.
    pub fn push_document(&mut self, sketches: Vec<ParagraphSketch>) -> Result<u32, DedupError> {
        let max = u64::from(u32::MAX);
        let start = self.simhashes.len() as u64;
        if start + sketches.len() as u64 > max || self.document_starts.len() as u64 >= max {
            return Err(DedupError::TooManyParagraphs { max });
        }
        let doc = self.document_starts.len() as u32;
        self.document_starts.push(start as u32);
        for (offset, sketch) in sketches.into_iter().enumerate() {
            let paragraph = start as u32 + offset as u32;
            self.simhashes.push(sketch.simhash);
            self.content_hashes.push(sketch.content_hash);
            self.word_counts
                .push(u16::try_from(sketch.words).unwrap_or(u16::MAX));
            self.postings.extend(
                sketch
                    .anchors
                    .iter()
                    .map(|&anchor| index::pack_posting(anchor, paragraph)),
            );
        }
        Ok(doc)
    }

    /// Heap bytes of the arrays, by capacity.
    pub fn heap_bytes(&self) -> usize {
        self.simhashes.capacity() * 8
            + self.content_hashes.capacity() * 8
            + self.word_counts.capacity() * 2
            + self.postings.capacity() * 8
            + self.document_starts.capacity() * 4
    }

    /// The key of paragraph number `paragraph`.
    pub fn key_of(&self, paragraph: u32) -> ParagraphKey {
        key_of(&self.document_starts, paragraph)
    }

    /// Paragraph numbers of document `doc`.
    pub fn document_paragraphs(&self, doc: u32) -> std::ops::Range<u32> {
        document_paragraphs(&self.document_starts, self.len() as u32, doc as usize)
    }
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
