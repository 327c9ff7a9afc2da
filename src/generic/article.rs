//! Finding the article among a page's classified lines: the main run, where it ends, the
//! headline before it, and what to remove inside it.
//!
//! The main run is a maximum-sum segment (Kadane) over line weights: good text weighs its word
//! count, clutter weighs against, and a related-links heading is a barrier only a substantial run
//! of article text on its far side can cross. This keeps an article whose body is broken by an
//! advertisement or a "Related" box whole, and leaves menus, link lists and footers outside.
//! After a comment-section heading, text weighs little, so a long comment thread is never taken
//! for the article; inside the run, the article ends at such a heading.
//!
//! An unrelated story appended after the article (feeds that load the next story) looks like
//! article text line by line. Its start has a structure, a short section label then a headline,
//! or a headline repeated a few lines later, and its text no longer shares the article's
//! vocabulary: both are required before the run is cut there.
//!
//! All of this is on plain `&str` lines, so it is tested without the cleaner.

use super::classify::{self, Class, Why};
use super::features::Features;
use super::lang::{self, Lang, Tokens};
use super::markers::{self, Marker};
use std::collections::HashSet;

/// What to do with one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Keep it; the class and reason, for `Paragraph.class`.
    Keep(String),
    /// Remove it, for this reason (the rule id after `classifier:`).
    Remove(&'static str),
    /// A rule removed it already.
    Gone,
}

/// The classifier's plan for a page.
#[derive(Clone, Debug)]
pub struct Plan {
    pub lang: Lang,
    /// One verdict per line.
    pub verdicts: Vec<Verdict>,
    /// The line taken as the headline, if any.
    pub headline: Option<usize>,
    /// Why the result is unusual (a fallback), for the record's notes.
    pub note: Option<String>,
    /// The article's run: its first and last line.
    pub run: (usize, usize),
    /// Each line's context-free class and its class after the context revision.
    pub classes: Vec<(Class, Class)>,
    /// Why a line is removed, beyond its reason, when the line model removed it.
    pub why: Vec<Option<String>>,
}

/// One line with what the classifier knows of it.
#[derive(Clone, Debug)]
struct Line<'a> {
    text: &'a str,
    /// Removed by a rule: it still tells where things are (a comment heading a rule dropped
    /// still starts the comments), but it never counts for the article.
    gone: bool,
    f: Features,
    cf: Class,
    why: Why,
    marker: Marker,
    class: Class,
}

/// Weight of a related-links heading, in words of article text.
const RELATED_BARRIER: f32 = 25.0;
/// Weight of a relative time stamp (`2H ago`), in words.
const AGO_WEIGHT: f32 = 5.0;
/// Positive weights after a comment-section heading are multiplied by this.
const AFTER_COMMENTS: f32 = 0.2;
/// Good words that must precede a comment heading for it to count as one (a `Comments` link
/// in a page header is not the comment section).
const COMMENTS_AFTER_WORDS: f32 = 40.0;
/// Body paragraphs the run must hold before an appended story may start.
const APPENDED_AFTER_PARAGRAPHS: usize = 3;
/// An appended story's text shares less than this share of its words with the article.
const APPENDED_MAX_OVERLAP: f32 = 0.3;
/// Lines before the run searched for the headline.
const HEADLINE_LOOKBACK: usize = 12;

/// What the classifier measures on a line: the same whatever the page's language, so it is
/// computed once per line and kept across the cleaner's rounds.
#[derive(Clone, Copy, Debug)]
pub struct Measure {
    pub f: Features,
    pub marker: Marker,
}

impl Measure {
    pub fn of(text: &str) -> Measure {
        let f = Features::of(text);
        Measure {
            f,
            marker: markers::marker(text, f.words),
        }
    }
}

/// One non-blank line of a page, as the planner takes it.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub text: &'a str,
    /// Whether a rule removed it already.
    pub gone: bool,
    pub measure: Measure,
}

