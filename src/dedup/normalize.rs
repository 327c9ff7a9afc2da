//! Comparison-only normalisation of a paragraph into words.
//!
//! Two outlets that run the same wire paragraph rarely print the same bytes: one uses curly
//! quotes and the other straight ones, one writes `Yong-ho` and the other `Yong Ho`, a British
//! desk writes `agonising` where an American one writes `agonizing`. None of that is an edit
//! of the text, so every fingerprint, anchor and verification in [`crate::dedup`] works on the
//! words this module produces, never on the raw text. The output is used for comparison only
//! and is never shown to anyone, which is why it may be lossy (`north’s` becomes `norths`,
//! `colour` becomes `color`, `filled` and `filed` could in principle meet).
//!
//! What it does, in order, per character:
//! - letters and digits are lower-cased (Unicode) and a few common Latin accents are dropped
//!   (`é` → `e`), because desks strip accents from names inconsistently;
//! - an apostrophe (`'` `’` `ʼ`) between two letters joins them (`don’t` → `dont`);
//! - `.` or `,` between two digits joins them (`1,000` → `1000`), and `.` after a single
//!   letter joins (`U.S.` → `us`), so number and abbreviation styles meet;
//! - every other character (spaces, NBSP, hyphens and dashes of all kinds, punctuation,
//!   symbols) separates words: `Yong-ho` and `Yong Ho` both give `yong ho`;
//! - each finished word goes through [`fold_spelling`] (British → American) and `per cent`
//!   becomes `percent`.
//!
//! It also records, per word, whether the word stands inside a quotation (double quotes of any
//! style, or a balanced pair of single quotes). [`crate::dedup::verify`] uses that to tell a
//! copied paragraph from two different sentences that quote the same passage.

/// One normalised word: its byte range inside [`Normalized::text`] and whether it was quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordSpan {
    /// Byte offset of the word's first byte in [`Normalized::text`].
    pub start: u32,
    /// Byte offset one past the word's last byte.
    pub end: u32,
    /// Whether the word stands between quotation marks in the original paragraph.
    pub quoted: bool,
    /// Whether the word opens a sentence (first word, or first after `.`, `!` or `?`;
    /// a dot after a one-letter segment, as in `U.S.`, does not end a sentence).
    pub sentence_start: bool,
}

/// The normalised words of one paragraph.
///
/// The words are stored in one buffer separated by single spaces, so that any run of
/// consecutive words (a word n-gram) is a contiguous `&str` slice: fingerprints and anchors
/// hash those slices without allocating.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Normalized {
    text: String,
    words: Vec<WordSpan>,
}

impl Normalized {
    /// The normalised words joined by single spaces.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the paragraph has no word at all.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Word spans, in order.
    pub fn spans(&self) -> &[WordSpan] {
        &self.words
    }

    /// The `index`-th word.
    pub fn word(&self, index: usize) -> &str {
        let span = self.words[index];
        &self.text[span.start as usize..span.end as usize]
    }

    /// The words, in order.
    pub fn words(&self) -> impl Iterator<Item = &str> + '_ {
        self.words
            .iter()
            .map(|span| &self.text[span.start as usize..span.end as usize])
    }

    /// The `n` words starting at word `first`, as one slice with single spaces between them.
    pub fn ngram(&self, first: usize, n: usize) -> &str {
        let start = self.words[first].start as usize;
        let end = self.words[first + n - 1].end as usize;
        &self.text[start..end]
    }

    /// All word n-grams in order (none when there are fewer than `n` words).
    pub fn ngrams(&self, n: usize) -> impl Iterator<Item = &str> + '_ {
        let count = if n == 0 {
            0
        } else {
            (self.words.len() + 1).saturating_sub(n)
        };
        (0..count).map(move |first| self.ngram(first, n))
    }

    /// Whether word `index` stands inside a quotation.
    pub fn is_quoted(&self, index: usize) -> bool {
        self.words[index].quoted
    }

    /// Whether word `index` opens a sentence.
    pub fn starts_sentence(&self, index: usize) -> bool {
        self.words[index].sentence_start
    }

    fn clear(&mut self) {
        self.text.clear();
        self.words.clear();
    }
}

