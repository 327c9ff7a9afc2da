//! What the classifier measures on one line. jusText judges an HTML paragraph by its length,
//! stop-word density and link density; scraped text has no links, so the shape of the line
//! stands in for them: how many words are capitalised (menus and headlines are Title Case),
//! whether it ends like a sentence, how much of it is digits, whether it is cut by separators
//! (`|`, `•`, `»`) the way menu rows and breadcrumbs are.
//!
//! One pass over the line's characters and one over its tokens; nothing is kept but counts.
//! Nothing here depends on the page's language: the stop words of every listed language are
//! counted at once (the line's [`Tally`]), so a line is measured once whatever language the page
//! turns out to be in.

use super::lang::{lowercase_into, Lang, Tally};

/// Counts taken from one line.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Features {
    /// Words: whitespace-separated tokens, plus one per two Han or Kana characters (those
    /// scripts do not separate words).
    pub words: usize,
    /// Length in characters, with Hangul, Han and Kana counted twice: one of them carries about
    /// what two Latin letters do, and the length thresholds are in Latin characters.
    pub length: usize,
    /// Letters by script, tokens, and function words in each listed language.
    pub tally: Tally,
    /// Words that start with an uppercase letter (but for those opening a sentence inside the
    /// line, which grammar capitalises).
    pub capitalised: usize,
    /// Words that start with a cased letter (upper or lower), but for those opening a sentence
    /// inside the line.
    pub cased: usize,
    /// Letters, and of them uppercase ones.
    pub letters: usize,
    pub upper: usize,
    /// Decimal digits.
    pub digits: usize,
    /// Ends like a sentence: `.`, `!`, `?`, `…`, `。` (closing quotes and brackets allowed after).
    pub sentence_end: bool,
    /// Sentence-ending punctuation followed by a space or the end: roughly, sentences.
    pub sentences: usize,
    /// Ends with `:`.
    pub colon_end: bool,
    /// Separator marks between items: `|`, `•`, `·`, `»`, `›`, `/` standing alone.
    pub separators: usize,
    /// Has `©` or `(c)`.
    pub copyright: bool,
}

impl Features {
    /// Measures `text` (a normalised line).
    pub fn of(text: &str) -> Features {
        let mut f = Features::default();
        let mut prev: Option<char> = None;
        let mut cjk = 0;
        for c in text.chars() {
            f.length += 1;
            // Most text is ASCII: answer it without Unicode tables.
            if c.is_ascii() {
                if c.is_ascii_alphabetic() {
                    f.letters += 1;
                    f.tally.letters += 1;
                    if c.is_ascii_uppercase() {
                        f.upper += 1;
                    }
                } else if c.is_ascii_digit() {
                    f.digits += 1;
                } else if c == '|' {
                    f.separators += 1;
                } else if c.is_ascii_whitespace() && prev.is_some_and(is_sentence_mark) {
                    f.sentences += 1;
                }
                prev = Some(c);
                continue;
            }
            if c.is_alphabetic() {
                f.letters += 1;
                f.tally.letter(c);
                if c.is_uppercase() {
                    f.upper += 1;
                }
                match c {
                    '\u{ac00}'..='\u{d7a3}' => f.length += 1,
                    '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' => {
                        f.length += 1;
                        cjk += 1;
                    }
                    _ => {}
                }
            } else if c.is_ascii_digit() {
                f.digits += 1;
            } else if matches!(c, '|' | '•' | '·' | '»' | '›' | '◦' | '▪') {
                f.separators += 1;
            } else if c == '©' {
                f.copyright = true;
            } else if c.is_whitespace() && prev.is_some_and(is_sentence_mark) {
                f.sentences += 1;
            }
            prev = Some(c);
        }
        if text.contains(" / ") {
            f.separators += text.matches(" / ").count();
        }
        if !f.copyright {
            let lower_start = text.get(..3).unwrap_or("");
            f.copyright = lower_start.eq_ignore_ascii_case("(c)");
        }
        let core = text.trim_end_matches(|c: char| {
            matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '*') || c.is_whitespace()
        });
        let last = core.chars().last();
        f.sentence_end = last.is_some_and(is_sentence_mark);
        if f.sentence_end {
            f.sentences += 1;
        }
        f.colon_end = last == Some(':');

