//! Line classes in the manner of jusText (Pomikálek, 2011): a context-free verdict from the
//! line alone, then a revision that settles short and borderline lines by their neighbours.
//!
//! Context-free: copyright lines and separator-cut rows are bad; lines shorter than
//! [`LENGTH_LOW`] are short; the rest are judged by stop-word density (the page's language), with
//! Title Case lines that do not end like a sentence judged bad whatever their density (headlines
//! of other stories, menus). When the language is unknown, sentence punctuation stands in for
//! stop words.
//!
//! Context: a short line between two good ones is good, between two bad ones bad; a near-good
//! line is bad only when both its neighbours are. Neighbours skip short and near-good lines, and
//! the ends of the document count as bad, as in jusText. Unlike jusText, a neighbour more than
//! [`MAX_GAP`] lines away counts as bad too.

use super::features::Features;
use super::lang::Lang;

/// Below this length (in Latin characters; see [`Features::length`]) a line is short.
pub const LENGTH_LOW: usize = 70;
/// Above this length a dense line is good rather than near-good.
pub const LENGTH_HIGH: usize = 120;
/// Title Case lines with at least this many cased words and this share capitalised are bad.
const TITLE_MIN_WORDS: usize = 4;
const TITLE_RATIO: f32 = 0.7;
/// Lines with this share of digits are tables, scores or dates, not prose.
const DIGIT_RATIO: f32 = 0.35;

/// A line's class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Good,
    NearGood,
    Short,
    Bad,
}

/// Why a line got its context-free class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Stop-word density and length (the common case).
    Density,
    /// Unknown language: sentence punctuation and length.
    Sentences,
    Short,
    Copyright,
    Separators,
    TitleCase,
    Digits,
}

/// Stop-word density thresholds (low, high) for a language. The lists differ in size and the
/// languages in how many function words they use (Korean counts particles, see `lang`), so one
/// pair does not fit all: these were set where each language's article paragraphs sit.
pub fn thresholds(lang: Lang) -> (f32, f32) {
    match lang {
        Lang::Ko => (0.45, 0.55),
        Lang::Id => (0.15, 0.2),
        Lang::Ru => (0.18, 0.24),
        _ => (0.25, 0.3),
    }
}

/// The context-free class of a line.
pub fn context_free(f: &Features, lang: Lang) -> (Class, Why) {
    if f.copyright {
        return (Class::Bad, Why::Copyright);
    }
    if f.separators >= 2 {
        return (Class::Bad, Why::Separators);
    }
    if f.length < LENGTH_LOW {
        return (Class::Short, Why::Short);
    }
    if f.digit_ratio() > DIGIT_RATIO {
        return (Class::Bad, Why::Digits);
    }
    let sentence = f.sentence_end || f.sentences > 0;
    if !f.sentence_end && f.cased >= TITLE_MIN_WORDS && f.title_ratio() > TITLE_RATIO {
        return (Class::Bad, Why::TitleCase);
    }
    if lang == Lang::Unknown {
        let class = match (f.sentence_end, sentence) {
            (true, _) if f.length > LENGTH_HIGH => Class::Good,
            (_, true) => Class::NearGood,
            _ => Class::Bad,
        };
        return (class, Why::Sentences);
    }
    let (low, high) = thresholds(lang);
    let d = f.stop_density(lang);
    let class = if d >= high {
        if f.length > LENGTH_HIGH && sentence {
            Class::Good
        } else {
            Class::NearGood
        }
    } else if d >= low || (f.sentence_end && f.title_ratio() < 0.6 && d >= low / 2.0) {
        // Prose full of names and numbers (sports results, market reports) has few function
        // words but still reads as sentences: borderline, for the context to settle.
        Class::NearGood
    } else {
        Class::Bad
    };
    (class, Why::Density)
}

/// Lines a neighbour search may skip: a good line further away than this says nothing about a
/// short one (jusText has no limit, and a sidebar of forty category links between two
/// paragraphs would be good).
pub const MAX_GAP: usize = 4;

