//! Cleaning invariants on random documents built from clutter, sentences and arbitrary
//! Unicode: no text added, order kept, every removal attributed to a loaded rule, every
//! non-blank line accounted for, spans that tile the original and slice the cleaned text, and
//! cleaning the cleaned text (same site) changes nothing.

use crate::util::cleaner;
use newsclean::clean::segment::{normalize_line, raw_lines};
use newsclean::document::Span;
use newsclean::output::Record;
use newsclean::{Cleaner, Document};
use proptest::prelude::*;
use std::sync::OnceLock;

fn shared() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(cleaner)
}

/// Lines a scraped page is made of: clutter the rules know, sentences, headlines, noise.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\u{a0}".to_string()),
        prop::sample::select(vec![
            "SHARE",
            "COPY LINK",
            "ADVERTISEMENT",
            "Advertisement",
            "POLITICS",
            "Europe",
            "ROMAN HOLIDAY",
            "READ ALSO: Another story entirely",
            "© 2024 Blaze Media LLC. All rights reserved.",
            "ALBERTO PIZZOLI/AFP/Getty Images",
            "Posted on by",
            "Leave a Reply",
            "SHOW COMMENTS",
            "Want to leave a tip?",
            "What's the story?",
            "Got a tip? Send it to The Daily Beast here.",
            "PUBLISHED : Thursday, 03 January, 2019, 12:01pm",
            "nokorea_zqflm9",
            "Additional reporting by Agence France-Presse",
            "This entry was posted in , , by Jo Bloggs.",
            "One reference to “A headline”",
            "When the dream dies: a headline of another story",
        ])
        .prop_map(str::to_string),
        "[A-Z][a-z]{2,9}( [a-z]{1,9}){8,30}[.!?]",
        "[A-Z][a-z]{2,9}( [A-Z][a-z]{1,9}){2,8}",
        "\\PC{0,60}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(), 0..40),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
    )
        .prop_map(|(lines, end)| lines.join(end))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn cleaning_adds_nothing_keeps_order_and_attributes_every_removal(text in document()) {
        let cleaner = shared();
        let doc = cleaner.clean(&Document::from_text("p", text.clone()));
        let lines: Vec<&str> = raw_lines(&text).collect();
        let mut last = 0;
        for p in &doc.paragraphs {
            prop_assert!(p.line > last, "order kept");
            last = p.line;
            let source = normalize_line(lines[p.line - 1]);
            // The output's characters are a subsequence of the source line's (an inline
            // rewrite may cut inside a word).
            let mut chars = source.chars();
            for c in p.text.chars().filter(|c| !c.is_whitespace()) {
                prop_assert!(chars.any(|s| s == c), "{:?} not drawn from {source:?}", p.text);
            }
        }
        for r in &doc.removed {
            prop_assert!(
                cleaner.knows_rule(&r.rule),
                "unknown rule {}",
                r.rule
            );
        }
        for (i, raw) in lines.iter().enumerate() {
            let n = i + 1;
            if !normalize_line(raw).is_empty() {
                prop_assert!(
                    doc.paragraphs.iter().any(|p| p.line == n) || doc.removed.iter().any(|r| r.line == n),
                    "line {n} neither kept nor removed"
                );
            }
        }
    }

    #[test]
    fn spans_tile_the_original_and_slice_the_cleaned_text(
        text in document(),
        rewrites in prop::sample::select(vec!["", " Click To Tweet", " Read more »"]),
    ) {
        let text = format!("{text}\nA sentence of the article that goes on for a while.{rewrites}");
        let doc = shared().clean(&Document::from_text("p", text.clone()));
        let chars: Vec<char> = text.chars().collect();
        let slice = |s: Span| -> String { chars[s.start..s.end].iter().collect() };
        // Each code point of the original is in at most one removal, and in a paragraph's
        // span only when no removal (a rewrite's cut inside it) has it.
        let mut owner = vec![None; chars.len()];
        for r in &doc.removed {
            prop_assert_eq!(slice(r.original).replace('\u{a0}', " "), r.text.clone());
            for (k, cell) in owner[r.original.start..r.original.end].iter_mut().enumerate() {
                prop_assert!(cell.is_none(), "removals overlap at {}", r.original.start + k);
                *cell = Some("removal");
            }
        }
        for p in &doc.paragraphs {
            let original = slice(p.original).replace('\u{a0}', " ");
            let cells = &mut owner[p.original.start..p.original.end];
            if cells.iter().all(Option::is_none) {
                prop_assert_eq!(&original, &p.text);
            }
            for cell in cells {
                cell.get_or_insert("paragraph");
            }
        }
        // Spans tile the text: what no span covers is white space.
        for (k, c) in chars.iter().enumerate() {
            prop_assert!(owner[k].is_some() || c.is_whitespace() || *c == '\u{feff}', "{c:?} at {k} is neither kept nor removed");
        }
        let mut rule_at: Vec<Option<&str>> = vec![None; chars.len()];
        for r in &doc.removed {
            rule_at[r.original.start..r.original.end].fill(Some(r.rule.as_str()));
        }
        let rule_at: Vec<Option<String>> = rule_at.into_iter().map(|r| r.map(String::from)).collect();
        // Each paragraph's span in the record slices the cleaned text to the paragraph.
        let paragraphs: Vec<String> = doc.paragraphs.iter().map(|p| p.text.clone()).collect();
        let record = Record::new(doc, "p".into(), false);
        // The record's removals (runs of one rule merged) cover what the document's do, by the
        // same rules, and besides only the white space between the lines of a run.
        let mut in_record: Vec<Option<&str>> = vec![None; chars.len()];
        for r in &record.removed {
            for (k, cell) in in_record[r.original.start..r.original.end].iter_mut().enumerate() {
                prop_assert!(cell.is_none(), "record removals overlap at {}", r.original.start + k);
                *cell = Some(r.rule.as_str());
            }
        }
        for k in 0..chars.len() {
            match &rule_at[k] {
                Some(rule) => prop_assert_eq!(in_record[k], Some(rule.as_str()), "at {}", k),
                None => prop_assert!(in_record[k].is_none() || (owner[k].is_none() && chars[k].is_whitespace()), "{:?} at {} in a merged removal", chars[k], k),
            }
        }
        let texts: Vec<&str> = record.paragraph_texts().collect();
        prop_assert_eq!(texts, paragraphs.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert!(record.check_spans().is_ok());
    }

    #[test]
    fn cleaning_is_idempotent(text in document()) {
        let cleaner = shared();
        let once = cleaner.clean(&Document::from_text("p", text));
        // A cleaned record read back in carries its site and metadata.
        let again_doc = Document {
            site: Some(once.site.clone()),
            metadata: once.metadata.clone(),
            ..Document::from_text("p", once.text())
        };
        let twice = cleaner.clean(&again_doc);
        prop_assert_eq!(twice.text(), once.text());
    }
}
