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
//!    run sharing its top block. Tables are built one at a time, partitioned by their top
//!    bits (4 bytes per paragraph of scratch). A run longer than `bucket_limit` (a template whose date changes on every
//!    page makes one) is not scanned all-pairs: each hash is compared with its
//!    `bucket_limit` successors in sorted order (which sorts by the remaining bits too, so
//!    close hashes are adjacent), keeping the scan linear.
//! 3. **Shared anchors** ([`anchor_pairs`]): the inverted index of winnowed word n-grams.
//!    Postings `(anchor, paragraph)` are sorted; paragraphs under one anchor are paired. An
//!    anchor carried by more than `max_df` paragraphs is a stock phrase or boilerplate
//!    (`said in a statement on`), not evidence of copying, and is skipped, which bounds the
//!    pairs per posting by `max_df`. Below that, an anchor carried by more than a few
//!    paragraphs (`anchor_rare_df`) is a phrase that can be shared by chance: its pairs
//!    must also be within `prefilter_max_hamming` bits of simhash, a test most true edited
//!    copies pass and most unrelated pairs fail (measured, `docs/dedup.md`).
//!
//! Pairs are packed as `(a << 32) | b` with `a < b` (paragraph numbers in add order) into
//! `u64`s, which sort and deduplicate fast and take 8 bytes each.
//!
//! These are the search structures; which paragraphs the detector puts in them and which
//! proposed pairs it keeps is in [`super::candidates`], one file per source.

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

/// Items `0..count` whose `key` is `Some`, counting-sorted by the key's top `bits` bits:
/// the items in partition order and where each partition starts (`2^bits + 1` offsets).
///
/// Sorting the keys of ten million paragraphs as `(u64, u32)` tuples would take 16 bytes
/// per paragraph at once; partitioning first takes 4 (the item numbers), and each partition
/// is then sorted on its own, in parallel, in a small buffer.
fn partition_by_top_bits(
    count: u32,
    bits: u32,
    key: impl Fn(u32) -> Option<u64> + Sync,
) -> (Vec<u32>, Vec<usize>) {
    let bits = bits.clamp(1, 16);
    let partitions = 1usize << bits;
    let shift = 64 - bits;
    let mut starts = vec![0usize; partitions + 1];
    for item in 0..count {
        if let Some(value) = key(item) {
            starts[(value >> shift) as usize + 1] += 1;
        }
    }
    for partition in 0..partitions {
        starts[partition + 1] += starts[partition];
    }
    let mut next = starts.clone();
    let mut items = vec![0u32; starts[partitions]];
    for item in 0..count {
        if let Some(value) = key(item) {
            let slot = &mut next[(value >> shift) as usize];
            items[*slot] = item;
            *slot += 1;
        }
    }
    (items, starts)
}

