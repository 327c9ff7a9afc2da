//! Labelled syndication corpus, generated from real article text.
//!
//! Source: the `gold` article bodies of `../shared/eval/scraped-pages-dev.jsonl` (read at
//! test time, never copied into the repository). English pages (stop-word share >= 0.15)
//! become wire stories, every fourth one a pool of "local" paragraphs instead. So that no
//! unlabelled copy hides in the corpus, pages that share any 8-word run with an earlier page
//! are dropped (the dev set holds a few real syndicated pairs), and so are paragraphs that
//! repeat an earlier paragraph of their page (same words or a shared 6-word run), short
//! lines repeating a run of another paragraph of their page (pull quotes) and short lines
//! that recur in several pages (`Advertisement`-like).
//!
//! For each story a wire agency (AFP, Reuters, AP) publishes the original, and two to four
//! outlets pick it up. An outlet keeps each wire paragraph with probability 0.85 and applies
//! to it exactly one edit (so that recall can be reported per edit type):
//!
//! | edit            | what the desk does                                                  |
//! |-----------------|---------------------------------------------------------------------|
//! | `verbatim`      | nothing                                                             |
//! | `quote-style`   | curly ↔ straight ↔ single quotes, `’` ↔ `'`                         |
//! | `spelling`      | American ↔ British spelling (its own word list, not the detector's) |
//! | `trim`          | drops the last sentence, or the last clause of a one-sentence para  |
//! | `merge`         | merges the paragraph with the next one                              |
//! | `attribution`   | replaces (or adds) the attribution clause (`, officials said.`)     |
//! | `clause-reorder`| `A, B.` → `B, a.`; `X said that Y.` → `Y, X said.`                   |
//! | `split`         | splits the paragraph in two at a sentence boundary                  |
//! | `restyled`      | quote style + spelling + attribution together                       |
//! | `desk rewrite`  | attribution + clause reorder + ~15% of words swapped for synonyms,  |
//! |                 | the kind of edit SCMP 20 / Local 10 shows in the samples            |
//!
//! Paragraphs under 8 words only get `verbatim`, `quote-style` or `spelling`. Mixed in, as
//! negatives: `paraphrase` (the deterministic paraphraser below: same facts, >50% of the
//! words changed), `shared-quote` (an outlet's own sentence around a quotation of >= 8
//! words from the wire paragraph, framed by a local paragraph cut in two), `local`
//! paragraphs inserted between wire paragraphs, and
//! one site-template line per outlet at the end of each of its documents. With probability
//! 0.15 an outlet instead republishes the whole story verbatim (a document-level truth).
//!
//! **Truth** is provenance, not text similarity: every word of a generated paragraph
//! remembers which wire word it comes from (edits that change a word's form, like spelling,
//! keep its origin; rewritten words have none). Two copies are a true pair when the wire
//! words they both kept make at least half of the shorter one. A paraphrase, a shared
//! quote, a local paragraph or a template is never a true syndicated pair. Pairs of copies
//! sharing some but less than half are `partial`: counted and shown, left out of P/R.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seeded generator, enough for test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// How a generated paragraph came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// The wire agency's own paragraph.
    Wire,
    /// An outlet's copy with one edit.
    Copy(Edit),
    /// A paraphrase of a wire paragraph (negative).
    Paraphrase,
    /// An outlet's sentence quoting a wire quotation (negative for syndication).
    SharedQuote,
    /// A paragraph of the outlet's own (negative).
    Local,
    /// The outlet's template line (site-template, never cross-site).
    Template,
}

/// Desk edits applied to copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Edit {
    Verbatim,
    QuoteStyle,
    Spelling,
    Trim,
    Merge,
    Attribution,
    ClauseReorder,
    Split,
    Restyled,
    Rewritten,
}

impl Edit {
    pub const ALL: [Edit; 10] = [
        Edit::Verbatim,
        Edit::QuoteStyle,
        Edit::Spelling,
        Edit::Trim,
        Edit::Merge,
        Edit::Attribution,
        Edit::ClauseReorder,
        Edit::Split,
        Edit::Restyled,
        Edit::Rewritten,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Edit::Verbatim => "verbatim",
            Edit::QuoteStyle => "quote-style",
            Edit::Spelling => "spelling",
            Edit::Trim => "trim",
            Edit::Merge => "merge",
            Edit::Attribution => "attribution",
            Edit::ClauseReorder => "clause-reorder",
            Edit::Split => "split",
            Edit::Restyled => "restyled",
            Edit::Rewritten => "desk rewrite",
        }
    }
}

/// A whitespace token and the wire word it comes from, `(wire paragraph, word index)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub source: Option<(u32, u32)>,
}

/// One generated paragraph.
#[derive(Clone, Debug)]
pub struct GenParagraph {
    pub text: String,
    pub origin: Origin,
    /// Wire paragraphs it derives from (for copies, paraphrases and shared quotes).
    pub sources: Vec<u32>,
    /// Wire words it kept, sorted.
    pub kept: Vec<(u32, u32)>,
    /// Whitespace words.
    pub words: usize,
}

/// One generated document.
#[derive(Clone, Debug)]
pub struct GenDocument {
    pub id: String,
    pub site: String,
    pub credits: Vec<String>,
    pub story: usize,
    /// Whether this outlet republished the wire story whole (every paragraph verbatim).
    pub republished: bool,
    pub paragraphs: Vec<GenParagraph>,
}

/// The corpus and what was left out while building it.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    pub documents: Vec<GenDocument>,
    pub pages_read: usize,
    pub pages_not_english: usize,
    pub pages_overlapping: usize,
    pub recurring_short_lines: usize,
    pub repeated_within_page: usize,
    pub paraphrases_dropped: usize,
}

/// `(id, gold)` of each dev page, from `../shared/eval/scraped-pages-dev.jsonl`.
pub fn load_gold() -> Vec<(String, String)> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/scraped-pages-dev.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("{}: bad JSON line: {error}", path.display()));
            let field = |name: &str| {
                value[name]
                    .as_str()
                    .unwrap_or_else(|| panic!("{}: a line has no string {name}", path.display()))
                    .to_owned()
            };
            (field("id"), field("gold"))
        })
        .collect()
}

fn simple_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|token| token.chars().any(char::is_alphanumeric))
        .count()
}

const STOP_WORDS: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "is", "that", "for", "on", "with", "was", "as", "by",
    "at", "it", "from", "he", "said",
];

fn is_english(text: &str) -> bool {
    let words = simple_words(text);
    let stop = words
        .iter()
        .filter(|w| STOP_WORDS.contains(&w.as_str()))
        .count();
    !words.is_empty() && stop as f64 / words.len() as f64 >= 0.15
}

