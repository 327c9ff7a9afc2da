//! `newsclean sketch`: the paragraph sketches of a batch as Parquet shards, for a cluster job
//! (`python/newsclean/spark.py`) to run the global part of near-duplicate detection.
//!
//! Sketching is per document; the candidate join and the clustering need the whole batch.
//! On one machine `run` keeps the sketches in memory (82 bytes a paragraph); past that, each
//! machine sketches its share of the input into shards and the join runs where the shards
//! are. The rows are exactly what `run`'s detector is given: the sketches come from the one
//! sketching path ([`spill::sketch_paragraphs`]) and the word hashes and flags are what its
//! spill file keeps for verification.
//!
//! One row per cleaned paragraph, in input order, in `sketches-NNNNN.parquet` (a shard per
//! JSONL input file; a shard is also cut at `max_rows` rows, at a document boundary), plus
//! `_config.json`, the [`DedupConfig`] the sketches were made with, which the job reads its
//! thresholds from (named with a `_` so that Spark, pyarrow and DuckDB read the directory as
//! one Parquet dataset, skipping it). The directory appears whole or not at all
//! ([`OutputDir`]).
//!
//! | column | type | what |
//! | --- | --- | --- |
//! | `shard` | Int32 | shard number: with `doc` and `para`, the batch order `run` adds paragraphs in |
//! | `doc` | Int32 | document number within the shard |
//! | `para` | Int32 | paragraph index within the document |
//! | `doc_id`, `site` | Utf8 | the document's id and outlet, as `run` names them |
//! | `credits` | List<Utf8> | wire credits found in the document |
//! | `words` | Int32 | normalised words |
//! | `content_hash`, `simhash` | Int64 | the 64-bit hashes, bit for bit (Spark has no unsigned types) |
//! | `anchors` | List<Int64> | winnowed n-gram anchors (32-bit values) |
//! | `word_hashes` | Binary | one little-endian `u64` per normalised word: verification's n-grams are built from them |
//! | `word_flags` | Binary | one byte per word: quoted (1), opens a sentence (2) |
//!
//! Word hashes and not the n-gram set: verification ([`Prepared::from_words`]) needs the
//! n-grams in order and each word's quote and sentence flags, not only the set, and 8 bytes
//! a word is no more than the set of trigrams would take.
//!
//! [`Prepared::from_words`]: crate::dedup::verify::Prepared::from_words

use super::parquet::{parquet_err, COMPRESSION};
use super::{OutputDir, OutputError};
use crate::dedup::spill::sketch_paragraphs;
use crate::dedup::{DedupConfig, DocumentInfo, ParagraphSketch};
use arrow_array::builder::{BinaryBuilder, Int32Builder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows buffered before they are written (and the row group size).
const BATCH_ROWS: usize = 65_536;

/// The default largest shard, in rows (paragraphs).
pub const MAX_SHARD_ROWS: usize = 4_000_000;

/// One paragraph as sketched for the shards: its sketch and what verification needs.
#[derive(Clone, Debug)]
pub struct SketchedParagraph {
    pub sketch: ParagraphSketch,
    pub word_hashes: Vec<u64>,
    pub word_flags: Vec<u8>,
}

/// Sketches a document's cleaned paragraphs for the shards. Pure: run it in rayon.
pub fn sketch_document<'a>(
    paragraphs: impl Iterator<Item = &'a str>,
    config: &DedupConfig,
) -> Vec<SketchedParagraph> {
    let mut out = Vec::new();
    sketch_paragraphs(paragraphs, config, |sketch, hashes, flags| {
        out.push(SketchedParagraph {
            sketch,
            word_hashes: hashes.to_vec(),
            word_flags: flags.to_vec(),
        })
    });
    out
}

/// The Arrow schema of a shard (see the module doc).
pub fn schema() -> Schema {
    let list = |name: &str, item: DataType| {
        Field::new(
            name,
            DataType::List(Arc::new(Field::new_list_field(item, false))),
            false,
        )
    };
    Schema::new(vec![
        Field::new("shard", DataType::Int32, false),
        Field::new("doc", DataType::Int32, false),
        Field::new("para", DataType::Int32, false),
        Field::new("doc_id", DataType::Utf8, false),
        Field::new("site", DataType::Utf8, false),
        list("credits", DataType::Utf8),
        Field::new("words", DataType::Int32, false),
        Field::new("content_hash", DataType::Int64, false),
        Field::new("simhash", DataType::Int64, false),
        list("anchors", DataType::Int64),
        Field::new("word_hashes", DataType::Binary, false),
        Field::new("word_flags", DataType::Binary, false),
    ])
}

/// The column builders of the rows not yet written.
struct Columns {
    shard: Int32Builder,
    doc: Int32Builder,
    para: Int32Builder,
    doc_id: StringBuilder,
    site: StringBuilder,
    credits: ListBuilder<StringBuilder>,
    words: Int32Builder,
    content_hash: Int64Builder,
    simhash: Int64Builder,
    anchors: ListBuilder<Int64Builder>,
    word_hashes: BinaryBuilder,
    word_flags: BinaryBuilder,
    rows: usize,
}

