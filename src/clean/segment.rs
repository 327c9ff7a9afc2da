//! Splitting a document into lines, the unit every rule acts on. Scraped text is one block per
//! line, so a non-blank line is a paragraph. Each line keeps its 1-based number so removals
//! can be reported against the input.

use crate::document::Span;

/// One input line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The 1-based line number in the input.
    pub number: usize,
    /// The line with U+00A0 turned into a space and its ends trimmed: what rules match.
    pub text: String,
    /// Where `text` stands in the document, in code points. Normalising changes no code
    /// point count (U+00A0 becomes one space), so `text` and this span have the same length.
    pub original: Span,
}

/// What trimming takes off a line's ends: white space and the byte-order mark.
fn is_trimmed(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// U+00A0 to a space, ends trimmed: the only change cleaning makes to a kept line.
pub fn normalize_line(raw: &str) -> String {
    normalize_trimmed(raw.trim_matches(is_trimmed))
}

/// [`normalize_line`] of a line already trimmed.
fn normalize_trimmed(trimmed: &str) -> String {
    if trimmed.contains('\u{a0}') {
        // U+00A0 is white space, so the ends hold none: the trimmed text keeps its length.
        trimmed.replace('\u{a0}', " ")
    } else {
        trimmed.to_string()
    }
}

/// Splits on `\n`, `\r\n` and a lone `\r`.
pub fn raw_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let s = rest?;
        match memchr::memchr2(b'\n', b'\r', s.as_bytes()) {
            Some(i) => {
                let skip = if s[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&s[i + skip..]);
                Some(&s[..i])
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

/// The normalised lines of a text, numbered from 1, each with its span in the text.
pub fn split_lines(text: &str) -> Vec<Line> {
    let ascii = text.is_ascii();
    // Code points before `counted` (a byte offset), counted once over the whole text.
    let (mut counted, mut chars) = (0, 0);
    raw_lines(text)
        .enumerate()
        .map(|(i, raw)| {
            let trimmed = raw.trim_matches(is_trimmed);
            let start = trimmed.as_ptr() as usize - text.as_ptr() as usize;
            let original = if ascii {
                Span::new(start, start + trimmed.len())
            } else {
                chars += text[counted..start].chars().count();
                let len = trimmed.chars().count();
                counted = start + trimmed.len();
                let span = Span::new(chars, chars + len);
                chars += len;
                span
            };
            Line {
                number: i + 1,
                text: normalize_trimmed(trimmed),
                original,
            }
        })
        .collect()
}

/// The text as rules see it: every line normalised, joined by `\n`. Site fingerprints match
/// this, so a CRLF or lone-CR file, or one with NBSP-padded lines, is recognised like its LF
/// twin. Borrowed when the text is already in that form.
pub fn normalized_text(text: &str) -> std::borrow::Cow<'_, str> {
    let plain =
        !text.contains(['\r', '\u{a0}', '\u{feff}']) && text.split('\n').all(|l| l.trim() == l);
    if plain {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(join_lines(&split_lines(text)))
    }
}

/// [`normalized_text`] of the text `lines` were split from ([`split_lines`]), borrowed when
/// that is the text itself. Told by lengths alone: normalising only shortens a line (trimmed
/// ends, NBSP's two bytes to a space's one), so when no `\r` ends a line and the lines add up
/// to the whole text, every line is as read.
pub fn normalized_from<'t>(text: &'t str, lines: &[Line]) -> std::borrow::Cow<'t, str> {
    let joined = lines.iter().map(|l| l.text.len()).sum::<usize>() + lines.len().saturating_sub(1);
    if joined == text.len() && memchr::memchr(b'\r', text.as_bytes()).is_none() {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(join_lines(lines))
    }
}

/// The texts of `lines` joined by `\n`: [`normalized_text`] of the text they were split from.
pub fn join_lines(lines: &[Line]) -> String {
    let mut joined = String::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            joined.push('\n');
        }
        joined.push_str(&line.text);
    }
    joined
}

