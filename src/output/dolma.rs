//! Dolma's layout: `documents/part-00000.jsonl.gz` with the ORIGINAL text of every document
//! (`id`, `text`, `source`, `added`, `metadata`), and `attributes/newsclean/part-00000.jsonl.gz`
//! with the same rows in the same order, `{"id", "attributes": {name: [[start, end, value],
//! ...]}}`, spans in code points of the original text. So Dolma's mixer, with a
//! `span_replacement` on the removal attributes, rebuilds the cleaned text from the original.
//!
//! Attribute names (Dolma's `<tagger>__<attribute>`, characters a JSONPath accepts):
//! - `newsclean__removed`: every removal, value 1;
//! - `newsclean__removed__<reason>`: the removals of one rule or classifier reason, the
//!   qualified id with every character outside `[A-Za-z0-9_]` turned into `_`
//!   (`generic:share-buttons` is `newsclean__removed__generic_share_buttons`); every copy
//!   `--dedup drop` removed is in `newsclean__removed__dedup`;
//! - `newsclean__<kind>` for each near-duplicate kind (`syndicated`, `site_template`,
//!   `repeated`, `shared_quote`): the paragraphs in such a cluster, value the cluster id;
//!   `newsclean__<kind>__similarity` the same spans with the similarity as value.
//!
//! Documents are written in the clean pass; attributes once a record is final (after dedup
//! when it runs), so neither file is written twice.

use super::{io_err, OutputError, Record, Sink};
use crate::document::{Document, Span};
use flate2::write::GzEncoder;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Dolma's `source` field for newsclean's documents.
const SOURCE: &str = "newsclean";

/// A gzipped JSONL file being written.
struct GzLines {
    path: PathBuf,
    out: GzEncoder<BufWriter<File>>,
}

impl GzLines {
    fn create(path: PathBuf) -> Result<GzLines, OutputError> {
        let file = File::create(&path).map_err(io_err(&path))?;
        let out = GzEncoder::new(
            BufWriter::with_capacity(1 << 20, file),
            flate2::Compression::fast(),
        );
        Ok(GzLines { path, out })
    }

    fn write(&mut self, row: &impl Serialize) -> Result<(), OutputError> {
        let line = serde_json::to_vec(row).map_err(|e| OutputError::Io {
            path: self.path.clone(),
            source: e.into(),
        })?;
        self.out
            .write_all(&line)
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(io_err(&self.path))
    }

    fn finish(&mut self) -> Result<(), OutputError> {
        self.out.try_finish().map_err(io_err(&self.path))?;
        let file = self.out.get_mut();
        file.flush().map_err(io_err(&self.path))?;
        file.get_ref().sync_all().map_err(io_err(&self.path))
    }
}

/// Writes Dolma documents and newsclean attributes.
pub struct DolmaSink {
    documents: GzLines,
    attributes: GzLines,
    /// When the documents were added, as Dolma's `added` (the run's start).
    added: String,
}

impl DolmaSink {
    /// Starts `dir/documents/` and `dir/attributes/newsclean/`.
    pub fn create(dir: &Path) -> Result<DolmaSink, OutputError> {
        let documents = dir.join("documents");
        let attributes = dir.join("attributes").join("newsclean");
        for d in [&documents, &attributes] {
            fs::create_dir_all(d).map_err(io_err(d))?;
        }
        Ok(DolmaSink {
            documents: GzLines::create(documents.join("part-00000.jsonl.gz"))?,
            attributes: GzLines::create(attributes.join("part-00000.jsonl.gz"))?,
            added: crate::metadata::now_iso8601(),
        })
    }
}

/// A Dolma document row for `document`, with `record`'s metadata.
fn document_row(document: &Document, record: &Record, added: &str) -> Value {
    let m = &record.metadata;
    let mut metadata = Map::new();
    metadata.insert("url".into(), json!(record.url));
    metadata.insert("site".into(), json!(record.site));
    for (name, value) in m.named_fields() {
        metadata.insert(name.into(), json!(value));
    }
    metadata.insert("credits".into(), json!(m.credits));
    metadata.insert("input".into(), json!(record.source));
    // The input's own fields pass through; newsclean's names win a clash.
    for (name, value) in record.fields.iter().chain(&record.top_fields) {
        metadata
            .entry(name.clone())
            .or_insert_with(|| value.clone());
    }
    json!({
        "id": record.id,
        "text": document.text,
        "source": SOURCE,
        "added": added,
        "metadata": metadata,
    })
}

