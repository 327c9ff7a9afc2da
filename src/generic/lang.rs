//! Language detection and stop words, so the classifier measures "how much of this line is
//! grammar" in the page's own language. A German or Korean paragraph scored against English
//! stop words looks like a menu, and the page would be emptied.
//!
//! Detection is a vote, not a model: the script decides Korean (Hangul) and Russian (Cyrillic);
//! for Latin-script text every token found in a language's stop-word list gives that language one
//! vote, and the language with most votes wins if it has at least [`MIN_VOTES`] of them and
//! [`MIN_SHARE`] of the tokens. Each line is tallied once ([`Tally`]: its letters by script, its
//! tokens, its votes); a page's tally is the sum over its lines, so detecting again after lines
//! are removed costs a sum, not a second pass over the text. Otherwise the language is [`Lang::Unknown`] and the classifier
//! falls back to signals that need no word list (length, sentence punctuation). The lists are
//! small (80 to 200 function words each, in `stopwords/*.txt`) and embedded in the binary.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// A language the classifier has stop words for, or `Unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    De,
    Fr,
    Es,
    It,
    Pt,
    Nl,
    Id,
    Ru,
    Ko,
    /// No list fits (another language, or too little text to tell).
    Unknown,
}

/// Votes the winner needs, at least.
pub const MIN_VOTES: usize = 5;
/// Share of the counted tokens the winner's votes must reach.
pub const MIN_SHARE: f32 = 0.08;
/// Tokens looked at, at most: enough to decide, and it keeps detection cheap on huge pages.
const MAX_TOKENS: usize = 1500;

/// Languages with a stop-word list.
pub const LANGS: usize = 10;

/// The languages with lists, in vote order (ties go to the earlier one).
const LISTED: [Lang; LANGS] = [
    Lang::En,
    Lang::De,
    Lang::Fr,
    Lang::Es,
    Lang::It,
    Lang::Pt,
    Lang::Nl,
    Lang::Id,
    Lang::Ru,
    Lang::Ko,
];

const SOURCES: [&str; LANGS] = [
    include_str!("stopwords/en.txt"),
    include_str!("stopwords/de.txt"),
    include_str!("stopwords/fr.txt"),
    include_str!("stopwords/es.txt"),
    include_str!("stopwords/it.txt"),
    include_str!("stopwords/pt.txt"),
    include_str!("stopwords/nl.txt"),
    include_str!("stopwords/id.txt"),
    include_str!("stopwords/ru.txt"),
    include_str!("stopwords/ko.txt"),
];

/// Korean writes particles and verb endings onto the word (`정부는`, `했다`), so a word whose
/// last syllable is one of these counts as a function word too.
const KOREAN_ENDINGS: &str = "은는이가을를의에로와과도만서고다며면지게요죠까데한된할인던께";

impl Lang {
    /// ISO 639-1 code, or `und` for unknown.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::It => "it",
            Lang::Pt => "pt",
            Lang::Nl => "nl",
            Lang::Id => "id",
            Lang::Ru => "ru",
            Lang::Ko => "ko",
            Lang::Unknown => "und",
        }
    }

    /// This language's bit in the word table, if it has a list.
    fn bit(self) -> u16 {
        LISTED.iter().position(|&l| l == self).map_or(0, |i| 1 << i)
    }

    /// Whether `token` (lowercased, as [`Tokens`] yields it) is a function word in this
    /// language. Always false for `Unknown`.
    pub fn is_stop(self, token: &str) -> bool {
        stop_mask(token) & self.bit() != 0
    }

    /// The index of this language's list, if it has one.
    pub fn index(self) -> Option<usize> {
        LISTED.iter().position(|&l| l == self)
    }
}

/// The languages (as bits, see [`Lang::index`]) in which `token` is a function word.
pub fn stop_mask(token: &str) -> u16 {
    let (table, longest) = table();
    let mut mask = 0;
    if token.len() <= *longest {
        mask = table.get(token).copied().unwrap_or(0);
    }
    // Elision: French l'homme, Italian dell'anno, English don't: the part before the
    // apostrophe is the function word.
    let bytes = token.as_bytes();
    // (Tokens are short: a loop beats the set-up of a vectorised search.)
    if let Some(apostrophe) = bytes.iter().position(|&b| b == b'\'') {
        let head = &token[..apostrophe];
        if !head.is_empty() && head.len() <= *longest {
            mask |= table.get(head).copied().unwrap_or(0);
        }
    }
    // Hangul syllables (U+AC00 and up) are three UTF-8 bytes from 0xEA: only then decode.
    if bytes.last().is_some_and(|&b| b >= 0x80)
        && token
            .chars()
            .last()
            .is_some_and(|c| c >= '\u{ac00}' && KOREAN_ENDINGS.contains(c))
    {
        mask |= Lang::Ko.bit();
    }
    mask
}

