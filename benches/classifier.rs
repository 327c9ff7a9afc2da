//! The cost of the paragraph classifier: cleaning the same documents with generic rules only
//! (the baseline) and with generic rules and the classifier. Issue 5 allows the classifier at
//! most half again the rule-only time.
//!
//! Documents: the five samples with site rules off (so the classifier runs on them), and, if
//! `NEWSCLEAN_BENCH_PAGES` names a JSONL file of scraped pages (`text` field), those pages too.
//!
//! Also the record output: `Record::to_json` (newsclean's writer) against `serde_json::to_vec`
//! of the same records, which writes the same bytes (the baseline); and cleaning in parallel
//! with one `Cleaner` shared by every rayon thread (the baseline) against one clone per thread,
//! as `pipeline::clean_pass` does: a regex's cache pool is fast only for the thread that used it first.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newsclean::output::Record;
use newsclean::{Cleaner, Document, Rules};
use std::path::Path;

fn documents() -> Vec<Document> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(root.join("samples"))
        .expect("samples/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).expect("sample is UTF-8");
        docs.push(Document::from_text(path.display().to_string(), text));
    }
    if let Some(pages) = std::env::var_os("NEWSCLEAN_BENCH_PAGES") {
        let body = std::fs::read_to_string(&pages).expect("NEWSCLEAN_BENCH_PAGES is readable");
        for (i, line) in body.lines().enumerate() {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON record");
            let text = value["text"].as_str().unwrap_or_default().to_string();
            docs.push(Document::from_text(format!("page-{i}"), text));
        }
    }
    docs
}

fn classifier(c: &mut Criterion) {
    let rules = Rules::builtin().expect("built-in rules are valid");
    let docs = documents();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let rules_only = Cleaner::new(rules.clone())
        .site_rules(false)
        .classifier(false);
    let with_classifier = Cleaner::new(rules).site_rules(false);
    let mut group = c.benchmark_group("clean");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(20);
    group.bench_function("rules only", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| rules_only.clean(d).paragraphs.len())
                .sum::<usize>()
        })
    });
    group.bench_function("rules and classifier", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| with_classifier.clean(d).paragraphs.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn output(c: &mut Criterion) {
    let cleaner = Cleaner::new(Rules::builtin().expect("built-in rules are valid"));
    let records: Vec<Record> = documents()
        .iter()
        .map(|d| Record::new(cleaner.clean(d), d.id.clone(), false))
        .collect();
    let bytes: u64 = records
        .iter()
        .map(|r| serde_json::to_vec(r).expect("serialises").len() as u64)
        .sum();
    let mut group = c.benchmark_group("record output");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("serde_json::to_vec", |b| {
        b.iter(|| {
            records
                .iter()
                .map(|r| serde_json::to_vec(r).expect("serialises").len())
                .sum::<usize>()
        })
    });
    group.bench_function("Record::to_json", |b| {
        b.iter(|| {
            records
                .iter()
                .map(|r| r.to_json().expect("serialises").len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn threads(c: &mut Criterion) {
    use rayon::prelude::*;
    let shared = Cleaner::new(Rules::builtin().expect("built-in rules are valid"));
    let clones: Vec<Cleaner> = (0..rayon::current_num_threads())
        .map(|_| shared.clone())
        .collect();
    // Enough documents for every thread to take many.
    let docs: Vec<Document> = (0..40).flat_map(|_| documents()).collect();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let mut group = c.benchmark_group("parallel clean");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(20);
    group.bench_function("one shared cleaner", |b| {
        b.iter(|| {
            docs.par_iter()
                .map(|d| shared.clean(d).paragraphs.len())
                .sum::<usize>()
        })
    });
    group.bench_function("a clone per thread", |b| {
        b.iter(|| {
            docs.par_iter()
                .map(|d| {
                    let cleaner = &clones[rayon::current_thread_index().unwrap_or(0)];
                    cleaner.clean(d).paragraphs.len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, classifier, output, threads);
criterion_main!(benches);
