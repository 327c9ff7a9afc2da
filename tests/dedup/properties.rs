//! Property tests of the detector (proptest): identical paragraphs, symmetry, first
//! occurrences, short paragraphs, normalisation.

use proptest::prelude::*;

use newsclean::dedup::fingerprint::hamming;
use newsclean::dedup::normalize::normalize;
use newsclean::dedup::verify::{measure, verify, Prepared};
use newsclean::dedup::{
    sketch, ClusterKind, DedupConfig, DedupReport, Detector, DocumentInfo, ParagraphKey,
};

/// A small vocabulary, so that random paragraphs overlap, with names, numbers, quotes and
/// the spellings the normaliser folds.
const VOCABULARY: &[&str] = &[
    "the",
    "a",
    "of",
    "to",
    "in",
    "said",
    "Jo",
    "Song-gil",
    "Song",
    "Gil",
    "Rome",
    "embassy",
    "defected",
    "“protecting",
    "him”",
    "\"agonising\"",
    "agonizing",
    "officials",
    "on",
    "Monday",
    "48",
    "1,000",
    "U.S.",
    "North",
    "Korea’s",
    "Korea's",
    "wife",
    "and",
    "children",
    "fled",
    "—",
    "per",
    "cent",
    "colour",
    "color",
    "‘safe",
    "place’",
    "asylum",
    "Italy",
    "regime.",
];

fn word() -> impl Strategy<Value = &'static str> {
    prop::sample::select(VOCABULARY)
}

fn paragraph(words: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(word(), words).prop_map(|words| words.join(" "))
}

fn info(id: &str, site: &str) -> DocumentInfo {
    DocumentInfo {
        id: id.to_owned(),
        site: site.to_owned(),
        credits: Vec::new(),
    }
}

/// Runs the detector over documents given as `(site, paragraphs)`.
fn run(documents: &[(String, Vec<String>)]) -> DedupReport {
    let config = DedupConfig::default();
    let mut detector = Detector::new(config.clone());
    let mut texts = Vec::new();
    for (index, (site, paragraphs)) in documents.iter().enumerate() {
        let sketches = paragraphs.iter().map(|p| sketch(p, &config)).collect();
        detector.add_document(info(&format!("doc-{index}"), site), sketches);
        texts.push(paragraphs.clone());
    }
    detector.finish(&texts)
}

