//! What the detector reports, as the caller and the output files see it.
//!
//! Paragraph clusters ([`Cluster`], one line each in `duplicates.jsonl`), document clusters
//! ([`DocumentCluster`]), the per-paragraph [`Annotation`], the verdict on one pair
//! ([`PairMatch`]) and the run's counters ([`DedupStats`], in `run.json`), gathered in
//! [`DedupReport`]. These are data and their serialised shape only: building them from the
//! verified pairs is [`cluster`]'s job.

use std::collections::HashMap;

use serde::Serialize;

use super::cluster;
use super::ParagraphKey;

/// Kind of a paragraph cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterKind {
    /// Copies published by two or more sites (wire copy).
    Syndicated,
    /// One site repeats the paragraph across its documents.
    SiteTemplate,
    /// The paragraph recurs inside one document.
    Repeated,
    /// Different sentences quoting the same passage: weaker, never syndicated.
    SharedQuote,
}

impl ClusterKind {
    /// The kebab-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterKind::Syndicated => "syndicated",
            ClusterKind::SiteTemplate => "site-template",
            ClusterKind::Repeated => "repeated",
            ClusterKind::SharedQuote => "shared-quote",
        }
    }
}

impl std::fmt::Display for ClusterKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A member of a [`Cluster`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterMember {
    /// Where the paragraph is (not serialised: `doc` and `paragraph` say it for humans).
    #[serde(skip)]
    pub key: ParagraphKey,
    /// The document's id ([`DocumentInfo::id`](super::DocumentInfo::id)).
    pub doc: String,
    /// The document's site.
    pub site: String,
    /// Paragraph index within the document.
    pub paragraph: u32,
    /// The paragraph's text (empty when
    /// [`DedupConfig::include_texts`](super::DedupConfig::include_texts) is off).
    pub text: String,
}

/// A verified pair inside a [`Cluster`]: the fact the cluster is built from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterPair {
    /// Index of one member in [`Cluster::members`].
    pub a: usize,
    /// Index of the other member.
    pub b: usize,
    /// Similarity of the two, in `[0, 1]`.
    pub similarity: f64,
    /// What this pair is, from its own two documents' sites.
    pub kind: ClusterKind,
}

/// Paragraphs joined by verified pairs, for display. One JSON line each in
/// `duplicates.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cluster {
    /// Cluster number, in order of first occurrence.
    pub id: u32,
    /// Kind: `syndicated` when members come from two or more sites, `site-template` when
    /// from several documents of one site, `repeated` inside one document; `shared-quote`
    /// clusters are built from shared-quote pairs only.
    pub kind: ClusterKind,
    /// Members in input order; the first is the first occurrence.
    pub members: Vec<ClusterMember>,
    /// The verified pairs joining the members.
    pub pairs: Vec<ClusterPair>,
    /// Distinct sites of the members, sorted.
    pub sites: Vec<String>,
    /// Wire credits found in the members' documents, sorted, deduplicated.
    pub credits: Vec<String>,
}

/// Kind of a document cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentClusterKind {
    /// Another site republished the article whole or nearly.
    Republished,
    /// The same site published it twice.
    Duplicate,
}

/// A document of a [`DocumentCluster`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentClusterMember {
    /// Document index in add order.
    #[serde(skip)]
    pub index: u32,
    /// The document's id.
    pub doc: String,
    /// Its site.
    pub site: String,
}

/// Two documents of a [`DocumentCluster`] and how much of each the other holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentPair {
    /// Index of one document in [`DocumentCluster::documents`].
    pub a: usize,
    /// Index of the other.
    pub b: usize,
    /// Share of `a`'s words (eligible paragraphs) matched by copies in `b`.
    pub coverage_a: f64,
    /// Share of `b`'s words matched by copies in `a`.
    pub coverage_b: f64,
}

