//! Exact verification of a candidate pair on its normalised words.
//!
//! The index only proposes pairs; a simhash distance or one shared anchor is not proof of
//! copying. Every candidate is decided here from the two texts, fetched through
//! [`super::ParagraphTexts`]:
//!
//! - **similarity** is the *word coverage by shared trigrams*: the share of a paragraph's
//!   words that lie inside some word 3-gram (`verify_ngram`) also found in the other
//!   paragraph, taken for the paragraph where it is larger (usually the shorter one, so a
//!   wire paragraph split in two still matches each half). Unlike a Jaccard index it does
//!   not punish a copy for what the desk added around it, and unlike 3-gram containment it
//!   loses one word per substituted word rather than three trigrams, so a lightly edited
//!   paragraph stays near its source while a paraphrase, which keeps names but not runs of
//!   words, falls low.
//! - **quotation analysis**: when two outlets quote the same passage inside sentences of
//!   their own (Daily Beast 22 and SCMP 30 in the samples), the coverage can be high, yet
//!   nothing but the quote was copied. Using the quote marks [`super::normalize`] records, a
//!   pair is *quote-only* when, in the paragraph the similarity was taken from:
//!   (0) the shared quoted words all belong to one quotation (a desk that kept two separate
//!   quotes of a paragraph in their order kept its structure: SCMP 20 / Local 10);
//!   (1) at least `quote_min_words` covered words are quoted and quoted words make at
//!   least `quote_share` of the covered words (counting with the quote the one or two
//!   unquoted words a trigram drags along at its edge, `they were “protecting him…`);
//!   (2) less than `quote_narrative_max` of its unquoted words are covered: its own
//!   narrative, even a bare `Simpson said`, was not taken along (when it was, the paragraph
//!   was copied whole, as in a merge); a paragraph that is all quote has none to take;
//!   and (3) one of the two paragraphs frames the quote with at least `quote_frame_words`
//!   unquoted words of its own, inside its own sentences (a sentence holding shared and
//!   own words). (3) separates the shared quotation from a copied quote paragraph whose
//!   desk only changed the attribution (`“…,” he told Benioff.` → `“…,” sources said.`:
//!   the unshared narrative is a short attribution clause) and from a quote paragraph
//!   merged whole after another one (its sentences are all shared or all own).
//!   Quote-only pairs are never copies; they become the weaker `shared-quote` kind.
//! - **copied words**: a copy must also cover at least `min_copied_words` words, so that an
//!   8-word line is not a copy of a long paragraph because both say `on the 16-inch MacBook
//!   Pro`.
//! - **short paragraphs** (fewer than `short_words` words) match only when their normalised
//!   words are identical: a shared trigram or two decides nothing at that length (`He said
//!   on Monday.`), and simhash is noise over five features.

use super::fingerprint::{ngram_hash, ngram_hashes_into, word_hashes};
use super::normalize::{Normalized, WordSpan};
use super::DedupConfig;

/// What a verified pair is, before sites are considered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchKind {
    /// One paragraph is a (possibly edited) copy of the other.
    Copy,
    /// The two share a quoted passage inside otherwise different sentences.
    SharedQuote,
}

/// Measurements of one pair, symmetric in its two paragraphs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairMeasure {
    /// Word coverage by shared trigrams, the larger of the two directions, in `[0, 1]`.
    pub similarity: f64,
    /// Coverage of each paragraph by the other, in argument order.
    pub coverage: [f64; 2],
    /// Covered words that stand inside quotes, in the paragraph the similarity comes from.
    pub quoted_shared_words: usize,
    /// Whether the shared material is a quotation and little else (see the module docs).
    pub quote_only: bool,
    /// Covered words in the paragraph the similarity comes from.
    pub copied_words: usize,
    /// Whether the normalised word sequences are identical.
    pub identical: bool,
}