/// Normalises `text` into a fresh [`Normalized`].
pub fn normalize(text: &str) -> Normalized {
    let mut out = Normalized::default();
    normalize_into(text, &mut out);
    out
}

/// Normalises `text` into `out`, reusing its buffers (sketching millions of paragraphs per
/// thread should not allocate per paragraph).
pub fn normalize_into(text: &str, out: &mut Normalized) {
    out.clear();
    let mut double_open = false;
    let mut single_open = false;
    // Byte offset in out.text where the current word started, if a word is open.
    let mut word_start: Option<usize> = None;
    let mut word_quoted = false;
    let mut word_sentence_start = false;
    let mut sentence_pending = true;
    // Letters since the word started or since the last joining `.`: `U.S.` joins only
    // after one-letter segments.
    let mut segment_letters = 0usize;
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();

    while let Some((byte, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let this = prev.replace(c);
        if c.is_alphanumeric() {
            if word_start.is_none() {
                if !out.text.is_empty() {
                    out.text.push(' ');
                }
                word_start = Some(out.text.len());
                word_quoted = double_open || single_open;
                word_sentence_start = sentence_pending;
                sentence_pending = false;
                segment_letters = 0;
            }
            push_folded(c, &mut out.text);
            segment_letters += 1;
            // The rest of an ASCII run of letters and digits takes the same steps, without
            // the dispatch below: most characters of a paragraph are here.
            while let Some(&(_, n)) = chars.peek().filter(|(_, n)| n.is_ascii_alphanumeric()) {
                chars.next();
                out.text.push(n.to_ascii_lowercase());
                segment_letters += 1;
                prev = Some(n);
            }
            continue;
        }
        let prev_alnum = this.is_some_and(char::is_alphanumeric);
        let next_alnum = next.is_some_and(char::is_alphanumeric);
        match c {
            '\'' | '’' | 'ʼ' | '‘' if prev_alnum && next_alnum => {
                // Apostrophe inside a word: join.
                continue;
            }
            '.' | ',' if prev_alnum && next_alnum => {
                let prev_digit = this.is_some_and(|p| p.is_ascii_digit());
                let next_digit = next.is_some_and(|n| n.is_ascii_digit());
                if prev_digit && next_digit {
                    continue;
                }
                if c == '.' && segment_letters == 1 {
                    segment_letters = 0;
                    continue;
                }
                if c == '.' {
                    sentence_pending = true;
                }
            }
            '"' => double_open = !double_open,
            '“' | '„' | '«' | '‟' => double_open = true,
            '”' | '»' => double_open = false,
            '‘' | '\'' if !prev_alnum && next_alnum && !single_open => {
                single_open = has_single_quote_closer(&text[byte + c.len_utf8()..]);
            }
            '’' | '\'' if prev_alnum && !next_alnum && single_open => single_open = false,
            '.' if segment_letters == 1 && prev_alnum => {}
            '.' | '!' | '?' => sentence_pending = true,
            _ => {}
        }
        // Anything else separates words.
        if let Some(start) = word_start.take() {
            finish_word(out, start, word_quoted, word_sentence_start);
        }
    }
    if let Some(start) = word_start.take() {
        finish_word(out, start, word_quoted, word_sentence_start);
    }
}

/// Whether `rest` holds a character that can close a single-quoted passage: `’` or `'`
/// after a non-space and not followed by a letter or digit. An opening `‘` only opens a
/// quotation when such a closer follows, so a stray apostrophe (`’90s`) does not mark the
/// rest of the paragraph as quoted. Openers are rare, so this scan is too.
fn has_single_quote_closer(rest: &str) -> bool {
    let mut prev: Option<char> = None;
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if (c == '’' || c == '\'')
            && prev.is_some_and(|p| !p.is_whitespace())
            && !chars.peek().is_some_and(|n| n.is_alphanumeric())
        {
            return true;
        }
        prev = Some(c);
    }
    false
}

