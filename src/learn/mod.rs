//! Learning a rule file from pages of one site: what repeats across many pages of a site is
//! its template, and the template is what its rule file removes.
//!
//! The learner first cleans every page with the rules it is given (generic and platform
//! files), so it proposes only what those leave, and every proposed rule fires. Then, on the
//! lines that remain:
//! - a short label from a small vocabulary on the first line, above a headline, is lifted as
//!   `section`, and the headline under it as `title`;
//! - a headline printed twice near the top is deduplicated;
//! - the section label's shape coming back after the body, above a new headline, starts an
//!   appended story (`cut_appended`);
//! - a recurring line after the body whose tail holds nothing but template lines on a fair
//!   share of pages starts a block cut to the end (`cut_from`);
//! - lines, or line shapes ([`shape`]), that occur on at least `min_share` of the pages
//!   become `drop_line` rules, chosen greedily by how many pages each adds;
//! - the most specific lines found on nearly every raw page become the fingerprint.
//!
//! A guard ([`shape::prose_like`]) refuses any rule whose lines look like article prose on
//! most pages it fires on. The proposal is then applied to the pages again: each rule's share
//! is the share of pages it actually changed, and rules that changed none are left out.

pub mod measure;
pub mod shape;

use crate::clean::segment::normalized_text;
use crate::document::Document;
use crate::rules::{validate, FileKind, RuleFile, Rules};
use crate::Cleaner;
use regex::Regex;
use shape::{prose_like, running_text, shapes, Level, Shape};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Fewer pages than this say too little about what repeats.
pub const MIN_PAGES: usize = 20;

/// A line always among the first this many kept lines is a header line, scoped with
/// `first_lines`; bullets and standfirsts make `after_body` a poor scope there.
const HEADER_LINES: usize = 8;

/// A body line, as rules' `after_body` counts them: 10 words or more.
const BODY_WORDS: usize = 10;

/// What can go wrong when learning or writing a rule file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LearnError {
    /// Too few pages to tell template from article.
    #[error("{0} pages given: learning needs at least {MIN_PAGES} pages of one site")]
    TooFewPages(usize),
    /// No line or shape recurs on enough pages to make a rule.
    #[error("no line recurs on {:.0}% of the pages: are they pages of one site? (see --min-share)", .0 * 100.0)]
    NothingLearned(f64),
    /// The site name cannot name a rule file.
    #[error("site name {0:?}: use letters, digits, '.', '_' and '-'")]
    BadName(String),
    /// The proposed file did not validate (a bug in the learner, reported rather than written).
    #[error("the learned rule file does not validate: {0}")]
    Invalid(String),
    /// The rule file exists and `force` was not given.
    #[error("{}: exists (use --force to replace it)", .0.display())]
    Exists(PathBuf),
    /// Writing the rule file or a fixture failed.
    #[error("writing {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Learns a rule file: the rules the pages are cleaned with first, the site's name, and how
/// common a line must be to count as template.
#[derive(Clone, Debug)]
pub struct Learner {
    base: Rules,
    site: String,
    min_share: f64,
}

/// What a proposed rule does, with the values it is written with.
#[derive(Clone, Debug, PartialEq)]
pub enum Proposal {
    Drop {
        shape: Shape,
        first_lines: Option<usize>,
        after_body: Option<usize>,
        max_words: Option<usize>,
    },
    Dedupe,
    Section {
        pattern: String,
        max_words: usize,
    },
    Title,
    CutAppended {
        label: String,
        max_words: usize,
    },
    CutFrom {
        shape: Shape,
        after_body: usize,
    },
}

/// One proposed rule, with the share of the learning pages it changed.
#[derive(Clone, Debug)]
pub struct Learned {
    pub id: String,
    pub proposal: Proposal,
    /// Pages the rule changed when the file was applied to the learning pages.
    pub fired: usize,
    /// Up to three lines it removed (or lifted).
    pub examples: Vec<String>,
}

/// A learned rule file and what it did to the pages it was learned from.
#[derive(Clone, Debug)]
pub struct LearnedFile {
    pub site: String,
    /// Hosts a fifth of the pages' URLs name (`[site] domains`).
    pub domains: Vec<String>,
    pub pages: usize,
    pub rules: Vec<Learned>,
    /// Fingerprint patterns with the share of raw pages each matched.
    pub fingerprint: Vec<(Shape, f64)>,
    pub min_matches: usize,
    /// The file's text.
    pub toml: String,
    /// The compiled file.
    pub file: RuleFile,
    /// Fixtures: (name, input, expected output), pages that together fire every rule.
    pub fixtures: Vec<(String, String, String)>,
}

/// One page as the learner sees it.
struct Page {
    /// Lines the base rules kept.
    kept: Vec<String>,
    /// For each kept line, how many body lines precede it.
    body_before: Vec<usize>,
    /// Every non-blank line, normalised.
    raw: Vec<String>,
    /// The kept line that is the page's headline: the first or, under a label, the second.
    title: Option<usize>,
}