/// The language of a page from its kept lines: the longer ones (six words or more) when there
/// are some, since menus are often in English on a page that is not.
pub fn page_lang(kept: &[&Features]) -> Lang {
    let long = kept.iter().filter(|f| f.words >= 6).map(|f| &f.tally);
    if long.clone().next().is_some() {
        lang::detect_tallies(long)
    } else {
        lang::detect_tallies(kept.iter().map(|f| &f.tally))
    }
}

/// Plans the cleaning of a page in `lang` from its non-blank lines, those rules removed
/// included (`Input::gone`); `title` is a title rules already lifted, `url` the page's address.
pub fn plan(inputs: &[Input], lang: Lang, title: Option<&str>, url: Option<&str>) -> Plan {
    let mut lines: Vec<Line> = inputs
        .iter()
        .map(|input| {
            let m = &input.measure;
            let (cf, why) = classify::context_free(&m.f, lang);
            Line {
                text: input.text,
                gone: input.gone,
                f: m.f,
                cf,
                why,
                marker: m.marker,
                class: cf,
            }
        })
        .collect();
    // Lines a rule removed are skipped when neighbours are sought: neither a caption a rule
    // dropped between two paragraphs nor a cookie banner above a menu is a neighbour.
    let present: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].gone).collect();
    let cf: Vec<Class> = present.iter().map(|&i| lines[i].cf).collect();
    for (&i, class) in present.iter().zip(classify::revise(&cf)) {
        lines[i].class = class;
    }

    let weights = weights(&lines, lang);
    let mut note = None;
    let (mut start, mut end, mut tail_reason) = match best_run(&weights) {
        Some((a, b)) if has_text(&lines[a..=b]) => (a, b, "after-article"),
        _ => {
            let (a, b) = fallback(&lines);
            note = Some(format!(
                "classifier: no line classified as article text; kept the longest run of \
                 sentence-like lines ({} lines)",
                b + 1 - a
            ));
            (a, b, "after-article")
        }
    };
    // The comment section, wherever it starts after the article has begun.
    let comments = comments_start(&lines, start, lines.len() - 1);
    if note.is_none() {
        if let Some(c) = comments.filter(|&c| c <= end) {
            end = best_end(&weights, start, c - 1);
        }
        if let Some(c) = appended_start(&lines, start, end, lang) {
            end = best_end(&weights, start, c - 1);
            tail_reason = "appended-story";
        }
    }
    let title_line = title.and_then(|t| lines.iter().position(|l| !l.gone && l.text == t));
    if note.is_none() {
        start = body_start(&lines, start, end);
    }
    let slug = url.and_then(slug_words);
    let headline = title_line.or_else(|| headline(&lines, start, end, lang, slug.as_ref()));

    let verdicts = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if line.gone {
                return Verdict::Gone;
            }
            if Some(i) == headline {
                return Verdict::Keep("title: the headline, before the article".to_string());
            }
            if headline.is_some_and(|h| i > h && line.text == lines[h].text) {
                return Verdict::Remove("repeated-headline");
            }
            if i < start {
                return Verdict::Remove("before-article");
            }
            if i > end {
                if comments.is_some_and(|c| i >= c) && tail_reason == "after-article" {
                    return Verdict::Remove("comments");
                }
                return Verdict::Remove(tail_reason);
            }
            if note.is_some() {
                return Verdict::Keep(format!(
                    "fallback: {} words in the longest sentence-like run",
                    line.f.words
                ));
            }
            inside(&lines, i, lang)
        })
        .collect();
    Plan {
        lang,
        verdicts,
        headline,
        note,
        run: (start, end),
        classes: lines.iter().map(|l| (l.cf, l.class)).collect(),
        why: Vec::new(),
    }
}

/// Whether a run holds text worth calling an article: a good line, or near-good ones.
fn has_text(lines: &[Line]) -> bool {
    lines.iter().any(|l| {
        !l.gone && (l.cf == Class::Good || (l.cf == Class::NearGood && l.class == Class::Good))
    })
}

