//! Near-duplicate paragraph detection across a batch of cleaned documents.
//!
//! Scraped news batches carry the same wire story (AFP, Reuters, AP) several times, each
//! outlet lightly editing it. This module finds the paragraphs that were copied and says how:
//! `syndicated` (the copies come from two or more sites), `site-template` (one site repeats a
//! paragraph across its pages), `repeated` (it recurs inside one document) or the weaker
//! `shared-quote` (two different sentences quote the same passage). Paragraphs that merely
//! report the same fact in other words are not matches. Articles republished whole get a
//! document cluster.
//!
//! # How it works
//!
//! 1. [`sketch`] (per paragraph, independent of all others: run it in rayon) normalises the
//!    text for comparison ([`normalize`]) and keeps a 64-bit simhash, a content hash, the
//!    word count and a few winnowed n-gram anchors ([`fingerprint`]). No text is kept.
//! 2. [`Detector::add_document`] stores the sketches: 18 bytes per paragraph plus 8 bytes
//!    per anchor, 82 bytes per paragraph at the densities measured on news text
//!    (`docs/dedup.md`).
//! 3. [`Detector::finish`] searches candidates without comparing all pairs ([`index`]:
//!    exact groups, a permuted-table simhash index, an anchor index skipping boilerplate
//!    anchors), fetches the texts of candidate paragraphs only, through the caller's
//!    [`ParagraphTexts`], verifies each pair exactly ([`verify`]), then compares the other
//!    paragraphs of documents found to share a copy (document expansion), and groups the
//!    verified pairs for display ([`cluster`]).
//!
//! Copying is not transitive: a cluster is the union of verified pairs, for display; the
//! pairs listed in a [`Cluster`] are the facts, and [`DedupReport::pair`] answers for any two
//! paragraphs.
//!
//! Thresholds live in [`DedupConfig`]; their defaults were chosen from measurements on the
//! labelled syndication corpus of `tests/dedup/corpus.rs`, reported in `docs/dedup.md`.
//!
//! # Example
//!
//! ```
//! use newsclean::dedup::{sketch, ClusterKind, DedupConfig, Detector, DocumentInfo, ParagraphKey};
//! use rayon::prelude::*;
//!
//! let config = DedupConfig::default();
//! let wire = "The Kim dynasty has ruled the impoverished but nuclear-armed state for three generations.";
//! // Paragraphs of each cleaned document; here held in memory, which is also a `ParagraphTexts`.
//! let texts: Vec<Vec<String>> = vec![
//!     vec![wire.to_owned(), "Subscribe to our newsletter for more news.".to_owned()],
//!     vec!["A paragraph of the outlet's own about something else entirely.".to_owned(), wire.to_owned()],
//! ];
//! let mut detector = Detector::new(config.clone());
//! for (index, paragraphs) in texts.iter().enumerate() {
//!     let sketches = paragraphs.par_iter().map(|text| sketch(text, &config)).collect();
//!     let info = DocumentInfo { id: format!("doc-{index}"), site: format!("site-{index}"), credits: vec![] };
//!     detector.add_document(info, sketches);
//! }
//! let report = detector.finish(&texts);
//! let annotation = report.annotation(ParagraphKey { doc: 1, para: 1 }).expect("flagged");
//! assert_eq!(annotation.kind, ClusterKind::Syndicated);
//! assert!(!annotation.first);
//! assert!(report.annotation(ParagraphKey { doc: 0, para: 0 }).expect("flagged").first);
//! for cluster in &report.clusters {
//!     println!("{}", serde_json::to_string(cluster).expect("clusters serialise"));
//! }
//! eprintln!("{}", report.summary());
//! ```

pub mod cluster;
pub mod fingerprint;
pub mod index;
pub mod normalize;
pub mod spill;
pub mod verify;

use std::cell::RefCell;
use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use self::normalize::Normalized;
use self::verify::{MatchKind, Prepared};