/// `reason` as an attribute name part: `[A-Za-z0-9_]` kept, anything else `_`.
fn attribute_part(reason: &str) -> String {
    reason
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The attribute row of a final record.
pub fn attributes_row(record: &Record) -> Value {
    let mut attributes: BTreeMap<String, Vec<(Span, f64)>> = BTreeMap::new();
    // Dolma's mixer reads an empty span as "delete one character, ignore every later span":
    // none is written (cleaning makes none; this keeps a bug from corrupting a document).
    let mut add = |name: String, span: Span, value: f64| {
        if !span.is_empty() {
            attributes.entry(name).or_default().push((span, value));
        }
    };
    for r in &record.removed {
        add("newsclean__removed".into(), r.original, 1.0);
        // One attribute for all of dedup's drops, not one per cluster: the cluster is in
        // `newsclean__<kind>` of the first copy.
        let reason = match r.rule.strip_prefix("dedup:") {
            Some(_) => "dedup".to_string(),
            None => attribute_part(&r.rule),
        };
        add(format!("newsclean__removed__{reason}"), r.original, 1.0);
    }
    for p in &record.paragraphs {
        if let (Some(cluster), Some(kind)) = (p.cluster, &p.kind) {
            let kind = attribute_part(kind);
            add(format!("newsclean__{kind}"), p.original, f64::from(cluster));
            let similarity = p.similarity.unwrap_or(1.0);
            add(
                format!("newsclean__{kind}__similarity"),
                p.original,
                similarity,
            );
        }
    }
    let attributes: Map<String, Value> = attributes
        .into_iter()
        .map(|(name, mut spans)| {
            spans.sort_by_key(|(s, _)| *s);
            let spans = spans
                .into_iter()
                .map(|(s, v)| json!([s.start, s.end, v]))
                .collect();
            (name, Value::Array(spans))
        })
        .collect();
    json!({"id": record.id, "attributes": attributes})
}

impl Sink for DolmaSink {
    fn cleaned(
        &mut self,
        document: &Document,
        record: &Record,
        _: &[u8],
        last: bool,
    ) -> Result<(), OutputError> {
        self.documents
            .write(&document_row(document, record, &self.added))?;
        if last {
            self.attributes.write(&attributes_row(record))?;
        }
        Ok(())
    }

    fn annotated(&mut self, _: &[u8], record: Option<&Record>) -> Result<(), OutputError> {
        let record = record.expect("the Dolma sink wants records");
        self.attributes.write(&attributes_row(record))
    }

    fn finish(&mut self) -> Result<(), OutputError> {
        self.documents.finish()?;
        self.attributes.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_names_fit_the_mixers_json_path() {
        let record: Record = serde_json::from_value(json!({
            "id": "a", "site": "scmp", "credits": [], "text": "Kept.",
            "paragraphs": [{"line": 2, "span": [0, 5], "original": [7, 12],
                            "cluster": 4, "kind": "site-template", "similarity": 0.75}],
            "removed": [
                {"line": 1, "original": [0, 6], "rule": "generic:share-buttons"},
                {"line": 3, "original": [13, 20], "rule": "dedup:9"},
                {"line": 4, "original": [21, 21], "rule": "generic:empty"}
            ],
            "site_source": "record", "source": "in.jsonl:1",
        }))
        .expect("a record");
        let row = attributes_row(&record);
        let a = &row["attributes"];
        assert_eq!(a["newsclean__removed"], json!([[0, 6, 1.0], [13, 20, 1.0]]));
        assert_eq!(
            a["newsclean__removed__generic_share_buttons"],
            json!([[0, 6, 1.0]])
        );
        assert_eq!(a["newsclean__removed__dedup"], json!([[13, 20, 1.0]]));
        assert_eq!(a["newsclean__site_template"], json!([[7, 12, 4.0]]));
        assert_eq!(
            a["newsclean__site_template__similarity"],
            json!([[7, 12, 0.75]])
        );
        assert!(
            a.get("newsclean__removed__generic_empty").is_none(),
            "no empty span"
        );
    }
}
