//! Site-independent cleaning: find the article in a page that has no rule file.
//!
//! Most sites a user scrapes will never get a rule file, and a scraper's dump of their pages is
//! mostly menus, link lists, footers and comments around one article. After the rule files have
//! run (generic clutter rules included), this module classifies what is left, line by line, and
//! keeps the article:
//!
//! 1. [`lang`] guesses the page's language from stop-word votes, so density is measured with
//!    the right list (and a page in an unlisted language is judged on sentence shape instead).
//! 2. [`classify`] gives each line a jusText-style class (good, near-good, short, bad) from its
//!    [`features`], then settles short and near-good lines by their neighbours.
//! 3. [`article`] weighs the lines (good text counts for, clutter against; [`markers`] such as a
//!    related-links heading weigh heavily against) and takes the run of lines with the greatest
//!    total: the article. It stops the article at a comment section or where an unrelated story
//!    is appended (a section label and headline followed by text that no longer shares the
//!    article's vocabulary), and takes the headline from just before the run.
//! 4. Lines outside the article, and clutter inside it, are removed as [`Removal`]s attributed
//!    to `classifier:<reason>`; each kept line gets its class and reason in `Paragraph.class`.
//!
//! When no line is classified good the classifier does not return an empty article: it keeps
//! the longest run of sentence-like lines and says so in the document's notes.
//!
//! The classifier never sees lines the rule files removed and never restores one, and a line a
//! rule lifted as the title stays. Whether it runs at all on a site with a rule file is the
//! cleaner's decision (it does not: a site's rule file is trusted to know its template).

pub mod article;
pub mod classify;
pub mod features;
pub mod lang;
pub mod markers;
pub mod model;
pub mod train;

pub use lang::Lang;

use crate::clean::apply::Work;
use crate::document::Removal;

/// The name removals are attributed to: `classifier:<reason>`.
pub const RULE_PREFIX: &str = "classifier";

/// Every reason the classifier gives for a removal (the part after `classifier:`).
pub const REASONS: &[&str] = &[
    "before-article",
    "after-article",
    "comments",
    "appended-story",
    "repeated-headline",
    "related-links",
    "promo",
    "time-stamp",
    "copyright",
    "menu",
    "title-case",
    "digits",
    "short-boilerplate",
    "not-sentences",
    "few-stop-words",
    "model",
];

/// Whether `rule` (a qualified id from a [`Removal`]) names a classifier decision.
pub fn is_classifier_rule(rule: &str) -> bool {
    rule.strip_prefix(RULE_PREFIX)
        .and_then(|r| r.strip_prefix(':'))
        .is_some_and(|r| REASONS.contains(&r))
}

/// What the classifier decided about one document.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// For each line of the [`Work`] (same index), the class of a kept line and why it stayed.
    pub classes: Vec<Option<String>>,
    /// Things the document's record should say (a fallback was used).
    pub notes: Vec<String>,
    /// The language the classifier judged the page in.
    pub lang: Option<Lang>,
}