/// The weight of each line for the main-run search.
fn weights(lines: &[Line], lang: Lang) -> Vec<f32> {
    let mut good_words = 0.0;
    let mut in_comments = false;
    lines
        .iter()
        .map(|l| {
            let words = l.f.words as f32;
            let mut w = match (l.cf, l.class) {
                (Class::Good, _) => words,
                (Class::NearGood, Class::Good) => 0.7 * words,
                (Class::NearGood, _) => -0.2 * words,
                (Class::Short, Class::Good) => {
                    if l.f.sentence_end {
                        1.0
                    } else {
                        0.5
                    }
                }
                (Class::Short, _) if menu_like(l) => -2.0,
                (Class::Short, _) if l.f.sentence_end && l.f.words >= 4 && l.f.stop(lang) > 0 => {
                    0.3
                }
                (Class::Short, _) if l.f.sentence_end => -0.3,
                (Class::Short, _) => -1.0,
                (Class::Bad, _) => -(2.0 + 0.5 * words),
            };
            if l.gone {
                // Structure, not content: what a rule removed only separates.
                w = -1.0;
            }
            match l.marker {
                Marker::Related => w = w.min(0.0) - RELATED_BARRIER,
                Marker::Comments if good_words >= COMMENTS_AFTER_WORDS => {
                    in_comments = true;
                    w = w.min(0.0) - RELATED_BARRIER;
                }
                Marker::Ago => w = w.min(0.0) - AGO_WEIGHT,
                Marker::Promo if l.cf != Class::Good => w = w.min(0.0) - 2.0 - 0.3 * words,
                // A good sentence about subscriptions may be news: inside the article it stays,
                // but it does not pull the article towards it.
                Marker::Promo => w = -0.2 * words,
                _ => {}
            }
            if w > 0.0 {
                if in_comments {
                    w *= AFTER_COMMENTS;
                }
                good_words += w;
            }
            w
        })
        .collect()
}

/// A short line shaped like a menu item: five words or fewer, capitalised or in capitals, no
/// sentence punctuation.
fn menu_like(l: &Line) -> bool {
    l.f.words <= 5
        && !l.f.sentence_end
        && (l.f.all_caps() || l.f.title_ratio() >= 0.75 || l.f.cased == 0)
}

/// The maximum-sum segment of `weights` (the earliest of equal ones), if its sum is positive.
fn best_run(weights: &[f32]) -> Option<(usize, usize)> {
    let mut best: Option<(f32, usize, usize)> = None;
    let (mut sum, mut from) = (0.0f32, 0);
    for (i, &w) in weights.iter().enumerate() {
        if sum <= 0.0 {
            sum = 0.0;
            from = i;
        }
        sum += w;
        if sum > 0.0 && best.is_none_or(|(b, _, _)| sum > b) {
            best = Some((sum, from, i));
        }
    }
    best.map(|(_, a, b)| (a, b))
}

/// The longest run (by words) of sentence-like lines: the fallback when nothing is good. A line
/// is sentence-like if it ends like a sentence and has four words or more; if there is none, the
/// longest line.
fn fallback(lines: &[Line]) -> (usize, usize) {
    let mut best = (0, 0, 0usize);
    let mut i = 0;
    let sentence = |l: &Line| l.gone || (l.f.sentence_end && l.f.words >= 4);
    while i < lines.len() {
        if lines[i].gone || !sentence(&lines[i]) {
            i += 1;
            continue;
        }
        let from = i;
        let (mut words, mut last) = (0, i);
        while i < lines.len() && sentence(&lines[i]) {
            if !lines[i].gone {
                words += lines[i].f.words;
                last = i;
            }
            i += 1;
        }
        if words > best.2 {
            best = (from, last, words);
        }
    }
    if best.2 == 0 {
        let longest = (0..lines.len())
            .filter(|&i| !lines[i].gone)
            .max_by_key(|&i| (lines[i].f.words, std::cmp::Reverse(i)))
            .unwrap_or(0);
        return (longest, longest);
    }
    (best.0, best.1)
}

/// A comment-section heading inside the run, after some article text: where the article ends.
fn comments_start(lines: &[Line], start: usize, end: usize) -> Option<usize> {
    let mut good = 0;
    for (i, l) in lines.iter().enumerate().take(end + 1).skip(start) {
        if l.marker == Marker::Comments && good > 0 {
            return Some(i);
        }
        if !l.gone && l.class == Class::Good && l.cf != Class::Short {
            good += 1;
        }
    }
    None
}