fn finish_word(out: &mut Normalized, start: usize, quoted: bool, sentence_start: bool) {
    fold_spelling_at(&mut out.text, start);
    // `per cent` → `percent`.
    if &out.text[start..] == "cent" {
        if let Some(previous) = out.words.last() {
            if &out.text[previous.start as usize..previous.end as usize] == "per"
                && previous.end as usize + 1 == start
            {
                let merged = *previous;
                out.words.pop();
                out.text.truncate(merged.start as usize);
                out.text.push_str("percent");
                out.words.push(WordSpan {
                    end: out.text.len() as u32,
                    ..merged
                });
                return;
            }
        }
    }
    out.words.push(WordSpan {
        start: start as u32,
        end: out.text.len() as u32,
        quoted,
        sentence_start,
    });
}

/// Pushes the lower-case, accent-stripped form of `c`.
fn push_folded(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        _ => {
            // Lower-casing may produce marks (`İ` → `i` + U+0307) that are not letters:
            // keep letters only, so that normalising again changes nothing. It may also
            // produce a letter folded above (the Ångström sign U+212B → `å`): fold that too,
            // for the same reason.
            for lower in c.to_lowercase().filter(|lower| lower.is_alphanumeric()) {
                if lower == c {
                    out.push(lower);
                } else {
                    push_folded(lower, out);
                }
            }
            return;
        }
    };
    out.push(folded);
}

/// British spellings whose American form no suffix rule of [`fold_spelling`] reaches,
/// sorted (binary search).
const SPELLING_TABLE: &[(&str, &str)] = &[
    ("aluminium", "aluminum"),
    ("amongst", "among"),
    ("cheque", "check"),
    ("cheques", "checks"),
    ("defence", "defense"),
    ("enrolment", "enrollment"),
    ("fibre", "fiber"),
    ("fibres", "fibers"),
    ("fulfil", "fulfill"),
    ("grey", "gray"),
    ("jewellery", "jewelry"),
    ("judgement", "judgment"),
    ("kerb", "curb"),
    ("licence", "license"),
    ("litre", "liter"),
    ("litres", "liters"),
    ("manoeuvre", "maneuver"),
    ("metre", "meter"),
    ("metres", "meters"),
    ("mould", "mold"),
    ("odour", "odor"),
    ("offence", "offense"),
    ("plough", "plow"),
    ("pretence", "pretense"),
    ("programme", "program"),
    ("programmes", "programs"),
    ("sceptical", "skeptical"),
    ("skilful", "skillful"),
    ("storey", "story"),
    ("tyre", "tire"),
    ("tyres", "tires"),
    ("whilst", "while"),
];

/// Suffix rewrites British → American, longest suffix first within each family. A rule only
/// fires when at least `MIN_STEM` letters precede the suffix, which keeps `our`, `four`,
/// `hour`, `rise`, `wise` and `called` out of it.
const SUFFIX_RULES: &[(&str, &str)] = &[
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("ise", "ize"),
    ("ysing", "yzing"),
    ("ysed", "yzed"),
    ("yses", "yzes"),
    ("yse", "yze"),
    ("ourable", "orable"),
    ("ourites", "orites"),
    ("ourite", "orite"),
    ("ouring", "oring"),
    ("oured", "ored"),
    ("ours", "ors"),
    ("our", "or"),
    ("tres", "ters"),
    ("tre", "ter"),
    ("bres", "bers"),
    ("bre", "ber"),
    ("ogues", "ogs"),
    ("ogue", "og"),
    ("elled", "eled"),
    ("elling", "eling"),
    ("eller", "eler"),
    ("ellers", "elers"),
    ("alled", "aled"),
    ("alling", "aling"),
];

/// Letters that must precede a suffix for [`SUFFIX_RULES`] to apply.
const MIN_STEM: usize = 3;

/// Folds a British spelling to its American form (`agonising` → `agonizing`, `favour` →
/// `favor`, `centre` → `center`, `travelled` → `traveled`, `defence` → `defense`).
///
/// Applied to both sides of every comparison, so over-folding is harmless (`promise` becomes
/// `promize` everywhere); what matters is that the two spellings of one word meet.
pub fn fold_spelling(word: &str) -> std::borrow::Cow<'_, str> {
    match folded_spelling(word) {
        Some(folded) => std::borrow::Cow::Owned(folded),
        None => std::borrow::Cow::Borrowed(word),
    }
}

