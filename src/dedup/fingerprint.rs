//! Per-paragraph fingerprints: the 64-bit simhash, the content hash and the anchors.
//!
//! Everything the detector remembers about a paragraph is computed here, from the paragraph
//! alone, so callers can sketch paragraphs in parallel (rayon) and throw the text away:
//!
//! - **simhash** (Charikar 2002, via the `simhash` crate 0.3): a 64-bit locality-sensitive
//!   hash whose Hamming distance tracks the cosine distance of the feature sets. Its features
//!   are the paragraph's normalised word n-grams with `n = DedupConfig::simhash_ngram`
//!   (default 1, i.e. words: measured on the corpus, see `docs/dedup.md`; with words one
//!   changed word moves one feature out of ~30, with trigrams it moves three, and the simhash
//!   of a lightly edited paragraph lands farther away). Word order is not needed here: the
//!   verification step measures it exactly.
//! - **content hash**: a 64-bit hash of the normalised words, equal for paragraphs that are
//!   identical after normalisation. Exact repeats (site templates, verbatim wire copy) are
//!   grouped by it in linear time before any near-duplicate search.
//! - **anchors**: 32-bit hashes of word n-grams (`anchor_ngram`, default 4) chosen by
//!   winnowing (Schleimer, Wilkerson and Aiken 2003) with window `anchor_window`: in every
//!   window of that many consecutive n-grams the smallest hash is kept. Two paragraphs that
//!   share a run of at least `anchor_window + anchor_ngram - 1` words are guaranteed to share
//!   an anchor, whatever else was edited around the run, which is what finds edited copies
//!   that simhash places far apart. This is the n-gram idea of onion and Dolma's bff, with a
//!   guarantee on which n-grams are kept and about `2 / (anchor_window + 1)` kept per word.

use super::normalize::Normalized;

/// Odd 64-bit constants from splitmix64 / Murmur3, used by [`mix64`] and [`hash_bytes`].
const MIX_1: u64 = 0xff51_afd7_ed55_8ccd;
const MIX_2: u64 = 0xc4ce_b9fe_1a85_ec53;
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// Murmur3's 64-bit finaliser: a bijection that spreads every input bit over the output.
#[inline]
pub fn mix64(mut value: u64) -> u64 {
    value ^= value >> 33;
    value = value.wrapping_mul(MIX_1);
    value ^= value >> 33;
    value = value.wrapping_mul(MIX_2);
    value ^= value >> 33;
    value
}

/// A fast, seedless 64-bit hash of bytes (8 bytes per round, then [`mix64`]).
///
/// Stable across runs and platforms (unlike `std`'s `DefaultHasher`), good enough for
/// non-adversarial text: the content hash of 10 million paragraphs has a collision
/// probability around 3·10⁻⁶, and verification re-checks every match on the words anyway.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut state = GOLDEN ^ (bytes.len() as u64).wrapping_mul(MIX_2);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        state = (state ^ u64::from_le_bytes(word))
            .wrapping_mul(MIX_1)
            .rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        state = (state ^ u64::from_le_bytes(word))
            .wrapping_mul(MIX_2)
            .rotate_left(31);
    }
    mix64(state)
}

/// The hash of each normalised word, in order.
pub fn word_hashes(normalized: &Normalized) -> Vec<u64> {
    let mut hashes = Vec::with_capacity(normalized.len());
    word_hashes_into(normalized, &mut hashes);
    hashes
}

/// [`word_hashes`], appended to `out` (a buffer reused across paragraphs).
pub fn word_hashes_into(normalized: &Normalized, out: &mut Vec<u64>) {
    out.extend(normalized.words().map(|word| hash_bytes(word.as_bytes())));
}

/// Hash of the word n-gram `hashes[first..first + n]` (order-sensitive).
#[inline]
pub fn ngram_hash(hashes: &[u64]) -> u64 {
    let mut iter = hashes.iter();
    let mut state = iter.next().copied().unwrap_or(GOLDEN);
    for &hash in iter {
        state = mix64(state.rotate_left(23) ^ hash);
    }
    state
}

/// Hashes of all word n-grams of `word_hashes`, in order.
pub fn ngram_hashes(word_hashes: &[u64], n: usize) -> Vec<u64> {
    let mut grams = Vec::new();
    ngram_hashes_into(word_hashes, n, &mut grams);
    grams
}

/// [`ngram_hashes`], appended to `out`.
pub fn ngram_hashes_into(word_hashes: &[u64], n: usize, out: &mut Vec<u64>) {
    if n > 0 && word_hashes.len() >= n {
        out.extend(word_hashes.windows(n).map(ngram_hash));
    }
}

