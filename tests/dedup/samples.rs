//! Golden test on the five sample articles (`samples/*.txt`): the syndicated pairs of
//! `SEEDS.md` must be flagged, paraphrases and a shared quotation must not be.
//!
//! The cleaner is simulated: each file keeps exactly the lines SEEDS.md says to keep,
//! trimmed, NBSP turned to space, one paragraph per kept line.

use std::path::PathBuf;

use newsclean::dedup::normalize::normalize;
use newsclean::dedup::verify::{measure, Prepared};
use newsclean::dedup::{
    sketch, ClusterKind, DedupConfig, DedupReport, Detector, DocumentInfo, ParagraphKey,
};

/// One sample: file, site, wire credits, kept line numbers (1-based, as in SEEDS.md).
struct Sample {
    file: &'static str,
    site: &'static str,
    credits: &'static [&'static str],
    kept_lines: &'static [usize],
}

const SAMPLES: &[Sample] = &[
    Sample {
        file: "scmp-nk-diplomat.txt",
        site: "South China Morning Post",
        credits: &["AFP"],
        // Headline, two bullets, body 10–42 without the inline headlines 28 and 36.
        kept_lines: &[
            3, 5, 6, 10, 12, 14, 16, 18, 20, 22, 24, 26, 30, 32, 34, 38, 40, 42,
        ],
    },
    Sample {
        file: "theblaze-nk-ambassador.txt",
        site: "TheBlaze",
        credits: &[],
        // Headline once, standfirst, body 9, 13–19, 23–27.
        kept_lines: &[2, 7, 9, 13, 15, 17, 19, 23, 25, 27],
    },
    Sample {
        file: "dailybeast-nk-ambassador.txt",
        site: "The Daily Beast",
        credits: &[],
        // Headline, standfirst, body 12–34 without the ADVERTISEMENT line 18.
        kept_lines: &[3, 7, 12, 14, 16, 20, 22, 24, 26, 28, 30, 32, 34],
    },
    Sample {
        file: "thelocal-nk-diplomat.txt",
        site: "The Local Italy",
        credits: &["AFP"],
        // Headline, lead, body 10–38 without the photo caption 22.
        kept_lines: &[6, 8, 10, 12, 14, 16, 18, 20, 24, 26, 28, 30, 32, 34, 36, 38],
    },
    Sample {
        file: "blog-nk-ambassador-asylum.txt",
        site: "blog",
        credits: &[],
        kept_lines: &[1, 5, 7, 9, 11, 13],
    },
];

const SCMP: usize = 0;
const DAILY_BEAST: usize = 2;
const LOCAL: usize = 3;

