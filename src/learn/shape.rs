//! Line shapes: a line with its variable parts (digits, dates, names) generalised, so that
//! `Posted on March 3, 2019 by Jane Doe` and `Posted on May 12, 2021 by Li Wei` count as one
//! template line. Each shape is also a regex that matches the lines it was made from.
//!
//! Three levels, from exact to loose, because a template line is sometimes verbatim
//! (`ADVERTISEMENT`), sometimes varies in numbers and dates only (`PUBLISHED : Monday, 04
//! March, 2019, 9:15pm`), and sometimes carries a name (`Posted on ... by Jane Doe`); and a
//! prefix, for template lines that end in free text (`READ ALSO: <a headline>`).

use std::fmt::Write as _;

/// How a [`Shape`] was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// The line itself.
    Literal,
    /// Digit runs, month and weekday names generalised.
    Digits,
    /// Digits and dates, and runs of capitalised words after the first word (names).
    Names,
    /// Every word in capitals a class: a kicker, a label. Only positional rules use it.
    Caps,
    /// No word kept, only the line's form: a short question (a sub-head), or a headline
    /// with a kicker (`Kicker: the rest`, no closing full stop). Only scoped rules use it.
    Form,
    /// The first N words at the `Digits` level, then anything.
    Prefix(u8),
}

impl Level {
    /// How strict the level is, strictest 0: ties between shapes go to the stricter one.
    pub fn looseness(self) -> u8 {
        match self {
            Level::Literal => 0,
            Level::Digits => 1,
            Level::Names => 2,
            Level::Prefix(n) => 10u8.saturating_sub(n),
            Level::Caps => 20,
            Level::Form => 21,
        }
    }
}

/// One generalised line: a key that lines of the same shape share, and the regex for them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    pub level: Level,
    /// Equal for lines of one shape; also what `--dry-run` shows.
    pub key: String,
    /// Matches the line (rules see lines NBSP-normalised and trimmed); TOML-literal-safe
    /// (a `'` is written `\x27`).
    pub pattern: String,
    /// Characters of the key that are literal text, not a class: how specific the shape is.
    pub literal_chars: usize,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The lower-case words that join the parts of a name.
const PARTICLES: [&str; 14] = [
    "de", "da", "di", "del", "della", "van", "von", "der", "den", "du", "le", "la", "al", "bin",
];

/// One capitalised word of a name, in a pattern.
const NAME: &str = r"\p{Lu}[\p{L}\p{M}\x27’.-]*";

/// A piece of a token.
#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Lit(String),
    Digits,
    Month,
    Weekday,
    /// One or more capitalised words in a row.
    Names,
    /// One or more words in capitals in a row.
    Caps,
}

/// Whether `word` (trailing punctuation stripped) is a month name or its three-letter
/// abbreviation.
fn is_month(word: &str) -> bool {
    MONTHS
        .iter()
        .any(|m| *m == word || (word.len() == 3 && m.starts_with(word)))
}

fn is_weekday(word: &str) -> bool {
    WEEKDAYS
        .iter()
        .any(|d| *d == word || (word.len() == 3 && d.starts_with(word)))
}

/// A capitalised word: an upper-case letter, then at least one lower-case one (so `AFP` and
/// `SHARE`, which are template words, stay literal).
fn is_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && word.chars().any(char::is_lowercase)
        && word
            .chars()
            .all(|c| c.is_alphabetic() || "-'’.".contains(c))
}

/// A word in capitals: no lower-case letter, at least one upper-case one, and nothing but
/// letters, digits and the punctuation of a kicker (`ROMAN`, `U.S.`, `NO-GO!`).
fn is_caps(token: &str) -> bool {
    token.chars().any(char::is_uppercase)
        && !token.chars().any(char::is_lowercase)
        && token
            .chars()
            .all(|c| c.is_alphanumeric() || "'’&!?.,:-".contains(c))
}

/// Splits a token into its word and the punctuation after it (`Doe.` → `Doe`, `.`).
fn split_trailing(token: &str) -> (&str, &str) {
    let end = token
        .char_indices()
        .rev()
        .take_while(|(_, c)| ",.;:!?)\"”’".contains(*c))
        .last()
        .map_or(token.len(), |(i, _)| i);
    token.split_at(end)
}

