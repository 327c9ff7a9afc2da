//! Document expansion, the second round of candidate search: two documents already sharing
//! a verified copy (wire copy is a document-level act) get their other paragraph pairs
//! compared too, which finds edited copies whose shared runs are too short for anchors (SCMP
//! 20 / Local 10 in the samples share runs of 5 and 7 words). See
//! [`DedupConfig::expand_documents`].
//!
//! Not a [`CandidateGenerator`](super::CandidateGenerator): it needs the first round's
//! verified pairs. Only copies of paragraphs that recur at most `expand_max_group` times link
//! documents (site templates would link every page of a site), each document is expanded
//! against its `expand_max_partners` best-linked documents, and pairs farther apart than
//! `prefilter_max_hamming` bits of simhash are dropped.

use std::collections::HashMap;

use rayon::prelude::*;

use super::{exact, Candidates};
use crate::dedup::verify::MatchKind;
use crate::dedup::{fingerprint, index, DedupConfig, Sketches, VerifiedPair};

/// Second-round candidates: paragraph pairs of documents linked by `verified` copies,
/// not in `already` (sorted), within `prefilter_max_hamming` bits of simhash. Pairs are
/// between exact-group representatives.
pub fn pairs(
    config: &DedupConfig,
    sketches: &Sketches,
    candidates: &Candidates,
    already: &[u64],
    verified: &[VerifiedPair],
) -> Vec<u64> {
    let representative = &candidates.representative;
    let group_size = |first: u32| exact::group_size(&candidates.exact, first);
    let long = |id: u32| usize::from(sketches.word_counts[id as usize]) >= config.short_words;
    let mut links: HashMap<(u32, u32), u32> = HashMap::new();
    for pair in verified.iter().filter(|pair| pair.kind == MatchKind::Copy) {
        let (doc_a, doc_b) = (sketches.key_of(pair.a).doc, sketches.key_of(pair.b).doc);
        if doc_a == doc_b || !long(pair.a) || !long(pair.b) {
            continue;
        }
        let rare = |id: u32| {
            let first = representative[id as usize];
            first != u32::MAX && group_size(first) <= config.expand_max_group
        };
        if rare(pair.a) && rare(pair.b) {
            *links
                .entry((doc_a.min(doc_b), doc_a.max(doc_b)))
                .or_default() += 1;
        }
    }
    // Keep, for each document, its `expand_max_partners` best-linked partners.
    let mut partners: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    for (&(a, b), &count) in &links {
        partners.entry(a).or_default().push((count, b));
        partners.entry(b).or_default().push((count, a));
    }
    let mut kept: Vec<(u32, u32)> = Vec::new();
    for (&doc, list) in &mut partners {
        list.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        for &(_, other) in list.iter().take(config.expand_max_partners) {
            kept.push((doc.min(other), doc.max(other)));
        }
    }
    kept.sort_unstable();
    kept.dedup();
    let paragraphs_of = |doc: u32| sketches.document_paragraphs(doc);
    let mut found: Vec<u64> = kept
        .par_iter()
        .flat_map_iter(|&(doc_a, doc_b)| {
            let mut pairs = Vec::new();
            for a in paragraphs_of(doc_a).filter(|&id| long(id)) {
                let first_a = representative[a as usize];
                for b in paragraphs_of(doc_b).filter(|&id| long(id)) {
                    let first_b = representative[b as usize];
                    if first_a == first_b || first_a == u32::MAX || first_b == u32::MAX {
                        continue;
                    }
                    let distance = fingerprint::hamming(
                        sketches.simhashes[first_a as usize],
                        sketches.simhashes[first_b as usize],
                    );
                    if distance <= config.prefilter_max_hamming {
                        pairs.push(index::pack_pair(first_a, first_b));
                    }
                }
            }
            pairs
        })
        .collect();
    found.par_sort_unstable();
    found.dedup();
    found.retain(|pair| already.binary_search(pair).is_err());
    found
}

#[cfg(test)]
mod tests {
    use crate::dedup::{
        sketch, ClusterKind, DedupConfig, DedupReport, Detector, DocumentInfo, ParagraphKey,
    };

    const SCMP_20: &str = "Italian authorities were “agonising” over what to do but were “protecting him in a safe place”, the newspaper quoted an unnamed official as saying.";
    const LOCAL_10: &str = "Italian authorities have been “agonising” over what to do, an official in Seoul was cited as saying, but added that they were “protecting him in a safe place”";
    const WIRE: &str = "The Kim dynasty has ruled the impoverished but nuclear-armed state for three generations with little tolerance for dissent.";

    fn run(
        documents: &[(&str, Vec<&str>)],
        config: &DedupConfig,
    ) -> (DedupReport, Vec<Vec<String>>) {
        let mut detector = Detector::new(config.clone());
        let mut texts = Vec::new();
        for (index, (site, paragraphs)) in documents.iter().enumerate() {
            let sketches = paragraphs.iter().map(|p| sketch(p, config)).collect();
            let info = DocumentInfo {
                id: format!("doc-{index}"),
                site: site.to_string(),
                credits: Vec::new(),
            };
            detector.add_document(info, sketches);
            texts.push(paragraphs.iter().map(|p| p.to_string()).collect());
        }
        (detector.finish(&texts), texts)
    }

    #[test]
    fn documents_sharing_a_copy_get_their_other_paragraphs_compared() {
        let documents = [
            ("scmp", vec![WIRE, SCMP_20]),
            ("local", vec![LOCAL_10, WIRE]),
        ];
        let key = |doc, para| ParagraphKey { doc, para };
        let (report, _) = run(&documents, &DedupConfig::default());
        assert_eq!(
            report.pair(key(0, 1), key(1, 0)).map(|m| m.kind),
            Some(ClusterKind::Syndicated)
        );
        assert_eq!(report.stats.expansion_verified_pairs, 1);
        let without = DedupConfig {
            expand_documents: false,
            ..DedupConfig::default()
        };
        let (report, _) = run(&documents, &without);
        assert_eq!(report.pair(key(0, 1), key(1, 0)), None);
    }

    #[test]
    fn a_template_repeated_everywhere_links_no_documents() {
        // Ten documents share only a template paragraph (a group of 10 > expand_max_group).
        let mut documents: Vec<(&str, Vec<&str>)> = vec![
            ("scmp", vec![SCMP_20, WIRE]),
            ("local", vec![WIRE, LOCAL_10]),
        ];
        for _ in 0..8 {
            documents.push(("other", vec![WIRE]));
        }
        let (report, _) = run(&documents, &DedupConfig::default());
        let key = |doc, para| ParagraphKey { doc, para };
        assert_eq!(report.stats.expansion_candidates, 0);
        assert_eq!(report.pair(key(0, 0), key(1, 1)), None);
        // The template itself is reported.
        assert!(report.pair(key(0, 1), key(1, 0)).is_some());
    }
}
