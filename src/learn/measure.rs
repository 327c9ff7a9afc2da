//! Measuring a learned rule file against a hand-written one on the same pages: how much of the
//! clutter the hand-written file removes the learned one removes too, and how much of what the
//! hand-written file keeps (the article) it removes. Used by the learner's integration test and
//! by `examples/learn_table.rs`, which prints the table in rules/README.md.

use crate::document::Document;
use crate::rules::{RuleFile, Rules};
use crate::{site, Cleaner};
use std::collections::{HashMap, HashSet};

/// Line counts over a set of pages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    pub pages: usize,
    /// Lines the hand-written file removes that the base rules alone keep.
    pub clutter: usize,
    /// Of those, lines the learned file removes too.
    pub clutter_removed: usize,
    /// Lines the hand-written file keeps, but for template lines (below).
    pub article: usize,
    /// Of those, lines the learned file removes.
    pub article_removed: usize,
    /// Lines the hand-written file keeps that occur verbatim on at least 2% of the pages (and
    /// three): template lines it misses, such as a form's labels. Not article lines.
    pub template_kept: usize,
    /// Of those, lines the learned file removes.
    pub template_removed: usize,
    /// Up to 20 clutter lines the learned file keeps, and 20 article lines it removes.
    pub missed: Vec<String>,
    pub over_removed: Vec<String>,
}

impl Comparison {
    /// The share of the clutter removed.
    pub fn recall(&self) -> f64 {
        self.clutter_removed as f64 / self.clutter.max(1) as f64
    }

    /// The share of article lines removed.
    pub fn over_removal(&self) -> f64 {
        self.article_removed as f64 / self.article.max(1) as f64
    }

    /// Adds `other`'s counts.
    pub fn add(&mut self, other: &Comparison) {
        self.pages += other.pages;
        self.clutter += other.clutter;
        self.clutter_removed += other.clutter_removed;
        self.article += other.article;
        self.article_removed += other.article_removed;
        self.template_kept += other.template_kept;
        self.template_removed += other.template_removed;
    }
}

/// The input lines a cleaner keeps.
fn kept(cleaner: &Cleaner, doc: &Document) -> HashSet<usize> {
    // Line numbers, 1-based, of the kept paragraphs.
    cleaner
        .clean(doc)
        .paragraphs
        .iter()
        .map(|p| p.line)
        .collect()
}

/// The rules of `base` with `file` added, and the cleaner for pages of it. The classifier is
/// off: it runs only for sites without a file, and the base alone must be the base.
fn with(base: &Rules, file: Option<&RuleFile>) -> Cleaner {
    let mut rules = base.clone();
    rules.files.extend(file.cloned());
    let site = file
        .filter(|f| f.kind == crate::rules::FileKind::Site)
        .map(|f| f.name.clone());
    Cleaner::new(rules).default_site(site).classifier(false)
}

/// Compares `learned` with `reference` (a site or platform file) on `docs`, both on top of
/// `base`.
pub fn compare(
    base: &Rules,
    reference: &RuleFile,
    learned: &RuleFile,
    docs: &[Document],
) -> Comparison {
    let (alone, by_hand, by_learner) = (
        with(base, None),
        with(base, Some(reference)),
        with(base, Some(learned)),
    );
    let mut c = Comparison::default();
    let runs: Vec<(HashSet<usize>, HashSet<usize>, HashSet<usize>)> = docs
        .iter()
        .map(|doc| {
            (
                kept(&alone, doc),
                kept(&by_hand, doc),
                kept(&by_learner, doc),
            )
        })
        .collect();
    // Pages each line the hand-written file keeps occurs on, verbatim.
    let mut on_pages: HashMap<String, usize> = HashMap::new();
    for (doc, (_, a, _)) in docs.iter().zip(&runs) {
        let lines: Vec<&str> = crate::clean::segment::raw_lines(&doc.text).collect();
        let distinct: HashSet<&str> = a
            .iter()
            .filter_map(|l| lines.get(l - 1))
            .map(|t| t.trim())
            .collect();
        for t in distinct {
            *on_pages.entry(t.to_string()).or_default() += 1;
        }
    }
    let template_pages = (docs.len() / 50).max(3);
    for (doc, (g, a, b)) in docs.iter().zip(&runs) {
        let lines: Vec<&str> = crate::clean::segment::raw_lines(&doc.text).collect();
        let text = |l: &usize| {
            lines
                .get(l - 1)
                .map_or(String::new(), |t| t.trim().to_string())
        };
        c.pages += 1;
        let clutter: Vec<&usize> = g.iter().filter(|l| !a.contains(l)).collect();
        c.clutter += clutter.len();
        c.clutter_removed += clutter.iter().filter(|l| !b.contains(l)).count();
        for l in clutter
            .iter()
            .filter(|l| b.contains(l))
            .take(20 - c.missed.len().min(20))
        {
            c.missed.push(text(l));
        }
        let template = |l: &&usize| on_pages.get(&text(l)).is_some_and(|&n| n >= template_pages);
        let (templated, article): (Vec<&usize>, Vec<&usize>) = a.iter().partition(template);
        c.template_kept += templated.len();
        c.template_removed += templated.iter().filter(|l| !b.contains(l)).count();
        c.article += article.len();
        let over: Vec<&&usize> = article.iter().filter(|l| !b.contains(l)).collect();
        c.article_removed += over.len();
        for l in over.iter().take(20 - c.over_removed.len().min(20)) {
            c.over_removed.push(text(l));
        }
    }
    c
}

/// How many of `docs` the fingerprints of `rules` recognise as `site`.
pub fn recognised(rules: &Rules, site: &str, docs: &[Document]) -> usize {
    docs.iter()
        .filter(|d| {
            let text = crate::clean::segment::normalized_text(&d.text);
            site::fingerprint_site(rules, &text).is_some_and(|f| f.name == site)
        })
        .count()
}
