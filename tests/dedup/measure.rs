//! The measurements behind the defaults of `DedupConfig` (ignored: run it by hand, in
//! release mode, to redo the tables of `docs/dedup.md`):
//!
//! ```text
//! cargo test --release --test tests measure_thresholds -- --ignored --nocapture
//! ```
//!
//! Everything is measured on the labelled corpus of `corpus.rs` (seed [`SEED`]) and, for
//! the choice of defaults, on a second corpus (seed [`SEED`] + 1) to see that the choice
//! does not hinge on one draw.

use std::collections::HashMap;

use newsclean::dedup::fingerprint::{anchors, hamming, simhash, word_hashes};
use newsclean::dedup::normalize::normalize;
use newsclean::dedup::{DedupConfig, ParagraphKey};

use super::corpus::{generate, load_gold, Corpus, Rng};
use super::syndication::{detect, evaluate, truth, Truth, SEED};

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index]
}

fn text(corpus: &Corpus, key: ParagraphKey) -> &str {
    &corpus.documents[key.doc as usize].paragraphs[key.para as usize].text
}

/// Simhash Hamming distance of true copies by edit type and of unrelated pairs, for word
/// n-gram features n = 1, 2, 3: chooses `simhash_ngram`, `max_hamming` and
/// `expand_max_hamming`.
fn simhash_distances(corpus: &Corpus, config: &DedupConfig) {
    let truth = truth(corpus);
    let mut keys: Vec<ParagraphKey> = Vec::new();
    for (doc, document) in corpus.documents.iter().enumerate() {
        for para in 0..document.paragraphs.len() {
            keys.push(ParagraphKey {
                doc: doc as u32,
                para: para as u32,
            });
        }
    }
    let long = |key: ParagraphKey| normalize(text(corpus, key)).len() >= config.short_words;
    println!("\n### Simhash distance by feature (long paragraphs)\n");
    println!("| features | pairs | identical-normalised excluded | p50 | p90 | p99 | share <= 3 | share <= 24 |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for ngram in 1..=3 {
        let fingerprint = |key: ParagraphKey| simhash(&normalize(text(corpus, key)), ngram);
        let mut copies: Vec<f64> = Vec::new();
        let mut identical = 0;
        for (pair, label) in &truth {
            if let Truth::Copy(_) = label {
                if !long(pair.0) || !long(pair.1) {
                    continue;
                }
                if normalize(text(corpus, pair.0)).text() == normalize(text(corpus, pair.1)).text()
                {
                    identical += 1;
                    continue;
                }
                copies.push(f64::from(hamming(fingerprint(pair.0), fingerprint(pair.1))));
            }
        }
        copies.sort_by(f64::total_cmp);
        let mut rng = Rng::new(99);
        let mut unrelated: Vec<f64> = Vec::new();
        while unrelated.len() < 20_000 {
            let (a, b) = (*rng.pick(&keys), *rng.pick(&keys));
            let same_story =
                corpus.documents[a.doc as usize].story == corpus.documents[b.doc as usize].story;
            if same_story || !long(a) || !long(b) {
                continue;
            }
            unrelated.push(f64::from(hamming(fingerprint(a), fingerprint(b))));
        }
        unrelated.sort_by(f64::total_cmp);
        let share = |values: &[f64], bound: f64| {
            values.iter().filter(|&&v| v <= bound).count() as f64 / values.len() as f64
        };
        for (name, values) in [
            ("edited copies", &copies),
            ("unrelated (random)", &unrelated),
        ] {
            println!(
                "| n = {ngram}, {name} | {} | {} | {} | {} | {} | {:.3} | {:.4} |",
                values.len(),
                if name == "edited copies" {
                    identical.to_string()
                } else {
                    "–".to_owned()
                },
                quantile(values, 0.5),
                quantile(values, 0.9),
                quantile(values, 0.99),
                share(values, 3.0),
                share(values, 24.0)
            );
        }
    }
}

/// Anchors per paragraph and the share of true long copies sharing one, by (n, window).
fn anchor_grid(corpus: &Corpus, config: &DedupConfig) {
    let truth = truth(corpus);
    let mut sketches: HashMap<ParagraphKey, Vec<u32>> = HashMap::new();
    println!("\n### Anchors: n-gram length and winnowing window\n");
    println!("| n | window | guaranteed run (words) | anchors per long paragraph | bytes per paragraph (postings) | true copies sharing an anchor |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for (ngram, window) in [(3, 4), (3, 6), (4, 4), (4, 6), (4, 8), (5, 6), (5, 10)] {
        sketches.clear();
        let mut total = 0usize;
        let mut long_paragraphs = 0usize;
        for (doc, document) in corpus.documents.iter().enumerate() {
            for (para, paragraph) in document.paragraphs.iter().enumerate() {
                let normalized = normalize(&paragraph.text);
                if normalized.len() < config.short_words {
                    continue;
                }
                let found = anchors(&word_hashes(&normalized), ngram, window);
                total += found.len();
                long_paragraphs += 1;
                sketches.insert(
                    ParagraphKey {
                        doc: doc as u32,
                        para: para as u32,
                    },
                    found,
                );
            }
        }
        let (mut sharing, mut copies) = (0usize, 0usize);
        for (pair, label) in &truth {
            if let Truth::Copy(_) = label {
                let (Some(a), Some(b)) = (sketches.get(&pair.0), sketches.get(&pair.1)) else {
                    continue;
                };
                copies += 1;
                sharing += usize::from(a.iter().any(|anchor| b.binary_search(anchor).is_ok()));
            }
        }
        let per_paragraph = total as f64 / long_paragraphs as f64;
        println!(
            "| {ngram} | {window} | {} | {per_paragraph:.1} | {:.0} | {:.4} |",
            window + ngram - 1,
            per_paragraph * 8.0,
            sharing as f64 / copies as f64
        );
    }
}