        // Words and tokens in one pass (a token is a word trimmed of punctuation, lowercased,
        // as `lang::Tokens` makes them).
        let mut token = String::new();
        // Whether the previous word ended a sentence: the next one is capitalised by grammar,
        // not by Title Case, and is not counted.
        let mut after_sentence = false;
        for word in text.split_whitespace() {
            f.words += 1;
            let starts_sentence = after_sentence;
            // Most words are ASCII: the same steps on bytes, without decoding characters.
            let (ends_sentence, first) = if word.is_ascii() {
                ascii_word(word, &mut token)
            } else {
                unicode_word(word, &mut token)
            };
            after_sentence = ends_sentence;
            let Some(first) = first else {
                continue;
            };
            if starts_sentence {
                // counted neither way
            } else if first.is_uppercase() {
                f.capitalised += 1;
                f.cased += 1;
            } else if first.is_lowercase() {
                f.cased += 1;
            }
            f.tally.token(&token);
        }
        f.words += cjk / 2;
        f
    }

    /// Function words of `lang` among the tokens.
    pub fn stop(&self, lang: Lang) -> usize {
        self.tally.stop(lang)
    }

    /// Share of tokens that are function words of `lang`.
    pub fn stop_density(&self, lang: Lang) -> f32 {
        if self.tally.tokens == 0 {
            0.0
        } else {
            self.stop(lang) as f32 / self.tally.tokens as f32
        }
    }

    /// Share of cased words that are capitalised (Title Case lines score near 1).
    pub fn title_ratio(&self) -> f32 {
        if self.cased == 0 {
            0.0
        } else {
            self.capitalised as f32 / self.cased as f32
        }
    }

    /// Whether the letters are all uppercase (`RELATED STORIES`); needs three letters.
    pub fn all_caps(&self) -> bool {
        self.letters >= 3 && self.upper == self.letters
    }

    /// Share of digits among letters and digits.
    pub fn digit_ratio(&self) -> f32 {
        let n = self.letters + self.digits;
        if n == 0 {
            0.0
        } else {
            self.digits as f32 / n as f32
        }
    }
}

/// For one word: whether it ends a sentence (closing quotes and brackets allowed after the
/// mark), and the first character of its core (the word trimmed of what is neither letter nor
/// digit), lowercased into `token`; `None` when the core is empty (`token` is then stale).
fn unicode_word(word: &str, token: &mut String) -> (bool, Option<char>) {
    let ends_sentence = word
        .trim_end_matches(['"', '\'', '”', '’', ')'])
        .ends_with(is_sentence_mark);
    let core = word.trim_matches(|c: char| !c.is_alphanumeric());
    let first = core.chars().next();
    if first.is_some() {
        lowercase_into(core, token);
    }
    (ends_sentence, first)
}

/// [`unicode_word`] for an ASCII word, on its bytes.
fn ascii_word(word: &str, token: &mut String) -> (bool, Option<char>) {
    let bytes = word.as_bytes();
    let open = bytes
        .iter()
        .rposition(|b| !matches!(b, b'"' | b'\'' | b')'))
        .map_or(&[][..], |end| &bytes[..=end]);
    let ends_sentence = matches!(open.last(), Some(b'.' | b'!' | b'?'));
    let Some(start) = bytes.iter().position(u8::is_ascii_alphanumeric) else {
        return (ends_sentence, None);
    };
    let end = bytes
        .iter()
        .rposition(u8::is_ascii_alphanumeric)
        .expect("a byte was found from the start");
    let core = &word[start..=end];
    token.clear();
    token.push_str(core);
    token.make_ascii_lowercase();
    (ends_sentence, Some(char::from(bytes[start])))
}

fn is_sentence_mark(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_line() {
        let f = Features::of("The council voted on Monday. It was “a long night,” she said.");
        assert_eq!(f.words, 12);
        assert!(f.sentence_end);
        assert_eq!(f.sentences, 2);
        assert!(f.stop_density(Lang::En) > 0.3);
        assert!(f.title_ratio() < 0.5);
        let f = Features::of("Great show! Funny moments! Wonderful costumes! We loved it.");
        assert!(f.title_ratio() < 0.5);
    }

    #[test]
    fn menu_line() {
        let f = Features::of("Home | World News | Business | Sport");
        assert_eq!(f.separators, 3);
        assert!(!f.sentence_end);
        assert!(f.title_ratio() > 0.9);
        assert!(Features::of("RELATED STORIES").all_caps());
        assert!(Features::of("© 2019 Example Media").copyright);
        assert!(Features::of("(c) 2019 Example Media").copyright);
    }

    proptest::proptest! {
        /// The ASCII path answers exactly as the general one.
        #[test]
        fn ascii_words_as_unicode_words(word in "[ -~]{0,12}") {
            let (mut a, mut u) = (String::new(), String::new());
            let fast = ascii_word(&word, &mut a);
            let slow = unicode_word(&word, &mut u);
            proptest::prop_assert_eq!(fast, slow);
            if fast.1.is_some() {
                proptest::prop_assert_eq!(a, u);
            }
        }
    }

    #[test]
    fn hangul_counts_double() {
        let f = Features::of("정부는 발표했다.");
        assert_eq!(f.length, 16);
        assert_eq!(f.stop(Lang::Ko), 2);
    }
}
