//! Adding the near-duplicate detector's verdicts to records: each paragraph in a cluster gets
//! its `cluster`, `kind` and `similarity`; with [`DedupMode::Drop`] later copies leave the
//! record for `removed`.
//!
//! Two ways to the same bytes: [`annotate`] changes a parsed [`Record`], and
//! [`splice_annotations`] inserts the fields into a record line this process serialised
//! itself, which `run` uses for every record it staged (no parse, no second serialisation).
//! `tests` hold the two to the same output.

use super::{ParagraphRecord, Record, RemovalRecord};
use crate::dedup::{Annotation, ClusterKind, DedupReport, ParagraphKey};
use crate::document::join_paragraphs;

/// What to do with the copies dedup finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DedupMode {
    /// Annotate each paragraph with its cluster; remove nothing.
    #[default]
    Flag,
    /// Keep the first occurrence of each cluster; move later copies to `removed`.
    Drop,
}

/// A paragraph's similarity as records show it: to three decimals.
pub fn shown_similarity(annotation: Annotation) -> f64 {
    (annotation.similarity * 1000.0).round() / 1000.0
}

/// Whether `mode` takes a paragraph with annotation `a` out of its record: a later copy in
/// drop mode (shared quotes are no copies).
fn dropped(mode: DedupMode, a: &Annotation) -> bool {
    mode == DedupMode::Drop && !a.first && a.kind != ClusterKind::SharedQuote
}

/// Adds the dedup annotation to each paragraph of `record` (detector document `doc`); in drop
/// mode removes later copies and records them in `removed` as `dedup:<cluster>`, the text
/// and spans rebuilt without them.
pub fn annotate(record: &mut Record, doc: u32, report: &DedupReport, mode: DedupMode) {
    let annotations: Vec<Option<Annotation>> = (0..record.paragraphs.len())
        .map(|i| {
            report.annotation(ParagraphKey {
                doc,
                para: i as u32,
            })
        })
        .collect();
    if annotations.iter().flatten().any(|a| dropped(mode, a)) {
        drop_copies(record, &annotations);
    }
    let kept = annotations
        .into_iter()
        .filter(|a| !a.as_ref().is_some_and(|a| dropped(mode, a)));
    for (p, a) in record.paragraphs.iter_mut().zip(kept) {
        if let Some(a) = a {
            p.cluster = Some(a.cluster);
            p.kind = Some(a.kind.as_str().to_string());
            p.similarity = Some(shown_similarity(a));
        }
    }
}

/// Takes the paragraphs `dropped` marks out of `record`, into `removed`, and rebuilds `text`
/// and the kept paragraphs' spans.
fn drop_copies(record: &mut Record, annotations: &[Option<Annotation>]) {
    let texts: Vec<String> = record.paragraph_texts().map(str::to_string).collect();
    let paragraphs = std::mem::take(&mut record.paragraphs);
    // Dropped copies carry their text when the record's other removals do.
    let with_text = record.removed.first().is_none_or(|r| r.text.is_some());
    let mut kept = Vec::with_capacity(texts.len());
    for ((p, words), a) in paragraphs.into_iter().zip(texts).zip(annotations) {
        match a.filter(|a| dropped(DedupMode::Drop, a)) {
            Some(a) => record.removed.push(RemovalRecord {
                line: p.line,
                original: p.original,
                text: with_text.then_some(words),
                rule: format!("dedup:{}", a.cluster),
            }),
            None => kept.push((p, words)),
        }
    }
    let (text, spans) = join_paragraphs(kept.iter().map(|(_, words)| words.as_str()));
    record.paragraphs = kept
        .into_iter()
        .zip(spans)
        .map(|((p, _), span)| ParagraphRecord { span, ..p })
        .collect();
    record.text = text;
    record.removed.sort_by_key(|r| (r.line, r.original.start));
}