/// P/R of the whole detector for a grid of one field, on two corpora.
fn sweep(corpora: &[Corpus], name: &str, configs: Vec<(String, DedupConfig)>) {
    println!("\n### {name}\n");
    println!("| value | precision (seed {SEED}) | recall | precision (seed {}) | recall | shared-quote negatives flagged syndicated | paraphrases flagged | doc pairs found / true / predicted |", SEED + 1);
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (value, config) in configs {
        let mut cells = Vec::new();
        let mut quote_fp = 0;
        let mut paraphrase_fp = 0;
        let mut documents = String::new();
        for (index, corpus) in corpora.iter().enumerate() {
            let (report, texts) = detect(corpus, &config);
            let evaluation = evaluate(corpus, &config, &report, &texts);
            cells.push(format!(
                "{:.4} | {:.4}",
                evaluation.precision(),
                evaluation.recall()
            ));
            quote_fp += evaluation
                .negatives
                .get("shared-quote")
                .map_or(0, |row| row.found);
            paraphrase_fp += evaluation
                .negatives
                .get("paraphrase")
                .map_or(0, |row| row.found);
            if index == 0 {
                documents = format!(
                    "{} / {} / {}",
                    evaluation.documents_found,
                    evaluation.documents_true,
                    evaluation.documents_predicted
                );
            }
        }
        println!(
            "| {value} | {} | {quote_fp} | {paraphrase_fp} | {documents} |",
            cells.join(" | ")
        );
    }
}

/// Where the true copies are found: candidates by source, on the default configuration.
fn candidate_sources(corpus: &Corpus, config: &DedupConfig) {
    let without_expansion = DedupConfig {
        expand_documents: false,
        ..config.clone()
    };
    let (report, texts) = detect(corpus, config);
    let with = evaluate(corpus, config, &report, &texts);
    let (report_without, texts_without) = detect(corpus, &without_expansion);
    let without = evaluate(corpus, &without_expansion, &report_without, &texts_without);
    println!("\n### Candidate sources (seed {SEED})\n");
    println!("{}", report.summary());
    println!("stats: {:?}", report.stats);
    println!(
        "\nrecall with document expansion {:.4}, without {:.4}; precision with {:.4}, without {:.4}",
        with.recall(),
        without.recall(),
        with.precision(),
        without.precision()
    );
}

#[test]
#[ignore = "measurement for docs/dedup.md; run in release by hand"]
fn measure_thresholds() {
    let gold = load_gold();
    let corpora = [generate(SEED, &gold), generate(SEED + 1, &gold)];
    let base = DedupConfig::default();
    simhash_distances(&corpora[0], &base);
    anchor_grid(&corpora[0], &base);
    candidate_sources(&corpora[0], &base);

    let grid = |values: &[f64], set: fn(&mut DedupConfig, f64)| -> Vec<(String, DedupConfig)> {
        values
            .iter()
            .map(|&value| {
                let mut config = base.clone();
                set(&mut config, value);
                (value.to_string(), config)
            })
            .collect()
    };
    sweep(
        &corpora,
        "copy_threshold (similarity of a copy)",
        grid(&[0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8], |c, v| {
            c.copy_threshold = v
        }),
    );
    sweep(
        &corpora,
        "min_copied_words",
        grid(&[0.0, 4.0, 6.0, 8.0, 10.0, 12.0], |c, v| {
            c.min_copied_words = v as usize
        }),
    );
    sweep(
        &corpora,
        "short_words (exact-only below)",
        grid(&[3.0, 5.0, 8.0, 10.0, 12.0], |c, v| {
            c.short_words = v as usize
        }),
    );
    sweep(
        &corpora,
        "quote_frame_words",
        grid(&[4.0, 8.0, 12.0, 16.0, 1000.0], |c, v| {
            c.quote_frame_words = v as usize
        }),
    );
    sweep(
        &corpora,
        "quote_share",
        grid(&[0.6, 0.7, 0.8, 0.9, 1.01], |c, v| {
            c.quote_share = v.min(1.0)
        }),
    );
    sweep(
        &corpora,
        "max_hamming (simhash tables)",
        grid(&[0.0, 2.0, 3.0, 4.0, 6.0], |c, v| c.max_hamming = v as u32),
    );
    sweep(
        &corpora,
        "expand_max_hamming (document expansion prefilter)",
        grid(&[12.0, 16.0, 20.0, 24.0, 28.0, 64.0], |c, v| {
            c.expand_max_hamming = v as u32
        }),
    );
    sweep(
        &corpora,
        "anchor_max_df",
        grid(&[2.0, 4.0, 16.0, 64.0], |c, v| c.anchor_max_df = v as usize),
    );
    sweep(
        &corpora,
        "document_threshold",
        grid(&[0.6, 0.7, 0.8, 0.9], |c, v| c.document_threshold = v),
    );
}