/// Per-direction counts for the quote analysis.
#[derive(Clone, Copy, Debug, Default)]
struct DirectionCounts {
    words: usize,
    covered: usize,
    covered_quoted: usize,
    /// Quotations (maximal runs of quoted words) with at least one covered word.
    shared_quotations: usize,
    /// Covered unquoted words next to a covered quote (see [`direction`]).
    covered_quote_glue: usize,
    /// Unquoted words, and those of them covered.
    unquoted: usize,
    covered_unquoted: usize,
    /// Unquoted words not covered: the paragraph's own narrative around what is shared.
    unshared_unquoted: usize,
    /// Whether some sentence holds both a covered word and an uncovered unquoted word: the
    /// shared material sits inside a sentence of this paragraph's own.
    mixes_sentences: bool,
}

impl DirectionCounts {
    fn coverage(&self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            self.covered as f64 / self.words as f64
        }
    }

    /// Conditions (0), (1) and (2) of the module docs, seen from this paragraph: one
    /// quotation, the shared material is mostly quoted and the paragraph's own narrative
    /// was not taken along (a paragraph that is all quote has none to take).
    fn quote_without_narrative(&self, config: &DedupConfig) -> bool {
        let quoted = self.covered_quoted + self.covered_quote_glue;
        let mostly_quoted = self.shared_quotations == 1
            && quoted >= config.quote_min_words
            && quoted as f64 >= config.quote_share * self.covered as f64;
        let narrative_left_behind = self.unquoted == 0
            || (self.covered_unquoted as f64) < config.quote_narrative_max * self.unquoted as f64;
        mostly_quoted && narrative_left_behind
    }

    /// Condition (3) of the module docs, seen from this paragraph: it frames what is
    /// shared with enough words of its own, inside its own sentences.
    fn frames_quote(&self, config: &DedupConfig) -> bool {
        self.unshared_unquoted >= config.quote_frame_words && self.mixes_sentences
    }
}

/// Bit of [`Prepared`]'s per-word flags: the word stands inside a quotation.
pub const QUOTED: u8 = 1;
/// Bit of [`Prepared`]'s per-word flags: the word opens a sentence.
pub const SENTENCE_START: u8 = 2;

/// The per-word flags of `normalized` ([`QUOTED`], [`SENTENCE_START`]).
pub fn word_flags(normalized: &Normalized) -> Vec<u8> {
    normalized.spans().iter().map(span_flags).collect()
}

/// The flags of one word ([`QUOTED`], [`SENTENCE_START`]).
pub fn span_flags(span: &WordSpan) -> u8 {
    (u8::from(span.quoted) * QUOTED) | (u8::from(span.sentence_start) * SENTENCE_START)
}

/// What verification needs of one paragraph, computed once per verification batch: the
/// n-gram hashes in order and sorted, and per-word quote and sentence flags. No text: a
/// paragraph spilled while sketching ([`super::spill`]) is prepared from its word hashes.
///
/// Everything lives in one allocation (verification prepares millions of paragraphs): the
/// n-grams in order, then the distinct n-grams sorted, then one bit per word for
/// [`QUOTED`] and one for [`SENTENCE_START`].
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    words: u32,
    /// Number of n-grams in order, at the start of `data`.
    grams: u32,
    /// Number of distinct n-grams, sorted, after them.
    distinct: u32,
    /// Order-sensitive hash of all word hashes: equal for identical word sequences.
    content: u64,
    data: Vec<u64>,
    /// A 1024-bit Bloom filter (one bit per gram) over the distinct grams: most grams of a
    /// candidate pair are not shared, and the filter says so without a binary search.
    filter: [u64; 16],
}

impl Prepared {
    /// Prepares `normalized` for verification with word `ngram`s.
    pub fn new(normalized: Normalized, ngram: usize) -> Self {
        Prepared::from_words(&word_hashes(&normalized), &word_flags(&normalized), ngram)
    }