/// The American form of `word` when it differs, `None` for the vast majority of words.
/// On the hot path of normalisation: the table is a length-dispatched `match` and the
/// suffix rules are tried only for the few that end with the word's last letter.
fn folded_spelling(word: &str) -> Option<String> {
    // Table words are 4 to 10 bytes long.
    if word.len() < 4 {
        return None;
    }
    if word.len() <= 10 && spelling_table_may_hold(word.as_bytes()) {
        if let Ok(index) = SPELLING_TABLE.binary_search_by(|(british, _)| (*british).cmp(word)) {
            return Some(SPELLING_TABLE[index].1.to_owned());
        }
    }
    let bytes = word.as_bytes();
    if bytes.len() <= MIN_STEM + 2 || !word.is_ascii() || !may_have_british_suffix(bytes) {
        return None;
    }
    let last = bytes[bytes.len() - 1];
    for &(british, american) in SUFFIX_RULES {
        let suffix = british.as_bytes();
        if suffix[suffix.len() - 1] == last
            && bytes.len() >= suffix.len() + MIN_STEM
            && &bytes[bytes.len() - suffix.len()..] == suffix
        {
            let stem = &word[..word.len() - british.len()];
            return Some(format!("{stem}{american}"));
        }
    }
    None
}

/// For each word length, a bit per first byte `a`..=`z` of the [`SPELLING_TABLE`] words of
/// that length: most words are rejected by one lookup before the binary search.
const SPELLING_FIRST_LETTERS: [u32; 16] = {
    let mut masks = [0u32; 16];
    let mut index = 0;
    while index < SPELLING_TABLE.len() {
        let word = SPELLING_TABLE[index].0.as_bytes();
        assert!(word.len() < 16 && word[0].is_ascii_lowercase());
        masks[word.len()] |= 1 << (word[0] - b'a');
        index += 1;
    }
    masks
};

/// Whether some [`SPELLING_TABLE`] word has the length and first letter of `word`.
fn spelling_table_may_hold(word: &[u8]) -> bool {
    match (SPELLING_FIRST_LETTERS.get(word.len()), word.first()) {
        (Some(mask), Some(first)) if first.is_ascii_lowercase() => {
            mask & (1 << (first - b'a')) != 0
        }
        _ => false,
    }
}

/// Cheap filter before [`SUFFIX_RULES`]: every British suffix starts with one of these
/// letter pairs within the word's last eight letters.
fn may_have_british_suffix(word: &[u8]) -> bool {
    let tail = &word[word.len().saturating_sub(8)..];
    tail.windows(2).any(|pair| {
        matches!(
            pair,
            b"is" | b"ys" | b"ou" | b"tr" | b"br" | b"og" | b"el" | b"al"
        )
    })
}