/// A cut marker: its mean position on the page, the shape, its first line on each page.
type Marker<'c> = (f64, &'c Candidate, Vec<(usize, usize)>);

/// A shape and where it occurs: (page, kept line index).
struct Candidate {
    shape: Shape,
    at: Vec<(usize, usize)>,
}

/// Whether `line` looks like a headline, as `followed_by_headline` tests it.
fn headline_like(line: &str) -> bool {
    (3..=25).contains(&line.split_whitespace().count())
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "‘“'\"".contains(c))
        && !line.ends_with(['.', ',', ';', ':'])
}

/// A section label: one to four words of letters and `&'’-./`, starting with a capital.
fn label_like(line: &str) -> bool {
    (1..=4).contains(&line.split_whitespace().count())
        && line.chars().next().is_some_and(char::is_uppercase)
        && line
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || "&'’-./".contains(c))
        && !line.ends_with('.')
}

fn share(n: usize, of: usize) -> f64 {
    n as f64 / of.max(1) as f64
}

impl Learner {
    /// A learner for `site` on top of `base`; a file of `base` named `site` is left out (it is
    /// what is being learned anew).
    pub fn new(base: &Rules, site: &str) -> Learner {
        let files = base
            .files
            .iter()
            .filter(|f| f.name != site && (f.kind != FileKind::Site))
            .cloned()
            .collect();
        Learner {
            base: Rules { files },
            site: site.to_string(),
            min_share: 0.15,
        }
    }

    /// The share of pages a line (or shape) must occur on to count as template (default 0.15).
    pub fn min_share(mut self, share: f64) -> Learner {
        self.min_share = share.clamp(0.01, 1.0);
        self
    }