/// Nearest classes before each line, in `order`: (skipping short and near-good lines, skipping
/// short ones only); `Bad` past the end or past [`MAX_GAP`] skipped lines.
fn sweep(classes: &[Class], order: impl Iterator<Item = usize>) -> Vec<(Class, Class)> {
    let mut out = vec![(Class::Bad, Class::Bad); classes.len()];
    let (mut strict, mut loose) = ((Class::Bad, 0usize), (Class::Bad, 0usize));
    let near = |(c, gap): (Class, usize)| if gap > MAX_GAP { Class::Bad } else { c };
    for i in order {
        out[i] = (near(strict), near(loose));
        match classes[i] {
            Class::Short => {
                strict.1 += 1;
                loose.1 += 1;
            }
            Class::NearGood => {
                strict.1 += 1;
                loose = (Class::NearGood, 0);
            }
            c => {
                strict = (c, 0);
                loose = (c, 0);
            }
        }
    }
    out
}

/// Settles short and near-good lines by their neighbours, as jusText does: first short lines
/// (against the context-free classes), then near-good ones (against the settled short lines and
/// the near-good lines already settled before them). Every class returned is `Good` or `Bad`.
/// Neighbours are found with sweeps, so the whole is linear.
pub fn revise(classes: &[Class]) -> Vec<Class> {
    let n = classes.len();
    let before = sweep(classes, 0..n);
    let after = sweep(classes, (0..n).rev());
    let mut out = classes.to_vec();
    for i in 0..n {
        if classes[i] != Class::Short {
            continue;
        }
        let ((p, p_loose), (q, q_loose)) = (before[i], after[i]);
        out[i] = match (p, q) {
            (Class::Good, Class::Good) => Class::Good,
            (Class::Bad, Class::Bad) => Class::Bad,
            _ if (p == Class::Bad && p_loose == Class::NearGood)
                || (q == Class::Bad && q_loose == Class::NearGood) =>
            {
                Class::Good
            }
            _ => Class::Bad,
        };
    }
    let after = sweep(&out, (0..n).rev());
    let mut prev = Class::Bad;
    for i in 0..n {
        if out[i] == Class::NearGood {
            out[i] = if prev == Class::Bad && after[i].0 == Class::Bad {
                Class::Bad
            } else {
                Class::Good
            };
        }
        prev = out[i];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Class::*;

    fn cf(text: &str) -> Class {
        context_free(&Features::of(text), Lang::En).0
    }

    #[test]
    fn context_free_classes() {
        let para = "The council voted on Monday to raise the fares, and the mayor said that the \
                    decision had not been easy for anyone who was there. It will be reviewed in a year \
                    when the new budget is set, she said.";
        assert_eq!(cf(para), Good);
        assert_eq!(
            cf("The council voted on Monday to raise the fares for the second time this year."),
            NearGood
        );
        assert_eq!(cf("Home"), Short);
        assert_eq!(
            cf("Ten Things You Need To Know About The New Harbour Ferry Timetable Today"),
            Bad
        );
        assert_eq!(
            cf("© 2019 Example Media Group, a subsidiary of Example Holdings Incorporated"),
            Bad
        );
    }

    #[test]
    fn context_revision() {
        assert_eq!(revise(&[Good, Short, Good]), [Good, Good, Good]);
        assert_eq!(revise(&[Bad, Short, Bad]), [Bad, Bad, Bad]);
        assert_eq!(revise(&[Short]), [Bad]);
        assert_eq!(revise(&[Bad, NearGood, Bad]), [Bad, Bad, Bad]);
        assert_eq!(revise(&[Good, NearGood, Bad]), [Good, Good, Bad]);
        // A short line between good and a near-good line that borders bad: good (jusText).
        assert_eq!(
            revise(&[Good, Short, NearGood, Bad]),
            [Good, Good, Good, Bad]
        );
        assert_eq!(revise(&[Bad, NearGood, Short, Bad]), [Bad, Bad, Bad, Bad]);
    }
}
