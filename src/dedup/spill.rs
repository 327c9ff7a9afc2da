//! A spill file of the paragraphs' words, so that verification reads back what a paragraph
//! was sketched from instead of re-reading and re-normalising its text.
//!
//! While sketching, each document's paragraphs are normalised and their words hashed once;
//! [`sketch_document`] returns their sketches and an encoded block of their word hashes and
//! flags, which the caller appends to a [`SpillWriter`] in document order.
//! [`Spill::prepared`] later decodes the paragraphs a verification batch needs, reading each
//! one with one positioned read of exactly its bytes (paragraphs in parallel). Memory holds
//! one offset per document and one 4-byte offset per paragraph; the words stay on disk (9
//! bytes a word). Reading whole document blocks instead copied about nine times the bytes
//! (a batch needs one or two paragraphs of most documents it touches); mapping the file
//! instead made the kernel map 64 KiB around every touched block, 1.3 GB of resident pages
//! on a 1 GB batch.
//!
//! Block layout, little-endian: paragraph count (`u32`), then per paragraph its word count
//! (`u32`), one `u64` hash per word ([`fingerprint::word_hashes`]) and one flag byte per word
//! ([`verify::word_flags`]).

use super::fingerprint;
use super::normalize::{normalize_into, Normalized};
use super::verify::{self, Prepared};
use super::{sketch_hashed, DedupConfig, ParagraphKey, ParagraphSketch};
use rayon::prelude::*;
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Normalises each paragraph of a document once, returning its sketches and its encoded
/// spill block. Pure: run it in rayon.
pub fn sketch_document<'a>(
    paragraphs: impl ExactSizeIterator<Item = &'a str>,
    config: &DedupConfig,
) -> (Vec<ParagraphSketch>, Vec<u8>) {
    let mut sketches = Vec::with_capacity(paragraphs.len());
    let mut block = Vec::new();
    push_u32(&mut block, paragraphs.len());
    sketch_paragraphs(paragraphs, config, |sketch, hashes, flags| {
        sketches.push(sketch);
        push_u32(&mut block, hashes.len());
        block.reserve(hashes.len() * 9);
        for hash in hashes {
            block.extend_from_slice(&hash.to_le_bytes());
        }
        block.extend_from_slice(flags);
    });
    (sketches, block)
}

/// Normalises each paragraph once and hands `each` its sketch, its word hashes
/// ([`fingerprint::word_hashes`]) and its per-word flags ([`verify::word_flags`]): what
/// verification later needs ([`Prepared::from_words`]). The one sketching path of both the
/// spill ([`sketch_document`]) and the sketch shards of `newsclean sketch`
/// ([`crate::output::sketches`]), so the two cannot drift apart.
pub fn sketch_paragraphs<'a>(
    paragraphs: impl Iterator<Item = &'a str>,
    config: &DedupConfig,
    mut each: impl FnMut(ParagraphSketch, &[u64], &[u8]),
) {
    let mut normalized = Normalized::default();
    let mut hashes: Vec<u64> = Vec::new();
    let mut flags: Vec<u8> = Vec::new();
    for text in paragraphs {
        normalize_into(text, &mut normalized);
        hashes.clear();
        fingerprint::word_hashes_into(&normalized, &mut hashes);
        flags.clear();
        flags.extend(normalized.spans().iter().map(verify::span_flags));
        each(sketch_hashed(&normalized, &hashes, config), &hashes, &flags);
    }
}

fn push_u32(out: &mut Vec<u8>, value: usize) {
    let value = u32::try_from(value).unwrap_or(u32::MAX);
    out.extend_from_slice(&value.to_le_bytes());
}

/// Reads a little-endian `u32` at `*at`, advancing it.
fn take_u32(block: &[u8], at: &mut usize) -> Option<usize> {
    let bytes = block.get(*at..*at + 4)?;
    *at += 4;
    Some(u32::from_le_bytes(bytes.try_into().ok()?) as usize)
}

