//! Pairwise precision and recall of syndication detection on the labelled corpus
//! (`corpus.rs`), by edit type.
//!
//! Set `DEDUP_UPDATE_DOCS=1` to rewrite the table between the `corpus-table` markers of
//! `docs/dedup.md` with the figures of this run.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use rayon::prelude::*;

use newsclean::dedup::normalize::normalize;
use newsclean::dedup::{
    sketch, ClusterKind, DedupConfig, DedupReport, Detector, DocumentInfo, ParagraphKey,
};

use super::corpus::{generate, load_gold, Corpus, Edit, Origin};

/// Seed of the corpus the test asserts on.
pub const SEED: u64 = 2019;

/// Runs the detector over the corpus.
pub fn detect(corpus: &Corpus, config: &DedupConfig) -> (DedupReport, Vec<Vec<String>>) {
    let texts: Vec<Vec<String>> = corpus
        .documents
        .iter()
        .map(|doc| doc.paragraphs.iter().map(|p| p.text.clone()).collect())
        .collect();
    let mut detector = Detector::new(config.clone());
    for (document, paragraphs) in corpus.documents.iter().zip(&texts) {
        let sketches = paragraphs.par_iter().map(|p| sketch(p, config)).collect();
        detector.add_document(
            DocumentInfo {
                id: document.id.clone(),
                site: document.site.clone(),
                credits: document.credits.clone(),
            },
            sketches,
        );
    }
    (detector.finish(&texts), texts)
}

/// Truth of one cross-site pair of the corpus that shares a wire source.
#[derive(Clone, Debug, PartialEq)]
pub enum Truth {
    /// A true copy pair, labelled with its edit type row.
    Copy(String),
    /// Negative with a source in common (paraphrase or shared quote of the same wire
    /// paragraph), labelled.
    Negative(String),
    /// Excluded from P/R, labelled: copies sharing some but less than half of the shorter
    /// one, and short paragraphs (< `short_words`) inside a longer one, which the detector
    /// leaves alone by design (exact match only under 8 words).
    Excluded(String),
}

/// Row names of the excluded pairs.
pub const PARTIAL: &str = "partial copies (< half shared)";
pub const SHORT_INSIDE: &str = "short paragraph inside a longer one";
/// Two outlets' paraphrases of one wire paragraph: the paraphraser is one program, so its
/// two outputs resemble each other more than two desks' rewrites would.
pub const PARAPHRASES: &str = "two paraphrases of one wire paragraph";

/// The truth's short-paragraph boundary: the default `short_words`, fixed so that sweeps
/// of `short_words` are measured against one truth.
const SHORT_WORDS: usize = 8;

fn ordered(a: ParagraphKey, b: ParagraphKey) -> (ParagraphKey, ParagraphKey) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

fn key(doc: usize, para: usize) -> ParagraphKey {
    ParagraphKey {
        doc: doc as u32,
        para: para as u32,
    }
}

/// All cross-site pairs that share a wire source, with their truth.
pub fn truth(corpus: &Corpus) -> HashMap<(ParagraphKey, ParagraphKey), Truth> {
    let normalized_words: Vec<Vec<usize>> = corpus
        .documents
        .iter()
        .map(|d| {
            d.paragraphs
                .iter()
                .map(|p| normalize(&p.text).len())
                .collect()
        })
        .collect();
    let words = |k: ParagraphKey| normalized_words[k.doc as usize][k.para as usize];
    let mut by_source: HashMap<u32, Vec<ParagraphKey>> = HashMap::new();
    for (doc, document) in corpus.documents.iter().enumerate() {
        for (para, paragraph) in document.paragraphs.iter().enumerate() {
            for &source in &paragraph.sources {
                by_source.entry(source).or_default().push(key(doc, para));
            }
        }
    }
    let paragraph = |k: ParagraphKey| &corpus.documents[k.doc as usize].paragraphs[k.para as usize];
    let site = |k: ParagraphKey| corpus.documents[k.doc as usize].site.as_str();
    let mut truth = HashMap::new();
    for keys in by_source.values() {
        for (i, &a) in keys.iter().enumerate() {
            for &b in &keys[i + 1..] {
                if site(a) == site(b) {
                    continue;
                }
                let pair = ordered(a, b);
                if truth.contains_key(&pair) {
                    continue;
                }
                let (pa, pb) = (paragraph(pair.0), paragraph(pair.1));
                let label = match (pa.origin, pb.origin) {
                    (Origin::Paraphrase, Origin::Paraphrase) => {
                        Truth::Excluded(PARAPHRASES.to_owned())
                    }
                    (Origin::Paraphrase, _) | (_, Origin::Paraphrase) => {
                        Truth::Negative("paraphrase".to_owned())
                    }
                    (Origin::SharedQuote, _) | (_, Origin::SharedQuote) => {
                        Truth::Negative("shared-quote".to_owned())
                    }
                    (origin_a, origin_b) => {
                        let shared = intersection(&pa.kept, &pb.kept);
                        let shorter = pa.words.min(pb.words);
                        let (short_a, short_b) =
                            (words(pair.0) < SHORT_WORDS, words(pair.1) < SHORT_WORDS);
                        if shared == 0 {
                            continue;
                        } else if (shared as f64) < 0.5 * shorter as f64 {
                            Truth::Excluded(PARTIAL.to_owned())
                        } else if short_a != short_b {
                            Truth::Excluded(SHORT_INSIDE.to_owned())
                        } else if short_a {
                            Truth::Copy("short (<8 words)".to_owned())
                        } else {
                            Truth::Copy(match (origin_a, origin_b) {
                                (Origin::Wire, Origin::Copy(edit))
                                | (Origin::Copy(edit), Origin::Wire) => edit.name().to_owned(),
                                _ => "copy-copy (two outlets)".to_owned(),
                            })
                        }
                    }
                };
                truth.insert(pair, label);
            }
        }
    }
    truth
}