fn key(doc: u32, para: u32) -> ParagraphKey {
    ParagraphKey { doc, para }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Identical paragraphs: same sketch (simhash distance 0) and, from `min_words` words
    /// on, always clustered, at similarity 1, whatever the text (any Unicode).
    #[test]
    fn identical_paragraphs_have_distance_zero_and_are_always_clustered(
        text in prop_oneof![paragraph(0..40), "\\PC{0,160}"],
        filler in paragraph(8..30),
    ) {
        let config = DedupConfig::default();
        let (first, second) = (sketch(&text, &config), sketch(&text, &config));
        prop_assert_eq!(hamming(first.simhash(), second.simhash()), 0);
        prop_assert_eq!(&first, &second);

        let documents = vec![
            ("site-a".to_owned(), vec![filler.clone(), text.clone()]),
            ("site-b".to_owned(), vec![text.clone()]),
        ];
        let report = run(&documents);
        let found = report.pair(key(0, 1), key(1, 0));
        if normalize(&text).len() >= config.min_words {
            let found = found.expect("identical paragraphs are a pair");
            prop_assert_eq!(found.similarity, 1.0);
            prop_assert_eq!(found.kind, ClusterKind::Syndicated);
            let (a, b) = (report.annotation(key(0, 1)), report.annotation(key(1, 0)));
            let (a, b) = (a.expect("annotated"), b.expect("annotated"));
            prop_assert_eq!(a.cluster, b.cluster);
        } else {
            prop_assert_eq!(found, None);
        }
    }

    /// Similarity and verdict do not depend on argument order, in `verify` and in reports.
    #[test]
    fn similarity_is_symmetric(a in paragraph(3..40), b in paragraph(3..40)) {
        let config = DedupConfig::default();
        let (pa, pb) = (
            Prepared::new(normalize(&a), config.verify_ngram),
            Prepared::new(normalize(&b), config.verify_ngram),
        );
        let (ab, ba) = (measure(&pa, &pb, &config), measure(&pb, &pa, &config));
        prop_assert_eq!(ab.similarity, ba.similarity);
        prop_assert_eq!(ab.quote_only, ba.quote_only);
        prop_assert_eq!(verify(&pa, &pb, &config), verify(&pb, &pa, &config));

        let report = run(&[
            ("site-a".to_owned(), vec![a.clone()]),
            ("site-b".to_owned(), vec![b.clone()]),
        ]);
        prop_assert_eq!(report.pair(key(0, 0), key(1, 0)), report.pair(key(1, 0), key(0, 0)));
        let expected = verify(&pa, &pb, &config).map(|(_, similarity)| similarity);
        prop_assert_eq!(report.pair(key(0, 0), key(1, 0)).map(|m| m.similarity), expected);
    }

    /// In every cluster, the earliest member (input order) is the one marked first, and
    /// no other member is.
    #[test]
    fn first_occurrence_is_never_marked_non_first(
        pool in prop::collection::vec(paragraph(3..25), 3..6),
        layout in prop::collection::vec((0usize..3, prop::collection::vec(0usize..6, 1..6)), 2..7),
    ) {
        let documents: Vec<(String, Vec<String>)> = layout
            .iter()
            .map(|(site, picks)| {
                let paragraphs = picks.iter().map(|&pick| pool[pick % pool.len()].clone()).collect();
                (format!("site-{site}"), paragraphs)
            })
            .collect();
        let report = run(&documents);
        for cluster in &report.clusters {
            let earliest = cluster.members.iter().map(|m| m.key).min().expect("clusters are not empty");
            prop_assert_eq!(cluster.members[0].key, earliest);
            for member in &cluster.members {
                let annotation = report.annotation(member.key).expect("members are annotated");
                if annotation.cluster == cluster.id {
                    prop_assert_eq!(annotation.first, member.key == earliest);
                }
            }
        }
        // A first occurrence of anything repeated is annotated first.
        for (doc, (_, paragraphs)) in documents.iter().enumerate() {
            for (para, _) in paragraphs.iter().enumerate() {
                let this = key(doc as u32, para as u32);
                if let Some(annotation) = report.annotation(this) {
                    let cluster = &report.clusters[annotation.cluster as usize];
                    prop_assert_eq!(cluster.id, annotation.cluster);
                    prop_assert!(annotation.first || cluster.members.iter().any(|m| m.key < this));
                }
            }
        }
    }

    /// Short paragraphs (under `short_words`) carry no anchors and match only when
    /// identical after normalisation: one changed word and they are not a pair.
    #[test]
    fn short_paragraphs_match_only_when_identical(
        words in prop::collection::vec(word(), 3..7),
        position in 0usize..7,
    ) {
        let config = DedupConfig::default();
        let original = words.join(" ");
        let mut edited_words = words.clone();
        let at = position % edited_words.len();
        edited_words[at] = "zebra";
        let edited = edited_words.join(" ");
        prop_assume!(normalize(&original).len() < config.short_words);
        prop_assume!(normalize(&original).len() >= config.min_words);
        prop_assume!(normalize(&original).text() != normalize(&edited).text());
        prop_assert!(sketch(&original, &config).anchors().is_empty());

        let report = run(&[
            ("site-a".to_owned(), vec![original.clone()]),
            ("site-b".to_owned(), vec![edited]),
            ("site-c".to_owned(), vec![original.to_uppercase()]),
        ]);
        prop_assert_eq!(report.pair(key(0, 0), key(1, 0)), None);
        let identical = normalize(&original).text() == normalize(&original.to_uppercase()).text();
        prop_assert_eq!(report.pair(key(0, 0), key(2, 0)).is_some(), identical);
    }

    /// Normalising normalised text changes nothing.
    #[test]
    fn normalisation_is_idempotent(text in prop_oneof![paragraph(0..30), "\\PC{0,200}"]) {
        let once = normalize(&text);
        let twice = normalize(once.text());
        prop_assert_eq!(once.text(), twice.text());
    }
}