/// Prepares one paragraph record (word count, hashes, flags) for verification; `None` when
/// it is malformed.
fn decode(record: &[u8], ngram: usize) -> Option<Prepared> {
    let mut at = 0;
    let words = take_u32(record, &mut at)?;
    let hashes = record.get(at..at.checked_add(words.checked_mul(8)?)?)?;
    at += words * 8;
    let flags = record.get(at..at.checked_add(words)?)?;
    HASHES.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        buffer.clear();
        buffer.extend(
            hashes
                .chunks_exact(8)
                .map(|bytes| u64::from_le_bytes(bytes.try_into().expect("8 bytes"))),
        );
        Some(Prepared::from_words(&buffer, flags, ngram))
    })
}

/// Offsets of each paragraph record inside `block`, relative to the block (`None` when the
/// block is malformed).
fn paragraph_offsets(block: &[u8]) -> Option<Vec<u32>> {
    let mut at = 0;
    let count = take_u32(block, &mut at)?;
    let mut offsets = Vec::with_capacity(count);
    for _ in 0..count {
        offsets.push(u32::try_from(at).ok()?);
        let words = take_u32(block, &mut at)?;
        at = at.checked_add(words.checked_mul(9)?)?;
    }
    Some(offsets)
}

thread_local! {
    /// Per-thread buffers for decoding: a paragraph record, its word hashes.
    static RECORD: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static HASHES: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Appends document blocks to a spill file, remembering where each starts.
pub struct SpillWriter {
    out: BufWriter<File>,
    offsets: Vec<u64>,
    /// Index in `paragraphs` of each document's first paragraph.
    first_paragraph: Vec<u32>,
    /// Offset of each paragraph record inside its document's block.
    paragraphs: Vec<u32>,
    end: u64,
}

impl SpillWriter {
    /// Creates (truncates) the spill file at `path`.
    pub fn create(path: &Path) -> io::Result<SpillWriter> {
        Ok(SpillWriter {
            out: BufWriter::with_capacity(1 << 20, File::create(path)?),
            offsets: Vec::new(),
            first_paragraph: Vec::new(),
            paragraphs: Vec::new(),
            end: 0,
        })
    }

    /// Appends the block of the next document (documents in [`super::Detector`] order).
    pub fn append(&mut self, block: &[u8]) -> io::Result<()> {
        let offsets = paragraph_offsets(block)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "malformed spill block"))?;
        let first = u32::try_from(self.paragraphs.len())
            .map_err(|_| io::Error::other("more than u32::MAX spilled paragraphs"))?;
        self.out.write_all(block)?;
        self.first_paragraph.push(first);
        self.paragraphs.extend(offsets);
        self.offsets.push(self.end);
        self.end += block.len() as u64;
        Ok(())
    }

    /// Flushes the file and opens it for reading.
    pub fn finish(mut self, path: &Path) -> io::Result<Spill> {
        self.out.flush()?;
        self.offsets.push(self.end);
        self.first_paragraph
            .push(u32::try_from(self.paragraphs.len()).unwrap_or(u32::MAX));
        self.offsets.shrink_to_fit();
        self.first_paragraph.shrink_to_fit();
        self.paragraphs.shrink_to_fit();
        Ok(Spill {
            file: File::open(path)?,
            offsets: self.offsets,
            first_paragraph: self.first_paragraph,
            paragraphs: self.paragraphs,
        })
    }
}

/// A finished spill file: the normalised paragraphs of every document, by document index.
pub struct Spill {
    file: File,
    /// Start of each document's block, then the end of the file.
    offsets: Vec<u64>,
    /// Index in `paragraphs` of each document's first paragraph, then their count.
    first_paragraph: Vec<u32>,
    /// Offset of each paragraph record inside its document's block.
    paragraphs: Vec<u32>,
}