/// Paragraphs of the usable pages: English, no 8-word run shared with an earlier page, no
/// short line that recurs across pages.
fn usable_pages(gold: &[(String, String)], corpus: &mut Corpus) -> Vec<(String, Vec<String>)> {
    corpus.pages_read = gold.len();
    let mut seen_runs: HashMap<String, usize> = HashMap::new();
    let mut pages = Vec::new();
    for (index, (id, text)) in gold.iter().enumerate() {
        if !is_english(text) {
            corpus.pages_not_english += 1;
            continue;
        }
        let mut paragraphs: Vec<String> = Vec::new();
        let mut runs = HashSet::new();
        let mut lines_seen = HashSet::new();
        let mut page_runs: HashSet<String> = HashSet::new();
        for line in text.lines() {
            let line = line.replace('\u{a0}', " ").trim().to_owned();
            if word_count(&line) < 3 {
                continue;
            }
            // A page repeating itself (pull quotes, `See it now: Amazon` under each item, a
            // summary restating the body) would make unlabelled copies: keep the first
            // occurrence only (same words, or a 6-word run of an earlier paragraph).
            let words = simple_words(&line);
            let own_runs: Vec<String> = words.windows(8).map(|run| run.join(" ")).collect();
            let own_short_runs: Vec<String> = words.windows(6).map(|run| run.join(" ")).collect();
            if !lines_seen.insert(words.join(" "))
                || own_short_runs.iter().any(|run| page_runs.contains(run))
            {
                corpus.repeated_within_page += 1;
                continue;
            }
            runs.extend(own_runs);
            page_runs.extend(own_short_runs);
            paragraphs.push(line);
        }
        // A short line repeating a run of another paragraph of its page (a pull quote).
        let joined: Vec<String> = paragraphs
            .iter()
            .map(|p| format!(" {} ", simple_words(p).join(" ")))
            .collect();
        let before = paragraphs.len();
        let mut position = 0;
        paragraphs.retain(|_| {
            let own = &joined[position];
            let repeated = word_count(own) < 8
                && joined
                    .iter()
                    .enumerate()
                    .any(|(other, text)| other != position && text.contains(own.as_str()));
            position += 1;
            !repeated
        });
        corpus.repeated_within_page += before - paragraphs.len();
        if runs
            .iter()
            .any(|run| seen_runs.get(run).is_some_and(|&page| page != index))
        {
            corpus.pages_overlapping += 1;
            continue;
        }
        for run in runs {
            seen_runs.insert(run, index);
        }
        pages.push((id.clone(), paragraphs));
    }
    // Short lines recurring in several pages are template-like: drop them everywhere.
    let mut short_count: HashMap<String, usize> = HashMap::new();
    for (_, paragraphs) in &pages {
        let distinct: HashSet<String> = paragraphs
            .iter()
            .filter(|p| word_count(p) < 8)
            .map(|p| simple_words(p).join(" "))
            .collect();
        for line in distinct {
            *short_count.entry(line).or_default() += 1;
        }
    }
    let recurring: HashSet<String> = short_count
        .into_iter()
        .filter(|(_, count)| *count > 1)
        .map(|(line, _)| line)
        .collect();
    corpus.recurring_short_lines = recurring.len();
    for (_, paragraphs) in &mut pages {
        paragraphs
            .retain(|p| word_count(p) >= 8 || !recurring.contains(&simple_words(p).join(" ")));
    }
    pages.retain(|(_, paragraphs)| paragraphs.iter().filter(|p| word_count(p) >= 8).count() >= 3);
    pages
}

const OUTLETS: &[&str] = &[
    "The Daily Ledger",
    "Metro Times",
    "Coast Herald",
    "Valley Post",
    "Northern Echo",
    "Capital Report",
];

const AGENCIES: &[(&str, &str)] = &[
    ("AFP", "afp.com"),
    ("Reuters", "reuters.com"),
    ("AP", "apnews.com"),
];

/// Builds the corpus from the gold pages with `seed`.
pub fn generate(seed: u64, gold: &[(String, String)]) -> Corpus {
    let mut corpus = Corpus::default();
    let pages = usable_pages(gold, &mut corpus);
    let mut rng = Rng::new(seed);
    let mut stories = Vec::new();
    let mut local_pool: Vec<String> = Vec::new();
    for (index, (id, paragraphs)) in pages.into_iter().enumerate() {
        if index % 4 == 3 {
            local_pool.extend(paragraphs.into_iter().filter(|p| word_count(p) >= 8));
        } else {
            stories.push((id, paragraphs));
        }
    }
    // Shuffle the local pool so one outlet's locals come from several pages.
    for i in (1..local_pool.len()).rev() {
        let j = rng.below(i + 1);
        local_pool.swap(i, j);
    }
    let mut next_wire_id: u32 = 0;
    for (story, (page_id, paragraphs)) in stories.into_iter().enumerate() {
        let &(agency, agency_site) = rng.pick(AGENCIES);
        let wire: Vec<(u32, Vec<Token>)> = paragraphs
            .iter()
            .map(|text| {
                let id = next_wire_id;
                next_wire_id += 1;
                let tokens = text
                    .split_whitespace()
                    .enumerate()
                    .map(|(word, token)| Token {
                        text: token.to_owned(),
                        source: Some((id, word as u32)),
                    })
                    .collect();
                (id, tokens)
            })
            .collect();
        corpus.documents.push(GenDocument {
            id: format!("{agency_site}/{page_id}"),
            site: agency_site.to_owned(),
            credits: vec![agency.to_owned()],
            story,
            republished: false,
            paragraphs: wire
                .iter()
                .map(|(id, tokens)| paragraph_from(tokens, Origin::Wire, vec![*id]))
                .collect(),
        });
        let outlets = 2 + rng.below(3);
        let mut chosen: Vec<usize> = (0..OUTLETS.len()).collect();
        for i in (1..chosen.len()).rev() {
            let j = rng.below(i + 1);
            chosen.swap(i, j);
        }
        for &outlet in &chosen[..outlets] {
            let republished = rng.chance(0.15);
            let document = if republished {
                let mut whole: Vec<GenParagraph> = wire
                    .iter()
                    .map(|(id, tokens)| {
                        paragraph_from(tokens, Origin::Copy(Edit::Verbatim), vec![*id])
                    })
                    .collect();
                whole.push(template_line(OUTLETS[outlet]));
                whole
            } else {
                outlet_copy(
                    &mut rng,
                    &mut corpus,
                    OUTLETS[outlet],
                    &wire,
                    &mut local_pool,
                )
            };
            corpus.documents.push(GenDocument {
                id: format!(
                    "{}/{page_id}",
                    OUTLETS[outlet].to_lowercase().replace(' ', "-")
                ),
                site: OUTLETS[outlet].to_owned(),
                credits: vec![agency.to_owned()],
                story,
                republished,
                paragraphs: document,
            });
        }
    }
    corpus
}