/// The pieces of one token at `level`: digit runs become [`Piece::Digits`], a month or
/// weekday word its class, and (at the `Names` level) a capitalised word [`Piece::Names`].
fn pieces(token: &str, level: Level, first: bool) -> Vec<Piece> {
    if level == Level::Literal {
        return vec![Piece::Lit(token.to_string())];
    }
    let (word, tail) = split_trailing(token);
    let class = if is_month(word) {
        Some(Piece::Month)
    } else if is_weekday(word) {
        Some(Piece::Weekday)
    } else if level == Level::Names && !first && is_name(word) {
        Some(Piece::Names)
    } else if level == Level::Caps && is_caps(token) {
        return vec![Piece::Caps];
    } else {
        None
    };
    if let Some(class) = class {
        let mut out = vec![class];
        if !tail.is_empty() {
            out.push(Piece::Lit(tail.to_string()));
        }
        return out;
    }
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut in_digits = false;
    for c in token.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                if !lit.is_empty() {
                    out.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                out.push(Piece::Digits);
                in_digits = true;
            }
        } else {
            in_digits = false;
            lit.push(c);
        }
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    out
}

/// Regex-escapes `s`, writing `'` as `\x27` so the pattern fits a TOML literal string.
fn escape(s: &str) -> String {
    regex::escape(s).replace('\'', r"\x27")
}

/// The shape of `line` at `level`, or `None` for a prefix level the line is too short for.
pub fn shape(line: &str, level: Level) -> Option<Shape> {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let (take, prefix) = match level {
        Level::Prefix(n) if tokens.len() <= usize::from(n) => return None,
        Level::Prefix(n) => (usize::from(n), true),
        _ => (tokens.len(), false),
    };
    let piece_level = if prefix { Level::Digits } else { level };
    // Tokens as pieces; a run of name tokens collapses into one Names piece.
    let mut words: Vec<Vec<Piece>> = Vec::new();
    for (i, token) in tokens[..take].iter().enumerate() {
        let mut p = pieces(token, piece_level, i == 0);
        // A particle between names is part of the name (Corriere della Sera, Ludwig van Beethoven).
        let after_name = words.last().is_some_and(|w| w == &[Piece::Names]);
        let before_name = tokens[..take]
            .get(i + 1)
            .is_some_and(|next| is_name(split_trailing(next).0));
        if piece_level == Level::Names && after_name && before_name && PARTICLES.contains(token) {
            p = vec![Piece::Names];
        }
        // A run of names (or of capitals) is one class: names have one to four words.
        for class in [Piece::Names, Piece::Caps] {
            let prev_bare = words
                .last()
                .is_some_and(|w| w == std::slice::from_ref(&class));
            if p.first() == Some(&class) && prev_bare {
                words.pop();
            }
        }
        words.push(p);
    }
    let (mut key, mut pattern) = (String::new(), String::from("^"));
    let mut literal_chars = 0;
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            key.push(' ');
            pattern.push_str(r"\s+");
        }
        for piece in word {
            match piece {
                Piece::Lit(s) => {
                    key.push_str(s);
                    pattern.push_str(&escape(s));
                    literal_chars += s.chars().count();
                }
                Piece::Digits => {
                    key.push_str("<N>");
                    pattern.push_str(r"\d+");
                }
                Piece::Month => {
                    key.push_str("<Month>");
                    let _ = write!(pattern, "(?:{}|{})", MONTHS.join("|"), short(&MONTHS));
                }
                Piece::Weekday => {
                    key.push_str("<Day>");
                    let _ = write!(pattern, "(?:{}|{})", WEEKDAYS.join("|"), short(&WEEKDAYS));
                }
                Piece::Caps => {
                    key.push_str("<CAPS>");
                    pattern.push_str(
                        r"[\p{Lu}\d][\p{Lu}\d\x27’&!?.,:-]*(?:\s+[\p{Lu}\d][\p{Lu}\d\x27’&!?.,:-]*)*",
                    );
                }
                Piece::Names => {
                    key.push_str("<Name>");
                    let particles = PARTICLES.join("|");
                    let _ = write!(pattern, r"{NAME}(?:\s+(?:(?:{particles})\s+)?{NAME})*");
                }
            }
        }
    }
    if prefix {
        key.push_str(" …");
        pattern.push_str(r"\s+\S");
    } else {
        pattern.push('$');
    }
    Some(Shape {
        level,
        key,
        pattern,
        literal_chars,
    })
}

