//! Candidate search: which paragraph pairs are worth verifying, without comparing all pairs.
//!
//! Three sources of candidates, each near-linear in the number of paragraphs:
//!
//! 1. **Exact groups** ([`exact_groups`]): paragraphs with equal content hashes (identical
//!    after normalisation). Sorting by hash groups them; each member is paired with the
//!    group's first occurrence only, so a template line repeated on 100 000 pages yields
//!    99 999 pairs, not five billion. Only the first occurrence of each group (its
//!    *representative*) takes part in the two searches below.
//! 2. **Near-identical simhashes** ([`near_identical_pairs`]), the permuted-table index of
//!    Manku, Jain and Das Sarma (2007): split the 64 bits into `k + 1` blocks; two hashes at
//!    Hamming distance `<= k` agree exactly on at least one block (pigeonhole). Table `t`
//!    sorts the hashes with block `t` rotated to the top, so candidates for a query are the
//!    run sharing its top block. Tables are built one at a time (16 bytes per paragraph of
//!    scratch). A run longer than `bucket_limit` (a template whose date changes on every
//!    page makes one) is not scanned all-pairs: each hash is compared with its
//!    `bucket_limit` successors in sorted order (which sorts by the remaining bits too, so
//!    close hashes are adjacent), keeping the scan linear.
//! 3. **Shared anchors** ([`anchor_pairs`]): the inverted index of winnowed word n-grams.
//!    Postings `(anchor, paragraph)` are sorted; paragraphs under one anchor are paired. An
//!    anchor carried by more than `max_df` paragraphs is a stock phrase or boilerplate
//!    (`said in a statement on`), not evidence of copying, and is skipped, which bounds the
//!    pairs per posting by `max_df`.
//!
//! Pairs are packed as `(a << 32) | b` with `a < b` (paragraph numbers in add order) into
//! `u64`s, which sort and deduplicate fast and take 8 bytes each.

use rayon::prelude::*;
use std::ops::Range;

/// Packs a pair of paragraph numbers, smaller first.
#[inline]
pub fn pack_pair(a: u32, b: u32) -> u64 {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    (u64::from(low) << 32) | u64::from(high)
}

/// Unpacks a pair made by [`pack_pair`].
#[inline]
pub fn unpack_pair(pair: u64) -> (u32, u32) {
    ((pair >> 32) as u32, pair as u32)
}

/// Exact groups of paragraphs, by content hash.
#[derive(Debug, Default)]
pub struct ExactGroups {
    /// For each paragraph, the first paragraph (in add order) with the same content hash;
    /// itself when it is the first. `u32::MAX` for paragraphs that were not eligible.
    pub representative: Vec<u32>,
    /// `(representative, member)` pairs, packed.
    pub pairs: Vec<u64>,
}

/// Groups the eligible paragraphs by `content_hashes`.
pub fn exact_groups(content_hashes: &[u64], eligible: impl Fn(u32) -> bool + Sync) -> ExactGroups {
    let mut keyed: Vec<(u64, u32)> = (0..content_hashes.len() as u32)
        .into_par_iter()
        .filter(|&id| eligible(id))
        .map(|id| (content_hashes[id as usize], id))
        .collect();
    keyed.par_sort_unstable();
    let mut representative = vec![u32::MAX; content_hashes.len()];
    let mut pairs = Vec::new();
    let mut start = 0;
    while start < keyed.len() {
        let hash = keyed[start].0;
        let first = keyed[start].1;
        let mut end = start;
        while end < keyed.len() && keyed[end].0 == hash {
            let member = keyed[end].1;
            representative[member as usize] = first;
            if member != first {
                pairs.push(pack_pair(first, member));
            }
            end += 1;
        }
        start = end;
    }
    pairs.par_sort_unstable();
    ExactGroups {
        representative,
        pairs,
    }
}

/// Bit ranges `(start, width)` of the `blocks` blocks a 64-bit hash is split into.
fn block_layout(blocks: u32) -> Vec<(u32, u32)> {
    let blocks = blocks.clamp(1, 64);
    let base = 64 / blocks;
    let extra = 64 % blocks;
    let mut layout = Vec::with_capacity(blocks as usize);
    let mut start = 0;
    for block in 0..blocks {
        let width = base + u32::from(block < extra);
        layout.push((start, width));
        start += width;
    }
    layout
}

/// Splits `len` sorted items into about `parts` ranges whose borders fall between two
/// different keys, so that each range holds whole buckets and can be scanned on its own.
fn bucket_ranges(len: usize, parts: usize, key_at: impl Fn(usize) -> u64) -> Vec<Range<usize>> {
    let parts = parts.max(1);
    let mut ranges = Vec::with_capacity(parts);
    let mut start = 0;
    for part in 1..=parts {
        if start >= len {
            break;
        }
        let mut end = if part == parts {
            len
        } else {
            (len * part / parts).max(start + 1)
        };
        while end < len && end > start && key_at(end) == key_at(end - 1) {
            end += 1;
        }
        ranges.push(start..end);
        start = end;
    }
    ranges
}

