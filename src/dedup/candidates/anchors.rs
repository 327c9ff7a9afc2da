//! Shared anchors: pairs of representatives that share winnowed word n-grams, from the
//! inverted index of [`index::anchor_pairs`]. Finds heavier edits that keep runs of
//! `anchor_window + anchor_ngram - 1` words or more.
//!
//! The policy over the index: anchors carried by more than `anchor_max_df` paragraphs are
//! boilerplate and skipped; two paragraphs of `single_anchor_words` words or more must share
//! `min_shared_anchors` anchors (one suffices when either is shorter); pairs proposed by an
//! anchor carried by more than `anchor_rare_df` paragraphs must also be within
//! `prefilter_max_hamming` bits of simhash, so that phrases shared by chance in a large batch
//! do not flood verification.

use super::{searchable, Batch, CandidateGenerator, Found};
use crate::dedup::{fingerprint, index, Sketches};

/// [`AnchorIndex`]'s [`CandidateGenerator::name`].
pub const NAME: &str = "anchors";

/// The anchor postings' inverted index. Sorts [`Sketches::postings`] in place and overwrites
/// those of paragraphs that are not searched: running it again gives the same pairs.
#[derive(Debug)]
pub struct AnchorIndex;

impl CandidateGenerator for AnchorIndex {
    fn name(&self) -> &'static str {
        NAME
    }

    fn generate(&self, batch: Batch<'_>) -> Found {
        let Batch {
            config,
            sketches,
            representative,
        } = batch;
        let Sketches {
            simhashes,
            word_counts,
            postings,
            ..
        } = sketches;
        let (simhashes, word_counts): (&[u64], &[u16]) = (simhashes, word_counts);
        let searchable = searchable(representative, word_counts, config.short_words);
        let accept = |a: u32, b: u32, df: usize| {
            df <= config.anchor_rare_df
                || fingerprint::hamming(simhashes[a as usize], simhashes[b as usize])
                    <= config.prefilter_max_hamming
        };
        let (pairs, skipped) = index::anchor_pairs(
            postings,
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
        Found { pairs, skipped }
    }
}