/// The record line `line` (as this process serialised a [`Record`] whose paragraphs carry no
/// annotation, optionally followed by a newline) with each clustered paragraph's annotation
/// added as [`annotate`] in flag mode adds it: the same bytes as parsing, annotating and
/// serialising it again, at a fraction of the cost.
///
/// The paragraph objects are found by their key: `"paragraphs":[` can only be that key, as
/// JSON escapes every `"` inside strings, and a paragraph object holds strings, numbers and
/// arrays of numbers only, so its end is the first `}` outside a string. `None` when the line
/// does not look like that (the caller then parses it).
pub fn splice_annotations(line: &[u8], doc: u32, report: &DedupReport) -> Option<Vec<u8>> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let key = b"\"paragraphs\":[";
    let mut at = memchr::memmem::find(line, key)? + key.len();
    let mut out = Vec::with_capacity(line.len() + 256);
    let mut copied = 0;
    let mut para = 0u32;
    if line.get(at) != Some(&b']') {
        loop {
            if line.get(at) != Some(&b'{') {
                return None;
            }
            let end = object_end(line, at + 1)?;
            if let Some(a) = report.annotation(ParagraphKey { doc, para }) {
                out.extend_from_slice(&line[copied..end]);
                copied = end;
                out.extend_from_slice(b",\"cluster\":");
                out.extend_from_slice(itoa::Buffer::new().format(a.cluster).as_bytes());
                out.extend_from_slice(b",\"kind\":");
                serde_json::to_writer(&mut out, a.kind.as_str()).ok()?;
                out.extend_from_slice(b",\"similarity\":");
                serde_json::to_writer(&mut out, &shown_similarity(a)).ok()?;
            }
            para += 1;
            match line.get(end + 1) {
                Some(b',') => at = end + 2,
                Some(b']') => break,
                _ => return None,
            }
        }
    }
    out.extend_from_slice(&line[copied..]);
    Some(out)
}