fn paragraph_from(tokens: &[Token], origin: Origin, mut sources: Vec<u32>) -> GenParagraph {
    let text = tokens
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut kept: Vec<(u32, u32)> = tokens.iter().filter_map(|t| t.source).collect();
    kept.sort_unstable();
    kept.dedup();
    sources.sort_unstable();
    sources.dedup();
    GenParagraph {
        words: word_count(&text),
        text,
        origin,
        sources,
        kept,
    }
}

/// One outlet's version of a wire story.
fn outlet_copy(
    rng: &mut Rng,
    corpus: &mut Corpus,
    outlet: &str,
    wire: &[(u32, Vec<Token>)],
    local_pool: &mut Vec<String>,
) -> Vec<GenParagraph> {
    let mut out = Vec::new();
    let mut index = 0;
    while index < wire.len() {
        let (id, tokens) = &wire[index];
        index += 1;
        if !rng.chance(0.85) {
            continue;
        }
        let short = word_count_tokens(tokens) < 8;
        if !short && rng.chance(0.12) {
            match paraphrase(rng, tokens) {
                Some(rewritten) => {
                    out.push(paragraph_from(&rewritten, Origin::Paraphrase, vec![*id]));
                }
                None => corpus.paraphrases_dropped += 1,
            }
        } else if !short && rng.chance(0.06) && quotation(tokens).is_some() {
            // Frame with a local paragraph of 10 words or more and no quotation of its own.
            let Some(position) = local_pool
                .iter()
                .rposition(|p| word_count(p) >= 10 && !p.contains(['"', '“', '”', '‘', '’']))
            else {
                continue;
            };
            let frame = local_pool.remove(position);
            let quoted = shared_quote(tokens, &frame);
            out.push(paragraph_from(&quoted, Origin::SharedQuote, vec![*id]));
        } else if short {
            let edit = *rng.pick(&[Edit::Verbatim, Edit::QuoteStyle, Edit::Spelling]);
            let edited = apply_simple(rng, edit, tokens);
            out.push(paragraph_from(&edited, Origin::Copy(edit), vec![*id]));
        } else {
            let edit = *rng.pick(&Edit::ALL);
            match edit {
                Edit::Merge if index < wire.len() => {
                    let (next_id, next_tokens) = &wire[index];
                    index += 1;
                    let mut merged = tokens.clone();
                    merged.extend(next_tokens.iter().cloned());
                    out.push(paragraph_from(
                        &merged,
                        Origin::Copy(Edit::Merge),
                        vec![*id, *next_id],
                    ));
                }
                Edit::Split => match split(tokens) {
                    Some((first, second)) => {
                        out.push(paragraph_from(&first, Origin::Copy(Edit::Split), vec![*id]));
                        out.push(paragraph_from(
                            &second,
                            Origin::Copy(Edit::Split),
                            vec![*id],
                        ));
                    }
                    None => out.push(paragraph_from(
                        tokens,
                        Origin::Copy(Edit::Verbatim),
                        vec![*id],
                    )),
                },
                Edit::Merge => out.push(paragraph_from(
                    tokens,
                    Origin::Copy(Edit::Verbatim),
                    vec![*id],
                )),
                _ => {
                    let (edited, applied) = apply_edit(rng, edit, tokens);
                    out.push(paragraph_from(&edited, Origin::Copy(applied), vec![*id]));
                }
            }
        }
        if rng.chance(0.15) {
            if let Some(local) = local_pool.pop() {
                let tokens: Vec<Token> = local
                    .split_whitespace()
                    .map(|t| Token {
                        text: t.to_owned(),
                        source: None,
                    })
                    .collect();
                out.push(paragraph_from(&tokens, Origin::Local, Vec::new()));
            }
        }
    }
    out.push(template_line(outlet));
    out
}

/// Each outlet's own site-template line (different sites word their boilerplate
/// differently), closing each of its documents.
const TEMPLATES: &[&str] = &[
    "Sign up for our morning briefing to get the day's top stories straight to your inbox.",
    "Metro Times journalism is funded by readers like you: become a member today for as little as a dollar.",
    "Have a news tip? Call our newsroom any time, day or night, or message us on WhatsApp.",
    "This article has been updated throughout with additional reporting from our regional correspondents.",
    "Comments on this story are moderated according to our community standards and house rules.",
    "Copyright Capital Report Media Group. No part of this page may be reproduced without permission.",
];

fn template_line(outlet: &str) -> GenParagraph {
    let index = OUTLETS.iter().position(|&name| name == outlet).unwrap_or(0);
    let template = TEMPLATES[index % TEMPLATES.len()];
    let tokens: Vec<Token> = template
        .split_whitespace()
        .map(|t| Token {
            text: t.to_owned(),
            source: None,
        })
        .collect();
    paragraph_from(&tokens, Origin::Template, Vec::new())
}

fn word_count_tokens(tokens: &[Token]) -> usize {
    tokens
        .iter()
        .filter(|t| t.text.chars().any(char::is_alphanumeric))
        .count()
}

/// Applies `edit`; returns the edit actually applied (`verbatim` when it does not apply).
fn apply_edit(rng: &mut Rng, edit: Edit, tokens: &[Token]) -> (Vec<Token>, Edit) {
    match edit {
        Edit::Verbatim | Edit::QuoteStyle | Edit::Spelling => {
            (apply_simple(rng, edit, tokens), edit)
        }
        Edit::Trim => match trim(tokens) {
            Some(trimmed) => (trimmed, Edit::Trim),
            None => (tokens.to_vec(), Edit::Verbatim),
        },
        Edit::Attribution => (change_attribution(rng, tokens), Edit::Attribution),
        Edit::ClauseReorder => match reorder_clauses(tokens) {
            Some(reordered) => (reordered, Edit::ClauseReorder),
            None => (tokens.to_vec(), Edit::Verbatim),
        },
        Edit::Restyled => {
            let styled = apply_simple(rng, Edit::QuoteStyle, tokens);
            let spelled = apply_simple(rng, Edit::Spelling, &styled);
            (change_attribution(rng, &spelled), Edit::Restyled)
        }
        Edit::Rewritten => {
            let attributed = change_attribution(rng, tokens);
            let reordered = reorder_clauses(&attributed).unwrap_or(attributed);
            (swap_words(rng, &reordered, 0.15), Edit::Rewritten)
        }
        Edit::Merge | Edit::Split => (tokens.to_vec(), Edit::Verbatim),
    }
}

