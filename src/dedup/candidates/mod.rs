//! Candidate search: which paragraph pairs of a batch are worth verifying, found without
//! comparing all pairs.
//!
//! First come the exact groups ([`exact`]): paragraphs identical after normalisation, each
//! member paired with its group's first occurrence, the group's *representative*. Then every
//! [`CandidateGenerator`] of [`GENERATORS`] searches the representatives its own way
//! ([`simhash`]: near-identical simhashes; [`anchors`]: shared winnowed n-grams). Their pairs
//! and the exact ones, merged, are the first round's candidates, kept in [`Candidates`]. Once
//! that round is verified, [`expansion`] proposes the other paragraph pairs of documents
//! found to share a copy.
//!
//! The search structures themselves (partitioned sorts, permuted tables, posting lists) are
//! in [`index`](super::index); the files here hold the detector's policy over them: which
//! paragraphs take part and which proposed pairs are kept.

pub mod anchors;
pub mod exact;
pub mod expansion;
pub mod simhash;

use std::fmt;

use rayon::prelude::*;

use super::{DedupConfig, Sketches};

/// The generators the detector runs, in this order, after the exact groups.
pub const GENERATORS: &[&dyn CandidateGenerator] =
    &[&simhash::SimhashTables, &anchors::AnchorIndex];

/// One way of proposing candidate pairs: a search over a batch's sketches that pairs the
/// representatives likely to be copies, without comparing all pairs.
///
/// The detector runs each generator of [`GENERATORS`] once per batch, after the exact groups
/// ([`exact`]). Their pairs are merged with the exact ones, deduplicated, then verified, so
/// a generator's job is recall at a bounded cost; precision is verification's.
///
/// # Adding a generator
///
/// 1. Write `candidates/NAME.rs` with a unit struct implementing this trait. Read what it
///    needs from the [`Batch`] (thresholds of its own become [`DedupConfig`] fields), propose
///    only pairs of [`searchable`] paragraphs, pack them with
///    [`index::pack_pair`](super::index::pack_pair) and return them in a [`Found`]. The
///    trait is called once per batch: keep the work near-linear in the batch and the loop over
///    paragraphs generic code over the arrays (closures, as in [`simhash`]), with no `dyn`
///    call and no allocation per paragraph.
/// 2. Declare the module above and append the struct to [`GENERATORS`].
///
/// Its pairs are then verified with the others and counted in
/// [`DedupStats::candidates`](super::DedupStats::candidates); [`Candidates::found`] has its
/// own count under its [`name`](Self::name) (add a [`DedupStats`](super::DedupStats) field
/// to report that in `run.json`).
pub trait CandidateGenerator: fmt::Debug + Send + Sync {
    /// Short name, unique among [`GENERATORS`], under which [`Candidates`] keeps what it
    /// found.
    fn name(&self) -> &'static str;

    /// The candidate pairs of `batch`.
    fn generate(&self, batch: Batch<'_>) -> Found;
}

/// What a [`CandidateGenerator`] searches.
#[derive(Debug)]
pub struct Batch<'a> {
    /// The detector's configuration (sanitized).
    pub config: &'a DedupConfig,
    /// The batch's sketches. Mutable so that a generator may reorder the column it alone
    /// reads in place (the anchor index sorts the postings, the largest array, instead of
    /// copying them); it leaves the other columns as they are.
    pub sketches: &'a mut Sketches,
    /// For each paragraph, the first occurrence of its exact group (`u32::MAX` if it has
    /// too few words to be matched at all).
    pub representative: &'a [u32],
}

/// What one [`CandidateGenerator`] found in a batch.
#[derive(Debug, Default)]
pub struct Found {
    /// Candidate pairs, packed with [`index::pack_pair`](super::index::pack_pair), in any
    /// order; repeats are allowed.
    pub pairs: Vec<u64>,
    /// Search keys skipped as uninformative, for the stats: anchors carried by more than
    /// `anchor_max_df` paragraphs (boilerplate) for [`anchors`].
    pub skipped: usize,
}

/// Whether a paragraph takes part in the generators' search: the first occurrence of its
/// exact group, with at least `short_words` words (shorter ones match only when identical,
/// through their exact group).
pub fn searchable<'a>(
    representative: &'a [u32],
    word_counts: &'a [u16],
    short_words: usize,
) -> impl Fn(u32) -> bool + Copy + Sync + 'a {
    move |id: u32| {
        representative[id as usize] == id && usize::from(word_counts[id as usize]) >= short_words
    }
}

