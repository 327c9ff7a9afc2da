//! `--format parquet`: `documents.parquet`, the records of `documents.jsonl` as one table, for
//! DuckDB, pandas/pyarrow, Polars or Spark to query without parsing JSON.
//!
//! One row per record, in input order, with an explicit Arrow schema ([`schema`]) whose
//! columns follow the record's field order:
//!
//! | column | type | null |
//! | --- | --- | --- |
//! | `id` | Utf8 | no |
//! | `site` | Utf8 | no |
//! | `title`, `section`, `published`, `updated`, `author` | Utf8 | yes |
//! | `credits` | List<Utf8> | no (items: no) |
//! | `text` | Utf8 | no |
//! | `paragraphs` | List<Struct> | no (items: no) |
//! | `removed` | List<Struct> | no (items: no) |
//! | `url` | Utf8 | yes |
//! | `site_source` | Utf8 | no |
//! | `platforms` | List<Utf8> | no (items: no) |
//! | `source` | Utf8 | no |
//! | `notes` | List<Utf8> | no (items: no; empty when there are none) |
//! | `metadata` | Utf8 (a JSON object) | yes: null when the input record had no other fields |
//!
//! A `paragraphs` item is `{line, span_start, span_end, original_start, original_end: Int64;
//! class: Utf8?, cluster: Int64?, kind: Utf8?, similarity: Float64?}` (`?`: null where the
//! JSONL record leaves the field out), and a `removed` item `{line, original_start,
//! original_end: Int64; text, rule: Utf8}`, every field not null. A JSONL span `[start, end]`
//! is the pair `*_start`, `*_end`. Spans count Unicode code points, as in the JSONL: a
//! paragraph is `text[span_start:span_end]` in Python, `substr(text, span_start + 1, span_end -
//! span_start)` in DuckDB.
//!
//! Every integer is Int64, though lines, spans and cluster ids are unsigned in Rust: signed
//! 64-bit integers are what every reader takes without a cast (Spark has no unsigned types,
//! and pandas turns a nullable UInt32 into floats).
//!
//! Rows are buffered in Arrow builders and written as one record batch, one row group, once
//! [`ROW_GROUP_ROWS`] rows or [`ROW_GROUP_BYTES`] of strings are buffered, whichever comes
//! first: memory stays bounded whatever the batch size, a reader can take the file a row group
//! at a time, and no string column of a batch nears Arrow's 2 GiB offset limit. Pages are
//! compressed with [`COMPRESSION`].

use super::{OutputError, Record, Sink};
use crate::document::{Document, SiteSource};
use arrow_array::builder::{
    Float64Builder, Int64Builder, ListBuilder, OffsetBufferBuilder, StringBuilder,
};
use arrow_array::{ArrayRef, ListArray, RecordBatch, StructArray};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The most rows in one row group.
pub const ROW_GROUP_ROWS: usize = 10_000;

/// The most bytes of strings (texts, removed texts, metadata) buffered for one row group: a
/// record that would take the buffer past it starts the next row group.
pub const ROW_GROUP_BYTES: usize = 64 << 20;

/// The page codec. Snappy: every Parquet reader has it, it costs a pure-Rust crate of a few
/// seconds' build where zstd compiles the C library, and it decompresses fastest.
pub const COMPRESSION: Compression = Compression::SNAPPY;

/// The Arrow schema of `documents.parquet` (see the module doc).
pub fn schema() -> Schema {
    let utf8 = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    let list = |name: &str, item: DataType| {
        Field::new(name, DataType::List(Arc::new(list_item(item))), false)
    };
    Schema::new(vec![
        utf8("id", false),
        utf8("site", false),
        utf8("title", true),
        utf8("section", true),
        utf8("published", true),
        utf8("updated", true),
        utf8("author", true),
        list("credits", DataType::Utf8),
        utf8("text", false),
        list("paragraphs", DataType::Struct(paragraph_fields())),
        list("removed", DataType::Struct(removal_fields())),
        utf8("url", true),
        utf8("site_source", false),
        list("platforms", DataType::Utf8),
        utf8("source", false),
        list("notes", DataType::Utf8),
        utf8("metadata", true),
    ])
}

/// The item field of a list column: Arrow's usual name, not null.
fn list_item(data_type: DataType) -> Field {
    Field::new_list_field(data_type, false)
}