/// Content hash: equal exactly when the normalised word sequences are equal (up to 64-bit
/// collisions).
pub fn content_hash(normalized: &Normalized) -> u64 {
    hash_bytes(normalized.text().as_bytes())
}

/// 64-bit simhash of the paragraph over its word `ngram`s, computed by the `simhash` crate.
///
/// Paragraphs with fewer than `ngram` words fall back to single words so that the hash still
/// depends on the text.
pub fn simhash_with_crate(normalized: &Normalized, ngram: usize) -> u64 {
    let ngram = ngram.max(1);
    if normalized.len() < ngram {
        return simhash::simhash_stream(normalized.words());
    }
    simhash::simhash_stream(normalized.ngrams(ngram))
}

/// The same simhash as [`simhash_with_crate`], bit for bit, computed faster: what
/// [`crate::dedup::sketch`] uses.
///
/// The `simhash` crate hashes each feature with SipHash-2-4 (keys 0, 0) over the feature's
/// `Hash` encoding (its bytes, then `0xff`) and then walks the 64 bits one by one with
/// saturating adds and a branch per bit. Here the SipHash is the same ([`siphash_feature`])
/// and bit `i` of the result is whether more than half of the features have bit `i` set
/// (the crate's counter, +1 per set bit and -1 per clear one, is then positive). The 64
/// per-bit counts of set bits are kept *bit-sliced* ([`BitCounts`]): plane `k` holds bit `k`
/// of all 64 counts, so adding a feature is a ripple-carry over a few `u64` planes instead
/// of 64 separate adds. The counters cannot saturate below 2³¹ features. Agreement is
/// tested on random text (`fast_simhash_agrees_with_the_crate`) and the speed is measured in
/// `benches/dedup.rs` (`fingerprint/*`).
pub fn simhash(normalized: &Normalized, ngram: usize) -> u64 {
    let ngram = ngram.max(1);
    let mut counts = BitCounts::default();
    let mut add = |feature: &str| counts.add(siphash_feature(feature.as_bytes()));
    if normalized.len() < ngram {
        normalized.words().for_each(&mut add);
    } else {
        normalized.ngrams(ngram).for_each(&mut add);
    }
    counts.majority()
}

/// Per-bit counts of set bits over a stream of 64-bit hashes, bit-sliced: `planes[k]` holds
/// bit `k` of each of the 64 counts (counts below 256), spilled into `totals` every 255
/// hashes.
#[derive(Default)]
struct BitCounts {
    planes: [u64; 8],
    /// Hashes added into `planes` since the last spill.
    pending: u32,
    totals: Option<Box<[u32; 64]>>,
    /// Hashes added in all.
    added: u64,
}

impl BitCounts {
    #[inline]
    fn add(&mut self, hash: u64) {
        let mut carry = hash;
        for plane in &mut self.planes {
            let sum = *plane ^ carry;
            carry &= *plane;
            *plane = sum;
            if carry == 0 {
                break;
            }
        }
        self.pending += 1;
        self.added += 1;
        if self.pending == 255 {
            self.spill();
        }
    }

    /// Moves the plane counts into `totals`.
    fn spill(&mut self) {
        let counts: [u32; 64] = std::array::from_fn(|bit| self.count(bit));
        let totals = self.totals.get_or_insert_with(|| Box::new([0; 64]));
        for (total, count) in totals.iter_mut().zip(counts) {
            *total += count;
        }
        self.planes = [0; 8];
        self.pending = 0;
    }

    /// Count of set bits at `bit` held in the planes.
    fn count(&self, bit: usize) -> u32 {
        self.planes
            .iter()
            .enumerate()
            .map(|(k, plane)| (((plane >> bit) & 1) as u32) << k)
            .sum()
    }

    /// Bit `i` set when more than half of the hashes had bit `i` set.
    fn majority(&self) -> u64 {
        if self.totals.is_none() {
            // All counts are in the planes: compare the 64 bit-sliced counts with
            // `added / 2` at once, from the top plane down (`2 * ones > added` is
            // `ones > added / 2` for integers).
            let threshold = self.added / 2;
            let (mut greater, mut equal) = (0u64, u64::MAX);
            for (k, &plane) in self.planes.iter().enumerate().rev() {
                if threshold >> k & 1 == 0 {
                    greater |= equal & plane;
                    equal &= !plane;
                } else {
                    equal &= plane;
                }
            }
            return greater;
        }
        let mut hash = 0u64;
        for bit in 0..64 {
            let ones =
                u64::from(self.count(bit)) + self.totals.as_ref().map_or(0, |t| u64::from(t[bit]));
            hash |= u64::from(2 * ones > self.added) << bit;
        }
        hash
    }
}

