//! Bytes to text: gzip is unwrapped, binary files are refused, a BOM is honoured, and text that
//! is not UTF-8 is decoded from the legacy encoding `chardetng` (Firefox's detector) guesses,
//! so a Windows-1252 article comes out as "Café", not "Caf\u{fffd}".

use encoding_rs::Encoding;
use std::io::Read;

/// Why bytes could not be turned into text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// Nothing in it (after decompression).
    #[error("empty input")]
    Empty,
    /// The bytes are not text: a known binary signature, NUL bytes or control characters.
    #[error("binary data ({0}), not text")]
    Binary(&'static str),
    /// A gzip stream that does not decompress.
    #[error("corrupt gzip data: {0}")]
    Gzip(String),
}

/// Decoded text, with a note when it was not plain UTF-8.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// `None` for UTF-8; else how the text was decoded (e.g. `decoded as windows-1252`).
    pub note: Option<String>,
}

/// True when `bytes` start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decompresses gzip (all members), or returns the bytes as they are.
pub fn gunzip(bytes: Vec<u8>) -> Result<Vec<u8>, DecodeError> {
    if !is_gzip(&bytes) {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() * 4);
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Gzip(e.to_string()))?;
    Ok(out)
}

const SIGNATURES: [(&[u8], &str); 9] = [
    (&[0xff, 0xd8, 0xff], "JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media"),
    (&[0x28, 0xb5, 0x2f, 0xfd], "zstd data"),
];

/// Names the kind of binary data `bytes` hold, if they are not text.
pub fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if let Some((_, name)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Some(name);
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return None; // UTF-16 with a BOM: text
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Some("NUL bytes");
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    (control * 20 > head.len()).then_some("control characters")
}

/// Decodes raw (already decompressed) bytes to text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(DecodeError::Binary(kind));
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        let note = (encoding != encoding_rs::UTF_8)
            .then(|| format!("decoded as {} (byte-order mark)", encoding.name()));
        return Ok(Decoded {
            text: text.into_owned(),
            note,
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.to_string(),
            note: None,
        }),
        Err(_) => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
            detector.feed(bytes, true);
            let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
            let (text, _, lossy) = encoding.decode(bytes);
            let mut note = format!("not UTF-8; decoded as {}", encoding.name());
            if lossy {
                note.push_str(" with replacement characters");
            }
            Ok(Decoded {
                text: text.into_owned(),
                note: Some(note),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes() {
        assert_eq!(
            decode("Café".as_bytes()).unwrap(),
            Decoded {
                text: "Café".into(),
                note: None
            }
        );
    }

    #[test]
    fn windows_1252_detected() {
        let bytes = b"Le caf\xe9 de la gare est ferm\xe9 depuis l'\xe9t\xe9 dernier, a d\xe9clar\xe9 le maire.";
        let d = decode(bytes).unwrap();
        assert!(d.text.starts_with("Le café"), "{}", d.text);
        assert!(d.note.unwrap().contains("windows-1252"));
    }

    #[test]
    fn bom_stripped() {
        assert_eq!(decode(b"\xef\xbb\xbfTitle").unwrap().text, "Title");
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("Hi".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&utf16).unwrap().text, "Hi");
    }

    #[test]
    fn binary_refused() {
        assert_eq!(
            decode(&[0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
            Err(DecodeError::Binary("JPEG image"))
        );
        assert_eq!(decode(b"abc\0def"), Err(DecodeError::Binary("NUL bytes")));
        assert_eq!(decode(b""), Err(DecodeError::Empty));
    }

    #[test]
    fn gzip_round_trip() {
        use flate2::write::GzEncoder;
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"hello").unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(gunzip(gz).unwrap(), b"hello");
        assert!(matches!(
            gunzip(vec![0x1f, 0x8b, 1, 2]),
            Err(DecodeError::Gzip(_))
        ));
    }
}