/// The fields of a `paragraphs` item.
fn paragraph_fields() -> Fields {
    Fields::from(vec![
        Field::new("line", DataType::Int64, false),
        Field::new("span_start", DataType::Int64, false),
        Field::new("span_end", DataType::Int64, false),
        Field::new("original_start", DataType::Int64, false),
        Field::new("original_end", DataType::Int64, false),
        Field::new("class", DataType::Utf8, true),
        Field::new("cluster", DataType::Int64, true),
        Field::new("kind", DataType::Utf8, true),
        Field::new("similarity", DataType::Float64, true),
    ])
}

/// The fields of a `removed` item.
fn removal_fields() -> Fields {
    Fields::from(vec![
        Field::new("line", DataType::Int64, false),
        Field::new("original_start", DataType::Int64, false),
        Field::new("original_end", DataType::Int64, false),
        Field::new("text", DataType::Utf8, true),
        Field::new("rule", DataType::Utf8, false),
    ])
}

/// `site_source` as the JSONL record writes it (serde's kebab-case name; a test holds the two
/// together).
fn site_source_name(source: SiteSource) -> &'static str {
    match source {
        SiteSource::Record => "record",
        SiteSource::Url => "url",
        SiteSource::Flag => "flag",
        SiteSource::Fingerprint => "fingerprint",
        SiteSource::Unknown => "unknown",
    }
}

/// A count or position as Int64 (a `usize` past `i64::MAX` cannot be in memory).
fn int(n: usize) -> i64 {
    i64::try_from(n).expect("a length in memory fits in i64")
}

/// A list of strings column.
fn string_list() -> ListBuilder<StringBuilder> {
    ListBuilder::new(StringBuilder::new()).with_field(Arc::new(list_item(DataType::Utf8)))
}

/// A list-of-structs column being built: the items' fields as flat columns, and where each
/// row's items end.
struct StructList {
    fields: Fields,
    /// Where each row's items end.
    offsets: OffsetBufferBuilder<i32>,
    ints: Vec<Int64Builder>,
    strings: Vec<StringBuilder>,
}

impl StructList {
    fn new(fields: Fields, ints: usize, strings: usize) -> StructList {
        StructList {
            fields,
            offsets: OffsetBufferBuilder::new(1024),
            ints: (0..ints).map(|_| Int64Builder::new()).collect(),
            strings: (0..strings).map(|_| StringBuilder::new()).collect(),
        }
    }

    /// Closes the current row after `items` more items.
    fn end_row(&mut self, items: usize) {
        // Panics past 2^31 items in a row group, which a row group of 10,000 articles is not.
        self.offsets.push_length(items);
    }

    /// The list column of the rows so far, `children` being the item fields in schema order;
    /// starts over.
    fn finish(&mut self, children: Vec<ArrayRef>) -> Result<ArrayRef, arrow_schema::ArrowError> {
        let items = StructArray::try_new(self.fields.clone(), children, None)?;
        let offsets = std::mem::replace(&mut self.offsets, OffsetBufferBuilder::new(1024));
        let item = Arc::new(list_item(DataType::Struct(self.fields.clone())));
        let list = ListArray::try_new(item, offsets.finish(), Arc::new(items), None)?;
        Ok(Arc::new(list))
    }
}

/// The columns of the rows not yet written.
struct Columns {
    id: StringBuilder,
    site: StringBuilder,
    /// title, section, published, updated, author.
    metadata: [StringBuilder; 5],
    credits: ListBuilder<StringBuilder>,
    text: StringBuilder,
    /// Ints: line, span_start, span_end, original_start, original_end, cluster; strings:
    /// class, kind.
    paragraphs: StructList,
    similarity: Float64Builder,
    /// Ints: line, original_start, original_end; strings: text, rule.
    removed: StructList,
    url: StringBuilder,
    site_source: StringBuilder,
    platforms: ListBuilder<StringBuilder>,
    source: StringBuilder,
    notes: ListBuilder<StringBuilder>,
    /// The input's other fields, as a JSON object.
    fields: StringBuilder,
    rows: usize,
    /// Bytes of strings buffered (the row group budget).
    bytes: usize,
}

