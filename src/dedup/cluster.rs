//! From verified pairs to what a reader sees: clusters, kinds, annotations, documents.
//!
//! Copying is not transitive (A copies a wire paragraph's first half, B its second half, and
//! A and B share nothing), so the verified pair is the fact. Clusters exist for display: a
//! union-find over verified copy pairs, whose kind follows its members (two or more sites:
//! `syndicated`; several documents of one site: `site-template`; one document: `repeated`).
//! Shared-quote pairs get clusters of their own, built from shared-quote pairs only, so a
//! paragraph quoting a syndicated passage is never pulled into the syndicated cluster.
//!
//! Document clusters pair two documents when the copies of one's paragraphs found in the
//! other cover at least `document_threshold` of its words, then join the pairs by
//! union-find.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::index::{pack_pair, unpack_pair};
use super::sketch::{document_paragraphs, key_of};
use super::verify::MatchKind;
use super::{
    Annotation, Cluster, ClusterKind, ClusterMember, ClusterPair, DedupConfig, DedupReport,
    DedupStats, DocumentCluster, DocumentClusterKind, DocumentClusterMember, DocumentInfo,
    DocumentPair, PairMatch, ParagraphKey, VerifiedPair,
};

/// Union-find (disjoint sets) with path halving and union by size.
#[derive(Clone, Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `len` singletons.
    pub fn new(len: usize) -> Self {
        UnionFind {
            parent: (0..len as u32).collect(),
            size: vec![1; len],
        }
    }

    /// The representative of `item`'s set.
    pub fn find(&mut self, mut item: u32) -> u32 {
        while self.parent[item as usize] != item {
            let grandparent = self.parent[self.parent[item as usize] as usize];
            self.parent[item as usize] = grandparent;
            item = grandparent;
        }
        item
    }

    /// Joins the sets of `a` and `b`.
    pub fn union(&mut self, a: u32, b: u32) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
    }
}

/// Connected components (of two or more items) of the graph whose edges are `pairs`
/// (packed with [`pack_pair`]): each component's items sorted, components sorted by their
/// first item.
pub fn connected_components(pairs: &[u64]) -> Vec<Vec<u32>> {
    let mut nodes: Vec<u32> = pairs
        .iter()
        .flat_map(|&pair| {
            let (a, b) = unpack_pair(pair);
            [a, b]
        })
        .collect();
    nodes.par_sort_unstable();
    nodes.dedup();
    let position = |id: u32| nodes.binary_search(&id).expect("node of an edge") as u32;
    let mut sets = UnionFind::new(nodes.len());
    for &pair in pairs {
        let (a, b) = unpack_pair(pair);
        sets.union(position(a), position(b));
    }
    // Group by root with a sort (no map of vectors); sorting `(root, id)` also sorts each
    // component's members.
    let mut by_root: Vec<(u32, u32)> = (0..nodes.len() as u32)
        .map(|index| (sets.find(index), nodes[index as usize]))
        .collect();
    by_root.par_sort_unstable();
    let mut components: Vec<Vec<u32>> = by_root
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| run.iter().map(|&(_, id)| id).collect())
        .collect();
    components.par_sort_unstable_by_key(|component: &Vec<u32>| component[0]);
    components
}

/// Answers [`DedupReport::pair`] from the verified pairs.
#[derive(Clone, Debug, Default)]
pub(crate) struct PairLookup {
    document_starts: Vec<u32>,
    /// Total paragraphs, to bound the last document.
    paragraphs: u32,
    /// Site number of each document.
    sites: Vec<u32>,
    /// Member → first occurrence, for verified exact groups.
    identical_to: HashMap<u32, u32>,
    /// Verified pairs between first occurrences.
    pairs: HashMap<u64, (MatchKind, f64)>,
}

impl PairLookup {
    fn paragraph_number(&self, key: ParagraphKey) -> Option<u32> {
        let range = document_paragraphs(&self.document_starts, self.paragraphs, key.doc as usize);
        let number = range.start.checked_add(key.para)?;
        range.contains(&number).then_some(number)
    }