/// Tuning of the detector. Every default is documented with where it comes from; the
/// measurements are in `docs/dedup.md` ("Thresholds"), reproduced by the ignored test
/// `measure_thresholds`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupConfig {
    /// Paragraphs with fewer normalised words are ignored (default 3): `Advertisement`,
    /// `He added:` or `Photo: AFP` carry no evidence of copying.
    pub min_words: usize,
    /// Paragraphs with fewer words are matched only when identical after normalisation
    /// and get no simhash or anchors (default 8). Below that, simhash compares a handful of
    /// features: of the pairs of distinct 3–7-word paragraphs within 6 bits on the corpus,
    /// none is a copy, and two shared trigrams are a large share of the text.
    pub short_words: usize,
    /// Word n-gram length of the simhash features (default 1: words). Measured on the
    /// corpus: lightly edited copies stay closest in Hamming distance with words.
    pub simhash_ngram: usize,
    /// Largest Hamming distance between simhashes for the near-identical search (default
    /// 3; the index uses `max_hamming + 1` tables).
    pub max_hamming: u32,
    /// In an oversized simhash bucket, each hash is compared only with this many
    /// successors (default 64), keeping the search linear on template floods.
    pub bucket_limit: usize,
    /// Word n-gram length of the anchors (default 4).
    pub anchor_ngram: usize,
    /// Winnowing window over anchor n-grams (default 6): any shared run of
    /// `anchor_window + anchor_ngram - 1` = 9 words guarantees a shared anchor.
    pub anchor_window: usize,
    /// Anchors carried by more paragraphs are skipped as boilerplate (default 64).
    pub anchor_max_df: usize,
    /// Shared anchors a pair needs to become a candidate (default 2), unless one of its
    /// paragraphs has fewer than `single_anchor_words` words.
    pub min_shared_anchors: usize,
    /// A pair in which a paragraph has fewer words needs only one shared anchor (default
    /// 25): a short copy carries few anchors. Two longer paragraphs that share a single
    /// anchor (a phrase, a quotation) are rarely copies: on the generated 1 GB batch,
    /// requiring two for paragraphs of 30 words or more cut the candidates from 13.3 M to
    /// 4.6 M, 98.9% of the dropped ones rejected by verification, with the same wire-copy
    /// recall; 25 is the lowest value that leaves the labelled corpus's results unchanged
    /// (24 loses one true pair of 5150) and halves the candidates again (`docs/dedup.md`).
    pub single_anchor_words: usize,
    /// Anchors carried by at most this many paragraphs propose their pairs as they are
    /// (default 4); pairs of more common anchors must also pass the simhash prefilter
    /// (`prefilter_max_hamming`). Keeps phrases that recur by chance in a large batch from
    /// flooding verification.
    pub anchor_rare_df: usize,
    /// Word n-gram length of the verification measure (default 3).
    pub verify_ngram: usize,
    /// Smallest similarity (word coverage by shared trigrams) of a copy (default 0.5: the
    /// corpus F1 is flat from 0.45 to 0.6 and the samples' edited wire pair sits at 0.5).
    pub copy_threshold: f64,
    /// Words a copy must cover, in the paragraph its similarity comes from, unless the two
    /// are identical (default 8).
    pub min_copied_words: usize,
    /// Quoted shared words needed for a `shared-quote` match (default 8).
    pub quote_min_words: usize,
    /// Share of the covered words that must be quoted for a quote-only match (default 0.8).
    pub quote_share: f64,
    /// A quote-only match covers less than this share of the unquoted words of the
    /// paragraph its similarity comes from (default 0.5).
    pub quote_narrative_max: f64,
    /// A quote-only match needs one paragraph to frame the quote with at least this many
    /// unquoted words of its own (default 8): fewer is an attribution clause, and the pair
    /// is a copied quote paragraph whose attribution was changed.
    pub quote_frame_words: usize,
    /// Share of a document's words found in another document for a republication
    /// (default 0.8).
    pub document_threshold: f64,
    /// A document needs this many eligible paragraphs to count as republished (default 3).
    pub document_min_paragraphs: usize,
    /// Second round of candidate search (default true): two documents already sharing a
    /// verified copy (wire copy is a document-level act) get their other paragraph pairs
    /// compared too, which finds edited copies whose shared runs are too short for anchors
    /// (SCMP 20 / Local 10 in the samples share runs of 5 and 7 words).
    pub expand_documents: bool,
    /// Simhash prefilter of the weak candidate sources (document expansion, common
    /// anchors): pairs farther apart in Hamming distance are not verified (default 20, the
    /// best F1 of the corpus sweep; SCMP 20 / Local 10 is at 16 bits; `docs/dedup.md`).
    pub prefilter_max_hamming: u32,
    /// Each document is expanded against at most this many linked documents, those with
    /// the most verified copies first (default 16): bounds the work per document.
    pub expand_max_partners: usize,
    /// A copy whose paragraph recurs more than this many times (identical) does not link
    /// documents (default 8): site templates would link every page of a site.
    pub expand_max_group: usize,
    /// Paragraphs matched in more documents than this are ignored for document pairing
    /// (default 256), which keeps document pairing linear.
    pub document_max_fanout: usize,
    /// Candidate pairs verified per call to [`ParagraphTexts::texts`] (default 16 384).
    pub verify_batch: usize,
    /// Whether cluster members carry their text (default true). Turn off on huge batches:
    /// the texts of all flagged paragraphs are then not kept in memory.
    pub include_texts: bool,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            min_words: 3,
            short_words: 8,
            simhash_ngram: 1,
            max_hamming: 3,
            bucket_limit: 64,
            anchor_ngram: 4,
            anchor_window: 6,
            anchor_max_df: 64,
            min_shared_anchors: 2,
            single_anchor_words: 25,
            anchor_rare_df: 4,
            verify_ngram: 3,
            copy_threshold: 0.5,
            min_copied_words: 8,
            quote_min_words: 8,
            quote_share: 0.8,
            quote_narrative_max: 0.5,
            quote_frame_words: 8,
            expand_documents: true,
            prefilter_max_hamming: 20,
            expand_max_partners: 16,
            expand_max_group: 8,
            document_threshold: 0.8,
            document_min_paragraphs: 3,
            document_max_fanout: 256,
            verify_batch: 16_384,
            include_texts: true,
        }
    }
}

/// Errors of the dedup module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DedupError {
    /// A [`DedupConfig`] field is outside the range the detector can work with.
    #[error("dedup config: {field} = {value}: {reason}")]
    InvalidConfig {
        /// Name of the field.
        field: &'static str,
        /// Its value, printed.
        value: String,
        /// What the valid range is.
        reason: &'static str,
    },
    /// More paragraphs than a `u32` can number were added.
    #[error("dedup: more than {max} paragraphs in one batch")]
    TooManyParagraphs {
        /// The limit.
        max: u64,
    },
}