impl Columns {
    fn new() -> Columns {
        Columns {
            id: StringBuilder::new(),
            site: StringBuilder::new(),
            metadata: std::array::from_fn(|_| StringBuilder::new()),
            credits: string_list(),
            text: StringBuilder::new(),
            paragraphs: StructList::new(paragraph_fields(), 6, 2),
            similarity: Float64Builder::new(),
            removed: StructList::new(removal_fields(), 3, 2),
            url: StringBuilder::new(),
            site_source: StringBuilder::new(),
            platforms: string_list(),
            source: StringBuilder::new(),
            notes: string_list(),
            fields: StringBuilder::new(),
            rows: 0,
            bytes: 0,
        }
    }

    fn push(&mut self, r: &Record) {
        self.id.append_value(&r.id);
        self.site.append_value(&r.site);
        for (column, (_, value)) in self.metadata.iter_mut().zip(r.metadata.named_fields()) {
            column.append_option(value.as_deref());
        }
        self.credits
            .append_value(r.metadata.credits.iter().map(Some));
        self.text.append_value(&r.text);

        let p = &mut self.paragraphs;
        for para in &r.paragraphs {
            let ints = [
                Some(int(para.line)),
                Some(int(para.span.start)),
                Some(int(para.span.end)),
                Some(int(para.original.start)),
                Some(int(para.original.end)),
                para.cluster.map(i64::from),
            ];
            for (column, value) in p.ints.iter_mut().zip(ints) {
                column.append_option(value);
            }
            p.strings[0].append_option(para.class.as_deref());
            p.strings[1].append_option(para.kind.as_deref());
            self.similarity.append_option(para.similarity);
        }
        p.end_row(r.paragraphs.len());

        let d = &mut self.removed;
        for removal in &r.removed {
            let ints = [removal.line, removal.original.start, removal.original.end];
            for (column, value) in d.ints.iter_mut().zip(ints) {
                column.append_value(int(value));
            }
            d.strings[0].append_option(removal.text.as_deref());
            d.strings[1].append_value(&removal.rule);
        }
        d.end_row(r.removed.len());

        self.url.append_option(r.url.as_deref());
        self.site_source
            .append_value(site_source_name(r.site_source));
        self.platforms.append_value(r.platforms.iter().map(Some));
        self.source.append_value(&r.source);
        self.notes.append_value(r.notes.iter().map(Some));
        let mut fields = r.fields.clone();
        fields.extend(r.top_fields.clone());
        self.fields.append_option(
            (!fields.is_empty()).then(|| serde_json::Value::Object(fields).to_string()),
        );
        self.rows += 1;
        self.bytes += record_bytes(r);
    }

    /// The buffered rows as a batch of `schema`; starts over.
    fn finish(&mut self, schema: &SchemaRef) -> Result<RecordBatch, arrow_schema::ArrowError> {
        fn done(b: &mut StringBuilder) -> ArrayRef {
            Arc::new(b.finish())
        }
        let [title, section, published, updated, author] = &mut self.metadata;
        let p = &mut self.paragraphs;
        let [line, span_start, span_end, original_start, original_end, cluster] = &mut p.ints[..]
        else {
            unreachable!("six int columns")
        };
        let paragraph_children: Vec<ArrayRef> = vec![
            Arc::new(line.finish()),
            Arc::new(span_start.finish()),
            Arc::new(span_end.finish()),
            Arc::new(original_start.finish()),
            Arc::new(original_end.finish()),
            done(&mut p.strings[0]),
            Arc::new(cluster.finish()),
            done(&mut p.strings[1]),
            Arc::new(self.similarity.finish()),
        ];
        let paragraphs = p.finish(paragraph_children)?;
        let d = &mut self.removed;
        let mut removal_children: Vec<ArrayRef> = Vec::with_capacity(5);
        for column in &mut d.ints {
            removal_children.push(Arc::new(column.finish()));
        }
        for column in &mut d.strings {
            removal_children.push(done(column));
        }
        let removed = d.finish(removal_children)?;
        let columns: Vec<ArrayRef> = vec![
            done(&mut self.id),
            done(&mut self.site),
            done(title),
            done(section),
            done(published),
            done(updated),
            done(author),
            Arc::new(self.credits.finish()),
            done(&mut self.text),
            paragraphs,
            removed,
            done(&mut self.url),
            done(&mut self.site_source),
            Arc::new(self.platforms.finish()),
            done(&mut self.source),
            Arc::new(self.notes.finish()),
            done(&mut self.fields),
        ];
        self.rows = 0;
        self.bytes = 0;
        RecordBatch::try_new(schema.clone(), columns)
    }
}