/// Position of the `}` closing the flat JSON object whose contents start at `at` (strings,
/// numbers and arrays of numbers only); `None` at a nested object or another array, or at
/// the end of `line`.
fn object_end(line: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let next = at + memchr::memchr3(b'"', b'}', b'[', line.get(at..)?)?;
        if line[at..next].contains(&b'{') {
            return None;
        }
        match line[next] {
            b'}' => return Some(next),
            b'[' => {
                // An array of numbers: skip to its end.
                let close = next + memchr::memchr(b']', &line[next..])?;
                if !line[next + 1..close].iter().all(|b| {
                    b.is_ascii_digit() || matches!(b, b',' | b'-' | b'.' | b'e' | b'E' | b'+')
                }) {
                    return None;
                }
                at = close + 1;
                continue;
            }
            _ => {}
        }
        // Skip the string: to the next `"` not escaped.
        at = next + 1;
        loop {
            at += memchr::memchr2(b'"', b'\\', line.get(at..)?)?;
            if line[at] == b'\\' {
                at += 2;
            } else {
                at += 1;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::{DedupConfig, Detector, DocumentInfo};
    use crate::document::Span;

    /// A record whose paragraphs hold what could trip a byte scanner: quotes, backslashes,
    /// braces, brackets, the key itself inside text, non-ASCII, with and without `class`.
    fn tricky_record(id: &str, wire: &str) -> Record {
        let paragraphs = [
            wire,
            r#"He said: "}{ ] [ \\" and \"paragraphs\":[ {x} — “quoted”."#,
            "Café ‘déjà vu’ — 90s, \t tab \u{1} control.",
        ];
        let text = paragraphs.join("\n\n");
        let mut at = 0;
        let paragraphs: Vec<_> = paragraphs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let len = p.chars().count();
                let span = [at, at + len];
                at += len + 2;
                let mut v = serde_json::json!({"line": 3 + i, "span": span, "original": [10 * i, 10 * i + 5]});
                if i == 1 {
                    v["class"] = "body".into();
                }
                v
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "id": id, "site": "scmp", "title": "A \"paragraphs\":[ title", "credits": ["AFP"],
            "text": text, "paragraphs": paragraphs,
            "removed": [{"line": 1, "original": [0, 16], "text": "Advertisement {]", "rule": "generic:advertisement"}],
            "site_source": "record", "source": "in.jsonl:1",
        }))
        .expect("a valid record")
    }

    fn report_of(records: &[Record]) -> DedupReport {
        let config = DedupConfig::default();
        let mut detector = Detector::new(config.clone());
        let mut texts = Vec::new();
        for (index, record) in records.iter().enumerate() {
            let paragraphs: Vec<String> = record.paragraph_texts().map(str::to_string).collect();
            let sketches = paragraphs
                .iter()
                .map(|p| crate::dedup::sketch(p, &config))
                .collect();
            let site = ["scmp", "thelocal"][index % 2];
            let info = DocumentInfo {
                id: record.id.clone(),
                site: site.to_string(),
                credits: Vec::new(),
            };
            detector.add_document(info, sketches);
            texts.push(paragraphs);
        }
        detector.finish(&texts)
    }

    const WIRE: &str = "The Kim dynasty has ruled the impoverished but nuclear-armed state for three generations with little tolerance for dissent.";

    #[test]
    fn spliced_annotations_equal_parse_annotate_serialise() {
        let records = [tricky_record("a", WIRE), tricky_record("b", WIRE)];
        let report = report_of(&records);
        assert!(report
            .annotation(ParagraphKey { doc: 1, para: 0 })
            .is_some());
        for (doc, record) in records.iter().enumerate() {
            let mut line = record.to_json().expect("serialises");
            let mut annotated = record.clone();
            annotate(&mut annotated, doc as u32, &report, DedupMode::Flag);
            let expected = serde_json::to_vec(&annotated).expect("serialises");
            assert_eq!(
                splice_annotations(&line, doc as u32, &report).map(String::from_utf8),
                Some(Ok(String::from_utf8(expected.clone()).expect("UTF-8")))
            );
            line.push(b'\n');
            assert_eq!(
                splice_annotations(&line, doc as u32, &report),
                Some(expected)
            );
        }
        let mut empty = records[0].clone();
        empty.paragraphs.clear();
        let line = serde_json::to_vec(&empty).expect("serialises");
        assert_eq!(splice_annotations(&line, 0, &report), Some(line.clone()));
        assert_eq!(splice_annotations(b"{\"id\":1}", 0, &report), None);
        assert_eq!(
            splice_annotations(b"{\"paragraphs\":[{\"line\":1,\"span\":[0", 0, &report),
            None
        );
    }

    #[test]
    fn drop_mode_moves_later_copies_and_keeps_spans_true() {
        let mut own = tricky_record(
            "b",
            "A paragraph of this outlet's own, which no other outlet printed anywhere.",
        );
        let wire = tricky_record("b", WIRE);
        own.text = format!(
            "{}\n\n{}",
            wire.paragraph_texts().next().unwrap_or_default(),
            own.text
        );
        let shift = WIRE.chars().count() + 2;
        let mut first = wire.paragraphs[0].clone();
        for p in &mut own.paragraphs {
            p.span = Span::new(p.span.start + shift, p.span.end + shift);
        }
        first.line = 2;
        own.paragraphs.insert(0, first);
        own.check_spans().expect("a valid record");
        let records = [tricky_record("a", WIRE), own];
        let report = report_of(&records);
        let mut second = records[1].clone();
        annotate(&mut second, 1, &report, DedupMode::Drop);
        assert!(!second.paragraphs.is_empty() && second.paragraphs.len() < 4);
        assert!(second
            .removed
            .iter()
            .any(|r| r.rule.starts_with("dedup:") && r.text.as_deref() == Some(WIRE)));
        assert!(!second.text.contains("Kim dynasty"));
        second.check_spans().expect("spans inside the text");
        let texts: Vec<&str> = second.paragraph_texts().collect();
        assert_eq!(texts.join("\n\n"), second.text);
        let mut first = records[0].clone();
        annotate(&mut first, 0, &report, DedupMode::Drop);
        assert_eq!(first.paragraphs.len(), 3, "the first occurrence stays");
        assert!(first.paragraphs[0].cluster.is_some());
    }
}
