//! The near-duplicate detector: it stores the batch's sketches, searches candidate pairs,
//! drives their verification in batches and hands the verified pairs to clustering.
//!
//! [`Detector`] owns the sketch arrays of one batch. [`Detector::finish`] runs the candidate
//! search, fetches the texts of candidate paragraphs only through the caller's
//! [`ParagraphTexts`] in batches of `verify_batch` pairs, verifies them ([`verify`]), runs the
//! document expansion and its verification, then builds the [`DedupReport`] ([`cluster`]).

use std::collections::HashMap;

use rayon::prelude::*;

use super::candidates::{self, anchors, expansion, simhash, CandidateGenerator, Candidates};
use super::verify::{self, MatchKind, Prepared};
use super::{
    cluster, index, normalize, DedupConfig, DedupError, DedupReport, DedupStats, DocumentInfo,
    ParagraphKey, ParagraphSketch, Sketches,
};

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
    /// sketching ([`spill`](super::spill)) answers without reading texts back. A shorter
    /// vector counts as missing texts.
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

/// The near-duplicate detector: add sketched documents, then [`Detector::finish`].
#[derive(Clone, Debug)]
pub struct Detector {
    config: DedupConfig,
    documents: Vec<DocumentInfo>,
    sketches: Sketches,
    /// The candidate generators, run in order by [`Detector::candidates`].
    generators: &'static [&'static dyn CandidateGenerator],
}

impl Detector {
    /// A detector with `config`; out-of-range fields are brought into range (see
    /// [`DedupConfig::sanitized`]; call [`DedupConfig::validate`] first to report them).
    pub fn new(config: DedupConfig) -> Self {
        Detector {
            config: config.sanitized(),
            documents: Vec::new(),
            sketches: Sketches::default(),
            generators: candidates::GENERATORS,
        }
    }

    /// [`Detector::new`] with room reserved for `paragraphs` paragraphs and their anchors
    /// (at the measured ~8 anchors per paragraph), so that the arrays are not grown by
    /// doubling, which can leave up to half of their memory unused.
    pub fn with_capacity(config: DedupConfig, paragraphs: usize) -> Self {
        let mut detector = Detector::new(config);
        detector.sketches.reserve_exact(paragraphs);
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
        let doc = self.sketches.push_document(sketches)?;
        self.documents.push(info);
        Ok(doc)
    }

    /// Number of paragraphs added.
    pub fn paragraph_count(&self) -> usize {
        self.sketches.len()
    }

    /// Number of documents added.
    pub fn document_count(&self) -> usize {
        self.documents.len()
    }

    /// Heap bytes held by the index (sketch arrays and anchor postings, by capacity), not
    /// counting the [`DocumentInfo`] strings.
    pub fn index_heap_bytes(&self) -> usize {
        self.sketches.heap_bytes()
    }

    /// Number of anchor postings stored.
    pub fn posting_count(&self) -> usize {
        self.sketches.postings.len()
    }

    /// The key of paragraph number `paragraph` (add order).
    pub fn key_of(&self, paragraph: u32) -> ParagraphKey {
        self.sketches.key_of(paragraph)
    }

    /// Searches candidate pairs (exact groups, then each generator of
    /// [`candidates::GENERATORS`]: simhash tables, anchors) without verifying them.
    /// [`Detector::finish`] calls it; it is public for benchmarks and diagnostics. Sorts the
    /// anchor postings in place and drops those of paragraphs that cannot be searched (short
    /// ones, repeats of an earlier paragraph): calling it again gives the same candidates.
    pub fn candidates(&mut self) -> Candidates {
        Candidates::search(&self.config, &mut self.sketches, self.generators)
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
        expansion::pairs(&self.config, &self.sketches, candidates, already, verified)
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
        self.sketches.postings = Vec::new();
        self.sketches.content_hashes = Vec::new();
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
            paragraphs: self.sketches.len(),
            exact_candidates: candidates.exact.len(),
            near_candidates: candidates.pair_count(simhash::NAME),
            anchor_candidates: candidates.pair_count(anchors::NAME),
            candidates: merged.len(),
            expansion_candidates: expansion.len(),
            expansion_verified_pairs: expanded_pairs,
            boilerplate_anchors: candidates
                .found(anchors::NAME)
                .map_or(0, |found| found.skipped),
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
                document_starts: self.sketches.document_starts,
                word_counts: &self.sketches.word_counts,
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
