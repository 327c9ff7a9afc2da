//! The JSONL record of a cleaned document: what the next tool in a pipeline reads. Field order
//! puts what most consumers want first.

use crate::document::{
    join_paragraphs, slice_spans, CleanDoc, Metadata, Removal, SiteSource, Span, SpanSlicer,
};
use serde::{Deserialize, Serialize};

/// A paragraph in a record: where it stands in the record's `text` and in the original text,
/// with its near-duplicate annotation when it is in a cluster. The words themselves are only in
/// `text` (slice it by `span`), so a record holds the article once.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ParagraphRecord {
    /// The 1-based input line.
    pub line: usize,
    /// Its range in the record's cleaned `text`, in code points.
    pub span: Span,
    /// Its range in the original document text, in code points.
    pub original: Span,
    /// The site-independent classifier's verdict (`good`, `near-good, good by context`, ...),
    /// when it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Near-duplicate cluster id, after dedup, for a paragraph in a cluster (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<u32>,
    /// The cluster's kind (`syndicated`, `site-template`, `repeated`, `shared-quote`), with
    /// `cluster`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Similarity to the closest other member of the cluster, with `cluster`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
}

/// A removal in a record: where the removed text stood in the original, and the rule that
/// removed it. The text itself only when asked for (`--removed-text`): it is all the clutter
/// of the page again, and a consumer that has the original slices it by `original`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RemovalRecord {
    /// The 1-based input line: the first, for a run of lines one rule removed (see
    /// `merge_runs`).
    pub line: usize,
    /// Its range in the original document text, in code points.
    pub original: Span,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The qualified id of the rule (`<rule file>:<rule id>`, `classifier:<reason>`,
    /// `dedup:<cluster>`).
    pub rule: String,
}

impl RemovalRecord {
    /// The record of `removal`, with its text or without.
    pub fn new(removal: Removal, with_text: bool) -> RemovalRecord {
        RemovalRecord {
            line: removal.line,
            original: removal.original,
            text: with_text.then_some(removal.text),
            rule: removal.rule,
        }
    }
}

/// The classifier's verdict without its figures ("good: 61 words, 44% stop words" is "good"):
/// the words and stop words can be counted from the text, and `newsclean explain` prints them;
/// every record carrying them cost 0.026 bytes per input byte (docs/performance.md).
fn verdict_name(mut verdict: String) -> String {
    if let Some(at) = verdict.find(": ") {
        verdict.truncate(at);
    }
    verdict
}

/// The removals of a record without their texts, in the order they stand in the original, a
/// run that one rule removed with nothing between them but white space (no kept text, no other
/// rule's removal) as one removal from the run's first line: a comment section cut to the end
/// is one span, not forty. (With their texts the removals stay a line each, in line order, so
/// that each text is its line's.) `kept` are the paragraphs' original spans, in order.
fn merge_runs(mut removed: Vec<Removal>, kept: &[Span]) -> Vec<RemovalRecord> {
    // By position: an inline cut is listed before the rest of its line, which another rule
    // may remove; merging in list order let a run swallow that cut (an eval page).
    removed.sort_by_key(|r| r.original.start);
    let mut merged: Vec<RemovalRecord> = Vec::with_capacity(removed.len());
    for r in removed {
        if let Some(last) = merged.last_mut() {
            // A kept paragraph overlapping the gap: the first that ends after the run does.
            let next_kept = kept.partition_point(|p| p.end <= last.original.end);
            let kept_between = kept
                .get(next_kept)
                .is_some_and(|p| p.start < r.original.start);
            if last.rule == r.rule && r.original.start >= last.original.end && !kept_between {
                last.original.end = r.original.end;
                continue;
            }
        }
        merged.push(RemovalRecord::new(r, false));
    }
    merged
}

/// One line of `documents.jsonl`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub id: String,
    pub site: String,
    /// title, section, published, updated, author, credits.
    #[serde(flatten)]
    pub metadata: Metadata,
    /// The cleaned text: paragraphs separated by one blank line.
    pub text: String,
    pub paragraphs: Vec<ParagraphRecord>,
    pub removed: Vec<RemovalRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub site_source: SiteSource,
    /// Platform rule files applied (e.g. `wordpress`); left out when none was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<String>,
    /// Input location (`path` or `path:line`).
    pub source: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The input record's fields that newsclean does not read, as they were: a pipeline's
    /// metadata passes through under `metadata`.
    #[serde(
        rename = "metadata",
        default,
        skip_serializing_if = "serde_json::Map::is_empty"
    )]
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// The same at the top level of the record (`--keep-fields`), where their names are not
    /// the record's own.
    #[serde(flatten)]
    pub top_fields: serde_json::Map<String, serde_json::Value>,
}

/// The keys of a record: an input field of one of these names is kept under `metadata` even
/// with `--keep-fields`.
pub const RECORD_KEYS: [&str; 18] = [
    "id",
    "site",
    "title",
    "section",
    "published",
    "updated",
    "author",
    "credits",
    "text",
    "paragraphs",
    "removed",
    "url",
    "site_source",
    "platforms",
    "source",
    "notes",
    "metadata",
    "dedup",
];

