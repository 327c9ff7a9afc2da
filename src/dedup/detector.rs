//! The near-duplicate detector: it stores the batch's sketches, searches candidate pairs,
//! drives their verification in batches and hands the verified pairs to clustering.
//!
//! [`Detector`] owns the sketch arrays of one batch. [`Detector::finish`] runs the candidate
//! search, fetches the texts of candidate paragraphs only through the caller's
//! [`ParagraphTexts`] in batches of `verify_batch` pairs, verifies them ([`verify`]), runs the
//! document expansion and its verification, then builds the [`DedupReport`] ([`cluster`]).

use std::collections::HashMap;

use rayon::prelude::*;

use super::sketch::{document_paragraphs, key_of};
use super::verify::{self, MatchKind, Prepared};
use super::{
    cluster, fingerprint, index, normalize, DedupConfig, DedupError, DedupReport, DedupStats,
    DocumentInfo, ParagraphKey, ParagraphSketch,
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
            self.simhashes.push(sketch.simhash());
            self.content_hashes.push(sketch.content_hash());
            self.word_counts
                .push(u16::try_from(sketch.word_count()).unwrap_or(u16::MAX));
            self.postings.extend(
                sketch
                    .anchors()
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

#[cfg(test)]
mod tests {
    use super::super::{sketch, ClusterKind};
    use super::*;

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
}
