//! `--format parquet`: `documents.parquet`, read back with the parquet crate's Arrow reader,
//! holds the records `documents.jsonl` holds, row for row, with spans that slice the text.
//! `tests/python/parquet_check.py` checks the same file through pyarrow and DuckDB.

use crate::util::{newsclean, root};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch, StructArray};
use newsclean::document::{Metadata, SiteSource, Span};
use newsclean::output::{ParagraphRecord, Record, RemovalRecord};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Runs `newsclean COMMAND samples --out OUT --format FORMAT --removed-text` in `dir` (Parquet
/// always holds the removed text; the JSONL it is compared with then does too); returns
/// `dir/OUT`.
fn samples_into(dir: &Path, command: &str, out: &str, format: &str) -> PathBuf {
    let samples = root().join("samples");
    let samples = samples.to_str().expect("utf-8 path");
    let output = newsclean(
        dir,
        &[
            command,
            samples,
            "--out",
            out,
            "--format",
            format,
            "--removed-text",
        ],
    );
    assert!(
        output.status.success(),
        "newsclean {command} --format {format}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir.join(out)
}

fn jsonl_records(dir: &Path) -> Vec<Record> {
    let text = std::fs::read_to_string(dir.join("documents.jsonl")).expect("documents.jsonl");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("a record"))
        .collect()
}

fn column<'a>(columns: &'a StructArray, name: &str) -> &'a dyn Array {
    columns
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .as_ref()
}