fn intersection(a: &[(u32, u32)], b: &[(u32, u32)]) -> usize {
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                count += 1;
                i += 1;
                j += 1;
            }
        }
    }
    count
}

/// Pairs the report calls `kind`, from within its clusters.
pub fn predicted(report: &DedupReport, kind: ClusterKind) -> HashSet<(ParagraphKey, ParagraphKey)> {
    let mut pairs = HashSet::new();
    for cluster in &report.clusters {
        for (i, a) in cluster.members.iter().enumerate() {
            for b in &cluster.members[i + 1..] {
                if report.pair(a.key, b.key).is_some_and(|m| m.kind == kind) {
                    pairs.insert(ordered(a.key, b.key));
                }
            }
        }
    }
    pairs
}

/// Per-row counts of the evaluation.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub pairs: usize,
    pub found: usize,
    pub shared_quote: usize,
}

/// Result of one evaluation.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    pub copies: BTreeMap<String, Row>,
    pub negatives: BTreeMap<String, Row>,
    pub excluded: BTreeMap<String, Row>,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub false_positive_examples: Vec<(String, String)>,
    pub false_negative_examples: Vec<(String, String, String)>,
    pub documents_true: usize,
    pub documents_found: usize,
    pub documents_predicted: usize,
    pub template_paragraphs: usize,
    pub template_flagged: usize,
}

impl Evaluation {
    pub fn precision(&self) -> f64 {
        let predicted = self.true_positives + self.false_positives;
        if predicted == 0 {
            1.0
        } else {
            self.true_positives as f64 / predicted as f64
        }
    }

    pub fn recall(&self) -> f64 {
        let truth = self.true_positives + self.false_negatives;
        if truth == 0 {
            1.0
        } else {
            self.true_positives as f64 / truth as f64
        }
    }

    /// The Markdown table for docs/dedup.md.
    pub fn table(&self) -> String {
        let mut out = String::new();
        out.push_str("| copies: edit type | true pairs | flagged syndicated | recall |\n");
        out.push_str("|---|---:|---:|---:|\n");
        let order: Vec<String> = Edit::ALL
            .iter()
            .map(|edit| edit.name().to_owned())
            .chain([
                "copy-copy (two outlets)".to_owned(),
                "short (<8 words)".to_owned(),
            ])
            .collect();
        for name in &order {
            if let Some(row) = self.copies.get(name) {
                out.push_str(&format!(
                    "| {name} | {} | {} | {:.3} |\n",
                    row.pairs,
                    row.found,
                    row.found as f64 / row.pairs.max(1) as f64
                ));
            }
        }
        out.push_str(&format!(
            "| **all copies** | {} | {} | **{:.3}** |\n\n",
            self.true_positives + self.false_negatives,
            self.true_positives,
            self.recall()
        ));
        out.push_str(
            "| negatives | pairs at risk | flagged syndicated | reported shared-quote |\n",
        );
        out.push_str("|---|---:|---:|---:|\n");
        for (name, row) in &self.negatives {
            let pairs = if row.pairs == 0 {
                "–".to_owned()
            } else {
                row.pairs.to_string()
            };
            out.push_str(&format!(
                "| {name} | {pairs} | {} | {} |\n",
                row.found, row.shared_quote
            ));
        }
        out.push_str(
            "\n| excluded from P/R | pairs | flagged syndicated | reported shared-quote |\n",
        );
        out.push_str("|---|---:|---:|---:|\n");
        for (name, row) in &self.excluded {
            out.push_str(&format!(
                "| {name} | {} | {} | {} |\n",
                row.pairs, row.found, row.shared_quote
            ));
        }
        out.push('\n');
        out.push_str(&format!(
            "Pairwise precision **{:.4}** ({} of {} flagged pairs true), recall **{:.4}** ({} of {} true pairs).\n",
            self.precision(),
            self.true_positives,
            self.true_positives + self.false_positives,
            self.recall(),
            self.true_positives,
            self.true_positives + self.false_negatives,
        ));
        out.push_str(&format!(
            "Documents republished whole: {} of {} true document pairs found, {} document pairs predicted. \
             Site-template lines flagged `site-template`: {} of {}.\n",
            self.documents_found,
            self.documents_true,
            self.documents_predicted,
            self.template_flagged,
            self.template_paragraphs
        ));
        out
    }
}