    /// Learns a rule file from `docs`, pages of one site.
    pub fn learn(&self, docs: &[Document]) -> Result<LearnedFile, LearnError> {
        if docs.len() < MIN_PAGES {
            return Err(LearnError::TooFewPages(docs.len()));
        }
        if self.site.is_empty()
            || !self
                .site
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(LearnError::BadName(self.site.clone()));
        }
        // The site's domains: hosts that a fifth of the pages' URLs name.
        let mut hosts: HashMap<String, usize> = HashMap::new();
        for host in docs
            .iter()
            .filter_map(|d| d.url.as_deref().and_then(crate::site::host_of))
        {
            *hosts.entry(host).or_default() += 1;
        }
        let mut domains: Vec<String> = hosts
            .into_iter()
            .filter(|(_, n)| share(*n, docs.len()) >= 0.2)
            .map(|(h, _)| h)
            .collect();
        domains.sort();
        // Pages as text alone: a URL or a record's site would pick another file than the one
        // being learned, and fixtures are text alone too.
        let docs: Vec<Document> = docs
            .iter()
            .map(|d| Document::from_text(d.id.clone(), d.text.clone()))
            .collect();
        let docs = &docs[..];
        let cleaner = Cleaner::new(self.base.clone()).classifier(false);
        let pages: Vec<Page> = docs
            .iter()
            .map(|doc| {
                let cleaned = cleaner.clean(doc);
                let kept: Vec<String> = cleaned.paragraphs.into_iter().map(|p| p.text).collect();
                let mut body = 0;
                let body_before = kept
                    .iter()
                    .map(|l| {
                        let before = body;
                        body += usize::from(l.split_whitespace().count() >= BODY_WORDS);
                        before
                    })
                    .collect();
                let raw = normalized_text(&doc.text)
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect();
                let title = (0..kept.len().min(2)).find(|&i| {
                    headline_like(&kept[i]) && !(i == 0 && kept.len() > 1 && label_like(&kept[0]))
                });
                Page {
                    kept,
                    body_before,
                    raw,
                    title,
                }
            })
            .collect();
        let (fingerprint, min_matches) = self.fingerprint(&pages);
        // Forms and capitals are loose evidence: only for pages that plainly share a template
        // (a line on 80% of them). On 700 real pages of 687 sites, which share none, forms
        // matched in-body headings, which are article text there.
        let proposals = self.propose(&pages, !fingerprint.is_empty());
        let file = self.finish(docs, proposals, fingerprint, min_matches, &domains)?;
        if file.rules.is_empty() {
            return Err(LearnError::NothingLearned(self.min_share));
        }
        Ok(file)
    }

    /// The rules the pages suggest, in file order (content rules, then positional ones).
    fn propose(&self, pages: &[Page], one_template: bool) -> Vec<Proposal> {
        let n = pages.len();
        let enough = |k: usize| share(k, n) >= self.min_share;
        // Lines each page accounts for already (lifted, deduplicated, cut).
        let mut covered: Vec<Vec<bool>> = pages.iter().map(|p| vec![false; p.kept.len()]).collect();
        let mut out = Vec::new();

        // Section and title, from the first lines.
        let labelled: Vec<usize> = (0..n)
            .filter(|&p| {
                let k = &pages[p].kept;
                k.len() > 1 && label_like(&k[0]) && headline_like(&k[1])
            })
            .collect();
        let distinct: HashSet<&str> = labelled
            .iter()
            .map(|&p| pages[p].kept[0].as_str())
            .collect();
        let mut section: Option<Regex> = None;
        if share(labelled.len(), n) >= 0.6 && distinct.len() * 2 <= labelled.len() {
            let caps = distinct.iter().all(|l| !l.chars().any(char::is_lowercase));
            let mut punct = String::new();
            for c in "&-./'’".chars() {
                if distinct.iter().any(|l| l.contains(c)) {
                    punct.push_str(&regex::escape(&c.to_string()).replace('\'', r"\x27"));
                }
            }
            let letters = if caps { r"\p{Lu}" } else { r"\p{L}" };
            let body = format!(r"\p{{Lu}}[{letters}{punct} ]+");
            let max_words = distinct
                .iter()
                .map(|l| l.split_whitespace().count())
                .max()
                .unwrap_or(1);
            section = Regex::new(&format!("^{body}$")).ok();
            for &p in &labelled {
                covered[p][0] = true;
            }
            out.push(Proposal::Section {
                pattern: format!("^(?P<section>{body})$"),
                max_words,
            });
        }
        let titled = (0..n)
            .filter_map(|p| {
                let at = usize::from(covered[p].first() == Some(&true));
                pages[p].kept.get(at).filter(|l| headline_like(l))
            })
            .collect::<Vec<_>>();
        let distinct_titles: HashSet<&String> = titled.iter().copied().collect();
        let title =
            share(titled.len(), n) >= 0.6 && share(distinct_titles.len(), titled.len()) >= 0.9;
        if title {
            out.push(Proposal::Title);
        }

        // A headline printed twice near the top.
        let mut deduped = 0;
        for (p, page) in pages.iter().enumerate() {
            let top = page.kept.len().min(6);
            let mut hit = false;
            for (i, l) in page.kept.iter().enumerate().take(top) {
                if l.split_whitespace().count() >= 3 && page.kept[..i].contains(l) {
                    covered[p][i] = true;
                    hit = true;
                }
            }
            deduped += usize::from(hit);
        }
        if enough(deduped) {
            out.insert(0, Proposal::Dedupe);
        }

        // The section label again after the body, above a new headline: an appended story.
        if let Some(label) = &section {
            let starts: Vec<Option<usize>> = pages
                .iter()
                .map(|page| {
                    let k = &page.kept;
                    (1..k.len().saturating_sub(1)).find(|&i| {
                        page.body_before[i] >= 3
                            && label.is_match(&k[i])
                            && headline_like(&k[i + 1])
                    })
                })
                .collect();
            if enough(starts.iter().flatten().count()) {
                for (cover, start) in covered.iter_mut().zip(&starts) {
                    if let Some(start) = *start {
                        cover[start..].iter_mut().for_each(|c| *c = true);
                    }
                }
                let Some(Proposal::Section { pattern, max_words }) =
                    out.iter().find(|p| matches!(p, Proposal::Section { .. }))
                else {
                    unreachable!("a section label was proposed above")
                };
                let label = pattern.replace("(?P<section>", "(?:");
                out.push(Proposal::CutAppended {
                    label,
                    max_words: *max_words,
                });
            }
        }

        // Blocks cut to the end: a recurring line after the body whose tail is template only.
        let candidates = collect(pages, &covered);
        let recurring: HashSet<&str> = candidates
            .values()
            .filter(|c| c.shape.level == Level::Literal && enough(pages_of(&c.at).len()))
            .map(|c| c.shape.key.as_str())
            .collect();
        // (mean position, candidate, its first line on each page)
        let mut markers: Vec<Marker> = Vec::new();
        for c in candidates.values() {
            let firsts = first_per_page(&c.at);
            if !enough(firsts.len())
                || !self.guard(pages, c)
                || c.shape.literal_chars < 3
                || (matches!(c.shape.level, Level::Prefix(_)) && c.shape.literal_chars < 8)
                || matches!(c.shape.level, Level::Caps | Level::Form)
            {
                continue;
            }
            if firsts.iter().any(|&(p, i)| pages[p].body_before[i] == 0) {
                continue;
            }
            let mut clean_tails = 0;
            let mut tails = 0;
            let mut position = 0.0;
            for &(p, i) in &firsts {
                let k = &pages[p].kept;
                position += share(i, k.len());
                let tail: Vec<&String> = (i + 1..k.len())
                    .filter(|&j| !covered[p][j])
                    .map(|j| &k[j])
                    .collect();
                tails += usize::from(!tail.is_empty());
                clean_tails += usize::from(
                    tail.iter()
                        .all(|l| !prose_like(l) || recurring.contains(l.as_str())),
                );
            }
            // A line always last is a drop rule; a tail never free of prose is the article.
            if share(tails, firsts.len()) >= 0.5 && share(clean_tails, firsts.len()) >= 0.3 {
                markers.push((position / firsts.len() as f64, c, firsts));
            }
        }
        // Most pages first, then the earliest, then the strictest shape.
        markers.sort_by(|a, b| {
            b.2.len()
                .cmp(&a.2.len())
                .then(a.0.total_cmp(&b.0))
                .then(
                    a.1.shape
                        .level
                        .looseness()
                        .cmp(&b.1.shape.level.looseness()),
                )
                .then(a.1.shape.pattern.cmp(&b.1.shape.pattern))
        });
        for (_, c, firsts) in markers {
            let fresh: Vec<(usize, usize)> = firsts
                .iter()
                .copied()
                .filter(|&(p, i)| !covered[p][i])
                .collect();
            if !enough(fresh.len()) {
                continue;
            }
            for &(p, i) in &fresh {
                covered[p][i..].iter_mut().for_each(|c| *c = true);
            }
            let after_body = fresh
                .iter()
                .map(|&(p, i)| pages[p].body_before[i])
                .min()
                .unwrap_or(1)
                .clamp(1, 2);
            out.push(Proposal::CutFrom {
                shape: c.shape.clone(),
                after_body,
            });
        }

        // Drop rules: greedily, the shape that adds the most pages, stricter shapes first.
        let candidates = collect(pages, &covered);
        let mut pool: Vec<&Candidate> = candidates
            .values()
            .filter(|c| enough(pages_of(&c.at).len()))
            .filter(|c| match c.shape.level {
                Level::Literal => true,
                // Capitals alone say little: only as a header line (a kicker), kept short.
                Level::Caps if !one_template => false,
                // `collect` counts a form's lines after the body only.
                Level::Form => one_template,
                Level::Caps => c.at.iter().all(|&(p, i)| {
                    i < HEADER_LINES && pages[p].kept[i].split_whitespace().count() <= 6
                }),
                // A prefix needs a template's words, not a sentence's opening: `What is`
                // began in-body headings on a quarter of 700 real pages of many sites.
                Level::Prefix(_) => c.shape.literal_chars >= 8,
                _ => c.shape.literal_chars >= 3,
            })
            .filter(|c| self.guard(pages, c))
            .collect();
        pool.sort_by(|a, b| a.shape.pattern.cmp(&b.shape.pattern));
        let mut drops = Vec::new();
        loop {
            let fresh = |c: &Candidate| {
                pages_of(
                    &c.at
                        .iter()
                        .copied()
                        .filter(|&(p, i)| !covered[p][i])
                        .collect::<Vec<_>>(),
                )
                .len()
            };
            // Words before capitals: capitals alone claim only the header lines no shape with
            // words explains on enough pages, so a header line keeps its own rule.
            let loose = |c: &Candidate| c.shape.level == Level::Caps;
            let worded = pool.iter().any(|c| !loose(c) && enough(fresh(c)));
            let best = pool
                .iter()
                .enumerate()
                .filter(|(_, c)| !(worded && loose(c)))
                .map(|(k, c)| (k, fresh(c)))
                .max_by(|(ka, a), (kb, b)| {
                    a.cmp(b)
                        .then(
                            pool[*kb]
                                .shape
                                .level
                                .looseness()
                                .cmp(&pool[*ka].shape.level.looseness()),
                        )
                        .then(
                            pool[*ka]
                                .shape
                                .literal_chars
                                .cmp(&pool[*kb].shape.literal_chars),
                        )
                });
            let Some((k, gain)) = best else { break };
            if !enough(gain) {
                break;
            }
            let c = pool.swap_remove(k);
            let at: Vec<(usize, usize)> =
                c.at.iter()
                    .copied()
                    .filter(|&(p, i)| !covered[p][i])
                    .collect();
            for &(p, i) in &at {
                covered[p][i] = true;
            }
            let max_index = at.iter().map(|&(_, i)| i).max().unwrap_or(0);
            let min_body = at
                .iter()
                .map(|&(p, i)| pages[p].body_before[i])
                .min()
                .unwrap_or(0);
            let max_words = at
                .iter()
                .map(|&(p, i)| pages[p].kept[i].split_whitespace().count())
                .max()
                .unwrap_or(1);
            // A header line gets slack for the header's optional lines (a second bullet, an
            // UPDATED line); a line always after the body, the body as its scope.
            let header = max_index < HEADER_LINES;
            drops.push(Proposal::Drop {
                shape: c.shape.clone(),
                first_lines: header.then_some(max_index + 3),
                after_body: (!header && min_body >= 1).then_some(min_body.min(2)),
                max_words: (c.shape.level != Level::Literal).then_some(max_words + 3),
            });
        }
        // Content rules go first (rules/README.md, "Order").
        drops.extend(out);
        drops
    }

    /// The prose guard: false for a shape whose lines look like article prose on most of the
    /// pages it occurs on (unless it is one sentence, verbatim on most pages), or that matches
    /// the headline of more than one page. A literal line is held to [`prose_like`]; a shape,
    /// whose lines differ from page to page, also to [`running_text`].
    fn guard(&self, pages: &[Page], c: &Candidate) -> bool {
        let on = pages_of(&c.at);
        let prose = pages_of(
            &c.at
                .iter()
                .copied()
                .filter(|&(p, i)| {
                    let line = &pages[p].kept[i];
                    // A form's lines end unlike a sentence by construction; running text
                    // that does not end is what a kicker headline looks like.
                    let varies = !matches!(c.shape.level, Level::Literal | Level::Form);
                    prose_like(line) || (varies && running_text(line))
                })
                .collect::<Vec<_>>(),
        );
        let headlines =
            c.at.iter()
                .filter(|&&(p, i)| pages[p].title == Some(i))
                .count();
        // A sentence verbatim on most pages is the template's, not an article's.
        let verbatim = c.shape.level == Level::Literal && share(on.len(), pages.len()) >= 0.5;
        (verbatim || prose.len() * 2 < on.len().max(1)) && headlines <= 1
    }

    /// The fingerprint: up to three of the most specific shapes found on at least 80% of the
    /// raw pages, and how many a page must match (the most that 98% of the pages do).
    fn fingerprint(&self, pages: &[Page]) -> (Vec<(Shape, f64)>, usize) {
        let n = pages.len();
        let mut seen: HashMap<String, (Shape, HashSet<usize>)> = HashMap::new();
        for (p, page) in pages.iter().enumerate() {
            for line in &page.raw {
                for s in shapes(line) {
                    if matches!(s.level, Level::Names | Level::Caps | Level::Form)
                        || s.literal_chars < 5
                    {
                        continue;
                    }
                    seen.entry(s.pattern.clone())
                        .or_insert_with(|| (s, HashSet::new()))
                        .1
                        .insert(p);
                }
            }
        }
        let mut ranked: Vec<(Shape, HashSet<usize>)> = seen
            .into_values()
            .filter(|(_, on)| share(on.len(), n) >= 0.8)
            .collect();
        ranked.sort_by(|(a, pa), (b, pb)| {
            b.literal_chars
                .min(40)
                .cmp(&a.literal_chars.min(40))
                .then(pb.len().cmp(&pa.len()))
                .then(a.level.looseness().cmp(&b.level.looseness()))
                .then(a.pattern.cmp(&b.pattern))
        });
        let mut chosen: Vec<(Shape, HashSet<usize>, Regex)> = Vec::new();
        for (s, on) in ranked {
            if chosen.len() == 3 {
                break;
            }
            let Ok(re) = Regex::new(&s.pattern) else {
                continue;
            };
            // Two shapes of one line say the same thing twice.
            let same_line = chosen.iter().any(|(_, _, other)| {
                pages
                    .iter()
                    .all(|page| page.raw.iter().all(|l| re.is_match(l) == other.is_match(l)))
            }) || chosen.iter().any(|(c, _, _)| {
                pages
                    .iter()
                    .flat_map(|p| &p.raw)
                    .any(|l| re.is_match(l) && Regex::new(&c.pattern).is_ok_and(|o| o.is_match(l)))
            });
            if !same_line {
                chosen.push((s, on, re));
            }
        }
        let counts: Vec<usize> = (0..n)
            .map(|p| chosen.iter().filter(|(_, on, _)| on.contains(&p)).count())
            .collect();
        let min_matches = (1..=chosen.len())
            .rev()
            .find(|&m| share(counts.iter().filter(|&&c| c >= m).count(), n) >= 0.98)
            .unwrap_or(1);
        let fingerprint = chosen
            .into_iter()
            .map(|(s, on, _)| (s, share(on.len(), n)))
            .collect();
        (fingerprint, min_matches)
    }

    /// Writes the proposals as a rule file, applies it to the pages to measure each rule's
    /// share, leaves out rules that changed nothing, and picks fixtures.
    fn finish(
        &self,
        docs: &[Document],
        proposals: Vec<Proposal>,
        fingerprint: Vec<(Shape, f64)>,
        min_matches: usize,
        domains: &[String],
    ) -> Result<LearnedFile, LearnError> {
        let mut rules: Vec<Learned> = Vec::new();
        let mut ids: HashSet<String> = HashSet::new();
        for proposal in proposals {
            let base = rule_id(&proposal);
            let mut id = base.clone();
            let mut k = 2;
            while !ids.insert(id.clone()) {
                id = format!("{base}-{k}");
                k += 1;
            }
            rules.push(Learned {
                id,
                proposal,
                fired: 0,
                examples: Vec::new(),
            });
        }
        // Twice: measure, leave out what never fired, measure again for the final shares.
        let mut fired_on: Vec<HashSet<String>> = Vec::new();
        let mut file = None;
        let mut toml = String::new();
        for round in 0..2 {
            toml = render(
                &self.site,
                docs.len(),
                domains,
                &rules,
                &fingerprint,
                min_matches,
            );
            let path = PathBuf::from(format!("{}.toml", self.site));
            let compiled = validate(&path, &toml).map_err(|e| {
                LearnError::Invalid(
                    e.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
            let mut all = self.base.clone();
            all.files.push(compiled.clone());
            let cleaner = Cleaner::new(all).default_site(Some(self.site.clone()));
            fired_on.clear();
            for rule in &mut rules {
                rule.fired = 0;
                rule.examples.clear();
            }
            for doc in docs {
                let mut fired = HashSet::new();
                let cleaned = cleaner.clean_traced(doc, &mut |rule, changed| {
                    if changed && rule.qualified.starts_with(&format!("{}:", self.site)) {
                        fired.insert(rule.id.clone());
                    }
                });
                for rule in &mut rules {
                    if fired.contains(&rule.id) {
                        rule.fired += 1;
                        let qualified = format!("{}:{}", self.site, rule.id);
                        let example = match rule.proposal {
                            Proposal::Title => cleaned.metadata.title.clone(),
                            _ => cleaned
                                .removed
                                .iter()
                                .find(|r| r.rule == qualified)
                                .map(|r| r.text.clone()),
                        };
                        if rule.examples.len() < 3 {
                            rule.examples.extend(example);
                        }
                    }
                }
                fired_on.push(fired);
            }
            file = Some(compiled);
            if round == 0 {
                rules.retain(|r| r.fired > 0);
            }
        }
        let file = file.expect("two rounds ran");
        let fixtures = self.fixtures(docs, &fired_on, &rules, &file)?;
        Ok(LearnedFile {
            site: self.site.clone(),
            domains: domains.to_vec(),
            pages: docs.len(),
            rules,
            fingerprint,
            min_matches,
            toml,
            file,
            fixtures,
        })
    }

    /// Pages that together fire every rule, at least two; each with its cleaned text.
    fn fixtures(
        &self,
        docs: &[Document],
        fired_on: &[HashSet<String>],
        rules: &[Learned],
        file: &RuleFile,
    ) -> Result<Vec<(String, String, String)>, LearnError> {
        let mut left: HashSet<&String> = rules.iter().map(|r| &r.id).collect();
        let mut picked: Vec<usize> = Vec::new();
        while !left.is_empty() || picked.len() < 2 {
            let best = (0..docs.len())
                .filter(|p| !picked.contains(p))
                .max_by_key(|&p| {
                    (
                        fired_on[p].iter().filter(|id| left.contains(id)).count(),
                        usize::MAX - p,
                    )
                });
            let Some(best) = best else { break };
            for id in &fired_on[best] {
                left.remove(id);
            }
            picked.push(best);
        }
        let mut all = self.base.clone();
        all.files.push(file.clone());
        let cleaner = Cleaner::new(all).default_site(Some(self.site.clone()));
        Ok(picked
            .into_iter()
            .enumerate()
            .map(|(k, p)| {
                let doc = &docs[p];
                let expected = cleaner.clean(doc).text();
                (format!("learned-{}", k + 1), doc.text.clone(), expected)
            })
            .collect())
    }
}

/// The pages a list of occurrences touches.
fn pages_of(at: &[(usize, usize)]) -> HashSet<usize> {
    at.iter().map(|&(p, _)| p).collect()
}

/// The first occurrence on each page.
fn first_per_page(at: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut firsts: HashMap<usize, usize> = HashMap::new();
    for &(p, i) in at {
        firsts
            .entry(p)
            .and_modify(|f| *f = (*f).min(i))
            .or_insert(i);
    }
    let mut out: Vec<(usize, usize)> = firsts.into_iter().collect();
    out.sort_unstable();
    out
}

/// Every shape of every kept line not yet covered, by pattern.
fn collect(pages: &[Page], covered: &[Vec<bool>]) -> HashMap<String, Candidate> {
    let mut out: HashMap<String, Candidate> = HashMap::new();
    for (p, page) in pages.iter().enumerate() {
        for (i, line) in page.kept.iter().enumerate() {
            if covered[p][i] {
                continue;
            }
            for s in shapes(line) {
                // A form alone says little: it counts only after the body (two body lines).
                if s.level == Level::Form && page.body_before[i] < 2 {
                    continue;
                }
                out.entry(s.pattern.clone())
                    .or_insert_with(|| Candidate {
                        shape: s,
                        at: Vec::new(),
                    })
                    .at
                    .push((p, i));
            }
        }
    }
    out
}

/// A readable rule id from what the rule matches: `drop-what-s-the-story`.
fn rule_id(p: &Proposal) -> String {
    let slug = |prefix: &str, s: &Shape| {
        let words: Vec<String> = s
            .key
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !matches!(*w, "N" | "Name" | "Month" | "Day"))
            .take(4)
            .map(str::to_lowercase)
            .collect();
        match words.is_empty() {
            true => prefix.to_string(),
            false => format!("{prefix}-{}", words.join("-")),
        }
    };
    match p {
        Proposal::Drop { shape, .. } => slug("drop", shape),
        Proposal::CutFrom { shape, .. } => slug("cut", shape),
        Proposal::Dedupe => "repeated-headline".into(),
        Proposal::Section { .. } => "section".into(),
        Proposal::Title => "title".into(),
        Proposal::CutAppended { .. } => "appended-story".into(),
    }
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The rule file's text.
fn render(
    site: &str,
    pages: usize,
    domains: &[String],
    rules: &[Learned],
    fingerprint: &[(Shape, f64)],
    min_matches: usize,
) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# Learned by `newsclean learn` from {pages} pages. Each rule's note gives the share of\n\
         # those pages it changed. Review before use: rename rules, merge shapes, add a domain."
    );
    let _ = writeln!(t, "[site]\nname = {}", quoted(site));
    let _ = writeln!(
        t,
        "description = {}",
        quoted(&format!("{site} (learned from {pages} pages)"))
    );
    if !domains.is_empty() {
        let list: Vec<String> = domains.iter().map(|d| quoted(d)).collect();
        let _ = writeln!(t, "domains = [{}]", list.join(", "));
    }
    if !fingerprint.is_empty() {
        let _ = writeln!(t, "\n[site.fingerprint]");
        for (s, share) in fingerprint {
            let _ = writeln!(t, "# {:.0}% of pages: {}", share * 100.0, s.key);
        }
        let patterns: Vec<String> = fingerprint
            .iter()
            .map(|(s, _)| format!("'{}'", s.pattern))
            .collect();
        let _ = writeln!(t, "patterns = [{}]", patterns.join(", "));
        let _ = writeln!(t, "min_matches = {min_matches}");
    }
    for rule in rules {
        let note = format!(
            "learned: changed {} of {pages} pages ({:.0}%)",
            rule.fired,
            share(rule.fired, pages) * 100.0
        );
        let _ = writeln!(t, "\n[[rule]]\nid = {}", quoted(&rule.id));
        match &rule.proposal {
            Proposal::Drop {
                shape,
                first_lines,
                after_body,
                max_words,
            } => {
                let _ = writeln!(
                    t,
                    "action = \"drop_line\"\nnote = {}",
                    quoted(&format!("{note}; shape: {}", shape.key))
                );
                let _ = writeln!(t, "pattern = '{}'", shape.pattern);
                for (k, v) in [
                    ("first_lines", first_lines),
                    ("after_body", after_body),
                    ("max_words", max_words),
                ] {
                    if let Some(v) = v {
                        let _ = writeln!(t, "{k} = {v}");
                    }
                }
            }
            Proposal::Dedupe => {
                let _ = writeln!(
                    t,
                    "action = \"dedupe_line\"\nnote = {}\nfirst_lines = 6\nmin_words = 3",
                    quoted(&note)
                );
            }
            Proposal::Section { pattern, max_words } => {
                let _ = writeln!(
                    t,
                    "action = \"lift\"\nline = \"first\"\nnote = {}\npattern = '{pattern}'\nmax_words = {max_words}\nfollowed_by_headline = true",
                    quoted(&note)
                );
            }
            Proposal::Title => {
                let _ = writeln!(
                    t,
                    "action = \"lift\"\nline = \"first\"\nkeep = true\nnote = {}\npattern = '^(?P<title>\\S.{{9,300}})$'",
                    quoted(&note)
                );
            }
            Proposal::CutAppended { label, max_words } => {
                let _ = writeln!(
                    t,
                    "action = \"cut_appended\"\nnote = {}\nlabel = '{label}'\nafter_body = 3\nmax_words = {max_words}",
                    quoted(&format!("{note}; the section label again after the body, above a new headline"))
                );
            }
            Proposal::CutFrom { shape, after_body } => {
                let _ = writeln!(
                    t,
                    "action = \"cut_from\"\nnote = {}\nmarker = '{}'\nafter_body = {after_body}",
                    quoted(&format!("{note}; shape: {}", shape.key)),
                    shape.pattern
                );
            }
        }
    }
    t
}

