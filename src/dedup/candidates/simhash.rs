//! Near-identical simhashes: pairs of representatives within `max_hamming` bits, from the
//! permuted-table index of [`index::near_identical_pairs_with`]. Finds light edits (a word
//! changed, a figure updated) however short the paragraph's runs of shared words are.

use super::{searchable, Batch, CandidateGenerator, Found};
use crate::dedup::index;

/// [`SimhashTables`]'s [`CandidateGenerator::name`].
pub const NAME: &str = "simhash";

/// The permuted simhash tables: `max_hamming + 1` of them; a bucket of more than
/// `bucket_limit` hashes is scanned against each hash's `bucket_limit` successors only.
#[derive(Debug)]
pub struct SimhashTables;

impl CandidateGenerator for SimhashTables {
    fn name(&self) -> &'static str {
        NAME
    }

    fn generate(&self, batch: Batch<'_>) -> Found {
        let config = batch.config;
        let searchable = searchable(
            batch.representative,
            &batch.sketches.word_counts,
            config.short_words,
        );
        let simhashes = &batch.sketches.simhashes;
        let pairs = index::near_identical_pairs_with(
            simhashes.len() as u32,
            config.max_hamming,
            config.bucket_limit,
            |id| searchable(id).then(|| simhashes[id as usize]),
        );
        Found { pairs, skipped: 0 }
    }
}