/// Evaluates `report` against the corpus truth.
pub fn evaluate(
    corpus: &Corpus,
    config: &DedupConfig,
    report: &DedupReport,
    texts: &[Vec<String>],
) -> Evaluation {
    let truth = truth(corpus);
    let flagged = predicted(report, ClusterKind::Syndicated);
    let quoted = predicted(report, ClusterKind::SharedQuote);
    let mut evaluation = Evaluation::default();
    let text_of = |k: ParagraphKey| texts[k.doc as usize][k.para as usize].clone();
    for (pair, label) in &truth {
        let found = flagged.contains(pair);
        let as_quote = quoted.contains(pair);
        let row = match label {
            Truth::Copy(name) => {
                if found {
                    evaluation.true_positives += 1;
                } else {
                    evaluation.false_negatives += 1;
                    if evaluation.false_negative_examples.len() < 40 {
                        evaluation.false_negative_examples.push((
                            name.clone(),
                            text_of(pair.0),
                            text_of(pair.1),
                        ));
                    }
                }
                evaluation.copies.entry(name.clone()).or_default()
            }
            Truth::Negative(name) => evaluation.negatives.entry(name.clone()).or_default(),
            Truth::Excluded(name) => evaluation.excluded.entry(name.clone()).or_default(),
        };
        row.pairs += 1;
        row.found += usize::from(found);
        row.shared_quote += usize::from(as_quote);
    }
    // Flagged pairs outside the truth's positives are false positives, typed by origin.
    for pair in &flagged {
        match truth.get(pair) {
            Some(Truth::Copy(_)) | Some(Truth::Excluded(_)) => {}
            Some(Truth::Negative(name)) => {
                evaluation.false_positives += 1;
                evaluation.false_positive_examples.push((
                    name.clone(),
                    format!("{}\n    {}", text_of(pair.0), text_of(pair.1)),
                ));
            }
            None => {
                let origin = |k: ParagraphKey| {
                    corpus.documents[k.doc as usize].paragraphs[k.para as usize].origin
                };
                let name = match (origin(pair.0), origin(pair.1)) {
                    (Origin::Local, _) | (_, Origin::Local) => "local paragraphs",
                    (Origin::Template, _) | (_, Origin::Template) => "templates across sites",
                    _ => "unrelated",
                };
                evaluation.false_positives += 1;
                evaluation
                    .negatives
                    .entry(name.to_owned())
                    .or_default()
                    .found += 1;
                evaluation.false_positive_examples.push((
                    name.to_owned(),
                    format!("{}\n    {}", text_of(pair.0), text_of(pair.1)),
                ));
            }
        }
    }
    for name in ["local paragraphs", "unrelated"] {
        evaluation.negatives.entry(name.to_owned()).or_default();
    }

    // Document level: a document pair is true when the paragraphs of one that have a true
    // copy in the other make at least `document_threshold` of its words (3 paragraphs or
    // more), the detector's definition applied to the truth's pairs.
    let mut copied_words: HashMap<(u32, u32), HashMap<u32, usize>> = HashMap::new();
    for (pair, label) in &truth {
        if let Truth::Copy(_) = label {
            for (own, other) in [(pair.0, pair.1), (pair.1, pair.0)] {
                let words = corpus.documents[own.doc as usize].paragraphs[own.para as usize].words;
                copied_words
                    .entry((own.doc, other.doc))
                    .or_default()
                    .insert(own.para, words);
            }
        }
    }
    let total_words = |doc: u32| -> usize {
        corpus.documents[doc as usize]
            .paragraphs
            .iter()
            .map(|p| p.words)
            .filter(|&w| w >= config.min_words)
            .sum()
    };
    let whole = |own: u32, other: u32| -> bool {
        let document = &corpus.documents[own as usize];
        let copied: usize = copied_words
            .get(&(own, other))
            .map_or(0, |paragraphs| paragraphs.values().sum());
        document.paragraphs.len() >= config.document_min_paragraphs
            && copied as f64 >= config.document_threshold * total_words(own) as f64
    };
    let true_documents: HashSet<(u32, u32)> = copied_words
        .keys()
        .filter(|(a, b)| a < b)
        .filter(|&&(a, b)| whole(a, b) || whole(b, a))
        .copied()
        .collect();
    let mut predicted_documents: HashSet<(u32, u32)> = HashSet::new();
    for cluster in &report.document_clusters {
        for pair in &cluster.pairs {
            let (a, b) = (
                cluster.documents[pair.a].index,
                cluster.documents[pair.b].index,
            );
            predicted_documents.insert((a.min(b), a.max(b)));
        }
    }
    evaluation.documents_true = true_documents.len();
    evaluation.documents_predicted = predicted_documents.len();
    evaluation.documents_found = true_documents.intersection(&predicted_documents).count();

    for (doc, document) in corpus.documents.iter().enumerate() {
        let outlet_documents = corpus
            .documents
            .iter()
            .filter(|d| d.site == document.site)
            .count();
        for (para, paragraph) in document.paragraphs.iter().enumerate() {
            if paragraph.origin == Origin::Template && outlet_documents >= 2 {
                evaluation.template_paragraphs += 1;
                if report
                    .annotation(key(doc, para))
                    .is_some_and(|annotation| annotation.kind == ClusterKind::SiteTemplate)
                {
                    evaluation.template_flagged += 1;
                }
            }
        }
    }
    evaluation
}