/// The bytes a record adds to the buffer: its strings, and 8 per number.
fn record_bytes(r: &Record) -> usize {
    let m = &r.metadata;
    let metadata: usize = m
        .named_fields()
        .iter()
        .map(|(_, v)| v.as_ref().map_or(0, String::len))
        .sum();
    let lists: usize = [&m.credits, &r.platforms, &r.notes]
        .iter()
        .flat_map(|l| l.iter())
        .map(String::len)
        .sum();
    let paragraphs: usize = r
        .paragraphs
        .iter()
        .map(|p| {
            let strings =
                p.class.as_ref().map_or(0, String::len) + p.kind.as_ref().map_or(0, String::len);
            strings + 7 * 8
        })
        .sum();
    let removed: usize = r
        .removed
        .iter()
        .map(|d| d.text.as_ref().map_or(0, String::len) + d.rule.len() + 3 * 8)
        .sum();
    r.id.len()
        + r.site.len()
        + metadata
        + lists
        + r.text.len()
        + paragraphs
        + removed
        + r.url.as_ref().map_or(0, String::len)
        + r.source.len()
}

/// Writes `documents.parquet`.
pub struct ParquetSink {
    path: PathBuf,
    schema: SchemaRef,
    /// `None` once finished.
    writer: Option<ArrowWriter<File>>,
    columns: Columns,
}

impl ParquetSink {
    /// Starts `dir/documents.parquet`.
    pub fn create(dir: &Path) -> Result<ParquetSink, OutputError> {
        let path = dir.join("documents.parquet");
        let file = File::create(&path).map_err(super::io_err(&path))?;
        let schema = Arc::new(schema());
        let props = WriterProperties::builder()
            .set_compression(COMPRESSION)
            // Row groups are cut here, by rows and by bytes; this only keeps the writer from
            // splitting one.
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            // Texts are nearly all distinct: a dictionary would only be built and dropped.
            .set_column_dictionary_enabled(ColumnPath::from("text"), false)
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
            .map_err(|e| parquet_err(&path, e))?;
        Ok(ParquetSink {
            path,
            schema,
            writer: Some(writer),
            columns: Columns::new(),
        })
    }

    fn writer(&mut self) -> Result<&mut ArrowWriter<File>, OutputError> {
        let path = &self.path;
        self.writer.as_mut().ok_or_else(|| OutputError::Io {
            path: path.clone(),
            source: io::Error::other("written to after it was finished"),
        })
    }

    /// Buffers a final record, writing the buffered rows first when it would take them past
    /// [`ROW_GROUP_BYTES`], and after it when they reach [`ROW_GROUP_ROWS`].
    fn push(&mut self, record: &Record) -> Result<(), OutputError> {
        let bytes = record_bytes(record);
        if bytes > i32::MAX as usize {
            // Utf8 offsets are i32: one record past 2 GiB fits no row group of this schema.
            return Err(OutputError::Io {
                path: self.path.clone(),
                source: io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "record {}: {bytes} bytes of strings, over a row group's 2 GiB",
                        record.id
                    ),
                ),
            });
        }
        if self.columns.rows > 0 && self.columns.bytes + bytes > ROW_GROUP_BYTES {
            self.write_row_group()?;
        }
        self.columns.push(record);
        if self.columns.rows >= ROW_GROUP_ROWS {
            self.write_row_group()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group.
    fn write_row_group(&mut self) -> Result<(), OutputError> {
        if self.columns.rows == 0 {
            return Ok(());
        }
        let batch = self
            .columns
            .finish(&self.schema)
            .map_err(|e| parquet_err(&self.path, e.into()))?;
        let path = self.path.clone();
        let writer = self.writer()?;
        writer
            .write(&batch)
            .and_then(|()| writer.flush())
            .map_err(|e| parquet_err(&path, e))
    }
}