/// Candidate pairs of a batch's first round, by source, packed with
/// [`index::pack_pair`](super::index::pack_pair) over paragraph numbers in add order: what
/// [`Detector::candidates`](super::Detector::candidates) returns.
#[derive(Debug, Default)]
pub struct Candidates {
    /// `(first occurrence, member)` pairs of paragraphs identical after normalisation,
    /// sorted.
    pub exact: Vec<u64>,
    /// For each paragraph, the first occurrence of its exact group (`u32::MAX` if ignored).
    pub representative: Vec<u32>,
    /// What each generator found, under its name, in the order they ran.
    pub found: Vec<(&'static str, Found)>,
}

impl Candidates {
    /// Groups the paragraphs of `sketches` ([`exact`]), then runs `generators` in order
    /// over the representatives.
    pub fn search(
        config: &DedupConfig,
        sketches: &mut Sketches,
        generators: &[&dyn CandidateGenerator],
    ) -> Candidates {
        let groups = exact::groups(config, sketches);
        let mut candidates = Candidates {
            exact: groups.pairs,
            representative: groups.representative,
            found: Vec::with_capacity(generators.len()),
        };
        for generator in generators {
            let found = generator.generate(Batch {
                config,
                sketches,
                representative: &candidates.representative,
            });
            candidates.found.push((generator.name(), found));
        }
        candidates
    }

    /// What the generator called `name` found, if it ran.
    pub fn found(&self, name: &str) -> Option<&Found> {
        self.found
            .iter()
            .find(|(found_by, _)| *found_by == name)
            .map(|(_, found)| found)
    }

    /// Number of pairs the generator called `name` proposed (0 if it did not run).
    pub fn pair_count(&self, name: &str) -> usize {
        self.found(name).map_or(0, |found| found.pairs.len())
    }

    /// All candidate pairs, sorted and deduplicated.
    pub fn merged(&self) -> Vec<u64> {
        let generated: usize = self.found.iter().map(|(_, found)| found.pairs.len()).sum();
        let mut all = Vec::with_capacity(self.exact.len() + generated);
        all.extend_from_slice(&self.exact);
        for (_, found) in &self.found {
            all.extend_from_slice(&found.pairs);
        }
        all.par_sort_unstable();
        all.dedup();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::{index, sketch, ParagraphSketch};

    /// Pairs every two searchable paragraphs: the all-pairs generator of a test.
    #[derive(Debug)]
    struct AllPairs;

    impl CandidateGenerator for AllPairs {
        fn name(&self) -> &'static str {
            "all-pairs"
        }

        fn generate(&self, batch: Batch<'_>) -> Found {
            let count = batch.sketches.len() as u32;
            let searchable = searchable(
                batch.representative,
                &batch.sketches.word_counts,
                batch.config.short_words,
            );
            let mut pairs = Vec::new();
            for a in (0..count).filter(|&a| searchable(a)) {
                for b in (a + 1..count).filter(|&b| searchable(b)) {
                    pairs.push(index::pack_pair(a, b));
                }
            }
            Found { pairs, skipped: 0 }
        }
    }

    #[test]
    fn generator_names_are_unique() {
        let mut names: Vec<&str> = GENERATORS.iter().map(|g| g.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), GENERATORS.len());
    }

    #[test]
    fn a_generator_searches_representatives_and_is_merged_with_the_exact_pairs() {
        let config = DedupConfig::default();
        let long = "The Kim dynasty has ruled the impoverished but nuclear-armed state for three generations.";
        let other = "A paragraph of the outlet's own about something else entirely, long enough.";
        let paragraphs: Vec<ParagraphSketch> = [long, other, long, "Too short."]
            .iter()
            .map(|text| sketch(text, &config))
            .collect();
        let mut sketches = Sketches::default();
        sketches.push_document(paragraphs).expect("few paragraphs");
        let candidates = Candidates::search(&config, &mut sketches, &[&AllPairs]);
        // Paragraph 2 repeats paragraph 0: an exact pair, and not searched itself.
        assert_eq!(candidates.exact, vec![index::pack_pair(0, 2)]);
        assert_eq!(candidates.representative, vec![0, 1, 0, u32::MAX]);
        assert_eq!(candidates.pair_count("all-pairs"), 1);
        assert_eq!(candidates.pair_count("not-run"), 0);
        assert_eq!(
            candidates.merged(),
            vec![index::pack_pair(0, 1), index::pack_pair(0, 2)]
        );
    }
}
