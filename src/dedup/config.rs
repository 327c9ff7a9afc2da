//! The detector's tuning, [`DedupConfig`], and the module's errors, [`DedupError`].
//!
//! Every threshold of near-duplicate detection is a field here, with its default and where
//! that default comes from (the measurements are in `docs/dedup.md`, "Thresholds"). This file
//! also owns the range checks ([`DedupConfig::validate`], which reports) and the clamping
//! ([`DedupConfig::sanitized`], which the [`Detector`](super::Detector) applies).

use serde::{Deserialize, Serialize};

/// Tuning of the detector. Every default is documented with where it comes from; the
/// measurements are in `docs/dedup.md` ("Thresholds"), reproduced by the ignored test
/// `measure_thresholds`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupConfig {
    /// Paragraphs with fewer normalised words are ignored (default 3): `Advertisement`,
    /// `He added:` or `Photo: AFP` carry no evidence of copying.
    pub min_words: usize,
    /// Paragraphs with fewer words are matched only when identical after normalisation
    /// and get no simhash or anchors (default 8). Below that, simhash compares a handful of
    /// features: of the pairs of distinct 3–7-word paragraphs within 6 bits on the corpus,
    /// none is a copy, and two shared trigrams are a large share of the text.
    pub short_words: usize,
    /// Word n-gram length of the simhash features (default 1: words). Measured on the
    /// corpus: lightly edited copies stay closest in Hamming distance with words.
    pub simhash_ngram: usize,
    /// Largest Hamming distance between simhashes for the near-identical search (default
    /// 3; the index uses `max_hamming + 1` tables).
    pub max_hamming: u32,
    /// In an oversized simhash bucket, each hash is compared only with this many
    /// successors (default 64), keeping the search linear on template floods.
    pub bucket_limit: usize,
    /// Word n-gram length of the anchors (default 4).
    pub anchor_ngram: usize,
    /// Winnowing window over anchor n-grams (default 6): any shared run of
    /// `anchor_window + anchor_ngram - 1` = 9 words guarantees a shared anchor.
    pub anchor_window: usize,
    /// Anchors carried by more paragraphs are skipped as boilerplate (default 64).
    pub anchor_max_df: usize,
    /// Shared anchors a pair needs to become a candidate (default 2), unless one of its
    /// paragraphs has fewer than `single_anchor_words` words.
    pub min_shared_anchors: usize,
    /// A pair in which a paragraph has fewer words needs only one shared anchor (default
    /// 25): a short copy carries few anchors. Two longer paragraphs that share a single
    /// anchor (a phrase, a quotation) are rarely copies: on the generated 1 GB batch,
    /// requiring two for paragraphs of 30 words or more cut the candidates from 13.3 M to
    /// 4.6 M, 98.9% of the dropped ones rejected by verification, with the same wire-copy
    /// recall; 25 is the lowest value that leaves the labelled corpus's results unchanged
    /// (24 loses one true pair of 5150) and halves the candidates again (`docs/dedup.md`).
    pub single_anchor_words: usize,
    /// Anchors carried by at most this many paragraphs propose their pairs as they are
    /// (default 4); pairs of more common anchors must also pass the simhash prefilter
    /// (`prefilter_max_hamming`). Keeps phrases that recur by chance in a large batch from
    /// flooding verification.
    pub anchor_rare_df: usize,
    /// Word n-gram length of the verification measure (default 3).
    pub verify_ngram: usize,
    /// Smallest similarity (word coverage by shared trigrams) of a copy (default 0.5: the
    /// corpus F1 is flat from 0.45 to 0.6 and the samples' edited wire pair sits at 0.5).
    pub copy_threshold: f64,
    /// Words a copy must cover, in the paragraph its similarity comes from, unless the two
    /// are identical (default 8).
    pub min_copied_words: usize,
    /// Quoted shared words needed for a `shared-quote` match (default 8).
    pub quote_min_words: usize,
    /// Share of the covered words that must be quoted for a quote-only match (default 0.8).
    pub quote_share: f64,
    /// A quote-only match covers less than this share of the unquoted words of the
    /// paragraph its similarity comes from (default 0.5).
    pub quote_narrative_max: f64,
    /// A quote-only match needs one paragraph to frame the quote with at least this many
    /// unquoted words of its own (default 8): fewer is an attribution clause, and the pair
    /// is a copied quote paragraph whose attribution was changed.
    pub quote_frame_words: usize,
    /// Share of a document's words found in another document for a republication
    /// (default 0.8).
    pub document_threshold: f64,
    /// A document needs this many eligible paragraphs to count as republished (default 3).
    pub document_min_paragraphs: usize,
    /// Second round of candidate search (default true): two documents already sharing a
    /// verified copy (wire copy is a document-level act) get their other paragraph pairs
    /// compared too, which finds edited copies whose shared runs are too short for anchors
    /// (SCMP 20 / Local 10 in the samples share runs of 5 and 7 words).
    pub expand_documents: bool,
    /// Simhash prefilter of the weak candidate sources (document expansion, common
    /// anchors): pairs farther apart in Hamming distance are not verified (default 20, the
    /// best F1 of the corpus sweep; SCMP 20 / Local 10 is at 16 bits; `docs/dedup.md`).
    pub prefilter_max_hamming: u32,
    /// Each document is expanded against at most this many linked documents, those with
    /// the most verified copies first (default 16): bounds the work per document.
    pub expand_max_partners: usize,
    /// A copy whose paragraph recurs more than this many times (identical) does not link
    /// documents (default 8): site templates would link every page of a site.
    pub expand_max_group: usize,
    /// Paragraphs matched in more documents than this are ignored for document pairing
    /// (default 256), which keeps document pairing linear.
    pub document_max_fanout: usize,
    /// Candidate pairs verified per call to
    /// [`ParagraphTexts::texts`](super::ParagraphTexts::texts) (default 16 384).
    pub verify_batch: usize,
    /// Whether cluster members carry their text (default true). Turn off on huge batches:
    /// the texts of all flagged paragraphs are then not kept in memory.
    pub include_texts: bool,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            min_words: 3,
            short_words: 8,
            simhash_ngram: 1,
            max_hamming: 3,
            bucket_limit: 64,
            anchor_ngram: 4,
            anchor_window: 6,
            anchor_max_df: 64,
            min_shared_anchors: 2,
            single_anchor_words: 25,
            anchor_rare_df: 4,
            verify_ngram: 3,
            copy_threshold: 0.5,
            min_copied_words: 8,
            quote_min_words: 8,
            quote_share: 0.8,
            quote_narrative_max: 0.5,
            quote_frame_words: 8,
            expand_documents: true,
            prefilter_max_hamming: 20,
            expand_max_partners: 16,
            expand_max_group: 8,
            document_threshold: 0.8,
            document_min_paragraphs: 3,
            document_max_fanout: 256,
            verify_batch: 16_384,
            include_texts: true,
        }
    }
}

