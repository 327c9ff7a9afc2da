//! `../shared/SEEDS.md`, line by line: for each sample, the input lines that must be kept
//! (whole, unchanged but for NBSP and trimmed ends), the lines that must be dropped (each
//! removal attributed to a rule), and the metadata that must be lifted.

use crate::util::cleaner;
use newsclean::clean::segment::{normalize_line, raw_lines};
use newsclean::{CleanDoc, Document};
use std::collections::BTreeSet;

struct Seed {
    file: &'static str,
    /// Inclusive line ranges that must be kept (their non-blank lines).
    keep: &'static [(usize, usize)],
    /// Lines inside `keep` ranges that must go all the same.
    except: &'static [usize],
    site: &'static str,
}

const SEEDS: &[Seed] = &[
    Seed {
        file: "scmp-nk-diplomat.txt",
        keep: &[(3, 3), (5, 6), (10, 42)],
        except: &[28, 36],
        site: "scmp",
    },
    Seed {
        file: "theblaze-nk-ambassador.txt",
        keep: &[(2, 2), (7, 7), (9, 9), (13, 19), (23, 27)],
        except: &[],
        site: "theblaze",
    },
    Seed {
        file: "dailybeast-nk-ambassador.txt",
        keep: &[(3, 3), (7, 7), (12, 34)],
        except: &[18],
        site: "dailybeast",
    },
    Seed {
        file: "thelocal-nk-diplomat.txt",
        keep: &[(6, 6), (8, 8), (10, 38)],
        except: &[22],
        site: "thelocal",
    },
    Seed {
        file: "blog-nk-ambassador-asylum.txt",
        keep: &[(1, 1), (5, 13)],
        except: &[],
        site: "unknown",
    },
];

fn clean(file: &str) -> (String, CleanDoc) {
    let text =
        std::fs::read_to_string(crate::util::root().join("samples").join(file)).expect("sample");
    let doc = cleaner().clean(&Document::from_text(
        file.trim_end_matches(".txt"),
        text.clone(),
    ));
    (text, doc)
}

#[test]
fn kept_and_dropped_lines_are_exactly_as_seeds_says() {
    for seed in SEEDS {
        let (text, doc) = clean(seed.file);
        let lines: Vec<&str> = raw_lines(&text).collect();
        let expected: BTreeSet<usize> = seed
            .keep
            .iter()
            .flat_map(|&(a, b)| a..=b)
            .filter(|n| !seed.except.contains(n) && !normalize_line(lines[n - 1]).is_empty())
            .collect();
        let kept: BTreeSet<usize> = doc.paragraphs.iter().map(|p| p.line).collect();
        assert_eq!(kept, expected, "{}: kept lines", seed.file);
        for p in &doc.paragraphs {
            assert_eq!(
                p.text,
                normalize_line(lines[p.line - 1]),
                "{}:{}: kept whole and unchanged",
                seed.file,
                p.line
            );
        }
        // Every other non-blank line went, and a rule says why.
        for (i, raw) in lines.iter().enumerate() {
            let n = i + 1;
            if !expected.contains(&n) && !normalize_line(raw).is_empty() {
                let removal = doc.removed.iter().find(|r| r.line == n);
                assert!(
                    removal.is_some_and(|r| !r.rule.is_empty()),
                    "{}:{n}: dropped without a rule",
                    seed.file
                );
            }
        }
        assert_eq!(doc.site, seed.site, "{}: site", seed.file);
    }
}

#[test]
fn scmp_metadata() {
    let (_, doc) = clean("scmp-nk-diplomat.txt");
    let m = &doc.metadata;
    assert_eq!(m.section.as_deref(), Some("North Korea"));
    assert_eq!(m.title.as_deref(), Some("North Korea’s top diplomat in Italy the latest high-profile defector to flee Kim regime"));
    assert_eq!(m.published.as_deref(), Some("2019-01-03T12:01:00+08:00"));
    assert_eq!(m.updated.as_deref(), Some("2019-01-03T21:12:00+08:00"));
    assert_eq!(m.credits, ["AFP"]);
}

#[test]
fn theblaze_headline_kept_once() {
    let (_, doc) = clean("theblaze-nk-ambassador.txt");
    let headline =
        "In major embarrassment to Kim Jong Un, North Korea's ambassador to Italy defects";
    assert_eq!(
        doc.paragraphs.iter().filter(|p| p.text == headline).count(),
        1
    );
}

#[test]
fn sections_lifted() {
    assert_eq!(
        clean("dailybeast-nk-ambassador.txt")
            .1
            .metadata
            .section
            .as_deref(),
        Some("Europe")
    );
    assert_eq!(
        clean("thelocal-nk-diplomat.txt")
            .1
            .metadata
            .section
            .as_deref(),
        Some("POLITICS")
    );
}

#[test]
fn wordpress_recognised_without_site_rule() {
    let (_, doc) = clean("blog-nk-ambassador-asylum.txt");
    assert_eq!(doc.platforms, ["wordpress"]);
    assert_eq!(doc.metadata.author.as_deref(), Some("Grant Montgomery"));
}

#[test]
fn thelocal_nbsp_normalised_and_appended_story_gone() {
    let (_, doc) = clean("thelocal-nk-diplomat.txt");
    let text = doc.text();
    assert!(!text.contains('\u{a0}'));
    for word in ["Easter", "Moscow", "Tajani", "SHOW COMMENTS", "TERRORISM"] {
        assert!(!text.contains(word), "appended story survived: {word}");
    }
}