/// Runs the classifier over the lines of `work` (of a page at `url`, if known): removes what is
/// not the article and returns the verdicts on what stays.
///
/// The first round sees every non-blank line, those rules removed included: what a rule removed
/// still shapes the page (a comment heading it dropped still starts the comments). Later rounds
/// see only the lines kept so far, exactly what cleaning the cleaned text again would see, and
/// run until nothing more is removed. The result is a fixed point, so cleaning is idempotent:
/// context-dependent verdicts cannot change when the clutter around the article is gone.
///
/// With a `model`, each round's plan is revised by it ([`model::revise`]): the trained line
/// model decides what stays, with the plan's verdicts among its inputs.
pub fn clean(work: &mut Work, url: Option<&str>, model: Option<&model::Trees>) -> Outcome {
    let mut outcome = Outcome {
        classes: vec![None; work.lines.len()],
        ..Outcome::default()
    };
    let mut cache: Vec<Option<article::Measure>> = vec![None; work.lines.len()];
    // Every round after the first removes a line or is the last, so the rounds are at most
    // the lines plus two. A fixed cap (six, once) cut off pages where the line model peels one
    // line a round, and cleaning them again went on peeling (a proptest case).
    for round in 0..work.lines.len() + 2 {
        let present: Vec<usize> = (0..work.lines.len())
            .filter(|&i| {
                let l = &work.lines[i];
                if round == 0 {
                    !l.text.is_empty()
                } else {
                    l.kept
                }
            })
            .collect();
        if !present.iter().any(|&i| work.lines[i].kept) {
            return outcome;
        }
        let lines = &work.lines;
        let inputs: Vec<article::Input> = present
            .iter()
            .map(|&i| article::Input {
                text: lines[i].text.as_str(),
                gone: !lines[i].kept,
                measure: *cache[i].get_or_insert_with(|| article::Measure::of(&lines[i].text)),
            })
            .collect();
        let inputs_had_gone = inputs.iter().any(|input| input.gone);
        let mut plan = plan_page(&inputs, work.metadata.title.as_deref(), url);
        if let Some(m) = model {
            model::revise(&inputs, &mut plan, m);
        }
        let texts: Vec<&str> = inputs.iter().map(|input| input.text).collect();
        outcome.lang = Some(plan.lang);
        if let Some(note) = plan.note.filter(|n| !outcome.notes.contains(n)) {
            outcome.notes.push(note);
        }
        if work.metadata.title.is_none() {
            if let Some(h) = plan.headline {
                work.metadata.title = Some(texts[h].to_string());
            }
        }
        let mut changed = false;
        for (k, verdict) in std::mem::take(&mut plan.verdicts).into_iter().enumerate() {
            let i = present[k];
            match verdict {
                article::Verdict::Gone => {}
                article::Verdict::Keep(class) => outcome.classes[i] = Some(class),
                article::Verdict::Remove(reason) => {
                    let line = &mut work.lines[i];
                    line.kept = false;
                    outcome.classes[i] = None;
                    changed = true;
                    work.removed.push(Removal {
                        line: line.number,
                        original: line.original,
                        text: line.text.clone(),
                        rule: format!("{RULE_PREFIX}:{reason}"),
                        why: plan.why.get(k).cloned().flatten(),
                    });
                }
            }
        }
        // A fixed point: a round over exactly the kept lines (no line removed by a rule among
        // them, as the first round has) that removed nothing.
        if !changed && !inputs_had_gone {
            break;
        }
    }
    outcome
}

/// The hand-set classifier's plan for a page's lines, in the language of the lines still kept.
fn plan_page(inputs: &[article::Input], title: Option<&str>, url: Option<&str>) -> article::Plan {
    let kept: Vec<&features::Features> = inputs
        .iter()
        .filter(|input| !input.gone)
        .map(|input| &input.measure.f)
        .collect();
    let lang = article::page_lang(&kept);
    article::plan(inputs, lang, title, url)
}

/// One line as the trainer sees it: its number, text and features.
#[derive(Clone, Debug)]
pub struct LineRow {
    /// The 1-based input line.
    pub line: usize,
    pub text: String,
    pub row: model::Row,
}

/// The feature rows of the lines of `work` (after rules) that a first round of [`clean`] would
/// judge: every kept line but the headline.
pub fn line_rows(work: &Work, url: Option<&str>) -> Vec<LineRow> {
    let present: Vec<usize> = (0..work.lines.len())
        .filter(|&i| !work.lines[i].text.is_empty())
        .collect();
    let inputs: Vec<article::Input> = present
        .iter()
        .map(|&i| article::Input {
            text: work.lines[i].text.as_str(),
            gone: !work.lines[i].kept,
            measure: article::Measure::of(&work.lines[i].text),
        })
        .collect();
    if !inputs.iter().any(|input| !input.gone) {
        return Vec::new();
    }
    let plan = plan_page(&inputs, work.metadata.title.as_deref(), url);
    let rows = model::rows(&inputs, &plan);
    (0..inputs.len())
        .filter(|&k| !inputs[k].gone && Some(k) != plan.headline)
        .map(|k| LineRow {
            line: work.lines[present[k]].number,
            text: inputs[k].text.to_string(),
            row: rows[k],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifier_rule_names() {
        assert!(is_classifier_rule("classifier:before-article"));
        assert!(!is_classifier_rule("classifier:nonsense"));
        assert!(!is_classifier_rule("generic:before-article"));
    }
}