impl Record {
    /// The record as one JSON line (without the newline), exactly as `serde_json` would write
    /// it, by the string-heavy fast path of [`super::json`], into a buffer sized for it up front.
    pub fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        let texts: usize = self.paragraphs.len() * 64
            + self
                .removed
                .iter()
                .map(|r| r.text.as_ref().map_or(0, String::len) + 64)
                .sum::<usize>();
        let mut line = Vec::with_capacity(self.text.len() + texts + self.source.len() + 512);
        super::json::write_record(&mut line, self)?;
        Ok(line)
    }

    /// The paragraphs' texts, sliced from `text` by their spans; an empty string for a span
    /// outside it (a record another program wrote wrongly).
    pub fn paragraph_texts(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        slice_spans(&self.text, self.paragraphs.iter().map(|p| p.span))
    }

    /// Checks that every paragraph span lies in `text`, in order: for records read back in.
    pub fn check_spans(&self) -> Result<(), String> {
        let mut slicer = SpanSlicer::new(&self.text);
        let mut end = 0;
        for (i, p) in self.paragraphs.iter().enumerate() {
            if p.span.start < end || slicer.slice(p.span).is_none() {
                return Err(format!(
                    "paragraph {i}: span [{}, {}] is not inside the text after the one before",
                    p.span.start, p.span.end
                ));
            }
            end = p.span.end;
        }
        Ok(())
    }

    /// The record of a cleaned document read from `source`; with `removed_text`, each
    /// removal carries its text.
    pub fn new(doc: CleanDoc, source: String, removed_text: bool) -> Record {
        let kept: Vec<Span> = doc.paragraphs.iter().map(|p| p.original).collect();
        let (text, spans) = join_paragraphs(doc.paragraphs.iter().map(|p| p.text.as_str()));
        let paragraphs = doc
            .paragraphs
            .into_iter()
            .zip(spans)
            .map(|(p, span)| ParagraphRecord {
                line: p.line,
                span,
                original: p.original,
                class: p.class.map(verdict_name),
                cluster: None,
                kind: None,
                similarity: None,
            })
            .collect();
        Record {
            id: doc.id,
            site: doc.site,
            metadata: doc.metadata,
            text,
            paragraphs,
            removed: match removed_text {
                true => doc
                    .removed
                    .into_iter()
                    .map(|r| RemovalRecord::new(r, true))
                    .collect(),
                false => merge_runs(doc.removed, &kept),
            },
            url: doc.url,
            site_source: doc.site_source,
            platforms: doc.platforms,
            source,
            notes: doc.notes,
            fields: serde_json::Map::new(),
            top_fields: serde_json::Map::new(),
        }
    }

    /// Keeps the input's other fields: under `metadata`, or with `top_level` beside the
    /// record's own keys (a field named like one of those stays under `metadata`).
    pub fn keep_fields(
        &mut self,
        fields: &serde_json::Map<String, serde_json::Value>,
        top_level: bool,
    ) {
        for (name, value) in fields {
            if top_level && !RECORD_KEYS.contains(&name.as_str()) {
                self.top_fields.insert(name.clone(), value.clone());
            } else {
                self.fields.insert(name.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removal(line: usize, start: usize, end: usize, rule: &str) -> Removal {
        Removal {
            line,
            original: Span::new(start, end),
            text: "x".repeat(end - start),
            rule: rule.into(),
            why: None,
        }
    }

    #[test]
    fn runs_of_one_rule_with_nothing_kept_between_are_one_removal() {
        let removed = vec![
            removal(1, 0, 5, "a:x"),
            removal(3, 7, 9, "a:x"),
            // Another rule between: a run of its own.
            removal(4, 10, 12, "b:y"),
            removal(5, 13, 15, "a:x"),
            // Line 6 is kept (16..19): line 7 starts a new run.
            removal(7, 20, 22, "a:x"),
            // Line 9 keeps 30..38 and loses its tail to an inline cut, listed first; the
            // cut and line 10 are one run, and line 9's kept text stays out of it.
            removal(9, 39, 42, "a:x"),
            removal(10, 44, 45, "a:x"),
            // Line 12 keeps its ends (50..60) and loses its middle: line 13 is not its run.
            removal(12, 53, 55, "a:x"),
            removal(13, 61, 64, "a:x"),
        ];
        let kept = [Span::new(16, 19), Span::new(30, 38), Span::new(50, 60)];
        let merged = merge_runs(removed, &kept);
        let got: Vec<(usize, Span, &str)> = merged
            .iter()
            .map(|r| (r.line, r.original, r.rule.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, Span::new(0, 9), "a:x"),
                (4, Span::new(10, 12), "b:y"),
                (5, Span::new(13, 15), "a:x"),
                (7, Span::new(20, 22), "a:x"),
                (9, Span::new(39, 45), "a:x"),
                (12, Span::new(53, 55), "a:x"),
                (13, Span::new(61, 64), "a:x"),
            ]
        );
    }

    // The eval page that found it: an inline cut by one rule, listed before the rest of its
    // line, which another rule removed together with the next line.
    #[test]
    fn a_run_never_swallows_another_rules_removal() {
        let removed = vec![
            removal(87, 909, 923, "generic:read-more-tail"),
            removal(87, 827, 908, "classifier:before-article"),
            removal(89, 925, 936, "classifier:before-article"),
        ];
        let merged = merge_runs(removed, &[]);
        let spans: Vec<Span> = merged.iter().map(|r| r.original).collect();
        assert_eq!(
            spans,
            vec![
                Span::new(827, 908),
                Span::new(909, 923),
                Span::new(925, 936)
            ]
        );
    }

    #[test]
    fn a_verdicts_name_is_the_part_before_its_figures() {
        assert_eq!(
            verdict_name("good: 61 words, 44% stop words".into()),
            "good"
        );
        assert_eq!(
            verdict_name("near-good, good by context: 38 words".into()),
            "near-good, good by context"
        );
        assert_eq!(verdict_name("title".into()), "title");
    }
}