fn apply_simple(rng: &mut Rng, edit: Edit, tokens: &[Token]) -> Vec<Token> {
    match edit {
        Edit::QuoteStyle => {
            let style = rng.below(3);
            tokens
                .iter()
                .map(|t| Token {
                    text: restyle_quotes(&t.text, style),
                    source: t.source,
                })
                .collect()
        }
        Edit::Spelling => tokens
            .iter()
            .map(|t| Token {
                text: respell(&t.text),
                source: t.source,
            })
            .collect(),
        _ => tokens.to_vec(),
    }
}

/// Quote styles: 0 straight, 1 British single curly, 2 curly double; apostrophes follow.
fn restyle_quotes(token: &str, style: usize) -> String {
    let chars: Vec<char> = token.chars().collect();
    let mut out = String::with_capacity(token.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev_alnum = i > 0 && chars[i - 1].is_alphanumeric();
        let next_alnum = chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        let replaced = match c {
            '“' | '”' | '"' => {
                let opening = !prev_alnum && (next_alnum || i == 0);
                match (style, opening) {
                    (0, _) => '"',
                    (1, true) => '‘',
                    (1, false) => '’',
                    (_, true) => '“',
                    (_, false) => '”',
                }
            }
            '’' | '\'' if prev_alnum && next_alnum => {
                if style == 0 {
                    '\''
                } else {
                    '’'
                }
            }
            other => other,
        };
        out.push(replaced);
    }
    out
}

/// American → British word pairs; applied in the direction the token is found in. Written
/// independently of the detector's spelling folds (some it does not know, on purpose).
const SPELLINGS: &[(&str, &str)] = &[
    ("color", "colour"),
    ("colors", "colours"),
    ("favor", "favour"),
    ("favorite", "favourite"),
    ("favorable", "favourable"),
    ("honor", "honour"),
    ("labor", "labour"),
    ("behavior", "behaviour"),
    ("neighbor", "neighbour"),
    ("neighbors", "neighbours"),
    ("neighboring", "neighbouring"),
    ("rumor", "rumour"),
    ("rumors", "rumours"),
    ("harbor", "harbour"),
    ("humor", "humour"),
    ("center", "centre"),
    ("centers", "centres"),
    ("theater", "theatre"),
    ("meter", "metre"),
    ("meters", "metres"),
    ("defense", "defence"),
    ("offense", "offence"),
    ("program", "programme"),
    ("programs", "programmes"),
    ("traveled", "travelled"),
    ("traveling", "travelling"),
    ("canceled", "cancelled"),
    ("modeling", "modelling"),
    ("labeled", "labelled"),
    ("jewelry", "jewellery"),
    ("gray", "grey"),
    ("percent", "per cent"),
    ("catalog", "catalogue"),
    ("dialog", "dialogue"),
    ("judgment", "judgement"),
    ("fulfill", "fulfil"),
    ("enrollment", "enrolment"),
    ("skeptical", "sceptical"),
    ("aluminum", "aluminium"),
    ("practice", "practise"),
    ("airplane", "aeroplane"),
    ("learned", "learnt"),
    ("toward", "towards"),
    ("analyze", "analyse"),
    ("analyzed", "analysed"),
    ("license", "licence"),
    ("tire", "tyre"),
    ("while", "whilst"),
    ("among", "amongst"),
    ("pajamas", "pyjamas"),
];

/// Respells one token American ↔ British (`-ize` family by rule, the rest by table),
/// keeping its case and punctuation.
fn respell(token: &str) -> String {
    let start = token.find(|c: char| c.is_alphabetic());
    let Some(start) = start else {
        return token.to_owned();
    };
    let end = token[start..]
        .find(|c: char| !c.is_alphabetic())
        .map_or(token.len(), |offset| start + offset);
    let core = &token[start..end];
    let lower = core.to_lowercase();
    let replacement = SPELLINGS
        .iter()
        .find_map(|&(us, uk)| {
            if lower == us {
                Some(uk.to_owned())
            } else if lower == uk {
                Some(us.to_owned())
            } else {
                None
            }
        })
        .or_else(|| {
            for (us, uk) in [
                ("ization", "isation"),
                ("izing", "ising"),
                ("ized", "ised"),
                ("izes", "ises"),
                ("ize", "ise"),
            ] {
                if lower.len() > us.len() + 3 {
                    if let Some(stem) = lower.strip_suffix(us) {
                        return Some(format!("{stem}{uk}"));
                    }
                    if let Some(stem) = lower.strip_suffix(uk) {
                        return Some(format!("{stem}{us}"));
                    }
                }
            }
            None
        });
    let Some(mut replacement) = replacement else {
        return token.to_owned();
    };
    if core.chars().next().is_some_and(char::is_uppercase) {
        let mut chars = replacement.chars();
        if let Some(first) = chars.next() {
            replacement = first.to_uppercase().chain(chars).collect();
        }
    }
    format!("{}{}{}", &token[..start], replacement, &token[end..])
}

fn ends_sentence(token: &str) -> bool {
    let trimmed = token.trim_end_matches(['"', '”', '’', '\'', ')']);
    let abbreviation = [
        "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "U.S.", "Jr.", "Sr.", "No.",
    ];
    (trimmed.ends_with('.') || trimmed.ends_with('?') || trimmed.ends_with('!'))
        && !abbreviation.contains(&trimmed)
        && !(trimmed.len() == 2 && trimmed.ends_with('.'))
}

/// Sentences as token ranges.
fn sentences(tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        if ends_sentence(&token.text) {
            ranges.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        ranges.push(start..tokens.len());
    }
    ranges
}

/// Drops the last sentence, or the last clause of a single sentence; `None` if what stays
/// would be under 60% of the words or under 8 words.
fn trim(tokens: &[Token]) -> Option<Vec<Token>> {
    let total = word_count_tokens(tokens);
    let ranges = sentences(tokens);
    let candidate: Vec<Token> = if ranges.len() >= 2 {
        tokens[..ranges[ranges.len() - 1].start].to_vec()
    } else {
        let comma = tokens.iter().rposition(|t| t.text.ends_with(','))?;
        let mut kept = tokens[..=comma].to_vec();
        let last = kept.last_mut()?;
        last.text = format!("{}.", last.text.trim_end_matches(','));
        kept
    };
    let kept = word_count_tokens(&candidate);
    (kept >= 8 && kept as f64 >= 0.6 * total as f64).then_some(candidate)
}

/// Splits at the sentence boundary nearest the middle; `None` for one-sentence paragraphs.
fn split(tokens: &[Token]) -> Option<(Vec<Token>, Vec<Token>)> {
    let ranges = sentences(tokens);
    if ranges.len() < 2 {
        return None;
    }
    let middle = tokens.len() / 2;
    let boundary = ranges[..ranges.len() - 1]
        .iter()
        .map(|range| range.end)
        .min_by_key(|&end| end.abs_diff(middle))?;
    Some((tokens[..boundary].to_vec(), tokens[boundary..].to_vec()))
}