/// Number of ranges to cut work into: a few per thread, for load balance.
fn work_parts(len: usize) -> usize {
    (rayon::current_num_threads() * 8).min(len / 1024 + 1)
}

/// Pairs of paragraphs whose simhashes are within `max_hamming` bits, from the
/// permuted-table index of Manku et al. (see the module docs).
///
/// `fingerprints` holds `(simhash, paragraph)`. Within one bucket, all pairs are compared
/// when it holds at most `bucket_limit + 1` hashes, else each hash only with its
/// `bucket_limit` successors.
pub fn near_identical_pairs(
    fingerprints: &[(u64, u32)],
    max_hamming: u32,
    bucket_limit: usize,
) -> Vec<u64> {
    let bucket_limit = bucket_limit.max(1);
    let mut pairs: Vec<u64> = Vec::new();
    let mut table: Vec<(u64, u32)> = Vec::with_capacity(fingerprints.len());
    for (start, width) in block_layout(max_hamming + 1) {
        table.clear();
        let rotation = (64 - (start + width)) % 64;
        table.par_extend(
            fingerprints
                .par_iter()
                .map(|&(hash, id)| (hash.rotate_left(rotation), id)),
        );
        table.par_sort_unstable();
        let shift = 64 - width;
        let bucket_of = |index: usize| -> u64 { table[index].0 >> shift };
        let ranges = bucket_ranges(table.len(), work_parts(table.len()), bucket_of);
        let found: Vec<Vec<u64>> = ranges
            .into_par_iter()
            .map(|range| {
                let mut found = Vec::new();
                let mut bucket_start = range.start;
                while bucket_start < range.end {
                    let key = bucket_of(bucket_start);
                    let mut bucket_end = bucket_start + 1;
                    while bucket_end < range.end && bucket_of(bucket_end) == key {
                        bucket_end += 1;
                    }
                    scan_bucket(
                        &table[bucket_start..bucket_end],
                        max_hamming,
                        bucket_limit,
                        &mut found,
                    );
                    bucket_start = bucket_end;
                }
                found
            })
            .collect();
        for part in found {
            pairs.extend(part);
        }
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

fn scan_bucket(bucket: &[(u64, u32)], max_hamming: u32, bucket_limit: usize, found: &mut Vec<u64>) {
    for (offset, &(hash, id)) in bucket.iter().enumerate() {
        let last = (offset + 1 + bucket_limit).min(bucket.len());
        for &(other_hash, other_id) in &bucket[offset + 1..last] {
            if (hash ^ other_hash).count_ones() <= max_hamming {
                found.push(pack_pair(id, other_id));
            }
        }
    }
}

/// Packs an anchor posting.
#[inline]
pub fn pack_posting(anchor: u32, paragraph: u32) -> u64 {
    (u64::from(anchor) << 32) | u64::from(paragraph)
}

/// Pairs of eligible paragraphs that share at least `min_shared` anchors, skipping anchors
/// carried by more than `max_df` eligible paragraphs (boilerplate).
///
/// `postings` holds [`pack_posting`] values; it is sorted in place (no copy of the largest
/// structure of the index). Returns the pairs and the number of anchors skipped as
/// boilerplate.
pub fn anchor_pairs(
    postings: &mut [u64],
    eligible: impl Fn(u32) -> bool + Sync,
    max_df: usize,
    min_shared: usize,
) -> (Vec<u64>, usize) {
    postings.par_sort_unstable();
    let postings: &[u64] = postings;
    let anchor_of = |index: usize| postings[index] >> 32;
    let ranges = bucket_ranges(postings.len(), work_parts(postings.len()), anchor_of);
    let found: Vec<(Vec<u64>, usize)> = ranges
        .into_par_iter()
        .map(|range| {
            let mut found = Vec::new();
            let mut skipped = 0;
            let mut members: Vec<u32> = Vec::new();
            let mut group_start = range.start;
            while group_start < range.end {
                let anchor = anchor_of(group_start);
                let mut group_end = group_start + 1;
                while group_end < range.end && anchor_of(group_end) == anchor {
                    group_end += 1;
                }
                members.clear();
                members.extend(
                    postings[group_start..group_end]
                        .iter()
                        .map(|&posting| posting as u32)
                        .filter(|&id| eligible(id)),
                );
                members.dedup();
                if members.len() > max_df {
                    skipped += 1;
                } else {
                    for (offset, &a) in members.iter().enumerate() {
                        for &b in &members[offset + 1..] {
                            found.push(pack_pair(a, b));
                        }
                    }
                }
                group_start = group_end;
            }
            (found, skipped)
        })
        .collect();
    let mut skipped = 0;
    let mut pairs: Vec<u64> = Vec::with_capacity(found.iter().map(|(part, _)| part.len()).sum());
    for (part, part_skipped) in found {
        pairs.extend(part);
        skipped += part_skipped;
    }
    pairs.par_sort_unstable();
    let min_shared = min_shared.max(1);
    let mut kept = Vec::new();
    let mut index = 0;
    while index < pairs.len() {
        let mut end = index + 1;
        while end < pairs.len() && pairs[end] == pairs[index] {
            end += 1;
        }
        if end - index >= min_shared {
            kept.push(pairs[index]);
        }
        index = end;
    }
    (kept, skipped)
}

/// Pairs among `fingerprints` within `max_hamming` bits by comparing every pair: the naive
/// baseline the benchmarks compare [`near_identical_pairs`] against. Quadratic.
pub fn near_identical_pairs_naive(fingerprints: &[(u64, u32)], max_hamming: u32) -> Vec<u64> {
    let mut pairs: Vec<u64> = fingerprints
        .par_iter()
        .enumerate()
        .flat_map_iter(|(offset, &(hash, id))| {
            fingerprints[offset + 1..]
                .iter()
                .filter(move |&&(other, _)| (hash ^ other).count_ones() <= max_hamming)
                .map(move |&(_, other_id)| pack_pair(id, other_id))
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn splitmix(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        super::super::fingerprint::mix64(*state)
    }

    #[test]
    fn pairs_pack_smaller_first() {
        assert_eq!(unpack_pair(pack_pair(7, 3)), (3, 7));
        assert_eq!(unpack_pair(pack_pair(3, 7)), (3, 7));
    }

    #[test]
    fn block_layout_covers_64_bits() {
        for blocks in 1..=9 {
            let layout = block_layout(blocks);
            assert_eq!(layout.len() as u32, blocks);
            assert_eq!(layout.iter().map(|(_, w)| w).sum::<u32>(), 64);
        }
    }

    #[test]
    fn exact_groups_pair_members_with_first_occurrence() {
        let groups = exact_groups(&[5, 9, 5, 5, 9, 1], |id| id != 4);
        assert_eq!(groups.representative, vec![0, 1, 0, 0, u32::MAX, 5]);
        assert_eq!(groups.pairs, vec![pack_pair(0, 2), pack_pair(0, 3)]);
    }

    #[test]
    fn permuted_tables_find_exactly_what_the_naive_scan_finds() {
        let mut state = 42;
        let mut fingerprints: Vec<(u64, u32)> = Vec::new();
        for id in 0..3000u32 {
            let hash = if id % 3 == 0 && id > 0 {
                // A near copy of an earlier hash, 0 to 5 bits flipped.
                let (base, _) = fingerprints[(splitmix(&mut state) % id as u64) as usize];
                let mut hash = base;
                for _ in 0..splitmix(&mut state) % 6 {
                    hash ^= 1 << (splitmix(&mut state) % 64);
                }
                hash
            } else {
                splitmix(&mut state)
            };
            fingerprints.push((hash, id));
        }
        for max_hamming in [0, 2, 3, 4] {
            let fast = near_identical_pairs(&fingerprints, max_hamming, 10_000);
            let naive = near_identical_pairs_naive(&fingerprints, max_hamming);
            assert_eq!(fast, naive, "k = {max_hamming}");
            assert!(!naive.is_empty());
        }
    }

    #[test]
    fn oversized_bucket_is_scanned_linearly_but_stays_connected() {
        // 500 identical simhashes: all-pairs would be 124 750 pairs.
        let fingerprints: Vec<(u64, u32)> = (0..500).map(|id| (0xdead_beef, id)).collect();
        let pairs = near_identical_pairs(&fingerprints, 3, 4);
        assert!(pairs.len() <= 500 * 4);
        // Every paragraph is paired with its successor, so union-find joins them all.
        for id in 0..499 {
            assert!(pairs.binary_search(&pack_pair(id, id + 1)).is_ok());
        }
    }

    #[test]
    fn anchor_pairs_skip_boilerplate_and_count_shared() {
        let mut postings = vec![
            pack_posting(1, 0),
            pack_posting(1, 1),
            pack_posting(2, 0),
            pack_posting(2, 1),
            pack_posting(3, 1),
            pack_posting(3, 2),
            // Anchor 9 is everywhere: boilerplate.
            pack_posting(9, 0),
            pack_posting(9, 1),
            pack_posting(9, 2),
            pack_posting(9, 3),
        ];
        let (pairs, skipped) = anchor_pairs(&mut postings, |_| true, 3, 1);
        assert_eq!(pairs, vec![pack_pair(0, 1), pack_pair(1, 2)]);
        assert_eq!(skipped, 1);
        let (pairs, _) = anchor_pairs(&mut postings, |_| true, 3, 2);
        assert_eq!(pairs, vec![pack_pair(0, 1)]);
        // Document frequency counts eligible paragraphs only: without paragraph 1, anchor 9
        // is carried by three and is no longer boilerplate.
        let (pairs, skipped) = anchor_pairs(&mut postings, |id| id != 1, 3, 1);
        assert_eq!(
            pairs,
            vec![pack_pair(0, 2), pack_pair(0, 3), pack_pair(2, 3)]
        );
        assert_eq!(skipped, 0);
    }
}