impl Columns {
    fn new(schema: &Schema) -> Columns {
        let item = |name: &str| match schema.field_with_name(name).map(Field::data_type) {
            Ok(DataType::List(item)) => item.clone(),
            _ => unreachable!("{name} is a list column of the schema"),
        };
        Columns {
            shard: Int32Builder::new(),
            doc: Int32Builder::new(),
            para: Int32Builder::new(),
            doc_id: StringBuilder::new(),
            site: StringBuilder::new(),
            credits: ListBuilder::new(StringBuilder::new()).with_field(item("credits")),
            words: Int32Builder::new(),
            content_hash: Int64Builder::new(),
            simhash: Int64Builder::new(),
            anchors: ListBuilder::new(Int64Builder::new()).with_field(item("anchors")),
            word_hashes: BinaryBuilder::new(),
            word_flags: BinaryBuilder::new(),
            rows: 0,
        }
    }

    fn finish(&mut self, schema: &SchemaRef) -> Result<RecordBatch, arrow_schema::ArrowError> {
        self.rows = 0;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.shard.finish()),
            Arc::new(self.doc.finish()),
            Arc::new(self.para.finish()),
            Arc::new(self.doc_id.finish()),
            Arc::new(self.site.finish()),
            Arc::new(self.credits.finish()),
            Arc::new(self.words.finish()),
            Arc::new(self.content_hash.finish()),
            Arc::new(self.simhash.finish()),
            Arc::new(self.anchors.finish()),
            Arc::new(self.word_hashes.finish()),
            Arc::new(self.word_flags.finish()),
        ];
        RecordBatch::try_new(schema.clone(), columns)
    }
}

/// The shard being written.
struct Shard {
    path: PathBuf,
    writer: ArrowWriter<File>,
    number: i32,
    documents: i32,
    rows: usize,
}

/// Writes a batch's sketches as Parquet shards into an output directory.
pub struct SketchShards {
    dir: OutputDir,
    config: DedupConfig,
    schema: SchemaRef,
    columns: Columns,
    shard: Option<Shard>,
    shards: i32,
    max_rows: usize,
    /// Number of the first shard ([`SketchShards::first_shard`]).
    first: i32,
    /// Paragraphs written, all shards.
    pub paragraphs: u64,
    /// Whether a batch that sketched no document still writes its (empty) directory.
    pub allow_empty: bool,
}

impl SketchShards {
    /// Starts the output directory `out` (replaced only with `force`); sketches are to be
    /// made with `config`. A shard is cut once it holds `max_rows` rows.
    pub fn create(
        out: &Path,
        force: bool,
        config: &DedupConfig,
        max_rows: usize,
    ) -> Result<SketchShards, OutputError> {
        let schema = Arc::new(schema());
        Ok(SketchShards {
            dir: OutputDir::create(out, force)?,
            config: config.clone(),
            columns: Columns::new(&schema),
            schema,
            shard: None,
            shards: 0,
            max_rows: max_rows.max(1),
            first: 0,
            paragraphs: 0,
            allow_empty: false,
        })
    }

    /// Numbers the shards from `first` on (before any document is added): machines that
    /// sketch consecutive shares of one batch each start where the previous share's shards
    /// end, and the job orders paragraphs by shard number as `run` would have read them.
    pub fn first_shard(mut self, first: u32) -> SketchShards {
        self.first = i32::try_from(first).unwrap_or(i32::MAX);
        self.shards = self.first;
        self
    }

    /// Writes the directory even when no document is sketched (a machine's empty share of a
    /// batch); without it such a batch writes nothing, as `clean` and `run` do.
    pub fn allow_empty(mut self, allow: bool) -> SketchShards {
        self.allow_empty = allow;
        self
    }

    /// Ends the current shard: the next document starts a new one (a new input file).
    pub fn cut(&mut self) -> Result<(), OutputError> {
        self.write_rows()?;
        if let Some(shard) = self.shard.take() {
            let file = shard
                .writer
                .into_inner()
                .map_err(|e| parquet_err(&shard.path, e))?;
            file.sync_all().map_err(super::io_err(&shard.path))?;
        }
        Ok(())
    }