impl DedupConfig {
    /// Checks every field's range; the first offending field is reported.
    pub fn validate(&self) -> Result<(), DedupError> {
        fn invalid(field: &'static str, value: impl ToString, reason: &'static str) -> DedupError {
            DedupError::InvalidConfig {
                field,
                value: value.to_string(),
                reason,
            }
        }
        let unit = |field: &'static str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(invalid(field, value, "must be within [0, 1]"))
            }
        };
        if self.min_words == 0 {
            return Err(invalid("min_words", self.min_words, "must be at least 1"));
        }
        if self.short_words < self.verify_ngram {
            return Err(invalid(
                "short_words",
                self.short_words,
                "must be at least verify_ngram",
            ));
        }
        for (field, value) in [
            ("simhash_ngram", self.simhash_ngram),
            ("anchor_ngram", self.anchor_ngram),
            ("anchor_window", self.anchor_window),
            ("min_shared_anchors", self.min_shared_anchors),
            ("anchor_rare_df", self.anchor_rare_df),
            ("verify_ngram", self.verify_ngram),
            ("bucket_limit", self.bucket_limit),
            ("verify_batch", self.verify_batch),
            ("document_min_paragraphs", self.document_min_paragraphs),
            ("expand_max_partners", self.expand_max_partners),
            ("expand_max_group", self.expand_max_group),
        ] {
            if value == 0 {
                return Err(invalid(field, value, "must be at least 1"));
            }
        }
        if self.anchor_max_df < 2 {
            return Err(invalid(
                "anchor_max_df",
                self.anchor_max_df,
                "must be at least 2",
            ));
        }
        if self.document_max_fanout < 2 {
            return Err(invalid(
                "document_max_fanout",
                self.document_max_fanout,
                "must be at least 2",
            ));
        }
        if self.max_hamming > 15 {
            return Err(invalid(
                "max_hamming",
                self.max_hamming,
                "must be at most 15 (blocks of 4 bits or more)",
            ));
        }
        unit("copy_threshold", self.copy_threshold)?;
        unit("quote_share", self.quote_share)?;
        unit("quote_narrative_max", self.quote_narrative_max)?;
        unit("document_threshold", self.document_threshold)?;
        Ok(())
    }

    /// A copy with every out-of-range field brought to its nearest valid value.
    pub fn sanitized(&self) -> DedupConfig {
        let mut config = self.clone();
        config.min_words = config.min_words.max(1);
        config.simhash_ngram = config.simhash_ngram.max(1);
        config.anchor_ngram = config.anchor_ngram.max(1);
        config.anchor_window = config.anchor_window.max(1);
        config.min_shared_anchors = config.min_shared_anchors.max(1);
        config.anchor_rare_df = config.anchor_rare_df.max(1);
        config.verify_ngram = config.verify_ngram.max(1);
        config.short_words = config.short_words.max(config.verify_ngram);
        config.bucket_limit = config.bucket_limit.max(1);
        config.verify_batch = config.verify_batch.max(1);
        config.document_min_paragraphs = config.document_min_paragraphs.max(1);
        config.expand_max_partners = config.expand_max_partners.max(1);
        config.expand_max_group = config.expand_max_group.max(1);
        config.anchor_max_df = config.anchor_max_df.max(2);
        config.document_max_fanout = config.document_max_fanout.max(2);
        config.max_hamming = config.max_hamming.min(15);
        let unit = |value: f64| {
            if value.is_nan() {
                1.0
            } else {
                value.clamp(0.0, 1.0)
            }
        };
        config.copy_threshold = unit(config.copy_threshold);
        config.quote_share = unit(config.quote_share);
        config.quote_narrative_max = unit(config.quote_narrative_max);
        config.document_threshold = unit(config.document_threshold);
        config
    }
}

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
/// Use the same `config` as the [`Detector`] the sketch is given to.
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
    /// Index of the document, in [`Detector::add_document`] order.
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

/// Fetches paragraph texts for verification (the caller may re-read them from disk).
///
/// Must return one text per key, in the order of `keys`, the same cleaned text that was
/// sketched. A missing text (a shorter vector) counts as empty: its candidates are dropped
/// and counted in [`DedupStats::missing_texts`].
pub trait ParagraphTexts: Sync {
    /// The texts of `keys`, in order.
    fn texts(&self, keys: &[ParagraphKey]) -> Vec<String>;

    /// What verification needs of `keys` ([`Prepared`], with word `ngram`s), in order. This
    /// default normalises [`texts`](Self::texts); a caller that kept the words while
    /// sketching ([`spill`]) answers without reading texts back. A shorter vector counts as
    /// missing texts.
    fn prepared(&self, keys: &[ParagraphKey], ngram: usize) -> Vec<Prepared> {
        self.texts(keys)
            .par_iter()
            .map(|text| Prepared::new(normalize::normalize(text), ngram))
            .collect()
    }
}