/// Replaces the table between the markers of docs/dedup.md.
fn update_docs(table: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/dedup.md");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let (start, end) = ("<!-- corpus-table:start -->\n", "<!-- corpus-table:end -->");
    let from = text.find(start).expect("start marker in docs/dedup.md") + start.len();
    let to = text.find(end).expect("end marker in docs/dedup.md");
    let updated = format!("{}{}{}", &text[..from], table, &text[to..]);
    std::fs::write(&path, updated).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

#[test]
fn syndication_corpus_precision_and_recall() {
    let gold = load_gold();
    let corpus = generate(SEED, &gold);
    let paragraphs: usize = corpus.documents.iter().map(|d| d.paragraphs.len()).sum();
    eprintln!(
        "corpus: {} pages read, {} not English, {} overlapping an earlier page, {} recurring short lines and \
         {} repeated paragraphs dropped; {} documents, {} paragraphs, {} paraphrases dropped (under 50% changed)",
        corpus.pages_read,
        corpus.pages_not_english,
        corpus.pages_overlapping,
        corpus.recurring_short_lines,
        corpus.repeated_within_page,
        corpus.documents.len(),
        paragraphs,
        corpus.paraphrases_dropped
    );
    let config = DedupConfig::default();
    let (report, texts) = detect(&corpus, &config);
    eprintln!(
        "corpus: {} documents republish their wire story whole",
        corpus.documents.iter().filter(|d| d.republished).count()
    );
    eprintln!("{}", report.summary());
    let evaluation = evaluate(&corpus, &config, &report, &texts);
    let table = evaluation.table();
    eprintln!("{table}");
    for (name, a, b) in evaluation.false_negative_examples.iter().take(12) {
        eprintln!("missed [{name}]:\n    {a}\n    {b}");
    }
    for (name, pair) in evaluation
        .false_positive_examples
        .iter()
        .filter(|(n, _)| !n.starts_with("templates"))
        .take(30)
    {
        eprintln!("false positive [{name}]:\n    {pair}");
    }
    if std::env::var_os("DEDUP_UPDATE_DOCS").is_some() {
        update_docs(&table);
    }
    assert!(
        corpus.documents.len() > 100,
        "corpus too small: {}",
        corpus.documents.len()
    );
    assert!(evaluation.true_positives + evaluation.false_negatives > 1000);
    assert!(
        evaluation.precision() >= 0.98,
        "precision {:.4}",
        evaluation.precision()
    );
    assert!(
        evaluation.recall() >= 0.95,
        "recall {:.4}",
        evaluation.recall()
    );
    assert_eq!(evaluation.template_flagged, evaluation.template_paragraphs);
    assert!(evaluation.documents_found as f64 >= 0.9 * evaluation.documents_true as f64);
    assert!(
        evaluation.documents_predicted
            <= evaluation.documents_found + evaluation.documents_found / 10 + 1
    );
}