    /// Prepares a paragraph from its word hashes ([`super::fingerprint::word_hashes`]) and
    /// per-word flags (one per hash, [`word_flags`]).
    pub fn from_words(word_hashes: &[u64], flags: &[u8], ngram: usize) -> Self {
        debug_assert_eq!(word_hashes.len(), flags.len());
        let words = word_hashes.len().min(flags.len());
        let bit_words = words.div_ceil(64);
        // At most one n-gram per word, twice (in order, then sorted), then the word bits.
        let mut data = Vec::with_capacity(2 * words + 2 * bit_words);
        ngram_hashes_into(&word_hashes[..words], ngram, &mut data);
        let grams = data.len();
        data.extend_from_within(..grams);
        let sorted = &mut data[grams..];
        sorted.sort_unstable();
        let mut distinct = 0;
        for index in 0..sorted.len() {
            if distinct == 0 || sorted[index] != sorted[distinct - 1] {
                sorted[distinct] = sorted[index];
                distinct += 1;
            }
        }
        data.truncate(grams + distinct);
        let mut filter = [0u64; 16];
        for &gram in &data[grams..] {
            let bit = filter_bit(gram);
            filter[bit / 64] |= 1 << (bit % 64);
        }
        for flag in [QUOTED, SENTENCE_START] {
            let start = data.len();
            data.resize(start + bit_words, 0);
            for (index, &flags) in flags[..words].iter().enumerate() {
                if flags & flag != 0 {
                    data[start + index / 64] |= 1 << (index % 64);
                }
            }
        }
        Prepared {
            words: words as u32,
            grams: grams as u32,
            distinct: distinct as u32,
            content: ngram_hash(&word_hashes[..words]),
            data,
            filter,
        }
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words as usize
    }

    /// Whether the paragraph has no word.
    pub fn is_empty(&self) -> bool {
        self.words == 0
    }

    /// The n-gram hashes, in order.
    fn grams(&self) -> &[u64] {
        &self.data[..self.grams as usize]
    }

    /// The distinct n-gram hashes, sorted.
    fn sorted_grams(&self) -> &[u64] {
        &self.data[self.grams as usize..(self.grams + self.distinct) as usize]
    }

    /// Bit `index` of the `set`-th per-word bit set (0: quoted, 1: sentence start).
    fn word_bit(&self, set: usize, index: usize) -> bool {
        let start = (self.grams + self.distinct) as usize + set * self.len().div_ceil(64);
        self.data[start + index / 64] >> (index % 64) & 1 != 0
    }

    fn is_quoted(&self, index: usize) -> bool {
        self.word_bit(0, index)
    }

    fn starts_sentence(&self, index: usize) -> bool {
        self.word_bit(1, index)
    }

    /// Whether the two have the same words in the same order (up to 64-bit hash collisions).
    fn same_words(&self, other: &Prepared) -> bool {
        self.len() == other.len() && self.content == other.content
    }

    /// Whether `gram` is one of this paragraph's n-grams.
    fn contains(&self, gram: u64) -> bool {
        let bit = filter_bit(gram);
        self.filter[bit / 64] & (1 << (bit % 64)) != 0
            && self.sorted_grams().binary_search(&gram).is_ok()
    }
}

/// The filter bit of a gram hash: its top ten bits (the hash is well mixed).
fn filter_bit(gram: u64) -> usize {
    (gram >> 54) as usize
}

