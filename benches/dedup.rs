//! Benchmarks of the near-duplicate detector.
//!
//! ```text
//! cargo bench --bench dedup                       # normalise, sketch, index at 100k and 1M
//! DEDUP_BENCH_10M=1 cargo bench --bench dedup     # plus one timed pass at 10M (~1 GB)
//! ```
//!
//! Criterion runs are kept short (10 samples, a few seconds); the 10M pass is a single
//! iteration outside criterion, printed with its memory figures.

mod common;

use std::time::{Duration, Instant};

use criterion::{criterion_group, BatchSize, BenchmarkId, Criterion, Throughput};
use rayon::prelude::*;

use newsclean::dedup::candidates::{anchors::NAME as ANCHORS, simhash::NAME as SIMHASH};
use newsclean::dedup::cluster::connected_components;
use newsclean::dedup::fingerprint::{anchors, simhash, simhash_with_crate, word_hashes};
use newsclean::dedup::index::{near_identical_pairs, near_identical_pairs_naive};
use newsclean::dedup::normalize::{normalize, normalize_into, Normalized};
use newsclean::dedup::{sketch, DedupConfig, Detector, DocumentInfo};

use common::{peak_rss_bytes, sample_paragraphs, synthetic_detector, synthetic_texts, Rng};

fn short<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    group
}

