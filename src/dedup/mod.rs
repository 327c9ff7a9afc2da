//! Near-duplicate paragraph detection across a batch of cleaned documents.
//!
//! Scraped news batches carry the same wire story (AFP, Reuters, AP) several times, each
//! outlet lightly editing it. This module finds the paragraphs that were copied and says how:
//! `syndicated` (the copies come from two or more sites), `site-template` (one site repeats a
//! paragraph across its pages), `repeated` (it recurs inside one document) or the weaker
//! `shared-quote` (two different sentences quote the same passage). Paragraphs that merely
//! report the same fact in other words are not matches. Articles republished whole get a
//! document cluster.
//!
//! # How it works
//!
//! 1. [`sketch()`] (per paragraph, independent of all others: run it in rayon) normalises the
//!    text for comparison ([`normalize`]) and keeps a 64-bit simhash, a content hash, the
//!    word count and a few winnowed n-gram anchors ([`fingerprint`]). No text is kept.
//! 2. [`Detector::add_document`] stores the sketches ([`Sketches`]): 18 bytes per paragraph
//!    plus 8 bytes per anchor, 82 bytes per paragraph at the densities measured on news text
//!    (`docs/dedup.md`).
//! 3. [`Detector::finish`] searches candidates without comparing all pairs ([`candidates`]:
//!    exact groups, then each [`CandidateGenerator`], a permuted-table simhash index and an
//!    anchor index skipping boilerplate anchors, over the structures of [`index`]), fetches
//!    the texts of candidate paragraphs only, through the caller's [`ParagraphTexts`],
//!    verifies each pair exactly ([`verify`]), then compares the other paragraphs of
//!    documents found to share a copy (document expansion), and groups the verified pairs
//!    for display ([`cluster`]).
//!
//! Copying is not transitive: a cluster is the union of verified pairs, for display; the
//! pairs listed in a [`Cluster`] are the facts, and [`DedupReport::pair`] answers for any two
//! paragraphs.
//!
//! Thresholds live in [`DedupConfig`]; their defaults were chosen from measurements on the
//! labelled syndication corpus of `tests/dedup/corpus.rs`, reported in `docs/dedup.md`.
//!
//! # Where the code is
//!
//! This file only re-exports; every path below `crate::dedup` names the item where it lives.
//!
//! - `config.rs`: [`DedupConfig`] (defaults, validation, clamping) and [`DedupError`];
//! - `sketch.rs`: [`ParagraphSketch`] and [`sketch()`], [`Sketches`] (a batch's sketches,
//!   column by column), [`ParagraphKey`], [`DocumentInfo`];
//! - `detector.rs`: [`Detector`], [`ParagraphTexts`], the driving of verification in batches,
//!   [`VerifiedPair`];
//! - [`candidates`]: [`Candidates`] and the [`CandidateGenerator`] trait, then one file per
//!   source of candidates (exact groups, simhash tables, anchors, document expansion);
//! - `report.rs`: [`DedupReport`] and what it holds ([`Cluster`], [`DocumentCluster`],
//!   [`Annotation`], [`PairMatch`], [`DedupStats`]);
//! - [`normalize`], [`fingerprint`], [`index`], [`verify`], [`cluster`], [`spill`]: text
//!   folding, hashes, search structures, the pair measure, clustering, the words' spill file.
//!
//! # Example
//!
//! ```
//! use newsclean::dedup::{sketch, ClusterKind, DedupConfig, Detector, DocumentInfo, ParagraphKey};
//! use rayon::prelude::*;
//!
//! let config = DedupConfig::default();
//! let wire = "The Kim dynasty has ruled the impoverished but nuclear-armed state for three generations.";
//! // Paragraphs of each cleaned document; here held in memory, which is also a `ParagraphTexts`.
//! let texts: Vec<Vec<String>> = vec![
//!     vec![wire.to_owned(), "Subscribe to our newsletter for more news.".to_owned()],
//!     vec!["A paragraph of the outlet's own about something else entirely.".to_owned(), wire.to_owned()],
//! ];
//! let mut detector = Detector::new(config.clone());
//! for (index, paragraphs) in texts.iter().enumerate() {
//!     let sketches = paragraphs.par_iter().map(|text| sketch(text, &config)).collect();
//!     let info = DocumentInfo { id: format!("doc-{index}"), site: format!("site-{index}"), credits: vec![] };
//!     detector.add_document(info, sketches);
//! }
//! let report = detector.finish(&texts);
//! let annotation = report.annotation(ParagraphKey { doc: 1, para: 1 }).expect("flagged");
//! assert_eq!(annotation.kind, ClusterKind::Syndicated);
//! assert!(!annotation.first);
//! assert!(report.annotation(ParagraphKey { doc: 0, para: 0 }).expect("flagged").first);
//! for cluster in &report.clusters {
//!     println!("{}", serde_json::to_string(cluster).expect("clusters serialise"));
//! }
//! eprintln!("{}", report.summary());
//! ```

pub mod candidates;
pub mod cluster;
mod config;
mod detector;
pub mod fingerprint;
pub mod index;
pub mod normalize;
mod report;
mod sketch;
pub mod spill;
pub mod verify;

pub use self::candidates::{CandidateGenerator, Candidates};
pub use self::config::{DedupConfig, DedupError};
pub use self::detector::{Detector, ParagraphTexts, VerifiedPair};
pub use self::report::{
    Annotation, Cluster, ClusterKind, ClusterMember, ClusterPair, DedupReport, DedupStats,
    DocumentCluster, DocumentClusterKind, DocumentClusterMember, DocumentPair, PairMatch,
};
pub use self::sketch::{
    sketch, sketch_hashed, sketch_normalized, DocumentInfo, ParagraphKey, ParagraphSketch, Sketches,
};