/// What a line starts with in a form: a capital, a digit or an opening quote.
const FORM_START: &str = r#"[\p{Lu}\d‘“"\x27]"#;

/// The form of `line`, if it has one of the two forms: a question of at most 8 words, or a
/// headline of at most 30 words under a kicker of at most 60 characters, ending in neither
/// sentence punctuation nor a quote (a sentence that quotes ends with one).
pub fn form(line: &str) -> Option<Shape> {
    let words = line.split_whitespace().count();
    let starts = line
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "‘“\"'".contains(c));
    if !starts {
        return None;
    }
    let (key, pattern) = if words <= 8
        && line.ends_with('?')
        && !line[..line.len() - 1].contains(['.', '!', '?'])
    {
        ("<a short question>?", format!(r"^{FORM_START}[^.!?]*\?$"))
    } else {
        let (head, rest) = line.split_once(": ")?;
        let ends_open = !line.ends_with(['.', '!', '?', ':', ';', ',', '"', '”', '’', '\'', ')']);
        if words > 30
                || head.chars().count() > 60
                || head.contains(['.', '!', '?', ':'])
                // `UPDATED : 9:15am` is a label and its value, not a kicker.
                || head.ends_with(char::is_whitespace)
                || rest.contains(['.', '!', '?', ':'])
                || !ends_open
        {
            return None;
        }
        (
            "<Kicker>: <headline>",
            format!(r#"^{FORM_START}[^.!?:]{{0,60}}[^.!?:\s]:\s+\S[^.!?:]*[^.!?:;,"”’\x27)\s]$"#),
        )
    };
    Some(Shape {
        level: Level::Form,
        key: key.to_string(),
        pattern,
        literal_chars: 0,
    })
}

/// The three-letter forms of `names`, as a regex alternation.
fn short(names: &[&str]) -> String {
    names.iter().map(|n| &n[..3]).collect::<Vec<_>>().join("|")
}

/// The distinct shapes of `line`: literal, digits, names and prefixes of 2 to 4 words,
/// loosest last; a level that gives the same key as a stricter one is left out.
pub fn shapes(line: &str) -> Vec<Shape> {
    let mut out: Vec<Shape> = Vec::new();
    let levels = [
        Level::Literal,
        Level::Digits,
        Level::Names,
        Level::Prefix(4),
        Level::Prefix(3),
        Level::Prefix(2),
        Level::Caps,
    ];
    for s in levels
        .into_iter()
        .filter_map(|level| shape(line, level))
        .chain(form(line))
    {
        if !out.iter().any(|o| o.pattern == s.pattern) {
            out.push(s);
        }
    }
    out
}

/// Whether a line reads like a paragraph of an article: a sentence of 12 words or more,
/// ending like one, most of its words in lower case. Template lines are labels, buttons,
/// bylines and links, short or unpunctuated; the learner never proposes a rule whose lines
/// look like this on most of the pages it fires on (see `learn::guard`).
pub fn prose_like(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.len() < 12 {
        return false;
    }
    let end = line.trim_end_matches(['"', '”', '’', '\'', ')', '»']);
    if !end.ends_with(['.', '!', '?', '…']) {
        return false;
    }
    let lower = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .count();
    lower * 2 >= words.len()
}