thread_local! {
    /// Per-thread "word is covered" buffer: verification runs millions of directions.
    static COVERED: std::cell::RefCell<Vec<bool>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn direction(this: &Prepared, other: &Prepared, ngram: usize) -> DirectionCounts {
    COVERED.with(|buffer| {
        let mut covered = buffer.borrow_mut();
        covered.clear();
        covered.resize(this.len(), false);
        direction_with(this, other, ngram, &mut covered)
    })
}

fn direction_with(
    this: &Prepared,
    other: &Prepared,
    ngram: usize,
    covered: &mut [bool],
) -> DirectionCounts {
    let words = this.len();
    for (first, gram) in this.grams().iter().enumerate() {
        if other.contains(*gram) {
            for flag in &mut covered[first..first + ngram] {
                *flag = true;
            }
        }
    }
    let mut counts = DirectionCounts {
        words,
        ..DirectionCounts::default()
    };
    // A trigram reaching into a quote covers up to `ngram - 1` unquoted words beside it
    // (`they were “protecting him…`): those count with the quote for the quoted share.
    let near_covered_quote = |index: usize| {
        let low = index.saturating_sub(ngram - 1);
        let high = (index + ngram).min(words);
        // Walk outwards through covered words only, so the quote is in the same run.
        let before = (low..index).rev().take_while(|&other| covered[other]);
        let after = (index + 1..high).take_while(|&other| covered[other]);
        before.chain(after).any(|other| this.is_quoted(other))
    };
    let mut quotation_covered = false;
    // Per sentence: whether it holds a covered word, and an uncovered unquoted one.
    let (mut sentence_covered, mut sentence_own) = (false, false);
    for (index, &is_covered) in covered.iter().enumerate() {
        if this.starts_sentence(index) {
            counts.mixes_sentences |= sentence_covered && sentence_own;
            (sentence_covered, sentence_own) = (false, false);
        }
        sentence_covered |= is_covered;
        sentence_own |= !is_covered && !this.is_quoted(index);
        let quoted = this.is_quoted(index);
        if is_covered && !quoted && near_covered_quote(index) {
            counts.covered_quote_glue += 1;
        }
        let quotation_ends = quoted && (index + 1 == words || !this.is_quoted(index + 1));
        quotation_covered |= quoted && is_covered;
        if quotation_ends {
            counts.shared_quotations += usize::from(quotation_covered);
            quotation_covered = false;
        }
        if !quoted {
            counts.unquoted += 1;
        }
        match (is_covered, quoted) {
            (true, true) => counts.covered_quoted += 1,
            (true, false) => counts.covered_unquoted += 1,
            (false, false) => counts.unshared_unquoted += 1,
            (false, true) => {}
        }
        counts.covered += usize::from(is_covered);
    }
    counts.mixes_sentences |= sentence_covered && sentence_own;
    counts
}

/// Measures a pair (see the module docs). Symmetric: swapping `a` and `b` swaps
/// `coverage` and changes nothing else.
pub fn measure(a: &Prepared, b: &Prepared, config: &DedupConfig) -> PairMeasure {
    let identical = a.same_words(b);
    let ngram = config.verify_ngram.max(1);
    let forward = direction(a, b, ngram);
    let backward = direction(b, a, ngram);
    let (coverage_a, coverage_b) = (forward.coverage(), backward.coverage());
    let (quote_without_narrative, quoted_shared_words, copied_words) = if coverage_a > coverage_b {
        (
            forward.quote_without_narrative(config),
            forward.covered_quoted,
            forward.covered,
        )
    } else if coverage_b > coverage_a {
        (
            backward.quote_without_narrative(config),
            backward.covered_quoted,
            backward.covered,
        )
    } else {
        (
            forward.quote_without_narrative(config) && backward.quote_without_narrative(config),
            forward.covered_quoted.min(backward.covered_quoted),
            forward.covered.min(backward.covered),
        )
    };
    let framed = forward.frames_quote(config) || backward.frames_quote(config);
    let quote_only = quote_without_narrative && framed;
    PairMeasure {
        similarity: if identical && !a.is_empty() {
            1.0
        } else {
            coverage_a.max(coverage_b)
        },
        coverage: [coverage_a, coverage_b],
        quoted_shared_words,
        quote_only,
        copied_words,
        identical,
    }
}

/// Decides a pair: `Some((kind, similarity))` when it is a match.
pub fn verify(a: &Prepared, b: &Prepared, config: &DedupConfig) -> Option<(MatchKind, f64)> {
    let short = a.len() < config.short_words || b.len() < config.short_words;
    if short {
        let identical = !a.is_empty() && a.same_words(b);
        return identical.then_some((MatchKind::Copy, 1.0));
    }
    let measured = measure(a, b, config);
    let copied_enough = measured.identical || measured.copied_words >= config.min_copied_words;
    if !measured.quote_only && copied_enough && measured.similarity >= config.copy_threshold {
        Some((MatchKind::Copy, measured.similarity))
    } else if measured.quoted_shared_words >= config.quote_min_words {
        Some((MatchKind::SharedQuote, measured.similarity))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalize::normalize;
    use super::*;

    fn prepared(text: &str) -> Prepared {
        Prepared::new(normalize(text), 3)
    }

    fn check(a: &str, b: &str) -> (Option<(MatchKind, f64)>, PairMeasure) {
        let config = DedupConfig::default();
        let (a, b) = (prepared(a), prepared(b));
        (verify(&a, &b, &config), measure(&a, &b, &config))
    }

    #[test]
    fn identical_after_normalisation_is_a_copy_of_similarity_one() {
        let (verdict, measured) = check(
            "Jo is “known to be a son or son-in-law of one of the highest-level officials”, it said.",
            "Jo is \"known to be a son or son in law of one of the highest level officials\", it said.",
        );
        assert!(measured.identical);
        assert_eq!(verdict, Some((MatchKind::Copy, 1.0)));
    }

    #[test]
    fn coverage_counts_words_not_trigrams() {
        // One substituted word in thirteen: the twelve others stay covered.
        let (_, measured) = check(
            "the kim dynasty has ruled the impoverished state for three generations with force",
            "the kim dynasty has ruled the impoverished nation for three generations with force",
        );
        assert!(
            (measured.coverage[0] - 12.0 / 13.0).abs() < 1e-9,
            "{measured:?}"
        );
    }

    #[test]
    fn shared_quote_inside_different_sentences_is_not_a_copy() {
        let (verdict, measured) = check(
            "The South Korean paper also reported that the ambassador is “known to be a son or son-in-law of one of the highest-level officials in the North’s regime,” but gave no quoted source for the information.",
            "Jo is “known to be a son or son-in-law of one of the highest-level officials in the North’s regime”, the Joongang cited an unnamed North Korea expert as saying.",
        );
        assert!(measured.quote_only, "{measured:?}");
        assert_eq!(verdict.map(|(kind, _)| kind), Some(MatchKind::SharedQuote));
    }

    #[test]
    fn a_quote_paragraph_with_a_changed_attribution_is_a_copy() {
        let (verdict, measured) = check(
            "“I love the way you're constantly taking all the new things and quickly incorporating those,” he told Benioff.",
            "“I love the way you're constantly taking all the new things and quickly incorporating those,” sources familiar with the matter said.",
        );
        assert!(!measured.quote_only, "{measured:?}");
        assert_eq!(verdict.map(|(kind, _)| kind), Some(MatchKind::Copy));
    }

    #[test]
    fn a_copied_quote_paragraph_with_its_attribution_is_a_copy() {
        let (verdict, _) = check(
            "“I believe that a group like the one that acted in the Moscow attack would be intercepted sooner in Italy,” he said on the programme.",
            "“I believe that a group like the one that acted in the Moscow attack would be intercepted sooner in Italy,” he said on the programme.",
        );
        assert_eq!(verdict.map(|(kind, _)| kind), Some(MatchKind::Copy));
    }

    #[test]
    fn a_merged_quote_paragraph_is_a_copy() {
        // The quote paragraph, attribution included, sits whole inside the merged one.
        let (verdict, measured) = check(
            "“Although Berm residents have not been permitted to cross into Jordan, their proximity to the border provides a modicum of protection,” Simpson said. “This is a motivation for residents to stay in Rukban.”",
            "Simpson suggested the most likely reason Rukban residents are refusing to leave the camp is fear of Syrian retribution. “Although Berm residents have not been permitted to cross into Jordan, their proximity to the border provides a modicum of protection,” Simpson said. “This is a motivation for residents to stay in Rukban.”",
        );
        assert!(!measured.quote_only, "{measured:?}");
        assert_eq!(verdict.map(|(kind, _)| kind), Some(MatchKind::Copy));
    }

    #[test]
    fn a_few_shared_words_in_a_short_line_are_not_a_copy() {
        let (verdict, measured) = check(
            "Save hundreds on the 16-inch MacBook Pro",
            "The new keyboard on the 16-inch MacBook Pro has a physical escape key, and the Touch ID sensor sits in its own little well.",
        );
        assert!(measured.similarity >= 0.5, "{measured:?}");
        assert_eq!(verdict, None);
    }

    #[test]
    fn a_summary_line_around_a_short_quote_is_not_a_copy() {
        // SCMP's bullet and The Local's lead share `they were “protecting him in a safe
        // place”`: six quoted words and two that the trigrams drag along.
        let (verdict, measured) = check(
            "Italian authorities said they were ‘protecting him in a safe place’",
            "Italian authorities have been “agonising” over what to do, an official in Seoul was cited as saying, but added that they were “protecting him in a safe place”",
        );
        assert!(measured.quote_only, "{measured:?}");
        assert_eq!(verdict, None);
    }

    #[test]
    fn a_quote_paragraph_inside_another_sentence_is_a_shared_quote() {
        let (verdict, measured) = check(
            "“Very talented people, super fun and entertaining, very cultural, which was a plus!”",
            "The tie was already decided when Gonzalez and Mayer, saying “Very talented people, super fun and entertaining, very cultural, which was a plus!” topped Jarry 6-3, 7-5 in the doubles.",
        );
        assert!(measured.quote_only, "{measured:?}");
        assert_eq!(verdict.map(|(kind, _)| kind), Some(MatchKind::SharedQuote));
    }

    #[test]
    fn a_quote_paragraph_merged_after_another_is_a_copy() {
        let (verdict, measured) = check(
            "“Very talented people, super fun and entertaining, very cultural, which was a plus!”",
            "The tie was already decided when Gonzalez and Mayer topped Jarry 6-3, 7-5 in the doubles. “Very talented people, super fun and entertaining, very cultural, which was a plus!”",
        );
        assert!(!measured.quote_only, "{measured:?}");
        assert_eq!(verdict.map(|(kind, _)| kind), Some(MatchKind::Copy));
    }

    #[test]
    fn short_paragraphs_match_only_when_identical() {
        let config = DedupConfig::default();
        let a = prepared("Calls to the embassy went unanswered.");
        let b = prepared("Calls to the embassy went unanswered today.");
        let c = prepared("calls to the embassy went unanswered");
        assert_eq!(verify(&a, &b, &config), None);
        assert_eq!(verify(&a, &c, &config), Some((MatchKind::Copy, 1.0)));
    }

    #[test]
    fn measure_is_symmetric() {
        let config = DedupConfig::default();
        let a = prepared("Italian authorities were “agonising” over what to do but were “protecting him in a safe place”, the newspaper quoted an unnamed official as saying.");
        let b = prepared("Italian authorities have been “agonising” over what to do, an official in Seoul was cited as saying, but added that they were “protecting him in a safe place”");
        let ab = measure(&a, &b, &config);
        let ba = measure(&b, &a, &config);
        assert_eq!(ab.similarity, ba.similarity);
        assert_eq!(ab.coverage, [ba.coverage[1], ba.coverage[0]]);
        assert_eq!(ab.quote_only, ba.quote_only);
    }
}
