//! Language detection and stop words, so the classifier measures "how much of this line is
//! grammar" in the page's own language. A German or Korean paragraph scored against English
//! stop words looks like a menu, and the page would be emptied.
//!
//! Detection is a vote, not a model: the script decides Korean (Hangul) and Russian (Cyrillic);
//! for Latin-script text every token found in a language's stop-word list gives that language one
//! vote, and the language with most votes wins if it has at least [`MIN_VOTES`] of them and
//! [`MIN_SHARE`] of the tokens. Otherwise the language is [`Lang::Unknown`] and the classifier
//! falls back to signals that need no word list (length, sentence punctuation). The lists are
//! small (80 to 200 function words each, in `stopwords/*.txt`) and embedded in the binary.

use std::collections::HashSet;
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
const MAX_TOKENS: usize = 4000;

/// The languages with lists, in vote order (ties go to the earlier one).
const LISTED: [Lang; 10] = [
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

const SOURCES: [&str; 10] = [
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

    fn index(self) -> Option<usize> {
        LISTED.iter().position(|&l| l == self)
    }

    /// Whether `token` (lowercased, as [`Tokens`] yields it) is a function word in this
    /// language. Always false for `Unknown`.
    pub fn is_stop(self, token: &str) -> bool {
        let Some(i) = self.index() else {
            return false;
        };
        let set = &lists()[i];
        if set.contains(token) {
            return true;
        }
        // Elision: French l'homme, Italian dell'anno, English don't: the part before the
        // apostrophe is the function word.
        if let Some((head, _)) = token.split_once('\'') {
            if !head.is_empty() && set.contains(head) {
                return true;
            }
        }
        self == Lang::Ko
            && token
                .chars()
                .last()
                .is_some_and(|c| KOREAN_ENDINGS.contains(c))
    }
}

/// The stop-word sets, parsed once.
fn lists() -> &'static [HashSet<&'static str>] {
    static LISTS: OnceLock<Vec<HashSet<&'static str>>> = OnceLock::new();
    LISTS.get_or_init(|| {
        SOURCES
            .iter()
            .map(|src| {
                src.lines()
                    .filter(|l| !l.starts_with('#'))
                    .flat_map(str::split_whitespace)
                    .collect()
            })
            .collect()
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
            self.buf.clear();
            for c in word.chars() {
                match c {
                    '’' | '‘' | 'ʼ' => self.buf.push('\''),
                    c if c.is_uppercase() => self.buf.extend(c.to_lowercase()),
                    c => self.buf.push(c),
                }
            }
            return Some(&self.buf);
        }
    }
}

/// Letters of each script in `text`: (all letters, Hangul, Cyrillic, Han and Kana).
fn scripts<'a>(lines: impl Iterator<Item = &'a str>) -> (usize, usize, usize, usize) {
    let (mut all, mut hangul, mut cyrillic, mut cjk) = (0, 0, 0, 0);
    for line in lines {
        for c in line.chars().filter(|c| c.is_alphabetic()) {
            all += 1;
            match c {
                '\u{ac00}'..='\u{d7a3}' | '\u{1100}'..='\u{11ff}' | '\u{3130}'..='\u{318f}' => {
                    hangul += 1
                }
                '\u{0400}'..='\u{04ff}' => cyrillic += 1,
                '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' => cjk += 1,
                _ => {}
            }
        }
    }
    (all, hangul, cyrillic, cjk)
}

/// The language of a page, judged from `lines` (the classifier passes its longer lines: menus
/// are often English on a page that is not).
pub fn detect<'a>(lines: impl Iterator<Item = &'a str> + Clone) -> Lang {
    let (all, hangul, cyrillic, cjk) = scripts(lines.clone());
    if all == 0 {
        return Lang::Unknown;
    }
    let share = |n: usize| n as f32 / all as f32;
    if share(hangul) > 0.3 {
        return Lang::Ko;
    }
    if share(cyrillic) > 0.3 {
        return Lang::Ru;
    }
    if share(cjk) > 0.3 {
        return Lang::Unknown;
    }
    let mut votes = [0usize; LISTED.len()];
    let mut counted = 0;
    'lines: for line in lines {
        let mut tokens = Tokens::new(line);
        while let Some(t) = tokens.next() {
            counted += 1;
            for (i, lang) in LISTED.iter().enumerate() {
                if matches!(lang, Lang::Ru | Lang::Ko) {
                    continue;
                }
                if lists()[i].contains(t) {
                    votes[i] += 1;
                }
            }
            if counted >= MAX_TOKENS {
                break 'lines;
            }
        }
    }
    let (best, &n) = votes
        .iter()
        .enumerate()
        .rev()
        .max_by_key(|(_, &n)| n)
        .expect("LISTED is not empty");
    if n >= MIN_VOTES && n as f32 >= MIN_SHARE * counted as f32 {
        LISTED[best]
    } else {
        Lang::Unknown
    }
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
