//! A spill file of normalised paragraphs, so that verification reads back the words a
//! paragraph was sketched from instead of re-reading and re-normalising its text.
//!
//! While sketching, each document's paragraphs are normalised once; [`sketch_document`]
//! returns their sketches and an encoded block of their normalised words, which the caller
//! appends to a [`SpillWriter`] in document order. [`Spill::normalized`] later decodes the
//! paragraphs a verification batch needs, reading each document's block with one positioned
//! read (documents in parallel). Memory holds one offset per document; the words stay on disk.
//!
//! Block layout, little-endian: paragraph count (`u32`), then per paragraph the byte length
//! of its normalised text (`u32`), its word count (`u32`), the text (words joined by single
//! spaces) and one flag byte per word (bit 0 quoted, bit 1 opens a sentence).

use super::normalize::{normalize_into, Normalized, WordSpan};
use super::{sketch_normalized, DedupConfig, ParagraphKey, ParagraphSketch};
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

const QUOTED: u8 = 1;
const SENTENCE_START: u8 = 2;

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
        sketches.push(sketch_normalized(&normalized, config));
        encode(&normalized, &mut block);
    }
    (sketches, block)
}

fn push_u32(out: &mut Vec<u8>, value: usize) {
    let value = u32::try_from(value).unwrap_or(u32::MAX);
    out.extend_from_slice(&value.to_le_bytes());
}

fn encode(normalized: &Normalized, out: &mut Vec<u8>) {
    push_u32(out, normalized.text().len());
    push_u32(out, normalized.len());
    out.extend_from_slice(normalized.text().as_bytes());
    out.extend(normalized.spans().iter().map(|span| {
        (u8::from(span.quoted) * QUOTED) | (u8::from(span.sentence_start) * SENTENCE_START)
    }));
}

/// Reads a little-endian `u32` at `*at`, advancing it.
fn take_u32(block: &[u8], at: &mut usize) -> Option<usize> {
    let bytes = block.get(*at..*at + 4)?;
    *at += 4;
    Some(u32::from_le_bytes(bytes.try_into().ok()?) as usize)
}

/// Decodes paragraph `para` of a document block; `None` when the block is malformed or the
/// document has fewer paragraphs.
fn decode(block: &[u8], para: usize) -> Option<Normalized> {
    let mut at = 0;
    let count = take_u32(block, &mut at)?;
    if para >= count {
        return None;
    }
    for index in 0.. {
        let text_len = take_u32(block, &mut at)?;
        let words = take_u32(block, &mut at)?;
        if index < para {
            at = at.checked_add(text_len)?.checked_add(words)?;
            continue;
        }
        let text = std::str::from_utf8(block.get(at..at + text_len)?).ok()?;
        let flags = block.get(at + text_len..at + text_len + words)?;
        // The text is the words joined by single spaces (no word holds a space).
        let mut spans = Vec::with_capacity(words);
        let mut start = 0;
        for (word, &flag) in text.split(' ').zip(flags).filter(|_| words > 0) {
            spans.push(WordSpan {
                start: start as u32,
                end: (start + word.len()) as u32,
                quoted: flag & QUOTED != 0,
                sentence_start: flag & SENTENCE_START != 0,
            });
            start += word.len() + 1;
        }
        return (spans.len() == words).then(|| Normalized::from_parts(text.to_owned(), spans));
    }
    None
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
    /// The normalised words of `keys`, in order; a paragraph that cannot be read back comes
    /// out empty (it then matches nothing).
    pub fn normalized(&self, keys: &[ParagraphKey]) -> Vec<Normalized> {
        // Keys grouped by document, so each block is read once.
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by_key(|&i| keys[i]);
        let groups: Vec<&[usize]> = order
            .chunk_by(|&a, &b| keys[a].doc == keys[b].doc)
            .collect();
        let decoded: Vec<Vec<(usize, Normalized)>> = groups
            .par_iter()
            .map(|group| {
                let doc = keys[group[0]].doc as usize;
                let block = self.block(doc).unwrap_or_default();
                group
                    .iter()
                    .map(|&i| (i, decode(&block, keys[i].para as usize).unwrap_or_default()))
                    .collect()
            })
            .collect();
        let mut out = vec![Normalized::default(); keys.len()];
        for (i, normalized) in decoded.into_iter().flatten() {
            out[i] = normalized;
        }
        out
    }

    fn block(&self, doc: usize) -> Option<Vec<u8>> {
        let (&start, &end) = (self.offsets.get(doc)?, self.offsets.get(doc + 1)?);
        let mut block = vec![0; usize::try_from(end.checked_sub(start)?).ok()?];
        self.file.read_exact_at(&mut block, start).ok()?;
        Some(block)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::normalize::normalize;
    use crate::dedup::sketch;

    #[test]
    fn spilled_paragraphs_read_back_as_normalised() {
        let docs = [
            vec![
                "“It’s the colour of the U.S. flag,” he said. Then: 1,000 per cent.",
                "",
                "Café ‘déjà vu’ — Yong-ho's 90s.",
            ],
            vec!["A second document with one paragraph."],
        ];
        let config = DedupConfig::default();
        let dir = std::env::temp_dir().join(format!("newsclean-spill-{}", std::process::id()));
        let mut writer = SpillWriter::create(&dir).expect("create");
        for doc in &docs {
            let (sketches, block) = sketch_document(doc.iter().copied(), &config);
            let expected: Vec<_> = doc.iter().map(|p| sketch(p, &config)).collect();
            assert_eq!(sketches, expected);
            writer.append(&block).expect("append");
        }
        let spill = writer.finish(&dir).expect("finish");
        let keys = [
            ParagraphKey { doc: 1, para: 0 },
            ParagraphKey { doc: 0, para: 2 },
            ParagraphKey { doc: 0, para: 0 },
            ParagraphKey { doc: 0, para: 1 },
            ParagraphKey { doc: 0, para: 9 },
            ParagraphKey { doc: 7, para: 0 },
        ];
        let got = spill.normalized(&keys);
        assert_eq!(got[0], normalize(docs[1][0]));
        assert_eq!(got[1], normalize(docs[0][2]));
        assert_eq!(got[2], normalize(docs[0][0]));
        assert_eq!(got[3], normalize(""));
        assert!(
            got[4].is_empty() && got[5].is_empty(),
            "missing ones are empty"
        );
        std::fs::remove_file(&dir).expect("remove");
    }
}