impl Spill {
    /// What verification needs of `keys`, with word `ngram`s, in order; a paragraph that
    /// cannot be read back comes out empty (it then matches nothing).
    pub fn prepared(&self, keys: &[ParagraphKey], ngram: usize) -> Vec<Prepared> {
        keys.par_iter()
            .map(|&key| {
                RECORD.with(|record| {
                    let mut record = record.borrow_mut();
                    if self.read_record(key, &mut record) {
                        decode(&record, ngram).unwrap_or_default()
                    } else {
                        Prepared::default()
                    }
                })
            })
            .collect()
    }

    /// Where paragraph `key`'s record is in the file: start and end.
    fn locate(&self, key: ParagraphKey) -> Option<(u64, u64)> {
        let doc = key.doc as usize;
        let block = *self.offsets.get(doc)?;
        let block_end = *self.offsets.get(doc + 1)?;
        let first = *self.first_paragraph.get(doc)? as usize;
        let next_doc = *self.first_paragraph.get(doc + 1)? as usize;
        let index = first.checked_add(key.para as usize)?;
        if index >= next_doc {
            return None;
        }
        let start = block + u64::from(*self.paragraphs.get(index)?);
        let end = if index + 1 < next_doc {
            block + u64::from(*self.paragraphs.get(index + 1)?)
        } else {
            block_end
        };
        (start <= end).then_some((start, end))
    }

    /// Reads paragraph `key`'s record into `record`; false when it cannot.
    fn read_record(&self, key: ParagraphKey, record: &mut Vec<u8>) -> bool {
        let Some((start, end)) = self.locate(key) else {
            return false;
        };
        let Ok(len) = usize::try_from(end - start) else {
            return false;
        };
        record.clear();
        record.resize(len, 0);
        self.file.read_exact_at(record, start).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::normalize::normalize;
    use crate::dedup::sketch;
    use crate::dedup::verify::measure;

    #[test]
    fn spilled_paragraphs_verify_as_their_texts() {
        let docs = [
            vec![
                "“It’s the colour of the U.S. flag,” he said. Then: 1,000 per cent.",
                "",
                "Café ‘déjà vu’ — Yong-ho's 90s, he said, it is the colour of the U.S. flag.",
            ],
            vec!["A second document with one paragraph."],
        ];
        let config = DedupConfig::default();
        let path = std::env::temp_dir().join(format!("newsclean-spill-{}", std::process::id()));
        let mut writer = SpillWriter::create(&path).expect("create");
        for doc in &docs {
            let (sketches, block) = sketch_document(doc.iter().copied(), &config);
            let expected: Vec<_> = doc.iter().map(|p| sketch(p, &config)).collect();
            assert_eq!(sketches, expected);
            writer.append(&block).expect("append");
        }
        let spill = writer.finish(&path).expect("finish");
        let keys = [
            ParagraphKey { doc: 1, para: 0 },
            ParagraphKey { doc: 0, para: 2 },
            ParagraphKey { doc: 0, para: 0 },
            ParagraphKey { doc: 0, para: 1 },
            ParagraphKey { doc: 0, para: 9 },
            ParagraphKey { doc: 7, para: 0 },
        ];
        let got = spill.prepared(&keys, 3);
        let texts = [docs[1][0], docs[0][2], docs[0][0], docs[0][1]];
        let from_text: Vec<Prepared> = texts
            .iter()
            .map(|t| Prepared::new(normalize(t), 3))
            .collect();
        for i in 0..4 {
            assert_eq!(got[i].len(), from_text[i].len(), "{}", texts[i]);
            for j in 0..4 {
                assert_eq!(
                    measure(&got[i], &got[j], &config),
                    measure(&from_text[i], &from_text[j], &config)
                );
            }
        }
        assert!(
            got[4].is_empty() && got[5].is_empty(),
            "missing ones are empty"
        );
        std::fs::remove_file(&path).expect("remove");
    }
}