/// Whether `text` looks like a headline: 3 to 25 words, starting with a capital, a digit or a
/// quote, not ending like a statement.
fn headline_like(l: &Line) -> bool {
    !l.gone && headline_like_text(l.text, l.f.words, l.marker)
}

/// [`headline_like`] on a line's text, word count and marker.
pub(crate) fn headline_like_text(text: &str, words: usize, marker: Marker) -> bool {
    (3..=25).contains(&words)
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric() || "‘“'\"¿¡".contains(c))
        && !text.ends_with(['.', ',', ';', ':'])
        && marker == Marker::None
}

/// A section label: one to three words in capitals (`TERRORISM`, `REINDEER GAMES`), letters
/// only. Title Case labels are not enough: product lists put a brand name over each item.
fn label_like(l: &Line) -> bool {
    !l.gone
        && (1..=3).contains(&l.f.words)
        && l.f.all_caps()
        && l.text
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || "&'’-".contains(c))
}

/// A paragraph of the article's body: good by context, ending like a sentence.
fn body_like(l: &Line) -> bool {
    !l.gone && l.class == Class::Good && l.cf != Class::Short && l.f.sentence_end
}

/// Content words of a line: tokens of three characters or more that are not function words
/// or numbers.
pub(crate) fn content_words(text: &str, lang: Lang, mut push: impl FnMut(&str)) {
    let mut tokens = Tokens::new(text);
    while let Some(t) = tokens.next() {
        if t.chars().count() >= 3 && !t.chars().all(|c| c.is_numeric()) && !lang.is_stop(t) {
            push(t);
        }
    }
}

/// The share of the content words of `after` that also occur in `before`.
fn overlap(before: &[&Line], after: &[&Line], lang: Lang) -> f32 {
    let mut vocab: HashSet<String> = HashSet::new();
    for l in before {
        content_words(l.text, lang, |w| {
            if !vocab.contains(w) {
                vocab.insert(w.to_string());
            }
        });
    }
    let (mut shared, mut total) = (0usize, 0usize);
    for l in after {
        content_words(l.text, lang, |w| {
            total += 1;
            if vocab.contains(w) {
                shared += 1;
            }
        });
    }
    if total == 0 {
        1.0
    } else {
        shared as f32 / total as f32
    }
}

/// Where the body starts in a run that opens with a page header: a standfirst or two, then a
/// cluster of at least two short lines that are not sentences (byline, date, picture credit),
/// then paragraphs. The header goes; the headline is found separately.
fn body_start(lines: &[Line], start: usize, end: usize) -> usize {
    let present: Vec<usize> = (start..=end).filter(|&i| !lines[i].gone).collect();
    // The first body paragraph followed, within two lines, by another.
    let Some(k) = (0..present.len()).find(|&k| {
        body_like(&lines[present[k]])
            && present[k + 1..]
                .iter()
                .take(2)
                .any(|&j| body_like(&lines[j]))
    }) else {
        return start;
    };
    // Text lines in the header, and whether one follows the last cluster of two header lines.
    let (mut header_body, mut cluster, mut clustered, mut text_after) = (0, 0, false, false);
    for &i in &present[..k] {
        let l = &lines[i];
        if body_like(l) || l.f.words >= 12 {
            header_body += 1;
            cluster = 0;
            text_after = true;
        } else if header_like(l) {
            cluster += 1;
            if cluster >= 2 {
                clustered = true;
                text_after = false;
            }
        } else {
            cluster = 0;
        }
    }
    if clustered && !text_after && header_body <= 2 {
        present[k]
    } else {
        start
    }
}

/// A line of a page header between standfirst and body: a byline, a date, a handle, a credit.
/// Not a sentence; capitalised words, digits or an `@`. (A list in the body, `baby carrier`,
/// `healthy snack bars`, is in lowercase.)
fn header_like(l: &Line) -> bool {
    !l.f.sentence_end
        && l.f.words <= 12
        && (l.f.title_ratio() >= 0.5 || l.f.digits > 0 || l.f.cased == 0 || l.text.starts_with('@'))
}