    fn kind_of_copy(&self, a: u32, b: u32) -> ClusterKind {
        let (key_a, key_b) = (
            key_of(&self.document_starts, a),
            key_of(&self.document_starts, b),
        );
        copy_kind_of(&self.sites, key_a, key_b)
    }

    pub(crate) fn pair(&self, a: ParagraphKey, b: ParagraphKey) -> Option<PairMatch> {
        let (a, b) = (self.paragraph_number(a)?, self.paragraph_number(b)?);
        if a == b {
            return None;
        }
        let first_a = self.identical_to.get(&a).copied().unwrap_or(a);
        let first_b = self.identical_to.get(&b).copied().unwrap_or(b);
        let (kind, similarity) = if first_a == first_b {
            (MatchKind::Copy, 1.0)
        } else {
            *self.pairs.get(&pack_pair(first_a, first_b))?
        };
        let kind = match kind {
            MatchKind::Copy => self.kind_of_copy(a, b),
            MatchKind::SharedQuote => ClusterKind::SharedQuote,
        };
        Some(PairMatch { kind, similarity })
    }
}

/// The distinct sites and wire credits of documents `docs`, each sorted.
fn sites_and_credits(
    documents: &[DocumentInfo],
    docs: impl Iterator<Item = u32> + Clone,
) -> (Vec<String>, Vec<String>) {
    let mut sites: Vec<String> = docs
        .clone()
        .map(|doc| documents[doc as usize].site.clone())
        .collect();
    sites.sort();
    sites.dedup();
    let mut credits: Vec<String> = docs
        .flat_map(|doc| documents[doc as usize].credits.iter().cloned())
        .collect();
    credits.sort();
    credits.dedup();
    (sites, credits)
}

/// Kind of a copy pair from its two paragraphs' documents (`sites`: site number of each
/// document).
fn copy_kind_of(sites: &[u32], a: ParagraphKey, b: ParagraphKey) -> ClusterKind {
    copy_kind(
        a.doc == b.doc,
        sites[a.doc as usize] == sites[b.doc as usize],
    )
}

/// Kind of a copy pair from where its two paragraphs are.
fn copy_kind(same_document: bool, same_site: bool) -> ClusterKind {
    if same_document {
        ClusterKind::Repeated
    } else if same_site {
        ClusterKind::SiteTemplate
    } else {
        ClusterKind::Syndicated
    }
}

/// What [`build_report`] needs from the detector.
pub(crate) struct ReportInput<'a> {
    pub config: &'a DedupConfig,
    pub documents: Vec<DocumentInfo>,
    pub document_starts: Vec<u32>,
    pub word_counts: &'a [u16],
    pub representative: &'a [u32],
    pub pairs: Vec<VerifiedPair>,
    pub texts: HashMap<u32, String>,
}

