//! Shared setup of the dedup benchmarks: sample paragraphs, synthetic sketches and
//! synthetic texts, all deterministic (SplitMix64), so that runs compare.

use std::path::PathBuf;

use newsclean::dedup::fingerprint::mix64;
use newsclean::dedup::{DedupConfig, Detector, DocumentInfo, ParagraphSketch};

/// SplitMix64.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Every non-empty line of `samples/*.txt`, trimmed: real news paragraphs (and some
/// boilerplate) for the normalisation and sketching benchmarks.
pub fn sample_paragraphs() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("reading {}: {error}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
            text.lines()
                .map(|line| line.replace('\u{a0}', " ").trim().to_owned())
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Paragraphs per synthetic document.
pub const PARAGRAPHS_PER_DOCUMENT: usize = 20;

/// A detector holding `paragraphs` synthetic sketches shaped like news paragraphs, as
/// measured on the dev gold texts: 26% short (3–7 words, no anchors), the rest 8 to ~70
/// words (mean ~40) with one 4-gram anchor per ~3.5 words (the winnowing density at window
/// 6). Planted: 5% exact copies of an earlier paragraph, 5% near copies (1–3 simhash bits
/// flipped, 90% of anchors kept), 10% edited copies (half the anchors kept, simhash ~10
/// bits away), one site-template line closing every document of a site (500 sites). 30% of
/// anchors are phrases drawn from a skewed (power-law) vocabulary of 2 million: a head of
/// boilerplate that the document-frequency cut skips, and a tail shared by chance that the
/// simhash prefilter sorts out.
pub fn synthetic_detector(paragraphs: usize, seed: u64) -> Detector {
    let config = DedupConfig::default();
    let mut detector = Detector::with_capacity(config, paragraphs);
    let mut rng = Rng::new(seed);
    // Earlier long sketches to copy from (a bounded reservoir keeps memory flat).
    let mut reservoir: Vec<ParagraphSketch> = Vec::with_capacity(4096);
    let documents = paragraphs.div_ceil(PARAGRAPHS_PER_DOCUMENT);
    let mut made = 0;
    for doc in 0..documents {
        let site = doc % 500;
        let count = PARAGRAPHS_PER_DOCUMENT.min(paragraphs - made);
        let mut sketches = Vec::with_capacity(count);
        for para in 0..count {
            let sketch = if para == count - 1 && count > 1 {
                // The site's template line closes each document.
                let template = mix64(site as u64 + 1);
                ParagraphSketch::from_parts(template, template, 12, vec![template as u32])
            } else if rng.chance(26) {
                let words = 3 + rng.below(5) as u32;
                ParagraphSketch::from_parts(0, rng.next_u64(), words, Vec::new())
            } else {
                let roll = rng.below(100);
                if roll < 20 && !reservoir.is_empty() {
                    let source = &reservoir[rng.below(reservoir.len() as u64) as usize];
                    derived(&mut rng, source, roll)
                } else {
                    fresh(&mut rng)
                }
            };
            if sketch.word_count() >= 8 {
                if reservoir.len() < reservoir.capacity() {
                    reservoir.push(sketch.clone());
                } else {
                    let slot = rng.below(reservoir.len() as u64) as usize;
                    reservoir[slot] = sketch.clone();
                }
            }
            sketches.push(sketch);
        }
        made += count;
        detector.add_document(
            DocumentInfo {
                id: format!("doc-{doc}"),
                site: format!("site-{site}"),
                credits: Vec::new(),
            },
            sketches,
        );
    }
    detector
}

fn fresh(rng: &mut Rng) -> ParagraphSketch {
    let words = 8 + (rng.below(33) + rng.below(33)) as u32;
    let anchors = ((words as usize - 3) * 2 / 7).max(1);
    let anchors = (0..anchors)
        .map(|_| {
            if rng.chance(30) {
                // Power law over 2 million phrases: rank = 2M * u^4.
                let u = rng.below(1 << 20) as f64 / (1 << 20) as f64;
                mix64((2_000_000.0 * u.powi(4)) as u64 + 7) as u32
            } else {
                rng.next_u64() as u32
            }
        })
        .collect();
    ParagraphSketch::from_parts(rng.next_u64(), rng.next_u64(), words, anchors)
}

/// A copy of `source`: exact (roll < 5), near (5..10) or edited (10..20).
fn derived(rng: &mut Rng, source: &ParagraphSketch, roll: u64) -> ParagraphSketch {
    if roll < 5 {
        return source.clone();
    }
    let (flips, kept_percent) = if roll < 10 {
        (1 + rng.below(3), 90)
    } else {
        (10, 50)
    };
    let mut simhash = source.simhash();
    for _ in 0..flips {
        simhash ^= 1 << rng.below(64);
    }
    let anchors = source
        .anchors()
        .iter()
        .map(|&anchor| {
            if rng.chance(kept_percent) {
                anchor
            } else {
                rng.next_u64() as u32
            }
        })
        .collect();
    ParagraphSketch::from_parts(simhash, rng.next_u64(), source.word_count(), anchors)
}

/// Synthetic paragraph texts from a Zipf-like vocabulary of 5,000 words, with planted
/// copies (10% verbatim, 10% with every 8th word changed) of earlier paragraphs: for the
/// end-to-end benchmark, where verification needs real text.
pub fn synthetic_texts(paragraphs: usize, seed: u64) -> Vec<Vec<String>> {
    let mut rng = Rng::new(seed);
    let vocabulary: Vec<String> = (0..5000)
        .map(|i| format!("w{:x}", mix64(i) & 0xfffff))
        .collect();
    let word = |rng: &mut Rng| -> String {
        // Zipf-like: a few very common words.
        let rank = (rng.below(5000) * rng.below(5000)) / 5000;
        vocabulary[rank as usize].clone()
    };
    let mut all: Vec<String> = Vec::with_capacity(paragraphs);
    for _ in 0..paragraphs {
        let roll = rng.below(100);
        let text = if roll < 20 && !all.is_empty() {
            let source = all[rng.below(all.len() as u64) as usize].clone();
            if roll < 10 {
                source
            } else {
                source
                    .split(' ')
                    .enumerate()
                    .map(|(i, w)| {
                        if i % 8 == 7 {
                            word(&mut rng)
                        } else {
                            w.to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        } else {
            let words = 3 + rng.below(60) + rng.below(30);
            (0..words)
                .map(|_| word(&mut rng))
                .collect::<Vec<_>>()
                .join(" ")
        };
        all.push(text);
    }
    all.chunks(PARAGRAPHS_PER_DOCUMENT)
        .map(<[String]>::to_vec)
        .collect()
}

/// Peak resident memory of this process in bytes (Linux `VmHWM`), if known.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}