/// Applies [`fold_spelling`] to the word that starts at `start` and runs to the end of `text`.
fn fold_spelling_at(text: &mut String, start: usize) {
    if let Some(folded) = folded_spelling(&text[start..]) {
        text.truncate(start);
        text.push_str(&folded);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        normalize(text).words().map(str::to_owned).collect()
    }

    fn quoted(text: &str) -> Vec<(String, bool)> {
        let normalized = normalize(text);
        (0..normalized.len())
            .map(|i| (normalized.word(i).to_owned(), normalized.is_quoted(i)))
            .collect()
    }

    #[test]
    fn case_quotes_and_apostrophes_meet() {
        assert_eq!(
            words("the North’s regime”, the JoongAng"),
            words("the North's regime\", the Joongang")
        );
        assert_eq!(words("Don’t"), vec!["dont"]);
    }

    #[test]
    fn hyphenated_and_spaced_names_meet() {
        assert_eq!(words("Thae Yong-ho"), words("Thae Yong Ho"));
        assert_eq!(words("Jo Song-gil"), vec!["jo", "song", "gil"]);
        assert_eq!(words("son-in-law"), vec!["son", "in", "law"]);
    }

    #[test]
    fn dashes_nbsp_and_punctuation_separate() {
        assert_eq!(
            words("Pyongyang – a rare\u{a0}privilege—granted…"),
            vec!["pyongyang", "a", "rare", "privilege", "granted"]
        );
    }

    #[test]
    fn numbers_and_abbreviations_meet() {
        assert_eq!(words("1,000 people"), words("1000 people"));
        assert_eq!(words("the U.S. said"), words("the US said"));
        assert_eq!(words("3.5 per cent"), vec!["35", "percent"]);
        assert_eq!(words("ended.Trump"), vec!["ended", "trump"]);
    }

    #[test]
    fn british_and_american_spellings_meet() {
        for (british, american) in [
            ("agonising", "agonizing"),
            ("criticised", "criticized"),
            ("favourable", "favorable"),
            ("colour", "color"),
            ("centre", "center"),
            ("travelled", "traveled"),
            ("labelled", "labeled"),
            ("metres", "meters"),
            ("defence", "defense"),
            ("analysed", "analyzed"),
            ("catalogue", "catalog"),
            ("organisation", "organization"),
        ] {
            assert_eq!(words(british), words(american), "{british}");
        }
        // Short stems are left alone.
        for word in ["our", "four", "hour", "rise", "wise", "called", "killed"] {
            assert_eq!(words(word), vec![word]);
        }
    }

    #[test]
    fn spelling_table_is_sorted_and_every_suffix_passes_the_filter() {
        assert!(SPELLING_TABLE.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(SPELLING_TABLE
            .iter()
            .all(|(british, _)| (4..=10).contains(&british.len())));
        for (british, _) in SUFFIX_RULES {
            assert!(
                may_have_british_suffix(format!("abc{british}").as_bytes()),
                "{british}"
            );
        }
    }

    #[test]
    fn accents_are_dropped() {
        assert_eq!(words("Piñera café"), words("Pinera cafe"));
        // The Ångström sign lower-cases to `å`, which folds to `a` (proptest found
        // normalisation not idempotent here).
        assert_eq!(words("\u{212B}ngstr\u{f6}m"), words("angstrom"));
        let once = normalize("\u{212B}");
        assert_eq!(normalize(once.text()).text(), once.text());
    }

    #[test]
    fn quoted_words_are_marked_in_every_quote_style() {
        let expected = vec![
            ("jo".to_owned(), false),
            ("is".to_owned(), false),
            ("known".to_owned(), true),
            ("to".to_owned(), true),
            ("be".to_owned(), true),
            ("he".to_owned(), false),
            ("said".to_owned(), false),
        ];
        assert_eq!(quoted("Jo is “known to be”, he said."), expected);
        assert_eq!(quoted("Jo is \"known to be\", he said."), expected);
        assert_eq!(quoted("Jo is ‘known to be’, he said."), expected);
        assert_eq!(quoted("Jo is 'known to be', he said."), expected);
    }

    #[test]
    fn sentence_starts_are_marked() {
        let normalized = normalize("Jo fled. “He is safe,” they said! In the U.S. too? Yes");
        let starts: Vec<&str> = (0..normalized.len())
            .filter(|&i| normalized.starts_sentence(i))
            .map(|i| normalized.word(i))
            .collect();
        assert_eq!(starts, vec!["jo", "he", "in", "yes"]);
    }

    #[test]
    fn stray_single_quote_does_not_open_a_quotation() {
        let result = quoted("In the ’90s the North’s envoys left");
        assert!(result.iter().all(|(_, quoted)| !quoted), "{result:?}");
    }

    #[test]
    fn unclosed_double_quote_runs_to_the_end() {
        // Multi-paragraph quotes open without closing.
        let result = quoted("He said: “We will stay");
        assert_eq!(
            result.iter().map(|(_, q)| *q).collect::<Vec<_>>(),
            vec![false, false, true, true, true]
        );
    }

    #[test]
    fn ngrams_are_contiguous_slices() {
        let normalized = normalize("Italian authorities were “agonising”");
        let trigrams: Vec<&str> = normalized.ngrams(3).collect();
        assert_eq!(
            trigrams,
            vec!["italian authorities were", "authorities were agonizing"]
        );
        assert_eq!(normalized.ngrams(5).count(), 0);
    }

    #[test]
    fn empty_and_symbol_only_text_gives_no_word() {
        assert!(normalize("").is_empty());
        assert!(normalize(" — … ”").is_empty());
    }
}