/// Errors of the dedup module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DedupError {
    /// A [`DedupConfig`] field is outside the range the detector can work with.
    #[error("dedup config: {field} = {value}: {reason}")]
    InvalidConfig {
        /// Name of the field.
        field: &'static str,
        /// Its value, printed.
        value: String,
        /// What the valid range is.
        reason: &'static str,
    },
    /// More paragraphs than a `u32` can number were added.
    #[error("dedup: more than {max} paragraphs in one batch")]
    TooManyParagraphs {
        /// The limit.
        max: u64,
    },
}

impl DedupConfig {
    /// Checks every field's range; the first offending field is reported.
    pub fn validate(&self) -> Result<(), DedupError> {
        fn invalid(field: &'static str, value: impl ToString, reason: &'static str) -> DedupError {
            DedupError::InvalidConfig {
                field,
                value: value.to_string(),
                reason,
            }
        }
        let unit = |field: &'static str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(invalid(field, value, "must be within [0, 1]"))
            }
        };
        if self.min_words == 0 {
            return Err(invalid("min_words", self.min_words, "must be at least 1"));
        }
        if self.short_words < self.verify_ngram {
            return Err(invalid(
                "short_words",
                self.short_words,
                "must be at least verify_ngram",
            ));
        }
        for (field, value) in [
            ("simhash_ngram", self.simhash_ngram),
            ("anchor_ngram", self.anchor_ngram),
            ("anchor_window", self.anchor_window),
            ("min_shared_anchors", self.min_shared_anchors),
            ("anchor_rare_df", self.anchor_rare_df),
            ("verify_ngram", self.verify_ngram),
            ("bucket_limit", self.bucket_limit),
            ("verify_batch", self.verify_batch),
            ("document_min_paragraphs", self.document_min_paragraphs),
            ("expand_max_partners", self.expand_max_partners),
            ("expand_max_group", self.expand_max_group),
        ] {
            if value == 0 {
                return Err(invalid(field, value, "must be at least 1"));
            }
        }
        if self.anchor_max_df < 2 {
            return Err(invalid(
                "anchor_max_df",
                self.anchor_max_df,
                "must be at least 2",
            ));
        }
        if self.document_max_fanout < 2 {
            return Err(invalid(
                "document_max_fanout",
                self.document_max_fanout,
                "must be at least 2",
            ));
        }
        if self.max_hamming > 15 {
            return Err(invalid(
                "max_hamming",
                self.max_hamming,
                "must be at most 15 (blocks of 4 bits or more)",
            ));
        }
        unit("copy_threshold", self.copy_threshold)?;
        unit("quote_share", self.quote_share)?;
        unit("quote_narrative_max", self.quote_narrative_max)?;
        unit("document_threshold", self.document_threshold)?;
        Ok(())
    }

    /// A copy with every out-of-range field brought to its nearest valid value.
    pub fn sanitized(&self) -> DedupConfig {
        let mut config = self.clone();
        config.min_words = config.min_words.max(1);
        config.simhash_ngram = config.simhash_ngram.max(1);
        config.anchor_ngram = config.anchor_ngram.max(1);
        config.anchor_window = config.anchor_window.max(1);
        config.min_shared_anchors = config.min_shared_anchors.max(1);
        config.anchor_rare_df = config.anchor_rare_df.max(1);
        config.verify_ngram = config.verify_ngram.max(1);
        config.short_words = config.short_words.max(config.verify_ngram);
        config.bucket_limit = config.bucket_limit.max(1);
        config.verify_batch = config.verify_batch.max(1);
        config.document_min_paragraphs = config.document_min_paragraphs.max(1);
        config.expand_max_partners = config.expand_max_partners.max(1);
        config.expand_max_group = config.expand_max_group.max(1);
        config.anchor_max_df = config.anchor_max_df.max(2);
        config.document_max_fanout = config.document_max_fanout.max(2);
        config.max_hamming = config.max_hamming.min(15);
        let unit = |value: f64| {
            if value.is_nan() {
                1.0
            } else {
                value.clamp(0.0, 1.0)
            }
        };
        config.copy_threshold = unit(config.copy_threshold);
        config.quote_share = unit(config.quote_share);
        config.quote_narrative_max = unit(config.quote_narrative_max);
        config.document_threshold = unit(config.document_threshold);
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid() {
        DedupConfig::default()
            .validate()
            .expect("defaults are valid");
    }

    #[test]
    fn invalid_config_is_reported_and_sanitized() {
        let config = DedupConfig {
            copy_threshold: 1.5,
            anchor_window: 0,
            ..DedupConfig::default()
        };
        let error = config.validate().expect_err("out of range");
        assert!(error.to_string().contains("anchor_window"), "{error}");
        let sanitized = config.sanitized();
        sanitized.validate().expect("sanitized config is valid");
        assert_eq!(sanitized.copy_threshold, 1.0);
    }

    #[test]
    fn config_round_trips_through_json_with_defaults() {
        let config: DedupConfig =
            serde_json::from_str(r#"{"copy_threshold": 0.6}"#).expect("valid JSON config");
        assert_eq!(config.copy_threshold, 0.6);
        assert_eq!(config.short_words, DedupConfig::default().short_words);
    }
}