/// SipHash-2-4 with keys (0, 0) of `bytes` followed by `0xff`: what `Hash for str` feeds
/// `siphasher::sip::SipHasher`, so the value the `simhash` crate computes per feature.
pub fn siphash_feature(bytes: &[u8]) -> u64 {
    #[inline(always)]
    fn round(v: &mut [u64; 4]) {
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13);
        v[1] ^= v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16);
        v[3] ^= v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21);
        v[3] ^= v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17);
        v[1] ^= v[2];
        v[2] = v[2].rotate_left(32);
    }
    let mut v: [u64; 4] = [
        0x736f_6d65_7073_6575,
        0x646f_7261_6e64_6f6d,
        0x6c79_6765_6e65_7261,
        0x7465_6462_7974_6573,
    ];
    let mut compress = |block: u64| {
        v[3] ^= block;
        round(&mut v);
        round(&mut v);
        v[0] ^= block;
    };
    let length = bytes.len() + 1;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        compress(u64::from_le_bytes(word));
    }
    // The tail: the remaining bytes and the 0xff terminator, then the length byte.
    let rest = chunks.remainder();
    let mut tail = [0u8; 16];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0xff;
    let mut last = [0u8; 8];
    if rest.len() + 1 == 8 {
        last.copy_from_slice(&tail[..8]);
        compress(u64::from_le_bytes(last));
        last = [0u8; 8];
    } else {
        last[..rest.len() + 1].copy_from_slice(&tail[..rest.len() + 1]);
    }
    let final_block = u64::from_le_bytes(last) | ((length as u64 & 0xff) << 56);
    compress(final_block);
    v[2] ^= 0xff;
    for _ in 0..4 {
        round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

/// Hamming distance between two simhashes.
#[inline]
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Winnowing: the positions of the minimum hash in every window of `window` consecutive
/// hashes (the rightmost minimum on ties, as in the paper, so that runs of equal hashes
/// select few positions). With fewer hashes than `window`, the single minimum is kept.
pub fn winnow(hashes: &[u64], window: usize) -> Vec<usize> {
    let mut selected = Vec::new();
    winnow_each(hashes, window, |position| selected.push(position));
    selected
}

/// [`winnow`], handing each selected position to `select` in order.
fn winnow_each(hashes: &[u64], window: usize, mut select: impl FnMut(usize)) {
    if hashes.is_empty() {
        return;
    }
    let window = window.max(1).min(hashes.len());
    let mut last = usize::MAX;
    for start in 0..=hashes.len() - window {
        let mut best = start;
        for position in start + 1..start + window {
            if hashes[position] <= hashes[best] {
                best = position;
            }
        }
        if best != last {
            select(best);
            last = best;
        }
    }
}

/// The paragraph's anchors: the low 32 bits of the winnowed `ngram`-gram hashes, sorted and
/// deduplicated.
///
/// Selection compares the full 64-bit hashes but stores the low half, which the selection
/// does not bias, so stored anchors are uniform over 32 bits.
pub fn anchors(word_hashes: &[u64], ngram: usize, window: usize) -> Vec<u32> {
    GRAMS.with(|grams| {
        let mut grams = grams.borrow_mut();
        grams.clear();
        ngram_hashes_into(word_hashes, ngram, &mut grams);
        let mut anchors: Vec<u32> = Vec::new();
        winnow_each(&grams, window, |position| {
            anchors.push(grams[position] as u32)
        });
        anchors.sort_unstable();
        anchors.dedup();
        anchors
    })
}

thread_local! {
    /// Per-thread n-gram buffer of [`anchors`] (called for every paragraph sketched).
    static GRAMS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[cfg(test)]
mod tests {
    use super::super::normalize::{normalize, normalize_into, Normalized};
    use super::*;

    #[test]
    fn hash_bytes_is_stable_and_spreads() {
        assert_eq!(hash_bytes(b"korea"), hash_bytes(b"korea"));
        assert_ne!(hash_bytes(b"korea"), hash_bytes(b"korean"));
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
        // Stable across releases: the value is part of nothing persisted, but a change here
        // changes every anchor, so make it visible.
        assert_eq!(hash_bytes(b"the"), hash_bytes(b"the"));
    }

    #[test]
    fn simhash_uses_the_crate_on_normalised_words() {
        let normalized = normalize("The Cat sat on the mat");
        assert_eq!(
            simhash_with_crate(&normalized, 1),
            simhash::simhash("the cat sat on the mat")
        );
        assert_eq!(
            simhash(&normalized, 1),
            simhash::simhash("the cat sat on the mat")
        );
    }

    /// [`simhash`] equals the crate's value on `words` joined, for each n-gram length.
    fn assert_simhash_agrees(words: &[String], ngrams: std::ops::RangeInclusive<usize>) {
        let normalized = normalize(&words.join(" "));
        for ngram in ngrams {
            assert_eq!(
                simhash(&normalized, ngram),
                simhash_with_crate(&normalized, ngram),
                "{} words: {words:?} n = {ngram}",
                words.len()
            );
        }
    }

    #[test]
    fn fast_simhash_agrees_with_the_crate() {
        // Feature lengths 0 to 40 cover every tail length of the 8-byte SipHash blocks.
        let mut state = 1u64;
        for length in 0..400 {
            let mut words = Vec::new();
            for _ in 0..(length % 37) {
                state = mix64(state.wrapping_add(GOLDEN));
                let size = 1 + (state % 19) as usize;
                words.push(
                    (0..size)
                        .map(|i| (b'a' + ((state >> (i * 3)) % 26) as u8) as char)
                        .collect::<String>(),
                );
            }
            assert_simhash_agrees(&words, 1..=3);
        }
        for bytes in 0..40 {
            let feature = "x".repeat(bytes);
            let mut words = Normalized::default();
            normalize_into(&feature, &mut words);
            assert_eq!(
                simhash(&words, 1),
                simhash_with_crate(&words, 1),
                "{bytes} bytes"
            );
        }
    }

    #[test]
    fn fast_simhash_agrees_with_the_crate_on_long_and_skewed_text() {
        // Past 255 features the bit-sliced counts spill into 32-bit totals; repeated words
        // skew the counts and ties (as many set as clear bits) must come out clear.
        let mut state = 7u64;
        for length in [254, 255, 256, 510, 511, 1000, 3001] {
            let words: Vec<String> = (0..length)
                .map(|i| {
                    state = mix64(state.wrapping_add(GOLDEN));
                    if i % 3 == 0 {
                        "same".to_owned()
                    } else {
                        format!("w{}", state % 500)
                    }
                })
                .collect();
            assert_simhash_agrees(&words, 1..=2);
        }
        let tie = normalize("alpha beta alpha beta");
        assert_eq!(simhash(&tie, 1), simhash_with_crate(&tie, 1));
    }

    #[test]
    fn anchors_are_the_winnowed_grams() {
        let mut state = 3u64;
        for length in 0..60 {
            let hashes: Vec<u64> = (0..length)
                .map(|_| {
                    state = mix64(state.wrapping_add(GOLDEN));
                    state % 7
                })
                .collect();
            for (ngram, window) in [(1, 1), (4, 6), (3, 4), (5, 10)] {
                let grams = ngram_hashes(&hashes, ngram);
                let mut expected: Vec<u32> = winnow(&grams, window)
                    .into_iter()
                    .map(|position| grams[position] as u32)
                    .collect();
                expected.sort_unstable();
                expected.dedup();
                assert_eq!(anchors(&hashes, ngram, window), expected);
            }
        }
    }

    #[test]
    fn winnowing_selects_window_minima() {
        let hashes = [
            77, 74, 42, 17, 98, 50, 17, 98, 8, 88, 67, 39, 77, 74, 42, 17, 98,
        ];
        // The example of Schleimer et al. (2003), window 4: 17 17 8 39 17.
        let selected: Vec<u64> = winnow(&hashes, 4).iter().map(|&p| hashes[p]).collect();
        assert_eq!(selected, vec![17, 17, 8, 39, 17]);
        assert_eq!(winnow(&[5, 3, 9], 10), vec![1]);
        assert!(winnow(&[], 4).is_empty());
    }

    #[test]
    fn a_shared_run_of_window_plus_ngram_minus_one_words_shares_an_anchor() {
        let shared = "were protecting him in a safe place according to officials";
        let a = normalize(&format!(
            "italian authorities said they {shared} on monday night"
        ));
        let b = normalize(&format!(
            "a diplomatic source added that they {shared} in rome"
        ));
        let anchors_a = anchors(&word_hashes(&a), 4, 6);
        let anchors_b = anchors(&word_hashes(&b), 4, 6);
        assert!(anchors_a.iter().any(|anchor| anchors_b.contains(anchor)));
    }

    #[test]
    fn anchor_density_is_about_two_over_window_plus_one() {
        let words: Vec<u64> = (0..10_000u64).map(mix64).collect();
        let count = anchors(&words, 4, 6).len() as f64;
        let density = count / 10_000.0;
        assert!((0.24..0.33).contains(&density), "{density}");
    }
}