/// Whether a line reads like running text though it may not end like a sentence (a summary
/// bullet, a teaser): 12 words or more, most in lower case. The guard holds shapes, which
/// match lines that differ from page to page, to this looser test.
pub fn running_text(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let lower = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .count();
    words.len() >= 12 && lower * 2 >= words.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn key(line: &str, level: Level) -> String {
        shape(line, level).expect("a shape").key
    }

    fn matches(line: &str, level: Level, other: &str) -> bool {
        let s = shape(line, level).expect("a shape");
        Regex::new(&s.pattern).expect("valid").is_match(other)
    }

    #[test]
    fn digits_and_dates_generalise() {
        let a = "PUBLISHED : Monday, 04 March, 2019, 9:15pm";
        assert_eq!(
            key(a, Level::Digits),
            "PUBLISHED : <Day>, <N> <Month>, <N>, <N>:<N>pm"
        );
        assert!(matches(
            a,
            Level::Digits,
            "PUBLISHED : Friday, 21 Nov, 2014, 10:02pm"
        ));
        assert!(!matches(
            a,
            Level::Digits,
            "UPDATED : Friday, 21 Nov, 2014, 10:02pm"
        ));
        // Each line matches its own shape at every level.
        for level in [Level::Literal, Level::Digits, Level::Names] {
            assert!(matches(a, level, a), "{level:?}");
        }
    }

    #[test]
    fn names_generalise_after_the_first_word() {
        let a = "Posted on March 3, 2019 by Jane Doe";
        assert_eq!(key(a, Level::Names), "Posted on <Month> <N>, <N> by <Name>");
        assert!(matches(
            a,
            Level::Names,
            "Posted on May 12, 2021 by Mary Ann O’Neil"
        ));
        assert!(!matches(
            a,
            Level::Names,
            "Posted on May 12, 2021 by the editors"
        ));
        let b = "Read it at Corriere della Sera";
        assert_eq!(key(b, Level::Names), "Read it at <Name>");
        assert!(matches(b, Level::Names, "Read it at Folha de S.Paulo"));
        assert!(matches("Read it at Haaretz", Level::Names, b));
        // Upper-case template words stay literal, and so does the first word.
        assert_eq!(key("SHARE Now", Level::Names), "SHARE <Name>");
        assert_eq!(key("Europe", Level::Names), "Europe");
    }

    #[test]
    fn prefixes_need_more_words() {
        let a = "READ ALSO: Rome bans tourists from the Spanish Steps";
        assert_eq!(key(a, Level::Prefix(2)), "READ ALSO: …");
        assert!(matches(
            a,
            Level::Prefix(2),
            "READ ALSO: Italy’s new rail timetable"
        ));
        assert!(!matches(a, Level::Prefix(2), "READ ALSO:"));
        assert!(shape("READ ALSO:", Level::Prefix(2)).is_none());
        assert_eq!(
            key("In 2019 the minister said", Level::Prefix(3)),
            "In <N> the …"
        );
    }

    #[test]
    fn forms() {
        let q = form("What are the details?").expect("a question");
        let re = Regex::new(&q.pattern).expect("valid");
        assert!(re.is_match("Anything else?"));
        assert!(!re.is_match("Is this a question? Yes."));
        let h =
            form("Sold and separated: the families North Korea leaves behind").expect("a kicker");
        let re = Regex::new(&h.pattern).expect("valid");
        assert!(re.is_match("When the dream dies: a defector’s story"));
        assert!(!re.is_match("He said: the talks failed."));
        assert!(!re.is_match("UPDATED : Monday, 04 March, 2019, 9:15pm"));
        assert!(form("UPDATED : Monday, 04 March, 2019").is_none());
        // Sentences have no form: they end like one, or quote, or run long before a colon.
        assert!(form("He said: the talks failed.").is_none());
        assert!(form(
            "The minister said on Tuesday that the talks, which began in March, failed: no deal"
        )
        .is_none());
        assert!(form("lower case: no form").is_none());
    }

    #[test]
    fn quotes_are_safe_in_toml_literals() {
        let s = shape("What's the story?", Level::Literal).expect("a shape");
        assert!(!s.pattern.contains('\''));
        assert!(Regex::new(&s.pattern)
            .expect("valid")
            .is_match("What's the story?"));
    }

    #[test]
    fn shapes_leave_out_repeats() {
        // Digits and names would give the literal's pattern again.
        let levels: Vec<Level> = shapes("ADVERTISEMENT").iter().map(|s| s.level).collect();
        assert_eq!(levels, vec![Level::Literal, Level::Caps]);
    }

    #[test]
    fn prose_guard() {
        assert!(prose_like(
            "The ministry said on Tuesday that the talks would resume in Rome next week."
        ));
        assert!(prose_like(
            "“We will not be intimidated by anyone in this matter,” the ambassador told reporters.”"
        ));
        // Template lines: short, unpunctuated, or mostly capitalised.
        assert!(!prose_like("Got a tip? Send it to The Daily Beast here."));
        assert!(!prose_like(
            "READ ALSO: Rome bans tourists from the Spanish Steps after damage"
        ));
        assert!(!prose_like(
            "This entry was posted in World, Asia, by Jane Doe."
        ));
        assert!(!prose_like(
            "Photo Illustration By The Daily Beast For The New York Times And The Washington Post."
        ));
    }
}