/// Normalisation, fingerprints and sketching of the sample paragraphs (all lines of the
/// five samples, repeated 20 times: ~330 KB), in bytes per second.
fn text(c: &mut Criterion) {
    let samples = sample_paragraphs();
    let paragraphs: Vec<String> = (0..20).flat_map(|_| samples.iter().cloned()).collect();
    let bytes: usize = paragraphs.iter().map(String::len).sum();
    let config = DedupConfig::default();
    let normalized: Vec<Normalized> = paragraphs.iter().map(|p| normalize(p)).collect();

    let mut group = short(c, "text");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("normalize", |b| {
        let mut buffer = Normalized::default();
        b.iter(|| {
            for paragraph in &paragraphs {
                normalize_into(paragraph, &mut buffer);
                std::hint::black_box(buffer.len());
            }
        })
    });
    group.bench_function("sketch", |b| {
        b.iter(|| {
            for paragraph in &paragraphs {
                std::hint::black_box(sketch(paragraph, &config));
            }
        })
    });
    group.bench_function("sketch_rayon", |b| {
        b.iter(|| {
            let sketches: Vec<_> = paragraphs.par_iter().map(|p| sketch(p, &config)).collect();
            std::hint::black_box(sketches)
        })
    });
    group.finish();

    // Fingerprints of already normalised paragraphs (bytes: of the original text).
    let mut group = short(c, "fingerprint");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("simhash_crate", |b| {
        b.iter(|| {
            normalized
                .iter()
                .map(|n| simhash_with_crate(n, 1))
                .fold(0, |a, h| a ^ h)
        })
    });
    group.bench_function("simhash_fast", |b| {
        b.iter(|| {
            normalized
                .iter()
                .map(|n| simhash(n, 1))
                .fold(0, |a, h| a ^ h)
        })
    });
    group.bench_function("anchors", |b| {
        b.iter(|| {
            normalized
                .iter()
                .map(|n| anchors(&word_hashes(n), 4, 6).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

/// Candidate search + clustering on synthetic sketches.
fn index(c: &mut Criterion) {
    let mut group = short(c, "candidates_and_clusters");
    for paragraphs in [100_000usize, 1_000_000] {
        let detector = synthetic_detector(paragraphs, 7);
        eprintln!(
            "synthetic {paragraphs}: {} postings, {:.1} index bytes per paragraph",
            detector.posting_count(),
            detector.index_heap_bytes() as f64 / paragraphs as f64
        );
        group.throughput(Throughput::Elements(paragraphs as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(paragraphs),
            &detector,
            |b, detector| {
                b.iter_batched(
                    || detector.clone(),
                    |mut detector| {
                        let candidates = detector.candidates();
                        let merged = candidates.merged();
                        connected_components(&merged).len()
                    },
                    BatchSize::LargeInput,
                )
            },
        );
    }
    group.finish();
}

/// Permuted tables against the naive linear scan over all fingerprints (quadratic).
fn baseline(c: &mut Criterion) {
    let mut group = short(c, "near_identical_vs_naive");
    for count in [10_000usize, 30_000] {
        let mut rng = Rng::new(11);
        let fingerprints: Vec<(u64, u32)> =
            (0..count as u32).map(|id| (rng.next_u64(), id)).collect();
        group.throughput(Throughput::Elements(count as u64));
        group.bench_with_input(
            BenchmarkId::new("permuted_tables", count),
            &fingerprints,
            |b, f| b.iter(|| near_identical_pairs(f, 3, 64).len()),
        );
        group.bench_with_input(
            BenchmarkId::new("naive_scan", count),
            &fingerprints,
            |b, f| b.iter(|| near_identical_pairs_naive(f, 3).len()),
        );
    }
    group.finish();
}

/// `finish` end to end (candidates, text fetch, verification, clusters) on 100k synthetic
/// paragraph texts held in memory.
fn end_to_end(c: &mut Criterion) {
    let config = DedupConfig::default();
    let texts = synthetic_texts(100_000, 3);
    let mut detector = Detector::new(config.clone());
    for (index, paragraphs) in texts.iter().enumerate() {
        let sketches = paragraphs.par_iter().map(|p| sketch(p, &config)).collect();
        let info = DocumentInfo {
            id: format!("doc-{index}"),
            site: format!("site-{}", index % 50),
            credits: Vec::new(),
        };
        detector.add_document(info, sketches);
    }
    let mut group = short(c, "finish_end_to_end");
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("100000", |b| {
        b.iter_batched(
            || detector.clone(),
            |detector| detector.finish(&texts).clusters.len(),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// One timed pass at 10M synthetic paragraphs, when `DEDUP_BENCH_10M` is set.
fn ten_million() {
    if std::env::var_os("DEDUP_BENCH_10M").is_none() {
        eprintln!("10M pass skipped (set DEDUP_BENCH_10M=1 to run it)");
        return;
    }
    let paragraphs = 10_000_000;
    let start = Instant::now();
    let mut detector = synthetic_detector(paragraphs, 7);
    let built = start.elapsed();
    let index_bytes = detector.index_heap_bytes();
    let rss_after_build = peak_rss_bytes();
    let start = Instant::now();
    let candidates = detector.candidates();
    let searched = start.elapsed();
    let rss_after_search = peak_rss_bytes();
    // As `finish` does, free the index before clustering.
    let posting_count = detector.posting_count();
    drop(detector);
    let start = Instant::now();
    let merged = candidates.merged();
    let clusters = connected_components(&merged).len();
    let clustered = start.elapsed();
    let mib = |bytes: u64| bytes as f64 / (1 << 20) as f64;
    eprintln!(
        "10M: build {built:.2?} (not the sketching: sketches are synthetic), candidate search {searched:.2?}, \
         merge + clustering {clustered:.2?}; {} exact + {} near + {} anchor candidates, {} boilerplate anchors \
         skipped, {clusters} clusters",
        candidates.exact.len(),
        candidates.pair_count(SIMHASH),
        candidates.pair_count(ANCHORS),
        candidates.found(ANCHORS).map_or(0, |found| found.skipped),
    );
    eprintln!(
        "10M: index {:.0} MiB = {:.1} bytes per paragraph ({posting_count} postings); peak RSS after build \
         {:.0} MiB, after search {:.0} MiB, after clustering {:.0} MiB",
        mib(index_bytes as u64),
        index_bytes as f64 / paragraphs as f64,
        rss_after_build.map_or(f64::NAN, mib),
        rss_after_search.map_or(f64::NAN, mib),
        peak_rss_bytes().map_or(f64::NAN, mib),
    );
    eprintln!(
        "10M: {:.0} ns per paragraph for candidate search + clustering",
        (searched + clustered).as_nanos() as f64 / paragraphs as f64
    );
}

criterion_group!(benches, text, baseline, index, end_to_end);

fn main() {
    benches();
    ten_million();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
