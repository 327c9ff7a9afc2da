//! Exact groups, the first step of candidate search: paragraphs of at least `min_words` words
//! that are identical after normalisation (equal content hashes), each member paired with the
//! group's first occurrence, its *representative* ([`index::exact_groups`]).
//!
//! Not a [`CandidateGenerator`](super::CandidateGenerator): the generators search
//! representatives only, so the groups must exist before any of them runs, and the document
//! expansion reads the groups' sizes ([`group_size`]).

use crate::dedup::index::{self, ExactGroups};
use crate::dedup::{DedupConfig, Sketches};

/// The exact groups of the paragraphs of `sketches` that have at least `min_words` words.
pub fn groups(config: &DedupConfig, sketches: &Sketches) -> ExactGroups {
    let word_counts = &sketches.word_counts;
    let min_words = config.min_words;
    index::exact_groups(&sketches.content_hashes, |id| {
        usize::from(word_counts[id as usize]) >= min_words
    })
}

/// Members of the exact group whose first occurrence is `first`, from the sorted
/// `(first, member)` pairs of [`Candidates::exact`](super::Candidates::exact).
pub fn group_size(exact_pairs: &[u64], first: u32) -> usize {
    let start = exact_pairs.partition_point(|&pair| ((pair >> 32) as u32) < first);
    let end = exact_pairs.partition_point(|&pair| ((pair >> 32) as u32) <= first);
    1 + (end - start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_group_sizes_come_from_the_pairs() {
        let pairs = [
            index::pack_pair(2, 5),
            index::pack_pair(2, 9),
            index::pack_pair(4, 6),
            index::pack_pair(7, 8),
        ];
        assert_eq!(group_size(&pairs, 2), 3);
        assert_eq!(group_size(&pairs, 4), 2);
        assert_eq!(group_size(&pairs, 7), 2);
        assert_eq!(group_size(&pairs, 3), 1);
        assert_eq!(group_size(&pairs, 100), 1);
    }
}