/// Documents republished whole (or nearly) by one another.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentCluster {
    /// Document cluster number.
    pub id: u32,
    /// `republished` across sites, `duplicate` within one.
    pub kind: DocumentClusterKind,
    /// Documents in input order.
    pub documents: Vec<DocumentClusterMember>,
    /// The qualifying document pairs.
    pub pairs: Vec<DocumentPair>,
    /// Distinct sites, sorted.
    pub sites: Vec<String>,
    /// Wire credits of the documents.
    pub credits: Vec<String>,
}

/// How one paragraph is flagged.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Annotation {
    /// The cluster's id.
    pub cluster: u32,
    /// The cluster's kind.
    pub kind: ClusterKind,
    /// Similarity to the closest other member (over this paragraph's verified pairs).
    pub similarity: f64,
    /// Whether this is the cluster's first occurrence in input order.
    pub first: bool,
}

/// The verdict on one pair of paragraphs, from [`DedupReport::pair`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PairMatch {
    /// What the pair is, from its two documents' sites (or `shared-quote`).
    pub kind: ClusterKind,
    /// Similarity, in `[0, 1]`.
    pub similarity: f64,
}

/// Counters of a run, for the summary and for tuning.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DedupStats {
    /// Documents added.
    pub documents: usize,
    /// Paragraphs added.
    pub paragraphs: usize,
    /// Candidate pairs from exact groups.
    pub exact_candidates: usize,
    /// Candidate pairs from the simhash tables.
    pub near_candidates: usize,
    /// Candidate pairs from shared anchors.
    pub anchor_candidates: usize,
    /// Distinct candidate pairs verified in the first round.
    pub candidates: usize,
    /// Candidate pairs of the document expansion (second round).
    pub expansion_candidates: usize,
    /// Pairs the document expansion verified.
    pub expansion_verified_pairs: usize,
    /// Anchors skipped as boilerplate.
    pub boilerplate_anchors: usize,
    /// Pairs that passed verification.
    pub verified_pairs: usize,
    /// Texts the caller did not return.
    pub missing_texts: usize,
    /// Paragraphs prepared for verification (a paragraph in several verification batches
    /// counts once per batch).
    pub prepared_paragraphs: usize,
    /// Heap bytes of the index when finishing.
    pub index_heap_bytes: usize,
    /// Wall seconds of candidate search (exact groups, simhash tables, anchors, merge).
    pub search_seconds: f64,
    /// Wall seconds of verifying the first-round candidates.
    pub verify_seconds: f64,
    /// Wall seconds of document expansion (its candidates and their verification).
    pub expansion_seconds: f64,
    /// Wall seconds of clustering and building the report.
    pub report_seconds: f64,
}

/// Everything [`Detector::finish`](super::Detector::finish) found.
#[derive(Clone, Debug, Serialize)]
pub struct DedupReport {
    /// Paragraph clusters, by first occurrence.
    pub clusters: Vec<Cluster>,
    /// Document clusters.
    pub document_clusters: Vec<DocumentCluster>,
    /// Counters.
    pub stats: DedupStats,
    /// Each flagged paragraph's annotation (filled by [`cluster::build_report`]).
    #[serde(skip)]
    pub(super) annotations: HashMap<ParagraphKey, Annotation>,
    /// The verified pairs, for [`DedupReport::pair`] (filled by [`cluster::build_report`]).
    #[serde(skip)]
    pub(super) lookup: cluster::PairLookup,
}

impl DedupReport {
    /// Cluster id, kind, similarity to the closest other member, and whether this is the
    /// first occurrence (input order) in its cluster. A paragraph in both a copy cluster and
    /// a shared-quote cluster is annotated with the copy cluster.
    pub fn annotation(&self, key: ParagraphKey) -> Option<Annotation> {
        self.annotations.get(&key).copied()
    }

    /// The verified match between two paragraphs, if any (in either order). Paragraphs
    /// identical after normalisation to a matched paragraph share its matches.
    pub fn pair(&self, a: ParagraphKey, b: ParagraphKey) -> Option<PairMatch> {
        self.lookup.pair(a, b)
    }

    /// Short human summary (a few lines) for stderr.
    pub fn summary(&self) -> String {
        cluster::summary(self)
    }
}