/// Builds clusters, annotations and document clusters from the verified pairs.
pub(crate) fn build_report(input: ReportInput<'_>, stats: DedupStats) -> DedupReport {
    let ReportInput {
        config,
        documents,
        document_starts,
        word_counts,
        representative,
        pairs,
        mut texts,
    } = input;
    let mut site_numbers: HashMap<&str, u32> = HashMap::new();
    let sites: Vec<u32> = documents
        .iter()
        .map(|document| {
            let next = site_numbers.len() as u32;
            *site_numbers.entry(document.site.as_str()).or_insert(next)
        })
        .collect();
    let locate = |paragraph: u32| key_of(&document_starts, paragraph);

    // Exact-group memberships that verification confirmed.
    let is_exact_member = |pair: &VerifiedPair| {
        pair.kind == MatchKind::Copy
            && representative.get(pair.b as usize) == Some(&pair.a)
            && representative.get(pair.a as usize) == Some(&pair.a)
    };
    let identical_to: HashMap<u32, u32> = pairs
        .iter()
        .filter(|pair| is_exact_member(pair))
        .map(|pair| (pair.b, pair.a))
        .collect();

    let mut clusters: Vec<Cluster> = Vec::new();
    for match_kind in [MatchKind::Copy, MatchKind::SharedQuote] {
        let edges: Vec<&VerifiedPair> = pairs.iter().filter(|p| p.kind == match_kind).collect();
        let packed: Vec<u64> = edges.iter().map(|p| pack_pair(p.a, p.b)).collect();
        let components = connected_components(&packed);
        let mut component_of: HashMap<u32, usize> = HashMap::new();
        for (index, component) in components.iter().enumerate() {
            for &id in component {
                component_of.insert(id, index);
            }
        }
        let mut component_pairs: Vec<Vec<&VerifiedPair>> = vec![Vec::new(); components.len()];
        for pair in edges {
            component_pairs[component_of[&pair.a]].push(pair);
        }
        for (members, member_pairs) in components.into_iter().zip(component_pairs) {
            let keys: Vec<ParagraphKey> = members.iter().map(|&id| locate(id)).collect();
            let kind = match match_kind {
                MatchKind::SharedQuote => ClusterKind::SharedQuote,
                MatchKind::Copy => {
                    let distinct_sites: HashSet<u32> =
                        keys.iter().map(|key| sites[key.doc as usize]).collect();
                    let distinct_docs: HashSet<u32> = keys.iter().map(|key| key.doc).collect();
                    copy_kind(distinct_docs.len() < 2, distinct_sites.len() < 2)
                }
            };
            let member_index = |id: u32| members.binary_search(&id).expect("pair member");
            let mut cluster_pairs: Vec<ClusterPair> = member_pairs
                .iter()
                .map(|pair| ClusterPair {
                    a: member_index(pair.a),
                    b: member_index(pair.b),
                    similarity: pair.similarity,
                    kind: match pair.kind {
                        MatchKind::SharedQuote => ClusterKind::SharedQuote,
                        MatchKind::Copy => copy_kind_of(&sites, locate(pair.a), locate(pair.b)),
                    },
                })
                .collect();
            cluster_pairs.sort_by_key(|pair| (pair.a, pair.b));
            let (site_names, credits) =
                sites_and_credits(documents.as_slice(), keys.iter().map(|key| key.doc));
            let cluster_members = members
                .iter()
                .zip(&keys)
                .map(|(&id, &key)| ClusterMember {
                    key,
                    doc: documents[key.doc as usize].id.clone(),
                    site: documents[key.doc as usize].site.clone(),
                    paragraph: key.para,
                    text: texts.get(&id).cloned().unwrap_or_default(),
                })
                .collect();
            clusters.push(Cluster {
                id: 0,
                kind,
                members: cluster_members,
                pairs: cluster_pairs,
                sites: site_names,
                credits,
            });
        }
    }
    texts.clear();
    // Number clusters by first occurrence; copy clusters before shared-quote ones on ties.
    clusters.sort_by_key(|cluster| {
        (
            cluster.members[0].key,
            cluster.kind == ClusterKind::SharedQuote,
        )
    });
    for (id, cluster) in clusters.iter_mut().enumerate() {
        cluster.id = id as u32;
    }

    let annotations = annotate(&clusters);
    let document_clusters = document_clusters(
        config,
        &documents,
        &document_starts,
        word_counts,
        &pairs,
        &identical_to,
    );
    let lookup = PairLookup {
        paragraphs: word_counts.len() as u32,
        sites,
        identical_to,
        pairs: pairs
            .iter()
            .filter(|pair| !is_exact_member(pair))
            .map(|pair| (pack_pair(pair.a, pair.b), (pair.kind, pair.similarity)))
            .collect(),
        document_starts,
    };
    DedupReport {
        clusters,
        document_clusters,
        stats,
        annotations,
        lookup,
    }
}