/// Lines after a candidate start whose vocabulary is compared with the article's.
const APPENDED_WINDOW: usize = 8;

/// Where an unrelated story appended after the article starts, if one does: a label in capitals
/// followed by a headline, or a headline repeated within the next three lines, after some body
/// paragraphs, with the lines after it sharing little of the article's vocabulary.
fn appended_start(lines: &[Line], start: usize, end: usize, lang: Lang) -> Option<usize> {
    // Lines a rule removed are not there: what follows a label is the next line still kept.
    let present: Vec<usize> = (start..=end).filter(|&i| !lines[i].gone).collect();
    let mut body = 0;
    for (k, &i) in present.iter().enumerate() {
        let l = &lines[i];
        let after = &present[k + 1..];
        if body >= APPENDED_AFTER_PARAGRAPHS && !after.is_empty() {
            let next = &lines[after[0]];
            // A section label is not part of the headline under it; a brand over a product
            // (`DJI` over `DJI Mavic Mini for $399`) is.
            let labelled = label_like(l)
                && headline_like(next)
                && !next.text.to_lowercase().contains(&l.text.to_lowercase());
            let repeated = headline_like(l)
                && l.f.words >= 5
                && after.iter().take(3).any(|&j| lines[j].text == l.text);
            if labelled || repeated {
                let before: Vec<&Line> = present[..k].iter().map(|&j| &lines[j]).collect();
                let window: Vec<&Line> = present[k..]
                    .iter()
                    .take(APPENDED_WINDOW + 1)
                    .map(|&j| &lines[j])
                    .collect();
                if overlap(&before, &window, lang) < APPENDED_MAX_OVERLAP {
                    return Some(i);
                }
            }
        }
        if body_like(l) {
            body += 1;
        }
    }
    None
}

/// The end of the best run that starts at `start` and ends at `end` at the latest: where the
/// running sum of weights peaks, so clutter left dangling by a cut is dropped too.
fn best_end(weights: &[f32], start: usize, end: usize) -> usize {
    let (mut sum, mut best, mut at) = (0.0f32, f32::MIN, start);
    for (i, w) in weights.iter().enumerate().take(end + 1).skip(start) {
        sum += w;
        if sum > best {
            best = sum;
            at = i;
        }
    }
    at
}

/// Lines before the article searched for the headline when the URL's slug can confirm it.
const HEADLINE_LOOKBACK_SLUG: usize = 40;

/// The words of a URL's slug (`/2019/11/19/fares-rise-next-spring.html` gives `fares`, `rise`,
/// `next`, `spring`), if it has three or more: most news URLs carry their headline.
pub fn slug_words(url: &str) -> Option<HashSet<String>> {
    let path = url.split(['?', '#']).next()?;
    let path = path.split_once("://").map_or(path, |(_, rest)| rest);
    let segment = path
        .split('/')
        .skip(1)
        .max_by_key(|seg| seg.matches(['-', '_']).count())?;
    let segment = segment.split('.').next().unwrap_or(segment);
    let words: HashSet<String> = segment
        .split(['-', '_', '+'])
        .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect();
    (words.len() >= 3).then_some(words)
}

