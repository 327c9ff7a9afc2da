//! Writing a [`Record`] as one JSON line, byte for byte what `serde_json` writes for it, only
//! faster. Records are mostly text (the cleaned text, each paragraph, each removed line), and
//! `serde_json` escapes strings by looking up every byte: that was the largest single cost of
//! `clean` after the rules themselves (callgrind, docs/performance.md). Here strings are
//! scanned eight bytes at a time for the three things JSON must escape (`"`, `\`, control
//! characters) and copied in runs. Numbers and enums still go through `serde_json`, so their
//! formatting cannot drift; `tests` check the whole line against `serde_json` on random records.

use super::record::{ParagraphRecord, Record, RemovalRecord};
use crate::document::Span;
use serde::Serialize;

/// Appends the JSON of `record` (as `serde_json::to_writer` writes it) to `out`.
pub fn write_record(out: &mut Vec<u8>, record: &Record) -> serde_json::Result<()> {
    let m = &record.metadata;
    out.extend_from_slice(b"{\"id\":");
    string(out, &record.id);
    out.extend_from_slice(b",\"site\":");
    string(out, &record.site);
    for (name, value) in m.named_fields() {
        if let Some(value) = value {
            key(out, name);
            string(out, value);
        }
    }
    if !m.credits.is_empty() {
        key(out, "credits");
        strings(out, &m.credits);
    }
    key(out, "text");
    string(out, &record.text);
    key(out, "paragraphs");
    array(out, &record.paragraphs, paragraph)?;
    key(out, "removed");
    array(out, &record.removed, removal)?;
    if let Some(url) = &record.url {
        key(out, "url");
        string(out, url);
    }
    key(out, "site_source");
    value(out, &record.site_source)?;
    if !record.platforms.is_empty() {
        key(out, "platforms");
        strings(out, &record.platforms);
    }
    key(out, "source");
    string(out, &record.source);
    if !record.notes.is_empty() {
        key(out, "notes");
        strings(out, &record.notes);
    }
    if !record.fields.is_empty() {
        key(out, "metadata");
        value(out, &record.fields)?;
    }
    for (name, field) in &record.top_fields {
        key(out, name);
        value(out, field)?;
    }
    out.push(b'}');
    Ok(())
}

fn paragraph(out: &mut Vec<u8>, p: &ParagraphRecord) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"line\":");
    value(out, &p.line)?;
    key(out, "span");
    span(out, p.span);
    key(out, "original");
    span(out, p.original);
    if let Some(class) = &p.class {
        key(out, "class");
        string(out, class);
    }
    if let Some(cluster) = &p.cluster {
        key(out, "cluster");
        value(out, cluster)?;
    }
    if let Some(kind) = &p.kind {
        key(out, "kind");
        string(out, kind);
    }
    if let Some(similarity) = &p.similarity {
        key(out, "similarity");
        value(out, similarity)?;
    }
    out.push(b'}');
    Ok(())
}

fn removal(out: &mut Vec<u8>, r: &RemovalRecord) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"line\":");
    value(out, &r.line)?;
    key(out, "original");
    span(out, r.original);
    if let Some(text) = &r.text {
        key(out, "text");
        string(out, text);
    }
    key(out, "rule");
    string(out, &r.rule);
    out.push(b'}');
    Ok(())
}

/// `[start,end]`
fn span(out: &mut Vec<u8>, span: Span) {
    let mut digits = itoa::Buffer::new();
    out.push(b'[');
    out.extend_from_slice(digits.format(span.start).as_bytes());
    out.push(b',');
    out.extend_from_slice(digits.format(span.end).as_bytes());
    out.push(b']');
}

/// `,"name":`
fn key(out: &mut Vec<u8>, name: &str) {
    out.push(b',');
    string(out, name);
    out.push(b':');
}

fn value(out: &mut Vec<u8>, v: &impl Serialize) -> serde_json::Result<()> {
    serde_json::to_writer(out, v)
}

fn strings(out: &mut Vec<u8>, items: &[String]) {
    array(out, items, |out, s| {
        string(out, s);
        Ok(())
    })
    .expect("writing strings cannot fail");
}

/// `[item,item,...]`, each written by `write`.
fn array<T>(
    out: &mut Vec<u8>,
    items: &[T],
    write: impl Fn(&mut Vec<u8>, &T) -> serde_json::Result<()>,
) -> serde_json::Result<()> {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item)?;
    }
    out.push(b']');
    Ok(())
}