/// Texts held in memory, `texts[doc][para]`: the simple [`ParagraphTexts`] for callers
/// (and tests) that have the batch in memory anyway.
impl ParagraphTexts for Vec<Vec<String>> {
    fn texts(&self, keys: &[ParagraphKey]) -> Vec<String> {
        keys.iter()
            .map(|key| {
                self.get(key.doc as usize)
                    .and_then(|doc| doc.get(key.para as usize))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect()
    }
}

/// Candidate pairs found by [`Detector::candidates`], by source, packed with
/// [`index::pack_pair`] over paragraph numbers in add order.
#[derive(Debug, Default)]
pub struct Candidates {
    /// `(first occurrence, member)` pairs of paragraphs identical after normalisation.
    pub exact: Vec<u64>,
    /// Pairs of representatives within `max_hamming` bits of simhash.
    pub near: Vec<u64>,
    /// Pairs of representatives sharing `min_shared_anchors` anchors (one when a paragraph
    /// is shorter than `single_anchor_words`).
    pub anchored: Vec<u64>,
    /// For each paragraph, the first occurrence of its exact group (`u32::MAX` if ignored).
    pub representative: Vec<u32>,
    /// Anchors skipped as boilerplate.
    pub boilerplate_anchors: usize,
}

impl Candidates {
    /// All candidate pairs, sorted and deduplicated.
    pub fn merged(&self) -> Vec<u64> {
        let mut all = Vec::with_capacity(self.exact.len() + self.near.len() + self.anchored.len());
        all.extend_from_slice(&self.exact);
        all.extend_from_slice(&self.near);
        all.extend_from_slice(&self.anchored);
        all.par_sort_unstable();
        all.dedup();
        all
    }
}

/// The near-duplicate detector: add sketched documents, then [`Detector::finish`].
#[derive(Clone, Debug)]
pub struct Detector {
    config: DedupConfig,
    documents: Vec<DocumentInfo>,
    /// Paragraph number of each document's first paragraph.
    document_starts: Vec<u32>,
    simhashes: Vec<u64>,
    content_hashes: Vec<u64>,
    /// Word counts, saturating at `u16::MAX` (thresholds are far below).
    word_counts: Vec<u16>,
    /// `(anchor << 32) | paragraph` for every anchor of every paragraph.
    postings: Vec<u64>,
}

impl Detector {
    /// A detector with `config`; out-of-range fields are brought into range (see
    /// [`DedupConfig::sanitized`]; call [`DedupConfig::validate`] first to report them).
    pub fn new(config: DedupConfig) -> Self {
        Detector {
            config: config.sanitized(),
            documents: Vec::new(),
            document_starts: Vec::new(),
            simhashes: Vec::new(),
            content_hashes: Vec::new(),
            word_counts: Vec::new(),
            postings: Vec::new(),
        }
    }

    /// [`Detector::new`] with room reserved for `paragraphs` paragraphs and their anchors
    /// (at the measured ~8 anchors per paragraph), so that the arrays are not grown by
    /// doubling, which can leave up to half of their memory unused.
    pub fn with_capacity(config: DedupConfig, paragraphs: usize) -> Self {
        let mut detector = Detector::new(config);
        detector.simhashes.reserve_exact(paragraphs);
        detector.content_hashes.reserve_exact(paragraphs);
        detector.word_counts.reserve_exact(paragraphs);
        detector.postings.reserve_exact(paragraphs * 8);
        detector
    }

    /// The configuration in use.
    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    /// Adds a document's paragraph sketches, in paragraph order; returns its index.
    ///
    /// # Panics
    /// Past 4 294 967 295 paragraphs in one batch (see [`Detector::try_add_document`]).
    pub fn add_document(&mut self, info: DocumentInfo, sketches: Vec<ParagraphSketch>) -> u32 {
        self.try_add_document(info, sketches)
            .expect("a batch holds at most u32::MAX paragraphs and documents")
    }

    /// [`Detector::add_document`], failing instead of panicking when paragraph or document
    /// numbers would overflow `u32`.
    pub fn try_add_document(
        &mut self,
        info: DocumentInfo,
        sketches: Vec<ParagraphSketch>,
    ) -> Result<u32, DedupError> {
        let max = u64::from(u32::MAX);
        let start = self.simhashes.len() as u64;
        if start + sketches.len() as u64 > max || self.documents.len() as u64 >= max {
            return Err(DedupError::TooManyParagraphs { max });
        }
        let doc = self.documents.len() as u32;
        self.documents.push(info);
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

    /// Number of paragraphs added.
    pub fn paragraph_count(&self) -> usize {
        self.simhashes.len()
    }

    /// Number of documents added.
    pub fn document_count(&self) -> usize {
        self.documents.len()
    }

    /// Heap bytes held by the index (sketch arrays and anchor postings, by capacity), not
    /// counting the [`DocumentInfo`] strings.
    pub fn index_heap_bytes(&self) -> usize {
        self.simhashes.capacity() * 8
            + self.content_hashes.capacity() * 8
            + self.word_counts.capacity() * 2
            + self.postings.capacity() * 8
            + self.document_starts.capacity() * 4
    }

    /// Number of anchor postings stored.
    pub fn posting_count(&self) -> usize {
        self.postings.len()
    }

    /// The key of paragraph number `paragraph` (add order).
    pub fn key_of(&self, paragraph: u32) -> ParagraphKey {
        key_of(&self.document_starts, paragraph)
    }

    /// Searches candidate pairs (exact groups, simhash tables, anchors) without verifying
    /// them. [`Detector::finish`] calls it; it is public for benchmarks and diagnostics.
    /// Sorts the anchor postings in place and drops those of paragraphs that cannot be
    /// searched (short ones, repeats of an earlier paragraph): calling it again gives the
    /// same candidates.
    pub fn candidates(&mut self) -> Candidates {
        let config = &self.config;
        let word_counts = &self.word_counts;
        let min_words = config.min_words;
        let exact = index::exact_groups(&self.content_hashes, |id| {
            usize::from(word_counts[id as usize]) >= min_words
        });
        let representative = exact.representative;
        let short_words = config.short_words;
        let searchable = |id: u32| {
            representative[id as usize] == id
                && usize::from(word_counts[id as usize]) >= short_words
        };
        let simhashes = &self.simhashes;
        let near = index::near_identical_pairs_with(
            simhashes.len() as u32,
            config.max_hamming,
            config.bucket_limit,
            |id| searchable(id).then(|| simhashes[id as usize]),
        );
        let accept = |a: u32, b: u32, df: usize| {
            df <= config.anchor_rare_df
                || fingerprint::hamming(simhashes[a as usize], simhashes[b as usize])
                    <= config.prefilter_max_hamming
        };
        let (anchored, boilerplate_anchors) = index::anchor_pairs(
            &mut self.postings,
            searchable,
            accept,
            config.anchor_max_df,
            |a, b| {
                let shorter = word_counts[a as usize].min(word_counts[b as usize]);
                if usize::from(shorter) < config.single_anchor_words {
                    1
                } else {
                    config.min_shared_anchors
                }
            },
        );
        Candidates {
            exact: exact.pairs,
            near,
            anchored,
            representative,
            boilerplate_anchors,
        }
    }

    /// Second-round candidates: paragraph pairs of documents linked by verified copies
    /// (see [`DedupConfig::expand_documents`]), not yet verified, within
    /// `prefilter_max_hamming` bits of simhash. Pairs are between exact-group representatives.
    pub fn expansion_candidates(
        &self,
        candidates: &Candidates,
        already: &[u64],
        verified: &[VerifiedPair],
    ) -> Vec<u64> {
        let config = &self.config;
        let representative = &candidates.representative;
        let group_size = |first: u32| exact_group_size(&candidates.exact, first);
        let long = |id: u32| usize::from(self.word_counts[id as usize]) >= config.short_words;
        let mut links: HashMap<(u32, u32), u32> = HashMap::new();
        for pair in verified.iter().filter(|pair| pair.kind == MatchKind::Copy) {
            let (doc_a, doc_b) = (self.key_of(pair.a).doc, self.key_of(pair.b).doc);
            if doc_a == doc_b || !long(pair.a) || !long(pair.b) {
                continue;
            }
            let rare = |id: u32| {
                let first = representative[id as usize];
                first != u32::MAX && group_size(first) <= config.expand_max_group
            };
            if rare(pair.a) && rare(pair.b) {
                *links
                    .entry((doc_a.min(doc_b), doc_a.max(doc_b)))
                    .or_default() += 1;
            }
        }
        // Keep, for each document, its `expand_max_partners` best-linked partners.
        let mut partners: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
        for (&(a, b), &count) in &links {
            partners.entry(a).or_default().push((count, b));
            partners.entry(b).or_default().push((count, a));
        }
        let mut kept: Vec<(u32, u32)> = Vec::new();
        for (&doc, list) in &mut partners {
            list.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
            for &(_, other) in list.iter().take(config.expand_max_partners) {
                kept.push((doc.min(other), doc.max(other)));
            }
        }
        kept.sort_unstable();
        kept.dedup();
        let paragraphs_of = |doc: u32| {
            document_paragraphs(
                &self.document_starts,
                self.simhashes.len() as u32,
                doc as usize,
            )
        };
        let mut found: Vec<u64> = kept
            .par_iter()
            .flat_map_iter(|&(doc_a, doc_b)| {
                let mut pairs = Vec::new();
                for a in paragraphs_of(doc_a).filter(|&id| long(id)) {
                    let first_a = representative[a as usize];
                    for b in paragraphs_of(doc_b).filter(|&id| long(id)) {
                        let first_b = representative[b as usize];
                        if first_a == first_b || first_a == u32::MAX || first_b == u32::MAX {
                            continue;
                        }
                        let distance = fingerprint::hamming(
                            self.simhashes[first_a as usize],
                            self.simhashes[first_b as usize],
                        );
                        if distance <= config.prefilter_max_hamming {
                            pairs.push(index::pack_pair(first_a, first_b));
                        }
                    }
                }
                pairs
            })
            .collect();
        found.par_sort_unstable();
        found.dedup();
        found.retain(|pair| already.binary_search(pair).is_err());
        found
    }

    /// Verifies every candidate and builds the report. Normalised words are fetched through
    /// `texts` in batches of `verify_batch` candidate pairs; only candidate paragraphs are
    /// fetched, and the texts of matched ones.
    pub fn finish(self, texts: &dyn ParagraphTexts) -> DedupReport {
        self.finish_unless(texts, &|| false)
            .expect("never cancelled")
    }

    /// [`Detector::finish`], asking `cancelled` between stages and verification batches:
    /// `None` as soon as it says true (a user's Ctrl-C), so a long detection stops promptly.
    pub fn finish_unless(
        mut self,
        texts: &dyn ParagraphTexts,
        cancelled: &dyn Fn() -> bool,
    ) -> Option<DedupReport> {
        let index_heap_bytes = self.index_heap_bytes();
        let started = std::time::Instant::now();
        let candidates = self.candidates();
        // The anchors and content hashes have served; free them before texts come in.
        self.postings = Vec::new();
        self.content_hashes = Vec::new();
        let merged = candidates.merged();
        let search_seconds = started.elapsed().as_secs_f64();
        let mut verification = verify_candidates(&self, &merged, texts, cancelled)?;
        let verify_seconds = started.elapsed().as_secs_f64() - search_seconds;
        let expansion = if self.config.expand_documents {
            self.expansion_candidates(&candidates, &merged, &verification.pairs)
        } else {
            Vec::new()
        };
        let expanded = verify_candidates(&self, &expansion, texts, cancelled)?;
        let expanded_pairs = expanded.pairs.len();
        verification.pairs.extend(expanded.pairs);
        verification.texts.extend(expanded.texts);
        verification.missing_texts += expanded.missing_texts;
        verification.prepared += expanded.prepared;
        let expansion_seconds = started.elapsed().as_secs_f64() - search_seconds - verify_seconds;
        let stats = DedupStats {
            documents: self.documents.len(),
            paragraphs: self.simhashes.len(),
            exact_candidates: candidates.exact.len(),
            near_candidates: candidates.near.len(),
            anchor_candidates: candidates.anchored.len(),
            candidates: merged.len(),
            expansion_candidates: expansion.len(),
            expansion_verified_pairs: expanded_pairs,
            boilerplate_anchors: candidates.boilerplate_anchors,
            verified_pairs: verification.pairs.len(),
            missing_texts: verification.missing_texts,
            prepared_paragraphs: verification.prepared,
            index_heap_bytes,
            search_seconds,
            verify_seconds,
            expansion_seconds,
            report_seconds: 0.0,
        };
        if cancelled() {
            return None;
        }
        let report_started = std::time::Instant::now();
        let mut report = cluster::build_report(
            cluster::ReportInput {
                config: &self.config,
                documents: self.documents,
                document_starts: self.document_starts,
                word_counts: &self.word_counts,
                representative: &candidates.representative,
                pairs: verification.pairs,
                texts: verification.texts,
            },
            stats,
        );
        report.stats.report_seconds = report_started.elapsed().as_secs_f64();
        Some(report)
    }
}

/// Members of the exact group whose first occurrence is `first`, from the sorted
/// `(first, member)` pairs of [`Candidates::exact`].
fn exact_group_size(exact_pairs: &[u64], first: u32) -> usize {
    let start = exact_pairs.partition_point(|&pair| ((pair >> 32) as u32) < first);
    let end = exact_pairs.partition_point(|&pair| ((pair >> 32) as u32) <= first);
    1 + (end - start)
}

/// Paragraph numbers of document `doc`, given each document's first paragraph number and
/// the total number of paragraphs.
fn document_paragraphs(
    document_starts: &[u32],
    paragraphs: u32,
    doc: usize,
) -> std::ops::Range<u32> {
    let start = document_starts.get(doc).copied().unwrap_or(paragraphs);
    let end = document_starts.get(doc + 1).copied().unwrap_or(paragraphs);
    start..end
}

/// Key of paragraph number `paragraph` given each document's first paragraph number.
fn key_of(document_starts: &[u32], paragraph: u32) -> ParagraphKey {
    // Documents without paragraphs share their start with the next one: take the last.
    let doc = document_starts
        .partition_point(|&start| start <= paragraph)
        .saturating_sub(1);
    ParagraphKey {
        doc: doc as u32,
        para: paragraph - document_starts.get(doc).copied().unwrap_or(0),
    }
}

/// One verified pair, over paragraph numbers in add order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VerifiedPair {
    /// The earlier paragraph.
    pub a: u32,
    /// The later paragraph.
    pub b: u32,
    /// Copy or shared quote.
    pub kind: MatchKind,
    /// Similarity in `[0, 1]` (see [`verify`]).
    pub similarity: f64,
}

struct Verification {
    pairs: Vec<VerifiedPair>,
    texts: HashMap<u32, String>,
    missing_texts: usize,
    /// Paragraphs prepared for verification, counting each batch a paragraph is in.
    prepared: usize,
}

/// Verifies `candidates` batch by batch: prepare the batch's
/// paragraphs, decide the pairs in parallel, then (when the report includes texts) fetch the
/// texts of the matched paragraphs only. `None` when `cancelled` said stop between batches.
fn verify_candidates(
    detector: &Detector,
    candidates: &[u64],
    texts: &dyn ParagraphTexts,
    cancelled: &dyn Fn() -> bool,
) -> Option<Verification> {
    let config = &detector.config;
    let mut verification = Verification {
        pairs: Vec::new(),
        texts: HashMap::new(),
        missing_texts: 0,
        prepared: 0,
    };
    for batch in candidates.chunks(config.verify_batch) {
        if cancelled() {
            return None;
        }
        let mut ids: Vec<u32> = batch
            .iter()
            .flat_map(|&pair| {
                let (a, b) = index::unpack_pair(pair);
                [a, b]
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let keys: Vec<ParagraphKey> = ids.iter().map(|&id| detector.key_of(id)).collect();
        let mut prepared = texts.prepared(&keys, config.verify_ngram);
        verification.prepared += keys.len();
        if prepared.len() < keys.len() {
            verification.missing_texts += keys.len() - prepared.len();
            prepared.resize(keys.len(), Prepared::default());
        }
        prepared.truncate(keys.len());
        let position = |id: u32| ids.binary_search(&id).expect("every batch id was fetched");
        let matched: Vec<VerifiedPair> = batch
            .par_iter()
            .filter_map(|&pair| {
                let (a, b) = index::unpack_pair(pair);
                let (kind, similarity) =
                    verify::verify(&prepared[position(a)], &prepared[position(b)], config)?;
                Some(VerifiedPair {
                    a,
                    b,
                    kind,
                    similarity,
                })
            })
            .collect();
        verification.pairs.extend(matched);
    }
    if config.include_texts {
        let mut ids: Vec<u32> = verification
            .pairs
            .iter()
            .flat_map(|pair| [pair.a, pair.b])
            .collect();
        ids.sort_unstable();
        ids.dedup();
        // In batches: a texts source may load whole documents to answer.
        for batch in ids.chunks(config.verify_batch) {
            let keys: Vec<ParagraphKey> = batch.iter().map(|&id| detector.key_of(id)).collect();
            let fetched = texts.texts(&keys);
            verification
                .texts
                .extend(batch.iter().copied().zip(fetched));
        }
    }
    Some(verification)
}

/// Kind of a paragraph cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterKind {
    /// Copies published by two or more sites (wire copy).
    Syndicated,
    /// One site repeats the paragraph across its documents.
    SiteTemplate,
    /// The paragraph recurs inside one document.
    Repeated,
    /// Different sentences quoting the same passage: weaker, never syndicated.
    SharedQuote,
}

impl ClusterKind {
    /// The kebab-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterKind::Syndicated => "syndicated",
            ClusterKind::SiteTemplate => "site-template",
            ClusterKind::Repeated => "repeated",
            ClusterKind::SharedQuote => "shared-quote",
        }
    }
}

impl std::fmt::Display for ClusterKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A member of a [`Cluster`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterMember {
    /// Where the paragraph is (not serialised: `doc` and `paragraph` say it for humans).
    #[serde(skip)]
    pub key: ParagraphKey,
    /// The document's id ([`DocumentInfo::id`]).
    pub doc: String,
    /// The document's site.
    pub site: String,
    /// Paragraph index within the document.
    pub paragraph: u32,
    /// The paragraph's text (empty when [`DedupConfig::include_texts`] is off).
    pub text: String,
}

/// A verified pair inside a [`Cluster`]: the fact the cluster is built from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterPair {
    /// Index of one member in [`Cluster::members`].
    pub a: usize,
    /// Index of the other member.
    pub b: usize,
    /// Similarity of the two, in `[0, 1]`.
    pub similarity: f64,
    /// What this pair is, from its own two documents' sites.
    pub kind: ClusterKind,
}

/// Paragraphs joined by verified pairs, for display. One JSON line each in
/// `duplicates.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cluster {
    /// Cluster number, in order of first occurrence.
    pub id: u32,
    /// Kind: `syndicated` when members come from two or more sites, `site-template` when
    /// from several documents of one site, `repeated` inside one document; `shared-quote`
    /// clusters are built from shared-quote pairs only.
    pub kind: ClusterKind,
    /// Members in input order; the first is the first occurrence.
    pub members: Vec<ClusterMember>,
    /// The verified pairs joining the members.
    pub pairs: Vec<ClusterPair>,
    /// Distinct sites of the members, sorted.
    pub sites: Vec<String>,
    /// Wire credits found in the members' documents, sorted, deduplicated.
    pub credits: Vec<String>,
}