/// FxHash (rustc's hasher): the word table is looked up for every token of every line, and
/// SipHash's resistance to hash flooding buys nothing for a fixed table of function words.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("chunks of 8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map keyed with [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Every listed function word with the bits of the languages that list it, and the length in
/// bytes of the longest (no longer token needs a look-up), built once.
fn table() -> &'static (FxHashMap<&'static str, u16>, usize) {
    static TABLE: OnceLock<(FxHashMap<&'static str, u16>, usize)> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = FxHashMap::default();
        for (i, src) in SOURCES.iter().enumerate() {
            for word in src
                .lines()
                .filter(|l| !l.starts_with('#'))
                .flat_map(str::split_whitespace)
            {
                *table.entry(word).or_insert(0) |= 1 << i;
            }
        }
        let longest = table.keys().map(|w| w.len()).max().unwrap_or(0);
        (table, longest)
    })
}

/// Lowercased word tokens of a line: split on whitespace, surrounding punctuation trimmed,
/// typographic apostrophes turned into `'`. One buffer is reused, so walking a line allocates
/// at most once.
pub struct Tokens<'a> {
    words: std::str::SplitWhitespace<'a>,
    buf: String,
}

impl<'a> Tokens<'a> {
    pub fn new(text: &'a str) -> Tokens<'a> {
        Tokens {
            words: text.split_whitespace(),
            buf: String::new(),
        }
    }

    /// The next token, or `None` at the end of the line. Tokens with no letter or digit are
    /// skipped.
    #[allow(clippy::should_implement_trait)] // lends its buffer: cannot be an Iterator
    pub fn next(&mut self) -> Option<&str> {
        loop {
            let word = self.words.next()?;
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            if word.is_empty() {
                continue;
            }
            lowercase_into(word, &mut self.buf);
            return Some(&self.buf);
        }
    }
}

/// `word` lowercased into `buf`, typographic apostrophes turned into `'`.
pub fn lowercase_into(word: &str, buf: &mut String) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        for c in word.chars() {
            match c {
                '’' | '‘' | 'ʼ' => buf.push('\''),
                c if c.is_uppercase() => buf.extend(c.to_lowercase()),
                c => buf.push(c),
            }
        }
    }
}

/// What language detection counts on a line, or on a page as the sum of its lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Letters, and of them Hangul, Cyrillic, and Han or Kana.
    pub letters: usize,
    pub hangul: usize,
    pub cyrillic: usize,
    pub cjk: usize,
    /// Word tokens, and for each listed language how many are its function words.
    pub tokens: usize,
    pub votes: [u16; LANGS],
}

impl Tally {
    /// Counts one letter.
    pub fn letter(&mut self, c: char) {
        self.letters += 1;
        if c.is_ascii() {
            return;
        }
        match c {
            '\u{ac00}'..='\u{d7a3}' | '\u{1100}'..='\u{11ff}' | '\u{3130}'..='\u{318f}' => {
                self.hangul += 1
            }
            '\u{0400}'..='\u{04ff}' => self.cyrillic += 1,
            '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' => self.cjk += 1,
            _ => {}
        }
    }

    /// Counts one token.
    pub fn token(&mut self, token: &str) {
        self.tokens += 1;
        let mut mask = stop_mask(token);
        while mask != 0 {
            let i = mask.trailing_zeros() as usize;
            self.votes[i] = self.votes[i].saturating_add(1);
            mask &= mask - 1;
        }
    }

    /// The tally of one line.
    pub fn of(text: &str) -> Tally {
        let mut t = Tally::default();
        for c in text.chars().filter(|c| c.is_alphabetic()) {
            t.letter(c);
        }
        let mut tokens = Tokens::new(text);
        while let Some(token) = tokens.next() {
            t.token(token);
        }
        t
    }

    /// Adds another line's tally.
    pub fn add(&mut self, other: &Tally) {
        self.letters += other.letters;
        self.hangul += other.hangul;
        self.cyrillic += other.cyrillic;
        self.cjk += other.cjk;
        self.tokens += other.tokens;
        for (v, o) in self.votes.iter_mut().zip(other.votes) {
            *v = v.saturating_add(o);
        }
    }