/// Groups the eligible paragraphs by `content_hashes`.
pub fn exact_groups(content_hashes: &[u64], eligible: impl Fn(u32) -> bool + Sync) -> ExactGroups {
    let count = content_hashes.len() as u32;
    let key = |id: u32| eligible(id).then(|| content_hashes[id as usize]);
    let (ids, starts) = partition_by_top_bits(count, 8, key);
    let mut pairs: Vec<u64> = starts
        .par_windows(2)
        .flat_map_iter(|range| {
            let mut local: Vec<(u64, u32)> = ids[range[0]..range[1]]
                .iter()
                .map(|&id| (content_hashes[id as usize], id))
                .collect();
            local.sort_unstable();
            let mut pairs = Vec::new();
            for run in local.chunk_by(|a, b| a.0 == b.0) {
                let first = run[0].1;
                pairs.extend(run[1..].iter().map(|&(_, member)| pack_pair(first, member)));
            }
            pairs
        })
        .collect();
    let mut representative = vec![u32::MAX; content_hashes.len()];
    for &id in &ids {
        representative[id as usize] = id;
    }
    drop(ids);
    for &pair in &pairs {
        let (first, member) = unpack_pair(pair);
        representative[member as usize] = first;
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
    let mut pairs = near_identical_pairs_with(
        fingerprints.len() as u32,
        max_hamming,
        bucket_limit,
        |index| Some(fingerprints[index as usize].0),
    );
    for pair in &mut pairs {
        let (a, b) = unpack_pair(*pair);
        *pair = pack_pair(fingerprints[a as usize].1, fingerprints[b as usize].1);
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// [`near_identical_pairs`] over the items `0..count` whose `simhash` is `Some` (the
/// detector passes its representatives' simhashes straight from its arrays). Each table is
/// partitioned by the top bits of its rotated hashes and each partition sorted on its own,
/// so that a table costs 4 bytes per paragraph, not 16.
pub fn near_identical_pairs_with(
    count: u32,
    max_hamming: u32,
    bucket_limit: usize,
    simhash: impl Fn(u32) -> Option<u64> + Sync,
) -> Vec<u64> {
    let bucket_limit = bucket_limit.max(1);
    let mut pairs: Vec<u64> = Vec::new();
    for (start, width) in block_layout(max_hamming + 1) {
        let rotation = (64 - (start + width)) % 64;
        let rotated = |item: u32| simhash(item).map(|hash| hash.rotate_left(rotation));
        // Partitions nest inside buckets or buckets inside partitions: either way a bucket
        // (the top `width` bits) never straddles two partitions of its top 8 bits or fewer.
        let (items, starts) = partition_by_top_bits(count, width.min(8), rotated);
        let shift = 64 - width;
        let found: Vec<u64> = starts
            .par_windows(2)
            .flat_map_iter(|range| {
                let mut table: Vec<(u64, u32)> = items[range[0]..range[1]]
                    .iter()
                    .filter_map(|&item| rotated(item).map(|hash| (hash, item)))
                    .collect();
                table.sort_unstable();
                let mut found = Vec::new();
                for bucket in table.chunk_by(|a, b| a.0 >> shift == b.0 >> shift) {
                    scan_bucket(bucket, max_hamming, bucket_limit, &mut found);
                }
                found
            })
            .collect();
        pairs.extend(found);
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

/// Pairs of eligible paragraphs `(a, b)` that share at least `min_shared(a, b)` anchors,
/// skipping anchors carried by more than `max_df` eligible paragraphs (boilerplate).
///
/// Each pair a shared anchor proposes is kept only if `accept(a, b, df)` says so (the
/// detector lets pairs of rare anchors through and checks the simhash distance of the
/// others, so that phrases common enough to be shared by chance do not flood verification).
///
/// `postings` holds [`pack_posting`] values; it is sorted in place (no copy of the largest
/// structure of the index) and the postings of ineligible paragraphs are overwritten.
/// Returns the pairs and the number of anchors skipped as boilerplate.
pub fn anchor_pairs(
    postings: &mut [u64],
    eligible: impl Fn(u32) -> bool + Sync,
    accept: impl Fn(u32, u32, usize) -> bool + Sync,
    max_df: usize,
    min_shared: impl Fn(u32, u32) -> usize + Sync,
) -> (Vec<u64>, usize) {
    anchor_pairs_in_passes(postings, eligible, accept, max_df, min_shared, 16 << 20)
}

/// [`anchor_pairs`] with one pass per `postings_per_pass` postings.
fn anchor_pairs_in_passes(
    postings: &mut [u64],
    eligible: impl Fn(u32) -> bool + Sync,
    accept: impl Fn(u32, u32, usize) -> bool + Sync,
    max_df: usize,
    min_shared: impl Fn(u32, u32) -> usize + Sync,
    postings_per_pass: usize,
) -> (Vec<u64>, usize) {
    // Postings of paragraphs that cannot be searched are overwritten with u64::MAX (no real
    // posting: paragraph numbers stay below u32::MAX) and sort to the end, so that the
    // passes below read the survivors sequentially, without looking eligibility up again.
    postings.par_iter_mut().for_each(|posting| {
        if !eligible(*posting as u32) {
            *posting = u64::MAX;
        }
    });
    postings.par_sort_unstable();
    let live = postings.partition_point(|&posting| posting != u64::MAX);
    let postings: &[u64] = &postings[..live];
    let anchor_of = |index: usize| postings[index] >> 32;
    let ranges = bucket_ranges(postings.len(), work_parts(postings.len()), anchor_of);
    // A pair sharing five anchors is proposed five times before deduplication. To hold
    // only a slice of those proposals at once, they are made in passes over ranges of the
    // smaller paragraph number (one pass per 16 million postings).
    let end_id = postings
        .par_iter()
        .map(|&posting| u64::from(posting as u32) + 1)
        .max()
        .unwrap_or(0);
    let passes = 1 + (postings.len() / postings_per_pass.max(1)) as u64;
    let mut kept: Vec<u64> = Vec::new();
    let mut skipped = 0;
    for pass in 0..passes {
        let (low, high) = (end_id * pass / passes, end_id * (pass + 1) / passes);
        let found: Vec<(Vec<u64>, usize)> = ranges
            .par_iter()
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
                    // Sorted postings: the members come out in ascending order.
                    members.clear();
                    members.extend(
                        postings[group_start..group_end]
                            .iter()
                            .map(|&posting| posting as u32),
                    );
                    members.dedup();
                    let df = members.len();
                    if df > max_df {
                        skipped += 1;
                    } else {
                        let first = members.partition_point(|&id| u64::from(id) < low);
                        let last = members.partition_point(|&id| u64::from(id) < high);
                        for offset in first..last {
                            let a = members[offset];
                            for &b in &members[offset + 1..] {
                                if accept(a, b, df) {
                                    found.push(pack_pair(a, b));
                                }
                            }
                        }
                    }
                    group_start = group_end;
                }
                (found, skipped)
            })
            .collect();
        let mut pairs: Vec<u64> =
            Vec::with_capacity(found.iter().map(|(part, _)| part.len()).sum());
        for (part, part_skipped) in found {
            pairs.extend(part);
            if pass == 0 {
                skipped += part_skipped;
            }
        }
        pairs.par_sort_unstable();
        // Pairs of this pass all have their smaller number in [low, high): appending keeps
        // `kept` sorted.
        kept.extend(
            pairs
                .chunk_by(|a, b| a == b)
                .filter(|run| {
                    let (a, b) = unpack_pair(run[0]);
                    run.len() >= min_shared(a, b)
                })
                .map(|run| run[0]),
        );
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
    fn anchor_pairs_are_the_same_in_one_pass_or_many() {
        let mut state = 3;
        let mut postings: Vec<u64> = (0..5000)
            .map(|_| {
                let anchor = (splitmix(&mut state) % 700) as u32;
                let paragraph = (splitmix(&mut state) % 900) as u32;
                pack_posting(anchor, paragraph)
            })
            .collect();
        postings.sort_unstable();
        postings.dedup();
        let accept = |a: u32, b: u32, _: usize| (a + b) % 3 != 0;
        for min_shared in [1, 2] {
            let one = anchor_pairs_in_passes(
                &mut postings,
                |_| true,
                accept,
                8,
                |_, _| min_shared,
                1 << 20,
            );
            let many =
                anchor_pairs_in_passes(&mut postings, |_| true, accept, 8, |_, _| min_shared, 300);
            assert!(!one.0.is_empty());
            assert_eq!(one, many, "min_shared = {min_shared}");
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
        let all = |_: u32, _: u32, _: usize| true;
        let (pairs, skipped) = anchor_pairs(&mut postings, |_| true, all, 3, |_, _| 1);
        assert_eq!(pairs, vec![pack_pair(0, 1), pack_pair(1, 2)]);
        assert_eq!(skipped, 1);
        let (pairs, _) = anchor_pairs(&mut postings, |_| true, all, 3, |_, _| 2);
        assert_eq!(pairs, vec![pack_pair(0, 1)]);
        let (pairs, _) = anchor_pairs(&mut postings, |_| true, |a, _, _| a != 0, 3, |_, _| 1);
        assert_eq!(pairs, vec![pack_pair(1, 2)]);
        // Document frequency counts eligible paragraphs only: without paragraph 1, anchor 9
        // is carried by three and is no longer boilerplate.
        let (pairs, skipped) = anchor_pairs(&mut postings, |id| id != 1, all, 3, |_, _| 1);
        assert_eq!(
            pairs,
            vec![pack_pair(0, 2), pack_pair(0, 3), pack_pair(2, 3)]
        );
        assert_eq!(skipped, 0);
    }
}