/// Kind of a document cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentClusterKind {
    /// Another site republished the article whole or nearly.
    Republished,
    /// The same site published it twice.
    Duplicate,
}

/// A document of a [`DocumentCluster`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentClusterMember {
    /// Document index in add order.
    #[serde(skip)]
    pub index: u32,
    /// The document's id.
    pub doc: String,
    /// Its site.
    pub site: String,
}

/// Two documents of a [`DocumentCluster`] and how much of each the other holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentPair {
    /// Index of one document in [`DocumentCluster::documents`].
    pub a: usize,
    /// Index of the other.
    pub b: usize,
    /// Share of `a`'s words (eligible paragraphs) matched by copies in `b`.
    pub coverage_a: f64,
    /// Share of `b`'s words matched by copies in `a`.
    pub coverage_b: f64,
}

/// Documents republished whole (or nearly) by one another.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentCluster {
    /// Document cluster number.
    pub id: u32,
    /// `republished` across sites, `duplicate` within one.
    pub kind: DocumentClusterKind,
    /// Documents in input order.
    pub documents: Vec<DocumentClusterMember>,
    /// The qualifying document pairs.
    pub pairs: Vec<DocumentPair>,
    /// Distinct sites, sorted.
    pub sites: Vec<String>,
    /// Wire credits of the documents.
    pub credits: Vec<String>,
}