/// Words as rules count them: runs of non-whitespace (Unicode `White_Space`, as
/// [`str::split_whitespace`] splits). Every line is counted, so the common case, a line
/// whose only spaces are ASCII, is counted over bytes (which the compiler vectorises); only
/// the lead bytes that can start another space character (U+0085, U+00A0, U+1680,
/// U+2000-U+205F, U+3000) are decoded to tell.
pub fn word_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let unicode_space = |i: usize| text[i..].chars().next().is_some_and(char::is_whitespace);
    let ascii_spaces_only = text.is_ascii()
        || !(memchr::memchr3_iter(0xc2, 0xe1, 0xe3, bytes).any(unicode_space)
            || memchr::memchr_iter(0xe2, bytes).any(unicode_space));
    if !ascii_spaces_only {
        return text.split_whitespace().count();
    }
    // Without tabs or other control characters a space is just b' ', which counts about twice
    // as fast (callgrind); both are the same loop.
    if bytes.iter().all(|&b| b >= b' ') {
        word_starts(bytes, |b| b == b' ')
    } else {
        word_starts(bytes, |b| b == b' ' || (b'\t'..=b'\r').contains(&b))
    }
}

/// How many words `bytes` holds, where `space` says which bytes separate words: a word starts
/// at a non-space after a space (or at the start). Counted branch-free, in lanes of 8.
fn word_starts(bytes: &[u8], space: impl Fn(u8) -> bool) -> usize {
    let starts = |a: u8, b: u8| u32::from(space(a)) & u32::from(!space(b));
    let mut words = usize::from(bytes.first().is_some_and(|&b| !space(b)));
    let pairs = bytes.len().saturating_sub(1);
    let mut chunks = bytes[..pairs].chunks_exact(8);
    for (k, chunk) in chunks.by_ref().enumerate() {
        let next = &bytes[k * 8 + 1..k * 8 + 9];
        words += (0..8).map(|j| starts(chunk[j], next[j])).sum::<u32>() as usize;
    }
    words
        + (pairs / 8 * 8..pairs)
            .map(|i| starts(bytes[i], bytes[i + 1]) as usize)
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends() {
        let lines: Vec<&str> = raw_lines("a\r\nb\rc\nd").collect();
        assert_eq!(lines, ["a", "b", "c", "d"]);
        assert_eq!(raw_lines("a\n").collect::<Vec<_>>(), ["a", ""]);
    }

    #[test]
    fn normalized_text_unifies_line_ends() {
        assert!(matches!(
            normalized_text("a\nb"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(normalized_text("a\r\nb\rc \u{a0}\n"), "a\nb\nc\n");
        for text in [
            "a\r\nb\rc \u{a0}\n",
            "",
            "\n",
            " x \n\ny",
            "\u{feff}T\r",
            "a\nb",
            "a\n\nb\n",
            "\u{a0}",
        ] {
            let lines = split_lines(text);
            assert_eq!(join_lines(&lines), normalized_text(text), "{text:?}");
            let from = normalized_from(text, &lines);
            assert_eq!(from, normalized_text(text), "{text:?}");
            assert_eq!(
                matches!(from, std::borrow::Cow::Borrowed(_)),
                matches!(normalized_text(text), std::borrow::Cow::Borrowed(_)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn word_count_splits_like_split_whitespace() {
        for text in [
            "",
            " ",
            "one",
            "  two\twords ",
            "a\u{a0}b\u{2003}c\u{3000}d\u{85}e\u{1680}f",
            "Café “quoted” — dash\u{200b}zero-width",
            "\u{b}\u{c}x\r\ny",
            "a b  c   d    e     f      g       h        i         j",
            "  leading and trailing spaces over eight bytes long  ",
            "x",
            " ",
            "ab",
        ] {
            assert_eq!(
                word_count(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn line_spans_slice_the_original() {
        for text in [
            "a\r\nb\rc\nd",
            "  Café \u{a0}au lait \n\n\u{feff}Title\r\n— “quoted” 😀 \n",
            "",
            "\u{a0}\u{a0}",
        ] {
            for line in split_lines(text) {
                let slice = line.original.slice(text).expect("in the text");
                assert_eq!(slice.replace('\u{a0}', " "), line.text, "{text:?}");
            }
        }
    }

    #[test]
    fn nbsp_and_trim() {
        assert_eq!(
            normalize_line("\u{a0} Seoul was\u{a0} cited \u{a0}"),
            "Seoul was  cited"
        );
        assert_eq!(normalize_line("\u{a0}"), "");
        assert_eq!(normalize_line("\u{feff}Title"), "Title");
    }
}