/// A Parquet or Arrow error as an output error on `path`.
pub(crate) fn parquet_err(path: &Path, e: parquet::errors::ParquetError) -> OutputError {
    let source = match e {
        parquet::errors::ParquetError::External(e) => match e.downcast::<io::Error>() {
            Ok(io) => *io,
            Err(e) => io::Error::other(e),
        },
        e => io::Error::other(e),
    };
    OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Sink for ParquetSink {
    fn cleaned(
        &mut self,
        _: &Document,
        record: &Record,
        _: &[u8],
        last: bool,
    ) -> Result<(), OutputError> {
        if last {
            self.push(record)?;
        }
        Ok(())
    }

    fn annotated(&mut self, _: &[u8], record: Option<&Record>) -> Result<(), OutputError> {
        self.push(record.expect("the Parquet sink wants records"))
    }

    fn finish(&mut self) -> Result<(), OutputError> {
        self.write_row_group()?;
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let file = writer
            .into_inner()
            .map_err(|e| parquet_err(&self.path, e))?;
        file.sync_all().map_err(super::io_err(&self.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Metadata, Span};
    use crate::output::{ParagraphRecord, RemovalRecord};
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    fn record(id: &str, text: &str) -> Record {
        Record {
            id: id.into(),
            site: "scmp".into(),
            metadata: Metadata {
                title: Some("Título".into()),
                credits: vec!["AFP".into()],
                ..Metadata::default()
            },
            text: text.into(),
            paragraphs: vec![ParagraphRecord {
                line: 3,
                span: Span::new(0, text.chars().count()),
                original: Span::new(10, 10 + text.chars().count()),
                class: None,
                cluster: Some(7),
                kind: Some("syndicated".into()),
                similarity: Some(0.95),
            }],
            removed: vec![RemovalRecord {
                line: 1,
                original: Span::new(0, 9),
                text: Some("Advert ✂".into()),
                rule: "generic:ads".into(),
            }],
            url: None,
            site_source: SiteSource::Fingerprint,
            platforms: vec![],
            source: format!("{id}.txt"),
            notes: vec![],
            fields: Default::default(),
            top_fields: Default::default(),
        }
    }

    #[test]
    fn site_source_names_are_serdes() {
        for s in [
            SiteSource::Record,
            SiteSource::Url,
            SiteSource::Flag,
            SiteSource::Fingerprint,
            SiteSource::Unknown,
        ] {
            assert_eq!(serde_json::json!(site_source_name(s)), serde_json::json!(s));
        }
    }

    #[test]
    fn rows_round_trip_and_row_groups_are_bounded() {
        let dir = std::env::temp_dir().join(format!("newsclean-parquet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut sink = ParquetSink::create(&dir).expect("create");
        let n = ROW_GROUP_ROWS + 5;
        for i in 0..n {
            sink.push(&record(&format!("doc-{i}"), "Ünïcode text"))
                .expect("push");
        }
        sink.finish().expect("finish");
        let file = File::open(dir.join("documents.parquet")).expect("open");
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("reader");
        assert_eq!(builder.schema().as_ref(), &schema());
        let groups: Vec<i64> = builder
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect();
        assert_eq!(groups, [ROW_GROUP_ROWS as i64, 5]);
        let batches: Vec<RecordBatch> = builder
            .build()
            .expect("build")
            .collect::<Result<_, _>>()
            .expect("read");
        let last = batches.last().expect("a batch");
        let row = last.num_rows() - 1;
        let id = last.column_by_name("id").expect("id").as_string::<i32>();
        assert_eq!(id.value(row), format!("doc-{}", n - 1));
        let paragraphs = last
            .column_by_name("paragraphs")
            .expect("paragraphs")
            .as_list::<i32>();
        let items = paragraphs.value(row);
        let items = items.as_struct();
        let span_end = items
            .column_by_name("span_end")
            .expect("span_end")
            .as_primitive::<Int64Type>();
        assert_eq!(span_end.value(0), 12, "code points, not bytes");
        let cluster = items
            .column_by_name("cluster")
            .expect("cluster")
            .as_primitive::<Int64Type>();
        assert_eq!(cluster.value(0), 7);
        let class = items.column_by_name("class").expect("class");
        assert!(class.is_null(0));
        let title = last
            .column_by_name("title")
            .expect("title")
            .as_string::<i32>();
        assert_eq!(title.value(row), "Título");
        assert!(last.column_by_name("author").expect("author").is_null(row));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_large_record_starts_a_row_group() {
        let dir =
            std::env::temp_dir().join(format!("newsclean-parquet-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut sink = ParquetSink::create(&dir).expect("create");
        let big = "x".repeat(ROW_GROUP_BYTES / 2);
        for i in 0..3 {
            sink.push(&record(&format!("big-{i}"), &big)).expect("push");
        }
        sink.finish().expect("finish");
        let file = File::open(dir.join("documents.parquet")).expect("open");
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("reader");
        let groups: Vec<i64> = builder
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect();
        assert_eq!(
            groups,
            [1, 1, 1],
            "two halves and their overhead pass the budget"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