/// How one paragraph is flagged.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Annotation {
    /// The cluster's id.
    pub cluster: u32,
    /// The cluster's kind.
    pub kind: ClusterKind,
    /// Similarity to the closest other member (over this paragraph's verified pairs).
    pub similarity: f64,
    /// Whether this is the cluster's first occurrence in input order.
    pub first: bool,
}

/// The verdict on one pair of paragraphs, from [`DedupReport::pair`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PairMatch {
    /// What the pair is, from its two documents' sites (or `shared-quote`).
    pub kind: ClusterKind,
    /// Similarity, in `[0, 1]`.
    pub similarity: f64,
}

/// Counters of a run, for the summary and for tuning.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DedupStats {
    /// Documents added.
    pub documents: usize,
    /// Paragraphs added.
    pub paragraphs: usize,
    /// Candidate pairs from exact groups.
    pub exact_candidates: usize,
    /// Candidate pairs from the simhash tables.
    pub near_candidates: usize,
    /// Candidate pairs from shared anchors.
    pub anchor_candidates: usize,
    /// Distinct candidate pairs verified in the first round.
    pub candidates: usize,
    /// Candidate pairs of the document expansion (second round).
    pub expansion_candidates: usize,
    /// Pairs the document expansion verified.
    pub expansion_verified_pairs: usize,
    /// Anchors skipped as boilerplate.
    pub boilerplate_anchors: usize,
    /// Pairs that passed verification.
    pub verified_pairs: usize,
    /// Texts the caller did not return.
    pub missing_texts: usize,
    /// Paragraphs prepared for verification (a paragraph in several verification batches
    /// counts once per batch).
    pub prepared_paragraphs: usize,
    /// Heap bytes of the index when finishing.
    pub index_heap_bytes: usize,
    /// Wall seconds of candidate search (exact groups, simhash tables, anchors, merge).
    pub search_seconds: f64,
    /// Wall seconds of verifying the first-round candidates.
    pub verify_seconds: f64,
    /// Wall seconds of document expansion (its candidates and their verification).
    pub expansion_seconds: f64,
    /// Wall seconds of clustering and building the report.
    pub report_seconds: f64,
}

