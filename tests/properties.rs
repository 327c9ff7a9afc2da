//! Cleaning invariants on random documents built from clutter, sentences and arbitrary
//! Unicode: no text added, order kept, every removal attributed to a loaded rule, every
//! non-blank line accounted for, and cleaning the cleaned text (same site) changes nothing.

use crate::util::cleaner;
use newsclean::clean::segment::{normalize_line, raw_lines};
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
            // Words of the output are a subsequence of the source line's words.
            let mut words = source.split_whitespace();
            for w in p.text.split_whitespace() {
                prop_assert!(words.any(|s| s == w), "word {w:?} not in source line {source:?}");
            }
        }
        for r in &doc.removed {
            prop_assert!(cleaner.rules().rule(&r.rule).is_some(), "unknown rule {}", r.rule);
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