fn strings(a: &dyn Array) -> Vec<Option<String>> {
    a.as_string::<i32>()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

fn required(values: Vec<Option<String>>) -> Vec<String> {
    values
        .into_iter()
        .map(|s| s.expect("a non-null string"))
        .collect()
}

fn ints(a: &dyn Array) -> Vec<Option<i64>> {
    a.as_primitive::<Int64Type>().iter().collect()
}

fn count(n: Option<i64>) -> usize {
    usize::try_from(n.expect("a non-null integer")).expect("a non-negative integer")
}

/// Each row's items of a list column (no list is null).
fn lists(a: &dyn Array) -> Vec<std::sync::Arc<dyn Array>> {
    a.as_list::<i32>()
        .iter()
        .map(|l| l.expect("a non-null list"))
        .collect()
}

fn paragraphs(items: &StructArray) -> Vec<ParagraphRecord> {
    let line = ints(column(items, "line"));
    let span_start = ints(column(items, "span_start"));
    let span_end = ints(column(items, "span_end"));
    let original_start = ints(column(items, "original_start"));
    let original_end = ints(column(items, "original_end"));
    let class = strings(column(items, "class"));
    let cluster = ints(column(items, "cluster"));
    let kind = strings(column(items, "kind"));
    let similarity: Vec<Option<f64>> = column(items, "similarity")
        .as_primitive::<Float64Type>()
        .iter()
        .collect();
    (0..items.len())
        .map(|i| ParagraphRecord {
            line: count(line[i]),
            span: Span::new(count(span_start[i]), count(span_end[i])),
            original: Span::new(count(original_start[i]), count(original_end[i])),
            class: class[i].clone(),
            cluster: cluster[i].map(|c| u32::try_from(c).expect("a u32 cluster id")),
            kind: kind[i].clone(),
            similarity: similarity[i],
        })
        .collect()
}

fn removals(items: &StructArray) -> Vec<RemovalRecord> {
    let line = ints(column(items, "line"));
    let original_start = ints(column(items, "original_start"));
    let original_end = ints(column(items, "original_end"));
    let text = strings(column(items, "text"));
    let rule = required(strings(column(items, "rule")));
    (0..items.len())
        .map(|i| RemovalRecord {
            line: count(line[i]),
            original: Span::new(count(original_start[i]), count(original_end[i])),
            text: text[i].clone(),
            rule: rule[i].clone(),
        })
        .collect()
}

/// The rows of one batch as records.
fn batch_records(batch: RecordBatch) -> Vec<Record> {
    let columns = StructArray::from(batch);
    let c = |name| column(&columns, name);
    let id = required(strings(c("id")));
    let site = required(strings(c("site")));
    let [title, section, published, updated, author] =
        ["title", "section", "published", "updated", "author"].map(|n| strings(c(n)));
    let string_lists = |name| -> Vec<Vec<String>> {
        lists(c(name))
            .iter()
            .map(|l| required(strings(l.as_ref())))
            .collect()
    };
    let credits = string_lists("credits");
    let text = required(strings(c("text")));
    let paras = lists(c("paragraphs"));
    let removed = lists(c("removed"));
    let url = strings(c("url"));
    let site_source = required(strings(c("site_source")));
    let platforms = string_lists("platforms");
    let source = required(strings(c("source")));
    let notes = string_lists("notes");
    (0..columns.len())
        .map(|i| Record {
            id: id[i].clone(),
            site: site[i].clone(),
            metadata: Metadata {
                title: title[i].clone(),
                section: section[i].clone(),
                published: published[i].clone(),
                updated: updated[i].clone(),
                author: author[i].clone(),
                credits: credits[i].clone(),
            },
            text: text[i].clone(),
            paragraphs: paragraphs(paras[i].as_struct()),
            removed: removals(removed[i].as_struct()),
            url: url[i].clone(),
            site_source: serde_json::from_value::<SiteSource>(site_source[i].clone().into())
                .expect("a site source"),
            platforms: platforms[i].clone(),
            source: source[i].clone(),
            notes: notes[i].clone(),
            fields: Default::default(),
            top_fields: Default::default(),
        })
        .collect()
}

fn parquet_records(dir: &Path) -> Vec<Record> {
    let file = File::open(dir.join("documents.parquet")).expect("documents.parquet");
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("a Parquet file")
        .build()
        .expect("a reader");
    reader
        .flat_map(|batch| batch_records(batch.expect("a record batch")))
        .collect()
}

/// The Parquet rows are the JSONL records, one for one.
fn assert_same_records(parquet: &[Record], jsonl: &[Record]) {
    assert_eq!(parquet.len(), jsonl.len(), "rows");
    for (p, j) in parquet.iter().zip(jsonl) {
        assert_eq!(p, j, "row {}", j.id);
    }
}

#[test]
fn run_writes_the_records_as_parquet() {
    let dir = crate::tempdir!();
    let out = samples_into(&dir.0, "run", "pq", "parquet");
    let records = parquet_records(&out);

    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "blog-nk-ambassador-asylum",
            "dailybeast-nk-ambassador",
            "scmp-nk-diplomat",
            "theblaze-nk-ambassador",
            "thelocal-nk-diplomat",
        ]
    );
    for r in &records {
        let chars: Vec<char> = r.text.chars().collect();
        for p in &r.paragraphs {
            let piece = chars
                .get(p.span.start..p.span.end)
                .unwrap_or_else(|| panic!("{}: span {:?} outside the text", r.id, p.span));
            assert!(!piece.is_empty(), "{}: empty span {:?}", r.id, p.span);
        }
    }
    let syndicated = records
        .iter()
        .flat_map(|r| &r.paragraphs)
        .filter(|p| p.kind.as_deref() == Some("syndicated"))
        .count();
    assert!(syndicated >= 3, "{syndicated} syndicated paragraphs");

    let jsonl = samples_into(&dir.0, "run", "jsonl", "jsonl");
    assert_same_records(&records, &jsonl_records(&jsonl));
}

#[test]
fn clean_writes_the_records_as_parquet() {
    // No dedup pass: records reach the sink final from the clean pass.
    let dir = crate::tempdir!();
    let parquet = parquet_records(&samples_into(&dir.0, "clean", "pq", "parquet"));
    let jsonl = jsonl_records(&samples_into(&dir.0, "clean", "jsonl", "jsonl"));
    assert_eq!(parquet.len(), 5);
    assert_same_records(&parquet, &jsonl);
}