/// The headline: among the lines before the article's first body paragraph (not past a
/// related-links heading), the headline-like one that best shares the words of the first
/// paragraphs, or of the URL's slug. A line printed twice (headline above and below a picture)
/// and a Title Case line are preferred to a standfirst in sentence case.
fn headline(
    lines: &[Line],
    start: usize,
    end: usize,
    lang: Lang,
    slug: Option<&HashSet<String>>,
) -> Option<usize> {
    let first_body = (start..=end).find(|&i| body_like(&lines[i]))?;
    let mut lead: HashSet<String> = HashSet::new();
    for l in lines[first_body..=end]
        .iter()
        .filter(|l| body_like(l))
        .take(4)
    {
        content_words(l.text, lang, |w| {
            if !lead.contains(w) {
                lead.insert(w.to_string());
            }
        });
    }
    let lookback = if slug.is_some() {
        HEADLINE_LOOKBACK_SLUG
    } else {
        HEADLINE_LOOKBACK
    };
    let from = first_body.saturating_sub(lookback);
    let mut best: Option<(f32, usize)> = None;
    for i in (from..first_body).rev() {
        let l = &lines[i];
        if matches!(l.marker, Marker::Related | Marker::Comments)
            && i + HEADLINE_LOOKBACK < first_body
        {
            break;
        }
        if !headline_like(l) || l.f.words < 4 {
            continue;
        }
        let (mut shared, mut in_slug, mut total) = (0, 0, 0);
        content_words(l.text, lang, |w| {
            total += 1;
            if lead.contains(w) {
                shared += 1;
            }
            if slug.is_some_and(|s| s.contains(&w.replace('\'', ""))) {
                in_slug += 1;
            }
        });
        if total == 0 {
            continue;
        }
        let by_lead = if shared >= 2 && i + HEADLINE_LOOKBACK >= first_body {
            shared as f32 / total as f32
        } else {
            0.0
        };
        let by_slug = if in_slug >= 2 {
            1.0 + in_slug as f32 / total as f32
        } else {
            0.0
        };
        let mut score = by_lead.max(by_slug);
        if score < 0.3 {
            continue;
        }
        if lines[from..first_body]
            .iter()
            .filter(|m| !m.gone && m.text == l.text)
            .count()
            > 1
        {
            score += 0.15;
        }
        if l.f.title_ratio() >= 0.6 {
            score += 0.1;
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, i));
        }
    }
    best.map(|(_, i)| i)
}