    /// Appends a document's sketched paragraphs, in paragraph order.
    pub fn add_document(
        &mut self,
        info: &DocumentInfo,
        paragraphs: &[SketchedParagraph],
    ) -> Result<(), OutputError> {
        if self.shard.as_ref().is_some_and(|s| s.rows >= self.max_rows) {
            self.cut()?;
        }
        if self.shard.is_none() {
            let path = self
                .dir
                .staging()
                .join(format!("sketches-{:05}.parquet", self.shards));
            let file = File::create(&path).map_err(super::io_err(&path))?;
            let props = WriterProperties::builder()
                .set_compression(COMPRESSION)
                .set_max_row_group_row_count(Some(BATCH_ROWS))
                .build();
            let writer = ArrowWriter::try_new(file, self.schema.clone(), Some(props))
                .map_err(|e| parquet_err(&path, e))?;
            self.shard = Some(Shard {
                path,
                writer,
                number: self.shards,
                documents: 0,
                rows: 0,
            });
            self.shards += 1;
        }
        let shard = self.shard.as_mut().expect("a shard was just started");
        let c = &mut self.columns;
        for (para, p) in paragraphs.iter().enumerate() {
            c.shard.append_value(shard.number);
            c.doc.append_value(shard.documents);
            c.para.append_value(para as i32);
            c.doc_id.append_value(&info.id);
            c.site.append_value(&info.site);
            for credit in &info.credits {
                c.credits.values().append_value(credit);
            }
            c.credits.append(true);
            c.words.append_value(p.sketch.word_count() as i32);
            // Bit for bit: the job compares and XORs them, it never does arithmetic.
            c.content_hash.append_value(p.sketch.content_hash() as i64);
            c.simhash.append_value(p.sketch.simhash() as i64);
            for &anchor in p.sketch.anchors() {
                c.anchors.values().append_value(i64::from(anchor));
            }
            c.anchors.append(true);
            let mut bytes = Vec::with_capacity(p.word_hashes.len() * 8);
            for hash in &p.word_hashes {
                bytes.extend_from_slice(&hash.to_le_bytes());
            }
            c.word_hashes.append_value(&bytes);
            c.word_flags.append_value(&p.word_flags);
            c.rows += 1;
        }
        shard.documents += 1;
        shard.rows += paragraphs.len();
        self.paragraphs += paragraphs.len() as u64;
        if self.columns.rows >= BATCH_ROWS {
            self.write_rows()?;
        }
        Ok(())
    }

    fn write_rows(&mut self) -> Result<(), OutputError> {
        let Some(shard) = self.shard.as_mut() else {
            return Ok(());
        };
        if self.columns.rows == 0 {
            return Ok(());
        }
        let batch = self
            .columns
            .finish(&self.schema)
            .map_err(|e| parquet_err(&shard.path, e.into()))?;
        shard
            .writer
            .write(&batch)
            .map_err(|e| parquet_err(&shard.path, e))
    }

    /// Number of shards started.
    pub fn shard_count(&self) -> usize {
        (self.shards - self.first) as usize
    }

    /// Finishes the last shard, writes `_config.json` and moves the directory into place.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        self.cut()?;
        let config = serde_json::to_vec_pretty(&self.config).expect("a config serialises");
        self.dir.write_file("_config.json", &config)?;
        self.dir.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Int32Type, Int64Type};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    #[test]
    fn shards_hold_the_sketches_run_computes() {
        let config = DedupConfig::default();
        let wire = "The Kim dynasty has ruled the impoverished but nuclear-armed state for three generations.";
        let texts = [wire, "Too short here."];
        let dir = std::env::temp_dir().join(format!("newsclean-sketch-{}", std::process::id()));
        let out = dir.join("sketches");
        let _ = std::fs::remove_dir_all(&dir);
        let mut shards = SketchShards::create(&out, false, &config, 3).expect("writable");
        let info = DocumentInfo {
            id: "a".into(),
            site: "scmp".into(),
            credits: vec!["AFP".into()],
        };
        for _ in 0..2 {
            let sketched = sketch_document(texts.iter().copied(), &config);
            shards.add_document(&info, &sketched).expect("written");
        }
        assert_eq!(shards.shard_count(), 1);
        shards.cut().expect("cut");
        shards.add_document(&info, &[]).expect("written");
        assert_eq!(shards.shard_count(), 2);
        shards.commit().expect("committed");
        let file = File::open(out.join("sketches-00000.parquet")).expect("first shard");
        let batch = ParquetRecordBatchReaderBuilder::try_new(file)
            .expect("parquet")
            .build()
            .expect("reader")
            .next()
            .expect("a batch")
            .expect("readable");
        assert_eq!(batch.num_rows(), 4);
        let expected = crate::dedup::sketch(wire, &config);
        let simhash = batch.column(8).as_primitive::<Int64Type>();
        assert_eq!(simhash.value(2) as u64, expected.simhash());
        let docs = batch.column(1).as_primitive::<Int32Type>();
        assert_eq!((docs.value(0), docs.value(3)), (0, 1));
        let anchors = batch.column(9).as_list::<i32>();
        let first: Vec<u32> = anchors
            .value(0)
            .as_primitive::<Int64Type>()
            .values()
            .iter()
            .map(|&a| a as u32)
            .collect();
        assert_eq!(first, expected.anchors());
        let words = batch.column(10).as_binary::<i32>();
        assert_eq!(words.value(0).len(), 8 * expected.word_count() as usize);
        assert!(out.join("_config.json").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
