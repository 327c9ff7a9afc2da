//! A spill file of the paragraphs' words, so that verification reads back what a paragraph
//! was sketched from instead of re-reading and re-normalising its text.
//!
//! While sketching, each document's paragraphs are normalised and their words hashed once;
//! [`sketch_document`] returns their sketches and an encoded block of their word hashes and
//! flags, which the caller appends to a [`SpillWriter`] in document order.
//! [`Spill::prepared`] later decodes the paragraphs a verification batch needs, reading each
//! document's block with one positioned read (documents in parallel). Memory holds one
//! offset per document; the words stay on disk (9 bytes a word).
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
    let mut normalized = Normalized::default();
    let mut sketches = Vec::with_capacity(paragraphs.len());
    let mut block = Vec::new();
    push_u32(&mut block, paragraphs.len());
    for text in paragraphs {
        normalize_into(text, &mut normalized);
        let hashes = fingerprint::word_hashes(&normalized);
        sketches.push(sketch_hashed(&normalized, &hashes, config));
        push_u32(&mut block, hashes.len());
        for hash in hashes {
            block.extend_from_slice(&hash.to_le_bytes());
        }
        block.extend(verify::word_flags(&normalized));
    }
    (sketches, block)
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

/// Prepares paragraph `para` of a document block for verification; `None` when the block
/// is malformed or the document has fewer paragraphs.
fn decode(block: &[u8], para: usize, ngram: usize) -> Option<Prepared> {
    let mut at = 0;
    let count = take_u32(block, &mut at)?;
    if para >= count {
        return None;
    }
    for _ in 0..para {
        let words = take_u32(block, &mut at)?;
        at = at.checked_add(words.checked_mul(9)?)?;
    }
    let words = take_u32(block, &mut at)?;
    let hashes = block.get(at..at.checked_add(words.checked_mul(8)?)?)?;
    at += words * 8;
    let flags = block.get(at..at.checked_add(words)?)?.to_vec();
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

thread_local! {
    /// Per-thread buffers for decoding: a document block, a paragraph's word hashes.
    static BLOCK: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static HASHES: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Appends document blocks to a spill file, remembering where each starts.
pub struct SpillWriter {
    out: BufWriter<File>,
    offsets: Vec<u64>,
    end: u64,
}

impl SpillWriter {
    /// Creates (truncates) the spill file at `path`.
    pub fn create(path: &Path) -> io::Result<SpillWriter> {
        Ok(SpillWriter {
            out: BufWriter::with_capacity(1 << 20, File::create(path)?),
            offsets: Vec::new(),
            end: 0,
        })
    }

    /// Appends the block of the next document (documents in [`super::Detector`] order).
    pub fn append(&mut self, block: &[u8]) -> io::Result<()> {
        self.out.write_all(block)?;
        self.offsets.push(self.end);
        self.end += block.len() as u64;
        Ok(())
    }

    /// Flushes the file and opens it for reading.
    pub fn finish(mut self, path: &Path) -> io::Result<Spill> {
        self.out.flush()?;
        self.offsets.push(self.end);
        Ok(Spill {
            file: File::open(path)?,
            offsets: self.offsets,
        })
    }
}

/// A finished spill file: the normalised paragraphs of every document, by document index.
pub struct Spill {
    file: File,
    /// Start of each document's block, then the end of the file.
    offsets: Vec<u64>,
}

impl Spill {
    /// What verification needs of `keys`, with word `ngram`s, in order; a paragraph that
    /// cannot be read back comes out empty (it then matches nothing).
    pub fn prepared(&self, keys: &[ParagraphKey], ngram: usize) -> Vec<Prepared> {
        // Keys grouped by document, so each block is read once.
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by_key(|&i| keys[i]);
        let groups: Vec<&[usize]> = order
            .chunk_by(|&a, &b| keys[a].doc == keys[b].doc)
            .collect();
        let decoded: Vec<Vec<(usize, Prepared)>> = groups
            .par_iter()
            .map(|group| {
                BLOCK.with(|block| {
                    let mut block = block.borrow_mut();
                    if !self.read_block(keys[group[0]].doc as usize, &mut block) {
                        block.clear();
                    }
                    group
                        .iter()
                        .map(|&i| {
                            let para = keys[i].para as usize;
                            (i, decode(&block, para, ngram).unwrap_or_default())
                        })
                        .collect()
                })
            })
            .collect();
        let mut out = vec![Prepared::default(); keys.len()];
        for (i, prepared) in decoded.into_iter().flatten() {
            out[i] = prepared;
        }
        out
    }

    /// Reads document `doc`'s block into `block`; false when it cannot.
    fn read_block(&self, doc: usize, block: &mut Vec<u8>) -> bool {
        let (Some(&start), Some(&end)) = (self.offsets.get(doc), self.offsets.get(doc + 1)) else {
            return false;
        };
        let Some(len) = end.checked_sub(start).and_then(|n| usize::try_from(n).ok()) else {
            return false;
        };
        block.clear();
        block.resize(len, 0);
        self.file.read_exact_at(block, start).is_ok()
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