/// The verdict on a line inside the article.
fn inside(lines: &[Line], i: usize, lang: Lang) -> Verdict {
    let l = &lines[i];
    let density = (100.0 * l.f.stop_density(lang)).round();
    let stats = if lang == Lang::Unknown {
        format!("{} words, {} sentences", l.f.words, l.f.sentences)
    } else {
        format!("{} words, {density}% stop words", l.f.words)
    };
    match (l.cf, l.class) {
        (Class::Good, _) => Verdict::Keep(format!("good: {stats}")),
        (Class::NearGood, Class::Good) if l.marker == Marker::None => {
            Verdict::Keep(format!("near-good, good by context: {stats}"))
        }
        (Class::Short, Class::Good) if l.marker == Marker::None => {
            Verdict::Keep(format!("short, good by context: {stats}"))
        }
        (Class::Short, _) if l.marker == Marker::None => {
            Verdict::Keep(format!("short, inside the article: {stats}"))
        }
        // A sub-head in Title Case: it introduces the paragraph under it. Links to other stories
        // come in lists, one headline under another.
        (Class::Bad, _)
            if l.why == Why::TitleCase
                && l.marker == Marker::None
                && lines[i + 1..]
                    .iter()
                    .find(|m| !m.gone)
                    .is_some_and(body_like) =>
        {
            Verdict::Keep(format!("sub-head, over a paragraph: {stats}"))
        }
        _ => Verdict::Remove(match (l.marker, l.why) {
            (Marker::Related, _) => "related-links",
            (Marker::Comments, _) => "comments",
            (Marker::Promo, _) => "promo",
            (Marker::Ago, _) => "time-stamp",
            (_, Why::Copyright) => "copyright",
            (_, Why::Separators) => "menu",
            (_, Why::TitleCase) => "title-case",
            (_, Why::Digits) => "digits",
            (_, Why::Short) => "short-boilerplate",
            (_, Why::Sentences) => "not-sentences",
            (_, Why::Density) => "few-stop-words",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: &str = "The city's harbour ferries will cost more from April, the transport authority said on Monday, in the first rise in six years, and the council is expected to approve it.";
    const P2: &str = "Commuters on the busiest routes will pay an extra 30 cents a trip under the plan, which the ferry operator said was needed to cover the rising cost of fuel.";
    const P3: &str = "“We have held fares for as long as we could,” a spokeswoman for the authority told reporters at the pier, adding that ferry timetables would not change.";
    const P4: &str = "The last rise, in 2019, was followed by a drop in ferry passengers that lasted for most of the year, according to figures from the transport authority.";

    fn plan(texts: &[&str], title: Option<&str>) -> Plan {
        let inputs: Vec<Input> = texts
            .iter()
            .map(|&text| Input {
                text,
                gone: false,
                measure: Measure::of(text),
            })
            .collect();
        let features: Vec<&Features> = inputs.iter().map(|i| &i.measure.f).collect();
        let lang = page_lang(&features);
        super::plan(&inputs, lang, title, None)
    }

    fn kept(texts: &[&str]) -> Vec<String> {
        let p = plan(texts, None);
        texts
            .iter()
            .zip(&p.verdicts)
            .filter(|(_, v)| matches!(v, Verdict::Keep(_)))
            .map(|(t, _)| t.to_string())
            .collect()
    }

    #[test]
    fn menus_around_the_article_go() {
        let page = [
            "Home",
            "News",
            "Sport",
            "Business",
            "Harbour ferry fares to rise next spring",
            P1,
            P2,
            "Advertisement",
            P3,
            P4,
            "Most Popular",
            "Ten Things You Need To Know About The New Ferry Timetable",
            "Mayor Opens New Bridge Over The Harbour In Grand Ceremony",
            "About us",
            "Contact",
        ];
        assert_eq!(
            kept(&page),
            ["Harbour ferry fares to rise next spring", P1, P2, P3, P4]
        );
        let p = plan(&page, None);
        assert_eq!(p.headline, Some(4));
        assert_eq!(p.verdicts[0], Verdict::Remove("before-article"));
        assert_eq!(p.verdicts[11], Verdict::Remove("after-article"));
    }

    #[test]
    fn comments_end_the_article() {
        let page = [P1, P2, P3, "3 Comments", P4, "Reply", P2];
        assert_eq!(kept(&page), [P1, P2, P3]);
        let p = plan(&page, None);
        assert_eq!(p.verdicts[3], Verdict::Remove("comments"));
    }

    #[test]
    fn appended_story_is_cut() {
        let other = [
            "Museum opens new wing dedicated to medieval manuscripts",
            "The national museum unveiled a wing of illuminated manuscripts on Saturday, with visitors queueing around the block before the doors opened.",
            "Curators spent eight years restoring the collection, which includes psalters and gospel books from monasteries across the region.",
            "Admission to the new galleries will be free during the first month, the museum's director announced at the opening ceremony.",
        ];
        let mut page = vec![P1, P2, P3, P4, "CULTURE"];
        page.extend(other);
        assert_eq!(kept(&page), [P1, P2, P3, P4]);
        assert_eq!(
            plan(&page, None).verdicts[4],
            Verdict::Remove("appended-story")
        );
        // A sub-head followed by more of the same story is not an appended story.
        let mut page = vec![P1, P2, P3, "FARES", "Ferry fares and the harbour authority"];
        page.extend([P4, P2]);
        assert_eq!(kept(&page).len(), page.len());
    }

    #[test]
    fn never_empty() {
        let page = ["Home", "News", "Fares rise.", "Contact us"];
        let p = plan(&page, None);
        assert!(p.note.is_some());
        assert_eq!(kept(&page), ["Fares rise."]);
    }

    #[test]
    fn slugs() {
        let words = slug_words("https://example.com/2019/11/19/fares-rise-next-spring.html?x=1");
        let mut words: Vec<String> = words.expect("a slug").into_iter().collect();
        words.sort();
        assert_eq!(words, ["fares", "next", "rise", "spring"]);
        assert!(slug_words("https://example.com/news/12345").is_none());
        assert!(slug_words("not a url").is_none());
    }

    #[test]
    fn kadane() {
        assert_eq!(best_run(&[-1.0, 2.0, -1.0, 3.0, -5.0, 1.0]), Some((1, 3)));
        assert_eq!(best_run(&[-1.0, -2.0]), None);
    }
}