/// Whether any of the 8 bytes of `w` is `"`, `\` or below 0x20: the classic zero-byte and
/// less-than tests of "Bit Twiddling Hacks", exact as answers for the word as a whole.
fn needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS != 0;
    has_zero(w ^ (ONES * u64::from(b'"')))
        || has_zero(w ^ (ONES * u64::from(b'\\')))
        || w.wrapping_sub(ONES * 0x20) & !w & HIGHS != 0
}

/// A JSON string literal, escaped as `serde_json` escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("a chunk of 8 bytes"));
            if !needs_escape(word) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ],
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Metadata, SiteSource};
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            ".{0,40}",
            "[\"\\\\\u{0}-\u{1f}a é“”\u{7f}\u{2028}]{0,24}",
            Just(String::new()),
        ]
    }

    /// Two spans, with numbers of every size.
    fn span() -> impl Strategy<Value = (Span, Span)> {
        (any::<usize>(), any::<usize>(), 0usize..1000, 0usize..1000)
            .prop_map(|(a, b, c, d)| (Span::new(a.min(b), a.max(b)), Span::new(c.min(d), c.max(d))))
    }

    fn paragraph() -> impl Strategy<Value = ParagraphRecord> {
        (
            span(),
            0usize..100_000,
            proptest::option::of(text()),
            proptest::option::of(any::<u32>()),
            proptest::option::of(text()),
            proptest::option::of(prop_oneof![
                any::<f64>(),
                Just(f64::NAN),
                Just(0.5),
                Just(1.0)
            ]),
        )
            .prop_map(
                |((span, original), line, class, cluster, kind, similarity)| ParagraphRecord {
                    span,
                    original,
                    line,
                    class,
                    cluster,
                    kind,
                    similarity,
                },
            )
    }

    fn record() -> impl Strategy<Value = Record> {
        let metadata = (
            proptest::collection::vec(proptest::option::of(text()), 5),
            proptest::collection::vec(text(), 0..3),
        )
            .prop_map(|(o, credits)| Metadata {
                title: o[0].clone(),
                section: o[1].clone(),
                published: o[2].clone(),
                updated: o[3].clone(),
                author: o[4].clone(),
                credits,
            });
        let removal = (any::<usize>(), span(), proptest::option::of(text()), text()).prop_map(
            |(line, (original, _), text, rule)| RemovalRecord {
                line,
                original,
                text,
                rule,
            },
        );
        (
            (text(), text(), metadata, text()),
            proptest::collection::vec(paragraph(), 0..4),
            proptest::collection::vec(removal, 0..4),
            (
                proptest::option::of(text()),
                prop_oneof![
                    Just(SiteSource::Record),
                    Just(SiteSource::Url),
                    Just(SiteSource::Flag),
                    Just(SiteSource::Fingerprint),
                    Just(SiteSource::Unknown)
                ],
                proptest::collection::vec(text(), 0..3),
                text(),
                proptest::collection::vec(text(), 0..3),
                proptest::collection::vec((text(), text()), 0..3),
                proptest::collection::vec((text(), text()), 0..3),
            ),
        )
            .prop_map(
                |((id, site, metadata, text), paragraphs, removed, rest)| Record {
                    id,
                    site,
                    metadata,
                    text,
                    paragraphs,
                    removed,
                    url: rest.0,
                    site_source: rest.1,
                    platforms: rest.2,
                    source: rest.3,
                    notes: rest.4,
                    fields: rest.5.into_iter().map(|(k, v)| (k, v.into())).collect(),
                    top_fields: rest
                        .6
                        .into_iter()
                        .filter(|(k, _)| !crate::output::record::RECORD_KEYS.contains(&k.as_str()))
                        .map(|(k, v)| (k, v.into()))
                        .collect(),
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn writes_what_serde_json_writes(record in record()) {
            let mut ours = Vec::new();
            write_record(&mut ours, &record).expect("writes");
            let theirs = serde_json::to_vec(&record).expect("serialises");
            prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        }

        #[test]
        fn strings_escape_like_serde_json(s in ".{0,64}", raw in proptest::collection::vec(0u8..0x80, 0..64)) {
            let raw = String::from_utf8(raw).expect("ASCII");
            for s in [s, raw] {
                let mut ours = Vec::new();
                string(&mut ours, &s);
                prop_assert_eq!(ours, serde_json::to_vec(&s).expect("serialises"));
            }
        }
    }
}