/// Annotation of every cluster member; copy clusters take precedence over shared-quote ones.
fn annotate(clusters: &[Cluster]) -> HashMap<ParagraphKey, Annotation> {
    let mut annotations: HashMap<ParagraphKey, Annotation> = HashMap::new();
    let strong_first = clusters
        .iter()
        .filter(|cluster| cluster.kind != ClusterKind::SharedQuote)
        .chain(
            clusters
                .iter()
                .filter(|cluster| cluster.kind == ClusterKind::SharedQuote),
        );
    for cluster in strong_first {
        let mut best = vec![0.0f64; cluster.members.len()];
        for pair in &cluster.pairs {
            best[pair.a] = best[pair.a].max(pair.similarity);
            best[pair.b] = best[pair.b].max(pair.similarity);
        }
        for (index, member) in cluster.members.iter().enumerate() {
            annotations.entry(member.key).or_insert(Annotation {
                cluster: cluster.id,
                kind: cluster.kind,
                similarity: best[index],
                first: index == 0,
            });
        }
    }
    annotations
}

/// Document clusters from the verified copy pairs (see the module docs).
fn document_clusters(
    config: &DedupConfig,
    documents: &[DocumentInfo],
    document_starts: &[u32],
    word_counts: &[u16],
    pairs: &[VerifiedPair],
    identical_to: &HashMap<u32, u32>,
) -> Vec<DocumentCluster> {
    let locate = |paragraph: u32| key_of(document_starts, paragraph);
    let group_of = |id: u32| identical_to.get(&id).copied().unwrap_or(id);
    // Members of each exact group, and links between groups.
    let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut links: HashMap<u32, Vec<u32>> = HashMap::new();
    for (&member, &first) in identical_to {
        members
            .entry(first)
            .or_insert_with(|| vec![first])
            .push(member);
    }
    for pair in pairs.iter().filter(|pair| pair.kind == MatchKind::Copy) {
        let (group_a, group_b) = (group_of(pair.a), group_of(pair.b));
        if group_a != group_b {
            links.entry(group_a).or_default().push(group_b);
            links.entry(group_b).or_default().push(group_a);
        }
    }
    let group_members =
        |group: u32| -> Vec<u32> { members.get(&group).cloned().unwrap_or_else(|| vec![group]) };
    let mut groups: Vec<u32> = members.keys().chain(links.keys()).copied().collect();
    groups.sort_unstable();
    groups.dedup();

    let eligible = |id: u32| usize::from(word_counts[id as usize]) >= config.min_words;
    // matched[(a, b)]: words of document a's paragraphs with a copy in document b.
    let mut matched: HashMap<(u32, u32), u64> = HashMap::new();
    for group in groups {
        let mut reachable: Vec<u32> = group_members(group);
        for &linked in links.get(&group).map(Vec::as_slice).unwrap_or(&[]) {
            reachable.extend(group_members(linked));
        }
        let mut docs: Vec<u32> = reachable.iter().map(|&id| locate(id).doc).collect();
        docs.sort_unstable();
        docs.dedup();
        if docs.len() > config.document_max_fanout {
            continue;
        }
        for member in group_members(group) {
            let own = locate(member).doc;
            for &doc in docs.iter().filter(|&&doc| doc != own) {
                *matched.entry((own, doc)).or_default() += u64::from(word_counts[member as usize]);
            }
        }
    }

    let mut totals = vec![(0u64, 0usize); documents.len()];
    for (doc, total) in totals.iter_mut().enumerate() {
        let paragraphs = document_paragraphs(document_starts, word_counts.len() as u32, doc);
        for id in paragraphs.filter(|&id| eligible(id)) {
            total.0 += u64::from(word_counts[id as usize]);
            total.1 += 1;
        }
    }
    let coverage = |a: u32, b: u32| -> f64 {
        let total = totals[a as usize].0;
        if total == 0 {
            0.0
        } else {
            matched.get(&(a, b)).copied().unwrap_or(0) as f64 / total as f64
        }
    };
    let republished = |doc: u32, cover: f64| {
        cover >= config.document_threshold
            && totals[doc as usize].1 >= config.document_min_paragraphs
    };
    let mut qualifying: Vec<(u32, u32, f64, f64)> = matched
        .keys()
        .filter(|(a, b)| a < b)
        .map(|&(a, b)| (a, b, coverage(a, b), coverage(b, a)))
        .filter(|&(a, b, cover_a, cover_b)| republished(a, cover_a) || republished(b, cover_b))
        .collect();
    qualifying.sort_by_key(|&(a, b, _, _)| (a, b));

    let packed: Vec<u64> = qualifying
        .iter()
        .map(|&(a, b, _, _)| pack_pair(a, b))
        .collect();
    let components = connected_components(&packed);
    components
        .into_iter()
        .enumerate()
        .map(|(id, docs)| {
            let position = |doc: u32| docs.binary_search(&doc).expect("document of a pair");
            let cluster_pairs: Vec<DocumentPair> = qualifying
                .iter()
                .filter(|(a, _, _, _)| docs.binary_search(a).is_ok())
                .map(|&(a, b, coverage_a, coverage_b)| DocumentPair {
                    a: position(a),
                    b: position(b),
                    coverage_a,
                    coverage_b,
                })
                .collect();
            let (sites, credits) = sites_and_credits(documents, docs.iter().copied());
            DocumentCluster {
                id: id as u32,
                kind: if sites.len() >= 2 {
                    DocumentClusterKind::Republished
                } else {
                    DocumentClusterKind::Duplicate
                },
                documents: docs
                    .iter()
                    .map(|&doc| DocumentClusterMember {
                        index: doc,
                        doc: documents[doc as usize].id.clone(),
                        site: documents[doc as usize].site.clone(),
                    })
                    .collect(),
                pairs: cluster_pairs,
                sites,
                credits,
            }
        })
        .collect()
}