const ATTRIBUTIONS: &[&str] = &[
    "officials said.",
    "the agency reported.",
    "according to a statement.",
    "a spokesperson told reporters.",
    "sources familiar with the matter said.",
    "local media reported.",
];

/// Replaces a trailing `, X said.` clause (X up to six words), or a leading `X said`
/// before the last sentence's content, with another attribution; adds one when none.
fn change_attribution(rng: &mut Rng, tokens: &[Token]) -> Vec<Token> {
    let alternative: Vec<Token> = rng
        .pick(ATTRIBUTIONS)
        .split_whitespace()
        .map(|t| Token {
            text: t.to_owned(),
            source: None,
        })
        .collect();
    let last = tokens.len().saturating_sub(1);
    let said = |t: &Token| {
        let core = t
            .text
            .trim_matches(|c: char| !c.is_alphabetic())
            .to_lowercase();
        matches!(
            core.as_str(),
            "said" | "says" | "told" | "added" | "reported"
        )
    };
    // `…, the lawmaker told journalists.` / `…, he said.`
    if let Some(comma) = tokens.iter().rposition(|t| t.text.ends_with(',')) {
        let tail = &tokens[comma + 1..];
        if !tail.is_empty()
            && tail.len() <= 7
            && tail.iter().any(said)
            && ends_sentence(&tokens[last].text)
        {
            let mut out = tokens[..=comma].to_vec();
            out.extend(alternative);
            return out;
        }
    }
    // No attribution to replace: add one before the final full stop.
    let mut out = tokens.to_vec();
    if let Some(final_token) = out.last_mut() {
        let text = final_token.text.clone();
        let stripped = text.trim_end_matches('.');
        if stripped.len() < text.len() && !stripped.ends_with(['”', '"', '’']) {
            final_token.text = format!("{stripped},");
            out.extend(alternative);
            return out;
        }
    }
    out.push(Token {
        text: "—".to_owned(),
        source: None,
    });
    out.extend(alternative);
    out
}