/// Everything [`Detector::finish`] found.
#[derive(Clone, Debug, Serialize)]
pub struct DedupReport {
    /// Paragraph clusters, by first occurrence.
    pub clusters: Vec<Cluster>,
    /// Document clusters.
    pub document_clusters: Vec<DocumentCluster>,
    /// Counters.
    pub stats: DedupStats,
    #[serde(skip)]
    annotations: HashMap<ParagraphKey, Annotation>,
    #[serde(skip)]
    lookup: cluster::PairLookup,
}

impl DedupReport {
    /// Cluster id, kind, similarity to the closest other member, and whether this is the
    /// first occurrence (input order) in its cluster. A paragraph in both a copy cluster and
    /// a shared-quote cluster is annotated with the copy cluster.
    pub fn annotation(&self, key: ParagraphKey) -> Option<Annotation> {
        self.annotations.get(&key).copied()
    }

    /// The verified match between two paragraphs, if any (in either order). Paragraphs
    /// identical after normalisation to a matched paragraph share its matches.
    pub fn pair(&self, a: ParagraphKey, b: ParagraphKey) -> Option<PairMatch> {
        self.lookup.pair(a, b)
    }

    /// Short human summary (a few lines) for stderr.
    pub fn summary(&self) -> String {
        cluster::summary(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid() {
        DedupConfig::default()
            .validate()
            .expect("defaults are valid");
    }

    #[test]
    fn invalid_config_is_reported_and_sanitized() {
        let config = DedupConfig {
            copy_threshold: 1.5,
            anchor_window: 0,
            ..DedupConfig::default()
        };
        let error = config.validate().expect_err("out of range");
        assert!(error.to_string().contains("anchor_window"), "{error}");
        let sanitized = config.sanitized();
        sanitized.validate().expect("sanitized config is valid");
        assert_eq!(sanitized.copy_threshold, 1.0);
    }

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
    fn exact_group_sizes_come_from_the_pairs() {
        let pairs = [
            index::pack_pair(2, 5),
            index::pack_pair(2, 9),
            index::pack_pair(4, 6),
            index::pack_pair(7, 8),
        ];
        assert_eq!(exact_group_size(&pairs, 2), 3);
        assert_eq!(exact_group_size(&pairs, 4), 2);
        assert_eq!(exact_group_size(&pairs, 7), 2);
        assert_eq!(exact_group_size(&pairs, 3), 1);
        assert_eq!(exact_group_size(&pairs, 100), 1);
    }

    const SCMP_20: &str = "Italian authorities were “agonising” over what to do but were “protecting him in a safe place”, the newspaper quoted an unnamed official as saying.";
    const LOCAL_10: &str = "Italian authorities have been “agonising” over what to do, an official in Seoul was cited as saying, but added that they were “protecting him in a safe place”";
    const WIRE: &str = "The Kim dynasty has ruled the impoverished but nuclear-armed state for three generations with little tolerance for dissent.";

    fn run(
        documents: &[(&str, Vec<&str>)],
        config: &DedupConfig,
    ) -> (DedupReport, Vec<Vec<String>>) {
        let mut detector = Detector::new(config.clone());
        let mut texts = Vec::new();
        for (index, (site, paragraphs)) in documents.iter().enumerate() {
            let sketches = paragraphs.iter().map(|p| sketch(p, config)).collect();
            let info = DocumentInfo {
                id: format!("doc-{index}"),
                site: site.to_string(),
                credits: Vec::new(),
            };
            detector.add_document(info, sketches);
            texts.push(paragraphs.iter().map(|p| p.to_string()).collect());
        }
        (detector.finish(&texts), texts)
    }

    #[test]
    fn documents_sharing_a_copy_get_their_other_paragraphs_compared() {
        let documents = [
            ("scmp", vec![WIRE, SCMP_20]),
            ("local", vec![LOCAL_10, WIRE]),
        ];
        let key = |doc, para| ParagraphKey { doc, para };
        let (report, _) = run(&documents, &DedupConfig::default());
        assert_eq!(
            report.pair(key(0, 1), key(1, 0)).map(|m| m.kind),
            Some(ClusterKind::Syndicated)
        );
        assert_eq!(report.stats.expansion_verified_pairs, 1);
        let without = DedupConfig {
            expand_documents: false,
            ..DedupConfig::default()
        };
        let (report, _) = run(&documents, &without);
        assert_eq!(report.pair(key(0, 1), key(1, 0)), None);
    }

    #[test]
    fn a_template_repeated_everywhere_links_no_documents() {
        // Ten documents share only a template paragraph (a group of 10 > expand_max_group).
        let mut documents: Vec<(&str, Vec<&str>)> = vec![
            ("scmp", vec![SCMP_20, WIRE]),
            ("local", vec![WIRE, LOCAL_10]),
        ];
        for _ in 0..8 {
            documents.push(("other", vec![WIRE]));
        }
        let (report, _) = run(&documents, &DedupConfig::default());
        let key = |doc, para| ParagraphKey { doc, para };
        assert_eq!(report.stats.expansion_candidates, 0);
        assert_eq!(report.pair(key(0, 0), key(1, 1)), None);
        // The template itself is reported.
        assert!(report.pair(key(0, 1), key(1, 0)).is_some());
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

    #[test]
    fn config_round_trips_through_json_with_defaults() {
        let config: DedupConfig =
            serde_json::from_str(r#"{"copy_threshold": 0.6}"#).expect("valid JSON config");
        assert_eq!(config.copy_threshold, 0.6);
        assert_eq!(config.short_words, DedupConfig::default().short_words);
    }
}