/// The few lines [`DedupReport::summary`] prints.
pub(crate) fn summary(report: &DedupReport) -> String {
    let stats = &report.stats;
    let mut counts: HashMap<ClusterKind, (usize, usize)> = HashMap::new();
    for cluster in &report.clusters {
        let entry = counts.entry(cluster.kind).or_default();
        entry.0 += 1;
        entry.1 += cluster.members.len();
    }
    let part = |kind: ClusterKind| {
        let (clusters, paragraphs) = counts.get(&kind).copied().unwrap_or_default();
        format!("{clusters} {kind} ({paragraphs} paragraphs)")
    };
    let republished = report
        .document_clusters
        .iter()
        .filter(|cluster| cluster.kind == DocumentClusterKind::Republished)
        .count();
    let mut lines = vec![
        format!(
            "dedup: {} paragraphs in {} documents; {} candidate pairs, {} verified",
            stats.paragraphs, stats.documents, stats.candidates, stats.verified_pairs
        ),
        format!(
            "dedup: clusters: {}, {}, {}, {}",
            part(ClusterKind::Syndicated),
            part(ClusterKind::SiteTemplate),
            part(ClusterKind::Repeated),
            part(ClusterKind::SharedQuote)
        ),
        format!(
            "dedup: documents: {} republished, {} duplicate",
            republished,
            report.document_clusters.len() - republished
        ),
    ];
    if stats.missing_texts > 0 {
        lines.push(format!(
            "dedup: warning: {} paragraph texts were not returned; their pairs were dropped",
            stats.missing_texts
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_find_joins_sets() {
        let mut sets = UnionFind::new(5);
        sets.union(0, 1);
        sets.union(3, 4);
        sets.union(1, 4);
        assert_eq!(sets.find(0), sets.find(3));
        assert_ne!(sets.find(0), sets.find(2));
    }

    #[test]
    fn components_are_sorted_and_skip_singletons() {
        let pairs = [pack_pair(9, 2), pack_pair(5, 7), pack_pair(2, 4)];
        assert_eq!(
            connected_components(&pairs),
            vec![vec![2, 4, 9], vec![5, 7]]
        );
        assert!(connected_components(&[]).is_empty());
    }

    #[test]
    fn copy_kind_follows_documents_and_sites() {
        assert_eq!(copy_kind(true, true), ClusterKind::Repeated);
        assert_eq!(copy_kind(false, true), ClusterKind::SiteTemplate);
        assert_eq!(copy_kind(false, false), ClusterKind::Syndicated);
    }
}