/// `X said that Y.` → `Y, X said.`; else `A, B.` → `B, a.` on the first sentence with a
/// comma splitting it into two parts of three words or more.
fn reorder_clauses(tokens: &[Token]) -> Option<Vec<Token>> {
    let ranges = sentences(tokens);
    for range in ranges {
        let sentence = &tokens[range.clone()];
        let said_that = sentence.windows(2).position(|pair| {
            let a = pair[0].text.to_lowercase();
            (a == "said" || a == "says") && pair[1].text == "that"
        });
        let (head, tail) =
            if let Some(at) = said_that.filter(|&at| at >= 1 && at + 2 < sentence.len()) {
                (sentence[..=at].to_vec(), sentence[at + 2..].to_vec())
            } else {
                let comma = sentence[..sentence.len().saturating_sub(1)]
                    .iter()
                    .position(|t| t.text.ends_with(','))?;
                if comma + 1 < 3 || sentence.len() - comma - 1 < 3 {
                    continue;
                }
                let mut head = sentence[..=comma].to_vec();
                if let Some(last) = head.last_mut() {
                    last.text = last.text.trim_end_matches(',').to_owned();
                }
                (head, sentence[comma + 1..].to_vec())
            };
        let mut rebuilt: Vec<Token> = Vec::with_capacity(sentence.len() + 1);
        let mut tail = tail;
        if let Some(last) = tail.last_mut() {
            last.text = format!("{},", last.text.trim_end_matches(['.', ',']));
        }
        if let Some(first) = tail.first_mut() {
            first.text = capitalize(&first.text);
        }
        let mut head = head;
        if let Some(first) = head.first_mut() {
            if !looks_like_name(&first.text) {
                first.text = first.text.to_lowercase();
            }
        }
        if let Some(last) = head.last_mut() {
            last.text = format!("{}.", last.text.trim_end_matches(['.', ',']));
        }
        rebuilt.extend(tail);
        rebuilt.extend(head);
        let mut out = tokens[..range.start].to_vec();
        out.extend(rebuilt);
        out.extend(tokens[range.end..].iter().cloned());
        return Some(out);
    }
    None
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn looks_like_name(token: &str) -> bool {
    let lower = token.to_lowercase();
    ![
        "the", "a", "an", "but", "and", "he", "she", "they", "it", "in", "on", "at", "this",
    ]
    .contains(&lower.as_str())
}

/// The first quotation of 8 words or more, as a token range (quote marks included).
fn quotation(tokens: &[Token]) -> Option<std::ops::Range<usize>> {
    let opens = |t: &str| t.starts_with(['“', '"']);
    let closes = |t: &str| {
        let trimmed = t.trim_end_matches(['.', ',', '?', '!', ';', ':']);
        trimmed.ends_with(['”', '"'])
    };
    let mut i = 0;
    while i < tokens.len() {
        if opens(&tokens[i].text) {
            let end = (i..tokens.len())
                .find(|&j| closes(&tokens[j].text) && (j > i || tokens[j].text.len() > 2));
            if let Some(end) = end {
                if word_count_tokens(&tokens[i..=end]) >= 8 {
                    return Some(i..end + 1);
                }
                i = end + 1;
                continue;
            }
            return None;
        }
        i += 1;
    }
    None
}

/// An outlet's own sentence around the wire paragraph's quotation: a paragraph of the
/// outlet's own (from the local pool, used once, 10 words or more, without quotation
/// marks of its own) is cut in two at a word boundary near its
/// middle and the quotation goes in between, introduced by `, saying` so it reads as one
/// sentence. Every framing is unique, as real outlets' sentences are.
fn shared_quote(tokens: &[Token], frame: &str) -> Vec<Token> {
    let range = quotation(tokens).expect("caller checked for a quotation");
    let frame: Vec<&str> = frame.split_whitespace().collect();
    let cut = frame.len() / 2;
    let mut out: Vec<Token> = frame[..cut]
        .iter()
        .map(|t| Token {
            text: t.trim_end_matches(['.', ',']).to_owned(),
            source: None,
        })
        .collect();
    out.push(Token {
        text: "saying".to_owned(),
        source: None,
    });
    let mut quote = tokens[range].to_vec();
    if let Some(last) = quote.last_mut() {
        last.text = last.text.trim_end_matches([',', '.', ';', ':']).to_owned();
    }
    out.extend(quote);
    out.extend(frame[cut..].iter().map(|t| Token {
        text: t.to_string(),
        source: None,
    }));
    out
}

/// Word replacements of the paraphraser: common verbs, nouns, adjectives and function words
/// with a rough equivalent. Crude English at times, as machine rewrites are.
const SYNONYMS: &[(&str, &str)] = &[
    ("said", "stated"),
    ("says", "states"),
    ("told", "informed"),
    ("announced", "revealed"),
    ("reported", "disclosed"),
    ("added", "continued"),
    ("according", "as per"),
    ("the", "that"),
    ("a", "one"),
    ("an", "one"),
    ("and", "as well as"),
    ("but", "yet"),
    ("of", "belonging to"),
    ("in", "inside"),
    ("on", "upon"),
    ("to", "towards"),
    ("for", "on behalf of"),
    ("with", "alongside"),
    ("by", "via"),
    ("from", "out of"),
    ("at", "around"),
    ("as", "while"),
    ("is", "remains"),
    ("are", "remain"),
    ("was", "had been"),
    ("were", "had been"),
    ("be", "become"),
    ("been", "become"),
    ("has", "possesses"),
    ("have", "possess"),
    ("had", "possessed"),
    ("will", "shall"),
    ("would", "might"),
    ("can", "is able to"),
    ("could", "might"),
    ("not", "never"),
    ("it", "this"),
    ("its", "their"),
    ("this", "that one"),
    ("that", "which"),
    ("which", "that"),
    ("who", "that"),
    ("they", "those people"),
    ("their", "those people's"),
    ("he", "the man"),
    ("she", "the woman"),
    ("his", "the man's"),
    ("her", "the woman's"),
    ("we", "our side"),
    ("our", "ours"),
    ("more", "additional"),
    ("most", "the majority of"),
    ("also", "additionally"),
    ("after", "following"),
    ("before", "prior to"),
    ("about", "regarding"),
    ("over", "across"),
    ("into", "inside"),
    ("than", "compared with"),
    ("up", "upward"),
    ("out", "outward"),
    ("new", "fresh"),
    ("first", "initial"),
    ("last", "previous"),
    ("people", "individuals"),
    ("government", "administration"),
    ("country", "nation"),
    ("company", "firm"),
    ("year", "twelvemonth"),
    ("years", "twelvemonths"),
    ("time", "moment"),
    ("week", "seven days"),
    ("day", "date"),
    ("make", "create"),
    ("made", "created"),
    ("take", "grab"),
    ("took", "grabbed"),
    ("use", "employ"),
    ("used", "employed"),
    ("get", "obtain"),
    ("got", "obtained"),
    ("go", "head"),
    ("went", "headed"),
    ("come", "arrive"),
    ("came", "arrived"),
    ("help", "assist"),
    ("show", "display"),
    ("showed", "displayed"),
    ("big", "large"),
    ("large", "sizeable"),
    ("small", "little"),
    ("many", "numerous"),
    ("much", "a great deal of"),
    ("some", "several"),
    ("all", "every one of"),
    ("other", "different"),
    ("only", "merely"),
    ("just", "simply"),
    ("still", "nevertheless"),
    ("now", "currently"),
    ("then", "thereafter"),
    ("when", "once"),
    ("where", "wherever"),
    ("if", "should"),
    ("because", "since"),
    ("so", "therefore"),
    ("there", "in that place"),
    ("no", "zero"),
    ("any", "whichever"),
    ("each", "every"),
    ("such", "these kinds of"),
    ("like", "resembling"),
    ("under", "beneath"),
    ("between", "amid"),
    ("while", "whereas"),
    ("during", "throughout"),
    ("without", "lacking"),
    ("against", "versus"),
    ("through", "by way of"),
    ("expected", "anticipated"),
    ("including", "among them"),
    ("important", "significant"),
    ("major", "key"),
    ("high", "elevated"),
    ("low", "reduced"),
    ("early", "initial"),
    ("late", "belated"),
    ("long", "lengthy"),
    ("former", "ex"),
    ("official", "functionary"),
    ("officials", "functionaries"),
    ("state", "national"),
    ("public", "civic"),
    ("police", "law enforcement"),
    ("report", "account"),
    ("reports", "accounts"),
    ("plan", "scheme"),
    ("plans", "schemes"),
    ("deal", "agreement"),
    ("move", "step"),
    ("want", "wish"),
    ("wanted", "wished"),
    ("need", "require"),
    ("needed", "required"),
    ("think", "believe"),
    ("know", "realise"),
    ("known", "recognised"),
    ("found", "discovered"),
    ("find", "discover"),
    ("give", "provide"),
    ("gave", "provided"),
    ("work", "labour"),
    ("working", "labouring"),
    ("began", "commenced"),
    ("start", "commence"),
    ("started", "commenced"),
    ("end", "conclusion"),
    ("ended", "concluded"),
    ("part", "portion"),
    ("number", "count"),
    ("way", "manner"),
    ("help", "aid"),
    ("set", "scheduled"),
    ("case", "matter"),
    ("group", "collective"),
    ("world", "globe"),
    ("city", "municipality"),
    ("family", "household"),
    ("children", "kids"),
    ("home", "residence"),
    ("money", "funds"),
    ("million", "mn"),
    ("billion", "bn"),
    ("percent", "pct"),
    ("news", "reporting"),
    ("did", "performed"),
    ("does", "performs"),
    ("do", "perform"),
    ("may", "might"),
    ("should", "ought to"),
    ("must", "has to"),
    ("very", "extremely"),
    ("well", "effectively"),
    ("back", "backward"),
    ("even", "indeed"),
    ("again", "once more"),
    ("around", "roughly"),
    ("across", "throughout"),
    ("being", "existing as"),
    ("these", "such"),
    ("those", "such"),
    ("what", "whatever"),
    ("how", "in what way"),
    ("why", "for what reason"),
    ("says", "claims"),
    // Frequent content words of news copy.
    ("president", "head of state"),
    ("minister", "secretary"),
    ("leader", "chief"),
    ("ruled", "governed"),
    ("rule", "governance"),
    ("poor", "needy"),
    ("impoverished", "destitute"),
    ("tolerance", "patience"),
    ("dissent", "opposition"),
    ("accused", "charged"),
    ("widespread", "extensive"),
    ("abuses", "violations"),
    ("generations", "eras"),
    ("regime", "leadership"),
    ("dynasty", "lineage"),
    ("stands", "is"),
    ("little", "scant"),
    ("human", "humanitarian"),
    ("rights", "entitlements"),
    ("law", "statute"),
    ("court", "tribunal"),
    ("charges", "counts"),
    ("trial", "hearing"),
    ("judge", "magistrate"),
    ("investigation", "probe"),
    ("inquiry", "examination"),
    ("attack", "assault"),
    ("killed", "slain"),
    ("died", "perished"),
    ("death", "passing"),
    ("deaths", "fatalities"),
    ("injured", "hurt"),
    ("war", "conflict"),
    ("crisis", "emergency"),
    ("agreement", "accord"),
    ("talks", "negotiations"),
    ("meeting", "session"),
    ("visit", "trip"),
    ("policy", "approach"),
    ("decision", "ruling"),
    ("vote", "ballot"),
    ("election", "poll"),
    ("campaign", "drive"),
    ("party", "faction"),
    ("members", "participants"),
    ("team", "squad"),
    ("game", "match"),
    ("season", "campaign"),
    ("win", "victory"),
    ("won", "claimed"),
    ("lost", "dropped"),
    ("market", "marketplace"),
    ("markets", "exchanges"),
    ("shares", "stocks"),
    ("price", "cost"),
    ("prices", "costs"),
    ("rose", "climbed"),
    ("fell", "declined"),
    ("increase", "rise"),
    ("growth", "expansion"),
    ("sales", "turnover"),
    ("revenue", "income"),
    ("profit", "earnings"),
    ("business", "commerce"),
    ("industry", "sector"),
    ("service", "offering"),
    ("services", "offerings"),
    ("system", "setup"),
    ("data", "figures"),
    ("technology", "tech"),
    ("support", "backing"),
    ("expect", "anticipate"),
    ("continue", "carry on"),
    ("continued", "carried on"),
    ("begin", "commence"),
    ("call", "summon"),
    ("called", "termed"),
    ("ask", "request"),
    ("asked", "requested"),
    ("try", "attempt"),
    ("tried", "attempted"),
    ("keep", "retain"),
    ("kept", "retained"),
    ("moved", "shifted"),
    ("return", "go back"),
    ("returned", "went back"),
    ("leave", "depart"),
    ("left", "departed"),
    ("run", "operate"),
    ("put", "placed"),
    ("become", "turn into"),
    ("became", "turned into"),
    ("seem", "appear"),
    ("include", "comprise"),
    ("includes", "comprises"),
    ("allow", "permit"),
    ("allowed", "permitted"),
    ("remain", "stay"),
    ("remains", "stays"),
    ("face", "confront"),
    ("faced", "confronted"),
    ("lead", "head"),
    ("led", "headed"),
    ("hold", "keep"),
    ("held", "kept"),
    ("bring", "deliver"),
    ("brought", "delivered"),
    ("believe", "reckon"),
    ("say", "state"),
    ("see", "observe"),
    ("seen", "observed"),
    ("look", "examine"),
    ("looked", "examined"),
    ("warned", "cautioned"),
    ("claimed", "asserted"),
    ("denied", "rejected"),
    ("confirmed", "verified"),
    ("released", "published"),
    ("issued", "put out"),
    ("signed", "inked"),
    ("approved", "endorsed"),
    ("rejected", "turned down"),
    ("agreed", "consented"),
    ("launched", "unveiled"),
    ("built", "constructed"),
    ("created", "produced"),
    ("developed", "devised"),
    ("provided", "supplied"),
    ("received", "got"),
    ("raised", "lifted"),
    ("paid", "compensated"),
    ("spent", "expended"),
    ("bought", "purchased"),
    ("sold", "offloaded"),
    ("cut", "slashed"),
    ("increased", "boosted"),
    ("reduced", "lowered"),
    ("grew", "expanded"),
    ("dropped", "slid"),
    ("jumped", "surged"),
    ("planned", "intended"),
    ("hoped", "wished"),
    ("feared", "worried"),
    ("failed", "did not manage"),
    ("decided", "resolved"),
    ("required", "obliged"),
    ("recent", "latest"),
    ("recently", "lately"),
    ("later", "subsequently"),
    ("earlier", "previously"),
    ("already", "by now"),
    ("however", "nonetheless"),
    ("several", "a number of"),
    ("top", "leading"),
    ("senior", "high-ranking"),
    ("next", "following"),
    ("previous", "prior"),
    ("second", "next"),
    ("national", "nationwide"),
    ("international", "global"),
    ("local", "regional"),
    ("foreign", "overseas"),
    ("political", "partisan"),
    ("economic", "financial"),
    ("military", "armed forces"),
    ("security", "safety"),
    ("health", "wellbeing"),
    ("month", "four weeks"),
    ("months", "stretches of weeks"),
    ("days", "dates"),
    ("change", "shift"),
    ("changes", "shifts"),
    ("problem", "issue"),
    ("problems", "issues"),
    ("question", "query"),
    ("questions", "queries"),
    ("information", "details"),
    ("statement", "declaration"),
    ("spokesman", "representative"),
    ("spokeswoman", "representative"),
    ("spokesperson", "representative"),
    ("country's", "nation's"),
    ("life", "existence"),
    ("lives", "existences"),
    ("woman", "lady"),
    ("women", "ladies"),
    ("man", "gentleman"),
    ("men", "gentlemen"),
    ("child", "kid"),
    ("school", "academy"),
    ("students", "pupils"),
    ("community", "neighbourhood"),
    ("area", "zone"),
    ("region", "territory"),
    ("city's", "town's"),
    ("building", "structure"),
    ("water", "H2O"),
    ("food", "nourishment"),
    ("car", "vehicle"),
    ("cars", "vehicles"),
    ("phone", "handset"),
    ("users", "customers"),
    ("video", "clip"),
    ("story", "tale"),
    ("book", "volume"),
    ("film", "movie"),
    ("music", "tunes"),
    ("song", "track"),
    ("play", "perform"),
    ("played", "performed"),
    ("playing", "performing"),
    ("player", "athlete"),
    ("players", "athletes"),
    ("coach", "trainer"),
    ("fans", "supporters"),
    ("points", "marks"),
    ("goal", "score"),
    ("goals", "scores"),
    ("better", "superior"),
    ("best", "finest"),
    ("good", "fine"),
    ("great", "terrific"),
    ("bad", "poor"),
    ("worst", "poorest"),
    ("hard", "tough"),
    ("easy", "simple"),
    ("possible", "feasible"),
    ("likely", "probable"),
    ("able", "capable"),
    ("open", "accessible"),
    ("free", "complimentary"),
    ("full", "complete"),
    ("real", "genuine"),
    ("clear", "evident"),
    ("different", "distinct"),
    ("same", "identical"),
    ("whole", "entire"),
    ("own", "personal"),
    ("really", "truly"),
    ("never", "not ever"),
    ("always", "invariably"),
    ("often", "frequently"),
    ("almost", "nearly"),
    ("enough", "sufficient"),
    ("far", "distant"),
    ("near", "close to"),
    ("together", "jointly"),
    ("away", "off"),
    ("down", "downward"),
    ("off", "away"),
    ("yet", "so far"),
    ("though", "although"),
    ("although", "even though"),
    ("unless", "except if"),
    ("until", "till"),
    ("whether", "if"),
    ("within", "inside"),
    ("across", "all over"),
    ("along", "alongside"),
    ("behind", "in back of"),
    ("among", "amid"),
    ("toward", "towards"),
    ("upon", "on"),
    ("per", "for each"),
];

/// The paraphraser: rewrite a paragraph keeping its facts (names, numbers) while changing
/// most of its words.
///
/// 1. clause reorder (as the desk edit, when a sentence allows);
/// 2. every word found in [`SYNONYMS`] is replaced (case and punctuation kept);
/// 3. sentences are rewritten around their facts: each sentence gains an opening
///    (`Reportedly,` / `It emerged that` / `In short,`) and loses its articles.
///
/// Names and numbers are never touched. The result must differ from the original in more
/// than half of its words (multiset difference of lower-cased word forms); otherwise the
/// paraphrase is dropped (and counted).
fn paraphrase(rng: &mut Rng, tokens: &[Token]) -> Option<Vec<Token>> {
    let out = paraphrase_unchecked(rng, tokens);
    let before = multiset(tokens);
    let after = multiset(&out);
    let total: usize = before.values().sum();
    let common: usize = before
        .iter()
        .map(|(word, &count)| count.min(after.get(word).copied().unwrap_or(0)))
        .sum();
    let changed = 1.0 - common as f64 / total.max(1) as f64;
    (changed > 0.5).then_some(out)
}

/// Steps 1–3 of [`paraphrase`], without the check.
fn paraphrase_unchecked(rng: &mut Rng, tokens: &[Token]) -> Vec<Token> {
    let reordered = reorder_clauses(tokens).unwrap_or_else(|| tokens.to_vec());
    let synonyms: HashMap<&str, &str> = SYNONYMS.iter().copied().collect();
    let openings = ["Reportedly,", "It emerged that", "In short,", "Notably,"];
    let mut out: Vec<Token> = Vec::new();
    let ranges = sentences(&reordered);
    for range in ranges {
        let opening = *rng.pick(&openings);
        out.extend(opening.split_whitespace().map(|t| Token {
            text: t.to_owned(),
            source: None,
        }));
        for (position, token) in reordered[range].iter().enumerate() {
            let start = token.text.find(|c: char| c.is_alphanumeric());
            let Some(start) = start else {
                out.push(Token {
                    text: token.text.clone(),
                    source: None,
                });
                continue;
            };
            let end = token.text[start..]
                .find(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                .map_or(token.text.len(), |offset| start + offset);
            let core = &token.text[start..end];
            let lower = core.to_lowercase();
            let is_name = position > 0 && core.chars().next().is_some_and(char::is_uppercase);
            if is_name || core.chars().any(|c| c.is_ascii_digit()) {
                out.push(Token {
                    text: token.text.clone(),
                    source: None,
                });
                continue;
            }
            if ["the", "a", "an"].contains(&lower.as_str()) && rng.chance(0.5) {
                let prefix = &token.text[..start];
                let suffix = &token.text[end..];
                if !prefix.is_empty() || !suffix.is_empty() {
                    out.push(Token {
                        text: format!("{prefix}{suffix}"),
                        source: None,
                    });
                }
                continue;
            }
            let replacement = synonyms.get(lower.as_str()).copied().unwrap_or(core);
            let text = format!(
                "{}{}{}",
                &token.text[..start],
                replacement,
                &token.text[end..]
            );
            out.push(Token { text, source: None });
        }
    }
    out
}

/// Swaps about `share` of the words found in [`SYNONYMS`] (names and numbers never) for
/// their synonym; swapped words lose their wire origin.
fn swap_words(rng: &mut Rng, tokens: &[Token], share: f64) -> Vec<Token> {
    let synonyms: HashMap<&str, &str> = SYNONYMS.iter().copied().collect();
    tokens
        .iter()
        .enumerate()
        .map(|(position, token)| {
            let start = token.text.find(|c: char| c.is_alphabetic());
            let Some(start) = start else {
                return token.clone();
            };
            let end = token.text[start..]
                .find(|c: char| !c.is_alphabetic())
                .map_or(token.text.len(), |offset| start + offset);
            let core = &token.text[start..end];
            let is_name = position > 0 && core.chars().next().is_some_and(char::is_uppercase);
            match synonyms.get(core.to_lowercase().as_str()) {
                Some(replacement) if !is_name && rng.chance(share / 0.5) && rng.chance(0.5) => {
                    Token {
                        text: format!(
                            "{}{}{}",
                            &token.text[..start],
                            replacement,
                            &token.text[end..]
                        ),
                        source: None,
                    }
                }
                _ => token.clone(),
            }
        })
        .collect()
}

fn multiset(tokens: &[Token]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for token in tokens {
        for word in simple_words(&token.text) {
            *counts.entry(word).or_default() += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Token> {
        text.split_whitespace()
            .enumerate()
            .map(|(i, t)| Token {
                text: t.to_owned(),
                source: Some((0, i as u32)),
            })
            .collect()
    }

    fn text(tokens: &[Token]) -> String {
        tokens
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn rng_is_deterministic() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }

    #[test]
    fn edits_do_what_they_say() {
        let source = tokens("Italian authorities were “agonising” over what to do with him, the newspaper said on Thursday. They were protecting him in a safe place.");
        assert_eq!(
            text(&trim(&source).expect("two sentences")),
            "Italian authorities were “agonising” over what to do with him, the newspaper said on Thursday."
        );
        let (first, second) = split(&source).expect("two sentences");
        assert_eq!(first.len() + second.len(), source.len());
        assert!(
            text(&apply_simple(&mut Rng::new(1), Edit::Spelling, &source)).contains("agonizing")
        );
        assert_eq!(
            text(
                &reorder_clauses(&tokens("Kim Min-ki said that Jo fled in November."))
                    .expect("said that")
            ),
            "Jo fled in November, Kim Min-ki said."
        );
        let attributed = change_attribution(
            &mut Rng::new(3),
            &tokens("Jo fled in November, the lawmaker told journalists."),
        );
        assert!(text(&attributed).starts_with("Jo fled in November, "));
        assert!(!text(&attributed).contains("lawmaker"));
    }

    #[test]
    fn paraphrase_changes_most_words_and_keeps_names() {
        let source = tokens("The Kim dynasty has ruled the impoverished but nuclear-armed state for three generations with little tolerance for dissent, and the regime stands accused of widespread human rights abuses.");
        let rewritten = paraphrase(&mut Rng::new(5), &source).unwrap_or_else(|| {
            panic!(
                "not enough changed: {}",
                text(&paraphrase_unchecked(&mut Rng::new(5), &source))
            )
        });
        let rewritten = text(&rewritten);
        assert!(rewritten.contains("Kim"), "{rewritten}");
        assert_ne!(rewritten, text(&source));
    }
}
