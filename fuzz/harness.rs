//! The fuzzed entry points, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`, nightly
//! toolchain) and the stable-toolchain runner (`tests/reliability/fuzz.rs`), so both exercise
//! exactly the same code and checks. Each function takes arbitrary bytes and panics only on a
//! bug: a panic inside newsclean, or a broken invariant.

use newsclean::input::{decode, read_jsonl, Fields};
use newsclean::rules::validate;
use newsclean::{CleanDoc, Cleaner, Document, Rules};
use std::path::Path;
use std::sync::OnceLock;

/// The built-in rules, loaded once.
pub fn cleaner() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| Cleaner::new(Rules::builtin().expect("built-in rules load")))
}

/// What must hold of any cleaning: paragraphs in input order, non-empty, each drawn from its
/// line (words a subsequence), every removal attributed to a loaded rule.
pub fn check_clean(cleaner: &Cleaner, text: &str, doc: &CleanDoc) {
    let lines = raw_lines(text);
    let mut last = 0;
    for p in &doc.paragraphs {
        assert!(p.line > last, "paragraph order: {} after {}", p.line, last);
        last = p.line;
        assert!(
            !p.text.trim().is_empty(),
            "empty paragraph at line {}",
            p.line
        );
        // As the cleaner sees it: ends trimmed of whitespace and byte-order marks.
        let source = lines[p.line - 1].trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let src: Vec<&str> = source.split_whitespace().collect();
        let mut it = src.iter();
        assert!(
            p.text.split_whitespace().all(|w| it.any(|s| *s == w)),
            "line {}: {:?} not drawn from {:?}",
            p.line,
            p.text,
            source
        );
    }
    for r in &doc.removed {
        assert!(cleaner.knows_rule(&r.rule), "unknown rule {}", r.rule);
    }
}

/// The lines as the cleaner numbers them (`\n`, `\r\n`, lone `\r`).
fn raw_lines(text: &str) -> Vec<&str> {
    newsclean::clean::segment::raw_lines(text).collect()
}

/// Bytes as a text file: decode (encoding detection, binary refusal), then clean.
pub fn clean_bytes(data: &[u8]) {
    let Ok(decoded) = decode::decode(data) else {
        return;
    };
    let cleaner = cleaner();
    let doc = cleaner.clean(&Document::from_text("fuzz", decoded.text.clone()));
    check_clean(cleaner, &decoded.text, &doc);
    let _ = doc.text();
}

/// Bytes as a JSONL stream (maybe gzip): read every record, clean the good ones.
pub fn jsonl_bytes(data: &[u8]) {
    let input: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    let cleaner = cleaner();
    let mut previous_line = 0;
    for item in read_jsonl(Path::new("fuzz.jsonl"), input, Fields::default()).take(10_000) {
        match item {
            Ok(doc) => {
                let line = doc.origin.line.expect("a JSONL record has a line");
                assert!(line > previous_line, "record lines increase");
                previous_line = line;
                let clean = cleaner.clean(&doc);
                check_clean(cleaner, &doc.text, &clean);
            }
            Err(e) => {
                // Every error names the stream, and a line when it is about one.
                let msg = e.to_string();
                assert!(msg.starts_with("fuzz.jsonl"), "{msg}");
                if let Some(line) = e.origin.line {
                    assert!(line > previous_line, "error lines increase");
                    previous_line = line;
                }
            }
        }
    }
}

/// Bytes as a rule file: validate; if valid, clean a document with it (and the generic rules).
pub fn rules_bytes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match validate(Path::new("fuzz.toml"), &text) {
        Ok(file) => {
            let rules = Rules { files: vec![file] };
            let cleaner = Cleaner::new(rules);
            let sample = "North Korea\n\nA headline for the fuzzer\n\nSHARE\n\nThe ambassador said on Tuesday that the talks would resume.\n\u{a0}\nREAD ALSO: more\n";
            let doc = cleaner.clean(&Document::from_text("fuzz", sample));
            check_clean(&cleaner, sample, &doc);
        }
        Err(errors) => {
            for e in errors {
                let msg = e.to_string();
                assert!(msg.starts_with("fuzz.toml"), "{msg}");
            }
        }
    }
}
