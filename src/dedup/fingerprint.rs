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
    normalized
        .words()
        .map(|word| hash_bytes(word.as_bytes()))
        .collect()
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
    if n == 0 || word_hashes.len() < n {
        return Vec::new();
    }
    word_hashes.windows(n).map(ngram_hash).collect()
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
pub fn simhash(normalized: &Normalized, ngram: usize) -> u64 {
    let ngram = ngram.max(1);
    if normalized.len() < ngram {
        return simhash::simhash_stream(normalized.words());
    }
    simhash::simhash_stream(normalized.ngrams(ngram))
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
    let mut selected: Vec<usize> = Vec::new();
    if hashes.is_empty() {
        return selected;
    }
    let window = window.max(1).min(hashes.len());
    for start in 0..=hashes.len() - window {
        let mut best = start;
        for position in start + 1..start + window {
            if hashes[position] <= hashes[best] {
                best = position;
            }
        }
        if selected.last() != Some(&best) {
            selected.push(best);
        }
    }
    selected
}

/// The paragraph's anchors: the low 32 bits of the winnowed `ngram`-gram hashes, sorted and
/// deduplicated.
///
/// Selection compares the full 64-bit hashes but stores the low half, which the selection
/// does not bias, so stored anchors are uniform over 32 bits.
pub fn anchors(word_hashes: &[u64], ngram: usize, window: usize) -> Vec<u32> {
    let grams = ngram_hashes(word_hashes, ngram);
    let mut anchors: Vec<u32> = winnow(&grams, window)
        .into_iter()
        .map(|position| grams[position] as u32)
        .collect();
    anchors.sort_unstable();
    anchors.dedup();
    anchors
}

#[cfg(test)]
mod tests {
    use super::super::normalize::normalize;
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
            simhash(&normalized, 1),
            simhash::simhash("the cat sat on the mat")
        );
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