/// The cleaned samples: `(info, paragraphs)` per document, in SAMPLES order.
pub fn cleaned_samples() -> Vec<(DocumentInfo, Vec<String>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    SAMPLES
        .iter()
        .map(|sample| {
            let path = dir.join(sample.file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
            let lines: Vec<&str> = text.lines().collect();
            let paragraphs = sample
                .kept_lines
                .iter()
                .map(|&line| {
                    let raw = lines
                        .get(line - 1)
                        .unwrap_or_else(|| panic!("{} has no line {line}", sample.file));
                    let paragraph = raw.replace('\u{a0}', " ").trim().to_owned();
                    assert!(!paragraph.is_empty(), "{}:{line} is empty", sample.file);
                    paragraph
                })
                .collect();
            let info = DocumentInfo {
                id: sample.file.trim_end_matches(".txt").to_owned(),
                site: sample.site.to_owned(),
                credits: sample.credits.iter().map(|c| c.to_string()).collect(),
            };
            (info, paragraphs)
        })
        .collect()
}

/// Key of `line` of sample `doc`.
fn key(doc: usize, line: usize) -> ParagraphKey {
    let para = SAMPLES[doc]
        .kept_lines
        .iter()
        .position(|&kept| kept == line)
        .unwrap_or_else(|| panic!("line {line} of {} is not kept", SAMPLES[doc].file));
    ParagraphKey {
        doc: doc as u32,
        para: para as u32,
    }
}

fn run(config: &DedupConfig) -> (DedupReport, Vec<Vec<String>>) {
    let samples = cleaned_samples();
    let mut detector = Detector::new(config.clone());
    let mut texts: Vec<Vec<String>> = Vec::new();
    for (info, paragraphs) in samples {
        let sketches = paragraphs.iter().map(|p| sketch(p, config)).collect();
        detector.add_document(info, sketches);
        texts.push(paragraphs);
    }
    (detector.finish(&texts), texts)
}

fn similarity(
    texts: &[Vec<String>],
    a: ParagraphKey,
    b: ParagraphKey,
    config: &DedupConfig,
) -> f64 {
    let prepare = |key: ParagraphKey| {
        Prepared::new(
            normalize(&texts[key.doc as usize][key.para as usize]),
            config.verify_ngram,
        )
    };
    measure(&prepare(a), &prepare(b), config).similarity
}

#[test]
fn samples_flag_exactly_the_seeded_syndicated_pairs() {
    let config = DedupConfig::default();
    let (report, texts) = run(&config);
    eprintln!("{}", report.summary());

    let must: [(&str, ParagraphKey, ParagraphKey); 3] = [
        ("verbatim SCMP 30 / Local 28", key(SCMP, 30), key(LOCAL, 28)),
        ("verbatim SCMP 32 / Local 36", key(SCMP, 32), key(LOCAL, 36)),
        ("edited SCMP 20 / Local 10", key(SCMP, 20), key(LOCAL, 10)),
    ];
    let must_not: [(&str, ParagraphKey, ParagraphKey); 4] = [
        (
            "same fact SCMP 22 / Local 20",
            key(SCMP, 22),
            key(LOCAL, 20),
        ),
        (
            "same fact SCMP 24 / Local 24",
            key(SCMP, 24),
            key(LOCAL, 24),
        ),
        (
            "same fact SCMP 26 / Local 32",
            key(SCMP, 26),
            key(LOCAL, 32),
        ),
        (
            "same fact SCMP 38 / Local 34",
            key(SCMP, 38),
            key(LOCAL, 34),
        ),
    ];
    let quote = (
        "shared quote Daily Beast 22 / SCMP 30",
        key(DAILY_BEAST, 22),
        key(SCMP, 30),
    );

    eprintln!("{:<40} {:>10}  verdict", "pair", "similarity");
    for (name, a, b) in must.iter().chain(&must_not).chain([&quote]) {
        let verdict = report
            .pair(*a, *b)
            .map_or("none".to_owned(), |found| found.kind.to_string());
        eprintln!(
            "{name:<40} {:>10.3}  {verdict}",
            similarity(&texts, *a, *b, &config)
        );
    }

    for (name, a, b) in &must {
        let found = report.pair(*a, *b);
        assert_eq!(
            found.map(|m| m.kind),
            Some(ClusterKind::Syndicated),
            "{name} must be syndicated"
        );
        for key in [a, b] {
            let annotation = report.annotation(*key).expect("flagged paragraph");
            assert_eq!(annotation.kind, ClusterKind::Syndicated, "{name}");
        }
    }
    for (name, a, b) in &must_not {
        assert_eq!(report.pair(*a, *b), None, "{name} must not be flagged");
    }
    let (name, a, b) = quote;
    let found = report.pair(a, b);
    assert!(
        found.is_none_or(|m| m.kind == ClusterKind::SharedQuote),
        "{name} is at most shared-quote, got {found:?}"
    );
    let beast = report.annotation(a);
    assert!(
        beast.is_none_or(|annotation| annotation.kind == ClusterKind::SharedQuote),
        "Daily Beast 22 is annotated {beast:?}"
    );

    // Exactly three syndicated pairs across all five samples, and each verbatim pair at
    // similarity 1.
    let mut syndicated = Vec::new();
    for (doc_a, paragraphs_a) in texts.iter().enumerate() {
        for (doc_b, paragraphs_b) in texts.iter().enumerate().skip(doc_a + 1) {
            for para_a in 0..paragraphs_a.len() {
                for para_b in 0..paragraphs_b.len() {
                    let a = ParagraphKey {
                        doc: doc_a as u32,
                        para: para_a as u32,
                    };
                    let b = ParagraphKey {
                        doc: doc_b as u32,
                        para: para_b as u32,
                    };
                    if report
                        .pair(a, b)
                        .is_some_and(|m| m.kind == ClusterKind::Syndicated)
                    {
                        syndicated.push((a, b));
                    }
                }
            }
        }
    }
    let mut expected: Vec<(ParagraphKey, ParagraphKey)> =
        must.iter().map(|&(_, a, b)| (a, b)).collect();
    expected.sort();
    syndicated.sort();
    assert_eq!(syndicated, expected);
    for (name, a, b) in &must[..2] {
        let found = report.pair(*a, *b).expect("flagged");
        assert_eq!(found.similarity, 1.0, "{name}");
    }
    assert!(
        report.document_clusters.is_empty(),
        "no sample republishes another"
    );
    let cluster_kinds: Vec<ClusterKind> = report.clusters.iter().map(|c| c.kind).collect();
    assert_eq!(
        cluster_kinds
            .iter()
            .filter(|&&k| k == ClusterKind::Syndicated)
            .count(),
        3,
        "{cluster_kinds:?}"
    );
}

#[test]
fn samples_report_serialises_one_json_line_per_cluster() {
    let config = DedupConfig::default();
    let (report, _) = run(&config);
    for cluster in &report.clusters {
        let line = serde_json::to_string(cluster).expect("cluster serialises");
        assert!(!line.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&line).expect("valid JSON");
        for field in ["id", "kind", "members", "pairs", "sites", "credits"] {
            assert!(value.get(field).is_some(), "{field} missing in {line}");
        }
        let member = &value["members"][0];
        for field in ["doc", "site", "paragraph", "text"] {
            assert!(
                member.get(field).is_some(),
                "member {field} missing in {line}"
            );
        }
        assert!(!member["text"].as_str().unwrap_or_default().is_empty());
    }
    let syndicated = report
        .clusters
        .iter()
        .find(|cluster| cluster.kind == ClusterKind::Syndicated)
        .expect("a syndicated cluster");
    let json = serde_json::to_value(syndicated).expect("serialises");
    assert_eq!(json["kind"], "syndicated");
    assert_eq!(json["credits"], serde_json::json!(["AFP"]));
}