    /// Function words of `lang` among the tokens (none for `Unknown`).
    pub fn stop(&self, lang: Lang) -> usize {
        lang.index().map_or(0, |i| usize::from(self.votes[i]))
    }

    /// The language this tally (of a page) is written in.
    pub fn decide(&self) -> Lang {
        if self.letters == 0 {
            return Lang::Unknown;
        }
        let share = |n: usize| n as f32 / self.letters as f32;
        if share(self.hangul) > 0.3 {
            return Lang::Ko;
        }
        if share(self.cyrillic) > 0.3 {
            return Lang::Ru;
        }
        if share(self.cjk) > 0.3 {
            return Lang::Unknown;
        }
        // Russian and Korean are decided by script above; they do not vote.
        let (best, n) = LISTED
            .iter()
            .enumerate()
            .filter(|(_, l)| !matches!(l, Lang::Ru | Lang::Ko))
            .map(|(i, _)| (i, usize::from(self.votes[i])))
            .rev()
            .max_by_key(|&(_, n)| n)
            .expect("LISTED is not empty");
        if n >= MIN_VOTES && n as f32 >= MIN_SHARE * self.tokens as f32 {
            LISTED[best]
        } else {
            Lang::Unknown
        }
    }
}

/// The language of the lines whose tallies are given, in order: they are summed until
/// `MAX_TOKENS` (1,500) tokens have been counted.
pub fn detect_tallies<'a>(tallies: impl Iterator<Item = &'a Tally>) -> Lang {
    let mut page = Tally::default();
    for t in tallies {
        page.add(t);
        if page.tokens >= MAX_TOKENS {
            break;
        }
    }
    page.decide()
}

/// The language of a page, judged from `lines` (the classifier passes its longer lines: menus
/// are often English on a page that is not).
pub fn detect<'a>(lines: impl Iterator<Item = &'a str>) -> Lang {
    let tallies: Vec<Tally> = lines.map(Tally::of).collect();
    detect_tallies(tallies.iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(text: &str) -> Lang {
        detect(text.lines())
    }

    #[test]
    fn detects_by_script() {
        assert_eq!(
            lang("정부는 이번 주에 새로운 정책을 발표했다고 밝혔다."),
            Lang::Ko
        );
        assert_eq!(
            lang("Правительство заявило, что это решение было принято вчера."),
            Lang::Ru
        );
    }

    #[test]
    fn detects_by_stop_words() {
        assert_eq!(
            lang("The minister said that the plan would be put to a vote in the spring, and that it was not yet final."),
            Lang::En
        );
        assert_eq!(
            lang("Der Minister sagte, dass der Plan im Frühjahr zur Abstimmung gestellt werde und noch nicht endgültig sei."),
            Lang::De
        );
        assert_eq!(
            lang("O ministro disse que o plano será votado na primavera e que ainda não é definitivo para os deputados."),
            Lang::Pt
        );
        assert_eq!(
            lang("Il ministro ha detto che il piano sarà votato in primavera e che non è ancora definitivo per il governo."),
            Lang::It
        );
        assert_eq!(
            lang("Menteri mengatakan bahwa rencana itu akan dibahas pada bulan depan dan belum final karena masih ada yang harus diubah."),
            Lang::Id
        );
    }

    #[test]
    fn too_little_text_is_unknown() {
        assert_eq!(lang("Home News Sport"), Lang::Unknown);
        assert_eq!(lang(""), Lang::Unknown);
    }

    #[test]
    fn stop_words_and_endings() {
        assert!(Lang::En.is_stop("the"));
        assert!(Lang::En.is_stop("don't"));
        assert!(Lang::Fr.is_stop("l'homme"));
        assert!(Lang::Ko.is_stop("정부는"));
        assert!(!Lang::Ko.is_stop("정부"));
        assert!(!Lang::Unknown.is_stop("the"));
        let t = Tally::of("The cat and the dog.");
        assert_eq!((t.tokens, t.stop(Lang::En), t.letters), (5, 3, 15));
    }

    #[test]
    fn tokens_are_lowercased_and_trimmed() {
        let mut t = Tokens::new("“Don’t,” SAID — the 3 Men.");
        let mut out = Vec::new();
        while let Some(x) = t.next() {
            out.push(x.to_string());
        }
        assert_eq!(out, ["don't", "said", "the", "3", "men"]);
    }
}