impl LearnedFile {
    /// The rules with their shares and examples, for `--dry-run`.
    pub fn describe(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "{}: {} rules learned from {} pages",
            self.site,
            self.rules.len(),
            self.pages
        );
        let fp: Vec<String> = self
            .fingerprint
            .iter()
            .map(|(s, share)| format!("{} ({:.0}%)", s.key, share * 100.0))
            .collect();
        if fp.is_empty() {
            // Pages of several templates share no marker: only --site, a record's `site` or
            // the domains can name them.
            let by = match self.domains.is_empty() {
                true => String::new(),
                false => format!(" or the domains {}", self.domains.join(", ")),
            };
            let _ = writeln!(
                t,
                "fingerprint: none (no line is on most of the pages: are they of one site?); \
                 recognised by --site or a record's site{by} only"
            );
        } else {
            let _ = writeln!(
                t,
                "fingerprint (any {} of): {}",
                self.min_matches,
                fp.join("; ")
            );
        }
        for rule in &self.rules {
            let _ = writeln!(
                t,
                "\n{} ({:.0}% of pages)",
                rule.id,
                share(rule.fired, self.pages) * 100.0
            );
            let what = match &rule.proposal {
                Proposal::Drop { shape, .. } => format!("drop_line {}", shape.pattern),
                Proposal::CutFrom { shape, .. } => format!("cut_from {}", shape.pattern),
                Proposal::Dedupe => "dedupe_line in the first 6 lines".into(),
                Proposal::Section { pattern, .. } => format!("lift section {pattern}"),
                Proposal::Title => "lift title (first line, kept)".into(),
                Proposal::CutAppended { label, .. } => format!("cut_appended {label}"),
            };
            let _ = writeln!(t, "  {what}");
            for e in &rule.examples {
                let _ = writeln!(t, "  e.g. {e:?}");
            }
        }
        t
    }

    /// Writes the rule file to `path` and its fixtures beside it (`<dir>/<site>/learned-N.*`),
    /// each file atomically; refuses to replace an existing rule file unless `force`.
    pub fn write(&self, path: &Path, force: bool) -> Result<Vec<PathBuf>, LearnError> {
        if path.exists() && !force {
            return Err(LearnError::Exists(path.to_path_buf()));
        }
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LearnError::Io { path, source }
        };
        let dir = path.with_extension("");
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let mut written = Vec::new();
        for (name, input, expected) in &self.fixtures {
            for (ext, text) in [
                ("in.txt", input.clone()),
                ("out.txt", format!("{}\n", expected.trim_end())),
            ] {
                let p = dir.join(format!("{name}.{ext}"));
                atomic_write(&p, &text)?;
                written.push(p);
            }
        }
        atomic_write(path, &self.toml)?;
        written.push(path.to_path_buf());
        Ok(written)
    }
}

/// Writes `text` to `path` through [`crate::output::AtomicFile`].
fn atomic_write(path: &Path, text: &str) -> Result<(), LearnError> {
    use std::io::Write as _;
    let wrap = |e: crate::output::OutputError| LearnError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut file = crate::output::AtomicFile::create(path).map_err(wrap)?;
    file.writer()
        .write_all(text.as_bytes())
        .map_err(|source| LearnError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    file.commit().map_err(wrap)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: [&str; 12] = [
        "harbour", "council", "ferry", "budget", "school", "river", "museum", "tram", "bridge",
        "library", "market", "stadium",
    ];

    /// Page `i` of a made-up site: a section label, a headline, a byline, a sentence that
    /// opens every article the same way, body text of its own, and a closing template line.
    fn page(i: usize) -> Document {
        let w = |k: usize| WORDS[(i * 7 + k * 5) % WORDS.len()];
        let text = format!(
            "{section}\n\nNew {a} plan splits the {b} committee again\n\n\
             Posted on March {day}, 2019 by Jane Doe\n\n\
             The minister said on Monday that the {a} and the {b} would be reviewed before the {c} vote in spring.\n\n\
             Residents near the {c} told reporters the {a} had been closed for {day} days, and that the {b} was next.\n\n\
             A spokesman for the {b} declined to comment on the {c} when asked about it on Tuesday evening.\n\n\
             Tap here for the archive",
            section = ["World", "Politics", "Asia"][i % 3],
            a = w(0),
            b = w(1),
            c = w(2),
            day = i % 28 + 1,
        );
        Document::from_text(format!("p{i}"), text)
    }

    fn learned(n: usize) -> Result<LearnedFile, LearnError> {
        let base = Rules::builtin().expect("built-in rules");
        Learner::new(&base, "made-up").learn(&(0..n).map(page).collect::<Vec<_>>())
    }

    #[test]
    fn learns_template_lines_and_spares_prose() {
        let file = learned(24).expect("learns");
        let text = |p: &Document| {
            Cleaner::new(Rules {
                files: vec![file.file.clone()],
            })
            .default_site(Some("made-up".into()))
            .clean(p)
            .text()
        };
        let cleaned = text(&page(100));
        // The template went: byline, closing line, section label.
        for gone in ["Posted on", "Tap here", "World\n", "Politics\n", "Asia\n"] {
            assert!(
                !cleaned.contains(gone),
                "{gone:?} left in:\n{cleaned}\n{}",
                file.toml
            );
        }
        // Every sentence stayed, the one that opens each article the same way too: "The
        // minister said on ..." is a shape on every page, but its lines read as prose.
        for kept in ["The minister said", "Residents near", "A spokesman", "New "] {
            assert!(
                cleaned.contains(kept),
                "{kept:?} removed:\n{cleaned}\n{}",
                file.toml
            );
        }
        assert!(file.rules.iter().all(|r| r.fired > 0));
        assert!(
            file.toml.contains("learned: changed 24 of 24 pages (100%)"),
            "{}",
            file.toml
        );
        // Fixtures fire every rule, from two pages at least.
        assert!(file.fixtures.len() >= 2);
    }

    #[test]
    fn needs_twenty_pages_and_a_name() {
        assert!(matches!(learned(19), Err(LearnError::TooFewPages(19))));
        let base = Rules::builtin().expect("built-in rules");
        let pages: Vec<Document> = (0..20).map(page).collect();
        assert!(matches!(
            Learner::new(&base, "no spaces").learn(&pages),
            Err(LearnError::BadName(_))
        ));
    }
}
